"""Actors: the people and organisations who post, claim, review and answer."""

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
    creation_fields,
)

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


class ActorState(SubjectState):
    """What the ledger knows of an actor."""

    name: str
    kind: ActorKind
    description: str | None = None
    handles: tuple[Handle, ...] = ()


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
        return ActorState(
            ref=self.subject,
            version=self.originator_version,
            name=self.name,
            kind=self.kind,
            description=self.description,
            handles=self.handles,
        )


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
