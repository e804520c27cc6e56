"""Making and moving a whole ledger, and the field's formats out: ``ledger init``, ``ledger export``.

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
@click.argument("refs", nargs=-1, metavar="[REF ...]")
@click.option(
    "--format",
    "format_",
    type=click.Choice(exporting()),
    default=JSONL.name,
    show_default=True,
    help="; ".join(f"{name}: {FORMATS[name].description.rstrip('.')}" for name in exporting()) + ".",
)
@click.option(
    "--case", metavar="CASE_REF", help="claimreview and PROV: the case and everything linked to it."
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE, which appears only once complete (default: standard output).",
)
def export(refs: tuple[str, ...], format_: str, case: str | None, output: Path | None) -> None:
    """Write the whole log, to move it to another ledger; or what it holds in the field's formats.

    jsonl: every event keeps its position, stream, version, type, record
    time and stored bytes, so an import reproduces the same log and Merkle
    root; it stops at the last entry recorded when it began, and streams in
    constant memory.

    claimreview and PROV (prov-json, prov-n, prov-xml, prov-jsonld) export
    the subjects named (REF ...), or a --case and its subjects, or
    everything; docs/interop.md says what maps to what.

    \b
    Example:
      ledger export --output story.jsonl
      ledger --db postgresql://me@db.example/news?schema=desk import --from-export story.jsonl
      ledger export --format prov-json post/labour-linkedin-invite --output post.prov.json
      ledger export --format claimreview --case case/labour-staff-us-campaign
    """
    chosen = get_format(format_)
    if chosen.export is None:  # pragma: no cover  (the choices are the exporting formats)
        raise click.UsageError(f"the {format_} format cannot be exported")
    options = {}
    if case is not None:
        if "case" not in chosen.options:
            raise click.UsageError(f"--case does not go with --format {format_}")
        options["case"] = case
    ledger = open_ledger()
    if output is None:
        chosen.export(ledger, sys.stdout, refs, **options)
        return
    # Every format is written through the one safe writer (ledger.formats.output).
    say(export_file(chosen, ledger, output, refs, **options), err=True)


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
