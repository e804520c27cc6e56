"""JSON Schemas of the API's bodies, generated from the pydantic models the shapes dump.

One schema per kind of subject state (:data:`STATES`): the state model's own
fields plus what :func:`ledger.formats.shapes.state_json` derives from its
properties (``status``, ``text``, ...), with ``ref`` held to its kind's
pattern so that ``SubjectState``, the ``oneOf`` of the six, is told apart by
the kind its reference starts with (a state has no property naming its kind:
an actor's ``kind`` is person or organisation). Timeline and log entries
carry their event's ``type``: each is a ``oneOf`` of one variant per event
type with an OpenAPI ``discriminator`` on ``type``, so ``details`` (timeline)
and ``event`` (log) have the fields of that event.

Every field a shape always writes is ``required``; objects allow no other
properties.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from domain import ActorState, CaseState, ClaimState, CommentRequestState, PostState, SourceState
from domain.events import Event, event_classes
from domain.refs import KINDS, MAX_SLUG_LENGTH
from ledger.integrity.proofs import ConsistencyProof, InclusionProof
from projections.queries import StateAt
from projections.rows import ROW_CLASSES
from projections.search_view import SearchHit
from projections.timeline import TimelineEntry

REF_TEMPLATE = "#/components/schemas/{model}"

STATES: dict[str, type[BaseModel]] = {
    "actor": ActorState,
    "source": SourceState,
    "post": PostState,
    "claim": ClaimState,
    "comment": CommentRequestState,
    "case": CaseState,
}
"""The state model of each kind of subject."""

SLUG = r"[a-z0-9]+(?:[-_.][a-z0-9]+)*"


def ref_schema(kind: str | None = None) -> dict[str, Any]:
    """A reference ``KIND/SLUG`` (of ``kind``, if given)."""
    kinds = kind or f"(?:{'|'.join(KINDS)})"
    return {
        "type": "string",
        "pattern": f"^{kinds}/{SLUG}$",
        "maxLength": len("comment/") + MAX_SLUG_LENGTH,
        "description": "A reference KIND/SLUG.",
    }


def ref(name: str) -> dict[str, Any]:
    """A ``$ref`` to the component ``name``."""
    return {"$ref": REF_TEMPLATE.format(model=name)}


def _events() -> list[type[Event]]:
    return sorted(set(event_classes().values()), key=lambda cls: cls.__name__)


def _strict(schema: dict[str, Any], *, all_required: bool = True) -> dict[str, Any]:
    """``schema`` with every property required (the shapes always write them) and no others allowed."""
    if all_required and "properties" in schema:
        schema["required"] = list(schema["properties"])
    schema["additionalProperties"] = False
    return schema


def _derived(state: type[BaseModel], found: dict[str, Any]) -> None:
    """Add to the state's schema what :func:`state_json` derives from its own properties."""
    schema = found[state.__name__]
    for name, attribute in vars(state).items():
        if isinstance(attribute, property) and not name.startswith("_"):
            returns = typing.get_type_hints(attribute.fget)["return"]
            derived = TypeAdapter(returns).json_schema(mode="serialization", ref_template=REF_TEMPLATE)
            found.update(derived.pop("$defs", {}))
            derived["description"] = (attribute.__doc__ or "").strip().splitlines()[0]
            derived["readOnly"] = True
            schema["properties"][name] = derived


def _variants(name: str, base: dict[str, Any], inner: str, found: dict[str, Any]) -> dict[str, Any]:
    """``name`` as a oneOf of one variant per event type, discriminated by ``type``; ``inner`` is the
    property holding the event's fields (all of them, or without the base fields for ``details``)."""
    mapping = {}
    for cls in _events():
        variant = f"{name}.{cls.__name__}"
        body = found[cls.__name__] if inner == "event" else _details(cls, found)
        found[variant] = {
            **base,
            "properties": {**base["properties"], "type": {"const": cls.__name__}, inner: body},
        }
        mapping[cls.__name__] = REF_TEMPLATE.format(model=variant)
    return {
        "oneOf": [{"$ref": target} for target in mapping.values()],
        "discriminator": {"propertyName": "type", "mapping": mapping},
        "description": base.get("description", ""),
    }


def _details(cls: type[Event], found: dict[str, Any]) -> dict[str, Any]:
    whole = found[cls.__name__]
    kept = {k: v for k, v in whole["properties"].items() if k not in Event.model_fields}
    return _strict({"type": "object", "properties": kept})


LOG_ENTRY: dict[str, Any] = {
    "type": "object",
    "description": "A logged event, as `ledger log --nl` prints it (one a line in /log).",
    "properties": {
        "position": {"type": "integer", "minimum": 1},
        "recorded_at": {"type": "string", "format": "date-time"},
        "subject": ref_schema(),
        "version": {"type": "integer", "minimum": 1},
        "type": {"type": "string"},
        "event": {"type": "object"},
    },
}


def component_schemas() -> dict[str, Any]:
    """Every component schema the operations refer to, by name."""
    models: list[type[BaseModel]] = [
        TimelineEntry, SearchHit, InclusionProof, ConsistencyProof, StateAt,
        *ROW_CLASSES.values(), *STATES.values(), *_events(),
    ]  # fmt: skip
    chosen: list[tuple[type[BaseModel], JsonSchemaMode]] = [(model, "serialization") for model in models]
    _, generated = models_json_schema(chosen, ref_template=REF_TEMPLATE)
    found: dict[str, Any] = generated.get("$defs", {})
    for kind, state in STATES.items():
        _derived(state, found)
        _strict(found[state.__name__])
        found[state.__name__]["properties"]["ref"] = ref_schema(kind)
    for cls in _events():
        _strict(found[cls.__name__])
    found["SubjectState"] = {
        "oneOf": [ref(state.__name__) for state in STATES.values()],
        "description": "A subject's state, as `ledger show --json` prints it: one shape per kind, "
        "told apart by the kind its `ref` starts with.",
    }
    placed = _strict(found["StateAt"])
    placed["properties"]["state"] = {"anyOf": [ref("SubjectState"), {"type": "null"}]}
    placed["properties"]["ref"] = ref_schema()
    found["Show"] = {"anyOf": [ref("SubjectState"), ref("StateAt")]}
    timeline = _strict(found.pop("TimelineEntry"))
    timeline["properties"]["subject"] = ref_schema()
    found["TimelineEntry"] = _variants("TimelineEntry", timeline, "details", found)
    found["LogEntry"] = _variants("LogEntry", _strict(dict(LOG_ENTRY)), "event", found)
    hit = _strict(found["SearchHit"])
    hit["properties"]["subject"] = ref_schema()
    hit["properties"]["kind"] = {"type": "string", "enum": list(KINDS)}
    hit["properties"]["highlights"]["items"] = _pair()
    for name in (*(row.__name__ for row in ROW_CLASSES.values()), "InclusionProof", "ConsistencyProof"):
        _strict(found[name])
    return found


def _pair() -> dict[str, Any]:
    offset = {"type": "integer", "minimum": 0}
    return {"type": "array", "prefixItems": [offset, offset], "minItems": 2, "maxItems": 2}
