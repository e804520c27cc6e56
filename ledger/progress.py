"""Progress of long work (imports, building the views, verify, export) for whoever shows it.

Long loops call :func:`advance` with what they have done; nobody listens
unless a caller wraps the work in :func:`listening` (the CLI does, drawing a
bar on stderr when it is a terminal). With no listener it costs one
context-variable look-up a batch.

>>> seen = []
>>> with listening(lambda task, done, total: seen.append((task, done, total))):
...     advance("verifying", 500, 1000)
>>> advance("verifying", 1000, 1000)  # nobody listens any more
>>> seen
[('verifying', 500, 1000)]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Listener = Callable[[str, int, "int | None"], None]
"""Told ``(task, done, total)``: the work, items done so far, and of how many (None: unknown)."""

_listener: ContextVar[Listener | None] = ContextVar("ledger_progress", default=None)


def active() -> bool:
    """True when someone listens (so that a loop may skip working out a total nobody reads)."""
    return _listener.get() is not None


def advance(task: str, done: int, total: int | None = None) -> None:
    """Say that ``task`` has done ``done`` items of ``total`` (None when the total is unknown)."""
    listener = _listener.get()
    if listener is not None:
        listener(task, done, total)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Tell ``listener`` of the progress of the work done inside the block."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)
