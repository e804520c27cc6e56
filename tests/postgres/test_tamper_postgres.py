"""The tamper suite on PostgreSQL: each way of altering a ledger's schema is caught by verify.

The same cases as ``tests/integrity/test_tamper.py`` on SQLite, done with
PostgreSQL's SQL to the tables of one ledger schema, as a tamperer with
access to the server would: the checks are the backend-neutral ones of
``ledger.integrity.verify``, reading through the PostgreSQL recorder.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from domain.errors import VerificationError
from ledger import Checkpoint, Ledger, Signer
from ledger.storage.backends import parse_postgres_url
from ledger.storage.postgres import connect


@pytest.fixture
def key() -> Signer:
    return Ledger.generate_key("desk")


@contextmanager
def raw(url: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """The ledger's schema opened directly, committed on exit: what a tamperer does."""
    settings = parse_postgres_url(url)
    with connect(settings) as connection:
        connection.execute(f'SET search_path TO "{settings.schema}"')
        with connection.transaction():
            yield connection


def signed(url: str, key: Signer, *sizes: int) -> list[Checkpoint]:
    """Record batches of ``sizes`` actors in the ledger at ``url``, with a checkpoint after each."""
    checkpoints = []
    with Ledger.open(url, recorded_by="test") as ledger:
        for number, size in enumerate(sizes):
            with ledger.batch():
                for i in range(size):
                    ledger.register_actor(
                        f"actor/batch{number}-{i}", name=f"Batch{number} {i}", kind="person"
                    )
            checkpoints.append(ledger.checkpoint(key))
    return checkpoints


def failure(url: str, key: Signer | None = None, trusted: Checkpoint | None = None) -> VerificationError:
    with Ledger.open(url, create=False) as ledger, pytest.raises(VerificationError) as caught:
        ledger.verify(keys=[key.verifier] if key else [], trusted=trusted)
    return caught.value


def test_a_clean_ledger_verifies(postgres_url: str, key: Signer) -> None:
    first, _ = signed(postgres_url, key, 6, 4)
    with Ledger.open(postgres_url) as ledger:
        report = ledger.verify(keys=[key.verifier], trusted=first)
    assert (report.events, report.checkpoints, report.trusted_size) == (10, 2, 6)


def test_one_flipped_byte_of_a_stored_event(postgres_url: str, key: Signer) -> None:
    signed(postgres_url, key, 10)
    with raw(postgres_url) as db:
        row = db.execute("SELECT state FROM stored_events WHERE notification_id = 7").fetchone()
        assert row is not None
        state = bytearray(row[0])
        state[20] ^= 0x01
        db.execute("UPDATE stored_events SET state = %s WHERE notification_id = 7", (bytes(state),))
    error = failure(postgres_url, key)
    assert error.position == 7
    assert str(error).startswith("position 7: the stored entry does not match the leaf recorded with it")


def test_a_changed_event_type(postgres_url: str, key: Signer) -> None:
    signed(postgres_url, key, 5)
    with raw(postgres_url) as db:
        db.execute("UPDATE stored_events SET topic = 'ledger.SourceRegistered.v1' WHERE notification_id = 3")
    assert failure(postgres_url, key).position == 3


def test_a_moved_record_time(postgres_url: str, key: Signer) -> None:
    signed(postgres_url, key, 5)
    with raw(postgres_url) as db:
        db.execute("UPDATE stored_events SET recorded_at = recorded_at - 1000000 WHERE notification_id = 4")
    assert failure(postgres_url).position == 4


def test_swapped_payloads_of_two_rows(postgres_url: str, key: Signer) -> None:
    signed(postgres_url, key, 8)
    with raw(postgres_url) as db:
        db.execute(
            "UPDATE stored_events AS t SET state = o.state FROM stored_events AS o "
            "WHERE (t.notification_id, o.notification_id) IN ((3, 6), (6, 3))"
        )
    assert failure(postgres_url, key).position == 3


def test_a_deleted_middle_row(postgres_url: str, key: Signer) -> None:
    signed(postgres_url, key, 8)
    with raw(postgres_url) as db:
        db.execute("DELETE FROM stored_events WHERE notification_id = 5")
    error = failure(postgres_url, key)
    assert error.position == 5


def test_the_log_and_its_tree_truncated_after_a_checkpoint(postgres_url: str, key: Signer) -> None:
    signed(postgres_url, key, 10)
    with raw(postgres_url) as db:
        db.execute("DELETE FROM stored_events WHERE notification_id > 7")
        db.execute("DELETE FROM merkle_nodes WHERE position > 7")
    assert "checkpoint #1" in str(failure(postgres_url, key))


def test_a_forged_checkpoint(postgres_url: str, key: Signer) -> None:
    (checkpoint,) = signed(postgres_url, key, 6)
    other_root = Checkpoint("x", 0, bytes(range(32)), "").root_base64
    with raw(postgres_url) as db:
        db.execute(
            "UPDATE checkpoints SET note = %s WHERE seq = 1",
            (checkpoint.note.replace(checkpoint.root_base64, other_root),),
        )
    error = failure(postgres_url, key)
    assert (error.checkpoint, str(error)) == (1, "checkpoint #1: the signature by desk does not verify")


def test_a_checkpoint_removed_from_the_middle(postgres_url: str, key: Signer) -> None:
    signed(postgres_url, key, 2, 2, 2)
    with raw(postgres_url) as db:
        db.execute("DELETE FROM checkpoints WHERE seq = 2")
    error = failure(postgres_url, key)
    assert (error.checkpoint, str(error)) == (2, "checkpoint #2 is missing: checkpoints were removed")


def test_a_checkpoint_signed_by_an_unknown_key(postgres_url: str, key: Signer) -> None:
    signed(postgres_url, key, 3)
    with Ledger.open(postgres_url, recorded_by="test") as ledger:
        ledger.register_actor("actor/late", name="Late", kind="person")
        ledger.checkpoint(Ledger.generate_key("intruder"))
    error = failure(postgres_url, key)
    assert error.checkpoint == 2
    assert str(error).startswith("checkpoint #2: not signed by any of the given keys (signed by intruder+")


def test_a_ledger_rolled_back_to_an_earlier_checkpoint(postgres_url: str, key: Signer) -> None:
    _, latest = signed(postgres_url, key, 4, 3)
    with raw(postgres_url) as db:
        db.execute("DELETE FROM checkpoints WHERE seq = 2")
        db.execute("DELETE FROM stored_events WHERE notification_id > 4")
        db.execute("DELETE FROM merkle_nodes WHERE position > 4")
    with Ledger.open(postgres_url) as ledger:
        assert ledger.verify(keys=[key.verifier]).events == 4
    error = failure(postgres_url, key, latest)
    assert error.position == 5


def test_a_stored_tree_node_altered(postgres_url: str, key: Signer) -> None:
    signed(postgres_url, key, 4)
    with raw(postgres_url) as db:
        db.execute("UPDATE merkle_nodes SET hash = %s WHERE position = 2 AND level = 1", (bytes(32),))
    with pytest.raises(VerificationError), Ledger.open(postgres_url) as ledger:
        ledger.verify(keys=[key.verifier])


# -- after a redaction (leaf format v2) ---------------------------------------------------------


def _redacted(url: str, key: Signer) -> None:
    """10 signed actors; the entry at position 4 redacted (its event at 11), signed again."""
    signed(url, key, 10)
    with Ledger.open(url, recorded_by="test") as ledger:
        ledger.timeline("actor/batch0-3")  # views holding the name, purged by the redaction
        assert ledger.search("Batch0 3")  # and the search index
        ledger.redact("actor/batch0-3", version=1, reason="erasure request", recorded_by="legal")
        ledger.checkpoint(key)


def _state(url: str, position: int) -> bytes:
    with raw(url) as db:
        row = db.execute("SELECT state FROM stored_events WHERE notification_id = %s", (position,)).fetchone()
    assert row is not None
    return bytes(row[0])  # type: ignore[call-overload]


def _store(url: str, position: int, state: bytes) -> None:
    with raw(url) as db:
        db.execute("UPDATE stored_events SET state = %s WHERE notification_id = %s", (state, position))


def test_a_redacted_ledger_verifies_and_keeps_its_root_through_export(
    postgres_url: str, key: Signer, tmp_path: Path
) -> None:
    _redacted(postgres_url, key)
    with Ledger.open(postgres_url) as ledger:
        report = ledger.verify(keys=[key.verifier])
        assert (report.events, report.redacted) == (11, (4,))
        (shown,) = [e for e in ledger.timeline("actor/batch0-3").entries if e.type == "ActorRegistered"]
        root = ledger.tree_head()
        ledger.export(tmp_path / "ledger.jsonl")
    assert "[redacted on " in shown.summary
    with Ledger.open(postgres_url) as ledger:
        assert [h.subject for h in ledger.search("Batch0 3")] == []
        assert ledger.search("Batch0 4")
    assert b"Batch0 3" not in _state(postgres_url, 4)
    with raw(postgres_url) as db:
        for (table,) in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"):
            rows = db.execute(f'SELECT * FROM "{table}"').fetchall()
            assert "Batch0 3" not in repr(rows), table
    with Ledger.open(tmp_path / "copy.db") as copy:
        copy.import_export(tmp_path / "ledger.jsonl")
        assert copy.tree_head() == root
        assert copy.verify(keys=[key.verifier]).redacted == (4,)


def test_tampering_after_a_redaction_is_caught_with_its_position(postgres_url: str, key: Signer) -> None:
    from ledger.integrity.content import redact  # noqa: PLC0415

    _redacted(postgres_url, key)
    cases = [
        (4, lambda s: s.replace(b'"kind":"person"', b'"kind":"persoo"')),  # structure of the redacted entry
        (6, lambda s: s.replace(b'"name":"Batch0 5"', b'"name":"Batch0 6"')),  # remaining content
        (8, lambda s: redact(s, "[gone]")),  # erased without a redaction event
        (11, lambda s: redact(s, "[gone]")),  # the redaction record itself erased
        (5, lambda s: s[: s.index(b',"_salt":"')] + b"}"),  # a removed salt
    ]
    for position, change in cases:
        original = _state(postgres_url, position)
        changed = change(original)
        assert changed != original
        _store(postgres_url, position, changed)
        assert failure(postgres_url, key).position == position
        _store(postgres_url, position, original)
    with Ledger.open(postgres_url) as ledger:
        assert ledger.verify(keys=[key.verifier]).redacted == (4,)


def test_a_redaction_record_cannot_be_redacted(postgres_url: str, key: Signer) -> None:
    from domain.errors import InvalidError  # noqa: PLC0415

    _redacted(postgres_url, key)
    with Ledger.open(postgres_url, recorded_by="test") as ledger:
        with pytest.raises(InvalidError, match=r"^actor/batch0-3 v2 is a redaction record"):
            ledger.redact("actor/batch0-3", version=2, reason="again")
        with pytest.raises(InvalidError, match=r"^actor/batch0-3 v1 is already redacted$"):
            ledger.redact("actor/batch0-3", version=1, reason="again")
        assert ledger.verify(keys=[key.verifier]).redacted == (4,)
        assert len(ledger.history("actor/batch0-3")) == 2  # nothing recorded by the refusals
