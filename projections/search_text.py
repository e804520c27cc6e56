"""Search text: how texts and queries are folded, matched and quoted, the same on every backend.

Folding is Unicode NFKC with case folding (``NFKC_Casefold``, Unicode
Standard Annex #15 and section 5.18 of the core specification), per
character with its combining marks, so a match found in the folded text maps
back to the original's offsets for the snippet. :mod:`projections.search_view`
keeps the view; this module holds only the text rules it and the log scan share.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from functools import lru_cache

from domain.errors import InvalidError

MAX_QUERY = 500
"""The longest query accepted, in characters."""

SNIPPET = 160
"""The longest snippet, in characters (more, with the ellipses)."""


@lru_cache(maxsize=8192)
def _fold_cluster(cluster: str) -> str:
    # NFKC, case folding, NFKC again (case folding can leave a text unnormalised): NFKC_Casefold.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", cluster).casefold())


def _clusters(text: str) -> Iterator[tuple[int, int]]:
    """``[start, end)`` of each character of ``text`` with the combining marks that follow it."""
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or not unicodedata.combining(text[i]):
            yield start, i
            start = i


def fold_map(text: str) -> tuple[str, list[int], list[int]]:
    """``text`` folded (:func:`fold`), and for each folded character the ``[start, end)`` it came from."""
    if text.isascii():
        return text.lower(), list(range(len(text))), list(range(1, len(text) + 1))
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for start, end in _clusters(text):
        piece = _fold_cluster(text[start:end])
        pieces.append(piece)
        starts += [start] * len(piece)
        ends += [end] * len(piece)
    return "".join(pieces), starts, ends


def fold(text: str) -> str:
    """``text`` as search compares it: each character (with its combining marks) in Unicode NFKC,
    case folded, so full-width, compatibility and case variants are one (``ＵＳ``, ``us``: ``us``).

    The same function folds the indexed texts and the queries, on both backends.
    """
    return text.lower() if text.isascii() else fold_map(text)[0]


def terms_of(query: str) -> list[str]:
    """The terms of a query, folded (:func:`fold`): its words split on white space;
    :class:`InvalidError` if none or too long."""
    if len(query) > MAX_QUERY:
        raise InvalidError(f"a search is at most {MAX_QUERY} characters, not {len(query)}")
    if "\x00" in query:
        raise InvalidError("a search cannot contain NUL characters")
    terms = list(dict.fromkeys(fold(query).split()))
    if not terms:
        raise InvalidError("a search needs at least one word")
    return terms


def matches(text: str, terms: Sequence[str]) -> bool:
    """True when every (folded) term occurs in ``text`` folded (the contract both backends keep)."""
    folded = fold(text)
    return all(term in folded for term in terms)


def _found(folded: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """The non-overlapping matches of ``terms`` in ``folded``, leftmost then longest first."""
    spans: list[tuple[int, int]] = []
    ordered = sorted({t for t in terms if t}, key=len, reverse=True)
    i = 0
    while i < len(folded):
        term = next((t for t in ordered if folded.startswith(t, i)), None)
        if term is None:
            i += 1
            continue
        spans.append((i, i + len(term)))
        i += len(term)
    return spans


def snippet(text: str, terms: Sequence[str]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A window of ``text`` around its first match (``…`` where cut), and the matches' offsets in it.

    ``terms`` are folded; matches are found in the folded text and shown in the original.
    """
    folded, starts, ends = fold_map(text)
    found = [(starts[a], ends[b - 1]) for a, b in _found(folded, terms)]
    start = 0
    if len(text) > SNIPPET and found:
        start = max(0, min(found[0][0] - SNIPPET // 3, len(text) - SNIPPET))
    end = min(len(text), start + SNIPPET)
    window = text[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    spans = tuple((a + shift, b + shift) for a, b in found if start <= a < b <= end)
    return prefix + window + suffix, tuple(dict.fromkeys(spans))
