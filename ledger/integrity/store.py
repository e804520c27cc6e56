"""What a backend stores for the Merkle tree and checkpoints, and the SQL-free part of storing it.

A backend keeps, beside the log and in the same transaction as each append:

- every *completed perfect subtree* of the tree, leaves included, as a row
  ``(position, level, hash)``: ``level`` 0 is the leaf of that log
  position; a node of level ``k`` and index ``i`` is stored under the last
  position it covers, ``(i + 1) * 2**k``. Ordered by ``(position, level)``,
  the rows come in the order the tree completes them, which lets ``verify``
  compare them with its recomputation as two streams. The rows of the
  frontier (:meth:`CompactRange.frontier`) give the current root, and any
  root or proof, in ``O(log n)`` look-ups.
- the signed checkpoints, append-only, numbered from 1.

A backend implements :class:`TreeRecorder` and, in its insert transaction,
calls :func:`tree_rows` with the frontier it read and the records it wrote.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from domain.errors import StorageError
from ledger.integrity.leaves import record_leaf_hash
from ledger.integrity.tree import CompactRange, NodeKey
from ledger.storage.records import LogRecord

TreeRow = tuple[int, int, bytes]
"""A stored node: (last position covered, level, hash)."""


def row_key(key: NodeKey) -> tuple[int, int]:
    """The stored key ``(position, level)`` of the perfect subtree ``(level, index)``."""
    level, index = key
    return (index + 1) << level, level


def tree_rows(size: int, frontier: Sequence[bytes], records: Sequence[LogRecord]) -> list[TreeRow]:
    """The rows to store when ``records`` are appended to a log of ``size`` entries.

    ``frontier`` holds the stored hashes of ``CompactRange.frontier(size)``;
    the records must continue the log densely from position ``size + 1``
    (else :class:`StorageError`).
    """
    return appended_tree(size, frontier, records)[0]


def appended_tree(
    size: int, frontier: Sequence[bytes], records: Sequence[LogRecord]
) -> tuple[list[TreeRow], CompactRange]:
    """:func:`tree_rows`, and the compact range of the tree after ``records`` (whose
    ``hashes`` are the next append's frontier)."""
    compact = CompactRange(size, frontier)
    completed: list[tuple[int, int, bytes]] = []
    for record in records:
        if record.position != compact.size + 1:
            raise StorageError(f"position {record.position} does not follow position {compact.size}")
        compact.push(record_leaf_hash(record), completed)
    return [((index + 1) << level, level, digest) for level, index, digest in completed], compact


@dataclass(frozen=True)
class StoredCheckpoint:
    """A row of the checkpoint table: its sequence number, the tree size it claims, the note."""

    seq: int
    size: int
    note: str
    recorded_us: int
    """When it was stored, in microseconds since the Unix epoch."""


class TreeRecorder(ABC):
    """The storage a backend gives the Merkle tree and its checkpoints."""

    @abstractmethod
    def select_tree_nodes(self, keys: Sequence[NodeKey]) -> Sequence[bytes]:
        """The hashes of the perfect subtrees ``keys`` ((level, index)), in order; StorageError if missing."""

    @abstractmethod
    def select_tree_rows(self, after: tuple[int, int], limit: int) -> Sequence[TreeRow]:
        """Up to ``limit`` stored rows with ``(position, level) > after``, in that order."""

    @abstractmethod
    def insert_checkpoint(self, note: str, size: int, *, after: int) -> StoredCheckpoint:
        """Append a checkpoint, if the last one stored is still number ``after`` (else ConflictError)."""

    @abstractmethod
    def select_checkpoints(self, after: int = 0, limit: int | None = None) -> Sequence[StoredCheckpoint]:
        """Stored checkpoints with ``seq > after``, in order."""

    @abstractmethod
    def last_checkpoint(self) -> StoredCheckpoint | None:
        """The checkpoint stored last, if any."""
