"""Both log recorders pass eventsourcing's own recorder tests, and keep positions dense."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest
from eventsourcing.persistence import ApplicationRecorder, InfrastructureFactory, IntegrityError, StoredEvent
from eventsourcing.tests.persistence import (
    ApplicationRecorderTestCase,
    NonInterleavingNotificationIDsBaseCase,
)
from eventsourcing.utils import Environment

from ledger.application import LedgerApplication
from ledger.storage.backends import backend_for
from ledger.storage.records import LogRecorder


class _Recorders:
    """Builds recorders the way a ledger does: eventsourcing's factory, configured by URL."""

    url = ""
    factories: list[InfrastructureFactory[ApplicationRecorder]]  # type: ignore[type-var]
    threads_before: set[threading.Thread]

    def create_recorder(self) -> LogRecorder:
        env = Environment(LedgerApplication.name, backend_for(self.url).env)
        factory = InfrastructureFactory.construct(env)
        self.factories.append(factory)
        recorder = factory.application_recorder()
        assert isinstance(recorder, LogRecorder)
        return recorder

    def tearDown(self) -> None:
        # eventsourcing's concurrency tests stop their reader threads without joining them:
        # closing the connections under a thread still in a query crashes sqlite3 (a segfault).
        # (Daemon threads, such as a connection pool's workers, live until the factory closes.)
        for thread in set(threading.enumerate()) - self.threads_before:
            if not thread.daemon:
                thread.join(timeout=30)
        for factory in self.factories:
            factory.close()


class _SQLite(_Recorders):
    @pytest.fixture(autouse=True)
    def _file(self, tmp_path: Path) -> None:
        self.url = f"sqlite:///{tmp_path / 'ledger.db'}"
        self.factories, self.threads_before = [], set(threading.enumerate())


class _Postgres(_Recorders):
    @pytest.fixture(autouse=True)
    def _schema(self, postgres_url: str) -> None:
        self.url = postgres_url
        self.factories, self.threads_before = [], set(threading.enumerate())


class TestSQLiteLogRecorder(_SQLite, ApplicationRecorderTestCase[LogRecorder]):
    """eventsourcing's application recorder tests, on the SQLite log recorder."""


class TestPostgresLogRecorder(_Postgres, ApplicationRecorderTestCase[LogRecorder]):
    """eventsourcing's application recorder tests, on the PostgreSQL log recorder."""

    # Live subscriptions (LISTEN/NOTIFY) exist on PostgreSQL only.
    test_insert_subscribe = ApplicationRecorderTestCase.optional_test_insert_subscribe


class TestSQLiteNonInterleaving(_SQLite, NonInterleavingNotificationIDsBaseCase):
    """Two concurrent batches get two runs of positions, never interleaved (SQLite)."""


class TestPostgresNonInterleaving(_Postgres, NonInterleavingNotificationIDsBaseCase):
    """Two concurrent batches get two runs of positions, never interleaved (PostgreSQL)."""


def _event(stream: object, version: int) -> StoredEvent:
    return StoredEvent(originator_id=stream, originator_version=version, topic="t", state=b"{}")


class _DenseContract(_Recorders):
    def test_a_refused_insert_leaves_no_gap(self) -> None:
        recorder = self.create_recorder()
        first, second = uuid.uuid4(), uuid.uuid4()
        assert recorder.insert_events([_event(first, 1)]) == [1]
        with pytest.raises(IntegrityError):
            recorder.insert_events([_event(second, 1), _event(first, 1)])
        assert recorder.insert_events([_event(second, 1), _event(second, 2)]) == [2, 3]
        assert [r.position for r in recorder.select_log(0, 10)] == [1, 2, 3]
        assert recorder.max_position() == 3

    def test_record_times_never_go_backwards(self) -> None:
        recorder = self.create_recorder()
        stream = uuid.uuid4()
        future = 4_102_444_800_000_000  # 2100-01-01, as if a writer's clock were far ahead
        recorder.insert_events([_event(stream, 1)], recorded_us=[future])
        recorder.insert_events([_event(stream, 2), _event(stream, 3)])
        times = [r.recorded_us for r in recorder.select_log(0, 10)]
        assert times == [future, future, future]

    def test_the_origin_is_made_once(self) -> None:
        origin = self.create_recorder().get_meta("origin")
        assert origin is not None
        assert origin.startswith("provenance-ledger/")
        assert self.create_recorder().get_meta("origin") == origin
        assert self.create_recorder().get_meta("format") == "provenance-ledger/1"


class TestSQLiteDense(_SQLite, _DenseContract):
    """Dense positions and monotonic record times on SQLite."""


class TestPostgresDense(_Postgres, _DenseContract):
    """Dense positions and monotonic record times on PostgreSQL."""
