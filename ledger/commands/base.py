"""What every recording command is: a frozen pydantic model that knows the domain function it runs.

A command holds the fields one user action records (their types, defaults
and help text, in one place), validates them as pydantic does, and records
its events in a :class:`~ledger.unit_of_work.UnitOfWork`. The same model is
built by the typed :class:`~ledger.Ledger` methods (by field name), by the
CLI (options named by each field's alias) and by case files (entries keyed
by alias); :meth:`~ledger.Ledger.execute` runs it. The commands themselves
are in :mod:`ledger.commands`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    ValidationInfo,
)
from pydantic.config import JsonDict
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from domain.errors import InvalidError
from domain.events import Event, Provenance, Text, describe_validation_error
from domain.refs import Ref, SourceRef
from domain.worldtime import WorldTime

if TYPE_CHECKING:
    from ledger.unit_of_work import UnitOfWork

QUOTE_LIMIT = 100
"""At most this many characters of a value are quoted in an error message."""


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """``value`` as an error message quotes it: its type and at most ``limit`` characters of its repr.

    >>> quoted("x" * 200)[:20], len(quoted("x" * 200)) < 120
    ("str 'xxxxxxxxxxxxxxx", True)
    """
    text = repr(value[: limit + 1] if isinstance(value, str) else value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"{type(value).__name__} {text}"


def _failure(kind: str, reason: str) -> PydanticCustomError:
    # The reason goes in the context, so that braces in it are never read as a template.
    return PydanticCustomError(kind, "{reason}", {"reason": reason})


def _world_time(value: Any, info: ValidationInfo) -> WorldTime:
    """A world time from a WorldTime, text, or a date or date-time (TOML gives both).

    With ``assume_utc`` in the validation context (the CLI and case files), a
    time without a zone is read as UTC; through the Python API it is refused.
    """
    if value is None:
        raise _failure("world_time", "a world time is required (at=...)")
    assume_utc = bool(info.context and info.context.get("assume_utc"))
    try:
        if isinstance(value, datetime) and assume_utc:
            return WorldTime.parse(value.isoformat(), assume_utc=True)
        if isinstance(value, date) and not isinstance(value, datetime):
            return WorldTime.parse(value.isoformat())
        if isinstance(value, WorldTime | datetime | str):
            return WorldTime.coerce(value, assume_utc=assume_utc)
        if isinstance(value, int) and not isinstance(value, bool) and len(str(value)) == 14:
            # A Wayback timestamp written as a bare number (20241016093000) in JSON or TOML.
            return WorldTime.parse(str(value))
    except InvalidError as error:
        raise _failure("world_time", str(error)) from None
    raise _failure("world_time", f'expected a world time such as "2024-10-17", got {quoted(value)}')


def _one_or_many(value: Any) -> Any:
    """A lone value (text, or a value object) as a tuple of one; a list as a tuple."""
    if isinstance(value, str | BaseModel):
        return (value,)
    if isinstance(value, list):
        return tuple(value)
    return value


def _whole_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _failure("whole_number", f"expected a whole number, got {quoted(value)}")
    return value


def parsed_by(parse: Callable[[str], BaseModel]) -> BeforeValidator:
    """Read a value object from its text form with ``parse`` (instances pass as they are).

    Pair it with a serializer back to that text (see :func:`as_text`).
    """

    def read(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return parse(value)
        except InvalidError as error:
            raise _failure("value_text", str(error)) from None

    return BeforeValidator(read)


def as_text(show: Callable[[Any], str]) -> PlainSerializer:
    """Write a value object in JSON as the text :func:`parsed_by` reads."""
    return PlainSerializer(show, return_type=str, when_used="json")


def _at_least_one(values: tuple[str, ...]) -> tuple[str, ...]:
    if not values:
        raise _failure("too_short", "name at least one subject to link")
    return values


WorldTimeArg = Annotated[WorldTime, BeforeValidator(_world_time), PlainSerializer(str, when_used="json")]
"""A world time field: ISO 8601 text with a zone (or read as UTC where the context says), or a WorldTime.

In JSON it is that text, so that a command dumped by alias is a case-file entry.
"""

Count = Annotated[int, BeforeValidator(_whole_number), Field(ge=0)]
"""A non-negative whole number (views, likes, reposts)."""

Whole = Annotated[int, BeforeValidator(_whole_number)]
"""A whole number (an entry's version)."""

Refs = Annotated[tuple[Ref, ...], BeforeValidator(_one_or_many)]
"""References of any kind: one, or a list."""

SourceRefs = Annotated[tuple[SourceRef, ...], BeforeValidator(_one_or_many)]

SomeRefs = Annotated[tuple[Ref, ...], BeforeValidator(_one_or_many), AfterValidator(_at_least_one)]
"""One or more references."""


def field(help: str | None = None, *, metavar: str | None = None, **kwargs: Any) -> Any:
    """A command field: its help text (shown by ``--help``), and how the CLI names its value."""
    extra: JsonDict | None = {"metavar": metavar} if metavar else None
    return Field(description=help, json_schema_extra=extra, **kwargs)


def when(help: str, **kwargs: Any) -> Any:
    """A world-time field; the CLI adds how to write one to ``help``."""
    return field(help, metavar="WHEN", **kwargs)


# Event fields named otherwise in commands.
_EVENT_FIELDS = {"occurred_at": "at", "linked": "subjects"}

_ARGUMENT_NAMES: dict[type[Command], tuple[str, ...]] = {}
"""The names :meth:`Command.arguments` gives, per command class (found once)."""

REGISTERED: dict[str, type[Command]] = {}
"""Every command class that names itself, by name: filled as the classes are defined."""

PROVENANCE = ("sources", "note")
"""The fields every command takes besides its subject: how we know, and a note."""


class Command(BaseModel):
    """A recording command: everything one user action records about the subject ``ref``.

    Subclasses set ``NAME`` (the CLI's and case files' name, ``post delete``),
    ``METHOD`` (the typed :class:`~ledger.Ledger` method), ``RUNS`` (the
    domain function), ``EXAMPLE`` (a command line, for ``--help``) and their
    fields; the docstring's first line is the command's summary.
    """

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        validate_by_name=True,
        validate_by_alias=True,
        loc_by_alias=False,
        defer_build=True,
    )

    NAME: ClassVar[str]
    METHOD: ClassVar[str]
    RUNS: ClassVar[Callable[..., Event]]
    EXAMPLE: ClassVar[str]
    ARGUMENTS: ClassVar[tuple[str, ...]] = ("ref",)
    """The fields the CLI takes as arguments, not options."""

    ref: Ref
    sources: SourceRefs = field(
        "How we know: a source/... reference (repeatable).", alias="source", metavar="SOURCE_REF", default=()
    )
    note: Text | None = field("A note kept with the entry.", metavar="TEXT", default=None)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        name = cls.__dict__.get("NAME")
        if name is not None:
            if name in REGISTERED:
                raise TypeError(f"command {name!r} is already {REGISTERED[name].__name__}")
            REGISTERED[name] = cls

    @classmethod
    def from_arguments(cls, arguments: dict[str, Any]) -> Self:
        """The command with these fields, by name (as the Python API and the CLI give them).

        Raises :class:`InvalidError` naming the first bad field (``views: ...``).
        """
        try:
            return cls.model_validate(arguments, by_name=True, by_alias=False)
        except ValidationError as error:
            loc = error.errors()[0]["loc"]
            raise InvalidError(describe_validation_error(error), field=str(loc[0]) if loc else None) from None

    @classmethod
    def input_fields(cls) -> Iterator[tuple[str, FieldInfo]]:
        """Every field as users give them: the subject, the command's own, then the provenance."""
        fields = cls.model_fields
        yield "ref", fields["ref"]
        yield from ((name, info) for name, info in fields.items() if name not in {"ref", *PROVENANCE})
        yield from ((name, fields[name]) for name in PROVENANCE)

    @classmethod
    def alias(cls, name: str) -> str:
        """The name the CLI and case files give field ``name`` (``deleted_by``: ``deleted-by``)."""
        info = cls.model_fields.get(name)
        return (info.alias if info is not None else None) or name

    @classmethod
    def summary(cls) -> str:
        """The command's one-line summary."""
        return (cls.__doc__ or "").strip().splitlines()[0]

    def arguments(self) -> dict[str, Any]:
        """The keywords of the domain function: every field but the subject and the provenance."""
        names = _ARGUMENT_NAMES.get(type(self))
        if names is None:
            names = _ARGUMENT_NAMES[type(self)] = tuple(
                name for name in type(self).model_fields if name not in {"ref", *PROVENANCE}
            )
        values = self.__dict__
        return {name: values[name] for name in names}

    @classmethod
    def field_named(cls, name: str | None) -> str | None:
        """The command's field that the domain's name ``name`` means (``occurred_at``: ``at``), if any."""
        name = _EVENT_FIELDS.get(name or "", name)
        return name if name in cls.model_fields else None

    def record(self, work: UnitOfWork, provenance: Provenance) -> None:
        """Check the command against ``work`` and add its event(s) to it."""
        raise NotImplementedError


class Create(Command):
    """A command that records the first entry of a new subject."""

    def record(self, work: UnitOfWork, provenance: Provenance) -> None:
        work.new(self.ref)
        work.add(type(self).RUNS(self.ref, **self.arguments(), provenance=provenance, directory=work))


class Change(Command):
    """A command that records the next entry of an existing subject."""

    def record(self, work: UnitOfWork, provenance: Provenance) -> None:
        state = work.subject(self.ref)
        work.add(type(self).RUNS(state, **self.arguments(), provenance=provenance, directory=work))
