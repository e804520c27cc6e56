"""The integrity benchmark runs end to end at a tiny size (a smoke test, not a timing)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_benchmark_runs_as_a_module_and_reports_ratios(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    tiny = ["--events", "40", "--append-events", "20", "--repeat", "1", "--json", str(out)]
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_integrity", *tiny],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "| verify | events/s |" in done.stdout
    results = json.loads(out.read_text())
    assert results["verify"][0]["events"] == 40
    assert results["verify"][0]["verify_vs_hashlib_only"] > 0
    assert [a["batch"] for a in results["append"]] == [100, 1]
    assert results["leaves"]["events"] == 20
    assert results["leaves"]["append_v2_vs_v1"] > 0
    assert results["leaves"]["redact_one_s"] > 0
    assert "| leaves | append v1 s |" in done.stdout
