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
