"""A report as of a past position shows the tree as it was then: its size, root and covering checkpoint.

The oracle is the ledger's own head at the time: the root it had when it held
that many entries, and the checkpoint it signed then.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger import Ledger


def _actor(ledger: Ledger, n: int) -> None:
    ledger.register_actor(f"actor/person-{n}", name=f"Person {n}", kind="person")


def test_the_report_as_of_shows_the_root_then_and_the_checkpoint_covering_it(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "l.db", recorded_by="desk") as ledger:
        for n in range(3):
            _actor(ledger, n)
        then = ledger.tree_head()
        assert then.size == 3
        for n in range(3, 5):
            _actor(ledger, n)
        signed = ledger.checkpoint(Ledger.generate_key("newsroom.example"))
        for n in range(5, 9):
            _actor(ledger, n)
        now = ledger.tree_head()
        assert now.root_base64 != then.root_base64

        md = ledger.report("actor/person-0", as_of=3, format="md")
        assert f"Merkle root at size 3: `{then.root_base64}`" in md
        assert "the ledger's head is now 9" in md
        assert now.root_base64 not in md
        assert f"Checkpoint covering position 3: size 5, root `{signed.root_base64}`" in md
        html = ledger.report("actor/person-0", as_of=3)
        assert then.root_base64 in html
        assert now.root_base64 not in html

        # Past the last checkpoint: none covers it; at the head, the head's root.
        md = ledger.report("actor/person-0", as_of=7, format="md")
        assert "No checkpoint covers position 7 yet" in md
        assert ledger.tree_head(7).root_base64 in md
        md = ledger.report("actor/person-0", format="md")
        assert f"Merkle root at the head: `{now.root_base64}`" in md


def test_a_tree_beyond_the_head_is_refused(tmp_path: Path) -> None:
    from ledger import InvalidError  # noqa: PLC0415

    with Ledger.open(tmp_path / "l.db", recorded_by="desk") as ledger:
        _actor(ledger, 1)
        assert ledger.tree_head(0).size == 0
        with pytest.raises(InvalidError, match="no tree of size 2: the log holds 1 entry"):
            ledger.tree_head(2)
