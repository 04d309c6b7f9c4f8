"""Helpers used by more than one format module (so the format modules need not import each other).

- diffs: a block's label (:func:`_label`), its paragraph texts (:func:`_block_texts`)
  and the one-line alignment summary (:func:`_summary_line`), for the terminal,
  Markdown and HTML;
- scans: :func:`_cluster_diffs`, each cluster's origin → member matches, for the
  Markdown and HTML scans;
- checks: a match's status (:func:`_check_status`) and the gate's closing sentence
  (:func:`_check_footer`), for the terminal and the CI formats.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..align import Alignment, Block

if TYPE_CHECKING:  # pragma: no cover
    from ..check import CheckMatch, CheckResult
    from ..steps import ScanResult


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
