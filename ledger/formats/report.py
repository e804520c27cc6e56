"""The timeline report: a post, claim, request for comment or case as one self-contained page.

:func:`build_report` gathers what a report shows from :class:`ledger.Ledger`
queries (the timeline on both clocks, the subjects' states, the sources,
the Merkle tree and its checkpoints); :func:`render_report` writes it as
HTML (HTML Living Standard; inline CSS and SVG 1.1, no script, no
external resource, printable on A4) or as Markdown (CommonMark with the
GitHub table extension). Templates are Jinja2 with autoescaping on, and
every recorded string is passed through
:func:`~ledger.formats.safe_text.printable` first, so neither markup nor
control characters from a recorded post reach the page or the terminal.

Besides the timeline's own entries, a report shows the history of the
posts its claims appear in (their reach), marked as context.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

import jinja2
from markupsafe import Markup

from domain.errors import InvalidError, LedgerError, NotFoundError
from domain.refs import ref_kind
from domain.worldtime import WorldTime
from ledger.formats.report_svg import Lane, draw_timeline
from ledger.formats.safe_text import printable
from ledger.formats.shapes import iso
from projections.timeline import Timeline, TimelineEntry, to_entry

if TYPE_CHECKING:
    from ledger.facade import Ledger

ReportFormat = Literal["html", "md"]
FORMATS: tuple[ReportFormat, ...] = ("html", "md")

CONTEXT_EVENTS = frozenset({"ClaimMade", "ClaimRepeated"})
"""Entries whose ``post`` (where the claim appeared) the report shows as context."""


@dataclass(frozen=True)
class SourceNote:
    """A source a report cites: its reference, title, kind, publisher and web address."""

    ref: str
    title: str
    kind: str
    publisher: str | None
    url: str | None

    @property
    def link(self) -> str | None:
        """The address, when it is one a reader may follow (``http``/``https`` only)."""
        if self.url and self.url.lower().startswith(("https://", "http://")):
            return self.url
        return None


@dataclass(frozen=True)
class Integrity:
    """What a printed report can be checked against: the log's origin, head, root and checkpoint."""

    origin: str | None
    head: int
    """The ledger's head when the report was made."""
    size: int
    """The size of the tree the report shows: the log up to the report's position (as_of, else the head)."""
    root: str | None
    """The Merkle root of that tree: what a checkpoint of that size signs."""
    checkpoint_size: int | None = None
    checkpoint_root: str | None = None
    checkpoint_signers: tuple[str, ...] = ()
    checkpoint_note: str | None = None


@dataclass(frozen=True)
class Report:
    """Everything one report shows; made by :func:`build_report`, written by :func:`render_report`."""

    subject: str
    title: str
    timeline: Timeline
    context: tuple[TimelineEntry, ...]
    lanes: tuple[Lane, ...]
    sources: tuple[SourceNote, ...]
    integrity: Integrity
    position: int
    now: datetime
    at: WorldTime | None = None
    status: str | None = None
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def entries(self) -> tuple[TimelineEntry, ...]:
        """The timeline's entries and the context entries, in world-time order."""
        return tuple(sorted((*self.timeline.entries, *self.context), key=lambda e: e.sort_key))

    @property
    def context_positions(self) -> frozenset[int]:
        """Log positions of the entries shown as context only."""
        return frozenset(e.position for e in self.context)


def build_report(
    ledger: Ledger,
    ref: str,
    *,
    at: WorldTime | str | datetime | None = None,
    as_of: int | str | datetime | None = None,
) -> Report:
    """Gather the report of ``ref`` on both clocks (``at`` a world time, ``as_of`` what the ledger knew).

    Raises what :meth:`Ledger.timeline` raises: :class:`NotFoundError` for an
    unknown subject, :class:`InvalidError` for a bad reference or time.
    """
    timeline = ledger.timeline(ref, at=at, as_of=as_of)
    position = timeline.as_of if timeline.as_of is not None else ledger.head
    world = timeline.at
    context = _context_entries(ledger, timeline, position, world)
    entries = sorted((*timeline.entries, *context), key=lambda e: e.sort_key)
    first: dict[str, TimelineEntry] = {}
    for entry in sorted(entries, key=lambda e: e.position):
        first.setdefault(entry.subject, entry)
    labels = {
        subject: _label(ledger, subject, position, first.get(subject))
        for subject in _lane_order(ref, entries)
    }
    lanes = tuple(
        Lane(
            ref=subject, kind=ref_kind(subject), label=labels[subject], context=subject not in _own(timeline)
        )
        for subject in labels
    )
    now = _now(ledger, as_of, position, world)
    return Report(
        subject=ref,
        title=labels.get(ref, ref),
        timeline=timeline,
        context=tuple(context),
        lanes=lanes,
        sources=tuple(_sources(ledger, entries, position)),
        integrity=_integrity(ledger, position),
        position=position,
        now=now,
        at=world,
        status=_where(timeline.status_at, timeline.possible),
        labels=labels,
    )


def render_report(report: Report, fmt: str = "html") -> str:
    """The report as an HTML page or a Markdown document (see the module's docstring)."""
    if fmt not in FORMATS:
        raise InvalidError(f"a report is html or md, not {fmt!r}")
    lanes = {lane.ref: number for number, lane in enumerate(report.lanes)}
    context = report.context_positions
    entries = report.entries
    rows = [_row(entry, lanes, context) for entry in entries]
    values: dict[str, Any] = {"report": report, "rows": rows}
    if fmt == "html":
        values["drawing"] = draw_timeline(entries, report.lanes, now=report.now, at=report.at)
        return _environment().get_template("report.html.j2").render(values)
    return _environment().get_template("report.md.j2").render(values)


# -- gathering -----------------------------------------------------------------------------------


def _own(timeline: Timeline) -> set[str]:
    return {e.subject for e in timeline.entries}


def _context_entries(
    ledger: Ledger, timeline: Timeline, position: int, world: WorldTime | None
) -> list[TimelineEntry]:
    """The entries of the posts the timeline's claims appear in, when not in the timeline already."""
    own = _own(timeline)
    posts = [
        e.details["post"]
        for e in timeline.entries
        if e.type in CONTEXT_EVENTS and isinstance(e.details.get("post"), str)
    ]
    found: list[TimelineEntry] = []
    for post in dict.fromkeys(posts):
        if post in own:
            continue
        try:
            history = ledger.history(post)
        except NotFoundError:
            continue
        for logged in history:
            if logged.position > position:
                break
            occurred = logged.event.occurred_at
            if world is not None and occurred is not None and occurred.earliest > world.latest:
                continue
            found.append(to_entry(logged))
    return found


def _lane_order(ref: str, entries: Sequence[TimelineEntry]) -> list[str]:
    order = [ref]
    for entry in entries:
        if entry.subject not in order:
            order.append(entry.subject)
    return order


LABELS: dict[str, Any] = {
    "PostPublished": lambda made: f"{made['platform']} post by {made['author']}",
    "ClaimMade": lambda made: f"“{made['text']}” ({made['claimant']})",
    "CommentRequested": lambda made: (
        f"request for comment from {made['requester']} to {made['recipient']} by {made['channel']}"
    ),
    "CaseOpened": lambda made: made["title"],
    "SourceRegistered": lambda made: made["title"],
    "ActorRegistered": lambda made: made["name"],
}
"""How each kind of subject is described in a lane's label and the report's title, from the
fields of the entry that created it."""


def _label(ledger: Ledger, ref: str, position: int, first: TimelineEntry | None) -> str:
    if first is None or first.version != 1 or first.type not in LABELS:
        # Only some of its entries are in the timeline: read its first one.
        try:
            first = next(e for e in map(to_entry, ledger.history(ref)) if e.position <= position)
        except (LedgerError, StopIteration):
            return ref
    try:
        return str(LABELS[first.type](first.details))
    except (KeyError, TypeError):
        return ref


def _sources(ledger: Ledger, entries: Iterable[TimelineEntry], position: int) -> list[SourceNote]:
    cited: dict[str, None] = {}
    for entry in entries:
        cited.update(dict.fromkeys(entry.sources))
        for evidence in entry.details.get("evidence") or ():
            if isinstance(evidence, dict) and isinstance(evidence.get("source"), str):
                cited[evidence["source"]] = None
    notes = []
    for ref in cited:
        try:
            state: Any = ledger.get(ref, as_of=position)
        except LedgerError:
            notes.append(SourceNote(ref, ref, "unknown", None, None))
            continue
        notes.append(SourceNote(ref, state.title, state.kind, state.publisher, state.url))
    return notes


def _integrity(ledger: Ledger, position: int) -> Integrity:
    head = ledger.head
    try:
        origin: str | None = ledger.origin
        root: str | None = ledger.tree_head(position).root_base64
        checkpoints = ledger.checkpoints()
    except LedgerError:
        return Integrity(origin=None, head=head, size=position, root=None)
    # The first checkpoint at or past the position: the one a consistency proof from it is shortest to.
    covering = [c for c in checkpoints if c.size >= position]
    if not covering:
        return Integrity(origin=origin, head=head, size=position, root=root)
    first = covering[0]
    signers = tuple(line[2:].split(" ", 1)[0] for line in first.note.splitlines() if line.startswith("— "))
    return Integrity(
        origin=origin,
        head=head,
        size=position,
        root=root,
        checkpoint_size=first.size,
        checkpoint_root=first.root_base64,
        checkpoint_signers=signers,
        checkpoint_note=first.note,
    )


def _where(status: str | None, possible: Sequence[str]) -> str | None:
    """A status at a world time, with what it may be when unknown: ``unknown (live or deleted)``."""
    if status != "unknown" or not possible:
        return status
    return f"unknown ({', '.join(possible[:-1])} or {possible[-1]})"


def _now(
    ledger: Ledger, as_of: int | str | datetime | None, position: int, world: WorldTime | None
) -> datetime:
    """The "now" a waiting request is measured to: the end of ``at``, else the record time of ``as_of``."""
    if world is not None:
        return world.latest
    if as_of is None or position == 0:
        return datetime.now(UTC)
    (logged,) = ledger.log(position - 1, until=position)
    return logged.recorded_at


# -- writing -------------------------------------------------------------------------------------


def _row(entry: TimelineEntry, lanes: dict[str, int], context: frozenset[int]) -> dict[str, Any]:
    evidence = [
        {"source": e["source"], "quote": e.get("quote")}
        for e in entry.details.get("evidence") or ()
        if isinstance(e, dict) and isinstance(e.get("source"), str)
    ]
    text = entry.details.get("text")
    return {
        "entry": entry,
        # The whole recorded text, where the summary shortens it.
        "text": text if isinstance(text, str) and text not in entry.summary else None,
        "when": "ledger act" if entry.occurred_at is None else str(entry.occurred_at),
        "precision": "" if entry.occurred_at is None else entry.occurred_at.precision.value,
        "recorded": iso(entry.recorded_at),
        "context": entry.position in context,
        "evidence": evidence,
        "lane": lanes.get(entry.subject, 0),
    }


def _markdown_cell(value: object) -> str:
    """A Markdown table cell: printable, one line, no markup (HTML entities, escaped pipes)."""
    text = printable(str(value), newlines=False, tabs=False)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for special in "\\|*_`[]#":
        text = text.replace(special, "\\" + special)
    return text


def _finalize(value: object) -> object:
    # Markup is already escaped (and made printable) by whoever built it.
    return printable(value) if isinstance(value, str) and not isinstance(value, Markup) else value


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("ledger.formats", "templates"),
        # HTML is escaped by Jinja; Markdown cells by the ``md`` filter, which knows Markdown's syntax.
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2", "svg.j2"), disabled_extensions=("md.j2",), default=True
        ),
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["md"] = _markdown_cell
    environment.filters["iso"] = iso
    return environment
