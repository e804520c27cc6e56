"""``ledger log``: the raw log, streamed, read from the stored JSON when it can be.

On a SQLite ledger the table is printed from the stored rows with ``sqlite3``
alone (:func:`projections.stored_timeline.stored_log`), without importing the
ledger, eventsourcing, pydantic or the domain's models. At the first entry it
cannot read as expected, it hands the rest of the log over to the ledger,
which prints the same lines from there or raises its own error there; JSON,
PostgreSQL and read-only files are the ledger's from the start.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from itertools import islice

import click

from cli.options import open_ledger
from cli.render import Format, emit, output_options, say
from cli.stored import UNSURE, stored_ledger
from cli.tables import LOG_HEADER, log_line, log_lines
from projections.stored_timeline import log_head, stored_log


@click.command("log")
@click.option("--after", type=click.IntRange(min=0), default=0, metavar="POSITION", help="Start after it.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N", help="At most N entries.")
@output_options()
def log(after: int, limit: int | None, fmt: Format) -> None:
    """Print the raw event log in order, streamed, with positions and record times.

    \b
    Example:
      ledger log --after 30 --limit 5
      ledger log --nl
    """
    connection = stored_ledger() if fmt == "table" else None
    if connection is not None:
        with closing(connection):
            try:
                past_head = after > log_head(connection)
            except sqlite3.Error:
                past_head = True  # the ledger says what is wrong
            if not past_head:  # past the head, the ledger says where the log ends
                for line in _stored_lines(connection, after, limit):
                    say(line)
                return
    from ledger.formats.shapes import entry_json  # noqa: PLC0415

    entries = open_ledger().log(after)
    emit(entries if limit is None else islice(entries, limit), fmt, to_json=entry_json, table=log_lines)


def _stored_lines(connection: sqlite3.Connection, after: int, limit: int | None) -> Iterator[str]:
    """The log's lines from the stored JSON; from the first entry it cannot read, the ledger's."""
    yield LOG_HEADER
    shown, last = 0, after
    try:
        for entry in stored_log(connection, after):
            yield log_line(entry, entry.summary)
            shown, last = shown + 1, entry.position
            if shown == limit:
                return
    except (sqlite3.Error, *UNSURE):
        pass
    else:
        return
    rest = open_ledger().log(last)
    yield from islice(log_lines(rest), 1, None if limit is None else limit - shown + 1)
