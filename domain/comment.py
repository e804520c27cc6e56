"""Requests for comment: sent to the people concerned, and what came back.

Rules:
- the requester and the recipient must exist and differ, and every subject
  the request is about must exist;
- a deadline cannot precede the request;
- an answer (received or declined) is accepted only while the request is
  open: awaiting an answer, or lapsed (a late answer after the deadline
  passed is still an answer, and the timeline shows it after the lapse);
- a request lapses once, not before its deadline, and not after an answer that
  surely came before (an answer found later, dated before the lapse, is still
  accepted: the lapse was mistaken); an answer outranks a lapse in the status,
  whatever their order, so the status does not depend on the order of recording;
- nothing that answers a request can precede it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Literal, TypeVar

from domain.errors import InvalidError
from domain.events import (
    Directory,
    Event,
    Provenance,
    SubjectState,
    Text,
    as_tuple,
    build,
    creation_fields,
    next_fields,
    refuse_before,
    require_existing,
    trusted,
)
from domain.refs import ActorRef, Ref
from domain.worldtime import WorldTime

Channel = Literal["email", "phone", "social", "in-person", "other"]
CommentStatus = Literal["awaiting", "answered", "declined", "lapsed"]


class CommentRequestState(SubjectState):
    """What the ledger knows of a request for comment."""

    requester: str
    recipient: str
    channel: Channel
    question: str | None = None
    regarding: tuple[str, ...] = ()
    requested_at: WorldTime
    deadline: WorldTime | None = None
    status: CommentStatus = "awaiting"
    answered_at: WorldTime | None = None
    answer: str | None = None
    lapsed_at: WorldTime | None = None

    @property
    def is_open(self) -> bool:
        """True while an answer can still be recorded."""
        return self.status in ("awaiting", "lapsed")


class CommentRequested(Event):
    """A request for comment was sent by a requester to a recipient."""

    TOPIC: ClassVar[str] = "ledger.CommentRequested.v1"

    occurred_at: WorldTime
    requester: ActorRef
    recipient: ActorRef
    channel: Channel
    question: Text | None = None
    regarding: tuple[Ref, ...] = ()
    deadline: WorldTime | None = None

    @property
    def actor(self) -> str | None:
        return self.requester

    def references(self) -> tuple[str, ...]:
        return (*self.sources, self.requester, self.recipient, *self.regarding)

    def summary(self) -> str:
        text = f"comment requested from {self.recipient} by {self.channel}"
        if self.regarding:
            text += f" regarding {', '.join(self.regarding)}"
        if self.question:
            text += f": “{self.question}”"
        if self.deadline:
            text += f" (deadline {self.deadline})"
        return text

    def apply(self, state: None) -> CommentRequestState:
        return trusted(
            CommentRequestState,
            ref=self.subject,
            version=self.originator_version,
            requester=self.requester,
            recipient=self.recipient,
            channel=self.channel,
            question=self.question,
            regarding=self.regarding,
            requested_at=self.occurred_at,
            deadline=self.deadline,
        )


class CommentReceived(Event):
    """The recipient answered; ``text`` is the answer, when it can be quoted."""

    TOPIC: ClassVar[str] = "ledger.CommentReceived.v1"

    occurred_at: WorldTime
    text: Text | None = None

    def summary(self) -> str:
        return "comment received" + (f": “{self.text}”" if self.text else "")

    def apply(self, state: CommentRequestState) -> CommentRequestState:
        return self.evolve(state, status="answered", answered_at=self.occurred_at, answer=self.text)


class CommentDeclined(Event):
    """The recipient declined to comment."""

    TOPIC: ClassVar[str] = "ledger.CommentDeclined.v1"

    occurred_at: WorldTime
    text: Text | None = None

    def summary(self) -> str:
        return "declined to comment" + (f": “{self.text}”" if self.text else "")

    def apply(self, state: CommentRequestState) -> CommentRequestState:
        return self.evolve(state, status="declined", answered_at=self.occurred_at, answer=self.text)


class CommentRequestLapsed(Event):
    """No answer had come by ``occurred_at``."""

    TOPIC: ClassVar[str] = "ledger.CommentRequestLapsed.v1"

    occurred_at: WorldTime
    text: Text | None = None

    def summary(self) -> str:
        return "no answer by then: request lapsed" + (f" ({self.text})" if self.text else "")

    def apply(self, state: CommentRequestState) -> CommentRequestState:
        status = "lapsed" if state.status == "awaiting" else state.status
        return self.evolve(state, status=status, lapsed_at=self.occurred_at)


def request(
    ref: str,
    *,
    requester: str,
    recipient: str,
    channel: str,
    at: WorldTime,
    regarding: Sequence[str] = (),
    question: str | None = None,
    deadline: WorldTime | None = None,
    provenance: Provenance,
    directory: Directory,
) -> CommentRequested:
    """Record a request for comment sent from ``requester`` to ``recipient``."""
    event = build(
        CommentRequested,
        **creation_fields(ref, provenance.checked(directory), kind="comment", directory=directory),
        occurred_at=at,
        requester=requester,
        recipient=recipient,
        channel=channel,
        question=question,
        regarding=as_tuple(regarding),
        deadline=deadline,
    )
    if event.requester == event.recipient:
        raise InvalidError(
            "a request for comment needs a recipient other than its requester", field="recipient"
        )
    require_existing(directory, [event.requester], "requester")
    require_existing(directory, [event.recipient], "recipient")
    if ref in event.regarding:
        raise InvalidError(f"{ref} cannot regard itself", field="regarding")
    if len(set(event.regarding)) != len(event.regarding):
        raise InvalidError("regarding: the same subject is named twice", field="regarding")
    require_existing(directory, event.regarding, "subject", field="regarding")
    if deadline is not None:
        refuse_before(deadline, at, f"the deadline {deadline} is before the request ({at})", field="deadline")
    return event


A = TypeVar("A", CommentReceived, CommentDeclined)


def _answer(
    cls: type[A],
    state: CommentRequestState,
    *,
    at: WorldTime,
    text: str | None,
    provenance: Provenance,
    directory: Directory,
) -> A:
    if state.answered_at is not None:
        raise InvalidError(f"{state.ref} is not open: it was already {state.status} ({state.answered_at})")
    event = build(cls, **next_fields(state, provenance.checked(directory)), occurred_at=at, text=text)
    refuse_before(
        at,
        state.requested_at,
        f"{state.ref} cannot have been answered at {at}: it was sent {state.requested_at}",
    )
    return event


def receive(
    state: CommentRequestState,
    *,
    at: WorldTime,
    text: str | None = None,
    provenance: Provenance,
    directory: Directory,
) -> CommentReceived:
    """Record the answer to the request."""
    return _answer(CommentReceived, state, at=at, text=text, provenance=provenance, directory=directory)


def decline(
    state: CommentRequestState,
    *,
    at: WorldTime,
    text: str | None = None,
    provenance: Provenance,
    directory: Directory,
) -> CommentDeclined:
    """Record that the recipient declined to comment."""
    return _answer(CommentDeclined, state, at=at, text=text, provenance=provenance, directory=directory)


def lapse(
    state: CommentRequestState,
    *,
    at: WorldTime,
    text: str | None = None,
    provenance: Provenance,
    directory: Directory,
) -> CommentRequestLapsed:
    """Record that no answer had come by ``at``."""
    if state.lapsed_at is not None:
        raise InvalidError(f"{state.ref} already lapsed ({state.lapsed_at})", field="at")
    if state.answered_at is not None and state.answered_at.definitely_before(at):
        raise InvalidError(
            f"{state.ref} is {state.status}, not awaiting an answer, so it cannot lapse "
            f"(answered {state.answered_at})"
        )
    event = build(
        CommentRequestLapsed, **next_fields(state, provenance.checked(directory)), occurred_at=at, text=text
    )
    refuse_before(
        at, state.requested_at, f"{state.ref} cannot lapse at {at}: it was sent {state.requested_at}"
    )
    if state.deadline is not None:
        refuse_before(
            at, state.deadline, f"{state.ref} cannot lapse at {at}, before its deadline {state.deadline}"
        )
    return event
