"""What the ledger's recorders store and return, whatever the backend.

A ledger's log is eventsourcing's application sequence with one addition:
each row also holds its record time, assigned by the recorder inside the
insert transaction and never earlier than the row before it, so record time
is monotonic with the log position.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, StoredEvent

if TYPE_CHECKING:
    from ledger.integrity.sqltree import SQLTreeStore
    from ledger.integrity.store import StoredCheckpoint
    from ledger.storage.seam import StorageKind
    from projections.sql import Database


@dataclass(frozen=True, slots=True)
class LogRecord:
    """One stored event as the log holds it."""

    position: int
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes
    recorded_us: int
    """Record time, in microseconds since the Unix epoch (UTC); ``LogEntry.recorded_at`` is its datetime."""

    def leaf_row(self) -> LeafRow:
        """This record as the plain :data:`LeafRow` values a Merkle leaf is made of."""
        return (
            self.position,
            self.originator_id.bytes,
            self.originator_version,
            self.topic,
            self.state,
            self.recorded_us,
        )


LeafRow = tuple[int, bytes, int, str, bytes, int]
"""A stored event as plain values: position, the 16 bytes of the stream id, version, topic, state,
record time (microseconds)."""

#: Records an import writes at a time, growing the Merkle tree after each chunk.
IMPORT_CHUNK = 1000


def chunked(records: Iterable[LogRecord], size: int = IMPORT_CHUNK) -> Iterator[list[LogRecord]]:
    """``records`` in lists of ``size`` (the last may be shorter)."""
    chunk: list[LogRecord] = []
    for record in records:
        chunk.append(record)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class LogRecorder(ApplicationRecorder, ABC):
    """An application recorder that also keeps record times and reads the log.

    Each backend's class says what kind of storage it is (``kind``) and holds
    the Merkle tree store of its database (``tree``).
    """

    kind: ClassVar[StorageKind]
    tree: SQLTreeStore
    datastore: Any

    @abstractmethod
    def views_database(self) -> Database:
        """The views' access to the database the log is in (in the ledger's schema, if any)."""

    def select_payloads(self, after: int, limit: int) -> list[tuple[int, str, bytes]]:
        """Up to ``limit`` ``(position, topic, stored state)`` after ``after``: what the views read."""
        return [(r.position, r.topic, r.state) for r in self.select_log(after, limit)]

    @abstractmethod
    def select_log(self, after: int, limit: int, until: int | None = None) -> Sequence[LogRecord]:
        """Up to ``limit`` records with ``after < position <= until``, in log order."""

    def select_log_rows(self, after: int, limit: int, until: int | None = None) -> Sequence[LeafRow]:
        """:meth:`select_log` as plain :data:`LeafRow` tuples, what ``verify`` hashes (same checks)."""
        return [r.leaf_row() for r in self.select_log(after, limit, until)]

    @abstractmethod
    def select_stream(self, originator_id: UUID, lte: int | None = None) -> Sequence[LogRecord]:
        """The records of one stream (up to version ``lte``), in version order."""

    @abstractmethod
    def select_last_positions(self) -> Iterable[int]:
        """The position of the last record of every stream, in no order (read from the streams' index)."""

    @abstractmethod
    def max_position(self) -> int:
        """The position of the last record, or 0 when the log is empty."""

    @abstractmethod
    def get_meta(self, key: str) -> str | None:
        """A value from the ledger's metadata."""

    def stream_exists(self, originator_id: UUID) -> bool:
        """True when the stream ``originator_id`` has at least one record."""
        return bool(self.select_events(originator_id, limit=1))

    @abstractmethod
    def stream_ids(self) -> Iterator[UUID]:
        """The id of every stream that has a record."""

    @abstractmethod
    def insert_event_chunks(self, chunks: Iterable[Sequence[StoredEvent]]) -> Sequence[int]:
        """Append every chunk of new events in one transaction, as :meth:`insert_events` appends one.

        For a write too large to hold at once (a spooled import): the chunks
        are read as they are written. All are written, or none. Returns the
        positions written, in order.
        """

    @abstractmethod
    def import_log(
        self, records: Iterable[LogRecord], *, origin: str, checkpoints: Iterable[StoredCheckpoint] = ()
    ) -> int:
        """Write ``records`` into an empty log in one transaction, exactly as given.

        Positions, record times and stored bytes are kept, and the Merkle tree
        is grown over them; ``origin`` becomes the ledger's origin and
        ``checkpoints`` (read once the records are) are stored as they were,
        so the exported ledger's signed checkpoints verify here too. Refuses
        a log that is not empty (:class:`InvalidError`); if iterating raises,
        nothing is written. Returns how many records were written.
        """
