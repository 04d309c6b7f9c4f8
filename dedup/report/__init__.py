"""Report: render scans, diffs, checks, evaluations and index statistics for people and machines.

The package only formats the records other stages produce (a scan's ``ScanResult``, a
``Diff``, a ``CheckResult``, an evaluation's dict, ``IndexStats``); it does not import
the modules that produce them at runtime (:mod:`dedup.steps`, :mod:`dedup.check` and
:mod:`dedup.index` appear only in annotations, under ``TYPE_CHECKING``). It sits below
them: their results' ``to_dict()`` and ``to_pandas()`` call it.

Every format is deterministic: keys in fixed order, lists sorted, floats rounded to
4 decimals, no timings or paths of the machine. The JSON formats, version
:data:`FORMAT_VERSION`, are documented field by field in the README. The HTML pages are
self-contained (inline CSS, the scan's plots as inline SVG, a small inline script to sort and
filter its table; nothing fetched from the network, and whole with scripts off).

One module per format family; every public name is re-exported here, so
``from dedup.report import scan_to_dict`` and ``report.scan_html(...)`` work as before:

- :mod:`dedup.report.data`: the JSON forms: :data:`FORMAT_VERSION`,
  :func:`scan_to_dict` (:func:`document_to_dict`, :func:`match_to_dict`),
  :func:`diff_to_dict` (:func:`block_to_dict`), :func:`check_to_dict`
  (:func:`check_match_to_dict`), :func:`stats_to_dict`, and :func:`dumps` to serialise them.
- :mod:`dedup.report.terminal`: rich text for a terminal or a pipe:
  :func:`render_scan`, :func:`render_diff`, :func:`render_check`,
  :func:`render_evaluation`, and :func:`render_stats` (plain lines).
- :mod:`dedup.report.markdown`: :func:`diff_markdown`, :func:`scan_markdown`.
- :mod:`dedup.report.html`: :func:`diff_html`, :func:`scan_html` (one page each).
- :mod:`dedup.report.frames`: tables of rows and pandas DataFrames: :func:`scan_tables`,
  :func:`scan_to_pandas`, :func:`check_rows`, :func:`check_to_pandas`
  (:data:`SCAN_COLUMNS`, :data:`CHECK_COLUMNS`).
- :mod:`dedup.report.overview`: :func:`scan_overview`, the numbers behind the scan page's
  overview and plots, as plain records.
- :mod:`dedup.report.plots`: :func:`scan_plots`, the four plots drawn with matplotlib (the
  ``[plot]`` extra), as files; the scan page inlines them.
- :mod:`dedup.report.ci`: a check for CI: :func:`check_junit` (JUnit XML),
  :func:`check_github` (GitHub Actions annotations).
- :mod:`dedup.report._shared`: private helpers used by more than one of the above.

>>> from dedup import scan
>>> data = scan_to_dict(scan(["One short article about the harbour."]))
>>> sorted(data)
['clusters', 'documents', 'format_version', 'pairs', 'settings', 'skipped']
"""

from .ci import check_github, check_junit
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
from .frames import CHECK_COLUMNS, SCAN_COLUMNS, check_rows, check_to_pandas, scan_tables, scan_to_pandas
from .html import diff_html, scan_html
from .markdown import diff_markdown, scan_markdown
from .overview import scan_overview
from .plots import scan_plots
from .terminal import render_check, render_diff, render_evaluation, render_scan, render_stats

__all__ = [
    "CHECK_COLUMNS",
    "FORMAT_VERSION",
    "SCAN_COLUMNS",
    "block_to_dict",
    "check_github",
    "check_junit",
    "check_match_to_dict",
    "check_rows",
    "check_to_dict",
    "check_to_pandas",
    "diff_html",
    "diff_markdown",
    "diff_to_dict",
    "document_to_dict",
    "dumps",
    "match_to_dict",
    "render_check",
    "render_diff",
    "render_evaluation",
    "render_scan",
    "render_stats",
    "scan_html",
    "scan_markdown",
    "scan_overview",
    "scan_plots",
    "scan_tables",
    "scan_to_dict",
    "scan_to_pandas",
    "stats_to_dict",
]
