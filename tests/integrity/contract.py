"""The integrity contract every ledger backend passes: one base class, one subclass per backend.

A backend plugs in by subclassing :class:`IntegrityContract` in a module
named ``test_*.py`` and implementing :meth:`~IntegrityContract.create_ledger`::

    class TestPostgresIntegrity(IntegrityContract):
        def create_ledger(self, name: str = "ledger") -> Ledger:
            return Ledger.open(f"{self.url}?schema={name}", recorded_by="tester")
"""

from __future__ import annotations

import json
import tracemalloc
from abc import ABC, abstractmethod
from collections.abc import Iterator

import pytest

from domain.errors import ConflictError, InvalidError, NotFoundError, VerificationError
from ledger import Ledger, Signer, check_proof
from ledger.integrity.leaves import record_leaf_hash
from ledger.integrity.store import TreeRecorder
from ledger.integrity.tree import root_of
from tests.integrity.helpers import record_actors


class IntegrityContract(ABC):
    """The tree, checkpoints, verify and proofs, through the public Ledger API only."""

    tmp_path: object

    @abstractmethod
    def create_ledger(self, name: str = "ledger") -> Ledger:
        """A new, empty ledger on the backend under test; each ``name`` its own store."""

    @pytest.fixture(autouse=True)
    def _remember_tmp_path(self, tmp_path: object) -> None:
        self.tmp_path = tmp_path

    @pytest.fixture
    def ledger(self) -> Iterator[Ledger]:
        with self.create_ledger() as ledger:
            yield ledger

    @pytest.fixture
    def key(self) -> Signer:
        return Ledger.generate_key("desk")

    def test_the_tree_grows_with_the_log_and_its_root_is_the_root_of_the_leaves(self, ledger: Ledger) -> None:
        assert ledger.tree_head().size == 0
        for batch in (1, 2, 5, 1, 13):
            record_actors(ledger, batch, prefix=f"b{ledger.head}")
            head = ledger.tree_head()
            records = list(ledger._records(0, None))
            assert head.size == ledger.head == len(records)
            assert head.root == root_of(record_leaf_hash(r) for r in records)
        assert ledger.verify().root == head.root

    def test_checkpoints_are_signed_stored_and_verified(self, ledger: Ledger, key: Signer) -> None:
        record_actors(ledger, 5)
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

    def test_an_empty_ledger_verifies_and_has_nothing_to_sign(self, ledger: Ledger, key: Signer) -> None:
        empty_root = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        assert ledger.verify().summary().startswith(f"verified 0 events, root {empty_root}")
        with pytest.raises(InvalidError, match="empty"):
            ledger.checkpoint(key)

    def test_concurrent_checkpoints_cannot_interleave(self, ledger: Ledger, key: Signer) -> None:
        record_actors(ledger, 2)
        ledger.checkpoint(key)
        tree = ledger._recorder.tree
        assert isinstance(tree, TreeRecorder)
        with pytest.raises(ConflictError):
            tree.insert_checkpoint("stale", 2, after=0)
        assert len(ledger.checkpoints()) == 1

    def test_inclusion_proofs_for_every_entry_check_offline(self, ledger: Ledger, key: Signer) -> None:
        record_actors(ledger, 7)
        ledger.checkpoint(key)
        for i in range(7):
            proof = ledger.prove_inclusion(f"actor/actor-{i}")
            result = check_proof(proof.to_json(), [key.verifier])
            assert result.record is not None
            assert (result.record.position, result.size, result.signed_by) == (i + 1, 7, ("desk",))
            assert f"actor/actor-{i} v1" in result.summary()

    def test_inclusion_proofs_name_versions_and_checkpoints(self, ledger: Ledger, key: Signer) -> None:
        record_actors(ledger, 3)
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

    def test_without_a_checkpoint_a_proof_is_against_the_unsigned_tree(self, ledger: Ledger) -> None:
        record_actors(ledger, 3)
        proof = ledger.prove_inclusion("actor/actor-0")
        assert proof.tree.checkpoint is None
        assert check_proof(proof).signed_by == ()
        with pytest.raises(VerificationError, match="no signed checkpoint"):
            check_proof(proof, [Ledger.generate_key().verifier])

    def test_consistency_proofs_between_checkpoints(self, ledger: Ledger, key: Signer) -> None:
        record_actors(ledger, 3)
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

    def test_proofs_refuse_checkpoints_of_another_ledger(self, ledger: Ledger, key: Signer) -> None:
        with self.create_ledger("other") as other:
            record_actors(other, 3)
            foreign = other.checkpoint(key)
        record_actors(ledger, 3)
        with pytest.raises(VerificationError, match="is for the log"):
            ledger.prove_consistency(foreign)
        with pytest.raises(VerificationError, match="is for the log"):
            ledger.verify(trusted=foreign.note)

    def test_a_tampered_proof_is_rejected(self, ledger: Ledger, key: Signer) -> None:
        record_actors(ledger, 5)
        ledger.checkpoint(key)
        proof = json.loads(ledger.prove_inclusion("actor/actor-2").to_json())
        with pytest.raises(VerificationError, match="not of leaf 3"):
            check_proof(json.dumps(dict(proof, leaf_index=3)), [key.verifier])
        with pytest.raises(VerificationError, match="not signed by any of the given keys"):
            check_proof(json.dumps(proof), [Ledger.generate_key("desk").verifier])
        with pytest.raises(InvalidError, match="not a valid proof"):
            check_proof(json.dumps(dict(proof, extra=1)), [key.verifier])
        with pytest.raises(InvalidError, match="not a proof"):
            check_proof("[]", [key.verifier])

    def test_verify_streams_in_constant_memory(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Ten times the entries, about the same peak: verify holds one batch, not the log."""
        monkeypatch.setattr("ledger.integrity.verify.BATCH", 20)
        peaks = []
        for count in (100, 1000):
            with self.create_ledger(f"n{count}") as ledger:
                record_actors(ledger, count)
                ledger.verify()  # warm caches, so the traced peak is verify's own
                tracemalloc.start()
                ledger.verify()
                peaks.append(tracemalloc.get_traced_memory()[1])
                tracemalloc.stop()
        assert peaks[1] < peaks[0] * 1.5
