"""Actors: the people and organisations who post, claim, review and answer.

Actors change: handles are added and dropped (a renamed account is its old
handle dropped and its new one added, at the same world time), and names
change. Each change has a world time; the state is their fold in world-time
order, so the handles and name at any world time can be told.

Rules: a handle is added only when it is not surely held then, and dropped
only when it is held (added, possibly before the drop, and not yet dropped); a drop
ends every period of the handle still open.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Literal

from domain.errors import InvalidError
from domain.events import (
    Directory,
    Event,
    Frozen,
    Provenance,
    SubjectState,
    Text,
    as_tuple,
    build,
    build_value,
    copied,
    creation_fields,
    next_fields,
    trusted,
)
from domain.worldtime import WorldTime

ActorKind = Literal["person", "organization"]


class Handle(Frozen):
    """An account of an actor on a platform, such as ``x:elonmusk``."""

    platform: Text
    handle: Text

    @classmethod
    def parse(cls, text: str) -> Handle:
        """Read ``PLATFORM:HANDLE``."""
        if not isinstance(text, str):
            raise InvalidError(f"a handle must be PLATFORM:HANDLE text, not {type(text).__name__}")
        platform, colon, handle = text.partition(":")
        if not colon or not platform.strip() or not handle.strip():
            raise InvalidError(f"malformed handle {text!r}: expected PLATFORM:HANDLE")
        return build_value(cls, platform=platform.strip().lower(), handle=handle.strip())

    def __str__(self) -> str:
        return f"{self.platform}:{self.handle}"


class HandleHeld(Frozen):
    """A period an actor held a handle: ``since`` None for a handle given at registration,
    ``until`` None while still held."""

    handle: Handle
    since: WorldTime | None = None
    until: WorldTime | None = None

    def possibly_at(self, at: WorldTime) -> bool:
        """True when the handle may have been held at some moment within ``at``."""
        started = self.since is None or not at.definitely_before(self.since)
        return started and (self.until is None or not self.until.definitely_before(at))

    def surely_at(self, at: WorldTime) -> bool:
        """True when the handle was held throughout ``at``."""
        started = self.since is None or self.since.latest <= at.earliest
        return started and (self.until is None or at.latest < self.until.earliest)


class ActorState(SubjectState):
    """What the ledger knows of an actor: its current name and handles, and every period a handle was held."""

    name: str
    kind: ActorKind
    description: str | None = None
    handles: tuple[Handle, ...] = ()
    held: tuple[HandleHeld, ...] = ()
    names: tuple[str, ...] = ()
    """Every name it went by, in world-time order (the first is the registered one)."""

    def handles_at(self, at: WorldTime) -> tuple[Handle, ...]:
        """The handles that may have been held at ``at``."""
        return tuple(dict.fromkeys(h.handle for h in self.held if h.possibly_at(at)))


class ActorRegistered(Event):
    """An actor was recorded: their name, kind, description and handles."""

    TOPIC: ClassVar[str] = "ledger.ActorRegistered.v1"

    name: Text
    kind: ActorKind
    description: Text | None = None
    handles: tuple[Handle, ...] = ()

    def summary(self) -> str:
        return f"{self.kind} registered: {self.name}"

    def apply(self, state: None) -> ActorState:
        return trusted(
            ActorState,
            ref=self.subject,
            version=self.originator_version,
            name=self.name,
            kind=self.kind,
            description=self.description,
            handles=self.handles,
            held=tuple(trusted(HandleHeld, handle=h) for h in self.handles),
            names=(self.name,),
        )


class ActorHandleAdded(Event):
    """The actor took a handle (opened an account, or renamed one to it)."""

    TOPIC: ClassVar[str] = "ledger.ActorHandleAdded.v1"

    occurred_at: WorldTime
    handle: Handle

    def summary(self) -> str:
        return f"handle added: {self.handle}"

    def apply(self, state: ActorState) -> ActorState:
        # A handle added while it may already be held opens a second period, but is one handle.
        held = (*state.held, trusted(HandleHeld, handle=self.handle, since=self.occurred_at))
        handles = tuple(dict.fromkeys((*state.handles, self.handle)))
        return self.evolve(state, handles=handles, held=held)


class ActorHandleDropped(Event):
    """The actor gave up a handle (closed the account, or renamed it away)."""

    TOPIC: ClassVar[str] = "ledger.ActorHandleDropped.v1"

    occurred_at: WorldTime
    handle: Handle

    def summary(self) -> str:
        return f"handle dropped: {self.handle}"

    def apply(self, state: ActorState) -> ActorState:
        # After a drop the handle is not held: every period of it still open ends here (two are
        # open when it was added again while it may already have been held).
        held = tuple(
            copied(h, {"until": self.occurred_at}) if h.handle == self.handle and h.until is None else h
            for h in state.held
        )
        handles = tuple(h for h in state.handles if h != self.handle)
        return self.evolve(state, handles=handles, held=held)


class ActorRenamed(Event):
    """The actor's name changed."""

    TOPIC: ClassVar[str] = "ledger.ActorRenamed.v1"

    occurred_at: WorldTime
    name: Text

    def summary(self) -> str:
        return f"renamed: {self.name}"

    def apply(self, state: ActorState) -> ActorState:
        return self.evolve(state, name=self.name, names=(*state.names, self.name))


def register(
    ref: str,
    *,
    name: str,
    kind: str,
    description: str | None = None,
    handles: Sequence[Handle | str] = (),
    provenance: Provenance,
    directory: Directory,
) -> ActorRegistered:
    """Record a new actor under ``ref`` (``actor/...``)."""
    parsed = tuple(h if isinstance(h, Handle) else Handle.parse(h) for h in as_tuple(handles))
    if len(set(parsed)) != len(parsed):
        raise InvalidError("handles: the same handle is given twice", field="handles")
    return build(
        ActorRegistered,
        **creation_fields(ref, provenance.checked(directory), kind="actor", directory=directory),
        name=name,
        kind=kind,
        description=description,
        handles=parsed,
    )


def add_handle(
    state: ActorState, *, handle: Handle | str, at: WorldTime, provenance: Provenance, directory: Directory
) -> ActorHandleAdded:
    """Record that the actor took ``handle`` at ``at``."""
    parsed = handle if isinstance(handle, Handle) else Handle.parse(handle)
    event = build(
        ActorHandleAdded, **next_fields(state, provenance.checked(directory)), occurred_at=at, handle=parsed
    )
    if any(h.handle == parsed and h.surely_at(at) for h in state.held):
        raise InvalidError(f"{state.ref} already held {parsed} at {at}", field="handle")
    return event


def drop_handle(
    state: ActorState, *, handle: Handle | str, at: WorldTime, provenance: Provenance, directory: Directory
) -> ActorHandleDropped:
    """Record that the actor gave up ``handle`` at ``at``."""
    parsed = handle if isinstance(handle, Handle) else Handle.parse(handle)
    event = build(
        ActorHandleDropped, **next_fields(state, provenance.checked(directory)), occurred_at=at, handle=parsed
    )
    if not any(
        h.handle == parsed and h.until is None and (h.since is None or not at.definitely_before(h.since))
        for h in state.held
    ):
        raise InvalidError(f"{state.ref} did not hold {parsed} at {at}, so it cannot drop it", field="handle")
    return event


def rename(
    state: ActorState, *, name: str, at: WorldTime, provenance: Provenance, directory: Directory
) -> ActorRenamed:
    """Record that the actor's name changed to ``name`` at ``at``."""
    event = build(
        ActorRenamed, **next_fields(state, provenance.checked(directory)), occurred_at=at, name=name
    )
    if event.name == state.name:
        raise InvalidError(f"{state.ref} is already named {event.name!r}", field="name")
    return event
