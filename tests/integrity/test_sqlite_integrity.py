"""Integrity on SQLite: in memory and in a real file, through the shared contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.errors import AlreadyExistsError, ConflictError, VerificationError
from ledger import Ledger
from ledger.storage.records import LogRecorder
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


@pytest.mark.parametrize(
    ("stored", "readable"),
    [
        ("{id}", True),
        ("{hex}", True),
        ("{upper}", True),
        ("urn:uuid:{id}", True),
        ("{{{id}}}", True),
        ("{spaced}", False),  # 32 hex digits and 4 blanks: bytes.fromhex would read it, UUID does not
        ("{hex}00", False),
        ("not a uuid at all, not at all, 36!", False),
    ],
)
def test_verify_reads_stream_ids_as_uuid_does(tmp_path: Path, stored: str, readable: bool) -> None:
    # verify reads the log as plain rows (select_log_rows): it must read every stream id exactly as
    # the record reader does, and refuse the same ones with the same message.
    path = tmp_path / "ledger.db"
    with Ledger.open(path) as ledger:
        record_actors(ledger, 3)
        expected = ledger.verify().root
    with raw(path) as db:
        (stream,) = db.execute("SELECT originator_id FROM stored_events WHERE notification_id=2").fetchone()
        hex_ = stream.replace("-", "")
        spaced = " ".join(hex_[i : i + 8] for i in range(0, 32, 8)) + " "
        text = stored.format(id=stream, hex=hex_, upper=hex_.upper(), spaced=spaced)
        db.execute("UPDATE stored_events SET originator_id=? WHERE notification_id=2", (text,))
    with Ledger.open(path) as ledger:
        recorder = ledger._recorder
        if readable:
            assert ledger.verify().root == expected
            assert recorder.select_log_rows(0, 10) == LogRecorder.select_log_rows(recorder, 0, 10)
        else:
            with pytest.raises(VerificationError, match="position 2: the stored entry cannot be read"):
                ledger.verify()
