"""Quotations: which words of a normalised body stand inside quotation marks or dash speech.

:func:`_directed` gives every quotation mark of a body (:func:`dedup.tokens.normalize` folded
them all to ``"``) a direction, from its surroundings, and marks dash-introduced speech and
unambiguous single quotes; :func:`_quote_state` then reads which tokens lie inside a quotation.
:mod:`dedup.tokens` uses both for :class:`~dedup.tokens.Words` ``.quoted``.

>>> _directed('he said "we will win" today')
'he said “we will win” today'
"""

from __future__ import annotations

import re

import numpy as np

from . import _native

# Quotation marks get a direction from their surroundings (after folding every style
# to '"'): an opening mark follows a space or bracket and precedes text, a closing mark
# follows text and precedes a space or punctuation. Marks with text on both sides, or
# spaces on both sides (French « spaced »), toggle; a mark that can be neither (a space
# before it and nothing after, as in scraped "railways. ") is ignored, so one stray
# mark cannot turn the rest of a paragraph into a quotation.
_QUOTE_MARK = re.compile('"')
_OPEN, _CLOSE, _TOGGLE = "\u201c", "\u201d", '"'
_PARA_CODE, _OPEN_CODE, _CLOSE_CODE, _TOGGLE_CODE = 10, ord(_OPEN), ord(_CLOSE), ord(_TOGGLE)
_BEFORE_OPEN = set(" \t\n([{/—–-")
_AFTER_CLOSE = set(" \t\n.,;:!?)]}/—–-")
# Direct speech introduced by a dash (Russian, Ukrainian, Bulgarian, Polish news: "— Мы
# готовы, — сказал он. — Начнём завтра."): a dash at the start of a paragraph or after a
# sentence's end opens speech; a dash after a comma, "!", "?" or an ellipsis inside speech
# ends it (the attribution follows), and one after the attribution's full stop reopens it.
_SPEECH_DASH = re.compile(r"(^|[.!?…]\s+|[,!?…]\s+)[—–―](?=\s+\w)", re.MULTILINE)
# British single quotes, where unambiguous: an opening mark after a space or bracket and
# before a letter, closed within the sentence by a mark after a word character and before a
# space or punctuation, no other single or double mark between (apostrophes inside words
# are gone by now: normalize joined them). The mark is matched first, the character before it
# looked at after (``(?<![\w'‘’])['‘]`` as it reads): a pattern that opens with a character set is
# searched for by it, one that opens with a look-behind tried at every position (6x slower).
_SINGLE_QUOTED = re.compile("['‘](?<![\\w'‘’]['‘])([^\\W\\d_][^'‘’\"\\n.!?]{0,300}?[\\w.,!?])['’](?![\\w'‘’])")
#: An opened quotation never closed before its paragraph ends covers at most this many
#: words (the rest of its paragraph in news style, where a quotation running over several
#: paragraphs leaves each open); a longer one covers its own sentence only: a stray or
#: lost closing mark must not turn the rest of a text into a quotation.
MAX_UNCLOSED_WORDS = 80


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


def _speech(body: str) -> str:
    """Mark dash-introduced direct speech with directed quotation marks, paragraph by paragraph."""
    out = []
    for line in body.split("\n"):
        if "—" not in line and "–" not in line and "―" not in line:
            out.append(line)
            continue
        inside = False
        pieces, last = [], 0
        for m in _SPEECH_DASH.finditer(line):
            end = m.group(1).strip()[-1:]  # "" at the start of the paragraph
            if not inside and (not end or end in ".!?…"):
                mark, inside = _OPEN, True
            elif inside and end in ",!?…":
                mark, inside = _CLOSE, False
            else:
                continue
            pieces.append(line[last : m.end(1)] + mark)
            last = m.end()
        pieces.append(line[last:])
        out.append("".join(pieces))
    return "\n".join(out)


def _unwrapped(body: str) -> str:
    """The body without a quotation mark wrapping all of it (a CSV-escaped field: a mark at
    each end, the inner ones doubled), which is no quotation."""
    if len(body) > 2 and body[0] == '"' and body[-1] == '"':
        inner = body[1:-1]
        if '""' in inner:
            return inner.replace('""', '"')
        if '"' not in inner:
            return inner
    return body


def _directed(body: str) -> str:
    """A normalised body with each quotation mark given its direction (``“`` opens, ``”``
    closes, ``"`` toggles): dash speech and unambiguous single quotes marked too, a wrapping
    mark dropped.

    >>> _directed('— мы готовы, — сказал он. — начнём завтра.')
    '“ мы готовы, ” сказал он. “ начнём завтра.'
    >>> print(_directed("he called it 'a disaster', the dogs' owner said"))
    he called it “a disaster”, the dogs' owner said
    """
    return _directed_marks(_unwrapped(body.strip(" ")) if _opens_with_mark(body) else body)


def _opens_with_mark(body: str) -> bool:
    """Whether a quotation mark opens a normalised body (which may wrap all of it: :func:`_unwrapped`)."""
    return body[:1] == '"' or body[:2] == ' "'


def _directed_marks(body: str) -> str:
    """:func:`_directed` but for a wrapping mark: what it does paragraph by paragraph
    (of any paragraphs of a body, the same as of the whole)."""
    if "—" in body or "–" in body or "―" in body:
        body = _speech(body)
    if "'" in body or "‘" in body:
        body = _SINGLE_QUOTED.sub(lambda m: _OPEN + m.group(1) + _CLOSE, body)
    if '"' in body:
        fast = _native.speedups  # in C, the same directions: a callback a mark took 0.1 s of a scan of 10^5 documents
        body = fast.quote_directions(body) if fast is not None else _QUOTE_MARK.sub(_quote_direction, body)
    return body


def _quote_state(first: np.ndarray, marks: np.ndarray, is_word: np.ndarray, sentence_end: np.ndarray) -> np.ndarray:
    """Whether each token is inside quotation marks.

    ``first`` holds each token's first code point, ``marks`` flags paragraph breaks and
    quotation marks, ``sentence_end`` the tokens that end a sentence. Quotations nest
    (``«… „…“ …»``); a mark that opens at a sentence start while a quotation is still open
    starts a new one (the previous was left open, as news style does across paragraphs); a
    quotation still open where its paragraph ends covers at most
    :data:`MAX_UNCLOSED_WORDS` words, else its own sentence only. State resets at each
    paragraph.
    """
    positions = np.flatnonzero(marks)
    state = np.zeros(len(first), dtype=bool)
    if not len(positions):
        return state
    words_before = np.cumsum(is_word)  # words up to and including each token
    ends = np.flatnonzero(sentence_end | marks & (first == _PARA_CODE))

    def unclosed(start: int, stop: int) -> None:
        if words_before[stop - 1] - words_before[start] > MAX_UNCLOSED_WORDS:
            k = int(np.searchsorted(ends, start, side="right"))
            stop = min(stop, int(ends[k]) if k < len(ends) else stop)
        state[start + 1 : stop] = True

    depth, opened = 0, 0
    for pos, code in zip(positions.tolist(), first[positions].tolist()):
        if code == _PARA_CODE:
            if depth:
                unclosed(opened, pos)
            depth = 0
        elif code == _OPEN_CODE or (code == _TOGGLE_CODE and not depth):
            if depth and pos and sentence_end[pos - 1]:  # a new quotation: the last was left open
                unclosed(opened, pos)
                depth = 0
            if not depth:
                opened = pos
            depth += 1
        elif depth:  # a closing mark, or a toggle inside a quotation
            depth -= 1
            if not depth:
                state[opened + 1 : pos] = True
    if depth:
        unclosed(opened, len(first))
    return state
