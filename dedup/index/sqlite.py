"""The SQLite store: one index file, no server (standard library ``sqlite3``).

On-disk format, version 1
=========================

One SQLite 3 database file in WAL mode (``PRAGMA journal_mode=WAL``; while a process
writes, ``FILE-wal`` and ``FILE-shm`` sit beside it, and the last connection to close
folds them back into ``FILE``). Nothing is pickled: every value is SQL text, an
integer, or a little-endian array of fixed-width integers.

Header fields (``PRAGMA``):

- ``application_id`` = ``0x64647570`` (ASCII ``ddup``): marks a dedup index.
- ``user_version`` = the format version, ``1``.

Table ``manifest`` -- what the index was built with (``key TEXT PRIMARY KEY, value TEXT NOT NULL``, WITHOUT ROWID):

==================  =========================================================================
key                 value
==================  =========================================================================
``format``          ``dedup-index``
``format_version``  ``1`` (same as ``user_version``)
``dedup_version``   version of dedup that created or last rebuilt the index, e.g. ``0.1.0``
``settings``        JSON object, keys sorted: ``Settings.as_dict()`` -- ``shingle_size``,
                    ``num_perm``, ``seed``, ``passage_words``, ``passage_threshold``,
                    ``min_run_words``, ``sentence_match``, ``partial_min_sentences``, ``reprint_threshold``,
                    ``duplicate_threshold``, ``template_min_docs``, ``template_max_words``,
                    and the derived ``bands``, ``rows``, ``normalisation_version``
==================  =========================================================================

Table ``documents`` -- one row per indexed document (columns in this order; large
values last, so reading the small ones never walks their overflow pages):

=================  ========================  ===========================================================
column             type                      content
=================  ========================  ===========================================================
``doc``            INTEGER PRIMARY KEY       internal row number, referenced by ``bands.doc``
``doc_id``         TEXT NOT NULL UNIQUE      the document's id (UNIQUE: SQLite keeps an index on it)
``fingerprint``    TEXT NOT NULL             hex SHA-256 of the UTF-8 JSON array ``[text, title, url, source,
                                             published]`` as given (``null`` for missing metadata):
                                             re-adding a document with the same fingerprint is a no-op
``title``          TEXT                      given title, else the headline found; NULL if none
``url``            TEXT                      as given, or NULL
``source``         TEXT                      as given, or NULL
``published``      TEXT                      given date, else the one found (ISO 8601); or NULL
``credits``        TEXT NOT NULL             JSON array of credited wire agencies, sorted
``words``          INTEGER NOT NULL          body words (normalised tokens)
``lines``          TEXT NOT NULL             the raw text's short-line keys (``clean.template_candidates``),
                                             sorted, joined by ``\\n``; ``''`` if none
``body``           TEXT NOT NULL             cleaned body paragraphs as written, joined by ``\\n``
                                             (a paragraph never holds a newline)
``minhash``        BLOB NOT NULL             ``num_perm`` x uint32 little-endian: whole-document MinHash
``band_keys``      BLOB NOT NULL             windows x ``bands`` x uint64 little-endian, row-major:
                                             the LSH key of each band of each passage window
``text``           BLOB NOT NULL             zlib stream (RFC 1950) of the raw text's UTF-8 bytes:
                                             what ``--rebuild`` re-derives everything from
=================  ========================  ===========================================================

Table ``bands`` -- the LSH buckets (``PRIMARY KEY (key, doc)``, WITHOUT ROWID, so the
table *is* its index on ``key``):

==========  ===================  ================================================================
column      type                 content
==========  ===================  ================================================================
``key``     INTEGER NOT NULL     a band key, its 64 bits read as a signed integer (two's complement)
``doc``     INTEGER NOT NULL     ``documents.doc`` of a document having that key (once per document)
==========  ===================  ================================================================

Table ``lines`` -- corpus-level template detection (``key TEXT PRIMARY KEY``, WITHOUT ROWID):

==========  ===================  ================================================================
column      type                 content
==========  ===================  ================================================================
``key``     TEXT NOT NULL        a short line's key (``clean.line_key``)
``docs``    INTEGER NOT NULL     number of indexed documents with that line (rows at 0 are deleted);
                                 a line in at least ``template_min_docs`` documents is template
==========  ===================  ================================================================

Concurrency and crash safety: every write is one transaction (``BEGIN IMMEDIATE``), a
batch of documents at a time, so a SIGKILL loses at most the batch in flight and the
file always opens. Readers take a snapshot (``BEGIN``) and, in WAL mode, never wait
for the writer; every connection has a busy timeout for the brief locks SQLite takes
when opening. ``synchronous=NORMAL``: a committed batch survives the process being
killed; a power cut may lose the last batches, never the file's consistency.

Damage (:mod:`dedup.index.integrity`): opening checks the header, every table's columns and the
manifest; every row read is checked (value types, blob lengths); the first write of a command runs
``PRAGMA quick_check`` first (files up to :data:`QUICK_CHECK_MAX_BYTES`), so a damaged file is
refused, never written into; every SQLite error becomes one :class:`~dedup.errors.IndexFormatError`
(damage) or :class:`~dedup.errors.InputError` (busy, full, read-only) saying what to do.
:meth:`SQLiteStore.verify` checks everything (``dedup index check``).

Read-only files: a file this process may not write (or whose folder it may not write: SQLite
creates ``FILE-wal`` and ``FILE-shm`` there) is opened read-only (``mode=ro``, or ``immutable=1``
when no ``FILE-wal`` exists, as on a read-only mount); reads work, writes are refused.

>>> import tempfile, pathlib
>>> from dedup.index.store import Manifest
>>> from dedup.settings import Settings
>>> path = str(pathlib.Path(tempfile.mkdtemp()) / "ci.db")
>>> store = SQLiteStore.create(path, Manifest.new(Settings()))
>>> store.count(), store.manifest().settings["num_perm"]
(0, 128)
>>> store.close()
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import urllib.parse
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ..errors import IndexExistsError, IndexFormatError, InputError
from .integrity import (
    ROW_COLUMNS,
    Integrity,
    RowShape,
    damaged_file,
    damaged_row,
    decode_row,
    file_repair,
    foreign,
    is_damage,
    sqlite_error,
    verify_sqlite,
)
from .store import FORMAT_NAME, FORMAT_VERSION, Manifest, Store, StoredDocument

#: ``PRAGMA application_id`` of a dedup index: ASCII "ddup".
APPLICATION_ID = 0x64647570
#: Seconds a connection waits for a lock before giving up. Writes are committed in
#: short batches, so a wait longer than this means a stuck process, not a busy one.
BUSY_TIMEOUT = 60.0
#: Largest file ``PRAGMA quick_check`` reads whole before the first write of every command. It
#: reads every page: 1.7 ms per MB from the page cache on the 2-core machine of the README's tables
#: (0.08 s for 46 MB), so up to about 2 s at this size, an index of ~170,000 documents (6 KB each,
#: README "dedup index"). A larger index is written after the O(1) checks of the header, schema and
#: manifest and SQLite's own checks of each page the write touches; ``dedup index check`` reads it whole.
QUICK_CHECK_MAX_BYTES = 1 << 30
# SQLite's limit on bound parameters is 32766 since 3.32; stay well under it.
_CHUNK = 900

_SCHEMA = """
CREATE TABLE manifest (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE documents (
    doc INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE,
    fingerprint TEXT NOT NULL,
    title TEXT,
    url TEXT,
    source TEXT,
    published TEXT,
    credits TEXT NOT NULL,
    words INTEGER NOT NULL,
    lines TEXT NOT NULL,
    body TEXT NOT NULL,
    minhash BLOB NOT NULL,
    band_keys BLOB NOT NULL,
    text BLOB NOT NULL
);
CREATE TABLE bands (key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc)) WITHOUT ROWID;
CREATE TABLE lines (key TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID;
"""
#: Every table's columns, in order: a file with other columns was not written by this format.
_TABLES = {
    "manifest": ("key", "value"), "documents": ("doc", *ROW_COLUMNS, "text"), "bands": ("key", "doc"), "lines": ("key", "docs"),
}
_COLUMNS = ", ".join(ROW_COLUMNS)
# The first 16 bytes of every SQLite 3 file; the application id is the big-endian int at offset 68
# (https://www.sqlite.org/fileformat2.html#database_header).
_MAGIC = b"SQLite format 3\x00"


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterator[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _connect(path: Path, query: str, timeout: float, *, query_only: bool = False) -> sqlite3.Connection:
    """Open ``path`` with a URI ``query`` (``mode=rw``, ``mode=ro``, ...); ``query_only`` refuses every write."""
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + f"?{query}"
    con = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False)
    try:
        # NORMAL is safe against a killed process in WAL mode (only a power cut can lose
        # the last commits) and saves an fsync per commit.
        con.execute("PRAGMA synchronous = NORMAL")
        con.execute("PRAGMA cache_size = -131072")  # 128 MiB of page cache at most, used as needed
        if query_only:
            con.execute("PRAGMA query_only = ON")
    except BaseException:
        con.close()
        raise
    return con


def _access(path: Path, readonly: bool) -> tuple[str, str]:
    """Return (URI query, why the index cannot be written here, or '') for opening ``path``.

    Read-write when this process may write the file, its folder (SQLite creates ``FILE-wal`` and
    ``FILE-shm`` beside it) and those two if they exist. Otherwise read-only: ``mode=ro`` when a
    ``FILE-wal`` exists (a writer is at work, or left commits to read), else ``immutable=1``, the
    only way SQLite reads a WAL file when nothing can be created beside it (a read-only mount);
    nobody with this process's rights can write it meanwhile.
    """
    wal = Path(f"{path}-wal")
    logs = (wal, Path(f"{path}-shm"))
    if os.access(path, os.W_OK) and os.access(path.parent, os.W_OK) and all(os.access(f, os.W_OK) for f in logs if f.exists()):
        return "mode=rw", "it was opened read-only" if readonly else ""
    why = "this process may not write the file or its folder, or the disk is read-only"
    return ("mode=ro" if wal.exists() else "mode=ro&immutable=1"), why


def _header(path: Path) -> tuple[bool, int]:
    """(whether ``path`` starts like an SQLite file, its application id) from the raw bytes."""
    try:
        with open(path, "rb") as f:
            head = f.read(100)
    except OSError:
        return False, 0
    return head[:16] == _MAGIC, int.from_bytes(head[68:72], "big") if len(head) >= 72 else 0


def _unreadable(location: str, path: Path, query: str, exc: sqlite3.DatabaseError) -> Exception:
    """The error for a file SQLite cannot open or read the header of: damaged, foreign, or out of reach."""
    if is_damage(exc):
        sqlite_file, app = _header(path)
        if sqlite_file and app == APPLICATION_ID:
            return damaged_file(location, str(exc))
        return foreign(location, sqlite_file=sqlite_file)
    if query == "mode=ro":
        return InputError(
            f"cannot read index {location} read-only ({exc}): {path.name}-wal beside it holds commits not yet folded "
            f"into it, which SQLite reads only with write permission there; run any `dedup index` command on it once "
            f"with that permission (as its owner), then it reads anywhere."
        )
    return InputError(f"cannot open index {location} ({exc}); check the path and permissions.")


def _read_manifest(con: sqlite3.Connection, location: str) -> Manifest:
    """Check the header, the tables and the manifest of an open file; return the manifest.

    O(1): the header and schema are on the first page, the manifest a few rows.
    """
    app, version = (con.execute(f"PRAGMA {p}").fetchone()[0] for p in ("application_id", "user_version"))
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if app != APPLICATION_ID:
        raise foreign(location, sqlite_file=True)
    if version != FORMAT_VERSION:
        raise IndexFormatError(
            f"index {location} has format version {version}; this dedup reads version {FORMAT_VERSION}. "
            "Use the dedup that wrote it, or build a new index from the articles."
        )
    for table, columns in _TABLES.items():
        found = tuple(r[1] for r in con.execute(f"PRAGMA table_info({table})")) if table in tables else ()
        if found != columns:
            raise damaged_file(location, f"table {table} has columns {list(found)}; {list(columns)} expected")
    rows = dict(con.execute("SELECT key, value FROM manifest"))
    try:
        manifest = Manifest(int(rows["format_version"]), rows["dedup_version"], json.loads(rows["settings"]))
        RowShape.of(manifest.settings)
    except (KeyError, ValueError, TypeError) as exc:
        raise IndexFormatError(f"index {location} has a damaged manifest ({exc!r}). {file_repair(location)}") from exc
    if rows.get("format") != FORMAT_NAME:
        raise IndexFormatError(f"index {location} has a manifest of another format ({rows.get('format')!r}). "
                               f"{file_repair(location)}")
    return manifest


def _guarded(method):
    """Make any SQLite error of a store method the one-line error that says what to do (no traceback)."""

    @functools.wraps(method)
    def run(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.ProgrammingError:
            raise  # a misuse of the connection: a bug, keep its traceback
        except sqlite3.DatabaseError as exc:
            raise self._error("write" if self._writing else "read", exc) from exc

    return run


def _blank(con: sqlite3.Connection) -> bool:
    """Whether a database holds nothing yet (a creation interrupted before its commit)."""
    app = con.execute("PRAGMA application_id").fetchone()[0]
    tables = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    return app == 0 and tables == 0


class SQLiteStore(Store):
    """An index in one SQLite file (see the module docstring for the format)."""

    def __init__(self, path: Path, connection: sqlite3.Connection, manifest: Manifest, *, readonly: str = "") -> None:
        self.path = path
        self.location = str(path)
        self._con = connection
        self._manifest = manifest
        self._shape = RowShape.of(manifest.settings)
        self._readonly = readonly  # why this store cannot write, or ''
        self._checked = False  # whether the file was checked before a first write
        self._writing = False
        self._depth = 0

    # --- lifecycle ------------------------------------------------------------------

    @classmethod
    def exists(cls, location: str) -> bool:
        path = Path(location)
        if not path.is_file():
            return False
        if path.stat().st_size == 0 and not Path(f"{path}-wal").exists():
            return False
        try:
            query = _access(path, True)[0]
            con = _connect(path, query, BUSY_TIMEOUT, query_only=query == "mode=rw")
            try:
                return not _blank(con)
            finally:
                con.close()
        except sqlite3.DatabaseError:
            return True  # something is there; open() says what is wrong with it

    @classmethod
    def create(cls, location: str, manifest: Manifest, *, timeout: float = BUSY_TIMEOUT) -> SQLiteStore:
        path = Path(location)
        if path.is_dir():
            raise InputError(f"cannot create index {location}: it is a folder; give a file name such as {path / 'index.db'}.")
        if not path.parent.is_dir():
            raise InputError(f"cannot create index {location}: folder {path.parent} does not exist; create it first.")
        if cls.exists(location):
            raise IndexExistsError(f"index {location} already exists; add to it with `dedup index add PATH... --index {location}`.")
        try:
            con = _connect(path, "mode=rwc", timeout)
            con.execute("PRAGMA journal_mode = WAL")
            con.execute("BEGIN IMMEDIATE")
            if not _blank(con):  # another process created it meanwhile
                con.execute("ROLLBACK")
                con.close()
                raise IndexExistsError(f"index {location} was just created by another process; run the command again.")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    con.execute(statement)
            con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            con.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
            store = cls(path, con, manifest)
            store._write_manifest(manifest)
            con.execute("COMMIT")
        except sqlite3.Error as exc:
            raise InputError(f"cannot create index {location} ({exc}); check the path and permissions.") from exc
        store._checked = True  # written whole just now
        return store

    @classmethod
    def open(cls, location: str, *, timeout: float = BUSY_TIMEOUT, readonly: bool = False) -> SQLiteStore:
        """Open an index file; ``readonly``: refuse writes (a file this process cannot write is read-only anyway).

        The header, tables and manifest are checked (O(1)); rows are checked as they are read.
        """
        path = Path(location)
        if path.is_dir():
            raise InputError(f"index {location} is a folder, not an index file.")
        if not cls.exists(location):
            raise InputError(f"index {location} does not exist; create it with `dedup index add PATH... --index {location}`.")
        query, why = _access(path, readonly)
        try:
            con = _connect(path, query, timeout, query_only=bool(why))
        except sqlite3.DatabaseError as exc:
            raise _unreadable(location, path, query, exc) from exc
        try:
            manifest = _read_manifest(con, location)
        except sqlite3.DatabaseError as exc:
            con.close()
            raise _unreadable(location, path, query, exc) from exc
        except BaseException:
            con.close()
            raise
        return cls(path, con, manifest, readonly=why)

    def close(self) -> None:
        self._con.close()

    # --- transactions -----------------------------------------------------------------

    @contextmanager
    def reading(self):
        if self._depth:
            yield
            return
        self._run("read", "BEGIN")
        self._depth += 1
        try:
            yield
        except sqlite3.ProgrammingError:
            raise
        except sqlite3.DatabaseError as exc:
            raise self._error("read", exc) from exc
        finally:
            self._depth -= 1
            if self._con.in_transaction:
                try:
                    self._con.execute("COMMIT")
                except sqlite3.Error:
                    self._con.rollback()  # ending a read: nothing to keep

    @contextmanager
    def writing(self):
        if self._depth:
            raise RuntimeError("writing() inside reading() or writing(): open a new transaction at top level")
        if self._readonly:
            raise InputError(f"cannot write index {self.location}: {self._readonly}. `dedup check` and "
                             f"`dedup index stats` read it; adding needs write permission on the file and its folder.")
        if not self._checked:
            self._check_before_write()
        self._run("write", "BEGIN IMMEDIATE")
        self._depth += 1
        self._writing = True
        try:
            yield
        except BaseException as exc:
            if self._con.in_transaction:
                try:
                    self._con.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # SQLite rolled back already (it does on some errors)
            if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.ProgrammingError):
                raise self._error("write", exc) from exc
            raise
        finally:
            self._depth -= 1
            self._writing = False
        try:
            self._con.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if self._con.in_transaction:
                self._con.rollback()
            raise self._error("write", exc) from exc

    def _run(self, what: str, statement: str) -> None:
        try:
            self._con.execute(statement)
        except sqlite3.DatabaseError as exc:
            raise self._error(what, exc) from exc

    def _check_before_write(self) -> None:
        """Refuse to write into a damaged file: ``PRAGMA quick_check`` of every page, up to
        :data:`QUICK_CHECK_MAX_BYTES` (the header, tables and manifest were checked on opening)."""
        if (self.size() or 0) <= QUICK_CHECK_MAX_BYTES:
            try:
                report = [r[0] for r in self._con.execute("PRAGMA quick_check(3)")]
            except sqlite3.DatabaseError as exc:
                raise self._error("read", exc) from exc
            if report != ["ok"]:
                raise damaged_file(self.location, "; ".join(report))
        self._checked = True

    def _error(self, what: str, exc: sqlite3.DatabaseError) -> Exception:
        """The error to report when SQLite cannot go on: damage, a lock held too long, a full disk."""
        return sqlite_error(self.location, exc, what, BUSY_TIMEOUT)

    def verify(self) -> Integrity:
        """Check the file whole and every row (:func:`dedup.index.integrity.verify_sqlite`)."""
        with self.reading():
            return verify_sqlite(self._con, self.location, self._manifest.settings)

    # --- reading ----------------------------------------------------------------------

    def manifest(self) -> Manifest:
        return self._manifest

    @_guarded
    def count(self) -> int:
        return self._con.execute("SELECT count(*) FROM documents").fetchone()[0]

    @_guarded
    def known(self, doc_ids: Iterable[str]) -> dict[str, tuple[str, tuple[str, ...]]]:
        out = {}
        for chunk in _chunks(sorted(set(doc_ids))):
            for doc_id, sha, lines in self._con.execute(
                f"SELECT doc_id, fingerprint, lines FROM documents WHERE doc_id IN ({_marks(len(chunk))})", chunk
            ):
                if not isinstance(sha, str) or not isinstance(lines, str):
                    raise damaged_row(self.location, doc_id, "has a fingerprint or short-line keys that are not text", derived=False)
                out[doc_id] = (sha, tuple(lines.split("\n")) if lines else ())
        return out

    @_guarded
    def line_counts(self, keys: Iterable[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for chunk in _chunks(sorted(set(keys))):
            out.update(self._con.execute(f"SELECT key, docs FROM lines WHERE key IN ({_marks(len(chunk))})", chunk))
        return out

    @_guarded
    def candidates(self, keys: np.ndarray) -> dict[str, int]:
        signed = np.unique(np.asarray(keys, dtype=np.uint64).ravel()).view(np.int64).tolist()
        counts: Counter[int] = Counter()
        for chunk in _chunks(signed):
            for doc, n in self._con.execute(
                f"SELECT doc, count(*) FROM bands WHERE key IN ({_marks(len(chunk))}) GROUP BY doc", chunk
            ):
                counts[doc] += n
        out = {}
        for chunk in _chunks(sorted(counts)):
            for doc, doc_id in self._con.execute(f"SELECT doc, doc_id FROM documents WHERE doc IN ({_marks(len(chunk))})", chunk):
                out[doc_id] = counts[doc]
        return out

    @_guarded
    def fetch(self, doc_ids: Iterable[str], *, text: bool = False) -> list[StoredDocument]:
        columns = _COLUMNS + (", text" if text else "")
        rows = []
        for chunk in _chunks(sorted(set(doc_ids))):
            rows += self._con.execute(f"SELECT {columns} FROM documents WHERE doc_id IN ({_marks(len(chunk))})", chunk).fetchall()
        return sorted((self._decode(r) for r in rows), key=lambda d: d.doc_id)

    @_guarded
    def page(self, after: str | None, limit: int, *, derived: bool = True) -> list[StoredDocument]:
        if after is None:
            rows = self._con.execute(f"SELECT {_COLUMNS}, text FROM documents ORDER BY doc_id LIMIT ?", (limit,))
        else:
            rows = self._con.execute(f"SELECT {_COLUMNS}, text FROM documents WHERE doc_id > ? ORDER BY doc_id LIMIT ?", (after, limit))
        return [self._decode(r, derived=derived) for r in rows.fetchall()]

    @_guarded
    def line_stats(self, template_min_docs: int) -> tuple[int, int]:
        total, template = self._con.execute(
            "SELECT count(*), coalesce(sum(docs >= ?), 0) FROM lines", (template_min_docs,)
        ).fetchone()
        return int(total), int(template)

    def size(self) -> int | None:
        return sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())

    def _decode(self, row, *, derived: bool = True) -> StoredDocument:
        return decode_row(self.location, self._shape, row, derived=derived)

    # --- writing ----------------------------------------------------------------------

    def _require_write(self) -> None:
        if not self._depth or not self._con.in_transaction:
            raise RuntimeError("store writes must happen inside writing()")

    def _write_manifest(self, manifest: Manifest) -> None:
        self._con.executemany("INSERT OR REPLACE INTO manifest (key, value) VALUES (?, ?)", manifest.rows())
        self._manifest = manifest
        self._shape = RowShape.of(manifest.settings)

    @_guarded
    def set_manifest(self, manifest: Manifest) -> None:
        self._require_write()
        self._write_manifest(manifest)

    @_guarded
    def put(self, documents: Sequence[StoredDocument]) -> None:
        self._require_write()
        ids = [d.doc_id for d in documents]
        if len(set(ids)) != len(ids):
            raise ValueError("put() was given the same doc_id twice")
        self._delete_rows(self._rows(ids))
        key_parts, doc_parts = [], []
        lines: Counter[str] = Counter()
        for d in documents:
            cursor = self._con.execute(
                f"INSERT INTO documents ({_COLUMNS}, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (d.doc_id, d.fingerprint, d.title, d.url, d.source, d.published, json.dumps(list(d.credits)),
                 int(d.words), "\n".join(d.lines), "\n".join(d.body),
                 np.ascontiguousarray(d.minhash, dtype="<u4").tobytes(),
                 np.ascontiguousarray(d.band_keys, dtype="<u8").tobytes(),
                 zlib.compress((d.text or "").encode("utf-8"), 6)),  # zlib's default level: ~3x on prose
            )
            keys = np.unique(np.asarray(d.band_keys, dtype=np.uint64).ravel()).view(np.int64)
            key_parts.append(keys)
            doc_parts.append(np.full(len(keys), cursor.lastrowid, dtype=np.int64))
            lines.update(d.lines)
        if key_parts:
            keys, docs = np.concatenate(key_parts), np.concatenate(doc_parts)
            order = np.lexsort((docs, keys))  # B-tree inserts in key order touch each page once
            self._con.executemany("INSERT INTO bands (key, doc) VALUES (?, ?)", zip(keys[order].tolist(), docs[order].tolist()))
        self._con.executemany(
            "INSERT INTO lines (key, docs) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET docs = docs + excluded.docs",
            sorted(lines.items()),
        )

    @_guarded
    def delete(self, doc_ids: Iterable[str]) -> list[str]:
        self._require_write()
        rows = self._rows(list(doc_ids))
        self._delete_rows(rows)
        return sorted(r[1] for r in rows)

    def _rows(self, doc_ids: Sequence[str]) -> list[tuple]:
        rows = []
        for chunk in _chunks(sorted(set(doc_ids))):
            rows += self._con.execute(
                f"SELECT doc, doc_id, lines, band_keys FROM documents WHERE doc_id IN ({_marks(len(chunk))})", chunk
            ).fetchall()
        return rows

    def _delete_rows(self, rows: list[tuple]) -> None:
        if not rows:
            return
        pairs: list[tuple[int, int]] = []
        unknown: list[tuple[int]] = []
        lines: Counter[str] = Counter()
        for doc, doc_id, line_text, band_keys in rows:
            if not isinstance(line_text, str):
                raise damaged_row(self.location, doc_id, "has short-line keys that are not UTF-8 text", derived=False)
            if isinstance(band_keys, bytes) and len(band_keys) % (8 * self._shape.bands) == 0:
                keys = np.unique(np.frombuffer(band_keys, dtype="<u8").astype(np.uint64)).view(np.int64)
                pairs += zip(keys.tolist(), [doc] * len(keys))
            else:  # a damaged blob does not say which keys to delete: look for them all (a scan)
                unknown.append((doc,))
            lines.update(line_text.split("\n") if line_text else ())
        pairs.sort()
        self._con.executemany("DELETE FROM bands WHERE key = ? AND doc = ?", pairs)
        self._con.executemany("DELETE FROM bands WHERE doc = ?", unknown)
        self._con.executemany("UPDATE lines SET docs = docs - ? WHERE key = ?", [(n, k) for k, n in sorted(lines.items())])
        self._con.executemany("DELETE FROM lines WHERE key = ? AND docs <= 0", [(k,) for k in sorted(lines)])
        self._con.executemany("DELETE FROM documents WHERE doc = ?", [(r[0],) for r in rows])
