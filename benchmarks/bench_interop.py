"""Interchange formats: ClaimReview and CDX imports against the case-file import of the same entries;
peak RSS of a PROV-JSON export.

At each size, ``size // 10`` ClaimReview items (a JSON array of fictional
reviews: ten reviewers, fifty claimants, one or two appearances each) and
``size // 10`` CDX rows of one post (text lines; captures that see the page,
then ones that find it gone) are imported into a fresh ledger. Each baseline
is a case file (JSON Lines) of exactly the entries that import recorded,
imported into another fresh ledger in the same run: the ratio is what
reading the format and matching subjects costs over recording the same
entries. The PROV export of the shared ledger of each size runs in a fresh
process (``python -m benchmarks.bench_interop prov DB``); its baseline is the
same process only opening the ledger.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from benchmarks.context import Context, remove_database
from benchmarks.measure import REPO, rate, run_task
from benchmarks.peak import peak_rss_mb
from benchmarks.results import Figure
from domain.events import LogEntry
from ledger import Ledger
from ledger.commands import SPECS

CASE_FILE = "case-file import of the same entries"
_EVENT_COMMANDS = {
    "ActorRegistered": "actor add",
    "SourceRegistered": "source add",
    "PostPublished": "post publish",
    "PostArchived": "post archive",
    "PostDeleted": "post delete",
    "PostRestored": "post restore",
    "ClaimMade": "claim make",
    "ClaimRepeated": "claim repeat",
    "ClaimRebutted": "claim rebut",
    "ClaimSupported": "claim support",
    "ClaimRated": "claim rate",
    "VerdictRevised": "claim revise",
}
_RENAMED = {
    "occurred_at": "at",
    "sources": "source",
    "subject": "ref",
    "post": "in",
    "handles": "handle",
    "http_status": "status",
}


def casefile_entry(entry: LogEntry) -> dict[str, Any]:
    """The case-file entry that records the same event as ``entry``."""
    event = entry.event
    name = _EVENT_COMMANDS[event.type]
    fields = {f.name for f in SPECS[name].fields}
    data = event.model_dump(mode="json", exclude_none=True)
    out: dict[str, Any] = {"command": name}
    for key, raw in data.items():
        field = _RENAMED.get(key, key.replace("_", "-"))
        if field not in fields or raw in ((), []):
            continue
        value = raw
        if key == "occurred_at":
            value = str(event.occurred_at)
        elif key == "evidence":
            value = [e["source"] + (f":{e['quote']}" if e.get("quote") else "") for e in raw]
        elif key == "handles":
            value = [f"{h['platform']}:{h['handle']}" for h in raw]
        out[field] = value
    if event.type == "SourceRegistered" and event.occurred_at is not None:
        out["at"] = str(event.occurred_at)
    return out


def claimreview_items(count: int) -> list[dict[str, Any]]:
    """``count`` fictional ClaimReview items, as fact-checkers publish them."""
    ratings = ["False", "Mostly false", "True", "Misleading", "Half true", "FALSE"]
    items = []
    for n in range(count):
        claimant = f"Claimant {n % 50}"
        appearances = [{"@type": "CreativeWork", "url": f"https://social.example/@c{n % 50}/{n}"}]
        if n % 3 == 0:
            appearances.append({"@type": "CreativeWork", "url": f"https://forum.example/t/{n}"})
        items.append(
            {
                "@context": "https://schema.org",
                "@type": "ClaimReview",
                "datePublished": f"2024-{1 + n % 12:02d}-{1 + n % 27:02d}",
                "url": f"https://checks.example/{n}",
                "name": f"Check number {n}",
                "claimReviewed": f"Claim number {n}: the harbour fee rose by {n} percent",
                "itemReviewed": {
                    "@type": "Claim",
                    "author": {"@type": "Person", "name": claimant},
                    "datePublished": f"2023-{1 + n % 12:02d}-{1 + n % 27:02d}",
                    "appearance": appearances,
                },
                "author": {"@type": "Organization", "name": f"Checker {n % 10}"},
                "reviewRating": {"@type": "Rating", "alternateName": ratings[n % len(ratings)]},
            }
        )
    return items


def cdx_lines(count: int, url: str) -> list[str]:
    """``count`` CDX rows of ``url``, a minute apart: the first 90% see it, the rest find it gone."""
    lines = []
    for n in range(count):
        day, minute = divmod(n, 1440)
        stamp = f"2024{1 + day // 28 % 12:02d}{1 + day % 28:02d}{minute // 60:02d}{minute % 60:02d}00"
        status = "200" if n < count * 9 // 10 else "404"
        lines.append(f"example,social)/p {stamp} {url} text/html {status} DIGEST{n:08d} {1000 + n}")
    return lines


def _timed_import(path: Path, load: Any) -> tuple[float, int, list[LogEntry]]:
    """Seconds to load into a fresh ledger at ``path``, the events recorded, and the entries."""
    with Ledger.open(path, recorded_by="bench") as ledger:
        head = ledger.head
        started = time.perf_counter()
        load(ledger)
        seconds = time.perf_counter() - started
        entries = list(ledger.log(after=head))
    return seconds, len(entries), entries


def _against_case_file(
    ctx: Context, name: str, size: int, load: Any, prepare: Any = None
) -> Iterable[Figure]:
    ours, theirs = [], []
    events = 0
    for rep in range(ctx.repeat):
        ctx.log(f"{name}, {size:,}, repetition {rep + 1}/{ctx.repeat}")
        path = ctx.scratch(f"interop-{size}.db")
        if prepare is not None:
            with Ledger.open(path, recorded_by="bench") as ledger:
                prepare(ledger)
        seconds, events, entries = _timed_import(path, load)
        ours.append(rate(events, seconds))
        case_file = ctx.work_dir / f"interop-{size}.jsonl"
        case_file.write_text(
            "".join(json.dumps(casefile_entry(e), ensure_ascii=False) + "\n" for e in entries)
        )
        remove_database(path)
        if prepare is not None:
            with Ledger.open(path, recorded_by="bench") as ledger:
                prepare(ledger)
        seconds, replayed, _ = _timed_import(path, lambda ledger, file=case_file: ledger.import_file(file))
        assert replayed == events, (replayed, events)  # noqa: S101  (the baseline records the same)
        theirs.append(rate(replayed, seconds))
        remove_database(path)
        case_file.unlink()
    yield Figure("interop", name, size, "events/s", ours, CASE_FILE, theirs, events=events)


def run(ctx: Context) -> list[Figure]:
    """ClaimReview and CDX imports against case files, and PROV export's peak RSS, at every size."""
    figures: list[Figure] = []
    for size in ctx.sizes:
        count = max(100, size // 10)
        reviews = ctx.work_dir / f"claimreview-{count}.json"
        reviews.write_text(json.dumps(claimreview_items(count)))
        figures += _against_case_file(
            ctx,
            f"ClaimReview import, {count:,} items (JSON array)",
            size,
            lambda ledger, path=reviews: ledger.import_claimreview(path),
        )
        reviews.unlink()
        url = "https://social.example/@bench/1"
        cdx = ctx.work_dir / f"captures-{count}.cdx"
        cdx.write_text("\n".join(cdx_lines(count, url)) + "\n")

        def post(ledger: Ledger, url: str = url) -> None:
            ledger.register_actor("actor/bench", name="Bench", kind="person")
            ledger.publish_post(
                "post/bench", platform="social.example", author="actor/bench", url=url, at="2023"
            )

        figures += _against_case_file(
            ctx,
            f"CDX import, {count:,} rows of one post",
            size,
            lambda ledger, path=cdx: ledger.import_cdx(path, post="post/bench"),
            prepare=post,
        )
        cdx.unlink()
        path = str(ctx.ledger_path(size))
        ctx.log(f"PROV-JSON export's peak RSS at {size:,} events")
        floor = [run_task("open", path)["peak_rss_mb"] for _ in range(ctx.repeat)]
        peaks = [_prov_task(path)["peak_rss_mb"] for _ in range(ctx.repeat)]
        figures.append(
            Figure(
                "interop",
                "PROV-JSON export of the whole ledger: peak RSS",
                size,
                "MB",
                peaks,
                "open the ledger only",
                floor,
                note="written in chunks of 1,000 events, each encoded by prov (ledger/formats/prov_stream)",
            )
        )
    return figures


def _prov_task(db: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_interop", "prov", db],
        capture_output=True,
        check=False,
        text=True,
        cwd=REPO,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"PROV export failed: {completed.stderr.strip()[-500:]}")
    report: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return report


def main(argv: list[str]) -> int:
    """``prov DB``: export the ledger as PROV-JSON to /dev/null; print events, seconds, peak RSS."""
    if len(argv) != 2 or argv[0] != "prov":
        print("usage: python -m benchmarks.bench_interop prov LEDGER_DB", file=sys.stderr)
        return 2
    started = time.perf_counter()
    with Ledger.open(Path(argv[1]), create=False) as ledger, open(os.devnull, "w", encoding="utf-8") as sink:
        events = ledger.export_prov(sink, format="prov-json")
    seconds = time.perf_counter() - started
    print(json.dumps({"task": "prov", "events": events, "seconds": seconds, "peak_rss_mb": peak_rss_mb()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
