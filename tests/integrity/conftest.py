"""Fixtures of the integrity tests: ledgers on real SQLite files, and keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ledger import Ledger, Signer
from tests.integrity.helpers import record_actors

# The shared contract gets pytest's assertion messages, like a test module.
pytest.register_assert_rewrite("tests.integrity.contract")


@pytest.fixture
def key() -> Signer:
    return Ledger.generate_key("desk")


@pytest.fixture
def make_ledger(tmp_path: Path) -> Callable[..., Path]:
    """A ledger file with ``count`` entries, closed, ready to be reopened or tampered with."""

    def make(count: int = 10, name: str = "ledger.db") -> Path:
        path = tmp_path / name
        with Ledger.open(path, recorded_by="test") as ledger:
            record_actors(ledger, count)
        return path

    return make
