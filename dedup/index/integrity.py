"""Telling a sound index from a damaged one: the checks every read makes, what ``dedup index check`` runs,
and the messages that say how to recover.

Three kinds of damage, each with its way out:

- **the file** (SQLite's pages: bytes overwritten, a truncated copy, a bad disk block): SQLite reports
  "database disk image is malformed" or "file is not a database" when it reads a damaged page, and
  ``PRAGMA quick_check`` finds every such page. Nothing inside can be trusted, so the index is
  re-created from the articles.
- **a row** whose signature blobs have the wrong length, or whose values have the wrong type: the
  manifest says how long each blob must be (``num_perm`` x 4 bytes of MinHash, a whole number of
  ``bands`` x 8 bytes of band keys). ``dedup index add --rebuild`` re-derives every row from its
  stored raw text and mends it.
- **a stored raw text** (its zlib stream fails its checksum): that document cannot be re-derived;
  remove it and add the article again, or re-create the index.

Reads check what they read (the cheap checks: types and blob lengths of every row decoded), so a
damaged row is an :class:`~dedup.errors.IndexFormatError` naming the index and the way out, never a
``ValueError`` from numpy. Writes check more before they start (:mod:`dedup.index.sqlite`), and
:func:`verify_sqlite` checks everything: the whole file, every row, and the band-key and template-line
counts against the documents.

>>> shape = RowShape(num_perm=4, bands=2)
>>> row = ("a", "f" * 64, None, None, None, None, "[]", 3, "", "Body.", bytes(16), bytes(16))
>>> shape.carried_problem(row), shape.derived_problem(row)
(None, None)
>>> shape.derived_problem(row[:10] + (bytes(12), bytes(16)))
'has a 12-byte minhash; 16 expected (4 permutations x 4 bytes)'
"""

from __future__ import annotations

import json
import shlex
import sqlite3
import zlib
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from ..errors import DedupError, IndexFormatError, InputError

#: The columns of ``documents`` a read decodes, in the order :class:`RowShape` takes them.
ROW_COLUMNS = ("doc_id", "fingerprint", "title", "url", "source", "published", "credits", "words", "lines", "body",
               "minhash", "band_keys")
#: Problems listed per kind of check before the rest are only counted: enough to see the pattern.
MAX_LISTED = 20
# SQLite's result codes that mean the file itself is damaged (https://www.sqlite.org/rescode.html).
_DAMAGE_CODES = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
_DAMAGE_WORDS = ("malformed", "not a database", "could not decode", "corrupt")


def _detail(exc: BaseException) -> str:
    """The first line of an exception's message, printable and short (it may quote damaged bytes)."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= 100 else text[:97] + "..."


def _name(doc_id: object) -> str:
    return _detail(Exception(repr(doc_id)))


def file_repair(location: str) -> str:
    """The way out of a damaged file: nothing in it can be trusted, so re-create it."""
    return f"Move it away and re-create the index from the articles with `dedup index add PATH... --index {location}`."


def row_repair(location: str) -> str:
    """The way out of damaged rows: re-derive them from the stored texts."""
    return (f"Re-derive every document from its stored text with `dedup index add --rebuild --index {location}` "
            f"(if a stored text is damaged too, re-create the index from the articles).")


def text_repair(location: str, doc_id: object = None) -> str:
    """The way out of a damaged stored text: the document must come from its article again."""
    which = shlex.quote(doc_id) if isinstance(doc_id, str) and doc_id.isprintable() else "ID"
    return (f"Remove the document with `dedup index remove {which} --index {location}` and add its article again, "
            f"or re-create the index from the articles.")


def _listed(location: str) -> str:
    return f" `dedup index check --index {location}` lists what is wrong."


def damaged_file(location: str, detail: str) -> IndexFormatError:
    """Return the error for an index whose SQLite file is damaged."""
    return IndexFormatError(f"index {location} is damaged ({_detail(Exception(detail))}). {file_repair(location)}{_listed(location)}")


def damaged_row(location: str, doc_id: object, problem: str, *, derived: bool = True) -> IndexFormatError:
    """Return the error for a row of ``documents`` that cannot be decoded.

    Args:
        derived: the damaged value is one a rebuild re-derives (say to rebuild), else one it
            keeps (say to re-create the index from the articles).
    """
    repair = row_repair(location) if derived else file_repair(location)
    return IndexFormatError(f"index {location} is damaged: document {_name(doc_id)} {problem}. {repair}{_listed(location)}")


def damaged_text(location: str, doc_id: object, detail: str) -> IndexFormatError:
    """Return the error for a stored raw text that does not decompress."""
    return IndexFormatError(f"index {location} is damaged: the stored text of document {_name(doc_id)} "
                            f"cannot be read ({detail}). {text_repair(location, doc_id)}{_listed(location)}")


def foreign(location: str, *, sqlite_file: bool) -> IndexFormatError:
    """Return the error for a file that is not a dedup index at all (there is nothing to rebuild)."""
    what = "an SQLite database but not a dedup index (it has no dedup manifest)" if sqlite_file else \
        "not a dedup index (not an SQLite database)"
    return IndexFormatError(f"{location} is {what}; give another --index path, "
                            f"or delete the file first if the index should be created there.")


def is_damage(exc: sqlite3.Error) -> bool:
    """Whether an SQLite error says the file (or a value in it) is damaged, rather than busy, full or locked."""
    if isinstance(exc, (sqlite3.IntegrityError, sqlite3.DataError)):
        return True  # a constraint broken by rows this dedup wrote consistently: they were changed
    name = getattr(exc, "sqlite_errorname", "") or ""  # Python 3.11+
    return name.startswith(_DAMAGE_CODES) or any(w in str(exc).lower() for w in _DAMAGE_WORDS) or (
        type(exc) is sqlite3.DatabaseError)


def sqlite_error(location: str, exc: sqlite3.DatabaseError, what: str, busy_timeout: float) -> DedupError:
    """Return the one-line error to raise for an SQLite error met while ``what`` (read, write) the index."""
    if is_damage(exc):
        return damaged_file(location, _detail(exc))
    text = str(exc)
    name = getattr(exc, "sqlite_errorname", "") or ""
    if "locked" in text or "busy" in text:
        return InputError(f"index {location} is busy: another process kept it locked for {busy_timeout:.0f} s "
                          f"(a --rebuild?); run the command again when it has finished.")
    if name.startswith("SQLITE_READONLY") or "readonly" in text:
        return InputError(f"cannot {what} index {location} ({_detail(exc)}): it is read-only here; adding to it "
                          f"needs write permission on the file and its folder, on a writable disk.")
    return InputError(f"cannot {what} index {location} ({_detail(exc)}); check the disk and the file's permissions.")


@dataclass(frozen=True)
class RowShape:
    """What every row of ``documents`` must look like under a manifest's settings.

    Attributes:
        num_perm: MinHash permutations: the ``minhash`` blob holds ``num_perm`` x 4 bytes.
        bands: LSH bands: the ``band_keys`` blob holds a whole number of ``bands`` x 8 bytes.
    """

    num_perm: int
    bands: int

    @classmethod
    def of(cls, settings: dict) -> RowShape:
        """Return the shape the manifest's settings imply."""
        return cls(int(settings["num_perm"]), int(settings["bands"]))

    def carried_problem(self, row: tuple) -> str | None:
        """Return what is wrong with the values a rebuild keeps (id, fingerprint, metadata, lines), or None.

        ``row`` holds the columns :data:`ROW_COLUMNS` names, in that order (and maybe more).
        Such damage cannot be rebuilt away: those values come from the articles as given.
        """
        doc_id, fingerprint, title, url, source, published, _, _, lines = row[:9]
        if not isinstance(doc_id, str) or not doc_id:
            return "has an id that is not UTF-8 text"
        if not isinstance(fingerprint, str) or len(fingerprint) != 64:
            return "has a fingerprint that is not 64 hex digits"
        for name, value in (("title", title), ("url", url), ("source", source), ("published", published)):
            if value is not None and not isinstance(value, str):
                return f"has a {name} that is not UTF-8 text"
        if not isinstance(lines, str):
            return "has short-line keys that are not UTF-8 text"
        return None

    def derived_problem(self, row: tuple) -> str | None:
        """Return what is wrong with the values a rebuild re-derives from the text (credits, words,
        body, signatures), or None: the types, the JSON of credits, and the lengths of the two blobs."""
        credits, words, _, body, minhash, band_keys = row[6:12]
        if not isinstance(body, str):
            return "has a body that is not UTF-8 text"
        if isinstance(words, bool) or not isinstance(words, int) or words < 0:
            return f"has a word count of {_detail(Exception(repr(words)))}"
        if not isinstance(minhash, bytes) or len(minhash) != 4 * self.num_perm:
            size = len(minhash) if isinstance(minhash, bytes) else "non-blob"
            return f"has a {size}-byte minhash; {4 * self.num_perm} expected ({self.num_perm} permutations x 4 bytes)"
        if not isinstance(band_keys, bytes) or len(band_keys) % (8 * self.bands):
            size = len(band_keys) if isinstance(band_keys, bytes) else "non-blob"
            return (f"has a {size}-byte band-key blob; a multiple of {8 * self.bands} expected "
                    f"({self.bands} bands x 8 bytes per passage window)")
        try:
            parsed = json.loads(credits) if isinstance(credits, str) else None
        except ValueError:
            parsed = None
        if not isinstance(parsed, list) or not all(isinstance(c, str) for c in parsed):
            return "has credits that are not a JSON list of names"
        return None


def inflate(location: str, doc_id: object, blob: object) -> str:
    """Return a stored raw text (zlib of UTF-8), or raise the damaged-text error."""
    try:
        if not isinstance(blob, bytes):
            raise ValueError(f"a {type(blob).__name__}, not a blob")
        return zlib.decompress(blob).decode("utf-8")
    except (zlib.error, ValueError) as exc:
        raise damaged_text(location, doc_id, _detail(exc)) from exc


@dataclass(frozen=True)
class Integrity:
    """What :meth:`dedup.index.Index.verify` found.

    Attributes:
        location: the index's path (or name, for the memory store).
        documents: document rows read.
        problems: one line per problem found, the file's first; empty when the index is sound.
            Past :data:`MAX_LISTED` of a kind, one line counts the rest.
        found: the number of problems found (more than the lines, when some were counted only).
        repair: what to do about them ('' when sound): rebuild when only re-derivable values are
            damaged, remove the documents whose stored text is, else re-create from the articles.
    """

    location: str
    documents: int
    problems: tuple[str, ...] = ()
    found: int = 0
    repair: str = ""

    @property
    def ok(self) -> bool:
        """Whether nothing was found wrong."""
        return not self.problems

    def error(self) -> IndexFormatError:
        """Return the error that ends ``dedup index check`` on a damaged index (its problems printed before)."""
        many = "1 problem" if self.found == 1 else f"{self.found} problems"
        return IndexFormatError(f"index {self.location} is damaged: {many} found. {self.repair}")

    def as_dict(self) -> dict:
        """Return the findings as a plain dict (``dedup index check --format json``)."""
        return {"index": self.location, "ok": self.ok, "documents": self.documents, "found": self.found,
                "problems": list(self.problems), "repair": self.repair}


@dataclass
class Findings:
    """Problems collected by kind, each kind listing :data:`MAX_LISTED` and counting the rest."""

    lines: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    kinds: set[str] = field(default_factory=set)

    def add(self, kind: str, text: str) -> None:
        """Record a problem of ``kind``, which says the way out: 'file' (re-create the index: SQLite's
        pages, a value a rebuild keeps, the band-key or line tables), 'row' (rebuild: a value a rebuild
        re-derives) or 'text' (a stored raw text: remove the document, or re-create)."""
        self.kinds.add(kind)
        self.counts[kind] += 1
        if self.counts[kind] <= MAX_LISTED:
            self.lines.append(text)

    def result(self, location: str, documents: int) -> Integrity:
        """Return the :class:`Integrity` of what was found."""
        more = [f"... and {n - MAX_LISTED} more {kind} problems" for kind, n in sorted(self.counts.items()) if n > MAX_LISTED]
        if "file" in self.kinds:
            repair = file_repair(location)
        else:  # a damaged text first: a rebuild stops at it
            repair = " Then: ".join(r(location) for kind, r in (("text", text_repair), ("row", row_repair)) if kind in self.kinds)
            repair = repair.replace("Then: Re-derive", "Then re-derive")
        return Integrity(location, documents, tuple(self.lines + more), sum(self.counts.values()), repair)


# A prime under 2**31: the sum of a document's keys modulo it (SQLite's % and numpy's fmod both keep
# the dividend's sign) stays far inside 64 bits for any number of keys a document has.
_KEY_MODULUS = 2_147_483_647
_ROWS = f"SELECT doc, {', '.join(ROW_COLUMNS)}, text FROM documents ORDER BY doc"


def decode_row(location: str, shape: RowShape, row, *, derived: bool = True):
    """A row of ``documents`` (:data:`ROW_COLUMNS`, and ``text`` if read) as a
    :class:`~dedup.index.store.StoredDocument`, checked first (types, blob lengths:
    :class:`RowShape`). ``derived=False`` leaves out (empty) what a rebuild re-derives from
    the text, unchecked.
    """
    from .store import StoredDocument

    problem = shape.carried_problem(row)
    if problem:
        raise damaged_row(location, row[0], problem, derived=False)
    problem = shape.derived_problem(row) if derived else None
    if problem:
        raise damaged_row(location, row[0], problem)
    doc_id, sha, title, url, source, published, credits, words, lines, body, minhash, band_keys, *text = row
    if not derived:
        credits, words, body, minhash, band_keys = "[]", 0, "", b"", b""
    return StoredDocument(
        doc_id=doc_id, fingerprint=sha, title=title, url=url, source=source, published=published,
        credits=tuple(json.loads(credits)), words=words, lines=tuple(lines.split("\n")) if lines else (),
        body=tuple(body.split("\n")) if body else (), minhash=np.frombuffer(minhash, dtype="<u4").astype(np.uint32),
        band_keys=np.frombuffer(band_keys, dtype="<u8").astype(np.uint64).reshape(-1, shape.bands),
        text=inflate(location, doc_id, text[0]) if text else None,
    )


class Undecodable(bytes):
    """A TEXT value that is not UTF-8, as :func:`verify_sqlite` reads it (not a ``str``: a type check fails)."""


def _text(value: bytes) -> str | Undecodable:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return Undecodable(value)


def verify_sqlite(con: sqlite3.Connection, location: str, manifest_settings: dict) -> Integrity:
    """Check an open index file whole and return what is wrong (nothing is raised for damage).

    In order: ``PRAGMA integrity_check`` (every page, every index entry); every row of
    ``documents`` (:class:`RowShape`'s checks, and its stored text decompressed); the ``bands``
    rows of each document against its band-key blob; the ``lines`` counts against the
    documents' short lines. Reads one row at a time: memory holds the per-document counts only.
    """
    found = Findings()
    documents = 0
    factory, con.text_factory = con.text_factory, _text  # bad UTF-8 is one finding, not the end of the scan
    try:
        report = [r[0] for r in con.execute(f"PRAGMA integrity_check({MAX_LISTED})")]
    except sqlite3.DatabaseError as exc:
        report = [f"the integrity check stopped: {_detail(exc)}"]
    try:
        for line in report if report != ["ok"] else ():
            found.add("file", f"SQLite: {_detail(Exception(line))}")
        documents = check_contents(found, con, location, manifest_settings)
    except sqlite3.DatabaseError as exc:
        found.add("file", f"reading the index stopped: {_detail(exc)}")
    finally:
        con.text_factory = factory
    return found.result(location, documents)


def check_contents(found: Findings, con, location: str, manifest_settings: dict) -> int:
    """Every row of ``documents``, the band-key rows and the template-line counts of an index
    (``con``: anything with an SQLite-style ``execute``, ``?`` placeholders); returns the number
    of document rows."""
    documents = 0
    shape = RowShape.of(manifest_settings)
    keys: dict[int, tuple[int, int]] = {}
    lines: Counter[str] = Counter()
    for doc, *row in con.execute(_ROWS):
        documents += 1
        _check_row(found, location, shape, doc, row, keys, lines)
    _check_bands(found, con, keys)
    _check_lines(found, con, lines)
    return documents


def _check_row(found: Findings, location: str, shape: RowShape, doc: int, row: list, keys: dict, lines: Counter) -> None:
    """Check one raw row; record its distinct band keys and short lines for the count checks."""
    problem = shape.carried_problem(tuple(row))
    if problem:
        found.add("file", f"document {_name(row[0])} (row {doc}) {problem}")
        return
    lines.update(row[8].split("\n") if row[8] else ())
    problem = shape.derived_problem(tuple(row))
    if problem:
        found.add("row", f"document {_name(row[0])} (row {doc}) {problem}")
        return
    try:
        inflate(location, row[0], row[12])
    except IndexFormatError:
        found.add("text", f"document {_name(row[0])} (row {doc}) has a damaged stored text (its zlib stream does not decompress)")
    unique = np.unique(np.frombuffer(row[11], dtype="<u8")).view(np.int64)
    keys[doc] = (len(unique), int(np.fmod(unique, _KEY_MODULUS).sum()))


def _check_bands(found: Findings, con: sqlite3.Connection, keys: dict[int, tuple[int, int]]) -> None:
    """Each document's rows in ``bands`` must be its distinct band keys (compared by count and a
    checksum, the sum of the keys modulo a prime); no row may point at no document."""
    stored = {doc: (n, total) for doc, n, total in
              con.execute(f"SELECT doc, count(*), sum(key % {_KEY_MODULUS}) FROM bands GROUP BY doc")}
    for doc in sorted(set(stored) | set(keys)):
        want, have = keys.get(doc), stored.get(doc, (0, 0))
        if want is None:
            if not con.execute("SELECT 1 FROM documents WHERE doc = ?", (doc,)).fetchone():
                found.add("file", f"{have[0]} band-key rows point at row {doc}, which is not a document")
        elif want[0] != have[0]:
            found.add("file", f"row {doc} has {want[0]} distinct band keys but {have[0]} band-key rows")
        elif want[1] != have[1]:
            found.add("file", f"row {doc}'s band-key rows are not the keys of its band-key blob")


def _check_lines(found: Findings, con: sqlite3.Connection, lines: Counter) -> None:
    """Each short line's count must be the number of documents holding it."""
    seen = set()
    for key, docs in con.execute("SELECT key, docs FROM lines"):
        seen.add(key)
        if docs != lines.get(key, 0):
            found.add("file", f"template-line count of {_name(key)} is {docs}; {lines.get(key, 0)} documents hold it")
    for key in sorted(set(lines) - seen):
        found.add("file", f"template-line count of {_name(key)} is missing; {lines[key]} documents hold it")
