"""What every event shares: stable topics, apply and summary for each class, corrections, errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from domain import actor, case, claim, comment, post, source
from domain.errors import (
    AlreadyExistsError,
    ConflictError,
    InvalidError,
    LedgerError,
    NotFoundError,
    StorageError,
)
from domain.events import (
    Correction,
    EntryCorrected,
    Event,
    LogEntry,
    Provenance,
    as_tuple,
    build,
    correct,
    event_class,
    event_classes,
    fold,
    redact,
)
from domain.refs import subject_id
from tests.domain.conftest import AUTHOR, CASE, CLAIM, CRITIC, DESK, POST, REPLY, REPORT, REQUEST
from tests.domain.support import World, provenance, when

#: The stored name of every event class. Never change one: stored events are read by it.
TOPICS = {
    "ActorRegistered": "ledger.ActorRegistered.v1",
    "ActorHandleAdded": "ledger.ActorHandleAdded.v1",
    "ActorHandleDropped": "ledger.ActorHandleDropped.v1",
    "ActorRenamed": "ledger.ActorRenamed.v1",
    "SourceRegistered": "ledger.SourceRegistered.v1",
    "SourceArchived": "ledger.SourceArchived.v1",
    "PostPublished": "ledger.PostPublished.v1",
    "PostMetricsObserved": "ledger.PostMetricsObserved.v1",
    "PostEdited": "ledger.PostEdited.v1",
    "PostArchived": "ledger.PostArchived.v1",
    "PostDeleted": "ledger.PostDeleted.v1",
    "PostRestored": "ledger.PostRestored.v1",
    "ClaimMade": "ledger.ClaimMade.v1",
    "ClaimRepeated": "ledger.ClaimRepeated.v1",
    "ClaimRebutted": "ledger.ClaimRebutted.v1",
    "ClaimSupported": "ledger.ClaimSupported.v1",
    "ClaimRated": "ledger.ClaimRated.v1",
    "VerdictRevised": "ledger.VerdictRevised.v1",
    "ClaimRetracted": "ledger.ClaimRetracted.v1",
    "CommentRequested": "ledger.CommentRequested.v1",
    "CommentReceived": "ledger.CommentReceived.v1",
    "CommentDeclined": "ledger.CommentDeclined.v1",
    "CommentRequestLapsed": "ledger.CommentRequestLapsed.v1",
    "CaseOpened": "ledger.CaseOpened.v1",
    "SubjectLinked": "ledger.SubjectLinked.v1",
    "NoteAdded": "ledger.NoteAdded.v1",
    "EntryCorrected": "ledger.EntryCorrected.v1",
    "EntryRedacted": "ledger.EntryRedacted.v1",
}


def _review(how: Callable[..., Any]) -> Callable[[World], Any]:
    def build_review(w: World) -> Any:
        return how(
            w.state(CLAIM), reviewer=DESK, verdict="False", rationale="R", at=when("2024-10-18"), **w.kwargs()
        )

    return build_review


def _revised(w: World) -> Any:
    w.record(_review(claim.rebut)(w))
    return claim.revise(
        w.state(CLAIM), reviewer=DESK, verdict="True", rationale="R", at=when("2024-10-19"), **w.kwargs()
    )


def _restored(w: World) -> Any:
    w.record(post.delete(w.state(POST), at=when("2024-10-17"), **w.kwargs()))
    return post.restore(w.state(POST), at=when("2024-10-18"), **w.kwargs())


def _handle_dropped(w: World) -> Any:
    w.record(actor.add_handle(w.state(AUTHOR), handle="x:ann2", at=when("2024-10-17"), **w.kwargs()))
    return actor.drop_handle(w.state(AUTHOR), handle="x:ann2", at=when("2024-10-18"), **w.kwargs())


#: For every event class, its command function building one in the small world.
EXAMPLES: dict[str, Callable[[World], Any]] = {
    "ActorRegistered": lambda w: actor.register("actor/cy", name="Cy", kind="person", **w.kwargs()),
    "ActorHandleAdded": lambda w: actor.add_handle(
        w.state(AUTHOR), handle="x:ann2", at=when("2024-10-17"), **w.kwargs()
    ),
    "ActorHandleDropped": _handle_dropped,
    "ActorRenamed": lambda w: actor.rename(w.state(AUTHOR), name="Ann B.", at=when("2024-10"), **w.kwargs()),
    "SourceRegistered": lambda w: source.register("source/cy", title="Cy", **w.kwargs()),
    "SourceArchived": lambda w: source.archive(
        w.state(REPORT), url="https://a.org", at=when("2024-10-19"), **w.kwargs()
    ),
    "PostPublished": lambda w: post.publish(
        "post/cy", platform="X", author=AUTHOR, text="Hi", at=when("2024"), **w.kwargs()
    ),
    "PostMetricsObserved": lambda w: post.observe(
        w.state(POST), at=when("2024-10-17"), views=5, **w.kwargs()
    ),
    "PostEdited": lambda w: post.edit(w.state(POST), text="Bye", at=when("2024-10-17"), **w.kwargs()),
    "PostArchived": lambda w: post.archive(
        w.state(POST), url="https://a.org", at=when("2024-10-17"), **w.kwargs()
    ),
    "PostDeleted": lambda w: post.delete(w.state(POST), at=when("2024-10-17"), **w.kwargs()),
    "PostRestored": _restored,
    "ClaimMade": lambda w: claim.make(
        "claim/cy", text="T", claimant=CRITIC, post=REPLY, at=when("2024"), **w.kwargs()
    ),
    "ClaimRepeated": lambda w: claim.repeat(
        w.state(CLAIM), post=POST, by=AUTHOR, at=when("2024-10-18"), **w.kwargs()
    ),
    "ClaimRebutted": _review(claim.rebut),
    "ClaimSupported": _review(claim.support),
    "ClaimRated": _review(claim.rate),
    "VerdictRevised": _revised,
    "ClaimRetracted": lambda w: claim.retract(w.state(CLAIM), at=when("2024-10-18"), **w.kwargs()),
    "CommentRequested": lambda w: comment.request(
        "comment/cy", requester=DESK, recipient=AUTHOR, channel="email", at=when("2024"), **w.kwargs()
    ),
    "CommentReceived": lambda w: comment.receive(w.state(REQUEST), at=when("2024-10-19"), **w.kwargs()),
    "CommentDeclined": lambda w: comment.decline(w.state(REQUEST), at=when("2024-10-19"), **w.kwargs()),
    "CommentRequestLapsed": lambda w: comment.lapse(w.state(REQUEST), at=when("2024-10-21"), **w.kwargs()),
    "CaseOpened": lambda w: case.open_case("case/cy", title="T", **w.kwargs()),
    "SubjectLinked": lambda w: case.link(w.state(CASE), POST, **w.kwargs()),
    "NoteAdded": lambda w: case.note(w.state(CASE), text="N", at=when("2024"), **w.kwargs()),
    "EntryCorrected": lambda w: correct(
        w.state(POST), version=1, reason="Wrong time", provenance=provenance()
    ),
    "EntryRedacted": lambda w: redact(
        w.state(POST),
        version=1,
        position=3,
        content_sha256="A" * 43 + "=",
        reason="Erasure",
        provenance=provenance(),
    ),
}


def test_topics_are_explicit_stable_and_unique() -> None:
    assert {cls.__name__: topic for topic, cls in event_classes().items()} == TOPICS
    assert all(topic == cls.TOPIC for topic, cls in event_classes().items())


def test_every_event_class_has_an_example_built_by_its_command() -> None:
    assert set(EXAMPLES) == {cls.__name__ for cls in event_classes().values()}


@pytest.mark.parametrize("name", sorted(TOPICS))
def test_every_event_applies_to_its_subject_and_reads_well(world: World, name: str) -> None:
    event = EXAMPLES[name](world)
    assert type(event).__name__ == name == event.type
    before = world.states.get(event.subject)
    after = event.apply(before)
    assert after.ref == event.subject
    assert after.version == event.originator_version == (before.version + 1 if before else 1)
    if before is not None:
        assert after != before
    summary = event.summary()
    assert summary
    assert "\n" not in summary
    assert "None" not in summary
    assert summary != name
    assert event_class(TOPICS[name]) is type(event)


def test_a_topic_cannot_be_used_twice() -> None:
    with pytest.raises(TypeError, match=r"topic 'ledger\.PostDeleted\.v1' is already used by"):

        class PostGone(Event):  # pragma: no cover - the class statement itself fails
            TOPIC = "ledger.PostDeleted.v1"

    assert event_class("ledger.PostDeleted.v1") is post.PostDeleted


def test_an_unknown_topic_is_refused() -> None:
    with pytest.raises(InvalidError, match=r"unknown event topic 'ledger\.Nope\.v1'"):
        event_class("ledger.Nope.v1")


def test_events_are_immutable_and_refuse_unknown_fields(world: World) -> None:
    event = EXAMPLES["PostDeleted"](world)
    with pytest.raises(ValidationError, match="frozen"):
        event.deleted_by = "author"
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        post.PostDeleted(**event.model_dump(), reason="spam")


def test_fold_applies_events_in_order(world: World) -> None:
    events = [
        post.publish(
            "post/cy", platform="X", author=AUTHOR, text="One", at=when("2024-10-16"), **world.kwargs()
        ),
    ]
    state = fold(None, events)
    events.append(post.edit(state, text="Two", at=when("2024-10-17"), **world.kwargs()))
    state = fold(None, events)
    events.append(post.delete(state, at=when("2024-10-18"), **world.kwargs()))
    final = fold(None, events)
    assert (final.version, final.text, final.status) == (3, "Two", "deleted")
    assert fold(final, []) is final


# -- corrections ------------------------------------------------------------------------------------


def test_a_correction_names_the_entry_it_corrects(world: World) -> None:
    event = correct(
        world.state(POST), version=1, reason="Published a day later", provenance=provenance(REPORT)
    )
    assert isinstance(event, EntryCorrected)
    assert (event.originator_version, event.corrects_version, event.sources) == (2, 1, (REPORT,))
    assert event.summary() == "correction of entry v1: Published a day later"
    state = event.apply(world.state(POST))
    # Nothing is edited: the entry stays, the correction is added beside it.
    assert state.text == "Hello, world"
    assert state.published_at == world.state(POST).published_at
    assert state.corrections == (
        Correction(version=2, corrects_version=1, reason="Published a day later", recorded_by="desk"),
    )
    again = correct(state, version=2, reason="The correction cites the wrong source", provenance=provenance())
    assert [c.corrects_version for c in again.apply(state).corrections] == [1, 2]


@pytest.mark.parametrize("version", [0, 2, -1])
def test_a_correction_of_a_missing_entry_is_refused(world: World, version: int) -> None:
    with pytest.raises(NotFoundError, match=f"post/ann-first has no entry v{version} \\(latest is v1\\)"):
        correct(world.state(POST), version=version, reason="R", provenance=provenance())


def test_a_correction_needs_a_reason(world: World) -> None:
    with pytest.raises(InvalidError, match="reason: String should have at least 1 character"):
        correct(world.state(POST), version=1, reason=" ", provenance=provenance())


# -- provenance, building, errors ------------------------------------------------------------------------


def test_provenance_cites_only_existing_sources(world: World) -> None:
    assert provenance(REPORT).checked(world.directory).sources == (REPORT,)
    with pytest.raises(NotFoundError, match="source source/zz does not exist"):
        provenance(REPORT, "source/zz").checked(world.directory)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"recorded_by": ""}, "recorded_by"),
        ({"recorded_by": "desk", "sources": ("post/x",)}, "is not a source reference"),
        ({"recorded_by": "desk", "note": ""}, "note"),
    ],
)
def test_provenance_is_validated(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Provenance(**fields)


def test_build_turns_validation_errors_into_one_line_naming_the_field() -> None:
    with pytest.raises(InvalidError, match=r"^originator_id: Field required$"):
        build(post.PostMetricsObserved, views=-1)
    with pytest.raises(InvalidError, match=r"^evidence.1.source: malformed reference 'nope'"):
        build(
            claim.ClaimRebutted,
            originator_id=subject_id("claim/x"),
            originator_version=2,
            subject="claim/x",
            recorded_by="desk",
            occurred_at=when("2024"),
            reviewer=DESK,
            verdict="F",
            rationale="R",
            evidence=[{"source": REPORT}, {"source": "nope"}],
        )


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (NotFoundError, LookupError),
        (AlreadyExistsError, ValueError),
        (InvalidError, ValueError),
        (ConflictError, RuntimeError),
        (StorageError, OSError),
    ],
)
def test_every_error_is_a_ledger_error_and_its_builtin(
    error: type[LedgerError], builtin: type[Exception]
) -> None:
    assert issubclass(error, LedgerError)
    assert issubclass(error, builtin)
    assert error.__doc__


def test_as_tuple_takes_a_lone_string_as_one_value() -> None:
    assert as_tuple("post/x") == ("post/x",)
    assert as_tuple(["post/x", "post/y"]) == ("post/x", "post/y")
    assert as_tuple(()) == ()


def test_a_log_entry_exposes_its_event(world: World) -> None:
    event = EXAMPLES["PostDeleted"](world)
    entry = LogEntry(position=7, recorded_at=datetime(2025, 1, 1, tzinfo=UTC), event=event)
    assert (entry.type, entry.subject, entry.version) == ("PostDeleted", POST, 2)
