"""Damaged stores, on real SQLite files: every reading command says what it cannot read, in one line.

A zeroed page, a row written outside the ledger (a stream id that is not a
UUID, a record time that is text), a tampered event type or payload, a
damaged view row: none gives a traceback; the log's damage exits 3 and
points at ``ledger verify``, the views' at ``ledger projections rebuild``.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from cli_helpers import Run
from click.testing import Result

from domain.errors import DamagedStoreError, DamagedViewError, ReadOnlyError, UnreadableEntryError
from ledger import Ledger, policy
from ledger.storage.tables import EVENTS_TABLE

PAGE = 4096
POST = "post/labour-linkedin-invite"

READING = [
    ("verify",),
    ("log",),
    ("log", "--json"),
    ("timeline", POST),
    ("list", "posts"),
    ("show", POST),
    ("replay",),
    ("prove", "inclusion", POST),
    ("export",),
]


def assert_one_error_line(result: Result, code: int, *fragments: str) -> None:
    """Failed with ``code``, saying why on one line of stderr (a streamed listing may have begun)."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: ")
    assert "Traceback" not in result.stdout
    for fragment in fragments:
        assert fragment in line


def _sql(db: Path, statement: str, *params: object) -> None:
    connection = sqlite3.connect(db)
    with connection:
        connection.execute(statement, params)
    connection.close()


def _root_page(db: Path, name: str) -> int:
    connection = sqlite3.connect(db)
    try:
        (page,) = connection.execute("SELECT rootpage FROM sqlite_master WHERE name=?", (name,)).fetchone()
    finally:
        connection.close()
    return int(page)


def _zero_page(db: Path, page: int) -> None:
    with db.open("r+b") as file:
        file.seek((page - 1) * PAGE)
        file.write(bytes(PAGE))


@pytest.fixture
def checkpointed(story: Path, run: Run, tmp_path: Path) -> Path:
    """The story with a signed checkpoint, its WAL folded into the file (so pages are on disk)."""
    run("keys", "generate", "--out", str(tmp_path / "desk.key"))
    run("checkpoint", "--key", str(tmp_path / "desk.key"))
    connection = sqlite3.connect(story)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return story


@pytest.mark.parametrize("args", [*READING, ("checkpoint", "--key", "KEY")])
def test_a_zeroed_page_of_the_log_is_one_line_exit_3(checkpointed: Path, run: Run, tmp_path: Path, args):
    _zero_page(checkpointed, _root_page(checkpointed, EVENTS_TABLE))
    args = tuple(str(tmp_path / "desk.key") if a == "KEY" else a for a in args)
    result = run(*args, expect=None)
    assert_one_error_line(result, 3, "database disk image is malformed")
    if args[0] != "verify":
        assert "`ledger verify`" in result.stderr


@pytest.mark.parametrize("args", READING)
def test_every_page_zeroed_in_turn_never_gives_a_traceback(
    checkpointed: Path, run: Run, tmp_path: Path, args
):
    pages = checkpointed.stat().st_size // PAGE
    pristine = tmp_path / "pristine.db"
    shutil.copyfile(checkpointed, pristine)
    for page in range(2, pages + 1, 3):
        shutil.copyfile(pristine, checkpointed)
        _zero_page(checkpointed, page)
        result = run(*args, expect=None)
        # Many pages only hold views or free space: the command may well succeed.
        if result.exit_code != 0:
            assert_one_error_line(result, result.exit_code)
            assert result.exit_code in {1, 3}, (page, result.stderr)
            if "malformed" in result.stderr:  # damage, wherever it is met (opening too), is exit 3
                assert result.exit_code == 3, (page, result.stderr)


def test_a_zeroed_page_of_a_view_points_at_rebuild_and_rebuild_at_a_new_file(
    checkpointed: Path, run: Run, tmp_path: Path
) -> None:
    run("list", "sources")
    connection = sqlite3.connect(checkpointed)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    _zero_page(checkpointed, _root_page(checkpointed, "view_sources"))
    listed = run("list", "sources", expect=None)
    assert_one_error_line(listed, 3, "the views are damaged", "`ledger projections rebuild`")
    assert run("verify", expect=None).exit_code == 0  # the log itself is whole
    rebuilt = run("projections", "rebuild", expect=None)
    assert_one_error_line(rebuilt, 3, "the file itself is damaged", "--from-export")
    export = tmp_path / "rescued.jsonl"
    run("export", "--output", str(export))
    new = tmp_path / "new.db"
    run("--db", str(new), "import", "--from-export", str(export))
    assert "source/" in run("--db", str(new), "list", "sources").stdout


def test_importing_a_missing_file_creates_no_ledger(run: Run, tmp_path: Path) -> None:
    new = tmp_path / "new.db"
    result = run("--db", str(new), "import", str(tmp_path / "nosuch.toml"), expect=None)
    assert_one_error_line(result, 1, "nosuch.toml: cannot read the case file: No such file or directory")
    assert not new.exists()


@pytest.mark.parametrize("args", [("log", "--json"), ("replay",), ("export",), ("verify",)])
def test_a_stream_id_that_is_no_uuid_names_its_position(story: Path, run: Run, args):
    _sql(story, f"UPDATE {EVENTS_TABLE} SET originator_id='not-a-uuid' WHERE notification_id=8")
    assert_one_error_line(run(*args, expect=None), 3, "position 8", "'not-a-uuid'", "not a UUID")


@pytest.mark.parametrize("args", [("log", "--json"), ("replay",), ("export",)])
def test_a_record_time_that_is_text_names_its_position(story: Path, run: Run, args):
    _sql(story, f"UPDATE {EVENTS_TABLE} SET recorded_at='yesterday' WHERE notification_id=12")
    assert_one_error_line(run(*args, expect=None), 3, "position 12", "record time", "`ledger verify`")


def test_the_python_api_raises_the_ledgers_error_naming_the_position(story: Path):
    _sql(story, f"UPDATE {EVENTS_TABLE} SET originator_id='x' WHERE notification_id=3")
    with Ledger.open(story, create=False) as ledger, pytest.raises(UnreadableEntryError) as caught:
        list(ledger.log())
    assert caught.value.position == 3


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ("SET topic='ledger.Nope.v1' WHERE notification_id=5", "unknown event topic"),
        ("SET state=X'7b7b7b' WHERE notification_id=6", "position 6"),
        ("SET state=CAST('{\"subject\": 1}' AS BLOB) WHERE notification_id=7", "position 7"),
    ],
)
def test_projections_rebuild_reports_a_tampered_entry(story: Path, run: Run, change: str, fragment: str):
    _sql(story, f"UPDATE {EVENTS_TABLE} {change}")
    result = run("projections", "rebuild", expect=None)
    assert_one_error_line(result, 3, fragment, "`ledger verify`")


def test_a_damaged_view_row_points_at_projections_rebuild(story: Path, run: Run):
    run("list", "claims")
    _sql(story, "UPDATE view_claims SET data='{\"x\": 1}'")
    result = run("list", "claims", expect=None)
    assert_one_error_line(result, 3, "view claims is damaged", "`ledger projections rebuild`")
    run("projections", "rebuild")
    assert "claim/" in run("list", "claims").stdout


def test_a_damaged_view_row_is_a_damaged_view_error(story: Path):
    with Ledger.open(story, create=False) as ledger:
        ledger.rows("claim")
    _sql(story, "UPDATE view_claims SET data='not json'")
    with Ledger.open(story, create=False) as ledger, pytest.raises(DamagedViewError):
        ledger.rows("claim")


def test_damage_exits_3_and_a_read_only_store_1() -> None:
    for damaged in (DamagedStoreError("x"), UnreadableEntryError("x"), DamagedViewError("x")):
        assert policy.exit_code(damaged) == policy.EXIT_NOT_VERIFIED == 3
    assert policy.exit_code(ReadOnlyError("x")) == policy.EXIT_FAILED == 1
