"""Replay: the full log read back into state, against eventsourcing and sqlite3 reading it.

- ours: ``Ledger.log()`` (read and decode every entry) with every event
  applied to its subject's state, as an auditor's replay does; and the
  decoding alone;
- eventsourcing: the bare application's notification log of the same
  payloads, read and decoded by eventsourcing alone;
- sqlite3: the ledger's rows read with plain sqlite3, undecoded.

Also the timeline of one subject in-process (by replay until views land),
against reading that subject's own stream with ``Ledger.get``.
"""

from __future__ import annotations

import time
from typing import Any

from benchmarks.baselines import BareApplication, read_notifications, read_rows
from benchmarks.context import Context
from benchmarks.measure import rate
from benchmarks.results import Figure, Target
from ledger import Ledger

ES_DECODE = "eventsourcing: read + decode the notification log"
RAW_READ = "sqlite3: read the rows"


def replay_states(ledger: Ledger) -> int:
    """Apply every entry of the log to its subject's state, in log order; the number of entries."""
    states: dict[str, Any] = {}
    count = 0
    for entry in ledger.log():
        subject = entry.event.subject
        states[subject] = entry.event.apply(states.get(subject))
        count += 1
    return count


def decode_log(ledger: Ledger) -> int:
    """Read and decode every entry of the log; the number of entries."""
    return sum(1 for _ in ledger.log())


def _timed(function: Any, *args: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def run(ctx: Context) -> list[Figure]:
    """Replay and timeline figures at every size."""
    figures: list[Figure] = []
    for size in ctx.sizes:
        path = ctx.ledger_path(size)
        bare = ctx.bare_path(size)
        probe = ctx.probe_ref(size)
        replay, decode, es, raw, timeline, single = [], [], [], [], [], []
        ctx.log(f"replay at {size:,} events")
        for _ in range(ctx.repeat):
            with Ledger.open(path, create=False) as ledger:
                seconds, count = _timed(replay_states, ledger)
                replay.append(rate(count, seconds))
                seconds, count = _timed(decode_log, ledger)
                decode.append(rate(count, seconds))
                seconds, _ = _timed(ledger.timeline, probe)
                timeline.append(seconds * 1e3)
                seconds, _ = _timed(ledger.get, probe)
                single.append(seconds * 1e3)
            app = BareApplication.at(bare)
            try:
                seconds, count = _timed(read_notifications, app)
            finally:
                app.close()
            es.append(rate(count, seconds))
            seconds, count = _timed(read_rows, path)
            raw.append(rate(count, seconds))
        replay_name = "Ledger.log() + apply every event to its subject's state"
        decode_name = "Ledger.log(): read + decode every entry"
        figures += [
            Figure(
                "replay", replay_name, size, "events/s", replay, ES_DECODE, es, Target("ratio", ">=", 0.7)
            ),
            Figure("replay", decode_name, size, "events/s", decode, ES_DECODE, es),
            Figure("replay", replay_name, size, "events/s", replay, RAW_READ, raw),
            Figure(
                "replay",
                f"Ledger.timeline(post) in-process ({probe})",
                size,
                "ms",
                timeline,
                "Ledger.get(post): its own stream only",
                single,
                events=size,
            ),
        ]
    return figures
