"""Settings shared by the whole test suite."""

from __future__ import annotations

import pytest
from hypothesis import settings

# Shared test bases and helpers get pytest's assertion messages too.
pytest.register_assert_rewrite("tests.ledger.contract", "tests.domain.support", "tests.strategies")

# Speed is measured in benchmarks, never asserted by tests: no per-example
# deadline (a cold SQLite file or a busy CI machine would make it flaky).
settings.register_profile("ledger", deadline=None, print_blob=True)
settings.load_profile("ledger")
