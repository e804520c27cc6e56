"""Memory: peak RSS of whole-log tasks in a fresh process at each size (it must stay flat).

Each task runs as ``python -m benchmarks.peak TASK DB``; its baseline is the
same process that only opens the ledger (imports, connection), so the ratio
is what the task itself adds. The import of an export (written first, not
measured) runs as ``python -m benchmarks.peak import EXPORT``. Tasks the ledger does not have yet (verify,
export) are reported as not landed. The case-file task writes the workload as
one JSON Lines case file and imports it into a new ledger in one
transaction (issue 17's target: a 1,000,000-line file in <= 300 MB).
"""

from __future__ import annotations

import json

from benchmarks.bench_ingest import casefile_entry
from benchmarks.bench_replay import replay_name
from benchmarks.context import Context, remove_database
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
        figures.append(_import_peak(ctx, size, floor))
    for method in OPTIONAL_TASKS:
        if not hasattr(Ledger, method):
            figures.append(not_landed("memory", f"{method}: peak RSS", f"Ledger has no {method}() yet"))
    return figures


CASEFILE_IMPORT_NAME = "import: Ledger.import_file, the workload as one JSON Lines case file, one transaction"


def _import_peak(ctx: Context, size: int, floor: list[float]) -> Figure:
    """Peak RSS of importing ``size`` commands from one case file into a new ledger (issue 17: <= 300 MB)."""
    case_file = ctx.scratch(f"casefile-{size}.jsonl")
    with case_file.open("w", encoding="utf-8") as out:
        for command in ctx.workload(size):
            out.write(json.dumps(casefile_entry(command), ensure_ascii=False) + "\n")
    peaks = []
    for rep in range(ctx.repeat):
        db = ctx.scratch(f"import-peak-{size}-{rep}.db")
        peaks.append(run_task("import-casefile", str(case_file), str(db))["peak_rss_mb"])
        remove_database(db)
    case_file.unlink()
    return Figure(
        "memory", CASEFILE_IMPORT_NAME, size, "MB", peaks, OPEN_ONLY, floor, Target("value", "<=", 300)
    )
