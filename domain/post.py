"""Posts: content on a platform, from publication to deletion and beyond.

The state is the fold of the post's entries in world-time order, and a new
entry is checked against the whole history at its world-time place (only the
impossible is refused; overlapping imprecise times pass):
- a post is published once; its author (and the post it replies to) must exist;
  its text may be unknown (a post known only by its traces), and its publication
  time may be known only as an upper bound (``..2024-10-16T10:00Z``);
- nothing can happen to a post before it was published;
- in world-time order, deletions and restorations alternate (deleted only while
  live, restored only while deleted), each possibly after the one before;
- edits, reach observations and captures that show the post must fall, possibly,
  in a period when it was live (a late report of an earlier fact is fine; a view
  count of a page that was already gone is not); a capture that shows the post
  gone (HTTP 404, 410 or 451, or a tombstone page) must fall, possibly, in a
  period when it was deleted, once a deletion is recorded;
- reach observations are non-negative and each is kept: 33M then 33.1M
  views are two observations, not an overwrite.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, ClassVar, Literal, Self, TypeVar

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
HttpStatus = Annotated[int, Field(ge=100, le=599)]
GONE_STATUSES = frozenset({404, 410, 451})
"""HTTP statuses of a capture that shows the post gone (Not Found, Gone, Unavailable For Legal Reasons)."""
TEXT_NOT_CAPTURED = "text not captured"
"""How a post whose text was never captured is shown."""
Count = Annotated[int, Field(ge=0)]
PostStatus = Literal["live", "deleted"]
E = TypeVar("E", bound="Event")


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


def _check_digest(text: str | None, digest: str | None) -> None:
    if text is None:
        if digest is not None:
            raise ValueError("text_sha256 is given without the text")
        return
    if digest != text_sha256(text):
        raise ValueError("text_sha256 is not the SHA-256 of the text")


def shows_absence(http_status: int | None, tombstone: bool) -> bool:
    """True when a capture shows the post gone: a tombstone page, or HTTP 404, 410 or 451."""
    return tombstone or http_status in GONE_STATUSES


def shows_presence(http_status: int | None, tombstone: bool) -> bool:
    """True when a capture shows the post there: not gone, and no HTTP status or a 2xx one."""
    return not tombstone and (http_status is None or 200 <= http_status < 300)


class PostCapture(ArchiveCapture):
    """A capture of the post by an archive: what it showed (HTTP status, a tombstone, the text)."""

    http_status: int | None = None
    tombstone: bool = False
    text: str | None = None
    text_sha256: str | None = None

    @property
    def shows_absence(self) -> bool:
        """True when the capture shows the post gone."""
        return shows_absence(self.http_status, self.tombstone)

    @property
    def shows_presence(self) -> bool:
        """True when the capture shows the post there."""
        return shows_presence(self.http_status, self.tombstone)


class Turn(Frozen):
    """A deletion or restoration of the post, in the post's life cycle."""

    kind: Literal["deleted", "restored"]
    at: WorldTime


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
    turns: tuple[Turn, ...] = ()
    metrics: tuple[MetricsObservation, ...] = ()
    archives: tuple[PostCapture, ...] = ()

    @property
    def text(self) -> str | None:
        """The latest text in world time; else the text an archive captured; None if never captured."""
        if self.texts:
            return self.texts[-1].text
        captured = [c for c in self.archives if c.text is not None]
        return captured[-1].text if captured else None

    @property
    def text_sha256(self) -> str | None:
        """The SHA-256 of :attr:`text` (None when the text was never captured)."""
        text = self.text
        return None if text is None else text_sha256(text)

    def periods(self, status: PostStatus) -> list[tuple[WorldTime, WorldTime | None]]:
        """The periods the post was ``live`` or ``deleted``: (start, end) with None for "still"."""
        starts: list[WorldTime] = [self.published_at] if status == "live" else []
        ends: list[WorldTime] = []
        for turn in sorted(self.turns, key=lambda t: t.at.sort_key):
            opens = (turn.kind == "restored") == (status == "live")
            (starts if opens else ends).append(turn.at)
        return [(start, ends[i] if i < len(ends) else None) for i, start in enumerate(starts)]

    def deletion_window(self) -> WorldTime | None:
        """When the current deletion happened, narrowed by the captures that show the post there
        (before it) and gone (after it): None while the post is live."""
        if self.status != "deleted" or self.deleted_at is None:
            return None
        start = self.restored_at or self.published_at
        deleted = self.deleted_at
        earliest, latest = deleted.earliest, deleted.latest
        for capture in self.archives:
            first, last = capture.captured_at.earliest, capture.captured_at.latest
            if capture.shows_presence and first >= start.earliest and first <= deleted.latest:
                earliest = max(earliest, first)
            elif capture.shows_absence and last >= deleted.earliest:
                latest = min(latest, last)
        if (earliest, latest) == (deleted.earliest, deleted.latest) or latest < earliest:
            return deleted
        return WorldTime.window(earliest, latest)


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


def _fits(at: WorldTime, period: tuple[WorldTime, WorldTime | None]) -> bool:
    """True when a moment within ``at`` may lie within ``period`` (start, end or None: still)."""
    start, end = period
    return not at.definitely_before(start) and (end is None or not end.definitely_before(at))


def _after_publication(state: PostState, at: WorldTime, what: str) -> None:
    refuse_before(
        at,
        state.published_at,
        f"{state.ref} cannot have been {what} at {at}: it was published {state.published_at}",
    )


def _while_live(state: PostState, at: WorldTime, what: str) -> None:
    _after_publication(state, at, what)
    live = state.periods("live")
    if not any(_fits(at, period) for period in live):
        ended = [end for _, end in live if end is not None and end.definitely_before(at)]
        raise InvalidError(
            f"{state.ref} cannot have been {what} at {at}: it was deleted {ended[-1]}", field="at"
        )


def _while_gone(state: PostState, at: WorldTime, what: str) -> None:
    _after_publication(state, at, what)
    gone = state.periods("deleted")
    if gone and not any(_fits(at, period) for period in gone):
        raise InvalidError(
            f"{state.ref} cannot have been {what} at {at}: it was live then "
            f"(deleted {', '.join(str(start) for start, _ in gone)})",
            field="at",
        )


def check_history(state: PostState) -> None:
    """Refuse a post whose history is impossible in world-time order.

    Deletions and restorations must alternate in the order the state folds
    them, each possibly after the one before; what shows the post must fall
    in a live period, what shows it gone in a deleted one (once it has one).
    """
    previous = state.published_at
    expected = "deleted"
    turns = sorted(state.turns, key=lambda t: t.at.sort_key)
    for index, turn in enumerate(turns):
        if turn.kind != expected:
            said = [f"{t.kind} {t.at}" for t in turns[max(0, index - 1) : index + 2] if t is not turn]
            if not said:
                raise InvalidError(
                    f"{state.ref} is not deleted, so it cannot be restored at {turn.at}", field="at"
                )
            raise InvalidError(
                f"{state.ref} cannot have been {turn.kind} at {turn.at}: it was {' and '.join(said)}",
                field="at",
            )
        if turn.at.definitely_before(previous):
            raise InvalidError(
                f"{state.ref} cannot have been {turn.kind} at {turn.at}: that is before {previous}",
                field="at",
            )
        previous = turn.at
        expected = "restored" if expected == "deleted" else "deleted"
    for text in state.texts[1:]:
        _while_live(state, text.since, "edited")
    for observation in state.metrics:
        _while_live(state, observation.observed_at, "observed")
    for capture in state.archives:
        if capture.shows_absence:
            _while_gone(state, capture.captured_at, "captured gone")
        elif capture.shows_presence:
            _while_live(state, capture.captured_at, "archived")


def _checked(state: PostState, event: E, directory: Directory) -> E:
    """``event``, once the post's history with it at its world-time place is possible.

    A directory that defers checks (a batch that asks for it) runs it on the
    post's state at the batch's end: a deletion and a restoration found late, dated between
    two recorded ones, are each impossible alone and possible together.
    """
    defer = getattr(directory, "defer", None)
    if defer is None or not defer(state.ref, check_history):
        check_history(event.apply(state))
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
        _while_gone(state, at, "captured gone")
    elif shows_presence(event.http_status, event.tombstone):
        _while_live(state, at, "archived")
    else:
        _after_publication(state, at, "archived")
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
    _after_publication(state, at, "deleted")
    return _checked(state, event, directory)


def restore(state: PostState, *, at: WorldTime, provenance: Provenance, directory: Directory) -> PostRestored:
    """Record that the deleted post became visible again at ``at``."""
    event = build(PostRestored, **next_fields(state, provenance.checked(directory)), occurred_at=at)
    return _checked(state, event, directory)
