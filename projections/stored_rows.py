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
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

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
from domain.instants import from_micros, micros
from domain.post import (
    PostArchived,
    PostDeleted,
    PostEdited,
    PostMetricsObserved,
    PostPublished,
    PostRestored,
    shows_absence,
    shows_presence,
)
from domain.source import SourceArchived, SourceRegistered
from projections.clocks import Effect, fold_effects, narrow_deletions

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


# -- world-time order -----------------------------------------------------------------------------

_LOWEST = [-(2**62), -(2**62), 0]


def _key(d: Data) -> list[int]:
    when = d["occurred_at"]
    if when is None:
        return [*_LOWEST[:2], d["originator_version"]]
    return [moment(when["earliest"]), moment(when["latest"]), d["originator_version"]]


def _latest_in_world(row: Row, name: str, d: Data) -> bool:
    """True (and ``name`` marked as set by ``d``) when ``d`` comes after the entry that last set it."""
    key = _key(d)
    if key < row["_at"].get(name, _LOWEST):
        return False
    row["_at"] = {**row["_at"], name: key}
    return True


_REVIEW_STANCES = {
    ClaimRebutted.TOPIC: "rebutted",
    ClaimSupported.TOPIC: "supported",
    ClaimRated.TOPIC: "unrated",
}


def effect(topic: str, data: Data) -> str | None:
    """What the entry does to its subject's status (:func:`projections.clocks.effect_of`, on JSON)."""
    found = _EFFECTS.get(topic)
    if found is not None:
        return found
    stances = {
        ClaimRebutted.TOPIC: "rebutted",
        ClaimSupported.TOPIC: "supported",
        ClaimRated.TOPIC: "unrated",
    }
    if topic in stances:
        return f"{stances[topic]}@{data['reviewer']}"
    if topic == VerdictRevised.TOPIC:
        return f"{data['stance'] or 'revised'}@{data['reviewer']}"
    if topic == PostArchived.TOPIC:
        status, tombstone = data.get("http_status"), data.get("tombstone", False)
        if shows_absence(status, tombstone):
            return "absent"
        return "present" if shows_presence(status, tombstone) else None
    return None


def _effects(row: Row) -> list[Effect]:
    return [Effect(*item) for item in row["_effects"]]


def _refold_status(row: Row, d: Data, found: str | None) -> None:
    """Add the entry's effect and fold the status (and, for claims, the stance) again."""
    if found is None:
        return
    key = _key(d)
    row["_effects"] = [*row["_effects"], [d["originator_version"], key[0], key[1], found]]
    points, stance, _ = fold_effects(_effects(row))
    row["status"] = points[-1].status
    if "stance" in row:
        row["stance"] = stance


# -- folding events into rows -----------------------------------------------------------------


def _created(data: Data, status: str, **fields: Any) -> Row:
    when = data["occurred_at"]
    start = [None, None] if when is None else [moment(when["earliest"]), moment(when["latest"])]
    return {
        "ref": data["subject"],
        "version": data["originator_version"],
        "status": status,
        **fields,
        "_at": {},
        "_effects": [[data["originator_version"], *start, status]],
    }


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
        deleted_within=None,
        deleted_by=None,
        restored_at=None,
        deletions=0,
        edits=0,
        views=None,
        likes=None,
        reposts=None,
        observed_at=None,
        archives=0,
        _published_text=d["text"] is not None,
    )


def _post_observed(row: Row, d: Data) -> None:
    # Each count is the latest observed in world time; an observation without it keeps the one before.
    for name in ("views", "likes", "reposts"):
        if d[name] is not None and _latest_in_world(row, name, d):
            row[name] = d[name]
    if _latest_in_world(row, "observed_at", d):
        row["observed_at"] = d["occurred_at"]


def _post_edited(row: Row, d: Data) -> None:
    row["edits"] += 1
    if _latest_in_world(row, "text", d):
        row.update(text=d["text"], text_sha256=d["text_sha256"])


def _deletion_window(row: Row) -> None:
    """The current deletion's bounds narrowed by captures (:meth:`domain.post.PostState.deletion_window`)."""
    if row["status"] != "deleted":
        row["deleted_within"] = None
        return
    points, _, ordered = fold_effects(_effects(row))
    narrowed = narrow_deletions(points, ordered)
    last = narrowed[max(i for i, e in enumerate(ordered) if e.effect == "deleted")]
    deleted = row["deleted_at"]
    if (last.earliest, last.latest) == (moment(deleted["earliest"]), moment(deleted["latest"])):
        row["deleted_within"] = deleted
        return
    row["deleted_within"] = {
        "earliest": _instant(last.earliest),
        "latest": _instant(last.latest),
        "precision": "window",
    }


def _instant(microseconds: int | None) -> str:
    return from_micros(microseconds or 0).isoformat().replace("+00:00", "Z")


def _post_deleted(row: Row, d: Data) -> None:
    row["deletions"] += 1
    if _latest_in_world(row, "deleted", d):
        row.update(deleted_at=d["occurred_at"], deleted_by=d["deleted_by"])
    _refold_status(row, d, "deleted")
    _deletion_window(row)


def _post_restored(row: Row, d: Data) -> None:
    if _latest_in_world(row, "restored", d):
        row["restored_at"] = d["occurred_at"]
    _refold_status(row, d, "live")
    _deletion_window(row)


def _post_archived(row: Row, d: Data) -> None:
    row["archives"] += 1
    # A post whose text was never published nor edited shows the text an archive captured last.
    texted = row["_at"].get("text") is not None or row["edits"] or row["_published_text"]
    if d.get("text") is not None and _latest_in_world(row, "captured_text", d) and not texted:
        row.update(text=d["text"], text_sha256=d["text_sha256"])
    _refold_status(row, d, effect(PostArchived.TOPIC, d))
    _deletion_window(row)


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
        posts=[d["post"]],
        _repeats=[],
        retracted_at=None,
        retracted_by=None,
    )


def _claim_repeated(row: Row, d: Data) -> None:
    # The post where the claim was made comes first; repetitions follow in world-time order.
    row["appearances"] += 1
    placed = [*row["_repeats"], [*_key(d), d["post"]]]
    row["_repeats"] = sorted(placed, key=lambda item: item[:3])
    row["posts"] = list(dict.fromkeys([row["posts"][0], *(item[3] for item in row["_repeats"])]))


def _reviewed(topic: str) -> Callable[[Row, Data], None]:
    def fold(row: Row, d: Data) -> None:
        # The latest review in world time gives the verdict; the stance is folded from the effects,
        # since a revision without one keeps its reviewer's latest review's.
        row["reviews"] += 1
        if _latest_in_world(row, "review", d):
            row.update(verdict=d["verdict"], reviewer=d["reviewer"], reviewed_at=d["occurred_at"])
        _refold_status(row, d, effect(topic, d))

    return fold


def _claim_retracted(row: Row, d: Data) -> None:
    row.update(retracted_at=d["occurred_at"], retracted_by=d["by"])
    _refold_status(row, d, "retracted")


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
        row.update(answered_at=d["occurred_at"], answer=d["text"])
        _refold_status(row, d, status)

    return fold


def _comment_lapsed(row: Row, d: Data) -> None:
    row["lapsed_at"] = d["occurred_at"]
    _refold_status(row, d, "lapsed")


def _actor_registered(d: Data) -> Row:
    handles = [f"{h['platform']}:{h['handle']}" for h in d["handles"]]
    return _created(
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
        changes = sorted([*row["_handle_changes"], [*_key(d), change, d["handle"], d["occurred_at"]]])
        row["_handle_changes"] = changes
        held = [{"handle": h, "since": None, "until": None} for h in row["_registered"]]
        for *_, kind, handle, when in changes:
            if kind == "added":
                held.append({"handle": handle, "since": when, "until": None})
                continue
            for period in reversed(held):
                if period["handle"] == handle and period["until"] is None:
                    period["until"] = when
                    break
        row["held"] = held
        row["handles"] = list(
            dict.fromkeys(
                f"{p['handle']['platform']}:{p['handle']['handle']}" for p in held if p["until"] is None
            )
        )

    return fold


def _actor_renamed(row: Row, d: Data) -> None:
    if _latest_in_world(row, "name", d):
        row["name"] = d["name"]


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
    PostArchived.TOPIC: _post_archived,
    PostDeleted.TOPIC: _post_deleted,
    PostRestored.TOPIC: _post_restored,
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

_EFFECTS = {
    PostPublished.TOPIC: "live",
    PostDeleted.TOPIC: "deleted",
    PostRestored.TOPIC: "live",
    ClaimMade.TOPIC: "open",
    ClaimRetracted.TOPIC: "retracted",
    CommentRequested.TOPIC: "awaiting",
    CommentReceived.TOPIC: "answered",
    CommentDeclined.TOPIC: "declined",
    CommentRequestLapsed.TOPIC: "lapsed",
    SourceRegistered.TOPIC: "published",
    ActorRegistered.TOPIC: "registered",
    CaseOpened.TOPIC: "open",
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
