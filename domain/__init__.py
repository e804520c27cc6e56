"""The domain model: subjects, their events, world time, and the rules.

Pure: imports only the standard library, pydantic and nothing of the ledger's
storage. One module per aggregate: :mod:`domain.actor`, :mod:`domain.source`,
:mod:`domain.post`, :mod:`domain.claim`, :mod:`domain.comment`,
:mod:`domain.case`; the two largest, post and claim, are packages of three
modules each (``state``, ``events``, ``rules``) whose ``__init__`` exports them.
"""

from domain.actor import (
    ActorHandleAdded,
    ActorHandleDropped,
    ActorRegistered,
    ActorRenamed,
    ActorState,
    Handle,
    HandleHeld,
)
from domain.case import CaseOpened, CaseState, NoteAdded, SubjectLinked
from domain.claim import (
    ClaimMade,
    ClaimRated,
    ClaimRebutted,
    ClaimRepeated,
    ClaimRetracted,
    ClaimState,
    ClaimSupported,
    Evidence,
    VerdictRevised,
)
from domain.comment import (
    CommentDeclined,
    CommentReceived,
    CommentRequested,
    CommentRequestLapsed,
    CommentRequestState,
)
from domain.errors import (
    AlreadyExistsError,
    ConflictError,
    InvalidError,
    LedgerError,
    NotFoundError,
    StorageError,
)
from domain.events import (
    Correction,
    Directory,
    EntryCorrected,
    Event,
    LogEntry,
    Provenance,
    SubjectState,
    event_class,
    event_classes,
    fold,
)
from domain.post import (
    PostArchived,
    PostDeleted,
    PostEdited,
    PostMetricsObserved,
    PostPublished,
    PostRestored,
    PostState,
)
from domain.refs import KINDS, parse_ref, ref_kind, subject_id
from domain.source import SourceArchived, SourceRegistered, SourceState
from domain.worldtime import Precision, WorldTime

State = ActorState | SourceState | PostState | ClaimState | CommentRequestState | CaseState
"""The state of any subject."""

__all__ = [
    "KINDS",
    "ActorHandleAdded",
    "ActorHandleDropped",
    "ActorRegistered",
    "ActorRenamed",
    "ActorState",
    "AlreadyExistsError",
    "CaseOpened",
    "CaseState",
    "ClaimMade",
    "ClaimRated",
    "ClaimRebutted",
    "ClaimRepeated",
    "ClaimRetracted",
    "ClaimState",
    "ClaimSupported",
    "CommentDeclined",
    "CommentReceived",
    "CommentRequestLapsed",
    "CommentRequestState",
    "CommentRequested",
    "ConflictError",
    "Correction",
    "Directory",
    "EntryCorrected",
    "Event",
    "Evidence",
    "Handle",
    "HandleHeld",
    "InvalidError",
    "LedgerError",
    "LogEntry",
    "NotFoundError",
    "NoteAdded",
    "PostArchived",
    "PostDeleted",
    "PostEdited",
    "PostMetricsObserved",
    "PostPublished",
    "PostRestored",
    "PostState",
    "Precision",
    "Provenance",
    "SourceArchived",
    "SourceRegistered",
    "SourceState",
    "State",
    "StorageError",
    "SubjectLinked",
    "SubjectState",
    "VerdictRevised",
    "WorldTime",
    "event_class",
    "event_classes",
    "fold",
    "parse_ref",
    "ref_kind",
    "subject_id",
]
