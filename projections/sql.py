"""How the views reach the ledger's database: transactions, a dialect, plain rows.

The views live in the same database as the log, and are written through
the same eventsourcing datastore (``SQLiteDatastore`` or
``PostgresDatastore``): anything with ``transaction(commit=...)`` yielding a
DB-API cursor will do. Statements are written once, with ``?`` placeholders
and a subset of SQL that SQLite and PostgreSQL share (``CREATE TABLE/INDEX IF
NOT EXISTS``, ``BIGINT``/``TEXT`` columns, ``INSERT ... SELECT``, ``RETURNING``,
``DELETE`` rather than ``TRUNCATE``); the dialect only swaps the placeholder,
and results are read as plain tuples whatever the driver's row factory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

Statement = tuple[str, list[Any]]
"""A statement and the rows of parameters to run it with."""

OPEN = 2**63 - 1
"""The ``valid_to`` of a row version that is still current (the largest BIGINT)."""


class Cursor(Protocol):
    """The part of a DB-API cursor the views use."""

    def execute(self, query: Any, params: Any = ...) -> Any:
        """Run one statement."""
        ...

    def executemany(self, query: Any, params_seq: Any) -> Any:
        """Run one statement for each set of parameters."""
        ...

    def fetchone(self) -> Any:
        """The next row of the last query, or None."""
        ...

    def fetchall(self) -> Any:
        """The remaining rows of the last query."""
        ...


class Transactions(Protocol):
    """A datastore: eventsourcing's SQLite and PostgreSQL datastores have this shape."""

    def transaction(self, *, commit: bool) -> AbstractContextManager[Any]:
        """A transaction yielding a cursor; committed on exit when ``commit`` is true."""
        ...


@dataclass(frozen=True)
class Dialect:
    """What differs between the SQL databases the views run on."""

    name: str
    placeholder: str
    position_key: str
    """The column type of a table keyed by log position."""
    clustered: str
    """What makes a table stored in the order of its primary key, when the database needs asking."""

    def sql(self, statement: str) -> str:
        """``statement`` (written with ``?`` placeholders) in this dialect."""
        return statement if self.placeholder == "?" else statement.replace("?", self.placeholder)


# SQLite-only, for speed: an INTEGER PRIMARY KEY is the rowid itself, and a WITHOUT ROWID
# table is stored in its primary key's order, so neither needs a second B-tree.
SQLITE = Dialect("sqlite", "?", position_key="INTEGER PRIMARY KEY", clustered=" WITHOUT ROWID")
POSTGRESQL = Dialect("postgresql", "%s", position_key="BIGINT PRIMARY KEY", clustered="")


def _plain(row: Any) -> tuple[Any, ...]:
    # psycopg rows come as dicts with eventsourcing's row factory; sqlite3.Row is a sequence.
    return tuple(row.values()) if isinstance(row, dict) else tuple(row)


class Session:
    """Statements inside one transaction, with results as plain tuples."""

    def __init__(self, cursor: Cursor, dialect: Dialect) -> None:
        self._cursor = cursor
        self._dialect = dialect

    def execute(self, statement: str, params: Sequence[Any] = ()) -> None:
        """Run one statement."""
        self._cursor.execute(self._dialect.sql(statement), tuple(params))

    def executemany(self, statement: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement for each row of parameters (nothing when there are none)."""
        rows = list(rows)
        if rows:
            self._cursor.executemany(self._dialect.sql(statement), rows)

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows a query returns."""
        self.execute(statement, params)
        rows: list[tuple[Any, ...]] = self._cursor.fetchall()
        if rows and type(rows[0]) is tuple:
            return rows  # plain tuples already (see plain_rows): no call per row
        return [_plain(row) for row in rows]

    def plain_rows(self) -> None:
        """Have the driver give plain tuples from here on (``sqlite3.Row`` and psycopg's dicts cost more
        per row)."""
        raw = getattr(self._cursor, "sqlite_cursor", None)
        if raw is not None:
            raw.row_factory = None
        elif type(self._cursor).__module__.startswith("psycopg"):
            # eventsourcing's psycopg rows are dicts (a Python call per row); its cursor is this
            # transaction's own, so the factory goes with it.
            from psycopg.rows import tuple_row  # noqa: PLC0415  # only with PostgreSQL installed

            cursor: Any = self._cursor
            cursor.row_factory = tuple_row

    def one(self, statement: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        """The first row a query returns, or None."""
        self.execute(statement, params)
        row = self._cursor.fetchone()
        return None if row is None else _plain(row)


class Database:
    """The views' database: the ledger's own, in one dialect (and, in PostgreSQL, the ledger's schema)."""

    def __init__(
        self, datastore: Transactions, dialect: Dialect = SQLITE, *, schema: str | None = None
    ) -> None:
        self._datastore = datastore
        self.dialect = dialect
        self.schema = schema

    def table(self, name: str) -> str:
        """The name of table ``name`` in statements: in the ledger's schema, when it has one."""
        return f'"{self.schema}"."{name}"' if self.schema else name

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Session]:
        """A transaction; a writing one commits when the block ends without an error."""
        with self._datastore.transaction(commit=write) as cursor:
            yield Session(cursor, self.dialect)


def placeholders(count: int) -> str:
    """``?,?,...`` for ``count`` parameters."""
    return ",".join("?" * count)
