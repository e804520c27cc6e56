"""The report's picture: a timeline on a world-time axis and a thinner record-time axis (SVG 1.1).

:func:`draw_timeline` lays out timeline entries into :class:`Shape` objects
(rectangles, lines, circles, paths, text), which the report's template
writes as SVG elements; Jinja escapes every value, so no recorded text
becomes markup. Colours and strokes are CSS classes of the report's style.

- One lane per subject; an imprecise world time is a bar spanning its
  bounds, an exact one (under three pixels wide) a point.
- A post's life runs from its publication to its deletion, the deletion
  window shaded; restorations and archive captures are marked; reach
  observations are a step plot in the lane (every observation a point).
- Reviews are labelled with their verdict; a revision is linked to the
  review it revises.
- A request for comment's waiting span runs from the request to its
  answer, lapse or "now", with its deadline.
- Below, every entry has a tick at its record time.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from markupsafe import Markup, escape

from domain.worldtime import WorldTime
from ledger.formats.safe_text import printable
from projections.timeline import TimelineEntry

WIDTH = 1000
LEFT = 210
RIGHT = 985
TOP = 34
LANE_HEIGHT = 86
WAIT_HEIGHT = 18
ROW = 20
ROWS = 3
REACH_HEIGHT = 34
RECORD_GAP = 46
CONNECTORS_UP_TO = 150
"""Draw a line from each entry's world time to its record time only up to this many entries."""
FOCUS_SPAN = timedelta(days=8)
"""Entries longer than this (a month-long note) do not stretch the axis; they are drawn clipped."""

REVIEWS = frozenset({"ClaimRebutted", "ClaimSupported", "VerdictRevised"})
SHORT = {
    "PostPublished": "published",
    "PostEdited": "edited",
    "PostArchived": "capture",
    "PostDeleted": "deleted",
    "PostRestored": "restored",
    "ClaimMade": "claim made",
    "ClaimRepeated": "repeated",
    "ClaimRetracted": "retracted",
    "CommentRequested": "requested",
    "CommentReceived": "answered",
    "CommentDeclined": "declined",
    "CommentRequestLapsed": "lapsed",
    "NoteAdded": "note",
    "PostMetricsObserved": "reach observed",
    "SourceRegistered": "published",
    "SourceArchived": "archived",
}


@dataclass(frozen=True)
class Lane:
    """One subject's row in the picture; ``context`` when it is shown only for its reach."""

    ref: str
    kind: str
    label: str
    context: bool = False


@dataclass(frozen=True)
class Shape:
    """One SVG element: its tag, attributes, text content and tooltip (``<title>``)."""

    tag: str
    attrs: dict[str, str | float]
    text: str | None = None
    title: str | None = None

    def markup(self) -> Markup:
        """The element as SVG: every value made printable, then escaped (markupsafe, as Jinja does)."""
        attributes = "".join(
            f' {name}="{escape(printable(str(value)))}"' for name, value in self.attrs.items()
        )
        inner = "" if self.title is None else f"<title>{escape(printable(self.title))}</title>"
        if self.text is not None:
            inner += str(escape(printable(self.text)))
        return Markup(f"<{self.tag}{attributes}>{inner}</{self.tag}>")  # noqa: S704  (every part escaped above)


@dataclass
class Drawing:
    """The laid-out picture: its size and shapes, in drawing order."""

    width: int
    height: int
    shapes: list[Shape] = field(default_factory=list)

    def add(self, tag: str, text: str | None = None, title: str | None = None, **attrs: str | float) -> None:
        """Append a shape; ``class_`` is written ``class``, other underscores as hyphens."""
        named = {k.rstrip("_").replace("_", "-"): _number(v) for k, v in attrs.items()}
        self.shapes.append(Shape(tag, named, text, title))


def _number(value: str | float) -> str | float:
    return round(value, 1) if isinstance(value, float) else value


class Axis:
    """A time axis mapping moments to x between ``LEFT`` and ``RIGHT``, clamped at both ends."""

    def __init__(self, start: datetime, end: datetime) -> None:
        if end <= start:
            start, end = start - timedelta(minutes=30), end + timedelta(minutes=30)
        pad = (end - start) * 0.03
        self.start, self.end = start - pad, end + pad

    def x(self, moment: datetime) -> float:
        """The x of ``moment`` (clamped to the axis)."""
        fraction = (moment - self.start) / (self.end - self.start)
        return LEFT + (RIGHT - LEFT) * min(1.0, max(0.0, fraction))

    def ticks(self) -> Iterator[tuple[float, str]]:
        """Round moments along the axis with their labels (about eight)."""
        span = (self.end - self.start).total_seconds()
        steps = [60, 600, 3600, 6 * 3600, 86400, 2 * 86400, 7 * 86400, 30 * 86400, 91 * 86400, 365 * 86400]
        step = next((s for s in steps if span / s <= 9), steps[-1] * math.ceil(span / steps[-1] / 9))
        label = "%Y-%m-%d" if step >= 86400 else "%m-%d %H:%M"
        first = math.ceil(self.start.timestamp() / step) * step
        moment = first
        while moment <= self.end.timestamp():
            when = datetime.fromtimestamp(moment, UTC)
            yield self.x(when), when.strftime(label)
            moment += step


def draw_timeline(
    entries: Sequence[TimelineEntry], lanes: Sequence[Lane], *, now: datetime, at: WorldTime | None = None
) -> Drawing:
    """Lay out ``entries`` in ``lanes`` (see the module's docstring); ``now`` ends open waits and lives.

    ``at``, the world time the report was asked at, is drawn as a band across the lanes.
    """
    world = _world_axis(entries)
    by_lane: dict[str, list[TimelineEntry]] = {lane.ref: [] for lane in lanes}
    for entry in entries:
        by_lane.setdefault(entry.subject, []).append(entry)
    tops: dict[str, float] = {}
    y: float = TOP
    for lane in lanes:
        tops[lane.ref] = y
        y += _lane_height(by_lane[lane.ref], lane)
    record_y = y + RECORD_GAP
    drawing = Drawing(WIDTH, int(record_y + 40))
    _axes(drawing, world, y, record_y, entries)
    marks: dict[int, tuple[float, float]] = {}
    for index, lane in enumerate(lanes):
        own = by_lane[lane.ref]
        _lane(drawing, lane, index, top=tops[lane.ref], entries=own, world=world, now=now, marks=marks)
    if at is not None:
        x0, x1 = world.x(at.earliest), world.x(at.latest)
        drawing.add(
            "rect",
            title=f"at {at}",
            x=x0,
            y=TOP - 8,
            width=max(x1 - x0, 1.5),
            height=y - TOP + 8,
            class_="at-band",
        )
        drawing.add("text", f"at {at}", x=x1 + 3, y=TOP + 4, class_="at-label")
    _record_ticks(drawing, entries, lanes, record_y=record_y, marks=marks)
    return drawing


def _lane_height(entries: Sequence[TimelineEntry], lane: Lane) -> float:
    return (
        LANE_HEIGHT
        + (REACH_HEIGHT if _reach(entries, lane.ref) else 0)
        + (WAIT_HEIGHT if lane.kind == "comment" else 0)
    )


def _world_axis(entries: Sequence[TimelineEntry]) -> Axis:
    timed = [e.occurred_at for e in entries if e.occurred_at is not None]
    focus = [t for t in timed if t.latest - t.earliest <= FOCUS_SPAN] or timed
    if not focus:
        moments = [e.recorded_at for e in entries] or [datetime.now(UTC)]
        return Axis(min(moments), max(moments))
    return Axis(min(t.earliest for t in focus), max(t.latest for t in focus))


def _axes(
    drawing: Drawing, world: Axis, bottom: float, record_y: float, entries: Sequence[TimelineEntry]
) -> None:
    drawing.add("text", "world time", x=8, y=TOP - 14, class_="axis-title")
    drawing.add("line", x1=LEFT, y1=TOP - 8, x2=RIGHT, y2=TOP - 8, class_="axis world-axis")
    for x, label in world.ticks():
        drawing.add("line", x1=x, y1=TOP - 12, x2=x, y2=bottom, class_="grid")
        drawing.add("text", label, x=x, y=TOP - 14, class_="tick-label", text_anchor="middle")
    drawing.add("text", "record time", x=8, y=record_y + 4, class_="axis-title")
    drawing.add("line", x1=LEFT, y1=record_y, x2=RIGHT, y2=record_y, class_="axis record-axis")
    if entries:
        first = min(e.recorded_at for e in entries)
        last = max(e.recorded_at for e in entries)
        drawing.add("text", _stamp(first), x=LEFT, y=record_y + 22, class_="tick-label")
        if last != first:
            drawing.add(
                "text", _stamp(last), x=RIGHT, y=record_y + 22, class_="tick-label", text_anchor="end"
            )


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _reach(entries: Sequence[TimelineEntry], ref: str) -> list[tuple[TimelineEntry, int]]:
    found = []
    for entry in entries:
        if entry.subject == ref and entry.type == "PostMetricsObserved":
            value = next(
                (entry.details.get(k) for k in ("views", "likes", "reposts") if entry.details.get(k)), None
            )
            if isinstance(value, int):
                found.append((entry, value))
    return found


def _lane(
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
    reach = _reach(entries, lane.ref)
    height = _lane_height(entries, lane)
    middle = top + 30
    style = f"lane lane-{index % 8}" + (" context" if lane.context else "")
    drawing.add("rect", x=0, y=top, width=WIDTH, height=height, class_=style)
    drawing.add("text", _short(lane.ref, 30), lane.ref, x=8, y=top + 20, class_="lane-ref")
    drawing.add("text", _short(lane.label, 34), lane.label, x=8, y=top + 36, class_="lane-label")
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
        return ("revised: " if entry.type == "VerdictRevised" else "") + _short(verdict, 28)
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
    days = max(0, (end - start).days)
    said = f"waiting {days} days to {'now' if ended is None else SHORT.get(ended.type, ended.type)}"
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


def _record_ticks(
    drawing: Drawing,
    entries: Sequence[TimelineEntry],
    lanes: Sequence[Lane],
    *,
    record_y: float,
    marks: dict[int, tuple[float, float]],
) -> None:
    if not entries:
        return
    axis = Axis(min(e.recorded_at for e in entries), max(e.recorded_at for e in entries))
    index = {lane.ref: number for number, lane in enumerate(lanes)}
    for entry in entries:
        x = axis.x(entry.recorded_at)
        lane = index.get(entry.subject, 0)
        if entry.position in marks and len(entries) <= CONNECTORS_UP_TO:
            mark_x, mark_y = marks[entry.position]
            drawing.add("line", x1=mark_x, y1=mark_y + 5, x2=x, y2=record_y - 7, class_="connector")
        drawing.add(
            "line",
            title=f"position {entry.position}: {entry.subject} v{entry.version} {entry.type}, "
            f"recorded {_stamp(entry.recorded_at)} by {entry.recorded_by}",
            x1=x,
            y1=record_y - 7,
            x2=x,
            y2=record_y + 7,
            class_=f"record-tick lane-tick-{lane % 8}",
            data_position=str(entry.position),
        )


def compact(value: int) -> str:
    """A count for a label: ``33M``, ``33.1M``, ``12.5k``, ``950`` (never rounding two values into one)."""
    for size, unit in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if value >= size:
            text = f"{value / size:.3f}".rstrip("0").rstrip(".")
            return f"{text}{unit}"
    return str(value)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
