"""``ledger serve``: loopback by default, --public to bind elsewhere, a missing ledger refused."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from cli_helpers import Run


def _ledger() -> str:
    return shutil.which("ledger") or str(Path(sys.executable).with_name("ledger"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_non_loopback_host_needs_public(run: Run, story: Path) -> None:
    refused = run("serve", "--host", "0.0.0.0", expect=2)  # noqa: S104
    assert "is not a loopback address: add --public" in refused.stderr


def test_a_missing_ledger_is_one_line_before_anything_listens(run: Run, tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "none.db"), "serve", expect=1)
    assert result.stderr.startswith("Error: ")
    assert len(result.stderr.splitlines()) == 1


def test_serve_answers_over_http_and_stops(story: Path, tmp_path: Path) -> None:
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [_ledger(), "--db", str(story), "serve", "--port", str(port)], stdout=output, stderr=output
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/subjects/post/labour-linkedin-invite/timeline")
                break
            except httpx.TransportError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        assert answer.status_code == 200
        assert answer.json()[0]["subject"] == "post/labour-linkedin-invite"
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert f"on http://127.0.0.1:{port}" in log.read_text()


def test_a_port_in_use_is_one_line_and_exit_1(story: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = int(taken.getsockname()[1])
        result = subprocess.run(
            [_ledger(), "--db", str(story), "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 1, result.stderr
    assert result.stderr == f"Error: cannot listen on 127.0.0.1:{port}: address already in use\n"
    assert result.stdout == ""
