"""Writing a file without clobbering what the path points at: the one way every command writes.

:func:`open_output` decides by what is at the path:

- a FIFO, a character or block device, a socket (``/dev/stdout``,
  ``/dev/null``, a named pipe a reader waits on): written directly, streamed,
  never replaced;
- a regular file, or nothing: the text goes to a temporary created
  exclusively in the same folder (a random name, ``O_CREAT | O_EXCL |
  O_NOFOLLOW``, so a planted file or symlink is never followed nor reused),
  flushed to disk, then renamed over the path: the file appears only once
  complete. With ``replace=False`` the temporary is linked to the path
  instead, which fails if anything is there (keys are never overwritten).

A failure (a full disk, a killed process's ``KeyboardInterrupt``) removes the
temporary; a process killed outright leaves at most a temporary under a name
no later run uses. Every error is a :class:`StorageError` naming the path.
"""

from __future__ import annotations

import io
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TextIO

from domain.errors import AlreadyExistsError, LedgerError, StorageError

#: Names of temporaries start with this, so a reader can tell them (and clear them) by sight.
TEMPORARY_PREFIX = ".ledger-partial-"


def is_stream(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` names something written in place: a FIFO, a device or a socket."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode)


def _failure(path: Path, error: OSError, what: str) -> StorageError:
    return StorageError(f"cannot write {what} {path}: {error.strerror or error}")


@contextmanager
def open_output(
    path: str | os.PathLike[str], *, mode: int = 0o666, replace: bool = True, what: str = "file"
) -> Iterator[TextIO]:
    """A UTF-8 text stream (named ``path``) that ends up at ``path`` when the block ends without error.

    ``mode`` is the new file's permission bits (less the umask); ``replace``
    false refuses a path that exists (:class:`AlreadyExistsError`). Raises
    :class:`StorageError` naming ``what`` and the path when it cannot be
    written (no such folder, a full disk, permissions).
    """
    target = Path(path)
    if target.is_dir():
        raise StorageError(f"cannot write {what} {target}: it is a directory")
    if is_stream(target):
        if not replace:
            raise AlreadyExistsError(f"{target} already exists; not overwriting a {what}")
        yield from _direct(target, what)
        return
    if not replace and (target.exists() or target.is_symlink()):
        raise AlreadyExistsError(f"{target} already exists; not overwriting a {what}")
    yield from _via_temporary(target, mode, replace, what)


class _TargetStream(io.TextIOWrapper):
    """A UTF-8 text stream on a descriptor, named after the path it ends up at (for messages)."""

    def __init__(self, descriptor: int, target: Path) -> None:
        super().__init__(io.FileIO(descriptor, "w", closefd=True), encoding="utf-8")
        self._target = str(target)

    @property
    def name(self) -> str:
        """The path the text ends up at (not the temporary it is written to first)."""
        return self._target


def _direct(target: Path, what: str) -> Iterator[TextIO]:
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_NOCTTY | os.O_APPEND)
    except OSError as error:
        raise _failure(target, error, what) from None
    try:
        with _TargetStream(descriptor, target) as stream:
            yield stream
    except LedgerError:
        raise
    except OSError as error:
        raise _failure(target, error, what) from None


def _via_temporary(target: Path, mode: int, replace: bool, what: str) -> Iterator[TextIO]:
    folder = target.parent
    temporary = folder / f"{TEMPORARY_PREFIX}{secrets.token_hex(8)}-{target.name}"[:255]
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(temporary, flags, mode)
    except OSError as error:
        raise _failure(target, error, what) from None
    try:
        with _TargetStream(descriptor, target) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if replace:
            os.replace(temporary, target)
        else:
            os.link(temporary, target, follow_symlinks=False)
            os.unlink(temporary)
    except LedgerError:
        _remove(temporary)
        raise
    except FileExistsError:
        _remove(temporary)
        raise AlreadyExistsError(f"{target} already exists; not overwriting a {what}") from None
    except OSError as error:
        _remove(temporary)
        raise _failure(target, error, what) from None
    except BaseException:
        _remove(temporary)
        raise


def _remove(path: Path) -> None:
    # The error being reported matters more than a leftover temporary.
    with suppress(OSError):
        path.unlink(missing_ok=True)


def write_text(
    path: str | os.PathLike[str], text: str, *, mode: int = 0o666, replace: bool = True, what: str = "file"
) -> None:
    """Write ``text`` to ``path`` as :func:`open_output` does."""
    with open_output(path, mode=mode, replace=replace, what=what) as stream:
        stream.write(text)
