"""World status at a world time, from the bounds of the entries that change it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.worldtime import WorldTime
from projections.clocks import UNKNOWN, Span, StatusPoint, bounds, status_at


def point(version: int, when: str | None, status: str) -> StatusPoint:
    return StatusPoint(version, *bounds(when), status)


# A post published some time on 14-17 October, deleted on the 20th, restored on the 22nd.
POST = [
    point(1, "2024-10-14..2024-10-17", "live"),
    point(3, "2024-10-20", "deleted"),
    point(4, "2024-10-22T12:00Z", "live"),
]


@pytest.mark.parametrize(
    ("at", "status", "possible"),
    [
        ("2024-10-13", "not-yet-published", ("not-yet-published",)),
        ("2024-10-15", UNKNOWN, ("not-yet-published", "live")),
        ("2024-10-18", "live", ("live",)),
        ("2024-10-20", UNKNOWN, ("live", "deleted")),
        ("2024-10-21", "deleted", ("deleted",)),
        ("2024-10-22T11:59Z", "deleted", ("deleted",)),
        ("2024-10-22T12:00Z", UNKNOWN, ("deleted", "live")),
        ("2024-10-22T12:01Z", "live", ("live",)),
        ("2024-10-22", UNKNOWN, ("deleted", "live")),
        ("2024-10", UNKNOWN, ("not-yet-published", "live", "deleted")),
        ("2024-10-10..2024-10-30", UNKNOWN, ("not-yet-published", "live", "deleted")),
    ],
)
def test_status_at_is_definite_only_when_the_bounds_allow_one(
    at: str, status: str, possible: tuple[str, ...]
) -> None:
    assert status_at("post", POST, WorldTime.parse(at)) == (status, possible)


def test_a_creation_without_world_time_happened_at_any_time() -> None:
    actor = [point(1, None, "registered")]
    assert status_at("actor", actor, WorldTime.parse("1900")) == ("registered", ("registered",))


def test_nothing_recorded_is_not_yet_there() -> None:
    assert status_at("claim", [], WorldTime.parse("2024")) == ("not-yet-made", ("not-yet-made",))


def test_statuses_repeated_within_the_window_are_listed_once() -> None:
    claim = [
        point(1, "2024-10-01", "open"),
        point(2, "2024-10-05", "rebutted"),
        point(3, "2024-10-06", "open"),
    ]
    assert status_at("claim", claim, WorldTime.parse("2024-10")) == (
        UNKNOWN,
        ("not-yet-made", "open", "rebutted"),
    )


def test_span_between_imprecise_times_is_a_range() -> None:
    published = WorldTime.parse("2024-10-14..2024-10-17")
    deleted = WorldTime.parse("2024-10-14..2024-10-18")
    span = Span.between(published, deleted)
    assert span.shortest == timedelta(0)
    assert span.longest == timedelta(days=5) - timedelta(microseconds=1)
    assert str(span) == "0 minutes..5 days"
    assert Span.between(WorldTime.parse("2024-10-14T10:00Z"), WorldTime.parse("2024-10-15T12:30Z")).days == 1
    exact = Span.between(WorldTime.parse("2024-10-14T10:00:00Z"), WorldTime.parse("2024-10-14T10:45:00Z"))
    assert str(exact) == "45 minutes"
    assert str(Span.between(WorldTime.parse("2024-10-14T10:00Z"), WorldTime.parse("2024-10-14T10:45Z"))) == (
        "44 minutes..46 minutes"
    )


def test_span_from_or_to_an_open_bound_has_no_upper_bound() -> None:
    no_start = Span.between(WorldTime.parse("..2024-10-20"), WorldTime.parse("2024-10-22"))
    assert (no_start.shortest, no_start.longest) == (timedelta(days=1, microseconds=1), None)
    assert str(no_start) == "at least 1 day, upper bound unknown"
    no_end = Span.between(WorldTime.parse("2024-10-20T10:00Z"), WorldTime.parse("2024-10-21T10:00Z.."))
    assert no_end.longest is None
    assert no_end.shortest == timedelta(days=1) - timedelta(minutes=1, microseconds=-1)
    # A start known only from below: nothing surely elapsed, and no end to how much did.
    assert Span.between(
        WorldTime.parse("2024-10-20.."), datetime(2024, 10, 25, tzinfo=UTC)
    ).shortest == timedelta(0)
    assert Span.between(WorldTime.parse("..2024-10-20"), datetime(2024, 10, 25, tzinfo=UTC)).longest is None
