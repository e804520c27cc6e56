"""The tamper suite: each way of altering a ledger file is caught by verify, at the right place."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from uuid import UUID

import pytest

from domain.errors import VerificationError
from ledger import Checkpoint, Ledger, Signer
from ledger.integrity.store import tree_rows
from ledger.storage.records import LogRecord
from ledger.storage.sqlite import _COLUMNS
from tests.integrity.helpers import raw, record_actors

MakeLedger = Callable[..., Path]

FIELDS = "originator_id, originator_version, topic, state, recorded_at"
"""The columns of a stored event besides its position, which SQLite assigns as max + 1."""


def failure(path: Path, key: Signer | None = None, trusted: Checkpoint | None = None) -> VerificationError:
    with Ledger.open(path, create=False) as ledger, pytest.raises(VerificationError) as caught:
        ledger.verify(keys=[key.verifier] if key else [], trusted=trusted)
    return caught.value


def signed(make_ledger: MakeLedger, key: Signer, *sizes: int) -> tuple[Path, list[Checkpoint]]:
    """A ledger with a checkpoint after each batch of ``sizes`` entries."""
    path = make_ledger(0)
    checkpoints = []
    with Ledger.open(path) as ledger:
        for i, size in enumerate(sizes):
            record_actors(ledger, size, prefix=f"batch{i}")
            checkpoints.append(ledger.checkpoint(key))
    return path, checkpoints


def test_a_clean_ledger_verifies(make_ledger: MakeLedger, key: Signer) -> None:
    path, checkpoints = signed(make_ledger, key, 6, 4)
    with Ledger.open(path) as ledger:
        report = ledger.verify(keys=[key.verifier], trusted=checkpoints[0])
    assert (report.events, report.checkpoints, report.trusted_size) == (10, 2, 6)


def test_one_flipped_byte_of_a_stored_event(make_ledger: MakeLedger, key: Signer) -> None:
    path, _ = signed(make_ledger, key, 10)
    with raw(path) as db:
        state = bytearray(db.execute("SELECT state FROM stored_events WHERE notification_id=7").fetchone()[0])
        state[20] ^= 0x01
        db.execute("UPDATE stored_events SET state=? WHERE notification_id=7", (bytes(state),))
    error = failure(path, key)
    assert error.position == 7
    assert str(error).startswith("position 7: the stored entry does not match the leaf recorded with it")


def test_a_changed_event_type(make_ledger: MakeLedger) -> None:
    path = make_ledger(5)
    with raw(path) as db:
        db.execute("UPDATE stored_events SET topic='ledger.SourceRegistered.v1' WHERE notification_id=3")
    assert failure(path).position == 3


def test_a_moved_record_time(make_ledger: MakeLedger) -> None:
    path = make_ledger(5)
    with raw(path) as db:
        db.execute("UPDATE stored_events SET recorded_at=recorded_at-1000000 WHERE notification_id=4")
    assert failure(path).position == 4


def test_swapped_payloads_of_two_rows(make_ledger: MakeLedger, key: Signer) -> None:
    path, _ = signed(make_ledger, key, 8)
    with raw(path) as db:
        (a,), (b,) = db.execute(
            "SELECT state FROM stored_events WHERE notification_id IN (3, 6) ORDER BY notification_id"
        )
        db.execute("UPDATE stored_events SET state=? WHERE notification_id=3", (b,))
        db.execute("UPDATE stored_events SET state=? WHERE notification_id=6", (a,))
    assert failure(path, key).position == 3


def test_a_deleted_middle_row(make_ledger: MakeLedger, key: Signer) -> None:
    path, _ = signed(make_ledger, key, 9)
    with raw(path) as db:
        db.execute("DELETE FROM stored_events WHERE notification_id=5")
    error = failure(path, key)
    assert error.position == 5
    assert str(error) == "position 5: the entry is missing from the log (the next one is at 6)"


def test_the_last_row_deleted_and_another_inserted(make_ledger: MakeLedger) -> None:
    path = make_ledger(6)
    with raw(path) as db:
        row = db.execute(f"SELECT {FIELDS} FROM stored_events WHERE notification_id=6").fetchone()
        db.execute("DELETE FROM stored_events WHERE notification_id=6")
        replaced = row[3].replace(b"Actor 5", b"Actor 9")
        db.execute(
            f"INSERT INTO stored_events ({FIELDS}) VALUES (?, ?, ?, ?, ?)", (*row[:3], replaced, row[4])
        )
        assert db.execute("SELECT MAX(notification_id) FROM stored_events").fetchone()[0] == 6
    assert failure(path).position == 6


def test_a_row_inserted_without_the_ledger(make_ledger: MakeLedger) -> None:
    path = make_ledger(4)
    with raw(path) as db:
        row = db.execute(f"SELECT {FIELDS} FROM stored_events WHERE notification_id=4").fetchone()
        db.execute(f"INSERT INTO stored_events ({FIELDS}) VALUES (?, ?, ?, ?, ?)", (row[0], 2, *row[2:]))
    error = failure(path)
    assert error.position == 5
    assert "the tree has no leaf for this entry" in str(error)


def test_the_log_truncated_after_a_checkpoint(make_ledger: MakeLedger, key: Signer) -> None:
    path, _ = signed(make_ledger, key, 5, 5)
    with raw(path) as db:
        db.execute("DELETE FROM stored_events WHERE notification_id>7")
    error = failure(path, key)
    assert error.position == 8
    assert "the log was truncated" in str(error)


def test_the_log_and_its_tree_truncated_after_a_checkpoint(make_ledger: MakeLedger, key: Signer) -> None:
    path, _ = signed(make_ledger, key, 5, 5)
    with raw(path) as db:
        db.execute("DELETE FROM stored_events WHERE notification_id>7")
        db.execute("DELETE FROM merkle_nodes WHERE position>7")
    error = failure(path, key)
    assert (error.position, error.checkpoint) == (8, 2)
    assert "checkpoint #2 covers 10 entries (truncated or rolled back)" in str(error)


def test_an_entry_rewritten_together_with_the_tree(make_ledger: MakeLedger, key: Signer) -> None:
    """A careful forger recomputes every leaf and node; the next signed root still gives it away."""
    path, _ = signed(make_ledger, key, 4, 5, 3)
    with raw(path) as db:
        db.execute(
            "UPDATE stored_events SET state=replace(state, 'Batch1 2', 'Batch1 X') WHERE notification_id=7"
        )
        rows = db.execute(f"SELECT {_COLUMNS} FROM stored_events ORDER BY notification_id").fetchall()
        records = [LogRecord(r[0], UUID(r[1]), r[2], r[3], r[4], r[5]) for r in rows]
        db.execute("DELETE FROM merkle_nodes")
        db.executemany("INSERT INTO merkle_nodes VALUES (?, ?, ?)", tree_rows(0, [], records))
    error = failure(path, key)
    assert (error.position, error.checkpoint) == (5, 2)
    assert "checkpoint #2 (size 9) does not match the log" in str(error)
    assert "an entry in positions 5..9 was changed, together with the stored tree" in str(error)


def test_a_forked_ledger_is_caught_with_a_trusted_checkpoint(make_ledger: MakeLedger, key: Signer) -> None:
    path, (shared,) = signed(make_ledger, key, 5)
    fork = path.with_name("fork.db")
    shutil.copy(path, fork)
    with Ledger.open(path) as original:
        record_actors(original, 3, prefix="original")
        trusted = original.checkpoint(key)
    with Ledger.open(fork) as forked:
        record_actors(forked, 4, prefix="forked")
        # On its own, the fork is a well-formed ledger.
        assert forked.verify(keys=[key.verifier], trusted=shared).events == 9
    error = failure(fork, key, trusted)
    assert error.checkpoint is None
    assert str(error).startswith(
        "the trusted checkpoint (size 8) does not match the log: its first 8 entries"
    )
    with (
        Ledger.open(fork) as forked,
        pytest.raises(VerificationError, match="does not match this ledger's tree: the ledger forked"),
    ):
        forked.prove_consistency(trusted)


def test_a_fork_shorter_than_the_trusted_checkpoint(make_ledger: MakeLedger, key: Signer) -> None:
    path, _ = signed(make_ledger, key, 5)
    fork = path.with_name("fork.db")
    shutil.copy(path, fork)
    with Ledger.open(path) as original:
        record_actors(original, 3, prefix="original")
        trusted = original.checkpoint(key)
    with Ledger.open(fork) as forked:
        record_actors(forked, 1, prefix="forked")
    error = failure(fork, key, trusted)
    assert error.position == 7
    assert "the trusted checkpoint covers 8 entries" in str(error)


def test_a_forged_checkpoint(make_ledger: MakeLedger, key: Signer) -> None:
    path, (checkpoint,) = signed(make_ledger, key, 6)
    other_root = Checkpoint("x", 0, bytes(range(32)), "").root_base64
    with raw(path) as db:
        db.execute(
            "UPDATE checkpoints SET note=? WHERE seq=1",
            (checkpoint.note.replace(checkpoint.root_base64, other_root),),
        )
    error = failure(path, key)
    assert error.checkpoint == 1
    assert str(error) == "checkpoint #1: the signature by desk does not verify"
    # Without keys, the forged root still does not match the log.
    assert str(failure(path)).startswith("checkpoint #1 (size 6) does not match the log")


def test_a_checkpoint_stripped_of_its_signature(make_ledger: MakeLedger, key: Signer) -> None:
    path, (checkpoint,) = signed(make_ledger, key, 3)
    with raw(path) as db:
        db.execute("UPDATE checkpoints SET note=? WHERE seq=1", (checkpoint.note.split("\n\n")[0] + "\n\n",))
    error = failure(path, key)
    assert (error.checkpoint, str(error)) == (1, "checkpoint #1: malformed note: it has no signature")


def test_a_checkpoint_removed_from_the_middle(make_ledger: MakeLedger, key: Signer) -> None:
    path, _ = signed(make_ledger, key, 2, 2, 2)
    with raw(path) as db:
        db.execute("DELETE FROM checkpoints WHERE seq=2")
    error = failure(path, key)
    assert (error.checkpoint, str(error)) == (2, "checkpoint #2 is missing: checkpoints were removed")


def test_a_rolled_back_checkpoint(make_ledger: MakeLedger, key: Signer) -> None:
    path, (first, second) = signed(make_ledger, key, 3, 3)
    with raw(path) as db:
        db.execute("UPDATE checkpoints SET note=?, size=6 WHERE seq=1", (second.note,))
        db.execute("UPDATE checkpoints SET note=?, size=3 WHERE seq=2", (first.note,))
    error = failure(path, key)
    assert (error.checkpoint, str(error)) == (2, "checkpoint #2 rolls the log back from size 6 to 3")


def test_a_ledger_rolled_back_to_an_earlier_checkpoint(make_ledger: MakeLedger, key: Signer) -> None:
    path, (_, latest) = signed(make_ledger, key, 4, 3)
    with raw(path) as db:
        db.execute("DELETE FROM checkpoints WHERE seq=2")
        db.execute("DELETE FROM stored_events WHERE notification_id>4")
        db.execute("DELETE FROM merkle_nodes WHERE position>4")
    # Rolled back whole, the ledger is consistent with itself: only the auditor's checkpoint shows it.
    with Ledger.open(path) as ledger:
        assert ledger.verify(keys=[key.verifier]).events == 4
    error = failure(path, key, latest)
    assert error.position == 5
    assert "the trusted checkpoint covers 7 entries (truncated or rolled back)" in str(error)


def test_a_checkpoint_table_rolled_back(make_ledger: MakeLedger, key: Signer) -> None:
    path, (_, latest) = signed(make_ledger, key, 4, 3)
    with raw(path) as db:
        db.execute("DELETE FROM checkpoints WHERE seq=2")
    error = failure(path, key, latest)
    assert str(error) == (
        "the trusted checkpoint (size 7) is not among the ledger's 1 stored checkpoints: "
        "they were removed or rolled back"
    )


def test_a_checkpoint_signed_by_an_unknown_key(make_ledger: MakeLedger, key: Signer) -> None:
    path, _ = signed(make_ledger, key, 3)
    with Ledger.open(path) as ledger:
        record_actors(ledger, 2, prefix="late")
        ledger.checkpoint(Ledger.generate_key("intruder"))
    error = failure(path, key)
    assert error.checkpoint == 2
    assert str(error).startswith("checkpoint #2: not signed by any of the given keys (signed by intruder+")


def test_checkpoint_refuses_to_sign_over_a_changed_past(make_ledger: MakeLedger, key: Signer) -> None:
    path, _ = signed(make_ledger, key, 3)
    with Ledger.open(path) as ledger:
        record_actors(ledger, 3, prefix="late")
    with raw(path) as db:
        db.execute(
            "UPDATE stored_events SET state=replace(state, 'Late 1', 'Late 7') WHERE notification_id=5"
        )
    with Ledger.open(path) as ledger, pytest.raises(VerificationError, match="position 5: the stored entry"):
        ledger.checkpoint(key)
    with raw(path) as db:
        db.execute(
            "UPDATE stored_events SET state=replace(state, 'Late 7', 'Late 1') WHERE notification_id=5"
        )
        db.execute("UPDATE merkle_nodes SET hash=? WHERE position=2 AND level=1", (bytes(32),))
    with (
        Ledger.open(path) as ledger,
        pytest.raises(VerificationError, match="refusing to sign: checkpoint #1"),
    ):
        ledger.checkpoint(key)
    with raw(path) as db:
        assert db.execute("SELECT COUNT(*) FROM checkpoints").fetchone()[0] == 1


@pytest.mark.parametrize(
    ("column", "value"),
    [("topic", 7), ("recorded_at", "yesterday"), ("originator_version", -1), ("originator_id", "not-a-uuid")],
)
def test_a_malformed_row_is_reported_not_crashed_on(
    make_ledger: MakeLedger, column: str, value: object
) -> None:
    path = make_ledger(4)
    with raw(path) as db:
        db.execute(f"UPDATE stored_events SET {column}=? WHERE notification_id=3", (value,))
    assert failure(path).position == 3


# -- after a redaction (leaf format v2) ---------------------------------------------------------


def redacted(make_ledger: MakeLedger, key: Signer) -> Path:
    """A signed ledger of 10 actors whose entry at position 4 was redacted (event at position 11)."""
    path, _ = signed(make_ledger, key, 10)
    with Ledger.open(path) as ledger:
        ledger.redact("actor/batch0-3", version=1, reason="erasure request", recorded_by="legal")
        ledger.checkpoint(key)
    return path


def _state(path: Path, position: int) -> bytes:
    with raw(path) as db:
        row = db.execute("SELECT state FROM stored_events WHERE notification_id=?", (position,)).fetchone()
    return bytes(row[0])


def _store(path: Path, position: int, state: bytes) -> None:
    with raw(path) as db:
        db.execute("UPDATE stored_events SET state=? WHERE notification_id=?", (state, position))


def test_a_redacted_ledger_verifies(make_ledger: MakeLedger, key: Signer) -> None:
    path = redacted(make_ledger, key)
    with Ledger.open(path) as ledger:
        report = ledger.verify(keys=[key.verifier])
    assert (report.events, report.redacted) == (11, (4,))


def test_a_flipped_byte_in_the_structure_of_a_redacted_entry(make_ledger: MakeLedger, key: Signer) -> None:
    path = redacted(make_ledger, key)
    state = _state(path, 4)
    assert b'"kind":"person"' in state
    _store(path, 4, state.replace(b'"kind":"person"', b'"kind":"persoo"'))
    error = failure(path, key)
    assert error.position == 4
    assert "does not match the leaf" in str(error)


def test_a_flipped_byte_in_the_remaining_content(make_ledger: MakeLedger, key: Signer) -> None:
    path = redacted(make_ledger, key)
    state = _state(path, 6)
    assert b'"name":"Batch0 5"' in state
    _store(path, 6, state.replace(b'"name":"Batch0 5"', b'"name":"Batch0 6"'))
    error = failure(path, key)
    assert error.position == 6


def test_a_redaction_without_its_redaction_event(make_ledger: MakeLedger, key: Signer) -> None:
    from ledger.integrity.content import redact  # noqa: PLC0415

    path = redacted(make_ledger, key)
    # The content erased the way the ledger erases it (so the leaf still matches), with no event naming it.
    _store(path, 8, redact(_state(path, 8), "[gone]"))
    error = failure(path, key)
    assert error.position == 8
    assert str(error) == "position 8: the entry's content was erased without a redaction event naming it"


def test_a_redaction_event_naming_the_wrong_digest(make_ledger: MakeLedger, key: Signer) -> None:
    path = redacted(make_ledger, key)
    # Rewrite the entry's kept digest to match a forged event's: the entry's own leaf gives it away.
    state = _state(path, 4)
    start = state.index(b'"content_sha256":"') + len(b'"content_sha256":"')
    forged = state[:start] + b"A" * 43 + b"=" + state[start + 44 :]
    _store(path, 4, forged)
    error = failure(path, key)
    assert error.position == 4


def test_a_removed_salt_on_an_unredacted_entry(make_ledger: MakeLedger, key: Signer) -> None:
    path = redacted(make_ledger, key)
    state = _state(path, 5)
    _store(path, 5, state[: state.index(b',"_salt":"')] + b"}")
    error = failure(path, key)
    assert error.position == 5
    assert "does not match the leaf" in str(error)
