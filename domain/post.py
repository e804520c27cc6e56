"""Posts: content on a platform, from publication to deletion and beyond.

Rules (only the impossible is refused; overlapping imprecise times pass):
- a post is published once; its author (and the post it replies to) must exist;
- nothing can happen to a post before it was published;
- a post cannot be deleted while it is deleted, nor restored unless deleted;
- while a post is deleted, edits, reach observations and archive captures
  must be possibly earlier than the deletion (a late report of an earlier
  fact is fine; a view count of a page that was already gone is not);
- reach observations are non-negative and each is kept: 33M then 33.1M
  views are two observations, not an overwrite.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, ClassVar, Literal, Self

from pydantic import Field, TypeAdapter, ValidationError, model_validator

from domain.errors import InvalidError
from domain.events import (
    Directory,
    Event,
    Frozen,
    Provenance,
    SubjectState,
    Text,
    build,
    creation_fields,
    describe_validation_error,
    next_fields,
    refuse_before,
    require_existing,
)
from domain.refs import ActorRef, PostRef
from domain.source import ArchiveCapture
from domain.worldtime import WorldTime

DeletedBy = Literal["author", "platform", "unknown"]
Count = Annotated[int, Field(ge=0)]
PostStatus = Literal["live", "deleted"]


def text_sha256(text: str) -> str:
    """The hex SHA-256 of the UTF-8 bytes of ``text``."""
    return hashlib.sha256(text.encode()).hexdigest()


_TEXT: TypeAdapter[str] = TypeAdapter(Text)


def kept_text(text: object) -> str:
    """``text`` as a post keeps it (surrounding whitespace stripped), or :class:`InvalidError`.

    The digest is computed from this, the text as stored, so that anyone can
    check it against the stored text.
    """
    try:
        return _TEXT.validate_python(text)
    except ValidationError as error:
        raise InvalidError(f"text: {describe_validation_error(error)}") from None


def _check_digest(text: str, digest: str) -> None:
    if digest != text_sha256(text):
        raise ValueError("text_sha256 is not the SHA-256 of the text")


class TextVersion(Frozen):
    """One version of a post's text and when it was current from."""

    text: str
    sha256: str
    since: WorldTime


class MetricsObservation(Frozen):
    """Reach of a post as observed at a time."""

    observed_at: WorldTime
    views: int | None = None
    likes: int | None = None
    reposts: int | None = None


class PostState(SubjectState):
    """What the ledger knows of a post."""

    platform: str
    author: str
    url: str | None = None
    in_reply_to: str | None = None
    published_at: WorldTime
    texts: tuple[TextVersion, ...]
    status: PostStatus = "live"
    deleted_at: WorldTime | None = None
    deleted_by: DeletedBy | None = None
    restored_at: WorldTime | None = None
    deletions: int = 0
    edits: int = 0
    metrics: tuple[MetricsObservation, ...] = ()
    archives: tuple[ArchiveCapture, ...] = ()

    @property
    def text(self) -> str | None:
        """The latest recorded text (None for a post known only by its URL)."""
        return self.texts[-1].text if self.texts else None

    @property
    def text_sha256(self) -> str | None:
        """The SHA-256 of the latest recorded text (None when no text is known)."""
        return self.texts[-1].sha256 if self.texts else None


def _clip(text: str, limit: int = 80) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


class PostPublished(Event):
    """A post was published on a platform by its author.

    A post known only by its URL (an appearance named by a fact-check, a page
    in an archive's index) has no text and no digest, and must have a URL.
    """

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
        if self.text is None:
            if self.text_sha256 is not None:
                raise ValueError("text_sha256 is given without a text")
            if self.url is None:
                raise ValueError("a post needs its text, its URL, or both")
        else:
            _check_digest(self.text, self.text_sha256 or "")
        return self

    @property
    def actor(self) -> str | None:
        return self.author

    def references(self) -> tuple[str, ...]:
        replied = [self.in_reply_to] if self.in_reply_to else []
        return (*self.sources, self.author, *replied)

    def summary(self) -> str:
        reply = f" in reply to {self.in_reply_to}" if self.in_reply_to else ""
        if self.text is None:
            return f"published on {self.platform}{reply} at {self.url} (text not known)"
        return f"published on {self.platform}{reply}: “{_clip(self.text)}”"

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

    def summary(self) -> str:
        return f"archived at {self.url}"

    def apply(self, state: PostState) -> PostState:
        capture = ArchiveCapture(url=self.url, captured_at=self.occurred_at, digest=self.digest)
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
        )


class PostRestored(Event):
    """A deleted post became visible again."""

    TOPIC: ClassVar[str] = "ledger.PostRestored.v1"

    occurred_at: WorldTime

    def summary(self) -> str:
        return "restored"

    def apply(self, state: PostState) -> PostState:
        return self.evolve(state, status="live", restored_at=self.occurred_at)


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
    """Record a post published by ``author`` on ``platform`` at ``at``; ``text`` None: known by URL only."""
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


def _while_live(state: PostState, at: WorldTime, what: str) -> None:
    refuse_before(
        at,
        state.published_at,
        f"{state.ref} cannot have been {what} at {at}: it was published {state.published_at}",
    )
    if state.status == "deleted" and state.deleted_at is not None:
        refuse_before(
            state.deleted_at,
            at,
            f"{state.ref} cannot have been {what} at {at}: it was deleted {state.deleted_at}",
        )


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
    _while_live(state, at, "observed")
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
    _while_live(state, at, "edited")
    return event


def archive(
    state: PostState,
    *,
    url: str,
    at: WorldTime,
    digest: str | None = None,
    provenance: Provenance,
    directory: Directory,
) -> PostArchived:
    """Record that an archive captured the post at ``url`` at ``at``."""
    event = build(
        PostArchived,
        **next_fields(state, provenance.checked(directory)),
        occurred_at=at,
        url=url,
        digest=digest,
    )
    _while_live(state, at, "archived")
    return event


def delete(
    state: PostState,
    *,
    at: WorldTime,
    deleted_by: str = "unknown",
    provenance: Provenance,
    directory: Directory,
) -> PostDeleted:
    """Record that the post was deleted within ``at``."""
    if state.status == "deleted":
        raise InvalidError(f"{state.ref} is already deleted (deleted {state.deleted_at})")
    event = build(
        PostDeleted,
        **next_fields(state, provenance.checked(directory)),
        occurred_at=at,
        deleted_by=deleted_by,
    )
    refuse_before(
        at,
        state.published_at,
        f"{state.ref} cannot have been deleted at {at}: it was published {state.published_at}",
    )
    if state.restored_at is not None:
        refuse_before(
            at,
            state.restored_at,
            f"{state.ref} cannot have been deleted at {at}: it was restored {state.restored_at}",
        )
    return event


def restore(state: PostState, *, at: WorldTime, provenance: Provenance, directory: Directory) -> PostRestored:
    """Record that the deleted post became visible again at ``at``."""
    if state.status != "deleted" or state.deleted_at is None:
        raise InvalidError(f"{state.ref} is not deleted, so it cannot be restored")
    event = build(PostRestored, **next_fields(state, provenance.checked(directory)), occurred_at=at)
    refuse_before(
        at,
        state.deleted_at,
        f"{state.ref} cannot have been restored at {at}: it was deleted {state.deleted_at}",
    )
    return event
