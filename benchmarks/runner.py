"""Runs every benchmark module in order and gathers their figures.

Built-in modules run first (ingest builds the shared fixtures). Modules of
other features (views, integrity, PostgreSQL) are wired in by name: when one
is not on main yet, the report says so instead of failing. Each module gives
``run(context) -> Iterable[Figure | dict]`` (see ``benchmarks/README.md``).
"""

from __future__ import annotations

import importlib
import importlib.util
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from benchmarks.adapters import ADAPTERS, takes_context
from benchmarks.context import Context
from benchmarks.results import Figure, as_figure, not_landed

#: Benchmark groups in the order they run, and the module of each.
MODULES: dict[str, str] = {
    "ingest": "benchmarks.bench_ingest",
    "replay": "benchmarks.bench_replay",
    "cli": "benchmarks.bench_cli",
    "memory": "benchmarks.bench_memory",
    "views": "benchmarks.bench_views",
    "integrity": "benchmarks.bench_integrity",
    "postgres": "benchmarks.bench_postgres",
    "http": "benchmarks.bench_http",
    "interop": "benchmarks.bench_interop",
    "report": "benchmarks.bench_report",
}

#: Which issue brings each module that may not have landed yet.
PENDING = {"views": "issue 4", "integrity": "issue 5", "postgres": "issue 6"}


@dataclass
class Outcome:
    """What a run produced: figures, the raw output of modules without ``run()``, and failures."""

    figures: list[Figure] = field(default_factory=list)
    raw_outputs: dict[str, str] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def run_modules(ctx: Context, groups: Sequence[str]) -> Outcome:
    """Run the modules of ``groups`` in order; a failing module is reported, and the others still run."""
    outcome = Outcome()
    for group in groups:
        name = MODULES[group]
        if importlib.util.find_spec(name) is None:
            why = f"{name} is not on main yet ({PENDING.get(group, 'pending')})"
            outcome.figures.append(not_landed(group, f"{group} benchmarks", why))
            continue
        module = importlib.import_module(name)
        run = getattr(module, "run", None)
        adapter = ADAPTERS.get(group)
        runner: Callable[[Context], Iterable[Figure | Mapping[str, Any]]]
        if run is not None and takes_context(run):
            runner = run
        elif adapter is not None:
            runner = partial(adapter, module)
        else:
            why = f"{name} has no run(context); run it alone with python -m {name}"
            outcome.figures.append(not_landed(group, f"{group} benchmarks", why))
            continue
        ctx.log(f"== {group}")
        try:
            items = runner(ctx)
            outcome.figures.extend(as_figure(item) for item in items)
        except Exception as error:  # one broken module must not lose the others' figures
            outcome.failures.append(f"{name}: {type(error).__name__}: {error}")
            outcome.figures.append(
                Figure(
                    group,
                    f"{group} benchmarks",
                    None,
                    "",
                    status=f"error: {type(error).__name__}",
                    note=str(error),
                )
            )
            ctx.log(traceback.format_exc())
    return outcome
