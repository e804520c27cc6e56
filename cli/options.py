"""What every command shares: the global settings, opening the ledger, common options."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cli.settings import WHEN_HELP, Settings
from domain.errors import InvalidError

if TYPE_CHECKING:
    from domain.worldtime import WorldTime
    from ledger import Ledger

__all__ = [
    "WHEN_HELP",
    "Settings",
    "clock_options",
    "open_ledger",
    "parse_as_of",
    "parse_when",
    "when_option",
]

F = TypeVar("F", bound=Callable[..., Any])


def settings() -> Settings:
    """The global options of the command being run."""
    return click.get_current_context().find_object(Settings) or Settings(db=None, by=None)


def open_ledger(*, create: bool = False, db: str | None = None) -> Ledger:
    """Open the ledger at ``db``, else where the global options say; closed when the command ends.

    Reading commands pass ``create=False`` so that they never create a file.
    """
    # Imported here: ``ledger timeline`` on caught-up views reads without the ledger (cli.timeline).
    from ledger import Ledger  # noqa: PLC0415

    given = settings()
    ledger = Ledger.open(db or given.db, recorded_by=given.by, create=create)
    if ledger.read_only:
        click.echo(f"Note: {ledger.url} is read-only: answering from the log, without the views", err=True)
    return click.get_current_context().with_resource(ledger)


def parse_when(ctx: click.Context, param: click.Parameter, value: str | None) -> WorldTime | None:
    """Read a world time option; a time without a zone is read as UTC."""
    if value is None:
        return None
    from domain.worldtime import WorldTime  # noqa: PLC0415

    try:
        return WorldTime.parse(value, assume_utc=True)
    except InvalidError as error:
        # Bad data, not bad usage: a ledger error (exit 1) that names the option.
        raise InvalidError(f"{param.opts[0]}: {error}") from None


def when_option(
    name: str = "--at", *, required: bool = True, help: str = "when it happened"
) -> Callable[[F], F]:
    """An option taking a world time (``--at`` unless named otherwise)."""
    return click.option(
        name, required=required, metavar="WHEN", callback=parse_when, help=f"{help}: {WHEN_HELP}."
    )


AS_OF_HELP = (
    "what the ledger knew then: a log position (as ledger log prints them), or a record time, "
    "2024-10-18 (by the end of that day) or 2024-10-18T14:03Z; a time without a zone is read as UTC"
)


def parse_as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> int | datetime | None:
    """Read ``--as-of``: digits are a log position, anything else a record time (UTC unless zoned)."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return int(text)
    from ledger.asof import parse_record_time  # noqa: PLC0415

    try:
        return parse_record_time(text, assume_utc=True)
    except InvalidError as error:
        raise InvalidError(f"{param.opts[0]}: {error}") from None


def clock_options(command: F) -> F:
    """``--at WHEN`` (a world time) and ``--as-of WHEN|POSITION`` (what the ledger knew), for reading."""
    command = click.option(
        "--as-of", "as_of", metavar="WHEN|POSITION", callback=parse_as_of, help=f"As {AS_OF_HELP}."
    )(command)
    return when_option(
        required=False, help="The world then: only what may have happened by that time, and the status then"
    )(command)
