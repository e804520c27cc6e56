"""Importing case files: all or nothing, and every error names the file, the line and the field."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_helpers import EXAMPLE, Run, assert_one_error_line, log_snapshot

from ledger import CaseFileError, Ledger
from ledger.demo import CASE, POST
from ledger.formats.casefile import read_case_file

ADA = '[[entry]]\ncommand = "actor add"\nref = "actor/ada"\nname = "Ada"\nkind = "person"\n'
ADA_POST = (
    '\n[[entry]]\ncommand = "post publish"\nref = "post/ada-1"\nplatform = "X"\nauthor = "actor/ada"\n'
    'text = "Hello"\nat = "2024-10-17"\n'
)

POSTED = ADA + ADA_POST  # two entries, on lines 1-13
BOB_POST = ADA_POST.replace("actor/ada", "actor/bob")
TEXT_POST = ADA_POST.replace('text = "Hello"', 'text = """\nat = "not a field"\ncolour = 2\n"""')
LIST_POST = ADA_POST.replace('at = "2024-10-17"', 'at = "2024-10-17"\nsource = [\n"""\ncolour = 2"""]')


def third(command: str, fields: str = "") -> str:
    """A third entry, ``post COMMAND``: its header on line 15, ``fields`` from line 18."""
    return f'\n[[entry]]\ncommand = "post {command}"\nref = "post/ada-1"\n{fields}\n'


def jsonl(*entries: dict[str, object]) -> str:
    """JSON Lines of ``entries``; an empty dict makes a blank line."""
    return "".join((json.dumps(entry) if entry else "") + "\n" for entry in entries)


ADA_JSON = {"command": "actor add", "ref": "actor/ada", "name": "Ada", "kind": "person"}
ALIEN_JSON = {**ADA_JSON, "ref": "actor/b", "kind": "alien"}
BAD_EVIDENCE = {
    "command": "claim rebut",
    "ref": "claim/musk-this-is-illegal",
    "reviewer": "actor/newsweek",
    "verdict": "False",
    "rationale": "Why",
    "evidence": ["source/none:q"],
    "at": "2024-10-19",
}


@dataclass(frozen=True)
class Bad:
    """A case file with one error, and where and why the import must say it fails."""

    name: str
    content: str
    line: int | None
    entry: int | None
    field: str | None
    reason: str


BAD_FILES = [
    Bad("syntax.toml", ADA + 'name = "twice"\n', 6, None, None, "not valid TOML"),
    Bad("command.toml", ADA + '\n[[entry]]\ncommand = "actor ad"\n', 8, 2, "command", "mean 'actor add'?"),
    Bad("no-command.toml", ADA + '\n[[entry]]\nref = "actor/bob"\n', 7, 2, "command", "names its command"),
    Bad("field.toml", ADA + 'colour = "red"\n', 6, 1, "colour", "unknown field; actor add takes ref,"),
    Bad("missing.toml", POSTED + third("delete"), 15, 3, "at", "missing: this field is required"),
    Bad("type.toml", POSTED + third("observe", 'views = "no"\nat = 2024'), 18, 3, "views", "a whole number"),
    Bad("time.toml", POSTED + third("delete", 'at = "soon"'), 18, 3, "at", "malformed time 'soon'"),
    Bad("window.toml", POSTED + third("delete", 'at = "2024-10-19..2024-10-18"'), 18, 3, "at", "ends before"),
    Bad("rule.toml", POSTED + third("delete", 'at = "2024-10-01"'), 18, 3, "at", "deleted at 2024-10-01"),
    Bad("unknown-ref.toml", ADA + BOB_POST, 11, 2, "author", "author actor/bob does not exist"),
    Bad("duplicate.toml", ADA + "\n" + ADA, 9, 2, "ref", "actor/ada already exists"),
    Bad("existing.toml", ADA.replace("actor/ada", "actor/newsweek"), 3, 1, "ref", "actor/newsweek already"),
    # Keys inside a multi-line string are text, not fields.
    Bad("multiline.toml", ADA + TEXT_POST + "colour = 1\n", 17, 2, "colour", "unknown field"),
    Bad("in-array.toml", ADA + LIST_POST + "colour = 1\n", 17, 2, "colour", "unknown field"),
    Bad("evidence.jsonl", jsonl(BAD_EVIDENCE), 1, 1, "evidence", "source/none does not exist"),
    Bad("blank-lines.jsonl", jsonl(ADA_JSON, {}, {}, ALIEN_JSON), 4, 2, "kind", "'person' or"),
    Bad("bad.jsonl", jsonl(ADA_JSON) + '{"command": \n', 2, None, None, "not valid JSON"),
    Bad("list.jsonl", '["actor add"]\n', 1, 1, None, "an entry must be a JSON object"),
    Bad("top.toml", 'title = "my case"\n' + ADA, 1, None, "title", "unknown top-level key"),
    Bad("empty.toml", "# nothing yet\n", None, None, None, "the case file has no entries"),
    Bad("case.txt", ADA, None, None, None, "unknown kind of case file '.txt'"),
]


@pytest.mark.parametrize("bad", BAD_FILES, ids=[bad.name for bad in BAD_FILES])
def test_an_import_error_names_file_line_and_field_and_changes_nothing(
    run: Run, story: Path, tmp_path: Path, bad: Bad
) -> None:
    case_file = tmp_path / bad.name
    case_file.write_text(bad.content, encoding="utf-8")
    before = log_snapshot(story)
    with Ledger.open(story, create=False) as ledger, pytest.raises(CaseFileError) as raised:
        ledger.import_file(case_file)
    error = raised.value
    assert (error.file, error.line, error.entry, error.field) == (
        str(case_file),
        bad.line,
        bad.entry,
        bad.field,
    )
    assert bad.reason in error.reason
    where = str(case_file) if bad.line is None else f"{case_file}:{bad.line}"
    assert_one_error_line(run("import", str(case_file), expect=None), 1, f"Error: {where}", bad.reason)
    assert_one_error_line(run("import", str(case_file), "--dry-run", expect=None), 1, f"Error: {where}")
    assert log_snapshot(story) == before


def test_a_missing_case_file_is_an_error(run: Run, story: Path, tmp_path: Path) -> None:
    result = run("import", str(tmp_path / "nowhere.toml"), expect=None)
    assert_one_error_line(result, 1, "nowhere.toml: cannot read the case file")


def test_one_bad_entry_at_the_end_and_nothing_is_written(run: Run, db: Path, tmp_path: Path) -> None:
    case_file = tmp_path / "story.toml"
    case_file.write_text(
        EXAMPLE.read_text(encoding="utf-8")
        + '\n[[entry]]\ncommand = "post restore"\nref = "post/labour-linkedin-invite"\nat = "2024-10-01"\n',
        encoding="utf-8",
    )
    result = run("import", str(case_file), expect=None)
    assert_one_error_line(result, 1, "entry 35 (post restore), field 'at'", "cannot have been restored")
    assert log_snapshot(db) == []


def test_a_dry_run_checks_everything_and_writes_nothing(run: Run, db: Path) -> None:
    run("actor", "add", "actor/someone", "--name", "Someone", "--kind", "person")
    before = log_snapshot(db)
    result = run("import", str(EXAMPLE), "--dry-run")
    assert result.stdout == f"{EXAMPLE}: 34 entries are valid; nothing was written (dry run)\n"
    assert log_snapshot(db) == before
    assert run("import", str(EXAMPLE)).stdout == (
        f"imported {EXAMPLE}: 37 log entries from 34 case-file entries (positions 2..38)\n"
    )


def test_the_example_as_json_lines_imports_the_same_story(tmp_path: Path) -> None:
    jsonl = tmp_path / "story.jsonl"
    jsonl.write_text(
        "".join(json.dumps(entry.values, ensure_ascii=False) + "\n" for entry in read_case_file(EXAMPLE)),
        encoding="utf-8",
    )
    with Ledger.open(":memory:") as from_toml, Ledger.open(":memory:") as from_jsonl:
        from_toml.import_file(EXAMPLE)
        result = from_jsonl.import_file(jsonl)
        assert (result.entries, result.positions) == (34, (1, 37))
        for ref in (POST, CASE):
            assert [e.model_dump(exclude={"recorded_at"}) for e in from_jsonl.timeline(ref).entries] == [
                e.model_dump(exclude={"recorded_at"}) for e in from_toml.timeline(ref).entries
            ]


def test_toml_dates_and_zoneless_times_are_read_as_utc(tmp_path: Path) -> None:
    case_file = tmp_path / "times.toml"
    case_file.write_text(
        ADA + '\n[[entry]]\ncommand = "post publish"\nref = "post/a"\nplatform = "X"\nauthor = "actor/ada"\n'
        'text = "a"\nat = 2024-10-17\n'
        '\n[[entry]]\ncommand = "post publish"\nref = "post/b"\nplatform = "X"\nauthor = "actor/ada"\n'
        'text = "b"\nat = 2024-10-17T14:03:00\n'
        '\n[[entry]]\ncommand = "post publish"\nref = "post/c"\nplatform = "X"\nauthor = "actor/ada"\n'
        'text = "c"\nat = "2024-10-17T14:03"\nsource = []\n',
        encoding="utf-8",
    )
    with Ledger.open(":memory:") as ledger:
        ledger.import_file(case_file)
        published = [str(ledger.get(ref).published_at) for ref in ("post/a", "post/b", "post/c")]
    assert published == ["2024-10-17", "2024-10-17T14:03:00Z", "2024-10-17T14:03Z"]
