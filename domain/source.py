"""Sources: how we know things (articles, regulations, statements, screenshots)."""

from __future__ import annotations

from typing import ClassVar, Literal

from domain.events import (
    Directory,
    Event,
    Frozen,
    Provenance,
    SubjectState,
    Text,
    build,
    creation_fields,
    next_fields,
    refuse_before,
    require_existing,
    trusted,
)
from domain.refs import ActorRef
from domain.trail import Trail, appended
from domain.worldtime import WorldTime

SourceKind = Literal["article", "regulation", "statement", "social-post", "screenshot", "other"]


class ArchiveCapture(Frozen):
    """A copy of a page kept by an archive, and when it was captured."""

    url: Text
    captured_at: WorldTime
    digest: Text | None = None


class SourceState(SubjectState):
    """What the ledger knows of a source."""

    title: str
    kind: SourceKind
    url: str | None = None
    publisher: str | None = None
    published_at: WorldTime | None = None
    archives: Trail[ArchiveCapture] = Trail()


class SourceRegistered(Event):
    """A source was recorded; ``occurred_at`` is when it was published, if known."""

    TOPIC: ClassVar[str] = "ledger.SourceRegistered.v1"

    title: Text
    kind: SourceKind = "article"
    url: Text | None = None
    publisher: ActorRef | None = None

    @property
    def actor(self) -> str | None:
        return self.publisher

    def references(self) -> tuple[str, ...]:
        return (*self.sources, *([self.publisher] if self.publisher else []))

    def summary(self) -> str:
        return f"{self.kind} published: {self.title}"

    def apply(self, state: None) -> SourceState:
        return trusted(
            SourceState,
            ref=self.subject,
            version=self.originator_version,
            title=self.title,
            kind=self.kind,
            url=self.url,
            publisher=self.publisher,
            published_at=self.occurred_at,
        )


class SourceArchived(Event):
    """A copy of the source was captured by an archive."""

    TOPIC: ClassVar[str] = "ledger.SourceArchived.v1"

    occurred_at: WorldTime
    url: Text
    digest: Text | None = None

    def summary(self) -> str:
        return f"archived at {self.url}"

    def apply(self, state: SourceState) -> SourceState:
        capture = trusted(ArchiveCapture, url=self.url, captured_at=self.occurred_at, digest=self.digest)
        return self.evolve(state, archives=appended(state.archives, capture))


def register(
    ref: str,
    *,
    title: str,
    kind: str = "article",
    url: str | None = None,
    publisher: str | None = None,
    at: WorldTime | None = None,
    provenance: Provenance,
    directory: Directory,
) -> SourceRegistered:
    """Record a new source under ``ref`` (``source/...``)."""
    event = build(
        SourceRegistered,
        **creation_fields(ref, provenance.checked(directory), kind="source", directory=directory),
        title=title,
        kind=kind,
        url=url,
        publisher=publisher,
        occurred_at=at,
    )
    require_existing(directory, [publisher] if publisher else [], "publisher")
    return event


def archive(
    state: SourceState,
    *,
    url: str,
    at: WorldTime,
    digest: str | None = None,
    provenance: Provenance,
    directory: Directory,
) -> SourceArchived:
    """Record that a copy of the source was captured at ``url``."""
    if state.published_at is not None:
        refuse_before(
            at,
            state.published_at,
            f"{state.ref} cannot have been archived at {at}: it was published {state.published_at}",
        )
    return build(
        SourceArchived,
        **next_fields(state, provenance.checked(directory)),
        occurred_at=at,
        url=url,
        digest=digest,
    )
