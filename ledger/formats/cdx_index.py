"""Reading a Wayback CDX capture index: rows of a file or a CDX server's answer, as captures.

Source: the Wayback CDX Server API (internetarchive/wayback, ``wayback-cdx-server``
README): fields ``urlkey timestamp original mimetype statuscode digest
length``, as JSON (``[[header...], [row...], ...]``) or the default
space-separated lines; and pywb's CDX server, whose ``output=json`` is one
JSON object a line (``url``, ``mime``, ``status``). Timestamps are 14 digits,
``YYYYMMDDhhmmss``, in UTC. What the captures record on a post is
:mod:`ledger.formats.cdx`'s business.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from domain.errors import FormatError, InvalidError
from domain.post import GONE_STATUSES
from domain.worldtime import WorldTime

FIELDS: Final = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
_ALIASES: Final = {"url": "original", "mime": "mimetype", "status": "statuscode"}
_TIMESTAMP: Final = re.compile(r"\d{14}")
GONE: Final = frozenset(str(status) for status in GONE_STATUSES)
"""Statuses that show the post absent: Not Found, Gone, Unavailable For Legal Reasons."""
DEFAULT_REPLAY: Final = "https://web.archive.org/web"
MAX_INDEX_BYTES: Final = 64 * 1024 * 1024
"""The most a CDX file or server answer may hold (a capture index of one URL is far smaller)."""


@dataclass(frozen=True, slots=True)
class Capture:
    """One row of a CDX index: a capture of ``original`` at ``timestamp``."""

    line: int
    timestamp: str
    original: str
    mimetype: str | None
    statuscode: str | None
    digest: str | None
    length: str | None

    @property
    def at(self) -> WorldTime:
        """The capture time, an instant in UTC."""
        return parse_timestamp(self.timestamp)

    @property
    def seen(self) -> bool:
        """True when the capture found the page: a 2xx status."""
        return self.statuscode is not None and len(self.statuscode) == 3 and self.statuscode[0] == "2"

    @property
    def gone(self) -> bool:
        """True when the capture found the page absent: 404, 410 or 451."""
        return self.statuscode in GONE

    def note(self) -> str:
        """What the index says besides time and digest: ``HTTP 200, text/html, 5120 bytes``."""
        parts = [f"HTTP {self.statuscode or '-'}", self.mimetype, self.length and f"{self.length} bytes"]
        return ", ".join(part for part in parts if part)

    def replay_url(self, base: str = DEFAULT_REPLAY) -> str:
        """Where the capture is replayed: ``BASE/TIMESTAMP/ORIGINAL``."""
        return f"{base.rstrip('/')}/{self.timestamp}/{self.original}"


@lru_cache(maxsize=256)  # a row's time is read when it is parsed and again when it is recorded
def parse_timestamp(text: str) -> WorldTime:
    """A 14-digit Wayback timestamp (UTC) as an instant; :class:`ValueError` if malformed."""
    if not _TIMESTAMP.fullmatch(text):
        raise ValueError(f"expected 14 digits YYYYMMDDhhmmss, got {text[:40]!r}")
    try:
        return WorldTime.parse(text)
    except InvalidError as error:
        raise ValueError(str(error)) from None


def read_cdx(path: str | os.PathLike[str]) -> list[Capture]:
    """The captures in a CDX file (JSON, JSON lines of objects, or space-separated), duplicates collapsed."""
    name = os.fspath(path)
    try:
        with Path(name).open("rb") as stream:
            raw = stream.read(MAX_INDEX_BYTES + 1)
    except OSError as error:
        raise FormatError(f"cannot read the file: {error.strerror or error}", file=name) from None
    if len(raw) > MAX_INDEX_BYTES:
        raise FormatError(f"the file is larger than {MAX_INDEX_BYTES:,} bytes; split it", file=name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FormatError(f"not UTF-8 text: {error.reason}", file=name) from None
    return parse_cdx(text, name)


def parse_cdx(text: str, name: str) -> list[Capture]:
    """The captures in CDX ``text`` read from ``name`` (for error messages)."""
    stripped = text.lstrip()
    rows: list[tuple[int, dict[str, Any]]]
    if stripped.startswith("[["):
        rows = _json_rows(text, name)
    elif stripped.startswith("{"):
        rows = _object_rows(text, name)
    else:
        rows = _text_rows(text, name)
    seen: dict[tuple[str, str, str | None, str | None], Capture] = {}
    for line, row in rows:
        capture = _capture(name, line, row)
        seen.setdefault((capture.timestamp, capture.original, capture.statuscode, capture.digest), capture)
    return sorted(seen.values(), key=lambda c: (c.timestamp, c.line))


def _json_rows(text: str, name: str) -> list[tuple[int, dict[str, Any]]]:
    try:
        table = json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(f"not valid JSON: {error}", file=name) from None
    except RecursionError:
        raise FormatError("not readable: the JSON is nested too deeply", file=name) from None
    if not isinstance(table, list) or not table or not all(isinstance(row, list) for row in table):
        raise FormatError("CDX JSON is a list of rows, the first one the field names", file=name)
    header = [str(_ALIASES.get(h, h)) for h in table[0]]
    rows = []
    for number, row in enumerate(table[1:], start=2):
        if len(row) != len(header):
            # A row cut short (or run on) would put its values under the wrong fields.
            reason = f"expected {len(header)} values, one for each field of the first row, got {len(row)}"
            raise FormatError(reason, file=name, item=f"line {number}")
        rows.append((number, dict(zip(header, row, strict=True))))
    return rows


def _object_rows(text: str, name: str) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise FormatError(f"not valid JSON: {error.msg}", file=name, item=f"line {number}") from None
        except RecursionError:
            raise FormatError("nested too deeply", file=name, item=f"line {number}") from None
        if not isinstance(row, dict):
            raise FormatError("expected a JSON object", file=name, item=f"line {number}")
        rows.append((number, {_ALIASES.get(str(k), str(k)): v for k, v in row.items()}))
    return rows


def _text_rows(text: str, name: str) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    width: int | None = None  # the number of values of the first row: every row has as many
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith(" CDX"):
            continue
        values = line.split()
        if len(values) < 5:
            raise FormatError(
                f"expected the fields {' '.join(FIELDS)}, got {len(values)} values",
                file=name,
                item=f"line {number}",
            )
        if width is None:
            width = len(values)
        elif len(values) != width:
            # A row cut short would read its last value as another field (a cut status as the digest).
            raise FormatError(
                f"expected {width} values, as the first row has, got {len(values)}",
                file=name,
                item=f"line {number}",
            )
        rows.append((number, dict(zip(FIELDS, values, strict=False))))
    return rows


_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _capture(name: str, line: int, row: dict[str, Any]) -> Capture:
    def value(field: str) -> str | None:
        found = row.get(field)
        if found in (None, "", "-"):
            return None
        if isinstance(found, bool) or not isinstance(found, str | int):
            got = type(found).__name__
            raise FormatError(
                f"expected text or a number, got {got}", file=name, item=f"line {line}", field=field
            )
        text = str(found)
        if _CONTROL.search(text):
            # CDX fields are printable tokens; a control character is damage or an attack on a terminal.
            reason = "a CDX field holds no control characters"
            raise FormatError(reason, file=name, item=f"line {line}", field=field)
        return text

    timestamp = value("timestamp")
    if timestamp is None:
        raise FormatError(
            "missing: the capture time is required", file=name, item=f"line {line}", field="timestamp"
        )
    try:
        parse_timestamp(timestamp)
    except ValueError as error:
        raise FormatError(str(error), file=name, item=f"line {line}", field="timestamp") from None
    original = value("original")
    if original is None:
        raise FormatError(
            "missing: the captured URL is required", file=name, item=f"line {line}", field="original"
        )
    return Capture(
        line, timestamp, original, value("mimetype"), value("statuscode"), value("digest"), value("length")
    )
