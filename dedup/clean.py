"""Clean: split an article into paragraphs, tell body from furniture, find credits and dates.

Scraped news arrives wrapped in furniture: headline, byline, dateline, captions,
"Related article:" links, source lines, comment threads, ads, menus and prompts.
:func:`clean` keeps every paragraph (credits and dates are evidence of origin) but
labels each with a ``kind``; only ``body`` paragraphs drive similarity. Short lines
that recur across a corpus are template (:func:`template_candidates`,
:func:`find_template_lines`). Words and their normalisation live in :mod:`dedup.tokens`.

>>> [p.kind for p in clean("By Reuters\\n\\nThe minister said on Monday that the talks would go on.").paragraphs]
['byline', 'body']
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import compress, repeat
from operator import ge
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from . import _native
from .notices import mark_notices
from .origin import (
    _AGENCY_ANYWHERE,
    _AGENCY_NAMES,
    _CREDIT_PATTERNS,
    _DATE,
    _YEAR,
    _agency_names,
    _credits,
    _find_date,
    _head_credits,
)
from .origin import agency as agency  # (where dedup.check and dedup.steps import it from)
from .paragraphs import _PARAGRAPH_FIELDS as _PARAGRAPH_FIELDS  # (re-exported: where tests and callers import them from)
from .paragraphs import Cleaned as Cleaned
from .paragraphs import Paragraph as Paragraph
from .paragraphs import cleaned_records, compact_parts
from .paragraphs import paragraph_records as paragraph_records
from .tokens import _CJK_WORD, CJK_CHAR, WORD_TOKEN, _code_classes

if TYPE_CHECKING:
    from ._cleaning import Furniture, Keys, Literals

#: Why a document whose every paragraph is furniture is skipped (every engine, the index, the gate).
NO_ARTICLE_TEXT = (
    "no article text left after removing furniture (menus, captions, comments; "
    "cookie, paywall, sign-up or bot-check notices)"
)

#: Paragraph kinds. ``body`` is article text; everything else is furniture.
KINDS = (
    "body", "headline", "standfirst", "byline", "dateline", "date", "caption", "credit",
    "related", "source", "copyright", "comment", "prompt", "ad", "nav", "template", "trailer", "notice",
)

# --- paragraphs --------------------------------------------------------------------------

_BLANK_LINE = re.compile(r"\n[ \t\u00a0\u3000]*\n")
_INDENTED = re.compile(r"^[ \t]+\S")  # the definition of an indented line (_indented is faster)
_TERMINAL = tuple(".!?:;\"'”’)»。！？")
_TERMINAL_CHARS = "".join(_TERMINAL)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")


def split_paragraphs(text: str) -> list[str]:
    """Split raw article text into paragraphs.

    Blank lines separate paragraphs. Inside a block, lines that look hard-wrapped
    (mid-sentence breaks, as in wire copy) are joined, with indented lines starting a
    new paragraph; otherwise each line is a paragraph of its own (scraped pages).

    >>> split_paragraphs("Title\\n\\nThe Federal Reserve entered the U.S.\\nGovernment securities market to\\narrange repurchases.\\n    Dealers said so.")
    ['Title', 'The Federal Reserve entered the U.S. Government securities market to arrange repurchases.', 'Dealers said so.']
    """
    fast = _native.cleaning
    if fast is not None:  # the same paragraphs from one pass in C (dedup/_cleaning.pyx)
        return fast.split_paragraphs(text, _TERMINAL_CHARS)
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

_RULES: tuple[tuple[str, re.Pattern], ...] = (
    ("source", re.compile(r"^\W*(original\s+url|source|original\s+article|originally\s+published(\s+(at|on|by))?|url|link)\s*:|^\W*<?https?://\S+>?\W*$", re.I)),
    ("related", re.compile(r"^\W*(related(\s+(articles?|stories|story|content|news|coverage|links?))?|read\s+more|see\s+also|more\s+on\s+this(\s+story)?|recommended|also\s+read|read\s+also|you\s+may\s+also\s+like|more\s+from|further\s+reading|most\s+read|te\s+puede\s+interesar|lea\s+también|lesen\s+sie\s+auch|mehr\s+zum\s+thema|lire\s+aussi|à\s+lire\s+aussi|czytaj\s+(?:też|także|więcej)|читайте\s+также|ayrıca\s+bakınız)\s*[:|>»\-–—]", re.I)),
    ("copyright", re.compile(
        r"©|\([cC]\)\s|\bcopyright\b|\ball rights reserved\b|derechos de autor|derechos reservados|"
        r"alle rechte vorbehalten|tous droits réservés|tutti i diritti riservati|wszelkie prawa zastrzeżone|"
        r"все права защищены|tüm hakları saklıdır", re.I)),
    ("caption", re.compile(r"\b(photos?|photograph|picture|pictured|image|file photo|credits?|illustration|video)\s*:|\((photo|file photo|getty images|epa)\)|/\s*(reuters|ap|afp|tass|getty images|epa|ria novosti|sputnik|xinhua|kyodo|bloomberg)\W*$", re.I)),
    ("comment", re.compile(r"^\W*(\d+\s+comments?|comments?|login to (comment|leave a comment)|leave a comment|add (a|your) comment|post a comment|reply|report( abuse)?|show (more )?replies|comments are closed|join the (conversation|discussion))\W*$|^\d+\s*\(\s*\+\d+\s*/\s*-\d+\s*\)$", re.I)),
    ("prompt", re.compile(r"\b(newsletters?|sign[ -]?up|subscribe|subscription|register|log ?in|login|sign in|forgot (your )?password|create an account|follow us|share (this|on)|download (our|the) app|cookies?|privacy policy|terms of (use|service)|accessibility links|skip to (main )?content)\b", re.I)),
    ("ad", re.compile(r"^\W*(advertisement|advertising|sponsored( content)?|promoted|ad|ads by \w+|book now|shop now|learn more|call\s*:.*)\W*$", re.I)),
    ("byline", re.compile(r"^\W*by\s+\W*[A-Z\[]", re.I)),
)
_MEDIUM_RULES = tuple(r for r in _RULES if r[0] not in ("comment", "ad", "byline", "prompt"))
_LONG_RULES = tuple(r for r in _MEDIUM_RULES if r[0] != "related")
_DATELINE = re.compile(r"^[A-Z][A-Z .'\-]{2,}(,\s*[A-Z][\w .'\-]*|\s*\(\w[\w ]*\))\s*([-–—:]|$)")
_BULLET = re.compile(r"^[•·▪►■●◦*\-]\s")
# Literals without which a rule cannot match: a substring test is much cheaper than an
# unanchored case-insensitive search. ``low`` is the paragraph lower-cased, or None when
# it is not ASCII (Unicode case folding is then left to the regex).
_COPYRIGHT_WORDS = ("(c)", "copyright", "all rights reserved", "derechos", "rechte vorbehalten", "diritti riservati")
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
    "copyright": lambda p, low: low is None or any(map(low.__contains__, _COPYRIGHT_WORDS)),
    "prompt": lambda p, low: low is None or any(map(low.__contains__, _PROMPT_WORDS)),
}


# Literals without one of which a rule cannot match an ASCII paragraph (lower-cased), read off
# each regex (tests/test_cleaning_speedups.py holds them to it): the compiled path looks for all
# of them in one pass and tries only the rules whose literals the paragraph holds.
_RULE_LITERALS = {
    "source": (":",),  # ...\s*: or https?://
    "related": (":", "|", ">", "-"),  # [:|>»\-–—]
    "copyright": _COPYRIGHT_WORDS,
    "caption": (*_CAPTION_WORDS, "(getty images", "(epa", "/"),  # photo...\s*: or \(photo...\) or /\s*reuters...
    "comment": ("comment", "repl", "report", "join the", "("),  # (reply, replies) or ^\d+\s*\(...
    "prompt": _PROMPT_WORDS,
    "ad": ("ad", "sponsored", "promoted", "book now", "shop now", "learn more", "call"),  # (ads by, advert...)
    "byline": ("by",),
}
_RULE_BIT = {kind: 1 << k for k, kind in enumerate(_RULE_LITERALS)}
# Characters beyond ASCII that no rule's regex names and that are no letter or digit (so none is
# matched, case folded, by a letter of a regex): a paragraph whose only characters beyond ASCII
# are these is told by the literal tests as an ASCII one (a regex can match such a character only
# by a class, \W or \s, never as part of the literals the tests look for). English news is
# written with them: of the real corpus's paragraphs left to the rules, four in five held one,
# and each was searched by every regex (the copyright one: 23 us a paragraph).
_INERT = "".join(
    c for c in "\u00a0\u2009\u202f‘’‚‛“”„‟′″£€¥…•°×½¼¾±"
    if not any(c in pattern.pattern for _, pattern in _RULES) and not unicodedata.category(c).startswith(("L", "N"))
)
_BEYOND_INERT = re.compile(f"[^\\x00-\\x7f{_INERT}]")
# ... and the anchored rules (^\W*...) match only an ASCII paragraph whose first word character
# (lower-cased) opens one of these: "ayr" for "ayrıca", whose "ı" matches "i" and "I"; "à lire"
# and "читайте" open no ASCII paragraph.
_RULE_OPENINGS = {
    "source": ("original", "source", "url", "link", "http"),
    "related": ("related", "read", "see", "more", "recommended", "also", "you", "further", "most", "te", "lea", "lesen",
                "mehr", "lire", "czytaj", "ayr"),
    "comment": ("comment", "login", "leave", "add", "post", "repl", "report", "show", "join", *"0123456789"),
    "ad": ("ad", "sponsored", "promoted", "book", "shop", "learn", "call"),
    "byline": ("by",),
}


# The caption rule's words before "\s*:", its bracketed credits, and the agencies after "/\s*"; the
# ASCII characters that end the related rule's phrase: read off the regexes, they let the compiled
# path tell most paragraphs holding those rules' common literals ("/", "video", ":", "-") from what
# the rules match (tests/test_cleaning_speedups.py holds what it tells to the rules): of the real
# corpus's paragraphs, 2,027 are left to the regexes, not 9,615.
_CAPTION_PARTS = (
    ("photo", "photos", "photograph", "picture", "pictured", "image", "credit", "credits", "illustration", "video"),
    ("(photo)", "(file photo)", "(getty images)", "(epa)"),
    ("reuters", "ap", "afp", "tass", "getty images", "epa", "ria novosti", "sputnik", "xinhua", "kyodo", "bloomberg"),
)
_RELATED_ENDS = ":|>-"


def _rulesets(may_match: dict) -> tuple[tuple, ...]:
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


def line_key(text: str) -> str:
    """Return the key under which a line is counted for corpus-level template detection.

    Cheaper than :func:`tokenize` (no NFKC, no abbreviation folding): a key only has to
    be the same for the same line, and every document's every short line is keyed.

    >>> line_key("Sign up  for our NEWSLETTER!") == line_key("sign up for our newsletter")
    True
    """
    if text.isascii():  # the same key, without the regex: letters and digits are the words
        return " ".join(text.encode("ascii").translate(_KEY_BYTES).decode("ascii").split())
    return " ".join(WORD_TOKEN.findall(text.casefold()))


# ASCII letters to lower case and every other byte that is not a digit to a space, but
# line breaks, which stay (str.split treats them as spaces; str.splitlines still sees them).
_KEY_BYTES = bytes(
    c if chr(c).isdigit() or c in b"\n\r\x0b\x0c\x1c\x1d\x1e" else ord(chr(c).lower()) if chr(c).isalpha() else 32
    for c in range(128)
) + bytes(128)


def _paragraph_keys(paragraphs: list[str]) -> list[str]:
    """:func:`line_key` of each paragraph (no line breaks in them, as split_paragraphs
    leaves them), ASCII ones all from one translation."""
    fast = _native.cleaning
    if fast is not None:  # ASCII ones in C, the others by line_key
        return fast.line_keys(paragraphs, line_key)
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
    fast = _native.cleaning
    if fast is not None:  # one pass in C; a short line that is not ASCII keyed by _short_line_key
        return fast.template_candidates(text, template_max_words, _short_line_key)
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


def joined_template_keys(texts: Sequence[str], *, template_max_words: int = 20) -> tuple[np.ndarray, str, np.ndarray]:
    """:func:`template_candidates` of each text, one after another (each text's keys once), as
    a worker hands them back: each key's hash (equal keys, equal hashes: this process's, as its
    forked workers'; compiled, ``hash()`` of the key's UTF-8 bytes), the keys joined by line
    breaks (keys hold none) and where each starts in that string (int64; the last: its length
    + 1, 0 for no keys). One string, not a list: 17,000 keys pickle and unpickle in 0.2 ms, not 3.7 ms.

    >>> hashes, joined, starts = joined_template_keys(["Advertisement", "Advertisement\\n\\n", "More news"])
    >>> joined, starts.tolist(), bool(hashes[0] == hashes[1] != hashes[2])
    ('advertisement\\nadvertisement\\nmore news', [0, 14, 28, 38], True)
    """
    fast = _native.cleaning
    if fast is not None:  # the same in one call
        hashes, joined, starts = fast.template_keys(list(texts), template_max_words, _short_line_key)
        return np.frombuffer(hashes, dtype=np.int64), joined, np.frombuffer(starts, dtype=np.int64)
    keys: list[str] = []
    for text in texts:
        keys += template_candidates(text, template_max_words=template_max_words)
    starts = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, keys), dtype=np.int64, count=len(keys)) + 1, out=starts[1:])
    return np.fromiter(map(hash, keys), dtype=np.int64, count=len(keys)), "\n".join(keys), starts


def _short_line_key(line: str, template_max_words: int) -> str:
    """The key of a line (not empty) of at most ``template_max_words`` words, else ""."""
    return line_key(line) if _word_count(line) <= template_max_words else ""


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
    return frequent_lines(counts, template_min_docs=template_min_docs)


def frequent_lines(counts: Mapping[str, int], *, template_min_docs: int = 5) -> frozenset[str]:
    """Return the line keys held by at least ``template_min_docs`` documents: the template
    lines, from the number of documents holding each key (every engine's and the index's rule).

    >>> sorted(frequent_lines({"menu": 9, "rare": 1}, template_min_docs=5))
    ['menu']
    """
    # picked in C: a generator would loop in Python over every short line of the corpus
    return frozenset(compress(counts, map(ge, counts.values(), repeat(template_min_docs))))


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
    return cleaned_records([compact_parts(*cleaned_parts(text, template_lines=template_lines))])[0]


def cleaned_parts(
    text: str, *, template_lines: frozenset[str] = frozenset()
) -> tuple[list[str], list[str], tuple[str, ...], str | None, str | None]:
    """:func:`clean` before its records are made: each paragraph's text and kind, the credits,
    the date and the headline (what a worker process hands back: no record made to be taken apart)."""
    raw = split_paragraphs(text)
    if len(raw) == 1 and raw[0].count(" ") >= _LOST_BREAKS_WORDS:
        raw = _sentences(raw[0])  # one long paragraph: its breaks were lost in extraction
    sizes = _sizes(raw)
    kinds = _label(raw, sizes, template_lines)
    headline_at = _place_headline(raw, sizes, kinds)
    credits, published = _close(raw, sizes, kinds)
    if not credits:  # a text credited to a wire agency is an article, not a site's notice
        mark_notices(text, raw, sizes, kinds)
    headline = _strip_markup(raw[headline_at]) if headline_at is not None else None
    return raw, kinds, tuple(sorted(credits)), published, headline


def _label(raw: list[str], sizes: list[int], template_lines: frozenset[str]) -> list[str]:
    """Each paragraph's kind by the furniture rules (on its own and beside its neighbours), and
    ``template`` for a body paragraph that is one of ``template_lines``."""
    fast = _native.cleaning
    if fast is not None:  # the paragraphs no rule can match (most) told in C, the others by the rules
        keys = _template_keys(fast, template_lines)
        return fast.label(raw, sizes, keys, _furniture(fast), _rule_kind, line_key, _LONG_PROSE, TEMPLATE_MAX_WORDS)
    kinds = [
        _classify(p, sizes[i], raw[i - 1] if i else None, raw[i + 1] if i + 1 < len(raw) else None)
        for i, p in enumerate(raw)
    ]
    if template_lines:
        short = [i for i, (k, n) in enumerate(zip(kinds, sizes)) if k == "body" and n <= TEMPLATE_MAX_WORDS]
        for i, key in zip(short, _paragraph_keys([raw[i] for i in short])):
            if key in template_lines:
                kinds[i] = "template"
    return kinds


def _place_headline(raw: list[str], sizes: list[int], kinds: list[str]) -> int | None:
    """Label the headline in ``kinds`` and return its index (None where there is none); or, in a
    text of next to no prose, label its plain short lines body."""
    fast = _native.cleaning
    if fast is not None:  # the same sums and search in C: 0.064 -> 0.022 s over the real corpus
        return fast.headline(raw, sizes, kinds, _PLAIN_SHORT, _MIN_PROSE_WORDS, _MIN_PLAIN_WORDS, _cjk_table(), _is_cjk,
                             _TERMINAL_CHARS)
    # the words of the body and of the plain short lines, summed in C (compress), not by a generator
    prose = sum(compress(sizes, map("body".__eq__, kinds)))
    if prose < _MIN_PROSE_WORDS and sum(compress(sizes, map(_PLAIN_SHORT.__contains__, kinds))) >= _MIN_PLAIN_WORDS:
        # Next to no prose (tables of figures, one-line wire flashes): the short lines
        # are the article. Only lines that a furniture rule named stay furniture.
        for i, kind in enumerate(kinds):
            if kind in _PLAIN_SHORT:
                kinds[i] = "body"
        return None
    headline_at = _headline_index(raw, kinds)
    if headline_at is not None:
        kinds[headline_at] = "headline"
    return headline_at


def _close(raw: list[str], sizes: list[int], kinds: list[str]) -> tuple[set[str], str | None]:
    """Mark the trailer (body after the article's end) and a standfirst in ``kinds``; return the
    credits and the publication date (the first date in the furniture, or None)."""
    fast = _native.cleaning
    if fast is not None:  # the same loop in C, the regexes called where a name or a year is
        return fast.close(raw, sizes, kinds, _agency_names(fast), _head_credits, _find_date, _BULLET.match, _END_KINDS)
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
    return credits, published


#: A text that is one paragraph of at least this many words lost its paragraph breaks (a news
#: paragraph runs to 30-80 words): it is cleaned sentence by sentence, so that the furniture
#: run into it (headline, related links, comments, sign-up prompts) is still told from the body.
_LOST_BREAKS_WORDS = 120
# A sentence ends at ".", "!", "?" or an ellipsis (a closing quotation mark may follow) before a
# space and a capital, a digit or an opening mark; not after an initial or a short title ("U.S.",
# "Mr.").
_SENTENCE_BREAK = re.compile(
    r"(?:(?<=[.!?…])|(?<=[.!?…][\"”»’]))(?<!\b[A-Z]\.)(?<!\b[A-Z][a-z]\.)\s+(?=[\"“«„(\[]?[^\W_a-zа-яё])"
)


# ... and furniture run into the text starts a unit of its own, sentence end or not
_FURNITURE_START = re.compile(
    r"\s+(?=(?:Source|Related(?: articles?| stories)?|Read more|See also|Original URL)\s*:|©|\d+ [Cc]omments?\b|"
    r"Log ?in to comment|Sign up for\b|Subscribe to\b)"
)


def _sentences(paragraph: str) -> list[str]:
    """Cut a paragraph into its sentences (each a paragraph of its own from then on), and
    the furniture run into it into pieces of their own.

    >>> _sentences("He said “we will win.” Then he left. The U.S. Navy came! 12 comments Login to comment")
    ['He said “we will win.”', 'Then he left.', 'The U.S. Navy came!', '12 comments', 'Login to comment']
    """
    return [p for s in _SENTENCE_BREAK.split(paragraph) for p in _FURNITURE_START.split(s) if p]


def _headline_index(raw: list[str], kinds: list[str]) -> int | None:
    """Find the headline: an unpunctuated line before the body, the longest such."""
    first_body = kinds.index("body") if "body" in kinds else len(raw)
    if kinds.count("body") > 1 and _looks_like_headline(raw[first_body]):
        return first_body  # never the only body paragraph: that is the article
    before = [i for i in range(first_body) if kinds[i] == "nav" and _looks_like_headline(raw[i])]
    return max(before, key=lambda i: len(raw[i].split()), default=None)


def _word_count(text: str) -> int:
    """Words in a text, counting each CJK character as one (those scripts have no spaces)."""
    n = len(text.split())
    return n if text.isascii() else n + len(CJK_CHAR.findall(text))


def _sizes(paragraphs: list[str]) -> list[int]:
    """The words of each paragraph, as :func:`clean` counts them."""
    fast = _native.cleaning
    if fast is not None:  # the same counts in C
        return fast.word_sizes(paragraphs, _cjk_table(), _is_cjk)
    # split_paragraphs leaves single spaces between words: counting them is counting words
    return [p.count(" ") + 1 if p.isascii() else _word_count(p) for p in paragraphs]


@lru_cache(maxsize=1)
def _cjk_table() -> bytes:
    """Which code points of the Basic Multilingual Plane are CJK (1) or not (0): the tokeniser's
    classes (read off :data:`CJK_CHAR` there), once per process."""
    return (_code_classes() == _CJK_WORD).view(np.uint8).tobytes()


def _is_cjk(code: int) -> bool:
    return CJK_CHAR.match(chr(code)) is not None


def _classify(paragraph: str, n: int, previous: str | None, following: str | None) -> str:
    if paragraph == previous or paragraph == following:
        return "caption"  # scrapers repeat image alt text and caption back to back
    if n > _LONG_PROSE:
        return "body"
    return _rule_kind(paragraph, n)


def _rule_kind(paragraph: str, n: int) -> str:
    """The kind of a paragraph of ``n`` words (at most ``_LONG_PROSE``) by the rules (remembered for short lines)."""
    return _short_kind(paragraph, n) if n <= 12 else _kind(paragraph, n)


def _kind(paragraph: str, n: int) -> str:
    """The kind of a paragraph of ``n`` words (at most ``_LONG_PROSE``) by the rules, on its own."""
    plain = paragraph.isascii() or _BEYOND_INERT.search(paragraph) is None
    low = paragraph.lower() if plain else None
    # the comment, ad, byline and prompt rules describe short lines (long prose that
    # mentions "register" is body); related links are no longer than 30 words
    rules = _SHORT_RULESET if n <= 12 else _MEDIUM_RULESET if n <= 30 else _LONG_RULESET
    fast = _native.cleaning
    if low is not None and fast is not None:  # the rules whose literals it holds, found in one pass in C
        rules = _rules_holding(rules, _rule_literals(fast).mask(low))
    for kind, search, may_match in rules:
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


@lru_cache(maxsize=2)
def _furniture(fast: ModuleType) -> Furniture:
    """The rules as the compiled module's :func:`_label` tells paragraphs no rule can match by (a table made once)."""
    openings = tuple(_RULE_OPENINGS.get(kind, ()) for kind in _RULE_LITERALS)
    rulesets = tuple(sum(_RULE_BIT[kind] for kind, _ in rules) for rules in (_RULES, _MEDIUM_RULES, _LONG_RULES))
    caption = (_RULE_BIT["caption"], *_CAPTION_PARTS)
    return fast.Furniture(tuple(_RULE_LITERALS.values()), openings, rulesets, _AGENCY_NAMES, _TERMINAL_CHARS, caption,
                          (_RULE_BIT["related"], _RELATED_ENDS))


def _template_keys(fast: ModuleType, template_lines: frozenset[str]) -> Keys:
    """``template_lines`` as the compiled :func:`_label` looks keys up in them (a table made once a set).

    The set last asked for is known by identity: a worker unpickles an equal set with every
    task, and finding it by equality compares every line, once a document (4,374 template
    lines at 10^5 documents: 90 us a document, 2.7 s of a worker's 5.6).
    """
    last = _LAST_KEYS
    if last[0] is fast and last[1] is template_lines:
        return last[2]
    keys = _keys_table(fast, template_lines)
    last[:] = [fast, template_lines, keys]
    return keys


_LAST_KEYS: list = [None, None, None]  # (module, template lines, their table) of the last call


@lru_cache(maxsize=4)
def _keys_table(fast: ModuleType, template_lines: frozenset[str]) -> Keys:
    return fast.Keys(template_lines)


@lru_cache(maxsize=2)
def _rule_literals(fast: ModuleType) -> Literals:
    """:data:`_RULE_LITERALS` looked for by the compiled module (a table made once)."""
    return fast.Literals(tuple(_RULE_LITERALS.values()))


_HOLDING: dict[tuple[int, int], tuple[tuple, tuple]] = {}


def _rules_holding(rules: tuple, mask: int) -> tuple:
    """The rules of a ruleset whose literals a paragraph holds (``mask``: :data:`_RULE_BIT`)."""
    found = _HOLDING.get((id(rules), mask))
    if found is None or found[0] is not rules:  # (a ruleset made anew, as a test does, at an old one's id)
        found = _HOLDING[id(rules), mask] = (rules, tuple(r for r in rules if mask & _RULE_BIT[r[0]]))
    return found[1]


# Short lines recur across a corpus (sign-offs, menus, template): half of those of the real benchmark
# corpus are repeats. Their kind is a function of the line alone, so it is remembered.
_short_kind = lru_cache(maxsize=1 << 15)(_kind)


def _looks_like_headline(paragraph: str) -> bool:
    return 3 <= _word_count(paragraph) <= 30 and not paragraph.rstrip("*_ ").endswith(_TERMINAL)


_MARKUP = re.compile(r"[#*_\[\]]|\(#\)")


def _strip_markup(text: str) -> str:
    return _SPACES.sub(" ", _MARKUP.sub("", text)).strip()
