"""Ingest: recording the workload, against eventsourcing and sqlite3 storing the same payloads.

Batched: the whole workload through ``Ledger.batch()``, ``Context.batch``
commands per transaction; the bare eventsourcing application saves the same
entries in the same transactions (loading the aggregates they change, as an
application must); plain sqlite3 inserts the ledger's serialized rows with
``executemany`` in the same transactions.

Case file: the same workload written as JSON Lines case files of
``Context.batch`` entries each (the CLI's vocabulary), imported one file per
transaction with ``Ledger.import_file``, against the eventsourcing baseline
above (same payloads, same transactions). Reported as not landed until the
CLI's import is on main.

Single: ``Context.single`` more commands, one transaction each, appended to
a copy of the ledger of each size (so the cost of one more entry as the
ledger grows is visible); the baselines append the same entries one by one
to copies of their own logs.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.baselines import (
    BareApplication,
    RawTable,
    entry_of,
    ledger_rows,
    record_bare,
    record_raw,
    save_entries,
)
from benchmarks.context import Context, apply, batches, build_ledger, checkpoint, remove_database
from benchmarks.generator import Command
from benchmarks.measure import Stopwatch, rate
from benchmarks.results import Figure, Target, not_landed
from ledger import Ledger

ES_SAVE = "eventsourcing: Application.save, same payloads"
RAW_INSERT = "sqlite3: executemany of the same rows"


def run(ctx: Context) -> list[Figure]:
    """Batched and single-command ingest figures at every size."""
    figures: list[Figure] = []
    for size in ctx.sizes:
        batched = _batched(ctx, size)
        figures += batched
        figures += _case_files(ctx, size, batched[0].baseline_runs)
        figures += _single(ctx, size)
    return figures


def casefile_entry(command: Command) -> dict[str, Any] | None:
    """The command as a case-file entry in the CLI's vocabulary, or None before the CLI lands.

    Case files name no recorder per entry: the importing ledger's applies.
    """
    try:
        vocabulary: Any = importlib.import_module("ledger.commands")
    except ModuleNotFoundError:
        return None
    spec = next(s for s in vocabulary.SPECS.values() if s.method == command.method)
    names = {field.keyword: field.name for field in spec.fields}
    entry: dict[str, Any] = {"command": spec.name, "ref": command.ref}
    for keyword, value in command.args.items():
        if keyword != "recorded_by":
            entry[names[keyword]] = value
    return entry


def _write_case_files(ctx: Context, size: int) -> list[Path] | None:
    folder = ctx.work_dir / f"casefiles-{size}"
    folder.mkdir(exist_ok=True)
    files = []
    for number, commands in enumerate(batches(ctx.workload(size), ctx.batch)):
        lines = []
        for command in commands:
            entry = casefile_entry(command)
            if entry is None:
                return None
            lines.append(json.dumps(entry, ensure_ascii=False))
        path = folder / f"{number:05d}.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
    return files


def _case_files(ctx: Context, size: int, es: Sequence[float]) -> list[Figure]:
    name = f"case-file import, JSON Lines of {ctx.batch:,} entries, one file per transaction"
    if not hasattr(Ledger, "import_file") or casefile_entry(Command("open_case", "case/x", {})) is None:
        return [
            not_landed("ingest", name, "Ledger.import_file and ledger.commands are not on main yet (issue 3)")
        ]
    files = _write_case_files(ctx, size)
    if files is None:
        return []
    ours = []
    for rep in range(ctx.repeat):
        ctx.log(f"import {size:,} events from {len(files)} case files, repetition {rep + 1}/{ctx.repeat}")
        path = ctx.scratch(f"import-{size}.db")
        watch = Stopwatch()
        with Ledger.open(path, recorded_by="bench") as ledger:
            importer: Any = ledger  # import_file comes with the CLI (issue 3)
            for file in files:
                with watch:
                    importer.import_file(file)
            events = ledger.head
        ours.append(rate(events, watch.elapsed))
        remove_database(path)
    for file in files:
        file.unlink()
    return [Figure("ingest", name, size, "events/s", ours, ES_SAVE, list(es), Target("ratio", ">=", 0.8))]


def _batched(ctx: Context, size: int) -> list[Figure]:
    ours, es, raw = [], [], []
    for rep in range(ctx.repeat):
        ctx.log(f"ingest {size:,} events, repetition {rep + 1}/{ctx.repeat}")
        path = ctx.scratch(f"ingest-{size}-{rep}.db")
        watch = Stopwatch()
        counts = build_ledger(ctx.workload(size), path, ctx.batch, watch)
        ours.append(rate(size, watch.elapsed))
        if ("ledger", size) not in ctx.fixtures:
            ctx.keep("ledger", size, path)
            ctx.batch_events[size] = counts
        source = ctx.ledger_path(size)

        bare = ctx.scratch(f"ingest-bare-{size}-{rep}.db")
        watch = Stopwatch()
        events = record_bare(source, counts, bare, watch)
        es.append(rate(events, watch.elapsed))
        if ("bare", size) not in ctx.fixtures:
            checkpoint(bare)
            ctx.keep("bare", size, bare)
        else:
            remove_database(bare)

        table = ctx.scratch(f"ingest-raw-{size}-{rep}.db")
        watch = Stopwatch()
        events = record_raw(source, counts, table, watch)
        raw.append(rate(events, watch.elapsed))
        remove_database(table)
        if path != source:
            remove_database(path)
    name = f"Ledger.batch(), {ctx.batch:,} commands per transaction"
    return [
        Figure("ingest", name, size, "events/s", ours, ES_SAVE, es, Target("ratio", ">=", 0.8)),
        Figure("ingest", name, size, "events/s", ours, RAW_INSERT, raw),
    ]


def _single(ctx: Context, size: int) -> list[Figure]:
    commands = list(ctx.workload(size).continuation(ctx.single))
    events = sum(c.events for c in commands)
    ours, es, raw = [], [], []
    for rep in range(ctx.repeat):
        ctx.log(f"ingest {events} single commands onto {size:,} events, repetition {rep + 1}/{ctx.repeat}")
        path = ctx.copy(ctx.ledger_path(size), f"single-{size}.db")
        watch = Stopwatch()
        with Ledger.open(path, recorded_by="bench") as ledger:
            for command in commands:
                with watch:
                    apply(ledger, command)
        ours.append(rate(events, watch.elapsed))
        rows = [row for group in ledger_rows(path, [events], after=size) for row in group]

        bare = ctx.copy(ctx.bare_path(size), f"single-bare-{size}.db")
        app = BareApplication.at(bare)
        watch = Stopwatch()
        try:
            for row in rows:
                entry = entry_of(row)
                with watch:
                    save_entries(app, [entry])
        finally:
            app.close()
        es.append(rate(len(rows), watch.elapsed))

        table = RawTable(ctx.copy(ctx.ledger_path(size), f"single-raw-{size}.db"))
        watch = Stopwatch()
        try:
            for row in rows:
                with watch:
                    table.insert([row])
        finally:
            table.close()
        raw.append(rate(len(rows), watch.elapsed))
        for name in ("single", "single-bare", "single-raw"):
            remove_database(ctx.work_dir / f"{name}-{size}.db")
    name = f"single commands, one transaction each ({events} appended)"
    return [
        Figure(
            "ingest",
            name,
            size,
            "events/s",
            ours,
            ES_SAVE.replace("Application.save", "one save"),
            es,
            Target("ratio", ">=", 0.8),
            events=events,
        ),
        Figure(
            "ingest", name, size, "events/s", ours, "sqlite3: one insert per transaction", raw, events=events
        ),
    ]
