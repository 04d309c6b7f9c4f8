"""The CI gate: `dedup check` and `dedup index` end to end -- verdicts, exit codes, every report format.

Golden files are regenerated only on purpose: DEDUP_REGEN_GOLDEN=1 python -m pytest tests/test_check.py
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

import stories
from goldens import check_golden
from dedup import report
from dedup.check import check
from dedup.errors import ConfigError
from dedup.clean import NO_ARTICLE_TEXT
from dedup.index import Index, MemoryStore
from dedup.ingest import Document, iter_documents

ROOT = Path(__file__).resolve().parents[1]
ORIGINAL = "000_8f553da63e8cdc0a.txt"
REPRINT = "003_6e09906d83b566b2.txt"
INDEXED = ["000_8f553da63e8cdc0a.txt", "001_1fb5d3839d0df120.txt", "002_489e9666a87cfd38.txt", "004_17f292914cf35654.txt"]


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def dedup(monkeypatch, capsys):
    """Run the CLI in this process (as the console script does) from the repository root."""
    from dedup import cli

    monkeypatch.chdir(ROOT)

    def run(*args) -> Run:
        monkeypatch.setattr(sys, "argv", ["dedup", *map(str, args)])
        capsys.readouterr()
        try:
            cli.main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run


@pytest.fixture
def seed_index(tmp_path, dedup):
    path = tmp_path / "ci.db"
    out = dedup("index", "add", *(f"seeds/{name}" for name in INDEXED), "--index", path)
    assert out.code == 0, out.err
    assert "4 added" in out.out
    return path


def one_line_error(run: Run) -> bool:
    return run.code == 2 and run.err.startswith("error: ") and run.err.count("\n") == 1 and "Traceback" not in run.err


# --- the acceptance ------------------------------------------------------------------


def test_seed_reprint_fails_and_names_the_original(dedup, seed_index):
    out = dedup("check", f"seeds/{REPRINT}", "--index", seed_index, "--format", "json")
    assert out.code == 1, out.err
    data = json.loads(out.out)
    assert data["clean"] is False
    (result,) = data["results"]
    assert result["id"] == REPRINT and result["failed"] is True
    (match,) = result["matches"]
    assert match["id"] == ORIGINAL and match["verdict"] == "reprint" and match["fails"] is True
    assert match["containment_b_in_a"] > 0.7  # most of the wire story is in the reprint
    assert match["alignment"]["cut"] == 0 and match["alignment"]["added"] == 13
    text = dedup("check", f"seeds/{REPRINT}", "--index", seed_index)
    assert text.code == 1 and ORIGINAL in text.out and "reprint" in text.out and "FAIL" in text.out


def test_an_unrelated_article_passes(dedup, seed_index, tmp_path):
    article = tmp_path / "rotterdam.txt"
    article.write_text(stories.WIRE)
    out = dedup("check", article, "--index", seed_index)
    assert out.code == 0, out.err
    assert "ok" in out.out


def test_allow_exempts_licensed_wire_copy(dedup, seed_index):
    out = dedup("check", f"seeds/{REPRINT}", "--index", seed_index, "--allow", "Reuters", "-f", "json")
    assert out.code == 0, out.err
    match = json.loads(out.out)["results"][0]["matches"][0]
    assert match["allowed"] is True and match["fails"] is False and match["origin"] == ORIGINAL
    assert dedup("check", f"seeds/{REPRINT}", "--index", seed_index, "--allow", "AP").code == 1


@pytest.mark.parametrize("fail_on, code", [("duplicate", 0), ("reprint", 1), ("partial", 1)])
def test_fail_on_sets_the_strictness(dedup, seed_index, fail_on, code):
    out = dedup("check", f"seeds/{REPRINT}", "--index", seed_index, "--fail-on", fail_on, "-f", "json")
    assert out.code == code
    assert json.loads(out.out)["results"][0]["matches"][0]["verdict"] == "reprint"  # reported either way


def test_partial_fails_only_at_fail_on_partial(tmp_path):
    with Index.create(f"partial-{tmp_path.name}", backend="memory") as index:
        index.add([Document("wire", stories.WIRE)])
        new = [Document("antwerp", stories.borrowed())]
        assert check(new, index).clean
        assert [c.verdict for c in check(new, index).articles[0].matches] == ["partial"]
        assert not check(new, index, fail_on="partial").clean
        index.drop()


def test_add_puts_the_checked_articles_in_the_index(dedup, seed_index):
    out = dedup("check", f"seeds/{REPRINT}", "--index", seed_index, "--add", "-f", "json")
    assert out.code == 1 and json.loads(out.out)["clean"] is False  # stdout stays pure JSON
    assert "1 added" in out.err
    stats = json.loads(dedup("index", "stats", "--index", seed_index, "--format", "json").out)
    assert stats["documents"] == 5
    again = dedup("check", f"seeds/{REPRINT}", "--index", seed_index, "-f", "json")
    assert [m["id"] for m in json.loads(again.out)["results"][0]["matches"]] == [ORIGINAL]  # not itself


def test_articles_of_one_batch_are_checked_against_each_other(tmp_path):
    with Index.create(f"batch-{tmp_path.name}", backend="memory") as index:
        result = check([Document("wire", stories.WIRE), Document("local", stories.padded(3))], index)
        assert not result.clean
        local, wire = result.articles  # by id
        assert wire.matches == () and not wire.failed  # the origin (the more complete text) is not the copy
        (match,) = local.matches
        assert match.doc_id == "wire" and match.in_batch and match.verdict == "reprint" and match.origin == "wire"
        assert match.match.a == "local" and match.match.b == "wire"
        index.drop()


def test_check_rejects_a_bad_fail_on(tmp_path):
    with Index.create(f"bad-{tmp_path.name}", backend="memory") as index:
        with pytest.raises(ConfigError, match="fail_on"):
            check([Document("a", stories.WIRE)], index, fail_on="copy")
        index.drop()


# --- exit codes and errors --------------------------------------------------------------------


def test_missing_index_exits_2(dedup, tmp_path):
    for args in (["check", f"seeds/{REPRINT}"], ["index", "stats"], ["index", "remove", "x"]):
        out = dedup(*args, "--index", tmp_path / "none.db")
        assert one_line_error(out) and "does not exist" in out.err, (args, out.err)
    assert not (tmp_path / "none.db").exists()


def test_mismatched_settings_exit_2_with_the_way_out(dedup, seed_index):
    out = dedup("check", f"seeds/{REPRINT}", "--index", seed_index, "--num-perm", "256")
    assert one_line_error(out)
    assert "128 permutations; you asked for 256 permutations" in out.err and "--rebuild" in out.err and "drop --num-perm" in out.err
    out = dedup("index", "add", f"seeds/{REPRINT}", "--index", seed_index, "--shingle-size", "4")
    assert one_line_error(out) and "5-word shingles" in out.err
    # verdict settings may differ from the index's: accepted, and they change the verdict
    assert dedup("check", f"seeds/{REPRINT}", "--index", seed_index, "--partial-min-sentences", "50").code == 0
    strict = dedup("check", f"seeds/{REPRINT}", "--index", seed_index, "--sentence-match", "1.0", "--min-run-words", "500")
    assert strict.code == 0, strict.out


def test_bad_inputs_warn_and_are_skipped(dedup, seed_index, tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "latin.txt").write_bytes(b"caf\xe9 au lait")
    (tmp_path / "menu.txt").write_text("Home\n\nNews\n\nSport\n\nLogin")
    (tmp_path / "wire.txt").write_text(stories.WIRE)
    out = dedup("check", tmp_path, "--index", seed_index, "-f", "json")
    assert out.code == 0, out.err
    warnings = [line for line in out.err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 3 and "Traceback" not in out.err
    data = json.loads(out.out)
    assert [r["id"] for r in data["results"]] == ["wire.txt"]
    # every input left out is in the report, the unreadable files first (as read), then the empty article
    assert [s["location"].split("/")[-1] for s in data["skipped"]] == ["bin.txt", "latin.txt", "menu.txt"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["check", "no/such/file.txt"], "no such file"),
        (["check", "{empty}"], "no documents"),
        (["index", "add", "no/such/dir"], "no such file"),
        (["index", "add"], "give the articles to add"),
        (["check", "seeds", "--num-perm", "0"], "num_perm must be between"),
        (["index", "add", "seeds", "--workers", "-1"], "workers must be"),
        (["index", "add", "seeds", "--batch-size", "0"], "batch_size must be"),
    ],
)
def test_user_mistakes_exit_2_with_one_line(dedup, seed_index, tmp_path, args, message):
    (tmp_path / "empty").mkdir()
    args = [str(tmp_path / "empty") if a == "{empty}" else a for a in args]
    out = dedup(*args, "--index", seed_index)
    assert one_line_error(out) and message in out.err, out.err


def test_usage_errors_exit_2(dedup, seed_index):
    assert dedup("check", f"seeds/{REPRINT}", "--index", seed_index, "--fail-on", "copy").code == 2
    assert dedup("check", f"seeds/{REPRINT}", "--index", seed_index, "--format", "yaml").code == 2
    assert dedup("check", f"seeds/{REPRINT}").code == 2  # no --index


def test_a_file_that_is_not_an_index_exits_2(dedup, tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("shopping list\n" * 400)
    out = dedup("check", f"seeds/{REPRINT}", "--index", notes)
    assert one_line_error(out) and "not a dedup index" in out.err


def test_index_commands(dedup, seed_index, tmp_path):
    again = dedup("index", "add", f"seeds/{INDEXED[0]}", "--index", seed_index)
    assert again.code == 0 and "0 added, 0 replaced, 1 unchanged" in again.out
    changed = tmp_path / INDEXED[0]
    changed.write_text(stories.WIRE)
    replaced = dedup("index", "add", changed, "--index", seed_index)
    assert replaced.code == 0 and "1 replaced" in replaced.out
    assert dedup("check", f"seeds/{REPRINT}", "--index", seed_index).code == 0  # the original's text is gone
    removed = dedup("index", "remove", INDEXED[0], "nope", "--index", seed_index)
    assert removed.code == 0 and "1 removed; 3 documents" in removed.out and "'nope' is not in index" in removed.err
    stats = dedup("index", "stats", "--index", seed_index, "--format", "json")
    data = json.loads(stats.out)
    assert data["documents"] == 3 and data["format_version"] == 1 and data["settings"]["num_perm"] == 128
    text = dedup("index", "stats", "--index", seed_index)
    assert text.code == 0 and "3 documents" in text.out and "128 permutations" in text.out


def test_rebuild_changes_the_settings(dedup, seed_index):
    out = dedup("index", "add", "--rebuild", "--index", seed_index, "--num-perm", "64")
    assert out.code == 0 and "rebuilt 4 documents" in out.out, out.err
    assert dedup("check", f"seeds/{REPRINT}", "--index", seed_index).code == 1
    assert dedup("check", f"seeds/{REPRINT}", "--index", seed_index, "--num-perm", "64").code == 1
    assert one_line_error(dedup("check", f"seeds/{REPRINT}", "--index", seed_index, "--num-perm", "128"))


def test_the_console_script_end_to_end(tmp_path):
    """One run through the installed entry point, as CI runs it: index, check, exit code."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    db = tmp_path / "ci.db"
    run = lambda *a: subprocess.run([sys.executable, "-m", "dedup", *map(str, a)], cwd=ROOT, capture_output=True, text=True, env=env)
    assert run("index", "add", *(f"seeds/{n}" for n in INDEXED), "--index", db).returncode == 0
    out = run("check", f"seeds/{REPRINT}", "--index", db, "--format", "github")
    assert out.returncode == 1 and out.stdout.startswith(f"::error file=seeds/{REPRINT},"), out.stderr


# --- report formats: golden files ---------------------------------------------------------------


def _golden_result(allow=()):
    """Seeds 000/001/002/004 indexed; checked: the seed reprint and three invented Rotterdam stories."""
    name = "golden-check"
    MemoryStore.drop(name)
    with Index.create(name, backend="memory") as index:
        index.add(list(iter_documents([ROOT / "seeds" / n for n in INDEXED])))
        new = [next(iter_documents([ROOT / "seeds" / REPRINT])), Document("rotterdam-wire.txt", stories.WIRE),
               Document("rotterdam-local.txt", stories.padded(3)), Document("antwerp.txt", stories.borrowed()),
               Document("menu.txt", "Home\n\nNews\n\nSport\n\nLogin")]
        locations = {REPRINT: f"seeds/{REPRINT}", "rotterdam-wire.txt": "new/rotterdam-wire.txt",
                     "rotterdam-local.txt": "new/rotterdam-local.txt", "antwerp.txt": "new/antwerp.txt"}
        result = check(new, index, allow=allow, locations=locations)
        index.drop()
    return result


def _text(result) -> str:
    buffer = io.StringIO()
    report.render_check(result, buffer, color=False, width=120)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def golden_result():
    return _golden_result()


@pytest.mark.parametrize(
    "name, make",
    [
        ("check_seed.json", lambda r: report.dumps(report.check_to_dict(r))),
        ("check_seed.txt", _text),
        ("check_seed.junit.xml", report.check_junit),
        ("check_seed.github.txt", report.check_github),
    ],
)
def test_golden(golden_result, name, make):
    check_golden(name, make(golden_result))


def test_golden_with_allow():
    check_golden("check_seed_allow.github.txt", report.check_github(_golden_result(allow=["Reuters"])))


def test_the_golden_scenario_has_every_kind_of_row(golden_result):
    data = report.check_to_dict(golden_result)
    assert list(data)[:2] == ["format_version", "clean"] and data["clean"] is False
    rows = {r["id"]: r for r in data["results"]}
    assert [m["id"] for m in rows[REPRINT]["matches"]] == [ORIGINAL]
    local = rows["rotterdam-local.txt"]["matches"][0]
    assert local["id"] == "rotterdam-wire.txt" and local["in_batch"] and local["verdict"] == "reprint" and local["fails"]
    antwerp = rows["antwerp.txt"]["matches"][0]
    assert antwerp["verdict"] == "partial" and not antwerp["fails"] and not rows["antwerp.txt"]["failed"]
    assert rows["rotterdam-wire.txt"]["matches"] == [] and not rows["rotterdam-wire.txt"]["failed"]
    assert data["skipped"] == [{"location": "menu.txt", "reason": NO_ARTICLE_TEXT}]
    keys = {"id", "verdict", "jaccard", "containment_a_in_b", "containment_b_in_a", "alignment", "origin", "fails", "allowed"}
    assert all(keys <= set(m) for r in data["results"] for m in r["matches"])


def test_junit_is_valid_and_fails_the_copies(golden_result):
    root = ET.fromstring(report.check_junit(golden_result))
    suite = root.find("testsuite")
    assert suite.get("tests") == "5" and suite.get("failures") == "2" and suite.get("skipped") == "1"
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert cases[REPRINT].find("failure").get("type") == "reprint" and cases[REPRINT].get("file") == f"seeds/{REPRINT}"
    assert cases["antwerp.txt"].find("failure") is None and "partial" in cases["antwerp.txt"].find("system-out").text
    assert cases["menu.txt"].find("skipped") is not None


def test_github_annotations_are_escaped_one_per_line(golden_result):
    lines = report.check_github(golden_result).splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == ["::error", "::warning", "::error", "::warning", "::notice"]
    for line in lines:
        props, message = line.split("::", 2)[1:]
        assert "\n" not in message and "%" not in message.replace("%25", "").replace("%0A", "").replace("%0D", "")


def test_reports_are_byte_identical_across_runs(golden_result):
    again = _golden_result()
    for render in (lambda r: report.dumps(report.check_to_dict(r)), report.check_junit, report.check_github, _text):
        assert render(again) == render(golden_result)


def _bad_inputs(tmp_path):
    """A folder of new articles: one good, a JSONL with a bad line and a repeated id, a non-UTF-8 file."""
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "good.txt").write_text(stories.WIRE, encoding="utf-8")
    lines = [json.dumps({"id": "union", "text": stories.QUOTE_STORY_B}), "{not json",
             json.dumps({"id": "union", "text": stories.CYRILLIC_OTHER})]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "latin1.txt").write_bytes("Caf\xe9 owners say the strike hurts trade.".encode("latin-1"))
    return folder


def test_skipped_inputs_are_in_every_report_and_fail_the_gate_when_asked(dedup, seed_index, tmp_path):
    folder = _bad_inputs(tmp_path)
    wanted = {"feed.jsonl:2", "feed.jsonl:3", "latin1.txt"}
    out = dedup("check", folder, "--index", seed_index, "-f", "json")
    data = json.loads(out.out)
    found = {s["location"].split("/")[-1] for s in data["skipped"]}
    assert wanted <= found and data["summary"]["skipped"] == len(data["skipped"]) == 3
    assert data["clean"] is True and data["fail_on_skipped"] is False and out.code == 0
    junit = dedup("check", folder, "--index", seed_index, "-f", "junit").out
    assert junit.count("<skipped ") == 3 and 'skipped="3"' in junit
    github = dedup("check", folder, "--index", seed_index, "-f", "github").out
    assert github.count("::warning title=dedup check%3A skipped::") == 3
    # the gate: a corrupt ingest is not clean under --fail-on-skipped
    strict = dedup("check", folder, "--index", seed_index, "--fail-on-skipped", "-f", "json")
    assert strict.code == 1 and json.loads(strict.out)["clean"] is False
    junit = dedup("check", folder, "--index", seed_index, "--fail-on-skipped", "-f", "junit").out
    assert junit.count('<failure type="skipped"') == 3 and 'skipped="0"' in junit
    github = dedup("check", folder, "--index", seed_index, "--fail-on-skipped", "-f", "github").out
    assert github.count("::error title=dedup check%3A skipped::") == 3 and "FAIL: 3 inputs skipped" in github


def test_scan_reports_the_inputs_it_could_not_read(dedup, tmp_path):
    folder = _bad_inputs(tmp_path)
    out = dedup("scan", folder, "-f", "json")
    data = json.loads(out.out)
    assert [s["location"].split("/")[-1] for s in data["skipped"]] == ["feed.jsonl:2", "feed.jsonl:3", "latin1.txt"]
    text = dedup("scan", folder)
    assert "3 skipped" in text.out and out.code == text.code == 0


def test_ignore_same_source_passes_an_outlets_own_archive(dedup, tmp_path):
    rows = [{"id": "wire", "text": stories.WIRE, "source": "Reuters", "published": "2023-03-14"}]
    (tmp_path / "old.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "new.jsonl").write_text(json.dumps(
        {"id": "again", "text": stories.exact_copy(), "source": "REUTERS", "published": "2023-06-01"}) + "\n")
    index = tmp_path / "i.db"
    assert dedup("index", "add", tmp_path / "old.jsonl", "--index", index).code == 0
    assert dedup("check", tmp_path / "new.jsonl", "--index", index).code == 1
    assert dedup("check", tmp_path / "new.jsonl", "--index", index, "--ignore-same-source").code == 0
    assert dedup("check", tmp_path / "new.jsonl", "--index", index, "--max-days", "30").code == 0
    assert dedup("check", tmp_path / "new.jsonl", "--index", index, "--max-days", "90").code == 1
    data = json.loads(dedup("check", tmp_path / "new.jsonl", "--index", index, "--ignore-same-source", "-f", "json").out)
    assert data["settings"]["ignore_same_source"] is True and data["clean"]
