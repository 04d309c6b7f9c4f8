"""Tables: a scan or a check as rows of plain values, and as pandas DataFrames.

A scan gives the tables the Spark engine writes (:mod:`dedup.engines.spark`), with the
JSON report's values (floats rounded to 4 decimals): ``documents`` (each with its
``cluster`` and the cluster's ``origin``), ``pairs`` (every verified pair not ``none``),
``clusters``, ``alignments`` (origin → member) and ``skipped``. A check gives one row
per match of a checked article, and a row for each article with none.

pandas is optional (``pip install 'dedup-news[pandas]'``); the rows need nothing.

>>> from dedup import scan
>>> rows = scan_tables(scan(["One short article about the harbour."]))
>>> sorted(rows), rows["documents"][0]["cluster"]
(['alignments', 'clusters', 'documents', 'pairs', 'skipped'], None)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import ConfigError, require
from .data import check_to_dict, scan_to_dict

if TYPE_CHECKING:  # pragma: no cover
    import pandas

    from ..check import CheckResult
    from ..steps import ScanResult

#: Every table's columns, in order (an empty table still has them).
SCAN_COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": ("id", "title", "source", "url", "published", "credits", "words", "body_paragraphs",
                  "furniture_paragraphs", "cluster", "origin"),
    "pairs": ("a", "b", "verdict", "cluster", "jaccard", "containment_a_in_b", "containment_b_in_a", "shared_words",
              "quoted_shared_words", "copy_share_a", "copy_share_b", "longest_passage", "conflicts", "sentences_a",
              "sentences_b", "copied_a", "copied_b", "passages", "sentence_matches"),
    "clusters": ("id", "origin", "origin_reason", "members", "size"),
    "alignments": ("id", "cluster", "origin", "same", "edited", "added", "cut", "moved", "words_added", "words_cut"),
    "skipped": ("location", "reason"),
}

CHECK_COLUMNS = ("id", "title", "location", "failed", "match", "verdict", "fails", "allowed", "in_batch", "origin",
                 "origin_reason", "jaccard", "containment_a_in_b", "containment_b_in_a", "shared_words", "copy_share_a",
                 "copy_share_b", "longest_passage")


def scan_tables(result: ScanResult) -> dict[str, list[dict[str, Any]]]:
    """The scan's tables as lists of rows (dicts keyed by :data:`SCAN_COLUMNS`).

    >>> from dedup import scan
    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> tables = scan_tables(scan([text, text + " Officials said work starts in May."]))
    >>> [(row["id"], row["cluster"], row["origin"]) for row in tables["documents"]]
    [('0', 'c1', '1'), ('1', 'c1', '1')]
    """
    data = scan_to_dict(result)
    clusters = data["clusters"]
    cluster_of = {m: c for c in clusters for m in c["members"]}
    documents = []
    for d in data["documents"]:
        c = cluster_of.get(d["id"])
        documents.append({**{k: v for k, v in d.items() if k != "paragraphs"}, "body_paragraphs": d["paragraphs"]["body"],
                          "furniture_paragraphs": d["paragraphs"]["furniture"],
                          "cluster": c["id"] if c else None, "origin": c["origin"] if c else None})
    alignments = [{"id": a["id"], "cluster": c["id"], "origin": c["origin"],
                   **{k: a[k] for k in SCAN_COLUMNS["alignments"][3:]}} for c in clusters for a in c["alignments"]]
    rows = {
        "documents": documents,
        "pairs": [{k: p[k] for k in SCAN_COLUMNS["pairs"]} for p in data["pairs"]],
        "clusters": [{"id": c["id"], "origin": c["origin"], "origin_reason": c["origin_reason"], "members": c["members"],
                      "size": len(c["members"])} for c in clusters],
        "alignments": alignments,
        "skipped": data["skipped"],
    }
    return rows


def scan_to_pandas(result: ScanResult, table: str = "pairs") -> pandas.DataFrame:
    """One of the scan's tables (:func:`scan_tables`) as a pandas DataFrame.

    Raises:
        ConfigError: ``table`` is not one of :data:`SCAN_COLUMNS`.
        MissingDependencyError: pandas is not installed.

    >>> from dedup import scan
    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> pairs = scan_to_pandas(scan([text, text + " Officials said work starts in May."]), "pairs")
    >>> pairs[["a", "b", "verdict"]].values.tolist()
    [['0', '1', 'reprint']]
    """
    if table not in SCAN_COLUMNS:
        raise ConfigError(f"table must be one of {', '.join(SCAN_COLUMNS)}, got {table!r}.")
    pd = require("pandas", "pandas")
    return pd.DataFrame(scan_tables(result)[table], columns=list(SCAN_COLUMNS[table]))


def check_rows(result: CheckResult) -> list[dict[str, Any]]:
    """A check as rows (:data:`CHECK_COLUMNS`): each match of each checked article (``match``:
    the matched article's id), or one row with no match for an article that has none.

    >>> from dedup import Document, Index, check
    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> index = Index.create("doctest-check-rows", backend="memory")
    >>> _ = index.add([Document("wire", text)])
    >>> result = check([Document("copy", text + " Officials said work starts in May.")], index)
    >>> [(row["id"], row["match"], row["verdict"], row["fails"]) for row in check_rows(result)]
    [('copy', 'wire', 'reprint', True)]
    >>> index.drop()
    """
    rows = []
    for article in check_to_dict(result)["results"]:
        head = {"id": article["id"], "title": article["title"], "location": article["location"], "failed": article["failed"]}
        if not article["matches"]:
            rows.append({**head, **dict.fromkeys(CHECK_COLUMNS[4:])})
        for m in article["matches"]:
            rows.append({**head, "match": m["id"], **{k: m[k] for k in CHECK_COLUMNS[5:]}})
    return rows


def check_to_pandas(result: CheckResult) -> pandas.DataFrame:
    """:func:`check_rows` as a pandas DataFrame (MissingDependencyError without pandas).

    >>> from dedup import Document, Index, check
    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> index = Index.create("doctest-check-pandas", backend="memory")
    >>> _ = index.add([Document("wire", text)])
    >>> result = check([Document("copy", text + " Officials said work starts in May.")], index)
    >>> check_to_pandas(result)[["id", "match", "verdict"]].values.tolist()
    [['copy', 'wire', 'reprint']]
    >>> index.drop()
    """
    pd = require("pandas", "pandas")
    return pd.DataFrame(check_rows(result), columns=list(CHECK_COLUMNS))
