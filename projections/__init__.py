"""Read models: pure functions that fold events into timelines and views."""

from projections.timeline import Timeline, TimelineEntry, build_timeline

__all__ = ["Timeline", "TimelineEntry", "build_timeline"]
