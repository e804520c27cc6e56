"""How :class:`ledger.Ledger` exposes the methods of the parts it holds, without mixing them in.

``name = delegate("_part", Part.name)`` in a class body makes ``obj.name``
the bound method ``obj._part.name``: same signature, same docstring, one
implementation, and the type checker sees the part's signature.

A part a reading command never uses (integrity, the field's formats) need
not be imported to start one (issue #16): ``Part = later("module", "Part")``
stands for the class until it is first called or one of its methods is
reached through the class, and only then imports its module;
``later_module("module")`` stands for a module until one of its attributes
is used. The type checker sees the real imports (under ``TYPE_CHECKING``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, overload

P = ParamSpec("P")
R = TypeVar("R")


class Later:
    """The class (or function) ``name`` of ``module``, imported on first use."""

    def __init__(self, module: str, name: str) -> None:
        self._module = module
        self.__name__ = name

    def resolve(self) -> Any:
        """The object itself, its module imported."""
        return getattr(importlib.import_module(self._module), self.__name__)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.resolve()(*args, **kwargs)

    def __getattr__(self, name: str) -> Later:
        if name.startswith("__"):
            raise AttributeError(name)
        return _LaterAttribute(self, name)

    def __repr__(self) -> str:
        return f"later({self._module!r}, {self.__name__!r})"


class _LaterAttribute(Later):
    """An attribute (a method) of an object imported on first use."""

    def __init__(self, owner: Later, name: str) -> None:
        self._owner = owner
        self.__name__ = name

    def resolve(self) -> Any:
        return getattr(self._owner.resolve(), self.__name__)

    def __repr__(self) -> str:
        return f"{self._owner!r}.{self.__name__}"


def later(module: str, name: str) -> Any:
    """``name`` from ``module``, imported when first called or when one of its attributes is used."""
    return Later(module, name)


class _LaterModule:
    """A module imported when one of its attributes is first used."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self._name), attribute)

    def __repr__(self) -> str:
        return f"later_module({self._name!r})"


def later_module(name: str) -> Any:
    """The module ``name``, imported when one of its attributes is first used."""
    return _LaterModule(name)


def lazy_exports(package: str, where: dict[str, str], names: dict[str, Any]) -> Callable[[str], Any]:
    """A package's module ``__getattr__`` (PEP 562) loading each exported name on first use.

    ``where`` maps a name to the module defining it; ``names`` is the package's ``globals()``,
    where a loaded name is kept so later uses are plain look-ups. Raises ``AttributeError``
    for a name not in ``where``.
    """

    def load(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(where[name]), name)
        names[name] = value
        return value

    return load


def _resolved(method: Any) -> Any:
    return method.resolve() if isinstance(method, Later) else method


class _LaterStatic(staticmethod):  # type: ignore[type-arg]
    """A static method of a part imported later: the function itself, once imported."""

    def __get__(self, obj: object, owner: type[Any] | None = None) -> Any:
        return _resolved(self.__func__)


def later_static(function: Callable[P, R]) -> staticmethod[P, R]:
    """``staticmethod(function)`` for a ``function`` of a ``later`` part: imported when first reached."""
    return _LaterStatic(function)


class Delegate(Generic[P, R]):
    """A method of a part, reached through the attribute holding the part."""

    def __init__(self, part: str, method: Callable[Concatenate[Any, P], R]) -> None:
        self.part = part
        self.method = method
        self.name = method.__name__
        # A part imported later keeps its docstring until then (reached through the class, it is there).
        self.__doc__ = None if isinstance(method, Later) else method.__doc__

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Callable[Concatenate[Any, P], R]: ...

    @overload
    def __get__(self, obj: object, owner: type[Any]) -> Callable[P, R]: ...

    def __get__(
        self, obj: object | None, owner: type[Any]
    ) -> Callable[Concatenate[Any, P], R] | Callable[P, R]:
        if obj is None:
            # On the class: the part's function, for help() and inspect.
            method: Callable[Concatenate[Any, P], R] = _resolved(self.method)
            return method
        bound: Callable[P, R] = getattr(getattr(obj, self.part), self.name)
        return bound


def delegate(part: str, method: Callable[Concatenate[Any, P], R]) -> Delegate[P, R]:
    """``method`` of the part held in the attribute ``part``, as a method of the holder."""
    return Delegate(part, method)
