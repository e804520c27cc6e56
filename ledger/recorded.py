"""The recorded subjects as units of work read them: kept states, checked for freshness once per unit.

A command reads the states of the subjects it changes or names. The
application keeps the states used last (eventsourcing's aggregate cache);
asking the store, at every read, whether a kept state has grown since (its
fast-forward) costs one query per read. Instead, :class:`RecordedSubjects`
knows a log position up to which every kept state is complete
(``fresh_to``): a unit of work looks at the log's head once, at its first
read, and drops the kept states of the subjects written after that position
by anyone else. A subject another writer changes after that look is caught
when the unit is saved, as before: the store refuses a second entry with the
same version, and the writer is told to try again.

New subjects are looked up too (is ``post/x`` already recorded?), each with
a query that finds nothing. After enough of those, the ids of every
recorded subject are read once into an index, kept up to date the same
way, so that the rest of a large ingest asks the store nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from domain.refs import parse_ref, subject_id

INDEX_AFTER = 64
"""Lookups that found nothing before every subject's id is read into an index (plus one per 64
entries of the log: reading the index costs about that many lookups)."""

KEPT_GAP = 4096
"""Entries written by others that a look reads to keep its states and index; beyond, both are dropped."""

if TYPE_CHECKING:
    from domain import State
    from domain.events import LogEntry, SubjectState
    from ledger.application import LedgerApplication


class RecordedSubjects:
    """What a :class:`~ledger.unit_of_work.UnitOfWork` reads of the ledger: existence, states, histories.

    ``read`` reads a state from the store (folding its stream), ``history`` a
    subject's entries; both are the ledger's own.
    """

    def __init__(
        self,
        app: LedgerApplication,
        read: Callable[[str], State],
        history: Callable[[str], list[LogEntry]],
    ) -> None:
        self._app = app
        self._read = read
        self.history = history
        self.known: set[str] = set()
        """Subjects seen recorded: nothing is ever removed, so a subject once seen always exists."""
        self._fresh_to: int | None = None
        """Every kept state holds every entry of its subject up to this log position."""
        self._looked = False
        self._index: set[UUID] | None = None
        """Every stream with an entry up to ``fresh_to`` (and maybe later ones), once read."""
        self._misses = 0

    def begin(self) -> RecordedSubjects:
        """A new unit of work starts: its first read of a kept state looks at the log's head."""
        self._looked = False
        return self

    def exists_now(self, ref: str) -> bool:
        """True when a subject has been recorded under ``ref``, asking the store unless known."""
        if ref in self.known:
            return True
        parse_ref(ref)
        found = self._app.log_recorder.stream_exists(subject_id(ref))
        if found:
            self.known.add(ref)
        return found

    def exists(self, ref: str) -> bool:
        """True when a subject has been recorded under ``ref`` (as of the unit's look at the head)."""
        if ref in self.known:
            return True
        if self._index is None and self._misses >= INDEX_AFTER + (self._fresh_to or 0) // 64:
            self._read_index()
        if self._index is None:
            found = self.exists_now(ref)
            self._misses += not found
            return found
        parse_ref(ref)
        self._look()
        found = subject_id(ref) in self._index
        if found:
            self.known.add(ref)
        return found

    def get(self, ref: str) -> State:
        """The current state of ``ref``: the kept one if fresh, else read from the store."""
        cache: Any = self._app.repository.cache
        key = subject_id(ref)
        if cache is not None and key in cache.cache:
            # Only a kept state needs the look at the head (which may drop it); others are read anyway.
            self._look()
            try:
                return cast("State", cache.get(key))
            except KeyError:
                pass
        return self._read(ref)

    def saved(
        self, positions: Sequence[int], streams: Iterable[UUID] | None, states: Iterable[SubjectState]
    ) -> None:
        """A unit of work wrote its events at ``positions``, leaving its subjects in ``states``.

        ``streams`` holds (at least) the ids of the subjects it created; None if not known.
        """
        self.known.update(state.ref for state in states)
        if positions and self._fresh_to is not None and positions[0] == self._fresh_to + 1:
            # Nobody else wrote in between: what is kept is still complete up to the new head.
            self._fresh_to = positions[-1]
            if self._index is not None and streams is None:
                self._index = None
            elif self._index is not None and streams is not None:
                self._index.update(streams)
        self._app.remember(states)

    def forget(self) -> None:
        """Forget everything known of the store (another process may have replaced its content)."""
        self.known.clear()
        self._fresh_to = None
        self._index = None

    def _look(self) -> None:
        """Once per unit: drop the kept states of subjects written since ``fresh_to`` by others."""
        if self._looked:
            return
        recorder = self._app.log_recorder
        head = recorder.max_position()
        if head != self._fresh_to:
            cache: Any = self._app.repository.cache
            since = self._fresh_to
            if since is None or not since < head <= since + KEPT_GAP:
                stale: Iterable[Any] = list(cache.cache) if cache is not None else ()
                self._index = None
            else:
                stale = {record.originator_id for record in recorder.select_log(since, head - since, head)}
                if self._index is not None:
                    self._index.update(stale)
            for key in stale if cache is not None else ():
                with contextlib.suppress(KeyError):
                    cache.get(key, evict=True)
            self._fresh_to = head
        self._looked = True

    def _read_index(self) -> None:
        """Read the id of every recorded subject, as of the head (or later: ids are never removed)."""
        self._look()
        self._index = set(self._app.log_recorder.stream_ids())
