"""Wayback CDX in: an archive's capture index of a post's URL, recorded on the post.

Source: the Wayback CDX Server API (internetarchive/wayback, ``wayback-cdx-server``
README): fields ``urlkey timestamp original mimetype statuscode digest
length``, as JSON (``[[header...], [row...], ...]``) or the default
space-separated lines; and pywb's CDX server, whose ``output=json`` is one
JSON object a line (``url``, ``mime``, ``status``). Timestamps are 14 digits,
``YYYYMMDDhhmmss``, in UTC.

What is recorded, in world-time order, each once however often the file is
imported:

- every capture with status 2xx or 3xx: ``post archive`` with the replay URL,
  the capture time and the digest (``sha1:...``); the note keeps the status,
  media type and length;
- every capture with status 404 or 410 (the page was gone): a source (kind
  ``other``) for that capture of absence;
- at each change from a 2xx capture to a later 404/410 capture: the deletion
  window from the last capture that saw the page to the first that did not,
  citing both captures as sources; a later 2xx capture again is a
  restoration, within the window since the last 404/410.

Identical rows (same time, URL, status and digest) are collapsed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlencode

from domain.errors import FormatError, InvalidError, LedgerError
from domain.post import PostState
from domain.worldtime import WorldTime

if TYPE_CHECKING:
    from ledger.facade import Ledger

FIELDS: Final = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
_ALIASES: Final = {"url": "original", "mime": "mimetype", "status": "statuscode"}
_TIMESTAMP: Final = re.compile(r"\d{14}")
GONE: Final = frozenset({"404", "410"})
DEFAULT_REPLAY: Final = "https://web.archive.org/web"
MAX_INDEX_BYTES: Final = 64 * 1024 * 1024
"""The most a CDX file or server answer may hold (a capture index of one URL is far smaller)."""


@dataclass(frozen=True)
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
        """True when the capture found the page (2xx or 3xx)."""
        return bool(self.statuscode) and str(self.statuscode)[0] in "23"

    @property
    def gone(self) -> bool:
        """True when the capture found the page missing (404 or 410)."""
        return self.statuscode in GONE

    def replay_url(self, base: str = DEFAULT_REPLAY) -> str:
        """Where the capture is replayed: ``BASE/TIMESTAMP/ORIGINAL``."""
        return f"{base.rstrip('/')}/{self.timestamp}/{self.original}"


@dataclass(frozen=True)
class CaptureImport:
    """What a CDX import recorded (or would record, in a dry run)."""

    file: str
    rows: int
    captures: int
    recorded: tuple[str, ...]
    dry_run: bool


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
    return [(number, dict(zip(header, row, strict=False))) for number, row in enumerate(table[1:], start=2)]


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
        rows.append((number, dict(zip(FIELDS, values, strict=False))))
    return rows


def _capture(name: str, line: int, row: dict[str, Any]) -> Capture:
    def value(field: str) -> str | None:
        found = row.get(field)
        return None if found in (None, "", "-") else str(found)

    timestamp = value("timestamp") or ""
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


def _source_ref(capture: Capture) -> str:
    digest = hashlib.sha256(f"{capture.timestamp} {capture.original}".encode()).hexdigest()[:8]
    return f"source/wayback-{capture.timestamp}-{digest}"


def record_captures(
    ledger: Ledger, post: str, captures: list[Capture], *, name: str, replay: str = DEFAULT_REPLAY
) -> list[str]:
    """Record ``captures`` of ``post`` (in the caller's batch); returns one line per entry recorded."""
    state = ledger.get(post)
    if not isinstance(state, PostState):
        raise FormatError(f"{post} is not a post", file=name)
    archived = {capture.url for capture in state.archives}
    # What an earlier import (or anyone) already recorded is not recorded again.
    done = {(e.type, str(e.event.occurred_at)) for e in ledger.history(post)}
    recorded: list[str] = []
    sources: set[str] = set()
    status = "live"  # the captures are replayed from the post's publication on
    last_seen: Capture | None = None
    last_gone: Capture | None = None

    def source(capture: Capture) -> str:
        ref = _source_ref(capture)
        if ref not in sources and not ledger.exists(ref):
            title = f"Capture of {capture.original} at {capture.timestamp}: HTTP {capture.statuscode or '?'}"
            ledger.register_source(
                ref, title=title, url=capture.replay_url(replay), kind="other", at=capture.at
            )
            recorded.append(f"source add {ref}")
        sources.add(ref)
        return ref

    for capture in captures:
        try:
            if capture.seen:
                if status == "deleted" and last_gone is not None:
                    window = WorldTime.window(last_gone.at, capture.at)
                    if ("PostRestored", str(window)) not in done:
                        ledger.restore_post(post, at=window, sources=[source(last_gone), source(capture)])
                        recorded.append(f"post restore {post}")
                    status = "live"
                if capture.replay_url(replay) not in archived:
                    note = f"HTTP {capture.statuscode}" + "".join(
                        f", {part}"
                        for part in (capture.mimetype, capture.length and f"{capture.length} bytes")
                        if part
                    )
                    digest = f"sha1:{capture.digest}" if capture.digest else None
                    ledger.archive_post(
                        post, url=capture.replay_url(replay), at=capture.at, digest=digest, note=note
                    )
                    archived.add(capture.replay_url(replay))
                    recorded.append(f"post archive {post}")
                last_seen, last_gone = capture, None
            elif capture.gone:
                source(capture)
                if status == "live" and last_seen is not None:
                    window = WorldTime.window(last_seen.at, capture.at)
                    if ("PostDeleted", str(window)) not in done:
                        ledger.delete_post(post, at=window, sources=[source(last_seen), source(capture)])
                        recorded.append(f"post delete {post}")
                    status = "deleted"
                last_gone = capture
        except FormatError:
            raise
        except LedgerError as error:
            raise FormatError(str(error), file=name, item=f"line {capture.line}") from None
    return recorded


def replay_base_for(cdx_url: str) -> str | None:
    """Where a CDX server's captures replay: the Wayback Machine's ``/web``, or pywb's collection."""
    base = cdx_url.split("?", 1)[0].rstrip("/")
    if base.endswith("/cdx/search/cdx"):
        return base.removesuffix("/cdx/search/cdx") + "/web"
    if base.endswith("/cdx"):
        return base.removesuffix("/cdx")
    return None


def query_cdx(cdx_url: str, url: str, *, timeout: float = 30.0) -> tuple[str, list[Capture]]:
    """Ask the CDX server at ``cdx_url`` for the captures of ``url``; returns the query and the captures.

    The answer is read as JSON (``output=json``: the Wayback Machine's table,
    or pywb's JSON lines), at most :data:`MAX_INDEX_BYTES`. Raises
    :class:`~domain.errors.FormatError` naming the query when the server
    cannot be reached or answers with something else.
    """
    if not cdx_url.startswith(("http://", "https://")):
        raise FormatError("a CDX server is an http:// or https:// URL", file=cdx_url)
    query = f"{cdx_url}{'&' if '?' in cdx_url else '?'}{urlencode({'url': url, 'output': 'json'})}"
    # urllib.request brings http.client and ssl: only for a command that asks a CDX server.
    from urllib.error import HTTPError, URLError  # noqa: PLC0415
    from urllib.request import urlopen  # noqa: PLC0415

    try:
        # The scheme is checked above: only http and https reach urlopen.
        with urlopen(query, timeout=timeout) as response:  # noqa: S310
            body = response.read(MAX_INDEX_BYTES + 1)
    except HTTPError as error:
        raise FormatError(f"the CDX server answered HTTP {error.code}", file=query) from None
    except (URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise FormatError(f"cannot reach the CDX server: {reason}", file=query) from None
    if len(body) > MAX_INDEX_BYTES:
        raise FormatError(f"the answer is larger than {MAX_INDEX_BYTES:,} bytes", file=query)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FormatError(f"not UTF-8 text: {error.reason}", file=query) from None
    return query, parse_cdx(text, query) if text.strip() else []
