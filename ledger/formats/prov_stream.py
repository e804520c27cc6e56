"""Writing a PROV document of any size in bounded memory, with ``prov``'s own encoders.

``prov`` builds a whole :class:`~prov.model.ProvDocument` in memory before it
writes a byte. Here the entries are cut into chunks (:data:`CHUNK` events);
each chunk is one small document, encoded by ``prov`` itself, and the pieces
are joined into one document of the chosen format:

- PROV-N: one ``document`` header with every prefix, each chunk's statements,
  one ``endDocument``;
- PROV-XML: one ``prov:document`` root declaring every namespace, each
  chunk's child elements;
- PROV-JSONLD: one ``@graph`` array of every chunk's statements, then the
  ``@context`` (JSON objects are unordered);
- PROV-JSON groups records by type (``"entity": {...}``), so each chunk's
  records are spooled to one temporary file per type and the sections are
  copied out at the end; anonymous relation ids (``_:idN``) are renumbered
  across chunks.

The result reads back (with ``prov``'s deserialisers) to a document equal to
the one ``prov`` would have written whole; the tests check both ways.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import IO, Any, Final, TextIO

from prov.model import ProvDocument
from prov.serializers.provjson import encode_json_container
from prov.serializers.provjsonld import JSONLD_CONTEXT_URL, encode_jsonld_container

from domain.events import LogEntry

CHUNK: Final = 1000
"""Events per chunk: the memory an export needs is that of one chunk's document."""

_ANON = re.compile(r"^_:id\d+$")

Build = Callable[[Iterable[LogEntry], set[str]], ProvDocument]
"""Makes the document of some entries, given the set of names already declared (which it grows)."""


def _chunks(entries: Iterable[LogEntry], size: int) -> Iterator[list[LogEntry]]:
    iterator = iter(entries)
    while chunk := list(islice(iterator, size)):
        yield chunk


def write_stream(
    entries: Iterable[LogEntry],
    stream: TextIO,
    fmt: str,
    *,
    build: Build,
    empty: ProvDocument,
    chunk: int = CHUNK,
) -> None:
    """Write the PROV document of ``entries`` to ``stream`` in ``prov``'s format ``fmt``, chunk by chunk."""
    declared: set[str] = set()
    documents = (build(part, declared) for part in _chunks(entries, chunk))
    writers = {"provn": _provn, "xml": _xml, "jsonld": _jsonld, "json": _json}
    writers[fmt](documents, stream, empty)


def _serialised(document: ProvDocument, fmt: str) -> str:
    buffer = io.StringIO()
    document.serialize(buffer, format=fmt)
    return buffer.getvalue()


def _provn(documents: Iterable[ProvDocument], stream: TextIO, empty: ProvDocument) -> None:
    header = _serialised(empty, "provn").rstrip()
    stream.write(header.removesuffix("endDocument").rstrip() + "\n")
    for document in documents:
        stream.write(_provn_statements(_serialised(document, "provn")))
    stream.write("endDocument\n")


def _provn_statements(text: str) -> str:
    """The statements of a serialised PROV-N document, without its header and ``endDocument``.

    Cut at newlines only, and only before the first statement and after the
    last: a text in a statement may span lines (prov triple-quotes it) or hold
    characters :meth:`str.splitlines` also breaks at (U+001C, U+0085, U+2028).
    """
    lines = text.split("\n")
    first = 0
    while first < len(lines) and lines[first].strip().partition(" ")[0] in {
        "",
        "document",
        "prefix",
        "default",
    }:
        first += 1
    last = len(lines)
    while last > first and lines[last - 1].strip() in {"", "endDocument"}:
        last -= 1
    body = "\n".join(lines[first:last])
    return body + "\n" if body else ""


def _xml(documents: Iterable[ProvDocument], stream: TextIO, empty: ProvDocument) -> None:
    from lxml import etree  # type: ignore[import-untyped]  # noqa: PLC0415  (prov's XML uses lxml too)

    root = etree.fromstring(_serialised(empty, "xml").encode())
    nsmap = dict(root.nsmap)
    attributes = "".join(
        f' xmlns:{prefix}="{uri}"' if prefix else f' xmlns="{uri}"' for prefix, uri in nsmap.items()
    )
    header = f"<?xml version='1.0' encoding='UTF-8'?>\n<prov:document{attributes}>\n"
    for document in documents:
        # Each chunk is encoded before anything of it (or, for the first, the header) is written:
        # a chunk that cannot be encoded leaves nothing of itself.
        chunk = etree.fromstring(_serialised(document, "xml").encode())
        pieces = "".join(etree.tostring(child, encoding="unicode") for child in chunk)
        stream.write(header + pieces)
        header = ""
    stream.write(header + "</prov:document>\n")


def _prefix_map(document: ProvDocument, keys: tuple[str, ...] | None = None) -> Any:
    from prov.serializers.provjson import _JSONPrefixMap  # noqa: PLC0415

    return _JSONPrefixMap(document) if keys is None else _JSONPrefixMap(document, keys)


def _jsonld(documents: Iterable[ProvDocument], stream: TextIO, empty: ProvDocument) -> None:
    from prov.serializers.provjsonld import _JSONLD_DEFAULT_KEYS  # noqa: PLC0415

    prefixes: dict[str, str] = {}
    stream.write('{"@graph": [')
    first = True
    for document in documents:
        prefix_map = _prefix_map(document, _JSONLD_DEFAULT_KEYS)
        for statement in encode_jsonld_container(document, prefix_map):
            stream.write(("\n" if first else ",\n") + json.dumps(statement, ensure_ascii=False))
            first = False
        prefixes.update(prefix_map.prefixes)
    context: list[Any] = [prefixes] if prefixes else []
    context.append(JSONLD_CONTEXT_URL)
    stream.write('\n], "@context": ' + json.dumps(context) + "}\n")


def _json(documents: Iterable[ProvDocument], stream: TextIO, empty: ProvDocument) -> None:
    sections: dict[str, IO[str]] = {}
    prefixes: dict[str, str] = {}
    anonymous = 0
    try:
        for document in documents:
            container = encode_json_container(document)
            prefixes.update(container.pop("prefix", {}))
            for kind, records in container.items():
                spool = sections.get(kind)
                if spool is None:
                    spool = sections[kind] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
                for key, value in records.items():
                    if _ANON.match(key):
                        anonymous += 1
                        key = f"_:id{anonymous}"  # noqa: PLW2901  (renumbered across chunks)
                    spool.write(
                        json.dumps(key, ensure_ascii=False) + ": " + json.dumps(value, ensure_ascii=False)
                    )
                    spool.write(",\n")
        stream.write("{")
        if prefixes:
            stream.write('"prefix": ' + json.dumps(prefixes, ensure_ascii=False))
        for number, (kind, spool) in enumerate(sections.items()):
            stream.write((",\n" if prefixes or number else "\n") + json.dumps(kind) + ": {\n")
            spool.seek(0)
            previous: str | None = None
            for line in spool:
                if previous is not None:
                    stream.write(previous)
                previous = line
            if previous is not None:
                stream.write(previous.rstrip().removesuffix(",") + "\n")
            stream.write("}")
        stream.write("}\n")
    finally:
        for spool in sections.values():
            spool.close()
