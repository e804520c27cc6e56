"""What a query's ``as_of`` names, resolved once per call: a log position, and the query's "now".

``as_of`` is a log position (an ``int``, or text of digits, as ``ledger log``
prints them) or a record time: an aware ``datetime``, or ISO text with at
least year-month-day (``2024-10-18`` means by the end of that UTC day;
instants need a zone). It names the last entry recorded by then.
"""

from __future__ import annotations

import bisect
from datetime import UTC, datetime, timedelta
from functools import cached_property

from domain.errors import InvalidError
from domain.instants import micros
from domain.worldtime import Precision, WorldTime
from ledger.log import LogReader

AsOf = int | str | datetime
"""What the ledger knew: a log position, or a record time (see :mod:`ledger.asof`)."""


class Known:
    """What a query's ``as_of`` names, resolved once per call: a log position and the query's "now".

    ``now`` is the record time ``as_of`` names (for a position, the record
    time of its entry), else the present: how long requests have waited is
    counted up to it. It is read only if a query needs it.
    """

    def __init__(self, position: int, *, moment: datetime | None, log: LogReader, given: bool) -> None:
        self.position = position
        self._moment = moment
        self._log = log
        self._given = given

    @cached_property
    def now(self) -> datetime:
        """The query's present: the record time ``as_of`` named, else the current time."""
        if self._moment is not None:
            return self._moment
        if not self._given or self.position == 0:
            return datetime.now(UTC)
        return self._log.entry_at(self.position).recorded_at


class AsOfResolver:
    """Resolves ``as_of`` against one ledger's log."""

    def __init__(self, log: LogReader) -> None:
        self._log = log

    def known(self, as_of: AsOf | None) -> Known:
        """``as_of`` resolved once: the log position it names (the head when None) and its "now"."""
        log = self._log
        head = log.head
        if as_of is None:
            return Known(head, moment=None, log=log, given=False)
        if isinstance(as_of, bool):
            raise InvalidError(f"as_of must be a log position or a record time, not {as_of!r}")
        if isinstance(as_of, str) and as_of.strip().isdigit():
            as_of = int(as_of.strip())
        if isinstance(as_of, int):
            if as_of < 0:
                raise InvalidError(f"a log position is 0 or more, not {as_of}")
            if as_of > head:
                raise InvalidError(f"as_of {as_of} is past the head of the log: {self.describe_head(head)}")
            return Known(as_of, moment=None, log=log, given=True)
        moment = parse_record_time(as_of)
        today_ends = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
        if moment >= today_ends:
            # Not known yet: entries recorded before then may still come. Today (to its end) is fine.
            said = moment.isoformat().replace("+00:00", "Z")
            raise InvalidError(f"as_of {said} is in the future: {self.describe_head(head)}")
        return Known(self._last_recorded_by(moment, head), moment=moment, log=log, given=True)

    def describe_head(self, head: int) -> str:
        """The head of the log, for a message: its position and record time."""
        if head == 0:
            return "the log is empty"
        recorded = self._log.entry_at(head).recorded_at.isoformat().replace("+00:00", "Z")
        return f"the last entry is at position {head}, recorded {recorded}"

    def _last_recorded_by(self, moment: datetime, head: int) -> int:
        # Record time never goes backwards along the log: a binary search over positions.
        limit = micros(moment)
        recorder = self._log.recorder

        def recorded_us(position: int) -> int:
            (record,) = recorder.select_log(position - 1, 1)
            return record.recorded_us

        return bisect.bisect_right(range(1, head + 1), limit, key=recorded_us)


def parse_record_time(value: str | datetime, *, assume_utc: bool = False) -> datetime:
    """A record time: an aware datetime, or ISO text of a date or an instant (the date's end).

    An instant without a zone is refused unless ``assume_utc`` (the CLI reads it as UTC).
    """
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidError(f"the record time {value.isoformat()} has no time zone")
        return value
    if not isinstance(value, str):
        raise InvalidError(f"as_of must be a log position or a record time, not {value!r}")
    when = WorldTime.parse(value, assume_utc=assume_utc)
    if when.precision in (Precision.YEAR, Precision.MONTH, Precision.WINDOW):
        raise InvalidError(
            f"as_of {value!r}: a record time is a date or an instant (at least YYYY-MM-DD), or a log position"
        )
    return when.latest
