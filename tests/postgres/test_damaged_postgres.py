"""A damaged PostgreSQL ledger: rows edited behind the ledger's back are named in one line, exit 3."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import ledger as ledger_command
from ledger import Ledger
from ledger.demo import load_example
from ledger.storage.backends import parse_postgres_url
from ledger.storage.postgres import connect


def _tamper(url: str, statement: str) -> None:
    settings = parse_postgres_url(url)
    with connect(settings) as connection:
        connection.execute(f'SET search_path TO "{settings.schema}"')
        with connection.transaction():
            connection.execute(statement)  # type: ignore[arg-type]  (a fixed statement of this test)


@pytest.mark.parametrize(
    ("statement", "fragment"),
    [
        ("UPDATE stored_events SET topic = 'nope' WHERE notification_id = 3", "unknown event topic 'nope'"),
        ("UPDATE stored_events SET state = '\\x7b7b'::bytea WHERE notification_id = 3", "cannot be read"),
    ],
)
@pytest.mark.parametrize("args", [["log"], ["replay"], ["projections", "rebuild"], ["list", "posts"]])
def test_a_tampered_entry_is_one_line_naming_its_position(
    postgres_url: str, statement: str, fragment: str, args: list[str]
) -> None:
    with Ledger.open(postgres_url, recorded_by="desk") as ledger:
        load_example(ledger)
    _tamper(postgres_url, statement)
    result = CliRunner().invoke(ledger_command, ["--db", postgres_url, *args])
    assert result.exit_code == 3, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: position 3: ")
    assert fragment in line
    assert "`ledger verify`" in line


def test_a_malformed_ipv6_host_is_one_line_without_the_password() -> None:
    result = CliRunner().invoke(ledger_command, ["--db", "postgresql://u:s3cret@[::1:5432/db", "verify"])
    assert result.exit_code == 1
    assert result.stderr == "Error: malformed URL postgresql://u:***@[::1:5432/db: Invalid IPv6 URL\n"
