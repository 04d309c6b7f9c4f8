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

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from urllib.parse import urlsplit

import numpy as np

from . import _native
from .sign import distinct

DEFAULT_MAX_BUCKET = 200


def candidate_pairs(band_keys: Sequence[np.ndarray], *, max_bucket: int = DEFAULT_MAX_BUCKET) -> np.ndarray:
    """Return the sorted unique (i, j), i < j, of documents sharing a band key.

    Args:
        band_keys: per document, its (windows, bands) array of uint64 keys; the
            position in the sequence is the document's index.
        max_bucket: buckets with more documents are linked as star + chain.
    """
    windows = np.array([len(k) for k in band_keys], dtype=np.int64)
    if windows.sum() == 0:
        return np.zeros((0, 2), dtype=np.int64)
    # The keys band by band (rows: contiguous), a part of the documents at a time: no second copy.
    columns = np.empty((band_keys[0].shape[1], int(windows.sum())), dtype=np.uint64)
    at = 0
    for start in range(0, len(band_keys), _GATHER):
        part = np.concatenate(band_keys[start : start + _GATHER])
        columns[:, at : at + len(part)] = part.T
        at += len(part)
    return banded_candidate_pairs([columns], windows, max_bucket=max_bucket)


def banded_candidate_pairs(
    blocks: Sequence[np.ndarray], windows: np.ndarray, *, max_bucket: int = DEFAULT_MAX_BUCKET,
    map_bands: Callable[[Callable, range], Iterable] = map,
) -> np.ndarray:
    """:func:`candidate_pairs` of keys held band by band: the same pairs.

    Args:
        blocks: arrays of shape (bands, n) holding the keys of consecutive documents'
            windows, one row per band, in document order (the keys a scan receives
            from its workers a batch at a time, kept so: no copy of them all is made).
        windows: each document's number of windows (its columns in the blocks).
        max_bucket: as for :func:`candidate_pairs`.
        map_bands: how the bands are mapped to their pairs (``map(fn, bands)``, or a
            parallel map whose results may come in any order:
            :meth:`dedup.engines.pool.Pool.thread_map`).

    >>> keys = [np.array([[1, 2]], dtype=np.uint64), np.array([[3, 2]], dtype=np.uint64), np.array([[9, 8]], dtype=np.uint64)]
    >>> banded_candidate_pairs([np.concatenate(keys[:2]).T, keys[2].T], np.array([1, 1, 1])).tolist()
    [[0, 1]]
    """
    windows = np.asarray(windows, dtype=np.int64)
    if sum(b.shape[1] for b in blocks) != windows.sum():
        raise ValueError(f"the blocks hold {sum(b.shape[1] for b in blocks)} windows, the counts say {windows.sum()}")
    blocks = [b for b in blocks if b.shape[1]]
    if not blocks:
        return np.zeros((0, 2), dtype=np.int64)
    docs = np.repeat(np.arange(len(windows), dtype=np.int32), windows)

    # One band at a time: the keys of different bands are salted apart, so grouping each
    # band's row on its own finds the same buckets as grouping all keys at once, with
    # the sort's working memory one band's worth instead of all of them.
    fast = _native.speedups
    # (C-ordered 64-bit keys for the compiled path: a scan's blocks are, and are not copied)
    rows = [np.ascontiguousarray(k, dtype=np.uint64) for k in blocks] if fast is not None else []

    n = np.int64(len(windows))

    def band(b: int) -> np.ndarray:
        if fast is not None:  # in C, a partitioned hash join, no interpreter lock: 29 -> 10 ms a band at 10^5 documents
            # each pair once, by a table in C: a pair shares keys in many windows and bands (at
            # 10^5 documents 1.7 million pairs found, 31,011 distinct: sorted all, 0.15 s on one thread)
            return _distinct_codes(fast, fast.band_pairs(rows, b, docs, max_bucket), n)
        pairs = _band_pairs(blocks[0][b] if len(blocks) == 1 else np.concatenate([k[b] for k in blocks]), docs, max_bucket)
        return np.concatenate([np.zeros(0, dtype=np.int64)] + [p[:, 0] * n + p[:, 1] for p in pairs])

    found = list(map_bands(band, range(len(blocks[0]))))  # in any order: the pairs are sorted below
    every = np.concatenate([np.zeros(0, dtype=np.int64), *found])
    if not len(every):
        return np.zeros((0, 2), dtype=np.int64)
    code = np.sort(_distinct_codes(fast, every)) if fast is not None else distinct(np.sort(every))
    return np.stack([code // n, code % n], axis=1)


def _distinct_codes(fast, pairs: np.ndarray, n: np.int64 | None = None) -> np.ndarray:
    """The distinct codes ``i * n + j`` of pairs (an (m, 2) array; or the codes, without ``n``), in
    order of first occurrence: numbered by a table in the compiled module (``fast``)."""
    codes = np.ascontiguousarray(pairs[:, 0] * n + pairs[:, 1] if n is not None else pairs, dtype=np.int64)
    first, _ = fast.numbered(codes.view(np.uint64))
    return codes[first]


_GATHER = 4096  # documents' keys concatenated at a time while gathering the columns


def _band_pairs(keys: np.ndarray, docs: np.ndarray, max_bucket: int) -> list[np.ndarray]:
    """Pairs of documents sharing a key in one band's column of keys."""
    # Most keys are held by one window alone. The others are found by sorting the keys'
    # high 32 bits only (numpy's vectorised sort, several times faster than an argsort,
    # and twice as fast on 32 bits as on 64), then marked in a bit table by their low bits
    # (of the 32):
    # the windows whose key hits the table are a few percent (equal keys all among them),
    # and the few that hit it by chance form buckets of one, giving no pair.
    high = (keys >> np.uint64(32)).astype(np.uint32)
    sorted_high = np.sort(high)
    repeated = sorted_high[1:][sorted_high[1:] == sorted_high[:-1]]
    if not len(repeated):
        return []
    mask = np.uint32((1 << min(max(len(repeated) * 16, 1 << 16).bit_length(), 26)) - 1)
    table = np.zeros(int(mask) + 1, dtype=bool)
    table[repeated & mask] = True
    maybe = np.flatnonzero(table[high & mask])
    keys, docs = keys[maybe], docs[maybe].astype(np.int64)
    # Grouped by key, each (key, document) once, documents ascending within a key: the keys
    # sorted (numpy's vectorised argsort, not stable), each numbered by its rank, and the
    # (rank, document) codes sorted in turn (a lexsort of keys and documents took 3.6x as long)
    by_key = np.argsort(keys)
    sorted_keys = keys[by_key]
    rank = np.cumsum(np.concatenate(([0], sorted_keys[1:] != sorted_keys[:-1])))
    n = np.int64(docs.max()) + 1
    code = distinct(np.sort(rank * n + docs[by_key]))
    group, docs = code // n, code % n
    starts = np.flatnonzero(np.concatenate(([True], group[1:] != group[:-1])))
    lengths = np.diff(np.append(starts, len(docs)))
    # every pair of every bucket of up to max_bucket documents at once: each document paired with
    # those after it in its bucket (numpy calls of the number of pairs, not of the bucket sizes)
    size = np.repeat(np.where(lengths <= max_bucket, lengths, 0), lengths)  # its bucket's size (0: a huge one)
    later = np.maximum(size - (np.arange(len(docs)) - np.repeat(starts, lengths)) - 1, 0)  # documents after it
    first = np.repeat(np.arange(len(docs)), later)
    second = first + np.arange(len(first)) - np.repeat(np.cumsum(later) - later, later) + 1
    pairs = [np.stack([docs[first], docs[second]], axis=1)]
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


# --- pair filters: which candidate pairs a scan verifies at all ---------------------------


def outlet_name(source: str | None, url: str | None) -> str | None:
    """The outlet a document comes from, as written: its ``source`` (spacing collapsed), else
    its URL's host without ``www.``, else None.

    >>> outlet_name(" The  Times ", None), outlet_name(None, "https://www.bbc.co.uk/news/1"), outlet_name(None, "x")
    ('The Times', 'bbc.co.uk', None)
    """
    if source and source.strip():
        return " ".join(source.split())
    if url:
        try:
            host = urlsplit(url.strip()).hostname
        except ValueError:  # a malformed URL (an unclosed [ in the host, say)
            return None
        if host:
            return host.removeprefix("www.")
    return None


def outlet(source: str | None, url: str | None) -> str | None:
    """The outlet a document comes from, as a key: :func:`outlet_name` folded (None: unknown,
    never the same outlet as another).

    >>> outlet(" Reuters ", None), outlet(None, "https://www.bbc.co.uk/news/1"), outlet(None, "not a url")
    ('reuters', 'bbc.co.uk', None)
    """
    name = outlet_name(source, url)
    return name.casefold() if name else None


def published_moment(published: str | None) -> datetime | None:
    """An ISO 8601 date or time as an aware datetime (UTC when it names no zone), or None.

    >>> published_moment("2023-03-14T10:00:00+02:00").hour, published_moment("2023-03-14Z").tzinfo, published_moment("14 March")
    (10, datetime.timezone.utc, None)
    """
    if not published:
        return None
    text = published.strip()
    try:  # Python 3.10 reads no "Z" for UTC
        when = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


def published_seconds(published: str | None) -> int | None:
    """Seconds since 1970 of an ISO 8601 date or time (UTC when it names no zone), or None
    when there is none or it is not ISO 8601.

    >>> published_seconds("1970-01-02"), published_seconds("1970-01-01T01:00:00+01:00"), published_seconds("1970-01-01T00:01:00Z")
    (86400, 0, 60)
    >>> published_seconds("soon"), published_seconds(None)
    (None, None)
    """
    when = published_moment(published)
    return None if when is None else int(when.timestamp() // 1)


def keep_pair(outlet_a: str | None, outlet_b: str | None, seconds_a: int | None, seconds_b: int | None, *,
              ignore_same_source: bool = False, max_days: int | None = None) -> bool:
    """Whether a candidate pair is verified under the pair filters (every engine's rule).

    ``ignore_same_source``: two articles of one outlet (:func:`outlet`) are never a pair:
    an outlet reusing its own archive is not syndication. ``max_days``: two articles
    published more than that many days apart (:func:`published_seconds`) are never a
    pair. An unknown outlet or date never removes a pair.

    >>> keep_pair("ap", "ap", None, None, ignore_same_source=True), keep_pair(None, None, 0, 86400 * 3, max_days=2)
    (False, False)
    >>> keep_pair("ap", None, 0, None, ignore_same_source=True, max_days=2)
    True
    """
    if ignore_same_source and outlet_a is not None and outlet_a == outlet_b:
        return False
    if max_days is not None and seconds_a is not None and seconds_b is not None:
        return abs(seconds_a - seconds_b) <= max_days * 86400
    return True


def filter_pairs(pairs: np.ndarray, outlets: Sequence[str | None], seconds: Sequence[int | None], *,
                 ignore_same_source: bool = False, max_days: int | None = None) -> np.ndarray:
    """The candidate pairs (i, j) that :func:`keep_pair` keeps, in order; ``outlets`` and
    ``seconds`` by document index.

    >>> filter_pairs(np.array([[0, 1], [0, 2]]), ["ap", "ap", "afp"], [None] * 3, ignore_same_source=True).tolist()
    [[0, 2]]
    """
    if not ignore_same_source and max_days is None:
        return pairs
    keep = [keep_pair(outlets[i], outlets[j], seconds[i], seconds[j], ignore_same_source=ignore_same_source,
                      max_days=max_days) for i, j in pairs.tolist()]
    return pairs[np.array(keep, dtype=bool)] if len(pairs) else pairs
