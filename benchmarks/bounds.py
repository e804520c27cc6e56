"""Baselines that bound what a measurement can reach, named once for the modules and the report.

A bound is measured in the same run as the figure it bounds and does no more
than the measured work must (or is that same work done by the baseline's own
library). Where a bound itself falls short of a target, the target asks for
more than that work allows: the report's table of missed targets shows it,
beside how close the measurement comes to the bound.
"""

from __future__ import annotations

REPLAY_LIKE_FOR_LIKE = "eventsourcing: read + decode + apply to aggregates (all kept)"
VERIFY_NECESSARY_WORK = "verify's necessary work in plain sqlite3 + hashlib (bench_integrity.necessary_work)"
CATCH_UP_WRITES = "sqlite3 alone writing the rows catch-up writes (benchmarks/views_floor.py)"
PG_REPLAY_LIKE_FOR_LIKE = (
    "eventsourcing Application on the same PostgreSQL server, same payloads, "
    "read + decode + apply to aggregates (all kept)"
)
PG_CATCH_UP_WRITES = "psycopg alone writing the rows catch-up writes (benchmarks/views_floor.py)"

FLOOR_SIZES = 1_000_000
"""The largest ledger whose catch-up floor is measured: capturing what catch-up writes holds every
batch in memory (352 MB peak RSS at 100,000 events, so about 3.5 GB at 1,000,000), and at
1,000,000 events catch-up's growth is the question the floor answers."""

BOUNDS: dict[str, str] = {
    REPLAY_LIKE_FOR_LIKE: (
        "like for like: the same work (read, decode, apply, keep every state) by eventsourcing itself"
    ),
    VERIFY_NECESSARY_WORK: "a floor: verify's reads, splits, hashes and comparisons in one plain loop",
    CATCH_UP_WRITES: "a floor: the database alone writing the rows the views need, nothing read or decoded",
    PG_REPLAY_LIKE_FOR_LIKE: "like for like: the same work by eventsourcing itself, on the same server",
    PG_CATCH_UP_WRITES: "a floor: the server alone receiving the rows the views need (COPY, executemany)",
}
"""Each bound's baseline name, and what it measures."""
