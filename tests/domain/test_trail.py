"""Trails: a state's lists of its history, grown in constant time, a tuple in all but type."""

from __future__ import annotations

import pickle

from pydantic import TypeAdapter

from domain.trail import Trail, appended


def test_a_trail_is_its_items_as_a_tuple() -> None:
    trail = Trail([1, 2]).plus(3)
    assert trail == (1, 2, 3)
    assert tuple.__eq__((1, 2, 3), trail) is NotImplemented  # so the trail's own __eq__ answers
    assert trail != (1, 2)
    assert trail != [1, 2, 3]
    assert hash(trail) == hash((1, 2, 3))
    assert repr(trail) == "(1, 2, 3)"
    assert (len(trail), trail[0], trail[-1], trail[1:]) == (3, 1, 3, (2, 3))
    assert list(reversed(trail)) == [3, 2, 1]
    assert trail + (4,) == (1, 2, 3, 4)  # noqa: RUF005 (what is tested is the +)
    assert (0,) + trail == (0, 1, 2, 3)  # noqa: RUF005
    assert pickle.loads(pickle.dumps(trail)) == trail  # noqa: S301 (our own bytes)


def test_an_index_past_its_end_is_out_of_range_though_the_shared_list_is_longer() -> None:
    shorter = Trail([1])
    longer = shorter.plus(2)
    assert longer == (1, 2)
    assert list(shorter) == [1]
    for index in (1, -2):
        try:
            shorter[index]
        except IndexError:
            pass
        else:
            raise AssertionError(f"index {index} of a trail of one item")


def test_adding_to_an_older_trail_leaves_the_newer_ones_alone() -> None:
    base = Trail(["a"])
    first = base.plus("b")
    second = base.plus("c")  # a history folded again from an earlier state
    assert (base, first, second) == (("a",), ("a", "b"), ("a", "c"))
    assert first.plus("d") == ("a", "b", "d")
    assert second.plus("e") == ("a", "c", "e")


def test_the_empty_trail_is_never_added_to_in_place() -> None:
    empty: Trail[int] = Trail()
    assert (empty.plus(1), empty.plus(2), empty) == ((1,), (2,), ())


def test_appended_takes_any_sequence() -> None:
    assert appended((1,), 2) == (1, 2)
    assert isinstance(appended((1,), 2), Trail)


def test_validated_from_a_tuple_or_list_and_serialised_as_a_tuple() -> None:
    adapter = TypeAdapter(Trail[int])
    trail = adapter.validate_python([1, 2])
    assert isinstance(trail, Trail)
    assert trail == (1, 2)
    assert adapter.dump_python(trail) == (1, 2)
    assert adapter.dump_json(trail) == b"[1,2]"
    assert adapter.json_schema() == TypeAdapter(tuple[int, ...]).json_schema()
