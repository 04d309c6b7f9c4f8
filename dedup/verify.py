"""Verify: exact scores and a verdict for a candidate pair.

For two documents' words and shingle hashes this computes, exactly (no sketches):

- Jaccard of the shingle sets and containment both ways;
- the *shared passages*: maximal runs of at least ``min_run_words`` words found in
  both texts, in any order (seeded by shared shingles, extended along diagonals), chosen
  greedily longest-first without overlap, so each word is counted once on each side;
- how many shared words lie inside quotation marks in both texts;
- *conflicts*: numbers that one text replaces by another number within otherwise
  equal wording (``1.5 billion`` vs ``2.5 billion``), the mark of a templated story.

The verdict, from those scores (thresholds are settings):

``duplicate``
    both texts are almost wholly shared (``duplicate_threshold`` of each) and no
    number conflicts: the same text up to formatting and tiny edits.
``reprint``
    at least ``partial_min_words`` of shared copy, and copy makes at least
    ``reprint_threshold`` of one text's unquoted words: one derives from
    the other (or both from one source) with additions, cuts, moves or light edits.
``partial``
    at least ``partial_min_words`` of shared copy, but neither is mostly
    derived from the other; also templated stories (shared wording, conflicting
    numbers: at least one per 100 shared words).
``none``
    anything else. Shared quotations do not count as copy: two reports quoting the
    same speaker at length are independent. A quotation shared together with at least
    ten words of the narrative around it was copied with its context, and counts.

>>> a = "The central bank raised its main rate on Tuesday to fight inflation that hit a ten-year high."
>>> m = compare_texts(a, a.upper().replace(" ", "\\n"))
>>> m.verdict, m.containment_a_in_b
('duplicate', 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .clean import split_paragraphs
from .tokens import Words, analyse
from .sign import distinct, shingle_hashes, word_hashes

VERDICTS = ("duplicate", "reprint", "partial", "none")
#: A number conflict per this many shared words makes a pair a templated story.
_CONFLICT_DENSITY = 100
#: Number conflicts need a word alignment (O(n*m/64) bit-parallel); beyond this many
#: word pairs (two 6,000-word texts) it is skipped: templated stories are short.
_MAX_CONFLICT_CELLS = 36_000_000
#: Repeats of one shingle considered per position: bounds the work on repetitive text.
_MAX_REPEATS = 8


@dataclass(frozen=True, slots=True)
class SharedPassage:
    """A run of words found in both texts.

    Attributes:
        a_start, b_start: index of the run's first word in each text's body words.
        words: length of the run in words.
        quoted_words: how many of them are inside quotation marks in both texts (a true
            quotation is quoted by both; a stray mark in one text should not hide copy).
        text: the run's normalised words, space-joined.
    """

    a_start: int
    b_start: int
    words: int
    quoted_words: int
    text: str


@dataclass(frozen=True, slots=True)
class Match:
    """Exact comparison of two documents, and the verdict.

    Attributes:
        a, b: the two ``doc_id`` values.
        verdict: one of ``duplicate``, ``reprint``, ``partial``, ``none``.
        jaccard: Jaccard similarity of the shingle sets (0-1).
        containment_a_in_b: share of a's shingles found in b (0-1); and the reverse.
        shared_words: words in shared passages (counted once, same on both sides).
        quoted_shared_words: shared words inside quotation marks in both texts.
        copy_share_a, copy_share_b: share of each text that is shared copy (0-1), over
            its unquoted words plus the quotations copied with their context: the
            basis of ``reprint``.
        longest_passage: words in the longest shared passage.
        conflicts: number substitutions, as ``"a→b"`` strings.
        passages: the shared passages, in a's order.
    """

    a: str
    b: str
    verdict: str
    jaccard: float
    containment_a_in_b: float
    containment_b_in_a: float
    shared_words: int
    quoted_shared_words: int
    copy_share_a: float
    copy_share_b: float
    longest_passage: int
    conflicts: tuple[str, ...]
    passages: tuple[SharedPassage, ...]

    @property
    def copy_words(self) -> int:
        """Shared words that count as copy (see :func:`_copy_words`)."""
        return sum(_copy_words(p) for p in self.passages)

    @property
    def is_copy(self) -> bool:
        """Whether the verdict is ``duplicate`` or ``reprint`` (links a cluster)."""
        return self.verdict in ("duplicate", "reprint")

    def swapped(self) -> "Match":
        """Return the same comparison seen from b's side."""
        return Match(
            a=self.b, b=self.a, verdict=self.verdict, jaccard=self.jaccard,
            containment_a_in_b=self.containment_b_in_a, containment_b_in_a=self.containment_a_in_b,
            shared_words=self.shared_words, quoted_shared_words=self.quoted_shared_words,
            copy_share_a=self.copy_share_b, copy_share_b=self.copy_share_a,
            longest_passage=self.longest_passage,
            conflicts=tuple(f"{y}→{x}" for x, y in (c.split("→", 1) for c in self.conflicts)),
            passages=tuple(
                sorted((SharedPassage(p.b_start, p.a_start, p.words, p.quoted_words, p.text) for p in self.passages),
                       key=lambda p: p.a_start)
            ),
        )


def compare_words(
    a_id: str,
    a_words: Words,
    a_shingles: np.ndarray,
    b_id: str,
    b_words: Words,
    b_shingles: np.ndarray,
    *,
    shingle_size: int = 5,
    min_run_words: int = 8,
    partial_min_words: int = 30,
    reprint_threshold: float = 0.3,
    duplicate_threshold: float = 0.9,
) -> Match:
    """Compare two analysed documents exactly and return a :class:`Match` with the verdict.

    ``a_shingles``/``b_shingles`` are the documents' shingle hashes
    (:func:`dedup.sign.shingle_hashes` with the same ``shingle_size``).
    """
    return compare_many(
        [(a_id, a_words, a_shingles, b_id, b_words, b_shingles)], shingle_size=shingle_size,
        min_run_words=min_run_words, partial_min_words=partial_min_words,
        reprint_threshold=reprint_threshold, duplicate_threshold=duplicate_threshold,
    )[0]


def compare_many(
    pairs: Sequence[tuple[str, Words, np.ndarray, str, Words, np.ndarray]],
    *,
    shingle_size: int = 5,
    min_run_words: int = 8,
    partial_min_words: int = 30,
    reprint_threshold: float = 0.3,
    duplicate_threshold: float = 0.9,
) -> list[Match]:
    """:func:`compare_words` of many pairs ``(a_id, a_words, a_shingles, b_id, b_words,
    b_shingles)``: the same matches, with the shingles of all pairs matched in one
    numpy pass (per pair, its few hundred shingles cost less than numpy's per-call overhead).
    """
    found = _shared_runs_many([(p[2], p[5]) for p in pairs], shingle_size=shingle_size)
    return [
        _match(a_id, a_words, b_id, b_words, runs, sizes, min_run_words=min_run_words,
               partial_min_words=partial_min_words, reprint_threshold=reprint_threshold,
               duplicate_threshold=duplicate_threshold)
        for (a_id, a_words, _, b_id, b_words, _), (runs, sizes) in zip(pairs, found)
    ]


def _match(a_id, a_words, b_id, b_words, runs, sizes, *, min_run_words, partial_min_words, reprint_threshold,
           duplicate_threshold) -> Match:
    """The match of one pair from its shared runs and (distinct shingles of a, of b, shared)."""
    size_a, size_b, inter = sizes
    union = size_a + size_b - inter
    jaccard = inter / union if union else 0.0
    cont_ab = inter / size_a if size_a else 0.0
    cont_ba = inter / size_b if size_b else 0.0

    runs = [r for r in runs if r[2] >= min(min_run_words, len(a_words), len(b_words))]
    runs = _select(runs, len(a_words), len(b_words))
    qa, qb = a_words.quoted, b_words.quoted
    passages = []
    for a0, b0, n in sorted(runs):
        quoted = int(np.count_nonzero(qa[a0 : a0 + n] & qb[b0 : b0 + n]))
        passages.append(SharedPassage(a0, b0, n, quoted, " ".join(a_words.words[a0 : a0 + n].tolist())))
    shared = sum(p.words for p in passages)
    quoted_shared = sum(p.quoted_words for p in passages)
    copy = sum(_copy_words(p) for p in passages)
    # the words that could count as copy: unquoted ones, and quotations copied with context
    copied_quotes = sum(p.quoted_words for p in passages if _copy_words(p) == p.words)
    base_a = int(np.count_nonzero(~qa)) + copied_quotes or len(a_words)
    base_b = int(np.count_nonzero(~qb)) + copied_quotes or len(b_words)
    share_a = min(1.0, copy / base_a) if base_a else 0.0
    share_b = min(1.0, copy / base_b) if base_b else 0.0

    conflicts: tuple[str, ...] = ()
    if copy >= min(partial_min_words, len(a_words), len(b_words)) and shared and len(a_words) * len(b_words) <= _MAX_CONFLICT_CELLS:
        conflicts = _number_conflicts(a_words.words.tolist(), b_words.words.tolist())
    verdict = _verdict(
        shared=shared, copy=copy, n_a=len(a_words), n_b=len(b_words), share_a=share_a, share_b=share_b,
        conflicts=len(conflicts), partial_min_words=partial_min_words,
        reprint_threshold=reprint_threshold, duplicate_threshold=duplicate_threshold,
    )
    return Match(
        a=a_id, b=b_id, verdict=verdict, jaccard=jaccard, containment_a_in_b=cont_ab,
        containment_b_in_a=cont_ba, shared_words=shared, quoted_shared_words=quoted_shared,
        copy_share_a=share_a, copy_share_b=share_b,
        longest_passage=max((p.words for p in passages), default=0),
        conflicts=conflicts, passages=tuple(passages),
    )


#: Unquoted words a shared passage must hold besides its quotation for the quotation
#: to count as copied with its context: about half a sentence of narrative, more than
#: an attribution ("union leader Marco Visser said") that two reporters write alike.
_QUOTE_CONTEXT = 10


def _copy_words(p: SharedPassage) -> int:
    """Words of a shared passage that count as copy.

    A passage that is a quotation (plus an attribution) is what independent reports
    of one speech share: only its unquoted words count. A passage that also shares
    the narrative around the quotation was copied whole, quotation included.
    """
    unquoted = p.words - p.quoted_words
    return p.words if unquoted >= _QUOTE_CONTEXT else unquoted


def _templated(conflicts: int, shared: int) -> bool:
    """At least one number conflict per hundred shared words: a templated story."""
    return conflicts > 0 and conflicts * _CONFLICT_DENSITY >= shared


def copy_score(match: Match) -> float:
    """The score the copy decision thresholds: what ``reprint_threshold`` is compared with.

    1.0 for a duplicate; the larger copy share for a reprint, or for a partial that is
    not a templated story (it would become a reprint at a lower threshold); else 0.

    >>> copy_score(Match("a", "b", "partial", 0.1, 0.2, 0.2, 40, 0, 0.25, 0.2, 40, (), ()))
    0.25
    """
    if match.verdict == "duplicate":
        return 1.0
    if match.verdict == "reprint" or (match.verdict == "partial" and not _templated(len(match.conflicts), match.shared_words)):
        return max(match.copy_share_a, match.copy_share_b)
    return 0.0


def _verdict(*, shared, copy, n_a, n_b, share_a, share_b, conflicts, partial_min_words, reprint_threshold, duplicate_threshold) -> str:
    if not shared or not n_a or not n_b:
        return "none"
    templated = _templated(conflicts, shared)
    if not conflicts and shared / n_a >= duplicate_threshold and shared / n_b >= duplicate_threshold:
        return "duplicate"
    # a short text can hold less copy than partial_min_words and still be all copy
    needed = min(partial_min_words, max(1, int(duplicate_threshold * min(n_a, n_b))))
    if copy < needed:
        return "none"
    if not templated and max(share_a, share_b) >= reprint_threshold:
        return "reprint"
    return "partial"


def _shared_runs_many(pairs: Sequence[tuple[np.ndarray, np.ndarray]], *, shingle_size: int) -> list[tuple[list, tuple[int, int, int]]]:
    """For each (a, b) pair of shingle arrays: the maximal diagonal runs of shared
    shingles as (a_start, b_start, words), ordered by diagonal then position, and
    (distinct shingles of a, of b, of both).

    All pairs at once: the shingles are renumbered by value, so that (pair, number) is
    one integer key; sorting b's keys and searching a's finds every shared shingle of
    every pair. A shingle repeated more than ``_MAX_REPEATS`` times in b is matched to
    the occurrences nearest its own position only, where the diagonal of a long shared
    run would pass.

    >>> h = np.arange(10, dtype=np.uint64)
    >>> _shared_runs_many([(h[:6], h[2:8]), (h[:3], h[5:])], shingle_size=5)
    [([(2, 0, 8)], (6, 6, 4)), ([], (3, 5, 0))]
    """
    if not pairs:
        return []
    n_a = np.array([len(a) for a, _ in pairs], dtype=np.int64)
    n_b = np.array([len(b) for _, b in pairs], dtype=np.int64)
    values = np.concatenate([a for a, _ in pairs] + [b for _, b in pairs]).astype(np.uint64, copy=False)
    if not len(values):
        return [([], (0, 0, 0))] * len(pairs)
    values_seen, number = np.unique(values, return_inverse=True)
    width = np.int64(len(values_seen))
    count = len(pairs)
    pair_a = np.repeat(np.arange(count, dtype=np.int64), n_a)
    pair_b = np.repeat(np.arange(count, dtype=np.int64), n_b)
    key_a = pair_a * width + number[: len(pair_a)]
    key_b = pair_b * width + number[len(pair_a) :]
    first_a = np.cumsum(n_a) - n_a  # where each pair's shingles start in the concatenation
    first_b = np.cumsum(n_b) - n_b

    order = np.argsort(key_b, kind="stable")  # stable: b positions ascending within a key
    sorted_b = key_b[order]
    lo = np.searchsorted(sorted_b, key_a, "left")
    hi = np.searchsorted(sorted_b, key_a, "right")
    sizes_a = np.bincount(distinct(np.sort(key_a)) // width, minlength=count)
    sizes_b = np.bincount(distinct(sorted_b) // width, minlength=count)
    shared = np.bincount(distinct(np.sort(key_a[hi > lo])) // width, minlength=count)
    sizes = list(zip(sizes_a.tolist(), sizes_b.tolist(), shared.tolist()))

    position = np.arange(len(key_a)) - first_a[pair_a]  # each shingle's place in its own a
    repeats = np.minimum(hi - lo, _MAX_REPEATS)
    crowded = np.flatnonzero(hi - lo > _MAX_REPEATS)
    if len(crowded):
        lo = lo.copy()
        for g in crowded.tolist():
            near = lo[g] + int(np.searchsorted(order[lo[g] : hi[g]] - first_b[pair_a[g]], position[g]))
            lo[g] = min(max(lo[g], near - _MAX_REPEATS // 2), hi[g] - _MAX_REPEATS)
    total = int(repeats.sum())
    runs_of: list[list] = [[] for _ in range(count)]
    if total:
        source = np.repeat(np.arange(len(key_a)), repeats)
        offsets = np.arange(total) - np.repeat(np.cumsum(repeats) - repeats, repeats)
        pair = pair_a[source]
        i = position[source]
        diag = i - (order[np.repeat(lo, repeats) + offsets] - first_b[pair])
        sort = np.lexsort((i, diag, pair))
        pair, i, diag = pair[sort], i[sort], diag[sort]
        new_run = np.ones(total, dtype=bool)
        new_run[1:] = (pair[1:] != pair[:-1]) | (diag[1:] != diag[:-1]) | (i[1:] != i[:-1] + 1)
        starts = np.flatnonzero(new_run)
        lengths = np.empty_like(starts)
        lengths[:-1] = starts[1:] - starts[:-1]
        lengths[-1] = total - starts[-1]
        a_start = i[starts]
        runs = zip(a_start.tolist(), (a_start - diag[starts]).tolist(), (lengths + shingle_size - 1).tolist())
        for p, run in zip(pair[starts].tolist(), runs):
            runs_of[p].append(run)
    return list(zip(runs_of, sizes))


def _select(runs: list[tuple[int, int, int]], n_a: int, n_b: int) -> list[tuple[int, int, int]]:
    """Keep runs longest first, trimming each to the words not yet used on either side."""
    used_a = np.zeros(n_a + 1, dtype=bool)
    used_b = np.zeros(n_b + 1, dtype=bool)
    kept = []
    for a0, b0, n in sorted(runs, key=lambda r: (-r[2], r[0], r[1])):
        n = min(n, n_a - a0, n_b - b0)
        free = ~(used_a[a0 : a0 + n] | used_b[b0 : b0 + n])
        if free.all():
            pieces = [(0, n)]
        elif not free.any():
            continue
        else:  # keep the longest stretch still free on both sides
            edges = np.flatnonzero(np.diff(np.concatenate(([0], free.astype(np.int8), [0]))))
            pieces = [max(zip(edges[::2], edges[1::2]), key=lambda e: e[1] - e[0])]
        for s, e in pieces:
            if e - s > 0:
                used_a[a0 + s : a0 + e] = True
                used_b[b0 + s : b0 + e] = True
                kept.append((a0 + int(s), b0 + int(s), int(e - s)))
    return kept


def _number_conflicts(a: list[str], b: list[str]) -> tuple[str, ...]:
    """Find short substitutions between the texts where a number changed."""
    from rapidfuzz.distance import Levenshtein

    ops = Levenshtein.opcodes(a, b)
    found = []
    blocks = list(ops)
    for k, op in enumerate(blocks):
        if op.tag != "replace":
            continue
        left, right = a[op.src_start : op.src_end], b[op.dest_start : op.dest_end]
        if len(left) > 3 or len(right) > 3:
            continue
        if not (any(ch.isdigit() for w in left for ch in w) and any(ch.isdigit() for w in right for ch in w)):
            continue  # a fact conflict replaces a number by another number
        before = blocks[k - 1] if k else None
        after = blocks[k + 1] if k + 1 < len(blocks) else None
        framed = (before is None or before.tag == "equal") and (after is None or after.tag == "equal")
        if framed and (before is not None or after is not None):
            found.append(f"{' '.join(left)}→{' '.join(right)}")
    return tuple(found)


def compare_texts(
    text_a: str,
    text_b: str,
    *,
    a_id: str = "a",
    b_id: str = "b",
    shingle_size: int = 5,
    min_run_words: int = 8,
    partial_min_words: int = 30,
    reprint_threshold: float = 0.3,
    duplicate_threshold: float = 0.9,
) -> Match:
    """Compare two plain texts (every paragraph treated as body).

    >>> compare_texts("Prices rose sharply in May.", "Weather was fine all week.").verdict
    'none'
    """
    wa, wb = analyse(split_paragraphs(text_a)), analyse(split_paragraphs(text_b))
    sa = shingle_hashes(word_hashes(wa.words), shingle_size=shingle_size)
    sb = shingle_hashes(word_hashes(wb.words), shingle_size=shingle_size)
    return compare_words(
        a_id, wa, sa, b_id, wb, sb, shingle_size=shingle_size, min_run_words=min_run_words,
        partial_min_words=partial_min_words, reprint_threshold=reprint_threshold,
        duplicate_threshold=duplicate_threshold,
    )
