"""Reading commands: timelines, states, listings, the log and the auditor's replay.

None of them creates a ledger: they open an existing one or fail.
"""

from __future__ import annotations

import functools
from itertools import islice
from typing import Any

import click

from cli.options import open_ledger
from cli.render import Format, echo_json, emit, entry_json, output_options, state_json
from cli.tables import list_table, log_lines, replay_lines, state_table, timeline_table
from domain import State
from domain.events import LogEntry
from projections.listing import SUBJECT_FILTERS
from projections.timeline import TimelineEntry


@click.command()
@click.argument("ref")
@output_options()
def timeline(ref: str, fmt: Format) -> None:
    """Print the timeline of REF: its entries and those of subjects pointing at it.

    Entries are ordered by world time (earliest possible moment first), then
    by the order they were recorded; acts of the ledger itself (registering,
    linking) have no world time and are placed at their record time.

    \b
    Example:
      ledger timeline post/labour-linkedin-invite
      ledger timeline comment/newsweek-to-labour-press --json
    """
    result = open_ledger().timeline(ref)
    emit(result.entries, fmt, to_json=_timeline_json, table=functools.partial(timeline_table, result.subject))


def _timeline_json(entry: TimelineEntry) -> dict[str, Any]:
    return entry.model_dump(mode="json")


@click.command()
@click.argument("ref")
@click.option("--version", type=click.IntRange(min=1), metavar="N", help="The state after entry N.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(ref: str, version: int | None, as_json: bool) -> None:
    """Print the current state of REF (or its state at version N).

    \b
    Example:
      ledger show post/labour-linkedin-invite
      ledger show post/labour-linkedin-invite --version 1 --json
    """
    state = open_ledger().get(ref, version=version)
    if as_json:
        echo_json(state_json(state))
    else:
        for line in state_table(state):
            click.echo(line)


@click.group("list")
def list_group() -> None:
    """List subjects of one kind, with filters."""


LISTINGS = {
    "actors": ("actor", "--kind organization"),
    "sources": ("source", "--kind regulation"),
    "posts": ("post", "--status deleted"),
    "claims": ("claim", "--status rebutted --claimant actor/elon-musk"),
    "comments": ("comment", "--status awaiting"),
    "cases": ("case", "--subject post/labour-linkedin-invite"),
}
"""Each listing by its command name: the kind it lists, and an example of its filters."""


def _listing(name: str, kind: str, example: str) -> click.Command:
    def command(fmt: Format, **filters: str | None) -> None:
        states = open_ledger().list_subjects(kind, **filters)
        emit(states, fmt, to_json=state_json, table=functools.partial(list_table, kind))

    command.__doc__ = (
        f"List {name}, in the order they were recorded.\n\n\b\nExample:\n  ledger list {name} {example}"
    )
    decorated = output_options()(command)
    for spec in reversed(SUBJECT_FILTERS[kind]):
        choice = click.Choice(spec.choices) if spec.choices else None
        decorated = click.option(f"--{spec.name}", type=choice, help=f"Only those {spec.help}.")(decorated)
    return list_group.command(name)(decorated)


for _name, (_kind, _example) in LISTINGS.items():
    _listing(_name, _kind, _example)


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
    entries = open_ledger().log(after)
    emit(entries if limit is None else islice(entries, limit), fmt, to_json=entry_json, table=log_lines)


@click.command()
@click.option("--until", type=click.IntRange(min=0), metavar="POSITION", help="Stop at this position.")
@output_options()
def replay(until: int | None, fmt: Format) -> None:
    """Replay the log: every event in order with the state of its subject after it.

    Streams in constant memory, whatever the size of the ledger.

    \b
    Example:
      ledger replay --until 20
      ledger replay --nl > replay.jsonl
    """
    emit(open_ledger().replay(until=until), fmt, to_json=_replayed_json, table=replay_lines)


def _replayed_json(replayed: tuple[LogEntry, State]) -> dict[str, Any]:
    entry, state = replayed
    return {**entry_json(entry), "state": state_json(state)}
