"""One task in a fresh process, reporting its peak RSS: ``python -m benchmarks.peak TASK DB``.

Tasks: ``open`` (open the ledger and read its head: the floor every task
starts from), ``log`` (stream and decode every entry), ``replay`` (the
auditor's replay: every entry applied to its subject's state), and, when the
ledger has them, ``verify`` (``Ledger.verify()``) and ``export``
(``Ledger.export()`` to /dev/null). ``import EXPORT`` takes an export file
instead of a ledger and imports it into a new ledger, as
``ledger import --from-export`` does; ``import-casefile CASE_FILE NEW_DB``
imports a case file into a new ledger; ``import-format FORMAT FILE NEW_DB``
imports a ClaimReview file, a Fact Check Tools response or CDX rows (onto a
post it creates first) into a new ledger. Prints one JSON line: the task, the
events it handled, its seconds and its peak resident set size in MB.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.bench_replay import replay_states
from ledger import Ledger
from ledger.formats.restore import restore


def _open(ledger: Ledger) -> int:
    return ledger.head


def _log(ledger: Ledger) -> int:
    return sum(1 for _ in ledger.log())


def _replay(ledger: Ledger) -> int:
    return replay_states(ledger)


def _verify(ledger: Ledger) -> int:
    auditor: Any = ledger  # verify() comes with integrity (issue 5)
    auditor.verify()
    return ledger.head


def _export(ledger: Ledger) -> int:
    exporter: Any = ledger  # export() comes with the PostgreSQL work (issue 6)
    with open(os.devnull, "w", encoding="utf-8") as sink:
        exporter.export(sink)
    return ledger.head


def _import(export: Path) -> int:
    """``ledger import --from-export``: the export at ``export`` into a new ledger beside it, then gone."""
    with tempfile.TemporaryDirectory(dir=export.parent) as folder:
        return restore(Path(folder) / "imported.db", export).events


TASKS: dict[str, Callable[[Ledger], int]] = {"open": _open, "log": _log, "replay": _replay}
#: Tasks of features that may not be on main yet, by the Ledger method they need.
OPTIONAL_TASKS: dict[str, Callable[[Ledger], int]] = {"verify": _verify, "export": _export}
TASKS.update({name: task for name, task in OPTIONAL_TASKS.items() if hasattr(Ledger, name)})


def _import_case_file(case_file: str, db: str) -> int:
    """Import a case file into a new ledger at ``db``: one transaction, however long the file."""
    with Ledger.open(Path(db), recorded_by="bench") as ledger:
        ledger.import_file(case_file)
        return ledger.head


def _import_format(form: str, path: str, db: str) -> int:
    """Import a ClaimReview file, or CDX rows onto a post created first, into a new ledger at ``db``."""
    with Ledger.open(Path(db), recorded_by="bench") as ledger:
        if form == "claimreview":
            ledger.import_claimreview(path)
        elif form == "factcheck-api":
            ledger.import_factcheck(path)
        else:
            url = next(iter(Path(path).read_text().split(maxsplit=3)[2:3]), "https://social.example/p")
            ledger.register_actor("actor/bench", name="Bench", kind="person")
            ledger.publish_post("post/bench", platform="web", author="actor/bench", url=url, at="2023")
            ledger.import_cdx(path, post="post/bench")
        return ledger.head


def main(argv: list[str]) -> int:
    """Run the task named in ``argv`` and print its report."""
    if (
        len(argv) == 4 and argv[0] == "import-format"
    ):  # import-format claimreview|factcheck-api|cdx FILE NEW_DB
        started = time.perf_counter()
        events = _import_format(argv[1], argv[2], argv[3])
        seconds = time.perf_counter() - started
        report = {
            "task": f"import-{argv[1]}",
            "events": events,
            "seconds": seconds,
            "peak_rss_mb": peak_rss_mb(),
        }
        print(json.dumps(report))
        return 0
    if len(argv) == 3 and argv[0] == "import-casefile":  # import-casefile CASE_FILE NEW_DB
        started = time.perf_counter()
        events = _import_case_file(argv[1], argv[2])
        seconds = time.perf_counter() - started
        print(
            json.dumps(
                {
                    "task": "import-casefile",
                    "events": events,
                    "seconds": seconds,
                    "peak_rss_mb": peak_rss_mb(),
                }
            )
        )
        return 0
    if len(argv) != 2 or argv[0] not in {*TASKS, "import"}:
        print(f"usage: python -m benchmarks.peak {{{','.join(TASKS)}}} LEDGER_DB", file=sys.stderr)
        return 2
    task, db = argv
    started = time.perf_counter()
    if task == "import":
        events = _import(Path(db))
    else:
        with Ledger.open(Path(db), create=False) as ledger:
            events = TASKS[task](ledger)
    seconds = time.perf_counter() - started
    print(json.dumps({"task": task, "events": events, "seconds": seconds, "peak_rss_mb": peak_rss_mb()}))
    return 0


def peak_rss_mb() -> float:
    """This process's peak resident set size, in MB.

    Linux's ``VmHWM`` belongs to this process image alone; ``ru_maxrss``
    would also count the parent's pages, copied at fork before exec.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
