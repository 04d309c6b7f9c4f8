"""Index open + query latency against index size, next to a pickled datasketch ``MinHashLSH``.

What is measured, at each size N (documents indexed):

- **dedup index** (one SQLite file, :class:`dedup.index.Index`): the time to build it
  (``Index.add``, growing from the previous size), its size on disk; then, in a *fresh
  process* (warm OS file cache, nothing of the index in the process): the time to open it
  (``Index.open``: connection, header and manifest, settings check; the LSH shape that the
  settings check derives is computed before the clock starts, as any command computes it
  once to sign articles), the time to look up
  the candidates of 100 new articles (band-key table only), the time of a whole
  ``check()`` of those 100 articles (clean, sign, look up, fetch only the candidates,
  verify, align), the process's resident memory growth, and recall: how many of the 50
  reprints among the 100 were matched to the indexed story they copy.
- **datasketch MinHashLSH** (the usual way to keep an LSH between runs: pickle it; the peer
  being compared, so pickle is used here and only here): in a process of its own, the same
  documents' whole-document MinHashes (the bits dedup stores, read from the index file)
  inserted into ``MinHashLSH(threshold=0.5, num_perm=128)``, then pickled (time and size);
  then in a fresh process the time to unpickle it (all of it must be loaded before the
  first query), the time of 100 ``query`` calls, resident memory growth, and recall on the
  same 50 reprints. It needs about 8.6 KB of memory per document; a size the machine's
  available memory cannot hold twice over is skipped, and the table says so.

- **the same index on PostgreSQL** (with ``--postgres URL``, or ``--postgres auto`` to start a
  throw-away server as the tests do, ``tests/pgserver.py``, with ``shared_buffers=1GB``): the same documents added to a
  schema ``bench_index`` (build time, documents/s), then the same fresh-process measures (open,
  look-up, ``check()`` of 100) and, for both backends, **4 clients at once**: four fresh
  processes each checking the 100 articles, started together; their throughput is 400
  articles over the wall time until the last is done.

The documents are **synthetic** (every table and the JSON say so): a headline, a site line
drawn from a pool of 20 (template lines, so the line counts are exercised), and 4-5 sentences
of 10-18 words drawn from a Zipf-distributed vocabulary of 30,000 invented words, about 80 words
in all (news articles are longer: a real index holds several times more band keys per
document). Query set: 50 reprints of indexed documents (three sentences kept, two new ones
added; the kind of reprint whole-document LSH misses) and 50 new documents.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_index.py                   # sizes 1000,10000,100000
    .venv/bin/python benchmarks/bench_index.py --sizes 1000000   # the big one (builds up to it; about an hour)
    .venv/bin/python benchmarks/bench_index.py --sizes 1000,10000 --workdir /tmp/bench
    .venv/bin/python benchmarks/bench_index.py --postgres auto   # and PostgreSQL beside SQLite

Writes ``benchmarks/out/bench_index.json`` (every number, machine and settings) and
``benchmarks/out/bench_index.md`` (the table printed). The index and pickle files go to
``--workdir`` (default ``benchmarks/out/bench_index``) and are deleted unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dedup.ingest import Document  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
VOCABULARY = 30_000
SITE_LINES = [f"Sign up for the {name} newsletter" for name in (
    "morning", "evening", "business", "politics", "sport", "culture", "science", "weekend", "travel", "money",
)] + [f"Follow {name} on social media" for name in (
    "the newsroom", "our reporters", "the politics desk", "the business desk", "our editors",
    "the city desk", "the foreign desk", "the sports desk", "the science desk", "the culture desk",
)]


def _vocabulary(seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ner", "sta", "pol", "ve", "ri", "dan", "to", "gu", "bel", "sor", "fa", "min",
                 "tre", "al", "os", "un", "ped", "qua", "zi", "hor", "ent", "lis", "mar", "cor", "div", "ex", "bra"]
    words: set[str] = set()
    while len(words) < VOCABULARY:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))))
    return sorted(words)


WORDS = _vocabulary()
_CUM = None


def _sentence(rng: random.Random) -> str:
    global _CUM
    if _CUM is None:  # Zipf weights 1/rank, cumulated once
        import itertools

        _CUM = list(itertools.accumulate(1.0 / (r + 1) for r in range(VOCABULARY)))
    words = rng.choices(WORDS, cum_weights=_CUM, k=rng.randint(10, 18))
    return " ".join(words).capitalize() + "."


def synthetic(i: int) -> Document:
    """Synthetic document number ``i`` (the same for the same ``i``, whatever the size)."""
    rng = random.Random(1_000_003 * 17 + i)
    headline = " ".join(rng.choices(WORDS, k=6)).title()
    sentences = [_sentence(rng) for _ in range(rng.randint(4, 5))]
    body = " ".join(sentences[:2]) + "\n\n" + " ".join(sentences[2:])
    return Document(f"syn-{i:07d}", f"{headline}\n\n{rng.choice(SITE_LINES)}\n\n{body}")


def reprint(source: Document, i: int) -> Document:
    """Keep the first three sentences of ``source`` and add two new ones."""
    rng = random.Random(9_999_991 + i)
    body = source.text.split("\n\n", 2)[2].replace("\n\n", " ")
    kept = ". ".join(body.split(". ")[:3]).rstrip(".") + "."
    return Document(f"reprint-of-{source.doc_id}", f"{kept} {_sentence(rng)} {_sentence(rng)}")


def queries(size: int, n: int = 100) -> list[tuple[Document, str | None]]:
    """n/2 reprints of indexed documents (with the id they copy) and n/2 new documents."""
    rng = random.Random(size)
    picked = rng.sample(range(size), n // 2)
    out = [(reprint(synthetic(i), i), synthetic(i).doc_id) for i in picked]
    out += [(synthetic(10**8 + size + k), None) for k in range(n - n // 2)]
    return out


# --- measurements in a fresh process -----------------------------------------------------------

_RSS = r"""
import os
def rss_mb():  # resident set size now (Linux: /proc/self/statm, in pages)
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
"""

_PROBE_INDEX = _RSS + r"""
import json, sys, time
from dedup.check import check
from dedup.index import Index
from dedup.ingest import Document
from dedup.steps import prepare_many
items = [json.loads(line) for line in open(sys.argv[2])]
docs = [Document(r["id"], r["text"]) for r in items]
prepared = prepare_many(docs)  # signs the queries, and computes the LSH shape once (as any command does)
if sys.argv[1].startswith("postgres"):
    import psycopg  # the driver's import (~70 ms) is not part of opening, as sqlite3's is not
base = rss_mb()
t = time.perf_counter()
index = Index.open(sys.argv[1])
settings = index.settings
open_s = time.perf_counter() - t
t = time.perf_counter()
with index.reading():
    candidates = [index.candidates(p) for p in prepared]
lookup_s = time.perf_counter() - t
t = time.perf_counter()
result = check(docs, index)
check_s = time.perf_counter() - t
found = {a.doc_id: {m.doc_id for m in a.matches} for a in result.articles}
hits = sum(1 for r in items if r["source"] and r["source"] in found.get(r["id"], ()))
print(json.dumps({"open_s": open_s, "lookup_s": lookup_s, "check_s": check_s,
                  "candidates": sum(len(c) for c in candidates), "recall": hits / sum(1 for r in items if r["source"]),
                  "rss_growth_mb": rss_mb() - base}))
"""

_PROBE_PICKLE = _RSS + r"""
import json, pickle, sys, time
from dedup.ingest import Document
from dedup.steps import prepare_many
items = [json.loads(line) for line in open(sys.argv[2])]
docs = [Document(r["id"], r["text"]) for r in items]
hashes = [p.signature.to_datasketch() for p in prepare_many(docs)]
import datasketch  # the import is not part of the load time
base = rss_mb()
t = time.perf_counter()
with open(sys.argv[1], "rb") as f:
    lsh = pickle.load(f)
load_s = time.perf_counter() - t
t = time.perf_counter()
results = [lsh.query(h) for h in hashes]
query_s = time.perf_counter() - t
hits = sum(1 for r, got in zip(items, results) if r["source"] and r["source"] in got)
print(json.dumps({"load_s": load_s, "query_s": query_s, "candidates": sum(len(r) for r in results),
                  "recall": hits / sum(1 for r in items if r["source"]),
                  "rss_growth_mb": rss_mb() - base}))
"""


_BUILD_LSH = r"""
import json, pickle, sqlite3, sys, time
import numpy as np
from datasketch import MinHash, MinHashLSH
# the stored MinHashes, read straight from the documented format (a benchmark may)
con = sqlite3.connect(sys.argv[1])
lsh = MinHashLSH(threshold=0.5, num_perm=128)
t = time.perf_counter()
for doc_id, blob in con.execute("SELECT doc_id, minhash FROM documents ORDER BY doc"):
    lsh.insert(doc_id, MinHash(seed=1, hashvalues=np.frombuffer(blob, dtype="<u4"), scheme="affine32"))
insert_s = time.perf_counter() - t
con.close()
t = time.perf_counter()
with open(sys.argv[2], "wb") as f:
    pickle.dump(lsh, f, protocol=pickle.HIGHEST_PROTOCOL)
print(json.dumps({"insert_s": insert_s, "dump_s": time.perf_counter() - t}))
"""
# Resident memory one MinHashLSH takes per document (measured: 856 MB per 100,000), with
# room for pickling it: the builder, then each measuring process, holds one at a time.
_LSH_BYTES_PER_DOC = 8_600 * 2


def _clients(location: str, query_file: Path, n: int = 4) -> float:
    """Articles checked per second by ``n`` fresh processes started together, each checking every
    query against the index at ``location`` (their wall time, start to the last one's end)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    count = sum(1 for _ in open(query_file))
    t = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", _PROBE_INDEX, location, str(query_file)], stdout=subprocess.PIPE,
                              text=True, env=env) for _ in range(n)]
    for p in procs:
        p.communicate()
        if p.returncode:
            raise RuntimeError(f"a checking client failed on {location}")
    return n * count / (time.perf_counter() - t)


def _fresh_schema(url: str) -> str:
    """``url`` naming the schema ``bench_index``, dropped first: every run builds from nothing."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        con.execute("DROP SCHEMA IF EXISTS bench_index CASCADE")
    return f"{url}{'&' if '?' in url else '?'}schema=bench_index"


def _available_bytes() -> int:
    with open("/proc/meminfo") as f:
        info = dict(line.split(":", 1) for line in f)
    return int(info["MemAvailable"].split()[0]) * 1024


def _probe(script: str, *args: str, repeat: int = 1) -> dict:
    """Run a measuring script in fresh processes ``repeat`` times; the median of each number."""
    import statistics

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, env=env, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


# --- the run -------------------------------------------------------------------------------------


def run(sizes: list[int], workdir: Path, *, batch_size: int, workers: int, keep: bool, repeat: int,
        resume: bool = False, save=None, postgres: str | None = None, lsh: bool = True) -> dict:
    from dedup.index import Index

    pg = _fresh_schema(postgres) if postgres else None
    pg_index = Index.open(pg, create=True) if pg else None
    pg_build_s = 0.0

    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "bench.db"
    pickled = workdir / "bench.lsh.pickle"
    for leftover in workdir.glob("bench.*"):
        if not (resume and leftover.name == "bench.db"):
            leftover.unlink()
    index = Index.open(str(db), create=True)
    results: list[dict] = []
    # documents are added in order and each batch commits whole, so an index left by a
    # killed run holds documents 0..n-1: a resumed run adds from n (timing only its part)
    built = resumed = len(index) if resume else 0
    if resumed:
        print(f"  resuming: {resumed:,} documents already indexed", file=sys.stderr)
    build_s = 0.0
    for size in sorted(sizes):
        if size < built:
            print(f"  {size:,}: the resumed index is already larger; skipped", file=sys.stderr)
            continue
        for start in range(built, size, 100_000):  # grow in slices: memory stays bounded
            docs = [synthetic(i) for i in range(start, min(size, start + 100_000))]
            t = time.perf_counter()
            index.add(docs, batch_size=batch_size, workers=workers,
                      progress=lambda stage, done, total: print(f"\r  index {start + done:>9,}/{size:,}", end="", file=sys.stderr))
            build_s += time.perf_counter() - t
            if pg_index is not None:
                t = time.perf_counter()
                pg_index.add(docs, batch_size=batch_size, workers=workers,
                             progress=lambda stage, done, total: print(f"\r  postgres {start + done:>9,}/{size:,}", end="",
                                                                       file=sys.stderr))
                pg_build_s += time.perf_counter() - t
        print(file=sys.stderr)
        built = size
        index.close()  # fold the WAL into the file, as a finished `dedup index add` leaves it
        con = sqlite3.connect(db)
        keys = con.execute("SELECT count(*) FROM bands").fetchone()[0]
        con.close()
        need, have = size * _LSH_BYTES_PER_DOC, _available_bytes()
        lsh_note = None
        if not lsh:
            lsh_note = "not measured (--no-lsh)"
        elif need > have:
            lsh_note = f"skipped: a MinHashLSH of {size:,} documents needs ~{need / 2**30:.0f} GiB, {have / 2**30:.0f} GiB available"
            print(f"  {lsh_note}", file=sys.stderr)
        else:
            print(f"  MinHashLSH of {size:,} ...", file=sys.stderr)
            built_lsh = _probe(_BUILD_LSH, str(db), str(pickled))
        query_file = workdir / f"queries-{size}.jsonl"
        query_file.write_text("".join(json.dumps({"id": d.doc_id, "text": d.text, "source": src}) + "\n" for d, src in queries(size)))
        print(f"  measuring {size:,} ...", file=sys.stderr)
        ours = _probe(_PROBE_INDEX, str(db), str(query_file), repeat=repeat)
        row = {
            "documents": size, "synthetic": True,
            "index_build_s": round(build_s, 2) if not resumed else None,
            "index_build_note": f"resumed: {resumed:,} documents were indexed by an earlier run that was killed; "
                                f"this run added the rest in {build_s:.0f} s" if resumed else None,
            "index_bytes": db.stat().st_size, "band_keys": keys,
            "band_keys_per_doc": round(keys / size, 1),
            "index_open_ms": round(ours["open_s"] * 1000, 2), "index_lookup_100_ms": round(ours["lookup_s"] * 1000, 1),
            "index_check_100_ms": round(ours["check_s"] * 1000, 1), "index_candidates": ours["candidates"],
            "index_rss_growth_mb": round(ours["rss_growth_mb"], 1), "index_recall": ours["recall"],
        }
        row["index_clients_4_per_s"] = round(_clients(str(db), query_file), 1)
        if pg:
            theirs_pg = _probe(_PROBE_INDEX, pg, str(query_file), repeat=repeat)
            row.update({
                "pg_build_s": round(pg_build_s, 2), "pg_bytes": pg_index.stats().bytes,
                "pg_open_ms": round(theirs_pg["open_s"] * 1000, 2), "pg_lookup_100_ms": round(theirs_pg["lookup_s"] * 1000, 1),
                "pg_check_100_ms": round(theirs_pg["check_s"] * 1000, 1), "pg_recall": theirs_pg["recall"],
                "pg_clients_4_per_s": round(_clients(pg, query_file), 1),
            })
        if lsh_note:
            row["lsh"] = lsh_note
        else:
            theirs = _probe(_PROBE_PICKLE, str(pickled), str(query_file), repeat=repeat)
            row.update({
                "lsh_build_s": round(built_lsh["insert_s"], 2), "pickle_bytes": pickled.stat().st_size,
                "pickle_dump_s": round(built_lsh["dump_s"], 2), "pickle_load_ms": round(theirs["load_s"] * 1000, 1),
                "lsh_query_100_ms": round(theirs["query_s"] * 1000, 1), "lsh_candidates": theirs["candidates"],
                "lsh_rss_growth_mb": round(theirs["rss_growth_mb"], 1), "lsh_recall": theirs["recall"],
            })
            pickled.unlink()
        results.append(row)
        print("  " + json.dumps(row), file=sys.stderr)
        if save:
            save(results)  # after each size: a long run killed later keeps what it measured
        query_file.unlink()
        index = Index.open(str(db))
    index.close()
    if pg_index is not None:
        pg_index.close()
    if not keep:
        shutil.rmtree(workdir)
    return _document(results, batch_size=batch_size, workers=workers, repeat=repeat)


def _document(results: list[dict], *, batch_size: int, workers: int, repeat: int) -> dict:
    return {
        "benchmark": "index open + query latency vs size (synthetic documents)",
        "synthetic": True,
        "documents": "synthetic: headline, one of 20 site lines, 4-5 sentences of 10-18 Zipf-drawn invented words (~80 words)",
        "queries": "100 per size: 50 reprints of indexed documents (3 sentences kept + 2 new), 50 new documents",
        "machine": {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version, "cpus": os.cpu_count(),
                    "platform": platform.platform()},
        "settings": {"batch_size": batch_size, "workers": workers, "repeat": repeat,
                     "lsh": "datasketch MinHashLSH(threshold=0.5, num_perm=128)"},
        "results": results,
    }


def table(data: dict) -> str:
    lines = [
        "## Index open + query latency vs size (synthetic documents)",
        "",
        f"Synthetic documents, ~80 words each; 100 queries per size (50 reprints keeping 3 of 4-5 sentences, "
        f"50 new); measured in a fresh process (median of {data['settings']['repeat']}), warm OS file cache. {data['machine']['cpus']} CPUs, "
        f"Python {data['machine']['python']}, SQLite {data['machine']['sqlite']}.",
        "",
        "| documents (synthetic) | dedup index: build s | file MB | band keys/doc | open ms | lookup 100 ms | check 100 ms | RSS +MB | recall | "
        "pickled MinHashLSH: insert s | pickle MB | load (unpickle) ms | query 100 ms | RSS +MB | recall |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in data["results"]:
        build = f"{r['index_build_s']:.1f}" if r.get("index_build_s") is not None else "resumed*"
        ours = (f"| {r['documents']:,} | {build} | {r['index_bytes'] / 1e6:.1f} | {r['band_keys_per_doc']:.0f} | "
                f"{r['index_open_ms']:.1f} | {r['index_lookup_100_ms']:.0f} | {r['index_check_100_ms']:.0f} | "
                f"{r['index_rss_growth_mb']:.0f} | {r['index_recall']:.2f} |")
        if "lsh" in r:
            theirs = f" {r['lsh']} | | | | | |"
        else:
            theirs = (f" {r['lsh_build_s']:.1f} | {r['pickle_bytes'] / 1e6:.1f} | {r['pickle_load_ms']:.0f} | "
                      f"{r['lsh_query_100_ms']:.0f} | {r['lsh_rss_growth_mb']:.0f} | {r['lsh_recall']:.2f} |")
        lines.append(ours + theirs)
    if any("pg_build_s" in r for r in data["results"]):
        lines += ["", "SQLite against PostgreSQL (the same documents and queries; build: documents/s added; "
                  "4 clients: articles/s checked by four processes at once):", "",
                  "| documents (synthetic) | build SQLite | build PostgreSQL | open SQLite | open PostgreSQL | "
                  "check 100 SQLite | check 100 PostgreSQL | 4 clients SQLite | 4 clients PostgreSQL | size SQLite | size PostgreSQL |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in data["results"]:
            if "pg_build_s" not in r:
                continue
            sqlite_rate = f"{r['documents'] / r['index_build_s']:,.0f}/s" if r.get("index_build_s") else "resumed"
            lines.append(
                f"| {r['documents']:,} | {sqlite_rate} | {r['documents'] / r['pg_build_s']:,.0f}/s | {r['index_open_ms']:.1f} ms | "
                f"{r['pg_open_ms']:.1f} ms | {r['index_check_100_ms']:.0f} ms | {r['pg_check_100_ms']:.0f} ms | "
                f"{r['index_clients_4_per_s']:,.0f}/s | {r['pg_clients_4_per_s']:,.0f}/s | {r['index_bytes'] / 1e6:.0f} MB | "
                f"{r['pg_bytes'] / 1e6:.0f} MB |")
    notes = [f"*{r['documents']:,}: {r['index_build_note']}." for r in data["results"] if r.get("index_build_note")]
    lines += [""] + notes + [
        "",
        "lookup: band-key lookups of the 100 signed queries (no document read); check: the whole "
        "`check()` of the 100 (clean, sign, look up, fetch candidates, verify, align). Recall: of the "
        "50 reprints, those matched to the indexed story they copy (dedup: verdict by `check`; "
        "MinHashLSH: returned by `query`, whole-document Jaccard). RSS +MB: resident memory of the "
        "measuring process after the queries minus before opening (or unpickling).",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated index sizes (documents); 1000000 for the big one")
    parser.add_argument("--workdir", type=Path, default=OUT / "bench_index", help="where the index and pickle files go")
    parser.add_argument("--batch-size", type=int, default=20_000, help="documents per transaction while building (bulk load)")
    parser.add_argument("--workers", type=int, default=0, help="processes signing documents (0: one per CPU)")
    parser.add_argument("--keep", action="store_true", help="keep the index and pickle files")
    parser.add_argument("--repeat", type=int, default=3, help="fresh-process measurements per size (the median is reported)")
    parser.add_argument("--resume", action="store_true",
                        help="continue from the index a killed run left in --workdir, and keep the rows of other sizes in --out")
    parser.add_argument("--out", type=Path, default=OUT / "bench_index.json", help="JSON results")
    parser.add_argument("--postgres", metavar="URL",
                        help="also build and measure the index on PostgreSQL at URL (schema bench_index, dropped first), "
                             "or 'auto': a throw-away server started as the tests start one")
    parser.add_argument("--no-lsh", action="store_true", help="leave out the pickled MinHashLSH (its columns stay empty)")
    args = parser.parse_args()
    try:
        sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        parser.error(f"--sizes takes comma-separated integers, got {args.sizes!r}")
    if not sizes or sizes[0] < 100:
        parser.error("sizes must be at least 100 (the query set picks 50 indexed documents)")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    earlier = []
    if args.resume and args.out.exists():
        earlier = [r for r in json.loads(args.out.read_text())["results"] if r["documents"] not in sizes]
    args.out.parent.mkdir(parents=True, exist_ok=True)

    def save(rows: list[dict]) -> dict:
        data = _document(sorted(earlier + rows, key=lambda r: r["documents"]), batch_size=args.batch_size,
                         workers=args.workers, repeat=args.repeat)
        args.out.write_text(json.dumps(data, indent=2) + "\n")
        args.out.with_suffix(".md").write_text(table(data))
        return data

    server = None
    if args.postgres == "auto":
        sys.path.insert(0, str(ROOT / "tests"))
        import pgserver

        server = pgserver.Server("shared_buffers=1GB")  # a server for a corpus: its band-key index cached
        args.postgres = server.url
    try:
        data = run(sizes, args.workdir, batch_size=args.batch_size, workers=args.workers, keep=args.keep,
                   repeat=args.repeat, resume=args.resume, save=save, postgres=args.postgres, lsh=not args.no_lsh)
    finally:
        if server is not None:
            server.stop()
    print(table(save(data["results"])))


if __name__ == "__main__":
    main()
