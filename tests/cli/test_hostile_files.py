"""Hostile files: empty and foreign stores, refused and killed imports, deep nesting, bad URLs, checkpoints.

Each refusal is one line on stderr, a non-zero exit, and nothing changed or
left behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import Run, assert_one_error_line
from click.testing import CliRunner

from cli.main import ledger as ledger_command
from ledger import Ledger
from ledger.formats.output import TEMPORARY_PREFIX

READING = [
    ["verify"],
    ["log"],
    ["show", "post/x"],
    ["timeline", "post/x"],
    ["list", "posts"],
    ["replay"],
    ["prove", "inclusion", "post/x"],
    ["export"],
]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _foreign(kind: str, path: Path) -> Path:
    if kind == "empty file":
        path.write_bytes(b"")
        return path
    connection = sqlite3.connect(path)
    with connection:
        if kind == "only a view":
            connection.execute("CREATE VIEW v AS SELECT 1 AS one")
        elif kind == "other tables":
            connection.execute("CREATE TABLE customers (name TEXT)")
        else:  # an SQLite database with nothing in it
            connection.execute("PRAGMA user_version = 7")
    connection.close()
    return path


@pytest.mark.parametrize("kind", ["empty file", "only a view", "other tables", "empty database"])
@pytest.mark.parametrize("args", READING, ids=lambda a: a[0])
def test_reading_an_empty_or_foreign_file_is_refused_and_leaves_it_byte_identical(
    run: Run, tmp_path: Path, kind: str, args: list[str]
):
    path = _foreign(kind, tmp_path / "found.db")
    before = _digest(path)
    result = run("--db", str(path), *args, expect=None)
    assert_one_error_line(result, 1, str(path), "not a ledger")
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["found.db"]


def test_init_makes_a_ledger_on_a_missing_path_or_an_empty_file_and_nowhere_else(run: Run, tmp_path: Path):
    fresh, empty = tmp_path / "fresh.db", tmp_path / "empty.db"
    empty.write_bytes(b"")
    for path in (fresh, empty):
        assert "created an empty ledger" in run("--db", str(path), "init").stdout
        assert "verified 0 events" in run("--db", str(path), "verify").stdout
    assert_one_error_line(run("--db", str(fresh), "init", expect=None), 1, "already a ledger")
    foreign = _foreign("only a view", tmp_path / "view.db")
    before = _digest(foreign)
    assert_one_error_line(run("--db", str(foreign), "init", expect=None), 1, "not a ledger")
    assert _digest(foreign) == before


def test_a_truncated_ledger_no_longer_passes_verify(story: Path, run: Run):
    story.write_bytes(b"")
    for sidecar in ("-wal", "-shm"):
        Path(f"{story}{sidecar}").unlink(missing_ok=True)
    assert_one_error_line(run("verify", expect=None), 1, "empty file, not a ledger")


@pytest.fixture
def export(story: Path, run: Run, tmp_path: Path) -> Path:
    path = tmp_path / "story.jsonl"
    run("export", "--output", str(path))
    return path


def _import(runner: CliRunner, db: Path, source: Path):
    return runner.invoke(ledger_command, ["--db", str(db), "import", "--from-export", str(source)])


def _left(folder: Path, name: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith((name, TEMPORARY_PREFIX)))


def test_a_refused_import_leaves_no_ledger_file(export: Path, runner: CliRunner, tmp_path: Path):
    bad = tmp_path / "bad.jsonl"
    lines = export.read_text().splitlines()
    bad.write_text("\n".join(lines[:-3]) + "\n")  # cut short: no end line
    result = _import(runner, tmp_path / "copy.db", bad)
    assert_one_error_line(result, 1, f"{bad}, line")
    assert _left(tmp_path, "copy") == []
    result = _import(runner, tmp_path / "copy.db", export)
    assert result.exit_code == 0, result.output
    assert _left(tmp_path, "copy") == ["copy.db"]


def test_a_killed_import_leaves_no_ledger_at_the_path(export: Path, tmp_path: Path):
    fifo = tmp_path / "feed"
    os.mkfifo(fifo)
    copy = tmp_path / "copy.db"
    env = {**os.environ, "LEDGER_URL": "", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from cli.main import main; main()",
            "--db",
            str(copy),
            "import",
            "--from-export",
            str(fifo),
        ],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    lines = export.read_text().splitlines(keepends=True)
    with fifo.open("w") as feed:
        feed.writelines(lines[: len(lines) // 2])
        feed.flush()
        deadline = time.monotonic() + 30
        # Wait until the import has begun writing its temporary ledger, then kill it outright.
        while not [p for p in tmp_path.iterdir() if p.name.startswith(TEMPORARY_PREFIX)]:
            assert time.monotonic() < deadline, "the import never started"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert not copy.exists()
    result = _import(CliRunner(), copy, export)  # the leftover temporary is no obstacle
    assert result.exit_code == 0, result.output


def _rewrite_event(export: Path, position: int, **changes: object) -> Path:
    lines = export.read_text().splitlines()
    for number, line in enumerate(lines):
        value = json.loads(line)
        if value.get("kind") == "event" and value["position"] == position:
            value.update(changes)
            lines[number] = json.dumps(value)
    export.write_text("\n".join(lines) + "\n")
    return export


def test_a_tampered_export_is_one_line(export: Path, runner: CliRunner, tmp_path: Path):
    import base64  # noqa: PLC0415

    state = b'{"subject": 5, "originator_version": "x"}'
    _rewrite_event(
        export,
        3,
        state=base64.b64encode(state).decode(),
        sha256=hashlib.sha256(state).hexdigest(),
    )
    result = _import(runner, tmp_path / "copy.db", export)
    assert_one_error_line(result, 1, f"{export}, line", "cannot be read")


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_deep_nesting_in_an_export_is_one_line_naming_file_and_line(
    export: Path, runner: CliRunner, tmp_path: Path, opening: str
):
    lines = export.read_text().splitlines()
    lines.insert(2, opening * 100_000)
    export.write_text("\n".join(lines) + "\n")
    result = _import(runner, tmp_path / "copy.db", export)
    assert_one_error_line(result, 1, f"{export}, line 3", "nested too deeply")
    assert _left(tmp_path, "copy") == []


def test_an_export_line_too_long_is_refused_without_reading_it_all(
    export: Path, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr("ledger.formats.exchange.MAX_LINE", 1000)
    lines = export.read_text().splitlines()
    lines.insert(1, '"' + "x" * 5000)
    export.write_text("\n".join(lines) + "\n")
    result = _import(runner, tmp_path / "copy.db", export)
    assert_one_error_line(result, 1, f"{export}, line 2", "longer than 1,000 characters")


@pytest.mark.parametrize(("opening", "line"), [("[", 1), ('{"type": "inclusion",\n"hashes": ', 2)])
def test_deep_nesting_in_a_proof_is_one_line_naming_file_and_line(
    run: Run, tmp_path: Path, opening: str, line: int
):
    run("keys", "generate", "--out", str(tmp_path / "desk.key"))
    proof = tmp_path / "proof.json"
    proof.write_text(opening + "[" * 100_000)
    result = run("check-proof", str(proof), "--key", str(tmp_path / "desk.key.pub"), expect=None)
    # A proof that cannot be read does not verify: exit 3, as every broken proof (ledger.policy).
    assert_one_error_line(result, 3, f"{proof}: not a valid proof (line {line}: JSON nested too deeply)")


def test_a_malformed_ipv6_host_is_one_line_and_the_password_never_shown(run: Run):
    result = run("--db", "postgresql://u:hunter2@[::1:5432/db", "log", expect=None)
    assert_one_error_line(result, 1, "malformed URL", "Invalid IPv6 URL")
    assert "hunter2" not in result.stderr


def test_prove_against_a_checkpoint_checks_its_signature_and_origin(story: Path, run: Run, tmp_path: Path):
    ours, theirs = tmp_path / "ours.key", tmp_path / "theirs.key"
    run("keys", "generate", "--name", "ours", "--out", str(ours))
    run("keys", "generate", "--name", "theirs", "--out", str(theirs))
    checkpoint = tmp_path / "checkpoint.txt"
    checkpoint.write_text(run("checkpoint", "--key", str(ours)).stdout)
    post = "post/labour-linkedin-invite"
    good = run("prove", "inclusion", post, "--checkpoint", str(checkpoint), "--key", f"{ours}.pub")
    assert json.loads(good.stdout)["type"].endswith("inclusion/v1")
    forged = run(
        "prove", "inclusion", post, "--checkpoint", str(checkpoint), "--key", f"{theirs}.pub", expect=None
    )
    assert_one_error_line(forged, 3, "the checkpoint")
    # A checkpoint of another log (another origin) is refused, signed or not.
    other = tmp_path / "other.db"
    with Ledger.open(other) as ledger:
        ledger.register_actor("actor/ada", name="Ada", kind="person")
        foreign = ledger.checkpoint((ours).read_text()).note
    (tmp_path / "foreign.txt").write_text(foreign)
    result = run("prove", "inclusion", post, "--checkpoint", str(tmp_path / "foreign.txt"), expect=None)
    assert_one_error_line(result, 3, "is for the log")
