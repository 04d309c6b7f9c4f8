"""Report formats: golden files for every diff and scan format, and a real browser render.

Golden files are regenerated only on purpose: DEDUP_REGEN_GOLDEN=1 python -m pytest tests/test_report.py
"""

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from dedup.ingest import iter_documents
from dedup import diff, scan
from dedup import report
from goldens import check_golden

ROOT = Path(__file__).resolve().parents[1]


def _seed_diff():
    a, b = (next(iter_documents([ROOT / "seeds" / name])) for name in ("000_8f553da63e8cdc0a.txt", "003_6e09906d83b566b2.txt"))
    return diff(a, b)


def _seed_scan():
    return scan(list(iter_documents([ROOT / "seeds"])))


def _text(render, result, width):
    buffer = io.StringIO()
    render(result, buffer, color=False, width=width)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, make",
    [
        ("diff_seed.json", lambda: report.dumps(report.diff_to_dict(_seed_diff()))),
        ("diff_seed.md", lambda: report.diff_markdown(_seed_diff())),
        ("diff_seed.html", lambda: report.diff_html(_seed_diff())),
        ("diff_seed_narrow.txt", lambda: _text(report.render_diff, _seed_diff(), 100)),
        ("diff_seed_wide.txt", lambda: _text(report.render_diff, _seed_diff(), 180)),
        ("scan_seed.json", lambda: report.dumps(report.scan_to_dict(_seed_scan()))),
        ("scan_seed.md", lambda: report.scan_markdown(_seed_scan())),
        ("scan_seed.html", lambda: report.scan_html(_seed_scan(), plots=False)),  # plots: tests/test_scan_page.py
        ("scan_seed.txt", lambda: _text(report.render_scan, _seed_scan(), 160)),
    ],
)
def test_golden(name, make):
    check_golden(name, make())


def test_diff_json_follows_the_documented_shape():
    data = report.diff_to_dict(_seed_diff())
    assert list(data) == ["format_version", "a", "b", "verdict", "scores", "summary", "blocks"]
    assert set(data["a"]) == {"id", "title", "paragraphs", "furniture"}
    tiles_a = sorted(i for blk in data["blocks"] for i in blk["a"])
    tiles_b = sorted(i for blk in data["blocks"] for i in blk["b"])
    assert tiles_a == list(range(len(data["a"]["paragraphs"])))
    assert tiles_b == list(range(len(data["b"]["paragraphs"])))
    for blk in data["blocks"]:
        assert set(blk) == {"op", "a", "b", "moved", "similarity", "changes"}
        assert blk["op"] in ("same", "edited", "added", "cut")
    assert data["summary"]["cut"] == 0 and data["summary"]["added"] == 13


def test_seed_alignment_in_scan_json():
    data = report.scan_to_dict(_seed_scan())
    (cluster,) = data["clusters"]
    (member,) = cluster["alignments"]
    assert member["id"] == "003_6e09906d83b566b2.txt"
    assert member["cut"] == 0 and member["added"] == 13 and member["moved"] == 1
    assert member["same"] + member["edited"] == 9  # every wire paragraph kept or edited (two merged into one)


def test_html_is_self_contained():
    page = report.scan_html(_seed_scan())
    for forbidden in ("http://", "https://", "<script ", "<link", "@import", "src=", "<img", "<iframe"):
        assert forbidden not in page  # an inline <script> (the scan's table) fetches nothing
    assert "<del>" in page and "<ins>" in page
    diff_page = report.diff_html(_seed_diff())  # its furniture quotes a URL, as escaped text
    assert not any(tag in diff_page for tag in ("<script", "<link", "src=", "<img", "@import"))


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(not _chromium() and not os.environ.get("CI"), reason="chromium not installed (make test installs it)")
def test_html_renders_in_a_real_browser(tmp_path):
    """Screenshot the diff page in headless Chromium: not blank, and the diff colours show."""
    from PIL import Image

    assert _chromium(), "CI must have chromium: make install-test installs Debian's package"
    page = tmp_path / "diff.html"
    page.write_text(report.diff_html(_seed_diff()), encoding="utf-8")  # the scan page opens collapsed: see below
    shot = tmp_path / "diff.png"
    subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1300,1400", f"--screenshot={shot}", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )
    import numpy as np

    image = Image.open(shot).convert("RGB")
    assert image.size == (1300, 1400)
    pixels = [tuple(p) for p in np.asarray(image).reshape(-1, 3).tolist()]
    colours = set(pixels)
    assert len(colours) > 200, "the page rendered (nearly) blank"
    dark = sum(1 for r, g, b in pixels if r + g + b < 200)
    assert dark > 5000, "no text drawn"

    def near(rgb, target, tol=12):
        return all(abs(x - y) <= tol for x, y in zip(rgb, target))

    inserted = sum(1 for p in pixels if near(p, (0xC4, 0xEC, 0xC0)))  # <ins> background
    deleted = sum(1 for p in pixels if near(p, (0xF8, 0xC6, 0xC2)))  # <del> background
    added = sum(1 for p in pixels if near(p, (0xEE, 0xFB, 0xEA)))  # added paragraph background
    assert inserted > 200 and deleted > 200 and added > 5000
    # the two columns are laid side by side: text on both halves
    left = sum(1 for i, (r, g, b) in enumerate(pixels) if r + g + b < 200 and (i % 1300) < 640)
    right = sum(1 for i, (r, g, b) in enumerate(pixels) if r + g + b < 200 and (i % 1300) > 660)
    assert left > 2000 and right > 2000


@pytest.mark.parametrize("old, new, written", [
    ("offered 3.5 percent", "offered 3.75 percent", "3.5→3.75"),  # normalised: 5→75
    ("around 40 million euros", "around 1,450 million euros", "40→1,450"),  # normalised: 40→1450
    ("offered 3.5 percent", "offered 3,75 percent", "3.5→3,75"),  # a German decimal comma
])
def test_numbers_differ_as_the_texts_write_them(old, new, written):
    import stories

    from dedup.report._shared import written_conflicts

    result = scan([stories.WIRE, stories.WIRE.replace(old, new)])
    (m,) = result.pairs
    docs = {p.doc_id: p for p in result.documents}
    assert len(m.conflicts) == 1 and m.conflicts[0] != written
    assert written_conflicts(m, docs) == (written,)


def _browser(tmp_path, url, *args, size="1300,1400"):
    """Run headless Chromium on a page (no network, a fresh profile); return what it printed."""
    return subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", f"--window-size={size}", *args, url],
        check=True, capture_output=True, text=True, timeout=120,
    ).stdout


def _shot(tmp_path, page: str, name: str, fragment: str = ""):
    """Screenshot a page at 1300 x 1400; return its pixels (rows of RGB) and keep the PNG
    in $DEDUP_SCREENSHOTS when set, for a person to look at."""
    import numpy as np
    from PIL import Image

    path = tmp_path / f"{name}.html"
    path.write_text(page, encoding="utf-8")
    shot = tmp_path / f"{name}.png"
    _browser(tmp_path, path.as_uri() + fragment, f"--screenshot={shot}")
    if os.environ.get("DEDUP_SCREENSHOTS"):
        shutil.copy(shot, Path(os.environ["DEDUP_SCREENSHOTS"]) / shot.name)
    image = Image.open(shot).convert("RGB")
    assert image.size == (1300, 1400)
    return np.asarray(image).astype(int)


def _near(pixels, rgb, tol=12) -> int:
    import numpy as np

    return int((np.abs(pixels - np.array(rgb)).max(axis=2) <= tol).sum())


@pytest.mark.skipif(not _chromium() and not os.environ.get("CI"), reason="chromium not installed (make test installs it)")
def test_corpus_page_shows_its_overview_plots_and_diffs_in_a_real_browser(tmp_path):
    """The scan page of a syndicated corpus, screenshot: the overview with its table and plots on
    top; a link to a cluster (#c1) opens its section, whose diffs show their colours."""
    from syndication import syndicated

    assert _chromium(), "CI must have chromium: make install-test installs Debian's package"
    page = report.scan_html(scan(syndicated()))
    top = _shot(tmp_path, page, "corpus-overview")
    assert (top.sum(axis=2) < 200).sum() > 5000, "no text drawn"
    assert _near(top, (0x1A, 0x73, 0xA8), 6) > 5000, "no plot drawn (the bars' colour)"
    assert _near(top, (0x08, 0x30, 0x6B), 20) > 500, "no heatmap drawn (its darkest cell)"
    assert _near(top, (0xEE, 0xEE, 0xEE), 2) > 10000, "no table header"
    assert _near(top, (0xC4, 0xEC, 0xC0), 3) == 0, "a section is open: they are collapsed until opened"
    # the same page at #c1: the script opens that section (the overview hidden so the browser needs not scroll)
    hidden = page.replace("</style>", "header,#plots,#clusters,section:not(.cluster){display:none}</style>", 1)
    diff = _shot(tmp_path, hidden, "corpus-c1", "#c1")
    assert _near(diff, (0xC4, 0xEC, 0xC0), 3) > 500 and _near(diff, (0xF8, 0xC6, 0xC2), 3) > 500  # <ins>, <del>
    assert _near(diff, (0xE0, 0xA1, 0x00), 3) > 500  # the edited paragraphs' border
    left = (diff[:, :640].sum(axis=2) < 200).sum()
    right = (diff[:, 660:].sum(axis=2) < 200).sum()
    assert left > 2000 and right > 2000  # the two columns side by side


@pytest.mark.skipif(not _chromium() and not os.environ.get("CI"), reason="chromium not installed (make test installs it)")
def test_corpus_page_table_sorts_and_filters_in_a_real_browser(tmp_path):
    """Click headings, type in the filter, pick a verdict, follow a link: the DOM after the script."""
    import re

    from syndication import syndicated

    assert _chromium(), "CI must have chromium: make install-test installs Debian's package"
    page = report.scan_html(scan(syndicated()), plots=False)

    def after(actions: str, fragment: str = "") -> str:
        path = tmp_path / "actions.html"
        path.write_text(page.replace("</body>", f"<script>{actions}</script></body>"), encoding="utf-8")
        return _browser(tmp_path, path.as_uri() + fragment, "--dump-dom")

    def rows(dom: str) -> list[tuple[str, bool]]:
        return [(cid, "hidden" in attrs) for attrs, cid in re.findall(r'<tr data-verdicts="[^"]*"([^>]*)>.*?href="#(c\d+)"', dom)]

    heads = 'var th=document.querySelectorAll("#cluster-table th");'
    dom = after(heads + 'th[1].click();var q=document.getElementById("q");q.value="TIMES.example";'
                'q.dispatchEvent(new Event("input"));')
    assert rows(dom) == [("c3", True), ("c2", False), ("c1", False)]  # by size, ascending; Novaya's has no times.example
    assert '<span id="shown">2</span>' in dom and 'id="controls" hidden' not in dom
    dom = after(heads + 'th[9].click();th[9].click();var v=document.getElementById("verdict");v.value="reprint";'
                'v.dispatchEvent(new Event("change"));', "#c2")
    kept = [r.kept for r in report.scan_overview(scan(syndicated())).rows]
    by_kept = [f"c{i + 1}" for i in sorted(range(3), key=lambda i: -kept[i])]
    assert [cid for cid, _ in rows(dom)] == by_kept and 'aria-sort="descending"' in dom
    assert all(not hidden for _, hidden in rows(dom))  # every cluster holds a reprint
    assert re.search(r'<section class="cluster" id="c2"><details open=""', dom)  # the link's section opened
    assert re.search(r'<section class="cluster" id="c1"><details>', dom)
