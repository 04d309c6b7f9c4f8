"""The HTML formats: a diff and a whole scan, each one self-contained page.

A page has inline CSS (:data:`_CSS`) and nothing fetched from the network; the two texts
of a diff sit side by side in a grid, one row per alignment block, cuts in ``<del>`` and
additions in ``<ins>``. Every text from the articles is escaped (:func:`_h`).

The scan page (:func:`scan_html`) opens with an overview: the totals, the four plots as
inline SVG (:mod:`dedup.report.plots`), and a table of clusters (:mod:`dedup.report.overview`
has the numbers) that a small inline script (:data:`_SCAN_JS`) sorts and filters; then one
collapsed ``<details>`` section per cluster, holding each member's diff with its origin. With
scripts off the page is whole: the table in the scan's order, a section opened by a click.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..align import Alignment, word_diff
from ._shared import _block_texts, _cluster_diffs, _summary_line, counted, written_conflicts
from .overview import ClusterRow, ScanOverview, outlet, scan_overview

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


def _page(title: str, body: str, *, css: str = "", script: str = "") -> str:
    script = f"<script>{script}</script>\n" if script else ""
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_h(title)}</title>'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{_CSS}{css}</style></head>\n'
            f"<body>\n{body}\n{script}</body></html>\n")


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


# --- the scan page: an overview (totals, plots, a table of clusters), then a section per cluster ---

_SCAN_CSS = """
nav{font:14px system-ui,sans-serif;margin:4px 0 8px} nav a{margin-right:14px}
a{color:#1a5fa8}
.totals{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0;font:13px system-ui,sans-serif}
.totals div{background:#fff;border:1px solid #ddd;border-radius:6px;padding:6px 12px}
.totals b{display:block;font-size:20px}
.plots{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:12px}
.plots figure{margin:0;background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px}
.plots svg{width:100%;height:auto;display:block}
figcaption{font:13px/1.4 system-ui,sans-serif;color:#555;margin-top:4px}
.controls{font:14px system-ui,sans-serif;margin:6px 0} .controls input{width:320px;padding:3px 6px}
table.clusters{border-collapse:collapse;font:13px/1.35 system-ui,sans-serif;background:#fff;width:100%}
table.clusters th,table.clusters td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
table.clusters th{background:#eee;position:sticky;top:0;cursor:pointer;white-space:nowrap}
table.clusters td.n{text-align:right;white-space:nowrap}
th[aria-sort=ascending]::after{content:" \\25B2"} th[aria-sort=descending]::after{content:" \\25BC"}
.id{font:12px ui-monospace,monospace;color:#555;word-break:break-all}
section.cluster>details>summary{list-style-position:outside}
section.cluster>details>summary h2{display:inline;font-size:17px}
.back{font:13px system-ui,sans-serif;margin-left:10px}
"""

# Sorting and filtering the table, and opening the section a link points to. Without
# scripts the page is whole: the table in the scan's order, the sections opened by a click.
_SCAN_JS = """
(function(){
var t=document.getElementById("cluster-table");
function openTarget(){var id=decodeURIComponent(location.hash.slice(1)),e=id&&document.getElementById(id);
 if(!e)return;var d=e.tagName==="DETAILS"?e:e.querySelector("details");if(d)d.open=true;}
window.addEventListener("hashchange",openTarget);openTarget();
if(!t)return;
var body=t.tBodies[0],rows=[].slice.call(body.rows),heads=[].slice.call(t.tHead.rows[0].cells);
var q=document.getElementById("q"),v=document.getElementById("verdict"),shown=document.getElementById("shown");
document.getElementById("controls").hidden=false;
function filter(){var s=q.value.toLowerCase(),w=v.value,k=0;
 rows.forEach(function(r){var text=r.textContent+" "+r.cells[4].title,ok=(!s||text.toLowerCase().indexOf(s)>=0)&&(!w||(" "+r.getAttribute("data-verdicts")+" ").indexOf(" "+w+" ")>=0);
  r.hidden=!ok;if(ok)k++;});shown.textContent=k;}
q.addEventListener("input",filter);v.addEventListener("change",filter);
function key(r,i,num){var c=r.cells[i],x=c.hasAttribute("data-v")?c.getAttribute("data-v"):c.textContent;
 return num?(x===""?NaN:parseFloat(x)):x.toLowerCase();}
heads.forEach(function(th,i){th.tabIndex=0;
 function sort(){var dir=th.getAttribute("aria-sort")==="ascending"?-1:1,num=th.hasAttribute("data-num");
  heads.forEach(function(h){h.removeAttribute("aria-sort");});th.setAttribute("aria-sort",dir>0?"ascending":"descending");
  rows.forEach(function(r,j){r._k=key(r,i,num);r._j=j;});
  rows.sort(function(a,b){var x=a._k,y=b._k,ex=num?isNaN(x):x==="",ey=num?isNaN(y):y==="";
   if(ex||ey)return ex===ey?a._j-b._j:(ex?1:-1);return x<y?-dir:x>y?dir:a._j-b._j;});
  rows.forEach(function(r){body.appendChild(r);});}
 th.addEventListener("click",sort);th.addEventListener("keydown",function(e){if(e.key==="Enter")sort();});});
})();
"""

_PLOT_CAPTIONS = {
    "cluster-sizes": "How many clusters have each size (the origin counted).",
    "reprints-over-time": "Time from the origin's publication to each member's, where both dates are known.",
    "source-matrix": "Rows: the origin's outlet; columns: the outlet that reprinted it; cells: reprints.",
    "wire-kept": "Per outlet, the share of the origin's sentences (by words, quotations left out) each reprint kept.",
}


def _when_text(published: str | None) -> str:
    return published.replace("T", " ")[:16] if published else ""


def _totals(o: ScanOverview) -> str:
    items = [(o.documents, "document", "documents"), (o.clusters, "cluster", "clusters"),
             (o.in_clusters, "article in a cluster", "articles in clusters"), (o.duplicates, "duplicate", "duplicates"),
             (o.reprints, "reprint", "reprints"), (o.linked, "linked through another member", "linked through another member"),
             (o.partial, "partial link", "partial links"), (o.skipped, "skipped", "skipped")]
    return '<div class="totals">' + "".join(f"<div><b>{n:,}</b>{one if n == 1 else many}</div>" for n, one, many in items) + "</div>"


def _plots_section(o: ScanOverview) -> str:
    from ..errors import MissingDependencyError
    from .plots import PLOTS, plot_svgs

    try:
        svgs = plot_svgs(o)
    except MissingDependencyError:
        return ('<section id="plots"><h2>Plots</h2><p class="meta">The plots need matplotlib: '
                "<code>pip install 'dedup-news[plot]'</code> draws them.</p></section>")
    figures = []
    for name, title, reason in PLOTS:
        svg = svgs[name]
        body = svg if svg is not None else f"<p><b>{_h(title)}</b></p><p class=\"meta\">No data: {_h(reason)}.</p>"
        caption = f"<figcaption>{_h(_PLOT_CAPTIONS[name])}</figcaption>" if svg is not None else ""
        figures.append(f'<figure id="plot-{name}">{body}{caption}</figure>')
    return '<section id="plots"><h2>Plots</h2><div class="plots">' + "".join(figures) + "</div></section>"


def _cluster_row(r: ClusterRow) -> str:
    names = ", ".join(_h(s) for s in r.sources[:6]) + (f" +{len(r.sources) - 6} more" if len(r.sources) > 6 else "")
    every = f' title="{_h(", ".join(r.sources))}"' if len(r.sources) > 6 else ""  # shown on hover, found by the filter
    span = " → ".join(dict.fromkeys(_when_text(d) for d in (r.first, r.last) if d))
    verdicts = " ".join(v for v, n in (("duplicate", r.duplicates), ("reprint", r.reprints), ("linked", r.linked)) if n)
    kept = f"{r.kept:.0%}" if r.kept is not None else ""
    cells = [
        f'<td data-v="{_h(r.cluster_id[1:])}"><a href="#{_h(r.cluster_id)}">{_h(r.cluster_id)}</a></td>',
        f'<td class="n">{r.size}</td>',
        f'<td>{_h(r.origin_title or "")}<div class="id">{_h(r.origin)}</div></td>',
        f"<td>{_h(r.origin_outlet)}</td>",
        f'<td data-v="{len(r.sources)}"{every}>{len(r.sources)}: {names}</td>',
        f'<td data-v="{_h(r.first or "")}">{_h(span)}</td>',
        f'<td class="n">{r.duplicates}</td>', f'<td class="n">{r.reprints}</td>', f'<td class="n">{r.linked}</td>',
        f'<td class="n" data-v="{r.kept if r.kept is not None else ""}">{kept}</td>',
    ]
    return f'<tr data-verdicts="{verdicts}">' + "".join(cells) + "</tr>"


def _clusters_table(o: ScanOverview) -> str:
    if not o.rows:
        return '<section id="clusters"><h2>Clusters</h2><p class="meta">No cluster: no two articles are copies.</p></section>'
    heads = [("Cluster", True), ("Size", True), ("Origin", False), ("Origin's outlet", False), ("Sources", True),
             ("Published (first → last)", False), ("Duplicates", True), ("Reprints", True), ("Linked", True),
             ("Kept (median)", True)]
    head = "".join(f"<th{' data-num' if num else ''}>{_h(label)}</th>" for label, num in heads)
    controls = ('<div class="controls" id="controls" hidden><input type="search" id="q" placeholder="Filter: any text in a row" '
                'aria-label="filter the clusters"> <select id="verdict" aria-label="verdict"><option value="">any verdict</option>'
                '<option value="duplicate">with duplicates</option><option value="reprint">with reprints</option>'
                f'<option value="linked">with linked members</option></select> <span id="shown">{len(o.rows)}</span> '
                f"of {counted(len(o.rows), 'cluster')} shown; click a heading to sort.</div>")
    return (f'<section id="clusters"><h2>Clusters</h2>{controls}<table class="clusters" id="cluster-table">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(_cluster_row(r) for r in o.rows)}</tbody></table></section>")


def _cluster_section(c, diffs, docs: dict[str, Prepared], row: ClusterRow, alignments: dict) -> str:
    origin = docs[c.origin]
    parts = [f'<section class="cluster" id="{_h(c.cluster_id)}"><details><summary><h2>Cluster {_h(c.cluster_id)}: '
             f"{_h(origin.title or c.origin)}</h2> <span class=\"meta\">{counted(row.size, 'article')}</span></summary>"
             f'<div class="meta">origin <b>{_h(c.origin)}</b> ({_h(c.origin_reason)})'
             f"{', ' + _h(row.origin_outlet) if row.origin_outlet != 'unknown' else ''}"
             f"{', ' + _h(origin.published) if origin.published and origin.published not in c.origin_reason else ''}"
             f'<a class="back" href="#clusters">↑ back to the table</a></div>']
    for member, m in diffs:
        p = docs[member]
        source = outlet(p) if outlet(p) != "unknown" else None
        about = "; ".join(_h(x) for x in (p.title, source, p.published) if x)
        if m is None:
            parts.append(f"<h3>{_h(member)} ({about}): linked through another member</h3>")
            continue
        al = alignments[member]
        parts.append(f'<details open><summary><span class="verdict v-{m.verdict}">{m.verdict}</span> '
                     f"<b>{_h(member)}</b> ({about}) · {_h(_summary_line(al))}</summary>"
                     f"{_diff_grid(origin, p, al)}</details>")
    return "".join(parts) + "</details></section>"


def _partial_and_skipped(result: ScanResult) -> str:
    where = {m: c.cluster_id for c in result.clusters for m in c.members}

    def ref(doc_id: str) -> str:
        return f'<a href="#{_h(where[doc_id])}">{_h(doc_id)}</a> ({_h(where[doc_id])})' if doc_id in where else _h(doc_id)

    partial = [m for m in result.pairs if m.verdict == "partial"]
    docs = {p.doc_id: p for p in result.documents}
    rows = "".join(f"<tr><td>{ref(m.a)}</td><td>{ref(m.b)}</td><td>{m.copy_words}</td><td>{_h(', '.join(written_conflicts(m, docs)))}</td></tr>"
                   for m in partial)
    out = ['<section id="partial"><h2>Partial links</h2>']
    out.append(f'<table class="sum"><tr><th>a</th><th>b</th><th>shared words</th><th>numbers differ</th></tr>{rows}</table>'
               if partial else '<p class="meta">None: no two articles outside a cluster share a passage.</p>')
    out.append('</section><section id="skipped"><h2>Skipped</h2>')
    out.append("<ul>" + "".join(f"<li><b>{_h(s.location)}</b>: {_h(s.reason)}</li>" for s in result.skipped) + "</ul>"
               if result.skipped else '<p class="meta">None: every input was read.</p>')
    return "".join(out) + "</section>"


def scan_html(result: ScanResult, *, plots: bool = True) -> str:
    """Return the whole scan as one self-contained HTML page: an overview first (totals, the
    plots, a sortable and filterable table of clusters), then a collapsed section per cluster
    with each member's diff, the partial links and the skipped inputs.

    Args:
        plots: draw the four plots inline (needs matplotlib, the ``[plot]`` extra; without it
            the page says how to get them). False leaves the plots out.
    """
    o = scan_overview(result)
    docs = {p.doc_id: p for p in result.documents}
    rows = {r.cluster_id: r for r in o.rows}
    sections = ([("plots", "Plots")] if plots else []) + [("clusters", "Clusters"), ("partial", "Partial links"), ("skipped", "Skipped")]
    nav = "".join(f'<a href="#{i}">{label}</a>' for i, label in sections)
    parts = ["<header><h1>dedup scan</h1>"
             f"<div class=\"meta\">{counted(o.documents, 'document')}, {counted(o.clusters, 'cluster')}, "
             f"{counted(o.partial, 'partial link')}</div>{_totals(o)}"
             f"<nav>{nav}</nav></header>"]
    if plots:
        parts.append(_plots_section(o))
    parts.append(_clusters_table(o))
    parts.append("<section><h2>Cluster by cluster</h2><p class=\"meta\">Open a cluster to see each member beside its origin.</p></section>")
    parts.extend(_cluster_section(c, diffs, docs, rows[c.cluster_id], result.alignments) for c, diffs in _cluster_diffs(result))
    parts.append(_partial_and_skipped(result))
    return _page("dedup scan", "\n".join(parts), css=_SCAN_CSS, script=_SCAN_JS)
