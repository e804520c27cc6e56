"""Full-text search: every text the ledger holds, as one more materialised view.

Each text of each entry is one document: a post's text in every version
(deleted posts' included: nothing is ever removed), a claim's text, a
review's verdict, rationale and evidence quotes, a request's question and
its answer, case notes, titles, names, descriptions, and the ``note`` any
entry may carry (:data:`TEXT_FIELDS`). A document knows its subject, the
subject's version, the log position and the JSON field it came from.

The results contract, on both backends: a query is split on white space
into terms; a document matches when every term occurs in its text, ignoring
case (substrings, so Chinese or Japanese text without spaces is found).
Hits come best first, then in log order; each has a snippet of its text
with the matches' offsets (:func:`snippet`), made here, the same on both.

- SQLite: an FTS5 table with the ``trigram`` tokenizer, so any substring of
  three characters or more is found through the index, in any script;
  ranked by FTS5's ``bm25``. Terms shorter than three characters are
  matched with ``LIKE`` (ASCII case folding only).
- PostgreSQL: a plain table with a GIN index on ``to_tsvector('simple',
  text)``; ranked by ``ts_rank``. PostgreSQL's parser does not split CJK
  runs into words, so matching is ``ILIKE`` on every term (a scan of the
  view's table, not of the log), which keeps the contract above.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from domain.actor import ActorRegistered
from domain.case import CaseOpened, NoteAdded
from domain.claim import ClaimMade, ClaimRated, ClaimRebutted, ClaimRetracted, ClaimSupported, VerdictRevised
from domain.comment import CommentDeclined, CommentReceived, CommentRequested, CommentRequestLapsed
from domain.errors import InvalidError
from domain.post import PostEdited, PostPublished
from domain.source import SourceRegistered
from projections.sql import Dialect, Session, Statement
from projections.stored_rows import RawEntry, moment

SEARCH = "view_search"

_REVIEW = ("verdict", "rationale", "evidence")
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    PostPublished.TOPIC: ("text",),
    PostEdited.TOPIC: ("text",),
    ClaimMade.TOPIC: ("text",),
    ClaimRebutted.TOPIC: _REVIEW,
    ClaimSupported.TOPIC: _REVIEW,
    ClaimRated.TOPIC: _REVIEW,
    VerdictRevised.TOPIC: _REVIEW,
    ClaimRetracted.TOPIC: ("reason",),
    CommentRequested.TOPIC: ("question",),
    CommentReceived.TOPIC: ("text",),
    CommentDeclined.TOPIC: ("text",),
    CommentRequestLapsed.TOPIC: ("text",),
    NoteAdded.TOPIC: ("text",),
    CaseOpened.TOPIC: ("title", "description"),
    SourceRegistered.TOPIC: ("title",),
    ActorRegistered.TOPIC: ("name", "description"),
}
"""The text fields of each event type (``evidence``: each item's ``quote``); every entry's ``note`` too."""

MAX_QUERY = 500
"""The longest query accepted, in characters."""

SNIPPET = 160
"""The longest snippet, in characters (more, with the ellipses)."""


class SearchHit(BaseModel):
    """One text that matched: where it is (subject, version, position, field) and a snippet of it.

    ``highlights`` are ``[start, end)`` offsets, in characters, of the
    matches within ``snippet``.
    """

    model_config = ConfigDict(frozen=True)

    subject: str
    kind: str
    version: int
    position: int
    field: str
    snippet: str
    highlights: tuple[tuple[int, int], ...]


class Document(BaseModel):
    """A text of an entry, as the search view keeps it."""

    model_config = ConfigDict(frozen=True)

    position: int
    seq: int
    subject: str
    kind: str
    version: int
    field: str
    earliest: int | None
    text: str


def documents(position: int, topic: str, data: dict[str, Any]) -> Iterator[Document]:
    """The texts of one entry, from its event's JSON (as stored, or as ``model_dump(mode="json")``)."""
    subject: str = data["subject"]
    kind = subject.partition("/")[0]
    when = data.get("occurred_at")
    earliest = moment(when["earliest"]) if when else None
    found: list[tuple[str, str | None]] = []
    for name in TEXT_FIELDS.get(topic, ()):
        if name == "evidence":
            found += [(f"evidence[{i}].quote", item.get("quote")) for i, item in enumerate(data[name])]
        else:
            found.append((name, data.get(name)))
    found.append(("note", data.get("note")))
    seq = 0
    for field, text in found:
        if text:
            yield Document(
                position=position,
                seq=seq,
                subject=subject,
                kind=kind,
                version=data["originator_version"],
                field=field,
                earliest=earliest,
                text=text,
            )
            seq += 1


def terms_of(query: str) -> list[str]:
    """The terms of a query: its words split on white space; :class:`InvalidError` if none or too long."""
    if len(query) > MAX_QUERY:
        raise InvalidError(f"a search is at most {MAX_QUERY} characters, not {len(query)}")
    if "\x00" in query:
        raise InvalidError("a search cannot contain NUL characters")
    terms = list(dict.fromkeys(query.split()))
    if not terms:
        raise InvalidError("a search needs at least one word")
    return terms


def matches(text: str, terms: Sequence[str]) -> bool:
    """True when every term occurs in ``text``, ignoring case (the contract both backends keep)."""
    # Lower-casing, as SQLite's trigram tokenizer and PostgreSQL's ILIKE fold (not casefold: ß stays).
    folded = text.lower()
    return all(term.lower() in folded for term in terms)


def snippet(text: str, terms: Sequence[str]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A window of ``text`` around its first match (``…`` where cut), and the matches' offsets in it."""
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    first = pattern.search(text)
    start = 0
    if len(text) > SNIPPET and first is not None:
        start = max(0, min(first.start() - SNIPPET // 3, len(text) - SNIPPET))
    end = min(len(text), start + SNIPPET)
    window = text[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    spans = tuple(
        (m.start() + len(prefix), m.end() + len(prefix))
        for m in pattern.finditer(window)
        if m.end() > m.start()
    )
    return prefix + window + suffix, spans


def hit_of(document: Document, terms: Sequence[str]) -> SearchHit:
    """The hit a matching document gives."""
    shown, spans = snippet(document.text, terms)
    return SearchHit(
        subject=document.subject,
        kind=document.kind,
        version=document.version,
        position=document.position,
        field=document.field,
        snippet=shown,
        highlights=spans,
    )


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SearchView:
    """The search view: one row per text of each entry, indexed for full-text search."""

    name = "search"

    def __init__(self, dialect: Dialect, table: Callable[[str], str] = str) -> None:
        self.dialect = dialect
        self.table = table(SEARCH)
        self.tables = (self.table,)
        columns = "position, seq, subject, kind, version, field, earliest, text"
        if dialect.name == "sqlite":
            self.ddl: tuple[str, ...] = (
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.table} USING fts5("
                "text, position UNINDEXED, seq UNINDEXED, subject UNINDEXED, kind UNINDEXED, "
                "version UNINDEXED, field UNINDEXED, earliest UNINDEXED, "
                "tokenize = 'trigram case_sensitive 0')",
            )
        else:
            self.ddl = (
                f"CREATE TABLE IF NOT EXISTS {self.table} ("
                "position BIGINT NOT NULL, seq INTEGER NOT NULL, subject TEXT NOT NULL, "
                "kind TEXT NOT NULL, version BIGINT NOT NULL, field TEXT NOT NULL, earliest BIGINT, "
                "text TEXT NOT NULL, PRIMARY KEY (position, seq))",
                f"CREATE INDEX IF NOT EXISTS view_search_text ON {self.table} "
                "USING GIN (to_tsvector('simple', text))",
            )
        self._insert = f"INSERT INTO {self.table} ({columns}) VALUES (?,?,?,?,?,?,?,?)"

    def prepare(self, batch: Sequence[RawEntry]) -> list[Statement]:
        """The statements adding the texts of ``batch`` (entries in log order, not yet in the view)."""
        rows = [
            [d.position, d.seq, d.subject, d.kind, d.version, d.field, d.earliest, d.text]
            for entry in batch
            for d in documents(entry.position, entry.topic, entry.data)
        ]
        return [(self._insert, rows)]

    def search(
        self,
        session: Session,
        terms: Sequence[str],
        *,
        as_of: int,
        kind: str | None = None,
        until: int | None = None,
        limit: int | None = None,
    ) -> list[SearchHit]:
        """The texts recorded by position ``as_of`` matching every term, best first.

        ``kind``: only texts of subjects of that kind; ``until`` (microseconds
        since the epoch): only entries that may have happened by then (those
        without a world time always count); ``limit``: at most that many.
        """
        score, conditions = (self._sqlite if self.dialect.name == "sqlite" else self._postgres)(terms)
        conditions.append(("position <= ?", [as_of]))
        if kind is not None:
            conditions.append(("kind = ?", [kind]))
        if until is not None:
            conditions.append(("(earliest IS NULL OR earliest <= ?)", [until]))
        statement = (
            f"SELECT position, seq, subject, kind, version, field, text, {score[0]} AS score "
            f"FROM {self.table} WHERE " + " AND ".join(sql for sql, _ in conditions)
        )
        statement += " ORDER BY score DESC, position, seq"
        if limit is not None:
            statement += f" LIMIT {int(limit)}"
        params = [*score[1], *(value for _, values in conditions for value in values)]
        rows = session.query(statement, params)
        return [
            hit_of(
                Document(
                    position=int(position),
                    seq=int(seq),
                    subject=subject,
                    kind=subject_kind,
                    version=int(version),
                    field=field,
                    earliest=None,
                    text=text,
                ),
                terms,
            )
            for position, seq, subject, subject_kind, version, field, text, _ in rows
        ]

    def _sqlite(self, terms: Sequence[str]) -> tuple[_Clause, list[_Clause]]:
        long = [t for t in terms if len(t) >= 3]
        conditions: list[_Clause] = []
        score: _Clause = ("0", [])
        if long:
            # Each term a quoted phrase: the user's text is never read as FTS5 query syntax.
            phrases = " AND ".join('"' + t.replace('"', '""') + '"' for t in long)
            conditions.append((f"{self.table} MATCH ?", [phrases]))
            score = (f"-bm25({self.table})", [])
        conditions += [("text LIKE ? ESCAPE '\\'", [_like(t)]) for t in terms if len(t) < 3]
        return score, conditions

    def _postgres(self, terms: Sequence[str]) -> tuple[_Clause, list[_Clause]]:
        score: _Clause = (
            "ts_rank(to_tsvector('simple', text), plainto_tsquery('simple', ?))",
            [" ".join(terms)],
        )
        return score, [("text ILIKE ? ESCAPE '\\'", [_like(t)]) for t in terms]


_Clause = tuple[str, list[Any]]
