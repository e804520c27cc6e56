"""Importing an export into a new ledger that appears only once the import succeeded.

``ledger import --from-export`` on a missing SQLite path (or an empty file)
builds the ledger in a temporary file beside it, created exclusively, and
renames it into place when the import is complete and the file closed. A
refused export, an interrupted or a killed import leaves no ledger at the
path (a killed one leaves at most a temporary under a name no later run
uses). An existing empty ledger, or one on PostgreSQL or in memory, is
imported into directly: one transaction, all or nothing.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TextIO

from domain.errors import AlreadyExistsError, StorageError
from ledger.facade import Ledger
from ledger.formats.exchange import ExchangeSummary
from ledger.formats.output import TEMPORARY_PREFIX
from ledger.storage.backends import backend_for, resolve_url

#: Files SQLite keeps beside a database.
_SIDECARS = ("-wal", "-shm", "-journal")


def restore(
    url: str | os.PathLike[str] | None,
    source: TextIO | str | os.PathLike[str],
    *,
    recorded_by: str | None = None,
) -> ExchangeSummary:
    """Import the export ``source`` into the ledger at ``url``, made for it when missing.

    Raises what :meth:`Ledger.import_export` raises; on any failure no new
    ledger is left at ``url``.
    """
    path = _new_sqlite_file(url)
    if path is None:
        with Ledger.open(url, recorded_by=recorded_by, create=True) as ledger:
            return ledger.import_export(source)
    temporary = path.with_name(f"{TEMPORARY_PREFIX}{secrets.token_hex(8)}-{path.name}"[:255])
    try:
        # Claim the name exclusively (a planted file or symlink is refused, not followed).
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666))
        with Ledger.open(temporary, recorded_by=recorded_by, create=True) as ledger:
            summary = ledger.import_export(source)
        _place(temporary, path)
    except OSError as error:
        _remove(temporary)
        if isinstance(error, StorageError):
            raise
        raise StorageError(f"cannot create ledger {path}: {error.strerror or error}") from None
    except BaseException:
        _remove(temporary)
        raise
    return summary


def _new_sqlite_file(url: str | os.PathLike[str] | None) -> Path | None:
    """The SQLite file to make, when ``url`` names a missing one or an empty file; else None."""
    backend = backend_for(url, create=True)
    path = backend.path
    if path is None or resolve_url(url) in {":memory:", "sqlite:///:memory:"}:
        return None
    if path.exists() and path.stat().st_size > 0:
        return None
    return path


def _place(temporary: Path, path: Path) -> None:
    """Move the finished ledger into place: onto an empty file, or where nothing is."""
    for sidecar in _SIDECARS:
        if Path(f"{temporary}{sidecar}").exists():
            raise StorageError(f"cannot create ledger {path}: SQLite did not finish writing {temporary}")
    if path.exists():
        if path.stat().st_size > 0:
            raise AlreadyExistsError(f"{path} was written by someone else during the import; nothing changed")
        os.replace(temporary, path)
        return
    try:
        os.link(temporary, path, follow_symlinks=False)
    except FileExistsError:
        raise AlreadyExistsError(f"{path} appeared during the import; nothing changed") from None
    os.unlink(temporary)


def _remove(temporary: Path) -> None:
    for suffix in ("", *_SIDECARS):
        Path(f"{temporary}{suffix}").unlink(missing_ok=True)
