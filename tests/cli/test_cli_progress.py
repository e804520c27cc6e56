"""Progress on stderr: drawn for long work when stderr is a terminal (a real pseudo-terminal here),
nothing extra when it is not, nothing with ``--quiet``; and ``ledger projections catch-up``."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ledger import Ledger

ENTRIES = 1500
LEDGER = [sys.executable, "-c", "from cli.main import main; main()"]


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger of 1,500 entries whose views have never been built."""
    db = tmp_path_factory.mktemp("progress") / "large.db"
    with Ledger.open(db, recorded_by="desk") as ledger, ledger.batch():
        for number in range(ENTRIES):
            ledger.register_actor(f"actor/a{number}", name=f"A {number}", kind="person")
    return db


def on_terminal(*args: str) -> tuple[int, str, str]:
    """Run ``ledger ARGS`` with stderr on a pseudo-terminal: exit code, stdout, what the terminal got."""
    leader, follower = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:  # the terminal closed (EIO)
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    env = {**os.environ, "COLUMNS": "100", "PYTHONPATH": str(Path.cwd())}
    with subprocess.Popen(
        [*LEDGER, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower, env=env
    ) as process:
        os.close(follower)
        stdout, _ = process.communicate(timeout=300)
    reader.join(timeout=30)
    os.close(leader)
    return process.returncode, stdout.decode(), b"".join(chunks).decode(errors="replace")


def piped(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LEDGER, *args], capture_output=True, text=True, timeout=300, check=False)


def test_first_catch_up_of_a_large_ledger_shows_a_bar(large: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    db.write_bytes(large.read_bytes())
    code, stdout, terminal = on_terminal("--db", str(db), "projections", "catch-up")
    assert code == 0
    assert stdout == f"every view is up to log position {ENTRIES}\n"
    assert "building the views" in terminal
    assert f"{ENTRIES}/{ENTRIES}" in terminal
    assert "/s" in terminal  # the rate
    # Caught up: a query has nothing to take in, and shows no bar.
    code, _, terminal = on_terminal("--db", str(db), "list", "actors", "--kind", "organization")
    assert code == 0
    assert "building the views" not in terminal


@pytest.mark.parametrize(
    ("args", "task"),
    [(["verify"], "checking the log"), (["export", "--output", "{tmp}/x.jsonl"], "exporting")],
)
def test_verify_and_export_show_progress_on_a_terminal(
    large: Path, tmp_path: Path, args: list[str], task: str
) -> None:
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    code, _, terminal = on_terminal("--db", str(large), *args)
    assert code == 0
    assert task in terminal
    assert f"{ENTRIES}/{ENTRIES}" in terminal
    code, _, terminal = on_terminal("--db", str(large), "--quiet", *args)
    assert code == 0
    assert task not in terminal


def test_import_shows_progress_and_nothing_when_piped(large: Path, tmp_path: Path) -> None:
    export = tmp_path / "large.jsonl"
    assert piped("--db", str(large), "export", "--output", str(export)).returncode == 0
    code, _, terminal = on_terminal("--db", str(tmp_path / "new.db"), "import", "--from-export", str(export))
    assert code == 0
    assert "importing" in terminal
    done = piped("--db", str(tmp_path / "other.db"), "import", "--from-export", str(export))
    assert done.returncode == 0
    assert done.stderr == ""
    rebuilt = piped("--db", str(tmp_path / "other.db"), "projections", "rebuild")
    assert rebuilt.stderr == ""
    assert rebuilt.stdout == f"rebuilt every view up to log position {ENTRIES}\n"
