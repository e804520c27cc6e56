"""A post published, edited, and its reach observed: the events and the decisions that record them."""

from __future__ import annotations

from typing import ClassVar, Self

from pydantic import model_validator

from domain.errors import InvalidError
from domain.events import (
    Directory,
    Event,
    Provenance,
    Text,
    build,
    creation_fields,
    next_fields,
    require_existing,
    trusted,
)
from domain.post.history import while_live
from domain.post.state import (
    TEXT_NOT_CAPTURED,
    Count,
    MetricsObservation,
    PostState,
    TextVersion,
    check_digest,
    clip,
    kept_text,
    text_sha256,
)
from domain.refs import ActorRef, PostRef
from domain.trail import Trail, appended
from domain.worldtime import WorldTime

__all__ = [
    "PostEdited",
    "PostMetricsObserved",
    "PostPublished",
    "edit",
    "observe",
    "publish",
]


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
        check_digest(self.text, self.text_sha256)
        return self

    @property
    def actor(self) -> str | None:
        return self.author

    def references(self) -> tuple[str, ...]:
        replied = [self.in_reply_to] if self.in_reply_to else []
        return (*self.sources, self.author, *replied)

    def summary(self) -> str:
        reply = f" in reply to {self.in_reply_to}" if self.in_reply_to else ""
        shown = f"“{clip(self.text)}”" if self.text is not None else TEXT_NOT_CAPTURED
        return f"published on {self.platform}{reply}: {shown}"

    def apply(self, state: None) -> PostState:
        return trusted(
            PostState,
            ref=self.subject,
            version=self.originator_version,
            platform=self.platform,
            author=self.author,
            url=self.url,
            in_reply_to=self.in_reply_to,
            published_at=self.occurred_at,
            texts=Trail()
            if self.text is None or self.text_sha256 is None
            else Trail(
                (trusted(TextVersion, text=self.text, sha256=self.text_sha256, since=self.occurred_at),)
            ),
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
        observation = trusted(
            MetricsObservation,
            observed_at=self.occurred_at,
            views=self.views,
            likes=self.likes,
            reposts=self.reposts,
        )
        return self.evolve(state, metrics=appended(state.metrics, observation))


class PostEdited(Event):
    """The text of a post was changed."""

    TOPIC: ClassVar[str] = "ledger.PostEdited.v1"

    occurred_at: WorldTime
    text: Text
    text_sha256: str

    @model_validator(mode="after")
    def _digest_of_text(self) -> Self:
        check_digest(self.text, self.text_sha256)
        return self

    def summary(self) -> str:
        return f"edited: “{clip(self.text)}”"

    def apply(self, state: PostState) -> PostState:
        version = trusted(TextVersion, text=self.text, sha256=self.text_sha256, since=self.occurred_at)
        return self.evolve(state, texts=appended(state.texts, version), edits=state.edits + 1)


def publish(
    ref: str,
    *,
    platform: str,
    author: str,
    text: str | None,
    at: WorldTime,
    url: str | None = None,
    in_reply_to: str | None = None,
    provenance: Provenance,
    directory: Directory,
) -> PostPublished:
    """Record a post published by ``author`` on ``platform`` at ``at``; ``text`` None: never captured."""
    text = None if text is None else kept_text(text)
    event = build(
        PostPublished,
        **creation_fields(ref, provenance.checked(directory), kind="post", directory=directory),
        occurred_at=at,
        platform=platform,
        author=author,
        text=text,
        text_sha256=None if text is None else text_sha256(text),
        url=url,
        in_reply_to=in_reply_to,
    )
    require_existing(directory, [event.author], "author")
    if event.in_reply_to is not None:
        if event.in_reply_to == ref:
            raise InvalidError(f"{ref} cannot reply to itself", field="in_reply_to")
        require_existing(directory, [event.in_reply_to], "replied-to post", field="in_reply_to")
    return event


def observe(
    state: PostState,
    *,
    at: WorldTime,
    views: int | None = None,
    likes: int | None = None,
    reposts: int | None = None,
    provenance: Provenance,
    directory: Directory,
) -> PostMetricsObserved:
    """Record the reach of the post observed at ``at``."""
    if views is None and likes is None and reposts is None:
        raise InvalidError("an observation needs at least one of views, likes or reposts")
    event = build(
        PostMetricsObserved,
        **next_fields(state, provenance.checked(directory)),
        occurred_at=at,
        views=views,
        likes=likes,
        reposts=reposts,
    )
    while_live(state, at, "observed")
    return event


def edit(
    state: PostState, *, text: str, at: WorldTime, provenance: Provenance, directory: Directory
) -> PostEdited:
    """Record that the post's text changed to ``text`` at ``at``."""
    text = kept_text(text)
    event = build(
        PostEdited,
        **next_fields(state, provenance.checked(directory)),
        occurred_at=at,
        text=text,
        text_sha256=text_sha256(text),
    )
    if event.text_sha256 == state.text_sha256:
        raise InvalidError(f"{state.ref}: the edited text is the same as the current text")
    while_live(state, at, "edited")
    return event
