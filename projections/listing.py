"""Listings: which subjects of a kind match the filters a user gives.

One table, :data:`SUBJECT_FILTERS`, says which filters each kind of subject
takes and which attribute of its state each one reads; the lists of
:mod:`ledger.queries` (from the views or by replay) and the CLI's ``list``
options all read it, so they agree.

Text comparisons ignore case (``--platform linkedin`` finds ``LinkedIn``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import get_args

from domain.claim import ClaimStatus
from domain.comment import Channel, CommentStatus
from domain.post import PostStatus
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
        SubjectFilter("post", "posts", "made or repeated in this post", contains=True),
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
