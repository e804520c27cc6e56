"""Every proof that does not verify exits 3, whichever part is broken; proofs name their log."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cli.main import ledger as ledger_group
from domain.errors import MalformedProofError, VerificationError
from ledger import Ledger, check_proof
from tests.integrity.helpers import record_actors

Mutation = Callable[[dict[str, Any]], Any]


def run(*args: str, url: str = "ledger.db") -> Result:
    return CliRunner().invoke(ledger_group, list(args), env={"LEDGER_URL": url})


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    with Ledger.open(tmp_path / "ledger.db", recorded_by="test") as ledger:
        record_actors(ledger, 6)
    assert run("keys", "generate", "--name", "desk", "--out", "desk.key").exit_code == 0
    assert run("checkpoint", "--key", "desk.key").exit_code == 0
    (tmp_path / "inclusion.json").write_text(run("prove", "inclusion", "actor/actor-2").output)
    (tmp_path / "cp6.txt").write_text(run("checkpoint", "--key", "desk.key").output)
    with Ledger.open(tmp_path / "ledger.db", recorded_by="test") as ledger:
        record_actors(ledger, 3, prefix="more")
    assert run("checkpoint", "--key", "desk.key").exit_code == 0
    (tmp_path / "consistency.json").write_text(run("prove", "consistency", "cp6.txt").output)
    return tmp_path


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text)


def _set(path: str, value: Any) -> Mutation:
    def mutate(proof: dict[str, Any]) -> Any:
        *parents, last = path.split(".")
        node = proof
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value(node[int(last)]) if callable(value) else value
        else:
            node[last] = value(node[last]) if callable(value) else value
        return proof

    return mutate


def _text(replace: tuple[str, str]) -> Mutation:
    """A change to the proof's JSON text itself (what a JSON value cannot express)."""

    def mutate(proof: dict[str, Any]) -> Any:
        text = json.dumps(proof)
        assert replace[0] in text
        return text.replace(replace[0], replace[1], 1)

    return mutate


def _checkpoint(old: str, new: str, where: str = "tree") -> Mutation:
    def change(note: str) -> str:
        assert old in note
        return note.replace(old, new, 1)

    return _set(f"{where}.checkpoint", change)


INCLUSION: dict[str, Mutation] = {
    "size +37": _text(('"size": 6', '"size": +37')),
    "size as text": _set("tree.size", "6"),
    "size negative": _set("tree.size", -1),
    "size beyond 64 bits": _set("tree.size", 1 << 64),
    "size other": _set("tree.size", 7),
    "root without padding": _set("tree.root", lambda r: r.rstrip("=")),
    "root not base64": _set("tree.root", "not*base64"),
    "root of 31 bytes": _set("tree.root", lambda r: _b64(_unb64(r)[:31])),
    "root flipped": _set("tree.root", lambda r: _b64(bytes([_unb64(r)[0] ^ 1]) + _unb64(r)[1:])),
    "checkpoint size +6": _checkpoint("\n6\n", "\n+6\n"),
    "checkpoint origin other": _checkpoint("provenance-ledger/", "provenance-ledgers/"),
    "checkpoint unsigned": _set("tree.checkpoint", lambda n: n[: n.index("\n\n") + 2]),
    "checkpoint signature without padding": _checkpoint("=\n", "\n", "tree"),
    "checkpoint missing": _set("tree.checkpoint", None),
    "leaf index other": _set("leaf_index", 3),
    "leaf index as text": _set("leaf_index", "2"),
    "leaf index negative": _set("leaf_index", -1),
    "record cut": _set("record", lambda r: _b64(_unb64(r)[:-5])),
    "record without padding": _set("record", lambda r: r.rstrip("=") if r.endswith("=") else r[:-1]),
    "record not base64": _set("record", "%%%"),
    "record empty": _set("record", ""),
    "record byte flipped": _set("record", lambda r: _b64(_unb64(r)[:-1] + bytes([_unb64(r)[-1] ^ 1]))),
    "hash without padding": _set("hashes.0", lambda h: h.rstrip("=")),
    "hash of 31 bytes": _set("hashes.0", lambda h: _b64(_unb64(h)[:31])),
    "hash dropped": _set("hashes", lambda hs: hs[1:]),
    "hash added": _set("hashes", lambda hs: [*hs, hs[0]]),
    "hashes not a list": _set("hashes", "abc"),
    "type unknown": _set("type", "provenance-ledger/inclusion/v9"),
    "field added": _set("extra", 1),
    "field missing": lambda p: {k: v for k, v in p.items() if k != "hashes"},
    "JSON cut": lambda p: json.dumps(p)[:-20],
    "not an object": lambda p: [p],
    "empty": lambda p: "",
    "not UTF-8": lambda p: b"\xff\xfe" + json.dumps(p).encode(),
}

CONSISTENCY: dict[str, Mutation] = {
    "old size +6": _text(('"size": 6', '"size": +6')),
    "old size other": _set("old.size", 5),
    "new root without padding": _set("new.root", lambda r: r.rstrip("=")),
    "old checkpoint size +6": _checkpoint("\n6\n", "\n+6\n", "old"),
    "new checkpoint signature flipped": _checkpoint("desk ", "desk A", "new"),
    "hash without padding": _set("hashes.0", lambda h: h.rstrip("=")),
    "hashes cut": _set("hashes", lambda hs: hs[:-1]),
    "hashes swapped": _set("hashes", lambda hs: hs[::-1]),
}


def _write(workdir: Path, name: str, proof: Any) -> str:
    path = workdir / f"broken-{name.replace(' ', '-')}.json"
    if isinstance(proof, bytes):
        path.write_bytes(proof)
    else:
        path.write_text(proof if isinstance(proof, str) else json.dumps(proof))
    return path.name


@pytest.mark.parametrize(
    ("kind", "name"),
    [("inclusion", n) for n in INCLUSION] + [("consistency", n) for n in CONSISTENCY],
)
def test_every_broken_proof_exits_3(workdir: Path, kind: str, name: str) -> None:
    mutation = (INCLUSION if kind == "inclusion" else CONSISTENCY)[name]
    proof = json.loads((workdir / f"{kind}.json").read_text())
    assert run("check-proof", f"{kind}.json", "--key", "desk.key.pub").exit_code == 0
    broken = _write(workdir, name, mutation(proof))
    result = run("check-proof", broken, "--key", "desk.key.pub")
    assert result.exit_code == 3, result.output
    assert result.output.startswith("Error: ")
    assert len(result.output.splitlines()) == 1
    with pytest.raises(VerificationError):
        check_proof((workdir / broken).read_bytes(), [(workdir / "desk.key.pub").read_text()])


def test_a_malformed_proof_is_also_an_invalid_error_for_python_callers(workdir: Path) -> None:
    with pytest.raises(MalformedProofError, match="not a proof") as caught:
        check_proof("{}", [(workdir / "desk.key.pub").read_text()])
    assert isinstance(caught.value, ValueError)


def test_a_bad_key_is_still_exit_1_not_3(workdir: Path) -> None:
    result = run("check-proof", "inclusion.json", "--key", "nonsense")
    assert result.exit_code == 1


def test_check_proof_names_the_log_and_requires_one(workdir: Path, tmp_path: Path) -> None:
    with Ledger.open(workdir / "ledger.db") as ledger:
        origin = ledger.origin
    ok = run("check-proof", "inclusion.json", "--key", "desk.key.pub")
    assert f"of the log {origin!r}" in ok.output
    assert run("check-proof", "inclusion.json", "--key", "desk.key.pub", "--origin", origin).exit_code == 0
    trusted = run("check-proof", "inclusion.json", "--key", "desk.key.pub", "--trusted", "cp6.txt")
    assert trusted.exit_code == 0, trusted.output

    # Another ledger, signed with the same newsroom key: its proof is fine, but not of this log.
    with Ledger.open(workdir / "other.db", recorded_by="test") as other:
        record_actors(other, 6)
    assert run("checkpoint", "--key", "desk.key", url="other.db").exit_code == 0
    (workdir / "foreign.json").write_text(run("prove", "inclusion", "actor/actor-2", url="other.db").output)
    assert run("check-proof", "foreign.json", "--key", "desk.key.pub").exit_code == 0
    for option in (["--origin", origin], ["--trusted", "cp6.txt"]):
        refused = run("check-proof", "foreign.json", "--key", "desk.key.pub", *option)
        assert refused.exit_code == 3, refused.output
        assert refused.output.startswith("Error: the proof is of 'provenance-ledger/")
        assert refused.output.rstrip().endswith(f"not of the log {origin!r}")

    # An unsigned proof names no log, so it cannot be of the one required.
    (workdir / "unsigned.json").write_text(run("prove", "inclusion", "actor/actor-2", url="other.db").output)
    unsigned = json.loads((workdir / "unsigned.json").read_text())
    unsigned["tree"]["checkpoint"] = None
    (workdir / "unsigned.json").write_text(json.dumps(unsigned))
    assert check_proof((workdir / "unsigned.json").read_text()).origin is None
    with pytest.raises(VerificationError, match="names no log"):
        check_proof((workdir / "unsigned.json").read_text(), origin=origin)
