"""The unit of work: events checked against recorded and pending state, saved at once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from domain.errors import AlreadyExistsError, NotFoundError
from domain.events import Event, SubjectState
from domain.refs import parse_ref

if TYPE_CHECKING:
    from domain import State


class Subjects(Protocol):
    """What a unit of work needs of the ledger: recorded subjects."""

    def exists(self, ref: str) -> bool: ...

    def get(self, ref: str, version: int | None = None) -> State: ...


class UnitOfWork:
    """Events checked against recorded and pending state, to be saved at once.

    It is also the :class:`~domain.events.Directory` the domain checks
    references against, so a batch can refer to subjects it creates.
    """

    def __init__(self, subjects: Subjects) -> None:
        self._subjects = subjects
        self.states: dict[str, SubjectState] = {}
        self.events: list[Event] = []

    def exists(self, ref: str) -> bool:
        """True when ``ref`` is recorded or pending in this unit."""
        return ref in self.states or self._subjects.exists(ref)

    def new(self, ref: str) -> None:
        """Check that ``ref`` is not recorded nor pending (:class:`AlreadyExistsError` if it is)."""
        parse_ref(ref)
        if self.exists(ref):
            raise AlreadyExistsError(f"{ref} already exists", field="ref")

    def subject(self, ref: str) -> SubjectState:
        """The current state of the subject ``ref`` (:class:`NotFoundError` naming ``ref`` if none)."""
        parse_ref(ref)
        if ref not in self.states:
            try:
                self.states[ref] = self._subjects.get(ref)
            except NotFoundError as error:
                raise NotFoundError(str(error), field="ref") from None
        return self.states[ref]

    def add(self, event: Event) -> None:
        """Apply ``event`` to its subject's pending state and queue it."""
        self.states[event.subject] = event.apply(self.states.get(event.subject))
        self.events.append(event)
