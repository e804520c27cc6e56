"""RFC 9162 Merkle trees (RFC 6962 hashing), with ``hashlib`` only.

A leaf hash is ``SHA-256(0x00 || data)``, an interior node
``SHA-256(0x01 || left || right)``, and the root of the empty tree is
``SHA-256("")``. The tree over ``n`` leaves splits at the largest power of
two below ``n`` (RFC 9162 section 2.1.1), so it is made of *perfect*
subtrees: the subtree of level ``k`` and index ``i`` covers the ``2**k``
leaves ``i * 2**k .. (i + 1) * 2**k - 1`` and, once complete, never changes.

Proofs are built from those perfect subtrees alone: every range a proof
needs (RFC 9162 sections 2.1.3 and 2.1.4) is a run of perfect subtrees,
hashed together right to left. A store that keeps every completed perfect subtree
(see :class:`CompactRange`) can therefore give any root or proof with a few
look-ups and no rehashing.

>>> leaves = [leaf_hash(bytes([i])) for i in range(5)]
>>> root = root_of(leaves)
>>> proof = inclusion_proof(3, 5, perfect_nodes(leaves))
>>> verify_inclusion(3, 5, leaves[3], proof, root)
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""The root of the empty tree."""

NodeKey = tuple[int, int]
"""A perfect subtree: (level, index); level 0 is a leaf."""

NodeLookup = Callable[[Sequence[NodeKey]], Sequence[bytes]]
"""Gives the hashes of the perfect subtrees asked for, in the order asked."""


def leaf_hash(data: bytes) -> bytes:
    """The hash of a leaf holding ``data``."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node with children ``left`` and ``right``."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two smaller than ``size`` (``size`` > 1)."""
    return 1 << ((size - 1).bit_length() - 1)


def range_nodes(start: int, end: int) -> list[NodeKey]:
    """The perfect subtrees, left to right, whose range_root is the hash of leaves ``start..end-1``.

    ``start`` must be a multiple of a power of two at least ``end - start``,
    which holds for every range of the RFC's recursive split.
    """
    keys: list[NodeKey] = []
    while start < end:
        level = (end - start).bit_length() - 1
        while start % (1 << level):
            level -= 1
        keys.append((level, start >> level))
        start += 1 << level
    return keys


def range_root(hashes: Sequence[bytes]) -> bytes:
    """The root of a run of perfect subtrees, hashed together right to left (not the events' fold)."""
    if not hashes:
        return EMPTY_ROOT
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def _ranges_hashes(ranges: Sequence[tuple[int, int]], lookup: NodeLookup) -> list[bytes]:
    # One batched look-up for the whole proof, then one range_root per range.
    per_range = [range_nodes(start, end) for start, end in ranges]
    found = lookup([key for keys in per_range for key in keys])
    hashes, taken = [], 0
    for keys in per_range:
        hashes.append(range_root(found[taken : taken + len(keys)]))
        taken += len(keys)
    return hashes


def root_from(size: int, lookup: NodeLookup) -> bytes:
    """The root of the first ``size`` leaves of a tree whose perfect subtrees ``lookup`` gives."""
    return _ranges_hashes([(0, size)], lookup)[0] if size else EMPTY_ROOT


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose hashes prove leaf ``index`` in a tree of ``size`` (RFC 9162 2.1.3.1)."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is not in a tree of size {size}")
    ranges: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    ranges.reverse()
    return ranges


def consistency_ranges(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose hashes prove a tree of ``old_size`` is a prefix of ``new_size`` (2.1.4.1)."""
    if not 0 < old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to size {new_size}")
    ranges: list[tuple[int, int]] = []
    start, end, m, whole = 0, new_size, old_size, True
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, m, whole = start + k, m - k, False
    if not whole:
        ranges.append((start, end))
    ranges.reverse()
    return ranges


def inclusion_proof(index: int, size: int, lookup: NodeLookup) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of ``size`` leaves."""
    return _ranges_hashes(inclusion_ranges(index, size), lookup)


def consistency_proof(old_size: int, new_size: int, lookup: NodeLookup) -> list[bytes]:
    """The proof that the tree of ``old_size`` leaves is a prefix of the tree of ``new_size``."""
    return _ranges_hashes(consistency_ranges(old_size, new_size), lookup)


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    """Whether ``proof`` shows the leaf hash ``leaf`` at ``index`` in the tree ``(size, root)``.

    RFC 9162 section 2.1.3.2.
    """
    if not 0 <= index < size or not _all_hashes([leaf, *proof]):
        return False
    fn, sn, result = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            result = node_hash(result, sibling)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and result == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows the tree ``(old_size, old_root)`` is a prefix of ``(new_size, new_root)``.

    RFC 9162 section 2.1.4.2. Equal sizes need an empty proof and equal
    roots (the empty tree's root being :data:`EMPTY_ROOT`); a proof from the
    empty tree proves nothing and is refused, as in the RFC's reference code.
    """
    if old_size > new_size or old_size < 0:
        return False
    if old_size == new_size:
        if proof or old_root != new_root:
            return False
        return old_size > 0 or old_root == EMPTY_ROOT
    if old_size == 0 or not proof or not _all_hashes(proof):
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    old_result = new_result = path[0]
    for sibling in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            old_result = node_hash(sibling, old_result)
            new_result = node_hash(sibling, new_result)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            new_result = node_hash(new_result, sibling)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and old_result == old_root and new_result == new_root


def _all_hashes(hashes: Sequence[bytes]) -> bool:
    return all(len(h) == HASH_SIZE for h in hashes)


class CompactRange:
    """The right edge of a growing tree: one hash per perfect subtree of its size.

    Appending a leaf merges equal-sized subtrees; each merge completes a
    perfect subtree, which :meth:`append` returns so a store can keep it.
    The root of the current tree costs ``O(log n)`` hashes.
    """

    __slots__ = ("_hashes", "size")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if size < 0 or len(hashes) != size.bit_count():
            raise ValueError(
                f"a tree of size {size} has {size.bit_count()} frontier hashes, not {len(hashes)}"
            )
        self.size = size
        self._hashes = list(hashes)

    @staticmethod
    def frontier(size: int) -> list[NodeKey]:
        """The perfect subtrees, left to right, that make up a tree of ``size`` leaves."""
        return range_nodes(0, size)

    def extend(self, leaves: Iterable[bytes]) -> list[tuple[int, int, bytes]]:
        """Add leaf hashes; every perfect subtree completed, as ``(level, index, hash)`` in order."""
        completed: list[tuple[int, int, bytes]] = []
        for leaf in leaves:
            self.push(leaf, completed)
        return completed

    def push(self, leaf: bytes, completed: list[tuple[int, int, bytes]] | None = None) -> None:
        """Add one leaf hash, recording the perfect subtrees it completes in ``completed``."""
        index, level, current = self.size, 0, leaf
        if completed is not None:
            completed.append((0, index, current))
        hashes = self._hashes
        while index & 1:
            current = node_hash(hashes.pop(), current)
            index, level = index >> 1, level + 1
            if completed is not None:
                completed.append((level, index, current))
        hashes.append(current)
        self.size += 1

    def extend_rows(self, leaves: Iterable[bytes], rows: list[tuple[int, int, bytes]]) -> None:
        """As :meth:`push` for each leaf, appending to ``rows`` each leaf and node as its stored row.

        A row is ``(position, level, hash)``, where a store keeps it (see
        :mod:`~ledger.integrity.store`): a leaf, then the nodes it completes, all ending at its
        position, level by level; so in ``(position, level)`` order. ``verify`` compares them with
        the stored rows as they are: the loop of :meth:`push` without a second tuple per node.
        """
        hashes, size = self._hashes, self.size
        append, pop, sha256 = rows.append, hashes.pop, hashlib.sha256
        for leaf in leaves:
            size += 1
            append((size, 0, leaf))
            current, index, level = leaf, size - 1, 0
            while index & 1:
                current = sha256(b"\x01" + pop() + current).digest()
                level += 1
                append((size, level, current))
                index >>= 1
            hashes.append(current)
        self.size = size

    @property
    def hashes(self) -> tuple[bytes, ...]:
        """The frontier: hashes of the perfect subtrees of the current tree, left to right."""
        return tuple(self._hashes)

    def root(self) -> bytes:
        """The root of the current tree."""
        return range_root(self._hashes)


def root_of(leaves: Iterable[bytes]) -> bytes:
    """The root of the tree over the leaf hashes ``leaves``."""
    compact = CompactRange()
    for leaf in leaves:
        compact.push(leaf)
    return compact.root()


def perfect_nodes(leaves: Sequence[bytes]) -> NodeLookup:
    """A :data:`NodeLookup` over leaf hashes held in memory (for tests and small trees)."""
    nodes: dict[NodeKey, bytes] = {(level, index): h for level, index, h in CompactRange().extend(leaves)}

    def lookup(keys: Sequence[NodeKey]) -> list[bytes]:
        return [nodes[key] for key in keys]

    return lookup
