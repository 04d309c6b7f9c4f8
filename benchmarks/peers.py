"""The pipelines the speed benchmark races, and the worker that runs one of them in its own process.

What a user would pick instead of dedup, written the way a competent user writes it from each
library's documentation, next to ``dedup.scan`` itself:

``datasketch``
    ``MinHash.bulk`` over each document's lowercased, whitespace-split word 5-shingles (a set,
    UTF-8 bytes), 128 permutations; ``MinHashLSH(threshold=0.5, num_perm=128)`` (datasketch picks
    25 bands of 5 rows) filled through ``insertion_session``; every document queried; union-find
    over the hits. No verification: every group is LSH candidates chained together.
``rensa``
    the same shingles (``str``) through rensa's Rust MinHash, ``RMinHash.from_token_sets(...,
    num_perm=128, seed=1)`` (the batch form of ``RMinHash(128, 1).update(tokens)``, from rensa's
    README); ``RMinHashLSH(threshold=0.5, num_perm=128, num_bands=32)`` (rensa needs the bands to
    divide the permutations; 32 x 4 is the divisor of 128 that minimises datasketch's own weighted
    false positive + false negative probability at threshold 0.5, as datasketch's ``MinHashLSH``
    does for its 25 x 5); ``insert_many``, ``query_all``, union-find.
``dedup``
    ``dedup.scan(documents, workers=N)`` with default ``Settings()``: cleaning, passage LSH,
    exact verification, clusters, paragraph alignment of every cluster member. A group is a
    cluster (connected duplicate/reprint verdicts).

Run as a script, this module is the *worker* ``run.py`` starts once per pipeline and round, so
that peak memory is that pipeline's alone::

    .venv/bin/python benchmarks/peers.py --pipeline datasketch --corpus benchmarks/out/real.jsonl \\
        --result benchmarks/out/tmp/r.json [--groups benchmarks/out/tmp/g.json] [--workers 0]

It reads the corpus (JSONL, ``{"id", "text", "title"?, "source"?, "published"?}`` per line: the
format ``dedup scan`` reads), then times the pipeline alone: wall seconds, CPU seconds
(user + system of this process, its threads and its waited-for child processes, from
``getrusage``) and the stages; it writes them as JSON to ``--result`` and, with ``--groups``,
the groups found (lists of doc ids, two or more members) and, for dedup, the verified pairs.

>>> groups = datasketch_pipeline(["the cat sat on the mat today", "The cat sat on the mat today",
...                               "a completely different story about other things"]).groups
>>> groups
[[0, 1]]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

#: The peers' knobs: what datasketch's README and a user's first try would use.
SHINGLE_SIZE = 5
NUM_PERM = 128
THRESHOLD = 0.5
SEED = 1
#: rensa's band count at 128 permutations (see the module docstring for why 32).
RENSA_BANDS = 32

PIPELINES = ("datasketch", "rensa", "dedup")


@dataclass(frozen=True)
class PeerResult:
    """What one pipeline found, and how long its stages took.

    Attributes:
        groups: groups of document positions (two or more members), each sorted.
        candidates: distinct candidate pairs the LSH produced (dedup: pairs verified).
        timings: seconds per stage, in order.
        pairs: dedup only: verified pairs ``(a, b, verdict)`` whose verdict is not ``none``, by id.
    """

    groups: list[list[int]]
    candidates: int
    timings: dict[str, float]
    pairs: list[tuple[str, str, str]] = field(default_factory=list)


def shingles(text: str, *, shingle_size: int = SHINGLE_SIZE) -> set[str]:
    """Return the set of lowercased, whitespace-split word shingles (the whole text if shorter).

    >>> sorted(shingles("A b c d e F", shingle_size=5))
    ['a b c d e', 'b c d e f']
    """
    words = text.lower().split()
    if len(words) < shingle_size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + shingle_size]) for i in range(len(words) - shingle_size + 1)}


class UnionFind:
    """Disjoint sets over ``0..n-1`` with path halving and union by smaller root."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[int]]:
        """Return the sets of two or more members, each sorted, in order of their smallest member."""
        by_root: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            by_root.setdefault(self.find(i), []).append(i)
        return [g for g in by_root.values() if len(g) > 1]


def _union_hits(n: int, hits: Iterable[tuple[int, Iterable[int]]]) -> tuple[UnionFind, int]:
    """Union every query with its hits; return the sets and the distinct candidate pairs.

    LSH hits are symmetric (two documents share a band or they do not), so the distinct
    pairs are half the hits that are not the query itself.
    """
    uf = UnionFind(n)
    total = 0
    for i, found in hits:
        for j in found:
            if j != i:
                total += 1
                uf.union(i, j)
    return uf, total // 2


def datasketch_pipeline(texts: Sequence[str]) -> PeerResult:
    """MinHash.bulk + MinHashLSH(threshold=0.5) + query every document + union-find."""
    from datasketch import MinHash, MinHashLSH

    timings = {}
    t0 = time.perf_counter()
    sigs = MinHash.bulk(([s.encode("utf8") for s in shingles(t)] for t in texts), num_perm=NUM_PERM, seed=SEED)
    timings["shingle+minhash"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for i, m in enumerate(sigs):
            session.insert(i, m)
    timings["lsh insert"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    hits = [(i, lsh.query(m)) for i, m in enumerate(sigs)]
    timings["lsh query"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    uf, candidates = _union_hits(len(texts), hits)
    groups = uf.groups()
    timings["union-find"] = time.perf_counter() - t0
    return PeerResult(groups, candidates, timings)


def rensa_pipeline(texts: Sequence[str]) -> PeerResult:
    """RMinHash.from_token_sets + RMinHashLSH(0.5, 128, 32) + query_all + union-find."""
    from rensa import RMinHash, RMinHashLSH

    timings = {}
    t0 = time.perf_counter()
    sigs = RMinHash.from_token_sets((list(shingles(t)) for t in texts), num_perm=NUM_PERM, seed=SEED)
    timings["shingle+minhash"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    lsh = RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=RENSA_BANDS)
    lsh.insert_many(sigs)
    timings["lsh insert"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    hits = lsh.query_all(sigs)
    timings["lsh query"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    uf, candidates = _union_hits(len(texts), enumerate(hits))
    groups = uf.groups()
    timings["union-find"] = time.perf_counter() - t0
    return PeerResult(groups, candidates, timings)


def dedup_pipeline(documents: Sequence, *, workers: int) -> PeerResult:
    """``dedup.scan(documents, workers=workers)``; groups are its clusters."""
    import dedup

    result = dedup.scan(documents, workers=workers)
    position = {d.doc_id: i for i, d in enumerate(documents)}
    groups = [sorted(position[m] for m in c.members) for c in result.clusters]
    pairs = [(m.a, m.b, m.verdict) for m in result.pairs]
    return PeerResult(groups, result.candidates, dict(result.timings), pairs)


# --- the worker ---------------------------------------------------------------------------------


def read_corpus(path: str | Path) -> Iterator[dict]:
    """Yield the records of a JSONL corpus (one JSON object per non-blank line)."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _children_reaped(timeout: float = 30.0) -> None:
    """Wait until this process has no child left unreaped (up to ``timeout`` seconds): a child's
    CPU time counts in ``RUSAGE_CHILDREN`` once it has been waited for, and a pipeline may
    return before its worker processes are (dedup's pool waits for its worker on a thread, so
    that the caller goes on). Reads ``/proc`` (Linux); elsewhere, returns at once."""
    tasks = Path("/proc/self/task")
    if not tasks.is_dir():
        return
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if not any((task / "children").read_text().split() for task in tasks.iterdir()):
                return
        except OSError:  # a thread ended while it was read, or no children file (an old kernel)
            return
        time.sleep(0.002)


def _cpu_seconds() -> float:
    """User + system CPU of this process (all threads) and of its waited-for children."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _maxrss_mb() -> float:
    """Peak resident memory of this process so far, in MB.

    Read from ``VmHWM`` in ``/proc/self/status`` where there is one: ``getrusage``'s
    ``ru_maxrss`` survives ``exec`` on Linux, so in a freshly started worker it reports
    the *parent's* size if that was larger. Elsewhere, ``ru_maxrss`` (kilobytes on Linux,
    bytes on macOS).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def run_worker(pipeline: str, corpus: Path, *, workers: int = 0) -> tuple[dict, PeerResult, list[str]]:
    """Load ``corpus``, run ``pipeline`` on it and return (measurements, result, doc ids)."""
    t0 = time.perf_counter()
    if pipeline == "dedup":
        from dedup import Document

        docs = [Document(doc_id=r["id"], text=r["text"], title=r.get("title"), url=r.get("url"),
                         source=r.get("source"), published=r.get("published")) for r in read_corpus(corpus)]
        ids = [d.doc_id for d in docs]
    else:
        records = [(r["id"], r["text"]) for r in read_corpus(corpus)]
        ids = [i for i, _ in records]
        docs = [t for _, t in records]
        del records
        __import__("datasketch" if pipeline == "datasketch" else "rensa")  # import outside the timing
    load = time.perf_counter() - t0
    rss_loaded = _maxrss_mb()
    cpu0, t0 = _cpu_seconds(), time.perf_counter()
    if pipeline == "datasketch":
        result = datasketch_pipeline(docs)
    elif pipeline == "rensa":
        result = rensa_pipeline(docs)
    elif pipeline == "dedup":
        result = dedup_pipeline(docs, workers=workers)
    else:
        raise ValueError(f"unknown pipeline {pipeline!r}; expected one of {', '.join(PIPELINES)}")
    wall = time.perf_counter() - t0
    _children_reaped()  # (a dedup pool's worker is reaped by a thread of its own after the scan returns)
    cpu = _cpu_seconds() - cpu0
    measured = {
        "pipeline": pipeline, "workers": workers if pipeline == "dedup" else 1, "docs": len(ids),
        "load_s": load, "wall_s": wall, "cpu_s": cpu, "rss_loaded_mb": rss_loaded, "rss_peak_self_mb": _maxrss_mb(),
        "stages": result.timings, "candidates": result.candidates, "groups": len(result.groups),
        "docs_in_groups": sum(len(g) for g in result.groups),
    }
    return measured, result, ids


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run one dedup pipeline or peer on a JSONL corpus and time it "
                                                 "(the worker of benchmarks/run.py).")
    parser.add_argument("--pipeline", required=True, choices=PIPELINES)
    parser.add_argument("--corpus", required=True, help="JSONL corpus, one {id, text, ...} per line")
    parser.add_argument("--result", required=True, help="where to write the measurements (JSON)")
    parser.add_argument("--groups", default=None, help="also write the groups found (JSON) here")
    parser.add_argument("--workers", type=int, default=0, help="dedup only: worker processes (0: one per CPU)")
    args = parser.parse_args(argv)
    if args.pipeline == "rensa":
        try:
            import rensa  # noqa: F401
        except ImportError:
            print("error: rensa is not installed; `pip install rensa` (PyPI) to race it.", file=sys.stderr)
            raise SystemExit(3)
    measured, result, ids = run_worker(args.pipeline, Path(args.corpus), workers=args.workers)
    Path(args.result).write_text(json.dumps(measured, indent=1) + "\n", encoding="utf-8")
    if args.groups:
        payload = {"groups": [[ids[i] for i in g] for g in result.groups], "pairs": result.pairs}
        Path(args.groups).write_text(json.dumps(payload) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
