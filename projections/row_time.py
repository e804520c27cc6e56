"""World-time order inside a stored row: which entry set each "latest" field, and the status fold.

Each field that holds "the latest" something keeps, under the row's ``_at``,
the world time and version of the entry that set it (:func:`latest_in_world`);
the entries that change the status are kept with their effects
(``_effects``, see :func:`projections.clocks.world_points`), and the status is
folded from them again at each one (:func:`refold_status`).
"""

from __future__ import annotations

from typing import Any

from domain.actor import ActorRegistered
from domain.case import CaseOpened
from domain.claim import ClaimMade, ClaimRated, ClaimRebutted, ClaimRetracted, ClaimSupported, VerdictRevised
from domain.comment import CommentDeclined, CommentReceived, CommentRequested, CommentRequestLapsed
from domain.post import (
    PostArchived,
    PostDeleted,
    PostPublished,
    PostRestored,
    shows_absence,
    shows_presence,
)
from domain.source import SourceRegistered
from projections.clocks import Effect, fold_effects
from projections.stored_entries import Data, Row, moment

LOWEST = [-(2**62), -(2**62), 0]


def world_key(d: Data) -> list[int]:
    """Where ``d`` stands in world-time order: earliest, latest, version (no world time comes first)."""
    when = d["occurred_at"]
    if when is None:
        return [*LOWEST[:2], d["originator_version"]]
    return [moment(when["earliest"]), moment(when["latest"]), d["originator_version"]]


def latest_in_world(row: Row, name: str, d: Data) -> bool:
    """True (and ``name`` marked as set by ``d``) when ``d`` comes after the entry that last set it."""
    key = world_key(d)
    if key < row["_at"].get(name, LOWEST):
        return False
    row["_at"] = {**row["_at"], name: key}
    return True


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
"""The status an entry of each of these topics gives its subject."""

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
    stance = _REVIEW_STANCES.get(topic)
    if stance is not None:
        return f"{stance}@{data['reviewer']}"
    if topic == VerdictRevised.TOPIC:
        return f"{data['stance'] or 'revised'}@{data['reviewer']}"
    if topic == PostArchived.TOPIC:
        status, tombstone = data.get("http_status"), data.get("tombstone", False)
        if shows_absence(status, tombstone):
            return "absent"
        return "present" if shows_presence(status, tombstone) else None
    return None


def effects(row: Row) -> list[Effect]:
    """The status-changing entries the row keeps, as :class:`projections.clocks.Effect`."""
    return [Effect(*item) for item in row["_effects"]]


def refold_status(row: Row, d: Data, found: str | None) -> None:
    """Add the entry's effect and fold the status (and, for claims, the stance) again."""
    if found is None:
        return
    key = world_key(d)
    row["_effects"] = [*row["_effects"], [d["originator_version"], key[0], key[1], found]]
    points, stance, _ = fold_effects(effects(row))
    row["status"] = points[-1].status
    if "stance" in row:
        row["stance"] = stance


def created(data: Data, status: str, **fields: Any) -> Row:
    """The row a creating entry makes: its fields, the status it gives, no bookkeeping yet."""
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
