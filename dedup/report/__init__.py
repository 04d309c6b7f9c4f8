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
from .html import diff_html, scan_html
from .markdown import diff_markdown, scan_markdown
from .terminal import render_check, render_diff, render_evaluation, render_scan, render_stats
