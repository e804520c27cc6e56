"""A seeded, reproducible stream of valid ledger commands of realistic shape.

``Workload(events=N, seed=S)`` yields :class:`Command` objects, each one call
of the :class:`ledger.Ledger` API, until they record exactly N events. The
generator keeps just enough of each subject's state (:class:`~benchmarks.world.World`)
to produce only commands the domain accepts: it never observes a deleted post,
restores a live one, revises a verdict that was never given, lapses an answered
request, or links a subject to a case twice. World time advances with every
command, and each subject's entries follow its own earlier ones. The commands
themselves are made in :mod:`benchmarks.makers_posts` and
:mod:`benchmarks.makers_claims`.

Most activity concerns recent subjects (a newsroom works on current stories),
with a fifth of it on older ones, as corrections and late reviews do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

from benchmarks import makers_claims, makers_posts
from benchmarks.world import Command, World

__all__ = ["WEIGHTS", "Command", "Workload"]

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


class _Generator(World):
    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        makers = {**makers_posts.MAKERS, **makers_claims.MAKERS}
        self.makers: dict[str, Callable[[World], Command | None]] = {name: makers[name] for name in WEIGHTS}
        self.names = list(WEIGHTS)
        self.weights = list(WEIGHTS.values())

    # -- driving ---------------------------------------------------------------

    def take(self, events: int) -> Iterator[Command]:
        """Commands recording exactly ``events`` more events."""
        self.remaining = events
        opening: list[Callable[[World], Command | None]] = [makers_posts.register_actor] * 6
        opening += [makers_posts.register_source] * 3 + [makers_posts.publish_post] * 3
        for make in opening if self.serial == 0 else ():
            if self.remaining <= 0:
                return
            made = make(self)
            if made is not None:
                yield self._count(made)
        while self.remaining > 0:
            name = self.rng.choices(self.names, self.weights)[0]
            command = self.makers[name](self)
            if command is not None:
                yield self._count(command)

    def _count(self, command: Command) -> Command:
        self.remaining -= command.events
        self.versions[command.ref] = self.versions.get(command.ref, 0) + command.events
        self.clock += timedelta(seconds=self.rng.randint(1, 120))
        return command
