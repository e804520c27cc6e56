"""Full-text search on both backends: every script, deleted posts, both clocks, views vs replay."""

from __future__ import annotations

import pytest

from domain.errors import InvalidError
from ledger import Ledger
from ledger.demo import record_seed_story
from projections.search_view import SearchHit


def _found(hits: list[SearchHit]) -> list[tuple[str, int, str]]:
    return sorted((hit.subject, hit.version, hit.field) for hit in hits)


def record_multilingual(ledger: Ledger) -> None:
    """A Chinese post (edited, then deleted), an Arabic claim with a rebuttal, a case note."""
    ledger.register_actor("actor/wang", name="王小明", kind="person")
    ledger.register_actor("actor/desk", name="Fact desk", kind="organization")
    ledger.register_source("source/xinhua", title="新华社报道", kind="article")
    ledger.publish_post(
        "post/weibo-1", platform="Weibo", author="actor/wang", text="英国工党员工前往美国为哈里斯助选",
        at="2024-10-16T09:00Z",
    )  # fmt: skip
    ledger.edit_post("post/weibo-1", text="工党员工为哈里斯助选（已更正）", at="2024-10-16T10:00Z")
    ledger.delete_post("post/weibo-1", at="2024-10-17", note="deleted after the correction")
    ledger.make_claim(
        "claim/arabic", text="موظفو حزب العمال يساعدون حملة هاريس", claimant="actor/wang",
        post="post/weibo-1", at="2024-10-16T11:00Z",
    )  # fmt: skip
    ledger.rebut_claim(
        "claim/arabic", reviewer="actor/desk", verdict="Misleading", rationale="Volunteers, not staff sent",
        evidence=["source/xinhua:志愿者自费前往"], at="2024-10-18",
    )  # fmt: skip
    ledger.open_case("case/c", title="Volunteers abroad")
    ledger.add_case_note("case/c", text="Ask the desk about the 志愿者 quote", at="2024-10-19")


@pytest.fixture
def ledger(ledger_url: str) -> Ledger:
    opened = Ledger.open(ledger_url, recorded_by="desk")
    record_multilingual(opened)
    return opened


def test_chinese_in_every_version_of_a_deleted_post(ledger: Ledger) -> None:
    with ledger:
        hits = ledger.search("哈里斯助选", limit=None)
        assert _found(hits) == [("post/weibo-1", 1, "text"), ("post/weibo-1", 2, "text")]
        assert ledger.get("post/weibo-1").status == "deleted"
        first = next(hit for hit in hits if hit.version == 1)
        start, end = first.highlights[0]
        assert first.snippet[start:end] == "哈里斯助选"
        # Only the first version said where they went.
        assert _found(ledger.search("前往美国")) == [("post/weibo-1", 1, "text")]
        # Two characters: below a trigram, still found.
        assert ("post/weibo-1", 2, "text") in _found(ledger.search("更正"))


def test_arabic_quotes_notes_and_case_insensitive_words(ledger: Ledger) -> None:
    with ledger:
        assert _found(ledger.search("حملة هاريس")) == [("claim/arabic", 1, "text")]
        assert _found(ledger.search("志愿者")) == [
            ("case/c", 2, "text"),
            ("claim/arabic", 2, "evidence[0].quote"),
        ]
        assert _found(ledger.search("MISLEADING")) == [("claim/arabic", 2, "verdict")]
        assert _found(ledger.search("the correction")) == [("post/weibo-1", 3, "note")]
        assert _found(ledger.search("volunteers staff")) == [("claim/arabic", 2, "rationale")]
        assert ledger.search("volunteers nowhere") == []
        assert _found(ledger.search("志愿者", kind="case")) == [("case/c", 2, "text")]


def test_hostile_queries_are_text_not_syntax(ledger: Ledger) -> None:
    with ledger:
        for query in (
            '"',
            "NEAR(a b)",
            "a* OR b",
            "%",
            "_",
            "\\",
            "'; DROP TABLE view_search; --",
            "x" * 500,
        ):
            assert ledger.search(query) == []
        for query in ('"""', "***", "NOT AND OR", '"a" OR "b"'):
            assert ledger.search(query) == []
        with pytest.raises(InvalidError, match="NUL"):
            ledger.search("哈里斯\x00")
        with pytest.raises(InvalidError, match="at least one word"):
            ledger.search(" \t")
        with pytest.raises(InvalidError, match="at most 500"):
            ledger.search("x" * 501)
        with pytest.raises(InvalidError, match="unknown kind"):
            ledger.search("x", kind="tweet")


def test_both_clocks(ledger: Ledger) -> None:
    with ledger:
        edit = ledger.history("post/weibo-1")[1].position
        assert _found(ledger.search("已更正", as_of=edit - 1)) == []
        assert _found(ledger.search("已更正", as_of=edit)) == [("post/weibo-1", 2, "text")]
        # The world on 16 October at 09:30: the edit (10:00) had not happened yet.
        assert _found(ledger.search("工党员工", at="2024-10-16T09:30Z")) == [("post/weibo-1", 1, "text")]
        assert len(ledger.search("工党员工", at="2024-10-16T10:30Z")) == 2


QUERIES = ["labour", "Harris", "staff labour", "FEC", "哈里斯", "志愿者", "حزب", "the", "a", "deleted", "US"]


def test_views_agree_with_a_scan_of_the_log_and_with_a_rebuild(ledger: Ledger) -> None:
    with ledger:
        record_seed_story(ledger)
        for query in QUERIES:
            views = ledger.search(query, limit=None)
            assert _found(views) == _found(ledger.search(query, limit=None, replay=True)), query
            # Every hit really contains every term; the snippet marks them.
            for hit in views:
                marked = {hit.snippet[s:e].casefold() for s, e in hit.highlights}
                assert {term.casefold() for term in query.split()} <= marked, (query, hit)
        before = {query: ledger.search(query, limit=None) for query in QUERIES}
        ledger.rebuild_projections("search")
        assert {query: ledger.search(query, limit=None) for query in QUERIES} == before
        middle = ledger.head // 2
        for query in QUERIES:
            assert _found(ledger.search(query, as_of=middle, limit=None)) == _found(
                ledger.search(query, as_of=middle, limit=None, replay=True)
            )


def test_best_first_and_limited(ledger: Ledger) -> None:
    with ledger:
        record_seed_story(ledger)
        hits = ledger.search("labour", limit=3)
        assert len(hits) == 3
        assert hits == ledger.search("labour", limit=None)[:3]
        with pytest.raises(InvalidError, match="limit"):
            ledger.search("labour", limit=0)
