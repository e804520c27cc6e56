"""Leaf format v2: the leaf commits to an entry's structure and to a salted digest of its content.

An entry's stored JSON is split in two:

- its **content**: the free text it records, every string value (at any
  depth, in lists too) of a field named in :data:`CONTENT_FIELDS` (texts,
  names, titles, descriptions, notes, quotes, rationales, questions,
  reasons, handles, and a post's ``text_sha256``, an unsalted digest that
  would let anyone confirm a guessed text);
- its **structure**: everything else (position, stream, version, type,
  times, references, labels, counts), with each content value replaced by
  ``null``.

The mapper adds ``"_salt"`` (32 random bytes, base64) at the end of every
new entry's JSON, beside the content. The content digest is
``SHA-256("provenance-ledger/content/v1" || salt || content)``, where the
content is the JSON array of ``[path, value]`` pairs in document order. The
leaf is then, in the length-prefixed encoding of :mod:`~ledger.integrity.leaves`:

1. the tag ``provenance-ledger/event/v2``;
2. the log position (8 bytes); 3. the stream id (16 bytes);
4. the version (8 bytes); 5. the event type (UTF-8);
6. the structure (compact JSON);
7. the content digest (32 bytes);
8. the record time (microseconds, 8 bytes).

Redacting an entry replaces each content value by a placeholder ("[redacted
on DATE by WHO: REASON]"; ``text_sha256`` by the placeholder's digest, so
the entry still reads), drops the salt, and keeps the content digest as
``"_redacted": {"content_sha256": ...}``. The structure is unchanged, the
digest is the one the leaf committed to, so the leaf, the tree, every
checkpoint and every proof are unchanged; nothing left can confirm a guess
at the erased text (it was hashed with the salt, which is gone).

An entry without ``_salt`` or ``_redacted`` (every entry of a ledger made
before this format) keeps its v1 leaf.

>>> state = b'{"subject":"post/p","text":"Hello","text_sha256":"185f","views":3,"_salt":"' + (
...     b"A" * 43 + b'="}')
>>> split(state).structure
b'{"subject":"post/p","text":null,"text_sha256":null,"views":3}'
>>> redacted = redact(state, "[redacted]")
>>> split(redacted).structure == split(state).structure, split(redacted).digest == split(state).digest
(True, True)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from binascii import a2b_base64, b2a_base64
from typing import Any, NamedTuple

import orjson

from domain.errors import InvalidError

CONTENT_FIELDS = frozenset(
    {
        "text",
        "text_sha256",
        "name",
        "title",
        "description",
        "note",
        "quote",
        "rationale",
        "question",
        "answer",
        "reason",
        "handle",
    }
)
"""Fields whose string values are an entry's content (erasable); every other field is structure."""

SALT = "_salt"
REDACTED = "_redacted"
SALT_SIZE = 32
_DIGEST_TAG = b"provenance-ledger/content/v1"
_sha256 = hashlib.sha256
_SALT_SUFFIX = len(',"_salt":"') + 44 + len('"}')


def new_salt() -> bytes:
    """32 random bytes."""
    return os.urandom(SALT_SIZE)


def add_salt(state: bytes, salt: bytes) -> bytes:
    """``state`` (a compact JSON object) with ``"_salt"`` added as its last member."""
    if not state.endswith(b"}") or len(salt) != SALT_SIZE:
        raise InvalidError("only a JSON object can take a salt")
    return b'%s,"_salt":"%s"}' % (state[:-1], base64.b64encode(salt))


def strip_extras(state: bytes) -> bytes:
    """``state`` without the ``_salt`` or ``_redacted`` member the store adds (the event's own JSON)."""
    if state.endswith(b'"}') and state[-_SALT_SUFFIX:].startswith(b',"_salt":"'):
        return state[:-_SALT_SUFFIX] + b"}"
    cut = state.rfind(b',"_redacted":{')
    if cut > 0:
        return state[:cut] + b"}"
    return state


class Split(NamedTuple):
    """An entry's stored JSON, split: its structure, and its content's salted digest."""

    structure: bytes
    digest: bytes
    salt: bytes | None
    """None once redacted."""
    content: bytes | None
    """The content (JSON array of [path, value]); None once redacted."""


SALT_MARK = b',"_salt":"'
REDACTED_MARK = b',"_redacted":{'


def is_v2(state: bytes) -> bool:
    """Whether ``state`` carries a salt or a redaction: an entry with a v2 leaf.

    That is, it ends with ``}`` and has ``,"_salt":"`` in its last bytes (where
    :func:`add_salt` puts it) or ``,"_redacted":{`` anywhere.
    """
    # find() from an offset, not `in` a slice: no copy (verify asks this of every entry). A negative
    # offset counts from the end as a slice does (from 0 in a shorter state): no len() nor max().
    return state.endswith(b"}") and (state.find(SALT_MARK, -_SALT_SUFFIX) >= 0 or REDACTED_MARK in state)


def _null_dict(value: dict[str, Any], path: str, found: list[list[Any]]) -> None:
    """Replace, in place, each content string in ``value`` (at any depth) by None; each one appended
    to ``found`` as [path, text], in document order. In place: ``value`` is fresh from the parser."""
    for k, v in value.items():
        kind = type(v)
        if kind is str:
            if k in CONTENT_FIELDS:
                found.append([f"{path}/{k}", v])
                value[k] = None  # an existing key: the dict keeps its size and order
        elif kind is dict:
            _null_dict(v, f"{path}/{k}", found)
        elif kind is list and v:
            _null_list(v, f"{path}/{k}", found, k in CONTENT_FIELDS)


def _null_list(items: list[Any], path: str, found: list[list[Any]], content: bool) -> None:
    """As :func:`_null_dict`, for a list under a field that is content (``content``) or not."""
    for i, v in enumerate(items):
        kind = type(v)
        if kind is str:
            if content:
                found.append([f"{path}/{i}", v])
                items[i] = None
        elif kind is dict:
            _null_dict(v, f"{path}/{i}", found)
        elif kind is list:
            _null_list(v, f"{path}/{i}", found, content)


def split(state: bytes) -> Split:
    """Split a v2 entry's stored JSON; :class:`InvalidError` if it is not one."""
    return Split._make(split_parts(state))


def split_parts(state: bytes) -> tuple[bytes, bytes, bytes | None, bytes | None]:
    """:func:`split` as a plain tuple, with the same checks: verify splits every salted entry, and
    a named tuple cost it ~0.3 us each (more than a tenth of the split)."""
    try:
        data = orjson.loads(state)
    except orjson.JSONDecodeError:
        raise InvalidError("the stored entry is not JSON") from None
    if type(data) is not dict:
        raise InvalidError("the stored entry is not a JSON object")
    salt_text = data.pop(SALT, None)
    redacted = data.pop(REDACTED, None)
    found: list[list[Any]] = []
    _null_dict(data, "", found)
    structure = orjson.dumps(data)
    if (salt_text is None) == (redacted is None):
        raise InvalidError("the stored entry has neither a salt nor a redaction, or both")
    if salt_text is not None:
        salt = _decode(salt_text, "salt", SALT_SIZE)
        content = orjson.dumps(found)
        return structure, _sha256(_DIGEST_TAG + salt + content).digest(), salt, content
    if type(redacted) is not dict or len(redacted) != 1 or "content_sha256" not in redacted:
        raise InvalidError("the stored entry's redaction is malformed")
    return structure, _decode(redacted["content_sha256"], "content digest", 32), None, None


def _decode(text: Any, what: str, size: int) -> bytes:
    # Canonical base64 of exactly ``size`` bytes: strict decoding, then the same text re-encoded.
    try:
        data = a2b_base64(text, strict_mode=True) if type(text) is str and text.isascii() else b""
    except (binascii.Error, ValueError):
        data = b""
    if len(data) != size or b2a_base64(data, newline=False) != text.encode():
        raise InvalidError(f"the stored entry's {what} is malformed")
    return data


def _replace(value: Any, key: str | None, placeholder: str, digest_of_placeholder: str) -> Any:
    if isinstance(value, dict):
        return {k: _replace(v, k, placeholder, digest_of_placeholder) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, key, placeholder, digest_of_placeholder) for v in value]
    if isinstance(value, str) and key in CONTENT_FIELDS:
        return digest_of_placeholder if key == "text_sha256" else placeholder
    return value


def redact(state: bytes, placeholder: str) -> bytes:
    """The stored JSON of entry ``state`` with its content and salt erased, its digest kept."""
    parts = split(state)
    if parts.salt is None:
        raise InvalidError("the entry is already redacted")
    data = orjson.loads(state)
    del data[SALT]
    erased = _replace(data, None, placeholder, hashlib.sha256(placeholder.encode()).hexdigest())
    erased[REDACTED] = {"content_sha256": base64.b64encode(parts.digest).decode()}
    return orjson.dumps(erased)
