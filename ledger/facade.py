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

import getpass
import os
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import Self, TextIO, cast, overload

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, OperationalError, PersistenceError

from domain import State
from domain.errors import (
    AlreadyExistsError,
    ConflictError,
    InvalidError,
    LedgerError,
    NotFoundError,
    StorageError,
)
from domain.events import (
    Event,
    LogEntry,
    fold,
)
from domain.refs import parse_ref, subject_id
from ledger.application import LedgerApplication
from ledger.formats.casefile import ImportResult, import_case_file
from ledger.formats.exchange import ExchangeSummary, export_log, import_log
from ledger.formats.interop import LedgerInterchange
from ledger.integrity.api import LedgerIntegrity
from ledger.queries import AsOf, LedgerQueries
from ledger.recording import LedgerRecording, UnitOfWork, When
from ledger.storage.backends import backend_for
from ledger.storage.records import LogRecord, micros_to_datetime
from projections.queries import StateAt

LOG_BATCH = 500


def default_user() -> str:
    """Who records, when not said: ``LEDGER_USER``, else the OS user."""
    user = os.environ.get("LEDGER_USER")
    if user:
        return user
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class Ledger(LedgerRecording, LedgerIntegrity, LedgerQueries, LedgerInterchange):
    """A provenance ledger: posts, claims, reviews and requests for comment, never forgotten.

    Open one with :meth:`Ledger.open`; close it (or use it as a context
    manager) when done. A ledger object is not meant to be shared between
    threads; open one per thread or process (writers in several processes are
    safe: the store refuses conflicting writes with :class:`ConflictError`).
    """

    def __init__(self, app: LedgerApplication, *, url: str, recorded_by: str) -> None:
        self._app = app
        self._recorder = app.log_recorder
        self._mapper = app.pydantic_mapper
        self.url = url
        """Where the ledger lives (passwords redacted)."""
        self.recorded_by = recorded_by
        """Who records, unless a command says otherwise."""
        self._known: set[str] = set()
        self._work: UnitOfWork | None = None

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
            raise StorageError(f"cannot open ledger {backend.url}: {error}") from None
        return cls(app, url=backend.url, recorded_by=recorded_by or default_user())

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
    def batch(self, *, dry_run: bool = False) -> Iterator[None]:
        """Record every command inside the block at once, or none if one fails.

        With ``dry_run``, every command is checked as usual (against the
        ledger and the commands before it in the block) and nothing is
        written. A batch inside a batch belongs to the outer one.

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
        self._work = UnitOfWork(self)
        try:
            yield
            work = self._work
        finally:
            self._work = None
        if not dry_run:
            self._commit(work)

    @contextmanager
    def _unit(self) -> Iterator[UnitOfWork]:
        if self._work is not None:
            yield self._work
            return
        work = UnitOfWork(self)
        yield work
        self._commit(work)

    def _commit(self, work: UnitOfWork) -> None:
        if not work.events:
            return
        try:
            self._app.save(*work.events)
        except IntegrityError:
            raise self._explain_collision(work.events) from None
        except OperationalError as error:
            if any(sign in str(error) for sign in ("locked", "busy", "lock timeout")):
                raise ConflictError(f"the ledger is busy with another writer; try again ({error})") from None
            raise StorageError(f"cannot write to {self.url}: {error}") from None
        except PersistenceError as error:
            raise StorageError(f"cannot write to {self.url}: {error}") from None
        self._known.update(e.subject for e in work.events)
        self._app.remember(work.states.values())

    def _explain_collision(self, events: Sequence[Event]) -> LedgerError:
        for event in events:
            taken = self._recorder.select_events(
                event.originator_id, gt=event.originator_version - 1, limit=1
            )
            if taken and taken[0].originator_version == event.originator_version:
                if event.originator_version == 1:
                    return AlreadyExistsError(f"{event.subject} already exists")
                return ConflictError(
                    f"{event.subject} was changed by another writer at the same time; try again"
                )
        return ConflictError("another writer recorded the same entries at the same time; try again")

    # -- queries ---------------------------------------------------------------------------------

    def exists(self, ref: str) -> bool:
        """True when a subject has been recorded under ``ref``."""
        if ref in self._known:
            return True
        parse_ref(ref)
        found = bool(self._recorder.select_events(subject_id(ref), limit=1))
        if found:
            # Nothing is ever removed, so a subject once seen always exists.
            self._known.add(ref)
        return found

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
            return self._get_on_clocks(ref, version, at=at, as_of=as_of)
        parse_ref(ref)
        if version is not None and version < 1:
            raise InvalidError(f"version must be 1 or more, not {version}")
        try:
            state = self._app.repository.get(subject_id(ref), version=version, projector_func=fold)
        except AggregateNotFoundError:
            raise NotFoundError(f"{ref} does not exist") from None
        if version is not None and state.version != version:
            raise NotFoundError(f"{ref} has no version {version} (latest is v{state.version})")
        return cast(State, state)

    def history(self, ref: str) -> list[LogEntry]:
        """Every entry of the subject ``ref``, in version order."""
        parse_ref(ref)
        records = self._recorder.select_stream(subject_id(ref))
        if not records:
            raise NotFoundError(f"{ref} does not exist")
        return [self._entry(r) for r in records]

    @property
    def head(self) -> int:
        """The position of the last entry in the log (0 when empty)."""
        return self._recorder.max_position()

    def log(self, after: int = 0, *, until: int | None = None) -> Iterator[LogEntry]:
        """Every entry with ``after < position <= until``, in log order, streamed."""
        for record in self._records(after, until):
            yield self._entry(record)

    # -- moving the ledger between stores ------------------------------------------------------

    def export(self, target: TextIO | str | os.PathLike[str]) -> ExchangeSummary:
        """Write the whole log as JSON Lines (see :mod:`ledger.formats.exchange`), streamed.

        ``target`` is a text stream, or a file path: the file appears only once
        the export is complete. The export stops at the head it found.

        >>> import io
        >>> with Ledger.open(":memory:") as ledger:
        ...     _ = ledger.register_actor("actor/ada", name="Ada", kind="person")
        ...     out = io.StringIO()
        ...     ledger.export(out).events
        1
        """
        try:
            return export_log(self._recorder, target)
        except PersistenceError as error:
            raise StorageError(f"cannot read {self.url}: {error}") from None

    def import_export(self, source: TextIO | str | os.PathLike[str]) -> ExchangeSummary:
        """Import an export into this ledger, which must be empty: the same log, byte for byte.

        Every entry keeps its position, stream, version, record time and
        stored bytes. A corrupted export is refused, naming the line, and
        nothing is imported.
        """
        try:
            summary = import_log(self._recorder, self._mapper, source)
        except PersistenceError as error:
            raise StorageError(f"cannot import into {self.url}: {error}") from None
        self._known.clear()
        return summary

    def replay(self, until: int | None = None, *, cache_size: int = 4096) -> Iterator[tuple[LogEntry, State]]:
        """Every entry up to position ``until``, in log order, with the state of its subject after it.

        Streams in constant memory: only the states of the ``cache_size``
        subjects seen last are kept; the state of any other subject is read
        back from its own stream (at the version before) when it reappears.

        >>> with Ledger.open(":memory:") as ledger:
        ...     ledger.register_actor("actor/ada", name="Ada", kind="person")
        ...     [(entry.position, state.name) for entry, state in ledger.replay()]
        'actor/ada'
        [(1, 'Ada')]
        """
        if cache_size < 1:
            raise InvalidError(f"cache_size must be 1 or more, not {cache_size}")
        states: OrderedDict[str, State] = OrderedDict()
        for entry in self.log(until=until):
            previous = states.pop(entry.subject, None)
            if previous is None and entry.version > 1:
                previous = self.get(entry.subject, version=entry.version - 1)
            state = cast(State, entry.event.apply(previous))
            states[entry.subject] = state
            if len(states) > cache_size:
                states.popitem(last=False)
            yield entry, state

    def import_file(self, path: str | os.PathLike[str], *, dry_run: bool = False) -> ImportResult:
        """Record every entry of a case file (TOML or JSON Lines) at once, or none.

        Every error is a :class:`CaseFileError` naming the file, the line and
        the field. With ``dry_run``, everything is checked and nothing written.
        See :mod:`ledger.formats.casefile` for the format.
        """
        return import_case_file(self, path, dry_run=dry_run)

    # -- reading the store ---------------------------------------------------------------------

    def _records(self, after: int, until: int | None) -> Iterator[LogRecord]:
        while True:
            batch = self._recorder.select_log(after, LOG_BATCH, until)
            yield from batch
            if len(batch) < LOG_BATCH:
                return
            after = batch[-1].position

    def _entry(self, record: LogRecord) -> LogEntry:
        event = self._mapper.decode(
            record.topic, record.state, record.originator_id, record.originator_version
        )
        return LogEntry(
            position=record.position, recorded_at=micros_to_datetime(record.recorded_at), event=event
        )
