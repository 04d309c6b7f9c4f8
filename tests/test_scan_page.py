"""The scan page's overview (totals, the cluster table, the plots' data), its plots and the
``--plots`` files, on the small syndicated corpus of tests/syndication.py."""

import dataclasses
import json
import os
import re
import statistics
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import stories
from syndication import syndicated

from dedup import Document, report, scan
from dedup.errors import ConfigError, InputError, MissingDependencyError
from dedup.ingest import Skipped
from dedup.report.overview import outlet, scan_overview, when
from dedup.report.plots import PLOTS, plot_svgs

PLOT_NAMES = [name for name, _, _ in PLOTS]


@pytest.fixture(scope="module")
def result():
    return scan(syndicated())


def test_totals(result):
    o = scan_overview(result)
    assert (o.documents, o.clusters, o.in_clusters, o.skipped) == (13, 3, 11, 0)
    assert o.duplicates + o.reprints + o.linked == o.in_clusters - o.clusters  # every member but the origins
    assert o.linked == 0 and o.duplicates >= 2 and o.reprints >= 3
    assert o.partial == sum(1 for m in result.pairs if m.verdict == "partial")


def test_cluster_rows(result):
    c1, c2, c3 = scan_overview(result).rows
    assert (c1.cluster_id, c1.size, c1.origin, c1.origin_title, c1.origin_outlet) == ("c1", 6, "rotterdam-wire", "Rotterdam dock strike", "Reuters")
    # outlets by members (Daily Mail twice), then by name; a URL's host stands for a missing source
    assert c1.sources == ("Daily Mail", "Felixstowe Post", "Reuters", "news.example.org", "times.example")
    assert (c1.first, c1.last) == ("2023-03-14T06:00:00Z", "2023-03-15T07:00:00Z")
    assert (c2.origin, c2.size, c2.sources) == ("antwerp-wire", 3, ("AP", "Daily Mail", "times.example"))
    assert (c2.first, c2.last) == ("2023-03-15T08:00:00Z", "2023-03-15T12:00:00Z")  # the undated member left out
    assert (c2.duplicates, c2.reprints, c2.linked) == (0, 2, 0)
    assert (c3.origin, c3.size, c3.sources) == ("moscow-wire", 2, ("Novaya", "Reuters"))


def test_kept_shares_are_the_origin_side_copy_share(result):
    o = scan_overview(result)
    pairs = {(m.a, m.b): m for m in result.pairs}

    def share(origin, member):
        m = pairs.get((origin, member))
        return m.copy_share_a if m is not None else pairs[(member, origin)].copy_share_b

    for row, c in zip(o.rows, result.clusters, strict=True):
        shares = [share(c.origin, m) for m in c.members if m != c.origin]
        assert row.kept == round(statistics.median(shares), 4)
    kept = dict(o.kept)
    assert [name for name, _ in o.kept][:2] == ["Daily Mail", "times.example"]  # most reprints first
    assert kept["Daily Mail"] == tuple(sorted(round(share(c, m), 4) for c, m in
                                              [("rotterdam-wire", "rotterdam-mail"), ("rotterdam-wire", "rotterdam-moved"),
                                               ("antwerp-wire", "antwerp-mail")]))
    assert kept["Felixstowe Post"][0] < 0.5 < kept["news.example.org"][0]  # three of eight paragraphs padded; a whole copy
    assert all(0 <= v <= 1 for _, values in o.kept for v in values)


def test_sizes_delays_and_matrix(result):
    o = scan_overview(result)
    assert o.sizes == ((2, 1), (3, 1), (6, 1))
    # hours after the origin, for members dated as their origin is: antwerp-mail has no date
    assert sorted(o.delays) == [0.3333, 3.5, 4.0, 5.0, 8.0, 14.0, 25.0]
    assert o.matrix[0] == ("Reuters", "Daily Mail", 2)
    assert sum(n for _, _, n in o.matrix) == o.in_clusters - o.clusters
    assert ("AP", "times.example", 1) in o.matrix and ("Reuters", "Novaya", 1) in o.matrix


def test_a_member_linked_through_another_has_no_verdict_and_no_share(result):
    cut = [m for m in result.pairs if {m.a, m.b} == {"rotterdam-wire", "rotterdam-post"}]
    assert cut
    o = scan_overview(dataclasses.replace(result, pairs=tuple(m for m in result.pairs if m not in cut)))
    assert o.linked == 1 and o.rows[0].linked == 1
    assert "Felixstowe Post" not in dict(o.kept)
    assert ("Reuters", "Felixstowe Post", 1) in o.matrix  # still a member reprinting the wire


def test_a_scan_without_clusters_or_dates():
    o = scan_overview(scan([Document("a", "One short article about the harbour and its cranes, told at length."),
                            Document("b", "Another, about the football season that begins on Saturday afternoon.")]))
    assert (o.clusters, o.rows, o.sizes, o.delays, o.matrix, o.kept) == (0, (), (), (), (), ())


@pytest.mark.parametrize(("document", "expected"), [
    (Document("x", "t", source=" Reuters ", url="https://www.a.example/1"), "Reuters"),
    (Document("x", "t", source="  ", url="https://www.a.example/1"), "a.example"),
    (Document("x", "t", url="HTTPS://WWW.A.EXAMPLE:8080/1"), "a.example"),
    (Document("x", "t", url="http://[::1"), "unknown"),
    (Document("x", "t", url="not a url"), "unknown"),
    (Document("x", "t"), "unknown"),
])
def test_outlet(document, expected):
    class P:  # outlet reads the document only
        pass

    p = P()
    p.document = document
    assert outlet(p) == expected


def test_when_reads_iso_dates_as_utc():
    assert when("2023-03-14T10:00:00+02:00") == when("2023-03-14T08:00:00Z") == when("2023-03-14T08:00:00")
    assert when(None) is None and when("") is None and when("yesterday") is None


# --- the page -------------------------------------------------------------------------------

def _no_matplotlib(monkeypatch):
    for name in ("matplotlib", "matplotlib.figure"):
        monkeypatch.setitem(sys.modules, name, None)  # import matplotlib raises ImportError


def test_the_page_opens_with_the_overview_then_collapsed_sections(result):
    page = report.scan_html(result)
    order = [page.index(mark) for mark in ('class="totals"', '<section id="plots">', '<section id="clusters">',
                                           '<section class="cluster" id="c1">', '<section id="partial">', '<section id="skipped">')]
    assert order == sorted(order)
    assert re.search(r'<nav><a href="#plots">Plots</a><a href="#clusters">Clusters</a>', page)
    assert "<b>13</b>documents" in page and "<b>3</b>clusters" in page and "<b>11</b>articles in clusters" in page
    table = page[page.index('<table class="clusters"'):page.index("</table>", page.index('<table class="clusters"'))]
    assert table.count("<tr data-verdicts=") == 3
    for cid in ("c1", "c2", "c3"):
        assert f'<a href="#{cid}">{cid}</a>' in table  # the table links to the section
        assert f'<section class="cluster" id="{cid}"><details><summary>' in page  # collapsed until opened
    assert page.count('<a class="back" href="#clusters">') == 3
    assert "5: Daily Mail, Felixstowe Post, Reuters, news.example.org, times.example" in table
    assert "2023-03-14 06:00 → 2023-03-15 07:00" in table and 'data-v="2023-03-14T06:00:00Z"' in table
    row = re.search(r'<tr data-verdicts="([^"]*)">.*?antwerp-wire.*?</tr>', table).group(0)
    assert 'data-verdicts="reprint"' in row and "<td>AP</td>" in row
    # each member's diff, in the grid, inside its cluster's section
    section = page[page.index('id="c2"'):page.index('id="c3"')]
    assert section.count('<div class="diff">') == 2 and 'class="cell cut"' in section


def test_the_table_sorts_and_filters_by_an_inline_script_and_reads_without_it(result):
    page = report.scan_html(result)
    assert page.count("<script>") == 1 and "<script " not in page
    script = page[page.index("<script>"):page.index("</script>")]
    assert 'addEventListener("click"' in script and 'addEventListener("hashchange"' in script
    # without the script: the controls stay hidden, the rows in the scan's order, every section there
    assert '<div class="controls" id="controls" hidden>' in page
    assert [m for m in re.findall(r'<a href="#(c\d+)">', page)] == ["c1", "c2", "c3"]
    # numeric columns carry their sort keys
    assert re.findall(r'<th data-num>([^<]+)</th>', page) == ["Cluster", "Size", "Sources", "Duplicates", "Reprints", "Linked",
                                                            "Kept (median)"]


def test_the_page_is_self_contained_and_its_ids_unique(result):
    page = report.scan_html(result)
    for forbidden in ("http://", "https://", "<link", "@import", "src=", "<iframe", "<img"):
        assert forbidden not in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1][:5]
    assert page.count("<svg") == 4


def test_the_page_is_deterministic(result):
    assert report.scan_html(result) == report.scan_html(scan(syndicated()))


def test_partial_links_point_to_their_clusters_and_skipped_inputs_are_listed(result):
    borrowed = scan([*syndicated(), Document("antwerp-borrowed", stories.borrowed(), source="Le Soir")])
    page = report.scan_html(dataclasses.replace(borrowed, skipped=(Skipped("feed.jsonl:7", "empty <text>"),)), plots=False)
    partial = page[page.index('<section id="partial">'):page.index('<section id="skipped">')]
    assert partial.count("<tr><td>") == sum(1 for m in borrowed.pairs if m.verdict == "partial") > 0
    assert '<a href="#c1">rotterdam-wire</a> (c1)' in partial
    assert "<li><b>feed.jsonl:7</b>: empty &lt;text&gt;</li>" in page
    assert '<section id="plots">' not in page and 'href="#plots"' not in page  # plots=False leaves them out


def test_article_text_is_escaped_everywhere():
    wire = stories.WIRE
    result = scan([Document("<b>wire</b>", wire, title="<script>alert(1)</script>", source="<i>Agency</i>"),
                   Document("copy", stories.cut_tail(5), url="https://www.x.example/<y>")])
    page = report.scan_html(result, plots=False)
    assert "<script>alert" not in page and "<b>wire</b>" not in page and "<i>Agency</i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;i&gt;Agency&lt;/i&gt;" in page


def test_without_matplotlib_the_page_says_how_to_get_the_plots(result, monkeypatch):
    _no_matplotlib(monkeypatch)
    page = report.scan_html(result)
    assert "<svg" not in page and "pip install 'dedup-news[plot]'</code> draws them" in page
    assert '<section id="clusters">' in page and page.count('<section class="cluster"') == 3
    with pytest.raises(MissingDependencyError, match=r"pip install 'dedup-news\[plot\]'"):
        report.scan_plots(result, "unused")


# --- the plots ------------------------------------------------------------------------------

def test_each_plot_is_inline_svg_with_its_titles_and_numbers(result):
    svgs = plot_svgs(scan_overview(result))
    assert list(svgs) == PLOT_NAMES
    for name, svg in svgs.items():
        assert svg.startswith("<svg ") and svg.endswith("</svg>")
        assert "http" not in svg and "<?xml" not in svg and "<metadata" not in svg
        assert all(i.startswith(f"{name}-") for i in re.findall(r'\sid="([^"]+)"', svg))
        assert all(r.startswith(f"{name}-") for r in re.findall(r'(?:url\(#|href="#)([^")]+)', svg))
    text = {name: " ".join(re.findall(r">([^<>]+)</text>", svg)) for name, svg in svgs.items()}
    assert "Cluster sizes" in text["cluster-sizes"] and "3 clusters holding 11 of 13 articles" in text["cluster-sizes"]
    assert "Reprints over time" in text["reprints-over-time"] and "hours after the origin" in text["reprints-over-time"]
    assert "7 reprints" in text["reprints-over-time"]
    assert "Who reprints whom" in text["source-matrix"] and "Daily Mail" in text["source-matrix"]
    assert re.search(r">2</text>", svgs["source-matrix"])  # Reuters → Daily Mail, annotated
    assert "Daily Mail (3)" in text["wire-kept"] and "times.example (2)" in text["wire-kept"]


def test_days_replace_hours_past_three_days():
    docs = [Document("w", stories.WIRE, source="Reuters", published="2023-03-01"),
            Document("r", stories.cut_tail(6), source="Mail", published="2023-03-11")]
    svg = plot_svgs(scan_overview(scan(docs)))["reprints-over-time"]
    assert "days after the origin" in svg


def test_reprints_over_time_turn_to_a_log_scale_when_one_bar_dwarfs_the_rest(result):
    skewed = dataclasses.replace(scan_overview(result), delays=(0.5,) * 60 + (3.0, 10.0, 30.0, 60.0))
    assert "reprints (log scale)" in plot_svgs(skewed)["reprints-over-time"]
    assert "log scale" not in plot_svgs(scan_overview(result))["reprints-over-time"]


def test_the_filter_finds_outlets_past_the_six_shown():
    docs = [Document("wire", stories.WIRE, source="Reuters")]
    docs += [Document(f"r{i}", stories.cut_tail(6), source=f"Outlet {i}") for i in range(8)]
    page = report.scan_html(scan(docs), plots=False)
    assert "9: Outlet 0, Outlet 1, Outlet 2, Outlet 3, Outlet 4, Outlet 5 +3 more" in page
    assert 'title="Outlet 0, Outlet 1, Outlet 2, Outlet 3, Outlet 4, Outlet 5, Outlet 6, Outlet 7, Reuters"' in page
    assert "r.cells[4].title" in page  # the script's filter reads it (column 4: the sources)


def test_a_plot_without_data_says_so_in_the_page():
    result = scan([Document("a", stories.WIRE), Document("b", stories.cut_tail(6))])  # a cluster, no dates
    page = report.scan_html(result)
    assert page.count("<svg") == 3
    assert "No data: no cluster member and its origin both have a readable publication date." in page


def test_scan_plots_writes_svg_and_png_the_same_bytes_every_time(result, tmp_path):
    written = report.scan_plots(result, tmp_path / "a" / "plots")
    assert [p.name for p in written] == [f"{n}.{ext}" for n in PLOT_NAMES for ext in ("svg", "png")]
    again = report.scan_plots(scan(syndicated()), tmp_path / "b")
    for p, q in zip(written, again, strict=True):
        assert p.read_bytes() == q.read_bytes(), p.name
    for p in written:
        if p.suffix == ".svg":
            root = ET.fromstring(p.read_bytes())
            assert root.tag == "{http://www.w3.org/2000/svg}svg"
        else:
            assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            from PIL import Image

            assert Image.open(p).size[0] == 960  # 6.4 inches at 150 dpi


def test_scan_plots_of_an_empty_scan_draws_figures_that_say_so(tmp_path):
    result = scan([Document("a", "One short article about the harbour and its cranes, told at length.")])
    written = report.scan_plots(result, tmp_path, formats=("svg",))
    assert len(written) == 4 and all("No data: " in p.read_text(encoding="utf-8") for p in written)


def test_scan_plots_leaves_pyplot_alone(result, tmp_path):
    import matplotlib

    backend = matplotlib.get_backend()
    report.scan_plots(result, tmp_path, formats=("svg",))
    assert matplotlib.get_backend() == backend
    if "matplotlib.pyplot" in sys.modules:
        assert sys.modules["matplotlib.pyplot"].get_fignums() == []


def test_scan_plots_takes_svg_and_png_only(result, tmp_path):
    with pytest.raises(ConfigError, match="svg or png, not 'pdf'"):
        report.scan_plots(result, tmp_path, formats=("svg", "pdf"))
    assert list(tmp_path.iterdir()) == []


def test_scan_plots_says_when_it_cannot_write(result, tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="cannot write the plots"):
        report.scan_plots(result, tmp_path / "file" / "plots")


# --- dedup scan --plots DIR, through the installed entry point --------------------------------

def _dedup(*args, env=None):
    exe = Path(sys.executable).with_name("dedup")
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=120)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for d in syndicated():
            f.write(json.dumps({"id": d.doc_id, "text": d.text, "title": d.title, "url": d.url, "source": d.source,
                                "published": d.published}) + "\n")
    return path


def test_cli_plots_writes_the_four_plots_with_any_format(corpus, tmp_path):
    out = _dedup("scan", corpus, "-q", "--plots", tmp_path / "plots", "-f", "json", "-o", tmp_path / "scan.json")
    assert out.returncode == 0, out.stderr
    files = sorted(p.name for p in (tmp_path / "plots").iterdir())
    assert files == sorted(f"{n}.{ext}" for n in PLOT_NAMES for ext in ("svg", "png"))
    assert json.loads((tmp_path / "scan.json").read_text())["clusters"][0]["id"] == "c1"
    again = _dedup("scan", corpus, "-q", "--plots", tmp_path / "again")
    assert again.returncode == 0, again.stderr
    assert "c1" in again.stdout  # the text report still on stdout
    for name in files:
        assert (tmp_path / "plots" / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name


def test_cli_html_page_holds_the_plots(corpus, tmp_path):
    out = _dedup("scan", corpus, "-q", "-f", "html", "-o", tmp_path / "page.html")
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "page.html").read_text(encoding="utf-8").count("<svg") == 4


def _hidden_matplotlib(tmp_path):
    fake = tmp_path / "fake" / "matplotlib"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('matplotlib hidden by the test')\n")
    return {"PYTHONPATH": str(fake.parent)}


def test_cli_plots_without_matplotlib_is_a_one_line_error_before_the_scan(corpus, tmp_path):
    out = _dedup("scan", corpus, "-q", "--plots", tmp_path / "plots", env=_hidden_matplotlib(tmp_path))
    assert out.returncode == 2
    assert out.stderr == "error: matplotlib is not installed; install it with: pip install 'dedup-news[plot]'\n"
    assert out.stdout == "" and not (tmp_path / "plots").exists()


def test_cli_html_without_matplotlib_still_renders(corpus, tmp_path):
    out = _dedup("scan", corpus, "-q", "-f", "html", env=_hidden_matplotlib(tmp_path))
    assert out.returncode == 0, out.stderr
    assert "<svg" not in out.stdout and "pip install 'dedup-news[plot]'</code> draws them" in out.stdout
