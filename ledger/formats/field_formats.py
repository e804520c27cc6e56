"""The field's formats in the registry: ClaimReview, Fact Check API, Wayback CDX, W3C PROV.

Each is a :class:`~ledger.formats.registry.Format` whose export or import
calls one :class:`~ledger.Ledger` method, with the options it declares
(``case`` for exports; ``ratings``, ``post``, ``replay_base`` for imports).
The modules doing the work are imported only when a format is used.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ledger.formats.cdx import DEFAULT_REPLAY, CaptureImport
from ledger.formats.registry import FORMATS, Format, Target
from ledger.formats.reviews import ReviewImport
from ledger.formats.safe_text import printable
from ledger.formats.wording import counted

if TYPE_CHECKING:
    from ledger.facade import Ledger


def _where(target: Target) -> str:
    where = target if isinstance(target, str | os.PathLike) else getattr(target, "name", "the output")
    return os.fspath(where)


def _export_claimreview(
    ledger: Ledger, target: Target, refs: Sequence[str], *, case: str | None = None
) -> str:
    count = ledger.export_claimreview(target, refs=refs, case=case)
    return f"exported {counted(count, 'ClaimReview')} to {_where(target)}"


def _prov_exporter(name: str) -> Any:
    def export(ledger: Ledger, target: Target, refs: Sequence[str], *, case: str | None = None) -> str:
        count = ledger.export_prov(target, format=name, refs=refs, case=case)
        return f"exported {counted(count, 'event')} as {name} to {_where(target)}"

    return export


def recorded_lines(file: str | os.PathLike[str], result: ReviewImport | CaptureImport) -> str:
    """One line per entry recorded (or that a dry run would record), then a summary line.

    Each line is made printable on its own (a newline in a file name is shown escaped).
    """
    prefix = "would record: " if result.dry_run else "recorded: "
    lines = [prefix + line for line in result.recorded]
    if result.dry_run:
        lines.append(
            f"{os.fspath(file)}: {counted(len(result.recorded), 'entry')} to record; "
            "nothing was written (dry run)"
        )
    else:
        lines.append(f"imported {counted(len(result.recorded), 'new entry')} from {os.fspath(file)}")
    return "\n".join(printable(line, newlines=False) for line in lines)


def _import_claimreview(
    ledger: Ledger, source: str | os.PathLike[str], dry_run: bool, *, ratings: str | None = None
) -> str:
    return recorded_lines(source, ledger.import_claimreview(source, ratings=ratings, dry_run=dry_run))


def _import_factcheck(
    ledger: Ledger, source: str | os.PathLike[str], dry_run: bool, *, ratings: str | None = None
) -> str:
    return recorded_lines(source, ledger.import_factcheck(source, ratings=ratings, dry_run=dry_run))


def _import_cdx(
    ledger: Ledger,
    source: str | os.PathLike[str],
    dry_run: bool,
    *,
    post: str,
    replay_base: str | None = None,
) -> str:
    result = ledger.import_cdx(source, post=post, replay=replay_base or DEFAULT_REPLAY, dry_run=dry_run)
    return recorded_lines(source, result)


_PROV_MEDIA = {
    "prov-json": "application/json",
    "prov-n": "text/provenance-notation",
    "prov-xml": "application/xml",
    "prov-jsonld": "application/ld+json",
}

FIELD_FORMATS: tuple[Format, ...] = (
    Format(
        "claimreview",
        "application/ld+json",
        "schema.org ClaimReview JSON-LD: one per review (in: a review, an array, a DataFeed, "
        "@graph, or a saved HTML page).",
        export=_export_claimreview,
        import_=_import_claimreview,
        options={"case": False, "ratings": False},
    ),
    Format(
        "factcheck-api",
        "application/json",
        "A Google Fact Check Tools claims:search response.",
        import_=_import_factcheck,
        options={"ratings": False},
    ),
    Format(
        "cdx",
        "text/plain",
        "A Wayback CDX capture index (JSON or space-separated) of the post named by --post.",
        import_=_import_cdx,
        options={"post": True, "replay_base": False},
    ),
    *(
        Format(
            name,
            _PROV_MEDIA[name],
            f"W3C PROV ({name.removeprefix('prov-').upper()}): agents, versions, activities, both clocks.",
            export=_prov_exporter(name),
            options={"case": False},
        )
        for name in _PROV_MEDIA  # the names of ledger.formats.prov.PROV_FORMATS
    ),
)  # fmt: skip
"""The field's formats, registered in :data:`ledger.formats.registry.FORMATS`."""

# Imported before the registry had finished (as ``cli.importing`` does), this module adds them itself.
FORMATS.update((f.name, f) for f in FIELD_FORMATS)
