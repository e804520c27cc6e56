"""schemathesis against /openapi.json of a real server holding the seed story: no 5xx, no schema violation."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx

from tests.web.conftest import Serve

CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_schema_conformance,response_headers_conformance"
)


def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    serve: Serve, story: Path, tmp_path: Path
) -> None:
    base = serve(str(story))
    executable = shutil.which("schemathesis") or str(Path(sys.executable).with_name("schemathesis"))
    # Bounded: ten examples an operation, one worker, a fixed seed; about ten seconds.
    run = subprocess.run(
        [
            executable,
            "run",
            f"{base}/openapi.json",
            "--checks",
            CHECKS,
            "--max-examples",
            "10",
            "--phases",
            "examples,coverage,fuzzing",
            "--workers",
            "1",
            "--max-redirects",
            "0",
            "--seed",
            "1",
            "--no-color",
            "--generation-database",
            "none",
            "--request-timeout",
            "20",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    summary = run.stdout[-6000:]
    assert run.returncode == 0, summary
    assert "passed" in summary
    operations = len(httpx.get(f"{base}/openapi.json").json()["paths"])
    assert f"{operations}/{operations}" in summary, summary  # every operation was reached
