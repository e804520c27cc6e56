"""Fixtures shared by every test folder: the backends a ledger can live on.

PostgreSQL tests use the server at ``LEDGER_TEST_POSTGRES_URL`` (by default
``postgresql://postgres@127.0.0.1:5432/test``), each test in a schema of its
own, dropped afterwards. Without a server they are skipped, with one line
saying why, except in CI (``CI=true``), where they are required and fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.errors import StorageError
from ledger.backends import parse_postgres_url

POSTGRES_URL_VARIABLE = "LEDGER_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"

BACKENDS = ["sqlite", "postgres"]


def in_ci() -> bool:
    """True when running in CI, where PostgreSQL tests must run."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The URL of the test database (no schema); skips locally and fails in CI when unreachable."""
    url = os.environ.get(POSTGRES_URL_VARIABLE) or DEFAULT_POSTGRES_URL
    settings = parse_postgres_url(url)
    try:
        from ledger.postgres import connect  # noqa: PLC0415  (psycopg is an optional extra)

        connect(settings).close()
    except ImportError:
        reason = "psycopg is not installed (pip install -e '.[postgres]')"
    except StorageError as error:
        reason = f"no PostgreSQL server: {error}"
    else:
        return url.split("?", 1)[0]
    if in_ci():
        pytest.fail(f"CI requires PostgreSQL ({POSTGRES_URL_VARIABLE}): {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped, {reason}")


def drop_schema(server: str, schema: str) -> None:
    """Drop a test schema and everything in it."""
    from ledger.postgres import connect  # noqa: PLC0415

    with connect(parse_postgres_url(server)) as connection:
        connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A ledger URL naming a fresh schema, dropped after the test."""
    schema = f"test_{uuid.uuid4().hex[:16]}"
    yield f"{postgres_server}?schema={schema}"
    drop_schema(postgres_server, schema)


@pytest.fixture(params=BACKENDS)
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL for a new ledger, once on each backend (an SQLite file, a PostgreSQL schema)."""
    if request.param == "postgres":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path / 'ledger.db'}"
