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
from projections.flat_views import FLAT_VIEWS, KNOWN, SUBJECT_COLUMNS
from projections.rows import ROW_CLASSES
from projections.subject_views import VIEW_NAMES
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


def test_flat_views_hold_traces_captures_of_absence_and_handles_held(ledger_url: str) -> None:
    with Ledger.open(ledger_url, recorded_by="desk") as ledger:
        ledger.register_actor("actor/ann", name="Ann", kind="person", handles=["x:ann"])
        ledger.drop_actor_handle("actor/ann", handle="x:ann", at="2024-10-01")
        ledger.add_actor_handle("actor/ann", handle="x:ann2", at="2024-10-01")
        # A post known only by its traces: no text, published before a time, then deleted.
        ledger.publish_post(
            "post/trace", platform="X", author="actor/ann", text=None, at="..2024-10-16T10:00Z"
        )
        ledger.delete_post("post/trace", at="2024-10-16..2024-10-20")
        ledger.archive_post("post/trace", url="https://a.example/1", at="20241018093000", http_status=404)
        ledger.archive_post("post/trace", url="https://a.example/2", at="2024-10-19", tombstone=True)
        ledger.publish_post("post/known", platform="X", author="actor/ann", text="It is so.", at="2024-10-10")
        ledger.archive_post(
            "post/known", url="https://a.example/3", at="2024-10-11", http_status=200, text="It is so."
        )
        ledger.make_claim(
            "claim/c", text="It is so", claimant="actor/ann", post="post/known", at="2024-10-10"
        )
        ledger.repeat_claim("claim/c", post="post/trace", by="actor/ann", at="2024-10-12")
        (trace,) = [row for row in ledger.posts() if row.ref == "post/trace"]
        assert trace.deleted_within is not None
        within = (trace.deleted_within.earliest, trace.deleted_within.latest)
        text_digest = ledger.get("post/known").text_sha256
    posts, captures, claims, actors, held = sql(
        ledger_url,
        "SELECT ref, text, text_captured, published_at_latest, deleted_within_earliest, "
        "deleted_within_latest FROM posts ORDER BY ref",
        "SELECT subject, url, http_status, tombstone, shows FROM captures ORDER BY position",
        "SELECT ref, posts FROM claims",
        "SELECT ref, handles, held FROM actors",
        "SELECT actor, handle, since_earliest, until_earliest, until_latest "
        "FROM actor_handles ORDER BY handle",
    )
    assert [(ref, text, known) for ref, text, known, *_ in posts] == [
        ("post/known", "It is so.", 1),
        ("post/trace", None, 0),
    ]
    assert posts[1][3] == "2024-10-16T10:00:59.999999Z"
    # The deletion's bounds, narrowed by the capture showing the post gone on 10-18 09:30.
    assert posts[1][4:] == tuple(t.isoformat().replace("+00:00", "Z") for t in within)
    assert posts[1][5] == "2024-10-18T09:30:00Z"
    assert captures == [
        ("post/trace", "https://a.example/1", 404, 0, "absent"),
        ("post/trace", "https://a.example/2", None, 1, "absent"),
        ("post/known", "https://a.example/3", 200, 0, "present"),
    ]
    assert [(ref, json.loads(found)) for ref, found in claims] == [("claim/c", ["post/known", "post/trace"])]
    ((ref, handles, periods),) = actors
    assert (ref, json.loads(handles), len(json.loads(periods))) == ("actor/ann", ["x:ann2"], 2)
    assert held == [
        ("actor/ann", "x:ann", None, "2024-10-01T00:00:00Z", "2024-10-01T23:59:59.999999Z"),
        ("actor/ann", "x:ann2", "2024-10-01T00:00:00Z", None, None),
    ]
    (found,) = sql(ledger_url, "SELECT text_sha256 FROM captures WHERE url = 'https://a.example/3'")
    assert found == [(text_digest,)]
    assert text_digest is not None


def test_every_stored_field_of_every_row_is_a_column_of_a_flat_view() -> None:
    # A KNOWN column (``text_captured``) is derived from a field, not a field of its own.
    views = {
        source: {name for name, kind in columns if kind != KNOWN}
        for source, columns in SUBJECT_COLUMNS.values()
    }
    for kind, row_class in ROW_CLASSES.items():
        stored = set(row_class.model_fields) - row_class.QUERY_ONLY - {"ref", "version", "status"}
        assert views[f"view_{VIEW_NAMES[kind]}"] == stored, kind
