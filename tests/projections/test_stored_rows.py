"""Catch-up's folds of events' JSON agree with the domain: every event, its references, its rows."""

from __future__ import annotations

from collections.abc import Iterator

import orjson
import pytest

from domain.events import LogEntry, event_classes
from ledger import Ledger
from ledger.demo import record_seed_story
from projections.rows import ROW_CLASSES, row_fields
from projections.stored_rows import HANDLED, RawEntry, fold_row, references


@pytest.fixture(scope="module")
def entries() -> Iterator[list[LogEntry]]:
    with Ledger.open(":memory:", recorded_by="desk") as ledger:
        record_seed_story(ledger)
        ledger.restore_post("post/labour-linkedin-invite", at="2024-10-21")
        ledger.edit_post("post/labour-linkedin-invite", text="Edited", at="2024-10-22")
        ledger.revise_verdict(
            "claim/musk-this-is-illegal",
            reviewer="actor/newsweek",
            verdict="False",
            rationale="More",
            at="2024-10-23",
        )
        ledger.retract_claim("claim/musk-this-is-illegal", at="2024-10-24")
        ledger.decline_comment("comment/newsweek-to-labour-press", at="2024-10-25", text="No comment")
        ledger.correct("post/labour-linkedin-invite", version=1, reason="typo")
        yield list(ledger.log())


def raw(entry: LogEntry) -> RawEntry:
    return RawEntry.of(entry.position, entry.event.TOPIC, orjson.loads(entry.event.model_dump_json()))


def test_every_event_class_can_be_folded() -> None:
    assert set(event_classes()) == HANDLED


def test_references_from_json_are_the_domains(entries: list[LogEntry]) -> None:
    for entry in entries:
        assert references(raw(entry)) == list(entry.event.references()), entry.type


def test_rows_folded_from_json_are_those_of_the_domains_states(entries: list[LogEntry]) -> None:
    states: dict[str, object] = {}
    rows: dict[str, dict[str, object]] = {}
    for entry in entries:
        states[entry.subject] = state = entry.event.apply(states.get(entry.subject))
        rows[entry.subject] = row = fold_row(rows.get(entry.subject), entry.event.TOPIC, raw(entry).data)
        row_class = ROW_CLASSES[entry.subject.partition("/")[0]]
        assert row_class.model_validate_json(orjson.dumps(row)) == row_class(**row_fields(state)), entry.type
