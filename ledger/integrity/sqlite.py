"""The Merkle tree and checkpoints in SQLite: two tables beside the log.

:class:`SQLiteTreeRecorder` is mixed into the SQLite log recorder, which
calls :meth:`SQLiteTreeRecorder.append_tree` inside its insert transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import PersistenceError
from eventsourcing.sqlite import SQLiteCursor, SQLiteDatastore

from domain.errors import ConflictError, StorageError
from ledger.integrity.store import StoredCheckpoint, TreeRecorder, TreeRow, row_key, tree_rows
from ledger.integrity.tree import CompactRange, NodeKey
from ledger.storage.records import LogRecord, now_micros

NODES_TABLE = "merkle_nodes"
CHECKPOINTS_TABLE = "checkpoints"

TREE_TABLES = [
    f"CREATE TABLE IF NOT EXISTS {NODES_TABLE} ("
    "position INTEGER NOT NULL, level INTEGER NOT NULL, hash BLOB NOT NULL, "
    "PRIMARY KEY (position, level)) WITHOUT ROWID",
    f"CREATE TABLE IF NOT EXISTS {CHECKPOINTS_TABLE} ("
    "seq INTEGER PRIMARY KEY, size INTEGER NOT NULL, note TEXT NOT NULL, recorded_at INTEGER NOT NULL)",
]

_INSERT_NODES = f"INSERT INTO {NODES_TABLE} (position, level, hash) VALUES (?,?,?)"
_SELECT_ROWS = (
    f"SELECT position, level, hash FROM {NODES_TABLE} WHERE (position, level) > (?, ?) "
    "ORDER BY position, level LIMIT ?"
)
_CHECKPOINT_COLUMNS = "seq, size, note, recorded_at"


class SQLiteTreeRecorder(TreeRecorder):
    """Stores tree nodes and checkpoints in the ledger's SQLite database."""

    datastore: SQLiteDatastore

    def append_tree(self, c: SQLiteCursor, records: Sequence[LogRecord]) -> None:
        """Store the tree nodes that ``records`` (just inserted through ``c``) complete."""
        if not records:
            return
        size = records[0].position - 1
        frontier = _select_nodes(c, CompactRange.frontier(size))
        c.executemany(_INSERT_NODES, tree_rows(size, frontier, records))

    def select_tree_nodes(self, keys: Sequence[NodeKey]) -> Sequence[bytes]:
        with self.datastore.transaction(commit=False) as c:
            return _select_nodes(c, keys)

    def select_tree_rows(self, after: tuple[int, int], limit: int) -> Sequence[TreeRow]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(_SELECT_ROWS, (*after, limit))
            return [(row[0], row[1], bytes(row[2])) for row in c.fetchall()]

    def insert_checkpoint(self, note: str, size: int, *, after: int) -> StoredCheckpoint:
        stored = StoredCheckpoint(after + 1, size, note, now_micros())
        try:
            with self.datastore.transaction(commit=True) as c:
                c.execute(f"SELECT MAX(seq) FROM {CHECKPOINTS_TABLE}")
                if (c.fetchone()[0] or 0) != after:
                    raise ConflictError("another checkpoint was stored at the same time; try again")
                c.execute(
                    f"INSERT INTO {CHECKPOINTS_TABLE} ({_CHECKPOINT_COLUMNS}) VALUES (?,?,?,?)",
                    (stored.seq, stored.size, stored.note, stored.recorded_at),
                )
        except PersistenceError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise ConflictError(f"the ledger is busy with another writer; try again ({error})") from None
            raise StorageError(f"cannot store the checkpoint: {error}") from None
        return stored

    def select_checkpoints(self, after: int = 0, limit: int | None = None) -> Sequence[StoredCheckpoint]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT {_CHECKPOINT_COLUMNS} FROM {CHECKPOINTS_TABLE} WHERE seq>? ORDER BY seq LIMIT ?",
                (after, -1 if limit is None else limit),
            )
            return [_checkpoint(row) for row in c.fetchall()]

    def last_checkpoint(self) -> StoredCheckpoint | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT {_CHECKPOINT_COLUMNS} FROM {CHECKPOINTS_TABLE} ORDER BY seq DESC LIMIT 1")
            row = c.fetchone()
            return None if row is None else _checkpoint(row)


def _select_nodes(c: SQLiteCursor, keys: Sequence[NodeKey]) -> list[bytes]:
    if not keys:
        return []
    # One statement for all the nodes (a frontier or a proof needs a few dozen at most). It reads
    # every level stored at those positions (a few each): a row-value IN would scan the table.
    wanted = [row_key(key) for key in keys]
    positions = sorted({position for position, _ in wanted})
    marks = ",".join("?" * len(positions))
    c.execute(f"SELECT position, level, hash FROM {NODES_TABLE} WHERE position IN ({marks})", positions)
    found = {(row[0], row[1]): bytes(row[2]) for row in c.fetchall()}
    hashes = []
    for position, level in wanted:
        if (position, level) not in found:
            raise StorageError(f"the Merkle tree has no node of level {level} ending at position {position}")
        hashes.append(found[position, level])
    return hashes


def _checkpoint(row: Any) -> StoredCheckpoint:
    return StoredCheckpoint(seq=row[0], size=row[1], note=str(row[2]), recorded_at=row[3])
