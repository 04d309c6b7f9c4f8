"""dedup eval: metrics on labelled pairs, the threshold sweep, bad lines."""

import json

import pytest

import stories
from dedup import InputError
from dedup.evaluate import LabelledPair, evaluate, read_pairs, sweep


def labelled():
    return [
        LabelledPair("1", stories.WIRE, stories.exact_copy(), "duplicate"),
        LabelledPair("2", stories.WIRE, stories.padded(3), "reprint"),
        LabelledPair("3", stories.WIRE, stories.cut_tail(4), "reprint"),
        LabelledPair("4", stories.WIRE, stories.borrowed(), "partial"),
        LabelledPair("5", stories.QUOTE_STORY_A, stories.QUOTE_STORY_B, "none"),
        LabelledPair("6", stories.TEMPLATE_1, stories.TEMPLATE_2, "none"),  # a newsroom may call templates unrelated
    ]


def test_metrics_and_confusion():
    ev = evaluate(labelled())
    assert ev.pairs == 6
    assert ev.copy == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 3}
    assert ev.per_class["duplicate"]["recall"] == 1.0
    # the templated pair is none by the definitions (fill-in-the-blank stories: rule 5)
    none_row = ev.confusion[3]
    assert none_row == (0, 0, 0, 2)
    assert ev.per_class["none"]["recall"] == 1.0
    assert ev.per_class["partial"]["precision"] == 1.0
    assert ev.false_copies == {"count": 0, "of": 2} and ev.partial_found == {"count": 1, "of": 1}
    data = ev.to_dict()
    assert data["labels"] == ["duplicate", "reprint", "partial", "none"] and data["pairs"] == 6


def test_sweep_traces_the_threshold():
    points = sweep(evaluate(labelled()))
    thresholds = [p["threshold"] for p in points]
    assert thresholds == sorted(thresholds)
    assert all(0 <= p["precision"] <= 1 and 0 <= p["recall"] <= 1 for p in points)
    assert points[0]["recall"] == 1.0  # the lowest threshold keeps every copy


def test_sweep_needs_both_kinds():
    with pytest.raises(InputError, match="both kinds"):
        sweep(evaluate(labelled()[:3]))


def test_read_pairs_reports_bad_lines(tmp_path):
    f = tmp_path / "pairs.jsonl"
    rows = [
        json.dumps({"a": "x y", "b": "x y", "label": "duplicate"}),
        "{broken",
        json.dumps({"a": "x", "b": "y", "label": "same"}),
        json.dumps({"a": 1, "b": "y", "label": "none"}),
        json.dumps({"a_id": "w", "b_id": "c", "label": "reprint"}),
    ]
    f.write_text("\n".join(rows) + "\n")
    skipped = []
    pairs = read_pairs(f, on_skip=skipped.append)
    assert [p.pair_id for p in pairs] == [f"{f}:1"]
    assert [s.location.rsplit(":", 1)[1] for s in skipped] == ["2", "3", "4", "5"]
    from dedup import Document

    corpus = {"w": Document("w", stories.WIRE), "c": Document("c", stories.cut_tail(3))}
    pairs = read_pairs(f, corpus=corpus)
    assert pairs[-1].a == stories.WIRE and pairs[-1].label == "reprint"


def test_no_pairs_is_an_input_error():
    with pytest.raises(InputError):
        evaluate([])
