"""A seeded, reproducible stream of valid ledger commands of realistic shape.

``Workload(events=N, seed=S)`` yields :class:`Command` objects, each one call
of the :class:`ledger.Ledger` API, until they record exactly N events. The
generator keeps just enough of each subject's state to produce only commands
the domain accepts: it never observes a deleted post, restores a live one,
revises a verdict that was never given, lapses an answered request, or links
a subject to a case twice. World time advances with every command, and each
subject's entries follow its own earlier ones.

Most activity concerns recent subjects (a newsroom works on current stories),
with a fifth of it on older ones, as corrections and late reviews do.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks.text import TextMaker

_START = datetime(2019, 1, 1, tzinfo=UTC)
_RECENT = 300
_PLATFORMS = ["X", "LinkedIn", "Facebook", "Instagram", "TikTok", "Threads", "Bluesky", "YouTube", "web"]
_FIRST = ["ana", "ben", "chloe", "dev", "elif", "femi", "gita", "hugo", "ines", "jon", "kofi", "lena"]
_LAST = ["smith", "okafor", "nguyen", "garcia", "kowalski", "haddad", "ito", "silva", "brown", "khan"]
_VERDICTS_AGAINST = ["False", "Misleading", "Missing context", "Mostly false", "Unsupported"]
_VERDICTS_FOR = ["True", "Mostly true", "Accurate", "Correct with caveats"]
_SOURCE_KINDS = ["article", "regulation", "statement", "social-post", "screenshot", "other"]
_CHANNELS = ["email", "phone", "social", "in-person", "other"]
_DESKS = ["desk-ana", "desk-ben", "desk-chloe", "desk-dev", "bot-archiver"]

#: Relative frequency of each kind of entry, per event recorded.
WEIGHTS: dict[str, float] = {
    "register_actor": 3,
    "register_source": 4,
    "archive_source": 1,
    "publish_post": 14,
    "observe_post": 25,
    "edit_post": 4,
    "archive_post": 4,
    "delete_post": 3,
    "restore_post": 1,
    "make_claim": 8,
    "repeat_claim": 6,
    "rebut_claim": 5,
    "support_claim": 2,
    "revise_verdict": 1.5,
    "retract_claim": 0.5,
    "request_comment": 4,
    "receive_comment": 1.5,
    "decline_comment": 1,
    "lapse_comment": 1,
    "open_case": 0.5,
    "link_to_case": 5,
    "add_case_note": 2,
    "correct": 0.5,
}


@dataclass(frozen=True, slots=True)
class Command:
    """One call of the Ledger API: the method, the subject's reference and the keyword arguments."""

    method: str
    ref: str
    args: dict[str, Any]
    events: int = 1
    """How many events the command records."""

    def to_json(self) -> dict[str, Any]:
        """The command as one JSON object: ``{"command": METHOD, "ref": REF, ...arguments}``."""
        return {"command": self.method, "ref": self.ref, **self.args}


@dataclass(slots=True)
class _Post:
    author: str
    last: datetime
    deleted: bool = False
    views: int = 0


@dataclass(slots=True)
class _Claim:
    claimant: str
    last: datetime
    reviewed: bool = False
    retracted: bool = False


@dataclass(slots=True)
class _Comment:
    last: datetime
    deadline: datetime
    status: str = "awaiting"


@dataclass(slots=True)
class _Case:
    linked: set[str] = field(default_factory=set)


class Workload:
    """Commands recording exactly ``events`` events, the same for the same ``seed``."""

    def __init__(self, events: int, seed: int = 2024) -> None:
        self.events = events
        self.seed = seed

    def __iter__(self) -> Iterator[Command]:
        return _Generator(self.seed).take(self.events)

    def continuation(self, events: int) -> Iterator[Command]:
        """Commands recording ``events`` more events, valid after this workload's."""
        generator = _Generator(self.seed)
        for _ in generator.take(self.events):
            pass
        return generator.take(events)


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.text = TextMaker(self.rng)
        self.remaining = 0
        self.clock = _START
        self.serial = 0
        self.people: list[str] = []
        self.organisations: list[str] = []
        self.sources: list[str] = []
        self.post_refs: list[str] = []
        self.posts: dict[str, _Post] = {}
        self.deleted_posts: list[str] = []
        self.claim_refs: list[str] = []
        self.claims: dict[str, _Claim] = {}
        self.comment_refs: list[str] = []
        self.comments: dict[str, _Comment] = {}
        self.case_refs: list[str] = []
        self.cases: dict[str, _Case] = {}
        self.versions: dict[str, int] = {}
        self.makers: dict[str, Callable[[], Command | None]] = {name: getattr(self, name) for name in WEIGHTS}
        self.names = list(WEIGHTS)
        self.weights = list(WEIGHTS.values())

    # -- driving ---------------------------------------------------------------

    def take(self, events: int) -> Iterator[Command]:
        """Commands recording exactly ``events`` more events."""
        self.remaining = events
        opening = [self.register_actor] * 6 + [self.register_source] * 3 + [self.publish_post] * 3
        for make in opening if self.serial == 0 else ():
            if self.remaining <= 0:
                return
            command = make()
            if command is not None:
                yield self._count(command)
        while self.remaining > 0:
            name = self.rng.choices(self.names, self.weights)[0]
            command = self.makers[name]()
            if command is not None:
                yield self._count(command)

    def _count(self, command: Command) -> Command:
        self.remaining -= command.events
        self.versions[command.ref] = self.versions.get(command.ref, 0) + command.events
        self.clock += timedelta(seconds=self.rng.randint(1, 120))
        return command

    def _next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def _pick(self, refs: list[str]) -> str:
        """A recent reference, or now and then any one."""
        if self.rng.random() < 0.8:
            return self.rng.choice(refs[-_RECENT:])
        return self.rng.choice(refs)

    def _provenance(self) -> dict[str, Any]:
        rng = self.rng
        args: dict[str, Any] = {"recorded_by": rng.choice(_DESKS)}
        roll = rng.random()
        if self.sources and roll < 0.75:
            cited = {self._pick(self.sources) for _ in range(1 if roll < 0.6 else 2)}
            args["sources"] = sorted(cited)
        if rng.random() < 0.05:
            args["note"] = self.text.note()
        return args

    # -- world time --------------------------------------------------------------

    @staticmethod
    def _minute(moment: datetime) -> str:
        return moment.strftime("%Y-%m-%dT%H:%MZ")

    def _at(self, floor: datetime | None = None) -> str:
        """Now, mostly to the minute, sometimes to the second or the day."""
        moment = self.clock if floor is None or floor < self.clock else floor
        roll = self.rng.random()
        if roll < 0.75:
            return self._minute(moment)
        if roll < 0.9:
            return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        return moment.strftime("%Y-%m-%d")

    # -- actors and sources ----------------------------------------------------------

    def register_actor(self) -> Command:
        rng = self.rng
        n = self._next_serial()
        if rng.random() < 0.7:
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            ref = f"actor/{first}-{last}-{n}"
            args: dict[str, Any] = {"name": f"{first.title()} {last.title()}", "kind": "person"}
            self.people.append(ref)
        else:
            word = rng.choice(["daily", "gazette", "herald", "check", "press", "party", "office"])
            ref = f"actor/{word}-{n}"
            args = {"name": f"The {word.title()} {n}", "kind": "organization"}
            self.organisations.append(ref)
        if rng.random() < 0.6:
            args["description"] = self.text.sentence(6, 20)
        if rng.random() < 0.5:
            args["handles"] = [f"x:{ref.partition('/')[2]}"]
        return Command("register_actor", ref, {**args, **self._provenance()})

    def register_source(self) -> Command:
        rng = self.rng
        n = self._next_serial()
        ref = f"source/{rng.choice(['report', 'filing', 'rules', 'statement', 'capture'])}-{n}"
        args: dict[str, Any] = {
            "title": self.text.words(rng.randint(5, 14)).capitalize(),
            "kind": rng.choice(_SOURCE_KINDS),
            "url": f"https://example.org/{ref.partition('/')[2]}",
            "at": self.clock.strftime("%Y-%m-%d"),
        }
        if self.organisations and rng.random() < 0.7:
            args["publisher"] = self._pick(self.organisations)
        command = Command("register_source", ref, {**args, **self._provenance()})
        self.sources.append(ref)
        return command

    def archive_source(self) -> Command | None:
        if not self.sources:
            return None
        ref = self._pick(self.sources)
        url = f"https://archive.example/{self._next_serial()}"
        return Command("archive_source", ref, {"url": url, "at": self._at(), **self._provenance()})

    # -- posts ------------------------------------------------------------------------

    def publish_post(self) -> Command | None:
        authors = self.people + self.organisations
        if not authors:
            return None
        rng = self.rng
        n = self._next_serial()
        platform = rng.choice(_PLATFORMS)
        ref = f"post/{platform.lower()}-{n}"
        author = self._pick(self.people) if self.people and rng.random() < 0.8 else rng.choice(authors)
        args: dict[str, Any] = {
            "platform": platform,
            "author": author,
            "text": self.text.post(),
            "at": self._at(),
            "url": f"https://{platform.lower()}.example/{n}",
        }
        if self.post_refs and rng.random() < 0.15:
            args["in_reply_to"] = self._pick(self.post_refs)
        self.posts[ref] = _Post(author=author, last=self.clock)
        self.post_refs.append(ref)
        return Command("publish_post", ref, {**args, **self._provenance()})

    def _live_post(self) -> tuple[str, _Post] | None:
        if not self.post_refs:
            return None
        ref = self._pick(self.post_refs)
        post = self.posts[ref]
        return None if post.deleted else (ref, post)

    def observe_post(self) -> Command | None:
        found = self._live_post()
        if found is None:
            return None
        ref, post = found
        rng = self.rng
        post.views = int(post.views * rng.uniform(1.05, 3.0)) + rng.randint(10, 5000)
        args: dict[str, Any] = {"views": post.views, "at": self._at()}
        if rng.random() < 0.7:
            args["likes"] = post.views // rng.randint(20, 200)
        if rng.random() < 0.5:
            args["reposts"] = post.views // rng.randint(100, 2000)
        post.last = self.clock
        return Command("observe_post", ref, {**args, **self._provenance()})

    def edit_post(self) -> Command | None:
        found = self._live_post()
        if found is None:
            return None
        ref, post = found
        post.last = self.clock
        return Command("edit_post", ref, {"text": self.text.post(), "at": self._at(), **self._provenance()})

    def archive_post(self) -> Command | None:
        found = self._live_post()
        if found is None:
            return None
        ref, post = found
        post.last = self.clock
        args = {
            "url": f"https://archive.example/{self._next_serial()}",
            "at": self._at(),
            "digest": f"sha256:{self.rng.getrandbits(256):064x}",
        }
        return Command("archive_post", ref, {**args, **self._provenance()})

    def delete_post(self) -> Command | None:
        found = self._live_post()
        if found is None:
            return None
        ref, post = found
        # Deletions are seen as a window: last seen live .. first seen missing.
        window = f"{self._minute(post.last)}..{self._minute(self.clock)}"
        post.deleted, post.last = True, self.clock
        self.deleted_posts.append(ref)
        deleted_by = self.rng.choice(["author", "author", "platform", "unknown"])
        return Command("delete_post", ref, {"at": window, "deleted_by": deleted_by, **self._provenance()})

    def restore_post(self) -> Command | None:
        if not self.deleted_posts:
            return None
        ref = self.deleted_posts.pop(self.rng.randrange(len(self.deleted_posts)))
        post = self.posts[ref]
        post.deleted, post.last = False, self.clock
        return Command("restore_post", ref, {"at": self._minute(self.clock), **self._provenance()})

    # -- claims -------------------------------------------------------------------------

    def make_claim(self) -> Command | None:
        if len(self.post_refs) < 2:
            return None
        rng = self.rng
        where = self._pick(self.post_refs)
        about = {self._pick(self.post_refs)} - {where}
        if self.people and rng.random() < 0.3:
            about.add(self._pick(self.people))
        n = self._next_serial()
        ref = f"claim/{n}-{rng.choice(['staff', 'vote', 'law', 'funding', 'travel', 'count'])}"
        claimant = self.posts[where].author
        args: dict[str, Any] = {
            "text": self.text.claim(),
            "claimant": claimant,
            "post": where,
            "at": self._at(),
            "about": sorted(about),
        }
        self.claims[ref] = _Claim(claimant=claimant, last=self.clock)
        self.claim_refs.append(ref)
        return Command("make_claim", ref, {**args, **self._provenance()})

    def repeat_claim(self) -> Command | None:
        if not self.claim_refs:
            return None
        ref = self._pick(self.claim_refs)
        where = self._pick(self.post_refs)
        self.claims[ref].last = self.clock
        args = {"post": where, "by": self.posts[where].author, "at": self._at()}
        return Command("repeat_claim", ref, {**args, **self._provenance()})

    def _review_args(self, against: bool) -> dict[str, Any] | None:
        if not self.organisations or not self.sources:
            return None
        rng = self.rng
        evidence = [
            f"{self._pick(self.sources)}:{self.text.quote()}"
            if rng.random() < 0.8
            else self._pick(self.sources)
            for _ in range(rng.randint(1, 3))
        ]
        return {
            "reviewer": self._pick(self.organisations),
            "verdict": rng.choice(_VERDICTS_AGAINST if against else _VERDICTS_FOR),
            "rationale": self.text.rationale(),
            "at": self._at(),
            "evidence": evidence,
        }

    def _review(self, method: str, against: bool, *, needs_verdict: bool) -> Command | None:
        if not self.claim_refs:
            return None
        ref = self._pick(self.claim_refs)
        claim = self.claims[ref]
        if needs_verdict and not claim.reviewed:
            return None
        args = self._review_args(against)
        if args is None:
            return None
        claim.reviewed, claim.last = True, self.clock
        return Command(method, ref, {**args, **self._provenance()})

    def rebut_claim(self) -> Command | None:
        return self._review("rebut_claim", True, needs_verdict=False)

    def support_claim(self) -> Command | None:
        return self._review("support_claim", False, needs_verdict=False)

    def revise_verdict(self) -> Command | None:
        return self._review("revise_verdict", self.rng.random() < 0.6, needs_verdict=True)

    def retract_claim(self) -> Command | None:
        if not self.claim_refs:
            return None
        ref = self._pick(self.claim_refs)
        claim = self.claims[ref]
        if claim.retracted:
            return None
        claim.retracted, claim.last = True, self.clock
        args = {"at": self._at(), "reason": self.text.sentence(6, 16)}
        return Command("retract_claim", ref, {**args, **self._provenance()})

    # -- requests for comment ------------------------------------------------------------

    def request_comment(self) -> Command | None:
        actors = self.people + self.organisations
        if len(actors) < 2 or not self.organisations:
            return None
        rng = self.rng
        requester = self._pick(self.organisations)
        recipient = self._pick(self.people) if self.people and rng.random() < 0.6 else rng.choice(actors)
        if recipient == requester:
            return None
        regarding = {self._pick(self.claim_refs if self.claim_refs else self.post_refs)}
        if self.post_refs and rng.random() < 0.4:
            regarding.add(self._pick(self.post_refs))
        deadline = self.clock + timedelta(days=rng.randint(1, 7))
        n = self._next_serial()
        ref = f"comment/{n}-to-{recipient.partition('/')[2]}"
        args = {
            "requester": requester,
            "recipient": recipient,
            "channel": rng.choice(_CHANNELS),
            "at": self._at(),
            "regarding": sorted(regarding),
            "question": self.text.question(),
            "deadline": deadline.strftime("%Y-%m-%d"),
        }
        self.comments[ref] = _Comment(last=self.clock, deadline=deadline)
        self.comment_refs.append(ref)
        return Command("request_comment", ref, {**args, **self._provenance()})

    def _open_comment(self, *statuses: str) -> tuple[str, _Comment] | None:
        if not self.comment_refs:
            return None
        ref = self._pick(self.comment_refs)
        comment = self.comments[ref]
        return (ref, comment) if comment.status in statuses else None

    def receive_comment(self) -> Command | None:
        return self._answer("receive_comment", "answered")

    def decline_comment(self) -> Command | None:
        return self._answer("decline_comment", "declined")

    def _answer(self, method: str, status: str) -> Command | None:
        found = self._open_comment("awaiting", "lapsed")
        if found is None:
            return None
        ref, comment = found
        at = self._at(comment.last)
        comment.status, comment.last = status, max(self.clock, comment.last)
        args: dict[str, Any] = {"at": at}
        if self.rng.random() < 0.8:
            args["text"] = self.text.paragraph(self.rng.randint(1, 4))
        return Command(method, ref, {**args, **self._provenance()})

    def lapse_comment(self) -> Command | None:
        found = self._open_comment("awaiting")
        if found is None:
            return None
        ref, comment = found
        # A request lapses at its deadline at the earliest.
        floor = max(comment.deadline, comment.last)
        comment.status, comment.last = "lapsed", max(self.clock, floor)
        return Command("lapse_comment", ref, {"at": self._minute(comment.last), **self._provenance()})

    # -- cases and corrections ---------------------------------------------------------------

    def open_case(self) -> Command:
        n = self._next_serial()
        ref = f"case/{self.rng.choice(['staff', 'ads', 'vote', 'donors', 'rally'])}-story-{n}"
        self.case_refs.append(ref)
        self.cases[ref] = _Case()
        args = {
            "title": self.text.words(self.rng.randint(4, 10)).capitalize(),
            "description": self.text.claim(),
        }
        return Command("open_case", ref, {**args, **self._provenance()})

    def link_to_case(self) -> Command | None:
        if not self.case_refs:
            return None
        ref = self._pick(self.case_refs)
        case = self.cases[ref]
        pools = [refs for refs in (self.post_refs, self.claim_refs, self.comment_refs, self.people) if refs]
        wanted = min(self.rng.randint(1, 3), self.remaining)
        subjects: list[str] = []
        for _ in range(wanted):
            subject = self._pick(self.rng.choice(pools))
            if subject not in case.linked and subject not in subjects:
                subjects.append(subject)
        if not subjects:
            return None
        case.linked.update(subjects)
        return Command(
            "link_to_case", ref, {"subjects": subjects, **self._provenance()}, events=len(subjects)
        )

    def add_case_note(self) -> Command | None:
        if not self.case_refs:
            return None
        ref = self._pick(self.case_refs)
        args = {"text": self.text.paragraph(self.rng.randint(1, 3)), "at": self._at()}
        return Command("add_case_note", ref, {**args, **self._provenance()})

    def correct(self) -> Command | None:
        pools = [refs for refs in (self.post_refs, self.claim_refs, self.comment_refs) if refs]
        if not pools:
            return None
        ref = self._pick(self.rng.choice(pools))
        version = self.rng.randint(1, self.versions[ref])
        args = {"version": version, "reason": self.text.sentence(6, 20)}
        return Command("correct", ref, {**args, **self._provenance()})
