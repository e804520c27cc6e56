"""Hostile text through every human-readable renderer: nothing but printable text reaches the terminal.

A post, an actor's name, a case note, a claim and a rebuttal carry escape
sequences (cursor moves, erase, window title, OSC 8 links), C1 controls,
DEL, carriage returns and bidirectional overrides. Every command that
prints for people shows them escaped; ``--json`` and ``--nl`` keep them
exact.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_helpers import Run

from ledger import Ledger
from ledger.formats.safe_text import printable

HOSTILE = [
    "\x1b[2J\x1b[H cleared the screen",
    "\x1b]0;pwned title\x07 set the title",
    "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\ a hidden link",
    "line one\rOVERWRITTEN",
    "up\x1b[1A\x1b[2K erased a line",
    "C1 \x9b31m CSI and \x85 NEL",
    "DEL \x7f and NUL \x00 and BEL \x07",
    "bidi \u202eevil\u202c and \u2066isolate\u2069 and \u200e\u200f marks and \u061c",
    "separators \u2028 and \u2029",
    "vertical\x0btab and form\x0cfeed and \x1c\x1d\x1e",
]
"""Hostile strings: each would move, erase, retitle or reorder what a terminal shows."""

# Everything a terminal should never receive raw: C0 but newline, DEL, C1, bidi and separators.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
TEXT = "Hostile: " + " | ".join(HOSTILE)


def assert_printable(output: str) -> None:
    """Only printable characters and newlines."""
    found = UNSAFE.search(output)
    assert found is None, (
        f"raw {found.group()!r} at {found.start()}: {output[max(0, found.start() - 40) :][:80]!r}"
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_printable_escapes_each_hostile_string(text: str) -> None:
    shown = printable(text)
    assert_printable(shown)
    assert "\\" in shown  # the character is there to see, escaped


def test_printable_leaves_ordinary_text_alone() -> None:
    text = "Labour’s “post” — 中文, café, e\u0301, 👍🏽, 👨‍👩‍👧\nsecond line\twith a tab"
    assert printable(text) == text


@pytest.fixture
def hostile(db: Path) -> Path:
    with Ledger.open(db, recorded_by="desk\x1b[31m") as ledger:
        ledger.register_actor("actor/eve", name="Eve \x1b]0;title\x07" + HOSTILE[0], kind="person")
        ledger.register_source("source/evil", title="Source " + HOSTILE[7], kind="article", at="2024-10-18")
        ledger.publish_post(
            "post/evil",
            platform="X\x1b[5m",
            author="actor/eve",
            text=TEXT,
            at="2024-10-16T09:30Z",
            sources=["source/evil"],
            note="note " + HOSTILE[3],
        )
        ledger.delete_post("post/evil", at="2024-10-17..2024-10-18")
        ledger.make_claim(
            "claim/evil", text="claim " + HOSTILE[1], claimant="actor/eve", post="post/evil", at="2024-10-17"
        )
        ledger.rebut_claim(
            "claim/evil",
            reviewer="actor/eve",
            verdict="False\u202e",
            rationale="because " + HOSTILE[4],
            evidence=[f"source/evil:{HOSTILE[5]}"],
            at="2024-10-18",
        )
        ledger.open_case("case/evil", title="Case " + HOSTILE[2])
        ledger.link_to_case("case/evil", ["post/evil", "claim/evil"])
        ledger.add_case_note("case/evil", text="note " + HOSTILE[9], at="2024-10")
    return db


READERS = [
    ["timeline", "post/evil"],
    ["timeline", "case/evil", "--at", "2024-10-17"],
    ["show", "post/evil"],
    ["show", "claim/evil"],
    ["show", "post/evil", "--at", "2024-10-17"],
    ["show", "actor/eve"],
    ["show", "case/evil"],
    ["list", "posts"],
    ["list", "actors"],
    ["list", "claims"],
    ["list", "sources"],
    ["list", "cases"],
    ["log"],
    ["replay"],
    ["search", "hostile"],
    ["search", "cleared"],
    ["report", "post/evil", "--format", "md"],
    ["report", "case/evil", "--format", "md"],
    ["report", "post/evil"],
]


@pytest.mark.parametrize("args", READERS, ids=" ".join)
def test_every_reader_prints_only_printable_text(hostile: Path, run: Run, args: list[str]) -> None:
    result = run(*args)
    assert_printable(result.stdout)
    assert_printable(result.stderr)
    if args[0] in {"timeline", "show", "log", "replay"} and "--at" not in args:
        assert "\\x1b" in result.stdout  # shown, escaped, not dropped


@pytest.mark.parametrize(
    "args",
    [
        ["timeline", "post/\x1b[2Jevil"],
        ["show", "post/evil\u202e"],
        ["timeline", "post/evil", "--at", "2024-10-17\x1b[1A"],
        ["list", "posts", "--status", "gone\x1b]0;t\x07"],
        ["report", "post/evil", "--format", "pdf\x9b"],
        ["show", "post/nothing-here\x7f"],
    ],
    ids=["bad-ref", "bidi-ref", "bad-time", "bad-choice", "bad-format", "del"],
)
def test_errors_quoting_input_are_printable(hostile: Path, run: Run, args: list[str]) -> None:
    result = run(*args, expect=None)
    assert result.exit_code in {1, 2}
    assert result.stderr.startswith("Error: ")
    assert len(result.stderr.splitlines()) == 1
    assert_printable(result.stderr)


@pytest.mark.parametrize("flag", ["--json", "--nl"])
def test_json_keeps_recorded_text_exact(hostile: Path, run: Run, flag: str) -> None:
    output = run("timeline", "post/evil", flag).stdout
    entries = (
        json.loads(output) if flag == "--json" else [json.loads(line) for line in output.split("\n") if line]
    )
    published = next(e for e in entries if e["type"] == "PostPublished")
    assert published["details"]["text"] == TEXT
    assert json.loads(run("show", "post/evil", "--json").stdout)["text"] == TEXT


def test_a_case_file_named_with_escapes_is_named_printably(run: Run, tmp_path: Path) -> None:
    good = tmp_path / "story\x1b[2J\u202e.toml"
    good.write_text(
        '[[entry]]\ncommand = "actor add"\nref = "actor/ada"\nname = "Ada \\u001b[31m"\nkind = "person"\n',
        encoding="utf-8",
    )
    result = run("import", str(good))
    assert_printable(result.stdout)
    assert "\\x1b[2J\\u202e.toml" in result.stdout
    bad = tmp_path / "bad\x1b]0;t\x07.toml"
    bad.write_text('[[entry]]\ncommand = "actor add"\nref = "actor/\x1b"\n', encoding="utf-8")
    failed = run("import", str(bad), expect=1)
    assert failed.stderr.startswith("Error: ")
    assert_printable(failed.stderr)
