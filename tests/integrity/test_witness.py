"""Witness cosignatures (C2SP tlog-cosignature v1) and the witness's checks (C2SP tlog-witness)."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from cli.main import ledger as ledger_group
from domain.errors import InvalidError, VerificationError
from ledger import Ledger, Signer, check_proof
from ledger.integrity.checkpoint import sign_checkpoint
from ledger.integrity.cosignature import (
    Cosigner,
    CosignerVerifier,
    cosignature_message,
    parse_signature_lines,
    require_cosignatures,
)
from ledger.integrity.note import parse_note
from ledger.integrity.witness import AddCheckpoint, Witness, WitnessRefusedError, parse_add_checkpoint
from tests.integrity.helpers import record_actors

# From C2SP tlog-cosignature (the example checkpoint and its signed message).
SPEC_BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
SPEC_COSIGNATURE = (
    "— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZ"
    "qhf5nNo0xUe+mbIUBkBIfZ+qnA=="
)
SPEC_MESSAGE = (
    "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
)
# A published witness's verifier key (transparency-dev/formats note tests): its id is computed with 0x04.
REMORA = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"
# A cosignature from transparency-dev/formats' tests, with its timestamp.
FORMATS_COSIGNATURE = (
    "ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA=="
)


def test_the_spec_example_cosignature_parses_to_its_time_and_message() -> None:
    (signature,) = parse_signature_lines(SPEC_COSIGNATURE)
    assert signature.name == "witness.example.com/w1"
    assert len(signature.signature) == 8 + 64
    timestamp = int.from_bytes(signature.signature[:8])
    assert timestamp == 1679315147
    assert cosignature_message(SPEC_BODY, timestamp) == SPEC_MESSAGE.encode()
    raw = base64.b64decode(FORMATS_COSIGNATURE)
    assert (len(raw), int.from_bytes(raw[4:12])) == (76, 1727964367)


def test_a_published_witness_key_has_the_key_id_the_spec_defines() -> None:
    verifier = CosignerVerifier.parse(REMORA)
    name, _, rest = REMORA.partition("+")
    encoded = rest.partition("+")[2]
    digest = hashlib.sha256(name.encode() + b"\n" + base64.b64decode(encoded)).digest()
    assert verifier.key_id == int.from_bytes(digest[:4]) == 0xDA77ADE7
    assert verifier.encode() == REMORA
    with pytest.raises(InvalidError, match="algorithm 4"):
        CosignerVerifier.parse(Ledger.generate_key("desk").verifier.encode())  # a log key (0x01) is not one


def test_a_cosignature_line_is_byte_exact() -> None:
    witness = Cosigner.generate("witness.example/w1")
    line = witness.cosign(SPEC_BODY, 1679315147)
    prefix = "— witness.example/w1 "
    assert line.startswith(prefix)
    raw = base64.b64decode(line.removeprefix(prefix))
    public = witness.verifier.public_key
    key_id = hashlib.sha256(b"witness.example/w1\n\x04" + public).digest()[:4]
    assert raw[:4] == key_id
    assert raw[4:12] == (1679315147).to_bytes(8, "big")
    # Checked with the Ed25519 library alone, over the spec's message bytes.
    Ed25519PublicKey.from_public_bytes(public).verify(raw[12:], SPEC_MESSAGE.encode())
    assert len(raw) == 76
    assert Cosigner.parse(witness.encode()).verifier == witness.verifier


@pytest.fixture
def log(tmp_path: Path) -> tuple[Ledger, Signer]:
    ledger = Ledger.open(tmp_path / "ledger.db", recorded_by="test")
    record_actors(ledger, 6)
    key = Ledger.generate_key("desk")
    ledger.checkpoint(key)
    yield ledger, key
    ledger.close()


def _witness(tmp_path: Path, ledger: Ledger, key: Signer, name: str = "w1") -> Witness:
    state = tmp_path / f"{name}.json"
    Witness.create_state(state)
    witness = Witness(Cosigner.generate(f"witness.example/{name}"), state)
    witness.add_log(ledger.origin, [key.verifier])
    return witness


def test_a_witness_cosigns_what_extends_what_it_cosigned(tmp_path: Path, log: tuple[Ledger, Signer]) -> None:
    ledger, key = log
    witness = _witness(tmp_path, ledger, key)
    line = witness.cosign(ledger.witness_request(0), now=1_700_000_000)
    cosigned = ledger.add_cosignatures(line, [witness.key.verifier])  # type: ignore[union-attr]
    found = require_cosignatures(cosigned.note, [witness.key.verifier])  # type: ignore[union-attr]
    assert [(c.name, c.timestamp) for c in found] == [("witness.example/w1", 1_700_000_000)]
    assert witness.logs()[ledger.origin].size == 6

    record_actors(ledger, 3, prefix="more")
    ledger.checkpoint(key)
    request = parse_add_checkpoint(ledger.witness_request(6))
    assert request.old_size == 6
    assert request.proof
    witness.cosign(request)
    assert witness.logs()[ledger.origin].size == 9
    # Cosigning the same checkpoint again is fine (same size, same root, empty proof).
    witness.cosign(ledger.witness_request(9))


def test_a_witness_refuses_rollbacks_forks_bad_proofs_and_wrong_old_sizes(
    tmp_path: Path, log: tuple[Ledger, Signer]
) -> None:
    ledger, key = log
    witness = _witness(tmp_path, ledger, key)
    six = ledger.checkpoints()[-1].note
    witness.cosign(ledger.witness_request(0))
    record_actors(ledger, 3, prefix="more")
    ledger.checkpoint(key)
    good = parse_add_checkpoint(ledger.witness_request(6))

    flipped = bytearray(good.proof[0])
    flipped[0] ^= 1
    with pytest.raises(WitnessRefusedError, match="bad-proof: the consistency proof from size 6 to 9") as bad:
        witness.cosign(AddCheckpoint(6, (bytes(flipped), *good.proof[1:]), good.checkpoint))
    assert bad.value.reason == "bad-proof"
    with pytest.raises(WitnessRefusedError, match=r"last cosigned .* at size 6, not 0") as conflict:
        witness.cosign(AddCheckpoint(0, (), good.checkpoint))
    assert (conflict.value.reason, conflict.value.size) == ("conflict", 6)
    assert witness.logs()[ledger.origin].size == 6  # nothing changed

    witness.cosign(good)
    with pytest.raises(WitnessRefusedError, match=r"rollback: .* cosigned at size 9; refusing the smaller"):
        witness.cosign(AddCheckpoint(6, (), six))
    fork = sign_checkpoint(ledger.origin, 9, hashlib.sha256(b"another history").digest(), key)
    with pytest.raises(WitnessRefusedError, match=r"fork: .* refusing another root") as forked:
        witness.cosign(AddCheckpoint(9, (), fork))
    assert forked.value.reason == "fork"

    untrusted = sign_checkpoint(ledger.origin, 12, bytes(32), Ledger.generate_key("desk"))
    with pytest.raises(WitnessRefusedError, match="not-signed"):
        witness.cosign(AddCheckpoint(9, (), untrusted))
    other = sign_checkpoint("example.com/other-log", 1, bytes(32), key)
    with pytest.raises(WitnessRefusedError, match="unknown-log"):
        witness.cosign(AddCheckpoint(0, (), other))
    assert witness.logs()[ledger.origin].size == 9


def test_malformed_requests_are_refused(log: tuple[Ledger, Signer]) -> None:
    ledger, _ = log
    body = ledger.witness_request(0)
    assert body.startswith("old 0\n\n")
    for broken, message in [
        (body.replace("old 0", "old +0"), "is not 'old SIZE'"),
        (body.replace("old 0", "old 00"), "is not 'old SIZE'"),
        (body.replace("old 0\n\n", "old 0\n"), "proof line 1 is not valid base64"),
        ("old 3\nAAAA\n\n" + body.removeprefix("old 0\n\n"), "32-byte hash"),
        ("old 3\nAAA\n\n" + body.removeprefix("old 0\n\n"), "base64"),
    ]:
        with pytest.raises(InvalidError, match=message):
            parse_add_checkpoint(broken)


def run(*args: str, url: str = "ledger.db") -> Result:
    return CliRunner().invoke(ledger_group, list(args), env={"LEDGER_URL": url})


def test_witnesses_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with Ledger.open(tmp_path / "ledger.db", recorded_by="test") as ledger:
        record_actors(ledger, 6)
        origin = ledger.origin
    assert run("keys", "generate", "--name", "desk", "--out", "desk.key").exit_code == 0
    assert run("checkpoint", "--key", "desk.key").exit_code == 0
    for name in ("w1", "w2"):
        made = run("witness", "init", "--name", f"witness.example/{name}", "--key", f"{name}.key", "--state",
                   f"{name}.json")  # fmt: skip
        assert made.exit_code == 0, made.output
        assert run("witness", "add-log", "--state", f"{name}.json", "--origin", origin, "--log-key",
                   "desk.key.pub").exit_code == 0  # fmt: skip
    (tmp_path / "request.txt").write_text(run("witness", "request").output)

    def verify(*witnesses: str, minimum: int | None = None) -> Result:
        args = ["verify", "--key", "desk.key.pub"]
        for w in witnesses:
            args += ["--witness-key", f"{w}.key.pub"]
        if minimum is not None:
            args += ["--min-witnesses", str(minimum)]
        return run(*args)

    # No cosignature yet: 0 of 1.
    refused = verify("w1")
    assert refused.exit_code == 3
    assert "cosigned by 0 of the 1 given witnesses (none of them); at least 1 required" in refused.output
    assert verify("w1", "w2", minimum=0).exit_code == 0

    cosig = run("witness", "cosign", "request.txt", "--key", "w1.key", "--state", "w1.json")
    assert cosig.exit_code == 0, cosig.output
    (tmp_path / "w1.cosig").write_text(cosig.output)
    stored = run("checkpoint", "--cosignatures", "w1.cosig", "--witness-key", "w1.key.pub")
    assert stored.exit_code == 0, stored.output
    assert cosig.output in stored.output

    one = verify("w1")
    assert one.exit_code == 0, one.output
    assert one.output.rstrip().endswith("latest cosigned by witness.example/w1")
    assert verify("w1", "w2", minimum=1).exit_code == 0
    two_needed = verify("w1", "w2")
    assert two_needed.exit_code == 3
    expected = "cosigned by 1 of the 2 given witnesses (witness.example/w1); at least 2 required"
    assert expected in two_needed.output
    assert verify("w1", minimum=2).exit_code == 2  # more than given: a usage error

    (tmp_path / "w2.cosig").write_text(run("witness", "cosign", "request.txt", "--key", "w2.key", "--state",
                                           "w2.json").output)  # fmt: skip
    # A cosignature by a key not given is refused, not stored.
    wrong = run("checkpoint", "--cosignatures", "w2.cosig", "--witness-key", "w1.key.pub")
    assert wrong.exit_code == 3
    assert run("checkpoint", "--cosignatures", "w2.cosig", "--witness-key", "w2.key.pub").exit_code == 0
    both = verify("w1", "w2")
    assert both.exit_code == 0, both.output
    assert json.loads(run("verify", "--witness-key", "w1.key.pub", "--json").output)["cosigned_by"] == [
        "witness.example/w1"
    ]

    # Proofs carry the cosigned checkpoint; check-proof requires the witnesses.
    (tmp_path / "proof.json").write_text(run("prove", "inclusion", "actor/actor-1").output)
    checked = run("check-proof", "proof.json", "--key", "desk.key.pub", "--witness-key", "w1.key.pub",
                  "--witness-key", "w2.key.pub")  # fmt: skip
    assert checked.exit_code == 0, checked.output
    assert "cosigned by witness.example/w1, witness.example/w2" in checked.output
    other = Cosigner.generate("witness.example/w3")
    missing = run(
        "check-proof", "proof.json", "--key", "desk.key.pub", "--witness-key", other.verifier.encode()
    )
    assert missing.exit_code == 3
    assert check_proof((tmp_path / "proof.json").read_text(), witnesses=[]).cosigned_by == ()

    # A rollback on the command line: exit 3, naming it.
    with Ledger.open(tmp_path / "ledger.db") as ledger:
        old_note = ledger.checkpoints()[0].note
    (tmp_path / "rollback.txt").write_text(AddCheckpoint(6, (), old_note).encode())
    with Ledger.open(tmp_path / "ledger.db", recorded_by="test") as ledger:
        record_actors(ledger, 2, prefix="late")
    assert run("checkpoint", "--key", "desk.key").exit_code == 0
    (tmp_path / "grow.txt").write_text(run("witness", "request", "--old", "6").output)
    assert run("witness", "cosign", "grow.txt", "--key", "w1.key", "--state", "w1.json").exit_code == 0
    rolled = run("witness", "cosign", "rollback.txt", "--key", "w1.key", "--state", "w1.json")
    assert rolled.exit_code == 3
    assert rolled.output.startswith("Error: rollback: ")


def test_a_cosignature_that_does_not_verify_is_an_error_not_ignored(log: tuple[Ledger, Signer]) -> None:
    ledger, _ = log
    witness = Cosigner.generate("witness.example/w1")
    note = ledger.checkpoints()[-1].note
    line = witness.cosign(parse_note(note).text, 1_700_000_000)
    raw = bytearray(base64.b64decode(line.split(" ")[-1]))
    raw[-1] ^= 1
    forged = note + line.rsplit(" ", 1)[0] + " " + base64.b64encode(bytes(raw)).decode() + "\n"
    with pytest.raises(VerificationError, match=r"the cosignature by witness witness\.example/w1 does not"):
        require_cosignatures(forged, [witness.verifier])
