"""Memory: peak RSS of whole-log tasks in a fresh process at each size (it must stay flat).

Each task runs as ``python -m benchmarks.peak TASK DB``; its baseline is the
same process that only opens the ledger (imports, connection), so the ratio
is what the task itself adds. The import of an export (written first, not
measured) runs as ``python -m benchmarks.peak import EXPORT``. Tasks the ledger does not have yet (verify,
export) are reported as not landed.
"""

from __future__ import annotations

from benchmarks.bench_replay import replay_name
from benchmarks.context import Context
from benchmarks.measure import run_task
from benchmarks.peak import OPTIONAL_TASKS
from benchmarks.results import Figure, Target, not_landed
from ledger import Ledger

OPEN_ONLY = "open the ledger only"
IMPORT_NAME = "import --from-export: the export of the whole log into a new ledger"
TASK_NAMES = {
    "replay": f"replay: {replay_name()}",
    "log": "Ledger.log(): stream and decode every entry",
    "verify": "verify: Ledger.verify(), every leaf and root recomputed",
    "export": "export: Ledger.export(), the whole log as JSON Lines",
}


def run(ctx: Context) -> list[Figure]:
    """Peak RSS figures at every size."""
    figures: list[Figure] = []
    for size in ctx.sizes:
        path = str(ctx.ledger_path(size))
        ctx.log(f"peak RSS at {size:,} events")
        floor = [run_task("open", path)["peak_rss_mb"] for _ in range(ctx.repeat)]
        for task, name in TASK_NAMES.items():
            if not hasattr(Ledger, task) and task in OPTIONAL_TASKS:
                continue
            peaks = [run_task(task, path)["peak_rss_mb"] for _ in range(ctx.repeat)]
            figures.append(
                Figure("memory", name, size, "MB", peaks, OPEN_ONLY, floor, Target("value", "<=", 300))
            )
        export = ctx.ledger_path(size).with_suffix(".export.jsonl")
        with Ledger.open(path, create=False) as ledger:
            ledger.export(export)
        try:
            peaks = [run_task("import", str(export))["peak_rss_mb"] for _ in range(ctx.repeat)]
        finally:
            export.unlink(missing_ok=True)
        figures.append(
            Figure("memory", IMPORT_NAME, size, "MB", peaks, OPEN_ONLY, floor, Target("value", "<=", 300))
        )
    for method in OPTIONAL_TASKS:
        if not hasattr(Ledger, method):
            figures.append(not_landed("memory", f"{method}: peak RSS", f"Ledger has no {method}() yet"))
    return figures
