"""Where the ledger's views live: in its own database, reached through its eventsourcing datastore.

SQLite: the views' write transactions take the write lock first and skip
waiting for the disk (see :class:`SQLiteViewWrites`). PostgreSQL: the views
live in the ledger's schema. :class:`LedgerLog` is what the views read.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import orjson
from eventsourcing.sqlite import SQLiteCursor, SQLiteDatastore, SQLiteTransaction

from domain.errors import StorageError
from ledger import progress
from ledger.mapper import PydanticMapper
from ledger.storage.records import LogRecorder
from ledger.storage.sqlite import SQLiteLogRecorder
from projections.runner import Projections
from projections.sql import POSTGRESQL, SQLITE, Database
from projections.stored_rows import RawEntry


def open_views(recorder: LogRecorder, mapper: PydanticMapper, url: str) -> Projections:
    """The views of the ledger whose log ``recorder`` keeps (stored as ``mapper`` encodes them)."""
    return Projections(views_database(recorder, url), LedgerLog(recorder, mapper))


def views_database(recorder: LogRecorder, url: str) -> Database:
    """The views' access to the database the log is in: SQLite, or PostgreSQL in the ledger's schema."""
    datastore = getattr(recorder, "datastore", None)
    if isinstance(datastore, SQLiteDatastore):
        return Database(SQLiteViewWrites(datastore), SQLITE)
    if datastore is not None and type(datastore).__name__ == "PostgresDatastore":
        # eventsourcing's PostgreSQL datastore (psycopg is an optional extra, so not imported here).
        return Database(datastore, POSTGRESQL, schema=str(datastore.schema))
    raise StorageError(f"the views are not available on {url}")


class SQLiteViewWrites:
    """The ledger's SQLite datastore, with the views' write transactions tuned for derived data.

    They take the write lock first (``BEGIN IMMEDIATE``): a batch reads
    before it writes and, begun deferred, would fail at once in WAL mode when
    another process wrote in between, instead of waiting its turn. And they
    commit without waiting for the disk (``synchronous=NORMAL``, for that
    transaction only): a power cut may undo the last batches of a view, never
    half of one (rows and position commit together), and catch-up redoes
    them from the log, which keeps its own full durability.
    """

    def __init__(self, datastore: SQLiteDatastore) -> None:
        self._datastore = datastore

    def transaction(self, *, commit: bool) -> AbstractContextManager[Any]:
        if not commit:
            return self._datastore.transaction(commit=False)
        return self._write()

    @contextmanager
    def _write(self) -> Iterator[SQLiteCursor]:
        with self._datastore.get_connection(commit=True) as connection:
            setting = connection.cursor()
            setting.execute("PRAGMA synchronous")
            (durability,) = setting.fetchone()
            setting.execute("PRAGMA synchronous=NORMAL")
            try:
                with _Immediate(connection, commit=True) as cursor, cursor:
                    yield cursor
            finally:
                setting.execute(f"PRAGMA synchronous={int(durability)}")


class _Immediate(SQLiteTransaction):
    def __enter__(self) -> SQLiteCursor:
        cursor = self.connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        return cursor


class LedgerLog:
    """The ledger's log as the views read it."""

    def __init__(self, recorder: LogRecorder, mapper: PydanticMapper) -> None:
        self._recorder = recorder
        self._mapper = mapper

    def head(self) -> int:
        return self._recorder.max_position()

    def read(self, after: int, limit: int) -> list[RawEntry]:
        recorder, mapper = self._recorder, self._mapper
        if progress.active():
            progress.advance("building the views", after, self.head())
        if isinstance(recorder, SQLiteLogRecorder):
            datastore = recorder.datastore
            # Catch-up needs no stream ids nor record times: read just the payloads. In the
            # SQLite log the position is the notification_id (ledger.storage.sqlite).
            with datastore.transaction(commit=False) as cursor:
                cursor.execute(
                    f"SELECT notification_id, topic, state FROM {recorder.events_table_name} "
                    "WHERE notification_id > ? ORDER BY notification_id LIMIT ?",
                    (after, limit),
                )
                rows = [(position, topic, state) for position, topic, state in cursor.fetchall()]
        else:
            rows = [(r.position, r.topic, r.state) for r in recorder.select_log(after, limit)]
        entries = []
        for position, topic, stored in rows:
            state = mapper.cipher.decrypt(stored) if mapper.cipher else stored
            if mapper.compressor:
                state = mapper.compressor.decompress(state)
            entries.append(RawEntry.of(position, topic, orjson.loads(state)))
        if entries and progress.active():
            progress.advance("building the views", entries[-1].position, self.head())
        return entries
