"""Adapters for benchmark modules written before the ``run(context)`` interface.

Each adapter checks that the module still has the functions it expects and
says so (``not wired``) when it does not, rather than failing: the module's
own command still runs it alone. Its figures are medians computed by the
module itself, so each holds one run.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

from benchmarks import views_floor
from benchmarks.bounds import CATCH_UP_WRITES, FLOOR_SIZES, VERIFY_NECESSARY_WORK
from benchmarks.context import Context, remove_database
from benchmarks.results import Figure, Target, not_landed

Adapter = Callable[[ModuleType, Context], Iterable[Figure]]

ES_DECODE = "eventsourcing: read + decode the notification log"
OWN_DECODE = "Ledger's own recorder and mapper: read + decode the log"


def _parameters(function: Any) -> list[str]:
    return list(inspect.signature(function).parameters)


def views(module: ModuleType, ctx: Context) -> Iterable[Figure]:
    """``bench_views.run(events, seed, repeat, db, bare)`` on a copy of each shared ledger.

    The catch-up's target baseline is the bare eventsourcing application reading and
    decoding the same payloads (as for replay), measured interleaved with the catch-up.
    """
    run = getattr(module, "run", None)
    if run is None or _parameters(run)[:4] != ["events", "seed", "repeat", "db"]:
        return [
            not_landed("views", "views benchmarks", "bench_views.run changed: adapt benchmarks/adapters.py")
        ]
    figures = []
    for size in ctx.sizes:
        ctx.log(f"views at {size:,} events")
        db = ctx.copy(ctx.ledger_path(size), f"views-{size}.db")
        try:
            found = run(size, ctx.seed, ctx.repeat, db, ctx.bare_path(size))
        finally:
            remove_database(db)
        figures += [
            Figure(
                "views",
                "timeline of a post from the views, warm, in-process",
                size,
                "ms",
                [found["timeline_views_ms"]],
                "the same timeline by replay",
                [found["timeline_replay_ms"]],
                Target("value", "<=", 20),
                events=0,
            ),
        ]
        baselines: list[tuple[str, float, Target | None, str]] = [
            (ES_DECODE, found["es_log_read_us_per_event"], Target("ratio", ">=", 0.5), ""),
            (OWN_DECODE, found["raw_log_read_us_per_event"], None, ""),
        ]
        if size <= FLOOR_SIZES:
            ctx.log(f"views: the database alone writing the same rows at {size:,} events")
            baselines.append(
                (
                    CATCH_UP_WRITES,
                    views_floor.sqlite_per_event(ctx.ledger_path(size), ctx.work_dir, ctx.repeat),
                    None,
                    "the floor: no reading, decoding or Python logic, only the database's writes",
                )
            )
        figures += [
            Figure(
                "views",
                "catch-up: every view rebuilt from the whole log",
                size,
                "events/s",
                [1e6 / found["catch_up_us_per_event"]],
                baseline,
                [1e6 / per_event],
                target,
                note=note,
            )
            for baseline, per_event, target, note in baselines
        ]
    return figures


def integrity(module: ModuleType, ctx: Context) -> Iterable[Figure]:
    """``bench_integrity.bench_verify`` and ``bench_append`` at the run's sizes."""
    verify = getattr(module, "bench_verify", None)
    append = getattr(module, "bench_append", None)
    if verify is None or append is None:
        return [
            not_landed(
                "integrity", "integrity benchmarks", "bench_integrity changed: adapt benchmarks/adapters.py"
            )
        ]
    figures = []
    for size in ctx.sizes:
        ctx.log(f"integrity: verify at {size:,} events")
        found = verify(size, ctx.repeat, ctx.work_dir)
        remove_database(ctx.work_dir / f"verify-{size}.db")
        events = found["events"]
        name = "Ledger.verify(): every leaf, node and checkpoint recomputed"
        baselines: list[tuple[str, str, Target | None, str]] = [
            (
                "sqlite3 read + hashlib.sha256 of the same rows",
                "sqlite_read_and_hash_s",
                Target("ratio", ">=", 0.5),
                "",
            ),
            ("hashlib.sha256 alone, rows in memory", "hashlib_only_s", None, ""),
            (
                VERIFY_NECESSARY_WORK,
                "necessary_work_s",
                None,
                "the floor: the same reads, splits, hashes and comparisons in one plain loop",
            ),
        ]
        figures += [
            Figure(
                "integrity",
                name,
                size,
                "events/s",
                [found["verify_events_per_s"]],
                baseline,
                [events / found[key]],
                target,
                note=note,
            )
            for baseline, key, target, note in baselines
        ]
        figures += [
            Figure(
                "integrity",
                "inclusion proof from the stored tree",
                size,
                "ms",
                [found["inclusion_proof_ms"]],
                events=0,
            ),
            Figure(
                "integrity",
                "verify: peak traced Python memory",
                size,
                "MB",
                [found["verify_peak_traced_mib"]],
            ),
        ]
    appended = min(ctx.sizes[0], 10_000)
    for batch in (100, 1):
        count = appended if batch > 1 else max(appended // 10, 1)
        ctx.log(f"integrity: append {count:,} events, {batch} per transaction")
        found = append(count, batch, ctx.repeat, ctx.work_dir)
        figures.append(
            Figure(
                "integrity",
                f"append with the Merkle tree, {batch} per transaction",
                None,
                "events/s",
                [count / found["with_tree_s"]],
                "the same recorder without the tree",
                [count / found["without_tree_s"]],
                events=count,
            )
        )
    leaves = getattr(module, "bench_leaves", None)
    if leaves is not None:
        ctx.log(f"integrity: v2 leaves against v1 leaves, {appended:,} events")
        found = leaves(appended, ctx.repeat, ctx.work_dir)
        for what in ("append", "verify"):
            figures.append(
                Figure(
                    "integrity",
                    f"{what} with v2 leaves (salted content digest), 100 per transaction"
                    if what == "append"
                    else "verify with v2 leaves (salted content digest)",
                    appended,
                    "events/s",
                    [appended / found[f"v2_{what}_s"]],
                    "the same with v1 leaves (stored bytes)",
                    [appended / found[f"v1_{what}_s"]],
                )
            )
        figures.append(
            Figure(
                "integrity",
                "redact one entry (in process)",
                appended,
                "ms",
                [found["redact_one_s"] * 1e3],
                events=0,
            )
        )
    return figures


#: Adapters by benchmark group.
ADAPTERS: dict[str, Adapter] = {"views": views, "integrity": integrity}


def takes_context(run: Any) -> bool:
    """True when ``run`` is the interface's ``run(context)``: one required parameter."""
    try:
        parameters = inspect.signature(run).parameters.values()
    except (TypeError, ValueError):
        return False
    required = [p for p in parameters if p.default is inspect.Parameter.empty]
    return len(required) == 1
