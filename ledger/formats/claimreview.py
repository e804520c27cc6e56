"""schema.org ClaimReview in: reading reviews from JSON-LD files and saved HTML pages.

Source: https://schema.org/ClaimReview, https://schema.org/Claim,
https://schema.org/Rating, https://schema.org/DataFeed; Google's ClaimReview
structured-data guidelines. Accepted shapes: one ClaimReview, a JSON array of
them, a ``DataFeed`` (``dataFeedElement[].item[]``, as DataCommons
publishes), JSON-LD with ``@graph``, and an HTML page (its JSON-LD and
microdata, read by ``extruct``). Every document is expanded with ``pyld``
against the bundled schema.org context, so prefixes and contexts do not
matter; nothing is fetched.

Each ClaimReview becomes a :class:`~ledger.formats.reviews.ReviewItem`; the
ledger side of the mapping is :mod:`ledger.formats.reviews`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

from domain.errors import FormatError, InvalidError
from domain.worldtime import WorldTime
from ledger.formats.jsonld import compact_schema
from ledger.formats.reviews import Appearance, Party, Rating, ReviewItem

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
MAX_FILE_BYTES = 64 * 1024 * 1024
"""The largest file read (JSON-LD is expanded in memory; a feed this size is ~100,000 reviews)."""


def read_claimreviews(path: str | os.PathLike[str]) -> list[ReviewItem]:
    """Every ClaimReview in the file at ``path`` (JSON, JSON-LD or HTML), checked.

    Raises :class:`~domain.errors.FormatError` naming the file, the item
    (``item N``, 1-based in document order, or its ``@id``) and the field.
    """
    return list(iter_claimreviews(path))


def iter_claimreviews(path: str | os.PathLike[str]) -> Iterator[ReviewItem]:
    """The ClaimReviews of :func:`read_claimreviews` one at a time, each checked as it is reached.

    A JSON array, a ``@graph`` and a DataFeed's elements are compacted one
    element at a time (with the document's context), so that the expanded
    form of a large feed is never held whole.
    """
    name = os.fspath(path)
    index = 0
    for index, node in enumerate(_review_nodes(name, _documents(name)), start=1):
        yield _item(name, index, node)
    if index == 0:
        raise FormatError("no ClaimReview found", file=name)


def _documents(name: str) -> list[Any]:
    raw = read_limited(name, MAX_FILE_BYTES)
    if Path(name).suffix.lower() in HTML_SUFFIXES:
        import extruct  # type: ignore[import-untyped]  # noqa: PLC0415  (lxml is slow to import)

        if not raw.strip():
            raise FormatError("not a readable HTML page: the file is empty", file=name)
        try:
            found = extruct.extract(raw, syntaxes=["json-ld", "microdata"], uniform=True)
        except json.JSONDecodeError as error:
            where = f"line {error.lineno} column {error.colno} of the script"
            raise FormatError(
                f"a JSON-LD script is not valid JSON: {error.msg} ({where})", file=name
            ) from None
        except RecursionError:
            raise FormatError("not readable: a JSON-LD script is nested too deeply", file=name) from None
        except Exception as error:  # lxml and extruct raise many kinds; the page is unreadable either way
            raise FormatError(f"not a readable HTML page: {type(error).__name__}", file=name) from None
        return [*found.get("json-ld", []), *found.get("microdata", [])]
    try:
        return [json.loads(raw.decode("utf-8"))]
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FormatError(f"not valid JSON: {error}", file=name) from None
    except RecursionError:
        raise FormatError("not readable: the JSON is nested too deeply", file=name) from None


def _review_nodes(name: str, documents: list[Any]) -> Iterator[dict[str, Any]]:
    for document in documents:
        for unit in _units(_with_context(document), None):
            try:
                compacted = compact_schema(unit)
            except InvalidError as error:
                raise FormatError(str(error), file=name) from None
            yield from _find_reviews(compacted)


_SPLIT: Final = ("@graph", "dataFeedElement")
"""Lists whose elements are compacted a chunk at a time: a ``@graph``, a DataFeed's elements."""
CHUNK: Final = 200
"""Elements compacted at once: pyld's cost per call is amortised, and a feed is never expanded whole."""


def _units(document: Any, context: Any) -> Iterator[Any]:
    """``document`` in parts that compact to the same nodes as the whole: the elements of an array,
    a ``@graph`` or a ``dataFeedElement`` list, a chunk at a time, under the context in force there.

    Compaction merges no nodes (it embeds nothing by ``@id``), so each element
    compacts as it would within the document; what else a split node holds
    is compacted after its elements, as :func:`_find_reviews` visits it.
    """
    if isinstance(document, list):
        yield from _chunks(document, context)
        return
    if not isinstance(document, dict):
        return
    scoped = _in_context(document, context)
    key = _split_key(document)
    if key is None:
        yield scoped
        return
    context = scoped.get("@context")
    yield from _chunks(document[key], context)
    rest = {k: v for k, v in document.items() if k not in {key, "@context"}}
    if any(k in rest for k in (*_SPLIT, "item")):
        yield from _units(rest, context)


def _split_key(node: Any) -> str | None:
    """The list of ``node`` whose elements are compacted apart, if it has one (a ClaimReview has none)."""
    if not isinstance(node, dict) or "ClaimReview" in str(node.get("@type", node.get("type"))):
        return None
    return next((key for key in _SPLIT if isinstance(node.get(key), list)), None)


def _chunks(elements: list[Any], context: Any) -> Iterator[Any]:
    chunk: list[Any] = []
    for element in elements:
        if isinstance(element, list) or _split_key(element) is not None:
            if chunk:
                yield _graph(chunk, context)
                chunk = []
            yield from _units(element, context)
            continue
        chunk.append(element)
        if len(chunk) == CHUNK:
            yield _graph(chunk, context)
            chunk = []
    if chunk:
        yield _graph(chunk, context)


def _graph(nodes: list[Any], context: Any) -> dict[str, Any]:
    return {"@graph": nodes} if context is None else {"@context": context, "@graph": nodes}


def _in_context(node: dict[str, Any], context: Any) -> dict[str, Any]:
    """``node`` with the context in force around it, then its own (a context list applies in order)."""
    if context is None:
        return node
    if "@context" not in node:
        return {"@context": context, **node}
    own = node["@context"]
    return {**node, "@context": [*_many(context), *_many(own)]}


def read_limited(name: str, limit: int) -> bytes:
    """The bytes of the file ``name``, refused (:class:`FormatError`) beyond ``limit``."""
    try:
        with Path(name).open("rb") as stream:
            raw = stream.read(limit + 1)
    except OSError as error:
        raise FormatError(f"cannot read the file: {error.strerror or error}", file=name) from None
    if len(raw) > limit:
        raise FormatError(f"the file is larger than {limit:,} bytes; split it", file=name)
    return raw


def _with_context(document: Any) -> Any:
    """A plain JSON ClaimReview often has no ``@context``: read it as schema.org."""
    if isinstance(document, list):
        return [_with_context(item) for item in document]
    if isinstance(document, dict) and "@context" not in document:
        return {"@context": "https://schema.org", **document}
    return document


def _types(node: dict[str, Any]) -> set[str]:
    found = node.get("type", node.get("@type", []))
    return set(found if isinstance(found, list) else [found])


def _find_reviews(node: Any) -> Iterator[dict[str, Any]]:
    """ClaimReview nodes in document order: top level, ``@graph``, DataFeed items."""
    if isinstance(node, list):
        for item in node:
            yield from _find_reviews(item)
    elif isinstance(node, dict):
        if "ClaimReview" in _types(node):
            yield node
            return
        for key in ("@graph", "dataFeedElement", "item"):
            if key in node:
                yield from _find_reviews(node[key])


def _one(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _many(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str | None:
    value = _one(value)
    if isinstance(value, dict):
        value = value.get("@value", value.get("name"))
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _url(value: Any) -> str | None:
    value = _one(value)
    if isinstance(value, dict):
        value = value.get("url", value.get("@id", value.get("id")))
    return _text(value)


def _party(value: Any) -> Party | None:
    value = _one(value)
    if value is None:
        return None
    if isinstance(value, str):
        return Party(name=value, url=None, kind="organization")
    if not isinstance(value, dict):
        return None
    name = _text(value.get("name"))
    url = _url(value.get("url")) or _url(value.get("sameAs"))
    if name is None and url is None:
        return None
    kind = "person" if "Person" in _types(value) else "organization"
    return Party(name=name or url or "", url=url, kind=kind)


def review_date(text: Any, field: str) -> WorldTime:
    """A schema.org ``Date`` or ``DateTime``: a date is that UTC day; a date-time needs its zone."""
    value = _text(text)
    if value is None:
        raise InvalidError("missing: a date is required")
    try:
        return WorldTime.parse(value)
    except InvalidError as error:
        raise InvalidError(f"{field}: {error}") from None


TEXT: Final = frozenset({"text"})
NUMBER: Final = frozenset({"text", "number"})
NODE: Final = frozenset({"text", "object"})
"""JSON types a field may hold: text; text or a number (rating numbers); text or an object (a URL, a
Party, an appearance: a name or URL as text, or a node)."""
_PARTY: Final = {"name": TEXT, "url": NODE, "sameAs": NODE}
_RATING: Final = {
    "alternateName": TEXT,
    "name": TEXT,
    "ratingValue": NUMBER,
    "bestRating": NUMBER,
    "worstRating": NUMBER,
}
_APPEARANCE: Final = {"url": NODE, "datePublished": TEXT}
_CLAIM: Final = {
    "datePublished": (TEXT, None),
    "author": (NODE, _PARTY),
    "firstAppearance": (NODE, _APPEARANCE),
    "appearance": (NODE, _APPEARANCE),
}
_REVIEW: Final[dict[str, tuple[frozenset[str], Any]]] = {
    "claimReviewed": (TEXT, None),
    "author": (NODE, _PARTY),
    "reviewRating": (frozenset({"object"}), _RATING),
    "datePublished": (TEXT, None),
    "itemReviewed": (frozenset({"object"}), _CLAIM),
    "url": (NODE, None),
    "name": (TEXT, None),
    "headline": (TEXT, None),
}
"""Every field the mapping reads, with the JSON types it may hold and, for an object, its own fields."""
_EXPECTED: Final = {
    TEXT: "text",
    NUMBER: "text or a number",
    NODE: "text or an object",
    frozenset({"object"}): "an object",
}


def _json_type(value: Any) -> str:
    """``text``, ``number``, ``object`` or another JSON type's name; a value object is its value's."""
    if isinstance(value, dict) and "@value" in value:
        value = value["@value"]
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "number"
    if isinstance(value, dict):
        return "object"
    return {bool: "true/false", list: "list"}.get(type(value), type(value).__name__)


def _check_types(node: dict[str, Any], fields: dict[str, Any], path: str) -> tuple[str, str] | None:
    """The first field of ``node`` (and of the objects it holds) whose value is of a JSON type the
    mapping cannot read, as (field, reason); ``None`` when every one can be read."""
    for key, spec in fields.items():
        allowed, inner = spec if isinstance(spec, tuple) else (spec, None)
        field = f"{path}{key}"
        # A schema.org field whose value is an IRI compacts to ``schema:url`` when it is not text.
        wrong = node.get(f"schema:{key}")
        if wrong is not None:
            return field, f"expected {_EXPECTED[allowed]}, got {_json_type(wrong)}"
        for value in _many(node.get(key)):
            found = _json_type(value)
            if found not in allowed:
                return field, f"expected {_EXPECTED[allowed]}, got {found}"
            if inner is not None and found == "object" and "@value" not in value:
                problem = _check_types(value, inner, f"{field}.")
                if problem is not None:
                    return problem
    return None


def _refuse_wrong_types(node: dict[str, Any], fail: Callable[[str, str], FormatError]) -> None:
    problem = _check_types(node, _REVIEW, "")
    if problem is not None:
        raise fail(*problem)


def _item(name: str, index: int, node: dict[str, Any]) -> ReviewItem:
    # The @id is quoted (escaped, cut short): it is input, and error lines reach terminals.
    where = f"item {index}" + (f" ({node['id'][:100]!r})" if isinstance(node.get("id"), str) else "")

    def fail(field: str, reason: str) -> FormatError:
        return FormatError(reason, file=name, item=where, field=field)

    # A value of another JSON type is refused, not read as text (123 as the claim "123") or left out
    # (a claim given as text would lose its claimant and appearances).
    _refuse_wrong_types(node, fail)
    claim_text = _text(node.get("claimReviewed"))
    if claim_text is None:
        raise fail("claimReviewed", "missing: the text of the claim is required")
    reviewer = _party(node.get("author"))
    if reviewer is None:
        raise fail("author", "missing: the reviewer (an Organization or Person with a name) is required")
    rating_node = _one(node.get("reviewRating"))
    if not isinstance(rating_node, dict):
        raise fail("reviewRating", "missing: a Rating is required")
    label = _text(rating_node.get("alternateName")) or _text(rating_node.get("name"))
    if label is None:
        raise fail("reviewRating.alternateName", "missing: a rating needs its label (alternateName)")
    try:
        reviewed_at = review_date(node.get("datePublished"), "datePublished")
    except InvalidError as error:
        raise fail("datePublished", str(error).removeprefix("datePublished: ")) from None
    claim = _one(node.get("itemReviewed"))
    claim = claim if isinstance(claim, dict) else {}
    made_at = None
    if claim.get("datePublished") is not None:
        try:
            made_at = review_date(claim.get("datePublished"), "datePublished")
        except InvalidError as error:
            raise fail("itemReviewed.datePublished", str(error).removeprefix("datePublished: ")) from None
    appearances = []
    for key in ("firstAppearance", "appearance"):
        for found in _many(claim.get(key)):
            url = _url(found)
            if url is None:
                raise fail(f"itemReviewed.{key}", "an appearance needs its url")
            at = None
            if isinstance(found, dict) and found.get("datePublished") is not None:
                try:
                    at = review_date(found.get("datePublished"), "datePublished")
                except InvalidError as error:
                    raise fail(f"itemReviewed.{key}.datePublished", str(error)) from None
            appearances.append(Appearance(url=url, at=at, first=key == "firstAppearance"))
    return ReviewItem(
        where=where,
        claim_text=claim_text,
        claimant=_party(claim.get("author")),
        made_at=made_at,
        appearances=tuple(appearances),
        reviewer=reviewer,
        rating=Rating(
            label=label,
            value=_text(rating_node.get("ratingValue")),
            best=_text(rating_node.get("bestRating")),
            worst=_text(rating_node.get("worstRating")),
        ),
        reviewed_at=reviewed_at,
        url=_url(node.get("url")),
        title=_text(node.get("name")) or _text(node.get("headline")),
    )
