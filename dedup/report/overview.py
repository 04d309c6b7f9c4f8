"""The numbers behind the scan page's overview and plots, as plain records (no drawing, no HTML).

:func:`scan_overview` reads a :class:`~dedup.steps.ScanResult` once and returns a
:class:`ScanOverview`: the totals, one :class:`ClusterRow` per cluster (the table of the
HTML page), and the data of the four plots (:mod:`dedup.report.plots` draws them):

- ``sizes``: how many clusters have each size;
- ``delays``: hours from the origin's publication to each member's, where both are known;
- ``matrix``: for each (origin's outlet, reprinting outlet), how many reprints;
- ``kept``: for each reprinting outlet, the share of the wire copy each of its reprints kept.

The outlet of a document (:func:`outlet`) is its ``source``, else its URL's host without
``www.``, else ``unknown``. The share of the wire copy kept is the origin → member
:class:`~dedup.verify.Match`'s ``copy_share_a``: the share of the origin's sentences (quotations
left out, weighed by their words) found in the member, the measure the ``reprint`` verdict is
based on. A member linked to the origin only through another member (no match with it, or a
``partial`` one) counts as ``linked`` instead of by verdict.

>>> from dedup import Document, scan
>>> wire = ("MOSCOW (Reuters) - The central bank raised its main interest rate on Tuesday to fight "
...         "inflation, which reached a ten-year high in March, officials in the capital said on Wednesday. "
...         "Analysts had expected the move after weeks of pressure on the rouble and rising food prices.")
>>> o = scan_overview(scan([Document("wire", wire, source="Reuters", published="2023-03-14T08:00:00Z"),
...                         Document("copy", wire, url="https://www.example.com/a", published="2023-03-14T11:30:00Z")]))
>>> o.clusters, o.duplicates, o.sizes, o.delays
(1, 1, ((2, 1),), (3.5,))
>>> o.rows[0].sources, o.matrix, o.kept
(('Reuters', 'example.com'), (('Reuters', 'example.com', 1),), (('example.com', (1.0,)),))
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..candidates import outlet_name, published_moment
from ._shared import _cluster_diffs

if TYPE_CHECKING:  # pragma: no cover
    from ..steps import Prepared, ScanResult


@dataclass(frozen=True)
class ClusterRow:
    """One cluster, as a row of the page's table.

    Attributes:
        cluster_id, size: the cluster's id (``c1``, ...) and its number of members.
        origin, origin_title, origin_outlet: the origin's ``doc_id``, title (or None) and outlet.
        sources: the members' outlets, most members first, then by name.
        first, last: the earliest and latest publication date among the members (ISO 8601 as
            given), None where no member's date can be read.
        duplicates, reprints, linked: the members by the verdict of their match with the origin
            (``linked``: through another member only).
        kept: the median share of the origin's copy the members kept (0-1), None if none is known.
    """

    cluster_id: str
    size: int
    origin: str
    origin_title: str | None
    origin_outlet: str
    sources: tuple[str, ...]
    first: str | None
    last: str | None
    duplicates: int
    reprints: int
    linked: int
    kept: float | None


@dataclass(frozen=True)
class ScanOverview:
    """The totals, the cluster table and the plots' data of a scan (see the module docstring).

    Attributes:
        documents, clusters, in_clusters, partial, skipped: counts (``in_clusters``: the
            articles in a cluster, origins included; ``partial``: pairs with that verdict).
        duplicates, reprints, linked: the members other than origins, by verdict (as in
            :class:`ClusterRow`).
        rows: one :class:`ClusterRow` per cluster, in the scan's order (largest first).
        sizes: (size, number of clusters of that size), by size.
        delays: hours from the origin's publication to each member's (negative: the member
            was dated earlier), in cluster then member order; members lacking a date left out.
        matrix: (origin's outlet, member's outlet, reprints), largest count first, then by names.
        kept: (member's outlet, the kept shares of its reprints, sorted), most reprints first,
            then by name.
    """

    documents: int
    clusters: int
    in_clusters: int
    duplicates: int
    reprints: int
    linked: int
    partial: int
    skipped: int
    rows: tuple[ClusterRow, ...]
    sizes: tuple[tuple[int, int], ...]
    delays: tuple[float, ...]
    matrix: tuple[tuple[str, str, int], ...]
    kept: tuple[tuple[str, tuple[float, ...]], ...]


def outlet(p: Prepared) -> str:
    """The outlet that published a document: its ``source``, else its URL's host without
    ``www.``, else ``unknown``."""
    return outlet_name(p.document.source, p.document.url) or "unknown"


def when(published: str | None) -> datetime | None:
    """A publication date as an aware datetime (UTC where no zone is given), None if unreadable.

    >>> when("2023-03-14"), when("2023-03-14T10:00:00+02:00").hour, when("14 March")
    (datetime.datetime(2023, 3, 14, 0, 0, tzinfo=datetime.timezone.utc), 10, None)
    """
    return published_moment(published)


def scan_overview(result: ScanResult) -> ScanOverview:
    """Return the totals, the cluster table and the plots' data of a scan (deterministic).

    >>> from dedup import Document, scan
    >>> wire = "Talks on the new port budget resumed in the capital on Monday, officials said. " * 3
    >>> o = scan_overview(scan([Document("a", wire, source="AP"), Document("b", wire + " Local reaction was calm.", source="Daily")]))
    >>> o.documents, o.clusters, o.sizes
    (2, 1, ((2, 1),))
    """
    docs = {p.doc_id: p for p in result.documents}
    rows, delays, pairs = [], [], Counter[tuple[str, str]]()
    kept: dict[str, list[float]] = defaultdict(list)
    for c, diffs in _cluster_diffs(result):
        origin = docs[c.origin]
        start = when(origin.published)
        shares, verdicts = [], Counter[str]()
        for member, m in diffs:
            p = docs[member]
            verdicts[m.verdict if m is not None and m.is_copy else "linked"] += 1
            pairs[outlet(origin), outlet(p)] += 1
            if m is not None and m.sentences_a:  # an origin with no counted sentence has no share
                shares.append(m.copy_share_a)
                kept[outlet(p)].append(round(m.copy_share_a, 4))
            moment = when(p.published)
            if start is not None and moment is not None:
                delays.append(round((moment - start).total_seconds() / 3600, 4))
        rows.append(_row(c, [docs[d] for d in c.members], origin, verdicts, shares))
    sizes = Counter(len(c.members) for c in result.clusters)
    return ScanOverview(
        documents=len(result.documents), clusters=len(result.clusters),
        in_clusters=sum(len(c.members) for c in result.clusters),
        duplicates=sum(r.duplicates for r in rows), reprints=sum(r.reprints for r in rows),
        linked=sum(r.linked for r in rows), partial=sum(1 for m in result.pairs if m.verdict == "partial"),
        skipped=len(result.skipped), rows=tuple(rows), sizes=tuple(sorted(sizes.items())), delays=tuple(delays),
        matrix=tuple(sorted(((a, b, n) for (a, b), n in pairs.items()), key=lambda t: (-t[2], t[0], t[1]))),
        kept=tuple(sorted(((o, tuple(sorted(v))) for o, v in kept.items()), key=lambda t: (-len(t[1]), t[0]))),
    )


def _row(c, members: list[Prepared], origin: Prepared, verdicts: Counter[str], shares: list[float]) -> ClusterRow:
    outlets = Counter(outlet(p) for p in members)
    dated = sorted((moment, p.published) for p in members if (moment := when(p.published)) is not None)
    return ClusterRow(
        cluster_id=c.cluster_id, size=len(members), origin=c.origin, origin_title=origin.title,
        origin_outlet=outlet(origin), sources=tuple(sorted(outlets, key=lambda o: (-outlets[o], o))),
        first=dated[0][1] if dated else None, last=dated[-1][1] if dated else None,
        duplicates=verdicts["duplicate"], reprints=verdicts["reprint"], linked=verdicts["linked"],
        kept=round(statistics.median(shares), 4) if shares else None,
    )
