"""Moving a whole ledger: ``ledger export`` (and ``ledger import --from-export``, in importing)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli.options import open_ledger


@click.command()
@click.option(
    "--format",
    "format_",
    type=click.Choice(["jsonl"]),
    default="jsonl",
    show_default=True,
    help="JSON Lines: a header, the checkpoints, every event with its exact stored bytes, an end line.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE, which appears only once complete (default: standard output).",
)
def export(format_: str, output: Path | None) -> None:
    """Write the whole log, to move it to another ledger on any backend.

    Every event keeps its position, stream, version, type, record time and
    stored bytes, so an import reproduces the same log and Merkle root. The
    export stops at the last entry recorded when it began, and streams in
    constant memory.

    \b
    Example:
      ledger export --output story.jsonl
      ledger --db postgresql://me@db.example/news?schema=desk import --from-export story.jsonl
    """
    ledger = open_ledger()
    if output is None:
        ledger.export(sys.stdout)
        return
    summary = ledger.export(output)
    click.echo(
        f"exported {summary.events} events and {summary.checkpoints} checkpoints to {output}", err=True
    )
