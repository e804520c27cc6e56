"""The timeline report: ``ledger report`` of a case with 1,000 entries, as a whole process.

Its baseline is ``ledger timeline CASE --json`` of the same case, in the same
run: what the report adds to reading the timeline is the gathering of
labels, sources and the Merkle tree, the SVG layout and the templates. The
case is built here, the same at every size (125 posts and claims linked to
one case: a publication, two reach observations and a deletion, a claim and
its rebuttal, and two links each), and its views are brought up to date
before anything is timed. HTML and Markdown are both measured.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from benchmarks.bench_cli import ledger_executable
from benchmarks.context import Context
from benchmarks.measure import REPO, wall_time
from benchmarks.results import Figure, not_landed

CASE = "case/bench-report"
GROUPS = 125
"""Each group adds eight entries to the case's timeline: 125 groups and the case's opening make 1,001."""


def build_case(path: Path, groups: int = GROUPS) -> int:
    """A ledger at ``path`` holding one case whose timeline has ``8 * groups + 1`` entries; its head."""
    from ledger import Ledger  # noqa: PLC0415  (imported when the module runs, like the others)

    with Ledger.open(path, recorded_by="bench") as ledger:
        with ledger.batch():
            ledger.register_actor("actor/author", name="Author", kind="person")
            ledger.register_actor("actor/desk", name="Fact-check desk", kind="organization")
            ledger.register_source("source/bench", title="A report", kind="article", at="2024-10-18")
            ledger.open_case(CASE, title="A case of 1,000 entries")
            for number in range(groups):
                day = 1 + number % 27
                post, claim = f"post/p{number}", f"claim/c{number}"
                ledger.publish_post(
                    post, platform="X", author="actor/author", text=f"Post {number}", at=f"2024-10-{day:02d}"
                )
                ledger.observe_post(post, views=1000 * number + 1, at=f"2024-10-{day + 1:02d}")
                ledger.observe_post(post, views=1000 * number + 2, at=f"2024-10-{day + 1:02d}")
                ledger.delete_post(post, at=f"2024-10-{day + 1:02d}..2024-10-{day + 2:02d}")
                ledger.make_claim(
                    claim, text=f"Claim {number}", claimant="actor/author", post=post, at=f"2024-10-{day:02d}"
                )
                ledger.rebut_claim(
                    claim,
                    reviewer="actor/desk",
                    verdict="False",
                    rationale="Because.",
                    evidence=["source/bench:a quote"],
                    at=f"2024-10-{day + 1:02d}",
                )
                ledger.link_to_case(CASE, [post, claim])
        ledger.catch_up_projections()
        return ledger.head


def _runs(ctx: Context, argv: list[str], label: str) -> Iterator[float]:
    for repetition in range(ctx.repeat):
        ctx.log(f"report: {label}, repetition {repetition + 1}/{ctx.repeat}")
        yield wall_time(argv, cwd=REPO)


def run(ctx: Context) -> list[Figure]:
    """``ledger report`` (HTML, Markdown) against ``ledger timeline --json`` of the same case."""
    ledger = ledger_executable()
    if ledger is None:
        return [not_landed("report", "ledger report", "the ledger command is not installed")]
    path = ctx.scratch("report.db")
    ctx.log(f"report: building a case of {8 * GROUPS + 1:,} entries")
    head = build_case(path)
    base = ["--db", str(path), "--quiet"]
    timeline = list(_runs(ctx, [ledger, *base, "timeline", CASE, "--json"], "ledger timeline --json"))
    baseline = f"ledger timeline {CASE} --json, same case"
    figures = []
    for fmt in ("html", "md"):
        output = str(ctx.scratch(f"report.{fmt}"))
        argv = [ledger, *base, "report", CASE, "--format", fmt, "--output", output]
        runs = list(_runs(ctx, argv, f"ledger report --format {fmt}"))
        figures.append(
            Figure(
                "report",
                f"ledger report of a case of {8 * GROUPS + 1:,} entries ({fmt}), a whole process",
                head,
                "s",
                runs,
                baseline,
                timeline,
                events=0,
            )
        )
    return figures
