"""Ingest, formats: one reader per kind of file, each turning a byte stream into records.

Every engine reads a file with :func:`read_stream` (the local engine from the open file,
Spark from the bytes an executor was given), so a file gives the same documents, the same
skips and the same messages wherever it is read.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

from ..errors import InputError
from .decode import (
    COMPRESSED_SUFFIXES,
    choose_encoding,
    decode_error,
    json_array,
    lines,
    peeked,
    stream_errors,
    text_chunks,
    unpacked,
)
from .records import MAX_ARTICLE_BYTES, Document, ReadOptions, Skipped, jsonl_record, normalise_date, record_to_document

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
#: Web pages: the article is extracted from the markup (trafilatura).
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_KIND_OF_SUFFIX = {
    **{s: "text" for s in TEXT_SUFFIXES}, **{s: "jsonl" for s in JSONL_SUFFIXES}, **{s: "html" for s in HTML_SUFFIXES},
    ".json": "json", ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".parquet": "parquet", ".warc": "warc",
}
#: Kinds whose file is one article (the others are corpora of records).
ARTICLE_KINDS = frozenset({"text", "html"})
_BINARY = "binary file (contains NUL bytes), not text"


@dataclass(frozen=True)
class Item:
    """What a reader gives for one record: its document, or the reason it is skipped.

    ``number`` orders records within a file (line, row, element or WARC record; 0 for a
    file that is one article); ``location`` names it in messages (``path`` or ``path:N``).
    """

    number: int
    location: str
    document: Document | None
    reason: str | None = None


def file_kind(name: str, *, explicit: bool = False) -> str | None:
    """Return how a file is read, by its name (a compression suffix aside), or None (not read).

    Every engine's rule: ``.jsonl``/``.ndjson`` JSONL, ``.json`` JSON (an array, or JSON
    lines), ``.csv``/``.tsv``, ``.parquet``, ``.warc``, web pages ``.html``/``.htm``/``.xhtml``,
    text articles ``.txt``/``.md``/``.markdown``/``.text`` (case ignored); ``.gz``, ``.bz2``,
    ``.xz`` or ``.zst`` after any of them. Any other file is read as text when ``explicit``
    (named as an argument) and left out when met while walking a folder.

    >>> file_kind("wire.NDJSON"), file_kind("story.md"), file_kind("page.HTML.gz"), file_kind("crawl.warc.gz")
    ('jsonl', 'text', 'html', 'warc')
    >>> file_kind("photo.jpg"), file_kind("photo.jpg", explicit=True)
    (None, 'text')
    """
    path = PurePosixPath(name.lower())
    suffix = PurePosixPath(path.stem).suffix if path.suffix in COMPRESSED_SUFFIXES else path.suffix
    kind = _KIND_OF_SUFFIX.get(suffix)
    return kind if kind is not None or not explicit else "text"


def is_compressed_name(name: str) -> bool:
    """Whether a file's name says it is compressed."""
    return PurePosixPath(name.lower()).suffix in COMPRESSED_SUFFIXES


def read_stream(stream: BinaryIO, kind: str, *, name: str, doc_id: str, options: ReadOptions,
                note: Callable[[str], None] = lambda message: None) -> Iterator[Item]:
    """Yield the records of one file, read as ``kind`` from ``stream`` (its raw bytes).

    Compression is undone first, whatever the name said. A stream that breaks while it is
    read (damaged compressed data) ends the file with one more item saying so; the records
    before it stay.

    Args:
        name: the file as messages name it (``location`` of its items).
        doc_id: the id of the document when the file is one article.
        note: told what the user should know that is no skip (the encoding detected).

    Raises:
        InputError: a Parquet file lacks the id or text column (as on Spark).
    """
    last = 0
    packing = None
    try:
        if kind == "parquet":
            items = _read_parquet(stream, name, options)
        else:
            stream, packing = unpacked(stream)
            items = _READERS[kind](stream, name, doc_id, options, note)
        for item in items:
            last = item.number
            yield item
    except stream_errors() as exc:
        what = f"damaged {packing} data" if packing else "cannot read on"
        rest = "" if kind in ARTICLE_KINDS else "; the rest of the file is not read"
        yield Item(last + 1, name, None, f"{what} ({exc}){rest}")


def _read_text(stream, name, doc_id, options, note) -> Iterator[Item]:
    data = stream.read(MAX_ARTICLE_BYTES + 1)
    if len(data) > MAX_ARTICLE_BYTES:
        yield Item(0, name, None, f"over the {MAX_ARTICLE_BYTES}-byte limit for one article once unpacked")
        return
    text, reason, message = decode_article(data, options)
    if message:
        note(f"{name}: {message}")
    yield Item(0, name, None if text is None else Document(doc_id=doc_id, text=text), reason)


def decode_article(data: bytes, options: ReadOptions) -> tuple[str | None, str | None, str | None]:
    """Return (text, None, note) for the bytes of one article, or (None, the reason it is skipped, note).

    >>> decode_article(b"\\xef\\xbb\\xbfBody.", ReadOptions())[0], decode_article(b"caf\\xe9", ReadOptions())[1]
    ('Body.', 'not valid UTF-8 (byte 3); convert it to UTF-8, or give --encoding (auto detects it)')
    >>> decode_article("Привет, мир".encode("cp1251"), ReadOptions(encoding="cp1251"))[0]
    'Привет, мир'
    """
    codec, message = choose_encoding(data[: 1 << 18], options)
    if codec is None:
        return None, "not valid UTF-8, and no encoding could be detected; give --encoding", None
    if b"\x00" in data[:8192] and not codec.startswith(("utf-16", "utf-32")):
        return None, _BINARY, None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        return None, decode_error(codec, exc), None
    if "\x00" in text[:8192]:
        return None, _BINARY, None
    if not text.strip():
        return None, "empty document", message
    return text, None, message


def _read_html(stream, name, doc_id, options, note) -> Iterator[Item]:
    data = stream.read(MAX_ARTICLE_BYTES + 1)
    if len(data) > MAX_ARTICLE_BYTES:
        yield Item(0, name, None, f"page is over the {MAX_ARTICLE_BYTES}-byte limit for one article once unpacked")
        return
    doc, reason = html_document(data, doc_id, options=options)
    yield Item(0, name, doc, reason)


def html_document(data: bytes, doc_id: str, *, options: ReadOptions | None = None, url: str | None = None,
                  date: str | None = None) -> tuple[Document | None, str | None]:
    """Return (the article of a web page, None), or (None, the reason it is skipped).

    Every engine's rule for a page. The main text is extracted with trafilatura, one
    paragraph a line, comments and tables left out; its metadata give the title, the
    publication date (ISO 8601), the site (``source``) and the page's URL. ``url`` and
    ``date`` (from a WARC record) stand in where the page names none. A page with no
    article body (a home page, a cookie wall) is skipped.

    >>> page = (b"<html><head><title>Port strike</title></head><body><nav>Home | News</nav><article>"
    ...         b"<p>Dock workers at the port walked off the job on Tuesday, halting container traffic "
    ...         b"for the first time in two decades as talks over automation and pay collapsed late on Monday.</p>"
    ...         b"</article></body></html>")
    >>> doc, reason = html_document(page, "strike.html")
    >>> doc.title, doc.text.split()[:3], reason
    ('Port strike', ['Dock', 'workers', 'at'], None)
    """
    if b"\x00" in data[:8192]:
        return None, _BINARY
    markup: bytes | str = data
    if options is not None and options.encoding not in ("utf-8", "auto"):
        markup = data.decode(options.encoding, errors="replace")  # the encoding asked for, over the page's own
    import trafilatura

    _quiet_trafilatura()
    found = trafilatura.bare_extraction(markup, url=url, with_metadata=True, include_comments=False,
                                        include_tables=False, date_extraction_params=_DATE_SEARCH)
    assert not isinstance(found, dict)  # as_dict is False: a trafilatura Document, or None
    text = (found.text or "") if found is not None else ""
    if not text.strip():
        return None, "no article text found in the page (a home page, a list of links, a notice?)"
    assert found is not None  # it has text
    published = found.date or (date and (normalise_date(date) or date)) or None
    return Document(doc_id=doc_id, text=text, title=found.title or None, url=found.url or url or None,
                    source=found.sitename or None, published=published), None


def _quiet_trafilatura() -> None:
    """Keep trafilatura's log lines ("discarding data: ...") off stderr unless the user configures
    logging: the reason a page is skipped is ours to give, once."""
    import logging

    logger = logging.getLogger("trafilatura")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())


#: Dates from the page's markup only (htmldate's extensive search reads "Copyright 2023" in a footer
#: as 2023-01-01), and no cut-off at today's date, so a page reads the same on any day.
_DATE_SEARCH = {"original_date": True, "extensive_search": False, "max_date": "2999-12-31"}


def _read_jsonl(stream, name, doc_id, options, note) -> Iterator[Item]:
    head, stream = peeked(stream)
    codec, message = choose_encoding(head, options)
    if codec is not None and codec.startswith(("utf-16", "utf-32")):
        yield Item(0, name, None, f"JSON lines in {codec.upper()} are not read; convert the file to UTF-8")
        return
    if message:
        note(f"{name}: {message}")
    codec = codec or "utf-8"  # nothing detected: lines not in UTF-8 are skipped one by one
    for number, raw in enumerate(lines(stream), 1):
        location = f"{name}:{number}"
        if raw is None:
            yield Item(number, location, None, f"line over the {MAX_ARTICLE_BYTES}-byte limit for one record")
            continue
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        found: list[Skipped] = []
        doc = jsonl_line_document(raw, location, found.append, options, codec=codec)
        if doc is not None or found:
            yield Item(number, location, doc, found[0].reason if found else None)


def jsonl_line_document(line: bytes | str, location: str, on_skip: Callable[[Skipped], None],
                        options: ReadOptions = ReadOptions(), *, codec: str = "utf-8") -> Document | None:
    """Decode one JSONL line into a Document; a blank line is None, a bad one is reported.

    >>> jsonl_line_document(b'{"id": "a", "text": "Body."}', "c.jsonl:1", print).doc_id
    'a'
    >>> jsonl_line_document(b'{"id": "a", "text": "caf\\xe9"}', "c.jsonl:2", print)
    c.jsonl:2: not valid UTF-8 (byte 24 of the line); convert it to UTF-8, or give --encoding (auto detects it); skipped
    """
    if "\x00" in line if isinstance(line, str) else b"\x00" in line:
        on_skip(Skipped(location, "binary data (a NUL byte) in the line, not JSON"))
        return None
    if isinstance(line, bytes):
        try:
            line = line.decode(codec)
        except UnicodeDecodeError as exc:
            on_skip(Skipped(location, decode_error(codec, exc, " of the line")))
            return None
    if not line.strip():
        return None
    record, reason = jsonl_record(line)
    if reason is not None:
        on_skip(Skipped(location, reason))
        return None
    return record_to_document(record, location, on_skip, options)


def _records(pairs, name: str, options: ReadOptions) -> Iterator[Item]:
    """Items of (number, record or None, reason) triples: each record checked as every record is."""
    for number, record, reason in pairs:
        location = f"{name}:{number}"
        if reason is None:
            found: list[Skipped] = []
            doc = record_to_document(record, location, found.append, options)
            reason = found[0].reason if found else None
            yield Item(number, location, doc, reason)
        else:
            yield Item(number, location, None, reason)


def _text_codec(stream, name, options, note) -> tuple[BinaryIO, str | None, Item | None]:
    """Choose the encoding of a stream of records: (the stream, its codec, None) or (.., None, the item that skips it)."""
    head, stream = peeked(stream)
    codec, message = choose_encoding(head, options)
    if message:
        note(f"{name}: {message}")
    if codec is None:
        return stream, None, Item(0, name, None, "not valid UTF-8, and no encoding could be detected; give --encoding")
    return stream, codec, None


def _read_json(stream, name, doc_id, options, note) -> Iterator[Item]:
    """A ``.json`` file: an array of records (streamed), one pretty-printed record, or JSON lines."""
    head, stream = peeked(stream)
    start = head.lstrip(b" \t\r\n\xef\xbb\xbf")
    if start[:1] == b"[":
        stream, codec, refused = _text_codec(stream, name, options, note)
        if refused:
            yield refused
            return
        assert codec is not None  # not refused
        yield from _json_elements(stream, codec, name, options)
    elif start.split(b"\n", 1)[0].strip() == b"{":  # one record, pretty-printed
        data = stream.read(MAX_ARTICLE_BYTES + 1)
        if len(data) > MAX_ARTICLE_BYTES:
            yield Item(1, name, None, f"one JSON record over the {MAX_ARTICLE_BYTES}-byte limit")
            return
        yield from _records([(1, *_decoded_record(data, options))], name, options)
    else:
        yield from _read_jsonl(stream, name, doc_id, options, note)


def _decoded_record(data: bytes, options: ReadOptions) -> tuple[object, str | None]:
    codec, _ = choose_encoding(data[:65536], options)
    try:
        return jsonl_record(data.decode(codec or "utf-8"))
    except UnicodeDecodeError as exc:
        return None, decode_error(codec or "utf-8", exc)


def _json_elements(stream, codec: str, name: str, options: ReadOptions) -> Iterator[Item]:
    number = 0
    try:
        for number, (value, reason) in enumerate(json_array(text_chunks(stream, codec)), 1):
            yield from _records([(number, value, reason)], name, options)
    except UnicodeDecodeError as exc:
        yield Item(number + 1, name, None, decode_error(codec, exc) + "; the rest of the file is not read")


def _read_csv(stream, name, doc_id, options, note, *, delimiter: str | None = None) -> Iterator[Item]:
    """A CSV or TSV file: a header row naming the fields, then one record a row.

    Fields may hold quoted commas and newlines; a row is located by the line it starts on.
    A delimiter not given (``.csv``) is the one of ``,;|`` or tab most used in the header.
    """
    import csv

    csv.field_size_limit(MAX_ARTICLE_BYTES)
    stream, codec, refused = _text_codec(stream, name, options, note)
    if refused:
        yield refused
        return
    text = io.TextIOWrapper(stream, encoding=codec, errors="surrogateescape", newline="")
    first = text.readline()
    if delimiter is None:
        delimiter = max(",;|\t", key=first.count)
    reader = csv.reader([first] if first else [], delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        yield Item(0, name, None, "empty file (no header row)")
        return
    header = [h.lstrip("\ufeff").strip() for h in header]
    missing = [f for f in (options.id_field, options.text_field) if f not in header]
    if missing:
        yield Item(0, name, None, f"no {missing[0]!r} column (the header has {', '.join(header[:8])}); "
                                  f"name the columns with --id-field and --text-field")
        return
    reader = csv.reader(text, delimiter=delimiter)
    line = 2
    try:
        for row in reader:
            number, line = line, reader.line_num + 2  # the header was line 1
            if not row:
                continue
            if len(row) != len(header):
                yield Item(number, f"{name}:{number}", None, f"row has {len(row)} field{'s' * (len(row) != 1)}, the header {len(header)}")
                continue
            if any(_UNDECODED.search(v) for v in row):
                yield Item(number, f"{name}:{number}", None, f"not valid {codec} text; give --encoding (auto detects it)")
                continue
            yield from _records([(number, dict(zip(header, row)), None)], name, options)
    except csv.Error as exc:
        yield Item(line, f"{name}:{line}", None, f"malformed CSV ({exc}); the rest of the file is not read")


_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes the codec could not decode, kept by surrogateescape


def _read_tsv(stream, name, doc_id, options, note) -> Iterator[Item]:
    return _read_csv(stream, name, doc_id, options, note, delimiter="\t")


def parquet_columns_error(location: str, columns, options: ReadOptions) -> InputError:
    """The error for Parquet files without the id or the text column (every engine's words)."""
    return InputError(
        f"Parquet input needs columns {options.id_field!r} and {options.text_field!r}; {location} has "
        f"{', '.join(sorted(columns))}. Name them with --id-field and --text-field."
    )


def _read_parquet(stream, name, options) -> Iterator[Item]:
    """A Parquet file: one record a row, located as ``file:row`` (1-based), read in batches."""
    import pyarrow.parquet as pq

    if not stream.seekable():
        stream = io.BytesIO(stream.read())
    try:
        table = pq.ParquetFile(stream)
    except Exception as exc:  # pyarrow's ArrowInvalid and friends: not a Parquet file
        yield Item(0, name, None, f"not a readable Parquet file ({str(exc).splitlines()[0]})")
        return
    columns = table.schema_arrow.names
    fields = options.fields()
    if fields["id"] not in columns or fields["text"] not in columns:
        raise parquet_columns_error(name, columns, options)
    wanted = [c for c in dict.fromkeys(fields.values()) if c in columns]
    number = 0
    for batch in table.iter_batches(batch_size=1024, columns=wanted):
        for record in batch.to_pylist():
            number += 1
            yield from _records([(number, {k: _cell(v) for k, v in record.items()}, None)], name, options)


def _cell(value):
    """A Parquet value as a record field: dates and times in ISO form, as Spark writes them."""
    import datetime as dt

    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _read_warc(stream, name, doc_id, options, note) -> Iterator[Item]:
    """A web archive (WARC): each HTML page of a successful response record, id its target URI."""
    from warcio.archiveiterator import ArchiveIterator

    number = 0
    records = ArchiveIterator(stream, arc2warc=True)
    while True:
        try:
            record = next(records, None)
            page = None if record is None else _warc_page(record, number + 1, name, options)
        except Exception as exc:  # warcio meets garbage with errors of every type, its own or not
            what = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}" if str(exc) else type(exc).__name__
            yield Item(number + 1, name, None, f"not a readable WARC file ({what})"
                                               + ("; the rest of the file is not read" if number else ""))
            return
        if record is None:
            return
        number += 1
        if page is not None:
            yield page


def _warc_page(record, number: int, name: str, options: ReadOptions) -> Item | None:
    """The item of one WARC record: a page, or the reason it is skipped; None when it is no page."""
    http = record.http_headers
    if record.rec_type != "response" or http is None or not (http.get_statuscode() or "").startswith("2"):
        return None
    if "html" not in (http.get_header("Content-Type") or "").lower():
        return None  # images, style sheets, scripts: not articles
    uri = record.rec_headers.get_header("WARC-Target-URI") or f"{name}#{number}"
    data = record.content_stream().read(MAX_ARTICLE_BYTES + 1)
    location = f"{name}:{number}"
    if len(data) > MAX_ARTICLE_BYTES:
        return Item(number, location, None, f"page is over the {MAX_ARTICLE_BYTES}-byte limit for one article")
    doc, reason = html_document(data, uri, options=options, url=uri, date=record.rec_headers.get_header("WARC-Date"))
    return Item(number, location, doc, reason)


_READERS = {
    "text": _read_text, "html": _read_html, "jsonl": _read_jsonl, "json": _read_json, "csv": _read_csv,
    "tsv": _read_tsv, "warc": _read_warc,
}
