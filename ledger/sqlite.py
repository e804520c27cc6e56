"""The SQLite recorder: eventsourcing's, plus record times and log reads."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification, StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore

from ledger.integrity.sqlite import TREE_TABLES, SQLiteTreeRecorder
from ledger.records import EVENTS_TABLE, FORMAT, LogRecord, LogRecorder, now_micros

# The state is read as a BLOB whatever a writer stored it as, so its bytes are what is hashed.
_COLUMNS = "notification_id, originator_id, originator_version, topic, CAST(state AS BLOB), recorded_at"


class SQLiteLogRecorder(SQLiteApplicationRecorder, LogRecorder, SQLiteTreeRecorder):
    """Stores the log in one SQLite table whose ``notification_id`` is the log position, and its tree."""

    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = EVENTS_TABLE):
        super().__init__(datastore, events_table_name)
        table = self.events_table_name
        self.insert_events_statement = (
            f"INSERT INTO {table} "
            "(originator_id, originator_version, topic, state, recorded_at) VALUES (?,?,?,?,?)"
        )
        self._select_log = (
            f"SELECT {_COLUMNS} FROM {table} WHERE notification_id>? ORDER BY notification_id LIMIT ?"
        )
        self._select_log_until = (
            f"SELECT {_COLUMNS} FROM {table} WHERE notification_id>? AND notification_id<=? "
            "ORDER BY notification_id LIMIT ?"
        )
        self._select_stream = (
            f"SELECT {_COLUMNS} FROM {table} WHERE originator_id=? "
            "AND originator_version<=? ORDER BY originator_version"
        )
        self._select_last = (
            f"SELECT notification_id, recorded_at FROM {table} ORDER BY notification_id DESC LIMIT 1"
        )

    def construct_create_table_statements(self) -> list[str]:
        return [
            # The position is declared INTEGER PRIMARY KEY (an alias of the
            # rowid) because only such a column is guaranteed to keep its
            # values through VACUUM: positions are what proofs and views name.
            f"CREATE TABLE IF NOT EXISTS {self.events_table_name} ("
            "notification_id INTEGER PRIMARY KEY, "
            "originator_id TEXT NOT NULL, "
            "originator_version INTEGER NOT NULL, "
            "topic TEXT NOT NULL, "
            "state BLOB NOT NULL, "
            "recorded_at INTEGER NOT NULL, "
            "UNIQUE (originator_id, originator_version))",
            "CREATE TABLE IF NOT EXISTS ledger_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            *TREE_TABLES,
        ]

    def _create_table(self, c: SQLiteCursor) -> None:
        super()._create_table(c)
        # The origin names this log in signed checkpoints; it is made once.
        insert = "INSERT OR IGNORE INTO ledger_meta VALUES (?, ?)"
        c.execute(insert, ("format", FORMAT))
        c.execute(insert, ("origin", f"provenance-ledger/{uuid.uuid4()}"))

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        c.execute(self._select_last)
        last = c.fetchone()
        last_position, last_recorded = (last[0], last[1]) if last else (0, 0)
        given: Sequence[int] | None = kwargs.get("recorded_at")
        if given is None:
            # Record time comes from the store and never goes backwards.
            stamps: Sequence[int] = [max(now_micros(), last_recorded)] * len(stored_events)
        else:
            stamps = given
        # Writers are serialised and new ids are max+1, so the new rows are dense.
        records = [
            LogRecord(position, UUID(str(s.originator_id)), s.originator_version, s.topic, s.state, stamp)
            for position, s, stamp in zip(
                range(last_position + 1, last_position + 1 + len(stored_events)),
                stored_events,
                stamps,
                strict=True,
            )
        ]
        c.executemany(
            self.insert_events_statement,
            [(r.originator_id.hex, r.originator_version, r.topic, r.state, r.recorded_at) for r in records],
        )
        # The Merkle tree grows in the same transaction: log and tree never disagree.
        self.append_tree(c, records)
        return [r.position for r in records]

    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> Sequence[Notification]:
        """Event notifications from ``start`` (see eventsourcing's ApplicationRecorder)."""
        # eventsourcing reads the position as a column named "rowid", which an
        # INTEGER PRIMARY KEY renames; this is its query with the column named.
        clauses: list[str] = []
        params: list[Any] = []
        if start is not None:
            clauses.append("notification_id>=?" if inclusive_of_start else "notification_id>?")
            params.append(start)
        if stop is not None:
            clauses.append("notification_id<=?")
            params.append(stop)
        if topics:
            clauses.append(f"topic IN ({','.join('?' * len(topics))})")
            params.extend(topics)
        where = f"WHERE {' AND '.join(clauses)} " if clauses else ""
        statement = f"SELECT {_COLUMNS} FROM {self.events_table_name} {where}ORDER BY notification_id LIMIT ?"
        with self.datastore.transaction(commit=False) as c:
            c.execute(statement, [*params, limit])
            return [
                Notification(
                    id=row[0],
                    originator_id=self.convert_originator_id(row[1]),
                    originator_version=row[2],
                    topic=row[3],
                    state=row[4],
                )
                for row in c.fetchall()
            ]

    def select_log(self, after: int, limit: int, until: int | None = None) -> Sequence[LogRecord]:
        with self.datastore.transaction(commit=False) as c:
            if until is None:
                c.execute(self._select_log, (after, limit))
            else:
                c.execute(self._select_log_until, (after, until, limit))
            return [_record(row) for row in c.fetchall()]

    def select_stream(self, originator_id: UUID, lte: int | None = None) -> Sequence[LogRecord]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(self._select_stream, (originator_id.hex, lte if lte is not None else 2**62))
            return [_record(row) for row in c.fetchall()]

    def max_position(self) -> int:
        with self.datastore.transaction(commit=False) as c:
            c.execute(self._select_last)
            row = c.fetchone()
            return int(row[0]) if row else 0

    def get_meta(self, key: str) -> str | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT value FROM ledger_meta WHERE key=?", (key,))
            row = c.fetchone()
            return str(row[0]) if row else None


def _record(row: Any) -> LogRecord:
    return LogRecord(
        position=row[0],
        originator_id=UUID(row[1]),
        originator_version=row[2],
        topic=row[3],
        state=bytes(row[4]),
        recorded_at=row[5],
    )
