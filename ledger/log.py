"""Reading the log: positions, streams and decoded entries, streamed in batches.

:class:`LogReader` is the part of :class:`ledger.Ledger` that reads what the
recorder stored and decodes it with the mapper; the queries, replay and
export read through it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, cast

from domain.errors import DamagedStoreError, InvalidError, NotFoundError, UnreadableEntryError
from domain.events import LogEntry, OutOfOrderError, fold, fold_one
from domain.instants import from_micros
from domain.refs import parse_ref, subject_id
from ledger.mapper import PydanticMapper
from ledger.storage import damage
from ledger.storage.damage import storage_error
from ledger.storage.records import LogRecord, LogRecorder
from projections.collector import fewer_collections

if TYPE_CHECKING:
    from domain import State

LOG_BATCH = 500
"""Records read from the store at a time."""


REPLAY_CACHE = 40_000
"""Subjects whose states replay keeps by default (see :meth:`ledger.Ledger.replay`): more than the
1M-event benchmark ledger has live at once (35,685), whose replay then peaks at 283 MB RSS
(about 6 KB a kept state), so a larger ledger stays near that bound and reads streams back."""


class LogReader:
    """The log of one ledger, read through its recorder and decoded by its mapper."""

    def __init__(self, recorder: LogRecorder, mapper: PydanticMapper) -> None:
        self.recorder = recorder
        self.mapper = mapper

    @property
    def head(self) -> int:
        """The position of the last entry in the log (0 when empty)."""
        return self.recorder.max_position()

    @property
    def plain_payloads(self) -> bool:
        """True when stored payloads are plain JSON (not encrypted, not compressed): searchable as bytes."""
        return not (self.mapper.cipher or self.mapper.compressor)

    def records(self, after: int = 0, until: int | None = None) -> Iterator[LogRecord]:
        """Every stored record with ``after < position <= until``, in log order, in batches."""
        while True:
            try:
                batch = self.recorder.select_log(after, LOG_BATCH, until)
            except damage.STORE_ERRORS as error:
                # A damaged page: name where reading stopped.
                failure = storage_error(error, f"the log after position {after}")
                if isinstance(failure, DamagedStoreError):
                    failure.position = after + 1
                raise failure from None
            yield from batch
            if len(batch) < LOG_BATCH:
                return
            after = batch[-1].position

    def entry(self, record: LogRecord) -> LogEntry:
        """The decoded entry of a stored record (its record time as a datetime)."""
        try:
            event = self.mapper.decode(
                record.topic, record.state, record.originator_id, record.originator_version
            )
        except UnreadableEntryError as error:
            raise UnreadableEntryError(
                f"position {record.position}: {error}", position=record.position
            ) from None
        return LogEntry(position=record.position, recorded_at=from_micros(record.recorded_us), event=event)

    def log(self, after: int = 0, *, until: int | None = None) -> Iterator[LogEntry]:
        """Every entry with ``after < position <= until``, in log order, streamed."""
        for record in self.records(after, until):
            yield self.entry(record)

    def history(self, ref: str) -> list[LogEntry]:
        """Every entry of the subject ``ref``, in version order; :class:`NotFoundError` if none."""
        parse_ref(ref)
        records = self.recorder.select_stream(subject_id(ref))
        if not records:
            raise NotFoundError(f"{ref} does not exist")
        return [self.entry(r) for r in records]

    def entry_at(self, position: int) -> LogEntry:
        """The entry at ``position`` (which must be in the log)."""
        return next(self.log(position - 1, until=position))

    def replay(
        self, until: int | None, *, cache_size: int, state_at_version: Callable[[str, int], State]
    ) -> Iterator[tuple[LogEntry, State]]:
        """Every entry up to ``until`` with its subject's state after it (see :meth:`ledger.Ledger.replay`).

        Keeps the states of the ``cache_size`` subjects seen last; any other
        is read back with ``state_at_version(ref, version)`` when it reappears.
        """
        if cache_size < 1:
            raise InvalidError(f"cache_size must be 1 or more, not {cache_size}")
        # Each kept subject's state. An entry landing out of world order (1.5% of a generated
        # ledger's) reads its subject's stream back to fold it again: keeping every subject's
        # events instead cost more memory than the states, and memory decides how many fit.
        states: OrderedDict[str, State] = OrderedDict()
        # A subject whose last entry has passed is never kept, so the cache holds only subjects
        # still to be seen again, and a miss (a read of the subject's whole stream) stays rare.
        last = self._last_positions()
        with fewer_collections():
            for entry in self.log(until=until):
                previous = states.pop(entry.subject, None)
                if previous is None and entry.version > 1:
                    previous = state_at_version(entry.subject, entry.version - 1)
                try:
                    state = cast("State", fold_one(previous, entry.event))
                except OutOfOrderError:
                    # Only the entries before this one: a subject's later entries are in the store
                    # too (replay reads a log already written), and decoding them was a waste.
                    earlier = self.recorder.select_stream(subject_id(entry.subject), lte=entry.version - 1)
                    events = [self.entry(record).event for record in earlier]
                    state = cast("State", fold(None, [*events, entry.event]))
                if entry.position >= len(last) or not last[entry.position]:
                    states[entry.subject] = state
                    if len(states) > cache_size:
                        states.popitem(last=False)
                yield entry, state

    def _last_positions(self) -> bytearray:
        """One byte per log position: 1 where the entry is the last of its subject's stream."""
        try:
            positions = list(self.recorder.select_last_positions())
        except damage.STORE_ERRORS as error:
            raise storage_error(error, "the log") from None
        last = bytearray(max(positions, default=0) + 1)
        for position in positions:
            last[position] = 1
        return last
