"""The common result format of every benchmark: a :class:`Figure` per thing measured.

A figure holds the runs of one measurement at one ledger size and, when it
has one, the runs of its baseline measured in the same run. Its value is the
median of the runs; its ratio is value ÷ baseline value, both in the
figure's unit (events/s, s, ms or MB), so a throughput ratio above 1 is
faster than the baseline and a time or memory ratio above 1 is slower or
bigger. A target bounds either the value or the ratio.

Benchmark modules return figures, or plain dicts with the same keys
(``Figure.from_dict``), so they need not import this module.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Unit = Literal["events/s", "s", "ms", "MB"]
HIGHER_IS_BETTER = frozenset({"events/s"})


@dataclass(frozen=True)
class Target:
    """A bound the project aims for: ``on`` the value or the ratio, ``op`` ``>=`` or ``<=``."""

    on: Literal["value", "ratio"]
    op: Literal[">=", "<="]
    limit: float

    def met(self, figure: Figure) -> bool | None:
        """Whether ``figure`` meets the target (None when it has no such number)."""
        number = figure.value if self.on == "value" else figure.ratio
        if number is None:
            return None
        return number >= self.limit if self.op == ">=" else number <= self.limit

    def describe(self, unit: str) -> str:
        """The target in words, e.g. ``ratio ≥ 0.7`` or ``≤ 0.4 s``."""
        sign = "≥" if self.op == ">=" else "≤"
        if self.on == "ratio":
            return f"ratio {sign} {self.limit:g}"
        return f"{sign} {self.limit:g} {unit}"


@dataclass(frozen=True)
class Figure:
    """One measurement at one size, with its baseline from the same run."""

    group: str
    """Which benchmark: ingest, replay, cli, memory, views, integrity, postgres."""
    name: str
    """What was measured, in a few words."""
    size: int | None
    """Events in the ledger (or recorded), None where size does not apply."""
    unit: str
    runs: Sequence[float] = ()
    """One value per repetition."""
    baseline: str | None = None
    """What the baseline is, in a few words."""
    baseline_runs: Sequence[float] = ()
    target: Target | None = None
    events: int | None = None
    """Events each run handled, for the per-event cost (defaults to ``size``; 0: not a per-event cost)."""
    status: str = "ok"
    """``ok``, ``not landed`` (the feature is not on main yet) or ``error: ...``."""
    note: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def value(self) -> float | None:
        """The median of the runs."""
        return statistics.median(self.runs) if self.runs else None

    @property
    def baseline_value(self) -> float | None:
        """The median of the baseline's runs."""
        return statistics.median(self.baseline_runs) if self.baseline_runs else None

    @property
    def ratio(self) -> float | None:
        """value ÷ baseline value."""
        value, base = self.value, self.baseline_value
        if value is None or not base:
            return None
        return value / base

    @property
    def per_event_us(self) -> float | None:
        """Microseconds per event, for throughputs and whole-log times."""
        return self._per_event(self.value)

    @property
    def baseline_per_event_us(self) -> float | None:
        """The baseline's microseconds per event, on the same events (None where it has none)."""
        return self._per_event(self.baseline_value)

    def _per_event(self, value: float | None) -> float | None:
        events = self.events if self.events is not None else self.size
        if value is None or not value:
            return None
        if self.unit == "events/s":
            return 1e6 / value
        if self.unit in ("s", "ms") and events:
            return value * (1e6 if self.unit == "s" else 1e3) / events
        return None

    @property
    def met(self) -> bool | None:
        """Whether the target is met (None without a target or a number)."""
        return self.target.met(self) if self.target else None

    def to_dict(self) -> dict[str, Any]:
        """The figure as JSON-ready data, with its derived numbers."""
        data = asdict(self)
        data["runs"] = list(self.runs)
        data["baseline_runs"] = list(self.baseline_runs)
        data["extra"] = dict(self.extra)
        data.update(
            value=self.value,
            baseline_value=self.baseline_value,
            ratio=self.ratio,
            per_event_us=self.per_event_us,
            met=self.met,
        )
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Figure:
        """A figure from a dict with the same keys (derived keys are ignored)."""
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        target = known.get("target")
        if isinstance(target, Mapping):
            known["target"] = Target(**target)
        return cls(**known)


def not_landed(group: str, name: str, why: str) -> Figure:
    """A placeholder saying a benchmark cannot run yet because its feature is not on main."""
    return Figure(group=group, name=name, size=None, unit="", status="not landed", note=why)


def as_figure(item: Figure | Mapping[str, Any]) -> Figure:
    """Accept a figure or its dict form."""
    return item if isinstance(item, Figure) else Figure.from_dict(item)
