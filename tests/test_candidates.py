"""Candidates: the grouping (numpy sorts, the reference; a hash table in C) gives the pairs of
its plain definition."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from dedup import _native
from dedup.candidates import banded_candidate_pairs, candidate_pairs


@pytest.fixture(params=["compiled", "reference"], autouse=True)
def path(request, monkeypatch):
    """Every test on both paths: the compiled one (where built) and the numpy reference."""
    if request.param == "compiled" and _native.speedups is None:
        pytest.skip("the compiled extension is not built here (or DEDUP_PURE is set)")
    if request.param == "reference":
        monkeypatch.setattr(_native, "speedups", None)
    return request.param


def _plain_pairs(band_keys: list[np.ndarray], max_bucket: int) -> list[list[int]]:
    """The definition: per band, the documents holding each key; every pair of a bucket,
    or star + chain (first member to each other, then consecutive members) if it is huge."""
    pairs = set()
    for band in range(band_keys[0].shape[1]):
        buckets: dict[int, set[int]] = {}
        for doc, keys in enumerate(band_keys):
            for key in keys[:, band].tolist():
                buckets.setdefault(key, set()).add(doc)
        for members in buckets.values():
            members = sorted(members)
            if len(members) <= max_bucket:
                pairs.update(combinations(members, 2))
            else:
                pairs.update((members[0], m) for m in members[1:])
                pairs.update(zip(members[1:-1], members[2:]))
    return sorted(map(list, pairs))


def _corpus(seed: int, docs: int = 300, bands: int = 6) -> list[np.ndarray]:
    """Random window keys with planted shared keys (small and large buckets), keys that
    share their high 32 bits but not their low ones (and the other way round), and documents
    without windows."""
    rng = np.random.default_rng(seed)
    shared = rng.integers(0, 2**64, 40, dtype=np.uint64)
    twins = rng.integers(0, 2**32, 10, dtype=np.uint64) << np.uint64(32)
    lows = rng.integers(0, 2**32, 10, dtype=np.uint64)
    out = []
    for _ in range(docs):
        n = int(rng.integers(0, 6))
        keys = rng.integers(0, 2**64, (n, bands), dtype=np.uint64)
        for cell in range(keys.size):
            r = rng.random()
            if r < 0.05:
                keys.flat[cell] = shared[rng.integers(0, len(shared))]
            elif r < 0.08:  # same high half as another twin, different low half
                keys.flat[cell] = twins[rng.integers(0, len(twins))] | np.uint64(rng.integers(0, 2**32))
            elif r < 0.10:
                keys.flat[cell] = shared[0]  # one crowded bucket
            elif r < 0.13:  # same low half as another, different high half
                keys.flat[cell] = lows[rng.integers(0, len(lows))] | (np.uint64(rng.integers(0, 2**32)) << np.uint64(32))
        out.append(keys)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("max_bucket", [3, 200])
def test_candidate_pairs_are_the_plain_definition(seed, max_bucket):
    keys = _corpus(seed)
    expected = _plain_pairs(keys, max_bucket)
    assert len(expected) > 50
    assert candidate_pairs(keys, max_bucket=max_bucket).tolist() == expected


@pytest.mark.parametrize("seed", [1, 2])
def test_banded_blocks_give_the_same_pairs_however_the_documents_are_split(seed):
    keys = _corpus(seed)
    windows = np.array([len(k) for k in keys])
    expected = candidate_pairs(keys, max_bucket=5).tolist()
    rng = np.random.default_rng(seed)
    cuts = sorted({0, len(keys), *rng.integers(0, len(keys), 12).tolist()})
    blocks = [np.concatenate(keys[a:b]).T.copy() for a, b in zip(cuts, cuts[1:])]
    assert banded_candidate_pairs(blocks, windows, max_bucket=5).tolist() == expected


def test_banded_blocks_of_any_memory_layout_give_the_same_pairs():
    # blocks as views (transposed, not copied): the compiled path reads C-ordered keys only
    keys = _corpus(3)
    windows = np.array([len(k) for k in keys])
    whole = np.concatenate(keys)
    assert not whole.T.flags.c_contiguous
    assert banded_candidate_pairs([whole.T], windows, max_bucket=5).tolist() == candidate_pairs(keys, max_bucket=5).tolist()


def test_banded_blocks_must_hold_every_window():
    keys = _corpus(1)
    with pytest.raises(ValueError, match="windows"):
        banded_candidate_pairs([np.concatenate(keys).T], np.array([len(k) for k in keys]) + 1)


def test_no_windows_no_pairs():
    empty = [np.zeros((0, 4), dtype=np.uint64)] * 3
    assert candidate_pairs(empty).shape == (0, 2)
    assert banded_candidate_pairs([np.zeros((4, 0), dtype=np.uint64)], np.zeros(3, dtype=np.int64)).shape == (0, 2)
