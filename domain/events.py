"""The base of every event, the state of every subject, and corrections.

Events are frozen pydantic models with an explicit, stable ``TOPIC`` (the
name under which they are stored, independent of module paths). Each event
knows how to ``apply`` itself to the state of its subject, returning a new
immutable state, and how to describe itself in one line for timelines.

Every event carries the subject's reference, the world time it happened
(``occurred_at``, when it has one), who recorded it and the sources that
support it. Record time is not part of the event: the store assigns it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Protocol, Self, TypeVar, cast
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from pydantic_core import ErrorDetails

from domain.errors import AlreadyExistsError, InvalidError, NotFoundError
from domain.refs import Ref, SourceRef, parse_ref, subject_id
from domain.trail import Trail, appended
from domain.worldtime import WorldTime

MAX_TEXT = 1_000_000
"""The longest text the ledger records, in characters: a long-form post or article is a few
hundred thousand; more is an attack on memory and on every reader's screen."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]
"""Text that must not be empty or only whitespace, at most :data:`MAX_TEXT` characters."""

Version = Annotated[int, Field(ge=1)]


class Frozen(BaseModel):
    """Base of the domain's immutable value objects."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Correction(Frozen):
    """A correction appended to a subject: which entry it corrects, and why."""

    version: Version
    corrects_version: Version
    reason: Text
    recorded_by: Text


class SubjectState(Frozen):
    """What every subject's state has: its reference, version and corrections."""

    ref: Ref
    version: Version
    corrections: Trail[Correction] = Trail()
    folded_to: tuple[datetime, datetime] | None = Field(default=None, exclude=True, repr=False)
    """The world time (earliest, latest) of the last entry folded in: a later-found earlier
    entry needs the whole history folded again (see :func:`fold`). Not part of the state shown."""


S = TypeVar("S", bound=SubjectState)
M = TypeVar("M", bound=BaseModel)

_set = object.__setattr__


def copied(state: M, changes: dict[str, Any]) -> M:
    """``state.model_copy(update=changes)``, for a frozen model without extras or private
    attributes, in a quarter of the time: replay copies a state per event."""
    cls = type(state)
    new = cls.__new__(cls)
    values = state.__dict__.copy()
    values.update(changes)
    fields_set = state.__pydantic_fields_set__
    _set(new, "__dict__", values)
    _set(new, "__pydantic_extra__", None)
    # The set is never changed in place (the models are frozen): share it when nothing is added.
    _set(
        new,
        "__pydantic_fields_set__",
        fields_set if fields_set.issuperset(changes) else fields_set | changes.keys(),
    )
    _set(new, "__pydantic_private__", None)
    return new


_DEFAULTS: dict[type[BaseModel], dict[str, Any]] = {}
_FIELDS_SETS: dict[tuple[Any, ...], set[str]] = {}


def trusted(cls: type[M], **values: Any) -> M:
    """``cls(**values)`` without validating ``values``, for a frozen model without extras or
    private attributes: an event's ``apply`` builds states and values from its own fields, valid
    and of the right types already (validating them again was most of the cost of applying it).

    Fields left out take their defaults (none of these models has a default factory).
    """
    defaults = _DEFAULTS.get(cls)
    if defaults is None:
        defaults = _DEFAULTS[cls] = {name: field.default for name, field in cls.model_fields.items()}
    fields = {**defaults, **values}
    if len(fields) != len(defaults):
        unknown = ", ".join(sorted(values.keys() - defaults.keys()))
        raise TypeError(f"{cls.__name__} has no field {unknown}")
    key = (cls, *values)
    fields_set = _FIELDS_SETS.get(key)
    if fields_set is None:
        fields_set = _FIELDS_SETS[key] = set(values)
    new = cls.__new__(cls)
    _set(new, "__dict__", fields)
    _set(new, "__pydantic_extra__", None)
    # One set for every value built from the same fields: the models are frozen, so pydantic
    # never changes it in place (``model_copy`` copies it first), and a set weighs 200 bytes.
    _set(new, "__pydantic_fields_set__", fields_set)
    _set(new, "__pydantic_private__", None)
    return new


_TOPICS: dict[str, type[Event]] = {}
_NO_TIME = datetime.min.replace(tzinfo=UTC)


class Event(Frozen):
    """Base of every event recorded in the ledger."""

    TOPIC: ClassVar[str] = ""
    """The stable name under which events of this class are stored."""

    originator_id: UUID
    originator_version: Version
    subject: Ref
    occurred_at: WorldTime | None = None
    recorded_by: Text
    sources: tuple[SourceRef, ...] = ()
    note: Text | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        topic = cls.__dict__.get("TOPIC")
        if topic:
            if topic in _TOPICS:
                raise TypeError(f"topic {topic!r} is already used by {_TOPICS[topic]}")
            _TOPICS[topic] = cls

    @property
    def type(self) -> str:
        """The event's type name, as shown to users (``PostDeleted``)."""
        return type(self).__name__

    @property
    def actor(self) -> str | None:
        """The actor who did what this event records, when the event names one."""
        return None

    def references(self) -> tuple[str, ...]:
        """Every subject this event names, other than its own subject."""
        return self.sources

    def summary(self) -> str:
        """One line saying what happened, for timelines."""
        return self.type

    def apply(self, state: Any) -> Any:
        """Return the state of the subject after this event."""
        raise NotImplementedError

    def evolve(self, state: S, **changes: Any) -> S:
        """A copy of ``state`` with ``changes`` made, at the highest version folded so far."""
        version = self.originator_version
        changes["version"] = version if version > state.version else state.version
        occurred_at = self.occurred_at
        if occurred_at is not None:
            changes["folded_to"] = (occurred_at.earliest, occurred_at.latest)
        return copied(state, changes)


def event_class(topic: str) -> type[Event]:
    """The event class stored under ``topic``."""
    if topic not in _TOPICS:
        _register_every_aggregate()
    try:
        return _TOPICS[topic]
    except KeyError:
        raise InvalidError(f"unknown event topic {topic!r}") from None


def event_classes() -> Mapping[str, type[Event]]:
    """Every registered event class by topic."""
    _register_every_aggregate()
    return dict(_TOPICS)


def _register_every_aggregate() -> None:
    # Event classes register as their modules load; ``domain`` loads them on first use only.
    import domain  # noqa: PLC0415

    _ = domain.State


class OutOfOrderError(Exception):
    """An entry lands before the last one folded into a state: fold the whole history again."""


def world_key(event: Event) -> tuple[int, datetime | None, datetime | None, int]:
    """Where an entry stands in its subject's fold: the creation first, then by world time
    (earliest, latest), then version (the log's order within a subject).

    Entries without a world time (linking a subject, a correction) change nothing that
    entries with one change, so they are placed after the creation in version order.
    """
    if event.originator_version == 1 or event.occurred_at is None:
        return (0, None, None, event.originator_version)
    return (1, event.occurred_at.earliest, event.occurred_at.latest, event.originator_version)


def in_world_order(events: Iterable[Event]) -> list[Event]:
    """``events`` of one subject in the order their subject's state folds them."""
    return sorted(events, key=_sort_key)


def _sort_key(event: Event) -> tuple[int, datetime, datetime, int]:
    rank, earliest, latest, version = world_key(event)
    if earliest is None or latest is None:
        return (rank, _NO_TIME, _NO_TIME, version)
    return (rank, earliest, latest, version)


def fold(state: Any, events: Iterable[Event]) -> Any:
    """The state after ``events`` (None at first), folded in world-time order.

    From nothing, the events are sorted (:func:`in_world_order`). Onto a state,
    each event must come at or after the last one folded in; an earlier one
    raises :class:`OutOfOrderError`, and the caller folds the whole history again.
    """
    if state is None:
        events = in_world_order(events)
    for event in events:
        state = fold_one(state, event)
    return state


def fold_one(state: Any, event: Event) -> Any:
    """``fold(state, [event])``, without the list: replay folds one event at a time."""
    if state is not None:
        last = state.folded_to
        at = event.occurred_at
        if last is not None and at is not None and (at.earliest, at.latest) < last:
            raise OutOfOrderError(
                f"{event.subject} v{event.originator_version} lands before v{state.version}"
            )
    # A creation folds first whatever its world time, so it sets no place to keep after.
    return event.apply(state)


def apply_in_world_order(state: Any, event: Event, history: Callable[[], Iterable[Event]]) -> Any:
    """The state after ``event``: applied to ``state`` when it comes last in world order,
    else the whole ``history`` (every earlier event of the subject) folded again with it."""
    try:
        return fold_one(state, event)
    except OutOfOrderError:
        return fold(None, [*history(), event])


class EntryCorrected(Event):
    """A correction of an earlier entry of the same subject; nothing is edited."""

    TOPIC: ClassVar[str] = "ledger.EntryCorrected.v1"

    corrects_version: Version
    reason: Text

    def summary(self) -> str:
        return f"correction of entry v{self.corrects_version}: {self.reason}"

    def apply(self, state: S) -> S:
        correction = trusted(
            Correction,
            version=self.originator_version,
            corrects_version=self.corrects_version,
            reason=self.reason,
            recorded_by=self.recorded_by,
        )
        return self.evolve(state, corrections=appended(state.corrections, correction))


class EntryRedacted(Event):
    """The content of an earlier entry of the same subject was erased (a legal request); its digest stays.

    The ledger erases the content and its salt from the stored entry and
    keeps ``content_sha256``, the salted digest its leaf commits to, so the
    Merkle tree and every proof still verify.
    """

    TOPIC: ClassVar[str] = "ledger.EntryRedacted.v1"

    redacts_version: Version
    redacts_position: Annotated[int, Field(ge=1)]
    content_sha256: str
    reason: Text

    def summary(self) -> str:
        return f"redaction of entry v{self.redacts_version}: {self.reason}"

    def apply(self, state: S) -> S:
        return self.evolve(state)


@dataclass(frozen=True, slots=True)
class LogEntry:
    """An event as stored: its log position and record time, assigned by the store."""

    position: int
    recorded_at: datetime
    event: Event

    @property
    def type(self) -> str:
        """The event's type name."""
        return self.event.type

    @property
    def subject(self) -> str:
        """The reference of the subject the event belongs to."""
        return self.event.subject

    @property
    def version(self) -> int:
        """The event's version in its subject's stream."""
        return self.event.originator_version


class Directory(Protocol):
    """What the domain needs to know of other subjects: whether they exist."""

    def exists(self, ref: str) -> bool:
        """True when a subject has been recorded under ``ref``."""
        ...


def require_existing(
    directory: Directory, refs: Iterable[str], role: str, *, field: str | None = None
) -> None:
    """Raise :class:`NotFoundError` naming the first of ``refs`` not recorded.

    ``field`` is the command's argument that holds ``refs`` (``role`` unless said).
    """
    for ref in refs:
        if not directory.exists(ref):
            raise NotFoundError(f"{role} {ref} does not exist", field=field or role)


class Provenance(Frozen):
    """Who records an entry and how we know it: the fields every command takes."""

    recorded_by: Text
    sources: tuple[SourceRef, ...] = ()
    note: Text | None = None

    def checked(self, directory: Directory) -> Self:
        """Self, after checking that every cited source exists."""
        require_existing(directory, self.sources, "source", field="sources")
        return self


E = TypeVar("E", bound=Event)
T = TypeVar("T")


def as_tuple(values: Iterable[T]) -> tuple[T, ...]:
    """``values`` as a tuple; a lone string (or value object) is one value, never split up."""
    if isinstance(values, str | BaseModel):
        return cast(tuple[T, ...], (values,))
    return tuple(values)


def build(cls: type[E], **fields: Any) -> E:
    """Construct an event, turning validation failures into :class:`InvalidError`."""
    try:
        return cls(**fields)
    except ValidationError as error:
        loc = error.errors()[0]["loc"]
        raise InvalidError(describe_validation_error(error), field=str(loc[0]) if loc else None) from None


def build_value(cls: type[M], **fields: Any) -> M:
    """Construct a value object, turning validation failures into :class:`InvalidError`."""
    try:
        return cls(**fields)
    except ValidationError as error:
        raise InvalidError(f"{cls.__name__.lower()}.{describe_validation_error(error)}") from None


def problem_message(problem: ErrorDetails) -> str:
    """Why a value is refused, in the ledger's words, from one of pydantic's validation problems."""
    context = problem.get("ctx") or {}
    if problem["type"] == "string_too_long" and "max_length" in context:
        return f"too long: at most {context['max_length']:,} characters"
    if problem["type"] == "value_error" and "error" in context:
        return str(context["error"])
    return str(problem["msg"]).removeprefix("Value error, ")


def describe_validation_error(error: ValidationError) -> str:
    """One line naming the first invalid field and what is wrong with it."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    message = problem_message(first)
    return f"{where}: {message}" if where else message


def creation_fields(ref: str, provenance: Provenance, *, kind: str, directory: Directory) -> dict[str, Any]:
    """The fields of the first event of the subject named ``ref`` (of ``kind``), which must be new."""
    parse_ref(ref, kind=kind)
    if directory.exists(ref):
        raise AlreadyExistsError(f"{ref} already exists", field="ref")
    return {
        "originator_id": subject_id(ref),
        "originator_version": 1,
        "subject": ref,
        **provenance.model_dump(),
    }


def next_fields(state: SubjectState, provenance: Provenance) -> dict[str, Any]:
    """The fields of the next event of the subject whose state is ``state``."""
    return {
        "originator_id": subject_id(state.ref),
        "originator_version": state.version + 1,
        "subject": state.ref,
        **provenance.model_dump(),
    }


def correct(state: SubjectState, *, version: int, reason: str, provenance: Provenance) -> EntryCorrected:
    """Append a correction of entry ``version`` of the subject."""
    if not 1 <= version <= state.version:
        raise NotFoundError(f"{state.ref} has no entry v{version} (latest is v{state.version})")
    return build(EntryCorrected, **next_fields(state, provenance), corrects_version=version, reason=reason)


def redact(
    state: SubjectState,
    *,
    version: int,
    position: int,
    content_sha256: str,
    reason: str,
    provenance: Provenance,
) -> EntryRedacted:
    """Append the record of a redaction of entry ``version`` (at log ``position``) of the subject."""
    if not 1 <= version <= state.version:
        raise NotFoundError(f"{state.ref} has no entry v{version} (latest is v{state.version})")
    return build(
        EntryRedacted,
        **next_fields(state, provenance),
        redacts_version=version,
        redacts_position=position,
        content_sha256=content_sha256,
        reason=reason,
    )


def refuse_before(at: WorldTime, earlier: WorldTime, message: str, *, field: str = "at") -> None:
    """Refuse an event at ``at`` that must not precede ``earlier`` but surely does.

    Only the impossible is refused: overlapping imprecise times are allowed.
    ``field`` is the command's argument that holds ``at``.
    """
    if at.definitely_before(earlier):
        raise InvalidError(message, field=field)
