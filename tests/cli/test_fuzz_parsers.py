"""Fuzzing the parsers of exports, proofs and checkpoints through the command line.

Whatever the bytes (a valid file mutated: bytes flipped, lines cut, dropped,
doubled or nested deep, text spliced in), a command never shows a
traceback: it succeeds or says why in one line, and the ledger is unchanged
(a refused import leaves no ledger at all).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.main import ledger as ledger_command
from ledger import Ledger
from ledger.demo import load_example

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _mutations() -> st.SearchStrategy[Callable[[bytes], bytes]]:
    """Functions that damage a file's bytes, each in one way."""

    def flip(at: int, bit: int) -> Callable[[bytes], bytes]:
        def apply(data: bytes) -> bytes:
            i = at % len(data)
            return data[:i] + bytes([data[i] ^ (1 << bit)]) + data[i + 1 :]

        return apply

    def cut(at: int) -> Callable[[bytes], bytes]:
        return lambda data: data[: at % (len(data) + 1)]

    def lines(kind: str, at: int) -> Callable[[bytes], bytes]:
        def apply(data: bytes) -> bytes:
            found = data.split(b"\n")
            i = at % len(found)
            if kind == "drop":
                del found[i]
            elif kind == "double":
                found.insert(i, found[i])
            else:
                found[i] = b"[" * 5000 + found[i]
            return b"\n".join(found)

        return apply

    def splice(at: int, text: bytes) -> Callable[[bytes], bytes]:
        return lambda data: data[: at % (len(data) + 1)] + text + data[at % (len(data) + 1) :]

    index = st.integers(min_value=0, max_value=10**9)
    return st.one_of(
        st.builds(flip, index, st.integers(min_value=0, max_value=7)),
        st.builds(cut, index),
        st.builds(lines, st.sampled_from(["drop", "double", "nest"]), index),
        st.builds(splice, index, st.binary(min_size=1, max_size=40)),
    )


def _assert_clean(result: Result, allowed: set[int]) -> None:
    assert isinstance(result.exception, SystemExit) or result.exception is None, result.exception
    assert result.exit_code in allowed, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    if result.exit_code:
        (line,) = result.stderr.splitlines()
        assert line.startswith("Error: ")
        assert len(line) < 1000


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, bytes, bytes]:
    """A signed ledger of the story, its export, a checkpoint and an inclusion proof."""
    folder = tmp_path_factory.mktemp("fuzz")
    db = folder / "story.db"
    with Ledger.open(db, recorded_by="desk") as ledger:
        load_example(ledger)
        signer = Ledger.generate_key("desk")
        checkpoint = ledger.checkpoint(signer).note.encode()
        proof = ledger.prove_inclusion("post/labour-linkedin-invite").to_json().encode()
    (folder / "desk.pub").write_text(signer.verifier.encode() + "\n")
    runner = CliRunner()
    export = folder / "story.jsonl"
    assert runner.invoke(ledger_command, ["--db", str(db), "export", "--output", str(export)]).exit_code == 0
    return db, export.read_bytes(), checkpoint, proof


@FUZZ
@given(mutate=_mutations())
def test_a_damaged_export_is_imported_whole_or_refused_in_one_line_leaving_nothing(
    story: tuple[Path, bytes, bytes, bytes], tmp_path_factory: pytest.TempPathFactory, mutate
):
    folder = tmp_path_factory.mktemp("import")
    source = folder / "damaged.jsonl"
    source.write_bytes(mutate(story[1]))
    target = folder / "copy.db"
    result = CliRunner().invoke(ledger_command, ["--db", str(target), "import", "--from-export", str(source)])
    _assert_clean(result, {0, 1})
    if result.exit_code:
        assert sorted(p.name for p in folder.iterdir()) == ["damaged.jsonl"]


@FUZZ
@given(mutate=_mutations())
def test_a_damaged_proof_is_checked_or_refused_in_one_line(
    story: tuple[Path, bytes, bytes, bytes], tmp_path_factory: pytest.TempPathFactory, mutate
):
    db = story[0]
    folder = tmp_path_factory.mktemp("proof")
    proof = folder / "proof.json"
    proof.write_bytes(mutate(story[3]))
    key = str(db.parent / "desk.pub")
    result = CliRunner().invoke(ledger_command, ["check-proof", str(proof), "--key", key])
    _assert_clean(result, {0, 1, 3})


@FUZZ
@given(mutate=_mutations())
def test_a_damaged_checkpoint_given_to_prove_and_verify_is_refused_in_one_line_and_changes_nothing(
    story: tuple[Path, bytes, bytes, bytes], tmp_path_factory: pytest.TempPathFactory, mutate
):
    db = story[0]
    before = db.read_bytes()
    folder = tmp_path_factory.mktemp("checkpoint")
    checkpoint = folder / "checkpoint.txt"
    checkpoint.write_bytes(mutate(story[2]))
    key = str(db.parent / "desk.pub")
    runner = CliRunner()
    for args in (
        ["prove", "inclusion", "post/labour-linkedin-invite", "--checkpoint", str(checkpoint), "--key", key],
        ["prove", "consistency", str(checkpoint), "--key", key],
        ["verify", "--trusted", str(checkpoint), "--key", key],
    ):
        _assert_clean(runner.invoke(ledger_command, ["--db", str(db), *args]), {0, 1, 3})
    assert db.read_bytes() == before
