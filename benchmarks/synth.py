"""Generate labelled synthetic reprint pairs from BBC articles (seeded, deterministic).

A wire story is rarely reprinted whole: an outlet keeps the top of it (the wire is
cut from the bottom) or a stretch of it, pads it with its own paragraphs, moves and
splits paragraphs, respells it for its readers and scrapes it with page furniture.
This module builds such reprints from the BBC corpus, where the original is known,
plus the negatives a detector must not call copies.

Kinds of pair (``a`` is always an unmodified BBC article):

``duplicate`` (label ``duplicate``, fraction 1.0)
    the whole body, formatting changes only: curly quotes, ``US`` -> ``U.S.``, one
    paragraph split in two, scraped furniture (a caption, a "Related article:" line,
    a "Source: https://..." line).
``reprint_top`` / ``reprint_span`` (label ``reprint``, fraction f)
    keep a fraction f of the body words (0.2 .. 1.0; sentence granularity): the first
    sentences (``top``, the wire cut from the bottom) or a random contiguous stretch
    (``span``); pad with paragraphs of unrelated BBC articles of another topic
    (``pad_ratio`` x the kept words, at random places); move one paragraph, split one
    in two; light edits (British -> American spelling, ``US`` -> ``U.S.``,
    ``per cent`` -> ``percent``, curly quotes, one or two words changed); furniture
    as above.
``same_topic`` (label ``none``)
    two different articles of the same topic.
``shared_quote`` (label ``none``)
    two different articles of the same topic into which the same invented
    quotation (2-3 sentences in double quotes, ``said <name>, <role>``) is inserted:
    two reports quoting one speaker at length are not copies.
``two_sentences`` (label ``partial``)
    two consecutive unquoted sentences of ``a`` inserted into a different article.

Each pair is a dict: ``a``, ``b``, ``label``, ``kind``, ``fraction`` (f, or None for
negatives), and provenance keys (``a_id``, ``b_id``, ``pad_ids``, ``orig_words``,
``kept_words``, ``kept_fraction``, ``pad_words``, ``copied_words``, ``ops``). The JSONL
written by the CLI is the format ``dedup eval`` reads: one such object per line.

The output holds BBC article text: write it under ``benchmarks/out/`` (git-ignored),
never into a committed file.

Usage::

    .venv/bin/python benchmarks/synth.py --out benchmarks/out/synth_pairs.jsonl [--n 40] [--seed 1]

>>> from dedup.ingest import Document
>>> docs = [Document(f"bbc-{t}-{i:03d}", _toy_article(t, i)) for t in ("business", "sport") for i in range(40)]
>>> pairs = make_pairs(docs, 2, seed=3)
>>> sorted({p["kind"] for p in pairs})
['duplicate', 'reprint_span', 'reprint_top', 'same_topic', 'shared_quote', 'two_sentences']
>>> make_pairs(docs, 2, seed=3) == pairs
True
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedup.ingest import Document  # noqa: E402

#: Fractions of the original body kept by the reprints.
FRACTIONS = (0.2, 0.4, 0.6, 0.8, 1.0)
KINDS = ("duplicate", "reprint_top", "reprint_span", "same_topic", "shared_quote", "two_sentences")
LABELS = {"duplicate": "duplicate", "reprint_top": "reprint", "reprint_span": "reprint",
          "same_topic": "none", "shared_quote": "none", "two_sentences": "partial"}

# British -> American spellings an outlet in the US would apply (lower-case forms; a
# capitalised occurrence is swapped with its capital kept). "Labour" is left alone: the party.
SPELLINGS = {
    "defence": "defense", "colour": "color", "colours": "colors", "organise": "organize",
    "organised": "organized", "organisation": "organization", "organisations": "organizations",
    "favour": "favor", "favourite": "favorite", "centre": "center", "centres": "centers",
    "programme": "program", "programmes": "programs", "realise": "realize", "realised": "realized",
    "recognise": "recognize", "recognised": "recognized", "analyse": "analyze", "behaviour": "behavior",
    "licence": "license", "travelled": "traveled", "criticised": "criticized", "apologise": "apologize",
    "honour": "honor", "neighbour": "neighbor", "neighbours": "neighbors", "theatre": "theater",
    "metres": "meters", "cheque": "check", "tyres": "tires", "privatisation": "privatization",
}
_SPELLING = re.compile(r"\b(" + "|".join(SPELLINGS) + r")\b", re.I)

# Words swapped in for "a word or two changed" (an editor's touch: tense, register).
_SUBSTITUTES = ("recently", "also", "reportedly", "major", "several", "key", "new", "further", "notably")

# Invented quotation material (written for this benchmark; not from any article).
_QUOTE_SENTENCES = (
    "We have always said that the only way forward is to sit down together and talk it through",
    "Nobody in this building expected the numbers to turn around quite so quickly",
    "The people who pay for this are the families who have the least room to absorb it",
    "There is still a great deal of work to do before anyone can claim the problem is solved",
    "What we are asking for is simple, and it has been on the table for more than two years",
    "I think the next twelve months will tell us whether the approach we chose was the right one",
    "It would be a serious mistake to read too much into a single set of figures",
    "Our members have been patient, but that patience is now very close to running out",
    "We will look carefully at every option before we commit to anything at all",
    "This is a decision that will shape the way the whole industry works for a generation",
    "Frankly, the timetable we were given was never realistic and everyone involved knew it",
    "The evidence we have gathered points clearly in one direction and we intend to follow it",
)
_FIRST = ("Margaret", "Daniel", "Priya", "Thomas", "Helen", "Samuel", "Fiona", "Oliver", "Grace", "Martin")
_LAST = ("Ellison", "Okafor", "Hargreaves", "Whitcombe", "Delaney", "Marsh", "Kendrick", "Aldous", "Pryce", "Tanner")
_ROLES = ("a spokeswoman for the group", "the chairman of the panel", "a senior adviser to the board",
          "who leads the campaign", "a spokesman for the organisers", "the committee's deputy head")
_OUTLETS = ("dailyherald-example.com", "news.example.org", "citytribune-example.net", "worldwire-example.com")

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])([\"'])?\s+(?=[\"'(]?[A-Z0-9£$])")


# --- article structure -------------------------------------------------------------------------


def split_article(text: str) -> tuple[str, list[list[str]]]:
    """Return (headline, body paragraphs as lists of sentences) of a BBC article.

    >>> split_article("Head line\\n\\nOne two. Three four.\\n\\nFive.")
    ('Head line', [['One two.', 'Three four.'], ['Five.']])
    """
    lines = [" ".join(line.split()) for line in text.strip().split("\n")]
    lines = [line for line in lines if line]
    headline = lines[0] if lines else ""
    return headline, [split_sentences(p) for p in lines[1:]]


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences (a closing quote stays with its sentence).

    >>> split_sentences('He said "Go." Then: ok. "Next," said he.')
    ['He said "Go."', 'Then: ok.', '"Next," said he.']
    """
    out, start = [], 0
    for m in _SENTENCE_BREAK.finditer(paragraph):
        end = m.start() + (1 if m.group(1) else 0)
        out.append(paragraph[start:end].strip())
        start = m.end()
    out.append(paragraph[start:].strip())
    return [s for s in out if s]


def _words(text: str) -> int:
    return len(text.split())


def _join(headline: str, paragraphs: Sequence[str]) -> str:
    return "\n\n".join([headline, *paragraphs]) if headline else "\n\n".join(paragraphs)


def _fingerprint(text: str) -> str:
    return " ".join(text.split())


# --- edits ---------------------------------------------------------------------------------------


def americanise(text: str) -> str:
    """Swap British spellings for American ones, keep a capital, and write ``per cent`` as ``percent``.

    >>> americanise("The Defence colour was 5 per cent.")
    'The Defense color was 5 percent.'
    """
    def swap(m: re.Match) -> str:
        word = m.group(0)
        new = SPELLINGS[word.lower()]
        return new.capitalize() if word[0].isupper() else new

    return _SPELLING.sub(swap, text).replace("per cent", "percent")


def dot_abbreviations(text: str) -> str:
    """Write ``US``/``UK`` as ``U.S.``/``U.K.`` (dedup's normaliser folds them back).

    >>> dot_abbreviations("The US and UK said. Back in the US.")
    'The U.S. and U.K. said. Back in the U.S.'
    """
    return re.sub(r"\bUK\b\.?", "U.K.", re.sub(r"\bUS\b\.?", "U.S.", text))


def curl_quotes(text: str) -> str:
    """Turn straight quotes into curly ones (opening/closing alternate per paragraph).

    >>> curl_quotes('He said "it\\'s fine" today.')
    'He said “it’s fine” today.'
    """
    out, opened = [], False
    for ch in text:
        if ch == '"':
            out.append("”" if opened else "“")
            opened = not opened
        elif ch == "'":
            out.append("’")
        else:
            out.append(ch)
    return "".join(out)


def change_words(paragraphs: list[str], rng: random.Random, count: int) -> tuple[list[str], list[str]]:
    """Replace ``count`` random lower-case words (4+ letters) by a substitute; return the changes too."""
    paragraphs = list(paragraphs)
    changes = []
    spots = [(i, m.start(), m.end()) for i, p in enumerate(paragraphs) for m in re.finditer(r"\b[a-z]{4,}\b", p)]
    for i, s, e in sorted(rng.sample(spots, min(count, len(spots))), key=lambda t: (t[0], -t[1])):
        old = paragraphs[i][s:e]
        new = rng.choice([w for w in _SUBSTITUTES if w != old])
        paragraphs[i] = paragraphs[i][:s] + new + paragraphs[i][e:]
        changes.append(f"{old}->{new}")
    return paragraphs, changes


def split_one_paragraph(paragraphs: list[list[str]], rng: random.Random) -> tuple[list[list[str]], bool]:
    """Split one paragraph of two or more sentences in two, at a sentence boundary."""
    choices = [i for i, p in enumerate(paragraphs) if len(p) >= 2]
    if not choices:
        return paragraphs, False
    i = rng.choice(choices)
    cut = rng.randint(1, len(paragraphs[i]) - 1)
    return paragraphs[:i] + [paragraphs[i][:cut], paragraphs[i][cut:]] + paragraphs[i + 1:], True


def move_one_paragraph(paragraphs: list[str], rng: random.Random) -> tuple[list[str], bool]:
    """Move one paragraph to another place (needs at least three)."""
    if len(paragraphs) < 3:
        return paragraphs, False
    paragraphs = list(paragraphs)
    i = rng.randrange(len(paragraphs))
    moved = paragraphs.pop(i)
    j = rng.choice([k for k in range(len(paragraphs) + 1) if k != i])
    paragraphs.insert(j, moved)
    return paragraphs, True


def furniture(rng: random.Random, related_headline: str, slug_from: str) -> dict[str, str]:
    """Return the scraped lines: a photo caption, a related-article link and a source URL."""
    slug = "-".join(re.findall(r"[a-z0-9]+", slug_from.lower())[:6]) or "story"
    name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    return {
        "caption": f"Photo: {name} pictured earlier this year. (Getty Images)",
        "related": f"Related article: {related_headline}",
        "source": f"Source: https://www.{rng.choice(_OUTLETS)}/news/{rng.randint(10000, 99999)}-{slug}",
    }


def add_furniture(paragraphs: list[str], lines: dict[str, str], rng: random.Random) -> list[str]:
    """Place a caption after the first paragraph, a related link inside, the source line last."""
    out = list(paragraphs)
    out.insert(min(1, len(out)), lines["caption"])
    out.insert(rng.randint(2, max(2, len(out) - 1)) if len(out) > 2 else len(out), lines["related"])
    out.append(lines["source"])
    return out


def invented_quote(rng: random.Random, *, curly: bool = False) -> str:
    """Return a fresh 2-3 sentence quotation with its attribution (invented text)."""
    sentences = rng.sample(_QUOTE_SENTENCES, rng.choice((2, 3)))
    body = ". ".join(sentences)
    who = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}, {rng.choice(_ROLES)}"
    return (f"“{body},” said {who}." if curly else f'"{body}," said {who}.')


# --- pair builders ---------------------------------------------------------------------------------


def _pick_sentences(sentences: list[str], target: int, mode: str, rng: random.Random) -> tuple[int, int]:
    """Return [start, end) of a contiguous sentence run whose words come closest to ``target``."""
    counts = [_words(s) for s in sentences]
    if target >= sum(counts):
        return 0, len(sentences)
    if mode == "top":
        starts = [0]
    else:
        starts = list(range(len(sentences)))
        rng.shuffle(starts)
    best = None
    for s in starts:
        total = 0
        for e in range(s, len(sentences)):
            total += counts[e]
            gap = abs(total - target)
            if best is None or gap < best[0]:
                best = (gap, s, e + 1)
            if total >= target:
                break
        if mode == "span" and best is not None and best[0] <= max(3, 0.05 * target):
            break  # close enough: take the first random start that fits
    assert best is not None
    return best[1], best[2]


def _padding(pool: list[Document], topic: str, words: int, rng: random.Random) -> tuple[list[str], list[str]]:
    """Return (paragraphs, doc ids) from unrelated articles of another topic, about ``words`` long.

    Runs of consecutive sentences are taken from random donors, in paragraphs of two
    or three sentences, until the total is within 10% of ``words`` (a sentence that
    would overshoot by more than 15% ends that donor; at most 50 donors are drawn).
    """
    out, ids, total = [], [], 0
    others = [d for d in pool if _topic(d) != topic]
    for _ in range(50):
        if total >= words * 0.9 or not others:
            break
        donor = rng.choice(others)
        sentences = [s for p in split_article(donor.text)[1] for s in p]
        start = rng.randrange(len(sentences))
        taken: list[str] = []
        for sentence in sentences[start:]:
            if total + _words(sentence) > words * 1.15 and total > 0:
                break
            taken.append(sentence)
            total += _words(sentence)
            if total >= words * 0.9:
                break
        if taken:
            ids.append(donor.doc_id)
            size = rng.choice((2, 3))
            out += [" ".join(taken[k:k + size]) for k in range(0, len(taken), size)]
    return out, ids


def _topic(doc: Document) -> str:
    parts = doc.doc_id.split("-")
    return parts[1] if len(parts) >= 3 else (doc.source or "")


def make_reprint(original: Document, fraction: float, mode: str, pool: list[Document], related: str,
                 rng: random.Random, *, pad_ratio: float = 1.0, padding=None) -> dict:
    """Build one reprint of ``original`` keeping ``fraction`` of its body words (mode ``top`` or ``span``).

    ``padding``, when given, is called as ``padding(topic, words, rng)`` and returns
    (paragraphs, donor ids) instead of the default draw from ``pool`` (:func:`_padding`);
    ``benchmarks/scale.py`` uses it so that no two reprints share padding text.
    """
    headline, paras = split_article(original.text)
    flat = [(i, s) for i, p in enumerate(paras) for s in p]
    orig_words = sum(_words(s) for _, s in flat)
    start, end = _pick_sentences([s for _, s in flat], round(fraction * orig_words), mode, rng)
    kept: list[list[str]] = []
    last = None
    for i, s in flat[start:end]:
        if i != last:
            kept.append([])
            last = i
        kept[-1].append(s)
    kept_words = sum(_words(s) for _, s in flat[start:end])
    ops = []
    kept, did = split_one_paragraph(kept, rng)
    ops += ["split"] if did else []
    body = [" ".join(p) for p in kept]
    body, did = move_one_paragraph(body, rng)
    ops += ["move"] if did else []
    body = [curl_quotes(dot_abbreviations(americanise(p))) for p in body]
    body, changes = change_words(body, rng, rng.choice((1, 2)))
    ops += ["americanise", "dots", "curl", *(f"word:{c}" for c in changes)]
    draw = padding or (lambda topic, words, r: _padding(pool, topic, words, r))
    pad, pad_ids = draw(_topic(original), round(pad_ratio * kept_words), rng) if pad_ratio > 0 else ([], [])
    for p in pad:
        body.insert(rng.randint(0, len(body)), p)
    ops += [f"pad:{len(pad)}"] if pad else []
    body = add_furniture(body, furniture(rng, related, headline), rng)
    return {
        "a": original.text,
        "b": _join(curl_quotes(dot_abbreviations(americanise(headline))), body),
        "label": "reprint",
        "kind": f"reprint_{mode}",
        "fraction": fraction,
        "a_id": original.doc_id,
        "b_id": f"{original.doc_id}~reprint",
        "pad_ids": pad_ids,
        "orig_words": orig_words,
        "kept_words": kept_words,
        "kept_fraction": round(kept_words / orig_words, 3) if orig_words else 0.0,
        "pad_words": sum(_words(p) for p in pad),
        "copied_words": kept_words,
        "ops": ops,
    }


def make_duplicate(original: Document, related: str, rng: random.Random) -> dict:
    """Build a formatting-only copy: curly quotes, U.S., one paragraph split, scraped furniture."""
    headline, paras = split_article(original.text)
    orig_words = sum(_words(s) for p in paras for s in p)
    paras, did = split_one_paragraph(paras, rng)
    body = [curl_quotes(dot_abbreviations(" ".join(p))) for p in paras]
    body = add_furniture(body, furniture(rng, related, headline), rng)
    return {
        "a": original.text, "b": _join(headline, body), "label": "duplicate", "kind": "duplicate",
        "fraction": 1.0, "a_id": original.doc_id, "b_id": f"{original.doc_id}~copy", "pad_ids": [],
        "orig_words": orig_words, "kept_words": orig_words, "kept_fraction": 1.0, "pad_words": 0,
        "copied_words": orig_words, "ops": (["split"] if did else []) + ["dots", "curl", "furniture"],
    }


def _negative(kind: str, a: Document, b: Document, b_text: str, *, copied_words: int = 0, ops=()) -> dict:
    return {
        "a": a.text, "b": b_text, "label": LABELS[kind], "kind": kind, "fraction": None,
        "a_id": a.doc_id, "b_id": b.doc_id, "pad_ids": [], "orig_words": None, "kept_words": None,
        "kept_fraction": None, "pad_words": 0, "copied_words": copied_words, "ops": list(ops),
    }


def make_shared_quote(a: Document, b: Document, rng: random.Random) -> dict:
    """Insert one invented quotation into two unrelated articles (curly quotes in the second)."""
    quote_seed = rng.random()
    texts = []
    for doc, curly in ((a, False), (b, True)):
        headline, paras = split_article(doc.text)
        body = [" ".join(p) for p in paras]
        # the same draw for both articles, so the words are the same; only the quote marks differ
        body.insert(rng.randint(1, len(body)), invented_quote(random.Random(quote_seed), curly=curly))
        texts.append(_join(headline, body))
    pair = _negative("shared_quote", a, b, texts[1], ops=["quote"])
    pair["a"] = texts[0]
    return pair


def make_two_sentences(a: Document, b: Document, rng: random.Random) -> dict | None:
    """Insert two consecutive unquoted sentences of ``a`` into ``b`` as a paragraph of its own."""
    _, paras = split_article(a.text)
    flat, outside = [], []  # sentences, and whether each starts outside a quotation
    for p in paras:
        marks = 0  # quote marks so far in the paragraph: odd means a quotation is open
        for s in p:
            flat.append(s)
            outside.append(marks % 2 == 0)
            marks += sum(s.count(q) for q in "\"“”")
    spots = [i for i in range(len(flat) - 1)
             if outside[i] and not any(q in flat[i] + flat[i + 1] for q in "\"“”")
             and _words(flat[i]) + _words(flat[i + 1]) >= 20]
    if not spots:
        return None
    i = rng.choice(spots)
    copied = f"{flat[i]} {flat[i + 1]}"
    headline, bparas = split_article(b.text)
    body = [" ".join(p) for p in bparas]
    body.insert(rng.randint(1, len(body)), copied)
    return _negative("two_sentences", a, b, _join(headline, body), copied_words=_words(copied), ops=["insert2"])


# --- the set -----------------------------------------------------------------------------------


def make_pairs(bbc_docs: Sequence[Document], n_per_kind: int, seed: int, *, pad_ratio: float = 1.0,
               fractions: Sequence[float] = FRACTIONS) -> list[dict]:
    """Return labelled pairs: ``n_per_kind`` of each kind (reprint kinds: per fraction).

    Deterministic for given documents (order does not matter), count and seed.
    Originals are distinct articles where the corpus allows; exact duplicates inside
    the corpus are reduced to one member first, so a negative is never a hidden copy.
    Padding comes from articles not used as originals, of another topic.

    Args:
        bbc_docs: BBC articles (doc_id ``bbc-<topic>-<NNN>``, line 1 the headline).
        n_per_kind: pairs per kind, and per fraction for ``reprint_top``/``reprint_span``.
        seed: the random seed.
        pad_ratio: padding words per kept word in reprints (0 disables padding).
        fractions: the kept fractions of the reprint kinds.
    """
    rng = random.Random(seed)
    unique: dict[str, Document] = {}
    for d in sorted(bbc_docs, key=lambda d: d.doc_id):
        unique.setdefault(_fingerprint(split_body(d.text)), d)
    docs = [d for d in unique.values() if len(split_article(d.text)[1]) >= 1 and _words(d.text) >= 120]
    rng.shuffle(docs)
    need = n_per_kind * (1 + 2 * len(fractions) + 2 * 3)
    reserve = min(max(300, len(docs) // 4), len(docs) // 2)
    originals, pool = docs[: len(docs) - reserve], docs[len(docs) - reserve:]
    if need > len(originals):
        print(f"warning: {need} originals wanted but {len(originals)} available; some are reused", file=sys.stderr)
    queue = list(originals)

    def take(topic: str | None = None, exclude: str | None = None) -> Document:
        """Pop the next original (of ``topic``, not ``exclude``); start the list again when used up."""
        nonlocal queue
        for attempt in range(2):
            for k, d in enumerate(queue):
                if (topic is None or _topic(d) == topic) and d.doc_id != exclude:
                    return queue.pop(k)
            queue = list(originals)
        raise ValueError(f"no article of topic {topic!r} left to pair with {exclude!r}; give more BBC articles.")

    def headline_of(d: Document) -> str:
        return split_article(d.text)[0]

    pairs: list[dict] = []
    for _ in range(n_per_kind):
        pairs.append(make_duplicate(take(), headline_of(rng.choice(pool)), rng))
    for mode in ("top", "span"):
        for f in fractions:
            for _ in range(n_per_kind):
                pairs.append(make_reprint(take(), f, mode, pool, headline_of(rng.choice(pool)), rng, pad_ratio=pad_ratio))
    for _ in range(n_per_kind):
        a = take()
        b = take(_topic(a), a.doc_id)
        pairs.append(_negative("same_topic", a, b, b.text))
    for _ in range(n_per_kind):
        a = take()
        b = take(_topic(a), a.doc_id)
        pairs.append(make_shared_quote(a, b, rng))
    made = 0
    while made < n_per_kind:
        a = take()
        b = take(_topic(a), a.doc_id)
        pair = make_two_sentences(a, b, rng)
        if pair is not None:
            pairs.append(pair)
            made += 1
    return pairs


def split_body(text: str) -> str:
    """Return the text without its first line (the BBC headline)."""
    parts = text.strip().split("\n", 1)
    return parts[1] if len(parts) > 1 else parts[0]


def _toy_article(topic: str, i: int) -> str:
    """A tiny made-up article for the doctest (no corpus needed)."""
    sents = [f"The {topic} item {i} sentence {k} talks about matter number {i * 7 + k} in plain words here."
             for k in range(12)]
    return f"Toy {topic} story {i}\n\n" + "\n\n".join(" ".join(sents[k:k + 3]) for k in range(0, 12, 3))


def write_jsonl(pairs: Sequence[dict], path: str | Path) -> None:
    """Write pairs as JSONL (UTF-8, one object per line)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> None:
    import corpora

    parser = argparse.ArgumentParser(description="Write labelled synthetic reprint pairs (JSONL) from BBC articles.")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "out" / "synth_pairs.jsonl"))
    parser.add_argument("--eval-dir", default=None, help=f"folder of the corpora (default {corpora.DEFAULT_EVAL_DIR})")
    parser.add_argument("--n", type=int, default=40, help="pairs per kind (reprint kinds: per fraction); default 40")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pad-ratio", type=float, default=1.0, help="padding words per kept word (default 1.0)")
    args = parser.parse_args(argv)
    out = Path(args.out).resolve()
    repo = Path(__file__).resolve().parents[1]
    if out.is_relative_to(repo) and not out.is_relative_to(repo / "benchmarks" / "out"):
        corpora.die(f"{out} is inside the repository; synthetic pairs hold BBC text, write them under benchmarks/out/.")
    root = corpora.eval_dir_or_exit(args.eval_dir, need=("bbc",))
    pairs = make_pairs(corpora.load_bbc(root), args.n, args.seed, pad_ratio=args.pad_ratio)
    write_jsonl(pairs, out)
    counts: dict[str, int] = {}
    for p in pairs:
        counts[p["kind"]] = counts.get(p["kind"], 0) + 1
    print(f"wrote {len(pairs)} pairs to {out}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
