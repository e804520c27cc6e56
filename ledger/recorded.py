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
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

from domain.refs import parse_ref, subject_id

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

    def begin(self) -> RecordedSubjects:
        """A new unit of work starts: its first read of a kept state looks at the log's head."""
        self._looked = False
        return self

    def exists(self, ref: str) -> bool:
        """True when a subject has been recorded under ``ref``."""
        if ref in self.known:
            return True
        parse_ref(ref)
        found = self._app.log_recorder.stream_exists(subject_id(ref))
        if found:
            self.known.add(ref)
        return found

    def get(self, ref: str) -> State:
        """The current state of ``ref``: the kept one if fresh, else read from the store."""
        cache = self._app.repository.cache
        if cache is not None:
            self._look()
            try:
                return cast("State", cache.get(subject_id(ref)))
            except KeyError:
                pass
        return self._read(ref)

    def saved(self, positions: Sequence[int], states: Iterable[SubjectState]) -> None:
        """A unit of work wrote its events at ``positions``, leaving its subjects in ``states``."""
        self.known.update(state.ref for state in states)
        if positions and self._fresh_to is not None and positions[0] == self._fresh_to + 1:
            # Nobody else wrote in between: what is kept is still complete up to the new head.
            self._fresh_to = positions[-1]
        self._app.remember(states)

    def forget(self) -> None:
        """Forget everything known of the store (another process may have replaced its content)."""
        self.known.clear()
        self._fresh_to = None

    def _look(self) -> None:
        """Once per unit: drop the kept states of subjects written since ``fresh_to`` by others."""
        if self._looked:
            return
        recorder = self._app.log_recorder
        head = recorder.max_position()
        if head != self._fresh_to:
            cache: Any = self._app.repository.cache
            since = self._fresh_to
            if since is None or not since < head <= since + cache.maxsize:
                stale: Iterable[Any] = list(cache.cache)
            else:
                stale = {record.originator_id for record in recorder.select_log(since, head - since, head)}
            for key in stale:
                with contextlib.suppress(KeyError):
                    cache.get(key, evict=True)
            self._fresh_to = head
        self._looked = True
