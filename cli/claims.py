"""Recording commands for claims, their reviews, and requests for comment.

The commands are declared from the models of :mod:`ledger.commands` (see
:mod:`cli.record`); this module holds their groups.
"""

from __future__ import annotations

import click

from cli.record import add_commands


@click.group()
def claim() -> None:
    """Record claims, where they appeared, and their reviews."""


@click.group()
def comment() -> None:
    """Record requests for comment and what came of them."""


add_commands(claim, comment)
