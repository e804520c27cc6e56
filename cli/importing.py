"""Importing case files and the field's formats (ClaimReview, Fact Check API, CDX), and the demo."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from cli.options import open_ledger, settings
from cli.tables import timeline_table
from ledger.demo import COMMENT, POST, load_example

IMPORT_FORMATS = ("casefile", "claimreview", "factcheck-api", "cdx")


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option(
    "--format",
    "format_",
    type=click.Choice(IMPORT_FORMATS),
    default="casefile",
    show_default=True,
    help="casefile: TOML or JSON Lines entries; claimreview: schema.org ClaimReview (JSON, JSON-LD, "
    "DataFeed, @graph, or a saved HTML page); factcheck-api: a Fact Check Tools claims:search "
    "response; cdx: a Wayback capture index of --post.",
)
@click.option("--dry-run", is_flag=True, help="Check every entry against the ledger; write nothing.")
@click.option(
    "--ratings",
    type=click.Path(dir_okay=False, path_type=Path),
    help="claimreview, factcheck-api: a JSON object of rating label -> rebutted|supported|unrated, "
    "over the default table.",
)
@click.option("--post", "post", metavar="POST_REF", help="cdx: the post the captures are of.")
@click.option(
    "--replay-base",
    metavar="URL",
    default="https://web.archive.org/web",
    show_default=True,
    help="cdx: where captures are replayed (BASE/TIMESTAMP/URL).",
)
@click.option(
    "--from-export",
    "export",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Instead of a case file, import a whole ledger written by `ledger export` into this empty one.",
)
def import_file(
    *,
    file: Path | None,
    format_: str,
    dry_run: bool,
    ratings: Path | None,
    post: str | None,
    replay_base: str,
    export: Path | None,
) -> None:
    """Record every entry of a case file, or of a file in the field's formats, at once, or none.

    A case file's entries each name a recording command and its fields, as
    on the command line: see examples/labour-harris-2024.toml. A time
    without a zone is read as UTC there. An error names the file, the line
    (or the item) and the field, and leaves the ledger as it was. A dry run
    needs an existing ledger (use --db :memory: to check a file against an
    empty one).

    ClaimReview, Fact Check API and CDX imports record only what is new:
    importing the same file twice records nothing the second time, and a
    changed rating is a revised verdict. See docs/interop.md.

    With --from-export, import a whole ledger written by `ledger export`
    into this one, which must be empty: the same entries, positions, record
    times and bytes, on any backend. A corrupted export is refused, naming
    the line, and nothing is imported.

    \b
    Example:
      ledger import examples/labour-harris-2024.toml --dry-run
      ledger import --format claimreview feed.json --ratings ratings.json
      ledger import --format cdx captures.cdx --post post/labour-linkedin-invite
      ledger --db copy.db import --from-export story.jsonl
    """
    if export is not None:
        if file is not None or dry_run:
            raise click.UsageError("--from-export takes no case file and no --dry-run")
        summary = open_ledger(create=True).import_export(export)
        click.echo(
            f"imported {summary.events} events and {summary.checkpoints} checkpoints from {export} "
            f"(origin {summary.origin})"
        )
        return
    if file is None:
        raise click.UsageError("name a file to import, or --from-export FILE")
    if (post is not None) != (format_ == "cdx"):
        raise click.UsageError("--post is needed with --format cdx, and only there")
    if ratings is not None and format_ not in ("claimreview", "factcheck-api"):
        raise click.UsageError("--ratings goes with --format claimreview or factcheck-api")
    ledger = open_ledger(create=not dry_run)
    if format_ == "casefile":
        result = ledger.import_file(file, dry_run=dry_run)
        if result.positions is None:
            click.echo(f"{result.file}: {result.entries} entries are valid; nothing was written (dry run)")
        else:
            first, last = result.positions
            click.echo(
                f"imported {result.entries} entries from {result.file} (log positions {first}..{last})"
            )
        return
    if format_ == "cdx":
        assert post is not None  # noqa: S101  (checked above)
        recorded = ledger.import_cdx(file, post=post, replay=replay_base, dry_run=dry_run).recorded
    elif format_ == "claimreview":
        recorded = ledger.import_claimreview(file, ratings=ratings, dry_run=dry_run).recorded
    else:
        recorded = ledger.import_factcheck(file, ratings=ratings, dry_run=dry_run).recorded
    echo_recorded(file, recorded, dry_run=dry_run)


def echo_recorded(file: Path | str, recorded: tuple[str, ...], *, dry_run: bool) -> None:
    """Print one line per entry recorded (or that a dry run would record), then a summary."""
    for line in recorded:
        click.echo(("would record: " if dry_run else "recorded: ") + line)
    if dry_run:
        click.echo(f"{file}: {len(recorded)} entries to record; nothing was written (dry run)")
    else:
        click.echo(f"imported {len(recorded)} new entries from {file}")


@click.command()
@click.option(
    "--db",
    "path",
    type=click.Path(dir_okay=False),
    help="Where to create the demo ledger (default: a new temporary file).",
)
def demo(path: str | None) -> None:
    """Load the seed story into a fresh ledger and print its two timelines.

    The story (examples/labour-harris-2024.toml): a LinkedIn post inviting
    Labour staff to campaign for Kamala Harris, published then deleted; the
    claims about it and their rebuttals; and the request for comment emailed
    to Labour's press office. Prints the timeline of the deleted post and of
    the request for comment.

    \b
    Example:
      ledger demo
      ledger demo --db story.db && ledger --db story.db timeline case/labour-staff-us-campaign
    """
    target = path or settings().db or str(Path(tempfile.mkdtemp(prefix="ledger-demo-")) / "ledger.db")
    ledger = open_ledger(create=True, db=target)
    result = load_example(ledger)
    click.echo(f"Loaded {result.entries} entries of the seed story into {target}")
    for ref in (POST, COMMENT):
        click.echo()
        for line in timeline_table(ref, ledger.timeline(ref).entries):
            click.echo(line)
    click.echo()
    click.echo(f"Explore it: ledger --db {target} timeline case/labour-staff-us-campaign")


@click.command("captures")
@click.argument("ref", metavar="POST_REF")
@click.option(
    "--cdx-url",
    required=True,
    metavar="URL",
    help="A CDX server: the Wayback Machine's https://web.archive.org/cdx/search/cdx, "
    "or a pywb collection's http://HOST/COLL/cdx.",
)
@click.option(
    "--replay-base",
    metavar="URL",
    help="Where captures replay (default: the server's /web, or the pywb collection).",
)
@click.option("--dry-run", is_flag=True, help="Show what would be recorded; write nothing.")
def post_captures(ref: str, cdx_url: str, replay_base: str | None, dry_run: bool) -> None:
    """Ask a CDX server for the captures of a post's URL and record them on the post.

    Each capture that saw the page is an archive of the post; one that found
    it gone (404, 410) after one that saw it bounds the deletion window,
    citing both captures. Only what is new is recorded.

    \b
    Example:
      ledger post captures post/labour-linkedin-invite --cdx-url https://web.archive.org/cdx/search/cdx
    """
    result = open_ledger().post_captures(ref, cdx_url=cdx_url, replay=replay_base, dry_run=dry_run)
    echo_recorded(result.file, result.recorded, dry_run=dry_run)
