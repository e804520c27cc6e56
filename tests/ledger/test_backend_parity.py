"""The same ledger behaviour on SQLite and PostgreSQL (``ledger_url`` runs each test on both)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger import AlreadyExistsError, InvalidError, Ledger, NotFoundError
from ledger.demo import COMMENT, POST, record_seed_story, render


def test_the_seed_story_tells_the_same_timelines_on_both_backends(tmp_path: Path, postgres_url: str) -> None:
    told = []
    for url in (str(tmp_path / "seed.db"), postgres_url):
        with Ledger.open(url, recorded_by="desk") as ledger:
            record_seed_story(ledger)
            told.append(
                (
                    render(ledger.timeline(POST)),
                    render(ledger.timeline(COMMENT)),
                    [(entry.position, entry.event) for entry in ledger.log()],
                )
            )
    assert told[0] == told[1]


def _register_bob_and_ada_again(ledger: Ledger) -> None:
    with ledger.batch():
        ledger.register_actor("actor/bob", name="Bob", kind="person")
        ledger.register_actor("actor/ada", name="Ada again", kind="person")


def test_a_failed_batch_writes_nothing(ledger_url: str) -> None:
    with Ledger.open(ledger_url) as ledger:
        ledger.register_actor("actor/ada", name="Ada", kind="person")
        with pytest.raises(AlreadyExistsError):
            _register_bob_and_ada_again(ledger)
        assert ledger.head == 1
        assert not ledger.exists("actor/bob")


def test_queries_and_refusals(ledger_url: str) -> None:
    with Ledger.open(ledger_url, recorded_by="desk") as ledger:
        ledger.register_actor("actor/ada", name="Ada", kind="person")
        ledger.publish_post("post/p", platform="X", author="actor/ada", text="One", at="2024-10-16")
        ledger.edit_post("post/p", text="Two", at="2024-10-17")
        ledger.register_actor("actor/bob", name="Bob", kind="person")
        assert ledger.head == 4
        assert [e.position for e in ledger.log(after=1, until=3)] == [2, 3]
        assert [e.version for e in ledger.history("post/p")] == [1, 2]
        assert ledger.get("post/p", version=1).text == "One"  # type: ignore[union-attr]
        assert ledger.get("post/p").text == "Two"  # type: ignore[union-attr]
        with pytest.raises(NotFoundError, match="post/p has no version 3"):
            ledger.get("post/p", version=3)
        with pytest.raises(NotFoundError, match="post/missing does not exist"):
            ledger.history("post/missing")
        with pytest.raises(AlreadyExistsError, match="actor/ada already exists"):
            ledger.register_actor("actor/ada", name="Ada", kind="person")
        with pytest.raises(InvalidError):
            ledger.delete_post("post/p", at="2024-10-01")
    with Ledger.open(ledger_url, create=False) as again:
        assert again.head == 4
        assert again.exists("actor/bob")


@pytest.mark.parametrize("kind", ["actor", "source", "post", "claim", "comment", "case"])
def test_the_materialised_views_agree_with_replay(ledger_url: str, kind: str) -> None:
    with Ledger.open(ledger_url, recorded_by="desk") as ledger:
        record_seed_story(ledger)
        # How long a request has waited runs on the clock between the two reads.
        ticking = {"waiting", "days_waiting"}
        views = [row.model_dump(exclude=ticking) for row in ledger.rows(kind)]
        assert views == [row.model_dump(exclude=ticking) for row in ledger.rows(kind, replay=True)]
        assert ledger.timeline(POST) == ledger.timeline(POST, replay=True)
