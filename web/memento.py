"""Memento (RFC 7089) for every subject: its versions are its mementos, on the record-time clock.

For the subject ``KIND/SLUG`` (the Original Resource, URI-R):

- URI-R ``/subjects/KIND/SLUG``: its current state;
- URI-M ``/subjects/KIND/SLUG/versions/N``: its state after entry N, with
  ``Memento-Datetime`` (the entry's record time) and ``Link`` headers;
- URI-G ``/timegate/KIND/SLUG``: redirects (302) to the version the ledger
  held at the ``Accept-Datetime`` asked for (RFC 7089 section 4.1,
  pattern 2.3: the TimeGate is a resource of its own), ``Vary:
  accept-datetime``;
- URI-T ``/timemap/KIND/SLUG``: every version with its record time, in
  ``application/link-format`` (RFC 6690; RFC 7089 section 5).

Datetimes are HTTP dates (RFC 7231 ``IMF-fixdate``, to the second). A
version is held at a datetime when it was recorded by the end of that
second, so the ``datetime`` a TimeMap gives for a version leads back to it
(unless several versions were recorded within the same second: then to the
last of them). A datetime before the first version leads to the first, as
RFC 7089 section 4.5.3 suggests; a world-time question stays ``?at=``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

from domain.errors import InvalidError

LINK_FORMAT = "application/link-format"


@dataclass(frozen=True)
class Version:
    """A memento: the subject's version and when the ledger recorded it."""

    number: int
    recorded_at: datetime


@dataclass(frozen=True)
class Uris:
    """The Memento URIs of one subject, absolute."""

    original: str
    timegate: str
    timemap: str

    def memento(self, version: int) -> str:
        """URI-M of ``version``."""
        return f"{self.original}/versions/{version}"


def uris(base: str, ref: str) -> Uris:
    """The Memento URIs of ``ref`` on the server at ``base`` (``http://host:port``)."""
    root = base.rstrip("/")
    return Uris(f"{root}/subjects/{ref}", f"{root}/timegate/{ref}", f"{root}/timemap/{ref}")


def http_date(moment: datetime) -> str:
    """``moment`` as an HTTP date (``Tue, 15 Oct 2024 09:30:00 GMT``)."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def parse_accept_datetime(text: str) -> datetime:
    """An ``Accept-Datetime`` value (an RFC 1123 date in GMT); :class:`InvalidError` if malformed."""
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        moment = None
    if moment is None or moment.tzinfo is None or not text.rstrip().endswith("GMT"):
        raise InvalidError(
            f"expected an HTTP date such as 'Thu, 17 Oct 2024 14:03:00 GMT', not {text[:60]!r}"
        )
    return moment


def held_at(versions: Sequence[Version], moment: datetime) -> Version:
    """The version held at ``moment``: the last one recorded by the end of that second, else the first."""
    limit = moment.replace(microsecond=0) + timedelta(seconds=1)
    chosen = versions[0]
    for version in versions:
        if version.recorded_at < limit:
            chosen = version
    return chosen


def _link(uri: str, rel: str, **attributes: str) -> str:
    extra = "".join(f'; {name}="{value}"' for name, value in attributes.items())
    return f'<{uri}>; rel="{rel}"{extra}'


def memento_rel(versions: Sequence[Version], version: Version) -> str:
    """A memento's relation, with its place at the TimeMap's ends: ``first memento``, ``last memento``."""
    ends = []
    if version == versions[0]:
        ends.append("first")
    if version == versions[-1]:
        ends.append("last")
    return " ".join([*ends, "memento"])


def memento_links(at: Uris, versions: Sequence[Version], version: Version) -> str:
    """The ``Link`` header of a memento or of a TimeGate's redirect to it (RFC 7089 sections 4.1, 4.2)."""
    links = [
        _link(at.original, "original"),
        _link(at.timegate, "timegate"),
        _link(at.timemap, "timemap", type=LINK_FORMAT),
    ]
    for end in {versions[0], version, versions[-1]}:
        links.append(
            _link(at.memento(end.number), memento_rel(versions, end), datetime=http_date(end.recorded_at))
        )
    return ", ".join(sorted(links, key=lambda link: ("memento" in link, link)))


def original_links(at: Uris) -> str:
    """The ``Link`` header of the original resource: where its TimeGate and TimeMap are."""
    return ", ".join(
        [
            _link(at.original, "original"),
            _link(at.timegate, "timegate"),
            _link(at.timemap, "timemap", type=LINK_FORMAT),
        ]
    )


def timemap(at: Uris, versions: Sequence[Version]) -> str:
    """The TimeMap of a subject in ``application/link-format`` (RFC 7089 section 5.1)."""
    first, last = versions[0].recorded_at, versions[-1].recorded_at
    lines = [
        _link(at.original, "original"),
        _link(at.timemap, "self", type=LINK_FORMAT, **{"from": http_date(first), "until": http_date(last)}),
        _link(at.timegate, "timegate"),
    ]
    lines += [
        _link(at.memento(v.number), memento_rel(versions, v), datetime=http_date(v.recorded_at))
        for v in versions
    ]
    return ",\n".join(line.replace("; ", ";") for line in lines) + "\n"
