# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The compiled loops of cleaning: template line keys, paragraph splitting and word counts,
each one pass in C over a text's code points.

Every function here has a pure-Python reference in :mod:`dedup.clean`, which stays the
definition: the property tests (``tests/test_cleaning_speedups.py``) hold these to it, the
same strings in the same order. White space is Python's (``Py_UNICODE_ISSPACE``, what
``str.split`` and ``str.strip`` use), lower case Python's (``Py_UNICODE_ISLOWER``), line
breaks those of ``str.splitlines``. What is rare and hard to get exactly right in C (the key
of a line that is not ASCII: Unicode case folding and word characters) is handed back to the
reference, a line at a time; so are the character sets that define the rules (the
characters that end a sentence, the CJK table), passed in by :mod:`dedup.clean`.

:mod:`dedup._native` loads this module, or reports why it cannot and leaves the reference
path in charge.
"""

from cpython.unicode cimport (
    Py_UNICODE_ISDECIMAL,
    Py_UNICODE_ISLOWER,
    Py_UNICODE_ISSPACE,
    PyUnicode_DATA,
    PyUnicode_FromKindAndData,
    PyUnicode_GET_LENGTH,
    PyUnicode_KIND,
    PyUnicode_READ,
)
from cpython.bytes cimport PyBytes_AS_STRING
from libc.stdint cimport int64_t, uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport calloc, free, malloc, realloc
from libc.string cimport memchr, memcmp, memcpy, memset


cdef extern from "Python.h":
    Py_ssize_t _Py_HashBytes(const void *data, Py_ssize_t size)
    object PyUnicode_DecodeUTF8(const char *s, Py_ssize_t size, const char *errors)
    bint PyUnicode_IS_ASCII(object o)
    char *PyByteArray_AS_STRING(object o)


ctypedef fused char_t:
    uint8_t
    uint16_t
    uint32_t


cdef inline bint _line_break(uint32_t c) noexcept:
    """A line break of ``str.splitlines``: \\n \\v \\f \\r, \\x1c-\\x1e, \\x85, \\u2028, \\u2029."""
    return (10 <= c <= 13) or (28 <= c <= 30) or c == 0x85 or c == 0x2028 or c == 0x2029


cdef inline bint _blank_char(uint32_t c) noexcept:
    """A character of ``dedup.clean._BLANK_LINE``'s blank line: space, tab, no-break space, ideographic space."""
    return c == 32 or c == 9 or c == 0xA0 or c == 0x3000


cdef inline bint _alnum(uint32_t c) noexcept:
    return (48 <= c <= 57) or (97 <= (c | 32) <= 122)


# What a character is to the loops below, one bit each: white space, a line break, an ASCII
# letter or digit (a character of a line's key), not ASCII.
cdef enum:
    SPACE = 1
    BREAK = 2
    ALNUM = 4
    WIDE = 8

cdef uint8_t _FLAGS[256]  # of the first 256 code points: one look-up where most text is
cdef uint32_t _c
for _c in range(256):
    _FLAGS[_c] = ((SPACE if Py_UNICODE_ISSPACE(_c) else 0) | (BREAK if _line_break(_c) else 0)
                  | (ALNUM if _c < 128 and _alnum(_c) else 0) | (WIDE if _c >= 128 else 0))


cdef inline uint8_t _flags(uint32_t c) noexcept:
    if c < 256:
        return _FLAGS[c]
    return WIDE | (SPACE if Py_UNICODE_ISSPACE(c) else 0) | (BREAK if _line_break(c) else 0)


cdef inline Py_ssize_t _ascii_key(const char_t *s, Py_ssize_t start, Py_ssize_t end, char *buf,
                                   Py_ssize_t most) noexcept:
    """``line_key`` of an ASCII line into ``buf``: its runs of letters and digits, lower-cased,
    one space between them. Returns the key's length, or ``most + 1`` as soon as it is longer
    than ``most`` (the key is then cut short; never where ``most`` is the line's length)."""
    cdef Py_ssize_t j, k = 0
    cdef bint word = False
    cdef uint8_t c
    for j in range(start, end):
        c = <uint8_t>s[j]
        if _alnum(c):
            if not word and k:
                buf[k] = 32
                k += 1
            if k >= most:  # (k: the key's length so far, the space included)
                return most + 1
            buf[k] = c | 32 if c >= 65 else c
            k += 1
            word = True
        else:
            word = False
    return k


# --- template lines -------------------------------------------------------------------------


def template_candidates(str text not None, Py_ssize_t template_max_words, slow):
    """``dedup.clean.template_candidates``: the keys of the text's lines of at most
    ``template_max_words`` words (a set).

    A line that is not ASCII and has no more words than that between white space is given
    to ``slow(line, template_max_words)``, which returns its key or "" (the reference's rule).
    """
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef set keys = set()
    if n == 0:
        return keys
    cdef char *buf = <char *> malloc(n)
    if buf == NULL:
        raise MemoryError()
    cdef int kind = PyUnicode_KIND(text)
    try:
        if kind == 1:
            _candidates(<const uint8_t *> PyUnicode_DATA(text), n, template_max_words, text, slow, keys, buf)
        elif kind == 2:
            _candidates(<const uint16_t *> PyUnicode_DATA(text), n, template_max_words, text, slow, keys, buf)
        else:
            _candidates(<const uint32_t *> PyUnicode_DATA(text), n, template_max_words, text, slow, keys, buf)
    finally:
        free(buf)
    return keys


def template_keys(list texts not None, Py_ssize_t template_max_words, slow):
    """:func:`template_candidates` of each text, one after another (each text's keys once): each
    key's hash (:func:`_key_hash`: this process's, as its forked workers') and where it
    starts in the keys joined by line breaks (64-bit integers, the last one past the end: each
    key's length + 1), and that string (what a worker hands back of a corpus's short lines: the
    caller counts hashes, and cuts out the keys it needs).

    No string or set is made a key: the keys are written one after another (UTF-8), each text's
    told apart by a table of their hashes (at 10^5 documents 1.5 million keys: 0.72 -> 0.44 s)."""
    cdef _Keys found = _Keys()
    cdef Py_ssize_t n
    cdef int kind
    cdef char *buf = NULL
    cdef Py_ssize_t room = 0
    try:
        for text in texts:
            if not isinstance(text, str):
                raise TypeError(f"a text must be a str, not {type(text).__name__}")
            n = PyUnicode_GET_LENGTH(text)
            if n > room:
                free(buf)
                buf = <char *> malloc(n)
                if buf == NULL:
                    raise MemoryError()
                room = n
            found.next_text()
            kind = PyUnicode_KIND(text)
            if kind == 1:
                _candidates(<const uint8_t *> PyUnicode_DATA(text), n, template_max_words, text, slow, None, buf, found)
            elif kind == 2:
                _candidates(<const uint16_t *> PyUnicode_DATA(text), n, template_max_words, text, slow, None, buf, found)
            else:
                _candidates(<const uint32_t *> PyUnicode_DATA(text), n, template_max_words, text, slow, None, buf, found)
        return found.result()
    finally:
        free(buf)


cdef inline uint64_t _key_hash(const char *key, Py_ssize_t size) noexcept:
    """A key's hash: the interpreter's hash of its UTF-8 bytes (this process's keyed SipHash, as
    ``hash(bytes)``; a forked worker's the same), so that no text can be made of keys whose
    hashes collide, and fill a table's slots one after another."""
    return <uint64_t>_Py_HashBytes(key, size)


cdef int64_t *_grown(int64_t *items, Py_ssize_t count) except NULL:
    """``items`` moved to room for ``count`` of them (MemoryError where there is none: ``items`` stay)."""
    cdef void *grown = realloc(items, count * sizeof(int64_t))
    if grown == NULL:
        raise MemoryError()
    return <int64_t *> grown


cdef class _Keys:
    """The keys of :func:`template_keys` as they are found: their UTF-8 bytes one after another
    (each followed by a line break), each one's hash, start (in code points) and place among
    the bytes; a table of the current text's keys by hash, so that each is kept once a text."""
    cdef char *out
    cdef Py_ssize_t used, room, count, key_room
    cdef int64_t *hashes
    cdef int64_t *starts  # in code points
    cdef int64_t *at  # in bytes (count + 1 entries)
    cdef int64_t *slots  # index of a key of the current text, -1: empty
    cdef int64_t *stamp  # the text each slot was filled for
    cdef Py_ssize_t mask, text, first  # first: the current text's first key

    def __cinit__(self):
        self.room, self.key_room, self.mask, self.text = 1 << 16, 1 << 10, 255, 0
        self.out = <char *> malloc(self.room)
        self.hashes = <int64_t *> malloc(self.key_room * sizeof(int64_t))
        self.starts = <int64_t *> malloc((self.key_room + 1) * sizeof(int64_t))
        self.at = <int64_t *> malloc((self.key_room + 1) * sizeof(int64_t))
        self.slots = <int64_t *> malloc((self.mask + 1) * sizeof(int64_t))
        self.stamp = <int64_t *> malloc((self.mask + 1) * sizeof(int64_t))
        if not (self.out and self.hashes and self.starts and self.at and self.slots and self.stamp):
            raise MemoryError()
        self.starts[0] = self.at[0] = 0
        memset(self.stamp, 0, (self.mask + 1) * sizeof(int64_t))

    def __dealloc__(self):
        free(self.out)
        free(self.hashes)
        free(self.starts)
        free(self.at)
        free(self.slots)
        free(self.stamp)

    cdef void next_text(self) noexcept:
        self.text += 1  # every slot stamped for an earlier text is empty
        self.first = self.count

    cdef int add(self, const char *key, Py_ssize_t size, Py_ssize_t points) except -1:
        """Keep a key (``size`` bytes of UTF-8, ``points`` code points) unless the text has it already."""
        cdef uint64_t h = _key_hash(key, size)
        cdef Py_ssize_t slot = h & self.mask, k
        while self.stamp[slot] == self.text:
            k = self.slots[slot]
            if <uint64_t>self.hashes[k] == h and self.at[k + 1] - self.at[k] == size + 1 and \
                    memcmp(self.out + self.at[k], key, size) == 0:
                return 0
            slot = (slot + 1) & self.mask
        if self.count == self.key_room:
            self._more_keys()
        while self.used + size + 1 > self.room:
            self._more_room()
        memcpy(self.out + self.used, key, size)
        self.out[self.used + size] = 10
        self.used += size + 1
        k = self.count
        self.hashes[k] = <int64_t>h
        self.starts[k + 1] = self.starts[k] + points + 1
        self.at[k + 1] = self.used
        self.count += 1
        self.stamp[slot], self.slots[slot] = self.text, k
        if 2 * (self.count - self.first) > self.mask:
            self._wider()
        return 0

    cdef int _more_keys(self) except -1:
        self.key_room *= 2
        self.hashes = _grown(self.hashes, self.key_room + 1)
        self.starts = _grown(self.starts, self.key_room + 1)
        self.at = _grown(self.at, self.key_room + 1)
        return 0

    cdef int _more_room(self) except -1:
        cdef void *grown = realloc(self.out, 2 * self.room)
        if grown == NULL:
            raise MemoryError()
        self.out, self.room = <char *> grown, 2 * self.room
        return 0

    cdef int _wider(self) except -1:
        """Twice the slots, the current text's keys placed again."""
        cdef Py_ssize_t size = 2 * (self.mask + 1), k, slot
        cdef int64_t *slots = <int64_t *> malloc(size * sizeof(int64_t))
        cdef int64_t *stamp = <int64_t *> malloc(size * sizeof(int64_t))
        if slots == NULL or stamp == NULL:
            free(slots)
            free(stamp)
            raise MemoryError()
        memset(stamp, 0, size * sizeof(int64_t))
        for k in range(self.first, self.count):
            slot = <uint64_t>self.hashes[k] & (size - 1)
            while stamp[slot] == self.text:
                slot = (slot + 1) & (size - 1)
            stamp[slot], slots[slot] = self.text, k
        free(self.slots)
        free(self.stamp)
        self.slots, self.stamp, self.mask = slots, stamp, size - 1
        return 0

    cdef tuple result(self):
        hashes = bytearray(8 * self.count)
        starts = bytearray(8 * (self.count + 1))
        if self.count:
            memcpy(PyByteArray_AS_STRING(hashes), self.hashes, 8 * self.count)
            memcpy(PyByteArray_AS_STRING(starts), self.starts, 8 * (self.count + 1))
        else:
            memset(PyByteArray_AS_STRING(starts), 0, 8)
        joined = PyUnicode_DecodeUTF8(self.out, self.used - 1, "surrogatepass") if self.count else ""
        return hashes, joined, starts


cdef int _candidates(const char_t *s, Py_ssize_t n, Py_ssize_t most, str text, slow, set keys, char *buf,
                     _Keys sink=None) except -1:
    """Each line in one pass: its words counted (between white space) and, while it may be
    ASCII, its key written to ``buf`` (as ``_ascii_key`` writes it)."""
    cdef Py_ssize_t i = 0, start, words, k
    cdef uint32_t c
    cdef uint8_t f
    cdef bint ascii, in_word, gap
    while i < n:
        start = i
        words = k = 0
        ascii, in_word, gap = True, False, False
        while i < n:
            c = s[i]
            f = _flags(c)
            if f & BREAK:
                break
            if f & WIDE:
                ascii = False
            if f & SPACE:
                in_word = False
            elif not in_word:
                in_word = True
                words += 1
                if words > most:
                    break
            if f & ALNUM:
                if gap:
                    buf[k] = 32
                    k += 1
                    gap = False
                buf[k] = c | 32 if c >= 65 else c
                k += 1
            else:
                gap = k > 0
            i += 1
        if words > most:  # a long line: no key, on to its end
            while i < n and not _flags(s[i]) & BREAK:
                i += 1
        elif words:  # not blank (a line of white space has no key)
            if ascii:
                if k and sink is not None:
                    sink.add(buf, k, k)
                elif k:
                    keys.add(buf[:k].decode("ascii"))
            else:
                key = slow(text[start:i], most)
                if key and sink is not None:
                    encoded = (<str>key).encode("utf-8", "surrogatepass")
                    sink.add(PyBytes_AS_STRING(encoded), len(encoded), PyUnicode_GET_LENGTH(key))
                elif key:
                    keys.add(key)
        i += 1  # past the line break (\r\n: the \n is an empty line, which has no key)
    return 0


def template_hits(const int64_t[::1] hashes, str joined not None, const int64_t[::1] starts, const int64_t[::1] often):
    """The keys of a :func:`template_keys` result whose hash is one of ``often`` (ascending), each
    distinct key once with how many times it is there: a dict {key: count}. Keys are told apart
    by their code points, not their hashes (two keys of one hash are counted apart), and a
    string is made a distinct key only (at 10^5 documents 167,720 keys sliced and counted one
    by one: 0.09 s of the scan's own process while its workers waited). Most keys are ruled out
    by a table of the frequent hashes' low 16 bits before they are looked for among them, and
    the search runs without the interpreter's lock (the scan's tasks' keys on two threads:
    1.5 million keys at 10^5 documents, 0.11 -> 0.03 s)."""
    cdef Py_ssize_t n = hashes.shape[0], m = often.shape[0], i, lo, hi, mid, slot, k, size = 64
    cdef int64_t h
    if starts.shape[0] != n + 1:
        raise ValueError(f"{starts.shape[0]} starts for {n} keys")
    if n and starts[n] - 1 > PyUnicode_GET_LENGTH(joined):
        raise ValueError("the starts run past the keys' string")
    while size < 2 * n + 64:  # a slot a key at most: never full
        size *= 2
    cdef int64_t *first = <int64_t *> malloc(size * sizeof(int64_t))  # a slot's key: its first place, -1: empty
    cdef int64_t *count = <int64_t *> malloc(size * sizeof(int64_t))
    cdef uint64_t *low = <uint64_t *> calloc(1024, sizeof(uint64_t))  # the frequent hashes' low 16 bits
    cdef int kind = PyUnicode_KIND(joined)
    cdef const char *data = <const char *> PyUnicode_DATA(joined)
    found = {}
    try:
        if first == NULL or count == NULL or low == NULL:
            raise MemoryError()
        with nogil:
            for k in range(size):
                first[k] = -1
            for k in range(m):
                low[(often[k] & 0xFFFF) >> 6] |= 1ull << (often[k] & 63)
            for i in range(n):
                h = hashes[i]
                if not (low[(h & 0xFFFF) >> 6] >> (h & 63)) & 1:
                    continue
                lo, hi = 0, m
                while lo < hi:
                    mid = (lo + hi) >> 1
                    if often[mid] < h:
                        lo = mid + 1
                    else:
                        hi = mid
                if lo == m or often[lo] != h:
                    continue
                slot = <uint64_t>h & (size - 1)
                while first[slot] >= 0:
                    k = first[slot]
                    if hashes[k] == h and starts[k + 1] - starts[k] == starts[i + 1] - starts[i] and \
                            memcmp(data + starts[k] * kind, data + starts[i] * kind, (starts[i + 1] - starts[i] - 1) * kind) == 0:
                        break
                    slot = (slot + 1) & (size - 1)
                if first[slot] < 0:
                    first[slot], count[slot] = i, 0
                count[slot] += 1
        for slot in range(size):
            if first[slot] >= 0:
                k = first[slot]
                found[joined[starts[k] : starts[k + 1] - 1]] = count[slot]
        return found
    finally:
        free(first)
        free(count)
        free(low)


def line_keys(list texts not None, slow):
    """``dedup.clean._paragraph_keys``: the key of each text (no line breaks in them), the
    ASCII ones here, the others by ``slow`` (``line_key``)."""
    cdef Py_ssize_t size = 0, n, k
    cdef char *buf = NULL
    cdef char *grown
    out = []
    try:
        for text in texts:
            if not isinstance(text, str):
                raise TypeError(f"a line to key must be a str, not {type(text).__name__}")
            if not PyUnicode_IS_ASCII(text):
                out.append(slow(text))
                continue
            n = PyUnicode_GET_LENGTH(text)
            if n > size:
                grown = <char *> malloc(n)
                if grown == NULL:
                    raise MemoryError()
                free(buf)
                buf, size = grown, n
            k = _ascii_key(<const uint8_t *> PyUnicode_DATA(text), 0, n, buf, n)
            out.append(buf[:k].decode("ascii"))
    finally:
        free(buf)
    return out


# --- paragraphs -----------------------------------------------------------------------------


def split_paragraphs(str text not None, str terminal not None):
    """``dedup.clean.split_paragraphs``: the text's paragraphs, each with single spaces
    between its words. ``terminal`` holds the characters that end a sentence
    (``dedup.clean._TERMINAL``)."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef list out = []
    if n == 0:
        return out
    cdef int kind = PyUnicode_KIND(text)
    cdef Py_ssize_t lines
    if kind == 1:
        lines = _line_count(<const uint8_t *> PyUnicode_DATA(text), n)
    elif kind == 2:
        lines = _line_count(<const uint16_t *> PyUnicode_DATA(text), n)
    else:
        lines = _line_count(<const uint32_t *> PyUnicode_DATA(text), n)
    cdef Py_ssize_t *starts = <Py_ssize_t *> malloc(lines * sizeof(Py_ssize_t))
    cdef Py_ssize_t *ends = <Py_ssize_t *> malloc(lines * sizeof(Py_ssize_t))
    cdef uint8_t *indented = <uint8_t *> malloc(lines)
    cdef void *buf = malloc(n * kind)
    try:
        if starts == NULL or ends == NULL or indented == NULL or buf == NULL:
            raise MemoryError()
        if kind == 1:
            _paragraphs(<const uint8_t *> PyUnicode_DATA(text), n, terminal, starts, ends, indented, lines, <uint8_t *> buf, out)
        elif kind == 2:
            _paragraphs(<const uint16_t *> PyUnicode_DATA(text), n, terminal, starts, ends, indented, lines, <uint16_t *> buf, out)
        else:
            _paragraphs(<const uint32_t *> PyUnicode_DATA(text), n, terminal, starts, ends, indented, lines, <uint32_t *> buf, out)
    finally:
        free(starts)
        free(ends)
        free(indented)
        free(buf)
    return out


cdef Py_ssize_t _line_count(const char_t *s, Py_ssize_t n) noexcept:
    """At most how many lines :func:`_paragraphs` cuts the text into: one more than its line breaks."""
    cdef Py_ssize_t i, count = 1
    cdef uint32_t c
    for i in range(n):
        c = s[i]
        count += c == 10 or c == 13 or c == 0x2028 or c == 0x2029
    return count


cdef int _paragraphs(const char_t *s, Py_ssize_t n, str terminal, Py_ssize_t *starts, Py_ssize_t *ends,
                     uint8_t *indented, Py_ssize_t capacity, char_t *buf, list out) except -1:
    """Cut the text into lines, as the reference does after its replacements (\\r\\n, \\r,
    \\u2028: one line break; \\u2029: two), and into blocks at the blank lines of
    ``_BLANK_LINE`` (every line of its blank characters only ends a block: one that
    the regex leaves in a block, after another or at the text's ends, is dropped there
    as white space); each block's lines not blank go to :func:`_block`."""
    cdef Py_ssize_t i = 0, start, j, e, lines = 0
    cdef uint32_t c
    cdef const void *found
    # one-byte text with no \r: its lines end at \n alone, found by memchr (vectorised)
    cdef bint newlines_only = char_t is uint8_t and n > 0 and memchr(s, 13, n) == NULL
    while True:
        start = i
        if newlines_only:
            found = memchr(s + i, 10, n - i)
            i = <const char_t *> found - s if found != NULL else n
        else:
            while i < n:
                c = s[i]
                if c == 10 or c == 13 or c == 0x2028 or c == 0x2029:
                    break
                i += 1
        j = start
        while j < i and _blank_char(s[j]):
            j += 1
        if j == i:  # a blank line: the block ends
            _block(s, terminal, starts, ends, indented, lines, buf, out)
            lines = 0
        else:
            e = i
            while Py_UNICODE_ISSPACE(s[e - 1]):  # rstrip (the line holds a character that is not blank)
                e -= 1
                if e == start:
                    break
            if e > start:
                j = start
                while Py_UNICODE_ISSPACE(s[j]):  # lstrip
                    j += 1
                if lines == capacity:  # cannot be (_line_count): not past the arrays' end whatever happens
                    raise SystemError("more lines than _line_count counted")
                starts[lines] = j
                ends[lines] = e
                indented[lines] = _indented(s, start)
                lines += 1
        if i >= n:
            break
        c = s[i]
        i += 1
        if c == 13 and i < n and s[i] == 10:
            i += 1
        elif c == 0x2029:  # two line breaks: a blank line between
            _block(s, terminal, starts, ends, indented, lines, buf, out)
            lines = 0
    _block(s, terminal, starts, ends, indented, lines, buf, out)
    return 0


cdef inline bint _indented(const char_t *s, Py_ssize_t start) noexcept:
    """``dedup.clean._indented``: spaces or tabs, then a character that is not white space
    (the line is not blank)."""
    if s[start] != 32 and s[start] != 9:
        return False
    while s[start] == 32 or s[start] == 9:
        start += 1
    return not Py_UNICODE_ISSPACE(s[start])


cdef int _block(const char_t *s, str terminal, const Py_ssize_t *starts, const Py_ssize_t *ends,
                const uint8_t *indented, Py_ssize_t lines, char_t *buf, list out) except -1:
    """The paragraphs of one block's lines (stripped): joined where hard-wrapped (an indented
    line opening a paragraph), else one a line."""
    cdef Py_ssize_t k, at = 0
    if lines == 0:
        return 0
    if _hard_wrapped(s, terminal, starts, ends, indented, lines):
        for k in range(lines):
            if indented[k] and at:
                out.append(_text(buf, at))
                at = 0
            elif at:
                buf[at] = 32
                at += 1
            at = _words(s, starts[k], ends[k], buf, at)
        out.append(_text(buf, at))
    else:
        for k in range(lines):
            out.append(_text(buf, _words(s, starts[k], ends[k], buf, 0)))
    return 0


cdef inline object _text(char_t *buf, Py_ssize_t length):
    """A str of the code points (of the smallest kind that holds them, as Python makes them)."""
    if char_t is uint8_t:
        return PyUnicode_FromKindAndData(1, buf, length)
    elif char_t is uint16_t:
        return PyUnicode_FromKindAndData(2, buf, length)
    else:
        return PyUnicode_FromKindAndData(4, buf, length)


cdef inline bint _single_spaced(const uint8_t *s, Py_ssize_t start, Py_ssize_t end) noexcept:
    """Whether a stripped line of one-byte characters holds no white space but single spaces (no
    tab, no run of spaces, none of Latin-1's other spaces): one branch-free pass the compiler
    vectorises."""
    cdef Py_ssize_t j
    cdef uint8_t c, bad = 0
    for j in range(start, end):
        c = s[j]
        bad |= (<uint8_t>(c - 9) < 5) | (<uint8_t>(c - 28) < 4) | (c == 0x85) | (c == 0xA0)
    for j in range(start + 1, end):
        bad |= (s[j] == 32) & (s[j - 1] == 32)
    return not bad


cdef inline Py_ssize_t _words(const char_t *s, Py_ssize_t start, Py_ssize_t end, char_t *buf, Py_ssize_t at) noexcept:
    """Append ``" ".join(line.split())`` of a stripped line to ``buf`` at ``at``; return the new end.

    Without branches: each character is written, white space as a space, and the end moves on
    past it unless it is white space after white space (the line ends in a character that is
    not). A memcpy a word took 0.03 s more over the real corpus's 21 million characters."""
    cdef Py_ssize_t j
    cdef bint space, after_space = False
    cdef char_t c
    if char_t is uint8_t and _single_spaced(s, start, end):  # (most lines) copied whole
        memcpy(buf + at, s + start, end - start)
        return at + end - start
    for j in range(start, end):
        c = s[j]
        space = (_flags(c) & SPACE) != 0
        buf[at] = 32 if space else c
        at += not (space and after_space)
        after_space = space
    return at


cdef bint _hard_wrapped(const char_t *s, str terminal, const Py_ssize_t *starts, const Py_ssize_t *ends,
                        const uint8_t *indented, Py_ssize_t lines) except -1:
    """``dedup.clean._hard_wrapped`` of a block's stripped lines."""
    cdef Py_ssize_t k, size, wraps = 0, breaks = 0
    cdef Py_UCS4 last
    if lines < 2:
        return False
    for k in range(lines - 1):
        if ends[k] - starts[k] > 100:
            return False
    for k in range(lines - 1):
        if indented[k + 1]:
            continue  # an indented line opens a paragraph: says nothing about wrapping
        breaks += 1
        size = ends[k] - starts[k]
        if size == ends[k + 1] - starts[k + 1] and memcmp(s + starts[k], s + starts[k + 1], size * sizeof(char_t)) == 0:
            return False
        if size >= 30:
            last = s[ends[k] - 1]
            if last not in terminal or Py_UNICODE_ISLOWER(s[starts[k + 1]]):
                wraps += 1
    return wraps > 0 and wraps * 2 >= breaks


# --- words ----------------------------------------------------------------------------------


def word_sizes(list paragraphs not None, bytes cjk not None, cjk_astral):
    """The sizes ``dedup.clean.clean`` gives paragraphs (a list of ints): an ASCII one's spaces
    and one (``split_paragraphs`` leaves one space between words); any other's words between
    white space and CJK characters (``_word_count``). ``cjk`` says which characters of the
    Basic Multilingual Plane are CJK, ``cjk_astral(code)`` which beyond it."""
    cdef Py_ssize_t n, j, count
    cdef const uint8_t *a
    cdef int kind
    if len(cjk) != 0x10000:
        raise ValueError(f"the CJK table has {len(cjk)} entries, one per code point of the BMP (65536) expected")
    cdef const uint8_t *table = <const uint8_t *> PyBytes_AS_STRING(cjk)
    out = []
    for p in paragraphs:
        if not isinstance(p, str):
            raise TypeError(f"a paragraph must be a str, not {type(p).__name__}")
        n = PyUnicode_GET_LENGTH(p)
        if PyUnicode_IS_ASCII(p):
            a = <const uint8_t *> PyUnicode_DATA(p)
            count = 1
            for j in range(n):
                count += a[j] == 32
        else:
            kind = PyUnicode_KIND(p)
            if kind == 1:
                count = _word_count(<const uint8_t *> PyUnicode_DATA(p), n, table, cjk_astral)
            elif kind == 2:
                count = _word_count(<const uint16_t *> PyUnicode_DATA(p), n, table, cjk_astral)
            else:
                count = _word_count(<const uint32_t *> PyUnicode_DATA(p), n, table, cjk_astral)
        out.append(count)
    return out


cdef Py_ssize_t _word_count(const char_t *s, Py_ssize_t n, const uint8_t *cjk, cjk_astral) except -1:
    """``len(text.split()) + len(CJK_CHAR.findall(text))``."""
    cdef Py_ssize_t j, count = 0
    cdef bint in_word = False
    cdef uint32_t c
    for j in range(n):
        c = s[j]
        if Py_UNICODE_ISSPACE(c):
            in_word = False
        else:
            if not in_word:
                count += 1
                in_word = True
            if char_t is not uint8_t:
                if c <= 0xFFFF:
                    count += cjk[c]
                elif cjk_astral(c):
                    count += 1
    return count


# --- literals: notices, and the rules a paragraph may match ---------------------------------


cdef class Literals:
    """Sets of strings to look for in texts: ``mask(text)`` has bit ``k`` set where the text
    holds a string of set ``k`` (``any(map(text.__contains__, sets[k]))``), ``found_in(text)``
    says whether it holds any, in one pass over a text (of a text with characters past U+00FF,
    over each run of characters that are not; the strings holding such characters, few, by
    ``str.__contains__``).

    A text's position is looked at further only where its two characters open a string (a
    table of the 65536 pairs); a string of one character is found by a table of its own.
    """

    cdef tuple sets
    cdef uint32_t empty  # the sets holding "", found in every text
    cdef uint32_t all_bits
    cdef bytes blob  # the strings of two characters or more that fit a byte a character, one after another
    cdef Py_ssize_t count
    cdef Py_ssize_t *offsets
    cdef Py_ssize_t *lengths
    cdef uint32_t *bits  # the sets each one is in
    cdef uint16_t *pairs  # each one's first two characters (c0 << 8 | c1), in order
    cdef uint16_t first[65536]  # 1 + the index of the first string opening with a pair, or 0
    # The pairs at which a string may start (it opens with the pair, or is the pair's first
    # character): a table of bits that stays in the L1 cache, where ``first`` (128 KiB) does not.
    # Notice stems looked for in the real corpus's 7,070 texts without credits: 0.026 -> 0.023 s.
    cdef uint64_t starts[1024]
    cdef uint32_t single[256]  # the sets a string of one character is in
    cdef tuple wide  # (string, sets) of the strings with a character past U+00FF

    def __cinit__(self, sets):
        self.sets = tuple(tuple(s) for s in sets)
        if len(self.sets) > 32:
            raise ValueError(f"{len(self.sets)} sets of strings; at most 32 are looked for at once")
        cdef dict narrow = {}, wide = {}
        cdef Py_ssize_t k, at = 0, code
        cdef uint16_t pair
        self.empty = self.all_bits = 0
        for k in range(256):
            self.single[k] = 0
        for k in range(0x10000):
            self.first[k] = 0
        memset(self.starts, 0, sizeof(self.starts))
        for k, strings in enumerate(self.sets):
            self.all_bits |= 1u << k
            for x in strings:
                if len(x) == 0:
                    self.empty |= 1u << k
                elif len(x) == 1 and x <= "\xff":
                    self.single[ord(x)] |= 1u << k
                elif max(x) <= "\xff":
                    narrow[x.encode("latin-1")] = narrow.get(x.encode("latin-1"), 0) | (1u << k)
                else:
                    wide[x] = wide.get(x, 0) | (1u << k)
        self.wide = tuple(sorted(wide.items()))
        keys = sorted(narrow)  # sorted: the strings opening with a pair are side by side
        if len(keys) >= 0xFFFF:
            raise ValueError(f"{len(keys)} strings; at most 65534 are looked for at once")
        self.count = len(keys)
        self.blob = b"".join(keys)
        self.offsets = <Py_ssize_t *> malloc((self.count + 1) * sizeof(Py_ssize_t))
        self.lengths = <Py_ssize_t *> malloc((self.count + 1) * sizeof(Py_ssize_t))
        self.bits = <uint32_t *> malloc((self.count + 1) * sizeof(uint32_t))
        self.pairs = <uint16_t *> malloc((self.count + 1) * sizeof(uint16_t))
        if self.offsets == NULL or self.lengths == NULL or self.bits == NULL or self.pairs == NULL:
            raise MemoryError()
        for k, b in enumerate(keys):
            pair = (b[0] << 8) | b[1]
            self.offsets[k], self.lengths[k], self.bits[k], self.pairs[k] = at, len(b), narrow[b], pair
            at += len(b)
            if self.first[pair] == 0:
                self.first[pair] = k + 1
            self.starts[pair >> 6] |= 1ull << (pair & 63)
        for k in range(256):
            if self.single[k]:
                for code in range(k << 8, (k + 1) << 8):
                    self.starts[code >> 6] |= 1ull << (code & 63)

    def __dealloc__(self):
        free(self.offsets)
        free(self.lengths)
        free(self.bits)
        free(self.pairs)

    def found_in(self, str text not None):
        """Whether ``text`` holds a string of any set."""
        return self._scan(text, True) != 0

    cdef bint found_in_lower(self, str text) except -1:
        """``found_in(text.lower())``, a text of one byte a character lower-cased as it is copied
        (``_LOWER``), not made a str."""
        if PyUnicode_KIND(text) != 1 or not _LOWER_OK:
            return self._scan(text.lower(), True) != 0
        cdef Py_ssize_t i, n = PyUnicode_GET_LENGTH(text)
        cdef const uint8_t *s = <const uint8_t *> PyUnicode_DATA(text)
        cdef uint8_t *low = <uint8_t *> malloc(n + 1)
        if low == NULL:
            raise MemoryError()
        for i in range(n):
            low[i] = _LOWER[s[i]]
        try:
            return self._bytes(low, n, self.all_bits) != 0
        finally:
            free(low)

    def mask(self, str text not None):
        """The sets ``text`` holds a string of, one bit each (set ``k``: ``1 << k``)."""
        return self._scan(text, False)

    cdef uint32_t _scan(self, str text, bint any_one) except? 0xFFFFFFFF:
        if PyUnicode_KIND(text) != 1:
            return self._wide_scan(text, self.all_bits if any_one else 0)
        return self._bytes(<const uint8_t *> PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text),
                           self.all_bits if any_one else 0)

    cdef uint32_t _wide_scan(self, str text, uint32_t enough) except? 0xFFFFFFFF:
        """:meth:`_scan` of a text with characters past U+00FF: the strings that fit a byte a
        character looked for in each run of characters that do, the others by ``in`` (each
        string once: 55 searches of a text by ``in`` were 0.16 s of a scan of 10^5 documents)."""
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i, m = 0
        cdef int kind = PyUnicode_KIND(text)
        cdef const void *data = PyUnicode_DATA(text)
        cdef Py_UCS4 c
        cdef uint32_t found = self.empty
        cdef uint8_t *run = <uint8_t *> malloc(n + 1)
        if run == NULL:
            raise MemoryError()
        try:
            for i in range(n + 1):
                c = PyUnicode_READ(kind, data, i) if i < n else 0x100
                if c <= 0xFF:
                    run[m] = <uint8_t> c
                    m += 1
                    continue
                if m:
                    found |= self._bytes(run, m, enough)
                    m = 0
                if (found & enough) or found == self.all_bits:
                    return found
        finally:
            free(run)
        for string, bits in self.wide:
            if (found | <uint32_t> bits) != found and string in text:
                found |= <uint32_t> bits
                if (found & enough) or found == self.all_bits:
                    return found
        return found

    cdef uint32_t _bytes(self, const uint8_t *s, Py_ssize_t n, uint32_t enough) noexcept:
        """The sets ``s[:n]`` holds a string of (all of them, or as soon as one of the sets ``enough``)."""
        cdef uint32_t found = self.empty
        cdef Py_ssize_t i
        cdef uint32_t pair
        if (found & enough) or found == self.all_bits or n == 0:
            return found
        for i in range(n - 1):
            pair = (<uint32_t> s[i] << 8) | s[i + 1]
            if (self.starts[pair >> 6] >> (pair & 63)) & 1:
                found = self._at(s, n, i, found)
                if (found & enough) or found == self.all_bits:
                    return found
        return found | self.single[s[n - 1]]

    cdef inline uint32_t _at(self, const uint8_t *s, Py_ssize_t n, Py_ssize_t i, uint32_t found) noexcept:
        """``found`` and the sets with a string at ``s[i:n]`` (``i < n``)."""
        cdef const char *blob = self.blob
        cdef Py_ssize_t k
        cdef uint16_t pair
        found |= self.single[s[i]]
        if i + 1 == n:
            return found
        pair = (s[i] << 8) | s[i + 1]
        k = self.first[pair]
        if k == 0:
            return found
        k -= 1
        while k < self.count and self.pairs[k] == pair:
            if (found | self.bits[k]) != found and i + self.lengths[k] <= n and memcmp(s + i, blob + self.offsets[k], self.lengths[k]) == 0:
                found |= self.bits[k]
            k += 1
        return found


# --- notices ---------------------------------------------------------------------------------


# str.lower() of the first 256 code points, each one of them (it is so in every Unicode version
# Python has used; _LOWER_OK says so of this one, or the texts are lower-cased by str.lower()).
cdef uint8_t _LOWER[256]
cdef bint _LOWER_OK = True
for _c in range(256):
    _low = chr(_c).lower()
    if len(_low) != 1 or ord(_low) > 255:
        _LOWER_OK = False
    else:
        _LOWER[_c] = ord(_low)


def notice_scope(str text not None, list sizes not None, list kinds not None, scraped_kinds, Py_ssize_t page_words,
                 Literals stems not None):
    """``dedup.notices.mark_notices``' first tests: None where no paragraph of the text is to be
    looked at (no body; a body of ``page_words`` words or more and no kind of ``scraped_kinds``;
    no string of ``stems`` in the text lower-cased), else (the body paragraphs' indexes, whether
    the body is shorter than that, whether a kind of ``scraped_kinds`` is there)."""
    cdef Py_ssize_t n = len(kinds), i, words = 0
    cdef bint scraped = False, short
    cdef list body = []
    if len(sizes) != n:
        raise ValueError(f"{len(sizes)} sizes for {n} kinds; one a paragraph expected")
    for i in range(n):
        kind = kinds[i]
        if kind == "body":
            body.append(i)
            words += sizes[i]
        if not scraped and kind in scraped_kinds:
            scraped = True
    short = words < page_words
    if not body or not (short or scraped) or not stems.found_in_lower(text):
        return None
    return body, short, scraped


# --- kinds: what a paragraph is, where no regex need tell ------------------------------------


cdef inline bint _word_char(uint8_t c) noexcept:
    """A character of ``\\w`` among the ASCII ones: a letter, a digit or ``_``."""
    return _alnum(c) or c == 95


cdef inline bint _dateline_char(uint8_t c) noexcept:
    """A character of ``[A-Z .'\\-]`` (``dedup.clean._DATELINE``)."""
    return (65 <= c <= 90) or c == 32 or c == 46 or c == 39 or c == 45


cdef inline bint _four_digits(const uint8_t *s, Py_ssize_t n) noexcept:
    """Whether an ASCII text holds four digits in a row (``dedup.clean._YEAR``)."""
    cdef Py_ssize_t i, run = 0
    for i in range(n):
        if 48 <= s[i] <= 57:
            run += 1
            if run == 4:
                return True
        else:
            run = 0
    return False


cdef inline bint _one_of(const uint8_t *s, Py_ssize_t n, tuple strings) noexcept:
    """Whether ``s[:n]`` is one of ``strings`` (bytes)."""
    for x in strings:
        if len(<bytes> x) == n and memcmp(s, <const char *> x, n) == 0:
            return True
    return False


cdef class Furniture:
    """The rules of ``dedup.clean._kind`` as far as an ASCII paragraph is concerned, to tell in C
    the paragraphs none of whose regexes can match (most) and their kind, ``body`` or ``nav``.

    A rule may match only where the paragraph, lower-cased, holds one of its literals (set ``k``
    of ``literals``: rule ``k``); an anchored rule (``^\\W*...``) only where, besides, its first
    word character opens one of its openings (set ``k`` of ``openings``, where not empty).
    ``rulesets`` are the rules tried in a paragraph of at most 12, 30 and 60 words (their bits);
    ``agencies`` the names the lone credit (``^\\W*AGENCY\\W*$``) is made of; ``terminal`` the
    characters that end a sentence.

    Two rules' literals are common in prose (a "/", "credit", "video"; a ":" or "-" after an
    opening such as "more"), and are looked at closer: ``caption`` is (its rule's bit, the words
    that stand before ``\\s*:``, the bracketed credits, the agencies that stand after ``/\\s*`` and
    before ``\\W*$``); ``related`` (its rule's bit, the characters that end its phrase, which is
    of letters and white space). On the real corpus, 7,416 of the 9,615 paragraphs left to the
    regexes are then told here.
    """

    cdef Literals anywhere
    cdef Literals openings
    cdef uint32_t anchored  # the rules with openings
    cdef uint32_t rulesets[3]
    cdef tuple agencies  # of bytes
    cdef uint8_t terminal[128]
    cdef uint32_t caption_bit
    cdef tuple caption_words  # of bytes, as the sources
    cdef Literals caption_brackets
    cdef tuple caption_sources
    cdef uint32_t related_bit
    cdef uint8_t related_ends[128]

    def __cinit__(self, literals, openings, rulesets, agencies, str terminal not None, caption, related):
        self.anywhere = Literals(literals)
        self.openings = Literals(openings)
        if len(self.openings.sets) != len(self.anywhere.sets):
            raise ValueError(f"{len(self.openings.sets)} sets of openings for {len(self.anywhere.sets)} rules; one a rule expected")
        rulesets = tuple(rulesets)
        if len(rulesets) != 3:
            raise ValueError(f"{len(rulesets)} rulesets; three expected (of at most 12, 30 and 60 words)")
        cdef Py_ssize_t k
        self.anchored = 0
        for k, strings in enumerate(self.openings.sets):
            if strings:
                self.anchored |= 1u << k
        for k in range(3):
            self.rulesets[k] = rulesets[k]
        self.agencies = tuple(name.encode("ascii") for name in agencies)
        for k in range(128):
            self.terminal[k] = 0
        for c in terminal:
            if ord(c) < 128:
                self.terminal[ord(c)] = 1
        bit, words, brackets, sources = caption
        self.caption_bit = bit
        self.caption_words = tuple(w.encode("ascii") for w in words)
        self.caption_brackets = Literals((brackets,))
        self.caption_sources = tuple(w.encode("ascii") for w in sources)
        bit, ends = related
        self.related_bit = bit
        for k in range(128):
            self.related_ends[k] = 0
        for c in ends:
            if ord(c) < 128:
                self.related_ends[ord(c)] = 1

    cdef bint _caption(self, const uint8_t *low, Py_ssize_t n) noexcept:
        """Whether the caption rule may match an ASCII paragraph (lower-cased): a caption word, the
        whole of a run of word characters, before white space and ":"; a bracketed credit; or "/",
        white space, an agency, then no word character to the end."""
        cdef Py_ssize_t i, j, e
        if self.caption_brackets._bytes(low, n, 1) & 1:
            return True
        for i in range(n):
            if low[i] == 58:  # ":"
                e = i
                while e and Py_UNICODE_ISSPACE(low[e - 1]):
                    e -= 1
                j = e
                while j and _word_char(low[j - 1]):
                    j -= 1
                if _one_of(low + j, e - j, self.caption_words):
                    return True
            elif low[i] == 47:  # "/"
                j = i + 1
                while j < n and Py_UNICODE_ISSPACE(low[j]):
                    j += 1
                for name in self.caption_sources:
                    e = j + len(<bytes> name)
                    if e <= n and memcmp(low + j, <const char *> name, e - j) == 0:
                        while e < n and not _word_char(low[e]):
                            e += 1
                        if e == n:
                            return True
        return False

    cdef bint _related(self, const uint8_t *low, Py_ssize_t a, Py_ssize_t n) noexcept:
        """Whether the related rule may match an ASCII paragraph (lower-cased) whose first word
        character is at ``a``: letters and white space from there, then one of its ends."""
        while a < n and ((97 <= low[a] <= 122) or Py_UNICODE_ISSPACE(low[a])):
            a += 1
        return a < n and low[a] < 128 and self.related_ends[low[a]]

    cdef int plain(self, const uint8_t *s, Py_ssize_t n, Py_ssize_t words, uint8_t *low) noexcept:
        """The kind ``_kind`` gives the ASCII paragraph ``s[:n]`` of ``words`` words (at most 60):
        1 (``body``), 2 (``nav``) or 3 (``credit``: no rule can match, the lone credit does), or 0
        where a rule, a date or a dateline may match it (the regexes tell). ``low`` (``n`` bytes)
        is written with it lower-cased."""
        cdef Py_ssize_t i, a = 0, b = n
        cdef uint32_t rules = self.rulesets[0 if words <= 12 else 1 if words <= 30 else 2]
        for i in range(n):
            low[i] = s[i] | 32 if 65 <= s[i] <= 90 else s[i]
        while a < n and not _word_char(low[a]):
            a += 1
        while b > a and not _word_char(low[b - 1]):
            b -= 1
        # an anchored rule opens at the first word character (none: no anchored rule matches)
        rules &= ~self.anchored | (self.openings._at(low, n, a, 0) if a < n else 0)
        if rules:
            # all the rules it holds a literal of, or (as soon as it is found) one not looked at closer
            rules &= self.anywhere._bytes(low, n, rules & ~(self.caption_bit | self.related_bit))
            if rules & ~(self.caption_bit | self.related_bit):
                return 0
            if rules & self.caption_bit and not self._caption(low, n):
                rules &= ~self.caption_bit
            if rules & self.related_bit and not self._related(low, a, n):
                rules &= ~self.related_bit
            if rules:
                return 0
        if 2 <= b - a <= 20:  # the lone credit: an agency's name between characters that are not \w
            for name in self.agencies:
                if len(<bytes> name) == b - a and memcmp(s + a, <const char *> name, b - a) == 0:
                    return 3
        if words <= 12 and _four_digits(s, n):  # every date has a year
            return 0
        if words <= 8 and n >= 3 and 65 <= s[0] <= 90 and _dateline_char(s[1]) and _dateline_char(s[2]):
            for i in range(3, n):
                if s[i] == 44 or s[i] == 40:  # a dateline's place is followed by "," or "("
                    return 0
        if n and s[0] == 35:  # "#": a Markdown heading
            return 2
        if words >= 12:
            return 1
        if words >= 6:
            b = n
            while b and (s[b - 1] == 42 or s[b - 1] == 95 or s[b - 1] == 32):  # rstrip("*_ ")
                b -= 1
            if b and self.terminal[s[b - 1]]:
                return 1
        return 2


cdef inline uint32_t _key_slot(const char *key, Py_ssize_t k) noexcept:
    """Where an ASCII key (``k`` bytes) sits in a :class:`Keys` table: its length and three of its characters."""
    if k == 0:
        return 0
    return (<uint32_t> k * 40503u ^ (<uint32_t> <uint8_t> key[0] << 8) ^ <uint32_t> <uint8_t> key[k - 1] * 59u
            ^ <uint32_t> <uint8_t> key[k >> 1] * 23509u) & 0xFFFF


DEF PREFIX = 8


cdef inline uint32_t _prefix_slot(const char *key) noexcept:
    """Where the first ``PREFIX`` (8) characters of a key sit in a :class:`Keys` table."""
    cdef uint64_t x
    memcpy(&x, key, 8)
    return <uint32_t> ((x * 0x9E3779B97F4A7C15ull) >> 48)


cdef class Keys:
    """Template line keys (``dedup.clean.line_key``), as :func:`label` looks paragraphs' keys up
    in them: ``keys`` (a frozenset), and what tells most ASCII keys are not there before one is
    made a str, the longest key's length and a table of the slots (``_key_slot``) of the ASCII keys.

    The real corpus's 826 template keys are at most 102 characters long, and take 1.3% of the
    65,536 slots: the 60,000 body paragraphs of up to 60 words it keys cost 0.05 s made into str
    and looked up in the set, 0.01 s keyed only as far as 103 characters and looked up here.
    Keys longer than ``PREFIX`` characters are told, besides, by the slots of their first
    ``PREFIX`` (``_prefix_slot``): a paragraph is keyed that far first, and most no further
    (label() over the real corpus 0.105 -> 0.092 s).
    """

    cdef readonly frozenset keys
    cdef Py_ssize_t longest
    cdef uint64_t slots[1024]
    cdef uint64_t prefixes[1024]

    def __cinit__(self, keys):
        self.keys = frozenset(keys)
        self.longest = 0
        memset(self.slots, 0, sizeof(self.slots))
        memset(self.prefixes, 0, sizeof(self.prefixes))
        cdef uint32_t slot
        for key in self.keys:
            if not isinstance(key, str):
                raise TypeError(f"a line key must be a str, not {type(key).__name__}")
            self.longest = max(self.longest, PyUnicode_GET_LENGTH(key))
            if PyUnicode_IS_ASCII(key):
                slot = _key_slot(<const char *> PyUnicode_DATA(key), PyUnicode_GET_LENGTH(key))
                self.slots[slot >> 6] |= 1ull << (slot & 63)
                if PyUnicode_GET_LENGTH(key) > PREFIX:
                    slot = _prefix_slot(<const char *> PyUnicode_DATA(key))
                    self.prefixes[slot >> 6] |= 1ull << (slot & 63)

    cdef inline bint holds_prefix(self, const char *key) noexcept:
        """Whether a key of more than ``PREFIX`` characters that opens with ``key[:PREFIX]`` may be one of ``keys``."""
        cdef uint32_t slot = _prefix_slot(key)
        return (self.prefixes[slot >> 6] >> (slot & 63)) & 1

    cdef inline bint holds(self, const char *key, Py_ssize_t k) except -1:
        """Whether the ASCII key ``key[:k]`` is one of ``keys``."""
        cdef uint32_t slot
        if k > self.longest:
            return False
        slot = _key_slot(key, k)
        if not (self.slots[slot >> 6] >> (slot & 63)) & 1:
            return False
        return key[:k].decode("ascii") in self.keys


def label(list raw not None, list sizes not None, Keys template_lines not None, Furniture furniture not None, rule_kind,
          key_of, Py_ssize_t long_prose, Py_ssize_t template_max_words):
    """``dedup.clean._label``: each paragraph's kind. A paragraph equal to a neighbour is a
    caption, one of more than ``long_prose`` words body; an ASCII one that ``furniture`` tells
    no regex can match is body or nav as it says; any other's kind is ``rule_kind(paragraph,
    words)``. A body paragraph of at most ``template_max_words`` words whose key (``key_of``,
    here where ASCII) is one of ``template_lines`` is template."""
    cdef Py_ssize_t n = len(raw), i, words, length = 0, size = 0, k
    cdef int plain
    cdef bint ascii
    cdef uint8_t *buf = NULL
    cdef uint8_t *grown
    cdef list kinds = []
    cdef bint templates = len(template_lines.keys) > 0
    if len(sizes) != n:
        raise ValueError(f"{len(sizes)} sizes for {n} paragraphs; one a paragraph expected")
    try:
        for i in range(n):
            p = raw[i]
            if not isinstance(p, str):
                raise TypeError(f"a paragraph must be a str, not {type(p).__name__}")
            words = sizes[i]
            if (i and p == raw[i - 1]) or (i + 1 < n and p == raw[i + 1]):
                kinds.append("caption")  # scrapers repeat image alt text and caption back to back
                continue
            if words > long_prose:
                kinds.append("body")
                continue
            kind = None
            ascii = PyUnicode_IS_ASCII(p)
            if ascii:
                length = PyUnicode_GET_LENGTH(p)
                if length > size:
                    grown = <uint8_t *> malloc(length)
                    if grown == NULL:
                        raise MemoryError()
                    free(buf)
                    buf, size = grown, length
                plain = furniture.plain(<const uint8_t *> PyUnicode_DATA(p), length, words, buf)
                kind = "body" if plain == 1 else "nav" if plain == 2 else "credit" if plain == 3 else None
            if kind is None:
                kind = rule_kind(p, words)
            if templates and words <= template_max_words and kind == "body":
                if ascii:
                    k = _ascii_key(<const uint8_t *> PyUnicode_DATA(p), 0, length, <char *> buf, PREFIX)
                    if k > PREFIX:  # a longer key: keyed on where its first characters may open a template key's
                        if not template_lines.holds_prefix(<char *> buf):
                            k = -1
                        else:
                            k = _ascii_key(<const uint8_t *> PyUnicode_DATA(p), 0, length, <char *> buf, template_lines.longest)
                    if k >= 0 and template_lines.holds(<char *> buf, k):
                        kind = "template"
                elif key_of(p) in template_lines.keys:
                    kind = "template"
            kinds.append(kind)
    finally:
        free(buf)
    return kinds


# --- the headline ---------------------------------------------------------------------------


cdef Py_ssize_t _headline_split(object paragraph, const uint8_t *cjk, cjk_astral, str terminal) except -2:
    """``len(paragraph.split())`` where ``dedup.clean._looks_like_headline(paragraph)`` (3 to 30
    words as ``_word_count`` counts them, CJK characters each one, and no sentence end after
    ``*``, ``_`` and spaces), else -1."""
    if not isinstance(paragraph, str):
        raise TypeError(f"a paragraph must be a str, not {type(paragraph).__name__}")
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(paragraph), i, split = 0, words = 0
    cdef int kind = PyUnicode_KIND(paragraph)
    cdef void *data = PyUnicode_DATA(paragraph)
    cdef bint in_word = False
    cdef Py_UCS4 c
    for i in range(n):
        c = PyUnicode_READ(kind, data, i)
        if Py_UNICODE_ISSPACE(c):
            in_word = False
            continue
        if not in_word:
            split += 1
            in_word = True
        if c >= 0x80 and (cjk[c] if c <= 0xFFFF else cjk_astral(<uint32_t> c)):
            words += 1
    words += split
    if not 3 <= words <= 30:
        return -1
    while n and PyUnicode_READ(kind, data, n - 1) in "*_ ":  # rstrip("*_ ")
        n -= 1
    return split if n == 0 or PyUnicode_READ(kind, data, n - 1) not in terminal else -1


def headline(list raw not None, list sizes not None, list kinds not None, plain_short, Py_ssize_t min_prose,
             Py_ssize_t min_plain, bytes cjk not None, cjk_astral, str terminal not None):
    """``dedup.clean._place_headline``: label the headline in ``kinds`` and return its index, or
    None; where the body has fewer than ``min_prose`` words and the kinds of ``plain_short``
    at least ``min_plain``, label those body instead (and return None). A headline is the first
    body paragraph (of several) or else the nav line of most words (the first such) before it,
    that looks like one (``_headline_split``: ``cjk`` and ``cjk_astral`` say which characters are
    CJK, as for :func:`word_sizes`; ``terminal`` which end a sentence)."""
    cdef Py_ssize_t n = len(raw), i, prose = 0, plain = 0, first = -1, bodies = 0, best = -1, most = -1, split
    if len(sizes) != n or len(kinds) != n:
        raise ValueError(f"{len(sizes)} sizes and {len(kinds)} kinds for {n} paragraphs; one a paragraph expected")
    if len(cjk) != 0x10000:
        raise ValueError(f"the CJK table has {len(cjk)} entries, one per code point of the BMP (65536) expected")
    cdef const uint8_t *table = <const uint8_t *> PyBytes_AS_STRING(cjk)
    for i in range(n):
        kind = kinds[i]
        if kind == "body":
            prose += sizes[i]
            bodies += 1
            if first < 0:
                first = i
        elif kind in plain_short:
            plain += sizes[i]
    if prose < min_prose and plain >= min_plain:
        for i in range(n):
            if kinds[i] in plain_short:
                kinds[i] = "body"
        return None
    if first < 0:
        first = n
    if bodies > 1 and _headline_split(raw[first], table, cjk_astral, terminal) >= 0:
        best = first  # never the only body paragraph: that is the article
    else:
        for i in range(first):
            if kinds[i] == "nav":
                split = _headline_split(raw[i], table, cjk_astral, terminal)
                if split > most:
                    best, most = i, split
    if best < 0:
        return None
    kinds[best] = "headline"
    return best


# --- the article's end, credits and date ----------------------------------------------------


cdef inline bint _year(str text) noexcept:
    """Whether a text holds four decimal digits in a row (``\\d{4}``: ``dedup.clean._YEAR``)."""
    cdef Py_ssize_t i, run = 0, n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void *data = PyUnicode_DATA(text)
    for i in range(n):
        if Py_UNICODE_ISDECIMAL(PyUnicode_READ(kind, data, i)):
            run += 1
            if run == 4:
                return True
        else:
            run = 0
    return False


def close(list raw not None, list sizes not None, list kinds not None, Literals agencies not None, credits_of,
          date_of, bullet, end_kinds):
    """``dedup.clean._close``: mark the trailer (body after an end marker) and a standfirst (a
    bullet before the body) in ``kinds``; return the credits (a set) found by ``credits_of`` in
    the paragraphs that may hold them, where ``agencies`` finds a name, and the first date that
    ``date_of`` finds in the furniture, where it holds a year, or None."""
    cdef Py_ssize_t n = len(raw), i, words, body_words = 0
    cdef bint ended = False, first_body
    cdef set credits = set()
    published = None
    if len(sizes) != n or len(kinds) != n:
        raise ValueError(f"{len(sizes)} sizes and {len(kinds)} kinds for {n} paragraphs; one a paragraph expected")
    for i in range(n):
        p = raw[i]
        if not isinstance(p, str):
            raise TypeError(f"a paragraph must be a str, not {type(p).__name__}")
        kind = kinds[i]
        words = sizes[i]
        if kind == "body" and ended:
            kind = "trailer"
        elif kind == "body" and body_words == 0 and bullet(p):
            kind = "standfirst"
        elif kind in end_kinds and body_words >= 40:
            ended = True  # copyright lines, comment threads and source links close the article
        if kind == "body":
            body_words += words
        first_body = kind == "body" and body_words == words
        if (kind != "body" and kind != "caption") or first_body:
            head = p if PyUnicode_GET_LENGTH(p) < 400 else p[:200]
            if agencies.found_in(head):
                credits.update(credits_of(head))
        if published is None and kind != "body" and _year(p):
            published = date_of(p)
        kinds[i] = kind
    return credits, published


# --- records --------------------------------------------------------------------------------


cdef extern from "Python.h":
    ctypedef struct PyObject
    ctypedef struct PyTypeObject:
        PyObject *(*tp_alloc)(PyTypeObject *, Py_ssize_t)
    ctypedef struct PyMemberDef:
        int type
        Py_ssize_t offset
        int flags
    ctypedef struct PyMemberDescrObject:
        PyMemberDef *d_member
    PyTypeObject PyMemberDescr_Type
    PyTypeObject *Py_TYPE(object o)
    PyObject **PySequence_Fast_ITEMS(object o)
    object PyTuple_New(Py_ssize_t n)
    void PyTuple_SET_ITEM(object t, Py_ssize_t i, PyObject *o)
    void Py_INCREF(PyObject *o)
    void Py_DECREF(PyObject *o)
    bint PyUnicode_CheckExact(PyObject *o)
    void PyObject_GC_UnTrack(void *o)
    PyTypeObject *PyDescr_TYPE(object d)
    int T_OBJECT_EX
    int READONLY


cdef Py_ssize_t _slot(type cls, str field) except -1:
    """Where a record of ``cls`` holds ``field``: the offset of the slot that ``cls`` itself
    defines for it (a ``__slots__`` member that holds any object), or a ValueError."""
    descriptor = cls.__dict__.get(field)
    if descriptor is None or Py_TYPE(descriptor) != &PyMemberDescr_Type or PyDescr_TYPE(descriptor) != <PyTypeObject *> cls:
        raise ValueError(f"{cls.__name__} has no slot of its own named {field!r}")
    cdef PyMemberDef *member = (<PyMemberDescrObject *> <PyObject *> descriptor).d_member
    if member.type != T_OBJECT_EX or member.flags & READONLY:
        raise ValueError(f"{cls.__name__}.{field} is not a slot that holds an object")
    return member.offset


DEF _MOST_FIELDS = 24
DEF _KNOWN = 16
# The slots' offsets of the (class, fields) asked for, each pair kept (held in _HELD, so that
# neither address becomes another object's): a document's records are made by several calls,
# each a few records (0.3 -> 0.14 us a call of one record).
cdef PyObject *_known_class[_KNOWN]
cdef PyObject *_known_fields[_KNOWN]
cdef Py_ssize_t _known_offsets[_KNOWN][_MOST_FIELDS]
cdef int _known = 0
_HELD: list = []


cdef Py_ssize_t *_offsets(type cls, tuple fields) except NULL:
    """The offsets of ``fields`` in ``cls``'s records (:func:`_slot`), found once a pair."""
    global _known
    cdef int k
    for k in range(_known):
        if _known_class[k] == <PyObject *> cls and _known_fields[k] == <PyObject *> fields:
            return _known_offsets[k]
    found = [_slot(cls, field) for field in fields]
    k = _known if _known < _KNOWN else _KNOWN - 1  # (full: the last entry taken over; a few classes use this)
    if _known < _KNOWN:
        _known += 1
        _HELD.append((cls, fields))
    else:
        _HELD[k] = (cls, fields)
    for f in range(len(fields)):
        _known_offsets[k][f] = found[f]
    _known_class[k], _known_fields[k] = <PyObject *> cls, <PyObject *> fields
    return _known_offsets[k]


def records(type cls not None, tuple fields not None, *columns):
    """``tuple(map(cls, *columns))`` (columns of one length) for a dataclass ``cls`` with slots
    whose ``__init__`` only stores ``fields``, one a column: each record allocated as
    ``object.__new__`` allocates it and its fields written to their slots (as a frozen dataclass's
    ``__init__`` stores them, through ``object.__setattr__``), without calling either: 2.1 -> 0.45 us
    a document's paragraphs. Records whose fields are all exact str are left untracked by the
    garbage collector (the tuple too, where every record's are)."""
    cdef Py_ssize_t n, i, f, m = len(fields)
    if len(columns) != m or m == 0 or m > _MOST_FIELDS:
        raise ValueError(f"{len(columns)} columns for {m} fields; one a field (up to {_MOST_FIELDS}) expected")
    cdef Py_ssize_t *offset = _offsets(cls, fields)
    cdef PyObject **items[_MOST_FIELDS]
    cdef list held = list(columns)  # (each a list or tuple: their items are read in place)
    for f in range(m):
        column = held[f]
        if type(column) is not list and type(column) is not tuple:
            held[f] = column = list(column)
        if f == 0:
            n = len(column)
        elif len(column) != n:
            raise ValueError(f"columns of {n} and {len(column)} values; columns of one length expected")
        items[f] = PySequence_Fast_ITEMS(column)
    cdef PyTypeObject *kind = <PyTypeObject *> cls
    cdef PyObject *record
    cdef PyObject *value
    cdef bint strings, all_strings = True
    made = PyTuple_New(n)
    for i in range(n):
        record = kind.tp_alloc(kind, 0)
        if record == NULL:
            raise MemoryError()
        PyTuple_SET_ITEM(made, i, record)  # (the tuple owns it, and frees it on an error)
        strings = True
        for f in range(m):
            value = items[f][i]
            Py_INCREF(value)
            (<PyObject **> (<char *> record + offset[f]))[0] = value
            strings = strings and PyUnicode_CheckExact(value)
        if strings:
            # A record of strings only is in no reference cycle: the garbage collector need not
            # walk it (as it leaves tuples of strings), which is 0.03 s of clean() over the real
            # corpus's 139,027 paragraphs kept, as a scan keeps them.
            PyObject_GC_UnTrack(record)
        all_strings = all_strings and strings
    if all_strings and n:  # ... nor is a tuple of them (which the collector would keep walking: they are of a class of its)
        PyObject_GC_UnTrack(<PyObject *> made)
    return made


# --- a cleaned article's paragraphs ------------------------------------------------------------


cdef extern from "Python.h":
    object PyUnicode_New(Py_ssize_t size, Py_UCS4 maxchar)
    Py_UCS4 PyUnicode_MAX_CHAR_VALUE(object o)
    Py_ssize_t PyUnicode_CopyCharacters(object to, Py_ssize_t to_start, object source, Py_ssize_t start,
                                        Py_ssize_t n) except -1
    object PyBytes_FromStringAndSize(const char *v, Py_ssize_t n)


def joined_texts(list texts not None):
    """``dedup.paragraphs.joined_texts``: the texts as one string, and where each ends in it (bytes
    of 32-bit unsigned integers, the machine's order), in one pass each (0.8 -> 0.2 us for a
    document's paragraphs)."""
    cdef Py_ssize_t n = len(texts), i, total = 0, at = 0, length
    cdef Py_UCS4 most = 0
    for text in texts:
        if not isinstance(text, str):
            raise TypeError(f"texts are str, found {type(text).__name__}")
        total += PyUnicode_GET_LENGTH(text)
        most = max(most, PyUnicode_MAX_CHAR_VALUE(text))
    if total > 0xFFFFFFFF:
        raise ValueError(f"{total} characters of paragraphs; at most 2^32 - 1 are held as one")
    ends = PyBytes_FromStringAndSize(NULL, 4 * n)
    cdef uint32_t *out = <uint32_t *> PyBytes_AS_STRING(ends)
    joined = PyUnicode_New(total, most)
    for i in range(n):
        text = texts[i]
        length = PyUnicode_GET_LENGTH(text)
        PyUnicode_CopyCharacters(joined, at, text, 0, length)
        at += length
        out[i] = <uint32_t> at
    return joined, ends


def record(type cls not None, tuple fields not None, tuple values not None):
    """One record of :func:`records`: ``cls``'s ``fields`` (slots of its own) set to ``values``,
    without ``__init__`` (what a record pickled by its fields is made again from: 0.15 us, where a
    frozen dataclass's ``__init__`` of 17 fields takes 3)."""
    cdef Py_ssize_t f, m = len(fields)
    if len(values) != m or m == 0 or m > _MOST_FIELDS:
        raise ValueError(f"{len(values)} values for {m} fields; one a field (up to {_MOST_FIELDS}) expected")
    cdef Py_ssize_t *offset = _offsets(cls, fields)
    cdef PyTypeObject *kind = <PyTypeObject *> cls
    cdef PyObject *made = kind.tp_alloc(kind, 0)
    cdef PyObject *value
    cdef bint strings = True
    if made == NULL:
        raise MemoryError()
    for f in range(m):
        value = <PyObject *> values[f]
        Py_INCREF(value)
        (<PyObject **> (<char *> made + offset[f]))[0] = value
        strings = strings and PyUnicode_CheckExact(value)
    if strings:
        PyObject_GC_UnTrack(made)
    found = <object> made
    Py_DECREF(made)  # (``found`` holds it now)
    return found


cdef extern from "Python.h":
    object PyUnicode_Substring(object s, Py_ssize_t start, Py_ssize_t end)


def paragraph_texts(str joined not None, bytes ends not None, tuple kinds, str kind):
    """``dedup.paragraphs.Cleaned``'s paragraph texts (``texts``, or with ``kinds`` and ``kind``, those of
    that kind: ``body``), cut out of ``joined`` where ``ends`` says (0.35 us for the body of 7 paragraphs,
    1.15 in Python)."""
    cdef Py_ssize_t n = len(ends) // 4, i, at = 0, length = PyUnicode_GET_LENGTH(joined)
    cdef uint32_t end
    cdef const char *raw = PyBytes_AS_STRING(ends)
    if len(ends) % 4 or (kinds is not None and len(kinds) != n):
        raise ValueError(f"{len(ends)} bytes of ends for {n if kinds is None else len(kinds)} paragraphs")
    out = []
    for i in range(n):
        memcpy(&end, raw + 4 * i, 4)
        if end < at or end > length:
            raise ValueError(f"paragraph {i} ends at {end}, outside {at}..{length}")
        if kinds is None or kinds[i] == kind:
            out.append(PyUnicode_Substring(joined, at, end))
        at = end
    return tuple(out)
