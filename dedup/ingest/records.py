"""Ingest, records: the :class:`Document` record, how reading is configured, and the checks
every record passes, whatever file it came from (JSONL, JSON, CSV, Parquet) and whichever
engine read it."""

from __future__ import annotations

import codecs
import functools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..errors import InputError

#: The largest file read as one article, and the largest record of a corpus (a JSONL line,
#: a CSV row, a JSON array element, a web page once unpacked): nothing over 50 MB is an article.
MAX_ARTICLE_BYTES = 50 * 1024 * 1024
#: How deep a JSON record may nest: a news record is a few levels deep; 1,000 levels is a
#: stack overflow in waiting (Python's own recursion limit).
MAX_JSON_DEPTH = 64

#: The formats a file can be read as (``--input-format``).
FORMATS = ("jsonl", "json", "csv", "tsv", "parquet", "text", "html", "warc")


@dataclass(frozen=True, slots=True)
class Document:
    """One article as given by the user.

    Attributes:
        doc_id: unique id (file path relative to the argument, the record's id, a page's URL).
        text: the raw text, furniture included.
        title, url, source, published: optional metadata (``published`` in ISO 8601 when it
            could be read).

    >>> doc = Document("a1", "Talks resumed on Monday.", source="Reuters")
    >>> doc.doc_id, doc.source
    ('a1', 'Reuters')
    """

    doc_id: str
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class Skipped:
    """A document left out, and why. ``location`` is ``path`` or ``path:line``.

    >>> str(Skipped("feed.jsonl:3", "empty document"))
    'feed.jsonl:3: empty document; skipped'
    """

    location: str
    reason: str

    def __str__(self) -> str:
        """One line, the location cut short if it is long (an id of 20,000 characters, say;
        the report keeps it whole).

        >>> line = str(Skipped("id" + "x" * 500 + "end", "empty document"))
        >>> line[:4], "x...x" in line, line[-29:], len(line)
        ('idxx', True, 'xend: empty document; skipped', 207)
        """
        where = self.location if len(self.location) <= _SHOWN else f"{self.location[:_SHOWN - 61]}...{self.location[-60:]}"
        return f"{where}: {self.reason}; skipped"


_SHOWN = 180  # characters of a location shown in a message


@dataclass(frozen=True)
class ReadOptions:
    """How inputs are read: the format where the name does not say it, the text encoding, the
    record fields that hold each part of a document, and which files of a folder to take.

    Attributes:
        input_format: one of :data:`FORMATS`; applies to stdin (``-``, JSONL when None) and
            to files named on the command line; files met in a folder go by their names.
        encoding: ``"utf-8"`` (the default: other bytes are skipped with the reason),
            ``"auto"`` (detected with charset-normalizer, named in a warning), or a codec
            name (``"cp1251"``, ``"latin-1"``). A byte-order mark always wins.
        id_field, text_field, title_field, url_field, source_field, date_field: the record
            fields (JSON keys, CSV and Parquet columns) read as each part of a document.
        include, exclude: glob patterns a file found in a folder must match / must not match
            (its path relative to the folder, or its name).

    Raises:
        InputError: an unknown format or encoding, or an empty field name.

    >>> ReadOptions(text_field="content").text_field
    'content'
    >>> ReadOptions(encoding="klingon")
    Traceback (most recent call last):
    dedup.errors.InputError: unknown encoding 'klingon'; give a codec name Python knows (utf-8, cp1251, latin-1) or auto.
    """

    input_format: str | None = None
    encoding: str = "utf-8"
    id_field: str = "id"
    text_field: str = "text"
    title_field: str = "title"
    url_field: str = "url"
    source_field: str = "source"
    date_field: str = "published"
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.input_format is not None and self.input_format not in FORMATS:
            raise InputError(f"unknown input format {self.input_format!r}; give one of {', '.join(FORMATS)}.")
        if self.encoding != "auto":
            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise InputError(f"unknown encoding {self.encoding!r}; give a codec name Python knows "
                                 "(utf-8, cp1251, latin-1) or auto.") from None
        for name, value in self.fields().items():
            if not value:
                raise InputError(f"the {name} field name is empty; name the field (--{name}-field NAME).")

    def fields(self) -> dict[str, str]:
        """The record field read as each part of a document: ``{"id": ..., "text": ..., ...}``.

        >>> ReadOptions(date_field="date").fields()["published"]
        'date'
        """
        return dict(self._fields)

    @functools.cached_property
    def _fields(self) -> dict[str, str]:
        return {"id": self.id_field, "text": self.text_field, "title": self.title_field, "url": self.url_field,
                "source": self.source_field, "published": self.date_field}


DEFAULT_OPTIONS = ReadOptions()
_OPTIONAL_FIELDS = ("title", "url", "source", "published")


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


def jsonl_record(line: str) -> tuple[object, str | None]:
    """Decode the JSON of one record: (the record, None), or (None, the reason it is skipped).

    Every engine's rule for a line's JSON; :func:`record_to_document` then checks the record.
    Nesting past :data:`MAX_JSON_DEPTH` levels and integers past Python's 4,300 digits are
    reasons like any malformed JSON: they cost that record only.

    >>> jsonl_record('{"id": "a", "text": "Body."}')
    ({'id': 'a', 'text': 'Body.'}, None)
    >>> jsonl_record('{broken')
    (None, 'malformed JSON (Expecting property name enclosed in double quotes)')
    >>> jsonl_record('[' * 5000 + ']' * 5000)[1]
    'JSON nested over 64 levels deep'
    """
    if _too_deep(line):
        return None, f"JSON nested over {MAX_JSON_DEPTH} levels deep"
    try:
        return json.loads(line), None
    except json.JSONDecodeError as exc:
        return None, f"malformed JSON ({exc.msg})"
    except (ValueError, RecursionError) as exc:  # an integer of over 4,300 digits, say
        return None, f"malformed JSON ({str(exc).split(';')[0]})"


_JSON_TOKENS = re.compile(r'\\.|[\[\]{}"]', re.DOTALL)


def _too_deep(text: str) -> bool:
    """Whether JSON text nests past :data:`MAX_JSON_DEPTH` (brackets inside strings aside)."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return False
    depth, in_string = 0, False
    for m in _JSON_TOKENS.finditer(text):
        ch = m.group()
        if ch == '"':
            in_string = not in_string
        elif in_string or len(ch) == 2:
            continue  # a bracket inside a string, or an escape
        elif ch in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return True
        else:
            depth -= 1
    return False


def record_to_document(record: object, location: str, on_skip: Callable[[Skipped], None],
                       options: ReadOptions = DEFAULT_OPTIONS) -> Document | None:
    """Turn one decoded record into a Document, or report why not (every engine's rule).

    ``options`` names the fields read (:meth:`ReadOptions.fields`).

    >>> record_to_document({"id": 7, "text": "Body."}, "c.jsonl:1", print)
    Document(doc_id='7', text='Body.', title=None, url=None, source=None, published=None)
    >>> record_to_document({"id": 7, "body": "Text."}, "c.jsonl:2", print)
    c.jsonl:2: missing or invalid 'text' (a string); the record has body, id: name the text's field with --text-field; skipped
    """
    fields = options._fields
    if not isinstance(record, dict):
        on_skip(Skipped(location, f"expected a JSON object with {fields['id']!r} and {fields['text']!r}, "
                                  f"found {type(record).__name__}"))
        return None
    doc_id, text = record.get(fields["id"]), record.get(fields["text"])
    if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)) or str(doc_id).strip() == "":
        on_skip(Skipped(location, f"missing or invalid {fields['id']!r} (a non-empty string or integer)"
                        + _hint(record, fields["id"], "id")))
        return None
    if not isinstance(text, str):
        on_skip(Skipped(location, f"missing or invalid {fields['text']!r} (a string)" + _hint(record, fields["text"], "text")))
        return None
    if not text or text.isspace():
        on_skip(Skipped(location, "empty document"))
        return None
    meta = {}
    for name in _OPTIONAL_FIELDS:
        value = record.get(fields[name])
        if value is None or value.__class__ is str:
            meta[name] = value or None
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            meta[name] = str(value)
        else:
            on_skip(Skipped(location, f"field {fields[name]!r} must be a string, found {type(value).__name__}"))
            return None
    doc_id = str(doc_id)
    if not _encodable(doc_id, text, *meta.values()):
        on_skip(Skipped(location, "holds text that cannot be written as UTF-8 (a lone surrogate such as \\udcff)"))
        return None
    if any("\x00" in v for v in (doc_id, text, *meta.values()) if v):
        # a NUL written as \u0000: binary data as a raw NUL byte is, and no database text can hold it
        on_skip(Skipped(location, "binary data (a NUL character, \\u0000) in the record"))
        return None
    published = meta.get("published")
    if published:
        meta["published"] = normalise_date(published) or published
    return Document(doc_id=doc_id, text=text, **meta)


def _hint(record: dict, field: str, part: str) -> str:
    """When ``field`` is absent: the fields the record has, and the flag that names another."""
    if field in record:
        return ""
    keys = sorted(str(k) for k in record)[:8]
    return f"; the record has {', '.join(keys) or 'no fields'}: name the {part}'s field with --{part}-field"


def _encodable(*values: str | None) -> bool:
    for v in values:
        if v is not None and not v.isascii():
            try:
                v.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True


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

    if len(text) > 100:
        return None  # no date is written in 100 characters; dateutil would take its time
    try:
        parsed = parser.parse(text, default=datetime(1, 1, 1))
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed.year == 1 or not any(ch.isdigit() for ch in text):
        return None  # no year given: not a date of publication
    if parsed.tzinfo is not None:
        try:
            return parsed.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        except (OverflowError, ValueError):
            return None
    if ":" not in text and parsed.hour == parsed.minute == parsed.second == 0:
        return parsed.strftime("%Y-%m-%d")
    return parsed.strftime("%Y-%m-%dT%H:%M:%S")


def is_iso_date(value: str | None) -> bool:
    """Whether a date is in the ISO 8601 form :func:`normalise_date` gives.

    >>> is_iso_date("1987-02-26T15:01:01"), is_iso_date("26-FEB-1987")
    (True, False)
    """
    return bool(value and _ISO_FORM.fullmatch(value))
