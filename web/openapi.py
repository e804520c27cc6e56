"""The OpenAPI 3.1 document of the HTTP API, written from the operations themselves.

Parameters come from :mod:`web.params` (the same objects that parse them),
response bodies from the pydantic models the shapes dump (timeline entries,
rows, search hits, proofs), and every operation lists the errors it can
answer with, in one body: :data:`ERROR_SCHEMA`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from web.operations import Operation
from web.schemas import component_schemas

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "type", "message"],
            "additionalProperties": False,
            "properties": {
                "status": {"type": "integer", "description": "The HTTP status, again."},
                "type": {
                    "type": "string",
                    "description": "The ledger's error class (domain/errors.py): InvalidError, "
                    "NotFoundError, ...; or NotFound / MethodNotAllowed for the server's own.",
                },
                "message": {"type": "string", "description": "One line, as the CLI prints it."},
            },
        }
    },
}
"""The body of every error response."""

CHECKPOINT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["number", "origin", "size", "root", "note"],
    "additionalProperties": False,
    "properties": {
        "number": {"type": "integer", "minimum": 1},
        "origin": {"type": "string"},
        "size": {"type": "integer", "minimum": 0},
        "root": {"type": "string", "contentEncoding": "base64", "pattern": "^[A-Za-z0-9+/]{43}=$"},
        "note": {"type": "string", "description": "The C2SP signed note, exactly as signed."},
    },
}

HEALTH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["status"],
    "additionalProperties": False,
    "properties": {"status": {"const": "ok"}},
}

_ERRORS = {
    400: "Bad input: a malformed parameter or reference, named in the message",
    404: "No such subject, version, checkpoint or path",
    409: "Another writer is busy; try again",
    500: "The ledger does not verify or failed",
    503: "The store cannot be reached",
}


def _models() -> dict[str, Any]:
    found = component_schemas()
    _durations(found)
    return found


DURATION = r"^-?P(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$"
"""An ISO 8601 duration as pydantic writes a ``timedelta`` (``P4DT23H59M59.999999S``, ``P2Y43DT1H``)."""


def _durations(schema: Any) -> None:
    # pydantic says format "duration", which is RFC 3339's, without fractions of a second; its
    # durations have them: say what they are instead.
    if isinstance(schema, dict):
        if schema.get("format") == "duration":
            del schema["format"]
            schema["pattern"] = DURATION
            schema.setdefault("description", "An ISO 8601 duration, with fractions of a second.")
        for value in schema.values():
            _durations(value)
    elif isinstance(schema, list):
        for item in schema:
            _durations(item)


def document(operations: Sequence[Operation], *, version: str) -> dict[str, Any]:
    """The OpenAPI document of ``operations``."""
    paths: dict[str, Any] = {}
    for op in operations:
        status = str(op.ok["status"])
        ok: dict[str, Any] = {"description": op.description or op.summary}
        if op.ok["media"]:
            ok["content"] = {op.ok["media"]: {"schema": op.ok["schema"]}}
        if op.headers:
            ok["headers"] = {
                name: {"description": text, "schema": {"type": "string"}} for name, text in op.headers.items()
            }
        responses = {status: ok}
        for code in (*op.errors, 503):
            responses[str(code)] = {
                "description": _ERRORS[code],
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        paths[op.path] = {
            "get": {
                "operationId": op.operation_id,
                "summary": op.summary,
                "tags": list(op.tags),
                "parameters": [param.openapi() for param in op.params],
                "responses": responses,
            }
        }
    schemas = {**_models(), "Error": ERROR_SCHEMA, "Checkpoint": CHECKPOINT_SCHEMA, "Health": HEALTH_SCHEMA}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "provenance-ledger",
            "version": version,
            "description": "A read-only HTTP API over a provenance ledger: timelines, states, lists, "
            "the log, full-text search, checkpoints and proofs, with Memento (RFC 7089) time travel "
            "per subject. A subject is named by its reference KIND/SLUG, in paths as /KIND/SLUG. "
            "Every read takes `at` (a world time) and `as_of` (what the ledger knew) where the "
            "CLI does; answers use the JSON shapes of `ledger ... --json`.",
        },
        "paths": paths,
        "components": {"schemas": schemas},
    }
