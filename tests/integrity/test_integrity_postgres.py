"""Integrity on PostgreSQL, through the shared contract: each ledger in a schema of its own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from ledger import Ledger
from tests.conftest import drop_schema
from tests.integrity.contract import IntegrityContract


class TestPostgresIntegrity(IntegrityContract):
    """Ledgers in PostgreSQL schemas (one per name), dropped after the test."""

    server = ""
    schemas: dict[str, str]

    @pytest.fixture(autouse=True)
    def _schemas(self, postgres_server: str) -> Iterator[None]:
        self.server, self.schemas = postgres_server, {}
        yield
        for schema in self.schemas.values():
            drop_schema(self.server, schema)

    def create_ledger(self, name: str = "ledger") -> Ledger:
        schema = self.schemas.setdefault(name, f"test_{uuid.uuid4().hex[:16]}")
        return Ledger.open(f"{self.server}?schema={schema}", recorded_by="tester")
