"""Reading a SQLite ledger's stored rows with ``sqlite3`` alone, for the commands that start light.

``ledger timeline`` and ``ledger log`` print from the stored JSON (see
:mod:`projections.stored_timeline`) when they can, without importing the
ledger, eventsourcing, pydantic or the domain's models; the ledger answers
whenever they cannot, and its errors are the ones shown.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cli.options import settings
from ledger.storage.backends import backend_for, resolve_url
from projections.stored_timeline import UnsureError

UNSURE = (UnsureError, ValueError, KeyError, TypeError)
"""What reading stored JSON raises when it is not what the light path expects: the ledger answers."""


def stored_ledger(db: str | None = None) -> sqlite3.Connection | None:
    """A connection to the SQLite ledger at ``db`` (else where the global options say), or None when the
    ledger must open it: PostgreSQL, in memory, or a read-only file (the ledger says so on stderr).

    The file is checked as opening the ledger checks it, so a missing file or one that is not a
    ledger fails with the same error either way; the connection never creates a file.
    """
    url = resolve_url(db if db is not None else settings().db)
    if url in {":memory:", "sqlite:///:memory:"} or ("://" in url and not url.startswith("sqlite:///")):
        return None
    backend = backend_for(url, create=False)
    if backend.read_only or backend.path is None:
        return None
    try:
        return sqlite3.connect(
            Path(backend.path).resolve().as_uri() + "?mode=rw", uri=True, isolation_level=None
        )
    except sqlite3.Error:
        return None
