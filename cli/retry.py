"""Every command retries when it loses a race with another writer (the policy: :mod:`ledger.policy`)."""

from __future__ import annotations

import click

from ledger.policy import retry_on_conflict


def retry_every_command(group: click.Group) -> None:
    """Make every command under ``group`` retry on conflict."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            retry_every_command(command)
        elif command.callback is not None:
            command.callback = retry_on_conflict(command.callback)
