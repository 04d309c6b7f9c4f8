"""The terminal formats: scans, diffs, checks and evaluations as rich text, index statistics as plain lines.

Each renderer writes to ``out``. ``color=None`` (the default) lets rich decide (colour
on a terminal), ``False`` gives plain text, ``True`` forces colour. Output that is not
a terminal gets a fixed width unless ``width`` is given (:func:`render_evaluation`:
always 100 columns), so it is the same run after run. ``fit=True`` (a report written
to a file) makes every line as long as its content: nothing wrapped or cut (a diff's
side-by-side grid, which needs a width, gets 160 columns). rich is imported inside the
renderers, only when one is called; :func:`render_stats` writes plain lines without it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TextIO

from ..align import word_diff
from ..verify import Match
from ._shared import _block_texts, _check_footer, _check_status, _label, _summary_line, counted, written_conflicts

if TYPE_CHECKING:  # pragma: no cover
    from ..check import CheckResult
    from ..index import IndexStats
    from ..steps import Diff, ScanResult


#: Control characters (C0 but tab and newline, DEL, C1): in an id or a title from the input they
#: would reach the terminal raw (an escape sequence can clear the screen or retitle the window).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _safe(text: str) -> str:
    r"""Text from the input, fit for the terminal: control characters shown as ``?``, rich markup escaped.

    >>> print(_safe("evil\x1b[2J [bold]id[/]"))
    evil?[2J \[bold]id\[/]
    """
    from rich.markup import escape

    return escape(_CONTROL.sub("?", text))


def _plain(text: str) -> str:
    """Text from the input for a plain line on a terminal: control characters shown as ``?``."""
    return _CONTROL.sub("?", text)


#: The width of a report that fits its content (``fit=True``): tables are as wide as their cells.
_UNBOUNDED = 1_000_000


def render_scan(result: ScanResult, out: TextIO, *, color: bool | None = None, width: int | None = None,
                fit: bool = False) -> None:
    """Print clusters (origin, members, verdicts, scores) and partial links as rich tables.

    >>> import io
    >>> from dedup import scan
    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> out = io.StringIO()
    >>> render_scan(scan([text, text + " Officials said work starts in May."]), out, color=False)
    >>> print(out.getvalue().splitlines()[0])
    cluster c1: 2 articles, origin 1 (most complete)
    """
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, force_terminal=color, no_color=True if color is False else None,
                      width=_UNBOUNDED if fit else width, highlight=False)
    if width is None and not fit and not console.is_terminal:
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
            f"[bold]cluster {c.cluster_id}[/]: {counted(len(c.members), 'article')}, origin [bold]{_safe(c.origin)}[/] "
            f"[dim]({c.origin_reason})[/]"
        )
        table = Table(show_edge=False, pad_edge=False, box=None, header_style="dim")
        table.add_column("document", no_wrap=True, min_width=max(len(_plain(m)) for m in c.members))
        for name in ("verdict", "origin kept", "from origin", "jaccard", "words"):
            table.add_column(name, no_wrap=True, min_width=len(name), justify="left" if name == "verdict" else "right")
        table.add_column("¶ same/edit/add/cut/move", no_wrap=True, justify="right", min_width=24)
        table.add_column("words +/-", no_wrap=True, justify="right", min_width=9)
        table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=None if fit else 40)
        table.add_row(_safe(c.origin), "[bold]origin[/]", "", "", "", str(origin.word_count), "", "", _safe(origin.title or ""))
        for member in c.members:
            if member == c.origin:
                continue
            m = pair(c.origin, member)
            title = _safe(docs[member].title or "")
            al = result.alignments.get(member)
            paras = f"{al.kept}/{al.edited}/{al.added}/{al.cut}/{al.moved}" if al else ""
            words = f"+{al.words_added}/-{al.words_cut}" if al else ""
            if m is None:  # linked to the origin through another member only
                table.add_row(_safe(member), "[dim]via cluster[/]", "", "", "", str(docs[member].word_count), paras, words, title)
                continue
            table.add_row(
                _safe(member), _verdict_style(m.verdict), f"{m.containment_a_in_b:.0%}", f"{m.containment_b_in_a:.0%}",
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
            note = "numbers differ: " + ", ".join(written_conflicts(m, docs)[:3]) if m.conflicts else ""
            table.add_row(_safe(m.a), _safe(m.b), str(m.copy_words), str(m.longest_passage), _safe(note))
        console.print(table)
    clustered = sum(len(c.members) for c in result.clusters)
    console.print(
        f"{counted(len(result.documents), 'document')}, {counted(len(result.clusters), 'cluster')} "
        f"({counted(clustered, 'article')}), {counted(len(partial), 'partial link')}, {len(result.skipped)} skipped"
    )


def _verdict_style(verdict: str) -> str:
    return {"duplicate": "[bold red]duplicate[/]", "reprint": "[yellow]reprint[/]", "partial": "[cyan]partial[/]"}.get(verdict, verdict)


def render_evaluation(data: dict, out: TextIO, *, color: bool | None = None) -> None:
    """Print an evaluation (``Evaluation.to_dict()``, optionally with ``sweep``) as tables.

    >>> import io
    >>> from dedup.evaluate import LabelledPair, evaluate
    >>> out = io.StringIO()
    >>> render_evaluation(evaluate([LabelledPair("p1", "Prices rose in May.", "Weather was fine.", "none")]).to_dict(), out, color=False)
    >>> out.getvalue().splitlines()[0].strip()
    '1 labelled pairs'
    """
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, force_terminal=color, no_color=True if color is False else None, width=100, highlight=False)
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
    if "false_copies" in data:
        false, found = data["false_copies"], data["partial_found"]
        console.print(f"false copies: {false['count']} of {false['of']} pairs labelled none; "
                      f"partial found: {found['count']} of {found['of']} pairs labelled partial")
    if "sweep" in data:
        sweep = Table(title="copy vs not by threshold on the copy score", title_justify="left")
        for col in ("threshold", "precision", "recall"):
            sweep.add_column(col, justify="right")
        points = data["sweep"]
        step = max(1, len(points) // 15)  # a readable sample; the JSON has every point
        for p in points[::step]:
            sweep.add_row(f"{p['threshold']:.3f}", f"{p['precision']:.3f}", f"{p['recall']:.3f}")
        console.print(sweep)


def render_diff(d: Diff, out: TextIO, *, color: bool | None = None, width: int | None = None, fit: bool = False) -> None:
    """Print a diff to a terminal: verdict, summary, then each block with inline word changes.

    Side by side when the terminal is at least 140 columns wide, one above the other
    otherwise; ``fit``: side by side in 160 columns (paragraphs wrap inside their cells).

    >>> import io
    >>> from dedup import Document, diff
    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> out = io.StringIO()
    >>> render_diff(diff(Document("a", text), Document("b", text + " Officials said work starts in May.")), out, color=False)
    >>> print(out.getvalue().splitlines()[0])
    a → b: reprint  jaccard 0.70, A in B 100%, B in A 70%
    """
    from rich.console import Console
    from rich.table import Table

    escape = _safe
    console = Console(file=out, force_terminal=color, no_color=True if color is False else None,
                      width=160 if fit else width, highlight=False)
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


def render_check(result: CheckResult, out: TextIO, *, color: bool | None = None, width: int | None = None,
                 fit: bool = False) -> None:
    """Print each checked article with its matches (verdict, scores, alignment, origin) and the gate's verdict.

    >>> import io
    >>> from dedup import Document, Index, check
    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> index = Index.create("doctest-render", backend="memory")
    >>> _ = index.add([Document("wire", text)])
    >>> result = check([Document("copy", text + " Officials said work starts in May.")], index)
    >>> out = io.StringIO()
    >>> render_check(result, out, color=False)
    >>> print(out.getvalue().splitlines()[-1])
    FAIL: 1 of 1 article fails --fail-on reprint (checked against 1 indexed).
    >>> index.drop()
    """
    from rich.console import Console

    escape = _safe
    console = Console(file=out, force_terminal=color, no_color=True if color is False else None,
                      width=_UNBOUNDED if fit else width, highlight=False)
    if width is None and not fit and not console.is_terminal:
        console.width = 120
    allow = f" · allowed credits: {', '.join(result.allow)}" if result.allow else ""
    console.print(f"[bold]dedup check[/]: {counted(len(result.articles), 'article')} against {result.indexed:,} indexed · "
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


def render_stats(stats: IndexStats, out: TextIO) -> None:
    """Print index statistics as a few plain lines.

    >>> import io
    >>> from dedup import Index
    >>> index = Index.create("doctest-render-stats", backend="memory")
    >>> out = io.StringIO()
    >>> render_stats(index.stats(), out)
    >>> print(out.getvalue().splitlines()[0])
    index doctest-render-stats: 0 documents, in memory
    >>> index.drop()
    """
    s = stats.settings
    size = f"{stats.bytes / 1e6:.1f} MB on disk" if stats.bytes is not None else "in memory"
    out.write(
        f"index {_plain(str(stats.location))}: {counted(stats.documents, 'document')}, {size}\n"
        f"template lines: {stats.template_lines} (of {stats.line_keys} short lines counted; "
        f"a line in {s['template_min_docs']}+ documents is template)\n"
        f"format {stats.format_version}, built by dedup {stats.dedup_version}; "
        f"{s['shingle_size']}-word shingles, {s['num_perm']} permutations, seed {s['seed']}, "
        f"{s['passage_words']}-word passages, LSH {s['bands']} bands x {s['rows']} rows "
        f"(passage threshold {s['passage_threshold']}), normalisation v{s['normalisation_version']}\n"
    )
