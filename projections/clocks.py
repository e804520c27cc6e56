"""Both clocks in queries: where a subject stood at a world time, and durations.

A subject's status changes only at entries that carry a world time (and at
its creation). Entries are taken to have happened in world-time order (the
order its state folds them: earliest, then latest, then log position; the
domain refuses histories no order makes possible), so at a world time ``T``
every entry up to the last one that *surely* happened by ``T`` did happen,
and entries up to the last one that *possibly* happened by ``T`` may have.
The statuses between those two points are the honest answer: one status when
they agree, else ``unknown`` with the possibilities listed.

Both the replay of the log and the views give each entry its *effect*
(:func:`effect_of`, ``projections.stored_rows.effect``: ``deleted``,
``rebutted@actor/x``...); :func:`world_points` sorts and folds the effects into
the status after each entry, so the two paths cannot disagree.

>>> at = WorldTime.parse("2024-10-15")
>>> points = [StatusPoint(1, *bounds("2024-10-14..2024-10-17"), "live")]
>>> status_at("post", points, at)
('unknown', ('not-yet-published', 'live'))
>>> status_at("post", points, WorldTime.parse("2024-10-01"))
('not-yet-published', ('not-yet-published',))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict

from domain.actor import ActorRegistered, ActorState
from domain.case import CaseOpened, CaseState
from domain.claim import (
    ClaimMade,
    ClaimRated,
    ClaimRebutted,
    ClaimRetracted,
    ClaimState,
    ClaimSupported,
    VerdictRevised,
)
from domain.comment import (
    CommentDeclined,
    CommentReceived,
    CommentRequested,
    CommentRequestLapsed,
    CommentRequestState,
)
from domain.events import Event
from domain.instants import micros
from domain.post import PostArchived, PostDeleted, PostPublished, PostRestored, PostState, shows_presence
from domain.source import SourceRegistered, SourceState
from domain.worldtime import WorldTime

UNKNOWN = "unknown"
"""The status at a world time when the entries' bounds allow more than one."""

#: The status of a subject at a world time before it came to be.
STATUS_BEFORE = {
    "post": "not-yet-published",
    "claim": "not-yet-made",
    "comment": "not-yet-requested",
    "source": "not-yet-published",
    "actor": "not-yet-registered",
    "case": "not-yet-opened",
}


def bounds(when: WorldTime | str | None) -> tuple[int | None, int | None]:
    """The earliest and latest moments of a world time in microseconds (None, None without one)."""
    if when is None:
        return (None, None)
    world = WorldTime.coerce(when)
    return (micros(world.earliest), micros(world.latest))


def status_of(state: Any) -> str:
    """The status of a subject's state (posts, claims and requests have a life cycle)."""
    if isinstance(state, PostState | ClaimState | CommentRequestState):
        return state.status
    if isinstance(state, SourceState):
        return "published"
    if isinstance(state, ActorState):
        return "registered"
    if isinstance(state, CaseState):
        return "open"
    raise TypeError(f"no status for {type(state).__name__}")


class StatusPoint(NamedTuple):
    """An entry that may change a subject's status: its version, world bounds and the status after it.

    Bounds are microseconds since the epoch; a creation without a world time
    (registering an actor, opening a case) has none and happened at any time.
    """

    version: int
    earliest: int | None
    latest: int | None
    status: str


def is_status_point(event: Event) -> bool:
    """True when ``event`` can change its subject's status at a world time."""
    return event.occurred_at is not None or event.originator_version == 1


_CREATED = {
    PostPublished: "live",
    ClaimMade: "open",
    CommentRequested: "awaiting",
    SourceRegistered: "published",
    ActorRegistered: "registered",
    CaseOpened: "open",
    PostDeleted: "deleted",
    PostRestored: "live",
    ClaimRetracted: "retracted",
    CommentReceived: "answered",
    CommentDeclined: "declined",
    CommentRequestLapsed: "lapsed",
}


_REVIEW_STANCES: dict[type[Event], str] = {
    ClaimRebutted: "rebutted",
    ClaimSupported: "supported",
    ClaimRated: "unrated",  # its verb is "rated"
}


def effect_of(event: Event) -> str | None:
    """What an entry does to its subject's status, for :func:`world_points` (None: nothing)."""
    found = _CREATED.get(type(event))
    if found is not None:
        return found
    if isinstance(event, ClaimRebutted | ClaimSupported | ClaimRated):
        return f"{_REVIEW_STANCES[type(event)]}@{event.reviewer}"
    if isinstance(event, VerdictRevised):
        return f"{event.stance or 'revised'}@{event.reviewer}"
    if isinstance(event, PostArchived):
        if event.shows_absence:
            return "absent"
        return "present" if shows_presence(event.http_status, event.tombstone) else None
    return None


class Effect(NamedTuple):
    """An entry's effect on its subject's status, with its version and world bounds (microseconds)."""

    version: int
    earliest: int | None
    latest: int | None
    effect: str | None


def effects_of(events: Iterable[Event]) -> list[Effect]:
    """The effects of a subject's status points (every entry with a world time, and its creation)."""
    return [
        Effect(e.originator_version, *bounds(e.occurred_at), effect_of(e))
        for e in events
        if is_status_point(e)
    ]


def _effect_order(effect: Effect) -> tuple[int, int, int, int]:
    if effect.version == 1 or effect.earliest is None or effect.latest is None:
        return (0, 0, 0, effect.version)
    return (1, effect.earliest, effect.latest, effect.version)


def world_points(effects: Iterable[Effect]) -> list[StatusPoint]:
    """The status points of one subject in world-time order, each with the status after it.

    Folds the effects as the domain folds the events: a post is deleted and
    restored; a claim takes the stance of its latest review (a revision without
    one keeps its reviewer's latest, see :func:`domain.claim.kept_stance`) until
    it is retracted; a request is answered or declined for good, and lapses only
    while awaiting. A deletion's bounds are narrowed by the captures that show the
    post there after its last restoration (from below) and gone (from above).
    """
    points, _, ordered = fold_effects(effects)
    return narrow_deletions(points, ordered)


def fold_effects(effects: Iterable[Effect]) -> tuple[list[StatusPoint], str | None, list[Effect]]:
    """The status points in world-time order (deletions not narrowed), the stance of the latest
    review (claims), and the effects in that order."""
    ordered = sorted(effects, key=_effect_order)
    points: list[StatusPoint] = []
    status = ""
    stances: dict[str, str] = {}
    stance = ""
    for version, earliest, latest, effect in ordered:
        if effect is None or effect in ("present", "absent"):
            pass
        elif effect in ("rebutted", "supported", "revised") or "@" in effect:
            taken, _, reviewer = effect.partition("@")
            if taken == "revised":
                taken = stances.get(reviewer) or stance or "rebutted"
            stances[reviewer] = stance = taken
            if status != "retracted":
                status = taken
        elif effect == "lapsed":
            status = "lapsed" if status == "awaiting" else status
        elif effect != "retracted" or status != "retracted":
            status = effect
        points.append(StatusPoint(version, earliest, latest, status))
    return points, stance or None, ordered


def narrow_deletions(points: list[StatusPoint], ordered: list[Effect]) -> list[StatusPoint]:
    """``points`` with each deletion's bounds narrowed by the captures (see :func:`deletion_bounds`)."""
    if not any(e.effect in ("present", "absent") for e in ordered):
        return points
    narrowed = list(points)
    lives = [i for i, e in enumerate(ordered) if e.effect == "live"]
    for index, (point, effect) in enumerate(zip(points, ordered, strict=True)):
        if effect.effect != "deleted" or point.earliest is None or point.latest is None:
            continue
        before = [ordered[i].earliest for i in lives if i < index]
        after = [ordered[i].latest for i in lives if i > index]
        start, end = (before[-1] if before else None), (after[0] if after else None)
        captures = [
            (e.effect, e.earliest, e.latest)
            for e in ordered
            if e.effect == "present" or (e.effect == "absent" and (end is None or (e.earliest or 0) <= end))
        ]
        low, high = deletion_bounds(point.earliest, point.latest, start, captures)
        narrowed[index] = point._replace(earliest=low, latest=high)
    return narrowed


def deletion_bounds(
    earliest: int,
    latest: int,
    start: int | None,
    captures: Iterable[tuple[str | None, int | None, int | None]],
) -> tuple[int, int]:
    """A deletion's bounds narrowed by captures: one showing the post there, no earlier than the
    live period's ``start`` and possibly before the deletion, raises the earliest; one showing it
    gone, possibly after it, lowers the latest. Bounds that would cross are left as they were."""
    low, high = earliest, latest
    for effect, first, last in captures:
        if first is None or last is None:
            continue
        if effect == "present" and (start is None or first >= start) and first <= latest:
            low = max(low, first)
        elif effect == "absent" and last >= earliest:
            high = min(high, last)
    return (low, high) if low <= high else (earliest, latest)


def status_points(history: Iterable[tuple[Event, Any]]) -> list[StatusPoint]:
    """The status points of one subject from its entries, in world-time order."""
    return world_points(effects_of(event for event, _ in history))


def _surely(point: StatusPoint, start: int) -> bool:
    return point.latest is None or point.latest <= start


def _possibly(point: StatusPoint, end: int) -> bool:
    return point.earliest is None or point.earliest <= end


def status_at(kind: str, points: Sequence[StatusPoint], at: WorldTime) -> tuple[str, tuple[str, ...]]:
    """The status at world time ``at`` and every status possible then, in life-cycle order.

    ``points`` are in world-time order (:func:`world_points`). Within ``at`` (a day, a window) the
    subject may have changed; the status is definite only when it is the same
    throughout and whatever the imprecise entries' real moments were.
    """
    start, end = micros(at.earliest), micros(at.latest)
    surely = max((i for i, p in enumerate(points) if _surely(p, start)), default=-1)
    possibly = max((i for i, p in enumerate(points) if _possibly(p, end)), default=-1)
    possible = [points[surely].status if surely >= 0 else STATUS_BEFORE[kind]]
    for point in points[surely + 1 : possibly + 1]:
        if point.status not in possible:
            possible.append(point.status)
    return (possible[0] if len(possible) == 1 else UNKNOWN, tuple(possible))


def surely_happened(points: Sequence[StatusPoint], at: WorldTime) -> int:
    """How many of ``points`` (in world-time order) surely happened by the start of ``at``."""
    start = micros(at.earliest)
    return max((i + 1 for i, p in enumerate(points) if _surely(p, start)), default=0)


def possibly_happened(points: Sequence[StatusPoint], at: WorldTime) -> int:
    """How many of ``points`` (in world-time order) possibly happened by the end of ``at``."""
    end = micros(at.latest)
    return max((i + 1 for i, p in enumerate(points) if _possibly(p, end)), default=0)


class Span(BaseModel):
    """A duration known within bounds: exactly when ``shortest == longest``.

    >>> str(Span(shortest=timedelta(0), longest=timedelta(days=5)))
    '0 minutes..5 days'
    >>> str(Span(shortest=timedelta(hours=26), longest=timedelta(hours=26)))
    '1 day 2 hours'
    >>> str(Span(shortest=timedelta(0), longest=None))
    'at least 0 minutes, upper bound unknown'

    ``longest`` is None when no upper bound is known: the start has no lower
    bound (``..2024-10-20``) or the end no upper bound (``2024-10-16..``).
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    shortest: timedelta
    longest: timedelta | None

    @classmethod
    def between(cls, start: WorldTime, end: WorldTime | datetime) -> Span:
        """From a moment within ``start`` to a moment within ``end`` (never negative)."""
        first, last = (end, end) if isinstance(end, datetime) else (end.earliest, end.latest)
        zero = timedelta(0)
        # An open bound is no moment: measuring from it would give a length out of nothing.
        shortest = (
            zero
            if start.open_end or (isinstance(end, WorldTime) and end.open_start)
            else first - start.latest
        )
        unbounded = start.open_start or (isinstance(end, WorldTime) and end.open_end)
        return cls(
            shortest=max(zero, shortest), longest=None if unbounded else max(zero, last - start.earliest)
        )

    @property
    def days(self) -> int:
        """Whole days surely elapsed."""
        return self.shortest.days

    def __str__(self) -> str:
        low = _humane(self.shortest)
        if self.longest is None:
            return f"at least {low}, upper bound unknown"
        high = _humane(self.longest)
        return low if low == high else f"{low}..{high}"


def _humane(duration: timedelta) -> str:
    minutes = round(duration / timedelta(minutes=1))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    shown = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n]
    return " ".join(shown[:2]) if shown else "0 minutes"
