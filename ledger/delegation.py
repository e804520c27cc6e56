"""How :class:`ledger.Ledger` exposes the methods of the parts it holds, without mixing them in.

``name = delegate("_part", Part.name)`` in a class body makes ``obj.name``
the bound method ``obj._part.name``: same signature, same docstring, one
implementation, and the type checker sees the part's signature.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, overload

P = ParamSpec("P")
R = TypeVar("R")


class Delegate(Generic[P, R]):
    """A method of a part, reached through the attribute holding the part."""

    def __init__(self, part: str, method: Callable[Concatenate[Any, P], R]) -> None:
        self.part = part
        self.method = method
        self.name = method.__name__
        self.__doc__ = method.__doc__

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Callable[Concatenate[Any, P], R]: ...

    @overload
    def __get__(self, obj: object, owner: type[Any]) -> Callable[P, R]: ...

    def __get__(
        self, obj: object | None, owner: type[Any]
    ) -> Callable[Concatenate[Any, P], R] | Callable[P, R]:
        if obj is None:
            return self.method  # on the class: the part's function, for help() and inspect
        bound: Callable[P, R] = getattr(getattr(obj, self.part), self.name)
        return bound


def delegate(part: str, method: Callable[Concatenate[Any, P], R]) -> Delegate[P, R]:
    """``method`` of the part held in the attribute ``part``, as a method of the holder."""
    return Delegate(part, method)
