"""A small world recorded through the Ledger API, shared by the storage tests."""

from __future__ import annotations

from ledger import Ledger

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

#: The subjects record_world() records, in order.
SUBJECTS = (AUTHOR, CRITIC, DESK, REPORT, RULES, POST, REPLY, CLAIM, REQUEST, CASE)


def record_world(ledger: Ledger) -> None:
    """Three actors, two sources, a post and a reply, a claim, a request and a case: ten entries."""
    ledger.register_actor(AUTHOR, name="Ann", kind="person")
    ledger.register_actor(CRITIC, name="Bob", kind="person", handles=["x:bob"])
    ledger.register_actor(DESK, name="The Desk", kind="organization")
    ledger.register_source(REPORT, title="A report", publisher=DESK, at="2024-10-18")
    ledger.register_source(RULES, title="The rules", kind="regulation")
    ledger.publish_post(POST, platform="X", author=AUTHOR, text="Hello, world", at="2024-10-16T09:30Z")
    ledger.publish_post(
        REPLY, platform="X", author=CRITIC, text="Nonsense", in_reply_to=POST, at="2024-10-17"
    )
    ledger.make_claim(
        CLAIM, text="Ann said hello", claimant=CRITIC, post=REPLY, about=[POST], at="2024-10-17"
    )
    ledger.request_comment(
        REQUEST,
        requester=DESK,
        recipient=AUTHOR,
        channel="email",
        regarding=[POST, CLAIM],
        question="Did you say hello?",
        deadline="2024-10-20",
        at="2024-10-18",
    )
    ledger.open_case(CASE, title="The story")
