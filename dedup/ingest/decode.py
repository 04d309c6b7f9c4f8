"""Ingest, decoding: bytes into text a reader can parse, streamed, never read whole.

- compression (gzip, bz2, xz, zstd) recognised by its magic bytes, whatever the file's name;
- the text encoding: UTF-8, a byte-order mark, the one asked for, or one detected;
- lines split as Hadoop's line reader splits them (``\\n``, ``\\r\\n``, ``\\r``), a line over
  the record size cap dropped as it streams past;
- the elements of a JSON array, one at a time.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO, cast

from .records import MAX_ARTICLE_BYTES, ReadOptions

#: The name of each compression, by its magic bytes (RFC 1952, bzip2, xz, RFC 8878).
_MAGIC = ((b"\x1f\x8b", "gzip"), (b"\xfd7zXZ\x00", "xz"), (b"\x28\xb5\x2f\xfd", "zstd"))
#: File name suffixes of compressed files (left out when a file's kind is told by its name).
COMPRESSED_SUFFIXES = frozenset({".gz", ".bz2", ".xz", ".zst", ".zstd"})
_CHUNK = 1 << 20


def stream_errors() -> tuple[type[BaseException], ...]:
    """The exceptions a damaged compressed stream raises while it is read."""
    import lzma
    import zlib

    import zstandard

    return (OSError, EOFError, zlib.error, lzma.LZMAError, zstandard.ZstdError)


class _Rejoined(io.RawIOBase):
    """A stream whose first bytes were read already: those bytes, then the rest."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = (getattr(self._rest, "read1", None) or self._rest.read)(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def rejoined(head: bytes, rest: BinaryIO) -> BinaryIO:
    """``rest`` with ``head`` put back in front of it."""
    return io.BufferedReader(_Rejoined(head, rest), _CHUNK)


class _Broken(io.RawIOBase):
    """A stream that raises, when read, the error its source raised (:func:`peeked`)."""

    def __init__(self, error: BaseException) -> None:
        self._error = error

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        raise self._error


def peeked(stream: BinaryIO, size: int = 1 << 16) -> tuple[bytes, BinaryIO]:
    """Return (the first ``size`` bytes of a stream, the whole stream again: :func:`rejoined`).

    Of a damaged compressed stream that fails within ``size`` bytes, the bytes before the
    damage are kept: the stream returned gives them, then raises the error.

    >>> head, again = peeked(rejoined(b"one\\ntwo\\n", _Broken(EOFError("cut off"))))
    >>> head, again.readline(), again.readline()
    (b'one\\ntwo\\n', b'one\\n', b'two\\n')
    >>> again.read()
    Traceback (most recent call last):
    EOFError: cut off
    """
    parts, got = [], 0
    try:
        while got < size:
            chunk = (getattr(stream, "read1", None) or stream.read)(size - got)
            if not chunk:
                break
            parts.append(chunk)
            got += len(chunk)
    except stream_errors() as exc:
        head = b"".join(parts)
        return head, rejoined(head, cast(BinaryIO, _Broken(exc)))
    head = b"".join(parts)
    return head, rejoined(head, stream)


def unpacked(stream: BinaryIO) -> tuple[BinaryIO, str | None]:
    """Return (the stream decompressed, the compression's name), or (the stream, None).

    >>> import gzip
    >>> stream, packing = unpacked(io.BytesIO(gzip.compress(b"text")))
    >>> stream.read(), packing
    (b'text', 'gzip')
    """
    head = stream.read(6)
    whole = rejoined(head, stream)
    name = next((n for magic, n in _MAGIC if head.startswith(magic)), None)
    if name is None and head[:3] == b"BZh" and head[3:4].isdigit() and head[3:4] != b"0":
        name = "bz2"
    if name == "gzip":
        import gzip

        return cast(BinaryIO, gzip.GzipFile(fileobj=whole, mode="rb")), name
    if name == "bz2":
        import bz2

        return cast(BinaryIO, bz2.BZ2File(whole, "rb")), name
    if name == "xz":
        import lzma

        return cast(BinaryIO, lzma.LZMAFile(whole, "rb")), name
    if name == "zstd":
        import zstandard

        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(whole, read_across_frames=True),
                                 _CHUNK), name
    return whole, None


_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def choose_encoding(head: bytes, options: ReadOptions) -> tuple[str | None, str | None]:
    """Return (the codec to read text whose first bytes are ``head``, a note for the user).

    A byte-order mark wins; then the encoding asked for; with ``auto``, UTF-8 when the bytes
    are UTF-8, else the one charset-normalizer detects (named in the note), or None when
    nothing fits.

    >>> choose_encoding(b"\\xef\\xbb\\xbfBody", ReadOptions())
    ('utf-8-sig', None)
    >>> choose_encoding("Ceci est un caf\\u00e9 tr\\u00e8s fr\\u00e9quent\\u00e9 \\u00e0 c\\u00f4t\\u00e9 de la gare.".encode("latin-1"),
    ...                 ReadOptions(encoding="auto"))[1].startswith("read as")
    True
    """
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec, None
    if options.encoding != "auto":
        return options.encoding, None
    if is_utf8(head):
        return "utf-8", None
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    if best is None:
        return None, None
    return best.encoding, f"read as {best.encoding} (detected; say --encoding to choose another)"


def is_utf8(data: bytes) -> bool:
    """Whether ``data`` is UTF-8, a character cut at its end aside (a head read from a stream)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(data) - 3 and exc.reason == "unexpected end of data"
    return True


def decode_error(codec: str, exc: UnicodeDecodeError, where: str = "") -> str:
    """The reason text that is not in ``codec`` is skipped.

    >>> decode_error("utf-8", UnicodeDecodeError("utf-8", b"x", 3, 4, "bad"))
    'not valid UTF-8 (byte 3); convert it to UTF-8, or give --encoding (auto detects it)'
    """
    name = "UTF-8" if codec.replace("_", "-").lower() in ("utf-8", "utf8", "utf-8-sig") else codec
    return f"not valid {name} (byte {exc.start}{where}); convert it to UTF-8, or give --encoding (auto detects it)"


def lines(stream: BinaryIO, limit: int | None = None) -> Iterator[bytes | None]:
    """Yield the lines of a stream without their ends; None for a line over ``limit`` bytes
    (dropped as it streams past, never held whole).

    Lines end at ``\\n``, ``\\r\\n`` or ``\\r``, as Hadoop's (and so Spark's) line reader ends
    them.

    >>> list(lines(io.BytesIO(b"a\\r\\nb\\rc\\n\\nd")))
    [b'a', b'b', b'c', b'', b'd']
    >>> list(lines(io.BytesIO(b"short\\n" + b"x" * 50 + b"\\nend"), limit=10))
    [b'short', None, b'end']
    """
    limit = MAX_ARTICLE_BYTES if limit is None else limit
    rest, dropping = b"", False
    while True:
        chunk = _some(stream)
        if not chunk:
            break
        data = rest + chunk
        held = b""
        if data.endswith(b"\r"):  # perhaps the first half of \r\n
            data, held = data[:-1], b"\r"
        parts = data.splitlines()  # bytes.splitlines ends lines at \n, \r\n and \r only, as Hadoop does
        rest = (b"" if not parts or data.endswith(b"\n") else parts.pop()) + held
        for part in parts:
            if dropping:
                dropping = False
                yield None
            elif len(part) > limit:
                yield None
            else:
                yield part
        if len(rest) > limit:
            rest, dropping = b"", True
    if dropping:
        yield None
    elif rest:
        yield rest


def _some(stream: BinaryIO) -> bytes:
    """Up to :data:`_CHUNK` bytes of a stream, what one read of the underlying file gives
    (``read1``): of a damaged compressed file, the data before the damage comes out before
    the error, where ``read`` would lose a chunk's worth with it."""
    read = getattr(stream, "read1", None) or stream.read
    return read(_CHUNK)


def text_chunks(stream: BinaryIO, codec: str) -> Iterator[str]:
    """Decode a stream piece by piece (a character cut between pieces is carried over).

    Raises:
        UnicodeDecodeError: the bytes are not in ``codec``.
    """
    import codecs

    decoder = codecs.getincrementaldecoder(codec)()
    while True:
        chunk = _some(stream)
        if not chunk:
            tail = decoder.decode(b"", final=True)
            if tail:
                yield tail
            return
        yield decoder.decode(chunk)


def json_array(chunks: Iterator[str], limit: int | None = None) -> Iterator[tuple[object, str | None]]:
    """Yield (element, None) for each element of a JSON array read piece by piece, or
    (None, reason) once, where the array cannot be read on (the rest of it is lost).

    >>> list(json_array(iter(['[{"id": 1}, ', '{"id": 2}]'])))
    [({'id': 1}, None), ({'id': 2}, None)]
    >>> list(json_array(iter(['[{"id": 1}, {bad}]'])))[-1]
    (None, 'malformed JSON in element 2 (Expecting property name enclosed in double quotes); the rest of the array is not read')
    """
    import json

    limit = MAX_ARTICLE_BYTES if limit is None else limit
    decoder = json.JSONDecoder()
    buf, pos, eof, number = "", 0, False, 0

    def more() -> bool:
        nonlocal buf, pos, eof
        chunk = next(chunks, None)
        if chunk is None:
            eof = True
            return False
        buf, pos = buf[pos:] + chunk, 0
        return True

    def skip_space() -> str:
        nonlocal pos
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n\ufeff":
                pos += 1
            if pos < len(buf) or not more():
                return buf[pos] if pos < len(buf) else ""

    if skip_space() != "[":
        yield None, "not a JSON array of records (it does not start with '[')"
        return
    pos += 1
    first = True
    while True:
        ch = skip_space()
        if ch == "]":
            return
        if not first:
            if ch != ",":
                yield None, f"malformed JSON after element {number} (expected ',' or ']'); the rest of the array is not read"
                return
            pos += 1
            skip_space()
        first = False
        number += 1
        while True:
            try:
                value, end = decoder.raw_decode(buf, pos)
            except json.JSONDecodeError as exc:
                if not eof and len(buf) - pos <= limit and more():
                    continue
                reason = "over the size limit for one record" if len(buf) - pos > limit else f"({exc.msg})"
                yield None, f"malformed JSON in element {number} {reason}; the rest of the array is not read"
                return
            except (ValueError, RecursionError) as exc:  # nesting past the stack, a 5,000-digit integer
                yield None, f"JSON element {number} cannot be read ({str(exc).split(';')[0]}); the rest of the array is not read"
                return
            if end == len(buf) and not eof and more():
                continue  # a number may go on in the next piece
            break
        pos = end
        yield value, None
