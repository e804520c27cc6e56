"""A post's events: what can happen to a post, and how each changes its state."""

from __future__ import annotations

from typing import ClassVar, Self

from pydantic import model_validator

from domain.events import Event, Text
from domain.post.state import (
    TEXT_NOT_CAPTURED,
    Count,
    DeletedBy,
    HttpStatus,
    MetricsObservation,
    PostCapture,
    PostState,
    TextVersion,
    Turn,
    shows_absence,
    text_sha256,
)
from domain.refs import ActorRef, PostRef
from domain.worldtime import WorldTime


def _check_digest(text: str | None, digest: str | None) -> None:
    if text is None:
        if digest is not None:
            raise ValueError("text_sha256 is given without the text")
        return
    if digest != text_sha256(text):
        raise ValueError("text_sha256 is not the SHA-256 of the text")


def _clip(text: str, limit: int = 80) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


class PostPublished(Event):
    """A post was published on a platform by its author."""

    TOPIC: ClassVar[str] = "ledger.PostPublished.v1"

    occurred_at: WorldTime
    platform: Text
    author: ActorRef
    text: Text | None = None
    text_sha256: str | None = None
    url: Text | None = None
    in_reply_to: PostRef | None = None

    @model_validator(mode="after")
    def _digest_of_text(self) -> Self:
        _check_digest(self.text, self.text_sha256)
        return self

    @property
    def actor(self) -> str | None:
        return self.author

    def references(self) -> tuple[str, ...]:
        replied = [self.in_reply_to] if self.in_reply_to else []
        return (*self.sources, self.author, *replied)

    def summary(self) -> str:
        reply = f" in reply to {self.in_reply_to}" if self.in_reply_to else ""
        shown = f"“{_clip(self.text)}”" if self.text is not None else TEXT_NOT_CAPTURED
        return f"published on {self.platform}{reply}: {shown}"

    def apply(self, state: None) -> PostState:
        return PostState(
            ref=self.subject,
            version=self.originator_version,
            platform=self.platform,
            author=self.author,
            url=self.url,
            in_reply_to=self.in_reply_to,
            published_at=self.occurred_at,
            texts=()
            if self.text is None or self.text_sha256 is None
            else (TextVersion(text=self.text, sha256=self.text_sha256, since=self.occurred_at),),
        )


class PostMetricsObserved(Event):
    """The reach of a post (views, likes, reposts) was observed at a time."""

    TOPIC: ClassVar[str] = "ledger.PostMetricsObserved.v1"

    occurred_at: WorldTime
    views: Count | None = None
    likes: Count | None = None
    reposts: Count | None = None

    def summary(self) -> str:
        counts = [
            f"{value:,} {name}"
            for name, value in (("views", self.views), ("likes", self.likes), ("reposts", self.reposts))
            if value is not None
        ]
        return "reach observed: " + ", ".join(counts)

    def apply(self, state: PostState) -> PostState:
        observation = MetricsObservation(
            observed_at=self.occurred_at, views=self.views, likes=self.likes, reposts=self.reposts
        )
        return self.evolve(state, metrics=(*state.metrics, observation))


class PostEdited(Event):
    """The text of a post was changed."""

    TOPIC: ClassVar[str] = "ledger.PostEdited.v1"

    occurred_at: WorldTime
    text: Text
    text_sha256: str

    @model_validator(mode="after")
    def _digest_of_text(self) -> Self:
        _check_digest(self.text, self.text_sha256)
        return self

    def summary(self) -> str:
        return f"edited: “{_clip(self.text)}”"

    def apply(self, state: PostState) -> PostState:
        version = TextVersion(text=self.text, sha256=self.text_sha256, since=self.occurred_at)
        return self.evolve(state, texts=(*state.texts, version), edits=state.edits + 1)


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
        _check_digest(self.text, self.text_sha256)
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
            shown.append(f"text “{_clip(self.text)}”")
        return f"archived at {self.url}" + (f" ({', '.join(shown)})" if shown else "")

    def apply(self, state: PostState) -> PostState:
        capture = PostCapture(
            url=self.url,
            captured_at=self.occurred_at,
            digest=self.digest,
            http_status=self.http_status,
            tombstone=self.tombstone,
            text=self.text,
            text_sha256=self.text_sha256,
        )
        return self.evolve(state, archives=(*state.archives, capture))


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
            turns=(*state.turns, Turn(kind="deleted", at=self.occurred_at)),
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
            turns=(*state.turns, Turn(kind="restored", at=self.occurred_at)),
        )
