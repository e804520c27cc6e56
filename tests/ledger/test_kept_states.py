"""How many subjects' states a ledger keeps between commands, and that a state not kept is read
back whole: the environment's ``AGGREGATE_CACHE_MAXSIZE`` (eventsourcing's) sets the number,
as the README tells a user with a long batch import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ledger import Ledger
from ledger.application import LedgerApplication


def _kept(ledger: Ledger) -> Any:
    return ledger._app.repository.cache


def test_a_ledger_keeps_4096_states_unless_the_environment_says_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AGGREGATE_CACHE_MAXSIZE", raising=False)
    with Ledger.open(tmp_path / "default.db") as ledger:
        assert _kept(ledger).maxsize == 4096 == int(LedgerApplication.env["AGGREGATE_CACHE_MAXSIZE"])
    monkeypatch.setenv("AGGREGATE_CACHE_MAXSIZE", "65536")
    with Ledger.open(tmp_path / "more.db") as ledger:
        assert _kept(ledger).maxsize == 65536


def test_states_not_kept_are_read_back_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGGREGATE_CACHE_MAXSIZE", "2")
    posts = [f"post/p{number}" for number in range(5)]
    with Ledger.open(tmp_path / "ledger.db", recorded_by="desk") as ledger:
        with ledger.batch():
            ledger.register_actor("actor/jane", name="Jane", kind="person")
            for post in posts:
                ledger.publish_post(post, platform="X", author="actor/jane", text=post, at="2024-10-16")
        # Two states kept of six subjects; every post then takes two more entries in one batch.
        assert len(_kept(ledger).cache) == 2
        with ledger.batch():
            for post in posts:
                ledger.observe_post(post, at="2024-10-17", views=1)
            for post in posts:
                ledger.observe_post(post, at="2024-10-18", views=2)
        for post in posts:
            state = ledger.get(post)
            assert (state.version, [m.views for m in state.metrics]) == (3, [1, 2])
            assert state.text == post
