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
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from domain.case import SubjectLinked
from domain.refs import ref_kind
from projections.sql import Dialect, Session, placeholders
from projections.stored_rows import RawEntry, references
from projections.timeline import WHOLE_HISTORY_KINDS

JOINS = "view_timeline_joins"
SINGLES = "view_timeline_singles"
LINKS = "view_timeline_links"

_INSERT_JOIN = f"INSERT INTO {JOINS} VALUES (?,?,?)"
_INSERT_SINGLE = f"INSERT INTO {SINGLES} VALUES (?,?)"
_INSERT_LINK = f"INSERT INTO {LINKS} VALUES (?,?,?)"
_CHUNK = 500


def timeline_ddl(dialect: Dialect) -> tuple[str, ...]:
    """The statements that create the timeline view's tables."""
    return (
        f"CREATE TABLE IF NOT EXISTS {JOINS} ("
        "subject TEXT NOT NULL, timeline TEXT NOT NULL, since BIGINT NOT NULL, "
        f"PRIMARY KEY (subject, timeline)){dialect.clustered}",
        f"CREATE INDEX IF NOT EXISTS {JOINS}_timeline ON {JOINS} (timeline, since)",
        f"CREATE TABLE IF NOT EXISTS {SINGLES} ("
        "timeline TEXT NOT NULL, position BIGINT NOT NULL, "
        f"PRIMARY KEY (timeline, position)){dialect.clustered}",
        f"CREATE TABLE IF NOT EXISTS {LINKS} ("
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
    tables = (JOINS, SINGLES, LINKS)

    def __init__(self, dialect: Dialect, *, cache_size: int = 20_000) -> None:
        self.ddl = timeline_ddl(dialect)
        # The timelines each recently seen subject has joined, as of log position _cached_at:
        # whole sets, so a subject found here needs no look-up in the table.
        self._joined: OrderedDict[str, set[str]] = OrderedDict()
        self._cached_at = -1
        self._cache_size = cache_size

    def write(self, session: Session, batch: Sequence[RawEntry], *, after: int) -> None:
        """Record the timelines that the entries of ``batch`` (in log order, after position ``after``) join.

        Call :meth:`written` once the transaction has committed, :meth:`forget` if it has not.
        """
        if after != self._cached_at:
            self.forget()
        joined = self._load(session, {entry.subject for entry in batch if entry.version > 1})
        joins: list[tuple[str, str, int]] = []
        singles: list[tuple[str, int]] = []
        links: list[tuple[str, str, int]] = []
        for entry in batch:
            named = references(entry)
            if not named:
                continue
            subject, position = entry.subject, entry.position
            others = [other for other in dict.fromkeys(named) if other != subject]
            if ref_kind(subject) in WHOLE_HISTORY_KINDS:
                mine = joined.get(subject)
                if mine is None:
                    mine = joined[subject] = set()
                for other in others:
                    if other not in mine:
                        mine.add(other)
                        joins.append((subject, other, position))
            else:
                singles.extend((other, position) for other in others)
            if entry.topic == SubjectLinked.TOPIC:
                links.append((subject, entry.data["linked"], position))
        session.executemany(_INSERT_JOIN, joins)
        session.executemany(_INSERT_SINGLE, singles)
        session.executemany(_INSERT_LINK, links)

    def written(self, end: int) -> None:
        """The batch written last is committed: the cached joins hold as of log position ``end``."""
        self._cached_at = end
        while len(self._joined) > self._cache_size:
            self._joined.popitem(last=False)

    def forget(self) -> None:
        """Drop the cached joins (the last batch was not committed, or another process moved on)."""
        self._joined.clear()
        self._cached_at = -1

    def _load(self, session: Session, subjects: Iterable[str]) -> OrderedDict[str, set[str]]:
        joined = self._joined
        wanted = []
        for subject in subjects:
            if subject in joined:
                joined.move_to_end(subject)
            elif ref_kind(subject) in WHOLE_HISTORY_KINDS:
                wanted.append(subject)
                joined[subject] = set()
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            found = session.query(
                f"SELECT subject, timeline FROM {JOINS} WHERE subject IN ({placeholders(len(chunk))})", chunk
            )
            for subject, timeline in found:
                joined[subject].add(timeline)
        return joined

    def members(self, session: Session, ref: str, as_of: int) -> Members:
        """What the timeline of ``ref`` is made of, as the ledger knew it at log position ``as_of``."""
        targets = [ref]
        if ref_kind(ref) == "case":
            linked = session.query(
                f"SELECT subject FROM {LINKS} WHERE case_ref = ? AND since <= ?", (ref, as_of)
            )
            targets.extend(row[0] for row in linked)
        marks = placeholders(len(targets))
        subjects = dict.fromkeys(targets)
        joined = session.query(
            f"SELECT subject FROM {JOINS} WHERE timeline IN ({marks}) AND since <= ?", (*targets, as_of)
        )
        subjects.update(dict.fromkeys(row[0] for row in joined))
        singles = session.query(
            f"SELECT DISTINCT position FROM {SINGLES} WHERE timeline IN ({marks}) AND position <= ?",
            (*targets, as_of),
        )
        return Members(tuple(subjects), tuple(sorted(row[0] for row in singles)))
