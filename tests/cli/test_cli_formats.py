"""The format registry behind ``ledger export --format`` and ``ledger import --format``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from cli_helpers import Run, assert_one_error_line, log_snapshot
from click.testing import CliRunner

from cli.main import ledger as ledger_command
from domain.errors import InvalidError
from ledger import Ledger
from ledger.formats.registry import FORMATS, JSONL, Format, exporting, get_format, importing, register

EXAMPLE = Path(__file__).parents[2] / "examples" / "labour-harris-2024.toml"


def test_the_registry_names_each_format_once() -> None:
    assert exporting() == ["claimreview", "jsonl", "prov-json", "prov-jsonld", "prov-n", "prov-xml"]
    assert importing() == ["case", "cdx", "claimreview", "factcheck-api", "jsonl"]
    assert get_format("jsonl") is JSONL
    with pytest.raises(InvalidError, match=r"unknown format 'prov' \(known: case, cdx, claimreview, "):
        get_format("prov")
    with pytest.raises(InvalidError, match="already registered"):
        register(Format("jsonl", "text/plain", "another"))
    assert set(FORMATS) == set(exporting()) | set(importing())


def test_the_jsonl_export_is_the_whole_log() -> None:
    with Ledger.open(":memory:", recorded_by="desk") as ledger:
        ledger.register_actor("actor/ada", name="Ada", kind="person")
        assert JSONL.export is not None
        with pytest.raises(InvalidError, match="whole log"):
            JSONL.export(ledger, io.StringIO(), ["actor/ada"])
        out = io.StringIO()
        assert JSONL.export(ledger, out, ()) == "exported 1 event and 0 checkpoints to the output"
        assert out.getvalue().count("\n") == 3


def test_import_format_jsonl_is_import_from_export(
    run: Run, story: Path, tmp_path: Path, runner: CliRunner
) -> None:
    target = tmp_path / "story.jsonl"
    run("export", "--format", "jsonl", "--output", str(target))
    copy = tmp_path / "copy.db"
    imported = runner.invoke(ledger_command, ["--db", str(copy), "import", str(target), "--format", "jsonl"])
    assert imported.exit_code == 0, imported.stderr
    assert imported.stdout.startswith(f"imported 37 events and 0 checkpoints from {target} (origin ")
    assert log_snapshot(copy) == log_snapshot(story)


def test_import_format_case_is_the_default(run: Run, db: Path, tmp_path: Path, runner: CliRunner) -> None:
    explicit = run("import", str(EXAMPLE), "--format", "case").stdout
    assert explicit == (f"imported {EXAMPLE}: 37 log entries from 34 case-file entries (positions 1..37)\n")
    default = runner.invoke(ledger_command, ["--db", str(tmp_path / "other.db"), "import", str(EXAMPLE)])
    assert default.stdout == explicit
    assert [row[2:5] for row in log_snapshot(tmp_path / "other.db")] == [row[2:5] for row in log_snapshot(db)]


def test_an_unknown_format_is_a_usage_error(run: Run, story: Path) -> None:
    result = run("export", "--format", "prov", expect=None)
    assert_one_error_line(result, 2, "Invalid value for '--format'")
    result = run("import", str(EXAMPLE), "--format", "xml", expect=None)
    assert_one_error_line(result, 2, "Invalid value for '--format'")


def test_a_jsonl_export_has_no_dry_run(run: Run, story: Path, tmp_path: Path) -> None:
    target = tmp_path / "story.jsonl"
    run("export", "--output", str(target))
    result = run("import", str(target), "--format", "jsonl", "--dry-run", expect=None)
    assert_one_error_line(
        result, 1, "a jsonl export is imported whole into an empty ledger; it has no dry run"
    )
