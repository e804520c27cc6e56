"""Instants as the stores keep them: integer microseconds since the Unix epoch (UTC).

The one place that converts: record times (``recorded_us`` of a stored
record), checkpoint times, and the world-time bounds the views index.

>>> from datetime import UTC, datetime
>>> micros(datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC))
1000000
>>> from_micros(1_000_000).isoformat()
'1970-01-01T00:00:01+00:00'
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def micros(moment: datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime (rounded down)."""
    return (moment - EPOCH) // _MICROSECOND


def from_micros(value: int) -> datetime:
    """The UTC datetime ``value`` microseconds after the Unix epoch."""
    return EPOCH + timedelta(microseconds=value)


def now_micros() -> int:
    """The current time in microseconds since the Unix epoch."""
    return time.time_ns() // 1000
