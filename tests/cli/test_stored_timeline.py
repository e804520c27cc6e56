"""``ledger timeline`` read from caught-up views alone prints what the ledger prints, byte for byte.

The light path (:mod:`projections.stored_timeline`, used by :mod:`cli.timeline`)
reads the views' tables and the stored JSON without the domain's models; the
full path (the ledger) catches up, validates and answers. Over a ledger with
every type of event, hostile text in its fields, corrections, a redaction,
links and repetitions, both print the same bytes for every subject, and the
light path's summaries and actors are the domain's. Where it is unsure it
steps aside: views behind, a damaged payload, an unknown ref, not a ledger.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cli_helpers import assert_one_error_line
from click.testing import CliRunner, Result
from eventsourcing.persistence import JSONTranscoder
from hypothesis import given, settings
from hypothesis import strategies as st
from test_cli_terminal_safety import HOSTILE, TEXT, assert_printable

import cli.log
import cli.timeline
from cli.main import ledger as ledger_command
from domain.events import event_class, event_classes
from ledger import Ledger
from ledger.demo import load_example
from ledger.mapper import PydanticMapper
from projections import stored_timeline
from projections.runner import _schema_hash
from projections.sql import SQLITE
from projections.timeline_view import timeline_ddl
from tests.strategies import events


@pytest.fixture
def every_event(db: Path) -> Path:
    """A caught-up ledger holding the seed story and every type of event, with hostile text."""
    with Ledger.open(db, recorded_by="desk\x1b[31m") as ledger:
        load_example(ledger)
        ledger.register_actor("actor/eve", name="Eve \x1b]0;title\x07" + HOSTILE[0], kind="person")
        ledger.add_actor_handle("actor/eve", handle="x:eve", at="2024-10-15")
        ledger.drop_actor_handle("actor/eve", handle="x:eve", at="2024-10-16T08:00+02:00")
        ledger.rename_actor("actor/eve", name="Eve " + HOSTILE[8], at="2024-10")
        ledger.register_source("source/evil", title="Source " + HOSTILE[7], kind="article", at="2024-10-18")
        ledger.archive_source(
            "source/evil", url="https://archive.example/\x1b[2J", at="2024-10-19T01:02:03.5Z"
        )
        ledger.publish_post(
            "post/evil",
            platform="X\x1b[5m",
            author="actor/eve",
            text=TEXT,
            at="2024-10-16T09:30Z",
            sources=["source/evil"],
            note="note " + HOSTILE[3],
        )
        ledger.publish_post("post/quiet", platform="X", author="actor/eve", at="2024")
        ledger.publish_post(
            "post/reply",
            platform="X",
            author="actor/eve",
            text="re",
            in_reply_to="post/evil",
            at="..2024-10-17",
        )
        ledger.observe_post("post/evil", at="2024-10-16T12:00Z", views=1234567, likes=0)
        ledger.edit_post("post/evil", text="edited " + HOSTILE[6], at="2024-10-16T13:00Z..")
        ledger.archive_post(
            "post/evil", url="https://a.example/p", http_status=404, tombstone=True, at="2024-10-17"
        )
        ledger.archive_post(
            "post/evil", url="https://a.example/q", http_status=200, text="there", at="2024-10-17"
        )
        ledger.archive_post("post/evil", url="https://a.example/r", at="2024-10-17T05:00Z")
        ledger.delete_post("post/evil", at="2024-10-17..2024-10-18")
        ledger.restore_post("post/evil", at="2024-10-19")
        ledger.make_claim(
            "claim/evil", text="claim " + HOSTILE[1], claimant="actor/eve", post="post/evil", at="2024-10-17"
        )
        ledger.repeat_claim("claim/evil", post="post/quiet", by="actor/eve", at="2024-10-18")
        ledger.repeat_claim("claim/evil", post="post/reply", by="actor/eve", at="2024-10-18")
        review = {"reviewer": "actor/eve", "verdict": "False\u202e", "rationale": "because " + HOSTILE[4]}
        ledger.rebut_claim("claim/evil", **review, evidence=[f"source/evil:{HOSTILE[5]}"], at="2024-10-18")
        ledger.support_claim("claim/evil", **review, at="2024-10-18")
        ledger.rate_claim("claim/evil", **review, at="2024-10-18")
        ledger.revise_verdict("claim/evil", **review, at="2024-10-19")
        ledger.retract_claim("claim/evil", reason="sorry " + HOSTILE[2], at="2024-10-20")
        ledger.request_comment(
            "comment/evil",
            requester="actor/labour-senior-member",
            recipient="actor/eve",
            channel="email",
            regarding=["post/evil", "claim/evil"],
            question="why " + HOSTILE[0],
            deadline="2024-10-21",
            at="2024-10-18",
        )
        ledger.receive_comment("comment/evil", text="answer " + HOSTILE[9], at="2024-10-19")
        ledger.request_comment(
            "comment/two", requester="actor/elon-musk", recipient="actor/eve", channel="social", at="2024"
        )
        ledger.decline_comment("comment/two", at="2024-12")
        ledger.request_comment(
            "comment/three",
            requester="actor/elon-musk",
            recipient="actor/eve",
            channel="social",
            at="2024-10-18",
        )
        ledger.lapse_comment("comment/three", text="late " + HOSTILE[3], at="2024-11")
        ledger.open_case("case/evil", title="Case " + HOSTILE[2])
        ledger.link_to_case("case/evil", ["post/evil", "claim/evil", "comment/evil"])
        ledger.add_case_note("case/evil", text="note " + HOSTILE[9], at="2024-10")
        ledger.correct("post/evil", version=2, reason="wrong count " + HOSTILE[1])
        ledger.correct("post/evil", version=2, reason="again")
        ledger.publish_post("post/secret", platform="X", author="actor/eve", text="private", at="2024-10-16")
        ledger.redact("post/secret", version=1, reason="legal " + HOSTILE[5])
        ledger.catch_up_projections()
    return db


def subjects(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT DISTINCT json_extract(state, '$.subject') FROM stored_events ORDER BY notification_id"
        )
        return [row[0] for row in rows]


def both(runner: CliRunner, db: Path, *args: str) -> tuple[Result, Result]:
    """``ledger timeline ARGS`` on the light path, then on the full path (the light one turned off)."""
    light = runner.invoke(ledger_command, ["--db", str(db), "timeline", *args])
    saved = cli.timeline.stored_timeline
    cli.timeline.stored_timeline = lambda ref, db=None: None  # type: ignore[assignment]
    try:
        full = runner.invoke(ledger_command, ["--db", str(db), "timeline", *args])
    finally:
        cli.timeline.stored_timeline = saved
    return light, full


def test_both_paths_print_the_same_bytes_for_every_subject(runner: CliRunner, every_event: Path) -> None:
    refs = subjects(every_event)
    assert len(refs) > 30
    for ref in refs:
        assert cli.timeline.stored_timeline(ref, str(every_event)) is not None, ref  # the light path answers
        light, full = both(runner, every_event, ref)
        assert (light.exit_code, light.stdout, light.stderr) == (full.exit_code, full.stdout, full.stderr), (
            ref
        )
        assert light.exit_code == 0
        assert_printable(light.stdout)
    light, _ = both(runner, every_event, "post/evil")
    assert "\\x1b" in light.stdout  # hostile text shown escaped
    assert "corrected by v" in light.stdout


def test_every_event_type_reads_as_the_domain_says(every_event: Path) -> None:
    """Each stored event's type, summary and actor, from its JSON, are those of its domain model."""
    seen = set()
    with Ledger.open(every_event, create=False) as ledger, sqlite3.connect(every_event) as connection:
        records = connection.execute(
            "SELECT notification_id, recorded_at, topic, originator_id, originator_version, state "
            "FROM stored_events ORDER BY notification_id"
        ).fetchall()
        for record, logged in zip(records, ledger.log(), strict=True):
            read = stored_timeline.stored_entry(record)
            event = logged.event
            assert (read.type, read.summary, read.actor) == (event.type, event.summary(), event.actor)
            assert (read.subject, read.version, read.recorded_at) == (
                event.subject,
                logged.version,
                logged.recorded_at,
            )
            assert (read.sources, read.note, read.recorded_by) == (
                event.sources,
                event.note,
                event.recorded_by,
            )
            assert str(read.occurred_at) == str(event.occurred_at)
            seen.add(record[2])
    assert seen == set(stored_timeline.EVENTS)
    for topic, (name, _, _) in stored_timeline.EVENTS.items():
        assert event_class(topic).__name__ == name


def test_the_light_path_keeps_to_the_views_schema() -> None:
    assert _schema_hash(timeline_ddl(SQLITE)) == stored_timeline.TIMELINE_SCHEMA_HASH


def light_read(db: Path, ref: str) -> object:
    return cli.timeline.stored_timeline(ref, str(db))


def test_views_behind_are_caught_up_by_the_ledger(runner: CliRunner, every_event: Path) -> None:
    with Ledger.open(every_event, recorded_by="desk") as ledger:
        ledger.observe_post("post/evil", at="2024-10-20", views=5)
    assert light_read(every_event, "post/evil") is None
    light, full = both(runner, every_event, "post/evil")
    assert light.stdout == full.stdout
    assert "reach observed: 5 views" in light.stdout
    assert light_read(every_event, "post/evil") is not None  # caught up by the ledger


@pytest.mark.parametrize(
    "statement",
    [
        'UPDATE stored_events SET state = \'{"not": "an event"}\' WHERE notification_id = 3',
        "UPDATE stored_events SET state = 'garbage' WHERE notification_id = 3",
        "UPDATE stored_events SET topic = 'ledger.Unknown.v1' WHERE notification_id = 3",
        "UPDATE stored_events SET originator_version = 7 WHERE notification_id = 3",
        "UPDATE view_tracking SET schema_hash = 'old' WHERE view_name = 'timeline'",
        "DROP TABLE view_timeline_joins",
    ],
)
def test_damage_is_left_to_the_ledger(runner: CliRunner, story: Path, statement: str) -> None:
    with Ledger.open(story, create=False) as ledger:
        ledger.catch_up_projections()
        ref = next(e.subject for e in ledger.log() if e.position == 3)
    with sqlite3.connect(story) as connection:
        connection.execute(statement)
    assert light_read(story, ref) is None
    light, full = both(runner, story, ref)
    assert (light.exit_code, light.stdout, light.stderr) == (full.exit_code, full.stdout, full.stderr)


def test_errors_are_the_ledgers_own(runner: CliRunner, every_event: Path, tmp_path: Path) -> None:
    light, full = both(runner, every_event, "post/nothing-here")
    assert (light.exit_code, light.stderr) == (full.exit_code, full.stderr)
    assert_one_error_line(light, 1, "post/nothing-here does not exist")
    light, full = both(runner, every_event, "not a ref")
    assert (light.exit_code, light.stderr) == (full.exit_code, full.stderr)
    assert light.exit_code != 0
    for path in (tmp_path / "missing.db", Path(__file__)):
        light, full = both(runner, path, "post/evil")
        assert (light.exit_code, light.stdout, light.stderr) == (full.exit_code, full.stdout, full.stderr)
        assert light.exit_code != 0
        assert len(light.stderr.splitlines()) == 1
    assert not (tmp_path / "missing.db").exists()


def both_logs(runner: CliRunner, db: Path, *args: str) -> tuple[Result, Result]:
    """``ledger log ARGS`` from the stored JSON, then from the ledger alone."""
    light = runner.invoke(ledger_command, ["--db", str(db), "log", *args])
    saved = cli.log.stored_ledger
    cli.log.stored_ledger = lambda db=None: None  # type: ignore[assignment]
    try:
        full = runner.invoke(ledger_command, ["--db", str(db), "log", *args])
    finally:
        cli.log.stored_ledger = saved
    return light, full


@pytest.mark.parametrize(
    "args", [(), ("--after", "5", "--limit", "7"), ("--limit", "1"), ("--after", "70"), ("--after", "700")]
)
def test_the_log_from_stored_json_is_the_ledgers(
    runner: CliRunner, every_event: Path, args: tuple[str, ...]
) -> None:
    light, full = both_logs(runner, every_event, *args)
    assert (light.exit_code, light.stdout, light.stderr) == (full.exit_code, full.stdout, full.stderr)
    assert_printable(light.stdout)


@pytest.mark.parametrize(
    "statement",
    [
        'UPDATE stored_events SET state = \'{"not": "an event"}\' WHERE notification_id = 30',
        "UPDATE stored_events SET topic = 'ledger.Unknown.v1' WHERE notification_id = 30",
        "UPDATE stored_events SET state=json_set(state, '$.originator_version', 9) WHERE notification_id=30",
    ],
)
@pytest.mark.parametrize("args", [(), ("--after", "20", "--limit", "10"), ("--limit", "29")])
def test_the_log_hands_over_to_the_ledger_at_an_entry_it_cannot_read(
    runner: CliRunner, story: Path, statement: str, args: tuple[str, ...]
) -> None:
    with sqlite3.connect(story) as connection:
        connection.execute(statement)
    light, full = both_logs(runner, story, *args)
    assert (light.exit_code, light.stdout, light.stderr) == (full.exit_code, full.stdout, full.stderr)
    assert light.exit_code == (0 if args == ("--limit", "29") else 3), light.stderr
    assert len(light.stdout.splitlines()) == 30 if args != ("--after", "20", "--limit", "10") else 10


@pytest.mark.parametrize("topic", sorted(event_classes()))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_any_valid_event_reads_on_the_light_path_as_the_domain_says(topic: str, data: st.DataObject) -> None:
    """Generated events of every type, not only the fixture's: the summary written from JSON is the
    domain's ``summary()`` (the two are written separately; this holds them together), and a valid
    event never makes the light path step aside."""
    event = data.draw(events(event_classes()[topic]))
    stored = PydanticMapper(transcoder=JSONTranscoder()).to_stored_event(event)
    row = (7, 1_700_000_000_000_000, topic, event.originator_id.hex, event.originator_version, stored.state)
    read = stored_timeline.stored_entry(row)
    assert (read.type, read.summary, read.actor) == (event.type, event.summary(), event.actor)
    assert (read.subject, read.sources, read.note, read.recorded_by) == (
        event.subject,
        event.sources,
        event.note,
        event.recorded_by,
    )
    assert str(read.occurred_at) == str(event.occurred_at)
