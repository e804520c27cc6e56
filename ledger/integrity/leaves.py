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

This module is plain Python, so every backend computes the same leaves.

>>> from uuid import UUID
>>> from ledger.storage.records import LogRecord
>>> record = LogRecord(1, UUID(int=7), 1, "ActorRegistered", b"{}", 1_700_000_000_000_000)
>>> decode_leaf(encode_leaf(record)) == record
True
>>> len(record_leaf_hash(record))
32
"""

from __future__ import annotations

import hashlib
import struct
from uuid import UUID

from domain.errors import InvalidError
from ledger.storage.records import LogRecord

TAG = b"provenance-ledger/event/v1"

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


def encode_leaf(record: LogRecord) -> bytes:
    """The leaf bytes of one stored event."""
    return b"".join(_parts(record))


def record_leaf_hash(record: LogRecord) -> bytes:
    """The Merkle leaf hash of one stored event: ``SHA-256(0x00 || leaf bytes)``."""
    return hashlib.sha256(b"".join((b"\x00", *_parts(record)))).digest()


def decode_leaf(data: bytes) -> LogRecord:
    """The stored event that the leaf bytes ``data`` encode; :class:`InvalidError` if malformed."""
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
    if len(fields) != 7 or fields[0] != TAG:
        raise InvalidError(f"malformed leaf: not a {TAG.decode()} leaf of 7 fields")
    tag, position, stream, version, topic, state, recorded_us = fields
    del tag
    if len(stream) != 16 or {len(position), len(version), len(recorded_us)} != {8}:
        raise InvalidError("malformed leaf: a fixed-size field has the wrong size")
    try:
        topic_text = topic.decode()
    except UnicodeDecodeError:
        raise InvalidError("malformed leaf: the event type is not UTF-8") from None
    return LogRecord(
        position=int.from_bytes(position),
        originator_id=UUID(bytes=stream),
        originator_version=int.from_bytes(version),
        topic=topic_text,
        state=state,
        recorded_us=int.from_bytes(recorded_us),
    )
