"""Every bad input of the issue's Errors section: one line on stderr, the right exit code, nothing written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cli_helpers import Run, assert_one_error_line, log_snapshot

from ledger import Ledger

PUBLISH = ["post", "publish", "post/new", "--platform", "X", "--author", "actor/newsweek", "--text", "Hi"]
REBUT = ["claim", "rebut", "claim/musk-this-is-illegal", "--reviewer", "actor/newsweek", "--rationale", "Why"]

LEDGER_ERRORS = {
    "unknown reference": (
        [
            "post",
            "publish",
            "post/new",
            "--platform",
            "X",
            "--author",
            "actor/nobody",
            "--text",
            "Hi",
            "--at",
            "2024",
        ],
        "author actor/nobody does not exist",
    ),
    "unknown subject to read": (["show", "claim/nobody"], "claim/nobody does not exist"),
    "duplicate reference": (
        ["actor", "add", "actor/newsweek", "--name", "Newsweek", "--kind", "organization"],
        "actor/newsweek already exists",
    ),
    "malformed reference": (
        ["actor", "add", "Actor/Jane Doe", "--name", "Jane", "--kind", "person"],
        "malformed reference 'Actor/Jane Doe'",
    ),
    "reference of the wrong kind": (
        ["post", "delete", "claim/musk-this-is-illegal", "--at", "2024-10-18"],
        "'claim/musk-this-is-illegal' is not a post reference",
    ),
    "malformed time": ([*PUBLISH, "--at", "yesterday"], "--at: malformed time 'yesterday'"),
    "ambiguous time (day or month first?)": (
        [*PUBLISH, "--at", "10/11/2024"],
        "--at: malformed time '10/11/2024'",
    ),
    "window with end before start": (
        [*PUBLISH, "--at", "2024-10-18..2024-10-16"],
        "--at: the window 2024-10-18..2024-10-16 ends before it starts",
    ),
    "deletion before publication": (
        ["post", "delete", "post/cheong-x-labour-politicians", "--at", "2024-10-01"],
        "post/cheong-x-labour-politicians cannot have been deleted at 2024-10-01: "
        "it was published 2024-10-17",
    ),
    "empty verdict": ([*REBUT, "--verdict", " ", "--at", "2024-10-19"], "verdict:"),
    "evidence naming a missing source": (
        [*REBUT, "--verdict", "False", "--evidence", "source/nowhere:a quote", "--at", "2024-10-19"],
        "evidence source source/nowhere does not exist",
    ),
    "negative count": (
        ["post", "observe", "post/cheong-x-labour-politicians", "--views", "-5", "--at", "2024-10-18"],
        "views: Input should be greater than or equal to 0",
    ),
    "correction of an entry that does not exist": (
        ["correct", "post/labour-linkedin-invite", "--version", "9", "--reason", "typo"],
        "post/labour-linkedin-invite has no entry v9",
    ),
}

USAGE_ERRORS = {
    "rebuttal without verdict": ([*REBUT, "--at", "2024-10-19"], "Missing option '--verdict'"),
    "unknown option": (["log", "--befor", "3"], "No such option '--befor'"),
    "a choice that is not one": (
        ["actor", "add", "actor/x", "--name", "X", "--kind", "robot"],
        "'robot' is not one of 'person', 'organization'",
    ),
    "a count that is not a number": (
        ["post", "observe", "post/cheong-x-labour-politicians", "--views", "many", "--at", "2024"],
        "'many' is not a valid integer",
    ),
    "clashing output flags": (["log", "--json", "--nl"], "--json and --nl cannot be used together"),
    "unknown command": (["frobnicate"], "No such command 'frobnicate'"),
}


@pytest.mark.parametrize(("args", "message"), LEDGER_ERRORS.values(), ids=LEDGER_ERRORS.keys())
def test_ledger_errors_exit_1_with_one_line_and_change_nothing(
    run: Run, story: Path, args: list[str], message: str
) -> None:
    before = log_snapshot(story)
    result = run(*args, expect=None)
    assert_one_error_line(result, 1, message)
    assert log_snapshot(story) == before


@pytest.mark.parametrize(("args", "message"), USAGE_ERRORS.values(), ids=USAGE_ERRORS.keys())
def test_usage_errors_exit_2_with_one_line_and_change_nothing(
    run: Run, story: Path, args: list[str], message: str
) -> None:
    before = log_snapshot(story)
    result = run(*args, expect=None)
    assert_one_error_line(result, 2, message, "Try 'ledger")
    assert log_snapshot(story) == before


def test_a_time_without_a_zone_is_read_as_utc(run: Run, story: Path) -> None:
    run(*PUBLISH, "--at", "2024-10-17T14:03")
    with Ledger.open(story, create=False) as ledger:
        published = ledger.get("post/new").published_at
    assert (str(published), published.precision.value) == ("2024-10-17T14:03Z", "minute")


def test_a_bad_line_in_a_case_file_names_file_line_and_field(run: Run, story: Path, tmp_path: Path) -> None:
    case_file = tmp_path / "bad.toml"
    case_file.write_text(
        '[[entry]]\ncommand = "actor add"\nref = "actor/ada"\nname = "Ada"\nkind = "person"\n\n'
        '[[entry]]\ncommand = "post observe"\nref = "post/cheong-x-labour-politicians"\n'
        'views = -1\nat = "2024-10-18"\n'
    )
    before = log_snapshot(story)
    result = run("import", str(case_file), expect=None)
    assert_one_error_line(
        result, 1, f"{case_file}:10: entry 2 (post observe), field 'views': Input should be greater than"
    )
    assert log_snapshot(story) == before


@pytest.mark.parametrize(
    "command", [["show", "post/x"], ["actor", "add", "actor/x", "--name", "X", "--kind", "person"]]
)
def test_a_database_that_is_not_a_ledger_is_refused_and_left_alone(
    run: Run, tmp_path: Path, command: list[str]
) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE customers (name TEXT)")
    connection.close()
    text = tmp_path / "notes.db"
    text.write_text("not a database at all, just some notes\n" * 100)
    for path, message in ((other, "is not a ledger"), (text, "cannot open ledger")):
        before = path.read_bytes()
        result = run("--db", str(path), *command, expect=None)
        assert_one_error_line(result, 1, str(path), message)
        assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("where", "message"),
    [("missing-dir/ledger.db", "directory"), (".", "is a directory")],
)
def test_a_database_path_that_cannot_be_opened_is_refused(
    run: Run, tmp_path: Path, where: str, message: str
) -> None:
    path = tmp_path / where
    result = run("--db", str(path), "actor", "add", "actor/x", "--name", "X", "--kind", "person", expect=None)
    assert_one_error_line(result, 1, message)
    assert not (tmp_path / "missing-dir").exists()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("AGGREGATE_CACHE_MAXSIZE", "lots"),
        ("AGGREGATE_CACHE_MAXSIZE", "0"),  # eventsourcing: keep every state, memory without bound
        ("AGGREGATE_CACHE_MAXSIZE", "-5"),
        ("AGGREGATE_CACHE_MAXSIZE", "²"),  # a digit to str.isdigit, not to int
        ("AGGREGATE_CACHE_FASTFORWARD", "maybe"),
        ("DEEPCOPY_FROM_AGGREGATE_CACHE", "\x1b[2J"),
    ],
)
def test_a_bad_eventsourcing_setting_in_the_environment_is_one_line_and_creates_nothing(
    run: Run, db: Path, key: str, value: str
) -> None:
    result = run("actor", "add", "actor/x", "--name", "X", "--kind", "person", expect=1, env={key: value})
    assert_one_error_line(result, 1, f"{key} must be")
    assert "\x1b" not in result.stderr
    assert not db.exists()
