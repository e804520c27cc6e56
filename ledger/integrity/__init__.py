"""Tamper evidence: the log as an RFC 9162 Merkle tree, signed checkpoints, proofs.

- :mod:`~ledger.integrity.leaves`: each stored event's leaf bytes and hash;
- :mod:`~ledger.integrity.tree`: RFC 9162 roots, inclusion and consistency
  proofs, and their verification (``hashlib`` only);
- :mod:`~ledger.integrity.note`: C2SP signed notes and Ed25519 note keys;
- :mod:`~ledger.integrity.checkpoint`: C2SP tlog-checkpoints;
- :mod:`~ledger.integrity.store`: what a backend stores, and the SQL-free
  computation of it; :mod:`~ledger.integrity.sqltree` stores it, on every backend;
- :mod:`~ledger.integrity.verify`: verifying a whole ledger, streamed;
- :mod:`~ledger.integrity.proofs`: self-contained proofs and :func:`check_proof`;
- :mod:`~ledger.integrity.api`: :class:`Integrity`, the part :class:`ledger.Ledger` holds.
"""

# Imported on first use (PEP 562): reading an entry needs ledger.integrity.content alone, and a
# package's __init__ runs before any of its modules (issue #16: start-up).
from typing import TYPE_CHECKING

from ledger.delegation import lazy_exports

if TYPE_CHECKING:
    from ledger.integrity.api import TreeHead
    from ledger.integrity.checkpoint import Checkpoint
    from ledger.integrity.note import Signer, Verifier
    from ledger.integrity.proofs import ConsistencyProof, InclusionProof, ProofCheck, check_proof
    from ledger.integrity.verify import VerifyReport

_WHERE = {
    "TreeHead": "ledger.integrity.api",
    "Checkpoint": "ledger.integrity.checkpoint",
    "Signer": "ledger.integrity.note",
    "Verifier": "ledger.integrity.note",
    "ConsistencyProof": "ledger.integrity.proofs",
    "InclusionProof": "ledger.integrity.proofs",
    "ProofCheck": "ledger.integrity.proofs",
    "check_proof": "ledger.integrity.proofs",
    "VerifyReport": "ledger.integrity.verify",
}


__getattr__ = lazy_exports(__name__, _WHERE, globals())


__all__ = [
    "Checkpoint",
    "ConsistencyProof",
    "InclusionProof",
    "ProofCheck",
    "Signer",
    "TreeHead",
    "Verifier",
    "VerifyReport",
    "check_proof",
]
