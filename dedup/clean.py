"""Clean: split an article into paragraphs, tell body from furniture, normalise words.

Scraped news arrives wrapped in furniture: headline, byline, dateline, captions,
"Related article:" links, source lines, comment threads, ads, menus and prompts.
:func:`clean` keeps every paragraph (credits and dates are evidence of origin) but
labels each with a ``kind``; only ``body`` paragraphs drive similarity.

Normalisation is for comparison only; the original text is kept for display.
:func:`normalize` applies Unicode NFKC, folds case, curly quotes, apostrophes and
dashes, joins abbreviations (``U.S.`` -> ``us``) and thousands separators;
:func:`tokenize` then yields punctuation-free word tokens for any script, with
each CJK character a token of its own (those scripts do not separate words).

>>> [p.kind for p in clean("By Reuters\\n\\nThe minister said on Monday that the talks would go on.").paragraphs]
['byline', 'body']
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
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np

#: Paragraph kinds. ``body`` is article text; everything else is furniture.
KINDS = (
    "body", "headline", "standfirst", "byline", "dateline", "date", "caption", "credit",
    "related", "source", "copyright", "comment", "prompt", "ad", "nav", "template", "trailer",
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


def normalize(text: str) -> str:
    """Return text folded for comparison: NFKC, casefold, quotes/apostrophes/abbreviations unified.

    Punctuation stays (it marks sentences and quotations); :func:`tokenize` drops it,
    dashes and all.

    >>> normalize("“U.S.” — Japan’s 1,500")
    '"us" — japans 1500'
    >>> normalize("١٣٥٩")
    '1359'
    """
    s = unicodedata.normalize("NFKC", text).casefold()
    if not s.isascii():
        s = _APOSTROPHE.sub(_join_apostrophe, _QUOTE_CHARS.sub('"', s).translate(_DIGITS))
    elif "`" in s:
        s = _APOSTROPHE.sub(_join_apostrophe, s)
    elif "'" in s:  # the same, searched for one literal (the regex engine skips to it): 3x faster
        s = _ASCII_APOSTROPHE.sub(_join_apostrophe, s)
    s = _ABBREV.sub(_join_abbreviation, s)
    return _THOUSANDS.sub(_join_thousands, s)


# Scripts written without spaces between words: each character is a token.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_WORD = f"[{_CJK}]|[^\\W_{_CJK}]+"
_WORD_TOKEN = re.compile(_WORD)
# The tokens analyse() needs, as a regex (the definition; _scan finds the same tokens
# with numpy): words, and the marks: paragraph breaks (newline), quotation marks and
# sentence ends.
_SENTENCE_MARKS = ".!?。！？"
_MARKED_TOKEN = re.compile(f'[^\\W_{_CJK}]+|[\\n"\u201c\u201d{_SENTENCE_MARKS}{_CJK}]')
_MAX_WORD = 40  # longer tokens (URLs, hashes) are cut: they carry no more evidence


# Quotation marks get a direction from their surroundings (after folding every style
# to '"'): an opening mark follows a space or bracket and precedes text, a closing mark
# follows text and precedes a space or punctuation. Marks with text on both sides, or
# spaces on both sides (French « spaced »), toggle; a mark that can be neither (a space
# before it and nothing after, as in scraped "railways. ") is ignored, so one stray
# mark cannot turn the rest of a paragraph into a quotation.
_QUOTE_MARK = re.compile('"')
_OPEN, _CLOSE, _TOGGLE = "\u201c", "\u201d", '"'
_PARA_CODE, _OPEN_CODE, _CLOSE_CODE = 10, ord(_OPEN), ord(_CLOSE)
_BEFORE_OPEN = set(" \t\n([{/—–-")
_AFTER_CLOSE = set(" \t\n.,;:!?)]}/—–-")


def _quote_direction(match: re.Match) -> str:
    text, i = match.string, match.start()
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    can_open = before in _BEFORE_OPEN and not after.isspace()
    can_close = not before.isspace() and after in _AFTER_CLOSE
    if can_open != can_close:
        return _OPEN if can_open else _CLOSE
    if can_open or (before.isspace() and after.isspace() and i + 1 < len(text) and text[i + 1] != "\n"):
        return _TOGGLE
    return " "


def _quote_state(first: np.ndarray, marks: np.ndarray) -> np.ndarray:
    """Whether each token is inside quotation marks; state resets at each paragraph.

    ``first`` holds each token's first code point, ``marks`` flags paragraph breaks and
    quotation marks.
    """
    positions = np.flatnonzero(marks)
    state = np.zeros(len(first), dtype=bool)
    inside = False
    codes = first[positions].tolist()
    ends = positions[1:].tolist() + [len(first)]
    for pos, code, end in zip(positions.tolist(), codes, ends):
        inside = False if code == _PARA_CODE else True if code == _OPEN_CODE else False if code == _CLOSE_CODE else not inside
        if inside:
            state[pos + 1 : end] = True
    return state


def tokenize(text: str) -> list[str]:
    """Return the normalised word tokens of a text (no punctuation, any script).

    >>> tokenize('He said: "We will win." Then left.')
    ['he', 'said', 'we', 'will', 'win', 'then', 'left']
    """
    return [w[:_MAX_WORD] for w in _WORD_TOKEN.findall(normalize(text))]


@dataclass(frozen=True, slots=True)
class Words:
    """The body of one article as normalised words, with where each one stands.

    Attributes:
        words: normalised word tokens, in order (a numpy unicode array).
        paragraph: index of the body paragraph each word is in.
        quoted: whether each word is inside double quotation marks.
        sentence_start: whether each word begins a sentence (or a paragraph).
    """

    words: np.ndarray
    paragraph: np.ndarray
    quoted: np.ndarray
    sentence_start: np.ndarray

    def __len__(self) -> int:
        return len(self.words)


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
    return analyse_with_spans(bodies)[0]


def analyse_with_spans(bodies: Sequence[Iterable[str]]) -> tuple[list[Words], Spans]:
    """:func:`analyse_many`, and the batch's :class:`Spans` (the same words, as code
    points: :func:`dedup.sign.span_hashes` hashes them without the strings).

    >>> words, spans = analyse_with_spans([["One two."], ["Three."]])
    >>> [len(w) for w in words], spans.counts.tolist()
    ([2, 1], [2, 1])
    """
    scan = _scan(bodies, directed_quotes=True)
    spans = scan.spans
    if not bodies:
        return [], spans
    codes, tokens, kinds, is_word = spans.codes, scan.tokens, scan.kinds, scan.is_word
    first = codes[tokens]
    is_para = first == _PARA_CODE
    quoted = _quote_state(first, is_para | (kinds == _QUOTE))[is_word]
    # paragraph index within its own body: breaks counted since the body's opening one
    opening = np.searchsorted(tokens, scan.bounds[:-1])
    doc = np.searchsorted(scan.bounds, tokens, side="right") - 1
    paragraphs_seen = np.cumsum(is_para)
    paragraph = (paragraphs_seen - paragraphs_seen[opening][doc])[is_word].astype(np.int32)
    words = _strings(codes, spans.starts, spans.ends)
    cuts = np.concatenate(([0], np.cumsum(spans.counts))).tolist()
    return [
        Words(words[i:j], paragraph[i:j], quoted[i:j], spans.sentence_start[i:j])
        for i, j in zip(cuts, cuts[1:])
    ], spans


def _strings(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The numpy unicode array of the words ``codes[starts[k]:ends[k]]``, built from the
    code points directly (a row of code points per word, padded with zeros)."""
    lengths = ends - starts
    width = int(lengths.max()) if len(lengths) else 1
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
    for pattern, kind in ((_BMP_WORD, _WORD_CHAR), (_CJK_CHAR, _CJK_WORD)):
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
        ch = chr(c)
        kind = _CJK_WORD if _CJK_CHAR.match(ch) else _WORD_CHAR if _BMP_WORD.match(ch) else _OTHER
        classes[astral[codes[astral] == c]] = kind
    return classes


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
    pieces = []
    for paragraphs in bodies:
        body = normalize("\n".join(p.replace("\n", " ") for p in paragraphs))
        if directed_quotes and '"' in body:
            body = _QUOTE_MARK.sub(_quote_direction, body)
        pieces.append("\n" + body)  # each body opens with a paragraph break: every state resets
    codes = np.frombuffer("".join(pieces).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
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
    bounds = np.cumsum([0] + [len(p) for p in pieces])
    counts = np.diff(np.searchsorted(starts, bounds))
    return _Scan(Spans(codes, starts, ends, sentence_start, counts), bounds, tokens, kinds, is_word)


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


# --- paragraphs --------------------------------------------------------------------------

_BLANK_LINE = re.compile(r"\n[ \t\u00a0\u3000]*\n")
_INDENTED = re.compile(r"^[ \t]+\S")  # the definition of an indented line (_indented is faster)
_TERMINAL = tuple(".!?:;\"'”’)»。！？")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")


def split_paragraphs(text: str) -> list[str]:
    """Split raw article text into paragraphs.

    Blank lines separate paragraphs. Inside a block, lines that look hard-wrapped
    (mid-sentence breaks, as in wire copy) are joined, with indented lines starting a
    new paragraph; otherwise each line is a paragraph of its own (scraped pages).

    >>> split_paragraphs("Title\\n\\nThe Federal Reserve entered the U.S.\\nGovernment securities market to\\narrange repurchases.\\n    Dealers said so.")
    ['Title', 'The Federal Reserve entered the U.S. Government securities market to arrange repurchases.', 'Dealers said so.']
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    out: list[str] = []
    for block in _BLANK_LINE.split(text):
        lines = [line for line in map(str.rstrip, block.split("\n")) if line]
        if not lines:
            continue
        stripped = [line.lstrip() for line in lines]
        # str.lstrip returns the line itself when there is nothing to strip: most lines
        indented = [bare is not line and _indented(line) for line, bare in zip(lines, stripped)]
        # paragraphs come out with runs of white space as one space (lines not blank: never empty)
        if _hard_wrapped(stripped, indented):
            current: list[str] = []
            for bare, indent in zip(stripped, indented):
                if indent and current:
                    out.append(" ".join(current))
                    current = []
                current += bare.split()
            out.append(" ".join(current))
        else:
            out += [" ".join(line.split()) for line in stripped]
    return out


def _indented(line: str) -> bool:
    """Whether a line (not blank, no trailing space) starts with spaces or tabs, then
    text: ``_INDENTED.match(line)`` without the regex engine."""
    return line[0] in " \t" and not line.lstrip(" \t")[0].isspace()


def _hard_wrapped(stripped: list[str], indented: list[bool]) -> bool:
    """Whether a block's lines (stripped, and whether each is indented) look like wrapped prose."""
    if len(stripped) < 2:
        return False
    if any(len(line) > 100 for line in stripped[:-1]):
        return False
    wraps = breaks = 0
    for k in range(len(stripped) - 1):
        if indented[k + 1]:
            continue  # an indented line opens a paragraph: says nothing about wrapping
        breaks += 1
        line, following = stripped[k], stripped[k + 1]
        if line == following:
            return False
        if 30 <= len(line) and (not line.endswith(_TERMINAL) or following[:1].islower()):
            wraps += 1
    return wraps > 0 and wraps * 2 >= breaks


# --- furniture ---------------------------------------------------------------------------

_AGENCIES = {
    "reuters": "Reuters", "reuter": "Reuters", "thomson reuters": "Reuters",
    "associated press": "AP", "ap": "AP", "afp": "AFP", "agence france-presse": "AFP",
    "agence france presse": "AFP", "bloomberg": "Bloomberg", "xinhua": "Xinhua", "kyodo": "Kyodo",
    "dpa": "dpa", "tass": "TASS", "interfax": "Interfax", "efe": "EFE", "ansa": "ANSA",
    "upi": "UPI", "yonhap": "Yonhap", "pa": "PA",
}
_AGENCY = r"(Thomson Reuters|Reuters|Reuter|Associated Press|AP|AFP|Agence France[- ]Presse|Bloomberg|Xinhua|Kyodo|dpa|TASS|Interfax|EFE|ANSA|UPI|Yonhap|PA)"
_CREDIT_PATTERNS = (
    re.compile(r"^\W*[Bb]y\W+" + _AGENCY + r"\b"),                                # By Reuters, By [Reuters](#)
    re.compile(r"\(" + _AGENCY + r"\)\s*[-–—:]"),                                 # MOSCOW (Reuters) -
    re.compile(r"(?:©|\([cC]\)|[Cc]opyright)[^\n]{0,40}?\b" + _AGENCY + r"\b"),    # © Thomson Reuters 2018
    re.compile(r"^\W*" + _AGENCY + r"\W*$"),                                      # a lone sign-off: Reuter
)
_REPORTING_BY = re.compile(r"^\W*(?:[Ww]ith )?(?:additional )?[Rr]eporting by\b")
_AGENCY_NAME = re.compile(r"\b" + _AGENCY + r"\b")
# An agency's name anywhere, word boundaries or not: what every credit pattern needs,
# found three times as fast (the regex engine skips to the names' first letters only
# when the pattern does not open with a word boundary).
_AGENCY_ANYWHERE = re.compile(_AGENCY)

_RULES: tuple[tuple[str, re.Pattern], ...] = (
    ("source", re.compile(r"^\W*(original\s+url|source|original\s+article|originally\s+published(\s+(at|on|by))?|url|link)\s*:|^\W*<?https?://\S+>?\W*$", re.I)),
    ("related", re.compile(r"^\W*(related(\s+(articles?|stories|story|content|news|coverage|links?))?|read\s+more|see\s+also|more\s+on\s+this(\s+story)?|recommended|also\s+read|read\s+also|you\s+may\s+also\s+like|more\s+from|further\s+reading|most\s+read)\s*[:|>»\-–—]", re.I)),
    ("copyright", re.compile(r"©|\([cC]\)\s|\bcopyright\b|\ball rights reserved\b", re.I)),
    ("caption", re.compile(r"\b(photos?|photograph|picture|pictured|image|file photo|credits?|illustration|video)\s*:|\((photo|file photo|getty images|epa)\)|/\s*(reuters|ap|afp|tass|getty images|epa|ria novosti|sputnik|xinhua|kyodo|bloomberg)\W*$", re.I)),
    ("comment", re.compile(r"^\W*(\d+\s+comments?|comments?|login to (comment|leave a comment)|leave a comment|add (a|your) comment|post a comment|reply|report( abuse)?|show (more )?replies|comments are closed|join the (conversation|discussion))\W*$|^\d+\s*\(\s*\+\d+\s*/\s*-\d+\s*\)$", re.I)),
    ("prompt", re.compile(r"\b(newsletters?|sign[ -]?up|subscribe|subscription|register|log ?in|login|sign in|forgot (your )?password|create an account|follow us|share (this|on)|download (our|the) app|cookies?|privacy policy|terms of (use|service)|accessibility links|skip to (main )?content)\b", re.I)),
    ("ad", re.compile(r"^\W*(advertisement|advertising|sponsored( content)?|promoted|ad|ads by \w+|book now|shop now|learn more|call\s*:.*)\W*$", re.I)),
    ("byline", re.compile(r"^\W*by\s+\W*[A-Z\[]", re.I)),
)
_MEDIUM_RULES = tuple(r for r in _RULES if r[0] not in ("comment", "ad", "byline", "prompt"))
_LONG_RULES = tuple(r for r in _MEDIUM_RULES if r[0] != "related")
_DATE = re.compile(
    r"\b(\d{4}-\d{2}-\d{2})\b|\b(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?)\.?\s+\d{1,2},?\s+\d{4}\b|\b\d{1,2}\s+(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?)\.?,?\s+\d{4}\b",
    re.I,
)
# Every form _DATE matches has a four-digit year: a cheap test that rules most lines out.
_YEAR = re.compile(r"\d{4}")
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_DATELINE = re.compile(r"^[A-Z][A-Z .'\-]{2,}(,\s*[A-Z][\w .'\-]*|\s*\(\w[\w ]*\))\s*([-–—:]|$)")
_BULLET = re.compile(r"^[•·▪►■●◦*\-]\s")
# Literals without which a rule cannot match: a substring test is much cheaper than an
# unanchored case-insensitive search. ``low`` is the paragraph lower-cased, or None when
# it is not ASCII (Unicode case folding is then left to the regex).
_CAPTION_WORDS = ("photo", "picture", "image", "credit", "illustration", "video")
_CAPTION_BRACKETS = ("(photo", "(file photo", "(getty images", "(epa")
_PROMPT_WORDS = (
    "newsletter", "sign", "subscri", "register", "log", "forgot", "create an account", "follow us", "share ",
    "download ", "cookie", "privacy policy", "terms of ", "accessibility links", "skip to ",
)
_MAY_MATCH = {
    "caption": lambda p, low: ":" in p or "(" in p or "/" in p if low is None else (
        "/" in p
        or (":" in p and any(map(low.__contains__, _CAPTION_WORDS)))
        or ("(" in p and any(map(low.__contains__, _CAPTION_BRACKETS)))
    ),
    "copyright": lambda p, low: low is None or "(c)" in low or "copyright" in low or "all rights reserved" in low,
    "prompt": lambda p, low: low is None or any(map(low.__contains__, _PROMPT_WORDS)),
}


def _rulesets(may_match: dict) -> tuple[tuple, tuple, tuple]:
    """The rules for short, medium and long paragraphs, each as (kind, the regex's
    search, its literal test or None), in the order they are tried."""
    return tuple(
        tuple((kind, pattern.search, may_match.get(kind)) for kind, pattern in rules)
        for rules in (_RULES, _MEDIUM_RULES, _LONG_RULES)
    )


_SHORT_RULESET, _MEDIUM_RULESET, _LONG_RULESET = _rulesets(_MAY_MATCH)
_END_KINDS = frozenset({"copyright", "comment", "source"})
_PLAIN_SHORT = frozenset({"nav", "date", "dateline"})
_MIN_PLAIN_WORDS = 8  # less than this in short lines is a menu, not an article
_MIN_PROSE_WORDS = 20  # a scraped article has more prose than this; a results table has less
# No furniture rule describes a paragraph this long: captions, links, prompts and
# credits are short. (Long comments come after an end marker and become trailer.)
_LONG_PROSE = 60
# Template lines are short by definition (Settings.template_max_words is at most this).
TEMPLATE_MAX_WORDS = _LONG_PROSE


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph as written (for display), with its kind (``body`` or furniture)."""

    text: str
    kind: str


@dataclass(frozen=True, slots=True)
class Cleaned:
    """An article split into labelled paragraphs, with the evidence of origin found in it.

    Attributes:
        paragraphs: every paragraph in order, body and furniture.
        credits: wire agencies credited in bylines, datelines, copyright or sign-off lines
            (captions excluded: a photo credit says nothing of the text), sorted.
        published: the first date found in the furniture, ISO ``YYYY-MM-DD``, or None.
        headline: the headline found in the text, or None.
    """

    paragraphs: tuple[Paragraph, ...]
    credits: tuple[str, ...] = ()
    published: str | None = None
    headline: str | None = None

    @property
    def body(self) -> tuple[str, ...]:
        """The body paragraphs' text, in order."""
        return tuple(p.text for p in self.paragraphs if p.kind == "body")


def line_key(text: str) -> str:
    """Return the key under which a line is counted for corpus-level template detection.

    Cheaper than :func:`tokenize` (no NFKC, no abbreviation folding): a key only has to
    be the same for the same line, and every document's every short line is keyed.

    >>> line_key("Sign up  for our NEWSLETTER!") == line_key("sign up for our newsletter")
    True
    """
    if text.isascii():  # the same key, without the regex: letters and digits are the words
        return " ".join(text.encode("ascii").translate(_KEY_BYTES).decode("ascii").split())
    return " ".join(_WORD_TOKEN.findall(text.casefold()))


# ASCII letters to lower case and every other byte that is not a digit to a space, but
# line breaks, which stay (str.split treats them as spaces; str.splitlines still sees them).
_KEY_BYTES = bytes(
    c if chr(c).isdigit() or c in b"\n\r\x0b\x0c\x1c\x1d\x1e" else ord(chr(c).lower()) if chr(c).isalpha() else 32
    for c in range(128)
) + bytes(128)


def _paragraph_keys(paragraphs: list[str]) -> list[str]:
    """:func:`line_key` of each paragraph (no line breaks in them, as split_paragraphs
    leaves them), ASCII ones all from one translation."""
    joined = "\n".join(paragraphs)
    if joined.isascii():
        folded = joined.encode("ascii").translate(_KEY_BYTES).decode("ascii")
        return [" ".join(line.split()) for line in folded.split("\n")] if paragraphs else []
    return [line_key(p) for p in paragraphs]


def template_candidates(text: str, *, template_max_words: int = 20) -> set[str]:
    """Return the keys of a document's short lines, the units of template detection.

    Pure and per-document, so any engine can count them; :func:`find_template_lines`
    (or a Spark group-by) turns the counts into the template set.

    >>> sorted(template_candidates("Advertisement\\n\\nA long enough line of body text here.", template_max_words=3))
    ['advertisement']
    """
    if text.isascii():  # line_key() of every line from one translation of the whole text
        folded = text.encode("ascii").translate(_KEY_BYTES).decode("ascii")
        # Inside a line, the white space str.split sees is spaces, tabs and unit
        # separators: with no tab or separator in the text, a line has at most one
        # word more than it has spaces, and most lines need no splitting to be counted.
        most = template_max_words if "\t" not in text and "\x1f" not in text else -1
        keys = {
            " ".join(key_line.split())
            for line, key_line in zip(text.splitlines(), folded.splitlines())
            if line.count(" ") < most or len(line.split()) <= template_max_words
        }
        keys.discard("")  # lines of white space or punctuation only (and blank lines)
        return keys
    keys = set()
    for line in text.splitlines():  # raw lines: template is laid out line by line
        if line and _word_count(line) <= template_max_words:
            key = line_key(line)
            if key:
                keys.add(key)
    return keys


def find_template_lines(
    texts: Iterable[str], *, template_min_docs: int = 5, template_max_words: int = 20
) -> frozenset[str]:
    """Return keys of short lines that recur in at least ``template_min_docs`` documents.

    A line repeated across many articles is site template (menus, prompts, sign-offs),
    not content. Only lines of at most ``template_max_words`` words are counted: a long
    paragraph found in many documents is syndicated copy, exactly what dedup looks for.

    >>> docs = ["Subscribe to our daily briefing\\n\\nStory %d is here and it is long." % i for i in range(5)]
    >>> sorted(find_template_lines(docs, template_min_docs=5))
    ['subscribe to our daily briefing']
    """
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(template_candidates(text, template_max_words=template_max_words))
    return frozenset(k for k, n in counts.items() if n >= template_min_docs)


def clean(text: str, *, template_lines: frozenset[str] = frozenset()) -> Cleaned:
    """Split an article into paragraphs and label each as body or furniture.

    Args:
        text: the raw article text (plain text or Markdown as scraped).
        template_lines: keys (:func:`line_key`) of lines known to be site template,
            from :func:`find_template_lines` over the corpus.

    >>> c = clean("Putin Rebuffs Abe\\n\\nBy [Reuters](#)\\n\\nSeptember 05, 2019\\n\\n"
    ...           "Russian President Vladimir Putin told Abe on Thursday that a treaty was hard.")
    >>> [p.kind for p in c.paragraphs], c.credits, c.published, c.headline
    (['headline', 'byline', 'date', 'body'], ('Reuters',), '2019-09-05', 'Putin Rebuffs Abe')
    """
    raw = split_paragraphs(text)
    # split_paragraphs leaves single spaces between words: counting them is counting words
    sizes = [p.count(" ") + 1 if p.isascii() else _word_count(p) for p in raw]
    kinds = [
        _classify(p, sizes[i], raw[i - 1] if i else None, raw[i + 1] if i + 1 < len(raw) else None)
        for i, p in enumerate(raw)
    ]
    if template_lines:
        short = [i for i, (k, n) in enumerate(zip(kinds, sizes)) if k == "body" and n <= TEMPLATE_MAX_WORDS]
        for i, key in zip(short, _paragraph_keys([raw[i] for i in short])):
            if key in template_lines:
                kinds[i] = "template"
    headline_at = None
    plain = [i for i, k in enumerate(kinds) if k in _PLAIN_SHORT]
    prose = sum(sizes[i] for i, k in enumerate(kinds) if k == "body")
    if prose < _MIN_PROSE_WORDS and sum(sizes[i] for i in plain) >= _MIN_PLAIN_WORDS:
        # Next to no prose (tables of figures, one-line wire flashes): the short lines
        # are the article. Only lines that a furniture rule named stay furniture.
        for i in plain:
            kinds[i] = "body"
    else:
        headline_at = _headline_index(raw, kinds)
        if headline_at is not None:
            kinds[headline_at] = "headline"
    credits: set[str] = set()
    published: str | None = None
    body_words = 0
    ended = False
    for index, paragraph in enumerate(raw):
        kind = kinds[index]
        if kind == "body" and ended:
            kind = "trailer"
        elif kind == "body" and body_words == 0 and _BULLET.match(paragraph):
            kind = "standfirst"
        elif kind in _END_KINDS and body_words >= 40:
            ended = True  # copyright lines, comment threads and source links close the article
        if kind == "body":
            body_words += sizes[index]
        # Credits stand in furniture (bylines, sign-offs, copyright lines) or at the start
        # of the first body paragraph ("MOSCOW (Reuters) -"); never in a photo caption.
        first_body = kind == "body" and body_words == sizes[index]
        if (kind != "body" and kind != "caption") or first_body:
            head = paragraph if len(paragraph) < 400 else paragraph[:200]
            if _AGENCY_ANYWHERE.search(head):
                credits.update(_credits(head))
        if published is None and kind != "body":
            published = _find_date(paragraph)
        kinds[index] = kind
    paragraphs = tuple(map(Paragraph, raw, kinds))
    headline = _strip_markup(raw[headline_at]) if headline_at is not None else None
    return Cleaned(paragraphs, tuple(sorted(credits)), published, headline)


def _headline_index(raw: list[str], kinds: list[str]) -> int | None:
    """Find the headline: an unpunctuated line before the body, the longest such."""
    bodies = [i for i, k in enumerate(kinds) if k == "body"]
    first_body = bodies[0] if bodies else len(raw)
    if len(bodies) > 1 and _looks_like_headline(raw[first_body]):
        return first_body  # never the only body paragraph: that is the article
    before = [i for i in range(first_body) if kinds[i] == "nav" and _looks_like_headline(raw[i])]
    return max(before, key=lambda i: len(raw[i].split()), default=None)


def _word_count(text: str) -> int:
    """Words in a text, counting each CJK character as one (those scripts have no spaces)."""
    n = len(text.split())
    return n if text.isascii() else n + len(_CJK_CHAR.findall(text))


def _classify(paragraph: str, n: int, previous: str | None, following: str | None) -> str:
    if paragraph == previous or paragraph == following:
        return "caption"  # scrapers repeat image alt text and caption back to back
    if n > _LONG_PROSE:
        return "body"
    low = paragraph.lower() if paragraph.isascii() else None
    # the comment, ad, byline and prompt rules describe short lines (long prose that
    # mentions "register" is body); related links are no longer than 30 words
    for kind, search, may_match in _SHORT_RULESET if n <= 12 else _MEDIUM_RULESET if n <= 30 else _LONG_RULESET:
        if (may_match is None or may_match(paragraph, low)) and search(paragraph):
            return kind
    if _CREDIT_PATTERNS[3].search(paragraph):
        return "credit"
    if n <= 12 and _YEAR.search(paragraph) and _DATE.search(paragraph):
        return "date"
    if n <= 8 and _DATELINE.match(paragraph):
        return "dateline"
    if paragraph.startswith("#"):
        return "nav"  # a Markdown heading: headline or subhead
    if n >= 12 or (n >= 6 and paragraph.rstrip("*_ ").endswith(_TERMINAL)):
        return "body"
    return "nav"


def _looks_like_headline(paragraph: str) -> bool:
    return 3 <= _word_count(paragraph) <= 30 and not paragraph.rstrip("*_ ").endswith(_TERMINAL)


_MARKUP = re.compile(r"[#*_\[\]]|\(#\)")


def _strip_markup(text: str) -> str:
    return _SPACES.sub(" ", _MARKUP.sub("", text)).strip()


def agency(name: str | None) -> str | None:
    """Return the canonical wire agency a source name denotes, or None.

    >>> agency("Thomson Reuters"), agency("The Associated Press"), agency("Daily Planet")
    ('Reuters', 'AP', None)
    """
    if not name:
        return None
    key = re.sub(r"^the\s+", "", name.strip().lower()).replace("-", " ")
    return _AGENCIES.get(key)


def _credits(paragraph: str) -> set[str]:
    found = set()
    if _REPORTING_BY.match(paragraph):
        found.update(_AGENCIES[m.group(1).lower().replace("-", " ")] for m in _AGENCY_NAME.finditer(paragraph))
    for pattern in _CREDIT_PATTERNS:
        for match in pattern.finditer(paragraph):
            found.add(_AGENCIES[match.group(1).lower().replace("-", " ")])
    return found


def _find_date(paragraph: str) -> str | None:
    match = _DATE.search(paragraph) if _YEAR.search(paragraph) else None
    if not match:
        return None
    if match.group(1):
        return match.group(1)
    found = match.group(0).lower().replace(",", " ").replace(".", " ").split()
    try:
        if found[0].isdigit():
            day, month, year = int(found[0]), _MONTHS[found[1][:3]], int(found[2])
        else:
            month, day, year = _MONTHS[found[0][:3]], int(found[1]), int(found[2])
    except (KeyError, ValueError, IndexError):
        return None
    if not (1 <= day <= 31 and 1000 <= year <= 9999):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"
