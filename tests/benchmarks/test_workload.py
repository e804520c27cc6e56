"""The synthetic workload: reproducible, exactly sized, and accepted by the domain."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from benchmarks.context import apply
from benchmarks.generator import WEIGHTS, Workload
from ledger import Ledger


def test_the_same_seed_gives_the_same_commands_and_another_seed_does_not() -> None:
    assert list(Workload(500, seed=7)) == list(Workload(500, seed=7))
    assert list(Workload(500, seed=7)) != list(Workload(500, seed=8))


def test_the_commands_record_exactly_the_number_of_events_asked_for() -> None:
    for events in (1, 37, 1000):
        assert sum(c.events for c in Workload(events)) == events
    assert sum(c.events for c in Workload(300).continuation(45)) == 45


def test_every_command_is_accepted_and_every_kind_of_entry_occurs(tmp_path: Path) -> None:
    workload = Workload(3000, seed=11)
    with Ledger.open(tmp_path / "ledger.db", recorded_by="test") as ledger:
        for command in workload:
            apply(ledger, command)
        for command in workload.continuation(200):
            apply(ledger, command)
        assert ledger.head == 3200
        types = Counter(entry.type for entry in ledger.log())
    # Every command of the vocabulary, and so every event type, is exercised.
    methods = Counter(c.method for c in workload)
    assert set(methods) == set(WEIGHTS)
    rare = {"PostDeleted", "PostRestored", "VerdictRevised", "CommentRequestLapsed", "EntryCorrected"}
    assert rare <= set(types)


def test_texts_have_realistic_lengths() -> None:
    posts = [len(c.args["text"]) for c in Workload(3000) if c.method == "publish_post"]
    rationales = [len(c.args["rationale"]) for c in Workload(3000) if c.method == "rebut_claim"]
    assert min(posts) > 20
    assert max(posts) > 1000
    assert sum(rationales) / len(rationales) > 300
