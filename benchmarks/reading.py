"""How fast dedup reads news as it arrives: documents per second for each input format.

The same real articles in every corpus format (Reuters-21578 + BBC, 21,268 articles, from
``out/real.jsonl``, written by ``run.py``): JSONL, JSONL.gz, JSONL.zst, CSV, a JSON array and
Parquet; and real web pages (the 181 pages of the Zyte article-extraction benchmark) as
``.html.gz`` files and as one WARC.gz. Each is read with :func:`dedup.iter_documents` (what
``dedup scan`` does before cleaning), ``--rounds`` times; the table gives the median.
Everything generated goes to ``out/reading/`` (git-ignored).

    .venv/bin/python benchmarks/reading.py [--rounds 3] [--eval-dir ../shared/eval]
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpora  # noqa: E402

from dedup import iter_documents  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


def _write_corpora(real: Path, folder: Path) -> dict[str, Path]:
    """The real corpus in every record format (written once)."""
    import csv

    import pyarrow as pa
    import pyarrow.parquet as pq
    import zstandard

    folder.mkdir(parents=True, exist_ok=True)
    data = real.read_bytes()
    rows = [json.loads(line) for line in data.splitlines() if line.strip()]
    paths = {"JSONL": real, "JSONL.gz": folder / "real.jsonl.gz", "JSONL.zst": folder / "real.jsonl.zst",
             "CSV": folder / "real.csv", "JSON array": folder / "real.json", "Parquet": folder / "real.parquet"}
    if not paths["JSONL.gz"].exists():
        paths["JSONL.gz"].write_bytes(gzip.compress(data, compresslevel=6))
        paths["JSONL.zst"].write_bytes(zstandard.ZstdCompressor(level=3).compress(data))
        fields = sorted({k for r in rows for k in r})
        with open(paths["CSV"], "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
        paths["JSON array"].write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        pq.write_table(pa.Table.from_pylist(rows), paths["Parquet"])
    return paths


def _write_warc(pages: list[Path], path: Path) -> Path:
    """The web pages as one crawl (a request and a response record each)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    if path.exists():
        return path
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for page in pages:
            uri = f"https://example.org/{page.name.removesuffix('.html.gz')}"
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(gzip.decompress(page.read_bytes())),
                                                          http_headers=headers))
    return path


def _time(paths: list[Path], rounds: int) -> tuple[int, float, int]:
    """(documents, median seconds, bytes on disk) of reading ``paths``."""
    times, count = [], 0
    for _ in range(rounds):
        t0 = time.perf_counter()
        count = sum(1 for _ in iter_documents(paths))
        times.append(time.perf_counter() - t0)
    size = sum(p.stat().st_size if p.is_file() else sum(f.stat().st_size for f in p.rglob("*")) for p in paths)
    return count, statistics.median(times), size


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--eval-dir", default=None, help=f"folder of the corpora (default {corpora.DEFAULT_EVAL_DIR})")
    args = parser.parse_args(argv)
    root = corpora.eval_dir_or_exit(args.eval_dir, need=("zyte-article-extraction",))
    real = OUT / "real.jsonl"
    if not real.exists():
        corpora.die(f"{real} is missing: run benchmarks/run.py (make bench) once to write it.")
    folder = OUT / "reading"
    inputs = {name: [p] for name, p in _write_corpora(real, folder).items()}
    html = root / "zyte-article-extraction" / "html"
    inputs["HTML (.html.gz pages)"] = [html]
    inputs["WARC.gz"] = [_write_warc(sorted(html.glob("*.html.gz")), folder / "zyte.warc.gz")]
    lines = ["| input | documents | MB on disk | seconds | documents/s | MB/s |", "|---|---:|---:|---:|---:|---:|"]
    for name, paths in inputs.items():
        count, seconds, size = _time(paths, args.rounds)
        lines.append(f"| {name} | {count:,} | {size / 1e6:.1f} | {seconds:.2f} | {count / seconds:,.0f} | "
                     f"{size / 1e6 / seconds:.1f} |")
        print(lines[-1], flush=True)
    table = "\n".join(lines)
    (OUT / "reading.md").write_text(f"{corpora.repository_state()}\n\n{table}\n", encoding="utf-8")
    print(f"\n{table}")


if __name__ == "__main__":
    main()
