"""Flat SQL views: the ledger's current state as plain tables any SQL tool can browse.

A stable read interface for SQLite tools (Datasette, sqlite-utils, a
spreadsheet's ODBC) and PostgreSQL clients alike, on both backends, with one
plain column per field and current rows only:

- ``posts``, ``claims``, ``comment_requests``, ``actors``, ``sources``, ``cases``: one
  row per subject, its state as of the latest entry (from the list views);
- ``reviews`` (every rebuttal, support and revision of a verdict),
  ``appearances`` (every making and repetition of a claim) and ``captures``
  (every archive capture of a post or source, with the HTTP status it got,
  whether it showed a platform's tombstone page, whether it shows the post
  ``present`` or ``absent``, and the SHA-256 of a text it captured): one row
  per entry, from the ``facts`` view below, since nothing is ever removed;
- ``actor_handles``: one row per period an actor held a handle (``since``
  NULL for a handle given at registration, ``until`` NULL while held), from
  the actors' current rows, so "who held H at T" is one ``WHERE``.

A post known only by its traces has ``text`` and ``text_sha256`` NULL and
``text_captured`` 0; its ``deleted_within`` is the current deletion's bounds
narrowed by the captures (else those of ``deleted_at``).

A world time is two columns, ``NAME_earliest`` and ``NAME_latest`` (ISO
8601, as the entries hold them); lists (``about``, ``regarding``,
``handles``, ``evidence``) are JSON arrays as text; every row has its
``ref`` and ``version``. Columns are only ever added, never renamed.
They are plain SQL ``VIEW``\\ s over the materialised tables, so they are as
fresh as the views are (any ledger query brings those up to the log; so does
``ledger projections status``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import orjson

from domain.claim import ClaimMade, ClaimRated, ClaimRebutted, ClaimRepeated, ClaimSupported, VerdictRevised
from domain.post import PostArchived, shows_absence, shows_presence
from domain.source import SourceArchived
from projections.sql import OPEN, Dialect, Session, Statement
from projections.stored_rows import RawEntry

WT = "world time"
JSON = "json"
INT = "int"
TEXT = "text"
KNOWN = "known"
"""A 0/1 column: whether the field (named after ``_``) is known, e.g. ``text_captured`` from ``text``."""

SUBJECT_COLUMNS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "posts": (
        "view_posts",
        (
            ("platform", TEXT),
            ("author", TEXT),
            ("url", TEXT),
            ("in_reply_to", TEXT),
            ("text", TEXT),
            ("text_sha256", TEXT),
            ("text_captured", KNOWN),
            ("published_at", WT),
            ("deleted_at", WT),
            ("deleted_within", WT),
            ("deleted_by", TEXT),
            ("restored_at", WT),
            ("deletions", INT),
            ("edits", INT),
            ("views", INT),
            ("likes", INT),
            ("reposts", INT),
            ("observed_at", WT),
            ("archives", INT),
        ),
    ),
    "claims": (
        "view_claims",
        (
            ("text", TEXT),
            ("claimant", TEXT),
            ("post", TEXT),
            ("about", JSON),
            ("made_at", WT),
            ("stance", TEXT),
            ("verdict", TEXT),
            ("reviewer", TEXT),
            ("reviewed_at", WT),
            ("reviews", INT),
            ("appearances", INT),
            ("posts", JSON),
            ("retracted_at", WT),
            ("retracted_by", TEXT),
        ),
    ),
    "comment_requests": (
        "view_comments",
        (
            ("requester", TEXT),
            ("recipient", TEXT),
            ("channel", TEXT),
            ("question", TEXT),
            ("regarding", JSON),
            ("requested_at", WT),
            ("deadline", WT),
            ("answered_at", WT),
            ("answer", TEXT),
            ("lapsed_at", WT),
        ),
    ),
    "actors": (
        "view_actors",
        (("name", TEXT), ("kind", TEXT), ("description", TEXT), ("handles", JSON), ("held", JSON)),
    ),
    "sources": (
        "view_sources",
        (
            ("title", TEXT),
            ("kind", TEXT),
            ("url", TEXT),
            ("publisher", TEXT),
            ("published_at", WT),
            ("archives", INT),
        ),
    ),
    "cases": (
        "view_cases",
        (("title", TEXT), ("description", TEXT), ("subjects", JSON), ("notes", INT)),
    ),
}
"""Each flat view of subjects: the list view it reads, and its columns after ``ref, version, status``."""

_FACT_COLUMNS = "position, subject, version, type, occurred_earliest, occurred_latest"
FACT_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "reviews": ("view_facts_reviews", ("reviewer", "stance", "verdict", "rationale", "evidence")),
    "appearances": ("view_facts_appearances", ("post", "actor")),
    "captures": (
        "view_facts_captures",
        ("url", "digest", "http_status", "tombstone", "shows", "text_sha256"),
    ),
}
"""Each flat view of entries: its table and its columns after ``position, subject, version, type``
and the entry's world time (``occurred_earliest``, ``occurred_latest``)."""

_FACT_TYPES = {"http_status": "BIGINT", "tombstone": "INTEGER"}
"""The columns of the fact tables that are not text."""

HELD_COLUMNS = (
    "actor",
    "handle",
    "since_earliest",
    "since_latest",
    "until_earliest",
    "until_latest",
)
"""The columns of ``actor_handles``: one row per period an actor held a handle."""

FLAT_VIEWS = (*SUBJECT_COLUMNS, *FACT_TABLES, "actor_handles")
"""The names of the flat SQL views."""

_REVIEWS = {
    ClaimRebutted.TOPIC: "rebutted",
    ClaimSupported.TOPIC: "supported",
    ClaimRated.TOPIC: "unrated",
    VerdictRevised.TOPIC: "revised",
}


class FactsView:
    """The materialised table of each entry-per-row flat view (``reviews``, ``appearances``, ``captures``)."""

    name = "facts"

    def __init__(self, dialect: Dialect, table: Callable[[str], str] = str) -> None:
        self.tables = tuple(table(name) for name, _ in FACT_TABLES.values())
        self._tables = {view: table(name) for view, (name, _) in FACT_TABLES.items()}
        ddl = []
        self._insert = {}
        for view, (_, columns) in FACT_TABLES.items():
            extra = "".join(f", {column} {_FACT_TYPES.get(column, 'TEXT')}" for column in columns)
            ddl.append(
                f"CREATE TABLE IF NOT EXISTS {self._tables[view]} ("
                f"position {dialect.position_key}, subject TEXT NOT NULL, version BIGINT NOT NULL, "
                f"type TEXT NOT NULL, occurred_earliest TEXT, occurred_latest TEXT{extra})"
            )
            names = f"{_FACT_COLUMNS}, {', '.join(columns)}"
            marks = ",".join("?" * (6 + len(columns)))
            self._insert[view] = f"INSERT INTO {self._tables[view]} ({names}) VALUES ({marks})"
        self.ddl = tuple(ddl)

    def prepare(self, batch: Sequence[RawEntry]) -> list[Statement]:
        """The statements adding a row for each review, appearance and capture in ``batch``."""
        rows: dict[str, list[list[Any]]] = {view: [] for view in FACT_TABLES}
        for entry in batch:
            d = entry.data
            when = d.get("occurred_at") or {}
            head = [entry.position, entry.subject, entry.version]
            times = [when.get("earliest"), when.get("latest")]
            if entry.topic in _REVIEWS:
                evidence = orjson.dumps(d["evidence"]).decode()
                stance = d.get("stance") or (
                    None if entry.topic == VerdictRevised.TOPIC else _REVIEWS[entry.topic]
                )
                rows["reviews"].append(
                    [
                        *head,
                        _REVIEWS[entry.topic],
                        *times,
                        d["reviewer"],
                        stance,
                        d["verdict"],
                        d["rationale"],
                        evidence,
                    ]
                )
            elif entry.topic == ClaimMade.TOPIC:
                rows["appearances"].append([*head, "made", *times, d["post"], d["claimant"]])
            elif entry.topic == ClaimRepeated.TOPIC:
                rows["appearances"].append([*head, "repeated", *times, d["post"], d["by"]])
            elif entry.topic in (PostArchived.TOPIC, SourceArchived.TOPIC):
                rows["captures"].append([*head, "archived", *times, d["url"], *_capture(d)])
        return [(self._insert[view], found) for view, found in rows.items()]


def _capture(d: dict[str, Any]) -> list[Any]:
    """A capture's digest, HTTP status, tombstone (0/1), what it shows of the post, and text digest."""
    status, tombstone = d.get("http_status"), bool(d.get("tombstone", False))
    shows = None
    if "http_status" in d:  # a capture of a post: it may show it present or gone
        shows = "absent" if shows_absence(status, tombstone) else None
        shows = shows or ("present" if shows_presence(status, tombstone) else None)
    return [d.get("digest"), status, int(tombstone), shows, d.get("text_sha256")]


def _extract(dialect: Dialect, path: Sequence[str], kind: str) -> str:
    if dialect.name == "sqlite":
        return f"json_extract(data, '$.{'.'.join(path)}')"
    value = f"(data::jsonb) #>> '{{{','.join(path)}}}'"
    return f"({value})::bigint" if kind == INT else value


def flat_view_ddl(dialect: Dialect, table: Callable[[str], str] = str) -> tuple[str, ...]:
    """The statements creating the flat SQL views (after their tables exist)."""
    statements = []
    for view, (source, columns) in SUBJECT_COLUMNS.items():
        selected = ["ref", "version", "status"]
        for name, kind in columns:
            if kind == WT:
                for bound in ("earliest", "latest"):
                    selected.append(f"{_extract(dialect, (name, bound), TEXT)} AS {name}_{bound}")
            elif kind == KNOWN:
                known = _extract(dialect, (name.rpartition("_")[0],), TEXT)
                selected.append(f"CASE WHEN {known} IS NULL THEN 0 ELSE 1 END AS {name}")
            else:
                selected.append(f"{_extract(dialect, (name,), kind)} AS {name}")
        # Rows in order of creation, as the lists give them.
        statements.append(
            f"CREATE VIEW {table(view)} AS SELECT {', '.join(selected)} FROM {table(source)} "
            f"WHERE valid_to = {OPEN}"
        )
    for view, (source, facts) in FACT_TABLES.items():
        statements.append(
            f"CREATE VIEW {table(view)} AS SELECT {_FACT_COLUMNS}, {', '.join(facts)} FROM {table(source)}"
        )
    statements.append(_actor_handles(dialect, table))
    return tuple(statements)


def _actor_handles(dialect: Dialect, table: Callable[[str], str]) -> str:
    """The view of every period a handle was held, from the ``held`` of the actors' current rows."""
    paths = (("since", "earliest"), ("since", "latest"), ("until", "earliest"), ("until", "latest"))
    if dialect.name == "sqlite":
        periods = f"{table('view_actors')} v, json_each(v.data, '$.held') h"

        def part(*path: str) -> str:
            return f"json_extract(h.value, '$.{'.'.join(path)}')"
    else:
        held = "jsonb_array_elements((v.data::jsonb) -> 'held') AS h(value)"
        periods = f"{table('view_actors')} v CROSS JOIN LATERAL {held}"

        def part(*path: str) -> str:
            return f"(h.value #>> '{{{','.join(path)}}}')"

    handle = f"{part('handle', 'platform')} || ':' || {part('handle', 'handle')}"
    times = [f"{part(*path)} AS {'_'.join(path)}" for path in paths]
    return (
        f"CREATE VIEW {table('actor_handles')} AS SELECT v.ref AS actor, {handle} AS handle, "
        f"{', '.join(times)} FROM {periods} WHERE v.valid_to = {OPEN}"
    )


def drop_flat_views(session: Session, table: Callable[[str], str] = str) -> None:
    """Drop the flat SQL views (before the tables under them are dropped or changed)."""
    for view in FLAT_VIEWS:
        session.execute(f"DROP VIEW IF EXISTS {table(view)}")


def create_flat_views(session: Session, dialect: Dialect, table: Callable[[str], str] = str) -> None:
    """Create the flat SQL views afresh over the current tables."""
    drop_flat_views(session, table)
    for statement in flat_view_ddl(dialect, table):
        session.execute(statement)
