"""Fixtures for the end-to-end CLI tests: real SQLite files, click's CliRunner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cli_helpers import Run
from click.testing import CliRunner, Result

from cli.main import ledger as ledger_command
from ledger import Ledger
from ledger.demo import load_example


@pytest.fixture
def runner() -> CliRunner:
    # A fixed width, so that wrapped tables do not depend on the terminal running the tests.
    return CliRunner(env={"COLUMNS": "120", "LEDGER_URL": None, "LEDGER_USER": None})


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Where a test's ledger lives (not created yet)."""
    return tmp_path / "ledger.db"


@pytest.fixture
def run(runner: CliRunner, db: Path) -> Run:
    """Run ``ledger --db DB --by desk ARGS...``; exceptions other than exits propagate."""

    def invoke(*args: str, expect: int | None = 0, **kwargs: Any) -> Result:
        result = runner.invoke(
            ledger_command, ["--db", str(db), "--by", "desk", *args], catch_exceptions=False, **kwargs
        )
        if expect is not None:
            assert result.exit_code == expect, (result.exit_code, result.stdout, result.stderr)
        return result

    return invoke


@pytest.fixture
def story(db: Path) -> Path:
    """A ledger file holding the seed story, imported from the example case file."""
    with Ledger.open(db, recorded_by="desk") as ledger:
        load_example(ledger)
    return db
