"""Making and moving a whole ledger: ``ledger init``, ``ledger export``.

(``ledger import --from-export`` is in :mod:`cli.importing`.)
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli.options import open_ledger, settings
from cli.render import say
from domain.errors import AlreadyExistsError, StorageError
from ledger import Ledger
from ledger.formats.registry import FORMATS, JSONL, export_file, exporting, get_format


@click.command()
@click.option(
    "--format",
    "format_",
    type=click.Choice(exporting()),
    default=JSONL.name,
    show_default=True,
    help="; ".join(f"{name}: {FORMATS[name].description}" for name in exporting()),
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
    chosen = get_format(format_)
    if chosen.export is None:  # pragma: no cover  (the choices are the exporting formats)
        raise click.UsageError(f"the {format_} format cannot be exported")
    ledger = open_ledger()
    if output is None:
        chosen.export(ledger, sys.stdout, ())
        return
    # Every format is written through the one safe writer (ledger.formats.output).
    say(export_file(chosen, ledger, output), err=True)


@click.command()
def init() -> None:
    """Make a new, empty ledger where --db says (a missing path, or an empty file made on purpose).

    Reading commands never make a ledger; recording commands and imports make
    one on a missing path. An existing ledger, or a file holding anything
    else, is left alone.

    \b
    Example:
      ledger init
      ledger --db story.db init
    """
    given = settings()
    try:
        with Ledger.open(given.db, create=False):
            pass
    except StorageError:
        pass  # not a ledger yet: open it for creating, which refuses anything but an empty place
    else:
        raise AlreadyExistsError(f"{given.db or 'the ledger'} is already a ledger; nothing changed")
    ledger = open_ledger(create=True)
    say(f"created an empty ledger at {ledger.url} (origin {ledger.origin})")
