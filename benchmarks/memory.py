"""How much memory one huge article takes: peak memory of ``dedup scan`` against article size.

For each size (1, 10 and 50 MB by default) a folder holds one synthetic article of that size
(English-like text from a seeded word generator: Zipf-distributed invented words of 4.4 letters
on average, sentences of 6-30 words, paragraphs of 1-5 sentences, numbers, quotations), a
reprint of part of it (ten of its paragraphs with a paragraph of other text around them: so
verify and align run on the huge article too) and one unrelated article. ``dedup scan --format
json`` runs on the folder in a fresh process (with its worker processes, ``--workers``); the
largest size is also run as one JSONL file holding the three as records, and with ``--news N``
among N real articles (the first of ``out/real.jsonl``, which ``make bench`` writes), where the
pool's worker processes take part. Peak memory is the larger of the scan process's peak RSS as
the kernel counts it (``ru_maxrss`` of ``wait4``: the largest single process of the tree) and
the proportional set size (PSS) summed over the process and its children, sampled every
~0.05 s; the table gives it against the article's size, and the wall time. Everything generated
goes to ``out/memory/`` (git-ignored), the table to ``out/memory.md``. The scan runs as
``python -m dedup``: with ``PYTHONPATH`` set to another checkout, it measures that one (the
table's header says which).

    .venv/bin/python benchmarks/memory.py [--sizes 1,10,50] [--jsonl 50] [--news 0] [--workers 0] [--rounds 1]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpora  # noqa: E402
from run import tree_memory  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
MB = 1_000_000

_CONSONANTS = "bcdfghjklmnprstvwz"
_VOWELS = "aeiou"


def _vocabulary(rng: np.random.Generator, size: int = 30_000) -> list[str]:
    """Invented words of 1-4 syllables, in the order of their frequency."""
    words: set[str] = set()
    while len(words) < size:
        syllables = int(rng.choice([1, 2, 3, 4], p=[0.1, 0.35, 0.4, 0.15]))
        words.add("".join(_CONSONANTS[rng.integers(len(_CONSONANTS))] + _VOWELS[rng.integers(len(_VOWELS))]
                          + ("n" if rng.random() < 0.3 else "") for _ in range(syllables)))
    # the frequent words a little shorter: 4.4 letters a word of running text (English: 4.7)
    return sorted(sorted(words), key=lambda w: len(w) + rng.exponential(100.0))


class Writer:
    """English-like paragraphs from a seeded generator: Zipf word frequencies (exponent 1.1),
    sentences of 6-30 words with a capital and a full stop, now and then a comma, a number or
    a quotation."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.words = _vocabulary(self.rng)
        ranks = np.arange(1, len(self.words) + 1, dtype=np.float64)
        self.p = ranks ** -1.1 / (ranks ** -1.1).sum()
        self.drawn: list[int] = []
        self.at = 0

    def _draw(self, n: int) -> list[int]:
        """``n`` word numbers, drawn 2^16 at a time (one draw per sentence is slow)."""
        if self.at + n > len(self.drawn):
            self.drawn = self.drawn[self.at :] + self.rng.choice(len(self.words), 1 << 16, p=self.p).tolist()
            self.at = 0
        self.at += n
        return self.drawn[self.at - n : self.at]

    def sentence(self) -> str:
        rng = self.rng
        n = int(rng.integers(6, 31))
        words = [self.words[k] for k in self._draw(n)]
        if rng.random() < 0.2:
            words[int(rng.integers(1, n))] = f"{rng.integers(2, 5000):,}"
        if rng.random() < 0.3:
            words[int(rng.integers(0, n - 1))] += ","
        words[0] = words[0].capitalize()
        text = " ".join(words) + "."
        if rng.random() < 0.1:
            text = f"“{text}” {self.words[int(rng.integers(40))]} said."
        return text

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(int(self.rng.integers(1, 6))))

    def article(self, size: int) -> list[str]:
        """Paragraphs adding up to about ``size`` bytes (with a blank line after each)."""
        out, total = [], 0
        while total < size:
            out.append(self.paragraph())
            total += len(out[-1].encode()) + 2
        return out

    def write_article(self, path: Path, size: int) -> list[str]:
        """Write an article of ``size`` bytes (a headline, then paragraphs) to ``path``, a
        megabyte at a time (this process stays small: its children inherit its peak); return
        ten of its paragraphs from the middle, for a reprint."""
        kept: list[str] = []
        with open(path, "w", encoding="utf-8") as f:
            f.write("Officials Meet In The Capital Over The Budget\n\n")
            written = 0
            while written < size:
                part = self.article(min(MB, size - written))
                if not kept and written + MB >= size // 2:
                    kept = part[len(part) // 2 : len(part) // 2 + 10]
                text = "\n\n".join(part) + "\n\n"
                f.write(text)
                written += len(text.encode())
        return kept


def _folder(size_mb: int, seed: int) -> tuple[Path, Path]:
    """The folder for one size (written once), and the same three articles as one JSONL file."""
    folder = OUT / "memory" / f"article-{size_mb}mb"
    jsonl = OUT / "memory" / f"article-{size_mb}mb.jsonl"
    if (folder / "done").exists():
        return folder, jsonl
    folder.mkdir(parents=True, exist_ok=True)
    writer = Writer(seed + size_mb)
    kept = writer.write_article(folder / "huge.txt", size_mb * MB)
    other = Writer(seed + 1000 + size_mb)
    reprint = ["Budget Talks Go On", *kept[:5], other.paragraph(), *kept[5:], other.paragraph()]
    (folder / "reprint.txt").write_text("\n\n".join(reprint) + "\n", encoding="utf-8")
    (folder / "unrelated.txt").write_text("\n\n".join(["Weather Turns Cold", *other.article(4000)]) + "\n",
                                          encoding="utf-8")
    with open(jsonl, "w", encoding="utf-8") as f:
        for name in ("huge", "reprint", "unrelated"):
            # the text escaped a megabyte at a time (JSON escapes character by character)
            f.write(f'{{"id": "{name}", "text": "')
            with open(folder / f"{name}.txt", encoding="utf-8", newline="") as text:
                while part := text.read(MB):
                    f.write(json.dumps(part, ensure_ascii=False)[1:-1])
            f.write('"}\n')
    (folder / "done").write_text("", encoding="utf-8")
    return folder, jsonl


def _among_news(folder: Path, count: int) -> Path:
    """A folder holding the articles of ``folder`` (linked) and the first ``count`` real articles
    of ``out/real.jsonl``: the long article in a corpus, where the scan's worker processes run."""
    real = OUT / "real.jsonl"
    if not real.exists():
        corpora.die(f"{real} is missing: run benchmarks/run.py (make bench) once to write it.")
    mixed = folder.parent / f"{folder.name}-news{count}"
    mixed.mkdir(exist_ok=True)
    for name in ("huge.txt", "reprint.txt", "unrelated.txt"):
        if not (mixed / name).exists():
            (mixed / name).symlink_to(folder / name)
    with open(real, encoding="utf-8") as f, open(mixed / "news.jsonl", "w", encoding="utf-8") as out:
        out.writelines(line for _, line in zip(range(count), f))
    return mixed


def measure(path: Path, workers: int, report: Path) -> dict:
    """Run ``dedup scan`` on ``path`` in a fresh process: peak MB, seconds, and what it found."""
    import psutil

    cmd = [sys.executable, "-m", "dedup", "scan", str(path), "--format", "json", "-o", str(report), "--quiet", "--workers", str(workers)]
    started = time.perf_counter()
    # run from out/memory/: ``python -m`` looks in the working directory first
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=OUT / "memory")
    ps = psutil.Process(proc.pid)
    sampled = 0.0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        sampled = max(sampled, tree_memory(ps))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    stderr = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        corpora.die(f"dedup scan {path} exited {code}: {stderr.strip()[-400:]}")
    found = json.loads(report.read_text(encoding="utf-8"))
    verdicts = sorted(p["verdict"] for p in found.get("pairs", []))
    reprint = [p["verdict"] for p in found.get("pairs", []) if {p["a"], p["b"]} <= {"huge", "huge.txt", "reprint", "reprint.txt"}]
    # ru_maxrss: kilobytes on Linux, the largest process of the tree (its children waited for)
    return {"peak_mb": max(sampled, usage.ru_maxrss * 1024) / MB, "sampled_pss_mb": sampled / MB,
            "maxrss_mb": usage.ru_maxrss * 1024 / MB, "seconds": seconds, "verdicts": verdicts,
            "reprint": reprint[0] if reprint else None}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,10,50", help="article sizes in MB (10^6 bytes), comma-separated")
    parser.add_argument("--jsonl", default="50", help="sizes also run as one JSONL record ('' for none)")
    parser.add_argument("--workers", type=int, default=0, help="dedup scan --workers (0: one per CPU)")
    parser.add_argument("--rounds", type=int, default=1, help="runs per input; the table gives the median")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--name", default="memory", help="output name: out/<name>.md and out/<name>.json")
    parser.add_argument("--news", type=int, default=0,
                        help="also run the largest size among this many real articles (out/real.jsonl, from make bench)")
    args = parser.parse_args(argv)
    try:
        import psutil  # noqa: F401
    except ImportError:
        corpora.die("psutil is needed to sample memory: pip install 'dedup-news[bench]' (or pip install psutil).")
    sizes = [int(s) for s in args.sizes.split(",") if s]
    as_jsonl = {int(s) for s in args.jsonl.split(",") if s}
    runs = []
    for size in sizes:
        folder, jsonl = _folder(size, args.seed)
        runs.append((f"{size} MB .txt", size, folder))
        if size in as_jsonl:
            runs.append((f"{size} MB JSONL record", size, jsonl))
    if args.news and sizes:
        mixed = _among_news(_folder(sizes[-1], args.seed)[0], args.news)
        runs.append((f"{sizes[-1]} MB .txt among {args.news:,} news articles", sizes[-1], mixed))
    lines = ["| article | article MB | peak MB | peak / article | seconds | the reprint's verdict, pairs |",
             "|---|---:|---:|---:|---:|---|"]
    results = []
    for name, size, path in runs:
        report = OUT / "memory" / f"{path.name}.report.json"
        found = [measure(path, args.workers, report) for _ in range(args.rounds)]
        peak = statistics.median(m["peak_mb"] for m in found)
        seconds = statistics.median(m["seconds"] for m in found)
        results.append({"article": name, "mb": size, "runs": found})
        lines.append(f"| {name} | {size} | {peak:,.0f} | {peak / size:.1f}x | {seconds:.1f} | "
                     f"{found[0]['reprint'] or 'not found'}, {len(found[0]['verdicts'])} |")
        print(lines[-1], flush=True)
    table = "\n".join(lines)
    state = (f"{corpora.repository_state()}; {os.cpu_count()} CPUs, dedup scan --workers {args.workers}, "
             f"{args.rounds} round(s); load average {os.getloadavg()[0]:.2f} at the end.")
    (OUT / f"{args.name}.md").write_text(f"{state}\n\n{table}\n", encoding="utf-8")
    (OUT / f"{args.name}.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"\n{table}")


if __name__ == "__main__":
    main()
