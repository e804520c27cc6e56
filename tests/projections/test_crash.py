"""A catch-up killed with SIGKILL in the middle of a batch resumes to exactly the rows of a clean rebuild."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

import pytest

from ledger import Ledger
from ledger.demo import POST, record_seed_story

# The child catches the views up; SQLite's trace hook (on every connection it opens) waits,
# inside the second batch's transaction after some of its rows were written, for the kill.
CHILD = textwrap.dedent(
    """
    import sqlite3, sys, time
    from ledger import Ledger

    path, rows_before_kill = sys.argv[1], int(sys.argv[2])
    seen = {"committed": False, "rows": 0}

    def trace(statement):
        if statement.startswith("UPDATE view_tracking"):
            seen["tracking"] = True
        if statement == "COMMIT" and seen.get("tracking"):
            seen["committed"] = True
        if seen["committed"] and statement.startswith("INSERT INTO view_"):
            seen["rows"] += 1
            if seen["rows"] == rows_before_kill:
                print("mid-batch", flush=True)
                time.sleep(600)

    connect = sqlite3.connect

    def traced(*args, **kwargs):
        connection = connect(*args, **kwargs)
        connection.set_trace_callback(trace)
        return connection

    sqlite3.connect = traced
    with Ledger.open(path) as ledger:
        ledger.catch_up_projections()
    print("finished", flush=True)
    """
)


def record_history(ledger: Ledger) -> None:
    """The seed story, then enough posts, observations, claims and reviews for several batches."""
    record_seed_story(ledger)
    with ledger.batch():
        for n in range(250):
            post = f"post/p{n}"
            ledger.publish_post(
                post, platform="X", author="actor/elon-musk", text=f"post {n}", at="2024-10-17"
            )
            for hour in range(6):
                ledger.observe_post(post, at=f"2024-10-18T{hour:02d}:00Z", views=n * hour)
            ledger.make_claim(
                f"claim/c{n}", text=f"claim {n}", claimant="actor/ian-miles-cheong", post=post,
                about=[POST], at="2024-10-18",
            )  # fmt: skip
            ledger.rebut_claim(
                f"claim/c{n}", reviewer="actor/newsweek", verdict="False", rationale="no",
                evidence=["source/fec-foreign-nationals"], at="2024-10-19",
            )  # fmt: skip
            if n % 3 == 0:
                ledger.delete_post(post, at="2024-10-20")
                ledger.link_to_case("case/labour-staff-us-campaign", [post])


def view_tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with closing(sqlite3.connect(path)) as connection:
        # FTS5's own shadow tables lay out the same texts differently after an interrupted batch.
        query = (
            "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'view_%' "
            "AND name NOT LIKE 'view_search_%'"
        )
        names = [row[0] for row in connection.execute(query) if row[0] != "view_tracking"]
        return {name: sorted(connection.execute(f"SELECT * FROM {name}").fetchall()) for name in names}


@pytest.mark.parametrize("rows_before_kill", [1, 700])
def test_a_catch_up_killed_mid_batch_resumes_to_the_rows_of_a_rebuild(
    tmp_path: Path, rows_before_kill: int
) -> None:
    path = tmp_path / "ledger.db"
    with Ledger.open(path) as ledger:
        record_history(ledger)
        head = ledger.head
    assert head > 2000

    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), str(rows_before_kill)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "mid-batch"
    child.send_signal(signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL
    child.stdout.close()

    with Ledger.open(path) as ledger:
        positions = {status.view: status.position for status in ledger.projections_status()}
        # The first batch (1000 entries) committed; the second, killed half-written, left nothing.
        assert set(positions.values()) == {1000}
        with closing(sqlite3.connect(path)) as connection:
            (last_row,) = connection.execute("SELECT MAX(valid_from) FROM view_claims").fetchone()
            (last_join,) = connection.execute("SELECT MAX(since) FROM view_timeline_joins").fetchone()
        assert last_row <= 1000
        assert last_join <= 1000

        assert ledger.catch_up_projections() == head
        resumed = view_tables(path)
        assert ledger.timeline(POST) == ledger.timeline(POST, replay=True)
        assert ledger.claims(about=POST) == ledger.claims(about=POST, replay=True)
        ledger.rebuild_projections()
        assert view_tables(path) == resumed
