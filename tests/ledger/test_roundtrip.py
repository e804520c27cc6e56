"""Round trips: event -> stored event -> event is identical, in the mapper and through SQLite."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from eventsourcing.compressor import ZlibCompressor
from eventsourcing.persistence import JSONTranscoder, StoredEvent
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.events import Event, event_classes
from domain.refs import subject_id
from ledger import Ledger, StorageError
from ledger.application import LedgerApplication
from ledger.demo import COMMENT, POST, record_seed_story
from ledger.mapper import PydanticMapper
from ledger.storage.backends import backend_for
from tests.strategies import events

TOPICS = sorted(event_classes())

MAPPERS = {
    "plain": PydanticMapper(transcoder=JSONTranscoder()),
    "compressed": PydanticMapper(transcoder=JSONTranscoder(), compressor=ZlibCompressor()),
}


@pytest.mark.parametrize("topic", TOPICS)
@settings(max_examples=12)
@given(data=st.data())
def test_the_mapper_gives_back_an_identical_event(topic: str, data: st.DataObject) -> None:
    event = data.draw(events(event_classes()[topic]))
    for mapper in MAPPERS.values():
        stored = mapper.to_stored_event(event)
        assert (stored.topic, stored.originator_id, stored.originator_version) == (
            topic,
            event.originator_id,
            event.originator_version,
        )
        back = mapper.to_domain_event(stored)
        assert type(back) is type(event)
        assert back == event
        assert back.model_dump_json() == event.model_dump_json()


_unique = itertools.count()


def _one_of_each(draws: list[Event]) -> list[Event]:
    """The events with subjects made unique, so every draw can go into one store."""
    fresh = []
    for event in draws:
        subject = f"{event.subject}-{next(_unique)}"
        fresh.append(event.model_copy(update={"subject": subject, "originator_id": subject_id(subject)}))
    return fresh


@settings(
    max_examples=10,
    # One store per test, shared by the examples on purpose: subjects are made unique.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(draws=st.tuples(*(events(cls) for cls in event_classes().values())).map(list))
def test_every_event_class_comes_back_identical_from_an_sqlite_file(
    tmp_path: Path, draws: list[Event]
) -> None:
    written = _one_of_each(draws)
    path = tmp_path / "roundtrip.db"
    with Ledger.open(path) as ledger:
        head = ledger.head
    app = LedgerApplication(env=backend_for(path).env)
    try:
        app.save(*written)
    finally:
        app.close()
    with Ledger.open(path, create=False) as ledger:
        logged = list(ledger.log(after=head))
        assert [e.event for e in logged] == written
        assert [e.position for e in logged] == list(range(head + 1, head + 1 + len(written)))
        for event in written:
            assert [e.event for e in ledger.history(event.subject)] == [event]


def test_a_stored_event_that_cannot_be_read_is_a_storage_error() -> None:
    mapper = MAPPERS["plain"]
    good = next(iter(_stored_seed_events()))
    damaged = StoredEvent(
        originator_id=good.originator_id,
        originator_version=good.originator_version,
        topic=good.topic,
        state=good.state.replace(b'"name":"', b'"name":1, "x":"'),
    )
    with pytest.raises(
        StorageError, match=rf"stored event {good.originator_id} v1 \(ledger.ActorRegistered.v1\) cannot"
    ):
        mapper.to_domain_event(damaged)
    unknown = StoredEvent(
        originator_id=good.originator_id, originator_version=1, topic="ledger.Nope.v1", state=good.state
    )
    with pytest.raises(StorageError, match=r"unknown event topic 'ledger\.Nope\.v1'"):
        mapper.to_domain_event(unknown)
    moved = StoredEvent(
        originator_id=subject_id("actor/someone-else"),
        originator_version=1,
        topic=good.topic,
        state=good.state,
    )
    with pytest.raises(StorageError, match="holds the payload of"):
        mapper.to_domain_event(moved)
    renumbered = StoredEvent(
        originator_id=good.originator_id, originator_version=2, topic=good.topic, state=good.state
    )
    with pytest.raises(
        StorageError, match=f"stored event {good.originator_id} v2 holds the payload of .* v1"
    ):
        mapper.to_domain_event(renumbered)


def _stored_seed_events() -> list[StoredEvent]:
    with Ledger.open(":memory:", recorded_by="demo") as ledger:
        record_seed_story(ledger)
        return [MAPPERS["plain"].to_stored_event(e.event) for e in ledger.log()]


def test_a_compressed_ledger_reads_back_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Ledger.open(":memory:", recorded_by="demo") as plain:
        record_seed_story(plain)
        expected = [(e.position, e.event) for e in plain.log()]
        timelines = [plain.timeline(POST), plain.timeline(COMMENT)]
    # eventsourcing reads its settings from the environment too; a ledger may be compressed.
    monkeypatch.setenv("COMPRESSOR_TOPIC", "eventsourcing.compressor:ZlibCompressor")
    with Ledger.open(tmp_path / "zipped.db", recorded_by="demo") as zipped:
        record_seed_story(zipped)
        assert [(e.position, e.event) for e in zipped.log()] == expected
        got = [zipped.timeline(POST), zipped.timeline(COMMENT)]
        assert [[(e.position, e.summary) for e in t.entries] for t in got] == [
            [(e.position, e.summary) for e in t.entries] for t in timelines
        ]
