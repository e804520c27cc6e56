"""The seed story on both clocks, from the views and by replay."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ledger import InvalidError, Ledger, NotFoundError
from ledger.demo import COMMENT, POST, record_seed_story
from projections.queries import StateAt

CHEONG = "claim/cheong-hundred-politicians"
MUSK = "claim/musk-this-is-illegal"


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    path = Path(tmp_path_factory.mktemp("seed")) / "ledger.db"
    with Ledger.open(path, recorded_by="desk") as opened:
        record_seed_story(opened)
        yield opened


def first_position(ledger: Ledger, kind: str) -> int:
    return next(entry.position for entry in ledger.log() if entry.type == kind)


def test_the_post_timeline_before_the_rebuttals_were_recorded_shows_none(ledger: Ledger) -> None:
    before = first_position(ledger, "ClaimRebutted") - 1
    timeline = ledger.timeline(POST, as_of=before)
    assert timeline.as_of == before
    assert "ClaimMade" in {entry.type for entry in timeline.entries}
    assert "ClaimRebutted" not in {entry.type for entry in timeline.entries}
    assert timeline == ledger.timeline(POST, as_of=before, replay=True)
    now = ledger.timeline(POST)
    assert [e.type for e in now.entries].count("ClaimRebutted") == 2
    assert now == ledger.timeline(POST, replay=True)


def test_before_publication_the_post_is_not_yet_published(ledger: Ledger) -> None:
    timeline = ledger.timeline(POST, at="2024-10-01")
    assert timeline.status_at == "not-yet-published"
    assert not [entry for entry in timeline.entries if entry.subject == POST]
    assert timeline == ledger.timeline(POST, at="2024-10-01", replay=True)
    state = ledger.get(POST, at="2024-10-01")
    assert isinstance(state, StateAt)
    assert (state.status, state.state) == ("not-yet-published", None)


def test_while_its_times_straddle_the_moment_the_post_is_unknown(ledger: Ledger) -> None:
    state = ledger.get(POST, at="2024-10-16")
    assert state.status == "unknown"
    assert state.possible == ("not-yet-published", "live", "deleted")
    assert state.pending == (1, 2)
    after = ledger.get(POST, at="2024-10-19")
    assert (after.status, after.state and after.state.status) == ("deleted", "deleted")


def test_the_deleted_post_says_how_long_it_lived_as_a_range(ledger: Ledger) -> None:
    (deleted,) = ledger.posts(status="deleted")
    assert deleted.ref == POST
    assert deleted.lived is not None
    assert deleted.lived.shortest == timedelta(0)
    assert deleted.lived.longest == timedelta(days=5) - timedelta(microseconds=1)
    assert str(deleted.lived) == "0 minutes..5 days"
    assert ledger.posts(status="deleted", replay=True) == [deleted]
    assert {row.ref for row in ledger.posts(status="live", platform="x")} == {
        "post/cheong-x-labour-politicians",
        "post/musk-x-this-is-illegal",
    }
    musk = ledger.posts(author="actor/elon-musk")[0]
    assert (musk.views, musk.in_reply_to) == (33_100_000, "post/cheong-x-labour-politicians")


def test_claims_by_status_verdict_claimant_and_subject(ledger: Ledger) -> None:
    assert [row.ref for row in ledger.claims(status="rebutted", about=POST)] == [CHEONG, MUSK]
    assert [row.ref for row in ledger.claims(verdict="lacks evidence")] == [MUSK]
    assert [row.ref for row in ledger.claims(claimant="actor/ian-miles-cheong")] == [CHEONG]
    assert [row.ref for row in ledger.claims(about=CHEONG)] == [MUSK]
    assert ledger.claims(status="open") == []
    rebutted = ledger.claims(status="rebutted")
    assert rebutted == ledger.claims(status="rebutted", replay=True)
    assert {(row.verdict, row.reviewer) for row in rebutted} == {
        ("Inaccurate", "actor/newsweek"),
        ("Lacks evidence", "actor/newsweek"),
    }


def test_claims_made_and_not_yet_rebutted_at_a_world_time(ledger: Ledger) -> None:
    late_on_the_17th = "2024-10-17T23:59:59.999999Z"
    open_then = ledger.claims(at=late_on_the_17th)
    assert [(row.ref, row.status_at) for row in open_then] == [(CHEONG, "open"), (MUSK, "unknown")]
    assert open_then[1].possible == ("not-yet-made", "open")
    assert [row.ref for row in ledger.claims(status="open", at=late_on_the_17th)] == [CHEONG]
    assert ledger.claims(at=late_on_the_17th, replay=True) == open_then
    assert [row.status_at for row in ledger.claims(at="2024-10-19")] == ["rebutted", "rebutted"]


def test_the_request_for_comment_awaits_an_answer_with_days_waiting(ledger: Ledger) -> None:
    (request,) = ledger.comment_requests(status="awaiting")
    assert request.ref == COMMENT
    assert request.days_waiting is not None
    assert request.days_waiting >= 365
    at_the_time = ledger.comment_requests(at="2024-10-20")
    assert at_the_time[0].status_at == "awaiting"
    assert at_the_time[0].days_waiting == 2  # to the end of 2024-10-20
    assert ledger.comment_requests(at="2024-10-20", replay=True) == at_the_time
    assert ledger.comment_requests(status="awaiting", at="2024-10-10") == []


def test_everything_linked_to_the_case(ledger: Ledger) -> None:
    linked = ledger.case_subjects("case/labour-staff-us-campaign", at="2024-10-19")
    assert [(row.subject, row.status_at) for row in linked] == [
        (POST, "deleted"),
        (CHEONG, "rebutted"),
        (MUSK, "rebutted"),
        (COMMENT, "awaiting"),
    ]
    assert linked == ledger.case_subjects("case/labour-staff-us-campaign", at="2024-10-19", replay=True)
    (case,) = ledger.cases(subject=POST)
    assert case.notes == 2


def test_as_of_a_record_time(ledger: Ledger) -> None:
    today = datetime.now(UTC).date().isoformat()
    assert ledger.timeline(POST, as_of=today) == ledger.timeline(POST)
    # A record time after today names a ledger that does not exist yet: said, not answered as now.
    with pytest.raises(InvalidError, match=r"as_of 2999-01-01T23:59:59\.999999Z is in the future"):
        ledger.timeline(POST, as_of="2999-01-01")
    with pytest.raises(NotFoundError, match="not recorded as of position 0"):
        ledger.timeline(POST, as_of="2001-01-01")
    assert ledger.posts(as_of="2001-01-01T00:00:00Z") == []
    assert ledger.get(POST, as_of=str(first_position(ledger, "PostDeleted"))).status == "deleted"
    assert ledger.get(POST, as_of=first_position(ledger, "PostDeleted") - 1).status == "live"


def test_the_two_timelines_that_matter_agree_with_replay_at_every_prefix(ledger: Ledger) -> None:
    for position in range(ledger.head + 1):
        for ref in (POST, COMMENT, "case/labour-staff-us-campaign", "actor/newsweek"):
            try:
                replayed = ledger.timeline(ref, as_of=position, replay=True)
            except NotFoundError:
                with pytest.raises(NotFoundError):
                    ledger.timeline(ref, as_of=position)
                continue
            assert ledger.timeline(ref, as_of=position) == replayed
