"""Helpers of the CLI tests (plain functions; the fixtures are in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
from click.testing import Result

from cli.main import ledger as ledger_command
from ledger import Ledger

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "labour-harris-2024.toml"

Run = Callable[..., Result]


def every_command(
    command: click.Command = ledger_command, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command and group under ``command`` (itself included, first), with its path of names."""
    yield path, command
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, name
            yield from every_command(sub, (*path, name))


def log_snapshot(db: Path) -> list[tuple[Any, ...]]:
    """Everything the log holds, to show that a failed command changed nothing."""
    with Ledger.open(db, create=False) as ledger:
        return [
            (e.position, e.recorded_at, e.subject, e.version, e.type, e.event.model_dump_json())
            for e in ledger.log()
        ]


def assert_one_error_line(result: Result, code: int, *fragments: str) -> None:
    """The command failed with ``code`` and said why on one line of stderr, and nothing else."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]
