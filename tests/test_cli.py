"""The scan command end to end: the demo, exit codes, warnings, JSON format and determinism."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import stories

ROOT = Path(__file__).resolve().parents[1]
SEED_ORIGINAL = "000_8f553da63e8cdc0a.txt"
SEED_REPRINT = "003_6e09906d83b566b2.txt"


def run(*args, cwd=ROOT):
    env = {**os.environ, "COLUMNS": "120"}
    return subprocess.run([sys.executable, "-m", "dedup", *map(str, args)], cwd=cwd, capture_output=True, text=True, env=env)


def test_demo_finds_exactly_the_seed_pair():
    out = run("scan", "seeds/")
    assert out.returncode == 0, out.stderr
    assert "1 cluster (2 articles)" in out.stdout
    assert f"origin {SEED_ORIGINAL}" in out.stdout
    assert SEED_REPRINT in out.stdout
    for other in ("001_", "002_", "004_"):
        assert other not in out.stdout


def test_seed_json_cluster_and_origin():
    out = run("scan", "seeds", "--format", "json")
    data = json.loads(out.stdout)
    assert [c["members"] for c in data["clusters"]] == [[SEED_ORIGINAL, SEED_REPRINT]]
    assert data["clusters"][0]["origin"] == SEED_ORIGINAL
    assert "Reuters" in data["clusters"][0]["origin_reason"]
    (pair,) = data["pairs"]
    assert pair["verdict"] == "reprint" and pair["cluster"] == "c1"
    assert pair["jaccard"] < 0.35 and pair["containment_a_in_b"] > 0.6  # containment, not Jaccard, finds it


def test_json_is_byte_identical_run_after_run():
    first = run("scan", "seeds", "--format", "json").stdout
    second = run("scan", "seeds", "--format", "json").stdout
    assert first and first == second


def test_json_schema(tmp_path):
    corpus = tmp_path / "c.jsonl"
    rows = [
        {"id": "wire", "text": stories.WIRE, "source": "Reuters", "published": "2023-03-14"},
        {"id": "pad", "text": stories.padded(3)},
        {"id": "cut", "text": stories.cut_tail(4)},
        {"id": "quote-a", "text": stories.QUOTE_STORY_A},
        {"id": "quote-b", "text": stories.QUOTE_STORY_B},
        {"id": "t1", "text": stories.TEMPLATE_1},
        {"id": "t2", "text": stories.TEMPLATE_2},
    ]
    corpus.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    out = run("scan", corpus, "-f", "json", "-o", tmp_path / "r.json")
    assert out.returncode == 0, out.stderr
    data = json.loads((tmp_path / "r.json").read_text())
    assert list(data) == ["format_version", "settings", "documents", "clusters", "pairs", "skipped"]
    assert [d["id"] for d in data["documents"]] == sorted(r["id"] for r in rows)
    doc = next(d for d in data["documents"] if d["id"] == "wire")
    assert set(doc) == {"id", "title", "source", "url", "published", "credits", "words", "paragraphs"}
    assert doc["credits"] == ["Reuters"] and doc["published"] == "2023-03-14"
    (cluster,) = data["clusters"]
    assert set(cluster) == {"id", "origin", "origin_reason", "members", "alignments"}
    assert [a["id"] for a in cluster["alignments"]] == ["cut", "pad"]
    assert cluster["members"] == ["cut", "pad", "wire"] and cluster["origin"] == "wire"
    pair_keys = {"a", "b", "verdict", "cluster", "jaccard", "containment_a_in_b", "containment_b_in_a", "shared_words",
                 "quoted_shared_words", "copy_share_a", "copy_share_b", "longest_passage", "conflicts", "passages",
                 "sentences_a", "sentences_b", "copied_a", "copied_b", "sentence_matches"}
    for pair in data["pairs"]:
        assert set(pair) == pair_keys
        assert pair["a"] < pair["b"]
        assert pair["verdict"] in ("duplicate", "reprint", "partial")
        for key in ("jaccard", "containment_a_in_b", "containment_b_in_a", "copy_share_a", "copy_share_b"):
            assert 0.0 <= pair[key] <= 1.0
        for passage in pair["passages"]:
            assert set(passage) == {"a_start", "b_start", "words", "quoted_words", "text"}
        for sentence in pair["sentence_matches"]:
            assert set(sentence) == {"a", "b", "how", "similarity", "quoted"} and sentence["how"] in ("exact", "edited")
        assert pair["copied_a"] <= pair["sentences_a"] and pair["copied_b"] <= pair["sentences_b"]
    verdicts = {(p["a"], p["b"]): p["verdict"] for p in data["pairs"]}
    assert ("t1", "t2") not in verdicts  # a template filled in again with other numbers: none
    assert ("quote-a", "quote-b") not in verdicts  # shared quotation: not copy
    assert data["skipped"] == []


def test_missing_path_exits_2_with_one_line():
    out = run("scan", "no/such/dir")
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "no/such/dir" in out.stderr
    assert "Traceback" not in out.stderr


def test_no_documents_exits_2(tmp_path):
    (tmp_path / "notes.csv").write_text("a,b")
    out = run("scan", tmp_path)
    assert out.returncode == 2 and "no documents" in out.stderr and "Traceback" not in out.stderr


def test_only_furniture_exits_2(tmp_path):
    (tmp_path / "menu.txt").write_text("Home\n\nNews\n\nSport\n\nLogin")
    out = run("scan", tmp_path)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "menu.txt" in out.stderr  # the warning names it


def test_bad_inputs_warn_and_the_rest_is_scanned(tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x00\x00")
    (tmp_path / "latin.txt").write_bytes(b"caf\xe9")
    (tmp_path / "c.jsonl").write_text('{"id": "w", "text": ' + json.dumps(stories.WIRE) + '}\n{oops\n{"id": "w", "text": "dup"}\n')
    (tmp_path / "r.txt").write_text(stories.cut_tail(4))
    out = run("scan", tmp_path, "--format", "json")
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    warnings = [line for line in out.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 4
    assert any("c.jsonl:2" in w and "malformed JSON" in w for w in warnings)
    assert any("c.jsonl:3" in w and "duplicate id" in w for w in warnings)
    data = json.loads(out.stdout)
    assert [c["members"] for c in data["clusters"]] == [["r.txt", "w"]]


@pytest.mark.parametrize("flag, value", [("--num-perm", "0"), ("--reprint-threshold", "1.5"), ("--shingle-size", "x")])
def test_bad_setting_exits_2(flag, value):
    out = run("scan", "seeds", flag, value)
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_bad_format_exits_2():
    out = run("scan", "seeds", "--format", "yaml")
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_text_report_to_file(tmp_path):
    out = run("scan", "seeds", "-o", tmp_path / "r.txt")
    assert out.returncode == 0 and out.stdout == ""
    assert "origin " + SEED_ORIGINAL in (tmp_path / "r.txt").read_text()


def test_a_report_file_gets_the_modes_of_a_file_the_user_writes(tmp_path):
    # written through a private temporary file, renamed into place: readable as any new file is
    # (the umask's), and a report written over an existing file keeps that file's mode
    new, kept = tmp_path / "new.json", tmp_path / "kept.json"
    kept.write_text("{}")
    kept.chmod(0o640)
    umask = os.umask(0o022)
    try:
        assert run("scan", "seeds", "-f", "json", "-o", new).returncode == 0
        assert run("scan", "seeds", "-f", "json", "-o", kept).returncode == 0
    finally:
        os.umask(umask)
    assert new.stat().st_mode & 0o777 == 0o644
    assert kept.stat().st_mode & 0o777 == 0o640 and '"clusters"' in kept.read_text()


def test_diff_two_files_every_format(tmp_path):
    a, b = f"seeds/{SEED_ORIGINAL}", f"seeds/{SEED_REPRINT}"
    out = run("diff", a, b, "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["verdict"] == "reprint" and data["summary"]["cut"] == 0
    for fmt, marker in (("markdown", "## 1. edited"), ("html", "<!DOCTYPE html>"), ("text", "edited: A¶1 → B¶1")):
        out = run("diff", a, b, "-f", fmt, "-o", tmp_path / f"d.{fmt}")
        assert out.returncode == 0, out.stderr
        assert marker in (tmp_path / f"d.{fmt}").read_text()


def test_diff_by_id_in_a_corpus(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "w", "text": stories.WIRE}) + "\n" + json.dumps({"id": "l", "text": stories.localised()}) + "\n")
    out = run("diff", "w", "l", "--corpus", corpus, "-f", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    changes = [c for blk in data["blocks"] for c in blk["changes"]]
    assert {"op": "replace", "a": "defense", "b": "defence"} in changes
    assert data["verdict"] == "duplicate"


@pytest.mark.parametrize(
    "args, message",
    [
        (["diff", "seeds/" + SEED_ORIGINAL, "missing.txt"], "no such file"),
        (["diff", "nope1", "nope2", "--corpus", "seeds"], "not in seeds"),
        (["diff", "seeds", "seeds/" + SEED_ORIGINAL], "is a folder"),
    ],
)
def test_diff_errors_exit_2(args, message):
    out = run(*args)
    assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr


def test_diff_binary_file_exits_2(tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01")
    out = run("diff", f"seeds/{SEED_ORIGINAL}", tmp_path / "bin.txt")
    assert out.returncode == 2 and "binary" in out.stderr and "Traceback" not in out.stderr


def test_eval_command(tmp_path):
    rows = [("duplicate", stories.WIRE, stories.exact_copy()), ("reprint", stories.WIRE, stories.padded(3)),
            ("none", stories.QUOTE_STORY_A, stories.QUOTE_STORY_B), ("partial", stories.WIRE, stories.borrowed())]
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("".join(json.dumps({"a": a, "b": b, "label": label}) + "\n" for label, a, b in rows) + "{bad\n")
    out = run("eval", pairs, "--sweep", "-f", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["copy"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2}
    assert data["confusion"] == [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
    assert data["sweep"] and "pairs.jsonl:5" in out.stderr
    text = run("eval", pairs)
    assert text.returncode == 0 and "copy vs not" in text.stdout


@pytest.mark.parametrize("args", [["eval", "missing.jsonl"], ["eval", "seeds/000_8f553da63e8cdc0a.txt"]])
def test_eval_errors_exit_2(args):
    out = run(*args)
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_spark_engine_without_pyspark_names_the_extra(tmp_path):
    """With pyspark hidden, --engine spark is a one-line error naming the extra."""
    blocker = tmp_path / "pyspark.py"
    blocker.write_text("raise ImportError('hidden for the test')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "dedup", "scan", "seeds", "--engine", "spark"], cwd=ROOT,
                         capture_output=True, text=True, env=env)
    assert out.returncode == 2 and "dedup-news[spark]" in out.stderr and "Traceback" not in out.stderr


# --- conventions: version, usage errors, colour, counts -------------------------------------------


def test_version_is_the_package_version():
    from dedup import __version__

    out = run("--version")
    assert out.returncode == 0 and out.stdout == f"dedup {__version__}\n"


@pytest.mark.parametrize("args, said", [
    (["scan", "--bogus", "seeds"], "No such option: --bogus"),
    (["scan"], "Missing argument"),
    (["scan", "seeds", "--format", "nope"], "'nope' is not one of"),
    (["check", "seeds"], "Missing option '--index'"),
    (["no-such-command"], "No such command"),
])
def test_a_usage_error_is_one_line_and_exit_2(args, said):
    out = run(*args)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and out.stderr.startswith("error: ") and said in out.stderr, out.stderr
    assert "╭" not in out.stderr and "Usage:" not in out.stderr


def test_a_command_without_arguments_prints_its_help():
    out = run("index")
    assert out.returncode == 2 and "add" in out.stdout and "copy" in out.stdout and out.stderr == ""


def test_no_color_is_honoured_even_when_colour_is_forced(tmp_path):
    import io

    from dedup import Document, scan
    from dedup.report import render_scan

    result = scan([Document("a", stories.WIRE), Document("b", stories.padded(3))])
    coloured, plain = io.StringIO(), io.StringIO()
    render_scan(result, coloured, color=True)
    os.environ["NO_COLOR"] = "1"
    try:
        render_scan(result, plain, color=True)
    finally:
        del os.environ["NO_COLOR"]
    assert "\x1b[3" in coloured.getvalue() and "\x1b[3" not in plain.getvalue() and "\x1b[9" not in plain.getvalue()


def test_counts_are_singular_or_plural():
    out = run("scan", "seeds")
    assert out.returncode == 0 and out.stdout.splitlines()[-1] == "5 documents, 1 cluster (2 articles), 0 partial links, 0 skipped"
    assert "1 clusters" not in out.stdout


def test_keep_drop_and_the_deduplicated_corpus(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    records = [{"id": "wire", "text": stories.WIRE, "source": "Reuters"}, {"id": "pad", "text": stories.padded(3)},
               {"id": "antwerp", "text": "\n\n".join(stories.ANTWERP_PARAGRAPHS)}, {"id": "dup", "text": stories.WIRE}]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records))
    keep, drop, dedup_out = tmp_path / "keep.txt", tmp_path / "drop.txt", tmp_path / "dedup.jsonl"
    out = run("scan", corpus, "-q", "-f", "json", "--keep", keep, "--drop", drop, "--write-deduplicated", dedup_out)
    assert out.returncode == 0, out.stderr
    (cluster,) = json.loads(out.stdout)["clusters"]
    origin, others = cluster["origin"], [m for m in cluster["members"] if m != cluster["origin"]]
    assert sorted(cluster["members"]) == ["dup", "pad", "wire"]
    order = [r["id"] for r in records]
    assert keep.read_text().split() == [i for i in order if i not in others]  # input order
    assert drop.read_text().split() == [i for i in order if i in others]
    written = [json.loads(line) for line in dedup_out.read_text().splitlines()]
    assert [(r["id"], r["reprints"]) for r in written] == [(i, others if i == origin else []) for i in keep.read_text().split()]
    assert next(r for r in written if r["id"] == origin)["text"] == stories.WIRE
    again = run("scan", dedup_out, "-f", "json")  # the deduplicated corpus holds no copy any more
    assert again.returncode == 0 and json.loads(again.stdout)["clusters"] == []


def test_shell_completion_completes_commands():
    env = {**os.environ, "_DEDUP_COMPLETE": "complete_bash", "COMP_WORDS": "dedup index co", "COMP_CWORD": "2"}
    out = subprocess.run([sys.executable, "-c", "import sys; sys.argv[0] = 'dedup'; from dedup.cli import main; main()"],
                         capture_output=True, text=True, env=env)
    assert out.returncode == 0 and out.stdout.split() == ["copy"], out.stderr
    shown = run("--show-completion", "bash")
    assert shown.returncode == 0 and "_dedup_completion" in shown.stdout


def test_pair_filters_leave_out_same_outlet_and_distant_pairs(tmp_path):
    rows = [
        {"id": "wire", "text": stories.WIRE, "source": "Reuters", "published": "2023-03-14T08:00:00Z"},
        {"id": "wire-again", "text": stories.exact_copy(), "source": " reuters", "published": "2023-03-14T09:00:00Z"},
        {"id": "late", "text": stories.cut_tail(), "source": "Daily", "published": "2023-04-30"},
        {"id": "padded", "text": stories.padded(), "url": "https://www.local.example/x", "published": "2023-03-15"},
    ]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows))

    def pairs(*flags):
        out = run("scan", corpus, "-q", "-f", "json", *flags)
        assert out.returncode == 0, out.stderr
        data = json.loads(out.stdout)
        return data["settings"], {(p["a"], p["b"]) for p in data["pairs"]}

    settings, everything = pairs()
    assert (settings["ignore_same_source"], settings["max_days"]) == (False, None)
    assert ("wire", "wire-again") in everything and ("late", "wire") in everything
    settings, same = pairs("--ignore-same-source")
    assert settings["ignore_same_source"] is True
    assert same == everything - {("wire", "wire-again")}  # Reuters and reuters: one outlet
    settings, recent = pairs("--max-days", "7")
    assert settings["max_days"] == 7
    assert recent == {p for p in everything if "late" not in p}  # 47 days after the others
    bad = run("scan", corpus, "--max-days", "-1")
    assert bad.returncode == 2 and bad.stderr.startswith("error: max_days") and bad.stderr.count("\n") == 1


def test_a_text_report_written_to_a_file_is_not_cut(tmp_path):
    long_id = "wire-" + "x" * 150
    title = "Dock workers at Europe's largest port walk off the job as automation talks collapse late on Monday night"
    rows = [{"id": long_id, "text": stories.WIRE, "title": title}, {"id": "pad", "text": stories.padded(), "title": title}]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = run("scan", corpus, "-q", "-o", tmp_path / "r.txt")
    assert out.returncode == 0, out.stderr
    text = (tmp_path / "r.txt").read_text()
    assert long_id in text and title in text and "…" not in text
    assert all(line == line.rstrip() for line in text.splitlines())
    assert max(map(len, text.splitlines())) > 250  # wider than any terminal width


def test_verbose_says_what_the_stages_did_on_stderr():
    quiet = run("scan", "seeds", "-q", "-f", "json")
    out = run("scan", "seeds", "-q", "-f", "json", "--verbose")
    assert out.returncode == 0 and out.stdout == quiet.stdout  # the report is the same
    lines = out.stderr.splitlines()
    assert lines and all(line.startswith("info: ") for line in lines)
    assert lines[0].startswith("info: 5 documents with article text, 0 skipped, in ")
    assert any(line.startswith("info: stages: ingest ") and "verify" in line for line in lines)
    assert "info: 1 candidate pair verified: 0 duplicate, 1 reprint, 0 partial; 1 cluster" in lines
    assert quiet.stderr == ""
