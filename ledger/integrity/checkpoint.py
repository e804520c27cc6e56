"""C2SP tlog-checkpoint: a tree size and root, signed as a note.

The body is the origin line (which log this is: the ledger's ``origin``
from its metadata), the tree size in decimal, and the base64 root hash,
each ending in a newline, optionally followed by extension lines::

    provenance-ledger/5f0c...
    42
    qHPu1yrd0DHGYFwH7q0LBEXXnkgaWlqWbFXGLAd3HRI=

>>> from ledger.integrity.note import Signer
>>> signer = Signer.generate("desk")
>>> note = sign_checkpoint("example/log", 3, bytes(32), signer)
>>> checkpoint = open_checkpoint(note, [signer.verifier])
>>> checkpoint.origin, checkpoint.size, checkpoint.signed_by
('example/log', 3, ('desk',))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.errors import InvalidError
from ledger.integrity.note import (
    Note,
    Signer,
    Verifier,
    decode_base64,
    encode_base64,
    open_note,
    parse_note,
    sign_note,
)
from ledger.integrity.tree import HASH_SIZE

_MAX_SIZE = (1 << 63) - 1


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement of a log's size and root."""

    origin: str
    size: int
    root: bytes
    note: str
    """The whole signed note, exactly as signed."""
    signed_by: tuple[str, ...] = ()
    """Names of the given keys whose signatures verified (empty when none were given)."""

    @property
    def root_base64(self) -> str:
        """The root hash in base64, as the note writes it."""
        return encode_base64(self.root)


def checkpoint_body(origin: str, size: int, root: bytes) -> str:
    """The checkpoint's note text."""
    _check_origin(origin)
    if not 0 <= size <= _MAX_SIZE or len(root) != HASH_SIZE:
        raise InvalidError(f"no checkpoint of size {size} with a {len(root)}-byte root")
    return f"{origin}\n{size}\n{encode_base64(root)}\n"


def sign_checkpoint(origin: str, size: int, root: bytes, *signers: Signer) -> str:
    """The signed note of a checkpoint."""
    return sign_note(checkpoint_body(origin, size, root), *signers)


def _check_origin(origin: str) -> None:
    if not origin or origin != origin.strip() or not origin.isprintable():
        raise InvalidError(f"malformed checkpoint: invalid origin line {origin!r}")


def _parse_body(note: Note, text: str) -> Checkpoint:
    lines = note.text.removesuffix("\n").split("\n")
    if len(lines) < 3:
        raise InvalidError("malformed checkpoint: it needs an origin, a size and a root hash")
    origin, size_text, root_text, *extensions = lines
    _check_origin(origin)
    if not size_text.isascii() or not size_text.isdigit() or (size_text != "0" and size_text[0] == "0"):
        raise InvalidError(f"malformed checkpoint: invalid tree size {size_text[:30]!r}")
    size = int(size_text)
    if size > _MAX_SIZE:
        raise InvalidError("malformed checkpoint: tree size out of range")
    root = decode_base64(root_text, "the checkpoint's root hash")
    if len(root) != HASH_SIZE:
        raise InvalidError(f"malformed checkpoint: the root hash has {len(root)} bytes, not {HASH_SIZE}")
    if any(not line for line in extensions):
        raise InvalidError("malformed checkpoint: empty extension line")
    return Checkpoint(origin, size, root, text, tuple(v.name for v in note.verified_by))


def _text(note: str | bytes) -> str:
    return note.decode(errors="replace") if isinstance(note, bytes) else note


def parse_checkpoint(note: str | bytes) -> Checkpoint:
    """Read a signed checkpoint without checking its signatures (only its form)."""
    return _parse_body(parse_note(note), _text(note))


def open_checkpoint(note: str | bytes, verifiers: Sequence[Verifier]) -> Checkpoint:
    """Read a signed checkpoint, requiring a valid signature by one of ``verifiers``."""
    parse_checkpoint(note)  # a malformed body is reported as such before any signature
    return _parse_body(open_note(note, verifiers), _text(note))
