"""Helpers of the integrity tests: ledgers with entries, and raw access to the file for tampering."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from ledger import Ledger


def record_actors(ledger: Ledger, count: int, prefix: str = "actor") -> None:
    """Record ``count`` actors in one batch (one log entry each)."""
    with ledger.batch():
        for i in range(count):
            ledger.register_actor(f"actor/{prefix}-{i}", name=f"{prefix.title()} {i}", kind="person")


@contextmanager
def raw(path: Path) -> Iterator[sqlite3.Connection]:
    """The ledger file opened directly with sqlite3, committed on exit: what a tamperer does."""
    with closing(sqlite3.connect(path)) as connection, connection:
        yield connection
