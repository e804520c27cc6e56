"""Which entries an export covers: the whole log, some subjects' histories, or a case's."""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from domain.errors import InvalidError
from domain.events import LogEntry

if TYPE_CHECKING:
    from ledger.facade import Ledger


def selected_subjects(ledger: Ledger, refs: Sequence[str] = (), case: str | None = None) -> list[str] | None:
    """The subjects named (``refs``, or ``case`` and everything linked to it); None for every subject.

    Raises :class:`~domain.errors.NotFoundError` for a subject that does not exist.
    """
    if case is not None and refs:
        raise InvalidError("name subjects or a case, not both")
    if case is not None:
        return [case, *(row.subject for row in ledger.case_subjects(case, replay=True))]
    if not refs:
        return None
    return list(dict.fromkeys(refs))


def selected_entries(ledger: Ledger, subjects: list[str] | None) -> Iterator[LogEntry]:
    """The entries of ``subjects`` (every entry when None), in log order; the whole log is streamed."""
    if subjects is None:
        yield from ledger.log()
        return
    histories = [ledger.history(ref) for ref in subjects]
    yield from heapq.merge(*histories, key=lambda entry: entry.position)
