"""W3C PROV out: the ledger's history as a PROV document, built and written by the ``prov`` package.

Source: PROV-DM (W3C Recommendation, 30 April 2013), serialised as PROV-JSON
(W3C Member Submission), PROV-N (W3C Recommendation), PROV-XML (W3C Note)
and PROV-JSONLD (Moreau & Huynh), the four formats ``prov`` reads back.

Mapping (see docs/interop.md for the full table and what is lost):

- an actor is a ``prov:Agent`` (``actor:SLUG``), with its name and kind;
  whoever recorded an entry is a ``prov:Agent`` too (``recorder:NAME``);
- every other subject is a ``prov:Entity`` (``post:SLUG``), and each of
  its versions an entity of its own (``post:SLUG-vN``) that is a
  ``specializationOf`` it and ``wasDerivedFrom`` the version before;
- every event is a ``prov:Activity`` (``event:POSITION``) whose
  ``prov:type`` is ``ledger:EVENTTYPE``: it ``used`` its sources,
  ``wasGeneratedBy`` links the new version to it, the actor it names
  ``wasAssociatedWith`` it, and a deletion ``wasInvalidatedBy`` it (the
  version before);
- the version ``wasAttributedTo`` whoever recorded it;
- world time: ``startTime``/``endTime`` are the bounds of ``occurred_at``,
  and ``ledger:worldTime`` (as written, e.g. ``2024-10-14..2024-10-18``)
  and ``ledger:precision`` keep what the bounds alone do not say; record
  time and log position are ``ledger:recordedAt`` and ``ledger:position``.

The log is read as a stream, and the document written in chunks of
:data:`~ledger.formats.prov_stream.CHUNK` events, each encoded by ``prov``
(:mod:`ledger.formats.prov_stream`), so memory stays bounded whatever the
ledger's size (measured in ``benchmarks``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any, Final, TextIO
from urllib.parse import quote

from prov.constants import XSD_DATETIME
from prov.model import Literal, Namespace, ProvDocument

from domain.actor import ActorRegistered
from domain.errors import InvalidError
from domain.events import LogEntry
from domain.post import PostDeleted
from ledger.formats.output import open_output
from ledger.formats.prov_stream import CHUNK, write_stream
from ledger.formats.selection import selected_entries, selected_subjects

if TYPE_CHECKING:
    from collections.abc import Callable

    from ledger.facade import Ledger

    Text = Callable[[str], "str | Literal"]

BASE: Final = "urn:provenance-ledger:"
LEDGER: Final = Namespace("ledger", BASE + "terms#")
EVENT: Final = Namespace("event", BASE + "event/")
RECORDER: Final = Namespace("recorder", BASE + "recorder/")
KIND_NAMESPACES: Final = {
    kind: Namespace(kind, f"{BASE}{kind}/")
    for kind in ("actor", "source", "post", "claim", "comment", "case")
}

PROV_FORMATS: Final[dict[str, str]] = {
    "prov-json": "json",
    "prov-n": "provn",
    "prov-xml": "xml",
    "prov-jsonld": "jsonld",
}
"""Our format names and the name ``prov``'s serialisers know each by."""


def subject_name(ref: str) -> str:
    """The qualified name of a subject: ``post/a-b`` -> ``post:a-b``."""
    kind, _, slug = ref.partition("/")
    return f"{kind}:{slug}"


def version_name(ref: str, version: int) -> str:
    """The qualified name of one version of a subject (``post:a-b-v3``); unique since it ends in ``-vN``."""
    return f"{subject_name(ref)}-v{version}"


def recorder_name(recorded_by: str) -> str:
    """The qualified name of whoever recorded, percent-encoded (free text may hold any character)."""
    return f"recorder:{quote(recorded_by, safe='')}"


def new_document() -> ProvDocument:
    """An empty document with the ledger's namespaces."""
    document = ProvDocument()
    for namespace in (LEDGER, EVENT, RECORDER, *KIND_NAMESPACES.values()):
        # A fresh Namespace per document: each caches every name made in it,
        # which would grow with the whole export if shared between chunks.
        document.add_namespace(Namespace(namespace.prefix, namespace.uri))
    return document


ESCAPED_TEXT: Final = LEDGER["EscapedText"]
"""The datatype of a text that held characters XML 1.0 cannot carry, escaped (see :func:`xml_text`)."""

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ESCAPED = re.compile(r"[\\\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ESCAPE = re.compile(r"\\(\\|x[0-9a-f]{2}|u[0-9a-f]{4})")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return "\\\\" if code == 0x5C else f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def xml_text(value: str) -> str | Literal:
    r"""``value`` as PROV-XML can carry it: as it is, or escaped and typed ``ledger:EscapedText``.

    XML 1.0 cannot hold the C0 controls but tab, newline and carriage return,
    U+FFFE, U+FFFF or lone surrogates; recorded text may. A text holding any
    becomes a literal of datatype ``ledger:EscapedText`` in which each is
    written ``\xNN`` or ``\uNNNN`` and each backslash ``\\``
    (:func:`unescape_text` reverses it); any other text is left as it is.

    >>> xml_text("hi\x07there \\o/")
    <Literal: "hi\\x07there \\\\o/" %% ledger:EscapedText>
    >>> xml_text("plain \\o/")
    'plain \\o/'
    """
    if _NOT_XML.search(value) is None:
        return value
    return Literal(_ESCAPED.sub(_escape, value), datatype=ESCAPED_TEXT)


def unescape_text(text: str) -> str:
    r"""The text :func:`xml_text` escaped: ``unescape_text(xml_text(t).value) == t``."""
    return _ESCAPE.sub(lambda m: "\\" if m.group(1) == "\\" else chr(int(m.group(1)[1:], 16)), text)


def _plain(value: str) -> str | Literal:
    return value


def _time(value: object) -> Literal:
    return Literal(str(value), datatype=LEDGER["WorldTime"])


def add_entry(document: ProvDocument, entry: LogEntry, declared: set[str], text: Text = _plain) -> None:
    """Add one logged event: its activity, the version it generated, and their relations.

    ``text`` writes each recorded text (:func:`xml_text` for PROV-XML).
    """
    event = entry.event
    activity_id = f"event:{entry.position}"
    attributes: dict[str, Any] = {
        "prov:type": LEDGER[event.type],
        "prov:label": text(event.summary()),
        "ledger:position": entry.position,
        "ledger:recordedAt": Literal(entry.recorded_at.isoformat(), datatype=XSD_DATETIME),
        "ledger:subject": text(event.subject),
    }
    start = end = None
    if event.occurred_at is not None:
        start, end = event.occurred_at.earliest, event.occurred_at.latest
        attributes["ledger:worldTime"] = _time(event.occurred_at)
        attributes["ledger:precision"] = str(event.occurred_at.precision)
    activity = document.activity(activity_id, start, end, attributes)
    recorder = recorder_name(event.recorded_by)
    if recorder not in declared:
        document.agent(recorder, {"prov:label": text(event.recorded_by), "prov:type": LEDGER["Recorder"]})
        declared.add(recorder)
    document.wasAssociatedWith(activity, recorder, other_attributes={"prov:role": LEDGER["recorder"]})
    if event.actor is not None:
        _declare_agent(document, event.actor, declared)
        document.wasAssociatedWith(activity, subject_name(event.actor))
    for source in event.sources:
        _declare_entity(document, source, declared)
        document.used(activity, subject_name(source))
    kind = event.subject.partition("/")[0]
    if kind == "actor":
        _declare_agent(document, event.subject, declared)
        if isinstance(event, ActorRegistered):
            agent = document.get_record(subject_name(event.subject))[0]
            agent.add_attributes({"prov:label": text(event.name), "ledger:kind": text(event.kind)})
        return
    _declare_entity(document, event.subject, declared)
    version = version_name(event.subject, entry.version)
    document.entity(version, {"ledger:version": entry.version})
    document.specializationOf(version, subject_name(event.subject))
    document.wasGeneratedBy(version, activity, end)
    document.wasAttributedTo(version, recorder)
    if entry.version > 1:
        previous = version_name(event.subject, entry.version - 1)
        document.wasDerivedFrom(version, previous, activity)
        if isinstance(event, PostDeleted):
            document.wasInvalidatedBy(previous, activity, end)


def _declare_agent(document: ProvDocument, ref: str, declared: set[str]) -> None:
    if ref not in declared:
        document.agent(subject_name(ref), {"ledger:ref": ref})
        declared.add(ref)


def _declare_entity(document: ProvDocument, ref: str, declared: set[str]) -> None:
    if ref not in declared:
        document.entity(subject_name(ref), {"ledger:ref": ref})
        declared.add(ref)


def prov_document(
    entries: Iterable[LogEntry], declared: set[str] | None = None, *, xml: bool = False
) -> ProvDocument:
    """The PROV document of ``entries`` (in log order), in memory.

    ``declared``: names declared by earlier documents of the same export,
    which this one only refers to (it adds its own). ``xml``: texts XML
    cannot carry are escaped (:func:`xml_text`).
    """
    document = new_document()
    known = set() if declared is None else declared
    for entry in entries:
        add_entry(document, entry, known, xml_text if xml else _plain)
    return document


def export_prov(
    ledger: Ledger,
    target: TextIO | str | os.PathLike[str],
    *,
    format: str = "prov-json",
    refs: Sequence[str] = (),
    case: str | None = None,
    chunk: int = CHUNK,
) -> int:
    """Write the history of ``refs`` (or of ``case`` and its subjects; default all) as PROV, streamed.

    ``format`` is one of :data:`PROV_FORMATS`. Memory is bounded by ``chunk``
    events (see :mod:`ledger.formats.prov_stream`). Returns the number of
    events written. Raises :class:`~domain.errors.InvalidError` for an
    unknown format, :class:`~domain.errors.NotFoundError` for a subject that
    does not exist.
    """
    if format not in PROV_FORMATS:
        raise InvalidError(f"unknown PROV format {format!r}: use one of {', '.join(PROV_FORMATS)}")
    subjects = selected_subjects(ledger, refs, case)
    count = 0

    def counted() -> Iterator[LogEntry]:
        nonlocal count
        for entry in selected_entries(ledger, subjects):
            count += 1
            yield entry

    with _open(target) as stream:
        write_stream(
            counted(),
            stream,
            PROV_FORMATS[format],
            build=partial(prov_document, xml=format == "prov-xml"),
            empty=new_document(),
            chunk=chunk,
        )
    return count


@contextmanager
def _open(target: TextIO | str | os.PathLike[str]) -> Iterator[TextIO]:
    if isinstance(target, str | os.PathLike):
        with open_output(target, what="PROV export") as stream:
            yield stream
    else:
        yield target


def read_prov(text: str, format: str) -> ProvDocument:
    """A PROV document read back by ``prov``'s own deserialiser (``format`` as in :data:`PROV_FORMATS`)."""
    return ProvDocument.deserialize(content=text, format=PROV_FORMATS[format])
