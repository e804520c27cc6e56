"""Fixtures of the report tests: the seed story's ledger, small ledgers with revisions and waits, Chromium.

The browser tests need Debian's Chromium (``/usr/bin/chromium``, or
``LEDGER_TEST_CHROMIUM``). Without it they are skipped with one line saying
why, except in CI (``CI=true``), where they fail: ``.ci/run`` installs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger import Ledger
from ledger.demo import load_example
from tests.conftest import in_ci
from tests.report.browser import chromium_missing, chromium_path


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    """The seed story, imported from its case file, in an SQLite file."""
    path = tmp_path_factory.mktemp("seed") / "seed.db"
    with Ledger.open(path, recorded_by="desk") as ledger:
        load_example(ledger)
        yield ledger


@pytest.fixture(scope="session")
def chromium() -> str:
    """The path of Chromium; skips locally and fails in CI when it is missing."""
    reason = chromium_missing()
    if reason is None:
        return chromium_path()
    if in_ci():
        pytest.fail(f"CI requires Chromium for the browser tests: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped, {reason}")


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots are kept (pytest's base temporary directory; kept for the last runs)."""
    return Path(tmp_path_factory.mktemp("report-screenshots", numbered=False))
