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

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, cast

from domain.claim import ClaimRepeated
from domain.errors import InvalidError, NotFoundError
from domain.events import Event, LogEntry, apply_in_world_order
from domain.refs import parse_ref, ref_kind
from domain.worldtime import When, WorldTime
from ledger.asof import AsOf, AsOfResolver, Known, parse_record_time
from ledger.log import LogReader
from ledger.views import Views
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
from projections.timeline import RelatedScan, Timeline, build_timeline, linked_subjects

if TYPE_CHECKING:
    from domain import State

__all__ = ["AsOf", "Queries", "When", "parse_record_time"]


class Queries:
    """Timelines, lists and states on both clocks: the query part of :class:`ledger.Ledger`.

    Reads the log through ``log`` and the materialised views through ``views``.
    """

    def __init__(self, log: LogReader, views: Views) -> None:
        self._log = log
        self._views = views
        self.known = AsOfResolver(log).known
        """``as_of`` resolved once per call (see :mod:`ledger.asof`)."""
        self.replay_only = False
        """Always read the log, never the views (they cannot be written on a read-only store)."""

    # -- timelines -----------------------------------------------------------------------------

    def timeline(
        self, ref: str, *, at: When | None = None, as_of: AsOf | None = None, replay: bool = False
    ) -> Timeline:
        """The timeline of ``ref`` (see :mod:`projections.timeline`) on both clocks.

        ``as_of``: as the ledger knew it then; ``at``: only what may have
        happened by that world time, with the subject's status then.
        ``replay=True`` reads the log instead of the views.
        """
        parse_ref(ref)
        world = None if at is None else WorldTime.coerce(at)
        position = self.known(as_of).position
        own = self._history_as_of(ref, position)
        replay = replay or self.replay_only
        views = None if replay else self._views.fresh(position)
        if views is None:
            members, singles = self._replay_members(ref, own, position)
        else:
            found = self._views.read(lambda: views.members(ref, position))
            members = found.subjects
            singles = [e for p in found.singles for e in self._log.log(p - 1, until=p)]
        entries = [*own, *singles]
        for subject in members[1:]:
            history = self._log.history(subject)
            entries.extend(e for e in history if e.position <= position and _belongs(e, ref))
        timeline = build_timeline(ref, entries).model_copy(update={"as_of": position})
        if world is None:
            return timeline
        if views is None:
            points = status_points(_states(own))
        else:
            points = views.points(ref_kind(ref), [ref], position).get(ref, [])
        return timeline_at(timeline, ref_kind(ref), points, world)

    # -- lists ---------------------------------------------------------------------------------------

    def rows(
        self,
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
        self,
        kind: str,
        filters: dict[str, str | None],
        at: When | None,
        as_of: AsOf | None,
        replay: bool,
    ) -> list[Any]:
        world = None if at is None else WorldTime.coerce(at)
        chosen = check_filters(kind, filters, at=world is not None)
        known = self.known(as_of)
        position = known.position
        if replay or self.replay_only:
            rows, points = replay_rows(self._log.log(until=position), kind)
        else:
            views = self._views.fresh(position)
            rows = self._views.read(lambda: views.rows(kind, position, sql_filters(chosen, at=world)))
            refs = [row.ref for row in rows]
            points = self._views.read(lambda: views.points(kind, refs, position)) if world is not None else {}
        return finish_rows(rows, points, kind=kind, filters=chosen, at=world, now=known.now)

    def posts(
        self,
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
        self,
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
        self,
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
        self,
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
        self,
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
        self,
        *,
        subject: str | None = None,
        at: When | None = None,
        as_of: AsOf | None = None,
        replay: bool = False,
    ) -> list[CaseRow]:
        """Cases, or those linking ``subject``."""
        return cast(list[CaseRow], self._rows("case", {"subject": subject}, at, as_of, replay))

    def case_subjects(
        self, case: str, *, at: When | None = None, as_of: AsOf | None = None, replay: bool = False
    ) -> list[CaseSubjectRow]:
        """Everything linked to ``case``, in the order linked, with each subject's status."""
        parse_ref(case, kind="case")
        world = None if at is None else WorldTime.coerce(at)
        known = self.known(as_of)
        found = cast(CaseRow, self._row(case, None, known, replay))
        linked = []
        for subject in found.subjects:
            row = self._row(subject, world, known, replay)
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

    def _row(self, ref: str, world: WorldTime | None, known: Known, replay: bool) -> SubjectRow:
        """The row of one subject on both clocks."""
        position = known.position
        kind = ref_kind(ref)
        if replay or self.replay_only:
            history = self._history_as_of(ref, position)
            folded = list(_states(history))
            row = row_of(folded[-1][1])
            points = {ref: status_points(folded)}
        else:
            views = self._views.fresh(position)
            found = self._views.read(lambda: views.row(ref, position))
            if found is None:
                raise _not_recorded(ref, position, self._log.head)
            row = found
            points = views.points(kind, [ref], position) if world is not None else {}
        (finished,) = finish_rows([row], points, kind=kind, filters={}, at=world, now=known.now)
        return cast(SubjectRow, finished)

    # -- states ----------------------------------------------------------------------------------

    def get_on_clocks(
        self, ref: str, version: int | None, *, at: When | None, as_of: AsOf | None
    ) -> State | StateAt:
        """The state of ``ref`` as the ledger knew it ``as_of``, and where it stood ``at`` a world time."""
        world = None if at is None else WorldTime.coerce(at)
        position = self.known(as_of).position
        history = self._history_as_of(ref, position)
        if version is not None:
            if version < 1:
                raise InvalidError(f"version must be 1 or more, not {version}")
            if version > len(history):
                raise NotFoundError(f"{ref} has no version {version} as of position {position}")
            history = history[:version]
        if world is None:
            return cast("State", list(_states(history))[-1][1])
        return state_at(ref, history, world, as_of=position)

    # -- reading the log -------------------------------------------------------------------------

    def _history_as_of(self, ref: str, position: int) -> list[LogEntry]:
        parse_ref(ref)
        try:
            history = [e for e in self._log.history(ref) if e.position <= position]
        except NotFoundError:
            history = []
        if not history:
            raise _not_recorded(ref, position, self._log.head)
        return history

    def _replay_members(
        self, ref: str, own: list[LogEntry], position: int
    ) -> tuple[tuple[str, ...], list[LogEntry]]:
        """What the timeline of ``ref`` is made of as of ``position``, by a scan of the log.

        The subjects whose histories belong to it (``ref`` first), and the entries that belong on their own.
        """
        targets = {ref}
        if ref_kind(ref) == "case":
            targets.update(linked_subjects(own))
        scan = RelatedScan(targets)
        needles = [f'"{target}"'.encode() for target in targets]
        prefilter = self._log.plain_payloads
        for record in self._log.records(0, position):
            if prefilter and not any(n in record.state for n in needles):
                continue
            scan.feed(self._log.entry(record))
        subjects = (ref, *sorted(scan.subjects - {ref}))
        return subjects, scan.entries


def _belongs(entry: LogEntry, ref: str) -> bool:
    """False for a claim's repetition in another post, which belongs to that post's timeline only
    (a claim repeated in thousands of posts must not flood each of their timelines)."""
    return not isinstance(entry.event, ClaimRepeated) or ref_kind(ref) != "post" or entry.event.post == ref


def _not_recorded(ref: str, position: int, head: int) -> NotFoundError:
    if position < head:
        return NotFoundError(f"{ref} was not recorded as of position {position}")
    return NotFoundError(f"{ref} does not exist")


def _states(history: list[LogEntry]) -> Iterator[tuple[Any, Any]]:
    """Each entry with the state of the subject folded (in world-time order) from the entries so far."""
    events: list[Event] = []
    state = None
    for entry in history:
        state = apply_in_world_order(state, entry.event, lambda: events)
        events.append(entry.event)
        yield entry.event, state
