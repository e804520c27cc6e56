"""The benchmark command runs end to end at a tiny size and writes both reports.

This proves the command works; it asserts no timing (speed is measured, never tested).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks.bounds import BOUNDS, CATCH_UP_WRITES, REPLAY_LIKE_FOR_LIKE, VERIFY_NECESSARY_WORK
from benchmarks.report import write
from benchmarks.results import Figure, Target

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


def _report(path: Path, size: int, ours: float, baseline: float) -> Path:
    """A one-figure JSON report: ``ours`` and ``baseline`` in events/s at ``size`` events."""
    figure = Figure("replay", "Ledger.replay()", size, "events/s", [ours], "bare", [baseline])
    meta = {
        "command": "python -m benchmarks",
        "date": f"run of {size}",
        "commit": "c0ffee",
        "machine": "test",
        "python": "3.11",
        "sqlite": "3",
        "eventsourcing": "9",
        "pydantic": "2",
        "sizes": [size],
        "repeat": 1,
        "seed": 1,
        "batch": 1,
        "single": 1,
        "seconds": 1.0,
    }
    write(path, [figure], meta, {})
    return path / "benchmarks.json"


def test_growth_takes_sizes_from_another_report_and_shows_the_baselines_growth(tmp_path: Path) -> None:
    small = _report(tmp_path / "small", 10_000, ours=20_000, baseline=50_000)  # 50 µs, baseline 20 µs
    large = _report(tmp_path / "large", 1_000_000, ours=10_000, baseline=40_000)  # 100 µs, baseline 25 µs
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "benchmarks", "--render", str(large), "--growth-from", str(small)]
    completed = subprocess.run(
        [*argv, "--output-dir", str(out)], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr

    report = (out / "benchmarks.md").read_text(encoding="utf-8")
    assert f"taken from `{small}` (run on run of 10000)" in report
    header = "| Measured | 10,000 | 1,000,000 | Largest ÷ smallest | Baseline's largest ÷ smallest |"
    assert header in report
    assert "| replay | Ledger.replay() | 50.0 µs | 100.0 µs | 2.00× | 1.25× |" in report
    # The JSON keeps the other report's figures: rendering it again gives the same report.
    again = tmp_path / "again"
    argv = [sys.executable, "-m", "benchmarks", "--render", str(out / "benchmarks.json")]
    completed = subprocess.run(
        [*argv, "--output-dir", str(again)], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert (again / "benchmarks.md").read_text(encoding="utf-8") == report


def test_a_growth_report_that_cannot_be_read_is_refused_before_measuring(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    argv = [sys.executable, "-m", "benchmarks", "--sizes", "100", "--growth-from", str(bad)]
    completed = subprocess.run(
        [*argv, "--output-dir", str(tmp_path / "out")], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 2
    assert completed.stderr.strip() == f"cannot read --growth-from {bad}: not a JSON object"
    assert not (tmp_path / "out").exists()


def test_the_baselines_growth_is_that_of_the_targets_baseline(tmp_path: Path) -> None:
    target = Target("ratio", ">=", 0.5)
    figures = [
        Figure("views", "catch-up", 10_000, "events/s", [10_000], "es", [50_000], target),
        Figure("views", "catch-up", 10_000, "events/s", [10_000], "floor", [20_000]),
        Figure("views", "catch-up", 100_000, "events/s", [5_000], "floor", [10_000]),
        Figure("views", "catch-up", 100_000, "events/s", [5_000], "es", [40_000], target),
    ]
    meta = json.loads(_report(tmp_path / "meta", 10_000, 1, 1).read_text(encoding="utf-8"))["meta"]
    meta["sizes"] = [10_000, 100_000]
    write(tmp_path / "out", figures, meta, {})
    report = (tmp_path / "out" / "benchmarks.md").read_text(encoding="utf-8")
    # es: 20 -> 25 µs an event (1.25x); the floor would say 50 -> 100 (2.00x).
    assert "| views | catch-up | 100.0 µs | 200.0 µs | 2.00× | 1.25× |" in report


def test_a_missed_target_is_shown_beside_the_bounds_measured_with_it(tmp_path: Path) -> None:
    target = Target("ratio", ">=", 0.5)
    figures = [
        # Verify missed (0.20x), its necessary work reaching only 0.25x of the baseline.
        Figure("integrity", "verify", 10_000, "events/s", [20_000], "read + hash", [100_000], target),
        Figure("integrity", "verify", 10_000, "events/s", [20_000], VERIFY_NECESSARY_WORK, [25_000]),
        # Catch-up missed (0.40x) with a bound that could meet the target (0.60x).
        Figure("views", "catch-up", 10_000, "events/s", [40_000], "es", [100_000], target),
        Figure("views", "catch-up", 10_000, "events/s", [40_000], CATCH_UP_WRITES, [60_000]),
        # A bound at another size bounds nothing here.
        Figure("views", "catch-up", 100_000, "events/s", [1], CATCH_UP_WRITES, [2]),
        # Missed with no bound; met with a bound (not listed).
        Figure("ingest", "single", 10_000, "events/s", [70], "es", [100], Target("ratio", ">=", 0.8)),
        Figure("replay", "replay", 10_000, "events/s", [90], "es", [100], Target("ratio", ">=", 0.7)),
        Figure("replay", "replay", 10_000, "events/s", [90], REPLAY_LIKE_FOR_LIKE, [50]),
    ]
    meta = json.loads(_report(tmp_path / "meta", 10_000, 1, 1).read_text(encoding="utf-8"))["meta"]
    write(tmp_path / "out", figures, meta, {})
    report = (tmp_path / "out" / "benchmarks.md").read_text(encoding="utf-8")
    section = report.split("## Missed targets and their bounds", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert rows == [
        f"| integrity | verify | 10,000 | 0.20× | ratio ≥ 0.5 | {VERIFY_NECESSARY_WORK} "
        "| 0.25× | 0.80× | **beyond the bound's reach** |",
        f"| views | catch-up | 10,000 | 0.40× | ratio ≥ 0.5 | {CATCH_UP_WRITES} "
        "| 0.60× | 0.67× | within the bound's reach |",
        "| ingest | single | 10,000 | 0.70× | ratio ≥ 0.8 | none measured | – | – | |",
    ]
    # What each bound used measures, once, under the table (not the unused replay bound).
    described = [line for line in section.splitlines() if line.startswith("- ")]
    assert described == [
        f"- {VERIFY_NECESSARY_WORK}: {BOUNDS[VERIFY_NECESSARY_WORK]}",
        f"- {CATCH_UP_WRITES}: {BOUNDS[CATCH_UP_WRITES]}",
    ]


def test_a_report_with_every_target_met_has_no_missed_targets_section(tmp_path: Path) -> None:
    figures = [Figure("replay", "replay", 10_000, "events/s", [90], "es", [100], Target("ratio", ">=", 0.7))]
    meta = json.loads(_report(tmp_path / "meta", 10_000, 1, 1).read_text(encoding="utf-8"))["meta"]
    write(tmp_path / "out", figures, meta, {})
    assert "Missed targets" not in (tmp_path / "out" / "benchmarks.md").read_text(encoding="utf-8")
