"""A claim made, repeated and retracted: the events and the decisions that record them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from domain.claim.state import Appearance, ClaimState
from domain.errors import AlreadyExistsError, InvalidError
from domain.events import (
    Directory,
    Event,
    Provenance,
    Text,
    as_tuple,
    build,
    creation_fields,
    next_fields,
    refuse_before,
    require_existing,
    trusted,
)
from domain.refs import ActorRef, PostRef, Ref
from domain.trail import Trail, appended
from domain.worldtime import WorldTime

__all__ = [
    "ClaimMade",
    "ClaimRepeated",
    "ClaimRetracted",
    "make",
    "repeat",
    "retract",
]


class ClaimMade(Event):
    """A claimant made a claim in a post, about some subjects."""

    TOPIC: ClassVar[str] = "ledger.ClaimMade.v1"

    occurred_at: WorldTime
    text: Text
    claimant: ActorRef
    post: PostRef
    about: tuple[Ref, ...] = ()

    @property
    def actor(self) -> str | None:
        return self.claimant

    def references(self) -> tuple[str, ...]:
        return (*self.sources, self.claimant, self.post, *self.about)

    def summary(self) -> str:
        return f"claim made by {self.claimant} in {self.post}: “{self.text}”"

    def apply(self, state: None) -> ClaimState:
        return trusted(
            ClaimState,
            ref=self.subject,
            version=self.originator_version,
            text=self.text,
            claimant=self.claimant,
            post=self.post,
            about=self.about,
            made_at=self.occurred_at,
            appearances=Trail((trusted(Appearance, post=self.post, by=self.claimant, at=self.occurred_at),)),
        )


class ClaimRepeated(Event):
    """The claim appeared again, or was amplified, in another post."""

    TOPIC: ClassVar[str] = "ledger.ClaimRepeated.v1"

    occurred_at: WorldTime
    post: PostRef
    by: ActorRef

    @property
    def actor(self) -> str | None:
        return self.by

    def references(self) -> tuple[str, ...]:
        return (*self.sources, self.post, self.by)

    def summary(self) -> str:
        return f"claim repeated by {self.by} in {self.post}"

    def apply(self, state: ClaimState) -> ClaimState:
        appearance = trusted(Appearance, post=self.post, by=self.by, at=self.occurred_at)
        return self.evolve(state, appearances=appended(state.appearances, appearance))


class ClaimRetracted(Event):
    """The claim was withdrawn (by its claimant, unless stated otherwise)."""

    TOPIC: ClassVar[str] = "ledger.ClaimRetracted.v1"

    occurred_at: WorldTime
    by: ActorRef
    reason: Text | None = None

    @property
    def actor(self) -> str | None:
        return self.by

    def references(self) -> tuple[str, ...]:
        return (*self.sources, self.by)

    def summary(self) -> str:
        return "retracted" + (f": {self.reason}" if self.reason else "")

    def apply(self, state: ClaimState) -> ClaimState:
        return self.evolve(state, retracted_at=self.occurred_at, retracted_by=self.by)


def make(
    ref: str,
    *,
    text: str,
    claimant: str,
    post: str,
    at: WorldTime,
    about: Sequence[str] = (),
    provenance: Provenance,
    directory: Directory,
) -> ClaimMade:
    """Record a claim made by ``claimant`` in ``post`` at ``at``."""
    event = build(
        ClaimMade,
        **creation_fields(ref, provenance.checked(directory), kind="claim", directory=directory),
        occurred_at=at,
        text=text,
        claimant=claimant,
        post=post,
        about=as_tuple(about),
    )
    require_existing(directory, [event.claimant], "claimant")
    require_existing(directory, [event.post], "post")
    if ref in event.about:
        raise InvalidError(f"{ref} cannot be about itself", field="about")
    if len(set(event.about)) != len(event.about):
        raise InvalidError("about: the same subject is named twice", field="about")
    require_existing(directory, event.about, "subject", field="about")
    return event


def repeat(
    state: ClaimState,
    *,
    post: str,
    by: str,
    at: WorldTime,
    provenance: Provenance,
    directory: Directory,
) -> ClaimRepeated:
    """Record that the claim appeared again in ``post``, by ``by``."""
    event = build(
        ClaimRepeated,
        **next_fields(state, provenance.checked(directory)),
        occurred_at=at,
        post=post,
        by=by,
    )
    require_existing(directory, [event.post], "post")
    require_existing(directory, [event.by], "actor", field="by")
    if any(appearance.post == event.post for appearance in state.appearances):
        raise AlreadyExistsError(f"{state.ref} already appears in {event.post}")
    return event


def retract(
    state: ClaimState,
    *,
    at: WorldTime,
    by: str | None = None,
    reason: str | None = None,
    provenance: Provenance,
    directory: Directory,
) -> ClaimRetracted:
    """Record that the claim was withdrawn (by its claimant unless ``by`` says)."""
    if state.retracted_at is not None:
        raise InvalidError(f"{state.ref} is already retracted (retracted {state.retracted_at})")
    event = build(
        ClaimRetracted,
        **next_fields(state, provenance.checked(directory)),
        occurred_at=at,
        by=by or state.claimant,
        reason=reason,
    )
    require_existing(directory, [event.by], "actor", field="by")
    refuse_before(
        at, state.made_at, f"{state.ref} cannot have been retracted at {at}: it was made {state.made_at}"
    )
    return event
