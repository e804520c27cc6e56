"""The ledger's own formats on the Ledger: the whole log as JSON Lines, case files, reports.

A part the ``Ledger`` holds (``construct_native``) and whose methods it
exposes, as :mod:`ledger.formats.interop` does for the field's formats; each
method reads or writes one format through its module in :mod:`ledger.formats`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from domain.worldtime import When
from ledger.mapper import PydanticMapper
from ledger.queries import AsOf
from ledger.storage.records import LogRecorder

if TYPE_CHECKING:
    from ledger.facade import Ledger
    from ledger.formats.casefile import ImportResult
    from ledger.formats.exchange import ExchangeSummary


class NativeFormats:
    """Whole ledgers moved between stores, case files read in, reports written, over one ledger."""

    def __init__(
        self,
        ledger: Ledger,
        recorder: LogRecorder,
        mapper: PydanticMapper,
        *,
        forget_subjects: Callable[[], None],
    ) -> None:
        self.ledger = ledger
        self.recorder = recorder
        self.mapper = mapper
        self.forget_subjects = forget_subjects
        """Called once a whole log is imported: the subjects the ledger knew of are no longer all."""

    def export(self, target: TextIO | str | os.PathLike[str]) -> ExchangeSummary:
        """Write the whole log as JSON Lines (see :mod:`ledger.formats.exchange`), streamed.

        ``target`` is a text stream, or a file path: the file appears only once
        the export is complete. The export stops at the head it found.

        >>> import io
        >>> from ledger import Ledger
        >>> with Ledger.open(":memory:") as ledger:
        ...     _ = ledger.register_actor("actor/ada", name="Ada", kind="person")
        ...     out = io.StringIO()
        ...     ledger.export(out).events
        1
        """
        # A store's own errors become ledger errors in translate_storage_errors, as for every method.
        from ledger.formats.exchange_out import export_log  # noqa: PLC0415 - not for a report

        return export_log(self.recorder, target)

    def import_export(
        self, source: TextIO | str | os.PathLike[str], *, upgrade_leaves: bool = False
    ) -> ExchangeSummary:
        """Import an export into this ledger, which must be empty: the same log, byte for byte.

        Every entry keeps its position, stream, version, record time and
        stored bytes. A corrupted export is refused, naming the line, and
        nothing is imported. ``upgrade_leaves`` salts every entry with a v1
        leaf (a new root; the old checkpoints are not carried): see
        docs/auditing.md.
        """
        from ledger.formats.exchange import import_log  # noqa: PLC0415 - not for a report

        summary = import_log(self.recorder, self.mapper, source, upgrade_leaves=upgrade_leaves)
        self.forget_subjects()
        return summary

    def import_file(self, path: str | os.PathLike[str], *, dry_run: bool = False) -> ImportResult:
        """Record every entry of a case file (TOML or JSON Lines) at once, or none.

        Every error is a :class:`CaseFileError` naming the file, the line and
        the field. With ``dry_run``, everything is checked and nothing written.
        See :mod:`ledger.formats.casefile` for the format.
        """
        # The case-file format imports every command's model: not for a report or an export.
        from ledger.formats.casefile import import_case_file  # noqa: PLC0415

        return import_case_file(self.ledger, path, dry_run=dry_run)

    def report(
        self, ref: str, *, at: When | None = None, as_of: AsOf | None = None, format: str = "html"
    ) -> str:
        """The timeline of ``ref`` as a self-contained HTML page (``format="md"``: Markdown).

        See :mod:`ledger.formats.report`; raises what :meth:`timeline` raises.
        """
        from ledger.formats.report import build_report, render_report  # noqa: PLC0415  (Jinja2 on demand)

        return render_report(build_report(self.ledger, ref, at=at, as_of=as_of), format)
