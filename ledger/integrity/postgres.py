"""The Merkle tree and checkpoints in PostgreSQL: two tables beside the log, as in SQLite.

:class:`PostgresTreeRecorder` is mixed into the PostgreSQL log recorder,
which calls :meth:`PostgresTreeRecorder.append_tree` inside its insert
transaction, under its table lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from eventsourcing.postgres import PostgresDatastore
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composed, Identifier

from domain.errors import ConflictError, StorageError
from ledger.integrity.sqlite import CHECKPOINTS_TABLE, NODES_TABLE
from ledger.integrity.store import StoredCheckpoint, TreeRecorder, TreeRow, row_key, tree_rows
from ledger.integrity.tree import CompactRange, NodeKey
from ledger.storage.records import LogRecord, now_micros


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


class PostgresTreeRecorder(TreeRecorder):
    """Stores tree nodes and checkpoints in the ledger's PostgreSQL schema."""

    datastore: PostgresDatastore

    @property
    def _nodes(self) -> Composed:
        return _table(self.datastore.schema, NODES_TABLE)

    @property
    def _checkpoints(self) -> Composed:
        return _table(self.datastore.schema, CHECKPOINTS_TABLE)

    def append_tree(self, curs: Cursor[DictRow], records: Sequence[LogRecord]) -> None:
        """Store the tree nodes that ``records`` (just inserted through ``curs``) complete."""
        if not records:
            return
        size = records[0].position - 1
        frontier = self._select_nodes(curs, CompactRange.frontier(size))
        self.insert_tree_rows(curs, tree_rows(size, frontier, records))

    def insert_tree_rows(self, curs: Cursor[DictRow], rows: Iterable[TreeRow]) -> None:
        """Insert stored nodes in one statement."""
        positions, levels, hashes = [], [], []
        for position, level, digest in rows:
            positions.append(position)
            levels.append(level)
            hashes.append(digest)
        curs.execute(
            SQL(
                "INSERT INTO {} (position, level, hash) "
                "SELECT * FROM unnest(%s::bigint[], %s::integer[], %s::bytea[])"
            ).format(self._nodes),
            (positions, levels, hashes),
        )

    def _select_nodes(self, curs: Cursor[DictRow], keys: Sequence[NodeKey]) -> list[bytes]:
        if not keys:
            return []
        stored = [row_key(key) for key in keys]
        curs.execute(
            SQL(
                "SELECT position, level, hash FROM {} "
                "WHERE (position, level) IN (SELECT * FROM unnest(%s::bigint[], %s::integer[]))"
            ).format(self._nodes),
            ([p for p, _ in stored], [lv for _, lv in stored]),
            prepare=True,
        )
        found = {(row["position"], row["level"]): bytes(row["hash"]) for row in curs.fetchall()}
        hashes = []
        for position, level in stored:
            if (position, level) not in found:
                raise StorageError(
                    f"the Merkle tree has no node of level {level} ending at position {position}"
                )
            hashes.append(found[(position, level)])
        return hashes

    def select_tree_nodes(self, keys: Sequence[NodeKey]) -> Sequence[bytes]:
        with self.datastore.transaction(commit=False) as curs:
            return self._select_nodes(curs, keys)

    def select_tree_rows(self, after: tuple[int, int], limit: int) -> Sequence[TreeRow]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL(
                    "SELECT position, level, hash FROM {} WHERE (position, level) > (%s, %s) "
                    "ORDER BY position, level LIMIT %s"
                ).format(self._nodes),
                (*after, limit),
                prepare=True,
            )
            return [(row["position"], row["level"], bytes(row["hash"])) for row in curs.fetchall()]

    def insert_checkpoint(self, note: str, size: int, *, after: int) -> StoredCheckpoint:
        with self.datastore.transaction(commit=True) as curs:
            # Checkpointers queue here; the one that finds a newer checkpoint must start again.
            curs.execute(SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(self._checkpoints))
            curs.execute(SQL("SELECT COALESCE(MAX(seq), 0) AS last FROM {}").format(self._checkpoints))
            row = curs.fetchone()
            if row is None or row["last"] != after:
                raise ConflictError("another checkpoint was stored at the same time; try again")
            stored = StoredCheckpoint(after + 1, size, note, now_micros())
            self.insert_checkpoints(curs, [stored])
            return stored

    def insert_checkpoints(self, curs: Cursor[DictRow], checkpoints: Iterable[StoredCheckpoint]) -> None:
        """Insert checkpoints exactly as given (numbers and record times included)."""
        for stored in checkpoints:
            curs.execute(
                SQL("INSERT INTO {} (seq, size, note, recorded_at) VALUES (%s, %s, %s, %s)").format(
                    self._checkpoints
                ),
                (stored.seq, stored.size, stored.note, stored.recorded_at),
            )

    def select_checkpoints(self, after: int = 0, limit: int | None = None) -> Sequence[StoredCheckpoint]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL(
                    "SELECT seq, size, note, recorded_at FROM {} WHERE seq > %s ORDER BY seq LIMIT %s"
                ).format(self._checkpoints),
                (after, limit),
            )
            return [_checkpoint(row) for row in curs.fetchall()]

    def last_checkpoint(self) -> StoredCheckpoint | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL("SELECT seq, size, note, recorded_at FROM {} ORDER BY seq DESC LIMIT 1").format(
                    self._checkpoints
                )
            )
            row = curs.fetchone()
            return None if row is None else _checkpoint(row)


def _checkpoint(row: DictRow) -> StoredCheckpoint:
    return StoredCheckpoint(
        seq=row["seq"], size=row["size"], note=str(row["note"]), recorded_at=row["recorded_at"]
    )
