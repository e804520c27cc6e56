"""What each HTTP status of a Wayback capture records on the post: presence, absence, or neither."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.errors import FormatError
from ledger import Ledger
from ledger.formats.cdx import same_page
from tests.formats.conftest import snapshot

URL = "https://social.example/@mquill/1001"
KEY = "example,social)/@mquill/1001"


def rows(*captures: tuple[str, str, str]) -> str:
    """CDX text lines (the server's default output) for (timestamp, status, mimetype) captures."""
    return "".join(
        f"{KEY} {at} {URL} {mime} {status} {at[-8:]}AAAABBBBCCCCDDDDEEEEFFFF {len(at) * 37}\n"
        for at, status, mime in captures
    )


@pytest.fixture
def post(ledger: Ledger) -> str:
    ledger.register_actor("actor/marta", name="Marta Quill", kind="person")
    return ledger.publish_post(
        "post/ferry", platform="social.example", author="actor/marta", url=URL, at="2024-10-16"
    )


def imported(ledger: Ledger, tmp_path: Path, post: str, text: str) -> list[tuple[str, int | None, bool]]:
    path = tmp_path / "captures.cdx"
    path.write_text(text)
    ledger.import_cdx(path, post=post)
    return [(str(a.captured_at), a.http_status, a.shows_absence) for a in ledger.get(post).archives]


@pytest.mark.parametrize("status", ["404", "410", "451"])
def test_a_capture_that_found_the_post_absent_is_recorded_with_its_status(
    ledger: Ledger, tmp_path: Path, post: str, status: str
) -> None:
    text = rows(("20241016093000", "200", "text/html"), ("20241018080000", status, "text/html"))
    assert imported(ledger, tmp_path, post, text) == [
        ("2024-10-16T09:30:00Z", 200, False),
        ("2024-10-18T08:00:00Z", int(status), True),
    ]
    state = ledger.get(post)
    assert (state.status, str(state.deleted_at)) == ("deleted", "2024-10-16T09:30Z..2024-10-18T08:00:00Z")
    assert ledger.history(post)[-1].event.note == f"HTTP {status}, text/html, 518 bytes"


def test_redirects_and_errors_are_kept_but_bound_nothing(ledger: Ledger, tmp_path: Path, post: str) -> None:
    # A 302 to a login wall or a 503 says nothing about whether the post exists: it neither ends the
    # deletion window nor restores the post. A revisit record ("-") saw what the capture with its digest saw.
    text = (
        rows(
            ("20241016093000", "200", "text/html"),
            ("20241017080000", "302", "text/html"),
            ("20241017090000", "503", "text/html"),
            ("20241018080000", "404", "text/html"),
            ("20241019080000", "301", "text/html"),
        )
        + f"{KEY} 20241019090000 {URL} warc/revisit - 18080000AAAABBBBCCCCDDDDEEEEFFFF 310\n"
    )
    assert imported(ledger, tmp_path, post, text) == [
        ("2024-10-16T09:30:00Z", 200, False),
        ("2024-10-17T08:00:00Z", 302, False),
        ("2024-10-17T09:00:00Z", 503, False),
        ("2024-10-18T08:00:00Z", 404, True),
        ("2024-10-19T08:00:00Z", 301, False),
        ("2024-10-19T09:00:00Z", 404, True),
    ]
    state = ledger.get(post)
    assert (state.status, str(state.deleted_at)) == ("deleted", "2024-10-16T09:30Z..2024-10-18T08:00:00Z")
    assert [e.type for e in ledger.history(post)].count("PostRestored") == 0


def test_absence_before_any_capture_that_saw_the_post_is_a_deletion_since_publication(
    ledger: Ledger, tmp_path: Path, post: str
) -> None:
    text = rows(
        ("20241017080000", "410", "text/html"),
        ("20241018080000", "200", "text/html"),
        ("20241019080000", "404", "text/html"),
    )
    imported(ledger, tmp_path, post, text)
    turns = [(e.type, str(e.event.occurred_at)) for e in ledger.history(post) if e.type != "PostArchived"]
    assert turns == [
        ("PostPublished", "2024-10-16"),
        ("PostDeleted", "2024-10-16..2024-10-17T08:00:00Z"),
        ("PostRestored", "2024-10-17T08:00Z..2024-10-18T08:00:00Z"),
        ("PostDeleted", "2024-10-18T08:00Z..2024-10-19T08:00:00Z"),
    ]


def test_a_deletion_recorded_by_hand_is_kept_and_the_captures_narrow_it(
    ledger: Ledger, tmp_path: Path, post: str
) -> None:
    ledger.delete_post(post, at="2024-10-17..2024-10-19")
    text = rows(("20241017120000", "200", "text/html"), ("20241018080000", "404", "text/html"))
    imported(ledger, tmp_path, post, text)
    state = ledger.get(post)
    assert [e.type for e in ledger.history(post)].count("PostDeleted") == 1
    assert str(state.deletion_window()) == "2024-10-17T12:00Z..2024-10-18T08:00:00Z"
    before = snapshot(ledger)
    assert ledger.import_cdx(tmp_path / "captures.cdx", post=post).recorded == ()
    assert snapshot(ledger) == before


@pytest.mark.parametrize("status", ["abc", "999", "40"])
def test_a_status_that_is_no_http_status_is_refused_naming_the_line_and_field(
    ledger: Ledger, tmp_path: Path, post: str, status: str
) -> None:
    path = tmp_path / "captures.cdx"
    path.write_text(rows(("20241016093000", "200", "text/html"), ("20241018080000", status, "text/html")))
    before = snapshot(ledger)
    with pytest.raises(FormatError) as caught:
        ledger.import_cdx(path, post=post)
    assert (caught.value.file, caught.value.item, caught.value.field) == (str(path), "line 2", "statuscode")
    assert snapshot(ledger) == before


def test_an_absence_inside_a_live_period_recorded_by_hand_is_refused(
    ledger: Ledger, tmp_path: Path, post: str
) -> None:
    ledger.delete_post(post, at="2024-10-17T10:00Z")
    ledger.restore_post(post, at="2024-10-18T10:00Z")
    path = tmp_path / "captures.cdx"
    path.write_text(rows(("20241019080000", "200", "text/html"), ("20241020080000", "404", "text/html")))
    # Fine: a new deletion after the restoration.
    ledger.import_cdx(path, post=post)
    assert ledger.get(post).status == "deleted"
    path.write_text(rows(("20241017120000", "200", "text/html")))
    before = snapshot(ledger)
    with pytest.raises(FormatError, match=r"line 1, field 'timestamp': post/ferry cannot have been archived"):
        ledger.import_cdx(path, post=post)
    assert snapshot(ledger) == before


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        (rows(("20241016093000", "200", "text/html")).replace(URL, "https://other.example/xyz"),
         "original", "a capture of 'https://other.example/xyz', not of post/ferry's URL"),
        (rows(("20241016093000", "200", "text/\x00html")), "mimetype", "no control characters"),
        ('[["urlkey","timestamp","original"],["k","20241016093000",["x"]]]', "original",
         "expected text or a number, got list"),
        ('{"url": "https://social.example/@mquill/1001", "status": 200}\n', "timestamp", "missing"),
    ],
)  # fmt: skip
def test_a_hostile_row_is_refused_naming_line_and_field(
    ledger: Ledger, tmp_path: Path, post: str, text: str, *, field: str, reason: str
) -> None:
    path = tmp_path / "captures.cdx"
    path.write_text(text)
    before = snapshot(ledger)
    with pytest.raises(FormatError) as caught:
        ledger.import_cdx(path, post=post)
    assert caught.value.field == field
    assert reason in caught.value.reason
    assert snapshot(ledger) == before


def test_the_same_page_under_another_scheme_host_alias_or_query_is_the_posts() -> None:
    assert same_page("http://www.twitter.com/jane/status/1/?s=20", "https://x.com/jane/status/1")
    assert same_page("https://m.social.example/@mquill/1001", URL)
    assert not same_page("https://social.example/@mquill/1002", URL)
    assert not same_page("http://[::1", URL)


def test_captures_onto_a_post_without_a_url_are_refused(ledger: Ledger, tmp_path: Path) -> None:
    # With no URL to match, a 404 of any page would mark the live post deleted.
    ledger.register_actor("actor/marta", name="Marta Quill", kind="person")
    post = ledger.publish_post("post/nourl", platform="social.example", author="actor/marta", at="2024-10-16")
    path = tmp_path / "other.cdx"
    path.write_text(
        "com,evil)/x 20241016093000 https://evil.com/x text/html 200 AAAABBBBCCCCDDDD 100\n"
        "com,evil)/x 20241018080000 https://evil.com/x text/html 404 EEEEFFFFGGGGHHHH 100\n"
    )
    before = snapshot(ledger)
    with pytest.raises(FormatError) as caught:
        ledger.import_cdx(path, post=post)
    assert caught.value.file == str(path)
    assert "post/nourl was recorded without a URL" in caught.value.reason
    assert snapshot(ledger) == before
    assert ledger.get(post).status == "live"


def test_a_row_cut_short_is_refused_naming_the_line(ledger: Ledger, tmp_path: Path, post: str) -> None:
    # The last row lost its length and half its digest: its digest would be read as the status's neighbour.
    text = rows(("20241016093000", "200", "text/html"), ("20241018080000", "404", "text/html"))
    cut = text.splitlines()[1].rsplit(" ", 2)[0] + " IIIIJJJJKKKKLLLLM"
    path = tmp_path / "captures.cdx"
    path.write_text(text.splitlines()[0] + "\n" + cut + "\n")
    before = snapshot(ledger)
    with pytest.raises(FormatError) as caught:
        ledger.import_cdx(path, post=post)
    assert (caught.value.file, caught.value.item) == (str(path), "line 2")
    assert "expected 7 values, as the first row has, got 6" in caught.value.reason
    assert snapshot(ledger) == before


@pytest.mark.parametrize(
    "row",
    [
        '["k","20241018080000","https://social.example/@mquill/1001","text/html","404","IIII"]',
        '["k","20241018080000","https://social.example/@mquill/1001","text/html","404","IIII","9","x"]',
    ],
)
def test_a_json_row_shorter_or_longer_than_the_header_is_refused(
    ledger: Ledger, tmp_path: Path, post: str, row: str
) -> None:
    header = '["urlkey","timestamp","original","mimetype","statuscode","digest","length"]'
    first = '["k","20241016093000","https://social.example/@mquill/1001","text/html","200","AAAA","9"]'
    path = tmp_path / "captures.json"
    path.write_text(f"[{header},\n{first},\n{row}]")
    before = snapshot(ledger)
    with pytest.raises(FormatError) as caught:
        ledger.import_cdx(path, post=post)
    assert (caught.value.file, caught.value.item) == (str(path), "line 3")
    assert "expected 7 values, one for each field of the first row" in caught.value.reason
    assert snapshot(ledger) == before
