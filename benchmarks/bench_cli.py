"""CLI start: the ``ledger`` command as a whole process, against ``python -c pass``.

``ledger --help`` is the floor of every command (imports and start-up);
``ledger timeline REF`` is what a fact-checker waits for, at each size; and
recording commands typed one by one (the workload's next commands, each a
whole ``ledger`` process appending to a copy of the ledger of each size). A
command the CLI does not have yet is reported as not landed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from benchmarks.bench_ingest import casefile_entry
from benchmarks.context import Context, remove_database
from benchmarks.generator import Command
from benchmarks.measure import REPO, wall_time
from benchmarks.results import Figure, Target, not_landed

PYTHON_START = "python -c pass"
#: Process starts are short and noisy: each repetition takes the median of this many.
STARTS_PER_REPETITION = 5
#: Recording commands run as processes in each repetition.
TYPED_COMMANDS = 5


def ledger_executable() -> str | None:
    """The ``ledger`` console script beside this Python, else on PATH."""
    beside = Path(sys.executable).parent / "ledger"
    return str(beside) if beside.exists() else shutil.which("ledger")


def has_command(ledger: str, *words: str) -> bool:
    """True when ``ledger WORDS --help`` succeeds (the CLI has that command)."""
    completed = subprocess.run([ledger, *words, "--help"], capture_output=True, check=False, cwd=REPO)
    return completed.returncode == 0


def command_argv(command: Command) -> list[str] | None:
    """The ``ledger`` arguments that record ``command``, as a user would type them (None before the CLI)."""
    entry = casefile_entry(command)
    if entry is None:
        return None
    argv = [*entry.pop("command").split(), entry.pop("ref")]
    for name, value in entry.items():
        values = value if isinstance(value, list) else [value]
        if name == "subject":  # case link takes its subjects as arguments
            argv += [str(v) for v in values]
        else:
            for item in values:
                argv += [f"--{name}", str(item)]
    return argv


def _typed_commands(ctx: Context, ledger: str, size: int, base: list[float]) -> Figure:
    commands = list(ctx.workload(size).continuation(TYPED_COMMANDS))
    argvs = [command_argv(c) for c in commands]
    times = []
    for rep in range(ctx.repeat):
        ctx.log(
            f"CLI: {len(commands)} recording commands onto {size:,} events, repetition {rep + 1}/{ctx.repeat}"
        )
        path = ctx.copy(ctx.ledger_path(size), f"typed-{size}.db")
        seconds = [
            wall_time([ledger, "--db", str(path), "--by", "bench", *argv], cwd=REPO) for argv in argvs if argv
        ]
        times.append(sorted(seconds)[len(seconds) // 2])
        remove_database(path)
    return Figure(
        "cli",
        "one recording command as a whole process (e.g. ledger post observe ...)",
        size,
        "s",
        times,
        PYTHON_START,
        base,
        events=1,
    )


def _median_start(argv: list[str]) -> float:
    times = sorted(wall_time(argv, cwd=REPO) for _ in range(STARTS_PER_REPETITION))
    return times[len(times) // 2]


def run(ctx: Context) -> list[Figure]:
    """Process start figures."""
    ledger = ledger_executable()
    if ledger is None:
        return [not_landed("cli", "ledger --help", "the ledger command is not installed")]
    python = [sys.executable, "-c", "pass"]
    ctx.log("CLI start: python -c pass, ledger --help")
    base = [_median_start(python) for _ in range(ctx.repeat)]
    helps = [_median_start([ledger, "--help"]) for _ in range(ctx.repeat)]
    figures = [Figure("cli", "ledger --help", None, "s", helps, PYTHON_START, base, Target("ratio", "<=", 5))]
    if not has_command(ledger, "timeline"):
        figures.append(
            not_landed("cli", "ledger timeline REF", "the CLI has no timeline command yet (issue 3)")
        )
        return figures
    typed = (
        has_command(ledger, "post", "observe")
        and command_argv(Command("open_case", "case/x", {})) is not None
    )
    for size in ctx.sizes:
        if typed:
            figures.append(_typed_commands(ctx, ledger, size, base))
        path = ctx.ledger_path(size)
        probe = ctx.probe_ref(size)
        ctx.log(f"CLI start: ledger timeline at {size:,} events")
        argv = [ledger, "--db", str(path), "timeline", probe]
        times = [_median_start(argv) for _ in range(ctx.repeat)]
        figures.append(
            Figure(
                "cli",
                "ledger timeline REF (a deleted post)",
                size,
                "s",
                times,
                PYTHON_START,
                base,
                Target("ratio", "<=", 8),
                events=0,  # one query's whole process, not a cost per event of the ledger
            )
        )
    return figures
