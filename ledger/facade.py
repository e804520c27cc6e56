"""The public Python API of the ledger: :class:`Ledger`.

Every command takes keyword arguments, checks them against the domain's
rules and the subjects already recorded, appends events, and returns the
reference of the subject it recorded. Every query returns plain data
(immutable pydantic models), never live aggregates.

>>> from ledger import Ledger
>>> with Ledger.open(":memory:", recorded_by="desk") as ledger:
...     ledger.register_actor("actor/ada", name="Ada", kind="person")
...     ledger.get("actor/ada").name
'actor/ada'
'Ada'
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Self, cast, overload

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, PersistenceError

from domain.errors import (
    ConflictError,
    InvalidError,
    NotFoundError,
    StorageError,
)
from domain.events import (
    LogEntry,
    OutOfOrderError,
    fold,
)
from domain.refs import parse_ref, subject_id
from ledger.application import LedgerApplication
from ledger.asof import AsOfResolver
from ledger.delegation import delegate, later, later_static
from ledger.log import REPLAY_CACHE, LogReader
from ledger.queries import AsOf, Queries
from ledger.recorded import RecordedSubjects
from ledger.recording import LedgerRecording, UnitOfWork
from ledger.search import Search
from ledger.storage.backends import backend_for, default_user
from ledger.storage.damage import opening_error, translate_storage_errors
from ledger.storage.seam import Storage
from ledger.views import Views
from projections.collector import fewer_collections

if TYPE_CHECKING:
    from domain import State
    from domain.worldtime import When
    from ledger.formats.interop import Interchange
    from ledger.formats.native import NativeFormats
    from ledger.integrity.api import Integrity
    from ledger.integrity.redaction import Redaction
    from ledger.storage.records import LogRecord
    from projections.queries import StateAt
    from projections.runner import Projections
else:
    # The parts a reading command never uses are imported when first used (issue #16: start-up).
    Interchange = later("ledger.formats.interop", "Interchange")
    NativeFormats = later("ledger.formats.native", "NativeFormats")
    Integrity = later("ledger.integrity.api", "Integrity")


@translate_storage_errors
class Ledger(LedgerRecording):
    """A provenance ledger: posts, claims, reviews and requests for comment, never forgotten.

    Open one with :meth:`Ledger.open`; close it (or use it as a context
    manager) when done. A ledger object is not meant to be shared between
    threads; open one per thread or process (writers in several processes are
    safe: the store refuses conflicting writes with :class:`ConflictError`).

    It holds its parts, as eventsourcing's ``Application`` holds its recorder
    and repository, each made by a ``construct_*`` method: the storage
    (:class:`~ledger.storage.seam.Storage`), the log reader
    (:class:`~ledger.log.LogReader`), the views (:class:`~ledger.views.Views`),
    the queries (:class:`~ledger.queries.Queries`) and the integrity
    (:class:`~ledger.integrity.api.Integrity`); their public methods are the
    ledger's (see :mod:`ledger.delegation`).
    """

    def __init__(self, app: LedgerApplication, *, url: str, recorded_by: str) -> None:
        self._app = app
        self.url = url
        """Where the ledger lives (passwords redacted)."""
        self.recorded_by = recorded_by
        """Who records, unless a command says otherwise."""
        self._storage = self.construct_storage()
        self._recorder = self._storage.recorder
        self._mapper = app.pydantic_mapper
        self._reader = self.construct_reader()
        self._views = self.construct_views()
        self._queries = self.construct_queries()
        self._search = self.construct_search()
        self._subjects = RecordedSubjects(app, self.get, self._reader.history)
        self.read_only = False
        """The store cannot be written (a read-only file or file system): queries replay the log."""
        self._work: UnitOfWork | None = None

    # -- the parts ------------------------------------------------------------------------------
    # Integrity and the formats are made on first use: a timeline needs neither (nor their imports).

    @cached_property
    def _integrity(self) -> Integrity:
        return self.construct_integrity()

    @cached_property
    def _interchange(self) -> Interchange:
        return self.construct_interchange()

    @cached_property
    def _native(self) -> NativeFormats:
        return self.construct_native()

    def construct_storage(self) -> Storage:
        """The backend's seam: recorder, tree store, views' database, lock errors."""
        return Storage(self._app.log_recorder, self.url)

    def construct_reader(self) -> LogReader:
        """The log, read and decoded."""
        return LogReader(self._storage.recorder, self._mapper)

    def construct_views(self) -> Views:
        """The materialised views and their upkeep."""
        return Views(self._storage, self._mapper)

    def construct_queries(self) -> Queries:
        """Timelines, lists and states on both clocks."""
        return Queries(self._reader, self._views)

    def construct_search(self) -> Search:
        """Full-text search over the views."""
        return Search(self._reader, self._views)

    def construct_interchange(self) -> Interchange:
        """The field's formats in and out (ClaimReview, Fact Check API, CDX, PROV), over this ledger."""
        return Interchange(self)

    def construct_native(self) -> NativeFormats:
        """The ledger's own formats (the whole log as JSON Lines, case files, reports), over this ledger."""
        return NativeFormats(self, self._recorder, self._mapper, forget_subjects=self._subjects.forget)

    def construct_integrity(self) -> Integrity:
        """Checkpoints, verify and proofs over the stored Merkle tree."""
        return Integrity(self._storage.recorder, self._storage.tree)

    # Queries on both clocks (ledger.queries).
    timeline = delegate("_queries", Queries.timeline)
    rows = delegate("_queries", Queries.rows)
    posts = delegate("_queries", Queries.posts)
    claims = delegate("_queries", Queries.claims)
    comment_requests = delegate("_queries", Queries.comment_requests)
    actors = delegate("_queries", Queries.actors)
    sources = delegate("_queries", Queries.sources)
    cases = delegate("_queries", Queries.cases)
    case_subjects = delegate("_queries", Queries.case_subjects)
    # Full-text search (ledger.search).
    search = delegate("_search", Search.search)
    # The views' upkeep (ledger.views).
    projections_status = delegate("_views", Views.projections_status)
    catch_up_projections = delegate("_views", Views.catch_up_projections)
    rebuild_projections = delegate("_views", Views.rebuild_projections)
    # Tamper evidence (ledger.integrity.api).
    generate_key = later_static(Integrity.generate_key)
    tree_head = delegate("_integrity", Integrity.tree_head)
    checkpoints = delegate("_integrity", Integrity.checkpoints)
    checkpoint = delegate("_integrity", Integrity.checkpoint)
    verify = delegate("_integrity", Integrity.verify)
    prove_inclusion = delegate("_integrity", Integrity.prove_inclusion)
    prove_consistency = delegate("_integrity", Integrity.prove_consistency)
    witness_request = delegate("_integrity", Integrity.witness_request)
    add_cosignatures = delegate("_integrity", Integrity.add_cosignatures)

    # The field's formats (ledger/formats/interop.py)
    import_claimreview = delegate("_interchange", Interchange.import_claimreview)
    import_factcheck = delegate("_interchange", Interchange.import_factcheck)
    import_cdx = delegate("_interchange", Interchange.import_cdx)
    record_captures = delegate("_interchange", Interchange.record_captures)
    post_captures = delegate("_interchange", Interchange.post_captures)
    export_prov = delegate("_interchange", Interchange.export_prov)
    export_claimreview = delegate("_interchange", Interchange.export_claimreview)
    # The ledger's own formats (ledger/formats/native.py): whole ledgers, case files, reports.
    export = delegate("_native", NativeFormats.export)
    import_export = delegate("_native", NativeFormats.import_export)
    import_file = delegate("_native", NativeFormats.import_file)
    report = delegate("_native", NativeFormats.report)

    @property
    def origin(self) -> str:
        """The name of this ledger's log in its signed checkpoints."""
        return self._integrity.origin

    def redact(self, ref: str, *, version: int, reason: str, recorded_by: str | None = None) -> Redaction:
        """Erase the content of entry ``version`` of ``ref`` (a legal request), keeping every proof.

        Appends a redaction event naming the entry, its salted content digest,
        the reason and who redacted, then erases the entry's content and salt
        and drops the views (rebuilt when next read), in one transaction. See
        :mod:`ledger.integrity.redaction` for what is erased where.
        :class:`InvalidError` for an entry with a v1 leaf, one already redacted, or a
        redaction record (the audit trail of a redaction is never erased).
        """
        from ledger.integrity.redaction import redact_entry  # noqa: PLC0415 - only when redacting

        return redact_entry(self, ref, version, reason, recorded_by)

    def _projections(self) -> Projections:
        return self._views.projections

    # -- opening and closing --------------------------------------------------

    @classmethod
    def open(
        cls,
        url: str | os.PathLike[str] | None = None,
        *,
        recorded_by: str | None = None,
        create: bool = True,
    ) -> Ledger:
        """Open the ledger at ``url``, creating it unless ``create`` is false.

        ``url`` is ``sqlite:///relative.db``, ``sqlite:////absolute.db``, a file
        path or ``:memory:``; by default ``LEDGER_URL``, else ``./ledger.db``.
        ``recorded_by`` defaults to ``LEDGER_USER``, else the OS user.
        """
        backend = backend_for(url, create=create)
        try:
            app = LedgerApplication(env=backend.env)
        except (PersistenceError, OSError) as error:
            raise opening_error(error, backend.url) from None
        ledger = cls(app, url=backend.url, recorded_by=recorded_by or default_user())
        if backend.read_only:
            ledger.read_only = ledger._queries.replay_only = ledger._search.replay_only = True
        return ledger

    def close(self) -> None:
        """Release the ledger's connections."""
        self._app.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- units of work ----------------------------------------------------------

    @contextmanager
    def batch(
        self, *, dry_run: bool = False, spooled: bool = False, check_at_end: bool = False
    ) -> Iterator[None]:
        """Record every command inside the block at once, or none if one fails.

        With ``dry_run``, every command is checked as usual (against the
        ledger and the commands before it in the block) and nothing is
        written. A batch inside a batch belongs to the outer one. A
        ``spooled`` batch holds its pending events and all but the states
        used last in a scratch file, so that its memory stays bounded however
        many commands it holds (see :mod:`ledger.spool`). With
        ``check_at_end``, a post's life cycle is checked when the block ends,
        so facts possible only together (a deletion and a restoration found
        late, between two recorded ones) can be recorded in any order.

        >>> with Ledger.open(":memory:") as ledger:
        ...     with ledger.batch():
        ...         ledger.register_actor("actor/a", name="A", kind="person")
        ...         ledger.register_actor("actor/b", name="B", kind="person")
        ...     with ledger.batch(dry_run=True):
        ...         ledger.register_actor("actor/c", name="C", kind="person")
        ...     ledger.head, ledger.exists("actor/c")
        'actor/a'
        'actor/b'
        'actor/c'
        (2, False)
        """
        if self._work is not None:
            yield
            return
        from ledger.spool import SpooledUnitOfWork  # noqa: PLC0415 - a reading command needs none

        work = self._work = (
            SpooledUnitOfWork(self._subjects.begin(), self._mapper, check_at_end=check_at_end)
            if spooled
            else UnitOfWork(self._subjects.begin(), check_at_end=check_at_end)
        )
        # A batch makes many short-lived objects while it keeps its states: the collector runs rarely
        # (it took 15-20% of a case-file import).
        try:
            with fewer_collections():
                try:
                    yield
                    work.finish()
                finally:
                    self._work = None
                if not dry_run:
                    self._commit(work)
        finally:
            if isinstance(work, SpooledUnitOfWork):
                work.close()

    @contextmanager
    def _unit(self) -> Iterator[UnitOfWork]:
        if self._work is not None:
            yield self._work
            return
        work = UnitOfWork(self._subjects.begin())
        yield work
        work.finish()
        self._commit(work)

    def _commit(self, work: UnitOfWork) -> None:
        if not work.count:
            return
        from ledger.spool import SpooledUnitOfWork  # noqa: PLC0415 - a reading command needs none

        try:
            if isinstance(work, SpooledUnitOfWork):
                positions: Sequence[int] = self._recorder.insert_event_chunks(work.stored_chunks())
                streams = work.created
            else:
                positions = [recording.notification.id for recording in self._app.save(*work.events)]
                streams = {event.originator_id for event in work.events}
        except IntegrityError:
            raise self._storage.explain_collision(work.events) from None
        except PersistenceError as error:
            if self._storage.is_lock_error(error):
                raise ConflictError(f"the ledger is busy with another writer; try again ({error})") from None
            raise StorageError(f"cannot write to {self.url}: {error}") from None
        self._subjects.saved(positions, streams, work.states.values())

    # -- queries ---------------------------------------------------------------------------------

    def exists(self, ref: str) -> bool:
        """True when a subject has been recorded under ``ref``."""
        return self._subjects.exists_now(ref)

    @overload
    def get(
        self, ref: str, version: int | None = None, *, at: None = None, as_of: AsOf | None = None
    ) -> State: ...

    @overload
    def get(
        self, ref: str, version: int | None = None, *, at: When, as_of: AsOf | None = None
    ) -> StateAt: ...

    def get(
        self, ref: str, version: int | None = None, *, at: When | None = None, as_of: AsOf | None = None
    ) -> State | StateAt:
        """The state of the subject ``ref`` (at ``version``, if given), by replay of its own entries.

        ``as_of`` (a log position or record time): as the ledger knew it then.
        ``at`` (a world time): a :class:`~projections.queries.StateAt` saying
        where the subject stood then (e.g. a post not yet published, live,
        deleted, or unknown when its times straddle ``at``).
        """
        if at is not None or as_of is not None:
            return self._queries.get_on_clocks(ref, version, at=at, as_of=as_of)
        parse_ref(ref)
        if version is not None and version < 1:
            raise InvalidError(f"version must be 1 or more, not {version}")
        try:
            state = self._app.repository.get(subject_id(ref), version=version, projector_func=fold)
        except AggregateNotFoundError:
            raise NotFoundError(f"{ref} does not exist") from None
        except OutOfOrderError:
            # An entry found late lands before the ones folded into the cached state: fold it all again.
            events = [entry.event for entry in self.history(ref)][:version]
            state = fold(None, events)
            if version is None:
                self._app.remember([state])
        if version is not None and state.version != version:
            raise NotFoundError(f"{ref} has no version {version} (latest is v{state.version})")
        return cast("State", state)

    history = delegate("_reader", LogReader.history)

    def log(self, after: int = 0, *, until: int | None = None) -> Iterator[LogEntry]:
        """Every entry with ``after < position <= until`` (the head when None), in log order, streamed.

        Raises:
            InvalidError: ``after`` or ``until`` is negative or past the head of the log (a
                position the log has not reached is a mistake to say, not an empty answer).
        """
        self._within_log(after=after, until=until)
        return self._reader.log(after, until=until)

    def _within_log(self, *, after: int = 0, until: int | None = None) -> None:
        """Refuse a log position that is negative or that the log has not reached."""
        for name, position in (("after", after), ("until", until)):
            if position is not None and position < 0:
                raise InvalidError(f"{name} must be a log position, 0 or more, not {position}")
        if after == 0 and until is None:
            return
        head = self.head
        for name, position in (("after", after), ("until", until)):
            if position is not None and position > head:
                ends = AsOfResolver(self._reader).describe_head(head)
                raise InvalidError(f"{name} {position} is past the head of the log: {ends}")

    @property
    def head(self) -> int:
        """The position of the last entry in the log (0 when empty)."""
        return self._reader.head

    def replay(
        self, until: int | None = None, *, cache_size: int = REPLAY_CACHE
    ) -> Iterator[tuple[LogEntry, State]]:
        """Every entry up to position ``until``, in log order, with the state of its subject after it.

        Streams in bounded memory: only the states of the ``cache_size``
        subjects seen last, and still to be seen again, are kept (at most a
        few KB each); the state of any other subject is read back from its
        own stream (at the version before) when it reappears. The default
        holds every such subject of the 1,000,000-event benchmark ledger
        (35,685 at most at once), so its replay reads nothing back.
        :class:`InvalidError` when ``until`` is negative or past the head.

        >>> with Ledger.open(":memory:") as ledger:
        ...     ledger.register_actor("actor/ada", name="Ada", kind="person")
        ...     [(entry.position, state.name) for entry, state in ledger.replay()]
        'actor/ada'
        [(1, 'Ada')]
        """
        self._within_log(until=until)
        return self._reader.replay(until, cache_size=cache_size, state_at_version=self.get)

    def _records(self, after: int, until: int | None) -> Iterator[LogRecord]:
        return self._reader.records(after, until)
