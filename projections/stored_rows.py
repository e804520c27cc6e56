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

Rows follow world time, as the domain's states do, whatever order entries
come in: each field that holds "the latest" something keeps, under ``_at``,
the world time and version of the entry that set it, and an entry changes it
only when it comes later in world-time order; the entries that change the
status are kept, with their effects (``_effects``, see
:func:`projections.clocks.world_points`), and the status is folded from them.
Those bookkeeping keys start with ``_`` and are not fields of the row models.

The parts: :mod:`projections.stored_entries` (the entries as read, and the
subjects they name), :mod:`projections.row_time` (that world-time
bookkeeping), :mod:`projections.post_rows` (posts' folds); this module folds
the other kinds and dispatches each entry to its fold (:func:`fold_row`).
"""

from __future__ import annotations

from collections.abc import Callable

from domain.actor import ActorHandleAdded, ActorHandleDropped, ActorRegistered, ActorRenamed
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
from domain.post import (
    PostArchived,
    PostDeleted,
    PostEdited,
    PostMetricsObserved,
    PostPublished,
    PostRestored,
)
from domain.source import SourceArchived, SourceRegistered
from projections.post_rows import (
    post_archived,
    post_deleted,
    post_edited,
    post_observed,
    post_published,
    post_restored,
)
from projections.row_time import created, effect, latest_in_world, refold_status, world_key
from projections.stored_entries import Data, RawEntry, Row, moment, references

__all__ = ["HANDLED", "Data", "RawEntry", "Row", "effect", "fold_row", "moment", "references"]


def _archived(row: Row, d: Data) -> None:
    row["archives"] += 1


def _claim_made(d: Data) -> Row:
    return created(
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
        posts=[d["post"]],
        _repeats=[],
        retracted_at=None,
        retracted_by=None,
    )


def _claim_repeated(row: Row, d: Data) -> None:
    # The post where the claim was made comes first; repetitions follow in world-time order.
    row["appearances"] += 1
    placed = [*row["_repeats"], [*world_key(d), d["post"]]]
    row["_repeats"] = sorted(placed, key=lambda item: item[:3])
    row["posts"] = list(dict.fromkeys([row["posts"][0], *(item[3] for item in row["_repeats"])]))


def _reviewed(topic: str) -> Callable[[Row, Data], None]:
    def fold(row: Row, d: Data) -> None:
        # The latest review in world time gives the verdict; the stance is folded from the effects,
        # since a revision without one keeps its reviewer's latest review's.
        row["reviews"] += 1
        if latest_in_world(row, "review", d):
            row.update(verdict=d["verdict"], reviewer=d["reviewer"], reviewed_at=d["occurred_at"])
        refold_status(row, d, effect(topic, d))

    return fold


def _claim_retracted(row: Row, d: Data) -> None:
    row.update(retracted_at=d["occurred_at"], retracted_by=d["by"])
    refold_status(row, d, "retracted")


def _comment_requested(d: Data) -> Row:
    return created(
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
        row.update(answered_at=d["occurred_at"], answer=d["text"])
        refold_status(row, d, status)

    return fold


def _comment_lapsed(row: Row, d: Data) -> None:
    row["lapsed_at"] = d["occurred_at"]
    refold_status(row, d, "lapsed")


def _actor_registered(d: Data) -> Row:
    handles = [f"{h['platform']}:{h['handle']}" for h in d["handles"]]
    return created(
        d,
        "registered",
        name=d["name"],
        kind=d["kind"],
        description=d["description"],
        handles=handles,
        held=[{"handle": h, "since": None, "until": None} for h in d["handles"]],
        _registered=d["handles"],
        _handle_changes=[],
    )


def _actor_handle_changed(change: str) -> Callable[[Row, Data], None]:
    def fold(row: Row, d: Data) -> None:
        # Handles are folded again in world-time order, as ActorHandleAdded/Dropped.apply do.
        changes = sorted([*row["_handle_changes"], [*world_key(d), change, d["handle"], d["occurred_at"]]])
        row["_handle_changes"] = changes
        held = [{"handle": h, "since": None, "until": None} for h in row["_registered"]]
        for *_, kind, handle, when in changes:
            if kind == "added":
                held.append({"handle": handle, "since": when, "until": None})
                continue
            for period in held:
                if period["handle"] == handle and period["until"] is None:
                    period["until"] = when
        row["held"] = held
        row["handles"] = list(
            dict.fromkeys(
                f"{p['handle']['platform']}:{p['handle']['handle']}" for p in held if p["until"] is None
            )
        )

    return fold


def _actor_renamed(row: Row, d: Data) -> None:
    if latest_in_world(row, "name", d):
        row["name"] = d["name"]


def _source_registered(d: Data) -> Row:
    return created(
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
    return created(d, "open", title=d["title"], description=d["description"], subjects=[], notes=0)


def _subject_linked(row: Row, d: Data) -> None:
    row["subjects"] = [*row["subjects"], d["linked"]]


def _note_added(row: Row, d: Data) -> None:
    row["notes"] += 1


def _corrected(row: Row, d: Data) -> None:
    """A correction is an entry of its own; it changes no field of the row."""


_CREATES: dict[str, Callable[[Data], Row]] = {
    PostPublished.TOPIC: post_published,
    ClaimMade.TOPIC: _claim_made,
    CommentRequested.TOPIC: _comment_requested,
    ActorRegistered.TOPIC: _actor_registered,
    SourceRegistered.TOPIC: _source_registered,
    CaseOpened.TOPIC: _case_opened,
}

_CHANGES: dict[str, Callable[[Row, Data], None]] = {
    PostMetricsObserved.TOPIC: post_observed,
    PostEdited.TOPIC: post_edited,
    PostArchived.TOPIC: post_archived,
    PostDeleted.TOPIC: post_deleted,
    PostRestored.TOPIC: post_restored,
    ClaimRepeated.TOPIC: _claim_repeated,
    ClaimRebutted.TOPIC: _reviewed(ClaimRebutted.TOPIC),
    ClaimSupported.TOPIC: _reviewed(ClaimSupported.TOPIC),
    ClaimRated.TOPIC: _reviewed(ClaimRated.TOPIC),
    VerdictRevised.TOPIC: _reviewed(VerdictRevised.TOPIC),
    ClaimRetracted.TOPIC: _claim_retracted,
    CommentReceived.TOPIC: _answered("answered"),
    CommentDeclined.TOPIC: _answered("declined"),
    CommentRequestLapsed.TOPIC: _comment_lapsed,
    SourceArchived.TOPIC: _archived,
    SubjectLinked.TOPIC: _subject_linked,
    NoteAdded.TOPIC: _note_added,
    ActorHandleAdded.TOPIC: _actor_handle_changed("added"),
    ActorHandleDropped.TOPIC: _actor_handle_changed("dropped"),
    ActorRenamed.TOPIC: _actor_renamed,
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
