"""The provenance ledger: record posts, claims, reviews and requests for comment.

>>> from ledger import Ledger
>>> ledger = Ledger.open(":memory:")
"""

# Imported on first use (PEP 562): ``from ledger.formats.safe_text import printable`` or the
# CLI's help need not build the whole Ledger, its domain models and its storage.
from typing import TYPE_CHECKING

from ledger.delegation import lazy_exports

if TYPE_CHECKING:
    from domain.errors import (
        AlreadyExistsError,
        CaseFileError,
        ConflictError,
        FormatError,
        InvalidError,
        LedgerError,
        NotFoundError,
        StorageError,
        VerificationError,
    )
    from domain.events import LogEntry
    from domain.worldtime import WorldTime
    from ledger.facade import Ledger
    from ledger.formats.casefile import ImportResult
    from ledger.integrity import Checkpoint, Signer, Verifier, check_proof
    from projections.timeline import Timeline, TimelineEntry

_WHERE = {
    "AlreadyExistsError": "domain.errors",
    "CaseFileError": "domain.errors",
    "ConflictError": "domain.errors",
    "FormatError": "domain.errors",
    "InvalidError": "domain.errors",
    "LedgerError": "domain.errors",
    "NotFoundError": "domain.errors",
    "StorageError": "domain.errors",
    "VerificationError": "domain.errors",
    "LogEntry": "domain.events",
    "WorldTime": "domain.worldtime",
    "Ledger": "ledger.facade",
    "ImportResult": "ledger.formats.casefile",
    "Checkpoint": "ledger.integrity",
    "Signer": "ledger.integrity",
    "Verifier": "ledger.integrity",
    "check_proof": "ledger.integrity",
    "Timeline": "projections.timeline",
    "TimelineEntry": "projections.timeline",
}


__getattr__ = lazy_exports(__name__, _WHERE, globals())


__all__ = [
    "AlreadyExistsError",
    "CaseFileError",
    "Checkpoint",
    "ConflictError",
    "FormatError",
    "ImportResult",
    "InvalidError",
    "Ledger",
    "LedgerError",
    "LogEntry",
    "NotFoundError",
    "Signer",
    "StorageError",
    "Timeline",
    "TimelineEntry",
    "VerificationError",
    "Verifier",
    "WorldTime",
    "check_proof",
]
