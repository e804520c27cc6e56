"""What may be recorded of a claim: the decisions, each checking the claim's rules.

Each decision (:func:`make`, :func:`repeat`, :func:`rebut`, :func:`support`,
:func:`rate`, :func:`revise`, :func:`retract`) builds its event and refuses it
when the rules of :mod:`domain.claim` forbid it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import NotRequired, TypedDict, TypeVar, Unpack

from domain.claim.events import (
    ClaimMade,
    ClaimRated,
    ClaimRebutted,
    ClaimRepeated,
    ClaimRetracted,
    ClaimSupported,
    Reviewed,
    VerdictRevised,
)
from domain.claim.state import ClaimState, Evidence
from domain.errors import AlreadyExistsError, InvalidError
from domain.events import (
    Directory,
    Provenance,
    as_tuple,
    build,
    creation_fields,
    next_fields,
    refuse_before,
    require_existing,
)
from domain.worldtime import WorldTime


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
