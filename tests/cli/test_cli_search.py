"""``ledger search``: the search view from the command line, as a table or JSON."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import Run


def test_search_prints_hits_with_marked_snippets(run: Run, story: Path) -> None:
    table = run("search", "labour staff", "--kind", "post").stdout.splitlines()
    assert table[0] == "1 hit"
    assert table[2].split() == ["SUBJECT", "VERSION", "FIELD", "SNIPPET"]
    assert table[4].startswith("post/labour-linkedin-invite")
    assert "«Labour» Party «staff»" in " ".join(table[4:])


def test_search_json_and_clocks(run: Run, story: Path) -> None:
    hits = json.loads(run("search", "harris", "--json", "--limit", "50").stdout)
    assert {hit["kind"] for hit in hits} >= {"case", "comment", "claim"}
    for hit in hits:
        start, end = hit["highlights"][0]
        assert hit["snippet"][start:end].casefold() == "harris"
    assert json.loads(run("search", "harris", "--as-of", "1", "--json").stdout) == []
    early = json.loads(run("search", "harris", "--at", "2024-10-01", "--json", "--limit", "50").stdout)
    assert len(early) < len(hits)


def test_bad_searches_are_one_line(run: Run, story: Path) -> None:
    assert run("search", " ", expect=1).stderr == "Error: a search needs at least one word\n"
    assert "Invalid value for '--kind'" in run("search", "x", "--kind", "tweet", expect=2).stderr
