"""Keeping the views up to date: catch-up from the log in batches, exactly once.

Each view records the log position it has processed in ``view_tracking``,
in the same transaction as the rows it writes for that batch (the pattern of
eventsourcing's ``TrackingRecorder``). A batch's transaction first moves the
view's position from where it was read to the batch's end and fails if
another process moved it meanwhile, so a batch is written once or not at
all: a crash loses at most the batch in progress, and the next catch-up
redoes it. The log is read in batches by position (eventsourcing's
``ProjectionRunner`` subscriptions are not available on SQLite), once for
all the views that are behind.

A view whose table definitions changed since it was built is dropped and
rebuilt from the log the next time it is used.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from domain.errors import InvalidError, StorageError
from domain.refs import ref_kind
from projections.clocks import StatusPoint
from projections.rows import SubjectRow
from projections.sql import Database, Session
from projections.stored_rows import RawEntry, Row
from projections.subject_views import VIEW_NAMES, SubjectView
from projections.timeline_view import Members, TimelineView

T = TypeVar("T")

TRACKING = "view_tracking"
_READ_ATTEMPTS = 5
_TRACKING_DDL = (
    f"CREATE TABLE IF NOT EXISTS {TRACKING} ("
    "view_name TEXT PRIMARY KEY, position BIGINT NOT NULL, schema_hash TEXT NOT NULL)"
)


class LogSource(Protocol):
    """What the views read from the ledger: the log and the states of subjects."""

    def head(self) -> int:
        """The position of the last entry of the log (0 when empty)."""
        ...

    def read(self, after: int, limit: int) -> Sequence[RawEntry]:
        """Up to ``limit`` entries after position ``after``, in log order, as their decoded JSON."""
        ...


@dataclass(frozen=True)
class ViewStatus:
    """Where a view stands: the log position it has processed, and how far behind the log it is."""

    view: str
    position: int
    head: int

    @property
    def lag(self) -> int:
        """How many entries of the log the view has not processed yet."""
        return max(0, self.head - self.position)


class _MovedError(Exception):
    """Another process moved a view's position while this one was writing a batch."""


def _schema_hash(ddl: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(ddl).encode()).hexdigest()[:16]


class Projections:
    """The materialised views of one ledger, kept in its own database."""

    def __init__(
        self, database: Database, log: LogSource, *, batch_size: int = 1000, cache_size: int = 10_000
    ) -> None:
        if batch_size < 1 or cache_size < 1:
            raise InvalidError("batch_size and cache_size must be 1 or more")
        self._db = database
        self._log = log
        self.batch_size = batch_size
        self._cache_size = cache_size
        self._rows: OrderedDict[str, tuple[int, Row]] = OrderedDict()
        self.timeline_view = TimelineView(database.dialect)
        self.subject_views = {kind: SubjectView(kind) for kind in VIEW_NAMES}
        self.views: dict[str, TimelineView | SubjectView] = {self.timeline_view.name: self.timeline_view}
        self.views.update({view.name: view for view in self.subject_views.values()})
        self._ready = False

    @property
    def names(self) -> tuple[str, ...]:
        """The names of the views."""
        return tuple(self.views)

    def _check(self, names: Iterable[str]) -> list[str]:
        chosen = list(names)
        for name in chosen:
            if name not in self.views:
                raise InvalidError(f"unknown view {name!r}: expected one of {', '.join(self.views)}")
        return chosen

    # -- tables and tracking ---------------------------------------------------------------

    def ensure(self) -> None:
        """Create the views' tables, rebuilding from scratch any view whose definition changed."""
        if self._ready:
            return
        with self._db.transaction(write=True) as session:
            session.execute(_TRACKING_DDL)
            built = dict(session.query(f"SELECT view_name, schema_hash FROM {TRACKING}"))
            for name, view in self.views.items():
                digest = _schema_hash(view.ddl)
                if built.get(name) != digest:
                    self._create(session, view, digest, drop=name in built)
                else:
                    for statement in view.ddl:
                        session.execute(statement)
        self._ready = True

    @staticmethod
    def _create(session: Session, view: TimelineView | SubjectView, digest: str, *, drop: bool) -> None:
        if drop:
            for table in view.tables:
                session.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in view.ddl:
            session.execute(statement)
        session.execute(f"DELETE FROM {TRACKING} WHERE view_name = ?", (view.name,))
        session.execute(f"INSERT INTO {TRACKING} VALUES (?, 0, ?)", (view.name, digest))

    def positions(self) -> dict[str, int]:
        """The log position each view has processed."""
        self.ensure()
        with self._db.transaction() as session:
            return self._positions(session)

    def _positions(self, session: Session) -> dict[str, int]:
        rows = session.query(f"SELECT view_name, position FROM {TRACKING}")
        found = {name: int(position) for name, position in rows}
        return {name: found.get(name, 0) for name in self.views}

    def status(self) -> list[ViewStatus]:
        """Each view's position and lag behind the log's head."""
        head = self._log.head()
        return [ViewStatus(name, position, head) for name, position in self.positions().items()]

    # -- catching up ---------------------------------------------------------------------------

    def catch_up(self, until: int | None = None) -> int:
        """Bring every view up to log position ``until`` (default: the head); returns that position."""
        self.ensure()
        head = self._log.head()
        target = head if until is None else min(until, head)
        positions = self.positions()
        while True:
            behind = {name: position for name, position in positions.items() if position < target}
            if not behind:
                return target
            start = min(behind.values())
            batch = self._log.read(start, min(self.batch_size, target - start))
            if not batch:
                return start
            end = batch[-1].position
            by_view: dict[str, list[RawEntry]] = {}
            for entry in batch:
                by_view.setdefault(VIEW_NAMES[ref_kind(entry.subject)], []).append(entry)
            written: dict[str, tuple[int, Row]] = {}
            timeline = self.timeline_view
            try:
                with self._db.transaction(write=True) as session:
                    for name, position in behind.items():
                        self._advance(session, name, position, end)
                        view = self.views[name]
                        mine = batch if view is timeline else by_view.get(name, [])
                        if position > start:
                            mine = [entry for entry in mine if entry.position > position]
                        if isinstance(view, TimelineView):
                            view.write(session, mine, after=position)
                        else:
                            written.update(view.write(session, mine, self._rows))
            except _MovedError:
                timeline.forget()
                positions = self.positions()
                continue
            except BaseException:
                timeline.forget()
                raise
            if "timeline" in behind:
                timeline.written(end)
            positions.update(dict.fromkeys(behind, end))
            self._remember(written)

    @staticmethod
    def _advance(session: Session, name: str, position: int, end: int) -> None:
        moved = session.one(
            f"UPDATE {TRACKING} SET position = ? WHERE view_name = ? AND position = ? RETURNING position",
            (end, name, position),
        )
        if moved is None:
            raise _MovedError(name)

    def _remember(self, rows: Mapping[str, tuple[int, Row]]) -> None:
        # A subject's row at a version never changes, so the cache needs no invalidation, only a bound.
        for ref, known in rows.items():
            self._rows.pop(ref, None)
            self._rows[ref] = known
        while len(self._rows) > self._cache_size:
            self._rows.popitem(last=False)

    def reset(self, view: str | None = None) -> None:
        """Empty the view (every view by default), back to log position 0."""
        self.ensure()
        names = self._check([view] if view is not None else self.views)
        self.timeline_view.forget()
        with self._db.transaction(write=True) as session:
            for name in names:
                chosen = self.views[name]
                self._create(session, chosen, _schema_hash(chosen.ddl), drop=True)

    def rebuild(self, view: str | None = None) -> int:
        """Drop the view (every view by default) and build it again from the whole log."""
        self.reset(view)
        return self.catch_up()

    # -- queries (the caller catches up first) -----------------------------------------------

    def _fresh(self, session: Session, names: Iterable[str], as_of: int) -> None:
        positions = self._positions(session)
        stale = [name for name in names if positions[name] < as_of]
        if stale:
            raise _StaleError(stale)

    def members(self, ref: str, as_of: int) -> Members:
        """What the timeline of ``ref`` is made of as of log position ``as_of``, from the timeline view."""
        return self._read(["timeline"], as_of, lambda s: self.timeline_view.members(s, ref, as_of))

    def rows(self, kind: str, as_of: int, equal: Mapping[str, str] | None = None) -> list[SubjectRow]:
        """The rows of ``kind`` as of log position ``as_of`` whose columns equal ``equal``."""
        view = self.subject_views[kind]
        return self._read([view.name], as_of, lambda s: view.rows(s, as_of, equal))

    def row(self, ref: str, as_of: int) -> SubjectRow | None:
        """The row of ``ref`` as of log position ``as_of`` (None: not recorded then)."""
        view = self.subject_views[ref_kind(ref)]
        return self._read([view.name], as_of, lambda s: view.row(s, ref, as_of))

    def points(self, kind: str, refs: Iterable[str], as_of: int) -> dict[str, list[StatusPoint]]:
        """The status points of ``refs`` (of ``kind``) recorded by log position ``as_of``."""
        view = self.subject_views[kind]
        wanted = list(refs)
        return self._read([view.name], as_of, lambda s: view.points(s, wanted, as_of))

    def _read(self, names: list[str], as_of: int, query: Callable[[Session], T]) -> T:
        # Another process may rebuild a view between our catch-up and this read: then catch up again.
        for _ in range(_READ_ATTEMPTS):
            try:
                with self._db.transaction() as session:
                    self._fresh(session, names, as_of)
                    return query(session)
            except _StaleError:
                self.catch_up(as_of)
        raise StorageError(f"the views {', '.join(names)} cannot be brought up to position {as_of}")


class _StaleError(Exception):
    """A view is behind the position a query needs."""
