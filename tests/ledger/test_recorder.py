"""The SQLite log recorder passes eventsourcing's own application-recorder contract."""

from __future__ import annotations

import tempfile
from pathlib import Path

from eventsourcing.sqlite import SQLiteDatastore
from eventsourcing.tests.persistence import ApplicationRecorderTestCase

from ledger.sqlite import SQLiteLogRecorder


class TestSQLiteLogRecorder(ApplicationRecorderTestCase[SQLiteLogRecorder]):
    """eventsourcing's contract, on a real SQLite file, without its timing and load tests."""

    def setUp(self) -> None:
        self._folder = tempfile.TemporaryDirectory()
        self._datastores: list[SQLiteDatastore] = []

    def tearDown(self) -> None:
        for datastore in self._datastores:
            datastore.close()
        self._folder.cleanup()

    def create_recorder(self) -> SQLiteLogRecorder:
        datastore = SQLiteDatastore(db_name=str(Path(self._folder.name) / "log.db"))
        self._datastores.append(datastore)
        recorder = SQLiteLogRecorder(datastore)
        recorder.create_table()
        return recorder

    # Speed is measured in benchmarks; these are timed or run 100,000 inserts.
    test_performance = None  # type: ignore[assignment]
    test_concurrent_no_conflicts = None  # type: ignore[assignment]
    test_concurrent_throughput = None  # type: ignore[assignment]
