"""The labelled development set: pairs of real articles labelled by reading, under ../shared/VERDICTS.md.

The labels live in the repository (``benchmarks/devset/labels.jsonl``: pair ids, the
label and a one-line reason each, never the texts); the texts stay in ``../shared/eval/``.
This script writes the corpus the labels' ids point into, and draws the pairs to label:

    # the corpus the labels refer to (JSONL, every id the labels use), then the verdicts on it
    .venv/bin/python benchmarks/devset.py corpus            # -> benchmarks/out/devset-corpus.jsonl
    .venv/bin/dedup eval benchmarks/devset/labels.jsonl --corpus benchmarks/out/devset-corpus.jsonl

    # pairs to label, with their texts (out/ is git-ignored), in files of --per-file pairs
    .venv/bin/python benchmarks/devset.py sample            # -> benchmarks/out/devset-sample-*.jsonl

Ids: ``semeval-<pair_id>-1`` and ``-2`` (SemEval-2022 Task 8, the two texts of a pair),
``reuters-<NEWID>`` and ``bbc-<topic>-<NNN>`` (as :mod:`corpora` names them).

The sample (seed 1): every same-language SemEval pair whose texts share a 5-word shingle
containment of 0.02 or more (where copy is possible), a random draw of the rest weighted
to same-story pairs (``Overall`` <= 2: retold wire copy hides there), and pairs of
Reuters-21578 and BBC found by ``dedup scan`` (each verdict) or sharing a title (templated
stories: ``none`` by the definitions).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpora  # noqa: E402

from dedup import Document, Settings, scan  # noqa: E402
from dedup.steps import compare  # noqa: E402

HERE = Path(__file__).resolve().parent
LABELS = HERE / "devset" / "labels.jsonl"
OUT = HERE / "out"


def _containment(a: str, b: str) -> float:
    def shingles(text: str) -> set:
        words = re.findall(r"\w+", text.lower())
        return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}

    sa, sb = shingles(a), shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def semeval_documents(eval_dir: Path) -> dict[str, Document]:
    docs = {}
    for p in corpora.load_semeval(eval_dir):
        if f"semeval-{p.pair_id}-1" in docs:
            continue  # a pair id listed twice (once machine-translated): the first is kept
        docs[f"semeval-{p.pair_id}-1"] = Document(f"semeval-{p.pair_id}-1", p.text1)
        docs[f"semeval-{p.pair_id}-2"] = Document(f"semeval-{p.pair_id}-2", p.text2)
    return docs


def write_corpus(eval_dir: Path, out: Path) -> int:
    """Write every document the labels refer to as JSONL; return how many."""
    wanted = set()
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            wanted.update((row["a_id"], row["b_id"]))
    docs = semeval_documents(eval_dir)
    if any(w.startswith(("reuters-", "bbc-")) for w in wanted):
        docs.update({d.doc_id: d for d in corpora.load_reuters(eval_dir) + corpora.load_bbc(eval_dir)})
    missing = sorted(wanted - set(docs))
    if missing:
        corpora.die(f"{len(missing)} labelled ids are not in the corpora, e.g. {missing[0]}")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        for doc_id in sorted(wanted):
            d = docs[doc_id]
            f.write(json.dumps({"id": d.doc_id, "text": d.text, "title": d.title, "published": d.published,
                                "source": d.source}, ensure_ascii=False) + "\n")
    return len(wanted)


def _semeval_sample(eval_dir: Path, rng: random.Random, n_rest: int) -> list[dict]:
    firsts = {}
    for p in corpora.load_semeval(eval_dir):
        firsts.setdefault(p.pair_id, p)  # as semeval_documents: the first of a repeated pair id
    pairs = [p for p in firsts.values() if p.lang1 == p.lang2]
    overlap, same_story, other = [], [], []
    for p in sorted(pairs, key=lambda p: p.pair_id):
        c = _containment(p.text1, p.text2)
        (overlap if c >= 0.02 else same_story if p.overall <= 2 else other).append(p)
    rest = rng.sample(same_story, min(len(same_story), 2 * n_rest // 3))
    rest += rng.sample(other, min(len(other), n_rest - len(rest)))
    return [{"a_id": f"semeval-{p.pair_id}-1", "b_id": f"semeval-{p.pair_id}-2", "source": f"semeval {p.lang1}",
             "a": p.text1, "b": p.text2} for p in overlap + rest]


def _wire_sample(eval_dir: Path, rng: random.Random, per_verdict: int, templated: int) -> list[dict]:
    docs = corpora.load_reuters(eval_dir) + corpora.load_bbc(eval_dir)
    by_id = {d.doc_id: d for d in docs}
    result = scan(docs, Settings(), workers=0)
    by_verdict = defaultdict(list)
    for m in result.pairs:
        if by_id[m.a].text.strip() != by_id[m.b].text.strip():  # exact copies teach nothing
            by_verdict[m.verdict].append((m.a, m.b))
    chosen = []
    for verdict in ("duplicate", "reprint", "partial"):
        chosen += rng.sample(by_verdict[verdict], min(per_verdict, len(by_verdict[verdict])))
    by_title = defaultdict(list)
    for d in docs:
        if d.doc_id.startswith("reuters-") and d.title:
            by_title[d.title.strip().upper()].append(d.doc_id)
    groups = sorted(ids for ids in by_title.values() if len(ids) >= 2)
    for ids in rng.sample(groups, min(templated, len(groups))):
        a, b = sorted(rng.sample(ids, 2))
        if by_id[a].text.strip() != by_id[b].text.strip():
            chosen.append((a, b))
    seen, out = set(), []
    for a, b in chosen:
        if (a, b) not in seen:
            seen.add((a, b))
            out.append({"a_id": a, "b_id": b, "source": "reuters+bbc", "a": by_id[a].text, "b": by_id[b].text})
    return out


def write_sample(eval_dir: Path, *, seed: int, n_rest: int, per_verdict: int, templated: int, per_file: int) -> list[Path]:
    """Draw the pairs to label, with their texts and today's verdict; write them in files of ``per_file``."""
    rng = random.Random(seed)
    rows = _semeval_sample(eval_dir, rng, n_rest) + _wire_sample(eval_dir, rng, per_verdict, templated)
    for row in rows:
        m = compare(row["a"], row["b"])
        row["dedup_verdict_before"] = m.verdict
    OUT.mkdir(exist_ok=True)
    paths = []
    for k in range(0, len(rows), per_file):
        path = OUT / f"devset-sample-{k // per_file + 1}.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for row in rows[k : k + per_file]:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("corpus", "sample"))
    parser.add_argument("--eval-dir", default=None, help=f"folder of the corpora (default {corpora.DEFAULT_EVAL_DIR})")
    parser.add_argument("--out", default=str(OUT / "devset-corpus.jsonl"), help="corpus: where to write it")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rest", type=int, default=240, help="sample: SemEval pairs drawn beyond those with overlap")
    parser.add_argument("--per-verdict", type=int, default=20, help="sample: Reuters/BBC pairs per scan verdict")
    parser.add_argument("--templated", type=int, default=20, help="sample: Reuters pairs sharing a title")
    parser.add_argument("--per-file", type=int, default=80, help="sample: pairs per file")
    args = parser.parse_args(argv)
    eval_dir = corpora.eval_dir_or_exit(args.eval_dir, need=("reuters21578", "bbc", "semeval2022-task8"))
    if args.command == "corpus":
        print(f"{write_corpus(eval_dir, Path(args.out))} documents -> {args.out}")
    else:
        paths = write_sample(eval_dir, seed=args.seed, n_rest=args.rest, per_verdict=args.per_verdict,
                             templated=args.templated, per_file=args.per_file)
        print("\n".join(str(p) for p in paths))


if __name__ == "__main__":
    main()
