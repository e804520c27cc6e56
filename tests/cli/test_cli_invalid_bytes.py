"""Invalid bytes in any text option or argument: one line naming it, exit 1, nothing written.

A command line that is not valid UTF-8 reaches Python with surrogate escapes
(byte 0xff as U+DCFF). Every string option and argument of every command is
tried, walking the command tree, so a new option is covered when it is added.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from cli_helpers import Run, assert_one_error_line, every_command, log_snapshot

from cli.text_input import MAY_NAME_A_FILE

BAD = "ab\udcffc"  # what Python makes of the bytes b"ab\xffc" on a command line


def _text_params() -> Iterator[tuple[tuple[str, ...], str]]:
    for path, command in every_command():
        earlier: tuple[str, ...] = ()  # valid values for the arguments before this one
        for param in command.params:
            if isinstance(param.type, click.types.StringParamType) and not MAY_NAME_A_FILE & set(param.opts):
                if isinstance(param, click.Option):
                    yield (*path, param.opts[0], BAD), param.opts[0]
                else:
                    yield (*path, *earlier, BAD), param.human_readable_name
            if isinstance(param, click.Argument):
                earlier += ("post/fine",)


TEXT_PARAMS = list(_text_params())


def test_the_walk_finds_the_text_options() -> None:
    names = {" ".join(args[:-1]) for args, _ in TEXT_PARAMS}
    assert {"post publish --text", "--by", "claim rebut --rationale", "timeline", "search"} <= names
    assert len(TEXT_PARAMS) > 150


@pytest.mark.parametrize(
    ("args", "name"),
    TEXT_PARAMS,
    ids=lambda value: " ".join(value[:-1]) if isinstance(value, tuple) else None,
)
def test_invalid_bytes_are_one_line_naming_the_option(
    run: Run, db: Path, args: tuple[str, ...], name: str
) -> None:
    result = run(*args, expect=None)
    assert_one_error_line(result, 1, f"{name}: not valid UTF-8 text (the byte 0xff at character 3)")
    assert "Input should be" not in result.stderr
    assert not db.exists()


def test_nothing_is_recorded(story: Path, run: Run) -> None:
    before = log_snapshot(story)
    result = run(
        "post", "edit", "post/labour-linkedin-invite", "--text", "new \udcfe", "--at", "2024-10-17", expect=1
    )
    assert result.stderr == "Error: --text: not valid UTF-8 text (the byte 0xfe at character 5)\n"
    assert log_snapshot(story) == before


def test_a_file_name_need_not_be_utf8(tmp_path: Path, run: Run) -> None:
    odd = tmp_path / "ledger-\udcff.db"
    result = run("--db", str(odd), "init", expect=0)
    assert odd.exists(), result.stderr
