"""Claims: who claimed what, where, about what; and the reviews of each claim.

Rules:
- a claim is made by an existing actor in an existing post, about existing
  subjects (never about itself);
- a review (rebuttal or support) needs a reviewer who exists, a verdict label
  and a rationale, and its evidence must name existing sources;
- a review or retraction cannot precede the claim it concerns;
- a verdict is revised by a reviewer who reviewed the claim before (in world
  time); a revision keeps the stance of that reviewer's latest review before
  it unless it states a new one;
- the state is the fold of the claim's entries in world-time order: the
  latest review is the latest in world time, whatever order they were found in;
- a claim is retracted at most once; reviews of a retracted claim are still
  recorded (fact-checks of withdrawn claims are common).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Literal, TypeVar

from domain.errors import AlreadyExistsError, InvalidError
from domain.events import (
    Directory,
    Event,
    Frozen,
    Provenance,
    SubjectState,
    Text,
    as_tuple,
    build,
    build_value,
    creation_fields,
    next_fields,
    refuse_before,
    require_existing,
)
from domain.refs import ActorRef, PostRef, Ref, SourceRef, parse_ref
from domain.worldtime import WorldTime

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
    appearances: tuple[Appearance, ...]
    reviews: tuple[Review, ...] = ()
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


class _Reviewed(Event):
    """Fields shared by rebuttals, supports and revisions."""

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


class ClaimRebutted(_Reviewed):
    """A reviewer found the claim false or misleading, with evidence."""

    TOPIC: ClassVar[str] = "ledger.ClaimRebutted.v1"
    KIND: ClassVar[ReviewKind] = "rebuttal"
    VERB: ClassVar[str] = "rebutted"

    def apply(self, state: ClaimState) -> ClaimState:
        return self.evolve(state, reviews=(*state.reviews, self.review("rebutted")))


class ClaimSupported(_Reviewed):
    """A reviewer found the claim accurate, with evidence."""

    TOPIC: ClassVar[str] = "ledger.ClaimSupported.v1"
    KIND: ClassVar[ReviewKind] = "support"
    VERB: ClassVar[str] = "supported"

    def apply(self, state: ClaimState) -> ClaimState:
        return self.evolve(state, reviews=(*state.reviews, self.review("supported")))


class ClaimRated(_Reviewed):
    """A reviewer rated the claim with a verdict that says neither false nor accurate (stance unrated)."""

    TOPIC: ClassVar[str] = "ledger.ClaimRated.v1"
    KIND: ClassVar[ReviewKind] = "rating"
    VERB: ClassVar[str] = "rated"

    def apply(self, state: ClaimState) -> ClaimState:
        return self.evolve(state, reviews=(*state.reviews, self.review("unrated")))


class VerdictRevised(_Reviewed):
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


def make(
    ref: str,
    *,
    text: str,
    claimant: str,
    post: str,
    at: WorldTime,
    about: Sequence[str] = (),
    provenance: Provenance,
    directory: Directory,
) -> ClaimMade:
    """Record a claim made by ``claimant`` in ``post`` at ``at``."""
    event = build(
        ClaimMade,
        **creation_fields(ref, provenance.checked(directory), kind="claim", directory=directory),
        occurred_at=at,
        text=text,
        claimant=claimant,
        post=post,
        about=as_tuple(about),
    )
    require_existing(directory, [event.claimant], "claimant")
    require_existing(directory, [event.post], "post")
    if ref in event.about:
        raise InvalidError(f"{ref} cannot be about itself", field="about")
    if len(set(event.about)) != len(event.about):
        raise InvalidError("about: the same subject is named twice", field="about")
    require_existing(directory, event.about, "subject", field="about")
    return event


def repeat(
    state: ClaimState,
    *,
    post: str,
    by: str,
    at: WorldTime,
    provenance: Provenance,
    directory: Directory,
) -> ClaimRepeated:
    """Record that the claim appeared again in ``post``, by ``by``."""
    event = build(
        ClaimRepeated,
        **next_fields(state, provenance.checked(directory)),
        occurred_at=at,
        post=post,
        by=by,
    )
    require_existing(directory, [event.post], "post")
    require_existing(directory, [event.by], "actor", field="by")
    if any(appearance.post == event.post for appearance in state.appearances):
        raise AlreadyExistsError(f"{state.ref} already appears in {event.post}")
    return event


R = TypeVar("R", bound=_Reviewed)


def _review(
    cls: type[R],
    state: ClaimState,
    *,
    reviewer: str,
    verdict: str,
    rationale: str,
    at: WorldTime,
    evidence: Sequence[Evidence | str],
    provenance: Provenance,
    directory: Directory,
    **extra: object,
) -> R:
    items = tuple(e if isinstance(e, Evidence) else Evidence.parse(e) for e in as_tuple(evidence))
    event = build(
        cls,
        **next_fields(state, provenance.checked(directory)),
        occurred_at=at,
        reviewer=reviewer,
        verdict=verdict,
        rationale=rationale,
        evidence=items,
        **extra,
    )
    require_existing(directory, [event.reviewer], "reviewer")
    require_existing(directory, [e.source for e in event.evidence], "evidence source", field="evidence")
    refuse_before(
        at, state.made_at, f"{state.ref} cannot have been reviewed at {at}: it was made {state.made_at}"
    )
    return event


def rebut(
    state: ClaimState,
    *,
    reviewer: str,
    verdict: str,
    rationale: str,
    at: WorldTime,
    evidence: Sequence[Evidence | str] = (),
    provenance: Provenance,
    directory: Directory,
) -> ClaimRebutted:
    """Record a rebuttal of the claim with a verdict, rationale and evidence."""
    return _review(
        ClaimRebutted,
        state,
        reviewer=reviewer,
        verdict=verdict,
        rationale=rationale,
        at=at,
        evidence=evidence,
        provenance=provenance,
        directory=directory,
    )


def support(
    state: ClaimState,
    *,
    reviewer: str,
    verdict: str,
    rationale: str,
    at: WorldTime,
    evidence: Sequence[Evidence | str] = (),
    provenance: Provenance,
    directory: Directory,
) -> ClaimSupported:
    """Record that a reviewer found the claim accurate."""
    return _review(
        ClaimSupported,
        state,
        reviewer=reviewer,
        verdict=verdict,
        rationale=rationale,
        at=at,
        evidence=evidence,
        provenance=provenance,
        directory=directory,
    )


def rate(
    state: ClaimState,
    *,
    reviewer: str,
    verdict: str,
    rationale: str,
    at: WorldTime,
    evidence: Sequence[Evidence | str] = (),
    provenance: Provenance,
    directory: Directory,
) -> ClaimRated:
    """Record a review whose verdict maps to no stance (``unrated``)."""
    return _review(
        ClaimRated,
        state,
        reviewer=reviewer,
        verdict=verdict,
        rationale=rationale,
        at=at,
        evidence=evidence,
        provenance=provenance,
        directory=directory,
    )


def revise(
    state: ClaimState,
    *,
    reviewer: str,
    verdict: str,
    rationale: str,
    at: WorldTime,
    evidence: Sequence[Evidence | str] = (),
    stance: str | None = None,
    provenance: Provenance,
    directory: Directory,
) -> VerdictRevised:
    """Record a revised verdict by a reviewer who reviewed the claim before ``at``."""
    event = _review(
        VerdictRevised,
        state,
        reviewer=reviewer,
        verdict=verdict,
        rationale=rationale,
        at=at,
        evidence=evidence,
        provenance=provenance,
        directory=directory,
        stance=stance,
    )
    if not any(r.reviewer == event.reviewer and r.at.sort_key <= at.sort_key for r in state.reviews):
        raise InvalidError(
            f"{state.ref} has no review by {event.reviewer} before {at} to revise: rebut or support it first",
            field="reviewer",
        )
    return event


def retract(
    state: ClaimState,
    *,
    at: WorldTime,
    by: str | None = None,
    reason: str | None = None,
    provenance: Provenance,
    directory: Directory,
) -> ClaimRetracted:
    """Record that the claim was withdrawn (by its claimant unless ``by`` says)."""
    if state.retracted_at is not None:
        raise InvalidError(f"{state.ref} is already retracted (retracted {state.retracted_at})")
    event = build(
        ClaimRetracted,
        **next_fields(state, provenance.checked(directory)),
        occurred_at=at,
        by=by or state.claimant,
        reason=reason,
    )
    require_existing(directory, [event.by], "actor", field="by")
    refuse_before(
        at, state.made_at, f"{state.ref} cannot have been retracted at {at}: it was made {state.made_at}"
    )
    return event
