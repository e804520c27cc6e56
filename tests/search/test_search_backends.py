"""One results contract on both backends: the same hits, in the same order, with the same snippets;
PostgreSQL's trigram index (pg_trgm) answers substring and CJK searches, and without it a warning says so."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger import Ledger
from ledger.demo import record_seed_story
from ledger.storage.backends import parse_postgres_url
from ledger.storage.postgres import connect
from projections import search_view
from tests.search.test_search import record_multilingual

QUERIES = [
    "labour", "Harris", "staff labour", "哈里斯", "哈里斯助选", "工党员工", "更正", "志愿者", "حزب",
    "حملة هاريس", "the", "a", "US", "MISLEADING", "labour 志愿者", "deleted", "zzqx",
]  # fmt: skip


def _recorded(url: str) -> Ledger:
    ledger = Ledger.open(url, recorded_by="desk")
    record_multilingual(ledger)
    record_seed_story(ledger)
    return ledger


@pytest.fixture
def both(postgres_url: str, tmp_path: Path) -> Iterator[tuple[Ledger, Ledger]]:
    with _recorded(f"sqlite:///{tmp_path / 'ledger.db'}") as sqlite, _recorded(postgres_url) as postgres:
        yield sqlite, postgres


def _schema(url: str) -> str:
    return url.split("schema=", 1)[1]


def test_both_backends_answer_every_query_alike(both: tuple[Ledger, Ledger]) -> None:
    sqlite, postgres = both
    for query in QUERIES:
        for limit in (None, 3):
            assert sqlite.search(query, limit=limit) == postgres.search(query, limit=limit), (query, limit)
    assert [hit.subject for hit in postgres.search("哈里斯助选")] == ["post/weibo-1", "post/weibo-1"]
    assert sqlite.search("志愿者", kind="case") == postgres.search("志愿者", kind="case") != []


def test_postgres_answers_substrings_from_its_trigram_index(postgres_url: str) -> None:
    with _recorded(postgres_url) as ledger:
        ledger.search("哈里斯")  # the views are made
    schema = _schema(postgres_url)
    with connect(parse_postgres_url(postgres_url.split("?", 1)[0])) as connection:
        indexes = connection.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = %s AND tablename = 'view_search'", (schema,)
        ).fetchall()
        assert any("gin_trgm_ops" in str(row) for row in indexes), indexes
        connection.execute("SET enable_seqscan = off")
        plan = connection.execute(
            f"EXPLAIN SELECT position FROM \"{schema}\".view_search WHERE folded LIKE '%%哈里斯%%'"
        ).fetchall()
    assert "view_search_trigrams" in str(plan), plan


def test_without_the_trigram_index_postgres_finds_the_same_and_says_so(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with _recorded(postgres_url) as ledger:
        before = {query: ledger.search(query, limit=None) for query in QUERIES}
    with caplog.at_level(logging.WARNING, logger=search_view.__name__), Ledger.open(postgres_url) as ledger:
        # Opening the views makes the index again where it can: take it away after, as a server
        # without pg_trgm never makes it.
        ledger.catch_up_projections()
        with connect(parse_postgres_url(postgres_url.split("?", 1)[0])) as connection:
            connection.execute(f'DROP INDEX "{_schema(postgres_url)}".view_search_trigrams')
        assert {query: ledger.search(query, limit=None) for query in QUERIES} == before
        ledger.search("labour")
    said = [record.getMessage() for record in caplog.records]
    assert said == [search_view.NO_TRIGRAMS]


def test_a_limit_ranks_the_newest_matches(ledger_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with Ledger.open(ledger_url, recorded_by="desk") as ledger:
        ledger.register_actor("actor/a", name="ballot ballot ballot", kind="person")
        for n in range(4):
            name = f"a long name with one ballot in it, number {n}"
            ledger.register_actor(f"actor/b{n}", name=name, kind="person")
        everything = ledger.search("ballot", limit=None)
        assert everything[0].subject == "actor/a"  # the best, though the oldest
        assert ledger.search("ballot", limit=1) == everything[:1]
        monkeypatch.setattr(search_view, "RANK_WINDOW", 2)
        window = ledger.search("ballot", limit=2)
        assert [hit.subject for hit in window] == ["actor/b2", "actor/b3"]  # the best of the newest two


def test_full_width_compatibility_and_case_variants_are_one(ledger_url: str) -> None:
    """NFKC and case folding on the indexed text and the query alike; the snippet shows the original."""
    with Ledger.open(ledger_url, recorded_by="desk") as ledger:
        ledger.register_actor("actor/us", name="US embassy", kind="organization")
        ledger.register_actor("actor/wide", name="ＵＳ Ｅｍｂａｓｓｙ press office", kind="organization")
        ledger.register_actor("actor/street", name="Große Straße ﬁnance", kind="organization")
        for query in ("ＵＳ", "us", "US", "ｅｍｂａｓｓｙ", "EMBASSY"):
            for replay in (False, True):
                found = ledger.search(query, limit=None, replay=replay)
                assert {hit.subject for hit in found} == {"actor/us", "actor/wide"}, (query, replay)
        (wide,) = [hit for hit in ledger.search("us embassy") if hit.subject == "actor/wide"]
        assert wide.snippet == "ＵＳ Ｅｍｂａｓｓｙ press office"  # the original text, not the folded
        assert [wide.snippet[a:b] for a, b in wide.highlights] == ["ＵＳ", "Ｅｍｂａｓｓｙ"]
        for query in ("STRASSE", "straße", "fin", "FINANCE", "grosse"):
            (hit,) = ledger.search(query)
            assert hit.subject == "actor/street", query
            assert hit.snippet == "Große Straße ﬁnance"
        (hit,) = ledger.search("strasse fi")
        assert [hit.snippet[a:b] for a, b in hit.highlights] == ["Straße", "ﬁ"]
        assert ledger.search("ＵＳ", replay=True) == ledger.search("ＵＳ")
