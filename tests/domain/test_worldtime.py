"""World time: intervals with a precision, always timezone-aware."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from pydantic import ValidationError

from domain.errors import InvalidError
from domain.worldtime import Precision, WorldTime
from tests.strategies import moments, world_times

PLUS_ONE = timezone(timedelta(hours=1))
MINUS_FIVE = timezone(timedelta(hours=-5))
LAST = timedelta(microseconds=1)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "precision", "earliest", "latest", "shown"),
    [
        ("2024-10-17T14:03:27Z", "instant", utc(2024, 10, 17, 14, 3, 27), utc(2024, 10, 17, 14, 3, 27), None),
        (
            "2024-10-17T14:03:27.25Z",
            "instant",
            utc(2024, 10, 17, 14, 3, 27, 250000),
            utc(2024, 10, 17, 14, 3, 27, 250000),
            None,
        ),
        (
            "2024-10-17T14:03:27+01:00",
            "instant",
            utc(2024, 10, 17, 13, 3, 27),
            utc(2024, 10, 17, 13, 3, 27),
            None,
        ),
        ("2024-10-17T14:03Z", "minute", utc(2024, 10, 17, 14, 3), utc(2024, 10, 17, 14, 4) - LAST, None),
        (
            "2024-10-17 14:03-0500",
            "minute",
            utc(2024, 10, 17, 19, 3),
            utc(2024, 10, 17, 19, 4) - LAST,
            "2024-10-17T14:03-05:00",
        ),
        (
            "2024-10-17t14:03z",
            "minute",
            utc(2024, 10, 17, 14, 3),
            utc(2024, 10, 17, 14, 4) - LAST,
            "2024-10-17T14:03Z",
        ),
        ("2024-10-17", "day", utc(2024, 10, 17), utc(2024, 10, 18) - LAST, None),
        ("2024-02", "month", utc(2024, 2, 1), utc(2024, 3, 1) - LAST, None),
        ("2023-02", "month", utc(2023, 2, 1), utc(2023, 3, 1) - LAST, None),
        ("2024-12", "month", utc(2024, 12, 1), utc(2025, 1, 1) - LAST, None),
        ("2024", "year", utc(2024, 1, 1), utc(2025, 1, 1) - LAST, None),
        ("2024-10-16..2024-10-18", "window", utc(2024, 10, 16), utc(2024, 10, 19) - LAST, None),
        ("2024-10..2024-11", "window", utc(2024, 10, 1), utc(2024, 12, 1) - LAST, "2024-10-01..2024-11-30"),
        (
            "2024-10-17T10:00Z..2024-10-17T12:30Z",
            "window",
            utc(2024, 10, 17, 10),
            utc(2024, 10, 17, 12, 31) - LAST,
            None,
        ),
        (
            "2024-10-17T10:00:30Z..2024-10-17T12:30:15.5Z",
            "window",
            utc(2024, 10, 17, 10, 0, 30),
            utc(2024, 10, 17, 12, 30, 15, 500000),
            None,
        ),
        ("  2024-10-17  ", "day", utc(2024, 10, 17), utc(2024, 10, 18) - LAST, "2024-10-17"),
        ("0999", "year", utc(999, 1, 1), utc(1000, 1, 1) - LAST, None),
        ("0001-01-01T00:00:00Z", "instant", utc(1, 1, 1), utc(1, 1, 1), None),
        ("9999", "year", utc(9999, 1, 1), datetime.max.replace(tzinfo=UTC), None),
        ("9999-12", "month", utc(9999, 12, 1), datetime.max.replace(tzinfo=UTC), None),
        ("9999-12-31", "day", utc(9999, 12, 31), datetime.max.replace(tzinfo=UTC), None),
        ("9999-12-31T23:59Z", "minute", utc(9999, 12, 31, 23, 59), datetime.max.replace(tzinfo=UTC), None),
    ],
)
def test_parse_every_precision(
    text: str, precision: str, earliest: datetime, latest: datetime, shown: str | None
) -> None:
    time = WorldTime.parse(text)
    assert time.precision == Precision(precision)
    assert (time.earliest, time.latest) == (earliest, latest)
    assert str(time) == (shown or text)
    assert WorldTime.parse(str(time)) == time


def test_constructors_give_the_same_values_as_parsing() -> None:
    assert WorldTime.instant(utc(2024, 10, 17, 14, 3, 27)) == WorldTime.parse("2024-10-17T14:03:27Z")
    assert WorldTime.minute(utc(2024, 10, 17, 14, 3, 59, 999)) == WorldTime.parse("2024-10-17T14:03Z")
    assert WorldTime.day(date(2024, 10, 17)) == WorldTime.parse("2024-10-17")
    assert WorldTime.month(2024, 10) == WorldTime.parse("2024-10")
    assert WorldTime.year(2024) == WorldTime.parse("2024")
    window = WorldTime.window(WorldTime.day(date(2024, 10, 16)), WorldTime.day(date(2024, 10, 18)))
    assert window == WorldTime.parse("2024-10-16..2024-10-18")


def test_a_window_of_datetimes_is_from_instant_to_instant() -> None:
    window = WorldTime.window(utc(2024, 10, 16, 9), datetime(2024, 10, 16, 12, tzinfo=PLUS_ONE))
    assert window.precision is Precision.WINDOW
    assert (window.earliest, window.latest) == (utc(2024, 10, 16, 9), utc(2024, 10, 16, 11))
    assert str(window) == "2024-10-16T09:00Z..2024-10-16T12:00:00+01:00"


def test_offsets_are_kept_and_shown() -> None:
    time = WorldTime.instant(datetime(2024, 10, 17, 9, 30, tzinfo=MINUS_FIVE))
    assert str(time) == "2024-10-17T09:30:00-05:00"
    assert time.earliest.utcoffset() == timedelta(hours=-5)
    assert (
        str(WorldTime.minute(datetime(2024, 10, 17, 9, 30, 12, tzinfo=PLUS_ONE))) == "2024-10-17T09:30+01:00"
    )


@pytest.mark.parametrize(
    "build",
    [
        lambda: WorldTime.instant(datetime(2024, 10, 17, 14, 3)),
        lambda: WorldTime.minute(datetime(2024, 10, 17, 14, 3)),
        lambda: WorldTime.window(datetime(2024, 10, 17), utc(2024, 10, 18)),
        lambda: WorldTime.window(utc(2024, 10, 17), datetime(2024, 10, 18)),
        lambda: WorldTime.coerce(datetime(2024, 10, 17, 14, 3)),
    ],
)
def test_naive_datetimes_are_refused(build: object) -> None:
    with pytest.raises(
        InvalidError, match=r"naive datetime 2024-10-1\dT\d\d:\d\d:00 refused: .*timezone-aware"
    ):
        build()  # type: ignore[operator]


@pytest.mark.parametrize(
    "text",
    ["2024-10-17T14:03", "2024-10-17T14:03:27", "2024-10-17 14:03:27.5", "2024-10-16T10:00..2024-10-18"],
)
def test_zone_less_text_is_refused_unless_read_as_utc(text: str) -> None:
    with pytest.raises(InvalidError, match="has no time zone: add Z for UTC or an offset such as"):
        WorldTime.parse(text)
    read = WorldTime.parse(text, assume_utc=True)
    assert read.earliest.utcoffset() == timedelta(0)
    assert WorldTime.parse(text, assume_utc=True) == WorldTime.coerce(text, assume_utc=True)


def test_assume_utc_never_overrides_a_given_zone() -> None:
    assert WorldTime.parse("2024-10-17T14:03+01:00", assume_utc=True).earliest == utc(2024, 10, 17, 13, 3)


def test_a_zone_less_minute_read_as_utc_keeps_its_precision() -> None:
    assert WorldTime.parse("2024-10-17T14:03", assume_utc=True) == WorldTime.parse("2024-10-17T14:03Z")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: WorldTime.parse("2024-10-18..2024-10-16"),
            "the window 2024-10-18..2024-10-16 ends before it starts",
        ),
        (
            lambda: WorldTime.window(utc(2024, 10, 18), utc(2024, 10, 17)),
            "the window 2024-10-18T00:00:00Z..2024-10-17T00:00:00Z ends before it starts",
        ),
        (lambda: WorldTime.parse("2024-10-17T12:00Z..2024-10-17T11:59Z"), "ends before it starts"),
    ],
)
def test_a_window_that_ends_before_it_starts_is_refused(build: object, message: str) -> None:
    with pytest.raises(InvalidError, match=message.replace(".", r"\.")):
        build()  # type: ignore[operator]


def test_overlapping_ends_make_a_window() -> None:
    window = WorldTime.parse("2024-10-17..2024-10")
    assert (window.earliest, window.latest) == (utc(2024, 10, 17), utc(2024, 11, 1) - LAST)


def test_a_model_whose_end_precedes_its_start_is_refused() -> None:
    with pytest.raises(
        ValidationError, match=r"the end of a world time \(2024-10-16T00:00:00Z\) is before its start"
    ):
        WorldTime(earliest=utc(2024, 10, 17), latest=utc(2024, 10, 16), precision=Precision.WINDOW)


@pytest.mark.parametrize(
    ("precision", "earliest", "latest", "message"),
    [
        ("instant", utc(2024, 10, 17), utc(2024, 10, 18), "an instant must have equal bounds"),
        ("day", utc(2024, 10, 17), utc(2024, 10, 20), "must span exactly one UTC day"),
        ("day", utc(2024, 10, 17, 1), utc(2024, 10, 18, 0, 59, 59, 999999), "must span exactly one UTC day"),
        (
            "day",
            datetime(2024, 10, 17, tzinfo=PLUS_ONE),
            datetime(2024, 10, 17, 23, 59, 59, 999999, tzinfo=PLUS_ONE),
            "must span exactly one UTC day",
        ),
        ("month", utc(2024, 10, 2), utc(2024, 11, 1) - LAST, "must span exactly one UTC month"),
        ("month", utc(2024, 10, 1), utc(2024, 10, 31), "must span exactly one UTC month"),
        ("year", utc(2024, 2, 1), utc(2025, 1, 1) - LAST, "must span exactly one UTC year"),
        (
            "minute",
            utc(2024, 10, 17, 1, 1, 1),
            utc(2024, 10, 17, 1, 2) - LAST,
            "must span exactly one minute",
        ),
    ],
)
def test_bounds_must_match_the_precision(
    precision: str, earliest: datetime, latest: datetime, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        WorldTime(earliest=earliest, latest=latest, precision=Precision(precision))


def test_model_bounds_must_be_timezone_aware() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        WorldTime(earliest=datetime(2024, 10, 17), latest=datetime(2024, 10, 17), precision=Precision.INSTANT)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "malformed time ''"),
        ("yesterday", "expected YYYY, YYYY-MM, YYYY-MM-DD, an ISO 8601 instant"),
        ("24-10-17", "expected YYYY, YYYY-MM, YYYY-MM-DD"),
        ("2024-1", "expected YYYY, YYYY-MM, YYYY-MM-DD"),
        ("2024-10-17T14Z", "expected YYYY, YYYY-MM, YYYY-MM-DD"),
        ("2024-13", "invalid month 2024-13: month must be in 1..12"),
        ("2024-00", "invalid month 2024-00"),
        ("2024-02-30", "malformed time '2024-02-30'"),
        ("2023-02-29", "malformed time '2023-02-29'"),
        ("2024-10-17T25:00Z", "malformed time '2024-10-17T25:00Z'"),
        ("2024-10-17T14:03+25:00", "malformed time '2024-10-17T14:03\\+25:00'"),
        ("0000", "invalid year 0"),
        ("..", "malformed window '..': expected START..END"),
        ("2024..2025..2026", "malformed window '2024..2025..2026'"),
        ("2024-10-17..nope", "malformed time 'nope'"),
    ],
)
def test_malformed_text_is_refused_saying_what(text: str, message: str) -> None:
    with pytest.raises(InvalidError, match=message):
        WorldTime.parse(text)


@pytest.mark.parametrize("value", [42, None, date(2024, 10, 17), 1.5])
def test_values_that_are_not_times_are_refused(value: object) -> None:
    with pytest.raises(InvalidError, match=f"got {type(value).__name__}"):
        WorldTime.coerce(value)  # type: ignore[arg-type]
    with pytest.raises(InvalidError, match=f"got {type(value).__name__}"):
        WorldTime.parse(value)  # type: ignore[arg-type]


def test_coerce_takes_world_times_aware_datetimes_and_text() -> None:
    time = WorldTime.parse("2024-10-17")
    assert WorldTime.coerce(time) is time
    assert WorldTime.coerce(utc(2024, 10, 17, 9)) == WorldTime.instant(utc(2024, 10, 17, 9))
    assert WorldTime.coerce("2024-10-17") == time


def test_definitely_before_refuses_only_the_impossible() -> None:
    day = WorldTime.parse("2024-10-17")
    assert WorldTime.parse("2024-10-16").definitely_before(day)
    assert not WorldTime.parse("2024-10-17T23:59Z").definitely_before(day)
    assert not WorldTime.parse("2024-10-16..2024-10-17").definitely_before(day)
    assert not day.definitely_before(day)
    assert day.definitely_before(WorldTime.parse("2024-10-18T00:00:00Z"))
    assert not WorldTime.parse("2024-10").definitely_before(day)


def test_contains_and_sort_key() -> None:
    day = WorldTime.parse("2024-10-17")
    assert day.contains(utc(2024, 10, 17))
    assert day.contains(utc(2024, 10, 18) - LAST)
    assert not day.contains(utc(2024, 10, 18))
    assert not day.contains(utc(2024, 10, 16, 23, 59))
    times = [
        WorldTime.parse(t) for t in ["2024-10-17", "2024-10", "2024-10-17T12:00Z", "2024-10-16..2024-10-17"]
    ]
    assert [str(t) for t in sorted(times, key=lambda t: t.sort_key)] == [
        "2024-10",
        "2024-10-16..2024-10-17",
        "2024-10-17",
        "2024-10-17T12:00Z",
    ]


def test_serialises_to_json_and_back() -> None:
    time = WorldTime.parse("2024-10-17T14:03+01:00..2024-10-18")
    assert WorldTime.model_validate_json(time.model_dump_json()) == time
    assert time.model_dump(mode="json") == {
        "earliest": "2024-10-17T14:03:00+01:00",
        "latest": "2024-10-18T23:59:59.999999Z",
        "precision": "window",
    }


def test_world_times_are_immutable() -> None:
    time = WorldTime.parse("2024")
    with pytest.raises(ValidationError, match="frozen"):
        time.precision = Precision.DAY  # type: ignore[misc]


@settings(max_examples=200)
@given(world_times(min_year=1000, max_year=9998))
def test_what_is_shown_parses_back_to_the_same_time(time: WorldTime) -> None:
    assert WorldTime.parse(str(time)) == time


@settings(max_examples=50)
@given(moments())
def test_each_precision_contains_its_moment(moment: datetime) -> None:
    for time in (
        WorldTime.instant(moment),
        WorldTime.minute(moment),
        WorldTime.day(moment.astimezone(UTC).date()),
        WorldTime.month(moment.astimezone(UTC).year, moment.astimezone(UTC).month),
        WorldTime.year(moment.astimezone(UTC).year),
    ):
        assert time.contains(moment), time


def test_an_offset_in_seconds_is_kept_as_the_same_instant_in_utc() -> None:
    # Amsterdam kept local mean time, +00:19:32, until 1937: JSON and ISO text hold only minutes.
    amsterdam = datetime(1900, 6, 1, 12, 30, 15, tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert amsterdam.utcoffset() == timedelta(minutes=19, seconds=32)
    instant = WorldTime.instant(amsterdam)
    assert instant.earliest == amsterdam
    assert str(instant) == "1900-06-01T12:10:43Z"
    assert WorldTime.model_validate_json(instant.model_dump_json()) == instant
    minute = WorldTime.minute(amsterdam)
    assert str(minute) == "1900-06-01T12:10Z"
    assert minute.contains(amsterdam)
    parsed = WorldTime.parse("1900-06-01T12:30+00:19:32")
    assert (parsed.precision, str(parsed)) == (Precision.MINUTE, "1900-06-01T12:10Z")


@settings(max_examples=50)
@given(world_times())
def test_json_keeps_every_world_time_exactly(time: WorldTime) -> None:
    assert WorldTime.model_validate_json(time.model_dump_json()) == time


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "shown"),
    [
        ("20241016093000", utc(2024, 10, 16, 9, 30), utc(2024, 10, 16, 9, 30), "2024-10-16T09:30:00Z"),
        (
            "20241016093000..20241016100000",
            utc(2024, 10, 16, 9, 30),
            utc(2024, 10, 16, 10),
            "2024-10-16T09:30Z..2024-10-16T10:00:00Z",
        ),
        ("..2024-10-16T10:00Z", utc(1, 1, 1), utc(2024, 10, 16, 10, 1) - LAST, "..2024-10-16T10:00Z"),
        ("2024-10-16..", utc(2024, 10, 16), utc(9999, 12, 31, 23, 59, 59, 999999), "2024-10-16.."),
        ("..20241016100000", utc(1, 1, 1), utc(2024, 10, 16, 10), "..2024-10-16T10:00:00Z"),
    ],
)
def test_wayback_timestamps_and_open_bounds(
    text: str, earliest: datetime, latest: datetime, shown: str
) -> None:
    when = WorldTime.parse(text)
    assert (when.earliest, when.latest, str(when)) == (earliest, latest, shown)
    assert WorldTime.parse(str(when)) == when


def test_open_bounds_say_which_side_is_open() -> None:
    before = WorldTime.parse("..2024-10-16T10:00Z")
    assert before.open_start
    assert not before.open_end
    assert WorldTime.parse("2024..").open_end
    assert not WorldTime.parse("2024").open_start


@pytest.mark.parametrize("text", ["20241399000000", "2024101609300", "..", "..2024..", "202410160930001"])
def test_malformed_wayback_timestamps_and_windows_are_refused(text: str) -> None:
    with pytest.raises(InvalidError):
        WorldTime.parse(text)
