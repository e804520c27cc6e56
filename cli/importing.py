"""Importing case files and the field's formats, ``post captures``, and the demo."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from cli.options import open_ledger, settings
from cli.render import say
from cli.tables import timeline_table
from domain.errors import InvalidError
from ledger.demo import CASE, COMMENT, POST, load_example
from ledger.formats.field_formats import recorded_lines
from ledger.formats.output import write_text
from ledger.formats.registry import CASE_FILE, JSONL, get_format, importing, recorded_as
from ledger.formats.wording import counted


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--dry-run", is_flag=True, help="Check every entry against the ledger; write nothing.")
@click.option(
    "--format",
    "format_",
    type=click.Choice(importing()),
    default=CASE_FILE.name,
    show_default=True,
    help="What FILE is: a case file (TOML or JSON Lines, by extension), a ledger export (jsonl), "
    "schema.org ClaimReview (claimreview), a Fact Check Tools claims:search response "
    "(factcheck-api), or a Wayback capture index of --post (cdx).",
)
@click.option(
    "--ratings",
    type=click.Path(dir_okay=False),
    help="claimreview, factcheck-api: a JSON object of rating label -> rebutted|supported|unrated, "
    "over the default table (docs/interop.md).",
)
@click.option("--post", metavar="POST_REF", help="cdx: the post the captures are of.")
@click.option(
    "--replay-base",
    metavar="URL",
    help="cdx: where captures replay, BASE/TIMESTAMP/URL (default https://web.archive.org/web).",
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
    *,
    file: Path | None,
    dry_run: bool,
    format_: str,
    ratings: str | None,
    post: str | None,
    replay_base: str | None,
    export: Path | None,
    upgrade_leaves: bool,
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

    claimreview, factcheck-api and cdx imports record only what is new:
    the same file twice records nothing the second time, and a changed
    rating is a revised verdict (docs/interop.md). An error names the file,
    the item and the field.

    \b
    Example:
      ledger import examples/labour-harris-2024.toml --dry-run
      ledger import examples/labour-harris-2024.toml
      ledger --db copy.db import --from-export story.jsonl
      ledger import --format claimreview examples/claimreview-feed.json
      ledger import --format cdx examples/captures.cdx --post post/social-example-mquill-1001-cc34b5a5
    """
    if export is not None:
        if file is not None or dry_run:
            raise click.UsageError("--from-export takes no case file and no --dry-run")
        if upgrade_leaves:
            summary = open_ledger(create=True).import_export(export, upgrade_leaves=True)
            click.echo(
                f"imported {counted(summary.events, 'event')} from {export}, their leaves upgraded to v2 "
                f"(a new root; the old checkpoints are not carried; origin {summary.origin})"
            )
            return
        file, format_ = export, JSONL.name
    if upgrade_leaves:
        raise click.UsageError("--upgrade-leaves goes with --from-export")
    if file is None:
        raise click.UsageError("name a file to import, or --from-export FILE")
    chosen = get_format(format_)
    if chosen.import_ is None:  # pragma: no cover  (the choices are the importing formats)
        raise click.UsageError(f"the {format_} format cannot be imported")
    supplied = {"ratings": ratings, "post": post, "replay_base": replay_base}
    options = {name: value for name, value in supplied.items() if value is not None}
    for name in options:
        if name not in chosen.options:
            raise click.UsageError(f"--{name.replace('_', '-')} does not go with --format {format_}")
    for name, required in chosen.options.items():
        if required and name not in options:
            raise click.UsageError(f"--format {format_} needs --{name.replace('_', '-')}")
    if chosen.restore is not None and not dry_run:
        # A whole ledger: the new ledger appears only once the import is complete.
        given = settings()
        say(chosen.restore(given.db, file, given.by))
        return
    try:  # an unreadable input is refused before a ledger is made for it
        file.open("rb").close()
    except OSError as error:
        what = "the case file" if chosen is CASE_FILE else f"the {format_} file"
        raise InvalidError(f"{str(file)[:100]}: cannot read {what}: {error.strerror or error}") from None
    # A dry run needs an existing ledger (a jsonl export's is refused before anything is made).
    ledger = open_ledger(create=not dry_run)
    say(chosen.import_(ledger, file, dry_run, **options))


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
    # The log, not the case file, is what the reader explores: its one case link records 4 entries.
    say(f"Loaded the seed story into {target}: {recorded_as(result.entries, ledger.head)}")
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
    say(recorded_lines(result.file, result))
