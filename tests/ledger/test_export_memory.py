"""Exporting a ledger of 100,000 events takes bounded memory, on each backend.

The log is filled straight through the recorder (the storage layer's bulk
write), then exported by a fresh process that measures how much its
resident size grows while exporting: a fraction of the export's size.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.utils import Environment

from domain import actor
from domain.events import Provenance
from domain.refs import subject_id
from ledger.application import LedgerApplication
from ledger.storage.backends import backend_for
from ledger.storage.records import LogRecord, LogRecorder

EVENTS = 100_000
MIB = 1024 * 1024


class _NoSubjects:
    """A directory with nothing recorded yet: what a fresh ledger is to its first commands."""

    def exists(self, ref: str) -> bool:
        return False


def actor_records(count: int) -> Iterator[LogRecord]:
    """``count`` valid actor registrations, one a millisecond from 2024-10-18."""
    template = actor.register(
        "actor/person-0",
        name="Person 0",
        kind="person",
        description="A person registered to make the log long. " * 4,
        provenance=Provenance(recorded_by="memory-test"),
        directory=_NoSubjects(),
    )
    state = template.__pydantic_serializer__.to_json(template).decode()
    state = state.replace(str(template.originator_id), "<id>").replace("erson-0", "erson-<n>")
    state = state.replace("Person 0", "Person <n>")
    for position in range(1, count + 1):
        stream = subject_id(f"actor/person-{position}")
        yield LogRecord(
            position=position,
            originator_id=stream,
            originator_version=1,
            topic=type(template).TOPIC,
            state=state.replace("<id>", str(stream)).replace("<n>", str(position)).encode(),
            recorded_us=1_729_209_600_000_000 + position * 1000,
        )


def fill(url: str, count: int) -> None:
    factory = InfrastructureFactory.construct(Environment(LedgerApplication.name, backend_for(url).env))
    try:
        recorder = factory.application_recorder()
        assert isinstance(recorder, LogRecorder)
        assert recorder.import_log(actor_records(count), origin="provenance-ledger/memory-test") == count
    finally:
        factory.close()


MEASURE = textwrap.dedent(
    """
    import resource, sys
    from ledger import Ledger

    with Ledger.open(sys.argv[1], create=False) as ledger:
        list(ledger.log(until=1000))  # connect and read a first batch before measuring
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        summary = ledger.export(sys.argv[2])
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(summary.events, grown * 1024)
    """
)


def test_exporting_100_000_events_takes_bounded_memory(ledger_url: str, tmp_path: Path) -> None:
    fill(ledger_url, EVENTS)
    target = tmp_path / "exported.jsonl"
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, ledger_url, str(target)], capture_output=True, text=True, check=True
    )
    events, grown = (int(field) for field in result.stdout.split())
    size = target.stat().st_size
    assert events == EVENTS
    assert size > 50 * MIB
    # Holding the export, or the log, would grow it by more than the export's size.
    assert grown < 24 * MIB, f"resident size grew {grown / MIB:.1f} MiB exporting {size / MIB:.0f} MiB"
    with target.open() as exported:
        assert json.loads(next(exported))["events"] == EVENTS
        lines = sum(1 for _ in exported)
    assert lines == EVENTS + 1
