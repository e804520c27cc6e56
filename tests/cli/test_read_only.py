"""An auditor's forensic copy: a ledger on a read-only file system is read, never written.

The copy sits on a tmpfs remounted read-only (root ignores file modes, not a
read-only mount); without root the tests are skipped with one line.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import Run, assert_one_error_line
from click.testing import CliRunner, Result

from cli.main import ledger as ledger_command
from ledger import Ledger
from ledger.demo import load_example
from tests.hostile_fs import read_only_copy, remount_read_only, tmpfs

POST = "post/labour-linkedin-invite"

READING = [
    ["verify"],
    ["log"],
    ["show", POST],
    ["show", POST, "--at", "2024-10-16"],
    ["timeline", POST],
    ["timeline", "case/labour-staff-us-campaign", "--at", "2024-10-17"],
    ["list", "posts"],
    ["list", "claims", "--status", "rebutted"],
    ["replay"],
    ["search", "North Carolina", "--kind", "post"],
    ["prove", "inclusion", POST],
    ["export"],
]


@pytest.fixture
def forensic(story: Path, tmp_path: Path) -> Iterator[Path]:
    """The story ledger, copied onto a read-only file system."""
    with read_only_copy(story, tmp_path / "evidence") as copy:
        yield copy


def _on(runner: CliRunner, db: Path, *args: str) -> Result:
    return runner.invoke(ledger_command, ["--db", str(db), *args])


@pytest.mark.parametrize("args", READING, ids=" ".join)
def test_reading_commands_answer_from_a_read_only_copy_as_from_the_original(
    story: Path, forensic: Path, runner: CliRunner, args: list[str]
):
    original = _on(runner, story, *args)
    copy = _on(runner, forensic, *args)
    assert copy.exit_code == 0, copy.output
    assert (
        copy.stderr == f"Note: sqlite:///{forensic} is read-only: answering from the log, without the views\n"
    )
    if args[0] == "export":  # the export's header says when it was made
        assert copy.stdout.splitlines()[1:] == original.stdout.splitlines()[1:]
    else:
        assert copy.stdout == original.stdout


@pytest.mark.parametrize(
    "args",
    [["actor", "add", "actor/x", "--name", "X", "--kind", "person"], ["import", "--from-export", "x.jsonl"]],
)
def test_recording_on_a_read_only_copy_is_one_line(forensic: Path, runner: CliRunner, args: list[str]):
    result = _on(runner, forensic, *args)
    assert_one_error_line(result, 1, "is read-only")


def test_writing_commands_on_a_read_only_copy_say_so(
    forensic: Path, runner: CliRunner, run: Run, tmp_path: Path
):
    run("keys", "generate", "--out", str(tmp_path / "desk.key"))
    for args in (["checkpoint", "--key", str(tmp_path / "desk.key")], ["projections", "rebuild"]):
        result = _on(runner, forensic, *args)
        assert result.exit_code == 1
        assert result.stderr.splitlines()[-1].startswith("Error: ")
        assert "readonly database" in result.stderr


@pytest.fixture
def unfinished(tmp_path: Path) -> Iterator[Path]:
    """A ledger whose entries are still in its write-ahead log (another connection held it open)."""
    db = tmp_path / "live.db"
    with Ledger.open(db, recorded_by="desk"):
        pass
    holder = sqlite3.connect(db)
    holder.execute("SELECT count(*) FROM stored_events").fetchone()
    with Ledger.open(db, recorded_by="desk", create=False) as ledger:
        load_example(ledger)
    assert Path(f"{db}-wal").stat().st_size > 0
    yield db
    holder.close()


def test_a_read_only_copy_with_its_write_ahead_log_reads_every_entry(unfinished: Path, tmp_path: Path):
    with tmpfs(tmp_path / "evidence", size="64m") as mounted:
        for suffix in ("", "-wal", "-shm"):
            shutil.copyfile(f"{unfinished}{suffix}", mounted / f"live.db{suffix}")
        remount_read_only(mounted)
        result = CliRunner().invoke(ledger_command, ["--db", str(mounted / "live.db"), "verify"])
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("verified 37 events")


def test_a_read_only_copy_missing_its_shared_memory_file_is_one_line(unfinished: Path, tmp_path: Path):
    with tmpfs(tmp_path / "evidence", size="64m") as mounted:
        for suffix in ("", "-wal"):
            shutil.copyfile(f"{unfinished}{suffix}", mounted / f"live.db{suffix}")
        remount_read_only(mounted)
        result = CliRunner().invoke(ledger_command, ["--db", str(mounted / "live.db"), "verify"])
        assert_one_error_line(result, 1, "write-ahead log", "copy all three to a writable folder")


def _as_a_user(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a process bound by file modes: as root, without the capabilities that ignore them."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("as root, file modes bind only without CAP_DAC_OVERRIDE, and setpriv is missing")
        prefix = [setpriv, "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search"]
    command = [*prefix, sys.executable, "-c", "from cli.main import main; main()", "--db", str(db), *args]
    env = {
        **os.environ,
        "LEDGER_URL": "",
        "COLUMNS": "120",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False, timeout=120)


def test_a_read_only_file_in_a_read_only_folder_is_read_from_the_log(
    story: Path, runner: CliRunner, tmp_path: Path
):
    folder = tmp_path / "evidence"
    folder.mkdir()
    copy = folder / "story.db"
    shutil.copyfile(story, copy)
    copy.chmod(0o444)
    folder.chmod(0o555)
    try:
        for args in (["verify"], ["list", "posts"], ["timeline", POST], ["replay"]):
            result = _as_a_user(copy, *args)
            assert result.returncode == 0, result.stderr
            assert (
                result.stderr
                == f"Note: sqlite:///{copy} is read-only: answering from the log, without the views\n"
            )
            assert result.stdout == _on(runner, story, *args).stdout
        refused = _as_a_user(copy, "actor", "add", "actor/x", "--name", "X", "--kind", "person")
        assert refused.returncode == 1
        assert refused.stderr.startswith("Error: cannot write to ledger")
        assert "read-only" in refused.stderr
        assert len(refused.stderr.splitlines()) == 1
        assert sorted(p.name for p in folder.iterdir()) == ["story.db"]
    finally:
        folder.chmod(0o755)
