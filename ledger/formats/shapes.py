"""The public JSON shapes: one definition for ``--json``, ``--nl``, exports and the HTTP API.

Every function takes what a :class:`ledger.Ledger` query returns and gives
plain JSON values (dicts, lists, strings, numbers), keeping the models'
field order so the same ledger always gives the same bytes.

>>> from datetime import UTC, datetime
>>> iso(datetime(2024, 10, 17, 14, 3, tzinfo=UTC))
'2024-10-17T14:03:00Z'
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from domain import State
    from domain.events import LogEntry
    from ledger.integrity.checkpoint import Checkpoint
    from ledger.integrity.proofs import ConsistencyProof, InclusionProof
    from projections.queries import StateAt
    from projections.rows import SubjectRow
    from projections.runner import ViewStatus
    from projections.search_view import SearchHit
    from projections.timeline import TimelineEntry


def iso(moment: datetime) -> str:
    """A record time as ISO 8601, ``Z`` for UTC (as pydantic writes it)."""
    return moment.isoformat().replace("+00:00", "Z")


def state_json(state: BaseModel) -> dict[str, Any]:
    """A subject's state as JSON, with the values its class derives (``status``, ``text``)."""
    data = state.model_dump(mode="json")
    for name, attribute in vars(type(state)).items():
        if isinstance(attribute, property) and not name.startswith("_"):
            value = getattr(state, name)
            data[name] = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
    return data


def entry_json(entry: LogEntry) -> dict[str, Any]:
    """A logged event as JSON: its position, record time and the event as stored."""
    return {
        "position": entry.position,
        "recorded_at": iso(entry.recorded_at),
        "subject": entry.subject,
        "version": entry.version,
        "type": entry.type,
        "event": entry.event.model_dump(mode="json"),
    }


def replayed_json(replayed: tuple[LogEntry, State]) -> dict[str, Any]:
    """A replayed entry as JSON: the entry (as :func:`entry_json`) and the ``state`` it produced."""
    entry, state = replayed
    return {**entry_json(entry), "state": state_json(state)}


def timeline_entry_json(entry: TimelineEntry) -> dict[str, Any]:
    """One entry of a timeline as JSON."""
    return entry.model_dump(mode="json")


def row_json(row: SubjectRow) -> dict[str, Any]:
    """A listed row as JSON, with what it derives (``lived``, ``days_waiting``)."""
    return row.model_dump(mode="json")


def state_at_json(placed: StateAt) -> dict[str, Any]:
    """A subject at a world time as JSON; its state as :func:`state_json` gives states."""
    data = placed.model_dump(mode="json", exclude={"state"})
    data["state"] = None if placed.state is None else state_json(placed.state)
    return data


def view_status_json(view: ViewStatus) -> dict[str, Any]:
    """Where a materialised view stands: its position, the log's head and the lag between."""
    return {"view": view.view, "position": view.position, "head": view.head, "lag": view.lag}


def search_hit_json(hit: SearchHit) -> dict[str, Any]:
    """A search hit as JSON: ``subject``, ``kind``, ``version``, ``position``, ``field``, ``snippet``,
    and ``highlights``, the ``[start, end)`` character offsets of the matches in the snippet."""
    return hit.model_dump(mode="json")


def checkpoint_json(number: int, checkpoint: Checkpoint) -> dict[str, Any]:
    """A stored checkpoint as JSON: its ``number`` (from 1, in the order stored), ``origin``,
    ``size``, base64 ``root`` and the signed ``note`` (C2SP tlog-checkpoint, signed-note format)."""
    return {
        "number": number,
        "origin": checkpoint.origin,
        "size": checkpoint.size,
        "root": checkpoint.root_base64,
        "note": checkpoint.note,
    }


def proof_json(proof: InclusionProof | ConsistencyProof) -> dict[str, Any]:
    """An inclusion or consistency proof as JSON, exactly as ``ledger prove`` writes it."""
    return proof.model_dump(mode="json")
