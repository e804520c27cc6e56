"""The views' SQL on PostgreSQL: the same rows and timelines as on SQLite, from the same log.

The views are kept in a PostgreSQL schema of their own (dropped afterwards)
while the log they read is an SQLite ledger's: what is tested is the views'
statements in the PostgreSQL dialect. Without a server the test is skipped
with a reason, except in CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from domain.refs import KINDS
from ledger import Ledger
from ledger.demo import record_seed_story
from ledger.storage.viewstore import LedgerLog
from projections.runner import Projections
from projections.sql import POSTGRESQL, Database

psycopg = pytest.importorskip("psycopg")
from eventsourcing.postgres import PostgresDatastore  # noqa: E402  (needs psycopg)

URL = os.environ.get("LEDGER_TEST_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture
def schema() -> Iterator[str]:
    """A fresh schema on the test server, dropped after the test."""
    name = f"test_views_{uuid.uuid4().hex[:12]}"
    try:
        connection = psycopg.connect(URL, connect_timeout=3, autocommit=True)
    except psycopg.OperationalError as error:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"CI requires PostgreSQL at {URL}: {error}", pytrace=False)
        pytest.skip(f"no PostgreSQL server at {URL}: {error}")
    with connection:
        connection.execute(f'CREATE SCHEMA "{name}"')
        try:
            yield name
        finally:
            connection.execute(f'DROP SCHEMA "{name}" CASCADE')


def datastore(schema: str) -> PostgresDatastore:
    url = urlsplit(URL)
    return PostgresDatastore(
        dbname=url.path.lstrip("/"),
        host=url.hostname or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password or "",
        schema=schema,
        pool_size=2,
    )


def test_the_views_agree_on_postgresql_and_sqlite(tmp_path: Path, schema: str) -> None:
    with Ledger.open(tmp_path / "ledger.db") as ledger:
        record_seed_story(ledger)
        ledger.restore_post("post/labour-linkedin-invite", at="2024-10-20")
        ledger.correct("claim/musk-this-is-illegal", version=1, reason="typo")
        head = ledger.head
        on_sqlite = ledger._projections()
        on_sqlite.catch_up()
        store = datastore(schema)
        try:
            database = Database(store, POSTGRESQL, schema=schema)
            on_postgres = Projections(
                database, LedgerLog(ledger._recorder, ledger._mapper), batch_size=7, cache_size=14
            )
            assert on_postgres.catch_up(until=12) == 12
            assert on_postgres.catch_up() == head
            assert {status.position for status in on_postgres.status()} == {head}
            refs = [entry.subject for entry in ledger.log() if entry.version == 1]
            for position in (0, 12, 25, head):
                for kind in KINDS:
                    expected = on_sqlite.rows(kind, position)
                    assert on_postgres.rows(kind, position) == expected
                    assert on_postgres.points(kind, [r.ref for r in expected], position) == on_sqlite.points(
                        kind, [r.ref for r in expected], position
                    )
                for ref in refs:
                    assert on_postgres.members(ref, position) == on_sqlite.members(ref, position)
            assert on_postgres.rows("post", head, {"author": "actor/elon-musk"}) == on_sqlite.rows(
                "post", head, {"author": "actor/elon-musk"}
            )
            on_postgres.rebuild("claims")
            assert on_postgres.rows("claim", head) == on_sqlite.rows("claim", head)
        finally:
            store.close()


def test_reads_that_need_one_snapshot_run_in_a_transaction_and_the_others_do_not(schema: str) -> None:
    # A query (is the view fresh? then its rows) needs one transaction: it holds the tracking table
    # against a rebuild until it ends. A one-statement read needs none: BEGIN and ROLLBACK would be
    # two more round trips to the server.
    from psycopg.pq import TransactionStatus  # noqa: PLC0415

    store = datastore(schema)
    try:
        database = Database(store, POSTGRESQL, schema=schema)
        statuses = {}
        for name, session in (("transaction", database.transaction), ("reading", database.reading)):
            with session() as opened:
                assert opened.query("SELECT 1") == [(1,)]
                statuses[name] = opened._cursor.connection.info.transaction_status
        assert statuses == {"transaction": TransactionStatus.INTRANS, "reading": TransactionStatus.IDLE}
    finally:
        store.close()
