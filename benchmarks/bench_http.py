"""Benchmark of the HTTP API and of full-text search.

- requests/s of ``GET /subjects/{post}/timeline`` over HTTP, against ``GET
  /health`` (a trivial endpoint) on the same server in the same run, the two
  interleaved: ``ledger serve`` as a real process (uvicorn), one client on
  one kept-alive connection, for ``REQUESTS`` requests each;
- search latency (median of warm queries, ms): ``Ledger.search`` from the
  search view, against the same search by a scan of the log
  (``replay=True``), at every size; the growth table shows how each grows;
- ``GET /search`` over HTTP, the same queries, against ``GET /health``.

The queries (:func:`_queries`) differ in selectivity: two words of the probe
post, a rare and a common word, a very common one, three words, a word of
two characters (below a trigram), Chinese of two and of five characters and
Arabic (none in the workload: the cost of a miss), and a word found nowhere.

Not a test: nothing is asserted.
"""

from __future__ import annotations

import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from benchmarks.context import Context
from benchmarks.results import Figure
from ledger import Ledger

REQUESTS = 200


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(path: Path) -> tuple[subprocess.Popen[bytes], str]:
    executable = shutil.which("ledger") or str(Path(sys.executable).with_name("ledger"))
    port = _free_port()
    server = subprocess.Popen(
        [executable, "--db", str(path), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{base}/health", timeout=5)
            return server, base
        except httpx.TransportError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError("ledger serve did not start") from None
            time.sleep(0.1)


def _rate(client: httpx.Client, path: str) -> float:
    start = time.perf_counter()
    for _ in range(REQUESTS):
        client.get(path).raise_for_status()
    return REQUESTS / (time.perf_counter() - start)


COMMON = [
    "labour", "election", "the", "prime minister", "deleted restored archived", "of",
    "选举", "选举委员会", "حزب العمال", "zzqx",
]  # fmt: skip


def _queries(ledger: Ledger, probe: str) -> list[str]:
    """Searches of different selectivity: two words of the probe post's text, then :data:`COMMON`."""
    words = [word for word in str(getattr(ledger.get(probe), "text", "")).split() if len(word) > 3]
    chosen = [" ".join(words[:2]), *COMMON]
    return [query for query in chosen if query.strip()]


def _http_latency(client: httpx.Client, queries: list[str]) -> float:
    times = []
    for query in queries:
        start = time.perf_counter()
        client.get("/search", params={"q": query}).raise_for_status()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def _health_latency(client: httpx.Client, count: int) -> float:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        client.get("/health").raise_for_status()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def _latency(ledger: Ledger, queries: list[str], *, replay: bool) -> float:
    times = []
    for query in queries:
        start = time.perf_counter()
        ledger.search(query, replay=replay)
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def run(ctx: Context) -> list[Figure]:
    """HTTP requests/s and search latency at every size."""
    figures: list[Figure] = []
    for size in ctx.sizes:
        path = ctx.ledger_path(size)
        probe = ctx.probe_ref(size)
        with Ledger.open(path, create=False) as ledger:
            ledger.catch_up_projections()  # warm: catch-up is bench_views' business
            queries = _queries(ledger, probe)
            ledger.search(queries[0])
            search = [_latency(ledger, queries, replay=False) for _ in range(ctx.repeat)]
            scan = [_latency(ledger, queries, replay=True) for _ in range(ctx.repeat)]
        ctx.log(f"http at {size:,} events")
        server, base = _serve(path)
        timeline, trivial, over_http, health = [], [], [], []
        try:
            with httpx.Client(base_url=base, timeout=60) as client:
                client.get(f"/subjects/{probe}/timeline").raise_for_status()
                for _ in range(ctx.repeat):
                    timeline.append(_rate(client, f"/subjects/{probe}/timeline"))
                    trivial.append(_rate(client, "/health"))
                _http_latency(client, queries)  # warm
                for _ in range(ctx.repeat):
                    over_http.append(_http_latency(client, queries))
                    health.append(_health_latency(client, len(queries)))
        finally:
            server.terminate()
            server.wait(timeout=30)
        figures += [
            Figure("http", "GET /subjects/{post}/timeline over HTTP", size, "requests/s", timeline,
                   "GET /health on the same server", trivial, events=0,
                   note=f"{REQUESTS} sequential requests a run, one kept-alive connection"),
            Figure("http", "Ledger.search, views warm (median of queries)", size, "ms", search,
                   "the same search scanning the log (replay=True)", scan, events=0,
                   note=f"queries: {', '.join(repr(q) for q in queries)}"),
            Figure("http", "GET /search over HTTP (median of queries)", size, "ms", over_http,
                   "GET /health on the same server", health, events=0, note="the same queries"),
        ]  # fmt: skip
    return figures
