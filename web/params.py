"""The parameters of the HTTP API: one definition gives both their parsing and their OpenAPI schema.

Every parameter the API reads is a :class:`Param`: its name, where it is
(path or query), its JSON Schema, its description, and the function that
turns the text into a value (raising :class:`InvalidError`, which the API
answers with 400 naming the parameter). :mod:`web.openapi` writes the
document from the same objects, so it cannot drift from what is parsed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.errors import InvalidError
from domain.refs import KINDS, MAX_SLUG_LENGTH, parse_ref
from domain.worldtime import WorldTime
from ledger.queries import parse_record_time
from projections.listing import SUBJECT_FILTERS
from projections.queries import status_choices

SLUG_PATTERN = r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$"
"""A slug: lowercase letters and digits separated by single ``-``, ``_`` or ``.`` (``domain/refs.py``)."""


def ref_pattern(kind: str | None = None) -> str:
    """The pattern of a ``KIND/SLUG`` reference (of ``kind``, or of any kind)."""
    kinds = kind or "|".join(KINDS)
    return rf"^(?:{kinds})/[a-z0-9]+(?:[-_.][a-z0-9]+)*$"


@dataclass(frozen=True)
class Param:
    """One parameter of an operation."""

    name: str
    where: str
    """``path`` or ``query``."""
    schema: Mapping[str, Any]
    description: str
    parse: Callable[[str], Any] = str
    required: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    def openapi(self) -> dict[str, Any]:
        """The OpenAPI Parameter Object."""
        return {
            "name": self.name,
            "in": self.where,
            "required": self.required or self.where == "path",
            "description": self.description,
            "schema": dict(self.schema),
            **self.extra,
        }

    def read(self, text: str | None) -> Any:
        """The value of the parameter, from its text (None when absent and optional)."""
        if text is None:
            if self.required or self.where == "path":
                raise InvalidError(f"{self.name}: required")
            return None
        try:
            return self.parse(text)
        except InvalidError as error:
            raise InvalidError(f"{self.name}: {error}") from None


def shown(text: str, most: int = 40) -> str:
    """``text`` quoted as given in an error, shortened (with an ellipsis) when longer than ``most``."""
    return repr(text if len(text) <= most else text[: most - 1] + "\u2026")


def integer(minimum: int, maximum: int) -> Callable[[str], int]:
    """A parser of a decimal integer between ``minimum`` and ``maximum``.

    Errors quote the text as given (never a clamped or reformatted value).
    """

    def parse(text: str) -> int:
        if not text.isascii() or not text.isdigit():
            raise InvalidError(f"expected a whole number, not {shown(text)}")
        # Digits only: past 19 of them it is past any bound, and int() of a huge text is slow.
        if len(text.lstrip("0")) > 19 or not minimum <= int(text) <= maximum:
            raise InvalidError(f"expected {minimum} to {maximum}, not {shown(text)}")
        return int(text)

    return parse


def one_of(choices: tuple[str, ...]) -> Callable[[str], str]:
    """A parser of one of ``choices``."""

    def parse(text: str) -> str:
        if text not in choices:
            raise InvalidError(f"expected one of {', '.join(choices)}, not {text[:40]!r}")
        return text

    return parse


def reference(kind: str | None) -> Callable[[str], str]:
    """A parser of a ``KIND/SLUG`` reference (of ``kind`` when given)."""

    def parse(text: str) -> str:
        return parse_ref(text, kind=kind) if kind else parse_ref(text)

    return parse


def world_time(text: str) -> WorldTime:
    """A world time as the CLI reads it (a time without a zone is UTC)."""
    return WorldTime.parse(text, assume_utc=True)


def as_of_value(text: str) -> int | datetime:
    """A log position (digits) or a record time (UTC unless zoned), as ``--as-of`` reads it."""
    stripped = text.strip()
    if stripped.isascii() and stripped.isdigit():
        if len(stripped.lstrip("0")) > 19 or int(stripped) > MAX_POSITION:
            raise InvalidError(f"expected a log position (0 to {MAX_POSITION}) or a time, not {shown(text)}")
        return int(stripped)
    return parse_record_time(stripped, assume_utc=True)


MAX_POSITION = 2**63 - 1
WHEN_TEXT = (
    "A world time, ISO 8601: an instant (2024-10-17T14:03Z, 2024-10-17T14:03+01:00), a day "
    "(2024-10-17), a month (2024-10), a year (2024) or a window (2024-10-16..2024-10-18); "
    "a time without a zone is read as UTC."
)

KIND = Param(
    "kind", "path", {"type": "string", "enum": list(KINDS)}, "The kind of subject.", one_of(KINDS),
    extra={"example": "post"},
)  # fmt: skip
SLUG = Param(
    "slug",
    "path",
    {"type": "string", "pattern": SLUG_PATTERN, "minLength": 1, "maxLength": MAX_SLUG_LENGTH},
    "The subject's slug: with the kind, the reference KIND/SLUG (post/labour-linkedin-invite).",
    extra={"example": "labour-linkedin-invite"},
)
AT = Param(
    "at",
    "query",
    {"type": "string", "minLength": 1, "maxLength": 100},
    "The world then: only what may have happened by that world time, and the status then. " + WHEN_TEXT,
    world_time,
)
AS_OF = Param(
    "as_of",
    "query",
    {"type": "string", "minLength": 1, "maxLength": 100, "examples": ["30", "2024-10-18T14:03Z"]},
    "What the ledger knew then: a log position (digits, at most the head), or a record "
    "time (2024-10-18: by the end of that UTC day; 2024-10-18T14:03Z), UTC unless zoned.",
    as_of_value,
)
VERSION = Param(
    "version",
    "query",
    {"type": "integer", "minimum": 1, "maximum": MAX_POSITION},
    "The state after the subject's entry N.",
    integer(1, MAX_POSITION),
)
CLOCKS = (AT, AS_OF)


def filter_params(kind: str) -> tuple[Param, ...]:
    """The filters of the list of ``kind``, as query parameters (the CLI's ``list`` options)."""
    params = []
    for spec in SUBJECT_FILTERS[kind]:
        name = spec.name.replace("-", "_")
        if spec.name == "status":
            choices = status_choices(kind, at=True)
            params.append(
                Param(
                    name,
                    "query",
                    {"type": "string", "enum": list(choices)},
                    f"Only those whose status is this ({spec.help}); with `at`, the status then "
                    f"(also {', '.join(choices[len(spec.choices) :])}).",
                    one_of(choices),
                )
            )
        elif spec.choices:
            params.append(
                Param(
                    name,
                    "query",
                    {"type": "string", "enum": list(spec.choices)},
                    f"Only those {spec.help}.",
                    one_of(spec.choices),
                )
            )
        elif name in REFERENCE_FILTERS:
            target = REFERENCE_FILTERS[name]
            params.append(
                Param(
                    name,
                    "query",
                    {"type": "string", "pattern": ref_pattern(target), "maxLength": 130},
                    f"Only those {spec.help}: a {target or 'KIND'}/SLUG reference.",
                    reference(target),
                )
            )
        else:
            params.append(
                Param(
                    name,
                    "query",
                    {"type": "string", "minLength": 1, "maxLength": 200},
                    f"Only those {spec.help}.",
                )
            )
    return tuple(params)


REFERENCE_FILTERS: Mapping[str, str | None] = {
    "author": "actor",
    "in_reply_to": "post",
    "claimant": "actor",
    "post": "post",
    "about": None,
    "requester": "actor",
    "recipient": "actor",
    "regarding": None,
    "publisher": "actor",
    "subject": None,
}
"""The filters that take a reference, and of which kind (None: any)."""
