"""The ledger's queries on both clocks, from the materialised views or by replay.

Every query takes ``as_of`` (what the ledger knew: a log position, or a
record time) and ``at`` (the state of the world at a world time). By default
a query first brings the views (:mod:`projections.runner`) up to the log
position it needs, then reads them; ``replay=True`` reads the log itself
instead, the path an auditor trusts. Both give the same answers.

``as_of`` is a log position (an ``int``, or text of digits, as ``ledger log``
prints them) or a record time: an aware ``datetime``, or ISO text with at
least year-month-day (``2024-10-18`` means by the end of that UTC day;
instants need a zone). It names the last entry recorded by then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, cast

from eventsourcing.persistence import OperationalError, PersistenceError

from domain.claim import ClaimRepeated
from domain.errors import ConflictError, InvalidError, NotFoundError, StorageError
from domain.events import Event, LogEntry, apply_in_world_order
from domain.refs import parse_ref, ref_kind
from domain.worldtime import Precision, WorldTime
from ledger.storage.viewstore import open_views
from projections.clocks import status_points
from projections.queries import (
    StateAt,
    check_filters,
    finish_rows,
    replay_rows,
    sql_filters,
    state_at,
    timeline_at,
)
from projections.rows import (
    ActorRow,
    CaseRow,
    CaseSubjectRow,
    ClaimRow,
    CommentRequestRow,
    PostRow,
    SourceRow,
    SubjectRow,
    row_of,
)
from projections.runner import Projections, ViewStatus
from projections.timeline import RelatedScan, Timeline, build_timeline, linked_subjects

if TYPE_CHECKING:
    from domain import State
    from ledger.mapper import PydanticMapper
    from ledger.storage.records import LogRecord, LogRecorder

AsOf = int | str | datetime
"""What the ledger knew: a log position, or a record time (see :mod:`ledger.queries`)."""

When = WorldTime | str | datetime
"""A world time: a :class:`WorldTime`, an aware datetime, or ISO 8601 text."""


class _Reads(Protocol):
    """What the queries need of the ledger they are mixed into."""

    _recorder: LogRecorder
    _mapper: PydanticMapper
    _views: Projections | None
    url: str

    @property
    def head(self) -> int: ...

    def history(self, ref: str) -> list[LogEntry]: ...

    def get(self, ref: str, version: int | None = None) -> State: ...

    def _records(self, after: int, until: int | None) -> Iterator[LogRecord]: ...

    def _entry(self, record: LogRecord) -> LogEntry: ...

    def log(self, after: int = 0, *, until: int | None = None) -> Iterator[LogEntry]: ...

    def _projections(self) -> Projections: ...

    def _position(self, as_of: AsOf | None) -> int: ...

    def _rows(
        self, kind: str, filters: dict[str, str | None], at: When | None, as_of: AsOf | None, replay: bool
    ) -> list[Any]: ...

    def _row(self, ref: str, at: When | None, as_of: AsOf | None, replay: bool) -> SubjectRow: ...

    def _reference_time(self, as_of: AsOf | None, position: int) -> datetime: ...

    def _fresh(self, position: int) -> Projections: ...

    def _last_recorded_by(self, moment: datetime) -> int: ...


def _storage(action: str, call: Callable[[], Any], url: str) -> Any:
    try:
        return call()
    except OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise ConflictError(f"the ledger is busy with another writer; try again ({error})") from None
        raise StorageError(f"cannot {action} the views of {url}: {error}") from None
    except PersistenceError as error:
        raise StorageError(f"cannot {action} the views of {url}: {error}") from None


class LedgerQueries:
    """Timelines, lists and the views' upkeep: the query half of :class:`ledger.Ledger`."""

    _views: Projections | None = None

    # -- the views ---------------------------------------------------------------------------------

    def _projections(self: _Reads) -> Projections:
        if self._views is None:
            self._views = open_views(self._recorder, self._mapper, self.url)
        return self._views

    def projections_status(self: _Reads) -> list[ViewStatus]:
        """Each view's log position and lag behind the head of the log.

        >>> from ledger import Ledger
        >>> with Ledger.open(":memory:") as ledger:
        ...     _ = ledger.register_actor("actor/ada", name="Ada", kind="person")
        ...     [(s.view, s.position, s.lag) for s in ledger.projections_status()][:2]
        [('timeline', 0, 1), ('actors', 0, 1)]
        """
        views = self._projections()
        return cast(list[ViewStatus], _storage("read", views.status, self.url))

    def catch_up_projections(self: _Reads) -> int:
        """Bring every view up to the head of the log (queries do this themselves); returns the head."""
        views = self._projections()
        return cast(int, _storage("update", views.catch_up, self.url))

    def rebuild_projections(self: _Reads, view: str | None = None) -> int:
        """Drop a view (every view by default) and build it again from the whole log; returns the head."""
        views = self._projections()
        return cast(int, _storage("rebuild", lambda: views.rebuild(view), self.url))

    def _fresh(self: _Reads, position: int) -> Projections:
        views = self._projections()
        _storage("update", lambda: views.catch_up(position), self.url)
        return views

    # -- the two clocks ------------------------------------------------------------------------

    def _position(self: _Reads, as_of: AsOf | None) -> int:
        """The log position ``as_of`` names (the head when None)."""
        head = self.head
        if as_of is None:
            return head
        if isinstance(as_of, bool):
            raise InvalidError(f"as_of must be a log position or a record time, not {as_of!r}")
        if isinstance(as_of, int):
            if as_of < 0:
                raise InvalidError(f"a log position is 0 or more, not {as_of}")
            return min(as_of, head)
        if isinstance(as_of, str) and as_of.strip().isdigit():
            return min(int(as_of.strip()), head)
        moment = parse_record_time(as_of)
        return self._last_recorded_by(moment)

    def _last_recorded_by(self: _Reads, moment: datetime) -> int:
        # Record time never goes backwards along the log: a binary search over positions.
        limit = int((moment - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() * 1_000_000)
        low, high = 0, self.head
        while low < high:
            middle = (low + high + 1) // 2
            (record,) = self._recorder.select_log(middle - 1, 1)
            if record.recorded_at <= limit:
                low = middle
            else:
                high = middle - 1
        return low

    def _reference_time(self: _Reads, as_of: AsOf | None, position: int) -> datetime:
        """The "now" of a query: the record time ``as_of`` names, else the present."""
        if as_of is None:
            return datetime.now(UTC)
        if isinstance(as_of, datetime) or not str(as_of).strip().isdigit():
            return parse_record_time(cast(str | datetime, as_of))
        if position == 0:
            return datetime.now(UTC)
        return next(iter(self.log(position - 1, until=position))).recorded_at

    # -- timelines -----------------------------------------------------------------------------

    def timeline(
        self: _Reads, ref: str, *, at: When | None = None, as_of: AsOf | None = None, replay: bool = False
    ) -> Timeline:
        """The timeline of ``ref`` (see :mod:`projections.timeline`) on both clocks.

        ``as_of``: as the ledger knew it then; ``at``: only what may have
        happened by that world time, with the subject's status then.
        ``replay=True`` reads the log instead of the views.
        """
        parse_ref(ref)
        position = self._position(as_of)
        world = None if at is None else WorldTime.coerce(at)
        own = _history_as_of(self, ref, position)
        if replay:
            members, singles = _replay_members(self, ref, own, position)
        else:
            found = self._fresh(position).members(ref, position)
            members = found.subjects
            singles = [e for p in found.singles for e in self.log(p - 1, until=p)]
        entries = [*own, *singles]
        for subject in members[1:]:
            entries.extend(e for e in self.history(subject) if e.position <= position and _belongs(e, ref))
        timeline = build_timeline(ref, entries).model_copy(update={"as_of": position})
        if world is None:
            return timeline
        if replay:
            history = [e for e in self.history(ref) if e.position <= position]
            points = status_points(_states(history))
        else:
            points = self._fresh(position).points(ref_kind(ref), [ref], position).get(ref, [])
        return timeline_at(timeline, ref_kind(ref), points, world)

    # -- lists ---------------------------------------------------------------------------------------

    def rows(
        self: _Reads,
        kind: str,
        filters: Mapping[str, str | None] | None = None,
        *,
        at: When | None = None,
        as_of: AsOf | None = None,
        replay: bool = False,
    ) -> list[SubjectRow]:
        """The rows of every subject of ``kind`` (``post``, ``claim``, ...) matching ``filters``.

        The filters of each kind are those of :data:`projections.queries.FILTERS`
        (``{"status": "deleted"}``); None means "any". :meth:`posts`,
        :meth:`claims` and the other lists take them as keywords.
        """
        return cast(list[SubjectRow], self._rows(kind, dict(filters or {}), at, as_of, replay))

    def _rows(
        self: _Reads,
        kind: str,
        filters: dict[str, str | None],
        at: When | None,
        as_of: AsOf | None,
        replay: bool,
    ) -> list[Any]:
        world = None if at is None else WorldTime.coerce(at)
        chosen = check_filters(kind, filters, at=world is not None)
        position = self._position(as_of)
        if replay:
            rows, points = replay_rows(self.log(until=position), kind)
        else:
            views = self._fresh(position)
            rows = views.rows(kind, position, sql_filters(chosen, at=world))
            points = views.points(kind, [row.ref for row in rows], position) if world is not None else {}
        now = self._reference_time(as_of, position)
        return finish_rows(rows, points, kind=kind, filters=chosen, at=world, now=now)

    def posts(
        self: _Reads,
        status: str | None = None,
        *,
        author: str | None = None,
        platform: str | None = None,
        in_reply_to: str | None = None,
        at: When | None = None,
        as_of: AsOf | None = None,
        replay: bool = False,
    ) -> list[PostRow]:
        """Posts, in order of recording: ``status`` live or deleted (or, ``at`` a world time,
        not-yet-published or unknown); deleted ones say how long they ``lived``.
        """
        filters = {"status": status, "author": author, "platform": platform, "in_reply_to": in_reply_to}
        return cast(list[PostRow], self._rows("post", filters, at, as_of, replay))

    def claims(
        self: _Reads,
        status: str | None = None,
        *,
        verdict: str | None = None,
        claimant: str | None = None,
        post: str | None = None,
        about: str | None = None,
        at: When | None = None,
        as_of: AsOf | None = None,
        replay: bool = False,
    ) -> list[ClaimRow]:
        """Claims: ``status`` open, rebutted, supported or retracted; latest ``verdict``;
        made by ``claimant``, in ``post``, or ``about`` a subject.
        """
        filters = {"status": status, "verdict": verdict, "claimant": claimant, "post": post, "about": about}
        return cast(list[ClaimRow], self._rows("claim", filters, at, as_of, replay))

    def comment_requests(
        self: _Reads,
        status: str | None = None,
        *,
        requester: str | None = None,
        recipient: str | None = None,
        channel: str | None = None,
        regarding: str | None = None,
        at: When | None = None,
        as_of: AsOf | None = None,
        replay: bool = False,
    ) -> list[CommentRequestRow]:
        """Requests for comment: ``status`` awaiting, answered, declined or lapsed, each with
        how long it waited (``waiting``, ``days_waiting``) up to its answer, or up to now
        (or ``at``, or ``as_of``) while unanswered.
        """
        filters = {
            "status": status,
            "requester": requester,
            "recipient": recipient,
            "channel": channel,
            "regarding": regarding,
        }
        return cast(list[CommentRequestRow], self._rows("comment", filters, at, as_of, replay))

    def actors(
        self: _Reads,
        *,
        kind: str | None = None,
        handle: str | None = None,
        at: When | None = None,
        as_of: AsOf | None = None,
        replay: bool = False,
    ) -> list[ActorRow]:
        """Actors, of ``kind`` person or organization, or with a ``handle`` (``x:elonmusk``)."""
        return cast(list[ActorRow], self._rows("actor", {"kind": kind, "handle": handle}, at, as_of, replay))

    def sources(
        self: _Reads,
        *,
        kind: str | None = None,
        publisher: str | None = None,
        at: When | None = None,
        as_of: AsOf | None = None,
        replay: bool = False,
    ) -> list[SourceRow]:
        """Sources, of ``kind`` (article, regulation, ...) or by ``publisher``."""
        filters = {"kind": kind, "publisher": publisher}
        return cast(list[SourceRow], self._rows("source", filters, at, as_of, replay))

    def cases(
        self: _Reads,
        *,
        subject: str | None = None,
        at: When | None = None,
        as_of: AsOf | None = None,
        replay: bool = False,
    ) -> list[CaseRow]:
        """Cases, or those linking ``subject``."""
        return cast(list[CaseRow], self._rows("case", {"subject": subject}, at, as_of, replay))

    def case_subjects(
        self: _Reads, case: str, *, at: When | None = None, as_of: AsOf | None = None, replay: bool = False
    ) -> list[CaseSubjectRow]:
        """Everything linked to ``case``, in the order linked, with each subject's status."""
        parse_ref(case, kind="case")
        found = cast(CaseRow, self._row(case, None, as_of, replay))
        linked = []
        for subject in found.subjects:
            row = self._row(subject, at, as_of, replay)
            linked.append(
                CaseSubjectRow(
                    case=case,
                    subject=subject,
                    kind=ref_kind(subject),
                    label=row.label,
                    status=row.status,
                    status_at=row.status_at,
                    possible=row.possible,
                )
            )
        return linked

    def _row(self: _Reads, ref: str, at: When | None, as_of: AsOf | None, replay: bool) -> SubjectRow:
        """The row of one subject on both clocks."""
        position = self._position(as_of)
        world = None if at is None else WorldTime.coerce(at)
        kind = ref_kind(ref)
        if replay:
            history = _history_as_of(self, ref, position)
            folded = list(_states(history))
            row = row_of(folded[-1][1])
            points = {ref: status_points(folded)}
        else:
            views = self._fresh(position)
            found = views.row(ref, position)
            if found is None:
                raise _not_recorded(ref, position, self.head)
            row = found
            points = views.points(kind, [ref], position) if world is not None else {}
        now = self._reference_time(as_of, position)
        (finished,) = finish_rows([row], points, kind=kind, filters={}, at=world, now=now)
        return cast(SubjectRow, finished)

    def _get_on_clocks(
        self: _Reads, ref: str, version: int | None, *, at: When | None, as_of: AsOf | None
    ) -> State | StateAt:
        """The state of ``ref`` as the ledger knew it ``as_of``, and where it stood ``at`` a world time."""
        position = self._position(as_of)
        history = _history_as_of(self, ref, position)
        if version is not None:
            if version < 1:
                raise InvalidError(f"version must be 1 or more, not {version}")
            if version > len(history):
                raise NotFoundError(f"{ref} has no version {version} as of position {position}")
            history = history[:version]
        if at is None:
            return cast("State", list(_states(history))[-1][1])
        return state_at(ref, history, WorldTime.coerce(at), as_of=position)


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


def _belongs(entry: LogEntry, ref: str) -> bool:
    """False for a claim's repetition in another post, which belongs to that post's timeline only
    (a claim repeated in thousands of posts must not flood each of their timelines)."""
    return not isinstance(entry.event, ClaimRepeated) or ref_kind(ref) != "post" or entry.event.post == ref


def _not_recorded(ref: str, position: int, head: int) -> NotFoundError:
    if position < head:
        return NotFoundError(f"{ref} was not recorded as of position {position}")
    return NotFoundError(f"{ref} does not exist")


def _history_as_of(ledger: _Reads, ref: str, position: int) -> list[LogEntry]:
    parse_ref(ref)
    try:
        history = [e for e in ledger.history(ref) if e.position <= position]
    except NotFoundError:
        history = []
    if not history:
        raise _not_recorded(ref, position, ledger.head)
    return history


def _states(history: list[LogEntry]) -> Iterator[tuple[Any, Any]]:
    """Each entry with the state of the subject folded (in world-time order) from the entries so far."""
    events: list[Event] = []
    state = None
    for entry in history:
        state = apply_in_world_order(state, entry.event, lambda: events)
        events.append(entry.event)
        yield entry.event, state


def _replay_members(
    ledger: _Reads, ref: str, own: list[LogEntry], position: int
) -> tuple[tuple[str, ...], list[LogEntry]]:
    """What the timeline of ``ref`` is made of as of ``position``, by scanning the log (the auditor's path).

    The subjects whose histories belong to it (``ref`` first), and the entries that belong on their own.
    """
    targets = {ref}
    if ref_kind(ref) == "case":
        targets.update(linked_subjects(own))
    scan = RelatedScan(targets)
    needles = [f'"{target}"'.encode() for target in targets]
    prefilter = not (ledger._mapper.cipher or ledger._mapper.compressor)
    for record in ledger._records(0, position):
        if prefilter and not any(n in record.state for n in needles):
            continue
        scan.feed(ledger._entry(record))
    subjects = (ref, *sorted(scan.subjects - {ref}))
    return subjects, scan.entries
