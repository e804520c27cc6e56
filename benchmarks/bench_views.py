"""Benchmark of the materialised views: timeline queries and catch-up, against replay and the raw log.

    python -m benchmarks.bench_views --events 100000

Records a seeded synthetic ledger of ``--events`` events (or reuses ``--db``),
then measures, each as the median of several repetitions:

- a timeline query of a post on a warm ledger, from the views and by replay
  (``replay=True``), and their ratio;
- catch-up: every view built from the whole log (emptied, untimed, before
  each run), per event, against reading and decoding the raw notification
  log with eventsourcing alone (``select_notifications`` + the application's
  mapper), the two interleaved; the ratio is the baseline's time over
  catch-up's, so 0.5 means half the baseline's speed. Wall time, and CPU time
  of the process, which is steadier when other work shares the machine.

Not a test: nothing is asserted; the figures are printed (``--json`` for a
machine-readable line).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.baselines import BareApplication, read_notifications
from ledger import Ledger

_WORDS = [
    "labour",
    "staff",
    "campaign",
    "election",
    "volunteer",
    "foreign",
    "national",
    "party",
    "rules",
    "post",
    "deleted",
    "claim",
    "politicians",
    "battleground",
    "states",
    "housing",
    "interference",
    "commission",
    "regulation",
    "evidence",
    "report",
    "statement",
    "spokesperson",
    "press",
    "office",
    "fact",
    "check",
    "misleading",
    "accurate",
    "context",
    "reach",
    "views",
]


class Workload:
    """A seeded stream of valid commands on a growing set of subjects, one or two events each."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.clock = datetime(2020, 1, 1, tzinfo=UTC)
        self.serial = 0
        self.actors: list[str] = []
        self.sources: list[str] = []
        self.live: list[str] = []
        self.deleted: list[str] = []
        self.posts: list[str] = []
        self.claims: list[str] = []
        self.reviewed: dict[str, str] = {}
        self.awaiting: list[str] = []
        self.cases: list[str] = []

    def _text(self, words: int) -> str:
        return " ".join(self.random.choice(_WORDS) for _ in range(words)).capitalize() + "."

    def _at(self) -> str:
        self.clock += timedelta(minutes=self.random.randint(1, 30))
        return self.clock.strftime("%Y-%m-%dT%H:%MZ")

    def _ref(self, kind: str) -> str:
        self.serial += 1
        return f"{kind}/{kind}-{self.serial}"

    def _recent(self, refs: list[str]) -> str:
        return refs[-1 - min(len(refs) - 1, int(self.random.expovariate(1 / 30)))]

    def commands(self) -> Iterator[tuple[Callable[[Ledger], Any], int]]:
        """Callables recording one command each, with how many events they record."""
        while True:
            roll = self.random.random()
            if len(self.actors) < 20 or roll < 0.04:
                yield self._actor(), 1
            elif len(self.sources) < 10 or roll < 0.08:
                yield self._source(), 1
            elif len(self.live) < 5 or roll < 0.25:
                yield self._publish(), 1
            elif roll < 0.45:
                yield self._post_change(), 1
            elif roll < 0.60:
                yield self._claim(), 1
            elif roll < 0.72 and self.claims:
                yield self._review(), 1
            elif roll < 0.82:
                yield self._comment(), 1
            elif roll < 0.88 and self.awaiting:
                yield self._answer(), 1
            elif roll < 0.90 or not self.cases:
                yield self._case(), 1
            else:
                yield self._link(), 1

    def _actor(self) -> Callable[[Ledger], Any]:
        ref = self._ref("actor")
        self.actors.append(ref)
        kind = self.random.choice(["person", "organization"])
        return lambda ledger: ledger.register_actor(ref, name=ref.title(), kind=kind)

    def _source(self) -> Callable[[Ledger], Any]:
        ref, publisher, at = self._ref("source"), self._recent(self.actors), self._at()
        self.sources.append(ref)
        title = self._text(8)
        return lambda ledger: ledger.register_source(ref, title=title, publisher=publisher, at=at)

    def _publish(self) -> Callable[[Ledger], Any]:
        ref, author, at, text = self._ref("post"), self._recent(self.actors), self._at(), self._text(40)
        source = self._recent(self.sources)
        self.live.append(ref)
        self.posts.append(ref)
        return lambda ledger: ledger.publish_post(
            ref, platform="X", author=author, text=text, at=at, sources=[source]
        )

    def _post_change(self) -> Callable[[Ledger], Any]:
        roll, at = self.random.random(), self._at()
        if roll < 0.1 and self.deleted:
            ref = self.deleted.pop(self.random.randrange(len(self.deleted)))
            self.live.append(ref)
            return lambda ledger: ledger.restore_post(ref, at=at)
        ref = self._recent(self.live)
        if roll < 0.25:
            self.live.remove(ref)
            self.deleted.append(ref)
            return lambda ledger: ledger.delete_post(ref, at=at, deleted_by="author")
        if roll < 0.35:
            text = self._text(40)
            return lambda ledger: ledger.edit_post(ref, text=text, at=at)
        views = self.random.randint(0, 10**7)
        return lambda ledger: ledger.observe_post(ref, at=at, views=views)

    def _claim(self) -> Callable[[Ledger], Any]:
        ref, at, text = self._ref("claim"), self._at(), self._text(15)
        claimant, post, about = self._recent(self.actors), self._recent(self.posts), self._recent(self.posts)
        self.claims.append(ref)
        return lambda ledger: ledger.make_claim(
            ref, text=text, claimant=claimant, post=post, about=[about], at=at
        )

    def _review(self) -> Callable[[Ledger], Any]:
        ref, at, reviewer = self._recent(self.claims), self._at(), self._recent(self.actors)
        evidence, rationale = [self._recent(self.sources)], self._text(25)
        method = (
            "revise_verdict" if ref in self.reviewed else self.random.choice(["rebut_claim", "support_claim"])
        )
        # A verdict is revised by the reviewer who gave it.
        reviewer = self.reviewed.setdefault(ref, reviewer)
        return lambda ledger: getattr(ledger, method)(
            ref, reviewer=reviewer, verdict="Misleading", rationale=rationale, evidence=evidence, at=at
        )

    def _comment(self) -> Callable[[Ledger], Any]:
        ref, at = self._ref("comment"), self._at()
        requester, recipient = self.random.sample(self.actors[-40:], 2)
        regarding = [self._recent(self.posts)]
        self.awaiting.append(ref)
        question = self._text(12)
        return lambda ledger: ledger.request_comment(
            ref, requester=requester, recipient=recipient, channel="email", regarding=regarding,
            question=question, at=at,
        )  # fmt: skip

    def _answer(self) -> Callable[[Ledger], Any]:
        ref, at = self.awaiting.pop(self.random.randrange(len(self.awaiting))), self._at()
        method = self.random.choice(["receive_comment", "decline_comment"])
        return lambda ledger: getattr(ledger, method)(ref, at=at)

    def _case(self) -> Callable[[Ledger], Any]:
        ref = self._ref("case")
        self.cases.append(ref)
        return lambda ledger: ledger.open_case(ref, title=self._text(6))

    def _link(self) -> Callable[[Ledger], Any]:
        ref = self._recent(self.cases)
        subject = self._recent(self.posts if self.random.random() < 0.5 else self.claims or self.posts)
        self.cases.remove(ref)  # link each case once, so a subject is never linked twice
        return lambda ledger: ledger.link_to_case(ref, [subject])


def record(ledger: Ledger, events: int, seed: int) -> None:
    """Record ``events`` events of the seeded workload, in batches."""
    written = ledger.head
    commands = Workload(seed).commands()
    while written < events:
        with ledger.batch():
            for _ in range(min(500, events - written)):
                command, count = next(commands)
                command(ledger)
                written += count


def median_time(action: Callable[[], Any], repeat: int) -> float:
    """The median wall time of ``action`` in seconds over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def timed(action: Callable[[], Any]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``action`` (CPU time is steadier on a shared machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def raw_log_read(ledger: Ledger) -> int:
    """Read and decode the whole log with the ledger's own recorder and mapper alone."""
    app = ledger._app
    count, start = 0, 1
    while True:
        notifications = app.recorder.select_notifications(start, 1000)
        for notification in notifications:
            app.mapper.to_domain_event(notification)
        count += len(notifications)
        if len(notifications) < 1000:
            return count
        start = notifications[-1].id + 1


def bare_log_read(bare: Path) -> int:
    """Read and decode the same log recorded by a bare eventsourcing application: the baseline."""
    app = BareApplication.at(bare)
    try:
        return read_notifications(app)
    finally:
        app.close()


def catch_up_figures(ledger: Ledger, repeat: int, bare: Path | None = None) -> dict[str, float]:
    """Catch-up of every view over the whole log against the raw reads, interleaved, per event.

    ``bare`` is the same log recorded by a bare eventsourcing application (the target's
    baseline, as for replay); without it only the ledger's own read + decode is measured.
    """
    views = ledger._projections()  # the views' own handle: emptied untimed before each catch-up
    catch_up, raw, es = [], [], []
    for _ in range(repeat):
        views.reset()
        catch_up.append(timed(views.catch_up))
        raw.append(timed(lambda: raw_log_read(ledger)))
        if bare is not None:
            es.append(timed(partial(bare_log_read, bare)))
    per_event = 1e6 / ledger.head
    wall, cpu = (statistics.median(t[i] for t in catch_up) for i in (0, 1))
    raw_wall, raw_cpu = (statistics.median(t[i] for t in raw) for i in (0, 1))
    found = {
        "catch_up_us_per_event": wall * per_event,
        "raw_log_read_us_per_event": raw_wall * per_event,
        "catch_up_speed_vs_raw_log": raw_wall / wall,
        "catch_up_cpu_us_per_event": cpu * per_event,
        "raw_log_read_cpu_us_per_event": raw_cpu * per_event,
        "catch_up_cpu_speed_vs_raw_log": raw_cpu / cpu,
    }
    if es:
        es_wall, es_cpu = (statistics.median(t[i] for t in es) for i in (0, 1))
        found |= {
            "es_log_read_us_per_event": es_wall * per_event,
            "catch_up_speed_vs_es_log": es_wall / wall,
            "es_log_read_cpu_us_per_event": es_cpu * per_event,
        }
    return found


def timeline_figures(ledger: Ledger, seed: int, repeat: int) -> dict[str, float]:
    """A post's timeline on a warm ledger, from the views and by replay (medians over 20 posts)."""
    posts = [row.ref for row in ledger.posts()]
    chosen = random.Random(seed).sample(posts, min(20, len(posts)))
    ledger.timeline(chosen[0])
    per_query = [median_time(partial(ledger.timeline, ref), repeat * 3) for ref in chosen]
    replayed = [median_time(partial(ledger.timeline, ref, replay=True), 1) for ref in chosen[:3]]
    views_ms, replay_ms = statistics.median(per_query) * 1e3, statistics.median(replayed) * 1e3
    return {
        "timeline_views_ms": views_ms,
        "timeline_views_max_ms": max(per_query) * 1e3,
        "timeline_replay_ms": replay_ms,
        "timeline_replay_over_views": replay_ms / views_ms,
    }


def run(events: int, seed: int, repeat: int, db: Path, bare: Path | None = None) -> dict[str, float]:
    """Measure on the ledger at ``db``, recording the workload there first when it is short.

    ``bare`` is the same log in a bare eventsourcing application, the catch-up's baseline.
    """
    results: dict[str, float] = {"events": events}
    with Ledger.open(db, recorded_by="bench") as ledger:
        if ledger.head < events:
            started = time.perf_counter()
            record(ledger, events, seed)
            results["record_s"] = time.perf_counter() - started
        results["events"] = ledger.head
        results.update(catch_up_figures(ledger, repeat, bare))
        results.update(timeline_figures(ledger, seed, repeat))
    return results


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_views", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--events", type=int, default=100_000, help="ledger size (default 100000)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each measure (median)")
    parser.add_argument("--db", type=Path, help="a ledger file to reuse (recorded there if short)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.db is not None:
        results = run(args.events, args.seed, args.repeat, args.db)
    else:
        with tempfile.TemporaryDirectory() as folder:
            results = run(args.events, args.seed, args.repeat, Path(folder) / "bench.db")
    if args.json:
        print(json.dumps(results))
        return
    for name, value in results.items():
        print(f"{name:32} {value:12.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
