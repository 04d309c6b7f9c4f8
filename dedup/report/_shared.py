"""Helpers used by more than one format module (so the format modules need not import each other).

- diffs: a block's label (:func:`_label`), its paragraph texts (:func:`_block_texts`)
  and the one-line alignment summary (:func:`_summary_line`), for the terminal,
  Markdown and HTML;
- scans: :func:`_cluster_diffs`, each cluster's origin → member matches, for the
  Markdown and HTML scans;
- numbers: :func:`written_conflicts`, a pair's changed numbers as the texts write them;
- checks: a match's status (:func:`_check_status`) and the gate's closing sentence
  (:func:`_check_footer`), for the terminal and the CI formats.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from ..align import Alignment, Block
from ..tokens import Words, analyse
from ..verify import Match, number_conflict_spans

if TYPE_CHECKING:  # pragma: no cover
    from ..check import CheckMatch, CheckResult
    from ..steps import Prepared, ScanResult


def counted(n: int, noun: str) -> str:
    """A count and its noun, singular or plural (the nouns of the reports take an s).

    >>> counted(1, "cluster"), counted(0, "partial link"), counted(2, "article")
    ('1 cluster', '0 partial links', '2 articles')
    """
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _label(block: Block) -> str:
    a = "A¶" + ",".join(str(i + 1) for i in block.a) if block.a else ""
    b = "B¶" + ",".join(str(i + 1) for i in block.b) if block.b else ""
    where = f"{a} → {b}" if a and b else a or b
    return f"{block.op}{' (moved)' if block.moved else ''}: {where}"


def _block_texts(block: Block, body_a, body_b) -> tuple[list[str], list[str]]:
    return [body_a[i] for i in block.a], [body_b[i] for i in block.b]


def _summary_line(al: Alignment) -> str:
    s = al.summary()
    return (f"paragraphs: {s['same']} kept, {s['edited']} edited, {s['added']} added, {s['cut']} cut, "
            f"{s['moved']} moved; words: +{s['words_added']} -{s['words_cut']}")


def _cluster_diffs(result: ScanResult):
    """Yield (cluster, [(member, match of origin → member or None), ...]) for every cluster.

    None: the member is linked to the origin through another member only. The origin →
    member alignment is ``result.alignments[member]``. The report formats the scan's
    records and builds no :class:`~dedup.steps.Diff` (no runtime import of the steps).
    """
    matches = {(m.a, m.b): m for m in result.pairs}
    for c in result.clusters:
        diffs = []
        for member in c.members:
            if member == c.origin:
                continue
            m = matches.get((c.origin, member)) or (matches[(member, c.origin)].swapped() if (member, c.origin) in matches else None)
            diffs.append((member, m))
        yield c, diffs


def _check_status(c: CheckMatch) -> str:
    return "FAIL" if c.fails else "allowed" if c.allowed else "below --fail-on"


def _check_footer(result: CheckResult) -> str:
    n = len(result.articles)
    skipped = f", {len(result.skipped)} skipped" if result.skipped else ""
    if result.clean:
        return f"ok: {n} article{'s' if n != 1 else ''} checked against {result.indexed} indexed{skipped}; none fails --fail-on {result.fail_on}."
    if not result.failed:
        return (f"FAIL: {len(result.skipped)} input{'s' if len(result.skipped) != 1 else ''} skipped, with --fail-on-skipped "
                f"({n} article{'s' if n != 1 else ''} checked against {result.indexed} indexed; none fails --fail-on {result.fail_on}).")
    return (f"FAIL: {len(result.failed)} of {n} article{'s' if n != 1 else ''} fail{'s' if len(result.failed) == 1 else ''} "
            f"--fail-on {result.fail_on} "
            f"(checked against {result.indexed} indexed{skipped}{' and failing' if result.fail_on_skipped else ''}).")


def written_conflicts(m: Match, docs: Mapping[str, Prepared]) -> tuple[str, ...]:
    """The pair's number conflicts as the two texts write them (``$1,200.5→$1,350.7``),
    where :attr:`~dedup.verify.Match.conflicts` holds normalised words (``1200 5→1350 7``).

    Each side is the whole run of characters between spaces around the changed words,
    brackets and sentence punctuation trimmed; a conflict whose words cannot be found in
    the text (a normalisation the search does not undo) stays as normalised.
    """
    if not m.conflicts or m.a not in docs or m.b not in docs:
        return m.conflicts
    body_a, body_b = docs[m.a].cleaned.body, docs[m.b].cleaned.body
    words_a, words_b = analyse(body_a), analyse(body_b)
    spans = number_conflict_spans(words_a.words.tolist(), words_b.words.tolist())
    if len(spans) != len(m.conflicts):  # not the words verify compared: leave them as they are
        return m.conflicts
    out = []
    for (i, j, k, end), plain in zip(spans, m.conflicts):
        left, right = _as_written(body_a, words_a, i, j), _as_written(body_b, words_b, k, end)
        out.append(f"{left}→{right}" if left and right else plain)
    return tuple(out)


_SEPARATOR = "(?:[.,'’`\u00a0\u202f]|\\s)?"  # what normalising joins inside a word: 1,500 U.S. Japan's
_EDGES = "()[]{}<>\"'“”„«»‘’‚‹›,;:.!?"


@lru_cache(maxsize=4096)
def _word_pattern(word: str) -> re.Pattern[str]:
    return re.compile("(?<![^\\W_])" + _SEPARATOR.join(map(re.escape, word)), re.IGNORECASE)


def _as_written(body: tuple[str, ...] | list[str], words: Words, i: int, j: int) -> str | None:
    """Words ``i:j`` of a body as its text writes them (None when they cannot be found)."""
    paragraph = int(words.paragraph[i])
    if int(words.paragraph[j - 1]) != paragraph or paragraph >= len(body):
        return None
    text = body[paragraph]
    first = int(np.searchsorted(words.paragraph, paragraph))
    at, start = 0, 0
    for n, word in enumerate(words.words[first:j].tolist()):
        found = _word_pattern(word).search(text, at)
        if found is None:
            return None
        if first + n == i:
            start = found.start()
        at = found.end()
    while start > 0 and not text[start - 1].isspace() and at - start < 60:
        start -= 1
    while at < len(text) and not text[at].isspace() and at - start < 60:
        at += 1
    return text[start:at].strip(_EDGES) or None
