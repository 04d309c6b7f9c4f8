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
    (tmp_path / "ignored.csv").write_text("x,y")
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
    (tmp_path / ".story.csv").write_text(GOOD)
    docs, skipped = _load(tmp_path / ".story.csv", tmp_path)
    assert [(d.doc_id, d.text) for d in docs] == [(".story.csv", GOOD)] and skipped == []


def test_only_an_article_file_has_a_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_ARTICLE_BYTES", 50)
    (tmp_path / "long.txt").write_text(GOOD)
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": "j", "text": GOOD}) + "\n")
    docs, skipped = _load(tmp_path)
    assert [d.doc_id for d in docs] == ["j"]
    assert [(s.location, s.reason) for s in skipped] == [
        (str(tmp_path / "long.txt"), f"file is {len(GOOD)} bytes, over the 50-byte limit for one article")]


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
