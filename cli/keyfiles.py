"""Key, checkpoint and proof files as the integrity and witness commands read them.

Every read is bounded (:data:`MAX_FILE`) and fails with one
:class:`InvalidError` line naming what the file was meant to be; private
keys others may read are refused, as ssh refuses them.
"""

from __future__ import annotations

import os
import shlex
import stat
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from domain.errors import InvalidError
from ledger.integrity.cosignature import CosignerVerifier
from ledger.integrity.note import Signer, Verifier

#: The largest key, checkpoint or proof file read, in bytes (a proof of a 2**63 log is a few KiB).
MAX_FILE = 16 * 1024 * 1024


def read_bytes(path: str, what: str) -> bytes:
    """The bytes of the file at ``path``, at most :data:`MAX_FILE`; :class:`InvalidError` names ``what``."""
    try:
        with Path(path).open("rb") as file:
            data = file.read(MAX_FILE + 1)
    except OSError as error:
        raise InvalidError(f"cannot read {what} {path}: {error.strerror or error}") from None
    if len(data) > MAX_FILE:
        raise InvalidError(f"cannot read {what} {path}: larger than {MAX_FILE:,} bytes, so not one")
    return data


def read_text(path: str, what: str) -> str:
    """The UTF-8 text of the file at ``path``, at most :data:`MAX_FILE` bytes; else :class:`InvalidError`."""
    try:
        return read_bytes(path, what).decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidError(f"cannot read {what} {path}: {error}") from None


K = TypeVar("K", Verifier, CosignerVerifier)


def _keys(keys: Sequence[str], parse: Callable[[str], K], what: str, option: str, kind: str) -> list[K]:
    """Each of ``keys`` parsed: a file holding a key (read as ``what``), or the key itself (with a ``+``)."""
    parsed = []
    for key in keys:
        if Path(key).is_file():
            try:
                parsed.append(parse(read_text(key, what)))
            except InvalidError as error:
                raise InvalidError(f"{key}: {error}") from None
        elif "+" in key:
            parsed.append(parse(key))
        else:
            raise InvalidError(f"{option} {key}: no such file, and not a {kind}")
    return parsed


def verifier_keys(keys: Sequence[str]) -> list[Verifier]:
    """Verifier keys from files, or given literally."""
    return _keys(keys, Verifier.parse, "verifier key", "--key", "verifier key")


def refuse_shared_key(path: str, what: str = "signer key") -> None:
    """Refuse (as ssh does) a private key file that others than its owner may read."""
    mode = os.stat(path).st_mode
    if stat.S_ISREG(mode) and mode & 0o077:
        raise InvalidError(
            f"{what} {path} is readable by others (mode {stat.S_IMODE(mode):04o}); "
            f"make it private first: chmod 600 {shlex.quote(path)}"
        )


def read_signer(path: str) -> Signer:
    """The signer key in ``path``, refused when others than its owner may read it."""
    signer = Signer.parse(read_text(path, "signer key"))
    refuse_shared_key(path)
    return signer


def witness_verifiers(keys: Sequence[str]) -> list[CosignerVerifier]:
    """Witness verifier keys (algorithm 0x04), from files or given literally."""
    return _keys(keys, CosignerVerifier.parse, "witness key", "--witness-key", "witness verifier key")
