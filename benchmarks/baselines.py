"""What users would otherwise use, fed the same payloads as the ledger.

- :class:`BareApplication`: a plain eventsourcing ``Application`` (its own
  mapper, JSON transcoder and SQLite recorder) whose aggregates record one
  event per ledger entry, carrying the entry's payload unchanged. It neither
  validates nor checks references: the cost of the library alone.
- :class:`RawTable`: plain ``sqlite3`` writing and reading the ledger's own
  serialized rows into a table of the same shape: the physical limit of
  this storage.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from benchmarks.measure import Stopwatch
from ledger.storage.tables import EVENTS_TABLE

#: Columns of a ledger row, in the order the ledger stores them.
ROW_COLUMNS = "originator_id, originator_version, topic, state, recorded_at"

Row = tuple[str, int, str, bytes, int]
"""A ledger row: stream id (hex), version, topic, stored payload, record time."""


class BareSubject(Aggregate):
    """Any subject as a bare eventsourcing aggregate: each entry is one event with its payload."""

    @event("Recorded")
    def __init__(self, type: str, payload: dict[str, Any]) -> None:
        self.type = type
        self.payload = payload
        self.entries = 1

    @event("Changed")
    def change(self, type: str, payload: dict[str, Any]) -> None:
        """Record one more entry."""
        self.payload = payload
        self.entries += 1


class BareApplication(Application[UUID]):
    """A plain eventsourcing application on its own SQLite file."""

    name = "BareBaseline"
    env: ClassVar[dict[str, str]] = {}

    @classmethod
    def at(cls, path: Path) -> BareApplication:
        """The application storing its events in the SQLite file ``path``."""
        return cls(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)})


@dataclass(frozen=True, slots=True)
class Entry:
    """One ledger entry as the bare baseline records it."""

    originator_id: UUID
    version: int
    type: str
    payload: dict[str, Any]


def entry_of(row: Row) -> Entry:
    """The bare baseline's entry for a ledger row: the same payload, without the ids it carries."""
    payload = json.loads(row[3])
    del payload["originator_id"], payload["originator_version"]
    return Entry(UUID(row[0]), row[1], row[2].split(".")[1], payload)


def save_entries(app: BareApplication, entries: Sequence[Entry]) -> None:
    """Record ``entries`` in one transaction, loading the aggregates they change, as an app would."""
    changed: dict[UUID, BareSubject] = {}
    for entry in entries:
        if entry.version == 1:
            changed[entry.originator_id] = BareSubject._create(
                BareSubject.Recorded,  # type: ignore[attr-defined]  # made by @event
                id=entry.originator_id,
                type=entry.type,
                payload=entry.payload,
            )
            continue
        subject = changed.get(entry.originator_id)
        if subject is None:
            subject = changed[entry.originator_id] = app.repository.get(entry.originator_id)
        subject.change(type=entry.type, payload=entry.payload)
    app.save(*changed.values())


def read_notifications(app: BareApplication, batch: int = 500) -> int:
    """Read and decode the whole notification log with eventsourcing alone; the number of events."""
    recorder = app.recorder
    mapper = app.mapper
    count = 0
    start = 1
    while True:
        notifications = recorder.select_notifications(start=start, limit=batch)
        for notification in notifications:
            mapper.to_domain_event(notification)
        count += len(notifications)
        if len(notifications) < batch:
            return count
        start = notifications[-1].id + 1


def replay_aggregates(app: BareApplication, batch: int = 500) -> int:
    """Read the notification log and apply every event to its aggregate, all kept; the number of events."""
    recorder = app.recorder
    mapper = app.mapper
    aggregates: dict[Any, Any] = {}
    count = 0
    start = 1
    while True:
        notifications = recorder.select_notifications(start=start, limit=batch)
        for notification in notifications:
            domain_event = mapper.to_domain_event(notification)
            key = domain_event.originator_id
            aggregates[key] = domain_event.mutate(aggregates.get(key))  # type: ignore[attr-defined]
        count += len(notifications)
        if len(notifications) < batch:
            return count
        start = notifications[-1].id + 1


def ledger_rows(path: Path, counts: Iterable[int], after: int = 0) -> Iterator[list[Row]]:
    """The rows of the ledger at ``path`` after position ``after``, in log order, in groups of ``counts``."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cursor = connection.execute(
            f"SELECT {ROW_COLUMNS} FROM {EVENTS_TABLE} WHERE rowid>? ORDER BY rowid", (after,)
        )
        for count in counts:
            rows = cursor.fetchmany(count)
            if not rows:
                return
            yield rows
    finally:
        connection.close()


def record_bare(source: Path, counts: Iterable[int], target: Path, watch: Stopwatch) -> int:
    """Record the ledger's entries at ``source`` in a bare application at ``target``, one
    transaction per group of ``counts``; only the saving is timed. The number of events."""
    app = BareApplication.at(target)
    events = 0
    try:
        for rows in ledger_rows(source, counts):
            entries = [entry_of(row) for row in rows]
            with watch:
                save_entries(app, entries)
            events += len(rows)
    finally:
        app.close()
    return events


def record_raw(source: Path, counts: Iterable[int], target: Path, watch: Stopwatch) -> int:
    """Insert the ledger's rows at ``source`` into a new table at ``target`` with executemany,
    one transaction per group of ``counts``; only the inserting is timed. The number of rows."""
    table = RawTable(target)
    events = 0
    try:
        for rows in ledger_rows(source, counts):
            with watch:
                table.insert(rows)
            events += len(rows)
    finally:
        table.close()
    return events


class RawTable:
    """Plain sqlite3 on a table shaped like the ledger's, in WAL mode as eventsourcing sets it.

    Opened on a copy of a ledger file, it writes into the ledger's own table.
    """

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute(
            f"CREATE TABLE IF NOT EXISTS {EVENTS_TABLE} (notification_id INTEGER PRIMARY KEY, "
            "originator_id TEXT NOT NULL, originator_version INTEGER NOT NULL, topic TEXT NOT NULL, "
            "state BLOB NOT NULL, recorded_at INTEGER NOT NULL, UNIQUE (originator_id, originator_version))"
        )
        self._insert = f"INSERT INTO {EVENTS_TABLE} ({ROW_COLUMNS}) VALUES (?,?,?,?,?)"

    def insert(self, rows: Sequence[Row]) -> None:
        """Insert ``rows`` in one transaction."""
        self.connection.execute("BEGIN")
        self.connection.executemany(self._insert, rows)
        self.connection.execute("COMMIT")

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


def read_rows(path: Path) -> int:
    """Read every row of the log at ``path`` with plain sqlite3, undecoded; the number of rows."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        count = 0
        for _row in connection.execute(f"SELECT rowid, {ROW_COLUMNS} FROM {EVENTS_TABLE} ORDER BY rowid"):
            count += 1
        return count
    finally:
        connection.close()
