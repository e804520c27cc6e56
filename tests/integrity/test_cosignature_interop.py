"""Our signed notes and cosignatures against a real checkpoint cosigned by another implementation.

The vector (see vectors/cosignature/README.md) is a public log's checkpoint
with the log's Ed25519 signature and a cosignature by the public witness
remora.n621.de. We must verify both, refuse the note once anything signed is
changed, and write cosignature lines in exactly the witness's format: the
same signed message, the same line layout.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.errors import VerificationError
from ledger.integrity.checkpoint import open_checkpoint
from ledger.integrity.cosignature import (
    COSIGNATURE_V1,
    Cosigner,
    CosignerVerifier,
    cosignature_message,
    cosigner_key_id,
    require_cosignatures,
)
from ledger.integrity.note import SIGNATURE_PREFIX, Signature, Verifier, parse_note

VECTORS = Path(__file__).resolve().parent / "vectors" / "cosignature"
NOTE = (VECTORS / "arche2025h1-cosigned-checkpoint.txt").read_text(encoding="utf-8")
LOG_KEY = (VECTORS / "log.vkey").read_text().strip()
REMORA_KEY = (VECTORS / "witness-remora.vkey").read_text().strip()
REMORA_TIME = 1779573024


def _remora_line() -> str:
    (line,) = [line for line in NOTE.splitlines() if line.startswith(f"{SIGNATURE_PREFIX}remora.n621.de ")]
    return line


def test_we_verify_the_logs_signature_and_the_witness_cosignature() -> None:
    checkpoint = open_checkpoint(NOTE, [Verifier.parse(LOG_KEY)])
    assert (checkpoint.origin, checkpoint.size) == ("arche2025h1.staging.ct.transparency.dev", 1432088532)
    assert checkpoint.root_base64 == "U7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro="
    found = require_cosignatures(NOTE, [CosignerVerifier.parse(REMORA_KEY)], 1)
    assert [(c.name, c.timestamp) for c in found] == [("remora.n621.de", REMORA_TIME)]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("\n1432088532\n", "\n1432088533\n"),
        ("U7WM79jr", "U7WM79js"),
        ("arche2025h1.staging", "arche2025h2.staging"),
    ],
)
def test_a_changed_checkpoint_no_longer_verifies(old: str, new: str) -> None:
    changed = NOTE.replace(old, new, 1)
    with pytest.raises(VerificationError):
        require_cosignatures(changed, [CosignerVerifier.parse(REMORA_KEY)], 1)
    with pytest.raises(VerificationError):
        open_checkpoint(changed, [Verifier.parse(LOG_KEY)])


def test_the_witness_key_id_is_the_specs_and_reads_back_byte_for_byte() -> None:
    witness = CosignerVerifier.parse(REMORA_KEY)
    assert witness.encode() == REMORA_KEY
    expected = hashlib.sha256(b"remora.n621.de\n" + bytes([COSIGNATURE_V1]) + witness.public_key).digest()[:4]
    assert cosigner_key_id(witness.name, witness.public_key) == int.from_bytes(expected) == 0xDA77ADE7


def test_our_signed_message_is_the_one_the_witness_signed() -> None:
    # Checked with the Ed25519 library alone: if our message differed by one byte, this would fail.
    raw = base64.b64decode(_remora_line().split(" ")[2])
    assert raw[:4] == bytes.fromhex("da77ade7")
    assert int.from_bytes(raw[4:12]) == REMORA_TIME
    body = parse_note(NOTE).text
    key = Ed25519PublicKey.from_public_bytes(CosignerVerifier.parse(REMORA_KEY).public_key)
    key.verify(raw[12:], cosignature_message(body, REMORA_TIME))


def test_every_signature_line_reads_back_byte_for_byte() -> None:
    note = parse_note(NOTE)
    lines = NOTE.split("\n\n", 1)[1].splitlines()
    assert [s.line() for s in note.signatures] == lines
    assert note.text + "\n" + "".join(f"{line}\n" for line in lines) == NOTE


def test_our_cosignature_line_has_the_witness_layout() -> None:
    # Name, key id, 8-byte big-endian timestamp, 64-byte Ed25519 signature: the same fields, in the
    # same order and sizes, as the witness's line over the same checkpoint body.
    ours = Cosigner.generate("witness.example/w1")
    body = parse_note(NOTE).text
    line = ours.cosign(body, REMORA_TIME)
    name, encoded = line.removeprefix(SIGNATURE_PREFIX).split(" ")
    raw, theirs = base64.b64decode(encoded), base64.b64decode(_remora_line().split(" ")[2])
    assert (name, len(raw), raw[4:12]) == ("witness.example/w1", len(theirs), theirs[4:12])
    assert line == Signature(name, ours.key_id, raw[4:]).line()
    found = require_cosignatures(NOTE + line + "\n", [ours.verifier, CosignerVerifier.parse(REMORA_KEY)])
    assert sorted(c.name for c in found) == ["remora.n621.de", "witness.example/w1"]
