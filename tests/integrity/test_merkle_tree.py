"""The Merkle tree against the RFC 9162 vectors and a recursive reference implementation."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from ledger.integrity.tree import (
    EMPTY_ROOT,
    CompactRange,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    perfect_nodes,
    root_from,
    root_of,
    verify_consistency,
    verify_inclusion,
)

VECTORS = Path(__file__).resolve().parent / "vectors" / "rfc9162"


def _vectors(kind: str) -> list[Any]:
    files = sorted((VECTORS / kind).glob("*/*.json"))
    assert files, f"no {kind} vectors under {VECTORS}"
    return [pytest.param(json.loads(f.read_text()), id=f"{f.parent.name}/{f.stem}") for f in files]


def _b64(text: str) -> bytes:
    return base64.b64decode(text)


@pytest.mark.parametrize("vector", _vectors("inclusion"))
def test_inclusion_vector(vector: dict[str, Any]) -> None:
    ok = verify_inclusion(
        vector["leafIdx"],
        vector["treeSize"],
        _b64(vector["leafHash"]),
        [_b64(h) for h in vector["proof"] or []],
        _b64(vector["root"]),
    )
    assert ok is not vector["wantErr"], vector["desc"]


@pytest.mark.parametrize("vector", _vectors("consistency"))
def test_consistency_vector(vector: dict[str, Any]) -> None:
    ok = verify_consistency(
        vector["size1"],
        vector["size2"],
        _b64(vector["root1"]),
        _b64(vector["root2"]),
        [_b64(h) for h in vector["proof"] or []],
    )
    assert ok is not vector["wantErr"], vector["desc"]


def test_vector_counts() -> None:
    """Every vector file is exercised, the corrupted ones too."""
    inclusion, consistency = _vectors("inclusion"), _vectors("consistency")
    assert len(inclusion) + len(consistency) == len(list(VECTORS.glob("[ic]*/*/*.json")))
    assert sum(v.values[0]["wantErr"] for v in inclusion + consistency) > 100


def test_rfc6962_hasher_values() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert root_of([]) == EMPTY_ROOT
    assert leaf_hash(b"").hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    assert leaf_hash(b"L123456").hex() == "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    assert (
        node_hash(b"N123", b"N456").hex()
        == "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"
    )


# -- a recursive reference, written straight from RFC 9162 section 2.1 -----------------


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: list[bytes]) -> bytes:
    if not d:
        return _sha(b"")
    if len(d) == 1:
        return _sha(b"\x00" + d[0])
    k = _k(len(d))
    return _sha(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:]))


def ref_path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: list[bytes], whole: bool) -> list[bytes]:
    if m == len(d):
        return [] if whole else [ref_mth(d)]
    k = _k(len(d))
    if m <= k:
        return [*ref_subproof(m, d[:k], whole), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


DATA = [f"leaf {i}".encode() for i in range(64)]
LEAVES = [leaf_hash(d) for d in DATA]
LOOKUP = perfect_nodes(LEAVES)


@pytest.mark.parametrize("size", range(1, 65))
def test_every_proof_matches_the_reference(size: int) -> None:
    d = DATA[:size]
    root = ref_mth(d)
    assert root_of(LEAVES[:size]) == root
    assert root_from(size, LOOKUP) == root
    for index in range(size):
        proof = inclusion_proof(index, size, LOOKUP)
        assert proof == ref_path(index, d)
        assert verify_inclusion(index, size, LEAVES[index], proof, root)
        assert not verify_inclusion(index, size, LEAVES[index - 1], proof, root) or size == 1
        if proof:
            flipped = [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]]
            assert not verify_inclusion(index, size, LEAVES[index], flipped, root)
    for old in range(1, size + 1):
        proof = consistency_proof(old, size, LOOKUP)
        assert proof == ref_subproof(old, d, True)
        old_root = ref_mth(d[:old])
        assert verify_consistency(old, size, old_root, root, proof)
        assert not verify_consistency(old, size, root_of(LEAVES[1 : old + 1]), root, proof)
        if proof:
            assert not verify_consistency(old, size, old_root, root, proof[:-1])


def test_compact_range_completes_every_perfect_subtree_once() -> None:
    completed = CompactRange().extend(LEAVES[:13])
    keys = [(level, index) for level, index, _ in completed]
    assert len(keys) == len(set(keys)) == 13 + 6 + 3 + 1
    resumed = CompactRange(8, [root_of(LEAVES[:8])])
    resumed.extend(LEAVES[8:13])
    assert resumed.root() == root_of(LEAVES[:13]) == ref_mth(DATA[:13])


def test_compact_range_refuses_a_frontier_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="3 frontier hashes"):
        CompactRange(7, [EMPTY_ROOT])


def test_proofs_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="not in a tree"):
        inclusion_proof(5, 5, LOOKUP)
    with pytest.raises(ValueError, match="no consistency proof"):
        consistency_proof(0, 5, LOOKUP)
    with pytest.raises(ValueError, match="no consistency proof"):
        consistency_proof(6, 5, LOOKUP)
