"""Leaf format v2: structure and salted content digest, and redaction keeping both (property-based)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidError
from ledger.integrity.content import CONTENT_FIELDS, add_salt, is_v2, redact, split, strip_extras
from ledger.integrity.leaves import TAG_V2, decode_leaf, decode_leaf_v2, encode_leaf, record_leaf_hash
from ledger.storage.records import LogRecord

KEYS = st.sampled_from(sorted(CONTENT_FIELDS | {"subject", "kind", "platform", "url", "views", "about"}))
SCALARS = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=12,
)
EVENTS = st.dictionaries(KEYS, VALUES, min_size=1, max_size=6)
SALTS = st.binary(min_size=32, max_size=32)


def _state(event: dict[str, Any], salt: bytes) -> bytes:
    return add_salt(orjson.dumps(event), salt)


def _record(state: bytes) -> LogRecord:
    return LogRecord(3, UUID(int=5), 2, "ledger.PostPublished.v1", state, 1_700_000_000_000_000)


@given(EVENTS, SALTS, st.text(min_size=1, max_size=30))
def test_a_redaction_keeps_the_structure_the_digest_and_so_the_leaf(
    event: dict[str, Any], salt: bytes, placeholder: str
) -> None:
    state = _state(event, salt)
    assert is_v2(state)
    assert strip_extras(state) == orjson.dumps(event)
    erased = redact(state, placeholder)
    assert (split(erased).structure, split(erased).digest) == (split(state).structure, split(state).digest)
    assert split(erased).salt is None
    assert record_leaf_hash(_record(erased)) == record_leaf_hash(_record(state))
    assert strip_extras(erased).endswith(b"}")
    with pytest.raises(InvalidError, match="already redacted"):
        redact(erased, placeholder)


@given(EVENTS, SALTS, SALTS)
def test_the_digest_depends_on_the_salt(event: dict[str, Any], one: bytes, other: bytes) -> None:
    if one != other:
        assert split(_state(event, one)).digest != split(_state(event, other)).digest


@given(SALTS, st.text(max_size=20), st.text(max_size=20))
def test_content_changes_the_digest_and_structure_changes_the_structure(
    salt: bytes, text: str, other: str
) -> None:
    base = {"subject": "post/p", "text": text, "views": 1}
    changed_text = split(_state({**base, "text": other}, salt))
    changed_views = split(_state({**base, "views": 2}, salt))
    parts = split(_state(base, salt))
    assert orjson.loads(parts.structure) == {"subject": "post/p", "text": None, "views": 1}
    if other != text:
        assert changed_text.digest != parts.digest
        assert changed_text.structure == parts.structure
    assert changed_views.structure != parts.structure


def test_a_v2_leaf_holds_the_structure_and_the_digest_never_the_content() -> None:
    state = _state({"subject": "post/p", "text": "private words", "evidence": [{"quote": "q!"}]}, bytes(32))
    data = encode_leaf(_record(state))
    assert data.startswith(len(TAG_V2).to_bytes(4) + TAG_V2)
    assert b"private words" not in data
    assert b"q!" not in data
    leaf = decode_leaf_v2(data)
    assert leaf is not None
    assert leaf.record.state == b'{"subject":"post/p","text":null,"evidence":[{"quote":null}]}'
    assert leaf.content_digest == split(state).digest
    assert decode_leaf(data).position == 3
    v1 = encode_leaf(_record(b'{"subject":"post/p","text":"private words"}'))
    assert decode_leaf_v2(v1) is None


@pytest.mark.parametrize(
    "state",
    [
        b'{"a":1,"_salt":"AAAA"}',
        b'{"a":1,"_redacted":{"content_sha256":"x"}}',
        b'{"a":1,"_salt":"' + b"A" * 43 + b'=","_redacted":{"content_sha256":"x"}}',
        b'[1,"_salt"]',
        b'{"a":1,"_salt":"' + b"A" * 42 + b'B="}',  # not canonical: the spare bits are set
        b'{"a":1,"_salt":"' + b"A" * 42 + "\u00e9=".encode() + b'"}',
        b'{"a":1,"_salt":"' + b"A" * 44 + b'"}',
        b'{"a":1,"_salt":7}',
        b'{"a":1,"_redacted":{"content_sha256":"' + b"A" * 43 + b'=","x":1}}',
    ],
)
def test_malformed_salts_and_redactions_are_refused(state: bytes) -> None:
    with pytest.raises(InvalidError):
        split(state)


def _reference_walk(value: Any, path: str, found: list[list[Any]], key: str | None) -> Any:
    """The structure and content as first written (a copy, not in place): split must agree with it."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if isinstance(v, str) and k in CONTENT_FIELDS:
                found.append([f"{path}/{k}", v])
                out[k] = None
            elif isinstance(v, dict) or (isinstance(v, list) and v):
                out[k] = _reference_walk(v, f"{path}/{k}", found, k)
            else:
                out[k] = v
        return out
    if isinstance(value, list):
        return [_reference_walk(v, f"{path}/{i}", found, key) for i, v in enumerate(value)]
    if isinstance(value, str) and key in CONTENT_FIELDS:
        found.append([path, value])
        return None
    return value


@given(EVENTS, SALTS)
def test_split_agrees_with_the_reference_walk(event: dict[str, Any], salt: bytes) -> None:
    parts = split(_state(event, salt))
    found: list[list[Any]] = []
    assert parts.structure == orjson.dumps(_reference_walk(event, "", found, None))
    assert parts.content == orjson.dumps(found)
    assert parts.salt == salt
