"""The ``ledger`` command line."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import click

from cli import integrity


def _version() -> str:
    try:
        return version("provenance-ledger")
    except PackageNotFoundError:
        return "unknown"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), prog_name="ledger")
def ledger() -> None:
    """A provenance ledger of posts, claims, reviews and requests for comment."""


integrity.register(ledger)


def main() -> None:
    """Run the ``ledger`` command."""
    ledger()
