"""An --as-of past the head of the log is refused with one line naming the head, by every command taking it.

A position past the last entry is most likely a typo, and a record time after
today names a ledger that does not exist yet (entries recorded before then
may still come): both are said, never answered silently with the present.
Today's date (by the end of the day) is still the present, and is answered.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
import pytest
from cli_helpers import Run, assert_one_error_line, every_command

from ledger import InvalidError, Ledger

ARGUMENTS = {"ref": "post/labour-linkedin-invite", "text": "Harris"}


def _taking_as_of() -> Iterator[tuple[str, ...]]:
    for path, command in every_command():
        if any(param.name == "as_of" for param in command.params):
            arguments = [ARGUMENTS[p.name or ""] for p in command.params if isinstance(p, click.Argument)]
            yield (*path, *arguments)


COMMANDS = list(_taking_as_of())


def test_the_walk_finds_every_reader() -> None:
    names = {args[0] for args in COMMANDS}
    assert {"timeline", "show", "list", "report", "search"} <= names


def _head(story: Path) -> str:
    with Ledger.open(story, create=False) as ledger:
        recorded = next(iter(ledger.log(ledger.head - 1))).recorded_at.isoformat().replace("+00:00", "Z")
        return f"the last entry is at position {ledger.head}, recorded {recorded}"


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_position_past_the_head_is_refused(story: Path, run: Run, args: tuple[str, ...]) -> None:
    head = _head(story)
    result = run(*args, "--as-of", "38", expect=None)
    assert_one_error_line(result, 1, f"as_of 38 is past the head of the log: {head}")
    run(*args, "--as-of", "37")  # the head itself is answered


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_record_time_after_today_is_refused_and_today_is_answered(
    story: Path, run: Run, args: tuple[str, ...]
) -> None:
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    result = run(*args, "--as-of", tomorrow, expect=None)
    assert_one_error_line(result, 1, f"as_of {tomorrow}T23:59:59.999999Z is in the future: {_head(story)}")
    run(*args, "--as-of", datetime.now(UTC).date().isoformat())


def test_the_library_refuses_it_too(story: Path) -> None:
    with Ledger.open(story, create=False) as ledger, pytest.raises(InvalidError, match="past the head"):
        ledger.timeline("post/labour-linkedin-invite", as_of=38)


@pytest.mark.parametrize(("args", "name"), [(("log", "--after"), "after"), (("replay", "--until"), "until")])
def test_a_log_position_past_the_head_is_refused(
    story: Path, run: Run, args: tuple[str, ...], name: str
) -> None:
    result = run(*args, "38", expect=None)
    assert_one_error_line(result, 1, f"{name} 38 is past the head of the log: {_head(story)}")
    run(*args, "37")  # the head itself is answered


def test_the_library_refuses_log_positions_past_the_head(story: Path) -> None:
    with Ledger.open(story, create=False) as ledger:
        with pytest.raises(InvalidError, match="after 38 is past the head"):
            ledger.log(38)
        with pytest.raises(InvalidError, match="until 38 is past the head"):
            ledger.replay(until=38)
        with pytest.raises(InvalidError, match="after must be a log position"):
            ledger.log(-1)
        assert [entry.position for entry in ledger.log(36)] == [37]
        assert list(ledger.log(37)) == []
        assert len(list(ledger.replay(until=37))) == 37
