"""Measure dedup's verdicts and speed on real and synthetic news; print README-ready tables.

Sections (``--sections a,b,c,d``; all by default):

a. Synthetic reprints (:mod:`synth`, from BBC): recall of ``dedup.compare`` by
   fraction kept, precision on the negatives, and recall through the whole pipeline
   (``dedup.scan`` over all pairs in one corpus: LSH candidates, then verify),
   against the baseline a competent user writes with datasketch (``MinHash`` over
   lowercased word 5-shingles, 128 permutations, ``MinHashLSH(threshold=0.5)``).
b. SemEval-2022 Task 8: Overall rating (1 same story .. 4 unrelated) x verdict;
   the pairs called copies go to ``out/semeval_copies.jsonl`` for reading.
c. Exact-duplicate groups of Reuters-21578 and BBC: how many end up in one cluster,
   with verdict ``duplicate`` between every two members.
d. Scan time over Reuters + BBC, and the datasketch baseline pipeline's time on the
   same corpus in the same run.

Tables go to stdout and to ``out/quality.md``; per-pair details (ids and scores, no
article text) to ``out/synth_results.jsonl``. ``out/`` is git-ignored: the corpora
are third-party and must never be committed, nor any text taken from them.

Usage::

    .venv/bin/python benchmarks/quality.py                      # everything (several minutes)
    .venv/bin/python benchmarks/quality.py --sections a,b --limit 10   # a quick look
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpora  # noqa: E402
import synth  # noqa: E402

import dedup  # noqa: E402
from dedup.candidates import candidate_pairs  # noqa: E402
from dedup.ingest import Document  # noqa: E402

OUT_DIR = Path(__file__).resolve().parent / "out"
VERDICTS = ("duplicate", "reprint", "partial", "none")
COPY = ("duplicate", "reprint")
#: SemEval Overall bins: 1 = same story .. 4 = unrelated (a mean of raters, so fractional).
SEMEVAL_BINS = ((1.0, 1.5, "1-1.5"), (1.5, 2.5, "1.5-2.5"), (2.5, 3.5, "2.5-3.5"), (3.5, 4.0, "3.5-4"))
#: The baseline's knobs: what a user following datasketch's README would pick.
BASELINE_SHINGLE, BASELINE_PERM, BASELINE_THRESHOLD = 5, 128, 0.5


# --- output helpers ------------------------------------------------------------------------------


class Report:
    """Collect Markdown, echo it to stdout as it comes, and save it to a file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: list[str] = []

    def add(self, *lines: str) -> None:
        for line in lines:
            print(line, flush=True)
            self.lines.append(line)

    def table(self, header: Sequence[str], rows: Iterable[Sequence[object]], align: str | None = None) -> None:
        """Add a Markdown table; ``align`` is one letter per column (l/r), default left then right."""
        align = align or "l" + "r" * (len(header) - 1)
        self.add("| " + " | ".join(header) + " |",
                 "|" + "|".join("---:" if a == "r" else ":---" for a in align) + "|")
        for row in rows:
            self.add("| " + " | ".join(str(c) for c in row) + " |")
        self.add("")

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")


def pct(num: int, den: int) -> str:
    """Format ``num/den`` as a percentage with the counts, or ``-`` when empty."""
    return f"{100 * num / den:.1f}% ({num}/{den})" if den else "-"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def snippet(text: str, limit: int = 80) -> str:
    """Return at most ``limit`` characters on one line, safe inside a Markdown table."""
    s = " ".join(text.split()).replace("|", "/")
    return s if len(s) <= limit else s[: limit - 1] + "…"


# --- the datasketch baseline -------------------------------------------------------------------


def baseline_shingles(text: str, *, shingle_size: int = BASELINE_SHINGLE) -> set[str]:
    """Lowercased word shingles (whitespace split), the whole text if it is shorter."""
    words = text.lower().split()
    if len(words) < shingle_size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + shingle_size]) for i in range(len(words) - shingle_size + 1)}


def baseline_minhash(text: str):
    from datasketch import MinHash

    m = MinHash(num_perm=BASELINE_PERM)
    m.update_batch([s.encode("utf8") for s in baseline_shingles(text)])
    return m


def baseline_pipeline(docs: Sequence[Document]) -> dict:
    """Run the baseline: MinHash per doc, LSH insert, query every doc, union-find.

    Returns the candidate pairs (as sorted id tuples), the clusters (lists of ids, 2+
    members) and the seconds per stage.
    """
    from datasketch import MinHashLSH

    timings = {}
    t0 = time.perf_counter()
    sigs = [baseline_minhash(d.text) for d in docs]
    timings["minhash"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=BASELINE_THRESHOLD, num_perm=BASELINE_PERM)
    with lsh.insertion_session() as session:
        for i, m in enumerate(sigs):
            session.insert(i, m)
    timings["lsh insert"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    pairs = set()
    for i, m in enumerate(sigs):
        for j in lsh.query(m):
            if j != i:
                pairs.add((min(i, j), max(i, j)))
    timings["lsh query"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    parent = list(range(len(docs)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in pairs:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[str]] = defaultdict(list)
    for i, d in enumerate(docs):
        groups[find(i)].append(d.doc_id)
    clusters = [g for g in groups.values() if len(g) > 1]
    timings["union-find"] = time.perf_counter() - t0
    ids = [d.doc_id for d in docs]
    return {
        "pairs": {tuple(sorted((ids[i], ids[j]))) for i, j in pairs},
        "clusters": clusters,
        "timings": timings,
    }


# --- dedup helpers --------------------------------------------------------------------------------


def dedup_candidates(result: dedup.ScanResult) -> set[tuple[str, str]]:
    """Re-derive the LSH candidate pairs of a scan (ids sorted), from its prepared documents."""
    docs = result.documents
    pairs = candidate_pairs([p.signature.band_keys for p in docs])
    return {tuple(sorted((docs[i].doc_id, docs[j].doc_id))) for i, j in pairs.tolist()}


def cluster_of(result: dedup.ScanResult) -> dict[str, str]:
    return {m: c.cluster_id for c in result.clusters for m in c.members}


def timed_scan(docs: Sequence[Document]) -> tuple[dedup.ScanResult, float]:
    t0 = time.perf_counter()
    result = dedup.scan(docs)
    return result, time.perf_counter() - t0


# --- section a: synthetic reprints ----------------------------------------------------------------


def section_a(rep: Report, root: Path, *, n: int, seed: int, pad_ratio: float) -> None:
    log(f"a: building synthetic pairs (n={n} per kind, seed={seed})")
    pairs = synth.make_pairs(corpora.load_bbc(root), n, seed, pad_ratio=pad_ratio)
    rows = []
    t0 = time.perf_counter()
    for k, p in enumerate(pairs):
        m = dedup.compare(p["a"], p["b"])
        rows.append({
            "pair": k, "kind": p["kind"], "label": p["label"], "fraction": p["fraction"],
            "a_id": p["a_id"], "b_id": p["b_id"], "kept_words": p["kept_words"], "pad_words": p["pad_words"],
            "copied_words": p["copied_words"], "ops": p["ops"], "verdict": m.verdict,
            "jaccard": round(m.jaccard, 3), "copy_share_a": round(m.copy_share_a, 3),
            "copy_share_b": round(m.copy_share_b, 3), "shared_words": m.shared_words,
            "quoted_shared_words": m.quoted_shared_words, "longest_passage": m.longest_passage,
            "conflicts": list(m.conflicts), "copied_sentences": max(m.copied_a, m.copied_b),
            "baseline_jaccard": round(_jaccard(baseline_shingles(p["a"]), baseline_shingles(p["b"])), 3),
        })
    compare_secs = time.perf_counter() - t0
    log(f"a: compared {len(pairs)} pairs in {compare_secs:.1f}s; scanning them as one corpus")

    docs = []
    for k, p in enumerate(pairs):
        docs += [Document(f"p{k:04d}-a", p["a"]), Document(f"p{k:04d}-b", p["b"])]
    result, scan_secs = timed_scan(docs)
    found = {(m.a, m.b): m.verdict for m in result.pairs}
    cands = dedup_candidates(result)
    clusters = cluster_of(result)
    log(f"a: scan {scan_secs:.1f}s; datasketch baseline")
    t0 = time.perf_counter()
    base = baseline_pipeline(docs)
    base_secs = time.perf_counter() - t0
    for k, r in enumerate(rows):
        key = (f"p{k:04d}-a", f"p{k:04d}-b")
        r["scan_verdict"] = found.get(key, "none")
        r["dedup_candidate"] = key in cands
        r["same_cluster"] = key[0] in clusters and clusters.get(key[0]) == clusters.get(key[1])
        r["baseline_candidate"] = key in base["pairs"]

    rep.add("## a. Synthetic reprints (BBC originals)", "",
            f"{len(pairs)} pairs from `benchmarks/synth.py` (seed {seed}, {n} per kind and fraction, padding "
            f"{pad_ratio:g}x the kept words, from unrelated BBC articles of another topic). Reprints also move a "
            "paragraph, split one, respell British->American, write U.S., curl quotes, change a word or two and "
            "add a caption, a 'Related article:' line and a 'Source: https://...' line. "
            "`copy` = verdict duplicate or reprint.", "")

    rep.add("### a1. `dedup.compare` on positives, by fraction kept", "")
    table = []
    groups = [("duplicate", 1.0)] + [(k, f) for k in ("reprint_top", "reprint_span") for f in synth.FRACTIONS]
    for kind, f in groups:
        sel = [r for r in rows if r["kind"] == kind and r["fraction"] == f]
        c = Counter(r["verdict"] for r in sel)
        table.append([kind, f"{f:.1f}", len(sel), pct(c["duplicate"] + c["reprint"], len(sel)),
                      c["duplicate"], c["reprint"], c["partial"], c["none"],
                      f"{_mean(r['copy_share_b'] for r in sel):.2f}"])
    rep.table(["kind", "fraction kept", "pairs", "called copy", "duplicate", "reprint", "partial", "none",
               "mean copy share of reprint"], table)

    rep.add("### a2. Candidate recall through the whole pipeline vs the datasketch baseline", "",
            f"All {len(docs)} documents (both sides of every pair, negatives included) scanned as one corpus. "
            "*dedup LSH*: the pair is a candidate of dedup's passage LSH; *dedup scan*: the scan reports the pair "
            "as duplicate/reprint; *same cluster*: both end in one cluster; *datasketch LSH*: the pair is a "
            f"candidate of `MinHashLSH(threshold={BASELINE_THRESHOLD})` over lowercased word "
            f"{BASELINE_SHINGLE}-shingles ({BASELINE_PERM} perms). *Jaccard*: mean exact Jaccard of those shingle sets.", "")
    table = []
    for f in synth.FRACTIONS:
        sel = [r for r in rows if r["kind"].startswith("reprint") and r["fraction"] == f]
        table.append(_recall_row(f"reprint {f:.1f}", sel))
    sel = [r for r in rows if r["kind"] == "duplicate"]
    table.append(_recall_row("duplicate 1.0", sel))
    sel = [r for r in rows if r["label"] in COPY]
    table.append(_recall_row("all positives", sel))
    rep.table(["pairs (fraction kept)", "n", "Jaccard", "dedup LSH", "dedup scan copy", "same cluster",
               "datasketch LSH"], table)

    rep.add("### a3. Negatives and 2-sentence copies", "",
            "False copy rate = share called duplicate/reprint; for `two_sentences` (label partial) the wanted "
            "verdict is partial. *scan* columns: what the full scan reported for the pair.", "")
    table = []
    for kind in ("same_topic", "shared_quote", "two_sentences"):
        sel = [r for r in rows if r["kind"] == kind]
        subsets = [(kind, sel)]
        if kind == "two_sentences":
            subsets += [("  ↳ copied >= 30 words", [r for r in sel if r["copied_words"] >= 30]),
                        ("  ↳ copied < 30 words", [r for r in sel if r["copied_words"] < 30])]
        for name, s in subsets:
            c = Counter(r["verdict"] for r in s)
            sc = Counter(r["scan_verdict"] for r in s)
            table.append([name, synth.LABELS[kind], len(s), c["duplicate"], c["reprint"], c["partial"], c["none"],
                          pct(c["duplicate"] + c["reprint"], len(s)),
                          pct(c["partial"], len(s)),
                          pct(sc["duplicate"] + sc["reprint"], len(s)), pct(sc["partial"], len(s))])
    rep.table(["kind", "label", "pairs", "duplicate", "reprint", "partial", "none", "false copy rate",
               "called partial", "scan: copy", "scan: partial"], table)
    called = [r for r in rows if r["verdict"] in COPY]
    right = sum(r["label"] in COPY for r in called)
    rep.add(f"Precision of a copy verdict over all {len(rows)} synthetic pairs: {pct(right, len(called))}; "
            f"recall {pct(right, sum(r['label'] in COPY for r in rows))}.", "")

    misses = [r for r in rows if r["label"] in COPY and r["verdict"] not in COPY]
    wrong = [r for r in rows if r["label"] == "none" and r["verdict"] != "none"]
    partial_miss = [r for r in rows if r["label"] == "partial" and r["verdict"] != "partial"]
    rep.add("### a4. Failures", "",
            f"{len(misses)} positives not called copy by `compare`, {len(wrong)} negatives called something, "
            f"{len(partial_miss)} 2-sentence copies not called partial. *Likely cause* is read off the scores "
            "(`quoted`: most shared words are inside quotation marks, which dedup does not count as copy; "
            "`number conflict`: the templated-story rule fired; `short`: fewer copied sentences than "
            "`partial_min_sentences`; `share`: copy share under `reprint_threshold`).", "")
    causes = Counter(_cause(r) for r in misses)
    rep.add("Causes of missed positives: " + (", ".join(f"{k} {v}" for k, v in causes.most_common()) or "none") + ".", "")
    if misses:
        misses.sort(key=lambda r: (r["copy_share_b"], r["kept_words"] or 0))
        rep.table(["pair", "kind", "f", "original", "kept words", "verdict", "shared", "quoted shared",
                   "copy share a/b", "conflicts", "likely cause", "scan"],
                  [[r["pair"], r["kind"], r["fraction"], r["a_id"], r["kept_words"], r["verdict"],
                    r["shared_words"], r["quoted_shared_words"], f"{r['copy_share_a']:.2f}/{r['copy_share_b']:.2f}",
                    snippet(", ".join(r["conflicts"]), 40), _cause(r), r["scan_verdict"]] for r in misses[:20]])
    for name, items in (("Negatives called something", wrong), ("2-sentence copies not called partial", partial_miss)):
        if items:
            items.sort(key=lambda r: -r["shared_words"])
            rep.add(f"{name}:", "")
            rep.table(["pair", "kind", "a", "b", "copied words", "verdict", "shared", "quoted shared",
                       "longest run", "copy share a/b", "likely cause"],
                      [[r["pair"], r["kind"], r["a_id"], r["b_id"], r["copied_words"], r["verdict"],
                        r["shared_words"], r["quoted_shared_words"], r["longest_passage"],
                        f"{r['copy_share_a']:.2f}/{r['copy_share_b']:.2f}", _cause(r)]
                       for r in items[:15]])
    timings = ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
    base_t = ", ".join(f"{k} {v:.2f}s" for k, v in base["timings"].items())
    rep.add(f"Times: compare x{len(pairs)} {compare_secs:.1f}s; scan of {len(docs)} docs {scan_secs:.1f}s "
            f"({timings}; {result.candidates} candidates); datasketch baseline {base_secs:.1f}s ({base_t}; "
            f"{len(base['pairs'])} candidates).", "")
    _write_jsonl(OUT_DIR / "synth_results.jsonl", rows)


def _cause(r: dict) -> str:
    """Name the likely reason of a wrong verdict from its scores (see the a4 legend)."""
    settings = dedup.Settings()
    if r["label"] == "partial" and r["verdict"] in COPY:
        return f"share: {max(r['copy_share_a'], r['copy_share_b']):.2f} >= reprint_threshold {settings.reprint_threshold}"
    if r["shared_words"] and r["quoted_shared_words"] >= 0.5 * r["shared_words"]:
        return "quoted"
    if len(r["conflicts"]) >= 2 and r["verdict"] == "none" and r["copied_sentences"]:
        return "number conflict"
    if r["copied_sentences"] < settings.partial_min_sentences:
        return "short"
    return "share"


def _recall_row(name: str, sel: list[dict]) -> list[object]:
    return [name, len(sel), f"{_mean(r['baseline_jaccard'] for r in sel):.2f}",
            pct(sum(r["dedup_candidate"] for r in sel), len(sel)),
            pct(sum(r["scan_verdict"] in COPY for r in sel), len(sel)),
            pct(sum(r["same_cluster"] for r in sel), len(sel)),
            pct(sum(r["baseline_candidate"] for r in sel), len(sel))]


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def _write_jsonl(path: Path, rows: Iterable[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


# --- section b: SemEval ---------------------------------------------------------------------------


def semeval_bin(overall: float) -> str:
    """Return the bin label of an Overall rating (upper edges inclusive, the first bin closed).

    >>> [semeval_bin(x) for x in (1.0, 1.5, 1.6, 2.5, 3.0, 3.75, 4.0)]
    ['1-1.5', '1-1.5', '1.5-2.5', '1.5-2.5', '2.5-3.5', '3.5-4', '3.5-4']
    """
    for low, high, label in SEMEVAL_BINS:
        if overall <= high:
            return label
    return SEMEVAL_BINS[-1][2]


def section_b(rep: Report, root: Path, *, limit: int | None) -> None:
    pairs = corpora.load_semeval(root)[:limit]
    log(f"b: comparing {len(pairs)} SemEval pairs")
    t0 = time.perf_counter()
    rows = []
    for p in pairs:
        m = dedup.compare(p.text1, p.text2)
        rows.append((p, m))
    secs = time.perf_counter() - t0
    rep.add("## b. SemEval-2022 Task 8 (same story, not same copy)", "",
            f"{len(pairs)} human-annotated pairs (machine-translated augmentations dropped), texts cut to ~1,000 "
            "characters by the task. Overall: 1 = same story .. 4 = unrelated. Rows: Overall bin; columns: "
            f"`dedup.compare` verdict ({secs:.1f}s in all).", "")
    grid: dict[str, Counter] = {label: Counter() for _, _, label in SEMEVAL_BINS}
    for p, m in rows:
        grid[semeval_bin(p.overall)][m.verdict] += 1
    table = []
    for _, _, label in SEMEVAL_BINS:
        c = grid[label]
        total = sum(c.values())
        table.append([label, total, *(c[v] for v in VERDICTS), pct(c["duplicate"] + c["reprint"] + c["partial"], total)])
    total = Counter()
    for c in grid.values():
        total.update(c)
    table.append(["all", sum(total.values()), *(total[v] for v in VERDICTS),
                  pct(total["duplicate"] + total["reprint"] + total["partial"], sum(total.values()))])
    rep.table(["Overall", "pairs", *VERDICTS, "any copy"], table)

    copies = [(p, m) for p, m in rows if m.verdict != "none"]
    by_lang = Counter(f"{p.lang1}-{p.lang2}" for p, _ in copies)
    rep.add(f"Pairs called copies by language: {', '.join(f'{k} {v}' for k, v in by_lang.most_common())}.", "")
    _write_jsonl(OUT_DIR / "semeval_copies.jsonl", (
        {"pair_id": p.pair_id, "lang1": p.lang1, "lang2": p.lang2, "overall": p.overall, "verdict": m.verdict,
         "jaccard": round(m.jaccard, 3), "containment_1_in_2": round(m.containment_a_in_b, 3),
         "containment_2_in_1": round(m.containment_b_in_a, 3), "shared_words": m.shared_words,
         "quoted_shared_words": m.quoted_shared_words, "copy_share_1": round(m.copy_share_a, 3),
         "copy_share_2": round(m.copy_share_b, 3), "longest_passage": m.longest_passage,
         "conflicts": list(m.conflicts), "passages": [ps.text for ps in m.passages],
         "text1_head": p.text1[:300], "text2_head": p.text2[:300]}
        for p, m in sorted(copies, key=lambda pm: (-pm[0].overall, pm[0].pair_id))))
    worst = sorted(copies, key=lambda pm: (-pm[0].overall, -pm[1].shared_words, pm[0].pair_id))[:10]
    rep.add("### b2. The 10 most unrelated pairs (highest Overall) that dedup calls a copy", "",
            "Overall 4 is the *least* related rating, so \"lowest rating\" is read as most unrelated. "
            "Full details (first 300 characters of each text) in `benchmarks/out/semeval_copies.jsonl`.", "")
    rep.table(["pair_id", "langs", "Overall", "verdict", "jaccard", "shared words", "quoted", "longest run",
               "copy share 1/2", "longest shared passage (80 chars)"],
              [[p.pair_id, f"{p.lang1}-{p.lang2}", f"{p.overall:.2f}", m.verdict, f"{m.jaccard:.3f}", m.shared_words,
                m.quoted_shared_words, m.longest_passage, f"{m.copy_share_a:.2f}/{m.copy_share_b:.2f}",
                snippet(max(m.passages, key=lambda s: s.words).text if m.passages else "")]
               for p, m in worst])


# --- section c: exact duplicates ------------------------------------------------------------------


def exact_groups(docs: Sequence[Document], *, key=lambda d: d.text) -> list[list[str]]:
    """Return groups (2+ ids) of documents whose text is identical after whitespace normalisation."""
    by_text: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        by_text[" ".join(key(d).split())].append(d.doc_id)
    return sorted((ids for ids in by_text.values() if len(ids) > 1), key=lambda g: g[0])


def _ws(text: str) -> str:
    return " ".join(text.split())


#: How identical bodies are keyed: the brief's definition first, then looser ones for
#: comparison with the counts quoted in the eval README (341 Reuters groups, 103 BBC).
NORMALISATIONS = (
    ("whitespace", lambda d: _ws(d.text)),
    ("whitespace + case", lambda d: _ws(d.text).lower()),
    ("words only (case, punctuation)", lambda d: " ".join(re.findall(r"\w+", d.text.lower()))),
)


def section_c(rep: Report, root: Path, *, limit: int | None, cache: dict) -> None:
    rep.add("## c. Exact-duplicate groups", "",
            "Groups of documents with identical bodies, counted here under three normalisations (the first is "
            "whitespace only; *words only* drops punctuation and case). *In one cluster*: every member ends in the "
            "same dedup cluster (`dedup.scan` over the whole corpus, one scan per corpus); *all pairs duplicate*: "
            "every two members were verified with verdict duplicate; *skipped*: groups with a member dedup left out "
            "(no article text after cleaning).", "")
    table, missed_all = [], []
    for name, loader, variants in (
        ("Reuters-21578", corpora.load_reuters, NORMALISATIONS),
        ("BBC", corpora.load_bbc, NORMALISATIONS + (("whitespace, headline excluded", lambda d: _ws(synth.split_body(d.text))),)),
    ):
        docs = loader(root)[:limit]
        if name not in cache:
            log(f"c: scanning {name} ({len(docs)} docs)")
            cache[name] = timed_scan(docs)
        result, secs = cache[name]
        clusters = cluster_of(result)
        verdict = {(m.a, m.b): m.verdict for m in result.pairs}
        skipped = {s.location for s in result.skipped}
        for label, key in variants:
            groups = exact_groups(docs, key=key)
            in_cluster = all_dup = with_skipped = 0
            for g in groups:
                if any(i in skipped for i in g):
                    with_skipped += 1
                if g[0] in clusters and all(clusters.get(i) == clusters[g[0]] for i in g):
                    in_cluster += 1
                elif label == "whitespace":
                    missed_all.append((name, g, any(i in skipped for i in g)))
                ordered = sorted(g)
                if all(verdict.get((a, b)) == "duplicate" for k, a in enumerate(ordered) for b in ordered[k + 1:]):
                    all_dup += 1
            sizes = Counter(len(g) for g in groups)
            table.append([name, label, len(docs), len(groups), sum(len(g) for g in groups),
                          ", ".join(f"{s}:{c}" for s, c in sorted(sizes.items())), pct(in_cluster, len(groups)),
                          pct(all_dup, len(groups)), with_skipped])
        rep_line = (f"{name}: scan {secs:.1f}s, {len(result.clusters)} clusters, {len(result.skipped)} of "
                    f"{len(docs)} documents skipped.")
        cache.setdefault("lines", []).append(rep_line)
    rep.table(["corpus", "identical after", "docs", "groups", "docs in groups", "group sizes (size:count)",
               "in one cluster", "all pairs duplicate", "skipped"], table)
    rep.add(*(line + "  " for line in cache.pop("lines", [])), "")
    if missed_all:
        rep.add("Groups (whitespace normalisation) not wholly inside one cluster (up to 20):", "")
        rep.table(["corpus", "members", "a member was skipped"],
                  [[n, ", ".join(g), "yes" if sk else "no"] for n, g, sk in missed_all[:20]], align="lll")


# --- section d: scan time -------------------------------------------------------------------------


def section_d(rep: Report, root: Path, *, limit: int | None) -> None:
    reuters = corpora.load_reuters(root)[:limit]
    bbc = corpora.load_bbc(root)[:limit]
    docs = reuters + bbc
    log(f"d: scanning Reuters + BBC ({len(docs)} docs)")
    result, secs = timed_scan(docs)
    log(f"d: scan {secs:.1f}s; datasketch baseline")
    t0 = time.perf_counter()
    base = baseline_pipeline(docs)
    base_secs = time.perf_counter() - t0
    by_verdict = Counter(m.verdict for m in result.pairs)
    rep.add("## d. Scan time: Reuters-21578 + BBC", "",
            f"{len(reuters)} Reuters stories with a body + {len(bbc)} BBC articles = {len(docs)} documents, one "
            f"process, {os.cpu_count()} CPUs visible. Baseline: datasketch MinHash ({BASELINE_PERM} perms, "
            f"lowercased word {BASELINE_SHINGLE}-shingles, `update_batch`) + `MinHashLSH(threshold="
            f"{BASELINE_THRESHOLD})` insert + query every document + union-find, no verification.", "")
    rep.table(["pipeline", "wall s", "docs/s", "stages (s)", "candidate pairs", "clusters", "docs in clusters",
               "pairs by verdict"],
              [["dedup.scan", f"{secs:.1f}", f"{len(docs) / secs:.0f}",
                ", ".join(f"{k} {v:.1f}" for k, v in result.timings.items()), result.candidates,
                len(result.clusters), sum(len(c.members) for c in result.clusters),
                ", ".join(f"{v} {by_verdict[v]}" for v in VERDICTS[:3])],
               ["datasketch baseline", f"{base_secs:.1f}", f"{len(docs) / base_secs:.0f}",
                ", ".join(f"{k} {v:.1f}" for k, v in base["timings"].items()), len(base["pairs"]),
                len(base["clusters"]), sum(len(c) for c in base["clusters"]), "(no verdicts)"]])
    rep.add(f"dedup.scan / baseline wall time: {secs / base_secs:.2f}x. Skipped by dedup: {len(result.skipped)}.", "")


# --- main -------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Quality and speed benchmarks of dedup; prints Markdown tables.")
    parser.add_argument("--eval-dir", default=None, help=f"folder of the corpora (default {corpora.DEFAULT_EVAL_DIR})")
    parser.add_argument("--sections", default="a,b,c,d", help="comma-separated subset of a,b,c,d (default all)")
    parser.add_argument("--limit", type=int, default=None,
                        help="quick run: at most N synthetic pairs per kind (a), N SemEval pairs (b), "
                             "N documents per corpus (c, d)")
    parser.add_argument("--n", type=int, default=40, help="synthetic pairs per kind and fraction (default 40)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic pairs (default 1)")
    parser.add_argument("--pad-ratio", type=float, default=1.0, help="padding words per kept word (default 1.0)")
    parser.add_argument("--out", default=str(OUT_DIR / "quality.md"), help="Markdown output (default out/quality.md)")
    args = parser.parse_args(argv)
    sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = sorted(set(sections) - set("abcd"))
    if unknown or not sections:
        corpora.die(f"--sections takes letters among a,b,c,d separated by commas, found {args.sections!r}.")
    if args.limit is not None and args.limit < 1:
        corpora.die(f"--limit must be a positive number of items, found {args.limit}.")
    need = {"a": ("bbc",), "b": ("semeval2022-task8",), "c": ("reuters21578", "bbc"), "d": ("reuters21578", "bbc")}
    root = corpora.eval_dir_or_exit(args.eval_dir, need=tuple(sorted({n for s in sections for n in need[s]})))

    rep = Report(Path(args.out))
    started = time.perf_counter()
    rep.add("# dedup quality benchmarks", "",
            f"Run {_dt.datetime.now().strftime('%Y-%m-%d %H:%M')}, dedup {dedup.__version__}, Python "
            f"{platform.python_version()}, {platform.machine()}, default `Settings()`; sections {','.join(sections)}"
            + (f", --limit {args.limit}" if args.limit else "") + f"; repository at {corpora.repository_state()}.", "",
            "Settings: " + ", ".join(f"`{k}={v}`" for k, v in dedup.Settings().as_dict().items()) + ".", "")
    cache: dict = {}
    n = min(args.n, args.limit) if args.limit else args.n
    steps = {"a": lambda: section_a(rep, root, n=n, seed=args.seed, pad_ratio=args.pad_ratio),
             "b": lambda: section_b(rep, root, limit=args.limit),
             "c": lambda: section_c(rep, root, limit=args.limit, cache=cache),
             "d": lambda: section_d(rep, root, limit=args.limit)}
    for s in sections:
        t0 = time.perf_counter()
        steps[s]()
        log(f"section {s} done in {time.perf_counter() - t0:.1f}s")
        rep.save()
    rep.add(f"Total benchmark time: {time.perf_counter() - started:.0f}s.")
    rep.save()
    log(f"wrote {rep.path}")


if __name__ == "__main__":
    main()
