"""Timelines: pure functions that fold logged events into a readable history.

The timeline of a subject holds its own entries and the entries of the
subjects that point at it, ordered by world time (earliest possible moment,
then latest), ties broken by log position:

- a post, claim, comment request or source that names the subject in any of
  its entries brings its whole history (a claim about a post brings its
  rebuttals; a reply brings the reply's reach);
- a case or actor that names the subject brings only the entries naming it;
- the timeline of a case merges the timelines of the subjects linked to it.

Entries without a world time (registering an actor, opening a case, linking a
subject, a correction) are acts of the ledger itself: they are placed at
their record time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from domain.case import SubjectLinked
from domain.events import EntryCorrected, Event, LogEntry
from domain.refs import ref_kind
from domain.worldtime import WorldTime

#: Kinds whose whole history joins the timeline of a subject they name.
WHOLE_HISTORY_KINDS = frozenset({"post", "claim", "comment", "source"})

_BASE_FIELDS = frozenset(Event.model_fields)


class CorrectionNote(BaseModel):
    """A correction attached to the entry it corrects."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    version: int
    position: int
    reason: str
    recorded_by: str


class TimelineEntry(BaseModel):
    """One line of a timeline: what happened, when (both clocks), who, how we know."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    position: int
    recorded_at: datetime
    subject: str
    version: int
    type: str
    occurred_at: WorldTime | None
    summary: str
    actor: str | None
    recorded_by: str
    sources: tuple[str, ...]
    note: str | None
    details: dict[str, Any]
    corrections: tuple[CorrectionNote, ...] = ()

    @property
    def sort_key(self) -> tuple[datetime, datetime, int]:
        """World time (record time for ledger acts), then log position."""
        if self.occurred_at is None:
            return (self.recorded_at, self.recorded_at, self.position)
        return (self.occurred_at.earliest, self.occurred_at.latest, self.position)


class Timeline(BaseModel):
    """The timeline of one subject.

    ``as_of`` is the log position it was read at (what the ledger knew);
    with a world time ``at``, only entries that may have happened by then are
    kept, and ``status_at`` says where the subject stood (``unknown`` with
    every ``possible`` status when the times allow more than one).
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    subject: str
    entries: tuple[TimelineEntry, ...]
    as_of: int | None = None
    at: WorldTime | None = None
    status_at: str | None = None
    possible: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.entries)


def to_entry(logged: LogEntry) -> TimelineEntry:
    """The timeline entry of one logged event."""
    event = logged.event
    return TimelineEntry(
        position=logged.position,
        recorded_at=logged.recorded_at,
        subject=event.subject,
        version=event.originator_version,
        type=event.type,
        occurred_at=event.occurred_at,
        summary=event.summary(),
        actor=event.actor,
        recorded_by=event.recorded_by,
        sources=event.sources,
        note=event.note,
        details=event.model_dump(mode="json", exclude=set(_BASE_FIELDS)),
    )


def names(logged: LogEntry, targets: frozenset[str] | set[str]) -> bool:
    """True when the logged event names one of ``targets`` (other than its own subject)."""
    return any(ref in targets for ref in logged.event.references())


class RelatedScan:
    """One pass over the log that finds what belongs to the timelines of ``targets``.

    Feed it every logged event in order; then ``subjects`` holds the subjects
    whose whole history belongs (the targets included) and ``entries`` the
    single entries that belong on their own.
    """

    def __init__(self, targets: Iterable[str]) -> None:
        self.targets = frozenset(targets)
        self.subjects: set[str] = set(self.targets)
        self.entries: list[LogEntry] = []

    def feed(self, logged: LogEntry) -> None:
        """Take one logged event into account."""
        subject = logged.event.subject
        if subject in self.subjects or not names(logged, self.targets):
            return
        if ref_kind(subject) in WHOLE_HISTORY_KINDS:
            self.subjects.add(subject)
        else:
            self.entries.append(logged)


def linked_subjects(case_history: Iterable[LogEntry]) -> list[str]:
    """The subjects linked to a case, from the case's own history."""
    return [e.event.linked for e in case_history if isinstance(e.event, SubjectLinked)]


def build_timeline(subject: str, logged: Iterable[LogEntry]) -> Timeline:
    """Order the given entries into the timeline of ``subject``.

    Duplicates (the same log position given twice) are dropped; corrections
    are shown as entries and also attached to the entries they correct.
    """
    unique = {e.position: e for e in logged}
    corrections: dict[tuple[str, int], list[CorrectionNote]] = {}
    for e in unique.values():
        if isinstance(e.event, EntryCorrected):
            note = CorrectionNote(
                version=e.version, position=e.position, reason=e.event.reason, recorded_by=e.event.recorded_by
            )
            corrections.setdefault((e.subject, e.event.corrects_version), []).append(note)
    entries = []
    for e in unique.values():
        entry = to_entry(e)
        notes = corrections.get((e.subject, e.version))
        if notes:
            entry = entry.model_copy(update={"corrections": tuple(sorted(notes, key=lambda n: n.position))})
        entries.append(entry)
    entries.sort(key=lambda entry: entry.sort_key)
    return Timeline(subject=subject, entries=tuple(entries))
