"""Both clocks in queries: where a subject stood at a world time, and durations.

A subject's status changes only at entries that carry a world time (and at
its creation). Entries are taken to have happened in the order they were
recorded (the domain refuses the impossible orders), so at a world time ``T``
every entry up to the last one that *surely* happened by ``T`` did happen,
and entries up to the last one that *possibly* happened by ``T`` may have.
The statuses between those two points are the honest answer: one status when
they agree, else ``unknown`` with the possibilities listed.

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

from domain.actor import ActorState
from domain.case import CaseState
from domain.claim import ClaimState
from domain.comment import CommentRequestState
from domain.events import Event
from domain.instants import micros
from domain.post import PostState
from domain.source import SourceState
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


def status_points(history: Iterable[tuple[Event, Any]]) -> list[StatusPoint]:
    """The status points of one subject from its entries, each with the state after it."""
    points = []
    for event, state in history:
        if is_status_point(event):
            points.append(StatusPoint(event.originator_version, *bounds(event.occurred_at), status_of(state)))
    return points


def _surely(point: StatusPoint, start: int) -> bool:
    return point.latest is None or point.latest <= start


def _possibly(point: StatusPoint, end: int) -> bool:
    return point.earliest is None or point.earliest <= end


def status_at(kind: str, points: Sequence[StatusPoint], at: WorldTime) -> tuple[str, tuple[str, ...]]:
    """The status at world time ``at`` and every status possible then, in life-cycle order.

    ``points`` are in version order. Within ``at`` (a day, a window) the
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
    """The version of the last status point that surely happened by the start of ``at`` (0: none)."""
    start = micros(at.earliest)
    return max((p.version for p in points if _surely(p, start)), default=0)


def possibly_happened(points: Sequence[StatusPoint], at: WorldTime) -> int:
    """The version of the last status point that possibly happened by the end of ``at`` (0: none)."""
    end = micros(at.latest)
    return max((p.version for p in points if _possibly(p, end)), default=0)


class Span(BaseModel):
    """A duration known within bounds: exactly when ``shortest == longest``.

    >>> str(Span(shortest=timedelta(0), longest=timedelta(days=5)))
    '0 minutes..5 days'
    >>> str(Span(shortest=timedelta(hours=26), longest=timedelta(hours=26)))
    '1 day 2 hours'
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    shortest: timedelta
    longest: timedelta

    @classmethod
    def between(cls, start: WorldTime, end: WorldTime | datetime) -> Span:
        """From a moment within ``start`` to a moment within ``end`` (never negative)."""
        first, last = (end, end) if isinstance(end, datetime) else (end.earliest, end.latest)
        zero = timedelta(0)
        return cls(shortest=max(zero, first - start.latest), longest=max(zero, last - start.earliest))

    @property
    def days(self) -> int:
        """Whole days surely elapsed."""
        return self.shortest.days

    def __str__(self) -> str:
        low, high = _humane(self.shortest), _humane(self.longest)
        return low if low == high else f"{low}..{high}"


def _humane(duration: timedelta) -> str:
    minutes = round(duration / timedelta(minutes=1))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    shown = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n]
    return " ".join(shown[:2]) if shown else "0 minutes"
