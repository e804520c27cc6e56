"""The ledger's typed recording methods: each builds its command's model and executes it.

Actors, sources and posts are here; claims, requests for comment, cases and
corrections in :mod:`ledger.recording_claims`.

The models are in :mod:`ledger.commands`; :meth:`~ledger.unit_of_work.LedgerExecution.execute`
runs them. Every command takes ``sources`` (references of ``source/...``
subjects that say how we know), ``note`` and ``recorded_by``, and returns the
reference it recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from domain.actor import Handle
from domain.worldtime import When
from ledger.delegation import later_module
from ledger.recording_claims import ClaimRecording
from ledger.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from ledger import commands
else:
    # The command models, imported when a command is first recorded: reading needs none (issue #16).
    commands = later_module("ledger.commands")

__all__ = ["LedgerRecording", "UnitOfWork"]


class LedgerRecording(ClaimRecording):
    """The recording half of :class:`~ledger.Ledger`: one typed method per command."""

    # -- actors and sources ------------------------------------------------------------------------

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
        return self._record(commands.RegisterActor, locals())

    def add_actor_handle(
        self,
        ref: str,
        *,
        handle: Handle | str,
        at: When,
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record that the actor took ``handle`` (``PLATFORM:HANDLE``) at ``at``."""
        return self._record(commands.AddActorHandle, locals())

    def drop_actor_handle(
        self,
        ref: str,
        *,
        handle: Handle | str,
        at: When,
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record that the actor gave up ``handle`` at ``at`` (a renamed account: drop, then add)."""
        return self._record(commands.DropActorHandle, locals())

    def rename_actor(
        self,
        ref: str,
        *,
        name: str,
        at: When,
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record that the actor's name changed to ``name`` at ``at``."""
        return self._record(commands.RenameActor, locals())

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
        return self._record(commands.RegisterSource, locals())

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
        return self._record(commands.ArchiveSource, locals())

    # -- posts -------------------------------------------------------------------------------------

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
        """Record a post published by ``author`` on ``platform``; ``text`` None: never captured
        (a post known only by its traces; ``at`` may be ``..T``, "published before T")."""
        return self._record(commands.PublishPost, locals())

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
        return self._record(commands.ObservePost, locals())

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
        return self._record(commands.EditPost, locals())

    def archive_post(
        self,
        ref: str,
        *,
        url: str,
        at: When,
        digest: str | None = None,
        http_status: int | None = None,
        tombstone: bool = False,
        text: str | None = None,
        sources: Sequence[str] = (),
        note: str | None = None,
        recorded_by: str | None = None,
    ) -> str:
        """Record that an archive captured the post at ``url``, and what it showed: the HTTP
        status (404, 410, 451) or a ``tombstone`` page showing it gone, or its ``text``."""
        return self._record(commands.ArchivePost, locals())

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
        return self._record(commands.DeletePost, locals())

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
        return self._record(commands.RestorePost, locals())
