"""``ledger timeline``: what a fact-checker waits for, so it starts light.

On a SQLite ledger whose views are up to date, the table is printed from the
views and the stored JSON (:mod:`projections.stored_timeline`) without
importing the ledger, eventsourcing, pydantic or the domain's models; with a
clock, as JSON, on PostgreSQL, with views behind, or whenever that reader is
unsure, the ledger answers (catching the views up) and its errors are the
ones shown. Both print through :func:`cli.tables.timeline_table`.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

import click

from cli.options import clock_options, open_ledger
from cli.render import Format, emit, output_options, say
from cli.stored import UNSURE, stored_ledger
from cli.tables import timeline_table
from projections.stored_timeline import StoredTimelineEntry, StoredTimelines

if TYPE_CHECKING:
    from domain.worldtime import WorldTime

T = TypeVar("T")


@click.command()
@click.argument("ref")
@clock_options
@output_options()
def timeline(ref: str, at: WorldTime | None, as_of: int | datetime | None, fmt: Format) -> None:
    """Print the timeline of REF: its entries and those of subjects pointing at it.

    Entries are ordered by world time (earliest possible moment first), then
    by the order they were recorded; acts of the ledger itself (registering,
    linking) have no world time and are placed at their record time.
    --as-of shows it as the ledger knew it then; --at keeps what may have
    happened by that world time and says where REF stood.

    \b
    Example:
      ledger timeline post/labour-linkedin-invite
      ledger timeline comment/newsweek-to-labour-press --json
      ledger timeline post/labour-linkedin-invite --at 2024-10-16 --as-of 30
    """
    if at is None and as_of is None and fmt == "table":
        stored = stored_timeline(ref)
        if stored is not None:
            for line in timeline_table(ref, stored):
                say(line)
            return
    from cli.views import clock_lines  # noqa: PLC0415
    from ledger.formats.shapes import timeline_entry_json  # noqa: PLC0415

    result = open_ledger().timeline(ref, at=at, as_of=as_of)
    table = functools.partial(timeline_table, result.subject)
    if at is not None or as_of is not None:
        table = functools.partial(_on_clocks, table, clock_lines(result, as_of=as_of is not None))
    emit(result.entries, fmt, to_json=timeline_entry_json, table=table)


def stored_timeline(ref: str, db: str | None = None) -> list[StoredTimelineEntry] | None:
    """The timeline of ``ref`` read from an up-to-date SQLite ledger's views alone; None when the ledger
    must answer (see :func:`cli.stored.stored_ledger`, views behind, or anything unexpected)."""
    connection = stored_ledger(db)
    if connection is None:
        return None
    try:
        with closing(connection):
            connection.execute("BEGIN")  # one snapshot: the head and the rows read agree
            read = StoredTimelines(connection).timeline(ref)
    except (sqlite3.Error, *UNSURE):
        return None
    return None if read is None else read[1]


def _on_clocks(
    table: Callable[[Iterable[T]], Iterator[str]], clocks: list[str], items: Iterable[T]
) -> Iterator[str]:
    """A table whose title is followed by what the clocks were set to."""
    lines = iter(table(items))
    yield next(lines)
    yield from clocks
    yield from lines
