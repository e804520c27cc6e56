"""The flat SQL views on both backends: one plain column per field, current rows only; and in Datasette."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ledger import Ledger
from ledger.demo import load_example
from projections.flat_views import FLAT_VIEWS
from tests.projections.test_views_upkeep import sql

POST = "post/labour-linkedin-invite"


def test_flat_views_hold_current_rows_in_plain_columns(ledger_url: str) -> None:
    with Ledger.open(ledger_url, recorded_by="desk") as ledger:
        load_example(ledger)
        ledger.catch_up_projections()
        head = ledger.head
        posts = {row.ref: row for row in ledger.posts()}
        claims = {row.ref: row for row in ledger.claims()}
    (found_posts, found_claims, reviews, appearances, counts) = sql(
        ledger_url,
        "SELECT ref, version, status, platform, deleted_at_earliest, views FROM posts ORDER BY ref",
        "SELECT ref, status, verdict, claimant, about FROM claims ORDER BY ref",
        "SELECT subject, type, stance, verdict, reviewer FROM reviews ORDER BY position",
        "SELECT subject, type, post, actor FROM appearances ORDER BY position",
        " UNION ALL ".join(f"SELECT '{view}', COUNT(*) FROM {view}" for view in FLAT_VIEWS),
    )
    assert [(r[0], r[1], r[2], r[3]) for r in found_posts] == sorted(
        (ref, row.version, row.status, row.platform) for ref, row in posts.items()
    )
    deleted = next(r for r in found_posts if r[0] == POST)
    assert deleted[4] == "2024-10-14T00:00:00Z"
    assert all(isinstance(r[5], int | None) for r in found_posts)
    assert [(r[0], r[1], r[2], r[3]) for r in found_claims] == sorted(
        (ref, row.status, row.verdict, row.claimant) for ref, row in claims.items()
    )
    assert json.loads(found_claims[0][4]) == list(claims[found_claims[0][0]].about)
    assert [r[1] for r in reviews] == ["rebutted", "rebutted"]
    assert {r[0] for r in appearances} == set(claims)
    assert {str(name): int(count) for name, count in counts}["actors"] > 0
    assert head > 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def datasette(tmp_path: Path) -> Iterator[str]:
    """Datasette (a real process) serving a copy of a ledger file holding the seed story; its base URL."""
    original = tmp_path / "ledger.db"
    with Ledger.open(original, recorded_by="desk") as ledger:
        load_example(ledger)
        ledger.catch_up_projections()
    copy = tmp_path / "story.db"
    shutil.copy(original, copy)
    port = _free_port()
    executable = shutil.which("datasette") or str(Path(sys.executable).with_name("datasette"))
    log = tmp_path / "datasette.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [executable, "serve", "-i", str(copy), "--host", "127.0.0.1", "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/-/versions.json", timeout=2).raise_for_status()
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"datasette did not start: {log.read_text()[-2000:]}") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_datasette_facets_posts_by_platform_and_filters_claims_by_status(datasette: str) -> None:
    facets = httpx.get(f"{datasette}/story/posts.json", params={"_facet": "platform"}, timeout=30).json()
    results = facets["facet_results"]
    platform = results["results"]["platform"] if "results" in results else results["platform"]
    assert {(item["value"], item["count"]) for item in platform["results"]} == {("LinkedIn", 1), ("X", 2)}
    rebutted = httpx.get(
        f"{datasette}/story/claims.json", params={"status": "rebutted", "_shape": "objects"}, timeout=30
    ).json()
    assert {row["ref"] for row in rebutted["rows"]} == {
        "claim/cheong-hundred-politicians",
        "claim/musk-this-is-illegal",
    }
    assert (
        httpx.get(f"{datasette}/story/claims.json", params={"status": "open"}, timeout=30).json()["rows"]
        == []
    )
