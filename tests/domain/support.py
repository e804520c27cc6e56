"""What the pure domain tests share: a real in-memory Directory and small builders."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from domain.events import Directory, Provenance
from domain.worldtime import WorldTime


class SetDirectory:
    """A Directory that knows the subjects in a set: the in-memory twin of the ledger's."""

    def __init__(self, refs: Iterable[str] = ()) -> None:
        self.refs = set(refs)

    def exists(self, ref: str) -> bool:
        return ref in self.refs

    def add(self, *refs: str) -> SetDirectory:
        """Record ``refs`` as existing; returns self for chaining."""
        self.refs.update(refs)
        return self


def when(text: str) -> WorldTime:
    """A world time from ISO text (with a zone, or a date, month, year or window)."""
    return WorldTime.parse(text)


def provenance(*sources: str, recorded_by: str = "desk", note: str | None = None) -> Provenance:
    """Who records and from which sources."""
    return Provenance(recorded_by=recorded_by, sources=sources, note=note)


def common(directory: Directory, **extra: Any) -> dict[str, Any]:
    """The keyword arguments every command takes: provenance and the directory."""
    return {"provenance": provenance(), "directory": directory, **extra}


class World:
    """Subjects recorded so far, built only through the domain's command functions."""

    def __init__(self) -> None:
        self.directory = SetDirectory()
        self.states: dict[str, Any] = {}

    def record(self, event: Any) -> Any:
        """Apply ``event`` to its subject's state, as the ledger would after saving it."""
        self.states[event.subject] = event.apply(self.states.get(event.subject))
        self.directory.add(event.subject)
        return event

    def state(self, ref: str) -> Any:
        """The current state of ``ref``."""
        return self.states[ref]

    def kwargs(self, **extra: Any) -> dict[str, Any]:
        """Provenance and this world's directory, plus ``extra``."""
        return common(self.directory, **extra)


# The fake shares the real protocol: mypy checks this assignment.
_: Directory = SetDirectory()
