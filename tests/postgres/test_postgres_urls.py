"""Opening a ledger by PostgreSQL URL: settings, errors, and passwords never shown."""

from __future__ import annotations

import psycopg
import pytest

from ledger import Ledger, StorageError
from ledger.storage.backends import backend_for, parse_postgres_url


def test_url_gives_eventsourcing_settings() -> None:
    settings = parse_postgres_url("postgresql://ann:p%40ss%3Aword@db.example:6432/news?schema=desk")
    env = settings.env()
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert env["APPLICATION_RECORDER_TOPIC"] == "ledger.storage.postgres:PostgresLogRecorder"
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"], env["POSTGRES_DBNAME"]) == (
        "db.example",
        "6432",
        "news",
    )
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"], env["POSTGRES_SCHEMA"]) == (
        "ann",
        "p@ss:word",
        "desk",
    )
    assert settings.display == "postgresql://ann:***@db.example:6432/news?schema=desk"


def test_missing_parts_take_libpq_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGUSER", "reporter")
    monkeypatch.setenv("PGPASSWORD", "from-env")
    monkeypatch.delenv("PGHOST", raising=False)
    monkeypatch.delenv("PGPORT", raising=False)
    monkeypatch.delenv("PGDATABASE", raising=False)
    settings = parse_postgres_url("postgres://")
    assert (settings.host, settings.port, settings.user, settings.dbname) == (
        "localhost",
        5432,
        "reporter",
        "reporter",
    )
    assert settings.password == "from-env"  # noqa: S105
    assert settings.schema == "public"
    assert "from-env" not in settings.display


def test_environment_tunes_the_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTGRES_POOL_SIZE", "3")
    assert parse_postgres_url("postgresql://u@h/d").env()["POSTGRES_POOL_SIZE"] == "3"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql://u:secret@h:notaport/d", "malformed URL postgresql://u:***@h:notaport/d: the port"),
        ("postgresql://u:secret@h/d?sslmode=require", "unknown parameter 'sslmode'"),
        ("postgresql://u:secret@h/d?schema=Desk", "schema 'Desk' must be lowercase"),
        ("postgresql://u:secret@h/d?schema=1desk", "schema '1desk' must be"),
        ("postgresql://u:secret@h/d#frag", "unknown parameter '#'"),
    ],
)
def test_malformed_urls_are_refused_in_one_line(url: str, message: str) -> None:
    with pytest.raises(StorageError) as raised:
        backend_for(url)
    text = str(raised.value)
    assert message in text
    assert "secret" not in text
    assert "\n" not in text


def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    # Port 1 on the loopback refuses at once.
    with pytest.raises(StorageError) as raised:
        Ledger.open("postgresql://postgres:hunter2@127.0.0.1:1/test?schema=nowhere")
    text = str(raised.value)
    assert text.startswith("cannot open ledger postgresql://postgres:***@127.0.0.1:1/test?schema=nowhere: ")
    assert "hunter2" not in text
    assert "\n" not in text


def test_the_schema_is_created_if_missing(postgres_url: str) -> None:
    with Ledger.open(postgres_url, recorded_by="desk") as ledger:
        assert ledger.head == 0
        assert ledger.url == postgres_url
        ledger.register_actor("actor/ada", name="Ada", kind="person")
    with Ledger.open(postgres_url, create=False) as again:
        assert again.head == 1


def test_a_password_in_the_url_is_hidden_from_the_ledger_url(postgres_url: str) -> None:
    # The test server trusts local connections, so any password is accepted.
    url = postgres_url.replace("postgres@", "postgres:hunter2@", 1)
    with Ledger.open(url) as ledger:
        assert "hunter2" not in ledger.url
        assert ":***@" in ledger.url


def test_create_false_refuses_a_missing_ledger(postgres_url: str) -> None:
    with pytest.raises(StorageError, match=r"^no ledger at postgresql://"):
        Ledger.open(postgres_url, create=False)


def test_a_schema_of_something_else_is_not_a_ledger(postgres_url: str) -> None:
    settings = parse_postgres_url(postgres_url)
    with psycopg.connect(
        host=settings.host, port=settings.port, dbname=settings.dbname, user=settings.user, autocommit=True
    ) as connection:
        connection.execute(f'CREATE SCHEMA "{settings.schema}"')
        connection.execute(f'CREATE TABLE "{settings.schema}".invoices (id int)')
    with pytest.raises(StorageError, match=r"is not a ledger: schema test_[0-9a-f]+ holds other tables"):
        Ledger.open(postgres_url)


def test_a_ledger_of_another_format_is_refused(postgres_url: str) -> None:
    Ledger.open(postgres_url).close()
    settings = parse_postgres_url(postgres_url)
    with psycopg.connect(
        host=settings.host, port=settings.port, dbname=settings.dbname, user=settings.user, autocommit=True
    ) as connection:
        connection.execute(f"UPDATE \"{settings.schema}\".ledger_meta SET value = 'x/9' WHERE key = 'format'")
    with pytest.raises(StorageError, match="is not a ledger of format provenance-ledger/1"):
        Ledger.open(postgres_url)


def test_the_postgres_url_is_read_from_ledger_url(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEDGER_URL", postgres_url)
    with Ledger.open() as ledger:
        assert ledger.url == postgres_url
