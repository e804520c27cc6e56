"""World time on the command line: Wayback timestamps, traces of posts, late-found facts."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import Run

from ledger import Ledger


def test_a_wayback_timestamp_is_a_world_time_on_the_command_line(run: Run) -> None:
    run("actor", "add", "actor/ada", "--name", "Ada", "--kind", "person")
    run(
        "post",
        "publish",
        "post/a",
        "--platform",
        "X",
        "--author",
        "actor/ada",
        "--text",
        "hi",
        "--at",
        "20241016093000",
    )
    shown = json.loads(run("show", "post/a", "--json").stdout)
    assert shown["published_at"]["earliest"] == "2024-10-16T09:30:00Z"
    assert shown["published_at"]["precision"] == "instant"


def test_a_wayback_timestamp_in_a_case_file_as_text_or_number(tmp_path: Path) -> None:
    case_file = tmp_path / "wayback.jsonl"
    entries = [
        {"command": "actor add", "ref": "actor/ada", "name": "Ada", "kind": "person"},
        {
            "command": "post publish",
            "ref": "post/a",
            "platform": "X",
            "author": "actor/ada",
            "text": "hi",
            "at": "20241016093000",
        },
        {
            "command": "post archive",
            "ref": "post/a",
            "url": "https://web.archive.org/web/20241016100000/x",
            "at": 20241016100000,
        },
    ]
    case_file.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    with Ledger.open(":memory:") as ledger:
        ledger.import_file(case_file)
        state = ledger.get("post/a")
        assert str(state.published_at) == "2024-10-16T09:30:00Z"
        assert str(state.archives[0].captured_at) == "2024-10-16T10:00:00Z"


def test_a_wayback_timestamp_through_the_api() -> None:
    with Ledger.open(":memory:") as ledger:
        ledger.register_actor("actor/ada", name="Ada", kind="person")
        ledger.publish_post("post/a", platform="X", author="actor/ada", text="hi", at="20241016093000")
        assert str(ledger.get("post/a").published_at) == "2024-10-16T09:30:00Z"
        assert [r.ref for r in ledger.posts(at="20241016093000")] == ["post/a"]


def story(run: Run) -> None:
    """A post and a claim on 2024-10-10, and two checkers."""
    for ref in ("actor/ann", "actor/checker-a", "actor/checker-b"):
        run("actor", "add", ref, "--name", ref, "--kind", "person")
    run(
        "post",
        "publish",
        "post/p1",
        "--platform",
        "X",
        "--author",
        "actor/ann",
        "--text",
        "So.",
        "--at",
        "2024-10-10",
    )
    run(
        "claim",
        "make",
        "claim/c1",
        "--text",
        "So",
        "--claimant",
        "actor/ann",
        "--in",
        "post/p1",
        "--at",
        "2024-10-10",
    )


def review(run: Run, verb: str, reviewer: str, verdict: str, at: str, *, expect: int = 0) -> str:
    done = run(
        "claim",
        verb,
        "claim/c1",
        "--reviewer",
        reviewer,
        "--verdict",
        verdict,
        "--rationale",
        "why",
        "--at",
        at,
        expect=expect,
    )
    return str(done.stderr)


def test_a_late_found_earlier_review_does_not_become_current_on_the_command_line(run: Run) -> None:
    story(run)
    review(run, "rebut", "actor/checker-b", "False", "2024-10-20")
    review(run, "support", "actor/checker-a", "Mostly true", "2024-10-12")
    (row,) = json.loads(run("list", "claims", "--json").stdout)
    assert (row["status"], row["verdict"]) == ("rebutted", "False")
    shown = json.loads(run("show", "claim/c1", "--at", "2024-10-21", "--json").stdout)
    assert (shown["status"], shown["state"]["verdict"]) == ("rebutted", "False")
    error = review(run, "revise", "actor/checker-a", "True", "2024-10-11", expect=1)
    assert error == (
        "Error: claim/c1 has no review by actor/checker-a before 2024-10-11 to revise: "
        "rebut or support it first\n"
    )


def test_a_revision_keeps_its_reviewers_stance_on_the_command_line(run: Run) -> None:
    story(run)
    review(run, "rebut", "actor/checker-a", "False", "2024-10-12")
    review(run, "support", "actor/checker-b", "True", "2024-10-14")
    review(run, "revise", "actor/checker-a", "Pants on Fire", "2024-10-16")
    (row,) = json.loads(run("list", "claims", "--json").stdout)
    assert (row["status"], row["stance"], row["verdict"]) == ("rebutted", "rebutted", "Pants on Fire")


def test_a_post_known_by_its_traces_and_a_capture_of_its_absence_on_the_command_line(run: Run) -> None:
    story(run)
    run(
        "post", "publish", "post/t", "--platform", "X", "--author", "actor/ann", "--at", "..2024-10-16T10:00Z"
    )
    assert "published on X: text not captured" in run("timeline", "post/t").stdout
    assert "folded_to" not in run("show", "post/t").stdout
    run("post", "delete", "post/t", "--at", "2024-10-16T10:00Z..2024-10-20")
    run(
        "post",
        "archive",
        "post/t",
        "--url",
        "https://web.archive.org/web/20241017000000/x",
        "--at",
        "20241017000000",
        "--status",
        "404",
    )
    run(
        "post",
        "archive",
        "post/t",
        "--url",
        "https://web.archive.org/web/20241015000000/x",
        "--at",
        "20241015000000",
        "--text",
        "Found",
    )
    row = json.loads(run("list", "posts", "--json").stdout)[-1]
    assert (row["text"], row["status"]) == ("Found", "deleted")
    assert row["deleted_within"]["latest"] == "2024-10-17T00:00:00Z"
    shown = json.loads(run("show", "post/t", "--at", "2024-10-18", "--json").stdout)
    assert shown["status"] == "deleted"
    done = run(
        "post", "archive", "post/t", "--url", "https://a", "--at", "2024-10-14", "--status", "410", expect=1
    )
    assert done.stderr == (
        "Error: post/t cannot have been captured gone at 2024-10-14: it was live then "
        "(deleted 2024-10-16T10:00Z..2024-10-20)\n"
    )


def test_repetitions_on_the_command_line(run: Run) -> None:
    story(run)
    for number in (2, 3):
        run(
            "post",
            "publish",
            f"post/p{number}",
            "--platform",
            "X",
            "--author",
            "actor/ann",
            "--text",
            "Again",
            "--at",
            "2024-10-11",
        )
        run(
            "claim",
            "repeat",
            "claim/c1",
            "--in",
            f"post/p{number}",
            "--by",
            "actor/ann",
            "--at",
            "2024-10-12",
        )
    timeline = json.loads(run("timeline", "post/p3", "--json").stdout)
    assert [e["details"].get("post") for e in timeline if e["type"] == "ClaimRepeated"] == ["post/p3"]
    assert [
        row["ref"] for row in json.loads(run("list", "claims", "--post", "post/p2", "--json").stdout)
    ] == ["claim/c1"]
    done = run(
        "claim", "repeat", "claim/c1", "--in", "post/p2", "--by", "actor/ann", "--at", "2024-10-13", expect=1
    )
    assert done.stderr == "Error: claim/c1 already appears in post/p2\n"


def test_days_waiting_on_the_command_line(run: Run) -> None:
    story(run)
    run(
        "comment",
        "request",
        "comment/r",
        "--from",
        "actor/checker-a",
        "--to",
        "actor/ann",
        "--via",
        "email",
        "--at",
        "2024-03-30T12:00Z",
    )
    (row,) = json.loads(run("list", "comments", "--at", "2024-04-01", "--json").stdout)
    assert row["days_waiting"] == 2


def test_actors_change_on_the_command_line(run: Run) -> None:
    run("actor", "add", "actor/ian", "--name", "Ian", "--kind", "person", "--handle", "x:oldname")
    run("actor", "drop-handle", "actor/ian", "--handle", "x:oldname", "--at", "2024-01-02")
    run("actor", "add-handle", "actor/ian", "--handle", "x:stillgray", "--at", "2024-01-02")
    run("actor", "rename", "actor/ian", "--name", "Ian M.", "--at", "2024-03-01")
    shown = json.loads(run("show", "actor/ian", "--at", "2023-12-31", "--json").stdout)
    assert [f"{h['platform']}:{h['handle']}" for h in shown["state"]["handles"]] == ["x:oldname"]
    assert shown["state"]["name"] == "Ian"
    found = json.loads(run("list", "actors", "--handle", "x:oldname", "--at", "2023-12-31", "--json").stdout)
    assert [row["ref"] for row in found] == ["actor/ian"]
    assert json.loads(run("list", "actors", "--handle", "x:oldname", "--json").stdout) == []
    done = run("actor", "drop-handle", "actor/ian", "--handle", "x:nobody", "--at", "2024-05", expect=1)
    assert done.stderr == "Error: actor/ian did not hold x:nobody at 2024-05, so it cannot drop it\n"
