"""Verify a whole ledger: every leaf, every stored node, every checkpoint; streamed.

The order of the checks decides which failure is named first:

1. the stored checkpoints, in sequence: numbered 1, 2, ... without gaps,
   well formed, for this ledger's origin, signed by one of the given keys
   (when keys are given), never shrinking the tree;
2. the trusted checkpoint the auditor kept, likewise;
3. the log, in position order, in constant memory: positions dense from 1;
   each entry's leaf recomputed from its stored bytes and compared with the
   stored leaf, each completed node with the stored node; the root at each
   checkpoint's size compared with the checkpoint's root;
4. the end: no stored leaf beyond the last entry, no checkpoint beyond it,
   and the trusted checkpoint among the stored ones.

A failure raises :class:`VerificationError` naming the first position or
checkpoint that fails and why. Comparing each leaf with the one stored when
the entry was recorded pinpoints an edited entry; if the tree was rewritten
too, the root at the next checkpoint gives it away, and the failure then
names that checkpoint and the positions it could be.
"""

from __future__ import annotations

import gc
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from domain.errors import InvalidError, UnreadableEntryError, VerificationError
from ledger import progress
from ledger.formats.wording import counted
from ledger.integrity.checkpoint import Checkpoint, open_checkpoint, parse_checkpoint
from ledger.integrity.leaves import leaf_hashes
from ledger.integrity.note import Verifier, encode_base64
from ledger.integrity.redaction import RedactionAudit, rows_concerning_redaction
from ledger.integrity.store import StoredCheckpoint, TreeRecorder, TreeRow
from ledger.integrity.tree import EMPTY_ROOT, CompactRange
from ledger.storage.records import LeafRow, LogRecord, LogRecorder

BATCH = 2000

#: Allocations between young collections while the log is replayed (Python's default is 700).
_REPLAY_GC_THRESHOLD = 100_000


@contextmanager
def _young_collections_spaced() -> Iterator[None]:
    """Collect young objects rarely while the log is replayed; restored after.

    Replaying allocates a few tuples and byte strings per entry and makes no
    reference cycles, yet with the default threshold the collector ran every
    few entries and took about a quarter of verify's time (measured with
    ``gc.callbacks``). Memory stays bounded: a batch of rows at a time.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], _REPLAY_GC_THRESHOLD), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


@dataclass(frozen=True)
class VerifyReport:
    """What a successful verification covered."""

    events: int
    root: bytes
    checkpoints: int
    latest_checkpoint_size: int | None
    signatures_checked: bool
    trusted_size: int | None = None
    cosigned_by: tuple[str, ...] = ()
    """The given witnesses whose cosignatures on the latest checkpoint verified."""
    redacted: tuple[int, ...] = ()
    """Positions of the entries whose content was erased (each with its redaction event)."""
    redactions_pending: tuple[int, ...] = ()
    """Positions a redaction event names whose content is still there (run the redaction again)."""

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-ready data (the root in base64)."""
        return {
            "events": self.events,
            "root": encode_base64(self.root),
            "checkpoints": self.checkpoints,
            "latest_checkpoint_size": self.latest_checkpoint_size,
            "signatures_checked": self.signatures_checked,
            "trusted_size": self.trusted_size,
            "cosigned_by": list(self.cosigned_by),
            "redacted": list(self.redacted),
            "redactions_pending": list(self.redactions_pending),
        }

    def summary(self) -> str:
        """One line for people."""
        parts = [f"verified {counted(self.events, 'event')}", f"root {encode_base64(self.root)}"]
        if self.checkpoints:
            signed = (
                "signatures checked" if self.signatures_checked else "signatures NOT checked (no key given)"
            )
            plural = "checkpoint" if self.checkpoints == 1 else "checkpoints"
            parts.append(
                f"{self.checkpoints} {plural} (latest of size {self.latest_checkpoint_size}; {signed})"
            )
        else:
            parts.append("no checkpoints")
        if self.redacted:
            shown = ", ".join(map(str, self.redacted[:10])) + (", ..." if len(self.redacted) > 10 else "")
            plural = "entry" if len(self.redacted) == 1 else "entries"
            parts.append(f"{len(self.redacted)} {plural} redacted (positions {shown})")
        if self.redactions_pending:
            parts.append(
                f"redactions not yet applied at positions {', '.join(map(str, self.redactions_pending))}"
            )
        if self.cosigned_by:
            parts.append(f"latest cosigned by {', '.join(self.cosigned_by)}")
        if self.trusted_size is not None:
            parts.append(f"consistent with the trusted checkpoint of size {self.trusted_size}")
        return ", ".join(parts)


@dataclass
class _Target:
    """A root the log must have at ``checkpoint.size``."""

    label: str
    checkpoint: Checkpoint
    seq: int | None = None
    matched: bool = field(default=False)


def _open(note: str, origin: str, keys: Sequence[Verifier], label: str, seq: int | None) -> Checkpoint:
    try:
        checkpoint = open_checkpoint(note, keys) if keys else parse_checkpoint(note)
    except (InvalidError, VerificationError) as error:
        raise VerificationError(f"{label}: {error}", checkpoint=seq) from None
    if checkpoint.origin != origin:
        raise VerificationError(
            f"{label} is for the log {checkpoint.origin!r}, not this ledger's {origin!r}", checkpoint=seq
        )
    return checkpoint


def _stored_targets(rows: Sequence[StoredCheckpoint], origin: str, keys: Sequence[Verifier]) -> list[_Target]:
    targets: list[_Target] = []
    for expected, row in enumerate(rows, start=1):
        label = f"checkpoint #{row.seq}"
        if row.seq != expected:
            raise VerificationError(
                f"checkpoint #{expected} is missing: checkpoints were removed", checkpoint=expected
            )
        checkpoint = _open(row.note, origin, keys, label, row.seq)
        if checkpoint.size != row.size:
            raise VerificationError(
                f"{label} is stored as size {row.size} but its note says {checkpoint.size}",
                checkpoint=row.seq,
            )
        if targets and checkpoint.size < targets[-1].checkpoint.size:
            raise VerificationError(
                f"{label} rolls the log back from size {targets[-1].checkpoint.size} to {checkpoint.size}",
                checkpoint=row.seq,
            )
        targets.append(_Target(label, checkpoint, row.seq))
    return targets


def _batches(recorder: LogRecorder, after: int, until: int | None) -> Iterator[Sequence[LeafRow]]:
    limit = BATCH
    while True:
        try:
            batch = recorder.select_log_rows(after, limit, until)
        except (ValueError, TypeError) as error:
            # A row written outside the ledger is unreadable (a stream id that is no UUID, say):
            # read one row at a time to name it.
            if limit == 1:
                # The storage layer's message already names the position.
                message = str(error) if isinstance(error, UnreadableEntryError) else None
                raise VerificationError(
                    message or f"position {after + 1}: the stored entry cannot be read ({error})",
                    position=after + 1,
                ) from None
            limit = 1
            continue
        if not batch:
            return
        yield batch
        after = batch[-1][0]
        if progress.active():
            progress.advance("checking the log", after, until or recorder.max_position())


class TreeReplay:
    """Rebuilds the tree from the stored entries after position ``after``, checking the stored tree.

    Each leaf is recomputed from its stored entry and compared with the
    stored leaf, each completed node with the stored node, a batch at a
    time; the stored frontier at ``after`` is the starting point. Without
    ``until``, the stored tree must also end where the log ends.
    """

    def __init__(
        self,
        recorder: LogRecorder,
        tree: TreeRecorder,
        *,
        after: int = 0,
        until: int | None = None,
        audit: RedactionAudit | None = None,
    ) -> None:
        self._recorder, self._tree, self._until, self._audit = recorder, tree, until, audit
        self.compact = CompactRange(after, tree.select_tree_nodes(CompactRange.frontier(after)))
        """The tree rebuilt so far."""

    def check(self) -> None:
        """Replay the whole range, raising at the first entry or node that does not match."""
        with _young_collections_spaced():
            for _ in self.roots():
                pass

    def roots(self, stops: Collection[int] = ()) -> Iterator[tuple[int, bytes]]:
        """Replay the log; ``(size, root)`` at each size in ``stops``, once all before it has checked."""
        compact, tree, audit = self.compact, self._tree, self._audit
        # Plain rows in, a batch at a time: verify reads every entry, so nothing per entry that it
        # does not need (see leaf_hashes, select_log_rows and CompactRange.extend_rows).
        for batch in _batches(self._recorder, compact.size, self._until):
            start, count, failure = compact.size, len(batch), None
            # Positions come in increasing order, so they are dense if the first and last are right.
            if batch[0][0] != start + 1 or batch[-1][0] != start + count:
                count = next(i for i, row in enumerate(batch) if row[0] != start + 1 + i)
                failure = VerificationError(
                    f"position {start + count + 1}: the entry is missing from the log "
                    f"(the next one is at {batch[count][0]})",
                    position=start + count + 1,
                )
            leaves: list[bytes] = []
            marked: list[int] = []
            malformed = leaf_hashes(batch[:count] if failure else batch, leaves, marked)
            if malformed is not None:
                count = malformed
                failure = VerificationError(
                    f"position {start + count + 1}: the stored entry is malformed and has no leaf",
                    position=start + count + 1,
                )
            if audit is not None:
                for i in rows_concerning_redaction(batch, marked, count):
                    row = batch[i]
                    try:
                        audit.see(LogRecord(row[0], UUID(bytes=row[1]), *row[2:]))
                    except VerificationError as error:
                        # Its leaf was pushed before it was seen: the tree is compared up to it.
                        del leaves[i + 1 :]
                        failure = error
                        break
            end = start + len(leaves)
            expected: list[TreeRow] = []
            reached: list[tuple[int, bytes]] = []
            done = 0
            for stop in sorted(size for size in stops if start < size <= end):
                compact.extend_rows(leaves[done : stop - start], expected)
                done = stop - start
                reached.append((stop, compact.root()))
            compact.extend_rows(leaves[done:] if done else leaves, expected)
            # Earlier positions fail first: compare what was rebuilt before any failure above.
            stored = tree.select_tree_rows((start, 64), len(expected)) if expected else []
            if stored != expected:
                raise _first_mismatch(expected, stored)
            if failure is not None:
                raise failure
            yield from reached
        if self._until is None and (extra := tree.select_tree_rows((compact.size, 64), 1)):
            size = compact.size
            raise VerificationError(
                f"position {size + 1}: the entry is missing from the log, which ends at position {size} "
                f"while its tree goes on to position {extra[0][0]} (the log was truncated)",
                position=size + 1,
            )


def _check_root(target: _Target, root: bytes, targets: Sequence[_Target]) -> None:
    if target.checkpoint.root == root:
        target.matched = True
        return
    size = target.checkpoint.size
    where = f"the log was rewritten or forked at or before position {size}"
    position: int | None = None
    if target.seq is not None:
        # Every leaf matched, so the tree was rewritten with the log. The
        # same signer signed this checkpoint after the earlier ones it shares,
        # and the ledger signs only trees that extend its last checkpoint:
        # the change lies after the latest of those that still holds.
        earlier = [
            t.checkpoint.size
            for t in targets
            if t.matched
            and t.seq is not None
            and set(t.checkpoint.signed_by) & set(target.checkpoint.signed_by)
        ]
        if earlier:
            position = max(earlier) + 1
            where = f"an entry in positions {position}..{size} was changed, together with the stored tree"
    raise VerificationError(
        f"{target.label} (size {size}) does not match the log: its first {counted(size, 'entry')} hash to "
        f"{encode_base64(root)}, not {target.checkpoint.root_base64}; {where}",
        position=position,
        checkpoint=target.seq,
    )


def _first_mismatch(expected: Sequence[TreeRow], stored: Sequence[TreeRow]) -> VerificationError:
    for i, (position, level, digest) in enumerate(expected):
        row = stored[i] if i < len(stored) else None
        if row is None or row[:2] != (position, level):
            what = "leaf" if level == 0 else f"node of level {level}"
            return VerificationError(
                f"position {position}: the tree has no {what} for this entry "
                "(it was added outside the ledger)",
                position=position,
            )
        if row[2] == digest:
            continue
        if level == 0:
            return VerificationError(
                f"position {position}: the stored entry does not match the leaf recorded with it "
                "(it was altered, replaced or moved after it was recorded)",
                position=position,
            )
        return VerificationError(
            f"position {position}: the stored tree node over positions {position - (1 << level) + 1}.."
            f"{position} does not match the entries (the tree was altered)",
            position=position,
        )
    raise AssertionError("the rows differ, so one of them does not match")


def verify_log(
    recorder: LogRecorder,
    tree: TreeRecorder,
    *,
    origin: str,
    keys: Sequence[Verifier] = (),
    trusted: str | None = None,
) -> VerifyReport:
    """Check the whole ledger; a :class:`VerifyReport`, or :class:`VerificationError` at the first failure."""
    targets = _stored_targets(tree.select_checkpoints(), origin, keys)
    stored = list(targets)
    if trusted is not None:
        targets.append(
            _Target("the trusted checkpoint", _open(trusted, origin, keys, "the trusted checkpoint", None))
        )
    by_size: dict[int, list[_Target]] = {}
    for target in targets:
        by_size.setdefault(target.checkpoint.size, []).append(target)
    for target in by_size.get(0, []):
        _check_root(target, EMPTY_ROOT, targets)

    audit = RedactionAudit(recorder)
    replay = TreeReplay(recorder, tree, audit=audit)
    with _young_collections_spaced():
        for size, root in replay.roots(by_size):
            for target in by_size[size]:
                _check_root(target, root, targets)
    audit.finish()
    size = replay.compact.size
    for target in targets:
        if target.checkpoint.size > size:
            raise VerificationError(
                f"position {size + 1}: the entry is missing from the log, which ends at position {size} "
                f"while {target.label} covers {counted(target.checkpoint.size, 'entry')} "
                "(truncated or rolled back)",
                position=size + 1,
                checkpoint=target.seq,
            )
    trusted_target = targets[-1] if trusted is not None else None
    if trusted_target is not None and not any(
        (t.checkpoint.size, t.checkpoint.root)
        == (trusted_target.checkpoint.size, trusted_target.checkpoint.root)
        for t in stored
    ):
        raise VerificationError(
            f"the trusted checkpoint (size {trusted_target.checkpoint.size}) is not among the ledger's "
            f"{len(stored)} stored checkpoints: they were removed or rolled back"
        )
    return VerifyReport(
        events=size,
        root=replay.compact.root(),
        checkpoints=len(stored),
        latest_checkpoint_size=stored[-1].checkpoint.size if stored else None,
        signatures_checked=bool(keys),
        trusted_size=None if trusted_target is None else trusted_target.checkpoint.size,
        redacted=tuple(audit.redacted),
        redactions_pending=tuple(audit.pending),
    )
