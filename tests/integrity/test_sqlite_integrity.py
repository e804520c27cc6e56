"""Integrity on SQLite: in memory and in a real file, through the shared contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.errors import AlreadyExistsError, ConflictError
from ledger import Ledger
from tests.integrity.contract import IntegrityContract
from tests.integrity.helpers import raw, record_actors


class TestMemoryIntegrity(IntegrityContract):
    """An in-memory SQLite ledger."""

    def create_ledger(self, name: str = "ledger") -> Ledger:
        del name  # every in-memory ledger is a store of its own
        return Ledger.open(":memory:", recorded_by="tester")


class TestSQLiteFileIntegrity(IntegrityContract):
    """A ledger in an SQLite file."""

    tmp_path: Path

    def create_ledger(self, name: str = "ledger") -> Ledger:
        return Ledger.open(self.tmp_path / f"{name}.db", recorded_by="tester")


def test_a_failed_append_stores_neither_events_nor_tree(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    with Ledger.open(path) as ledger:
        record_actors(ledger, 3)
    with raw(path) as db:
        nodes = db.execute("SELECT COUNT(*) FROM merkle_nodes").fetchone()[0]
        # A stray leaf where the next entry's leaf belongs: the tree insert fails...
        db.execute("INSERT INTO merkle_nodes VALUES (4, 0, ?)", (bytes(32),))
    with Ledger.open(path) as ledger, pytest.raises((ConflictError, AlreadyExistsError)):
        ledger.register_actor("actor/late", name="Late", kind="person")
    with raw(path) as db:
        # ...and so does the event: one transaction.
        assert db.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0] == 3
        db.execute("DELETE FROM merkle_nodes WHERE position=4")
        assert db.execute("SELECT COUNT(*) FROM merkle_nodes").fetchone()[0] == nodes
    with Ledger.open(path) as ledger:
        ledger.register_actor("actor/late", name="Late", kind="person")
        assert ledger.verify().events == 4
