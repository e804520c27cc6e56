"""World time: when something happened in the world, as precisely as we know it.

Reported times are often imprecise ("on October 17", "deleted between the
last time it was seen and the first time it was missing"), so a world time is
a closed interval ``[earliest, latest]`` with a precision that says how it was
given. An exact instant has equal bounds. Bounds are always timezone-aware:
naive datetimes are refused, and zone-less text is refused unless the caller
explicitly asks to read it as UTC (the CLI does, and says so).
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    ModelWrapValidatorHandler,
    model_validator,
)

from domain.errors import InvalidError
from domain.worldtime_text import (
    OPEN_END,
    OPEN_START,
    Precision,
    _format_instant,
    _starts_period,
    world_time_text,
)

__all__ = ["OPEN_END", "OPEN_START", "Precision", "When", "WorldTime"]

_YEAR = re.compile(r"\d{4}")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")
_WAYBACK = re.compile(r"\d{14}")
_ZONE = re.compile(r"(Z|[+-]\d{2}(:?\d{2}(:?\d{2}(\.\d+)?)?)?)$", re.IGNORECASE)


#: Precisions that name one whole period, shown as that period.
_PERIODS = frozenset({Precision.MINUTE, Precision.DAY, Precision.MONTH, Precision.YEAR})


class WorldTime(BaseModel):
    """A timezone-aware interval of world time with the precision it was given in.

    >>> str(WorldTime.parse("2024-10-17"))
    '2024-10-17'
    >>> str(WorldTime.parse("2024-10-16..2024-10-18"))
    '2024-10-16..2024-10-18'
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    earliest: AwareDatetime
    latest: AwareDatetime
    precision: Precision

    @model_validator(mode="wrap")
    @classmethod
    def _checked(cls, value: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        # A model holding a world time made earlier would run the checks again (pydantic runs a
        # model's "after" validators on instances too): a WorldTime was checked when it was made.
        if type(value) is cls:
            return value
        made = handler(value)
        # ISO 8601 text and JSON keep offsets in whole minutes; a historical zone such as
        # Amsterdam's +00:19:32 would be stored 32 seconds off. Keep the same instant, in UTC,
        # instead. (Here rather than in a validator per field: one call, not three, per value.)
        fields = made.__dict__
        for name in ("earliest", "latest"):
            offset = fields[name].utcoffset()
            if offset is not None and (offset.seconds % 60 or offset.microseconds):
                fields[name] = fields[name].astimezone(UTC)
        return made._bounds_in_order()

    def _bounds_in_order(self) -> Self:
        if self.latest < self.earliest:
            raise ValueError(
                f"the end of a world time ({_format_instant(self.latest)}) is "
                f"before its start ({_format_instant(self.earliest)})"
            )
        if self.precision is Precision.INSTANT and self.latest != self.earliest:
            raise ValueError("an instant must have equal bounds")
        if self.precision in _PERIODS and (
            not _starts_period(self.earliest, self.precision)
            or self.latest != _last_moment(self.earliest, self.precision)
        ):
            # The display shows only the period, so the bounds must be exactly that period.
            utc = "" if self.precision is Precision.MINUTE else "UTC "
            raise ValueError(
                f"a world time of precision {self.precision} must span exactly one {utc}{self.precision}"
            )
        return self

    # -- construction -------------------------------------------------------

    @classmethod
    def instant(cls, moment: datetime) -> WorldTime:
        """An exact instant; ``moment`` must be timezone-aware."""
        _require_aware(moment)
        moment = _whole_minute_offset(moment)
        return cls._made(moment, moment, Precision.INSTANT)

    @classmethod
    def minute(cls, moment: datetime) -> WorldTime:
        """The whole minute that contains ``moment`` (timezone-aware)."""
        _require_aware(moment)
        return cls._span(_whole_minute_offset(moment).replace(second=0, microsecond=0), Precision.MINUTE)

    @classmethod
    def day(cls, day: date) -> WorldTime:
        """The whole UTC day ``day``."""
        return cls._span(datetime.combine(day, time(), tzinfo=UTC), Precision.DAY)

    @classmethod
    def month(cls, year: int, month: int) -> WorldTime:
        """The whole UTC month."""
        try:
            start = datetime(year, month, 1, tzinfo=UTC)
        except ValueError as error:
            raise InvalidError(f"invalid month {year:04d}-{month:02d}: {error}") from None
        return cls._span(start, Precision.MONTH)

    @classmethod
    def year(cls, year: int) -> WorldTime:
        """The whole UTC year."""
        try:
            start = datetime(year, 1, 1, tzinfo=UTC)
        except ValueError as error:
            raise InvalidError(f"invalid year {year}: {error}") from None
        return cls._span(start, Precision.YEAR)

    @classmethod
    def window(cls, start: WorldTime | datetime, end: WorldTime | datetime) -> WorldTime:
        """From the earliest moment of ``start`` to the latest moment of ``end``."""
        first = start if isinstance(start, WorldTime) else cls.instant(start)
        last = end if isinstance(end, WorldTime) else cls.instant(end)
        if last.latest < first.earliest:
            raise InvalidError(f"the window {first}..{last} ends before it starts")
        return cls(earliest=first.earliest, latest=last.latest, precision=Precision.WINDOW)

    @classmethod
    def _span(cls, start: datetime, precision: Precision) -> WorldTime:
        # The last moment is computed in place, never as start + length, which
        # would overflow for the last minute, day, month or year of 9999.
        return cls._made(start, _last_moment(start, precision), precision)

    @classmethod
    def _made(cls, earliest: datetime, latest: datetime, precision: Precision) -> WorldTime:
        """The world time with bounds that are right by construction: aware, in whole-minute offsets,
        in order, spanning exactly their period; the validators would return them unchanged
        (pydantic's checks cost ~4x the parse itself)."""
        return cls.model_construct(earliest=earliest, latest=latest, precision=precision)

    @classmethod
    def parse(cls, text: str, *, assume_utc: bool = False) -> WorldTime:
        """Read ISO 8601 text: ``2024``, ``2024-10``, ``2024-10-17``,
        ``2024-10-17T14:03Z``, ``2024-10-17T14:03:27+01:00``, a Wayback Machine
        capture timestamp ``20241016093000`` (14 digits, UTC, to the second), or a
        window ``A..B``, open on one side when only one bound is known
        (``..2024-10-16T10:00Z``: some time before; ``2024-10-16..``: some time after).

        Dates, months and years are UTC periods. An instant without a zone is
        refused unless ``assume_utc`` is true, in which case it is read as UTC.

        >>> str(WorldTime.parse("20241016093000"))
        '2024-10-16T09:30:00Z'
        >>> str(WorldTime.parse("..2024-10-16T10:00Z"))
        '..2024-10-16T10:00Z'
        """
        if not isinstance(text, str):
            raise InvalidError(f"expected a world time as text, got {type(text).__name__}")
        text = text.strip()
        if ".." in text:
            start, _, end = text.partition("..")
            if not (start or end) or ".." in end:
                raise InvalidError(f"malformed window {text!r}: expected START..END, ..END or START..")
            first = cls.parse(start, assume_utc=assume_utc) if start else cls.instant(OPEN_START)
            last = cls.parse(end, assume_utc=assume_utc) if end else cls.instant(OPEN_END)
            return cls.window(first, last)
        try:
            # The most common form, an instant, is tried first: none of the others matches it.
            if not _MOMENT.match(text):
                if _WAYBACK.fullmatch(text):
                    return cls._wayback(text)
                if _YEAR.fullmatch(text):
                    return cls.year(int(text))
                if match := _MONTH.fullmatch(text):
                    return cls.month(int(match[1]), int(match[2]))
                if _DAY.fullmatch(text):
                    return cls.day(date.fromisoformat(text))
            return cls._parse_moment(text, assume_utc=assume_utc)
        except ValueError as error:
            if isinstance(error, InvalidError):
                raise
            raise InvalidError(f"malformed time {text!r}: {error}") from None

    @classmethod
    def _wayback(cls, text: str) -> WorldTime:
        # The Wayback Machine's capture timestamps (CDX ``timestamp``) are UTC, to the second.
        try:
            moment = datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        except ValueError:
            raise InvalidError(
                f"malformed time {text!r}: a 14-digit timestamp is YYYYMMDDhhmmss (UTC)"
            ) from None
        return cls.instant(moment)

    @classmethod
    def _parse_moment(cls, text: str, *, assume_utc: bool) -> WorldTime:
        if not _MOMENT.match(text):
            raise InvalidError(
                f"malformed time {text!r}: expected YYYY, YYYY-MM, YYYY-MM-DD, "
                "an ISO 8601 instant such as 2024-10-17T14:03Z, or a window A..B"
            )
        # fromisoformat knows only upper-case T and Z.
        text = text.upper()
        clock = text[11:]  # after YYYY-MM-DD and T or a space (_MOMENT)
        zone = _ZONE.search(clock)
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            if not assume_utc:
                raise InvalidError(
                    f"the time {text!r} has no time zone: add Z for UTC or an offset such as +01:00"
                )
            moment = moment.replace(tzinfo=UTC)
        hhmmss = clock[: zone.start()] if zone else clock
        if hhmmss.count(":") == 1 and "." not in hhmmss:
            return cls.minute(moment)
        return cls.instant(moment)

    @classmethod
    def coerce(cls, value: WorldTime | datetime | str, *, assume_utc: bool = False) -> WorldTime:
        """A world time from a WorldTime, an aware datetime (an instant) or text."""
        if isinstance(value, WorldTime):
            return value
        if isinstance(value, datetime):
            return cls.instant(value)
        if isinstance(value, str):
            return cls.parse(value, assume_utc=assume_utc)
        raise InvalidError(f"expected a world time, got {type(value).__name__}")

    # -- comparison -----------------------------------------------------------

    def definitely_before(self, other: WorldTime) -> bool:
        """True when every moment of ``self`` precedes every moment of ``other``."""
        return self.latest < other.earliest

    def contains(self, moment: datetime) -> bool:
        """True when ``moment`` lies within the bounds."""
        return self.earliest <= moment <= self.latest

    @property
    def sort_key(self) -> tuple[datetime, datetime]:
        """Order by earliest possible moment, then by latest."""
        return (self.earliest, self.latest)

    # -- display ----------------------------------------------------------------

    def __str__(self) -> str:
        return world_time_text(self.earliest, self.latest, self.precision)

    @property
    def open_start(self) -> bool:
        """True when only an upper bound is known (``..2024-10-16T10:00Z``)."""
        return self.earliest == OPEN_START

    @property
    def open_end(self) -> bool:
        """True when only a lower bound is known (``2024-10-16..``)."""
        return self.latest == OPEN_END


def _require_aware(moment: datetime) -> None:
    if not isinstance(moment, datetime):
        raise InvalidError(f"expected a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidError(
            f"naive datetime {moment.isoformat()} refused: world times must be "
            "timezone-aware (use tzinfo=datetime.UTC or an offset)"
        )


def _whole_minute_offset(moment: datetime) -> datetime:
    """``moment``, in UTC if its offset is not a whole number of minutes."""
    offset = moment.utcoffset()
    return moment.astimezone(UTC) if offset is not None and offset % timedelta(minutes=1) else moment


def _last_moment(start: datetime, precision: Precision) -> datetime:
    """The last microsecond of the period of ``precision`` that ``start`` begins."""
    end = start.replace(second=59, microsecond=999999)
    if precision is Precision.MINUTE:
        return end
    end = end.replace(hour=23, minute=59)
    if precision is Precision.YEAR:
        end = end.replace(month=12)
    if precision in (Precision.MONTH, Precision.YEAR):
        end = end.replace(day=calendar.monthrange(end.year, end.month)[1])
    return end


When = WorldTime | datetime | str
"""A world time as the API takes it: a :class:`WorldTime`, an aware datetime (an instant), or
ISO 8601 text with a zone (``2024-10-17``, ``2024-10-17T14:03Z``, ``2024-10-16..2024-10-18``)."""
