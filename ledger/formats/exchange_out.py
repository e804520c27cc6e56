"""Writing an export of the whole log: the JSON Lines format of :mod:`ledger.formats.exchange`."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, TextIO

from domain.errors import StorageError
from ledger import progress
from ledger.formats.exchange import EXPORT_FORMAT, ExchangeSummary, record_time_text
from ledger.formats.output import open_output
from ledger.integrity.store import StoredCheckpoint
from ledger.storage.records import LogRecorder
from ledger.storage.tables import FORMAT

EXPORT_BATCH = 1000
"""An export reads the log this many entries at a time."""


def _json_line(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def export_lines(recorder: LogRecorder, head: int | None = None) -> Iterator[str]:
    """The lines of an export of the log up to ``head`` (by default, as it stands now), read in batches."""
    if head is None:
        head = recorder.max_position()
    origin = recorder.get_meta("origin") or ""
    checkpoints = exported_checkpoints(recorder, head)
    yield _json_line(
        {
            "kind": "header",
            "format": EXPORT_FORMAT,
            "ledger_format": FORMAT,
            "origin": origin,
            "events": head,
            "checkpoints": len(checkpoints),
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        }
    )
    for checkpoint in checkpoints:
        yield _json_line(
            {
                "kind": "checkpoint",
                "seq": checkpoint.seq,
                "size": checkpoint.size,
                "recorded_at": record_time_text(checkpoint.recorded_us),
                "note": checkpoint.note,
            }
        )
    after = 0
    while after < head:
        batch = recorder.select_log(after, EXPORT_BATCH, head)
        if not batch:
            raise StorageError(f"the log ends at position {after}, before its head {head}")
        for record in batch:
            yield _json_line(
                {
                    "kind": "event",
                    "position": record.position,
                    "stream": str(record.originator_id),
                    "version": record.originator_version,
                    "topic": record.topic,
                    "recorded_at": record_time_text(record.recorded_us),
                    "sha256": hashlib.sha256(record.state).hexdigest(),
                    "state": base64.b64encode(record.state).decode("ascii"),
                }
            )
        after = batch[-1].position
        progress.advance("exporting", after, head)
    yield _json_line({"kind": "end", "events": head})


def exported_checkpoints(recorder: LogRecorder, head: int) -> list[StoredCheckpoint]:
    """The stored checkpoints an export up to ``head`` holds: those of a tree no larger."""
    stored = recorder.tree.select_checkpoints()
    # Checkpoints only grow, so those within the head are the first ones.
    return [c for c in stored if c.size <= head]


def export_log(recorder: LogRecorder, target: TextIO | str | os.PathLike[str]) -> ExchangeSummary:
    """Write an export of the log to a text stream, or to a file that appears only when complete."""
    # Later writers do not change what this export holds: it stops at today's head.
    head = recorder.max_position()
    summary = ExchangeSummary(
        origin=recorder.get_meta("origin") or "",
        events=head,
        checkpoints=len(exported_checkpoints(recorder, head)),
    )
    if not isinstance(target, str | os.PathLike):
        target.writelines(export_lines(recorder, summary.events))
        return summary
    # A FIFO or device is written in place; a file appears only once complete (ledger.formats.output).
    with open_output(target, what="export") as out:
        out.writelines(export_lines(recorder, summary.events))
    return summary
