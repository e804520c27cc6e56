"""The ledger on PostgreSQL, through the shared contract: each test in a schema of its own."""

from __future__ import annotations

import pytest

from ledger import Ledger
from tests.ledger.contract import LedgerContract


class TestPostgresLedger(LedgerContract):
    """A ledger in a PostgreSQL schema (created by the first open, dropped after the test)."""

    url = ""

    @pytest.fixture(autouse=True)
    def _schema(self, postgres_url: str) -> None:
        self.url = postgres_url

    def create_ledger(self) -> Ledger:
        return Ledger.open(self.url, recorded_by="tester")

    def open_again(self, ledger: Ledger) -> Ledger:
        return Ledger.open(self.url, recorded_by="tester")
