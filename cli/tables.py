"""How each kind of result reads as text: timelines, listings, states, the log."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from cli.render import Shown, flatten, is_listed, record_time, table, world_time
from ledger.formats.wording import counted

if TYPE_CHECKING:
    from domain import State
    from domain.events import LogEntry

TIMELINE_HEADERS = ("WHEN", "WHAT", "WHO / SOURCES", "RECORDED")


class Correction(Protocol):
    """What a timeline shows of a correction."""

    @property
    def version(self) -> int: ...
    @property
    def reason(self) -> str: ...


class TimelineLine(Protocol):
    """What a timeline shows of an entry: a :class:`~projections.timeline.TimelineEntry`, or a
    :class:`~projections.stored_timeline.StoredTimelineEntry` read without the domain's models."""

    @property
    def occurred_at(self) -> Shown | None: ...
    @property
    def subject(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def note(self) -> str | None: ...
    @property
    def corrections(self) -> Sequence[Correction]: ...
    @property
    def actor(self) -> str | None: ...
    @property
    def sources(self) -> Sequence[str]: ...
    @property
    def recorded_at(self) -> datetime: ...
    @property
    def recorded_by(self) -> str: ...


def timeline_table(subject: str, entries: Iterable[TimelineLine]) -> Iterator[str]:
    """A timeline as an aligned table: world time and precision, what, who and how we know, record time."""
    rows = [_timeline_row(entry) for entry in entries]
    yield f"Timeline of {subject}: {counted(len(rows), 'entry')}"
    yield ""
    yield from table(TIMELINE_HEADERS, rows, wrap=1, spaced=True)


def _timeline_row(entry: TimelineLine) -> tuple[str, str, str, str]:
    # Acts of the ledger itself have no world time: they are placed at their record time.
    when = "(ledger act)" if entry.occurred_at is None else world_time(entry.occurred_at).replace(" ", "\n")
    what = [f"{entry.subject} v{entry.version} {entry.type}", entry.summary]
    if entry.note:
        what.append(f"note: {entry.note}")
    what += [f"corrected by v{c.version}: {c.reason}" for c in entry.corrections]
    who = [entry.actor or "-", *entry.sources]
    recorded = f"{record_time(entry.recorded_at)}\nby {entry.recorded_by}"
    return when, "\n".join(what), "\n".join(who), recorded


def state_table(state: State) -> Iterator[str]:
    """A subject's state, one field a line (nested values under dotted keys)."""
    from ledger.formats.shapes import state_json  # noqa: PLC0415

    derived = {k: v for k, v in state_json(state).items() if k not in type(state).model_fields}
    rows = [*flatten(state), *((name, _text(value)) for name, value in derived.items())]
    yield from table(("FIELD", "VALUE"), rows, wrap=1)


def _text(value: Any) -> str:
    from domain.worldtime import WorldTime  # noqa: PLC0415

    if value is None:
        return "-"
    if isinstance(value, WorldTime):
        return world_time(value)
    if is_listed(value):
        return ", ".join(_text(item) for item in value) or "(none)"
    return str(value)


Column = tuple[str, Callable[[Any], str]]


def _attr(name: str) -> Callable[[Any], str]:
    return lambda state: _text(getattr(state, name))


def _count(name: str) -> Callable[[Any], str]:
    # A state holds the items; a listed row may hold their count already.
    def count(state: Any) -> str:
        value = getattr(state, name)
        return str(value if isinstance(value, int) else len(value))

    return count


LIST_COLUMNS: dict[str, tuple[tuple[Column, ...], int | None]] = {
    "actor": (
        (
            ("REF", _attr("ref")),
            ("KIND", _attr("kind")),
            ("NAME", _attr("name")),
            ("HANDLES", _attr("handles")),
        ),
        2,
    ),
    "source": (
        (
            ("REF", _attr("ref")),
            ("KIND", _attr("kind")),
            ("PUBLISHER", _attr("publisher")),
            ("PUBLISHED", _attr("published_at")),
            ("TITLE", _attr("title")),
        ),
        4,
    ),
    "post": (
        (
            ("REF", _attr("ref")),
            ("STATUS", _attr("status")),
            ("PLATFORM", _attr("platform")),
            ("AUTHOR", _attr("author")),
            ("PUBLISHED", _attr("published_at")),
            ("DELETED", _attr("deleted_at")),
            ("LIVED", _attr("lived")),
        ),
        None,
    ),
    "claim": (
        (
            ("REF", _attr("ref")),
            ("STATUS", _attr("status")),
            ("VERDICT", _attr("verdict")),
            ("CLAIMANT", _attr("claimant")),
            ("IN", _attr("post")),
            ("MADE", _attr("made_at")),
        ),
        None,
    ),
    "comment": (
        (
            ("REF", _attr("ref")),
            ("STATUS", _attr("status")),
            ("FROM", _attr("requester")),
            ("TO", _attr("recipient")),
            ("VIA", _attr("channel")),
            ("REQUESTED", _attr("requested_at")),
            ("DEADLINE", _attr("deadline")),
            ("WAITED", _attr("waiting")),
        ),
        None,
    ),
    "case": (
        (
            ("REF", _attr("ref")),
            ("SUBJECTS", _count("subjects")),
            ("NOTES", _count("notes")),
            ("TITLE", _attr("title")),
        ),
        3,
    ),
}
"""The columns of each kind's listing, and which one wraps."""


def list_table(kind: str, states: Iterable[Any], *, at: bool = False) -> Iterator[str]:
    """Subjects of one kind as an aligned table, one a row; ``at``: with their status at a world time."""
    columns, wrap = LIST_COLUMNS[kind]
    if at:
        columns = (columns[0], ("STATUS THEN", _attr("status_at")), *columns[1:])
        wrap = None if wrap is None else wrap + 1
    rows = [[render(state) for _, render in columns] for state in states]
    yield from table([header for header, _ in columns], rows, wrap=wrap)


LOG_HEADER = f"{'POSITION':>8}  {'RECORDED':<20}  {'TYPE':<21} SUBJECT AND SUMMARY"


def log_lines(entries: Iterable[LogEntry]) -> Iterator[str]:
    """The log, one entry a line, streamed: position, record time, type, subject and version, summary."""
    yield LOG_HEADER
    for entry in entries:
        yield _log_line(entry)


class LogLine(Protocol):
    """What a line of the log shows of an entry (besides its summary)."""

    @property
    def position(self) -> int: ...
    @property
    def recorded_at(self) -> datetime: ...
    @property
    def type(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def version(self) -> int: ...


def log_line(entry: LogLine, summary: str) -> str:
    """One entry of the log as a line (a decoded entry, or one read from its stored JSON: ``cli.log``)."""
    return (
        f"{entry.position:>8}  {record_time(entry.recorded_at):<20}  {entry.type:<21} "
        f"{entry.subject} v{entry.version}: {summary}"
    )


def _log_line(entry: LogEntry) -> str:
    return log_line(entry, entry.event.summary())


def replay_lines(replayed: Iterable[tuple[LogEntry, State]]) -> Iterator[str]:
    """The replay, streamed: each log line, then the state it produced as compact JSON."""
    from ledger.formats.shapes import state_json  # noqa: PLC0415

    yield f"{LOG_HEADER} / STATE AFTER"
    for entry, state in replayed:
        yield _log_line(entry)
        yield f"{'':>8}  = {json.dumps(state_json(state), ensure_ascii=False)}"
