"""A claim's state: what the ledger knows of a claim, its appearances and reviews."""

from __future__ import annotations

from typing import Literal

from domain.errors import InvalidError
from domain.events import Frozen, SubjectState, Text, build_value
from domain.refs import SourceRef, parse_ref
from domain.trail import Trail
from domain.worldtime import WorldTime

__all__ = [
    "Appearance",
    "ClaimState",
    "ClaimStatus",
    "Evidence",
    "Review",
    "ReviewKind",
    "Stance",
]

Stance = Literal["rebutted", "supported", "unrated"]
"""What a review says of a claim; ``unrated``: a rating the ledger cannot read as either
(an imported ClaimReview whose label no ratings table maps), kept as given, never guessed."""
ClaimStatus = Literal["open", "rebutted", "supported", "unrated", "retracted"]
ReviewKind = Literal["rebuttal", "support", "rating", "revision"]


class Evidence(Frozen):
    """A source offered as evidence, with the passage that matters."""

    source: SourceRef
    quote: Text | None = None

    @classmethod
    def parse(cls, text: str) -> Evidence:
        """Read ``SOURCE_REF`` or ``SOURCE_REF:QUOTE``."""
        if not isinstance(text, str):
            raise InvalidError(f"evidence must be SOURCE_REF[:QUOTE] text, not {type(text).__name__}")
        ref, _, quote = text.partition(":")
        return build_value(cls, source=parse_ref(ref.strip(), kind="source"), quote=quote.strip() or None)


class Appearance(Frozen):
    """A place a claim appeared: the first post, or a repetition."""

    post: str
    by: str
    at: WorldTime


class Review(Frozen):
    """A review of a claim: its verdict and why."""

    kind: ReviewKind
    version: int
    stance: Stance
    reviewer: str
    verdict: str
    rationale: str
    evidence: tuple[Evidence, ...]
    at: WorldTime


class ClaimState(SubjectState):
    """What the ledger knows of a claim."""

    text: str
    claimant: str
    post: str
    about: tuple[str, ...]
    made_at: WorldTime
    appearances: Trail[Appearance]
    reviews: Trail[Review] = Trail()
    retracted_at: WorldTime | None = None
    retracted_by: str | None = None

    @property
    def verdict(self) -> str | None:
        """The latest verdict label, if the claim has been reviewed."""
        return self.reviews[-1].verdict if self.reviews else None

    @property
    def status(self) -> ClaimStatus:
        """Retracted, else the stance of the latest review, else open."""
        if self.retracted_at is not None:
            return "retracted"
        return self.reviews[-1].stance if self.reviews else "open"
