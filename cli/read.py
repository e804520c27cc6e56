"""Reading commands: timelines, states, listings, the log and the auditor's replay.

None of them creates a ledger: they open an existing one or fail.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import TypeVar

import click

from cli.options import clock_options, open_ledger
from cli.render import Format, echo_json, emit, output_options, say
from cli.tables import list_table, replay_lines, state_table
from cli.views import state_at_table
from domain.worldtime import WorldTime
from ledger.formats.shapes import (
    replayed_json,
    row_json,
    state_at_json,
    state_json,
)
from projections.listing import SUBJECT_FILTERS
from projections.queries import status_choices

T = TypeVar("T")


@click.command()
@click.argument("ref")
@click.option("--version", type=click.IntRange(min=1), metavar="N", help="The state after entry N.")
@clock_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(
    ref: str, version: int | None, at: WorldTime | None, as_of: int | datetime | None, as_json: bool
) -> None:
    """Print the current state of REF (or its state at version N).

    --as-of shows what the ledger knew then. --at says where REF stood at that
    world time (a post not yet published, live, deleted; unknown while the
    times of its entries straddle it) and its state after the entries that
    surely had happened by then.

    \b
    Example:
      ledger show post/labour-linkedin-invite
      ledger show post/labour-linkedin-invite --version 1 --json
      ledger show post/labour-linkedin-invite --at 2024-10-16
    """
    ledger = open_ledger()
    if at is None:
        state = ledger.get(ref, version=version, as_of=as_of)
        lines, data = state_table(state), state_json(state)
    else:
        placed = ledger.get(ref, version=version, at=at, as_of=as_of)
        lines, data = state_at_table(placed), state_at_json(placed)
    if as_json:
        echo_json(data)
    else:
        for line in lines:
            say(line)


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
    def command(
        fmt: Format, at: WorldTime | None, as_of: int | datetime | None, **filters: str | None
    ) -> None:
        rows = open_ledger().rows(kind, filters, at=at, as_of=as_of)
        emit(rows, fmt, to_json=row_json, table=functools.partial(list_table, kind, at=at is not None))

    # comment/... names a request for comment (sent to someone), never a reader's comment.
    what = "requests for comment (comment/...)" if kind == "comment" else name
    command.__doc__ = (
        f"List {what}, in the order they were recorded.\n\n"
        "--as-of lists them as the ledger knew them then; with --at, --status is\n"
        "the status at that world time (or unknown, while the times straddle it).\n\n"
        f"\b\nExample:\n  ledger list {name} {example}\n  ledger list {name} --at 2024-10-17 --as-of 30"
    )
    decorated = output_options()(clock_options(command))
    for spec in reversed(SUBJECT_FILTERS[kind]):
        choices = status_choices(kind, at=True) if spec.name == "status" else spec.choices
        choice = click.Choice(choices) if choices else None
        decorated = click.option(f"--{spec.name}", type=choice, help=f"Only those {spec.help}.")(decorated)
    return list_group.command(name)(decorated)


for _name, (_kind, _example) in LISTINGS.items():
    _listing(_name, _kind, _example)


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
    emit(open_ledger().replay(until=until), fmt, to_json=replayed_json, table=replay_lines)
