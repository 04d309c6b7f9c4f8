"""Every bad input has a defined outcome: a warning naming file and line, that document skipped."""

import json

import pytest

from dedup import InputError, ingest, iter_documents

GOOD = "The harbour authority said on Monday that the new quay would open in the spring of next year."


def _load(*paths):
    skipped = []
    docs = list(iter_documents(paths, on_skip=skipped.append))
    return docs, skipped


def test_folder_ids_are_relative_paths(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "sub" / "b.md").write_text(GOOD)
    (tmp_path / "ignored.pdf").write_text("x,y")
    (tmp_path / "README.txt").write_text(GOOD)  # about the folder, not an article
    (tmp_path / ".hidden.txt").write_text(GOOD)
    docs, skipped = _load(tmp_path)
    assert [d.doc_id for d in docs] == ["a.txt", "sub/b.md"]
    assert skipped == []


def test_hidden_folders_are_skipped_with_all_they_hold(tmp_path):
    (tmp_path / ".git" / "sub").mkdir(parents=True)
    (tmp_path / ".git" / "sub" / "notes.txt").write_text(GOOD)
    (tmp_path / "a.txt").write_text(GOOD)
    docs, skipped = _load(tmp_path)
    assert [d.doc_id for d in docs] == ["a.txt"] and skipped == []


def test_a_file_given_explicitly_is_read_whatever_its_name(tmp_path):
    # hidden, and of no known kind: left out of a folder, read as text when named
    (tmp_path / ".story.dat").write_text(GOOD)
    docs, skipped = _load(tmp_path / ".story.dat", tmp_path)
    assert [(d.doc_id, d.text) for d in docs] == [(".story.dat", GOOD)] and skipped == []


def test_only_an_article_file_has_a_size_limit(tmp_path):
    size = ingest.MAX_ARTICLE_BYTES + 1
    with open(tmp_path / "long.txt", "wb") as f:
        f.truncate(size)  # sparse: skipped by its size, never read
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": "j", "text": GOOD}) + "\n")
    docs, skipped = _load(tmp_path)
    assert [d.doc_id for d in docs] == ["j"]
    assert [(s.location, s.reason) for s in skipped] == [
        (str(tmp_path / "long.txt"), f"file is {size} bytes, over the {size - 1}-byte limit for one article")]


def test_file_argument_id_is_its_name(tmp_path):
    f = tmp_path / "story.txt"
    f.write_text(GOOD)
    docs, _ = _load(f)
    assert docs[0].doc_id == "story.txt" and docs[0].text == GOOD


def test_jsonl_records_and_metadata(tmp_path):
    f = tmp_path / "corpus.jsonl"
    rows = [
        {"id": "x1", "text": GOOD, "title": "Quay", "url": "https://example.com/q", "source": "Harbour Times", "published": "2024-03-01"},
        {"id": 7, "text": GOOD + " More."},
    ]
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    docs, skipped = _load(f)
    assert [d.doc_id for d in docs] == ["x1", "7"]
    assert docs[0].title == "Quay" and docs[0].source == "Harbour Times" and docs[0].published == "2024-03-01"
    assert skipped == []


@pytest.mark.parametrize(
    "line, reason",
    [
        ("{not json", "malformed JSON"),
        ('["a", "list"]', "expected a JSON object"),
        ('{"text": "no id here"}', "'id'"),
        ('{"id": "n1"}', "'text'"),
        ('{"id": "n2", "text": 5}', "'text'"),
        ('{"id": "n3", "text": "   "}', "empty document"),
        ('{"id": "n4", "text": "ok text", "title": {"a": 1}}', "'title'"),
        ('{"id": true, "text": "ok text"}', "'id'"),
    ],
)
def test_bad_jsonl_line_is_skipped_with_file_and_line(tmp_path, line, reason):
    f = tmp_path / "c.jsonl"
    f.write_text(json.dumps({"id": "good1", "text": GOOD}) + "\n" + line + "\n" + json.dumps({"id": "good2", "text": GOOD}) + "\n")
    docs, skipped = _load(f)
    assert [d.doc_id for d in docs] == ["good1", "good2"]  # no other document lost
    assert len(skipped) == 1
    assert skipped[0].location == f"{f}:2"
    assert reason in skipped[0].reason


def test_invalid_utf8_costs_one_jsonl_line_not_the_file(tmp_path):
    f = tmp_path / "c.jsonl"
    good = [json.dumps({"id": f"good{i}", "text": GOOD}).encode() for i in (1, 2)]
    f.write_bytes(good[0] + b"\n" + b'{"id": "latin", "text": "caf\xe9"}' + b"\n" + good[1] + b"\n")
    docs, skipped = _load(f)
    assert [d.doc_id for d in docs] == ["good1", "good2"]
    assert [(s.location, "not valid UTF-8" in s.reason) for s in skipped] == [(f"{f}:2", True)]


def test_jsonl_lines_end_as_spark_ends_them(tmp_path):
    # JSON may hold a raw U+2028 (a line separator to str.splitlines) inside a string: one
    # record; a bare carriage return ends a line, as it does for Hadoop's line reader.
    f = tmp_path / "c.jsonl"
    a = json.dumps({"id": "a", "text": GOOD + "\u2028" + GOOD}, ensure_ascii=False)
    b = json.dumps({"id": "b", "text": GOOD})
    c = json.dumps({"id": "c", "text": GOOD})
    f.write_bytes("\ufeff".encode() + a.encode() + b"\r" + b.encode() + b"\r\n\n" + c.encode())
    docs, skipped = _load(f)
    assert [(d.doc_id, d.text.count("\u2028")) for d in docs] == [("a", 1), ("b", 0), ("c", 0)] and not skipped


def test_duplicate_id_keeps_the_first(tmp_path):
    f = tmp_path / "c.jsonl"
    f.write_text(json.dumps({"id": "d", "text": GOOD}) + "\n" + json.dumps({"id": "d", "text": "other"}) + "\n")
    docs, skipped = _load(f)
    assert [d.text for d in docs] == [GOOD]
    assert "duplicate id 'd'" in skipped[0].reason and skipped[0].location.endswith(":2")


def test_duplicate_id_across_arguments(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    (tmp_path / "x" / "s.txt").write_text(GOOD)
    (tmp_path / "y" / "s.txt").write_text(GOOD + " Second.")
    docs, skipped = _load(tmp_path / "x", tmp_path / "y")
    assert len(docs) == 1 and "duplicate id" in skipped[0].reason


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"\x00\x01\x02binary\x00", "binary"),
        (b"caf\xe9 latin-1 text", "not valid UTF-8"),
        (b"   \n\n  \t", "empty document"),
    ],
)
def test_bad_files_are_skipped(tmp_path, content, reason):
    (tmp_path / "bad.txt").write_bytes(content)
    (tmp_path / "good.txt").write_text(GOOD)
    docs, skipped = _load(tmp_path)
    assert [d.doc_id for d in docs] == ["good.txt"]
    assert len(skipped) == 1 and reason in skipped[0].reason and skipped[0].location.endswith("bad.txt")


def test_unreadable_file_is_skipped(tmp_path):
    # a dangling link cannot be read whoever runs the test (root reads mode-000 files)
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "good.txt").write_text(GOOD)
    docs, skipped = _load(tmp_path)
    assert [d.doc_id for d in docs] == ["good.txt"]
    assert len(skipped) == 1 and "cannot read" in skipped[0].reason and "dangling.txt" in skipped[0].location


def test_utf8_bom_is_accepted(tmp_path):
    (tmp_path / "bom.txt").write_bytes("\ufeff".encode() + GOOD.encode())
    docs, _ = _load(tmp_path)
    assert docs[0].text == GOOD


def test_missing_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        _load(tmp_path / "missing")


# --- web pages --------------------------------------------------------------------------------


def _page(title: str, paragraphs: list[str], *, date: str = "2023-03-14") -> str:
    """A news page as scraped: menus, a cookie banner, the article, related links and a footer."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<html><head><title>{title} | Harbour News</title><meta property="og:title" content="{title}">'
        f'<meta property="article:published_time" content="{date}T09:00:00Z">'
        '<meta property="og:site_name" content="Harbour News"></head><body>'
        '<nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/sport">Sport</a></nav>'
        '<div class="cookie">We use cookies. Accept all to continue.</div>'
        f"<article><h1>{title}</h1>{body}</article>"
        '<aside><h3>Related</h3><ul><li><a href="/a">Markets rally</a></li><li><a href="/b">Storm hits coast</a></li></ul></aside>'
        "<footer>Copyright 2023 Harbour News. All rights reserved.</footer></body></html>"
    )


def test_web_pages_are_read_as_their_article_with_its_metadata(tmp_path):
    import gzip

    import stories

    (tmp_path / "strike.html").write_text(_page("Dock workers strike at Rotterdam", stories.WIRE_PARAGRAPHS[4:]))
    (tmp_path / "packed.html.gz").write_bytes(gzip.compress(_page("Strike again", stories.LOCAL_PARAGRAPHS).encode()))
    (tmp_path / "home.htm").write_text('<html><body><nav><a href="/">Home</a> <a href="/n">News</a></nav></body></html>')
    skipped = []
    docs = {d.doc_id: d for d in iter_documents([tmp_path], on_skip=skipped.append)}
    assert sorted(docs) == ["home.htm", "packed.html.gz", "strike.html"] and skipped == []
    strike = docs["strike.html"]
    assert strike.title == "Dock workers strike at Rotterdam" and strike.published == "2023-03-14"
    assert strike.source == "Harbour News"
    for paragraph in stories.WIRE_PARAGRAPHS[4:]:
        assert paragraph in strike.text
    assert "cookies" not in strike.text and "Markets rally" not in strike.text and "Sport" not in strike.text
    assert stories.LOCAL_PARAGRAPHS[0] in docs["packed.html.gz"].text
    # a page of links only: what the extractor finds there is a menu, which the scan leaves out
    from dedup import scan
    from dedup.clean import NO_ARTICLE_TEXT

    assert [(s.location, s.reason) for s in scan(list(docs.values())).skipped] == [("home.htm", NO_ARTICLE_TEXT)]


def test_a_page_with_no_text_at_all_is_skipped_by_the_reader():
    doc, reason = ingest.html_document(b"<html><head><title>x</title></head><body><img src='a.png'></body></html>", "x.html")
    assert doc is None and reason.startswith("no article text found in the page")


def test_a_broken_gzip_page_is_skipped_with_the_reason(tmp_path):
    (tmp_path / "broken.html.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    skipped = []
    assert list(iter_documents([tmp_path], on_skip=skipped.append)) == []
    assert "damaged gzip data" in skipped[0].reason


def test_publication_dates_in_any_common_form_are_normalised(tmp_path):
    rows = [{"id": "rfc", "text": "Body one.", "published": "Tue, 03 Mar 1987 10:42:00 GMT"},
            {"id": "reuters", "text": "Body two.", "published": "26-FEB-1987 15:01:01.79"},
            {"id": "day", "text": "Body three.", "published": "March 14, 2023"},
            {"id": "vague", "text": "Body four.", "published": "last Tuesday"}]
    (tmp_path / "c.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    got = {d.doc_id: d.published for d in iter_documents([tmp_path / "c.jsonl"])}
    assert got == {"rfc": "1987-03-03T10:42:00Z", "reuters": "1987-02-26T15:01:01", "day": "2023-03-14",
                   "vague": "last Tuesday"}  # one that cannot be read is kept as given (the CLI warns)


def test_the_cli_warns_about_a_date_it_cannot_read(tmp_path):
    import subprocess
    import sys

    rows = [{"id": "a", "text": "The port reopened on Tuesday after a week of strikes, officials said.", "published": "soon"}]
    (tmp_path / "c.jsonl").write_text(json.dumps(rows[0]) + "\n")
    done = subprocess.run([sys.executable, "-m", "dedup", "scan", str(tmp_path / "c.jsonl"), "-q", "-f", "json"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "warning: a: published date 'soon' cannot be read" in done.stderr
