"""Read models: pure functions that fold events into timelines and views."""

from typing import TYPE_CHECKING

from ledger.delegation import lazy_exports

if TYPE_CHECKING:
    from projections.timeline import Timeline, TimelineEntry, build_timeline

__all__ = ["Timeline", "TimelineEntry", "build_timeline"]

# Imported on first use (PEP 562): ``ledger timeline`` reads caught-up views without pydantic
# (projections.stored_timeline), which importing projections.timeline would load.
__getattr__ = lazy_exports(__name__, dict.fromkeys(__all__, "projections.timeline"), globals())
