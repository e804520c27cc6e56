"""The Merkle tree store behaves the same on every backend: one implementation, one contract.

Run on a real SQLite file and in a real PostgreSQL schema (the ``ledger_url``
fixture), against the tree recomputed from the log with no store at all.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from domain.errors import ConflictError, StorageError
from ledger import Ledger
from ledger.integrity.leaves import record_leaf_hash
from ledger.integrity.sqltree import SQLTreeStore
from ledger.integrity.store import TreeRow, tree_rows
from ledger.integrity.tree import CompactRange, root_from, root_of
from tests.integrity.helpers import record_actors

BATCHES = (1, 2, 5, 1, 8, 3)
"""Appends of these sizes: the tree grows across and within transactions (20 entries)."""


@pytest.fixture
def ledger(ledger_url: str) -> Iterator[Ledger]:
    with Ledger.open(ledger_url, recorded_by="test") as opened:
        for number, size in enumerate(BATCHES):
            record_actors(opened, size, prefix=f"batch{number}")
        yield opened


def store(ledger: Ledger) -> SQLTreeStore:
    return ledger._recorder.tree


def all_rows(tree: SQLTreeStore, page: int) -> list[TreeRow]:
    rows: list[TreeRow] = []
    after = (0, 0)
    while batch := tree.select_tree_rows(after, page):
        rows.extend(batch)
        after = batch[-1][:2]
    return rows


def test_the_stored_rows_are_those_of_the_tree_over_the_log(ledger: Ledger) -> None:
    records = list(ledger._records(0, None))
    expected = tree_rows(0, [], records)
    assert len(records) == sum(BATCHES)
    assert all_rows(store(ledger), page=7) == expected
    assert all_rows(store(ledger), page=1000) == expected
    assert [row[:2] for row in expected] == sorted(row[:2] for row in expected)


def test_every_past_root_is_read_from_the_stored_nodes(ledger: Ledger) -> None:
    leaves = [record_leaf_hash(record) for record in ledger._records(0, None)]
    tree = store(ledger)
    for size in range(len(leaves) + 1):
        assert root_from(size, tree.select_tree_nodes) == root_of(leaves[:size])
        frontier = CompactRange.frontier(size)
        assert len(tree.select_tree_nodes(frontier)) == len(frontier)
    assert tree.select_tree_nodes([]) == []


def test_a_node_not_stored_is_a_storage_error(ledger: Ledger) -> None:
    with pytest.raises(StorageError, match="no node of level 0 ending at position 21"):
        store(ledger).select_tree_nodes([(0, 20)])
    with pytest.raises(StorageError, match="no node of level 5 ending at position 32"):
        store(ledger).select_tree_nodes([(4, 0), (5, 0)])


def test_checkpoints_are_numbered_appended_and_paged(ledger: Ledger) -> None:
    tree = store(ledger)
    assert tree.last_checkpoint() is None
    assert tree.select_checkpoints() == []
    first = tree.insert_checkpoint("note one", 5, after=0)
    second = tree.insert_checkpoint("note two", 20, after=1)
    assert (first.seq, first.size, first.note) == (1, 5, "note one")
    assert (second.seq, second.size, second.note) == (2, 20, "note two")
    assert second.recorded_us >= first.recorded_us > 0
    assert tree.select_checkpoints() == [first, second]
    assert tree.select_checkpoints(after=1) == [second]
    assert tree.select_checkpoints(limit=1) == [first]
    assert tree.select_checkpoints(after=2) == []
    assert tree.last_checkpoint() == second


def test_a_checkpoint_after_a_stale_one_is_a_conflict_and_stores_nothing(ledger: Ledger) -> None:
    tree = store(ledger)
    tree.insert_checkpoint("note one", 5, after=0)
    for stale in (0, 2):
        with pytest.raises(ConflictError, match="another checkpoint"):
            tree.insert_checkpoint("late", 6, after=stale)
    assert [c.note for c in tree.select_checkpoints()] == ["note one"]
