"""The shared index on a real PostgreSQL server (tests/pgserver.py starts one for the session):
the seeds' gate as on SQLite, byte for byte; copies between backends; many checkers while two
writers add overlapping ids; writers killed mid-batch. The index contract itself runs on
PostgreSQL in tests/test_index.py.
"""

from __future__ import annotations

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

import pytest

import stories
from dedup.index import Index
from dedup.ingest import Document

ROOT = Path(__file__).resolve().parents[1]
DEDUP = [sys.executable, "-m", "dedup"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


@pytest.fixture
def url(postgres_url) -> str:
    """A fresh index location: a schema of its own."""
    return f"{postgres_url}?schema=t_{uuid.uuid4().hex[:12]}"


def dedup(*args, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*DEDUP, *map(str, args)], capture_output=True, text=True, timeout=300, env=env or ENV,
                          stdin=subprocess.DEVNULL)


def snapshot(index: Index) -> dict:
    """Every document of an index as stored (text included) and the line counts."""
    docs, after = {}, None
    while page := index.store.page(after, 100):
        for d in page:
            docs[d.doc_id] = (d.fingerprint, d.title, d.url, d.source, d.published, d.credits, d.words, d.lines, d.body,
                              d.minhash.tolist(), d.band_keys.tolist(), d.text)
        after = page[-1].doc_id
    return {"docs": docs, "lines": index.store.line_counts({k for d in docs.values() for k in d[7]})}


def test_the_seeds_gate_on_postgres_is_the_sqlite_gate_byte_for_byte(url, tmp_path):
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    indexed = [p for p in seeds if not p.name.startswith("003")]
    new = [p for p in seeds if p.name.startswith("003")]
    reports = {}
    for name, where in (("postgres", url), ("sqlite", tmp_path / "ci.db")):
        added = dedup("index", "add", *indexed, "--index", where, "-q")
        assert added.returncode == 0 and "4 added" in added.stdout, added.stderr
        checked = dedup("check", *new, "--index", where, "-f", "json")
        assert checked.returncode == 1, checked.stderr  # a copy: the gate fails
        reports[name] = checked.stdout
    report = json.loads(reports["postgres"])
    assert report["results"][0]["matches"][0]["id"].startswith("000")
    assert reports["postgres"] == reports["sqlite"]


def test_the_index_is_named_by_dedup_index_in_the_environment(url):
    seed = sorted((ROOT / "seeds").glob("000*.txt"))[0]
    assert dedup("index", "add", seed, "-q", env={**ENV, "DEDUP_INDEX": url}).returncode == 0
    stats = dedup("index", "stats", "-f", "json", env={**ENV, "DEDUP_INDEX": url})
    assert stats.returncode == 0 and json.loads(stats.stdout)["documents"] == 1
    assert dedup("index", "check", env={**ENV, "DEDUP_INDEX": url}).returncode == 0


def test_copies_between_sqlite_and_postgres_keep_every_row(url, tmp_path):
    with Index.open(str(tmp_path / "a.db"), create=True) as index:
        index.add([Document("wire", stories.WIRE, source="Reuters", published="2023-03-14"),
                   Document("antwerp", "\n\n".join(stories.ANTWERP_PARAGRAPHS), title="Port"),
                   Document("t1", stories.TEMPLATE_1), Document("cyr", stories.CYRILLIC_WIRE)])
        expected = snapshot(index)
    there = dedup("index", "copy", tmp_path / "a.db", url, "-q")
    assert there.returncode == 0 and "4 documents copied" in there.stdout, there.stderr
    back = dedup("index", "copy", url, tmp_path / "b.db", "-q")
    assert back.returncode == 0, back.stderr
    for where in (url, str(tmp_path / "b.db")):
        with Index.open(where) as index:
            assert snapshot(index) == expected
            assert index.verify().ok
    again = dedup("index", "copy", tmp_path / "a.db", url)
    assert again.returncode == 2 and again.stderr.startswith("error: ") and "already exists" in again.stderr


def test_errors_are_one_line_and_never_show_the_password(postgres_url):
    port = postgres_url.rsplit(":", 1)[1].split("/")[0]
    for where, said in ((f"postgresql://dedup:s3cret@127.0.0.1:{port}/no_such_db", "does not exist"),
                        (f"{postgres_url}?schema=never_made", "does not exist"),
                        (f"{postgres_url}?schema=Bad-Name", "lower-case name")):
        out = dedup("index", "stats", "--index", where)
        assert out.returncode == 2 and out.stderr.count("\n") == 1 and said in out.stderr, out.stderr
        assert "s3cret" not in out.stderr and "Traceback" not in out.stderr


def test_without_the_driver_the_error_names_the_extra(postgres_url):
    blocked = "import sys; sys.modules['psycopg'] = None; from dedup.cli import main; sys.argv = ['dedup'] + sys.argv[1:]; main()"
    out = subprocess.run([sys.executable, "-c", blocked, "index", "stats", "--index", postgres_url], capture_output=True,
                         text=True, timeout=60, env=ENV)
    assert out.returncode == 2 and "dedup-news[postgres]" in out.stderr and "Traceback" not in out.stderr, out.stderr


def _stories(n: int, first: int, version: str) -> list[dict]:
    """n short distinct stories with ids from ``first`` on; ``version`` changes their text."""
    rng = random.Random(first)
    sentences = [s.strip() + "." for p in stories.WIRE_PARAGRAPHS + stories.LOCAL_PARAGRAPHS + stories.ANTWERP_PARAGRAPHS
                 for s in p.split(". ") if s.strip()]
    return [{"id": f"doc-{i:05d}", "text": f"Item {i} ({version}): " + " ".join(rng.sample(sentences, 3))}
            for i in range(first, first + n)]


def _write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_four_checkers_answer_while_two_writers_add_overlapping_ids(url, tmp_path):
    first = _write_jsonl(tmp_path / "first.jsonl", _stories(5000, 0, "first"))
    second = _write_jsonl(tmp_path / "second.jsonl", _stories(5000, 2500, "second"))  # ids 2500-4999 in both
    seed = dedup("index", "add", _write_jsonl(tmp_path / "seed.jsonl", _stories(1, 90000, "seed")), "--index", url, "-q")
    assert seed.returncode == 0, seed.stderr
    probe = tmp_path / "probe.txt"
    probe.write_text(stories.padded(3))
    writers = [subprocess.Popen([*DEDUP, "index", "add", str(p), "--index", url, "-q", "--batch-size", "250"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV) for p in (first, second)]
    answers: list[int] = []
    failures: list[str] = []

    def checker() -> None:
        while any(w.poll() is None for w in writers):
            out = dedup("check", probe, "--index", url, "-f", "json")
            if out.returncode not in (0, 1) or json.loads(out.stdout)["summary"]["checked"] != 1:
                failures.append(out.stderr)
            answers.append(out.returncode)

    threads = [threading.Thread(target=checker) for _ in range(4)]
    for t in threads:
        t.start()
    for w in writers:
        _, err = w.communicate(timeout=600)
        assert w.returncode == 0, err
    for t in threads:
        t.join(timeout=300)
    assert not failures, failures[:1]
    assert len(answers) >= 4  # every checker answered while the writers wrote
    with Index.open(url) as index:
        assert len(index) == 7501  # 7,500 distinct ids and the seed: one row each
        assert index.verify().ok  # band-key rows and line counts exact
        overlap = index.store.fetch([f"doc-{i:05d}" for i in range(2500, 5000)], text=True)
        assert len(overlap) == 2500 and all("(first)" in d.text or "(second)" in d.text for d in overlap)


_ADDER = textwrap.dedent("""
    import sys
    from dedup.index import Index
    from dedup.ingest import iter_documents
    docs = list(iter_documents([sys.argv[2]]))
    with Index.open(sys.argv[1], create=True) as index:
        index.add(docs, batch_size=100, progress=lambda stage, done, total: print(done, flush=True))
""")


def test_a_writer_killed_at_any_moment_leaves_nothing_half_written(postgres_url, tmp_path):
    data = _write_jsonl(tmp_path / "corpus.jsonl", _stories(1500, 0, "only"))
    script = tmp_path / "adder.py"
    script.write_text(_ADDER)
    clean = f"{postgres_url}?schema=t_clean_{uuid.uuid4().hex[:8]}"
    with Index.open(clean, create=True) as index:
        index.add([Document(r["id"], r["text"]) for r in map(json.loads, data.read_text().splitlines())])
        expected = snapshot(index)
    rng = random.Random(11)
    for attempt in range(4):
        url = f"{postgres_url}?schema=t_killed_{attempt}_{uuid.uuid4().hex[:8]}"
        child = subprocess.Popen([sys.executable, str(script), url, str(data)], stdout=subprocess.PIPE, text=True, env=ENV)
        for _ in range(rng.randrange(1, 12)):  # progress lines: some batches committed, one perhaps in flight
            child.stdout.readline()
        time.sleep(rng.random() * 0.2)
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        if Index.exists(url):
            with Index.open(url) as index:
                assert index.verify().ok and len(index) <= 1500
        rerun = dedup("index", "add", data, "--index", url, "-q")
        assert rerun.returncode == 0, rerun.stderr
        with Index.open(url) as index:
            assert snapshot(index) == expected
