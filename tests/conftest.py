"""Fixtures shared by every test folder: the backends a ledger can live on.

PostgreSQL tests use the server at ``LEDGER_TEST_POSTGRES_URL`` (by default
``postgresql://postgres@127.0.0.1:5432/test``), each test in a schema of its
own, dropped afterwards. Without a server they are left out of the run, with
one line at the end saying why, except in CI (``CI=true``), where they are
required and fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from domain.errors import StorageError
from ledger.storage.backends import parse_postgres_url

# Speed is measured in benchmarks, never asserted by tests: no per-example deadline for
# the property tests (a cold SQLite file or a busy CI machine
# would make it flaky).
settings.register_profile("ledger", deadline=None, print_blob=True)
# In CI the examples are drawn from a fixed seed, so a submission's verdict does not depend
# on the draw; locally each run explores new ones.
settings.register_profile("ci", parent=settings.get_profile("ledger"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "ledger")


POSTGRES_URL_VARIABLE = "LEDGER_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"

BACKENDS = ["sqlite", "postgres"]


def in_ci() -> bool:
    """True when running in CI, where PostgreSQL tests must run."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _unreachable() -> str | None:
    """Why the test server cannot be used, or None when it answers."""
    settings = parse_postgres_url(os.environ.get(POSTGRES_URL_VARIABLE) or DEFAULT_POSTGRES_URL)
    try:
        from ledger.storage.postgres import connect  # noqa: PLC0415  (psycopg is an optional extra)

        connect(settings).close()
    except ImportError:
        return "psycopg is not installed (pip install -e '.[postgres]')"
    except StorageError as error:
        return f"no PostgreSQL server: {error}"
    return None


def _needs_postgres(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    callspec = getattr(item, "callspec", None)
    on_postgres = callspec is not None and callspec.params.get("ledger_url") == "postgres"
    return "postgres_server" in names or "postgres_url" in names or on_postgres


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave the PostgreSQL tests out, locally, when there is no server (one line says so at the end)."""
    needing = [item for item in items if _needs_postgres(item)]
    if not needing or in_ci():
        return
    reason = _unreachable()
    if reason is None:
        return
    config.stash[_LEFT_OUT] = f"{len(needing)} PostgreSQL tests not run: {reason}"
    items[:] = [item for item in items if not _needs_postgres(item)]
    config.hook.pytest_deselected(items=needing)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """The one line saying why the PostgreSQL tests did not run."""
    if _LEFT_OUT in config.stash:
        terminalreporter.write_line(
            f"{config.stash[_LEFT_OUT]} (set {POSTGRES_URL_VARIABLE}; with CI=true they are required)",
            yellow=True,
        )


_LEFT_OUT = pytest.StashKey[str]()


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The URL of the test database (no schema); skips locally and fails in CI when unreachable."""
    reason = _unreachable()
    if reason is None:
        return (os.environ.get(POSTGRES_URL_VARIABLE) or DEFAULT_POSTGRES_URL).split("?", 1)[0]
    if in_ci():
        pytest.fail(f"CI requires PostgreSQL ({POSTGRES_URL_VARIABLE}): {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped, {reason}")


def drop_schema(server: str, schema: str) -> None:
    """Drop a test schema and everything in it."""
    from ledger.storage.postgres import connect  # noqa: PLC0415

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
