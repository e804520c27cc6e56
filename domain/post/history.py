"""A post's history in world time: what must hold of it, whatever order its entries were found in.

Deletions and restorations alternate, each possibly after the one before;
what shows the post falls, possibly, in a period when it was live, and what
shows it gone in one when it was deleted (once it has one). Every decision
of :mod:`domain.post.publication` and :mod:`domain.post.presence` checks its
event here, at its world-time place.
"""

from __future__ import annotations

from typing import TypeVar

from domain.errors import InvalidError
from domain.events import Directory, Event, refuse_before
from domain.post.state import PostState
from domain.worldtime import WorldTime

__all__ = [
    "check_history",
]

E = TypeVar("E", bound=Event)


def _fits(at: WorldTime, period: tuple[WorldTime, WorldTime | None]) -> bool:
    """True when a moment within ``at`` may lie within ``period`` (start, end or None: still)."""
    start, end = period
    return not at.definitely_before(start) and (end is None or not end.definitely_before(at))


def after_publication(state: PostState, at: WorldTime, what: str) -> None:
    """Refuse what happened to the post at ``at`` if that is surely before its publication."""
    refuse_before(
        at,
        state.published_at,
        f"{state.ref} cannot have been {what} at {at}: it was published {state.published_at}",
    )


def while_live(state: PostState, at: WorldTime, what: str) -> None:
    """Refuse what shows the post at ``at`` unless it may have been live then."""
    after_publication(state, at, what)
    live = state.periods("live")
    if not any(_fits(at, period) for period in live):
        ended = [end for _, end in live if end is not None and end.definitely_before(at)]
        raise InvalidError(
            f"{state.ref} cannot have been {what} at {at}: it was deleted {ended[-1]}", field="at"
        )


def while_gone(state: PostState, at: WorldTime, what: str) -> None:
    """Refuse what shows the post gone at ``at`` unless it may have been deleted then (once it was)."""
    after_publication(state, at, what)
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
        while_live(state, text.since, "edited")
    for observation in state.metrics:
        while_live(state, observation.observed_at, "observed")
    for capture in state.archives:
        if capture.shows_absence:
            while_gone(state, capture.captured_at, "captured gone")
        elif capture.shows_presence:
            while_live(state, capture.captured_at, "archived")


def checked(state: PostState, event: E, directory: Directory) -> E:
    """``event``, once the post's history with it at its world-time place is possible.

    A directory that defers checks (a batch that asks for it) runs it on the
    post's state at the batch's end: a deletion and a restoration found late, dated between
    two recorded ones, are each impossible alone and possible together.
    """
    defer = getattr(directory, "defer", None)
    if defer is None or not defer(state.ref, check_history):
        check_history(event.apply(state))
    return event
