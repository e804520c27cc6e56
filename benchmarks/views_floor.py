"""The floor under catch-up: the database alone writing exactly the rows the views need.

    python -m benchmarks.views_floor --db LEDGER.db [--bare BARE.db] [--postgres URL] [--repeat 3]

Catches the views of a copy of the ledger up once, keeping every batch it
writes (statements, rows and tracking updates, as the views prepared them);
then replays those batches into fresh tables made by the views' own
statements, with plain ``sqlite3`` (``executemany``, one transaction a batch,
as catch-up commits them) and, with ``--postgres``, plain ``psycopg``
(``COPY`` for plain inserts, ``executemany`` for the rest). No reading, no
decoding, no Python logic: what is left is what the database costs. With
``--bare`` (a bare eventsourcing ledger of the same log, as
``python -m benchmarks --work-dir`` leaves), the catch-up target's baseline is
timed too, so the floor can be set against the target (half the baseline's speed).
Medians of ``--repeat`` runs, per event, wall and CPU time of this process.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ledger import Ledger
from projections import runner
from projections.flat_views import FactsView
from projections.search_view import SearchView
from projections.sql import POSTGRESQL, Statement
from projections.subject_views import VIEW_NAMES, SubjectView
from projections.timeline_view import TimelineView

Batch = tuple[dict[str, int], int, list[Statement]]
TRACKING = "CREATE TABLE view_tracking (view_name TEXT PRIMARY KEY, position BIGINT NOT NULL)"
MOVE = "UPDATE view_tracking SET position = ? WHERE view_name = ? AND position = ? RETURNING position"


def capture(db: Path, copy: Path) -> tuple[int, list[Batch], list[str]]:
    """The log's size, the batches a full catch-up writes, and the views' SQLite statements."""
    with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    batches: list[Batch] = []
    write = runner.Projections._write

    def keep(self: runner.Projections, plan: Any) -> None:
        batches.append((dict(plan.start), plan.end, plan.statements))
        write(self, plan)

    runner.Projections._write = keep  # type: ignore[method-assign]
    try:
        with Ledger.open(copy) as ledger:
            views = ledger._projections()
            views.reset()
            batches.clear()
            views.catch_up()
            ddl = [statement for view in views.views.values() for statement in view.ddl]
            return ledger.head, batches, ddl
    finally:
        runner.Projections._write = write  # type: ignore[method-assign]


def sqlite_floor(batches: list[Batch], ddl: list[str], path: Path) -> None:
    """The batches written by plain sqlite3 into fresh tables (WAL, synchronous=NORMAL, as the views)."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    for statement in [*ddl, TRACKING]:
        connection.execute(statement)
    connection.executemany("INSERT INTO view_tracking VALUES (?, 0)", [(n,) for n in batches[0][0]])
    for start, end, statements in batches:
        connection.execute("BEGIN IMMEDIATE")
        for name, position in start.items():
            connection.execute(MOVE, (end, name, position)).fetchone()
        for statement, rows in statements:
            if rows:
                connection.executemany(statement, rows)
        connection.execute("COMMIT")
    connection.close()


def postgres_floor(batches: list[Batch], url: str) -> None:
    """The batches written by plain psycopg into fresh tables in a scratch schema (dropped after)."""
    import psycopg  # noqa: PLC0415 - only with --postgres

    ddl = list(TimelineView(POSTGRESQL).ddl)
    for kind in VIEW_NAMES:
        ddl += SubjectView(kind, POSTGRESQL).ddl
    ddl += [*SearchView(POSTGRESQL).ddl, *FactsView(POSTGRESQL).ddl, TRACKING]
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA IF EXISTS views_floor CASCADE")
        connection.execute("CREATE SCHEMA views_floor")
        connection.execute("SET search_path TO views_floor, public")
        for statement in ddl:
            connection.execute(statement.replace("?", "%s"))
        names = [(name,) for name in batches[0][0]]
        connection.cursor().executemany("INSERT INTO view_tracking VALUES (%s, 0)", names)
        connection.autocommit = False
        for start, end, statements in batches:
            with connection.cursor() as cursor:
                for name, position in start.items():
                    cursor.execute(MOVE.replace("?", "%s"), (end, name, position))
                for statement, rows in statements:
                    if rows and statement.startswith("INSERT") and "ON CONFLICT" not in statement:
                        with cursor.copy(f"COPY {statement[12:].split(' VALUES')[0]} FROM STDIN") as stream:
                            for row in rows:
                                stream.write_row(row)
                    elif rows:
                        cursor.executemany(statement.replace("?", "%s"), rows)
            connection.commit()
        connection.autocommit = True
        connection.execute("DROP SCHEMA views_floor CASCADE")


def per_event(action: Callable[[], Any], events: int, repeat: int) -> tuple[float, float]:
    """Median wall and CPU microseconds per event of ``action`` over ``repeat`` runs."""
    runs = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        runs.append((time.perf_counter() - wall, time.process_time() - cpu))
    return tuple(statistics.median(run[i] for run in runs) * 1e6 / events for i in (0, 1))  # type: ignore[return-value]


def sqlite_per_event(db: Path, work_dir: Path, repeat: int) -> float:
    """The sqlite3 floor of catching up the views of the ledger ``db``: median wall µs per event
    of ``repeat`` runs, each into fresh tables in ``work_dir`` (removed after)."""
    with tempfile.TemporaryDirectory(dir=work_dir) as folder:
        events, batches, ddl = capture(db, Path(folder) / "copy.db")
        path = Path(folder) / "floor.db"

        def fresh_sqlite() -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            sqlite_floor(batches, ddl, path)

        return per_event(fresh_sqlite, events, repeat)[0]


def postgres_per_event(db: Path, work_dir: Path, conninfo: str, repeat: int) -> float:
    """The psycopg floor of catching up the views of a ledger of the same log as the SQLite
    ledger ``db``, on the server of ``conninfo`` (a libpq connection string): median wall µs per
    event of ``repeat`` runs, each into fresh tables in a scratch schema (dropped after)."""
    with tempfile.TemporaryDirectory(dir=work_dir) as folder:
        events, batches, _ = capture(db, Path(folder) / "copy.db")
        return per_event(lambda: postgres_floor(batches, conninfo), events, repeat)[0]


def main(argv: list[str] | None = None) -> None:
    """Measure and print the floor, per event."""
    title = __doc__.split("\n")[0]
    parser = argparse.ArgumentParser(prog="python -m benchmarks.views_floor", description=title)
    parser.add_argument("--db", type=Path, required=True, help="a ledger (SQLite) whose log is used")
    parser.add_argument("--bare", type=Path, help="the same log in a bare eventsourcing ledger")
    parser.add_argument("--postgres", help="a PostgreSQL URL: also the floor there (schema views_floor)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        events, batches, ddl = capture(args.db, Path(folder) / "copy.db")
        rows = sum(len(found) for _, _, statements in batches for _, found in statements)
        print(f"{events:,} events, {len(batches)} batches, {rows / events:.2f} rows an event")

        def fresh_sqlite() -> None:
            path = Path(folder) / "floor.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            sqlite_floor(batches, ddl, path)

        figures = {"sqlite3 floor (the views' rows, no logic)": per_event(fresh_sqlite, events, args.repeat)}
        if args.postgres:
            floor = per_event(lambda: postgres_floor(batches, args.postgres), events, args.repeat)
            figures["psycopg floor (COPY + executemany)"] = floor
        if args.bare:
            from benchmarks.baselines import BareApplication, read_notifications  # noqa: PLC0415

            def baseline() -> None:
                app = BareApplication.at(args.bare)
                try:
                    read_notifications(app)
                finally:
                    app.close()

            figures["baseline: eventsourcing read + decode"] = per_event(baseline, events, args.repeat)
    for name, (wall, cpu) in figures.items():
        print(f"{name:45} {wall:8.1f} µs/event wall {cpu:8.1f} µs/event CPU")


if __name__ == "__main__":
    main()
