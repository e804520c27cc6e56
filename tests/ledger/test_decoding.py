"""The fast decoders (ledger.decoding) read every stored event as pydantic does, or leave it to pydantic.

Differential: for stored payloads of every topic, and for those payloads with
one value changed, added or removed (hypothesis), the fast decoder either
refuses or returns the event pydantic returns (same type, equal, same fields
set); the mapper's answer, event or message, is pydantic's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
import pytest
from eventsourcing.persistence import JSONTranscoder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.context import build_ledger
from benchmarks.generator import Workload
from domain.errors import UnreadableEntryError
from domain.events import Event, event_class, event_classes
from ledger import Ledger
from ledger.decoding import REFUSALS, event_decoder
from ledger.integrity.content import strip_extras
from ledger.mapper import PydanticMapper

Row = tuple[str, bytes, UUID, int]


class Rows(list[Row]):
    """The stored rows, shown briefly (hypothesis shows the test's arguments when it fails)."""

    def __repr__(self) -> str:
        return f"<{len(self)} stored rows>"


def _record_rare_topics(ledger: Ledger) -> None:
    """Entries of the topics the generated workload has few or none of."""
    ledger.register_actor("actor/rare-a", name="Rare A", kind="person", handles=["x:rare_a"])
    ledger.register_actor("actor/rare-b", name="Rare B", kind="organization")
    ledger.register_source("source/rare-s", title="A report", publisher="actor/rare-b", at="2024-10")
    ledger.add_actor_handle(
        "actor/rare-a", handle="mastodon:@a@example.org", at="2024-10-01T10:00:00.25+02:00"
    )
    ledger.drop_actor_handle("actor/rare-a", handle="x:rare_a", at="2024")
    ledger.rename_actor("actor/rare-a", name="Rare Aa", at="2024-10-02..2024-10-03")
    ledger.publish_post(
        "post/rare-p", platform="X", author="actor/rare-a", text="Hello", at="2024-10-16T09:30Z"
    )
    ledger.make_claim(
        "claim/rare-c", text="It is so", claimant="actor/rare-a", post="post/rare-p", at="2024-10-17"
    )
    ledger.rate_claim(
        "claim/rare-c",
        reviewer="actor/rare-b",
        verdict="Needs context",
        rationale="Because",
        evidence=["source/rare-s:a quote"],
        at="..2024-10-18T10:00Z",
    )
    ledger.redact("post/rare-p", version=1, reason="a legal request", recorded_by="desk")


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> list[Row]:
    path: Path = tmp_path_factory.mktemp("decoding") / "ledger.db"
    build_ledger(Workload(1500, seed=2024), path, 250)
    with Ledger.open(path, create=False, recorded_by="desk") as ledger:
        _record_rare_topics(ledger)
        return Rows(
            (r.topic, r.state, r.originator_id, r.originator_version) for r in ledger._reader.records()
        )


def _mapper() -> PydanticMapper:
    return PydanticMapper(transcoder=JSONTranscoder())


def _pydantic(topic: str, payload: bytes) -> Event | None:
    try:
        return event_class(topic).model_validate_json(payload)
    except ValueError:
        return None


def _same(fast: Event, slow: Event) -> None:
    assert type(fast) is type(slow)
    assert fast == slow
    assert fast.__pydantic_fields_set__ == slow.__pydantic_fields_set__
    assert fast.model_dump_json() == slow.model_dump_json()


def test_every_event_class_has_a_fast_decoder() -> None:
    for cls in event_classes().values():
        event_decoder(cls)


def test_every_stored_event_decodes_as_pydantic_reads_it(rows: list[Row]) -> None:
    topics = set()
    for topic, state, _, _ in rows:
        payload = strip_extras(state)
        slow = _pydantic(topic, payload)
        assert slow is not None
        try:
            fast = event_decoder(event_class(topic))(payload)
        except REFUSALS:
            # Only a redacted entry (its content nulled) may be left to pydantic.
            assert b'"_redacted"' in state
            continue
        _same(fast, slow)
        topics.add(topic)
    assert topics == set(event_classes())


def test_the_mapper_decodes_every_stored_event(rows: list[Row]) -> None:
    mapper = _mapper()
    for topic, state, originator_id, version in rows:
        event = mapper.decode(topic, state, originator_id, version)
        slow = _pydantic(topic, strip_extras(state))
        assert slow is not None
        assert type(event) is type(slow)
        assert event == slow


TOO_LONG = "<text one character too long>"

# Values a changed field may take: of every JSON type, and near-misses of the stored ones.
_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(
        [
            "post/x",
            "actor/x",
            "source/x",
            "Post/x",
            "post/x ",
            " text",
            "text\n",
            "",
            "\u00a0x",
            "x\x1c",
            "2024-10-17T14:03:27Z",
            "2024-10-17T14:03:27.1234567Z",
            "2024-10-17T14:03:27.9999999Z",
            "2024-10-17T14:03:27+0100",
            "2024-10-17 14:03:27z",
            "2024-10-17T14:03:27+00:19",
            "2024-10-17T24:00:00Z",
            "2024-10-17",
            "minute",
            "instant",
            "window",
            "day",
            "6f1b4d2e8a575c3e9d0b2f4e7a1c9b30",
            "{6f1b4d2e-8a57-5c3e-9d0b-2f4e7a1c9b30}",
            "1",
            "true",
            TOO_LONG,
        ]
    ),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``value`` (dict keys, list indexes)."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def _changed(document: Any, path: tuple[Any, ...], action: str, value: Any) -> Any:
    if not path:
        return document
    *parents, last = path
    target = document
    for part in parents:
        target = target[part]
    if action == "set":
        target[last] = value
    elif action == "drop":
        del target[last]
    elif isinstance(target, dict):
        target[f"{last}_extra"] = value
    else:
        target.append(value)
    return document


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    which=st.integers(min_value=0, max_value=2**32),
    where=st.integers(min_value=0, max_value=2**32),
    action=st.sampled_from(["set", "set", "drop", "add"]),
    value=_JSON_VALUES,
)
def test_a_changed_payload_is_read_as_pydantic_reads_it_or_left_to_it(
    rows: list[Row], which: int, where: int, action: str, value: Any
) -> None:
    topic, state, originator_id, version = rows[which % len(rows)]
    value = "x" * 1_000_001 if value == TOO_LONG else value
    document = orjson.loads(strip_extras(state))
    paths = _paths(document)
    # json, not orjson: integers beyond 64 bits are among the values tried.
    payload = json.dumps(_changed(document, paths[where % len(paths)], action, value)).encode()
    slow = _pydantic(topic, payload)
    try:
        fast = event_decoder(event_class(topic))(payload)
    except REFUSALS:
        fast = None
    if fast is not None:
        assert slow is not None, f"the fast decoder accepted what pydantic refuses: {payload[:300]!r}"
        _same(fast, slow)
    # The mapper's answer is pydantic's: the same event, or its message.
    mapper = _mapper()
    if slow is None:
        with pytest.raises(UnreadableEntryError) as fast_error:
            mapper.decode(topic, payload, originator_id, version)
        with pytest.raises(UnreadableEntryError) as slow_error:
            mapper._validated(topic, payload, originator_id, version)
        assert str(fast_error.value) == str(slow_error.value)


def _stored(rows: list[Row], topic: str) -> Row:
    return next(row for row in rows if row[0] == topic and b'"_redacted"' not in row[1])


@pytest.mark.parametrize(
    ("topic", "change", "field"),
    [
        ("ledger.PostPublished.v1", {"originator_version": "two"}, "originator_version"),
        ("ledger.PostPublished.v1", {"author": "person/ann"}, "author"),
        ("ledger.PostPublished.v1", {"author": "post/ann"}, "author"),
        ("ledger.PostPublished.v1", {"platform": ""}, "platform"),
        ("ledger.PostPublished.v1", {"platform": "x" * 1_000_001}, "platform"),
        ("ledger.PostPublished.v1", {"text_sha256": "0" * 64}, "text_sha256"),
        ("ledger.PostPublished.v1", {"shown": True}, "shown"),
        ("ledger.PostPublished.v1", {"occurred_at": {"earliest": "2024-10-17T14:03:00Z"}}, "occurred_at"),
        (
            "ledger.PostPublished.v1",
            {
                "occurred_at": {
                    "earliest": "2024-10-17T14:03:00Z",
                    "latest": "2024-10-17T14:03:00Z",
                    "precision": "day",
                }
            },
            "occurred_at",
        ),
        (
            "ledger.PostPublished.v1",
            {
                "occurred_at": {
                    "earliest": "2024-10-17T14:04:00Z",
                    "latest": "2024-10-17T14:03:00Z",
                    "precision": "window",
                }
            },
            "occurred_at",
        ),
        (
            "ledger.PostPublished.v1",
            {
                "occurred_at": {
                    "earliest": "2024-10-17T14:03:00",
                    "latest": "2024-10-17T14:03:00",
                    "precision": "instant",
                }
            },
            "occurred_at",
        ),
        ("ledger.ClaimMade.v1", {"about": ["claim/x", 3]}, "about"),
        ("ledger.PostMetricsObserved.v1", {"views": -1}, "views"),
        ("ledger.CommentRequested.v1", {"channel": "pigeon"}, "channel"),
        ("ledger.EntryRedacted.v1", {"redacts_position": 0}, "redacts_position"),
    ],
)
def test_a_stored_event_that_does_not_fit_its_schema_is_refused(
    rows: list[Row], topic: str, change: dict[str, Any], field: str
) -> None:
    stored_topic, state, originator_id, version = _stored(rows, topic)
    document = orjson.loads(strip_extras(state))
    document.update(change)
    payload = orjson.dumps(document)
    with pytest.raises(REFUSALS):
        event_decoder(event_class(topic))(payload)
    with pytest.raises(UnreadableEntryError) as caught:
        _mapper().decode(stored_topic, payload, originator_id, version)
    message = str(caught.value)
    assert "\n" not in message
    assert f"stored event {originator_id} v{version} ({topic}) cannot be read: " in message
    assert field in message
    with pytest.raises(UnreadableEntryError) as slow:
        _mapper()._validated(stored_topic, payload, originator_id, version)
    assert message == str(slow.value)


def test_a_missing_field_is_refused(rows: list[Row]) -> None:
    topic, state, originator_id, version = _stored(rows, "ledger.ClaimRepeated.v1")
    document = orjson.loads(strip_extras(state))
    del document["post"]
    with pytest.raises(UnreadableEntryError, match=r"cannot be read: post: Field required"):
        _mapper().decode(topic, orjson.dumps(document), originator_id, version)


def test_unstripped_or_finer_stored_values_are_read_by_pydantic_as_before(rows: list[Row]) -> None:
    # Stored text is stripped and times have at most six fractional digits: anything else is
    # refused by the fast decoder and read by pydantic, which strips and truncates as it did.
    topic, state, originator_id, version = _stored(rows, "ledger.NoteAdded.v1")
    document = orjson.loads(strip_extras(state))
    document["text"] = "  " + document["text"] + "\n"
    document["occurred_at"] = {
        "earliest": "2024-10-17T14:03:27.1234567Z",
        "latest": "2024-10-17T14:03:27.1234569Z",
        "precision": "instant",
    }
    payload = orjson.dumps(document)
    with pytest.raises(REFUSALS):
        event_decoder(event_class(topic))(payload)
    event = _mapper().decode(topic, payload, originator_id, version)
    assert event.text == document["text"].strip()  # type: ignore[attr-defined]
    assert event.occurred_at is not None
    assert event.occurred_at.earliest.microsecond == 123456


def test_an_unknown_topic_is_refused_by_name(rows: list[Row]) -> None:
    _, state, originator_id, version = rows[0]
    with pytest.raises(UnreadableEntryError, match=r"unknown event topic 'ledger\.Nothing\.v1'"):
        _mapper().decode("ledger.Nothing.v1", state, originator_id, version)
