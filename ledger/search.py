"""Full-text search of everything the ledger holds: :meth:`ledger.Ledger.search`.

From the search view (:mod:`projections.search_view`) by default, or by a
scan of the log (``replay=True``, the auditor's path), which finds the same
texts: the tests hold the two equal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from domain.errors import InvalidError
from domain.refs import KINDS
from domain.worldtime import WorldTime
from projections.clocks import micros
from projections.search_view import SearchHit, documents, hit_of, matches, terms_of

if TYPE_CHECKING:
    from collections.abc import Iterator

    from domain.events import LogEntry
    from ledger.queries import AsOf, When
    from projections.runner import Projections


class _Searchable(Protocol):
    def _position(self, as_of: AsOf | None) -> int: ...

    def _fresh(self, position: int) -> Projections: ...

    def log(self, after: int = 0, *, until: int | None = None) -> Iterator[LogEntry]: ...


def search(
    ledger: _Searchable,
    text: str,
    *,
    kind: str | None = None,
    at: When | None = None,
    as_of: AsOf | None = None,
    limit: int | None = 20,
    replay: bool = False,
) -> list[SearchHit]:
    """The texts matching every word of ``text`` (see :meth:`ledger.Ledger.search`)."""
    terms = terms_of(text)
    if kind is not None and kind not in KINDS:
        raise InvalidError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")
    if limit is not None and (isinstance(limit, bool) or limit < 1):
        raise InvalidError(f"limit must be 1 or more, not {limit!r}")
    until = None if at is None else micros(WorldTime.coerce(at).latest)
    position = ledger._position(as_of)
    if not replay:
        return ledger._fresh(position).search(terms, position, kind=kind, until=until, limit=limit)
    hits: list[SearchHit] = []
    for entry in ledger.log(until=position):
        if kind is not None and entry.subject.partition("/")[0] != kind:
            continue
        data = entry.event.model_dump(mode="json")
        for document in documents(entry.position, type(entry.event).TOPIC, data):
            if until is not None and document.earliest is not None and document.earliest > until:
                continue
            if matches(document.text, terms):
                hits.append(hit_of(document, terms))
                if limit is not None and len(hits) >= limit:
                    return hits
    return hits
