"""Spark engine: the same scan as :func:`dedup.engines.local.scan`, on corpora beyond one machine.

The only package that imports pyspark (an optional extra: ``pip install 'dedup-news[spark]'``),
and only when a function is called: importing it needs neither pyspark nor pyarrow.
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

Its modules, in the order data flows through them:

- :mod:`dedup.engines.spark.inputs`: the input files listed and read into records;
- :mod:`dedup.engines.spark.rows`: the table schemas, and the per-batch functions executors
  run (record checks, clean + sign, verify, origin, align) with the row codecs;
- :mod:`dedup.engines.spark.scan`: sessions, and the scan, one function per stage;
- :mod:`dedup.engines.spark.tables`: the result's tables, written or collected.

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
  copy_share_a, copy_share_b, longest_passage, conflicts, passages, sentences_a, sentences_b, copied_a,
  copied_b, sentence_matches), not rounded;
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

# ``as`` re-exports: names the tests and benchmarks use as ``ds.X`` without being public API
from ...errors import ConfigError as ConfigError
from ...errors import InputError as InputError
from .inputs import PARQUET_SUFFIXES
from .rows import (
    alignment_from_row,
    alignment_to_row,
    match_from_row,
    match_to_row,
    prepared_from_row,
    prepared_to_row,
)
from .scan import _components as _components
from .scan import scan_command, scan_dataframe, scan_paths, session
from .tables import OUTPUT_FORMATS, TABLES, SparkScanResult, to_scan_result, write
from .tables import _collect as _collect

__all__ = [
    "OUTPUT_FORMATS",
    "PARQUET_SUFFIXES",
    "SparkScanResult",
    "TABLES",
    "alignment_from_row",
    "alignment_to_row",
    "match_from_row",
    "match_to_row",
    "prepared_from_row",
    "prepared_to_row",
    "scan_command",
    "scan_dataframe",
    "scan_paths",
    "session",
    "to_scan_result",
    "write",
]
