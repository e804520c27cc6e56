"""Signed notes, note keys and checkpoints: the C2SP vector, and malformed input refused."""

from __future__ import annotations

import base64

import pytest

from domain.errors import InvalidError, VerificationError
from ledger.integrity.checkpoint import open_checkpoint, parse_checkpoint, sign_checkpoint
from ledger.integrity.note import Signer, Verifier, key_id, open_note, parse_note, sign_note

SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
SIGNED = (
    TEXT
    + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2"
    + "pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_the_signed_note_vector_byte_for_byte() -> None:
    signer = Signer.parse(SIGNER)
    assert signer.encode() == SIGNER
    assert signer.verifier.encode() == VERIFIER
    assert Verifier.parse(VERIFIER) == signer.verifier
    assert signer.key_id == 0xC74F20A3 == key_id("PeterNeumann", signer.verifier.public_key)
    assert sign_note(TEXT, signer).encode() == SIGNED.encode()
    note = open_note(SIGNED.encode(), [Verifier.parse(VERIFIER)])
    assert note.text == TEXT
    assert [v.name for v in note.verified_by] == ["PeterNeumann"]


def test_a_generated_key_round_trips_and_hides_its_seed() -> None:
    signer = Signer.generate("newsroom.example")
    assert Signer.parse(signer.encode()) == signer
    assert Verifier.parse(signer.verifier.encode() + "\n") == signer.verifier
    assert base64.b64encode(signer.seed).decode() not in repr(signer)


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("", "invalid key name"),
        ("PeterNeumann+c74f20a3", "only Ed25519"),
        ("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "invalid key name"),
        ("PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "8 hex digits"),
        ("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "does not match"),
        ("PeterNeumann+c74f20a3+AhpcQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "base64"),
        ("PeterNeumann+c74f20a3+Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "only Ed25519"),
        ("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TX", "does not match"),
        ("Alice+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "does not match"),
    ],
)
def test_malformed_verifier_keys_are_refused(key: str, reason: str) -> None:
    with pytest.raises(InvalidError, match=reason):
        Verifier.parse(key)


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        (VERIFIER, "PRIVATE\\+KEY"),
        (SIGNER.replace("c74f20a3", "c74f20a4"), "does not match"),
        (SIGNER[:-4], "only Ed25519"),
    ],
)
def test_malformed_signer_keys_are_refused(key: str, reason: str) -> None:
    with pytest.raises(InvalidError, match=reason):
        Signer.parse(key)


@pytest.mark.parametrize(
    ("note", "reason"),
    [
        (TEXT, "no blank line"),
        (TEXT + "\n", "no signature"),
        (SIGNED.removesuffix("\n"), "end with a newline"),
        (SIGNED.replace("— ", "- "), "not a signature line"),
        (SIGNED.replace("— PeterNeumann ", "— Peter+Neumann "), "invalid signature name"),
        (SIGNED.replace("x08go", "x08g!"), "base64"),
        (SIGNED.replace("AM=\n", "AN=\n"), "canonical"),
        (
            SIGNED.replace(
                "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
                "AAAA",
            ),
            "too short",
        ),
        (SIGNED.replace("problem,", "problem,\t"), "control characters"),
        (SIGNED.encode()[:-3] + b"\xff\n", "UTF-8"),
        (TEXT + "\n" + "".join(SIGNED.split("\n\n")[1] for _ in range(101)), "more than 100"),
    ],
)
def test_malformed_notes_are_refused(note: str | bytes, reason: str) -> None:
    with pytest.raises(InvalidError, match=reason):
        open_note(note, [Verifier.parse(VERIFIER)])


def test_a_note_must_be_signed_by_a_given_key_and_verify() -> None:
    peter = Verifier.parse(VERIFIER)
    other = Signer.generate("Other")
    with pytest.raises(VerificationError, match="not signed by any of the given keys"):
        open_note(SIGNED, [other.verifier])
    with pytest.raises(VerificationError, match="signature by PeterNeumann does not verify"):
        open_note(SIGNED.replace("your problem is", "your problem was"), [peter])
    # A signature by an unknown key is ignored when a known one verifies.
    cosigned = sign_note(TEXT, Signer.parse(SIGNER), other)
    assert parse_note(cosigned).signatures[1].name == "Other"
    assert [v.name for v in open_note(cosigned, [peter]).verified_by] == ["PeterNeumann"]


def test_signing_refuses_text_that_cannot_be_a_note() -> None:
    signer = Signer.parse(SIGNER)
    for text, reason in [
        ("no newline", "end with a newline"),
        ("a\n\nb\n", "blank line"),
        ("a\x00\n", "control"),
    ]:
        with pytest.raises(InvalidError, match=reason):
            sign_note(text, signer)
    with pytest.raises(InvalidError, match="at least one signer"):
        sign_note(TEXT)


def test_a_checkpoint_round_trips() -> None:
    signer = Signer.parse(SIGNER)
    note = sign_checkpoint("example.org/log", 42, bytes(range(32)), signer)
    assert note.startswith(
        "example.org/log\n42\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n\n— PeterNeumann "
    )
    checkpoint = open_checkpoint(note, [signer.verifier])
    assert (checkpoint.origin, checkpoint.size, checkpoint.root) == ("example.org/log", 42, bytes(range(32)))
    assert checkpoint.signed_by == ("PeterNeumann",)
    assert checkpoint.note == note


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("origin\n42\n", "needs an origin, a size and a root"),
        (" origin\n42\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", "origin"),
        ("origin\n042\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", "tree size"),
        ("origin\n-1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", "tree size"),
        ("origin\n99999999999999999999\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", "out of range"),
        ("origin\n42\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==\n", "31 bytes"),
        ("origin\n42\nnot base64\n", "base64"),
    ],
)
def test_malformed_checkpoints_are_refused(body: str, reason: str) -> None:
    signature = sign_note("x\n", Signer.parse(SIGNER)).split("\n\n")[1]
    with pytest.raises(InvalidError, match=reason):
        parse_checkpoint(body + "\n" + signature)


def test_a_checkpoint_may_carry_extension_lines() -> None:
    signer = Signer.parse(SIGNER)
    note = sign_note("o\n1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\nextension\n", signer)
    assert open_checkpoint(note, [signer.verifier]).size == 1
