"""An immutable sequence that grows by one in constant time: the lists a state keeps of its history.

A post's captures, a claim's reviews, a subject's corrections: each event adds
one item to a state's list, and replay makes a new state per event. As tuples,
each addition copied the whole list (replaying a post with 20,000 captures
copied 200 million items). A :class:`Trail` shares its items with the trail it
was made from: adding to the last trail made from a list appends to that list,
and only adding to an older one (a history folded again from an earlier state)
copies it.

A trail is a tuple in all but type: equal to the tuple of its items (and
hashed like it), shown like it, validated from and serialised as one, so
states dump, compare and print as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar, get_args, overload

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema

T = TypeVar("T")

__all__ = ["Trail", "appended"]


_new = object.__new__


class Trail(Sequence[T]):
    """The first ``size`` items of a list that is only ever appended to."""

    __slots__ = ("_items", "_size")

    _items: list[T]
    _size: int

    def __init__(self, items: Iterable[T] = ()) -> None:
        self._items = list(items)
        self._size = len(self._items)

    def plus(self, item: T) -> Trail[T]:
        """This trail with ``item`` added at its end (this one is unchanged)."""
        items, size = self._items, self._size
        trail: Trail[T] = _new(Trail)
        trail._size = size + 1
        if size and len(items) == size:
            items.append(item)
            # Appended at our end unless another trail of this list was added to meanwhile.
            if items[size] is item:
                trail._items = items
                return trail
        trail._items = [*islice(items, size), item]
        return trail

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[T]:
        return islice(self._items, self._size)

    def __reversed__(self) -> Iterator[T]:
        items = self._items
        return (items[i] for i in range(self._size - 1, -1, -1))

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...

    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        if isinstance(index, slice):
            return tuple(self)[index]
        size = self._size
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("trail index out of range")
        return self._items[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Trail):
            return self._size == other._size and tuple(self) == tuple(other)
        if isinstance(other, tuple):
            return tuple(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __add__(self, other: Iterable[T]) -> tuple[T, ...]:
        return (*self, *other)

    def __radd__(self, other: Iterable[T]) -> tuple[T, ...]:
        return (*other, *self)

    def __repr__(self) -> str:
        return repr(tuple(self))

    def __reduce__(self) -> tuple[type[Trail[T]], tuple[tuple[T, ...]]]:
        return (type(self), (tuple(self),))

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        """Validated as a tuple of the items' type, then made a trail; serialised as that tuple."""
        # Imported here: the CLI reads trails without loading pydantic (see cli.render.flatten).
        from pydantic_core import core_schema  # noqa: PLC0415

        args = get_args(source)
        items = handler.generate_schema(tuple[args[0], ...] if args else tuple[Any, ...])  # type: ignore[valid-type]
        return core_schema.no_info_after_validator_function(
            cls,
            items,
            serialization=core_schema.plain_serializer_function_ser_schema(tuple, return_schema=items),
        )


def appended(values: Sequence[T], item: T) -> Trail[T]:
    """``values`` with ``item`` added at the end, as a trail (in constant time when ``values`` is one)."""
    if type(values) is Trail:  # an ABC's isinstance is slow
        return values.plus(item)
    return Trail((*values, item))
