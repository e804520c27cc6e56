"""The pure parts of queries, shared by the views and the replay of the log.

Rows come either from the views or from :func:`replay_rows` (folding the
log's entries); either way :func:`finish_rows` then places them at a world
time, measures how long requests waited and applies the filters, so the two
paths can only differ in the rows themselves, and tests compare those.

Filters (:data:`FILTERS`) compare text ignoring case; ``about``,
``regarding``, ``subject`` and ``handle`` match one item of the row's tuple. With a world time,
``status`` matches the status then (``status_at``: ``unknown`` when the
times allow more than one).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from domain import State
from domain.errors import InvalidError
from domain.events import Event, LogEntry, apply_in_world_order, fold
from domain.refs import KINDS, ref_kind
from domain.worldtime import WorldTime
from projections.clocks import (
    STATUS_BEFORE,
    UNKNOWN,
    StatusPoint,
    effects_of,
    is_status_point,
    possibly_happened,
    status_at,
    surely_happened,
    world_points,
)
from projections.listing import SUBJECT_FILTERS, SubjectFilter
from projections.rows import ActorRow, CommentRequestRow, SubjectRow, row_of
from projections.subject_views import REFERENCE_COLUMNS
from projections.timeline import Timeline

#: The filters of each kind of row (those of :data:`projections.listing.SUBJECT_FILTERS`, so the
#: CLI's options and every listing agree): filter name -> the specification.
FILTERS: Mapping[str, Mapping[str, SubjectFilter]] = {
    kind: {spec.name.replace("-", "_"): spec for spec in specs} for kind, specs in SUBJECT_FILTERS.items()
}

#: Filters on references: exact matches the views can also make in SQL.
REFERENCE_FILTERS = frozenset(name for names in REFERENCE_COLUMNS.values() for name in names)


def status_choices(kind: str, *, at: bool) -> tuple[str, ...]:
    """The statuses a list of ``kind`` can be filtered by: at a world time, also before and unknown."""
    spec = FILTERS[kind].get("status")
    if spec is None:
        return ()
    return (*spec.choices, STATUS_BEFORE[kind], UNKNOWN) if at else spec.choices


def check_filters(kind: str, filters: Mapping[str, str | None], *, at: bool = False) -> dict[str, str]:
    """The filters that are set, after checking each is one ``kind`` takes (and its value, a choice)."""
    if kind not in KINDS:
        raise InvalidError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")
    known = FILTERS[kind]
    chosen = {}
    for name, value in filters.items():
        spec = known.get(name)
        if spec is None:
            raise InvalidError(f"{kind} lists have no filter {name!r} (filters: {', '.join(known)})")
        if value is None:
            continue
        choices = status_choices(kind, at=at) if name == "status" else spec.choices
        if choices and value.casefold() not in choices:
            raise InvalidError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
        chosen[name] = value
    return chosen


def sql_filters(filters: Mapping[str, str], *, at: WorldTime | None) -> dict[str, str]:
    """The filters a view can apply in SQL: exact ones on references and, without a world time, status."""
    exact = {name: value.casefold() for name, value in filters.items() if name in REFERENCE_FILTERS}
    if at is None and "status" in filters:
        exact["status"] = filters["status"].casefold()
    return exact


def _matches(row: SubjectRow, field: str, wanted: str) -> bool:
    value = getattr(row, field)
    if isinstance(value, tuple):
        return any(str(item).casefold() == wanted for item in value)
    return value is not None and str(value).casefold() == wanted


def finish_rows(
    rows: Iterable[SubjectRow],
    points: Mapping[str, Sequence[StatusPoint]],
    *,
    kind: str,
    filters: Mapping[str, str],
    at: WorldTime | None,
    now: datetime,
) -> list[Any]:
    """Rows placed at world time ``at`` (if given), waiting measured up to ``now`` (or ``at``), filtered."""
    known = FILTERS[kind]
    wanted = {known[name].attribute: value.casefold() for name, value in filters.items()}
    finished = []
    for found in rows:
        row = found
        if at is not None:
            status, possible = status_at(kind, points.get(row.ref, ()), at)
            row = row.model_copy(update={"status_at": status, "possible": possible})
        if isinstance(row, ActorRow) and at is not None:
            row = row.handles_then(at)
        if isinstance(row, CommentRequestRow):
            # Unanswered, a request waits to the end of ``at`` (a day waits all day), else to ``now``.
            row = row.waited(at.latest if at is not None else now, row.status_at)
        checked = row.status_at if at is not None else row.status
        if "status" in wanted and (checked or "").casefold() != wanted["status"]:
            continue
        if all(_matches(row, field, value) for field, value in wanted.items() if field != "status"):
            finished.append(row)
    return finished


def replay_states(
    entries: Iterable[LogEntry], kind: str | None = None
) -> dict[str, tuple[Any, list[StatusPoint]]]:
    """Fold the log's ``entries`` into each subject's state and status points (of ``kind`` only, if given)."""
    folded: dict[str, tuple[Any, list[Event]]] = {}
    for entry in entries:
        if kind is not None and ref_kind(entry.subject) != kind:
            continue
        state, events = folded.get(entry.subject, (None, []))
        state = apply_in_world_order(state, entry.event, functools.partial(list, events))
        events.append(entry.event)
        folded[entry.subject] = (state, events)
    return {ref: (state, world_points(effects_of(events))) for ref, (state, events) in folded.items()}


def replay_rows(
    entries: Iterable[LogEntry], kind: str
) -> tuple[list[SubjectRow], dict[str, list[StatusPoint]]]:
    """The rows of ``kind`` and their status points, by folding the log's ``entries``."""
    folded = replay_states(entries, kind)
    rows = [row_of(state) for state, _ in folded.values()]
    return rows, {ref: points for ref, (_, points) in folded.items()}


def timeline_at(timeline: Timeline, kind: str, points: Sequence[StatusPoint], at: WorldTime) -> Timeline:
    """The timeline cut at world time ``at``: entries that may have happened by its end, and the status then.

    Acts of the ledger itself (no world time) are placed at their record time, as in the timeline.
    """
    end = at.latest
    kept = tuple(entry for entry in timeline.entries if entry.sort_key[0] <= end)
    status, possible = status_at(kind, points, at)
    return timeline.model_copy(update={"entries": kept, "at": at, "status_at": status, "possible": possible})


class StateAt(BaseModel):
    """A subject at a world time: its status then, and its state after what surely had happened.

    ``pending`` are the versions of entries that may or may not have happened
    by then (their world times straddle it); ``state`` is None when nothing
    surely had.
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    ref: str
    at: WorldTime
    as_of: int
    status: str
    possible: tuple[str, ...]
    state: State | None
    pending: tuple[int, ...]


def state_at(ref: str, history: Sequence[LogEntry], at: WorldTime, *, as_of: int) -> StateAt:
    """Where the subject whose entries are ``history`` stood at world time ``at``.

    The state is the fold of the entries (in world-time order) up to the last
    that surely happened by the start of ``at``, with the ledger's own acts.
    """
    events = [entry.event for entry in history]
    points = world_points(effects_of(events))
    status, possible = status_at(ref_kind(ref), points, at)
    surely, possibly = surely_happened(points, at), possibly_happened(points, at)
    happened = {p.version for p in points[:surely]}
    kept = [e for e in events if e.originator_version in happened or not is_status_point(e)]
    return StateAt(
        ref=ref,
        at=at,
        as_of=as_of,
        status=status,
        possible=possible,
        state=fold(None, kept) if happened else None,
        pending=tuple(p.version for p in points[surely:possibly]),
    )
