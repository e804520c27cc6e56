"""PostgreSQL: the ledger on a server, against SQLite and a bare eventsourcing application on it.

In one run, with the same seeded workload (``benchmarks.generator``):

- ingest, batched: ``Ledger.batch()``, ``Context.batch`` commands per
  transaction, on PostgreSQL, against the same commands on SQLite and the
  same payloads saved in the same transactions by a bare eventsourcing
  ``Application`` on the same PostgreSQL server;
- ingest, batched, every live state kept: the same on PostgreSQL with the
  ledger keeping up to :data:`KEEP_ALL` subjects' states between commands
  (eventsourcing's ``AGGREGATE_CACHE_MAXSIZE``, :data:`KEPT_BY_DEFAULT` otherwise), no
  target: beside the default, its growth with size shows what the default's
  cache misses cost (a command on a subject not kept reads its whole stream);
- ingest, single commands: ``Context.single`` commands, one transaction
  each, appended to the ledger of each size (same three);
- import: ``Ledger.import_export`` of the whole log, PostgreSQL against SQLite;
- replay: ``Ledger.log()`` read and decoded, against SQLite and against
  eventsourcing reading and decoding the bare application's notification log;
  ``Ledger.replay()`` against the same, and against eventsourcing applying every
  event to its aggregate as well (the same work: a bound, see ``benchmarks.bounds``);
- catch-up: every view rebuilt, against the same, and (up to ``FLOOR_SIZES``)
  against psycopg alone writing the rows catch-up writes (``benchmarks.views_floor``);
- concurrent writers: 1, 2 and 4 processes recording single commands on
  subjects of their own, on PostgreSQL and on SQLite, in events per second
  of all writers together.

Every PostgreSQL measurement runs in a schema of its own, dropped afterwards.
The server is ``LEDGER_BENCH_POSTGRES_URL`` (default the test server,
``postgresql://postgres@127.0.0.1:5432/test``). Run it alone with
``python -m benchmarks.bench_postgres [--sizes 10000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import multiprocessing
import os
import queue
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any
from unittest import mock

from psycopg.conninfo import make_conninfo

from benchmarks import views_floor
from benchmarks.baselines import (
    BareApplication,
    Row,
    entry_of,
    read_notifications,
    replay_aggregates,
    save_entries,
)
from benchmarks.bounds import FLOOR_SIZES, PG_CATCH_UP_WRITES, PG_REPLAY_LIKE_FOR_LIKE
from benchmarks.context import Context, apply, batches, remove_database
from benchmarks.generator import Command
from benchmarks.measure import Stopwatch, rate
from benchmarks.results import Figure, Target
from ledger import Ledger
from ledger.application import LedgerApplication
from ledger.storage.backends import PostgresSettings, parse_postgres_url
from ledger.storage.postgres import connect

URL_VARIABLE = "LEDGER_BENCH_POSTGRES_URL"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
WRITERS = (1, 2, 4)
KEPT_BY_DEFAULT = int(LedgerApplication.env["AGGREGATE_CACHE_MAXSIZE"])

KEEP_ALL = 65_536
"""States kept between commands by the "every live state kept" ingest: more subjects than the
workload has at 100,000 events, so no command reads back a stream it recorded."""

#: Single commands recorded by all writers together in the concurrency benchmark.
CONCURRENT_COMMANDS = 1200

ES_PG = "eventsourcing Application on the same PostgreSQL server, same payloads"


def server() -> PostgresSettings:
    """The benchmark server (without a schema); it must answer."""
    settings = parse_postgres_url(os.environ.get(URL_VARIABLE) or DEFAULT_URL)
    connect(settings).close()
    return settings


@contextmanager
def schema(settings: PostgresSettings, label: str) -> Iterator[PostgresSettings]:
    """A fresh, empty schema on the server (eventsourcing alone does not create one), dropped on leaving."""
    name = f"bench_{label}_{uuid.uuid4().hex[:8]}"
    fresh = PostgresSettings(**{**settings.__dict__, "schema": name})
    with connect(settings) as connection:
        connection.execute(f'CREATE SCHEMA "{name}"')
    try:
        yield fresh
    finally:
        with connect(settings) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def conninfo(settings: PostgresSettings) -> str:
    """The libpq connection string of the server of ``settings`` (no schema)."""
    return make_conninfo(
        host=settings.host,
        port=settings.port,
        dbname=settings.dbname,
        user=settings.user,
        password=settings.password or None,
    )


def url_of(settings: PostgresSettings) -> str:
    """The ledger URL of ``settings``, password included (never printed)."""
    secret = f":{settings.password}" if settings.password else ""
    return (
        f"postgresql://{settings.user}{secret}@{settings.host}:{settings.port}/{settings.dbname}"
        f"?schema={settings.schema}"
    )


def bare_app(settings: PostgresSettings) -> BareApplication:
    """The bare eventsourcing application, on PostgreSQL in the schema of ``settings``."""
    env = {key: value for key, value in settings.env().items() if key != "APPLICATION_RECORDER_TOPIC"}
    return BareApplication(env=env)


def export_rows(export: str) -> list[Row]:
    """The stored rows of an export (the public way to read a ledger's rows exactly)."""
    rows = []
    for line in export.splitlines()[1:-1]:
        value = json.loads(line)
        state = base64.b64decode(value["state"])
        rows.append((uuid.UUID(value["stream"]).hex, value["version"], value["topic"], state, 0))
    return rows


def import_count(ledger: Ledger, export: str) -> int:
    """Import ``export`` into ``ledger``; the number of events."""
    return ledger.import_export(io.StringIO(export)).events


def ingest(ledger: Ledger, ctx: Context, size: int, watch: Stopwatch) -> list[int]:
    """Record the workload of ``size`` events in ``ctx.batch``-command transactions; events per one."""
    counts = []
    for commands in batches(ctx.workload(size), ctx.batch):
        with watch, ledger.batch():
            for command in commands:
                apply(ledger, command)
        counts.append(sum(c.events for c in commands))
    return counts


def ingest_keeping_all(url: str, ctx: Context, size: int, watch: Stopwatch) -> None:
    """:func:`ingest`, with up to :data:`KEEP_ALL` subjects' states kept between commands."""
    # eventsourcing reads the cache's size from the environment when the application is built.
    with mock.patch.dict(os.environ, {"AGGREGATE_CACHE_MAXSIZE": str(KEEP_ALL)}):
        ledger = Ledger.open(url, recorded_by="bench")
    with ledger:
        kept: Any = ledger._app.repository.cache
        if kept is None or kept.maxsize != KEEP_ALL:
            raise RuntimeError(f"the ledger keeps {getattr(kept, 'maxsize', 0)} states, not {KEEP_ALL:,}")
        ingest(ledger, ctx, size, watch)


def save_bare(app: BareApplication, rows: list[Row], counts: list[int], watch: Stopwatch) -> None:
    """Save ``rows`` in the bare application, one transaction per group of ``counts``."""
    start = 0
    for count in counts:
        entries = [entry_of(row) for row in rows[start : start + count]]
        with watch:
            save_entries(app, entries)
        start += count


def _timed(function: Callable[[], int]) -> tuple[float, int]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def _figure(
    name: str, size: int | None, runs: list[float], baseline: str, base: list[float], **kw: Any
) -> Figure:
    return Figure("postgres", name, size, kw.pop("unit", "events/s"), runs, baseline, base, **kw)


def run(ctx: Context) -> list[Figure]:
    """Every PostgreSQL figure at every size, then the concurrency figures."""
    settings = server()
    figures: list[Figure] = []
    for size in ctx.sizes:
        figures += _at_size(ctx, settings, size)
    figures += _concurrent(ctx, settings)
    return figures


Runs = dict[str, list[float]]


def _at_size(ctx: Context, settings: PostgresSettings, size: int) -> list[Figure]:
    single = list(ctx.workload(size).continuation(ctx.single))
    events = sum(c.events for c in single)
    runs: Runs = {}
    for rep in range(ctx.repeat):
        ctx.log(f"postgres: {size:,} events, repetition {rep + 1}/{ctx.repeat}")
        path = ctx.scratch(f"pg-bench-sqlite-{size}.db")
        with schema(settings, "ledger") as pg, schema(settings, "bare") as bare:
            export = _ingest_all(ctx, size, url=url_of(pg), path=path, bare=bare, runs=runs)
            with schema(settings, "kept") as kept:
                watch = Stopwatch()
                ingest_keeping_all(url_of(kept), ctx, size, watch)
                runs.setdefault("pg_kept", []).append(rate(size, watch.elapsed))
            _single_all(ctx, size, single, url=url_of(pg), path=path, bare=bare, runs=runs)
            with Ledger.open(path) as ledger:
                _time(runs, "sq_log", lambda: sum(1 for _ in ledger.log()))
        remove_database(path)
        with schema(settings, "import") as target, Ledger.open(url_of(target)) as ledger:
            _time(runs, "pg_import", partial(import_count, ledger, export))
        with Ledger.open(path) as ledger:
            _time(runs, "sq_import", partial(import_count, ledger, export))
        remove_database(path)
    floor: list[float] = []
    if size <= FLOOR_SIZES:
        ctx.log(f"postgres: the server alone writing the views' rows at {size:,} events")
        same_log = ctx.ledger_path(size)  # the same commands on SQLite: what catch-up writes
        per_event = views_floor.postgres_per_event(same_log, ctx.work_dir, conninfo(settings), ctx.repeat)
        floor = [1e6 / per_event]
    batched = f"PostgreSQL: Ledger.batch(), {ctx.batch:,} commands per transaction"
    one = f"PostgreSQL: single commands, one transaction each ({events} appended)"
    log = "PostgreSQL: Ledger.log(), read + decode"
    replay = "PostgreSQL: Ledger.replay(): every entry with its subject's state"
    catch_up = "PostgreSQL: catch-up: every view rebuilt from the whole log"
    es_log = f"{ES_PG}, read + decode"
    return [
        _figure(batched, size, runs["pg"], ES_PG, runs["es"], target=Target("ratio", ">=", 0.8)),
        _figure(batched, size, runs["pg"], "the same commands on SQLite", runs["sq"]),
        _figure(
            f"{batched}, every live state kept ({KEEP_ALL:,}, not {KEPT_BY_DEFAULT:,})",
            size,
            runs["pg_kept"],
            ES_PG,
            runs["es"],
        ),
        _figure(
            one,
            size,
            runs["pg1"],
            f"{ES_PG}, one save each",
            runs["es1"],
            events=events,
            target=Target("ratio", ">=", 0.8),
        ),
        _figure(one, size, runs["pg1"], "the same commands on SQLite", runs["sq1"], events=events),
        _figure("PostgreSQL: Ledger.import_export()", size, runs["pg_import"], "SQLite", runs["sq_import"]),
        _figure(log, size, runs["pg_log"], es_log, runs["es_log"]),
        _figure(replay, size, runs["pg_replay"], es_log, runs["es_log"], target=Target("ratio", ">=", 0.7)),
        _figure(replay, size, runs["pg_replay"], PG_REPLAY_LIKE_FOR_LIKE, runs["es_mutate"]),
        _figure(
            catch_up, size, runs["pg_catch_up"], es_log, runs["es_log"], target=Target("ratio", ">=", 0.5)
        ),
        *([_figure(catch_up, size, runs["pg_catch_up"], PG_CATCH_UP_WRITES, floor)] if floor else []),
        _figure(log, size, runs["pg_log"], "SQLite", runs["sq_log"]),
    ]


def _time(runs: Runs, key: str, count: Callable[[], int]) -> None:
    """Time ``count()``, which handles and returns a number of events; add its rate to ``runs[key]``."""
    seconds, events = _timed(count)
    runs.setdefault(key, []).append(rate(events, seconds))


def _ingest_all(ctx: Context, size: int, *, url: str, path: Path, bare: PostgresSettings, runs: Runs) -> str:
    """Batched ingest on PostgreSQL, on SQLite and in the bare application; the PostgreSQL export."""
    watch = Stopwatch()
    with Ledger.open(url, recorded_by="bench") as ledger:
        counts = ingest(ledger, ctx, size, watch)
        runs.setdefault("pg", []).append(rate(size, watch.elapsed))
        _time(runs, "pg_log", lambda: sum(1 for _ in ledger.log()))
        _time(runs, "pg_replay", lambda: sum(1 for _ in ledger.replay()))
        views = ledger._projections()  # emptied untimed, then rebuilt from the whole log
        views.reset()
        _time(runs, "pg_catch_up", views.catch_up)
        out = io.StringIO()
        ledger.export(out)
    watch = Stopwatch()
    with Ledger.open(path, recorded_by="bench") as ledger:
        ingest(ledger, ctx, size, watch)
    runs.setdefault("sq", []).append(rate(size, watch.elapsed))
    app = bare_app(bare)
    try:
        watch = Stopwatch()
        save_bare(app, export_rows(out.getvalue()), counts, watch)
        runs.setdefault("es", []).append(rate(size, watch.elapsed))
        _time(runs, "es_log", lambda: read_notifications(app))
        _time(runs, "es_mutate", lambda: replay_aggregates(app))
    finally:
        app.close()
    return out.getvalue()


def _single_all(
    ctx: Context,
    size: int,
    single: list[Command],
    *,
    url: str,
    path: Path,
    bare: PostgresSettings,
    runs: Runs,
) -> None:
    """Single commands appended to the ledgers of ``size`` events, and their payloads to the bare app."""
    events = sum(c.events for c in single)
    for key, target in (("pg1", url), ("sq1", str(path))):
        watch = Stopwatch()
        with Ledger.open(target, recorded_by="bench") as ledger:
            for command in single:
                with watch:
                    apply(ledger, command)
        runs.setdefault(key, []).append(rate(events, watch.elapsed))
    with Ledger.open(url) as ledger:
        out = io.StringIO()
        ledger.export(out)
    app = bare_app(bare)
    try:
        watch = Stopwatch()
        for row in export_rows(out.getvalue())[size:]:
            entry = entry_of(row)
            with watch:
                save_entries(app, [entry])
        runs.setdefault("es1", []).append(rate(events, watch.elapsed))
    finally:
        app.close()


def _writer(url: str, writer: int, commands: int, channels: tuple[Any, Any, Any]) -> None:
    """Record ``commands`` single commands on subjects of this writer's own; report the seconds taken.

    ``channels`` are the (ready queue, start event, results queue) shared with :func:`concurrent_rate`.
    """
    ready, start, results = channels
    with Ledger.open(url, recorded_by=f"writer-{writer}") as ledger:
        ready.put(writer)
        start.wait()
        began = time.perf_counter()
        for number in range(commands):
            kind = number % 3
            ref = number // 3
            if kind == 0:
                ledger.register_actor(f"actor/w{writer}-{ref}", name=f"Writer {writer} #{ref}", kind="person")
            elif kind == 1:
                ledger.publish_post(
                    f"post/w{writer}-{ref}",
                    platform="X",
                    author=f"actor/w{writer}-{ref}",
                    text=f"Post {ref} of writer {writer}: " + "lorem ipsum " * 20,
                    at="2024-10-16T09:30Z",
                )
            else:
                ledger.observe_post(f"post/w{writer}-{ref}", at="2024-10-17T10:00Z", views=1000 + ref)
        results.put(time.perf_counter() - began)


WRITER_START_SECONDS = 300
"""How long the writer processes may take to open their ledgers before the run is called failed."""


def _stop(processes: list[Any]) -> None:
    """Terminate and reap writer processes left running after a failure."""
    for process in processes:
        if process.is_alive():
            process.terminate()
        process.join()


def _collect(answers: Any, processes: list[Any], within: float | None) -> None:
    """Take one answer per writer from ``answers``; fail when a writer dies, or after ``within`` seconds.

    Raises:
        RuntimeError: a writer exited with an error, or the answers did not all come in time.
    """
    deadline = None if within is None else time.monotonic() + within
    for _ in processes:
        while True:
            try:
                answers.get(timeout=1.0)
                break
            except queue.Empty:
                crashed = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
                if crashed:
                    _stop(processes)
                    raise RuntimeError(f"a writer process exited with {crashed[0]}") from None
                if deadline is not None and time.monotonic() > deadline:
                    _stop(processes)
                    raise RuntimeError(
                        f"writer processes did not open their ledgers within {within} s"
                    ) from None


def concurrent_rate(url: str, writers: int, commands: int) -> float:
    """Events per second of ``writers`` processes recording ``commands`` single commands in all."""
    spawn = multiprocessing.get_context("spawn")
    ready = spawn.Queue()
    start = spawn.Event()
    results = spawn.Queue()
    each = commands // writers
    processes = [
        spawn.Process(target=_writer, args=(url, w, each, (ready, start, results))) for w in range(writers)
    ]
    for process in processes:
        process.start()
    _collect(ready, processes, WRITER_START_SECONDS)
    start.set()
    began = time.perf_counter()
    _collect(results, processes, None)
    elapsed = time.perf_counter() - began
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise RuntimeError(f"a writer process exited with {process.exitcode}")
    with Ledger.open(url) as ledger:
        if ledger.head != each * writers:
            raise RuntimeError(f"{ledger.head} entries recorded, not {each * writers}")
    return each * writers / elapsed


def _concurrent(ctx: Context, settings: PostgresSettings) -> list[Figure]:
    pg: dict[int, list[float]] = {n: [] for n in WRITERS}
    sq: dict[int, list[float]] = {n: [] for n in WRITERS}
    for rep in range(ctx.repeat):
        for writers in WRITERS:
            ctx.log(f"postgres: {writers} concurrent writers, repetition {rep + 1}/{ctx.repeat}")
            with schema(settings, "writers") as fresh:
                url = url_of(fresh)
                Ledger.open(url).close()
                pg[writers].append(concurrent_rate(url, writers, CONCURRENT_COMMANDS))
            path = ctx.scratch(f"pg-bench-writers-{writers}.db")
            Ledger.open(path).close()
            sq[writers].append(concurrent_rate(str(path), writers, CONCURRENT_COMMANDS))
            remove_database(path)
    figures = []
    for writers in WRITERS:
        name = f"PostgreSQL: {writers} writer process{'es' if writers > 1 else ''}, single commands"
        speedup = _median(pg[writers]) / _median(pg[1])
        sqlite_speedup = _median(sq[writers]) / _median(sq[1])
        figures.append(
            _figure(
                name,
                None,
                pg[writers],
                f"SQLite, {writers} writer process{'es' if writers > 1 else ''}",
                sq[writers],
                events=CONCURRENT_COMMANDS,
                note=f"{speedup:.2f}× one PostgreSQL writer; SQLite {sqlite_speedup:.2f}× one SQLite writer",
            )
        )
    return figures


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main(argv: list[str] | None = None) -> int:
    """Run the PostgreSQL benchmarks alone and print their medians and ratios."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_postgres", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--sizes", default="10000", help="ledger sizes in events, comma-separated (default 10000)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each measurement (default 3)")
    parser.add_argument("--batch", type=int, default=1000, help="commands per transaction when batched")
    parser.add_argument("--single", type=int, default=200, help="commands appended one by one")
    args = parser.parse_args(argv)
    sizes = tuple(int(part.replace("_", "")) for part in args.sizes.split(","))
    with tempfile.TemporaryDirectory(prefix="ledger-bench-pg-") as scratch:
        ctx = Context(
            sizes=sizes, repeat=args.repeat, work_dir=Path(scratch), batch=args.batch, single=args.single
        )
        figures = run(ctx)
    print(f"{'measurement':<78} {'size':>7} {'median':>10} {'baseline':>10} {'ratio':>6}  baseline is")
    for f in figures:
        base = f.baseline_value or 0
        print(
            f"{f.name:<78} {f.size or '':>7} {f.value or 0:>10,.0f} {base:>10,.0f} "
            f"{f.ratio or 0:>6.2f}  {f.baseline}{'  (' + f.note + ')' if f.note else ''}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
