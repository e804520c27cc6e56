"""The installed ``ledger`` command, in a subprocess, on a real SQLite file (few and focused)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import EXAMPLE

from ledger import Ledger
from ledger.demo import COMMENT, POST

LEDGER = Path(sys.executable).parent / "ledger"


def ledger(*args: str, cwd: Path, **env_vars: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120", **env_vars}
    env.pop("LEDGER_URL", None)
    return subprocess.run([str(LEDGER), *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("installed")
    done = ledger("--by", "desk", "import", str(EXAMPLE), cwd=where)
    assert (done.returncode, done.stderr) == (0, "")
    return where


def test_import_then_timeline_json_in_the_default_ledger_file(story: Path) -> None:
    done = ledger("timeline", POST, "--json", cwd=story)
    assert (done.returncode, done.stderr) == (0, "")
    with Ledger.open(story / "ledger.db", create=False) as opened:
        assert json.loads(done.stdout) == [e.model_dump(mode="json") for e in opened.timeline(POST).entries]


def test_a_bad_input_is_one_line_on_stderr_without_traceback(story: Path) -> None:
    done = ledger("post", "delete", POST, "--at", "2024-10-01", cwd=story)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        f"Error: {POST} cannot have been deleted at 2024-10-01: it was published 2024-10-14..2024-10-17\n"
    )


def test_demo_runs_from_the_installed_package(tmp_path: Path) -> None:
    work, temporary = tmp_path / "work", tmp_path / "tmp"
    work.mkdir()
    temporary.mkdir()
    done = ledger("demo", cwd=work, TMPDIR=str(temporary))  # the case file ships with the package
    assert (done.returncode, done.stderr) == (0, "")
    assert f"Timeline of {POST}: 8 entries" in done.stdout
    assert f"Timeline of {COMMENT}: 2 entries" in done.stdout
    assert list(work.iterdir()) == []  # by default the demo ledger is a new temporary file
    (demo_db,) = temporary.glob("ledger-demo-*/ledger.db")
    assert f"Explore it: ledger --db {demo_db} timeline" in done.stdout
