"""The domain model: subjects, their events, world time, and the rules.

Pure: imports only the standard library, pydantic and nothing of the ledger's
storage. One module per aggregate: :mod:`domain.actor`, :mod:`domain.source`,
:mod:`domain.post`, :mod:`domain.claim`, :mod:`domain.comment`,
:mod:`domain.case`; the two largest, post and claim, are packages of three
modules each (``state``, ``events``, ``rules``) whose ``__init__`` exports them.
"""

# Imported on first use (PEP 562), so that a process needing only errors or world times (the CLI's
# help, a parser) does not build every aggregate's pydantic models.
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
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

    State: TypeAlias = ActorState | SourceState | PostState | ClaimState | CommentRequestState | CaseState

_WHERE = {
    "ActorHandleAdded": "domain.actor",
    "ActorHandleDropped": "domain.actor",
    "ActorRegistered": "domain.actor",
    "ActorRenamed": "domain.actor",
    "ActorState": "domain.actor",
    "Handle": "domain.actor",
    "HandleHeld": "domain.actor",
    "CaseOpened": "domain.case",
    "CaseState": "domain.case",
    "NoteAdded": "domain.case",
    "SubjectLinked": "domain.case",
    "ClaimMade": "domain.claim",
    "ClaimRated": "domain.claim",
    "ClaimRebutted": "domain.claim",
    "ClaimRepeated": "domain.claim",
    "ClaimRetracted": "domain.claim",
    "ClaimState": "domain.claim",
    "ClaimSupported": "domain.claim",
    "Evidence": "domain.claim",
    "VerdictRevised": "domain.claim",
    "CommentDeclined": "domain.comment",
    "CommentReceived": "domain.comment",
    "CommentRequested": "domain.comment",
    "CommentRequestLapsed": "domain.comment",
    "CommentRequestState": "domain.comment",
    "AlreadyExistsError": "domain.errors",
    "ConflictError": "domain.errors",
    "InvalidError": "domain.errors",
    "LedgerError": "domain.errors",
    "NotFoundError": "domain.errors",
    "StorageError": "domain.errors",
    "Correction": "domain.events",
    "Directory": "domain.events",
    "EntryCorrected": "domain.events",
    "Event": "domain.events",
    "LogEntry": "domain.events",
    "Provenance": "domain.events",
    "SubjectState": "domain.events",
    "event_class": "domain.events",
    "event_classes": "domain.events",
    "fold": "domain.events",
    "PostArchived": "domain.post",
    "PostDeleted": "domain.post",
    "PostEdited": "domain.post",
    "PostMetricsObserved": "domain.post",
    "PostPublished": "domain.post",
    "PostRestored": "domain.post",
    "PostState": "domain.post",
    "KINDS": "domain.refs",
    "parse_ref": "domain.refs",
    "ref_kind": "domain.refs",
    "subject_id": "domain.refs",
    "SourceArchived": "domain.source",
    "SourceRegistered": "domain.source",
    "SourceState": "domain.source",
    "Precision": "domain.worldtime",
    "WorldTime": "domain.worldtime",
}


def __getattr__(name: str) -> Any:
    if name == "State":
        from domain.actor import ActorState  # noqa: PLC0415
        from domain.case import CaseState  # noqa: PLC0415
        from domain.claim import ClaimState  # noqa: PLC0415
        from domain.comment import CommentRequestState  # noqa: PLC0415
        from domain.post import PostState  # noqa: PLC0415
        from domain.source import SourceState  # noqa: PLC0415

        value: Any = ActorState | SourceState | PostState | ClaimState | CommentRequestState | CaseState
    elif name in _WHERE:
        import importlib  # noqa: PLC0415

        value = getattr(importlib.import_module(_WHERE[name]), name)
    else:
        raise AttributeError(f"module 'domain' has no attribute {name!r}")
    globals()[name] = value
    return value


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
