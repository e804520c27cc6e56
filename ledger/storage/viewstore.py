"""Where the ledger's views live: in its own database, reached through its eventsourcing datastore.

The database and its dialect come from the backend's recorder
(:meth:`~ledger.storage.records.LogRecorder.views_database`: on SQLite the
views' writes take the write lock first and skip waiting for the disk; on
PostgreSQL the views live in the ledger's schema). :class:`LedgerLog` is
what the views read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import orjson

from domain.errors import DamagedViewError, LedgerError, UnreadableEntryError
from domain.events import event_classes
from ledger import progress
from ledger.integrity.content import strip_extras
from ledger.mapper import PydanticMapper
from ledger.storage.records import LogRecorder
from ledger.storage.seam import Storage
from projections.runner import Projections
from projections.sql import Session
from projections.stored_rows import RawEntry

T = TypeVar("T")

#: What reading a damaged view row, or folding a damaged entry, raises (pydantic's errors are ValueErrors).
_DECODING_ERRORS = (ValueError, KeyError, TypeError, AttributeError, IndexError)


def open_views(storage: Storage, mapper: PydanticMapper) -> Projections:
    """The views of the ledger whose log ``storage`` keeps (stored as ``mapper`` encodes them)."""
    return CheckedProjections(storage.views_database(), LedgerLog(storage.recorder, mapper))


class CheckedProjections(Projections):
    """The views, reporting damage as such: rows that cannot be read, entries that cannot be folded.

    A view row that does not decode is a :class:`DamagedViewError` (rebuild
    the views); an entry of the log that cannot be folded is an
    :class:`UnreadableEntryError` (verify the log).
    """

    def catch_up(self, until: int | None = None) -> int:
        try:
            return super().catch_up(until)
        except LedgerError:
            raise
        except _DECODING_ERRORS as error:
            raise UnreadableEntryError(
                f"the views cannot be brought up to date: a stored entry cannot be folded ({_reason(error)})"
            ) from None

    def _read(self, names: list[str], as_of: int, query: Callable[[Session], T]) -> T:
        try:
            return super()._read(names, as_of, query)
        except LedgerError:
            raise
        except _DECODING_ERRORS as error:
            raise DamagedViewError(
                f"the view {', '.join(names)} is damaged: a stored row cannot be read ({_reason(error)})"
            ) from None


def _reason(error: BaseException) -> str:
    lines = str(error).splitlines()
    text = lines[0] if lines else type(error).__name__
    return text if len(text) <= 120 else text[:117] + "..."


class LedgerLog:
    """The ledger's log as the views read it: positions, topics and decoded JSON payloads."""

    def __init__(self, recorder: LogRecorder, mapper: PydanticMapper) -> None:
        self._recorder = recorder
        self._mapper = mapper
        self._topics = frozenset(event_classes())

    def head(self) -> int:
        """The last position of the log."""
        return self._recorder.max_position()

    def read(self, after: int, limit: int) -> list[RawEntry]:
        """Up to ``limit`` entries after position ``after``, in log order."""
        mapper = self._mapper
        if progress.active():
            progress.advance("building the views", after, self.head())
        entries = []
        for position, topic, stored in self._recorder.select_payloads(after, limit):
            try:
                if topic not in self._topics:
                    raise ValueError(f"unknown event topic {_reason(ValueError(repr(topic)))}")
                state = mapper.cipher.decrypt(stored) if mapper.cipher else stored
                if mapper.compressor:
                    state = mapper.compressor.decompress(state)
                entries.append(RawEntry.of(position, topic, orjson.loads(strip_extras(state))))
            except _DECODING_ERRORS as error:
                raise UnreadableEntryError(
                    f"position {position}: the stored entry cannot be read ({_reason(error)})",
                    position=position,
                ) from None
        if entries and progress.active():
            progress.advance("building the views", entries[-1].position, self.head())
        return entries
