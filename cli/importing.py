"""Importing case files, and the demo that imports the seed story."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from cli.options import open_ledger, settings
from cli.render import say
from cli.tables import timeline_table
from ledger.demo import CASE, COMMENT, POST, load_example
from ledger.formats.output import write_text
from ledger.formats.registry import CASE_FILE, JSONL, get_format, importing


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--dry-run", is_flag=True, help="Check every entry against the ledger; write nothing.")
@click.option(
    "--format",
    "format_",
    type=click.Choice(importing()),
    default=CASE_FILE.name,
    show_default=True,
    help="What FILE is: a case file (TOML or JSON Lines, by extension), or a ledger export (jsonl).",
)
@click.option(
    "--from-export",
    "export",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Instead of a case file, import a whole ledger written by `ledger export` into this empty one.",
)
@click.option(
    "--upgrade-leaves",
    is_flag=True,
    help="With --from-export: salt entries with v1 leaves so they can be redacted (a new root).",
)
def import_file(
    file: Path | None, dry_run: bool, format_: str, export: Path | None, upgrade_leaves: bool
) -> None:
    """Record every entry of a case file (TOML or JSON Lines) at once, or none.

    Each entry names a recording command and its fields, as on the command
    line: see examples/labour-harris-2024.toml. A time without a zone is read
    as UTC. An error names the file, the line and the field, and leaves the
    ledger as it was. A dry run needs an existing ledger (use --db :memory: to
    check a file against an empty one).

    With --from-export (or --format jsonl), import a whole ledger written by
    `ledger export` into this one, which must be empty: the same entries, positions, record
    times and bytes, on any backend. A corrupted export is refused, naming
    the line, and nothing is imported.

    \b
    Example:
      ledger import examples/labour-harris-2024.toml --dry-run
      ledger import examples/labour-harris-2024.toml
      ledger --db copy.db import --from-export story.jsonl
    """
    if export is not None:
        if file is not None or dry_run:
            raise click.UsageError("--from-export takes no case file and no --dry-run")
        if upgrade_leaves:
            summary = open_ledger(create=True).import_export(export, upgrade_leaves=True)
            click.echo(
                f"imported {summary.events} events from {export}, their leaves upgraded to v2 "
                f"(a new root; the old checkpoints are not carried; origin {summary.origin})"
            )
            return
        file, format_ = export, JSONL.name
    if upgrade_leaves:
        raise click.UsageError("--upgrade-leaves goes with --from-export")
    if file is None:
        raise click.UsageError("name a case file, or --from-export FILE")
    chosen = get_format(format_)
    if chosen.import_ is None:  # pragma: no cover  (the choices are the importing formats)
        raise click.UsageError(f"the {format_} format cannot be imported")
    if chosen.restore is not None and not dry_run:
        # A whole ledger: the new ledger appears only once the import is complete.
        given = settings()
        say(chosen.restore(given.db, file, given.by))
        return
    # A dry run needs an existing ledger (a jsonl export's is refused before anything is made).
    ledger = open_ledger(create=not dry_run)
    say(chosen.import_(ledger, file, dry_run))


@click.command()
@click.option(
    "--db",
    "path",
    type=click.Path(dir_okay=False),
    help="Where to create the demo ledger (default: a new temporary file).",
)
def demo(path: str | None) -> None:
    """Load the seed story into a fresh ledger, print its two timelines and write its report.

    The story (examples/labour-harris-2024.toml): a LinkedIn post inviting
    Labour staff to campaign for Kamala Harris, published then deleted; the
    claims about it and their rebuttals; and the request for comment emailed
    to Labour's press office. Prints the timeline of the deleted post and of
    the request for comment. The report of the case (HTML, see `ledger
    report`) is written next to the ledger file.

    \b
    Example:
      ledger demo
      ledger demo --db story.db && ledger --db story.db timeline case/labour-staff-us-campaign
    """
    target = path or settings().db or str(Path(tempfile.mkdtemp(prefix="ledger-demo-")) / "ledger.db")
    ledger = open_ledger(create=True, db=target)
    result = load_example(ledger)
    say(f"Loaded {result.entries} entries of the seed story into {target}")
    for ref in (POST, COMMENT):
        say()
        for line in timeline_table(ref, ledger.timeline(ref).entries):
            say(line)
    page = _beside(target, "report.html")
    write_text(page, ledger.report(CASE), what="report")
    say()
    say(f"Explore it: ledger --db {target} timeline {CASE}")
    say(f"Its report: {page} (ledger --db {target} report {POST} --output post.html)")


def _beside(target: str, name: str) -> Path:
    """A file next to the ledger at ``target`` (a path or ``sqlite:///`` URL), else in a new directory."""
    path = target.removeprefix("sqlite:///")  # sqlite:///relative.db, sqlite:////absolute.db
    if "://" in path or path == ":memory:":
        return Path(tempfile.mkdtemp(prefix="ledger-demo-")) / name
    ledger_file = Path(path)
    return ledger_file.with_name(f"{ledger_file.stem}-{name}")
