"""Typed rows of the list views: one per subject, made from the subject's state.

The same functions make the rows whether the states come from replaying
the log or from a materialised view catching up, so the two agree by
construction; the views add only storage (versions by log position).

Every row has ``status``, the subject's status as recorded, and, when a
query names a world time, ``status_at`` (the status in the world then, or
``unknown``) with every ``possible`` status.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, computed_field

from domain.actor import ActorState, HandleHeld
from domain.case import CaseState
from domain.claim import ClaimState
from domain.comment import CommentRequestState
from domain.post import TEXT_NOT_CAPTURED, PostState
from domain.source import SourceState
from domain.worldtime import WorldTime
from projections.clocks import Span, status_of


class SubjectRow(BaseModel):
    """What every row has: the subject, its version and its status."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    KIND: ClassVar[str] = ""
    QUERY_ONLY: ClassVar[frozenset[str]] = frozenset({"status_at", "possible"})
    """Fields a query fills in; they are not stored in the views."""

    ref: str
    version: int
    status: str
    status_at: str | None = None
    possible: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """A short human description of the subject."""
        return self.ref


class ActorRow(SubjectRow):
    """A person or organisation."""

    KIND: ClassVar[str] = "actor"

    name: str
    kind: str
    description: str | None
    handles: tuple[str, ...]
    """The current handles; with a world time, those it may have held then."""
    held: tuple[HandleHeld, ...] = ()
    """Every period a handle was held (since None: from registration; until None: still)."""

    @property
    def label(self) -> str:
        return self.name

    def handles_then(self, at: WorldTime) -> ActorRow:
        """This row with ``handles`` those it may have held at ``at``."""
        then = tuple(dict.fromkeys(str(h.handle) for h in self.held if h.possibly_at(at)))
        return self.model_copy(update={"handles": then})


class SourceRow(SubjectRow):
    """A source: article, regulation, statement, screenshot, ..."""

    KIND: ClassVar[str] = "source"

    title: str
    kind: str
    url: str | None
    publisher: str | None
    published_at: WorldTime | None
    archives: int

    @property
    def label(self) -> str:
        return self.title


class PostRow(SubjectRow):
    """A post: where, by whom, its latest text, whether it is live, and its reach."""

    KIND: ClassVar[str] = "post"

    platform: str
    author: str
    url: str | None
    in_reply_to: str | None
    text: str | None
    """The latest text; None when it was never captured (shown as "text not captured")."""
    text_sha256: str | None
    published_at: WorldTime
    deleted_at: WorldTime | None
    deleted_within: WorldTime | None = None
    """When the current deletion happened, narrowed by archive captures (else ``deleted_at``)."""
    deleted_by: str | None
    restored_at: WorldTime | None
    deletions: int
    edits: int
    views: int | None
    likes: int | None
    reposts: int | None
    observed_at: WorldTime | None
    archives: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def lived(self) -> Span | None:
        """How long a deleted post was live before its deletion, from the bounds of both times.

        From its publication, or from its latest restoration when it was
        restored and deleted again. None while the post is live.
        """
        if self.status != "deleted" or self.deleted_at is None:
            return None
        since = self.restored_at or self.published_at
        return Span.between(since, self.deleted_within or self.deleted_at)

    @property
    def label(self) -> str:
        return TEXT_NOT_CAPTURED if self.text is None else _clip(self.text)


class ClaimRow(SubjectRow):
    """A claim: who made it, where, about what, and its latest verdict."""

    KIND: ClassVar[str] = "claim"

    text: str
    claimant: str
    post: str
    about: tuple[str, ...]
    made_at: WorldTime
    stance: str | None
    """The stance of the latest review (rebutted or supported), kept when the claim is retracted."""
    verdict: str | None
    reviewer: str | None
    reviewed_at: WorldTime | None
    reviews: int
    appearances: int
    posts: tuple[str, ...] = ()
    """Every post the claim appeared in: where it was made, then its repetitions, in world-time order."""
    retracted_at: WorldTime | None
    retracted_by: str | None

    @property
    def label(self) -> str:
        return _clip(self.text)


class CommentRequestRow(SubjectRow):
    """A request for comment: to whom, about what, and what came back; how long it waited."""

    KIND: ClassVar[str] = "comment"
    QUERY_ONLY: ClassVar[frozenset[str]] = frozenset({"status_at", "possible", "waiting"})

    requester: str
    recipient: str
    channel: str
    question: str | None
    regarding: tuple[str, ...]
    requested_at: WorldTime
    deadline: WorldTime | None
    answered_at: WorldTime | None
    answer: str | None
    lapsed_at: WorldTime | None
    waiting: Span | None = None
    """From the request to its answer, or, while unanswered, to the query's reference time."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def days_waiting(self) -> int | None:
        """Whole days the request surely waited (see ``waiting``)."""
        return None if self.waiting is None else self.waiting.days

    @property
    def label(self) -> str:
        return _clip(self.question) if self.question else f"request to {self.recipient}"

    def waited(self, until: WorldTime | datetime, status: str | None = None) -> CommentRequestRow:
        """This row with ``waiting`` measured up to ``until`` while unanswered (``status`` overrides)."""
        status = status or self.status
        if status in ("answered", "declined") and self.answered_at is not None:
            waiting: Span | None = Span.between(self.requested_at, self.answered_at)
        elif status in ("awaiting", "lapsed"):
            waiting = Span.between(self.requested_at, until)
        else:
            waiting = None
        return self.model_copy(update={"waiting": waiting})


class CaseRow(SubjectRow):
    """A case and the subjects linked to it."""

    KIND: ClassVar[str] = "case"

    title: str
    description: str | None
    subjects: tuple[str, ...]
    notes: int

    @property
    def label(self) -> str:
        return self.title


class CaseSubjectRow(BaseModel):
    """A subject linked to a case, with its status."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    case: str
    subject: str
    kind: str
    label: str
    status: str
    status_at: str | None = None
    possible: tuple[str, ...] = ()


ROW_CLASSES: dict[str, type[SubjectRow]] = {
    cls.KIND: cls for cls in (ActorRow, SourceRow, PostRow, ClaimRow, CommentRequestRow, CaseRow)
}
"""The row class of each kind of subject."""


def _clip(text: str, limit: int = 60) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


def _latest(values: Any) -> Any:
    for value in reversed(values):
        if value is not None:
            return value
    return None


def row_fields(state: Any) -> dict[str, Any]:
    """The stored fields of the row of ``state`` (a subject's state)."""
    common = {"ref": state.ref, "version": state.version, "status": status_of(state)}
    if isinstance(state, PostState):
        metrics = state.metrics
        return {
            **common,
            "platform": state.platform,
            "author": state.author,
            "url": state.url,
            "in_reply_to": state.in_reply_to,
            "text": state.text,
            "text_sha256": state.text_sha256,
            "published_at": state.published_at,
            "deleted_at": state.deleted_at,
            "deleted_within": state.deletion_window(),
            "deleted_by": state.deleted_by,
            "restored_at": state.restored_at,
            "deletions": state.deletions,
            "edits": state.edits,
            "views": _latest([m.views for m in metrics]),
            "likes": _latest([m.likes for m in metrics]),
            "reposts": _latest([m.reposts for m in metrics]),
            "observed_at": metrics[-1].observed_at if metrics else None,
            "archives": len(state.archives),
        }
    if isinstance(state, ClaimState):
        latest = state.reviews[-1] if state.reviews else None
        return {
            **common,
            "text": state.text,
            "claimant": state.claimant,
            "post": state.post,
            "about": state.about,
            "made_at": state.made_at,
            "stance": latest.stance if latest else None,
            "verdict": state.verdict,
            "reviewer": latest.reviewer if latest else None,
            "reviewed_at": latest.at if latest else None,
            "reviews": len(state.reviews),
            "appearances": len(state.appearances),
            "posts": tuple(dict.fromkeys(a.post for a in state.appearances)),
            "retracted_at": state.retracted_at,
            "retracted_by": state.retracted_by,
        }
    if isinstance(state, CommentRequestState):
        return {
            **common,
            "requester": state.requester,
            "recipient": state.recipient,
            "channel": state.channel,
            "question": state.question,
            "regarding": state.regarding,
            "requested_at": state.requested_at,
            "deadline": state.deadline,
            "answered_at": state.answered_at,
            "answer": state.answer,
            "lapsed_at": state.lapsed_at,
        }
    if isinstance(state, ActorState):
        return {
            **common,
            "name": state.name,
            "kind": state.kind,
            "description": state.description,
            "handles": tuple(str(h) for h in state.handles),
            "held": state.held,
        }
    if isinstance(state, SourceState):
        return {
            **common,
            "title": state.title,
            "kind": state.kind,
            "url": state.url,
            "publisher": state.publisher,
            "published_at": state.published_at,
            "archives": len(state.archives),
        }
    if isinstance(state, CaseState):
        return {
            **common,
            "title": state.title,
            "description": state.description,
            "subjects": state.subjects,
            "notes": len(state.notes),
        }
    raise TypeError(f"no row for {type(state).__name__}")


def row_of(state: Any) -> SubjectRow:
    """The row of a subject's state."""
    fields = row_fields(state)
    return ROW_CLASSES[state.ref.partition("/")[0]](**fields)
