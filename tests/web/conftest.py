"""The HTTP API served by real uvicorn on a free loopback port, in a thread that stops with the test."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from ledger import Ledger
from ledger.demo import load_example
from web import create_app

Serve = Callable[[str], str]


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Start the API over a ledger URL; returns the server's base URL. Every server stops at teardown."""
    running: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(url: str) -> str:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        config = uvicorn.Config(create_app(url), host="127.0.0.1", port=port, log_level="warning")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        running.append((server, thread))
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.02)
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in running:
        server.should_exit = True
        thread.join(timeout=15)
        assert not thread.is_alive()


@pytest.fixture
def story(tmp_path: Path) -> Path:
    """A ledger file holding the seed story."""
    path = tmp_path / "story.db"
    with Ledger.open(path, recorded_by="desk") as ledger:
        load_example(ledger)
    return path


@pytest.fixture
def api(serve: Serve, story: Path) -> Iterator[httpx.Client]:
    """A client of the API serving the seed story (redirects are not followed)."""
    with httpx.Client(base_url=serve(str(story)), timeout=30) as client:
        yield client
