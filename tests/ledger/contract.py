"""The contract every ledger backend passes: one base class, one subclass per backend.

A backend plugs in by subclassing :class:`LedgerContract` in a module named
``test_*.py`` and implementing :meth:`~LedgerContract.create_ledger` (and
:meth:`~LedgerContract.open_again` if its store can be opened twice)::

    class TestPostgresLedger(LedgerContract):
        def create_ledger(self) -> Ledger:
            return Ledger.open(self.url, recorded_by="tester")
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domain.events import event_classes
from ledger import (
    AlreadyExistsError,
    ConflictError,
    InvalidError,
    Ledger,
    LedgerError,
    LogEntry,
    NotFoundError,
    WorldTime,
)
from ledger.log import LOG_BATCH
from tests.ledger.world import (
    AUTHOR,
    CASE,
    CLAIM,
    CRITIC,
    DESK,
    POST,
    REPLY,
    REPORT,
    REQUEST,
    RULES,
    SUBJECTS,
    record_world,
)

Command = Callable[[Ledger], str]


def _then(*steps: Command) -> Command:
    """Run ``steps`` in order and return what the last one returned."""

    def run(ledger: Ledger) -> str:
        result = ""
        for step in steps:
            result = step(ledger)
        return result

    return run


_DELETE: Command = lambda lg: lg.delete_post(POST, at="2024-10-17..2024-10-18", deleted_by="author")  # noqa: E731
_REBUT: Command = lambda lg: lg.rebut_claim(  # noqa: E731
    CLAIM,
    reviewer=DESK,
    verdict="False",
    rationale="She said goodbye.",
    evidence=[f"{RULES}:rule 1"],
    at="2024-10-18",
)

#: Every command of the Ledger, as (event it records, subject, what to do).
COMMAND_EXAMPLES: dict[str, tuple[str, str, Command]] = {
    "register_actor": (
        "ActorRegistered",
        "actor/cy",
        lambda lg: lg.register_actor(
            "actor/cy", name="Cy", kind="person", handles=["x:cy"], description="A person"
        ),
    ),
    "add_actor_handle": (
        "ActorHandleAdded",
        AUTHOR,
        lambda lg: lg.add_actor_handle(AUTHOR, handle="x:ann-new", at="2024-10-18"),
    ),
    "drop_actor_handle": (
        "ActorHandleDropped",
        AUTHOR,
        lambda lg: (
            lg.add_actor_handle(AUTHOR, handle="x:ann-old", at="2024-10-01"),
            lg.drop_actor_handle(AUTHOR, handle="x:ann-old", at="2024-10-18"),
        )[-1],
    ),
    "rename_actor": (
        "ActorRenamed",
        AUTHOR,
        lambda lg: lg.rename_actor(AUTHOR, name="Ann B.", at="2024-10-18"),
    ),
    "register_source": (
        "SourceRegistered",
        "source/cy",
        lambda lg: lg.register_source(
            "source/cy", title="Cy", kind="statement", url="https://cy.org", publisher=AUTHOR, at="2024-10"
        ),
    ),
    "archive_source": (
        "SourceArchived",
        REPORT,
        lambda lg: lg.archive_source(REPORT, url="https://archive.org/r", at="2024-10-19T10:00Z", digest="d"),
    ),
    "publish_post": (
        "PostPublished",
        "post/cy",
        lambda lg: lg.publish_post(
            "post/cy",
            platform="X",
            author=CRITIC,
            text="Hi",
            url="https://x.com/1",
            in_reply_to=POST,
            at="2024-10-18",
        ),
    ),
    "observe_post": (
        "PostMetricsObserved",
        POST,
        lambda lg: lg.observe_post(POST, at="2024-10-17", views=33_000_000, likes=5, reposts=1),
    ),
    "edit_post": (
        "PostEdited",
        POST,
        lambda lg: lg.edit_post(POST, text="Hello, all", at="2024-10-16T10:00Z"),
    ),
    "archive_post": (
        "PostArchived",
        POST,
        lambda lg: lg.archive_post(POST, url="https://archive.ph/p", at="2024-10-16T12:00Z", digest="d"),
    ),
    "delete_post": ("PostDeleted", POST, _DELETE),
    "restore_post": ("PostRestored", POST, _then(_DELETE, lambda lg: lg.restore_post(POST, at="2024-10-19"))),
    "make_claim": (
        "ClaimMade",
        "claim/cy",
        lambda lg: lg.make_claim(
            "claim/cy", text="T", claimant=AUTHOR, post=POST, about=[REPLY], at="2024-10-16"
        ),
    ),
    "repeat_claim": (
        "ClaimRepeated",
        CLAIM,
        lambda lg: lg.repeat_claim(CLAIM, post=POST, by=AUTHOR, at="2024-10-18"),
    ),
    "rebut_claim": ("ClaimRebutted", CLAIM, _REBUT),
    "support_claim": (
        "ClaimSupported",
        CLAIM,
        lambda lg: lg.support_claim(
            CLAIM, reviewer=DESK, verdict="True", rationale="R", evidence=[REPORT], at="2024-10-18"
        ),
    ),
    "rate_claim": (
        "ClaimRated",
        CLAIM,
        lambda lg: lg.rate_claim(
            CLAIM, reviewer=DESK, verdict="Needs context", rationale="R", at="2024-10-18"
        ),
    ),
    "revise_verdict": (
        "VerdictRevised",
        CLAIM,
        _then(
            _REBUT,
            lambda lg: lg.revise_verdict(
                CLAIM,
                reviewer=DESK,
                verdict="True",
                rationale="New facts",
                stance="supported",
                at="2024-10-19",
            ),
        ),
    ),
    "retract_claim": (
        "ClaimRetracted",
        CLAIM,
        lambda lg: lg.retract_claim(CLAIM, at="2024-10-19", reason="Misread"),
    ),
    "request_comment": (
        "CommentRequested",
        "comment/cy",
        lambda lg: lg.request_comment(
            "comment/cy",
            requester=DESK,
            recipient=CRITIC,
            channel="phone",
            regarding=[CLAIM],
            at="2024-10-18",
        ),
    ),
    "receive_comment": (
        "CommentReceived",
        REQUEST,
        lambda lg: lg.receive_comment(REQUEST, at="2024-10-19", text="No."),
    ),
    "decline_comment": ("CommentDeclined", REQUEST, lambda lg: lg.decline_comment(REQUEST, at="2024-10-19")),
    "lapse_comment": ("CommentRequestLapsed", REQUEST, lambda lg: lg.lapse_comment(REQUEST, at="2024-10-21")),
    "open_case": ("CaseOpened", "case/cy", lambda lg: lg.open_case("case/cy", title="Cy", description="D")),
    "link_to_case": ("SubjectLinked", CASE, lambda lg: lg.link_to_case(CASE, [POST, CLAIM])),
    "add_case_note": ("NoteAdded", CASE, lambda lg: lg.add_case_note(CASE, text="A note", at="2024-09")),
    "correct": ("EntryCorrected", POST, lambda lg: lg.correct(POST, version=1, reason="Wrong minute")),
}


class LedgerContract(ABC):
    """What every backend must do, through the public Ledger API only."""

    tmp_path: object

    @abstractmethod
    def create_ledger(self) -> Ledger:
        """A new, empty ledger on the backend under test, recording as ``tester``."""

    def open_again(self, ledger: Ledger) -> Ledger:
        """Another Ledger object on the same store as ``ledger``: a second writer, or a reopening."""
        pytest.skip(f"{type(self).__name__}: a store of this backend cannot be opened twice")

    @pytest.fixture(autouse=True)
    def _remember_tmp_path(self, tmp_path: object) -> None:
        self.tmp_path = tmp_path

    @pytest.fixture
    def ledger(self) -> Iterator[Ledger]:
        with self.create_ledger() as ledger:
            yield ledger

    @pytest.fixture
    def world(self, ledger: Ledger) -> Ledger:
        record_world(ledger)
        return ledger

    # -- commands --------------------------------------------------------------------------------

    def test_every_event_class_has_a_command(self) -> None:
        # A redaction is no recording command: Ledger.redact also erases content (tests/integrity).
        assert {event for event, _, _ in COMMAND_EXAMPLES.values()} | {"EntryRedacted"} == {
            cls.__name__ for cls in event_classes().values()
        }

    @pytest.mark.parametrize("name", sorted(COMMAND_EXAMPLES))
    def test_each_command_records_its_event_and_returns_the_reference(self, world: Ledger, name: str) -> None:
        event_type, subject, command = COMMAND_EXAMPLES[name]
        head = world.head
        before = world.get(subject).version if world.exists(subject) else 0
        assert command(world) == subject
        last = world.history(subject)[-1]
        assert last.type == event_type
        assert last.position == world.head > head
        assert world.get(subject).version == last.version > before
        assert last.event.recorded_by == "tester"

    def test_commands_carry_who_recorded_the_sources_and_a_note(self, world: Ledger) -> None:
        world.observe_post(
            POST, at="2024-10-17", views=1, sources=[REPORT, RULES], note="seen", recorded_by="ann"
        )
        event = world.history(POST)[-1].event
        assert (event.recorded_by, event.sources, event.note) == ("ann", (REPORT, RULES), "seen")
        world.observe_post(POST, at="2024-10-18", views=2, sources=REPORT)
        assert world.history(POST)[-1].event.sources == (REPORT,)

    def test_world_times_are_parsed_or_taken_as_given(self, world: Ledger) -> None:
        world.observe_post(POST, at=WorldTime.parse("2024-10-17T12:00+02:00"), views=1)
        world.observe_post(POST, at="2024-10-16..2024-10-18", views=2)
        # Kept in world-time order (earliest first), whatever order they were recorded in.
        assert [str(m.observed_at) for m in world.get(POST).metrics] == [
            "2024-10-16..2024-10-18",
            "2024-10-17T12:00+02:00",
        ]

    @pytest.mark.parametrize(
        ("command", "error", "message"),
        [
            (
                lambda lg: lg.register_actor(AUTHOR, name="A", kind="person"),
                AlreadyExistsError,
                "actor/ann already exists",
            ),
            (
                lambda lg: lg.observe_post("post/zz", at="2024", views=1),
                NotFoundError,
                "post/zz does not exist",
            ),
            (
                lambda lg: lg.observe_post(CLAIM, at="2024", views=1),
                InvalidError,
                "'claim/bob-says' is not a post reference",
            ),
            (
                lambda lg: lg.observe_post(POST, at="2024-10-17T12:00", views=1),
                InvalidError,
                "has no time zone",
            ),
            (
                lambda lg: lg.observe_post(POST, at=datetime(2024, 10, 17), views=1),
                InvalidError,
                "naive datetime",
            ),
            (
                lambda lg: lg.observe_post(POST, at=None, views=1),
                InvalidError,
                r"a world time is required \(at=...\)",
            ),
            (
                lambda lg: lg.observe_post(POST, at="2024-10-17", views=-5),
                InvalidError,
                "views: Input should be greater",
            ),
            (
                lambda lg: lg.observe_post(POST, at="2024-10-17", views=1, sources=["nope"]),
                InvalidError,
                "sources.0: malformed",
            ),
            (
                lambda lg: lg.observe_post(POST, at="2024-10-17", views=1, sources=["source/zz"]),
                NotFoundError,
                "source source/zz",
            ),
            (
                lambda lg: lg.observe_post(POST, at="2024-10-17", views=1, recorded_by=" "),
                InvalidError,
                "recorded_by",
            ),
            (
                lambda lg: lg.delete_post(POST, at="2024-10-15"),
                InvalidError,
                "cannot have been deleted at 2024-10-15",
            ),
            (
                lambda lg: lg.restore_post(POST, at="2024-10-19"),
                InvalidError,
                "post/ann-first is not deleted",
            ),
            (
                lambda lg: lg.publish_post("post/cy", platform="X", author="actor/zz", text="T", at="2024"),
                NotFoundError,
                "author",
            ),
            (
                lambda lg: lg.rebut_claim(
                    CLAIM, reviewer=DESK, verdict="F", rationale="R", evidence=["source/zz"], at="2024-10-18"
                ),
                NotFoundError,
                "evidence source source/zz does not exist",
            ),
            (
                lambda lg: lg.rebut_claim(CLAIM, reviewer=DESK, verdict="", rationale="R", at="2024-10-18"),
                InvalidError,
                "verdict",
            ),
            (
                lambda lg: lg.lapse_comment(REQUEST, at="2024-10-19"),
                InvalidError,
                "before its deadline 2024-10-20",
            ),
            (lambda lg: lg.link_to_case(CASE, []), InvalidError, "name at least one subject to link"),
            (lambda lg: lg.link_to_case("case/zz", [POST]), NotFoundError, "case/zz does not exist"),
            (
                lambda lg: lg.correct(POST, version=5, reason="R"),
                NotFoundError,
                r"post/ann-first has no entry v5 \(latest is v1\)",
            ),
            (
                lambda lg: lg.correct("post/zz", version=1, reason="R"),
                NotFoundError,
                "post/zz does not exist",
            ),
            (
                lambda lg: lg.correct("nope", version=1, reason="R"),
                InvalidError,
                "malformed reference 'nope'",
            ),
        ],
    )
    def test_refused_commands_raise_a_clear_error_and_write_nothing(
        self, world: Ledger, command: Command, error: type[LedgerError], message: str
    ) -> None:
        head = world.head
        with pytest.raises(error, match=message):
            command(world)
        assert world.head == head

    def test_an_answered_request_takes_no_further_answer(self, world: Ledger) -> None:
        world.receive_comment(REQUEST, at="2024-10-19")
        with pytest.raises(InvalidError, match="comment/desk-to-ann is not open: it was already answered"):
            world.decline_comment(REQUEST, at="2024-10-20")

    def test_a_post_is_deleted_once(self, world: Ledger) -> None:
        world.delete_post(POST, at="2024-10-17..2024-10-18")
        with pytest.raises(InvalidError, match=r"already deleted \(deleted 2024-10-17\.\.2024-10-18\)"):
            world.delete_post(POST, at="2024-10-19")

    # -- queries -----------------------------------------------------------------------------------

    def test_get_returns_the_state_now_or_at_a_past_version(self, world: Ledger) -> None:
        world.edit_post(POST, text="Hello, all", at="2024-10-16T10:00Z")
        world.delete_post(POST, at="2024-10-17")
        assert (world.get(POST).version, world.get(POST).status, world.get(POST).text) == (
            3,
            "deleted",
            "Hello, all",
        )
        assert (world.get(POST, version=1).status, world.get(POST, version=1).text) == (
            "live",
            "Hello, world",
        )
        assert world.get(POST, version=2).text == "Hello, all"
        assert world.get(POST, version=2).status == "live"
        assert world.get(POST, version=3) == world.get(POST)

    @pytest.mark.parametrize(
        ("ref", "version", "error", "message"),
        [
            ("post/zz", None, NotFoundError, "post/zz does not exist"),
            ("post/zz", 1, NotFoundError, "post/zz does not exist"),
            (POST, 2, NotFoundError, r"post/ann-first has no version 2 \(latest is v1\)"),
            (POST, 0, InvalidError, "version must be 1 or more, not 0"),
            ("nope", None, InvalidError, "malformed reference 'nope'"),
        ],
    )
    def test_get_refusals(
        self, world: Ledger, ref: str, version: int | None, error: type[LedgerError], message: str
    ) -> None:
        with pytest.raises(error, match=message):
            world.get(ref, version=version)

    def test_every_kind_of_subject_can_be_read(self, world: Ledger) -> None:
        kinds = {ref: type(world.get(ref)).__name__ for ref in SUBJECTS}
        assert kinds == {
            AUTHOR: "ActorState",
            CRITIC: "ActorState",
            DESK: "ActorState",
            REPORT: "SourceState",
            RULES: "SourceState",
            POST: "PostState",
            REPLY: "PostState",
            CLAIM: "ClaimState",
            REQUEST: "CommentRequestState",
            CASE: "CaseState",
        }

    def test_history_lists_a_subjects_entries_in_version_order(self, world: Ledger) -> None:
        world.observe_post(POST, at="2024-10-17", views=1)
        world.delete_post(POST, at="2024-10-18")
        history = world.history(POST)
        assert [(e.version, e.type, e.subject) for e in history] == [
            (1, "PostPublished", POST),
            (2, "PostMetricsObserved", POST),
            (3, "PostDeleted", POST),
        ]
        assert [e.position for e in history] == [6, 11, 12]
        with pytest.raises(NotFoundError, match="post/zz does not exist"):
            world.history("post/zz")

    def test_exists_and_head(self, ledger: Ledger) -> None:
        assert ledger.head == 0
        assert not ledger.exists(AUTHOR)
        record_world(ledger)
        assert ledger.head == len(SUBJECTS)
        assert all(ledger.exists(ref) for ref in SUBJECTS)
        assert not ledger.exists("post/zz")
        with pytest.raises(InvalidError, match="malformed reference"):
            ledger.exists("post/Nope")

    def test_the_log_streams_every_entry_with_dense_positions_and_record_times(self, ledger: Ledger) -> None:
        assert list(ledger.log()) == []
        count = 2 * LOG_BATCH + 3  # more than one page of the store
        before = datetime.now(UTC)
        with ledger.batch():
            for n in range(count):
                ledger.register_actor(f"actor/a{n}", name=f"A{n}", kind="person")
        record_world(ledger)
        after = datetime.now(UTC)
        log = ledger.log()
        assert isinstance(log, Iterator)
        first = next(log)
        assert (first.position, first.subject, first.type) == (1, "actor/a0", "ActorRegistered")
        entries = [first, *log]
        assert [e.position for e in entries] == list(range(1, count + len(SUBJECTS) + 1))
        assert [e.subject for e in entries[count:]] == list(SUBJECTS)
        times = [e.recorded_at for e in entries]
        assert times == sorted(times)
        assert all(t.utcoffset() == timedelta(0) for t in times)
        # Record time comes from the store's clock, at the time of writing.
        assert before - timedelta(seconds=5) <= times[0] <= times[-1] <= after + timedelta(seconds=5)
        assert all(isinstance(e, LogEntry) for e in entries)

    def test_the_log_after_and_until_a_position(self, world: Ledger) -> None:
        assert [e.position for e in world.log(after=7)] == [8, 9, 10]
        assert [e.position for e in world.log(after=2, until=4)] == [3, 4]
        assert [e.position for e in world.log(until=2)] == [1, 2]
        assert list(world.log(after=10)) == []
        assert [e.subject for e in world.log(after=5, until=6)] == [POST]

    def test_one_batch_is_one_run_of_positions(self, world: Ledger) -> None:
        with world.batch():
            world.observe_post(POST, at="2024-10-17", views=1)
            world.register_actor("actor/cy", name="Cy", kind="person")
            world.observe_post(POST, at="2024-10-18", views=2)
        assert [(e.position, e.subject, e.version) for e in world.log(after=10)] == [
            (11, POST, 2),
            (12, "actor/cy", 1),
            (13, POST, 3),
        ]

    def test_timeline_of_a_subject(self, world: Ledger) -> None:
        world.rebut_claim(CLAIM, reviewer=DESK, verdict="False", rationale="R", at="2024-10-18")
        world.delete_post(POST, at="2024-10-17..2024-10-18")
        world.link_to_case(CASE, [POST])
        timeline = world.timeline(POST)
        assert timeline.subject == POST
        assert [(str(e.occurred_at), e.subject, e.type) for e in timeline.entries] == [
            ("2024-10-16T09:30Z", POST, "PostPublished"),
            ("2024-10-17", REPLY, "PostPublished"),
            ("2024-10-17", CLAIM, "ClaimMade"),
            ("2024-10-17..2024-10-18", POST, "PostDeleted"),
            # Same world time: in log order (the request was recorded first).
            ("2024-10-18", REQUEST, "CommentRequested"),
            ("2024-10-18", CLAIM, "ClaimRebutted"),
            ("None", CASE, "SubjectLinked"),
        ]
        with pytest.raises(NotFoundError, match="post/zz does not exist"):
            world.timeline("post/zz")

    @pytest.mark.parametrize("cache_size", [1, 1024])
    def test_replay_gives_each_entry_with_the_state_after_it(self, world: Ledger, cache_size: int) -> None:
        for name in (
            "observe_post",
            "rebut_claim",
            "receive_comment",
            "link_to_case",
            "correct",
            "edit_post",
        ):
            COMMAND_EXAMPLES[name][2](world)
        replayed = list(world.replay(cache_size=cache_size))
        assert [entry for entry, _ in replayed] == list(world.log())
        for entry, state in replayed:
            assert state == world.get(entry.subject, version=entry.version), entry
        assert [entry.position for entry, _ in world.replay(until=3)] == [1, 2, 3]
        with pytest.raises(InvalidError, match="cache_size must be 1 or more, not 0"):
            next(world.replay(cache_size=0))

    @pytest.mark.parametrize("replay", [False, True], ids=["views", "replay"])
    def test_lists_of_a_kind_with_filters(self, world: Ledger, replay: bool) -> None:
        world.delete_post(REPLY, at="2024-10-18")

        def refs(kind: str, /, **filters: str) -> list[str]:
            return [row.ref for row in world.rows(kind, filters, replay=replay)]

        assert refs("post") == [POST, REPLY]
        assert refs("post", status="deleted") == [REPLY]
        assert refs("post", platform="x", status="live") == [POST]
        assert refs("post", in_reply_to=POST) == [REPLY]
        assert refs("claim", about=POST, claimant=CRITIC) == [CLAIM]
        assert refs("comment", status="awaiting") == [REQUEST]
        assert refs("actor", kind="organization") == [DESK]
        assert refs("source", publisher=AUTHOR) == []
        with pytest.raises(InvalidError, match="colour"):
            refs("post", colour="red")
        with pytest.raises(InvalidError, match="tweet"):
            refs("tweet")

    def test_a_dry_run_batch_checks_everything_and_writes_nothing(self, world: Ledger) -> None:
        head = world.head
        with world.batch(dry_run=True):
            world.register_actor("actor/cy", name="Cy", kind="person")
            world.publish_post("post/cy", platform="X", author="actor/cy", text="Hi", at="2024-10-16")
        assert world.head == head
        assert not world.exists("actor/cy")

        def record() -> None:
            with world.batch(dry_run=True):
                world.register_actor("actor/cy", name="Cy", kind="person")
                world.publish_post("post/cy", platform="X", author="actor/zz", text="Hi", at="2024-10-16")

        with pytest.raises(NotFoundError, match="author actor/zz does not exist"):
            record()
        assert world.head == head

    # -- batches -------------------------------------------------------------------------------------

    def test_a_batch_sees_its_own_earlier_commands(self, ledger: Ledger) -> None:
        with ledger.batch():
            ledger.register_actor(AUTHOR, name="Ann", kind="person")
            ledger.publish_post(POST, platform="X", author=AUTHOR, text="Hi", at="2024-10-16")
            ledger.delete_post(POST, at="2024-10-17")
            # Nothing is written until the batch ends.
            assert ledger.head == 0
            assert not ledger.exists(AUTHOR)
        assert [(e.position, e.type) for e in ledger.log()] == [
            (1, "ActorRegistered"),
            (2, "PostPublished"),
            (3, "PostDeleted"),
        ]
        assert ledger.get(POST).status == "deleted"

    @pytest.mark.parametrize(
        "failing",
        [
            lambda lg: lg.publish_post("post/cy", platform="X", author="actor/zz", text="T", at="2024"),
            lambda lg: lg.register_actor(AUTHOR, name="Again", kind="person"),
            lambda lg: lg.delete_post(POST, at="2024-10-15"),
            lambda lg: lg.link_to_case(CASE, ["post/cy", "post/zz"]),
        ],
    )
    def test_a_failing_command_mid_batch_writes_nothing(self, world: Ledger, failing: Command) -> None:
        head = world.head

        def record() -> None:
            with world.batch():
                world.register_actor("actor/cy", name="Cy", kind="person")
                world.publish_post("post/cy", platform="X", author="actor/cy", text="Hi", at="2024-10-16")
                world.observe_post(POST, at="2024-10-17", views=1)
                failing(world)
                world.register_actor("actor/never", name="Never", kind="person")

        with pytest.raises(LedgerError):
            record()
        assert world.head == head
        assert not world.exists("actor/cy")
        assert not world.exists("post/cy")
        assert world.get(POST).version == 1
        # The ledger is still usable, outside any batch.
        world.register_actor("actor/cy", name="Cy", kind="person")
        assert world.head == head + 1

    def test_an_error_of_the_callers_own_inside_a_batch_writes_nothing(self, world: Ledger) -> None:
        head = world.head

        def record() -> None:
            with world.batch():
                world.register_actor("actor/cy", name="Cy", kind="person")
                _ = 1 / 0

        with pytest.raises(ZeroDivisionError):
            record()
        assert world.head == head

    def test_batches_nest_into_one(self, world: Ledger) -> None:
        head = world.head

        def record() -> None:
            with world.batch():
                world.register_actor("actor/cy", name="Cy", kind="person")
                with world.batch():
                    world.link_to_case(CASE, ["actor/cy", POST])
                world.link_to_case(CASE, ["post/zz"])

        with pytest.raises(NotFoundError, match="subject post/zz does not exist"):
            record()
        assert world.head == head
        with world.batch():
            world.register_actor("actor/cy", name="Cy", kind="person")
            with world.batch():
                world.link_to_case(CASE, ["actor/cy", POST])
        assert world.get(CASE).subjects == ("actor/cy", POST)

    def test_an_empty_batch_writes_nothing(self, world: Ledger) -> None:
        with world.batch():
            pass
        assert world.head == len(SUBJECTS)

    def test_a_correction_of_an_entry_recorded_in_the_same_batch(self, ledger: Ledger) -> None:
        with ledger.batch():
            ledger.register_actor(AUTHOR, name="Anne", kind="person")
            ledger.correct(AUTHOR, version=1, reason="Her name is Ann")
        assert ledger.get(AUTHOR).corrections[0].reason == "Her name is Ann"

    # -- several ledger objects on one store ---------------------------------------------------------------

    def test_reopening_keeps_everything(self, ledger: Ledger) -> None:
        record_world(ledger)
        ledger.delete_post(POST, at="2024-10-17..2024-10-18")
        log = list(ledger.log())
        timeline = ledger.timeline(POST)
        state = ledger.get(POST)
        ledger.close()
        with self.open_again(ledger) as reopened:
            assert list(reopened.log()) == log
            assert reopened.timeline(POST) == timeline
            assert reopened.get(POST) == state
            reopened.restore_post(POST, at="2024-10-19")
            assert reopened.head == len(log) + 1

    def test_a_concurrent_change_to_the_same_subject_is_a_conflict_and_writes_nothing(
        self, world: Ledger
    ) -> None:
        with self.open_again(world) as other:
            head = world.head

            def record() -> None:
                with world.batch():
                    world.register_actor("actor/cy", name="Cy", kind="person")
                    world.observe_post(POST, at="2024-10-17", views=1)  # staged as v2 of the post
                    other.delete_post(POST, at="2024-10-18")  # v2 of the post, written first

            with pytest.raises(
                ConflictError,
                match="post/ann-first was changed by another writer at the same time; try again",
            ):
                record()
            assert other.head == world.head == head + 1
            assert not world.exists("actor/cy")
            assert [e.type for e in world.history(POST)] == ["PostPublished", "PostDeleted"]
            # Retried, the command sees the other writer's entry and its rules apply.
            with pytest.raises(
                InvalidError, match="cannot have been observed at 2024-10-19: it was deleted 2024-10-18"
            ):
                world.observe_post(POST, at="2024-10-19", views=1)

    def test_two_writers_creating_the_same_subject(self, world: Ledger) -> None:
        with self.open_again(world) as other:
            head = world.head

            def record() -> None:
                with world.batch():
                    world.register_actor("actor/cy", name="Cy", kind="person")
                    world.register_actor("actor/dee", name="Dee", kind="person")
                    other.register_actor("actor/cy", name="Cy, the other", kind="person")  # written first

            with pytest.raises(AlreadyExistsError, match="actor/cy already exists"):
                record()
            assert world.head == head + 1
            assert world.get("actor/cy").name == "Cy, the other"
            assert not world.exists("actor/dee")

    def test_appends_in_a_row_read_the_tree_frontier_once(self, ledger: Ledger) -> None:
        tree: Any = ledger._recorder.tree  # type: ignore[attr-defined]
        select, reads = tree._select_nodes, []
        tree._select_nodes = lambda *args: reads.append(1) or select(*args)
        try:
            for i in range(5):
                ledger.register_actor(f"actor/a-{i}", name=f"A {i}", kind="person")
            with ledger.batch():
                ledger.register_actor("actor/b", name="B", kind="person")
        finally:
            del tree._select_nodes
        assert len(reads) == 1
        assert ledger.verify().events == 6

    def test_appends_after_another_writers_build_on_its_entries(self, ledger: Ledger) -> None:
        with self.open_again(ledger) as other:
            for i in range(4):
                ledger.register_actor(f"actor/one-{i}", name=f"One {i}", kind="person")
                with other.batch():
                    other.register_actor(f"actor/two-{i}", name=f"Two {i}", kind="person")
                    other.register_actor(f"actor/two-{i}-b", name=f"Two {i} b", kind="person")
            assert ledger.verify().events == other.verify().events == 12
        with self.open_again(ledger) as reopened:
            assert reopened.verify().events == 12

    def test_a_kept_state_is_read_again_after_another_writer_changed_it(self, world: Ledger) -> None:
        with self.open_again(world) as other:
            other.observe_post(POST, at="2024-10-17", views=1)  # other keeps the post's state
            world.delete_post(POST, at="2024-10-18")
            with pytest.raises(
                InvalidError, match="cannot have been observed at 2024-10-19: it was deleted 2024-10-18"
            ):
                other.observe_post(POST, at="2024-10-19", views=2)
            with other.batch():
                other.restore_post(POST, at="2024-10-20")
            assert [e.type for e in world.history(POST)][-2:] == ["PostDeleted", "PostRestored"]

    @pytest.mark.parametrize("spooled", [False, True])
    def test_a_subject_another_writer_created_is_refused_at_once_in_a_long_batch(
        self, world: Ledger, spooled: bool
    ) -> None:
        with self.open_again(world) as other:
            # Enough new subjects that the ledger reads every subject's id once, then keeps them.
            with other.batch(spooled=spooled):
                for number in range(300):
                    other.register_actor(f"actor/n{number}", name=f"N{number}", kind="person")
            world.register_actor("actor/late", name="Late", kind="person")
            with other.batch(), pytest.raises(AlreadyExistsError, match="actor/late already exists"):
                other.register_actor("actor/late", name="Late again", kind="person")
            with other.batch(spooled=spooled):
                other.register_actor("actor/n300", name="N300", kind="person")
            with other.batch(), pytest.raises(AlreadyExistsError, match="actor/n300 already exists"):
                other.register_actor("actor/n300", name="N300 again", kind="person")
            assert world.exists("actor/n300")
            assert world.exists("actor/n299")
            with pytest.raises(AlreadyExistsError, match="actor/n12 already exists"):
                world.register_actor("actor/n12", name="N12", kind="person")

    def test_a_second_ledger_object_sees_what_the_first_wrote(self, world: Ledger) -> None:
        with self.open_again(world) as other:
            world.delete_post(POST, at="2024-10-18")
            assert other.get(POST).status == "deleted"
            assert [e.position for e in other.log(after=10)] == [11]
