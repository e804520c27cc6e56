"""What may be recorded of a post: the decisions, each checked against the post's history.

Each decision (:func:`publish`, :func:`observe`, :func:`edit`, :func:`archive`,
:func:`delete`, :func:`restore`) builds its event and refuses it when the
post's history with it, at its world-time place, is impossible (see
:func:`check_history`).
"""

from __future__ import annotations

from typing import TypeVar

from domain.errors import InvalidError
from domain.events import (
    Directory,
    Event,
    Provenance,
    build,
    creation_fields,
    next_fields,
    refuse_before,
    require_existing,
)
from domain.post.events import (
    PostArchived,
    PostDeleted,
    PostEdited,
    PostMetricsObserved,
    PostPublished,
    PostRestored,
)
from domain.post.state import PostState, kept_text, shows_presence, text_sha256
from domain.worldtime import WorldTime

E = TypeVar("E", bound=Event)


def publish(
    ref: str,
    *,
    platform: str,
    author: str,
    text: str | None,
    at: WorldTime,
    url: str | None = None,
    in_reply_to: str | None = None,
    provenance: Provenance,
    directory: Directory,
) -> PostPublished:
    """Record a post published by ``author`` on ``platform`` at ``at``; ``text`` None: never captured."""
    text = None if text is None else kept_text(text)
    event = build(
        PostPublished,
        **creation_fields(ref, provenance.checked(directory), kind="post", directory=directory),
        occurred_at=at,
        platform=platform,
        author=author,
        text=text,
        text_sha256=None if text is None else text_sha256(text),
        url=url,
        in_reply_to=in_reply_to,
    )
    require_existing(directory, [event.author], "author")
    if event.in_reply_to is not None:
        if event.in_reply_to == ref:
            raise InvalidError(f"{ref} cannot reply to itself", field="in_reply_to")
        require_existing(directory, [event.in_reply_to], "replied-to post", field="in_reply_to")
    return event


def _fits(at: WorldTime, period: tuple[WorldTime, WorldTime | None]) -> bool:
    """True when a moment within ``at`` may lie within ``period`` (start, end or None: still)."""
    start, end = period
    return not at.definitely_before(start) and (end is None or not end.definitely_before(at))


def _after_publication(state: PostState, at: WorldTime, what: str) -> None:
    refuse_before(
        at,
        state.published_at,
        f"{state.ref} cannot have been {what} at {at}: it was published {state.published_at}",
    )


def _while_live(state: PostState, at: WorldTime, what: str) -> None:
    _after_publication(state, at, what)
    live = state.periods("live")
    if not any(_fits(at, period) for period in live):
        ended = [end for _, end in live if end is not None and end.definitely_before(at)]
        raise InvalidError(
            f"{state.ref} cannot have been {what} at {at}: it was deleted {ended[-1]}", field="at"
        )


def _while_gone(state: PostState, at: WorldTime, what: str) -> None:
    _after_publication(state, at, what)
    gone = state.periods("deleted")
    if gone and not any(_fits(at, period) for period in gone):
        raise InvalidError(
            f"{state.ref} cannot have been {what} at {at}: it was live then "
            f"(deleted {', '.join(str(start) for start, _ in gone)})",
            field="at",
        )


def check_history(state: PostState) -> None:
    """Refuse a post whose history is impossible in world-time order.

    Deletions and restorations must alternate in the order the state folds
    them, each possibly after the one before; what shows the post must fall
    in a live period, what shows it gone in a deleted one (once it has one).
    """
    previous = state.published_at
    expected = "deleted"
    turns = sorted(state.turns, key=lambda t: t.at.sort_key)
    for index, turn in enumerate(turns):
        if turn.kind != expected:
            said = [f"{t.kind} {t.at}" for t in turns[max(0, index - 1) : index + 2] if t is not turn]
            if not said:
                raise InvalidError(
                    f"{state.ref} is not deleted, so it cannot be restored at {turn.at}", field="at"
                )
            raise InvalidError(
                f"{state.ref} cannot have been {turn.kind} at {turn.at}: it was {' and '.join(said)}",
                field="at",
            )
        if turn.at.definitely_before(previous):
            raise InvalidError(
                f"{state.ref} cannot have been {turn.kind} at {turn.at}: that is before {previous}",
                field="at",
            )
        previous = turn.at
        expected = "restored" if expected == "deleted" else "deleted"
    for text in state.texts[1:]:
        _while_live(state, text.since, "edited")
    for observation in state.metrics:
        _while_live(state, observation.observed_at, "observed")
    for capture in state.archives:
        if capture.shows_absence:
            _while_gone(state, capture.captured_at, "captured gone")
        elif capture.shows_presence:
            _while_live(state, capture.captured_at, "archived")


def _checked(state: PostState, event: E, directory: Directory) -> E:
    """``event``, once the post's history with it at its world-time place is possible.

    A directory that defers checks (a batch that asks for it) runs it on the
    post's state at the batch's end: a deletion and a restoration found late, dated between
    two recorded ones, are each impossible alone and possible together.
    """
    defer = getattr(directory, "defer", None)
    if defer is None or not defer(state.ref, check_history):
        check_history(event.apply(state))
    return event


def observe(
    state: PostState,
    *,
    at: WorldTime,
    views: int | None = None,
    likes: int | None = None,
    reposts: int | None = None,
    provenance: Provenance,
    directory: Directory,
) -> PostMetricsObserved:
    """Record the reach of the post observed at ``at``."""
    if views is None and likes is None and reposts is None:
        raise InvalidError("an observation needs at least one of views, likes or reposts")
    event = build(
        PostMetricsObserved,
        **next_fields(state, provenance.checked(directory)),
        occurred_at=at,
        views=views,
        likes=likes,
        reposts=reposts,
    )
    _while_live(state, at, "observed")
    return event


def edit(
    state: PostState, *, text: str, at: WorldTime, provenance: Provenance, directory: Directory
) -> PostEdited:
    """Record that the post's text changed to ``text`` at ``at``."""
    text = kept_text(text)
    event = build(
        PostEdited,
        **next_fields(state, provenance.checked(directory)),
        occurred_at=at,
        text=text,
        text_sha256=text_sha256(text),
    )
    if event.text_sha256 == state.text_sha256:
        raise InvalidError(f"{state.ref}: the edited text is the same as the current text")
    _while_live(state, at, "edited")
    return event


def archive(
    state: PostState,
    *,
    url: str,
    at: WorldTime,
    digest: str | None = None,
    http_status: int | None = None,
    tombstone: bool = False,
    text: str | None = None,
    provenance: Provenance,
    directory: Directory,
) -> PostArchived:
    """Record that an archive captured the post at ``url`` at ``at``.

    ``http_status`` and ``tombstone`` say what the capture showed: a capture
    that shows the post gone (404, 410, 451 or a tombstone page) may follow
    its deletion and bounds it from above; one that shows it there bounds it
    from below. ``text`` is the post's text as captured (its SHA-256 is kept
    and checked); a post whose text was never captured shows it from then on.
    """
    text = None if text is None else kept_text(text)
    event = build(
        PostArchived,
        **next_fields(state, provenance.checked(directory)),
        occurred_at=at,
        url=url,
        digest=digest,
        http_status=http_status,
        tombstone=tombstone,
        text=text,
        text_sha256=None if text is None else text_sha256(text),
    )
    if event.shows_absence:
        _while_gone(state, at, "captured gone")
    elif shows_presence(event.http_status, event.tombstone):
        _while_live(state, at, "archived")
    else:
        _after_publication(state, at, "archived")
    return event


def delete(
    state: PostState,
    *,
    at: WorldTime,
    deleted_by: str = "unknown",
    provenance: Provenance,
    directory: Directory,
) -> PostDeleted:
    """Record that the post was deleted within ``at`` (refused when no order within the times
    makes the post's history possible, see :func:`check_history`)."""
    if (
        state.status == "deleted"
        and state.deleted_at is not None
        and not at.definitely_before(state.deleted_at)
    ):
        raise InvalidError(f"{state.ref} is already deleted (deleted {state.deleted_at})", field="at")
    event = build(
        PostDeleted,
        **next_fields(state, provenance.checked(directory)),
        occurred_at=at,
        deleted_by=deleted_by,
    )
    _after_publication(state, at, "deleted")
    return _checked(state, event, directory)


def restore(state: PostState, *, at: WorldTime, provenance: Provenance, directory: Directory) -> PostRestored:
    """Record that the deleted post became visible again at ``at``."""
    event = build(PostRestored, **next_fields(state, provenance.checked(directory)), occurred_at=at)
    return _checked(state, event, directory)
