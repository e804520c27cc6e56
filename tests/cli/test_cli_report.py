"""``ledger report`` and the report ``ledger demo`` writes next to its ledger."""

from __future__ import annotations

from pathlib import Path

from cli_helpers import Run, assert_one_error_line
from click.testing import CliRunner

from cli.main import ledger as ledger_command

POST = "post/labour-linkedin-invite"


def test_report_writes_a_file_that_appears_whole(story: Path, run: Run, tmp_path: Path) -> None:
    target = tmp_path / "post.html"
    result = run("report", POST, "--output", str(target))
    assert result.stdout == f"wrote the report of {POST} to {target}\n"
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert html.rstrip().endswith("</html>")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_report_prints_markdown(story: Path, run: Run) -> None:
    output = run("report", POST, "--format", "md", "--as-of", "25").stdout
    assert output.startswith(f"# Timeline of {POST}\n")
    assert "As of log position 25" in output


def test_report_of_an_unknown_subject_is_one_error_line(story: Path, run: Run, tmp_path: Path) -> None:
    target = tmp_path / "none.html"
    result = run("report", "post/nothing", "--output", str(target), expect=1)
    assert_one_error_line(result, 1, "post/nothing")
    assert not target.exists()


def test_demo_says_where_its_report_is(tmp_path: Path) -> None:
    db = tmp_path / "story.db"
    runner = CliRunner(env={"COLUMNS": "120", "LEDGER_URL": None})
    result = runner.invoke(ledger_command, ["demo", "--db", str(db)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    page = tmp_path / "story-report.html"
    assert f"Its report: {page} " in result.stdout
    assert "case/labour-staff-us-campaign" in page.read_text(encoding="utf-8")
