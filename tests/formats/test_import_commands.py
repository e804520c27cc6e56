"""Importers run command models through ``Ledger.execute``: a refusal names the format's field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from domain.errors import FormatError
from ledger import Ledger
from ledger.commands import ArchivePost, RebutClaim
from ledger.formats import commanding
from tests.formats.conftest import EXAMPLES, FIXTURES, snapshot


def test_a_claimreview_the_ledger_refuses_names_the_field_behind_the_command_field(
    ledger: Ledger, tmp_path: Path
) -> None:
    items = json.loads((FIXTURES / "array.json").read_text())
    # Reviewed (datePublished) before the claim was made (itemReviewed.datePublished): `claim rebut --at`.
    items[1]["itemReviewed"]["datePublished"] = "2024-12-01"
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(items))
    ledger.register_actor("actor/x", name="X", kind="person")
    before = snapshot(ledger)
    with pytest.raises(FormatError) as caught:
        ledger.import_claimreview(path)
    assert (caught.value.file, caught.value.item, caught.value.field) == (
        str(path),
        "item 2",
        "datePublished",
    )
    assert "cannot have been reviewed at 2024-11-03: it was made 2024-12-01" in caught.value.reason
    assert snapshot(ledger) == before  # item 1 was recorded in the batch, and is gone with it


def test_a_fact_check_response_the_ledger_refuses_names_its_own_field(ledger: Ledger, tmp_path: Path) -> None:
    document = json.loads((EXAMPLES / "factcheck-response.json").read_text())
    document["claims"][1]["claimDate"] = "2031-01-01T00:00:00Z"
    path = tmp_path / "response.json"
    path.write_text(json.dumps(document, ensure_ascii=False))
    with pytest.raises(FormatError) as caught:
        ledger.import_factcheck(path)
    assert (caught.value.item, caught.value.field) == ("claims[1].claimReview[0]", "reviewDate")
    assert ledger.head == 0


def test_a_value_the_model_refuses_is_located_by_the_models_validation_error() -> None:
    names = {"http_status": "statuscode", "at": "timestamp"}
    fields = {"ref": "post/p", "url": "https://a.example", "at": "2024-10-16T09:30Z", "http_status": "999"}
    with pytest.raises(FormatError) as caught:
        commanding.build(ArchivePost, fields, file="f.cdx", item="line 3", names=names)
    assert (caught.value.item, caught.value.field) == ("line 3", "statuscode")
    assert str(caught.value) == "f.cdx: line 3, field 'statuscode': Input should be less than or equal to 599"
    review = {"ref": "claim/c", "reviewer": "actor/r", "verdict": "False", "rationale": "Why", "at": "2024"}
    with pytest.raises(FormatError) as caught:
        commanding.build(
            RebutClaim, {**review, "evidence": ["source/ok", 7]}, file="f", item="item 1", names={}
        )
    # A field the importer fills itself (the evidence refs) has no format name: the command's is shown.
    assert caught.value.field is None
    assert caught.value.reason.startswith("evidence.1: ")


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        ("", "the file is empty"),
        ('<script type="application/ld+json">{"@type": "ClaimReview",,}</script>',
         "a JSON-LD script is not valid JSON: Expecting property name"),
        ('<script type="application/ld+json">{"@context": "https://evil.example/c", "@type": "ClaimReview"}'
         "</script>", "the context 'https://evil.example/c' is not bundled, and nothing is fetched"),
    ],
)  # fmt: skip
def test_a_broken_page_says_what_is_wrong(ledger: Ledger, tmp_path: Path, page: str, reason: str) -> None:
    path = tmp_path / "page.html"
    path.write_text(page)
    with pytest.raises(FormatError) as caught:
        ledger.import_claimreview(path)
    assert reason in str(caught.value)
    assert ledger.head == 0


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        (lambda d: d["claims"][0].update(text=["a"]), "text", "expected text, got list"),
        (lambda d: d["claims"][0]["claimReview"][0].update(textualRating=7), "textualRating", "got int"),
        (lambda d: d["claims"][0].update(claimReview={"a": 1}), "claimReview", "expected a list, got dict"),
        (lambda d: d["claims"][0]["claimReview"][0].update(publisher="H"), "publisher", "got str"),
    ],
)
def test_a_value_of_the_wrong_type_is_not_called_missing(
    ledger: Ledger, tmp_path: Path, change: Any, field: str, reason: str
) -> None:
    document = json.loads((EXAMPLES / "factcheck-response.json").read_text())
    change(document)
    path = tmp_path / "response.json"
    path.write_text(json.dumps(document))
    with pytest.raises(FormatError) as caught:
        ledger.import_factcheck(path)
    assert (caught.value.field, reason in caught.value.reason) == (field, True)
