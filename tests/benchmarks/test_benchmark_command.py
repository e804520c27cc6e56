"""The benchmark command runs end to end at a tiny size and writes both reports.

This proves the command works; it asserts no timing (speed is measured, never tested).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_command_writes_a_markdown_and_a_json_report(tmp_path: Path) -> None:
    out = tmp_path / "out"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--sizes",
            "200",
            "--repeat",
            "1",
            "--single",
            "5",
            "--output-dir",
            str(out),
            "--work-dir",
            str(tmp_path / "work"),
            "--quiet",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr

    document = json.loads((out / "benchmarks.json").read_text(encoding="utf-8"))
    figures = document["figures"]
    measured = {f["group"] for f in figures if f["status"] == "ok"}
    assert {"ingest", "replay", "cli", "memory"} <= measured
    for figure in figures:
        if figure["status"] == "ok":
            assert figure["value"] is not None, figure
            assert figure["value"] > 0, figure
            if figure["baseline"]:
                assert figure["ratio"] is not None, figure
                assert figure["ratio"] > 0, figure
    ingest = [f for f in figures if f["group"] == "ingest" and f["status"] == "ok"]
    assert {f["size"] for f in ingest} == {200}
    # Features not on main yet are named in the report, not silently skipped.
    groups = {f["group"] for f in figures}
    assert {"views", "integrity", "postgres"} <= groups
    assert document["meta"]["sizes"] == [200]

    report = (out / "benchmarks.md").read_text(encoding="utf-8")
    assert report.startswith("# Benchmarks")
    for section in ("## Ingest", "## Replay", "## CLI start", "## Memory (peak RSS)"):
        assert section in report
    assert "| 200 | Ledger.batch()" in report
    assert "## Growth: cost per event by ledger size" in report


def test_bad_arguments_are_refused_in_one_line(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--sizes", "ten", "--output-dir", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2
    assert "argument --sizes: expected sizes such as 10000,100000, not 'ten'" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert not (tmp_path / "benchmarks.md").exists()


def test_render_writes_the_same_report_again_from_the_json(tmp_path: Path) -> None:
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "benchmarks", "--sizes", "100", "--repeat", "1", "--single", "2"]
    argv += ["--only", "ingest", "--output-dir", str(out), "--work-dir", str(tmp_path / "work"), "--quiet"]
    assert subprocess.run(argv, cwd=REPO, capture_output=True, check=False).returncode == 0
    again = tmp_path / "again"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--render",
            str(out / "benchmarks.json"),
            "--output-dir",
            str(again),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert (again / "benchmarks.md").read_text(encoding="utf-8") == (out / "benchmarks.md").read_text(
        encoding="utf-8"
    )
