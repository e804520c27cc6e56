"""Self-contained inclusion and consistency proofs, and checking them with no ledger at all.

A proof is JSON. Each tree it names is a size, a base64 root and, when
there is one, the signed checkpoint of that tree (a C2SP signed note); the
hashes are the RFC 9162 audit path or consistency proof. An inclusion proof
also carries the entry's leaf bytes (see :mod:`ledger.integrity.leaves`),
so the checker sees exactly which stored event is proven and hashes it
itself::

    {"type": "provenance-ledger/inclusion/v1",
     "tree": {"size": 42, "root": "...", "checkpoint": "origin\\n42\\n...\\n\\n— desk ...\\n"},
     "leaf_index": 6, "record": "<base64 leaf bytes>", "hashes": ["...", ...]}

    {"type": "provenance-ledger/consistency/v1",
     "old": {"size": 7, ...}, "new": {"size": 42, ...}, "hashes": [...]}

:func:`check_proof` parses a proof strictly (unknown fields, wrong types
and non-canonical base64 are refused, so a flipped bit never goes
unnoticed) and checks its hashes and signatures. A proof that cannot be
read does not verify either: it raises :class:`MalformedProofError`, a
:class:`VerificationError` (and an :class:`InvalidError`), so every broken
proof exits 3 on the command line, whichever part of it is broken.

A proof names its log: the origin line of its checkpoints. ``origin=`` (or
a ``trusted=`` checkpoint, whose origin it takes) requires one, so that a
proof from another ledger signed with the same key is not taken for this
one's; ``witnesses=`` requires C2SP cosignatures on the (newer) checkpoint.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from domain.errors import InvalidError, MalformedProofError, VerificationError
from ledger.formats.nesting import too_deep_line
from ledger.integrity.checkpoint import Checkpoint, open_checkpoint, parse_checkpoint
from ledger.integrity.cosignature import (
    Cosignature,
    CosignerVerifier,
    read_witness_keys,
    require_cosignatures,
)
from ledger.integrity.leaves import decode_leaf, decode_leaf_v2
from ledger.integrity.note import Verifier, decode_base64, encode_base64
from ledger.integrity.tree import leaf_hash, verify_consistency, verify_inclusion
from ledger.storage.records import LogRecord

INCLUSION: Final = "provenance-ledger/inclusion/v1"
CONSISTENCY: Final = "provenance-ledger/consistency/v1"

Size = Annotated[int, Field(ge=0, lt=1 << 63)]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, defer_build=True)


class TreeState(_Strict):
    """A tree a proof refers to: its size, its root, and its signed checkpoint if it has one."""

    size: Size
    root: str
    checkpoint: str | None = None

    @classmethod
    def of(cls, size: int, root: bytes, checkpoint: Checkpoint | None) -> TreeState:
        """The state of a tree, signed or not."""
        return cls(
            size=size, root=encode_base64(root), checkpoint=None if checkpoint is None else checkpoint.note
        )


class InclusionProof(_Strict):
    """Proof that one stored event is leaf ``leaf_index`` of a tree."""

    type: Literal["provenance-ledger/inclusion/v1"] = INCLUSION
    tree: TreeState
    leaf_index: Size
    record: str
    hashes: tuple[str, ...]

    def to_json(self) -> str:
        """The proof as indented JSON."""
        return self.model_dump_json(indent=2) + "\n"


class ConsistencyProof(_Strict):
    """Proof that the ``old`` tree is a prefix of the ``new`` one: nothing was changed, only appended."""

    type: Literal["provenance-ledger/consistency/v1"] = CONSISTENCY
    old: TreeState
    new: TreeState
    hashes: tuple[str, ...]

    def to_json(self) -> str:
        """The proof as indented JSON."""
        return self.model_dump_json(indent=2) + "\n"


Proof = InclusionProof | ConsistencyProof


@dataclass(frozen=True)
class ProofCheck:
    """What a proof that checked out shows."""

    kind: Literal["inclusion", "consistency"]
    origin: str | None
    """The log the checkpoints name (None for an unsigned tree)."""
    size: int
    """The size of the (newer) tree proven against."""
    root: bytes
    signed_by: tuple[str, ...]
    """The given keys that signed the (newer) tree's checkpoint; empty if unsigned."""
    record: LogRecord | None = None
    content_digest: bytes | None = None
    """For an inclusion proof of a v2 leaf: the salted content digest (``record.state`` is then the
    entry's structure, its content nulled)."""
    """For an inclusion proof: the stored event it proves."""
    old_size: int | None = None
    """For a consistency proof: the size of the older tree."""
    cosigned_by: tuple[Cosignature, ...] = ()
    """The given witnesses whose cosignatures on the (newer) checkpoint verified."""

    def as_json(self) -> dict[str, Any]:
        """What the proof shows, as JSON-ready data (hashes and bytes in base64)."""
        entry = None
        if self.record is not None:
            r = self.record
            entry = {
                "position": r.position,
                "subject": _subject(r),
                "stream": str(r.originator_id),
                "version": r.originator_version,
                "type": r.topic,
                "recorded_at": r.recorded_us,
                "state": encode_base64(r.state),
                "content_sha256": None if self.content_digest is None else encode_base64(self.content_digest),
            }
        return {
            "kind": self.kind,
            "origin": self.origin,
            "size": self.size,
            "root": encode_base64(self.root),
            "signed_by": list(self.signed_by),
            "old_size": self.old_size,
            "cosigned_by": [{"witness": c.name, "timestamp": c.timestamp} for c in self.cosigned_by],
            "entry": entry,
        }

    def summary(self) -> str:
        """One line for people."""
        signed = f"signed by {', '.join(self.signed_by)}" if self.signed_by else "NOT signed"
        if self.cosigned_by:
            signed += f", cosigned by {', '.join(c.name for c in self.cosigned_by)}"
        log = "of an unnamed log (no checkpoint)" if self.origin is None else f"of the log {self.origin!r}"
        tree = f"the tree of size {self.size} {log} ({signed}; root {encode_base64(self.root)})"
        if self.record is not None:
            r = self.record
            return (
                f"ok: entry at position {r.position} ({_subject(r)} v{r.originator_version}, {r.topic}) "
                f"is in {tree}"
            )
        return f"ok: the tree of size {self.old_size} is a prefix of {tree}"


def _subject(record: LogRecord) -> str:
    """The subject the event names, when its stored bytes are plain JSON; else its stream id."""
    try:
        subject = json.loads(record.state).get("subject")
    except (ValueError, AttributeError):
        subject = None
    return subject if isinstance(subject, str) else f"stream {record.originator_id}"


def parse_proof(proof: Proof | str | bytes) -> Proof:
    """Read a proof from its JSON; :class:`InvalidError` if it is not one."""
    if isinstance(proof, InclusionProof | ConsistencyProof):
        return proof
    try:
        data = json.loads(proof)
        kind = data.get("type") if isinstance(data, dict) else None
        # JSON mode, strict: arrays become tuples, but no string passes for a number.
        if kind == INCLUSION:
            return InclusionProof.model_validate_json(proof)
        if kind == CONSISTENCY:
            return ConsistencyProof.model_validate_json(proof)
    except json.JSONDecodeError as error:
        raise InvalidError(f"not a valid proof (line {error.lineno}: not JSON, {error.msg})") from None
    except RecursionError:
        text = proof.decode("utf-8", "replace") if isinstance(proof, bytes) else proof
        raise InvalidError(
            f"not a valid proof (line {too_deep_line(text)}: JSON nested too deeply)"
        ) from None
    except (ValueError, ValidationError) as error:
        first = error.errors()[0] if isinstance(error, ValidationError) else None
        where = f" ({'.'.join(map(str, first['loc']))}: {first['msg']})" if first else ""
        raise InvalidError(f"not a valid proof{where}") from None
    raise InvalidError(f"not a proof: its type must be {INCLUSION!r} or {CONSISTENCY!r}")


def _tree(state: TreeState, keys: Sequence[Verifier], label: str) -> tuple[bytes, Checkpoint | None]:
    root = decode_base64(state.root, f"the {label} root")
    if state.checkpoint is None:
        if keys:
            raise VerificationError(f"the {label} tree (size {state.size}) has no signed checkpoint")
        return root, None
    try:
        checkpoint = open_checkpoint(state.checkpoint, keys) if keys else parse_checkpoint(state.checkpoint)
    except VerificationError as error:
        raise VerificationError(f"the {label} checkpoint: {error}") from None
    if (checkpoint.size, checkpoint.root) != (state.size, root):
        raise VerificationError(f"the {label} tree's size or root differs from its checkpoint's")
    return root, checkpoint


def _hashes(proof: Proof) -> list[bytes]:
    return [decode_base64(h, f"proof hash {i}") for i, h in enumerate(proof.hashes, start=1)]


def check_proof(
    proof: Proof | str | bytes,
    keys: Sequence[Verifier | str] = (),
    *,
    origin: str | None = None,
    trusted: Checkpoint | str | None = None,
    witnesses: Sequence[CosignerVerifier | str] = (),
    min_witnesses: int | None = None,
) -> ProofCheck:
    """Check a proof offline: hashes, and signatures by one of ``keys`` (required when keys are given).

    ``origin`` (or ``trusted``, a checkpoint you kept, signed by one of
    ``keys``) requires the proof's checkpoints to be of that log; a proof
    against a tree of the trusted checkpoint's size must have its root.
    ``witnesses`` (witness verifier keys) requires ``min_witnesses`` of them
    (default: all) to have cosigned the (newer) checkpoint.

    Returns what it shows, or raises :class:`VerificationError` (it does not
    hold; :class:`MalformedProofError` when it cannot even be read);
    :class:`InvalidError` for malformed keys or a malformed ``trusted``.
    """
    verifiers = [k if isinstance(k, Verifier) else Verifier.parse(k) for k in keys]
    witness_keys = read_witness_keys(witnesses)
    kept = None
    if trusted is not None:
        note = trusted.note if isinstance(trusted, Checkpoint) else trusted
        kept = open_checkpoint(note, verifiers) if verifiers else parse_checkpoint(note)
        if origin is not None and origin != kept.origin:
            raise InvalidError(f"--origin {origin!r} differs from the trusted checkpoint's {kept.origin!r}")
        origin = kept.origin
    try:
        result = _check(parse_proof(proof), verifiers)
    except MalformedProofError:
        raise
    except InvalidError as error:
        raise MalformedProofError(str(error)) from None
    if origin is not None and result.origin != origin:
        found = "names no log (it has no checkpoint)" if result.origin is None else f"is of {result.origin!r}"
        raise VerificationError(f"the proof {found}, not of the log {origin!r}")
    if kept is not None:
        _check_against(parse_proof(proof), kept)
    if witness_keys:
        newer = _newer_checkpoint(parse_proof(proof))
        if newer is None:
            raise VerificationError("the proof has no checkpoint for witnesses to have cosigned")
        cosigned = require_cosignatures(newer, witness_keys, min_witnesses, what="proof's checkpoint")
        result = replace(result, cosigned_by=cosigned)
    return result


def _newer_checkpoint(proof: Proof) -> str | None:
    return proof.tree.checkpoint if isinstance(proof, InclusionProof) else proof.new.checkpoint


def _check_against(proof: Proof, kept: Checkpoint) -> None:
    """A tree of the trusted checkpoint's size must have its root (else the log forked)."""
    trees = [proof.tree] if isinstance(proof, InclusionProof) else [proof.old, proof.new]
    for tree in trees:
        if tree.size == kept.size and tree.root != kept.root_base64:
            raise VerificationError(
                f"the proof's tree of size {tree.size} has another root than the trusted checkpoint's: "
                "the log forked"
            )


def _check(parsed: Proof, verifiers: Sequence[Verifier]) -> ProofCheck:
    if isinstance(parsed, InclusionProof):
        root, checkpoint = _tree(parsed.tree, verifiers, "proof's")
        data = decode_base64(parsed.record, "the record")
        record = decode_leaf(data)
        v2 = decode_leaf_v2(data)
        if record.position != parsed.leaf_index + 1:
            raise VerificationError(
                f"the record is of position {record.position}, not of leaf {parsed.leaf_index}"
            )
        if not verify_inclusion(parsed.leaf_index, parsed.tree.size, leaf_hash(data), _hashes(parsed), root):
            raise VerificationError(
                f"the entry at position {record.position} is not in the tree of size {parsed.tree.size}: "
                "the proof does not lead to its root"
            )
        return ProofCheck(
            "inclusion",
            checkpoint.origin if checkpoint else None,
            parsed.tree.size,
            root,
            checkpoint.signed_by if checkpoint else (),
            record=record,
            content_digest=None if v2 is None else v2.content_digest,
        )
    old_root, old = _tree(parsed.old, verifiers, "old")
    new_root, new = _tree(parsed.new, verifiers, "new")
    if old and new and old.origin != new.origin:
        raise VerificationError(f"the checkpoints are of different logs ({old.origin!r}, {new.origin!r})")
    if not verify_consistency(parsed.old.size, parsed.new.size, old_root, new_root, _hashes(parsed)):
        raise VerificationError(
            f"the tree of size {parsed.old.size} is not a prefix of the tree of size {parsed.new.size}: "
            "the proof does not hold"
        )
    return ProofCheck(
        "consistency",
        new.origin if new else None,
        parsed.new.size,
        new_root,
        new.signed_by if new else (),
        old_size=parsed.old.size,
    )
