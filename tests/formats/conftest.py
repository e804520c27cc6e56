"""Fixtures of the interchange-format tests: fixture files, fresh ledgers, the seed story."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger import Ledger
from ledger.demo import load_example

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).parents[2] / "examples"
"""The files the README imports, shaped like the public formats: the tests read them too."""


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    """An empty ledger in a real SQLite file."""
    with Ledger.open(tmp_path / "ledger.db", recorded_by="desk") as opened:
        yield opened


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    """The seed story, loaded once per module (read-only)."""
    with Ledger.open(tmp_path_factory.mktemp("story") / "story.db", recorded_by="desk") as opened:
        load_example(opened)
        yield opened


def snapshot(ledger: Ledger) -> list[tuple[int, str, int, str]]:
    """The log, to show an import changed nothing."""
    return [(e.position, e.subject, e.version, e.event.model_dump_json()) for e in ledger.log()]
