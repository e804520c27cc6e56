"""``ledger export`` and ``ledger import --from-export``, and retrying a command that lost a race."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest
from cli_helpers import Run, assert_one_error_line, log_snapshot
from click.testing import CliRunner

from cli.main import ledger as ledger_command
from ledger import policy as retry


def test_export_then_import_gives_the_same_log(
    run: Run, story: Path, tmp_path: Path, runner: CliRunner
) -> None:
    target = tmp_path / "story.jsonl"
    result = run("export", "--output", str(target))
    assert result.stdout == ""
    assert result.stderr == f"exported 37 events and 0 checkpoints to {target}\n"
    copy = tmp_path / "copy.db"
    imported = runner.invoke(ledger_command, ["--db", str(copy), "import", "--from-export", str(target)])
    assert imported.exit_code == 0, imported.stderr
    assert imported.stdout.startswith(
        f"imported 37 events and 0 checkpoints from {target} (origin provenance-ledger/"
    )
    assert log_snapshot(copy) == log_snapshot(story)


def test_export_writes_json_lines_to_standard_output(run: Run, story: Path) -> None:
    lines = run("export", "--format", "jsonl").stdout.splitlines()
    assert json.loads(lines[0])["kind"] == "header"
    assert [json.loads(line)["position"] for line in lines[1:-1]] == list(range(1, 38))
    assert json.loads(lines[-1]) == {"kind": "end", "events": 37}


def test_a_ledger_moves_to_postgres_and_back(
    run: Run, story: Path, tmp_path: Path, runner: CliRunner, postgres_url: str
) -> None:
    first = tmp_path / "first.jsonl"
    run("export", "--output", str(first))
    for args in (
        ["--db", postgres_url, "import", "--from-export", str(first)],
        ["--db", postgres_url, "export", "--output", str(tmp_path / "second.jsonl")],
        ["--db", str(tmp_path / "back.db"), "import", "--from-export", str(tmp_path / "second.jsonl")],
    ):
        result = runner.invoke(ledger_command, args)
        assert result.exit_code == 0, result.stderr
    assert log_snapshot(tmp_path / "back.db") == log_snapshot(story)
    timeline = runner.invoke(
        ledger_command, ["--db", postgres_url, "timeline", "post/labour-linkedin-invite"]
    )
    assert timeline.stdout == run("timeline", "post/labour-linkedin-invite").stdout


def test_a_corrupted_export_is_one_error_line_and_nothing_is_imported(
    run: Run, story: Path, tmp_path: Path, runner: CliRunner
) -> None:
    target = tmp_path / "story.jsonl"
    run("export", "--output", str(target))
    lines = target.read_text().splitlines()
    lines[9] = lines[9].replace('"version":', '"version":"')
    target.write_text("\n".join(lines) + "\n")
    copy = tmp_path / "copy.db"
    result = runner.invoke(ledger_command, ["--db", str(copy), "import", "--from-export", str(target)])
    assert_one_error_line(result, 1, f"{target}, line 10: not JSON")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == []  # nothing created


def test_import_refuses_a_ledger_that_is_not_empty(run: Run, story: Path, tmp_path: Path) -> None:
    target = tmp_path / "story.jsonl"
    run("export", "--output", str(target))
    result = run("import", "--from-export", str(target), expect=None)
    assert_one_error_line(result, 1, "cannot import into a ledger that is not empty (head 37)")


@pytest.mark.parametrize(
    "args",
    [
        ["import", "story.toml", "--from-export", "x.jsonl"],
        ["import", "--dry-run", "--from-export", "x.jsonl"],
    ],
)
def test_an_export_and_a_case_file_do_not_mix(run: Run, args: list[str]) -> None:
    assert_one_error_line(run(*args, expect=None), 2, "--from-export takes no case file and no --dry-run")


def test_import_needs_a_file(run: Run) -> None:
    assert_one_error_line(run("import", expect=None), 2, "name a file to import, or --from-export FILE")


@pytest.fixture
def write_lock(story: Path) -> sqlite3.Connection:
    """Another process's write transaction on the ledger, holding SQLite's write lock until released."""
    other = sqlite3.connect(story, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_command_gives_up_after_bounded_retries_and_says_so(
    run: Run, story: Path, write_lock: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retry, "ATTEMPTS", 2)
    result = run("case", "note", "case/labour-staff-us-campaign", "--text", "Busy", "--at", "2024",
                 expect=None, env={"SQLITE_LOCK_TIMEOUT": "1"})  # fmt: skip
    write_lock.rollback()
    assert_one_error_line(result, 1, "the ledger is busy with another writer", "(gave up after 2 attempts)")
    assert len(log_snapshot(story)) == 37


def test_a_command_retries_until_the_other_writer_is_done(
    run: Run, story: Path, write_lock: sqlite3.Connection
) -> None:
    # The other writer finishes while the first attempt waits out its busy timeout.
    threading.Timer(1.3, write_lock.rollback).start()
    result = run("case", "note", "case/labour-staff-us-campaign", "--text", "Late", "--at", "2024",
                 env={"SQLITE_LOCK_TIMEOUT": "1"})  # fmt: skip
    assert result.stdout == "case/labour-staff-us-campaign\n"
    assert len(log_snapshot(story)) == 38
