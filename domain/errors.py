"""The one error hierarchy of the ledger.

Every error the ledger raises on purpose derives from :class:`LedgerError`,
and each subclass also derives from the built-in exception it resembles, so
callers may catch either::

    LedgerError
    ├── NotFoundError        (LookupError)   a subject or entry does not exist
    ├── AlreadyExistsError   (ValueError)    a subject was recorded twice
    ├── InvalidError         (ValueError)    bad input, or an impossible event
    │   ├── CaseFileError                    an entry of a case file that cannot be imported
    │   └── FormatError                      an item of an interchange file that cannot be read
    ├── ConflictError        (RuntimeError)  a concurrent writer won; retry
    ├── StorageError         (OSError)       the store cannot be opened or used
    │   ├── ReadOnlyError                    the store can be read but not written
    │   └── DamagedStoreError                bytes on disk that cannot be read (exit code 3)
    │       ├── UnreadableEntryError (ValueError) a stored entry that cannot be decoded
    │       └── DamagedViewError             a materialised view that cannot be read
    └── VerificationError                    the log, a checkpoint or a proof does not verify
        └── MalformedProofError (InvalidError)   a proof that cannot even be read

Interfaces map them to exit codes in one place: :func:`ledger.policy.exit_code`.
"""

from __future__ import annotations


class LedgerError(Exception):
    """Base class of every error the ledger raises on purpose.

    ``field`` names the argument at fault (a command's keyword, such as
    ``at`` or ``author``) when the error is about one, so that a caller can
    point at it (a case file names its line) without reading the message.
    """

    def __init__(self, *args: object, field: str | None = None) -> None:
        super().__init__(*args)
        self.field = field


class NotFoundError(LedgerError, LookupError):
    """A subject, version or entry that was named does not exist."""


class AlreadyExistsError(LedgerError, ValueError):
    """A subject was recorded a second time under the same reference."""


class InvalidError(LedgerError, ValueError):
    """Input is malformed, or the event it describes is impossible."""


class ConflictError(LedgerError, RuntimeError):
    """Another writer changed the subject first; the command can be retried."""


class StorageError(LedgerError, OSError):
    """The store cannot be opened, is not a ledger, or failed."""


class ReadOnlyError(StorageError):
    """The store is read-only (a read-only file or file system): it can be read, not written."""


class DamagedStoreError(StorageError):
    """The store holds bytes that cannot be read: a damaged page, a row written outside the ledger.

    ``position`` names the log position that cannot be read, when known. The
    message says where and points at ``ledger verify``.
    """

    def __init__(self, message: str, *, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position

    def __str__(self) -> str:
        return str(self.args[0])


class UnreadableEntryError(DamagedStoreError, ValueError):
    """A stored entry whose row or payload cannot be decoded (a ``ValueError``, as decoding errors are)."""


class DamagedViewError(DamagedStoreError):
    """A materialised view cannot be read; ``ledger projections rebuild`` makes it again from the log."""


class CaseFileError(InvalidError):
    """An entry of a case file that cannot be imported: the message says where and why."""

    def __init__(
        self,
        reason: str,
        *,
        file: str,
        line: int | None = None,
        entry: int | None = None,
        command: str | None = None,
        field: str | None = None,
    ) -> None:
        self.reason = reason
        """What is wrong, without the location."""
        self.file = file
        self.line = line
        """The line of the entry or field (1-based), when it can be found."""
        self.entry = entry
        """The entry's number in the file (1-based)."""
        self.command = command
        where = file if line is None else f"{file}:{line}"
        if entry is not None:
            where += f": entry {entry}" + (f" ({command})" if command else "")
        if field is not None:
            where += f", field {field!r}" if entry is not None else f": field {field!r}"
        # ``field`` is the entry's field as the case file names it (``deleted-by``).
        super().__init__(f"{where}: {reason}", field=field)


class FormatError(InvalidError):
    """An item of an interchange file (ClaimReview, Fact Check API, CDX) that cannot be imported."""

    def __init__(self, reason: str, *, file: str, item: str | None = None, field: str | None = None) -> None:
        self.reason = reason
        self.file = file
        self.item = item
        """The item: ``item 3`` (1-based) or its ``@id``, or ``line 7`` of a CDX file."""
        where = file + (f": {item}" if item else "") + (f", field {field!r}" if field else "")
        # ``field`` is the item's field as the format names it (``reviewRating.alternateName``).
        super().__init__(f"{where}: {reason}", field=field)


class VerificationError(LedgerError):
    """The log, a checkpoint or a proof does not verify: something was altered, removed or forged.

    ``position`` names the first log position that fails, ``checkpoint`` the
    stored checkpoint (its sequence number, from 1), when either is known.
    """

    def __init__(self, message: str, *, position: int | None = None, checkpoint: int | None = None) -> None:
        super().__init__(message)
        self.position = position
        self.checkpoint = checkpoint


class MalformedProofError(VerificationError, InvalidError):
    """A proof that cannot be read (bad JSON, field, base64 or leaf): it does not verify either."""
