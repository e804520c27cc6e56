"""What a report says about the run: command, commit, machine and versions."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
import sys
import time
from importlib.metadata import version
from typing import Any

from benchmarks.context import Context
from benchmarks.measure import REPO


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=True, cwd=REPO).stdout.strip()


def _commit() -> str:
    try:
        head = _git("rev-parse", "--short", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}{' + local changes' if dirty else ''}"


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def run_meta(ctx: Context, *, command: str, seconds: float) -> dict[str, Any]:
    """The facts a reader needs to reproduce and judge the figures."""
    return {
        "command": command,
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "commit": _commit(),
        "machine": f"{os.cpu_count()} cores ({_cpu()}), {platform.system()} {platform.machine()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "eventsourcing": version("eventsourcing"),
        "pydantic": version("pydantic"),
        "executable": sys.executable,
        "sizes": list(ctx.sizes),
        "repeat": ctx.repeat,
        "seed": ctx.seed,
        "batch": ctx.batch,
        "single": ctx.single,
        "seconds": seconds,
        # Other work on the machine slows every figure; ratios against baselines of the same run less so.
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
