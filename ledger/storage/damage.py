"""Turning what a store raises into the ledger's errors, whatever the bytes on disk.

SQLite (through eventsourcing or directly) and PostgreSQL (psycopg, through
eventsourcing) raise their own exceptions: a damaged page is
``database disk image is malformed``, a read-only file ``attempt to write a
readonly database``. :func:`storage_error` maps each to one
:class:`~domain.errors.LedgerError` with a one-line message;
:func:`translate_storage_errors` applies it to every public method of a
class (the ``Ledger``), so no such exception reaches a caller untranslated:

- a damaged store (malformed image, not a database, I/O error, corrupt
  data): :class:`DamagedStoreError`, pointing at ``ledger verify``;
- a read-only store written to: :class:`ReadOnlyError`;
- a lock held by another writer: :class:`ConflictError` (retried by the CLI);
- anything else from the store: :class:`StorageError`.
"""

from __future__ import annotations

import functools
import inspect
import sqlite3
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from eventsourcing.persistence import DatabaseError as StoreDatabaseError
from eventsourcing.persistence import DataError, InternalError, PersistenceError

from domain.errors import (
    ConflictError,
    DamagedStoreError,
    DamagedViewError,
    LedgerError,
    ReadOnlyError,
    StorageError,
)
from ledger.storage.seam import is_lock_error

T = TypeVar("T")


_DAMAGE_SIGNS = ("malformed", "not a database", "disk i/o", "corrupt", "file is encrypted", "checksum")
_READ_ONLY_SIGNS = ("readonly", "read-only", "read only")


#: The exceptions of the stores' drivers that :func:`storage_error` translates. Catch them as
#: ``damage.STORE_ERRORS`` (read when an error is matched): a backend adds its driver's when it
#: loads (:func:`add_driver_errors`), so that psycopg is imported only by a ledger on PostgreSQL.
STORE_ERRORS: tuple[type[BaseException], ...] = (PersistenceError, sqlite3.Error)


def add_driver_errors(*kinds: type[BaseException]) -> None:
    """Translate ``kinds`` too: the errors of a store's driver, added by its backend as it loads."""
    global STORE_ERRORS  # noqa: PLW0603  (one registry, read at each match)
    STORE_ERRORS = (*STORE_ERRORS, *(kind for kind in kinds if kind not in STORE_ERRORS))


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 200 else text[:200] + "..."


def storage_error(error: BaseException, where: str) -> LedgerError:
    """The ledger error for ``error``, raised by the store at ``where`` (a URL, passwords hidden).

    >>> str(storage_error(sqlite3.DatabaseError("database disk image is malformed"), "story.db"))
    'cannot read story.db: database disk image is malformed (the store is damaged)'
    """
    if isinstance(error, LedgerError):
        return error
    message = _one_line(error)
    lowered = message.lower()
    if any(sign in lowered for sign in _READ_ONLY_SIGNS):
        return ReadOnlyError(f"cannot write to {where}: it is read-only ({message})")
    if is_lock_error(lowered):
        return ConflictError(f"the ledger is busy with another writer; try again ({message})")
    exact = type(error) in {StoreDatabaseError, DataError, InternalError, sqlite3.DatabaseError}
    if any(sign in lowered for sign in _DAMAGE_SIGNS) or exact:
        return DamagedStoreError(f"cannot read {where}: {message} (the store is damaged)")
    return StorageError(f"cannot use {where}: {message}")


def opening_error(error: BaseException, where: str) -> LedgerError:
    """The error for a store that cannot be opened: damaged (exit 3) when its bytes are, else a storage error.

    A file that is not SQLite at all ("file is not a database") is not damaged, only not a ledger.
    """
    message = _one_line(error)
    lowered = message.lower()
    if any(sign in lowered for sign in _DAMAGE_SIGNS if sign != "not a database"):
        return DamagedStoreError(f"cannot open ledger {where}: {message} (the store is damaged)")
    return StorageError(f"cannot open ledger {where}: {message}")


def view_error(error: BaseException, action: str, where: str) -> LedgerError:
    """The error for a store failing while the views are read or brought up to date.

    Damage met there is a :class:`DamagedViewError`, whose way out is ``ledger projections
    rebuild`` (which reads the log again, and names the log's damage if that is where it is).
    """
    found = storage_error(error, where)
    if type(found) is DamagedStoreError and action == "rebuild":
        # A page SQLite cannot read cannot be dropped either: the way out is a new file.
        return DamagedStoreError(
            f"cannot rebuild the views of {where}: {_one_line(error)} (the file itself is damaged: "
            "`ledger export --output FILE`, then `ledger --db NEW import --from-export FILE`)"
        )
    if type(found) is DamagedStoreError:
        return DamagedViewError(
            f"cannot {action} the views of {where}: {_one_line(error)} (the views are damaged)"
        )
    return found


def _where(target: Any) -> str:
    return str(getattr(target, "url", None) or "the ledger")


def _guard_iterator(iterator: Iterator[T], where: str) -> Iterator[T]:
    try:
        yield from iterator
    except STORE_ERRORS as error:
        raise storage_error(error, where) from None


def _guard(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            result = method(self, *args, **kwargs)
        except STORE_ERRORS as error:
            raise storage_error(error, _where(self)) from None
        if inspect.isgenerator(result):
            return _guard_iterator(result, _where(self))
        return result

    return guarded


class _GuardedDescriptor:
    """A descriptor (such as :func:`ledger.delegation.delegate`) whose bound methods are guarded."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.__doc__ = getattr(inner, "__doc__", None)

    def __get__(self, obj: object | None, owner: type[Any]) -> Any:
        value = self.inner.__get__(obj, owner)
        if obj is None or not callable(value):
            return value
        return functools.partial(_guard(lambda _self, *a, **k: value(*a, **k)), obj)


C = TypeVar("C", bound=type)


def translate_storage_errors(cls: C) -> C:
    """Make every public method and property of ``cls`` raise ledger errors, never a driver's.

    Methods defined on ``cls`` or reached through descriptors (delegated to
    its parts) are wrapped; generators too, so errors raised while a caller
    iterates (``log``, ``replay``) are translated as well. Class and static
    methods are left alone.
    """
    for name in dir(cls):
        if name.startswith("_"):
            continue
        attribute = inspect.getattr_static(cls, name)
        if isinstance(attribute, property) and attribute.fget is not None:
            guarded = property(_guard(attribute.fget), attribute.fset, attribute.fdel, attribute.__doc__)
            setattr(cls, name, guarded)
        elif isinstance(attribute, classmethod | staticmethod):
            continue  # opening and key generation: backend_for and Ledger.open translate their own errors
        elif inspect.isfunction(attribute):
            setattr(cls, name, _guard(attribute))
        elif hasattr(attribute, "__get__"):
            setattr(cls, name, _GuardedDescriptor(attribute))
    return cls
