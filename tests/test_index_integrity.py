"""A damaged, foreign or read-only index file: every command ends in one line and exit 2 or reads it, never a traceback.

Damage is made the way disks and copies make it, in real SQLite files: whole pages of random bytes
at seeded places, rows rewritten with sqlite3 (signature blobs of the wrong length, a stored text
that no longer decompresses, a band-key row that collides with the next write). Read-only files are
a 0o444 file in a 0o555 folder; as root, where permissions do not stop writes, the commands run in
a user namespace (``unshare -U``: root's files are then another user's) or on a read-only bind
mount (``unshare -m``), and are skipped only when neither can be made.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from dedup.errors import InputError
from dedup.index import Index
from dedup.index.sqlite import _connect, _read_manifest
from dedup.ingest import Document
from test_check import Run, dedup, one_line_error  # noqa: F401  (the CLI fixture, run in this process)
from test_index import _many

ROOT = Path(__file__).resolve().parents[1]
PAGE = 4096  # SQLite's default page size, which the index keeps


@pytest.fixture
def built(tmp_path) -> tuple[Path, Path]:
    """(an index of 60 stories, a JSONL of 3 new articles reprinting some of them)."""
    docs = _many(60)
    path = tmp_path / "ci.db"
    with Index.open(str(path), create=True) as index:
        index.add(docs)
    articles = tmp_path / "new.jsonl"
    articles.write_text("".join(json.dumps({"id": f"new-{d.doc_id}", "text": d.text}) + "\n" for d in docs[:3]))
    return path, articles


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def overwrite(path: Path, offset: int, data: bytes) -> None:
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(data)


def rootpage(path: Path, name: str) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
    finally:
        con.close()


def commands(path: Path, articles: Path) -> dict[str, tuple]:
    return {
        "index stats": ("index", "stats", "--index", path),
        "index check": ("index", "check", "--index", path),
        "check": ("check", articles, "--index", path, "-q", "-f", "json"),
        "index add": ("index", "add", ROOT / "seeds", "--index", path, "-q"),
        "index add --rebuild": ("index", "add", "--rebuild", "--index", path, "-q"),
        "index remove": ("index", "remove", "doc-001", "--index", path),
    }


# --- damaged files ---------------------------------------------------------------------------


@pytest.mark.parametrize("table", ["manifest", "sqlite_autoindex_documents_1", "lines"])
def test_a_damaged_page_every_command_reads_ends_every_command_in_one_line(dedup, built, table):
    path, articles = built
    overwrite(path, (rootpage(path, table) - 1) * PAGE, random.Random(table).randbytes(PAGE))
    before = digest(path)
    for name, args in commands(path, articles).items():
        out = dedup(*args)
        assert one_line_error(out), (name, out)
        assert "is damaged" in out.err and "re-create the index from the articles" in out.err, (name, out.err)
        assert digest(path) == before, f"{name} wrote into a damaged file"


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_random_pages_in_the_middle_are_refused_before_any_write(dedup, built, seed):
    path, articles = built
    pages = path.stat().st_size // PAGE
    rng = random.Random(seed)
    overwrite(path, rng.randrange(pages // 4, 3 * pages // 4) * PAGE, rng.randbytes(PAGE))
    before = digest(path)
    for name in ("index add", "index add --rebuild", "index remove", "index check"):
        out = dedup(*commands(path, articles)[name])
        assert one_line_error(out), (name, out)  # never exit 0: a write into a damaged file is refused
        assert digest(path) == before, f"{name} wrote into a damaged file"
    found = Index.open(str(path), readonly=True).verify()
    assert not found.ok and "re-create" in found.repair
    # reads check what they read: a damaged page they read is one line and exit 2, one they do not is not seen
    for name, normal in (("index stats", 0), ("check", 1)):
        out = dedup(*commands(path, articles)[name])
        assert out.code == normal or one_line_error(out), (name, out)
        assert "Traceback" not in out.err


def test_bytes_inside_values_end_in_one_line_or_a_normal_answer(dedup, built):
    """64 random bytes inside pages: SQLite's page checks cannot see a changed value, so some runs
    succeed; whatever happens is an answer or one line, and `index check` finds what rows show."""
    path, articles = built
    pristine = path.read_bytes()
    pages = len(pristine) // PAGE
    caught = 0
    for seed in range(12):
        rng = random.Random(seed)
        path.write_bytes(pristine)
        overwrite(path, rng.randrange(1, pages) * PAGE + rng.randrange(PAGE - 64), rng.randbytes(64))
        for name, args in commands(path, articles).items():
            out = dedup(*args)
            assert out.code in (0, 1) or one_line_error(out), (seed, name, out)
        caught += dedup("index", "check", "--index", path).code == 2
    assert caught  # some of the damage is in checked places: the path is exercised


def test_a_database_error_inside_the_write_rolls_it_back(dedup, built):
    path, articles = built
    story = Document("late", "A late story about harbour dues, tolls and quay fees, told at length for the index. " * 3)
    with Index.open(str(path)) as index:
        index.add([story])
        key = int(index.get("late").band_keys[0, 0])
        index.remove(["late"])
    con = sqlite3.connect(path)
    row = con.execute("SELECT max(doc) FROM documents").fetchone()[0] + 1  # the row number "late" gets back
    con.execute("INSERT INTO bands (key, doc) VALUES (?, ?)", (key - (1 << 64) if key >= 1 << 63 else key, row))
    con.commit()
    con.close()
    late = path.parent / "late.txt"
    late.write_text(story.text)
    out = dedup("index", "add", late, "--index", path, "-q")  # quick_check passes: the stray row is well formed
    assert one_line_error(out) and "is damaged" in out.err and "UNIQUE constraint" in out.err, out
    with Index.open(str(path), readonly=True) as index:
        assert "late.txt" not in index and len(index) == 60  # rolled back
        assert any("point at row" in p for p in index.verify().problems)


# --- damaged rows ------------------------------------------------------------------------------


def _rewrite(path: Path, sql: str, *params) -> None:
    con = sqlite3.connect(path)
    con.execute(sql, params)
    con.commit()
    con.close()


@pytest.mark.parametrize(("column", "value", "said"), [
    ("minhash", b"\x01\x02", "has a 2-byte minhash; 512 expected"),
    ("band_keys", b"\x01\x02\x03\x04", "has a 4-byte band-key blob; a multiple of 208 expected"),
])
def test_rows_with_blobs_of_the_wrong_length_are_caught_and_rebuilt(dedup, built, column, value, said):
    path, articles = built
    for doc_id in ("doc-000", "doc-001", "doc-002"):
        _rewrite(path, f"UPDATE documents SET {column} = ? WHERE doc_id = ?", value, doc_id)
    out = dedup(*commands(path, articles)["check"])
    assert one_line_error(out) and said in out.err and "document 'doc-00" in out.err, out
    assert f"dedup index add --rebuild --index {path}" in out.err
    out = dedup("index", "check", "--index", path)
    assert one_line_error(out) and "3 problems found" in out.err and "--rebuild" in out.err, out
    assert out.out.count(said) == 3 and out.out.count("\n") == 3
    report = json.loads(dedup("index", "check", "--index", path, "-f", "json").out)
    assert report["ok"] is False and report["found"] == 3 and report["documents"] == 60
    out = dedup("index", "add", "--rebuild", "--index", path, "-q")  # re-derives the blobs from the stored texts
    assert out.code == 0 and "rebuilt 60 documents" in out.out, out
    assert dedup("index", "check", "--index", path).out == f"index {path}: ok, 60 documents\n"
    assert dedup(*commands(path, articles)["check"]).code == 1  # the reprints are found again


def test_a_damaged_stored_text_names_the_document_and_the_way_out(dedup, built):
    path, articles = built
    _rewrite(path, "UPDATE documents SET text = ? WHERE doc_id = 'doc-007'", b"x\x9c not zlib")
    for args in (("index", "add", "--rebuild", "--index", path, "-q"), ("index", "check", "--index", path)):
        out = dedup(*args)
        assert one_line_error(out) and "dedup index remove" in out.err, out
    assert "doc-007" in dedup("index", "check", "--index", path).out
    assert dedup("index", "remove", "doc-007", "--index", path).code == 0
    assert dedup("index", "check", "--index", path).code == 0


def test_counts_that_disagree_with_the_documents_are_found(dedup, built):
    path, _ = built
    _rewrite(path, "UPDATE lines SET docs = docs + 2")
    _rewrite(path, "DELETE FROM bands WHERE key = (SELECT min(key) FROM bands)")
    out = dedup("index", "check", "--index", path)
    assert one_line_error(out) and "re-create" in out.err
    assert "template-line count of 'sign up for our newsletter' is 62; 60 documents hold it" in out.out
    assert "distinct band keys but" in out.out


# --- foreign files -------------------------------------------------------------------------------


def test_a_foreign_sqlite_file_is_not_an_index_and_is_not_to_be_rebuilt(dedup, tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    notes = tmp_path / "notes.db"
    notes.write_text("not a database at all, just some notes " * 200)
    for path, what in ((other, "is an SQLite database but not a dedup index"), (notes, "is not a dedup index (not an SQLite database)")):
        before = digest(path)
        for name, args in commands(path, tmp_path).items():
            out = dedup(*args)
            assert one_line_error(out) and what in out.err and "give another --index path" in out.err, (name, out)
            assert "rebuild" not in out.err and "damaged" not in out.err
        assert digest(path) == before


# --- read-only files ------------------------------------------------------------------------------


def test_an_index_opened_read_only_reads_and_refuses_writes(dedup, built):
    path, articles = built
    before = digest(path)
    with Index.open(str(path), readonly=True) as index:
        assert len(index) == 60 and index.verify().ok
        with pytest.raises(InputError, match="opened read-only"):
            index.add([Document("x", "A story about harbour dues, tolls and quay fees, told at length.")])
    assert dedup("index", "stats", "--index", path).code == 0  # stats and index check open read-only
    assert dedup("index", "check", "--index", path).code == 0
    assert digest(path) == before and not Path(f"{path}-wal").exists()


@pytest.mark.parametrize("query", ["mode=ro", "mode=ro&immutable=1"])
def test_the_read_only_connections_read_an_index(built, query):
    """The two ways a file this process cannot write is opened (chosen by permissions; as root they
    never are, so they are opened here directly): a log beside it read, or the file as it is."""
    path, _ = built
    keep = sqlite3.connect(path)  # a reader with the log open, as a writer at work would have it
    keep.execute("SELECT count(*) FROM documents").fetchone()
    con = _connect(path, query, 5.0)
    try:
        assert _read_manifest(con, str(path)).settings["num_perm"] == 128
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 60
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            con.execute("DELETE FROM lines")
    finally:
        con.close()
        keep.close()


def _without_write(folder: Path, how: str) -> list[str]:
    """The command prefix that runs a process unable to write ``folder`` (0o555, its files 0o444), or skip."""
    for f in folder.iterdir():
        f.chmod(0o444)
    folder.chmod(0o555)
    if how == "permissions":
        if os.geteuid() != 0:
            return []
        prefix = ["unshare", "-U"]  # a new user namespace: root's files become another user's
    else:
        if os.geteuid() != 0:
            pytest.skip("a read-only bind mount needs root")
        prefix = ["unshare", "-m", "sh", "-c", 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" "$0" && exec "$@"', str(folder)]
    if not shutil.which("unshare") or subprocess.run([*prefix, "true"], capture_output=True).returncode:
        pytest.skip(f"running as root and `{' '.join(prefix[:2])}` is not permitted here: no way to take write permission away")
    return prefix


@pytest.mark.parametrize("how", ["permissions", "read-only mount"])
def test_a_file_that_cannot_be_written_is_read_by_check_and_stats(built, how):
    path, articles = built
    prefix = _without_write(path.parent, how)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        def run(*args):
            done = subprocess.run([*prefix, sys.executable, "-m", "dedup", *map(str, args)],
                                  capture_output=True, text=True, env=env, timeout=120)
            return Run(done.returncode, done.stdout, done.stderr)

        cmd = commands(path, articles)
        assert run(*cmd["index stats"]).out.startswith(f"index {path}: 60 documents")
        assert run(*cmd["index check"]).out == f"index {path}: ok, 60 documents\n"
        out = run(*cmd["check"])
        assert out.code == 1 and json.loads(out.out)["results"][0]["matches"], out.err
        out = run(*cmd["index add"])
        assert one_line_error(out) and "cannot write index" in out.err and "write permission" in out.err, out
        out = run(*cmd["check"], "--add")  # the check is made, the add refused
        assert out.code == 2 and json.loads(out.out)["clean"] is False and "cannot write index" in out.err
        assert sorted(p.name for p in path.parent.iterdir()) == ["ci.db", "new.jsonl"]  # no -wal or -shm left behind
    finally:
        path.parent.chmod(0o755)
