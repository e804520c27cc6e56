"""The registry of formats a ledger is exported to and imported from.

One entry per format, below every interface: the CLI (``ledger export
--format NAME``, ``ledger import --format NAME``), and later the HTTP API,
look formats up here. A format may export, import, or both:

- ``export(ledger, target, refs)`` writes to ``target`` (a text stream, or
  a file path that appears only once complete) what the ledger holds about
  the subjects ``refs`` (all of them when empty) and returns one line
  saying what it wrote;
- ``import_(ledger, source, dry_run)`` reads the file ``source`` into the
  ledger, all or nothing (with ``dry_run``, checks and writes nothing), and
  returns one line saying what it recorded;
- ``restore(url, source, recorded_by)``, for a format that holds a whole
  ledger: imports it into the ledger at ``url``, made for it if missing so
  that it appears only once complete (:mod:`ledger.formats.restore`).
  Interfaces use it rather than ``import_`` when it is there.

A new format is one :class:`Format` added to :data:`FORMATS` (or passed to
:func:`register`); the field's formats (schema.org ClaimReview, Fact Check
API, Wayback CDX, W3C PROV) are in :mod:`ledger.formats.field_formats`.
A format that takes more than these declares its keyword ``options``
(name -> required), which the CLI passes when given.

>>> sorted(FORMATS)  # doctest: +NORMALIZE_WHITESPACE
['case', 'cdx', 'claimreview', 'factcheck-api', 'jsonl', 'prov-json', 'prov-jsonld', 'prov-n',
 'prov-xml']
>>> get_format("jsonl").media_type
'application/jsonl'
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from domain.errors import InvalidError
from ledger.formats.output import open_output
from ledger.formats.wording import counted

if TYPE_CHECKING:
    from ledger.facade import Ledger

Target = TextIO | str | os.PathLike[str]
"""Where an export goes: a text stream, or a file path."""

Exporter = Callable[..., str]
"""``(ledger, target, refs, **options) -> line``."""
Importer = Callable[..., str]
"""``(ledger, source, dry_run, **options) -> line``."""
Restorer = Callable[[str | None, str | os.PathLike[str], str | None], str]


@dataclass(frozen=True)
class Format:
    """A file format the ledger writes or reads, by name."""

    name: str
    media_type: str
    """Its IANA media type (or the one in common use)."""
    description: str
    """One line for help texts."""
    export: Exporter | None = None
    import_: Importer | None = None
    restore: Restorer | None = None
    options: Mapping[str, bool] = field(default_factory=dict)
    """Keyword options its export or import takes beyond the fixed ones, each required or not."""


def _export_jsonl(ledger: Ledger, target: Target, refs: Sequence[str]) -> str:
    if refs:
        raise InvalidError("the jsonl export holds the whole log; it takes no subjects")
    summary = ledger.export(target)
    where = target if isinstance(target, str | os.PathLike) else getattr(target, "name", "the output")
    return (
        f"exported {counted(summary.events, 'event')} and {counted(summary.checkpoints, 'checkpoint')} "
        f"to {os.fspath(where)}"
    )


def _import_jsonl(ledger: Ledger, source: str | os.PathLike[str], dry_run: bool) -> str:
    if dry_run:
        raise InvalidError("a jsonl export is imported whole into an empty ledger; it has no dry run")
    summary = ledger.import_export(source)
    return (
        f"imported {counted(summary.events, 'event')} and {counted(summary.checkpoints, 'checkpoint')} from "
        f"{os.fspath(source)} (origin {summary.origin})"
    )


def _restore_jsonl(url: str | None, source: str | os.PathLike[str], recorded_by: str | None) -> str:
    from ledger.formats.restore import restore  # noqa: PLC0415  (it imports the Ledger)

    summary = restore(url, source, recorded_by=recorded_by)
    return (
        f"imported {counted(summary.events, 'event')} and {counted(summary.checkpoints, 'checkpoint')} from "
        f"{os.fspath(source)} (origin {summary.origin})"
    )


def _import_case(ledger: Ledger, source: str | os.PathLike[str], dry_run: bool) -> str:
    result = ledger.import_file(source, dry_run=dry_run)
    if result.positions is None:
        valid = "is valid" if result.entries == 1 else "are valid"
        return f"{result.file}: {counted(result.entries, 'entry')} {valid}; nothing was written (dry run)"
    first, last = result.positions
    logged = recorded_as(result.entries, last - first + 1)
    return f"imported {result.file}: {logged} (positions {first}..{last})"


def recorded_as(entries: int, logged: int) -> str:
    """How many log entries the case file's entries became (a case link records one per subject)."""
    said = counted(logged, "log entry")
    return said if logged == entries else f"{said} from {counted(entries, 'case-file entry')}"


JSONL = Format(
    "jsonl",
    "application/jsonl",
    "JSON Lines: a header, the checkpoints, every event with its exact stored bytes, an end line.",
    export=_export_jsonl,
    import_=_import_jsonl,
    restore=_restore_jsonl,
)
"""The whole log, to move a ledger between stores (:mod:`ledger.formats.exchange`)."""

CASE_FILE = Format(
    "case",
    "application/toml",
    "A case file: TOML [[entry]] tables or JSON Lines, one recording command each.",
    import_=_import_case,
)
"""Human-written entries, read by extension (:mod:`ledger.formats.casefile`)."""

FORMATS: dict[str, Format] = {f.name: f for f in (JSONL, CASE_FILE)}
"""Every known format, by name."""


def _add_field_formats() -> None:
    loading = sys.modules.get("ledger.formats.field_formats")
    if loading is not None and not hasattr(loading, "FIELD_FORMATS"):
        return  # it is being imported first, and adds its formats itself when done
    from ledger.formats.field_formats import FIELD_FORMATS  # noqa: PLC0415  (it imports Format from here)

    FORMATS.update((f.name, f) for f in FIELD_FORMATS)


def export_file(
    chosen: Format, ledger: Ledger, path: str | os.PathLike[str], refs: Sequence[str] = (), **options: str
) -> str:
    """Export in format ``chosen`` to the file ``path`` through :func:`ledger.formats.output.open_output`.

    Whatever the format, a FIFO or device at ``path`` is written in place and
    a file appears only once complete; the exporter writes to a stream named
    ``path``. ``options`` are the format's own (see :attr:`Format.options`).
    Returns the exporter's line.
    """
    if chosen.export is None:
        raise InvalidError(f"the {chosen.name} format cannot be exported")
    with open_output(path, what=f"{chosen.name} export") as stream:
        return chosen.export(ledger, stream, refs, **options)


def register(new: Format) -> None:
    """Add a format; a name already taken is refused (:class:`InvalidError`)."""
    if new.name in FORMATS:
        raise InvalidError(f"a format named {new.name!r} is already registered")
    FORMATS[new.name] = new


def get_format(name: str) -> Format:
    """The format called ``name``; :class:`InvalidError` naming the known ones otherwise."""
    try:
        return FORMATS[name]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise InvalidError(f"unknown format {name!r} (known: {known})") from None


def exporting() -> list[str]:
    """The names of the formats that export."""
    return sorted(name for name, f in FORMATS.items() if f.export is not None)


def importing() -> list[str]:
    """The names of the formats that import."""
    return sorted(name for name, f in FORMATS.items() if f.import_ is not None)


_add_field_formats()
