"""The list views: one table per kind of subject, one row version per entry.

Every entry of a subject writes a new version of its row, valid from that
entry's log position until the next entry's (``valid_to``; ``OPEN`` while
current), so "what the ledger knew at position N" is
``valid_from <= N < valid_to``, an indexed range, and the current rows are
those still open. Each version also keeps the world time of the entry that
made it, which is what status at a world time needs
(:func:`projections.clocks.status_at`).

Columns follow the row models of :mod:`projections.rows`: scalars as
``TEXT``/``BIGINT``, world times and tuples as JSON ``TEXT``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple, get_args, get_origin

from domain.events import LogEntry
from domain.worldtime import WorldTime
from projections.clocks import StatusPoint, bounds
from projections.rows import ROW_CLASSES, SubjectRow, row_fields
from projections.sql import OPEN, Session, placeholders

VIEW_NAMES = {
    "actor": "actors",
    "source": "sources",
    "post": "posts",
    "claim": "claims",
    "comment": "comments",
    "case": "cases",
}
"""The view of each kind of subject."""

_SYSTEM_COLUMNS = ("valid_from", "valid_to", "event_earliest", "event_latest")
_CHUNK = 500


class Stated(NamedTuple):
    """A logged event with the state of its subject after it."""

    entry: LogEntry
    state: Any


class _Column(NamedTuple):
    name: str
    sql_type: str
    encode: Callable[[Any], Any]
    decode: Callable[[Any], Any]


def _same(value: Any) -> Any:
    return value


def _encode_world_time(value: WorldTime | None) -> str | None:
    return None if value is None else value.model_dump_json()


def _decode_world_time(value: str | None) -> WorldTime | None:
    return None if value is None else WorldTime.model_validate_json(value)


def _encode_tuple(value: tuple[str, ...]) -> str:
    return json.dumps(list(value))


def _decode_tuple(value: str) -> tuple[str, ...]:
    return tuple(json.loads(value))


def _column(name: str, annotation: Any) -> _Column:
    types = set(get_args(annotation)) | {annotation}
    if WorldTime in types:
        return _Column(name, "TEXT", _encode_world_time, _decode_world_time)
    if get_origin(annotation) is tuple:
        return _Column(name, "TEXT", _encode_tuple, _decode_tuple)
    if int in types:
        return _Column(name, "BIGINT", _same, _same)
    return _Column(name, "TEXT", _same, _same)


class SubjectView:
    """The view of one kind of subject (``posts``, ``claims``, ...)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.name = VIEW_NAMES[kind]
        self.row_class: type[SubjectRow] = ROW_CLASSES[kind]
        self.table = f"view_{self.name}"
        self.tables = (self.table,)
        fields = self.row_class.model_fields
        self.columns = tuple(
            _column(name, info.annotation)
            for name, info in fields.items()
            if name not in self.row_class.QUERY_ONLY
        )
        names = ", ".join(column.name for column in self.columns)
        definitions = ", ".join(
            f"{c.name} {c.sql_type}{'' if _optional(fields[c.name].annotation) else ' NOT NULL'}"
            for c in self.columns
        )
        self.ddl = (
            f"CREATE TABLE IF NOT EXISTS {self.table} ("
            "valid_from BIGINT NOT NULL, valid_to BIGINT NOT NULL, "
            f"event_earliest BIGINT, event_latest BIGINT, {definitions}, "
            "PRIMARY KEY (ref, version))",
            f"CREATE INDEX IF NOT EXISTS {self.table}_valid ON {self.table} (valid_to, valid_from)",
        )
        self._insert = (
            f"INSERT INTO {self.table} ({', '.join(_SYSTEM_COLUMNS)}, {names}) "
            f"VALUES ({placeholders(len(_SYSTEM_COLUMNS) + len(self.columns))})"
        )
        self._close = f"UPDATE {self.table} SET valid_to = ? WHERE ref = ? AND valid_to = ?"
        self._select = f"SELECT {names} FROM {self.table} v WHERE valid_from <= ? AND valid_to > ?"
        # Rows come in order of creation: the position of each subject's first version.
        self._order = (
            f" ORDER BY (SELECT f.valid_from FROM {self.table} f WHERE f.ref = v.ref AND f.version = 1)"
        )

    def write(self, session: Session, batch: Sequence[Stated]) -> None:
        """Write a row version for each entry of ``batch`` (entries of this kind, in log order)."""
        rows: list[list[Any]] = []
        closes = []
        latest: dict[str, list[Any]] = {}
        encoders = [(c.name, c.encode) for c in self.columns]
        for entry, state in batch:
            ref, position = entry.subject, entry.position
            previous = latest.get(ref)
            if previous is not None:
                previous[1] = position
            elif entry.version > 1:
                closes.append((position, ref, OPEN))
            fields = row_fields(state)
            row = [position, OPEN, *bounds(entry.event.occurred_at)]
            row.extend(encode(fields[name]) for name, encode in encoders)
            latest[ref] = row
            rows.append(row)
        session.executemany(self._close, closes)
        session.executemany(self._insert, rows)

    def rows(self, session: Session, as_of: int, equal: Mapping[str, str] | None = None) -> list[SubjectRow]:
        """Every row as of log position ``as_of`` whose columns equal ``equal``, in order of creation."""
        conditions = "".join(f" AND {column} = ?" for column in equal or {})
        statement = self._select + conditions + self._order
        return [
            self._row(values) for values in session.query(statement, (as_of, as_of, *(equal or {}).values()))
        ]

    def row(self, session: Session, ref: str, as_of: int) -> SubjectRow | None:
        """The row of ``ref`` as of log position ``as_of``, or None if not recorded then."""
        values = session.one(self._select + " AND ref = ?", (as_of, as_of, ref))
        return None if values is None else self._row(values)

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

    def _row(self, values: Sequence[Any]) -> SubjectRow:
        fields = {c.name: c.decode(value) for c, value in zip(self.columns, values, strict=True)}
        return self.row_class(**fields)


def _optional(annotation: Any) -> bool:
    return type(None) in get_args(annotation)


SUBJECT_VIEWS = {kind: SubjectView(kind) for kind in VIEW_NAMES}
"""The list view of each kind of subject."""
