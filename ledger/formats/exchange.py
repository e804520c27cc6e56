"""Moving a whole ledger between stores: export to JSON Lines, import into an empty ledger.

An export is one JSON object per line::

    {"kind": "header", "format": "provenance-ledger-export/1", "ledger_format": ..., "origin": ...,
     "events": N, "checkpoints": K, "exported_at": ...}
    {"kind": "checkpoint", "seq": 1, "size": ..., "recorded_at": ..., "note": SIGNED NOTE}
    ...
    {"kind": "event", "position": 1, "stream": UUID, "version": 1, "topic": ..., "recorded_at": ...,
     "sha256": HEX, "state": BASE64}
    ...
    {"kind": "end", "events": N}

Each event line holds the exact stored bytes (base64) and their SHA-256, so
an import reproduces the same log, byte for byte, at the same positions with
the same record times: the Merkle root of the copy equals the original's, and
the stored checkpoints (those within the export) verify there too. Import
checks each checkpoint's root against the entries as they stream past it.
Export streams in batches (constant memory) up to the head it saw when it
began; import validates every line as it streams into one transaction, so a
corrupted export is refused, naming the line, with nothing imported.

This module holds the format and reads it (:func:`import_log`);
:mod:`ledger.formats.exchange_out` writes it (:func:`export_log`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO
from uuid import UUID

from domain.errors import InvalidError, LedgerError, StorageError
from domain.instants import from_micros, micros
from ledger import progress
from ledger.integrity.checkpoint import parse_checkpoint
from ledger.integrity.content import add_salt, is_v2, new_salt
from ledger.integrity.leaves import record_leaf_hash
from ledger.integrity.store import StoredCheckpoint
from ledger.integrity.tree import CompactRange
from ledger.mapper import PydanticMapper
from ledger.storage.records import LogRecord, LogRecorder
from ledger.storage.tables import FORMAT

EXPORT_FORMAT = "provenance-ledger-export/1"

PROGRESS_EVERY = 1000
"""An import reports its progress every this many events."""

#: The longest line an import reads, in characters: an event's stored bytes in base64, and more.
MAX_LINE = 32 * 1024 * 1024

_RECORD_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")


@dataclass(frozen=True, slots=True)
class ExchangeSummary:
    """What an export wrote or an import read: the log's origin, how many events and checkpoints."""

    origin: str
    events: int
    checkpoints: int = 0


def record_time_text(value: int) -> str:
    """A record time as ISO 8601 UTC with microseconds, exactly convertible back.

    >>> record_time_text(1729252800123456)
    '2024-10-18T12:00:00.123456Z'
    """
    return from_micros(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def import_log(
    recorder: LogRecorder,
    mapper: PydanticMapper,
    source: TextIO | str | os.PathLike[str],
    *,
    upgrade_leaves: bool = False,
) -> ExchangeSummary:
    """Import an export into the empty log of ``recorder``, all of it or nothing.

    ``upgrade_leaves`` gives every entry with a v1 leaf a new salt, so its leaf
    becomes v2 (see :mod:`ledger.integrity.content`): the export is checked
    against its own checkpoints first, but they are not carried (they sign
    the old root).
    """
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            with path.open(encoding="utf-8") as stream:
                return _import(recorder, mapper, bounded_lines(stream), str(path), upgrade_leaves)
        except (OSError, UnicodeDecodeError) as error:
            if isinstance(error, LedgerError):
                raise
            reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
            raise StorageError(f"cannot read export {path}: {reason or error}") from None
    # A stream the caller gives is read as it iterates; a file we open, in bounded lines.
    return _import(recorder, mapper, source, getattr(source, "name", "the export"), upgrade_leaves)


def _salted(records: Iterable[LogRecord]) -> Iterator[LogRecord]:
    for record in records:
        yield record if is_v2(record.state) else replace(record, state=add_salt(record.state, new_salt()))


def bounded_lines(stream: TextIO, limit: int = MAX_LINE) -> Iterator[str]:
    """The lines of ``stream``, each read only up to ``limit + 1`` characters (memory stays bounded).

    A longer line is yielded cut at ``limit + 1`` characters, for the reader to refuse.
    """
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        yield line
        if len(line) > limit and not line.endswith("\n"):
            return


def _import(
    recorder: LogRecorder, mapper: PydanticMapper, lines: Iterable[str], name: str, upgrade: bool = False
) -> ExchangeSummary:
    head = recorder.max_position()
    if head:
        raise InvalidError(
            f"cannot import into a ledger that is not empty (head {head}); import into a new ledger"
        )
    reader = _ExportReader(iter(lines), mapper, name)
    header = reader.header()
    records = _salted(reader.records()) if upgrade else reader.records()
    carried = [] if upgrade else reader.checkpoints  # read once the records are
    try:
        count = recorder.import_log(records, origin=header.origin, checkpoints=carried)
    except InvalidError as error:
        if reader.failed:
            raise
        raise InvalidError(f"cannot import {name}: {error}") from None
    return ExchangeSummary(origin=header.origin, events=count, checkpoints=len(carried))


class _ExportReader:
    """Reads and checks an export line by line; every error names the line."""

    def __init__(self, lines: Iterator[str], mapper: PydanticMapper, name: str) -> None:
        self._lines = lines
        self._mapper = mapper
        self._name = name
        self._number = 0
        self._expected = 0
        self.failed = False
        self.checkpoints: list[StoredCheckpoint] = []
        """The checkpoints read from the header lines, in order."""
        self._roots: dict[int, list[tuple[int, int, bytes]]] = {}
        """Per tree size: (line, seq, root) of each checkpoint of that size."""

    def _error(self, message: str) -> InvalidError:
        self.failed = True
        # One line, quoting at most a few hundred characters of whatever the file held.
        lines = message.splitlines()
        text = lines[0] if lines else message
        if len(text) > 300:
            text = text[:297] + "..."
        return InvalidError(f"{self._name}, line {self._number}: {text}")

    def _next(self) -> dict[str, Any] | None:
        try:
            line = next(self._lines)
        except StopIteration:
            return None
        self._number += 1
        if len(line) > MAX_LINE:
            raise self._error(f"the line is longer than {MAX_LINE:,} characters (no export line is)")
        if not line.strip():
            raise self._error("an empty line")
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            raise self._error(f"not JSON ({error.msg})") from None
        except RecursionError:
            raise self._error("not an export line: JSON nested too deeply") from None
        if not isinstance(value, dict):
            raise self._error("not a JSON object")
        return value

    def header(self) -> ExchangeSummary:
        """Read and check the header line."""
        value = self._next()
        if value is None:
            self._number = 1
            raise self._error("the export is empty")
        if value.get("kind") != "header" or value.get("format") != EXPORT_FORMAT:
            raise self._error(f"not a ledger export (expected a {EXPORT_FORMAT} header)")
        if value.get("ledger_format") != FORMAT:
            raise self._error(
                f"exported from a ledger of format {value.get('ledger_format')!r}, not {FORMAT}"
            )
        origin, events = value.get("origin"), value.get("events")
        if not isinstance(origin, str) or not origin:
            raise self._error("the header names no origin")
        if not isinstance(events, int) or isinstance(events, bool) or events < 0:
            raise self._error("the header's event count is not a number of events")
        self._expected = events
        count = value.get("checkpoints")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise self._error("the header's checkpoint count is not a number of checkpoints")
        for seq in range(1, count + 1):
            self._checkpoint(seq, origin)
        return ExchangeSummary(origin=origin, events=events)

    def _checkpoint(self, seq: int, origin: str) -> None:
        value = self._next()
        if value is None or value.get("kind") != "checkpoint":
            raise self._error(f"expected checkpoint #{seq} of those the header announces")
        fields = {"seq": int, "size": int, "recorded_at": str, "note": str}
        for key, kind in fields.items():
            if not isinstance(value.get(key), kind) or isinstance(value.get(key), bool):
                raise self._error(f"field {key!r} is missing or not a {kind.__name__}")
        if value["seq"] != seq:
            raise self._error(f"checkpoint #{value['seq']} where #{seq} was due")
        try:
            checkpoint = parse_checkpoint(value["note"])
        except InvalidError as error:
            raise self._error(f"checkpoint #{seq} is malformed: {error}") from None
        size = value["size"]
        last = self.checkpoints[-1].size if self.checkpoints else 0
        if checkpoint.origin != origin or checkpoint.size != size:
            raise self._error(f"checkpoint #{seq} is not of this log at size {size}")
        if not last <= size <= self._expected or size == 0:
            raise self._error(f"checkpoint #{seq} has size {size}, outside {max(last, 1)}..{self._expected}")
        stored = StoredCheckpoint(seq, size, value["note"], self._micros(value["recorded_at"]))
        self.checkpoints.append(stored)
        self._roots.setdefault(size, []).append((self._number, seq, checkpoint.root))

    def records(self) -> Iterator[LogRecord]:
        """The checked records, then the end line checked; raises at the first bad line."""
        last: LogRecord | None = None
        versions: dict[UUID, int] = {}
        tree = CompactRange()
        while True:
            value = self._next()
            if value is None:
                position = last.position if last else 0
                raise self._error(
                    f"the export ends after {position} of {self._expected} events (no end line)"
                )
            if value.get("kind") == "end":
                break
            if value.get("kind") != "event":
                raise self._error(f"unexpected line of kind {value.get('kind')!r}")
            record = self._record(value)
            self._check_sequence(record, last, versions.get(record.originator_id, 0))
            self._decode(record)
            try:
                leaf = record_leaf_hash(record)
            except InvalidError as error:  # a salt or redaction that is not well formed
                raise self._error(f"its entry has no leaf: {error}") from None
            tree.push(leaf)
            self._check_roots(record.position, tree)
            versions[record.originator_id] = record.originator_version
            if record.position % PROGRESS_EVERY == 0:
                progress.advance("importing", record.position, self._expected)
            last = record
            yield record
        position = last.position if last else 0
        if position != self._expected:
            raise self._error(f"the export ends after {position} events, not the {self._expected} announced")
        if value.get("events") != position:
            raise self._error(f"the end line counts {value.get('events')!r} events, not {position}")
        if self._next() is not None:
            raise self._error("lines follow the end line")

    def _check_sequence(self, record: LogRecord, last: LogRecord | None, version: int) -> None:
        """The record continues the log: the next position, its stream's next version, no earlier."""
        position = last.position if last else 0
        if record.position != position + 1:
            raise self._error(f"position {record.position} follows position {position}")
        if record.position > self._expected:
            raise self._error(f"more events than the {self._expected} the header announces")
        if record.originator_version != version + 1:
            raise self._error(
                f"stream {record.originator_id} jumps from version {version} to {record.originator_version}"
            )
        if last is not None and record.recorded_us < last.recorded_us:
            raise self._error("its record time is earlier than the entry before")

    def _check_roots(self, size: int, tree: CompactRange) -> None:
        """Every checkpoint of this size signs the root of the entries so far, or its line is named."""
        for line, seq, root in self._roots.get(size, ()):
            if tree.root() != root:
                self._number = line
                raise self._error(
                    f"checkpoint #{seq} does not match the entries: the root of the first {size} "
                    "is not the one it signs"
                )

    def _record(self, value: dict[str, Any]) -> LogRecord:
        fields = {"position": int, "stream": str, "version": int, "topic": str, "recorded_at": str}
        for key, kind in {**fields, "sha256": str, "state": str}.items():
            if not isinstance(value.get(key), kind) or isinstance(value.get(key), bool):
                raise self._error(f"field {key!r} is missing or not a {kind.__name__}")
        try:
            stream = UUID(value["stream"])
        except ValueError:
            raise self._error(f"stream {value['stream']!r} is not a UUID") from None
        recorded_us = self._micros(value["recorded_at"])
        try:
            state = base64.b64decode(value["state"], validate=True)
        except (binascii.Error, ValueError):
            raise self._error("its state is not base64") from None
        if hashlib.sha256(state).hexdigest() != value["sha256"]:
            raise self._error("its state does not match its sha256 (the bytes were altered)")
        return LogRecord(
            position=value["position"],
            originator_id=stream,
            originator_version=value["version"],
            topic=value["topic"],
            state=state,
            recorded_us=recorded_us,
        )

    def _micros(self, text: str) -> int:
        if not _RECORD_TIME.fullmatch(text):
            raise self._error(f"record time {text!r} is not YYYY-MM-DDTHH:MM:SS.ffffffZ")
        try:
            return micros(datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError as error:  # shaped like a time, but no such day or hour
            raise self._error(f"record time {text!r} is not a time: {error}") from None

    def _decode(self, record: LogRecord) -> None:
        try:
            self._mapper.decode(record.topic, record.state, record.originator_id, record.originator_version)
        except (LedgerError, LookupError, ValueError, TypeError) as error:
            raise self._error(str(error)) from None
