"""C2SP signed notes with Ed25519 keys, in the note key format.

A *signer key* reads ``PRIVATE+KEY+<name>+<key id>+<base64(0x01 || seed)>``
and its *verifier key* ``<name>+<key id>+<base64(0x01 || public key)>``; the
key id is the first four bytes of ``SHA-256(name || "\\n" || 0x01 || public
key)``, in hex. A signed note is its text (non-empty, ending in a newline),
a blank line, then one line per signature: an em dash, a space, the key
name, a space and ``base64(key id || signature)``.

Parsing is strict: malformed text, keys, names or base64 (including
non-canonical base64, so that no single flipped bit goes unnoticed) raise
:class:`InvalidError`; a signature that does not verify raises
:class:`VerificationError`.

>>> signer = Signer.parse(
...     "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")
>>> signer.verifier.encode()
'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'
>>> note = sign_note("hello\\n", signer)
>>> [v.name for v in open_note(note, [signer.verifier]).verified_by]
['PeterNeumann']
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from domain.errors import InvalidError, VerificationError

ED25519 = 0x01
SIGNATURE_PREFIX = "\u2014 "
MAX_SIGNATURES = 100


def decode_base64(text: str, what: str) -> bytes:
    """Standard, padded, canonical base64; :class:`InvalidError` naming ``what`` otherwise."""
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidError(f"{what} is not valid base64") from None
    if base64.b64encode(data).decode() != text:
        raise InvalidError(f"{what} is not canonical base64")
    return data


def encode_base64(data: bytes) -> str:
    """Standard, padded base64."""
    return base64.b64encode(data).decode()


def check_name(name: str, what: str = "key name") -> str:
    """A key name: non-empty, with no ``+`` and no whitespace."""
    if not name or "+" in name or any(c.isspace() for c in name) or not name.isprintable():
        raise InvalidError(f"invalid {what} {name!r}: it must be non-empty, without '+' or spaces")
    return name


def key_id(name: str, public_key: bytes, algorithm: int = ED25519) -> int:
    """The 32-bit id of a verifier key named ``name``: ``SHA-256(name || "\\n" || algorithm || key)[:4]``."""
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([algorithm]) + public_key).digest()
    return int.from_bytes(digest[:4])


def key_fields(text: str, what: str, algorithm: int = ED25519) -> tuple[str, int, bytes]:
    """The name, key id and 32-byte key of ``name+hexid+base64(algorithm || key)``; InvalidError if not."""
    name, _, rest = text.partition("+")
    hex_id, _, encoded = rest.partition("+")
    check_name(name)
    if len(hex_id) != 8 or any(c not in "0123456789abcdef" for c in hex_id.lower()):
        raise InvalidError(f"malformed {what}: the key id must be 8 hex digits")
    key = decode_base64(encoded, f"the {what}")
    if len(key) != 33 or key[0] != algorithm:
        raise InvalidError(
            f"malformed {what}: only Ed25519 keys (algorithm {algorithm}, 32 bytes) are supported"
        )
    return name, int(hex_id, 16), key[1:]


@dataclass(frozen=True)
class Verifier:
    """An Ed25519 verifier key: checks signatures made by one signer."""

    name: str
    key_id: int
    public_key: bytes

    @classmethod
    def parse(cls, text: str) -> Verifier:
        """Read ``name+keyid+base64`` (surrounding whitespace ignored)."""
        name, given_id, key = key_fields(text.strip(), "verifier key")
        if key_id(name, key) != given_id:
            raise InvalidError(f"malformed verifier key {name}: its key id does not match the key")
        return cls(name, given_id, key)

    def encode(self) -> str:
        """The verifier key in note key format."""
        return f"{self.name}+{self.key_id:08x}+{encode_base64(bytes([ED25519]) + self.public_key)}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is this key's signature of ``message``."""
        from cryptography.exceptions import InvalidSignature  # noqa: PLC0415 (slow import: only when keys are used)
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey  # noqa: PLC0415

        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True, repr=False)
class Signer:
    """An Ed25519 signer key (its seed is secret: it never appears in ``repr``)."""

    name: str
    key_id: int
    seed: bytes

    @classmethod
    def generate(cls, name: str) -> Signer:
        """A new random key pair named ``name``."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: PLC0415

        check_name(name)
        seed = Ed25519PrivateKey.generate().private_bytes_raw()
        return cls(name, key_id(name, public_key(seed)), seed)

    @classmethod
    def parse(cls, text: str) -> Signer:
        """Read ``PRIVATE+KEY+name+keyid+base64`` (surrounding whitespace ignored)."""
        text = text.strip()
        if not text.startswith("PRIVATE+KEY+"):
            raise InvalidError("malformed signer key: it must start with PRIVATE+KEY+")
        name, given_id, seed = key_fields(text.removeprefix("PRIVATE+KEY+"), "signer key")
        if key_id(name, public_key(seed)) != given_id:
            raise InvalidError(f"malformed signer key {name}: its key id does not match the key")
        return cls(name, given_id, seed)

    def encode(self) -> str:
        """The signer key in note key format (secret)."""
        return f"PRIVATE+KEY+{self.name}+{self.key_id:08x}+{encode_base64(bytes([ED25519]) + self.seed)}"

    @property
    def verifier(self) -> Verifier:
        """The matching verifier key, to publish."""
        return Verifier(self.name, self.key_id, public_key(self.seed))

    def sign(self, message: bytes) -> bytes:
        """The Ed25519 signature of ``message``."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: PLC0415

        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)

    def __repr__(self) -> str:
        return f"Signer({self.verifier.encode()!r})"


def public_key(seed: bytes) -> bytes:
    """The Ed25519 public key of a 32-byte seed."""
    # cryptography costs a tenth of the CLI's start: imported only when a key is used.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: PLC0415
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat  # noqa: PLC0415

    return (
        Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    )


@dataclass(frozen=True)
class Signature:
    """One signature line of a note."""

    name: str
    key_id: int
    signature: bytes

    def line(self) -> str:
        """The signature line, without its newline."""
        return f"{SIGNATURE_PREFIX}{self.name} {encode_base64(self.key_id.to_bytes(4) + self.signature)}"


@dataclass(frozen=True)
class Note:
    """A parsed signed note: its text, its signatures, and which given keys verified it."""

    text: str
    signatures: tuple[Signature, ...]
    verified_by: tuple[Verifier, ...] = ()


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise InvalidError("malformed note: its text must end with a newline")
    if any(ord(c) < 0x20 and c != "\n" for c in text) or "\ufffd" in text:
        raise InvalidError("malformed note: it contains control characters or invalid UTF-8")


def sign_note(text: str, *signers: Signer) -> str:
    """The note ``text`` signed by each of ``signers``."""
    _check_text(text)
    if not signers:
        raise InvalidError("a note needs at least one signer")
    if "\n\n" in text:
        raise InvalidError("malformed note: its text must not contain a blank line")
    message = text.encode()
    lines = [Signature(s.name, s.key_id, s.sign(message)).line() for s in signers]
    return text + "\n" + "".join(line + "\n" for line in lines)


def parse_note(note: str | bytes) -> Note:
    """Split a signed note into its text and signatures, checking only its form."""
    if isinstance(note, bytes):
        try:
            note = note.decode()
        except UnicodeDecodeError:
            raise InvalidError("malformed note: it is not UTF-8") from None
    _check_text(note)
    split = note.rfind("\n\n")
    if split < 0:
        raise InvalidError("malformed note: no blank line before the signatures")
    text, block = note[: split + 1], note[split + 2 :]
    if not block:
        raise InvalidError("malformed note: it has no signature")
    lines = block.removesuffix("\n").split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise InvalidError(f"malformed note: more than {MAX_SIGNATURES} signatures")
    signatures = []
    for line in lines:
        if not line.startswith(SIGNATURE_PREFIX):
            raise InvalidError(f"malformed note: {line[:40]!r} is not a signature line")
        name, _, encoded = line.removeprefix(SIGNATURE_PREFIX).partition(" ")
        check_name(name, "signature name")
        raw = decode_base64(encoded, f"the signature by {name}")
        if len(raw) < 5:
            raise InvalidError(f"malformed note: the signature by {name} is too short")
        signatures.append(Signature(name, int.from_bytes(raw[:4]), raw[4:]))
    return Note(text, tuple(signatures))


def open_note(note: str | bytes, verifiers: Sequence[Verifier]) -> Note:
    """Parse ``note`` and check it against ``verifiers``.

    Signatures by keys not given are ignored, as the format says; a
    signature by a given key that does not verify, or a note that no given
    key signed, raises :class:`VerificationError`.
    """
    parsed = parse_note(note)
    message = parsed.text.encode()
    verified: list[Verifier] = []
    for signature in parsed.signatures:
        for verifier in verifiers:
            if (verifier.name, verifier.key_id) != (signature.name, signature.key_id):
                continue
            if not verifier.verify(message, signature.signature):
                raise VerificationError(f"the signature by {signature.name} does not verify")
            if verifier not in verified:
                verified.append(verifier)
    if not verified:
        signed = ", ".join(f"{s.name}+{s.key_id:08x}" for s in parsed.signatures)
        raise VerificationError(f"not signed by any of the given keys (signed by {signed})")
    return Note(parsed.text, parsed.signatures, tuple(verified))
