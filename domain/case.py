"""Cases: one story or investigation, the subjects it links, and its notes."""

from __future__ import annotations

from typing import ClassVar

from domain.errors import InvalidError
from domain.events import (
    Directory,
    Event,
    Frozen,
    Provenance,
    SubjectState,
    Text,
    build,
    creation_fields,
    next_fields,
    require_existing,
    trusted,
)
from domain.refs import Ref
from domain.trail import Trail, appended
from domain.worldtime import WorldTime


class CaseNote(Frozen):
    """A note in a case file; ``version`` is the entry that added it."""

    version: int
    text: str
    at: WorldTime


class CaseState(SubjectState):
    """What the ledger knows of a case."""

    title: str
    description: str | None = None
    subjects: Trail[str] = Trail()
    notes: Trail[CaseNote] = Trail()


class CaseOpened(Event):
    """A case was opened."""

    TOPIC: ClassVar[str] = "ledger.CaseOpened.v1"

    title: Text
    description: Text | None = None

    def summary(self) -> str:
        return f"case opened: {self.title}"

    def apply(self, state: None) -> CaseState:
        return trusted(
            CaseState,
            ref=self.subject,
            version=self.originator_version,
            title=self.title,
            description=self.description,
        )


class SubjectLinked(Event):
    """A subject was linked to the case."""

    TOPIC: ClassVar[str] = "ledger.SubjectLinked.v1"

    linked: Ref

    def references(self) -> tuple[str, ...]:
        return (*self.sources, self.linked)

    def summary(self) -> str:
        return f"linked {self.linked}"

    def apply(self, state: CaseState) -> CaseState:
        return self.evolve(state, subjects=appended(state.subjects, self.linked))


class NoteAdded(Event):
    """A note was added to the case."""

    TOPIC: ClassVar[str] = "ledger.NoteAdded.v1"

    occurred_at: WorldTime
    text: Text

    def summary(self) -> str:
        return f"note: {self.text}"

    def apply(self, state: CaseState) -> CaseState:
        note = trusted(CaseNote, version=self.originator_version, text=self.text, at=self.occurred_at)
        return self.evolve(state, notes=appended(state.notes, note))


def open_case(
    ref: str,
    *,
    title: str,
    description: str | None = None,
    at: WorldTime | None = None,
    provenance: Provenance,
    directory: Directory,
) -> CaseOpened:
    """Open a case under ``ref`` (``case/...``)."""
    return build(
        CaseOpened,
        **creation_fields(ref, provenance.checked(directory), kind="case", directory=directory),
        title=title,
        description=description,
        occurred_at=at,
    )


def link(state: CaseState, subject: str, *, provenance: Provenance, directory: Directory) -> SubjectLinked:
    """Link ``subject`` to the case."""
    event = build(SubjectLinked, **next_fields(state, provenance.checked(directory)), linked=subject)
    if subject == state.ref:
        raise InvalidError(f"{state.ref} cannot be linked to itself", field="subjects")
    if subject in state.subjects:
        raise InvalidError(f"{subject} is already linked to {state.ref}", field="subjects")
    require_existing(directory, [subject], "subject", field="subjects")
    return event


def note(
    state: CaseState, *, text: str, at: WorldTime, provenance: Provenance, directory: Directory
) -> NoteAdded:
    """Add a note to the case."""
    return build(NoteAdded, **next_fields(state, provenance.checked(directory)), occurred_at=at, text=text)
