"""Spark engine: the same scan as :func:`dedup.engines.local.scan`, on corpora beyond one machine.

The only module that imports pyspark (an optional extra: ``pip install 'dedup[spark]'``).
Per-document work calls the very functions the local engine calls, on executors;
only the corpus-level steps are re-done as Spark operations:

====================  ============================================================
stage                 on Spark
====================  ============================================================
ingest                JSONL lines / Parquet rows / text files / a user DataFrame →
                      records validated by :func:`dedup.ingest` 's own record check
                      (``mapInArrow``); duplicate ids by a group-by on ``doc_id``
templates             :func:`dedup.clean.template_candidates` per document, counted
                      per key with a shuffle; the small set is collected and
                      broadcast
clean + sign          :func:`dedup.steps.prepare_many` on batches (``mapInArrow``);
                      the prepared documents are persisted
candidates            band keys exploded, grouped by key (a shuffle), each bucket
                      expanded to pairs exactly as :mod:`dedup.candidates` (all pairs,
                      or star + chain over members in input order above
                      ``max_bucket``)
verify                pairs joined with both documents, :func:`dedup.steps.verify_many`
                      on executors
cluster               connected components of the copy links by min-label
                      propagation with pointer jumping (checkpointed), origin per
                      component by :func:`dedup.cluster.choose_origin` (grouped
                      ``applyInArrow``)
align                 origin and member joined, :func:`dedup.align.align` on executors
====================  ============================================================

Results stay DataFrames (:class:`SparkScanResult`); :func:`to_scan_result` collects a
result small enough for one machine into the local :class:`~dedup.steps.ScanResult`,
whose reports (``report.scan_to_dict`` and the renderers) are byte-identical to the
local engine's on the same input.

Every document carries ``idx``, its position in the input (after the user's DataFrame
order, or files in the order :func:`dedup.ingest.iter_documents` walks them, then line
or row): the local engine's document order, which decides which of two repeated ids is
kept and how huge candidate buckets are chained, so both engines agree exactly.

Tables written by :func:`write` (Parquet, or JSON lines), one folder each:

- ``documents``: id, title, source, url, published, credits, words, paragraphs{body, furniture}
  (the fields of the JSON report's ``documents[]``);
- ``pairs``: a, b, verdict, cluster, the scores of the JSON report's ``pairs[]``
  (jaccard, containment_a_in_b, containment_b_in_a, shared_words, quoted_shared_words,
  copy_share_a, copy_share_b, longest_passage, conflicts, passages), not rounded;
- ``clusters``: id, origin, origin_reason, members, size;
- ``alignments``: id (the member), cluster, origin, same, edited, added, cut, moved,
  words_added, words_cut, and the blocks;
- ``skipped``: location, reason, id, stage (``ingest`` or ``scan``), idx, phase.

Bad records are skipped and reported with the local engine's messages. One difference:
JSONL lines are decoded in the JVM, which replaces invalid UTF-8 with U+FFFD, so such a
line is scanned here where :mod:`dedup.ingest` skips it (lines end where they end for
both: at ``\n``, ``\r\n`` or ``\r``).

On a cluster, executors need dedup and its compiled dependencies (numpy, rapidfuzz):
ship a packed virtualenv, and set a checkpoint directory so the tables cut
from their lineage survive losing an executor::

    python -m build                                   # dist/dedup-0.1.0-py3-none-any.whl
    python -m venv env && env/bin/pip install 'dist/dedup-0.1.0-py3-none-any.whl[spark]' venv-pack
    env/bin/venv-pack -o dedup-env.tar.gz
    spark-submit --master yarn --deploy-mode cluster \
        --archives dedup-env.tar.gz#env --conf spark.pyspark.python=./env/bin/python \
        --conf spark.sql.shuffle.partitions=400 scan_job.py

    # scan_job.py
    from dedup import Settings
    from dedup.engines import spark as ds
    session = ds.session()
    session.sparkContext.setCheckpointDir("hdfs:///tmp/dedup-checkpoints")
    ds.scan_paths(["hdfs:///corpus/"], Settings(), spark=session, output="hdfs:///out/dedup")

(``--py-files dist/dedup-0.1.0-py3-none-any.whl`` suffices where the executors' Python
already has numpy, rapidfuzz, pyarrow and pandas.)
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

import numpy as np

from ..align import Alignment, Block, Change, align
from ..candidates import DEFAULT_MAX_BUCKET
from ..clean import NO_ARTICLE_TEXT, Cleaned, Paragraph, template_candidates
from ..cluster import Cluster, choose_origin
from ..errors import ConfigError, InputError, require
from ..ingest import (
    JSONL_SUFFIXES, MAX_ARTICLE_BYTES, TEXT_SUFFIXES, Document, Skipped, duplicate_id, record_to_document, text_file_text,
    too_large,
)
from ..steps import Prepared, ScanResult, analyse_documents, prepare_many, verify_many
from ..report import document_to_dict
from ..settings import Settings
from ..sign import Signature
from ..verify import Match, SharedPassage

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

PARQUET_SUFFIXES = frozenset({".parquet"})
OUTPUT_FORMATS = ("parquet", "jsonl")
TABLES = ("documents", "pairs", "clusters", "alignments", "skipped")

_CHUNK = 256  # documents per prepare_many call, as the local engine (engines.local._CHUNK)
_ARROW_BATCH = 512  # rows per Arrow batch to Python (Spark's default, 10,000, holds 10,000 articles)
_ORDER_BITS = 40  # idx of file input: file rank << 40 | line (a file of up to 10^12 lines)
_COPY = ("duplicate", "reprint")

# --- schemas (Spark DDL; the Arrow schema of each is derived from it) ------------------------

_META = "title string, url string, source string, published string"
_RECORD = f"idx bigint, location string, doc_id string, text string, {_META}, reason string"
_PREPARED = (
    f"idx bigint, location string, doc_id string, text string, {_META}, "
    "paragraphs array<struct<text:string,kind:string>>, found_credits array<string>, "
    "found_published string, headline string, word_count int, "
    "minhash binary, windows binary, band_keys binary, "
    "doc_title string, doc_published string, doc_credits array<string>, "
    "body_paragraphs int, furniture_paragraphs int"
)
_MATCH = (
    "a string, b string, a_idx bigint, b_idx bigint, verdict string, jaccard double, "
    "containment_a_in_b double, containment_b_in_a double, shared_words int, quoted_shared_words int, "
    "copy_share_a double, copy_share_b double, longest_passage int, conflicts array<string>, "
    "passages array<struct<a_start:int,b_start:int,words:int,quoted_words:int,text:string>>"
)
_MATCH_FIELDS = (
    "verdict", "jaccard", "containment_a_in_b", "containment_b_in_a", "shared_words", "quoted_shared_words",
    "copy_share_a", "copy_share_b", "longest_passage",
)
_ORIGIN = "comp bigint, origin string, origin_reason string, members array<string>, size int"
_ALIGNMENT = (
    "id string, cluster string, origin string, same int, edited int, added int, cut int, moved int, "
    "words_added int, words_cut int, "
    "blocks array<struct<op:string,a:array<int>,b:array<int>,moved:boolean,similarity:double,"
    "changes:array<struct<op:string,a:string,b:string>>>>, words_a array<int>, words_b array<int>"
)
_KEYS = "key bigint, idx bigint"
_SKIP = "location string, reason string, id string, stage string, idx bigint, phase int"
_DUPLICATE = "idx bigint, doc_id string, location string, first_location string"


def _spark():
    """Import pyspark (and pyarrow, which mapInArrow needs) or say which extra to install."""
    require("pyarrow", "spark")
    return require("pyspark", "spark")


@dataclass(frozen=True)
class SparkScanResult:
    """What a Spark scan found, as persisted DataFrames (the tables of the module docstring).

    Attributes:
        documents: every document scanned (one row each, as the JSON report's ``documents[]``).
        pairs: every verified pair whose verdict is not ``none`` (``a`` < ``b`` by id).
        clusters: groups of copies, ``c1``, ``c2``, ... largest first.
        alignments: per cluster member other than the origin, its alignment with the origin.
        skipped: records and documents left out, with location and reason.
        prepared: the prepared documents (internal columns, for :func:`to_scan_result`).
        settings: the settings used.
        candidates: number of candidate pairs verified.
        counts: sizes computed on the way (``records``, ``documents`` after repeated ids,
            ``prepared`` with article text, ``candidates``, ``pairs``, ``clusters``).
        timings: seconds per stage (driver wall clock; not part of any report).
    """

    documents: "DataFrame"
    pairs: "DataFrame"
    clusters: "DataFrame"
    alignments: "DataFrame"
    skipped: "DataFrame"
    prepared: "DataFrame"
    settings: Settings = field(default_factory=Settings)
    candidates: int = 0
    counts: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict, compare=False)

    def unpersist(self) -> None:
        """Release the cached tables (they stay usable, recomputed on demand)."""
        for df in (self.documents, self.pairs, self.clusters, self.alignments, self.skipped, self.prepared):
            df.unpersist()


# --- sessions ---------------------------------------------------------------------------------


def session(master: str | None = None, *, app_name: str = "dedup", config: dict | None = None) -> "SparkSession":
    """Return the active Spark session, or start one (``master`` e.g. ``local[*]``, ``yarn``).

    In local mode the Python workers run this interpreter (``PYSPARK_PYTHON`` defaults to
    ``sys.executable``), so they see the same dedup and numpy; on a cluster the Python of
    the executors is set by ``spark-submit`` (see "On a cluster" in the module docstring).
    """
    _spark()
    from pyspark.sql import SparkSession

    if (master or "local").startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    elif SparkSession.getActiveSession() is None and "spark.master" not in dict(config or {}):
        builder = builder.master(os.environ.get("MASTER", "local[*]"))
    for key, value in (config or {}).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


# --- per-document work on executors: rows in, rows out -------------------------------------------


def _arrow_schema(ddl: str):
    from pyspark.sql.pandas.types import to_arrow_schema
    from pyspark.sql.types import StructType

    return to_arrow_schema(StructType.fromDDL(ddl))


def _rows_fn(fn: Callable[[list[dict]], list[dict]], ddl: str):
    """Wrap ``rows -> rows`` as a ``mapInArrow`` function producing the schema ``ddl``
    (parsed here, on the driver: parsing DDL needs the JVM, which executors' Python lacks)."""
    schema = _arrow_schema(ddl)

    def run(batches):
        import pyarrow as pa

        for batch in batches:
            yield pa.RecordBatch.from_pylist(fn(batch.to_pylist()), schema=schema)

    return run


def _validate_rows(rows: list[dict], *, has_location: bool) -> list[dict]:
    """Check raw records exactly as :mod:`dedup.ingest` checks a JSONL record.

    A row holds either the record's fields (``id``, ``text``, ...) or, from JSONL, the
    decoded ``_record`` or the ``_reason`` it could not be decoded.
    """
    out = []
    for row in rows:
        location = row["location"] if has_location else None
        record = row["_record"] if "_record" in row else {k: row[k] for k in _RAW_FIELDS if k in row}
        reason, doc = row.get("_reason"), None
        if reason is None:
            found: list[Skipped] = []
            doc = record_to_document(record, location or "", found.append)
            reason = found[0].reason if found else None
        raw_id = record.get("id") if isinstance(record, dict) else None
        out.append({
            "idx": row["idx"], "location": location, "reason": reason,
            "doc_id": doc.doc_id if doc else (str(raw_id) if isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool) else None),
            "text": doc.text if doc else None, "title": doc.title if doc else None, "url": doc.url if doc else None,
            "source": doc.source if doc else None, "published": doc.published if doc else None,
        })
    return out


_RAW_FIELDS = ("id", "text", "title", "url", "source", "published")


def _jsonl_rows(rows: list[dict]) -> list[dict]:
    """Decode JSONL lines (``line`` text, ``location``) into records, as :mod:`dedup.ingest` does."""
    out = []
    for row in rows:
        try:
            record = json.loads(row["line"])
        except json.JSONDecodeError as exc:
            out.append({"idx": row["idx"], "location": row["location"], "_reason": f"malformed JSON ({exc.msg})"})
            continue
        out.append({"idx": row["idx"], "location": row["location"], "_record": record})
    return _validate_rows(out, has_location=True)


def _duplicate_rows(rows: list[dict], *, with_first: bool) -> list[dict]:
    """Skip rows for repeated ids, worded as :func:`dedup.ingest.iter_documents` (files) or
    :func:`dedup.engines.local.scan` (a DataFrame: the location is the id)."""
    out = []
    for r in rows:
        if with_first:
            location, reason = r["location"], duplicate_id(r["doc_id"], r["first_location"])
        else:
            location, reason = r["doc_id"], duplicate_id(r["doc_id"])
        stage = "ingest" if with_first else "scan"
        out.append({"location": location, "reason": reason, "id": r["doc_id"], "stage": stage, "idx": r["idx"], "phase": 0})
    return out


def _template_rows(rows: list[dict], *, template_max_words: int) -> list[dict]:
    """Count, per short-line key, the documents of a batch holding it (pre-aggregated)."""
    counts: Counter[str] = Counter()
    for row in rows:
        counts.update(template_candidates(row["text"], template_max_words=template_max_words))
    return [{"key": k, "n": n} for k, n in counts.items()]


def _prepare_rows(rows: list[dict], *, settings: Settings, templates) -> list[dict]:
    """:func:`dedup.steps.prepare_many` on a batch, as table rows."""
    lines = templates.value if hasattr(templates, "value") else templates
    out = []
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        docs = [Document(r["doc_id"], r["text"], r["title"], r["url"], r["source"], r["published"]) for r in chunk]
        prepared = prepare_many(docs, template_lines=lines, **settings.for_step("prepare"))
        out += [prepared_to_row(p, idx=r["idx"], location=r["location"]) for r, p in zip(chunk, prepared)]
    return out


def prepared_to_row(p: Prepared, *, idx: int, location: str | None = None) -> dict:
    """Describe a prepared document as one row of the ``prepared`` table (lossless).

    Arrays are stored as little-endian bytes. The words and shingles are not stored:
    verifying computes them again for the documents a pair needs, as the local engine does.

    >>> from dedup.steps import prepare
    >>> p = prepare(Document("a", "Talks resumed on Monday in the capital, officials said.", source="Reuters"))
    >>> q = prepared_from_row(prepared_to_row(p, idx=0), bands=26)
    >>> q.doc_id, q.word_count, q.credits, q.cleaned == p.cleaned, bool((q.signature.band_keys == p.signature.band_keys).all())
    ('a', 9, ('Reuters',), True, True)
    """
    d = document_to_dict(p)
    sig = p.signature
    return {
        "idx": idx, "location": location, "doc_id": p.doc_id, "text": p.document.text,
        "title": p.document.title, "url": p.document.url, "source": p.document.source,
        "published": p.document.published,
        "paragraphs": [{"text": q.text, "kind": q.kind} for q in p.cleaned.paragraphs],
        "found_credits": list(p.cleaned.credits), "found_published": p.cleaned.published,
        "headline": p.cleaned.headline, "word_count": int(p.word_count),
        "minhash": sig.minhash.astype("<u4", copy=False).tobytes(),
        "windows": sig.windows.astype("<i8", copy=False).tobytes(),
        "band_keys": sig.band_keys.astype("<u8", copy=False).tobytes(),
        "doc_title": d["title"], "doc_published": d["published"], "doc_credits": d["credits"],
        "body_paragraphs": d["paragraphs"]["body"], "furniture_paragraphs": d["paragraphs"]["furniture"],
    }


def prepared_from_row(row: dict, *, bands: int, prefix: str = "") -> Prepared:
    """Rebuild the :class:`~dedup.steps.Prepared` a row of the ``prepared`` table describes."""
    g = lambda name: row[prefix + name]  # noqa: E731
    document = Document(g("doc_id"), g("text"), g("title"), g("url"), g("source"), g("published"))
    cleaned = Cleaned(
        tuple(Paragraph(q["text"], q["kind"]) for q in g("paragraphs")), tuple(g("found_credits")),
        g("found_published"), g("headline"),
    )
    signature = Signature(
        np.frombuffer(g("minhash"), dtype="<u4").astype(np.uint32),
        np.frombuffer(g("windows"), dtype="<i8").astype(np.int64).reshape(-1, 2),
        np.frombuffer(g("band_keys"), dtype="<u8").astype(np.uint64).reshape(-1, bands),
    )
    return Prepared(document, cleaned, signature, int(g("word_count")))


def _band_key_batches(batches, schema):
    """(band key, idx) rows, one per distinct key of each document (mapInArrow)."""
    import pyarrow as pa

    for batch in batches:
        keys, docs = [], []
        for idx, raw in zip(batch.column("idx").to_pylist(), batch.column("band_keys").to_pylist()):
            # uint64 keys as int64: Spark has no unsigned type, and equality is all that matters
            k = np.unique(np.frombuffer(raw, dtype="<u8")).astype(np.uint64).view(np.int64)
            keys.append(k)
            docs.append(np.full(len(k), idx, dtype=np.int64))
        k = np.concatenate(keys) if keys else np.zeros(0, np.int64)
        d = np.concatenate(docs) if docs else np.zeros(0, np.int64)
        yield pa.RecordBatch.from_arrays([pa.array(k, pa.int64()), pa.array(d, pa.int64())], schema=schema)


def _verify_rows(rows: list[dict], *, settings: Settings) -> list[dict]:
    """:func:`dedup.steps.verify_many` on joined candidate pairs; keep verdicts other than none.

    A pair row carries, per side, only what verifying reads (idx, id, paragraphs): the
    documents' other fields stay behind, halving the shuffle. The words of the batch's
    documents are computed once, for all of them at a time.
    """
    sides: dict[int, tuple[str, tuple[str, ...]]] = {}
    for row in rows:
        for prefix in ("a_", "b_"):
            if row[prefix + "idx"] not in sides:
                sides[row[prefix + "idx"]] = (row[prefix + "doc_id"], _body(row[prefix + "paragraphs"]))
    keys = list(sides)
    found = analyse_documents([sides[k][0] for k in keys], [sides[k][1] for k in keys], shingle_size=settings.shingle_size)
    analysed = dict(zip(keys, found))
    ordered = []
    for row in rows:
        ai, bi = row["a_idx"], row["b_idx"]
        if analysed[ai].doc_id > analysed[bi].doc_id:  # as the local engine: a pair is ordered by id
            ai, bi = bi, ai
        ordered.append((ai, bi))
    matches = verify_many([(analysed[a], analysed[b]) for a, b in ordered], settings)
    return [match_to_row(m, a_idx=a, b_idx=b) for m, (a, b) in zip(matches, ordered) if m.verdict != "none"]


def match_to_row(m: Match, *, a_idx: int | None = None, b_idx: int | None = None) -> dict:
    """Describe a :class:`~dedup.verify.Match` as one row of the ``pairs`` table.

    >>> from dedup.steps import compare
    >>> m = compare("Talks resumed on Monday in the capital after a week of strikes, officials said.",
    ...             "Talks resumed on Monday in the capital after a week of strikes, officials said.")
    >>> match_from_row(match_to_row(m)) == m
    True
    """
    row = {"a": m.a, "b": m.b, "a_idx": a_idx, "b_idx": b_idx}
    row.update({name: getattr(m, name) for name in _MATCH_FIELDS})
    row["conflicts"] = list(m.conflicts)
    row["passages"] = [
        {"a_start": int(p.a_start), "b_start": int(p.b_start), "words": int(p.words),
         "quoted_words": int(p.quoted_words), "text": p.text}
        for p in m.passages
    ]
    return row


def match_from_row(row: dict) -> Match:
    """Rebuild the :class:`~dedup.verify.Match` a row of the ``pairs`` table describes."""
    return Match(
        row["a"], row["b"], *(row[name] for name in _MATCH_FIELDS), tuple(row["conflicts"]),
        tuple(SharedPassage(p["a_start"], p["b_start"], p["words"], p["quoted_words"], p["text"]) for p in row["passages"]),
    )


def _origin_table(table, schema):
    """:func:`dedup.cluster.choose_origin` for one component (grouped ``applyInArrow``).

    The rows are the component's copy links, each with both ends' evidence of origin.
    """
    import pyarrow as pa

    rows = table.to_pylist()
    credits, published, lengths = {}, {}, {}
    for r in rows:
        for side in ("a", "b"):
            doc = r[side]
            credits[doc] = tuple(r[side + "_credits"])
            published[doc] = r[side + "_published"]
            lengths[doc] = r[side + "_words"]
    members = sorted(credits)
    # in the local engine's order (copies sorted by (a, b)): the completeness sums add up alike
    matches = sorted((match_from_row(r) for r in rows), key=lambda m: (m.a, m.b))
    origin, reason = choose_origin(members, matches, credits=credits, published=published, lengths=lengths)
    out = [{"comp": rows[0]["comp"], "origin": origin, "origin_reason": reason, "members": members, "size": len(members)}]
    return pa.Table.from_pylist(out, schema=schema)


def _align_rows(rows: list[dict]) -> list[dict]:
    """:func:`dedup.align.align` of each origin (A) with a member (B), as table rows."""
    out = []
    for row in rows:
        body_a = _body(row["o_paragraphs"])
        body_b = _body(row["m_paragraphs"])
        out.append(alignment_to_row(align(body_a, body_b), id=row["m_doc_id"], cluster=row["cluster"], origin=row["o_doc_id"]))
    return out


def _body(paragraphs: list[dict]) -> tuple[str, ...]:
    return Cleaned(tuple(Paragraph(q["text"], q["kind"]) for q in paragraphs)).body


def alignment_to_row(al: Alignment, *, id: str, cluster: str | None = None, origin: str | None = None) -> dict:
    """Describe an :class:`~dedup.align.Alignment` as one row of the ``alignments`` table.

    >>> al = align(["One two three."], ["One two three.", "Four."])
    >>> row = alignment_to_row(al, id="b")
    >>> row["same"], row["added"], alignment_from_row(row) == al
    (1, 1, True)
    """
    row = {"id": id, "cluster": cluster, "origin": origin, **al.summary()}
    row["blocks"] = [
        {"op": b.op, "a": list(b.a), "b": list(b.b), "moved": bool(b.moved), "similarity": float(b.similarity),
         "changes": [{"op": c.op, "a": c.a, "b": c.b} for c in b.changes]}
        for b in al.blocks
    ]
    row["words_a"], row["words_b"] = list(al.words_a), list(al.words_b)
    return row


def alignment_from_row(row: dict) -> Alignment:
    """Rebuild the :class:`~dedup.align.Alignment` a row of the ``alignments`` table describes."""
    blocks = tuple(
        Block(b["op"], tuple(b["a"]), tuple(b["b"]), b["moved"], b["similarity"],
              tuple(Change(c["op"], c["a"], c["b"]) for c in b["changes"]))
        for b in row["blocks"]
    )
    return Alignment(blocks, tuple(row["words_a"]), tuple(row["words_b"]))


# --- the scan -----------------------------------------------------------------------------------


def scan_dataframe(
    df: "DataFrame",
    settings: Settings | None = None,
    *,
    max_bucket: int = DEFAULT_MAX_BUCKET,
    max_iterations: int = 64,
    checkpoint_interval: int = 4,
) -> SparkScanResult:
    """Scan a DataFrame of articles: the local :func:`~dedup.engines.local.scan` on Spark.

    Args:
        df: one article per row: ``id`` (string or integer) and ``text`` (string), and
            optionally ``title``, ``url``, ``source``, ``published`` (string, number, date
            or timestamp). Row order is the input order (as the list given to ``scan``).
        settings: the knobs; defaults when None.
        max_bucket: candidate buckets with more documents are linked as star + chain.
        max_iterations: bound on the rounds of the connected-components loop (each
            round at least halves the longest label chain; 64 is never reached in practice).
        checkpoint_interval: rounds between checkpoints of the component labels (cuts
            the lineage of long loops; a reliable checkpoint when the SparkContext has a
            checkpoint directory, else a local one).

    Returns:
        A :class:`SparkScanResult`. Bad rows (missing or non-string id/text, empty text,
        unusable metadata) are skipped with location ``row N`` (1-based) and the reason
        :mod:`dedup.ingest` gives; a repeated id keeps its first row, as ``scan`` does.

    Raises:
        InputError: the DataFrame has no ``id`` or no ``text`` column.
    """
    settings = settings or Settings()
    _spark()
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    columns = {f.name: f.dataType for f in df.schema.fields}
    missing = [c for c in ("id", "text") if c not in columns]
    if missing:
        raise InputError(
            f"the DataFrame needs columns 'id' and 'text' (plus optional {', '.join(_RAW_FIELDS[2:])}); "
            f"it has {', '.join(columns) or 'none'}. Rename the columns, e.g. df.withColumnRenamed('body', 'text')."
        )
    present = [name for name in _RAW_FIELDS if name in columns]
    raw = _stringify_dates(df.select(*present)).withColumn("idx", F.monotonically_increasing_id())
    spark = df.sparkSession
    t0 = time.perf_counter()
    checked = raw.mapInArrow(_rows_fn(lambda rows: _validate_rows(rows, has_location=False), _RECORD), _RECORD)
    checked = checked.persist(StorageLevel.MEMORY_AND_DISK)
    # consecutive row numbers from the monotonic ids: Spark puts the partition in the upper 31
    # bits and the position in the partition in the lower 33 (monotonically_increasing_id docs): partition offsets + position in partition
    counts = sorted(checked.groupBy(F.shiftright("idx", 33).alias("p")).count().collect())
    offsets, total = [], 0
    for p, n in counts:
        offsets += [F.lit(p), F.lit(total)]
        total += n
    part = F.create_map(*offsets) if offsets else F.create_map(F.lit(0), F.lit(0))
    idx = F.element_at(part, F.shiftright("idx", 33)) + F.col("idx").bitwiseAND(F.lit((1 << 33) - 1))
    records = checked.withColumn("idx", idx).withColumn(
        "location", F.when(F.col("reason").isNotNull(), F.concat(F.lit("row "), (F.col("idx") + 1).cast("string")))
    )
    return _scan_records(
        spark, records, settings, timings={"ingest": time.perf_counter() - t0}, file_input=False, release=[checked],
        max_bucket=max_bucket, max_iterations=max_iterations, checkpoint_interval=checkpoint_interval,
    )


def _scan_records(
    spark, records, settings: Settings, *, timings: dict, file_input: bool, release: list,
    max_bucket: int, max_iterations: int, checkpoint_interval: int,
) -> SparkScanResult:
    """The scan proper, from validated records (idx, location, doc_id, text, metadata, reason)."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    if isinstance(max_bucket, bool) or not isinstance(max_bucket, int) or max_bucket < 2:
        raise ConfigError(f"max_bucket must be an integer of at least 2, got {max_bucket!r}; 200 is the default.")
    if isinstance(max_iterations, bool) or not isinstance(max_iterations, int) or max_iterations < 1:
        raise ConfigError(f"max_iterations must be a positive integer, got {max_iterations!r}; 64 is the default.")
    if isinstance(checkpoint_interval, bool) or not isinstance(checkpoint_interval, int) or checkpoint_interval < 1:
        raise ConfigError(f"checkpoint_interval must be a positive integer, got {checkpoint_interval!r}; 4 is the default.")
    level = StorageLevel.MEMORY_AND_DISK
    conf_key = "spark.sql.execution.arrow.maxRecordsPerBatch"
    saved = spark.conf.get(conf_key, None)
    spark.conf.set(conf_key, str(_ARROW_BATCH))
    try:
        t0 = time.perf_counter()
        # ingest: bad records, then repeated ids (the first row of an id is kept)
        bad = records.where(F.col("reason").isNotNull()).select(
            "location", "reason", F.col("doc_id").alias("id"), F.lit("ingest").alias("stage"), "idx", F.lit(0).alias("phase"))
        valid = records.where(F.col("reason").isNull()).drop("reason")
        firsts = valid.groupBy("doc_id").agg(
            F.count("*").alias("n"), F.min("idx").alias("first_idx"), F.min_by("location", "idx").alias("first_location"),
        ).where("n > 1")
        repeated = valid.select("idx", "doc_id", "location").join(firsts, "doc_id").where(
            F.col("idx") != F.col("first_idx"))
        repeated = _keep(repeated)
        dup_skips = repeated.select("idx", "doc_id", "location", "first_location").mapInArrow(
            _rows_fn(lambda rows: _duplicate_rows(rows, with_first=file_input), _SKIP), _SKIP)
        unique = _keep(valid.join(repeated.select("idx"), "idx", "left_anti"))
        timings["ingest"] = timings.get("ingest", 0.0) + time.perf_counter() - t0

        # templates: short lines counted per document, the set kept where count >= template_min_docs
        t0 = time.perf_counter()
        counted = unique.select("text").mapInArrow(
            _rows_fn(lambda rows: _template_rows(rows, template_max_words=settings.template_max_words), "key string, n bigint"),
            "key string, n bigint",
        )
        keys = counted.groupBy("key").agg(F.sum("n").alias("n")).where(F.col("n") >= settings.template_min_docs)
        templates = frozenset(r["key"] for r in keys.select("key").collect())
        timings["templates"] = time.perf_counter() - t0

        # clean + sign: prepare_many on executors, with the template set broadcast
        t0 = time.perf_counter()
        lines = spark.sparkContext.broadcast(templates)
        prepared = _keep(unique.mapInArrow(
            _rows_fn(lambda rows: _prepare_rows(rows, settings=settings, templates=lines), _PREPARED), _PREPARED))
        sizes = dict(prepared.groupBy(F.col("word_count") > 0).count().collect())
        n_unique, n_prepared = sum(sizes.values()), sizes.get(True, 0)
        unique.unpersist()
        for df in release:
            df.unpersist()
        ok = prepared.where(F.col("word_count") > 0)
        empty_skips = prepared.where(F.col("word_count") == 0).select(
            F.col("doc_id").alias("location"), F.lit(NO_ARTICLE_TEXT).alias("reason"), F.col("doc_id").alias("id"),
            F.lit("scan").alias("stage"), "idx", F.lit(1).alias("phase"))
        skipped = _keep(bad.unionByName(dup_skips).unionByName(empty_skips))
        timings["clean+sign"] = time.perf_counter() - t0

        # candidates: documents sharing a band key; huge buckets as star + chain (candidates.py)
        t0 = time.perf_counter()
        keyed = ok.select("idx", "band_keys").mapInArrow(
            functools.partial(_band_key_batches, schema=_arrow_schema(_KEYS)), _KEYS).persist(level)
        # most shared keys join exactly two documents: found with plain aggregates (hash
        # aggregation); only the keys of three or more documents collect their member lists.
        # Each table feeding several branches is materialised once (_keep), not per branch.
        shared = _keep(keyed.groupBy("key").agg(
            F.count("*").alias("n"), F.min("idx").alias("lo"), F.max("idx").alias("hi")).where("n >= 2"))
        buckets = _keep(keyed.join(shared.where("n > 2").select("key"), "key").groupBy("key").agg(
            F.array_sort(F.collect_list("idx")).alias("m")))
        keyed.unpersist()
        two = shared.where("n = 2").select(F.col("lo").alias("i"), F.col("hi").alias("j"))
        small = buckets.where(F.size("m") <= max_bucket)
        large = buckets.where(F.size("m") > max_bucket)
        pairs_small = small.select("m", F.explode(F.sequence(F.lit(0), F.size("m") - 2)).alias("k")).select(
            F.col("m")[F.col("k")].alias("i"), F.explode(F.expr("slice(m, k + 2, size(m) - k - 1)")).alias("j"))
        star = large.select(F.col("m")[0].alias("i"), F.explode(F.expr("slice(m, 2, size(m) - 1)")).alias("j"))
        chain = large.select("m", F.explode(F.sequence(F.lit(1), F.size("m") - 2)).alias("k")).select(
            F.col("m")[F.col("k")].alias("i"), F.col("m")[F.col("k") + 1].alias("j"))
        candidate_pairs = _keep(two.unionByName(pairs_small).unionByName(star).unionByName(chain).distinct())
        n_candidates = candidate_pairs.count()
        timings["candidates"] = time.perf_counter() - t0

        # verify: both documents joined to each pair, steps.verify_many on executors
        t0 = time.perf_counter()
        joined = candidate_pairs.join(_side(ok, "a_"), F.col("i") == F.col("a_idx")).join(
            _side(ok, "b_"), F.col("j") == F.col("b_idx"))
        matches = _keep(joined.mapInArrow(_rows_fn(lambda rows: _verify_rows(rows, settings=settings), _MATCH), _MATCH))
        timings["verify"] = time.perf_counter() - t0

        # cluster: components of the copy links, origin per component, numbered by size then origin
        t0 = time.perf_counter()
        copies = matches.where(F.col("verdict").isin(*_COPY))
        labels = _components(
            copies.select(F.col("a_idx").alias("u"), F.col("b_idx").alias("v")),
            max_iterations=max_iterations, checkpoint_interval=checkpoint_interval,
        )
        evidence = ok.select("idx", F.col("doc_credits").alias("credits"), F.col("doc_published").alias("published"),
                             F.col("word_count").alias("words"))
        ev_a = evidence.select(*(F.col(c).alias("a_" + c) for c in evidence.columns))
        ev_b = evidence.select(*(F.col(c).alias("b_" + c) for c in evidence.columns))
        linked = copies.join(labels.withColumnRenamed("node", "a_idx"), "a_idx").join(ev_a, "a_idx").join(ev_b, "b_idx")
        origins = linked.groupBy("comp").applyInArrow(
            functools.partial(_origin_table, schema=_arrow_schema(_ORIGIN)), _ORIGIN)
        origins = _keep(origins)
        ranked = origins.orderBy(F.col("size").desc(), F.col("origin")).rdd.zipWithIndex().map(
            lambda pair: (pair[0]["comp"], f"c{pair[1] + 1}"))
        numbers = spark.createDataFrame(ranked, "comp bigint, id string")
        clusters = _keep(origins.join(numbers, "comp"))
        n_clusters = clusters.count()
        members = labels.join(clusters.select("comp", F.col("id").alias("cluster")), "comp").withColumnRenamed("node", "idx")
        pairs = matches.join(members.select(F.col("idx").alias("a_idx"), "cluster"), "a_idx", "left").withColumn(
            "cluster", F.when(F.col("verdict").isin(*_COPY), F.col("cluster"))
        ).select("a", "b", "verdict", "cluster", *[c for c in _MATCH_FIELDS if c != "verdict"],
                 "conflicts", "passages", "a_idx", "b_idx")
        pairs = _keep(pairs)
        n_pairs = pairs.count()
        timings["cluster"] = time.perf_counter() - t0

        # align: each member (B) with its cluster's origin (A), on executors
        t0 = time.perf_counter()
        body = ok.select("idx", "doc_id", "paragraphs")
        origin_side = body.select(*(F.col(c).alias("o_" + c) for c in body.columns))
        member_side = body.select(*(F.col(c).alias("m_" + c) for c in body.columns))
        todo = members.join(clusters.select("comp", "origin"), "comp").join(member_side, F.col("idx") == F.col("m_idx")).where(
            F.col("m_doc_id") != F.col("origin")).join(origin_side, F.col("origin") == F.col("o_doc_id"))
        alignments = _keep(todo.select("cluster", "m_doc_id", "m_paragraphs", "o_doc_id", "o_paragraphs").mapInArrow(
            _rows_fn(_align_rows, _ALIGNMENT), _ALIGNMENT))
        timings["align"] = time.perf_counter() - t0
    finally:
        if saved is None:
            spark.conf.unset(conf_key)
        else:
            spark.conf.set(conf_key, saved)

    documents = ok.select(
        F.col("doc_id").alias("id"), F.col("doc_title").alias("title"), "source", "url",
        F.col("doc_published").alias("published"), F.col("doc_credits").alias("credits"),
        F.col("word_count").alias("words"),
        F.struct(F.col("body_paragraphs").alias("body"), F.col("furniture_paragraphs").alias("furniture")).alias("paragraphs"),
        "idx",
    )
    return SparkScanResult(
        documents=documents,
        pairs=pairs,
        clusters=clusters.select("id", "origin", "origin_reason", "members", "size"),
        alignments=alignments,
        skipped=skipped,
        prepared=ok,
        settings=settings,
        candidates=n_candidates,
        counts={"documents": n_unique, "prepared": n_prepared, "candidates": n_candidates, "pairs": n_pairs,
                "clusters": n_clusters},
        timings=timings,
    )


def _keep(df):
    """Materialise a table and cut its lineage (a checkpoint).

    Persisting alone is not enough: every later plan would carry the whole plan of every
    table before it, and Spark renders those plans as text for each query (gigabytes of
    driver heap after a few stages). A reliable checkpoint when the SparkContext has a
    checkpoint directory (set one on a cluster: it survives losing an executor), else a
    local one (executor storage, memory then disk).
    """
    if df.sparkSession.sparkContext.getCheckpointDir():
        return df.checkpoint(eager=True)
    return df.localCheckpoint(eager=True)


def _side(prepared, prefix: str):
    from pyspark.sql import functions as F

    return prepared.select(*(F.col(c).alias(prefix + c) for c in ("idx", "doc_id", "paragraphs")))


def _components(edges, *, max_iterations: int, checkpoint_interval: int):
    """Connected components of an undirected edge list (u, v): (node, comp) with comp the
    smallest node of each component.

    Min-label propagation (each node takes the smallest label among itself and its
    neighbours) alternated with pointer jumping (a node takes its label's label), so a
    chain of n documents settles in O(log n) rounds instead of n. Labels only decrease
    and are always nodes of the component, so the fixed point is the component minimum.
    """
    from pyspark.sql import functions as F

    def cut(df, round_: int):
        """Materialise a round's labels and drop their lineage: each round joins the labels
        with themselves, so an uncut plan would double in size every round. A reliable
        checkpoint every ``checkpoint_interval`` rounds when the context has a checkpoint
        directory (survives losing an executor), local ones in between."""
        if round_ % checkpoint_interval == 0:
            return _keep(df)
        return df.localCheckpoint()

    both = edges.unionByName(edges.select(F.col("v").alias("u"), F.col("u").alias("v"))).distinct()
    both = cut(both, 0)
    labels = cut(both.groupBy("u").agg(F.least(F.min("v"), F.col("u")).alias("comp")).withColumnRenamed("u", "node"), 0)
    for round_ in range(1, max_iterations + 1):
        heard = both.join(labels.select(F.col("node").alias("v"), F.col("comp").alias("heard")), "v").groupBy("u").agg(
            F.min("heard").alias("heard"))
        stepped = labels.join(heard.withColumnRenamed("u", "node"), "node").select(
            "node", F.col("comp").alias("was"), F.least("comp", "heard").alias("comp"))
        jumped = stepped.alias("x").join(stepped.alias("y"), F.col("x.comp") == F.col("y.node")).select(
            F.col("x.node").alias("node"), F.col("y.comp").alias("comp"), (F.col("y.comp") != F.col("x.was")).alias("changed"))
        jumped = cut(jumped, round_)
        labels = jumped.select("node", "comp")
        if not jumped.where("changed").take(1):
            return labels
    raise ConfigError(
        f"connected components did not settle in {max_iterations} rounds; "
        "raise max_iterations (each round at least halves the longest chain of labels)."
    )


# --- back to one machine --------------------------------------------------------------------------


def to_scan_result(result: SparkScanResult, *, ingest_skips: bool = True) -> ScanResult:
    """Collect a Spark result into the local engine's :class:`~dedup.steps.ScanResult`.

    For results small enough for the driver: every prepared document is collected. The
    reports of the returned value (``report.scan_to_dict``, ``render_scan``, ...) are
    byte-identical to the local engine's on the same input.

    Args:
        ingest_skips: include records skipped while reading (bad records, and repeated
            ids of file input); the local ``scan`` only sees documents, so leave them out
            to compare with it.
    """
    bands = result.settings.bands
    docs = [prepared_from_row(r, bands=bands) for r in _collect(result.prepared.orderBy("idx"))]
    pairs = sorted((match_from_row(r) for r in _collect(result.pairs)), key=lambda m: (m.a, m.b))
    clusters = sorted(
        (Cluster(r["id"], r["origin"], r["origin_reason"], tuple(r["members"])) for r in _collect(result.clusters)),
        key=lambda c: int(c.cluster_id[1:]),
    )
    found = {r["id"]: alignment_from_row(r) for r in _collect(result.alignments)}
    alignments = {m: found[m] for c in clusters for m in c.members if m in found}
    skipped_df = result.skipped if ingest_skips else result.skipped.where("stage = 'scan'")
    skipped = [Skipped(r["location"], r["reason"]) for r in sorted(_collect(skipped_df), key=lambda r: (r["phase"], r["idx"]))]
    return ScanResult(tuple(docs), tuple(clusters), tuple(pairs), tuple(skipped), result.settings, dict(result.timings),
                      result.candidates, alignments)


def _collect(df) -> list[dict]:
    """Rows of a DataFrame as plain dicts (through Arrow: fast, and nested values as dicts)."""
    return df.toArrow().to_pylist()


# --- files in, tables out ---------------------------------------------------------------------------


def scan_paths(
    paths: Sequence[str | os.PathLike],
    settings: Settings | None = None,
    *,
    master: str | None = None,
    spark: "SparkSession | None" = None,
    output: str | os.PathLike | None = None,
    output_format: str = "parquet",
    mode: str = "errorifexists",
    max_bucket: int = DEFAULT_MAX_BUCKET,
    max_iterations: int = 64,
    checkpoint_interval: int = 4,
) -> SparkScanResult:
    """Scan files on any filesystem Spark reads (local, ``hdfs://``, ``s3a://``, ...).

    Args:
        paths: JSONL corpora (``.jsonl``/``.ndjson``, optionally ``.gz``/``.bz2``), Parquet
            files (``.parquet``; columns ``id``, ``text`` and the optional metadata), text
            articles (``.txt``, ``.md``, ...), or folders of them (walked as
            :func:`dedup.ingest.iter_documents` walks them: the same ids, order and skips).
        master: Spark master when no session is given or active (``local[*]``, ``yarn``,
            ``spark://host:7077``, ``k8s://...``).
        spark: the session to use (default: the active one, or one started for ``master``).
        output: a folder to write the tables to (see :func:`write`); None writes nothing.
        output_format: ``parquet`` or ``jsonl``.
        mode: Spark save mode for the tables (``errorifexists``, ``overwrite``, ...).

    Raises:
        InputError: a path does not exist, or no file to read was found.
        ConfigError: ``output_format`` is not one of :data:`OUTPUT_FORMATS`.
    """
    settings = settings or Settings()
    if output_format not in OUTPUT_FORMATS:
        raise ConfigError(f"output_format must be one of {', '.join(OUTPUT_FORMATS)}, got {output_format!r}.")
    spark = spark or session(master)
    t0 = time.perf_counter()
    records, release = _read_paths(spark, [os.fspath(p) for p in paths])
    result = _scan_records(
        spark, records, settings, timings={"ingest": time.perf_counter() - t0}, file_input=True, release=release,
        max_bucket=max_bucket, max_iterations=max_iterations, checkpoint_interval=checkpoint_interval,
    )
    if output is not None:
        write(result, output, output_format=output_format, mode=mode)
    return result


def write(result: SparkScanResult, output: str | os.PathLike, *, output_format: str = "parquet", mode: str = "errorifexists") -> None:
    """Write the tables of a result under ``output`` (one folder per table, see the module docstring)."""
    if output_format not in OUTPUT_FORMATS:
        raise ConfigError(f"output_format must be one of {', '.join(OUTPUT_FORMATS)}, got {output_format!r}.")
    base = os.fspath(output).rstrip("/")
    for name in TABLES:
        df = getattr(result, name)
        writer = df.write.mode(mode)
        if output_format == "parquet":
            writer.parquet(f"{base}/{name}")
        else:
            writer.json(f"{base}/{name}")


def scan_command(
    paths: Sequence[str | os.PathLike],
    settings: Settings | None = None,
    *,
    master: str | None = None,
    output: str | os.PathLike | None = None,
    output_format: str = "parquet",
    on_skip: Callable[[Skipped], None] | None = None,
) -> ScanResult | None:
    """What ``dedup scan --engine spark`` runs: one call for the CLI.

    Records skipped while reading go to ``on_skip`` (the CLI prints them as warnings),
    as the local ``iter_documents`` does. With ``output``, the tables are written there
    and None is returned (the corpus may not fit the driver); without, the result is
    collected into a :class:`~dedup.steps.ScanResult` for the usual renderers,
    identical to the local engine's.

    Raises:
        InputError: no document found, or none has article text after cleaning.
    """
    result = scan_paths(paths, settings, master=master, output=output, output_format=output_format)
    try:
        for r in sorted(_collect(result.skipped.where("stage = 'ingest'")), key=lambda r: r["idx"]):
            if on_skip:
                on_skip(Skipped(r["location"], r["reason"]))
        if result.counts["documents"] == 0:
            raise InputError(
                "no documents found in " + ", ".join(map(str, paths))
                + "; give .txt/.md files, folders of them, JSONL or Parquet with id and text."
            )
        if result.counts["prepared"] == 0:
            raise InputError("no document has article text left after cleaning; nothing to compare.")
        return None if output is not None else to_scan_result(result, ingest_skips=False)
    finally:
        result.unpersist()


# --- reading files -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Input:
    kind: str  # "text", "jsonl" or "parquet"
    path: str  # as Hadoop names it (for reading)
    uri: str  # as Spark's file metadata names it (percent-encoded)
    location: str  # as dedup.ingest names it in messages
    doc_id: str  # for a text file
    size: int


def _kind(name: str, *, explicit: bool) -> str | None:
    lower = name.lower()
    for packed in (".gz", ".bz2"):
        if lower.endswith(packed) and PurePosixPath(lower[: -len(packed)]).suffix in JSONL_SUFFIXES:
            return "jsonl"
    suffix = PurePosixPath(lower).suffix
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    if suffix in TEXT_SUFFIXES or explicit:
        return "text"
    return None


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
                if name.startswith("."):
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
    """Validated records (the :data:`_RECORD` columns) of every input file, and tables to release."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    inputs = _list_inputs(spark, paths)
    parts = []
    sc = spark.sparkContext
    text_files = [(rank, f) for rank, f in enumerate(inputs) if f.kind == "text"]
    jsonl_files = [(rank, f) for rank, f in enumerate(inputs) if f.kind == "jsonl"]
    parquet_files = [(rank, f) for rank, f in enumerate(inputs) if f.kind == "parquet"]
    release = []

    if text_files:
        big = [(rank, f) for rank, f in text_files if f.size > MAX_ARTICLE_BYTES]
        readable = {f.path: (rank, f) for rank, f in text_files if f.size <= MAX_ARTICLE_BYTES}
        rows = [{"idx": rank << _ORDER_BITS, "location": f.location, "reason":
                 too_large(f.size)} for rank, f in big]
        parts.append(spark.createDataFrame(_fill(rows), _RECORD) if rows else None)
        if readable:
            meta = sc.broadcast({k: (rank, f.location, f.doc_id) for k, (rank, f) in readable.items()})

            def text_rows(pair):
                path, data = pair
                rank, location, doc_id = meta.value[path]
                text, reason = text_file_text(data)
                return (rank << _ORDER_BITS, location, None if reason else doc_id, text, None, None, None, None, reason)

            rdd = sc.binaryFiles(",".join(readable)).map(text_rows)
            parts.append(spark.createDataFrame(rdd, _RECORD))

    if jsonl_files:
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
        parts.append(spark.createDataFrame(decoded.map(lambda r: tuple(r[c] for c in _RECORD_NAMES)), _RECORD))

    if parquet_files:
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
        checked = located.mapInArrow(
            _rows_fn(lambda rows: _validate_rows(rows, has_location=True), _RECORD), _RECORD)
        parts.append(checked)

    parts = [p for p in parts if p is not None]
    if not parts:
        records = spark.createDataFrame([], _RECORD)
    else:
        records = parts[0]
        for p in parts[1:]:
            records = records.unionByName(p)
    records = records.persist(StorageLevel.MEMORY_AND_DISK)
    release.append(records)
    return records, release


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


_RECORD_NAMES = ("idx", "location", "doc_id", "text", "title", "url", "source", "published", "reason")


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
