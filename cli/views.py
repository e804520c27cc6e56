"""The views on the command line: both clocks in what reading commands print, and ``ledger projections``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import click

from cli.options import open_ledger
from cli.render import Format, emit, output_options, table, world_time
from cli.tables import state_table
from ledger.formats.shapes import view_status_json
from projections.queries import StateAt
from projections.runner import VIEWS, ViewStatus
from projections.timeline import Timeline


def where(status: str, possible: tuple[str, ...]) -> str:
    """A status at a world time: ``deleted``, or ``unknown (live or deleted)``."""
    if status != "unknown" or not possible:
        return status
    return f"unknown ({', '.join(possible[:-1])} or {possible[-1]})"


def clock_lines(timeline: Timeline, *, as_of: bool) -> list[str]:
    """What a timeline's clocks were set to (``as_of``: the position was asked for), under its title."""
    lines = []
    if as_of and timeline.as_of is not None:
        lines.append(f"As the ledger knew it at log position {timeline.as_of}.")
    if timeline.at is not None and timeline.status_at is not None:
        status = where(timeline.status_at, timeline.possible)
        lines.append(
            f"At {world_time(timeline.at)}: {timeline.subject} {status}; only what may have happened by then."
        )
    return lines


def state_at_table(placed: StateAt) -> Iterator[str]:
    """A subject at a world time: where it stood, then its state after what surely had happened."""
    pending = ", ".join(f"v{version}" for version in placed.pending) or "-"
    rows = [
        ("at", world_time(placed.at)),
        ("status then", where(placed.status, placed.possible)),
        ("as of position", str(placed.as_of)),
        ("may have happened", pending),
    ]
    yield from table(("SUBJECT", placed.ref), rows)
    yield ""
    if placed.state is None:
        yield "Nothing of it had surely happened by then."
    else:
        yield "Its state after the entries that surely had happened by then:"
        yield from state_table(placed.state)


@click.group("projections")
def projections() -> None:
    """The materialised views behind timelines and lists: where each stands, and rebuilding them.

    Reading commands bring the views up to date themselves; these commands
    are for looking at them and for starting one again from the log.

    \b
    Example:
      ledger projections status
      ledger projections rebuild posts
    """


@projections.command("status")
@output_options(nl=False)
def status(fmt: Format) -> None:
    """Print each view's log position and how many entries of the log it has yet to take in.

    \b
    Example:
      ledger projections status
      ledger projections status --json
    """
    emit(open_ledger().projections_status(), fmt, to_json=view_status_json, table=_status_table)


def _status_table(views: Iterable[ViewStatus]) -> Iterator[str]:
    rows = [(view.view, str(view.position), str(view.head), str(view.lag)) for view in views]
    yield from table(("VIEW", "POSITION", "HEAD", "LAG"), rows)


@projections.command("catch-up")
def catch_up() -> None:
    """Bring every view up to the last entry of the log, so other readers of the database see fresh rows.

    Queries catch up by themselves; run this after a large import, or before
    other tools read the views' tables directly.

    \b
    Example:
      ledger projections catch-up
      ledger --quiet projections catch-up
    """
    head = open_ledger().catch_up_projections()
    click.echo(f"every view is up to log position {head}")


@projections.command("rebuild")
@click.argument("view", required=False, metavar="[VIEW]", type=click.Choice(VIEWS))
def rebuild(view: str | None) -> None:
    """Drop VIEW (every view by default) and build it again from the whole log.

    VIEW is one of timeline, actors, sources, posts, claims, comments, cases.

    \b
    Example:
      ledger projections rebuild
      ledger projections rebuild timeline
    """
    head = open_ledger().rebuild_projections(view)
    click.echo(f"rebuilt {view or 'every view'} up to log position {head}")
