"""The ledger on SQLite: in memory and in a real file, through the shared contract."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from domain.instants import micros as datetime_to_micros
from ledger import Ledger, LedgerError, StorageError
from tests.ledger.contract import LedgerContract


class TestMemoryLedger(LedgerContract):
    """An in-memory SQLite ledger."""

    def create_ledger(self) -> Ledger:
        return Ledger.open(":memory:", recorded_by="tester")


class TestSQLiteFileLedger(LedgerContract):
    """A ledger in an SQLite file."""

    tmp_path: Path

    def create_ledger(self) -> Ledger:
        return Ledger.open(self.tmp_path / "ledger.db", recorded_by="tester")

    def open_again(self, ledger: Ledger) -> Ledger:
        return Ledger.open(ledger.url, recorded_by="tester")


# -- opening, on SQLite ------------------------------------------------------------------------------


def _files(folder: Path) -> dict[Path, bytes]:
    """Every file under ``folder`` and its bytes (SQLite's -wal and -shm companions aside)."""
    return {
        p: p.read_bytes() for p in folder.rglob("*") if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


def _not_sqlite(path: Path) -> Path:
    path.write_text("minutes of the meeting\n" * 100)
    return path


def _other_sqlite(path: Path) -> Path:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
        connection.commit()
    return path


def _other_format(path: Path) -> Path:
    with Ledger.open(path):
        pass
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("UPDATE ledger_meta SET value='provenance-ledger/999' WHERE key='format'")
        connection.commit()
    return path


@pytest.mark.parametrize(
    ("make", "options", "message"),
    [
        (_not_sqlite, {}, r"cannot open ledger .*notes\.db: file is not a database"),
        (_other_sqlite, {}, r".*notes\.db is not a ledger: it is an SQLite database of something else"),
        (_other_format, {}, r".*notes\.db is not a ledger of format provenance-ledger/1"),
        (
            lambda p: p.parent / "missing" / "notes.db",
            {},
            r"cannot create ledger .*notes\.db: directory .*missing does not exist",
        ),
        (lambda p: p, {"create": False}, r"no ledger at .*notes\.db"),
        (lambda p: p.parent, {}, r"cannot open ledger .*: it is a directory"),
    ],
)
def test_opening_what_is_not_a_ledger_is_a_storage_error(
    tmp_path: Path, make: Callable[[Path], Path], options: dict[str, Any], message: str
) -> None:
    target = make(tmp_path / "notes.db")
    before = _files(tmp_path)
    with pytest.raises(StorageError, match=f"^{message}$"):
        Ledger.open(target, **options)
    # Nothing is created or changed by a failed open.
    assert _files(tmp_path) == before


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite://ledger.db", r"malformed URL 'sqlite://ledger\.db': expected sqlite:///PATH"),
        ("mysql://host/db", r"cannot open 'mysql://host/db': unknown scheme 'mysql'"),
    ],
)
def test_urls_that_cannot_be_opened(url: str, message: str) -> None:
    with pytest.raises(StorageError, match=message):
        Ledger.open(url)


def test_a_storage_error_is_an_os_error() -> None:
    with pytest.raises(OSError, match="unknown scheme"):
        Ledger.open("ftp://x/y")


def test_urls_and_paths_name_the_same_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with Ledger.open("sqlite:///relative.db") as ledger:
        ledger.register_actor("actor/ann", name="Ann", kind="person")
    for url in [
        "relative.db",
        tmp_path / "relative.db",
        f"sqlite:///{tmp_path}/relative.db",
        "sqlite:///relative.db",
    ]:
        with Ledger.open(url, create=False) as ledger:
            assert ledger.exists("actor/ann"), url


def test_the_default_is_ledger_url_then_ledger_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LEDGER_URL", raising=False)
    with Ledger.open() as ledger:
        ledger.register_actor("actor/ann", name="Ann", kind="person")
    assert (tmp_path / "ledger.db").is_file()
    monkeypatch.setenv("LEDGER_URL", f"sqlite:///{tmp_path}/other.db")
    with Ledger.open() as ledger:
        assert not ledger.exists("actor/ann")
        assert ledger.url == f"sqlite:///{tmp_path}/other.db"
    assert (tmp_path / "other.db").is_file()


def test_who_records_defaults_to_ledger_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEDGER_USER", "night-desk")
    with Ledger.open(":memory:") as ledger:
        assert ledger.recorded_by == "night-desk"
        ledger.register_actor("actor/ann", name="Ann", kind="person")
        assert ledger.history("actor/ann")[0].event.recorded_by == "night-desk"
    with Ledger.open(":memory:", recorded_by="day-desk") as ledger:
        assert ledger.recorded_by == "day-desk"


def test_two_memory_ledgers_are_separate() -> None:
    with Ledger.open(":memory:") as one, Ledger.open("sqlite:///:memory:") as two:
        one.register_actor("actor/ann", name="Ann", kind="person")
        assert (one.head, two.head) == (1, 0)
        assert two.url == ":memory:"


URI_NAMES = ["desk #1.db", "what?.db", "100%.db", "a%20b.db", "état.db"]


@pytest.mark.parametrize("name", URI_NAMES)
def test_a_ledger_file_whose_name_has_uri_characters_reopens(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    with Ledger.open(path) as ledger:
        ledger.register_actor("actor/ann", name="Ann", kind="person")
    with Ledger.open(path, create=False) as ledger:
        assert ledger.get("actor/ann").name == "Ann"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".db") == [name]


@pytest.mark.parametrize("name", URI_NAMES)
def test_a_database_of_something_else_is_refused_whatever_its_name(tmp_path: Path, name: str) -> None:
    path = _other_sqlite(tmp_path / name)
    with pytest.raises(StorageError, match="is not a ledger: it is an SQLite database of something else"):
        Ledger.open(path)
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("SELECT name FROM sqlite_master").fetchall() == [("recipes",)]
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_record_time_never_goes_backwards_whatever_the_writers_clocks(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    with Ledger.open(path) as ledger:
        ledger.register_actor("actor/ann", name="Ann", kind="person")
    # Another writer, its clock far ahead, recorded the last row.
    future = datetime(2100, 1, 1, tzinfo=UTC)
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("UPDATE stored_events SET recorded_at=?", (datetime_to_micros(future),))
        connection.commit()
    with Ledger.open(path) as ledger:
        ledger.register_actor("actor/bob", name="Bob", kind="person")
        assert [e.recorded_at for e in ledger.log()] == [future, future]


def test_positions_survive_vacuum(tmp_path: Path) -> None:
    """Positions are an INTEGER PRIMARY KEY, which VACUUM keeps; a rowid alone may not be."""
    path = tmp_path / "ledger.db"
    with Ledger.open(path, recorded_by="desk") as ledger:
        for n in range(5):
            ledger.register_actor(f"actor/a{n}", name=f"A{n}", kind="person")
    with sqlite3.connect(path) as connection:
        columns = connection.execute("PRAGMA table_info(stored_events)").fetchall()
        assert [c[1] for c in columns if c[5] == 1] == ["notification_id"]
        assert next(c[2] for c in columns if c[1] == "notification_id") == "INTEGER"
    connection = sqlite3.connect(path)
    connection.execute("VACUUM")
    connection.close()
    with Ledger.open(path, create=False) as ledger:
        assert [(e.position, e.subject) for e in ledger.log()] == [(n + 1, f"actor/a{n}") for n in range(5)]
        notifications = ledger._app.recorder.select_notifications(start=2, limit=2)
        assert [n.id for n in notifications] == [2, 3]


# -- the tree's frontier, kept between appends -------------------------------------------------------


def test_an_append_after_a_rolled_back_one_builds_on_what_was_committed(tmp_path: Path) -> None:
    path = tmp_path / "ledger.db"
    with Ledger.open(path, recorded_by="tester") as ledger:
        ledger.register_actor("actor/first", name="First", kind="person")
        with closing(sqlite3.connect(path)) as db, db:
            # A stray leaf where the next entry's leaf belongs: the next append rolls back.
            db.execute("INSERT INTO merkle_nodes VALUES (2, 0, ?)", (bytes(32),))
        with pytest.raises(LedgerError):
            ledger.register_actor("actor/second", name="Second", kind="person")
        with closing(sqlite3.connect(path)) as db, db:
            db.execute("DELETE FROM merkle_nodes WHERE position=2")
        ledger.register_actor("actor/second", name="Second", kind="person")
        ledger.register_actor("actor/third", name="Third", kind="person")
        assert ledger.verify().events == 3
