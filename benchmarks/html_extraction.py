"""How well dedup reads web pages: the article bodies it extracts against hand-checked ones.

The Zyte (Scrapinghub) article-extraction benchmark in ``../shared/eval/zyte-article-extraction/``:
181 real news pages (``html/<id>.html.gz``) with a gold ``articleBody`` each. For every page this
reads the file as ``dedup scan`` does (:func:`dedup.ingest.html_document`) and scores, word by word,

- *extracted*: the text the reader gives (trafilatura's main text, title line included);
- *body*: what dedup compares, the ``body`` paragraphs left by :func:`dedup.clean.clean`;

against the gold body: precision = shared words / words found, recall = shared words / gold words
(words counted as a multiset, lower-cased, punctuation dropped: :func:`dedup.tokenize`), F1 their
harmonic mean; each the mean over pages (a page with nothing extracted scores 0).

    .venv/bin/python benchmarks/html_extraction.py [--eval-dir ../shared/eval]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpora  # noqa: E402

from dedup import tokenize  # noqa: E402
from dedup.clean import clean  # noqa: E402
from dedup.ingest import html_document  # noqa: E402


def score(found: str, gold: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of the words of ``found`` against those of ``gold``.

    >>> [round(x, 3) for x in score("the port was shut", "the port was shut today")]
    [1.0, 0.8, 0.889]
    """
    a, b = Counter(tokenize(found)), Counter(tokenize(gold))
    shared = sum((a & b).values())
    precision = shared / sum(a.values()) if a else 0.0
    recall = shared / sum(b.values()) if b else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", default=None, help=f"folder of the corpora (default {corpora.DEFAULT_EVAL_DIR})")
    args = parser.parse_args(argv)
    root = corpora.eval_dir_or_exit(args.eval_dir, need=("zyte-article-extraction",)) / "zyte-article-extraction"
    gold = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    rows = {"extracted": [], "body": []}
    skipped = 0
    for page_id, item in sorted(gold.items()):
        data = gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes())
        doc, _ = html_document(data, f"{page_id}.html.gz")
        if doc is None:
            skipped += 1
        extracted = doc.text if doc else ""
        body = "\n".join(clean(extracted).body) if doc else ""
        rows["extracted"].append(score(extracted, item["articleBody"]))
        rows["body"].append(score(body, item["articleBody"]))
    print(f"{len(gold)} pages, {skipped} with no article found\n")
    print("| text scored | precision | recall | F1 |")
    print("|---|---:|---:|---:|")
    for name, scores in rows.items():
        p, r, f = (sum(s[k] for s in scores) / len(scores) for k in range(3))
        print(f"| {name} | {p:.3f} | {r:.3f} | {f:.3f} |")


if __name__ == "__main__":
    main()
