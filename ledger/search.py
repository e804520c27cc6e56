"""Full-text search of everything the ledger holds: the search part of :class:`ledger.Ledger`.

From the search view (:mod:`projections.search_view`) by default, or by a
scan of the log (``replay=True``, the auditor's path), which finds the same
texts: the tests hold the two equal.
"""

from __future__ import annotations

from domain.errors import InvalidError
from domain.instants import micros
from domain.refs import KINDS
from domain.worldtime import When, WorldTime
from ledger.asof import AsOf, AsOfResolver
from ledger.log import LogReader
from ledger.storage import damage
from ledger.storage.damage import view_error
from ledger.views import Views
from projections.search_text import matches, terms_of
from projections.search_view import SearchHit, documents, hit_of


class Search:
    """Full-text search over the log (``log``) and the search view (``views``)."""

    def __init__(self, log: LogReader, views: Views) -> None:
        self._log = log
        self._views = views
        self._known = AsOfResolver(log).known
        self.replay_only = False
        """True on a read-only store, which keeps no views: every search scans the log."""

    def search(
        self,
        text: str,
        *,
        kind: str | None = None,
        at: When | None = None,
        as_of: AsOf | None = None,
        limit: int | None = 20,
        replay: bool = False,
    ) -> list[SearchHit]:
        """Every text the ledger holds that contains each word of ``text``, best first.

        Texts: posts' in every version (deleted ones too), claims, verdicts,
        rationales, evidence quotes, questions, answers, notes, titles and
        names. Texts and words are compared folded (Unicode NFKC and case
        folding: :func:`~projections.search_view.fold`), so ``ＵＳ`` finds ``US``.
        Each :class:`~projections.search_view.SearchHit` names the
        subject, version, log position and field, with a snippet and the
        matches' offsets in it. ``kind``: only subjects of that kind; ``at``
        (a world time): only entries that may have happened by then;
        ``as_of``: what the ledger held then; ``limit``: at most that many
        (None: all). ``replay=True`` scans the log instead (hits in log
        order). Raises :class:`InvalidError` for an empty query or a bad kind.

        >>> from ledger import Ledger
        >>> with Ledger.open(":memory:") as ledger:
        ...     _ = ledger.register_actor("actor/wang", name="王小明", kind="person")
        ...     [(hit.subject, hit.field, hit.highlights) for hit in ledger.search("小明")]
        [('actor/wang', 'name', ((1, 3),))]
        """
        terms = terms_of(text)
        if kind is not None and kind not in KINDS:
            raise InvalidError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")
        if limit is not None and (isinstance(limit, bool) or limit < 1):
            raise InvalidError(f"limit must be 1 or more, not {limit!r}")
        until = None if at is None else micros(WorldTime.coerce(at).latest)
        position = self._known(as_of).position
        if not (replay or self.replay_only):
            views = self._views.fresh(position)
            try:
                return views.search(terms, position, kind=kind, until=until, limit=limit)
            except damage.STORE_ERRORS as error:
                raise view_error(error, "search", "the ledger") from None
        hits: list[SearchHit] = []
        for entry in self._log.log(until=position):
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
