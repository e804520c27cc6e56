"""schema.org ClaimReview out: one ClaimReview per review the ledger holds, as a JSON array.

Source: https://schema.org/ClaimReview (with ``itemReviewed`` a
https://schema.org/Claim carrying ``author``, ``datePublished``,
``appearance`` and ``firstAppearance``), https://schema.org/Rating.
Each object has its own ``@context`` (``https://schema.org``) so it can be
pasted into a page as it is; the array is written as a stream. The output
reads back with :func:`ledger.formats.claimreview.read_claimreviews` to the
same claims and reviews, and expands offline with ``pyld``
(:mod:`ledger.formats.jsonld`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

from domain.actor import ActorState
from domain.claim import ClaimRated, ClaimRebutted, ClaimState, ClaimSupported, VerdictRevised
from domain.events import LogEntry
from domain.post import PostState
from domain.source import SourceState
from domain.worldtime import Precision, WorldTime
from ledger.formats.output import open_output
from ledger.formats.selection import selected_entries, selected_subjects

if TYPE_CHECKING:
    from ledger.facade import Ledger

REVIEW_EVENTS = (ClaimRebutted, ClaimSupported, ClaimRated, VerdictRevised)
_NUMBERS = re.compile(r"(ratingValue|bestRating|worstRating)=([^;]+)")


def schema_date(when: WorldTime) -> str | None:
    """A schema.org Date or DateTime for a world time: a day, an instant, else the earliest day.

    None when only an upper bound is known (``..2024-11-01``): there is no earliest day to give.
    """
    if when.precision in (Precision.INSTANT, Precision.MINUTE, Precision.DAY):
        return str(when)
    if when.open_start:
        return None
    return when.earliest.date().isoformat()


def _dated(value: dict[str, Any], when: WorldTime) -> dict[str, Any]:
    """``value`` with its ``datePublished``, when one can be given."""
    date = schema_date(when)
    if date is not None:
        value["datePublished"] = date
    return value


class _Subjects:
    """States of the subjects a review names, read once each."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.cache: dict[str, Any] = {}

    def get(self, ref: str) -> Any:
        if ref not in self.cache:
            if len(self.cache) > 4096:  # bounded: a long export names many subjects once
                self.cache.clear()
            self.cache[ref] = self.ledger.get(ref)
        return self.cache[ref]

    def party(self, ref: str) -> dict[str, Any]:
        actor: ActorState = self.get(ref)
        party: dict[str, Any] = {
            "@type": "Person" if actor.kind == "person" else "Organization",
            "name": actor.name,
        }
        urls = [h.handle for h in actor.handles if h.platform == "web"]
        if urls:
            party["url"] = urls[0]
        return party

    def appearance(self, ref: str) -> dict[str, Any]:
        post: PostState = self.get(ref)
        work = _dated({"@type": "CreativeWork"}, post.published_at)
        if post.url:
            work["url"] = post.url
        if post.text is not None:
            work["text"] = post.text
        work["author"] = self.party(post.author)
        return work


def claimreview(entry: LogEntry, subjects: _Subjects) -> dict[str, Any]:
    """The ClaimReview of one review entry."""
    event = entry.event
    assert isinstance(event, REVIEW_EVENTS)  # noqa: S101  (only review entries are passed)
    claim: ClaimState = subjects.get(event.subject)
    # Only appearances with a URL: a post known by its text alone has nowhere to point.
    appearances = [found for a in claim.appearances if "url" in (found := subjects.appearance(a.post))]
    item = _dated({"@type": "Claim", "author": subjects.party(claim.claimant)}, claim.made_at)
    if appearances:
        item["firstAppearance"] = appearances[0]
        item["appearance"] = appearances
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": event.verdict}
    rating.update((name, _number(value)) for name, value in _NUMBERS.findall(event.note or ""))
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "@id": f"urn:provenance-ledger:{event.subject}#v{entry.version}",
        "claimReviewed": claim.text,
        "itemReviewed": item,
        "author": subjects.party(event.reviewer),
        **_dated({}, event.occurred_at),
        "reviewRating": rating,
        "name": event.rationale,
    }
    for ref in (*(e.source for e in event.evidence), *event.sources):
        source: SourceState = subjects.get(ref)
        if source.url:
            review["url"] = source.url
            break
    return review


def _number(text: str) -> int | float | str:
    text = text.strip()
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def claimreviews(
    ledger: Ledger, refs: Sequence[str] = (), case: str | None = None
) -> Iterator[dict[str, Any]]:
    """The ClaimReview of every review of the selected claims (all by default), in log order."""
    subjects = _Subjects(ledger)
    for entry in selected_entries(ledger, selected_subjects(ledger, refs, case)):
        if isinstance(entry.event, REVIEW_EVENTS):
            yield claimreview(entry, subjects)


@contextmanager
def _stream(target: TextIO | str | os.PathLike[str]) -> Iterator[TextIO]:
    if isinstance(target, str | os.PathLike):
        with open_output(target, what="ClaimReview export") as stream:
            yield stream
    else:
        yield target


def export_claimreview(
    ledger: Ledger,
    target: TextIO | str | os.PathLike[str],
    *,
    refs: Sequence[str] = (),
    case: str | None = None,
) -> int:
    """Write the ClaimReviews of the selected claims as a JSON array, streamed; returns how many."""
    count = 0
    with _stream(target) as stream:
        stream.write("[")
        for review in claimreviews(ledger, refs, case):
            stream.write(",\n" if count else "\n")
            stream.write(json.dumps(review, ensure_ascii=False, indent=2))
            count += 1
        stream.write("\n]\n")
    return count
