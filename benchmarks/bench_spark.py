"""The Spark engine in local mode against the local engine, on the real corpus and optionally a synthetic one.

Real corpus: Reuters-21578 stories with a body + BBC News (21,268 articles, read in place
from ``../shared/eval`` by :mod:`corpora`), given to both engines as the same documents in
the same order (a Spark DataFrame built from them for :func:`dedup.engines.spark.scan_dataframe`).
Synthetic (``--synthetic N``, repeatable): the JSONL corpus ``out/scale-N.jsonl`` made by
``benchmarks/scale.py --docs N`` (generated first if missing), read by
:func:`dedup.engines.spark.scan_paths` from the file and by the local engine through
:func:`dedup.ingest.iter_documents`.

For every corpus it prints wall time per stage for each engine, the sizes found, and
whether the two JSON reports (``report.scan_to_dict``) are byte-identical (the Spark
result collected with :func:`dedup.engines.spark.to_scan_result`; ``--no-local`` skips the local
run and the comparison, for corpora too large for one process). A synthetic corpus above
``--light-above`` documents (default 200,000) is compared on its pairs (every scored field)
and clusters only, by SHA-256 digest: the local result is reduced to its digest before
Spark starts, and Spark collects those two tables, not a million prepared documents. Spark runs in local mode
(``--master``, default ``local[2]``); the local engine with ``--workers`` processes (default 0:
one per CPU, the CLI's default).

Usage::

    .venv/bin/python benchmarks/bench_spark.py                       # real corpus
    .venv/bin/python benchmarks/bench_spark.py --limit 2000          # a quick look
    .venv/bin/python benchmarks/bench_spark.py --synthetic 100000 --no-local --skip-real
    .venv/bin/python benchmarks/bench_spark.py --skip-real --synthetic 1000000 --partitions 64 --driver-memory 6g
    .venv/bin/python benchmarks/bench_spark.py --master 'local[*]' --driver-memory 6g

Writes the table to ``benchmarks/out/bench_spark.md`` (``--out``). Needs the ``spark`` extra
(``pip install 'dedup-news[spark]'``) and Java 17.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import corpora  # noqa: E402

from dedup import Settings, iter_documents  # noqa: E402
from dedup import scan  # noqa: E402
from dedup.report import dumps, scan_to_dict  # noqa: E402

OUT = HERE / "out"


def log(message: str) -> None:
    print(f"[bench_spark] {message}", file=sys.stderr, flush=True)


def session(master: str, driver_memory: str, partitions: int):
    from dedup.engines import spark as ds

    spark = ds.session(master, config={
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.memory": driver_memory,
        "spark.sql.shuffle.partitions": str(partitions),
        "spark.default.parallelism": str(partitions),
        "spark.sql.execution.arrow.pyspark.enabled": "true",
    })
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def run_local(docs, workers: int) -> tuple[object, float]:
    t0 = time.perf_counter()
    result = scan(docs, Settings(), workers=workers)
    return result, time.perf_counter() - t0


def run_spark(make, collect: str | None) -> dict:
    """Run a Spark scan; collect the whole result (``collect="all"``), only its pairs and
    clusters (``"light"``: for corpora whose prepared documents would not fit the driver), or nothing."""
    from dedup.engines import spark as ds

    t0 = time.perf_counter()
    result = make()
    secs = time.perf_counter() - t0
    out = {"secs": secs, "timings": dict(result.timings), "counts": dict(result.counts), "result": None, "digest": None}
    if collect == "all":
        t0 = time.perf_counter()
        out["result"] = ds.to_scan_result(result, ingest_skips=False)
        out["collect"] = time.perf_counter() - t0
    elif collect == "light":
        t0 = time.perf_counter()
        pairs = [ds.match_from_row(r) for r in ds._collect(result.pairs)]
        clusters = [(r["id"], r["origin"], r["origin_reason"], tuple(r["members"])) for r in ds._collect(result.clusters)]
        out["digest"] = digest(pairs, clusters)
        out["collect"] = time.perf_counter() - t0
    result.unpersist()
    return out


class Light:
    """What is kept of a local result too large to hold while Spark runs: its digest and sizes."""

    def __init__(self, result) -> None:
        self.timings = dict(result.timings)
        self.candidates = result.candidates
        self.pairs = result.pairs
        self.clusters = result.clusters
        self.digest = digest(result.pairs, [(c.cluster_id, c.origin, c.origin_reason, c.members) for c in result.clusters])


def digest(pairs, clusters) -> str:
    """SHA-256 of the pairs (every field of the JSON report's ``pairs[]`` but ``cluster``) and clusters."""
    import hashlib

    from dedup.report import match_to_dict

    data = {"pairs": [match_to_dict(m) for m in sorted(pairs, key=lambda m: (m.a, m.b))],
            "clusters": sorted([list(c[:3]) + [list(c[3])] for c in clusters], key=lambda c: int(c[0][1:]))}
    return hashlib.sha256(dumps(data).encode()).hexdigest()


def stages(timings: dict) -> str:
    return ", ".join(f"{k} {v:.1f}" for k, v in timings.items() if isinstance(v, float))


def bench(name: str, n_docs: int, local, spark_run: dict, rows: list) -> None:
    counts = spark_run["counts"]
    if local is not None:
        result, secs = local
        if spark_run["result"] is not None:
            same = dumps(scan_to_dict(result)) == dumps(scan_to_dict(spark_run["result"]))
        elif spark_run["digest"] is not None:
            same = "light" if result.digest == spark_run["digest"] else False
        else:
            same = None
        rows.append([name, "local (dedup.scan)", n_docs, f"{secs:.1f}", f"{n_docs / secs:.0f}", stages(result.timings),
                     result.candidates, len(result.pairs), len(result.clusters), ""])
    else:
        same = None
    collect = f"; collect {spark_run['collect']:.1f} s" if "collect" in spark_run else ""
    verdict = {None: "not compared", True: "byte-identical", False: "DIFFERENT",
               "light": "pairs and clusters identical (documents and alignments not collected)"}[same]
    rows.append([name, "spark (local mode)", n_docs, f"{spark_run['secs']:.1f}", f"{n_docs / spark_run['secs']:.0f}",
                 stages(spark_run["timings"]) + collect, counts["candidates"], counts["pairs"], counts["clusters"],
                 verdict])
    log(f"{name}: spark {spark_run['secs']:.1f}s" + (f", local {local[1]:.1f}s" if local else "") + f", report {verdict}")


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def synthetic_path(n: int, eval_dir: str | None) -> Path:
    path = OUT / f"scale-{n}.jsonl"
    if not path.exists():
        log(f"generating {path} with benchmarks/scale.py")
        cmd = [sys.executable, str(HERE / "scale.py"), "--docs", str(n)]
        if eval_dir:
            cmd += ["--eval-dir", eval_dir]
        subprocess.run(cmd, check=True)
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", default=None, help=f"folder of the corpora (default {corpora.DEFAULT_EVAL_DIR})")
    parser.add_argument("--master", default="local[2]", help="Spark master (default local[2])")
    parser.add_argument("--driver-memory", default="4g")
    parser.add_argument("--partitions", type=int, default=8, help="spark.sql.shuffle.partitions (default 8)")
    parser.add_argument("--workers", type=int, default=0, help="processes of the local engine (0: one per CPU)")
    parser.add_argument("--limit", type=int, default=None, help="at most N documents per real corpus")
    parser.add_argument("--skip-real", action="store_true", help="do not run the real corpus")
    parser.add_argument("--synthetic", type=int, action="append", default=[],
                        help="also scan out/scale-N.jsonl (made by scale.py if missing); repeatable")
    parser.add_argument("--no-local", action="store_true", help="synthetic corpora: Spark only, no comparison")
    parser.add_argument("--light-above", type=int, default=200_000,
                        help="synthetic corpora of more documents compare only pairs and clusters (the local result "
                             "is reduced to a digest before Spark runs, and Spark collects only those tables)")
    parser.add_argument("--out", default=str(OUT / "bench_spark.md"))
    args = parser.parse_args(argv)

    from dedup.engines import spark as ds

    header = ["corpus", "engine", "docs", "wall s", "docs/s", "stages (s)", "candidate pairs", "pairs", "clusters",
              "JSON report vs local"]
    rows: list[list] = []
    t0 = time.perf_counter()
    spark = session(args.master, args.driver_memory, args.partitions)
    log(f"Spark session up in {time.perf_counter() - t0:.1f}s ({args.master})")

    if not args.skip_real:
        root = corpora.eval_dir_or_exit(args.eval_dir, need=("reuters21578", "bbc"))
        docs = corpora.load_reuters(root)[: args.limit] + corpora.load_bbc(root)[: args.limit]
        log(f"real: {len(docs)} documents; local engine")
        local = run_local(docs, args.workers)
        log(f"real: local {local[1]:.1f}s; Spark")
        # createDataFrame slices the list in order: the DataFrame's row order is the input order
        df = spark.createDataFrame(
            [(d.doc_id, d.text, d.title, d.url, d.source, d.published) for d in docs],
            "id string, text string, title string, url string, source string, published string",
        )
        spark_run = run_spark(lambda: ds.scan_dataframe(df), collect="all")
        bench("Reuters + BBC", len(docs), local, spark_run, rows)

    for n in args.synthetic:
        path = synthetic_path(n, args.eval_dir)
        local = None
        if not args.no_local:
            docs = list(iter_documents([path]))
            log(f"scale-{n}: local engine on {len(docs)} documents")
            local = run_local(docs, args.workers)
            del docs
            if n > args.light_above:
                local = (Light(local[0]), local[1])
        log(f"scale-{n}: Spark")
        collect = None if args.no_local else "light" if n > args.light_above else "all"
        spark_run = run_spark(lambda: ds.scan_paths([str(path)], spark=spark), collect=collect)
        bench(f"synthetic scale-{n}", spark_run["counts"]["documents"], local, spark_run, rows)

    spark.stop()
    text = "\n".join([
        "# Spark engine (local mode) vs local engine", "",
        f"Machine: {os.cpu_count()} CPUs visible, {platform.python_implementation()} {platform.python_version()}; "
        f"Spark master {args.master}, {args.partitions} shuffle partitions, driver memory {args.driver_memory}; "
        f"local engine workers={args.workers}. Load average at the end: "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}.", "",
        table(header, rows), "",
    ])
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text, encoding="utf-8")
    log(f"wrote {args.out}")


if __name__ == "__main__":
    main()
