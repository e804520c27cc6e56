"""``python -m benchmarks``: run every benchmark, write ``docs/benchmarks.md`` and ``.json``."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.context import Context
from benchmarks.meta import run_meta
from benchmarks.report import write
from benchmarks.results import Figure
from benchmarks.runner import MODULES, run_modules

DEFAULT_SIZES = (10_000, 100_000)
LARGE_SIZE = 1_000_000


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part.replace("_", "")) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes such as 10000,100000, not {text!r}") from None
    if any(size < 100 for size in sizes):
        raise argparse.ArgumentTypeError(f"each size must be at least 100 events, not {text!r}")
    return sizes


def _groups(text: str) -> tuple[str, ...]:
    groups = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [g for g in groups if g not in MODULES]
    if unknown or not groups:
        raise argparse.ArgumentTypeError(
            f"unknown benchmark {', '.join(unknown) or text!r}; choose from {', '.join(MODULES)}"
        )
    return groups


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, not {text!r}")
    return value


def parser() -> argparse.ArgumentParser:
    """The command's arguments."""
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Run every benchmark against its baselines and write a Markdown and a JSON report.",
    )
    p.add_argument(
        "--sizes", type=_sizes, default=DEFAULT_SIZES, help="ledger sizes in events (default 10000,100000)"
    )
    p.add_argument("--large", action="store_true", help=f"add {LARGE_SIZE:,} events to the sizes")
    p.add_argument("--repeat", type=_positive, default=3, help="repetitions of each measurement (default 3)")
    p.add_argument(
        "--output-dir",
        type=Path,
        default=Path("docs"),
        help="where benchmarks.md and .json go (default docs)",
    )
    p.add_argument(
        "--work-dir", type=Path, help="where the ledgers are built (default a temporary directory)"
    )
    p.add_argument(
        "--only", type=_groups, default=tuple(MODULES), help=f"run only these: {','.join(MODULES)}"
    )
    p.add_argument(
        "--batch", type=_positive, default=1000, help="commands per transaction when batched (default 1000)"
    )
    p.add_argument("--single", type=_positive, default=200, help="commands appended one by one (default 200)")
    p.add_argument("--seed", type=int, default=2024, help="seed of the synthetic workload (default 2024)")
    p.add_argument("--quiet", action="store_true", help="print no progress")
    p.add_argument(
        "--render", type=Path, metavar="JSON", help="measure nothing: write the Markdown of a JSON report"
    )
    p.add_argument(
        "--growth-from",
        type=Path,
        metavar="JSON",
        help="add the sizes of another JSON report to the growth table (e.g. docs/benchmarks.json)",
    )
    return p


def _read_report(source: Path) -> tuple[dict[str, Any], list[Figure], list[Figure]]:
    """A JSON report's document, figures and growth figures of another report.

    Raises OSError, ValueError, KeyError or TypeError when it is not such a report.
    """
    document = json.loads(source.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise TypeError("not a JSON object")
    figures = [Figure.from_dict(f) for f in document["figures"]]
    earlier = [Figure.from_dict(f) for f in document.get("growth_from_figures", ())]
    return document, figures, earlier


def render(source: Path, output_dir: Path, growth_from: Path | None = None) -> int:
    """Write the Markdown report again from a JSON report (after a change of layout), with the
    sizes of the report ``growth_from`` in its growth table when given."""
    try:
        document, figures, earlier = _read_report(source)
        meta = dict(document["meta"])
        if growth_from is not None:
            other, earlier, _ = _read_report(growth_from)
            sizes = {f.size for f in figures}
            earlier = [f for f in earlier if f.size not in sizes]
            meta.update(growth_from=str(growth_from), growth_from_date=other["meta"].get("date"))
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"cannot render {source}: {error}", file=sys.stderr)
        return 1
    report, data = write(output_dir, figures, meta, document.get("raw_outputs", {}), earlier)
    print(f"wrote {report} and {data}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; 0 when every module ran, 1 when one failed (the report says which)."""
    args = parser().parse_args(argv)
    if args.render is not None:
        return render(args.render, args.output_dir, args.growth_from)
    sizes = tuple(sorted({*args.sizes, *((LARGE_SIZE,) if args.large else ())}))
    earlier: list[Figure] = []
    earlier_meta: dict[str, Any] = {}
    if args.growth_from is not None:
        # Read before measuring: a bad path should not cost a whole run.
        try:
            document, earlier, _ = _read_report(args.growth_from)
            earlier_meta = dict(document["meta"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            print(f"cannot read --growth-from {args.growth_from}: {error}", file=sys.stderr)
            return 2
        earlier = [f for f in earlier if f.size not in sizes]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ledger-bench-") as scratch:
        work_dir = args.work_dir or Path(scratch)
        work_dir.mkdir(parents=True, exist_ok=True)
        ctx = Context(
            sizes=sizes,
            repeat=args.repeat,
            work_dir=work_dir,
            seed=args.seed,
            batch=args.batch,
            single=args.single,
            quiet=args.quiet,
        )
        outcome = run_modules(ctx, args.only)
    command = "python -m benchmarks " + shlex.join(argv if argv is not None else sys.argv[1:])
    meta = run_meta(ctx, command=command.strip(), seconds=time.perf_counter() - started)
    if args.growth_from is not None:
        meta = {**meta, "growth_from": str(args.growth_from), "growth_from_date": earlier_meta.get("date")}
    report, data = write(args.output_dir, outcome.figures, meta, outcome.raw_outputs, earlier)
    print(f"wrote {report} and {data}", file=sys.stderr)
    for failure in outcome.failures:
        print(f"benchmark failed: {failure}", file=sys.stderr)
    return 1 if outcome.failures else 0


if __name__ == "__main__":
    sys.exit(main())
