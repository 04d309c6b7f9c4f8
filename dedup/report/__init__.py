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

from typing import TYPE_CHECKING, TextIO

from ..align import Alignment, Block, word_diff
from ..verify import Match
from ._shared import _block_texts, _check_footer, _check_status, _cluster_diffs, _label, _summary_line
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

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import Diff, Prepared, ScanResult


def render_scan(result: "ScanResult", out: TextIO, *, color: bool | None = None, width: int | None = None) -> None:
    """Print clusters (origin, members, verdicts, scores) and partial links as rich tables."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, force_terminal=color, no_color=color is False, width=width, highlight=False)
    if width is None and not console.is_terminal:
        console.width = 160  # piped output: wide enough for ids, scores and titles on one line
    by_pair = {(m.a, m.b): m for m in result.pairs}
    docs = {p.doc_id: p for p in result.documents}

    def pair(a: str, b: str) -> Match | None:
        if (a, b) in by_pair:
            return by_pair[(a, b)]
        m = by_pair.get((b, a))
        return m.swapped() if m else None

    for c in result.clusters:
        origin = docs[c.origin]
        console.print(
            f"[bold]cluster {c.cluster_id}[/]: {len(c.members)} articles, origin [bold]{c.origin}[/] "
            f"[dim]({c.origin_reason})[/]"
        )
        table = Table(show_edge=False, pad_edge=False, box=None, header_style="dim")
        table.add_column("document", no_wrap=True, min_width=max(len(m) for m in c.members))
        for name in ("verdict", "origin kept", "from origin", "jaccard", "words"):
            table.add_column(name, no_wrap=True, min_width=len(name), justify="left" if name == "verdict" else "right")
        table.add_column("¶ same/edit/add/cut/move", no_wrap=True, justify="right", min_width=24)
        table.add_column("words +/-", no_wrap=True, justify="right", min_width=9)
        table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=40)
        table.add_row(c.origin, "[bold]origin[/]", "", "", "", str(origin.word_count), "", "", origin.title or "")
        for member in c.members:
            if member == c.origin:
                continue
            m = pair(c.origin, member)
            title = docs[member].title or ""
            al = result.alignments.get(member)
            paras = f"{al.kept}/{al.edited}/{al.added}/{al.cut}/{al.moved}" if al else ""
            words = f"+{al.words_added}/-{al.words_cut}" if al else ""
            if m is None:  # linked to the origin through another member only
                table.add_row(member, "[dim]via cluster[/]", "", "", "", str(docs[member].word_count), paras, words, title)
                continue
            table.add_row(
                member, _verdict_style(m.verdict), f"{m.containment_a_in_b:.0%}", f"{m.containment_b_in_a:.0%}",
                f"{m.jaccard:.2f}", str(docs[member].word_count), paras, words, title,
            )
        console.print(table)
        console.print()
    partial = [m for m in result.pairs if m.verdict == "partial"]
    if partial:
        console.print("[bold]partial links[/] (shared passages, not merged)")
        table = Table(show_edge=False, pad_edge=False, box=None, header_style="dim")
        for col in ("a", "b", "shared words", "longest passage", "note"):
            table.add_column(col, no_wrap=True)
        for m in partial:
            note = "numbers differ: " + ", ".join(m.conflicts[:3]) if m.conflicts else ""
            table.add_row(m.a, m.b, str(m.copy_words), str(m.longest_passage), note)
        console.print(table)
    clustered = sum(len(c.members) for c in result.clusters)
    console.print(
        f"{len(result.documents)} documents, {len(result.clusters)} clusters ({clustered} articles), "
        f"{len(partial)} partial links, {len(result.skipped)} skipped"
    )


def _verdict_style(verdict: str) -> str:
    return {"duplicate": "[bold red]duplicate[/]", "reprint": "[yellow]reprint[/]", "partial": "[cyan]partial[/]"}.get(verdict, verdict)


# --- evaluation ---------------------------------------------------------------------------


def render_evaluation(data: dict, out: TextIO, *, color: bool | None = None) -> None:
    """Print an evaluation (``Evaluation.to_dict()``, optionally with ``sweep``) as tables."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, force_terminal=color, no_color=color is False, width=100, highlight=False)
    table = Table(title=f"{data['pairs']} labelled pairs", title_justify="left")
    for col in ("class", "precision", "recall", "f1", "support"):
        table.add_column(col, justify="left" if col == "class" else "right")
    rows = list(data["per_class"].items()) + [("copy vs not", data["copy"])]
    for name, m in rows:
        table.add_row(name, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", str(m["support"]))
    console.print(table)
    matrix = Table(title="confusion (rows: label, columns: verdict)", title_justify="left")
    matrix.add_column("label")
    for label in data["labels"]:
        matrix.add_column(label, justify="right")
    for label, row in zip(data["labels"], data["confusion"]):
        matrix.add_row(label, *map(str, row))
    console.print(matrix)
    if "sweep" in data:
        sweep = Table(title="copy vs not by threshold on the copy score", title_justify="left")
        for col in ("threshold", "precision", "recall"):
            sweep.add_column(col, justify="right")
        points = data["sweep"]
        step = max(1, len(points) // 15)  # a readable sample; the JSON has every point
        for p in points[::step]:
            sweep.add_row(f"{p['threshold']:.3f}", f"{p['precision']:.3f}", f"{p['recall']:.3f}")
        console.print(sweep)


# --- diffs ------------------------------------------------------------------------------


def render_diff(d: "Diff", out: TextIO, *, color: bool | None = None, width: int | None = None) -> None:
    """Print a diff to a terminal: verdict, summary, then each block with inline word changes.

    Side by side when the terminal is at least 140 columns wide, one above the other
    otherwise.
    """
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=out, force_terminal=color, no_color=color is False, width=width, highlight=False)
    if width is None and not console.is_terminal:
        console.width = 100
    m, al = d.match, d.alignment
    console.print(f"[bold]{escape(d.a.doc_id)}[/] → [bold]{escape(d.b.doc_id)}[/]: {_verdict_style(m.verdict)}  "
                  f"jaccard {m.jaccard:.2f}, A in B {m.containment_a_in_b:.0%}, B in A {m.containment_b_in_a:.0%}")
    console.print(_summary_line(al))
    body_a, body_b = d.a.cleaned.body, d.b.cleaned.body
    wide = console.width >= 140
    plain = console.no_color or not console.is_terminal  # no colour: mark edits as [-cut-] {+added+}
    colours = {"same": "dim", "edited": "yellow", "added": "green", "cut": "red"}
    for block in al.blocks:
        console.print(f"\n[{colours[block.op]}]{escape(_label(block))}[/]")
        texts_a, texts_b = _block_texts(block, body_a, body_b)
        if block.op == "edited":
            left, right = _inline_markup(texts_a, texts_b, escape, plain)
        else:
            style = colours[block.op]
            left = f"[{style}]{escape(' / '.join(texts_a))}[/]" if texts_a else ""
            right = f"[{style}]{escape(' / '.join(texts_b))}[/]" if texts_b else ""
        if wide:
            grid = Table.grid(padding=(0, 2), expand=True)
            grid.add_column(ratio=1)
            grid.add_column(ratio=1)
            grid.add_row(left, right)
            console.print(grid)
        elif block.op == "edited":
            console.print(_inline_merged(texts_a, texts_b, escape, plain))
        else:
            console.print(left or right)


def _marks(escape, plain: bool):
    if plain:
        return (lambda t: escape(f"[-{t}-]")), (lambda t: escape(f"{{+{t}+}}"))
    return (lambda t: f"[red strike]{escape(t)}[/]"), (lambda t: f"[green underline]{escape(t)}[/]")


def _inline_markup(texts_a, texts_b, escape, plain: bool) -> tuple[str, str]:
    cut, add = _marks(escape, plain)
    left, right = [], []
    for op, a, b in word_diff(texts_a, texts_b):
        if op == "equal":
            left.append(escape(a))
            right.append(escape(b))
        else:
            if a:
                left.append(cut(a))
            if b:
                right.append(add(b))
    return " ".join(left), " ".join(right)


def _inline_merged(texts_a, texts_b, escape, plain: bool) -> str:
    cut, add = _marks(escape, plain)
    parts = []
    for op, a, b in word_diff(texts_a, texts_b):
        if op == "equal":
            parts.append(escape(b))
        else:
            parts.extend(x for x in (cut(a) if a else "", add(b) if b else "") if x)
    return " ".join(parts)


def _md(text: str) -> str:
    """Escape text for Markdown (the characters that would start markup)."""
    out = text
    for ch in "\\`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return out


def diff_markdown(d: "Diff") -> str:
    """Return a diff as Markdown: verdict, summary table, then the blocks with ~~cuts~~ and **additions**."""
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


def scan_markdown(result: "ScanResult") -> str:
    """Return the scan as Markdown: one section per cluster with each outlet's changes."""
    lines = ["# dedup scan", "", f"{len(result.documents)} documents, {len(result.clusters)} clusters.", ""]
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
        lines += [f"| {_md(m.a)} | {_md(m.b)} | {m.copy_words} | {m.longest_passage} | {_md(', '.join(m.conflicts))} |" for m in partial]
        lines.append("")
    return "\n".join(lines)


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
    from ..index import IndexStats


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


def render_check(result: "CheckResult", out: TextIO, *, color: bool | None = None, width: int | None = None) -> None:
    """Print each checked article with its matches (verdict, scores, alignment, origin) and the gate's verdict."""
    from rich.console import Console
    from rich.markup import escape

    console = Console(file=out, force_terminal=color, no_color=color is False, width=width, highlight=False)
    if width is None and not console.is_terminal:
        console.width = 120
    allow = f" · allowed credits: {', '.join(result.allow)}" if result.allow else ""
    console.print(f"[bold]dedup check[/]: {len(result.articles)} articles against {result.indexed} indexed · "
                  f"fail on {result.fail_on}{escape(allow)}")
    labels = {"FAIL": "[bold red]FAIL[/]", "allowed": "[green]allowed[/]", "below --fail-on": "[dim]reported[/]"}
    for a in result.articles:
        status = "[bold red]FAIL[/]" if a.failed else "[green]ok[/]  "
        title = f"  [dim]{escape(a.title)}[/]" if a.title else ""
        console.print(f"\n{status}  [bold]{escape(a.doc_id)}[/]{title}")
        for c in a.matches:
            m, s = c.match, c.alignment.summary()
            where = "new in this batch" if c.in_batch else "indexed"
            console.print(
                f"      {labels[_check_status(c)]} {_verdict_style(c.verdict)} of [bold]{escape(c.doc_id)}[/] ({where})"
                + (f"  [dim]{escape(c.title)}[/]" if c.title else "")
            )
            console.print(f"        jaccard {m.jaccard:.2f} · {m.containment_a_in_b:.0%} of the new article found in it · "
                          f"{m.containment_b_in_a:.0%} of it found in the new article")
            console.print(f"        paragraphs: {s['same']} kept, {s['edited']} edited, {s['added']} added, {s['cut']} cut, "
                          f"{s['moved']} moved; words: +{s['words_added']} -{s['words_cut']}")
            console.print(f"        origin: {escape(c.origin)} ({escape(c.origin_reason)})"
                          + (" -- licensed by --allow" if c.allowed else ""))
    if result.skipped:
        console.print()
    for sk in result.skipped:
        console.print(f"[dim]skipped {escape(sk.location)}: {escape(sk.reason)}[/]")
    console.print()
    console.print(("[bold green]" if result.clean else "[bold red]") + escape(_check_footer(result)) + "[/]")


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


def render_stats(stats: "IndexStats", out: TextIO) -> None:
    """Print index statistics as a few plain lines."""
    s = stats.settings
    size = f"{stats.bytes / 1e6:.1f} MB on disk" if stats.bytes is not None else "in memory"
    out.write(
        f"index {stats.location}: {stats.documents} documents, {size}\n"
        f"template lines: {stats.template_lines} (of {stats.line_keys} short lines counted; "
        f"a line in {s['template_min_docs']}+ documents is template)\n"
        f"format {stats.format_version}, built by dedup {stats.dedup_version}; "
        f"{s['shingle_size']}-word shingles, {s['num_perm']} permutations, seed {s['seed']}, "
        f"{s['passage_words']}-word passages, LSH {s['bands']} bands x {s['rows']} rows "
        f"(passage threshold {s['passage_threshold']}), normalisation v{s['normalisation_version']}\n"
    )
