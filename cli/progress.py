"""Progress bars on stderr for long work, when stderr is a terminal and ``--quiet`` is not given.

The ledger reports progress through :mod:`ledger.progress`; this listener
draws it with click's progress bar (counts, percentage, rate and time
left). Catching up the views is shown only when it has at least
``VIEWS_SHOWN_FROM`` entries to take in (the first catch-up of a large
ledger), not for the few entries an ordinary query brings in.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from ledger.progress import listening

VIEWS_TASK = "building the views"
VIEWS_SHOWN_FROM = 1000


class StderrProgress:
    """A :data:`ledger.progress.Listener` drawing one bar per task on stderr."""

    def __init__(self) -> None:
        self._task: str | None = None
        self._bar: Any = None
        self._done = 0
        self._started = 0.0
        self._first = 0

    def __call__(self, task: str, done: int, total: int | None) -> None:
        if task != self._task:
            self.close()
            self._task, self._first, self._started = task, done, time.monotonic()
            if total is None or (task == VIEWS_TASK and total - done < VIEWS_SHOWN_FROM):
                return
            self._done = 0
            self._bar = click.progressbar(
                length=total,
                label=task,
                file=sys.stderr,
                show_pos=True,
                show_eta=True,
                item_show_func=lambda rate: rate,
            )
            self._bar.__enter__()
        if self._bar is None:
            return
        elapsed = time.monotonic() - self._started
        rate = f"{(done - self._first) / max(elapsed, 1e-3):,.0f}/s"
        self._bar.update(max(0, done - self._done), rate)
        self._done = done

    def close(self) -> None:
        """Finish the bar being drawn, if any."""
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
        self._bar = None


@contextmanager
def progress_on_stderr(*, quiet: bool) -> Iterator[None]:
    """Draw the progress of the work inside the block, unless ``quiet`` or stderr is no terminal."""
    if quiet or not sys.stderr.isatty():
        yield
        return
    bars = StderrProgress()
    try:
        with listening(bars):
            yield
    finally:
        bars.close()
