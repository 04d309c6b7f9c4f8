"""Word diff: the word-level changes from one run of paragraphs to another, in the words as written.

What :func:`dedup.align.align` shows inside an ``edited`` block, and the reports beside two
paragraphs: words compare by their normalised tokens (:func:`~dedup.tokens.tokenize`), so
``U.S.`` equals ``US``, and adjacent edits are merged into one.

>>> word_diff(["Talks resumed on Monday."], ["Talks resumed on Tuesday."])
(('equal', 'Talks resumed on', 'Talks resumed on'), ('replace', 'Monday.', 'Tuesday.'))
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein

from . import _native
from .tokens import _MAX_WORD, tokenize


@functools.lru_cache(maxsize=1 << 16)
def _word_tokens(word: str) -> tuple[str, ...]:
    # Tokenising word by word is most of the cost of an edited block, and news reuses
    # its words; 65,536 entries bound the cache at a few MB.
    return tuple(tokenize(word))


# The compiled path's words met before: a vocabulary (WordIds) and each word's tokens by its id,
# started afresh past 65,536 words as the cache above is bounded.
_SEEN: list = []


def _words(paragraphs: Sequence[str]) -> tuple[list[str], list[str], list[int]]:
    """Split paragraphs into written words and their tokens, each token owned by a word."""
    fast = _native.speedups
    if fast is not None:
        # a word met before looked up by its code points, the lists made in C: 0.029 -> 0.009 s
        # for the 2,348 sides of the real corpus's edited blocks (87,000 words)
        if not _SEEN or len(_SEEN[0]) > 1 << 16:
            _SEEN[:] = [fast.WordIds(), []]
        return fast.written_words(list(paragraphs), _SEEN[0], _SEEN[1], _word_tokens, _MAX_WORD)
    written = [word for paragraph in paragraphs for word in paragraph.split()]
    found = list(map(_word_tokens, written))
    # a lone dash or ellipsis carries no token and is never a change
    words = [word for word, tokens in zip(written, found) if tokens]
    kept = [tokens for tokens in found if tokens]
    return words, [t for tokens in kept for t in tokens], [k for k, tokens in enumerate(kept) for _ in tokens]


def word_diff(paragraphs_a: Sequence[str], paragraphs_b: Sequence[str]) -> tuple[tuple[str, str, str], ...]:
    """Return the word-level diff of A's paragraphs to B's, in the words as written.

    A sequence of ``(op, a, b)`` with ``op`` one of ``equal``, ``insert``, ``delete``,
    ``replace``; concatenating the ``a`` parts gives A's words, the ``b`` parts B's.
    Words compare by their normalised tokens, so ``U.S.`` equals ``US``. Adjacent
    edits are merged into one, so a replaced word followed by an inserted one reads as
    one edit ("Two" -> "II, said").

    >>> word_diff(["The U.S. defense budget rose."], ["The US defence budget rose sharply."])
    (('equal', 'The U.S.', 'The US'), ('replace', 'defense', 'defence'), ('equal', 'budget rose.', 'budget rose'), ('insert', '', 'sharply.'))
    """
    words_a, tokens_a, owner_a = _words(paragraphs_a)
    words_b, tokens_b, owner_b = _words(paragraphs_b)
    # Several edit scripts can have the same cost; computing one in a fixed direction
    # (smaller token list first) and inverting it keeps align(b, a) the mirror of align(a, b).
    if tokens_a <= tokens_b:
        opcodes = Levenshtein.opcodes(tokens_a, tokens_b)
    else:
        opcodes = Levenshtein.opcodes(tokens_b, tokens_a).inverse()
    spans: list[list] = []
    for op in opcodes:
        tag = "equal" if op.tag == "equal" else "edit"
        if spans and spans[-1][0] == tag:
            spans[-1][2], spans[-1][4] = op.src_end, op.dest_end
        else:
            spans.append([tag, op.src_start, op.src_end, op.dest_start, op.dest_end])
    out = []
    used_a = used_b = 0  # words already shown: a word owning several tokens is shown once
    for tag, i1, i2, j1, j2 in spans:
        end_a = owner_a[i2 - 1] + 1 if i2 > i1 else used_a
        end_b = owner_b[j2 - 1] + 1 if j2 > j1 else used_b
        a = " ".join(words_a[used_a:max(used_a, end_a)])
        b = " ".join(words_b[used_b:max(used_b, end_b)])
        used_a, used_b = max(used_a, end_a), max(used_b, end_b)
        if tag == "equal":
            out.append(("equal", a, b))
        elif a or b:
            out.append(("replace" if a and b else "delete" if a else "insert", a, b))
    return tuple(out)
