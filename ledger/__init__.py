"""The provenance ledger: record posts, claims, reviews and requests for comment.

>>> from ledger import Ledger
>>> ledger = Ledger.open(":memory:")
"""

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
