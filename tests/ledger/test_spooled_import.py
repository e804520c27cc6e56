"""A spooled batch (what case-file imports use): bounded memory, same entries as an ordinary batch."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import pytest

from ledger import CaseFileError, Ledger, NotFoundError
from ledger.spool import EVENTS_OF, KEEP, SpooledUnitOfWork

ACTORS = KEEP + 500  # more subjects than a spooled unit keeps in memory


def record(ledger: Ledger) -> None:
    """Many actors, then posts by the first ones, whose states have been spooled out by then."""
    for n in range(ACTORS):
        ledger.register_actor(f"actor/a{n}", name=f"A{n}", kind="person")
    for n in range(200):
        ledger.publish_post(f"post/p{n}", platform="X", author=f"actor/a{n}", text="Hi", at="2024-10-17")
        ledger.delete_post(f"post/p{n}", at="2024-10-18")


def test_a_spooled_batch_records_what_an_ordinary_batch_does(ledger_url: str) -> None:
    with (
        Ledger.open(":memory:", recorded_by="t") as plain,
        Ledger.open(ledger_url, recorded_by="t") as spooled,
    ):
        with plain.batch():
            record(plain)
        with spooled.batch(spooled=True):
            record(spooled)
        assert spooled.head == plain.head == ACTORS + 400
        plain_log = [(e.position, e.event) for e in plain.log()]
        assert [(e.position, e.event) for e in spooled.log()] == plain_log
        assert spooled.get("post/p0").status == "deleted"


def record_then_fail(ledger: Ledger) -> None:
    """Everything :func:`record` records in one spooled batch, then a command that fails."""
    with ledger.batch(spooled=True):
        record(ledger)
        ledger.delete_post("post/nowhere", at="2024-10-18")


def test_a_spooled_batch_that_fails_writes_nothing(ledger_url: str) -> None:
    with Ledger.open(ledger_url) as ledger:
        with pytest.raises(NotFoundError, match="post/nowhere does not exist"):
            record_then_fail(ledger)
        assert ledger.head == 0


def test_a_large_case_file_imports_all_or_nothing(tmp_path: Path) -> None:
    lines = [
        {"command": "actor add", "ref": f"actor/a{n}", "name": "A", "kind": "person"} for n in range(ACTORS)
    ]
    lines += [
        {
            "command": "post publish",
            "ref": f"post/p{n}",
            "platform": "X",
            "author": f"actor/a{n}",
            "text": "Hi",
            "at": "2024-10-17",
        }
        for n in range(100)
    ]
    case_file = tmp_path / "many.jsonl"
    case_file.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        case_file.read_text() + json.dumps({**lines[-1], "ref": "post/late"}).replace("a99", "zz") + "\n"
    )
    with Ledger.open(tmp_path / "l.db") as ledger:
        with pytest.raises(CaseFileError, match="author actor/zz does not exist"):
            ledger.import_file(bad)
        assert ledger.head == 0
        result = ledger.import_file(case_file)
        assert (result.entries, result.positions) == (len(lines), (1, len(lines)))
        assert ledger.get("post/p0").author == "actor/a0"


def test_a_subject_folded_again_in_a_spooled_batch_is_read_back_by_its_index(tmp_path: Path) -> None:
    """An entry landing before one already folded makes the unit read its subject's spooled
    events again: the same states as an ordinary batch, through an index, not a scan of every
    spooled event (which made a one-file import of n entries cost O(n) per such entry)."""

    def late_facts(ledger: Ledger) -> None:
        record(ledger)
        ledger.publish_post("post/late", platform="X", author="actor/a1", text="Hi", at="2024-10-17")
        ledger.delete_post("post/late", at="2024-10-20")
        ledger.edit_post("post/late", text="Hi there", at="2024-10-18")  # before the deletion

    with (
        Ledger.open(":memory:", recorded_by="t") as plain,
        Ledger.open(tmp_path / "spooled.db", recorded_by="t") as spooled,
    ):
        with plain.batch():
            late_facts(plain)
        with spooled.batch(spooled=True):
            late_facts(spooled)
        assert [e.event for e in spooled.log()] == [e.event for e in plain.log()]
        assert spooled.get("post/late") == plain.get("post/late")
        assert spooled.get("post/late").text == "Hi there"

    unit = SpooledUnitOfWork(cast(Any, None), cast(Any, None))
    try:
        plan = unit._scratch.execute(f"EXPLAIN QUERY PLAN {EVENTS_OF}", (bytes(16),)).fetchall()
    finally:
        unit.close()
    assert any("USING INDEX events_by_subject" in str(step) for step in plan), plan
