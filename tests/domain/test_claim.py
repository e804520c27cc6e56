"""Claims: made, repeated, reviewed, revised and retracted, and the refusals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from domain import claim
from domain.claim import (
    Appearance,
    ClaimMade,
    ClaimRebutted,
    ClaimRepeated,
    ClaimRetracted,
    ClaimState,
    ClaimSupported,
    Evidence,
    Review,
    VerdictRevised,
)
from domain.errors import AlreadyExistsError, InvalidError, NotFoundError
from tests.domain.conftest import AUTHOR, CLAIM, CRITIC, DESK, POST, REPLY, REPORT, REQUEST, RULES
from tests.domain.support import World, provenance, when

REVIEWS: dict[str, Callable[..., Any]] = {"rebut": claim.rebut, "support": claim.support}


def reviewed(world: World, how: str = "rebut", verdict: str = "False") -> ClaimState:
    """The claim, after a first review."""
    world.record(
        REVIEWS[how](
            world.state(CLAIM),
            reviewer=DESK,
            verdict=verdict,
            rationale="Because.",
            at=when("2024-10-18"),
            **world.kwargs(),
        )
    )
    state: ClaimState = world.state(CLAIM)
    return state


# -- making and repeating -------------------------------------------------------------------------


def test_make_builds_the_event_and_its_state(world: World) -> None:
    event = claim.make(
        "claim/cy",
        text="This is illegal.",
        claimant=CRITIC,
        post=REPLY,
        about=[POST, CLAIM],
        at=when("2024-10-17..2024-10-18"),
        provenance=provenance(REPORT),
        directory=world.directory,
    )
    assert isinstance(event, ClaimMade)
    assert event.actor == CRITIC
    assert event.references() == (REPORT, CRITIC, REPLY, POST, CLAIM)
    assert event.summary() == "claim made by actor/bob in post/bob-reply: “This is illegal.”"
    state = event.apply(None)
    assert state == ClaimState(
        ref="claim/cy",
        version=1,
        text="This is illegal.",
        claimant=CRITIC,
        post=REPLY,
        about=(POST, CLAIM),
        made_at=when("2024-10-17..2024-10-18"),
        appearances=(Appearance(post=REPLY, by=CRITIC, at=when("2024-10-17..2024-10-18")),),
    )
    assert (state.status, state.verdict) == ("open", None)


def test_a_claim_about_one_subject_may_name_it_alone(world: World) -> None:
    assert claim.make(
        "claim/cy", text="T", claimant=CRITIC, post=REPLY, about=POST, at=when("2024"), **world.kwargs()
    ).about == (POST,)


def test_a_claims_time_is_not_checked_against_its_posts(world: World) -> None:
    # The two often come from different reports (docs/decisions.md).
    assert claim.make("claim/cy", text="T", claimant=CRITIC, post=REPLY, at=when("2020"), **world.kwargs())


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"claimant": "actor/zed"}, NotFoundError, "claimant actor/zed does not exist"),
        ({"claimant": "post/x"}, InvalidError, "claimant: 'post/x' is not an actor reference"),
        ({"post": "post/zz"}, NotFoundError, "post post/zz does not exist"),
        ({"post": AUTHOR}, InvalidError, "post: 'actor/ann' is not a post reference"),
        ({"about": [POST, "case/zz"]}, NotFoundError, "subject case/zz does not exist"),
        ({"about": ["nope"]}, InvalidError, "about.0: malformed reference 'nope'"),
        ({"about": ["claim/cy"]}, InvalidError, "claim/cy cannot be about itself"),
        ({"about": [POST, POST]}, InvalidError, "about: the same subject is named twice"),
        ({"text": ""}, InvalidError, "text: String should have at least 1 character"),
        ({"ref": "post/cy"}, InvalidError, "'post/cy' is not a claim reference"),
        ({"ref": CLAIM}, AlreadyExistsError, "claim/bob-says already exists"),
        ({"provenance": provenance("source/zz")}, NotFoundError, "source source/zz does not exist"),
    ],
)
def test_make_refusals(world: World, fields: dict[str, Any], error: type[Exception], message: str) -> None:
    arguments: dict[str, Any] = {
        "ref": "claim/cy",
        "text": "T",
        "claimant": CRITIC,
        "post": REPLY,
        "at": when("2024-10-17"),
        **world.kwargs(),
        **fields,
    }
    with pytest.raises(error, match=message):
        claim.make(**arguments)


def test_a_repetition_adds_an_appearance(world: World) -> None:
    event = claim.repeat(world.state(CLAIM), post=POST, by=AUTHOR, at=when("2024-10-18"), **world.kwargs())
    assert isinstance(event, ClaimRepeated)
    assert (event.actor, event.references()) == (AUTHOR, (POST, AUTHOR))
    assert event.summary() == "claim repeated by actor/ann in post/ann-first"
    state = event.apply(world.state(CLAIM))
    assert state.appearances[-1] == Appearance(post=POST, by=AUTHOR, at=when("2024-10-18"))
    assert (len(state.appearances), state.version) == (2, 2)


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"post": "post/zz"}, NotFoundError, "post post/zz does not exist"),
        ({"by": "actor/zed"}, NotFoundError, "actor actor/zed does not exist"),
        ({"by": "source/x"}, InvalidError, "by: 'source/x' is not an actor reference"),
    ],
)
def test_repeat_refusals(world: World, fields: dict[str, Any], error: type[Exception], message: str) -> None:
    arguments: dict[str, Any] = {
        "post": POST,
        "by": AUTHOR,
        "at": when("2024-10-18"),
        **world.kwargs(),
        **fields,
    }
    with pytest.raises(error, match=message):
        claim.repeat(world.state(CLAIM), **arguments)


# -- reviews ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("how", "cls", "stance", "verb"),
    [("rebut", ClaimRebutted, "rebutted", "rebutted"), ("support", ClaimSupported, "supported", "supported")],
)
def test_a_review_records_verdict_rationale_and_evidence(
    world: World, how: str, cls: type[Any], stance: str, verb: str
) -> None:
    event = REVIEWS[how](
        world.state(CLAIM),
        reviewer=DESK,
        verdict="Inaccurate",
        rationale="Staff, not politicians.",
        evidence=[f"{REPORT}: I have nearly 100 Labour Party staff", Evidence(source=RULES)],
        at=when("2024-10-18"),
        **world.kwargs(),
    )
    assert isinstance(event, cls)
    assert event.actor == DESK
    assert event.evidence == (
        Evidence(source=REPORT, quote="I have nearly 100 Labour Party staff"),
        Evidence(source=RULES),
    )
    assert event.references() == (DESK, REPORT, RULES)
    assert event.summary() == f"{verb} by actor/desk: Inaccurate — Staff, not politicians."
    state = event.apply(world.state(CLAIM))
    assert state.reviews == (
        Review(
            kind="rebuttal" if how == "rebut" else "support",
            version=2,
            stance=stance,
            reviewer=DESK,
            verdict="Inaccurate",
            rationale="Staff, not politicians.",
            evidence=event.evidence,
            at=when("2024-10-18"),
        ),
    )
    assert (state.status, state.verdict) == (stance, "Inaccurate")


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("source/x", Evidence(source="source/x")),
        ("source/x:", Evidence(source="source/x")),
        (" source/x : a quote: with a colon ", Evidence(source="source/x", quote="a quote: with a colon")),
    ],
)
def test_evidence_reads_source_colon_quote(text: str, evidence: Evidence) -> None:
    assert Evidence.parse(text) == evidence


def test_a_lone_piece_of_evidence_is_one_piece(world: World) -> None:
    event = claim.rebut(
        world.state(CLAIM),
        reviewer=DESK,
        verdict="F",
        rationale="R",
        evidence=RULES,
        at=when("2024-10-18"),
        **world.kwargs(),
    )
    assert event.evidence == (Evidence(source=RULES),)


REVIEW_REFUSALS = [
    ({"reviewer": "actor/zed"}, NotFoundError, "reviewer actor/zed does not exist"),
    ({"reviewer": ""}, InvalidError, "reviewer: malformed reference ''"),
    ({"reviewer": None}, InvalidError, "reviewer: Input should be a valid string"),
    ({"verdict": ""}, InvalidError, "verdict: String should have at least 1 character"),
    ({"verdict": "   "}, InvalidError, "verdict: String should have at least 1 character"),
    ({"rationale": ""}, InvalidError, "rationale: String should have at least 1 character"),
    ({"rationale": None}, InvalidError, "rationale: Input should be a valid string"),
    ({"evidence": ["source/zz:quote"]}, NotFoundError, "evidence source source/zz does not exist"),
    ({"evidence": [RULES, "source/zz"]}, NotFoundError, "evidence source source/zz does not exist"),
    ({"evidence": ["actor/ann:quote"]}, InvalidError, "'actor/ann' is not a source reference"),
    ({"evidence": [""]}, InvalidError, "malformed reference ''"),
    ({"provenance": provenance("source/zz")}, NotFoundError, "source source/zz does not exist"),
    (
        {"at": when("2024-10-16")},
        InvalidError,
        "claim/bob-says cannot have been reviewed at 2024-10-16: it was made 2024-10-17",
    ),
]


@pytest.mark.parametrize("how", ["rebut", "support", "revise"])
@pytest.mark.parametrize(("fields", "error", "message"), REVIEW_REFUSALS)
def test_review_refusals(
    world: World, how: str, fields: dict[str, Any], error: type[Exception], message: str
) -> None:
    state = reviewed(world) if how == "revise" else world.state(CLAIM)
    command = {"revise": claim.revise, **REVIEWS}[how]
    arguments: dict[str, Any] = {
        "reviewer": DESK,
        "verdict": "False",
        "rationale": "Because.",
        "evidence": [RULES],
        "at": when("2024-10-18"),
        **world.kwargs(),
        **fields,
    }
    with pytest.raises(error, match=message):
        command(state, **arguments)


def test_a_review_overlapping_the_claim_is_accepted(world: World) -> None:
    assert claim.rebut(
        world.state(CLAIM), reviewer=DESK, verdict="F", rationale="R", at=when("2024-10"), **world.kwargs()
    )


def test_a_verdict_is_revised_only_once_there_is_one(world: World) -> None:
    with pytest.raises(
        InvalidError,
        match="claim/bob-says has no review by actor/desk before 2024-10-18 to revise: rebut or support",
    ):
        claim.revise(
            world.state(CLAIM),
            reviewer=DESK,
            verdict="F",
            rationale="R",
            at=when("2024-10-18"),
            **world.kwargs(),
        )


@pytest.mark.parametrize(("first", "stance"), [("rebut", "rebutted"), ("support", "supported")])
def test_a_revision_keeps_the_stance_unless_it_gives_one(world: World, first: str, stance: str) -> None:
    state = reviewed(world, first, verdict="Mostly false")
    kept = claim.revise(
        state, reviewer=DESK, verdict="False", rationale="New facts.", at=when("2024-10-19"), **world.kwargs()
    )
    assert isinstance(kept, VerdictRevised)
    assert kept.summary() == "verdict revised by actor/desk: False — New facts."
    after = kept.apply(state)
    assert (after.status, after.verdict, after.reviews[-1].kind) == (stance, "False", "revision")
    other = "supported" if stance == "rebutted" else "rebutted"
    turned = claim.revise(
        after,
        reviewer=DESK,
        verdict="True",
        rationale="Newer facts.",
        stance=other,
        at=when("2024-10-20"),
        **world.kwargs(),
    ).apply(after)
    assert (turned.status, turned.verdict, [r.stance for r in turned.reviews]) == (
        other,
        "True",
        [stance, stance, other],
    )


def test_a_revision_stance_is_rebutted_supported_or_unrated(world: World) -> None:
    with pytest.raises(InvalidError, match="stance: Input should be 'rebutted', 'supported' or 'unrated'"):
        claim.revise(
            reviewed(world),
            reviewer=DESK,
            verdict="F",
            rationale="R",
            stance="unsure",
            at=when("2024-10-19"),
            **world.kwargs(),
        )


# -- retraction --------------------------------------------------------------------------------------


def test_a_retraction_is_by_the_claimant_unless_said(world: World) -> None:
    event = claim.retract(world.state(CLAIM), at=when("2024-10-19"), reason="I misread it", **world.kwargs())
    assert isinstance(event, ClaimRetracted)
    assert (event.by, event.actor, event.references()) == (CRITIC, CRITIC, (CRITIC,))
    assert event.summary() == "retracted: I misread it"
    state = event.apply(world.state(CLAIM))
    assert (state.status, state.retracted_at, state.retracted_by) == ("retracted", when("2024-10-19"), CRITIC)
    other = claim.retract(world.state(CLAIM), at=when("2024-10-19"), by=AUTHOR, **world.kwargs())
    assert (other.by, other.summary()) == (AUTHOR, "retracted")


def test_a_retracted_claim_can_still_be_reviewed_and_stays_retracted(world: World) -> None:
    world.record(claim.retract(world.state(CLAIM), at=when("2024-10-18"), **world.kwargs()))
    state = reviewed(world, "rebut", verdict="False")
    assert (state.status, state.verdict) == ("retracted", "False")


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"by": "actor/zed"}, NotFoundError, "actor actor/zed does not exist"),
        (
            {"at": when("2024-10-16")},
            InvalidError,
            "claim/bob-says cannot have been retracted at 2024-10-16: it was made 2024-10-17",
        ),
        ({"reason": ""}, InvalidError, "reason: String should have at least 1 character"),
    ],
)
def test_retract_refusals(world: World, fields: dict[str, Any], error: type[Exception], message: str) -> None:
    arguments: dict[str, Any] = {"at": when("2024-10-19"), **world.kwargs(), **fields}
    with pytest.raises(error, match=message):
        claim.retract(world.state(CLAIM), **arguments)


def test_a_claim_is_retracted_at_most_once(world: World) -> None:
    world.record(claim.retract(world.state(CLAIM), at=when("2024-10-19"), **world.kwargs()))
    with pytest.raises(InvalidError, match=r"claim/bob-says is already retracted \(retracted 2024-10-19\)"):
        claim.retract(world.state(CLAIM), at=when("2024-10-20"), **world.kwargs())


def test_a_claim_may_be_about_a_request_for_comment(world: World) -> None:
    # Any kind of subject can be what a claim is about.
    assert claim.make(
        "claim/cy", text="T", claimant=CRITIC, post=REPLY, about=[REQUEST], at=when("2024"), **world.kwargs()
    )


@pytest.mark.parametrize(
    ("evidence", "message"),
    [
        ([None], "evidence must be SOURCE_REF\\[:QUOTE\\] text, not NoneType"),
        ([f"{RULES}:bad \udcff byte"], "evidence.quote: Input should be a valid string"),
    ],
)
def test_evidence_that_is_not_valid_text_is_refused(world: World, evidence: list[Any], message: str) -> None:
    with pytest.raises(InvalidError, match=message):
        claim.rebut(
            world.state(CLAIM),
            reviewer=DESK,
            verdict="F",
            rationale="R",
            evidence=evidence,
            at=when("2024-10-18"),
            **world.kwargs(),
        )


def test_a_lone_evidence_object_is_one_piece(world: World) -> None:
    piece = Evidence(source=RULES, quote="Rule 1")
    event = claim.rebut(
        world.state(CLAIM),
        reviewer=DESK,
        verdict="F",
        rationale="R",
        evidence=piece,
        at=when("2024-10-18"),
        **world.kwargs(),  # type: ignore[arg-type]
    )
    assert event.evidence == (piece,)
