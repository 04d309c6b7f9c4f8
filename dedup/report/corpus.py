"""The corpus a scan leaves to act on: which articles to keep (each cluster's origin, and every
article in no cluster), which to drop (the other members of each cluster), and the corpus itself
deduplicated, as JSON lines, the way deduplication tools hand a corpus on to training or indexing.

>>> from dedup import Document, scan
>>> wire = ("MOSCOW (Reuters) - The central bank raised its main interest rate on Tuesday to fight "
...         "inflation, which reached a ten-year high in March, officials in the capital said on Wednesday. "
...         "Analysts had expected the move after weeks of pressure on the rouble and rising food prices.")
>>> result = scan([Document("wire", wire, source="Reuters"), Document("copy", wire.replace("MOSCOW (Reuters) - ", "")),
...                Document("other", "A different story about football, told at some length, for the test.")])
>>> kept_and_dropped(result)
(['wire', 'other'], ['copy'])
>>> first = json.loads(deduplicated_lines(result)[0])
>>> first["id"], first["source"], first["reprints"]
('wire', 'Reuters', ['copy'])
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..steps import ScanResult


def kept_and_dropped(result: ScanResult) -> tuple[list[str], list[str]]:
    """(the ids to keep, the ids to drop), each in input order: one article per cluster is kept,
    its origin; the documents left out of the scan (``skipped``) are in neither."""
    dropped = {m for c in result.clusters for m in c.members if m != c.origin}
    order = [p.doc_id for p in result.documents]
    return [d for d in order if d not in dropped], [d for d in order if d in dropped]


def id_lines(ids: list[str]) -> str:
    """One id a line (an id holding a line break is written as a JSON string, quotes and all).

    >>> print(id_lines(["a.txt", "two\\nlines"]), end="")
    a.txt
    "two\\nlines"
    """
    return "".join((json.dumps(i, ensure_ascii=False) if "\n" in i or "\r" in i else i) + "\n" for i in ids)


def deduplicated_lines(result: ScanResult) -> list[str]:
    """The kept documents as JSON lines, in input order: ``id``, ``text`` (as read), ``title``,
    ``url``, ``source``, ``published`` (as given, else as found) and ``reprints``, the ids of the
    cluster's other members for an origin (empty for an article in no cluster)."""
    others = {c.origin: [m for m in c.members if m != c.origin] for c in result.clusters}
    kept = set(kept_and_dropped(result)[0])
    lines = []
    for p in result.documents:
        if p.doc_id not in kept:
            continue
        d = p.document
        record = {"id": d.doc_id, "text": d.text, "title": p.title, "url": d.url, "source": d.source,
                  "published": p.published, "reprints": others.get(d.doc_id, [])}
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    return lines
