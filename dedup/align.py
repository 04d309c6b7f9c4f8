"""Align: show paragraph by paragraph what a reprint kept, edited, added, cut or moved.

Given the body paragraphs of article A (say the wire original) and of article B (an
outlet's reprint), :func:`align` tiles both texts with :class:`Block` s:

* ``same``   -- the paragraphs read the same once normalised (:func:`dedup.tokens.tokenize`
  folds case, quotes, dashes and ``U.S.`` -> ``us``);
* ``edited`` -- the same paragraph lightly changed, with the word-level :class:`Change` s;
* ``added``  -- in B only; ``cut`` -- in A only.

A block may join up to three consecutive paragraphs on one side (a paragraph one outlet broke in two, or two
paragraphs merged and rewritten). Matching ignores order, so a paragraph that moved is still found; it is then flagged ``moved``.

How it works:

1. Every paragraph becomes a list of word tokens. Similarity of two word lists is
   ``2 * LCS / (len(a) + len(b))`` (rapidfuzz's Indel similarity over words, i.e.
   ``fuzz.ratio`` on words): 1.0 for identical text, 0.5 when half the words survive in
   order. One :func:`rapidfuzz.process.cdist` call gives the LCS of every A x B pair.
2. Candidates are the 1:1 pairs with similarity >= ``edited_threshold``, plus joins: a run of 2-3 consecutive
   paragraphs on one side whose members are each mostly contained (LCS / own length >= ``edited_threshold``)
   in one paragraph of the other side, kept only if the joined text matches better than any member alone.
3. Candidates are taken best-first (highest similarity) while none of their
   paragraphs is taken yet. Ties are broken by a key that reads the same with A and B
   swapped (distance between positions, then indices, then content), so
   ``align(b, a)`` is ``align(a, b).mirror()``.
4. Paragraphs left over form ``added`` / ``cut`` blocks (one per run of consecutive paragraphs).
5. ``moved``: among matched blocks, the heaviest order-preserving chain (a longest
   increasing subsequence of B positions taken in A order, weighted by paragraphs and
   then words, so the fewest are called moved; then by nearness to the old index and a
   checksum of the words, both symmetric) stays in place; every other matched block
   moved.
6. Word changes of an edited block: Levenshtein opcodes over its tokens (always
   computed from the smaller token list, then inverted if need be, for symmetry),
   adjacent edits merged, shown in the words as written in each article.

Two texts of more than :data:`MAX_ALIGN_CELLS` paragraph pairs (150,000 words and more
each) are aligned on equal paragraphs only: ``same`` blocks, no edit or join.

>>> result = align(["The U.S. defense budget rose.", "Talks went on."],
...                ["Talks went on.", "The US defence budget rose sharply."])
>>> for block in result.blocks:
...     print(block.op, block.a, block.b, block.moved, round(block.similarity, 2), block.changes)
same (1,) (0,) True 1.0 ()
edited (0,) (1,) False 0.73 (Change(op='replace', a='defense', b='defence'), Change(op='insert', a='', b='sharply.'))
>>> result.summary()
{'same': 1, 'edited': 1, 'added': 0, 'cut': 0, 'moved': 1, 'words_added': 2, 'words_cut': 1}
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Indel

from . import _native
from ._pickling import by_fields
from .alignorder import _in_b_order, _moved, _runs
from .errors import ConfigError, InputError
from .tokens import _MAX_WORD, Words, _astral_class, _code_classes, analyse_many, normalize, paragraph_words, tokenize
from .worddiff import word_diff

#: Block kinds, in the order :meth:`Alignment.summary` reports them.
BLOCK_OPS = ("same", "edited", "added", "cut")
#: Word-level change kinds inside an edited block.
CHANGE_OPS = ("insert", "delete", "replace")

# Longest run of paragraphs one block may join on one side. News desks split or merge a
# wire paragraph into two, rarely three; longer runs only add candidates (their number
# grows linearly with this) and chances of a spurious join.
MAX_JOIN = 3

#: Paragraph pairs of two texts compared word by word at most: beyond (two texts of 3,000
#: paragraphs, 150,000 words and more each), comparing every paragraph with every other
#: would take minutes, and paragraphs are matched only when their words are the same
#: (``same`` blocks, in order; no ``edited`` block, no join). A news article has 10-100
#: paragraphs: 10^4 pairs.
MAX_ALIGN_CELLS = 10_000_000
# Paragraph pairs compared per rapidfuzz call: a long text's paragraphs are compared a tile
# of the A x B matrix at a time, their word lists made for the tile only.
_TILE_CELLS, _TILE_SIDE = 1 << 20, 1 << 14  # a side of 16,384 paragraphs: a million words or so
# A body of more words than this is kept as one numpy array (ParagraphTokens), each
# paragraph's list of words made when asked for: a Python string a word takes 60 bytes.
_EAGER_WORDS = 100_000
# Words of MAX_JOIN paragraphs at most that the compiled matching takes: its bit masks take
# (words / 64)^2 8-byte words, 2 MB here; a longer run (no news article has one) is the reference's.
_PATTERN_WORDS = 4096

_MIRROR_BLOCK = {"same": "same", "edited": "edited", "added": "cut", "cut": "added"}
_MIRROR_CHANGE = {"insert": "delete", "delete": "insert", "replace": "replace"}


@by_fields
@dataclass(frozen=True, slots=True)
class Change:
    """One word-level edit inside an edited block.

    Attributes:
        op: ``insert``, ``delete`` or ``replace``.
        a: the words removed from A, as written (space-joined); ``""`` for an insert.
        b: the words added in B, as written; ``""`` for a delete.

    >>> Change("insert", "", "in May").b
    'in May'
    """

    op: str
    a: str
    b: str

    def __post_init__(self) -> None:
        if self.op not in CHANGE_OPS:
            raise InputError(f"Change.op must be one of {', '.join(CHANGE_OPS)}; got {self.op!r}.")

    def mirror(self) -> Change:
        """Return the same edit seen from B to A (insert and delete swap).

        >>> Change("insert", "", "in Vladivostok,").mirror()
        Change(op='delete', a='in Vladivostok,', b='')
        """
        return Change(_MIRROR_CHANGE[self.op], self.b, self.a)


@by_fields
@dataclass(frozen=True, slots=True)
class Block:
    """A run of paragraphs of A and/or B that an editor reads as one unit.

    Attributes:
        op: ``same``, ``edited``, ``added`` (B only) or ``cut`` (A only).
        a: indices of the A paragraphs, consecutive and sorted; ``()`` for ``added``.
        b: indices of the B paragraphs, consecutive and sorted; ``()`` for ``cut``.
        moved: for ``same``/``edited``, whether the block left its place relative to the
            other matched blocks; always False for ``added``/``cut``.
        similarity: word similarity of the two sides in 0-1 (1.0 for ``same``, 0.0 for
            ``added``/``cut``).
        changes: the word-level edits of an ``edited`` block, in reading order; ``()``
            otherwise.

    >>> Block("edited", (0,), (0,), similarity=0.9, changes=(Change("insert", "", "in May"),)).changes[0].op
    'insert'
    """

    op: str
    a: tuple[int, ...]
    b: tuple[int, ...]
    moved: bool = False
    similarity: float = 0.0
    changes: tuple[Change, ...] = ()

    def __post_init__(self) -> None:
        if self.op not in BLOCK_OPS:
            raise InputError(f"Block.op must be one of {', '.join(BLOCK_OPS)}; got {self.op!r}.")

    def mirror(self) -> Block:
        """Return the block seen from B to A: sides swapped, added and cut swapped.

        >>> Block("cut", (4,), ()).mirror()
        Block(op='added', a=(), b=(4,), moved=False, similarity=0.0, changes=())
        """
        return Block(
            _MIRROR_BLOCK[self.op], self.b, self.a, self.moved, self.similarity,
            tuple(change.mirror() for change in self.changes),
        )


@by_fields
@dataclass(frozen=True)
class Alignment:
    """The paragraph alignment of article A with article B.

    Attributes:
        blocks: blocks tiling both texts, ordered by position in B; a ``cut`` block
            comes right after the block holding the nearest A paragraph before it that
            did not move (first of all when there is none).
        words_a: word tokens in each paragraph of A (what ``words_cut`` counts for cut
            paragraphs); ``()`` when unknown, and then cut paragraphs count no words.
        words_b: the same for B (``words_added``).

    >>> align(["One two three.", "Four five."], ["One two three."]).cut
    1
    """

    blocks: tuple[Block, ...]
    words_a: tuple[int, ...] = ()
    words_b: tuple[int, ...] = ()

    @property
    def kept(self) -> int:
        """Paragraphs of A in ``same`` blocks."""
        return sum(len(block.a) for block in self.blocks if block.op == "same")

    @property
    def edited(self) -> int:
        """Paragraphs of A in ``edited`` blocks."""
        return sum(len(block.a) for block in self.blocks if block.op == "edited")

    @property
    def added(self) -> int:
        """Paragraphs of B found only in B."""
        return sum(len(block.b) for block in self.blocks if block.op == "added")

    @property
    def cut(self) -> int:
        """Paragraphs of A found only in A."""
        return sum(len(block.a) for block in self.blocks if block.op == "cut")

    @property
    def moved(self) -> int:
        """Matched blocks that changed place."""
        return sum(1 for block in self.blocks if block.moved)

    @property
    def words_added(self) -> int:
        """Words only in B: added paragraphs plus inserted/replacing words of edits."""
        return self._words("added", self.words_b, lambda change: change.b)

    @property
    def words_cut(self) -> int:
        """Words only in A: cut paragraphs plus deleted/replaced words of edits."""
        return self._words("cut", self.words_a, lambda change: change.a)

    def _words(self, op: str, counts: tuple[int, ...], side) -> int:
        total = 0
        for block in self.blocks:
            if block.op == op and counts:
                total += sum(counts[i] for i in (block.b if op == "added" else block.a))
            for change in block.changes:
                # tokens, not spaces, so that "long-running" counts as the tokens compared
                total += len(tokenize(side(change)))
        return total

    def summary(self) -> dict[str, int]:
        """Return the counts an editor reads first, as a plain dict (for JSON reports).

        >>> align(["One two three four."], ["Five six seven."]).summary()
        {'same': 0, 'edited': 0, 'added': 1, 'cut': 1, 'moved': 0, 'words_added': 3, 'words_cut': 4}
        """
        return {
            "same": self.kept, "edited": self.edited, "added": self.added, "cut": self.cut,
            "moved": self.moved, "words_added": self.words_added, "words_cut": self.words_cut,
        }

    def mirror(self) -> Alignment:
        """Return the alignment of B with A: sides swapped, added/cut and insert/delete swapped.

        Blocks are put back in the documented order (now by position in A).

        >>> a, b = ["Kept paragraph here."], ["Kept paragraph here.", "New one."]
        >>> align(a, b).mirror() == align(b, a)
        True
        """
        return Alignment(
            _in_b_order([block.mirror() for block in self.blocks]), self.words_b, self.words_a
        )


def align(
    paragraphs_a: Sequence[str],
    paragraphs_b: Sequence[str],
    *,
    edited_threshold: float = 0.5,
    tokens: tuple[Sequence[Sequence[str]], Sequence[Sequence[str]]] | None = None,
) -> Alignment:
    """Align the paragraphs of article A with those of article B.

    Args:
        paragraphs_a: body paragraphs of A (e.g. ``clean(text).body`` of the original).
        paragraphs_b: body paragraphs of B (the reprint).
        edited_threshold: lowest word similarity (``2 * LCS / total words``, in (0, 1])
            at which two paragraphs count as one edited paragraph; also the share of a
            paragraph that must be found inside a longer one for the two to be joined.
        tokens: each side's paragraphs as :func:`~dedup.tokens.tokenize` tokens, if
            already at hand (:func:`paragraph_tokens` of an analysed body gives them);
            computed here otherwise.

    Returns:
        An :class:`Alignment` whose blocks tile both texts.

    Raises:
        InputError: a side is a single string instead of a sequence of paragraphs.
        ConfigError: ``edited_threshold`` is outside (0, 1].

    >>> wire = ["Officials said the talks would resume on Monday.",
    ...         "The minister declined to comment."]
    >>> reprint = ["Officials said the talks would resume next week, on Monday.",
    ...            "Markets were calm.", "The minister declined to comment."]
    >>> [(b.op, b.a, b.b) for b in align(wire, reprint).blocks]
    [('edited', (0,), (0,)), ('added', (), (1,)), ('same', (1,), (2,))]
    """
    for name, value in (("paragraphs_a", paragraphs_a), ("paragraphs_b", paragraphs_b)):
        if isinstance(value, str):
            raise InputError(
                f"{name} must be a sequence of paragraphs, got one string of {len(value)} "
                "characters; split it first, e.g. with dedup.clean.clean(text).body."
            )
    if isinstance(edited_threshold, bool) or not isinstance(edited_threshold, (int, float)) \
            or not 0.0 < edited_threshold <= 1.0:
        raise ConfigError(
            f"edited_threshold must be a number in (0, 1], got {edited_threshold!r}; "
            "0.5 (the default) asks that half the words survive in order."
        )
    paragraphs_a, paragraphs_b = list(paragraphs_a), list(paragraphs_b)
    vocabulary = _vocabulary()
    if tokens is None:
        return _aligned(_Text.of(paragraphs_a, vocabulary), _Text.of(paragraphs_b, vocabulary), float(edited_threshold))
    tokens_a, tokens_b = (t if isinstance(t, ParagraphTokens) else [list(x) for x in t] for t in tokens)
    if len(tokens_a) != len(paragraphs_a) or len(tokens_b) != len(paragraphs_b):
        raise InputError(
            f"tokens must hold one list per paragraph: got {len(tokens_a)} and {len(tokens_b)} "
            f"for {len(paragraphs_a)} and {len(paragraphs_b)} paragraphs."
        )
    return _aligned(_Text(paragraphs_a, tokens_a, vocabulary), _Text(paragraphs_b, tokens_b, vocabulary),
                    float(edited_threshold))


def align_many(
    bodies: Sequence[Sequence[str]], pairs: Sequence[tuple[int, int]],
    tokens: Sequence[list[list[str]] | ParagraphTokens] | None = None, *, edited_threshold: float = 0.5,
) -> list[Alignment]:
    """:func:`align` of ``bodies[i]`` (A) with ``bodies[j]`` (B) for each ``(i, j)`` of ``pairs``: the
    same alignments, what a body gives aligning (its tokens, their word ids) worked out once for
    all its pairs. ``tokens``: each body's, if at hand (:func:`paragraph_tokens`).

    >>> bodies = [["Talks resumed on Monday."], ["Talks resumed on Monday.", "More soon."]]
    >>> align_many(bodies, [(0, 1)]) == [align(*bodies)]
    True
    """
    vocabulary = _vocabulary()
    texts: dict[int, _Text] = {}

    def text(k: int) -> _Text:
        if k not in texts:
            paragraphs = list(bodies[k])
            texts[k] = _Text.of(paragraphs, vocabulary) if tokens is None else _Text(paragraphs, tokens[k], vocabulary)
        return texts[k]

    return [_aligned(text(i), text(j), float(edited_threshold)) for i, j in pairs]


class _Text:
    """One side of an alignment: its paragraphs and their tokens, and their word ids, made when
    first asked for and kept for the next pair (:func:`align_many`); of a long text
    (:class:`ParagraphTokens`), made for the paragraphs asked for, each time. Of a text the
    compiled code read (``flat``: its ids, paragraph bounds and lengths, in a ``WordIds`` vocabulary), the
    tokens are made from the ids if ever asked for."""

    def __init__(self, paragraphs: list[str], tokens, vocabulary, ids: list[list[int]] | None = None,
                 flat: tuple[np.ndarray, np.ndarray, list[int]] | None = None) -> None:
        self.paragraphs, self._tokens, self.vocabulary = paragraphs, tokens, vocabulary
        self.lengths = flat[2] if flat is not None else _lengths(tokens)
        self.long = isinstance(tokens, ParagraphTokens)
        self._ids, self._flat = ids, flat[:2] if flat is not None else None

    @classmethod
    def of(cls, paragraphs: list[str], vocabulary) -> _Text:
        """The side of paragraphs tokenised here (:func:`~dedup.tokens.tokenize` of each), with
        their word ids; of a long text (over 10^6 characters), as :class:`ParagraphTokens`."""
        if sum(map(len, paragraphs)) > 10 * _EAGER_WORDS:
            return cls(paragraphs, paragraph_tokens(analyse_many([paragraphs])[0], len(paragraphs)), vocabulary)
        fast = _native.speedups
        if fast is not None and isinstance(vocabulary, fast.WordIds):
            if not paragraphs:
                return cls(paragraphs, [], vocabulary, [])
            # paragraph_words' text, read without making a string of each word: 0.046 -> 0.02 s
            # for the real corpus's 2,207 aligned bodies
            text = normalize("\n".join(p.replace("\n", " ") for p in paragraphs))
            return cls(paragraphs, None, vocabulary, flat=fast.paragraph_ids(text, _code_classes(), _astral_class,
                                                                           _MAX_WORD, vocabulary))
        words, ids = paragraph_words(paragraphs, vocabulary)
        return cls(paragraphs, words, vocabulary, ids)

    @property
    def tokens(self):
        """The words of each paragraph (:func:`~dedup.tokens.tokenize` of it)."""
        if self._tokens is None:
            words = self.vocabulary.words
            self._tokens = [[words[i] for i in ids] for ids in self.ids(0, len(self.lengths))]
        return self._tokens

    def ids(self, lo: int, hi: int) -> list[list[int]]:
        """The words of paragraphs ``lo`` to ``hi - 1`` as integer ids (equal words, equal ids)."""
        vocabulary = self.vocabulary
        if self.long:
            return [[vocabulary.setdefault(t, len(vocabulary)) for t in self.tokens[i]] for i in range(lo, hi)]
        if self._ids is None:
            if self._flat is not None:
                every, bounds = self._flat[0].tolist(), self._flat[1].tolist()
                self._ids = [every[a:b] for a, b in zip(bounds, bounds[1:])]
            else:
                self._ids = [[vocabulary.setdefault(t, len(vocabulary)) for t in p] for p in self.tokens]
        return self._ids[lo:hi]

    def flat(self) -> tuple[np.ndarray, np.ndarray]:
        """Every word's id in one array, and where each paragraph's start (and the last ends)."""
        if self._flat is None:
            ids = self.ids(0, len(self.lengths))
            bounds = np.zeros(len(ids) + 1, dtype=np.int64)
            np.cumsum(self.lengths, out=bounds[1:])
            self._flat = np.fromiter(itertools.chain.from_iterable(ids), np.int64, int(bounds[-1])), bounds
        return self._flat

    def side(self, lo: int, hi: int) -> str:
        """The tokens of paragraphs ``lo`` to ``hi - 1``, space-joined."""
        if self._tokens is None:
            ids, bounds = self._flat  # type: ignore[misc]  # a text of no tokens has them
            return self.vocabulary.joined(ids, int(bounds[lo]), int(bounds[hi]))
        return " ".join(t for i in range(lo, hi) for t in self._tokens[i])


def _vocabulary():
    """A vocabulary for :class:`_Text` s: the compiled ``WordIds`` if there, else a dict."""
    fast = _native.speedups
    return fast.WordIds() if fast is not None else {}


def _aligned(text_a: _Text, text_b: _Text, threshold: float) -> Alignment:
    """:func:`align` of two sides, checked."""
    paragraphs_a, paragraphs_b, lengths_a, lengths_b = text_a.paragraphs, text_b.paragraphs, text_a.lengths, text_b.lengths
    if len(lengths_a) * len(lengths_b) <= MAX_ALIGN_CELLS:
        matches = _match(text_a, text_b, threshold)
    else:
        matches = _match_equal(text_a.tokens, text_b.tokens, lengths_a, lengths_b)

    blocks: list[Block] = []
    sides = []  # each block's tokens of A, of B, space-joined (what _moved weighs)
    taken_a = [False] * len(lengths_a)
    taken_b = [False] * len(lengths_b)
    for a0, a1, b0, b1, similarity in matches:
        taken_a[a0:a1] = [True] * (a1 - a0)
        taken_b[b0:b1] = [True] * (b1 - b0)
        side_a, side_b = text_a.side(a0, a1), text_b.side(b0, b1)
        if side_a == side_b:  # the same tokens: a token (of tokenize) holds no space
            blocks.append(Block("same", tuple(range(a0, a1)), tuple(range(b0, b1)), False, 1.0, ()))
            sides.append((side_a, side_a))
        else:
            changes = _changes(paragraphs_a[a0:a1], paragraphs_b[b0:b1])
            blocks.append(Block("edited", tuple(range(a0, a1)), tuple(range(b0, b1)), False, similarity, changes))
            sides.append((side_a, side_b))
    moved = _moved(blocks, None, None, sides)
    blocks = [Block(b.op, b.a, b.b, True, b.similarity, b.changes) if i in moved else b
              for i, b in enumerate(blocks)]
    blocks += [Block("cut", run, ()) for run in _runs(taken_a)]
    blocks += [Block("added", (), run) for run in _runs(taken_b)]
    return Alignment(_in_b_order(blocks), tuple(lengths_a), tuple(lengths_b))


class ParagraphTokens(Sequence):
    """An analysed body's words paragraph by paragraph (:func:`paragraph_tokens`): a
    sequence of lists of words, each list made when asked for (the words of a long body stay
    one numpy array: no Python string per word for all of them at once).

    >>> from dedup.tokens import analyse
    >>> t = ParagraphTokens(analyse(["One two.", "Three."]).words, [0, 2, 3])
    >>> len(t), t[1], t.lengths
    (2, ['three'], [2, 1])
    """

    __hash__ = None  # type: ignore[assignment]  # equal to a list of the same lists

    def __init__(self, words: np.ndarray, bounds: list[int]) -> None:
        self._words = words
        self._bounds = bounds

    @property
    def lengths(self) -> list[int]:
        """The number of words of each paragraph."""
        return np.diff(self._bounds).tolist()

    def __len__(self) -> int:
        return len(self._bounds) - 1

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        if not -len(self) <= k < len(self):
            raise IndexError(f"paragraph {k} of {len(self)}")
        k %= len(self)
        return self._words[self._bounds[k] : self._bounds[k + 1]].tolist()

    def __eq__(self, other) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    def __repr__(self) -> str:
        return repr(list(self))


def paragraph_tokens(words: Words, paragraphs: int) -> list[list[str]] | ParagraphTokens:
    """Split an analysed body's words by paragraph: the ``tokens`` :func:`align` takes,
    equal to :func:`~dedup.tokens.tokenize` of each paragraph (tested), without
    normalising the text again. A body of more than 100,000 words gives a
    :class:`ParagraphTokens`, which makes each paragraph's list when asked for.

    >>> from dedup.tokens import analyse
    >>> paragraph_tokens(analyse(["One two.", "", "Three."]), 3)
    [['one', 'two'], [], ['three']]
    """
    # the words come in paragraph order: each paragraph's are one slice
    bounds = np.searchsorted(words.paragraph, np.arange(paragraphs + 1)).tolist()
    if len(words) > _EAGER_WORDS:
        return ParagraphTokens(words.words, bounds)
    every = words.words.tolist()
    return [every[a:b] for a, b in zip(bounds, bounds[1:])]


def _lengths(tokens) -> list[int]:
    return tokens.lengths if isinstance(tokens, ParagraphTokens) else [len(t) for t in tokens]


# --- matching -----------------------------------------------------------------------------


def _similarity(lcs: int, total: int) -> float:
    # Two empty paragraphs (punctuation only) read the same: tokenize() gives [] for both.
    return 2 * lcs / total if total else 1.0


def _lcs(x: list[int], y: list[int]) -> int:
    # Indel distance counts insertions + deletions, so len(x) + len(y) - distance = 2 * LCS.
    return (len(x) + len(y) - Indel.distance(x, y)) // 2


def _match(text_a: _Text, text_b: _Text, threshold: float) -> list[tuple[int, int, int, int, float]]:
    """Pick the matched blocks as (a_start, a_end, b_start, b_end, similarity), best first.

    The paragraphs are compared a tile of the A x B matrix at a time (:data:`_TILE_CELLS`
    pairs): the candidates are those of the whole matrix, in the same order. Words are
    compared as integer ids (:meth:`_Text.ids`): rapidfuzz compares them by equality
    without rehashing strings. Two texts of one tile are matched by compiled code
    (``paragraph_matches``, the same blocks): 0.1 -> 0.02 s for the real corpus's 1,151 pairs,
    where rapidfuzz, a dozen numpy calls and the sort key's Python took 85 microseconds a pair.
    """
    lengths_a, lengths_b = text_a.lengths, text_b.lengths
    na, nb = len(lengths_a), len(lengths_b)
    if not na or not nb:
        return []
    # (a_start, a_end, b_start, b_end, similarity), with what orders each kind in the whole matrix
    ones, joins_a, joins_b = [], [], []
    # a tile: _TILE_CELLS pairs, at most _TILE_SIDE paragraphs a side (the whole matrix of two articles)
    columns = max(MAX_JOIN, min(nb, _TILE_SIDE, _TILE_CELLS // min(na, _TILE_SIDE)))
    rows = max(MAX_JOIN, min(na, _TILE_SIDE, _TILE_CELLS // columns))
    fast = _native.speedups
    if fast is not None and rows >= na and columns >= nb and not (text_a.long or text_b.long):
        (words_a, bounds_a), (words_b, bounds_b) = text_a.flat(), text_b.flat()
        chosen = fast.paragraph_matches(words_a, bounds_a, words_b, bounds_b, threshold, MAX_JOIN,
                                        len(text_a.vocabulary), _PATTERN_WORDS, functools.partial(_words_key, text_a, text_b))
        if chosen is not None:
            return chosen
    for r0 in range(0, na, rows):
        r1, r2 = min(r0 + rows, na), min(r0 + rows + MAX_JOIN - 1, na)  # own rows, and the next runs reach
        ids_a = text_a.ids(r0, r2)
        len_a = np.array(lengths_a[r0:r2], dtype=np.int64)
        for c0 in range(0, nb, columns):
            c1, c2 = min(c0 + columns, nb), min(c0 + columns + MAX_JOIN - 1, nb)
            ids_b = text_b.ids(c0, c2)
            len_b = np.array(lengths_b[c0:c2], dtype=np.int64)
            total = len_a[:, None] + len_b[None, :]
            distance = process.cdist(ids_a, ids_b, scorer=Indel.distance, dtype=np.int64)
            lcs = (total - distance) // 2
            with np.errstate(divide="ignore", invalid="ignore"):
                similarity = np.where(total > 0, 2 * lcs / total, 1.0)
                # share of each A paragraph found (in order) inside each B paragraph, and back
                inside_b = np.where(len_a[:, None] > 0, lcs / len_a[:, None], 0.0) >= threshold
                inside_a = np.where(len_b[None, :] > 0, lcs / len_b[None, :], 0.0) >= threshold
            ones += [(r0 + int(i), r0 + int(i) + 1, c0 + int(j), c0 + int(j) + 1, float(similarity[i, j]))
                     for i, j in zip(*np.nonzero(similarity[: r1 - r0, : c1 - c0] >= threshold))]
            joins_a += _joins(ids_a, ids_b, inside_b, similarity, threshold, r0, c0, r1 - r0, c1 - c0, na - r0, a_side=True)
            joins_b += _joins(ids_b, ids_a, inside_a.T, similarity.T, threshold, c0, r0, c1 - c0, r1 - r0, nb - c0,
                              a_side=False)
    # 1:1 pairs in A then B order, then joins by length, run start and the paragraph joined
    # to: the order of one pass over the whole matrix, which ties keep (a stable sort)
    candidates = sorted(ones) + [c for _, c in sorted(joins_a)] + [c for _, c in sorted(joins_b)]

    def key(c):
        a0, a1, b0, b1, s = c
        ra, rb = (a0, a1), (b0, b1)
        # Every element reads the same with A and B swapped, so align(b, a) takes the
        # same candidates in the same order: that is what makes mirror() exact.
        return (-s, abs(a0 - b0), min(ra, rb), max(ra, rb), _words_key(text_a, text_b, a0, a1, b0, b1))

    candidates.sort(key=key)
    taken_a = [False] * na
    taken_b = [False] * nb
    chosen = []
    for a0, a1, b0, b1, s in candidates:
        if any(taken_a[a0:a1]) or any(taken_b[b0:b1]):
            continue
        taken_a[a0:a1] = [True] * (a1 - a0)
        taken_b[b0:b1] = [True] * (b1 - b0)
        chosen.append((a0, a1, b0, b1, s))
    return chosen


def _words_key(text_a: _Text, text_b: _Text, a0: int, a1: int, b0: int, b1: int) -> tuple:
    """The last of :func:`_match`'s sort key: the words of the two sides, the lesser first."""
    ca, cb = text_a.tokens[a0:a1], text_b.tokens[b0:b1]
    return min(ca, cb), max(ca, cb)


def _joins(ids_x, ids_y, inside, similarity, threshold, x0, y0, own_x, own_y, left_x, *, a_side: bool):
    """Candidates joining 2..MAX_JOIN consecutive paragraphs of x against one of y, in a
    tile: x's paragraphs from ``x0`` (runs starting at the first ``own_x``; ``left_x``
    paragraphs of x from ``x0`` on), y's from ``y0`` (the first ``own_y`` joined to).

    ``inside[i, j]`` says paragraph i of x is mostly contained in paragraph j of y; a
    run qualifies when all its members are, and its joined text beats each member.
    Returns ((length, run start, joined to), candidate) pairs.
    """
    out = []
    for k in range(2, MAX_JOIN + 1):
        n = min(own_x, left_x - k + 1)  # runs starting in this tile that fit in x
        if n <= 0:
            break
        ok = inside[:n, :own_y].copy()
        for d in range(1, k):
            ok &= inside[d : n + d, :own_y]
        for i, j in zip(*np.nonzero(ok)):
            i, j = int(i), int(j)
            joined = [t for x in ids_x[i:i + k] for t in x]
            s = _similarity(_lcs(joined, ids_y[j]), len(joined) + len(ids_y[j]))
            if s >= threshold and s > float(similarity[i:i + k, j].max()):
                i, j = x0 + i, y0 + j
                out.append(((k, i, j), (i, i + k, j, j + 1, s) if a_side else (j, j + 1, i, i + k, s)))
    return out


def _match_equal(tokens_a, tokens_b, lengths_a: list[int], lengths_b: list[int]) -> list[tuple[int, int, int, int, float]]:
    """The matched blocks of texts too long to compare every paragraph with every other
    (:data:`MAX_ALIGN_CELLS`): each paragraph of A with the first paragraph of B of the same
    words not yet taken, as (a, a + 1, b, b + 1, 1.0)."""
    def keys(tokens, lengths):  # a paragraph's words as one string's hash (equal words: equal keys)
        return [hash(" ".join(tokens[i])) if n else 0 for i, n in enumerate(lengths)]

    waiting: dict[int, list[int]] = {}
    for j, key in reversed(list(enumerate(keys(tokens_b, lengths_b)))):
        waiting.setdefault(key, []).append(j)  # the first last: popped first
    chosen = []
    for i, key in enumerate(keys(tokens_a, lengths_a)):
        candidates = waiting.get(key)
        if not candidates:
            continue
        mine = tokens_a[i]
        for k in range(len(candidates) - 1, -1, -1):
            if tokens_b[candidates[k]] == mine:  # not two paragraphs whose strings' hashes collide
                j = candidates.pop(k)
                chosen.append((i, i + 1, j, j + 1, 1.0))
                break
    return chosen


# --- word-level changes --------------------------------------------------------------------


def _changes(paragraphs_a: Sequence[str], paragraphs_b: Sequence[str]) -> tuple[Change, ...]:
    """Word-level edits from A's paragraphs to B's (the non-equal parts of :func:`word_diff`)."""
    return tuple(Change(op, a, b) for op, a, b in word_diff(paragraphs_a, paragraphs_b) if op != "equal")
