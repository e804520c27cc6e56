"""A large feed is compacted a chunk of elements at a time: the same reviews as the whole document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ledger.formats import claimreview
from ledger.formats.claimreview import _find_reviews, _item, _with_context, iter_claimreviews
from ledger.formats.jsonld import compact_schema
from tests.formats.conftest import EXAMPLES, FIXTURES

JSON_SHAPES = [
    FIXTURES / "single.json",
    FIXTURES / "array.json",
    EXAMPLES / "claimreview-feed.json",
    FIXTURES / "graph.jsonld",
]


def whole(path: Path) -> list[Any]:
    """The reviews read by compacting the whole document at once."""
    compacted = compact_schema(_with_context(json.loads(path.read_text())))
    return [_item(str(path), n, node) for n, node in enumerate(_find_reviews(compacted), start=1)]


@pytest.mark.parametrize("chunk", [1, 2, 200])
@pytest.mark.parametrize("path", JSON_SHAPES, ids=lambda p: p.name)
def test_chunks_read_the_same_reviews_as_the_whole_document(
    path: Path, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(claimreview, "CHUNK", chunk)
    assert list(iter_claimreviews(path)) == whole(path)


def test_an_element_with_its_own_context_keeps_the_documents_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(claimreview, "CHUNK", 1)
    feed = json.loads((EXAMPLES / "claimreview-feed.json").read_text())
    feed["@context"] = {"@vocab": "http://schema.org/", "url": {"@type": "@id"}}
    # An element that adds a prefix: its terms still need the feed's @vocab to mean schema.org's.
    feed["dataFeedElement"][1]["@context"] = {"s": "http://schema.org/"}
    review = feed["dataFeedElement"][1]["item"][0]
    review["s:name"] = review.pop("name", "A check")
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed))
    items = list(iter_claimreviews(path))
    assert items == whole(path)
    assert items[1].title == review["s:name"]
    assert len(items) == len(whole(EXAMPLES / "claimreview-feed.json"))
