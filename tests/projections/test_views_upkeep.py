"""Keeping the views: status, freshness across connections, rebuilds, changed definitions, bad input.

Each test runs on both backends (``ledger_url``: an SQLite file, a PostgreSQL schema).
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from datetime import UTC, datetime
from typing import Any

import pytest

from ledger import InvalidError, Ledger
from ledger.demo import POST, record_seed_story
from ledger.storage.backends import parse_postgres_url


def views(ledger: Ledger) -> dict[str, tuple[int, int]]:
    return {status.view: (status.position, status.lag) for status in ledger.projections_status()}


def sql(url: str, *statements: str) -> list[list[tuple[object, ...]]]:
    """Run ``statements`` on the ledger's own database, outside the ledger; the rows of each."""
    if url.startswith("postgresql://"):
        from ledger.storage.postgres import connect  # noqa: PLC0415  (psycopg is an optional extra)

        settings = parse_postgres_url(url)
        with connect(settings) as connection:
            connection.execute(f'SET search_path TO "{settings.schema}"')
            results = []
            for statement in statements:
                cursor = connection.execute(statement)
                results.append([tuple(row) for row in cursor.fetchall()] if cursor.description else [])
            return results
    with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db, db:
        return [db.execute(statement).fetchall() for statement in statements]


def dump(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every view table, in a stable order."""
    tables = (
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_name LIKE 'view_%'"
        if url.startswith("postgresql://")
        # FTS5's shadow tables are its own business: the search view is compared through its table.
        else "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'view_%' "
        "AND name NOT LIKE 'view_search_%'"
    )
    names = [row[0] for row in sql(url, tables)[0]]
    return {
        str(name): sorted(rows)
        for name, rows in zip(names, sql(url, *(f"SELECT * FROM {n}" for n in names)), strict=True)
    }


def test_a_query_brings_every_view_up_to_the_head(ledger_url: str) -> None:
    with Ledger.open(ledger_url) as ledger:
        record_seed_story(ledger)
        assert set(views(ledger).values()) == {(0, ledger.head)}
        ledger.posts()
        assert set(views(ledger).values()) == {(ledger.head, 0)}
        assert {status.view for status in ledger.projections_status()} == {
            "timeline", "actors", "sources", "posts", "claims", "comments", "cases", "search", "facts",
        }  # fmt: skip


def test_what_another_connection_records_is_seen_at_the_next_query(ledger_url: str) -> None:
    path = ledger_url
    with Ledger.open(path, recorded_by="a") as reader, Ledger.open(path, recorded_by="b") as writer:
        record_seed_story(writer)
        assert len(reader.timeline(POST)) == 8
        writer.observe_post(POST, at="2024-10-17T12:00Z", views=1200)
        writer.restore_post(POST, at="2024-10-20")
        assert len(reader.timeline(POST)) == 10
        (post,) = reader.posts(status="live", author="actor/labour-senior-member")
        assert (post.views, post.restored_at is not None) == (1200, True)
        assert reader.posts(replay=True) == reader.posts()


def test_rebuilding_a_view_gives_the_same_rows(ledger_url: str) -> None:
    path = ledger_url
    with Ledger.open(path) as ledger:
        record_seed_story(ledger)
        ledger.catch_up_projections()
        before = dump(path)
        assert ledger.rebuild_projections("posts") == ledger.head
        assert dump(path) == before
        ledger.rebuild_projections()
        assert dump(path) == before
        with pytest.raises(InvalidError, match="unknown view 'tweets'"):
            ledger.rebuild_projections("tweets")


def test_a_view_whose_definition_changed_is_rebuilt_when_next_used(ledger_url: str) -> None:
    path = ledger_url
    with Ledger.open(path) as ledger:
        record_seed_story(ledger)
        ledger.catch_up_projections()
    before = dump(path)
    sql(
        path,
        "UPDATE view_tracking SET schema_hash = 'older' WHERE view_name = 'claims'",
        "DELETE FROM view_claims",
    )
    with Ledger.open(path) as ledger:
        assert views(ledger)["claims"] == (0, ledger.head)
        assert views(ledger)["posts"] == (ledger.head, 0)
        assert len(ledger.claims()) == 2
    assert dump(path) == before


def test_every_entry_is_in_the_views_once_whatever_the_batches(ledger_url: str) -> None:
    path = ledger_url
    with Ledger.open(path) as ledger:
        record_seed_story(ledger)
        views_ = ledger._projections()
        views_.batch_size = 7
        for position in (3, 3, 10, 11, 30):
            assert views_.catch_up(until=position) == position
        assert ledger.catch_up_projections() == ledger.head
        by_batches = dump(path)
        ledger.rebuild_projections()
        assert dump(path) == by_batches


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2024-10", "a record time is a date or an instant"),
        ("2024-10-01..2024-10-02", "a record time is a date or an instant"),
        ("2024-10-18T10:00", "has no time zone"),
        ("yesterday", "malformed time"),
        (-1, "a log position is 0 or more"),
        (True, "as_of must be a log position or a record time"),
        (datetime(2024, 10, 18), "has no time zone"),
    ],
)
def test_as_of_must_be_a_position_or_a_record_time(ledger_url: str, as_of: object, message: str) -> None:
    with Ledger.open(ledger_url) as ledger:
        record_seed_story(ledger)
        with pytest.raises(InvalidError, match=message):
            ledger.posts(as_of=as_of)  # type: ignore[arg-type]


def test_bad_filters_and_world_times_are_refused(ledger_url: str) -> None:
    with Ledger.open(ledger_url) as ledger:
        record_seed_story(ledger)
        with pytest.raises(InvalidError, match="post lists have no filter 'colour'"):
            ledger.rows("post", {"colour": "red"})
        with pytest.raises(InvalidError, match="unknown kind 'tweet'"):
            ledger.rows("tweet")
        with pytest.raises(InvalidError, match="no time zone"):
            ledger.timeline(POST, at="2024-10-17T10:00")
        with pytest.raises(InvalidError, match="malformed reference"):
            ledger.timeline("post/Not Valid")


def test_digits_are_a_log_position_and_positions_past_the_head_are_refused(ledger_url: str) -> None:
    with Ledger.open(ledger_url) as ledger:
        record_seed_story(ledger)
        # "2024" is position 2024, not a year: past the head, it is said (naming the head), not answered.
        with pytest.raises(
            InvalidError, match="as_of 2024 is past the head of the log: the last entry is at position 37"
        ):
            ledger.timeline(POST, as_of="2024")
        assert ledger.timeline(POST, as_of=" 20 ").as_of == 20
        assert ledger.timeline(POST, as_of=ledger.head).as_of == ledger.head


def test_record_time_as_of_names_the_last_entry_recorded_by_then(ledger_url: str) -> None:
    with Ledger.open(ledger_url) as ledger:
        ledger.register_actor("actor/ada", name="Ada", kind="person")
        middle = datetime.now(UTC)
        ledger.register_actor("actor/bob", name="Bob", kind="person")
        assert [row.ref for row in ledger.actors(as_of=middle)] == ["actor/ada"]
        assert [row.ref for row in ledger.actors(as_of=middle, replay=True)] == ["actor/ada"]
        assert [row.ref for row in ledger.actors(as_of=middle.isoformat())] == ["actor/ada"]
        assert len(ledger.actors(as_of=datetime.now(UTC))) == 2


def test_a_query_answers_from_one_state_of_the_views_though_another_connection_empties_them(
    ledger_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Ledger.open(ledger_url) as reader, Ledger.open(ledger_url) as other:
        record_seed_story(reader)
        expected = reader.posts()
        view = reader._projections().views["posts"]
        query = view.rows
        resets: list[threading.Thread] = []

        def racing(session: Any, as_of: int, equal: Any) -> Any:
            # Once: after the query found the view fresh, and before it reads the view's rows,
            # another connection empties every view (as a rebuild starts). On PostgreSQL that
            # waits for this read to end; on SQLite this read keeps its snapshot.
            if not resets:
                resets.append(threading.Thread(target=other._projections().reset))
                resets[0].start()
                resets[0].join(timeout=1.0)
            return query(session, as_of, equal)

        monkeypatch.setattr(view, "rows", racing)
        assert reader.posts() == expected
        resets[0].join(timeout=30)
        assert not resets[0].is_alive()
        assert views(reader)["posts"][0] == 0  # the other connection did empty the views
        assert reader.posts() == expected
