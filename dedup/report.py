"""Report: render scan results as JSON (machine-readable) or a rich terminal view.

The JSON is deterministic: keys in fixed order, lists sorted, floats rounded to 4
decimals, no timings or paths of the machine. Its format, version
:data:`FORMAT_VERSION`, is documented field by field in the README.

>>> from dedup.pipeline import scan
>>> data = scan_to_dict(scan(["One short article about the harbour."]))
>>> sorted(data)
['clusters', 'documents', 'format_version', 'pairs', 'settings', 'skipped']
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TextIO

from .verify import Match

if TYPE_CHECKING:  # pragma: no cover
    from .pipeline import Prepared, ScanResult

FORMAT_VERSION = 1


def _r(x: float) -> float:
    return round(float(x), 4)


def document_to_dict(p: "Prepared") -> dict:
    """Describe one scanned document (metadata, evidence of origin, sizes)."""
    kinds: dict[str, int] = {}
    for para in p.cleaned.paragraphs:
        kinds[para.kind] = kinds.get(para.kind, 0) + 1
    return {
        "id": p.doc_id,
        "title": p.title,
        "source": p.document.source,
        "url": p.document.url,
        "published": p.published,
        "credits": list(p.credits),
        "words": len(p.words),
        "paragraphs": {"body": kinds.pop("body", 0), "furniture": sum(kinds.values())},
    }


def match_to_dict(m: Match, cluster: str | None = None) -> dict:
    """Describe one verified pair: verdict, scores and shared passages."""
    return {
        "a": m.a,
        "b": m.b,
        "verdict": m.verdict,
        "cluster": cluster,
        "jaccard": _r(m.jaccard),
        "containment_a_in_b": _r(m.containment_a_in_b),
        "containment_b_in_a": _r(m.containment_b_in_a),
        "shared_words": m.shared_words,
        "quoted_shared_words": m.quoted_shared_words,
        "copy_share_a": _r(m.copy_share_a),
        "copy_share_b": _r(m.copy_share_b),
        "longest_passage": m.longest_passage,
        "conflicts": list(m.conflicts),
        "passages": [
            {"a_start": p.a_start, "b_start": p.b_start, "words": p.words, "quoted_words": p.quoted_words, "text": p.text}
            for p in m.passages
        ],
    }


def scan_to_dict(result: "ScanResult") -> dict:
    """Return the whole scan as a JSON-ready dict (see the README for the format)."""
    cluster_of = {member: c.cluster_id for c in result.clusters for member in c.members}
    return {
        "format_version": FORMAT_VERSION,
        "settings": result.settings.as_dict(),
        "documents": [document_to_dict(p) for p in sorted(result.documents, key=lambda p: p.doc_id)],
        "clusters": [
            {"id": c.cluster_id, "origin": c.origin, "origin_reason": c.origin_reason, "members": list(c.members)}
            for c in result.clusters
        ],
        "pairs": [
            match_to_dict(m, cluster_of.get(m.a) if m.is_copy else None)
            for m in sorted(result.pairs, key=lambda m: (m.a, m.b))
        ],
        "skipped": [{"location": s.location, "reason": s.reason} for s in result.skipped],
    }


def dumps(data: dict) -> str:
    """Serialise a report dict the one deterministic way (UTF-8 text, 2-space indent)."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_scan(result: "ScanResult", out: TextIO, *, color: bool | None = None, width: int | None = None) -> None:
    """Print clusters (origin, members, verdicts, scores) and partial links as rich tables."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, force_terminal=color, no_color=color is False, width=width, highlight=False)
    if width is None and not console.is_terminal:
        console.width = 120  # piped output: wide enough for ids and scores on one line
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
        table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=50)
        table.add_row(c.origin, "[bold]origin[/]", "", "", "", str(len(origin.words)), origin.title or "")
        for member in c.members:
            if member == c.origin:
                continue
            m = pair(c.origin, member)
            title = docs[member].title or ""
            if m is None:  # linked to the origin through another member only
                table.add_row(member, "[dim]via cluster[/]", "", "", "", str(len(docs[member].words)), title)
                continue
            table.add_row(
                member, _verdict_style(m.verdict), f"{m.containment_a_in_b:.0%}", f"{m.containment_b_in_a:.0%}",
                f"{m.jaccard:.2f}", str(len(docs[member].words)), title,
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
