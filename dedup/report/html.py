"""The HTML formats: a diff and a whole scan, each one self-contained page.

The page has inline CSS (:data:`_CSS`), no script and nothing fetched from the
network; the two texts sit side by side in a grid, one row per alignment block, cuts in
``<del>`` and additions in ``<ins>``. Every text from the articles is escaped (:func:`_h`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..align import Alignment, word_diff
from ._shared import _block_texts, _cluster_diffs, _summary_line, counted

if TYPE_CHECKING:  # pragma: no cover
    from ..steps import Diff, Prepared, ScanResult


_CSS = """
body{font:15px/1.5 Georgia,serif;margin:0;background:#fafafa;color:#222}
header,section{max-width:1300px;margin:0 auto;padding:12px 24px}
h1{font-size:22px;margin:8px 0} h2{font-size:19px;margin:18px 0 6px} h3{font-size:16px;margin:10px 0 4px}
.meta{font:13px/1.4 system-ui,sans-serif;color:#555}
.verdict{display:inline-block;padding:1px 8px;border-radius:9px;font:bold 13px system-ui,sans-serif;color:#fff;background:#777}
.v-duplicate{background:#b3261e}.v-reprint{background:#c77700}.v-partial{background:#1a73a8}
table.sum{border-collapse:collapse;font:13px system-ui,sans-serif;margin:6px 0}
table.sum td,table.sum th{border:1px solid #ccc;padding:2px 8px;text-align:right}
.diff{display:grid;grid-template-columns:1fr 1fr;gap:6px 18px;margin-top:10px}
.colhead{font:bold 13px system-ui,sans-serif;color:#444;border-bottom:2px solid #999;padding-bottom:3px}
.cell{padding:6px 10px;border-left:4px solid #ccc;background:#fff;min-height:1em}
.same{border-color:#bbb;color:#666}.edited{border-color:#e0a100}.added{border-color:#2e8b3a;background:#eefbea}
.cut{border-color:#c62828;background:#fdecea}.empty{background:transparent;border-color:transparent}
.tag{font:11px system-ui,sans-serif;color:#777;display:block}
.moved{color:#6a1b9a;font-weight:bold}
del{background:#f8c6c2;text-decoration:line-through}ins{background:#c4ecc0;text-decoration:none}
details{margin:6px 0 14px} summary{cursor:pointer;font:14px system-ui,sans-serif}
.furniture{font:12px system-ui,sans-serif;color:#777}
"""


def _h(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def _diff_grid(a: Prepared, b: Prepared, alignment: Alignment) -> str:
    """The side-by-side body of a diff (A, B and their alignment): one grid row per block."""
    body_a, body_b = a.cleaned.body, b.cleaned.body
    rows = [f'<div class="colhead">A: {_h(a.doc_id)}</div><div class="colhead">B: {_h(b.doc_id)}</div>']
    for block in alignment.blocks:
        texts_a, texts_b = _block_texts(block, body_a, body_b)
        moved = ' <span class="moved">moved</span>' if block.moved else ""
        tag = f'<span class="tag">{_h(block.op)}{moved}</span>'
        if block.op == "edited":
            left, right = [], []
            for op, word_a, word_b in word_diff(texts_a, texts_b):
                if op == "equal":
                    left.append(_h(word_a))
                    right.append(_h(word_b))
                else:
                    if word_a:
                        left.append(f"<del>{_h(word_a)}</del>")
                    if word_b:
                        right.append(f"<ins>{_h(word_b)}</ins>")
            cells = (" ".join(left), " ".join(right))
        else:
            cells = ("<br><br>".join(map(_h, texts_a)), "<br><br>".join(map(_h, texts_b)))
        for text in cells:
            cls = block.op if text else "empty"
            rows.append(f'<div class="cell {cls}">{tag if text else ""}{text}</div>')
    return '<div class="diff">' + "".join(rows) + "</div>"


def _summary_table(al: Alignment) -> str:
    s = al.summary()
    head = "".join(f"<th>{k.replace('_', ' ')}</th>" for k in s)
    cells = "".join(f"<td>{v}</td>" for v in s.values())
    return f'<table class="sum"><tr>{head}</tr><tr>{cells}</tr></table>'


def _furniture(p: Prepared) -> str:
    items = [f"{_h(q.kind)}: {_h(q.text[:120])}" for q in p.cleaned.paragraphs if q.kind != "body"]
    if not items:
        return ""
    return (f'<details class="furniture"><summary>furniture of {_h(p.doc_id)} ({len(items)} lines, not compared)</summary>'
            + "<br>".join(items) + "</details>")


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_h(title)}</title>'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{_CSS}</style></head>\n'
            f"<body>\n{body}\n</body></html>\n")


def diff_html(d: Diff) -> str:
    """Return one self-contained HTML page showing the two texts side by side."""
    m = d.match
    header = (
        f"<header><h1>{_h(d.a.title or d.a.doc_id)} → {_h(d.b.title or d.b.doc_id)}</h1>"
        f'<div class="meta"><span class="verdict v-{m.verdict}">{m.verdict}</span> '
        f"Jaccard {m.jaccard:.2f} · A in B {m.containment_a_in_b:.0%} · B in A {m.containment_b_in_a:.0%} · "
        f"shared words {m.shared_words} ({m.quoted_shared_words} quoted)</div>{_summary_table(d.alignment)}</header>"
    )
    section = f"<section>{_diff_grid(d.a, d.b, d.alignment)}{_furniture(d.a)}{_furniture(d.b)}</section>"
    return _page(f"dedup diff: {d.a.doc_id} → {d.b.doc_id}", header + section)


def scan_html(result: ScanResult) -> str:
    """Return the whole scan as one self-contained HTML page, one section per cluster."""
    docs = {p.doc_id: p for p in result.documents}
    partial = sum(1 for m in result.pairs if m.verdict == "partial")
    parts = [f"<header><h1>dedup scan</h1><div class=\"meta\">{counted(len(result.documents), 'document')}, "
             f"{counted(len(result.clusters), 'cluster')}, {counted(partial, 'partial link')}</div></header>"]
    for c, diffs in _cluster_diffs(result):
        parts.append(f'<section id="{_h(c.cluster_id)}"><h2>Cluster {_h(c.cluster_id)}: {_h(docs[c.origin].title or c.origin)}</h2>'
                     f'<div class="meta">origin <b>{_h(c.origin)}</b> ({_h(c.origin_reason)}); {counted(len(c.members), "article")}</div>')
        for member, m in diffs:
            if m is None:
                parts.append(f"<h3>{_h(member)}: linked through another member</h3>")
                continue
            al = result.alignments[member]
            parts.append(f'<details open><summary><span class="verdict v-{m.verdict}">{m.verdict}</span> '
                         f"<b>{_h(member)}</b> ({_h(docs[member].title or '')}) · {_h(_summary_line(al))}</summary>"
                         f"{_diff_grid(docs[c.origin], docs[member], al)}</details>")
        parts.append("</section>")
    partial_pairs = [m for m in result.pairs if m.verdict == "partial"]
    if partial_pairs:
        rows = "".join(f"<tr><td>{_h(m.a)}</td><td>{_h(m.b)}</td><td>{m.copy_words}</td><td>{_h(', '.join(m.conflicts))}</td></tr>" for m in partial_pairs)
        parts.append(f'<section><h2>Partial links</h2><table class="sum"><tr><th>a</th><th>b</th><th>shared words</th>'
                     f"<th>numbers differ</th></tr>{rows}</table></section>")
    return _page("dedup scan", "\n".join(parts))
