"""The leaf of each stored event: a length-prefixed, domain-separated encoding.

Every record of the log is one leaf of the ledger's Merkle tree, leaf index
``position - 1``. Its bytes are a sequence of fields, each a 4-byte
big-endian length followed by that many bytes:

1. the tag ``provenance-ledger/event/v1`` (domain separation: these bytes
   cannot be mistaken for another kind of leaf or another version of this one);
2. the log position (8 bytes, big-endian);
3. the stream id (the 16 bytes of the originator's UUID);
4. the version in the stream (8 bytes, big-endian);
5. the event type (the stored topic, UTF-8);
6. the stored state bytes, exactly as stored;
7. the record time (microseconds since the Unix epoch, 8 bytes, big-endian).

The record time is part of the leaf on purpose: "what the ledger knew as of
R" queries select entries by record time, so moving an entry's record time
must be as evident as editing its payload. The leaf hash is RFC 6962's
``SHA-256(0x00 || bytes)``.

Version 2 (``provenance-ledger/event/v2``, see :mod:`~ledger.integrity.content`)
has eight fields: the stored bytes are replaced by the entry's *structure*
and the salted *digest of its content*, so the content can be erased
without changing the leaf. An entry stored with a salt (or a redaction) has
a v2 leaf; any other a v1 leaf, so ledgers made before v2 verify as they did.

This module is plain Python, so every backend computes the same leaves.

>>> from uuid import UUID
>>> from ledger.storage.records import LeafRow, LogRecord
>>> record = LogRecord(1, UUID(int=7), 1, "ActorRegistered", b"{}", 1_700_000_000_000_000)
>>> decode_leaf(encode_leaf(record)) == record
True
>>> len(record_leaf_hash(record))
32
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from domain.errors import InvalidError
from ledger.integrity import content
from ledger.storage.records import LeafRow, LogRecord

TAG = b"provenance-ledger/event/v1"
TAG_V2 = b"provenance-ledger/event/v2"

_HEAD = struct.Struct(f">I{len(TAG)}sIQI16sIQI")
_LENGTH = struct.Struct(">I")
_TAIL = struct.Struct(">IQ")


def _parts(record: LogRecord) -> tuple[bytes, ...]:
    topic = record.topic.encode()
    try:
        return (
            _HEAD.pack(
                len(TAG), TAG, 8, record.position, 16, record.originator_id.bytes, 8,
                record.originator_version, len(topic),
            ),
            topic,
            _LENGTH.pack(len(record.state)),
            record.state,
            _TAIL.pack(8, record.recorded_us),
        )  # fmt: skip
    except struct.error:
        # Positions, versions and record times are unsigned 64-bit numbers.
        raise InvalidError(
            f"position {record.position}, version {record.originator_version} or record time "
            f"{record.recorded_us} cannot be encoded in a leaf"
        ) from None


def _field(data: bytes) -> bytes:
    return _LENGTH.pack(len(data)) + data


def _parts_v2(record: LogRecord) -> tuple[bytes, ...]:
    """The v2 leaf of a salted (or redacted) entry; InvalidError if its stored JSON is not one."""
    parts = content.split(record.state)
    try:
        numbers = [
            struct.pack(">Q", n) for n in (record.position, record.originator_version, record.recorded_us)
        ]
    except struct.error:
        raise InvalidError(
            f"position {record.position} or its version or record time cannot be encoded"
        ) from None
    position, version, recorded_us = numbers
    return (
        _field(TAG_V2),
        _field(position),
        _field(record.originator_id.bytes),
        _field(version),
        _field(record.topic.encode()),
        _field(parts.structure),
        _field(parts.digest),
        _field(recorded_us),
    )


def _leaf_parts(record: LogRecord) -> tuple[bytes, ...]:
    return _parts_v2(record) if content.is_v2(record.state) else _parts(record)


def encode_leaf(record: LogRecord) -> bytes:
    """The leaf bytes of one stored event (v2 for a salted or redacted entry, else v1)."""
    return b"".join(_leaf_parts(record))


# The leaf hash from plain values, for verify and append: the same bytes as encode_leaf, packed in
# two structs around the variable fields (one call per entry instead of a record and a tuple of parts).
_V1_PREFIX = b"\x00" + _LENGTH.pack(len(TAG)) + TAG + _LENGTH.pack(8)
_V2_PREFIX = b"\x00" + _LENGTH.pack(len(TAG_V2)) + TAG_V2 + _LENGTH.pack(8)
_MIDDLE = struct.Struct(">QI16sIQI")
"""position, then the stream id and the version (each length-prefixed), then the topic's length."""
_V2_TAIL = struct.Struct(">I32sIQ")
_sha256 = hashlib.sha256
is_v2 = content.is_v2


def leaf_hash_of(row: LeafRow) -> bytes:
    """The Merkle leaf hash of the entry stored as ``row`` (its stream id as the 16 UUID bytes).

    Equal to :func:`record_leaf_hash` of the same entry; :class:`InvalidError` if it has no leaf.
    """
    position, stream, version, topic, state, recorded_us = row
    if len(stream) != 16:
        raise InvalidError("a stream id is 16 bytes")
    topic_bytes = topic.encode()
    if is_v2(state):
        parts = content.split(state)
        try:
            middle = _MIDDLE.pack(position, 16, stream, 8, version, len(topic_bytes))
            tail = _V2_TAIL.pack(32, parts.digest, 8, recorded_us)
        except struct.error:
            raise InvalidError(
                f"position {position} or its version or record time cannot be encoded"
            ) from None
        structure = parts.structure
        data = (_V2_PREFIX, middle, topic_bytes, _LENGTH.pack(len(structure)), structure, tail)
    else:
        try:
            middle = _MIDDLE.pack(position, 16, stream, 8, version, len(topic_bytes))
            tail = _TAIL.pack(8, recorded_us)
        except struct.error:
            raise InvalidError(
                f"position {position}, version {version} or record time {recorded_us} "
                "cannot be encoded in a leaf"
            ) from None
        data = (_V1_PREFIX, middle, topic_bytes, _LENGTH.pack(len(state)), state, tail)
    return _sha256(b"".join(data)).digest()


_REDACTED_MARK, _SALT_MARK, _SALT_SUFFIX = content.REDACTED_MARK, content.SALT_MARK, content._SALT_SUFFIX


def leaf_hashes(rows: Sequence[LeafRow], leaves: list[bytes], marked: list[int]) -> int | None:
    """Append the leaf hash of each row to ``leaves``, as :func:`leaf_hash_of` would, in order.

    Stops at the first row that has no leaf and gives its index (None when every row has one).
    The index of each row whose state carries the redaction mark is appended to ``marked``
    (so that verify scans each state for it once). One loop, no call per entry (verify's path).
    """
    append, mark = leaves.append, marked.append
    split, sha256 = content.split_parts, _sha256
    middle_of, v2_tail, v1_tail, length = _MIDDLE.pack, _V2_TAIL.pack, _TAIL.pack, _LENGTH.pack
    for i, (position, stream, version, topic, state, recorded_us) in enumerate(rows):
        try:
            # The mark holds a "{" past the first byte: most states have none, found by memchr.
            redacted = state.find(b"{", 1) >= 0 and _REDACTED_MARK in state
            if redacted:
                mark(i)
            if len(stream) != 16:
                return i
            topic_bytes = topic.encode()
            middle = middle_of(position, 16, stream, 8, version, len(topic_bytes))
            if state.endswith(b"}") and (redacted or state.find(_SALT_MARK, -_SALT_SUFFIX) >= 0):
                structure, digest, _, _ = split(state)
                data = (
                    _V2_PREFIX, middle, topic_bytes, length(len(structure)), structure,
                    v2_tail(32, digest, 8, recorded_us),
                )  # fmt: skip
            else:
                data = (_V1_PREFIX, middle, topic_bytes, length(len(state)), state, v1_tail(8, recorded_us))
        except (InvalidError, ValueError, TypeError, AttributeError, struct.error):
            return i
        append(sha256(b"".join(data)).digest())
    return None


def record_leaf_hash(record: LogRecord) -> bytes:
    """The Merkle leaf hash of one stored event: ``SHA-256(0x00 || leaf bytes)``."""
    return leaf_hash_of(record.leaf_row())


@dataclass(frozen=True)
class LeafV2:
    """What a v2 leaf holds: the entry without its content, and the content's salted digest."""

    record: LogRecord
    """The entry, its ``state`` being the structure (content values null)."""
    content_digest: bytes


def decode_leaf(data: bytes) -> LogRecord:
    """The stored event that the leaf bytes ``data`` encode; :class:`InvalidError` if malformed.

    For a v2 leaf, ``state`` is the entry's structure (see :func:`decode_leaf_v2` for the digest).
    """
    return _decode(data)[0]


def decode_leaf_v2(data: bytes) -> LeafV2 | None:
    """The entry and content digest of v2 leaf bytes ``data``; None for a v1 leaf."""
    record, digest = _decode(data)
    return None if digest is None else LeafV2(record, digest)


def _decode(data: bytes) -> tuple[LogRecord, bytes | None]:
    fields: list[bytes] = []
    offset = 0
    while offset < len(data):
        if offset + 4 > len(data):
            raise InvalidError("malformed leaf: a field length is cut short")
        (length,) = _LENGTH.unpack_from(data, offset)
        offset += 4
        if offset + length > len(data):
            raise InvalidError(f"malformed leaf: field {len(fields) + 1} is cut short")
        fields.append(data[offset : offset + length])
        offset += length
    digest = None
    if len(fields) == 8 and fields[0] == TAG_V2:
        tag, position, stream, version, topic, state, digest, recorded_us = fields
        if len(digest) != 32:
            raise InvalidError("malformed leaf: the content digest is not 32 bytes")
    elif len(fields) == 7 and fields[0] == TAG:
        tag, position, stream, version, topic, state, recorded_us = fields
    else:
        raise InvalidError(f"malformed leaf: not a {TAG.decode()} leaf of 7 fields nor a v2 leaf of 8")
    del tag
    if len(stream) != 16 or {len(position), len(version), len(recorded_us)} != {8}:
        raise InvalidError("malformed leaf: a fixed-size field has the wrong size")
    try:
        topic_text = topic.decode()
    except UnicodeDecodeError:
        raise InvalidError("malformed leaf: the event type is not UTF-8") from None
    record = LogRecord(
        position=int.from_bytes(position),
        originator_id=UUID(bytes=stream),
        originator_version=int.from_bytes(version),
        topic=topic_text,
        state=state,
        recorded_us=int.from_bytes(recorded_us),
    )
    return record, digest
