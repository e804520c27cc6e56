"""A witness: cosigns a log's checkpoint only if it extends the last one it cosigned for that log.

Source: C2SP tlog-witness (https://c2sp.org/tlog-witness), ``add-checkpoint``.
A request is the old size line (``old N``), the RFC 6962 consistency proof
from that size, one base64 hash a line (none when N is 0), an empty line,
then the signed checkpoint::

    old 6
    PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=
    ...

    provenance-ledger/5f0c...
    9
    qHPu1yrd0DHGYFwH7q0LBEXXnkgaWlqWbFXGLAd3HRI=

    — newsroom ...

The witness keeps, per log origin, the log's verifier keys it trusts and the
size and root it last cosigned, in a JSON state file updated atomically
(under a lock, written to a new file then renamed) before it answers. It
refuses, with :class:`WitnessRefusedError` and its ``reason`` (the spec's HTTP
status in brackets): an unknown origin (404), a checkpoint no trusted key
signed (403), an old size above the checkpoint's (400), a **rollback** (a
smaller tree than it cosigned) or a **fork** (the same size with another
root) (409), an old size other than the one it cosigned (409, naming its
size), and a consistency proof that does not hold (422).
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from domain.errors import InvalidError, VerificationError
from ledger.formats.output import open_output
from ledger.integrity.checkpoint import Checkpoint, checkpoint_body, open_checkpoint, parse_checkpoint
from ledger.integrity.cosignature import Cosigner
from ledger.integrity.note import Verifier, decode_base64, encode_base64
from ledger.integrity.tree import HASH_SIZE, verify_consistency

MAX_PROOF_LINES = 63

Reason = Literal["unknown-log", "not-signed", "bad-request", "rollback", "fork", "conflict", "bad-proof"]


class WitnessRefusedError(VerificationError):
    """The witness refuses to cosign; ``reason`` says why, ``size`` is the size it last cosigned."""

    def __init__(self, reason: Reason, message: str, size: int | None = None) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason: Reason = reason
        self.size = size


@dataclass(frozen=True)
class AddCheckpoint:
    """A parsed ``add-checkpoint`` request."""

    old_size: int
    proof: tuple[bytes, ...]
    checkpoint: str
    """The signed checkpoint note."""

    def encode(self) -> str:
        """The request body, byte-exact per tlog-witness."""
        lines = [f"old {self.old_size}", *(encode_base64(h) for h in self.proof)]
        return "".join(line + "\n" for line in lines) + "\n" + self.checkpoint


def parse_add_checkpoint(body: str | bytes) -> AddCheckpoint:
    """Read an ``add-checkpoint`` request body; :class:`InvalidError` if malformed."""
    if isinstance(body, bytes):
        try:
            body = body.decode()
        except UnicodeDecodeError:
            raise InvalidError("malformed add-checkpoint request: it is not UTF-8") from None
    head, separator, checkpoint = body.partition("\n\n")
    if not separator:
        raise InvalidError("malformed add-checkpoint request: no empty line before the checkpoint")
    lines = head.split("\n")
    size_text = lines[0].removeprefix("old ")
    if (
        not lines[0].startswith("old ")
        or not size_text.isascii()
        or not size_text.isdigit()
        or (size_text != "0" and size_text.startswith("0"))
    ):
        raise InvalidError(f"malformed add-checkpoint request: {lines[0][:40]!r} is not 'old SIZE'")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise InvalidError(f"malformed add-checkpoint request: more than {MAX_PROOF_LINES} proof lines")
    proof = tuple(decode_base64(line, f"proof line {i}") for i, line in enumerate(lines[1:], start=1))
    if any(len(h) != HASH_SIZE for h in proof):
        raise InvalidError("malformed add-checkpoint request: a proof line is not a 32-byte hash")
    parse_checkpoint(checkpoint)
    return AddCheckpoint(int(size_text), proof, checkpoint)


@dataclass(frozen=True)
class LogState:
    """What a witness knows of one log: the keys it trusts, and the tree it last cosigned."""

    keys: tuple[str, ...]
    size: int = 0
    root: str | None = None

    def as_json(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"keys": list(self.keys), "size": self.size, "root": self.root}


class Witness:
    """A witness: its key and its state file (see the module docstring)."""

    def __init__(self, key: Cosigner | None, state: str | os.PathLike[str]) -> None:
        self.key = key
        """The witness's key (None to only manage the logs it follows)."""
        self.state_path = Path(state)

    @staticmethod
    def create_state(state: str | os.PathLike[str]) -> None:
        """Write an empty state file; :class:`InvalidError` if it exists."""
        try:
            with Path(state).open("x", encoding="utf-8") as file:
                json.dump({"logs": {}}, file)
        except FileExistsError:
            raise InvalidError(f"{state} already exists; not overwriting a witness state") from None
        except OSError as error:
            raise InvalidError(f"cannot write {state}: {error.strerror}") from None

    def logs(self) -> dict[str, LogState]:
        """The logs this witness follows, by origin."""
        try:
            data = json.loads(self.state_path.read_text(encoding="utf-8"))
            return {
                origin: LogState(tuple(entry["keys"]), int(entry["size"]), entry["root"])
                for origin, entry in data["logs"].items()
            }
        except OSError as error:
            raise InvalidError(f"cannot read witness state {self.state_path}: {error.strerror}") from None
        except (ValueError, KeyError, TypeError, AttributeError):
            raise InvalidError(f"{self.state_path} is not a witness state file") from None

    @contextmanager
    def _locked(self) -> Iterator[dict[str, LogState]]:
        # The check of the old size and the write of the new one are one atomic step (the spec's race).
        lock_path = self.state_path.with_name(self.state_path.name + ".lock")
        with lock_path.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            logs = self.logs()
            yield logs
            data = {"logs": {origin: state.as_json() for origin, state in sorted(logs.items())}}
            # An exclusive temporary renamed when complete, never a planted link (ledger.formats.output).
            with open_output(self.state_path, what="witness state") as file:
                json.dump(data, file, indent=2)

    def add_log(self, origin: str, keys: Sequence[Verifier | str]) -> None:
        """Follow the log ``origin``, trusting checkpoints signed by ``keys``."""
        encoded = tuple((k if isinstance(k, Verifier) else Verifier.parse(k)).encode() for k in keys)
        if not encoded:
            raise InvalidError("a log needs at least one verifier key")
        checkpoint_body(origin, 0, bytes(HASH_SIZE))  # refuses a malformed origin
        with self._locked() as logs:
            known = logs.get(origin)
            logs[origin] = LogState(encoded, known.size, known.root) if known else LogState(encoded)

    def cosign(self, request: AddCheckpoint | str | bytes, now: int | None = None) -> str:
        """Check ``request`` and cosign its checkpoint: the cosignature line, with its newline.

        Raises :class:`WitnessRefusedError` (see the module docstring) and never
        cosigns a checkpoint that does not extend the last one it cosigned
        for that origin.
        """
        parsed = request if isinstance(request, AddCheckpoint) else parse_add_checkpoint(request)
        if self.key is None:
            raise InvalidError("a witness needs its key to cosign")
        with self._locked() as logs:
            checkpoint = self._check(parsed, logs)
            line = self.key.cosign(_body(checkpoint), int(time.time()) if now is None else now)
            logs[checkpoint.origin] = LogState(
                logs[checkpoint.origin].keys, checkpoint.size, checkpoint.root_base64
            )
        return line + "\n"

    def _check(self, request: AddCheckpoint, logs: dict[str, LogState]) -> Checkpoint:
        origin = parse_checkpoint(request.checkpoint).origin
        state = logs.get(origin)
        if state is None:
            raise WitnessRefusedError("unknown-log", f"this witness does not follow the log {origin!r}")
        try:
            checkpoint = open_checkpoint(request.checkpoint, [Verifier.parse(k) for k in state.keys])
        except VerificationError as error:
            raise WitnessRefusedError("not-signed", f"the checkpoint of {origin!r}: {error}") from None
        size = checkpoint.size
        if request.old_size > size:
            raise WitnessRefusedError(
                "bad-request", f"old size {request.old_size} is above the checkpoint's {size}"
            )
        if size < state.size:
            raise WitnessRefusedError(
                "rollback",
                f"{origin!r} was cosigned at size {state.size}; refusing the smaller tree of size {size}",
                state.size,
            )
        if size == state.size and state.root != checkpoint.root_base64:
            raise WitnessRefusedError(
                "fork",
                f"{origin!r} was cosigned at size {size} with root {state.root}; "
                f"refusing another root {checkpoint.root_base64} of the same size",
                state.size,
            )
        if request.old_size != state.size:
            raise WitnessRefusedError(
                "conflict",
                f"this witness last cosigned {origin!r} at size {state.size}, not {request.old_size}; "
                f"ask again with a proof from size {state.size}",
                state.size,
            )
        old_root = decode_base64(state.root, "stored root") if state.root is not None else None
        consistent = (
            not request.proof
            if state.size == 0
            else old_root is not None
            and verify_consistency(state.size, size, old_root, checkpoint.root, request.proof)
        )
        if not consistent:
            raise WitnessRefusedError(
                "bad-proof",
                f"the consistency proof from size {state.size} to {size} of {origin!r} does not hold: "
                "refusing (the log may have forked)",
                state.size,
            )
        return checkpoint


def _body(checkpoint: Checkpoint) -> str:
    """The note text of a checkpoint (without its signature lines)."""
    return checkpoint.note[: checkpoint.note.rfind("\n\n") + 1]
