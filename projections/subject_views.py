"""The list views: one table per kind of subject, one row version per entry.

Every entry of a subject writes a new version of its row, valid from that
entry's log position until the next entry's (``valid_to``; ``OPEN`` while
current), so "what the ledger knew at position N" is
``valid_from <= N < valid_to``, an indexed range, and the current rows are
those still open. Each version also keeps the world time of the entry that
made it, which is what status at a world time needs
(:func:`projections.clocks.status_at`).

A version holds the row as JSON (``data``, the fields of the row models of
:mod:`projections.rows`) and, as columns, what queries select on: the
reference, version, status and the references a list can be filtered by.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson

from projections.clocks import StatusPoint
from projections.rows import ROW_CLASSES, SubjectRow
from projections.sql import OPEN, Session, placeholders
from projections.stored_rows import RawEntry, Row, fold_row, world_bounds

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
    "claim": ("claimant", "post"),
    "comment": ("requester", "recipient"),
    "case": (),
}
"""The references each view keeps as columns, so lists filter on them in SQL."""

_CHUNK = 500


class SubjectView:
    """The view of one kind of subject (``posts``, ``claims``, ...)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.name = VIEW_NAMES[kind]
        self.row_class: type[SubjectRow] = ROW_CLASSES[kind]
        self.table = f"view_{self.name}"
        self.tables = (self.table,)
        self.references = REFERENCE_COLUMNS[kind]
        columns = ("ref", "version", "status", *self.references)
        extra = "".join(f"{name} TEXT, " for name in self.references)
        self.ddl = (
            f"CREATE TABLE IF NOT EXISTS {self.table} ("
            "valid_from BIGINT NOT NULL, valid_to BIGINT NOT NULL, "
            "event_earliest BIGINT, event_latest BIGINT, "
            f"ref TEXT NOT NULL, version BIGINT NOT NULL, status TEXT NOT NULL, {extra}"
            "data TEXT NOT NULL, PRIMARY KEY (ref, version))",
            f"CREATE INDEX IF NOT EXISTS {self.table}_valid ON {self.table} (valid_to, valid_from)",
        )
        self._insert = (
            f"INSERT INTO {self.table} (valid_from, valid_to, event_earliest, event_latest, "
            f"{', '.join(columns)}, data) VALUES ({placeholders(len(columns) + 5)})"
        )
        self._close = f"UPDATE {self.table} SET valid_to = ? WHERE ref = ? AND version = ?"
        self._select = f"SELECT data FROM {self.table} v WHERE valid_from <= ? AND valid_to > ?"
        self._by_ref = f"SELECT data FROM {self.table} WHERE ref = ? AND valid_from <= ? AND valid_to > ?"
        # Rows come in order of creation: the position of each subject's first version.
        self._order = (
            f" ORDER BY (SELECT f.valid_from FROM {self.table} f WHERE f.ref = v.ref AND f.version = 1)"
        )

    def write(
        self, session: Session, batch: Sequence[RawEntry], known: Mapping[str, tuple[int, Row]]
    ) -> dict[str, tuple[int, Row]]:
        """Write a row version for each entry of ``batch`` (entries of this kind, in log order).

        ``known`` holds rows already folded (ref -> version, row); the others
        are read from the table. Returns the latest row of each subject written.
        """
        latest: dict[str, tuple[int, Row]] = {}
        missing: dict[str, None] = {}
        for entry in batch:
            ref = entry.subject
            if ref in latest or ref in missing or entry.version == 1:
                continue
            found = known.get(ref)
            if found is not None and found[0] == entry.version - 1:
                latest[ref] = found
            else:
                missing[ref] = None
        latest.update(self._current(session, list(missing)))
        rows: list[list[Any]] = []
        closes = []
        last_written: dict[str, list[Any]] = {}
        references = self.references
        for entry in batch:
            ref, position, version = entry.subject, entry.position, entry.version
            before = last_written.get(ref)
            if before is not None:
                before[1] = position
            elif version > 1:
                closes.append((position, ref, version - 1))
            previous = latest.get(ref)
            row = fold_row(previous[1] if previous else None, entry)
            latest[ref] = (version, row)
            values = [position, OPEN, *world_bounds(entry.data["occurred_at"]), ref, version, row["status"]]
            values.extend(row[name] for name in references)
            values.append(orjson.dumps(row).decode())
            last_written[ref] = values
            rows.append(values)
        session.executemany(self._close, closes)
        session.executemany(self._insert, rows)
        return latest

    def _current(self, session: Session, refs: Sequence[str]) -> dict[str, tuple[int, Row]]:
        """The current stored rows of ``refs``."""
        current = {}
        for start in range(0, len(refs), _CHUNK):
            chunk = refs[start : start + _CHUNK]
            found = session.query(
                f"SELECT ref, version, data FROM {self.table} "
                f"WHERE valid_to = ? AND ref IN ({placeholders(len(chunk))})",
                (OPEN, *chunk),
            )
            for ref, version, data in found:
                current[ref] = (version, orjson.loads(data))
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
        points: dict[str, list[StatusPoint]] = {}
        wanted = list(refs)
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows = session.query(
                f"SELECT ref, version, event_earliest, event_latest, status FROM {self.table} "
                f"WHERE valid_from <= ? AND ref IN ({placeholders(len(chunk))}) ORDER BY ref, version",
                (as_of, *chunk),
            )
            for ref, version, earliest, latest, status in rows:
                if earliest is not None or version == 1:
                    points.setdefault(ref, []).append(StatusPoint(version, earliest, latest, status))
        return points
