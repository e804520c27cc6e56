"""Property: any ClaimReviews, imported, exported and imported into an empty ledger, give the same claims."""

from __future__ import annotations

import io
import json
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ledger import Ledger
from tests.formats.test_claimreview import claims

_WORDS = st.text(
    st.characters(categories=("L", "N", "Zs", "P"), exclude_characters="\x00"), min_size=1, max_size=30
).filter(lambda text: text.strip() != "")
_NAMES = st.sampled_from(["Marta Quill", "Игорь Петров", "سلمى حداد", "נועה לוי", "Harbour Facts", "王小明"])
_RATINGS = st.sampled_from(["False", "FALSE", "True", "Mostly true", "Needs context", "Falso", "לא נכון"])


@st.composite
def reviews(draw: st.DrawFn) -> list[dict[str, Any]]:
    items = []
    for n in range(draw(st.integers(min_value=1, max_value=4))):
        day = draw(st.integers(min_value=1, max_value=28))
        appearances = [
            {"@type": "CreativeWork", "url": f"https://social.example/{draw(st.integers(0, 5))}"}
            for _ in range(draw(st.integers(min_value=0, max_value=2)))
        ]
        items.append(
            {
                "@context": "https://schema.org",
                "@type": "ClaimReview",
                "datePublished": f"2024-11-{day:02d}",
                "url": f"https://checks.example/{n}",
                "claimReviewed": draw(_WORDS),
                "itemReviewed": {
                    "@type": "Claim",
                    "author": {"@type": "Person", "name": draw(_NAMES)},
                    "datePublished": f"2024-10-{day:02d}",
                    "appearance": appearances,
                },
                "author": {"@type": "Organization", "name": draw(_NAMES)},
                "reviewRating": {"@type": "Rating", "alternateName": draw(_RATINGS)},
            }
        )
    return items


def _review(url: str, rating: str) -> dict[str, Any]:
    return {
        "@type": "ClaimReview",
        "datePublished": "2024-11-01",
        "url": url,
        "claimReviewed": "0",
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Marta Quill"}},
        "author": {"@type": "Organization", "name": "Harbour Facts"},
        "reviewRating": {"@type": "Rating", "alternateName": rating},
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reviews())
# One reviewer's two ratings of a claim on one day: imported again, neither is a revision.
@example([_review("https://checks.example/0", "False"), _review("https://checks.example/1", "True")])
def test_import_export_import_gives_the_same_claims(items: list[dict[str, Any]]) -> None:
    with TemporaryDirectory() as folder:
        source = Path(folder) / "in.json"
        source.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        with Ledger.open(Path(folder) / "a.db", recorded_by="desk") as first:
            first.import_claimreview(source)
            out = io.StringIO()
            first.export_claimreview(out)
            exported = Path(folder) / "out.json"
            exported.write_text(out.getvalue(), encoding="utf-8")
            with Ledger.open(Path(folder) / "b.db", recorded_by="desk") as second:
                second.import_claimreview(exported)
                assert claims(second) == claims(first)
                assert second.import_claimreview(exported).recorded == ()
