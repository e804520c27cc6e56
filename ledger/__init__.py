"""The provenance ledger: record posts, claims, reviews and requests for comment.

>>> from ledger import Ledger
>>> ledger = Ledger.open(":memory:")
"""

from domain.errors import (
    AlreadyExistsError,
    CaseFileError,
    ConflictError,
    InvalidError,
    LedgerError,
    NotFoundError,
    StorageError,
)
from domain.events import LogEntry
from domain.worldtime import WorldTime
from ledger.casefile import ImportResult
from ledger.facade import Ledger
from projections.timeline import Timeline, TimelineEntry

__all__ = [
    "AlreadyExistsError",
    "CaseFileError",
    "ConflictError",
    "ImportResult",
    "InvalidError",
    "Ledger",
    "LedgerError",
    "LogEntry",
    "NotFoundError",
    "StorageError",
    "Timeline",
    "TimelineEntry",
    "WorldTime",
]
