"""The integrity commands end to end, on real SQLite files."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from cli.integrity import INTEGRITY_COMMANDS
from cli.main import ledger as ledger_group
from domain.errors import LedgerError
from ledger import Ledger, check_proof
from tests.integrity.helpers import raw, record_actors


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    with Ledger.open(tmp_path / "ledger.db", recorded_by="test") as ledger:
        record_actors(ledger, 6)
    return tmp_path


def run(*args: str, url: str = "ledger.db") -> Result:
    return CliRunner().invoke(ledger_group, list(args), env={"LEDGER_URL": url})


def keys(name: str = "desk") -> None:
    assert run("keys", "generate", "--name", name, "--out", f"{name}.key").exit_code == 0


def test_keys_generate_writes_a_private_key_only_its_owner_reads(workdir: Path) -> None:
    result = run("keys", "generate", "--name", "newsroom", "--out", "k")
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((workdir / "k").stat().st_mode) == 0o600
    assert (workdir / "k").read_text().startswith("PRIVATE+KEY+newsroom+")
    public = (workdir / "k.pub").read_text()
    assert public.startswith("newsroom+")
    assert "PRIVATE" not in public
    assert public.strip() in result.output
    again = run("keys", "generate", "--out", "k")
    assert (again.exit_code, again.output) == (1, "Error: k.pub already exists; not overwriting a key\n")


def test_checkpoint_verify_prove_and_check_offline(workdir: Path) -> None:
    keys()
    signed = run("checkpoint", "--key", "desk.key")
    assert signed.exit_code == 0, signed.output
    assert signed.output.splitlines()[1:3][0] == "6"
    (workdir / "cp6.txt").write_text(signed.output)
    record_more(workdir)
    (workdir / "cp9.txt").write_text(run("checkpoint", "--key", "desk.key").output)

    as_json = json.loads(run("verify", "--key", "desk.key.pub", "--json").output)
    assert as_json["events"] == 9
    assert as_json["checkpoints"] == 2
    assert as_json["signatures_checked"] is True
    verified = run("verify", "--key", "desk.key.pub", "--trusted", "cp6.txt")
    assert verified.exit_code == 0, verified.output
    assert verified.output.startswith("verified 9 events, root ")
    assert verified.output.endswith("consistent with the trusted checkpoint of size 6\n")
    assert len(verified.output.splitlines()) == 1

    inclusion = run("prove", "inclusion", "actor/actor-2", "--checkpoint", "cp6.txt")
    assert inclusion.exit_code == 0, inclusion.output
    (workdir / "inclusion.json").write_text(inclusion.output)
    consistency = run("prove", "consistency", "cp6.txt", "cp9.txt")
    assert consistency.exit_code == 0, consistency.output
    (workdir / "consistency.json").write_text(consistency.output)

    # Offline: a process with no ledger anywhere near it.
    elsewhere = workdir / "elsewhere"
    elsewhere.mkdir()
    for name in ("inclusion.json", "consistency.json", "desk.key.pub"):
        (elsewhere / name).write_bytes((workdir / name).read_bytes())
    env = {k: v for k, v in os.environ.items() if k != "LEDGER_URL"}
    command = [sys.executable, "-c", "from cli.main import main; main()", "check-proof"]
    for proof, expected in [
        (
            "inclusion.json",
            "ok: entry at position 3 (actor/actor-2 v1, ledger.ActorRegistered.v1) is in the tree of size 6",
        ),
        ("consistency.json", "ok: the tree of size 6 is a prefix of the tree of size 9 of the log"),
    ]:
        done = subprocess.run(
            [*command, proof, "--key", "desk.key.pub"],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert (done.returncode, done.stderr) == (0, "")
        assert done.stdout.startswith(expected)
        assert "of the log 'provenance-ledger/" in done.stdout
        assert "(signed by desk; root " in done.stdout
    done = subprocess.run(
        [*command, "inclusion.json", "--key", "desk.key.pub", "--json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    entry = json.loads(done.stdout)["entry"]
    assert (entry["position"], entry["subject"], entry["version"]) == (3, "actor/actor-2", 1)
    assert sorted(p.name for p in elsewhere.iterdir()) == [
        "consistency.json",
        "desk.key.pub",
        "inclusion.json",
    ]


def record_more(workdir: Path) -> None:
    with Ledger.open(workdir / "ledger.db") as ledger:
        record_actors(ledger, 3, prefix="more")


def test_a_proof_with_one_flipped_bit_is_rejected(workdir: Path) -> None:
    keys()
    run("checkpoint", "--key", "desk.key")
    proof = run("prove", "inclusion", "actor/actor-4").output
    data = json.loads(proof)
    hash_bytes = bytearray(base64.b64decode(data["hashes"][0]))
    hash_bytes[5] ^= 0x10
    data["hashes"][0] = base64.b64encode(bytes(hash_bytes)).decode()
    (workdir / "flipped.json").write_text(json.dumps(data))
    result = run("check-proof", "flipped.json", "--key", "desk.key.pub")
    assert result.exit_code == 3
    assert result.output == (
        "Error: the entry at position 5 is not in the tree of size 6: the proof does not lead to its root\n"
    )


def test_every_single_bit_flip_of_a_proof_is_rejected(workdir: Path) -> None:
    keys()
    run("checkpoint", "--key", "desk.key")
    proof = run("prove", "inclusion", "actor/actor-1").output.encode()
    verifier = (workdir / "desk.key.pub").read_text()
    assert check_proof(proof, [verifier]).size == 6
    accepted = []
    for bit in range(len(proof) * 8):
        flipped = bytearray(proof)
        flipped[bit // 8] ^= 1 << (bit % 8)
        try:
            check_proof(bytes(flipped), [verifier])
        except LedgerError:
            continue
        accepted.append(bit)
    assert accepted == []


def test_verify_names_the_first_failure_and_exits_3(workdir: Path) -> None:
    keys()
    run("checkpoint", "--key", "desk.key")
    with raw(workdir / "ledger.db") as db:
        db.execute("UPDATE stored_events SET topic='ledger.Forged.v1' WHERE notification_id=4")
    result = run("verify", "--key", "desk.key.pub")
    assert result.exit_code == 3
    assert result.output == (
        "Error: position 4: the stored entry does not match the leaf recorded with it "
        "(it was altered, replaced or moved after it was recorded)\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["checkpoint", "--key", "missing.key"],
            "Error: cannot read signer key missing.key: No such file or directory",
        ),
        (
            ["checkpoint", "--key", "desk.key.pub"],
            "Error: malformed signer key: it must start with PRIVATE+KEY+",
        ),
        (["verify", "--key", "nonsense"], "Error: --key nonsense: no such file, and not a verifier key"),
        (
            ["verify", "--trusted", "desk.key"],
            "Error: the trusted checkpoint: malformed note: no blank line before",
        ),
        (["prove", "inclusion", "actor/nobody"], "Error: actor/nobody does not exist"),
        (["prove", "inclusion", "nobody"], "Error: "),
        (["prove", "consistency", "desk.key"], "Error: malformed note: no blank line before the signatures"),
        (["check-proof", "desk.key", "--key", "desk.key.pub"], "Error: desk.key: not a valid proof"),
        (["check-proof", "missing.json", "--key", "desk.key.pub"], "Error: cannot read proof missing.json"),
    ],
)
def test_bad_input_is_one_line_and_no_traceback(workdir: Path, args: list[str], message: str) -> None:
    keys()
    result = run(*args)
    assert result.exit_code in {1, 3}, result.output
    assert result.output.startswith(message)
    assert len(result.output.splitlines()) == 1
    assert "Traceback" not in result.output


def test_no_ledger_is_created_by_verifying_a_missing_one(workdir: Path) -> None:
    result = run("verify", url="absent.db")
    assert (result.exit_code, result.output) == (1, "Error: no ledger at absent.db\n")
    assert not (workdir / "absent.db").exists()


def _all_commands() -> list[click.Command]:
    found: list[click.Command] = []
    for command in INTEGRITY_COMMANDS:
        found.append(command)
        if isinstance(command, click.Group):
            found.extend(command.commands.values())
    return found


@pytest.mark.parametrize("command", _all_commands(), ids=lambda c: c.name)
def test_every_command_has_help_with_an_example(command: click.Command) -> None:
    assert command.help
    assert "Example:\n      ledger " in command.help


def test_the_commands_are_registered(workdir: Path) -> None:
    output = run("--help").output
    for name in ("keys", "checkpoint", "verify", "prove", "check-proof"):
        assert f"  {name} " in output
