"""The Merkle tree and checkpoints in the ledger's database: one implementation for every backend.

Written once over the SQL seam the views share (:mod:`projections.sql`:
``?`` placeholders, a :class:`~projections.sql.Dialect`, plain tuples), in
the subset of SQL that SQLite and PostgreSQL both speak. A backend gives it
two hooks: ``insert_rows`` (a bulk insert of new nodes; by default one
``executemany``) and ``serialise`` (a statement that makes checkpointers
queue, run first in a checkpoint's transaction; none on SQLite, whose write
transactions already exclude each other). The recorder calls
:meth:`SQLTreeStore.append_tree` inside its insert transaction, with the
cursor of that transaction, so the log and its tree never disagree.

The frontier (the hashes an append builds on) is read from the database at
most once per writer: :meth:`SQLTreeStore.append_tree` returns the frontier
after the append, tagged with the log's head it belongs to, and the recorder
hands it back to :meth:`SQLTreeStore.committed` once its transaction has
committed (never after a rollback). The next append uses it only if the head
the recorder reads in its own transaction (under the write lock) is the
same: another writer's appends change the head, and the frontier is read
again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from eventsourcing.persistence import PersistenceError

from domain.errors import ConflictError, LedgerError, StorageError
from domain.instants import now_micros
from ledger.integrity.store import StoredCheckpoint, TreeRecorder, TreeRow, appended_tree, row_key
from ledger.integrity.tree import CompactRange, NodeKey
from ledger.storage.records import LogRecord
from ledger.storage.tables import CHECKPOINTS_TABLE, NODES_TABLE
from projections.sql import Cursor, Database, Session, placeholders

BulkInsert = Callable[[Session, str, Sequence[TreeRow]], None]
"""Insert node rows ``(position, level, hash)`` into the named table, in one go."""

# The column is named recorded_at in the stored format; it holds microseconds since the epoch.
_CHECKPOINT_COLUMNS = "seq, size, note, recorded_at"

_HASH = itemgetter(2)
_BYTES = {bytes}


def insert_each(session: Session, table: str, rows: Sequence[TreeRow]) -> None:
    """The portable bulk insert: one ``executemany``."""
    session.executemany(f"INSERT INTO {table} (position, level, hash) VALUES (?,?,?)", rows)


LogHead = tuple[int, int]
"""The log's last entry as its writer reads it: (position, record time in microseconds)."""


@dataclass(frozen=True, slots=True)
class Frontier:
    """The frontier hashes of the tree of a log whose last entry is ``head``."""

    head: LogHead
    hashes: tuple[bytes, ...]


class SQLTreeStore(TreeRecorder):
    """Stores tree nodes and checkpoints in two tables of the ledger's database (see :mod:`.store`)."""

    def __init__(
        self,
        database: Database,
        *,
        insert_rows: BulkInsert = insert_each,
        serialise: str | None = None,
        is_lock_error: Callable[[BaseException], bool] = lambda error: False,
    ) -> None:
        self._database = database
        self._insert_rows = insert_rows
        self._nodes = database.table(NODES_TABLE)
        self._checkpoints = database.table(CHECKPOINTS_TABLE)
        self._serialise = None if serialise is None else serialise.format(table=self._checkpoints)
        self._is_lock_error = is_lock_error
        self._committed: Frontier | None = None

    def session(self, cursor: Cursor) -> Session:
        """The store's view of a cursor of the recorder's own transaction."""
        return Session(cursor, self._database.dialect)

    # -- written with the log, in its transaction ------------------------------------------------

    def append_tree(
        self,
        cursor: Any,
        records: Sequence[LogRecord],
        *,
        head: LogHead | None = None,
        known: Frontier | None = None,
    ) -> Frontier | None:
        """Store the tree nodes that ``records`` (just inserted through ``cursor``) complete.

        ``head`` is the log's last entry before ``records``, as read in this
        transaction: with it, the frontier is not read again when it is the
        one last committed (:meth:`committed`) or ``known`` (the return of an
        earlier append in the same transaction) for that head. Returns the
        frontier after ``records`` (None without ``head``), for the same uses.
        """
        if not records:
            return known if known is not None and known.head == head else None
        session = self.session(cursor)
        size = records[0].position - 1
        hashes: Sequence[bytes] | None = None
        if head is not None and head[0] == size:
            for candidate in (known, self._committed):
                if candidate is not None and candidate.head == head:
                    hashes = candidate.hashes
                    break
        if hashes is None:
            hashes = self._select_nodes(session, CompactRange.frontier(size))
        rows, compact = appended_tree(size, hashes, records)
        self._insert_rows(session, self._nodes, rows)
        if head is None:
            return None
        last = records[-1]
        return Frontier((last.position, last.recorded_us), compact.hashes)

    def committed(self, frontier: Frontier | None) -> None:
        """After a commit: ``frontier`` (an append's return) is the tree's, for the next append."""
        self._committed = frontier

    def insert_checkpoints(self, cursor: Any, checkpoints: Iterable[StoredCheckpoint]) -> None:
        """Insert checkpoints exactly as given (numbers and record times included), as an import does."""
        self.session(cursor).executemany(
            f"INSERT INTO {self._checkpoints} ({_CHECKPOINT_COLUMNS}) VALUES (?,?,?,?)",
            [(cp.seq, cp.size, cp.note, cp.recorded_us) for cp in checkpoints],
        )

    # -- TreeRecorder ----------------------------------------------------------------------------

    def select_tree_nodes(self, keys: Sequence[NodeKey]) -> Sequence[bytes]:
        with self._database.reading() as session:
            return self._select_nodes(session, keys)

    def select_tree_rows(self, after: tuple[int, int], limit: int) -> Sequence[TreeRow]:
        with self._database.reading() as session:
            session.plain_rows()  # verify reads every row
            rows = session.query(
                f"SELECT position, level, hash FROM {self._nodes} WHERE (position, level) > (?, ?) "
                "ORDER BY position, level LIMIT ?",
                (*after, limit),
            )
        # verify reads every row: rebuild them only when some hash is not bytes already (PostgreSQL's
        # may not be), found in C (a Python test per row cost verify ~3% at 100,000 events).
        if {*map(type, map(_HASH, rows))} <= _BYTES:
            return rows
        return [row if type(row[2]) is bytes else (row[0], row[1], bytes(row[2])) for row in rows]

    def insert_checkpoint(self, note: str, size: int, *, after: int) -> StoredCheckpoint:
        stored = StoredCheckpoint(after + 1, size, note, now_micros())
        try:
            with self._database.transaction(write=True) as session:
                if self._serialise is not None:
                    # Checkpointers queue here; the one that finds a newer checkpoint must start again.
                    session.execute(self._serialise)
                row = session.one(f"SELECT COALESCE(MAX(seq), 0) FROM {self._checkpoints}")
                if row is None or row[0] != after:
                    raise ConflictError("another checkpoint was stored at the same time; try again")
                session.execute(
                    f"INSERT INTO {self._checkpoints} ({_CHECKPOINT_COLUMNS}) VALUES (?,?,?,?)",
                    (stored.seq, stored.size, stored.note, stored.recorded_us),
                )
        except LedgerError:
            raise
        except PersistenceError as error:
            if self._is_lock_error(error):
                raise ConflictError(f"the ledger is busy with another writer; try again ({error})") from None
            raise StorageError(f"cannot store the checkpoint: {error}") from None
        return stored

    def select_checkpoints(self, after: int = 0, limit: int | None = None) -> Sequence[StoredCheckpoint]:
        statement = f"SELECT {_CHECKPOINT_COLUMNS} FROM {self._checkpoints} WHERE seq > ? ORDER BY seq"
        params: tuple[int, ...] = (after,)
        if limit is not None:
            statement, params = f"{statement} LIMIT ?", (after, limit)
        with self._database.reading() as session:
            return [_checkpoint(row) for row in session.query(statement, params)]

    def last_checkpoint(self) -> StoredCheckpoint | None:
        with self._database.reading() as session:
            row = session.one(
                f"SELECT {_CHECKPOINT_COLUMNS} FROM {self._checkpoints} ORDER BY seq DESC LIMIT 1"
            )
        return None if row is None else _checkpoint(row)

    def _select_nodes(self, session: Session, keys: Sequence[NodeKey]) -> list[bytes]:
        if not keys:
            return []
        # One statement for all the nodes (a frontier or a proof needs a few dozen at most). It reads
        # every level stored at those positions (a few each): a row-value IN would scan the table.
        wanted = [row_key(key) for key in keys]
        positions = sorted({position for position, _ in wanted})
        marks = placeholders(len(positions))
        rows = session.query(
            f"SELECT position, level, hash FROM {self._nodes} WHERE position IN ({marks})", positions
        )
        found = {(position, level): bytes(digest) for position, level, digest in rows}
        hashes = []
        for position, level in wanted:
            if (position, level) not in found:
                raise StorageError(
                    f"the Merkle tree has no node of level {level} ending at position {position}"
                )
            hashes.append(found[position, level])
        return hashes


def _checkpoint(row: tuple[Any, ...]) -> StoredCheckpoint:
    seq, size, note, recorded_us = row
    return StoredCheckpoint(seq=seq, size=size, note=str(note), recorded_us=recorded_us)
