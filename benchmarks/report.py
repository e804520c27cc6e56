"""Writing results: a Markdown report (tables by benchmark) and a JSON file of every figure."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from benchmarks.bounds import BOUNDS
from benchmarks.results import Figure, Target

GROUP_TITLES = {
    "ingest": "Ingest",
    "replay": "Replay",
    "cli": "CLI start",
    "memory": "Memory (peak RSS)",
    "views": "Views",
    "integrity": "Integrity",
    "postgres": "PostgreSQL",
    "report": "Report",
}

_HOW_TO_READ = """\
Each value is the median of the repetitions; each baseline was measured in
the same run, on the same workload, on the same machine. **Ratio** is value ÷
baseline in the figure's unit: for events/s above 1 is faster than the
baseline, for s, ms and MB above 1 is slower or bigger. **Per event** is
microseconds per event handled. Sizes count events in the ledger."""


def format_value(value: float | None, unit: str) -> str:
    """A number with its unit, rounded for reading."""
    if value is None:
        return "–"
    if unit == "events/s":
        return f"{value:,.0f} events/s"
    if unit == "s":
        return f"{value:.3f} s"
    if unit in ("ms", "MB"):
        return f"{value:,.1f} {unit}"
    return f"{value:g} {unit}".strip()


def _ratio(figure: Figure) -> str:
    ratio = figure.ratio
    return "–" if ratio is None else f"{ratio:.2f}×"


def _per_event(figure: Figure) -> str:
    cost = figure.per_event_us
    return "–" if cost is None else f"{cost:,.1f} µs"


def _met(figure: Figure) -> str:
    if figure.target is None:
        return ""
    verdict = {True: "met", False: "**missed**", None: "–"}[figure.met]
    return f"{figure.target.describe(figure.unit)}: {verdict}"


def _size(size: int | None) -> str:
    return "–" if size is None else f"{size:,}"


def _table(figures: Sequence[Figure]) -> list[str]:
    lines = [
        "| Size | Measured | Value | Per event | Baseline | Baseline value | Ratio | Target |",
        "| ---: | --- | ---: | ---: | --- | ---: | ---: | --- |",
    ]
    for f in figures:
        lines.append(
            f"| {_size(f.size)} | {f.name} | {format_value(f.value, f.unit)} | {_per_event(f)} "
            f"| {f.baseline or '–'} | {format_value(f.baseline_value, f.unit)} | {_ratio(f)} | {_met(f)} |"
        )
    return lines


def _growth(figures: Sequence[Figure], sizes: Sequence[int], earlier: Sequence[Figure] = ()) -> list[str]:
    """Per-event cost of every measurement at every size, how it grew from the smallest, and how
    its baseline's cost grew over the same sizes in the same run (a path that grows no faster
    than its baseline grows with the store or the machine, not with the ledger's own code).

    ``earlier`` are figures of another report (``--growth-from``) whose sizes this run lacks,
    so the 1,000,000-event report can show growth from the default sizes.
    """
    rows: dict[tuple[str, str], dict[int, tuple[float, float | None]]] = {}
    # Where several figures measure the same thing against different baselines, the baseline's
    # growth shown is the target's baseline (else the first's).
    for f in [*earlier, *figures]:
        cost = f.per_event_us
        if f.size is not None and cost is not None:
            costs = rows.setdefault((f.group, f.name), {})
            if f.size not in costs or f.target is not None:
                costs[f.size] = (cost, f.baseline_per_event_us)
    if not rows:
        return []
    every = sorted({size for costs in rows.values() for size in costs} | set(sizes))
    lines = [
        "| Benchmark | Measured | "
        + " | ".join(f"{s:,}" for s in every)
        + " | Largest ÷ smallest | Baseline's largest ÷ smallest |",
        "| --- | --- | " + " | ".join("---:" for _ in every) + " | ---: | ---: |",
    ]
    for (group, name), costs in rows.items():
        if not any(s in costs for s in sizes):
            continue
        cells = [f"{costs[s][0]:,.1f} µs" if s in costs else "–" for s in every]
        known = [costs[s] for s in every if s in costs]
        growth = f"{known[-1][0] / known[0][0]:.2f}×" if len(known) > 1 and known[0][0] else "–"
        first, last = known[0][1], known[-1][1]
        base = f"{last / first:.2f}×" if len(known) > 1 and first and last else "–"
        lines.append(f"| {group} | {name} | {' | '.join(cells)} | {growth} | {base} |")
    return lines


_BOUNDS_INTRO = """\
Each missed target beside the bounds measured with it in the same run: a
floor (a baseline doing no more than the measured work must) or a like for
like (the same work done by the baseline's own library). **Bound's ratio** is
the bound's speed ÷ the target's baseline. **Beyond the bound's reach**: the
bound itself falls short of the target, so meeting it needs the work done
faster than the floor allows, or faster than the baseline's own library does
it. **To the bound** is the measurement ÷ the bound: above 1, the ledger beat
the bound (noise, at small sizes, or a like for like outdone)."""


def _reach(bound: float, target: Target) -> str:
    """Whether a bound's ratio to the target's baseline could meet ``target``, in words."""
    met = bound >= target.limit if target.op == ">=" else bound <= target.limit
    return "within the bound's reach" if met else "**beyond the bound's reach**"


def _missed(figures: Sequence[Figure]) -> list[str]:
    """The table of missed targets, each beside the bounds measured with it (see :mod:`benchmarks.bounds`).

    A bound applies to a target on the ratio of a throughput (events/s): another figure of the same
    measurement, size and group whose baseline is a bound. A missed target with no bound is
    listed with none.
    """
    rows = []
    used: dict[str, str] = {}
    for f in figures:
        target = f.target
        if target is None or f.met is not False:
            continue
        bounds = [
            b
            for b in figures
            if b.baseline in BOUNDS
            and (b.group, b.name, b.size) == (f.group, f.name, f.size)
            and f.unit == b.unit == "events/s"
            and target.on == "ratio"
            and b.baseline_value
            and f.baseline_value
        ]
        head = f"| {f.group} | {f.name} | {_size(f.size)} | {_ratio(f)} | {target.describe(f.unit)} "
        if not bounds:
            rows.append(head + "| none measured | – | – | |")
        for b in bounds:
            reach = (b.baseline_value or 0) / (f.baseline_value or 1)
            used.setdefault(str(b.baseline), BOUNDS[str(b.baseline)])
            rows.append(head + f"| {b.baseline} | {reach:.2f}× | {_ratio(b)} | {_reach(reach, target)} |")
    if not rows:
        return []
    return [
        "| Benchmark | Measured | Size | Ratio | Target | Bound | Bound's ratio | To the bound "
        "| The target is |",
        "| --- | --- | ---: | ---: | --- | --- | ---: | ---: | --- |",
        *rows,
        "",
        *(f"- {name}: {what}" for name, what in used.items()),
    ]


def earlier_date(meta: Mapping[str, Any]) -> str:
    """When the report named by ``growth_from`` was run, as it says."""
    return str(meta.get("growth_from_date") or "an earlier date")


def markdown(
    figures: Sequence[Figure],
    meta: Mapping[str, Any],
    raw_outputs: Mapping[str, str],
    growth_from: Sequence[Figure] = (),
) -> str:
    """The whole report as Markdown; ``growth_from`` adds another report's sizes to the growth table."""
    sizes = list(meta["sizes"])
    ok = [f for f in figures if f.status == "ok"]
    lines = [
        "# Benchmarks",
        "",
        "<!-- Generated by `python -m benchmarks`: do not edit by hand, run it again. -->",
        "",
        f"Command: `{meta['command']}`",
        "",
        f"Run on {meta['date']} at commit `{meta['commit']}`: {meta['machine']}; "
        f"Python {meta['python']}, SQLite {meta['sqlite']}, eventsourcing {meta['eventsourcing']}, "
        f"pydantic {meta['pydantic']}. Sizes {', '.join(f'{s:,}' for s in sizes)} events; "
        f"{meta['repeat']} repetitions; workload seed {meta['seed']}, {meta['batch']:,} commands "
        f"per batch, {meta['single']} single commands; {meta['seconds']:.0f} s in all"
        + (f"; load average at the end {meta['load_average'][0]:g}." if meta.get("load_average") else "."),
        "",
        _HOW_TO_READ,
        "",
    ]
    targeted = [f for f in ok if f.target is not None]
    if targeted:
        lines += [
            "## Targets",
            "",
            "| Benchmark | Measured | Size | Value | Ratio | Target |",
            "| --- | --- | ---: | ---: | ---: | --- |",
        ]
        for f in targeted:
            lines.append(
                f"| {f.group} | {f.name} | {_size(f.size)} | {format_value(f.value, f.unit)} "
                f"| {_ratio(f)} | {_met(f)} |"
            )
        lines.append("")
    missed = _missed(ok)
    if missed:
        lines += ["## Missed targets and their bounds", "", _BOUNDS_INTRO, "", *missed, ""]
    groups = list(dict.fromkeys([*GROUP_TITLES, *(f.group for f in figures)]))
    for group in groups:
        measured = [f for f in ok if f.group == group]
        pending = [f for f in figures if f.group == group and f.status != "ok"]
        if not measured and not pending and group not in raw_outputs:
            continue
        lines += [f"## {GROUP_TITLES.get(group, group)}", ""]
        if measured:
            lines += [*_table(measured), ""]
            notes = [f"- {f.name}: {f.note}" for f in measured if f.note]
            lines += [*dict.fromkeys(notes), ""] if notes else []
        for f in pending:
            lines.append(f"- {f.name}: **{f.status}**: {f.note}")
        if pending:
            lines.append("")
        if group in raw_outputs:
            lines += [
                "Output of the module, which has no `run(context)`:",
                "",
                "```",
                raw_outputs[group].rstrip(),
                "```",
                "",
            ]
    earlier = [f for f in growth_from if f.status == "ok"]
    growth = _growth(ok, sizes, earlier)
    if growth:
        source = meta.get("growth_from")
        lines += ["## Growth: cost per event by ledger size", ""]
        if source and earlier:
            lines += [
                f"Sizes this run did not measure are taken from `{source}` "
                f"(run on {earlier_date(meta)}): the ratios across runs carry both runs' noise.",
                "",
            ]
        lines += [*growth, ""]
    return "\n".join(lines).rstrip() + "\n"


def write(
    output_dir: Path,
    figures: Sequence[Figure],
    meta: Mapping[str, Any],
    raw_outputs: Mapping[str, str],
    growth_from: Sequence[Figure] = (),
) -> tuple[Path, Path]:
    """Write ``benchmarks.md`` and ``benchmarks.json`` into ``output_dir``; their paths.

    ``growth_from`` (figures of another report) is kept in the JSON, so ``--render`` rebuilds
    the same growth table.
    """
    output_dir.mkdir(parents=True, exist_ok=True)
    report = output_dir / "benchmarks.md"
    data = output_dir / "benchmarks.json"
    report.write_text(markdown(figures, meta, raw_outputs, growth_from), encoding="utf-8")
    document: dict[str, Any] = {
        "meta": dict(meta),
        "figures": [f.to_dict() for f in figures],
        "raw_outputs": dict(raw_outputs),
    }
    if growth_from:
        document["growth_from_figures"] = [f.to_dict() for f in growth_from]
    data.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return report, data
