"""Retrying a command that lost a race with another writer, a bounded number of times.

A :class:`ConflictError` means another writer changed the same subject (or
held the write lock) first; the command is run again from the start, so it
checks its rules against what the other writer recorded. After
:data:`ATTEMPTS` attempts the error is reported, saying so.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import Any

import click

from domain.errors import ConflictError

#: Attempts of one command before its conflict is reported.
ATTEMPTS = 5


def retry_on_conflict(callback: Callable[..., Any]) -> Callable[..., Any]:
    """``callback``, run again after a short random pause each time it raises ConflictError."""

    @functools.wraps(callback)
    def retrying(*args: Any, **kwargs: Any) -> Any:
        attempt = 1
        while True:
            try:
                return callback(*args, **kwargs)
            except ConflictError as error:
                if attempt >= ATTEMPTS:
                    raise ConflictError(f"{error} (gave up after {ATTEMPTS} attempts)") from None
            # Random, growing pauses keep racing writers from colliding in step.
            time.sleep(random.uniform(0.01, 0.05) * attempt)  # noqa: S311  (not for security)
            attempt += 1

    return retrying


def retry_every_command(group: click.Group) -> None:
    """Make every command under ``group`` retry on conflict."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            retry_every_command(command)
        elif command.callback is not None:
            command.callback = retry_on_conflict(command.callback)
