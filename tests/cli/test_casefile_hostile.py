"""Hostile case files: deep nesting and huge values give one short error line, and change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import Run, assert_one_error_line, log_snapshot

ADA = {"command": "actor add", "ref": "actor/ada", "name": "Ada", "kind": "person"}
DEPTH = 100_000  # far beyond Python's recursion limit


DEEP = [
    ("deep.jsonl", json.dumps(ADA) + "\n" + "[" * DEPTH + "]" * DEPTH + "\n", ":2: not valid JSON"),
    (
        "deep-field.jsonl",
        json.dumps(ADA) + '\n{"command": "actor add", "name": ' + "[" * DEPTH + "]" * DEPTH + "}\n",
        ":2: not valid JSON: nested too deeply",
    ),
    (
        "deep.toml",
        '[[entry]]\ncommand = "actor add"\nref = "actor/ada"\nname = "Ada"\nkind = "person"\n'
        "colour = " + "[" * DEPTH + "]" * DEPTH + "\n",
        ":6: not valid TOML",
    ),
]


@pytest.mark.parametrize("deep", DEEP, ids=[name for name, _, _ in DEEP])
def test_deep_nesting_is_one_line_naming_file_and_line(
    run: Run, story: Path, tmp_path: Path, deep: tuple[str, str, str]
) -> None:
    name, content, where = deep
    case_file = tmp_path / name
    case_file.write_text(content, encoding="utf-8")
    before = log_snapshot(story)
    assert_one_error_line(run("import", str(case_file), expect=None), 1, f"{case_file}{where}")
    assert log_snapshot(story) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ref", "actor/" + "X" * 5_000_000),
        ("kind", "x" * 5_000_000),
        ("handle", "x" * 5_000_000),
        ("colour" * 1_000_000, 1),
    ],
)
def test_an_error_quotes_a_huge_value_briefly(
    run: Run, story: Path, tmp_path: Path, field: str, value: object
) -> None:
    case_file = tmp_path / "huge.jsonl"
    case_file.write_text(json.dumps({**ADA, "ref": "actor/new", field: value}) + "\n", encoding="utf-8")
    before = log_snapshot(story)
    result = run("import", str(case_file), expect=None)
    assert_one_error_line(result, 1, f"{case_file}:1: entry 1 (actor add)")
    assert len(result.stderr) < 1000
    assert log_snapshot(story) == before


def test_bad_utf8_names_its_line(run: Run, story: Path, tmp_path: Path) -> None:
    case_file = tmp_path / "latin1.jsonl"
    good = json.dumps(ADA).encode()
    case_file.write_bytes(good + b"\n" + good.replace(b"Ada", b"\xe9") + b"\n")
    before = log_snapshot(story)
    assert_one_error_line(run("import", str(case_file), expect=None), 1, f"{case_file}:2: not UTF-8")
    assert log_snapshot(story) == before
