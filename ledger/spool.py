"""A unit of work of any size in bounded memory, for imports: :class:`SpooledUnitOfWork`.

An import of a million entries is still one transaction, all or nothing,
but its pending events and the states of its subjects cannot all be held
in memory. This unit keeps the states of the ``keep`` subjects used last in
memory and spools the others, with every pending event (as the bytes the
store will hold), to a scratch SQLite file in the temporary folder, deleted
when the unit is closed. The ledger then writes the events in chunks inside
one transaction (:meth:`~ledger.storage.records.LogRecorder.insert_event_chunks`).
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import cast, get_args
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent

from domain import State
from domain.events import Event, SubjectState, apply_in_world_order
from domain.refs import subject_id
from ledger.storage.records import IMPORT_CHUNK
from ledger.unit_of_work import Subjects, UnitOfWork

_STATE_CLASSES: dict[str, type[SubjectState]] = {cls.__name__: cls for cls in get_args(State)}

KEEP = 4096
"""States a spooled unit keeps in memory (the subjects used last)."""

EVENTS_OF = "SELECT version, topic, state FROM events WHERE originator_id = ? ORDER BY n"
"""A subject's spooled events, in the order they were added (by the index ``events_by_subject``)."""

CREATED_KEPT = 100_000
"""New subjects whose ids a spooled unit keeps for the ledger's index of subjects; beyond, none."""


class SpooledUnitOfWork(UnitOfWork):
    """A unit of work that spools pending events and all but the last-used states to a scratch file."""

    def __init__(
        self, subjects: Subjects, mapper: Mapper[UUID], *, keep: int = KEEP, check_at_end: bool = False
    ) -> None:
        super().__init__(subjects, check_at_end=check_at_end)
        self._mapper = mapper
        self._keep = keep
        self._recent: OrderedDict[str, SubjectState] = OrderedDict()
        self.states = self._recent
        self._count = 0
        self._spilled = False
        """Whether a state was ever spooled (until then, the scratch file holds none to look up)."""
        self.created: set[UUID] | None = set()
        """The ids of the subjects this unit creates (None: too many to keep)."""
        self._unwritten: list[StoredEvent] = []
        """Pending events (as stored) not yet in the scratch file, written a chunk at a time once spooling."""
        self._spooling = False
        """Whether pending events go to the scratch file (more than ``keep`` of them); until then every
        pending event is held in memory, by subject too (see :meth:`events_of`)."""
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._connection: sqlite3.Connection | None = None

    @property
    def _scratch(self) -> sqlite3.Connection:
        """The scratch file, made at its first use."""
        if self._connection is None:
            self._folder = tempfile.TemporaryDirectory(prefix="ledger-spool-")
            self._connection = sqlite3.connect(Path(self._folder.name) / "spool.db", isolation_level=None)
            self._connection.executescript(
                """
                PRAGMA journal_mode = OFF;
                PRAGMA synchronous = OFF;
                CREATE TABLE states (
                    ref TEXT PRIMARY KEY, kind TEXT NOT NULL, body BLOB NOT NULL, folded TEXT
                );
                CREATE TABLE events (
                    n INTEGER PRIMARY KEY, originator_id BLOB NOT NULL, version INTEGER NOT NULL,
                    topic TEXT NOT NULL, state BLOB NOT NULL
                );
                -- events_of (an entry landing out of world order folds its subject again) looks a
                -- subject's events up: without this, each look-up read every spooled event, and a
                -- one-file import of n entries cost O(n) per refold (40k entries: 245 us/event, 10k: 147).
                CREATE INDEX events_by_subject ON events (originator_id, n);
                BEGIN;
                """
            )
        return self._connection

    @property
    def count(self) -> int:
        return self._count

    def close(self) -> None:
        """Delete the scratch file, if one was made."""
        if self._connection is not None:
            self._connection.close()
        if self._folder is not None:
            self._folder.cleanup()

    def exists(self, ref: str) -> bool:
        if ref in self._recent:
            return True
        if self._spilled and self._scratch.execute("SELECT 1 FROM states WHERE ref = ?", (ref,)).fetchone():
            return True
        return self._recorded(ref)

    def subject(self, ref: str) -> SubjectState:
        if ref in self._recent:
            self._recent.move_to_end(ref)
            return self._recent[ref]
        spooled = self._spooled(ref)
        if spooled is not None:
            self._keep_state(spooled)
            return spooled
        return super().subject(ref)

    def add(self, event: Event) -> None:
        ref = event.subject
        previous = self._recent.get(ref) or self._spooled(ref)
        self._keep_state(apply_in_world_order(previous, event, lambda: self.events_of(ref)))
        self._unwritten.append(self._mapper.to_stored_event(event))
        if self.created is not None and event.originator_version == 1:
            self.created.add(event.originator_id)
            if len(self.created) > CREATED_KEPT:
                self.created = None
        self._count += 1
        if not self._spooling:
            self._pending.setdefault(ref, []).append(event)
            if self._count > self._keep:
                self._spooling = True
                self._pending.clear()
        if self._spooling and len(self._unwritten) >= IMPORT_CHUNK:
            self._write_events()

    def _write_events(self) -> None:
        """Write the pending events held in memory to the scratch file."""
        self._scratch.executemany(
            "INSERT INTO events (originator_id, version, topic, state) VALUES (?, ?, ?, ?)",
            [(_id_bytes(s.originator_id), s.originator_version, s.topic, s.state) for s in self._unwritten],
        )
        self._unwritten.clear()

    def stored_chunks(self, size: int = IMPORT_CHUNK) -> Iterator[Sequence[StoredEvent]]:
        """The pending events as the store will hold them, in order, ``size`` at a time."""
        if not self._spooling:
            for start in range(0, len(self._unwritten), size):
                yield self._unwritten[start : start + size]
            return
        self._write_events()
        after = 0
        while True:
            rows = self._scratch.execute(
                "SELECT n, originator_id, version, topic, state FROM events WHERE n > ? ORDER BY n LIMIT ?",
                (after, size),
            ).fetchall()
            if not rows:
                return
            after = rows[-1][0]
            yield [
                StoredEvent(
                    originator_id=UUID(bytes=row[1]), originator_version=row[2], topic=row[3], state=row[4]
                )
                for row in rows
            ]

    def _keep_state(self, state: SubjectState) -> None:
        self._recent[state.ref] = state
        self._recent.move_to_end(state.ref)
        while len(self._recent) > self._keep:
            ref, old = self._recent.popitem(last=False)
            self._spilled = True
            # Where the state's fold reached is not part of its JSON: kept beside it.
            folded = None if old.folded_to is None else "|".join(t.isoformat() for t in old.folded_to)
            self._scratch.execute(
                "INSERT OR REPLACE INTO states VALUES (?, ?, ?, ?)",
                (ref, type(old).__name__, old.__pydantic_serializer__.to_json(old), folded),
            )

    def _spooled(self, ref: str) -> SubjectState | None:
        if not self._spilled:
            return None
        row = self._scratch.execute("SELECT kind, body, folded FROM states WHERE ref = ?", (ref,)).fetchone()
        if row is None:
            return None
        state = _STATE_CLASSES[row[0]].model_validate_json(row[1])
        if row[2] is not None:
            earliest, latest = (datetime.fromisoformat(t) for t in row[2].split("|"))
            state = state.model_copy(update={"folded_to": (earliest, latest)})
        return state

    def events_of(self, ref: str) -> list[Event]:
        """Every event of ``ref``: recorded, then spooled in this unit, in version order."""
        if not self._spooling:
            return super().events_of(ref)
        self._write_events()
        rows = self._scratch.execute(EVENTS_OF, (subject_id(ref).bytes,)).fetchall()
        pending = [
            cast(
                Event,
                self._mapper.to_domain_event(
                    StoredEvent(
                        originator_id=subject_id(ref), originator_version=row[0], topic=row[1], state=row[2]
                    )
                ),
            )
            for row in rows
        ]
        if pending and pending[0].originator_version == 1:
            return pending
        return [entry.event for entry in self._subjects.history(ref)] + pending


def _id_bytes(originator_id: object) -> bytes:
    """A stream id (a UUID from the ledger's mapper) as its 16 bytes."""
    return originator_id.bytes if isinstance(originator_id, UUID) else UUID(str(originator_id)).bytes
