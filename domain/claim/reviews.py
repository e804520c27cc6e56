"""A claim's reviews: rebutted, supported, rated and revised, the events and the decisions that record them.

A review needs a reviewer who exists, a verdict label and a rationale; its
evidence must name existing sources; it cannot precede the claim. A verdict
is revised by a reviewer who reviewed the claim before (in world time).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import ClassVar, NotRequired, TypedDict, TypeVar, Unpack

from domain.claim.state import ClaimState, Evidence, Review, ReviewKind, Stance
from domain.errors import InvalidError
from domain.events import (
    Directory,
    Event,
    Provenance,
    Text,
    as_tuple,
    build,
    next_fields,
    refuse_before,
    require_existing,
    trusted,
)
from domain.refs import ActorRef
from domain.trail import appended
from domain.worldtime import WorldTime

__all__ = [
    "ClaimRated",
    "ClaimRebutted",
    "ClaimSupported",
    "ReviewFields",
    "Reviewed",
    "VerdictRevised",
    "kept_stance",
    "rate",
    "rebut",
    "revise",
    "support",
]


class Reviewed(Event):
    """A review of the claim: the fields shared by rebuttals, supports, ratings and revisions."""

    occurred_at: WorldTime
    reviewer: ActorRef
    verdict: Text
    rationale: Text
    evidence: tuple[Evidence, ...] = ()

    KIND: ClassVar[ReviewKind]
    VERB: ClassVar[str]

    @property
    def actor(self) -> str | None:
        return self.reviewer

    @property
    def stance_after(self) -> Stance:
        """The stance this review takes on the claim."""
        raise NotImplementedError

    def references(self) -> tuple[str, ...]:
        return (*self.sources, self.reviewer, *(e.source for e in self.evidence))

    def summary(self) -> str:
        return f"{self.VERB} by {self.reviewer}: {self.verdict} — {self.rationale}"

    def review(self, stance: Stance) -> Review:
        """The review this event records."""
        return trusted(
            Review,
            kind=self.KIND,
            version=self.originator_version,
            stance=stance,
            reviewer=self.reviewer,
            verdict=self.verdict,
            rationale=self.rationale,
            evidence=self.evidence,
            at=self.occurred_at,
        )


class ClaimRebutted(Reviewed):
    """A reviewer found the claim false or misleading, with evidence."""

    TOPIC: ClassVar[str] = "ledger.ClaimRebutted.v1"
    KIND: ClassVar[ReviewKind] = "rebuttal"
    VERB: ClassVar[str] = "rebutted"

    def apply(self, state: ClaimState) -> ClaimState:
        return self.evolve(state, reviews=appended(state.reviews, self.review("rebutted")))


class ClaimSupported(Reviewed):
    """A reviewer found the claim accurate, with evidence."""

    TOPIC: ClassVar[str] = "ledger.ClaimSupported.v1"
    KIND: ClassVar[ReviewKind] = "support"
    VERB: ClassVar[str] = "supported"

    def apply(self, state: ClaimState) -> ClaimState:
        return self.evolve(state, reviews=appended(state.reviews, self.review("supported")))


class ClaimRated(Reviewed):
    """A reviewer rated the claim with a verdict that says neither false nor accurate (stance unrated)."""

    TOPIC: ClassVar[str] = "ledger.ClaimRated.v1"
    KIND: ClassVar[ReviewKind] = "rating"
    VERB: ClassVar[str] = "rated"

    def apply(self, state: ClaimState) -> ClaimState:
        return self.evolve(state, reviews=appended(state.reviews, self.review("unrated")))


class VerdictRevised(Reviewed):
    """A verdict was revised; the stance is kept unless a new one is given."""

    TOPIC: ClassVar[str] = "ledger.VerdictRevised.v1"
    KIND: ClassVar[ReviewKind] = "revision"
    VERB: ClassVar[str] = "verdict revised"

    stance: Stance | None = None

    def apply(self, state: ClaimState) -> ClaimState:
        return self.evolve(
            state, reviews=appended(state.reviews, self.review(self.stance or kept_stance(state, self)))
        )


def kept_stance(state: ClaimState, revision: VerdictRevised) -> Stance:
    """The stance a revision without one keeps: its reviewer's latest review before it.

    Revisions by a reviewer with no earlier review are refused; entries
    recorded before that rule keep the latest review's stance, as they did.
    """
    own = [review for review in state.reviews if review.reviewer == revision.reviewer]
    if own:
        return own[-1].stance
    return state.reviews[-1].stance if state.reviews else "rebutted"


R = TypeVar("R", bound=Reviewed)


class ReviewFields(TypedDict):
    """What every review of a claim is given: who, which verdict, why, when, on what evidence."""

    reviewer: str
    verdict: str
    rationale: str
    at: WorldTime
    evidence: NotRequired[Sequence[Evidence | str]]
    provenance: Provenance
    directory: Directory


def _review(
    cls: type[R],
    state: ClaimState,
    *,
    reviewer: str,
    verdict: str,
    rationale: str,
    at: WorldTime,
    evidence: Sequence[Evidence | str] = (),
    provenance: Provenance,
    directory: Directory,
    added: Mapping[str, object] = MappingProxyType({}),
) -> R:
    """A review of ``cls`` once its rules hold (``added``: fields its kind adds, as a stance)."""
    items = tuple(e if isinstance(e, Evidence) else Evidence.parse(e) for e in as_tuple(evidence))
    event = build(
        cls,
        **next_fields(state, provenance.checked(directory)),
        occurred_at=at,
        reviewer=reviewer,
        verdict=verdict,
        rationale=rationale,
        evidence=items,
        **added,
    )
    require_existing(directory, [event.reviewer], "reviewer")
    require_existing(directory, [e.source for e in event.evidence], "evidence source", field="evidence")
    refuse_before(
        at, state.made_at, f"{state.ref} cannot have been reviewed at {at}: it was made {state.made_at}"
    )
    return event


def rebut(state: ClaimState, **review: Unpack[ReviewFields]) -> ClaimRebutted:
    """Record a rebuttal of the claim with a verdict, rationale and evidence."""
    return _review(ClaimRebutted, state, **review)


def support(state: ClaimState, **review: Unpack[ReviewFields]) -> ClaimSupported:
    """Record that a reviewer found the claim accurate."""
    return _review(ClaimSupported, state, **review)


def rate(state: ClaimState, **review: Unpack[ReviewFields]) -> ClaimRated:
    """Record a review whose verdict maps to no stance (``unrated``)."""
    return _review(ClaimRated, state, **review)


def revise(state: ClaimState, *, stance: str | None = None, **review: Unpack[ReviewFields]) -> VerdictRevised:
    """Record a revised verdict by a reviewer who reviewed the claim before ``at``."""
    event = _review(VerdictRevised, state, **review, added={"stance": stance})
    at = review["at"]
    if not any(r.reviewer == event.reviewer and r.at.sort_key <= at.sort_key for r in state.reviews):
        raise InvalidError(
            f"{state.ref} has no review by {event.reviewer} before {at} to revise: rebut or support it first",
            field="reviewer",
        )
    return event
