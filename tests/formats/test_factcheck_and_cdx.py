"""Fact Check Tools claims:search responses, and Wayback CDX capture indexes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from domain.errors import FormatError, NotFoundError
from ledger import Ledger
from ledger.formats.cdx import parse_timestamp, read_cdx
from tests.formats.conftest import EXAMPLES, FIXTURES, snapshot

URL = "https://social.example/@mquill/1001"


def test_a_claims_search_response_imports_with_ratings_differing_only_by_case(ledger: Ledger) -> None:
    result = ledger.import_factcheck(EXAMPLES / "factcheck-response.json")
    assert result.items == 3
    by_text = {row.text: ledger.get(row.ref) for row in ledger.claims()}
    ferry = by_text["The ferry tax was tripled overnight"]
    assert [(ledger.get(r.reviewer).name, r.verdict, r.stance) for r in ferry.reviews] == [
        ("Harbour Facts", "False", "rebutted"),
        ("Island Checks", "FALSE", "rebutted"),
    ]
    assert str(ferry.made_at) == "2024-10-16T08:00:00Z"
    hebrew = by_text["השוק הישן ייסגר בשבוע הבא"]
    assert (hebrew.status, hebrew.verdict) == ("rebutted", "לא נכון")
    assert ledger.import_factcheck(EXAMPLES / "factcheck-response.json").recorded == ()


def test_the_api_and_claimreview_name_the_same_claim(ledger: Ledger) -> None:
    ledger.import_claimreview(FIXTURES / "single.json")
    ledger.import_factcheck(EXAMPLES / "factcheck-response.json")
    ferry = [row for row in ledger.claims() if "ferry" in row.text]
    assert len(ferry) == 1
    assert ferry[0].reviews == 2  # Harbour Facts' "False" was already there


@pytest.mark.parametrize(
    ("change", "item", "field"),
    [
        (lambda d: d["claims"][1].pop("text"), "claims[1]", "text"),
        (lambda d: d["claims"][0]["claimReview"][1].pop("textualRating"),
         "claims[0].claimReview[1]", "textualRating"),
        (lambda d: d["claims"][0]["claimReview"][0].update(reviewDate="2024-10-18T12:00:00"),
         "claims[0].claimReview[0]", "reviewDate"),
        (lambda d: d["claims"][1].update(claimDate="2024-10-20 00:00"), "claims[1]", "claimDate"),
        # A value of another JSON type is refused, not left out (no claimant) or read as text (a year).
        (lambda d: d["claims"][0].update(claimant=5), "claims[0]", "claimant"),
        (lambda d: d["claims"][0].update(claimDate=2024), "claims[0]", "claimDate"),
        (lambda d: d["claims"][0]["claimReview"][0].update(url=["https://x.example"]),
         "claims[0].claimReview[0]", "url"),
        (lambda d: d["claims"][0]["claimReview"][0].update(title=1), "claims[0].claimReview[0]", "title"),
        (lambda d: d["claims"][0]["claimReview"][0].update(reviewDate=20241018),
         "claims[0].claimReview[0]", "reviewDate"),
        (lambda d: d["claims"][0]["claimReview"][0].update(languageCode=False),
         "claims[0].claimReview[0]", "languageCode"),
        (lambda d: d["claims"][0]["claimReview"][0]["publisher"].update(name=7),
         "claims[0].claimReview[0]", "publisher.name"),
        (lambda d: d["claims"][0]["claimReview"][0]["publisher"].update(site={}),
         "claims[0].claimReview[0]", "publisher.site"),
    ],
)  # fmt: skip
def test_a_bad_api_item_is_refused(
    ledger: Ledger, tmp_path: Path, change: Any, item: str, field: str
) -> None:
    document = json.loads((EXAMPLES / "factcheck-response.json").read_text())
    change(document)
    path = tmp_path / "response.json"
    path.write_text(json.dumps(document, ensure_ascii=False))
    with pytest.raises(FormatError) as caught:
        ledger.import_factcheck(path)
    assert (caught.value.item, caught.value.field) == (item, field)
    assert ledger.head == 0


# -- CDX -------------------------------------------------------------------------------------------


@pytest.fixture
def post(ledger: Ledger) -> str:
    ledger.register_actor("actor/marta", name="Marta Quill", kind="person")
    return ledger.publish_post(
        "post/ferry", platform="social.example", author="actor/marta", url=URL, at="2024-10-16"
    )


def test_json_and_text_indexes_read_the_same_with_duplicates_collapsed() -> None:
    from_json = read_cdx(FIXTURES / "captures.json")
    from_text = read_cdx(EXAMPLES / "captures.cdx")
    assert [(c.timestamp, c.statuscode, c.digest) for c in from_json] == [
        (c.timestamp, c.statuscode, c.digest) for c in from_text
    ]
    assert [c.timestamp for c in from_json] == [
        "20241016093000",
        "20241017120000",
        "20241018080000",
        "20241019080000",
    ]


def test_captures_and_the_deletion_window_are_recorded_on_the_post(ledger: Ledger, post: str) -> None:
    result = ledger.import_cdx(FIXTURES / "captures.json", post=post)
    state = ledger.get(post)
    assert [(a.url, str(a.captured_at), a.digest, a.http_status) for a in state.archives] == [
        (f"https://web.archive.org/web/20241016093000/{URL}", "2024-10-16T09:30:00Z",
         "sha1:AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHH", 200),
        (f"https://web.archive.org/web/20241017120000/{URL}", "2024-10-17T12:00:00Z",
         "sha1:AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHH", 200),
        (f"https://web.archive.org/web/20241018080000/{URL}", "2024-10-18T08:00:00Z",
         "sha1:IIIIJJJJKKKKLLLLMMMMNNNNOOOOPPPP", 404),
        (f"https://web.archive.org/web/20241019080000/{URL}", "2024-10-19T08:00:00Z",
         "sha1:IIIIJJJJKKKKLLLLMMMMNNNNOOOOPPPP", 404),
    ]  # fmt: skip
    assert state.status == "deleted"
    assert str(state.deleted_at) == "2024-10-17T12:00Z..2024-10-18T08:00:00Z"
    (deletion,) = [e for e in ledger.history(post) if e.type == "PostDeleted"]
    cited = [ledger.get(ref) for ref in deletion.event.sources]
    assert [s.title.rsplit(": ", 1)[1] for s in cited] == ["HTTP 200", "HTTP 404"]
    assert "HTTP 200, text/html, 5120 bytes" in {e.event.note for e in ledger.history(post)}
    assert result.recorded.count(f"post archive {post}") == 4
    before = snapshot(ledger)
    assert ledger.import_cdx(EXAMPLES / "captures.cdx", post=post).recorded == ()
    assert snapshot(ledger) == before


def test_a_page_seen_again_is_a_restoration(ledger: Ledger, post: str, tmp_path: Path) -> None:
    lines = (EXAMPLES / "captures.cdx").read_text().splitlines()
    later = lines[0].replace("20241016093000", "20241020100000")
    path = tmp_path / "back.cdx"
    path.write_text("\n".join([*lines, later]) + "\n")
    ledger.import_cdx(path, post=post)
    state = ledger.get(post)
    assert state.status == "live"
    assert str(state.restored_at) == "2024-10-19T08:00Z..2024-10-20T10:00:00Z"


@pytest.mark.parametrize(
    ("text", "item", "field"),
    [
        ("example)/ 2024101609 https://social.example/x text/html 200 D 1\n", "line 1", "timestamp"),
        ("example)/ 20241016093000 https://social.example/x text/html 200 D 1\n"
         "example)/ 2024-10-16T09:30 https://social.example/x text/html 200 D 1\n", "line 2", "timestamp"),
        ('[["urlkey","timestamp","original"],["k","20241399000000","https://x.example"]]',
         "line 2", "timestamp"),
        ("example)/ 20241016093000\n", "line 1", None),
    ],
)  # fmt: skip
def test_a_bad_row_is_refused_naming_the_line(
    ledger: Ledger, post: str, tmp_path: Path, text: str, *, item: str, field: str | None
) -> None:
    path = tmp_path / "bad.cdx"
    path.write_text(text)
    before = snapshot(ledger)
    with pytest.raises(FormatError) as caught:
        ledger.import_cdx(path, post=post)
    assert (caught.value.file, caught.value.item, caught.value.field) == (str(path), item, field)
    assert snapshot(ledger) == before


def test_the_post_must_exist(ledger: Ledger) -> None:
    with pytest.raises(NotFoundError):
        ledger.import_cdx(EXAMPLES / "captures.cdx", post="post/nobody")


def test_a_capture_before_publication_is_refused_naming_its_line(ledger: Ledger) -> None:
    ledger.register_actor("actor/marta", name="Marta Quill", kind="person")
    ledger.publish_post("post/late", platform="x", author="actor/marta", url=URL, at="2024-10-17")
    with pytest.raises(
        FormatError, match=r"captures.cdx: line 1, field 'timestamp': post/late cannot have been archived"
    ):
        ledger.import_cdx(EXAMPLES / "captures.cdx", post="post/late")
    assert len(ledger.history("post/late")) == 1


def test_timestamps() -> None:
    assert str(parse_timestamp("20241018080000")) == "2024-10-18T08:00:00Z"
    with pytest.raises(ValueError, match="14 digits"):
        parse_timestamp("20241018")
