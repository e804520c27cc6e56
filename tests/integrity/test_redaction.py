"""Redaction on SQLite: the content goes, every proof stays, and nothing left confirms a guess."""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cli.main import ledger as ledger_group
from domain.errors import InvalidError, NotFoundError, VerificationError
from ledger import Ledger, Signer, check_proof
from ledger.formats.report import build_report, render_report
from ledger.integrity.content import split
from ledger.integrity.leaves import decode_leaf_v2
from tests.integrity.helpers import raw, record_actors

PERSONAL = "Call me on 07700 900461, I live at 12 Acacia Avenue"
QUOTE = "Acacia Avenue residents confirmed it"


def _story(ledger: Ledger) -> None:
    ledger.register_actor("actor/jane", name="Jane Doe", kind="person")
    ledger.register_source("source/capture", title="A capture", kind="screenshot")
    ledger.publish_post("post/p", platform="X", author="actor/jane", text=PERSONAL, at="2024-10-16T09:30Z")
    ledger.make_claim("claim/c", text="Jane lives on Acacia Avenue", claimant="actor/jane", post="post/p",
                      at="2024-10-16")  # fmt: skip
    ledger.register_actor("actor/desk", name="Desk", kind="organization")
    ledger.rebut_claim("claim/c", reviewer="actor/desk", verdict="False", rationale="It is wrong",
                       evidence=[f"source/capture:{QUOTE}"], at="2024-10-17")  # fmt: skip
    record_actors(ledger, 3, prefix="other")


@pytest.fixture
def story(tmp_path: Path, key: Signer) -> Path:
    path = tmp_path / "ledger.db"
    with Ledger.open(path, recorded_by="desk") as ledger:
        _story(ledger)
        ledger.checkpoint(key)
    return path


def _guesses() -> list[bytes]:
    """What would confirm the erased text: the text, its pieces, its unsalted digest (hex and base64)."""
    digest = hashlib.sha256(PERSONAL.encode()).digest()
    return [
        PERSONAL.encode(),
        b"07700 900461",
        digest.hex().encode(),
        base64.b64encode(digest),
        PERSONAL.encode("utf-16-le"),
    ]


def _everything(directory: Path) -> bytes:
    """Every byte of every file in ``directory``, base64 contents decoded too."""
    blobs = []
    for path in directory.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        blobs.append(data)
        for token in data.replace(b'"', b" ").replace(b",", b" ").split():
            try:
                blobs.append(base64.b64decode(token, validate=True))
            except ValueError:
                continue
    return b"\n".join(blobs)


def test_a_redaction_keeps_the_tree_and_every_proof(story: Path, key: Signer, tmp_path: Path) -> None:
    with Ledger.open(story, recorded_by="desk") as ledger:
        before = ledger.tree_head()
        old_checkpoint = ledger.checkpoints()[-1]
        proof_before = ledger.prove_inclusion("post/p", 1).to_json()
        done = ledger.redact("post/p", version=1, reason="erasure request 117", recorded_by="legal")
        assert (done.position, done.event_position) == (3, before.size + 1)
        report = ledger.verify(keys=[key.verifier], trusted=old_checkpoint)
        assert report.redacted == (3,)
        assert "1 entry redacted (positions 3)" in report.summary()
        # The tree up to the redaction is the one signed before it.
        assert ledger.prove_consistency(old_checkpoint.note)  # holds, checked on the way out
        ledger.checkpoint(key)
        proof_after = ledger.prove_inclusion("post/p", 1, old_checkpoint.note).to_json()
        timeline = ledger.timeline("post/p").entries
        state = ledger.get("post/p")
        report = render_report(build_report(ledger, "post/p"))
    assert proof_after == proof_before  # the same leaf, the same path
    for proof in (proof_before, proof_after):
        checked = check_proof(proof, [key.verifier])
        assert checked.record is not None
        assert checked.record.position == 3
    assert check_proof(proof_after).as_json()["entry"]["content_sha256"] == done.content_sha256
    leaf = decode_leaf_v2(base64.b64decode(json.loads(proof_after)["record"]))
    assert leaf is not None
    assert base64.b64encode(leaf.content_digest).decode() == done.content_sha256
    (published,) = [e for e in timeline if e.type == "PostPublished"]
    assert published.summary.startswith("published on X: “[redacted on ")
    assert "by legal: erasure request 117]" in published.summary
    assert timeline[-1].type == "EntryRedacted"
    assert state.text.startswith("[redacted on ")  # type: ignore[union-attr]
    assert "by legal: erasure request 117]" in report
    assert "07700" not in report


@pytest.fixture(params=["default", "secure_delete off"])
def sqlite_builds(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """As this SQLite is built (it zeroes freed bytes by default), and as builds that do not."""
    if request.param == "default":
        return
    connect = sqlite3.connect

    def connect_without_secure_delete(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = connect(*args, **kwargs)
        connection.execute("PRAGMA secure_delete=OFF")
        return connection

    monkeypatch.setattr(sqlite3, "connect", connect_without_secure_delete)


@pytest.mark.usefixtures("sqlite_builds")
def test_a_redacted_text_cannot_be_confirmed_from_anything_left(story: Path, tmp_path: Path) -> None:
    with Ledger.open(story, recorded_by="desk") as ledger:
        assert any(g in _everything(tmp_path) for g in _guesses())  # the test can fail
        ledger.timeline("post/p")  # the views hold copies of the text, too
        assert [hit.subject for hit in ledger.search("07700")] == ["post/p"]  # and the search index
        ledger.redact("post/p", version=1, reason="erasure request", recorded_by="legal")
        assert ledger.search("07700") == []
        assert ledger.search("07700", replay=True) == []
        assert [hit.subject for hit in ledger.search("erasure request")]  # the index is rebuilt
        ledger.redact("claim/c", version=2, reason="erasure request", recorded_by="legal")
        proof = ledger.prove_inclusion("post/p", 1).to_json()
        export_dir = tmp_path / "out"
        export_dir.mkdir()
        ledger.export(export_dir / "ledger.jsonl")
        (export_dir / "proof.json").write_text(proof)
        assert ledger.timeline("claim/c")  # views rebuilt from the redacted log
    everything = _everything(tmp_path)  # the database and its side files, the export, the proof
    for guess in [*_guesses(), QUOTE.encode(), b"It is wrong"]:
        assert guess not in everything, guess
    # Nor does a salt survive to try guesses against the digest.
    with raw(story) as db:
        state = db.execute("SELECT state FROM stored_events WHERE notification_id=3").fetchone()[0]
    assert split(state).salt is None
    assert b"_salt" not in state


def test_export_and_import_carry_redactions_and_keep_the_root(
    story: Path, key: Signer, tmp_path: Path
) -> None:
    with Ledger.open(story, recorded_by="desk") as ledger:
        ledger.redact("post/p", version=1, reason="erasure request")
        ledger.checkpoint(key)
        root = ledger.tree_head()
        ledger.export(tmp_path / "ledger.jsonl")
    with Ledger.open(tmp_path / "copy.db", recorded_by="desk") as copy:
        copy.import_export(tmp_path / "ledger.jsonl")
        assert copy.tree_head() == root
        report = copy.verify(keys=[key.verifier])
        assert report.redacted == (3,)
        (published,) = [e for e in copy.timeline("post/p").entries if e.type == "PostPublished"]
        assert published.summary.startswith("published on X: “[redacted on ")


def test_redaction_refusals(story: Path) -> None:
    with Ledger.open(story, recorded_by="desk") as ledger:
        ledger.redact("post/p", version=1, reason="r")
        with pytest.raises(InvalidError, match="already redacted"):
            ledger.redact("post/p", version=1, reason="r")
        with pytest.raises(NotFoundError, match="no entry v9"):
            ledger.redact("post/p", version=9, reason="r")


def test_a_redaction_record_cannot_be_redacted(
    story: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record of a redaction is its audit trail: neither the API nor the CLI erases it."""
    with Ledger.open(story, recorded_by="desk") as ledger:
        ledger.redact("post/p", version=1, reason="erasure request 117")
        record = ledger.history("post/p")[-1]
        assert record.type == "EntryRedacted"
        with pytest.raises(InvalidError, match=rf"^post/p v{record.version} is a redaction record"):
            ledger.redact("post/p", version=record.version, reason="x")
        count = len(list(ledger.log()))
    monkeypatch.chdir(tmp_path)
    refused = run("redact", "post/p", "--version", str(record.version), "--reason", "x")
    assert refused.exit_code == 1
    assert refused.output == (
        f"Error: post/p v{record.version} is a redaction record (the audit trail of a redaction): "
        "it cannot be redacted\n"
    )
    with Ledger.open(story, recorded_by="desk") as ledger:
        assert len(list(ledger.log())) == count  # nothing recorded by the refusals
        assert ledger.verify().redacted == (3,)
        assert b"erasure request 117" in _state(story, record.position)


def test_verify_catches_an_erased_redaction_record(story: Path) -> None:
    from ledger.integrity.content import redact  # noqa: PLC0415

    with Ledger.open(story, recorded_by="desk") as ledger:
        done = ledger.redact("post/p", version=1, reason="erasure request")
    erased = redact(_state(story, done.event_position), "[gone]")
    with raw(story) as db:
        db.execute("UPDATE stored_events SET state=? WHERE notification_id=?", (erased, done.event_position))
    with Ledger.open(story, recorded_by="desk") as ledger, pytest.raises(VerificationError) as caught:
        ledger.verify()
    assert caught.value.position == done.event_position
    assert "a redaction record was itself erased" in str(caught.value)


def _state(path: Path, position: int) -> bytes:
    with raw(path) as db:
        (state,) = db.execute(
            "SELECT state FROM stored_events WHERE notification_id=?", (position,)
        ).fetchone()
    return bytes(state)


def test_a_v1_entry_cannot_be_redacted_until_the_ledger_moves_to_v2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    # A ledger made before v2 leaves: the same export with the salts taken out of every entry.
    with Ledger.open(tmp_path / "new.db", recorded_by="desk") as ledger:
        _story(ledger)
        ledger.export(tmp_path / "v2.jsonl")
    lines = []
    for line in (tmp_path / "v2.jsonl").read_text().splitlines():
        data = json.loads(line)
        if "state" in data:
            state = json.loads(base64.b64decode(data["state"]))
            del state["_salt"]
            encoded = json.dumps(state, separators=(",", ":"), ensure_ascii=False).encode()
            data["state"] = base64.b64encode(encoded).decode()
            data["sha256"] = hashlib.sha256(encoded).hexdigest()
        lines.append(json.dumps(data))
    (tmp_path / "v1.jsonl").write_text("\n".join(lines) + "\n")
    with Ledger.open(tmp_path / "old.db", recorded_by="desk") as old:
        old.import_export(tmp_path / "v1.jsonl")
        with raw(tmp_path / "old.db") as db:
            assert not any(b"_salt" in bytes(row[0]) for row in db.execute("SELECT state FROM stored_events"))
        assert old.verify().redacted == ()
        with pytest.raises(InvalidError, match="v1 leaf"):
            old.redact("post/p", version=1, reason="r")
        old_root = old.tree_head().root
    # Moving it to v2 leaves: export, then import with the leaves upgraded (a new root).
    moved = run("--db", "old.db", "export", "--output", "old.jsonl")
    assert moved.exit_code == 0, moved.output
    upgraded = run("--db", "upgraded.db", "import", "--from-export", "old.jsonl", "--upgrade-leaves")
    assert upgraded.exit_code == 0, upgraded.output
    with Ledger.open(tmp_path / "upgraded.db", recorded_by="desk") as new:
        assert new.tree_head().root != old_root
        with Ledger.open(tmp_path / "old.db") as old:
            assert list(new.log()) == list(old.log())  # the same entries, record times, positions
        new.redact("post/p", version=1, reason="r")
        assert new.verify().redacted == (3,)


def run(*args: str, url: str = "ledger.db") -> Result:
    return CliRunner().invoke(ledger_group, list(args), env={"LEDGER_URL": url})


def test_redact_on_the_command_line(story: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    done = run("--by", "legal", "redact", "post/p", "--version", "1", "--reason", "erasure request 117")
    assert done.exit_code == 0, done.output
    assert done.output == "redacted post/p v1 (position 3); redaction event at position 10\n"
    verified = run("verify")
    assert verified.exit_code == 0, verified.output
    assert "1 entry redacted (positions 3)" in verified.output
    shown = run("show", "post/p")
    assert "[redacted on " in shown.output
    assert "by legal: erasure request 117]" in shown.output
    assert PERSONAL not in shown.output
    again = run("redact", "post/p", "--version", "1", "--reason", "again")
    assert (again.exit_code, again.output) == (1, "Error: post/p v1 is already redacted\n")


def test_verify_catches_a_redaction_event_naming_the_wrong_digest(story: Path) -> None:
    from domain.events import Provenance, redact  # noqa: PLC0415

    with Ledger.open(story, recorded_by="desk") as ledger:
        with ledger._unit() as work:
            provenance = Provenance(recorded_by="desk").checked(work)
            work.add(
                redact(
                    work.subject("post/p"),
                    version=1,
                    position=3,
                    content_sha256=base64.b64encode(bytes(32)).decode(),
                    reason="forged",
                    provenance=provenance,
                )
            )
        with pytest.raises(VerificationError) as caught:
            ledger.verify()
    assert caught.value.position == 10
    assert "names the content digest" in str(caught.value)


def test_a_redaction_interrupted_after_its_event_is_reported_and_finished_by_running_it_again(
    story: Path,
) -> None:
    from domain.events import Provenance, redact  # noqa: PLC0415

    with Ledger.open(story, recorded_by="desk") as ledger:
        with raw(story) as db:
            state = bytes(db.execute("SELECT state FROM stored_events WHERE notification_id=3").fetchone()[0])
        digest = base64.b64encode(split(state).digest).decode()
        with ledger._unit() as work:  # the event alone, as if the erasure had failed
            provenance = Provenance(recorded_by="desk").checked(work)
            work.add(
                redact(
                    work.subject("post/p"),
                    version=1,
                    position=3,
                    content_sha256=digest,
                    reason="erasure request",
                    provenance=provenance,
                )
            )
        report = ledger.verify()
        assert (report.redacted, report.redactions_pending) == ((), (3,))
        assert "redactions not yet applied at positions 3" in report.summary()
        head = ledger.tree_head().size
        done = ledger.redact("post/p", version=1, reason="erasure request")
        assert done.event_position == head  # no second event
        assert ledger.tree_head().size == head
        report = ledger.verify()
        assert (report.redacted, report.redactions_pending) == ((3,), ())
