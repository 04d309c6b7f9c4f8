"""Report: render scans and diffs as JSON, terminal text (rich), Markdown or HTML.

Every format is deterministic: keys in fixed order, lists sorted, floats rounded to
4 decimals, no timings or paths of the machine. The JSON formats, version
:data:`FORMAT_VERSION`, are documented field by field in the README. The HTML page is
self-contained (inline CSS, no script, no network).

>>> from dedup.pipeline import scan
>>> data = scan_to_dict(scan(["One short article about the harbour."]))
>>> sorted(data)
['clusters', 'documents', 'format_version', 'pairs', 'settings', 'skipped']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..align import Alignment, Block, word_diff
from ._shared import _block_texts, _check_footer, _check_status, _cluster_diffs, _summary_line
from .data import (
    FORMAT_VERSION,
    block_to_dict,
    check_match_to_dict,
    check_to_dict,
    diff_to_dict,
    document_to_dict,
    dumps,
    match_to_dict,
    scan_to_dict,
    stats_to_dict,
)
from .markdown import diff_markdown, scan_markdown
from .terminal import render_check, render_diff, render_evaluation, render_scan, render_stats

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import Diff, Prepared, ScanResult


# --- diffs ------------------------------------------------------------------------------


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


def _diff_grid(a: "Prepared", b: "Prepared", alignment: Alignment) -> str:
    """The side-by-side body of a diff (A, B and their alignment): one grid row per block."""
    body_a, body_b = a.cleaned.body, b.cleaned.body
    rows = [f'<div class="colhead">A: {_h(a.doc_id)}</div><div class="colhead">B: {_h(b.doc_id)}</div>']
    for block in alignment.blocks:
        texts_a, texts_b = _block_texts(block, body_a, body_b)
        moved = ' <span class="moved">moved</span>' if block.moved else ""
        tag = f'<span class="tag">{_h(block.op)}{moved}</span>'
        if block.op == "edited":
            left, right = [], []
            for op, a, b in word_diff(texts_a, texts_b):
                if op == "equal":
                    left.append(_h(a))
                    right.append(_h(b))
                else:
                    if a:
                        left.append(f"<del>{_h(a)}</del>")
                    if b:
                        right.append(f"<ins>{_h(b)}</ins>")
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


def _furniture(p: "Prepared") -> str:
    items = [f"{_h(q.kind)}: {_h(q.text[:120])}" for q in p.cleaned.paragraphs if q.kind != "body"]
    if not items:
        return ""
    return (f'<details class="furniture"><summary>furniture of {_h(p.doc_id)} ({len(items)} lines, not compared)</summary>'
            + "<br>".join(items) + "</details>")


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_h(title)}</title>'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{_CSS}</style></head>\n'
            f"<body>\n{body}\n</body></html>\n")


def diff_html(d: "Diff") -> str:
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


# --- per-cluster views --------------------------------------------------------------------


def scan_html(result: "ScanResult") -> str:
    """Return the whole scan as one self-contained HTML page, one section per cluster."""
    docs = {p.doc_id: p for p in result.documents}
    parts = [f"<header><h1>dedup scan</h1><div class=\"meta\">{len(result.documents)} documents, "
             f"{len(result.clusters)} clusters, {sum(1 for m in result.pairs if m.verdict == 'partial')} partial links</div></header>"]
    for c, diffs in _cluster_diffs(result):
        parts.append(f'<section id="{_h(c.cluster_id)}"><h2>Cluster {_h(c.cluster_id)}: {_h(docs[c.origin].title or c.origin)}</h2>'
                     f'<div class="meta">origin <b>{_h(c.origin)}</b> ({_h(c.origin_reason)}); {len(c.members)} articles</div>')
        for member, m in diffs:
            if m is None:
                parts.append(f"<h3>{_h(member)}: linked through another member</h3>")
                continue
            al = result.alignments[member]
            parts.append(f'<details open><summary><span class="verdict v-{m.verdict}">{m.verdict}</span> '
                         f"<b>{_h(member)}</b> ({_h(docs[member].title or '')}) · {_h(_summary_line(al))}</summary>"
                         f"{_diff_grid(docs[c.origin], docs[member], al)}</details>")
        parts.append("</section>")
    partial = [m for m in result.pairs if m.verdict == "partial"]
    if partial:
        rows = "".join(f"<tr><td>{_h(m.a)}</td><td>{_h(m.b)}</td><td>{m.copy_words}</td><td>{_h(', '.join(m.conflicts))}</td></tr>" for m in partial)
        parts.append(f'<section><h2>Partial links</h2><table class="sum"><tr><th>a</th><th>b</th><th>shared words</th>'
                     f"<th>numbers differ</th></tr>{rows}</table></section>")
    return _page("dedup scan", "\n".join(parts))


# --- check (the CI gate) --------------------------------------------------------------------

if TYPE_CHECKING:  # pragma: no cover
    from ..check import CheckMatch, CheckResult


def _match_sentence(c: "CheckMatch", article: str) -> str:
    """One line saying what an article copies and how (for JUnit and GitHub annotations)."""
    m, s = c.match, c.alignment.summary()
    where = "another new article" if c.in_batch else "indexed article"
    phrase = {"duplicate": "is a duplicate of", "reprint": "is a reprint of"}.get(c.verdict, "shares copied passages (partial) with")
    return (
        f"{article} {phrase} {where} {c.doc_id}"
        f"{' (' + c.title + ')' if c.title else ''}: jaccard {m.jaccard:.2f}; "
        f"{m.containment_a_in_b:.0%} of {article} is in {c.doc_id}, {m.containment_b_in_a:.0%} of {c.doc_id} is in {article}; "
        f"paragraphs: {s['same']} kept, {s['edited']} edited, {s['added']} added, {s['cut']} cut, {s['moved']} moved; "
        f"words +{s['words_added']} -{s['words_cut']}; origin {c.origin} ({c.origin_reason})"
        + ("; allowed by --allow" if c.allowed else "")
        + "."
    )


def check_junit(result: "CheckResult") -> str:
    """Return a check as JUnit XML: one test case per checked article, a failure per copy.

    Matches that do not fail (below ``--fail-on``, or allowed) are listed in the test
    case's ``system-out``; skipped inputs are skipped test cases. No timestamps or
    durations, so the file is the same for the same input.
    """
    import xml.etree.ElementTree as ET

    failures = len(result.failed)
    counts = {"tests": str(len(result.articles) + len(result.skipped)), "failures": str(failures),
              "errors": "0", "skipped": str(len(result.skipped))}
    root = ET.Element("testsuites", {"name": "dedup check", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "dedup check", **counts})
    props = ET.SubElement(suite, "properties")
    for name, value in (("fail_on", result.fail_on), ("allow", ",".join(result.allow)), ("indexed", str(result.indexed))):
        ET.SubElement(props, "property", {"name": name, "value": value})
    for a in result.articles:
        attrs = {"classname": "dedup.check", "name": a.doc_id}
        if a.location:
            attrs["file"] = a.location
        case = ET.SubElement(suite, "testcase", attrs)
        failing = [c for c in a.matches if c.fails]
        if failing:
            first = failing[0]
            failure = ET.SubElement(case, "failure", {"type": first.verdict, "message": f"{first.verdict} of {first.doc_id}"})
            failure.text = "\n".join(_match_sentence(c, a.doc_id) for c in failing)
        others = [c for c in a.matches if not c.fails]
        if others:
            ET.SubElement(case, "system-out").text = "\n".join(
                f"[{_check_status(c)}] {_match_sentence(c, a.doc_id)}" for c in others
            )
    for s in result.skipped:
        case = ET.SubElement(suite, "testcase", {"classname": "dedup.check", "name": s.location})
        ET.SubElement(case, "skipped", {"message": s.reason})
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _gh_data(text: str) -> str:
    """Escape a GitHub workflow command's message (``%``, CR and LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    """Escape a GitHub workflow command's property value (also ``:`` and ``,``)."""
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def check_github(result: "CheckResult") -> str:
    """Return a check as GitHub Actions workflow commands: annotations on the checked files.

    ``::error`` for each failing match, ``::warning`` for matches reported but not
    failing (below ``--fail-on``, or allowed), ``::warning`` for skipped inputs, and a
    closing ``::notice`` with the gate's verdict.
    """
    lines = []
    for a in result.articles:
        for c in a.matches:
            level = "error" if c.fails else "warning"
            props = ([f"file={_gh_property(a.location)}"] if a.location else []) + [
                f"title={_gh_property(f'dedup check: {c.verdict} of {c.doc_id}' + (' (allowed)' if c.allowed else ''))}"
            ]
            lines.append(f"::{level} {','.join(props)}::{_gh_data(_match_sentence(c, a.doc_id))}")
    for s in result.skipped:
        lines.append(f"::warning title={_gh_property('dedup check: skipped')}::{_gh_data(f'{s.location}: {s.reason}')}")
    lines.append(f"::notice title={_gh_property('dedup check')}::{_gh_data(_check_footer(result))}")
    return "\n".join(lines) + "\n"


