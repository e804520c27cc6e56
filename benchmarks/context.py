"""What every benchmark module is given: sizes, repetitions, and shared fixtures.

The fixtures are built once per run and shared: the ledger of each size
(built by the first repetition of the ingest benchmark, or on demand), and
the same log recorded by the baselines. They are read-only: a benchmark that
writes copies one first (:meth:`Context.copy`).
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.baselines import record_bare
from benchmarks.generator import Command, Workload
from benchmarks.measure import Stopwatch
from ledger import Ledger


@dataclass
class Context:
    """The settings of one benchmark run and the fixtures it shares."""

    sizes: tuple[int, ...]
    repeat: int
    work_dir: Path
    seed: int = 2024
    batch: int = 1000
    """Commands per transaction in batched ingest."""
    single: int = 200
    """Commands recorded one per transaction by the single-command benchmarks."""
    fixtures: dict[tuple[str, int], Path] = field(default_factory=dict)
    quiet: bool = False
    batch_events: dict[int, list[int]] = field(default_factory=dict)
    """Events of each ingest transaction, per size, so baselines commit the same groups."""
    _probes: dict[int, str] = field(default_factory=dict)

    def workload(self, size: int) -> Workload:
        """The commands that record ``size`` events (the same in every repetition)."""
        return Workload(size, seed=self.seed)

    def scratch(self, name: str) -> Path:
        """A fresh path in the work directory (any old file of that name removed)."""
        path = self.work_dir / name
        remove_database(path)
        return path

    def keep(self, kind: str, size: int, path: Path) -> None:
        """Share ``path`` as the fixture ``kind`` of ``size`` events (``ledger``, ``bare``, ``raw``)."""
        self.fixtures[(kind, size)] = path

    def ledger_path(self, size: int) -> Path:
        """The shared ledger of ``size`` events, built now if no benchmark built it yet."""
        if ("ledger", size) not in self.fixtures:
            path = self.scratch(f"ledger-{size}.db")
            self.log(f"building the ledger of {size:,} events")
            self.batch_events[size] = build_ledger(self.workload(size), path, self.batch)
            self.keep("ledger", size, path)
        return self.fixtures[("ledger", size)]

    def bare_path(self, size: int) -> Path:
        """The same log recorded by the bare eventsourcing application, built now if needed."""
        if ("bare", size) not in self.fixtures:
            source = self.ledger_path(size)
            path = self.scratch(f"bare-{size}.db")
            self.log(f"building the bare eventsourcing log of {size:,} events")
            record_bare(source, self.batch_events[size], path, Stopwatch())
            checkpoint(path)
            self.keep("bare", size, path)
        return self.fixtures[("bare", size)]

    def copy(self, source: Path, name: str) -> Path:
        """A writable copy of the SQLite file ``source`` (checkpointed, so one file holds it all)."""
        target = self.scratch(name)
        shutil.copyfile(source, target)
        return target

    def probe_ref(self, size: int) -> str:
        """The last post deleted in the workload: the subject whose timeline is asked for."""
        if size not in self._probes:
            probe = ""
            for command in self.workload(size):
                if command.method == "delete_post" or (not probe and command.method == "publish_post"):
                    probe = command.ref
            self._probes[size] = probe
        return self._probes[size]

    def log(self, message: str) -> None:
        """Say what is being done, on stderr."""
        if not self.quiet:
            print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def remove_database(path: Path) -> None:
    """Remove an SQLite file and its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def batches(commands: Iterator[Command] | Workload, size: int) -> Iterator[list[Command]]:
    """``commands`` in lists of ``size``."""
    batch: list[Command] = []
    for command in commands:
        batch.append(command)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def apply(ledger: Ledger, command: Command) -> None:
    """Run one command through the Ledger API."""
    getattr(ledger, command.method)(command.ref, **command.args)


def build_ledger(workload: Workload, path: Path, batch: int, watch: Stopwatch | None = None) -> list[int]:
    """Record ``workload`` in a new ledger at ``path``, ``batch`` commands per transaction.

    Returns the events of each transaction. Only the recording is timed by
    ``watch``, not the generation of the commands.
    """
    watch = watch or Stopwatch()
    counts = []
    with Ledger.open(path, recorded_by="bench") as ledger:
        for commands in batches(workload, batch):
            with watch, ledger.batch():
                for command in commands:
                    apply(ledger, command)
            counts.append(sum(c.events for c in commands))
    checkpoint(path)
    return counts


def checkpoint(path: Path) -> None:
    """Fold the WAL into the database file, so copies and readers see one file."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
