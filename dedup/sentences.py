"""Sentences: which sentences of two texts are the same sentence, copied as they are or lightly edited.

A sentence of one text is copied ``exact`` when the shared passages cover ``sentence_match``
of its words, or ``edited`` when that share of its words recur, in order, in a sentence of the
other text or in two running into each other (an outlet merged or split it): rapidfuzz's LCS
over word ids, the two alike in length, a change of numbers only being a template filled in
again. :func:`match_sentences` does this for a batch of pairs at once, in a few numpy passes,
and says which sentences are quotations (at least half quoted) in either text.

>>> from dedup.verify import compare_texts
>>> m = compare_texts("Talks resumed on Monday in the capital after a week of strikes, officials said.",
...                   "Talks resumed on Monday in the capital after a long week of strikes, officials said.")
>>> [(s.a, s.b, s.how) for s in m.sentence_matches]
[(0, 0, 'exact')]
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz.distance import LCSseq

from . import _native
from ._pickling import by_fields, made, one
from .sign import distinct

if TYPE_CHECKING:  # pragma: no cover
    from .verify import Analysed

#: Sentences shorter than this (datelines, bylines, site lines such as "related news: see more",
#: fragments) are not counted: a news sentence runs to 15-25 words.
MIN_SENTENCE_WORDS = 6
#: An edited sentence must keep at least this many words in order (half of a four-word
#: sentence is two words: a name and a verb, which independent reports share).
_MIN_EDITED_WORDS = 4
#: Edited sentences are looked for only between texts of at most this many sentence pairs
#: (two 200-sentence texts, 4,000 words and more each): the words two sentences share are
#: joined pair by pair, which grows with the product. Longer texts get exact matches only.
_MAX_EDIT_CELLS = 40_000
#: Sentences of the other text tried for an edited match: those sharing the most words.
_EDIT_CANDIDATES = 3



@by_fields
@dataclass(frozen=True, slots=True)
class SentenceMatch:
    """A sentence of one text found in the other: why it counted, or not.

    Attributes:
        a, b: the sentence's index in a's body and the index of its counterpart in b's.
        how: ``exact`` (mostly covered by shared passages) or ``edited`` (most of its
            words, order kept, in b's sentence or two).
        similarity: the share of the sentence's words matched (0-1).
        quoted: whether it is a quotation in either text (then it is not copy).
    """

    a: int
    b: int
    how: str
    similarity: float
    quoted: bool


_MATCH_FIELDS = ("a", "b", "how", "similarity", "quoted")  # SentenceMatch's, in order (tests hold them to it)


class Sentences:
    """Which sentences of a and of b are copied in the other, and which are quotations.

    Built in steps, each for a whole batch of pairs at once: :func:`_exact_many` finds the
    sentences copied ``exact`` and lists the others (``todo_a``, ``todo_b``),
    :func:`_edited_many` looks for the edited ones among those, and :meth:`finish` counts.

    Attributes (after :meth:`finish`):
        counted_a, counted_b: sentences of :data:`MIN_SENTENCE_WORDS` words or more that
            are not quotations in their own text.
        copied_a, copied_b: how many of those are copied, their counterpart not a
            quotation either.
        complete: whether every counted-length sentence of both texts (quotations
            included) is copied: nothing added or dropped.
        matches_a: a's matched sentences as :class:`SentenceMatch` records.
    """

    def __init__(self, a: Analysed, b: Analysed, runs: list[tuple[int, int, int]], side_a: Side | None = None,
                 side_b: Side | None = None) -> None:
        self.runs = runs
        self.text_a, self.text_b = a.words.words, b.words.words
        self.hashes_a, self.hashes_b = a.hashes, b.hashes
        self.sent_a, self.sent_b = a.words.sentence, b.words.sentence
        self.side_a = side_a if side_a is not None else Side.of(a)
        self.side_b = side_b if side_b is not None else Side.of(b)
        self.len_a, self.len_b = self.side_a.sizes, self.side_b.sizes
        self.quote_a, self.quote_b = self.side_a.quoted, self.side_b.quoted
        self.found_a: dict[int, tuple[int, str, float]] = {}
        self.found_b: dict[int, tuple[int, str, float]] = {}
        self.todo_a: list[int] = []
        self.todo_b: list[int] = []

    @property
    def matches_a(self) -> tuple[SentenceMatch, ...]:
        """a's matched sentences as :class:`SentenceMatch` records, made when asked (after
        :meth:`finish`): a scan never asks of a pair of verdict none, two in three of its pairs."""
        quote_a, quote_b = self.side_a.quoted_list, self.side_b.quoted_list
        rows = [(k, t, how, sim, quote_a[k] or quote_b[t]) for k, (t, how, sim) in sorted(self.found_a.items())]
        return made(SentenceMatch, _MATCH_FIELDS, rows)

    def finish(self) -> Sentences:
        found_a, found_b = self.found_a, self.found_b
        side_a, side_b = self.side_a, self.side_b
        quote_a, quote_b = side_a.quoted_list, side_b.quoted_list
        copied_a = [k for k in side_a.counted if k in found_a and not quote_b[found_a[k][0]]]
        copied_b = [k for k in side_b.counted if k in found_b and not quote_a[found_b[k][0]]]
        self.counted_a, self.counted_b = len(side_a.counted), len(side_b.counted)
        self.copied_a, self.copied_b = len(copied_a), len(copied_b)
        # shares of the counted text, sentence by sentence but by their words: two long sentences
        # kept among four short ones added are about half of a text, not a third
        self.share_a = side_a.part(copied_a)
        self.share_b = side_b.part(copied_b)
        # map over the dict's own lookup: half the time of a generator (4,694 pairs a real-corpus scan)
        self.complete = all(map(found_a.__contains__, side_a.long)) and all(map(found_b.__contains__, side_b.long))
        return self


@by_fields
@dataclass(frozen=True, slots=True)
class Side:
    """What :class:`Sentences` reads of one text's sentences, the same in every pair it is in
    (:func:`dedup.verify.compare_many` makes it once per document of a batch).

    Attributes:
        sizes: the words of each sentence (int64 array); ``sizes_list`` the same as a list.
        quoted: whether each sentence is a quotation (at least half its words quoted), as a
            bool array; ``quoted_list`` the same as a list.
        long: the sentences of :data:`MIN_SENTENCE_WORDS` words or more.
        counted: those of them that are not quotations.
        counted_words: the words of the counted sentences.
    """

    sizes: np.ndarray
    quoted: np.ndarray
    sizes_list: list[int]
    quoted_list: list[bool]
    long: list[int]
    counted: list[int]
    counted_words: int

    @classmethod
    def of(cls, analysed: Analysed) -> Side:
        words = analysed.words
        fast = _native.speedups
        if fast is not None and 0 < len(words) <= _COUNTED_WORDS and words.sentence.dtype == np.int32:
            # one pass in C: 2 µs a text, not 9 (numpy calls on a few hundred words)
            return one(cls, _SIDE_FIELDS, fast.sentence_side(words.sentence, words.quoted.view(np.uint8), MIN_SENTENCE_WORDS))
        sizes = _sizes(words.sentence)
        quoted = _shares(words.sentence, words.quoted, sizes) >= 0.5
        sizes_list, quoted_list = sizes.tolist(), quoted.tolist()
        long = [k for k, n in enumerate(sizes_list) if n >= MIN_SENTENCE_WORDS]
        counted = [k for k in long if not quoted_list[k]]
        return cls(sizes, quoted, sizes_list, quoted_list, long, counted, sum(sizes_list[k] for k in counted))

    def part(self, chosen: list[int]) -> float:
        """The share of the counted sentences' words that the ``chosen`` sentences hold."""
        total = self.counted_words
        return sum(map(self.sizes_list.__getitem__, chosen)) / total if total else 0.0


_SIDE_FIELDS = ("sizes", "quoted", "sizes_list", "quoted_list", "long", "counted", "counted_words")  # Side's


def _batch_texts(states: Sequence[Sentences]) -> tuple:
    """The texts of a batch of pairs one after another (a, b, a, b, ...): each text's first
    sentence and first word in the batch's numbering, and every word's sentence in it."""
    sentences = np.array([len(x) for s in states for x in (s.len_a, s.len_b)], dtype=np.int64)
    words = np.array([len(x) for s in states for x in (s.sent_a, s.sent_b)], dtype=np.int64)
    first_sentence, first_word = np.cumsum(sentences) - sentences, np.cumsum(words) - words
    # 32 bits: a text of 2^31 sentences is no article (the numbers are widened where multiplied)
    sentence = np.concatenate([x for s in states for x in (s.sent_a, s.sent_b)]).astype(np.int32, copy=False)
    fast = _native.speedups
    if fast is not None:  # in C: a numpy call a text was 0.02 s of the real corpus's verify
        fast.add_offsets(sentence, first_word, words, first_sentence)
    else:
        for start, stop, first in zip(first_word.tolist(), (first_word + words).tolist(), first_sentence.tolist()):
            sentence[start:stop] += first  # each text's slice in place: no array of offsets per word
    sizes = np.concatenate([x for s in states for x in (s.len_a, s.len_b)])
    return sentences, first_sentence, first_word, sentence, sizes


def _exact_many(states: Sequence[Sentences], threshold: float) -> None:
    """Find, for a batch of pairs at once, the sentences mostly covered by the shared
    passages (``threshold`` of their words), each with the other text's sentence holding
    most of its shared words (of two alike, the first); list the others of counted length
    as still to match (``todo_a``, ``todo_b``)."""
    if not states:
        return
    sentences, first_sentence, first_word, sentence, sizes = _batch_texts(states)
    total = int(sentences.sum())
    runs = np.array([(2 * q, a0, b0, n) for q, s in enumerate(states) for a0, b0, n in s.runs], dtype=np.int64).reshape(-1, 4)
    # the shared words (the runs do not overlap on either side: _select) and the word of the
    # other text each is shared with; only these, not an array over every word
    lengths = runs[:, 3]
    within = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    at_a = np.repeat(first_word[runs[:, 0]] + runs[:, 1], lengths) + within
    at_b = np.repeat(first_word[runs[:, 0] + 1] + runs[:, 2], lengths) + within
    shared, partner = np.concatenate([at_a, at_b]), np.concatenate([at_b, at_a])
    shares = np.bincount(sentence[shared], minlength=total) / np.maximum(sizes, 1)
    long = sizes >= MIN_SENTENCE_WORDS
    kept = (shares >= threshold) & long
    text_of = np.repeat(np.arange(len(sentences)), sentences)
    w = kept[sentence[shared]]
    g, t = _best_partners(sentence[shared[w]], sentence[partner[w]], total)
    # handed to each pair a text at a time (the sentences are in text order, ascending within each)
    text = text_of[g]
    mine_local, theirs_local = (g - first_sentence[text]).tolist(), (t - first_sentence[text ^ 1]).tolist()
    share, at = shares[g].tolist(), _text_bounds(text, len(sentences))
    todo = np.flatnonzero(long & ~kept)
    todo_local, todo_at = (todo - first_sentence[text_of[todo]]).tolist(), _text_bounds(text_of[todo], len(sentences))
    for q, s in enumerate(states):
        for k, found, still in ((2 * q, s.found_a, s.todo_a), (2 * q + 1, s.found_b, s.todo_b)):
            lo, hi = at[k], at[k + 1]
            found.update(zip(mine_local[lo:hi], zip(theirs_local[lo:hi], itertools.repeat("exact"), share[lo:hi])))
            still.extend(todo_local[todo_at[k] : todo_at[k + 1]])


def _best_partners(mine: np.ndarray, theirs: np.ndarray, total: int) -> tuple[np.ndarray, np.ndarray]:
    """For shared words as (their sentence ``mine``, the other text's sentence ``theirs``), both
    numbered below ``total``: each sentence of ``mine``, ascending, and the sentence of ``theirs``
    sharing most of its words with it (of two alike, the first).

    >>> [x.tolist() for x in _best_partners(np.array([3, 3, 3, 1], np.int32), np.array([5, 4, 5, 2], np.int32), 6)]
    [[1, 3], [2, 5]]
    """
    fast = _native.speedups
    if fast is not None:  # counted by a table in C, not sorted: 0.016 -> 0.003 s on the real corpus
        return fast.best_partners(np.ascontiguousarray(mine, dtype=np.int32), np.ascontiguousarray(theirs, dtype=np.int32), total)
    linked, count = _counted(mine.astype(np.int64) * total + theirs)
    mine, theirs = linked // total, linked % total
    order = np.lexsort((theirs, -count, mine))
    first = order[np.concatenate(([True], mine[order][1:] != mine[order][:-1]))] if len(order) else order
    return mine[first], theirs[first]


def _text_bounds(text: np.ndarray, texts: int) -> list[int]:
    """Where each text's entries start and end in an array of entries' texts, ascending."""
    return np.searchsorted(text, np.arange(texts + 1)).tolist()


def _edited_many(states: Sequence[Sentences], threshold: float) -> None:
    """Find, for a batch of pairs at once, the sentences not covered by passages but kept,
    words in order, in a sentence of the other text (or two running into each other): light
    rewrites. Each pair's ``found_a``/``found_b`` gain them.

    Every text's sentences are numbered one after another over the batch; the distinct words
    each sentence of a shares with each of b come from one sort of the batch's words, so the
    numpy work is a few calls for the batch, not for each pair. Only sentences sharing
    ``threshold`` of their distinct words with a sentence of the other text are then aligned.
    """
    work = [
        s for s in states
        if (s.todo_a or s.todo_b) and s.runs  # with no passage shared, the verdict is none
        and len(s.len_a) * len(s.len_b) <= _MAX_EDIT_CELLS
    ]
    if not work:
        return
    first, ids, numeric = _batch_words(work)
    sentences, offset, first_word, sentence, sizes = _batch_texts(work)
    total = int(sentences.sum())
    text_of = np.repeat(np.arange(len(sentences)), sentences)  # each sentence's text (2 * pair + side)
    words_in, row, col, shared = _shared_words(ids, sentence, first_word, offset, text_of, len(first))
    if not len(row):
        return
    # numbers of the batch as lists: read an item at a time below (a numpy item is 10x as slow to read)
    first_of, count_of, text_list = offset.tolist(), sentences.tolist(), text_of.tolist()
    todo = np.zeros(total, dtype=bool)  # set by one assignment: two numpy calls a pair were 0.015 s on the real corpus
    todo[np.array([first_of[2 * q + side] + k for q, s in enumerate(work) for side, ks in ((0, s.todo_a), (1, s.todo_b))
                   for k in ks], dtype=np.int64)] = True
    starts = np.cumsum(sizes) - sizes
    start_of, size_of = starts.tolist(), sizes.tolist()
    tokens: dict[int, list[int]] = {}

    def words_of(g: int) -> list[int]:
        if g not in tokens:
            tokens[g] = ids[start_of[g] : start_of[g] + size_of[g]].tolist()
        return tokens[g]

    fast = _native.speedups
    for mine, theirs, found_side in ((row, col, 0), (col, row, 1)):
        keep = todo[mine] & (shared >= threshold * words_in[mine])
        order = np.lexsort((theirs[keep], -shared[keep], mine[keep]))
        candidates: dict[int, list[int]] = {}
        if fast is not None:  # the candidates as a table, and the edits sought in one pass in C
            edits = _compiled_edits(fast, mine[keep][order], theirs[keep][order], ids, starts, sizes, text_of, offset,
                                    sentences, threshold)
        else:
            for g, t in zip(mine[keep][order].tolist(), theirs[keep][order].tolist()):
                chosen = candidates.setdefault(g, [])
                if len(chosen) < _EDIT_CANDIDATES:
                    chosen.append(t)
            edits = ((g, ts, None) for g, ts in candidates.items())
        for g, ts, compiled in edits:
            text = text_list[g]
            other_first, other_count = first_of[text ^ 1], count_of[text ^ 1]
            if compiled is None:
                best = _best_edit(words_of(g), ts, words_of, other_first, other_count, threshold, numeric)
            else:  # (sentence, kept, lo, hi): the last test of _best_edit is left
                t, kept, lo, hi = compiled
                seq = words_of(lo) if hi == lo + 1 else words_of(lo) + words_of(lo + 1)
                best = None if _filled_in(words_of(g), seq, numeric) else (t, kept / len(words_of(g)))
            if best is not None:
                s = work[text // 2]
                found = s.found_a if found_side == 0 else s.found_b
                found[g - first_of[text]] = (best[0] - other_first, "edited", best[1])


def _shared_words(ids: np.ndarray, sentence: np.ndarray, first_word: np.ndarray, first_sentence: np.ndarray,
                  text_of: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For the texts a, b, a, b, ... of a batch (words ``ids``, below ``width``, each text's from
    ``first_word``, their sentences numbered over the batch, each text's from ``first_sentence``,
    each sentence's text ``text_of``): the distinct words of each sentence, and every (sentence of
    a, sentence of b) of one pair that share words, ordered, with how many distinct ones."""
    total = len(text_of)
    fast = _native.speedups
    if fast is not None:  # a pair at a time in C, b's sentences of each word chained
        return fast.shared_words(ids, sentence, np.append(first_word, len(ids)), first_sentence, total, width)
    # distinct (sentence, word); then every (a sentence, b sentence) sharing words, with how many
    keys = distinct(np.sort(sentence * np.int64(width) + ids))
    key_sentence, key_word = keys // width, keys % width
    words_in = np.bincount(key_sentence, minlength=total)  # distinct words of each sentence
    side = text_of[key_sentence] % 2
    pair_word = (text_of[key_sentence] // 2) * width + key_word
    on_a, on_b = side == 0, side == 1
    b_order = np.argsort(pair_word[on_b], kind="stable")
    b_words, b_sentences = pair_word[on_b][b_order], key_sentence[on_b][b_order]
    lo = np.searchsorted(b_words, pair_word[on_a], "left")
    hits = np.searchsorted(b_words, pair_word[on_a], "right") - lo
    rows = np.repeat(key_sentence[on_a], hits)
    cols = b_sentences[np.repeat(lo, hits) + np.arange(int(hits.sum())) - np.repeat(np.cumsum(hits) - hits, hits)]
    linked, shared = _counted(rows * total + cols)
    return words_in, linked // total, linked % total, shared


def _compiled_edits(fast, mine: np.ndarray, theirs: np.ndarray, ids: np.ndarray, starts: np.ndarray, sizes: np.ndarray,
                    text_of: np.ndarray, offset: np.ndarray, sentences: np.ndarray, threshold: float) -> Iterator[tuple]:
    """The sentences' edits as ``fast.best_edits`` finds them (:func:`_best_edit` but for its last test),
    from the candidate pairs (``mine``, ``theirs``) ordered best first for each sentence: ``(g,
    candidates, (sentence, kept, lo, hi))`` for each sentence g an edit is found for, in order; ``(g,
    candidates, None)`` for one too long for it (the reference's to do)."""
    if not len(mine):
        return
    new = np.ones(len(mine), dtype=bool)
    new[1:] = mine[1:] != mine[:-1]
    group = np.cumsum(new) - 1
    rank = np.arange(len(mine)) - np.flatnonzero(new)[group]  # each candidate's place among its sentence's
    first = rank < _EDIT_CANDIDATES  # the best few of each sentence
    gs = mine[new]
    table = np.full((len(gs), _EDIT_CANDIDATES), -1, dtype=np.int64)
    table[group[first], rank[first]] = theirs[first]
    other = text_of[gs] ^ 1
    best, kept, lo, hi = fast.best_edits(ids, starts, sizes, gs, table, offset[other], sentences[other], threshold,
                                         _MIN_EDITED_WORDS, int(ids.max()) + 1 if len(ids) else 0)
    q = np.flatnonzero(best != -1)  # the rows found, read as lists (not an item of an array at a time)
    for g, row, t, k, low, high in zip(gs[q].tolist(), table[q].tolist(), best[q].tolist(), kept[q].tolist(),
                                       lo[q].tolist(), hi[q].tolist()):
        ts = [c for c in row if c >= 0]
        yield (g, ts, None) if t == -2 else (g, ts, (t, k, low, high))


def _sizes(sentence: np.ndarray) -> np.ndarray:
    """The words of each sentence, from each word's sentence (numbered from 0, in order, without gaps)."""
    if not len(sentence):
        return np.zeros(0, dtype=np.int64)
    if len(sentence) <= _COUNTED_WORDS:  # counted: a few microseconds, where finding the changes takes tens
        return np.bincount(sentence, minlength=int(sentence[-1]) + 1).astype(np.int64, copy=False)
    # where the number changes: bincount would copy the numbers to 64 bits first
    ends = np.append(np.flatnonzero(sentence[1:] != sentence[:-1]) + 1, len(sentence))
    return np.diff(ends, prepend=0)


#: Texts of at most this many words have their sentence sizes counted (:func:`_sizes`); a
#: longer one's numbers are not copied to 64 bits (8 bytes a word) for it.
_COUNTED_WORDS = 1 << 16


def _shares(sentence: np.ndarray, flags: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The share of each sentence's words that ``flags`` marks."""
    if not len(sizes):
        return np.zeros(0)
    # counted among the flagged words only: no array of floats over every word
    return np.bincount(sentence[flags], minlength=len(sizes)) / np.maximum(sizes, 1)


def _batch_words(work: Sequence[Sentences]) -> tuple[np.ndarray, np.ndarray, Callable[[int], bool]]:
    """The words of a batch of pairs' texts (a, b, a, b, ...) numbered by value (:func:`_numbered`,
    or in C in another order: only equal numbers for equal words matter; over the batch's distinct
    texts: a text of several pairs once): (the index of one occurrence
    of each, among the distinct texts' words; each word's number, text after text of the batch;
    whether the word of a number is a number)."""
    seen: dict[int, int] = {}
    texts: list[np.ndarray] = []
    hashes: list[np.ndarray] = []
    which: list[int] = []
    for s in work:
        for h, t in ((s.hashes_a, s.text_a), (s.hashes_b, s.text_b)):
            if id(h) not in seen:
                seen[id(h)] = len(texts)
                texts.append(t)
                hashes.append(h)
            which.append(seen[id(h)])
    bounds = np.cumsum([0] + [len(h) for h in hashes]).tolist()
    fast = _native.speedups
    if fast is not None:  # numbered by a table in C, not a sort: 0.018 -> 0.004 s on the real corpus
        first, numbers = fast.numbered(np.concatenate(hashes).astype(np.uint64, copy=False))
    else:
        first, numbers = _numbered(np.concatenate(hashes))
    ids = np.concatenate([numbers[bounds[k] : bounds[k + 1]] for k in which])
    digits: dict[int, bool] = {}

    def numeric(w: int) -> bool:  # asked of the few words a near match changes only
        if w not in digits:
            at = int(first[w])
            k = bisect.bisect_right(bounds, at) - 1
            digits[w] = texts[k][at - bounds[k]].isdigit()
        return digits[w]

    return first, ids, numeric


def _numbered(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the index of one occurrence of each distinct value, each value's number among the
    distinct ones in sorted order): ``np.unique``'s index and inverse by one sort (numpy 2's
    ``np.unique`` hashes first, slower on a batch's words)."""
    order = np.argsort(values)  # any occurrence serves as the first: they are the same value
    ordered = values[order]
    new = np.ones(len(values), dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    number = np.empty(len(values), dtype=np.int64)
    number[order] = np.cumsum(new) - 1
    return order[new], number


def _counted(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values and how often each occurs (``np.unique(..., return_counts=True)``)."""
    ordered = np.sort(values)
    new = np.ones(len(ordered), dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    starts = np.flatnonzero(new)
    return ordered[starts], np.diff(np.append(starts, len(ordered)))


def _best_edit(words: list[int], candidates: list[int], words_of, first: int, count: int, threshold: float,
               numeric) -> tuple[int, float] | None:
    """The candidate sentence of the other text (alone, or run into a neighbour: a sentence
    split or merged) most like ``words``, if it is the same sentence lightly edited:
    (sentence, share of ``words`` kept).

    The same sentence keeps ``threshold`` of its words in order, and the two are alike in
    length (normalised indel similarity ``2 * kept / (n + m)`` at least ``threshold``: a
    short sentence whose words a long one of the other text happens to hold is not it). A
    sentence whose every change is a number put for a number is a template filled in again,
    not copy (``numeric(word)`` tells whether a word is a number). The other text's sentences are
    ``first`` to ``first + count - 1``, their words given by ``words_of``.
    """
    n = len(words)
    least = max(threshold * n, min(_MIN_EDITED_WORDS, n))
    best = None
    for t in candidates:
        # t alone, run into the one before, into the one after: those the other text has
        for lo, hi in ((t, t + 1), (t - 1, t + 1), (t, t + 2)):
            if lo < first or hi > first + count:
                continue
            m = len(words_of(lo)) if hi == lo + 1 else len(words_of(lo)) + len(words_of(lo + 1))
            most = min(n, m)  # the words kept in order are at most either's: too few, or no gain, skips the LCS
            if most < least or 2 * most < threshold * (n + m) or (best is not None and most <= best[0]):
                continue
            seq = words_of(lo) if hi == lo + 1 else words_of(lo) + words_of(lo + 1)
            kept = LCSseq.similarity(words, seq)
            if kept < least or 2 * kept < threshold * (n + len(seq)):
                continue
            if best is None or kept > best[0]:
                best = (kept, t, seq)
    if best is None or _filled_in(words, best[2], numeric):
        return None
    return best[1], best[0] / n


def _filled_in(words: list[int], seq: list[int], numeric) -> bool:
    """Whether two versions of a sentence differ only by numbers put for numbers."""
    here, there = set(words), set(seq)
    only_here = here - there
    if not only_here:
        return False
    only_there = there - here
    return bool(only_there) and all(map(numeric, only_here | only_there))


def match_sentences(states: Sequence[Sentences], *, sentence_match: float) -> None:
    """Find the copied sentences of a batch of pairs (each :class:`Sentences` made from a
    pair and its chosen shared runs) and count them (:meth:`Sentences.finish`)."""
    _exact_many(states, sentence_match)
    _edited_many(states, sentence_match)
    for s in states:
        s.finish()
