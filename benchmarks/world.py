"""The state a synthetic workload keeps: the subjects so far, the clock, and the shared helpers.

:class:`World` is what every command maker (:mod:`benchmarks.makers_posts`,
:mod:`benchmarks.makers_claims`) reads and updates, so that each command it
makes is one the domain accepts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from benchmarks.text import TextMaker

START = datetime(2019, 1, 1, tzinfo=UTC)
RECENT = 300
_DESKS = ["desk-ana", "desk-ben", "desk-chloe", "desk-dev", "bot-archiver"]


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
class Post:
    """What the workload remembers of a post."""

    author: str
    last: datetime
    deleted: bool = False
    views: int = 0


@dataclass(slots=True)
class Claim:
    """What the workload remembers of a claim."""

    claimant: str
    last: datetime
    reviewed: bool = False
    retracted: bool = False
    reviewers: list[str] = field(default_factory=list)
    posts: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Comment:
    """What the workload remembers of a request for comment."""

    last: datetime
    deadline: datetime
    status: str = "awaiting"


@dataclass(slots=True)
class Case:
    """What the workload remembers of a case."""

    linked: set[str] = field(default_factory=set)


class World:
    """Everything recorded so far, as much as the makers need, with the workload's clock and random source."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.text = TextMaker(self.rng)
        self.remaining = 0
        self.clock = START
        self.serial = 0
        self.people: list[str] = []
        self.organisations: list[str] = []
        self.sources: list[str] = []
        self.post_refs: list[str] = []
        self.posts: dict[str, Post] = {}
        self.deleted_posts: list[str] = []
        self.claim_refs: list[str] = []
        self.claims: dict[str, Claim] = {}
        self.comment_refs: list[str] = []
        self.comments: dict[str, Comment] = {}
        self.case_refs: list[str] = []
        self.cases: dict[str, Case] = {}
        self.versions: dict[str, int] = {}

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def pick(self, refs: list[str]) -> str:
        """A recent reference, or now and then any one."""
        if self.rng.random() < 0.8:
            return self.rng.choice(refs[-RECENT:])
        return self.rng.choice(refs)

    def provenance(self) -> dict[str, Any]:
        rng = self.rng
        args: dict[str, Any] = {"recorded_by": rng.choice(_DESKS)}
        roll = rng.random()
        if self.sources and roll < 0.75:
            cited = {self.pick(self.sources) for _ in range(1 if roll < 0.6 else 2)}
            args["sources"] = sorted(cited)
        if rng.random() < 0.05:
            args["note"] = self.text.note()
        return args

    # -- world time --------------------------------------------------------------

    @staticmethod
    def minute(moment: datetime) -> str:
        return moment.strftime("%Y-%m-%dT%H:%MZ")

    def at(self, floor: datetime | None = None) -> str:
        """Now, mostly to the minute, sometimes to the second or the day."""
        moment = self.clock if floor is None or floor < self.clock else floor
        roll = self.rng.random()
        if roll < 0.75:
            return self.minute(moment)
        if roll < 0.9:
            return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        return moment.strftime("%Y-%m-%d")
