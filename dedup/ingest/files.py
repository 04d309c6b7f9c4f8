"""Ingest, files: which files an argument names, in which order, and how each is opened.

A folder is walked in sorted order (a folder's files, then its sub-folders), hidden names
left out with all they hold, and only files of a known kind taken (:func:`file_kind`),
matched against ``--include`` / ``--exclude``; ``-`` is stdin. A file is opened only when it
is a regular file: a pipe, a socket or a device is skipped with the reason, never read.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from ..errors import InputError
from .formats import ARTICLE_KINDS, Item, file_kind, is_compressed_name, read_stream
from .records import MAX_ARTICLE_BYTES, ReadOptions

STDIN = "-"
#: Files a folder holds that are about it, not articles (the BBC corpus's ``README.TXT``):
#: left out of a folder walk unless ``--include`` names them.
_NOT_ARTICLES = re.compile(r"(readme|licen[cs]e|copying|changelog|changes|notice|authors)(\.[^/]*)?", re.I)


@dataclass(frozen=True)
class Source:
    """One file to read (or stdin): where it is, how messages name it, how it is read."""

    path: str | None  # None: stdin
    shown: str  # the location of its records in messages
    doc_id: str  # the id of its document when it is one article
    kind: str
    size: int  # bytes on disk (0 for stdin)
    error: str | None = None  # why it cannot be read at all


def is_hidden(name: str) -> bool:
    """Tell whether a file or folder met while walking a folder is skipped, with all it holds.

    Every engine's rule: a name starting with a dot (``.git``, ``.DS_Store``). A hidden
    file given explicitly is read all the same.

    >>> is_hidden(".git"), is_hidden(".notes.txt"), is_hidden("notes.txt")
    (True, True, False)
    """
    return name.startswith(".")


def shown_name(name: str) -> str:
    """A file name as ids and messages show it: bytes that are not UTF-8 (kept by Python as lone
    surrogates, which no report can write) shown as U+FFFD.

    >>> shown_name(b"caf\\xe9.txt".decode("utf-8", "surrogateescape"))
    'caf\ufffd.txt'
    """
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def is_wanted(rel: str, options: ReadOptions) -> bool:
    """Whether a file found at ``rel`` (relative to the folder walked) is read: it matches an
    ``include`` pattern (when any is given) and no ``exclude`` pattern, by its path or its name;
    a folder's README or LICENSE only when an include pattern names it.

    >>> opts = ReadOptions(include=("*.txt",), exclude=("drafts/*",))
    >>> is_wanted("2024/a.txt", opts), is_wanted("drafts/b.txt", opts), is_wanted("c.md", opts)
    (True, False, False)
    >>> is_wanted("README.txt", ReadOptions()), is_wanted("README.txt", ReadOptions(include=("README*",)))
    (False, True)
    """
    name = rel.rsplit("/", 1)[-1]

    def matches(patterns) -> bool:
        return any(fnmatch.fnmatchcase(rel, p) or fnmatch.fnmatchcase(name, p) for p in patterns)

    if options.include and not matches(options.include):
        return False
    if options.exclude and matches(options.exclude):
        return False
    return bool(options.include) or not _NOT_ARTICLES.fullmatch(name)


def sources(paths, options: ReadOptions) -> list[Source]:
    """The files ``paths`` name, in reading order.

    Raises:
        InputError: a path does not exist.
    """
    for p in paths:
        if str(p) != STDIN and not os.path.lexists(p):
            raise InputError(f"{p}: no such file or directory; give a file, a folder, a corpus (JSONL, CSV, "
                             "Parquet, WARC) or - for stdin.")
    found: list[Source] = []
    for p in paths:
        p = str(p)
        if p == STDIN:
            found.append(Source(None, "stdin", "stdin", options.input_format or "jsonl", 0))
        elif os.path.isdir(p):
            found.extend(_walk(Path(p), options))
        else:
            name = os.path.basename(p)
            kind = options.input_format or file_kind(name, explicit=True)
            assert kind is not None  # explicit: any name is read
            found.append(_source(p, shown_name(str(Path(p))), shown_name(name), kind))
    return found


def _walk(root: Path, options: ReadOptions) -> Iterator[Source]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not is_hidden(d))
        for name in sorted(filenames):
            kind = None if is_hidden(name) else file_kind(name)
            if kind is None:
                continue
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if is_wanted(rel, options):
                yield _source(str(path), shown_name(str(path)), shown_name(rel), kind)


def _source(path: str, shown: str, doc_id: str, kind: str) -> Source:
    try:
        st = os.stat(path)
    except OSError as exc:
        return Source(path, shown, doc_id, kind, 0, f"cannot read file ({exc.strerror or exc})")
    if not stat.S_ISREG(st.st_mode):
        what = "a folder" if stat.S_ISDIR(st.st_mode) else "a pipe, socket or device"
        return Source(path, shown, doc_id, kind, 0, f"not a regular file ({what}); give the file itself")
    reason = oversized(kind, st.st_size) if not is_compressed_name(path) else None
    return Source(path, shown, doc_id, kind, st.st_size, reason)


def too_large(size: int) -> str:
    """The reason a file of ``size`` bytes, over :data:`MAX_ARTICLE_BYTES`, is skipped as one article."""
    return f"file is {size} bytes, over the {MAX_ARTICLE_BYTES}-byte limit for one article"


def oversized(kind: str, size: int) -> str | None:
    """Return why a file of ``kind`` (:func:`file_kind`) and ``size`` bytes is skipped unread, or None.

    Every engine's rule: a text file or a web page is one article, at most
    :data:`MAX_ARTICLE_BYTES`; a corpus has no limit (each record has).

    >>> oversized("text", 2_000), oversized("jsonl", 60_000_000)
    (None, None)
    >>> oversized("text", 60_000_000)
    'file is 60000000 bytes, over the 52428800-byte limit for one article'
    """
    return too_large(size) if kind in ARTICLE_KINDS and size > MAX_ARTICLE_BYTES else None


class _Counted:
    """A file that tells ``tick`` how many bytes were read from it."""

    def __init__(self, raw: BinaryIO, tick: Callable[[int], None]) -> None:
        self._raw, self._tick = raw, tick

    def read(self, n: int = -1) -> bytes:
        data = self._raw.read(n)
        self._tick(len(data))
        return data

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False


def read_source(source: Source, options: ReadOptions, *, note: Callable[[str], None],
                tick: Callable[[int], None] = lambda n: None) -> Iterator[Item]:
    """Yield the records of one source; one that cannot be opened is one skipped item."""
    if source.error is not None:
        yield Item(0, source.shown, None, source.error)
        return
    if source.path is None:
        yield from read_stream(cast(BinaryIO, _Counted(sys.stdin.buffer, tick)), source.kind, name=source.shown,
                               doc_id=source.doc_id, options=options, note=note)
        return
    try:
        raw = open(source.path, "rb")
    except OSError as exc:
        yield Item(0, source.shown, None, f"cannot read file ({exc.strerror or exc})")
        return
    with raw:
        stream = raw if source.kind == "parquet" else cast(BinaryIO, _Counted(raw, tick))
        yield from read_stream(stream, source.kind, name=source.shown, doc_id=source.doc_id, options=options,
                               note=note)
