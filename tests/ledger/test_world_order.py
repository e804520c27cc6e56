"""Truth in world-time order, through the API: late-found facts, traces of posts, captures of absence."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from domain.errors import AlreadyExistsError, InvalidError
from domain.post import TEXT_NOT_CAPTURED, text_sha256
from ledger import Ledger

POST, CLAIM = "post/p1", "claim/c1"


@pytest.fixture
def ledger() -> Iterator[Ledger]:
    with Ledger.open(":memory:", recorded_by="desk") as opened:
        for ref in ("actor/ann", "actor/checker-a", "actor/checker-b"):
            opened.register_actor(ref, name=ref, kind="person")
        opened.publish_post(POST, platform="X", author="actor/ann", text="It is so.", at="2024-10-10")
        opened.make_claim(CLAIM, text="It is so", claimant="actor/ann", post=POST, at="2024-10-10")
        yield opened


def review(ledger: Ledger, verb: str, reviewer: str, verdict: str, at: str, **extra: str) -> None:
    method = {"rebut": ledger.rebut_claim, "support": ledger.support_claim, "revise": ledger.revise_verdict}
    method[verb](CLAIM, reviewer=reviewer, verdict=verdict, rationale="why", at=at, **extra)


def claim_answers(ledger: Ledger, at: str) -> list[tuple[str, str | None]]:
    """Status and verdict of the claim from every path: state, views, replay, and at a world time."""
    state = ledger.get(CLAIM)
    answers = [(state.status, state.verdict)]
    for replay in (False, True):
        (row,) = ledger.claims(replay=replay)
        answers.append((row.status, row.verdict))
        (row,) = ledger.claims(at=at, replay=replay)
        answers.append((row.status_at or "", row.verdict))
    then = ledger.get(CLAIM, at=at)
    assert then.state is not None
    answers.append((then.status, then.state.verdict))
    return answers


def test_a_late_found_earlier_review_does_not_become_current(ledger: Ledger) -> None:
    review(ledger, "rebut", "actor/checker-b", "False", "2024-10-20")
    review(ledger, "support", "actor/checker-a", "Mostly true", "2024-10-12")
    assert set(claim_answers(ledger, "2024-10-21")) == {("rebutted", "False")}
    assert [r.verdict for r in ledger.get(CLAIM).reviews] == ["Mostly true", "False"]
    # Between the two reviews, the earlier one held.
    assert ledger.get(CLAIM, at="2024-10-15").status == "supported"
    assert [row.status for row in ledger.claims(status="rebutted")] == ["rebutted"]
    timeline = [e.type for e in ledger.timeline(CLAIM).entries]
    assert timeline[-1] == "ClaimRebutted"


def test_a_revision_dated_before_any_review_of_its_reviewer_is_refused(ledger: Ledger) -> None:
    review(ledger, "rebut", "actor/checker-b", "False", "2024-10-20")
    review(ledger, "support", "actor/checker-a", "Mostly true", "2024-10-12")
    with pytest.raises(InvalidError, match="has no review by actor/checker-a before 2024-10-11"):
        review(ledger, "revise", "actor/checker-a", "True", "2024-10-11")
    with pytest.raises(InvalidError, match="has no review by actor/ann"):
        review(ledger, "revise", "actor/ann", "True", "2024-10-25")


def test_a_revision_keeps_its_own_reviewers_stance(ledger: Ledger) -> None:
    review(ledger, "rebut", "actor/checker-a", "False", "2024-10-12")
    review(ledger, "support", "actor/checker-b", "True", "2024-10-14")
    review(ledger, "revise", "actor/checker-a", "Pants on Fire", "2024-10-16")
    assert ledger.get(CLAIM).reviews[-1].stance == "rebutted"
    assert set(claim_answers(ledger, "2024-10-17")) == {("rebutted", "Pants on Fire")}
    (row,) = ledger.claims()
    assert (row.stance, row.reviewer) == ("rebutted", "actor/checker-a")


def test_a_late_found_earlier_edit_and_reach_do_not_become_current(ledger: Ledger) -> None:
    ledger.edit_post(POST, text="Third", at="2024-10-14")
    ledger.observe_post(POST, at="2024-10-14", views=300)
    ledger.edit_post(POST, text="Second", at="2024-10-12")
    ledger.observe_post(POST, at="2024-10-12", views=100, likes=5)
    state = ledger.get(POST)
    assert (state.text, [t.text for t in state.texts]) == ("Third", ["It is so.", "Second", "Third"])
    for replay in (False, True):
        (row,) = ledger.posts(replay=replay)
        assert (row.text, row.views, row.likes, row.edits) == ("Third", 300, 5, 2)
        assert str(row.observed_at) == "2024-10-14"


def test_deletions_and_restorations_and_late_found_facts_between_them(ledger: Ledger) -> None:
    ledger.delete_post(POST, at="2024-10-14")
    ledger.restore_post(POST, at="2024-10-16")
    ledger.delete_post(POST, at="2024-10-20")
    ledger.edit_post(POST, text="Back", at="2024-10-17")
    ledger.edit_post(POST, text="Still there", at="2024-10-13")  # found late, before the first deletion
    for replay in (False, True):
        (row,) = ledger.posts(replay=replay)
        assert (row.status, str(row.deleted_at), str(row.restored_at)) == (
            "deleted",
            "2024-10-20",
            "2024-10-16",
        )
        assert (row.text, row.edits) == ("Back", 2)
        assert [r.status_at for r in ledger.posts(at="2024-10-15", replay=replay)] == ["deleted"]
    assert ledger.get(POST, at="2024-10-17").status == "live"
    # An edit must fall in a live period: between 10-14 and 10-16 the post was gone.
    with pytest.raises(
        InvalidError, match="cannot have been edited at 2024-10-15: it was deleted 2024-10-14"
    ):
        ledger.edit_post(POST, text="Gone", at="2024-10-15")
    # A deletion inside a deleted period, or a restoration inside a live one, is impossible.
    with pytest.raises(
        InvalidError, match="cannot have been deleted at 2024-10-15: it was deleted 2024-10-14"
    ):
        ledger.delete_post(POST, at="2024-10-15")
    with pytest.raises(
        InvalidError, match="cannot have been restored at 2024-10-18: it was restored 2024-10-16"
    ):
        ledger.restore_post(POST, at="2024-10-18")


def test_a_post_known_only_by_its_traces(ledger: Ledger) -> None:
    ledger.publish_post("post/traced", platform="X", author="actor/ann", at="..2024-10-16T10:00Z")
    state = ledger.get("post/traced")
    assert (state.text, state.text_sha256, str(state.published_at)) == (None, None, "..2024-10-16T10:00Z")
    ledger.delete_post("post/traced", at="2024-10-16T10:00Z..2024-10-17")
    ledger.archive_post(
        "post/traced",
        url="https://web.archive.org/web/20241015000000/x",
        at="20241015000000",
        text=" Found it ",
    )
    for replay in (False, True):
        row = ledger.posts(replay=replay)[-1]
        assert (row.text, row.text_sha256, row.status) == ("Found it", text_sha256("Found it"), "deleted")
        assert row.label == "Found it"
    assert ledger.timeline("post/traced").entries[0].summary == f"published on X: {TEXT_NOT_CAPTURED}"


def test_a_post_whose_text_was_never_captured_is_shown_so(ledger: Ledger) -> None:
    ledger.publish_post("post/traced", platform="X", author="actor/ann", at="..2024-10-16T10:00Z")
    for replay in (False, True):
        row = ledger.posts(replay=replay)[-1]
        assert (row.text, row.text_sha256, row.label) == (None, None, TEXT_NOT_CAPTURED)
        assert [r.status_at for r in ledger.posts(at="2024-10-15", replay=replay)][-1] == "unknown"
        assert [r.status_at for r in ledger.posts(at="2024-10-17", replay=replay)][-1] == "live"


def test_captures_of_the_absence_bound_the_deletion(ledger: Ledger) -> None:
    ledger.delete_post(POST, at="2024-10-11..2024-10-20")
    ledger.archive_post(POST, url="https://web.archive.org/a", at="20241013120000")
    ledger.archive_post(POST, url="https://web.archive.org/b", at="20241016093000", http_status=404)
    ledger.archive_post(POST, url="https://web.archive.org/c", at="2024-10-25", http_status=410)
    state = ledger.get(POST)
    assert str(state.deletion_window()) == "2024-10-13T12:00Z..2024-10-16T09:30:00Z"
    for replay in (False, True):
        (row,) = ledger.posts(replay=replay)
        assert str(row.deleted_within) == "2024-10-13T12:00Z..2024-10-16T09:30:00Z"
        assert row.lived is not None
        assert str(row.lived) == "2 days 12 hours..6 days 9 hours"
        assert [r.status_at for r in ledger.posts(at="2024-10-17", replay=replay)] == ["deleted"]
        assert [r.status_at for r in ledger.posts(at="2024-10-12T12:00Z", replay=replay)] == ["live"]
    assert ledger.get(POST, at="2024-10-17").status == "deleted"


def test_a_capture_of_the_absence_must_possibly_follow_the_deletion(ledger: Ledger) -> None:
    ledger.delete_post(POST, at="2024-10-15")
    with pytest.raises(InvalidError, match="cannot have been captured gone at 2024-10-13: it was live then"):
        ledger.archive_post(POST, url="https://web.archive.org/a", at="2024-10-13", http_status=404)
    with pytest.raises(
        InvalidError, match="cannot have been archived at 2024-10-16: it was deleted 2024-10-15"
    ):
        ledger.archive_post(POST, url="https://web.archive.org/a", at="2024-10-16")
    ledger.archive_post(POST, url="https://web.archive.org/t", at="2024-10-16", tombstone=True)
    with pytest.raises(InvalidError, match="a capture that shows the post gone has no text"):
        ledger.archive_post(POST, url="https://web.archive.org/a", at="2024-10-17", http_status=410, text="x")
    with pytest.raises(InvalidError, match="http_status"):
        ledger.archive_post(POST, url="https://web.archive.org/a", at="2024-10-17", http_status=999)


def test_an_absent_capture_before_any_deletion_bounds_the_deletion_recorded_later(ledger: Ledger) -> None:
    ledger.archive_post(POST, url="https://web.archive.org/a", at="2024-10-13", http_status=404)
    with pytest.raises(InvalidError, match="captured gone"):
        ledger.delete_post(POST, at="2024-10-14")
    ledger.delete_post(POST, at="2024-10-12..2024-10-20")
    assert str(ledger.get(POST).deletion_window()) == "2024-10-12..2024-10-13"


def test_a_claim_repeated_in_other_posts_does_not_flood_their_timelines(ledger: Ledger) -> None:
    for number in (2, 3, 4):
        ref = f"post/p{number}"
        ledger.publish_post(ref, platform="X", author="actor/ann", text=f"Post {number}", at="2024-10-11")
        ledger.repeat_claim(CLAIM, post=ref, by="actor/ann", at=f"2024-10-1{number}")
    review(ledger, "rebut", "actor/checker-a", "False", "2024-10-20")
    for replay in (False, True):
        entries = ledger.timeline("post/p3", replay=replay).entries
        repeated = [e.details["post"] for e in entries if e.type == "ClaimRepeated"]
        assert repeated == ["post/p3"]
        assert [e.type for e in entries] == ["ClaimMade", "PostPublished", "ClaimRepeated", "ClaimRebutted"]
        assert [row.ref for row in ledger.claims(post="post/p3", replay=replay)] == [CLAIM]
        assert [row.ref for row in ledger.claims(post="post/p1", replay=replay)] == [CLAIM]
        assert ledger.claims(post="post/p9", replay=replay) == []
        (row,) = ledger.claims(replay=replay)
        assert row.posts == ("post/p1", "post/p2", "post/p3", "post/p4")
    # The claim's own timeline keeps every repetition.
    assert len([e for e in ledger.timeline(CLAIM).entries if e.type == "ClaimRepeated"]) == 3


def test_the_same_repetition_twice_is_already_recorded(ledger: Ledger) -> None:
    ledger.publish_post("post/p2", platform="X", author="actor/ann", text="Again", at="2024-10-11")
    ledger.repeat_claim(CLAIM, post="post/p2", by="actor/ann", at="2024-10-12")
    with pytest.raises(AlreadyExistsError, match="claim/c1 already appears in post/p2"):
        ledger.repeat_claim(CLAIM, post="post/p2", by="actor/ann", at="2024-10-13")
    with pytest.raises(AlreadyExistsError, match="claim/c1 already appears in post/p1"):
        ledger.repeat_claim(CLAIM, post=POST, by="actor/ann", at="2024-10-13")


def test_days_waiting_runs_to_the_end_of_at(ledger: Ledger) -> None:
    ledger.request_comment(
        "comment/r",
        requester="actor/checker-a",
        recipient="actor/ann",
        channel="email",
        at="2024-03-30T12:00Z",
    )
    for replay in (False, True):
        (row,) = ledger.comment_requests(at="2024-04-01", replay=replay)
        assert (row.days_waiting, str(row.waiting)) == (2, "2 days 11 hours..2 days 12 hours")
        (row,) = ledger.comment_requests(at="2024-04-01T12:00Z", replay=replay)
        assert row.days_waiting == 2
        (row,) = ledger.comment_requests(at="2024-04-01T11:59Z", replay=replay)
        assert row.days_waiting == 1


def test_actors_change_handles_and_names_over_time(ledger: Ledger) -> None:
    ledger.register_actor("actor/ian", name="Ian", kind="person", handles=["x:oldname"])
    # A rename of the account, found late, and a change of name.
    ledger.rename_actor("actor/ian", name="Ian M.", at="2024-03-01")
    ledger.drop_actor_handle("actor/ian", handle="x:oldname", at="2024-01-02")
    ledger.add_actor_handle("actor/ian", handle="x:stillgray", at="2024-01-02")
    ledger.add_actor_handle("actor/ian", handle="bsky:ian", at="2023-06")
    state = ledger.get("actor/ian")
    assert ([str(h) for h in state.handles], state.name) == (["bsky:ian", "x:stillgray"], "Ian M.")
    then = ledger.get("actor/ian", at="2023-12-31")
    assert then.state is not None
    assert ([str(h) for h in then.state.handles], then.state.name) == (["x:oldname", "bsky:ian"], "Ian")
    for replay in (False, True):
        assert [r.ref for r in ledger.actors(handle="x:oldname", at="2023-12-31", replay=replay)] == [
            "actor/ian"
        ]
        assert ledger.actors(handle="x:oldname", at="2024-02-01", replay=replay) == []
        assert [r.ref for r in ledger.actors(handle="x:stillgray", at="2024-02", replay=replay)] == [
            "actor/ian"
        ]
        assert [r.ref for r in ledger.actors(handle="x:stillgray", replay=replay)] == ["actor/ian"]
        assert ledger.actors(handle="x:oldname", replay=replay) == []
        row = ledger.actors(replay=replay)[-1]
        assert (row.name, row.handles) == ("Ian M.", ("bsky:ian", "x:stillgray"))
    with pytest.raises(InvalidError, match="did not hold x:nobody"):
        ledger.drop_actor_handle("actor/ian", handle="x:nobody", at="2024-05")
    with pytest.raises(InvalidError, match="already held x:stillgray"):
        ledger.add_actor_handle("actor/ian", handle="x:stillgray", at="2024-05")
    with pytest.raises(InvalidError, match=r"already named 'Ian M\."):
        ledger.rename_actor("actor/ian", name="Ian M.", at="2024-05")


def test_a_handle_added_twice_while_possibly_held_then_dropped_is_not_held(ledger: Ledger) -> None:
    # Found by the views-vs-replay machine: the second add is accepted (10:00:30.5Z falls within the
    # minute of the first, so the handle is not surely held then); the drop must end both periods.
    ledger.add_actor_handle("actor/ann", handle="x:two", at="2024-10-16T10:00Z")
    ledger.add_actor_handle("actor/ann", handle="x:two", at="2024-10-16T11:00:30.5+01:00")
    ledger.drop_actor_handle("actor/ann", handle="x:two", at="2024-10-18T09:30Z")
    state = ledger.get("actor/ann")
    assert state.handles == ()
    assert [str(p.until) for p in state.held] == ["2024-10-18T09:30Z", "2024-10-18T09:30Z"]
    for replay in (False, True):
        (row, *_) = ledger.actors(replay=replay)
        assert (row.handles, row.held) == ((), state.held)
        (row, *_) = ledger.actors(at="2024-10-19", replay=replay)
        assert row.handles == ()
        (row, *_) = ledger.actors(at="2024-10-17", replay=replay)
        assert row.handles == ("x:two",)
        assert ledger.actors(handle="x:two", replay=replay) == []
    # Added twice, it is one handle while held.
    ledger.add_actor_handle("actor/ann", handle="x:three", at="2024-10-16T10:00Z")
    ledger.add_actor_handle("actor/ann", handle="x:three", at="2024-10-16T11:00:30.5+01:00")
    for replay in (False, True):
        (row, *_) = ledger.actors(replay=replay)
        assert row.handles == ("x:three",)
    assert [str(h) for h in ledger.get("actor/ann").handles] == ["x:three"]
