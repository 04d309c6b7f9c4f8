"""Spark engine, scan: sessions, and the scan of a DataFrame or of files, stage by stage."""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ...candidates import DEFAULT_MAX_BUCKET, outlet, published_seconds
from ...clean import NO_ARTICLE_TEXT
from ...errors import ConfigError, InputError, require
from ...ingest import ReadOptions, Skipped
from ...settings import Settings
from ...steps import ScanResult
from .inputs import _read_paths, _stringify_dates
from .rows import (
    _ALIGNMENT,
    _KEYS,
    _MATCH,
    _MATCH_FIELDS,
    _ORIGIN,
    _PREPARED,
    _RAW_FIELDS,
    _RECORD,
    _SENTENCE_FIELDS,
    _SKIP,
    _align_rows,
    _arrow_schema,
    _band_key_batches,
    _duplicate_rows,
    _origin_table,
    _prepare_rows,
    _rows_fn,
    _template_rows,
    _validate_rows,
    _verify_rows,
)
from .tables import OUTPUT_FORMATS, SparkScanResult, _collect, to_scan_result, write

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

_ARROW_BATCH = 512  # rows per Arrow batch to Python (Spark's default, 10,000, holds 10,000 articles)
_COPY = ("duplicate", "reprint")


def _spark():
    """Import pyspark (and pyarrow, which mapInArrow needs) or say which extra to install."""
    require("pyarrow", "spark")
    return require("pyspark", "spark")


# --- sessions ---------------------------------------------------------------------------------


def session(master: str | None = None, *, app_name: str = "dedup", config: dict | None = None) -> SparkSession:
    """Return the active Spark session, or start one (``master`` e.g. ``local[*]``, ``yarn``).

    In local mode the Python workers run this interpreter (``PYSPARK_PYTHON`` defaults to
    ``sys.executable``), so they see the same dedup and numpy; on a cluster the Python of
    the executors is set by ``spark-submit`` (see "On a cluster" in :mod:`dedup.engines.spark`).
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


# --- the scan -----------------------------------------------------------------------------------


def scan_dataframe(
    df: DataFrame,
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
    """The scan proper, from validated records (idx, location, doc_id, text, metadata, reason).

    One function per stage, DataFrames passed from each to the next; the driver's wall
    clock per stage goes to ``timings``.
    """
    if isinstance(max_bucket, bool) or not isinstance(max_bucket, int) or max_bucket < 2:
        raise ConfigError(f"max_bucket must be an integer of at least 2, got {max_bucket!r}; 200 is the default.")
    if isinstance(max_iterations, bool) or not isinstance(max_iterations, int) or max_iterations < 1:
        raise ConfigError(f"max_iterations must be a positive integer, got {max_iterations!r}; 64 is the default.")
    if isinstance(checkpoint_interval, bool) or not isinstance(checkpoint_interval, int) or checkpoint_interval < 1:
        raise ConfigError(f"checkpoint_interval must be a positive integer, got {checkpoint_interval!r}; 4 is the default.")
    conf_key = "spark.sql.execution.arrow.maxRecordsPerBatch"
    saved = spark.conf.get(conf_key, None)
    spark.conf.set(conf_key, str(_ARROW_BATCH))
    try:
        unique, ingest_skips = _timed(timings, "ingest", _ingest, records, file_input=file_input)
        templates = _timed(timings, "templates", _templates, unique, settings)
        ok, skipped, n_unique, n_prepared = _timed(
            timings, "clean+sign", _clean_sign, spark, unique, settings, templates, release=release, ingest_skips=ingest_skips)
        candidate_pairs, n_candidates = _timed(timings, "candidates", _candidates, ok, settings, max_bucket=max_bucket)
        matches = _timed(timings, "verify", _verify, ok, candidate_pairs, settings)
        clusters, members, pairs, n_clusters, n_pairs = _timed(
            timings, "cluster", _cluster, spark, ok, matches, max_iterations=max_iterations,
            checkpoint_interval=checkpoint_interval)
        alignments = _timed(timings, "align", _align, ok, members, clusters)
    finally:
        if saved is None:
            spark.conf.unset(conf_key)
        else:
            spark.conf.set(conf_key, saved)

    return SparkScanResult(
        documents=_documents(ok),
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


def _timed(timings: dict, stage: str, run: Callable, *args, **kwargs):
    """Run one stage, adding its seconds (driver wall clock) to ``timings[stage]``."""
    t0 = time.perf_counter()
    out = run(*args, **kwargs)
    timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - t0
    return out


def _ingest(records, *, file_input: bool):
    """Ingest: bad records, then repeated ids (the first row of an id is kept).

    Returns the unique valid records (kept) and the rows of the ``skipped`` table for
    both kinds of skip.
    """
    from pyspark.sql import functions as F

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
    return unique, bad.unionByName(dup_skips)


def _templates(unique, settings: Settings) -> frozenset[str]:
    """Templates: short lines counted per document, the set kept where count >= template_min_docs."""
    from pyspark.sql import functions as F

    counted = unique.select("text").mapInArrow(
        _rows_fn(lambda rows: _template_rows(rows, template_max_words=settings.template_max_words), "key string, n bigint"),
        "key string, n bigint",
    )
    keys = counted.groupBy("key").agg(F.sum("n").alias("n")).where(F.col("n") >= settings.template_min_docs)
    return frozenset(r["key"] for r in keys.select("key").collect())


def _clean_sign(spark, unique, settings: Settings, templates: frozenset[str], *, release: list, ingest_skips):
    """Clean + sign: prepare_many on executors, with the template set broadcast.

    Releases ``unique`` and the tables of ``release`` once the prepared documents are
    kept. Returns the documents with article text, every skip so far (kept), the number
    of documents and the number with article text.
    """
    from pyspark.sql import functions as F

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
    skipped = _keep(ingest_skips.unionByName(empty_skips))
    return ok, skipped, n_unique, n_prepared


def _candidates(ok, settings: Settings, *, max_bucket: int):
    """Candidates: documents sharing a band key; huge buckets as star + chain (candidates.py);
    then the pair filters (:func:`_filtered`).

    Returns the candidate pairs (``i``, ``j``: the documents' idx; kept) and their number.
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    keyed = ok.select("idx", "band_keys").mapInArrow(
        functools.partial(_band_key_batches, schema=_arrow_schema(_KEYS)), _KEYS).persist(StorageLevel.MEMORY_AND_DISK)
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
    candidate_pairs = _keep(_filtered(ok, two.unionByName(pairs_small).unionByName(star).unionByName(chain).distinct(), settings))
    return candidate_pairs, candidate_pairs.count()


def _filtered(ok, pairs, settings: Settings):
    """The pairs the pair filters keep: candidates.keep_pair's rule, on each document's
    outlet and publication time computed by the local engine's functions."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    if not settings.ignore_same_source and settings.max_days is None:
        return pairs
    # lambdas: a plain Python UDF (Spark reads the functions' type hints as a pandas UDF's)
    sides = ok.select("idx", F.udf(lambda s, u: outlet(s, u), T.StringType())("source", "url").alias("o"),
                      F.udf(lambda p: published_seconds(p), T.LongType())("doc_published").alias("t"))
    a = sides.select(F.col("idx").alias("i"), F.col("o").alias("oa"), F.col("t").alias("ta"))
    b = sides.select(F.col("idx").alias("j"), F.col("o").alias("ob"), F.col("t").alias("tb"))
    keep = F.lit(True)
    if settings.ignore_same_source:
        keep = keep & ~F.coalesce(F.col("oa") == F.col("ob"), F.lit(False))
    if settings.max_days is not None:
        keep = keep & F.coalesce(F.abs(F.col("ta") - F.col("tb")) <= F.lit(settings.max_days * 86400), F.lit(True))
    return pairs.join(a, "i").join(b, "j").where(keep).select("i", "j")


def _verify(ok, candidate_pairs, settings: Settings):
    """Verify: both documents joined to each pair, steps.verify_many on executors (kept)."""
    from pyspark.sql import functions as F

    joined = candidate_pairs.join(_side(ok, "a_"), F.col("i") == F.col("a_idx")).join(
        _side(ok, "b_"), F.col("j") == F.col("b_idx"))
    return _keep(joined.mapInArrow(_rows_fn(lambda rows: _verify_rows(rows, settings=settings), _MATCH), _MATCH))


def _cluster(spark, ok, matches, *, max_iterations: int, checkpoint_interval: int):
    """Cluster: components of the copy links, origin per component, numbered by size then origin.

    Returns the clusters (kept), each document's cluster (``members``: idx, comp,
    cluster), the ``pairs`` table (kept) and the numbers of clusters and pairs.
    """
    from pyspark.sql import functions as F

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
             "conflicts", "passages", *_SENTENCE_FIELDS, "sentence_matches", "a_idx", "b_idx")
    pairs = _keep(pairs)
    return clusters, members, pairs, n_clusters, pairs.count()


def _align(ok, members, clusters):
    """Align: each member (B) with its cluster's origin (A), on executors (kept)."""
    from pyspark.sql import functions as F

    body = ok.select("idx", "doc_id", "paragraphs")
    origin_side = body.select(*(F.col(c).alias("o_" + c) for c in body.columns))
    member_side = body.select(*(F.col(c).alias("m_" + c) for c in body.columns))
    todo = members.join(clusters.select("comp", "origin"), "comp").join(member_side, F.col("idx") == F.col("m_idx")).where(
        F.col("m_doc_id") != F.col("origin")).join(origin_side, F.col("origin") == F.col("o_doc_id"))
    return _keep(todo.select("cluster", "m_doc_id", "m_paragraphs", "o_doc_id", "o_paragraphs").mapInArrow(
        _rows_fn(_align_rows, _ALIGNMENT), _ALIGNMENT))


def _documents(ok):
    """The ``documents`` table: the fields of the JSON report's ``documents[]``, and idx."""
    from pyspark.sql import functions as F

    return ok.select(
        F.col("doc_id").alias("id"), F.col("doc_title").alias("title"), "source", "url",
        F.col("doc_published").alias("published"), F.col("doc_credits").alias("credits"),
        F.col("word_count").alias("words"),
        F.struct(F.col("body_paragraphs").alias("body"), F.col("furniture_paragraphs").alias("furniture")).alias("paragraphs"),
        "idx",
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


# --- files in, tables out ---------------------------------------------------------------------------


def scan_paths(
    paths: Sequence[str | os.PathLike],
    settings: Settings | None = None,
    *,
    master: str | None = None,
    spark: SparkSession | None = None,
    output: str | os.PathLike | None = None,
    output_format: str = "parquet",
    mode: str = "errorifexists",
    read_options: ReadOptions | None = None,
    max_bucket: int = DEFAULT_MAX_BUCKET,
    max_iterations: int = 64,
    checkpoint_interval: int = 4,
) -> SparkScanResult:
    """Scan files on any filesystem Spark reads (local, ``hdfs://``, ``s3a://``, ...).

    Args:
        paths: every input :mod:`dedup.ingest` reads (JSONL, JSON, CSV/TSV, Parquet, WARC,
            web pages, text articles, compressed or not), or folders of them (walked as
            :func:`dedup.ingest.iter_documents` walks them: the same ids, order and skips).
            JSONL (plain, ``.gz``, ``.bz2``) is split into lines by Spark and Parquet read
            by Spark, at any size; every other file is read whole by one executor.
        master: Spark master when no session is given or active (``local[*]``, ``yarn``,
            ``spark://host:7077``, ``k8s://...``).
        spark: the session to use (default: the active one, or one started for ``master``).
        output: a folder to write the tables to (see :func:`write`); None writes nothing.
        output_format: ``parquet`` or ``jsonl``.
        mode: Spark save mode for the tables (``errorifexists``, ``overwrite``, ...).
        read_options: how files are read (:class:`dedup.ingest.ReadOptions`: formats, encoding,
            field names, include/exclude patterns), as on the local engine.

    Raises:
        InputError: a path does not exist, or no file to read was found.
        ConfigError: ``output_format`` is not one of :data:`OUTPUT_FORMATS`.
    """
    settings = settings or Settings()
    if output_format not in OUTPUT_FORMATS:
        raise ConfigError(f"output_format must be one of {', '.join(OUTPUT_FORMATS)}, got {output_format!r}.")
    spark = spark or session(master)
    t0 = time.perf_counter()
    records, release = _read_paths(spark, [os.fspath(p) for p in paths], read_options or ReadOptions())
    result = _scan_records(
        spark, records, settings, timings={"ingest": time.perf_counter() - t0}, file_input=True, release=release,
        max_bucket=max_bucket, max_iterations=max_iterations, checkpoint_interval=checkpoint_interval,
    )
    if output is not None:
        write(result, output, output_format=output_format, mode=mode)
    return result


def scan_command(
    paths: Sequence[str | os.PathLike],
    settings: Settings | None = None,
    *,
    master: str | None = None,
    output: str | os.PathLike | None = None,
    output_format: str = "parquet",
    on_skip: Callable[[Skipped], None] | None = None,
    read_options: ReadOptions | None = None,
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
    result = scan_paths(paths, settings, master=master, output=output, output_format=output_format,
                        read_options=read_options)
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
