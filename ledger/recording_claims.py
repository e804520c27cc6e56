"""The typed recording methods of claims, requests for comment, cases and corrections.

Mixed into :class:`~ledger.Ledger` by :class:`~ledger.recording.LedgerRecording`;
the models they build are in :mod:`ledger.commands.claims` (and, for
cases and corrections, :mod:`ledger.commands.subjects`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from domain.claim import Evidence
from domain.worldtime import When
from ledger.delegation import later_module
from ledger.unit_of_work import LedgerExecution

if TYPE_CHECKING:
    from ledger import commands
else:
    # The command models, imported when a command is first recorded: reading needs none (issue #16).
    commands = later_module("ledger.commands")


class ClaimRecording(LedgerExecution):
    """Claims and their reviews, requests for comment, cases and corrections: one method per command."""

    # -- claims ------------------------------------------------------------------------------------

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
        return self._record(commands.MakeClaim, locals())

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
        return self._record(commands.RepeatClaim, locals())

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
        return self._record(commands.RebutClaim, locals())

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
        return self._record(commands.SupportClaim, locals())

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
        return self._record(commands.RateClaim, locals())

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
        return self._record(commands.ReviseVerdict, locals())

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
        return self._record(commands.RetractClaim, locals())

    # -- requests for comment ----------------------------------------------------------------------

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
        return self._record(commands.RequestComment, locals())

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
        return self._record(commands.ReceiveComment, locals())

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
        return self._record(commands.DeclineComment, locals())

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
        return self._record(commands.LapseComment, locals())

    # -- cases and corrections ---------------------------------------------------------------------

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
        return self._record(commands.OpenCase, locals())

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
        return self._record(commands.LinkToCase, locals())

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
        return self._record(commands.AddCaseNote, locals())

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
        return self._record(commands.Correct, locals())
