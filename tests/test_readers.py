"""Every reader, every compression, every encoding: news as it arrives, on files the tests make.

Each format is read into the same documents a JSONL file would give, bad records cost
themselves only, and the Spark engine reads the same folder into the same report.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import random
import lzma
import os
import subprocess
import sys

import pytest

import stories
from dedup import InputError, iter_documents, scan
from dedup.ingest import ReadOptions, iter_located

ROWS = [
    {"id": "wire", "text": stories.WIRE, "title": "Dock workers strike", "published": "Tue, 14 Mar 2023 09:00:00 GMT"},
    {"id": "local", "text": stories.padded(3), "title": "Strike, and Felixstowe", "published": "14-MAR-2023 11:30"},
    {"id": "other", "text": stories.QUOTE_STORY_B, "title": None, "published": None},
]


def _read(*paths, **options):
    skipped, notes = [], []
    docs = list(iter_documents(paths, on_skip=skipped.append, options=ReadOptions(**options), on_note=notes.append))
    return docs, [(s.location.rsplit("/", 1)[-1], s.reason) for s in skipped], notes


def _jsonl(rows=ROWS) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


def _csv(rows=ROWS, delimiter=",") -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["id", "title", "published", "text"], delimiter=delimiter)
    writer.writeheader()
    for r in rows:
        writer.writerow({k: r.get(k) or "" for k in ("id", "title", "published", "text")})
    return out.getvalue().encode()


_PACK = {"": lambda b: b, ".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress,
         ".zst": lambda b: __import__("zstandard").ZstdCompressor().compress(b)}


def _expected():
    return [(r["id"], r["text"]) for r in ROWS]


@pytest.mark.parametrize("packing", list(_PACK))
@pytest.mark.parametrize("name, make", [("c.jsonl", _jsonl), ("c.csv", _csv), ("c.json", lambda: json.dumps(ROWS).encode())])
def test_every_corpus_format_and_compression_gives_the_same_documents(tmp_path, name, make, packing):
    (tmp_path / (name + packing)).write_bytes(_PACK[packing](make()))
    docs, skipped, _ = _read(tmp_path)
    assert [(d.doc_id, d.text) for d in docs] == _expected() and skipped == []
    assert [d.published for d in docs] == ["2023-03-14T09:00:00Z", "2023-03-14T11:30:00", None]
    assert [d.title for d in docs] == ["Dock workers strike", "Strike, and Felixstowe", None]


@pytest.mark.parametrize("packing", [p for p in _PACK if p])
def test_an_article_file_is_unpacked_too(tmp_path, packing):
    (tmp_path / ("story.txt" + packing)).write_bytes(_PACK[packing](stories.WIRE.encode()))
    docs, skipped, _ = _read(tmp_path)
    assert [(d.doc_id, d.text) for d in docs] == [("story.txt" + packing, stories.WIRE)] and skipped == []


def test_compression_is_told_by_the_bytes_not_the_name(tmp_path):
    (tmp_path / "feed.jsonl").write_bytes(gzip.compress(_jsonl()))
    assert [(d.doc_id, d.text) for d in _read(tmp_path)[0]] == _expected()


def test_damaged_compressed_data_keeps_the_records_before_it(tmp_path):
    packed = gzip.compress(_jsonl() * 2000)
    (tmp_path / "feed.jsonl.gz").write_bytes(packed[: len(packed) // 2])
    docs, skipped, _ = _read(tmp_path)
    assert len(docs) == 3  # the rest are repeats of the first three: duplicate ids
    assert skipped[-1][1].startswith("damaged gzip data") and "rest of the file is not read" in skipped[-1][1]


@pytest.mark.parametrize("name", ["feed.jsonl.gz", "feed.json.gz", "feed.csv.gz"])
def test_a_small_damaged_file_keeps_the_records_before_the_damage(tmp_path, name):
    # damaged within the first bytes read to tell the encoding and format: those records count too
    rng = random.Random(3)
    texts = [stories.WIRE + " " + " ".join(f"{rng.random():.12f}" for _ in range(40)) for _ in range(40)]
    if name.startswith("feed.csv"):
        data = "id,text\n" + "".join(f'r{i},"{t}"\n' for i, t in enumerate(texts))
    else:
        data = "".join(json.dumps({"id": f"r{i}", "text": t}) + "\n" for i, t in enumerate(texts))
    packed = gzip.compress(data.encode())
    (tmp_path / name).write_bytes(packed[: len(packed) // 2])
    docs, skipped, _ = _read(tmp_path)
    assert 5 < len(docs) < 40 and [d.doc_id for d in docs] == [f"r{i}" for i in range(len(docs))]
    assert skipped[-1][1].startswith("damaged gzip data")


def test_csv_fields_may_hold_delimiters_quotes_and_newlines(tmp_path):
    rows = [{"id": "q", "text": 'He said: "Stop, now."\nThen, a second paragraph; with a semicolon.', "title": "a, b"},
            {"id": "r", "text": stories.WIRE, "title": None}]
    (tmp_path / "c.csv").write_bytes(_csv(rows))
    (tmp_path / "semi.csv").write_bytes(_csv([{"id": "s", "text": "One; two, three.", "title": "x"}], delimiter=";"))
    (tmp_path / "c.tsv").write_bytes(_csv([{"id": "t", "text": "Tab\tseparated text.", "title": "y"}], delimiter="\t"))
    docs, skipped, _ = _read(tmp_path)
    assert [(d.doc_id, d.text, d.title) for d in docs] == [
        ("q", rows[0]["text"], "a, b"), ("r", stories.WIRE, None), ("t", "Tab\tseparated text.", "y"),
        ("s", "One; two, three.", "x")]
    assert skipped == []


def test_bad_csv_rows_cost_themselves_and_a_file_without_the_columns_is_named(tmp_path):
    body = _csv().decode().splitlines(True)
    body.insert(1, "broken,row\n")
    (tmp_path / "c.csv").write_text("".join(body))
    (tmp_path / "other.csv").write_text("uid,body\n1,Some text.\n")
    docs, skipped, _ = _read(tmp_path)
    assert [d.doc_id for d in docs] == ["wire", "local", "other"]
    assert skipped[0] == ("c.csv:2", "row has 2 fields, the header 4")
    located = [f.location.rsplit("/", 1)[-1] for f in iter_located([tmp_path / "c.csv"])]
    assert located == ["c.csv:3", "c.csv:18", "c.csv:31"]  # the line each record starts on
    assert skipped[1][0] == "other.csv" and "no 'id' column (the header has uid, body)" in skipped[1][1]
    docs, skipped, _ = _read(tmp_path / "other.csv", id_field="uid", text_field="body")
    assert [(d.doc_id, d.text) for d in docs] == [("1", "Some text.")] and skipped == []


def test_json_files_arrays_lines_and_one_record(tmp_path):
    (tmp_path / "lines.json").write_bytes(_jsonl())
    (tmp_path / "one.json").write_text(json.dumps({"id": "solo", "text": stories.WIRE}, indent=2))
    array = json.dumps(ROWS[:2])[:-1] + ', {"id": "bad", "text": 5}, {broken}, {"id": "lost", "text": "x"}]'
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "array.json").write_text(array)
    docs, skipped, _ = _read(tmp_path)
    assert [d.doc_id for d in docs] == ["wire", "local", "other", "solo"]
    assert skipped[:2] == [("array.json:1", "duplicate id 'wire' (first seen at " + str(tmp_path / "lines.json") + ":1)"),
                           ("array.json:2", "duplicate id 'local' (first seen at " + str(tmp_path / "lines.json") + ":2)")]
    assert skipped[2] == ("array.json:3", "missing or invalid 'text' (a string)")
    assert skipped[3][0] == "array.json:4" and "the rest of the array is not read" in skipped[3][1]


def test_parquet_is_read_locally_with_dates_in_iso_form(tmp_path):
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"uid": ["a", "b", None], "body": [stories.WIRE, stories.padded(3), "Lost."],
                      "day": pa.array([dt.date(2023, 3, 14), None, None], pa.date32()),
                      "at": pa.array([None, dt.datetime(2023, 3, 14, 11, 30), None], pa.timestamp("us"))})
    pq.write_table(table, tmp_path / "c.parquet")
    docs, skipped, _ = _read(tmp_path, id_field="uid", text_field="body", date_field="day")
    assert [(d.doc_id, d.published) for d in docs] == [("a", "2023-03-14"), ("b", None)]
    assert skipped == [("c.parquet:3", "missing or invalid 'uid' (a non-empty string or integer)")]
    docs, _, _ = _read(tmp_path, id_field="uid", text_field="body", date_field="at")
    assert [d.published for d in docs] == [None, "2023-03-14T11:30:00"]
    with pytest.raises(InputError, match="Parquet input needs columns 'id' and 'text'"):
        _read(tmp_path)


def _warc(path, pages, *, packed=True):
    """Write a WARC as a crawler does: a request and a response per page, plus non-page records."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=packed)
        writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "tests"}))
        for uri, status, ctype, body in pages:
            request = StatusAndHeaders(f"GET {uri} HTTP/1.1", [("Host", "example.com")], is_http_request=True)
            writer.write_record(writer.create_warc_record(uri, "request", http_headers=request))
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), http_headers=headers,
                warc_headers_dict={"WARC-Date": "2023-03-15T08:00:00Z"}))


def _warc_pages():
    from test_ingest import _page

    return [
        ("https://example.com/wire", "200 OK", "text/html; charset=utf-8",
         _page("Dock workers strike at Rotterdam", stories.WIRE_PARAGRAPHS).encode()),
        ("https://example.com/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n\x00\x00"),
        ("https://example.com/moved", "301 Moved Permanently", "text/html", b"<html>moved</html>"),
        ("https://example.com/gallery", "200 OK", "text/html", b"<html><body><img src='a.png'></body></html>"),
        ("https://example.com/local", "200 OK", "text/html",
         _page("Strike at Rotterdam", stories.WIRE_PARAGRAPHS[:4], date="2023-03-16").replace(
             '<meta property="article:published_time" content="2023-03-16T09:00:00Z">', "").encode()),
    ]


@pytest.mark.parametrize("packed", [True, False])
def test_a_web_archive_gives_one_document_per_html_page(tmp_path, packed):
    name = "crawl.warc.gz" if packed else "crawl.warc"
    _warc(tmp_path / name, _warc_pages(), packed=packed)
    docs, skipped, _ = _read(tmp_path)
    assert [(d.doc_id, d.url, d.title) for d in docs] == [
        ("https://example.com/wire", "https://example.com/wire", "Dock workers strike at Rotterdam"),
        ("https://example.com/local", "https://example.com/local", "Strike at Rotterdam")]
    assert docs[0].published == "2023-03-14" and docs[1].published == "2023-03-15T08:00:00Z"  # the page's, else the record's
    assert stories.WIRE_PARAGRAPHS[0] in docs[0].text.split("\n")  # a paragraph a line
    assert [s[0] for s in skipped] == [f"{name}:9"] and "no article text" in skipped[0][1]


def test_a_file_that_is_not_a_web_archive_is_skipped(tmp_path):
    (tmp_path / "bad.warc").write_text("this is not WARC\n")
    docs, skipped, _ = _read(tmp_path)
    assert docs == [] and skipped[0][0] == "bad.warc" and "not a readable WARC file" in skipped[0][1]


# --- encodings ----------------------------------------------------------------------------------

FRENCH = ("Les dockers du port de Rotterdam ont cessé le travail mardi, à la suite de l'échec des négociations "
          "sur l'automatisation des terminaux et les salaires, a déclaré le syndicat FNV à la presse française.")
RUSSIAN = ("Докеры крупнейшего порта Европы во вторник прекратили работу, остановив контейнерные перевозки впервые "
           "за двадцать лет, после того как переговоры об автоматизации и зарплатах провалились в понедельник вечером.")


def test_text_not_in_utf8_is_skipped_unless_an_encoding_is_given_or_detected(tmp_path):
    (tmp_path / "fr.txt").write_bytes(FRENCH.encode("latin-1"))
    (tmp_path / "ru.txt").write_bytes(RUSSIAN.encode("cp1251"))
    docs, skipped, notes = _read(tmp_path)
    assert docs == [] and [s[0] for s in skipped] == ["fr.txt", "ru.txt"]
    assert all("not valid UTF-8" in s[1] and "--encoding" in s[1] for s in skipped)
    docs, skipped, notes = _read(tmp_path, encoding="auto")
    assert [d.text for d in docs] == [FRENCH, RUSSIAN] and skipped == []
    assert len(notes) == 2 and "read as cp1251 (detected" in notes[1] and notes[0].startswith(str(tmp_path / "fr.txt"))
    docs, _, notes = _read(tmp_path / "ru.txt", encoding="cp1251")
    assert [d.text for d in docs] == [RUSSIAN] and notes == []


def test_a_corpus_in_another_encoding_and_utf16_with_a_bom(tmp_path):
    rows = [{"id": "ru", "text": RUSSIAN}, {"id": "fr", "text": FRENCH}]
    (tmp_path / "c.jsonl").write_bytes("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("cp1251", "replace"))
    (tmp_path / "c.csv").write_bytes(("id,text\n" + "\n".join(f'{r["id"]}2,"{r["text"]}"' for r in rows)).encode("cp1251", "replace"))
    (tmp_path / "bom.txt").write_bytes(RUSSIAN.encode("utf-16"))
    docs, skipped, _ = _read(tmp_path, encoding="cp1251")
    assert [d.doc_id for d in docs] == ["bom.txt", "ru2", "fr2", "ru", "fr"] and skipped == []
    assert docs[0].text == docs[1].text == RUSSIAN
    docs, skipped, _ = _read(tmp_path)  # UTF-8: each Cyrillic record skipped on its own; the BOM is obeyed
    assert [d.doc_id for d in docs] == ["bom.txt", "fr2", "fr"]  # French lost its accents to cp1251: ASCII
    assert [s[0] for s in skipped] == ["c.csv:2", "c.jsonl:1"]


# --- records, fields, folders, stdin ---------------------------------------------------------------


def test_field_names_are_mapped_and_a_missing_one_is_named_with_the_flag(tmp_path):
    (tmp_path / "c.jsonl").write_text(json.dumps({"uid": 1, "content": stories.WIRE, "date": "2023-03-14"}) + "\n")
    docs, skipped, _ = _read(tmp_path)
    assert docs == [] and "the record has content, date, uid: name the id's field with --id-field" in skipped[0][1]
    docs, skipped, _ = _read(tmp_path, id_field="uid", text_field="content", date_field="date")
    assert [(d.doc_id, d.published) for d in docs] == [("1", "2023-03-14")] and skipped == []


def test_hostile_json_lines_cost_themselves_only(tmp_path):
    lines = [json.dumps(ROWS[0]).encode(), b"[" * 5000 + b"]" * 5000, b'{"id": "big", "text": ' + b"9" * 5000 + b"}",
             b'{"id": "nul", "text": "a\x00b"}', b'{"id": "\\udcff", "text": "Lone surrogate."}',
             json.dumps(ROWS[1]).encode()]
    (tmp_path / "c.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    docs, skipped, _ = _read(tmp_path)
    assert [d.doc_id for d in docs] == ["wire", "local"]
    assert [s[0] for s in skipped] == ["c.jsonl:2", "c.jsonl:3", "c.jsonl:4", "c.jsonl:5"]
    assert "nested over 64 levels" in skipped[0][1] and "malformed JSON" in skipped[1][1]
    assert "NUL" in skipped[2][1] and "cannot be written as UTF-8" in skipped[3][1]


def test_include_and_exclude_choose_the_files_of_a_folder(tmp_path):
    (tmp_path / "2024" / "drafts").mkdir(parents=True)
    for rel in ("2024/a.txt", "2024/b.md", "2024/drafts/c.txt", "README.txt"):
        (tmp_path / rel).write_text(stories.WIRE)
    assert [d.doc_id for d in _read(tmp_path)[0]] == ["2024/a.txt", "2024/b.md", "2024/drafts/c.txt"]
    assert [d.doc_id for d in _read(tmp_path, include=("*.txt",), exclude=("*/drafts/*",))[0]] == ["README.txt", "2024/a.txt"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_skipped_never_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe.jsonl")
    (tmp_path / "a.txt").write_text(stories.WIRE)
    docs, skipped, _ = _read(tmp_path)
    assert [d.doc_id for d in docs] == ["a.txt"]
    assert skipped == [("pipe.jsonl", "not a regular file (a pipe, socket or device); give the file itself")]


def test_progress_counts_the_bytes_read_up_to_all(tmp_path):
    (tmp_path / "c.jsonl").write_bytes(_jsonl() * 1)
    (tmp_path / "big.jsonl").write_bytes(b"".join(  # 4.8 MB: told as it is read, not only at its end
        json.dumps({"id": f"s{i}", "text": stories.WIRE + f" Number {i}."}).encode() + b"\n" for i in range(3000)))
    told = []
    located = list(iter_located([tmp_path], progress=lambda done, total: told.append((done, total))))
    total = sum(f.stat().st_size for f in tmp_path.iterdir())
    assert len(located) == 3003 and located[0].file == str(tmp_path / "big.jsonl")
    assert told[-1] == (total, total) and [d for d, _ in told] == sorted(d for d, _ in told) and len(told) >= 5


def _dedup(*args, stdin: bytes = b""):
    return subprocess.run([sys.executable, "-m", "dedup", *map(str, args)], input=stdin, capture_output=True, timeout=120)


def test_stdin_is_jsonl_unless_told_otherwise():
    out = _dedup("scan", "-", "-f", "json", stdin=_jsonl())
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert sorted(d["id"] for d in data["documents"]) == ["local", "other", "wire"]
    assert data["clusters"] and data["clusters"][0]["origin"] == "wire"
    out = _dedup("scan", "-", "--input-format", "csv", "-f", "json", stdin=gzip.compress(_csv()))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["clusters"][0]["origin"] == "wire"
    out = _dedup("scan", "-", "--input-format", "yaml")
    assert out.returncode == 2 and b"yaml" in out.stderr and b"Traceback" not in out.stderr


# --- the Spark engine reads every format alike ---------------------------------------------------------


@pytest.mark.filterwarnings("ignore::FutureWarning")  # pyspark on pandas 3
def test_every_format_reads_alike_on_spark(tmp_path):
    pytest.importorskip("pyspark")
    from test_spark import assert_same
    from dedup.engines import spark as ds

    rows = [{"uid": r["id"], "body": r["text"], "title": r["title"], "published": r["published"]} for r in ROWS]
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    options = ReadOptions(id_field="uid", text_field="body")
    (folder / "a.csv.bz2").write_bytes(bz2.compress(
        ("uid,body,published\n" + f'wire,"{stories.WIRE}","{ROWS[0]["published"]}"\nbroken\n').encode()))
    (folder / "b.json").write_text(json.dumps([rows[1], {"uid": "x"}]))
    (folder / "c.jsonl.xz").write_bytes(lzma.compress("".join(json.dumps(r) + "\n" for r in rows[2:]).encode()))
    (folder / "sub" / "d.jsonl.gz").write_bytes(gzip.compress(
        json.dumps({"uid": "cut", "body": stories.cut_tail(4)}).encode() + b"\n{bad\n"))
    (folder / "sub" / "e.txt.zst").write_bytes(_PACK[".zst"](stories.padded(2).encode()))
    (folder / "sub" / "fr.txt").write_bytes(FRENCH.encode("latin-1"))
    _warc(folder / "sub" / "f.warc.gz", _warc_pages())
    skipped = []
    docs = list(iter_documents([folder], on_skip=skipped.append, options=options))
    assert len(docs) == 7 and len(skipped) == 5
    local = scan(docs)
    assert len(local.clusters) == 1
    session = ds.session("local[2]", config={"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "4"})
    result = ds.scan_paths([str(folder)], spark=session, read_options=options)
    assert_same(local, result)
    mine = [(r.location, r.reason) for r in sorted(result.skipped.where("stage = 'ingest'").collect(), key=lambda r: r.idx)]
    assert mine == [(s.location, s.reason) for s in skipped]
    result.unpersist()
    # text in another encoding, said with --encoding: JSONL so encoded is read whole, as locally
    cyrillic = tmp_path / "ru"
    cyrillic.mkdir()
    (cyrillic / "a.txt").write_bytes(stories.CYRILLIC_WIRE.encode("cp1251"))
    (cyrillic / "b.jsonl").write_bytes(json.dumps({"uid": "b", "body": stories.CYRILLIC_WIRE}, ensure_ascii=False).encode("cp1251"))
    options = ReadOptions(id_field="uid", text_field="body", encoding="cp1251")
    docs = list(iter_documents([cyrillic], options=options))
    assert [d.text for d in docs] == [stories.CYRILLIC_WIRE] * 2
    result = ds.scan_paths([str(cyrillic)], spark=session, read_options=options)
    assert_same(scan(docs), result)
    result.unpersist()
