"""Tables measure text as a terminal does: wide (CJK), combining and emoji characters align;
wrapping is linear in the text's length (one word of megabytes prints, whole)."""

from __future__ import annotations

from pathlib import Path

import pytest
import wcwidth
from cli_helpers import Run

from cli.render import table
from cli.width import display_width, wrap
from domain.events import MAX_TEXT
from ledger import Ledger

NAMES = ["Ada", "張偉", "Zoë", "Zoe\u0308", "😀 emoji", "👩‍🔬 scientist", "한국어 이름", "ｆｕｌｌ"]


def columns_of(line: str, text: str) -> int:
    """The terminal column where ``text`` starts in ``line``."""
    return display_width(line[: line.index(text)])


def test_wide_and_combining_characters_align_in_a_table() -> None:
    rows = [(name, f"marker{index}") for index, name in enumerate(NAMES)]
    lines = list(table(("NAME", "MARK"), rows))
    starts = {columns_of(line, f"marker{index}") for index, line in enumerate(lines[2:])}
    assert starts == {columns_of(lines[0], "MARK")}
    assert len(starts) == 1


def test_listing_aligns_chinese_names_and_emoji(db: Path, run: Run) -> None:
    with Ledger.open(db, recorded_by="desk") as ledger:
        for index, name in enumerate(NAMES):
            ledger.register_actor(f"actor/a{index}", name=name, kind="person", description=f"d{index}")
    lines = run("list", "actors").stdout.splitlines()
    header = lines[0]
    for line in lines[2:]:
        assert columns_of(line, "person") == columns_of(header, "KIND")
        assert display_width(line) <= 120


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("a bb ccc dddd eeeee", 6),
        ("中文中文中文中文 中文", 5),
        ("e\u0301" * 50, 7),
        ("x" * 1000, 80),
        ("", 10),
    ],
)
def test_wrap_keeps_every_character_within_the_width(text: str, width: int) -> None:
    lines = wrap(text, width)
    assert all(wcwidth.wcswidth(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_a_word_of_megabytes_is_shown_whole(db: Path, run: Run) -> None:
    # textwrap took 12 s for an 8 MB word and never finished at 50 MB: wrapping must be linear.
    # Speed is measured in benchmarks, never asserted here: this checks that it completes, correctly.
    word = "ab" * (MAX_TEXT // 2)  # the longest text recorded: a word of a megabyte
    with Ledger.open(db, recorded_by="desk") as ledger:
        ledger.register_actor("actor/ada", name="Ada", kind="person")
        ledger.publish_post("post/long", platform="X", author="actor/ada", text=word, at="2024-10-16")
    lines = run("show", "post/long").stdout.splitlines()
    text_lines = [line for line in lines if line.startswith(("text ", " " * 10))]
    pieces = [line.split(None, 1)[-1] if line.startswith("text ") else line.strip() for line in text_lines]
    assert "".join(pieces).startswith(word)
    assert all(display_width(line) <= 120 for line in lines)


def test_the_characters_measured_without_wcwidth_take_one_column_each() -> None:
    """Text of ASCII and ONE_COLUMN is measured by its length, so a timeline need not import wcwidth."""
    from cli.width import ONE_COLUMN  # noqa: PLC0415

    assert [c for c in ONE_COLUMN if wcwidth.wcwidth(c) != 1] == []
    for text in ("“quoted” — said…", "Zoë Ångström", "Zoe\u0308 “x”", "張偉 “x”", "a\u00ad-b"):
        assert display_width(text) == wcwidth.width(text), text
        assert all(display_width(line) <= 5 for line in wrap(text, 5)), text
