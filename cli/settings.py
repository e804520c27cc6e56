"""The global options every command shares, and the help text of a world time: light to import."""

from __future__ import annotations

from dataclasses import dataclass

WHEN_HELP = (
    "a world time: 2024-10-17T14:03Z, 2024-10-17T14:03+01:00, 2024-10-17, 2024-10, 2024, "
    "or a window 2024-10-16..2024-10-18; a time without a zone is read as UTC"
)


@dataclass(frozen=True)
class Settings:
    """The global options: where the ledger is and who records."""

    db: str | None
    by: str | None
