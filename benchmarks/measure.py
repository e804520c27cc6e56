"""Timing and memory measurement helpers shared by the benchmarks."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

#: The repository root: subprocesses run there so ``python -m benchmarks...`` resolves.
REPO = Path(__file__).resolve().parents[1]


class Stopwatch:
    """Adds up the time spent inside ``with watch:`` blocks, and nothing else."""

    def __init__(self) -> None:
        self.elapsed = 0.0
        self._started = 0.0

    def __enter__(self) -> Stopwatch:
        self._started = time.perf_counter()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.elapsed += time.perf_counter() - self._started


def rate(events: int, seconds: float) -> float:
    """Events per second."""
    return events / seconds if seconds > 0 else float("inf")


def wall_time(argv: Sequence[str], *, cwd: Path | None = None) -> float:
    """Seconds a whole process takes, from start to exit; it must succeed."""
    started = time.perf_counter()
    completed = subprocess.run(argv, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        error = completed.stderr.decode(errors="replace")[-500:]
        raise RuntimeError(f"{' '.join(argv)} exited {completed.returncode}: {error}")
    return elapsed


def run_task(task: str, *args: str) -> dict[str, Any]:
    """Run ``python -m benchmarks.peak TASK ARGS`` in a fresh process; its report (peak RSS, time)."""
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.peak", task, *args],
        capture_output=True,
        check=False,
        text=True,
        cwd=REPO,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"task {task} failed: {completed.stderr.strip()[-500:]}")
    report: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return report
