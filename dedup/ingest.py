"""Ingest: turn files, directories and JSONL corpora into :class:`Document` records.

Accepted inputs:

- a text file (``.txt``, ``.md``, ``.markdown``, ``.text``; any other name given
  explicitly is read as text too): one article, id = the file's name;
- a directory: every text and JSONL file below it, recursively, in sorted order,
  id = the path relative to the directory (hidden files and folders are skipped);
- a JSONL file (``.jsonl``, ``.ndjson``): one article per line,
  ``{"id": ..., "text": ...}`` plus optional ``title``, ``url``, ``source``, ``published``.

Bad input never stops the run: an unreadable or binary file, invalid UTF-8, an empty
document, a malformed JSONL line or a repeated id is reported through ``on_skip`` as a
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

import json
import re
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Iterator

from .errors import InputError

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
#: Web pages: the article is extracted from the markup (trafilatura), gzip-compressed ones too
#: (``page.html.gz``).
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_OPTIONAL_FIELDS = ("title", "url", "source", "published")
#: The largest file read as one article: one over 50 MB is not an article.
MAX_ARTICLE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Document:
    """One article as given by the user.

    Attributes:
        doc_id: unique id (file path relative to the argument, or the JSONL ``id``).
        text: the raw text, furniture included.
        title, url, source, published: optional metadata (``published`` ideally ISO 8601).
    """

    doc_id: str
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class Skipped:
    """A document left out, and why. ``location`` is ``path`` or ``path:line``."""

    location: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}; skipped"


def iter_documents(
    paths: Iterable[str | os.PathLike], *, on_skip: Callable[[Skipped], None] = lambda s: None
) -> Iterator[Document]:
    """Yield the documents found under ``paths``, reporting unusable ones to ``on_skip``.

    Raises:
        InputError: a path does not exist.
    """
    paths = [Path(p) for p in paths]
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or directory; give a file, a folder or a JSONL corpus.")
    seen: dict[str, str] = {}
    for path in paths:
        for doc_id, location, doc in _iter_path(path, on_skip):
            if doc_id in seen:
                on_skip(Skipped(location, duplicate_id(doc_id, seen[doc_id])))
                continue
            seen[doc_id] = location
            yield doc


def _iter_path(path: Path, on_skip) -> Iterator[tuple[str, str, Document]]:
    if path.is_dir():
        for file in _walk(path):
            yield from _iter_file(file, file.relative_to(path).as_posix(), on_skip)
    else:
        yield from _iter_file(path, path.name, on_skip)


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not is_hidden(d))
        for name in sorted(filenames):
            if is_hidden(name):
                continue
            if file_kind(name):
                yield Path(dirpath) / name


def is_hidden(name: str) -> bool:
    """Tell whether a file or folder met while walking a folder is skipped, with all it holds.

    Every engine's rule: a name starting with a dot (``.git``, ``.DS_Store``). A hidden
    file given explicitly is read all the same.

    >>> is_hidden(".git"), is_hidden(".notes.txt"), is_hidden("notes.txt")
    (True, True, False)
    """
    return name.startswith(".")


def file_kind(name: str, *, explicit: bool = False) -> str | None:
    """Return how a file is read, by its name: ``"jsonl"``, ``"html"``, ``"text"``, or None (not read).

    Every engine's rule: :data:`JSONL_SUFFIXES` are JSONL corpora, :data:`HTML_SUFFIXES`
    web pages (also gzipped, ``.html.gz``), :data:`TEXT_SUFFIXES` text articles (case
    ignored); any other file is read as text when ``explicit`` (given as an argument) and
    left out when met while walking a folder.

    >>> file_kind("wire.NDJSON"), file_kind("story.md"), file_kind("page.HTML.gz"), file_kind("data.csv")
    ('jsonl', 'text', 'html', None)
    >>> file_kind("data.csv", explicit=True)
    'text'
    """
    path = PurePosixPath(name.lower())
    suffix = PurePosixPath(path.stem).suffix if path.suffix == ".gz" else path.suffix
    if suffix in JSONL_SUFFIXES and path.suffix != ".gz":
        return "jsonl"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES or explicit:
        return "text"
    return None


def _read(path: Path, on_skip) -> bytes | None:
    try:
        reason = oversized(file_kind(path.name, explicit=True), path.stat().st_size)
        if reason is not None:
            on_skip(Skipped(str(path), reason))
            return None
        data = path.read_bytes()
    except OSError as exc:
        on_skip(Skipped(str(path), f"cannot read file ({exc.strerror or exc})"))
        return None
    if _binary(data) and data[:2] != _GZIP:  # JSON never holds a raw NUL either: a binary file, whatever its name
        on_skip(Skipped(str(path), _BINARY))
        return None
    return data


_BINARY = "binary file (contains NUL bytes), not text"


def _binary(data: bytes) -> bool:
    return b"\x00" in data[:8192]


def too_large(size: int) -> str:
    """The reason a file of ``size`` bytes, over :data:`MAX_ARTICLE_BYTES`, is skipped as one article."""
    return f"file is {size} bytes, over the {MAX_ARTICLE_BYTES}-byte limit for one article"


def oversized(kind: str, size: int) -> str | None:
    """Return why a file of ``kind`` (:func:`file_kind`) and ``size`` bytes is skipped unread, or None.

    Every engine's rule: a text file is one article, at most :data:`MAX_ARTICLE_BYTES`;
    a corpus (JSONL, or Parquet on Spark) has no limit.

    >>> oversized("text", 2_000), oversized("jsonl", 60_000_000)
    (None, None)
    >>> oversized("text", 60_000_000)
    'file is 60000000 bytes, over the 52428800-byte limit for one article'
    """
    return too_large(size) if kind in ("text", "html") and size > MAX_ARTICLE_BYTES else None


def text_file_text(data: bytes) -> tuple[str | None, str | None]:
    """Return (text, None) for the bytes of a text file, or (None, the reason it is skipped).

    Every engine's rule for one article in a file of its own.

    >>> text_file_text(b"\\xef\\xbb\\xbfBody."), text_file_text(b"caf\\xe9")
    (('Body.', None), (None, 'not valid UTF-8 (byte 3); convert it to UTF-8'))
    """
    if _binary(data):
        return None, _BINARY
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, f"not valid UTF-8 (byte {exc.start}); convert it to UTF-8"
    if not text.strip():
        return None, "empty document"
    return text, None


_GZIP = b"\x1f\x8b"


def html_document(data: bytes, doc_id: str) -> tuple[Document | None, str | None]:
    """Return (the article of a web page, None), or (None, the reason it is skipped).

    Every engine's rule for one page in a file of its own (gzipped or not). The main text is
    extracted with trafilatura, one paragraph a line, comments and tables left out; its
    metadata give the title, the publication date (ISO 8601), the site (``source``) and the
    page's URL. A page with no article body (a home page, a cookie wall) is skipped.

    >>> page = (b"<html><head><title>Port strike</title></head><body><nav>Home | News</nav><article>"
    ...         b"<p>Dock workers at the port walked off the job on Tuesday, halting container traffic "
    ...         b"for the first time in two decades as talks over automation and pay collapsed late on Monday.</p>"
    ...         b"</article></body></html>")
    >>> doc, reason = html_document(page, "strike.html")
    >>> doc.title, doc.text.split()[:3], reason
    ('Port strike', ['Dock', 'workers', 'at'], None)
    """
    if data[:2] == _GZIP:
        import gzip
        import io
        import zlib

        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as packed:
                data = packed.read(MAX_ARTICLE_BYTES + 1)
        except (OSError, EOFError, zlib.error) as exc:
            return None, f"not a valid gzip file ({exc}); give the page as it was saved"
        if len(data) > MAX_ARTICLE_BYTES:
            return None, f"page is over the {MAX_ARTICLE_BYTES}-byte limit for one article once unpacked"
    if _binary(data):
        return None, _BINARY
    import trafilatura

    found = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False, include_tables=False)
    text = (found.text or "") if found is not None else ""
    if not text.strip():
        return None, "no article text found in the page (a home page, a list of links, a notice?)"
    return Document(
        doc_id=doc_id, text=text, title=found.title or None, url=found.url or None, source=found.sitename or None,
        published=found.date or None,
    ), None


def duplicate_id(doc_id: str, first_seen: str | None = None) -> str:
    """The reason a document whose id was seen before is skipped (every engine, the index, the gate).

    >>> duplicate_id("a"), duplicate_id("a", "x.jsonl:1")
    ("duplicate id 'a'", "duplicate id 'a' (first seen at x.jsonl:1)")
    """
    return f"duplicate id {doc_id!r}" + (f" (first seen at {first_seen})" if first_seen is not None else "")


def unique_documents(documents: Iterable[Document]) -> tuple[list[Document], list[Skipped]]:
    """Return the documents with the first occurrence of each id, and the repeats as skipped.

    >>> docs, skipped = unique_documents([Document("a", "One."), Document("a", "Two.")])
    >>> [d.text for d in docs], [str(s) for s in skipped]
    (['One.'], ["a: duplicate id 'a'; skipped"])

    Raises:
        InputError: an item is not a :class:`Document`.
    """
    docs: list[Document] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    for i, d in enumerate(documents):
        if not isinstance(d, Document):
            raise InputError(f"expected Document objects, found {type(d).__name__} at position {i}.")
        if d.doc_id in seen:
            skipped.append(Skipped(d.doc_id, duplicate_id(d.doc_id)))
            continue
        seen.add(d.doc_id)
        docs.append(d)
    return docs, skipped


def _iter_file(path: Path, doc_id: str, on_skip) -> Iterator[tuple[str, str, Document]]:
    data = _read(path, on_skip)
    if data is None:
        return
    kind = file_kind(path.name, explicit=True)
    if kind == "jsonl":
        yield from _iter_jsonl(path, data, on_skip)
        return
    if kind == "html":
        doc, reason = html_document(data, doc_id)
        if doc is None:
            on_skip(Skipped(str(path), reason))
        else:
            yield doc_id, str(path), doc
        return
    text, reason = text_file_text(data)
    if text is None:
        on_skip(Skipped(str(path), reason))
        return
    yield doc_id, str(path), Document(doc_id=doc_id, text=text)


def _iter_jsonl(path: Path, data: bytes, on_skip) -> Iterator[tuple[str, str, Document]]:
    # Lines end at \n, \r\n or \r, as Hadoop's (and so Spark's) line reader ends them;
    # each line is decoded on its own, so one bad byte costs one record, not the file.
    for number, raw in enumerate(data.splitlines(), 1):
        location = f"{path}:{number}"
        doc = jsonl_line_document(raw[3:] if number == 1 and raw.startswith(_BOM) else raw, location, on_skip)
        if doc is not None:
            yield doc.doc_id, location, doc


_BOM = b"\xef\xbb\xbf"


def jsonl_line_document(line: bytes | str, location: str, on_skip: Callable[[Skipped], None]) -> Document | None:
    """Decode one JSONL line into a Document; a blank line is None, a bad one is reported.

    >>> jsonl_line_document(b'{"id": "a", "text": "Body."}', "c.jsonl:1", print).doc_id
    'a'
    >>> jsonl_line_document(b'{"id": "a", "text": "caf\\xe9"}', "c.jsonl:2", print)
    c.jsonl:2: not valid UTF-8 (byte 24 of the line); convert it to UTF-8; skipped
    """
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            on_skip(Skipped(location, f"not valid UTF-8 (byte {exc.start} of the line); convert it to UTF-8"))
            return None
    if not line.strip():
        return None
    record, reason = jsonl_record(line)
    if reason is not None:
        on_skip(Skipped(location, reason))
        return None
    return record_to_document(record, location, on_skip)


def jsonl_record(line: str) -> tuple[object, str | None]:
    """Decode the JSON of one JSONL line: (the record, None), or (None, the reason it is skipped).

    Every engine's rule for a line's JSON; :func:`record_to_document` then checks the record.

    >>> jsonl_record('{"id": "a", "text": "Body."}')
    ({'id': 'a', 'text': 'Body.'}, None)
    >>> jsonl_record('{broken')
    (None, 'malformed JSON (Expecting property name enclosed in double quotes)')
    """
    try:
        return json.loads(line), None
    except json.JSONDecodeError as exc:
        return None, f"malformed JSON ({exc.msg})"


def record_to_document(record: object, location: str, on_skip: Callable[[Skipped], None]) -> Document | None:
    """Turn one decoded JSONL record into a Document, or report why not (every engine's rule).

    >>> record_to_document({"id": 7, "text": "Body."}, "c.jsonl:1", print)
    Document(doc_id='7', text='Body.', title=None, url=None, source=None, published=None)
    >>> record_to_document({"id": 7}, "c.jsonl:2", print)
    c.jsonl:2: missing or invalid 'text' (a string); skipped
    """
    if not isinstance(record, dict):
        on_skip(Skipped(location, f"expected a JSON object with 'id' and 'text', found {type(record).__name__}"))
        return None
    doc_id, text = record.get("id"), record.get("text")
    if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)) or str(doc_id).strip() == "":
        on_skip(Skipped(location, "missing or invalid 'id' (a non-empty string or integer)"))
        return None
    if not isinstance(text, str):
        on_skip(Skipped(location, "missing or invalid 'text' (a string)"))
        return None
    if not text.strip():
        on_skip(Skipped(location, "empty document"))
        return None
    meta = {}
    for field in _OPTIONAL_FIELDS:
        value = record.get(field)
        if value is not None and not isinstance(value, (str, int, float)) or isinstance(value, bool):
            on_skip(Skipped(location, f"field {field!r} must be a string, found {type(value).__name__}"))
            return None
        meta[field] = None if value is None else str(value)
    if meta.get("published"):
        meta["published"] = normalise_date(meta["published"]) or meta["published"]
    return Document(doc_id=str(doc_id), text=text, **meta)


_ISO_FORM = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z?)?")


def normalise_date(value: str) -> str | None:
    """Return a date given in any common form in ISO 8601, or None if it cannot be read.

    A day alone stays a day; a time is kept to the second, in UTC (``Z``) when the date
    names its zone. Every engine's rule (a record's ``published``), so that origins chosen
    by the earliest date compare like with like.

    >>> normalise_date("Tue, 03 Mar 1987 10:42:00 GMT"), normalise_date("26-FEB-1987 15:01:01.79")
    ('1987-03-03T10:42:00Z', '1987-02-26T15:01:01')
    >>> normalise_date("2023-03-14"), normalise_date("March 14, 2023"), normalise_date("2023-03-14T11:30:00+02:00")
    ('2023-03-14', '2023-03-14', '2023-03-14T09:30:00Z')
    >>> normalise_date("last Tuesday") is None
    True
    """
    text = value.strip()
    if _ISO_FORM.fullmatch(text):
        return text  # already the form given back (most corpora): no parsing
    from datetime import datetime, timezone

    from dateutil import parser

    try:
        parsed = parser.parse(text, default=datetime(1, 1, 1))
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed.year == 1 or not any(ch.isdigit() for ch in text):
        return None  # no year given: not a date of publication
    if parsed.tzinfo is not None:
        return parsed.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if ":" not in text and parsed.hour == parsed.minute == parsed.second == 0:
        return parsed.strftime("%Y-%m-%d")
    return parsed.strftime("%Y-%m-%dT%H:%M:%S")


def is_iso_date(value: str | None) -> bool:
    """Whether a date is in the ISO 8601 form :func:`normalise_date` gives.

    >>> is_iso_date("1987-02-26T15:01:01"), is_iso_date("26-FEB-1987")
    (True, False)
    """
    return bool(value) and bool(_ISO_FORM.fullmatch(value))
