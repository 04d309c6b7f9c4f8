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

import json
import sqlite3
import urllib.parse
import zlib
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from ..errors import IndexFormatError, InputError
from .store import FORMAT_NAME, FORMAT_VERSION, Manifest, Store, StoredDocument

#: ``PRAGMA application_id`` of a dedup index: ASCII "ddup".
APPLICATION_ID = 0x64647570
#: Seconds a connection waits for a lock before giving up. Writes are committed in
#: short batches, so a wait longer than this means a stuck process, not a busy one.
BUSY_TIMEOUT = 60.0
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
_TABLES = {"manifest", "documents", "bands", "lines"}
_COLUMNS = "doc_id, fingerprint, title, url, source, published, credits, words, lines, body, minhash, band_keys"


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterator[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _connect(path: Path, mode: str, timeout: float) -> sqlite3.Connection:
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + f"?mode={mode}"
    con = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False)
    # NORMAL is safe against a killed process in WAL mode (only a power cut can lose
    # the last commits) and saves an fsync per commit.
    con.execute("PRAGMA synchronous = NORMAL")
    con.execute("PRAGMA cache_size = -131072")  # 128 MiB of page cache at most, used as needed
    return con


def _blank(con: sqlite3.Connection) -> bool:
    """Whether a database holds nothing yet (a creation interrupted before its commit)."""
    app = con.execute("PRAGMA application_id").fetchone()[0]
    tables = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    return app == 0 and tables == 0


class SQLiteStore(Store):
    """An index in one SQLite file (see the module docstring for the format)."""

    def __init__(self, path: Path, connection: sqlite3.Connection, manifest: Manifest) -> None:
        self.path = path
        self.location = str(path)
        self._con = connection
        self._manifest = manifest
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
            con = _connect(path, "rw", BUSY_TIMEOUT)
            try:
                return not _blank(con)
            finally:
                con.close()
        except sqlite3.DatabaseError:
            return True  # something is there; open() says what is wrong with it

    @classmethod
    def create(cls, location: str, manifest: Manifest, *, timeout: float = BUSY_TIMEOUT) -> "SQLiteStore":
        path = Path(location)
        if path.is_dir():
            raise InputError(f"cannot create index {location}: it is a folder; give a file name such as {path / 'index.db'}.")
        if not path.parent.is_dir():
            raise InputError(f"cannot create index {location}: folder {path.parent} does not exist; create it first.")
        if cls.exists(location):
            raise InputError(f"index {location} already exists; add to it with `dedup index add PATH... --index {location}`.")
        try:
            con = _connect(path, "rwc", timeout)
            con.execute("PRAGMA journal_mode = WAL")
            con.execute("BEGIN IMMEDIATE")
            if not _blank(con):  # another process created it meanwhile
                con.execute("ROLLBACK")
                con.close()
                raise InputError(f"index {location} was just created by another process; run the command again.")
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
        return store

    @classmethod
    def open(cls, location: str, *, timeout: float = BUSY_TIMEOUT) -> "SQLiteStore":
        path = Path(location)
        if path.is_dir():
            raise InputError(f"index {location} is a folder, not an index file.")
        if not cls.exists(location):
            raise InputError(f"index {location} does not exist; create it with `dedup index add PATH... --index {location}`.")
        try:
            con = _connect(path, "rw", timeout)
        except sqlite3.OperationalError as exc:
            raise InputError(f"cannot open index {location} ({exc}); check the path and permissions.") from exc
        except sqlite3.DatabaseError as exc:
            raise IndexFormatError(f"{location} is not a dedup index ({exc}); give another --index file.") from exc
        try:
            app, version = (con.execute(f"PRAGMA {p}").fetchone()[0] for p in ("application_id", "user_version"))
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if app != APPLICATION_ID or not _TABLES <= tables:
                raise IndexFormatError(f"{location} is an SQLite database but not a dedup index; give another --index file.")
            if version != FORMAT_VERSION:
                raise IndexFormatError(
                    f"index {location} has format version {version}; this dedup reads version {FORMAT_VERSION}. "
                    "Use the dedup that wrote it, or build a new index from the articles."
                )
            rows = dict(con.execute("SELECT key, value FROM manifest"))
            manifest = Manifest(int(rows["format_version"]), rows["dedup_version"], json.loads(rows["settings"]))
            if rows.get("format") != FORMAT_NAME:
                raise IndexFormatError(f"index {location} has a manifest of another format ({rows.get('format')!r}).")
        except sqlite3.DatabaseError as exc:
            con.close()
            raise IndexFormatError(f"{location} is not a dedup index ({exc}); give another --index file.") from exc
        except (KeyError, ValueError, TypeError) as exc:
            con.close()
            raise IndexFormatError(f"index {location} has a damaged manifest ({exc!r}); rebuild it from the articles.") from exc
        except IndexFormatError:
            con.close()
            raise
        return cls(path, con, manifest)

    def close(self) -> None:
        self._con.close()

    # --- transactions -----------------------------------------------------------------

    @contextmanager
    def reading(self):
        if self._depth:
            yield
            return
        self._con.execute("BEGIN")
        self._depth += 1
        try:
            yield
        except sqlite3.OperationalError as exc:
            raise self._failed("read", exc) from exc
        finally:
            self._depth -= 1
            self._con.execute("COMMIT")

    @contextmanager
    def writing(self):
        if self._depth:
            raise RuntimeError("writing() inside reading() or writing(): open a new transaction at top level")
        try:
            self._con.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self._failed("write", exc) from exc
        self._depth += 1
        try:
            yield
        except BaseException as exc:
            self._depth -= 1
            if self._con.in_transaction:
                self._con.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError):
                raise self._failed("write", exc) from exc
            raise
        self._depth -= 1
        try:
            self._con.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            raise self._failed("write", exc) from exc

    def _failed(self, what: str, exc: sqlite3.OperationalError) -> InputError:
        """The error to report when SQLite cannot go on (lock held too long, disk full)."""
        if "locked" in str(exc) or "busy" in str(exc):
            return InputError(f"index {self.location} is busy: another process kept it locked for {BUSY_TIMEOUT:.0f} s "
                              f"(a --rebuild?); run the command again when it has finished.")
        return InputError(f"cannot {what} index {self.location} ({exc}); check the disk and the file's permissions.")

    # --- reading ----------------------------------------------------------------------

    def manifest(self) -> Manifest:
        return self._manifest

    def count(self) -> int:
        return self._con.execute("SELECT count(*) FROM documents").fetchone()[0]

    def known(self, doc_ids: Iterable[str]) -> dict[str, tuple[str, tuple[str, ...]]]:
        out = {}
        for chunk in _chunks(sorted(set(doc_ids))):
            for doc_id, sha, lines in self._con.execute(
                f"SELECT doc_id, fingerprint, lines FROM documents WHERE doc_id IN ({_marks(len(chunk))})", chunk
            ):
                out[doc_id] = (sha, tuple(lines.split("\n")) if lines else ())
        return out

    def line_counts(self, keys: Iterable[str]) -> dict[str, int]:
        out = {}
        for chunk in _chunks(sorted(set(keys))):
            out.update(self._con.execute(f"SELECT key, docs FROM lines WHERE key IN ({_marks(len(chunk))})", chunk))
        return out

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

    def fetch(self, doc_ids: Iterable[str], *, text: bool = False) -> list[StoredDocument]:
        columns = _COLUMNS + (", text" if text else "")
        rows = []
        for chunk in _chunks(sorted(set(doc_ids))):
            rows += self._con.execute(f"SELECT {columns} FROM documents WHERE doc_id IN ({_marks(len(chunk))})", chunk).fetchall()
        return sorted((self._decode(r) for r in rows), key=lambda d: d.doc_id)

    def page(self, after: str | None, limit: int) -> list[StoredDocument]:
        if after is None:
            rows = self._con.execute(f"SELECT {_COLUMNS}, text FROM documents ORDER BY doc_id LIMIT ?", (limit,))
        else:
            rows = self._con.execute(f"SELECT {_COLUMNS}, text FROM documents WHERE doc_id > ? ORDER BY doc_id LIMIT ?", (after, limit))
        return [self._decode(r) for r in rows.fetchall()]

    def line_stats(self, template_min_docs: int) -> tuple[int, int]:
        total, template = self._con.execute(
            "SELECT count(*), coalesce(sum(docs >= ?), 0) FROM lines", (template_min_docs,)
        ).fetchone()
        return int(total), int(template)

    def size(self) -> int | None:
        return sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())

    def _decode(self, row) -> StoredDocument:
        bands = int(self._manifest.settings["bands"])
        doc_id, sha, title, url, source, published, credits, words, lines, body, minhash, band_keys, *text = row
        keys = np.frombuffer(band_keys, dtype="<u8").astype(np.uint64).reshape(-1, bands)
        return StoredDocument(
            doc_id=doc_id, fingerprint=sha, title=title, url=url, source=source, published=published,
            credits=tuple(json.loads(credits)), words=words, lines=tuple(lines.split("\n")) if lines else (),
            body=tuple(body.split("\n")) if body else (), minhash=np.frombuffer(minhash, dtype="<u4").astype(np.uint32),
            band_keys=keys, text=zlib.decompress(text[0]).decode("utf-8") if text else None,
        )

    # --- writing ----------------------------------------------------------------------

    def _require_write(self) -> None:
        if not self._depth or not self._con.in_transaction:
            raise RuntimeError("store writes must happen inside writing()")

    def _write_manifest(self, manifest: Manifest) -> None:
        rows = {
            "format": FORMAT_NAME,
            "format_version": str(manifest.format_version),
            "dedup_version": manifest.dedup_version,
            "settings": json.dumps(manifest.settings, sort_keys=True),
        }
        self._con.executemany("INSERT OR REPLACE INTO manifest (key, value) VALUES (?, ?)", sorted(rows.items()))
        self._manifest = manifest

    def set_manifest(self, manifest: Manifest) -> None:
        self._require_write()
        self._write_manifest(manifest)

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
        pairs = []
        lines: Counter[str] = Counter()
        for doc, _, line_text, band_keys in rows:
            keys = np.unique(np.frombuffer(band_keys, dtype="<u8").astype(np.uint64)).view(np.int64)
            pairs += zip(keys.tolist(), [doc] * len(keys))
            lines.update(line_text.split("\n") if line_text else ())
        pairs.sort()
        self._con.executemany("DELETE FROM bands WHERE key = ? AND doc = ?", pairs)
        self._con.executemany("UPDATE lines SET docs = docs - ? WHERE key = ?", [(n, k) for k, n in sorted(lines.items())])
        self._con.executemany("DELETE FROM lines WHERE key = ? AND docs <= 0", [(k,) for k in sorted(lines)])
        self._con.executemany("DELETE FROM documents WHERE doc = ?", [(r[0],) for r in rows])
