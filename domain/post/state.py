"""A post's state: what the ledger knows of it, and the values it is made of.

Also the text helpers every part of a post shares: the digest of a text, the
text as kept, and whether a capture shows the post there or gone.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from pydantic import Field, TypeAdapter, ValidationError

from domain.errors import InvalidError
from domain.events import Frozen, SubjectState, Text, describe_validation_error
from domain.source import ArchiveCapture
from domain.trail import Trail
from domain.worldtime import WorldTime

__all__ = [
    "GONE_STATUSES",
    "TEXT_NOT_CAPTURED",
    "Count",
    "DeletedBy",
    "HttpStatus",
    "MetricsObservation",
    "PostCapture",
    "PostState",
    "PostStatus",
    "TextVersion",
    "Turn",
    "kept_text",
    "shows_absence",
    "shows_presence",
    "text_sha256",
]

DeletedBy = Literal["author", "platform", "unknown"]
HttpStatus = Annotated[int, Field(ge=100, le=599)]
GONE_STATUSES = frozenset({404, 410, 451})
"""HTTP statuses of a capture that shows the post gone (Not Found, Gone, Unavailable For Legal Reasons)."""
TEXT_NOT_CAPTURED = "text not captured"
"""How a post whose text was never captured is shown."""
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


def shows_absence(http_status: int | None, tombstone: bool) -> bool:
    """True when a capture shows the post gone: a tombstone page, or HTTP 404, 410 or 451."""
    return tombstone or http_status in GONE_STATUSES


def shows_presence(http_status: int | None, tombstone: bool) -> bool:
    """True when a capture shows the post there: not gone, and no HTTP status or a 2xx one."""
    return not tombstone and (http_status is None or 200 <= http_status < 300)


def check_digest(text: str | None, digest: str | None) -> None:
    """Refuse (``ValueError``) a digest given without its text, or one that is not the text's SHA-256."""
    if text is None:
        if digest is not None:
            raise ValueError("text_sha256 is given without the text")
        return
    if digest != text_sha256(text):
        raise ValueError("text_sha256 is not the SHA-256 of the text")


def clip(text: str, limit: int = 80) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis, for summaries."""
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


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
    texts: Trail[TextVersion]
    status: PostStatus = "live"
    deleted_at: WorldTime | None = None
    deleted_by: DeletedBy | None = None
    restored_at: WorldTime | None = None
    deletions: int = 0
    edits: int = 0
    turns: Trail[Turn] = Trail()
    metrics: Trail[MetricsObservation] = Trail()
    archives: Trail[PostCapture] = Trail()

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
