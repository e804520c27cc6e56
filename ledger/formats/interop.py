"""The field's formats on the Ledger: ClaimReview, Fact Check API, CDX in; PROV, ClaimReview out.

A part the ``Ledger`` holds (``construct_interchange``) and whose methods it
exposes; each reads or writes one format through its module in
:mod:`ledger.formats`, using the ledger's own commands and queries.
Every import is one batch: all or nothing, ``dry_run`` writes nothing, and
a re-import records only what is new.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from domain.errors import FormatError, InvalidError, LedgerError
from domain.post import PostState
from ledger.formats.cdx import (
    DEFAULT_REPLAY,
    Capture,
    CaptureImport,
    query_cdx,
    read_cdx,
    record_captures,
    replay_base_for,
)
from ledger.formats.reviews import ReviewImport, ReviewItem, import_reviews, read_ratings

if TYPE_CHECKING:
    from ledger.facade import Ledger

Ratings = Mapping[str, str] | str | os.PathLike[str] | None
"""A ratings table (label -> stance), or the path of a JSON file of one, or None for the default."""


def _ratings(ratings: Ratings) -> Mapping[str, str]:
    if ratings is None or isinstance(ratings, str | os.PathLike):
        return read_ratings(ratings)
    table = dict(read_ratings(None))
    table.update({label.casefold(): stance for label, stance in ratings.items()})
    return table


class Interchange:
    """Imports and exports in the field's own formats, over one :class:`~ledger.Ledger`."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def import_claimreview(
        self, path: str | os.PathLike[str], *, ratings: Ratings = None, dry_run: bool = False
    ) -> ReviewImport:
        """Record the ClaimReviews in ``path`` (JSON, JSON-LD, DataFeed, ``@graph`` or an HTML page).

        Raises :class:`~domain.errors.FormatError` naming the file, the item
        and the field; nothing is written then. See :mod:`ledger.formats.claimreview`.
        """
        from ledger.formats.claimreview import iter_claimreviews  # noqa: PLC0415  (pyld, extruct: slow)

        return self._import_reviews(path, iter_claimreviews(path), ratings, dry_run)

    def import_factcheck(
        self, path: str | os.PathLike[str], *, ratings: Ratings = None, dry_run: bool = False
    ) -> ReviewImport:
        """Record the reviews of a saved Fact Check Tools ``claims:search`` response.

        See :mod:`ledger.formats.factcheck`; errors as :meth:`import_claimreview`.
        """
        from ledger.formats.factcheck import read_factcheck  # noqa: PLC0415

        return self._import_reviews(path, read_factcheck(path), ratings, dry_run)

    def _import_reviews(
        self, path: str | os.PathLike[str], items: Iterable[ReviewItem], ratings: Ratings, dry_run: bool
    ) -> ReviewImport:
        ledger = self.ledger
        return import_reviews(ledger, os.fspath(path), items, ratings=_ratings(ratings), dry_run=dry_run)

    def import_cdx(
        self,
        path: str | os.PathLike[str],
        *,
        post: str,
        replay: str = DEFAULT_REPLAY,
        dry_run: bool = False,
    ) -> CaptureImport:
        """Record the captures of ``post`` listed in a CDX file (see :mod:`ledger.formats.cdx`)."""
        self.ledger.get(post)  # NotFoundError before reading the file
        return self.record_captures(
            read_cdx(path), name=os.fspath(path), post=post, replay=replay, dry_run=dry_run
        )

    def record_captures(
        self,
        captures: list[Capture],
        *,
        name: str,
        post: str,
        replay: str = DEFAULT_REPLAY,
        dry_run: bool = False,
    ) -> CaptureImport:
        """Record ``captures`` of ``post`` (read from ``name``) in one batch, or none."""
        ledger = self.ledger
        ledger.get(post)  # NotFoundError when there is no such post
        try:
            with ledger.batch(dry_run=dry_run, spooled=True):
                recorded = record_captures(ledger, post, captures, name=name, replay=replay)
        except FormatError:
            raise
        except LedgerError as error:
            raise FormatError(str(error), file=name) from None
        return CaptureImport(name, len(captures), len(captures), tuple(recorded), dry_run)

    def post_captures(
        self, post: str, *, cdx_url: str, replay: str | None = None, dry_run: bool = False
    ) -> CaptureImport:
        """Ask the CDX server at ``cdx_url`` for the captures of ``post``'s URL and record them.

        ``replay`` (where captures replay) defaults to what the server's URL
        says: the Wayback Machine's ``/web``, or a pywb collection.
        """
        state = self.ledger.get(post)
        url = getattr(state, "url", None)
        if not isinstance(state, PostState) or url is None:
            raise InvalidError(f"{post} is not a post with a URL")
        if not cdx_url.startswith(("http://", "https://")):
            raise FormatError("a CDX server is an http:// or https:// URL", file=cdx_url)
        base = replay or replay_base_for(cdx_url)
        if base is None:
            raise InvalidError(f"cannot tell where the captures of {cdx_url} replay: give the replay base")
        query, captures = query_cdx(cdx_url, url)
        return self.record_captures(captures, name=query, post=post, replay=base, dry_run=dry_run)

    def export_prov(
        self,
        target: TextIO | str | os.PathLike[str],
        *,
        format: str = "prov-json",
        refs: Sequence[str] = (),
        case: str | None = None,
    ) -> int:
        """Write the history of ``refs`` (or ``case``; default all) as W3C PROV; returns the event count."""
        from ledger.formats.prov import export_prov  # noqa: PLC0415  (prov imports rdflib: slow)

        ledger = self.ledger
        return export_prov(ledger, target, format=format, refs=refs, case=case)

    def export_claimreview(
        self, target: TextIO | str | os.PathLike[str], *, refs: Sequence[str] = (), case: str | None = None
    ) -> int:
        """Write a schema.org ClaimReview per review of ``refs``/``case`` (default all); returns a count."""
        from ledger.formats.claimreview_out import export_claimreview  # noqa: PLC0415

        ledger = self.ledger
        return export_claimreview(ledger, target, refs=refs, case=case)
