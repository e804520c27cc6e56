"""Posts: publication, reach, edits, archives, deletion and restoration, and the refusals."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from pydantic import ValidationError

from domain import post
from domain.errors import AlreadyExistsError, InvalidError, NotFoundError
from domain.post import (
    MetricsObservation,
    PostArchived,
    PostCapture,
    PostDeleted,
    PostEdited,
    PostMetricsObserved,
    PostPublished,
    PostRestored,
    PostState,
    TextVersion,
)
from domain.refs import subject_id
from tests.domain.conftest import AUTHOR, CRITIC, POST, PUBLISHED, REPLY, REPORT
from tests.domain.support import World, provenance, when


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def deleted(world: World, at: str = "2024-10-17..2024-10-18", by: str = "unknown") -> PostState:
    """The post, deleted within ``at``."""
    world.record(post.delete(world.state(POST), at=when(at), deleted_by=by, **world.kwargs()))
    state: PostState = world.state(POST)
    return state


# -- publication -----------------------------------------------------------------------------


def test_publish_builds_the_event_and_its_state(world: World) -> None:
    event = post.publish(
        "post/cy",
        platform="LinkedIn",
        author=AUTHOR,
        text="  Ten spots available  ",
        url="https://linkedin.com/p/1",
        at=when("2024-10-14..2024-10-17"),
        provenance=provenance(REPORT),
        directory=world.directory,
    )
    assert isinstance(event, PostPublished)
    assert (event.originator_id, event.originator_version) == (subject_id("post/cy"), 1)
    # Surrounding whitespace is not part of the text, nor of its digest.
    assert (event.text, event.text_sha256) == ("Ten spots available", sha("Ten spots available"))
    assert event.actor == AUTHOR
    assert event.references() == (REPORT, AUTHOR)
    assert event.summary() == "published on LinkedIn: “Ten spots available”"
    assert event.apply(None) == PostState(
        ref="post/cy",
        version=1,
        platform="LinkedIn",
        author=AUTHOR,
        url="https://linkedin.com/p/1",
        published_at=when("2024-10-14..2024-10-17"),
        texts=(
            TextVersion(
                text="Ten spots available", sha256=sha("Ten spots available"), since=event.occurred_at
            ),
        ),
    )
    state = event.apply(None)
    assert (state.status, state.text, state.text_sha256, state.deletions) == (
        "live",
        "Ten spots available",
        sha("Ten spots available"),
        0,
    )


def test_a_reply_names_the_post_it_replies_to(world: World) -> None:
    event = post.publish(
        "post/cy",
        platform="X",
        author=CRITIC,
        text="No.",
        in_reply_to=POST,
        at=when("2024-10-17"),
        **world.kwargs(),
    )
    assert event.references() == (CRITIC, POST)
    assert event.summary() == "published on X in reply to post/ann-first: “No.”"
    assert event.apply(None).in_reply_to == POST


def test_long_texts_are_clipped_to_one_line_in_summaries(world: World) -> None:
    text = "word\n" * 40
    event = post.publish("post/cy", platform="X", author=AUTHOR, text=text, at=when("2024"), **world.kwargs())
    assert event.summary() == "published on X: “" + ("word " * 16)[:79] + "…”"
    assert event.text == text.strip()


def test_the_digest_is_of_the_text_as_kept(world: World) -> None:
    # Python's str.strip() removes \x1f, pydantic's does not: the digest must follow the stored text.
    event = post.publish(
        "post/cy", platform="X", author=AUTHOR, text="hi\x1f", at=when("2024"), **world.kwargs()
    )
    assert event.text_sha256 == sha(event.text)


def test_an_event_whose_digest_does_not_match_its_text_is_refused() -> None:
    with pytest.raises(ValidationError, match="text_sha256 is not the SHA-256 of the text"):
        PostPublished(
            originator_id=subject_id("post/x"),
            originator_version=1,
            subject="post/x",
            recorded_by="desk",
            occurred_at=when("2024"),
            platform="X",
            author=AUTHOR,
            text="Hello",
            text_sha256=sha("Goodbye"),
        )


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"author": "actor/zed"}, NotFoundError, "author actor/zed does not exist"),
        ({"author": "post/x"}, InvalidError, "author: 'post/x' is not an actor reference"),
        ({"in_reply_to": "post/zz"}, NotFoundError, "replied-to post post/zz does not exist"),
        ({"in_reply_to": "post/cy"}, InvalidError, "post/cy cannot reply to itself"),
        ({"in_reply_to": "claim/x"}, InvalidError, "in_reply_to: 'claim/x' is not a post reference"),
        ({"text": " \n "}, InvalidError, "text: String should have at least 1 character"),
        ({"text": "bad \udcff byte"}, InvalidError, "text: Input should be a valid string"),
        ({"platform": ""}, InvalidError, "platform: String should have at least 1 character"),
        ({"ref": "claim/cy"}, InvalidError, "'claim/cy' is not a post reference"),
        ({"ref": POST}, AlreadyExistsError, "post/ann-first already exists"),
        ({"provenance": provenance("source/zz")}, NotFoundError, "source source/zz does not exist"),
    ],
)
def test_publish_refusals(world: World, fields: dict[str, Any], error: type[Exception], message: str) -> None:
    arguments: dict[str, Any] = {
        "ref": "post/cy",
        "platform": "X",
        "author": AUTHOR,
        "text": "Hi",
        "at": when("2024-10-17"),
        **world.kwargs(),
        **fields,
    }
    with pytest.raises(error, match=message):
        post.publish(**arguments)


# -- reach, edits and archives ---------------------------------------------------------------------


def test_each_observation_of_reach_is_kept(world: World) -> None:
    first = post.observe(
        world.state(POST), at=when("2024-10-17"), views=33_000_000, likes=12, **world.kwargs()
    )
    assert isinstance(first, PostMetricsObserved)
    assert first.summary() == "reach observed: 33,000,000 views, 12 likes"
    world.record(first)
    second = world.record(
        post.observe(world.state(POST), at=when("2024-10-18"), views=33_100_000, **world.kwargs())
    )
    assert second.summary() == "reach observed: 33,100,000 views"
    assert world.state(POST).version == 3
    assert world.state(POST).metrics == (
        MetricsObservation(observed_at=when("2024-10-17"), views=33_000_000, likes=12),
        MetricsObservation(observed_at=when("2024-10-18"), views=33_100_000),
    )
    zero = post.observe(world.state(POST), at=when("2024-10-19"), reposts=0, **world.kwargs())
    assert zero.summary() == "reach observed: 0 reposts"


@pytest.mark.parametrize("count", ["views", "likes", "reposts"])
def test_negative_counts_are_refused(world: World, count: str) -> None:
    with pytest.raises(InvalidError, match=f"{count}: Input should be greater than or equal to 0"):
        post.observe(world.state(POST), at=when("2024-10-17"), **{count: -1}, **world.kwargs())


def test_an_observation_needs_a_count(world: World) -> None:
    with pytest.raises(InvalidError, match="an observation needs at least one of views, likes or reposts"):
        post.observe(world.state(POST), at=when("2024-10-17"), **world.kwargs())


def test_an_edit_records_the_new_text(world: World) -> None:
    event = post.edit(
        world.state(POST), text="Hello, everyone", at=when("2024-10-16T10:00Z"), **world.kwargs()
    )
    assert isinstance(event, PostEdited)
    assert (event.text_sha256, event.summary()) == (sha("Hello, everyone"), "edited: “Hello, everyone”")
    state = event.apply(world.state(POST))
    assert [v.text for v in state.texts] == ["Hello, world", "Hello, everyone"]
    assert (state.text, state.text_sha256, state.texts[-1].since) == (
        "Hello, everyone",
        sha("Hello, everyone"),
        when("2024-10-16T10:00Z"),
    )


@pytest.mark.parametrize("text", ["Hello, world", "  Hello, world\n"])
def test_an_edit_must_change_the_text(world: World, text: str) -> None:
    with pytest.raises(InvalidError, match="post/ann-first: the edited text is the same as the current text"):
        post.edit(world.state(POST), text=text, at=when("2024-10-17"), **world.kwargs())


def test_an_archive_capture_is_kept(world: World) -> None:
    event = post.archive(
        world.state(POST),
        url="https://archive.ph/abc",
        at=when("2024-10-16T12:00Z"),
        digest="d1",
        **world.kwargs(),
    )
    assert isinstance(event, PostArchived)
    assert event.summary() == "archived at https://archive.ph/abc"
    assert event.apply(world.state(POST)).archives == (
        PostCapture(url="https://archive.ph/abc", captured_at=when("2024-10-16T12:00Z"), digest="d1"),
    )


LIFE = {
    "observed": lambda state, at, kw: post.observe(state, at=at, views=1, **kw),
    "edited": lambda state, at, kw: post.edit(state, text="Changed", at=at, **kw),
    "archived": lambda state, at, kw: post.archive(state, url="https://archive.ph/x", at=at, **kw),
}


@pytest.mark.parametrize("what", LIFE)
def test_nothing_happens_to_a_post_before_it_was_published(world: World, what: str) -> None:
    with pytest.raises(
        InvalidError,
        match=f"post/ann-first cannot have been {what} at 2024-10-15: it was published {PUBLISHED}",
    ):
        LIFE[what](world.state(POST), when("2024-10-15"), world.kwargs())
    # The day of publication overlaps the minute it was published: possible, so accepted.
    assert LIFE[what](world.state(POST), when("2024-10-16"), world.kwargs())


@pytest.mark.parametrize("what", LIFE)
def test_while_deleted_only_what_may_precede_the_deletion_is_accepted(world: World, what: str) -> None:
    state = deleted(world, at="2024-10-17..2024-10-18")
    with pytest.raises(
        InvalidError,
        match=f"post/ann-first cannot have been {what} at 2024-10-19: it was deleted 2024-10-17..2024-10-18",
    ):
        LIFE[what](state, when("2024-10-19"), world.kwargs())
    # A late report of an earlier fact, or one that overlaps the deletion window, is fine.
    assert LIFE[what](state, when("2024-10-16T12:00Z"), world.kwargs())
    assert LIFE[what](state, when("2024-10-18"), world.kwargs())


# -- deletion and restoration ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("by", "summary"),
    [
        ("author", "deleted (by its author)"),
        ("platform", "deleted (by the platform)"),
        ("unknown", "deleted (by unknown)"),
    ],
)
def test_delete_records_the_window_and_who(world: World, by: str, summary: str) -> None:
    event = post.delete(world.state(POST), at=when("2024-10-17..2024-10-18"), deleted_by=by, **world.kwargs())
    assert isinstance(event, PostDeleted)
    assert event.summary() == summary
    state = event.apply(world.state(POST))
    assert (state.status, state.deleted_at, state.deleted_by, state.deletions, state.version) == (
        "deleted",
        when("2024-10-17..2024-10-18"),
        by,
        1,
        2,
    )


def test_who_deleted_defaults_to_unknown_and_is_one_of_three(world: World) -> None:
    assert post.delete(world.state(POST), at=when("2024-10-17"), **world.kwargs()).deleted_by == "unknown"
    with pytest.raises(InvalidError, match="deleted_by: Input should be 'author', 'platform' or 'unknown'"):
        post.delete(world.state(POST), at=when("2024-10-17"), deleted_by="moderator", **world.kwargs())


def test_a_post_cannot_be_deleted_twice(world: World) -> None:
    state = deleted(world)
    with pytest.raises(
        InvalidError, match=r"post/ann-first is already deleted \(deleted 2024-10-17..2024-10-18\)"
    ):
        post.delete(state, at=when("2024-10-19"), **world.kwargs())


@pytest.mark.parametrize(
    "at", ["2024-10-15", "2024-10-16T09:29Z", "2024-10-01..2024-10-16T09:29:59.999Z", "2023"]
)
def test_a_deletion_whose_latest_time_precedes_the_earliest_publication_is_refused(
    world: World, at: str
) -> None:
    with pytest.raises(
        InvalidError, match=f"post/ann-first cannot have been deleted at .*: it was published {PUBLISHED}"
    ):
        post.delete(world.state(POST), at=when(at), **world.kwargs())


@pytest.mark.parametrize(
    "at",
    ["2024-10-16", "2024-10", "2024", "2024-10-15..2024-10-17", "2024-10-16T09:30:59Z", "2024-10-16T09:30Z"],
)
def test_a_deletion_overlapping_the_publication_is_accepted(world: World, at: str) -> None:
    assert post.delete(world.state(POST), at=when(at), **world.kwargs()).occurred_at == when(at)


def test_restore_brings_a_deleted_post_back(world: World) -> None:
    state = deleted(world)
    event = post.restore(state, at=when("2024-10-20"), **world.kwargs())
    assert isinstance(event, PostRestored)
    assert event.summary() == "restored"
    restored = world.record(event).apply(state)
    assert (restored.status, restored.restored_at, restored.deleted_at, restored.deletions) == (
        "live",
        when("2024-10-20"),
        when("2024-10-17..2024-10-18"),
        1,
    )
    # Live again, it can be deleted again, but not before it came back.
    with pytest.raises(
        InvalidError,
        match=r"deleted at 2024-10-19: it was deleted 2024-10-17\.\.2024-10-18 and restored 2024-10-20",
    ):
        post.delete(restored, at=when("2024-10-19"), **world.kwargs())
    again = post.delete(restored, at=when("2024-10-21"), deleted_by="platform", **world.kwargs()).apply(
        restored
    )
    assert (again.status, again.deletions, again.deleted_by) == ("deleted", 2, "platform")


def test_only_a_deleted_post_can_be_restored(world: World) -> None:
    with pytest.raises(InvalidError, match="post/ann-first is not deleted, so it cannot be restored"):
        post.restore(world.state(POST), at=when("2024-10-20"), **world.kwargs())


def test_a_restoration_cannot_precede_the_deletion(world: World) -> None:
    state = deleted(world, at="2024-10-17..2024-10-18")
    with pytest.raises(
        InvalidError,
        match=r"cannot have been restored at 2024-10-16: it was deleted 2024-10-17\.\.2024-10-18",
    ):
        post.restore(state, at=when("2024-10-16"), **world.kwargs())
    assert post.restore(state, at=when("2024-10-18"), **world.kwargs())


def test_commands_on_a_post_cite_only_existing_sources(world: World) -> None:
    with pytest.raises(NotFoundError, match="source source/zz does not exist"):
        post.observe(
            world.state(POST),
            at=when("2024-10-17"),
            views=1,
            provenance=provenance("source/zz"),
            directory=world.directory,
        )


def test_a_reply_keeps_its_own_history(world: World) -> None:
    state = world.state(REPLY)
    assert (state.in_reply_to, state.author, state.published_at) == (POST, CRITIC, when("2024-10-17"))
