"""The report picture's parts: its measures, lanes, SVG shapes, time axes and labels.

See :mod:`ledger.formats.report_svg`, which lays them out. A :class:`Shape`
writes itself as SVG with every value made printable and escaped
(markupsafe, as Jinja does), so no recorded text becomes markup.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from markupsafe import Markup, escape

from ledger.formats.safe_text import printable

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


def stamp(moment: datetime) -> str:
    """A record time to the second, in UTC, for the record-time axis."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def compact(value: int) -> str:
    """A count for a label: ``33M``, ``33.1M``, ``12.5k``, ``950`` (never rounding two values into one)."""
    for size, unit in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if value >= size:
            text = f"{value / size:.3f}".rstrip("0").rstrip(".")
            return f"{text}{unit}"
    return str(value)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
