"""The Spark engine gives the local engine's result: same clusters, origins, verdicts, reports.

Runs Spark in local mode (``local[2]``, 4 shuffle partitions, no UI); skipped when
pyspark is not installed (``pip install 'dedup-news[spark]'``).
"""

from __future__ import annotations

import json
import random
import sys

import numpy as np
import pytest

pytest.importorskip("pyspark")
pytest.importorskip("pyarrow")

from dedup import Document, MissingDependencyError, Settings, iter_documents, scan  # noqa: E402
from dedup.engines import spark as ds  # noqa: E402
from dedup.report import dumps, scan_to_dict  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")  # pyspark on pandas 3


@pytest.fixture(scope="module")
def spark():
    session = ds.session("local[2]", config={
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": "4",
        "spark.default.parallelism": "4",
    })
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def report(result) -> str:
    return dumps(scan_to_dict(result))


def assert_same(local, spark_result) -> None:
    """Byte-identical JSON reports (which sort documents and pairs, and number clusters)."""
    mine, theirs = report(ds.to_scan_result(spark_result, ingest_skips=False)), report(local)
    if mine != theirs:  # a readable diff instead of two huge strings
        import difflib

        diff = "".join(list(difflib.unified_diff(theirs.splitlines(True), mine.splitlines(True), "local", "spark"))[:120])
        pytest.fail("Spark report differs from the local one:\n" + diff)


# --- a synthetic corpus with known reprints --------------------------------------------------------

_SYLLABLES = ["ka", "lo", "mi", "ran", "to", "sel", "vi", "nor", "pa", "dre", "su", "mon", "te", "gal", "ri", "bo",
              "zen", "fa", "lu", "kor", "ne", "ves", "da", "pim"]
DISCLAIMER = (
    "This article was produced with the support of the regional press fund, which does not influence editorial "
    "decisions; readers who wish to report an error or request a correction can write to the standards desk, "
    "which answers every message within five working days."
)


def synthetic_corpus(n_stories: int = 700, seed: int = 7) -> list[tuple[str, str, str | None, str | None]]:
    """(id, text, source, published) rows: invented stories, their reprints and traps.

    - stories: random sentences over an invented vocabulary, a headline, 3-6 paragraphs;
      a third carry a wire dateline (``CITY (Reuters) -``), some a publication date;
    - reprints of 40% of them: cut from the bottom, padded with paragraphs of another
      story, paragraphs moved, a word changed, re-scraped with furniture, and reprints of
      reprints (chains);
    - traps: a 45-word disclaimer in 230 stories (one candidate bucket over max_bucket:
      star + chain), site template lines, repeated ids, a page with no article text.
    """
    rng = random.Random(seed)
    vocab = sorted({"".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3))) for _ in range(6000)})

    def sentence() -> str:
        words = [rng.choice(vocab) for _ in range(rng.randint(8, 22))]
        if rng.random() < 0.2:
            words += [str(rng.randint(2, 900)), rng.choice(["percent", "million", "tonnes"])]
        return " ".join(words).capitalize() + "."

    def paragraph() -> str:
        return " ".join(sentence() for _ in range(rng.randint(2, 3)))

    stories = []
    for i in range(n_stories):
        paragraphs = [paragraph() for _ in range(rng.randint(3, 6))]
        if i % 3 == 0:
            paragraphs[0] = f"{rng.choice(vocab).upper()} (Reuters) - {paragraphs[0]}"
        published = f"2023-0{rng.randint(1, 9)}-{rng.randint(10, 28)}" if i % 4 == 0 else None
        stories.append((f"story-{i:04d}", sentence()[:-1], paragraphs, published))

    rows = []

    def add(doc_id, headline, paragraphs, published=None, source=None, furniture=False):
        parts = [headline, *paragraphs]
        if doc_id.endswith("7"):
            parts.append("Sign up for our newsletter")
        if furniture:
            parts = ["Business | World", *parts, "Related article: " + rng.choice(vocab), "12 Comments"]
        rows.append((doc_id, "\n\n".join(parts), source, published))

    disclaimed = set(rng.sample(range(n_stories), min(230, n_stories // 3)))
    for i, (doc_id, headline, paragraphs, published) in enumerate(stories):
        body = paragraphs + ([DISCLAIMER] if i in disclaimed else [])
        add(doc_id, headline, body, published, "Reuters" if i % 5 == 0 else None)
    for i, (doc_id, headline, paragraphs, published) in enumerate(stories):
        if rng.random() > 0.4:
            continue
        kinds = rng.sample(["cut", "pad", "move", "edit", "scrape"], rng.randint(1, 3))
        previous = paragraphs
        for k, kind in enumerate(kinds):
            base = previous if k and rng.random() < 0.5 else paragraphs  # a reprint of a reprint: chains
            if kind == "cut":
                new = base[: max(2, len(base) // 2)]
            elif kind == "pad":
                other = stories[rng.randrange(n_stories)][2]
                new = base[:3] + other[-2:]
            elif kind == "move":
                new = [base[0], *base[2:], base[1]]
            elif kind == "edit":
                words = base[1].split()
                words[len(words) // 2] = rng.choice(vocab)
                new = [base[0], " ".join(words), *base[2:]]
            else:
                new = list(base)
            date = f"2023-1{rng.randint(0, 2)}-{rng.randint(10, 28)}" if rng.random() < 0.3 else None
            add(f"{doc_id}-{kind}", headline.upper() if rng.random() < 0.5 else headline, new, date,
                furniture=kind == "scrape")
            previous = new
    rows.append(("story-0001", "A repeated id: this row is skipped, the first one is kept.", None, None))
    rows.append(("story-0002", rows[5][1], None, None))
    rows.append(("no-text", "Advertisement", None, None))
    rng.shuffle(rows)
    return rows


def test_synthetic_corpus_parity(spark):
    rows = synthetic_corpus()
    local = scan([Document(i, t, source=s, published=p) for i, t, s, p in rows])
    assert len(local.clusters) > 150 and any(len(c.members) >= 3 for c in local.clusters)
    assert {m.verdict for m in local.pairs} == {"duplicate", "reprint", "partial"}
    assert len(local.skipped) == 3  # two repeated ids and the page without text
    # the disclaimer makes candidate buckets over max_bucket (200): linked as star + chain
    keys = np.concatenate([np.unique(p.signature.band_keys) for p in local.documents])
    assert np.unique(keys, return_counts=True)[1].max() > 200
    # rows no Document could hold are skipped with the reasons dedup.ingest gives
    bad = [(None, "No id.", None, None), ("no-body", None, None, None), ("blank", "  \n ", None, None)]
    df = spark.createDataFrame(rows[:700] + bad + rows[700:], "id string, text string, source string, published string")
    result = ds.scan_dataframe(df)
    assert result.candidates == local.candidates
    assert_same(local, result)
    skipped = sorted((r.location, r.reason) for r in result.skipped.where("stage = 'ingest'").collect())
    assert skipped == [
        ("row 701", "missing or invalid 'id' (a non-empty string or integer)"),
        ("row 702", "missing or invalid 'text' (a string)"),
        ("row 703", "empty document"),
    ]
    # the tables hold what the report says
    assert result.clusters.count() == len(local.clusters)
    assert result.pairs.count() == len(local.pairs)
    assert result.alignments.count() == sum(len(c.members) - 1 for c in local.clusters)
    first = result.clusters.where("id = 'c1'").first()
    assert (first.origin, tuple(first.members)) == (local.clusters[0].origin, local.clusters[0].members)


def test_seeds(spark, seeds):
    rows = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(seeds.glob("*.txt"))]
    result = ds.scan_dataframe(spark.createDataFrame(rows, "id string, text string"))
    local = scan([Document(i, t) for i, t in rows])
    assert [c.members for c in local.clusters] == [("000_8f553da63e8cdc0a.txt", "003_6e09906d83b566b2.txt")]
    assert_same(local, result)


def test_scan_command_is_what_the_cli_prints(spark, seeds):
    """`dedup scan --engine spark seeds/`: text files read as dedup.ingest reads them."""
    result = ds.scan_command([seeds], Settings())
    assert report(result) == report(scan(list(iter_documents([seeds]))))
    with pytest.raises(ds.InputError, match="no such file"):
        ds.scan_command([seeds / "missing"], Settings())


def test_files_jsonl_parquet_and_outputs(spark, tmp_path):
    rows = synthetic_corpus(40, seed=5)
    lines = [json.dumps({"id": i, "text": t, "source": s, "published": p}) for i, t, s, p in rows]
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    # lines end as Hadoop ends them for both engines: a bare \r ends one, a raw U+2028 in a string does not
    i, t, src, pub = rows[2]
    lines[2] = json.dumps({"id": i, "text": t + "\u2028More words.", "source": src, "published": pub}, ensure_ascii=False)
    a_jsonl = lines[0] + "\r" + "\n".join(lines[1:30] + ["{broken", '{"id": true, "text": "x"}', ""]) + "\n"
    (corpus / "a.jsonl").write_bytes(a_jsonl.encode())
    (corpus / "notes.md").write_text("Short note about the harbour and its ships.\n")
    (corpus / ".hidden.jsonl").write_text("{broken\n")
    (corpus / "sub" / "b.jsonl").write_text("\n".join(lines[30:50]) + "\n")
    parquet = [(i, t, s, p) for i, t, s, p in rows[50:]] + [("story-0003", "A repeated id.", None, None)]
    spark.createDataFrame(parquet, "id string, text string, source string, published string").coalesce(1).write.parquet(
        str(corpus / "sub" / "c.parquet"))
    # locally: the text and JSONL files as dedup.ingest reads them, then the Parquet rows
    skipped = []
    docs = list(iter_documents([corpus], on_skip=skipped.append))
    seen = {d.doc_id for d in docs}
    for i, t, s, p in parquet:
        if i not in seen:
            seen.add(i)
            docs.append(Document(i, t, source=s, published=p))
    local = scan(docs)
    result = ds.scan_paths([str(corpus)], spark=spark, output=str(tmp_path / "out"), output_format="jsonl")
    assert_same(local, result)
    mine = [(r.location, r.reason) for r in sorted(result.skipped.where("stage = 'ingest'").collect(), key=lambda r: r.idx)]
    assert mine[: len(skipped)] == [(s.location, s.reason) for s in skipped]
    assert sorted(reason.split(" (")[0] for _, reason in mine) == [
        "duplicate id 'story-0001'", "duplicate id 'story-0002'", "duplicate id 'story-0003'",
        "malformed JSON", "missing or invalid 'id'"]
    assert mine[-1][0] == f"{corpus}/sub/c.parquet/{next((corpus / 'sub' / 'c.parquet').glob('*.parquet')).name}:{len(parquet)}"
    written = {t: spark.read.json(str(tmp_path / "out" / t)) for t in ds.TABLES}
    assert written["pairs"].count() == len(local.pairs)
    assert written["clusters"].count() == len(local.clusters)


def test_files_skipped_by_the_rules_of_dedup_ingest(spark, tmp_path):
    """Kinds, hidden names, the size limit and the text checks are dedup.ingest's, on Spark too."""
    from dedup import ingest

    good = "The harbour authority said on Monday that the new quay would open in the spring."
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "old.txt").write_text(good)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.MD").write_text(good + " Second.")
    (tmp_path / "a.txt").write_text(good)
    with open(tmp_path / "long.txt", "wb") as f:
        f.truncate(ingest.MAX_ARTICLE_BYTES + 1)  # sparse: skipped by its size, never read
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "latin.text").write_bytes(b"caf\xe9 au lait")
    (tmp_path / "empty.markdown").write_text("  \n")
    (tmp_path / "notes.pdf").write_text(good)
    (tmp_path / "README.txt").write_text(good)
    (tmp_path / ".hidden.txt").write_text(good)
    skipped = []
    docs = list(iter_documents([tmp_path], on_skip=skipped.append))
    result = ds.scan_paths([str(tmp_path)], spark=spark)
    mine = [(r.location, r.reason) for r in sorted(result.skipped.where("stage = 'ingest'").collect(), key=lambda r: r.idx)]
    assert mine == [(s.location, s.reason) for s in skipped] and len(mine) == 4
    assert result.counts["documents"] == len(docs) == 2
    result.unpersist()


def test_components_settle_on_long_chains(spark):
    n = 300  # a path 0-1-2-...: min-label propagation alone would need 300 rounds
    edges = spark.createDataFrame([(i, i + 1) for i in range(n - 1)] + [(1000, 1001)], "u bigint, v bigint")
    labels = ds._components(edges, max_iterations=20, checkpoint_interval=2)
    got = {r.node: r.comp for r in labels.collect()}
    assert got == {**{i: 0 for i in range(n)}, 1000: 1000, 1001: 1000}
    with pytest.raises(ds.ConfigError, match="did not settle"):
        ds._components(edges, max_iterations=2, checkpoint_interval=1)


def test_missing_pyspark_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(MissingDependencyError, match=r"dedup-news\[spark\]"):
        ds.scan_paths(["anything"])


def test_web_pages_read_alike_on_spark(spark, tmp_path):
    """A folder of pages (one gzipped, one a reprint of the other, one with no text) and a text
    file: the same documents, metadata and report on both engines."""
    import gzip

    import stories
    from test_ingest import _page

    (tmp_path / "wire.html").write_text(_page("Dock workers strike at Rotterdam", stories.WIRE_PARAGRAPHS))
    (tmp_path / "local.html.gz").write_bytes(gzip.compress(_page("Strike at Rotterdam", stories.WIRE_PARAGRAPHS[:4]).encode()))
    (tmp_path / "empty.html").write_text("<html><body><img src='a.png'></body></html>")
    (tmp_path / "other.txt").write_text(stories.QUOTE_STORY_B)
    skipped = []
    docs = list(iter_documents([tmp_path], on_skip=skipped.append))
    local = scan(docs)
    assert local.clusters and {d.doc_id for d in docs} == {"wire.html", "local.html.gz", "other.txt"}
    result = ds.scan_paths([str(tmp_path)], spark=spark)
    assert_same(local, result)
    mine = [(r.location, r.reason) for r in sorted(result.skipped.where("stage = 'ingest'").collect(), key=lambda r: r.idx)]
    assert mine == [(s.location, s.reason) for s in skipped] and len(mine) == 1
    result.unpersist()


def test_dates_are_normalised_alike_on_spark(spark, tmp_path):
    import stories

    rows = [{"id": "wire", "text": stories.WIRE, "published": "Tue, 14 Mar 2023 09:00:00 GMT"},
            {"id": "local", "text": stories.padded(3), "published": "14-MAR-2023 11:30:00.5"}]
    (tmp_path / "c.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    docs = list(iter_documents([tmp_path]))
    assert [d.published for d in docs] == ["2023-03-14T09:00:00Z", "2023-03-14T11:30:00"]
    result = ds.scan_paths([str(tmp_path)], spark=spark)
    assert_same(scan(docs), result)
    result.unpersist()


def test_pair_filters_alike_on_spark(spark):
    """--ignore-same-source and --max-days leave out the same pairs on both engines."""
    from dedup.candidates import outlet, published_seconds

    outlets = ["Reuters", "AP", None, " reuters"]
    rows = [(doc_id, text, outlets[k % 4], f"2023-03-{1 + k % 28:02d}T{k % 24:02d}:00:00Z" if k % 3 else None)
            for k, (doc_id, text, _, _) in enumerate(synthetic_corpus(240, seed=3))]
    docs = [Document(i, t, source=s, published=p) for i, t, s, p in rows]
    settings = Settings(ignore_same_source=True, max_days=5)
    everything, local = scan(docs), scan(docs, settings)
    assert 0 < len(local.pairs) < len(everything.pairs)
    meta: dict = {}
    for d in docs:  # a repeated id: the scan keeps the first
        meta.setdefault(d.doc_id, (outlet(d.source, d.url), published_seconds(d.published)))
    for m in local.pairs:
        (oa, ta), (ob, tb) = meta[m.a], meta[m.b]
        assert oa is None or oa != ob
        assert ta is None or tb is None or abs(ta - tb) <= 5 * 86400
    kept = {(m.a, m.b) for m in local.pairs}
    assert kept < {(m.a, m.b) for m in everything.pairs}  # nothing new, only pairs left out
    df = spark.createDataFrame(rows, "id string, text string, source string, published string")
    assert_same(local, ds.scan_dataframe(df, settings))
