"""The leaf encoding of stored events."""

from __future__ import annotations

import dataclasses
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidError
from ledger.integrity.content import REDACTED_MARK, add_salt, is_v2, redact
from ledger.integrity.leaves import (
    TAG,
    TAG_V2,
    decode_leaf,
    encode_leaf,
    leaf_hash_of,
    leaf_hashes,
    record_leaf_hash,
)
from ledger.integrity.tree import leaf_hash
from ledger.storage.records import LogRecord

RECORD = LogRecord(5, UUID(int=1), 2, "ledger.ActorRegistered.v1", b'{"a":1}', 1_700_000_000_000_000)

records = st.builds(
    LogRecord,
    position=st.integers(1, 2**63),
    originator_id=st.uuids(),
    originator_version=st.integers(1, 2**63),
    topic=st.text(max_size=40),
    # Bytes that look salted or redacted make a v2 leaf, or none: see test_content.py.
    state=st.binary(max_size=200).filter(lambda state: not is_v2(state)),
    recorded_us=st.integers(0, 2**63),
)


@given(records)
def test_a_leaf_decodes_to_its_record(record: LogRecord) -> None:
    assert decode_leaf(encode_leaf(record)) == record


@given(records, st.booleans())
def test_the_leaf_hash_is_that_of_the_encoded_leaf_in_both_formats(record: LogRecord, salted: bool) -> None:
    # The hash is packed from plain values for speed; it must stay the RFC 6962 hash of encode_leaf.
    if salted:
        record = dataclasses.replace(record, state=add_salt(b'{"text":"t","n":[1]}', bytes(range(32))))
    assert record_leaf_hash(record) == leaf_hash(encode_leaf(record))
    assert encode_leaf(record).startswith(len(TAG).to_bytes(4) + (TAG_V2 if salted else TAG))


@pytest.mark.parametrize(
    "change",
    [
        {"position": 6},
        {"originator_id": UUID(int=2)},
        {"originator_version": 3},
        {"topic": "ledger.ActorRegistered.v2"},
        {"state": b'{"a":2}'},
        {"recorded_us": 1_700_000_000_000_001},
    ],
)
def test_every_field_changes_the_leaf_hash(change: dict[str, object]) -> None:
    assert record_leaf_hash(dataclasses.replace(RECORD, **change)) != record_leaf_hash(RECORD)  # type: ignore[arg-type]


def test_fields_are_length_prefixed_so_bytes_cannot_move_between_them() -> None:
    moved = dataclasses.replace(RECORD, topic=RECORD.topic + "{", state=RECORD.state[1:])
    assert encode_leaf(moved) != encode_leaf(RECORD)
    assert encode_leaf(RECORD).startswith(len(TAG).to_bytes(4) + TAG)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "7 fields"),
        (b"\x00\x00", "cut short"),
        (encode_leaf(RECORD)[:-1], "cut short"),
        (encode_leaf(RECORD) + b"\x00\x00\x00\x00", "7 fields"),
        (encode_leaf(RECORD).replace(TAG, TAG.upper()), "7 fields"),
    ],
)
def test_malformed_leaves_are_refused(data: bytes, reason: str) -> None:
    with pytest.raises(InvalidError, match=reason):
        decode_leaf(data)


def test_values_out_of_range_are_refused() -> None:
    with pytest.raises(InvalidError, match="position -1"):
        encode_leaf(dataclasses.replace(RECORD, position=-1))


@given(records, st.sampled_from(["v1", "salted", "redacted"]))
def test_verify_s_batch_of_leaves_is_the_leaf_hash_of_each_row(record: LogRecord, kind: str) -> None:
    # verify hashes a batch of rows in one loop (leaf_hashes): the same leaves as leaf_hash_of.
    if kind == "salted":
        record = dataclasses.replace(record, state=add_salt(b'{"text":"t","n":[1]}', bytes(range(32))))
    if kind == "redacted":
        record = dataclasses.replace(record, state=redact(add_salt(b'{"text":"t"}', bytes(32)), "[gone]"))
    rows = [record.leaf_row(), dataclasses.replace(record, position=record.position - 1 or 2).leaf_row()]
    leaves: list[bytes] = []
    marked: list[int] = []
    assert leaf_hashes(rows, leaves, marked) is None
    assert leaves == [leaf_hash_of(row) for row in rows]
    # Marked: every row whose state carries the redaction mark anywhere, which a v1 state of
    # recorded text may do too (verify then checks those rows as content.is_v2 does).
    assert marked == ([0, 1] if kind == "redacted" or REDACTED_MARK in record.state else [])


@pytest.mark.parametrize(
    "bad",
    [
        {"originator_id": b"short"},
        {"originator_version": -1},
        {"recorded_us": 2**64},
        {"topic": None},
        {"state": add_salt(b'{"a":1}', bytes(32)).replace(b"_salt", b"_solt")[:-2] + b',"_redacted":{}}'},
        {"state": "text, not bytes"},
    ],
)
def test_verify_s_batch_of_leaves_stops_at_the_first_row_without_one(bad: dict[str, object]) -> None:
    good = RECORD.leaf_row()
    fields = ["position", "originator_id", "originator_version", "topic", "state", "recorded_us"]
    broken = tuple(bad.get(name, value) for name, value in zip(fields, good, strict=True))
    with pytest.raises((InvalidError, ValueError, TypeError, AttributeError)):
        leaf_hash_of(broken)  # type: ignore[arg-type]
    leaves: list[bytes] = []
    assert leaf_hashes([good, broken, good], leaves, []) == 1  # type: ignore[list-item]
    assert leaves == [leaf_hash_of(good)]
