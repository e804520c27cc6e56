"""Reading commands on the seed story: timeline, show, list, log, replay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import Run

from ledger import Ledger
from ledger.demo import COMMENT, POST
from ledger.formats.shapes import state_json

TIMELINE_KEYS = [
    "position",
    "recorded_at",
    "subject",
    "version",
    "type",
    "occurred_at",
    "summary",
    "actor",
    "recorded_by",
    "sources",
    "note",
    "details",
    "corrections",
]


def test_timeline_is_an_aligned_table_that_fits_the_terminal(run: Run, story: Path) -> None:
    out = run("timeline", POST).stdout
    lines = out.splitlines()
    assert lines[0] == f"Timeline of {POST}: 8 entries"
    header, rule = lines[2], lines[3]
    # The rule under the header marks where each column starts; every line keeps to them.
    starts = [i for i, char in enumerate(rule) if char == "-" and (i == 0 or rule[i - 1] == " ")]
    assert [header[start:].split("  ")[0] for start in starts] == [
        "WHEN",
        "WHAT",
        "WHO / SOURCES",
        "RECORDED",
    ]
    for line in lines[4:]:
        for start in starts[1:]:
            assert len(line) <= start or line[start - 2 : start] == "  ", line
    assert max(len(line) for line in lines) <= 120
    # World time with its precision, who, the sources, record time and recorder.
    assert "2024-10-14..2024-10-17  post/labour-linkedin-invite v1 PostPublished" in out
    assert "(window)" in out
    assert "actor/labour-senior-member" in out
    assert "source/linkedin-post-capture" in out
    assert "by desk" in out


def test_timeline_json_is_valid_stable_and_complete(run: Run, story: Path) -> None:
    first = run("timeline", POST, "--json").stdout
    assert run("timeline", POST, "--json").stdout == first
    entries = json.loads(first)
    assert [list(entry) for entry in entries] == [TIMELINE_KEYS] * 8
    with Ledger.open(story, create=False) as ledger:
        expected = [e.model_dump(mode="json") for e in ledger.timeline(POST).entries]
    assert entries == expected
    assert entries[1]["occurred_at"] == {
        "earliest": "2024-10-14T00:00:00Z",
        "latest": "2024-10-18T23:59:59.999999Z",
        "precision": "window",
    }


def test_timeline_nl_prints_one_json_object_a_line(run: Run, story: Path) -> None:
    lines = run("timeline", COMMENT, "--nl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == json.loads(run("timeline", COMMENT, "--json").stdout)


def test_show_prints_the_state_now_and_at_a_version(run: Run, story: Path) -> None:
    now = run("show", POST).stdout
    assert [line.split(None, 1) for line in now.splitlines() if line.startswith("status ")] == [
        ["status", "deleted"]
    ]
    fields = dict(line.split(None, 1) for line in now.splitlines()[2:] if " " in line.strip())
    assert fields["deleted_at"] == "2024-10-14..2024-10-18 (window)"
    assert fields["metrics"] == "(none)"
    before = json.loads(run("show", POST, "--version", "1", "--json").stdout)
    assert (before["version"], before["status"], before["deleted_at"]) == (1, "live", None)
    with Ledger.open(story, create=False) as ledger:
        assert json.loads(run("show", POST, "--json").stdout) == state_json(ledger.get(POST))


def test_show_json_includes_what_the_state_derives(run: Run, story: Path) -> None:
    claim = json.loads(run("show", "claim/musk-this-is-illegal", "--json").stdout)
    assert (claim["status"], claim["verdict"]) == ("rebutted", "Lacks evidence")


@pytest.mark.parametrize(
    ("args", "refs"),
    [
        (["posts", "--status", "deleted"], ["post/labour-linkedin-invite"]),
        (
            ["posts", "--platform", "x", "--in-reply-to", "post/cheong-x-labour-politicians"],
            ["post/musk-x-this-is-illegal"],
        ),
        (["claims", "--status", "rebutted", "--claimant", "actor/elon-musk"], ["claim/musk-this-is-illegal"]),
        (["claims", "--about", "claim/cheong-hundred-politicians"], ["claim/musk-this-is-illegal"]),
        (["claims", "--verdict", "inaccurate"], ["claim/cheong-hundred-politicians"]),
        (["claims", "--status", "open"], []),
        (["comments", "--status", "awaiting", "--recipient", "actor/labour-press-office"], [COMMENT]),
        (["sources", "--kind", "regulation"], ["source/fec-foreign-nationals"]),
        (["cases", "--subject", COMMENT], ["case/labour-staff-us-campaign"]),
        (
            ["actors", "--kind", "organization"],
            [
                "actor/newsweek",
                "actor/labour-party",
                "actor/labour-press-office",
                "actor/politico",
                "actor/fec",
                "actor/bbc",
            ],
        ),
    ],
)
def test_list_filters(run: Run, story: Path, args: list[str], refs: list[str]) -> None:
    listed = json.loads(run("list", *args, "--json").stdout)
    assert [state["ref"] for state in listed] == refs
    table = run("list", *args).stdout.splitlines()
    assert [line.split()[0] for line in table[2:]] == refs


def test_list_table_has_the_columns_of_its_kind(run: Run, story: Path) -> None:
    lines = run("list", "claims").stdout.splitlines()
    assert lines[0].split() == ["REF", "STATUS", "VERDICT", "CLAIMANT", "IN", "MADE"]
    assert lines[2].split()[:3] == ["claim/cheong-hundred-politicians", "rebutted", "Inaccurate"]


def test_log_after_and_limit(run: Run, story: Path) -> None:
    entries = json.loads(run("log", "--after", "30", "--limit", "5", "--json").stdout)
    assert [e["position"] for e in entries] == [31, 32, 33, 34, 35]
    assert list(entries[0]) == ["position", "recorded_at", "subject", "version", "type", "event"]
    nl = run("log", "--after", "30", "--limit", "5", "--nl").stdout.splitlines()
    assert [json.loads(line) for line in nl] == entries
    table = run("log", "--after", "35").stdout.splitlines()
    assert [line.split()[0] for line in table] == ["POSITION", "36", "37"]
    assert run("log", "--after", "37", "--json").stdout == "[]\n"


def test_replay_gives_every_event_with_the_state_it_produced(run: Run, story: Path) -> None:
    lines = run("replay", "--until", "25", "--nl").stdout.splitlines()
    replayed = [json.loads(line) for line in lines]
    assert [r["position"] for r in replayed] == list(range(1, 26))
    with Ledger.open(story, create=False) as ledger:
        for r in replayed:
            assert r["state"] == state_json(ledger.get(r["subject"], version=r["version"]))
    table = run("replay", "--until", "2").stdout.splitlines()
    assert len(table) == 1 + 2 * 2
    assert json.loads(table[2].split("= ", 1)[1])["name"] == "Newsweek"


def test_replay_in_bounded_memory_reads_evicted_states_back(story: Path) -> None:
    with Ledger.open(story, create=False) as ledger:
        everything = list(ledger.replay(cache_size=1000))
        # With room for one state only, every return to an earlier subject is a cache miss.
        assert list(ledger.replay(cache_size=1)) == everything
        for entry, state in everything:
            assert state == ledger.get(entry.subject, version=entry.version)


@pytest.mark.parametrize(
    "args",
    [
        ["timeline", POST],
        ["show", POST],
        ["list", "posts"],
        ["log"],
        ["replay"],
    ],
)
def test_reading_commands_never_create_a_ledger(run: Run, db: Path, args: list[str]) -> None:
    result = run(*args, expect=1)
    assert result.stderr == f"Error: no ledger at {db}\n"
    assert not db.exists()
