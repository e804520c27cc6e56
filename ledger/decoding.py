"""Fast decoders of stored events: msgspec schemas generated from the pydantic event models.

The pydantic models (:mod:`domain.events` and the event classes of every
aggregate) are the one schema. From each event class this module derives a
``msgspec`` Struct (walking ``model_fields``, their annotations and
constraints), so that a stored payload's types, required and unknown fields,
lengths, bounds and literals are checked in C; the event is
then built from the already checked values without validating them again, and
the model's own Python checks that msgspec cannot express (a world time's
bounds, a text's digest: the model's ``after`` validators) run on it.

The fast path accepts no more than pydantic does, and gives the same event:

- every field must be present (pydantic writes them all); a stored event
  without a defaulted field is left to pydantic;
- text (``Text``, which pydantic strips) must not start or end with
  whitespace: stored text was stripped when recorded, so an unstripped one is
  left to pydantic, which strips it as it always did;
- times are read by msgspec (RFC 3339, offsets in whole minutes, so nothing
  to move to UTC as WorldTime does); msgspec rounds a seventh fractional
  digit where pydantic truncates it, so a payload with a dot followed by seven
  digits anywhere (even in a text) is left to pydantic;
- integers and booleans must be JSON numbers and booleans (pydantic's lax
  mode would also read ``"5"``): anything else is left to pydantic.

A payload the fast path refuses, for whatever reason, is decoded again by
pydantic (the decoder raises one of :data:`REFUSALS`; the mapper falls back),
which accepts it or refuses it with the message it always gave.

A validator that msgspec cannot run (a reference's ``AfterValidator``) is
called in Python on each value it has not accepted before: the values it
accepted unchanged are remembered (references repeat from entry to entry). A
constraint or validator this module does not know how to check in C makes
building the decoder fail (:class:`TypeError`), never a check silently skipped.

Decoded times carry :class:`datetime.timezone` offsets (as times made in
process do), where pydantic's carry its own ``TzInfo``: equal instants, equal
events.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, Literal, Union, cast, get_args, get_origin
from uuid import UUID

import annotated_types
import msgspec
from pydantic import AfterValidator, AwareDatetime, BaseModel, StringConstraints
from pydantic.fields import FieldInfo

from domain.events import Event

__all__ = ["REFUSALS", "event_decoder"]

_set = object.__setattr__

#: A time with a seventh fractional digit (or a text that looks like one), anywhere in a payload.
_FINER = re.compile(rb"\.[0-9]{7}")  # [0-9], not \d: three times as fast on bytes


class _Schema:
    """One model's Struct and how to turn a decoded Struct into the model."""

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model
        self.names = tuple(model.model_fields)
        self.converters: list[tuple[str, Callable[[Any], Any]]] = []
        self.checks: list[Callable[[Any], Any]] = []
        fields = []
        for name, info in model.model_fields.items():
            if info.default_factory is not None:
                raise TypeError(f"{model.__name__}.{name}: default factories are not supported")
            spec, convert = _spec(info.annotation, info.metadata, f"{model.__name__}.{name}")
            fields.append((name, spec))
            if convert is not None:
                self.converters.append((name, convert))
        self._checks_of(model)
        self.build = self._builder()
        self.struct = msgspec.defstruct(
            f"{model.__name__}Struct", fields, forbid_unknown_fields=True, gc=False
        )

    def _checks_of(self, model: type[BaseModel]) -> None:
        decorators = model.__pydantic_decorators__
        unsupported = (
            decorators.validators,
            decorators.field_validators,
            decorators.root_validators,
        )
        if any(unsupported):
            raise TypeError(f"{model.__name__}: field validators have no fast equivalent")
        for name, decorator in decorators.model_validators.items():
            if decorator.info.mode == "after":
                self.checks.append(getattr(model, name))
                continue
            # A wrap or before validator: the model must name the method that checks a value
            # built from decoded fields (see WorldTime.DECODED_CHECK).
            check = getattr(model, "DECODED_CHECK", None)
            if check is None:
                raise TypeError(
                    f"{model.__name__}.{name}: {decorator.info.mode} validators need DECODED_CHECK"
                )
            self.checks.append(getattr(model, check))

    def _builder(self, decode: Callable[[bytes], Any] | None = None) -> Callable[[Any], Any]:
        """The function that turns a decoded Struct into the model: its nested values converted,
        its own checks run. Generated as one function per model (as :mod:`dataclasses` does):
        the same steps in a loop cost twice as much, and this runs for every stored event."""
        namespace: dict[str, Any] = {"_set": _set, "_cls": self.model, "_new": self.model.__new__}
        # With ``decode``: a function of the stored JSON, decoding the Struct first (one call less).
        head = (
            ["def build(s):"]
            if decode is None
            else [
                "def build(payload):",
                "    if _finer(payload):",
                "        raise ValueError('a time finer than a microsecond')",
                "    s = _decode(payload)",
            ]
        )
        namespace["_finer"] = _FINER.search
        namespace["_decode"] = decode
        converters = dict(self.converters)
        values = []
        for name in self.names:
            if name in converters:
                convert = converters[name]
                namespace[f"_c_{name}"] = convert
                # A converter's guard: an inline test that its value needs no call (a reference
                # accepted before, text with no whitespace at its ends).
                guard = getattr(convert, "guard", None)
                call = f"_c_{name}(v)"
                if guard is not None:
                    namespace[f"_ok_{name}"] = getattr(convert, "accepted", None)
                    call = f"(v if {guard.replace('_ok', f'_ok_{name}')} else {call})"
                values.append(f"{name!r}: None if (v := s.{name}) is None else {call}")
            else:
                values.append(f"{name!r}: s.{name}")
        checks = []
        for index, check in enumerate(self.checks):
            namespace[f"_check{index}"] = check
            checks.append(f"    _check{index}(new)")
        names = ", ".join(repr(name) for name in self.names)
        source = "\n".join(
            [
                *head,
                "    new = _new(_cls)",
                f"    _set(new, '__dict__', {{{', '.join(values)}}})",
                "    _set(new, '__pydantic_extra__', None)",
                f"    _set(new, '__pydantic_fields_set__', {{{names}}})",
                "    _set(new, '__pydantic_private__', None)",
                *checks,
                "    return new",
            ]
        )
        exec(source, namespace)  # noqa: S102 (source made above from field names only)
        return cast(Callable[[Any], Any], namespace["build"])


_SCHEMAS: dict[type[BaseModel], _Schema] = {}


def _schema(model: type[BaseModel]) -> _Schema:
    schema = _SCHEMAS.get(model)
    if schema is None:
        model.model_rebuild()  # deferred builds: resolve forward references first
        schema = _SCHEMAS[model] = _Schema(model)
    return schema


MEMO_SIZE = 1 << 16
"""Values a validator accepted, remembered per validator (references repeat: a subject, its
sources and actors appear in entry after entry); forgotten all at once when this many."""


_VALIDATED: dict[Callable[[Any], Any], Callable[[Any], Any]] = {}


def _validated(func: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``func`` (a pydantic ``AfterValidator``'s function: a function of its value) remembering
    the values it accepted unchanged (``check.accepted``, tested inline by the builder). One per
    validator, shared by every field it checks: a post's reference, once accepted as one event's
    subject, is accepted as the next one's, and as the post a claim is made in."""
    check = _VALIDATED.get(func)
    if check is None:
        check = _VALIDATED[func] = _remembering(func)
    return check


def _remembering(func: Callable[[Any], Any]) -> Callable[[Any], Any]:
    accepted: set[Any] = set()

    def check(value: Any) -> Any:
        checked = func(value)
        if checked is value:
            if len(accepted) >= MEMO_SIZE:
                accepted.clear()
            accepted.add(value)
        return checked

    check.accepted = accepted  # type: ignore[attr-defined]
    check.guard = "v in _ok"  # type: ignore[attr-defined]
    return check


def _stripped(value: str) -> str:
    # pydantic strips Unicode White_Space (Rust's trim); str.isspace() is true of each of those
    # characters (and of a few more, refused here and left to pydantic).
    if value[0].isspace() or value[-1].isspace():
        raise ValueError("text with whitespace at either end")
    return value


_stripped.guard = "not (v[0].isspace() or v[-1].isspace())"  # type: ignore[attr-defined]


def _each(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``convert`` of every item of a tuple."""

    def each(values: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(map(convert, values)) if values else values

    accepted = getattr(convert, "accepted", None)
    if accepted is not None:
        each.accepted = accepted  # type: ignore[attr-defined]
        each.guard = "_ok.issuperset(v)"  # type: ignore[attr-defined]
    return each


def _chain(first: Callable[[Any], Any] | None, then: Callable[[Any], Any]) -> Callable[[Any], Any]:
    if first is None:
        return then
    return lambda value: then(first(value))


def _constraints(metadata: list[Any], where: str) -> tuple[list[Any], Callable[[Any], Any] | None]:
    """msgspec constraints for pydantic ``metadata``, and the Python checks msgspec has no
    equivalent of (stripped text, validators), in pydantic's order, or None."""
    # A nested ``Annotated[int, Field(ge=0)]`` keeps its constraints in a FieldInfo.
    metadata = [
        part for item in metadata for part in (item.metadata if isinstance(item, FieldInfo) else [item])
    ]
    constraints: dict[str, Any] = {}
    convert: Callable[[Any], Any] | None = None
    for item in metadata:
        if isinstance(item, AfterValidator):
            convert = _chain(convert, _validated(item.func))  # type: ignore[arg-type]
            continue
        if isinstance(item, StringConstraints):
            extra = {
                key
                for key in ("to_upper", "to_lower", "strict", "pattern", "ascii_only")
                if getattr(item, key) not in (None, False)
            }
            if extra or convert is not None:
                raise TypeError(f"{where}: string constraints {sorted(extra)} have no fast equivalent")
            if item.strip_whitespace:
                if not item.min_length:
                    raise TypeError(f"{where}: stripped text that may be empty")
                convert = _stripped
            if item.min_length is not None:
                constraints["min_length"] = item.min_length
            if item.max_length is not None:
                constraints["max_length"] = item.max_length
            continue
        if convert is not None:
            raise TypeError(f"{where}: a constraint after a validator")
        for kind, key in (
            (annotated_types.Ge, "ge"),
            (annotated_types.Gt, "gt"),
            (annotated_types.Le, "le"),
            (annotated_types.Lt, "lt"),
            (annotated_types.MinLen, "min_length"),
            (annotated_types.MaxLen, "max_length"),
        ):
            if isinstance(item, kind):
                constraints[key] = getattr(item, key)
                break
        else:
            raise TypeError(f"{where}: constraint {item!r} has no fast equivalent")
    return ([msgspec.Meta(**constraints)] if constraints else []), convert


def _spec(annotation: Any, metadata: list[Any], where: str) -> tuple[Any, Callable[[Any], Any] | None]:
    """The msgspec type for a pydantic field type, and how to check and convert its decoded
    value in Python (or None: msgspec's value is the field's)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *extra = get_args(annotation)
        return _spec(inner, [*extra, *metadata], where)
    if origin in (Union, types.UnionType):
        if metadata:
            raise TypeError(f"{where}: constraints on a union")
        members = [member for member in get_args(annotation) if member is not type(None)]
        if len(members) != 1 or len(get_args(annotation)) != 2:
            raise TypeError(f"{where}: only unions of one type and None are supported")
        spec, convert = _spec(members[0], [], where)
        return spec | None, convert  # the converter is called on values that are not None
    if origin is tuple:
        args = get_args(annotation)
        if len(args) != 2 or args[1] is not Ellipsis:
            raise TypeError(f"{where}: only tuple[T, ...] is supported")
        item, convert_item = _spec(args[0], [], where)
        meta, convert = _constraints(metadata, where)
        if convert is not None:
            raise TypeError(f"{where}: validators of a whole tuple")
        spec = Annotated[tuple[item, ...], *meta] if meta else tuple[item, ...]  # type: ignore[valid-type]
        if convert_item is None:
            return spec, None
        return spec, _each(convert_item)
    return _leaf_spec(annotation, metadata, where)


def _leaf_spec(annotation: Any, metadata: list[Any], where: str) -> tuple[Any, Callable[[Any], Any] | None]:
    """:func:`_spec` of a type that is not a union, a tuple or annotated."""
    if get_origin(annotation) is Literal:
        if metadata:
            raise TypeError(f"{where}: constraints on a literal")
        return annotation, None
    if annotation is AwareDatetime:
        if metadata:
            raise TypeError(f"{where}: constraints on a time")
        # msgspec reads RFC 3339 in C as pydantic does, but rounds a seventh fractional digit
        # where pydantic truncates: a payload with one is left to pydantic (see _FINER).
        return Annotated[datetime, msgspec.Meta(tz=True)], None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if metadata:
            raise TypeError(f"{where}: constraints on a model")
        schema = _schema(annotation)
        return schema.struct, schema.build
    if annotation in (str, int, bool, UUID) or (
        isinstance(annotation, type) and issubclass(annotation, Enum)
    ):
        meta, convert = _constraints(metadata, where)
        if annotation is bool and meta:
            raise TypeError(f"{where}: constraints on a boolean")
        return (Annotated[annotation, *meta] if meta else annotation), convert
    raise TypeError(f"{where}: type {annotation!r} has no fast equivalent")


Decode = Callable[[bytes], Event]

REFUSALS: tuple[type[Exception], ...] = (msgspec.MsgspecError, ValueError, TypeError, OverflowError)
"""What a fast decoder raises when it refuses a payload (then decode it with pydantic, which
accepts it or says why not): msgspec's errors, and the ValueError of a check run in Python."""


def event_decoder(event_class: type[Event]) -> Decode:
    """A function that decodes an event of ``event_class`` from its stored JSON (without extras),
    or raises one of :data:`REFUSALS`."""
    schema = _schema(event_class)
    return cast(Decode, schema._builder(msgspec.json.Decoder(schema.struct).decode))
