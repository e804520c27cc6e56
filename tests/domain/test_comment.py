"""Requests for comment: sent, answered, declined or lapsed, and the refusals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from domain import comment
from domain.comment import (
    CommentDeclined,
    CommentReceived,
    CommentRequested,
    CommentRequestLapsed,
    CommentRequestState,
)
from domain.errors import AlreadyExistsError, InvalidError, NotFoundError
from tests.domain.conftest import AUTHOR, CLAIM, DESK, POST, REPORT, REQUEST
from tests.domain.support import World, provenance, when

ANSWERS: dict[str, Callable[..., Any]] = {"receive": comment.receive, "decline": comment.decline}


def after(world: World, what: str, at: str) -> CommentRequestState:
    """The request after it was received, declined or lapsed at ``at``."""
    command = {"lapse": comment.lapse, **ANSWERS}[what]
    world.record(command(world.state(REQUEST), at=when(at), **world.kwargs()))
    state: CommentRequestState = world.state(REQUEST)
    return state


def test_request_builds_the_event_and_its_state(world: World) -> None:
    event = comment.request(
        "comment/cy",
        requester=DESK,
        recipient=AUTHOR,
        channel="email",
        regarding=[POST, CLAIM],
        question="Did you say hello?",
        deadline=when("2024-10-20T17:00Z"),
        at=when("2024-10-18"),
        provenance=provenance(REPORT),
        directory=world.directory,
    )
    assert isinstance(event, CommentRequested)
    assert (event.actor, event.references()) == (DESK, (REPORT, DESK, AUTHOR, POST, CLAIM))
    assert event.summary() == (
        "comment requested from actor/ann by email regarding post/ann-first, claim/bob-says: "
        "“Did you say hello?” (deadline 2024-10-20T17:00Z)"
    )
    state = event.apply(None)
    assert state == CommentRequestState(
        ref="comment/cy",
        version=1,
        requester=DESK,
        recipient=AUTHOR,
        channel="email",
        question="Did you say hello?",
        regarding=(POST, CLAIM),
        requested_at=when("2024-10-18"),
        deadline=when("2024-10-20T17:00Z"),
    )
    assert (state.status, state.is_open, state.answer, state.answered_at) == ("awaiting", True, None, None)


def test_a_bare_request_reads_simply(world: World) -> None:
    event = comment.request(
        "comment/cy",
        requester=DESK,
        recipient=AUTHOR,
        channel="phone",
        regarding=POST,
        at=when("2024"),
        **world.kwargs(),
    )
    assert event.regarding == (POST,)
    assert event.summary() == "comment requested from actor/ann by phone regarding post/ann-first"


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        (
            {"recipient": DESK},
            InvalidError,
            "a request for comment needs a recipient other than its requester",
        ),
        ({"requester": "actor/zed"}, NotFoundError, "requester actor/zed does not exist"),
        ({"recipient": "actor/zed"}, NotFoundError, "recipient actor/zed does not exist"),
        ({"recipient": POST}, InvalidError, "recipient: 'post/ann-first' is not an actor reference"),
        ({"regarding": [POST, "claim/zz"]}, NotFoundError, "subject claim/zz does not exist"),
        ({"regarding": ["comment/cy"]}, InvalidError, "comment/cy cannot regard itself"),
        ({"regarding": [POST, POST]}, InvalidError, "regarding: the same subject is named twice"),
        (
            {"channel": "pigeon"},
            InvalidError,
            "channel: Input should be 'email', 'phone', 'social', 'in-person' or 'other'",
        ),
        ({"question": " "}, InvalidError, "question: String should have at least 1 character"),
        (
            {"deadline": when("2024-10-17")},
            InvalidError,
            r"the deadline 2024-10-17 is before the request \(2024-10-18\)",
        ),
        ({"ref": "claim/cy"}, InvalidError, "'claim/cy' is not a comment reference"),
        ({"ref": REQUEST}, AlreadyExistsError, "comment/desk-to-ann already exists"),
        ({"provenance": provenance("source/zz")}, NotFoundError, "source source/zz does not exist"),
    ],
)
def test_request_refusals(world: World, fields: dict[str, Any], error: type[Exception], message: str) -> None:
    arguments: dict[str, Any] = {
        "ref": "comment/cy",
        "requester": DESK,
        "recipient": AUTHOR,
        "channel": "email",
        "at": when("2024-10-18"),
        **world.kwargs(),
        **fields,
    }
    with pytest.raises(error, match=message):
        comment.request(**arguments)


def test_a_deadline_overlapping_the_request_is_accepted(world: World) -> None:
    event = comment.request(
        "comment/cy",
        requester=DESK,
        recipient=AUTHOR,
        channel="email",
        deadline=when("2024-10-18T17:00Z"),
        at=when("2024-10-18"),
        **world.kwargs(),
    )
    assert event.deadline == when("2024-10-18T17:00Z")


@pytest.mark.parametrize(
    ("how", "cls", "status", "summaries"),
    [
        ("receive", CommentReceived, "answered", ("comment received: “No comment.”", "comment received")),
        (
            "decline",
            CommentDeclined,
            "declined",
            ("declined to comment: “No comment.”", "declined to comment"),
        ),
    ],
)
def test_an_answer_closes_the_request(
    world: World, how: str, cls: type[Any], status: str, summaries: tuple[str, str]
) -> None:
    summary, bare = summaries
    event = ANSWERS[how](world.state(REQUEST), at=when("2024-10-19"), text="No comment.", **world.kwargs())
    assert isinstance(event, cls)
    assert event.summary() == summary
    state = event.apply(world.state(REQUEST))
    assert (state.status, state.is_open, state.answered_at, state.answer, state.version) == (
        status,
        False,
        when("2024-10-19"),
        "No comment.",
        2,
    )
    assert ANSWERS[how](world.state(REQUEST), at=when("2024-10-19"), **world.kwargs()).summary() == bare


@pytest.mark.parametrize("closed_by", ["receive", "decline"])
@pytest.mark.parametrize("how", ["receive", "decline"])
def test_an_answer_only_on_an_open_request(world: World, closed_by: str, how: str) -> None:
    state = after(world, closed_by, "2024-10-19")
    status = "answered" if closed_by == "receive" else "declined"
    with pytest.raises(
        InvalidError, match=rf"comment/desk-to-ann is not open: it was already {status} \(2024-10-19\)"
    ):
        ANSWERS[how](state, at=when("2024-10-20"), **world.kwargs())


@pytest.mark.parametrize("how", ["receive", "decline"])
def test_an_answer_cannot_precede_the_request(world: World, how: str) -> None:
    with pytest.raises(
        InvalidError,
        match="comment/desk-to-ann cannot have been answered at 2024-10-17: it was sent 2024-10-18",
    ):
        ANSWERS[how](world.state(REQUEST), at=when("2024-10-17"), **world.kwargs())


def test_a_lapse_records_that_no_answer_came(world: World) -> None:
    event = comment.lapse(
        world.state(REQUEST), at=when("2024-10-21"), text="no reply by the deadline", **world.kwargs()
    )
    assert isinstance(event, CommentRequestLapsed)
    assert event.summary() == "no answer by then: request lapsed (no reply by the deadline)"
    state = event.apply(world.state(REQUEST))
    assert (state.status, state.is_open, state.lapsed_at) == ("lapsed", True, when("2024-10-21"))
    assert comment.lapse(world.state(REQUEST), at=when("2024-10-21"), **world.kwargs()).summary() == (
        "no answer by then: request lapsed"
    )


@pytest.mark.parametrize("how", ["receive", "decline"])
def test_a_late_answer_after_a_lapse_is_still_an_answer(world: World, how: str) -> None:
    lapsed = after(world, "lapse", "2024-10-21")
    answered = ANSWERS[how](lapsed, at=when("2024-10-25"), **world.kwargs()).apply(lapsed)
    assert (answered.status, answered.lapsed_at, answered.answered_at) == (
        "answered" if how == "receive" else "declined",
        when("2024-10-21"),
        when("2024-10-25"),
    )


def test_a_request_lapses_not_before_its_deadline(world: World) -> None:
    with pytest.raises(
        InvalidError, match="comment/desk-to-ann cannot lapse at 2024-10-19, before its deadline 2024-10-20"
    ):
        comment.lapse(world.state(REQUEST), at=when("2024-10-19"), **world.kwargs())
    assert comment.lapse(world.state(REQUEST), at=when("2024-10-20T18:00Z"), **world.kwargs())


def test_a_request_without_deadline_lapses_not_before_it_was_sent(world: World) -> None:
    world.record(
        comment.request(
            "comment/cy",
            requester=DESK,
            recipient=AUTHOR,
            channel="email",
            at=when("2024-10-18"),
            **world.kwargs(),
        )
    )
    with pytest.raises(InvalidError, match="comment/cy cannot lapse at 2024-10-17: it was sent 2024-10-18"):
        comment.lapse(world.state("comment/cy"), at=when("2024-10-17"), **world.kwargs())
    assert comment.lapse(world.state("comment/cy"), at=when("2024-10-18"), **world.kwargs())


@pytest.mark.parametrize(
    ("closed_by", "status"), [("receive", "answered"), ("decline", "declined"), ("lapse", "lapsed")]
)
def test_a_request_lapses_only_while_awaiting(world: World, closed_by: str, status: str) -> None:
    state = after(world, closed_by, "2024-10-21")
    with pytest.raises(InvalidError, match=r"comment/desk-to-ann (already lapsed|is answered|is declined)"):
        comment.lapse(state, at=when("2024-10-22"), **world.kwargs())


def test_an_answer_that_predates_a_recorded_lapse_is_accepted(world: World) -> None:
    # The lapse was mistaken (the email was found later): refusing the answer would make
    # the truth unrecordable, so it is accepted, placed by its own time; the lapse can be corrected.
    lapsed = after(world, "lapse", "2024-10-21")
    answered = comment.receive(lapsed, at=when("2024-10-19"), **world.kwargs()).apply(lapsed)
    assert (answered.status, answered.answered_at) == ("answered", when("2024-10-19"))
