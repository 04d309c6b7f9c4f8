"""Candidates: documents whose passage windows share an LSH band key.

Each document contributes the band keys of its passage windows
(:func:`dedup.sign.sign`). Two documents are candidates when any of their keys are
equal: some window of one is, with high probability, similar to a window of the
other (the S-curve of ``bands`` x ``rows`` around ``passage_threshold``). Because
windows are small, a reprint that keeps a fraction of the wire story and pads it
with its own text still shares whole windows with the original: candidates follow
*containment*, not whole-document Jaccard.

The grouping is a numpy sort of each band's keys in turn; a bucket holding more than
``max_bucket`` documents (boilerplate the cleaner missed, or a story reprinted
hundreds of times) is linked as a star and a chain instead of all its pairs, which
keeps every member connected while bounding the work.

>>> import numpy as np
>>> keys = [np.array([[1, 2]], dtype=np.uint64), np.array([[3, 2]], dtype=np.uint64), np.array([[9, 8]], dtype=np.uint64)]
>>> candidate_pairs(keys).tolist()
[[0, 1]]
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

DEFAULT_MAX_BUCKET = 200


def candidate_pairs(band_keys: Sequence[np.ndarray], *, max_bucket: int = DEFAULT_MAX_BUCKET, workers: int = 1) -> np.ndarray:
    """Return the sorted unique (i, j), i < j, of documents sharing a band key.

    Args:
        band_keys: per document, its (windows, bands) array of uint64 keys; the
            position in the sequence is the document's index.
        max_bucket: buckets with more documents are linked as star + chain.
        workers: threads grouping bands at once (numpy's sorts release the GIL).
    """
    windows = np.array([len(k) for k in band_keys], dtype=np.int64)
    if windows.sum() == 0:
        return np.zeros((0, 2), dtype=np.int64)
    # One band at a time: the keys of different bands are salted apart, so grouping each
    # band's column on its own finds the same buckets as grouping all keys at once, with
    # the sort's working memory one band's worth instead of all of them. The columns are
    # gathered as rows (contiguous, a part of the documents at a time: no second copy).
    columns = np.empty((band_keys[0].shape[1], int(windows.sum())), dtype=np.uint64)
    at = 0
    for start in range(0, len(band_keys), _GATHER):
        part = np.concatenate(band_keys[start : start + _GATHER])
        columns[:, at : at + len(part)] = part.T
        at += len(part)
    docs = np.repeat(np.arange(len(band_keys), dtype=np.int32), windows)

    def band(b: int) -> list[np.ndarray]:
        return _band_pairs(columns[b], docs, max_bucket)

    if workers > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(workers) as pool:
            found = list(pool.map(band, range(len(columns))))
    else:
        found = [band(b) for b in range(len(columns))]
    allpairs = np.concatenate([np.zeros((0, 2), dtype=np.int64)] + [p for pairs in found for p in pairs])
    if not len(allpairs):
        return np.zeros((0, 2), dtype=np.int64)
    n = np.int64(len(band_keys))
    code = np.unique(allpairs[:, 0] * n + allpairs[:, 1])
    return np.stack([code // n, code % n], axis=1)


_GATHER = 4096  # documents' keys concatenated at a time while gathering the columns


def _band_pairs(keys: np.ndarray, docs: np.ndarray, max_bucket: int) -> list[np.ndarray]:
    """Pairs of documents sharing a key in one band's column of keys."""
    # Most keys are held by one window alone. The others are found by sorting the key
    # values only (numpy's vectorised sort, several times faster than an argsort), then
    # marked in a bit table by their low bits: the windows whose key hits the table are
    # a few percent, and the few that hit it by chance form buckets of one, giving no pair.
    sorted_keys = np.sort(keys)
    repeated = sorted_keys[1:][sorted_keys[1:] == sorted_keys[:-1]]
    if not len(repeated):
        return []
    mask = np.uint64((1 << min(max(len(repeated) * 16, 1 << 16).bit_length(), 26)) - 1)
    table = np.zeros(int(mask) + 1, dtype=bool)
    table[repeated & mask] = True
    maybe = np.flatnonzero(table[keys & mask])
    keys, docs = keys[maybe], docs[maybe].astype(np.int64)
    by_doc = np.lexsort((docs, keys))  # documents ascending within a key
    keys, docs = keys[by_doc], docs[by_doc]
    keep = np.ones(len(keys), dtype=bool)
    keep[1:] = (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])
    keys, docs = keys[keep], docs[keep]
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    lengths = np.diff(np.append(starts, len(keys)))
    pairs = []
    for size in np.unique(lengths[(lengths > 1) & (lengths <= max_bucket)]).tolist():
        # all buckets of one size at once: the same pattern of pairs from each one's start
        first = starts[lengths == size][:, None]
        i, j = np.triu_indices(size, k=1)
        pairs.append(np.stack([docs[first + i].ravel(), docs[first + j].ravel()], axis=1))
    pairs += [_bucket_pairs(docs[s : s + n], max_bucket) for s, n in zip(starts[lengths > max_bucket], lengths[lengths > max_bucket])]
    return pairs


def _bucket_pairs(members: np.ndarray, max_bucket: int) -> np.ndarray:
    """All pairs of a bucket (members sorted ascending), or star + chain if it is huge."""
    if len(members) <= max_bucket:
        i, j = np.triu_indices(len(members), k=1)
        return np.stack([members[i], members[j]], axis=1)
    star = np.stack([np.full(len(members) - 1, members[0]), members[1:]], axis=1)
    chain = np.stack([members[1:-1], members[2:]], axis=1)
    return np.concatenate([star, chain])
