"""Sign: word shingles, MinHash signatures and passage band keys, vectorised with numpy.

Everything here is a pure function of (words, settings): any engine (the local
process pool, Spark executors) calls it unchanged and gets identical bits.

Hashing is done in bulk, never a Python call per shingle:

1. each word is hashed from its UTF-32 code points (a polynomial over the columns of
   the numpy unicode array, finished with the MurmurHash3 64-bit mixer);
2. each shingle of ``shingle_size`` consecutive words combines its words' hashes
   with fixed odd multipliers (order matters) and is mixed again;
3. MinHash uses datasketch's own ``affine32`` permutations (its ``MinHash(num_perm,
   seed).permutations``): the 32-bit shingle hash is mixed with MurmurHash3's 32-bit
   finaliser and permuted as ``a*h + b mod 2^32``, for all permutations and shingles in
   one matrix. The result equals ``datasketch.MinHash.update_batch`` over the same
   32-bit hashes (tested), so signatures interoperate with datasketch.

Candidate generation needs containment, not just Jaccard, so besides the whole-document
MinHash each document gets *passages*: windows of ``passage_words`` words anchored at
each sentence start. Their MinHashes are the column-minima of the same permuted matrix
over the window's shingles (``np.minimum.reduceat``), so passages cost almost nothing
extra. Each passage MinHash is cut into ``bands`` bands of ``rows`` rows and every band
becomes one 64-bit key (MMDS ch. 3.4): two documents sharing any key are candidates.

>>> from dedup.tokens import analyse
>>> s = sign(analyse(["The quick brown fox jumps over the lazy dog. It ran away."]), num_perm=32)
>>> s.minhash.shape, s.band_keys.shape[1] > 0
((32,), True)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import _native
from .settings import lsh_params
from .tokens import Spans, Words, hashed_parts, spans_parts

_U64 = np.uint64
_MAX32 = np.uint32(0xFFFFFFFF)
# Polynomial base for word hashing (the 64-bit FNV prime: odd, well spread).
_WORD_BASE = _U64(0x100000001B3)
# Odd multipliers for the words of a shingle and the rows of a band (digits of pi and e,
# forced odd): any distinct odd constants work, fixed so hashes never change.
_POSITION = np.array(
    [0x243F6A8885A308D3, 0x13198A2E03707345, 0xA4093822299F31D1, 0x082EFA98EC4E6C89,
     0x452821E638D01377, 0xBE5466CF34E90C6D, 0xC0AC29B7C97C50DD, 0x3F84D5B5B5470917,
     0x9216D5D98979FB1B, 0xD1310BA698DFB5AD, 0xB8E1AFED6A267E97, 0x2FFD72DBD01ADFB7,
     0xB7E151628AED2A6B, 0x8AED2A6ABF715881, 0x5A827999FCEF3243, 0x6ED9EBA14A6F1D87],
    dtype=_U64,
)
_BAND_SALT = _U64(0x9E3779B97F4A7C15)  # golden ratio: separates band i's keys from band j's


def _fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser, element-wise (multiplication wraps mod 2^64)."""
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> _U64(33))


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, element-wise (the pre-mix datasketch applies)."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def word_hashes(words: np.ndarray) -> np.ndarray:
    """Return a 64-bit hash per word, computed over the code-point matrix in one pass.

    The hash of a word does not depend on the other words in the array.

    >>> a = word_hashes(np.array(["peace", "treaty"]))
    >>> b = word_hashes(np.array(["treaty", "x", "peace"]))
    >>> bool(a[0] == b[2] and a[1] == b[0])
    True
    """
    if words.size == 0:
        return np.zeros(0, dtype=_U64)
    if words.dtype.kind == "T":  # numpy's variable-width strings (a long body's words)
        words = np.array(words.tolist(), dtype=str)
    elif words.dtype.kind != "U":
        words = words.astype(str)
    codes = np.ascontiguousarray(words).view(np.uint32).reshape(len(words), -1)
    h = np.zeros(len(words), dtype=_U64)
    for j in range(codes.shape[1]):  # a column at a time: no 64-bit copy of the whole matrix
        column = codes[:, j].astype(_U64)
        # padding code points are 0 and must not change the hash (arrays differ in width)
        h = np.where(column != 0, h * _WORD_BASE + column, h)
    return _fmix64(h)


def span_hashes(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Return :func:`word_hashes` of the words ``codes[starts[k]:ends[k]]`` (code points),
    without building the words, from prefix sums over all the code points at once.

    With B the base and I its inverse mod 2^64 (B is odd), ``Q[i] = sum(codes[k] *
    I^(k+1) for k < i)`` gives each word's polynomial ``sum(codes[k] * B^(e-1-k) for s <=
    k < e) = B^e * (Q[e] - Q[s])``: one cumulative sum and three gathers, where weighting
    each code point by its place in its word took twice as long.

    >>> codes = np.frombuffer("peace treaty".encode("utf-32-le"), dtype=np.uint32)
    >>> bool((span_hashes(codes, np.array([0, 6]), np.array([5, 12])) == word_hashes(np.array(["peace", "treaty"]))).all())
    True
    """
    if len(starts) == 0:
        return np.zeros(0, dtype=_U64)
    fast = _native.speedups
    if fast is not None:  # Horner's rule word by word in C: the same values
        return fast.span_hashes(codes, _int64(starts), _int64(ends), _WORD_BASE)
    n = int(ends.max())
    weights = np.full(n, _WORD_BASE_INVERSE, dtype=_U64)
    np.multiply.accumulate(weights, out=weights)  # I^(k+1) at k (products wrap mod 2^64)
    weights *= codes[:n]
    prefix = np.zeros(n + 1, dtype=_U64)
    np.cumsum(weights, out=prefix[1:])
    del weights
    powers = np.full(n + 1, _WORD_BASE, dtype=_U64)
    powers[0] = 1
    np.multiply.accumulate(powers, out=powers)  # B^e at e
    return _fmix64((prefix[ends] - prefix[starts]) * powers[ends])


_WORD_BASE_INVERSE = _U64(pow(int(_WORD_BASE), -1, 1 << 64))


def _int64(x: np.ndarray) -> np.ndarray:
    """``x`` as a contiguous int64 array (what the compiled functions take), copied only if need be."""
    return np.ascontiguousarray(x, dtype=np.int64)


def shingle_hashes(word_hash: np.ndarray, *, shingle_size: int = 5) -> np.ndarray:
    """Return the 64-bit hash of every run of ``shingle_size`` consecutive words.

    A text shorter than one shingle gives a single shingle of all its words; an empty
    text gives none.

    >>> h = word_hashes(np.array("a b c d e f".split()))
    >>> len(shingle_hashes(h, shingle_size=5)), len(shingle_hashes(h[:3], shingle_size=5))
    (2, 1)
    """
    n = len(word_hash)
    if n == 0:
        return np.zeros(0, dtype=_U64)
    k = min(shingle_size, n)
    count = n - k + 1
    # _SHINGLE_STEP shingles at a time, in place: the shingles and a step's worth of
    # working memory, where whole arrays at each operation took five times the shingles
    out = np.empty(count, dtype=_U64)
    term = np.empty(min(count, _SHINGLE_STEP), dtype=_U64)
    for start in range(0, count, _SHINGLE_STEP):
        stop = min(start + _SHINGLE_STEP, count)
        acc, spare = out[start:stop], term[: stop - start]
        np.multiply(word_hash[start:stop], _POSITION[0], out=acc)
        for j in range(1, k):
            acc += np.multiply(word_hash[start + j : stop + j], _POSITION[j % len(_POSITION)], out=spare)
        acc ^= _U64(k)
        _fmix64_inplace(acc, spare)
    return out


_SHINGLE_STEP = 1 << 16


def _fmix64_inplace(h: np.ndarray, spare: np.ndarray) -> np.ndarray:
    """:func:`_fmix64` of ``h`` into ``h`` itself (``spare``: an array of its size to work in)."""
    for multiplier in (_U64(0xFF51AFD7ED558CCD), _U64(0xC4CEB9FE1A85EC53)):
        h ^= np.right_shift(h, _U64(33), out=spare)
        h *= multiplier
    h ^= np.right_shift(h, _U64(33), out=spare)
    return h


def distinct(ordered: np.ndarray) -> np.ndarray:
    """The distinct values of a sorted array: ``np.unique`` of it without sorting it
    again (on the 10^4-10^5 hashes of a batch, numpy 2's ``np.unique``, which builds a
    hash table and then sorts, takes 10-25 times as long as sorting and this).

    >>> distinct(np.array([1, 1, 2, 5, 5, 5])).tolist()
    [1, 2, 5]
    """
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


@lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return datasketch's affine32 permutation parameters (a, b) for (num_perm, seed).

    Drawn exactly as datasketch 2 draws them (numpy ``RandomState(seed)``: odd ``a``
    below 2^32, then ``b`` below 2^32), so signatures interoperate with
    ``datasketch.MinHash(scheme="affine32")``; a test compares them. Computed here
    rather than read from a datasketch object because importing datasketch costs
    most of a second, paid again by every worker process.

    >>> a, b = permutations(4, 1)
    >>> a.dtype, len(b), bool((a % 2 == 1).all())
    (dtype('uint32'), 4, True)
    """
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def permuted(shingles: np.ndarray, *, num_perm: int = 128, seed: int = 1) -> np.ndarray:
    """Return the (num_perm, n_shingles) matrix of permuted 32-bit shingle hashes."""
    a, b = permutations(num_perm, seed)
    hv = _fmix32((shingles >> _U64(32)).astype(np.uint32))
    return a[:, None] * hv[None, :] + b[:, None]


def minhash(shingles: np.ndarray, *, num_perm: int = 128, seed: int = 1) -> np.ndarray:
    """Return the MinHash signature (uint32, length num_perm) of a set of shingle hashes.

    Equal to datasketch ``MinHash(num_perm, seed).update_batch`` over the upper 32 bits
    of the shingle hashes. An empty set gives the all-max signature, as in datasketch.

    >>> sig = minhash(np.array([1 << 40, 7 << 40], dtype=np.uint64), num_perm=8)
    >>> sig.dtype, len(sig)
    (dtype('uint32'), 8)
    """
    if len(shingles) == 0:
        return np.full(num_perm, _MAX32, dtype=np.uint32)
    return permuted(shingles, num_perm=num_perm, seed=seed).min(axis=1)


def passage_windows(sentence_start: np.ndarray, n_shingles: int, *, passage_words: int = 30, shingle_size: int = 5) -> np.ndarray:
    """Return (start, end) shingle ranges of the passage windows of a document.

    A window starts at every sentence start and spans ``passage_words`` words; windows
    that would run past the end are pulled back so each has full length (short windows
    of a closing sentence would match too easily). A document shorter than one window
    gives a single window over all of it.

    >>> starts = np.zeros(40, dtype=bool); starts[[0, 12, 38]] = True
    >>> passage_windows(starts, 36, passage_words=30, shingle_size=5).tolist()
    [[0, 26], [10, 36]]
    """
    if n_shingles == 0:
        return np.zeros((0, 2), dtype=np.int64)
    width = max(1, passage_words - shingle_size + 1)
    if n_shingles <= width:
        return np.array([[0, n_shingles]], dtype=np.int64)
    anchors = np.flatnonzero(sentence_start)
    anchors = anchors[anchors < n_shingles]
    starts = np.unique(np.minimum(np.concatenate(([0], anchors)), n_shingles - width))
    return np.stack([starts, np.minimum(starts + width, n_shingles)], axis=1)


def band_keys(signatures: np.ndarray, *, bands: int, rows: int) -> np.ndarray:
    """Return one 64-bit key per (signature, band): the LSH buckets of each signature.

    >>> sig = np.arange(16, dtype=np.uint32).reshape(2, 8)
    >>> band_keys(sig, bands=4, rows=2).shape
    (2, 4)
    """
    n = signatures.shape[0]
    cut = signatures[:, : bands * rows].astype(_U64).reshape(n, bands, rows)
    acc = np.zeros((n, bands), dtype=_U64)
    for r in range(rows):
        acc = acc + cut[:, :, r] * _POSITION[r % len(_POSITION)]
    salt = (np.arange(bands, dtype=_U64) + _U64(1)) * _BAND_SALT
    return _fmix64(acc ^ salt[None, :])


@dataclass(frozen=True, slots=True)
class Signature:
    """The signatures of one document.

    Attributes:
        minhash: whole-document MinHash (uint32, num_perm values).
        windows: (n, 2) shingle ranges [start, end) of the passage windows.
        band_keys: (n, bands) uint64 LSH keys of each passage window.

    >>> from dedup import prepare, Document
    >>> len(prepare(Document("a", "Talks resumed on Monday in the capital.")).signature.minhash)
    128
    """

    minhash: np.ndarray
    windows: np.ndarray
    band_keys: np.ndarray

    def to_datasketch(self, *, seed: int = 1):
        """Return the document MinHash as a ``datasketch.MinHash`` (scheme affine32)."""
        from datasketch import MinHash

        return MinHash(seed=seed, hashvalues=self.minhash, scheme="affine32")


@dataclass(frozen=True, slots=True)
class SignedBatch:
    """The signatures of a batch of documents as four arrays, as they are made and as a worker
    hands them over (a numpy array pickles in microseconds whatever its size; a document's
    :class:`Signature` is views of them, :meth:`signatures`).

    Attributes:
        minhashes: (documents, num_perm) uint32, a document's MinHash a row.
        windows: (n, 2) passage windows, all documents' one after another.
        window_counts: (documents,) int64, each document's number of windows.
        band_keys: (n, bands) uint64, each window's band keys.

    >>> from dedup.tokens import analyse
    >>> batch = SignedBatch.of([sign(analyse(["One two three four five six."]), num_perm=8)] * 2)
    >>> batch.minhashes.shape, batch.window_counts.tolist(), len(batch.signatures())
    ((2, 8), [1, 1], 2)
    """

    minhashes: np.ndarray
    windows: np.ndarray
    window_counts: np.ndarray
    band_keys: np.ndarray

    @classmethod
    def of(cls, signatures: Sequence[Signature]) -> SignedBatch:
        """The arrays of some signatures (at least one)."""
        return cls(np.stack([g.minhash for g in signatures]), np.concatenate([g.windows for g in signatures]),
                   np.array([len(g.windows) for g in signatures], dtype=np.int64),
                   np.concatenate([g.band_keys for g in signatures]))

    def signatures(self) -> list[Signature]:
        """Each document's :class:`Signature` (views of the arrays)."""
        out, start = [], 0
        windows, keys = self.windows, self.band_keys
        for minhash, end in zip(self.minhashes, np.cumsum(self.window_counts).tolist()):
            out.append(Signature(minhash, windows[start:end], keys[start:end]))
            start = end
        return out


def sign(
    words: Words,
    *,
    shingles: np.ndarray | None = None,
    shingle_size: int = 5,
    num_perm: int = 128,
    seed: int = 1,
    passage_words: int = 30,
    passage_threshold: float = 0.5,
) -> Signature:
    """Compute a document's MinHash and the LSH band keys of its passage windows.

    Args:
        words: the analysed body (:func:`dedup.tokens.analyse`).
        shingles: the shingle hashes if already computed (from :func:`shingle_hashes`).
    """
    if shingles is None:
        shingles = shingle_hashes(word_hashes(words.words), shingle_size=shingle_size)
    windows = passage_windows(words.sentence_start, len(shingles), passage_words=passage_words, shingle_size=shingle_size)
    return _signatures([shingles], [windows], num_perm=num_perm, seed=seed, passage_threshold=passage_threshold)[0]


def sign_many(
    words_list: Sequence[Words],
    *,
    shingle_size: int = 5,
    num_perm: int = 128,
    seed: int = 1,
    passage_words: int = 30,
    passage_threshold: float = 0.5,
) -> list[tuple[np.ndarray, Signature]]:
    """Shingle and sign many documents at once: (shingle hashes, signature) per document.

    The same bits as :func:`shingle_hashes` and :func:`sign` document by document (tested),
    but every step is one numpy operation over the whole batch, so the per-call overhead
    of numpy is paid once per batch instead of once per document.

    >>> from dedup.tokens import analyse
    >>> docs = [analyse(["One two three four five six. Seven eight nine."]), analyse(["Ten."])]
    >>> [(len(sh), s.band_keys.shape[0]) for sh, s in sign_many(docs)]
    [(5, 1), (1, 1)]
    """
    if not words_list:
        return []
    lengths = np.array([len(w) for w in words_list], dtype=np.int64)
    hashes = word_hashes(np.concatenate([w.words for w in words_list])) if lengths.sum() else np.zeros(0, dtype=_U64)
    return _sign_hashed(
        hashes, np.concatenate([w.sentence_start for w in words_list]), lengths, shingle_size=shingle_size,
        num_perm=num_perm, seed=seed, passage_words=passage_words, passage_threshold=passage_threshold,
    )


def sign_spans(
    spans: Spans,
    *,
    shingle_size: int = 5,
    num_perm: int = 128,
    seed: int = 1,
    passage_words: int = 30,
    passage_threshold: float = 0.5,
) -> list[tuple[np.ndarray, Signature]]:
    """:func:`sign_many` of a batch tokenised by :func:`dedup.tokens.spans_many`: the same
    bits, with the words hashed straight from their code points (:func:`span_hashes`).

    >>> from dedup.tokens import spans_many
    >>> [(len(sh), s.band_keys.shape[0]) for sh, s in sign_spans(spans_many([["One two three four five six."], ["Ten."]]))]
    [(2, 1), (1, 1)]
    """
    if not len(spans.counts):
        return []
    return _sign_hashed(
        span_hashes(spans.codes, spans.starts, spans.ends), spans.sentence_start, spans.counts,
        shingle_size=shingle_size, num_perm=num_perm, seed=seed, passage_words=passage_words,
        passage_threshold=passage_threshold,
    )


def body_hashes(bodies: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The words of a batch of bodies as :func:`sign_hashes` takes them: (each word's
    :func:`span_hashes`, whether it starts a sentence, each body's word count), the bodies
    tokenised a part at a time (:func:`dedup.tokens.spans_parts`), so that the working memory
    is a part's, whatever the batch or the longest body: the batch's words take 9 bytes each.

    >>> hashes, starts, counts = body_hashes([["One two. Three."], ["Four."]])
    >>> len(hashes), starts.tolist(), counts.tolist()
    (4, [True, False, True, True], [3, 1])
    """
    hashes, starts, counts = [np.zeros(0, dtype=_U64)], [np.zeros(0, dtype=bool)], np.zeros(len(bodies), dtype=np.int64)
    for owners, (found, sentence_start, piece_counts) in _hashed_parts(bodies):
        hashes.append(found)
        starts.append(sentence_start)
        np.add.at(counts, owners, piece_counts)
    return np.concatenate(hashes), np.concatenate(starts), counts


def _hashed_parts(bodies: Sequence[Sequence[str]]) -> Iterator[tuple[list[int], tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """The bodies a part at a time (:func:`dedup.tokens.spans_parts`): (owners, (each word's
    :func:`span_hashes`, whether it starts a sentence, each piece's number of words))."""
    if _native.speedups is not None:  # the words hashed as they are found, in one pass in C
        yield from hashed_parts(bodies, int(_WORD_BASE))
        return
    for part in spans_parts(bodies):
        spans = part.spans
        yield part.owners, (span_hashes(spans.codes, spans.starts, spans.ends), spans.sentence_start, spans.counts)


def long_body_hashes(paragraphs: Sequence[str], count: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`body_hashes` of one body longer than a part, of ``count`` words
    (:func:`dedup.tokens.long_word_counts`): (hashes, sentence starts), laid out in place a
    part at a time, so that no part's arrays are kept until all are made (the memory of
    those freed would not go back to the system, in between others kept).

    >>> body = ["One two.", "Three four."]
    >>> [x.tolist() for x in long_body_hashes(body, 4)] == [x.tolist() for x in body_hashes([body])[:2]]
    True
    """
    hashes, starts, at = np.empty(count, dtype=_U64), np.empty(count, dtype=bool), 0
    for _, (found, sentence_start, _) in _hashed_parts([paragraphs]):
        n = len(found)
        hashes[at : at + n] = found
        starts[at : at + n] = sentence_start
        at += n
    return hashes, starts


def sign_hashes(
    hashes: np.ndarray,
    sentence_start: np.ndarray,
    counts: np.ndarray,
    *,
    shingle_size: int = 5,
    num_perm: int = 128,
    seed: int = 1,
    passage_words: int = 30,
    passage_threshold: float = 0.5,
) -> list[Signature]:
    """:func:`sign_spans` of a batch's words given as :func:`body_hashes` gives them: the
    same signatures.

    >>> [s.band_keys.shape[0] for s in sign_hashes(*body_hashes([["One two three four five six."], ["Ten."]]))]
    [1, 1]
    """
    if not len(counts):
        return []
    return sign_batch(hashes, sentence_start, counts, shingle_size=shingle_size, num_perm=num_perm, seed=seed,
                      passage_words=passage_words, passage_threshold=passage_threshold).signatures()


def sign_batch(hashes: np.ndarray, sentence_start: np.ndarray, counts: np.ndarray, **knobs) -> SignedBatch:
    """:func:`sign_hashes` of a batch (at least one document) as one :class:`SignedBatch`
    (the knobs: those of :func:`sign_hashes`)."""
    knobs = {**_SIGN_DEFAULTS, **knobs}
    if _native.speedups is not None:
        return _signed_compiled(hashes, sentence_start, counts, **knobs)[2]
    return SignedBatch.of([sig for _, sig in _sign_hashed(hashes, sentence_start, counts, **knobs)])


_SIGN_DEFAULTS = {"shingle_size": 5, "num_perm": 128, "seed": 1, "passage_words": 30, "passage_threshold": 0.5}


def shingles_many(hashes: np.ndarray, lengths: Sequence[int], *, shingle_size: int = 5) -> list[np.ndarray]:
    """:func:`shingle_hashes` of many documents whose word hashes lie one after another
    (``lengths`` words each), in one pass over all of them.

    >>> h = word_hashes(np.array("a b c d e f g".split()))
    >>> [len(s) for s in shingles_many(h, [6, 1, 0], shingle_size=5)]
    [2, 1, 0]
    """
    counts = np.asarray(lengths, dtype=np.int64)
    fast = _native.speedups
    if fast is not None:  # one pass in C, a document at a time: the same shingles
        every, sizes = fast.shingles(np.ascontiguousarray(hashes, dtype=_U64), counts, shingle_size, _POSITION)
        cuts = np.concatenate(([0], np.cumsum(sizes))).tolist()
        return [every[i:j] for i, j in zip(cuts, cuts[1:])]
    offsets = np.concatenate(([0], np.cumsum(counts)))
    every = shingle_hashes(hashes, shingle_size=shingle_size) if offsets[-1] >= shingle_size else np.zeros(0, dtype=_U64)
    shingles_list = []
    for d, n in enumerate(counts.tolist()):
        start = int(offsets[d])
        if n >= shingle_size:
            shingles_list.append(every[start : start + n - shingle_size + 1])
        else:  # shorter than one shingle: one shingle of all its words (or none)
            shingles_list.append(shingle_hashes(hashes[start : start + n], shingle_size=shingle_size))
    return shingles_list


def _sign_hashed(hashes, sentence_start, lengths, *, shingle_size, num_perm, seed, passage_words, passage_threshold):
    """Shingles and signatures of a batch from its word hashes (all documents one after another)."""
    if _native.speedups is not None:
        return _sign_compiled(hashes, sentence_start, lengths, shingle_size=shingle_size, num_perm=num_perm, seed=seed,
                              passage_words=passage_words, passage_threshold=passage_threshold)
    shingles_list = shingles_many(hashes, lengths, shingle_size=shingle_size)
    windows_list = _passage_windows_many(
        sentence_start, lengths, [len(sh) for sh in shingles_list],
        passage_words=passage_words, shingle_size=shingle_size,
    )
    signatures: list[Signature] = []
    for start, end in _batches([len(sh) for sh in shingles_list], _BATCH_SHINGLES):
        signatures += _signatures(shingles_list[start:end], windows_list[start:end], num_perm=num_perm, seed=seed,
                                  passage_threshold=passage_threshold)
    return list(zip(shingles_list, signatures))


def _sign_compiled(hashes, sentence_start, lengths, **knobs):
    """:func:`_sign_hashed` by the compiled hot path (:func:`_signed_compiled`)."""
    shingles, sizes, batch = _signed_compiled(hashes, sentence_start, lengths, **knobs)
    shingle_cuts = np.concatenate(([0], np.cumsum(sizes))).tolist()
    return [(shingles[i:j], sig) for i, j, sig in zip(shingle_cuts, shingle_cuts[1:], batch.signatures())]


def _signed_compiled(hashes, sentence_start, lengths, *, shingle_size, num_perm, seed, passage_words, passage_threshold):
    """The shingles (all documents' one after another), each document's number of them, and the
    :class:`SignedBatch`, by the compiled hot path (``dedup/_speedups.pyx``): shingles, passage
    windows, MinHashes and band keys each one pass in C, the same bits as the numpy reference."""
    fast = _native.speedups
    counts = np.asarray(lengths, dtype=np.int64)
    shingles, sizes = fast.shingles(np.ascontiguousarray(hashes, dtype=_U64), counts, shingle_size, _POSITION)
    width = max(1, passage_words - shingle_size + 1)
    starts = np.ascontiguousarray(sentence_start, dtype=bool).view(np.uint8)
    windows, window_counts = fast.windows(starts, counts, sizes, width)
    bands, rows = lsh_params(passage_threshold, num_perm)
    a, b = permutations(num_perm, seed)
    minhashes, keys = fast.signatures(shingles, sizes, windows, window_counts, a, b, bands, rows, _POSITION, _BAND_SALT)
    return shingles, sizes, SignedBatch(minhashes, windows, window_counts, keys)


# Shingles per permuted matrix (num_perm x this many uint32: 4 MB at 128 permutations): a
# batch is signed in parts, so memory does not grow with the articles' length, and each
# part's matrix stays in the processor's cache while it is reduced (measured on the real
# corpus: 2^13 about 15% faster than 2^15, and than 2^11).
_BATCH_SHINGLES = 1 << 13


def _batches(sizes: list[int], limit: int) -> list[tuple[int, int]]:
    """Consecutive (start, end) ranges whose sizes add up to at most ``limit`` (at least one item each).

    >>> _batches([3, 3, 3, 9, 1], 6)
    [(0, 2), (2, 3), (3, 4), (4, 5)]
    """
    out, start, total = [], 0, 0
    for k, size in enumerate(sizes):
        if k > start and total + size > limit:
            out.append((start, k))
            start, total = k, 0
        total += size
    if start < len(sizes):
        out.append((start, len(sizes)))
    return out


def _passage_windows_many(sentence_start, word_counts, shingle_counts, *, passage_words: int, shingle_size: int) -> list[np.ndarray]:
    """:func:`passage_windows` of many documents in one pass over the batch (same windows);
    ``sentence_start`` is the flags of all their words, one document after another."""
    shingle_counts = np.asarray(shingle_counts, dtype=np.int64)
    word_counts = np.asarray(word_counts, dtype=np.int64)
    width = max(1, passage_words - shingle_size + 1)
    flags = np.array(sentence_start, dtype=bool)  # a copy: flags are added below
    offsets = np.concatenate(([0], np.cumsum(word_counts)))
    flags[offsets[:-1][word_counts > 0]] = True  # every document has a window at its start
    anchors = np.flatnonzero(flags)
    doc = np.searchsorted(offsets, anchors, side="right") - 1
    local = anchors - offsets[doc]
    keep = local < shingle_counts[doc]
    doc, local = doc[keep], local[keep]
    start = np.minimum(local, np.maximum(shingle_counts[doc] - width, 0))
    # start is non-decreasing within a document: repeated starts (windows pulled back
    # from the end) are neighbours
    first = np.ones(len(start), dtype=bool)
    first[1:] = (doc[1:] != doc[:-1]) | (start[1:] != start[:-1])
    doc, start = doc[first], start[first]
    windows = np.stack([start, np.minimum(start + width, shingle_counts[doc])], axis=1)
    cuts = np.searchsorted(doc, np.arange(len(word_counts) + 1))
    return [windows[cuts[d] : cuts[d + 1]] for d in range(len(word_counts))]


def _signatures(shingles_list, windows_list, *, num_perm: int, seed: int, passage_threshold: float) -> list[Signature]:
    """MinHash and passage band keys of many documents from one permuted matrix (a document
    longer than a batch: :func:`_long_signature`)."""
    if len(shingles_list) == 1 and len(shingles_list[0]) > _BATCH_SHINGLES:
        return [_long_signature(shingles_list[0], windows_list[0], num_perm=num_perm, seed=seed,
                                passage_threshold=passage_threshold)]
    bands, rows = lsh_params(passage_threshold, num_perm)
    counts = np.array([len(sh) for sh in shingles_list], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(counts)))
    total = int(starts[-1])
    a, b = permutations(num_perm, seed)
    # one spare column of max values: reduceat indices may point one past the last shingle
    matrix = np.empty((num_perm, total + 1), dtype=np.uint32)
    if total:
        hv = _fmix32((np.concatenate(shingles_list) >> _U64(32)).astype(np.uint32))
        np.multiply(a[:, None], hv[None, :], out=matrix[:, :total])
        matrix[:, :total] += b[:, None]
    matrix[:, total] = _MAX32
    docs = np.full((len(shingles_list), num_perm), _MAX32, dtype=np.uint32)
    present = np.flatnonzero(counts)
    if len(present):
        docs[present] = np.minimum.reduceat(matrix, starts[present], axis=1).T[: len(present)]
        # reduceat runs each segment to the next index: a doc is followed by the next non-empty one
        # (empty docs have no columns), and the last by the spare column of max values.
    window_counts = [len(w) for w in windows_list]
    if sum(window_counts):
        bounds = np.concatenate([w + starts[d] for d, w in enumerate(windows_list) if len(w)])
        # only the permutations the bands use (bands x rows of them, maybe fewer than num_perm)
        passages = np.minimum.reduceat(matrix[: bands * rows], bounds.ravel(), axis=1)[:, ::2].T
        keys = band_keys(np.ascontiguousarray(passages), bands=bands, rows=rows)
    else:
        keys = np.zeros((0, bands), dtype=_U64)
    out, k = [], 0
    for d, windows in enumerate(windows_list):
        n = window_counts[d]
        out.append(Signature(docs[d], windows, keys[k : k + n]))
        k += n
    return out


def _long_signature(shingles: np.ndarray, windows: np.ndarray, *, num_perm: int, seed: int,
                    passage_threshold: float) -> Signature:
    """:func:`_signatures` of one document longer than a batch, its permuted matrix made
    :data:`_BATCH_SHINGLES` columns at a time: the same bits, in memory that does not grow
    with the document (the whole matrix takes ``4 * num_perm`` bytes a shingle: 5 GB for
    a 50 MB text).

    The MinHash is the minimum of the parts' minima; a passage window belongs to the part
    where it starts, whose matrix runs on to the end of its last window (windows are
    ``passage_words`` long: a few columns more).
    """
    bands, rows = lsh_params(passage_threshold, num_perm)
    a, b = permutations(num_perm, seed)
    n = len(shingles)
    minhash = np.full(num_perm, _MAX32, dtype=np.uint32)
    keys = np.empty((len(windows), bands), dtype=_U64)
    # windows sorted by start (passage_windows): each part's windows are one slice
    cuts = np.searchsorted(windows[:, 0], np.arange(0, n + _BATCH_SHINGLES, _BATCH_SHINGLES)).tolist()
    longest = int((windows[:, 1] - windows[:, 0]).max()) if len(windows) else 0
    matrix = np.empty((num_perm, _BATCH_SHINGLES + longest + 1), dtype=np.uint32)
    for k, start in enumerate(range(0, n, _BATCH_SHINGLES)):
        stop = min(start + _BATCH_SHINGLES, n)
        w0, w1 = cuts[k], cuts[k + 1]
        end = max(stop, int(windows[w1 - 1, 1])) if w1 > w0 else stop  # the last window's end
        width = end - start
        hv = _fmix32((shingles[start:end] >> _U64(32)).astype(np.uint32))
        part = matrix[:, : width + 1]  # one spare column of max values, as in _signatures
        np.multiply(a[:, None], hv[None, :], out=part[:, :width])
        part[:, :width] += b[:, None]
        part[:, width] = _MAX32
        np.minimum(minhash, part[:, : stop - start].min(axis=1), out=minhash)
        if w1 > w0:
            bounds = windows[w0:w1] - start
            passages = np.minimum.reduceat(part[: bands * rows], bounds.ravel(), axis=1)[:, ::2].T
            keys[w0:w1] = band_keys(np.ascontiguousarray(passages), bands=bands, rows=rows)
    return Signature(minhash, windows, keys)
