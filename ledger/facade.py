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
from typing import Self, TextIO, TypeVar, cast, overload

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, OperationalError, PersistenceError
from pydantic import ValidationError

from domain import State, actor, case, claim, comment, post, source
from domain.actor import ActorState, Handle
from domain.case import CaseState
from domain.claim import ClaimState, Evidence
from domain.comment import CommentRequestState
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
    Provenance,
    SubjectState,
    as_tuple,
    correct,
    describe_validation_error,
    fold,
)
from domain.post import PostState
from domain.refs import parse_ref, ref_kind, subject_id
from domain.source import SourceState
from domain.worldtime import WorldTime
from ledger.application import LedgerApplication
from ledger.backends import backend_for
from ledger.casefile import ImportResult, import_case_file
from ledger.exchange import ExchangeSummary, export_log, import_log
from ledger.integrity.api import LedgerIntegrity
from ledger.queries import AsOf, LedgerQueries
from ledger.records import LogRecord, micros_to_datetime
from projections.listing import subject_filter
from projections.queries import StateAt

When = WorldTime | str
"""A world time: a :class:`WorldTime`, or ISO 8601 text with a zone (``2024-10-17``,
``2024-10-17T14:03Z``, ``2024-10-16..2024-10-18``)."""

St = TypeVar("St", bound=SubjectState)

_STATE_KINDS: dict[type[SubjectState], str] = {
    ActorState: "actor",
    SourceState: "source",
    PostState: "post",
    ClaimState: "claim",
    CommentRequestState: "comment",
    CaseState: "case",
}

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


class _Work:
    """A unit of work: events checked against recorded and pending state, saved at once."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self.states: dict[str, SubjectState] = {}
        self.events: list[Event] = []

    def exists(self, ref: str) -> bool:
        return ref in self.states or self._ledger.exists(ref)

    def new(self, ref: str, kind: str) -> None:
        """Check ``ref`` is a well-formed reference of ``kind`` not yet recorded."""
        parse_ref(ref, kind=kind)
        if self.exists(ref):
            raise AlreadyExistsError(f"{ref} already exists")

    def state(self, ref: str, cls: type[St]) -> St:
        """The current state of ``ref``, which must be of the kind ``cls`` holds."""
        parse_ref(ref, kind=_STATE_KINDS[cls])
        if ref not in self.states:
            self.states[ref] = self._ledger.get(ref)
        return cast(St, self.states[ref])

    def any_state(self, ref: str) -> SubjectState:
        """The current state of ``ref``, of any kind."""
        parse_ref(ref)
        if ref not in self.states:
            self.states[ref] = self._ledger.get(ref)
        return self.states[ref]

    def add(self, event: Event) -> None:
        self.states[event.subject] = event.apply(self.states.get(event.subject))
        self.events.append(event)


class Ledger(LedgerIntegrity, LedgerQueries):
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
        self._work: _Work | None = None

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
        self._work = _Work(self)
        try:
            yield
            work = self._work
        finally:
            self._work = None
        if not dry_run:
            self._commit(work)

    @contextmanager
    def _unit(self) -> Iterator[_Work]:
        if self._work is not None:
            yield self._work
            return
        work = _Work(self)
        yield work
        self._commit(work)

    def _commit(self, work: _Work) -> None:
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

    def _provenance(self, recorded_by: str | None, sources: Sequence[str], note: str | None) -> Provenance:
        try:
            return Provenance(
                recorded_by=recorded_by or self.recorded_by, sources=as_tuple(sources), note=note
            )
        except ValidationError as error:
            raise InvalidError(describe_validation_error(error)) from None

    @staticmethod
    def _when(value: When | None) -> WorldTime:
        if value is None:
            raise InvalidError("a world time is required (at=...)")
        return WorldTime.coerce(value)

    # -- actors and sources -------------------------------------------------------

    def register_actor(
        self,
        ref: str,
        *,
        name: str,
        kind: str,
        description: str | None = None,
        handles: Sequence[Handle | str] = (),
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record a person or organisation (``kind``) under ``actor/...``."""
        with self._unit() as work:
            work.new(ref, "actor")
            provenance = self._provenance(recorded_by, sources, note)
            work.add(
                actor.register(
                    ref,
                    name=name,
                    kind=kind,
                    description=description,
                    handles=handles,
                    provenance=provenance,
                    directory=work,
                )
            )
        return ref

    def register_source(
        self,
        ref: str,
        *,
        title: str,
        kind: str = "article",
        url: str | None = None,
        publisher: str | None = None,
        at: When | None = None,
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record a source (article, regulation, statement, ...) published ``at``."""
        with self._unit() as work:
            work.new(ref, "source")
            work.add(
                source.register(
                    ref,
                    title=title,
                    kind=kind,
                    url=url,
                    publisher=publisher,
                    at=None if at is None else self._when(at),
                    provenance=self._provenance(recorded_by, sources, note),
                    directory=work,
                )
            )
        return ref

    def archive_source(
        self,
        ref: str,
        *,
        url: str,
        at: When,
        digest: str | None = None,
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record that an archive captured a copy of the source at ``url``."""
        with self._unit() as work:
            work.add(
                source.archive(
                    work.state(ref, SourceState),
                    url=url,
                    at=self._when(at),
                    digest=digest,
                    provenance=self._provenance(recorded_by, sources, note),
                    directory=work,
                )
            )
        return ref

    # -- posts ------------------------------------------------------------------------

    def publish_post(
        self,
        ref: str,
        *,
        platform: str,
        author: str,
        text: str,
        at: When,
        url: str | None = None,
        in_reply_to: str | None = None,
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record a post published by ``author`` on ``platform``."""
        with self._unit() as work:
            work.new(ref, "post")
            work.add(
                post.publish(
                    ref,
                    platform=platform,
                    author=author,
                    text=text,
                    at=self._when(at),
                    url=url,
                    in_reply_to=in_reply_to,
                    provenance=self._provenance(recorded_by, sources, note),
                    directory=work,
                )
            )
        return ref

    def observe_post(
        self,
        ref: str,
        *,
        at: When,
        views: int | None = None,
        likes: int | None = None,
        reposts: int | None = None,
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record the reach of a post observed ``at`` a time; each observation is kept."""
        with self._unit() as work:
            work.add(
                post.observe(
                    work.state(ref, PostState),
                    at=self._when(at),
                    views=views,
                    likes=likes,
                    reposts=reposts,
                    provenance=self._provenance(recorded_by, sources, note),
                    directory=work,
                )
            )
        return ref

    def edit_post(
        self,
        ref: str,
        *,
        text: str,
        at: When,
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record that the post's text was changed to ``text``."""
        with self._unit() as work:
            work.add(
                post.edit(
                    work.state(ref, PostState),
                    text=text,
                    at=self._when(at),
                    provenance=self._provenance(recorded_by, sources, note),
                    directory=work,
                )
            )
        return ref

    def archive_post(
        self,
        ref: str,
        *,
        url: str,
        at: When,
        digest: str | None = None,
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record that an archive captured the post at ``url``."""
        with self._unit() as work:
            work.add(
                post.archive(
                    work.state(ref, PostState),
                    url=url,
                    at=self._when(at),
                    digest=digest,
                    provenance=self._provenance(recorded_by, sources, note),
                    directory=work,
                )
            )
        return ref

    def delete_post(
        self,
        ref: str,
        *,
        at: When,
        deleted_by: str = "unknown",
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record that the post was deleted within ``at`` (``author``, ``platform`` or ``unknown``)."""
        with self._unit() as work:
            work.add(
                post.delete(
                    work.state(ref, PostState),
                    at=self._when(at),
                    deleted_by=deleted_by,
                    provenance=self._provenance(recorded_by, sources, note),
                    directory=work,
                )
            )
        return ref

    def restore_post(
        self,
        ref: str,
        *,
        at: When,
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record that a deleted post became visible again."""
        with self._unit() as work:
            work.add(
                post.restore(
                    work.state(ref, PostState),
                    at=self._when(at),
                    provenance=self._provenance(recorded_by, sources, note),
                    directory=work,
                )
            )
        return ref

    # -- claims ---------------------------------------------------------------------------

    def make_claim(
        self,
        ref: str,
        *,
        text: str,
        claimant: str,
        post: str,
        at: When,
        about: Sequence[str] = (),
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record a claim made by ``claimant`` in ``post``, about some subjects."""
        with self._unit() as work:
            work.new(ref, "claim")
            work.add(
                claim.make(
                    ref,
                    text=text,
                    claimant=claimant,
                    post=post,
                    at=self._when(at),
                    about=about,
                    provenance=self._provenance(recorded_by, sources, note),
                    directory=work,
                )
            )
        return ref

    def repeat_claim(
        self,
        ref: str,
        *,
        post: str,
        by: str,
        at: When,
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record that the claim appeared again in ``post``, by actor ``by``."""
        with self._unit() as work:
            work.add(
                claim.repeat(
                    work.state(ref, ClaimState),
                    post=post,
                    by=by,
                    at=self._when(at),
                    provenance=self._provenance(recorded_by, sources, note),
                    directory=work,
                )
            )
        return ref

    def rebut_claim(
        self,
        ref: str,
        *,
        reviewer: str,
        verdict: str,
        rationale: str,
        at: When,
        evidence: Sequence[Evidence | str] = (),
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record a rebuttal: reviewer, verdict label, rationale and evidence (sources)."""
        with self._unit() as work:
            work.add(
                claim.rebut(
                    work.state(ref, ClaimState),
                    reviewer=reviewer,
                    verdict=verdict,
                    rationale=rationale,
                    at=self._when(at),
                    evidence=evidence,
                    provenance=self._provenance(recorded_by, sources, note),
                    directory=work,
                )
            )
        return ref

    def support_claim(
        self,
        ref: str,
        *,
        reviewer: str,
        verdict: str,
        rationale: str,
        at: When,
        evidence: Sequence[Evidence | str] = (),
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record that a reviewer found the claim accurate, with evidence."""
        with self._unit() as work:
            work.add(
                claim.support(
                    work.state(ref, ClaimState),
                    reviewer=reviewer,
                    verdict=verdict,
                    rationale=rationale,
                    at=self._when(at),
                    evidence=evidence,
                    provenance=self._provenance(recorded_by, sources, note),
                    directory=work,
                )
            )
        return ref

    def revise_verdict(
        self,
        ref: str,
        *,
        reviewer: str,
        verdict: str,
        rationale: str,
        at: When,
        evidence: Sequence[Evidence | str] = (),
        stance: str | None = None,
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record a revised verdict; ``stance`` (``rebutted``/``supported``) defaults to the latest."""
        with self._unit() as work:
            work.add(
                claim.revise(
                    work.state(ref, ClaimState),
                    reviewer=reviewer,
                    verdict=verdict,
                    rationale=rationale,
                    at=self._when(at),
                    evidence=evidence,
                    stance=stance,
                    provenance=self._provenance(recorded_by, sources, note),
                    directory=work,
                )
            )
        return ref

    def retract_claim(
        self,
        ref: str,
        *,
        at: When,
        by: str | None = None,
        reason: str | None = None,
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record that the claim was withdrawn (by its claimant unless ``by`` says)."""
        with self._unit() as work:
            work.add(
                claim.retract(
                    work.state(ref, ClaimState),
                    at=self._when(at),
                    by=by,
                    reason=reason,
                    provenance=self._provenance(recorded_by, sources, note),
                    directory=work,
                )
            )
        return ref

    # -- requests for comment ------------------------------------------------------------------

    def request_comment(
        self,
        ref: str,
        *,
        requester: str,
        recipient: str,
        channel: str,
        at: When,
        regarding: Sequence[str] = (),
        question: str | None = None,
        deadline: When | None = None,
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record a request for comment sent via ``channel`` (email, phone, social, in-person, other)."""
        with self._unit() as work:
            work.new(ref, "comment")
            work.add(
                comment.request(
                    ref,
                    requester=requester,
                    recipient=recipient,
                    channel=channel,
                    at=self._when(at),
                    regarding=regarding,
                    question=question,
                    deadline=None if deadline is None else self._when(deadline),
                    provenance=self._provenance(recorded_by, sources, note),
                    directory=work,
                )
            )
        return ref

    def receive_comment(
        self,
        ref: str,
        *,
        at: When,
        text: str | None = None,
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record the answer to a request for comment."""
        with self._unit() as work:
            work.add(
                comment.receive(
                    work.state(ref, CommentRequestState),
                    at=self._when(at),
                    text=text,
                    provenance=self._provenance(recorded_by, sources, note),
                    directory=work,
                )
            )
        return ref

    def decline_comment(
        self,
        ref: str,
        *,
        at: When,
        text: str | None = None,
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record that the recipient declined to comment."""
        with self._unit() as work:
            work.add(
                comment.decline(
                    work.state(ref, CommentRequestState),
                    at=self._when(at),
                    text=text,
                    provenance=self._provenance(recorded_by, sources, note),
                    directory=work,
                )
            )
        return ref

    def lapse_comment(
        self,
        ref: str,
        *,
        at: When,
        text: str | None = None,
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record that no answer had come by ``at``."""
        with self._unit() as work:
            work.add(
                comment.lapse(
                    work.state(ref, CommentRequestState),
                    at=self._when(at),
                    text=text,
                    provenance=self._provenance(recorded_by, sources, note),
                    directory=work,
                )
            )
        return ref

    # -- cases and corrections ---------------------------------------------------------------

    def open_case(
        self,
        ref: str,
        *,
        title: str,
        description: str | None = None,
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Open a case (one story or investigation)."""
        with self._unit() as work:
            work.new(ref, "case")
            work.add(
                case.open_case(
                    ref,
                    title=title,
                    description=description,
                    provenance=self._provenance(recorded_by, sources, note),
                    directory=work,
                )
            )
        return ref

    def link_to_case(
        self,
        ref: str,
        subjects: Sequence[str],
        *,
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Link each of ``subjects`` to the case (one entry each, all or none)."""
        if isinstance(subjects, str):
            subjects = [subjects]
        if not subjects:
            raise InvalidError("name at least one subject to link")
        with self.batch(), self._unit() as work:
            provenance = self._provenance(recorded_by, sources, note)
            for subject in subjects:
                work.add(
                    case.link(work.state(ref, CaseState), subject, provenance=provenance, directory=work)
                )
        return ref

    def add_case_note(
        self,
        ref: str,
        *,
        text: str,
        at: When,
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Add a note to the case."""
        with self._unit() as work:
            work.add(
                case.note(
                    work.state(ref, CaseState),
                    text=text,
                    at=self._when(at),
                    provenance=self._provenance(recorded_by, sources, note),
                    directory=work,
                )
            )
        return ref

    def correct(
        self,
        ref: str,
        *,
        version: int,
        reason: str,
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Append a correction of entry ``version`` of ``ref``; nothing is edited."""
        with self._unit() as work:
            provenance = self._provenance(recorded_by, sources, note).checked(work)
            work.add(correct(work.any_state(ref), version=version, reason=reason, provenance=provenance))
        return ref

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
        """Write the whole log as JSON Lines (see :mod:`ledger.exchange`), streamed.

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

    def replay(self, until: int | None = None, *, cache_size: int = 1024) -> Iterator[tuple[LogEntry, State]]:
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

    def list_subjects(self, kind: str, /, **filters: str | None) -> list[State]:
        """The current state of every subject of ``kind`` matching ``filters``, in order of creation.

        ``filters`` are those of :data:`projections.listing.SUBJECT_FILTERS`
        (``status="deleted"``, ``claimant="actor/..."``); None means "any".

        >>> with Ledger.open(":memory:") as ledger:
        ...     ledger.register_actor("actor/ada", name="Ada", kind="person")
        ...     [state.ref for state in ledger.list_subjects("actor", kind="organization")]
        'actor/ada'
        []
        """
        matches = subject_filter(kind, filters)
        states: dict[str, State] = {}
        for entry in self.log():
            if ref_kind(entry.subject) == kind:
                states[entry.subject] = cast(State, entry.event.apply(states.get(entry.subject)))
        return [state for state in states.values() if matches(state)]

    def import_file(self, path: str | os.PathLike[str], *, dry_run: bool = False) -> ImportResult:
        """Record every entry of a case file (TOML or JSON Lines) at once, or none.

        Every error is a :class:`CaseFileError` naming the file, the line and
        the field. With ``dry_run``, everything is checked and nothing written.
        See :mod:`ledger.casefile` for the format.
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
