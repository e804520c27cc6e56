"""Listings: which subjects of a kind match the filters a user gives.

One table, :data:`SUBJECT_FILTERS`, says which filters each kind of subject
takes and which attribute of its state each one reads; the replayed listing
(:meth:`ledger.Ledger.list_subjects`), any materialised view that replaces
it, and the CLI's ``list`` options all read it, so they agree.

Text comparisons ignore case (``--platform linkedin`` finds ``LinkedIn``).

>>> from domain import ActorState
>>> matches = subject_filter("actor", {"kind": "person"})
>>> matches(ActorState(ref="actor/ada", version=1, name="Ada", kind="person"))
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import get_args

from domain.claim import ClaimStatus
from domain.comment import Channel, CommentStatus
from domain.errors import InvalidError
from domain.post import PostStatus
from domain.refs import KINDS
from domain.source import SourceKind


@dataclass(frozen=True)
class SubjectFilter:
    """One filter of a listing: the state attribute it reads and how it matches."""

    name: str
    attribute: str
    help: str
    choices: tuple[str, ...] = ()
    contains: bool = False
    """The attribute is a tuple that must contain the value, rather than equal it."""


def _choices(literal: object) -> tuple[str, ...]:
    return tuple(str(value) for value in get_args(literal))


SUBJECT_FILTERS: Mapping[str, tuple[SubjectFilter, ...]] = {
    "actor": (
        SubjectFilter("kind", "kind", "person or organization", choices=("person", "organization")),
        SubjectFilter("handle", "handles", "with this handle (PLATFORM:HANDLE)", contains=True),
    ),
    "source": (
        SubjectFilter("kind", "kind", "the kind of source", choices=_choices(SourceKind)),
        SubjectFilter("publisher", "publisher", "published by this actor"),
    ),
    "post": (
        SubjectFilter("status", "status", "live or deleted", choices=_choices(PostStatus)),
        SubjectFilter("author", "author", "written by this actor"),
        SubjectFilter("platform", "platform", "on this platform"),
        SubjectFilter("in-reply-to", "in_reply_to", "replying to this post"),
    ),
    "claim": (
        SubjectFilter("status", "status", "the claim's status", choices=_choices(ClaimStatus)),
        SubjectFilter("verdict", "verdict", "the latest verdict label"),
        SubjectFilter("claimant", "claimant", "made by this actor"),
        SubjectFilter("post", "post", "made in this post"),
        SubjectFilter("about", "about", "about this subject", contains=True),
    ),
    "comment": (
        SubjectFilter("status", "status", "the request's status", choices=_choices(CommentStatus)),
        SubjectFilter("requester", "requester", "sent by this actor"),
        SubjectFilter("recipient", "recipient", "sent to this actor"),
        SubjectFilter("channel", "channel", "sent this way", choices=_choices(Channel)),
        SubjectFilter("regarding", "regarding", "regarding this subject", contains=True),
    ),
    "case": (SubjectFilter("subject", "subjects", "linking this subject", contains=True),),
}


def subject_filter(kind: str, filters: Mapping[str, str | None]) -> Callable[[object], bool]:
    """A predicate on states of ``kind`` that holds when every given filter matches.

    Filters whose value is None are ignored; an unknown kind, filter or
    choice is an :class:`InvalidError`.
    """
    if kind not in KINDS:
        raise InvalidError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")
    known = {f.name: f for f in SUBJECT_FILTERS[kind]}
    wanted: list[tuple[SubjectFilter, str]] = []
    for name, value in filters.items():
        spec = known.get(name) or known.get(name.replace("_", "-"))
        if spec is None:
            allowed = ", ".join(known) or "none"
            raise InvalidError(f"{kind} listings have no filter {name!r} (filters: {allowed})")
        if value is None:
            continue
        if spec.choices and value.casefold() not in spec.choices:
            raise InvalidError(f"{name} must be one of {', '.join(spec.choices)}, not {value!r}")
        wanted.append((spec, value.casefold()))

    def matches(state: object) -> bool:
        for spec, value in wanted:
            attribute = getattr(state, spec.attribute)
            if spec.contains:
                if not any(str(item).casefold() == value for item in attribute):
                    return False
            elif attribute is None or str(attribute).casefold() != value:
                return False
        return True

    return matches
