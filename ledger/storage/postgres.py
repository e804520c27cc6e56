"""The PostgreSQL recorder: eventsourcing's, with dense positions, record times and log reads.

eventsourcing numbers the log with a ``bigserial``, which leaves a gap each
time an insert rolls back. A ledger's positions must be dense (the Merkle
leaf of position ``p`` is leaf ``p - 1``), so this recorder assigns each new
row ``max + 1`` itself, under the table lock eventsourcing already takes to
make insert order equal commit order. Record times come from the server's
clock, in the same statement, never earlier than the row before.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError, ProgrammingError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composed, Identifier

from domain.errors import InvalidError, StorageError
from ledger.integrity.sqltree import Frontier, SQLTreeStore
from ledger.integrity.store import StoredCheckpoint, TreeRow
from ledger.storage.backends import POSTGRES_DEFAULTS, PostgresSettings
from ledger.storage.damage import add_driver_errors
from ledger.storage.records import LogRecord, LogRecorder, chunked
from ledger.storage.seam import POSTGRES_LOCK_SIGNS, StorageKind
from ledger.storage.tables import (
    CHECKPOINTS_TABLE,
    EVENTS_TABLE,
    FORMAT,
    LEDGER_TABLES,
    META_TABLE,
    NODES_TABLE,
)
from projections.sql import POSTGRESQL, Database, Session

POSTGRES_KIND = StorageKind("postgresql", POSTGRESQL, lock_signs=POSTGRES_LOCK_SIGNS)
"""PostgreSQL: its dialect, and how its lock errors read."""

add_driver_errors(psycopg.Error)


_COLUMNS = SQL("notification_id, originator_id, originator_version, topic, state, recorded_at")


def tree_tables(schema: str) -> list[Composed]:
    """The statements that create the tree's tables in ``schema``."""
    nodes, checkpoints = _table(schema, NODES_TABLE), _table(schema, CHECKPOINTS_TABLE)
    return [
        SQL(
            "CREATE TABLE IF NOT EXISTS {} (position bigint NOT NULL, level integer NOT NULL, "
            "hash bytea NOT NULL, PRIMARY KEY (position, level))"
        ).format(nodes),
        SQL(
            "CREATE TABLE IF NOT EXISTS {} (seq bigint PRIMARY KEY, size bigint NOT NULL, "
            "note text NOT NULL, recorded_at bigint NOT NULL)"
        ).format(checkpoints),
    ]


def _table(schema: str, name: str) -> Composed:
    return SQL("{}.{}").format(Identifier(schema), Identifier(name))


def insert_unnest(session: Session, table: str, rows: Sequence[TreeRow]) -> None:
    """The tree store's bulk insert on PostgreSQL: every new node in one statement, from three arrays."""
    if not rows:
        return
    positions, levels, hashes = zip(*rows, strict=True)
    session.execute(
        f"INSERT INTO {table} (position, level, hash) "
        "SELECT * FROM unnest(?::bigint[], ?::integer[], ?::bytea[])",
        (list(positions), list(levels), list(hashes)),
    )


class PostgresLogRecorder(PostgresApplicationRecorder, LogRecorder):
    """Stores the log in a PostgreSQL table whose notification id is the dense log position, and its tree."""

    kind = POSTGRES_KIND

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = EVENTS_TABLE) -> None:
        if datastore.enable_db_functions:
            # eventsourcing's stored function numbers rows with the bigserial.
            raise ProgrammingError("a ledger does not use POSTGRES_ENABLE_DB_FUNCTIONS")
        # eventsourcing's factory names the table after the application; a ledger
        # ignores that and keeps one name on every backend (each in a schema of its own).
        super().__init__(datastore, events_table_name=EVENTS_TABLE)
        self.tree = SQLTreeStore(
            Database(datastore, POSTGRESQL, schema=datastore.schema),
            insert_rows=insert_unnest,
            serialise="LOCK TABLE {table} IN EXCLUSIVE MODE",
            is_lock_error=self.kind.is_lock_error,
        )
        schema = Identifier(datastore.schema)
        table = SQL("{}.{}").format(schema, Identifier(self.events_table_name))
        self.meta_table = SQL("{}.{}").format(schema, Identifier(META_TABLE))
        #: Every table the ledger keeps in its schema, made by ``sql_create_statements``.
        self.table_names = list(LEDGER_TABLES)
        self.sql_create_statements = [
            SQL(
                "CREATE TABLE IF NOT EXISTS {table} ("
                "originator_id uuid NOT NULL, "
                "originator_version bigint NOT NULL, "
                "topic text NOT NULL, "
                "state bytea NOT NULL, "
                "notification_id bigint NOT NULL, "
                "recorded_at bigint NOT NULL, "
                "PRIMARY KEY (originator_id, originator_version))"
            ).format(table=table),
            SQL("CREATE UNIQUE INDEX IF NOT EXISTS {index} ON {table} (notification_id)").format(
                index=Identifier(self.notification_id_index_name), table=table
            ),
            SQL("CREATE TABLE IF NOT EXISTS {meta} (key text PRIMARY KEY, value text NOT NULL)").format(
                meta=self.meta_table
            ),
            *tree_tables(datastore.schema),
        ]
        # One statement: the last row, the server's clock once, then the new rows
        # numbered after the last one. The caller holds the table lock.
        self.insert_events_statement = SQL(
            "WITH last AS ("
            "  SELECT notification_id, recorded_at FROM {table} ORDER BY notification_id DESC LIMIT 1"
            "), base AS ("
            "  SELECT COALESCE((SELECT notification_id FROM last), 0) AS position,"
            "  GREATEST((EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::bigint,"
            "           COALESCE((SELECT recorded_at FROM last), 0)) AS recorded_at"
            ") "
            "INSERT INTO {table} "
            "(originator_id, originator_version, topic, state, notification_id, recorded_at) "
            "SELECT e.originator_id, e.originator_version, e.topic, e.state, base.position + e.n, "
            "COALESCE((%s::bigint[])[e.n], base.recorded_at) "
            "FROM base, unnest(%s::uuid[], %s::bigint[], %s::text[], %s::bytea[]) WITH ORDINALITY "
            "AS e(originator_id, originator_version, topic, state, n) "
            "ORDER BY e.n "
            # The record time of the entry before: the head the tree's kept frontier is checked against.
            "RETURNING notification_id, recorded_at, COALESCE((SELECT recorded_at FROM last), 0) AS before"
        ).format(table=table)
        self._select_log = SQL(
            "SELECT {columns} FROM {table} WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
        ).format(columns=_COLUMNS, table=table)
        self._select_log_until = SQL(
            "SELECT {columns} FROM {table} WHERE notification_id > %s AND notification_id <= %s "
            "ORDER BY notification_id LIMIT %s"
        ).format(columns=_COLUMNS, table=table)
        self._select_stream = SQL(
            "SELECT {columns} FROM {table} WHERE originator_id = %s AND originator_version <= %s "
            "ORDER BY originator_version"
        ).format(columns=_COLUMNS, table=table)
        self._select_ids = SQL("SELECT originator_id FROM {table} WHERE originator_version = 1").format(
            table=table
        )
        self._select_last_positions = SQL(
            "SELECT MAX(notification_id) AS last FROM {table} GROUP BY originator_id"
        ).format(table=table)
        self._select_last = SQL(
            "SELECT notification_id, recorded_at FROM {table} ORDER BY notification_id DESC LIMIT 1"
        ).format(table=table)
        self._copy_log = SQL(
            "COPY {table} (notification_id, originator_id, originator_version, topic, state, recorded_at) "
            "FROM STDIN"
        ).format(table=table)

    # -- creating the schema -------------------------------------------------------------

    def create_table(self) -> None:
        """Create the schema, tables and metadata if missing, once, whoever else is opening."""
        schema = self.datastore.schema
        with self.datastore.transaction(commit=True) as curs:
            # Serialise concurrent first opens: CREATE ... IF NOT EXISTS races otherwise.
            curs.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"provenance-ledger:{schema}",))
            # Skip the DDL when every table exists: CREATE INDEX, even IF NOT EXISTS,
            # would wait for writers holding the table lock.
            curs.execute(
                "SELECT bool_and(to_regclass(name) IS NOT NULL) AS made FROM unnest(%s::text[]) AS name",
                ([f'"{schema}"."{name}"' for name in self.table_names],),
            )
            row = curs.fetchone()
            if row is not None and row["made"]:
                return
            curs.execute(SQL("CREATE SCHEMA IF NOT EXISTS {}").format(Identifier(schema)))
            for statement in self.sql_create_statements:
                curs.execute(statement, prepare=False)
            insert = SQL("INSERT INTO {meta} VALUES (%s, %s) ON CONFLICT (key) DO NOTHING").format(
                meta=self.meta_table
            )
            curs.execute(insert, ("format", FORMAT))
            # The origin names this log in signed checkpoints; it is made once.
            curs.execute(insert, ("origin", f"provenance-ledger/{uuid.uuid4()}"))

    # -- writing --------------------------------------------------------------------------

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        with self.datastore.transaction(commit=True) as curs:
            self._lock_table(curs)
            self._notify_channel(curs)
            positions, frontier = self._insert_chunk(curs, stored_events, kwargs.get("recorded_us"), None)
        self.tree.committed(frontier)
        return positions

    # No retry: the chunks are read once, as they are written.
    def insert_event_chunks(self, chunks: Iterable[Sequence[StoredEvent]]) -> Sequence[int]:
        first = last = 0
        frontier: Frontier | None = None
        with self.datastore.transaction(commit=True) as curs:
            self._lock_table(curs)
            self._notify_channel(curs)
            for chunk in chunks:
                positions, frontier = self._insert_chunk(curs, chunk, None, frontier)
                if positions:
                    first, last = first or positions[0], positions[-1]
        self.tree.committed(frontier)
        return range(first, last + 1) if first else range(0)

    def _insert_chunk(
        self,
        curs: Any,
        stored_events: Sequence[StoredEvent],
        given: Sequence[int] | None,
        known: Frontier | None,
    ) -> tuple[list[int], Frontier | None]:
        """Insert the events after the log's last entry; their positions, and the tree's frontier
        after them (see :meth:`SQLTreeStore.append_tree`), to hand to the tree once committed."""
        if not stored_events:
            return [], known
        curs.execute(
            self.insert_events_statement,
            (
                None if given is None else list(given),
                [_uuid(s.originator_id) for s in stored_events],
                [s.originator_version for s in stored_events],
                [s.topic for s in stored_events],
                [s.state for s in stored_events],
            ),
            prepare=True,
        )
        # Positions are max+1, max+2, ... in the order of the events given.
        rows = curs.fetchall()
        stored = sorted((row["notification_id"], row["recorded_at"]) for row in rows)
        records = [
            LogRecord(position, _uuid(s.originator_id), s.originator_version, s.topic, s.state, stamp)
            for (position, stamp), s in zip(stored, stored_events, strict=True)
        ]
        # The Merkle tree grows in the same transaction: log and tree never disagree.
        head = (records[0].position - 1, rows[0]["before"])
        frontier = self.tree.append_tree(curs, records, head=head, known=known)
        return [r.position for r in records], frontier

    def import_log(
        self, records: Iterable[LogRecord], *, origin: str, checkpoints: Iterable[StoredCheckpoint] = ()
    ) -> int:
        with self.datastore.transaction(commit=True) as curs:
            self._lock_table(curs)
            self._notify_channel(curs)
            curs.execute(self._select_last)
            last = curs.fetchone()
            if last is not None:
                raise InvalidError(f"the ledger is not empty (head {last['notification_id']})")
            curs.execute(
                SQL("UPDATE {meta} SET value = %s WHERE key = 'origin'").format(meta=self.meta_table),
                (origin,),
            )
            count = 0
            for chunk in chunked(records):
                with curs.copy(self._copy_log) as copy:
                    for r in chunk:
                        copy.write_row(
                            (
                                r.position,
                                r.originator_id,
                                r.originator_version,
                                r.topic,
                                r.state,
                                r.recorded_us,
                            )
                        )
                self.tree.append_tree(curs, chunk)
                count += len(chunk)
            self.tree.insert_checkpoints(curs, checkpoints)
            return count

    # -- reading ---------------------------------------------------------------------------

    @contextmanager
    def _reading(self) -> Iterator[psycopg.Cursor[DictRow]]:
        """A cursor for one statement that reads: on the pool's autocommit connection, a statement
        is a transaction of its own, with one snapshot. In BEGIN ... ROLLBACK it took three round
        trips, not one (about 0.75 ms against 0.25 here)."""
        with self.datastore.get_connection() as connection, connection.cursor() as cursor:
            yield cursor

    def select_log(self, after: int, limit: int, until: int | None = None) -> Sequence[LogRecord]:
        with self._reading() as curs:
            if until is None:
                curs.execute(self._select_log, (after, limit), prepare=True)
            else:
                curs.execute(self._select_log_until, (after, until, limit), prepare=True)
            return [_record(row) for row in curs.fetchall()]

    def select_stream(self, originator_id: UUID, lte: int | None = None) -> Sequence[LogRecord]:
        with self._reading() as curs:
            curs.execute(
                self._select_stream, (originator_id, lte if lte is not None else 2**62), prepare=True
            )
            return [_record(row) for row in curs.fetchall()]

    def stream_ids(self) -> Iterator[UUID]:
        with self._reading() as curs:
            curs.execute(self._select_ids)
            rows = curs.fetchall()
        return (_uuid(row["originator_id"]) for row in rows)

    def select_last_positions(self) -> Iterable[int]:
        with self._reading() as curs:
            curs.execute(self._select_last_positions)
            return [row["last"] for row in curs.fetchall()]

    def max_position(self) -> int:
        with self._reading() as curs:
            curs.execute(self._select_last, prepare=True)
            row = curs.fetchone()
            return int(row["notification_id"]) if row else 0

    def get_meta(self, key: str) -> str | None:
        with self._reading() as curs:
            curs.execute(SQL("SELECT value FROM {meta} WHERE key = %s").format(meta=self.meta_table), (key,))
            row = curs.fetchone()
            return str(row["value"]) if row else None

    def views_database(self) -> Database:
        return Database(self.datastore, POSTGRESQL, schema=str(self.datastore.schema))


def connect(settings: PostgresSettings) -> psycopg.Connection[tuple[Any, ...]]:
    """A plain autocommit connection to the ledger's database (for checks, tests and tools)."""
    try:
        return psycopg.connect(
            host=settings.host,
            port=settings.port,
            dbname=settings.dbname,
            user=settings.user,
            password=settings.password,
            connect_timeout=int(POSTGRES_DEFAULTS["POSTGRES_CONNECT_TIMEOUT"]),
            autocommit=True,
        )
    except psycopg.Error as error:
        raise StorageError(f"cannot open ledger {settings.display}: {describe(error, settings)}") from None


def describe(error: BaseException, settings: PostgresSettings) -> str:
    """The first line of a driver error, with the password (should it appear) hidden."""
    text = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return text.replace(settings.password, "***") if settings.password else text


def check_ledger_schema(settings: PostgresSettings, *, create: bool) -> None:
    """Check the server answers and the schema is a ledger, or empty, or absent (if ``create``)."""
    with connect(settings) as connection:
        try:
            rows = connection.execute(
                "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = %s", (settings.schema,)
            ).fetchall()
            tables = {row[0] for row in rows}
            stored_format = None
            if META_TABLE in tables:
                meta = SQL("{}.{}").format(Identifier(settings.schema), Identifier(META_TABLE))
                row = connection.execute(
                    SQL("SELECT value FROM {} WHERE key = 'format'").format(meta)
                ).fetchone()
                stored_format = row[0] if row else None
        except psycopg.Error as error:
            raise StorageError(
                f"cannot open ledger {settings.display}: {describe(error, settings)}"
            ) from None
    where = f"{settings.display}"
    if not tables and not create:
        raise StorageError(f"no ledger at {where}")
    if tables and META_TABLE not in tables:
        raise StorageError(f"{where} is not a ledger: schema {settings.schema} holds other tables")
    if META_TABLE in tables and (stored_format != FORMAT or EVENTS_TABLE not in tables):
        raise StorageError(f"{where} is not a ledger of format {FORMAT}")


def _uuid(value: UUID | str) -> UUID:
    return value if isinstance(value, UUID) else UUID(value)


def _record(row: DictRow) -> LogRecord:
    return LogRecord(
        position=row["notification_id"],
        originator_id=row["originator_id"],
        originator_version=row["originator_version"],
        topic=row["topic"],
        state=bytes(row["state"]),
        recorded_us=row["recorded_at"],
    )
