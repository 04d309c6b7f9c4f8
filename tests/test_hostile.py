"""No input stops the run: the bad-input corpus (``tests/hostile.py``) through every command,
in subprocesses under a timeout, and the readers fuzzed.

For every case: no traceback, no hang, every line on stderr a one-line ``warning:`` or
``error:``, the case's outcome as promised, and the good articles beside it in the report.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import hostile
from dedup import InputError
from dedup.ingest import FORMATS, ReadOptions, read_stream

TIMEOUT = 120  # seconds a command may take on any case; a hang fails the test
DEDUP = [sys.executable, "-m", "dedup"]
GOOD_IDS = set(hostile.GOOD)


def run(*args, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """Run ``dedup ARGS`` in a subprocess (stdin closed unless given); fail on a hang."""
    try:
        return subprocess.run([*DEDUP, *map(str, args)], input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL,
                              capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"dedup {' '.join(map(str, args))} hung for {TIMEOUT} s")


def assert_one_line_messages(out: subprocess.CompletedProcess) -> list[str]:
    """Every stderr line is a ``warning:`` or an ``error:``; no traceback. Returns the lines."""
    err = out.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err[-3000:]
    lines = err.splitlines()
    assert all(line.startswith(("warning: ", "error: ")) for line in lines), err[-3000:]
    assert all(len(line) < 1000 for line in lines), "a message too long to read (a 20,000-character id in full?)"
    return lines


# --- each case alone, through a scan ---------------------------------------------------------------

CASES = hostile.cases()


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    """``dedup scan FOLDER -f json`` of every case beside the good articles, run two at a time."""
    root = tmp_path_factory.mktemp("hostile")
    folders = {}
    for i, case in enumerate(CASES):
        folder = root / f"case{i:02d}"
        if hostile.write_cases(folder, [case]):
            folders[case.name] = folder
    with ThreadPoolExecutor(2) as pool:
        done = dict(zip(folders, pool.map(lambda f: run("scan", f, "-f", "json", "-q"), folders.values())))
    return done


@pytest.mark.parametrize("case", CASES, ids=[c.name.encode("ascii", "backslashreplace").decode() for c in CASES])
def test_each_bad_input_has_its_defined_outcome_and_loses_nothing_else(scans, case):
    if case.name not in scans:
        pytest.skip("this system cannot make the case (no named pipes)")
    out = scans[case.name]
    lines = assert_one_line_messages(out)
    if case.outcome == "error":
        assert out.returncode == 2 and len(lines) == 1 and case.said in lines[0], lines
        return
    assert out.returncode == 0, lines
    report = json.loads(out.stdout)
    ids = {d["id"] for d in report["documents"]}
    assert GOOD_IDS <= ids, "a good article was lost"
    assert any(c["members"] == sorted(GOOD_IDS) for c in report["clusters"])  # found, and alone
    skipped = report["skipped"]
    assert len(lines) == len(skipped) + sum("published date" in line for line in lines)  # a warning per skip
    if case.outcome == "skip":
        assert len(skipped) == 1 and ids == GOOD_IDS
        assert case.said.lower() in skipped[0]["reason"].lower(), skipped
    elif case.outcome == "read":
        assert skipped == [] and len(ids) == 3
    elif case.outcome == "partly":
        assert skipped and len(ids) > 2
        assert any(case.said.lower() in s["reason"].lower() for s in skipped), skipped


# --- every case at once, through every command ---------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("all") / "corpus"
    hostile.write_cases(root, [c for c in CASES if c.outcome != "error"])
    return root


def test_every_command_reads_the_whole_bad_corpus(corpus, tmp_path):
    scan = run("scan", corpus, "-f", "json", "-q")
    assert_one_line_messages(scan)
    report = json.loads(scan.stdout)
    read = {d["id"] for d in report["documents"]}
    assert scan.returncode == 0 and GOOD_IDS <= read
    expected_skips = sum(c.outcome == "skip" for c in CASES if c.outcome != "error" and (c.write is not hostile._fifo or hasattr(os, "mkfifo")))
    assert len(report["skipped"]) >= expected_skips
    text = run("scan", corpus, "-q")
    assert text.returncode == 0 and b"\x1b" not in text.stdout  # ids with escapes are shown defused
    index = tmp_path / "ci.db"
    add = run("index", "add", corpus, "--index", index, "-q")
    assert_one_line_messages(add)
    assert add.returncode == 0 and f"{len(read)} added" in add.stdout.decode()
    for fmt in ("json", "junit", "github"):
        check = run("check", corpus, "--index", index, "-f", fmt)
        assert_one_line_messages(check)
        assert check.returncode == 1  # every article is in the index now: each is its own copy
    data = json.loads(run("check", corpus, "--index", index, "-f", "json").stdout)
    assert GOOD_IDS <= {a["id"] for a in data["results"]} and data["skipped"]


@pytest.mark.parametrize("name", ["binary.txt", "named-pipe.txt", "sparse-huge.txt", "records.jsonl", "loop.txt"])
def test_diff_of_a_bad_file_is_one_error(corpus, name):
    if not os.path.lexists(corpus / name):
        pytest.skip("case not made here")
    out = run("diff", corpus / "good-origin.txt", corpus / name)
    lines = assert_one_line_messages(out)
    assert out.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: ")


def test_stdin_and_a_bad_pairs_file(tmp_path):
    out = run("scan", "-", "-f", "json", stdin=hostile._jsonl_lines())
    assert_one_line_messages(out)
    assert out.returncode == 0 and {"line-good-0", "line-good-1"} <= {d["id"] for d in json.loads(out.stdout)["documents"]}
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_bytes(b'{"a": "x", "b": "y", "label": "none"}\n' + b"[" * 3000 + b"\n{broken\n\xff\n")
    out = run("eval", pairs)
    assert_one_line_messages(out)


def test_killing_the_scan_kills_its_workers(tmp_path):
    """A SIGKILLed scan leaves no worker process behind (they hold memory and index files)."""
    rows = (json.dumps({"id": f"s{i}", "text": hostile.ARTICLE + f" Story {i}. " + " ".join(f"w{i}x{j}" for j in range(400))})
            for i in range(20000))
    (tmp_path / "big.jsonl").write_text("\n".join(rows))
    proc = subprocess.Popen([*DEDUP, "scan", tmp_path / "big.jsonl", "-q", "-j", "2", "-f", "json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children = []
    deadline = time.monotonic() + 60
    while not children and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
        children = _children(proc.pid)
    if not children:
        proc.kill()
        pytest.skip("the scan ended before it forked a worker")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(c) for c in children):
        time.sleep(0.1)
    assert not [c for c in children if _alive(c)], "workers outlived their parent"


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# --- the readers, fuzzed ------------------------------------------------------------------------------------

_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                     max_leaves=12)
_RECORD = st.fixed_dictionaries({}, optional={"id": st.one_of(st.text(), st.integers(), _JSON), "text": st.one_of(st.text(), _JSON),
                                              "title": _JSON, "published": st.one_of(st.text(), _JSON)})


def _check_items(data: bytes, kind: str) -> None:
    try:
        items = list(read_stream(io.BytesIO(data), kind, name="fuzz", doc_id="fuzz", options=ReadOptions()))
    except InputError:
        assert kind == "parquet"  # a Parquet file without the columns: the run's error
        return
    for item in items:
        assert (item.document is None) != (item.reason is None), item
        if item.document is not None:
            doc = item.document
            assert doc.text.strip() and doc.doc_id.strip()
            for value in (doc.doc_id, doc.text, doc.title, doc.published):
                assert value is None or value.encode("utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000), kind=st.sampled_from(FORMATS))
def test_any_bytes_in_any_format_give_documents_or_reasons(data, kind):
    _check_items(data, kind)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(st.one_of(_RECORD, _JSON), max_size=6), kind=st.sampled_from(["jsonl", "json"]),
       noise=st.lists(st.binary(max_size=30), max_size=3))
def test_near_valid_records_give_documents_or_reasons(records, kind, noise):
    if kind == "json":
        data = json.dumps(records).encode()
    else:
        data = b"\n".join([json.dumps(r).encode() for r in records] + noise)
    _check_items(data, kind)
