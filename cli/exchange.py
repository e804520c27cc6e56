"""Moving a whole ledger and speaking the field's formats: ``ledger export`` (imports are in importing)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli.options import open_ledger

EXPORT_FORMATS = ("jsonl", "prov-json", "prov-n", "prov-xml", "prov-jsonld", "claimreview")


@click.command()
@click.argument("refs", nargs=-1, metavar="[REF ...]")
@click.option(
    "--format",
    "format_",
    type=click.Choice(EXPORT_FORMATS),
    default="jsonl",
    show_default=True,
    help="jsonl: the whole log (a header, the checkpoints, every event with its exact stored bytes); "
    "prov-json, prov-n, prov-xml, prov-jsonld: W3C PROV; claimreview: schema.org ClaimReview JSON-LD.",
)
@click.option(
    "--case", metavar="CASE_REF", help="PROV and ClaimReview: the case and everything linked to it."
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE (default: standard output); a jsonl export appears only once complete.",
)
def export(refs: tuple[str, ...], format_: str, case: str | None, output: Path | None) -> None:
    """Write the whole log, to move it to another ledger; or history in the field's formats.

    jsonl: every event keeps its position, stream, version, type, record time
    and stored bytes, so an import reproduces the same log and Merkle root;
    it stops at the last entry recorded when it began, in constant memory.

    PROV (prov-json, prov-n, prov-xml, prov-jsonld) and claimreview export
    the subjects named (REF ...), or a --case and its subjects, or
    everything; see docs/interop.md for what maps to what.

    \b
    Example:
      ledger export --output story.jsonl
      ledger --db postgresql://me@db.example/news?schema=desk import --from-export story.jsonl
      ledger export --format prov-json post/labour-linkedin-invite --output post.prov.json
      ledger export --format claimreview --case case/labour-staff-us-campaign
    """
    if format_ == "jsonl" and (refs or case):
        raise click.UsageError("--format jsonl exports the whole log: it takes no REF and no --case")
    ledger = open_ledger()
    if format_ == "jsonl":
        if output is None:
            ledger.export(sys.stdout)
            return
        summary = ledger.export(output)
        click.echo(
            f"exported {summary.events} events and {summary.checkpoints} checkpoints to {output}", err=True
        )
        return
    target = output if output is not None else sys.stdout
    if format_ == "claimreview":
        count = ledger.export_claimreview(target, refs=refs, case=case)
        what = "ClaimReviews"
    else:
        count = ledger.export_prov(target, format=format_, refs=refs, case=case)
        what = "events as PROV"
    if output is not None:
        click.echo(f"exported {count} {what} to {output}", err=True)
