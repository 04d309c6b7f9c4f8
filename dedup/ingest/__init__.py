"""Ingest: turn files, folders, corpora and stdin into :class:`Document` records.

Accepted inputs (:mod:`dedup.ingest.formats` reads each kind; every one also gzip-, bz2-,
xz- or zstd-compressed, told by its bytes):

- a text file (``.txt``, ``.md``, ``.markdown``, ``.text``; any other name given
  explicitly is read as text too): one article, id = the file's name;
- a web page (``.html``, ``.htm``, ``.xhtml``): its article, extracted by trafilatura;
- a web archive (``.warc``): each HTML page it holds, id = the page's URL;
- a corpus of records: JSONL (``.jsonl``, ``.ndjson``; ``.json`` of JSON lines too), a JSON
  array (``.json``), CSV or TSV with a header (``.csv``, ``.tsv``), Parquet (``.parquet``):
  ``{"id": ..., "text": ...}`` plus optional ``title``, ``url``, ``source``, ``published``
  (other field names with :class:`ReadOptions`);
- a folder: every file of a known kind below it, recursively, in sorted order, id = the
  path relative to the folder (hidden files and folders, READMEs and LICENSEs left out);
- ``-``: stdin, JSONL unless :attr:`ReadOptions.input_format` says otherwise.

Bad input never stops the run: an unreadable or binary file, text not in the encoding, an
empty document, a malformed record or a repeated id is reported through ``on_skip`` as a
:class:`Skipped` (file and line) and that document alone is left out. A path that does
not exist raises :class:`~dedup.errors.InputError`.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.txt").write_text("Some article text.")
>>> _ = (d / "c.jsonl").write_text('{"id": "x1", "text": "Other text."}\\n{broken\\n')
>>> skipped = []
>>> [doc.doc_id for doc in iter_documents([d], on_skip=skipped.append)]
['a.txt', 'x1']
>>> skipped[0].location.endswith("c.jsonl:2")
True
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from .files import STDIN, Source, is_hidden, is_wanted, oversized, read_source, sources, too_large
from .formats import (
    ARTICLE_KINDS,
    HTML_SUFFIXES,
    JSONL_SUFFIXES,
    TEXT_SUFFIXES,
    Item,
    decode_article,
    file_kind,
    html_document,
    jsonl_line_document,
    parquet_columns_error,
    read_stream,
)
from .records import (
    DEFAULT_OPTIONS,
    FORMATS,
    MAX_ARTICLE_BYTES,
    Document,
    ReadOptions,
    Skipped,
    duplicate_id,
    is_iso_date,
    jsonl_record,
    normalise_date,
    record_to_document,
    unique_documents,
)

__all__ = [
    "ARTICLE_KINDS", "DEFAULT_OPTIONS", "FORMATS", "HTML_SUFFIXES", "JSONL_SUFFIXES", "Located", "MAX_ARTICLE_BYTES",
    "STDIN", "TEXT_SUFFIXES", "Document", "Item", "ReadOptions", "Skipped", "Source", "decode_article",
    "duplicate_id", "file_kind", "html_document", "is_hidden", "is_iso_date", "is_wanted", "iter_documents",
    "iter_located", "jsonl_line_document", "jsonl_record", "normalise_date", "oversized", "parquet_columns_error",
    "read_source", "read_stream", "record_to_document", "sources", "too_large", "unique_documents",
]


class Located(NamedTuple):
    """A document and where it was read: the file as messages show it (``-`` for stdin) and the
    record's location."""

    file: str
    location: str
    document: Document


def iter_located(
    paths: Iterable[str | os.PathLike], *, on_skip: Callable[[Skipped], None] = lambda s: None,
    options: ReadOptions = DEFAULT_OPTIONS, on_note: Callable[[str], None] = lambda message: None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[Located]:
    """Yield the documents found under ``paths`` with where each was read; report unusable ones to
    ``on_skip``, what the user should know besides to ``on_note``, and the bytes read so far of
    all to read to ``progress``.

    Raises:
        InputError: a path does not exist.
    """
    found = sources(list(paths), options)
    total, done = sum(s.size for s in found), 0
    last_told = 0

    def tick(n: int) -> None:
        nonlocal done, last_told
        done += n
        if progress is not None and done - last_told >= 1 << 20:
            last_told = done
            progress(min(done, total), total)

    seen: dict[str, str] = {}
    for source in found:
        before = done
        for item in read_source(source, options, note=on_note, tick=tick):
            doc = item.document
            if doc is None:
                on_skip(Skipped(item.location, item.reason or "no document"))
            elif doc.doc_id in seen:
                on_skip(Skipped(item.location, duplicate_id(doc.doc_id, seen[doc.doc_id])))
            else:
                seen[doc.doc_id] = item.location
                yield Located(STDIN if source.path is None else source.shown, item.location, doc)
        done = before + source.size if source.path is not None else done
        if progress is not None:
            progress(min(done, total), total)


def iter_documents(
    paths: Iterable[str | os.PathLike], *, on_skip: Callable[[Skipped], None] = lambda s: None,
    options: ReadOptions = DEFAULT_OPTIONS, on_note: Callable[[str], None] = lambda message: None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[Document]:
    """Yield the documents found under ``paths``, reporting unusable ones to ``on_skip``
    (:func:`iter_located` without the locations).

    Raises:
        InputError: a path does not exist.

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (pathlib.Path(folder) / "a.txt").write_text("Talks resumed on Monday.")
    ...     [(d.doc_id, d.text) for d in iter_documents([folder])]
    [('a.txt', 'Talks resumed on Monday.')]
    """
    for located in iter_located(paths, on_skip=on_skip, options=options, on_note=on_note, progress=progress):
        yield located.document
