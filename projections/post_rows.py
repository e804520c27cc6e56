"""Posts' stored rows: how each post event changes the row (see :mod:`projections.stored_rows`)."""

from __future__ import annotations

from domain.instants import from_micros
from domain.post import PostArchived
from projections.clocks import fold_effects, narrow_deletions
from projections.row_time import created, effect, effects, latest_in_world, refold_status
from projections.stored_entries import Data, Row, moment


def post_published(d: Data) -> Row:
    return created(
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


def post_observed(row: Row, d: Data) -> None:
    # Each count is the latest observed in world time; an observation without it keeps the one before.
    for name in ("views", "likes", "reposts"):
        if d[name] is not None and latest_in_world(row, name, d):
            row[name] = d[name]
    if latest_in_world(row, "observed_at", d):
        row["observed_at"] = d["occurred_at"]


def post_edited(row: Row, d: Data) -> None:
    row["edits"] += 1
    if latest_in_world(row, "text", d):
        row.update(text=d["text"], text_sha256=d["text_sha256"])


def _deletion_window(row: Row) -> None:
    """The current deletion's bounds narrowed by captures (:meth:`domain.post.PostState.deletion_window`)."""
    if row["status"] != "deleted":
        row["deleted_within"] = None
        return
    points, _, ordered = fold_effects(effects(row))
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


def post_deleted(row: Row, d: Data) -> None:
    row["deletions"] += 1
    if latest_in_world(row, "deleted", d):
        row.update(deleted_at=d["occurred_at"], deleted_by=d["deleted_by"])
    refold_status(row, d, "deleted")
    _deletion_window(row)


def post_restored(row: Row, d: Data) -> None:
    if latest_in_world(row, "restored", d):
        row["restored_at"] = d["occurred_at"]
    refold_status(row, d, "live")
    _deletion_window(row)


def post_archived(row: Row, d: Data) -> None:
    row["archives"] += 1
    # A post whose text was never published nor edited shows the text an archive captured last.
    texted = row["_at"].get("text") is not None or row["edits"] or row["_published_text"]
    if d.get("text") is not None and latest_in_world(row, "captured_text", d) and not texted:
        row.update(text=d["text"], text_sha256=d["text_sha256"])
    refold_status(row, d, effect(PostArchived.TOPIC, d))
    _deletion_window(row)
