"""The PostgreSQL benchmark's "every live state kept" ingest keeps what it says, and only there.

No timing is asserted (speed is measured, never tested).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from benchmarks.bench_postgres import KEEP_ALL, KEPT_BY_DEFAULT, ingest_keeping_all
from benchmarks.context import Context
from benchmarks.measure import Stopwatch
from ledger import Ledger


def _kept(ledger: Ledger) -> int:
    cache: Any = ledger._app.repository.cache
    return int(cache.maxsize)


def test_the_kept_states_ingest_records_the_workload_keeping_more_states_than_the_default(
    postgres_url: str, tmp_path: Path
) -> None:
    ctx = Context(sizes=(300,), repeat=1, work_dir=tmp_path, batch=50, quiet=True)
    watch = Stopwatch()
    before = os.environ.get("AGGREGATE_CACHE_MAXSIZE")

    ingest_keeping_all(postgres_url, ctx, 300, watch)

    assert KEEP_ALL > KEPT_BY_DEFAULT
    assert watch.elapsed > 0
    # The larger cache was that ledger's only: the environment is as it was.
    assert os.environ.get("AGGREGATE_CACHE_MAXSIZE") == before
    with Ledger.open(postgres_url) as ledger:
        assert _kept(ledger) == KEPT_BY_DEFAULT
        events = sum(command.events for command in ctx.workload(300))
        assert ledger.head == events
        assert ledger.verify().summary().startswith(f"verified {events:,} events")
