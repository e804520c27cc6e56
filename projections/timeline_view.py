"""The timeline view: each entry once, and which subjects' histories belong to which timelines.

The rules are those of :mod:`projections.timeline`, kept one entry at a time
as the log is read:

- an entry belongs to its own subject's timeline;
- a post, claim, comment request or source that names a subject joins that
  subject's timeline with its whole history, from the naming entry's log
  position on (``view_timeline_joins``);
- an actor or case entry that names a subject belongs to that timeline
  alone (``view_timeline_singles``);
- a case's timeline is the union of its own and its linked subjects'
  timelines, linked as of the query's log position (``view_timeline_links``).

So "the timeline of R as of position N" is: the entries up to N of R and of
every subject that joined R's timeline by N, and R's single entries up to N.
The view holds only that membership; the entries themselves are read from
the log (each subject's own stream, by its primary key), so nothing is
copied and nothing scans the log.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import NamedTuple

from domain.case import SubjectLinked
from domain.refs import ref_kind
from projections.sql import Dialect, Session, Statement, placeholders
from projections.stored_rows import RawEntry, references
from projections.timeline import WHOLE_HISTORY_KINDS

JOINS = "view_timeline_joins"
SINGLES = "view_timeline_singles"
LINKS = "view_timeline_links"

_CHUNK = 500


def timeline_ddl(dialect: Dialect, table: Callable[[str], str] = str) -> tuple[str, ...]:
    """The statements that create the timeline view's tables (``table`` names them in statements)."""
    return (
        f"CREATE TABLE IF NOT EXISTS {table(JOINS)} ("
        "timeline TEXT NOT NULL, subject TEXT NOT NULL, since BIGINT NOT NULL, "
        f"PRIMARY KEY (timeline, subject)){dialect.clustered}",
        f"CREATE TABLE IF NOT EXISTS {table(SINGLES)} ("
        "timeline TEXT NOT NULL, position BIGINT NOT NULL, "
        f"PRIMARY KEY (timeline, position)){dialect.clustered}",
        f"CREATE TABLE IF NOT EXISTS {table(LINKS)} ("
        "case_ref TEXT NOT NULL, subject TEXT NOT NULL, since BIGINT NOT NULL, "
        f"PRIMARY KEY (case_ref, subject)){dialect.clustered}",
    )


class Members(NamedTuple):
    """What a timeline is made of as of a log position."""

    subjects: tuple[str, ...]
    """The subjects whose whole histories (up to the position) belong to it, itself first."""
    singles: tuple[int, ...]
    """The log positions of entries that belong to it on their own."""


class TimelineView:
    """Materialises timelines: indexed lookups per query instead of a scan of the log."""

    name = "timeline"

    def __init__(
        self, dialect: Dialect, table: Callable[[str], str] = str, *, cache_size: int = 20_000
    ) -> None:
        self.ddl = timeline_ddl(dialect, table)
        self.tables = (table(JOINS), table(SINGLES), table(LINKS))
        self._joins, self._singles, self._links = self.tables
        # A subject joins a timeline once, at the first entry naming it: later attempts change nothing.
        self._insert_join = (
            f"INSERT INTO {self._joins} VALUES (?,?,?) ON CONFLICT (timeline, subject) DO NOTHING"
        )
        self._insert_single = f"INSERT INTO {self._singles} VALUES (?,?)"
        self._insert_link = f"INSERT INTO {self._links} VALUES (?,?,?)"
        # Timelines that recently seen subjects are known to have joined, up to log position
        # _cached_at (batches prepared, maybe not yet committed): a known join is not attempted again.
        self._joined: OrderedDict[str, set[str]] = OrderedDict()
        self._cached_at = -1
        self._cache_size = cache_size

    def prepare(self, batch: Sequence[RawEntry], *, after: int, end: int) -> list[Statement]:
        """The statements recording which timelines the entries of ``batch`` join.

        ``batch`` holds the entries after log position ``after`` up to ``end``,
        in log order. Call :meth:`forget` if they are not committed.
        """
        if after != self._cached_at:
            self.forget()
        joined = self._joined
        joins: list[tuple[str, str, int]] = []
        singles: list[tuple[str, int]] = []
        links: list[tuple[str, str, int]] = []
        for entry in batch:
            named = references(entry)
            if not named:
                continue
            subject, position = entry.subject, entry.position
            others = [other for other in dict.fromkeys(named) if other != subject]
            if entry.kind in WHOLE_HISTORY_KINDS:
                mine = joined.get(subject)
                if mine is None:
                    mine = joined[subject] = set()
                else:
                    joined.move_to_end(subject)
                for other in others:
                    if other not in mine:
                        mine.add(other)
                        joins.append((other, subject, position))
            else:
                singles.extend((other, position) for other in others)
            if entry.topic == SubjectLinked.TOPIC:
                links.append((subject, entry.data["linked"], position))
        self._cached_at = end
        while len(joined) > self._cache_size:
            joined.popitem(last=False)
        # In key order, consecutive inserts land on the same pages of the index.
        return [
            (self._insert_join, sorted(joins)),
            (self._insert_single, sorted(singles)),
            (self._insert_link, links),
        ]

    def forget(self) -> None:
        """Drop the cached joins (a batch was not committed, or another process moved on)."""
        self._joined.clear()
        self._cached_at = -1

    def members(self, session: Session, ref: str, as_of: int) -> Members:
        """What the timeline of ``ref`` is made of, as the ledger knew it at log position ``as_of``."""
        targets = [ref]
        if ref_kind(ref) == "case":
            linked = session.query(
                f"SELECT subject FROM {self._links} WHERE case_ref = ? AND since <= ?", (ref, as_of)
            )
            targets.extend(sorted(row[0] for row in linked))
        marks = placeholders(len(targets))
        subjects = dict.fromkeys(targets)
        joined = session.query(
            f"SELECT subject FROM {self._joins} WHERE timeline IN ({marks}) AND since <= ?", (*targets, as_of)
        )
        subjects.update(dict.fromkeys(sorted(row[0] for row in joined)))
        singles = session.query(
            f"SELECT DISTINCT position FROM {self._singles} WHERE timeline IN ({marks}) AND position <= ?",
            (*targets, as_of),
        )
        return Members(tuple(subjects), tuple(sorted(row[0] for row in singles)))
