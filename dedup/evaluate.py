"""Evaluate: dedup's verdicts against a user's own labelled pairs (scikit-learn metrics).

A newsroom labels pairs of its own articles ``duplicate``, ``reprint``, ``partial`` or
``none``; :func:`evaluate` runs the verdicts and reports precision, recall and F1 per
class and for *copy* (duplicate + reprint) against *not copy*, with the confusion
matrix. :func:`sweep` traces precision and recall of the copy decision over the
``reprint_threshold`` (the score it thresholds is a pair's larger copy share), so the
threshold can be tuned for that newsroom.

Labelled pairs come as JSONL: ``{"a": text, "b": text, "label": ...}``, or
``{"a_id": ..., "b_id": ..., "label": ...}`` resolved in a corpus.

>>> pairs = [LabelledPair("1", "Prices rose sharply in May across the region.", "Weather was fine.", "none")]
>>> evaluate(pairs).per_class["none"]["recall"]
1.0
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .ingest import Document, Skipped
from .settings import Settings
from .verify import VERDICTS, copy_score

COPY = ("duplicate", "reprint")


@dataclass(frozen=True)
class LabelledPair:
    """Two article texts and the verdict a person gave them.

    Attributes:
        pair_id: where the pair came from (``file:line``), for reports.
        a, b: the two texts.
        label: one of ``duplicate``, ``reprint``, ``partial``, ``none``.
    """

    pair_id: str
    a: str
    b: str
    label: str


@dataclass(frozen=True)
class Evaluation:
    """Metrics of dedup's verdicts against labels.

    Attributes:
        pairs: how many pairs were evaluated.
        per_class: precision, recall, f1 and support per verdict.
        copy: precision, recall, f1 and support of copy (duplicate + reprint) vs not.
        confusion: rows = label, columns = verdict, in :data:`~dedup.verify.VERDICTS` order.
        predictions: the verdict and copy score per pair, in input order.
    """

    pairs: int
    per_class: dict
    copy: dict
    confusion: tuple[tuple[int, ...], ...]
    predictions: tuple[tuple[str, str, str, float], ...]

    def to_dict(self) -> dict:
        """Return the evaluation as a JSON-ready dict (floats rounded to 4 places)."""
        return {
            "format_version": 1,
            "pairs": self.pairs,
            "labels": list(VERDICTS),
            "per_class": {k: _rounded(v) for k, v in self.per_class.items()},
            "copy": _rounded(self.copy),
            "confusion": [list(row) for row in self.confusion],
            "false_copies": self.false_copies,
            "partial_found": self.partial_found,
        }

    @property
    def false_copies(self) -> dict:
        """Pairs labelled ``none`` that got ``duplicate`` or ``reprint``, of all labelled ``none``."""
        row = self.confusion[VERDICTS.index("none")]
        return {"count": sum(row[VERDICTS.index(v)] for v in COPY), "of": sum(row)}

    @property
    def partial_found(self) -> dict:
        """Pairs labelled ``partial`` that got ``partial`` (partial recall), of all labelled ``partial``."""
        row = self.confusion[VERDICTS.index("partial")]
        return {"count": row[VERDICTS.index("partial")], "of": sum(row)}


def _rounded(d: Mapping) -> dict:
    return {k: round(float(v), 4) if isinstance(v, float) else v for k, v in d.items()}


def read_pairs(
    path: Path,
    *,
    corpus: Mapping[str, Document] | None = None,
    on_skip: Callable[[Skipped], None] = lambda s: None,
) -> list[LabelledPair]:
    """Read labelled pairs from JSONL; bad lines are reported to ``on_skip`` and left out.

    Raises:
        InputError: the file cannot be read.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path} ({exc}); give a UTF-8 JSONL file of labelled pairs.") from exc
    pairs = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            on_skip(Skipped(where, f"malformed JSON ({exc.msg})"))
            continue
        if not isinstance(row, dict):
            on_skip(Skipped(where, "expected a JSON object with a, b (or a_id, b_id) and label"))
            continue
        label = row.get("label")
        if label not in VERDICTS:
            on_skip(Skipped(where, f"label must be one of {', '.join(VERDICTS)}, found {label!r}"))
            continue
        if "a_id" in row or "b_id" in row:
            if corpus is None:
                on_skip(Skipped(where, "a_id/b_id need a corpus: give --corpus"))
                continue
            missing = [str(row.get(k)) for k in ("a_id", "b_id") if str(row.get(k)) not in corpus]
            if missing:
                on_skip(Skipped(where, f"id {missing[0]!r} is not in the corpus"))
                continue
            a, b = corpus[str(row["a_id"])].text, corpus[str(row["b_id"])].text
        else:
            given_a, given_b = row.get("a"), row.get("b")
            if not isinstance(given_a, str) or not isinstance(given_b, str):
                on_skip(Skipped(where, "a and b must be strings (or give a_id and b_id)"))
                continue
            a, b = given_a, given_b
        pairs.append(LabelledPair(where, a, b, label))
    return pairs


def evaluate(pairs: Sequence[LabelledPair], settings: Settings | None = None) -> Evaluation:
    """Run the verdicts on labelled pairs and compute the metrics (scikit-learn)."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    from .steps import compare

    if not pairs:
        raise InputError("no labelled pairs to evaluate; each line needs a, b and label.")
    settings = settings or Settings()
    matches = [compare(p.a, p.b, settings) for p in pairs]
    truth = [p.label for p in pairs]
    predicted = [m.verdict for m in matches]
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=list(VERDICTS), zero_division=0
    )
    per_class = {
        label: {"precision": float(precision[i]), "recall": float(recall[i]), "f1": float(f1[i]), "support": int(support[i])}
        for i, label in enumerate(VERDICTS)
    }
    truth_copy = [t in COPY for t in truth]
    pred_copy = [v in COPY for v in predicted]
    p, r, f, _ = precision_recall_fscore_support(truth_copy, pred_copy, average="binary", zero_division=0)
    copy = {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(sum(truth_copy))}
    confusion = confusion_matrix(truth, predicted, labels=list(VERDICTS))
    predictions = tuple((pr.pair_id, pr.label, m.verdict, copy_score(m)) for pr, m in zip(pairs, matches))
    return Evaluation(len(pairs), per_class, copy, tuple(tuple(int(x) for x in row) for row in confusion), predictions)


def sweep(evaluation: Evaluation) -> list[dict]:
    """Return precision and recall of copy vs not over every decision threshold.

    Each point is ``{"threshold", "precision", "recall"}``: calling a pair a copy when its
    copy score (the larger copy share) is at or above the threshold. Read it to choose
    ``--reprint-threshold``.

    >>> ev = Evaluation(2, {}, {}, (), (("1", "reprint", "reprint", 0.6), ("2", "none", "partial", 0.2)))
    >>> [p["threshold"] for p in sweep(ev)]
    [0.2, 0.6]
    """
    from sklearn.metrics import precision_recall_curve

    truth = [label in COPY for _, label, _, _ in evaluation.predictions]
    scores = [score for *_, score in evaluation.predictions]
    if not any(truth) or all(truth):
        raise InputError("a sweep needs labelled pairs of both kinds: copies (duplicate/reprint) and others.")
    precision, recall, thresholds = precision_recall_curve(truth, scores)
    return [
        {"threshold": round(float(t), 4), "precision": round(float(p), 4), "recall": round(float(r), 4)}
        for p, r, t in zip(precision, recall, thresholds)
    ]


def plot_sweep(points: Iterable[dict], path: Path) -> None:
    """Draw the precision/recall-versus-threshold curve to a PNG (needs matplotlib)."""
    from .errors import require

    require("matplotlib", "plot")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = list(points)
    fig, ax = plt.subplots(figsize=(6, 4), dpi=120)
    xs = [p["threshold"] for p in points]
    ax.plot(xs, [p["precision"] for p in points], label="precision")
    ax.plot(xs, [p["recall"] for p in points], label="recall")
    ax.set_xlabel("copy score threshold (reprint_threshold)")
    ax.set_ylabel("copy vs not")
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
