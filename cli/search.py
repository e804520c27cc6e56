"""``ledger search``: full-text search of every text the ledger holds."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

import click

from cli.options import clock_options, open_ledger
from cli.render import Format, emit, output_options, table
from domain.refs import KINDS
from domain.worldtime import WorldTime
from ledger.formats.shapes import search_hit_json
from ledger.formats.wording import counted
from projections.search_view import SearchHit


@click.command()
@click.argument("text")
@click.option("--kind", type=click.Choice(KINDS), help="Only texts of subjects of this kind.")
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, metavar="N", help="At most N hits."
)
@clock_options
@output_options()
def search(
    text: str,
    *,
    kind: str | None,
    limit: int,
    at: WorldTime | None,
    as_of: int | datetime | None,
    fmt: Format,
) -> None:
    """Search every text the ledger holds for TEXT: each of its words, ignoring case.

    Post texts in every version (deleted posts too), claims, verdicts and
    rationales, evidence quotes, questions and answers, notes, titles and
    names; best first, each with its subject, version, field and a snippet
    (matches between « and »). Finds words inside any script, Chinese and
    Arabic included. --at keeps what may have happened by that world time;
    --as-of searches what the ledger held then.

    \b
    Example:
      ledger search "Labour staff"
      ledger search harris --kind claim --json
    """
    hits = open_ledger().search(text, kind=kind, at=at, as_of=as_of, limit=limit)
    emit(hits, fmt, to_json=search_hit_json, table=search_table)


def search_table(hits: Iterable[SearchHit]) -> Iterator[str]:
    """Hits as a table: subject, version, field, and the snippet with its matches marked « »."""
    rows = [(hit.subject, f"v{hit.version}", hit.field, _marked(hit)) for hit in hits]
    yield counted(len(rows), "hit")
    yield ""
    yield from table(("SUBJECT", "VERSION", "FIELD", "SNIPPET"), rows, wrap=3)


def _marked(hit: SearchHit) -> str:
    text, shown, last = hit.snippet, [], 0
    for start, end in hit.highlights:
        shown += [text[last:start], "«", text[start:end], "»"]
        last = end
    shown.append(text[last:])
    return "".join(shown)
