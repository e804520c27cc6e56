"""World times as text, without pydantic: what :class:`domain.worldtime.WorldTime` prints.

Kept apart from the model so that reading commands print world times read
from stored JSON without importing pydantic (see ``ledger timeline``).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from enum import StrEnum


class Precision(StrEnum):
    """How a world time was given: its granularity, or an explicit window."""

    INSTANT = "instant"
    MINUTE = "minute"
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    WINDOW = "window"


#: The open ends of a window known on one side only (``..2024-10-16T10:00Z``, ``2024-10-16..``).
OPEN_START = datetime(1, 1, 1, tzinfo=UTC)
OPEN_END = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)


def world_time_text(earliest: datetime, latest: datetime, precision: str) -> str:
    """How the world time ``[earliest, latest]`` of ``precision`` is written (``2024-10-14..2024-10-17``)."""
    match precision:
        case Precision.INSTANT:
            return _format_instant(earliest)
        case Precision.MINUTE:
            return _format_minute(earliest)
        case Precision.DAY:
            return earliest.date().isoformat()
        case Precision.MONTH:
            return f"{earliest.year:04d}-{earliest.month:02d}"
        case Precision.YEAR:
            return f"{earliest.year:04d}"
        case _:
            start = "" if earliest == OPEN_START else _format_start(earliest)
            end = "" if latest == OPEN_END else _format_end(latest)
            return f"{start}..{end}"


def _zone(moment: datetime) -> str:
    offset = moment.utcoffset()
    if not offset:
        return "Z"
    text = moment.strftime("%z")
    return f"{text[:3]}:{text[3:]}"


def _starts_period(moment: datetime, precision: Precision) -> bool:
    """True when ``moment`` is the first moment of a period of ``precision``."""
    if moment.second or moment.microsecond:
        return False
    if precision is Precision.MINUTE:
        return True
    if moment.utcoffset() != timedelta(0) or moment.hour or moment.minute:
        return False
    if precision is Precision.DAY:
        return True
    return moment.day == 1 and (precision is Precision.MONTH or moment.month == 1)


def _format_minute(moment: datetime) -> str:
    return f"{moment.date().isoformat()}T{moment.hour:02d}:{moment.minute:02d}{_zone(moment)}"


def _format_instant(moment: datetime) -> str:
    # isoformat pads years below 1000 to four digits (strftime does not, on glibc).
    text = f"{moment.date().isoformat()}T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    if moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text + _zone(moment)


def _format_start(moment: datetime) -> str:
    """The start of a window, as briefly as parsing it back gives the same earliest moment."""
    if _starts_period(moment, Precision.DAY):
        return moment.date().isoformat()
    if _starts_period(moment, Precision.MINUTE):
        return _format_minute(moment)
    return _format_instant(moment)


def _format_end(moment: datetime) -> str:
    """The end of a window, as briefly as parsing it back gives the same latest moment."""
    if moment.utcoffset() == timedelta(0) and moment.time() == time.max:
        return moment.date().isoformat()
    if moment.second == 59 and moment.microsecond == 999999:
        return _format_minute(moment)
    return _format_instant(moment)
