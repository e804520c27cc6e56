"""The report's picture: a timeline on a world-time axis and a thinner record-time axis (SVG 1.1).

:func:`draw_timeline` lays out timeline entries into shapes (:mod:`ledger.formats.report_shapes`)
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

from collections.abc import Sequence
from datetime import UTC, datetime

from domain.worldtime import WorldTime
from ledger.formats.report_lanes import draw_lane, lane_height
from ledger.formats.report_shapes import (
    CONNECTORS_UP_TO,
    FOCUS_SPAN,
    LEFT,
    RECORD_GAP,
    RIGHT,
    TOP,
    WIDTH,
    Axis,
    Drawing,
    Lane,
    stamp,
)
from projections.timeline import TimelineEntry

__all__ = ["Lane", "draw_timeline"]


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
        y += lane_height(by_lane[lane.ref], lane)
    record_y = y + RECORD_GAP
    drawing = Drawing(WIDTH, int(record_y + 40))
    _axes(drawing, world, y, record_y, entries)
    marks: dict[int, tuple[float, float]] = {}
    for index, lane in enumerate(lanes):
        own = by_lane[lane.ref]
        draw_lane(drawing, lane, index, top=tops[lane.ref], entries=own, world=world, now=now, marks=marks)
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
        drawing.add("text", stamp(first), x=LEFT, y=record_y + 22, class_="tick-label")
        if last != first:
            drawing.add("text", stamp(last), x=RIGHT, y=record_y + 22, class_="tick-label", text_anchor="end")


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
            f"recorded {stamp(entry.recorded_at)} by {entry.recorded_by}",
            x1=x,
            y1=record_y - 7,
            x2=x,
            y2=record_y + 7,
            class_=f"record-tick lane-tick-{lane % 8}",
            data_position=str(entry.position),
        )
