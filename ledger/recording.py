"""The ledger's commands: one typed method per thing a user records.

Each command checks its input against the domain's rules and the subjects
already recorded (or pending in the same batch), appends one event (one per
linked subject for :meth:`LedgerRecording.link_to_case`) and returns the
reference it recorded. Every command takes ``sources`` (references of
``source/...`` subjects that say how we know), ``note`` and ``recorded_by``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from pydantic import ValidationError

from domain import actor, case, claim, comment, post, source
from domain.actor import ActorState, Handle
from domain.case import CaseState
from domain.claim import ClaimState, Evidence
from domain.comment import CommentRequestState
from domain.errors import AlreadyExistsError, InvalidError
from domain.events import Event, Provenance, SubjectState, as_tuple, correct, describe_validation_error
from domain.post import PostState
from domain.refs import parse_ref
from domain.source import SourceState
from domain.worldtime import WorldTime

if TYPE_CHECKING:
    from domain import State

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


class _Subjects(Protocol):
    """What a unit of work needs of the ledger: recorded subjects."""

    def exists(self, ref: str) -> bool: ...

    def get(self, ref: str, version: int | None = None) -> State: ...


class UnitOfWork:
    """Events checked against recorded and pending state, to be saved at once.

    It is also the :class:`~domain.events.Directory` the domain checks
    references against, so a batch can refer to subjects it creates.
    """

    def __init__(self, subjects: _Subjects) -> None:
        self._subjects = subjects
        self.states: dict[str, SubjectState] = {}
        self.events: list[Event] = []

    def exists(self, ref: str) -> bool:
        """True when ``ref`` is recorded or pending in this unit."""
        return ref in self.states or self._subjects.exists(ref)

    def new(self, ref: str, kind: str) -> None:
        """Check ``ref`` is a well-formed reference of ``kind`` not yet recorded."""
        parse_ref(ref, kind=kind)
        if self.exists(ref):
            raise AlreadyExistsError(f"{ref} already exists")

    def state(self, ref: str, cls: type[St]) -> St:
        """The current state of ``ref``, which must be of the kind ``cls`` holds."""
        parse_ref(ref, kind=_STATE_KINDS[cls])
        return cast(St, self.any_state(ref))

    def any_state(self, ref: str) -> SubjectState:
        """The current state of ``ref``, of any kind."""
        parse_ref(ref)
        if ref not in self.states:
            self.states[ref] = self._subjects.get(ref)
        return self.states[ref]

    def add(self, event: Event) -> None:
        """Apply ``event`` to its subject's pending state and queue it."""
        self.states[event.subject] = event.apply(self.states.get(event.subject))
        self.events.append(event)


class LedgerRecording:
    """The recording half of :class:`~ledger.Ledger`."""

    recorded_by: str

    def _unit(self) -> AbstractContextManager[UnitOfWork]:
        """The batch's unit of work, or a new one saved when the block ends."""
        raise NotImplementedError

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

    def _create(
        self,
        ref: str,
        kind: str,
        command: Callable[..., Event],
        provenance: Provenance,
        /,
        **fields: Any,
    ) -> str:
        """Record the first event of a new subject ``ref`` of ``kind``."""
        with self._unit() as work:
            work.new(ref, kind)
            work.add(command(ref, **fields, provenance=provenance, directory=work))
        return ref

    def _change(
        self,
        ref: str,
        cls: type[St],
        command: Callable[..., Event],
        provenance: Provenance,
        /,
        **fields: Any,
    ) -> str:
        """Record the next event of the existing subject ``ref`` (of the kind ``cls`` holds)."""
        with self._unit() as work:
            work.add(command(work.state(ref, cls), **fields, provenance=provenance, directory=work))
        return ref

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
        return self._create(
            ref,
            "actor",
            actor.register,
            self._provenance(recorded_by, sources, note),
            name=name,
            kind=kind,
            description=description,
            handles=handles,
        )

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
        return self._create(
            ref,
            "source",
            source.register,
            self._provenance(recorded_by, sources, note),
            title=title,
            kind=kind,
            url=url,
            publisher=publisher,
            at=None if at is None else self._when(at),
        )

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
        return self._change(
            ref,
            SourceState,
            source.archive,
            self._provenance(recorded_by, sources, note),
            url=url,
            at=self._when(at),
            digest=digest,
        )

    # -- posts ------------------------------------------------------------------------

    def publish_post(
        self,
        ref: str,
        *,
        platform: str,
        author: str,
        text: str | None = None,
        at: When,
        url: str | None = None,
        in_reply_to: str | None = None,
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record a post published by ``author`` on ``platform``; without ``text``, known by ``url`` only."""
        return self._create(
            ref,
            "post",
            post.publish,
            self._provenance(recorded_by, sources, note),
            platform=platform,
            author=author,
            text=text,
            at=self._when(at),
            url=url,
            in_reply_to=in_reply_to,
        )

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
        return self._change(
            ref,
            PostState,
            post.observe,
            self._provenance(recorded_by, sources, note),
            at=self._when(at),
            views=views,
            likes=likes,
            reposts=reposts,
        )

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
        return self._change(
            ref,
            PostState,
            post.edit,
            self._provenance(recorded_by, sources, note),
            text=text,
            at=self._when(at),
        )

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
        return self._change(
            ref,
            PostState,
            post.archive,
            self._provenance(recorded_by, sources, note),
            url=url,
            at=self._when(at),
            digest=digest,
        )

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
        return self._change(
            ref,
            PostState,
            post.delete,
            self._provenance(recorded_by, sources, note),
            at=self._when(at),
            deleted_by=deleted_by,
        )

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
        return self._change(
            ref,
            PostState,
            post.restore,
            self._provenance(recorded_by, sources, note),
            at=self._when(at),
        )

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
        return self._create(
            ref,
            "claim",
            claim.make,
            self._provenance(recorded_by, sources, note),
            text=text,
            claimant=claimant,
            post=post,
            at=self._when(at),
            about=about,
        )

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
        return self._change(
            ref,
            ClaimState,
            claim.repeat,
            self._provenance(recorded_by, sources, note),
            post=post,
            by=by,
            at=self._when(at),
        )

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
        return self._change(
            ref,
            ClaimState,
            claim.rebut,
            self._provenance(recorded_by, sources, note),
            reviewer=reviewer,
            verdict=verdict,
            rationale=rationale,
            at=self._when(at),
            evidence=evidence,
        )

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
        return self._change(
            ref,
            ClaimState,
            claim.support,
            self._provenance(recorded_by, sources, note),
            reviewer=reviewer,
            verdict=verdict,
            rationale=rationale,
            at=self._when(at),
            evidence=evidence,
        )

    def rate_claim(
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
        """Record a review whose verdict is neither a rebuttal nor a support (stance ``unrated``)."""
        return self._change(
            ref,
            ClaimState,
            claim.rate,
            self._provenance(recorded_by, sources, note),
            reviewer=reviewer,
            verdict=verdict,
            rationale=rationale,
            at=self._when(at),
            evidence=evidence,
        )

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
        """Record a revised verdict; ``stance`` (rebutted, supported, unrated) defaults to the latest."""
        return self._change(
            ref,
            ClaimState,
            claim.revise,
            self._provenance(recorded_by, sources, note),
            reviewer=reviewer,
            verdict=verdict,
            rationale=rationale,
            at=self._when(at),
            evidence=evidence,
            stance=stance,
        )

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
        return self._change(
            ref,
            ClaimState,
            claim.retract,
            self._provenance(recorded_by, sources, note),
            at=self._when(at),
            by=by,
            reason=reason,
        )

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
        return self._create(
            ref,
            "comment",
            comment.request,
            self._provenance(recorded_by, sources, note),
            requester=requester,
            recipient=recipient,
            channel=channel,
            at=self._when(at),
            regarding=regarding,
            question=question,
            deadline=None if deadline is None else self._when(deadline),
        )

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
        return self._change(
            ref,
            CommentRequestState,
            comment.receive,
            self._provenance(recorded_by, sources, note),
            at=self._when(at),
            text=text,
        )

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
        return self._change(
            ref,
            CommentRequestState,
            comment.decline,
            self._provenance(recorded_by, sources, note),
            at=self._when(at),
            text=text,
        )

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
        return self._change(
            ref,
            CommentRequestState,
            comment.lapse,
            self._provenance(recorded_by, sources, note),
            at=self._when(at),
            text=text,
        )

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
        return self._create(
            ref,
            "case",
            case.open_case,
            self._provenance(recorded_by, sources, note),
            title=title,
            description=description,
        )

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
        provenance = self._provenance(recorded_by, sources, note)
        with self._unit() as work:
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
        return self._change(
            ref,
            CaseState,
            case.note,
            self._provenance(recorded_by, sources, note),
            text=text,
            at=self._when(at),
        )

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
