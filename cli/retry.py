"""Every command retries when it loses a race with another writer (the policy: :mod:`ledger.policy`)."""

from __future__ import annotations

import click

from ledger.policy import retry_on_conflict


def retry_command(command: click.Command) -> None:
    """Make ``command`` (and every command under it, for a group) retry on conflict."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            retry_command(sub)
    elif command.callback is not None:
        command.callback = retry_on_conflict(command.callback)


def retry_every_command(group: click.Group) -> None:
    """Make every command under ``group`` retry on conflict."""
    for command in group.commands.values():
        retry_command(command)
