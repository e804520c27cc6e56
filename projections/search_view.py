"""Full-text search: every text the ledger holds, as one more materialised view.

Each text of each entry is one document: a post's text in every version
(deleted posts' included: nothing is ever removed), a claim's text, a
review's verdict, rationale and evidence quotes, a request's question and
its answer, case notes, titles, names, descriptions, and the ``note`` any
entry may carry (:data:`TEXT_FIELDS`). A document knows its subject, the
subject's version, the log position and the JSON field it came from.

The results contract, on both backends: a query is split on white space
into terms; a document matches when every term occurs in its text, both
folded by :func:`fold` (Unicode NFKC and case folding: ``ＵＳ`` finds ``US``,
``ﬁ`` finds ``fi``, ``STRASSE`` finds ``Straße``), as substrings, so Chinese
or Japanese text without spaces is found. The view keeps each text folded
beside the original: the index is on the folded text, snippets show the
original.
Hits come best first (:func:`rank`, computed here, the same on both), then
in log order; with a limit, the best are chosen among the newest
:data:`RANK_WINDOW` matches, so a query matching most texts costs no more
than one matching a few thousand. Each hit has a snippet of its text with
the matches' offsets (:func:`snippet`), made here, the same on both.

- SQLite: an FTS5 table with the ``trigram`` tokenizer, so any substring of
  three characters or more is found through the index, in any script.
  Terms shorter than three characters are matched with ``LIKE`` on the
  folded text, which reads the texts the other terms leave (all of them
  when there are none).
- PostgreSQL: a plain table and, where the server has the ``pg_trgm``
  extension, a GIN trigram index on the folded text, which answers ``LIKE`` on
  every term of three characters or more, in any script (PostgreSQL's own
  text search does not split CJK runs into words, so it cannot keep the
  contract). Without ``pg_trgm`` the same ``LIKE`` reads the whole view:
  the same hits, slower, and a warning (:data:`NO_TRIGRAMS`) says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from domain.actor import ActorRegistered
from domain.case import CaseOpened, NoteAdded
from domain.claim import ClaimMade, ClaimRated, ClaimRebutted, ClaimRetracted, ClaimSupported, VerdictRevised
from domain.comment import CommentDeclined, CommentReceived, CommentRequested, CommentRequestLapsed
from domain.post import PostEdited, PostPublished
from domain.source import SourceRegistered
from projections.search_text import fold, snippet
from projections.sql import Dialect, Session, Statement
from projections.stored_rows import RawEntry, moment

SEARCH = "view_search"

_WARNED: set[str] = set()

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

_AUTOMERGE = 8
"""SQLite: FTS5 merges its index's segments once this many of a size pile up (4 by default)."""

RANK_WINDOW = 500
"""With a limit, the hits are the best of at most this many matches, the newest (see :func:`rank`)."""

TRIGRAM_INDEX = "view_search_trigrams"
NO_TRIGRAMS = (
    "search: the PostgreSQL search view has no trigram index (no pg_trgm extension), so every search "
    "reads the whole view; CREATE EXTENSION pg_trgm in the ledger's database, as a superuser, gives it one"
)
"""Said once a process (logged as a warning) when the PostgreSQL search view has no trigram index."""

# pg_trgm, when the server has it (CREATE EXTENSION needs a superuser, or the database's owner
# as pg_trgm is a trusted extension): its GIN index answers LIKE '%term%'. Without it the view
# is read whole, with the same results; no failure here may stop the views being made.
_TRIGRAMS = """DO $trigrams$
DECLARE home TEXT;
BEGIN
  BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
  EXCEPTION WHEN OTHERS THEN
    NULL;
  END;
  SELECT n.nspname INTO home FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
   WHERE e.extname = 'pg_trgm';
  IF home IS NOT NULL THEN
    EXECUTE 'CREATE INDEX IF NOT EXISTS view_search_trigrams ON {table} USING GIN (folded '
      || quote_ident(home) || '.gin_trgm_ops)';
  END IF;
END
$trigrams$"""


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
    for row in _document_rows(position, topic, data):
        position, seq, subject, kind, version, field, earliest, text = row
        yield Document(
            position=position,
            seq=seq,
            subject=subject,
            kind=kind,
            version=version,
            field=field,
            earliest=earliest,
            text=text,
        )


def _document_rows(position: int, topic: str, data: dict[str, Any]) -> list[list[Any]]:
    """The fields of each :class:`Document` of an entry, as plain lists (catch-up writes them as such)."""
    found: list[tuple[str, str | None]] = []
    for name in TEXT_FIELDS.get(topic, ()):
        if name == "evidence":
            found += [(f"evidence[{i}].quote", item.get("quote")) for i, item in enumerate(data[name])]
        else:
            found.append((name, data.get(name)))
    found.append(("note", data.get("note")))
    texts = [(field, text) for field, text in found if text]
    if not texts:
        return []
    subject: str = data["subject"]
    kind = subject.partition("/")[0]
    when = data.get("occurred_at")
    earliest = moment(when["earliest"]) if when else None
    version = data["originator_version"]
    return [
        [position, seq, subject, kind, version, field, earliest, text]
        for seq, (field, text) in enumerate(texts)
    ]


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


def _doubles(first: int, last: int) -> bool:
    """True when positions ``first`` to ``last`` cross a power of two (the log doubled in them)."""
    return (first - 1).bit_length() != last.bit_length()


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
        columns = "position, seq, subject, kind, version, field, earliest, text, folded"
        if dialect.name == "sqlite":
            # Only the folded text is indexed; the original is kept for the snippets. No sizes of
            # columns (columnsize = 0): they serve FTS5's bm25, and the ranking is computed here.
            self.ddl: tuple[str, ...] = (
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.table} USING fts5("
                "folded, text UNINDEXED, position UNINDEXED, seq UNINDEXED, subject UNINDEXED, "
                "kind UNINDEXED, "
                "version UNINDEXED, field UNINDEXED, earliest UNINDEXED, "
                "tokenize = 'trigram case_sensitive 0', columnsize = 0)",
                # Merging less often: a fifth less time adding texts (measured at 100,000 events), for
                # a few more segments read by a search (about a millisecond more for a common word).
                f"INSERT INTO {self.table}({self.table}, rank) VALUES ('automerge', {_AUTOMERGE})",
            )
        else:
            self.ddl = (
                f"CREATE TABLE IF NOT EXISTS {self.table} ("
                "position BIGINT NOT NULL, seq INTEGER NOT NULL, subject TEXT NOT NULL, "
                "kind TEXT NOT NULL, version BIGINT NOT NULL, field TEXT NOT NULL, earliest BIGINT, "
                "text TEXT NOT NULL, folded TEXT NOT NULL, PRIMARY KEY (position, seq))",
                _TRIGRAMS.replace("{table}", self.table),
            )
        self._trigram_index: bool | None = None
        self._insert = f"INSERT INTO {self.table} ({columns}) VALUES (?,?,?,?,?,?,?,?,?)"

    def prepare(self, batch: Sequence[RawEntry]) -> list[Statement]:
        """The statements adding the texts of ``batch`` (entries in log order, not yet in the view)."""
        rows: list[list[Any]] = []
        for entry in batch:
            for row in _document_rows(entry.position, entry.topic, entry.data):
                row.append(fold(row[7]))
                rows.append(row)
        statements: list[Statement] = [(self._insert, rows)]
        if self.dialect.name != "sqlite" and batch and _doubles(batch[0].position, batch[-1].position):
            # The planner needs row counts to choose between the trigram index (a rare word) and
            # reading the newest rows (a common one); a server may have autovacuum off. ANALYZE
            # each time the log doubles: a bounded share of the catch-up's cost.
            statements.append((f"ANALYZE {self.table}", [()]))
        return statements

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
        without a world time always count); ``limit``: at most that many, the
        best of the newest :data:`RANK_WINDOW` matches (None: all, all ranked).
        """
        conditions = self._sqlite(terms) if self.dialect.name == "sqlite" else self._postgres(terms)
        conditions.append(("position <= ?", [as_of]))
        if kind is not None:
            conditions.append(("kind = ?", [kind]))
        if until is not None:
            conditions.append(("(earliest IS NULL OR earliest <= ?)", [until]))
        # Newest first, so the window is read from the index without sorting every match
        # (in FTS5, rowid order is log order: texts are added in log order, and rebuilt so).
        newest = "rowid DESC" if self.dialect.name == "sqlite" else "position DESC, seq DESC"
        statement = (
            f"SELECT position, seq, subject, kind, version, field, text FROM {self.table} WHERE "
            + " AND ".join(sql for sql, _ in conditions)
            + f" ORDER BY {newest}"
        )
        if limit is not None:
            statement += f" LIMIT {max(RANK_WINDOW, int(limit))}"
        params = [value for _, values in conditions for value in values]
        found: list[Candidate] = [
            (int(position), int(seq), subject, subject_kind, int(version), field, text)
            for position, seq, subject, subject_kind, version, field, text in session.query(statement, params)
        ]
        if self.dialect.name != "sqlite":
            self._warn_without_trigrams(session)
        best = rank(found, terms)
        return [_hit(candidate, terms) for candidate in (best if limit is None else best[:limit])]

    def _sqlite(self, terms: Sequence[str]) -> list[_Clause]:
        long = [t for t in terms if len(t) >= 3]
        conditions: list[_Clause] = []
        if long:
            # Each term a quoted phrase: the user's text is never read as FTS5 query syntax.
            phrases = " AND ".join('"' + t.replace('"', '""') + '"' for t in long)
            conditions.append((f"{self.table} MATCH ?", [phrases]))
        conditions += [("folded LIKE ? ESCAPE '\\'", [_like(t)]) for t in terms if len(t) < 3]
        return conditions

    def _postgres(self, terms: Sequence[str]) -> list[_Clause]:
        # With pg_trgm, its GIN index answers LIKE '%term%' for terms of three characters or more.
        return [("folded LIKE ? ESCAPE '\\'", [_like(t)]) for t in terms]

    def _warn_without_trigrams(self, session: Session) -> None:
        if self._trigram_index is None:
            schema, _, table = self.table.rpartition(".")
            found = session.one(
                "SELECT 1 FROM pg_indexes WHERE schemaname = COALESCE(?::text, current_schema()) "
                "AND tablename = ? AND indexname = ?",
                [schema.strip('"') or None, table.strip('"'), TRIGRAM_INDEX],
            )
            self._trigram_index = found is not None
            if not self._trigram_index and self.table not in _WARNED:
                _WARNED.add(self.table)
                import logging  # noqa: PLC0415 - PostgreSQL only, once: searching SQLite never imports it

                logging.getLogger(__name__).warning(NO_TRIGRAMS)


Candidate = tuple[int, int, str, str, int, str, str]
"""A matching text as the view gives it: position, seq, subject, kind, version, field, text."""


def _hit(candidate: Candidate, terms: Sequence[str]) -> SearchHit:
    position, seq, subject, kind, version, field, text = candidate
    document = Document(
        position=position, seq=seq, subject=subject, kind=kind, version=version, field=field, earliest=None,
        text=text,
    )  # fmt: skip
    return hit_of(document, terms)


def rank(found: Sequence[Candidate], terms: Sequence[str]) -> list[Candidate]:
    """``found`` best first, then in log order: the same ranking on both backends.

    Okapi BM25 without the inverse document frequency (every term weighs
    the same; measuring each term's frequency would cost a pass over every
    match), with lengths in characters against the mean length of ``found``.
    """
    if not found:
        return []
    folded = list(terms)
    mean = sum(len(candidate[6]) for candidate in found) / len(found) or 1.0

    def score(candidate: Candidate) -> float:
        text = fold(candidate[6])
        norm = _K1 * (1 - _B + _B * len(text) / mean)
        total = 0.0
        for term in folded:
            count = text.count(term)
            total += count * (_K1 + 1) / (count + norm)
        return total

    return sorted(found, key=lambda c: (-score(c), c[0], c[1]))


_K1, _B = 1.2, 0.75


_Clause = tuple[str, list[Any]]
