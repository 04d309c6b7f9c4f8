"""The PostgreSQL store: one index that many machines check against and add to at once
(psycopg 3: ``pip install 'dedup-news[postgres]'``).

An index is a schema in a database, named by a URL: ``postgresql://user:password@host:port/db``,
or ``postgresql://user@host/db?schema=news`` for another schema than ``dedup`` (several indexes
in one database). The tables are those of the SQLite file (:mod:`dedup.index.sqlite`, where
each field is described), in PostgreSQL's types; values are stored alike (the same JSON,
little-endian blobs and zlib streams), so ``dedup index copy`` moves an index either way
unchanged:

=============  ==============================================================================
table          columns
=============  ==============================================================================
``manifest``   ``key text PRIMARY KEY``, ``value text``: ``format``, ``format_version``,
               ``dedup_version``, ``settings`` (as in the SQLite file)
``documents``  ``doc bigint PRIMARY KEY`` (from the sequence ``doc_numbers``), ``doc_id text
               COLLATE "C" UNIQUE`` (byte order: pages come in the order SQLite gives),
               ``fingerprint``, ``title``, ``url``, ``source``, ``published``, ``credits``
               (text), ``words`` (integer), ``lines``, ``body`` (text), ``minhash``,
               ``band_keys``, ``text`` (bytea)
``bands``      ``key bigint``, ``doc bigint``, ``PRIMARY KEY (key, doc)``: the LSH buckets
``lines``      ``key text COLLATE "C" PRIMARY KEY``, ``docs integer``: template-line counts
=============  ==============================================================================

The schema's comment is ``dedup-index`` (a schema of that name holding other tables is
not taken for an index). Documents are written with ``COPY`` (binary for band keys), a
batch per transaction; look-ups fetch only the band-key rows and candidate documents they
need (``= ANY(array)``).

Concurrency, as PostgreSQL gives it: readers run in ``REPEATABLE READ`` snapshots and never
wait; writers take a transaction-level advisory lock on the index, so their batches follow
one another as SQLite's do (a document added by two writers at once ends as one version, the
counts exact). A killed writer's transaction is rolled back by the server: nothing half
written. ``dedup index check`` reads every row as it does for the SQLite file (the pages are
the server's business: ``amcheck``).
"""

from __future__ import annotations

import functools
import json
import re
import urllib.parse
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import contextmanager

import numpy as np

from ..errors import ConfigError, IndexExistsError, IndexFormatError, InputError, require
from .integrity import ROW_COLUMNS, Findings, Integrity, RowShape, check_contents, decode_row
from .store import FORMAT_NAME, FORMAT_VERSION, Manifest, Store, StoredDocument

#: The URL schemes that name a PostgreSQL index.
SCHEMES = ("postgresql://", "postgres://")
#: The schema an index lives in unless the URL's ``schema=`` says otherwise.
DEFAULT_SCHEMA = "dedup"
#: Seconds a connection attempt waits for the server.
CONNECT_TIMEOUT = 10

_SCHEMA = """
CREATE TABLE manifest (key text PRIMARY KEY, value text NOT NULL);
CREATE SEQUENCE doc_numbers;
CREATE TABLE documents (
    doc bigint PRIMARY KEY,
    doc_id text COLLATE "C" NOT NULL UNIQUE,
    fingerprint text NOT NULL,
    title text,
    url text,
    source text,
    published text,
    credits text NOT NULL,
    words integer NOT NULL,
    lines text NOT NULL,
    body text NOT NULL,
    minhash bytea NOT NULL,
    band_keys bytea NOT NULL,
    text bytea NOT NULL
);
CREATE TABLE bands (key bigint NOT NULL, doc bigint NOT NULL, PRIMARY KEY (key, doc));
CREATE TABLE lines (key text COLLATE "C" PRIMARY KEY, docs integer NOT NULL)
"""
_TABLES = {
    "manifest": ("key", "value"), "documents": ("doc", *ROW_COLUMNS, "text"), "bands": ("key", "doc"), "lines": ("key", "docs"),
}
_COLUMNS = ", ".join(ROW_COLUMNS)
_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# The planner's statistics are refreshed after a write once this process has put as many documents
# as were counted at the last refresh, and at least _ANALYSE_MIN: a build of a million documents
# refreshes them a dozen times, 0.1-0.4 s each.
_ANALYSE_SHARE, _ANALYSE_MIN = 1.0, 200


def is_postgres(location: str) -> bool:
    """Whether an index location is a PostgreSQL URL.

    >>> is_postgres("postgresql://ci@db.example.org/news"), is_postgres("ci.db")
    (True, False)
    """
    return str(location).startswith(SCHEMES)


def shown(location: str) -> str:
    """A URL as messages show it: the password left out.

    >>> shown("postgresql://ci:s3cret@db:5432/news?schema=wire")
    'postgresql://ci@db:5432/news?schema=wire'
    """
    parts = urllib.parse.urlsplit(location)
    if parts.password is None:
        return location
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    netloc += f":{parts.port}" if parts.port else ""
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def _split(location: str) -> tuple[str, str]:
    """(the URL to connect to, the schema): ``schema=`` taken out of the query.

    >>> _split("postgresql://h/db?schema=news&sslmode=require")
    ('postgresql://h/db?sslmode=require', 'news')
    """
    parts = urllib.parse.urlsplit(location)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in query if k == "schema"), DEFAULT_SCHEMA)
    if not _NAME.fullmatch(schema):
        raise ConfigError(f"schema={schema!r} in {shown(location)}: give a lower-case name of letters, digits and _.")
    rest = urllib.parse.urlencode([(k, v) for k, v in query if k != "schema"])
    return urllib.parse.urlunsplit(parts._replace(query=rest)), schema


def _psycopg():
    return require("psycopg", "postgres")


def _connect(location: str, *, readonly: bool = False):
    """A connection with the index's schema first on the search path (autocommit: transactions
    are begun explicitly)."""
    psycopg = _psycopg()
    url, schema = _split(location)
    options = f"-c search_path={schema}" + (" -c default_transaction_read_only=on" if readonly else "")
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT, options=options,
                               application_name="dedup")
    except psycopg.Error as exc:
        raise InputError(f"cannot connect to the PostgreSQL index {shown(location)} ({_detail(exc)}).") from exc


def _detail(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 200 else text[:197] + "..."


def _guarded(method):
    """Make a database error of a store method one line that says what happened (no traceback)."""

    @functools.wraps(method)
    def run(self, *args, **kwargs):
        psycopg = _psycopg()
        try:
            return method(self, *args, **kwargs)
        except psycopg.Error as exc:
            raise self._error(exc) from exc

    return run


class _Sqlish:
    """A connection as :func:`~dedup.index.integrity.check_contents` reads it: ``?`` placeholders."""

    def __init__(self, con) -> None:
        self._con = con

    def execute(self, sql: str, params: Sequence = ()):
        return self._con.execute(sql.replace("%", "%%").replace("?", "%s"), params)


class PostgresStore(Store):
    """An index in a PostgreSQL schema (see the module docstring)."""

    def __init__(self, location: str, connection, manifest: Manifest, *, readonly: bool = False) -> None:
        self.location = shown(location)
        self._url = location
        self._schema = _split(location)[1]
        self._con = connection
        self._manifest = manifest
        self._shape = RowShape.of(manifest.settings)
        self._readonly = readonly
        self._depth = 0
        self._written = 0  # documents put since the statistics were refreshed (by this process)
        self._analysed = -1  # documents then (-1: not by this process)

    # --- lifecycle ------------------------------------------------------------------

    @classmethod
    def exists(cls, location: str) -> bool:
        con = _connect(location)
        try:
            return _tables(con, _split(location)[1]) != {}
        finally:
            con.close()

    @classmethod
    def create(cls, location: str, manifest: Manifest) -> PostgresStore:
        psycopg = _psycopg()
        schema = _split(location)[1]
        con = _connect(location)
        try:
            with con.transaction():
                con.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"dedup-index:{schema}",))
                if _tables(con, schema):
                    raise IndexExistsError(f"index {shown(location)} already exists; add to it with "
                                     f"`dedup index add PATH... --index {shown(location)}`.")
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
                con.execute(f"COMMENT ON SCHEMA {schema} IS '{FORMAT_NAME}'")
                con.execute(f"SET LOCAL search_path TO {schema}")
                for statement in _SCHEMA.split(";"):
                    con.execute(statement)
                store = cls(location, con, manifest)
                store._write_manifest(manifest)
        except psycopg.Error as exc:
            con.close()
            raise InputError(f"cannot create index {shown(location)} ({_detail(exc)}).") from exc
        except BaseException:
            con.close()
            raise
        return store

    @classmethod
    def open(cls, location: str, *, readonly: bool = False) -> PostgresStore:
        psycopg = _psycopg()
        con = _connect(location, readonly=readonly)
        try:
            manifest = _read_manifest(con, location)
        except psycopg.Error as exc:
            con.close()
            raise InputError(f"cannot read index {shown(location)} ({_detail(exc)}).") from exc
        except BaseException:
            con.close()
            raise
        return cls(location, con, manifest, readonly=readonly)

    def close(self) -> None:
        self._con.close()

    # --- transactions -----------------------------------------------------------------

    @contextmanager
    def reading(self):
        if self._depth:
            yield
            return
        with self._transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"):
            yield

    @contextmanager
    def writing(self):
        if self._depth:
            raise RuntimeError("writing() inside reading() or writing(): open a new transaction at top level")
        if self._readonly:
            raise InputError(f"cannot write index {self.location}: it was opened read-only.")
        with self._transaction("BEGIN"):
            # writers one after another, as SQLite's: the lock ends with the transaction
            self._con.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"dedup-index:{self._schema}",))
            # as SQLite's synchronous=NORMAL: a commit does not wait for its WAL to reach the disk, so a
            # crash of the server (not of dedup) may lose the last batches, never the index's consistency
            self._con.execute("SET LOCAL synchronous_commit = off")
            yield
        self._analyse_if_grown()

    @_guarded
    def _analyse_if_grown(self) -> None:
        """Refresh the planner's statistics once this process has written a tenth of the index
        anew. Without them a table filled by COPY looks empty to the planner, and a look-up by
        band key scans the whole table (38 ms a query at 10,000 documents, 0.3 ms after);
        autovacuum comes to it only later, and a check may run right after an add."""
        if self._written <= _ANALYSE_SHARE * self._analysed + _ANALYSE_MIN:
            return
        with self._con.transaction():
            self._con.execute("SET LOCAL default_statistics_target = 10")  # a sample of 3,000 rows: enough to plan
            for table in ("documents (doc, doc_id)", "bands", "lines"):  # the columns looked up by
                self._con.execute(f"ANALYZE {table}")
        self._analysed = self.count()
        self._written = 0

    @contextmanager
    def _transaction(self, begin: str):
        psycopg = _psycopg()
        try:
            self._con.execute(begin)
        except psycopg.Error as exc:
            raise self._error(exc) from exc
        self._depth += 1
        try:
            yield
        except BaseException as exc:
            self._depth -= 1
            try:
                self._con.execute("ROLLBACK")
            except psycopg.Error:
                pass  # the connection is gone: the server rolls back
            if isinstance(exc, psycopg.Error):
                raise self._error(exc) from exc
            raise
        self._depth -= 1
        try:
            self._con.execute("COMMIT")
        except psycopg.Error as exc:
            raise self._error(exc) from exc

    def _error(self, exc: BaseException) -> Exception:
        psycopg = _psycopg()
        if isinstance(exc, psycopg.errors.ReadOnlySqlTransaction):
            return InputError(f"cannot write index {self.location}: the server allows reading only ({_detail(exc)}).")
        if isinstance(exc, psycopg.errors.InsufficientPrivilege):
            return InputError(f"index {self.location}: permission denied ({_detail(exc)}); ask the database's owner.")
        if isinstance(exc, (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedColumn)):
            return _damaged(self._url, _detail(exc))
        return InputError(f"index {self.location}: the database stopped the command ({_detail(exc)}).")

    def verify(self) -> Integrity:
        """Every row, the band-key rows and the line counts (:func:`~dedup.index.integrity.check_contents`)."""
        found = Findings()
        with self.reading():
            documents = check_contents(found, _Sqlish(self._con), self.location, self._manifest.settings)
        return found.result(self.location, documents)

    # --- reading ----------------------------------------------------------------------

    def manifest(self) -> Manifest:
        return self._manifest

    @_guarded
    def count(self) -> int:
        return self._con.execute("SELECT count(*) FROM documents").fetchone()[0]

    @_guarded
    def known(self, doc_ids: Iterable[str]) -> dict[str, tuple[str, tuple[str, ...]]]:
        rows = self._con.execute("SELECT doc_id, fingerprint, lines FROM documents WHERE doc_id = ANY(%s::text[])",
                                 (sorted(set(doc_ids)),))
        return {doc_id: (sha, tuple(lines.split("\n")) if lines else ()) for doc_id, sha, lines in rows}

    @_guarded
    def line_counts(self, keys: Iterable[str]) -> dict[str, int]:
        return dict(self._con.execute("SELECT key, docs FROM lines WHERE key = ANY(%s::text[])", (sorted(set(keys)),)))

    @_guarded
    def candidates(self, keys: np.ndarray) -> dict[str, int]:
        signed = np.unique(np.asarray(keys, dtype=np.uint64).ravel()).view(np.int64).tolist()
        rows = self._con.execute(
            "SELECT d.doc_id, c.n FROM (SELECT doc, count(*) AS n FROM bands WHERE key = ANY(%s::bigint[]) GROUP BY doc) c "
            "JOIN documents d USING (doc)", (signed,))
        return dict(rows)

    @_guarded
    def candidates_many(self, key_sets: Sequence[np.ndarray]) -> list[dict[str, int]]:
        """All the look-ups in one query (one round trip, not one per article)."""
        sets = [np.unique(np.asarray(keys, dtype=np.uint64).ravel()).view(np.int64) for keys in key_sets]
        if not sets:
            return []
        owners = np.repeat(np.arange(len(sets), dtype=np.int64), [len(k) for k in sets])
        rows = self._con.execute(
            "SELECT c.i, d.doc_id, c.n FROM (SELECT t.i, b.doc, count(*) AS n FROM unnest(%s::bigint[], %s::int[]) "
            "AS t(key, i) JOIN bands b ON b.key = t.key GROUP BY t.i, b.doc) c JOIN documents d USING (doc)",
            (np.concatenate(sets).tolist(), owners.tolist()))
        out: list[dict[str, int]] = [{} for _ in sets]
        for i, doc_id, n in rows:
            out[i][doc_id] = n
        return out

    @_guarded
    def fetch(self, doc_ids: Iterable[str], *, text: bool = False) -> list[StoredDocument]:
        columns = _COLUMNS + (", text" if text else "")
        rows = self._con.execute(f"SELECT {columns} FROM documents WHERE doc_id = ANY(%s::text[]) ORDER BY doc_id",
                                 (sorted(set(doc_ids)),))
        return [self._decode(r) for r in rows]

    @_guarded
    def page(self, after: str | None, limit: int, *, derived: bool = True) -> list[StoredDocument]:
        if after is None:
            rows = self._con.execute(f"SELECT {_COLUMNS}, text FROM documents ORDER BY doc_id LIMIT %s", (limit,))
        else:
            rows = self._con.execute(f"SELECT {_COLUMNS}, text FROM documents WHERE doc_id > %s ORDER BY doc_id LIMIT %s",
                                     (after, limit))
        return [self._decode(r, derived=derived) for r in rows]

    @_guarded
    def line_stats(self, template_min_docs: int) -> tuple[int, int]:
        total, template = self._con.execute(
            "SELECT count(*), count(*) FILTER (WHERE docs >= %s) FROM lines", (template_min_docs,)).fetchone()
        return int(total), int(template)

    @_guarded
    def size(self) -> int | None:
        row = self._con.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'S')", (self._schema,)).fetchone()
        return int(row[0] or 0)

    def _decode(self, row, *, derived: bool = True) -> StoredDocument:
        return decode_row(self.location, self._shape, tuple(bytes(v) if isinstance(v, memoryview) else v for v in row),
                          derived=derived)

    # --- writing ----------------------------------------------------------------------

    def _require_write(self) -> None:
        if not self._depth:
            raise RuntimeError("store writes must happen inside writing()")

    def _write_manifest(self, manifest: Manifest) -> None:
        with self._con.cursor() as cur:
            cur.executemany("INSERT INTO manifest (key, value) VALUES (%s, %s) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value", manifest.rows())
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
        if not documents:
            return
        self._written += len(documents)
        numbers = [r[0] for r in self._con.execute("SELECT nextval('doc_numbers') FROM generate_series(1, %s)",
                                                  (len(documents),))]
        key_parts, doc_parts = [], []
        lines: Counter[str] = Counter()
        with self._con.cursor() as cur:
            with cur.copy(f"COPY documents (doc, {_COLUMNS}, text) FROM STDIN") as copy:
                for number, d in zip(numbers, documents):
                    copy.write_row((
                        number, d.doc_id, d.fingerprint, d.title, d.url, d.source, d.published, json.dumps(list(d.credits)),
                        int(d.words), "\n".join(d.lines), "\n".join(d.body),
                        np.ascontiguousarray(d.minhash, dtype="<u4").tobytes(),
                        np.ascontiguousarray(d.band_keys, dtype="<u8").tobytes(),
                        zlib.compress((d.text or "").encode("utf-8"), 6),
                    ))
                    keys = np.unique(np.asarray(d.band_keys, dtype=np.uint64).ravel()).view(np.int64)
                    key_parts.append(keys)
                    doc_parts.append(np.full(len(keys), number, dtype=np.int64))
                    lines.update(d.lines)
            keys, docs = np.concatenate(key_parts), np.concatenate(doc_parts)
            order = np.lexsort((docs, keys))  # B-tree inserts in key order
            with cur.copy("COPY bands (key, doc) FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(_binary_pairs(keys[order], docs[order]))
        if lines:
            keys_, counts = zip(*sorted(lines.items()))
            self._con.execute(
                "INSERT INTO lines (key, docs) SELECT * FROM unnest(%s::text[], %s::int[]) "
                "ON CONFLICT (key) DO UPDATE SET docs = lines.docs + excluded.docs", (list(keys_), list(counts)))

    @_guarded
    def delete(self, doc_ids: Iterable[str]) -> list[str]:
        self._require_write()
        rows = self._rows(list(doc_ids))
        self._delete_rows(rows)
        return sorted(r[1] for r in rows)

    def _rows(self, doc_ids: Sequence[str]) -> list[tuple]:
        return self._con.execute("SELECT doc, doc_id, lines, band_keys FROM documents WHERE doc_id = ANY(%s::text[])",
                                 (sorted(set(doc_ids)),)).fetchall()

    def _delete_rows(self, rows: list[tuple]) -> None:
        if not rows:
            return
        key_list, doc_list, unknown = [], [], []
        lines: Counter[str] = Counter()
        for doc, _doc_id, line_text, band_keys in rows:
            band_keys = bytes(band_keys)
            if len(band_keys) % (8 * self._shape.bands) == 0:
                keys = np.unique(np.frombuffer(band_keys, dtype="<u8").astype(np.uint64)).view(np.int64).tolist()
                key_list += keys
                doc_list += [doc] * len(keys)
            else:  # a damaged blob does not say which keys to delete: look for them all (a scan)
                unknown.append(doc)
            lines.update(line_text.split("\n") if line_text else ())
        self._con.execute("DELETE FROM bands b USING unnest(%s::bigint[], %s::bigint[]) AS t(key, doc) "
                          "WHERE b.key = t.key AND b.doc = t.doc", (key_list, doc_list))
        if unknown:
            self._con.execute("DELETE FROM bands WHERE doc = ANY(%s::bigint[])", (unknown,))
        if lines:
            keys, counts = zip(*sorted(lines.items()))
            self._con.execute("UPDATE lines l SET docs = l.docs - t.n FROM unnest(%s::text[], %s::int[]) AS t(key, n) "
                              "WHERE l.key = t.key", (list(keys), list(counts)))
            self._con.execute("DELETE FROM lines WHERE key = ANY(%s::text[]) AND docs <= 0", (list(keys),))
        self._con.execute("DELETE FROM documents WHERE doc = ANY(%s::bigint[])", ([r[0] for r in rows],))


# PostgreSQL's binary COPY format: a signature, flags and header extension, then per row the
# number of fields (int16) and each field's length (int32) and value, all big-endian; -1 ends it.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_PAIR = np.dtype([("fields", ">i2"), ("key_length", ">i4"), ("key", ">i8"), ("doc_length", ">i4"), ("doc", ">i8")])


def _binary_pairs(keys: np.ndarray, docs: np.ndarray) -> bytes:
    """Rows of two bigint columns in the binary COPY format, made by numpy at once (a row at a
    time through the driver took 2 s for the 1.9 million band keys of 20,000 short documents).

    >>> data = _binary_pairs(np.array([1, -2]), np.array([7, 7]))
    >>> len(data), data[19:21], data[-2:]
    (73, b'\\x00\\x02', b'\\xff\\xff')
    """
    rows = np.empty(len(keys), dtype=_PAIR)
    rows["fields"], rows["key_length"], rows["doc_length"] = 2, 8, 8
    rows["key"], rows["doc"] = keys, docs
    return _COPY_HEADER + rows.tobytes() + b"\xff\xff"


def _tables(con, schema: str) -> dict[str, tuple[str, ...]]:
    """The columns of each table of a schema, in order (empty: no index there)."""
    out: dict[str, list[str]] = {}
    for table, column in con.execute(  # pg_catalog: information_schema's views take tens of ms
        "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r' "
        "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum", (schema,)):
        out.setdefault(table, []).append(column)
    return {t: tuple(c) for t, c in out.items()}


def _read_manifest(con, location: str) -> Manifest:
    """Check the tables and the manifest of an index; return the manifest."""
    schema = _split(location)[1]
    tables = _tables(con, schema)
    if not tables:
        raise InputError(f"index {shown(location)} does not exist; create it with "
                         f"`dedup index add PATH... --index {shown(location)}`.")
    if any(tables.get(t) != c for t, c in _TABLES.items()):
        raise IndexFormatError(f"schema {schema} of {shown(location)} holds other tables than a dedup index's; "
                               f"name another schema with ?schema=NAME.")
    rows = dict(con.execute("SELECT key, value FROM manifest"))
    try:
        manifest = Manifest(int(rows["format_version"]), rows["dedup_version"], json.loads(rows["settings"]))
        RowShape.of(manifest.settings)
    except (KeyError, ValueError, TypeError) as exc:
        raise _damaged(location, f"its manifest cannot be read: {exc!r}") from exc
    if rows.get("format") != FORMAT_NAME:
        raise IndexFormatError(f"index {shown(location)} has a manifest of another format ({rows.get('format')!r}).")
    if manifest.format_version != FORMAT_VERSION:
        raise IndexFormatError(
            f"index {shown(location)} has format version {manifest.format_version}; this dedup reads version "
            f"{FORMAT_VERSION}. Use the dedup that wrote it, or build a new index from the articles.")
    return manifest


def _damaged(location: str, detail: str) -> IndexFormatError:
    schema = _split(location)[1]
    return IndexFormatError(f"index {shown(location)} is damaged ({detail}). Drop its schema (DROP SCHEMA {schema} CASCADE) "
                            f"and re-create the index from the articles with `dedup index add PATH... --index URL`.")
