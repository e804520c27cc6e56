"""The timeline view: each entry once, and the timelines it belongs to from which log position.

The rules are those of :mod:`projections.timeline`, applied one entry at a
time as the log is read:

- an entry belongs to its own subject's timeline;
- a post, claim, comment request or source that names a subject joins that
  subject's timeline with its whole history: its earlier entries are added
  then (``since`` the naming entry's position), its later ones as they come;
- an actor or case entry that names a subject belongs to that timeline alone;
- a case's timeline is the union of its own and its linked subjects'
  timelines, linked as of the query's log position.

``since`` is the log position from which an entry belongs to a timeline, so
"as of position N" is ``since <= N``: a claim's history joins a post's
timeline only once the claim was recorded, not before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from domain.case import SubjectLinked
from domain.events import LogEntry, event_class
from domain.refs import ref_kind
from projections.clocks import from_micros, micros
from projections.sql import Session, placeholders
from projections.timeline import WHOLE_HISTORY_KINDS, Timeline, build_timeline

ENTRIES = "view_timeline_entries"
MEMBERS = "view_timeline_members"
JOINS = "view_timeline_joins"
LINKS = "view_timeline_links"

DDL = (
    f"CREATE TABLE IF NOT EXISTS {ENTRIES} ("
    "position BIGINT PRIMARY KEY, subject TEXT NOT NULL, version BIGINT NOT NULL, "
    "topic TEXT NOT NULL, recorded_at BIGINT NOT NULL, payload TEXT NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {ENTRIES}_subject ON {ENTRIES} (subject, position)",
    f"CREATE TABLE IF NOT EXISTS {MEMBERS} ("
    "timeline TEXT NOT NULL, position BIGINT NOT NULL, since BIGINT NOT NULL, "
    "PRIMARY KEY (timeline, position))",
    f"CREATE TABLE IF NOT EXISTS {JOINS} ("
    "subject TEXT NOT NULL, timeline TEXT NOT NULL, since BIGINT NOT NULL, "
    "PRIMARY KEY (subject, timeline))",
    f"CREATE TABLE IF NOT EXISTS {LINKS} ("
    "case_ref TEXT NOT NULL, subject TEXT NOT NULL, since BIGINT NOT NULL, "
    "PRIMARY KEY (case_ref, subject))",
)

_INSERT_ENTRY = f"INSERT INTO {ENTRIES} VALUES (?,?,?,?,?,?)"
_INSERT_MEMBER = f"INSERT INTO {MEMBERS} VALUES (?,?,?)"
_INSERT_JOIN = f"INSERT INTO {JOINS} VALUES (?,?,?)"
_INSERT_LINK = f"INSERT INTO {LINKS} VALUES (?,?,?)"
# A subject joining a timeline brings the entries it already has.
_BACKFILL = (
    f"INSERT INTO {MEMBERS} (timeline, position, since) "
    f"SELECT ?, position, ? FROM {ENTRIES} WHERE subject = ? AND position < ?"
)
_SELECT_JOINS = f"SELECT subject, timeline FROM {JOINS} WHERE subject IN "
_CHUNK = 500


class Logged(NamedTuple):
    """A logged event with its JSON, as the views receive it."""

    entry: LogEntry
    payload: str


class TimelineView:
    """Materialises timelines: an indexed lookup per query instead of a scan of the log."""

    name = "timeline"
    tables = (ENTRIES, MEMBERS, JOINS, LINKS)
    ddl = DDL

    def write(self, session: Session, batch: Sequence[Logged]) -> None:
        """Add the entries of ``batch`` (in log order) to the timelines they belong to."""
        joined = self._joined(session, {item.entry.subject for item in batch})
        entries, members, joins, backfills, links = [], [], [], [], []
        for payload_entry, payload in batch:
            event = payload_entry.event
            subject, position = event.subject, payload_entry.position
            entries.append(
                (position, subject, event.originator_version, event.TOPIC,
                 micros(payload_entry.recorded_at), payload)
            )  # fmt: skip
            members.append((subject, position, position))
            mine = joined[subject]
            members.extend((timeline, position, position) for timeline in mine)
            whole = ref_kind(subject) in WHOLE_HISTORY_KINDS
            for named in dict.fromkeys(event.references()):
                if named == subject or named in mine:
                    continue
                if whole:
                    mine.add(named)
                    joins.append((subject, named, position))
                    backfills.append((named, position, subject, position))
                members.append((named, position, position))
            if isinstance(event, SubjectLinked):
                links.append((subject, event.linked, position))
        session.executemany(_INSERT_ENTRY, entries)
        session.executemany(_BACKFILL, backfills)
        session.executemany(_INSERT_MEMBER, members)
        session.executemany(_INSERT_JOIN, joins)
        session.executemany(_INSERT_LINK, links)

    @staticmethod
    def _joined(session: Session, subjects: Iterable[str]) -> defaultdict[str, set[str]]:
        joined: defaultdict[str, set[str]] = defaultdict(set)
        wanted = list(subjects)
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            for subject, timeline in session.query(f"{_SELECT_JOINS}({placeholders(len(chunk))})", chunk):
                joined[subject].add(timeline)
        return joined

    def timeline(self, session: Session, ref: str, as_of: int) -> Timeline | None:
        """The timeline of ``ref`` as the ledger knew it at log position ``as_of`` (None: unknown then)."""
        known = session.one(f"SELECT 1 FROM {ENTRIES} WHERE subject = ? AND position <= ?", (ref, as_of))
        if known is None:
            return None
        targets = [ref]
        if ref_kind(ref) == "case":
            linked = session.query(
                f"SELECT subject FROM {LINKS} WHERE case_ref = ? AND since <= ?", (ref, as_of)
            )
            targets.extend(row[0] for row in linked)
        rows = session.query(
            f"SELECT DISTINCT e.position, e.recorded_at, e.topic, e.payload FROM {MEMBERS} m "
            f"JOIN {ENTRIES} e ON e.position = m.position "
            f"WHERE m.timeline IN ({placeholders(len(targets))}) AND m.since <= ?",
            (*targets, as_of),
        )
        return build_timeline(ref, (_logged(row) for row in rows))


def _logged(row: tuple[int, int, str, str]) -> LogEntry:
    position, recorded_at, topic, payload = row
    return LogEntry(
        position=position,
        recorded_at=from_micros(recorded_at),
        event=event_class(topic).model_validate_json(payload),
    )
