"""SQLite files: whether a path holds a ledger, and how to read one that cannot be written.

:func:`check_ledger_file` is the SQLite backend's schema check, run once when
a ledger URL is opened (:func:`ledger.storage.backends.backend_for`); the
PostgreSQL one is :func:`ledger.storage.postgres.check_ledger_schema`.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from domain.errors import StorageError
from ledger.storage.tables import EVENTS_TABLE, FORMAT, META_TABLE


def check_ledger_file(path: Path, *, create: bool) -> None:
    """Check ``path`` is a ledger of this format, or absent (if ``create``); else :class:`StorageError`.

    Only ``create`` accepts a missing path or an empty file (0 bytes, or an
    SQLite database holding nothing). The file is only read (``mode=ro``, or
    ``immutable=1`` on a read-only store): a refused file is left byte for
    byte as it was.
    """
    if path.is_dir():
        raise StorageError(f"cannot open ledger {path}: it is a directory")
    if not path.exists():
        if not create:
            raise StorageError(f"no ledger at {path}")
        if not path.parent.is_dir():
            raise StorageError(f"cannot create ledger {path}: directory {path.parent} does not exist")
        return
    try:
        size = path.stat().st_size
    except OSError as error:
        raise StorageError(f"cannot open ledger {path}: {error.strerror}") from None
    if size == 0:
        if not create:
            raise StorageError(f"{path} is an empty file, not a ledger (`ledger init` makes one there)")
        return
    _check_schema(path, create=create)


def _check_schema(path: Path, *, create: bool) -> None:
    try:
        # As a URI, quoted: unquoted, '#', '?' and '%' in the file name would name another file.
        uri = read_only_uri(path) if is_read_only(path) else f"{path.resolve().as_uri()}?mode=ro"
        connection = sqlite3.connect(uri, uri=True)
        try:
            # Every kind of object counts: a file holding only a view is not an empty database.
            objects = dict(connection.execute("SELECT name, type FROM sqlite_master").fetchall())
            tables = {name for name, kind in objects.items() if kind == "table"}
            if objects and META_TABLE not in tables:
                raise StorageError(f"{path} is not a ledger: it is an SQLite database of something else")
            if not objects and not create:
                raise StorageError(
                    f"{path} is an empty SQLite database, not a ledger (`ledger init` makes one)"
                )
            if META_TABLE in tables:
                row = connection.execute(f"SELECT value FROM {META_TABLE} WHERE key='format'").fetchone()
                if row is None or row[0] != FORMAT or EVENTS_TABLE not in tables:
                    raise StorageError(f"{path} is not a ledger of format {FORMAT}")
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        from ledger.storage.damage import opening_error  # noqa: PLC0415  (damage imports the seam)

        raise opening_error(error, str(path)) from None


def is_read_only(path: Path) -> bool:
    """True when the file, or its folder (where SQLite keeps its journal), cannot be written.

    ``os.access`` reports a read-only file system even to root.
    """
    return not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)


def read_only_uri(path: Path) -> str:
    """An SQLite URI reading ``path`` without writing anything, not even a lock or a journal.

    ``immutable=1`` when the file holds everything; when a write-ahead log
    beside it still holds entries, ``mode=ro``, which reads it (SQLite needs
    its ``-shm`` file there too).
    """
    uri = path.resolve().as_uri()
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        if not Path(f"{path}-shm").exists():
            raise StorageError(
                f"cannot read ledger {path}: it is read-only and its write-ahead log {wal.name} "
                f"cannot be read without {path.name}-shm; copy all three to a writable folder"
            )
        return f"{uri}?mode=ro"
    return f"{uri}?immutable=1"
