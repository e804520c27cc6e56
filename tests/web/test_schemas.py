"""Every body the API answers for the seed story conforms to the schema /openapi.json gives it.

schemathesis (test_schemathesis.py) mostly asks for subjects that do not
exist; here every subject of the story is asked for, in every shape, and each
body is validated against the document's own component schemas, which must
also reject bodies of the wrong shape.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import pytest

from domain.events import event_classes
from ledger import Ledger, Signer
from web.schemas import STATES

Check = Any


@pytest.fixture
def spec(api: httpx.Client) -> dict[str, Any]:
    document: dict[str, Any] = api.get("/openapi.json").json()
    return document


def validator(spec: dict[str, Any], name: str) -> Check:
    """A validator of the component ``name``, resolving ``$ref``s inside the document."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    return jsonschema_rs.validator_for(schema)


def errors(check: Check, body: Any) -> list[str]:
    return [f"{error.instance_path}: {error.message}" for error in check.iter_errors(body)]


def subjects(story: Path) -> Iterator[str]:
    with Ledger.open(story) as ledger:
        seen = dict.fromkeys(entry.subject for entry in ledger.log())
    yield from seen


def test_every_state_version_and_timeline_of_the_story_conforms(
    api: httpx.Client, story: Path, spec: dict[str, Any]
) -> None:
    show, state, timeline = (validator(spec, name) for name in ("Show", "SubjectState", "TimelineEntry"))
    kinds = set()
    for ref in subjects(story):
        kinds.add(ref.partition("/")[0])
        versions = api.get(f"/timemap/{ref}").text.count('rel="memento') or 1
        bodies = [
            (show, api.get(f"/subjects/{ref}").json()),
            (show, api.get(f"/subjects/{ref}", params={"at": "2024-10-16"}).json()),
            (show, api.get(f"/subjects/{ref}", params={"at": "2000-01-01"}).json()),
            (state, api.get(f"/subjects/{ref}/versions/{versions}").json()),
            (state, api.get(f"/subjects/{ref}/versions/1").json()),
        ]
        bodies += [(timeline, entry) for entry in api.get(f"/subjects/{ref}/timeline").json()]
        for check, body in bodies:
            assert errors(check, body) == [], (ref, body)
    assert kinds == set(STATES)


def test_every_log_line_conforms_and_every_event_type_has_a_variant(
    api: httpx.Client, spec: dict[str, Any]
) -> None:
    check = validator(spec, "LogEntry")
    lines = [json.loads(line) for line in api.get("/log").text.splitlines()]
    assert len(lines) > 30
    for line in lines:
        assert errors(check, line) == [], line
    mapping = spec["components"]["schemas"]["LogEntry"]["discriminator"]["mapping"]
    assert set(mapping) == {cls.__name__ for cls in event_classes().values()}
    assert spec["paths"]["/log"]["get"]["responses"]["200"]["content"]["application/x-ndjson"]["schema"] == {
        "type": "string"
    }


def test_search_hits_checkpoints_and_proofs_conform(
    api: httpx.Client, story: Path, spec: dict[str, Any]
) -> None:
    key = Signer.generate("desk")
    with Ledger.open(story) as ledger:
        ledger.checkpoint(key)
        ledger.register_actor("actor/late", name="Late", kind="person")
        ledger.checkpoint(key)
    hits = api.get("/search", params={"q": "Labour"}).json()
    assert hits
    for name, body in [
        *(("SearchHit", hit) for hit in hits),
        *(("Checkpoint", c) for c in api.get("/checkpoints").json()),
        ("InclusionProof", api.get("/proofs/inclusion/post/labour-linkedin-invite").json()),
        ("ConsistencyProof", api.get("/proofs/consistency", params={"old": 1}).json()),
        ("Health", api.get("/health").json()),
    ]:
        assert errors(validator(spec, name), body) == [], (name, body)


def test_the_schemas_reject_bodies_of_the_wrong_shape(api: httpx.Client, spec: dict[str, Any]) -> None:
    post = api.get("/subjects/post/labour-linkedin-invite").json()
    state = validator(spec, "SubjectState")
    assert errors(state, post) == []
    assert errors(state, {**post, "ref": "claim/labour-linkedin-invite"})  # a post's fields under a claim
    assert errors(state, {k: v for k, v in post.items() if k != "text"})  # a derived value missing
    assert errors(state, {**post, "status": "gone"})
    assert errors(state, {**post, "extra": 1})
    entry = api.get("/subjects/post/labour-linkedin-invite/timeline").json()[-1]
    timeline = validator(spec, "TimelineEntry")
    assert errors(timeline, entry) == []
    assert errors(timeline, {**entry, "type": "ClaimMade"})  # details of another event type
    assert errors(timeline, {**entry, "details": {**entry["details"], "unknown": True}})
    line = json.loads(api.get("/log", params={"limit": 1}).text)
    assert errors(validator(spec, "LogEntry"), {**line, "event": {}})
