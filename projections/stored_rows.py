"""What catch-up reads: events as their stored JSON, folded straight into stored row values.

Catching up never builds the domain's objects: it decodes each event's JSON
(as the mapper stored it: every field, defaults included) into plain dicts,
and folds those into rows, kept as plain dicts too. That is what keeps
catch-up cheap. The replay path builds
rows from the domain's states instead (:func:`projections.rows.row_fields`)
and timelines from the domain's ``references()``; the two paths are separate
on purpose, and the tests hold them equal at every log prefix.

A row is kept as the JSON object of its row model (:mod:`projections.rows`):
world times as the objects the events hold, tuples as arrays, so reading a
row back is one ``model_validate_json``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from domain.actor import ActorRegistered
from domain.case import CaseOpened, NoteAdded, SubjectLinked
from domain.claim import (
    ClaimMade,
    ClaimRated,
    ClaimRebutted,
    ClaimRepeated,
    ClaimRetracted,
    ClaimSupported,
    VerdictRevised,
)
from domain.comment import CommentDeclined, CommentReceived, CommentRequested, CommentRequestLapsed
from domain.events import EntryCorrected, EntryRedacted
from domain.instants import micros
from domain.post import (
    PostArchived,
    PostDeleted,
    PostEdited,
    PostMetricsObserved,
    PostPublished,
    PostRestored,
)
from domain.source import SourceArchived, SourceRegistered

Row = dict[str, Any]
"""A stored row: column name -> stored value."""

Data = dict[str, Any]
"""An event as its stored JSON object."""


class RawEntry(NamedTuple):
    """An event of the log as catch-up reads it: position, topic, subject (and its kind), version, JSON."""

    position: int
    topic: str
    subject: str
    kind: str
    version: int
    data: Data

    @classmethod
    def of(cls, position: int, topic: str, data: Data) -> RawEntry:
        """The entry at ``position`` whose stored JSON decoded to ``data``."""
        subject = data["subject"]
        return cls(position, topic, subject, subject.partition("/")[0], data["originator_version"], data)


# -- stored forms ------------------------------------------------------------------------------


def moment(text: str) -> int:
    """Microseconds since the epoch of an ISO 8601 instant with a zone, as event JSON holds them."""
    return micros(datetime.fromisoformat(text))


# -- references: which subjects an event names (the domain's ``references()``, on JSON) ----------


def _fields(
    *scalars: str, lists: tuple[str, ...] = (), evidence: bool = False
) -> Callable[[Data], list[str]]:
    def named(data: Data) -> list[str]:
        found = list(data["sources"])
        found.extend(data[name] for name in scalars if data[name] is not None)
        for name in lists:
            found.extend(data[name])
        if evidence:
            found.extend(item["source"] for item in data["evidence"])
        return found

    return named


_REVIEW_REFERENCES = _fields("reviewer", evidence=True)
_REFERENCES: dict[str, Callable[[Data], list[str]]] = {
    PostPublished.TOPIC: _fields("author", "in_reply_to"),
    ClaimMade.TOPIC: _fields("claimant", "post", lists=("about",)),
    ClaimRepeated.TOPIC: _fields("post", "by"),
    ClaimRebutted.TOPIC: _REVIEW_REFERENCES,
    ClaimRated.TOPIC: _REVIEW_REFERENCES,
    ClaimSupported.TOPIC: _REVIEW_REFERENCES,
    VerdictRevised.TOPIC: _REVIEW_REFERENCES,
    ClaimRetracted.TOPIC: _fields("by"),
    CommentRequested.TOPIC: _fields("requester", "recipient", lists=("regarding",)),
    SourceRegistered.TOPIC: _fields("publisher"),
    SubjectLinked.TOPIC: _fields("linked"),
}


def references(entry: RawEntry) -> list[str]:
    """Every subject the entry names other than its own (in the order ``Event.references()`` gives)."""
    named = _REFERENCES.get(entry.topic)
    return named(entry.data) if named is not None else list(entry.data["sources"])


# -- folding events into rows -----------------------------------------------------------------


def _created(data: Data, status: str, **fields: Any) -> Row:
    return {"ref": data["subject"], "version": data["originator_version"], "status": status, **fields}


def _post_published(d: Data) -> Row:
    return _created(
        d,
        "live",
        platform=d["platform"],
        author=d["author"],
        url=d["url"],
        in_reply_to=d["in_reply_to"],
        text=d["text"],
        text_sha256=d["text_sha256"],
        published_at=d["occurred_at"],
        deleted_at=None,
        deleted_by=None,
        restored_at=None,
        deletions=0,
        edits=0,
        views=None,
        likes=None,
        reposts=None,
        observed_at=None,
        archives=0,
    )


def _post_observed(row: Row, d: Data) -> None:
    # Each count is the latest observed; an observation without it keeps the one before.
    for name in ("views", "likes", "reposts"):
        if d[name] is not None:
            row[name] = d[name]
    row["observed_at"] = d["occurred_at"]


def _post_edited(row: Row, d: Data) -> None:
    row.update(text=d["text"], text_sha256=d["text_sha256"], edits=row["edits"] + 1)


def _post_deleted(row: Row, d: Data) -> None:
    row.update(
        status="deleted",
        deleted_at=d["occurred_at"],
        deleted_by=d["deleted_by"],
        deletions=row["deletions"] + 1,
    )


def _post_restored(row: Row, d: Data) -> None:
    row.update(status="live", restored_at=d["occurred_at"])


def _archived(row: Row, d: Data) -> None:
    row["archives"] += 1


def _claim_made(d: Data) -> Row:
    return _created(
        d,
        "open",
        text=d["text"],
        claimant=d["claimant"],
        post=d["post"],
        about=d["about"],
        made_at=d["occurred_at"],
        stance=None,
        verdict=None,
        reviewer=None,
        reviewed_at=None,
        reviews=0,
        appearances=1,
        retracted_at=None,
        retracted_by=None,
    )


def _claim_repeated(row: Row, d: Data) -> None:
    row["appearances"] += 1


def _reviewed(stance: str | None) -> Callable[[Row, Data], None]:
    def fold(row: Row, d: Data) -> None:
        # A revision keeps the stance of the latest review unless it states one.
        taken = stance or d["stance"] or row["stance"]
        row.update(
            stance=taken,
            verdict=d["verdict"],
            reviewer=d["reviewer"],
            reviewed_at=d["occurred_at"],
            reviews=row["reviews"] + 1,
        )
        if row["retracted_at"] is None:
            row["status"] = taken

    return fold


def _claim_retracted(row: Row, d: Data) -> None:
    row.update(status="retracted", retracted_at=d["occurred_at"], retracted_by=d["by"])


def _comment_requested(d: Data) -> Row:
    return _created(
        d,
        "awaiting",
        requester=d["requester"],
        recipient=d["recipient"],
        channel=d["channel"],
        question=d["question"],
        regarding=d["regarding"],
        requested_at=d["occurred_at"],
        deadline=d["deadline"],
        answered_at=None,
        answer=None,
        lapsed_at=None,
    )


def _answered(status: str) -> Callable[[Row, Data], None]:
    def fold(row: Row, d: Data) -> None:
        row.update(status=status, answered_at=d["occurred_at"], answer=d["text"])

    return fold


def _comment_lapsed(row: Row, d: Data) -> None:
    row.update(status="lapsed", lapsed_at=d["occurred_at"])


def _actor_registered(d: Data) -> Row:
    handles = [f"{h['platform']}:{h['handle']}" for h in d["handles"]]
    return _created(
        d,
        "registered",
        name=d["name"],
        kind=d["kind"],
        description=d["description"],
        handles=handles,
    )


def _source_registered(d: Data) -> Row:
    return _created(
        d,
        "published",
        title=d["title"],
        kind=d["kind"],
        url=d["url"],
        publisher=d["publisher"],
        published_at=d["occurred_at"],
        archives=0,
    )


def _case_opened(d: Data) -> Row:
    return _created(d, "open", title=d["title"], description=d["description"], subjects=[], notes=0)


def _subject_linked(row: Row, d: Data) -> None:
    row["subjects"] = [*row["subjects"], d["linked"]]


def _note_added(row: Row, d: Data) -> None:
    row["notes"] += 1


def _corrected(row: Row, d: Data) -> None:
    """A correction is an entry of its own; it changes no field of the row."""


_CREATES: dict[str, Callable[[Data], Row]] = {
    PostPublished.TOPIC: _post_published,
    ClaimMade.TOPIC: _claim_made,
    CommentRequested.TOPIC: _comment_requested,
    ActorRegistered.TOPIC: _actor_registered,
    SourceRegistered.TOPIC: _source_registered,
    CaseOpened.TOPIC: _case_opened,
}

_CHANGES: dict[str, Callable[[Row, Data], None]] = {
    PostMetricsObserved.TOPIC: _post_observed,
    PostEdited.TOPIC: _post_edited,
    PostArchived.TOPIC: _archived,
    PostDeleted.TOPIC: _post_deleted,
    PostRestored.TOPIC: _post_restored,
    ClaimRepeated.TOPIC: _claim_repeated,
    ClaimRebutted.TOPIC: _reviewed("rebutted"),
    ClaimSupported.TOPIC: _reviewed("supported"),
    ClaimRated.TOPIC: _reviewed("unrated"),
    VerdictRevised.TOPIC: _reviewed(None),
    ClaimRetracted.TOPIC: _claim_retracted,
    CommentReceived.TOPIC: _answered("answered"),
    CommentDeclined.TOPIC: _answered("declined"),
    CommentRequestLapsed.TOPIC: _comment_lapsed,
    SourceArchived.TOPIC: _archived,
    SubjectLinked.TOPIC: _subject_linked,
    NoteAdded.TOPIC: _note_added,
    EntryCorrected.TOPIC: _corrected,
    EntryRedacted.TOPIC: _corrected,
}

HANDLED = frozenset(_CREATES) | frozenset(_CHANGES)
"""The topics of the events catch-up knows how to fold."""


def fold_row(row: Row | None, topic: str, data: Data) -> Row:
    """The stored row of an event's subject after it (a new dict; ``row`` is left as it was)."""
    create = _CREATES.get(topic)
    if create is not None:
        return create(data)
    change = _CHANGES.get(topic)
    if change is None or row is None:
        raise TypeError(f"the views cannot fold {topic} of {data['subject']} v{data['originator_version']}")
    changed = dict(row)
    changed["version"] = data["originator_version"]
    change(changed, data)
    return changed
