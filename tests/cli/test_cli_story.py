"""The seed story three ways: CLI commands, the case file, the Python API; same timelines."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import click
from cli_helpers import EXAMPLE, Run

from cli.main import ledger as ledger_command
from ledger import Ledger
from ledger.commands import SPECS as COMMANDS
from ledger.demo import CASE, COMMENT, POST, record_seed_story
from ledger.formats.casefile import read_case_file

TIMELINES = (POST, COMMENT, CASE, "claim/musk-this-is-illegal", "actor/newsweek")
POSITIONAL = {"ref", "subject"}  # given as arguments on the command line, not options


def argv_for(values: dict[str, Any]) -> list[str]:
    """The command line that records one case-file entry."""
    spec = COMMANDS[values["command"]]
    argv = [*spec.name.split(), values["ref"]]
    for field in spec.fields:
        if field.name not in values or field.name == "ref":
            continue
        items = values[field.name] if isinstance(values[field.name], list) else [values[field.name]]
        if field.name in POSITIONAL:
            argv += items
        else:
            for item in items:
                argv += [f"--{field.name}", str(item)]
    return argv


def comparable(ledger: Ledger, ref: str) -> list[dict[str, Any]]:
    """A timeline without what differs between ledgers: log positions and record times."""
    return [
        entry.model_dump(mode="json", exclude={"position", "recorded_at", "corrections"})
        for entry in ledger.timeline(ref).entries
    ]


def test_the_story_recorded_by_cli_commands_equals_the_case_file_and_the_api(
    run: Run, db: Path, tmp_path: Path
) -> None:
    for entry in read_case_file(EXAMPLE):
        result = run(*argv_for(entry.values))
        assert result.stdout == f"{entry.values['ref']}\n"
    imported = tmp_path / "imported.db"
    run("--db", str(imported), "--by", "desk", "import", str(EXAMPLE))

    with (
        Ledger.open(db, create=False) as by_cli,
        Ledger.open(imported, create=False) as by_import,
        Ledger.open(":memory:", recorded_by="desk") as by_api,
    ):
        record_seed_story(by_api)
        assert by_cli.head == by_import.head == by_api.head == 37
        for ref in TIMELINES:
            assert comparable(by_cli, ref) == comparable(by_api, ref), ref
            assert comparable(by_import, ref) == comparable(by_api, ref), ref


def test_the_timelines_printed_as_json_agree_between_cli_and_import(run: Run, tmp_path: Path) -> None:
    imported = tmp_path / "imported.db"
    run("--db", str(imported), "import", str(EXAMPLE))
    for entry in read_case_file(EXAMPLE):
        run(*argv_for(entry.values))
    for ref in (POST, COMMENT):
        by_cli = json.loads(run("timeline", ref, "--json").stdout)
        by_import = json.loads(run("--db", str(imported), "timeline", ref, "--json").stdout)
        for entries in (by_cli, by_import):
            for entry in entries:
                del entry["position"], entry["recorded_at"]
        assert by_cli == by_import


def test_the_case_file_and_the_cli_speak_the_same_vocabulary() -> None:
    for spec in COMMANDS.values():
        command: click.Command = ledger_command
        ctx = click.Context(ledger_command)
        for word in spec.name.split():
            assert isinstance(command, click.Group)
            found = command.get_command(ctx, word)
            assert found is not None, spec.name
            command = found
        options = {
            opt.removeprefix("--")
            for param in command.params
            if isinstance(param, click.Option)
            for opt in param.opts
            if opt.startswith("--") and opt != "--help"
        }
        arguments = {param.name for param in command.params if isinstance(param, click.Argument)}
        fields = {f.name for f in spec.fields}
        assert options == fields - POSITIONAL, spec.name
        assert len(arguments) == len(fields & POSITIONAL), spec.name
        # ... and every field is a keyword of the Ledger method the command calls.
        parameters = inspect.signature(getattr(Ledger, spec.method)).parameters
        assert {f.keyword for f in spec.fields} <= set(parameters), spec.name


def test_demo_prints_the_two_timelines(run: Run, tmp_path: Path) -> None:
    demo_db = tmp_path / "demo.db"
    result = run("demo", "--db", str(demo_db))
    with Ledger.open(demo_db, create=False) as ledger:
        post, comment = ledger.timeline(POST), ledger.timeline(COMMENT)
    out = result.stdout
    # The count is what the log holds (a case link of 4 subjects is 4 entries), not the case file's.
    logged = sum(1 for _ in run("--db", str(demo_db), "log", "--nl").stdout.splitlines())
    assert logged == 37
    assert (
        out.splitlines()[0]
        == f"Loaded the seed story into {demo_db}: 37 log entries from 34 case-file entries"
    )
    first, second = (
        out.index(f"Timeline of {POST}: {len(post)} entries"),
        out.index(f"Timeline of {COMMENT}:"),
    )
    assert first < second
    # Every entry of each timeline is in its table, in order.
    for timeline, text in ((post, out[first:second]), (comment, out[second:])):
        heads = [f"{e.subject} v{e.version}" for e in timeline.entries]
        found = [text.index(head) for head in heads]
        assert found == sorted(found)
    assert "PostDeleted" in out[first:second]
    assert "CommentRequested" in out[second:]


def test_demo_refuses_a_ledger_that_is_not_fresh(run: Run, story: Path) -> None:
    before = story.read_bytes()
    result = run("demo", "--db", str(story), expect=1)
    assert "the demo needs a fresh ledger" in result.stderr
    assert story.read_bytes() == before
