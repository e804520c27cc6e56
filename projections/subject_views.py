"""The list views: one table per kind of subject, one row version per entry.

Every entry of a subject writes a new version of its row, valid from that
entry's log position (its key: versions are appended in log order) until
the next entry's (``valid_to``; ``OPEN`` while current), so "what the ledger
knew at position N" is ``valid_from <= N < valid_to``, and the current rows
are those still open. A subject's versions are found by ``(ref, version)``.
Each version also keeps the world time of the entry that made it (ISO 8601
text, as the event holds it) and its effect on the status, which is what
status at a world time needs (:func:`projections.clocks.world_points`,
:func:`projections.clocks.status_at`).

A version holds the row as JSON (``data``, the fields of the row models of
:mod:`projections.rows`) and, as columns, what queries select on: the
reference, version, status and the references a list can be filtered by.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import orjson

from projections.clocks import Effect, StatusPoint, world_points
from projections.rows import ROW_CLASSES, SubjectRow
from projections.sql import OPEN, Dialect, Session, Statement, placeholders
from projections.stored_rows import RawEntry, Row, effect, fold_row, moment

VIEW_NAMES = {
    "actor": "actors",
    "source": "sources",
    "post": "posts",
    "claim": "claims",
    "comment": "comments",
    "case": "cases",
}
"""The view of each kind of subject."""

REFERENCE_COLUMNS = {
    "actor": (),
    "source": ("publisher",),
    "post": ("author", "in_reply_to"),
    "claim": ("claimant",),
    "comment": ("requester", "recipient"),
    "case": (),
}
"""The references each view keeps as columns, so lists filter on them in SQL."""

_CHUNK = 500


class ViewMovedError(Exception):
    """The view is not where this catch-up left it: another process moved it (or reset it)."""


class Known(NamedTuple):
    """A subject's row as folded at a version, and the log position of that version."""

    version: int
    row: Row
    position: int


class SubjectView:
    """The view of one kind of subject (``posts``, ``claims``, ...)."""

    def __init__(self, kind: str, dialect: Dialect, table: Callable[[str], str] = str) -> None:
        self.kind = kind
        self.name = VIEW_NAMES[kind]
        self.row_class: type[SubjectRow] = ROW_CLASSES[kind]
        self.table = table(f"view_{self.name}")
        self.tables = (self.table,)
        self.references = REFERENCE_COLUMNS[kind]
        columns = ("ref", "version", "status", *self.references)
        extra = "".join(f"{name} TEXT, " for name in self.references)
        self.ddl = (
            f"CREATE TABLE IF NOT EXISTS {self.table} ("
            f"valid_from {dialect.position_key}, valid_to BIGINT NOT NULL, "
            "event_earliest TEXT, event_latest TEXT, effect TEXT, "
            f"ref TEXT NOT NULL, version BIGINT NOT NULL, status TEXT NOT NULL, {extra}"
            "data TEXT NOT NULL)",
            f"CREATE UNIQUE INDEX IF NOT EXISTS view_{self.name}_ref ON {self.table} (ref, version)",
        )
        self._insert = (
            f"INSERT INTO {self.table} (valid_from, valid_to, event_earliest, event_latest, effect, "
            f"{', '.join(columns)}, data) VALUES ({placeholders(len(columns) + 6)})"
        )
        self._close = f"UPDATE {self.table} SET valid_to = ? WHERE valid_from = ?"
        self._select = f"SELECT data FROM {self.table} v WHERE valid_from <= ? AND valid_to > ?"
        self._by_ref = f"SELECT data FROM {self.table} WHERE ref = ? AND valid_from <= ? AND valid_to > ?"
        # Rows come in order of creation: the position of each subject's first version.
        self._order = (
            f" ORDER BY (SELECT f.valid_from FROM {self.table} f WHERE f.ref = v.ref AND f.version = 1)"
        )

    def prepare(
        self,
        batch: Sequence[RawEntry],
        known: Mapping[str, Known],
        load: Callable[[SubjectView, list[str]], dict[str, Known]],
    ) -> tuple[list[Statement], dict[str, Known]]:
        """The statements writing a row version for each entry of ``batch`` (of this kind, in log order).

        ``known`` holds rows already folded; ``load`` reads the others (the
        current rows of the given subjects). Returns the statements, and the
        latest row of each subject.
        """
        latest = self._before(batch, known, load)
        rows: list[list[Any]] = []
        closes = []
        last_written: dict[str, list[Any]] = {}
        references = self.references
        for position, topic, ref, _, version, data in batch:
            previous = latest.get(ref)
            if version > 1 and (previous is None or previous.version != version - 1):
                raise ViewMovedError(f"{self.name} holds {ref} at another version than v{version - 1}")
            before = last_written.get(ref)
            if before is not None:
                before[1] = position
            elif previous is not None:
                closes.append((position, previous.position))
            row = fold_row(previous.row if previous else None, topic, data)
            latest[ref] = Known(version, row, position)
            when = data["occurred_at"]
            values = [position, OPEN, None, None, effect(topic, data), ref, version, row["status"]]
            if when is not None:
                values[2], values[3] = when["earliest"], when["latest"]
            for name in references:
                values.append(row[name])
            values.append(orjson.dumps(row).decode())
            last_written[ref] = values
            rows.append(values)
        return [(self._close, closes), (self._insert, rows)], latest

    def _before(
        self,
        batch: Sequence[RawEntry],
        known: Mapping[str, Known],
        load: Callable[[SubjectView, list[str]], dict[str, Known]],
    ) -> dict[str, Known]:
        """The rows the batch's subjects had before it (none for subjects it creates)."""
        before: dict[str, Known] = {}
        missing: dict[str, None] = {}
        created: set[str] = set()  # subjects the batch creates: nothing stored to look up
        for entry in batch:
            ref = entry.subject
            if entry.version == 1:
                created.add(ref)
                continue
            if ref in before or ref in missing or ref in created:
                continue
            found = known.get(ref)
            if found is not None and found.version == entry.version - 1:
                before[ref] = found
            else:
                missing[ref] = None
        if missing:
            before.update(load(self, list(missing)))
        return before

    def current(self, session: Session, refs: Sequence[str]) -> dict[str, Known]:
        """The current stored rows of ``refs``."""
        current = {}
        for start in range(0, len(refs), _CHUNK):
            chunk = refs[start : start + _CHUNK]
            found = session.query(
                f"SELECT ref, version, data, valid_from FROM {self.table} "
                f"WHERE ref IN ({placeholders(len(chunk))}) AND valid_to = ?",
                (*chunk, OPEN),
            )
            for ref, version, data, position in found:
                current[ref] = Known(version, orjson.loads(data), position)
        return current

    def rows(self, session: Session, as_of: int, equal: Mapping[str, str] | None = None) -> list[SubjectRow]:
        """Every row as of log position ``as_of`` whose columns equal ``equal``, in order of creation."""
        equal = equal or {}
        statement = self._select + "".join(f" AND {column} = ?" for column in equal) + self._order
        found = session.query(statement, (as_of, as_of, *equal.values()))
        return [self.row_class.model_validate_json(data) for (data,) in found]

    def row(self, session: Session, ref: str, as_of: int) -> SubjectRow | None:
        """The row of ``ref`` as of log position ``as_of``, or None if not recorded then."""
        found = session.one(self._by_ref, (ref, as_of, as_of))
        return None if found is None else self.row_class.model_validate_json(found[0])

    def points(self, session: Session, refs: Iterable[str], as_of: int) -> dict[str, list[StatusPoint]]:
        """The status points of each of ``refs`` recorded by log position ``as_of``."""
        effects: dict[str, list[Effect]] = {}
        wanted = list(refs)
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows = session.query(
                f"SELECT ref, version, event_earliest, event_latest, effect FROM {self.table} "
                f"WHERE valid_from <= ? AND ref IN ({placeholders(len(chunk))}) ORDER BY ref, version",
                (as_of, *chunk),
            )
            for ref, version, earliest, latest, found in rows:
                if earliest is not None:
                    item = Effect(version, moment(earliest), moment(latest), found)
                elif version == 1:
                    item = Effect(version, None, None, found)
                else:
                    continue
                effects.setdefault(ref, []).append(item)
        return {ref: world_points(items) for ref, items in effects.items()}
