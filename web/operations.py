"""What the HTTP API answers: one :class:`Operation` per endpoint, over the :class:`ledger.Ledger` API.

Each operation names its path, its parameters (:mod:`web.params`), what it
answers and a handler that calls one ledger method and shapes the result
with :mod:`ledger.formats.shapes`, the functions ``--json`` uses. The
application (:mod:`web.app`) routes to them and the OpenAPI document
(:mod:`web.openapi`) is written from them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from domain.errors import InvalidError, NotFoundError
from domain.refs import KINDS
from domain.worldtime import WorldTime
from ledger import Ledger
from ledger.formats.shapes import (
    checkpoint_json,
    proof_json,
    row_json,
    search_hit_json,
    state_at_json,
    state_json,
    timeline_entry_json,
)
from projections.rows import ROW_CLASSES
from projections.search_text import MAX_QUERY
from web import memento
from web.params import CLOCKS, KIND, SLUG, VERSION, Param, filter_params, integer, one_of

Values = dict[str, Any]
Handler = Callable[[Ledger, Values, Request], Response]

LISTS = {
    "posts": "post",
    "claims": "claim",
    "comments": "comment",
    "actors": "actor",
    "sources": "source",
    "cases": "case",
}
"""Each list by its path (the CLI's ``ledger list`` names), and the kind it lists."""


@dataclass(frozen=True)
class Operation:
    """One endpoint: a GET of ``path`` with ``params``, answering as ``responses`` say."""

    path: str
    operation_id: str
    summary: str
    params: tuple[Param, ...]
    handler: Handler
    ok: Mapping[str, Any]
    """The successful response: ``status``, ``media`` type and ``schema`` (a JSON Schema or a $ref)."""
    description: str = ""
    errors: tuple[int, ...] = (400, 404)
    headers: Mapping[str, str] = field(default_factory=dict)
    """Response headers documented for the successful response: name -> description."""
    tags: tuple[str, ...] = ()


def ref_of(values: Values) -> str:
    """The ``KIND/SLUG`` reference of the subject a path names."""
    return f"{values['kind']}/{values['slug']}"


def base_of(request: Request) -> str:
    """The server's own base URI, as the client reached it."""
    return str(request.base_url).rstrip("/")


def json_response(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> JSONResponse:
    """A JSON response (UTF-8, non-ASCII kept as is)."""
    return JSONResponse(data, status_code=status, headers=dict(headers or {}))


# -- subjects ----------------------------------------------------------------------------------


def _show(ledger: Ledger, values: Values, request: Request) -> Response:
    ref = ref_of(values)
    at, as_of, version = values["at"], values["as_of"], values["version"]
    if at is None:
        data = state_json(ledger.get(ref, version=version, as_of=as_of))
    else:
        data = state_at_json(ledger.get(ref, version=version, at=cast(WorldTime, at), as_of=as_of))
    links = memento.original_links(memento.uris(base_of(request), ref))
    return json_response(data, headers={"Link": links})


def _timeline(ledger: Ledger, values: Values, request: Request) -> Response:
    found = ledger.timeline(ref_of(values), at=values["at"], as_of=values["as_of"])
    return json_response([timeline_entry_json(entry) for entry in found.entries])


def versions_of(ledger: Ledger, ref: str) -> list[memento.Version]:
    """The mementos of ``ref``: each version and its record time."""
    return [memento.Version(entry.version, entry.recorded_at) for entry in ledger.history(ref)]


def _memento(ledger: Ledger, values: Values, request: Request) -> Response:
    ref, number = ref_of(values), values["version"]
    versions = versions_of(ledger, ref)
    if number > len(versions):
        raise NotFoundError(f"{ref} has no version {number} (latest is v{len(versions)})")
    version = versions[number - 1]
    at = memento.uris(base_of(request), ref)
    headers = {
        "Memento-Datetime": memento.http_date(version.recorded_at),
        "Link": memento.memento_links(at, versions, version),
    }
    return json_response(state_json(ledger.get(ref, version=number)), headers=headers)


def _timegate(ledger: Ledger, values: Values, request: Request) -> Response:
    ref = ref_of(values)
    versions = versions_of(ledger, ref)
    asked = values["Accept-Datetime"]
    version = versions[-1] if asked is None else memento.held_at(versions, asked)
    at = memento.uris(base_of(request), ref)
    headers = {"Vary": "accept-datetime", "Link": memento.memento_links(at, versions, version)}
    return RedirectResponse(at.memento(version.number), status_code=302, headers=headers)


def _timemap(ledger: Ledger, values: Values, request: Request) -> Response:
    ref = ref_of(values)
    body = memento.timemap(memento.uris(base_of(request), ref), versions_of(ledger, ref))
    return PlainTextResponse(body, media_type=memento.LINK_FORMAT)


REPORT_MEDIA = {"html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8"}
REPORT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
"""The report forbids itself every fetch, in its page and again in the response."""


def _report(ledger: Ledger, values: Values, request: Request) -> Response:
    chosen = values["format"] or "html"
    body = ledger.report(ref_of(values), at=values["at"], as_of=values["as_of"], format=chosen)
    headers = {"Content-Security-Policy": REPORT_POLICY} if chosen == "html" else {}
    return Response(body, media_type=REPORT_MEDIA[chosen], headers=headers)


# -- lists, search, integrity --------------------------------------------------------------------


def _list(kind: str) -> Handler:
    def handler(ledger: Ledger, values: Values, request: Request) -> Response:
        filters = {name: value for name, value in values.items() if name not in ("at", "as_of")}
        rows = ledger.rows(kind, filters, at=values["at"], as_of=values["as_of"])
        return json_response([row_json(row) for row in rows])

    return handler


def _search(ledger: Ledger, values: Values, request: Request) -> Response:
    hits = ledger.search(
        values["q"], kind=values["kind"], at=values["at"], as_of=values["as_of"], limit=values["limit"] or 20
    )
    return json_response([search_hit_json(hit) for hit in hits])


def _checkpoints(ledger: Ledger, values: Values, request: Request) -> Response:
    return json_response([checkpoint_json(n, c) for n, c in enumerate(ledger.checkpoints(), start=1)])


def _stored_checkpoint(ledger: Ledger, number: int | None, name: str) -> str | None:
    if number is None:
        return None
    stored = ledger.checkpoints()
    if number > len(stored):
        raise NotFoundError(f"{name}: there is no checkpoint {number} (the ledger holds {len(stored)})")
    return stored[number - 1].note


def _inclusion(ledger: Ledger, values: Values, request: Request) -> Response:
    checkpoint = _stored_checkpoint(ledger, values["checkpoint"], "checkpoint")
    proof = ledger.prove_inclusion(ref_of(values), version=values["version"], checkpoint=checkpoint)
    return json_response(proof_json(proof))


def _consistency(ledger: Ledger, values: Values, request: Request) -> Response:
    old = _stored_checkpoint(ledger, values["old"], "old")
    if old is None:
        raise InvalidError("old: required")
    proof = ledger.prove_consistency(old, _stored_checkpoint(ledger, values["new"], "new"))
    return json_response(proof_json(proof))


def _health(ledger: Ledger, values: Values, request: Request) -> Response:
    return json_response({"status": "ok"})


# -- the table of operations -----------------------------------------------------------------------


def _array(ref: str) -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}}


def _component(ref: str, description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {"$ref": f"#/components/schemas/{ref}"}
    return {**schema, "description": description} if description else schema


def _ok(schema: Mapping[str, Any], media: str = "application/json", status: int = 200) -> dict[str, Any]:
    return {"status": status, "media": media, "schema": schema}


SUBJECT = (KIND, SLUG)
NUMBER = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
CHECKPOINT = Param(
    "checkpoint", "query", NUMBER, "Prove against stored checkpoint N (as /checkpoints numbers them); "
    "default: the latest, else the current unsigned tree.", integer(1, 2**31 - 1),
)  # fmt: skip
LOG_LIMIT = 10_000
LOG_PARAMS = (
    Param("after", "query", {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
          "Start after this log position (default 0).", integer(0, 2**63 - 1)),
    Param("limit", "query", {"type": "integer", "minimum": 1, "maximum": LOG_LIMIT},
          f"At most this many entries (default and most: {LOG_LIMIT}).", integer(1, LOG_LIMIT)),
)  # fmt: skip
SEARCH_PARAMS = (
    Param("q", "query", {"type": "string", "minLength": 1, "maxLength": MAX_QUERY},
          "The words to find, each somewhere in the text, ignoring case (any script).", required=True),
    Param("kind", "query", {"type": "string", "enum": list(KINDS)}, "Only texts of subjects of this kind.",
          one_of(KINDS)),
    *CLOCKS,
    Param("limit", "query", {"type": "integer", "minimum": 1, "maximum": 1000},
          "At most this many hits (default 20).", integer(1, 1000)),
)  # fmt: skip


def operations(log: Handler) -> tuple[Operation, ...]:
    """Every operation of the API (``log`` streams, so the application supplies it)."""
    ops = [
        Operation("/health", "health", "A trivial answer: the server is up", (), _health,
                  _ok(_component("Health")), errors=(), tags=("server",)),
        Operation("/subjects/{kind}/{slug}", "show", "A subject's state (the original resource of Memento)",
                  (*SUBJECT, VERSION, *CLOCKS), _show,
                  _ok(_component("Show", "The state, as `ledger show --json` prints it; with `at`, where the "
                                 "subject stood then and its state after what surely had happened")),
                  headers={"Link": "Its TimeGate and TimeMap (RFC 7089)"}, tags=("subjects",)),
        Operation("/subjects/{kind}/{slug}/timeline", "timeline", "A subject's timeline",
                  (*SUBJECT, *CLOCKS), _timeline, _ok(_array("TimelineEntry")),
                  "The entries, as `ledger timeline --json` prints them.", tags=("subjects",)),
        Operation("/subjects/{kind}/{slug}/report", "report", "A subject's timeline as a report to look at",
                  (*SUBJECT, *CLOCKS, Param("format", "query", {"type": "string", "enum": list(REPORT_MEDIA)},
                                            "html (default: a self-contained page with an SVG timeline) "
                                            "or md (Markdown).", one_of(tuple(REPORT_MEDIA)))),
                  _report, _ok({"type": "string"}, REPORT_MEDIA["html"]),
                  "As `ledger report` writes it (text/markdown with format=md).", tags=("subjects",)),
        Operation("/subjects/{kind}/{slug}/versions/{version}", "memento", "Memento: state after entry N",
                  (*SUBJECT, Param("version", "path", NUMBER, "The version.", integer(1, 2**31 - 1))),
                  _memento, _ok(_component("SubjectState",
                                     "The state after that entry, as `ledger show --version N --json`")),
                  headers={"Memento-Datetime": "When the ledger recorded this version (RFC 7089)",
                           "Link": "original, timegate, timemap and memento relations (RFC 7089)"},
                  tags=("memento",)),
        Operation("/timegate/{kind}/{slug}", "timegate", "Memento TimeGate: to the version held then",
                  (*SUBJECT, Param("Accept-Datetime", "header", {"type": "string", "maxLength": 100},
                                   "An HTTP date (Thu, 17 Oct 2024 14:03:00 GMT); default: now.",
                                   memento.parse_accept_datetime)),
                  _timegate, _ok({}, "", 302),
                  "302 to the version the ledger held at Accept-Datetime (the first one, if asked "
                  "for a time before it).",
                  headers={"Location": "The memento", "Vary": "accept-datetime",
                           "Link": "original, timegate, timemap and memento relations (RFC 7089)"},
                  tags=("memento",)),
        Operation("/timemap/{kind}/{slug}", "timemap", "Memento TimeMap: every version with its record time",
                  SUBJECT, _timemap, _ok({"type": "string"}, memento.LINK_FORMAT), tags=("memento",)),
        *(
            Operation(f"/{name}", f"list_{name}", f"List {name}, in the order recorded",
                      (*filter_params(kind), *CLOCKS), _list(kind), _ok(_array(ROW_CLASSES[kind].__name__)),
                      f"As `ledger list {name} --json`.", errors=(400,), tags=("lists",))
            for name, kind in LISTS.items()
        ),
        Operation("/log", "log", "The event log, streamed as JSON Lines", LOG_PARAMS, log,
                  _ok({"type": "string"}, "application/x-ndjson"),
                  "One entry a line, as `ledger log --nl` prints them.", errors=(400,), tags=("log",)),
        Operation("/search", "search", "Full-text search of every text the ledger holds", SEARCH_PARAMS,
                  _search, _ok(_array("SearchHit")), "Best first, as `ledger search --json`.", errors=(400,),
                  tags=("search",)),
        Operation("/checkpoints", "checkpoints", "The stored signed checkpoints, oldest first", (),
                  _checkpoints, _ok(_array("Checkpoint")), errors=(500,), tags=("integrity",)),
        Operation("/proofs/inclusion/{kind}/{slug}", "prove_inclusion", "Proof that an entry is in the log",
                  (*SUBJECT, Param("version", "query", NUMBER, "The entry (default: the latest).",
                                   integer(1, 2**31 - 1)), CHECKPOINT),
                  _inclusion, _ok(_component("InclusionProof")),
                  "As `ledger prove inclusion` writes it; check it offline with `ledger check-proof`.",
                  errors=(400, 404, 500), tags=("integrity",)),
        Operation("/proofs/consistency", "prove_consistency", "Proof that the log only grew",
                  (Param("old", "query", NUMBER, "The old checkpoint's number.", integer(1, 2**31 - 1),
                         required=True),
                   Param("new", "query", NUMBER, "The new one's (default: latest, else current tree).",
                         integer(1, 2**31 - 1))),
                  _consistency, _ok(_component("ConsistencyProof")),
                  errors=(400, 404, 500), tags=("integrity",)),
    ]  # fmt: skip
    return tuple(ops)
