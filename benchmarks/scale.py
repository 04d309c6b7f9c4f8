"""Generate large *synthetic* news corpora with labelled reprints, from the real articles (streamed JSONL).

A corpus of ``--docs N`` documents is written as ``out/scale-N.jsonl`` (one
``{"id", "text", "title"?, "source"?, "published"?}`` per line, the format ``dedup scan``
reads), with ``out/scale-N.labels.jsonl`` (the labelled pairs) and ``out/scale-N.meta.json``
(counts, seed, format version). Nothing but one *universe* (~22,000 documents) is held
in memory at a time, so 10^6 documents (about 1 GB) stream out in minutes.

How it is built. The real corpus (Reuters-21578 stories with a body + BBC News, 21,268
articles, read in place from ``../shared/eval``) is the template of a *universe*; the
corpus is ``ceil(N / ~22,000)`` universes of equal size:

- Universe 0 is the real text. Universe ``u >= 1`` is the same articles put through a
  letter-substitution cipher of its own (a random permutation of a-z, applied alike to
  A-Z; digits, punctuation and non-ASCII letters kept). A ciphered copy keeps every
  article's length, paragraphs, sentences, word-frequency profile and the corpus's own
  near-duplicates and templated stories, but shares no word with the other universes
  (so no 5-word shingle, bar coincidences): the corpus grows without becoming one big
  cluster. dedup's furniture and credit rules look for English words (``Related
  article:``, ``Reuters``), so in ciphered universes they do not fire: that text is
  scanned as body.
- Each universe gets its own labelled pairs, made with :mod:`synth`'s transformations
  from BBC articles (the originals stay in the corpus): per kind, ``n`` pairs with
  ``n = 64 x`` (universe size / full size) (:data:`PAIRS_PER_UNIVERSE`):
  ``duplicate`` (formatting only: curly quotes, ``U.S.``, a paragraph split, scraped
  caption / related link / source line); ``reprint_top`` and ``reprint_span`` at each
  fraction kept 20/40/60/80/100% (padded with as many words from other-topic articles,
  a paragraph moved and one split, American spelling, ``U.S.``, curly quotes, a word or
  two changed, the scraped lines); and the negatives ``same_topic`` (two real articles
  of one topic), ``shared_quote`` (both articles replaced by versions quoting the same
  invented 2-3 sentences) and ``two_sentences`` (an article replaced by a version into
  which two sentences of another were pasted; label ``partial``: not a copy).
- Originals, negatives and padding donors are *stand-alone* BBC articles: sharing no run of
  10 words with any other BBC article (BBC holds a story and its update, or one story under
  two topics: 478 of its 2,089 distinct bodies share such a run), so the labels are the
  only copies they take part in (identical twins aside: see ``a_dups``).
- 450 BBC articles per universe (:data:`POOL_SIZE`) are kept out of it, with their exact
  duplicates, and give the padding (each sentence to one reprint only: :class:`Padding`)
  and the related-article headlines, so a reprint shares text with its original and
  nothing else in the corpus.
- The rest of the universe is filled with the other real articles (all of them in a
  full universe; a random subset in a smaller one, e.g. the 10^4 corpus), and the
  universe is shuffled before it is written.

Labels, one JSON object per line: ``a``, ``b`` (ids), ``label`` (``duplicate``,
``reprint``, ``none``, ``partial``), ``kind``, ``fraction`` (kept, or null),
``kept_fraction`` (measured), ``universe``, ``a_dups`` (ids of exact duplicates of ``a``
in the corpus: a reprint of ``a`` is rightly grouped with them too). Ids are
``u<universe>/<real id>`` and, for synthetic documents, ``...~copy``, ``...~reprint``,
``...~quote``, ``...~2s``.

All output holds Reuters/BBC text (ciphered or not): it goes under ``benchmarks/out/``
(git-ignored) and must never be committed.

Usage::

    .venv/bin/python benchmarks/scale.py --docs 10000 [--docs 100000 ...] [--seed 1] [--force]

>>> sizes = universe_sizes(100_000, 21_800)
>>> len(sizes), sum(sizes), max(sizes) - min(sizes) <= 1
(5, 100000, True)
>>> table = cipher_table(random.Random(3))
>>> "Reuters 1987".translate(table).lower() == "reuters 1987".translate(table)
True
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import string
import sys
import time
from pathlib import Path
from typing import Iterator, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpora  # noqa: E402
import synth  # noqa: E402

from dedup.ingest import Document  # noqa: E402

FORMAT_VERSION = 3
OUT_DIR = Path(__file__).resolve().parent / "out"
#: Words in a run that makes two BBC articles near-duplicates of each other (a run of 10
#: words shared by chance between independent stories is rare; quotations are the exception).
RUN_WORDS = 10
#: BBC articles held out of each universe as padding donors (synth.make_pairs keeps 300+).
#: Each donor sentence pads one reprint at most: 450 articles give ~170,000 words, more than a
#: full universe's 640 reprints ask for (as many words as they keep: ~150,000).
POOL_SIZE = 450
#: Pairs per kind (reprints: per kind and fraction) in a full universe: 17 originals per unit,
#: and 17 x 64 = 1,088 of the ~1,150 stand-alone BBC articles left after the pool.
PAIRS_PER_UNIVERSE = 64
#: Synthetic documents added per unit of n: a duplicate and 2 x 5 reprints.
NEW_PER_N = 1 + 2 * len(synth.FRACTIONS)


def paths(n_docs: int, out_dir: Path = OUT_DIR) -> tuple[Path, Path, Path]:
    """Return (corpus, labels, meta) paths of the N-document corpus."""
    stem = out_dir / f"scale-{n_docs}"
    return Path(f"{stem}.jsonl"), Path(f"{stem}.labels.jsonl"), Path(f"{stem}.meta.json")


def universe_sizes(n_docs: int, full: int) -> list[int]:
    """Split ``n_docs`` into the fewest universes of at most ``full`` documents, sizes within one."""
    k = max(1, math.ceil(n_docs / full))
    return [n_docs // k + (1 if i < n_docs % k else 0) for i in range(k)]


def cipher_table(rng: random.Random) -> dict[int, str]:
    """Return a ``str.translate`` table permuting a-z at random, and A-Z the same way."""
    letters = list(string.ascii_lowercase)
    rng.shuffle(letters)
    table = {ord(a): b for a, b in zip(string.ascii_lowercase, letters)}
    table.update({ord(a.upper()): b.upper() for a, b in zip(string.ascii_lowercase, letters)})
    return table


def shares_a_run(texts: Sequence[tuple[str, str]], *, run: int = RUN_WORDS) -> set[str]:
    """Return the ids of texts sharing a run of ``run`` words (case-folded, letters and digits) with another.

    >>> sorted(shares_a_run([("a", "one two three four"), ("b", "One two three, five"), ("c", "two three four")], run=3))
    ['a', 'b', 'c']
    >>> sorted(shares_a_run([("a", "one two three four"), ("b", "four three two one")], run=3))
    []
    """
    seen: dict[int, str] = {}
    out: set[str] = set()
    for doc_id, text in texts:
        words = re.findall(r"[a-z0-9]+", text.lower())
        for h in {hash(tuple(words[i:i + run])) for i in range(len(words) - run + 1)}:
            other = seen.setdefault(h, doc_id)
            if other != doc_id:
                out.update((doc_id, other))
    return out


class Padding:
    """Padding for the reprints of one universe, each donor sentence used once.

    Called as ``padding(topic, words, rng)`` (the ``padding`` hook of
    :func:`synth.make_reprint`): runs of consecutive sentences of other-topic donors, in
    paragraphs of two or three, until within 10% of ``words`` (as :func:`synth._padding`),
    but every donor is read on from where the last reprint stopped, so no two reprints
    share padding (else they would be real, unlabelled copies of each other). Should the
    donors run dry, sentences are reused and counted in :attr:`reused_words`.
    """

    def __init__(self, pool: Sequence[Document]) -> None:
        self.donors = [(d.doc_id, synth._topic(d), [s for p in synth.split_article(d.text)[1] for s in p])
                       for d in pool]
        self.cursor = [0] * len(self.donors)
        self.reused_words = 0

    def __call__(self, topic: str, words: int, rng: random.Random) -> tuple[list[str], list[str]]:
        out, ids, total = [], [], 0
        for _ in range(200):
            if total >= words * 0.9:
                break
            fresh = [k for k, (_, t, ss) in enumerate(self.donors) if t != topic and self.cursor[k] < len(ss)]
            reuse = not fresh
            k = rng.choice(fresh or [k for k, (_, t, _) in enumerate(self.donors) if t != topic])
            doc_id, _, sentences = self.donors[k]
            start = self.cursor[k] if not reuse else rng.randrange(len(sentences))
            taken: list[str] = []
            for sentence in sentences[start:]:
                if total + synth._words(sentence) > words * 1.15 and total > 0:
                    break
                taken.append(sentence)
                total += synth._words(sentence)
                if total >= words * 0.9:
                    break
            if not taken:
                continue
            if reuse:
                self.reused_words += sum(synth._words(s) for s in taken)
            else:
                self.cursor[k] = start + len(taken)
            ids.append(doc_id)
            size = rng.choice((2, 3))
            out += [" ".join(taken[i:i + size]) for i in range(0, len(taken), size)]
        return out, ids


class Source:
    """The real articles and what every universe needs from them, computed once."""

    def __init__(self, reuters: Sequence[Document], bbc: Sequence[Document]) -> None:
        self.reuters = list(reuters)
        self.bbc = list(bbc)
        self.by_fingerprint: dict[str, list[str]] = {}
        for d in sorted(self.bbc, key=lambda d: d.doc_id):
            self.by_fingerprint.setdefault(synth._fingerprint(synth.split_body(d.text)), []).append(d.doc_id)
        self.fingerprint = {i: fp for fp, ids in self.by_fingerprint.items() for i in ids}
        by_id = {d.doc_id: d for d in self.bbc}
        # as synth.make_pairs: one member per identical body, enough text to cut
        self.unique = [by_id[ids[0]] for ids in self.by_fingerprint.values()]
        self.unique = [d for d in self.unique if synth.split_article(d.text)[1] and synth._words(d.text) >= 120]
        self.unique.sort(key=lambda d: d.doc_id)
        # BBC holds many near-duplicates besides identical twins (a story and its update, one story
        # filed under two topics). Originals, negatives and padding donors must share no text with
        # any other article, else a reprint is rightly grouped with documents the labels call unrelated.
        entangled = shares_a_run([(i, synth.split_body(by_id[ids[0]].text)) for ids in self.by_fingerprint.values()
                                  for i in ids[:1]])
        self.clean = [d for d in self.unique if d.doc_id not in entangled]

    @property
    def full_universe(self) -> int:
        """Documents in a full universe: every real article but the pool, plus the new synthetic ones."""
        # less 100: the pool's identical twins stay out too (BBC has 136 pairs of identical bodies)
        return len(self.reuters) + len(self.bbc) - POOL_SIZE - 100 + NEW_PER_N * PAIRS_PER_UNIVERSE

    def siblings(self, doc_id: str) -> list[str]:
        """Return the other BBC ids whose body is identical to ``doc_id``'s."""
        fp = self.fingerprint.get(doc_id)
        return [i for i in self.by_fingerprint.get(fp, []) if i != doc_id] if fp else []


def build_universe(src: Source, u: int, size: int, seed: int) -> tuple[list[dict], list[dict], int]:
    """Return (documents, labels, padding words reused) of universe ``u`` of ``size`` documents (ids unprefixed)."""
    rng = random.Random(seed * 1_000_003 + u)
    n = max(1, round(PAIRS_PER_UNIVERSE * size / src.full_universe))
    docs = list(src.clean)
    rng.shuffle(docs)
    pool, originals = docs[-POOL_SIZE:], docs[:-POOL_SIZE]
    queue = list(originals)
    padding = Padding(pool)

    def take(topic: str | None = None, exclude: str | None = None) -> Document:
        nonlocal queue
        for _ in range(2):
            for k, d in enumerate(queue):
                if (topic is None or synth._topic(d) == topic) and d.doc_id != exclude:
                    return queue.pop(k)
            queue = list(originals)  # more pairs than originals: start again (not at the default sizes)
        raise ValueError(f"no BBC article of topic {topic!r} left for universe {u}")

    def related() -> str:
        return synth.split_article(rng.choice(pool).text)[0]

    new: list[dict] = []  # synthetic documents added: {"id", "text"}
    replaced: dict[str, dict] = {}  # real id -> the synthetic document standing in for it
    keep: set[str] = set()  # real ids that must be in the universe
    labels: list[dict] = []

    def positive(pair: dict) -> None:
        new.append({"id": pair["b_id"], "text": pair["b"]})
        keep.add(pair["a_id"])
        labels.append({"a": pair["a_id"], "b": pair["b_id"], "label": pair["label"], "kind": pair["kind"],
                       "fraction": pair["fraction"], "kept_fraction": pair["kept_fraction"]})

    for _ in range(n):
        positive(synth.make_duplicate(take(), related(), rng))
    for mode in ("top", "span"):
        for f in synth.FRACTIONS:
            for _ in range(n):
                positive(synth.make_reprint(take(), f, mode, pool, related(), rng, pad_ratio=1.0, padding=padding))
    for _ in range(n):
        a = take()
        b = take(synth._topic(a), a.doc_id)
        keep.update((a.doc_id, b.doc_id))
        labels.append({"a": a.doc_id, "b": b.doc_id, "label": "none", "kind": "same_topic", "fraction": None,
                       "kept_fraction": None})
    for _ in range(n):
        a = take()
        b = take(synth._topic(a), a.doc_id)
        pair = synth.make_shared_quote(a, b, rng)
        replaced[a.doc_id] = {"id": f"{a.doc_id}~quote", "text": pair["a"]}
        replaced[b.doc_id] = {"id": f"{b.doc_id}~quote", "text": pair["b"]}
        labels.append({"a": f"{a.doc_id}~quote", "b": f"{b.doc_id}~quote", "label": "none", "kind": "shared_quote",
                       "fraction": None, "kept_fraction": None})
    made = 0
    while made < n:
        a = take()
        b = take(synth._topic(a), a.doc_id)
        pair = synth.make_two_sentences(a, b, rng)
        if pair is None:
            continue
        keep.add(a.doc_id)
        replaced[b.doc_id] = {"id": f"{b.doc_id}~2s", "text": pair["b"]}
        labels.append({"a": a.doc_id, "b": f"{b.doc_id}~2s", "label": "partial", "kind": "two_sentences",
                       "fraction": None, "kept_fraction": None})
        made += 1

    # the pool and its identical twins stay out, so padding is shared with nothing in the corpus
    banned = {d.doc_id for d in pool} | {s for d in pool for s in src.siblings(d.doc_id)}
    keep -= set(replaced)
    real = {d.doc_id: d for d in (*src.reuters, *src.bbc)}
    chosen = [real[i] for i in sorted(keep)] + [real[i] for i in sorted(replaced)]
    fill = [d for d in (*src.reuters, *src.bbc) if d.doc_id not in banned and d.doc_id not in keep
            and d.doc_id not in replaced]
    room = max(0, size - len(new) - len(chosen))
    chosen += rng.sample(fill, min(room, len(fill)))
    out = list(new)
    for d in chosen:
        if d.doc_id in replaced:
            out.append(replaced[d.doc_id])
        else:
            rec = {"id": d.doc_id, "text": d.text}
            for key in ("title", "source", "published"):
                if getattr(d, key):
                    rec[key] = getattr(d, key)
            out.append(rec)
    rng.shuffle(out)
    present = {r["id"] for r in out}
    for lab in labels:
        lab["a_dups"] = [s for s in src.siblings(lab["a"]) if s in present]
    return out, labels, padding.reused_words


def _prefixed(records: list[dict], labels: list[dict], u: int, table: dict[int, str] | None) -> Iterator[dict]:
    """Prefix ids with the universe and, for ``u >= 1``, cipher the text and title (in place)."""
    tag = f"u{u:02d}/"
    for lab in labels:
        lab["a"], lab["b"] = tag + lab["a"], tag + lab["b"]
        lab["a_dups"] = [tag + s for s in lab["a_dups"]]
        lab["universe"] = u
    for r in records:
        r["id"] = tag + r["id"]
        if table is not None:
            r["text"] = r["text"].translate(table)
            if "title" in r:
                r["title"] = r["title"].translate(table)
        yield r


def generate(n_docs: int, *, eval_dir: Path | None = None, seed: int = 1, out_dir: Path = OUT_DIR,
             log=lambda msg: None) -> dict:
    """Write the N-document corpus, its labels and meta (see the module docstring); return the meta."""
    if n_docs < 1000:
        corpora.die(f"--docs must be at least 1000 (room for the labelled pairs), found {n_docs}.")
    root = corpora.eval_dir_or_exit(eval_dir, need=("reuters21578", "bbc"))
    src = Source(corpora.load_reuters(root), corpora.load_bbc(root))
    corpus, labels_path, meta_path = paths(n_docs, out_dir)
    corpus.parent.mkdir(parents=True, exist_ok=True)
    sizes = universe_sizes(n_docs, src.full_universe)
    tmp_corpus, tmp_labels = Path(f"{corpus}.part"), Path(f"{labels_path}.part")
    counts: dict[str, int] = {}
    written = synthetic = reused = 0
    t0 = time.perf_counter()
    with tmp_corpus.open("w", encoding="utf-8") as fc, tmp_labels.open("w", encoding="utf-8") as fl:
        for u, size in enumerate(sizes):
            records, labels, reused_words = build_universe(src, u, size, seed)
            reused += reused_words
            table = cipher_table(random.Random(f"cipher:{seed}:{u}")) if u else None
            for r in _prefixed(records, labels, u, table):
                fc.write(json.dumps(r, ensure_ascii=False) + "\n")
                written += 1
                synthetic += "~" in r["id"]
            for lab in labels:
                fl.write(json.dumps(lab) + "\n")
                counts[lab["kind"]] = counts.get(lab["kind"], 0) + 1
            log(f"scale: universe {u + 1}/{len(sizes)} written ({written} documents, {time.perf_counter() - t0:.0f}s)")
    os.replace(tmp_corpus, corpus)
    os.replace(tmp_labels, labels_path)
    meta = {"format_version": FORMAT_VERSION, "docs": written, "requested_docs": n_docs, "seed": seed,
            "universes": len(sizes), "universe_sizes": sizes, "synthetic_docs": synthetic,
            "labelled_pairs": counts, "padding_words_reused": reused, "bytes": corpus.stat().st_size, "seconds": round(time.perf_counter() - t0, 1)}
    meta_path.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return meta


def ensure(n_docs: int, *, eval_dir: Path | None = None, seed: int = 1, out_dir: Path = OUT_DIR, force: bool = False,
           log=lambda msg: None) -> tuple[Path, Path, dict]:
    """Return (corpus, labels, meta) of the N-document corpus, generating it unless an identical one exists."""
    corpus, labels, meta_path = paths(n_docs, out_dir)
    if not force and corpus.exists() and labels.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format_version") == FORMAT_VERSION and meta.get("seed") == seed:
            return corpus, labels, meta
    log(f"scale: generating {n_docs} documents (seed {seed}) into {corpus}")
    meta = generate(n_docs, eval_dir=eval_dir, seed=seed, out_dir=out_dir, log=log)
    return corpus, labels, meta


def read_labels(path: Path) -> list[dict]:
    """Return the labelled pairs of a corpus."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic N-document news corpus (JSONL) with labelled "
                                                 "reprint pairs, built from Reuters-21578 and BBC articles.")
    parser.add_argument("--docs", type=int, action="append", required=True,
                        help="documents in the corpus (repeat for several sizes), e.g. 10000, 100000, 1000000")
    parser.add_argument("--eval-dir", default=None, help=f"folder of the corpora (default {corpora.DEFAULT_EVAL_DIR})")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out-dir", default=str(OUT_DIR), help="where to write (default benchmarks/out/)")
    parser.add_argument("--force", action="store_true", help="regenerate even if an identical corpus exists")
    args = parser.parse_args(argv)
    out_dir = Path(args.out_dir).resolve()
    repo = Path(__file__).resolve().parents[1]
    if out_dir.is_relative_to(repo) and not out_dir.is_relative_to(OUT_DIR):
        corpora.die(f"{out_dir} is inside the repository; the corpora hold Reuters/BBC text, write under {OUT_DIR}.")
    for n in args.docs:
        corpus, _, meta = ensure(n, eval_dir=args.eval_dir, seed=args.seed, out_dir=out_dir, force=args.force,
                                 log=lambda m: print(m, file=sys.stderr, flush=True))
        print(f"{corpus}: {meta['docs']} documents ({meta['synthetic_docs']} synthetic), {meta['universes']} "
              f"universe(s), {meta['bytes'] / 1e6:.0f} MB; labelled pairs: "
              + ", ".join(f"{k} {v}" for k, v in meta["labelled_pairs"].items()))


if __name__ == "__main__":
    main()
