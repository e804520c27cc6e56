"""Hypothesis strategies for world times and for valid events of every registered class.

Events are generated from their pydantic fields, so a new event class, or a new
field, is covered without touching this module; a field type it does not know
fails loudly rather than going untested.
"""

from __future__ import annotations

import types
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin
from uuid import UUID

from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from domain.events import Event
from domain.post import shows_absence, text_sha256
from domain.refs import KINDS, subject_id
from domain.worldtime import WorldTime

# -- world time -------------------------------------------------------------------------------

#: Offsets from -12:00 to +14:00: UTC, quarter hours as zones use today, and odd seconds.
zones = st.one_of(
    st.just(UTC),
    st.integers(min_value=-48, max_value=56).map(lambda q: timezone(timedelta(minutes=15 * q))),
    # Historical local mean times have offsets in seconds (Amsterdam was +00:19:32).
    st.integers(min_value=-43200, max_value=50400).map(lambda s: timezone(timedelta(seconds=s))),
)


def moments(min_year: int = 1900, max_year: int = 2100) -> st.SearchStrategy[datetime]:
    """Timezone-aware datetimes."""
    return st.datetimes(
        min_value=datetime(min_year, 1, 2), max_value=datetime(max_year, 12, 30), timezones=zones
    )


def world_times(min_year: int = 1900, max_year: int = 2100) -> st.SearchStrategy[WorldTime]:
    """World times of every precision, windows included."""
    at = moments(min_year, max_year)
    single = st.one_of(
        at.map(WorldTime.instant),
        at.map(WorldTime.minute),
        at.map(lambda m: WorldTime.day(m.date())),
        at.map(lambda m: WorldTime.month(m.year, m.month)),
        at.map(lambda m: WorldTime.year(m.year)),
    )
    windows = st.tuples(single, single).map(
        lambda pair: WorldTime.window(*sorted(pair, key=lambda w: (w.earliest, w.latest)))
    )
    return st.one_of(single, windows)


# -- references and text -------------------------------------------------------------------

_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
_CHUNK = st.text(_ALNUM, min_size=1, max_size=8)

#: Slugs: lowercase letters and digits separated by single '-', '_' or '.'.
slugs = st.builds(
    lambda first, rest: first + "".join(sep + chunk for sep, chunk in rest),
    _CHUNK,
    st.lists(st.tuples(st.sampled_from("-_."), _CHUNK), max_size=2),
)


def refs(kinds: tuple[str, ...] = KINDS) -> st.SearchStrategy[str]:
    """Well-formed references of the given kinds."""
    return st.builds(lambda kind, slug: f"{kind}/{slug}", st.sampled_from(kinds), slugs)


def _accepted_kinds(adapter: TypeAdapter[Any]) -> tuple[str, ...]:
    kinds = []
    for kind in KINDS:
        try:
            adapter.validate_python(f"{kind}/probe")
        except ValidationError:
            continue
        kinds.append(kind)
    return tuple(kinds)


def _valid_text(adapter: TypeAdapter[Any]) -> st.SearchStrategy[str]:
    def valid(text: str) -> bool:
        try:
            adapter.validate_python(text)
        except ValidationError:
            return False
        return True

    return st.text(min_size=1, max_size=20).filter(valid)


# -- any annotated field ------------------------------------------------------------------------


def for_annotation(annotation: Any, metadata: tuple[Any, ...] = ()) -> st.SearchStrategy[Any]:  # noqa: PLR0911  (one case per type)
    """Valid values of a pydantic field's type (with its Annotated metadata)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *extra = get_args(annotation)
        return for_annotation(base, (*metadata, *extra))
    if origin in (Union, types.UnionType):
        return st.one_of(*(for_annotation(arg, metadata) for arg in get_args(annotation)))
    if annotation is type(None):
        return st.none()
    if origin is Literal:
        return st.sampled_from(get_args(annotation))
    if origin is tuple:
        item, ellipsis = get_args(annotation)
        assert ellipsis is Ellipsis, f"only tuple[X, ...] is supported, not {annotation}"
        return st.lists(for_annotation(item), max_size=2).map(tuple)
    if annotation is WorldTime:
        return world_times()
    if annotation is UUID:
        return st.uuids()
    if annotation is int:
        adapter = TypeAdapter(Annotated[(int, *metadata)]) if metadata else TypeAdapter(int)
        numbers = st.one_of(
            st.integers(min_value=0, max_value=999), st.integers(min_value=0, max_value=2**53)
        )
        return numbers.filter(lambda n: _valid(adapter, n))
    if annotation is bool:
        return st.booleans()
    if annotation is str:
        if not metadata:
            return st.text(max_size=20)
        adapter = TypeAdapter(Annotated[(str, *metadata)])
        kinds = _accepted_kinds(adapter)
        return refs(kinds) if kinds else _valid_text(adapter)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return models(annotation)
    raise TypeError(f"no strategy for field type {annotation!r}: teach tests/strategies.py")


def _valid(adapter: TypeAdapter[Any], value: Any) -> bool:
    try:
        adapter.validate_python(value)
    except ValidationError:
        return False
    return True


def _field(info: FieldInfo) -> st.SearchStrategy[Any]:
    return for_annotation(info.annotation, tuple(info.metadata))


def models(cls: type[BaseModel]) -> st.SearchStrategy[Any]:
    """Valid instances of a (non-event) pydantic model, built from its fields."""
    fields = {name: _field(info) for name, info in cls.model_fields.items()}
    return st.fixed_dictionaries(fields).map(lambda values: cls(**values))


# -- events --------------------------------------------------------------------------------------

#: Fields whose value follows from others: the id from the subject, the digest from the text.
_DERIVED = frozenset({"originator_id", "text_sha256"})


def subject_kind(cls: type[Event]) -> str | None:
    """The kind of subject an event class belongs to (None: any kind, as corrections)."""
    # domain.post, or its events module domain.post.events: the aggregate's module names the kind.
    return next((part for part in cls.__module__.split(".") if part in KINDS), None)


@cache
def events(cls: type[Event]) -> st.SearchStrategy[Event]:
    """Valid events of ``cls``: consistent id, subject of the right kind, digest of the text."""
    kind = subject_kind(cls)
    fields = {
        name: _field(info) for name, info in cls.model_fields.items() if name not in _DERIVED | {"subject"}
    }
    fields["subject"] = refs((kind,) if kind else KINDS)

    def build(values: dict[str, Any]) -> Event:
        values["originator_id"] = subject_id(values["subject"])
        if "text_sha256" in cls.model_fields:
            # The digest is of the text as the event keeps it (whitespace stripped).
            text = cls.model_fields["text"]
            shape = Annotated[(text.annotation, *text.metadata)] if text.metadata else text.annotation
            kept = TypeAdapter(shape).validate_python(values["text"])
            if kept is not None and shows_absence(values.get("http_status"), values.get("tombstone", False)):
                kept = values["text"] = None  # a capture of the post gone has no text of it
            values["text_sha256"] = None if kept is None else text_sha256(kept)
        return cls(**values)

    return st.fixed_dictionaries(fields).map(build)
