"""Every command explains itself: help text with an example, -h and --help alike."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from cli_helpers import every_command
from click.testing import CliRunner

from cli.main import ledger as ledger_command


def command_paths() -> Iterator[tuple[str, ...]]:
    """The path of every command and group of ``ledger``, itself included."""
    return (path for path, _ in every_command())


PATHS = list(command_paths())


def test_every_command_is_reached() -> None:
    leaves = {" ".join(p) for p in PATHS}
    assert {
        "post publish",
        "claim rebut",
        "comment lapse",
        "list posts",
        "import",
        "demo",
        "replay",
    } <= leaves
    assert len(PATHS) > 35


@pytest.mark.parametrize("path", PATHS, ids=[" ".join(p) or "ledger" for p in PATHS])
def test_every_command_has_help_with_an_example(runner: CliRunner, path: tuple[str, ...]) -> None:
    result = runner.invoke(ledger_command, [*path, "-h"], catch_exceptions=False)
    assert result.exit_code == 0
    assert runner.invoke(ledger_command, [*path, "--help"]).stdout == result.stdout
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Usage: ledger {' '.join(path)}".rstrip())
    assert lines[2].strip(), "a one-line summary"
    flowing = " ".join(result.stdout.split())
    for stray in (".;", ".,", ". ."):
        assert stray not in flowing, f"stray punctuation {stray!r} in the help"
    if path and path[0] in {"actor", "source", "post", "claim", "comment", "case", "list"} and len(path) == 1:
        return  # groups list their commands, which carry the examples
    example = lines.index("  Example:")
    assert lines[example + 1].startswith(f"    ledger {' '.join(path)}".rstrip())
    if "WHEN" in result.stdout:
        assert "without a zone is read as UTC" in " ".join(result.stdout.split())


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(ledger_command, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("ledger, version ")


def test_the_listed_summaries_are_the_commands_own() -> None:
    """``ledger --help`` lists commands from summaries kept apart (so it imports none): they agree."""
    from cli.commands import SUMMARIES, LazyCommands  # noqa: PLC0415

    ctx = click.Context(ledger_command)
    assert set(SUMMARIES) == set(ledger_command.list_commands(ctx))
    for name, summary in SUMMARIES.items():
        command = LazyCommands().load(name)
        assert " ".join((command.help or "").split("\n\n")[0].split()) == summary, name
        for limit in (45, 80, 200):
            assert LazyCommands().summary(name, None).get_short_help_str(limit) == command.get_short_help_str(
                limit
            )


HEAVY = ("cli", "domain", "ledger", "projections", "web", "pydantic", "eventsourcing", "jinja2", "starlette")
HEAVY += ("uvicorn", "prov", "pyld", "extruct", "rich", "cryptography", "wcwidth", "concurrent", "logging")
HEAVY += ("importlib",)


def loaded_modules(*args: str) -> set[str]:
    """The modules of HEAVY a fresh interpreter has loaded after ``ledger ARGS`` (run through click)."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom cli.main import ledger\n"
        f"result = CliRunner().invoke(ledger, {list(args)!r})\nassert result.exit_code == 0, result.output\n"
        f"print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_help_imports_no_command_nor_the_ledger() -> None:
    """The start-up cost of --help (issue #16): no command module, no domain model, no storage."""
    loaded = loaded_modules("--help")
    assert not {"pydantic", "eventsourcing", "jinja2", "starlette", "prov", "projections"} & loaded
    assert not {"cli.read", "cli.record", "ledger.facade", "domain.post"} & loaded


def test_a_timeline_imports_what_it_reads_with_and_no_more(tmp_path: Path) -> None:
    """The start-up cost of reading (issue #16): ``ledger show`` on caught-up
    views imports no command model, no integrity beyond leaves, no field format, no web or report stack."""
    from ledger import Ledger  # noqa: PLC0415

    db = str(tmp_path / "story.db")
    with Ledger.open(db, recorded_by="desk") as ledger:
        ledger.register_actor("actor/ada", name="Ada", kind="person")
        ledger.publish_post(
            "post/p", author="actor/ada", platform="x", text="“Quoted” — text", at="2024-10-14T09:00Z"
        )
        ledger.catch_up_projections()
    never = {
        "ledger.commands",
        "ledger.formats.interop",
        "ledger.formats.native",
        "ledger.formats.cdx",
        "ledger.formats.casefile",
        "ledger.formats.report",
        "ledger.integrity.api",
        "ledger.integrity.verify",
        "ledger.integrity.proofs",
        "ledger.integrity.witness",
        "ledger.spool",
        "cli.record",
        "cli.integrity",
        "web",
        "jinja2",
        "starlette",
        "uvicorn",
        "prov",
        "pyld",
        "extruct",
        "rich",
        "cryptography",
        "wcwidth",
        "concurrent.futures",
        "logging",
    }
    loaded = loaded_modules("--db", db, "show", "post/p")
    assert {"ledger.facade", "domain.post"} <= loaded  # the probe sees what it should
    assert not never & loaded, sorted(never & loaded)


def test_a_timeline_and_the_log_read_without_the_ledger(tmp_path: Path) -> None:
    """``ledger timeline`` on caught-up views (issue #16: at most 8 times ``python -c pass``) and
    ``ledger log`` read with sqlite3 alone: no pydantic, no eventsourcing, no domain model, no ledger;
    views behind, the ledger answers the timeline and catches them up."""
    from ledger import Ledger  # noqa: PLC0415

    db = str(tmp_path / "story.db")
    with Ledger.open(db, recorded_by="desk") as ledger:
        ledger.register_actor("actor/ada", name="Ada", kind="person")
        ledger.publish_post(
            "post/p", author="actor/ada", platform="x", text="“Quoted” — text", at="2024-10-14T09:00Z"
        )
    behind = loaded_modules("--db", db, "timeline", "post/p")
    assert {"ledger.facade", "domain.post", "eventsourcing", "pydantic"} <= behind  # the probe sees them
    for args in (("timeline", "post/p"), ("log",)):  # the first run of the ledger caught the views up
        loaded = loaded_modules("--db", db, *args)
        assert "projections.stored_timeline" in loaded
        assert not {"pydantic", "eventsourcing", "importlib.metadata", "cli.read", "cli.views"} & loaded
        light = {"domain", "domain.errors", "domain.ids", "domain.instants", "domain.worldtime_text"}
        light |= {"projections"}
        light |= {"projections.stored_timeline", "ledger", "ledger.delegation", "ledger.policy"}
        light |= {"ledger.progress", "ledger.formats", "ledger.formats.safe_text", "ledger.formats.wording"}
        light |= {
            "ledger.storage",
            "ledger.storage.backends",
            "ledger.storage.sqlite_files",
            "ledger.storage.tables",
        }
        ours = {name for name in loaded if name.split(".")[0] in {"domain", "ledger", "projections"}}
        assert ours <= light, (args, sorted(ours - light))


def test_a_report_imports_no_command_model(tmp_path: Path) -> None:
    """``ledger report`` reads a timeline: the case-file format and every command's model stay unloaded."""
    from ledger import Ledger  # noqa: PLC0415

    db = str(tmp_path / "story.db")
    with Ledger.open(db, recorded_by="desk") as ledger:
        ledger.register_actor("actor/ada", name="Ada", kind="person")
        ledger.publish_post("post/p", author="actor/ada", platform="x", text="text", at="2024-10-14T09:00Z")
    loaded = loaded_modules("--db", db, "report", "post/p", "--output", str(tmp_path / "p.html"))
    assert "ledger.formats.report" in loaded  # the probe sees what it should
    assert not {"ledger.commands", "ledger.formats.casefile", "ledger.formats.exchange"} & loaded
