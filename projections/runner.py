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
from typing import TYPE_CHECKING, Protocol, TypeVar

from domain.errors import InvalidError, StorageError
from domain.refs import ref_kind
from projections.clocks import StatusPoint
from projections.collector import fewer_collections
from projections.flat_views import FLAT_VIEWS, FactsView, create_flat_views, drop_flat_views, flat_view_ddl
from projections.rows import SubjectRow
from projections.search_view import SearchHit, SearchView
from projections.sql import Database, Session, Statement
from projections.stored_rows import RawEntry
from projections.subject_views import VIEW_NAMES, Known, SubjectView, ViewMovedError
from projections.timeline_view import Members, TimelineView

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

T = TypeVar("T")

AnyView = TimelineView | SubjectView | SearchView | FactsView

VIEWS = ("timeline", *VIEW_NAMES.values(), "search", "facts")
"""The names of the views, in the order they are reported."""

TRACKING = "view_tracking"
_READ_ATTEMPTS = 5
_MOVED_ATTEMPTS = 20
_BATCH_GROWTH = 4
"""A catch-up's batches grow from ``batch_size`` entries up to this many times that."""


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


@dataclass(frozen=True)
class _Plan:
    """A batch ready to write: the views it moves, from which position to which, and its statements."""

    start: dict[str, int]
    end: int
    statements: list[Statement]


class _Pipeline:
    """Writes prepared batches one at a time, in a thread when there is more than one batch."""

    def __init__(self, write: Callable[[_Plan], None]) -> None:
        self._write = write
        self._executor: ThreadPoolExecutor | None = None
        self._pending: Future[None] | None = None

    def submit(self, plan: _Plan, *, last: bool) -> None:
        """Write ``plan`` once the batch before it is written; raises that batch's error, if any."""
        self._wait()
        if last:
            self._write(plan)
            return
        if self._executor is None:
            # Imported here: a query that finds the views caught up never starts a thread (issue #16).
            from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-views")
        self._pending = self._executor.submit(self._write, plan)

    def finish(self) -> None:
        """Wait for the last batch; raises its error, if any."""
        self._wait()

    def _wait(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def __enter__(self) -> _Pipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        # On an error, a batch still being written is let finish (or fail) before leaving.
        if self._pending is not None:
            self._pending.exception()
        if self._executor is not None:
            self._executor.shutdown(wait=True)


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
        self._rows: OrderedDict[str, Known] = OrderedDict()
        self.timeline_view = TimelineView(database.dialect, database.table)
        self.subject_views = {
            kind: SubjectView(kind, database.dialect, database.table) for kind in VIEW_NAMES
        }
        self._tracking = database.table(TRACKING)
        self.search_view = SearchView(database.dialect, database.table)
        self.facts_view = FactsView(database.dialect, database.table)
        self.views: dict[str, AnyView] = {self.timeline_view.name: self.timeline_view}
        self.views.update({view.name: view for view in self.subject_views.values()})
        self.views[self.search_view.name] = self.search_view
        self.views[self.facts_view.name] = self.facts_view
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
        # A reader of a ledger whose views are already built writes nothing: not even an empty
        # write transaction, which would change the file (its change counter) on every read.
        with self._db.transaction() as session:
            self._ready = self._built(session)
        if self._ready:
            return
        with self._db.transaction(write=True) as session:
            session.execute(
                f"CREATE TABLE IF NOT EXISTS {self._tracking} ("
                "view_name TEXT PRIMARY KEY, position BIGINT NOT NULL, schema_hash TEXT NOT NULL)"
            )
            self._hold_off_queries(session)
            built = dict(session.query(f"SELECT view_name, schema_hash FROM {self._tracking}"))
            # The flat SQL views stand on the tables: out of the way while those change.
            drop_flat_views(session, self._db.table)
            for name, view in self.views.items():
                digest = _schema_hash(view.ddl)
                if built.get(name) != digest:
                    self._create(session, view, digest, drop=name in built)
                else:
                    for statement in view.ddl:
                        session.execute(statement)
            create_flat_views(session, self._db.dialect, self._db.table)
        self._ready = True

    def _built(self, session: Session) -> bool:
        """Whether every view and flat SQL view is already as this code defines it."""
        flat = dict(zip(FLAT_VIEWS, flat_view_ddl(self._db.dialect, self._db.table), strict=True))
        if self._db.dialect.name == "sqlite":
            found = dict(session.query("SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'view')"))
            # SQLite keeps a view's statement as it was written: a changed definition shows.
            views_current = all(found.get(name) == statement for name, statement in flat.items())
        else:
            found = {
                name: None
                for (name,) in session.query(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = COALESCE(?, current_schema())",
                    (self._db.schema,),
                )
            }
            views_current = all(name in found for name in flat)
        if TRACKING not in found or not views_current:
            return False
        built = dict(session.query(f"SELECT view_name, schema_hash FROM {self._tracking}"))
        return all(built.get(name) == _schema_hash(view.ddl) for name, view in self.views.items())

    def _hold_off_queries(self, session: Session) -> None:
        """Before views' tables are dropped: wait for the queries reading the views, and keep new
        ones waiting until ``session`` ends. A query first reads the tracking table (is its view
        fresh?), then the view: a drop falling between the two answered from an empty view."""
        if self._db.dialect.exclusive:
            session.execute(self._db.dialect.exclusive.format(table=self._tracking))

    def _create(self, session: Session, view: AnyView, digest: str, *, drop: bool) -> None:
        if drop:
            for table in view.tables:
                session.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in view.ddl:
            session.execute(statement)
        session.execute(f"DELETE FROM {self._tracking} WHERE view_name = ?", (view.name,))
        session.execute(f"INSERT INTO {self._tracking} VALUES (?, 0, ?)", (view.name, digest))

    def positions(self) -> dict[str, int]:
        """The log position each view has processed."""
        self.ensure()
        with self._db.reading() as session:
            return self._positions(session)

    def _positions(self, session: Session) -> dict[str, int]:
        rows = session.query(f"SELECT view_name, position FROM {self._tracking}")
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
        for _ in range(_MOVED_ATTEMPTS):
            try:
                with fewer_collections():
                    return self._catch_up(target)
            except ViewMovedError:
                # Another process moved a view meanwhile: start again from where the views are.
                self.timeline_view.forget()
        raise StorageError(
            "the views keep changing under this catch-up: rebuild them (ledger projections rebuild)"
        )

    def _catch_up(self, target: int) -> int:
        positions = self.positions()
        limit = self.batch_size
        # While one batch is written (sqlite3 leaves Python free while SQLite works), the next is
        # read and prepared; a batch's rows and positions still commit in one transaction.
        with _Pipeline(self._write) as pipeline:
            while True:
                behind = {name: position for name, position in positions.items() if position < target}
                if not behind:
                    pipeline.finish()
                    return target
                plan = self._plan(behind, target, limit)
                if plan is None:
                    pipeline.finish()
                    return min(behind.values())
                pipeline.submit(plan, last=plan.end >= target)
                positions.update(dict.fromkeys(plan.start, plan.end))
                # A long catch-up writes bigger batches: fewer commits (each may checkpoint the WAL).
                limit = min(limit * 2, self.batch_size * _BATCH_GROWTH)

    def _plan(self, behind: Mapping[str, int], target: int, limit: int) -> _Plan | None:
        """Read the next batch for the views ``behind`` and prepare its statements."""
        start = min(behind.values())
        batch = self._log.read(start, min(limit, target - start))
        if not batch:
            return None
        end = batch[-1].position
        by_view: dict[str, list[RawEntry]] = {}
        for entry in batch:
            by_view.setdefault(VIEW_NAMES[entry.kind], []).append(entry)
        statements: list[Statement] = []
        folded: dict[str, Known] = {}
        for name, position in behind.items():
            view = self.views[name]
            mine = by_view.get(name, []) if isinstance(view, SubjectView) else batch
            if position > start:
                mine = [entry for entry in mine if entry.position > position]
            if isinstance(view, TimelineView):
                statements += view.prepare(mine, after=position, end=end)
            elif isinstance(view, SearchView | FactsView):
                statements += view.prepare(mine)
            else:
                written, latest = view.prepare(mine, self._rows, self._load)
                statements += written
                folded.update(latest)
        # Rows at a version are facts, whether or not this batch commits: the next batch may use them.
        self._remember(folded)
        return _Plan(dict(behind), end, statements)

    def _load(self, view: SubjectView, refs: list[str]) -> dict[str, Known]:
        with self._db.transaction() as session:
            return view.current(session, refs)

    def _write(self, plan: _Plan) -> None:
        """Write a prepared batch: every view's rows and new position, in one transaction."""
        with self._db.transaction(write=True) as session:
            for name, position in plan.start.items():
                moved = session.one(
                    f"UPDATE {self._tracking} SET position = ? "
                    "WHERE view_name = ? AND position = ? RETURNING position",
                    (plan.end, name, position),
                )
                if moved is None:
                    raise ViewMovedError(f"{name} is no longer at position {position}")
            for statement, rows in plan.statements:
                session.write_rows(statement, rows)

    def _remember(self, rows: Mapping[str, Known]) -> None:
        # A subject's row at a version never changes, so the cache needs no invalidation, only a
        # bound: past it, the rows not written for longest go (a subject written again moves last).
        cache = self._rows
        for ref in rows.keys() & cache.keys():
            del cache[ref]
        cache.update(rows)
        while len(cache) > self._cache_size:
            cache.popitem(last=False)

    def reset(self, view: str | None = None) -> None:
        """Empty the view (every view by default), back to log position 0."""
        self.ensure()
        names = self._check([view] if view is not None else self.views)
        self.timeline_view.forget()
        with self._db.transaction(write=True) as session:
            self._hold_off_queries(session)
            drop_flat_views(session, self._db.table)
            for name in names:
                chosen = self.views[name]
                self._create(session, chosen, _schema_hash(chosen.ddl), drop=True)
            create_flat_views(session, self._db.dialect, self._db.table)

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

    def search(
        self,
        terms: list[str],
        as_of: int,
        *,
        kind: str | None = None,
        until: int | None = None,
        limit: int | None = None,
    ) -> list[SearchHit]:
        """The texts recorded by position ``as_of`` matching ``terms`` (:mod:`projections.search_view`)."""
        view = self.search_view
        return self._read(
            [view.name],
            as_of,
            lambda s: view.search(s, terms, as_of=as_of, kind=kind, until=until, limit=limit),
        )

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
