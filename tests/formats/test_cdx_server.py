"""``post captures --cdx-url`` against a real pywb CDX server on 127.0.0.1, serving a WARC written here."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

import pytest
from click.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cli.main import ledger as ledger_command
from domain.errors import FormatError
from ledger import Ledger

URL = "https://social.example/@mquill/1001"
BIN = Path(sys.executable).parent
CAPTURES = [
    ("2024-10-16T09:30:00Z", 200, "<p>The ferry tax was tripled overnight</p>"),
    ("2024-10-17T12:00:00Z", 200, "<p>The ferry tax was tripled overnight!</p>"),
    ("2024-10-18T08:00:00Z", 404, "<p>This page is gone</p>"),
    ("2024-10-19T08:00:00Z", 404, "<p>This page is gone</p>"),
]


def write_warc(path: Path) -> None:
    """A WARC of four captures of the post: two that saw it, two that found it gone."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for date, status, body in CAPTURES:
            reason = "OK" if status == 200 else "Not Found"
            headers = StatusAndHeaders(
                f"{status} {reason}", [("Content-Type", "text/html")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                URL,
                "response",
                payload=BytesIO(body.encode()),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": date},
            )
            writer.write_record(record)
            record.raw_stream.close()  # warcio spools the payload to a temporary file it leaves open


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def cdx_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A pywb server on 127.0.0.1 with one collection; it stops after the tests, or by itself after 300 s."""
    root = tmp_path_factory.mktemp("pywb")
    write_warc(root / "captures.warc.gz")
    for args in (["init", "news"], ["add", "news", str(root / "captures.warc.gz")]):
        subprocess.run([BIN / "wb-manager", *args], cwd=root, check=True, capture_output=True, timeout=120)
    port = free_port()
    server = subprocess.Popen(
        ["timeout", "300", BIN / "wayback", "-b", "127.0.0.1", "-p", str(port)],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/news"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urlopen(f"{base}/cdx?url=example.test", timeout=2):  # noqa: S310  (http, built here)
                    break
            except (URLError, OSError):
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("the pywb server did not start")
                time.sleep(0.2)
        yield f"{base}/cdx"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger.open(tmp_path / "ledger.db", recorded_by="desk") as opened:
        opened.register_actor("actor/marta", name="Marta Quill", kind="person")
        opened.publish_post(
            "post/ferry", platform="social.example", author="actor/marta", url=URL, at="2024-10-16"
        )
        yield opened


def test_captures_from_a_cdx_server(ledger: Ledger, cdx_server: str) -> None:
    result = ledger.post_captures("post/ferry", cdx_url=cdx_server)
    state = ledger.get("post/ferry")
    replay = cdx_server.removesuffix("/cdx")
    # Every capture is on the post with the status the server gave it; 404s are captures of absence.
    assert [(a.url, str(a.captured_at), a.http_status, a.shows_absence) for a in state.archives] == [
        (f"{replay}/20241016093000/{URL}", "2024-10-16T09:30:00Z", 200, False),
        (f"{replay}/20241017120000/{URL}", "2024-10-17T12:00:00Z", 200, False),
        (f"{replay}/20241018080000/{URL}", "2024-10-18T08:00:00Z", 404, True),
        (f"{replay}/20241019080000/{URL}", "2024-10-19T08:00:00Z", 404, True),
    ]
    assert all(a.digest and a.digest.startswith("sha1:") for a in state.archives)
    assert str(state.deleted_at) == "2024-10-17T12:00Z..2024-10-18T08:00:00Z"
    assert result.recorded.count("post delete post/ferry") == 1
    again = ledger.post_captures("post/ferry", cdx_url=cdx_server)
    assert again.recorded == ()
    # The recorded replay URL really replays the capture.
    original = state.archives[0].url.replace(f"/{URL}", f"id_/{URL}")  # id_: the capture as archived
    with urlopen(original, timeout=10) as page:  # noqa: S310  (http, built here)
        assert b"tripled overnight" in page.read()


def test_the_command_line(ledger: Ledger, cdx_server: str, tmp_path: Path) -> None:
    runner = CliRunner(env={"LEDGER_URL": None, "LEDGER_USER": None})
    db = str(tmp_path / "ledger.db")
    args = ["--db", db, "post", "captures", "post/ferry", "--cdx-url", cdx_server]
    dry = runner.invoke(ledger_command, [*args, "--dry-run"], catch_exceptions=False)
    assert dry.exit_code == 0, dry.output
    assert "would record: post delete post/ferry" in dry.stdout
    done = runner.invoke(ledger_command, args, catch_exceptions=False)
    assert done.exit_code == 0, done.output
    shown = runner.invoke(ledger_command, ["--db", db, "show", "post/ferry", "--json"])
    assert json.loads(shown.stdout)["status"] == "deleted"


def test_an_unreachable_server_is_one_clear_error(ledger: Ledger) -> None:
    port = free_port()
    with pytest.raises(FormatError, match="cannot reach the CDX server"):
        ledger.post_captures("post/ferry", cdx_url=f"http://127.0.0.1:{port}/news/cdx")
    with pytest.raises(FormatError, match="http:// or https://"):
        ledger.post_captures("post/ferry", cdx_url="file:///etc/passwd")
