"""``ledger report``: the timeline of a subject as a self-contained HTML page or Markdown."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from cli.options import clock_options, open_ledger
from cli.render import say
from domain.worldtime import WorldTime
from ledger.formats.output import write_text


@click.command("report")
@click.argument("ref")
@clock_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "md"]),
    default="html",
    show_default=True,
    help="HTML (inline CSS and SVG, no script, prints on A4) or Markdown.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE, which appears only once complete (default: standard output).",
)
def report(
    ref: str, at: WorldTime | None, as_of: int | datetime | None, fmt: str, output: Path | None
) -> None:
    """Write the timeline of REF (a post, claim, request or case) as a report.

    The picture draws each subject on a world-time axis, with a thinner
    record-time axis below; the entries follow as a table with their sources
    and quotes, and the log's origin, head, root and checkpoint let a printed
    copy be checked against a proof.

    \b
    Example:
      ledger report post/labour-linkedin-invite --output post.html
      ledger report case/labour-staff-us-campaign --format md
      ledger report comment/newsweek-to-labour-press --as-of 30 --output then.html
    """
    text = open_ledger().report(ref, at=at, as_of=as_of, format=fmt)
    if output is None:
        say(text.rstrip("\n"))
        return
    write_text(output, text, what="report")
    say(f"wrote the report of {ref} to {output}")
