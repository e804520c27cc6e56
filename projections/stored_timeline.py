"""Timelines read straight from caught-up views and the log's stored JSON: the light read path.

``ledger timeline REF`` is a whole process that a fact-checker waits for;
importing pydantic, eventsourcing and the domain's models costs more than the
rest of it. When the views of a SQLite ledger are up to date (each view's
recorded position is the head of the log, the timeline view's tables are of
the current schema), this module answers with ``sqlite3`` and ``json`` alone:
it reads the timeline's members from the view's tables as
:meth:`projections.timeline_view.TimelineView.members` does, the entries as
their stored JSON, and builds :class:`StoredTimelineEntry` values that read
like :class:`projections.timeline.TimelineEntry` (what the CLI's renderer
needs of them), ordered as :func:`projections.timeline.build_timeline` orders.

Whenever it is not sure, it answers None and the caller takes the full path,
which catches up, validates and raises the errors it always raised: views
behind or missing, a subject without entries (unknown or malformed ref), an
entry of a topic it does not know, a payload that is not plain JSON (encrypted
or compressed), or any field of an unexpected type. Each event's summary is
written here from its JSON; a test holds every one equal to the domain's
``Event.summary()`` and ``actor``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from domain.ids import REF_NAMESPACE
from domain.instants import from_micros
from domain.worldtime_text import world_time_text

TIMELINE_SCHEMA_HASH = "0fb75ec97e20090b"
"""The schema hash the timeline view's tables carry in SQLite (a test holds it to the view's DDL)."""


_CHUNK = 500


class UnsureError(Exception):
    """The stored data is not what this path expects: the full path answers instead."""


@dataclass(frozen=True, slots=True)
class StoredWorldTime:
    """A world time as its stored JSON holds it: its bounds, precision and text."""

    earliest: datetime
    latest: datetime
    precision: str

    def __str__(self) -> str:
        return world_time_text(self.earliest, self.latest, self.precision)


@dataclass(frozen=True, slots=True)
class StoredCorrection:
    """A correction attached to the entry it corrects (:class:`projections.timeline.CorrectionNote`)."""

    version: int
    position: int
    reason: str
    recorded_by: str


@dataclass(frozen=True, slots=True)
class StoredTimelineEntry:
    """One line of a timeline, read from stored JSON (the fields of ``TimelineEntry`` the CLI prints)."""

    position: int
    recorded_at: datetime
    subject: str
    version: int
    type: str
    occurred_at: StoredWorldTime | None
    summary: str
    actor: str | None
    recorded_by: str
    sources: tuple[str, ...]
    note: str | None
    corrections: tuple[StoredCorrection, ...] = field(default=())
    corrects: tuple[int, str] | None = None
    """The version this entry corrects and why (an ``EntryCorrected``), else None."""
    repeated_in: str | None = None
    """The post a ``ClaimRepeated`` names, else None."""

    @property
    def sort_key(self) -> tuple[datetime, datetime, int]:
        """World time (record time for ledger acts), then log position."""
        if self.occurred_at is None:
            return (self.recorded_at, self.recorded_at, self.position)
        return (self.occurred_at.earliest, self.occurred_at.latest, self.position)


# -- reading stored JSON, checked ---------------------------------------------------------------


def _text(data: dict[str, Any], key: str) -> str:
    value = data[key]
    if type(value) is not str:
        raise UnsureError(key)
    return value


def _maybe_text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and type(value) is not str:
        raise UnsureError(key)
    return value


def _int(data: dict[str, Any], key: str) -> int:
    value = data[key]
    if type(value) is not int:
        raise UnsureError(key)
    return value


def _maybe_int(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is not None and type(value) is not int:
        raise UnsureError(key)
    return value


def _texts(data: dict[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if type(value) is not list or any(type(item) is not str for item in value):
        raise UnsureError(key)
    return tuple(value)


def _moment(value: Any) -> datetime:
    if type(value) is not str:
        raise UnsureError("moment")
    moment = datetime.fromisoformat(value)
    if moment.utcoffset() is None:
        raise UnsureError("naive moment")
    return moment


def _handle(data: dict[str, Any]) -> str:
    value = data["handle"]
    if type(value) is not dict:
        raise UnsureError("handle")
    return f"{_text(value, 'platform')}:{_text(value, 'handle')}"


def _world_time(value: Any) -> StoredWorldTime | None:
    if value is None:
        return None
    if type(value) is not dict or value.get("precision") not in _PRECISIONS:
        raise UnsureError("world time")
    return StoredWorldTime(_moment(value["earliest"]), _moment(value["latest"]), value["precision"])


_PRECISIONS = frozenset({"instant", "minute", "day", "month", "year", "window"})


# -- summaries: what each event's ``summary()`` says, from its JSON ------------------------------


def _clip(text: str, limit: int = 80) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


def _quoted(text: str | None, before: str) -> str:
    return f"{before}“{text}”" if text else ""


def _comment_requested(d: dict[str, Any]) -> str:
    text = f"comment requested from {_text(d, 'recipient')} by {_text(d, 'channel')}"
    regarding = _texts(d, "regarding")
    if regarding:
        text += f" regarding {', '.join(regarding)}"
    if _maybe_text(d, "question"):
        text += f": “{d['question']}”"
    deadline = _world_time(d.get("deadline"))
    if deadline:
        text += f" (deadline {deadline})"
    return text


def _lapsed(d: dict[str, Any]) -> str:
    text = _maybe_text(d, "text")
    return "no answer by then: request lapsed" + (f" ({text})" if text else "")


def _post_archived(d: dict[str, Any]) -> str:
    shown = []
    status = _maybe_int(d, "http_status")
    tombstone = d.get("tombstone", False)
    if type(tombstone) is not bool:
        raise UnsureError("tombstone")
    if status is not None:
        shown.append(f"HTTP {status}")
    if tombstone:
        shown.append("tombstone")
    if tombstone or status in {404, 410, 451}:
        shown.append("post gone")
    text = _maybe_text(d, "text")
    if text is not None:
        shown.append(f"text “{_clip(text)}”")
    return f"archived at {_text(d, 'url')}" + (f" ({', '.join(shown)})" if shown else "")


_DELETED_BY = {"author": "by its author", "platform": "by the platform", "unknown": "by unknown"}


def _post_published(d: dict[str, Any]) -> str:
    reply_to = _maybe_text(d, "in_reply_to")
    reply = f" in reply to {reply_to}" if reply_to else ""
    text = _maybe_text(d, "text")
    shown = f"“{_clip(text)}”" if text is not None else "text not captured"
    return f"published on {_text(d, 'platform')}{reply}: {shown}"


def _metrics(d: dict[str, Any]) -> str:
    counts = [
        f"{value:,} {name}"
        for name in ("views", "likes", "reposts")
        if (value := _maybe_int(d, name)) is not None
    ]
    return "reach observed: " + ", ".join(counts)


def _reviewed(verb: str) -> Callable[[dict[str, Any]], str]:
    def summary(d: dict[str, Any]) -> str:
        return f"{verb} by {_text(d, 'reviewer')}: {_text(d, 'verdict')} — {_text(d, 'rationale')}"

    return summary


def _retracted(d: dict[str, Any]) -> str:
    reason = _maybe_text(d, "reason")
    return "retracted" + (f": {reason}" if reason else "")


Summary = Callable[[dict[str, Any]], str]

EVENTS: dict[str, tuple[str, Summary, str | None]] = {
    "ledger.ActorRegistered.v1": (
        "ActorRegistered",
        lambda d: f"{_text(d, 'kind')} registered: {_text(d, 'name')}",
        None,
    ),
    "ledger.ActorHandleAdded.v1": ("ActorHandleAdded", lambda d: f"handle added: {_handle(d)}", None),
    "ledger.ActorHandleDropped.v1": (
        "ActorHandleDropped",
        lambda d: f"handle dropped: {_handle(d)}",
        None,
    ),
    "ledger.ActorRenamed.v1": ("ActorRenamed", lambda d: f"renamed: {_text(d, 'name')}", None),
    "ledger.CaseOpened.v1": ("CaseOpened", lambda d: f"case opened: {_text(d, 'title')}", None),
    "ledger.SubjectLinked.v1": ("SubjectLinked", lambda d: f"linked {_text(d, 'linked')}", None),
    "ledger.NoteAdded.v1": ("NoteAdded", lambda d: f"note: {_text(d, 'text')}", None),
    "ledger.CommentRequested.v1": ("CommentRequested", _comment_requested, "requester"),
    "ledger.CommentReceived.v1": (
        "CommentReceived",
        lambda d: "comment received" + _quoted(_maybe_text(d, "text"), ": "),
        None,
    ),
    "ledger.CommentDeclined.v1": (
        "CommentDeclined",
        lambda d: "declined to comment" + _quoted(_maybe_text(d, "text"), ": "),
        None,
    ),
    "ledger.CommentRequestLapsed.v1": ("CommentRequestLapsed", _lapsed, None),
    "ledger.EntryCorrected.v1": (
        "EntryCorrected",
        lambda d: f"correction of entry v{_int(d, 'corrects_version')}: {_text(d, 'reason')}",
        None,
    ),
    "ledger.EntryRedacted.v1": (
        "EntryRedacted",
        lambda d: f"redaction of entry v{_int(d, 'redacts_version')}: {_text(d, 'reason')}",
        None,
    ),
    "ledger.SourceRegistered.v1": (
        "SourceRegistered",
        lambda d: f"{_text(d, 'kind')} published: {_text(d, 'title')}",
        "publisher",
    ),
    "ledger.SourceArchived.v1": ("SourceArchived", lambda d: f"archived at {_text(d, 'url')}", None),
    "ledger.PostPublished.v1": ("PostPublished", _post_published, "author"),
    "ledger.PostMetricsObserved.v1": ("PostMetricsObserved", _metrics, None),
    "ledger.PostEdited.v1": ("PostEdited", lambda d: f"edited: “{_clip(_text(d, 'text'))}”", None),
    "ledger.PostArchived.v1": ("PostArchived", _post_archived, None),
    "ledger.PostDeleted.v1": (
        "PostDeleted",
        lambda d: f"deleted ({_DELETED_BY[_text(d, 'deleted_by')]})",
        None,
    ),
    "ledger.PostRestored.v1": ("PostRestored", lambda d: "restored", None),
    "ledger.ClaimMade.v1": (
        "ClaimMade",
        lambda d: f"claim made by {_text(d, 'claimant')} in {_text(d, 'post')}: “{_text(d, 'text')}”",
        "claimant",
    ),
    "ledger.ClaimRepeated.v1": (
        "ClaimRepeated",
        lambda d: f"claim repeated by {_text(d, 'by')} in {_text(d, 'post')}",
        "by",
    ),
    "ledger.ClaimRetracted.v1": ("ClaimRetracted", _retracted, "by"),
    "ledger.ClaimRebutted.v1": ("ClaimRebutted", _reviewed("rebutted"), "reviewer"),
    "ledger.ClaimSupported.v1": ("ClaimSupported", _reviewed("supported"), "reviewer"),
    "ledger.ClaimRated.v1": ("ClaimRated", _reviewed("rated"), "reviewer"),
    "ledger.VerdictRevised.v1": ("VerdictRevised", _reviewed("verdict revised"), "reviewer"),
}
"""Each topic's type name, summary of its JSON, and the field naming its actor (None: no actor)."""


def stored_entry(row: tuple[int, int, str, str, int, bytes]) -> StoredTimelineEntry:
    """The timeline entry of one stored record (:class:`UnsureError` when it is not as expected)."""
    position, recorded_us, topic, originator_id, version, state = row
    known = EVENTS.get(topic)
    if known is None or not isinstance(state, bytes | str):
        raise UnsureError("topic")
    name, summary, actor_field = known
    data = json.loads(state)
    if type(data) is not dict:
        raise UnsureError("payload")
    data.pop("_salt", None)
    data.pop("_redacted", None)
    if _int(data, "originator_version") != version or UUID(_text(data, "originator_id")).hex != originator_id:
        raise UnsureError("payload of another entry")
    return StoredTimelineEntry(
        position=position,
        recorded_at=from_micros(recorded_us),
        subject=_text(data, "subject"),
        version=version,
        type=name,
        occurred_at=_world_time(data.get("occurred_at")),
        summary=summary(data),
        actor=None if actor_field is None else _maybe_text(data, actor_field),
        recorded_by=_text(data, "recorded_by"),
        sources=_texts(data, "sources"),
        note=_maybe_text(data, "note"),
        corrects=(
            (_int(data, "corrects_version"), _text(data, "reason")) if name == "EntryCorrected" else None
        ),
        repeated_in=_text(data, "post") if name == "ClaimRepeated" else None,
    )


_COLUMNS = "notification_id, recorded_at, topic, originator_id, originator_version, state"


def stored_log(db: sqlite3.Connection, after: int) -> Iterator[StoredTimelineEntry]:
    """Every entry after log position ``after``, in log order, read in batches as the ledger reads them.

    Raises :class:`UnsureError` (or ``sqlite3.Error``, ``ValueError``...) at an entry it cannot read:
    the caller hands the rest over to the ledger, which raises its own error there.
    """
    while True:
        rows = db.execute(
            f"SELECT {_COLUMNS} FROM stored_events WHERE notification_id > ? "
            "ORDER BY notification_id LIMIT ?",
            (after, _CHUNK),
        ).fetchall()
        for row in rows:
            yield stored_entry(row)
        if len(rows) < _CHUNK:
            return
        after = rows[-1][0]


def log_head(db: sqlite3.Connection) -> int:
    """The position of the last entry in the log (0 when empty)."""
    (head,) = db.execute("SELECT coalesce(max(notification_id), 0) FROM stored_events").fetchone()
    return int(head)


# -- the timeline ---------------------------------------------------------------------------------


class StoredTimelines:
    """Timelines of one SQLite ledger, read with ``sqlite3`` alone while its views are up to date."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection

    def head(self) -> int | None:
        """The head of the log when every view is up to it and the timeline view's schema is current."""
        head = log_head(self.db)
        views = self.db.execute("SELECT view_name, position, schema_hash FROM view_tracking").fetchall()
        tracked = {name: (position, digest) for name, position, digest in views}
        timeline = tracked.get("timeline")
        if timeline is None or timeline[1] != TIMELINE_SCHEMA_HASH:
            return None
        if any(position != head for position, _ in tracked.values()):
            return None
        return int(head)

    def _history(self, ref: str, head: int) -> list[StoredTimelineEntry]:
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM stored_events WHERE originator_id = ? AND notification_id <= ? "
            "ORDER BY originator_version",
            (uuid5(REF_NAMESPACE, ref).hex, head),
        )
        return [stored_entry(row) for row in rows]

    def _at(self, positions: Sequence[int]) -> Iterator[StoredTimelineEntry]:
        for start in range(0, len(positions), _CHUNK):
            chunk = positions[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT {_COLUMNS} FROM stored_events WHERE notification_id IN ({marks})"
            for row in self.db.execute(query, chunk):
                yield stored_entry(row)

    def _members(self, ref: str, head: int) -> tuple[list[str], list[int]]:
        """As :meth:`projections.timeline_view.TimelineView.members` reads them."""
        targets = [ref]
        if ref.partition("/")[0] == "case":
            linked = self.db.execute(
                "SELECT subject FROM view_timeline_links WHERE case_ref = ? AND since <= ?", (ref, head)
            )
            targets.extend(sorted(row[0] for row in linked))
        marks = ",".join("?" * len(targets))
        subjects = dict.fromkeys(targets)
        joined = self.db.execute(
            f"SELECT subject FROM view_timeline_joins WHERE timeline IN ({marks}) AND since <= ?",
            (*targets, head),
        )
        subjects.update(dict.fromkeys(sorted(row[0] for row in joined)))
        singles = self.db.execute(
            "SELECT DISTINCT position FROM view_timeline_singles "
            f"WHERE timeline IN ({marks}) AND position <= ?",
            (*targets, head),
        )
        return list(subjects), sorted(row[0] for row in singles)

    def timeline(self, ref: str) -> tuple[int, list[StoredTimelineEntry]] | None:
        """The log position read at and the ordered entries of the timeline of ``ref``; None when unsure."""
        head = self.head()
        if head is None:
            return None
        own = self._history(ref, head)
        if not own:
            return None  # unknown (or malformed): the full path says which
        members, singles = self._members(ref, head)
        entries = [*own, *self._at(singles)]
        on_post = ref.partition("/")[0] == "post"
        for subject in members[1:]:
            # A claim's repetition in another post belongs to that post's timeline only (``_belongs``).
            entries.extend(
                e for e in self._history(subject, head) if not on_post or e.repeated_in in (None, ref)
            )
        return head, ordered(entries)


def ordered(logged: Iterable[StoredTimelineEntry]) -> list[StoredTimelineEntry]:
    """The entries in timeline order, each once, corrections attached (as ``build_timeline`` does)."""
    unique = {e.position: e for e in logged}
    corrections: dict[tuple[str, int], list[StoredCorrection]] = {}
    for e in unique.values():
        if e.corrects is not None:
            corrected, reason = e.corrects
            note = StoredCorrection(e.version, e.position, reason, e.recorded_by)
            corrections.setdefault((e.subject, corrected), []).append(note)
    entries = []
    for e in unique.values():
        notes = corrections.get((e.subject, e.version))
        entries.append(replace(e, corrections=tuple(sorted(notes, key=lambda n: n.position))) if notes else e)
    entries.sort(key=lambda entry: entry.sort_key)
    return entries
