"""A claim's events: made, repeated, reviewed, revised and retracted, and how each changes its state."""

from __future__ import annotations

from typing import ClassVar

from domain.claim.state import Appearance, ClaimState, Evidence, Review, ReviewKind, Stance
from domain.events import Event, Text
from domain.refs import ActorRef, PostRef, Ref
from domain.worldtime import WorldTime


class ClaimMade(Event):
    """A claimant made a claim in a post, about some subjects."""

    TOPIC: ClassVar[str] = "ledger.ClaimMade.v1"

    occurred_at: WorldTime
    text: Text
    claimant: ActorRef
    post: PostRef
    about: tuple[Ref, ...] = ()

    @property
    def actor(self) -> str | None:
        return self.claimant

    def references(self) -> tuple[str, ...]:
        return (*self.sources, self.claimant, self.post, *self.about)

    def summary(self) -> str:
        return f"claim made by {self.claimant} in {self.post}: “{self.text}”"

    def apply(self, state: None) -> ClaimState:
        return ClaimState(
            ref=self.subject,
            version=self.originator_version,
            text=self.text,
            claimant=self.claimant,
            post=self.post,
            about=self.about,
            made_at=self.occurred_at,
            appearances=(Appearance(post=self.post, by=self.claimant, at=self.occurred_at),),
        )


class ClaimRepeated(Event):
    """The claim appeared again, or was amplified, in another post."""

    TOPIC: ClassVar[str] = "ledger.ClaimRepeated.v1"

    occurred_at: WorldTime
    post: PostRef
    by: ActorRef

    @property
    def actor(self) -> str | None:
        return self.by

    def references(self) -> tuple[str, ...]:
        return (*self.sources, self.post, self.by)

    def summary(self) -> str:
        return f"claim repeated by {self.by} in {self.post}"

    def apply(self, state: ClaimState) -> ClaimState:
        appearance = Appearance(post=self.post, by=self.by, at=self.occurred_at)
        return self.evolve(state, appearances=(*state.appearances, appearance))


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
        return Review(
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
        return self.evolve(state, reviews=(*state.reviews, self.review("rebutted")))


class ClaimSupported(Reviewed):
    """A reviewer found the claim accurate, with evidence."""

    TOPIC: ClassVar[str] = "ledger.ClaimSupported.v1"
    KIND: ClassVar[ReviewKind] = "support"
    VERB: ClassVar[str] = "supported"

    def apply(self, state: ClaimState) -> ClaimState:
        return self.evolve(state, reviews=(*state.reviews, self.review("supported")))


class ClaimRated(Reviewed):
    """A reviewer rated the claim with a verdict that says neither false nor accurate (stance unrated)."""

    TOPIC: ClassVar[str] = "ledger.ClaimRated.v1"
    KIND: ClassVar[ReviewKind] = "rating"
    VERB: ClassVar[str] = "rated"

    def apply(self, state: ClaimState) -> ClaimState:
        return self.evolve(state, reviews=(*state.reviews, self.review("unrated")))


class VerdictRevised(Reviewed):
    """A verdict was revised; the stance is kept unless a new one is given."""

    TOPIC: ClassVar[str] = "ledger.VerdictRevised.v1"
    KIND: ClassVar[ReviewKind] = "revision"
    VERB: ClassVar[str] = "verdict revised"

    stance: Stance | None = None

    def apply(self, state: ClaimState) -> ClaimState:
        return self.evolve(
            state, reviews=(*state.reviews, self.review(self.stance or kept_stance(state, self)))
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


class ClaimRetracted(Event):
    """The claim was withdrawn (by its claimant, unless stated otherwise)."""

    TOPIC: ClassVar[str] = "ledger.ClaimRetracted.v1"

    occurred_at: WorldTime
    by: ActorRef
    reason: Text | None = None

    @property
    def actor(self) -> str | None:
        return self.by

    def references(self) -> tuple[str, ...]:
        return (*self.sources, self.by)

    def summary(self) -> str:
        return "retracted" + (f": {self.reason}" if self.reason else "")

    def apply(self, state: ClaimState) -> ClaimState:
        return self.evolve(state, retracted_at=self.occurred_at, retracted_by=self.by)
