"""The parts the Ledger holds: as_of resolved once, the error policy, the storage seam."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.errors import ConflictError, InvalidError, NotFoundError, StorageError, VerificationError
from ledger import Ledger, policy
from ledger.asof import AsOfResolver
from ledger.integrity.api import Integrity
from ledger.log import LogReader
from ledger.queries import Queries
from ledger.search import Search
from ledger.storage.sqlite import SQLITE_KIND
from ledger.views import Views


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    with Ledger.open(tmp_path / "ledger.db", recorded_by="test") as opened:
        for i in range(9):
            opened.register_actor(f"actor/a-{i}", name=f"A {i}", kind="person")
        yield opened


def test_as_of_names_the_last_position_recorded_by_then(ledger: Ledger) -> None:
    resolve = AsOfResolver(LogReader(ledger._recorder, ledger._mapper)).known
    entries = list(ledger.log())
    assert resolve(None).position == ledger.head == 9
    assert (resolve(4).position, resolve(" 4 ").position, resolve(9).position) == (4, 4, 9)
    # Past the head is said, not answered with the head: a typo, or a ledger that does not exist yet.
    with pytest.raises(
        InvalidError, match="as_of 99 is past the head of the log: the last entry is at position 9"
    ):
        resolve(99)
    with pytest.raises(InvalidError, match="is in the future"):
        resolve(datetime.now(UTC) + timedelta(days=2))
    for entry in entries:
        known = resolve(entry.recorded_at)
        # Entries recorded in the same microsecond share a record time: the last of them is named.
        assert known.position == max(e.position for e in entries if e.recorded_at <= entry.recorded_at)
        assert known.now == entry.recorded_at
    before = entries[0].recorded_at - timedelta(microseconds=1)
    assert resolve(before).position == 0
    assert resolve(before.isoformat()).position == 0
    assert resolve(3).now == entries[2].recorded_at
    assert abs(resolve(None).now - datetime.now(UTC)) < timedelta(minutes=1)
    for bad in (-1, True, "2024-10", "yesterday"):
        with pytest.raises(InvalidError):
            resolve(bad)  # type: ignore[arg-type]


def test_every_ledger_error_has_one_exit_code() -> None:
    assert policy.exit_code(VerificationError("x")) == policy.EXIT_NOT_VERIFIED == 3
    for error in (NotFoundError("x"), InvalidError("x"), ConflictError("x"), StorageError("x")):
        assert policy.exit_code(error) == policy.EXIT_FAILED == 1
    assert policy.EXIT_USAGE == 2


def test_a_conflict_is_retried_then_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(policy, "ATTEMPTS", 3)
    calls: list[int] = []

    def flaky(fail: int) -> str:
        calls.append(1)
        if len(calls) <= fail:
            raise ConflictError("busy")
        return "done"

    assert policy.retry_on_conflict(flaky)(2) == "done"
    assert len(calls) == 3
    calls.clear()
    with pytest.raises(ConflictError, match=r"busy \(gave up after 3 attempts\)"):
        policy.retry_on_conflict(flaky)(5)
    assert len(calls) == 3


def test_each_backend_says_what_a_lock_error_looks_like() -> None:
    POSTGRES_KIND = pytest.importorskip("ledger.storage.postgres").POSTGRES_KIND  # noqa: N806
    assert SQLITE_KIND.is_lock_error(Exception("database is locked"))
    assert SQLITE_KIND.is_lock_error(Exception("database table is locked"))
    assert POSTGRES_KIND.is_lock_error(Exception("canceling statement due to lock timeout"))
    for kind in (SQLITE_KIND, POSTGRES_KIND):
        assert not kind.is_lock_error(Exception("disk I/O error"))
        assert not kind.is_lock_error(Exception("duplicate key value violates unique constraint"))
    assert (SQLITE_KIND.dialect.name, POSTGRES_KIND.dialect.name) == ("sqlite", "postgresql")


def test_the_ledger_holds_the_storage_its_url_chose(ledger: Ledger) -> None:
    assert ledger._storage.kind is SQLITE_KIND
    assert ledger._storage.tree is ledger._recorder.tree
    assert ledger._storage.views_database().dialect is SQLITE_KIND.dialect


# Every public method of a part, as the Ledger offers it (the parts' own plumbing aside).
PART_METHODS = {
    Queries: [
        "timeline",
        "rows",
        "posts",
        "claims",
        "comment_requests",
        "actors",
        "sources",
        "cases",
        "case_subjects",
    ],
    Views: ["projections_status", "catch_up_projections", "rebuild_projections"],
    Integrity: [
        "tree_head",
        "checkpoints",
        "checkpoint",
        "verify",
        "witness_request",
        "add_cosignatures",
        "prove_inclusion",
        "prove_consistency",
        "generate_key",
    ],
    Search: ["search"],
    LogReader: ["history"],  # log and replay: the Ledger refuses positions past the head first
}


@pytest.mark.parametrize("part", PART_METHODS, ids=lambda part: part.__name__)
def test_the_ledger_offers_each_part_method_with_its_signature_and_docstring(part: type) -> None:
    own = {
        name
        for name, value in vars(part).items()
        if not name.startswith("_")
        and callable(value)
        and name not in {"known", "get_on_clocks", "fresh", "read", "forget"}
    }
    assert own - {"entry", "records", "entry_at", "replay", "log"} == set(PART_METHODS[part])
    for name in PART_METHODS[part]:
        offered, original = getattr(Ledger, name), getattr(part, name)
        assert inspect.signature(offered) == inspect.signature(original), name
        assert offered.__doc__ == original.__doc__, name
