"""The JSON forms: scans, diffs, checks and index statistics as JSON-ready dicts.

Keys come in a fixed order, lists sorted, floats rounded to 4 decimals (:func:`_r`);
:func:`dumps` serialises a dict the one deterministic way. The formats, version
:data:`FORMAT_VERSION`, are documented field by field in the README.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..align import Block
from ..verify import Match

if TYPE_CHECKING:  # pragma: no cover
    from ..check import CheckMatch, CheckResult
    from ..index import IndexStats
    from ..steps import Diff, Prepared, ScanResult


FORMAT_VERSION = 2


def _r(x: float) -> float:
    return round(float(x), 4)


def document_to_dict(p: Prepared) -> dict:
    """Describe one scanned document (metadata, evidence of origin, sizes).

    >>> from dedup import Document, prepare
    >>> data = document_to_dict(prepare(Document("a", "By Reuters\\n\\nTalks resumed on Monday in the capital.")))
    >>> data["id"], data["words"], data["credits"]
    ('a', 7, ['Reuters'])
    """
    kinds: dict[str, int] = {}
    for kind in p.cleaned.kinds:
        kinds[kind] = kinds.get(kind, 0) + 1
    return {
        "id": p.doc_id,
        "title": p.title,
        "source": p.document.source,
        "url": p.document.url,
        "published": p.published,
        "credits": list(p.credits),
        "words": p.word_count,
        "paragraphs": {"body": kinds.pop("body", 0), "furniture": sum(kinds.values())},
    }


def match_to_dict(m: Match, cluster: str | None = None) -> dict:
    """Describe one verified pair: verdict, scores and shared passages.

    >>> from dedup import compare
    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> data = match_to_dict(compare(text, text + " Officials said work starts in May."))
    >>> data["verdict"], data["jaccard"], data["shared_words"]
    ('reprint', 0.7, 18)
    """
    return {
        "a": m.a,
        "b": m.b,
        "verdict": m.verdict,
        "cluster": cluster,
        **_scores(m),
        "passages": [
            {"a_start": p.a_start, "b_start": p.b_start, "words": p.words, "quoted_words": p.quoted_words, "text": p.text}
            for p in m.passages
        ],
    }


def scan_to_dict(result: ScanResult) -> dict:
    """Return the whole scan as a JSON-ready dict (see the README for the format).

    >>> from dedup import scan
    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> data = scan_to_dict(scan([text, text + " Officials said work starts in May."]))
    >>> [(p["a"], p["b"], p["verdict"]) for p in data["pairs"]], data["format_version"]
    ([('0', '1', 'reprint')], 2)
    """
    cluster_of = {member: c.cluster_id for c in result.clusters for member in c.members}
    return {
        "format_version": FORMAT_VERSION,
        "settings": result.settings.as_dict(),
        "documents": [document_to_dict(p) for p in sorted(result.documents, key=lambda p: p.doc_id)],
        "clusters": [
            {
                "id": c.cluster_id, "origin": c.origin, "origin_reason": c.origin_reason, "members": list(c.members),
                "alignments": [
                    {"id": m, **result.alignments[m].summary()} for m in c.members if m in result.alignments
                ],
            }
            for c in result.clusters
        ],
        "pairs": [
            match_to_dict(m, cluster_of.get(m.a) if m.is_copy else None)
            for m in sorted(result.pairs, key=lambda m: (m.a, m.b))
        ],
        "skipped": [{"location": s.location, "reason": s.reason} for s in result.skipped],
    }


def dumps(data: dict) -> str:
    """Serialise a report dict the one deterministic way (UTF-8 text, 2-space indent).

    >>> print(dumps({"verdict": "reprint", "words": [18, 24]}))
    {
      "verdict": "reprint",
      "words": [
        18,
        24
      ]
    }
    <BLANKLINE>
    """
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _scores(m: Match) -> dict:
    return {
        "jaccard": _r(m.jaccard),
        "containment_a_in_b": _r(m.containment_a_in_b),
        "containment_b_in_a": _r(m.containment_b_in_a),
        "shared_words": m.shared_words,
        "quoted_shared_words": m.quoted_shared_words,
        "copy_share_a": _r(m.copy_share_a),
        "copy_share_b": _r(m.copy_share_b),
        "longest_passage": m.longest_passage,
        "conflicts": list(m.conflicts),
        "sentences_a": m.sentences_a,
        "sentences_b": m.sentences_b,
        "copied_a": m.copied_a,
        "copied_b": m.copied_b,
        "sentence_matches": [
            {"a": s.a, "b": s.b, "how": s.how, "similarity": _r(s.similarity), "quoted": s.quoted}
            for s in m.sentence_matches
        ],
    }


def block_to_dict(block: Block) -> dict:
    """Describe one alignment block (paragraph indices are 0-based body paragraphs).

    >>> from dedup import Change
    >>> block_to_dict(Block("edited", (0,), (0,), similarity=0.857142, changes=(Change("insert", "", "in May."),)))
    {'op': 'edited', 'a': [0], 'b': [0], 'moved': False, 'similarity': 0.8571, 'changes': [{'op': 'insert', 'a': '', 'b': 'in May.'}]}
    """
    return {
        "op": block.op,
        "a": list(block.a),
        "b": list(block.b),
        "moved": block.moved,
        "similarity": _r(block.similarity),
        "changes": [{"op": c.op, "a": c.a, "b": c.b} for c in block.changes],
    }


def diff_to_dict(d: Diff) -> dict:
    """Return a diff as a JSON-ready dict (see the README for the format).

    >>> from dedup import Document, diff
    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> data = diff_to_dict(diff(Document("a", text), Document("b", text + " Officials said work starts in May.")))
    >>> data["verdict"], data["summary"]["edited"], data["summary"]["words_added"]
    ('reprint', 1, 6)
    """

    def side(p: Prepared) -> dict:
        return {
            "id": p.doc_id,
            "title": p.title,
            "paragraphs": list(p.cleaned.body),
            "furniture": [{"kind": q.kind, "text": q.text} for q in p.cleaned.paragraphs if q.kind != "body"],
        }

    return {
        "format_version": FORMAT_VERSION,
        "a": side(d.a),
        "b": side(d.b),
        "verdict": d.match.verdict,
        "scores": _scores(d.match),
        "summary": d.alignment.summary(),
        "blocks": [block_to_dict(b) for b in d.alignment.blocks],
    }


def check_match_to_dict(c: CheckMatch) -> dict:
    """Describe one match of a checked article: the matched article, verdict, scores, alignment.

    ``a`` in the score names is the checked (new) article, ``b`` the matched one; the
    alignment reads the matched article as A and the new one as B (``added``: the new
    article's own paragraphs; ``cut``: paragraphs of the matched one it left out).

    >>> from dedup import Document, Index, check
    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> index = Index.create("doctest-match-dict", backend="memory")
    >>> _ = index.add([Document("wire", text)])
    >>> result = check([Document("copy", text + " Officials said work starts in May.")], index)
    >>> data = check_match_to_dict(result.articles[0].matches[0])
    >>> data["id"], data["verdict"], data["fails"]
    ('wire', 'reprint', True)
    >>> index.drop()
    """
    m = c.match
    return {
        "id": c.doc_id,
        "verdict": c.verdict,
        "fails": c.fails,
        "allowed": c.allowed,
        "in_batch": c.in_batch,
        "title": c.title,
        "credits": list(c.credits),
        "origin": c.origin,
        "origin_reason": c.origin_reason,
        **_scores(m),
        "alignment": c.alignment.summary(),
    }


def check_to_dict(result: CheckResult) -> dict:
    """Return a check as a JSON-ready dict: one entry per checked article, ``clean`` for the gate.

    Fields, in order: ``format_version`` (:data:`FORMAT_VERSION`); ``clean`` (no article
    fails: exit code 0); ``fail_on``; ``fail_on_skipped`` (a skipped input fails the
    gate too); ``allow`` (canonical credits); ``indexed`` (documents
    in the index); ``summary`` (``checked``, ``failed``, ``skipped`` counts); ``settings``
    (``Settings.as_dict()`` used); ``results``, by id: ``id``, ``title``, ``location`` (the
    file, or null), ``failed``, ``matches`` (most severe first, then by id; each as
    :func:`check_match_to_dict`: ``id`` of the matched article, ``verdict``, ``fails``,
    ``allowed``, ``in_batch``, its ``title`` and ``credits``, ``origin``/``origin_reason``
    of the pair, the scores with ``a`` = the checked article and ``b`` = the matched one,
    and ``alignment``, ``Alignment.summary()`` of matched (A) vs checked (B)); ``skipped``
    (``location``, ``reason``). Floats are rounded to 4 decimals.

    >>> from dedup import Document, Index, check
    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> index = Index.create("doctest-check-dict", backend="memory")
    >>> _ = index.add([Document("wire", text)])
    >>> result = check([Document("copy", text + " Officials said work starts in May.")], index)
    >>> data = check_to_dict(result)
    >>> data["clean"], [(r["id"], r["failed"]) for r in data["results"]]
    (False, [('copy', True)])
    >>> index.drop()
    """
    return {
        "format_version": FORMAT_VERSION,
        "clean": result.clean,
        "fail_on": result.fail_on,
        "fail_on_skipped": result.fail_on_skipped,
        "allow": list(result.allow),
        "indexed": result.indexed,
        "summary": {"checked": len(result.articles), "failed": len(result.failed), "skipped": len(result.skipped)},
        "settings": result.settings.as_dict(),
        "results": [
            {
                "id": a.doc_id,
                "title": a.title,
                "location": a.location,
                "failed": a.failed,
                "matches": [check_match_to_dict(c) for c in a.matches],
            }
            for a in result.articles
        ],
        "skipped": [{"location": s.location, "reason": s.reason} for s in result.skipped],
    }


def stats_to_dict(stats: IndexStats) -> dict:
    """Return index statistics as a JSON-ready dict (``documents`` first).

    >>> from dedup import Index
    >>> index = Index.create("doctest-stats-dict", backend="memory")
    >>> stats_to_dict(index.stats())["documents"]
    0
    >>> index.drop()
    """
    return {
        "documents": stats.documents,
        "line_keys": stats.line_keys,
        "template_lines": stats.template_lines,
        "format_version": stats.format_version,
        "dedup_version": stats.dedup_version,
        "bytes": stats.bytes,
        "location": stats.location,
        "settings": stats.settings,
    }
