"""The scan API: candidates catch containment, clusters and origins, partial links kept apart."""

import os
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

import stories
from dedup import Document, InputError, Settings, _native, diff, iter_documents, scan
from dedup.report import dumps, scan_to_dict


def corpus():
    return [
        Document("outlet-pad", stories.padded(3)),
        Document("outlet-cut", stories.cut_tail(4)),
        Document("wire", stories.WIRE, source="Reuters"),
        Document("outlet-local", stories.localised()),
        Document("borrowed", stories.borrowed()),
        Document("quote-a", stories.QUOTE_STORY_A),
        Document("quote-b", stories.QUOTE_STORY_B),
        Document("t1", stories.TEMPLATE_1),
        Document("t2", stories.TEMPLATE_2),
        Document("ru-wire", stories.CYRILLIC_WIRE, published="2023-03-14T09:00:00Z"),
        Document("ru-reprint", stories.CYRILLIC_REPRINT, published="2023-03-14T11:30:00Z"),
        Document("ru-other", stories.CYRILLIC_OTHER),
    ]


def test_clusters_and_origins():
    result = scan(corpus())
    groups = {c.members: c.origin for c in result.clusters}
    assert groups == {
        ("outlet-cut", "outlet-local", "outlet-pad", "wire"): "wire",
        ("ru-reprint", "ru-wire"): "ru-wire",
    }
    verdicts = {(m.a, m.b): m.verdict for m in result.pairs}
    assert verdicts[("borrowed", "wire")] == "partial"  # reported...
    assert all("borrowed" not in c.members for c in result.clusters)  # ...never merged
    assert ("t1", "t2") not in verdicts  # a template filled in again: stock phrases (rule 5)
    assert ("quote-a", "quote-b") not in verdicts


def test_origin_by_credit_then_date_then_completeness():
    result = scan([
        Document("late", stories.cut_tail(5), published="2023-03-15"),
        Document("early", stories.padded(4), published="2023-03-14"),
    ])
    (cluster,) = result.clusters
    assert cluster.origin == "early" and cluster.origin_reason.startswith("earliest published")
    # no credit, no date: the member holding most of the others wins (wire is cut from the bottom)
    no_credit = [p.replace("(Reuters) ", "") for p in stories.WIRE_PARAGRAPHS]
    result = scan([Document("cut", "\n\n".join(no_credit[:4])), Document("full", "\n\n".join(no_credit))])
    assert result.clusters[0].origin == "full" and result.clusters[0].origin_reason == "most complete"
    # a credit beats completeness
    result = scan([Document("cut", stories.cut_tail(4)), Document("full", "\n\n".join(no_credit))])
    assert result.clusters[0].origin == "cut" and result.clusters[0].origin_reason == "wire credit: Reuters"


def test_candidates_find_low_jaccard_reprints():
    """Padded reprints have Jaccard well under any document-level LSH threshold."""
    result = scan([Document("wire", stories.WIRE), Document("pad", stories.padded(3))])
    (pair,) = result.pairs
    assert pair.jaccard < 0.3 and pair.verdict == "reprint"
    # two wire sentences among four local ones: found too, and partial (a third of the shorter text)
    (pair,) = scan([Document("wire", stories.WIRE), Document("pad", stories.padded(2))]).pairs
    assert pair.jaccard < 0.2 and pair.verdict == "partial"


def test_scan_is_deterministic_and_order_independent():
    docs = corpus()
    first = dumps(scan_to_dict(scan(docs)))
    assert dumps(scan_to_dict(scan(docs))) == first
    reordered = dumps(scan_to_dict(scan(list(reversed(docs)))))
    assert reordered == first


def test_strings_get_positional_ids_and_empty_bodies_are_skipped():
    skipped = []
    result = scan([stories.WIRE, "Home\n\nNews\n\nLogin", stories.cut_tail(3)], on_skip=skipped.append)
    assert [p.doc_id for p in result.documents] == ["0", "2"]
    assert [s.location for s in skipped] == ["1"]
    assert result.clusters[0].members == ("0", "2")


def test_bad_item_type_is_an_input_error():
    with pytest.raises(InputError, match="position 1"):
        scan([stories.WIRE, 42])


def test_settings_change_results():
    loose = scan(corpus(), Settings(partial_min_sentences=50))
    assert not any(m.verdict == "partial" for m in loose.pairs)


def test_output_identical_whatever_the_number_of_processes(monkeypatch):
    import dedup.engines.local as local

    # many chunks, pair blocks and alignment tasks, so the pool really splits every stage
    monkeypatch.setattr(local, "_CHUNK", 3)
    monkeypatch.setattr(local, "_ALIGN_CHUNK", 1)
    docs = corpus()
    alone = scan(docs, workers=1)
    assert alone.candidates > 3 and len(alone.alignments) > 1
    one = dumps(scan_to_dict(alone))
    assert dumps(scan_to_dict(scan(docs, workers=2))) == one
    assert dumps(scan_to_dict(scan(docs, workers=0))) == one
    # the tasks holding a long document run here, first; the others in the pool
    monkeypatch.setattr(local, "_HERE_CHARS", sorted(len(d.text) for d in docs)[len(docs) // 2])
    assert dumps(scan_to_dict(scan(docs, workers=2))) == one
    # a worker finds the clusters of the components it verified whole, with their alignments;
    # those of components verified in pieces are found here, and aligned by a stage of their own
    grouped_here: list = []
    groups = local._groups

    def spied(prepared, matches):
        grouped_here.append(groups(prepared, matches))
        return grouped_here[-1]

    monkeypatch.setattr(local, "_groups", spied)
    monkeypatch.setattr(local, "_VERIFY_CHUNK", 1)
    for most, here in ((1, True), (4096, False)):
        monkeypatch.setattr(local, "_VERIFY_MOST", most)
        assert dumps(scan_to_dict(scan(docs, workers=2))) == one
        assert bool(grouped_here[-1]) == here


def test_records_from_workers_pickle_as_their_fields():
    """Matches and alignments come back from workers by the thousand: each is pickled as its
    class and its fields' values (not the slow state of a frozen dataclass), made again without
    ``__init__`` (in C where the fields are slots), and unpickles equal, of its class."""
    import dataclasses
    import pickle

    from dedup import _pickling

    result = scan(corpus())
    records = list(result.pairs) + list(result.alignments.values())
    nested = [b for a in result.alignments.values() for b in a.blocks]
    nested += [c for b in nested for c in b.changes] + [s for m in result.pairs for s in m.sentence_matches]
    nested += [p for m in result.pairs for p in m.passages]
    assert {type(r).__name__ for r in records + nested} >= {"Match", "Alignment", "Block", "Change", "SentenceMatch",
                                                             "SharedPassage"}
    for record in records + nested:
        restore, (cls, names, values) = record.__reduce__()
        slots = "__slots__" in cls.__dict__  # (made by the compiled function, no __init__ called)
        assert restore is (_native.cleaning.record if slots and _native.cleaning else _pickling._restored) and cls is type(record)
        assert names == tuple(f.name for f in dataclasses.fields(record))
        assert values == tuple(getattr(record, f.name) for f in dataclasses.fields(record))
    again = pickle.loads(pickle.dumps(records + nested))
    assert again == records + nested and [type(r) for r in again] == [type(r) for r in records + nested]
    assert [hash(r) for r in again] == [hash(r) for r in records + nested]
    with pytest.MonkeyPatch.context() as mp:  # the reference path: the class called on the values
        mp.setattr(_native, "cleaning", None)
        assert {r.__reduce__()[0] for r in records + nested} == {_pickling._restored}
        assert pickle.loads(pickle.dumps(records + nested)) == records + nested


def test_records_made_without_init_name_their_fields_in_order():
    # dedup._pickling.made() stores a row's values in the fields named, as __init__ would: the names
    # are the dataclass's fields, in order, and no __post_init__ is skipped
    import dataclasses

    from dedup import sentences, tokens, verify

    for names, cls in ((sentences._MATCH_FIELDS, sentences.SentenceMatch), (sentences._SIDE_FIELDS, sentences.Side),
                       (verify._PASSAGE_FIELDS, verify.SharedPassage), (verify._MATCH_FIELDS, verify.Match),
                       (tokens._WORDS_FIELDS, tokens.Words)):
        assert names == tuple(f.name for f in dataclasses.fields(cls)) and not hasattr(cls, "__post_init__")


@pytest.mark.parametrize("workers", [1, 2])
def test_template_lines_counted_by_hash_are_those_counted_by_string(monkeypatch, workers):
    import dedup.engines.local as local
    from dedup.clean import find_template_lines
    from dedup.engines.pool import Pool

    menu = ["Home | World | Business", "Sign up for our newsletter", "Share this article", "Most read"]
    settings = Settings()
    least = settings.template_min_docs
    texts = [
        "\n\n".join([menu[k % 4], menu[(k + 1) % 4], stories.WIRE if k % 3 else stories.TEMPLATE_1, menu[k % 2]]
                    + ["Just often enough"] * (k < least) + ["Once too few"] * (k < least - 1))
        for k in range(40)
    ] + [d.text for d in corpus()]
    expected = find_template_lines(texts, **settings.for_step("templates"))
    assert {"just often enough", "home world business"} <= expected and "once too few" not in expected
    monkeypatch.setattr(local, "_CHUNK", 3)  # many tasks
    with Pool(workers, inherit=texts) as pool:
        assert local._templates(pool, np.array(list(map(len, texts))), settings, workers) == expected
        # a process that hashed keys otherwise than this one: counted by string instead
        monkeypatch.setattr(local, "_PROBE", "another salt")
        assert local._templates(pool, np.array(list(map(len, texts))), settings, workers) == expected


def test_the_ways_of_long_texts_give_the_same_scan(monkeypatch):
    # Every way a long text takes, for these short ones: bodies tokenised in parts (cut at
    # paragraph breaks: every paragraph fits in a part), documents signed in parts of a few
    # shingles, pairs matched one at a time, alignments in tiles of word lists made when asked.
    import importlib

    from dedup.clean import clean

    docs = corpus()
    whole = dumps(scan_to_dict(scan(docs, workers=1)))
    longest = max(len(p) for d in docs for p in clean(d.text).body)
    monkeypatch.setattr(importlib.import_module("dedup.tokens"), "PART_CODE_POINTS", 2 * longest)
    monkeypatch.setattr(importlib.import_module("dedup.sign"), "_BATCH_SHINGLES", 16)
    monkeypatch.setattr(importlib.import_module("dedup.sign"), "_SHINGLE_STEP", 7)
    monkeypatch.setattr(importlib.import_module("dedup.verify"), "_LONG_PAIR", 50)
    monkeypatch.setattr(importlib.import_module("dedup.verify"), "_STEP", 9)
    align_module = importlib.import_module("dedup.align")
    for name, value in (("_TILE_CELLS", 5), ("_TILE_SIDE", 4), ("_EAGER_WORDS", -1)):
        monkeypatch.setattr(align_module, name, value)
    assert dumps(scan_to_dict(scan(docs, workers=1))) == whole


def _where(k, label, remote=False):
    import time

    time.sleep(0.002 * (k % 3))  # uneven tasks
    return k, label, remote


def test_pool_runs_tasks_here_and_in_workers_and_keeps_their_order():
    from functools import partial

    from dedup.engines.pool import Pool

    with Pool(3) as pool:
        results = list(pool.starmap(_where, ((k, f"task {k}") for k in range(60)), remote=partial(_where, remote=True)))
    assert [(k, label) for k, label, _ in results] == [(k, f"task {k}") for k in range(60)]
    places = {remote for _, _, remote in results}
    assert places == {True, False}  # this process ran tasks too



def _sized(k: int, size: int) -> tuple[int, bytes, np.ndarray]:
    return k, bytes([k % 251]) * size, np.full(size // 8, k, dtype=np.int64)


def test_results_of_every_size_come_back_whole_in_a_buffer_used_again():
    # a worker's results are read into one buffer, grown as needed (and let go past 16 pipes):
    # each result, unpickled from it, is whole and owns its data, whatever came before or after
    from dedup.engines.pool import _PIPE, Pool

    sizes = [10, 3 << 20, 100, 17 * _PIPE, 5, 2 << 20, 0, 64]
    with Pool(2) as pool:
        found = list(pool.starmap(_sized, [(k, size) for k, size in enumerate(sizes * 4)]))
        assert len(pool._workers[0].buffer) <= 16 * _PIPE
    assert len(found) == len(sizes) * 4
    for (k, data, numbers), size in zip(found, sizes * 4):  # (read after all came: none is a view of the buffer)
        assert data == bytes([k % 251]) * size and numbers.tolist() == [k] * (size // 8)

def _texts_at(start, end, remote=False):
    import time

    from dedup.engines.pool import inherited

    time.sleep(0.002)  # slow enough for the worker to take tasks
    return os.getpid(), inherited(start, end) if remote else None


def test_workers_read_the_texts_they_inherit():
    from functools import partial

    from dedup.engines.pool import Pool, inherited

    texts = [f"text {k} " * (k % 5) + "Путин" * (k % 3) for k in range(40)]
    with Pool(2, inherit=texts) as pool:
        found = list(pool.starmap(_texts_at, [(a, a + 3) for a in range(0, 40, 3)], remote=partial(_texts_at, remote=True)))
    read = [(a, got) for a, (pid, got) in zip(range(0, 40, 3), found) if pid != os.getpid()]
    assert read and all(got == texts[a : a + 3] for a, got in read)
    with pytest.raises(RuntimeError, match="inherit"):
        inherited(0, 1)  # no pool open with texts to inherit


def _task(k, fail_at=-1, die_at=-1, size=0):
    import time

    time.sleep(0.002)  # slow enough for the workers to take tasks
    if k == fail_at:
        raise InputError(f"task {k} failed")
    if k == die_at:
        os._exit(3)  # as a worker killed (out of memory) ends
    return k, os.getpid(), "x" * size


def test_a_workers_error_reaches_the_caller_and_the_pool_closes():
    from functools import partial

    from dedup.engines.pool import Pool

    with pytest.raises(InputError, match="task 4 failed"):
        with Pool(3) as pool:
            workers = list(pool._workers)
            list(pool.starmap(_task, [(k,) for k in range(40)], remote=partial(_task, fail_at=4)))  # (the first tasks go to the workers)
    assert len(workers) == 2 and all(w.join(5) for w in workers)


def test_a_worker_that_dies_is_an_error_not_a_hang():
    from functools import partial

    from dedup.engines.pool import Pool

    with pytest.raises(RuntimeError, match="worker process ended"):
        with Pool(2) as pool:
            list(pool.starmap(_task, [(k,) for k in range(40)], remote=partial(_task, die_at=1)))  # (the first tasks go to the worker)


def test_the_pool_gives_every_result_after_a_caller_stopped_early_and_with_large_ones():
    from dedup.engines.pool import _PIPE, Pool

    with Pool(3) as pool:
        first = pool.starmap(_task, [(k,) for k in range(30)])
        assert [next(first)[0] for _ in range(3)] == [0, 1, 2]  # the rest left unread
        big = list(pool.starmap(_task, [(k, -1, -1, _PIPE // 2) for k in range(12)]))  # two no longer fit in a pipe
        assert [k for k, _, _ in big] == list(range(12)) and all(len(x) == _PIPE // 2 for _, _, x in big)
        assert len({pid for _, pid, _ in big}) > 1
        workers = list(pool._workers)
    assert all(w.join(5) for w in workers)  # ended (waited for by a thread)


def _slow(k, log):
    import time

    with open(log, "a") as f:
        f.write(f"{k}\n")
    time.sleep(0.02)
    return k, os.getpid()


def test_a_workers_last_tasks_are_taken_back_and_skipped(tmp_path):
    from dedup.engines.pool import Pool

    log = tmp_path / "runs"
    with Pool(2) as pool:
        # the worker is given tasks 0-2 (three at most), this process runs 3; then, rather than wait,
        # takes back 2 (the worker still runs 1): the worker skips it
        found = list(pool.starmap(_slow, [(k, log) for k in range(4)]))
        assert [k for k, _ in found] == [0, 1, 2, 3]
        assert [pid == os.getpid() for _, pid in found] == [False, False, True, True]
        again = list(pool.starmap(_slow, [(k, log) for k in range(4, 8)]))  # (its answer to 2 read first)
        assert [k for k, _ in again] == [4, 5, 6, 7]
    assert sorted(map(int, log.read_text().split())) == list(range(8))  # each run once


def _collecting(k):
    import gc
    import time

    time.sleep(0.002)
    return os.getpid(), gc.isenabled()


def test_the_collector_is_off_while_a_pool_is_open_and_as_it_was_after():
    import gc

    from dedup.engines.pool import Pool

    assert gc.isenabled()
    with Pool(2) as pool:
        seen = list(pool.starmap(_collecting, [(k,) for k in range(20)]))
        assert not gc.isenabled()
    assert len({pid for pid, _ in seen}) == 2 and not any(on for _, on in seen)  # here and in the worker
    assert gc.isenabled()
    with Pool(1):
        kept = [[k] for k in range(1000)]
    # what the pool's user made and keeps is in the oldest generation, not the youngest (where
    # the next collection would go over all of it)
    assert not any(o is kept[0] for o in gc.get_objects(generation=0))
    assert any(o is kept[0] for o in gc.get_objects(generation=2))
    gc.disable()
    try:
        with Pool(1):
            pass
        assert not gc.isenabled()  # off before: off after
    finally:
        gc.enable()


def test_bad_workers_is_a_config_error():
    from dedup import ConfigError

    with pytest.raises(ConfigError, match="workers"):
        scan(corpus(), workers=-1)


def test_results_print_as_counts_not_as_the_corpus():
    from dedup.check import check
    from dedup.index import Index

    result = scan([Document("wire", stories.WIRE), Document("pad", stories.padded(3))])
    assert repr(result) == "ScanResult(documents=2, clusters=1, pairs=1, skipped=0)"
    assert repr(result.documents[0]).startswith("Prepared('") and len(repr(result.documents)) < 100
    with Index.create("repr-test", backend="memory") as index:
        index.add([Document("wire", stories.WIRE)])
        checked = check([Document("pad", stories.padded(3))], index)
        assert repr(checked) == "CheckResult(articles=1, failed=1, skipped=0, indexed=1, clean=False)"
        index.drop()


def test_results_as_dicts_and_pandas_tables(seeds, monkeypatch):
    from dedup import report
    from dedup.check import check
    from dedup.errors import ConfigError, MissingDependencyError
    from dedup.index import Index

    pytest.importorskip("pandas")
    result = scan(list(iter_documents([seeds])))
    assert result.to_dict() == report.scan_to_dict(result)
    documents = result.to_pandas("documents")
    assert len(documents) == 5 and list(documents.columns) == list(report.SCAN_COLUMNS["documents"])
    clustered = documents.dropna(subset=["cluster"])
    assert sorted(clustered["id"]) == ["000_8f553da63e8cdc0a.txt", "003_6e09906d83b566b2.txt"]
    assert set(clustered["origin"]) == {"000_8f553da63e8cdc0a.txt"}
    pairs = result.to_pandas()
    assert pairs[["a", "b", "verdict", "cluster"]].values.tolist() == [
        ["000_8f553da63e8cdc0a.txt", "003_6e09906d83b566b2.txt", "reprint", "c1"]]
    assert result.to_pandas("clusters")["size"].tolist() == [2]
    assert result.to_pandas("alignments")[["id", "added", "cut"]].values.tolist() == [["003_6e09906d83b566b2.txt", 13, 0]]
    assert result.to_pandas("skipped").empty and list(result.to_pandas("skipped").columns) == ["location", "reason"]
    with pytest.raises(ConfigError, match="table must be one of documents, pairs"):
        result.to_pandas("pair")

    d = diff(Document("wire", stories.WIRE), Document("pad", stories.padded(3)))
    assert d.to_dict() == report.diff_to_dict(d)
    with Index.create("frames-test", backend="memory") as index:
        index.add([Document("wire", stories.WIRE)])
        checked = check([Document("pad", stories.padded(3)), Document("other", "The orchestra announced its new season on Friday, with three premieres and a tour of Japan in the autumn.")], index)
        index.drop()
    assert checked.to_dict() == report.check_to_dict(checked)
    rows = checked.to_pandas()
    assert rows["id"].tolist() == ["other", "pad"] and rows["failed"].tolist() == [False, True]
    assert rows["match"].isna().tolist() == [True, False]  # "other" matches nothing: one row, empty
    assert rows.loc[1, ["match", "verdict", "fails"]].tolist() == ["wire", "reprint", True]

    monkeypatch.setitem(sys.modules, "pandas", None)  # as if pandas were not installed
    with pytest.raises(MissingDependencyError, match=r"pip install 'dedup-news\[pandas\]'"):
        result.to_pandas()


@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)).filter(lambda p: p[0] != p[1]), max_size=120),
       st.integers(1, 8), st.integers(1, 20))
def test_verify_blocks_keep_components_whole(edges, size, most):
    import dedup.engines.local as local

    pairs = sorted({(min(e), max(e)) for e in edges})
    grouped = local._by_component([list(p) for p in pairs])
    assert local._by_component(np.array(pairs, dtype=np.int64).reshape(-1, 2)) == grouped
    with pytest.MonkeyPatch.context() as mp:  # the components found in C are the reference's
        mp.setattr(_native, "speedups", None)
        assert local._by_component([list(p) for p in pairs]) == grouped
    blocks, whole = local._blocks(grouped, size, most)
    assert len(whole) == len(blocks)
    # every pair once; the largest blocks first
    assert sorted(tuple(p) for b in blocks for p in b) == pairs
    assert [len(b) for b in blocks] == sorted((len(b) for b in blocks), reverse=True)
    for component in grouped:
        holding = [k for k, b in enumerate(blocks) if any(p in b for p in component)]
        if len(component) <= most or len(component) <= size:  # whole: in one block, which says so
            assert len(holding) == 1 and whole[holding[0]]
        else:  # in pieces of ``most`` pairs, each a block of its own, which says it is not whole
            assert len(holding) == -(-len(component) // most) and not any(whole[k] for k in holding)
            assert all(set(map(tuple, blocks[k])) <= set(map(tuple, component)) for k in holding)
    assert all(len(b) <= max(size, most) for b in blocks)
