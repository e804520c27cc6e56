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
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlencode, urlsplit

from domain.errors import FormatError
from domain.post import PostState
from domain.worldtime import WorldTime
from ledger.commands import ArchivePost, Command, DeletePost, RegisterSource, RestorePost
from ledger.formats import commanding
from ledger.formats.cdx_index import (
    DEFAULT_REPLAY,
    FIELDS,
    GONE,
    MAX_INDEX_BYTES,
    Capture,
    parse_cdx,
    parse_timestamp,
    read_cdx,
)

if TYPE_CHECKING:
    from ledger.facade import Ledger

__all__ = [
    "DEFAULT_REPLAY",
    "FIELDS",
    "GONE",
    "MAX_INDEX_BYTES",
    "Capture",
    "CaptureImport",
    "parse_cdx",
    "parse_timestamp",
    "query_cdx",
    "read_cdx",
    "record_captures",
    "replay_base_for",
    "same_page",
    "with_statuses",
]


@dataclass(frozen=True)
class CaptureImport:
    """What a CDX import recorded (or would record, in a dry run)."""

    file: str
    rows: int
    captures: int
    recorded: tuple[str, ...]
    dry_run: bool


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

    if state.url is None:
        # Without the post's URL, a capture of any page would be read as the post's (a 404 of another
        # page would mark it deleted).
        raise FormatError(
            f"{post} was recorded without a URL, so there is nothing to match the captures against"
            " (a post's URL is given when it is published: ledger post publish --url)",
            file=name,
        )
    page = _page_key(state.url)
    for capture in with_statuses(captures):
        if _page_key(capture.original) != page:
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
