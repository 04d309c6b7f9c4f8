"""Race dedup against what a user would pick instead: speed, memory and what each finds (``make bench``).

Pipelines (see :mod:`peers`): the datasketch pipeline a competent user writes (``MinHash.bulk``
over lowercased word 5-shingles, 128 permutations, ``MinHashLSH(threshold=0.5)`` filled through
``insertion_session``, every document queried, union-find), the same with rensa (Rust MinHash +
LSH), and ``dedup.scan`` with ``workers=0`` (a process per CPU) and ``workers=1``.

Corpora: the real one (Reuters-21578 + BBC News, 21,268 articles, via :mod:`corpora`) and the
*synthetic* scale corpora of :mod:`scale` (real articles, ciphered copies of them beyond
~22,000 documents, and labelled synthetic reprints), at the sizes of ``--sizes``.

Every pipeline runs in a fresh worker process (``peers.py``), one after the other, for
``--rounds`` rounds (the order rotates each round). The worker loads the corpus, then times
the pipeline alone: wall seconds and CPU seconds (user + system, all threads and child
processes, ``getrusage``) and its own peak RSS as the kernel keeps it (``VmHWM``). From
outside, this script samples the memory of the worker and its children (PSS summed over the
process tree, every ~0.1 s, psutil); peak memory is the larger of the two. Tables report
medians over rounds; ratios are medians of the per-round ratios (pipelines of one round ran
back to back).

Quality is measured on the synthetic labelled pairs (first round's output): a pair is found
when both documents end in one group (peers: a union-find group of LSH candidates; dedup: a
cluster, i.e. connected duplicate/reprint verdicts). Recall by fraction kept; precision over
the labelled pairs (negatives: same-topic pairs, pairs sharing an invented quotation, and
two-sentence pastes, which are not copies); and *false merges*: synthetic reprints grouped
with a document that is neither their original, nor its identical twin, nor another reprint
of it.

Usage::

    .venv/bin/python benchmarks/run.py --sizes 10000,100000  # make bench: real corpus + 10^4 (3 rounds) + 10^5 (1 round)
    .venv/bin/python benchmarks/run.py --sizes 10000,100000,1000000 --rounds 1
    .venv/bin/python benchmarks/run.py --real-limit 300 --sizes 1500 --rounds 1 --name smoke   # a quick check
    .venv/bin/python benchmarks/run.py --sizes 10000,100000,1000000 --resume   # go on after an interruption

Writes ``out/bench.md`` (the tables, as printed), ``out/bench.json`` (every measurement),
``out/scaling.png``, ``out/recall.png`` and ``out/real.png``. Timings depend on the machine
and its load (recorded in the output): compare within one run.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import importlib.metadata
import importlib.util
import json
import math
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpora  # noqa: E402
import peers  # noqa: E402
import scale  # noqa: E402

OUT_DIR = Path(__file__).resolve().parent / "out"
PEERS_SCRIPT = Path(__file__).resolve().parent / "peers.py"
COPY = ("duplicate", "reprint")
#: Synthetic sizes of this many documents or more run ``--rounds-large`` rounds (10^5 runs
#: ``--rounds``, as the real corpus: one round of it on a shared machine was off by up to a fifth).
LARGE = 1_000_000


@dataclass(frozen=True)
class Variant:
    """One pipeline as raced: the worker's ``--pipeline`` and ``--workers``, and how tables name it."""

    key: str
    pipeline: str
    workers: int
    label: str


def variants(cpus: int) -> list[Variant]:
    return [
        Variant("datasketch", "datasketch", 1, "datasketch MinHashLSH"),
        Variant("rensa", "rensa", 1, "rensa RMinHashLSH"),
        Variant("dedup-w0", "dedup", 0, f"dedup scan, workers=0 ({cpus} processes)"),
        Variant("dedup-w1", "dedup", 1, "dedup scan, workers=1"),
    ]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- running one pipeline -----------------------------------------------------------------------


def tree_memory(proc) -> float:
    """Return the PSS (RSS where PSS is unavailable) of a process and its descendants, in bytes."""
    import psutil

    total = 0.0
    try:
        members = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0.0
    for p in members:
        try:
            info = p.memory_full_info()
            total += getattr(info, "pss", info.rss)
        except psutil.Error:
            continue
    return total


def run_once(variant: Variant, corpus: Path, work: Path, *, groups: bool, max_memory: float,
             timeout: float | None) -> dict:
    """Run one pipeline on ``corpus`` in a fresh worker process; return its measurements.

    The worker is killed (with its children) when the sampled memory of its process tree
    exceeds ``max_memory`` bytes, when less than 512 MB of the machine's memory is left, or
    after ``timeout`` seconds; the measurement then says so in ``failed``.
    """
    import psutil

    work.mkdir(parents=True, exist_ok=True)
    result_path = work / f"{variant.key}.result.json"
    groups_path = work / f"{variant.key}.groups.json"
    for p in (result_path, groups_path):
        p.unlink(missing_ok=True)
    cmd = [sys.executable, str(PEERS_SCRIPT), "--pipeline", variant.pipeline, "--corpus", str(corpus),
           "--result", str(result_path), "--workers", str(variant.workers)]
    if groups:
        cmd += ["--groups", str(groups_path)]
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, start_new_session=True)
    ps = psutil.Process(proc.pid)
    peak, failed, interval = 0.0, None, 0.1
    while True:
        pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        t0 = time.perf_counter()
        peak = max(peak, tree_memory(ps))
        # keep the sampler's own CPU use to a few percent of a core, however big the process
        interval = max(0.1, 20 * (time.perf_counter() - t0))
        reason = None
        if peak > max_memory:
            reason = f"killed: memory over the {max_memory / 2**30:.1f} GB limit (--max-memory-gb)"
        elif psutil.virtual_memory().available < 512 * 2**20:
            reason = "killed: the machine ran out of memory"
        elif timeout and time.perf_counter() - started > timeout:
            reason = f"killed: over the {timeout:.0f} s limit (--timeout)"
        if reason:
            failed = f"{reason}, after {time.perf_counter() - started:.0f} s"
            os.killpg(proc.pid, signal.SIGKILL)
            _, status, _ = os.wait4(proc.pid, 0)
            break
        time.sleep(interval)
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    proc.stderr.close()
    outside = time.perf_counter() - started
    if failed is None and proc.returncode != 0:
        failed = f"exit status {proc.returncode}: " + (stderr.strip().splitlines() or ["(no message)"])[-1]
    m = json.loads(result_path.read_text(encoding="utf-8")) if failed is None else {}
    m.update({
        "variant": variant.key, "failed": failed, "outside_wall_s": outside,
        "peak_tree_mb": peak / 2**20,  # sampled PSS of the worker and its children
        # the headline: the kernel's peak RSS of the worker (VmHWM, read by the worker), unless the
        # sampled sum over its processes is larger. (wait4's ru_maxrss is no use: Linux carries it
        # across exec, so a worker would inherit this script's size.)
        "peak_mb": max(peak / 2**20, m.get("rss_peak_self_mb", 0.0)),
        "load_before": load_before, "load_after": os.getloadavg()[0],
        "groups_path": str(groups_path) if groups and failed is None else None,
    })
    if stderr.strip() and failed is None:
        m["stderr_tail"] = stderr.strip().splitlines()[-3:]
    return m


def race(name: str, corpus: Path, docs: int, variants_: Sequence[Variant], *, rounds: int, max_memory: float,
         timeout: float | None, resume: bool = False, report_only: bool = False) -> list[dict]:
    """Run every variant ``rounds`` times, in rotating order; return all measurements.

    Each measurement is also kept as ``out/runs/<name>/round<r>/<variant>.run.json``. With
    ``resume``, one found there (for a corpus of the same size) is reused instead of run again
    and marked ``reused``; with ``report_only``, what is missing is not run either.
    """
    runs = []
    work = OUT_DIR / "runs" / name
    for r in range(rounds):
        order = [variants_[(k + r) % len(variants_)] for k in range(len(variants_))]
        for v in order:
            kept = work / f"round{r + 1}" / f"{v.key}.run.json"
            if (resume or report_only) and kept.exists():
                m = json.loads(kept.read_text(encoding="utf-8"))
                if m.get("docs", docs) == docs:
                    m["reused"] = True
                    runs.append(m)
                    continue
            if report_only:
                continue
            log(f"{name}: round {r + 1}/{rounds}, {v.label}")
            m = run_once(v, corpus, work / f"round{r + 1}", groups=(r == 0), max_memory=max_memory, timeout=timeout)
            m["round"] = r + 1
            m["finished"] = _dt.datetime.now().isoformat(timespec="seconds")
            kept.write_text(json.dumps(m, indent=1) + "\n", encoding="utf-8")
            runs.append(m)
            if m["failed"]:
                log(f"  {m['failed']}")
            else:
                log(f"  {m['wall_s']:.1f}s wall, {m['cpu_s']:.1f}s CPU, {m['peak_mb']:.0f} MB; "
                    f"{m['groups']} groups, {m['candidates']} candidates")
    return runs


# --- summaries ----------------------------------------------------------------------------------


def summarise(runs: list[dict], variants_: Sequence[Variant]) -> dict[str, dict]:
    """Return, per variant, the medians over its successful rounds (and the failures)."""
    out = {}
    for v in variants_:
        ok = [m for m in runs if m["variant"] == v.key and not m["failed"]]
        bad = [m["failed"] for m in runs if m["variant"] == v.key and m["failed"]]
        if not ok:
            out[v.key] = {"rounds": 0, "failed": bad}
            continue
        med = lambda key: statistics.median(m[key] for m in ok)  # noqa: E731
        stages = defaultdict(list)
        for m in ok:
            for k, s in m["stages"].items():
                stages[k].append(s)
        out[v.key] = {
            "rounds": len(ok), "failed": bad, "docs": ok[0]["docs"], "wall_s": med("wall_s"), "cpu_s": med("cpu_s"),
            "wall_min_s": min(m["wall_s"] for m in ok), "wall_max_s": max(m["wall_s"] for m in ok),
            "load_s": med("load_s"), "peak_mb": med("peak_mb"),
            # sampled; None for single-process runs kept from before it was recorded (VmHWM is the peak there)
            "peak_tree_mb": statistics.median(t) if (t := [m["peak_tree_mb"] for m in ok
                                                           if m.get("peak_tree_mb") is not None]) else None,
            "rss_loaded_mb": med("rss_loaded_mb"), "docs_per_s": ok[0]["docs"] / med("wall_s"),
            "stages": {k: statistics.median(vs) for k, vs in stages.items()},
            "candidates": ok[0]["candidates"], "groups": ok[0]["groups"], "docs_in_groups": ok[0]["docs_in_groups"],
        }
    return out


def ratios(runs: list[dict], a: str, b: str) -> dict | None:
    """Median over rounds of a/b for wall, CPU and memory (rounds where both succeeded)."""
    by_round = defaultdict(dict)
    for m in runs:
        if not m["failed"]:
            by_round[m["round"]][m["variant"]] = m
    pairs = [(r[a], r[b]) for r in by_round.values() if a in r and b in r]
    if not pairs:
        return None
    return {key: statistics.median(x[key] / y[key] for x, y in pairs if y[key] > 0)
            for key in ("wall_s", "cpu_s", "peak_mb")} | {"rounds": len(pairs)}


# --- quality on labelled pairs ------------------------------------------------------------------


def load_groups(path: str) -> tuple[dict[str, int], dict[tuple[str, str], str], list[int]]:
    """Return (doc id -> group number, verified pairs -> verdict, group sizes) from a worker's output."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    where = {d: k for k, g in enumerate(data["groups"]) for d in g}
    pairs = {(a, b): v for a, b, v in data.get("pairs", [])}
    return where, pairs, [len(g) for g in data["groups"]]


def label_texts(corpus: Path, labels: list[dict]) -> dict[str, str]:
    """Return the texts of the documents named in the positive labels (one streaming pass)."""
    want = {x for lab in labels for x in (lab["a"], lab["b"])}
    out = {}
    for r in peers.read_corpus(corpus):
        if r["id"] in want:
            out[r["id"]] = r["text"]
    return out


def quality(labels: list[dict], texts: dict[str, str], runs: list[dict], variants_: Sequence[Variant]) -> dict:
    """Recall by fraction kept, precision and false merges of each variant (first round's groups)."""
    jacc = {}
    for lab in labels:
        sa, sb = peers.shingles(texts.get(lab["a"], "")), peers.shingles(texts.get(lab["b"], ""))
        jacc[(lab["a"], lab["b"])] = len(sa & sb) / len(sa | sb) if sa or sb else 0.0
    family: dict[str, set[str]] = defaultdict(set)
    for lab in labels:
        if lab["label"] in COPY:
            family[lab["a"]].update([lab["a"], lab["b"], *lab["a_dups"]])
    rows = [("duplicate", lambda lab: lab["kind"] == "duplicate")]
    rows += [(f"reprint, {round(f * 100)}% kept", lambda lab, f=f: lab["kind"].startswith("reprint")
              and lab["fraction"] == f) for f in scale.synth.FRACTIONS]
    rows += [("all positives", lambda lab: lab["label"] in COPY)]
    out = {"rows": [], "jaccard": {}, "pipelines": {}}
    for name, sel in rows:
        chosen = [lab for lab in labels if sel(lab)]
        out["rows"].append(name)
        out["jaccard"][name] = {"n": len(chosen), "mean": statistics.fmean(jacc[(x["a"], x["b"])] for x in chosen)
                                if chosen else None}
    for v in variants_:
        first = [m for m in runs if m["variant"] == v.key and m.get("groups_path")]
        if not first:
            continue
        where, verdicts, sizes = load_groups(first[0]["groups_path"])

        def found(lab: dict) -> bool:
            ga = where.get(lab["a"])
            return (ga is not None and ga == where.get(lab["b"])) or verdicts.get((lab["a"], lab["b"])) in COPY \
                or verdicts.get((lab["b"], lab["a"])) in COPY

        res = {"recall": {}, "negatives": {}}
        for name, sel in rows:
            chosen = [lab for lab in labels if sel(lab)]
            res["recall"][name] = [sum(found(x) for x in chosen), len(chosen)]
        tp = res["recall"]["all positives"][0]
        fp = 0
        for kind in ("same_topic", "shared_quote", "two_sentences"):
            chosen = [lab for lab in labels if lab["kind"] == kind]
            hit = sum(found(x) for x in chosen)
            res["negatives"][kind] = [hit, len(chosen)]
            fp += hit
        res["precision"] = [tp, tp + fp]
        members: dict[int, list[str]] = defaultdict(list)
        for d, g in where.items():
            members[g].append(d)
        grouped = merged = 0
        for lab in labels:
            if lab["label"] not in COPY or lab["b"] not in where:
                continue
            grouped += 1
            if any(d not in family[lab["a"]] for d in members[where[lab["b"]]]):
                merged += 1
        res["false_merges"] = [merged, grouped]
        res["largest_group"] = max(sizes, default=0)
        out["pipelines"][v.key] = res
    return out


# --- Markdown ------------------------------------------------------------------------------------


class Markdown:
    """Collect Markdown lines; print them as they come when ``echo``."""

    def __init__(self, *, echo: bool = True) -> None:
        self.lines: list[str] = []
        self.echo = echo

    def add(self, *lines: str) -> None:
        for line in lines:
            if self.echo:
                print(line, flush=True)
            self.lines.append(line)

    def table(self, header: Sequence[str], rows: Iterable[Sequence[object]], align: str | None = None) -> None:
        align = align or "l" + "r" * (len(header) - 1)
        self.add("| " + " | ".join(header) + " |", "|" + "|".join("---:" if a == "r" else ":---" for a in align) + "|")
        for row in rows:
            self.add("| " + " | ".join(str(c) for c in row) + " |")
        self.add("")


def pct(num: int, den: int) -> str:
    return f"{100 * num / den:.1f}% ({num}/{den})" if den else "-"


def secs(x: float) -> str:
    return f"{x:.2f}" if x < 10 else f"{x:.1f}" if x < 100 else f"{x:.0f}"


def duration(x: float) -> str:
    """Seconds as a rough human duration.

    >>> duration(42), duration(1500), duration(9000)
    ('42 s', '25 min', '2.5 h')
    """
    return f"{x:.0f} s" if x < 90 else f"{x / 60:.0f} min" if x < 5400 else f"{x / 3600:.1f} h"


def mb(x: float) -> str:
    return f"{x:,.0f}"


def speed_table(md: Markdown, summary: dict, variants_: Sequence[Variant]) -> None:
    rows = []
    for v in variants_:
        s = summary.get(v.key)
        if not s or not s["rounds"]:
            rows.append([v.label, *(["-"] * 8), "; ".join(sorted(set(s["failed"]))) if s and s["failed"] else "not run"])
            continue
        rows.append([v.label, secs(s["wall_s"]), f"{secs(s['wall_min_s'])}-{secs(s['wall_max_s'])}",
                     f"{s['docs_per_s']:,.0f}", secs(s["cpu_s"]), f"{s['cpu_s'] / s['wall_s']:.2f}",
                     mb(s["peak_mb"]), mb(s["rss_loaded_mb"]), f"{s['candidates']:,}",
                     f"{s['groups']:,} / {s['docs_in_groups']:,}"])
    md.table(["pipeline", "wall s", "range", "docs/s", "CPU s", "CPU/wall", "peak MB", "MB once loaded",
              "candidate pairs", "groups / docs in groups"], rows)


def ratio_table(md: Markdown, runs: list[dict], variants_: Sequence[Variant], heading: str) -> list[dict]:
    keys = {v.key for v in variants_}
    rows, raw = [], []
    for d in ("dedup-w0", "dedup-w1"):
        for p in ("datasketch", "rensa"):
            if d not in keys or p not in keys:
                continue
            r = ratios(runs, d, p)
            if r:
                raw.append({"dedup": d, "peer": p, **r})
                rows.append([d.replace("dedup-w", "dedup workers="), p, f"{r['wall_s']:.2f}x", f"{r['cpu_s']:.2f}x",
                             f"{r['peak_mb']:.2f}x", r["rounds"]])
    if rows:
        md.add(heading, "")
        md.table(["dedup", "vs", "wall time", "CPU time", "peak memory", "rounds"], rows)
    return raw


def stage_table(md: Markdown, summary: dict, variants_: Sequence[Variant]) -> None:
    for v in variants_:
        s = summary.get(v.key)
        if not s or not s["rounds"]:
            continue
        total = s["wall_s"]
        cells = [f"{k} {secs(t)} s ({100 * t / total:.0f}%)" for k, t in s["stages"].items()]
        md.add(f"- {v.label}: " + ", ".join(cells) + f"; whole pipeline {secs(total)} s.")
    md.add("")


def dedup_stage_table(md: Markdown, corpora_summaries: list[tuple[str, dict]]) -> None:
    """One row per corpus and dedup variant, one column per scan stage (median seconds)."""
    stages: list[str] = []
    for _, summary in corpora_summaries:
        for key in ("dedup-w0", "dedup-w1"):
            for k in summary.get(key, {}).get("stages", {}):
                if k not in stages:
                    stages.append(k)
    rows = []
    for name, summary in corpora_summaries:
        for key in ("dedup-w0", "dedup-w1"):
            s = summary.get(key)
            if not s or not s["rounds"]:
                continue
            rows.append([name, key.replace("dedup-w", "workers="), *(secs(s["stages"].get(k, 0.0)) for k in stages),
                         secs(s["wall_s"]), f"{s['docs_per_s']:,.0f}"])
    if rows:
        md.add("## dedup scan stage by stage (median seconds; `ScanResult.timings`)", "")
        md.table(["corpus", "dedup", *stages, "whole scan s", "docs/s"], rows)


def quality_table(md: Markdown, q: dict, variants_: Sequence[Variant]) -> None:
    present = [v for v in variants_ if v.key in q["pipelines"] and v.key != "dedup-w1"]
    rows = []
    for name in q["rows"]:
        j = q["jaccard"][name]
        cells = [pct(*q["pipelines"][v.key]["recall"][name]) for v in present]
        rows.append([name, j["n"], f"{j['mean']:.2f}" if j["mean"] is not None else "-", *cells])
    md.table(["labelled pairs", "n", "mean Jaccard", *[v.label.split(",")[0] for v in present]], rows)
    rows = []
    for v in present:
        p = q["pipelines"][v.key]
        neg = p["negatives"]
        rows.append([v.label.split(",")[0], pct(*p["precision"]), *(pct(*neg[k]) for k in neg),
                     pct(*p["false_merges"]), p["largest_group"]])
    md.table(["pipeline", "precision (labelled pairs)", "same-topic pairs linked", "shared-quote pairs linked",
              "2-sentence pastes linked", "reprints grouped with an unrelated doc", "largest group"], rows)


# --- plots ---------------------------------------------------------------------------------------


def plots(real: dict | None, scaled: list[tuple[int, dict]], qualities: list[tuple[int, dict]],
          variants_: Sequence[Variant], *, prefix: str = "") -> list[str]:
    """Write the PNG plots; return their names (none when matplotlib is missing)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("matplotlib is not installed (pip install 'dedup-news[bench]'); no plots")
        return []
    written = []
    styles = {"datasketch": ("tab:blue", "o"), "rensa": ("tab:orange", "s"), "dedup-w0": ("tab:green", "^"),
              "dedup-w1": ("tab:olive", "v")}
    if scaled:
        fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
        largest = max(n for n, _ in scaled)
        dashed = False
        for v in variants_:
            pts = [(n, s[v.key]) for n, s in scaled if s.get(v.key, {}).get("rounds")]
            if not pts:
                continue
            xs = [n for n, _ in pts]
            colour, marker = styles[v.key]
            for ax, key in zip(axes, ("wall_s", "peak_mb")):
                ys = [s[key] for _, s in pts]
                slope = _slope(xs, ys)
                label = v.label + (f" (slope {slope:.2f})" if slope is not None else "")
                ax.plot(xs, ys, marker=marker, color=colour, label=label)
                if slope is not None and xs[-1] < largest:  # a size it did not finish: the trend, dashed
                    ax.plot([xs[-1], largest], [ys[-1], ys[-1] * (largest / xs[-1]) ** slope], linestyle="--",
                            color=colour, alpha=0.6)
                    dashed = True
        for ax, title, unit in zip(axes, ("Wall time", "Peak memory (all processes)"), ("seconds", "MB")):
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel("documents (synthetic scale corpus)")
            ax.set_ylabel(unit)
            ax.set_title(title)
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(fontsize=7)
        fig.suptitle("How time and memory grow with corpus size (synthetic corpora; log-log)"
                     + ("; dashed: extrapolated where a pipeline did not finish" if dashed else ""), fontsize=10)
        fig.tight_layout()
        fig.savefig(OUT_DIR / f"{prefix}scaling.png", dpi=120)
        plt.close(fig)
        written.append(f"{prefix}scaling.png")
    if qualities:
        n, q = qualities[-1]
        fig, ax = plt.subplots(figsize=(7, 4))
        names = [r for r in q["rows"] if r.startswith("reprint")]
        xs = [int(r.split()[1].rstrip("%")) for r in names]
        for v in variants_:
            p = q["pipelines"].get(v.key)
            if not p or v.key == "dedup-w1":
                continue
            colour, marker = styles[v.key]
            ys = [100 * p["recall"][r][0] / p["recall"][r][1] if p["recall"][r][1] else 0 for r in names]
            ax.plot(xs, ys, marker=marker, color=colour, label=v.label.split(",")[0])
        ax.set_xlabel("share of the original kept in the reprint (%), padded with as many other words")
        ax.set_ylabel("reprints found (%)")
        ax.set_ylim(-3, 103)
        ax.set_xticks(xs)
        ax.set_title(f"Recall of synthetic reprints, {n:,}-document synthetic corpus", fontsize=10)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(OUT_DIR / f"{prefix}recall.png", dpi=120)
        plt.close(fig)
        written.append(f"{prefix}recall.png")
    if real:
        shown = [v for v in variants_ if real.get(v.key, {}).get("rounds")]
        if shown:
            fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
            labels = [v.label.replace(", ", "\n") for v in shown]
            colours = [styles[v.key][0] for v in shown]
            axes[0].barh(labels, [real[v.key]["docs_per_s"] for v in shown], color=colours)
            axes[0].set_xlabel("documents / second (higher is better)")
            axes[1].barh(labels, [real[v.key]["peak_mb"] for v in shown], color=colours)
            axes[1].set_xlabel("peak memory, MB (lower is better)")
            axes[1].set_yticklabels([])
            for ax in axes:
                ax.invert_yaxis()
                ax.grid(True, axis="x", alpha=0.3)
            fig.suptitle("Reuters-21578 + BBC (real articles): throughput and memory", fontsize=10)
            fig.tight_layout()
            fig.savefig(OUT_DIR / f"{prefix}real.png", dpi=120)
            plt.close(fig)
            written.append(f"{prefix}real.png")
    return written


def _slope(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Least-squares slope of log y against log x (None with fewer than two sizes)."""
    if len(xs) < 2 or any(y <= 0 for y in ys):
        return None
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    den = sum((x - mx) ** 2 for x in lx)
    return sum((x - mx) * (y - my) for x, y in zip(lx, ly)) / den if den else None


# --- the real corpus -----------------------------------------------------------------------------


def real_corpus(root: Path, limit: int | None) -> tuple[Path, int]:
    """Write Reuters + BBC as JSONL under out/ once (or the first ``limit`` of each); return (path, docs)."""
    name = "real.jsonl" if limit is None else f"real-{limit}.jsonl"
    path = OUT_DIR / name
    meta = OUT_DIR / (name + ".meta.json")
    if path.exists() and meta.exists():
        return path, json.loads(meta.read_text(encoding="utf-8"))["docs"]
    docs = corpora.load_reuters(root)[:limit] + corpora.load_bbc(root)[:limit]
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    tmp = Path(f"{path}.part")
    with tmp.open("w", encoding="utf-8") as f:
        for d in docs:
            rec = {"id": d.doc_id, "text": d.text}
            for key in ("title", "source", "published"):
                if getattr(d, key):
                    rec[key] = getattr(d, key)
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    meta.write_text(json.dumps({"docs": len(docs), "limit": limit}) + "\n", encoding="utf-8")
    return path, len(docs)


# --- main ----------------------------------------------------------------------------------------


def _versions() -> dict[str, str]:
    out = {}
    # dedup's distribution is dedup-news (dedup on the package index is another project)
    for name, dist in (("dedup", "dedup-news"), *((n, n) for n in ("datasketch", "rensa", "numpy", "rapidfuzz", "psutil", "matplotlib"))):
        try:
            out[name] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(float(s)) for s in text.split(",") if s.strip()]
    except ValueError:
        corpora.die(f"--sizes takes document counts separated by commas (10000,100000,1000000), found {text!r}.")
    if any(n < 1000 for n in sizes):
        corpora.die(f"--sizes must each be at least 1000 documents, found {text!r}.")
    return sizes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Race dedup against datasketch and rensa on real and synthetic news; "
                                                 "print Markdown tables, write out/bench.md, bench.json and plots.")
    parser.add_argument("--eval-dir", default=None, help=f"folder of the corpora (default {corpora.DEFAULT_EVAL_DIR})")
    parser.add_argument("--rounds", type=int, default=3, help="runs of every pipeline per corpus (default 3)")
    parser.add_argument("--sizes", default="10000",
                        help="synthetic corpus sizes, comma-separated (default 10000; e.g. 10000,100000,1000000); "
                             "'' for none")
    parser.add_argument("--no-real", action="store_true", help="skip the real corpus (Reuters + BBC)")
    parser.add_argument("--real-limit", type=int, default=None,
                        help="quick check: the first N Reuters stories and N BBC articles only")
    parser.add_argument("--pipelines", default="datasketch,rensa,dedup-w0,dedup-w1",
                        help="subset of datasketch,rensa,dedup-w0,dedup-w1 (default all)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic corpora (default 1)")
    parser.add_argument("--max-memory-gb", type=float, default=None,
                        help="kill a pipeline whose processes use more (default: the memory available at the start less 2 GB, "
                             "at most 75%% of the machine's)")
    parser.add_argument("--timeout", type=float, default=None, help="kill a pipeline run after this many seconds")
    parser.add_argument("--rounds-large", type=int, default=1,
                        help=f"rounds for synthetic sizes of {LARGE:,} documents or more (default 1: a 10^6 run takes an hour)")
    parser.add_argument("--resume", action="store_true",
                        help="reuse the measurements an earlier (interrupted) run kept in out/runs/; run the rest")
    parser.add_argument("--report-only", action="store_true",
                        help="only write the report from the measurements kept in out/runs/; run nothing")
    parser.add_argument("--name", default="bench",
                        help="output name: out/NAME.md and out/NAME.json (default bench; plots get a NAME- prefix "
                             "unless NAME is bench)")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        corpora.die(f"--rounds must be at least 1, found {args.rounds}.")
    sizes = _sizes(args.sizes)
    try:
        import psutil
    except ImportError:
        corpora.die("psutil is needed to sample memory: pip install 'dedup-news[bench]' (or pip install psutil matplotlib).")
    cpus = os.cpu_count() or 1
    all_variants = variants(cpus)
    wanted = [s.strip() for s in args.pipelines.split(",") if s.strip()]
    unknown = sorted(set(wanted) - {v.key for v in all_variants})
    if unknown or not wanted:
        corpora.die(f"--pipelines takes names among {', '.join(v.key for v in all_variants)}, found {args.pipelines!r}.")
    chosen = [v for v in all_variants if v.key in wanted]
    notes = []
    if any(v.key == "rensa" for v in chosen) and importlib.util.find_spec("rensa") is None:
        notes.append("rensa is not installed in this environment (`pip install rensa`), so it was not raced.")
        chosen = [v for v in chosen if v.key != "rensa"]
    vm = psutil.virtual_memory()
    max_memory = args.max_memory_gb * 2**30 if args.max_memory_gb else min(0.75 * vm.total, vm.available - 2 * 2**30)
    root = corpora.eval_dir_or_exit(args.eval_dir, need=("reuters21578", "bbc"))
    OUT_DIR.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    load_start = os.getloadavg()
    st = {"bench": {"started": _dt.datetime.now().isoformat(timespec="seconds"), "cpus": cpus,
                    "memory_gb": round(psutil.virtual_memory().total / 2**30, 1), "python": platform.python_version(),
                    "machine": platform.machine(), "versions": _versions(), "git": corpora.repository_state(), "rounds": args.rounds,
                    "rounds_large": args.rounds_large, "max_memory_gb": round(max_memory / 2**30, 1),
                    "load_start": load_start, "notes": notes, "corpora": {}},
          "sections": [], "chosen": chosen, "started": started, "name": args.name}

    if not args.no_real:
        path, n = real_corpus(root, args.real_limit)
        name = "Reuters-21578 + BBC" + (f" (first {args.real_limit} of each)" if args.real_limit else "")
        log(f"real corpus: {n} documents ({path.stat().st_size / 1e6:.0f} MB)")
        runs = race("real" if args.real_limit is None else f"real-{args.real_limit}", path, n, chosen,
                    rounds=args.rounds, max_memory=max_memory, timeout=args.timeout, resume=args.resume,
                    report_only=args.report_only)
        summary = summarise(runs, chosen)
        st["bench"]["corpora"]["real"] = {"name": name, "docs": n, "bytes": path.stat().st_size, "runs": runs,
                                          "summary": summary}
        st["sections"].append(("real", (name, n, path.stat().st_size, runs, summary)))
        render(st, final=not sizes)

    for k, size in enumerate(sizes):
        corpus, labels_path, meta = scale.ensure(size, eval_dir=root, seed=args.seed, log=log)
        rounds = args.rounds if size < LARGE else args.rounds_large
        log(f"synthetic {size}: {meta['docs']} documents ({meta['bytes'] / 1e6:.0f} MB), {rounds} round(s)")
        runs = race(f"scale-{size}" + (f"-seed{args.seed}" if args.seed != 1 else ""), corpus, meta["docs"], chosen,
                    rounds=rounds, max_memory=max_memory, timeout=args.timeout, resume=args.resume,
                    report_only=args.report_only)
        summary = summarise(runs, chosen)
        labels = scale.read_labels(labels_path)
        log(f"synthetic {size}: scoring {len(labels)} labelled pairs")
        q = quality(labels, label_texts(corpus, labels), runs, chosen)
        st["bench"]["corpora"][f"scale-{size}"] = {"docs": meta["docs"], "bytes": meta["bytes"], "meta": meta,
                                                   "rounds": rounds, "runs": runs, "summary": summary, "quality": q}
        st["sections"].append(("scale", (size, meta, runs, summary, q)))
        render(st, final=k == len(sizes) - 1)


def render(st: dict, *, final: bool) -> None:
    """Write the report, JSON and plots from what has been measured so far (print it when ``final``)."""
    bench, chosen, sections = st["bench"], st["chosen"], st["sections"]
    cpus, load_start = bench["cpus"], bench["load_start"]
    real_summary = None
    corpora_summaries: list[tuple[str, dict]] = []
    scaled: list[tuple[int, dict]] = []
    qualities: list[tuple[int, dict]] = []
    md = Markdown(echo=final)
    rounds = f"{bench['rounds']} round(s) per corpus"
    if any(payload[0] >= LARGE for kind, payload in sections if kind == "scale"):
        rounds += f" ({bench['rounds_large']} from {LARGE:,} documents)"
    md.add("# dedup speed and quality against datasketch and rensa", "",
           f"Run {bench['started']}, {cpus} CPUs, {bench['memory_gb']} GB, Python {bench['python']}; "
           + ", ".join(f"{k} {v}" for k, v in bench["versions"].items()) + f"; repository at {bench['git']}. "
           f"{rounds}; load average {load_start[0]:.2f} at the start. "
           "Medians over rounds; each pipeline ran alone in a fresh process, one after the other. "
           "*wall s*, *CPU s*: the pipeline after its input was loaded (CPU: user + system, all threads and "
           "child processes). *peak MB*: the worker's peak RSS as the kernel counts it (VmHWM), or, when larger, the "
           "peak of the proportional set size (PSS) summed over the worker and its child processes, sampled every "
           "~0.1 s (dedup's worker processes); *MB once loaded*: peak RSS when the corpus was in memory, before the "
           "pipeline started (interpreter, libraries and input). Peers' *candidate pairs* are LSH hits, their *groups* "
           "union-find components of them (no verification); dedup's are the pairs it verified and its clusters.", "")
    all_runs = [m for kind, payload in sections for m in payload[3 if kind == "real" else 2]]
    reused = [m for m in all_runs if m.get("reused")]
    notes = list(bench["notes"])
    if reused:
        when = sorted(m["finished"] for m in reused if m.get("finished"))
        notes.append(f"{len(reused)} of these {len(all_runs)} measurements were kept from an earlier run "
                     f"(`--resume`{', finished ' + when[0] + ' to ' + when[-1] if when else ''}); every run's time "
                     "and load average are in the JSON.")
    for note in notes:
        md.add(f"**Note:** {note}", "")
    for kind, payload in sections:
        if kind == "real":
            name, n, size_b, runs, summary = payload
            real_summary = summary
            corpora_summaries.append((f"{name}, {n:,} real", summary))
            md.add(f"## {name}: {n:,} real articles ({size_b / 1e6:.0f} MB)", "")
            speed_table(md, summary, chosen)
            bench["corpora"]["real"]["ratios"] = ratio_table(
                md, runs, chosen, "Ratios (median of per-round ratios; above 1: dedup takes more):")
            md.add("Stages (median seconds):", "")
            stage_table(md, summary, chosen)
        else:
            size, meta, runs, summary, q = payload
            scaled.append((meta["docs"], summary))
            qualities.append((meta["docs"], q))
            corpora_summaries.append((f"{meta['docs']:,} synthetic", summary))
            md.add(f"## Synthetic corpus of {meta['docs']:,} documents ({meta['bytes'] / 1e6:.0f} MB, "
                   f"{meta['universes']} universe(s), {meta['synthetic_docs']:,} synthetic documents)", "",
                   "Built by `benchmarks/scale.py` from the real articles: universe 0 is real text, further universes "
                   "are ciphered copies of it; labelled synthetic reprints in each (see benchmarks/README.md).", "")
            speed_table(md, summary, chosen)
            bench["corpora"][f"scale-{size}"]["ratios"] = ratio_table(
                md, runs, chosen, "Ratios (median of per-round ratios; above 1: dedup takes more):")
            md.add("Stages (median seconds):", "")
            stage_table(md, summary, chosen)
            md.add(f"### Quality on the synthetic labelled pairs ({meta['docs']:,} documents)", "",
                   "Found = both documents in one group (first round). *mean Jaccard*: exact Jaccard of the pair's "
                   "lowercased word 5-shingle sets, what the peers' LSH estimates. Reprints keep 20-100% of the "
                   "original (top or a random stretch) and are padded with as many words of other text.", "")
            quality_table(md, q, chosen)
    dedup_stage_table(md, corpora_summaries)
    if scaled:
        md.add("## Scaling (synthetic corpora)", "")
        rows = []
        for v in chosen:
            pts = [(n, s[v.key]) for n, s in scaled if s.get(v.key, {}).get("rounds")]
            cells = [f"{secs(s[v.key]['wall_s'])} s, {mb(s[v.key]['peak_mb'])} MB"
                     if s.get(v.key, {}).get("rounds")
                     else "; ".join(sorted(set(s.get(v.key, {}).get("failed", [])))) or "not run"
                     for _, s in scaled]
            xs, ts, ms = [n for n, _ in pts], [s["wall_s"] for _, s in pts], [s["peak_mb"] for _, s in pts]
            slope_t, slope_m = _slope(xs, ts), _slope(xs, ms)
            est = "-"
            if slope_t is not None and slope_m is not None and xs[-1] < 1_000_000:
                factor = 1_000_000 / xs[-1]
                est = f"~{duration(ts[-1] * factor ** slope_t)}, ~{ms[-1] * factor ** slope_m / 1024:.1f} GB"
            rows.append([v.label, *cells, f"{slope_t:.2f}" if slope_t is not None else "-",
                         f"{slope_m:.2f}" if slope_m is not None else "-", est])
        md.table(["pipeline", *[f"{n:,} docs" for n, _ in scaled], "time slope", "memory slope",
                  "10^6 docs, extrapolated"], rows)
        md.add("*slope*: of log(time or memory) against log(documents), least squares over the sizes that ran "
               "(1 = linear). The extrapolation follows that slope from the largest size that ran: an estimate, "
               "not a measurement.", "")
    written = plots(real_summary, scaled, qualities, chosen, prefix="" if st["name"] == "bench" else f"{st['name']}-")
    if written:
        md.add("Plots: " + ", ".join(f"`benchmarks/out/{w}`" for w in written) + ".", "")
    load_now = os.getloadavg()
    elapsed = time.perf_counter() - st["started"]
    md.add(("Total benchmark time" if final else "Incomplete: more corpora to come; benchmark time so far")
           + f" {elapsed:.0f} s; load average {load_start[0]:.2f} at the start, {load_now[0]:.2f} at the end "
           f"({cpus} CPUs).")
    bench["load_end"] = load_now
    bench["seconds"] = elapsed
    bench["complete"] = final
    (OUT_DIR / f"{st['name']}.md").write_text("\n".join(md.lines) + "\n", encoding="utf-8")
    (OUT_DIR / f"{st['name']}.json").write_text(json.dumps(bench, indent=1) + "\n", encoding="utf-8")
    log(f"wrote {OUT_DIR / (st['name'] + '.md')}, {OUT_DIR / (st['name'] + '.json')}")

if __name__ == "__main__":
    main()
