"""The SQLite recorder: eventsourcing's, plus record times and log reads.

Every write transaction takes SQLite's write lock up front (``BEGIN
IMMEDIATE``). eventsourcing begins them deferred, and a transaction that
reads (the last position) and then writes must upgrade its lock: in WAL mode
that upgrade fails at once, without waiting, whenever another process
committed in between. Taking the lock first makes concurrent writers queue
for up to the busy timeout instead.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification, StoredEvent
from eventsourcing.sqlite import (
    SQLiteApplicationRecorder,
    SQLiteCursor,
    SQLiteDatastore,
)

from domain.errors import InvalidError, UnreadableEntryError
from domain.instants import now_micros
from ledger.integrity.sqltree import Frontier, SQLTreeStore
from ledger.integrity.store import StoredCheckpoint
from ledger.storage.records import LeafRow, LogRecord, LogRecorder, chunked
from ledger.storage.seam import SQLITE_LOCK_SIGNS, StorageKind
from ledger.storage.sqlite_transactions import SQLiteViewWrites, write_transaction
from ledger.storage.tables import CHECKPOINTS_TABLE, EVENTS_TABLE, FORMAT, META_TABLE, NODES_TABLE
from projections.sql import SQLITE, Database

# The state is read as a BLOB whatever a writer stored it as, so its bytes are what is hashed.
_COLUMNS = "notification_id, originator_id, originator_version, topic, CAST(state AS BLOB), recorded_at"


SQLITE_KIND = StorageKind("sqlite", SQLITE, lock_signs=SQLITE_LOCK_SIGNS)
"""SQLite: its dialect, and how its lock errors read."""

TREE_TABLES = [
    f"CREATE TABLE IF NOT EXISTS {NODES_TABLE} ("
    "position INTEGER NOT NULL, level INTEGER NOT NULL, hash BLOB NOT NULL, "
    "PRIMARY KEY (position, level)) WITHOUT ROWID",
    f"CREATE TABLE IF NOT EXISTS {CHECKPOINTS_TABLE} ("
    "seq INTEGER PRIMARY KEY, size INTEGER NOT NULL, note TEXT NOT NULL, recorded_at INTEGER NOT NULL)",
]


class SQLiteLogRecorder(SQLiteApplicationRecorder, LogRecorder):
    """Stores the log in one SQLite table whose ``notification_id`` is the log position, and its tree."""

    kind = SQLITE_KIND

    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = EVENTS_TABLE):
        super().__init__(datastore, events_table_name)
        self.tree = SQLTreeStore(Database(datastore, SQLITE), is_lock_error=self.kind.is_lock_error)
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
        # The unique (originator_id, originator_version) index holds the position (the rowid): covering.
        self._select_last_positions = f"SELECT MAX(notification_id) FROM {table} GROUP BY originator_id"
        self._select_last = (
            f"SELECT notification_id, recorded_at FROM {table} ORDER BY notification_id DESC LIMIT 1"
        )
        self._select_exists = f"SELECT 1 FROM {table} WHERE originator_id=? LIMIT 1"
        self._select_events = (
            f"SELECT originator_id, originator_version, topic, state FROM {table} WHERE originator_id=?"
        )
        self._select_ids = f"SELECT originator_id FROM {table} WHERE originator_version=1"
        self._import_statement = (
            f"INSERT INTO {table} "
            "(notification_id, originator_id, originator_version, topic, state, recorded_at) "
            "VALUES (?,?,?,?,?,?)"
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
            f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            *TREE_TABLES,
        ]

    def create_table(self) -> None:
        # Opening a ledger whose tables all exist takes no write lock, so it never
        # waits behind (or times out on) another process's writes.
        tables = {_created_table(statement) for statement in self.create_table_statements}
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT name FROM sqlite_master WHERE type='table'")
            if tables <= {row[0] for row in c.fetchall()}:
                return
        with write_transaction(self.datastore) as c:
            self._create_table(c)

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        with write_transaction(self.datastore) as c:
            positions, frontier = self._append_events(c, stored_events, None, **kwargs)
        self.tree.committed(frontier)
        return positions

    def insert_event_chunks(self, chunks: Iterable[Sequence[StoredEvent]]) -> Sequence[int]:
        first = last = 0
        frontier: Frontier | None = None
        with write_transaction(self.datastore) as c:
            for chunk in chunks:
                positions, frontier = self._append_events(c, chunk, frontier)
                if positions:
                    first, last = first or positions[0], positions[-1]
        self.tree.committed(frontier)
        return range(first, last + 1) if first else range(0)

    def stream_ids(self) -> Iterator[UUID]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(self._select_ids)
            rows = c.fetchall()
        return (UUID(row[0]) for row in rows)

    def stream_exists(self, originator_id: UUID) -> bool:
        # One statement in autocommit mode: no transaction to begin and roll back around it.
        with self.datastore.get_connection(commit=False) as connection:
            cursor = connection.cursor().sqlite_cursor
            try:
                cursor.execute(self._select_exists, (originator_id.hex,))
                return cursor.fetchone() is not None
            finally:
                cursor.close()

    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        """A stream's events, as eventsourcing's recorder reads them, in one statement in autocommit
        mode (a consistent read by itself): no BEGIN and ROLLBACK around it, one command in two
        reads a stream."""
        statement = self._select_events
        params: list[Any] = [originator_id.hex if isinstance(originator_id, UUID) else originator_id]
        if gt is not None:
            statement += " AND originator_version>?"
            params.append(gt)
        if lte is not None:
            statement += " AND originator_version<=?"
            params.append(lte)
        statement += " ORDER BY originator_version DESC" if desc else " ORDER BY originator_version ASC"
        if limit is not None:
            statement += " LIMIT ?"
            params.append(limit)
        with self.datastore.get_connection(commit=False) as connection:
            cursor = connection.cursor().sqlite_cursor
            try:
                cursor.row_factory = None
                cursor.execute(statement, params)
                rows = cursor.fetchall()
            finally:
                cursor.close()
        convert = self.convert_originator_id
        return [
            StoredEvent(originator_id=convert(stream), originator_version=version, topic=topic, state=state)
            for stream, version, topic, state in rows
        ]

    def import_log(
        self, records: Iterable[LogRecord], *, origin: str, checkpoints: Iterable[StoredCheckpoint] = ()
    ) -> int:
        count = 0
        with write_transaction(self.datastore) as c:
            c.execute(self._select_last)
            last = c.fetchone()
            if last is not None:
                raise InvalidError(f"the ledger is not empty (head {last[0]})")
            c.execute(f"UPDATE {META_TABLE} SET value=? WHERE key='origin'", (origin,))
            for chunk in chunked(records):
                c.executemany(
                    self._import_statement,
                    [
                        (
                            r.position,
                            r.originator_id.hex,
                            r.originator_version,
                            r.topic,
                            r.state,
                            r.recorded_us,
                        )
                        for r in chunk
                    ],
                )
                # The tree grows chunk by chunk, reading the frontier the last chunk stored.
                self.tree.append_tree(c, chunk)
                count += len(chunk)
            self.tree.insert_checkpoints(c, checkpoints)
        return count

    def _create_table(self, c: SQLiteCursor) -> None:
        super()._create_table(c)
        # The origin names this log in signed checkpoints; it is made once.
        insert = f"INSERT OR IGNORE INTO {META_TABLE} VALUES (?, ?)"
        c.execute(insert, ("format", FORMAT))
        c.execute(insert, ("origin", f"provenance-ledger/{uuid.uuid4()}"))

    def _append_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], known: Frontier | None, **kwargs: Any
    ) -> tuple[list[int], Frontier | None]:
        """Insert the events after the log's last entry; their positions, and the tree's frontier
        after them (see :meth:`SQLTreeStore.append_tree`), to hand to the tree once committed."""
        c.execute(self._select_last)
        last = c.fetchone()
        last_position, last_recorded = (last[0], last[1]) if last else (0, 0)
        given: Sequence[int] | None = kwargs.get("recorded_us")
        if given is None:
            # Record time comes from the store and never goes backwards.
            stamps: Sequence[int] = [max(now_micros(), last_recorded)] * len(stored_events)
        else:
            stamps = given
        # Writers are serialised and new ids are max+1, so the new rows are dense.
        records = [
            LogRecord(position, _uuid(s.originator_id), s.originator_version, s.topic, s.state, stamp)
            for position, s, stamp in zip(
                range(last_position + 1, last_position + 1 + len(stored_events)),
                stored_events,
                stamps,
                strict=True,
            )
        ]
        c.executemany(
            self.insert_events_statement,
            [(r.originator_id.hex, r.originator_version, r.topic, r.state, r.recorded_us) for r in records],
        )
        # The Merkle tree grows in the same transaction: log and tree never disagree.
        frontier = self.tree.append_tree(c, records, head=(last_position, last_recorded), known=known)
        return [r.position for r in records], frontier

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

    def select_log_rows(self, after: int, limit: int, until: int | None = None) -> Sequence[LeafRow]:
        with self.datastore.transaction(commit=False) as c:
            c.sqlite_cursor.row_factory = None  # plain tuples: sqlite3.Row costs ~0.6 us more per row
            if until is None:
                c.execute(self._select_log, (after, limit))
            else:
                c.execute(self._select_log_until, (after, until, limit))
            rows = c.fetchall()
        # No UUID nor record object per row (verify reads every row): a row that is not plainly
        # well formed goes through _record, which reads it the same way or names what is wrong.
        fromhex, out = bytes.fromhex, []
        for row in rows:
            position, stream, version, topic, state, recorded_at = row
            if type(stream) is str and type(version) is type(recorded_at) is int and type(topic) is str:
                digits = stream.replace("-", "")
                try:
                    stream_bytes = fromhex(digits) if len(digits) == 32 else b""
                except ValueError:
                    stream_bytes = b""
                if len(stream_bytes) == 16:  # 32 hex digits, no blanks: what UUID() reads the same
                    out.append((position, stream_bytes, version, topic, state, recorded_at))
                    continue
            record = _record(row)
            out.append((position, record.originator_id.bytes, version, topic, record.state, recorded_at))
        return out

    def select_stream(self, originator_id: UUID, lte: int | None = None) -> Sequence[LogRecord]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(self._select_stream, (originator_id.hex, lte if lte is not None else 2**62))
            return [_record(row) for row in c.fetchall()]

    def select_last_positions(self) -> Iterable[int]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(self._select_last_positions)
            return [row[0] for row in c.fetchall()]

    def max_position(self) -> int:
        with self.datastore.transaction(commit=False) as c:
            c.execute(self._select_last)
            row = c.fetchone()
            return int(row[0]) if row else 0

    def get_meta(self, key: str) -> str | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT value FROM {META_TABLE} WHERE key=?", (key,))
            row = c.fetchone()
            return str(row[0]) if row else None

    def select_payloads(self, after: int, limit: int) -> list[tuple[int, str, bytes]]:
        # Catch-up needs no stream ids nor record times: read just the payloads.
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT notification_id, topic, state FROM {self.events_table_name} "
                "WHERE notification_id > ? ORDER BY notification_id LIMIT ?",
                (after, limit),
            )
            return [(position, topic, state) for position, topic, state in c.fetchall()]

    def views_database(self) -> Database:
        return Database(SQLiteViewWrites(self.datastore), SQLITE)


def _created_table(statement: str) -> str:
    match = re.match(r"CREATE TABLE IF NOT EXISTS (\w+)", statement)
    if match is None:
        raise ValueError(f"not a CREATE TABLE IF NOT EXISTS statement: {statement[:60]}")
    return match.group(1)


def _record(row: Any) -> LogRecord:
    """The record of a row; a row that is not one (written outside the ledger) is named by position."""
    position, stream, version, topic, state, recorded_at = row
    try:
        originator_id = UUID(stream)
    except (ValueError, TypeError, AttributeError):
        raise _unreadable(position, f"its stream id {_short(stream)} is not a UUID") from None
    for name, value, kind in (
        ("version", version, int),
        ("topic", topic, str),
        ("record time", recorded_at, int),
    ):
        if not isinstance(value, kind):
            raise _unreadable(position, f"its {name} {_short(value)} is not {kind.__name__}")
    return LogRecord(position, originator_id, version, topic, bytes(state), recorded_at)


def _unreadable(position: Any, why: str) -> UnreadableEntryError:
    return UnreadableEntryError(
        f"position {position}: the stored entry cannot be read ({why})",
        position=position if isinstance(position, int) else None,
    )


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _uuid(originator_id: object) -> UUID:
    """A stored event's stream id as a UUID (it is one already, from the ledger's mapper)."""
    return originator_id if type(originator_id) is UUID else UUID(str(originator_id))
