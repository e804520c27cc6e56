"""Timelines: the seed story's two timelines, and the rules of what belongs and in what order."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from domain import actor, post
from domain.events import LogEntry, Provenance
from ledger import Ledger, Timeline
from ledger.demo import CASE, COMMENT, POST, main, record_seed_story, render
from projections.timeline import CorrectionNote, build_timeline
from tests.domain.support import SetDirectory, when
from tests.ledger.world import AUTHOR, CLAIM, CRITIC, DESK, REPLY, REPORT, REQUEST, record_world
from tests.ledger.world import CASE as WORLD_CASE
from tests.ledger.world import POST as WORLD_POST

ARTICLE = "source/newsweek-fact-check"
CHEONG = "claim/cheong-hundred-politicians"
MUSK = "claim/musk-this-is-illegal"


@pytest.fixture(scope="module")
def seed() -> Iterator[Ledger]:
    """The seed story of shared/seed/article.txt, recorded once through the API."""
    with Ledger.open(":memory:", recorded_by="demo") as ledger:
        record_seed_story(ledger)
        yield ledger


def rows(timeline: Timeline) -> list[tuple[str, str, str, str]]:
    """(world time as printed, its precision, subject, type) for each entry."""
    return [
        (
            str(e.occurred_at) if e.occurred_at else "(ledger)",
            e.occurred_at.precision.value if e.occurred_at else "",
            e.subject,
            e.type,
        )
        for e in timeline.entries
    ]


# -- the seed story ---------------------------------------------------------------------------------


def test_the_deleted_linkedin_post(seed: Ledger) -> None:
    timeline = seed.timeline(POST)
    assert timeline.subject == POST
    assert rows(timeline) == [
        # Published "this week", before Cheong's post of 17 October: a window.
        ("2024-10-14..2024-10-17", "window", POST, "PostPublished"),
        # Gone by the time of the article: the deletion window.
        ("2024-10-14..2024-10-18", "window", POST, "PostDeleted"),
        # The claims about it...
        ("2024-10-17", "day", CHEONG, "ClaimMade"),
        ("2024-10-17..2024-10-18", "window", MUSK, "ClaimMade"),
        # ...their rebuttals, and the request for comment regarding it.
        ("2024-10-18", "day", CHEONG, "ClaimRebutted"),
        ("2024-10-18", "day", MUSK, "ClaimRebutted"),
        ("2024-10-18", "day", COMMENT, "CommentRequested"),
        # Acts of the ledger itself come last, at their record time.
        ("(ledger)", "", CASE, "SubjectLinked"),
    ]
    published, deleted, cheong, musk, rebut_cheong, rebut_musk, request, linked = timeline.entries
    assert published.actor == "actor/labour-senior-member"
    assert published.summary.startswith("published on LinkedIn: “I have nearly 100 Labour Party staff")
    assert published.sources == (ARTICLE, "source/linkedin-post-capture")
    assert deleted.summary == "deleted (by unknown)"
    assert deleted.details == {"deleted_by": "unknown"}
    assert (cheong.actor, musk.actor) == ("actor/ian-miles-cheong", "actor/elon-musk")
    assert cheong.details["about"] == [POST]
    assert musk.details["about"] == [POST, CHEONG]
    assert rebut_cheong.summary.startswith("rebutted by actor/newsweek: Inaccurate — ")
    assert rebut_musk.summary.startswith("rebutted by actor/newsweek: Lacks evidence — ")
    assert [e["source"] for e in rebut_cheong.details["evidence"]] == [
        "source/linkedin-post-capture",
        "source/politico-labour-activists",
    ]
    assert [e["source"] for e in rebut_musk.details["evidence"]] == ["source/fec-foreign-nationals"]
    assert rebut_musk.details["evidence"][0]["quote"].startswith("Although foreign nationals may not make")
    assert request.details["regarding"] == [POST, CHEONG]
    assert linked.details == {"linked": POST}
    # The order is by world time, ties by log position.
    assert [e.position for e in timeline.entries[4:7]] == sorted(e.position for e in timeline.entries[4:7])


def test_the_request_for_comment_sent_to_labour(seed: Ledger) -> None:
    timeline = seed.timeline(COMMENT)
    assert rows(timeline) == [
        ("2024-10-18", "day", COMMENT, "CommentRequested"),
        ("(ledger)", "", CASE, "SubjectLinked"),
    ]
    requested = timeline.entries[0]
    assert requested.actor == "actor/newsweek"
    assert requested.summary == (
        "comment requested from actor/labour-press-office by email regarding "
        "post/labour-linkedin-invite, claim/cheong-hundred-politicians: "
        "“Comment on Labour Party staff travelling to campaign for Kamala Harris.”"
    )
    assert requested.details["channel"] == "email"
    assert requested.details["regarding"] == [POST, CHEONG]
    # No answer yet.
    state = seed.get(COMMENT)
    assert (state.status, state.answer, state.answered_at, state.deadline) == ("awaiting", None, None, None)
    assert not {"CommentReceived", "CommentDeclined", "CommentRequestLapsed"} & {
        e.type for e in timeline.entries
    }


def test_the_seed_story_records_every_part_of_the_article(seed: Ledger) -> None:
    assert seed.get(POST).status == "deleted"
    assert [m.views for m in seed.get("post/cheong-x-labour-politicians").metrics] == [33_000_000]
    assert [m.views for m in seed.get("post/musk-x-this-is-illegal").metrics] == [33_100_000]
    assert seed.get("post/musk-x-this-is-illegal").in_reply_to == "post/cheong-x-labour-politicians"
    assert (seed.get(CHEONG).status, seed.get(CHEONG).verdict) == ("rebutted", "Inaccurate")
    assert (seed.get(MUSK).status, seed.get(MUSK).verdict) == ("rebutted", "Lacks evidence")
    assert seed.get(CASE).subjects == (POST, CHEONG, MUSK, COMMENT)
    positions = [e.position for e in seed.log()]
    assert positions == list(range(1, seed.head + 1))


def test_the_demo_prints_the_two_timelines(seed: Ledger) -> None:
    out = io.StringIO()
    main(out)
    printed = out.getvalue()
    assert printed == f"{render(seed.timeline(POST))}\n\n{render(seed.timeline(COMMENT))}\n"
    lines = printed.splitlines()
    assert lines[0] == f"Timeline of {POST}"
    assert lines[1].split()[:3] == ["2024-10-14..2024-10-17", "window", POST]
    assert lines[2].split()[:3] == ["2024-10-14..2024-10-18", "window", POST]
    assert lines[-3] == f"Timeline of {COMMENT}"
    assert lines[-2].split()[:3] == ["2024-10-18", "day", COMMENT]
    assert lines[-1].split()[:2] == ["(ledger)", CASE]


def test_a_case_timeline_merges_the_timelines_of_its_subjects(seed: Ledger) -> None:
    merged = {e.position for e in seed.timeline(CASE).entries}
    expected = {e.position for e in seed.history(CASE)}
    for subject in seed.get(CASE).subjects:
        expected |= {e.position for e in seed.timeline(subject).entries}
    assert merged == expected
    entries = seed.timeline(CASE).entries
    assert [e.sort_key for e in entries] == sorted(e.sort_key for e in entries)
    assert rows(seed.timeline(CASE))[:2] == [
        ("2024", "year", CASE, "NoteAdded"),
        ("2024-09", "month", CASE, "NoteAdded"),
    ]


# -- what belongs to a timeline -------------------------------------------------------------------------


@pytest.fixture
def world() -> Iterator[Ledger]:
    with Ledger.open(":memory:", recorded_by="tester") as ledger:
        record_world(ledger)
        yield ledger


def test_a_subject_that_names_another_brings_its_whole_history(world: Ledger) -> None:
    # The claim names the post; its later rebuttal does not, but belongs all the same.
    world.rebut_claim(CLAIM, reviewer=DESK, verdict="False", rationale="R", at="2024-10-18")
    world.observe_post(REPLY, at="2024-10-18", views=10)
    assert [(e.subject, e.type) for e in world.timeline(WORLD_POST).entries] == [
        (WORLD_POST, "PostPublished"),
        (REPLY, "PostPublished"),
        (CLAIM, "ClaimMade"),
        (REQUEST, "CommentRequested"),
        (CLAIM, "ClaimRebutted"),
        (REPLY, "PostMetricsObserved"),
    ]


def test_an_actor_or_case_that_names_the_subject_brings_only_that_entry(world: Ledger) -> None:
    world.link_to_case(WORLD_CASE, [REPLY])
    world.add_case_note(WORLD_CASE, text="Unrelated", at="2024-10-01")
    world.register_actor("actor/cy", name="Cy", kind="person", sources=[REPORT])
    assert [(e.subject, e.type) for e in world.timeline(REPLY).entries if e.subject in {WORLD_CASE}] == [
        (WORLD_CASE, "SubjectLinked")
    ]
    cited = world.timeline(REPORT)
    assert ("actor/cy", "ActorRegistered") in [(e.subject, e.type) for e in cited.entries]
    assert all(e.subject != WORLD_CASE for e in cited.entries)


def test_the_timeline_of_an_actor_holds_what_names_them(world: Ledger) -> None:
    subjects = {e.subject for e in world.timeline(AUTHOR).entries}
    # Ann's post, the request sent to her; not Bob's reply, which names only her post.
    assert subjects == {AUTHOR, WORLD_POST, REQUEST}
    assert {e.subject for e in world.timeline(CRITIC).entries} == {CRITIC, REPLY, CLAIM}


def test_a_correction_is_an_entry_and_is_attached_to_what_it_corrects(world: Ledger) -> None:
    world.correct(CLAIM, version=1, reason="Made on 16 October", sources=[REPORT])
    timeline = world.timeline(WORLD_POST)
    made = next(e for e in timeline.entries if e.type == "ClaimMade")
    correction = next(e for e in timeline.entries if e.type == "EntryCorrected")
    assert made.corrections == (
        CorrectionNote(
            version=2, position=correction.position, reason="Made on 16 October", recorded_by="tester"
        ),
    )
    assert (correction.occurred_at, correction.summary) == (
        None,
        "correction of entry v1: Made on 16 October",
    )
    assert timeline.entries[-1] == correction
    assert all(not e.corrections for e in timeline.entries if e is not made)


# -- ordering, as a pure function ----------------------------------------------------------------


def _logged(position: int, event: object, recorded_at: datetime) -> LogEntry:
    return LogEntry(position=position, recorded_at=recorded_at, event=event)  # type: ignore[arg-type]


def test_entries_are_ordered_by_earliest_then_latest_then_position() -> None:
    directory = SetDirectory([AUTHOR])
    prov = Provenance(recorded_by="tester")
    state = post.publish(
        "post/p",
        platform="X",
        author=AUTHOR,
        text="T",
        at=when("2024-10"),
        provenance=prov,
        directory=directory,
    ).apply(None)
    recorded = datetime(2025, 1, 1, tzinfo=UTC)

    def observed(at: str) -> post.PostMetricsObserved:
        return post.observe(state, at=when(at), views=1, provenance=prov, directory=directory)

    registered = actor.register("actor/zed", name="Z", kind="person", provenance=prov, directory=directory)
    logged = [
        _logged(1, observed("2024-10-17"), recorded),  # day
        _logged(2, observed("2024-10"), recorded),  # month: same start, later end
        _logged(3, observed("2024-10-17T00:00:00Z"), recorded),  # instant at the same start
        _logged(4, observed("2024-10-17"), recorded),  # same as 1: position decides
        _logged(5, registered, datetime(2024, 10, 17, 12, tzinfo=UTC)),  # a ledger act, at its record time
        _logged(6, observed("2024-09-30..2024-10-17"), recorded),
    ]
    timeline = build_timeline("post/p", [*logged, logged[0]])  # a position given twice counts once
    assert [e.position for e in timeline.entries] == [6, 2, 3, 1, 4, 5]
    assert len(timeline) == 6
    assert timeline.entries[-1].sort_key == (
        datetime(2024, 10, 17, 12, tzinfo=UTC),
        datetime(2024, 10, 17, 12, tzinfo=UTC),
        5,
    )
