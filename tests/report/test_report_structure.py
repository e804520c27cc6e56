"""The report's HTML and SVG, read back with the standard library's HTML parser.

Every entry of the seed story's two timelines is in its report (a table row
and a record-time tick), the deletion window is drawn between its bounds on
the world-time axis, hostile text is escaped, and nothing is fetched.
"""

from __future__ import annotations

import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ledger import Ledger
from ledger.demo import COMMENT, POST

CASE = "case/labour-staff-us-campaign"


class Page(HTMLParser):
    """Every element with its attributes and the text directly inside it."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.texts: list[tuple[str, dict[str, str], str]] = []
        self._open: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = (tag, {name: value or "" for name, value in attrs})
        self.elements.append(element)
        self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self._open and self._open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self._open and data.strip():
            tag, attrs = self._open[-1]
            self.texts.append((tag, attrs, data))

    def having(self, css_class: str, tag: str | None = None) -> list[dict[str, str]]:
        """Attributes of the elements with a class (and tag)."""
        return [
            attrs
            for name, attrs in self.elements
            if css_class in attrs.get("class", "").split() and (tag is None or name == tag)
        ]

    def text_of(self, css_class: str) -> list[tuple[dict[str, str], str]]:
        return [(attrs, text) for _, attrs, text in self.texts if css_class in attrs.get("class", "").split()]


def positions_of(page: Page) -> set[int]:
    """The log positions of the table's rows."""
    return {
        int(attrs["data-position"])
        for _, attrs in page.elements
        if "data-position" in attrs and "id" in attrs
    }


def picture(html: str) -> Page:
    """The timeline's SVG alone (not the legend's swatches)."""
    found = re.search(r'<svg[^>]*class="timeline".*?</svg>', html, re.DOTALL)
    assert found is not None
    return Page(found.group())


@pytest.mark.parametrize("ref", [POST, COMMENT, CASE])
def test_every_entry_of_the_timeline_is_in_the_report(seed: Ledger, ref: str) -> None:
    html = seed.report(ref)
    positions = {entry.position for entry in seed.timeline(ref).entries}
    rows = {
        int(attrs["data-position"])
        for _, attrs in Page(html).elements
        if "data-position" in attrs and "id" in attrs
    }
    ticks = {int(attrs["data-position"]) for attrs in picture(html).having("record-tick")}
    assert positions <= rows
    assert positions <= ticks
    assert rows == ticks  # context entries (the reach of the posts its claims appear in) are in both too


def test_the_deletion_window_lies_between_its_bounds(seed: Ledger) -> None:
    page = picture(seed.report(POST))
    deleted = next(e for e in seed.timeline(POST).entries if e.type == "PostDeleted")
    assert deleted.occurred_at is not None
    (window,) = page.having("deletion-window", "rect")
    assert datetime.fromisoformat(window["data-from"]) == deleted.occurred_at.earliest
    assert datetime.fromisoformat(window["data-to"]) == deleted.occurred_at.latest
    # The world axis is labelled by day: the window (14 to 18 October, whole days) spans the
    # ticks of 2024-10-14 and 2024-10-19 (the end of the 18th).
    ticks = {text: float(attrs["x"]) for attrs, text in page.text_of("tick-label") if "x" in attrs}
    left, right = float(window["x"]), float(window["x"]) + float(window["width"])
    assert left == pytest.approx(ticks["2024-10-14"], abs=0.2)
    assert right == pytest.approx(ticks["2024-10-19"], abs=0.2)
    published = next(e for e in seed.timeline(POST).entries if e.type == "PostPublished")
    assert published.occurred_at is not None
    assert published.occurred_at.earliest == deleted.occurred_at.earliest  # both start on the 14th


def test_reach_is_two_points_and_verdicts_label_the_reviews(seed: Ledger) -> None:
    page = picture(seed.report(CASE))
    assert len(page.having("reach-point", "circle")) == 2
    assert {text for _, text in page.text_of("reach-label")} == {"33M", "33.1M"}
    assert {text for _, text in page.text_of("verdict-label")} == {"Inaccurate", "Lacks evidence"}
    waits = page.text_of("wait-label")
    assert len(waits) == 1
    assert waits[0][1].startswith("waiting ")


def test_imprecise_times_are_bars_and_exact_ones_points(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "l.db", recorded_by="desk") as ledger:
        ledger.register_actor("actor/ada", name="Ada", kind="person")
        ledger.publish_post("post/p", platform="X", author="actor/ada", text="hi", at="2024-10-16T09:30:00Z")
        ledger.archive_post("post/p", url="https://web.archive.example/p", at="2024-10-16T12:00Z")
        ledger.delete_post("post/p", at="2024-10-17..2024-10-19")
        ledger.restore_post("post/p", at="2024-10-20")
        page = picture(ledger.report("post/p"))
    assert len(page.having("point", "circle")) == 1  # the publication, to the second
    assert len(page.having("bar", "rect")) == 2  # the deletion window and the restoration's day
    assert len(page.having("capture", "polygon")) == 1
    assert len(page.having("restore")) == 1
    lives = page.having("life", "line")
    assert len(lives) == 2  # published to deleted, restored to now
    assert "live" in lives[1]["class"]


def test_a_revision_is_linked_and_a_request_waits_to_its_lapse(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "l.db", recorded_by="desk") as ledger:
        ledger.register_actor("actor/ada", name="Ada", kind="person")
        ledger.register_actor("actor/desk", name="Desk", kind="organization")
        ledger.publish_post("post/p", platform="X", author="actor/ada", text="hi", at="2024-10-16")
        ledger.make_claim("claim/c", text="c", claimant="actor/ada", post="post/p", at="2024-10-16")
        ledger.rebut_claim("claim/c", reviewer="actor/desk", verdict="False", rationale="r", at="2024-10-17")
        ledger.revise_verdict(
            "claim/c", reviewer="actor/desk", verdict="Misleading", rationale="r2", at="2024-10-19"
        )
        ledger.request_comment(
            "comment/q",
            requester="actor/desk",
            recipient="actor/ada",
            channel="email",
            regarding=["claim/c"],
            at="2024-10-17",
            deadline="2024-10-18",
        )
        ledger.lapse_comment("comment/q", at="2024-10-20")
        page = picture(ledger.report("claim/c"))
        markdown = ledger.report("claim/c", format="md")
    assert len(page.having("revision-link", "path")) == 1
    assert {text for _, text in page.text_of("verdict-label")} == {"False", "revised: Misleading"}
    assert len(page.having("deadline", "line")) == 1
    (wait,) = page.having("waiting", "rect")
    assert "open" not in wait["class"]
    assert wait["data-to"].startswith("2024-10-20")
    assert [text for _, text in page.text_of("wait-label")] == ["waiting 3 days to lapsed"]
    assert "| False |" not in markdown
    assert "revised Misleading" in markdown or "Misleading" in markdown


def test_as_of_leaves_out_what_the_ledger_did_not_know(seed: Ledger) -> None:
    first_rebuttal = min(e.position for e in seed.timeline(POST).entries if e.type == "ClaimRebutted")
    page = Page(seed.report(POST, as_of=first_rebuttal - 1))
    rows = {
        int(attrs["data-position"])
        for _, attrs in page.elements
        if "data-position" in attrs and "id" in attrs
    }
    assert rows
    assert max(rows) < first_rebuttal
    assert not page.text_of("verdict-label")


HOSTILE = "<script>alert(1)</script> \x1b]0;title\x07 \u202eevil & \"quoted\" 'single' | pipe \x00\uffff"


def test_hostile_text_is_escaped_in_html_and_markdown(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "l.db", recorded_by="desk<b>") as ledger:
        ledger.register_actor("actor/ada", name=HOSTILE, kind="person")
        ledger.register_source("source/s", title=HOSTILE, kind="article", url="javascript:alert(1)")
        ledger.publish_post(
            "post/p",
            platform=HOSTILE,
            author="actor/ada",
            text=HOSTILE,
            at="2024-10-16",
            sources=["source/s"],
            note=HOSTILE,
        )
        html = ledger.report("post/p")
        markdown = ledger.report("post/p", format="md")
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    assert not [href for href in re.findall(r'href="([^"]*)"', html) if not href.startswith(("#", "http"))]
    for document in (html, markdown):
        assert "\x1b" not in document
        assert "\u202e" not in document
        assert "\\x1b" in document
        assert "\\u202e" in document
        # Nothing XML 1.0 (and so XHTML) cannot hold: NUL, other C0 controls, noncharacters.
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", document)
        assert "\\x00" in document
        assert "\\uffff" in document
    assert "<script" not in markdown
    assert "\\| pipe" in markdown


@pytest.mark.parametrize("ref", [POST, CASE])
def test_nothing_is_fetched(seed: Ledger, ref: str) -> None:
    html = seed.report(ref)
    page = Page(html)
    assert not [attrs for _, attrs in page.elements if "src" in attrs or "srcset" in attrs]
    assert not [name for name, _ in page.elements if name in {"script", "link", "iframe", "object", "embed"}]
    # Links a reader may follow are anchors; nothing else names an address.
    assert all(
        name == "a" for name, attrs in page.elements if "href" in attrs and not attrs["href"].startswith("#")
    )
    assert "url(" not in html
    assert "@import" not in html
    assert "default-src 'none'" in html  # and the page forbids itself any fetch


def test_markdown_has_every_entry(seed: Ledger) -> None:
    markdown = seed.report(CASE, format="md")
    for entry in seed.timeline(CASE).entries:
        assert f"#{entry.position} " in markdown
    assert markdown.startswith(f"# Timeline of {CASE}")


def test_unknown_format_and_subject_are_ledger_errors(seed: Ledger) -> None:
    from ledger import InvalidError, NotFoundError  # noqa: PLC0415

    with pytest.raises(InvalidError):
        seed.report(POST, format="pdf")
    with pytest.raises(NotFoundError):
        seed.report("post/nothing")


def test_the_table_quotes_the_whole_post_and_the_evidence(seed: Ledger) -> None:
    from ledger.demo import FEC_VOLUNTEER_QUOTE, LINKEDIN_TEXT  # noqa: PLC0415

    html, markdown = seed.report(POST), seed.report(POST, format="md")
    page = Page(html)
    quotes = [text for name, _, text in page.texts if name == "blockquote"]
    assert any(LINKEDIN_TEXT in text for text in quotes)
    assert any(FEC_VOLUNTEER_QUOTE in text for text in quotes)
    assert LINKEDIN_TEXT in markdown
    cited = {attrs["href"] for name, attrs in page.elements if name == "a"}
    anchors = {f"#{attrs['id']}" for name, attrs in page.elements if name == "li" and "id" in attrs}
    assert {href for href in cited if href.startswith("#")} <= anchors  # every source link lands


def test_the_checkpoint_that_covers_the_report_is_named(tmp_path: Path) -> None:
    key = Ledger.generate_key("newsdesk")
    with Ledger.open(tmp_path / "l.db", recorded_by="desk") as ledger:
        ledger.register_actor("actor/ada", name="Ada", kind="person")
        checkpoint = ledger.checkpoint(key)
        ledger.register_actor("actor/bob", name="Bob", kind="person")
        covered = ledger.report("actor/ada", as_of=1)
        uncovered = ledger.report("actor/bob")
        head = ledger.tree_head()
    assert f"size {checkpoint.size}, root" in covered
    assert checkpoint.root_base64 in covered
    assert "signed by newsdesk" in covered
    assert head.root_base64 in uncovered
    assert "none covers position 2 yet" in uncovered


def test_a_report_at_a_world_time_draws_it_and_says_where_the_subject_stood(seed: Ledger) -> None:
    html = seed.report(POST, at="2024-10-16")
    (band,) = picture(html).having("at-band", "rect")
    ticks = {text: float(attrs["x"]) for attrs, text in picture(html).text_of("tick-label") if "x" in attrs}
    assert float(band["x"]) == pytest.approx(ticks["2024-10-16"], abs=0.2)
    assert float(band["x"]) + float(band["width"]) == pytest.approx(ticks["2024-10-17"], abs=0.2)
    assert "unknown (not-yet-published, live or deleted)" in html
    rows = positions_of(Page(html))
    assert rows == {e.position for e in seed.timeline(POST, at="2024-10-16").entries}


def test_evidence_without_a_quote_shows_no_empty_quotation_marks(tmp_path: Path) -> None:
    # As a ClaimReview import records it: a source, no passage.
    with Ledger.open(tmp_path / "l.db", recorded_by="desk") as ledger:
        ledger.register_actor("actor/ada", name="Ada", kind="person")
        ledger.register_actor("actor/desk", name="Desk", kind="organization")
        ledger.register_source("source/s", title="S", kind="article")
        ledger.register_source("source/t", title="T", kind="article")
        ledger.publish_post("post/p", platform="X", author="actor/ada", text="hi", at="2024-10-16")
        ledger.make_claim("claim/c", text="c", claimant="actor/ada", post="post/p", at="2024-10-16")
        ledger.rebut_claim(
            "claim/c",
            reviewer="actor/desk",
            verdict="False",
            rationale="r",
            at="2024-10-17",
            evidence=["source/s", "source/t:the passage"],
        )
        html = ledger.report("claim/c")
        markdown = ledger.report("claim/c", format="md")
    for document in (html, markdown):
        assert "“”" not in document
        assert "“the passage”" in document
    assert "<br>(source/s)" in markdown
