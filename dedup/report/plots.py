"""The scan's four plots, drawn with matplotlib (the ``[plot]`` extra) from a :class:`~.overview.ScanOverview`.

- ``cluster-sizes``: how many clusters have each size;
- ``reprints-over-time``: hours (or days, past three days) from the origin's publication to
  each member's (counts on a log scale when one bar holds over 20 times the median bar's);
- ``source-matrix``: which outlets reprint whom: rows the origin's outlet, columns the
  reprinting outlet, the 15 busiest outlets;
- ``wire-kept``: for the 15 outlets with most reprints, the share of the origin's copy each
  reprint kept.

Each is drawn on its own :class:`matplotlib.figure.Figure` (no pyplot, so a notebook's backend
and figures are left alone) under fixed settings (:data:`_STYLE`), so the same scan gives the
same bytes: SVG with text kept as text and no date, PNG with no software stamp.
:func:`plot_svgs` gives the SVGs to inline in the HTML page; :func:`scan_plots` writes
the files. A plot with no data is None in :func:`figures` (the page says why in words) and,
as a file, a figure saying so.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError, InputError, require
from .overview import ScanOverview, scan_overview

if TYPE_CHECKING:  # pragma: no cover
    from ..steps import ScanResult

#: The plots, in page order: file name (without extension), title, what an empty one lacks.
PLOTS = (
    ("cluster-sizes", "Cluster sizes", "no cluster was found"),
    ("reprints-over-time", "Reprints over time", "no cluster member and its origin both have a readable publication date"),
    ("source-matrix", "Who reprints whom", "no cluster was found"),
    ("wire-kept", "How much of the wire copy each outlet keeps", "no reprint has a known share of its origin's copy"),
)

#: Outlets shown in the matrix and the kept-share plot (the busiest; a page-wide figure stays readable).
TOP_OUTLETS = 15

_STYLE: dict[Any, Any] = {  # Any: matplotlib types its keys as a Literal of every rc name
    "svg.fonttype": "none",  # text stays text: small files, searchable, crisp at any size
    "svg.hashsalt": "dedup",  # ids from a fixed salt, not a random one: the same bytes every run
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "axes.axisbelow": True,
}
_BAR = "#1a73a8"


def _matplotlib():
    matplotlib = require("matplotlib", "plot")
    require("matplotlib.figure", "plot")
    return matplotlib


def figures(overview: ScanOverview) -> dict[str, Any]:
    """Return each plot's :class:`~matplotlib.figure.Figure`, or None where it has no data, by file name."""
    from matplotlib.figure import Figure

    drawers = (_sizes, _delays, _matrix, _kept)
    out: dict[str, Any] = {}
    for (name, title, _), draw in zip(PLOTS, drawers, strict=True):
        fig = Figure(figsize=(6.4, 4.0), layout="constrained")
        out[name] = fig if draw(fig, overview) else None
        if out[name] is not None:
            fig.suptitle(title, fontsize=12, fontweight="bold")
    return out


def _sizes(fig, o: ScanOverview) -> bool:
    if not o.sizes:
        return False
    ax = fig.subplots()
    sizes, counts = zip(*o.sizes, strict=True)
    bars = ax.bar(sizes, counts, color=_BAR, width=0.8)
    if len(sizes) <= 25:
        ax.bar_label(bars, padding=2, fontsize=8)
    ax.margins(y=0.12)  # room for the bars' labels
    ax.set_xlabel("articles in the cluster")
    ax.set_ylabel("clusters")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"{o.clusters:,} clusters holding {o.in_clusters:,} of {o.documents:,} articles", fontsize=9, color="#555")
    return True


def _delays(fig, o: ScanOverview) -> bool:
    if not o.delays:
        return False
    ax = fig.subplots()
    days = max(abs(d) for d in o.delays) > 72  # past three days, hours are too fine a unit to read
    values = [d / 24 for d in o.delays] if days else list(o.delays)
    low, high = min(values), max(values)
    counts, _, _ = ax.hist(values, bins=30 if high > low else 1, range=(low, high) if high > low else (low - 0.5, high + 0.5),
                           color=_BAR)
    ax.axvline(0, color="#b3261e", linewidth=1)
    ax.set_xlabel(f"{'days' if days else 'hours'} after the origin was published (negative: dated before it)")
    tall = sorted(c for c in counts if c)
    if tall[-1] > 20 * tall[len(tall) // 2]:  # most reprints in one bar: a log scale shows the tail
        ax.set_yscale("log")
        ax.set_ylabel("reprints (log scale)")
    else:
        ax.set_ylabel("reprints")
        ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"{len(values):,} reprints whose date and their origin's are known", fontsize=9, color="#555")
    return True


def _busiest(o: ScanOverview) -> list[str]:
    involved: dict[str, int] = {}
    for a, b, n in o.matrix:
        involved[a] = involved.get(a, 0) + n
        involved[b] = involved.get(b, 0) + n
    return sorted(involved, key=lambda s: (-involved[s], s))[:TOP_OUTLETS]


def _matrix(fig, o: ScanOverview) -> bool:
    if not o.matrix:
        return False
    import numpy as np

    outlets = _busiest(o)
    rows = [s for s in outlets if any(a == s for a, _, _ in o.matrix)]
    cols = [s for s in outlets if any(b == s for _, b, _ in o.matrix)]
    grid = np.zeros((len(rows), len(cols)), dtype=int)
    for a, b, n in o.matrix:
        if a in rows and b in cols:
            grid[rows.index(a), cols.index(b)] = n
    fig.set_size_inches(6.4, max(3.2, 1.6 + 0.3 * len(rows)))
    ax = fig.subplots()
    ax.grid(False)
    ax.imshow(np.ma.masked_equal(grid, 0), cmap="Blues", aspect="auto", vmin=0, vmax=max(1, int(grid.max())))
    for i, j in zip(*np.nonzero(grid), strict=True):
        dark = grid[i, j] > grid.max() * 0.6
        ax.text(j, i, str(grid[i, j]), ha="center", va="center", fontsize=8, color="white" if dark else "#222")
    ax.set_xticks(range(len(cols)), [_short(s) for s in cols], rotation=40, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), [_short(s) for s in rows], fontsize=8)
    ax.set_xlabel("reprinting outlet")
    ax.set_ylabel("origin's outlet")
    shown = int(grid.sum())
    total = sum(n for _, _, n in o.matrix)
    ax.set_title(f"{shown:,} reprints" + (f" of {total:,} (the {TOP_OUTLETS} busiest outlets)" if shown < total else ""),
                 fontsize=9, color="#555")
    return True


def _kept(fig, o: ScanOverview) -> bool:
    if not o.kept:
        return False
    import numpy as np

    shown = list(reversed(o.kept[:TOP_OUTLETS]))  # the busiest outlet on top
    fig.set_size_inches(6.4, max(3.2, 1.6 + 0.3 * len(shown)))
    ax = fig.subplots()
    data = [[100 * v for v in shares] for _, shares in shown]
    import inspect

    # matplotlib 3.10 replaced vert=False by orientation="horizontal" (and deprecates vert)
    sideways = {"orientation": "horizontal"} if "orientation" in inspect.signature(ax.boxplot).parameters else {"vert": False}
    ax.boxplot(data, widths=0.6, showfliers=False, medianprops={"color": "#b3261e"}, **sideways)
    jitter = np.random.default_rng(1)  # fixed seed: the same dots every run
    for i, values in enumerate(data, start=1):
        ax.scatter(values, i + jitter.uniform(-0.18, 0.18, len(values)), s=10, color=_BAR, alpha=0.6, linewidths=0)
    ax.set_yticks(range(1, len(shown) + 1), [f"{_short(s)} ({len(v)})" for s, v in shown], fontsize=8)
    ax.set_xlim(-2, 102)
    ax.set_xlabel("share of the origin's copy kept (%, sentences weighed by words)")
    ax.set_title(f"reprints per outlet in brackets; {len(shown)} of {len(o.kept)} outlets", fontsize=9, color="#555")
    return True


def _short(name: str, width: int = 24) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _empty(title: str, reason: str):
    """A figure that says it has no data (for the files: a notebook expects all four)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 2.0), layout="constrained")
    fig.suptitle(title, fontsize=12, fontweight="bold")
    fig.text(0.5, 0.45, f"No data: {reason}.", ha="center", va="center", color="#555", wrap=True)
    return fig


def _svg(fig, salt: str) -> str:
    buffer = io.StringIO()
    import matplotlib

    with matplotlib.rc_context():
        matplotlib.rcParams["svg.hashsalt"] = f"dedup-{salt}"
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    return buffer.getvalue()


def _inline(svg: str, name: str) -> str:
    """An SVG file made an element of an HTML page: no XML prolog, no metadata, no namespace
    URLs (an HTML parser knows ``<svg>``), ids prefixed by the plot's name so four plots
    on one page never share one, and sized by the page (the viewBox keeps the shape)."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'\s(xmlns(:\w+)?|width|height)="[^"]*"', "", svg[:svg.index(">")]) + svg[svg.index(">"):]
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{name}-\1"', svg)
    svg = re.sub(r'(url\(#|href="#)([^")]+)', rf"\1{name}-\2", svg)
    return svg.replace("<svg", f'<svg role="img" aria-label="{name}"', 1).strip()


def plot_svgs(overview: ScanOverview) -> dict[str, str | None]:
    """Return each plot as an SVG element to inline in a page, or None where it has no data."""
    _matplotlib()
    import matplotlib

    with matplotlib.rc_context(_STYLE):
        return {name: _inline(_svg(fig, name), name) if fig is not None else None
                for name, fig in figures(overview).items()}


def scan_plots(result: ScanResult, directory: str | Path, *, formats: tuple[str, ...] = ("svg", "png")) -> list[Path]:
    """Write the scan's four plots into ``directory`` (created if missing), each as SVG and PNG.

    Files: ``cluster-sizes``, ``reprints-over-time``, ``source-matrix`` and ``wire-kept``, with
    the extension of each format; a plot with no data is a figure saying so. The same scan
    writes the same bytes.

    Returns:
        The paths written, in plot order.

    Raises:
        MissingDependencyError: matplotlib is not installed (``pip install 'dedup-news[plot]'``).
        InputError: the folder cannot be created or written.
        ConfigError: a format other than ``svg`` and ``png``.

    >>> import tempfile
    >>> from dedup import scan
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     [p.name for p in scan_plots(scan(["One article about the harbour reopening today."]), folder, formats=("svg",))]
    ['cluster-sizes.svg', 'reprints-over-time.svg', 'source-matrix.svg', 'wire-kept.svg']
    """
    unknown = [f for f in formats if f not in ("svg", "png")]
    if unknown:
        raise ConfigError(f"plots are written as svg or png, not {', '.join(map(repr, unknown))}.")
    _matplotlib()
    import matplotlib

    folder = Path(directory)
    written = []
    with matplotlib.rc_context(_STYLE):
        drawn = figures(scan_overview(result))
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for name, title, reason in PLOTS:
                fig = drawn[name] if drawn[name] is not None else _empty(title, reason)
                for fmt in formats:
                    path = folder / f"{name}.{fmt}"
                    if fmt == "svg":
                        path.write_text(_svg(fig, name), encoding="utf-8")
                    else:
                        path.write_bytes(_png(fig))
                    written.append(path)
        except OSError as exc:
            raise InputError(f"cannot write the plots into {folder} ({exc.strerror or exc}); "
                             f"check the path and its permissions.") from exc
    return written
