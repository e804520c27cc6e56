"""Whether a post is there: captures by archives, deletions and restorations, and their decisions.

A capture that shows the post gone (HTTP 404, 410 or 451, or a tombstone
page) bounds its deletion from above; one that shows it there, from below.
"""

from __future__ import annotations

from typing import ClassVar, Self

from pydantic import model_validator

from domain.errors import InvalidError
from domain.events import Directory, Event, Provenance, Text, build, next_fields, trusted
from domain.post.history import after_publication, checked, while_gone, while_live
from domain.post.state import (
    DeletedBy,
    HttpStatus,
    PostCapture,
    PostState,
    Turn,
    check_digest,
    clip,
    kept_text,
    shows_absence,
    shows_presence,
    text_sha256,
)
from domain.trail import appended
from domain.worldtime import WorldTime

__all__ = [
    "PostArchived",
    "PostDeleted",
    "PostRestored",
    "archive",
    "delete",
    "restore",
]


class PostArchived(Event):
    """A copy of the post was captured by an archive."""

    TOPIC: ClassVar[str] = "ledger.PostArchived.v1"

    occurred_at: WorldTime
    url: Text
    digest: Text | None = None
    http_status: HttpStatus | None = None
    tombstone: bool = False
    text: Text | None = None
    text_sha256: str | None = None

    @model_validator(mode="after")
    def _digest_of_text(self) -> Self:
        check_digest(self.text, self.text_sha256)
        if self.text is not None and shows_absence(self.http_status, self.tombstone):
            raise ValueError("text: a capture that shows the post gone has no text of it")
        return self

    @property
    def shows_absence(self) -> bool:
        """True when the capture shows the post gone."""
        return shows_absence(self.http_status, self.tombstone)

    def summary(self) -> str:
        shown = []
        if self.http_status is not None:
            shown.append(f"HTTP {self.http_status}")
        if self.tombstone:
            shown.append("tombstone")
        if self.shows_absence:
            shown.append("post gone")
        if self.text is not None:
            shown.append(f"text “{clip(self.text)}”")
        return f"archived at {self.url}" + (f" ({', '.join(shown)})" if shown else "")

    def apply(self, state: PostState) -> PostState:
        capture = trusted(
            PostCapture,
            url=self.url,
            captured_at=self.occurred_at,
            digest=self.digest,
            http_status=self.http_status,
            tombstone=self.tombstone,
            text=self.text,
            text_sha256=self.text_sha256,
        )
        return self.evolve(state, archives=appended(state.archives, capture))


class PostDeleted(Event):
    """The post was deleted, within ``occurred_at``, by whom if known."""

    TOPIC: ClassVar[str] = "ledger.PostDeleted.v1"

    occurred_at: WorldTime
    deleted_by: DeletedBy = "unknown"

    def summary(self) -> str:
        who = {"author": "by its author", "platform": "by the platform", "unknown": "by unknown"}
        return f"deleted ({who[self.deleted_by]})"

    def apply(self, state: PostState) -> PostState:
        return self.evolve(
            state,
            status="deleted",
            deleted_at=self.occurred_at,
            deleted_by=self.deleted_by,
            deletions=state.deletions + 1,
            turns=appended(state.turns, trusted(Turn, kind="deleted", at=self.occurred_at)),
        )


class PostRestored(Event):
    """A deleted post became visible again."""

    TOPIC: ClassVar[str] = "ledger.PostRestored.v1"

    occurred_at: WorldTime

    def summary(self) -> str:
        return "restored"

    def apply(self, state: PostState) -> PostState:
        return self.evolve(
            state,
            status="live",
            restored_at=self.occurred_at,
            turns=appended(state.turns, trusted(Turn, kind="restored", at=self.occurred_at)),
        )


def archive(
    state: PostState,
    *,
    url: str,
    at: WorldTime,
    digest: str | None = None,
    http_status: int | None = None,
    tombstone: bool = False,
    text: str | None = None,
    provenance: Provenance,
    directory: Directory,
) -> PostArchived:
    """Record that an archive captured the post at ``url`` at ``at``.

    ``http_status`` and ``tombstone`` say what the capture showed: a capture
    that shows the post gone (404, 410, 451 or a tombstone page) may follow
    its deletion and bounds it from above; one that shows it there bounds it
    from below. ``text`` is the post's text as captured (its SHA-256 is kept
    and checked); a post whose text was never captured shows it from then on.
    """
    text = None if text is None else kept_text(text)
    event = build(
        PostArchived,
        **next_fields(state, provenance.checked(directory)),
        occurred_at=at,
        url=url,
        digest=digest,
        http_status=http_status,
        tombstone=tombstone,
        text=text,
        text_sha256=None if text is None else text_sha256(text),
    )
    if event.shows_absence:
        while_gone(state, at, "captured gone")
    elif shows_presence(event.http_status, event.tombstone):
        while_live(state, at, "archived")
    else:
        after_publication(state, at, "archived")
    return event


def delete(
    state: PostState,
    *,
    at: WorldTime,
    deleted_by: str = "unknown",
    provenance: Provenance,
    directory: Directory,
) -> PostDeleted:
    """Record that the post was deleted within ``at`` (refused when no order within the times
    makes the post's history possible, see :func:`check_history`)."""
    if (
        state.status == "deleted"
        and state.deleted_at is not None
        and not at.definitely_before(state.deleted_at)
    ):
        raise InvalidError(f"{state.ref} is already deleted (deleted {state.deleted_at})", field="at")
    event = build(
        PostDeleted,
        **next_fields(state, provenance.checked(directory)),
        occurred_at=at,
        deleted_by=deleted_by,
    )
    after_publication(state, at, "deleted")
    return checked(state, event, directory)


def restore(state: PostState, *, at: WorldTime, provenance: Provenance, directory: Directory) -> PostRestored:
    """Record that the deleted post became visible again at ``at``."""
    event = build(PostRestored, **next_fields(state, provenance.checked(directory)), occurred_at=at)
    return checked(state, event, directory)
