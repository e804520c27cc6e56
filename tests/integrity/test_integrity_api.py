"""The integrity methods of Ledger on real SQLite files."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from integrity_helpers import raw, record_actors

from domain.errors import AlreadyExistsError, ConflictError, InvalidError, NotFoundError, VerificationError
from ledger import Ledger, Signer, check_proof
from ledger.integrity.leaves import record_leaf_hash
from ledger.integrity.store import TreeRecorder
from ledger.integrity.tree import root_of


def test_the_tree_grows_with_the_log_and_its_root_is_the_root_of_the_leaves(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "l.db") as ledger:
        assert ledger.tree_head().size == 0
        for batch in (1, 2, 5, 1, 13):
            record_actors(ledger, batch, prefix=f"b{ledger.head}")
            head = ledger.tree_head()
            records = list(ledger._records(0, None))
            assert head.size == ledger.head == len(records)
            assert head.root == root_of(record_leaf_hash(r) for r in records)
        assert ledger.verify().root == head.root


def test_a_failed_append_stores_neither_events_nor_tree(make_ledger: Callable[..., Path]) -> None:
    path = make_ledger(3)
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


def test_checkpoints_are_signed_stored_and_verified(make_ledger: Callable[..., Path], key: Signer) -> None:
    with Ledger.open(make_ledger(5)) as ledger:
        first = ledger.checkpoint(key)
        assert (first.origin, first.size, first.signed_by) == (ledger.origin, 5, ("desk",))
        assert first.note.startswith(f"{ledger.origin}\n5\n{first.root_base64}\n\n— desk ")
        record_actors(ledger, 3, prefix="more")
        second = ledger.checkpoint(key.encode())
        assert [c.size for c in ledger.checkpoints()] == [5, 8]
        report = ledger.verify(keys=[key.verifier], trusted=first)
        assert (report.events, report.checkpoints, report.root) == (8, 2, second.root)
        assert report.signatures_checked
        assert "verified 8 events" in report.summary()
        assert "2 checkpoints (latest of size 8; signatures checked)" in report.summary()
        assert not ledger.verify().signatures_checked


def test_an_empty_ledger_verifies_and_has_nothing_to_sign(tmp_path: Path, key: Signer) -> None:
    with Ledger.open(tmp_path / "l.db") as ledger:
        assert (
            ledger.verify()
            .summary()
            .startswith("verified 0 events, root 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
        )
        with pytest.raises(InvalidError, match="empty"):
            ledger.checkpoint(key)


def test_concurrent_checkpoints_cannot_interleave(make_ledger: Callable[..., Path], key: Signer) -> None:
    with Ledger.open(make_ledger(2)) as ledger:
        ledger.checkpoint(key)
        tree = ledger._recorder
        assert isinstance(tree, TreeRecorder)
        with pytest.raises(ConflictError):
            tree.insert_checkpoint("stale", 2, after=0)


def test_inclusion_proofs_for_every_entry_check_offline(
    make_ledger: Callable[..., Path], key: Signer
) -> None:
    with Ledger.open(make_ledger(7)) as ledger:
        ledger.checkpoint(key)
        for i in range(7):
            proof = ledger.prove_inclusion(f"actor/actor-{i}")
            result = check_proof(proof.to_json(), [key.verifier])
            assert result.record is not None
            assert (result.record.position, result.size, result.signed_by) == (i + 1, 7, ("desk",))
            assert f"actor/actor-{i} v1" in result.summary()


def test_inclusion_proofs_name_versions_and_checkpoints(
    make_ledger: Callable[..., Path], key: Signer
) -> None:
    with Ledger.open(make_ledger(3)) as ledger:
        old = ledger.checkpoint(key)
        ledger.correct("actor/actor-1", version=1, reason="typo in the name")
        with pytest.raises(InvalidError, match="newer than the checkpoint of size 3: sign a new checkpoint"):
            ledger.prove_inclusion("actor/actor-1")
        ledger.checkpoint(key)
        latest = check_proof(ledger.prove_inclusion("actor/actor-1"), [key.verifier])
        assert latest.record is not None
        assert (latest.record.originator_version, latest.size) == (2, 4)
        against_old = check_proof(ledger.prove_inclusion("actor/actor-1", 1, old.note), [key.verifier])
        assert against_old.size == 3
        with pytest.raises(NotFoundError, match="no version 3"):
            ledger.prove_inclusion("actor/actor-1", 3)
        with pytest.raises(NotFoundError, match="does not exist"):
            ledger.prove_inclusion("actor/nobody")


def test_without_a_checkpoint_a_proof_is_against_the_unsigned_tree(make_ledger: Callable[..., Path]) -> None:
    with Ledger.open(make_ledger(3)) as ledger:
        proof = ledger.prove_inclusion("actor/actor-0")
        assert proof.tree.checkpoint is None
        assert check_proof(proof).signed_by == ()
        with pytest.raises(VerificationError, match="no signed checkpoint"):
            check_proof(proof, [Ledger.generate_key().verifier])


def test_consistency_proofs_between_checkpoints(make_ledger: Callable[..., Path], key: Signer) -> None:
    with Ledger.open(make_ledger(3)) as ledger:
        checkpoints = [ledger.checkpoint(key)]
        for n in (1, 4, 9):
            record_actors(ledger, n, prefix=f"n{n}")
            checkpoints.append(ledger.checkpoint(key))
        for i, old in enumerate(checkpoints):
            for new in checkpoints[i:]:
                result = check_proof(ledger.prove_consistency(old, new).to_json(), [key.verifier])
                assert (result.old_size, result.size) == (old.size, new.size)
        assert check_proof(ledger.prove_consistency(checkpoints[0].note), [key.verifier]).size == 17
        with pytest.raises(InvalidError, match="older than the old one"):
            ledger.prove_consistency(checkpoints[2], checkpoints[1])


def test_proofs_refuse_checkpoints_of_another_ledger(make_ledger: Callable[..., Path], key: Signer) -> None:
    with Ledger.open(make_ledger(3, "other.db")) as other:
        foreign = other.checkpoint(key)
    with Ledger.open(make_ledger(3)) as ledger:
        with pytest.raises(VerificationError, match="is for the log"):
            ledger.prove_consistency(foreign)
        with pytest.raises(VerificationError, match="is for the log"):
            ledger.verify(trusted=foreign.note)


def test_a_tampered_proof_is_rejected(make_ledger: Callable[..., Path], key: Signer) -> None:
    with Ledger.open(make_ledger(5)) as ledger:
        ledger.checkpoint(key)
        proof = json.loads(ledger.prove_inclusion("actor/actor-2").to_json())
    other = dict(proof, leaf_index=3)
    with pytest.raises(VerificationError, match="not of leaf 3"):
        check_proof(json.dumps(other), [key.verifier])
    with pytest.raises(VerificationError, match="not signed by any of the given keys"):
        check_proof(json.dumps(proof), [Ledger.generate_key("desk").verifier])
    with pytest.raises(InvalidError, match="not a valid proof"):
        check_proof(json.dumps(dict(proof, extra=1)), [key.verifier])
    with pytest.raises(InvalidError, match="not a proof"):
        check_proof("[]", [key.verifier])


def test_verify_streams_in_constant_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten times the entries, about the same peak: verify holds one batch, not the log."""
    monkeypatch.setattr("ledger.integrity.verify.BATCH", 20)
    peaks = []
    for count in (100, 1000):
        with Ledger.open(tmp_path / f"{count}.db") as ledger:
            record_actors(ledger, count)
            ledger.verify()  # warm caches, so the traced peak is verify's own
            tracemalloc.start()
            ledger.verify()
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
    assert peaks[1] < peaks[0] * 1.5
