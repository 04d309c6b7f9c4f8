"""Spark engine, rows: the table schemas and the per-batch functions executors run.

Each function here takes a batch of rows (dicts, or Arrow batches and tables) and gives
rows back, calling the very functions the local engine calls (:mod:`dedup.ingest`,
:mod:`dedup.steps`, :mod:`dedup.clean`, :mod:`dedup.cluster`, :mod:`dedup.align`); the
codecs (``*_to_row`` / ``*_from_row``) turn records into table rows and back, losslessly.

Executors need pyarrow to run these, never pyspark; importing this module needs
neither (pyarrow is imported where a batch is built). Only :func:`_arrow_schema` and
:func:`_rows_fn`, on the driver, parse a schema with pyspark.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np

from ...align import Alignment, Block, Change, align
from ...clean import Cleaned, Paragraph, template_candidates
from ...cluster import choose_origin
from ...ingest import DEFAULT_OPTIONS, Document, ReadOptions, Skipped, duplicate_id, jsonl_line_document, jsonl_record, record_to_document
from ...report import document_to_dict
from ...settings import Settings
from ...sign import Signature
from ...steps import Prepared, analyse_documents, prepare_many, verify_many
from ...verify import Match, SentenceMatch, SharedPassage

_CHUNK = 256  # documents per prepare_many call, as the local engine (engines.local._CHUNK)

# --- schemas (Spark DDL; the Arrow schema of each is derived from it) ------------------------

_META = "title string, url string, source string, published string"
_RECORD = f"idx bigint, location string, doc_id string, text string, {_META}, reason string"
_RECORD_NAMES = ("idx", "location", "doc_id", "text", "title", "url", "source", "published", "reason")
_PREPARED = (
    f"idx bigint, location string, doc_id string, text string, {_META}, "
    "paragraphs array<struct<text:string,kind:string>>, found_credits array<string>, "
    "found_published string, headline string, word_count int, "
    "minhash binary, windows binary, band_keys binary, "
    "doc_title string, doc_published string, doc_credits array<string>, "
    "body_paragraphs int, furniture_paragraphs int"
)
_MATCH = (
    "a string, b string, a_idx bigint, b_idx bigint, verdict string, jaccard double, "
    "containment_a_in_b double, containment_b_in_a double, shared_words int, quoted_shared_words int, "
    "copy_share_a double, copy_share_b double, longest_passage int, conflicts array<string>, "
    "passages array<struct<a_start:int,b_start:int,words:int,quoted_words:int,text:string>>, "
    "sentences_a int, sentences_b int, copied_a int, copied_b int, "
    "sentence_matches array<struct<a:int,b:int,how:string,similarity:double,quoted:boolean>>"
)
_MATCH_FIELDS = (
    "verdict", "jaccard", "containment_a_in_b", "containment_b_in_a", "shared_words", "quoted_shared_words",
    "copy_share_a", "copy_share_b", "longest_passage",
)
_SENTENCE_FIELDS = ("sentences_a", "sentences_b", "copied_a", "copied_b")
_ORIGIN = "comp bigint, origin string, origin_reason string, members array<string>, size int"
_ALIGNMENT = (
    "id string, cluster string, origin string, same int, edited int, added int, cut int, moved int, "
    "words_added int, words_cut int, "
    "blocks array<struct<op:string,a:array<int>,b:array<int>,moved:boolean,similarity:double,"
    "changes:array<struct<op:string,a:string,b:string>>>>, words_a array<int>, words_b array<int>"
)
_KEYS = "key bigint, idx bigint"
_SKIP = "location string, reason string, id string, stage string, idx bigint, phase int"


# --- per-document work on executors: rows in, rows out -------------------------------------------


def _arrow_schema(ddl: str):
    from pyspark.sql.pandas.types import to_arrow_schema
    from pyspark.sql.types import StructType

    return to_arrow_schema(StructType.fromDDL(ddl))  # type: ignore[arg-type]  # fromDDL gives a StructType here


def _rows_fn(fn: Callable[[list[dict]], list[dict]], ddl: str):
    """Wrap ``rows -> rows`` as a ``mapInArrow`` function producing the schema ``ddl``
    (parsed here, on the driver: parsing DDL needs the JVM, which executors' Python lacks)."""
    schema = _arrow_schema(ddl)

    def run(batches):
        import pyarrow as pa

        for batch in batches:
            yield pa.RecordBatch.from_pylist(fn(batch.to_pylist()), schema=schema)

    return run


def _validate_rows(rows: list[dict], *, has_location: bool, options: ReadOptions = DEFAULT_OPTIONS) -> list[dict]:
    """Check raw records exactly as :mod:`dedup.ingest` checks a record (the fields ``options`` names).

    A row holds either the record's fields (``id``, ``text``, ...) or, from JSONL, the
    ``line`` to decode.
    """
    out = []
    names = set(options.fields().values())
    for row in rows:
        location = row["location"] if has_location else None
        found: list[Skipped] = []
        if "line" in row:
            doc = jsonl_line_document(row["line"], location or "", found.append, options)
            record = None if doc is not None else jsonl_record(row["line"])[0]  # its id, for the skipped table
        else:
            record = {k: v for k, v in row.items() if k in names}
            doc = record_to_document(record, location or "", found.append, options)
        reason = found[0].reason if found else None
        raw_id = record.get(options.id_field) if isinstance(record, dict) else None
        out.append({
            "idx": row["idx"], "location": location, "reason": reason,
            "doc_id": doc.doc_id if doc else (str(raw_id) if isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool) else None),
            "text": doc.text if doc else None, "title": doc.title if doc else None, "url": doc.url if doc else None,
            "source": doc.source if doc else None, "published": doc.published if doc else None,
        })
    return out


_RAW_FIELDS = ("id", "text", "title", "url", "source", "published")


def _jsonl_rows(rows: list[dict], options: ReadOptions = DEFAULT_OPTIONS) -> list[dict]:
    """Decode JSONL lines (``line`` text, ``location``) into records, as :mod:`dedup.ingest` does."""
    return _validate_rows(rows, has_location=True, options=options)


def _duplicate_rows(rows: list[dict], *, with_first: bool) -> list[dict]:
    """Skip rows for repeated ids, worded as :func:`dedup.ingest.iter_documents` (files) or
    :func:`dedup.engines.local.scan` (a DataFrame: the location is the id)."""
    out = []
    for r in rows:
        if with_first:
            location, reason = r["location"], duplicate_id(r["doc_id"], r["first_location"])
        else:
            location, reason = r["doc_id"], duplicate_id(r["doc_id"])
        stage = "ingest" if with_first else "scan"
        out.append({"location": location, "reason": reason, "id": r["doc_id"], "stage": stage, "idx": r["idx"], "phase": 0})
    return out


def _template_rows(rows: list[dict], *, template_max_words: int) -> list[dict]:
    """Count, per short-line key, the documents of a batch holding it (pre-aggregated)."""
    counts: Counter[str] = Counter()
    for row in rows:
        counts.update(template_candidates(row["text"], template_max_words=template_max_words))
    return [{"key": k, "n": n} for k, n in counts.items()]


def _prepare_rows(rows: list[dict], *, settings: Settings, templates) -> list[dict]:
    """:func:`dedup.steps.prepare_many` on a batch, as table rows."""
    lines = templates.value if hasattr(templates, "value") else templates
    out = []
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        docs = [Document(r["doc_id"], r["text"], r["title"], r["url"], r["source"], r["published"]) for r in chunk]
        prepared = prepare_many(docs, template_lines=lines, **settings.for_step("prepare"))
        out += [prepared_to_row(p, idx=r["idx"], location=r["location"]) for r, p in zip(chunk, prepared)]
    return out


def prepared_to_row(p: Prepared, *, idx: int, location: str | None = None) -> dict:
    """Describe a prepared document as one row of the ``prepared`` table (lossless).

    Arrays are stored as little-endian bytes. The words and shingles are not stored:
    verifying computes them again for the documents a pair needs, as the local engine does.

    >>> from dedup.steps import prepare
    >>> p = prepare(Document("a", "Talks resumed on Monday in the capital, officials said.", source="Reuters"))
    >>> q = prepared_from_row(prepared_to_row(p, idx=0), bands=26)
    >>> q.doc_id, q.word_count, q.credits, q.cleaned == p.cleaned, bool((q.signature.band_keys == p.signature.band_keys).all())
    ('a', 9, ('Reuters',), True, True)
    """
    d = document_to_dict(p)
    sig = p.signature
    return {
        "idx": idx, "location": location, "doc_id": p.doc_id, "text": p.document.text,
        "title": p.document.title, "url": p.document.url, "source": p.document.source,
        "published": p.document.published,
        "paragraphs": [{"text": q.text, "kind": q.kind} for q in p.cleaned.paragraphs],
        "found_credits": list(p.cleaned.credits), "found_published": p.cleaned.published,
        "headline": p.cleaned.headline, "word_count": int(p.word_count),
        "minhash": sig.minhash.astype("<u4", copy=False).tobytes(),
        "windows": sig.windows.astype("<i8", copy=False).tobytes(),
        "band_keys": sig.band_keys.astype("<u8", copy=False).tobytes(),
        "doc_title": d["title"], "doc_published": d["published"], "doc_credits": d["credits"],
        "body_paragraphs": d["paragraphs"]["body"], "furniture_paragraphs": d["paragraphs"]["furniture"],
    }


def prepared_from_row(row: dict, *, bands: int, prefix: str = "") -> Prepared:
    """Rebuild the :class:`~dedup.steps.Prepared` a row of the ``prepared`` table describes."""
    g = lambda name: row[prefix + name]  # noqa: E731
    document = Document(g("doc_id"), g("text"), g("title"), g("url"), g("source"), g("published"))
    cleaned = Cleaned(
        tuple(Paragraph(q["text"], q["kind"]) for q in g("paragraphs")), tuple(g("found_credits")),
        g("found_published"), g("headline"),
    )
    signature = Signature(
        np.frombuffer(g("minhash"), dtype="<u4").astype(np.uint32),
        np.frombuffer(g("windows"), dtype="<i8").astype(np.int64).reshape(-1, 2),
        np.frombuffer(g("band_keys"), dtype="<u8").astype(np.uint64).reshape(-1, bands),
    )
    return Prepared(document, cleaned, signature, int(g("word_count")))


def _band_key_batches(batches, schema):
    """(band key, idx) rows, one per distinct key of each document (mapInArrow)."""
    import pyarrow as pa

    for batch in batches:
        keys, docs = [], []
        for idx, raw in zip(batch.column("idx").to_pylist(), batch.column("band_keys").to_pylist()):
            # uint64 keys as int64: Spark has no unsigned type, and equality is all that matters
            k = np.unique(np.frombuffer(raw, dtype="<u8")).astype(np.uint64).view(np.int64)
            keys.append(k)
            docs.append(np.full(len(k), idx, dtype=np.int64))
        k = np.concatenate(keys) if keys else np.zeros(0, np.int64)
        d = np.concatenate(docs) if docs else np.zeros(0, np.int64)
        yield pa.RecordBatch.from_arrays([pa.array(k, pa.int64()), pa.array(d, pa.int64())], schema=schema)


def _verify_rows(rows: list[dict], *, settings: Settings) -> list[dict]:
    """:func:`dedup.steps.verify_many` on joined candidate pairs; keep verdicts other than none.

    A pair row carries, per side, only what verifying reads (idx, id, paragraphs): the
    documents' other fields stay behind, halving the shuffle. The words of the batch's
    documents are computed once, for all of them at a time.
    """
    sides: dict[int, tuple[str, tuple[str, ...]]] = {}
    for row in rows:
        for prefix in ("a_", "b_"):
            if row[prefix + "idx"] not in sides:
                sides[row[prefix + "idx"]] = (row[prefix + "doc_id"], _body(row[prefix + "paragraphs"]))
    keys = list(sides)
    found = analyse_documents([sides[k][0] for k in keys], [sides[k][1] for k in keys], shingle_size=settings.shingle_size)
    analysed = dict(zip(keys, found))
    ordered = []
    for row in rows:
        ai, bi = row["a_idx"], row["b_idx"]
        if analysed[ai].doc_id > analysed[bi].doc_id:  # as the local engine: a pair is ordered by id
            ai, bi = bi, ai
        ordered.append((ai, bi))
    matches = verify_many([(analysed[a], analysed[b]) for a, b in ordered], settings)
    return [match_to_row(m, a_idx=a, b_idx=b) for m, (a, b) in zip(matches, ordered) if m.verdict != "none"]


def match_to_row(m: Match, *, a_idx: int | None = None, b_idx: int | None = None) -> dict:
    """Describe a :class:`~dedup.verify.Match` as one row of the ``pairs`` table.

    >>> from dedup.steps import compare
    >>> m = compare("Talks resumed on Monday in the capital after a week of strikes, officials said.",
    ...             "Talks resumed on Monday in the capital after a week of strikes, officials said.")
    >>> match_from_row(match_to_row(m)) == m
    True
    """
    row: dict[str, Any] = {"a": m.a, "b": m.b, "a_idx": a_idx, "b_idx": b_idx}
    row.update({name: getattr(m, name) for name in _MATCH_FIELDS})
    row["conflicts"] = list(m.conflicts)
    row["passages"] = [
        {"a_start": int(p.a_start), "b_start": int(p.b_start), "words": int(p.words),
         "quoted_words": int(p.quoted_words), "text": p.text}
        for p in m.passages
    ]
    row.update({name: getattr(m, name) for name in _SENTENCE_FIELDS})
    row["sentence_matches"] = [
        {"a": s.a, "b": s.b, "how": s.how, "similarity": float(s.similarity), "quoted": bool(s.quoted)}
        for s in m.sentence_matches
    ]
    return row


def match_from_row(row: dict) -> Match:
    """Rebuild the :class:`~dedup.verify.Match` a row of the ``pairs`` table describes."""
    fields: list[Any] = [
        row["a"], row["b"], *(row[name] for name in _MATCH_FIELDS), tuple(row["conflicts"]),
        tuple(SharedPassage(p["a_start"], p["b_start"], p["words"], p["quoted_words"], p["text"]) for p in row["passages"]),
        *(row[name] for name in _SENTENCE_FIELDS),
        tuple(SentenceMatch(s["a"], s["b"], s["how"], s["similarity"], s["quoted"]) for s in row["sentence_matches"]),
    ]
    return Match(*fields)


def _origin_table(table, schema):
    """:func:`dedup.cluster.choose_origin` for one component (grouped ``applyInArrow``).

    The rows are the component's copy links, each with both ends' evidence of origin.
    """
    import pyarrow as pa

    rows = table.to_pylist()
    credits, published, lengths = {}, {}, {}
    for r in rows:
        for side in ("a", "b"):
            doc = r[side]
            credits[doc] = tuple(r[side + "_credits"])
            published[doc] = r[side + "_published"]
            lengths[doc] = r[side + "_words"]
    members = sorted(credits)
    # in the local engine's order (copies sorted by (a, b)): the completeness sums add up alike
    matches = sorted((match_from_row(r) for r in rows), key=lambda m: (m.a, m.b))
    origin, reason = choose_origin(members, matches, credits=credits, published=published, lengths=lengths)
    out = [{"comp": rows[0]["comp"], "origin": origin, "origin_reason": reason, "members": members, "size": len(members)}]
    return pa.Table.from_pylist(out, schema=schema)


def _align_rows(rows: list[dict]) -> list[dict]:
    """:func:`dedup.align.align` of each origin (A) with a member (B), as table rows."""
    out = []
    for row in rows:
        body_a = _body(row["o_paragraphs"])
        body_b = _body(row["m_paragraphs"])
        out.append(alignment_to_row(align(body_a, body_b), id=row["m_doc_id"], cluster=row["cluster"], origin=row["o_doc_id"]))
    return out


def _body(paragraphs: list[dict]) -> tuple[str, ...]:
    return Cleaned(tuple(Paragraph(q["text"], q["kind"]) for q in paragraphs)).body


def alignment_to_row(al: Alignment, *, id: str, cluster: str | None = None, origin: str | None = None) -> dict:
    """Describe an :class:`~dedup.align.Alignment` as one row of the ``alignments`` table.

    >>> al = align(["One two three."], ["One two three.", "Four."])
    >>> row = alignment_to_row(al, id="b")
    >>> row["same"], row["added"], alignment_from_row(row) == al
    (1, 1, True)
    """
    row: dict[str, Any] = {"id": id, "cluster": cluster, "origin": origin, **al.summary()}
    row["blocks"] = [
        {"op": b.op, "a": list(b.a), "b": list(b.b), "moved": bool(b.moved), "similarity": float(b.similarity),
         "changes": [{"op": c.op, "a": c.a, "b": c.b} for c in b.changes]}
        for b in al.blocks
    ]
    row["words_a"], row["words_b"] = list(al.words_a), list(al.words_b)
    return row


def alignment_from_row(row: dict) -> Alignment:
    """Rebuild the :class:`~dedup.align.Alignment` a row of the ``alignments`` table describes."""
    blocks = tuple(
        Block(b["op"], tuple(b["a"]), tuple(b["b"]), b["moved"], b["similarity"],
              tuple(Change(c["op"], c["a"], c["b"]) for c in b["changes"]))
        for b in row["blocks"]
    )
    return Alignment(blocks, tuple(row["words_a"]), tuple(row["words_b"]))
