"""The integrity part of :class:`ledger.Ledger`: keys, checkpoints, verify, proofs.

>>> from ledger import Ledger, check_proof
>>> key = Ledger.generate_key("desk")
>>> with Ledger.open(":memory:") as ledger:
...     ledger.register_actor("actor/ada", name="Ada", kind="person")
...     checkpoint = ledger.checkpoint(key)
...     proof = ledger.prove_inclusion("actor/ada")
...     ledger.verify(keys=[key.verifier]).events
'actor/ada'
1
>>> check_proof(proof.to_json(), [key.verifier]).record.position
1
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from domain.errors import InvalidError, NotFoundError, StorageError, VerificationError
from domain.refs import parse_ref, subject_id
from ledger.formats.wording import counted
from ledger.integrity.checkpoint import Checkpoint, open_checkpoint, parse_checkpoint, sign_checkpoint
from ledger.integrity.cosignature import (
    CosignerVerifier,
    parse_signature_lines,
    read_witness_keys,
    require_cosignatures,
    verified_cosignatures,
)
from ledger.integrity.leaves import encode_leaf
from ledger.integrity.note import Signer, Verifier, encode_base64, parse_note
from ledger.integrity.proofs import ConsistencyProof, InclusionProof, TreeState, check_proof
from ledger.integrity.store import TreeRecorder
from ledger.integrity.tree import consistency_proof, inclusion_proof, root_from
from ledger.integrity.verify import TreeReplay, VerifyReport, verify_log
from ledger.integrity.witness import AddCheckpoint
from ledger.storage.records import LogRecorder

DEFAULT_KEY_NAME = "provenance-ledger"


@dataclass(frozen=True)
class TreeHead:
    """The current tree: how many entries it covers, and its root."""

    size: int
    root: bytes

    @property
    def root_base64(self) -> str:
        """The root in base64, as checkpoints write it."""
        return encode_base64(self.root)


def _checkpoint(value: Checkpoint | str) -> Checkpoint:
    return value if isinstance(value, Checkpoint) else parse_checkpoint(value)


def _check_signed(checkpoint: Checkpoint | str, keys: Sequence[Verifier | str], label: str) -> None:
    """Raise :class:`VerificationError` unless ``checkpoint`` is signed by one of ``keys`` (if any)."""
    if not keys:
        return
    note = checkpoint.note if isinstance(checkpoint, Checkpoint) else checkpoint
    try:
        open_checkpoint(note, _verifiers(keys))
    except VerificationError as error:
        raise VerificationError(f"{label}: {error}") from None


def _verifiers(keys: Sequence[Verifier | str]) -> list[Verifier]:
    return [k if isinstance(k, Verifier) else Verifier.parse(k) for k in keys]


class Integrity:
    """The tamper-evidence of a ledger's log: held by :class:`ledger.Ledger`, which delegates to it.

    ``recorder`` reads the log; ``tree`` is the Merkle tree and checkpoints
    stored beside it (:class:`~ledger.integrity.sqltree.SQLTreeStore`).
    """

    def __init__(self, recorder: LogRecorder, tree: TreeRecorder) -> None:
        self._recorder = recorder
        self._tree = tree

    @property
    def origin(self) -> str:
        """The name of this ledger's log in its signed checkpoints."""
        origin = self._recorder.get_meta("origin")
        if origin is None:
            raise StorageError("the ledger has no origin in its metadata")
        return origin

    @staticmethod
    def generate_key(name: str = DEFAULT_KEY_NAME) -> Signer:
        """A new Ed25519 signer key named ``name``; publish ``.verifier``, keep the rest secret."""
        return Signer.generate(name)

    def tree_head(self, size: int | None = None) -> TreeHead:
        """The size and root of the current tree, or of its first ``size`` entries (from the stored tree).

        The tree as of log position ``size`` is what the ledger could have
        signed then: its root is a checkpoint's at that size.
        """
        head = self._recorder.max_position()
        if size is None:
            size = head
        elif not 0 <= size <= head:
            raise InvalidError(f"no tree of size {size}: the log holds {counted(head, 'entry')}")
        return TreeHead(size, root_from(size, self._tree.select_tree_nodes))

    def checkpoints(self) -> list[Checkpoint]:
        """Every stored checkpoint, oldest first (signatures not checked: see :meth:`verify`)."""
        return [parse_checkpoint(row.note) for row in self._tree.select_checkpoints()]

    def checkpoint(self, key: Signer | str) -> Checkpoint:
        """Sign the current tree with ``key``, store the checkpoint and return it.

        Refuses (:class:`VerificationError`) when the stored tree does not
        extend the last checkpoint, or an entry recorded since then no longer
        matches its leaf: a ledger never signs over a change to its past.
        """
        signer = key if isinstance(key, Signer) else Signer.parse(key)
        tree, origin = self._tree, self.origin
        size = self._recorder.max_position()
        if size == 0:
            raise InvalidError("nothing to sign: the ledger is empty")
        last = tree.last_checkpoint()
        signed_size = 0
        if last is not None:
            try:
                previous = parse_checkpoint(last.note)
            except InvalidError as error:
                raise VerificationError(f"refusing to sign: checkpoint #{last.seq}: {error}") from None
            self._check_matches(previous, f"refusing to sign: checkpoint #{last.seq}")
            signed_size = previous.size
        # Rebuilding the unsigned tail checks it against its stored leaves and gives the root to sign.
        replay = TreeReplay(self._recorder, tree, after=signed_size, until=size)
        replay.check()
        if replay.compact.size != size:
            raise VerificationError(f"refusing to sign: the log ends at {replay.compact.size}, not {size}")
        root = replay.compact.root()
        note = sign_checkpoint(origin, size, root, signer)
        tree.insert_checkpoint(note, size, after=0 if last is None else last.seq)
        return Checkpoint(origin, size, root, note, (signer.name,))

    def _check_matches(self, checkpoint: Checkpoint, label: str) -> None:
        """Raise unless ``checkpoint`` is of this ledger and its root is this ledger's at its size."""
        if checkpoint.origin != self.origin:
            raise VerificationError(
                f"{label} is for the log {checkpoint.origin!r}, not this ledger's {self.origin!r}"
            )
        size = self._recorder.max_position()
        if checkpoint.size > size:
            raise VerificationError(
                f"{label} covers {counted(checkpoint.size, 'entry')} but the ledger holds {size}"
            )
        if root_from(checkpoint.size, self._tree.select_tree_nodes) != checkpoint.root:
            raise VerificationError(
                f"{label} (size {checkpoint.size}) does not match this ledger's tree: "
                "the ledger forked or was rewritten"
            )

    def verify(
        self,
        *,
        keys: Sequence[Verifier | str] = (),
        trusted: Checkpoint | str | None = None,
        witnesses: Sequence[CosignerVerifier | str] = (),
        min_witnesses: int | None = None,
    ) -> VerifyReport:
        """Recompute every leaf and root, check every checkpoint; :class:`VerificationError` if any fails.

        With ``keys`` (verifier keys), every checkpoint must carry a valid
        signature by one of them. ``trusted`` is a checkpoint the auditor kept
        (its note): the ledger must still contain it and extend it. With
        ``witnesses`` (witness verifier keys), the latest checkpoint must be
        cosigned by ``min_witnesses`` of them (default: all), and every
        cosignature by one of them must verify.
        """
        witness_keys = read_witness_keys(witnesses)
        note = trusted.note if isinstance(trusted, Checkpoint) else trusted
        report = verify_log(
            self._recorder, self._tree, origin=self.origin, keys=_verifiers(keys), trusted=note
        )
        if not witness_keys and not min_witnesses:
            return report
        last = self._tree.last_checkpoint()
        if last is None:
            raise VerificationError("no checkpoint: nothing for witnesses to have cosigned")
        cosigned = require_cosignatures(
            last.note, witness_keys, min_witnesses, what=f"latest checkpoint (#{last.seq})"
        )
        return replace(report, cosigned_by=tuple(c.name for c in cosigned))

    def witness_request(self, old_size: int = 0) -> str:
        """The C2SP tlog-witness ``add-checkpoint`` body for the latest checkpoint, from ``old_size``.

        ``old_size`` is the size the witness last cosigned for this log (0 if
        never): the body carries the consistency proof from it.
        """
        last = self._tree.last_checkpoint()
        if last is None:
            raise InvalidError("no checkpoint to send to a witness: sign one first (ledger checkpoint)")
        latest = parse_checkpoint(last.note)
        if not 0 <= old_size <= latest.size:
            raise InvalidError(f"old size {old_size} is not between 0 and the checkpoint's {latest.size}")
        hashes: list[bytes] = []
        if 0 < old_size < latest.size:
            hashes = consistency_proof(old_size, latest.size, self._tree.select_tree_nodes)
        return AddCheckpoint(old_size, tuple(hashes), last.note).encode()

    def add_cosignatures(self, lines: str, witnesses: Sequence[CosignerVerifier | str]) -> Checkpoint:
        """Store witness cosignatures (signature lines) beside the latest checkpoint's own signatures.

        Every line must be a valid cosignature of the latest checkpoint by
        one of ``witnesses`` (else :class:`VerificationError`). The checkpoint
        is stored again, with the lines added: checkpoints stay append-only.
        """
        witness_keys = read_witness_keys(witnesses)
        last = self._tree.last_checkpoint()
        if last is None:
            raise InvalidError("no checkpoint to add cosignatures to: sign one first (ledger checkpoint)")
        parsed = parse_note(last.note)
        new = parse_signature_lines(lines)
        for signature in new:
            if not verified_cosignatures(parsed.text, [signature], witness_keys):
                raise VerificationError(
                    f"the signature by {signature.name} is not by any of the given witness keys"
                )
        known = {s.line() for s in parsed.signatures}
        added = [s.line() for s in new if s.line() not in known]
        if not added:
            return parse_checkpoint(last.note)
        note = last.note + "".join(line + "\n" for line in dict.fromkeys(added))
        self._tree.insert_checkpoint(note, last.size, after=last.seq)
        return parse_checkpoint(note)

    def _signed_tree(
        self, checkpoint: Checkpoint | str | None, keys: Sequence[Verifier | str] = ()
    ) -> TreeState:
        """The tree to prove against: ``checkpoint``, else the latest stored one, else the current tree.

        With ``keys``, a checkpoint given must be signed by one of them.
        """
        if checkpoint is not None:
            _check_signed(checkpoint, keys, "the checkpoint")
        if checkpoint is None:
            last = self._tree.last_checkpoint()
            if last is not None:
                checkpoint = last.note
        if checkpoint is None:
            head = self.tree_head()
            return TreeState.of(head.size, head.root, None)
        chosen = _checkpoint(checkpoint)
        self._check_matches(chosen, "the checkpoint")
        return TreeState.of(chosen.size, chosen.root, chosen)

    def prove_inclusion(
        self,
        ref: str,
        version: int | None = None,
        checkpoint: Checkpoint | str | None = None,
        *,
        keys: Sequence[Verifier | str] = (),
    ) -> InclusionProof:
        """Proof that entry ``version`` (default: the latest) of ``ref`` is in the signed tree.

        Against ``checkpoint`` (a checkpoint of this ledger, signed by one of
        ``keys`` when keys are given), else the latest stored checkpoint, else
        the current (unsigned) tree.
        """
        parse_ref(ref)
        records = self._recorder.select_stream(subject_id(ref))
        if not records:
            raise NotFoundError(f"{ref} does not exist")
        matching = [r for r in records if version is None or r.originator_version == version]
        if not matching:
            raise NotFoundError(
                f"{ref} has no version {version} (latest is v{records[-1].originator_version})"
            )
        record = matching[-1]
        tree = self._signed_tree(checkpoint, keys)
        if record.position > tree.size:
            raise InvalidError(
                f"{ref} v{record.originator_version} (position {record.position}) is newer than the "
                f"checkpoint of size {tree.size}: sign a new checkpoint first"
            )
        hashes = inclusion_proof(record.position - 1, tree.size, self._tree.select_tree_nodes)
        proof = InclusionProof(
            tree=tree,
            leaf_index=record.position - 1,
            record=encode_base64(encode_leaf(record)),
            hashes=tuple(encode_base64(h) for h in hashes),
        )
        self._self_check(proof, f"{ref} v{record.originator_version} (position {record.position})")
        return proof

    def prove_consistency(
        self,
        old: Checkpoint | str,
        new: Checkpoint | str | None = None,
        *,
        keys: Sequence[Verifier | str] = (),
    ) -> ConsistencyProof:
        """Proof that checkpoint ``old``'s tree is a prefix of ``new`` (default: latest or current tree).

        With ``keys``, the checkpoints given must be signed by one of them.
        """
        _check_signed(old, keys, "the old checkpoint")
        old_checkpoint = _checkpoint(old)
        self._check_matches(old_checkpoint, "the old checkpoint")
        if old_checkpoint.size == 0:
            raise InvalidError("the old checkpoint is of the empty tree, which every tree extends")
        new_tree = self._signed_tree(new, keys)
        if new_tree.size < old_checkpoint.size:
            raise InvalidError(
                f"the new tree (size {new_tree.size}) is older than the old one ({old_checkpoint.size})"
            )
        hashes = consistency_proof(old_checkpoint.size, new_tree.size, self._tree.select_tree_nodes)
        proof = ConsistencyProof(
            old=TreeState.of(old_checkpoint.size, old_checkpoint.root, old_checkpoint),
            new=new_tree,
            hashes=tuple(encode_base64(h) for h in hashes),
        )
        self._self_check(proof, f"the tree of size {old_checkpoint.size}")
        return proof

    @staticmethod
    def _self_check(proof: InclusionProof | ConsistencyProof, what: str) -> None:
        # Never hand out a proof that does not hold: it means the store disagrees with itself.
        try:
            check_proof(proof)
        except VerificationError as error:
            raise VerificationError(
                f"cannot prove {what}: the stored tree does not match ({error})"
            ) from None
