"""Wayback CDX in: an archive's capture index of a post's URL, recorded on the post.

Source: the Wayback CDX Server API (internetarchive/wayback, ``wayback-cdx-server``
README): fields ``urlkey timestamp original mimetype statuscode digest
length``, as JSON (``[[header...], [row...], ...]``) or the default
space-separated lines; and pywb's CDX server, whose ``output=json`` is one
JSON object a line (``url``, ``mime``, ``status``). Timestamps are 14 digits,
``YYYYMMDDhhmmss``, in UTC.

What is recorded, in world-time order, each once however often the file is
imported (every entry a command model run by ``Ledger.execute``):

- every capture: ``post archive`` with the replay URL, the capture time,
  the digest (``sha1:...``) and its HTTP status (``http_status``); the note
  keeps the status, media type and length. A capture with 404, 410 or 451
  is a capture of absence: the post is recorded as gone then. A 2xx capture
  shows the post there. Any other status is recorded as it is and bounds
  nothing: a 3xx redirect (to a login wall, a profile, the canonical URL)
  does not say whether the post still existed, nor do 401/403, 429 or 5xx.
  A revisit record (status ``-``) saw what the earlier capture with its
  digest saw, and is recorded with that status; one whose digest matches no
  earlier capture cannot say what it saw and is left out;
- at each change from a 2xx capture (or, before any, the post's
  publication) to a later capture of absence: ``post delete`` for the window
  from the last capture that saw the page to the first that did not, citing
  both captures as sources (a source each, kind ``other``); a later 2xx
  capture again is ``post restore``, within the window since the last
  capture of absence. A deletion or restoration the post already has at an
  overlapping time (recorded by hand, or by an earlier import) is kept as
  it is, and the captures narrow it.

Identical rows (same time, URL, status and digest) are collapsed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlencode, urlsplit

from domain.errors import FormatError, InvalidError
from domain.post import GONE_STATUSES, PostState
from domain.worldtime import WorldTime
from ledger.commands import ArchivePost, Command, DeletePost, RegisterSource, RestorePost
from ledger.formats import commanding

if TYPE_CHECKING:
    from ledger.facade import Ledger

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


@dataclass(frozen=True)
class CaptureImport:
    """What a CDX import recorded (or would record, in a dry run)."""

    file: str
    rows: int
    captures: int
    recorded: tuple[str, ...]
    dry_run: bool


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


_HOST_PREFIXES: Final = ("www.", "m.", "mobile.")
_SAME_HOSTS: Final = {"twitter.com": "x.com"}
"""Hosts that serve the same posts under another name."""


def same_page(first: str, second: str) -> bool:
    """True when two URLs name the same page as a capture index does: scheme, ``www.``/``m.``, a
    trailing slash, the query and the fragment aside (``http://twitter.com/a/status/1?s=20`` is
    ``https://x.com/a/status/1``)."""
    return _page_key(first) == _page_key(second)


def _page_key(url: str) -> tuple[str, str]:
    try:
        parts = urlsplit(url.strip() if "://" in url else f"http://{url.strip()}")
    except ValueError:  # not a URL (an unclosed [IPv6 host]): the same page only as the same text
        return url, ""
    host = (parts.hostname or "").lower()
    for prefix in _HOST_PREFIXES:
        host = host.removeprefix(prefix)
    return _SAME_HOSTS.get(host, host), parts.path.rstrip("/")


def _source_ref(capture: Capture) -> str:
    digest = hashlib.sha256(f"{capture.timestamp} {capture.original}".encode()).hexdigest()[:8]
    return f"source/wayback-{capture.timestamp}-{digest}"


_CAPTURE_FIELDS: Final = {
    "at": "timestamp",
    "url": "original",
    "http_status": "statuscode",
    "digest": "digest",
}
"""The CDX field behind each field of ``post archive``, for error lines."""


def _overlaps(first: WorldTime, second: WorldTime) -> bool:
    return not first.definitely_before(second) and not second.definitely_before(first)


def with_statuses(captures: list[Capture]) -> Iterator[Capture]:
    """``captures`` with a revisit record (no status) given the status of the earlier capture with its
    digest (the same payload, so what that capture saw); one whose digest matches none is left out."""
    statuses: dict[str, str] = {}
    for capture in captures:
        if capture.statuscode is not None:
            if capture.digest is not None:
                statuses[capture.digest] = capture.statuscode
            yield capture
        elif capture.digest in statuses:
            yield replace(capture, statuscode=statuses[capture.digest])


def record_captures(
    ledger: Ledger, post: str, captures: list[Capture], *, name: str, replay: str = DEFAULT_REPLAY
) -> list[str]:
    """Record ``captures`` of ``post`` (in the caller's batch); returns one line per entry recorded.

    Each capture is a ``post archive`` command with its HTTP status, run by
    :meth:`~ledger.Ledger.execute`; deletions and restorations are ``post
    delete`` and ``post restore`` commands citing the two captures that bound
    them. A turn the post already has at an overlapping time is not recorded
    again, so a re-import, or a deletion recorded by hand, is kept as it is.
    """
    state = ledger.get(post)
    if not isinstance(state, PostState):
        raise FormatError(f"{post} is not a post", file=name)
    archived = {capture.url for capture in state.archives}
    turns: list[tuple[str, WorldTime]] = [(turn.kind, turn.at) for turn in state.turns]
    recorded: list[str] = []
    sources: set[str] = set()
    status = "live"  # the captures are replayed from the post's publication on
    last_seen: Capture | None = None
    last_gone: Capture | None = None

    def run(model: type[Command], capture: Capture, **fields: Any) -> None:
        item = f"line {capture.line}"
        commanding.run(ledger, model, {"ref": post, **fields}, file=name, item=item, names=_CAPTURE_FIELDS)
        recorded.append(f"{model.NAME} {post}")

    def source(capture: Capture) -> str:
        ref = _source_ref(capture)
        if ref not in sources and not ledger.exists(ref):
            title = f"Capture of {capture.original} at {capture.timestamp}: HTTP {capture.statuscode or '?'}"
            fields = {"ref": ref, "title": title, "url": capture.replay_url(replay), "kind": "other"}
            item = f"line {capture.line}"
            commanding.run(
                ledger,
                RegisterSource,
                {**fields, "at": capture.at},
                file=name,
                item=item,
                names=_CAPTURE_FIELDS,
            )
            recorded.append(f"{RegisterSource.NAME} {ref}")
        sources.add(ref)
        return ref

    def turn(
        model: type[DeletePost | RestorePost], kind: str, before: Capture | None, after: Capture
    ) -> None:
        start = before.at if before is not None else state.published_at
        window = WorldTime.window(start, after.at)
        if not any(k == kind and _overlaps(at, window) for k, at in turns):
            cited = [*([source(before)] if before is not None else []), source(after)]
            run(model, after, at=window, sources=cited)
            turns.append((kind, window))

    page = None if state.url is None else _page_key(state.url)
    for capture in with_statuses(captures):
        if page is not None and _page_key(capture.original) != page:
            raise FormatError(
                f"a capture of {capture.original[:200]!r}, not of {post}'s URL {(state.url or '')[:200]!r}",
                file=name,
                item=f"line {capture.line}",
                field="original",
            )
        if capture.seen:
            if status == "deleted" and last_gone is not None:
                turn(RestorePost, "restored", last_gone, capture)
            status = "live"
            last_seen, last_gone = capture, None
        elif capture.gone:
            if status == "live":
                # From the last capture that saw the page (or its publication) to this one.
                turn(DeletePost, "deleted", last_seen, capture)
            status = "deleted"
            last_gone = capture
        if capture.replay_url(replay) not in archived:
            run(
                ArchivePost,
                capture,
                url=capture.replay_url(replay),
                at=capture.at,
                digest=f"sha1:{capture.digest}" if capture.digest else None,
                http_status=capture.statuscode,
                note=capture.note(),
            )
            archived.add(capture.replay_url(replay))
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
