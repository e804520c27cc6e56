"""Recording imported fact-checks (ClaimReview, Fact Check API) in the ledger, idempotently.

Mapping (docs/interop.md has the table): the claimant and the reviewer are
actors, matched by name (case-insensitively) or by URL (a ``web:URL``
handle) to those already recorded, else created with a stable slug; each
appearance is a post known by its URL (the first one is where the claim was
made, the others are repetitions); the review's URL is a source, cited as
evidence; the rating's label is the verdict, and the ratings table says
whether it rebuts, supports, or neither (``unrated``). Rating numbers are
kept in the review's note.

Re-importing records only what is new: a claim already reviewed by the
same reviewer with the same label is skipped; with another label, the
verdict is revised.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from domain.claim import ClaimState
from domain.errors import FormatError, InvalidError
from domain.worldtime import OPEN_START, WorldTime
from ledger import commands, progress
from ledger.commands import Command
from ledger.formats import commanding

if TYPE_CHECKING:
    from ledger.facade import Ledger

DEFAULT_RATINGS: Final[Mapping[str, str]] = {
    **dict.fromkeys(
        (
            "false", "mostly false", "pants on fire", "pants on fire!", "incorrect", "inaccurate", "wrong",
            "fake", "misleading", "fabricated", "baseless", "not true", "four pinocchios", "three pinocchios",
            "falso", "faux", "falsch", "ложь", "неправда", "كاذب", "خطأ", "שקר", "לא נכון", "虚假",
        ),
        "rebutted",
    ),
    **dict.fromkeys(
        ("true", "mostly true", "correct", "accurate", "verdadero", "vrai", "richtig", "правда",
         "صحيح", "נכון"),
        "supported",
    ),
}  # fmt: skip
"""Rating labels (compared case-insensitively) and the stance each takes; any other is ``unrated``."""

STANCES: Final = ("rebutted", "supported", "unrated")

CLAIMREVIEW_NAMES: Final[Mapping[str, str]] = {
    "claim": "claimReviewed",
    "claimant": "itemReviewed.author",
    "claimant_url": "itemReviewed.author.url",
    "made_at": "itemReviewed.datePublished",
    "appearance": "itemReviewed.appearance",
    "reviewer": "author",
    "reviewer_url": "author.url",
    "label": "reviewRating.alternateName",
    "rating": "reviewRating",
    "reviewed_at": "datePublished",
    "url": "url",
    "title": "name",
}
"""The ClaimReview field behind each part of a :class:`ReviewItem`."""


@dataclass(frozen=True)
class Party:
    """An author or publisher as a format names it."""

    name: str
    url: str | None
    kind: str  # person | organization


@dataclass(frozen=True)
class Appearance:
    """A URL where the claim appeared, and when, if said."""

    url: str
    at: WorldTime | None
    first: bool = False


@dataclass(frozen=True)
class Rating:
    """schema.org Rating: the label, and the numbers as given (text)."""

    label: str
    value: str | None = None
    best: str | None = None
    worst: str | None = None

    def note(self) -> str | None:
        """The numbers, for the review's note (``ratingValue=1; bestRating=5; worstRating=1``)."""
        parts = [f"{k}={v}" for k, v in (("ratingValue", self.value), ("bestRating", self.best),
                                          ("worstRating", self.worst)) if v is not None]  # fmt: skip
        return "; ".join(parts) or None


@dataclass(frozen=True)
class ReviewItem:
    """One fact-check as read from a file, in the format's terms."""

    where: str
    claim_text: str
    claimant: Party | None
    made_at: WorldTime | None
    appearances: tuple[Appearance, ...]
    reviewer: Party
    rating: Rating
    reviewed_at: WorldTime
    url: str | None
    title: str | None
    language: str | None = None
    names: Mapping[str, str] = field(default_factory=lambda: CLAIMREVIEW_NAMES)
    """The format's field behind each part of the item (``claim``: ``claimReviewed``), for error lines."""


@dataclass(frozen=True)
class ReviewImport:
    """What an import recorded (or, in a dry run, would record)."""

    file: str
    items: int
    recorded: tuple[str, ...]
    """One line per entry recorded, such as ``claim rebut claim/x``."""
    dry_run: bool
    positions: tuple[int, int] | None = None


def read_ratings(path: str | os.PathLike[str] | None) -> dict[str, str]:
    """The default ratings table, overridden by the JSON object in ``path`` (label -> stance)."""
    table = dict(DEFAULT_RATINGS)
    if path is None:
        return table
    name = os.fspath(path)
    try:
        loaded = json.loads(Path(name).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FormatError(f"cannot read the ratings table: {error}", file=name) from None
    if not isinstance(loaded, dict):
        raise FormatError("a ratings table is a JSON object of label -> stance", file=name)
    for label, stance in loaded.items():
        if stance not in STANCES:
            raise FormatError(f"stance must be one of {', '.join(STANCES)}", file=name, item=repr(label))
        table[label.casefold()] = stance
    return table


def slug(text: str, *, keep: int = 40) -> str:
    """A reference slug from any text: its ASCII words, or ``x`` and a short digest when none is left.

    Callers add a digest of what identifies the subject, so slugs stay unique.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", folded)
    base = "-".join(words)[:keep].strip("-")
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return base or f"x{digest}"


@dataclass
class ReviewRecorder:
    """Records review items in an open batch of ``ledger``, remembering what it did."""

    ledger: Ledger
    ratings: Mapping[str, str]
    file: str = ""
    """The file the items are read from, for error lines."""
    recorded: list[str] = field(default_factory=list)
    _actors: dict[str, str] | None = None
    _item: ReviewItem | None = None
    """The item being recorded."""
    _reviews: dict[tuple[str, str], list[tuple[str, WorldTime]]] = field(default_factory=dict)
    """Every (verdict, time) recorded for each (claim, reviewer), by the ledger or this import."""
    _created: set[str] = field(default_factory=set)
    _claim_posts: dict[str, set[str]] = field(default_factory=dict)

    def exists(self, ref: str) -> bool:
        """True when ``ref`` is recorded, or recorded by this import (in its open batch)."""
        return ref in self._created or self.ledger.exists(ref)

    def _run(self, model: type[Command], fields: dict[str, Any], roles: Mapping[str, str]) -> str:
        """Execute ``model`` with ``fields``; ``roles`` names the item's part behind each field."""
        item = self._item
        known = item.names if item is not None else {}
        names = {name: known[role] for name, role in roles.items() if role in known}
        where = item.where if item is not None else None
        ref = commanding.run(self.ledger, model, fields, file=self.file, item=where, names=names)
        self._created.add(ref)
        self.recorded.append(f"{model.NAME} {ref}")
        return ref

    def actor(self, party: Party, role: str) -> str:
        """The actor for ``party``: an existing one with that name or URL, else a new one."""
        if self._actors is None:
            self._actors = {}
            for row in self.ledger.actors(replay=True):
                self._actors.setdefault(row.name.casefold(), row.ref)
                for handle in row.handles:
                    if handle.startswith("web:"):
                        self._actors.setdefault(handle[4:], row.ref)
        for key in (party.url, party.name.casefold()):
            if key and key in self._actors:
                return self._actors[key]
        ref = f"actor/{slug(party.name)}"
        handles = [f"web:{party.url}"] if party.url else []
        if not self.exists(ref):
            fields = {"ref": ref, "name": party.name, "kind": party.kind, "handles": handles}
            self._run(commands.RegisterActor, fields, {"name": role, "handles": f"{role}_url"})
        self._actors[party.name.casefold()] = ref
        if party.url:
            self._actors[party.url] = ref
        return ref

    def post(self, url: str, author: str, at: WorldTime, role: str = "appearance") -> str:
        """The post known by ``url``, recorded if new."""
        ref = f"post/{slug(urlsplit(url).netloc + ' ' + urlsplit(url).path, keep=30)}-{_digest(url)}"
        if not self.exists(ref):
            platform = urlsplit(url).netloc or "web"
            fields = {"ref": ref, "platform": platform, "author": author, "url": url, "at": at}
            self._run(
                commands.PublishPost, fields, {"url": "appearance", "platform": "appearance", "at": role}
            )
        return ref

    def source(self, url: str, title: str | None, publisher: str, at: WorldTime) -> str:
        """The source of the review's URL, recorded if new."""
        ref = f"source/{slug(title or urlsplit(url).netloc, keep=30)}-{_digest(url)}"
        if not self.exists(ref):
            fields = {"ref": ref, "title": title or url, "url": url, "publisher": publisher, "at": at}
            self._run(commands.RegisterSource, fields, {"title": "title", "url": "url", "at": "reviewed_at"})
        return ref

    def record(self, item: ReviewItem) -> None:
        """Record the claim, its appearances and the review of ``item`` that are not yet recorded."""
        self._item = item
        claimant = self.actor(item.claimant or Party("Unknown claimant", None, "organization"), "claimant")
        reviewer = self.actor(item.reviewer, "reviewer")
        # Undated: the claim was made, and its posts published, no later than it was reviewed.
        made_at = item.made_at or _first_time(item) or no_later_than(item.reviewed_at)
        appearances = sorted(item.appearances, key=lambda a: not a.first)
        claim_ref = f"claim/{slug(item.claim_text)}-{_digest(item.claim_text.casefold() + claimant)}"
        if not self.exists(claim_ref):
            if appearances:
                first = appearances[0]
                post = self.post(first.url, claimant, first.at or no_later_than(made_at))
            else:  # no appearance named: the claim's own words are all that is known of where it was made
                post = f"post/{slug(item.claim_text, keep=30)}-{_digest(claim_ref)}"
                if not self.exists(post):
                    fields = {"ref": post, "platform": "unknown", "author": claimant, "text": item.claim_text}
                    self._run(
                        commands.PublishPost, {**fields, "at": made_at}, {"text": "claim", "at": "made_at"}
                    )
            fields = {"ref": claim_ref, "text": item.claim_text, "claimant": claimant, "post": post}
            self._run(commands.MakeClaim, {**fields, "at": made_at}, {"text": "claim", "at": "made_at"})
            self._claim_posts[claim_ref] = {post}
        elif claim_ref not in self._claim_posts:
            self._claim_posts[claim_ref] = {a.post for a in self._claim(claim_ref).appearances}
        known_posts = self._claim_posts[claim_ref]
        for appearance in appearances:
            post = self.post(appearance.url, claimant, appearance.at or no_later_than(item.reviewed_at))
            if post not in known_posts:
                at = appearance.at or _between(made_at, item.reviewed_at)
                repeat = {"ref": claim_ref, "post": post, "by": claimant, "at": at}
                self._run(commands.RepeatClaim, repeat, {"post": "appearance", "at": "appearance"})
                known_posts.add(post)
        self._review(item, claim_ref, reviewer)

    def _claim(self, ref: str) -> ClaimState:
        state = self.ledger.get(ref)
        assert isinstance(state, ClaimState)  # noqa: S101  (refs are built as claim/...)
        return state

    def _review(self, item: ReviewItem, claim_ref: str, reviewer: str) -> None:
        key = (claim_ref, reviewer)
        if key not in self._reviews:
            self._reviews[key] = []
            if self.ledger.exists(claim_ref):
                reviews = self._claim(claim_ref).reviews
                self._reviews[key] = [(r.verdict, r.at) for r in reviews if r.reviewer == reviewer]
        known = self._reviews[key]
        label, at = item.rating.label, item.reviewed_at
        if any(v.casefold() == label.casefold() and str(t) == str(at) for v, t in known):
            # This reviewer's rating at this time is recorded (a file imported again, whatever the order).
            return
        # The reviewer's latest review no later than this one, in world time: a revision follows it.
        earlier = [(t.sort_key, v) for v, t in known if t.sort_key <= at.sort_key]
        previous = max(earlier)[1] if earlier else None
        if previous is not None and previous.casefold() == label.casefold():
            # "False" then "FALSE" from the same reviewer is the same rating, not a revision.
            return
        stance = self.ratings.get(label.casefold(), "unrated")
        evidence = []
        if item.url:
            evidence = [self.source(item.url, item.title, reviewer, at)]
        fields = {
            "ref": claim_ref,
            "reviewer": reviewer,
            "verdict": label,
            "rationale": item.title or f"rated “{label}” by {item.reviewer.name}",
            "at": at,
            "evidence": evidence,
            "sources": evidence,
            "note": item.rating.note(),
        }
        roles = {"verdict": "label", "rationale": "title", "at": "reviewed_at", "note": "rating"}
        model: type[Command]
        if previous is not None:
            model, fields = commands.ReviseVerdict, {**fields, "stance": stance}
        else:  # the reviewer's first, or a review earlier in world time than any recorded (found late)
            model = {"rebutted": commands.RebutClaim, "supported": commands.SupportClaim}.get(
                stance, commands.RateClaim
            )
        self._run(model, fields, roles)
        known.append((label, at))


def no_later_than(when: WorldTime) -> WorldTime:
    """Some time up to the end of ``when``: a window open at its start."""
    return WorldTime.window(OPEN_START, WorldTime.instant(when.latest))


def _between(start: WorldTime, end: WorldTime) -> WorldTime:
    if end.latest < start.earliest:
        return end
    return WorldTime.window(WorldTime.instant(start.earliest), WorldTime.instant(end.latest))


def _first_time(item: ReviewItem) -> WorldTime | None:
    times = [a.at for a in item.appearances if a.at is not None]
    return min(times, key=lambda t: t.sort_key) if times else None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def import_reviews(
    ledger: Ledger,
    name: str,
    items: Iterable[ReviewItem],
    *,
    ratings: Mapping[str, str] | None = None,
    dry_run: bool = False,
) -> ReviewImport:
    """Record ``items`` (read from the file ``name``, one by one) in one batch, all or nothing.

    The batch is spooled (:mod:`ledger.spool`): its pending events and most
    states wait in a scratch file, so memory stays bounded however many
    items the file holds.
    """
    recorder = ReviewRecorder(ledger, ratings if ratings is not None else DEFAULT_RATINGS, name)
    head = ledger.head
    count = 0
    with ledger.batch(dry_run=dry_run, spooled=True):
        for count, item in enumerate(items, start=1):
            recorder.record(item)
            progress.advance("importing", count)
    written = None if dry_run or ledger.head == head else (head + 1, ledger.head)
    return ReviewImport(name, count, tuple(recorder.recorded), dry_run, written)


def check_stance(stance: str) -> str:
    """``stance`` if it is one of :data:`STANCES`."""
    if stance not in STANCES:
        raise InvalidError(f"stance must be one of {', '.join(STANCES)}")
    return stance
