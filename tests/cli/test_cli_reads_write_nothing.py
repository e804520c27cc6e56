"""Reading an up-to-date ledger leaves its file as it was, byte for byte.

A read that wrote (even an empty write transaction, or views dropped and made again) changes the
file's change counter and schema cookie: backups see a new file on every read, and an auditor who
hashes the file cannot tell a read from a write.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from cli_helpers import Run

READS = [
    ("show", "post/labour-linkedin-invite"),
    ("show", "post/labour-linkedin-invite", "--at", "2024-10-16", "--as-of", "30"),
    ("timeline", "post/labour-linkedin-invite"),
    ("timeline", "case/labour-staff-us-campaign", "--at", "2024-10-17", "--json"),
    ("list", "posts"),
    ("list", "claims", "--at", "2024-10-17", "--as-of", "30"),
    ("list", "comments", "--status", "awaiting"),
    ("log", "--limit", "5"),
    ("replay", "--until", "10"),
    ("search", "Harris"),
    ("report", "post/labour-linkedin-invite", "--format", "md"),
    ("projections", "status"),
    ("verify",),
    ("export", "--format", "prov-json", "post/labour-linkedin-invite"),
]


def _state(db: Path) -> dict[str, str]:
    """Every file of the ledger (the database and any -wal or -shm beside it) by its SHA-256."""
    files = db.parent.glob(db.name + "*")
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in files}


@pytest.mark.parametrize("args", READS, ids=lambda args: " ".join(args[:2]))
def test_a_read_of_a_current_ledger_changes_no_byte(story: Path, run: Run, args: tuple[str, ...]) -> None:
    run("list", "posts")  # the views catch up with the story once: that may write
    before = _state(story)
    assert set(before) == {story.name}
    run(*args)
    run(*args)
    assert _state(story) == before


def test_a_read_of_views_behind_the_log_catches_up_once(story: Path, run: Run) -> None:
    run("list", "posts")
    run("actor", "add", "actor/new-desk", "--name", "New desk", "--kind", "organization")
    recorded = _state(story)
    run("timeline", "actor/new-desk")  # the views were behind: catching up writes
    caught_up = _state(story)
    assert caught_up != recorded
    run("timeline", "actor/new-desk")
    assert _state(story) == caught_up
