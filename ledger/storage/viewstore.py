"""Where the ledger's views live: in its own database, reached through its eventsourcing datastore.

The database and its dialect come from the backend's recorder
(:meth:`~ledger.storage.records.LogRecorder.views_database`: on SQLite the
views' writes take the write lock first and skip waiting for the disk; on
PostgreSQL the views live in the ledger's schema). :class:`LedgerLog` is
what the views read.
"""

from __future__ import annotations

import orjson

from ledger.mapper import PydanticMapper
from ledger.storage.records import LogRecorder
from ledger.storage.seam import Storage
from projections.runner import Projections
from projections.stored_rows import RawEntry


def open_views(storage: Storage, mapper: PydanticMapper) -> Projections:
    """The views of the ledger whose log ``storage`` keeps (stored as ``mapper`` encodes them)."""
    return Projections(storage.views_database(), LedgerLog(storage.recorder, mapper))


class LedgerLog:
    """The ledger's log as the views read it: positions, topics and decoded JSON payloads."""

    def __init__(self, recorder: LogRecorder, mapper: PydanticMapper) -> None:
        self._recorder = recorder
        self._mapper = mapper

    def head(self) -> int:
        """The last position of the log."""
        return self._recorder.max_position()

    def read(self, after: int, limit: int) -> list[RawEntry]:
        """Up to ``limit`` entries after position ``after``, in log order."""
        mapper = self._mapper
        entries = []
        for position, topic, stored in self._recorder.select_payloads(after, limit):
            state = mapper.cipher.decrypt(stored) if mapper.cipher else stored
            if mapper.compressor:
                state = mapper.compressor.decompress(state)
            entries.append(RawEntry.of(position, topic, orjson.loads(state)))
        return entries
