"""A small world of subjects, recorded through the domain's own commands."""

from __future__ import annotations

import pytest

from domain import actor, case, claim, comment, post, source
from tests.domain.support import World, when

AUTHOR = "actor/ann"
CRITIC = "actor/bob"
DESK = "actor/desk"
REPORT = "source/report"
RULES = "source/rules"
POST = "post/ann-first"
REPLY = "post/bob-reply"
CLAIM = "claim/bob-says"
REQUEST = "comment/desk-to-ann"
CASE = "case/story"
PUBLISHED = "2024-10-16T09:30Z"


@pytest.fixture
def world() -> World:
    """Three actors, two sources, a post and a reply, a claim, a request and a case."""
    w = World()
    w.record(actor.register(AUTHOR, name="Ann", kind="person", **w.kwargs()))
    w.record(actor.register(CRITIC, name="Bob", kind="person", handles=["x:bob"], **w.kwargs()))
    w.record(actor.register(DESK, name="The Desk", kind="organization", **w.kwargs()))
    w.record(source.register(REPORT, title="A report", publisher=DESK, at=when("2024-10-18"), **w.kwargs()))
    w.record(source.register(RULES, title="The rules", kind="regulation", **w.kwargs()))
    w.record(
        post.publish(POST, platform="X", author=AUTHOR, text="Hello, world", at=when(PUBLISHED), **w.kwargs())
    )
    w.record(
        post.publish(
            REPLY,
            platform="X",
            author=CRITIC,
            text="Nonsense",
            in_reply_to=POST,
            at=when("2024-10-17"),
            **w.kwargs(),
        )
    )
    w.record(
        claim.make(
            CLAIM,
            text="Ann said hello",
            claimant=CRITIC,
            post=REPLY,
            about=[POST],
            at=when("2024-10-17"),
            **w.kwargs(),
        )
    )
    w.record(
        comment.request(
            REQUEST,
            requester=DESK,
            recipient=AUTHOR,
            channel="email",
            regarding=[POST, CLAIM],
            question="Did you say hello?",
            deadline=when("2024-10-20"),
            at=when("2024-10-18"),
            **w.kwargs(),
        )
    )
    w.record(case.open_case(CASE, title="The story", **w.kwargs()))
    return w
