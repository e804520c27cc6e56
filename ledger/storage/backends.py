"""Where a ledger lives: reading ledger URLs into eventsourcing configuration.

A ledger URL is ``sqlite:///relative/file.db`` or
``sqlite:////absolute/file.db`` (SQLAlchemy's convention), a plain file path,
``:memory:``, or ``postgresql://USER:PASSWORD@HOST:PORT/DBNAME?schema=NAME``
(libpq's URL; each ledger lives in a schema of its own, ``public`` unless
named). Without one, ``LEDGER_URL`` is read, then ``./ledger.db``.
The backend is chosen by eventsourcing's ``PERSISTENCE_MODULE`` setting,
never by an import in the application.
"""

from __future__ import annotations

import getpass
import os
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from domain.errors import InvalidError, ReadOnlyError, StorageError
from ledger.storage.sqlite_files import check_ledger_file, is_read_only, read_only_uri

DEFAULT_URL = "ledger.db"
URL_VARIABLE = "LEDGER_URL"

#: Seconds an SQLite writer waits for another's write lock before reporting a conflict.
SQLITE_BUSY_TIMEOUT = 10

#: eventsourcing's PostgreSQL settings a ledger chooses unless the environment sets them.
POSTGRES_DEFAULTS = {
    "POSTGRES_POOL_SIZE": "1",  # a Ledger is used by one thread at a time
    "POSTGRES_MAX_OVERFLOW": "4",
    "POSTGRES_CONNECT_TIMEOUT": "10",
    "POSTGRES_LOCK_TIMEOUT": "2",  # seconds per attempt (eventsourcing tries 10 times)
}

_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


@dataclass(frozen=True)
class Backend:
    """A resolved ledger location and the eventsourcing settings that open it."""

    url: str
    env: dict[str, str]
    path: Path | None = None
    """The SQLite file, for a file-based ledger."""
    read_only: bool = False
    """The store can be read but not written (a read-only file or file system): no views are kept."""


def default_user() -> str:
    """Who records, when not said: ``LEDGER_USER``, else the OS user."""
    user = os.environ.get("LEDGER_USER")
    if user:
        return user
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def resolve_url(url: str | os.PathLike[str] | None) -> str:
    """The URL to open: the one given, else ``LEDGER_URL``, else ``./ledger.db``."""
    if url is None:
        return os.environ.get(URL_VARIABLE) or DEFAULT_URL
    return os.fspath(url)


KEPT_STATES = "AGGREGATE_CACHE_MAXSIZE"
"""eventsourcing's setting of how many subjects' states a ledger keeps between commands."""
_SWITCHES = (
    "AGGREGATE_CACHE_FASTFORWARD",
    "AGGREGATE_CACHE_FASTFORWARD_SKIPPING",
    "DEEPCOPY_FROM_AGGREGATE_CACHE",
)
# eventsourcing.utils.strtobool's words, spelled here: the CLI's light read path opens ledgers
# without loading eventsourcing.
_YES_NO = {"y", "yes", "t", "true", "on", "1", "n", "no", "f", "false", "off", "0"}


def check_settings(environ: Mapping[str, str] | None = None) -> None:
    """Refuse (:class:`InvalidError`) an eventsourcing setting in the environment that opening a
    ledger would fail on, before anything is opened or created: eventsourcing reads these after
    making the store's tables, and fails with a bare ``ValueError``.

    ``AGGREGATE_CACHE_MAXSIZE`` must be a whole number, 1 or more (eventsourcing takes 0 or less
    as "keep every state", memory without bound); the cache's switches must be yes or no.
    """
    environ = os.environ if environ is None else environ
    text = environ.get(KEPT_STATES)
    if text:
        try:
            size = int(text)  # as eventsourcing reads it ("²" is a digit to isdigit, not to int)
        except ValueError:
            size = 0
        if size < 1:
            raise InvalidError(
                f"{KEPT_STATES} must be a whole number of states, 1 or more (memory stays bounded), "
                f"not {text[:40]!r}",
                field=KEPT_STATES,
            )
    for key in _SWITCHES:
        text = environ.get(key)
        if text and text.lower() not in _YES_NO:
            raise InvalidError(f"{key} must be y or n, not {text[:40]!r}", field=key)


def backend_for(url: str | os.PathLike[str] | None, *, create: bool = True) -> Backend:
    """Resolve ``url`` and check that it can be opened as a ledger (and the environment's
    eventsourcing settings, see :func:`check_settings`)."""
    check_settings()
    text = resolve_url(url)
    if text in {":memory:", "sqlite:///:memory:"}:
        name = f"file:ledger-{uuid.uuid4().hex}?mode=memory&cache=shared"
        return Backend(url=":memory:", env=_sqlite_env(name))
    if text.startswith(("postgres://", "postgresql://")):
        return _postgres_backend(text, create=create)
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
    check_ledger_file(path, create=create)
    if path.exists() and is_read_only(path):
        if create:
            raise ReadOnlyError(
                f"cannot write to ledger {path}: it is read-only (a read-only file or file system); "
                "reading commands still work"
            )
        env = {**_sqlite_env(read_only_uri(path)), "CREATE_TABLE": "n"}
        return Backend(url=f"sqlite:///{path}", env=env, path=path, read_only=True)
    return Backend(url=f"sqlite:///{path}", env=_sqlite_env(str(path)), path=path)


def _sqlite_env(db_name: str) -> dict[str, str]:
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": db_name,
        "SQLITE_LOCK_TIMEOUT": os.environ.get("SQLITE_LOCK_TIMEOUT") or str(SQLITE_BUSY_TIMEOUT),
        "APPLICATION_RECORDER_TOPIC": "ledger.storage.sqlite:SQLiteLogRecorder",
        "CREATE_TABLE": "y",
    }


@dataclass(frozen=True)
class PostgresSettings:
    """Where a PostgreSQL ledger lives: server, database, credentials and schema."""

    host: str
    port: int
    dbname: str
    user: str
    password: str
    schema: str

    @property
    def display(self) -> str:
        """The URL with the password hidden, for messages."""
        secret = ":***" if self.password else ""
        return (
            f"postgresql://{quote(self.user, safe='')}{secret}@{quote(self.host, safe='')}:{self.port}"
            f"/{quote(self.dbname, safe='')}?schema={self.schema}"
        )

    def env(self) -> dict[str, str]:
        """eventsourcing's settings (``PERSISTENCE_MODULE=eventsourcing.postgres`` and its keys)."""
        tuning = {key: os.environ.get(key) or value for key, value in POSTGRES_DEFAULTS.items()}
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "APPLICATION_RECORDER_TOPIC": "ledger.storage.postgres:PostgresLogRecorder",
            "CREATE_TABLE": "y",
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_DBNAME": self.dbname,
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_SCHEMA": self.schema,
            **tuning,
        }


def parse_postgres_url(url: str) -> PostgresSettings:
    """Read ``postgresql://USER:PASSWORD@HOST:PORT/DBNAME?schema=NAME``; libpq's defaults fill gaps.

    >>> settings = parse_postgres_url("postgresql://ann:s%40cret@db.example:6432/news?schema=desk")
    >>> settings.password, settings.schema
    ('s@cret', 'desk')
    >>> settings.display
    'postgresql://ann:***@db.example:6432/news?schema=desk'
    """
    shown = _redact(url)
    try:
        parts = urlsplit(url)
    except ValueError as error:  # a malformed IPv6 host, say
        raise StorageError(f"malformed URL {shown}: {error}") from None
    try:
        port = parts.port or int(os.environ.get("PGPORT") or 5432)
    except ValueError:
        raise StorageError(f"malformed URL {shown}: the port is not a number") from None
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - {"schema"})
    if unknown or parts.fragment:
        raise StorageError(
            f"malformed URL {shown}: unknown parameter {(unknown or ['#'])[0]!r} (only schema=NAME)"
        )
    schema = query.get("schema", ["public"])[-1]
    if not _SCHEMA_NAME.fullmatch(schema):
        raise StorageError(
            f"malformed URL {shown}: schema {schema!r} must be lowercase letters, digits and _ "
            "(at most 63, not starting with a digit)"
        )
    user = unquote(parts.username or "") or os.environ.get("PGUSER") or getpass.getuser()
    password = os.environ.get("PGPASSWORD", "") if parts.password is None else unquote(parts.password)
    host = unquote(parts.hostname or "") or os.environ.get("PGHOST") or "localhost"
    dbname = unquote(parts.path.lstrip("/")) or os.environ.get("PGDATABASE") or user
    return PostgresSettings(host=host, port=port, dbname=dbname, user=user, password=password, schema=schema)


def _postgres_backend(url: str, *, create: bool) -> Backend:
    settings = parse_postgres_url(url)
    try:
        from ledger.storage.postgres import check_ledger_schema  # noqa: PLC0415  (psycopg is optional)
    except ImportError:
        raise StorageError(
            f"cannot open {settings.display}: the PostgreSQL driver is not installed "
            "(pip install 'provenance-ledger[postgres]')"
        ) from None
    check_ledger_schema(settings, create=create)
    return Backend(url=settings.display, env=settings.env())


def _redact(url: str) -> str:
    scheme, _, rest = url.partition("://")
    if "@" in rest:
        credentials, _, host = rest.rpartition("@")
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url
