"""C2SP tlog-cosignature v1 (Ed25519): a witness's timestamped signature of a checkpoint.

Source: https://c2sp.org/tlog-cosignature ("Ed25519 signed message"). A
cosignature is a note signature line on a checkpoint::

    — <witness name> base64(key id || timestamp || signature)

- the key id is ``SHA-256(name || "\\n" || 0x04 || public key)[:4]``
  (algorithm byte 0x04, not the 0x01 of a log's own signature, so a log key
  and a witness key never share an id);
- the timestamp is a POSIX time in seconds, 8 bytes big-endian, below 2**63;
- the signature is Ed25519 over ``"cosignature/v1\\ntime " || decimal
  timestamp || "\\n"`` followed by the whole checkpoint body (the note text,
  with its final newline, without signature lines).

Witness keys use the note key format with algorithm byte 0x04: the verifier
key ``name+keyid+base64(0x04 || public key)`` (as published witnesses
write theirs), the signer key ``PRIVATE+KEY+name+keyid+base64(0x04 || seed)``.

>>> witness = Cosigner.generate("witness.example/w1")
>>> body = "example.com/log\\n3\\nqHPu1yrd0DHGYFwH7q0LBEXXnkgaWlqWbFXGLAd3HRI=\\n"
>>> line = witness.cosign(body, 1_700_000_000)
>>> [(c.name, c.timestamp) for c in verified_cosignatures(body, [line], [witness.verifier])]
[('witness.example/w1', 1700000000)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.errors import InvalidError, VerificationError
from ledger.integrity.note import (
    SIGNATURE_PREFIX,
    Signature,
    check_name,
    encode_base64,
    key_fields,
    key_id,
    parse_note,
    public_key,
)

COSIGNATURE_V1 = 0x04
"""The algorithm byte of Ed25519 cosignature/v1 keys."""

_MAX_TIMESTAMP = (1 << 63) - 1
_SIGNATURE_SIZE = 4 + 8 + 64


def cosigner_key_id(name: str, key: bytes) -> int:
    """The 32-bit id of a cosigner key: ``SHA-256(name || "\\n" || 0x04 || key)[:4]``."""
    return key_id(name, key, COSIGNATURE_V1)


def cosignature_message(body: str, timestamp: int) -> bytes:
    """The bytes a cosigner signs: the ``cosignature/v1`` header, the time line, the checkpoint body."""
    if not 0 <= timestamp <= _MAX_TIMESTAMP:
        raise InvalidError(f"cosignature timestamp {timestamp} out of range")
    return f"cosignature/v1\ntime {timestamp}\n{body}".encode()


@dataclass(frozen=True)
class CosignerVerifier:
    """A witness's public key: checks its cosignatures."""

    name: str
    key_id: int
    public_key: bytes

    @classmethod
    def parse(cls, text: str) -> CosignerVerifier:
        """Read ``name+keyid+base64(0x04 || key)``; :class:`InvalidError` if malformed."""
        name, given_id, key = key_fields(text.strip(), "witness verifier key", COSIGNATURE_V1)
        if cosigner_key_id(name, key) != given_id:
            raise InvalidError(f"malformed witness verifier key {name}: its key id does not match the key")
        return cls(name, given_id, key)

    def encode(self) -> str:
        """The verifier key in note key format."""
        return f"{self.name}+{self.key_id:08x}+{encode_base64(bytes([COSIGNATURE_V1]) + self.public_key)}"

    def timestamp_if_valid(self, body: str, signature: bytes) -> int | None:
        """The timestamp of ``signature`` (timestamp || Ed25519 signature) if it cosigns ``body``."""
        from cryptography.exceptions import InvalidSignature  # noqa: PLC0415 (slow import)
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey  # noqa: PLC0415

        if len(signature) != _SIGNATURE_SIZE - 4:
            return None
        timestamp = int.from_bytes(signature[:8])
        if timestamp > _MAX_TIMESTAMP:
            return None
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(
                signature[8:], cosignature_message(body, timestamp)
            )
        except InvalidSignature:
            return None
        return timestamp


@dataclass(frozen=True, repr=False)
class Cosigner:
    """A witness's signer key (secret: its seed never appears in ``repr``)."""

    name: str
    key_id: int
    seed: bytes

    @classmethod
    def generate(cls, name: str) -> Cosigner:
        """A new random witness key named ``name`` (a schema-less URL, by the spec's advice)."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: PLC0415

        check_name(name, "witness name")
        seed = Ed25519PrivateKey.generate().private_bytes_raw()
        return cls(name, cosigner_key_id(name, public_key(seed)), seed)

    @classmethod
    def parse(cls, text: str) -> Cosigner:
        """Read ``PRIVATE+KEY+name+keyid+base64(0x04 || seed)``; :class:`InvalidError` if malformed."""
        text = text.strip()
        if not text.startswith("PRIVATE+KEY+"):
            raise InvalidError("malformed witness key: it must start with PRIVATE+KEY+")
        name, given_id, seed = key_fields(
            text.removeprefix("PRIVATE+KEY+"), "witness signer key", COSIGNATURE_V1
        )
        if cosigner_key_id(name, public_key(seed)) != given_id:
            raise InvalidError(f"malformed witness key {name}: its key id does not match the key")
        return cls(name, given_id, seed)

    def encode(self) -> str:
        """The signer key in note key format (secret)."""
        encoded = encode_base64(bytes([COSIGNATURE_V1]) + self.seed)
        return f"PRIVATE+KEY+{self.name}+{self.key_id:08x}+{encoded}"

    @property
    def verifier(self) -> CosignerVerifier:
        """The matching verifier key, to publish."""
        return CosignerVerifier(self.name, self.key_id, public_key(self.seed))

    def cosign(self, body: str, timestamp: int) -> str:
        """The cosignature line (without its newline) of checkpoint ``body`` at ``timestamp`` (seconds)."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: PLC0415

        message = cosignature_message(body, timestamp)
        signature = Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)
        return Signature(self.name, self.key_id, timestamp.to_bytes(8) + signature).line()

    def __repr__(self) -> str:
        return f"Cosigner({self.verifier.encode()!r})"


@dataclass(frozen=True)
class Cosignature:
    """A cosignature that verified: which witness, and when it says it cosigned (POSIX seconds)."""

    name: str
    timestamp: int


def parse_signature_lines(text: str) -> list[Signature]:
    """Signature lines (``— name base64``, one per line), as a witness returns them; checked in form only."""
    lines = [line for line in text.split("\n") if line]
    if not lines or any(not line.startswith(SIGNATURE_PREFIX) for line in lines):
        raise InvalidError("malformed cosignatures: every line must be a note signature line ('— name ...')")
    # Reuse the note parser on a dummy note: one set of rules for signature lines.
    return list(parse_note("x\n\n" + "\n".join(lines) + "\n").signatures)


def verified_cosignatures(
    body: str, lines: Sequence[str | Signature], witnesses: Sequence[CosignerVerifier]
) -> list[Cosignature]:
    """The cosignatures among ``lines`` by ``witnesses`` on checkpoint ``body``, each checked.

    Lines by other keys are ignored, as the signed-note format says; a line
    by a given witness key that does not verify raises
    :class:`VerificationError`.
    """
    found: list[Cosignature] = []
    for item in lines:
        signature = item if isinstance(item, Signature) else parse_signature_lines(item)[0]
        for witness in witnesses:
            if (witness.name, witness.key_id) != (signature.name, signature.key_id):
                continue
            timestamp = witness.timestamp_if_valid(body, signature.signature)
            if timestamp is None:
                raise VerificationError(f"the cosignature by witness {witness.name} does not verify")
            if all(c.name != witness.name for c in found):
                found.append(Cosignature(witness.name, timestamp))
    return found


def require_cosignatures(
    note: str, witnesses: Sequence[CosignerVerifier], minimum: int | None = None, *, what: str = "checkpoint"
) -> tuple[Cosignature, ...]:
    """The cosignatures of signed ``note`` by ``witnesses``; :class:`VerificationError` below ``minimum``.

    ``minimum`` defaults to every witness given.
    """
    needed = len(witnesses) if minimum is None else minimum
    parsed = parse_note(note)
    found = verified_cosignatures(parsed.text, list(parsed.signatures), witnesses)
    if len(found) < needed:
        names = ", ".join(c.name for c in found) or "none of them"
        raise VerificationError(
            f"the {what} is cosigned by {len(found)} of the {len(witnesses)} given witnesses "
            f"({names}); at least {needed} required"
        )
    return tuple(found)


def read_witness_keys(keys: Sequence[CosignerVerifier | str]) -> list[CosignerVerifier]:
    """Witness verifier keys, parsed where given as text."""
    return [k if isinstance(k, CosignerVerifier) else CosignerVerifier.parse(k) for k in keys]
