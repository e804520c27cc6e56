"""Reading on both clocks from the command line (--at, --as-of) and ``ledger projections``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import Run, assert_one_error_line

from ledger import Ledger
from ledger.demo import COMMENT, POST

CHEONG = "claim/cheong-hundred-politicians"


def first_rebuttal(story: Path) -> int:
    with Ledger.open(story, create=False) as ledger:
        return next(entry.position for entry in ledger.log() if entry.type == "ClaimRebutted")


def test_timeline_as_of_before_the_rebuttals(run: Run, story: Path) -> None:
    before = str(first_rebuttal(story) - 1)
    entries = json.loads(run("timeline", POST, "--as-of", before, "--json").stdout)
    assert "ClaimRebutted" not in {entry["type"] for entry in entries}
    assert "ClaimRebutted" in {entry["type"] for entry in json.loads(run("timeline", POST, "--json").stdout)}
    lines = run("timeline", POST, "--as-of", before).stdout.splitlines()
    assert lines[:2] == [
        f"Timeline of {POST}: {len(entries)} entries",
        f"As the ledger knew it at log position {before}.",
    ]


def test_timeline_at_a_world_time_before_publication(run: Run, story: Path) -> None:
    out = run("timeline", POST, "--at", "2024-10-01").stdout.splitlines()
    assert out[1] == f"At 2024-10-01 (day): {POST} not-yet-published; only what may have happened by then."
    assert POST not in "\n".join(out[2:])


def test_show_at_a_world_time_and_as_of_a_position(run: Run, story: Path) -> None:
    placed = json.loads(run("show", POST, "--at", "2024-10-16", "--json").stdout)
    assert (placed["status"], placed["possible"], placed["pending"], placed["state"]) == (
        "unknown",
        ["not-yet-published", "live", "deleted"],
        [1, 2],
        None,
    )
    after = json.loads(run("show", POST, "--at", "2024-10-19", "--json").stdout)
    assert (after["status"], after["state"]["status"]) == ("deleted", "deleted")
    table = run("show", POST, "--at", "2024-10-19").stdout
    assert "status then" in table
    assert "deleted_at" in table
    assert json.loads(run("show", CHEONG, "--as-of", str(first_rebuttal(story) - 1), "--json").stdout)[
        "status"
    ] == ("open")


def test_list_deleted_posts_with_how_long_they_lived(run: Run, story: Path) -> None:
    (post,) = json.loads(run("list", "posts", "--status", "deleted", "--json").stdout)
    assert post["lived"] == {"shortest": "PT0S", "longest": "P4DT23H59M59.999999S"}
    assert "0 minutes..5 days" in run("list", "posts", "--status", "deleted").stdout


def test_list_claims_made_and_not_yet_rebutted_then(run: Run, story: Path) -> None:
    late = "2024-10-17T23:59:59.999999"
    listed = json.loads(run("list", "claims", "--status", "open", "--at", late, "--json").stdout)
    assert [row["ref"] for row in listed] == [CHEONG]
    table = run("list", "claims", "--at", late).stdout.splitlines()
    assert table[0].split()[:4] == ["REF", "STATUS", "THEN", "STATUS"]
    assert table[2].split()[:3] == [CHEONG, "open", "rebutted"]


def test_list_comments_awaiting_with_days_waiting(run: Run, story: Path) -> None:
    (request,) = json.loads(run("list", "comments", "--status", "awaiting", "--json").stdout)
    assert request["ref"] == COMMENT
    assert request["days_waiting"] >= 365
    (then,) = json.loads(run("list", "comments", "--at", "2024-10-20", "--json").stdout)
    assert then["days_waiting"] == 2  # to the end of 2024-10-20


def test_projections_status_and_rebuild(run: Run, story: Path) -> None:
    before = json.loads(run("projections", "status", "--json").stdout)
    assert {view["view"] for view in before} == {
        "timeline", "actors", "sources", "posts", "claims", "comments", "cases", "search", "facts",
    }  # fmt: skip
    run("list", "posts")
    head = before[0]["head"]
    assert {
        (view["position"], view["lag"]) for view in json.loads(run("projections", "status", "--json").stdout)
    } == {(head, 0)}
    assert run("projections", "rebuild", "posts").stdout == f"rebuilt posts up to log position {head}\n"
    assert run("projections", "rebuild").stdout == f"rebuilt every view up to log position {head}\n"
    assert run("projections", "status").stdout.splitlines()[0].split() == ["VIEW", "POSITION", "HEAD", "LAG"]


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["timeline", POST, "--as-of", "2024-10"], 1, "--as-of: as_of '2024-10': a record time is a date"),
        (["list", "posts", "--as-of", "soon"], 1, "--as-of: malformed time 'soon'"),
        (["show", POST, "--at", "2024-13"], 1, "--at: invalid month 2024-13"),
        (["list", "claims", "--status", "unknown"], 1, "status must be one of open, rebutted"),
        (["projections", "rebuild", "tweets"], 2, "'tweets' is not one of"),
    ],
)
def test_bad_clocks_and_views_are_one_line_errors(
    run: Run, story: Path, args: list[str], code: int, fragment: str
) -> None:
    assert_one_error_line(run(*args, expect=None), code, fragment)
