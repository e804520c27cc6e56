"""The tamper suite on PostgreSQL: whoever runs the server edits the tables; verify names the position.

The same cases as ``test_tamper.py`` that touch the log, the tree and the
checkpoints, done with plain SQL on the ledger's own schema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
import pytest

from domain.errors import VerificationError
from ledger import Ledger, Signer
from tests.integrity.helpers import record_actors

Tamper = Callable[[str], None]


@pytest.fixture
def key() -> Signer:
    return Ledger.generate_key("desk")


@contextmanager
def raw(url: str) -> Iterator[psycopg.Connection]:
    """The ledger's schema opened directly with psycopg, committed on exit: what a tamperer does."""
    server, _, query = url.partition("?schema=")
    with psycopg.connect(server, autocommit=False) as connection:
        connection.execute(f'SET search_path TO "{query}"')
        yield connection


def signed(url: str, key: Signer, *sizes: int) -> None:
    with Ledger.open(url, recorded_by="test") as ledger:
        for i, size in enumerate(sizes):
            record_actors(ledger, size, prefix=f"batch{i}")
            ledger.checkpoint(key)


def failure(url: str, key: Signer | None = None) -> VerificationError:
    with Ledger.open(url, create=False) as ledger, pytest.raises(VerificationError) as caught:
        ledger.verify(keys=[key.verifier] if key else [])
    return caught.value


def test_a_clean_ledger_verifies(postgres_url: str, key: Signer) -> None:
    signed(postgres_url, key, 6, 4)
    with Ledger.open(postgres_url) as ledger:
        report = ledger.verify(keys=[key.verifier])
    assert (report.events, report.checkpoints) == (10, 2)


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


def test_swapped_payloads_of_two_rows(postgres_url: str, key: Signer) -> None:
    signed(postgres_url, key, 8)
    with raw(postgres_url) as db:
        (a,), (b,) = db.execute(
            "SELECT state FROM stored_events WHERE notification_id IN (3, 6) ORDER BY notification_id"
        ).fetchall()
        db.execute("UPDATE stored_events SET state = %s WHERE notification_id = 3", (b,))
        db.execute("UPDATE stored_events SET state = %s WHERE notification_id = 6", (a,))
    assert failure(postgres_url, key).position == 3


def test_a_deleted_middle_row(postgres_url: str, key: Signer) -> None:
    signed(postgres_url, key, 9)
    with raw(postgres_url) as db:
        db.execute("DELETE FROM stored_events WHERE notification_id = 5")
    error = failure(postgres_url, key)
    assert error.position == 5
    assert str(error) == "position 5: the entry is missing from the log (the next one is at 6)"


def test_the_log_and_its_tree_truncated_after_a_checkpoint(postgres_url: str, key: Signer) -> None:
    signed(postgres_url, key, 5, 5)
    with raw(postgres_url) as db:
        db.execute("DELETE FROM stored_events WHERE notification_id > 7")
        db.execute("DELETE FROM merkle_nodes WHERE position > 7")
    error = failure(postgres_url, key)
    assert (error.position, error.checkpoint) == (8, 2)
    assert "checkpoint #2 covers 10 entries (truncated or rolled back)" in str(error)


def test_a_forged_checkpoint(postgres_url: str, key: Signer) -> None:
    signed(postgres_url, key, 6)
    with raw(postgres_url) as db:
        row = db.execute("SELECT note FROM checkpoints WHERE seq = 1").fetchone()
        assert row is not None
        body, _, signatures = row[0].partition("\n\n")
        origin, size, root = body.split("\n")[:3]
        # Another canonical last character (a 32-byte root ends in one padded sextet: low two bits zero).
        forged_root = root[:-2] + next(c for c in "AEIMQUYcgkosw048" if c != root[-2]) + "="
        db.execute(
            "UPDATE checkpoints SET note = %s WHERE seq = 1",
            (f"{origin}\n{size}\n{forged_root}\n\n{signatures}",),
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
    with Ledger.open(postgres_url) as ledger:
        record_actors(ledger, 2, prefix="late")
        ledger.checkpoint(Ledger.generate_key("intruder"))
    error = failure(postgres_url, key)
    assert error.checkpoint == 2
    assert str(error).startswith("checkpoint #2: not signed by any of the given keys (signed by intruder+")
