"""Running commands: the unit of work, and :meth:`LedgerExecution.execute`.

A command (a model of :mod:`ledger.commands`) is checked against the
domain's rules and the subjects already recorded or pending in the same
unit of work, which queues its events; the unit is saved when the command,
or the :meth:`~ledger.Ledger.batch` it runs in, ends.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import ValidationError

from domain.errors import AlreadyExistsError, InvalidError, LedgerError, NotFoundError
from domain.events import (
    Event,
    LogEntry,
    Provenance,
    SubjectState,
    apply_in_world_order,
    as_tuple,
    describe_validation_error,
)
from domain.refs import parse_ref

if TYPE_CHECKING:
    from domain import State
    from ledger.commands.base import Command


PROVENANCES_KEPT = 1024
"""How many provenances (who, sources, note) are kept once made: commands in a batch share a few."""

_PROVENANCES: dict[tuple[str, tuple[str, ...], str | None], Provenance] = {}
"""Provenances made, by their values (frozen, so shared): each is validated once, not per command."""


class Subjects(Protocol):
    """What a unit of work needs of the ledger: recorded subjects."""

    def exists(self, ref: str) -> bool: ...

    def get(self, ref: str) -> State: ...

    def history(self, ref: str) -> list[LogEntry]: ...


ABSENT_KEPT = 256
"""How many "not recorded" answers a unit of work remembers (the last ones): a new subject is
looked up once, not again by the domain's own check, and a unit's memory stays bounded."""


class UnitOfWork:
    """Events checked against recorded and pending state, to be saved at once.

    It is also the :class:`~domain.events.Directory` the domain checks
    references against, so a batch can refer to subjects it creates.
    """

    def __init__(self, subjects: Subjects, *, check_at_end: bool = False) -> None:
        self._subjects = subjects
        self._check_at_end = check_at_end
        self._checks: dict[str, list[Callable[[Any], None]]] = {}
        self.states: dict[str, SubjectState] = {}
        self.events: list[Event] = []
        self._absent: OrderedDict[str, None] = OrderedDict()
        self._pending: dict[str, list[Event]] = {}
        """The pending events of each subject, in the order added."""

    def defer(self, ref: str, check: Callable[[Any], None]) -> bool:
        """Run ``check`` on the state of ``ref`` when the unit ends (see :meth:`finish`), if the unit
        checks at its end; False when the caller must check now."""
        if self._check_at_end:
            self._checks.setdefault(ref, []).append(check)
        return self._check_at_end

    def finish(self) -> None:
        """Run the deferred checks on the states the unit ends with; raises the first refusal."""
        for ref, checks in self._checks.items():
            for check in dict.fromkeys(checks):
                check(self.subject(ref))
        self._checks.clear()

    def exists(self, ref: str) -> bool:
        """True when ``ref`` is recorded or pending in this unit."""
        return ref in self.states or self._recorded(ref)

    def _recorded(self, ref: str) -> bool:
        """True when ``ref`` is recorded in the ledger; the last "no" answers are remembered.

        A subject recorded by another writer meanwhile is caught when the unit is saved (the store
        refuses a second first entry), as it would be after the lookup anyway.
        """
        if ref in self._absent:
            return False
        if self._subjects.exists(ref):
            return True
        self._absent[ref] = None
        if len(self._absent) > ABSENT_KEPT:
            self._absent.popitem(last=False)
        return False

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

    @property
    def count(self) -> int:
        """How many events are pending."""
        return len(self.events)

    def add(self, event: Event) -> None:
        """Fold ``event`` into its subject's pending state, at its world-time place, and queue it."""
        self.states[event.subject] = apply_in_world_order(
            self.states.get(event.subject), event, lambda: self.events_of(event.subject)
        )
        self.events.append(event)
        self._pending.setdefault(event.subject, []).append(event)

    def events_of(self, ref: str) -> list[Event]:
        """Every event of ``ref``, recorded then pending in this unit, in version order."""
        pending = list(self._pending.get(ref, ()))
        if pending and pending[0].originator_version == 1:
            return pending
        return [entry.event for entry in self._subjects.history(ref)] + pending


class LedgerExecution:
    """How :class:`~ledger.Ledger` runs a command: in the open batch's unit of work, or its own."""

    recorded_by: str

    def _unit(self) -> AbstractContextManager[UnitOfWork]:
        """The batch's unit of work, or a new one saved when the block ends."""
        raise NotImplementedError

    def execute(self, command: Command, *, recorded_by: str | None = None) -> str:
        """Record ``command`` (a model of :mod:`ledger.commands`) and return the reference it recorded.

        It runs in the open :meth:`~ledger.Ledger.batch`, if any, else on its
        own. ``recorded_by`` defaults to the ledger's. Raises a
        :class:`LedgerError` whose ``field`` names the command's field at
        fault when the error is about one (``at``, ``author``).

        >>> from ledger import Ledger
        >>> from ledger.commands import RegisterActor
        >>> with Ledger.open(":memory:") as ledger:
        ...     ledger.execute(RegisterActor(ref="actor/ada", name="Ada", kind="person"))
        'actor/ada'
        """
        provenance = self._provenance(recorded_by, command)
        try:
            with self._unit() as work:
                command.record(work, provenance)
        except LedgerError as error:
            error.field = type(command).field_named(error.field)
            raise
        return command.ref

    def _provenance(self, recorded_by: str | None, command: Command) -> Provenance:
        who = recorded_by or self.recorded_by
        key = (who, as_tuple(command.sources), command.note)
        found = _PROVENANCES.get(key) if type(who) is str else None
        if found is not None:
            return found
        try:
            made = Provenance(recorded_by=who, sources=key[1], note=key[2])
        except ValidationError as error:
            raise InvalidError(describe_validation_error(error), field="recorded_by") from None
        if len(_PROVENANCES) >= PROVENANCES_KEPT:
            _PROVENANCES.clear()
        _PROVENANCES[key] = made
        return made

    def _record(self, command: type[Command], arguments: dict[str, Any]) -> str:
        """Execute ``command`` built from a typed method's ``arguments`` (its ``locals()``)."""
        fields = {name: value for name, value in arguments.items() if name not in {"self", "recorded_by"}}
        return self.execute(command.from_arguments(fields), recorded_by=arguments["recorded_by"])
