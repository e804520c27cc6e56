"""ClaimReview in and out: every shape fact-checkers publish, idempotent imports, offline JSON-LD."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from domain.errors import FormatError
from ledger import Ledger
from ledger.formats.jsonld import canonical_nquads, expand
from tests.formats.conftest import EXAMPLES, FIXTURES, snapshot

SHAPES = [
    FIXTURES / "single.json",
    FIXTURES / "array.json",
    EXAMPLES / "claimreview-feed.json",
    FIXTURES / "graph.jsonld",
    EXAMPLES / "claimreview-page.html",
]
SCHEMA = "http://schema.org/"


def claims(ledger: Ledger) -> list[tuple[Any, ...]]:
    """What the ledger says of each claim, by its words: claimant, appearances and reviews."""
    found = []
    for row in ledger.claims():
        state = ledger.get(row.ref)
        claimant = ledger.get(state.claimant).name
        urls = sorted(filter(None, (ledger.get(a.post).url for a in state.appearances)))
        reviews = [
            (ledger.get(r.reviewer).name, r.verdict, r.stance, str(r.at), r.rationale) for r in state.reviews
        ]
        found.append((state.text, claimant, str(state.made_at), urls, reviews))
    return sorted(found)


@pytest.mark.parametrize("path", SHAPES, ids=lambda path: path.name)
def test_every_shape_imports(ledger: Ledger, path: Path) -> None:
    result = ledger.import_claimreview(path)
    assert result.positions is not None
    assert ledger.claims(), path.name
    assert all(row.reviews >= 1 for row in ledger.claims())


def test_the_mapping_of_one_claimreview(ledger: Ledger) -> None:
    ledger.import_claimreview(FIXTURES / "single.json")
    (claim,) = ledger.claims()
    state = ledger.get(claim.ref)
    assert state.text == "The ferry tax was tripled overnight"
    assert str(state.made_at) == "2024-10-16"
    assert ledger.get(state.claimant).name == "Marta Quill"
    assert [h.handle for h in ledger.get(state.claimant).handles] == ["https://social.example/@mquill"]
    posts = [ledger.get(a.post) for a in state.appearances]
    assert [(p.url, p.text, str(p.published_at)) for p in posts] == [
        ("https://social.example/@mquill/1001", None, "..2024-10-16"),  # no later than the claim
        ("https://forum.example/t/ferry-tax", None, "2024-10-17"),
    ]
    (review,) = state.reviews
    assert (review.stance, review.verdict, str(review.at)) == ("rebutted", "False", "2024-10-18")
    assert ledger.get(review.reviewer).name == "Harbour Facts"
    (evidence,) = review.evidence
    assert ledger.get(evidence.source).url == "https://factcheck.example/checks/ferry-tax"
    rebuttal = ledger.history(claim.ref)[-1]
    assert rebuttal.event.note == "ratingValue=1; bestRating=5; worstRating=1"


def test_non_latin_and_right_to_left_text_is_kept(ledger: Ledger) -> None:
    ledger.import_claimreview(FIXTURES / "array.json")
    texts = {row.text: row for row in ledger.claims()}
    assert texts["Городской совет продал часовую башню"].status == "rebutted"  # "Falso" is in the table
    arabic = texts["الجسر الجديد سيُغلق لمدة عام"]
    assert (arabic.status, arabic.verdict) == ("unrated", "Missing context")  # never guessed
    assert {row.name for row in ledger.actors()} >= {"Игорь Петров", "سلمى حداد", "تحقق"}


def test_reimport_records_nothing_new_and_a_changed_rating_is_a_revision(
    ledger: Ledger, tmp_path: Path
) -> None:
    ledger.import_claimreview(FIXTURES / "single.json")
    before = snapshot(ledger)
    again = ledger.import_claimreview(FIXTURES / "single.json")
    assert (again.recorded, again.positions) == ((), None)
    assert snapshot(ledger) == before
    changed = json.loads((FIXTURES / "single.json").read_text())
    changed["reviewRating"]["alternateName"] = "Half true"
    changed["datePublished"] = "2024-10-25"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(changed))
    result = ledger.import_claimreview(path)
    assert [line.split()[:2] for line in result.recorded] == [["claim", "revise"]]
    state = ledger.get(ledger.claims()[0].ref)
    assert [(r.kind, r.verdict, r.stance) for r in state.reviews] == [
        ("rebuttal", "False", "rebutted"),
        ("revision", "Half true", "unrated"),
    ]


def test_actors_are_matched_by_name_or_url(ledger: Ledger) -> None:
    ledger.register_actor("actor/harbour", name="HARBOUR FACTS", kind="organization")
    ledger.import_claimreview(FIXTURES / "single.json")
    ledger.import_claimreview(EXAMPLES / "claimreview-feed.json")  # "marta quill" is Marta Quill
    (ferry,) = [row for row in ledger.claims() if "ferry" in row.text]
    state = ledger.get(ferry.ref)
    assert state.reviews[0].reviewer == "actor/harbour"
    assert len([row for row in ledger.actors() if row.name.casefold() == "marta quill"]) == 1


def test_a_ratings_table_overrides_the_default(ledger: Ledger, tmp_path: Path) -> None:
    table = tmp_path / "ratings.json"
    table.write_text(json.dumps({"Missing context": "rebutted", "falso": "unrated"}))
    ledger.import_claimreview(FIXTURES / "array.json", ratings=table)
    assert sorted((row.verdict, row.status) for row in ledger.claims()) == [
        ("Falso", "unrated"),
        ("Missing context", "rebutted"),
    ]
    table.write_text(json.dumps({"False": "maybe"}))
    with pytest.raises(FormatError, match="stance must be one of"):
        ledger.import_claimreview(FIXTURES / "single.json", ratings=table)


def test_a_dry_run_writes_nothing(ledger: Ledger) -> None:
    result = ledger.import_claimreview(EXAMPLES / "claimreview-feed.json", dry_run=True)
    assert result.dry_run
    assert result.recorded
    assert result.positions is None
    assert ledger.head == 0


def _broken(tmp_path: Path, change: Any) -> Path:
    items = json.loads((FIXTURES / "array.json").read_text())
    change(items[1])
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(items, ensure_ascii=False))
    return path


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        (lambda item: item.pop("claimReviewed"), "claimReviewed", "missing"),
        (lambda item: item["reviewRating"].pop("alternateName"), "reviewRating.alternateName", "label"),
        (lambda item: item.update(datePublished="2024-11-03T10:00:00"), "datePublished", "no time zone"),
        (lambda item: item.update(datePublished="yesterday"), "datePublished", "malformed time"),
        (
            lambda item: item["itemReviewed"].update(datePublished="2024-13-01"),
            "itemReviewed.datePublished",
            "",
        ),
        # A value of a JSON type the mapping cannot read is refused, not turned to text or left out.
        (lambda item: item.update(claimReviewed=123), "claimReviewed", "expected text, got number"),
        (lambda item: item.update(itemReviewed="a claim"), "itemReviewed", "expected an object, got text"),
        (lambda item: item.update(author=["x", 1]), "author", "expected text or an object, got number"),
        (lambda item: item.update(author={"name": 7}), "author.name", "expected text, got number"),
        (lambda item: item.update(author={"name": "X", "url": True}), "author.url", "got true/false"),
        (lambda item: item.update(reviewRating="False"), "reviewRating", "expected an object, got text"),
        (lambda item: item["reviewRating"].update(alternateName=["False", 2]),
         "reviewRating.alternateName", "expected text, got number"),
        (lambda item: item["reviewRating"].update(ratingValue={"v": 1}),
         "reviewRating.ratingValue", "expected text or a number, got object"),
        (lambda item: item.update(datePublished=20241103), "datePublished", "expected text, got number"),
        (lambda item: item.update(url=5), "url", "expected text or an object, got number"),
        (lambda item: item.update(name=False), "name", "expected text, got true/false"),
        (lambda item: item.update(headline=[1]), "headline", "expected text, got number"),
        (lambda item: item["itemReviewed"].update(datePublished=2024), "itemReviewed.datePublished",
         "expected text, got number"),
        (lambda item: item["itemReviewed"].update(author=42), "itemReviewed.author",
         "expected text or an object, got number"),
        (lambda item: item["itemReviewed"].update(author={"name": "A", "sameAs": 1}),
         "itemReviewed.author.sameAs", "expected text or an object, got number"),
        (lambda item: item["itemReviewed"].update(appearance=[3]), "itemReviewed.appearance",
         "expected text or an object, got number"),
        (lambda item: item["itemReviewed"].update(firstAppearance={"url": 3}),
         "itemReviewed.firstAppearance.url", "expected text or an object, got number"),
        (lambda item: item["itemReviewed"].update(
             appearance={"url": "https://a.example", "datePublished": 1}),
         "itemReviewed.appearance.datePublished", "expected text, got number"),
    ],
)  # fmt: skip
def test_a_bad_item_is_refused_naming_file_item_and_field(
    ledger: Ledger, tmp_path: Path, change: Any, field: str, reason: str
) -> None:
    ledger.register_actor("actor/x", name="X", kind="person")
    before = snapshot(ledger)
    path = _broken(tmp_path, change)
    with pytest.raises(FormatError) as caught:
        ledger.import_claimreview(path)
    assert (caught.value.file, caught.value.item, caught.value.field) == (str(path), "item 2", field)
    assert str(caught.value).startswith(f"{path}: item 2, field {field!r}: ")
    assert reason in str(caught.value)
    assert snapshot(ledger) == before


def test_unreadable_files_are_refused(ledger: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("{not json")
    with pytest.raises(FormatError, match="not valid JSON"):
        ledger.import_claimreview(path)
    path.write_text(json.dumps({"@context": "https://elsewhere.example/ctx", "@type": "ClaimReview"}))
    with pytest.raises(FormatError, match="not readable as JSON-LD"):
        ledger.import_claimreview(path)
    path.write_text(json.dumps({"@type": "WebPage"}))
    with pytest.raises(FormatError, match="no ClaimReview found"):
        ledger.import_claimreview(path)


def test_export_expands_offline_and_reimports_to_the_same_claims(ledger: Ledger, tmp_path: Path) -> None:
    for name in SHAPES:
        ledger.import_claimreview(FIXTURES / name)
    out = io.StringIO()
    count = ledger.export_claimreview(out)
    assert count == sum(row.reviews for row in ledger.claims())
    document = json.loads(out.getvalue())
    expanded = expand(document)
    ferry = next(n for n in expanded if "ferry" in n[SCHEMA + "claimReviewed"][0]["@value"])
    claim = ferry[SCHEMA + "itemReviewed"][0]
    assert claim["@type"] == [SCHEMA + "Claim"]
    assert claim[SCHEMA + "firstAppearance"][0][SCHEMA + "url"] == [
        {"@id": "https://social.example/@mquill/1001"}
    ]
    assert len(claim[SCHEMA + "appearance"]) == 2
    assert ferry[SCHEMA + "reviewRating"][0][SCHEMA + "ratingValue"] == [{"@value": 1}]
    assert "<http://schema.org/claimReviewed>" in canonical_nquads(document)
    path = tmp_path / "export.json"
    path.write_text(out.getvalue())
    with Ledger.open(tmp_path / "copy.db", recorded_by="desk") as copy:
        copy.import_claimreview(path)
        assert claims(copy) == claims(ledger)
        again = copy.import_claimreview(path)
        assert again.recorded == ()


def test_export_of_one_claim(ledger: Ledger) -> None:
    ledger.import_claimreview(FIXTURES / "array.json")
    ref = ledger.claims()[0].ref
    out = io.StringIO()
    assert ledger.export_claimreview(out, refs=[ref]) == 1
    (review,) = json.loads(out.getvalue())
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == ledger.get(ref).text


def test_hostile_files_are_refused_in_one_line(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(FormatError, match="nested too deeply"):
        ledger.import_claimreview(path)
    items = json.loads((FIXTURES / "array.json").read_text())
    items[0]["@id"] = "https://x.example/\u202eevil\x1b[31m"
    items[0].pop("claimReviewed")
    path.write_text(json.dumps(items))
    with pytest.raises(FormatError) as caught:
        ledger.import_claimreview(path)
    assert "\u202e" not in str(caught.value)
    assert "\x1b" not in str(caught.value)
    assert "\\u202eevil\\x1b[31m" in str(caught.value)
    monkeypatch.setattr("ledger.formats.claimreview.MAX_FILE_BYTES", 100)
    with pytest.raises(FormatError, match="larger than 100 bytes"):
        ledger.import_claimreview(FIXTURES / "single.json")
    assert ledger.head == 0


def test_the_same_rating_in_another_case_is_not_a_revision(ledger: Ledger, tmp_path: Path) -> None:
    ledger.import_claimreview(FIXTURES / "single.json")
    item = json.loads((FIXTURES / "single.json").read_text())
    item["reviewRating"]["alternateName"] = "FALSE"
    path = tmp_path / "upper.json"
    path.write_text(json.dumps(item))
    assert ledger.import_claimreview(path).recorded == ()
