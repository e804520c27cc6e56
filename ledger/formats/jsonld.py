"""JSON-LD with schema.org, offline: ``pyld`` with a document loader that serves a bundled context.

Source: JSON-LD 1.1 (W3C Recommendation), schema.org's JSON-LD context. The
bundled file ``schemaorg-context.jsonld`` is a small subset of schema.org's
published context (``@vocab`` ``http://schema.org/`` and the coercion of
``url`` and ``sameAs`` to IRIs), which gives the same expansion for every
term the ledger reads and writes. Any other remote context is refused:
nothing is ever fetched from the network.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, Final

from pyld import jsonld  # type: ignore[import-untyped]

from domain.errors import InvalidError

SCHEMA: Final = "http://schema.org/"
SCHEMA_CONTEXT_URLS: Final = frozenset(
    {
        "http://schema.org",
        "http://schema.org/",
        "https://schema.org",
        "https://schema.org/",
        "http://schema.org/docs/jsonldcontext.json",
        "https://schema.org/docs/jsonldcontext.json",
    }
)


@cache
def schema_context() -> dict[str, Any]:
    """The bundled schema.org context document (``{"@context": {...}}``)."""
    text = resources.files("ledger.formats").joinpath("schemaorg-context.jsonld").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader serving only schema.org's context, from the bundled file."""
    if url in SCHEMA_CONTEXT_URLS:
        return {"contextUrl": None, "documentUrl": url, "document": schema_context()}
    raise jsonld.JsonLdError(
        f"the context {url!r} is not bundled, and nothing is fetched",
        "jsonld.LoadDocumentError",
        code="loading document failed",
    )


def _options() -> dict[str, Any]:
    return {"documentLoader": offline_loader}


def compact_schema(document: Any) -> dict[str, Any]:
    """``document`` (any JSON-LD using schema.org) compacted to plain schema.org terms.

    Whatever its context said (``https://schema.org``, a ``schema:`` prefix, a
    full IRI), the result names properties as schema.org does
    (``claimReviewed``, ``itemReviewed``) and types as ``@type``. Raises
    :class:`~domain.errors.InvalidError` when the JSON-LD cannot be read.
    """
    try:
        # compact() expands first, with the same offline loader.
        compacted: dict[str, Any] = jsonld.compact(
            document, schema_context(), {**_options(), "compactArrays": True}
        )
    except jsonld.JsonLdError as error:
        raise InvalidError(f"not readable as JSON-LD: {_reason(error)}") from None
    except RecursionError:
        raise InvalidError("not readable as JSON-LD: nested too deeply") from None
    compacted.pop("@context", None)
    return compacted


def canonical_nquads(document: Any) -> str:
    """The URDNA2015 canonical N-Quads of ``document`` (RDF Dataset Canonicalization)."""
    try:
        text: str = jsonld.normalize(
            document, {**_options(), "algorithm": "URDNA2015", "format": "application/n-quads"}
        )
    except jsonld.JsonLdError as error:
        raise InvalidError(f"not readable as JSON-LD: {_reason(error)}") from None
    return text


def expand(document: Any) -> list[dict[str, Any]]:
    """``document`` in JSON-LD expanded form (full IRIs), offline."""
    try:
        expanded: list[dict[str, Any]] = jsonld.expand(document, _options())
    except jsonld.JsonLdError as error:
        raise InvalidError(f"not readable as JSON-LD: {_reason(error)}") from None
    return expanded


def _reason(error: BaseException) -> str:
    """What went wrong, from the innermost error pyld chained (its first argument, and its code)."""
    inner = error
    for _ in range(50):  # a chain, never a cycle, but bounded all the same
        cause = getattr(inner, "cause", None) or inner.__cause__ or inner.__context__
        if not isinstance(cause, BaseException):
            break
        inner = cause
    message = str(inner.args[0]) if inner.args else type(inner).__name__
    code = getattr(inner, "code", None)
    if code and code not in message:
        message = f"{message} ({code})"
    return message.splitlines()[0][:200] if message else type(inner).__name__
