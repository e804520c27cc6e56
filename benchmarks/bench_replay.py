"""Replay: the full log read back into state, against eventsourcing and sqlite3 reading it.

- ours: the auditor's replay, ``Ledger.replay()`` (every entry with the state
  of its subject after it, in bounded memory), or before that lands
  ``Ledger.log()`` with every event applied to its subject's state, all
  states kept; and ``Ledger.log()`` alone (read and decode every entry);
- eventsourcing: the bare application's notification log of the same
  payloads, read and decoded by eventsourcing alone; and the same with every
  event applied to its aggregate, all kept (the closest like for like);
- sqlite3: the ledger's rows read with plain sqlite3, undecoded.

Also the timeline of one subject in-process (by replay until views land),
against reading that subject's own stream with ``Ledger.get``.
"""

from __future__ import annotations

import time
from typing import Any

from benchmarks.baselines import BareApplication, read_notifications, read_rows, replay_aggregates
from benchmarks.bounds import REPLAY_LIKE_FOR_LIKE
from benchmarks.context import Context
from benchmarks.measure import rate
from benchmarks.results import Figure, Target
from ledger import Ledger

ES_DECODE = "eventsourcing: read + decode the notification log"
ES_MUTATE = REPLAY_LIKE_FOR_LIKE
RAW_READ = "sqlite3: read the rows"


def replay_name() -> str:
    """What :func:`replay_states` measures on this ledger."""
    if hasattr(Ledger, "replay"):
        return "Ledger.replay(): every entry with its subject's state"
    return "Ledger.log() + apply every event to its subject's state (all kept)"


def replay_states(ledger: Ledger) -> int:
    """Replay the whole log into subject states, in log order; the number of entries."""
    replay = getattr(ledger, "replay", None)
    if replay is not None:
        return sum(1 for _ in replay())
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
        replay, decode, es, es_mutate, raw, timeline, single = [], [], [], [], [], [], []
        ctx.log(f"replay at {size:,} events")
        with Ledger.open(path, create=False) as ledger:
            # The first query catches the views up over the whole log (measured by bench_views):
            # timed here is a query on a warm ledger, whatever the number of repetitions.
            ledger.timeline(probe)
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
                es.append(rate(count, seconds))
                seconds, count = _timed(replay_aggregates, app)
                es_mutate.append(rate(count, seconds))
            finally:
                app.close()
            seconds, count = _timed(read_rows, path)
            raw.append(rate(count, seconds))
        name = replay_name()
        decode_name = "Ledger.log(): read + decode every entry"
        figures += [
            Figure("replay", name, size, "events/s", replay, ES_DECODE, es, Target("ratio", ">=", 0.7)),
            Figure("replay", name, size, "events/s", replay, ES_MUTATE, es_mutate),
            Figure("replay", decode_name, size, "events/s", decode, ES_DECODE, es),
            Figure("replay", name, size, "events/s", replay, RAW_READ, raw),
            Figure(
                "replay",
                "Ledger.timeline(post) in-process, views warm",
                size,
                "ms",
                timeline,
                "Ledger.get(post): its own stream only",
                single,
                events=0,  # a query's latency, not a cost per event of the ledger
                note=f"the timeline of {probe}, the last post deleted in the workload",
            ),
        ]
    return figures
