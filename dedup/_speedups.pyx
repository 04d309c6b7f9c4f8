# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The compiled hot path: the per-code-point, per-word and per-shingle loops of tokenising,
hashing, MinHash, passage band keys and the shared-run search of verify, each one pass in C.

Every function here has a pure-Python (numpy) reference in :mod:`dedup.tokens`,
:mod:`dedup.sign` or :mod:`dedup.verify`, which stays the definition: the property tests
(``tests/test_speedups.py``) hold these to it bit for bit. The constants that define the
hashes (the word base, the shingle multipliers, the band salt, the permutations) are passed
in by the reference modules, so that there is one copy of each; MurmurHash3's finalisers
(``fmix64``, ``fmix32``) are written out, as they are in the reference. Arithmetic is on
unsigned 64- or 32-bit integers and wraps, as numpy's does.

:mod:`dedup._native` loads this module, or reports why it cannot and leaves the reference
path in charge.
"""

from libc.stdint cimport int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport calloc, free, malloc, realloc
from libc.string cimport memchr, memcpy, memset


cdef extern from "Python.h":
    Py_ssize_t PyUnicode_GET_LENGTH(object text)
    int PyUnicode_KIND(object text)
    const void *PyUnicode_DATA(object text)
    Py_UCS4 PyUnicode_READ(int kind, const void *data, Py_ssize_t index) noexcept nogil
    object PyUnicode_Substring(object text, Py_ssize_t start, Py_ssize_t end)
    const char *PyUnicode_AsUTF8AndSize(object text, Py_ssize_t *size) except NULL
    object PyUnicode_FromKindAndData(int kind, const void *data, Py_ssize_t size)
    int PyUnicode_1BYTE_KIND
    int PyUnicode_2BYTE_KIND
    bint PyUnicode_IS_ASCII(object text)

import numpy as np


cdef extern from "_kernels.h" nogil:
    void dedup_permute_min(const uint32_t *a, const uint32_t *b, uint32_t hv, uint32_t *seg, uint32_t *low, size_t used, size_t n)
    void dedup_lower(uint32_t *low, const uint32_t *row, size_t n)

# Character classes of dedup.tokens (_OTHER, _WORD_CHAR, _CJK_WORD, _BREAK, _QUOTE).
cdef enum:
    WORD_CHAR = 1
    CJK_WORD = 2
    BREAK = 3


cdef inline uint64_t fmix64(uint64_t h) noexcept nogil:
    h ^= h >> 33
    h *= 0xFF51AFD7ED558CCDULL
    h ^= h >> 33
    h *= 0xC4CEB9FE1A85EC53ULL
    return h ^ (h >> 33)


cdef inline uint32_t fmix32(uint32_t h) noexcept nogil:
    h ^= h >> 16
    h *= 0x85EBCA6BU
    h ^= h >> 13
    h *= 0xC2B2AE35U
    return h ^ (h >> 16)


# --- tokens ---------------------------------------------------------------------------------


def scan(const uint32_t[::1] codes, const uint8_t[::1] table, astral, int max_word):
    """Tokenise code points as ``dedup.tokens._scan_pieces`` does: (tokens, kinds, starts,
    ends, sentence_start), the same arrays.

    ``table`` gives the class of each code point of the Basic Multilingual Plane, ``astral``
    (a Python function) that of one beyond it.
    """
    cdef Py_ssize_t n = codes.shape[0], i, t = 0, w = 0, n_tokens = 0, n_words = 0, open_word = -1
    cdef uint32_t c
    cdef uint8_t k
    cdef bint prev_word = False, pending = False
    classes_arr = np.empty(n, dtype=np.uint8)
    cdef uint8_t[::1] classes = classes_arr
    for i in range(n):
        c = codes[i]
        k = table[c] if c <= 0xFFFF else <uint8_t>astral(c)
        classes[i] = k
        if k == WORD_CHAR:
            if not prev_word:
                n_tokens += 1
                n_words += 1
            prev_word = True
        else:
            prev_word = False
            if k > WORD_CHAR:
                n_tokens += 1
                n_words += k == CJK_WORD
    tokens_arr = np.empty(n_tokens, dtype=np.int64)
    kinds_arr = np.empty(n_tokens, dtype=np.uint8)
    starts_arr = np.empty(n_words, dtype=np.int64)
    ends_arr = np.empty(n_words, dtype=np.int64)
    sentence_arr = np.empty(n_words, dtype=np.bool_)
    cdef int64_t[::1] tokens = tokens_arr, starts = starts_arr, ends = ends_arr
    cdef uint8_t[::1] kinds = kinds_arr, sentence_start = sentence_arr.view(np.uint8)
    prev_word = False
    with nogil:
        for i in range(n):
            k = classes[i]
            if k == WORD_CHAR:
                if not prev_word:
                    tokens[t] = i
                    kinds[t] = k
                    t += 1
                    starts[w] = i
                    sentence_start[w] = w == 0 or pending
                    pending = False
                    open_word = w
                    w += 1
                prev_word = True
                continue
            if prev_word:  # the run of word characters ends here
                ends[open_word] = min(<int64_t>i, starts[open_word] + max_word)
            prev_word = False
            if k > WORD_CHAR:
                tokens[t] = i
                kinds[t] = k
                t += 1
                if k == CJK_WORD:
                    starts[w] = i
                    ends[w] = min(<int64_t>i + 1, <int64_t>i + max_word)
                    sentence_start[w] = w == 0 or pending
                    pending = False
                    w += 1
                elif k == BREAK:
                    pending = True
        if prev_word:
            ends[open_word] = min(<int64_t>n, starts[open_word] + max_word)
    return tokens_arr, kinds_arr, starts_arr, ends_arr, sentence_arr


def scan_hashes(list pieces, const uint8_t[::1] table, astral, int max_word, uint64_t base):
    """``span_hashes`` of the words :func:`scan` finds in the code points of some texts (each
    opening with a paragraph break), hashed as they are found: (each word's hash, whether it
    starts a sentence, the number of words of each text), read from the strings themselves: no
    array of code points, starts, ends or tokens in between (what signing needs).

    A text may also be given as a tuple of ASCII paragraphs, the text being what
    ``dedup.tokens._pieces`` makes of them, made here (:func:`_ascii_piece`)."""
    cdef Py_ssize_t k, w = 0, bound = 0, size, longest = 0
    for k in range(len(pieces)):  # at most a word a code point
        size = _piece_length(pieces[k])
        bound += size
        longest = max(longest, size)
    hashes_arr = np.empty(bound, dtype=np.uint64)
    sentence_arr = np.empty(bound, dtype=np.bool_)
    counts_arr = np.zeros(len(pieces), dtype=np.int64)
    cdef uint64_t[::1] hashes = hashes_arr
    cdef uint8_t[::1] sentence_start = sentence_arr.view(np.uint8)
    cdef int64_t[::1] counts = counts_arr
    cdef int kind
    cdef const void *data
    cdef char *raw = <char *> malloc(longest + 1)
    cdef char *made = <char *> malloc(longest + 1)
    if raw == NULL or made == NULL:
        free(raw)
        free(made)
        raise MemoryError()
    try:
        for k in range(len(pieces)):
            piece = pieces[k]
            if type(piece) is tuple:
                size = _ascii_piece(<tuple> piece, raw, made)
                counts[k] = _words(<const uint8_t *>made, size, table, astral, max_word, base, &hashes[w], &sentence_start[w],
                                   w == 0)
                w += counts[k]
                continue
            if PyUnicode_GET_LENGTH(piece) == 0:
                continue
            kind, data = PyUnicode_KIND(piece), PyUnicode_DATA(piece)
            if kind == PyUnicode_1BYTE_KIND:
                counts[k] = _words(<const uint8_t *>data, PyUnicode_GET_LENGTH(piece), table, astral, max_word, base,
                                   &hashes[w], &sentence_start[w], w == 0)
            elif kind == PyUnicode_2BYTE_KIND:
                counts[k] = _words(<const uint16_t *>data, PyUnicode_GET_LENGTH(piece), table, astral, max_word, base,
                                   &hashes[w], &sentence_start[w], w == 0)
            else:
                counts[k] = _words(<const uint32_t *>data, PyUnicode_GET_LENGTH(piece), table, astral, max_word, base,
                                   &hashes[w], &sentence_start[w], w == 0)
            w += counts[k]
    finally:
        free(raw)
        free(made)
    return hashes_arr[:w].copy(), sentence_arr[:w].copy(), counts_arr


def ascii_size(paragraphs):
    """``max(sum(map(len, paragraphs)) + len(paragraphs), 1)`` (at least the length of the text
    ``dedup.tokens._pieces`` makes of them) if the paragraphs (a tuple or list) are all ASCII
    ``str``, else -1: which bodies :func:`scan_hashes` may be given as paragraphs."""
    cdef Py_ssize_t k, n = len(paragraphs)
    if type(paragraphs) is not tuple and type(paragraphs) is not list:
        return -1
    for k in range(len(paragraphs)):
        paragraph = paragraphs[k]
        if type(paragraph) is not str or not PyUnicode_IS_ASCII(paragraph):
            return -1
        n += PyUnicode_GET_LENGTH(paragraph)
    return max(n, 1)


cdef Py_ssize_t _piece_length(piece) except -1:
    """The code points of a text of :func:`scan_hashes`, or, for a tuple of ASCII paragraphs, at
    least those of the text made of them (:func:`ascii_size`)."""
    cdef Py_ssize_t n
    if type(piece) is not tuple:
        return PyUnicode_GET_LENGTH(<str?> piece)
    n = ascii_size(piece)
    if n < 0:
        raise ValueError("a tuple given to scan_hashes holds ASCII paragraphs only")
    return n


cdef Py_ssize_t _ascii_piece(tuple paragraphs, char *raw, char *made) noexcept:
    """``dedup.tokens._pieces([paragraphs])[0]`` of ASCII paragraphs (checked by :func:`_piece_length`),
    written from ``made`` on, its length returned: a paragraph break, then the paragraphs joined
    by breaks, a break within one a space, and normalised as ``dedup.tokens.normalize`` does an
    ASCII text (NFKC leaves it, case-folding lowers its capitals: then :func:`normalize_ascii`)."""
    cdef Py_ssize_t k, i, n, m = 0
    cdef const char *text
    cdef char c
    for k in range(len(paragraphs)):
        if k:
            raw[m] = b'\n'
            m += 1
        paragraph = paragraphs[k]
        text, n = <const char *> PyUnicode_DATA(paragraph), PyUnicode_GET_LENGTH(paragraph)
        for i in range(n):
            c = text[i]
            raw[m + i] = b' ' if c == b'\n' else c + 32 if b'A' <= c <= b'Z' else c
        m += n
    made[0] = b'\n'
    return _joins(raw, m, raw, made + 1) + 1


ctypedef fused code_t:
    uint8_t
    uint16_t
    uint32_t


cdef Py_ssize_t _words(const code_t *data, Py_ssize_t n, const uint8_t[::1] table, astral, int max_word, uint64_t base,
                       uint64_t *hashes, uint8_t *sentence_start, bint first) except -1:
    """The words of one text of :func:`scan_hashes` (its ``n`` code points, of one width): their
    hashes and sentence starts written from ``hashes`` and ``sentence_start`` on, their number
    returned; ``first``: the batch's first text (its first word starts a sentence, as every word
    after a break does)."""
    cdef Py_ssize_t i, w = 0
    cdef uint32_t c
    cdef uint8_t k
    cdef bint prev_word = False, pending = first
    cdef uint64_t h = 0
    cdef int length = 0
    for i in range(n):
        c = data[i]
        k = table[c] if c <= 0xFFFF else <uint8_t>astral(c)
        if k == WORD_CHAR:
            if not prev_word:
                sentence_start[w] = pending
                pending = False
                h = 0
                length = 0
                prev_word = True
            if length < max_word:  # a word is cut after max_word code points
                h = h * base + c
                length += 1
            continue
        if prev_word:
            hashes[w] = fmix64(h)
            w += 1
            prev_word = False
        if k == CJK_WORD:  # a word of one code point
            hashes[w] = fmix64(<uint64_t>c)
            sentence_start[w] = pending
            pending = False
            w += 1
        elif k == BREAK:
            pending = True
    if prev_word:
        hashes[w] = fmix64(h)
        w += 1
    return w


def paragraph_words(str text, const uint8_t[::1] table, astral, int max_word, dict vocabulary):
    """``dedup.tokens.paragraph_words`` of a normalised body whose paragraphs are joined by line
    breaks: each paragraph's words (runs of word characters cut at ``max_word``, a CJK character
    alone, as ``scan`` finds them), and each word's id in ``vocabulary`` (a new word added with
    the next number), as lists of lists."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0, start
    cdef int kind = PyUnicode_KIND(text)
    cdef const void *data = PyUnicode_DATA(text)
    cdef uint32_t c  # a number, not a character: astral() takes the code point
    cdef uint8_t k
    cdef list words = [], ids = [], all_words = [words], all_ids = [ids]
    while i < n:
        c = PyUnicode_READ(kind, data, i)
        if c == 10:  # a paragraph ends
            words, ids = [], []
            all_words.append(words)
            all_ids.append(ids)
            i += 1
            continue
        k = table[c] if c <= 0xFFFF else <uint8_t>astral(c)
        if k == WORD_CHAR:
            start = i
            i += 1
            while i < n:
                c = PyUnicode_READ(kind, data, i)
                if (table[c] if c <= 0xFFFF else <uint8_t>astral(c)) != WORD_CHAR:
                    break
                i += 1
            word = PyUnicode_Substring(text, start, min(i, start + max_word))
        elif k == CJK_WORD:
            word = PyUnicode_Substring(text, i, i + 1)
            i += 1
        else:
            i += 1
            continue
        words.append(word)
        ids.append(vocabulary.setdefault(word, len(vocabulary)))
    return all_words, all_ids


# --- normalising ASCII text ------------------------------------------------------------------


cdef inline bint _alnum(char c) noexcept nogil:
    return (b'a' <= c <= b'z') or (b'A' <= c <= b'Z') or (b'0' <= c <= b'9')


cdef inline bint _alpha(char c) noexcept nogil:
    return (b'a' <= c <= b'z') or (b'A' <= c <= b'Z')


cdef inline bint _word(const char *s, Py_ssize_t n, Py_ssize_t i) noexcept nogil:
    """Whether s[i] is a regex word character (ASCII: letter, digit, underscore); False past the end."""
    return i < n and (_alnum(s[i]) or s[i] == b'_')


cdef inline bint _digit(const char *s, Py_ssize_t n, Py_ssize_t i) noexcept nogil:
    return i < n and b'0' <= s[i] <= b'9'


cdef inline Py_ssize_t _find(const char *s, Py_ssize_t n, Py_ssize_t i, char c) noexcept nogil:
    """The index of the first ``c`` in s[i:n], or n."""
    cdef const char *at = <const char *> memchr(s + i, c, n - i) if i < n else NULL
    return n if at == NULL else at - s


cdef Py_ssize_t _apostrophes(const char *s, Py_ssize_t n, char *out) noexcept nogil:
    """Drop each apostrophe (' or `) between a letter or digit and a word character."""
    cdef Py_ssize_t i = 0, m = 0, quote = _find(s, n, 0, b"'"), grave = _find(s, n, 0, b'`'), j
    while True:  # from one apostrophe to the next, the text between copied whole
        j = min(quote, grave)
        memcpy(out + m, s + i, j - i)
        m += j - i
        if j == n:
            return m
        if not (j and _alnum(s[j - 1]) and _word(s, n, j + 1)):
            out[m] = s[j]
            m += 1
        i = j + 1
        if j == quote:
            quote = _find(s, n, i, b"'")
        else:
            grave = _find(s, n, i, b'`')


cdef Py_ssize_t _thousands(const char *s, Py_ssize_t n, char *out) noexcept nogil:
    """Drop each comma between a digit and exactly three digits (1,500 -> 1500)."""
    cdef Py_ssize_t i = 0, m = 0, j
    while True:  # from one comma to the next, the text between copied whole
        j = _find(s, n, i, b',')
        memcpy(out + m, s + i, j - i)
        m += j - i
        if j == n:
            return m
        if not (j and _digit(s, n, j - 1) and _digit(s, n, j + 1) and _digit(s, n, j + 2) and _digit(s, n, j + 3)
                and not _digit(s, n, j + 4)):
            out[m] = b','
            m += 1
        i = j + 1


cdef Py_ssize_t _joins(const char *s, Py_ssize_t n, char *spare, char *out) noexcept nogil:
    """The three joins of an ASCII text, each over the previous one's output (``spare``: a buffer of
    ``n`` bytes, ``s`` itself if it may be overwritten), written to ``out``; the length returned."""
    n = _apostrophes(s, n, out)
    n = _abbreviations(out, n, spare)
    return _thousands(spare, n, out)


def normalize_ascii(str text, bint fold=False):
    """``dedup.tokens.normalize`` of an ASCII text already case-folded (or, ``fold``, as it is:
    NFKC leaves ASCII as it is, and case folding lowers its capitals, here as it is copied, not
    by ``str.casefold``'s pass and string: 1.8-2.1 -> 1.35-1.6 us a news article): apostrophes,
    abbreviations and thousands separators joined, each step over the previous one's output."""
    cdef Py_ssize_t n, i
    cdef const char *s = PyUnicode_AsUTF8AndSize(text, &n)  # an ASCII str's own bytes: no copy
    if not PyUnicode_IS_ASCII(text):
        raise ValueError("normalize_ascii takes ASCII text")
    cdef char *a = <char *> malloc(n + 1)
    cdef char *b = <char *> malloc(n + 1)
    cdef char *low = <char *> malloc(n + 1) if fold else NULL
    if a == NULL or b == NULL or (fold and low == NULL):
        free(a)
        free(b)
        free(low)
        raise MemoryError()
    try:
        with nogil:
            if fold:
                for i in range(n):
                    low[i] = s[i] + 32 if 65 <= s[i] <= 90 else s[i]
                s = low
            n = _joins(s, n, b, a)
        return PyUnicode_FromKindAndData(PyUnicode_1BYTE_KIND, a, n)
    finally:
        free(a)
        free(b)
        free(low)


# --- normalising any text -------------------------------------------------------------------

cdef extern from "Python.h":
    Py_UCS4 *PyUnicode_AsUCS4Copy(object text) except NULL
    void PyMem_Free(void *p)
    bint Py_UNICODE_ISALNUM(Py_UCS4 ch) nogil
    bint Py_UNICODE_ISALPHA(Py_UCS4 ch) nogil
    bint Py_UNICODE_ISDECIMAL(Py_UCS4 ch) nogil
    bint Py_UNICODE_ISDIGIT(Py_UCS4 ch) nogil
    int PyUnicode_4BYTE_KIND


cdef inline bint _u_word(const Py_UCS4 *s, Py_ssize_t n, Py_ssize_t i) noexcept nogil:
    """Whether s[i] is a regex word character (``\\w``: alphanumeric, or ``_``); False past the end."""
    return i < n and (Py_UNICODE_ISALNUM(s[i]) or s[i] == 95)


cdef inline bint _u_letter(const Py_UCS4 *s, Py_ssize_t n, Py_ssize_t i) noexcept nogil:
    """Whether s[i] is in ``[^\\W\\d_]``; False past the end."""
    return i < n and Py_UNICODE_ISALNUM(s[i]) and not Py_UNICODE_ISDECIMAL(s[i])


cdef inline bint _u_decimal(const Py_UCS4 *s, Py_ssize_t n, Py_ssize_t i) noexcept nogil:
    return i < n and Py_UNICODE_ISDECIMAL(s[i])


cdef inline bint _quote_char(Py_UCS4 c) noexcept nogil:
    """One of ``dedup.tokens._QUOTE_CHARS``: “”„‟«»「」『』〝〞〟."""
    return (0x201C <= c <= 0x201F) or c == 0xAB or c == 0xBB or (0x300C <= c <= 0x300F) or (0x301D <= c <= 0x301F)


cdef inline bint _apostrophe_char(Py_UCS4 c) noexcept nogil:
    """One of ``dedup.tokens._APOSTROPHE``'s marks: ' ‘ ’ ‛ ′ ` ´ ʼ."""
    return c == 39 or c == 96 or c == 0xB4 or c == 0x2BC or c == 0x2032 or (0x2018 <= c <= 0x201B and c != 0x201A)


cdef Py_ssize_t _u_marks(Py_UCS4 *s, Py_ssize_t n, const Py_UCS4 *digits) noexcept nogil:
    """In place: the double quotation marks of every language folded to '"', the decimal digits
    of other scripts (``digits``: each code point's ASCII digit, or 0) to ASCII."""
    cdef Py_ssize_t i
    cdef Py_UCS4 c
    for i in range(n):
        c = s[i]
        if c < 0xAB:
            continue
        if _quote_char(c):
            s[i] = 34
        elif c < 0x1800 and digits[c]:
            s[i] = digits[c]
    return n


cdef Py_ssize_t _u_apostrophes(const Py_UCS4 *s, Py_ssize_t n, Py_UCS4 *out) noexcept nogil:
    """Drop each apostrophe between a letter or digit and a word character (``_join_apostrophe``)."""
    cdef Py_ssize_t i, m = 0
    for i in range(n):
        if _apostrophe_char(s[i]) and i and Py_UNICODE_ISALNUM(s[i - 1]) and _u_word(s, n, i + 1):
            continue
        out[m] = s[i]
        m += 1
    return m


ctypedef fused text_t:  # a character of ASCII text, or a code point of any text
    char
    Py_UCS4


cdef inline bint _letter_at(const text_t *s, Py_ssize_t n, Py_ssize_t i) noexcept nogil:
    """Whether s[i] is in ``[^\\W\\d_]`` (of ASCII: a letter); False past the end."""
    if text_t is char:
        return i < n and _alpha(s[i])
    else:
        return _u_letter(s, n, i)


cdef inline bint _word_at(const text_t *s, Py_ssize_t n, Py_ssize_t i) noexcept nogil:
    """Whether s[i] is a regex word character (``\\w``); False past the end."""
    if text_t is char:
        return _word(s, n, i)
    else:
        return _u_word(s, n, i)


cdef Py_ssize_t _abbreviation_end(const text_t *s, Py_ssize_t n, Py_ssize_t p) noexcept nogil:
    """Where ``\\.[^\\W\\d_](?:\\.[^\\W\\d_])*\\.?(?!\\w)`` matching at p (a dot) ends, the
    regex engine's backtracking included; -1 if it does not match there."""
    cdef Py_ssize_t e, k = 0
    if not _letter_at(s, n, p + 1):
        return -1
    e = p + 2
    while e + 1 < n and s[e] == 46 and _letter_at(s, n, e + 1):
        e += 2
        k += 1
    if e < n and s[e] == 46 and not _word_at(s, n, e + 1):
        return e + 1
    if not _word_at(s, n, e):
        return e
    # one repetition fewer: a dot follows it, and a dot is not a word character
    return e - 2 if k else -1


cdef Py_ssize_t _abbreviations(const text_t *s, Py_ssize_t n, text_t *out) noexcept nogil:
    """Join the letters of an abbreviation whose first letter follows a letter that itself
    follows no word character (u.s. -> us), as ``dedup.tokens._join_abbreviation`` does."""
    cdef Py_ssize_t i = 0, m = 0, e, j, dot
    cdef bint join
    while i < n:
        if text_t is char:  # the text up to the next dot copied whole
            dot = _find(s, n, i, b'.')
            memcpy(out + m, s + i, dot - i)
            m += dot - i
            i = dot
            if i == n:
                break
        elif s[i] != 46:
            out[m] = s[i]
            m += 1
            i += 1
            continue
        e = _abbreviation_end(s, n, i)
        if e >= 0:
            if text_t is char:
                join = i and _alpha(s[i - 1]) and (i < 2 or not _word(s, n, i - 2))
            else:
                join = i and Py_UNICODE_ISALPHA(s[i - 1]) and (i < 2 or not _u_word(s, n, i - 2))
            for j in range(i, e):
                if not (join and s[j] == 46):
                    out[m] = s[j]
                    m += 1
            i = e
            continue
        out[m] = s[i]
        m += 1
        i += 1
    return m


cdef Py_ssize_t _u_thousands(const Py_UCS4 *s, Py_ssize_t n, Py_UCS4 *out) noexcept nogil:
    """Drop each comma between a digit and exactly three decimal digits (``_join_thousands``)."""
    cdef Py_ssize_t i, m = 0
    for i in range(n):
        if (s[i] == 44 and i and Py_UNICODE_ISDIGIT(s[i - 1]) and _u_decimal(s, n, i + 1) and _u_decimal(s, n, i + 2)
                and _u_decimal(s, n, i + 3) and not _u_decimal(s, n, i + 4)):
            continue
        out[m] = s[i]
        m += 1
    return m


def normalize_text(str text, const uint32_t[::1] digits):
    """``dedup.tokens.normalize`` of a text already NFKC-normalised and case-folded, any
    script: quotation marks and other scripts' digits folded (``digits``: each code point's
    ASCII digit below U+1800, or 0), then apostrophes, abbreviations and thousands separators
    joined, each step over the previous one's output."""
    cdef Py_ssize_t n = len(text)
    if digits.shape[0] < 0x1800:
        raise ValueError("digits: a code point's digit for each below U+1800")
    cdef Py_UCS4 *a = PyUnicode_AsUCS4Copy(text)
    cdef Py_UCS4 *b = <Py_UCS4 *> malloc((n + 1) * sizeof(Py_UCS4))
    if b == NULL:
        PyMem_Free(a)
        raise MemoryError()
    try:
        with nogil:
            _u_marks(a, n, <const Py_UCS4 *> &digits[0])
            n = _u_apostrophes(a, n, b)
            n = _abbreviations(b, n, a)
            n = _u_thousands(a, n, b)
        return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, b, n)
    finally:
        PyMem_Free(a)
        free(b)


cdef extern from "Python.h":
    bint Py_UNICODE_ISSPACE(Py_UCS4 ch) nogil


cdef inline bint _before_open(Py_UCS4 c) noexcept nogil:
    """One of ``dedup.quotes._BEFORE_OPEN``: a space, tab or newline, ( [ { /, a dash or hyphen."""
    return c == 32 or c == 9 or c == 10 or c == 40 or c == 91 or c == 123 or c == 47 or c == 0x2014 or c == 0x2013 or c == 45


cdef inline bint _after_close(Py_UCS4 c) noexcept nogil:
    """One of ``dedup.quotes._AFTER_CLOSE``: a space, tab or newline, . , ; : ! ? ) ] } /, a dash or hyphen."""
    return (c == 32 or c == 9 or c == 10 or c == 46 or c == 44 or c == 59 or c == 58 or c == 33 or c == 63 or c == 41
            or c == 93 or c == 125 or c == 47 or c == 0x2014 or c == 0x2013 or c == 45)


def quote_directions(str text):
    """``dedup.quotes._QUOTE_MARK.sub(_quote_direction, text)``: each '"' made an opening mark
    (U+201C), a closing one (U+201D), left a toggle, or made a space, by the characters
    beside it."""
    cdef Py_ssize_t n = len(text), i
    cdef int kind = PyUnicode_KIND(text)
    cdef const void *data = PyUnicode_DATA(text)
    cdef Py_UCS4 c, before, after
    cdef bint can_open, can_close
    cdef Py_UCS4 *out = <Py_UCS4 *> malloc((n + 1) * sizeof(Py_UCS4))
    if out == NULL:
        raise MemoryError()
    try:
        with nogil:
            for i in range(n):
                c = PyUnicode_READ(kind, data, i)
                if c == 34:
                    before = PyUnicode_READ(kind, data, i - 1) if i else 32
                    after = PyUnicode_READ(kind, data, i + 1) if i + 1 < n else 32
                    can_open = _before_open(before) and not Py_UNICODE_ISSPACE(after)
                    can_close = not Py_UNICODE_ISSPACE(before) and _after_close(after)
                    if can_open != can_close:
                        c = 0x201C if can_open else 0x201D
                    elif not (can_open or (Py_UNICODE_ISSPACE(before) and Py_UNICODE_ISSPACE(after) and i + 1 < n
                                           and after != 10)):
                        c = 32
                out[i] = c
        return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, n)
    finally:
        free(out)


def word_matrix(const uint32_t[::1] codes, const int64_t[::1] starts, const int64_t[::1] ends, Py_ssize_t width):
    """The rows of ``dedup.tokens._strings``: each word's code points, padded with zeros to ``width``."""
    cdef Py_ssize_t n = starts.shape[0], k
    cdef int64_t j
    out_arr = np.zeros((n, width), dtype=np.uint32)
    cdef uint32_t[:, ::1] out = out_arr
    with nogil:
        for k in range(n):
            for j in range(starts[k], ends[k]):
                out[k, j - starts[k]] = codes[j]
    return out_arr


def span_hashes(const uint32_t[::1] codes, const int64_t[::1] starts, const int64_t[::1] ends, uint64_t base):
    """``dedup.sign.span_hashes``: each word's polynomial over its code points (Horner's rule,
    wrapping mod 2^64, the same value as the reference's prefix sums), finished with fmix64."""
    cdef Py_ssize_t n = starts.shape[0], k
    cdef int64_t j
    cdef uint64_t h
    out_arr = np.empty(n, dtype=np.uint64)
    cdef uint64_t[::1] out = out_arr
    with nogil:
        for k in range(n):
            h = 0
            for j in range(starts[k], ends[k]):
                h = h * base + codes[j]
            out[k] = fmix64(h)
    return out_arr


# --- signatures -----------------------------------------------------------------------------


def shingles(const uint64_t[::1] hashes, const int64_t[::1] counts, int shingle_size, const uint64_t[::1] position):
    """``dedup.sign.shingles_many`` of documents whose word hashes lie one after another:
    (every document's shingle hashes, one after another; each document's count)."""
    cdef Py_ssize_t docs = counts.shape[0], d, i, j, total = 0, at = 0, off = 0, n, width, m = position.shape[0]
    cdef uint64_t acc
    if shingle_size < 1 or m < 1:
        raise ValueError(f"shingles of {shingle_size} words with {m} multipliers; one word and one multiplier at least")
    for d in range(docs):
        n = counts[d]
        total += n - min(n, <Py_ssize_t>shingle_size) + 1 if n else 0
    out_arr = np.empty(total, dtype=np.uint64)
    sizes_arr = np.empty(docs, dtype=np.int64)
    cdef uint64_t[::1] out = out_arr
    cdef int64_t[::1] sizes = sizes_arr
    # each word's multiplier by its place in a shingle, looked up (a division a word took a third of the time)
    cdef uint64_t *multiplier = <uint64_t *> malloc(shingle_size * sizeof(uint64_t))
    if multiplier == NULL:
        raise MemoryError()
    for j in range(shingle_size):
        multiplier[j] = position[j % m]
    with nogil:
        for d in range(docs):
            n = counts[d]
            width = min(n, <Py_ssize_t>shingle_size)
            sizes[d] = n - width + 1 if n else 0
            for i in range(sizes[d]):
                acc = hashes[off + i] * multiplier[0]
                for j in range(1, width):
                    acc += hashes[off + i + j] * multiplier[j]
                out[at] = fmix64(acc ^ <uint64_t>width)
                at += 1
            off += n
    free(multiplier)
    return out_arr, sizes_arr


def windows(const uint8_t[::1] sentence_start, const int64_t[::1] word_counts, const int64_t[::1] shingle_counts, int width):
    """``dedup.sign._passage_windows_many``: every document's passage windows (start, end)
    one after another, and each document's number of them."""
    cdef Py_ssize_t docs = word_counts.shape[0], d, i, off = 0, bound = 0, at = 0
    cdef int64_t sc, start, last
    for i in range(sentence_start.shape[0]):
        bound += sentence_start[i]
    out_arr = np.empty((bound + docs, 2), dtype=np.int64)
    counts_arr = np.zeros(docs, dtype=np.int64)
    cdef int64_t[:, ::1] out = out_arr
    cdef int64_t[::1] counts = counts_arr
    with nogil:
        for d in range(docs):
            sc = shingle_counts[d]
            last = -1
            for i in range(min(<int64_t>word_counts[d], sc)):  # anchors past the last shingle start none
                if i and not sentence_start[off + i]:
                    continue  # every document has a window at its start
                start = min(<int64_t>i, max(sc - width, 0))
                if start == last:
                    continue  # pulled back from the end onto the last one
                out[at, 0] = start
                out[at, 1] = min(start + width, sc)
                counts[d] += 1
                last = start
                at += 1
            off += word_counts[d]
    return out_arr[:at], counts_arr


def signatures(const uint64_t[::1] shingles, const int64_t[::1] shingle_counts, const int64_t[:, ::1] windows,
               const int64_t[::1] window_counts, const uint32_t[::1] a, const uint32_t[::1] b, int bands, int rows,
               const uint64_t[::1] position, uint64_t salt):
    """``dedup.sign._signatures``: each document's MinHash (a row of the first array) and the
    band keys of its passage windows (rows of the second, all documents one after another).

    One pass over the shingles. The windows' starts and ends cut a document into segments;
    each shingle's permuted values lower the document's minima and its segment's (the
    permutations the bands use), and a window's minima, as it ends, are those of the few
    segments it covers (two or three: windows start at sentences), kept in a ring of as many
    as the longest window has shingles. Windows overlap, so taking each one's minima over its
    own shingles lowered every shingle's values 1.4 times more on the real corpus.
    """
    cdef Py_ssize_t docs = shingle_counts.shape[0], num_perm = a.shape[0], used = bands * rows
    cdef Py_ssize_t d, i, r, k, w = 0, ws = 0, w_end, off = 0, ring_rows = 1, m = position.shape[0], band
    cdef Py_ssize_t closed  # segments of the document closed so far; the open one is the next
    cdef int64_t sc, s, open_at
    cdef uint32_t hv
    cdef uint64_t acc
    for i in range(windows.shape[0]):
        ring_rows = max(ring_rows, <Py_ssize_t>(windows[i, 1] - windows[i, 0]))
    ring_rows += 1  # a window's segments, and the open one
    while ring_rows & (ring_rows - 1):  # a power of two: a row's place is a mask, not a division (one a shingle)
        ring_rows += 1
    cdef Py_ssize_t ring_mask = ring_rows - 1
    minhash_arr = np.full((docs, num_perm), 0xFFFFFFFF, dtype=np.uint32)
    keys_arr = np.empty((windows.shape[0], bands), dtype=np.uint64)
    cdef uint32_t[:, ::1] minhash = minhash_arr
    cdef uint64_t[:, ::1] keys = keys_arr
    cdef uint32_t *ring = <uint32_t *> malloc(ring_rows * max(used, 1) * sizeof(uint32_t))
    cdef int64_t *seg_start = <int64_t *> malloc(ring_rows * sizeof(int64_t))
    cdef uint32_t *low = <uint32_t *> malloc(max(used, 1) * sizeof(uint32_t))
    cdef uint64_t *multiplier = <uint64_t *> malloc(max(rows, 1) * sizeof(uint64_t))  # each row's (no division a row)
    if ring == NULL or low == NULL or seg_start == NULL or multiplier == NULL:
        free(ring)
        free(low)
        free(seg_start)
        free(multiplier)
        raise MemoryError()
    for r in range(rows):
        multiplier[r] = position[r % m]
    with nogil:
        for d in range(docs):
            sc = shingle_counts[d]
            w_end = w + window_counts[d]
            ws = w
            closed = 0
            open_at = 0
            seg_start[0] = 0
            memset(ring, 0xFF, used * sizeof(uint32_t))
            for i in range(sc):
                while ws < w_end and windows[ws, 0] < i:
                    ws += 1
                if ws < w_end and windows[ws, 0] == i and open_at < i:  # a window starts here: a new segment
                    closed = _open_segment(ring, seg_start, closed, ring_mask, used, i)
                    open_at = i
                hv = fmix32(<uint32_t>(shingles[off + i] >> 32))
                dedup_permute_min(&a[0], &b[0], hv, ring + (closed & ring_mask) * used, &minhash[d, 0], used, num_perm)
                if w < w_end and windows[w, 1] == i + 1:  # windows end here: so does the segment
                    closed = _open_segment(ring, seg_start, closed, ring_mask, used, i + 1)
                    open_at = i + 1
                while w < w_end and windows[w, 1] == i + 1:
                    s = windows[w, 0]
                    k = closed - 1  # the window's last segment; back to the one it starts with
                    memcpy(low, ring + (k & ring_mask) * used, used * sizeof(uint32_t))
                    while seg_start[k & ring_mask] != s:
                        k -= 1
                        dedup_lower(low, ring + (k & ring_mask) * used, used)
                    for band in range(bands):
                        acc = 0
                        for r in range(rows):
                            acc += <uint64_t>low[band * rows + r] * multiplier[r]
                        keys[w, band] = fmix64(acc ^ (<uint64_t>(band + 1) * salt))
                    w += 1
            off += sc
    free(ring)
    free(low)
    free(seg_start)
    free(multiplier)
    return minhash_arr, keys_arr


cdef inline Py_ssize_t _open_segment(uint32_t *ring, int64_t *seg_start, Py_ssize_t closed, Py_ssize_t ring_mask,
                                     Py_ssize_t used, int64_t at) noexcept nogil:
    """Close the open segment of :func:`signatures`' ring (of ``ring_mask`` + 1 rows, a power
    of two) and open the next, at shingle ``at`` (its minima all-max); return the segments closed."""
    closed += 1
    seg_start[closed & ring_mask] = at
    memset(ring + (closed & ring_mask) * used, 0xFF, used * sizeof(uint32_t))
    return closed


# --- candidates -----------------------------------------------------------------------------


cdef struct Found:  # pairs of documents as they are found: a buffer that grows
    int64_t *items
    Py_ssize_t used, size  # in values (two a pair)


cdef int _found(Found *out, int64_t a, int64_t b) noexcept nogil:
    """Add the pair (a, b); -1 if memory ran out."""
    cdef int64_t *grown
    if out.used + 2 > out.size:
        grown = <int64_t *> realloc(out.items, 2 * out.size * sizeof(int64_t))
        if grown == NULL:
            return -1
        out.items, out.size = grown, 2 * out.size
    out.items[out.used], out.items[out.used + 1] = a, b
    out.used += 2
    return 0


cdef int _bucket(const int32_t *docs, const int32_t *next, int32_t head, int32_t *members, Py_ssize_t max_bucket,
                 Found *out) noexcept nogil:
    """The pairs of the documents of one key's chain of windows (from ``head``; ``docs``
    ascending along it): every pair of up to ``max_bucket`` documents, else a star (the first
    with each other) and a chain (each with the next). -1 if memory ran out."""
    cdef Py_ssize_t d = 0, i, j
    cdef int32_t at = head
    while at >= 0:
        if d == 0 or members[d - 1] != docs[at]:
            members[d] = docs[at]
            d += 1
        at = next[at]
    if d > max_bucket:
        for i in range(1, d):
            if _found(out, members[0], members[i]) < 0:
                return -1
        for i in range(1, d - 1):
            if _found(out, members[i], members[i + 1]) < 0:
                return -1
        return 0
    for i in range(d):
        for j in range(i + 1, d):
            if _found(out, members[i], members[j]) < 0:
                return -1
    return 0


cdef int _part_pairs(const uint64_t *keys, const int32_t *docs, Py_ssize_t m, int32_t *heads, int32_t *tails,
                     int32_t *next, int32_t *members, Py_ssize_t max_bucket, Found *out) noexcept nogil:
    """The pairs of one part of a band's windows (``m`` keys, their documents ascending): the
    windows chained by key in a table of the part's size (in cache), each key's documents
    paired. -1 if memory ran out."""
    cdef Py_ssize_t slots = 16, i, firsts = 0
    cdef uint64_t h, mask
    while slots < 4 * m:  # (a quarter full at most: few probes)
        slots <<= 1
    mask = slots - 1
    memset(heads, 0xFF, slots * sizeof(int32_t))
    for i in range(m):
        h = keys[i] & mask
        while heads[h] >= 0 and keys[heads[h]] != keys[i]:
            h = (h + 1) & mask
        next[i] = -1
        if heads[h] < 0:
            heads[h] = <int32_t>i
            members[firsts] = <int32_t>i  # (the keys' first windows, listed where the members go later)
            firsts += 1
        else:
            next[tails[h]] = <int32_t>i
        tails[h] = <int32_t>i
    # each key held by more than one window, from its first (the list moved out of the way of the members)
    memcpy(tails, members, firsts * sizeof(int32_t))
    for i in range(firsts):
        if next[tails[i]] >= 0 and _bucket(docs, next, tails[i], members, max_bucket, out) < 0:
            return -1
    return 0


def band_pairs(list blocks, Py_ssize_t band, const int32_t[::1] docs, Py_ssize_t max_bucket):
    """``dedup.candidates._band_pairs`` of row ``band`` of the blocks (each a C-ordered
    (bands, n) uint64 array; ``docs``: each window's document, ascending), as one (m, 2)
    int64 array: the same pairs, in another order and maybe repeated.

    A hash join's partitioning rather than sorts, with the interpreter lock released: the
    windows are spread by their keys' top bits into parts of about 2,048 (one pass to count,
    one to place, each part's documents still ascending), and each part's keys are grouped
    by a table small enough to stay in cache.
    """
    cdef Py_ssize_t parts = len(blocks), n = docs.shape[0], p, i, j = 0, total = 0, at, most = 0
    cdef const uint64_t[:, ::1] block
    cdef list rows_of = []
    for p in range(parts):
        block = blocks[p]
        if block.shape[1]:
            rows_of.append(block[band])
        total += block.shape[1]
    if total != n:
        raise ValueError(f"the blocks hold {total} windows, the documents {n}")
    if n >= 2**31 - 1:
        raise ValueError(f"{n} windows in a band; at most 2^31 - 2 are paired at once")
    parts = len(rows_of)
    cdef int bits = 0
    while (<Py_ssize_t>1 << bits) * 2048 < n and bits < 16:
        bits += 1
    cdef Py_ssize_t count = <Py_ssize_t>1 << bits
    cdef const uint64_t **rows = <const uint64_t **> malloc(max(parts, 1) * sizeof(uint64_t *))
    cdef Py_ssize_t *sizes = <Py_ssize_t *> malloc(max(parts, 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t *starts = <Py_ssize_t *> calloc(count + 1, sizeof(Py_ssize_t))
    cdef uint64_t *keys = <uint64_t *> malloc(max(n, 1) * sizeof(uint64_t))
    cdef int32_t *owners = <int32_t *> malloc(max(n, 1) * sizeof(int32_t))
    cdef Found out
    out.used, out.size = 0, 1 << 12
    out.items = <int64_t *> malloc(out.size * sizeof(int64_t))
    cdef int32_t *heads = NULL
    cdef int32_t *tails = NULL
    cdef int32_t *next = NULL
    cdef int32_t *members = NULL
    cdef const uint64_t[::1] row
    cdef uint64_t key
    cdef int failed = 0
    cdef int64_t[:, ::1] into
    try:
        if rows == NULL or sizes == NULL or starts == NULL or keys == NULL or owners == NULL or out.items == NULL:
            raise MemoryError()
        for p in range(parts):
            row = rows_of[p]
            rows[p], sizes[p] = &row[0], row.shape[0]
        with nogil:
            for p in range(parts):  # each part's size, then where it starts
                for i in range(sizes[p]):
                    starts[(rows[p][i] >> (64 - bits)) + 1 if bits else 1] += 1
            for p in range(count):
                most = max(most, starts[p + 1])
                starts[p + 1] += starts[p]
            for p in range(parts):  # each window placed in its part, in order
                for i in range(sizes[p]):
                    key = rows[p][i]
                    at = starts[key >> (64 - bits) if bits else 0]
                    starts[key >> (64 - bits) if bits else 0] = at + 1
                    keys[at], owners[at] = key, docs[j]
                    j += 1
            # (each part's start moved to its end: the start of the next one)
            heads = <int32_t *> malloc(max(8 * most, 16) * sizeof(int32_t))
            tails = <int32_t *> malloc(max(8 * most, 16) * sizeof(int32_t))
            next = <int32_t *> malloc(max(most, 1) * sizeof(int32_t))
            members = <int32_t *> malloc(max(most, 1) * sizeof(int32_t))
            if heads == NULL or tails == NULL or next == NULL or members == NULL:
                failed = 1
            at = 0
            for p in range(count):
                if failed:
                    break
                if starts[p] - at >= 2 and _part_pairs(keys + at, owners + at, starts[p] - at, heads, tails, next,
                                                       members, max_bucket, &out) < 0:
                    failed = 1
                at = starts[p]
        if failed:
            raise MemoryError()
        found = np.empty((out.used // 2, 2), dtype=np.int64)
        if out.used:
            into = found
            memcpy(&into[0, 0], out.items, out.used * sizeof(int64_t))
        return found
    finally:
        free(rows)
        free(sizes)
        free(starts)
        free(keys)
        free(owners)
        free(out.items)
        free(heads)
        free(tails)
        free(next)
        free(members)


# --- verify ---------------------------------------------------------------------------------


cdef struct Entry:  # a shared shingle's hit, laid out by diagonal (shared_runs_hashed, below)
    uint64_t key
    int64_t pos


# --- edited sentences -------------------------------------------------------------------------


cdef extern from *:
    int __builtin_popcountll(unsigned long long x) nogil

# Words of a sentence at most that ``best_edits`` aligns (its bit masks take 8 bytes a word for
# every 64 words of it: 512 KB): a longer one (no news sentence) is left to the reference (-2).
cdef enum:
    _PATTERN_WORDS = 2048


cdef Py_ssize_t _lcs(const int64_t *x, Py_ssize_t n, const int64_t *y, Py_ssize_t m, int64_t *slot_of,
                     uint64_t *masks, uint64_t *v) noexcept nogil:
    """The length of the longest common subsequence of x and y, Hyyrö's bit-parallel way: x's
    positions are the bits (:func:`_pattern`), each word of y one pass of additions over them
    (:func:`_lcs_of`). ``slot_of`` maps a word to its row of ``masks`` (-1: not in x), and is left
    all -1 again."""
    cdef Py_ssize_t blocks = _pattern(x, n, slot_of, masks)
    cdef Py_ssize_t lcs = _lcs_of(n, blocks, slot_of, masks, y, m, v)
    _forget(x, n, slot_of)
    return lcs


def best_edits(const int64_t[::1] ids, const int64_t[::1] starts, const int64_t[::1] sizes,
               const int64_t[::1] sentences, const int64_t[:, ::1] candidates, const int64_t[::1] first,
               const int64_t[::1] count, double threshold, int min_words, Py_ssize_t width):
    """``dedup.sentences._best_edit`` of many sentences at once, but for the last test (a number
    put for a number, ``_filled_in``): for each ``sentences[q]`` (words ``ids[starts[g] : starts[g]
    + sizes[g]]``, ids below ``width``), its ``candidates[q]`` (-1 after the last) among the other
    text's sentences ``first[q]`` to ``first[q] + count[q] - 1``: the best (sentence, words kept,
    first and last + 1 sentence aligned with), sentence -1 where none is, -2 where the sentence is
    longer than this aligns (:data:`_PATTERN_WORDS`: the reference's to do)."""
    cdef Py_ssize_t q, c, variant, total = sentences.shape[0], n, m, most, kept, best, lo, hi
    cdef int64_t g, t, best_t, best_lo, best_hi
    cdef double least
    best_arr = np.full(total, -1, dtype=np.int64)
    kept_arr = np.zeros(total, dtype=np.int64)
    lo_arr = np.zeros(total, dtype=np.int64)
    hi_arr = np.zeros(total, dtype=np.int64)
    cdef int64_t[::1] out_t = best_arr, out_kept = kept_arr, out_lo = lo_arr, out_hi = hi_arr
    cdef int64_t *slot_of = <int64_t *> malloc(max(width, 1) * sizeof(int64_t))
    cdef uint64_t *masks = <uint64_t *> malloc(_PATTERN_WORDS * (_PATTERN_WORDS // 64) * sizeof(uint64_t))
    cdef uint64_t *v = <uint64_t *> malloc((_PATTERN_WORDS // 64) * sizeof(uint64_t))
    if slot_of == NULL or masks == NULL or v == NULL:
        free(slot_of)
        free(masks)
        free(v)
        raise MemoryError()
    with nogil:
        for q in range(width):
            slot_of[q] = -1
        for q in range(total):
            g = sentences[q]
            n = sizes[g]
            if n > _PATTERN_WORDS:
                out_t[q] = -2
                continue
            least = max(threshold * n, <double>min(<Py_ssize_t>min_words, n))
            best, best_t, best_lo, best_hi = -1, -1, 0, 0
            for c in range(candidates.shape[1]):
                t = candidates[q, c]
                if t < 0:
                    break
                # t alone, run into the one before, into the one after: those the other text has
                for variant in range(3):
                    lo, hi = (t, t + 1) if variant == 0 else (t - 1, t + 1) if variant == 1 else (t, t + 2)
                    if lo < first[q] or hi > first[q] + count[q]:
                        continue
                    m = sizes[lo] if hi == lo + 1 else sizes[lo] + sizes[lo + 1]
                    most = min(n, m)
                    if most < least or 2 * most < threshold * (n + m) or (best >= 0 and most <= best):
                        continue
                    kept = _lcs(&ids[starts[g]], n, &ids[starts[lo]], m, slot_of, masks, v)
                    if kept < least or 2 * kept < threshold * (n + m):
                        continue
                    if best < 0 or kept > best:
                        best, best_t, best_lo, best_hi = kept, t, lo, hi
            if best >= 0:
                out_t[q], out_kept[q], out_lo[q], out_hi[q] = best_t, best, best_lo, best_hi
    free(slot_of)
    free(masks)
    free(v)
    return best_arr, kept_arr, lo_arr, hi_arr


cdef void _free_all(int64_t *a, int64_t *b, int64_t *c, int64_t *d, int64_t *e, int64_t *f) noexcept:
    free(a)
    free(b)
    free(c)
    free(d)
    free(e)
    free(f)


def shared_words(const int64_t[::1] ids, const int32_t[::1] sentence, const int64_t[::1] first_word,
                 const int64_t[::1] first_sentence, Py_ssize_t total, Py_ssize_t width):
    """What ``dedup.sentences._shared_words`` finds with numpy, for texts a, b, a, b, ... of a
    batch: (the distinct words of each sentence; every (sentence of a, sentence of b) of one pair
    sharing words, and how many distinct ones), the pairs in order. A text's words are ``ids[
    first_word[k] : first_word[k + 1]]`` (ids below ``width``), ``sentence`` numbers them over the
    batch (``total`` sentences; text k's from ``first_sentence[k]``)."""
    cdef Py_ssize_t texts = first_word.shape[0] - 1, q, i, j, e, n_e, c, k, used = 0, room = 1024, touched_n
    cdef Py_ssize_t longest = 0, most = 1
    cdef int64_t w, g, fs, t
    for q in range(texts):
        longest = max(longest, <Py_ssize_t>(first_word[q + 1] - first_word[q]))
        most = max(most, <Py_ssize_t>((first_sentence[q + 1] if q + 1 < texts else total) - first_sentence[q]))
    words_in_arr = np.zeros(total, dtype=np.int64)
    cdef int64_t[::1] words_in = words_in_arr
    cdef int64_t *stamp = <int64_t *> malloc(max(width, 1) * sizeof(int64_t))  # the last sentence a word was seen in
    cdef int64_t *head = <int64_t *> malloc(max(width, 1) * sizeof(int64_t))  # b's sentences of a word: a chain
    cdef int64_t *chain = <int64_t *> malloc(max(longest, 1) * 2 * sizeof(int64_t))  # (sentence, next) of each
    cdef int64_t *counts = <int64_t *> calloc(most, sizeof(int64_t))  # words shared with each of b's sentences
    cdef int64_t *touched = <int64_t *> malloc(most * sizeof(int64_t))
    cdef int64_t *out = <int64_t *> malloc(room * 3 * sizeof(int64_t))
    cdef int64_t *grown
    if not (stamp and head and chain and counts and touched and out):
        _free_all(stamp, head, chain, counts, touched, out)
        raise MemoryError()
    try:
        with nogil:
            for i in range(width):
                stamp[i] = -1
                head[i] = -1
            for q in range(0, texts - 1, 2):
                n_e = 0  # b's distinct (word, sentence), chained by word
                for i in range(first_word[q + 1], first_word[q + 2]):
                    w, g = ids[i], sentence[i]
                    if stamp[w] != g:
                        stamp[w] = g
                        words_in[g] += 1
                        chain[2 * n_e], chain[2 * n_e + 1] = g, head[w]
                        head[w] = n_e
                        n_e += 1
                fs = first_sentence[q + 1]
                i = first_word[q]
                while i < first_word[q + 1]:  # a's sentences, one at a time
                    g = sentence[i]
                    touched_n = 0
                    while i < first_word[q + 1] and sentence[i] == g:
                        w = ids[i]
                        i += 1
                        if stamp[w] == g:
                            continue
                        stamp[w] = g
                        words_in[g] += 1
                        e = head[w]
                        while e >= 0:
                            c = chain[2 * e] - fs
                            if counts[c] == 0:
                                touched[touched_n] = c
                                touched_n += 1
                            counts[c] += 1
                            e = chain[2 * e + 1]
                    for k in range(1, touched_n):  # b's sentences in order (insertion sort: a few dozen)
                        t = touched[k]
                        j = k - 1
                        while j >= 0 and touched[j] > t:
                            touched[j + 1] = touched[j]
                            j -= 1
                        touched[j + 1] = t
                    if used + touched_n > room:
                        room = 2 * (used + touched_n)
                        grown = <int64_t *> realloc(out, room * 3 * sizeof(int64_t))
                        if grown == NULL:
                            with gil:
                                raise MemoryError()
                        out = grown
                    for k in range(touched_n):
                        c = touched[k]
                        out[3 * used], out[3 * used + 1], out[3 * used + 2] = g, fs + c, counts[c]
                        counts[c] = 0
                        used += 1
                for i in range(first_word[q + 1], first_word[q + 2]):
                    head[ids[i]] = -1
        found = np.empty((used, 3), dtype=np.int64)
        if used:
            found[:] = <int64_t[:used, :3]> out
        return words_in_arr, found[:, 0].copy(), found[:, 1].copy(), found[:, 2].copy()
    finally:
        _free_all(stamp, head, chain, counts, touched, out)


# --- verify (fast-V) ---


cdef Py_ssize_t _first_numbers(const uint64_t *values, Py_ssize_t n, int64_t *number, int64_t *first) noexcept nogil:
    """Number ``values`` in order of first occurrence (equal values, equal numbers) by an
    open-addressing table: each value's number in ``number``, and, if ``first`` is not NULL, the
    index of each number's first occurrence. Returns the numbers used, or -1 where memory ran out."""
    cdef Py_ssize_t size = 16, k, slot, used = 0
    cdef uint64_t h
    while size < 2 * n:
        size <<= 1
    cdef uint64_t *keys = <uint64_t *> malloc(size * sizeof(uint64_t))
    cdef int64_t *slot_number = <int64_t *> malloc(size * sizeof(int64_t))  # -1: empty
    if keys == NULL or slot_number == NULL:
        free(keys)
        free(slot_number)
        return -1
    memset(slot_number, 0xFF, size * sizeof(int64_t))
    for k in range(n):
        h = values[k]
        slot = <Py_ssize_t>(fmix64(h) & <uint64_t>(size - 1))
        while slot_number[slot] >= 0 and keys[slot] != h:
            slot = (slot + 1) & (size - 1)
        if slot_number[slot] < 0:
            keys[slot], slot_number[slot] = h, used
            if first != NULL:
                first[used] = k
            used += 1
        number[k] = slot_number[slot]
    free(keys)
    free(slot_number)
    return used


def word_codes(const uint64_t[::1] a, const uint64_t[::1] b):
    """``dedup.verify._word_codes``: two texts' words (their hashes) as two strings of one
    character a word, equal words the same character, numbered in order of first occurrence
    (:func:`_first_numbers`: no Python object per word)."""
    cdef Py_ssize_t n_a = a.shape[0], n_b = b.shape[0], n = n_a + n_b, k
    if n > 0x110000:
        raise ValueError(f"{n} words are more than code points: compare them as lists")
    cdef uint64_t *values = <uint64_t *> malloc(max(n, 1) * sizeof(uint64_t))
    cdef int64_t *number = <int64_t *> malloc(max(n, 1) * sizeof(int64_t))
    cdef uint32_t *codes = <uint32_t *> malloc(max(n, 1) * sizeof(uint32_t))
    cdef Py_ssize_t used = -1
    if values != NULL and number != NULL and codes != NULL:
        with nogil:
            for k in range(n):
                values[k] = a[k] if k < n_a else b[k - n_a]
            used = _first_numbers(values, n, number, NULL)
            for k in range(n if used >= 0 else 0):
                codes[k] = <uint32_t>number[k]
    try:
        if used < 0:
            raise MemoryError()
        return (PyUnicode_FromKindAndData(4, codes, n_a), PyUnicode_FromKindAndData(4, codes + n_a, n_b))
    finally:
        free(values)
        free(number)
        free(codes)


def digit_words(const uint32_t[::1] words, Py_ssize_t width):
    """``dedup.verify._digit_words``: whether each word (``width`` code points, padded with zeros,
    one after another) holds a digit (``str.isdigit`` of one of its characters), one byte a word."""
    cdef Py_ssize_t n = words.shape[0] // width if width else 0, k, c
    cdef uint32_t ch
    out = bytearray(n)
    cdef unsigned char *flags = out
    with nogil:
        for k in range(n):
            for c in range(width):
                ch = words[k * width + c]
                if ch == 0:
                    break
                # ASCII read here (Unicode's table lookup takes 7 ns a character: 7 µs a text)
                if (ch - 48 < 10) if ch < 128 else Py_UNICODE_ISDIGIT(ch):
                    flags[k] = 1
                    break
    return bytes(out)


cdef Py_ssize_t _first_not_below(const int64_t *pos, Py_ssize_t lo, Py_ssize_t hi, int64_t at) noexcept nogil:
    """The first index in [lo, hi) (positions ascending) whose position is not below ``at``."""
    cdef Py_ssize_t mid
    while lo < hi:
        mid = (lo + hi) >> 1
        if pos[mid] < at:
            lo = mid + 1
        else:
            hi = mid
    return lo


def shared_runs_hashed(const uint64_t[::1] a, const uint64_t[::1] b, int shingle_size, int max_repeats):
    """The maximal diagonal runs of shingles two texts share, and (distinct shingles of a, of b, of
    both): ``dedup.verify._shared_runs_pair`` (the reference), the shingles grouped by an
    open-addressing table, not sorted: b's positions of each value laid out ascending by
    counting, a's looked up. Sorting both sides (the compiled search before) was most of the
    13 µs of a pair of 270 shingles."""
    cdef Py_ssize_t n_a = a.shape[0], n_b = b.shape[0], size = 16, i, j, k, slot, lo, hi, near
    cdef Py_ssize_t values_b = 0, size_a = 0, shared = 0, total = 0, width = n_a + n_b + 1, start, d
    cdef uint64_t h
    while size < 2 * (n_a + n_b):
        size <<= 1
    cdef uint64_t *keys = <uint64_t *> malloc(size * sizeof(uint64_t))
    cdef int64_t *value_of = <int64_t *> malloc(size * sizeof(int64_t))  # -2: empty slot; -1: not in b; else b's value
    cdef uint8_t *in_a = <uint8_t *> calloc(size, 1)
    cdef int64_t *value_b = <int64_t *> malloc(max(n_b, 1) * sizeof(int64_t))  # each b position's value
    cdef int64_t *first_b = <int64_t *> calloc(n_b + 2, sizeof(int64_t))  # where each value's positions start
    cdef int64_t *pos_b = <int64_t *> malloc(max(n_b, 1) * sizeof(int64_t))  # by value, ascending within one
    cdef Py_ssize_t *lo_of = <Py_ssize_t *> malloc(max(n_a, 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t *hi_of = <Py_ssize_t *> malloc(max(n_a, 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t *first = <Py_ssize_t *> calloc(width + 1, sizeof(Py_ssize_t))  # per diagonal + n_b
    cdef Entry *hits = NULL  # key: diagonal + n_b, pos: i; by diagonal, then i
    try:
        if not (keys and value_of and in_a and value_b and first_b and pos_b and lo_of and hi_of and first):
            raise MemoryError()
        with nogil:
            for k in range(size):
                value_of[k] = -2
            for j in range(n_b):
                h = b[j]
                slot = <Py_ssize_t>(fmix64(h) & <uint64_t>(size - 1))
                while value_of[slot] != -2 and keys[slot] != h:
                    slot = (slot + 1) & (size - 1)
                if value_of[slot] == -2:
                    keys[slot], value_of[slot] = h, values_b
                    values_b += 1
                value_b[j] = value_of[slot]
                first_b[value_of[slot] + 2] += 1
            for k in range(2, values_b + 2):
                first_b[k] += first_b[k - 1]
            for j in range(n_b):  # first_b[v + 1]: where value v's next position goes
                pos_b[first_b[value_b[j] + 1]] = j
                first_b[value_b[j] + 1] += 1
            for i in range(n_a):  # a's values looked up: their positions in b, a's and both's distinct counted
                h = a[i]
                slot = <Py_ssize_t>(fmix64(h) & <uint64_t>(size - 1))
                while value_of[slot] != -2 and keys[slot] != h:
                    slot = (slot + 1) & (size - 1)
                if value_of[slot] == -2:
                    keys[slot], value_of[slot] = h, -1
                if not in_a[slot]:
                    in_a[slot] = 1
                    size_a += 1
                    shared += value_of[slot] >= 0
                if value_of[slot] >= 0:
                    lo, hi = first_b[value_of[slot]], first_b[value_of[slot] + 1]
                else:
                    lo = hi = 0
                if hi - lo > max_repeats:  # the occurrences nearest i's own position
                    near = _first_not_below(pos_b, lo, hi, i)
                    lo = min(max(lo, near - max_repeats // 2), hi - max_repeats)
                    hi = lo + max_repeats
                lo_of[i], hi_of[i] = lo, hi
                for j in range(lo, hi):  # counted by diagonal
                    first[i - pos_b[j] + n_b + 1] += 1
                total += hi - lo
        hits = <Entry *> malloc(max(total, 1) * sizeof(Entry))
        if hits == NULL:
            raise MemoryError()
        with nogil:
            for d in range(1, width + 1):  # where each diagonal's hits start
                first[d] += first[d - 1]
            for i in range(n_a):  # placed in order of i: ascending within each diagonal
                for j in range(lo_of[i], hi_of[i]):
                    d = i - pos_b[j] + n_b
                    hits[first[d]].key = <uint64_t>d
                    hits[first[d]].pos = i
                    first[d] += 1
        runs = []
        start = 0
        for k in range(1, total + 1):
            if k == total or hits[k].key != hits[k - 1].key or hits[k].pos != hits[k - 1].pos + 1:
                i = hits[start].pos
                runs.append((i, i - (<int64_t>hits[start].key - n_b), k - start + shingle_size - 1))
                start = k
        return runs, (size_a, values_b, shared)
    finally:
        free(keys)
        free(value_of)
        free(in_a)
        free(value_b)
        free(first_b)
        free(pos_b)
        free(lo_of)
        free(hi_of)
        free(first)
        free(hits)


def select_runs(list runs, Py_ssize_t n_a, Py_ssize_t n_b, Py_ssize_t least):
    """``dedup.verify._select`` of the runs of at least ``least`` words: longest first (then by
    a's start, b's), each trimmed to its first longest stretch of words used on neither side yet."""
    cdef Py_ssize_t m = 0, k, j, t, s, e, best_s, best_e, run_start
    cdef int64_t a0, b0, n
    cdef int64_t *r = <int64_t *> malloc(max(len(runs), 1) * 3 * sizeof(int64_t))
    cdef uint8_t *used_a = <uint8_t *> calloc(n_a + 1, 1)
    cdef uint8_t *used_b = <uint8_t *> calloc(n_b + 1, 1)
    kept = []
    try:
        if r == NULL or used_a == NULL or used_b == NULL:
            raise MemoryError()
        for run in runs:
            if run[2] >= least:
                r[3 * m], r[3 * m + 1], r[3 * m + 2] = run[0], run[1], run[2]
                m += 1
        for k in range(1, m):  # insertion sort by (-words, a0, b0): a pair has a few runs
            a0, b0, n = r[3 * k], r[3 * k + 1], r[3 * k + 2]
            j = k - 1
            while j >= 0 and (r[3 * j + 2] < n or (r[3 * j + 2] == n and (r[3 * j] > a0 or (r[3 * j] == a0 and r[3 * j + 1] > b0)))):
                r[3 * j + 3], r[3 * j + 4], r[3 * j + 5] = r[3 * j], r[3 * j + 1], r[3 * j + 2]
                j -= 1
            r[3 * j + 3], r[3 * j + 4], r[3 * j + 5] = a0, b0, n
        for k in range(m):
            a0, b0, n = r[3 * k], r[3 * k + 1], r[3 * k + 2]
            n = min(n, n_a - a0, n_b - b0)
            best_s = best_e = run_start = 0
            for t in range(n + 1):  # the first longest stretch free on both sides
                if t == n or used_a[a0 + t] or used_b[b0 + t]:
                    if t - run_start > best_e - best_s:
                        best_s, best_e = run_start, t
                    run_start = t + 1
            if best_e > best_s:
                memset(used_a + a0 + best_s, 1, best_e - best_s)
                memset(used_b + b0 + best_s, 1, best_e - best_s)
                kept.append((a0 + best_s, b0 + best_s, best_e - best_s))
        return kept
    finally:
        free(r)
        free(used_a)
        free(used_b)


def quoted_words(const uint8_t[::1] quoted_a, const uint8_t[::1] quoted_b, list runs):
    """For each run (a0, b0, words): how many of its words are quoted in either text (the reference:
    ``np.count_nonzero(quoted_a[a0 : a0 + words] | quoted_b[b0 : b0 + words])``, in ``dedup.verify._match``)."""
    cdef Py_ssize_t a0, b0, n, t, count
    out = []
    for run in runs:
        a0, b0, n = run
        n = max(0, min(n, quoted_a.shape[0] - a0, quoted_b.shape[0] - b0))
        count = 0
        for t in range(n):
            count += (quoted_a[a0 + t] | quoted_b[b0 + t]) != 0
        out.append(count)
    return out


def sentence_side(const int32_t[::1] sentence, const uint8_t[::1] quoted, Py_ssize_t min_words):
    """The fields of ``dedup.sentences.Side`` (its reference: ``Side.of``) from each word's sentence
    (numbered from 0, in order, at least one word) and whether it is quoted: the words of each
    sentence, whether at least half are quoted, as arrays and lists, the sentences of ``min_words``
    or more, those of them not quotations, and their words."""
    cdef Py_ssize_t n = sentence.shape[0], m = sentence[n - 1] + 1, i, k, counted_words = 0
    sizes_arr = np.zeros(m, dtype=np.int64)
    quoted_arr = np.zeros(m, dtype=bool)
    cdef int64_t[::1] sizes = sizes_arr
    cdef uint8_t[::1] is_quoted = quoted_arr.view(np.uint8)
    cdef int64_t *marked = <int64_t *> calloc(m, sizeof(int64_t))
    if marked == NULL:
        raise MemoryError()
    with nogil:
        for i in range(n):
            sizes[sentence[i]] += 1
            marked[sentence[i]] += quoted[i] != 0
        for k in range(m):  # a share of at least 0.5: exactly twice the quoted words at least the words
            is_quoted[k] = sizes[k] > 0 and 2 * marked[k] >= sizes[k]
    free(marked)
    long, counted = [], []
    for k in range(m):
        if sizes[k] >= min_words:
            long.append(k)
            if not is_quoted[k]:
                counted.append(k)
                counted_words += sizes[k]
    return sizes_arr, quoted_arr, sizes_arr.tolist(), quoted_arr.tolist(), long, counted, counted_words


def add_offsets(int32_t[::1] values, const int64_t[::1] starts, const int64_t[::1] counts, const int64_t[::1] offsets):
    """Add ``offsets[k]`` to ``values[starts[k] : starts[k] + counts[k]]`` for each k, in place (the
    reference: a numpy addition a slice at a time, in ``dedup.sentences._batch_texts``)."""
    cdef Py_ssize_t k, i
    cdef int32_t add
    with nogil:
        for k in range(starts.shape[0]):
            add = <int32_t>offsets[k]
            for i in range(starts[k], starts[k] + counts[k]):
                values[i] += add


def numbered(const uint64_t[::1] values):
    """What ``dedup.sentences._numbered`` gives, up to the numbers' order: (the index of the first
    occurrence of each distinct value; each value's number), the values numbered in order of first
    occurrence (:func:`_first_numbers`), not in sorted order by a sort (equal values, equal
    numbers: all that the edited sentences' search reads of them)."""
    cdef Py_ssize_t n = values.shape[0], used
    number_arr = np.empty(n, dtype=np.int64)
    first_arr = np.empty(n, dtype=np.int64)
    cdef int64_t[::1] number = number_arr, first = first_arr
    with nogil:
        used = _first_numbers(&values[0] if n else NULL, n, &number[0] if n else NULL, &first[0] if n else NULL)
    if used < 0:
        raise MemoryError()
    return first_arr[:used].copy(), number_arr


def word_places(const uint32_t[::1] codes, const int64_t[::1] tokens, const uint8_t[::1] kinds,
                const uint8_t[::1] table, const int64_t[::1] bounds, uint32_t para_code):
    """For a scan's tokens (the reference: ``dedup.tokens._analysed`` and ``_sentence_index``):
    whether each token ends a sentence (a break, but a full stop with a word character right after
    it), and each word's paragraph and sentence within its body (bodies from ``bounds[k]``, each
    opening with a paragraph break), in one pass."""
    cdef Py_ssize_t n = tokens.shape[0], n_codes = codes.shape[0], bodies = bounds.shape[0] - 1
    cdef Py_ssize_t i, w = 0, words = 0, body = -1, word_body = -1
    cdef int64_t seen = 0, base = 0, ends = 0, ends_at_word = 0, sentence_no = 0
    cdef uint32_t first, nxt
    cdef uint8_t following
    for i in range(n):
        words += kinds[i] <= CJK_WORD
    end_arr = np.zeros(n, dtype=bool)
    paragraph_arr = np.empty(words, dtype=np.int32)
    sentence_arr = np.empty(words, dtype=np.int32)
    cdef uint8_t[::1] sentence_end = end_arr.view(np.uint8)
    cdef int32_t[::1] paragraph = paragraph_arr, sentence = sentence_arr
    with nogil:
        for i in range(n):
            first = codes[tokens[i]]
            seen += first == para_code
            if body + 1 < bodies and tokens[i] >= bounds[body + 1]:  # a body's first token: its opening
                while body + 1 < bodies and tokens[i] >= bounds[body + 1]:
                    body += 1
                base = seen
            if kinds[i] == BREAK:
                nxt = codes[min(tokens[i] + 1, n_codes - 1)]
                following = table[min(nxt, <uint32_t>0xFFFF)]
                sentence_end[i] = not (first == 46 and following == WORD_CHAR and tokens[i] + 1 < n_codes)
                ends += sentence_end[i]
            elif kinds[i] <= CJK_WORD:
                paragraph[w] = <int32_t>(seen - base)
                if body != word_body:  # a body's first word opens its first sentence
                    word_body, sentence_no = body, 0
                elif ends != ends_at_word:
                    sentence_no += 1
                ends_at_word = ends
                sentence[w] = <int32_t>sentence_no
                w += 1
    return end_arr, paragraph_arr, sentence_arr


def best_partners(const int32_t[::1] mine, const int32_t[::1] theirs, Py_ssize_t total):
    """``dedup.sentences._best_partners``: for each sentence in ``mine`` (below ``total``), ascending,
    the sentence of ``theirs`` paired with it most often (of two alike, the lower), the pairs counted
    in an open-addressing table, not sorted."""
    cdef Py_ssize_t n = mine.shape[0], size = 16, k, slot, found = 0
    cdef uint64_t key
    cdef int64_t c
    while size < 2 * n:
        size <<= 1
    cdef uint64_t *keys = <uint64_t *> malloc(size * sizeof(uint64_t))
    cdef int64_t *counts = <int64_t *> calloc(size, sizeof(int64_t))  # 0: empty
    cdef int64_t *best_c = <int64_t *> calloc(max(total, 1), sizeof(int64_t))
    cdef int64_t *best_t = <int64_t *> malloc(max(total, 1) * sizeof(int64_t))
    if not (keys and counts and best_c and best_t):
        free(keys)
        free(counts)
        free(best_c)
        free(best_t)
        raise MemoryError()
    with nogil:
        for k in range(n):
            key = ((<uint64_t><uint32_t>mine[k]) << 32) | <uint32_t>theirs[k]
            slot = <Py_ssize_t>(fmix64(key) & <uint64_t>(size - 1))
            while counts[slot] and keys[slot] != key:
                slot = (slot + 1) & (size - 1)
            keys[slot] = key
            counts[slot] += 1
        for slot in range(size):
            c = counts[slot]
            if c:
                k = <Py_ssize_t>(keys[slot] >> 32)
                key = keys[slot] & <uint64_t>0xFFFFFFFF
                if c > best_c[k] or (c == best_c[k] and <int64_t>key < best_t[k]):
                    if best_c[k] == 0:
                        found += 1
                    best_c[k] = c
                    best_t[k] = <int64_t>key
    g_arr = np.empty(found, dtype=np.int64)
    t_arr = np.empty(found, dtype=np.int64)
    cdef int64_t[::1] g = g_arr, t = t_arr
    found = 0
    for k in range(total):
        if best_c[k]:
            g[found], t[found] = k, best_t[k]
            found += 1
    free(keys)
    free(counts)
    free(best_c)
    free(best_t)
    return g_arr, t_arr


# --- align (fast-L) ---
# dedup.align's paragraph matching in one pass: the word LCS of every pair of paragraphs, the
# 1:1 and joined candidates, their order and the best-first pick. rapidfuzz's cdist plus a
# dozen numpy calls a pair of texts, and the candidates' Python sort key, took 0.1 s of the
# real corpus's 1,151 alignments (0.35 s in all).

from libc.string cimport memchr


cdef struct Candidate:
    int64_t a0, a1, b0, b1
    double s


cdef inline int _pair_order(int64_t x0, int64_t x1, int64_t y0, int64_t y1) noexcept nogil:
    """-1, 0 or 1 as the tuples (x0, x1) and (y0, y1) compare."""
    if x0 != y0:
        return -1 if x0 < y0 else 1
    return 0 if x1 == y1 else (-1 if x1 < y1 else 1)


cdef int _candidate_order(const Candidate *p, const Candidate *q) noexcept nogil:
    """-1, 0 or 1 as ``dedup.align._match``'s sort key orders p and q, all but its last two
    elements (the words; equal here only for one candidate and its mirror image, which is rare)."""
    cdef int64_t dp = p.a0 - p.b0 if p.a0 >= p.b0 else p.b0 - p.a0
    cdef int64_t dq = q.a0 - q.b0 if q.a0 >= q.b0 else q.b0 - q.a0
    cdef bint p_a_first = _pair_order(p.a0, p.a1, p.b0, p.b1) <= 0, q_a_first = _pair_order(q.a0, q.a1, q.b0, q.b1) <= 0
    cdef int order
    if p.s != q.s:
        return -1 if p.s > q.s else 1  # the key's first element is -similarity
    if dp != dq:
        return -1 if dp < dq else 1
    # min(ra, rb), then max(ra, rb)
    order = _pair_order(p.a0 if p_a_first else p.b0, p.a1 if p_a_first else p.b1,
                        q.a0 if q_a_first else q.b0, q.a1 if q_a_first else q.b1)
    if order:
        return order
    return _pair_order(p.b0 if p_a_first else p.a0, p.b1 if p_a_first else p.a1,
                       q.b0 if q_a_first else q.a0, q.b1 if q_a_first else q.a1)


cdef void _merge_sort(Candidate *items, Candidate *spare, Py_ssize_t n) noexcept nogil:
    """Sort items by :func:`_candidate_order`, stably (as Python's sort: ties keep their order)."""
    cdef Py_ssize_t width = 1, lo, mid, hi, i, j, k
    cdef Candidate *source = items
    cdef Candidate *target = spare
    cdef Candidate *swap
    while width < n:
        lo = 0
        while lo < n:
            mid, hi = min(lo + width, n), min(lo + 2 * width, n)
            i, j, k = lo, mid, lo
            while i < mid and j < hi:
                if _candidate_order(&source[j], &source[i]) < 0:
                    target[k] = source[j]
                    j += 1
                else:
                    target[k] = source[i]
                    i += 1
                k += 1
            while i < mid:
                target[k] = source[i]
                i += 1
                k += 1
            while j < hi:
                target[k] = source[j]
                j += 1
                k += 1
            lo = hi
        swap = source
        source = target
        target = swap
        width *= 2
    if source != items:
        memcpy(items, source, n * sizeof(Candidate))


cdef Py_ssize_t _pattern(const int64_t *x, Py_ssize_t n, int64_t *slot_of, uint64_t *masks) noexcept nogil:
    """Hyyrö's bit masks of x: a row of ``masks`` for each distinct
    word, bit i set where x[i] is it; ``slot_of`` maps a word to its row. Returns the 64-bit
    words a row takes."""
    cdef Py_ssize_t blocks = (n + 63) >> 6, i, b, slots = 0
    cdef int64_t s
    for i in range(n):
        s = slot_of[x[i]]
        if s < 0:
            s = slots
            slots += 1
            slot_of[x[i]] = s
            for b in range(blocks):
                masks[s * blocks + b] = 0
        masks[s * blocks + (i >> 6)] |= (<uint64_t>1) << (i & 63)
    return blocks


cdef void _forget(const int64_t *x, Py_ssize_t n, int64_t *slot_of) noexcept nogil:
    """Leave ``slot_of`` all -1 again after :func:`_pattern` of x."""
    cdef Py_ssize_t i
    for i in range(n):
        slot_of[x[i]] = -1


cdef Py_ssize_t _lcs_of(Py_ssize_t n, Py_ssize_t blocks, const int64_t *slot_of, const uint64_t *masks,
                        const int64_t *y, Py_ssize_t m, uint64_t *v) noexcept nogil:
    """The length of the LCS of the pattern (:func:`_pattern` of n words) and y: each word of y
    one pass of additions over the pattern's bits (``v``: the bit vector, ``blocks`` words)."""
    cdef Py_ssize_t j, b, lcs = 0
    cdef int64_t s
    cdef uint64_t u, vb, mb, total, carry
    cdef const uint64_t *row
    for b in range(blocks):
        v[b] = ~(<uint64_t>0)
    for j in range(m):
        s = slot_of[y[j]]
        if s < 0:
            continue
        row = masks + s * blocks
        carry = 0
        for b in range(blocks):
            mb, vb = row[b], v[b]
            u = vb & mb
            total = vb + u + carry
            carry = (total < vb) or (carry and total == vb)
            v[b] = total | (vb & ~mb)
    for b in range(blocks):
        vb = ~v[b]
        if b == blocks - 1 and (n & 63):
            vb &= ((<uint64_t>1) << (n & 63)) - 1
        lcs += __builtin_popcountll(vb)
    return lcs


cdef inline double _similar(Py_ssize_t lcs, Py_ssize_t total) noexcept nogil:
    return 2.0 * lcs / total if total else 1.0


cdef class _Candidates:
    """A growing C array of candidates (freed with the object)."""
    cdef Candidate *items
    cdef Py_ssize_t n, room

    def __cinit__(self):
        self.room = 64
        self.items = <Candidate *> malloc(self.room * sizeof(Candidate))
        if self.items == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.items)

    cdef int add(self, int64_t a0, int64_t a1, int64_t b0, int64_t b1, double s) except -1 nogil:
        cdef Candidate *grown
        if self.n == self.room:
            grown = <Candidate *> realloc(self.items, 2 * self.room * sizeof(Candidate))
            if grown == NULL:
                with gil:
                    raise MemoryError()
            self.items, self.room = grown, 2 * self.room
        self.items[self.n].a0, self.items[self.n].a1, self.items[self.n].b0, self.items[self.n].b1 = a0, a1, b0, b1
        self.items[self.n].s = s
        self.n += 1
        return 0


cdef Py_ssize_t _longest_run(const int64_t[::1] bounds, int k) noexcept nogil:
    """The most words of k consecutive paragraphs (fewer at the end)."""
    cdef Py_ssize_t n = bounds.shape[0] - 1, i, most = 0
    for i in range(n):
        most = max(most, <Py_ssize_t>(bounds[min(i + k, n)] - bounds[i]))
    return most


cdef void _order_ties(Candidate *items, Py_ssize_t lo, Py_ssize_t hi, Candidate *spare, words_key) except *:
    """Order candidates lo to hi - 1 (equal but for their words) by ``words_key(a0, a1, b0, b1)``,
    the last element of ``dedup.align._match``'s sort key, stably."""
    cdef Py_ssize_t t
    keys = [words_key(items[t].a0, items[t].a1, items[t].b0, items[t].b1) for t in range(lo, hi)]
    for t, k in enumerate(sorted(range(hi - lo), key=keys.__getitem__)):
        spare[t] = items[lo + <Py_ssize_t>k]
    memcpy(items + lo, spare, (hi - lo) * sizeof(Candidate))


cdef int _add_joins(_Candidates found, const int64_t[::1] ids_x, const int64_t[::1] bounds_x,
                    const int64_t[::1] ids_y, const int64_t[::1] bounds_y, const int64_t *lcs, bint x_is_a,
                    double threshold, int max_join, int64_t *slot_of, uint64_t *masks, uint64_t *v) except -1:
    """``dedup.align._joins`` of one side x against the other y: runs of 2..max_join paragraphs of x
    each mostly inside one paragraph of y (``lcs``: the A x B matrix), joined when the run's words
    match better than any member's."""
    cdef Py_ssize_t nx = bounds_x.shape[0] - 1, ny = bounds_y.shape[0] - 1, k, i, j, d, n, blocks, l, lx, ly
    cdef int64_t nb = ny if x_is_a else nx  # a row of lcs
    cdef bint inside
    cdef double s, member
    for k in range(2, max_join + 1):
        for i in range(nx - k + 1):
            n = -1  # the run's pattern not made yet
            for j in range(ny):
                ly = bounds_y[j + 1] - bounds_y[j]
                inside, member = True, 0.0
                for d in range(k):
                    lx = bounds_x[i + d + 1] - bounds_x[i + d]
                    l = lcs[(i + d) * nb + j] if x_is_a else lcs[j * nb + i + d]
                    if lx == 0 or (<double>l) / lx < threshold:
                        inside = False
                        break
                    member = max(member, _similar(l, lx + ly))
                if not inside:
                    continue
                if n < 0:
                    n = bounds_x[i + k] - bounds_x[i]
                    blocks = _pattern(&ids_x[bounds_x[i]], n, slot_of, masks)
                s = _similar(_lcs_of(n, blocks, slot_of, masks, &ids_y[bounds_y[j]], ly, v), n + ly)
                if s >= threshold and s > member:
                    if x_is_a:
                        found.add(i, i + k, j, j + 1, s)
                    else:
                        found.add(j, j + 1, i, i + k, s)
            if n >= 0:
                _forget(&ids_x[bounds_x[i]], n, slot_of)
    return 0


def paragraph_matches(const int64_t[::1] ids_a, const int64_t[::1] bounds_a, const int64_t[::1] ids_b,
                      const int64_t[::1] bounds_b, double threshold, int max_join, Py_ssize_t width,
                      Py_ssize_t max_pattern, words_key):
    """``dedup.align._match`` of two texts compared in one tile: the chosen (a_start, a_end, b_start,
    b_end, similarity), best first. Paragraph p of a text is its words ``ids[bounds[p] :
    bounds[p + 1]]`` (ids below ``width``); ``words_key(a0, a1, b0, b1)``, the last element of the
    sort key, is called only for candidates equal but for it. None where ``max_join`` paragraphs run to more
    than ``max_pattern`` words (bit masks of (words / 64)^2 8-byte words): the reference's to do."""
    cdef Py_ssize_t na = bounds_a.shape[0] - 1, nb = bounds_b.shape[0] - 1, i, j, t, lo, la, lb, blocks, most
    cdef double s
    if na == 0 or nb == 0:
        return []
    most = max(_longest_run(bounds_a, max_join), _longest_run(bounds_b, max_join), 1)
    if most > max_pattern:
        return None
    cdef Py_ssize_t row_words = (most + 63) >> 6
    cdef _Candidates found = _Candidates()
    cdef int64_t *lcs = <int64_t *> malloc(na * nb * sizeof(int64_t))
    cdef int64_t *slot_of = <int64_t *> malloc(max(width, 1) * sizeof(int64_t))
    cdef uint64_t *masks = <uint64_t *> malloc(most * row_words * sizeof(uint64_t))
    cdef uint64_t *v = <uint64_t *> malloc(row_words * sizeof(uint64_t))
    cdef Candidate *spare = NULL
    cdef char *taken = NULL
    cdef Candidate *c
    try:
        if not (lcs and slot_of and masks and v):
            raise MemoryError()
        for i in range(width):
            slot_of[i] = -1
        for i in range(na):  # the LCS of each A x B pair, a row's bit masks made once
            la = bounds_a[i + 1] - bounds_a[i]
            blocks = _pattern(&ids_a[bounds_a[i]], la, slot_of, masks)
            for j in range(nb):
                lcs[i * nb + j] = _lcs_of(la, blocks, slot_of, masks, &ids_b[bounds_b[j]], bounds_b[j + 1] - bounds_b[j], v) if la else 0
            _forget(&ids_a[bounds_a[i]], la, slot_of)
        for i in range(na):  # 1:1 pairs in A then B order
            la = bounds_a[i + 1] - bounds_a[i]
            for j in range(nb):
                s = _similar(lcs[i * nb + j], la + bounds_b[j + 1] - bounds_b[j])
                if s >= threshold:
                    found.add(i, i + 1, j, j + 1, s)
        _add_joins(found, ids_a, bounds_a, ids_b, bounds_b, lcs, True, threshold, max_join, slot_of, masks, v)
        _add_joins(found, ids_b, bounds_b, ids_a, bounds_a, lcs, False, threshold, max_join, slot_of, masks, v)
        spare = <Candidate *> malloc(max(found.n, 1) * sizeof(Candidate))
        taken = <char *> calloc(na + nb, 1)
        if not (spare and taken):
            raise MemoryError()
        _merge_sort(found.items, spare, found.n)
        lo = 0
        for t in range(1, found.n + 1):
            if t == found.n or _candidate_order(&found.items[t - 1], &found.items[t]) != 0:
                if t - lo > 1:
                    _order_ties(found.items, lo, t, spare, words_key)
                lo = t
        chosen = []
        for t in range(found.n):  # best first, while none of the paragraphs is taken
            c = &found.items[t]
            if memchr(taken + c.a0, 1, c.a1 - c.a0) != NULL or memchr(taken + na + c.b0, 1, c.b1 - c.b0) != NULL:
                continue
            memset(taken + c.a0, 1, c.a1 - c.a0)
            memset(taken + na + c.b0, 1, c.b1 - c.b0)
            chosen.append((c.a0, c.a1, c.b0, c.b1, c.s))
        return chosen
    finally:
        free(lcs)
        free(slot_of)
        free(masks)
        free(v)
        free(spare)
        free(taken)


# --- align (fast-L): words as ids, no string a word ---
# dedup.tokens.paragraph_words makes a Python string of every word and looks it up in a dict:
# 0.046 s of the 0.12 s that the real corpus's 2,207 aligned bodies took to tokenise. Aligning
# needs each word's id only, and the words of a few blocks: WordIds looks a word up by its code
# points, and makes a string of each distinct word once.


cdef inline uint64_t _word_hash(const code_t *data, Py_ssize_t start, Py_ssize_t end) noexcept nogil:
    cdef uint64_t h = 0x9E3779B97F4A7C15ULL
    cdef Py_ssize_t i
    for i in range(start, end):
        h = (h ^ data[i]) * 0x100000001B3ULL
    return fmix64(h)


cdef class WordIds:
    """A vocabulary: each distinct word an id, 0, 1, ... in the order first seen (what
    ``dict.setdefault(word, len(vocabulary))`` gives), looked up by its code points in an open
    addressing table; ``words[id]`` the word."""
    cdef int32_t *slots  # id of each slot, -1: empty (twice as many slots as ids at least)
    cdef uint64_t *hashes  # of each id
    cdef int64_t *starts  # each id's code points: points[starts[id] : starts[id + 1]]
    cdef uint32_t *points
    cdef Py_ssize_t mask, n, id_room, point_room
    cdef readonly list words

    def __cinit__(self):
        self.mask, self.id_room, self.point_room = 1023, 256, 4096
        self.slots = <int32_t *> malloc((self.mask + 1) * sizeof(int32_t))
        self.hashes = <uint64_t *> malloc(self.id_room * sizeof(uint64_t))
        self.starts = <int64_t *> malloc((self.id_room + 1) * sizeof(int64_t))
        self.points = <uint32_t *> malloc(self.point_room * sizeof(uint32_t))
        if not (self.slots and self.hashes and self.starts and self.points):
            raise MemoryError()
        memset(self.slots, 0xFF, (self.mask + 1) * sizeof(int32_t))
        self.starts[0] = 0
        self.words = []

    def __dealloc__(self):
        free(self.slots)
        free(self.hashes)
        free(self.starts)
        free(self.points)

    def __len__(self):
        return self.n

    def setdefault(self, str word, default=None):
        """The id of ``word``, a new word given the next (``default`` is not read: ids are dense)."""
        cdef int kind = PyUnicode_KIND(word)
        cdef const void *data = PyUnicode_DATA(word)
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(word)
        if kind == PyUnicode_1BYTE_KIND:
            return self._id(<const uint8_t *> data, 0, n, word)
        if kind == PyUnicode_2BYTE_KIND:
            return self._id(<const uint16_t *> data, 0, n, word)
        return self._id(<const uint32_t *> data, 0, n, word)

    cdef int _grow(self) except -1:
        """Double the table (its slots refilled from the ids' hashes)."""
        cdef Py_ssize_t size = 2 * (self.mask + 1), k, at
        cdef int32_t *slots = <int32_t *> malloc(size * sizeof(int32_t))
        if slots == NULL:
            raise MemoryError()
        memset(slots, 0xFF, size * sizeof(int32_t))
        for k in range(self.n):
            at = self.hashes[k] & (size - 1)
            while slots[at] >= 0:
                at = (at + 1) & (size - 1)
            slots[at] = <int32_t> k
        free(self.slots)
        self.slots, self.mask = slots, size - 1
        return 0

    cdef int _add(self, const code_t *data, Py_ssize_t start, Py_ssize_t end, uint64_t h, Py_ssize_t at, str text) except -1:
        """Give the word data[start:end] (of ``text``, a string) the next id, in slot ``at``."""
        cdef Py_ssize_t length = end - start, i, first = self.starts[self.n]
        cdef void *grown
        if self.n + 1 > self.id_room:
            self.id_room *= 2
            grown = realloc(self.hashes, self.id_room * sizeof(uint64_t))
            if grown == NULL:
                raise MemoryError()
            self.hashes = <uint64_t *> grown
            grown = realloc(self.starts, (self.id_room + 1) * sizeof(int64_t))
            if grown == NULL:
                raise MemoryError()
            self.starts = <int64_t *> grown
        if first + length > self.point_room:
            self.point_room = 2 * (first + length)
            grown = realloc(self.points, self.point_room * sizeof(uint32_t))
            if grown == NULL:
                raise MemoryError()
            self.points = <uint32_t *> grown
        for i in range(length):
            self.points[first + i] = data[start + i]
        self.hashes[self.n] = h
        self.starts[self.n + 1] = first + length
        self.slots[at] = <int32_t> self.n
        self.words.append(PyUnicode_Substring(text, start, end))
        self.n += 1
        if 2 * self.n > self.mask + 1:
            self._grow()
        return 0

    cdef int64_t _id(self, const code_t *data, Py_ssize_t start, Py_ssize_t end, str text) except -1:
        """The id of the word data[start:end] (code points of ``text``), a new word given the next."""
        cdef uint64_t h = _word_hash(data, start, end)
        cdef Py_ssize_t at = h & self.mask, i, length = end - start
        cdef int32_t k
        cdef int64_t first
        while True:
            k = self.slots[at]
            if k < 0:
                break
            if self.hashes[k] == h and self.starts[k + 1] - self.starts[k] == length:
                first = self.starts[k]
                i = 0
                while i < length and self.points[first + i] == data[start + i]:
                    i += 1
                if i == length:
                    return k
            at = (at + 1) & self.mask
        self._add(data, start, end, h, at, text)
        return self.n - 1

    def joined(self, const int64_t[::1] ids, Py_ssize_t start, Py_ssize_t end):
        """The words ``ids[start:end]`` joined by spaces."""
        cdef Py_ssize_t i
        words = self.words
        return " ".join([words[ids[i]] for i in range(start, end)])


cdef Py_ssize_t _ids_of(const code_t *data, Py_ssize_t n, str text, const uint8_t[::1] table, astral, int max_word,
                        WordIds vocabulary, int64_t *ids, int64_t *bounds) except -1:
    """The words of ``text`` (n code points), as ``paragraph_words`` cuts them, as ids written from
    ``ids`` on, and where each paragraph's start, from ``bounds[1]`` on; returns how many words."""
    cdef Py_ssize_t i = 0, start, w = 0, p = 0
    cdef uint32_t c
    cdef uint8_t k
    while i < n:
        c = data[i]
        if c == 10:  # a paragraph ends
            p += 1
            bounds[p] = w
            i += 1
            continue
        k = table[c] if c <= 0xFFFF else <uint8_t>astral(c)
        if k == WORD_CHAR:
            start = i
            i += 1
            while i < n:
                c = data[i]
                if (table[c] if c <= 0xFFFF else <uint8_t>astral(c)) != WORD_CHAR:
                    break
                i += 1
            ids[w] = vocabulary._id(data, start, min(i, start + max_word), text)
        elif k == CJK_WORD:
            ids[w] = vocabulary._id(data, i, i + 1, text)
            i += 1
        else:
            i += 1
            continue
        w += 1
    bounds[p + 1] = w
    return w


def paragraph_ids(str text, const uint8_t[::1] table, astral, int max_word, WordIds vocabulary):
    """``paragraph_words`` of a normalised body (paragraphs joined by line breaks) as one array of
    every word's id in ``vocabulary``, one of where each paragraph's words start (and the last's
    end), and the list of each paragraph's number of words: no string a word."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), breaks = text.count("\n"), w
    cdef int kind = PyUnicode_KIND(text)
    cdef const void *data = PyUnicode_DATA(text)
    ids_arr = np.empty(n, dtype=np.int64)  # at most a word a code point
    bounds_arr = np.zeros(breaks + 2, dtype=np.int64)
    cdef int64_t[::1] ids = ids_arr, bounds = bounds_arr
    cdef int64_t *out = &ids[0] if n else NULL
    if kind == PyUnicode_1BYTE_KIND:
        w = _ids_of(<const uint8_t *> data, n, text, table, astral, max_word, vocabulary, out, &bounds[0])
    elif kind == PyUnicode_2BYTE_KIND:
        w = _ids_of(<const uint16_t *> data, n, text, table, astral, max_word, vocabulary, out, &bounds[0])
    else:
        w = _ids_of(<const uint32_t *> data, n, text, table, astral, max_word, vocabulary, out, &bounds[0])
    return ids_arr[:w].copy(), bounds_arr, [bounds[i + 1] - bounds[i] for i in range(breaks + 1)]


# --- align (fast-L): the heaviest in-order chain of matched blocks ---


cdef inline bint _heavier(const int64_t *best, Py_ssize_t m, Py_ssize_t k) noexcept nogil:
    """Whether chain m outweighs chain k as ``(best[m], -m) > (best[k], -k)`` (of two alike, the first)."""
    cdef Py_ssize_t f
    for f in range(4):
        if best[4 * m + f] != best[4 * k + f]:
            return best[4 * m + f] > best[4 * k + f]
    return m < k


def heaviest_chain(list first, list last, list weights):
    """``dedup.alignorder._moved``'s chain: blocks in A order, block m's B paragraphs ``first[m]``
    to ``last[m]``, its weight ``weights[m]`` (four integers, compared in order, summed along a
    chain); returns the blocks of the heaviest chain increasing in B (of two alike, the one whose
    blocks come first), last first. The reference's Fenwick tree over B positions, of indices."""
    cdef Py_ssize_t n = len(first), m, i, size = 0, f, top
    for m in range(n):
        size = max(size, <Py_ssize_t>last[m] + 1)
    cdef int64_t *best = <int64_t *> malloc(max(4 * n, 1) * sizeof(int64_t))
    cdef int64_t *back = <int64_t *> malloc(max(n, 1) * sizeof(int64_t))
    cdef int64_t *tree = <int64_t *> malloc((size + 1) * sizeof(int64_t))  # a chain's last block, -1: none
    try:
        if not (best and back and tree):
            raise MemoryError()
        for i in range(size + 1):
            tree[i] = -1
        for m in range(n):
            weight = weights[m]
            top, i = -1, first[m]  # the heaviest chain ending before B position first[m]
            while i > 0:
                if tree[i] >= 0 and (top < 0 or _heavier(best, tree[i], top)):
                    top = tree[i]
                i -= i & -i
            for f in range(4):
                best[4 * m + f] = (best[4 * top + f] if top >= 0 else 0) + <int64_t>weight[f]
            back[m] = top
            i = last[m] + 1
            while i <= size:
                if tree[i] < 0 or _heavier(best, m, tree[i]):
                    tree[i] = m
                i += i & -i
        chain = []
        top = -1
        for m in range(n):  # the first of the heaviest
            if top < 0 or _heavier(best, m, top):
                top = m
        while top >= 0:
            chain.append(top)
            top = back[top]
        return chain
    finally:
        free(best)
        free(back)
        free(tree)


# --- align (fast-L): the written words of an edited block ---


cdef extern from "Python.h":
    bint Py_UNICODE_ISSPACE(Py_UCS4 ch) noexcept nogil
    object PyUnicode_DecodeASCII(const char *data, Py_ssize_t size, const char *errors)


cdef inline bint _closing(uint32_t c) noexcept:
    """A character that may close a plain word (:func:`_plain_tokens`): . , ; : ! ? ) or a double quote."""
    return c == 46 or c == 44 or c == 59 or c == 58 or c == 33 or c == 63 or c == 41 or c == 34


cdef object _plain_tokens(const code_t *data, Py_ssize_t start, Py_ssize_t end, Py_ssize_t max_word):
    """``tuple(tokenize(word))`` of a plain written word, ``data[start:end]``: ASCII letters and
    digits, maybe opened by ( or a double quote and closed by :func:`_closing` characters. Its one
    token is its letters and digits lower-cased (at most ``max_word``): no rule of ``normalize``
    reaches it (no apostrophe, no dot before a letter, no comma before digits). None for any other
    word, the reference's to tokenize (at 10^5 documents 130,000 words the alignments meet first
    went through it, 1.2 us each)."""
    cdef Py_ssize_t a = start, b = end, j
    cdef uint32_t c
    cdef char buf[64]
    while a < b and (data[a] == 40 or data[a] == 34):
        a += 1
    while b > a and _closing(data[b - 1]):
        b -= 1
    if a == b:
        return None
    for j in range(a, b):
        c = data[j]
        if 48 <= c <= 57 or 97 <= c <= 122:
            pass
        elif 65 <= c <= 90:
            pass
        else:
            return None
    b = min(b, a + min(max_word, 64))
    for j in range(a, b):
        c = data[j]
        buf[j - a] = <char>(c + 32 if 65 <= c <= 90 else c)
    return (PyUnicode_DecodeASCII(buf, b - a, NULL),)


cdef int _written(const code_t *data, Py_ssize_t n, str paragraph, WordIds seen, list tokens_of, word_tokens,
                  list words, list tokens, list owner, Py_ssize_t max_word) except -1:
    """Add the words of one paragraph (of ``written_words``) to its lists."""
    cdef Py_ssize_t i = 0, start, k
    while i < n:
        if Py_UNICODE_ISSPACE(data[i]):
            i += 1
            continue
        start = i
        while i < n and not Py_UNICODE_ISSPACE(data[i]):
            i += 1
        k = seen._id(data, start, i, paragraph)
        if k == len(tokens_of):  # a word not seen before: a plain one's token made here
            plain = _plain_tokens(data, start, i, max_word)
            tokens_of.append(plain if plain is not None else word_tokens(seen.words[k]))
        while len(tokens_of) <= k:  # (any a failed call left without)
            tokens_of.append(word_tokens(seen.words[len(tokens_of)]))
        found = <tuple?> tokens_of[k]
        if found:  # a lone dash or ellipsis carries no token
            for t in found:
                tokens.append(t)
                owner.append(len(words))
            words.append(seen.words[k])
    return 0


def written_words(list paragraphs, WordIds seen, list tokens_of, word_tokens, Py_ssize_t max_word):
    """``dedup.worddiff._words``: the words of the paragraphs as written (split at white space,
    as ``str.split`` does) that carry tokens, their tokens in order, and the word owning each.
    ``seen`` numbers the words met before, ``tokens_of[id]`` their ``word_tokens`` (a tuple):
    a word met again is one look-up by its code points, no string made; a plain word met first
    is tokenised here (:func:`_plain_tokens`: ``max_word`` is ``dedup.tokens._MAX_WORD``)."""
    cdef list words = [], tokens = [], owner = []
    cdef str paragraph
    cdef int kind
    for paragraph in paragraphs:
        kind = PyUnicode_KIND(paragraph)
        if kind == PyUnicode_1BYTE_KIND:
            _written(<const uint8_t *> PyUnicode_DATA(paragraph), PyUnicode_GET_LENGTH(paragraph), paragraph, seen,
                     tokens_of, word_tokens, words, tokens, owner, max_word)
        elif kind == PyUnicode_2BYTE_KIND:
            _written(<const uint16_t *> PyUnicode_DATA(paragraph), PyUnicode_GET_LENGTH(paragraph), paragraph, seen,
                     tokens_of, word_tokens, words, tokens, owner, max_word)
        else:
            _written(<const uint32_t *> PyUnicode_DATA(paragraph), PyUnicode_GET_LENGTH(paragraph), paragraph, seen,
                     tokens_of, word_tokens, words, tokens, owner, max_word)
    return words, tokens, owner


# --- texts a forked worker inherited ---------------------------------------------------------


from cpython.ref cimport PyObject

cdef extern from "Python.h":
    PyObject *PyList_GET_ITEM(object items, Py_ssize_t index)  # a borrowed reference
    Py_ssize_t PyList_GET_SIZE(object items)
    bint _exact_str "PyUnicode_CheckExact"(PyObject *text)
    Py_ssize_t _length_of "PyUnicode_GET_LENGTH"(PyObject *text)
    int _kind_of "PyUnicode_KIND"(PyObject *text)
    const void *_data_of "PyUnicode_DATA"(PyObject *text)


def copied_texts(list texts, Py_ssize_t start, Py_ssize_t end):
    """``texts[start:end]``, each string made anew from the original's characters without writing to
    the original (not even to its reference count, as taking it from the list would).

    For a worker forked after ``texts`` was made: its pages, shared with the parent until either
    writes to them, stay shared, where a reference count changed would copy the page holding it
    (each text's first page: 24 MB of the real corpus, over again in every worker). A string of a
    subclass of ``str`` is taken as it is."""
    cdef list found = []
    cdef Py_ssize_t k
    cdef PyObject *text
    for k in range(max(start, 0), min(end, PyList_GET_SIZE(texts))):
        text = PyList_GET_ITEM(texts, k)
        if _exact_str(text):
            found.append(PyUnicode_FromKindAndData(_kind_of(text), _data_of(text), _length_of(text)))
        else:
            found.append(<object> text)
    return found


# --- the candidate graph ------------------------------------------------------------------------


cdef inline int64_t _root(int64_t *parent, int64_t i) noexcept nogil:
    while parent[i] != i:
        parent[i] = parent[parent[i]]  # path halving
        i = parent[i]
    return i


def pair_components(const int64_t[:, ::1] pairs, Py_ssize_t n):
    """Each document's component in the graph of ``pairs`` (of documents 0 to n - 1), named by its
    smallest document: a union-find that links every root to the smaller one (what
    ``dedup.cluster.components`` finds; at 10^5 documents' 31,011 pairs, with the grouping around it, 35 -> 9 ms)."""
    if pairs.shape[1] != 2:
        raise ValueError(f"pairs of {pairs.shape[1]} documents; (m, 2) expected")
    cdef Py_ssize_t k, m = pairs.shape[0]
    for k in range(m):
        if not (0 <= pairs[k, 0] < n and 0 <= pairs[k, 1] < n):
            raise ValueError(f"pair {k} names a document outside 0..{n - 1}")
    labels = np.arange(n, dtype=np.int64)
    cdef int64_t[::1] parent = labels
    cdef int64_t a, b
    with nogil:
        for k in range(m):
            a, b = _root(&parent[0], pairs[k, 0]), _root(&parent[0], pairs[k, 1])
            if a < b:
                parent[b] = a
            elif b < a:
                parent[a] = b
        for k in range(n):
            parent[k] = _root(&parent[0], k)
    return labels
