"""Tokens: normalise text and cut it into words, with where each word stands.

Normalisation is for comparison only; the original text is kept for display. :func:`normalize` applies Unicode NFKC, folds case, curly
quotes, apostrophes and dashes, joins abbreviations (``U.S.`` -> ``us``) and thousands separators; :func:`tokenize` then yields
punctuation-free word tokens for any script, with each CJK character a token of its own (those scripts do not separate words).
:func:`analyse` gives a body's words as :class:`Words` (paragraph, quotation state, sentence starts), and :func:`spans_many` the same
words of a batch as code-point spans (:class:`Spans`), which signing hashes without building a string per word.

>>> tokenize("The U.S. “defence” budget—$1,000bn; Japan’s")
['the', 'us', 'defence', 'budget', '1000bn', 'japans']
>>> tokenize("Путин заявил, что")
['путин', 'заявил', 'что']
>>> tokenize("日本と")
['日', '本', 'と']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import _native
from ._pickling import made
from .quotes import (
    _CLOSE_CODE,
    _OPEN_CODE,
    _PARA_CODE,
    _TOGGLE,
    _directed,
    _directed_marks,
    _opens_with_mark,
    _quote_state,
)
from .quotes import (
    MAX_UNCLOSED_WORDS as MAX_UNCLOSED_WORDS,  # re-exported: a quotation's reach is part of what tokens are
)

# --- normalisation ---------------------------------------------------------------------

# After NFKC (which already maps the full-width quote to ASCII), fold the typographic
# double quotes of every language to '"', and drop apostrophes inside words.
_QUOTE_CHARS = re.compile("[“”„‟«»「」『』〝〞〟]")
# Patterns start with a literal (apostrophe, dot, comma) so the regex engine skips
# ahead quickly; the condition on the character before is checked in the callback.
_APOSTROPHE = re.compile(r"['‘’‛′`´ʼ](?=\w)")
_ASCII_APOSTROPHE = re.compile(r"'(?=\w)")  # _APOSTROPHE in ASCII text without a backtick
_ABBREV = re.compile(r"\.[^\W\d_](?:\.[^\W\d_])*\.?(?!\w)")
_THOUSANDS = re.compile(r",(?=\d{3}(?!\d))")


def _join_apostrophe(m: re.Match) -> str:
    i = m.start()
    return "" if i and m.string[i - 1].isalnum() else m.group()  # japan's -> japans


def _join_abbreviation(m: re.Match) -> str:
    text, i = m.string, m.start()
    # a single letter before the first dot, itself not preceded by a word character
    if i and text[i - 1].isalpha() and (i < 2 or not (text[i - 2].isalnum() or text[i - 2] == "_")):
        return m.group().replace(".", "")  # u.s. -> us
    return m.group()


def _join_thousands(m: re.Match) -> str:
    i = m.start()
    return "" if i and m.string[i - 1].isdigit() else m.group()  # 1,500 -> 1500


# Decimal digits of other scripts, folded to ASCII (NFKC leaves them): the blocks of
# scripts news is written in. Arabic-Indic, Extended Arabic-Indic, Devanagari, Bengali,
# Gurmukhi, Gujarati, Tamil, Telugu, Kannada, Malayalam, Thai, Lao, Tibetan, Myanmar, Khmer.
_DIGIT_BLOCKS = (0x0660, 0x06F0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66,
                 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x17E0)
_DIGITS = {start + d: str(d) for start in _DIGIT_BLOCKS for d in range(10)}
# str.translate looks every character up in _DIGITS (a tenth of a second over a corpus's
# non-ASCII texts): searched for first, translated only where one is found
_OTHER_DIGIT = re.compile("[" + "".join(f"{chr(start)}-{chr(start + 9)}" for start in _DIGIT_BLOCKS) + "]")
# the same for the compiled path: each code point's ASCII digit (below U+1800), or 0
_DIGIT_TABLE = np.zeros(0x1800, dtype=np.uint32)
_DIGIT_TABLE[list(_DIGITS)] = [ord(d) for d in _DIGITS.values()]


def normalize(text: str) -> str:
    """Return text folded for comparison: NFKC, casefold, quotes/apostrophes/abbreviations unified.

    Punctuation stays (it marks sentences and quotations); :func:`tokenize` drops it,
    dashes and all.

    >>> normalize("“U.S.” — Japan’s 1,500")
    '"us" — japans 1500'
    >>> normalize("١٣٥٩")
    '1359'
    """
    fast = _native.speedups
    if fast and text.isascii():  # NFKC leaves ASCII as it is; its capitals lowered as C copies it
        return fast.normalize_ascii(text, True)
    s = unicodedata.normalize("NFKC", text).casefold()
    if fast:  # the folds and joins below, one pass each in C (0.7 s of CPU in a scan of 10^5 documents, regexes)
        return fast.normalize_ascii(s) if s.isascii() else fast.normalize_text(s, _DIGIT_TABLE)
    if not s.isascii():
        s = _QUOTE_CHARS.sub('"', s)
        if _OTHER_DIGIT.search(s):
            s = s.translate(_DIGITS)
        s = _APOSTROPHE.sub(_join_apostrophe, s)
    elif "`" in s:
        s = _APOSTROPHE.sub(_join_apostrophe, s)
    elif "'" in s:  # the same, searched for one literal (the regex engine skips to it): 3x faster
        s = _ASCII_APOSTROPHE.sub(_join_apostrophe, s)
    s = _ABBREV.sub(_join_abbreviation, s)
    return _THOUSANDS.sub(_join_thousands, s)


# Scripts written without spaces between words: each character is a token.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
CJK_CHAR = re.compile(f"[{_CJK}]")
_WORD = f"[{_CJK}]|[^\\W_{_CJK}]+"
WORD_TOKEN = re.compile(_WORD)
# The tokens analyse() needs, as a regex (the definition; _scan finds the same tokens
# with numpy): words, and the marks: paragraph breaks (newline), quotation marks and
# sentence ends.
_SENTENCE_MARKS = ".!?。！？"
_MARKED_TOKEN = re.compile(f'[^\\W_{_CJK}]+|[\\n"\u201c\u201d{_SENTENCE_MARKS}{_CJK}]')
_MAX_WORD = 40  # longer tokens (URLs, hashes) are cut: they carry no more evidence


def tokenize(text: str) -> list[str]:
    """Return the normalised word tokens of a text (no punctuation, any script).

    >>> tokenize('He said: "We will win." Then left.')
    ['he', 'said', 'we', 'will', 'win', 'then', 'left']
    """
    if text.isascii() and text.isalnum():  # one word of ASCII letters and digits (most words a word diff asks for)
        return [text.lower()[:_MAX_WORD]]
    return [w[:_MAX_WORD] for w in WORD_TOKEN.findall(normalize(text))]


def paragraph_words(paragraphs: Sequence[str], vocabulary: dict[str, int]) -> tuple[list[list[str]], list[list[int]]]:
    """:func:`tokenize` of each paragraph, and each word's id in ``vocabulary`` (a word not in it
    yet added with the next number): what aligning compares.

    The compiled path normalises the paragraphs as one text, joined by line breaks (no rule of
    :func:`normalize` reaches across one), and cuts it into words in one pass.

    >>> vocabulary = {}
    >>> paragraph_words(["The U.S. said.", "", "The end"], vocabulary)
    ([['the', 'us', 'said'], [], ['the', 'end']], [[0, 1, 2], [], [0, 3]])
    """
    fast = _native.speedups
    if fast is None:
        words = [tokenize(p) for p in paragraphs]
        return words, [[vocabulary.setdefault(t, len(vocabulary)) for t in p] for p in words]
    if not paragraphs:
        return [], []
    text = normalize("\n".join(p.replace("\n", " ") for p in paragraphs))
    return fast.paragraph_words(text, _code_classes(), _astral_class, _MAX_WORD, vocabulary)


@dataclass(frozen=True, slots=True)
class Words:
    """The body of one article as normalised words, with where each one stands.

    Attributes:
        words: normalised word tokens, in order (a numpy unicode array).
        paragraph: index of the body paragraph each word is in.
        quoted: whether each word is inside a quotation (any quotation marks, dash speech).
        sentence_start: whether each word begins a sentence (or a paragraph), as signing
            anchors passages (every ``.``, ``!`` or ``?`` ends one).
        sentence: the index of the sentence each word is in, counting from 0, as
            verifying compares sentences: a full stop inside a number or a word
            (``1.5``, ``example.com``) ends none.

    >>> analyse(["One two. Three."]).words.tolist()
    ['one', 'two', 'three']
    """

    words: np.ndarray
    paragraph: np.ndarray
    quoted: np.ndarray
    sentence_start: np.ndarray
    sentence: np.ndarray

    def __len__(self) -> int:
        return len(self.words)


_WORDS_FIELDS = ("words", "paragraph", "quoted", "sentence_start", "sentence")  # Words', in order (made() stores them)


def analyse(paragraphs: Iterable[str]) -> Words:
    """Tokenise body paragraphs into :class:`Words`, vectorised over the whole body.

    Quotation state is reset at each paragraph, so an unclosed quote (news style for a
    quote running over several paragraphs) never leaks past its paragraph.

    >>> w = analyse(['He said "we will win" today.', 'Next one.'])
    >>> w.words.tolist(), w.quoted.tolist(), w.paragraph.tolist(), w.sentence_start.tolist()
    (['he', 'said', 'we', 'will', 'win', 'today', 'next', 'one'], [False, False, True, True, True, False, False, False], [0, 0, 0, 0, 0, 0, 1, 1], [True, False, False, False, False, False, True, False])
    """
    return analyse_many([paragraphs])[0]


def analyse_many(bodies: Sequence[Iterable[str]]) -> list[Words]:
    """:func:`analyse` for many bodies at once: the same :class:`Words` for each, with
    the numpy work done once for the batch (its per-call overhead is most of the cost
    for a news-sized article).

    >>> [len(w) for w in analyse_many([["One two."], [], ["Three."]])]
    [2, 0, 1]
    """
    listed = [b if isinstance(b, (list, tuple)) else list(b) for b in bodies]
    return joined_parts(analyse_parts(listed), long_word_counts(listed))


def analyse_with_spans(bodies: Sequence[Iterable[str]]) -> tuple[list[Words], Spans]:
    """:func:`analyse_many`, and the batch's :class:`Spans` (the same words, as code
    points: :func:`dedup.sign.span_hashes` hashes them without the strings).

    >>> words, spans = analyse_with_spans([["One two."], ["Three."]])
    >>> [len(w) for w in words], spans.counts.tolist()
    ([2, 1], [2, 1])
    """
    scan = _scan(bodies, directed_quotes=True)
    if not bodies:
        return [], scan.spans
    return _analysed(scan), scan.spans


def _analysed(scan: _Scan, *, variable_width: bool = False) -> list[Words]:
    """The :class:`Words` of each body of a scan (``variable_width``: the words as numpy's
    variable-width strings, :data:`_STRINGS`)."""
    spans = scan.spans
    codes, tokens, kinds, is_word = spans.codes, scan.tokens, scan.kinds, scan.is_word
    first = codes[tokens]
    is_para = first == _PARA_CODE
    cuts = np.concatenate(([0], np.cumsum(spans.counts))).tolist()
    fast = _native.speedups
    if fast is not None:  # sentence ends, paragraphs and sentences in one pass in C: 0.022 -> 0.004 s on 830,000 tokens
        sentence_end, paragraph, sentence = fast.word_places(codes, tokens, kinds, _code_classes(), scan.bounds, _PARA_CODE)
    else:
        # a sentence ends at a break, but for a full stop with a word character right after it
        following = np.take(_code_classes(), np.take(codes, tokens + 1, mode="clip"), mode="clip")
        sentence_end = (kinds == _BREAK) & ~((first == 46) & (following == _WORD_CHAR) & (tokens + 1 < len(codes)))
        # paragraph and sentence index within its own body: counted since the body's opening break
        opening = np.searchsorted(tokens, scan.bounds[:-1])
        doc = np.searchsorted(scan.bounds, tokens, side="right") - 1
        paragraphs_seen = np.cumsum(is_para)
        paragraph = (paragraphs_seen - paragraphs_seen[opening][doc])[is_word].astype(np.int32)
        sentence = _sentence_index(sentence_end, is_word, cuts)
    quoted = _quote_state(first, is_para | (kinds == _QUOTE), is_word, sentence_end)[is_word]
    words = _strings(codes, spans.starts, spans.ends)
    if variable_width and _STRINGS is not None:
        words = words.astype(_STRINGS)
    starts = spans.sentence_start
    return list(made(Words, _WORDS_FIELDS, [(words[i:j], paragraph[i:j], quoted[i:j], starts[i:j], sentence[i:j])
                                            for i, j in zip(cuts, cuts[1:])]))


def _sentence_index(sentence_end: np.ndarray, is_word: np.ndarray, cuts: list[int]) -> np.ndarray:
    """Each word's sentence within its body, from 0: the sentence ends before it, renumbered
    per body so that the numbers run on without gaps (empty sentences take none)."""
    ends_before = np.cumsum(sentence_end)[is_word]
    starts = np.ones(len(ends_before), dtype=bool)
    starts[1:] = ends_before[1:] != ends_before[:-1]
    starts[np.array(cuts[:-1], dtype=np.int64)[np.array(cuts[:-1]) < len(starts)]] = True
    number = np.cumsum(starts) - 1
    first = np.repeat(number[np.minimum(cuts[:-1], max(len(number) - 1, 0))] if len(number) else np.zeros(0, np.int64),
                      np.diff(cuts)) if len(number) else number
    return (number - first).astype(np.int32)


def _strings(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The numpy unicode array of the words ``codes[starts[k]:ends[k]]``, built from the
    code points directly (a row of code points per word, padded with zeros)."""
    lengths = ends - starts
    width = int(lengths.max()) if len(lengths) else 1
    fast = _native.speedups
    if fast:
        return fast.word_matrix(codes, starts, ends, width).view(f"<U{width}").reshape(len(starts))
    matrix = np.zeros((len(starts), width), dtype=np.uint32)
    offsets = np.cumsum(lengths) - lengths
    place = np.arange(int(lengths.sum()))
    column = place - np.repeat(offsets, lengths)
    matrix[np.repeat(np.arange(len(starts)), lengths), column] = codes[np.repeat(starts, lengths) + column]
    return matrix.view(f"<U{width}").reshape(len(starts))


@dataclass(frozen=True, slots=True)
class Spans:
    """A batch of bodies tokenised as :func:`analyse_many` does, as spans of code points.

    What signing needs, without a Python string per word: the words are ``codes[starts[k]
    : ends[k]]`` (cut at the same length as :func:`analyse` cuts them), and
    ``sentence_start`` equals the :class:`Words` field.

    Attributes:
        codes: the code points of the batch's normalised bodies, one after another (uint32).
        starts, ends: each word's span in ``codes``, in order, all bodies together.
        sentence_start: whether each word begins a sentence (or a paragraph).
        counts: the number of words of each body.
    """

    codes: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    sentence_start: np.ndarray
    counts: np.ndarray


# Code point classes for spans_many, the character classes of _MARKED_TOKEN: word
# characters run together; a CJK character is a word by itself; breaks (paragraph,
# sentence end) and quotation marks are tokens that are not words.
_OTHER, _WORD_CHAR, _CJK_WORD, _BREAK, _QUOTE = 0, 1, 2, 3, 4


@lru_cache(maxsize=1)
def _code_classes() -> np.ndarray:
    """The class of every code point of the Basic Multilingual Plane, read off the
    regexes themselves, so that the two tokenisers cannot disagree (once per process)."""
    table = np.zeros(0x10000, dtype=np.uint8)
    plane = "".join(map(chr, range(0x10000)))
    for pattern, kind in ((_BMP_WORD, _WORD_CHAR), (CJK_CHAR, _CJK_WORD)):
        found = "".join(pattern.findall(plane)).encode("utf-32-le", "surrogatepass")
        table[np.frombuffer(found, dtype=np.uint32)] = kind
    table[[ord(c) for c in "\n" + _SENTENCE_MARKS]] = _BREAK
    table[[_OPEN_CODE, _CLOSE_CODE, ord(_TOGGLE)]] = _QUOTE
    return table


_BMP_WORD = re.compile(f"[^\\W_{_CJK}]")


def _classes(codes: np.ndarray) -> np.ndarray:
    """:func:`_code_classes` of each code point; those beyond the BMP (rare) one by one."""
    classes = np.take(_code_classes(), codes, mode="clip")  # clip: the last entry for those beyond
    astral = np.flatnonzero(codes > 0xFFFF)
    for c in sorted(set(codes[astral].tolist())):
        classes[astral[codes[astral] == c]] = _astral_class(c)
    return classes


@lru_cache(maxsize=4096)
def _astral_class(code: int) -> int:
    """The class of a code point beyond the BMP (as :func:`_code_classes` reads the regexes)."""
    ch = chr(code)
    return _CJK_WORD if CJK_CHAR.match(ch) else _WORD_CHAR if _BMP_WORD.match(ch) else _OTHER


@dataclass(frozen=True, slots=True)
class _Scan:
    """One token scan of a batch of bodies (see :func:`_scan`)."""

    spans: Spans  # the words (codes: the bodies, each opened by a paragraph break)
    bounds: np.ndarray  # where each body starts in codes, and the end
    tokens: np.ndarray  # where each token starts: words, breaks, quotation marks
    kinds: np.ndarray  # each token's class
    is_word: np.ndarray  # which tokens are words


def _scan(bodies: Sequence[Iterable[str]], *, directed_quotes: bool) -> _Scan:
    """Normalise and tokenise a batch of bodies as ``_MARKED_TOKEN.findall`` would, but
    with numpy over the code points: character classes, then runs of word characters.

    ``directed_quotes``: give each quotation mark its direction first (:func:`analyse`
    needs it for the quoted flags; words and sentences do not depend on it).
    """
    return _scan_pieces(_pieces(bodies, directed_quotes=directed_quotes))


def _pieces(bodies: Sequence[Iterable[str]], *, directed_quotes: bool) -> list[str]:
    """Each body normalised (its quotation marks directed, if asked), as one string that
    opens with a paragraph break: the text :func:`_scan_pieces` tokenises."""
    pieces = []
    for paragraphs in bodies:
        body = normalize("\n".join(p.replace("\n", " ") for p in paragraphs))
        if directed_quotes:
            body = _directed(body)
        pieces.append("\n" + body)  # each body opens with a paragraph break: every state resets
    return pieces


def _scan_pieces(pieces: Sequence[str]) -> _Scan:
    """:func:`_scan` of bodies already normalised (:func:`_pieces`)."""
    codes = np.frombuffer("".join(pieces).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    fast = _native.speedups  # the same arrays from one pass in C (dedup/_speedups.pyx)
    found = fast.scan(codes, _code_classes(), _astral_class, _MAX_WORD) if fast else _tokenised(codes)
    tokens, kinds, starts, ends, sentence_start = found
    is_word = kinds <= _CJK_WORD
    bounds = np.cumsum([0] + [len(p) for p in pieces])
    counts = np.diff(np.searchsorted(starts, bounds))
    return _Scan(Spans(codes, starts, ends, sentence_start, counts), bounds, tokens, kinds, is_word)


def _tokenised(codes: np.ndarray) -> tuple[np.ndarray, ...]:
    """The reference of ``_speedups.scan``: (each token's start, its class, each word's start and
    end, whether it starts a sentence) of a batch's code points, with numpy."""
    classes = _classes(codes)
    word_char = classes == _WORD_CHAR
    run_start = word_char.copy()  # the first character of each run of word characters
    run_start[1:] &= ~word_char[:-1]
    run_end = word_char.copy()  # the last one
    run_end[:-1] &= ~word_char[1:]
    tokens = np.flatnonzero(run_start | (classes > _WORD_CHAR))
    kinds = classes[tokens]
    is_word = kinds <= _CJK_WORD
    starts = tokens[is_word]
    ends = starts + 1
    ends[kinds[is_word] == _WORD_CHAR] = np.flatnonzero(run_end) + 1
    ends = np.minimum(ends, starts + _MAX_WORD)
    # a sentence starts at the first word after a break (paragraph or sentence end)
    breaks = np.cumsum(kinds == _BREAK)[is_word]
    sentence_start = np.ones(len(starts), dtype=bool)
    sentence_start[1:] = breaks[1:] != breaks[:-1]
    return tokens, kinds, starts, ends, sentence_start


def spans_many(bodies: Sequence[Iterable[str]]) -> Spans:
    """Tokenise many bodies as :func:`analyse_many` does, into :class:`Spans`: what
    signing needs, with no Python object per word (comparing needs the words themselves).

    >>> s = spans_many([["He said: Hi. Bye"], ["Two “words”."]])
    >>> [''.join(map(chr, s.codes[a:b])) for a, b in zip(s.starts, s.ends)], s.counts.tolist()
    (['he', 'said', 'hi', 'bye', 'two', 'words'], [4, 2])
    >>> s.sentence_start.tolist()
    [True, False, False, True, True, False]
    """
    return _scan(bodies, directed_quotes=False).spans


#: Code points tokenised at a time (:func:`analyse_parts`, :func:`spans_parts`): tokenising
#: takes about 50 bytes of working memory a code point, so a batch, or one long article, is
#: tokenised in parts of this size. A batch of 256 news articles of 4 KB is one part.
PART_CODE_POINTS = 1 << 20
# numpy 2's variable-width strings: 16 bytes a word, where a fixed-width array takes 4 a
# character of the longest word (160 once a 40-character token is in it). A long body's words.
_STRINGS = np.dtypes.StringDType() if hasattr(getattr(np, "dtypes", None), "StringDType") else None
# Where a paragraph longer than a part is cut: after a sentence's end, before a space.
_SENTENCE_CUT = re.compile(f"[{_SENTENCE_MARKS}](?= )")


def _cut(piece: str, limit: int) -> Iterator[tuple[str, int]]:
    """A normalised body (:func:`_pieces`) in pieces of at most about ``limit`` code
    points, each opening with a paragraph break, with the index of its first paragraph.

    A piece ends at a paragraph break; a paragraph longer than ``limit`` is cut after a
    sentence's end, a break put in front of its rest (the words and sentences are the same,
    but a quotation open across the cut ends there); a sentence longer than ``limit`` is not
    cut.

    >>> list(_cut("\\none\\ntwo\\nthree", 5))
    [('\\none', 0), ('\\ntwo', 1), ('\\nthree', 2)]
    >>> list(_cut("\\nsee. one two. three\\nfour", 8))
    [('\\nsee.', 0), ('\\n one two.', 0), ('\\n three', 0), ('\\nfour', 1)]
    """
    start, rest, breaks = 0, False, 0  # rest: start is within a paragraph; breaks: before start
    while len(piece) - start > limit:
        cut = piece.rfind("\n", start + 1, start + limit + 1)
        within = cut < 0
        if within:  # no paragraph ends within the limit: cut this one after a sentence
            ends = list(_SENTENCE_CUT.finditer(piece, start + 1, start + limit))
            end = piece.find("\n", start + 1)
            following = None if ends else _SENTENCE_CUT.search(piece, start + limit, end if end >= 0 else len(piece))
            if ends or following:
                found = ends[-1] if ends else following
                assert found is not None
                cut = found.end()
            else:  # no sentence ends before the paragraph does: the paragraph whole
                within, cut = False, end
                if cut < 0:
                    break
        yield ("\n" + piece[start:cut] if rest else piece[start:cut]), breaks - 1 if rest else breaks
        breaks += piece.count("\n", start, cut)
        start, rest = cut, within
    yield ("\n" + piece[start:] if rest else piece[start:] if start else piece), breaks - 1 if rest else breaks


def _parts(bodies: Sequence[Iterable[str]], *, directed_quotes: bool, limit: int) -> Iterator[Part]:
    """The bodies normalised (:func:`_pieces`), in parts of about ``limit`` code points:
    whole bodies, or the pieces of a body longer than ``limit`` (:func:`_long_pieces`, a
    part of its own each), tokenised."""
    for owners, group, first_paragraph, cut in _groups(bodies, directed_quotes=directed_quotes, limit=limit):
        yield _part(owners, group, first_paragraph, directed_quotes, cut=cut)


def _groups(
    bodies: Sequence[Iterable[str]], *, directed_quotes: bool, limit: int, raw: Callable[[Sequence[str]], int] | None = None
) -> Iterator[tuple[list[int], list, list[int], bool]]:
    """The parts of :func:`_parts` before they are tokenised: (owners, pieces, first paragraphs,
    whether the piece is cut from a body longer than ``limit``).

    ``raw``: which bodies are given as their paragraphs (a tuple), for the compiled
    ``scan_hashes`` to make their pieces itself: ``raw(paragraphs)`` is at least the piece's
    length, or -1 for a body made a piece here (making the real corpus's pieces in Python took
    0.11 s).
    """
    owners: list[int] = []
    group: list = []
    size = 0  # the group's code points (summed as it grows: summing them again for every body was quadratic)
    # (None after the last body: the end, which sends the last group)
    for k, paragraphs in enumerate([b if isinstance(b, (list, tuple)) else list(b) for b in bodies] + [None]):
        n = -1 if raw is None or paragraphs is None else raw(paragraphs)
        long = n > limit if n >= 0 else paragraphs is not None and _long(paragraphs, limit)
        piece: str | tuple | None = None
        if paragraphs is not None and n >= 0 and not long:
            piece = tuple(paragraphs)
        elif paragraphs is not None and not long:
            piece = _pieces([paragraphs], directed_quotes=directed_quotes)[0]
            n = len(piece)
        if group and (piece is None or size + n > limit):
            yield owners, group, [0] * len(group), False
            owners, group, size = [], [], 0
        if long:
            assert paragraphs is not None
            for sub, paragraph in _long_pieces(paragraphs, directed_quotes=directed_quotes, limit=limit):
                yield [k], [sub], [paragraph], True
        elif piece is not None:
            owners.append(k)
            group.append(piece)
            size += n


def hashed_parts(bodies: Sequence[Iterable[str]], base: int, *, limit: int | None = None) -> Iterator[tuple[list[int], tuple]]:
    """:func:`spans_parts` of the bodies, the words hashed as the compiled tokeniser finds them
    (``dedup._speedups.scan_hashes``, with the polynomial ``base`` of ``dedup.sign.span_hashes``):
    (owners, (each word's hash, whether it starts a sentence, each piece's number of words))
    a part at a time. The compiled path only: the reference is spans_parts and span_hashes."""
    fast = _native.speedups
    assert fast is not None
    limit = limit or PART_CODE_POINTS
    for owners, pieces, _, _ in _groups(bodies, directed_quotes=False, limit=limit, raw=fast.ascii_size):
        yield owners, fast.scan_hashes(pieces, _code_classes(), _astral_class, _MAX_WORD, base)


def _long_pieces(paragraphs: Sequence[str], *, directed_quotes: bool, limit: int) -> Iterator[tuple[str, int]]:
    """A body longer than ``limit`` as :func:`_pieces` makes it, normalised and cut into
    pieces of about ``limit`` code points (:func:`_cut`), with the index of each piece's
    first paragraph.

    Some paragraphs are normalised at a time (normalising holds several copies of the text:
    16 bytes a character, 800 MB for a 50 MB article): the same text, as no rule of
    :func:`normalize` or :func:`_directed_marks` reaches across a paragraph break. Only
    a quotation mark opening the body, which may wrap all of it, needs the whole body.

    >>> list(_long_pieces(["One two.", "Three.", "Four five six."], directed_quotes=True, limit=16))
    [('\\none two.\\nthree.', 0), ('\\nfour five six.', 2)]
    """
    ranges, size = [0], 0  # where each range of paragraphs starts
    for k, paragraph in enumerate(paragraphs):
        if k > ranges[-1] and size + len(paragraph) + 1 > limit:
            ranges.append(k)
            size = 0
        size += len(paragraph) + 1
    for lo, hi in zip(ranges, ranges[1:] + [len(paragraphs)]):
        text = normalize("\n".join(p.replace("\n", " ") for p in paragraphs[lo:hi]))
        if directed_quotes:
            if lo == 0 and _opens_with_mark(text):  # the whole body, at once
                (piece,) = _pieces([paragraphs], directed_quotes=True)
                yield from _cut(piece, limit)
                return
            text = _directed_marks(text)
        yield from ((sub, lo + paragraph) for sub, paragraph in _cut("\n" + text, limit))


@dataclass(frozen=True, slots=True)
class Part:
    """Some bodies of a batch tokenised (:func:`spans_parts`, :func:`analyse_parts`).

    Attributes:
        owners: the body (its index in the batch) each piece of the part belongs to: a whole
            body, or some consecutive paragraphs of a body longer than a part.
        first_paragraph: the index in its body of each piece's first paragraph.
        spans: the pieces' :class:`Spans`.
        words: the pieces' :class:`Words` (:func:`analyse_parts` only).
    """

    owners: list[int]
    first_paragraph: list[int]
    spans: Spans
    words: list[Words] | None = None


def _part(owners: list[int], pieces: list[str], first_paragraph: list[int], analyse: bool, *, cut: bool) -> Part:
    scan = _scan_pieces(pieces)
    return Part(owners, first_paragraph, scan.spans, _analysed(scan, variable_width=cut) if analyse else None)


def spans_parts(bodies: Sequence[Iterable[str]], *, limit: int | None = None) -> Iterator[Part]:
    """:func:`spans_many` of the bodies a part at a time (:data:`PART_CODE_POINTS`), as
    :class:`Part` s. A body longer than a part comes in pieces of consecutive paragraphs,
    whose words are the body's words in order, with the same sentence starts (a paragraph
    starts a sentence).

    >>> [(p.owners, p.spans.counts.tolist()) for p in spans_parts([["One two.", "Three."], ["Four."]], limit=8)]
    [([0], [2]), ([0], [1]), ([1], [1])]
    """
    return _parts(bodies, directed_quotes=False, limit=limit or PART_CODE_POINTS)


def analyse_parts(bodies: Sequence[Iterable[str]], *, limit: int | None = None) -> Iterator[Part]:
    """:func:`analyse_with_spans` of the bodies a part at a time, as :func:`spans_parts`,
    with the pieces' :class:`Words` (:func:`joined_parts` makes the pieces of a body one).

    The pieces of a body longer than a part number their paragraphs and sentences from
    their own first (the quotation marks are directed over the whole body first), and hold
    their words as numpy's variable-width strings (numpy 2).
    """
    return _parts(bodies, directed_quotes=True, limit=limit or PART_CODE_POINTS)


def joined_parts(parts: Iterable[Part], counts: Sequence[int | None]) -> list[Words]:
    """The :class:`Words` of each body from its parts (:func:`analyse_parts`), ``counts[k]``
    the number of words of body k if it is longer than a part (:func:`long_word_counts`;
    None for the others, which come whole): its pieces are laid out in place in arrays of
    that size, their paragraph and sentence numbers run on (a piece opens a sentence), and
    none is kept (pieces joined once all are made would be held twice, and the memory of
    those freed would not go back to the system, in between others kept).

    >>> bodies = [["One. Two.", "Three four."], ["Five."]]
    >>> w = joined_parts(analyse_parts(bodies, limit=12), long_word_counts(bodies, limit=12))
    >>> w[0].words.tolist(), w[0].paragraph.tolist(), w[0].sentence.tolist(), w[1].words.tolist()
    (['one', 'two', 'three', 'four'], [0, 0, 1, 1], [0, 1, 2, 2], ['five'])
    """
    out: list = [None] * len(counts)
    at, sentences = [0] * len(counts), [0] * len(counts)  # per body: words laid out, sentences
    for part in parts:
        assert part.words is not None
        for owner, w, first in zip(part.owners, part.words, part.first_paragraph):
            count = counts[owner]
            if count is None:
                out[owner] = w
                continue
            if out[owner] is None:
                dtypes = [_STRINGS or f"<U{_MAX_WORD}", *(getattr(w, f).dtype for f in Words.__slots__[1:])]
                out[owner] = Words(*(np.empty(count, dtype=t) for t in dtypes))
            start, stop = at[owner], at[owner] + len(w)
            for field, offset in zip(Words.__slots__, (0, first, 0, 0, sentences[owner])):
                getattr(out[owner], field)[start:stop] = getattr(w, field) + offset if offset else getattr(w, field)
            at[owner] = stop
            sentences[owner] += int(w.sentence[-1]) + 1 if len(w) else 0
    return out


def long_word_counts(bodies: Sequence[Sequence[str]], *, limit: int | None = None) -> list[int | None]:
    """The number of words of each body longer than a part (:func:`joined_parts` needs it),
    None for the others: the words counted in a first pass, a part at a time."""
    limit = limit or PART_CODE_POINTS
    return [
        sum(int(p.spans.counts.sum()) for p in spans_parts([b], limit=limit)) if _long(b, limit) else None
        for b in bodies
    ]


def _long(paragraphs: Sequence[str], limit: int) -> bool:
    """Whether a body is longer than a part (then cut into pieces: :func:`_long_pieces`)."""
    return sum(map(len, paragraphs)) + len(paragraphs) > limit
