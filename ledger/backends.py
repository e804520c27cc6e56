"""Where a ledger lives: reading ledger URLs into eventsourcing configuration.

A ledger URL is ``sqlite:///relative/file.db`` or
``sqlite:////absolute/file.db`` (SQLAlchemy's convention), a plain file path,
or ``:memory:``. Without one, ``LEDGER_URL`` is read, then ``./ledger.db``.
The backend is chosen by eventsourcing's ``PERSISTENCE_MODULE`` setting,
never by an import in the application.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from domain.errors import StorageError
from ledger.records import EVENTS_TABLE, FORMAT

DEFAULT_URL = "ledger.db"
URL_VARIABLE = "LEDGER_URL"


@dataclass(frozen=True)
class Backend:
    """A resolved ledger location and the eventsourcing settings that open it."""

    url: str
    env: dict[str, str]
    path: Path | None = None
    """The SQLite file, for a file-based ledger."""


def resolve_url(url: str | os.PathLike[str] | None) -> str:
    """The URL to open: the one given, else ``LEDGER_URL``, else ``./ledger.db``."""
    if url is None:
        return os.environ.get(URL_VARIABLE) or DEFAULT_URL
    return os.fspath(url)


def backend_for(url: str | os.PathLike[str] | None, *, create: bool = True) -> Backend:
    """Resolve ``url`` and check that it can be opened as a ledger."""
    text = resolve_url(url)
    if text in {":memory:", "sqlite:///:memory:"}:
        name = f"file:ledger-{uuid.uuid4().hex}?mode=memory&cache=shared"
        return Backend(url=":memory:", env=_sqlite_env(name))
    if text.startswith(("postgres://", "postgresql://")):
        raise StorageError(f"cannot open {_redact(text)}: the PostgreSQL backend is not installed")
    if "://" in text and not text.startswith("sqlite://"):
        scheme = text.split("://", 1)[0]
        raise StorageError(
            f"cannot open {text!r}: unknown scheme {scheme!r} (use sqlite:///PATH, a file path, or :memory:)"
        )
    if text.startswith("sqlite://"):
        if not text.startswith("sqlite:///"):
            raise StorageError(f"malformed URL {text!r}: expected sqlite:///PATH")
        # As in SQLAlchemy: sqlite:///relative.db and sqlite:////absolute/path.db
        path = Path(unquote(text.removeprefix("sqlite:///")))
    else:
        path = Path(text)
    _check_sqlite_file(path, create=create)
    return Backend(url=f"sqlite:///{path}", env=_sqlite_env(str(path)), path=path)


def _sqlite_env(db_name: str) -> dict[str, str]:
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": db_name,
        "APPLICATION_RECORDER_TOPIC": "ledger.sqlite:SQLiteLogRecorder",
        "CREATE_TABLE": "y",
    }


def _check_sqlite_file(path: Path, *, create: bool) -> None:
    if path.is_dir():
        raise StorageError(f"cannot open ledger {path}: it is a directory")
    if not path.exists():
        if not create:
            raise StorageError(f"no ledger at {path}")
        if not path.parent.is_dir():
            raise StorageError(f"cannot create ledger {path}: directory {path.parent} does not exist")
        return
    try:
        # As a URI, quoted: unquoted, '#', '?' and '%' in the file name would name another file.
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {
                row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if tables and "ledger_meta" not in tables:
                raise StorageError(f"{path} is not a ledger: it is an SQLite database of something else")
            if "ledger_meta" in tables:
                row = connection.execute("SELECT value FROM ledger_meta WHERE key='format'").fetchone()
                if row is None or row[0] != FORMAT or EVENTS_TABLE not in tables:
                    raise StorageError(f"{path} is not a ledger of format {FORMAT}")
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise StorageError(f"cannot open ledger {path}: {error}") from None


def _redact(url: str) -> str:
    scheme, _, rest = url.partition("://")
    if "@" in rest:
        credentials, _, host = rest.rpartition("@")
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url
