"""What catch-up reads: the log's events as their stored JSON, and which subjects each one names.

Catching up never builds the domain's objects: it decodes each event's JSON
(as the mapper stored it: every field, defaults included) into plain dicts,
:class:`RawEntry`; :mod:`projections.stored_rows` folds those into rows.
:func:`references` is the domain's ``Event.references()`` on that JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from domain.case import SubjectLinked
from domain.claim import (
    ClaimMade,
    ClaimRated,
    ClaimRebutted,
    ClaimRepeated,
    ClaimRetracted,
    ClaimSupported,
    VerdictRevised,
)
from domain.comment import CommentRequested
from domain.instants import micros
from domain.post import PostPublished
from domain.source import SourceRegistered

Row = dict[str, Any]
"""A stored row: column name -> stored value."""

Data = dict[str, Any]
"""An event as its stored JSON object."""


class RawEntry(NamedTuple):
    """An event of the log as catch-up reads it: position, topic, subject (and its kind), version, JSON."""

    position: int
    topic: str
    subject: str
    kind: str
    version: int
    data: Data

    @classmethod
    def of(cls, position: int, topic: str, data: Data) -> RawEntry:
        """The entry at ``position`` whose stored JSON decoded to ``data``."""
        subject = data["subject"]
        return cls(position, topic, subject, subject.partition("/")[0], data["originator_version"], data)


# -- stored forms ------------------------------------------------------------------------------


def moment(text: str) -> int:
    """Microseconds since the epoch of an ISO 8601 instant with a zone, as event JSON holds them."""
    return micros(datetime.fromisoformat(text))


# -- references: which subjects an event names (the domain's ``references()``, on JSON) ----------


def _fields(
    *scalars: str, lists: tuple[str, ...] = (), evidence: bool = False
) -> Callable[[Data], list[str]]:
    def named(data: Data) -> list[str]:
        found = list(data["sources"])
        found.extend(data[name] for name in scalars if data[name] is not None)
        for name in lists:
            found.extend(data[name])
        if evidence:
            found.extend(item["source"] for item in data["evidence"])
        return found

    return named


_REVIEW_REFERENCES = _fields("reviewer", evidence=True)
_REFERENCES: dict[str, Callable[[Data], list[str]]] = {
    PostPublished.TOPIC: _fields("author", "in_reply_to"),
    ClaimMade.TOPIC: _fields("claimant", "post", lists=("about",)),
    ClaimRepeated.TOPIC: _fields("post", "by"),
    ClaimRebutted.TOPIC: _REVIEW_REFERENCES,
    ClaimRated.TOPIC: _REVIEW_REFERENCES,
    ClaimSupported.TOPIC: _REVIEW_REFERENCES,
    VerdictRevised.TOPIC: _REVIEW_REFERENCES,
    ClaimRetracted.TOPIC: _fields("by"),
    CommentRequested.TOPIC: _fields("requester", "recipient", lists=("regarding",)),
    SourceRegistered.TOPIC: _fields("publisher"),
    SubjectLinked.TOPIC: _fields("linked"),
}


def references(entry: RawEntry) -> list[str]:
    """Every subject the entry names other than its own (in the order ``Event.references()`` gives)."""
    named = _REFERENCES.get(entry.topic)
    return named(entry.data) if named is not None else list(entry.data["sources"])
