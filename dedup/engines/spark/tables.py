"""Spark engine, tables: a scan's result as DataFrames, written out or collected to one machine."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...cluster import Cluster
from ...errors import ConfigError
from ...ingest import Skipped
from ...settings import Settings
from ...steps import ScanResult
from .rows import alignment_from_row, match_from_row, prepared_from_row

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame

OUTPUT_FORMATS = ("parquet", "jsonl")
TABLES = ("documents", "pairs", "clusters", "alignments", "skipped")


@dataclass(frozen=True)
class SparkScanResult:
    """What a Spark scan found, as persisted DataFrames (the tables of :mod:`dedup.engines.spark`).

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

    documents: DataFrame
    pairs: DataFrame
    clusters: DataFrame
    alignments: DataFrame
    skipped: DataFrame
    prepared: DataFrame
    settings: Settings = field(default_factory=Settings)
    candidates: int = 0
    counts: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict, compare=False)

    def unpersist(self) -> None:
        """Release the cached tables (they stay usable, recomputed on demand)."""
        for df in (self.documents, self.pairs, self.clusters, self.alignments, self.skipped, self.prepared):
            df.unpersist()


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


# --- tables out -----------------------------------------------------------------------------------


def write(result: SparkScanResult, output: str | os.PathLike, *, output_format: str = "parquet", mode: str = "errorifexists") -> None:
    """Write the tables of a result under ``output`` (one folder per table, see :mod:`dedup.engines.spark`)."""
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
