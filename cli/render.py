"""Rendering results: aligned tables for people, JSON and JSON Lines for programs.

One decorator, :func:`output_options`, gives a command ``--json`` (and
``--nl``) and hands it a ``fmt``; one function, :func:`emit`, streams items
in that format. JSON is an array of objects (streamed, never built whole),
``--nl`` one object per line, and both keep the models' field order, so the
same ledger always prints the same bytes.
"""

from __future__ import annotations

import functools
import json
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, Literal, Protocol, TypeVar

import click

from cli.width import display_width, pad
from cli.width import wrap as wrap_line
from ledger.formats.safe_text import printable

Format = Literal["table", "json", "nl"]
T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


class Shown(Protocol):
    """A world time as printed: a :class:`~domain.worldtime.WorldTime`, or one read from stored JSON
    (:class:`~projections.stored_timeline.StoredWorldTime`), so that reading commands need no pydantic."""

    @property
    def precision(self) -> str: ...


GAP = "  "
MIN_WRAP = 30


def output_options(*, nl: bool = True) -> Callable[[F], F]:
    """Add ``--json`` (and ``--nl`` unless ``nl`` is false); the command receives ``fmt``."""

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def wrapper(*args: Any, as_json: bool = False, as_nl: bool = False, **kwargs: Any) -> Any:
            if as_json and as_nl:
                raise click.UsageError("--json and --nl cannot be used together")
            fmt: Format = "json" if as_json else "nl" if as_nl else "table"
            return command(*args, fmt=fmt, **kwargs)

        if nl:
            wrapper = click.option(
                "--nl", "as_nl", is_flag=True, help="Print JSON Lines: one object a line, streamed."
            )(wrapper)
        return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(wrapper)  # type: ignore[return-value]

    return decorate


def emit(
    items: Iterable[T],
    fmt: Format,
    *,
    to_json: Callable[[T], Any],
    table: Callable[[Iterable[T]], Iterable[str]],
) -> None:
    """Print ``items`` as a table, a JSON array or JSON Lines, streaming as they come."""
    if fmt == "table":
        for line in table(items):
            say(line)
    elif fmt == "nl":
        for item in items:
            click.echo(json.dumps(to_json(item), ensure_ascii=False))
    else:
        first = True
        for item in items:
            text = json.dumps(to_json(item), ensure_ascii=False, indent=2)
            # Indent by JSON's own newlines only: a string may hold U+2028 or U+0085, which
            # str.splitlines (and so textwrap.indent) would take for line breaks.
            click.echo(("[\n  " if first else ",\n  ") + text.replace("\n", "\n  "), nl=False)
            first = False
        click.echo("[]" if first else "\n]")


def say(text: str = "", *, err: bool = False) -> None:
    """Print text for people, made printable (see :mod:`ledger.formats.safe_text`)."""
    click.echo(printable(text), err=err)


def echo_json(value: Any) -> None:
    """Print one JSON document."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


# -- text -----------------------------------------------------------------------------------------


def world_time(value: Shown | None) -> str:
    """A world time with its precision: ``2024-10-14..2024-10-17 (window)``."""
    # The precision is a str (a StrEnum in the model): formatted, it is its value.
    return "" if value is None else f"{value} ({value.precision})"


def record_time(moment: datetime) -> str:
    """A record time to the second, for tables."""
    return moment.strftime("%Y-%m-%d %H:%M:%SZ")


def table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], *, wrap: int | None = None, spaced: bool = False
) -> Iterator[str]:
    """Lines of an aligned table; cells may hold several lines.

    Every cell is made printable first (:func:`~ledger.formats.safe_text.printable`:
    controls, tabs and bidirectional characters escaped), and columns are
    measured in terminal columns (wide and combining characters align).
    Column ``wrap`` is wrapped to what the terminal leaves for it (at least
    ``MIN_WRAP`` columns), in time linear in its text; ``spaced`` puts a
    blank line between rows.
    """
    cells = [[printable(cell, tabs=False).split("\n") for cell in row] for row in rows]
    widths = [display_width(h) for h in headers]
    for row in cells:
        for index, lines in enumerate(row):
            widths[index] = max(widths[index], *(display_width(line) for line in lines))
    if wrap is not None:
        others = sum(w for i, w in enumerate(widths) if i != wrap) + len(GAP) * (len(widths) - 1)
        room = max(MIN_WRAP, shutil.get_terminal_size((120, 24)).columns - others)
        if widths[wrap] > room:
            widths[wrap] = room
            for row in cells:
                row[wrap] = [part for line in row[wrap] for part in wrap_line(line, room)]
    yield _line(headers, widths)
    yield _line(["-" * w for w in widths], widths)
    for number, row in enumerate(cells):
        if spaced and number:
            yield ""
        for index in range(max(len(lines) for lines in row)):
            yield _line([lines[index] if index < len(lines) else "" for lines in row], widths)


def _line(values: Sequence[str], widths: Sequence[int]) -> str:
    return GAP.join(pad(value, width) for value, width in zip(values, widths, strict=True)).rstrip()


def is_listed(value: Any) -> bool:
    """Whether ``value`` is shown as its items: any sequence but text (tuples, lists, and the
    trails a state keeps of its history, :class:`domain.trail.Trail`)."""
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """``(key, text)`` pairs of a state for reading: nested values under dotted keys."""
    # Imported here: timelines are printed without pydantic (see projections.stored_timeline).
    from pydantic import BaseModel  # noqa: PLC0415

    from domain.worldtime import WorldTime  # noqa: PLC0415

    if isinstance(value, WorldTime):
        yield prefix, world_time(value)
    elif isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            if info.exclude:
                continue  # bookkeeping, not part of what the value says
            yield from flatten(getattr(value, name), f"{prefix}.{name}" if prefix else name)
    elif is_listed(value):
        if not value:
            yield prefix, "(none)"
        for index, item in enumerate(value, start=1):
            yield from flatten(item, f"{prefix}.{index}")
    elif value is None:
        yield prefix, "-"
    else:
        yield prefix, str(value)
