"""Verify: exact scores and a verdict for a candidate pair, decided sentence by sentence.

For two documents' words (with their sentences and quotations) and shingle hashes this
computes, exactly (no sketches):

- Jaccard of the shingle sets and containment both ways;
- the *shared passages*: maximal runs of at least ``min_run_words`` words found in
  both texts, in any order (seeded by shared shingles, extended along diagonals), chosen
  greedily longest-first without overlap, so each word is counted once on each side;
- the *copied sentences* of each text (``../shared/VERDICTS.md``: a shared sentence keeps
  about half or more of its words in the same order): a sentence mostly covered by shared
  passages is copied ``exact``; one that is not, but whose words, order kept, make up
  ``sentence_match`` of it in a sentence of the other text (or two running into each other,
  where the other merged or split it) is copied ``edited`` (a light rewrite: tense, a
  shortened name, a swapped word). Sentences of fewer than :data:`~dedup.sentences.MIN_SENTENCE_WORDS` words
  (datelines, bylines, fragments) are not counted;
- which sentences are *quotations*: a sentence at least half inside quotation marks or
  dash speech in either text (one outlet quotes a statement the other runs as narrative:
  still a quotation). Quotations never make a pair shared;
- *conflicts*: numbers that one text replaces by another number within otherwise
  equal wording (``1.5 billion`` vs ``2.5 billion``), the mark of a templated story.

The verdict, from the sentences of each text that are not quotations:

``duplicate``
    every sentence of each text is copied in the other, both texts are almost wholly
    shared (``duplicate_threshold`` of each) and no number conflicts: the same text up to
    formatting and tiny edits (an added or dropped sentence makes it a reprint).
``reprint``
    copied sentences hold at least ``reprint_threshold`` (about half) of the shorter text's
    words outside quotations: one derives from the other (or both from one source).
``partial``
    at least ``partial_min_sentences`` non-quotation sentences are copied, but under
    about half of the shorter text.
``none``
    anything else, and templated stories (conflicting numbers, at least one per 100 shared
    words): fill-in-the-blank stories of one outlet are stock phrases.

>>> a = "The central bank raised its main rate on Tuesday to fight inflation that hit a ten-year high."
>>> m = compare_texts(a, a.upper().replace(" ", "\\n"))
>>> m.verdict, m.containment_a_in_b
('duplicate', 1.0)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
from rapidfuzz.distance import Levenshtein

from . import _native
from ._pickling import by_fields, made, one
from .clean import split_paragraphs
from .sentences import SentenceMatch, Sentences, Side, match_sentences
from .sign import distinct, shingle_hashes, span_hashes
from .tokens import Words, analyse_with_spans

VERDICTS = ("duplicate", "reprint", "partial", "none")
#: A number conflict per this many shared words makes a pair a templated story.
_CONFLICT_DENSITY = 100
#: Number conflicts need a word alignment (O(n*m/64) bit-parallel); beyond this many
#: word pairs (two 6,000-word texts) it is skipped: templated stories are short.
_MAX_CONFLICT_CELLS = 36_000_000
#: Repeats of one shingle considered per position: bounds the work on repetitive text.
_MAX_REPEATS = 8
@dataclass(frozen=True, slots=True)
class Analysed:
    """What :func:`compare_many` reads of one document.

    Attributes:
        doc_id: the document's id.
        words: the body as normalised words (:class:`~dedup.tokens.Words`).
        hashes: each word's 64-bit hash (:func:`dedup.sign.span_hashes`), in word order.
        shingles: the body's shingle hashes (uint64), in word order.

    >>> from dedup.steps import Document, analyse_prepared, prepare
    >>> analysed = analyse_prepared([prepare(Document("a", "Talks resumed on Monday in the capital."))])[0]
    >>> analysed.doc_id, analysed.words.words.tolist()
    ('a', ['talks', 'resumed', 'on', 'monday', 'in', 'the', 'capital'])
    """

    doc_id: str
    words: Words
    hashes: np.ndarray
    shingles: np.ndarray

    def detached(self) -> Analysed:
        """The same, with arrays of its own: keeping it keeps no other document of its batch alive."""
        w = self.words
        copies = Words(w.words.copy(), w.paragraph.copy(), w.quoted.copy(), w.sentence_start.copy(), w.sentence.copy())
        return Analysed(self.doc_id, copies, self.hashes.copy(), self.shingles.copy())


@by_fields
@dataclass(frozen=True, slots=True)
class SharedPassage:
    """A run of words found in both texts.

    Attributes:
        a_start, b_start: index of the run's first word in each text's body words.
        words: length of the run in words.
        quoted_words: how many of them are inside a quotation in either text.
        text: the run's normalised words, space-joined.

    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> passage = compare_texts(text, text + " Officials said work starts in May.").passages[0]
    >>> passage.a_start, passage.b_start, passage.words
    (0, 0, 18)
    """

    a_start: int
    b_start: int
    words: int
    quoted_words: int
    text: str


@by_fields
@dataclass(frozen=True, slots=True)
class Match:
    """Exact comparison of two documents, and the verdict.

    Attributes:
        a, b: the two ``doc_id`` values.
        verdict: one of ``duplicate``, ``reprint``, ``partial``, ``none``.
        jaccard: Jaccard similarity of the shingle sets (0-1).
        containment_a_in_b: share of a's shingles found in b (0-1); and the reverse.
        shared_words: words in shared passages (counted once, same on both sides).
        quoted_shared_words: shared words inside a quotation in either text.
        copy_share_a, copy_share_b: share of each text's sentences (of
            :data:`~dedup.sentences.MIN_SENTENCE_WORDS` words or more, quotations left out), weighed by
            their words, copied in the other (0-1): the basis of ``reprint``.
        longest_passage: words in the longest shared passage.
        conflicts: number substitutions, as ``"a→b"`` strings.
        passages: the shared passages, in a's order.
        sentences_a, sentences_b: each text's counted sentences that are not quotations.
        copied_a, copied_b: how many of those are copied in the other text.
        sentence_matches: a's sentences found in b (quotations too), in a's order.

    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> m = compare_texts(text, text + " Officials said work starts in May.")
    >>> m.verdict, m.shared_words, m.containment_a_in_b
    ('reprint', 18, 1.0)
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
    sentences_a: int = 0
    sentences_b: int = 0
    copied_a: int = 0
    copied_b: int = 0
    sentence_matches: tuple[SentenceMatch, ...] = ()

    @property
    def copy_words(self) -> int:
        """Shared words outside quotations."""
        return self.shared_words - self.quoted_shared_words

    @property
    def is_copy(self) -> bool:
        """Whether the verdict is ``duplicate`` or ``reprint`` (links a cluster)."""
        return self.verdict in ("duplicate", "reprint")

    def swapped(self) -> Match:
        """Return the same comparison seen from b's side (a's sentence matches turned round)."""
        turned = tuple(sorted((SentenceMatch(m.b, m.a, m.how, m.similarity, m.quoted) for m in self.sentence_matches),
                              key=lambda m: (m.a, m.b)))
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
            sentences_a=self.sentences_b, sentences_b=self.sentences_a, copied_a=self.copied_b, copied_b=self.copied_a,
            sentence_matches=turned,
        )


# the records' fields in order, as made() stores them (tests hold them to the dataclasses)
_PASSAGE_FIELDS = ("a_start", "b_start", "words", "quoted_words", "text")
_MATCH_FIELDS = ("a", "b", "verdict", "jaccard", "containment_a_in_b", "containment_b_in_a", "shared_words",
                 "quoted_shared_words", "copy_share_a", "copy_share_b", "longest_passage", "conflicts", "passages",
                 "sentences_a", "sentences_b", "copied_a", "copied_b", "sentence_matches")


def compare_many(
    pairs: Sequence[tuple[Analysed, Analysed]],
    *,
    shingle_size: int = 5,
    min_run_words: int = 8,
    sentence_match: float = 0.55,
    partial_min_sentences: int = 2,
    reprint_threshold: float = 0.4,
    duplicate_threshold: float = 0.9,
) -> list[Match]:
    """Compare analysed documents ``(a, b)`` exactly and return a :class:`Match` with the
    verdict for each pair. The shingles of all pairs are matched in one numpy pass, and
    their edited sentences looked for in another (per pair, its few hundred words cost
    less than numpy's per-call overhead)."""
    found = _compared(pairs, False, shingle_size=shingle_size, min_run_words=min_run_words,
                      sentence_match=sentence_match, partial_min_sentences=partial_min_sentences,
                      reprint_threshold=reprint_threshold, duplicate_threshold=duplicate_threshold)
    return cast("list[Match]", found)


def compare_copies(pairs: Sequence[tuple[Analysed, Analysed]], **knobs) -> list[Match]:
    """The matches of :func:`compare_many` (``knobs``: its keywords) whose verdict is not
    ``none``, in order; of the others no record is made (their passages and conflicts are not
    written out: what a scan keeps)."""
    return [m for m in _compared(pairs, True, **knobs) if m is not None]


def _compared(pairs: Sequence[tuple[Analysed, Analysed]], copies_only: bool, *, shingle_size: int, min_run_words: int,
              sentence_match: float, partial_min_sentences: int, reprint_threshold: float,
              duplicate_threshold: float) -> list[Match | None]:
    """:func:`compare_many`, or None for a pair of verdict ``none`` if ``copies_only``."""
    found = _shared_runs_many([(a.shingles, b.shingles) for a, b in pairs], shingle_size=shingle_size)
    chosen, sentences = [], []
    # by id(): a document of several pairs has its sentences measured, its numbers found, once
    sides: dict[int, Side] = {}
    numbers: dict[int, bytes] = {}

    def side(x: Analysed) -> Side:
        if id(x) not in sides:
            sides[id(x)] = Side.of(x)
        return sides[id(x)]

    def digits(x: Analysed) -> bytes:
        if id(x) not in numbers:
            numbers[id(x)] = _digit_words(x.words.words)
        return numbers[id(x)]

    fast = _native.speedups
    for (a, b), (runs, _) in zip(pairs, found):
        n_a, n_b = len(a.words), len(b.words)
        if fast is not None:  # in C: 1 µs a pair, not 5
            runs = fast.select_runs(runs, n_a, n_b, min(min_run_words, n_a, n_b))
        else:
            runs = _select([r for r in runs if r[2] >= min(min_run_words, n_a, n_b)], n_a, n_b)
        chosen.append(runs)
        sentences.append(Sentences(a, b, runs, side(a), side(b)))
    match_sentences(sentences, sentence_match=sentence_match)
    return [
        _match(a, b, runs, sizes, s, digits, partial_min_sentences=partial_min_sentences,
               reprint_threshold=reprint_threshold, duplicate_threshold=duplicate_threshold, copies_only=copies_only)
        for (a, b), runs, (_, sizes), s in zip(pairs, chosen, found, sentences)
    ]


def _match(a: Analysed, b: Analysed, runs, sizes, s: Sentences, digits: Callable[[Analysed], bytes], *,
           partial_min_sentences, reprint_threshold, duplicate_threshold, copies_only=False) -> Match | None:
    """The match of one pair from its chosen shared runs, (distinct shingles of a, of b,
    shared) and its sentences; ``digits`` gives a text's :func:`_digit_words`. None for a
    pair of verdict ``none`` if ``copies_only``."""
    size_a, size_b, inter = sizes
    union = size_a + size_b - inter
    n_a, n_b = len(a.words), len(b.words)
    ordered = sorted(runs)
    shared = sum(n for _, _, n in ordered)
    spans: list[tuple[int, int, int, int]] = []
    # conflicts decide only whether shared copy is a template filled in again
    could_share = s.complete or max(s.copied_a, s.copied_b) >= min(partial_min_sentences, max(min(s.counted_a, s.counted_b), 1))
    if could_share and shared and n_a * n_b <= _MAX_CONFLICT_CELLS:
        spans = _number_conflict_spans(a, b, digits(a), digits(b))
    verdict = _verdict(
        s, shared=shared, n_a=n_a, n_b=n_b, conflicts=len(spans), partial_min_sentences=partial_min_sentences,
        reprint_threshold=reprint_threshold, duplicate_threshold=duplicate_threshold,
    )
    if copies_only and verdict == "none":
        return None
    qa, qb, words_a, words_b = a.words.quoted, b.words.quoted, a.words.words, b.words.words
    quoted = _quoted_words(qa, qb, ordered)
    # records made without __init__ (dedup._pickling.made): a pair's passages and match, by the ten thousand
    passages = made(SharedPassage, _PASSAGE_FIELDS,
                    [(a0, b0, n, q, " ".join(words_a[a0 : a0 + n].tolist())) for (a0, b0, n), q in zip(ordered, quoted)])
    conflicts = tuple(f"{' '.join(words_a[i:j].tolist())}→{' '.join(words_b[k:end].tolist())}" for i, j, k, end in spans)
    return one(Match, _MATCH_FIELDS, (
        a.doc_id, b.doc_id, verdict, inter / union if union else 0.0, inter / size_a if size_a else 0.0,
        inter / size_b if size_b else 0.0, shared, sum(quoted), s.share_a, s.share_b, max((n for _, _, n in ordered), default=0),
        conflicts, passages, s.counted_a, s.counted_b, s.copied_a, s.copied_b, s.matches_a,
    ))


def _quoted_words(quoted_a: np.ndarray, quoted_b: np.ndarray, runs: list[tuple[int, int, int]]) -> list[int]:
    """For each run ``(a0, b0, words)``: how many of its words are quoted in either text.

    >>> _quoted_words(np.array([True, False, False]), np.array([False, False, True]), [(0, 1, 2), (1, 0, 2)])
    [2, 0]
    """
    fast = _native.speedups
    if fast is not None and runs:  # in C: the real corpus's 9,202 passages 0.02 s -> 0.004 (numpy calls on a few words)
        return fast.quoted_words(quoted_a.view(np.uint8), quoted_b.view(np.uint8), runs)
    return [int(np.count_nonzero(quoted_a[a0 : a0 + n] | quoted_b[b0 : b0 + n])) for a0, b0, n in runs]


def _verdict(s: Sentences, *, shared, n_a, n_b, conflicts, partial_min_sentences, reprint_threshold,
             duplicate_threshold) -> str:
    if not n_a or not n_b or not shared:
        return "none"  # edited sentences alone, with no passage kept word for word: a template filled in
    if _templated(conflicts, shared):
        return "none"
    if s.complete and not conflicts and shared / n_a >= duplicate_threshold and shared / n_b >= duplicate_threshold:
        return "duplicate"
    # the shorter text's share: the larger one (the same copy over fewer words)
    share, counted, n = max((s.share_a, s.counted_a, n_a), (s.share_b, s.counted_b, n_b))
    copied = max(s.copied_a, s.copied_b)
    # A text of one counted sentence is a reprint only if the other holds it near word for word,
    # every line of it (a brief run in a round-up): one-line items of one outlet (a rate change,
    # a dividend) share most of their words with every other item alike.
    enough = copied >= partial_min_sentences or (counted < partial_min_sentences and shared >= duplicate_threshold * n)
    if counted and share >= reprint_threshold and enough:
        return "reprint"
    if copied >= partial_min_sentences:
        return "partial"
    return "none"


def _templated(conflicts: int, shared: int) -> bool:
    """At least one number conflict per hundred shared words: a templated story."""
    return conflicts > 0 and conflicts * _CONFLICT_DENSITY >= shared


def copy_score(match: Match) -> float:
    """The score the copy decision thresholds: what ``reprint_threshold`` is compared with.

    1.0 for a duplicate; for a reprint or a partial, the shorter text's copy share (the
    larger of the two: the same copy over fewer words), which would make a partial a reprint
    at a lower threshold; else 0.

    >>> copy_score(Match("a", "b", "partial", 0.1, 0.2, 0.2, 40, 0, 0.25, 0.2, 40, (), (), 8, 10, 2, 2))
    0.25
    """
    if match.verdict == "duplicate":
        return 1.0
    if match.verdict in ("reprint", "partial"):
        return max(match.copy_share_a, match.copy_share_b)
    return 0.0


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
    fast = _native.speedups
    if fast is not None:  # pair by pair in C (grouped by a table, runs followed): the same runs and sizes
        return [fast.shared_runs_hashed(np.ascontiguousarray(a, dtype=np.uint64), np.ascontiguousarray(b, dtype=np.uint64),
                                        shingle_size, _MAX_REPEATS) for a, b in pairs]
    long = [k for k, (a, b) in enumerate(pairs) if len(a) + len(b) > _LONG_PAIR]
    if long:  # one at a time, each in memory of its own size (the rest together, as ever)
        rest = sorted(set(range(len(pairs))) - set(long))
        found = dict(zip(rest, _shared_runs_many([pairs[k] for k in rest], shingle_size=shingle_size)))
        found.update((k, _shared_runs_pair(*pairs[k], shingle_size=shingle_size)) for k in long)
        return [found[k] for k in range(len(pairs))]
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


#: Pairs of more shingles than this (two texts of 500,000 words together, 3 MB) are matched
#: one at a time (:func:`_shared_runs_pair`): the batch's renumbering and keys take some 60
#: bytes a shingle, more than a long text's words.
_LONG_PAIR = 1 << 20


def _shared_runs_pair(a: np.ndarray, b: np.ndarray, *, shingle_size: int) -> tuple[list, tuple[int, int, int]]:
    """:func:`_shared_runs_many` of one pair (the same runs and sizes), the shingles
    compared by value and only a's shared ones followed: some 20 bytes a shingle of
    working memory.

    >>> h = np.arange(10, dtype=np.uint64)
    >>> _shared_runs_pair(h[:6], h[2:8], shingle_size=5)
    ([(2, 0, 8)], (6, 6, 4))
    """
    a, b = a.astype(np.uint64, copy=False), b.astype(np.uint64, copy=False)
    size_a = _distinct_count(np.sort(a))
    order = np.argsort(b, kind="stable")  # stable: b positions ascending within a value
    sorted_b = b[order]
    size_b = _distinct_count(sorted_b)
    if not len(a) or not len(b):
        return [], (size_a, size_b, 0)
    found = []  # a's shingles found in b, and where their value starts in sorted_b: a step at a time
    for start in range(0, len(a), _STEP):
        lo = np.searchsorted(sorted_b, a[start : start + _STEP], "left")
        hit = np.flatnonzero(sorted_b[np.minimum(lo, len(b) - 1)] == a[start : start + _STEP])
        found.append((hit + start, lo[hit]))
    position, lo = (np.concatenate(x) for x in zip(*found))
    hi = np.searchsorted(sorted_b, a[position], "right")
    shared = _distinct_count(np.sort(a[position]))
    repeats = np.minimum(hi - lo, _MAX_REPEATS)
    for g in np.flatnonzero(hi - lo > _MAX_REPEATS).tolist():
        near = lo[g] + int(np.searchsorted(order[lo[g] : hi[g]], position[g]))
        lo[g] = min(max(lo[g], near - _MAX_REPEATS // 2), hi[g] - _MAX_REPEATS)
    total = int(repeats.sum())
    runs: list = []
    if total:
        source = np.repeat(np.arange(len(position)), repeats)
        offsets = np.arange(total) - np.repeat(np.cumsum(repeats) - repeats, repeats)
        i = position[source]
        diag = i - order[np.repeat(lo, repeats) + offsets]
        sort = np.lexsort((i, diag))
        i, diag = i[sort], diag[sort]
        new_run = np.ones(total, dtype=bool)
        new_run[1:] = (diag[1:] != diag[:-1]) | (i[1:] != i[:-1] + 1)
        starts = np.flatnonzero(new_run)
        lengths = np.diff(np.append(starts, total))
        a_start = i[starts]
        runs = list(zip(a_start.tolist(), (a_start - diag[starts]).tolist(), (lengths + shingle_size - 1).tolist()))
    return runs, (size_a, size_b, shared)


_STEP = 1 << 20  # a's shingles looked up at a time


def _distinct_count(ordered: np.ndarray) -> int:
    """How many distinct values a sorted array holds (``len(distinct(ordered))``, without the copy)."""
    return int(np.count_nonzero(ordered[1:] != ordered[:-1])) + 1 if len(ordered) else 0


def _select(runs: list[tuple[int, int, int]], n_a: int, n_b: int) -> list[tuple[int, int, int]]:
    """Keep runs longest first, trimming each to the words not yet used on either side."""
    used_a = bytearray(n_a + 1)  # 1: used; a run whose words are all free is found so by a byte search
    used_b = bytearray(n_b + 1)
    kept = []
    for a0, b0, n in sorted(runs, key=lambda r: (-r[2], r[0], r[1])):
        n = min(n, n_a - a0, n_b - b0)
        if 1 not in used_a[a0 : a0 + n] and 1 not in used_b[b0 : b0 + n]:
            s, e = 0, n
        else:
            free = ~(np.frombuffer(used_a, dtype=bool)[a0 : a0 + n] | np.frombuffer(used_b, dtype=bool)[b0 : b0 + n])
            if not free.any():
                continue
            # keep the longest stretch still free on both sides
            edges = np.flatnonzero(np.diff(np.concatenate(([0], free.astype(np.int8), [0]))))
            s, e = (int(x) for x in max(zip(edges[::2], edges[1::2]), key=lambda e: e[1] - e[0]))
        if e - s > 0:
            used_a[a0 + s : a0 + e] = b"\x01" * (e - s)
            used_b[b0 + s : b0 + e] = b"\x01" * (e - s)
            kept.append((a0 + s, b0 + s, e - s))
    return kept


def _number_conflict_spans(a: Analysed, b: Analysed, digits_a: bytes, digits_b: bytes) -> list[tuple[int, int, int, int]]:
    """Find short substitutions between the texts where a number changed, as :func:`number_conflict_spans`
    does (``digits_a``, ``digits_b``: each text's :func:`_digit_words`); :func:`_match` writes
    them as ``"a→b"`` strings of normalised words.

    The words are aligned as strings of one character a word (:func:`_word_codes`), whether a
    word holds a digit read off a byte string (:func:`_digit_words`): rapidfuzz reads no
    Python object per word, and no word is made a string but those of a conflict found.
    """
    wa, wb = a.words.words, b.words.words
    if len(wa) + len(wb) <= _MAX_CODES:
        seq_a, seq_b = _word_codes(a.hashes, b.hashes)
        return _conflict_spans(seq_a, seq_b, digits_a, digits_b)
    # more words than code points (a text of a million words and a line): the words themselves
    return number_conflict_spans(wa.tolist(), wb.tolist())


#: Texts of more words together than Unicode has code points are aligned as lists (:func:`_word_codes`).
_MAX_CODES = 0x110000


def _word_codes(a: np.ndarray, b: np.ndarray) -> tuple[str, str]:
    """Two texts' words, given by their hashes (:func:`dedup.sign.span_hashes`), as two strings of
    one character a word: equal words the same character, numbered in order of first occurrence
    (at most :data:`_MAX_CODES` words together).

    >>> _word_codes(np.array([7, 9, 7], dtype=np.uint64), np.array([9, 4], dtype=np.uint64))
    ('\\x00\\x01\\x00', '\\x01\\x02')
    """
    a, b = np.ascontiguousarray(a, dtype=np.uint64), np.ascontiguousarray(b, dtype=np.uint64)
    fast = _native.speedups
    if fast is not None:  # a table of the hashes in C: 1 µs a pair of 140-word texts, not 12
        return fast.word_codes(a, b)
    number: dict[int, int] = {}
    codes = [number.setdefault(h, len(number)) for h in a.tolist() + b.tolist()]
    return "".join(map(chr, codes[: len(a)])), "".join(map(chr, codes[len(a) :]))


def number_conflict_spans(a: list[str], b: list[str]) -> list[tuple[int, int, int, int]]:
    """Where a number changed between two texts' words: ``(i, j, k, l)`` for each short
    substitution ``a[i:j]`` → ``b[k:l]`` (at most 3 words each side, a number on both,
    the same words around it).

    >>> number_conflict_spans("profit rose 5 percent in may".split(), "profit rose 7 percent in may".split())
    [(2, 3, 2, 3)]
    """
    return _conflict_spans(a, b, [any(map(str.isdigit, w)) for w in a], [any(map(str.isdigit, w)) for w in b])


def _digit_words(words: np.ndarray) -> bytes:
    """Whether each word holds a digit (``str.isdigit`` of one of its characters), a byte each.

    >>> _digit_words(np.array(["may", "1.5bn", "٣"]))
    b'\\x00\\x01\\x01'
    """
    fast = _native.speedups
    if fast is not None and words.dtype.kind == "U" and len(words):  # the code points read in place
        return fast.digit_words(np.ascontiguousarray(words).view(np.uint32), words.dtype.itemsize // 4)
    return bytes(any(map(str.isdigit, w)) for w in words.tolist())


def _conflict_spans(a: Sequence, b: Sequence, digits_a: Sequence, digits_b: Sequence) -> list[tuple[int, int, int, int]]:
    """:func:`number_conflict_spans` of two texts given as sequences whose items are equal where
    the words are (the words, or :func:`_word_codes`), and whether each word holds a digit
    (``digits_a``, ``digits_b``)."""
    if a == b:  # (a seventh of the real corpus's pairs asked) nothing replaced
        return []
    # (tag, i, j, k, l) tuples: unpacked, not an Opcode object's attributes read (a fifth faster)
    blocks = cast("list[tuple[str, int, int, int, int]]", Levenshtein.opcodes(a, b).as_list())
    last = len(blocks) - 1
    found = []
    for k, (tag, i, j, x, y) in enumerate(blocks):
        if tag != "replace" or j - i > 3 or y - x > 3:
            continue
        if not (any(digits_a[i:j]) and any(digits_b[x:y])):
            continue  # a fact conflict replaces a number by another number
        # framed: equal words on either side (or the text's end), and at least one side not the end
        if (k == 0 or blocks[k - 1][0] == "equal") and (k == last or blocks[k + 1][0] == "equal") and last > 0:
            found.append((i, j, x, y))
    return found


def compare_texts(
    text_a: str,
    text_b: str,
    *,
    a_id: str = "a",
    b_id: str = "b",
    shingle_size: int = 5,
    min_run_words: int = 8,
    sentence_match: float = 0.55,
    partial_min_sentences: int = 2,
    reprint_threshold: float = 0.4,
    duplicate_threshold: float = 0.9,
) -> Match:
    """Compare two plain texts (every paragraph treated as body).

    >>> compare_texts("Prices rose sharply in May.", "Weather was fine all week.").verdict
    'none'
    """
    (wa, wb), spans = analyse_with_spans([split_paragraphs(text_a), split_paragraphs(text_b)])
    hashes = span_hashes(spans.codes, spans.starts, spans.ends)
    ha, hb = hashes[: len(wa)], hashes[len(wa) :]
    a = Analysed(a_id, wa, ha, shingle_hashes(ha, shingle_size=shingle_size))
    b = Analysed(b_id, wb, hb, shingle_hashes(hb, shingle_size=shingle_size))
    return compare_many(
        [(a, b)], shingle_size=shingle_size, min_run_words=min_run_words, sentence_match=sentence_match,
        partial_min_sentences=partial_min_sentences, reprint_threshold=reprint_threshold,
        duplicate_threshold=duplicate_threshold,
    )[0]
