"""Memento (RFC 7089): TimeMap and TimeGate before, between and after a subject's versions, both backends."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

import httpx
import pytest

from ledger import Ledger
from tests.web.conftest import Serve

POST = "post/weibo-1"


@pytest.fixture
def versions(ledger_url: str) -> list[datetime]:
    """A post with three versions, each recorded in a second of its own; their record times."""
    with Ledger.open(ledger_url, recorded_by="desk") as ledger:
        ledger.register_actor("actor/wang", name="Wang", kind="person")
        ledger.publish_post(
            POST, platform="Weibo", author="actor/wang", text="第一版", at="2024-10-16T09:00Z"
        )
        time.sleep(1.1)
        ledger.edit_post(POST, text="第二版", at="2024-10-16T10:00Z")
        time.sleep(1.1)
        ledger.delete_post(POST, at="2024-10-17")
        return [entry.recorded_at for entry in ledger.history(POST)]


@pytest.fixture
def client(serve: Serve, ledger_url: str, versions: list[datetime]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=serve(ledger_url), timeout=30) as opened:
        yield opened


def http_date(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)


def test_the_timemap_lists_every_version_with_its_record_time(
    client: httpx.Client, versions: list[datetime]
) -> None:
    answer = client.get(f"/timemap/{POST}")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/link-format"
    base = str(client.base_url).rstrip("/")
    entries = re.findall(r"<([^>]*)>;rel=\"([^\"]*)\"((?:;[a-z]+=\"[^\"]*\")*)", answer.text)
    by_rel = {rel: (uri, dict(re.findall(r'([a-z]+)="([^"]*)"', rest))) for uri, rel, rest in entries}
    assert by_rel["original"][0] == f"{base}/subjects/{POST}"
    assert by_rel["timegate"][0] == f"{base}/timegate/{POST}"
    assert by_rel["self"] == (
        f"{base}/timemap/{POST}",
        {"type": "application/link-format", "from": http_date(versions[0]), "until": http_date(versions[2])},
    )
    mementos = [
        (uri, rel, dict(re.findall(r'([a-z]+)="([^"]*)"', rest))["datetime"])
        for uri, rel, rest in entries
        if "memento" in rel
    ]
    assert mementos == [
        (f"{base}/subjects/{POST}/versions/1", "first memento", http_date(versions[0])),
        (f"{base}/subjects/{POST}/versions/2", "memento", http_date(versions[1])),
        (f"{base}/subjects/{POST}/versions/3", "last memento", http_date(versions[2])),
    ]


CASES = [
    ("before", 1),  # before the first version: the first (RFC 7089 section 4.5.3)
    ("first", 1),
    ("between", 1),
    ("second", 2),
    ("third", 3),
    ("after", 3),
    (None, 3),  # no Accept-Datetime: now
]


def test_the_timegate_redirects_to_the_version_held_then(
    client: httpx.Client, versions: list[datetime]
) -> None:
    for when, expected in CASES:
        check_timegate(client, versions, when, expected)
    # The original resource points at its TimeGate and TimeMap.
    answer = client.get(f"/subjects/{POST}")
    assert 'rel="timegate"' in answer.headers["link"]
    assert answer.json()["status"] == "deleted"
    # A malformed Accept-Datetime is a 400.
    for value in ["yesterday", "2024-10-17T14:03:00Z", "Thu, 17 Oct 2024 14:03:00 +0200"]:
        answer = client.get(f"/timegate/{POST}", headers={"Accept-Datetime": value})
        assert answer.status_code == 400
        assert answer.json()["error"]["message"].startswith("Accept-Datetime: expected an HTTP date")


def check_timegate(client: httpx.Client, versions: list[datetime], when: str | None, expected: int) -> None:
    second = timedelta(seconds=1)
    moments = {
        "before": versions[0] - timedelta(days=400),
        "first": versions[0],
        "between": versions[1].replace(microsecond=0) - second,
        "second": versions[1],
        "third": versions[2],
        "after": versions[2] + timedelta(days=1),
    }
    headers = {} if when is None else {"Accept-Datetime": http_date(moments[when])}
    if when == "between":
        assert versions[0].replace(microsecond=0) <= moments["between"] < versions[1]
    answer = client.get(f"/timegate/{POST}", headers=headers)
    assert answer.status_code == 302
    assert answer.headers["vary"] == "accept-datetime"
    base = str(client.base_url).rstrip("/")
    location = f"{base}/subjects/{POST}/versions/{expected}"
    assert answer.headers["location"] == location
    link = answer.headers["link"]
    assert f'<{base}/subjects/{POST}>; rel="original"' in link
    assert f'<{base}/timemap/{POST}>; rel="timemap"; type="application/link-format"' in link
    assert re.search(rf'<{re.escape(location)}>; rel="[a-z ]*memento"; datetime="', link)

    memento = client.get(location)
    assert memento.status_code == 200
    assert parsedate_to_datetime(memento.headers["memento-datetime"]) == versions[expected - 1].replace(
        microsecond=0
    )
    for rel in ("original", "timegate", "timemap"):
        assert f'rel="{rel}"' in memento.headers["link"]
    assert memento.json()["version"] == expected
    assert memento.json()["text"] == ["第一版", "第二版", "第二版"][expected - 1]
