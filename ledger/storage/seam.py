"""The one seam between the ledger and its backend: :class:`StorageKind` and :class:`Storage`.

A ledger URL picks a backend once (:func:`ledger.storage.backends.backend_for`
turns it into eventsourcing's settings, whose recorder topic names the
recorder class). Each recorder class carries its :class:`StorageKind`:
what differs between backends (SQL dialect, how a lock error reads), and
builds what needs its datastore (the views' database, the Merkle tree
store). :class:`Storage` gathers them for the :class:`~ledger.Ledger`; no
code asks which backend it runs on by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from projections.sql import Database, Dialect

if TYPE_CHECKING:
    from ledger.integrity.sqltree import SQLTreeStore
    from ledger.storage.records import LogRecorder


@dataclass(frozen=True)
class StorageKind:
    """What differs between backends, beside the recorder class itself."""

    name: str
    dialect: Dialect
    lock_signs: tuple[str, ...]
    """Text in a driver's error that means "another writer holds the lock": a conflict, to retry."""

    def is_lock_error(self, error: BaseException) -> bool:
        """True when ``error`` says another writer held the lock (the one place this is decided)."""
        text = str(error).lower()
        return any(sign in text for sign in self.lock_signs)


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
