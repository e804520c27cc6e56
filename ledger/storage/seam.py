"""The one seam between the ledger and its backend: :class:`StorageKind` and :class:`Storage`.

A ledger URL picks a backend once (:func:`ledger.storage.backends.backend_for`
turns it into eventsourcing's settings, whose recorder topic names the
recorder class). Each recorder class carries its :class:`StorageKind`:
what differs between backends (SQL dialect, how a lock error reads), and
builds what needs its datastore (the views' database, the Merkle tree
store). :class:`Storage` gathers them for the :class:`~ledger.Ledger`; no
code asks which backend it runs on by name. Each backend's schema check
(:func:`ledger.storage.sqlite_files.check_ledger_file`,
:func:`ledger.storage.postgres.check_ledger_schema`) runs once, when the URL
is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from domain.errors import AlreadyExistsError, ConflictError, LedgerError
from projections.sql import Database, Dialect

if TYPE_CHECKING:
    from collections.abc import Sequence

    from domain.events import Event
    from ledger.integrity.sqltree import SQLTreeStore
    from ledger.storage.records import LogRecorder


SQLITE_LOCK_SIGNS = ("locked", "busy")
"""SQLite: "database is locked" (or busy) once the busy timeout has passed."""

POSTGRES_LOCK_SIGNS = ("lock timeout",)
"""PostgreSQL: "canceling statement due to lock timeout" once ``POSTGRES_LOCK_TIMEOUT`` has passed."""


def is_lock_error(
    error: BaseException | str, signs: tuple[str, ...] = SQLITE_LOCK_SIGNS + POSTGRES_LOCK_SIGNS
) -> bool:
    """True when a driver's ``error`` (or its message) says another writer held the lock.

    The one place lock errors are recognised: by default whichever backend raised it.
    """
    text = str(error).lower()
    return any(sign in text for sign in signs)


@dataclass(frozen=True)
class StorageKind:
    """What differs between backends, beside the recorder class itself."""

    name: str
    dialect: Dialect
    lock_signs: tuple[str, ...]
    """Text in a driver's error that means "another writer holds the lock": a conflict, to retry."""

    def is_lock_error(self, error: BaseException) -> bool:
        """True when ``error`` says another writer held the lock, in this backend's words."""
        return is_lock_error(error, self.lock_signs)


class Storage:
    """An open backend: the recorder, its datastore and tree store, the views' database, its kind."""

    def __init__(self, recorder: LogRecorder, url: str) -> None:
        self.recorder = recorder
        self.url = url
        """Where the ledger lives (passwords redacted)."""
        self.kind: StorageKind = recorder.kind

    @property
    def datastore(self) -> Any:
        """eventsourcing's datastore (connections and transactions) of the ledger's database."""
        return self.recorder.datastore

    @property
    def dialect(self) -> Dialect:
        """The SQL dialect the views and the tree store write in."""
        return self.kind.dialect

    @property
    def tree(self) -> SQLTreeStore:
        """The Merkle tree and checkpoints, stored beside the log."""
        return self.recorder.tree

    def views_database(self) -> Database:
        """Where the materialised views live: the ledger's own database (and schema)."""
        return self.recorder.views_database()

    def is_lock_error(self, error: BaseException) -> bool:
        """True when ``error`` means another writer held the lock."""
        return self.kind.is_lock_error(error)

    def explain_collision(self, events: Sequence[Event]) -> LedgerError:
        """Why the store refused ``events`` as a duplicate: which subject was recorded, or changed, first."""
        for event in events:
            taken = self.recorder.select_events(event.originator_id, gt=event.originator_version - 1, limit=1)
            if taken and taken[0].originator_version == event.originator_version:
                if event.originator_version == 1:
                    return AlreadyExistsError(f"{event.subject} already exists")
                return ConflictError(
                    f"{event.subject} was changed by another writer at the same time; try again"
                )
        return ConflictError("another writer recorded the same entries at the same time; try again")
