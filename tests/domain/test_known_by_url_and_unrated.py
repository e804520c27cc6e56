"""Two small domain additions for imports: posts known only by URL, and unrated reviews."""

from __future__ import annotations

import pytest

from ledger import Ledger


@pytest.fixture
def ledger() -> Ledger:
    ledger = Ledger.open(":memory:", recorded_by="desk")
    ledger.register_actor("actor/ana", name="Ana", kind="person")
    ledger.register_actor("actor/checker", name="Checker", kind="organization")
    return ledger


def test_a_post_known_only_by_its_url_has_no_text(ledger: Ledger) -> None:
    ledger.publish_post("post/p", platform="web", author="actor/ana", url="https://x.test/1", at="2024-10-16")
    state = ledger.get("post/p")
    assert (state.text, state.text_sha256, state.url) == (None, None, "https://x.test/1")
    row = ledger.posts()[0]
    assert row.text is None
    assert row.label == "text not captured"  # the domain's label (branch worldtime)
    assert ledger.posts(replay=True) == ledger.posts()
    ledger.edit_post("post/p", text="Found the text later", at="2024-10-17")
    assert ledger.get("post/p").text == "Found the text later"
    assert ledger.posts()[0].edits == ledger.posts(replay=True)[0].edits == 1


def test_an_unrated_review_is_kept_as_given_and_can_be_revised(ledger: Ledger) -> None:
    ledger.publish_post("post/p", platform="web", author="actor/ana", url="https://x.test/1", at="2024-10-16")
    ledger.make_claim("claim/c", text="It rained", claimant="actor/ana", post="post/p", at="2024-10-16")
    ledger.rate_claim(
        "claim/c", reviewer="actor/checker", verdict="Needs context", rationale="—", at="2024-10-18"
    )
    state = ledger.get("claim/c")
    assert (state.status, state.verdict, state.reviews[-1].kind) == ("unrated", "Needs context", "rating")
    assert ledger.claims(status="unrated") == ledger.claims(status="unrated", replay=True)
    assert [row.ref for row in ledger.claims(status="unrated")] == ["claim/c"]
    ledger.revise_verdict(
        "claim/c",
        reviewer="actor/checker",
        verdict="False",
        rationale="—",
        at="2024-10-19",
        stance="rebutted",
    )
    assert ledger.get("claim/c").status == "rebutted"
    assert ledger.claims(replay=True) == ledger.claims()
