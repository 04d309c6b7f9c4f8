"""The Markdown formats: a diff and a whole scan.

:func:`diff_markdown`: the verdict, a summary table, then each block with ~~cuts~~ and
**additions**; :func:`scan_markdown`: a section per cluster with each outlet's changes,
then the partial links. Text from the articles is escaped by :func:`_md`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..align import word_diff
from ._shared import _block_texts, _cluster_diffs, _label, counted, written_conflicts

if TYPE_CHECKING:  # pragma: no cover
    from ..steps import Diff, ScanResult


def _md(text: str) -> str:
    """Escape text for Markdown (the characters that would start markup)."""
    out = text
    for ch in "\\`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return out


def diff_markdown(d: Diff) -> str:
    """Return a diff as Markdown: verdict, summary table, then the blocks with ~~cuts~~ and **additions**.

    >>> from dedup import Document, diff
    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> print(diff_markdown(diff(Document("a", text), Document("b", text + " Officials said work starts in May."))).splitlines()[0])
    # a → b
    """
    m, al = d.match, d.alignment
    lines = [
        f"# {_md(d.a.doc_id)} → {_md(d.b.doc_id)}",
        "",
        f"**Verdict:** {m.verdict} · Jaccard {m.jaccard:.2f} · A in B {m.containment_a_in_b:.0%} · "
        f"B in A {m.containment_b_in_a:.0%} · shared words {m.shared_words} ({m.quoted_shared_words} quoted)",
        "",
        "| kept | edited | added | cut | moved | words added | words cut |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        "| {same} | {edited} | {added} | {cut} | {moved} | {words_added} | {words_cut} |".format(**al.summary()),
        "",
    ]
    body_a, body_b = d.a.cleaned.body, d.b.cleaned.body
    for n, block in enumerate(al.blocks, 1):
        lines.append(f"## {n}. {_md(_label(block))}")
        lines.append("")
        texts_a, texts_b = _block_texts(block, body_a, body_b)
        if block.op == "edited":
            parts = []
            for op, a, b in word_diff(texts_a, texts_b):
                if op == "equal":
                    parts.append(_md(b))
                else:
                    parts.extend(x for x in (f"~~{_md(a)}~~" if a else "", f"**{_md(b)}**" if b else "") if x)
            lines.append("> " + " ".join(parts))
        else:
            for text in texts_a + texts_b:
                lines.append("> " + (f"~~{_md(text)}~~" if block.op == "cut" else _md(text)))
                lines.append(">")
            lines.pop()
        lines.append("")
    return "\n".join(lines)


def scan_markdown(result: ScanResult) -> str:
    """Return the scan as Markdown: one section per cluster with each outlet's changes.

    >>> from dedup import scan
    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> print(scan_markdown(scan([text, text + " Officials said work starts in May."])).splitlines()[2])
    2 documents, 1 cluster.
    """
    lines = ["# dedup scan", "", f"{counted(len(result.documents), 'document')}, {counted(len(result.clusters), 'cluster')}.", ""]
    docs = {p.doc_id: p for p in result.documents}
    for c, diffs in _cluster_diffs(result):
        lines += [f"## Cluster {c.cluster_id}: origin {_md(c.origin)}", "",
                  f"Origin chosen by {c.origin_reason}. Title: {_md(docs[c.origin].title or '')}", "",
                  "| member | verdict | jaccard | kept | edited | added | cut | moved | words added | words cut |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for member, m in diffs:
            s = result.alignments[member].summary()
            verdict, jac = (m.verdict, f"{m.jaccard:.2f}") if m else ("via cluster", "")
            lines.append(f"| {_md(member)} | {verdict} | {jac} | {s['same']} | {s['edited']} | {s['added']} | "
                         f"{s['cut']} | {s['moved']} | {s['words_added']} | {s['words_cut']} |")
        lines.append("")
    partial = [m for m in result.pairs if m.verdict == "partial"]
    if partial:
        lines += ["## Partial links", "", "| a | b | shared words | longest passage | numbers differ |", "|---|---|---:|---:|---|"]
        lines += [f"| {_md(m.a)} | {_md(m.b)} | {m.copy_words} | {m.longest_passage} | {_md(', '.join(written_conflicts(m, docs)))} |" for m in partial]
        lines.append("")
    return "\n".join(lines)
