"""A duration measured from an open bound is not a number: "..2024-10-20" has no earliest moment."""

from __future__ import annotations

import json

from tests.cli.cli_helpers import Run

UNKNOWN = "at least 0 minutes, upper bound unknown"


def _deleted_post(run: Run, published: str, deleted: str) -> None:
    run("actor", "add", "actor/someone", "--name", "Someone", "--kind", "person")
    run("post", "publish", "post/p", "--platform", "X", "--author", "actor/someone", "--at", published)
    run("post", "delete", "post/p", "--at", deleted)


def test_a_post_published_at_an_open_start_lived_an_unknown_upper_bound(run: Run) -> None:
    _deleted_post(run, "..2024-10-20", "2024-10-21")
    table = run("list", "posts").stdout
    assert "739" not in table
    assert "days" not in table
    assert UNKNOWN in " ".join(table.split())
    (row,) = json.loads(run("list", "posts", "--json").stdout)
    assert row["lived"]["longest"] is None
    assert row["lived"]["shortest"] == "PT0.000001S"  # the end of 10-20 to the start of 10-21


def test_a_deletion_with_an_open_end_gives_no_upper_bound_either(run: Run) -> None:
    _deleted_post(run, "2024-10-10T10:00Z", "2024-10-12..")
    (row,) = json.loads(run("list", "posts", "--json").stdout)
    assert row["lived"]["longest"] is None
    table = " ".join(run("list", "posts").stdout.split())
    assert "at least 1 day 13 hours, upper bound unknown" in table
