"""Counts in what the CLI prints agree with their number: "1 hit", "1 entry", "2 entries"."""

from __future__ import annotations

from pathlib import Path

from cli_helpers import Run


def test_one_search_hit_is_one_hit(story: Path, run: Run) -> None:
    many = run("search", "Harris").stdout.splitlines()[0]
    assert many.endswith(" hits")
    assert not many.startswith("1 ")
    one = run("search", "Harris", "--limit", "1").stdout.splitlines()[0]
    assert one == "1 hit"
    assert run("search", "nothingmatchesthis").stdout.splitlines()[0] == "0 hits"


def test_a_timeline_of_one_entry_says_one_entry(run: Run) -> None:
    run("actor", "add", "actor/desk", "--name", "Desk", "--kind", "organization")
    assert run("timeline", "actor/desk").stdout.splitlines()[0] == "Timeline of actor/desk: 1 entry"
    run("actor", "rename", "actor/desk", "--name", "The desk", "--at", "2024-10-18")
    assert run("timeline", "actor/desk").stdout.splitlines()[0] == "Timeline of actor/desk: 2 entries"


def test_one_event_verified_exported_and_imported(tmp_path: Path, run: Run) -> None:
    run("actor", "add", "actor/desk", "--name", "Desk", "--kind", "organization")
    assert run("verify").stdout.startswith("verified 1 event, root ")
    out = tmp_path / "one.jsonl"
    assert run("export", "--output", str(out)).stderr.startswith("exported 1 event and 0 checkpoints to ")
    imported = run("--db", str(tmp_path / "copy.db"), "import", "--from-export", str(out))
    assert "imported 1 event and 0 checkpoints from " in imported.stdout + imported.stderr
