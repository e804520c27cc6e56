"""The cyclic garbage collector during bulk reads (a replay, a catch-up of the views).

A bulk read allocates millions of short-lived objects while it keeps
thousands of states or rows alive: with the default thresholds the collector
scans those over and over, a tenth to a fifth of the read's time (measured
with ``python -m benchmarks``). Reference counting still frees everything
that is not in a cycle at once; the collector only runs less often.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_collector_lock = threading.Lock()
_collector_users = 0
_collector_threshold: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector rarely for the duration of a bulk read, then as before.

    Nested and concurrent uses share one setting: the thresholds are restored
    when the last of them ends.
    """
    global _collector_users, _collector_threshold  # noqa: PLW0603  (one setting for the process)
    with _collector_lock:
        if _collector_users == 0:
            _collector_threshold = gc.get_threshold()
            gc.set_threshold(max(_collector_threshold[0], 100_000), *_collector_threshold[1:])
        _collector_users += 1
    try:
        yield
    finally:
        with _collector_lock:
            _collector_users -= 1
            if _collector_users == 0:
                gc.set_threshold(*_collector_threshold)
