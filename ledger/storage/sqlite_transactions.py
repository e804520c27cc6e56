"""SQLite write transactions that take the write lock first (``BEGIN IMMEDIATE``).

eventsourcing begins its transactions deferred; a transaction that reads and
then writes must upgrade its lock, and in WAL mode that upgrade fails at once
whenever another process committed in between. Taking the lock first makes
concurrent writers queue for up to the busy timeout instead. Used by the
recorder (:mod:`ledger.storage.sqlite`), the views' batches and redaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from eventsourcing.persistence import OperationalError
from eventsourcing.sqlite import SQLiteCursor, SQLiteDatastore, SQLiteTransaction


class ImmediateTransaction(SQLiteTransaction):
    """eventsourcing's SQLite transaction, begun with the write lock taken."""

    def __enter__(self) -> SQLiteCursor:
        cursor = self.connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            cursor.sqlite_cursor.close()
            raise OperationalError(error) from error
        return cursor


@contextmanager
def write_transaction(datastore: SQLiteDatastore) -> Iterator[SQLiteCursor]:
    """A transaction holding SQLite's write lock from its first statement; commits unless it raises."""
    with (
        datastore.get_connection(commit=True) as connection,
        ImmediateTransaction(connection, commit=True) as cursor,
    ):
        try:
            yield cursor
        finally:
            cursor.sqlite_cursor.close()


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
        """A read transaction, or a write one holding the lock and skipping the wait for the disk."""
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
                with ImmediateTransaction(connection, commit=True) as cursor, cursor:
                    yield cursor
            finally:
                setting.execute(f"PRAGMA synchronous={int(durability)}")
