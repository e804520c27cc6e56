"""Recorded texts are at most ``MAX_TEXT`` characters, through the API and case files alike.

A text longer than any post or article is an attack on memory and on every
reader's screen: it is refused with the field named, and nothing is written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from domain.errors import InvalidError
from domain.events import MAX_TEXT
from ledger import Ledger


def test_a_text_of_max_text_characters_is_recorded_and_one_more_is_refused(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "l.db") as ledger:
        ledger.register_actor("actor/a", name="A", kind="person")
        ledger.publish_post("post/long", platform="X", author="actor/a", text="x" * MAX_TEXT, at="2024-10-17")
        with pytest.raises(InvalidError, match=r"text.*too long: at most 1,000,000 characters"):
            ledger.publish_post(
                "post/longer", platform="X", author="actor/a", text="x" * (MAX_TEXT + 1), at="2024-10-17"
            )
        assert ledger.head == 2
        assert len(ledger.get("post/long").text or "") == MAX_TEXT


def test_a_case_file_with_a_longer_text_writes_nothing(tmp_path: Path) -> None:
    case = tmp_path / "case.jsonl"
    entries = [
        {"command": "actor add", "ref": "actor/a", "name": "A", "kind": "person"},
        {"command": "actor add", "ref": "actor/b", "name": "b" * (MAX_TEXT + 1), "kind": "person"},
    ]
    case.write_text("".join(json.dumps(entry) + "\n" for entry in entries))
    with Ledger.open(tmp_path / "l.db") as ledger:
        with pytest.raises(InvalidError, match=r"case.jsonl:2.*'name'.*too long: at most 1,000,000"):
            ledger.import_file(case)
        assert ledger.head == 0
