"""What a caller of the ledger does with its errors: exit codes, and retrying a lost race.

Every interface (the CLI today, an HTTP API or a tool tomorrow) reads these
here rather than deciding for itself:

- :func:`exit_code`: 0 ok, 1 a ledger error, 2 a misused command (the
  interface's own usage errors), 3 something does not verify
  (:class:`VerificationError`) or the store is damaged
  (:class:`DamagedStoreError`: bytes on disk that cannot be read);
- :func:`retry_on_conflict`: a :class:`ConflictError` means another writer
  changed the same subject (or held the write lock) first; the operation
  is run again from the start, so it checks its rules against what the
  other writer recorded, up to :data:`ATTEMPTS` times, then reported.

>>> from domain.errors import NotFoundError, VerificationError
>>> exit_code(NotFoundError("post/x does not exist")), exit_code(VerificationError("root differs"))
(1, 3)
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from domain.errors import ConflictError, DamagedStoreError, LedgerError, VerificationError

EXIT_OK = 0
"""The operation did what was asked."""

EXIT_FAILED = 1
"""A ledger error: bad input, not found, a conflict given up on, storage."""

EXIT_USAGE = 2
"""The interface was misused (an unknown option, a missing argument)."""

EXIT_NOT_VERIFIED = 3
"""The ledger, a checkpoint or a proof does not verify, or the store is damaged."""

#: Attempts of one operation before its conflict is reported.
ATTEMPTS = 5

P = ParamSpec("P")
R = TypeVar("R")


def exit_code(error: LedgerError) -> int:
    """The exit code an interface reports for ``error``."""
    return EXIT_NOT_VERIFIED if isinstance(error, VerificationError | DamagedStoreError) else EXIT_FAILED


def retry_on_conflict(operation: Callable[P, R]) -> Callable[P, R]:
    """``operation``, run again after a short random pause each time it raises :class:`ConflictError`.

    After :data:`ATTEMPTS` attempts the conflict is raised, saying so.
    """

    @functools.wraps(operation)
    def retrying(*args: P.args, **kwargs: P.kwargs) -> R:
        attempt = 1
        while True:
            try:
                return operation(*args, **kwargs)
            except ConflictError as error:
                if attempt >= ATTEMPTS:
                    raise ConflictError(f"{error} (gave up after {ATTEMPTS} attempts)") from None
            # Random, growing pauses keep racing writers from colliding in step.
            time.sleep(random.uniform(0.01, 0.05) * attempt)  # noqa: S311  (not for security)
            attempt += 1

    return retrying
