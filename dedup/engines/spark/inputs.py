"""Spark engine, inputs: list the input files and read them into validated records.

Files are found as :func:`dedup.ingest.iter_documents` finds them (the same order, the
same skips) on any filesystem Hadoop reads; text files are read whole
(``binaryFiles``), JSONL line by line (``textFile``), Parquet as a DataFrame; every
record is checked by :mod:`dedup.ingest` 's own rules on executors
(:mod:`dedup.engines.spark.rows`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from ...errors import InputError
from ...ingest import DEFAULT_OPTIONS, ReadOptions, file_kind, is_hidden, is_wanted, oversized, parquet_columns_error, read_stream
from .rows import _RECORD, _RECORD_NAMES, _jsonl_rows, _rows_fn, _validate_rows

PARQUET_SUFFIXES = frozenset({".parquet"})
_ORDER_BITS = 40  # idx of file input: file rank << 40 | line (a file of up to 10^12 lines)
#: Compressions Hadoop's line reader undoes itself: JSONL so packed is still split into lines by Spark.
_HADOOP_PACKED = (".gz", ".bz2")
_ALL_PACKED = (".gz", ".bz2", ".xz", ".zst", ".zstd")


@dataclass(frozen=True)
class _Input:
    kind: str  # "lines" (JSONL read by Spark's line reader), "parquet", or dedup.ingest's kind (read whole)
    path: str  # as Hadoop names it (for reading)
    uri: str  # as Spark's file metadata names it (percent-encoded)
    location: str  # as dedup.ingest names it in messages
    doc_id: str  # for a file that is one article
    size: int
    format: str = ""  # dedup.ingest's kind, for a file read whole


def _kind(name: str, *, explicit: bool, options: ReadOptions = DEFAULT_OPTIONS) -> tuple[str, str] | None:
    """Return (how Spark reads a file, dedup.ingest's kind), or None (not read).

    JSONL in UTF-8, plain or packed as Hadoop unpacks it, is split into lines by Spark (a
    corpus of any size); Parquet is read by Spark; every other file is read whole by an
    executor with :func:`dedup.ingest.read_stream`, as the local engine reads it.

    >>> _kind("wire.jsonl.gz", explicit=False), _kind("rows.parquet", explicit=False), _kind("a.md", explicit=False)
    (('lines', 'jsonl'), ('parquet', 'parquet'), ('whole', 'text'))
    >>> _kind("wire.jsonl.xz", explicit=False)
    ('whole', 'jsonl')
    """
    kind = (options.input_format if explicit else None) or file_kind(name, explicit=explicit)
    if kind is None:
        return None
    packed = PurePosixPath(name.lower()).suffix
    plain = PurePosixPath(name.lower()).suffix not in _ALL_PACKED
    if kind == "jsonl" and options.encoding == "utf-8" and (plain or packed in _HADOOP_PACKED):
        return "lines", kind
    if kind == "parquet":
        return "parquet", kind
    return "whole", kind


def _join(base: str, rel: str) -> str:
    if "://" in base or base.startswith("file:"):
        return base.rstrip("/") + "/" + rel
    return str(PurePosixPath(base) / rel)


def _list_inputs(spark, paths: list[str], options: ReadOptions = DEFAULT_OPTIONS) -> list[_Input]:
    """The files under ``paths`` in :func:`dedup.ingest.iter_documents` order (hidden ones skipped)."""
    sc = spark.sparkContext
    jvm, conf = sc._jvm, sc._jsc.hadoopConfiguration()
    found: list[_Input] = []
    for arg in paths:
        if arg == "-":
            raise InputError("the Spark engine reads files, not stdin; write the input to a file first.")
        hpath = jvm.org.apache.hadoop.fs.Path(arg)
        fs = hpath.getFileSystem(conf)
        if not fs.exists(hpath):
            raise InputError(f"{arg}: no such file or directory; give a file, a folder or a corpus (JSONL, CSV, "
                             "Parquet, WARC).")
        status = fs.getFileStatus(hpath)
        if not status.isDirectory():
            kinded = _kind(status.getPath().getName(), explicit=True, options=options)
            assert kinded is not None  # explicit: any name is read
            how, kind = kinded
            shown = str(PurePosixPath(arg)) if "://" not in arg and not arg.startswith("file:") else arg
            found.append(_Input(how, status.getPath().toString(), status.getPath().toUri().toString(), shown,
                                status.getPath().getName(), status.getLen(), kind))
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
                kinded = _kind(name, explicit=False, options=options)
                if kinded and is_wanted(rel + name, options):
                    found.append(_Input(kinded[0], entry.getPath().toString(), entry.getPath().toUri().toString(),
                                        _join(arg, rel + name), rel + name, entry.getLen(), kinded[1]))
            stack.extend(reversed(dirs))
    return found


def _read_paths(spark, paths: list[str], options: ReadOptions = DEFAULT_OPTIONS):
    """Validated records (the columns of ``rows._RECORD``) of every input file, and tables to release."""
    from pyspark import StorageLevel

    inputs = _list_inputs(spark, paths, options)
    parts = []
    whole = [(rank, f) for rank, f in enumerate(inputs) if f.kind == "whole"]
    line_files = [(rank, f) for rank, f in enumerate(inputs) if f.kind == "lines"]
    parquet_files = [(rank, f) for rank, f in enumerate(inputs) if f.kind == "parquet"]
    if whole:
        parts += _read_whole(spark, whole, options)
    if line_files:
        parts.append(_read_jsonl(spark, line_files, options))
    if parquet_files:
        parts.append(_read_parquet(spark, parquet_files, options))
    if not parts:
        records = spark.createDataFrame([], _RECORD)
    else:
        records = parts[0]
        for p in parts[1:]:
            records = records.unionByName(p)
    records = records.persist(StorageLevel.MEMORY_AND_DISK)
    return records, [records]


def _read_whole(spark, files: list[tuple[int, _Input]], options: ReadOptions) -> list:
    """Records of files read whole by an executor with :func:`dedup.ingest.read_stream` (articles,
    web pages, WARC, CSV, JSON arrays, compressed corpora); articles too large
    (:func:`dedup.ingest.oversized`, by their size on disk) are skipped unread."""
    parts = []
    sc = spark.sparkContext

    def too_big(f: _Input) -> str | None:
        return None if PurePosixPath(f.location.lower()).suffix in _ALL_PACKED else oversized(f.format, f.size)

    rows = [{"idx": rank << _ORDER_BITS, "location": f.location, "reason": too_big(f)}
            for rank, f in files if too_big(f)]
    if rows:
        parts.append(spark.createDataFrame(_fill(rows), _RECORD))
    readable = {f.path: (rank, f) for rank, f in files if not too_big(f)}
    if readable:
        meta = sc.broadcast({k: (rank, f.location, f.doc_id, f.format) for k, (rank, f) in readable.items()})

        def file_rows(pair):
            import io

            path, data = pair
            rank, location, doc_id, kind = meta.value[path]
            for item in read_stream(io.BytesIO(data), kind, name=location, doc_id=doc_id, options=options):
                doc = item.document
                yield ((rank << _ORDER_BITS) | item.number, item.location, doc and doc.doc_id, doc and doc.text,
                       doc and doc.title, doc and doc.url, doc and doc.source, doc and doc.published, item.reason)

        rdd = sc.binaryFiles(",".join(readable)).flatMap(file_rows)
        parts.append(spark.createDataFrame(rdd, _RECORD))
    return parts


def _read_jsonl(spark, jsonl_files: list[tuple[int, _Input]], options: ReadOptions):
    """Records of JSONL files, one per non-blank line, numbered within its file."""
    sc = spark.sparkContext
    files = [(rank, f, sc.textFile(f.path)) for rank, f in jsonl_files]
    # line numbers: the lines of the file's earlier splits, plus the position in this one
    sizes = sc.union([
        rdd.mapPartitionsWithIndex(lambda part, it, rank=rank: [((rank, part), sum(1 for _ in it))])
        for rank, _, rdd in files
    ]).collect()
    before: dict[tuple[int, int], int] = {}
    running: dict[int, int] = {}
    for (rank, part), n in sorted(sizes):
        before[(rank, part)] = running.get(rank, 0)
        running[rank] = running.get(rank, 0) + n
    numbered = sc.union([
        rdd.mapPartitionsWithIndex(
            lambda part, it, rank=rank, shown=f.location: _number_lines(it, rank, shown, before[(rank, part)]))
        for rank, f, rdd in files
    ])
    decoded = numbered.mapPartitions(lambda it: iter(_jsonl_rows(list(it), options)))
    return spark.createDataFrame(decoded.map(lambda r: tuple(r[c] for c in _RECORD_NAMES)), _RECORD)


def _read_parquet(spark, parquet_files: list[tuple[int, _Input]], options: ReadOptions):
    """Records of Parquet files, one per row, located as ``file:row`` (1-based).

    Raises:
        InputError: the files have no ``id`` or no ``text`` column.
    """
    from pyspark.sql import functions as F

    frame = spark.read.parquet(*[f.path for _, f in parquet_files])
    names = {f.name for f in frame.schema.fields}
    fields = options.fields()
    if fields["id"] not in names or fields["text"] not in names:
        raise parquet_columns_error(parquet_files[0][1].location, names, options)
    ranks = spark.createDataFrame([(_same_uri(f.uri), rank, f.location) for rank, f in parquet_files],
                                  "uri string, rank bigint, shown string")
    cols = [F.col(f"`{c}`") for c in dict.fromkeys(fields.values()) if c in names]
    uri = F.regexp_replace("_metadata.file_path", _URI_SLASHES, "$1:/")
    located = frame.select(*cols, uri.alias("uri"), F.col("_metadata.row_index").alias("row"))
    located = located.join(F.broadcast(ranks), "uri").select(
        *cols, (F.shiftleft("rank", _ORDER_BITS) + F.col("row") + 1).alias("idx"),
        F.concat(F.col("shown"), F.lit(":"), (F.col("row") + 1).cast("string")).alias("location"))
    located = _stringify_dates(located)
    return located.mapInArrow(
        _rows_fn(lambda rows: _validate_rows(rows, has_location=True, options=options), _RECORD), _RECORD)


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
