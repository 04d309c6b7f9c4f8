"""Benchmark paragraph alignment (:func:`dedup.align.align`) on BBC articles and made-up reprints.

Each sampled BBC article (``../shared/eval/bbc``, read in place, never copied) is article
A; its reprint B is made here the way news desks edit wire copy: some paragraphs dropped,
one split and one merged with its neighbour, words edited (localised spelling, a word
swapped, dropped or added), one paragraph moved, and padding paragraphs taken from
another article. The script times ``align(A, B)`` over ``--pairs`` pairs and, since it
knows where every reprint paragraph came from, also reports how many it aligned right.

Usage::

    .venv/bin/python benchmarks/bench_align.py [--pairs 500] [--seed 1] [--eval-dir PATH]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from corpora import eval_dir_or_exit, load_bbc

from dedup.align import align

# A few US -> UK spellings, the commonest edit between a US wire and a British outlet.
SPELLINGS = {
    "defense": "defence", "color": "colour", "favor": "favour", "center": "centre",
    "program": "programme", "labor": "labour", "organization": "organisation",
    "analyze": "analyse", "percent": "per cent", "traveled": "travelled",
}


def paragraphs(text: str) -> list[str]:
    """Body paragraphs of a BBC file: line 1 is the headline, blank lines separate paragraphs."""
    body = text.replace("\r\n", "\n").split("\n", 1)[1] if "\n" in text else ""
    return [" ".join(p.split()) for p in body.split("\n\n") if p.strip()]


def edit_words(paragraph: str, rng: random.Random, donor: list[str]) -> str:
    """Apply one word-level desk edit: respell, swap, drop or add a word."""
    words = paragraph.split()
    for i, word in enumerate(words):
        if word.lower() in SPELLINGS:
            words[i] = SPELLINGS[word.lower()]
            return " ".join(words)
    i = rng.randrange(len(words))
    kind = rng.choice(("swap", "drop", "add"))
    if kind == "swap":
        words[i] = rng.choice(donor)
    elif kind == "drop" and len(words) > 1:
        del words[i]
    else:
        words.insert(i, rng.choice(donor))
    return " ".join(words)


def make_reprint(a: list[str], padding: list[str], rng: random.Random) -> tuple[list[str], list[frozenset[int]]]:
    """Return a reprint of ``a`` and, for each of its paragraphs, the A paragraphs it came from.

    An empty origin marks padding (should align as ``added``).
    """
    # (text, origin) pairs, edited in the order a desk would: cut, merge, edit, move, pad;
    # the split comes last so that its two halves stay neighbours (the truth stays clear)
    b = [(p, frozenset({i})) for i, p in enumerate(a)]
    b = [x for x in b if rng.random() > 0.15] or b[:1]  # drop ~15%
    if len(b) >= 3:
        i = rng.randrange(len(b) - 1)
        (p, o), (q, r) = b[i], b[i + 1]
        if max(o) + 1 == min(r):  # only merge paragraphs that were neighbours in A
            b[i:i + 2] = [(p + " " + q, o | r)]
    donor = " ".join(padding).split() or ["however"]
    # a one-word edit in a paragraph of a few words leaves nothing to recognise it by
    b = [(edit_words(p, rng, donor), o) if len(p.split()) >= 8 and rng.random() < 0.3 else (p, o)
         for p, o in b]
    if len(b) >= 2:
        b.insert(rng.randrange(len(b)), b.pop(rng.randrange(len(b))))
    for p in padding[: rng.randint(1, 3)]:
        b.insert(rng.randint(0, len(b)), (p, frozenset()))
    for i, (p, o) in enumerate(b):
        sentences = p.split(". ")
        if len(o) == 1 and len(sentences) >= 2 and rng.random() < 0.15:
            cut = rng.randrange(1, len(sentences))
            b[i:i + 1] = [(". ".join(sentences[:cut]) + ".", o), (". ".join(sentences[cut:]), o)]
            break
    return [p for p, _ in b], [o for _, o in b]


def correct(result, origins: list[frozenset[int]]) -> int:
    """Count reprint paragraphs whose block holds exactly the A paragraphs they came from."""
    block_of = {j: block for block in result.blocks for j in block.b}
    return sum(1 for j, origin in enumerate(origins) if frozenset(block_of[j].a) == origin)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=500, help="article pairs to align (default 500)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the sample and of the edits")
    parser.add_argument("--eval-dir", default=None, help="folder holding bbc/ (default ../shared/eval)")
    args = parser.parse_args()
    if args.pairs < 1:
        parser.error(f"--pairs must be at least 1, got {args.pairs}")

    docs = load_bbc(eval_dir_or_exit(args.eval_dir, need=("bbc",)))
    articles = [p for p in (paragraphs(d.text) for d in docs) if p]
    rng = random.Random(args.seed)
    pairs = []
    for n in range(args.pairs):
        a = articles[rng.randrange(len(articles))]
        padding = articles[rng.randrange(len(articles))]
        b, origins = make_reprint(a, rng.sample(padding, len(padding)), rng)
        pairs.append((a, b, origins))

    # wall and CPU time both: on a shared machine the gap shows how much was waiting
    seconds = cpu = 0.0
    right = total = 0
    for a, b, origins in pairs:
        start, start_cpu = time.perf_counter(), time.process_time()
        result = align(a, b)
        seconds += time.perf_counter() - start
        cpu += time.process_time() - start_cpu
        right += correct(result, origins)
        total += len(b)

    rows = [
        ("pairs", f"{len(pairs)}"),
        ("seconds in align (wall)", f"{seconds:.2f}"),
        ("seconds in align (CPU)", f"{cpu:.2f}"),
        ("pairs/s (wall)", f"{len(pairs) / seconds:.0f}"),
        ("pairs/s (CPU)", f"{len(pairs) / cpu:.0f}"),
        ("median paragraphs A / B", f"{statistics.median(len(a) for a, _, _ in pairs):g} / "
                                    f"{statistics.median(len(b) for _, b, _ in pairs):g}"),
        ("median words per paragraph", f"{statistics.median(len(p.split()) for a, _, _ in pairs for p in a):g}"),
        ("reprint paragraphs aligned right", f"{right}/{total} ({right / total:.1%})"),
    ]
    width = max(len(k) for k, _ in rows)
    print(f"align benchmark: BBC articles vs synthetic reprints (seed {args.seed})")
    for key, value in rows:
        print(f"  {key:<{width}}  {value:>12}")


if __name__ == "__main__":
    main()
