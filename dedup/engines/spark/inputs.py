"""Spark engine, inputs: list the input files and read them into validated records.

Files are found as :func:`dedup.ingest.iter_documents` finds them (the same order, the
same skips) on any filesystem Hadoop reads; text files are read whole
(``binaryFiles``), JSONL line by line (``textFile``), Parquet as a DataFrame; every
record is checked by :mod:`dedup.ingest` 's own rules on executors
(:mod:`dedup.engines.spark.rows`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterable, Iterator

from ...errors import InputError
from ...ingest import file_kind, html_document, is_hidden, oversized, text_file_text
from .rows import _RAW_FIELDS, _RECORD, _RECORD_NAMES, _jsonl_rows, _rows_fn, _validate_rows

PARQUET_SUFFIXES = frozenset({".parquet"})
_ORDER_BITS = 40  # idx of file input: file rank << 40 | line (a file of up to 10^12 lines)


@dataclass(frozen=True)
class _Input:
    kind: str  # "text", "jsonl" or "parquet"
    path: str  # as Hadoop names it (for reading)
    uri: str  # as Spark's file metadata names it (percent-encoded)
    location: str  # as dedup.ingest names it in messages
    doc_id: str  # for a text file
    size: int


def _kind(name: str, *, explicit: bool) -> str | None:
    """Return how a file is read: as :func:`dedup.ingest.file_kind` says, plus the kinds only
    Spark reads, Parquet and compressed JSONL (Hadoop decompresses ``.gz`` and ``.bz2``).

    >>> _kind("wire.jsonl.gz", explicit=False), _kind("rows.parquet", explicit=False), _kind("a.md", explicit=False)
    ('jsonl', 'parquet', 'text')
    """
    lower = name.lower()
    for packed in (".gz", ".bz2"):
        if lower.endswith(packed) and file_kind(lower[: -len(packed)]) == "jsonl":
            return "jsonl"
    if PurePosixPath(lower).suffix in PARQUET_SUFFIXES:
        return "parquet"
    return file_kind(name, explicit=explicit)


def _join(base: str, rel: str) -> str:
    if "://" in base or base.startswith("file:"):
        return base.rstrip("/") + "/" + rel
    return str(PurePosixPath(base) / rel)


def _list_inputs(spark, paths: list[str]) -> list[_Input]:
    """The files under ``paths`` in :func:`dedup.ingest.iter_documents` order (hidden ones skipped)."""
    sc = spark.sparkContext
    jvm, conf = sc._jvm, sc._jsc.hadoopConfiguration()
    found: list[_Input] = []
    for arg in paths:
        hpath = jvm.org.apache.hadoop.fs.Path(arg)
        fs = hpath.getFileSystem(conf)
        if not fs.exists(hpath):
            raise InputError(f"{arg}: no such file or directory; give a file, a folder or a JSONL corpus.")
        status = fs.getFileStatus(hpath)
        if not status.isDirectory():
            kind = _kind(status.getPath().getName(), explicit=True)
            shown = str(PurePosixPath(arg)) if "://" not in arg and not arg.startswith("file:") else arg
            found.append(_Input(kind, status.getPath().toString(), status.getPath().toUri().toString(), shown,
                                status.getPath().getName(), status.getLen()))
            continue
        # os.walk order, as dedup.ingest: a folder's files (sorted), then its sub-folders (sorted)
        stack = [(status, "")]
        while stack:
            folder, rel = stack.pop()
            entries = sorted(fs.listStatus(folder.getPath()), key=lambda s: s.getPath().getName())
            dirs = []
            for entry in entries:
                name = entry.getPath().getName()
                if is_hidden(name):
                    continue
                if entry.isDirectory():
                    dirs.append((entry, f"{rel}{name}/"))
                    continue
                kind = _kind(name, explicit=False)
                if kind:
                    found.append(_Input(kind, entry.getPath().toString(), entry.getPath().toUri().toString(),
                                        _join(arg, rel + name), rel + name, entry.getLen()))
            stack.extend(reversed(dirs))
    return found


def _read_paths(spark, paths: list[str]):
    """Validated records (the columns of ``rows._RECORD``) of every input file, and tables to release."""
    from pyspark import StorageLevel

    inputs = _list_inputs(spark, paths)
    parts = []
    text_files = [(rank, f) for rank, f in enumerate(inputs) if f.kind in ("text", "html")]
    jsonl_files = [(rank, f) for rank, f in enumerate(inputs) if f.kind == "jsonl"]
    parquet_files = [(rank, f) for rank, f in enumerate(inputs) if f.kind == "parquet"]
    if text_files:
        parts += _read_text(spark, text_files)
    if jsonl_files:
        parts.append(_read_jsonl(spark, jsonl_files))
    if parquet_files:
        parts.append(_read_parquet(spark, parquet_files))
    if not parts:
        records = spark.createDataFrame([], _RECORD)
    else:
        records = parts[0]
        for p in parts[1:]:
            records = records.unionByName(p)
    records = records.persist(StorageLevel.MEMORY_AND_DISK)
    return records, [records]


def _read_text(spark, text_files: list[tuple[int, _Input]]) -> list:
    """Records of text files and web pages (one article each): files too large
    (:func:`dedup.ingest.oversized`) are skipped unread, the others read whole and checked by
    :func:`dedup.ingest.text_file_text`, or their article extracted by :func:`dedup.ingest.html_document`."""
    parts = []
    sc = spark.sparkContext
    big = [(rank, f) for rank, f in text_files if oversized(f.kind, f.size)]
    readable = {f.path: (rank, f) for rank, f in text_files if not oversized(f.kind, f.size)}
    rows = [{"idx": rank << _ORDER_BITS, "location": f.location, "reason":
             oversized(f.kind, f.size)} for rank, f in big]
    if rows:
        parts.append(spark.createDataFrame(_fill(rows), _RECORD))
    if readable:
        meta = sc.broadcast({k: (rank, f.location, f.doc_id, f.kind) for k, (rank, f) in readable.items()})

        def text_rows(pair):
            path, data = pair
            rank, location, doc_id, kind = meta.value[path]
            if kind == "html":
                doc, reason = html_document(data, doc_id)
                return (rank << _ORDER_BITS, location, doc and doc.doc_id, doc and doc.text, doc and doc.title,
                        doc and doc.url, doc and doc.source, doc and doc.published, reason)
            text, reason = text_file_text(data)
            return (rank << _ORDER_BITS, location, None if reason else doc_id, text, None, None, None, None, reason)

        rdd = sc.binaryFiles(",".join(readable)).map(text_rows)
        parts.append(spark.createDataFrame(rdd, _RECORD))
    return parts


def _read_jsonl(spark, jsonl_files: list[tuple[int, _Input]]):
    """Records of JSONL files, one per non-blank line, numbered within its file."""
    sc = spark.sparkContext
    files = [(rank, f, sc.textFile(f.path)) for rank, f in jsonl_files]
    # line numbers: the lines of the file's earlier splits, plus the position in this one
    sizes = sc.union([
        rdd.mapPartitionsWithIndex(lambda part, it, rank=rank: [((rank, part), sum(1 for _ in it))])
        for rank, _, rdd in files
    ]).collect()
    before, running = {}, {}
    for (rank, part), n in sorted(sizes):
        before[(rank, part)] = running.get(rank, 0)
        running[rank] = running.get(rank, 0) + n
    numbered = sc.union([
        rdd.mapPartitionsWithIndex(
            lambda part, it, rank=rank, shown=f.location: _number_lines(it, rank, shown, before[(rank, part)]))
        for rank, f, rdd in files
    ])
    decoded = numbered.mapPartitions(lambda it: iter(_jsonl_rows(list(it))))
    return spark.createDataFrame(decoded.map(lambda r: tuple(r[c] for c in _RECORD_NAMES)), _RECORD)


def _read_parquet(spark, parquet_files: list[tuple[int, _Input]]):
    """Records of Parquet files, one per row, located as ``file:row`` (1-based).

    Raises:
        InputError: the files have no ``id`` or no ``text`` column.
    """
    from pyspark.sql import functions as F

    frame = spark.read.parquet(*[f.path for _, f in parquet_files])
    names = {f.name for f in frame.schema.fields}
    if "id" not in names or "text" not in names:
        raise InputError(
            f"Parquet input needs columns 'id' and 'text'; {parquet_files[0][1].location} has "
            f"{', '.join(sorted(names))}. Rename them when writing the files."
        )
    ranks = spark.createDataFrame([(_same_uri(f.uri), rank, f.location) for rank, f in parquet_files],
                                  "uri string, rank bigint, shown string")
    cols = [F.col(c) for c in _RAW_FIELDS if c in names]
    uri = F.regexp_replace("_metadata.file_path", _URI_SLASHES, "$1:/")
    located = frame.select(*cols, uri.alias("uri"), F.col("_metadata.row_index").alias("row"))
    located = located.join(F.broadcast(ranks), "uri").select(
        *cols, (F.shiftleft("rank", _ORDER_BITS) + F.col("row") + 1).alias("idx"),
        F.concat(F.col("shown"), F.lit(":"), (F.col("row") + 1).cast("string")).alias("location"))
    located = _stringify_dates(located)
    return located.mapInArrow(
        _rows_fn(lambda rows: _validate_rows(rows, has_location=True), _RECORD), _RECORD)


def _number_lines(lines: Iterable[str], rank: int, shown: str, before: int) -> Iterator[dict]:
    """Number a split's lines within their file, dropping blank ones (as dedup.ingest does)."""
    for pos, line in enumerate(lines):
        number = before + pos + 1
        if number == 1:
            line = line.lstrip("\ufeff")  # dedup.ingest decodes utf-8-sig
        if line.strip():
            yield {"idx": (rank << _ORDER_BITS) | number, "location": f"{shown}:{number}", "line": line}


# Hadoop writes a local file's URI as file:///x, Spark's file metadata as file:/x (both percent-encoded)
_URI_SLASHES = "^([A-Za-z][A-Za-z0-9+.-]*):///"


def _same_uri(uri: str) -> str:
    import re

    return re.sub(_URI_SLASHES, r"\1:/", uri)


def _fill(rows: list[dict]) -> list[tuple]:
    return [tuple(r.get(c) for c in _RECORD_NAMES) for r in rows]


def _stringify_dates(df):
    """Dates as ``YYYY-MM-DD`` and timestamps as ``YYYY-MM-DDTHH:MM:SS`` (ISO, compared as text)."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    cols = []
    for f in df.schema.fields:
        if isinstance(f.dataType, T.DateType):
            cols.append(F.col(f.name).cast("string").alias(f.name))
        elif isinstance(f.dataType, (T.TimestampType, T.TimestampNTZType)):
            cols.append(F.date_format(f.name, "yyyy-MM-dd'T'HH:mm:ss").alias(f.name))
        else:
            cols.append(F.col(f.name))
    return df.select(*cols)
