"""One lane of the report's picture: an entry's mark, a post's life, a request's wait, reach.

See :mod:`ledger.formats.report_svg` for what each mark means.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ledger.formats.report_shapes import (
    LANE_HEIGHT,
    REACH_HEIGHT,
    REVIEWS,
    RIGHT,
    ROW,
    ROWS,
    SHORT,
    WAIT_HEIGHT,
    WIDTH,
    Axis,
    Drawing,
    Lane,
    compact,
    shorten,
)
from ledger.formats.wording import counted
from projections.timeline import TimelineEntry


def reach_of(entries: Sequence[TimelineEntry], ref: str) -> list[tuple[TimelineEntry, int]]:
    """The reach observations of ``ref`` in ``entries``, each with its count (views, likes or reposts)."""
    found = []
    for entry in entries:
        if entry.subject == ref and entry.type == "PostMetricsObserved":
            value = next(
                (entry.details.get(k) for k in ("views", "likes", "reposts") if entry.details.get(k)), None
            )
            if isinstance(value, int):
                found.append((entry, value))
    return found


def draw_lane(
    drawing: Drawing,
    lane: Lane,
    index: int,
    *,
    top: float,
    entries: Sequence[TimelineEntry],
    world: Axis,
    now: datetime,
    marks: dict[int, tuple[float, float]],
) -> None:
    """Draw the lane of ``lane`` at ``top``: its band, label, marks and decorations; remember each mark."""
    reach = reach_of(entries, lane.ref)
    height = lane_height(entries, lane)
    middle = top + 30
    style = f"lane lane-{index % 8}" + (" context" if lane.context else "")
    drawing.add("rect", x=0, y=top, width=WIDTH, height=height, class_=style)
    drawing.add("text", shorten(lane.ref, 30), lane.ref, x=8, y=top + 20, class_="lane-ref")
    drawing.add("text", shorten(lane.label, 34), lane.label, x=8, y=top + 36, class_="lane-label")
    if lane.kind == "post":
        _post_life(drawing, entries, world, now=now, top=top, height=height, life_y=top + LANE_HEIGHT - 6)
    if lane.kind == "comment":
        _waiting(drawing, entries, world, now, top + LANE_HEIGHT - 6)
    ends = [float("-inf")] * ROWS
    previous_review: tuple[float, float] | None = None
    for entry in entries:
        if entry.occurred_at is None:
            continue
        x0, x1 = world.x(entry.occurred_at.earliest), world.x(entry.occurred_at.latest)
        label = _mark_label(entry)
        start = x0 if x1 - x0 >= 3 else x0 - 5
        end = max(x1, start + 6.2 * len(label)) + 6
        row = next((r for r in range(ROWS) if ends[r] <= start), min(range(ROWS), key=ends.__getitem__))
        ends[row] = end
        y = middle + ROW * row
        x = _mark(drawing, entry, world, y, index)
        marks[entry.position] = (x, y)
        text_x = start + (2 if x1 - x0 >= 3 else 0)
        anchor = "start"
        if text_x + 6.2 * len(label) > WIDTH - 4:
            text_x, anchor = WIDTH - 4, "end"
        drawing.add("text", label, x=text_x, y=y - 7, class_=_label_class(entry), text_anchor=anchor)
        if entry.type in REVIEWS:
            if entry.type == "VerdictRevised" and previous_review is not None:
                px, py = previous_review
                drawing.add(
                    "path",
                    d=f"M{px:.1f},{py + 5:.1f} C{px:.1f},{py + 18:.1f} "
                    f"{x:.1f},{y + 18:.1f} {x:.1f},{y + 5:.1f}",
                    class_="revision-link",
                )
            previous_review = (x, y)
    if reach:
        _reach_plot(drawing, reach, world, top + height - 6)


def _mark(drawing: Drawing, entry: TimelineEntry, world: Axis, middle: float, index: int) -> float:
    when = entry.occurred_at
    assert when is not None  # noqa: S101  (the caller skips ledger acts)
    x0, x1 = world.x(when.earliest), world.x(when.latest)
    title = (
        f"{entry.subject} v{entry.version} {entry.type} at {when} ({when.precision.value}): {entry.summary}"
    )
    kind = _mark_class(entry)
    if entry.type == "PostArchived":
        x = (x0 + x1) / 2
        drawing.add("polygon", title=title, points=_diamond(x, middle), class_=f"mark capture {kind}")
        return x
    if x1 - x0 < 3:
        x = (x0 + x1) / 2
        drawing.add(
            "circle", title=title, cx=x, cy=middle, r=4.5, class_=f"mark point {kind} lane-mark-{index % 8}"
        )
        return x
    clipped = " clipped" if when.earliest < world.start or when.latest > world.end else ""
    drawing.add(
        "rect",
        title=title,
        x=x0,
        y=middle - 5,
        width=x1 - x0,
        height=10,
        rx=3,
        class_=f"mark bar {kind} lane-mark-{index % 8}{clipped}",
    )
    return (x0 + x1) / 2


def _diamond(x: float, y: float) -> str:
    return f"{x:.1f},{y - 6} {x + 6:.1f},{y} {x:.1f},{y + 6} {x - 6:.1f},{y}"


def _mark_class(entry: TimelineEntry) -> str:
    if entry.type in REVIEWS:
        stance = entry.details.get("stance") or (
            "supported" if entry.type == "ClaimSupported" else "rebutted"
        )
        return f"review review-{stance}" if stance in {"rebutted", "supported"} else "review"
    return {"PostDeleted": "deletion-mark", "PostRestored": "restore"}.get(entry.type, "event")


def _mark_label(entry: TimelineEntry) -> str:
    if entry.type in REVIEWS:
        verdict = str(entry.details.get("verdict") or "")
        return ("revised: " if entry.type == "VerdictRevised" else "") + shorten(verdict, 28)
    return SHORT.get(entry.type, entry.type)


def _label_class(entry: TimelineEntry) -> str:
    return "verdict-label" if entry.type in REVIEWS else "mark-label"


def _post_life(
    drawing: Drawing,
    entries: Sequence[TimelineEntry],
    world: Axis,
    *,
    now: datetime,
    top: float,
    height: float,
    life_y: float,
) -> None:
    """The post's life (publication or restoration to deletion) at ``life_y``, each deletion window shaded."""
    alive: datetime | None = None
    for entry in entries:
        when = entry.occurred_at
        if when is None:
            continue
        if entry.type in {"PostPublished", "PostRestored"}:
            alive = when.earliest
        elif entry.type == "PostDeleted":
            x0, x1 = world.x(when.earliest), world.x(when.latest)
            drawing.add(
                "rect",
                title=f"deletion window: {when} ({when.precision.value})",
                x=x0,
                y=top + 4,
                width=max(x1 - x0, 2.0),
                height=height - 8,
                class_="deletion-window",
                data_from=when.earliest.isoformat(),
                data_to=when.latest.isoformat(),
            )
            if alive is not None:
                drawing.add("line", x1=world.x(alive), y1=life_y, x2=x1, y2=life_y, class_="life")
            alive = None
    if alive is not None:
        drawing.add("line", x1=world.x(alive), y1=life_y, x2=world.x(now), y2=life_y, class_="life live")


def _waiting(
    drawing: Drawing, entries: Sequence[TimelineEntry], world: Axis, now: datetime, y: float
) -> None:
    """A request's wait (a band whose top is at ``y``): from the request to its answer, lapse or ``now``."""
    requested = next((e for e in entries if e.type == "CommentRequested" and e.occurred_at), None)
    if requested is None or requested.occurred_at is None:
        return
    start = requested.occurred_at.earliest
    ended = next(
        (e for e in entries if e.type in {"CommentReceived", "CommentDeclined", "CommentRequestLapsed"}),
        None,
    )
    end = ended.occurred_at.earliest if ended is not None and ended.occurred_at is not None else now
    open_ = " open" if ended is None else ""
    drawing.add(
        "rect",
        x=world.x(start),
        y=y,
        width=max(world.x(end) - world.x(start), 2.0),
        height=7,
        class_=f"waiting{open_}",
        data_from=start.isoformat(),
        data_to=end.isoformat(),
    )
    # Requested at "..DATE" (no lower bound): only the days surely waited are known.
    unbounded = requested.occurred_at.open_start
    days = max(0, (end - (requested.occurred_at.latest if unbounded else start)).days)
    said = (
        f"waiting {'at least ' if unbounded else ''}{counted(days, 'day')}"
        f" to {'now' if ended is None else SHORT.get(ended.type, ended.type)}"
    )
    if end > world.end:
        said += " ▸"
    drawing.add(
        "text", said, x=min(world.x(end), RIGHT) - 2, y=y + 18, class_="wait-label", text_anchor="end"
    )
    deadline = requested.details.get("deadline")
    if isinstance(deadline, dict) and isinstance(deadline.get("latest"), str):
        moment = datetime.fromisoformat(deadline["latest"].replace("Z", "+00:00"))
        x = world.x(moment)
        drawing.add("line", x1=x, y1=y - 40, x2=x, y2=y + 10, class_="deadline")
        drawing.add("text", "deadline", x=x + 3, y=y + 18, class_="deadline-label")


def _reach_plot(drawing: Drawing, reach: list[tuple[TimelineEntry, int]], world: Axis, base: float) -> None:
    """Reach as a step plot: every observation a point, 33M and 33.1M two points."""
    highest = max(value for _, value in reach) or 1
    points = []
    for entry, value in reach:
        when = entry.occurred_at
        assert when is not None  # noqa: S101  (observations always have a world time)
        x = (world.x(when.earliest) + world.x(when.latest)) / 2
        points.append((x, base - (REACH_HEIGHT - 12) * value / highest, value, entry))
    path = f"M{points[0][0]:.1f},{base:.1f} V{points[0][1]:.1f}"
    for x, y, _, _ in points[1:]:
        path += f" H{x:.1f} V{y:.1f}"
    drawing.add("path", d=path + f" H{RIGHT}", class_="reach")
    for x, y, value, entry in points:
        drawing.add(
            "circle", title=f"{value:,} at {entry.occurred_at}", cx=x, cy=y, r=3, class_="reach-point"
        )
        drawing.add("text", compact(value), x=x + 5, y=y - 3, class_="reach-label")


def lane_height(entries: Sequence[TimelineEntry], lane: Lane) -> float:
    """How tall the lane of ``lane`` is: taller with reach to plot or a wait to draw."""
    return (
        LANE_HEIGHT
        + (REACH_HEIGHT if reach_of(entries, lane.ref) else 0)
        + (WAIT_HEIGHT if lane.kind == "comment" else 0)
    )
