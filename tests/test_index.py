"""The persistent index: one contract suite run on every backend, then SQLite's crash safety and concurrency.

The contract (add, re-add, replace, remove, stats, settings mismatch, reopen, template lines,
rebuild, queries) is written once and parametrised over ``BACKENDS``; a new backend passes
it or is not a backend. The SQLite-only tests kill a writing process with SIGKILL at several
points and check that the index still opens, answers, and completes to exactly what a clean
build gives; and run checks while another process writes, which must never see "database is
locked".
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path

import hypothesis
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import stories
from dedup.check import check
from dedup.errors import ConfigError, IndexFormatError, InputError
from dedup.index import BACKENDS, Index, MemoryStore
from dedup.ingest import Document
from dedup import scan
from dedup.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def corpus() -> list[Document]:
    """Six unrelated stories (wire with a Reuters source, other languages, traps)."""
    return [
        Document("wire", stories.WIRE, source="Reuters", published="2023-03-14"),
        Document("antwerp", "\n\n".join(stories.ANTWERP_PARAGRAPHS)),
        Document("quote-a", stories.QUOTE_STORY_A),
        Document("t1", stories.TEMPLATE_1),
        Document("cyr", stories.CYRILLIC_WIRE),
        Document("cjk", stories.CJK_WIRE),
    ]


@pytest.fixture(params=sorted(BACKENDS))
def place(request, tmp_path):
    """(backend, location) of a fresh index for each backend."""
    if request.param == "memory":
        name = f"memory-{tmp_path.name}"
        yield request.param, name
        MemoryStore.drop(name)
    elif request.param == "postgres":  # a real server, a schema of its own per test
        yield request.param, f"{request.getfixturevalue('postgres_url')}?schema=t_{uuid.uuid4().hex[:12]}"
    else:
        yield request.param, str(tmp_path / "ci.db")


def opened(place, **kwargs) -> Index:
    backend, location = place
    return Index.open(location, backend=backend, **kwargs)


def snapshot(index: Index) -> dict:
    """Everything an index holds, in comparable form (no internal row numbers)."""
    docs = {}
    after = None
    while page := index.store.page(after, 100):
        for d in page:
            docs[d.doc_id] = {**{f.name: getattr(d, f.name) for f in dataclasses.fields(d) if f.name not in ("minhash", "band_keys")},
                              "minhash": d.minhash.tolist(), "band_keys": d.band_keys.tolist()}
        after = page[-1].doc_id
    lines = index.store.line_counts({k for d in docs.values() for k in d["lines"]})
    return {"docs": docs, "lines": lines, "stats": dataclasses.replace(index.stats(), bytes=None, location="")}


# --- the contract, on every backend -----------------------------------------------------------


def test_add_creates_and_stores_what_check_needs(place):
    with opened(place, create=True) as index:
        result = index.add(corpus())
        assert result.added == tuple(sorted(d.doc_id for d in corpus())) and not result.replaced and not result.skipped
        assert len(index) == 6 and index.stats().documents == 6
        assert "wire" in index and "nope" not in index
        wire = index.get("wire", text=True)
        assert wire.text == stories.WIRE and wire.source == "Reuters" and wire.credits == ("Reuters",)
        assert wire.body == tuple(stories.WIRE_PARAGRAPHS) and wire.published == "2023-03-14"
        assert wire.minhash.dtype == np.uint32 and wire.minhash.shape == (128,)
        assert wire.band_keys.dtype == np.uint64 and wire.band_keys.shape[1] == Settings().bands
        assert index.get("wire").text is None  # the raw text is only read when asked for


def test_re_adding_the_same_text_is_a_no_op(place):
    with opened(place, create=True) as index:
        index.add(corpus())
        before = snapshot(index)
        again = index.add(corpus())
        assert again.unchanged == tuple(sorted(d.doc_id for d in corpus())) and not again.added and not again.replaced
        assert snapshot(index) == before


def test_re_adding_with_changed_metadata_replaces_it(place):
    with opened(place, create=True) as index:
        index.add([Document("a", stories.WIRE)])
        assert index.add([Document("a", stories.WIRE, source="AP")]).replaced == ("a",)
        assert index.get("a").source == "AP" and index.get("a").credits == ("AP", "Reuters")


def test_re_adding_a_changed_text_replaces_the_old_version(place):
    with opened(place, create=True) as index:
        index.add(corpus())
        old_keys = index.get("wire").band_keys
        result = index.add([Document("wire", stories.CYRILLIC_OTHER)])
        assert result.replaced == ("wire",) and not result.added
        assert len(index) == 6
        assert index.get("wire").body == tuple(stories.CYRILLIC_OTHER.split("\n\n"))
        assert "wire" not in index.store.candidates(old_keys)  # the old version's band keys are gone
        verdicts = {m.doc_id: m.verdict for m in check([Document("pad", stories.padded(3))], index).articles[0].matches}
        assert "wire" not in verdicts


def test_remove(place):
    with opened(place, create=True) as index:
        index.add(corpus())
        keys = index.get("wire").band_keys
        assert index.remove(["wire", "no-such-id"]) == ("wire",)
        assert len(index) == 5 and "wire" not in index and index.get("wire") is None
        assert index.store.candidates(keys) == {}
        assert index.remove(["wire"]) == ()
        assert check([Document("pad", stories.padded(3))], index).clean


def test_stats(place):
    with opened(place, create=True, settings={"num_perm": 64, "template_min_docs": 2}) as index:
        index.add(corpus())
        stats = index.stats()
        assert stats.documents == 6 and stats.format_version == 1
        assert stats.settings == Settings(num_perm=64, template_min_docs=2).as_dict()
        assert stats.line_keys > 0 and stats.template_lines == 0


def test_verify_finds_every_history_of_writes_sound(place):
    with opened(place, create=True) as index:
        assert index.verify().ok and index.verify().documents == 0
        index.add(corpus())
        index.remove(["cjk"])
        index.add([Document("wire", stories.CYRILLIC_OTHER)])
        index.rebuild({"template_max_words": 12})  # re-derives every row, rewriting the line counts first
        found = index.verify()
        assert found.ok and found.problems == () and found.found == 0 and found.repair == "", found.problems
        assert found.documents == len(index) == 5
        assert found.as_dict() == {"index": index.location, "ok": True, "documents": 5, "found": 0, "problems": [], "repair": ""}


def test_opening_with_other_settings_is_refused(place):
    opened(place, create=True).close()
    with pytest.raises(IndexFormatError) as info:
        opened(place, settings=Settings(num_perm=64))
    message = str(info.value)
    assert "128 permutations" in message and "64 permutations" in message and "--rebuild" in message and "drop --num-perm" in message
    with pytest.raises(IndexFormatError, match="5-word shingles; you asked for 7-word shingles"):
        opened(place, settings={"shingle_size": 7})
    with pytest.raises(ConfigError, match="unknown setting"):
        opened(place, settings={"num_perms": 64})
    # fields that only the verdict depends on may differ; matching build fields are fine
    opened(place, settings={"num_perm": 128, "reprint_threshold": 0.5}).close()
    opened(place, settings=Settings(reprint_threshold=0.5)).close()


def test_a_missing_index_is_an_input_error(place):
    with pytest.raises(InputError, match="does not exist"):
        opened(place)
    assert not Index.exists(place[1], backend=place[0])


def test_reopen_finds_everything(place):
    with opened(place, create=True, settings=Settings(seed=7)) as index:
        index.add(corpus())
        before = snapshot(index)
    with opened(place) as index:
        assert index.settings == Settings(seed=7)
        assert snapshot(index) == before
        assert not check([Document("pad", stories.padded(3))], index).clean


def _with_line(i: int, line: str = "Sign up for the Harbour Gazette daily briefing") -> str:
    return f"{line}\n\n{stories.LOCAL_PARAGRAPHS[i % 6]} Story number {i} of the series, with details of its own."


def test_template_lines_are_counted_in_the_index(place):
    with opened(place, create=True) as index:
        index.add([Document(f"local-{i}", _with_line(i)) for i in range(5)])
        assert index.stats().template_lines == 1
        new = Document("new", _with_line(9))
        (templates,) = index.template_lines([new]).values()
        assert templates == {"sign up for the harbour gazette daily briefing"}
        index.remove(["local-0"])
        assert index.stats().template_lines == 0
        # four indexed documents plus the one being checked make five: template again
        assert index.template_lines([new])["new"] == templates
        assert index.template_lines([Document("local-1", _with_line(1))])["local-1"] == frozenset()  # already counted


def test_check_gives_the_verdicts_scan_gives(place):
    new = [
        Document("pad", stories.padded(3)), Document("local", stories.localised()), Document("borrowed", stories.borrowed()),
        Document("quote-b", stories.QUOTE_STORY_B), Document("t2", stories.TEMPLATE_2),
        Document("cyr-reprint", stories.CYRILLIC_REPRINT), Document("cjk-other", stories.CJK_OTHER),
    ]
    with opened(place, create=True) as index:
        index.add(corpus())
        result = check(new, index, fail_on="partial")
    old = {d.doc_id for d in corpus()}
    expected = {
        (m.a, m.b) if m.a not in old else (m.b, m.a): m.verdict
        for m in scan(corpus() + new).pairs if (m.a in old) != (m.b in old)
    }
    got = {(a.doc_id, c.doc_id): c.verdict for a in result.articles for c in a.matches if not c.in_batch}
    assert got == expected
    assert got[("pad", "wire")] == "reprint" and got[("local", "wire")] == "duplicate"
    assert ("t2", "t1") not in got and got[("cyr-reprint", "cyr")] == "reprint"  # a template filled in again: none
    assert ("quote-b", "quote-a") not in got


def test_queries_read_only_the_candidates(place):
    with opened(place, create=True) as index:
        index.add(corpus())
        fetched = []
        fetch = index.store.fetch
        index.store.fetch = lambda ids, **kw: fetched.extend(ids) or fetch(ids, **kw)
        check([Document("pad", stories.padded(3)), Document("cjk-other", stories.CJK_OTHER)], index)
        assert sorted(fetched) == ["wire"]


def test_rebuild_with_new_settings_equals_a_fresh_build(place, tmp_path):
    with opened(place, create=True) as index:
        index.add(corpus())
        assert index.rebuild({"num_perm": 64}) == 6
        assert index.settings.num_perm == 64
        rebuilt = snapshot(index)
        assert len(index.add(corpus()).unchanged) == 6  # still the same documents
    with pytest.raises(IndexFormatError, match="64 permutations"):
        opened(place, settings={"num_perm": 128})
    with Index.open(f"fresh-{tmp_path.name}", backend="memory", create=True, settings={"num_perm": 64}) as fresh:
        fresh.add(corpus())
        assert snapshot(fresh) == rebuilt
        fresh.drop()
    with opened(place, settings={"num_perm": 64}) as index:
        assert not check([Document("pad", stories.padded(3))], index).clean


def test_a_copy_into_any_backend_holds_every_row_and_answers_alike(place, tmp_path):
    with Index.open(f"from-{tmp_path.name}", backend="memory", create=True, settings={"num_perm": 64}) as source:
        source.add(corpus())
        backend, location = place
        with source.copy(location, backend=backend, batch_size=4) as copied:  # two batches
            assert snapshot(copied) == snapshot(source) and copied.settings == source.settings
            query = [Document("pad", stories.padded(3))]
            assert check(query, copied) == check(query, source)
        with pytest.raises(InputError, match="already exists"):
            source.copy(location, backend=backend)
        source.drop()


def test_a_failed_write_leaves_nothing_behind(place):
    with opened(place, create=True) as index:
        index.add(corpus()[:2])
        before = snapshot(index)
        record = index.get("wire", text=True)
        with pytest.raises(RuntimeError):
            with index.store.writing():
                index.store.delete(["antwerp"])
                index.store.put([dataclasses.replace(record, doc_id="wire-2")])
                raise RuntimeError("boom")
        assert snapshot(index) == before


def test_documents_without_article_text_are_skipped(place):
    with opened(place, create=True) as index:
        skipped = []
        result = index.add([Document("menu", "Home\n\nNews\n\nSport\n\nLogin"), Document("wire", stories.WIRE)], on_skip=skipped.append)
        assert result.added == ("wire",) and [s.location for s in result.skipped] == ["menu"] == [s.location for s in skipped]


_POOL = [stories.WIRE, stories.padded(3), stories.borrowed(), stories.QUOTE_STORY_A, stories.QUOTE_STORY_B,
         stories.TEMPLATE_1, stories.CYRILLIC_WIRE, stories.CJK_WIRE]
_OPS = st.lists(
    st.tuples(st.sampled_from(["add", "remove"]), st.sets(st.integers(0, 5), max_size=4), st.integers(0, len(_POOL) - 1)),
    max_size=8,
)


@hypothesis.settings(max_examples=20, deadline=None, suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
@given(ops=_OPS)
def test_any_history_of_adds_and_removes_ends_where_a_fresh_build_of_the_survivors_does(place, ops):
    """Adds, re-adds, replacements and removals in any order leave exactly the index a fresh
    build of the surviving documents gives: the same rows, band keys and line counts."""
    backend, location = place
    location = f"{location}_{uuid.uuid4().hex}"  # a fresh index per example (a file, a name, a schema)
    settings = {"template_min_docs": 1000}  # no template lines, so cleaning does not depend on history
    expected: dict[str, str] = {}
    with Index.open(location, backend=backend, create=True, settings=settings) as index:
        for op, ids, version in ops:
            if op == "add":
                docs = [Document(f"d{i}", _POOL[(i + version) % len(_POOL)]) for i in sorted(ids)]
                index.add(docs)
                expected.update((d.doc_id, d.text) for d in docs)
            else:
                index.remove(f"d{i}" for i in ids)
                for i in ids:
                    expected.pop(f"d{i}", None)
        got = snapshot(index)
        index.drop()
    with Index.create(f"fresh-{uuid.uuid4().hex}", backend="memory", settings=settings) as fresh:
        fresh.add([Document(k, v) for k, v in sorted(expected.items())])
        assert got == snapshot(fresh)
        fresh.drop()


# --- SQLite: files, crashes, concurrency --------------------------------------------------------


def test_foreign_and_damaged_files_are_refused(tmp_path):
    text = tmp_path / "notes.db"
    text.write_text("not a database at all, just some notes" * 200)
    with pytest.raises(IndexFormatError, match="not a dedup index"):
        Index.open(str(text))
    import sqlite3

    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(IndexFormatError, match="not a dedup index"):
        Index.open(str(other))
    with pytest.raises(InputError, match="is a folder"):
        Index.open(str(tmp_path))
    with pytest.raises(InputError, match="does not exist; create it first"):
        Index.create(str(tmp_path / "no" / "ci.db"))


def test_the_format_version_is_checked(tmp_path):
    import sqlite3

    path = tmp_path / "ci.db"
    Index.create(str(path)).close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 99")
    con.close()
    with pytest.raises(IndexFormatError, match="format version 99; this dedup reads version 1"):
        Index.open(str(path))


def test_the_file_is_wal_and_self_contained_after_close(tmp_path):
    import sqlite3

    path = tmp_path / "ci.db"
    with Index.open(str(path), create=True) as index:
        index.add(corpus())
    assert not Path(f"{path}-wal").exists()  # folded back: caching the one file is enough
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 6
    plan = " ".join(r[-1] for r in con.execute("EXPLAIN QUERY PLAN SELECT doc FROM bands WHERE key IN (1, 2)"))
    assert "USING PRIMARY KEY" in plan  # lookups by key use the table's own index
    con.close()


def _many(n: int) -> list[Document]:
    """n distinct stories built from the fixtures' sentences, plus a template line shared by all."""
    rng = random.Random(5)
    sentences = [s.strip() + "." for p in stories.WIRE_PARAGRAPHS + stories.LOCAL_PARAGRAPHS + stories.ANTWERP_PARAGRAPHS
                 for s in p.split(". ") if s.strip()]
    docs = []
    for i in range(n):
        picked = rng.sample(sentences, 4)
        body = f"Item {i}: " + " ".join(picked[:2]) + f"\n\nUpdate {i * 7 + 3}. " + " ".join(picked[2:])
        docs.append(Document(f"doc-{i:03d}", f"Sign up for our newsletter\n\n{body}"))
    return docs


_ADDER = textwrap.dedent("""
    import sys, time
    from dedup.index import Index
    from dedup.ingest import iter_documents
    docs = list(iter_documents([sys.argv[2]]))
    index = Index.open(sys.argv[1], create=True)
    put = index.store.put

    def put_then_wait(records):  # rows written, transaction still open: the parent may kill now
        put(records)
        print("written", flush=True)
        time.sleep(0.05)

    index.store.put = put_then_wait
    index.add(docs, batch_size=3, progress=lambda stage, done, total: print(done, flush=True))
    index.close()
""")


def test_sigkill_during_add_leaves_an_index_that_opens_and_completes(tmp_path):
    docs = _many(45)
    data = tmp_path / "corpus.jsonl"
    data.write_text("".join(json.dumps({"id": d.doc_id, "text": d.text}) + "\n" for d in docs))
    script = tmp_path / "adder.py"
    script.write_text(_ADDER)
    clean_path = tmp_path / "clean.db"
    with Index.open(str(clean_path), create=True) as index:
        index.add(docs)
        expected = snapshot(index)
    query = [Document("probe", docs[3].text)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # Kill after this many lines of output, or after a delay. The child prints "0" before the
    # first batch, then per batch "written" (inside the transaction, before the commit) and the
    # count (after it): even line numbers kill mid-transaction, odd ones between batches.
    # The children run side by side, each watched by a thread that kills it at its point.
    points = (("lines", 1), ("lines", 2), ("lines", 7), ("lines", 14), ("lines", 27), ("seconds", 0.05), ("seconds", 0.9))

    def run_and_kill(when, path):
        child = subprocess.Popen([sys.executable, str(script), str(path), str(data)], stdout=subprocess.PIPE, env=env, text=True)
        if when[0] == "lines":
            for _ in range(when[1]):
                child.stdout.readline()
        else:
            time.sleep(when[1])
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()

    paths = [tmp_path / f"killed-{kind}-{n}.db" for kind, n in points]
    threads = [threading.Thread(target=run_and_kill, args=(when, path)) for when, path in zip(points, paths)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for when, path in zip(points, paths):
        if Index.exists(str(path)):
            with Index.open(str(path)) as index:  # opens and answers
                assert index.stats().documents == len(index) <= len(docs)
                check(query, index)
        with Index.open(str(path), create=True) as index:  # the same add again completes it
            index.add(docs, batch_size=3)
            assert snapshot(index) == expected, when
            assert not check(query, index).clean


_WRITER = textwrap.dedent("""
    import sys, time
    from dedup.index import Index
    from dedup.ingest import Document
    index = Index.open(sys.argv[1])
    deadline = time.time() + float(sys.argv[2])
    i = 0
    print("ready", flush=True)
    while time.time() < deadline:
        index.add([Document(f"churn-{i % 7}", f"Churn story {i} about harbour dues, tolls and quay fees, "
                            f"version {i}, told at length for the benefit of the index under test.")], batch_size=1)
        if i % 3 == 0:
            index.remove([f"churn-{(i + 3) % 7}"])
        i += 1
    index.close()
    print(i, flush=True)
""")


def test_checks_never_see_a_locked_database_while_another_process_adds(tmp_path):
    path = tmp_path / "ci.db"
    with Index.open(str(path), create=True) as index:
        index.add(corpus())
    script = tmp_path / "writer.py"
    script.write_text(_WRITER)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writer = subprocess.Popen([sys.executable, str(script), str(path), "4"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    assert writer.stdout.readline().strip() == "ready"
    article = tmp_path / "pad.txt"
    article.write_text(stories.padded(3))
    cli = [subprocess.Popen([sys.executable, "-m", "dedup", "check", str(article), "--index", str(path), "-f", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True) for _ in range(2)]
    checks = 0
    deadline = time.time() + 3
    while time.time() < deadline:
        with Index.open(str(path)) as index:
            result = check([Document("pad", stories.padded(3))], index)
        assert [(c.doc_id, c.verdict) for c in result.articles[0].matches] == [("wire", "reprint")]
        checks += 1
    for proc in cli:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 1 and "locked" not in err and "Traceback" not in err, err
        assert json.loads(out)["results"][0]["matches"][0]["id"] == "wire"
    out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0 and "locked" not in err, err
    assert int(out.strip()) > 10 and checks > 10  # both sides really ran at the same time


def test_an_index_from_before_sentence_verdicts_keeps_its_build_settings_only():
    from dedup.index import FORMAT_VERSION, Manifest

    old = Settings(num_perm=64).as_dict()
    del old["sentence_match"], old["partial_min_sentences"]
    old.update(partial_min_words=30, reprint_threshold=0.3)  # a word share then: today's default stands in
    settings = Manifest(FORMAT_VERSION, "0.1.0", old).to_settings()
    assert settings.num_perm == 64 and settings.reprint_threshold == Settings().reprint_threshold
