"""Pipeline: the local engine running the stages in order, and the Python API.

``ingest → clean → sign → candidates → verify → cluster``. Per-document work is
:func:`prepare`, a pure function of (document, settings fields, template lines) that
any engine can call unchanged; the corpus-level steps (template lines, candidate
grouping, components) are small and are re-done by each engine in its own way.

>>> result = scan(["The central bank raised its main interest rate on Tuesday to fight inflation, "
...                "which reached a ten-year high in March, officials in the capital said.",
...                "Weather: sunny all week, with light winds from the south and no rain expected."])
>>> len(result.documents), result.clusters
(2, ())
>>> compare("Ten people were hurt when a bus overturned on the motorway near the city on Sunday night, police said.",
...         "Ten people were hurt when a bus overturned on the motorway near the city on Sunday night, police said.").verdict
'duplicate'
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np

from .align import Alignment, align
from .candidates import candidate_pairs
from .clean import Cleaned, Words, agency, analyse, clean, find_template_lines
from .cluster import Cluster, build_clusters
from .errors import InputError
from .ingest import Document, Skipped
from .settings import Settings
from .sign import Signature, shingle_hashes, sign, word_hashes
from .verify import Match, compare_words


@dataclass(frozen=True)
class Prepared:
    """Everything dedup derives from one document, ready for comparison.

    Attributes:
        document: the input record.
        cleaned: paragraphs with their kinds, credits, date and headline.
        words: the body as normalised words.
        shingles: the body's shingle hashes (uint64), in word order.
        signature: MinHash and passage LSH keys.
    """

    document: Document
    cleaned: Cleaned
    words: Words
    shingles: np.ndarray
    signature: Signature

    @property
    def doc_id(self) -> str:
        return self.document.doc_id

    @property
    def published(self) -> str | None:
        """The given publication date, else the one found in the text."""
        return self.document.published or self.cleaned.published

    @property
    def credits(self) -> tuple[str, ...]:
        """Wire agencies credited in the text, or named as the document's ``source``."""
        given = agency(self.document.source)
        return tuple(sorted(set(self.cleaned.credits) | ({given} if given else set())))

    @property
    def title(self) -> str | None:
        """The given title, else the headline found in the text."""
        return self.document.title or self.cleaned.headline


def prepare(
    document: Document,
    *,
    template_lines: frozenset[str] = frozenset(),
    shingle_size: int = 5,
    num_perm: int = 128,
    seed: int = 1,
    passage_words: int = 30,
    passage_threshold: float = 0.5,
) -> Prepared:
    """Clean, tokenise, shingle and sign one document (pure; engine-independent)."""
    cleaned = clean(document.text, template_lines=template_lines)
    words = analyse(cleaned.body)
    shingles = shingle_hashes(word_hashes(words.words), shingle_size=shingle_size)
    signature = sign(
        words, shingles=shingles, shingle_size=shingle_size, num_perm=num_perm, seed=seed,
        passage_words=passage_words, passage_threshold=passage_threshold,
    )
    return Prepared(document, cleaned, words, shingles, signature)


def verify(a: Prepared, b: Prepared, settings: Settings) -> Match:
    """Compare two prepared documents exactly (see :mod:`dedup.verify`)."""
    return compare_words(
        a.doc_id, a.words, a.shingles, b.doc_id, b.words, b.shingles,
        shingle_size=settings.shingle_size, min_run_words=settings.min_run_words,
        partial_min_words=settings.partial_min_words, reprint_threshold=settings.reprint_threshold,
        duplicate_threshold=settings.duplicate_threshold,
    )


@dataclass(frozen=True)
class ScanResult:
    """What a scan found.

    Attributes:
        documents: every document scanned, prepared, in input order.
        clusters: groups of copies, largest first.
        pairs: every verified pair whose verdict is not ``none`` (``a`` < ``b`` by id).
        skipped: documents left out, with the reason.
        settings: the settings used.
        timings: seconds spent per stage (not part of the deterministic report).
        candidates: number of candidate pairs verified.
        alignments: for each cluster member other than the origin, the paragraph
            alignment of the origin (A) with that member (B).
    """

    documents: tuple[Prepared, ...]
    clusters: tuple[Cluster, ...]
    pairs: tuple[Match, ...]
    skipped: tuple[Skipped, ...] = ()
    settings: Settings = field(default_factory=Settings)
    timings: dict = field(default_factory=dict, compare=False)
    candidates: int = 0
    alignments: dict = field(default_factory=dict)


def _as_document(item: Document | str, index: int) -> Document:
    if isinstance(item, Document):
        return item
    if isinstance(item, str):
        return Document(doc_id=str(index), text=item)
    raise InputError(f"scan() takes Document objects or strings, found {type(item).__name__} at position {index}.")


def scan(
    documents: Iterable[Document | str],
    settings: Settings | None = None,
    *,
    on_skip: Callable[[Skipped], None] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ScanResult:
    """Find reprints in a corpus: clusters with origins, and every copy/partial pair.

    Args:
        documents: :class:`~dedup.ingest.Document` records, or plain strings (their
            position becomes the id).
        settings: the knobs; defaults when None.
        on_skip: called for each document left out (no article text after cleaning).
        progress: called as ``progress(stage, done, total)`` while working.
    """
    settings = settings or Settings()
    skipped: list[Skipped] = []

    def skip(s: Skipped) -> None:
        skipped.append(s)
        if on_skip:
            on_skip(s)

    report = progress or (lambda stage, done, total: None)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    docs = [_as_document(d, i) for i, d in enumerate(documents)]
    seen: set[str] = set()
    unique = []
    for d in docs:
        if d.doc_id in seen:
            skip(Skipped(d.doc_id, f"duplicate id {d.doc_id!r}"))
            continue
        seen.add(d.doc_id)
        unique.append(d)
    timings["ingest"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    templates = find_template_lines(
        (d.text for d in unique), template_min_docs=settings.template_min_docs,
        template_max_words=settings.template_max_words,
    )
    prepared: list[Prepared] = []
    for i, d in enumerate(unique):
        p = _prepare_with(d, settings, templates)
        if len(p.words) == 0:
            skip(Skipped(d.doc_id, "no article text left after removing furniture (menus, captions, comments)"))
        else:
            prepared.append(p)
        if i % 256 == 0 or i + 1 == len(unique):
            report("prepare", i + 1, len(unique))
    timings["clean+sign"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    pairs = candidate_pairs([p.signature.band_keys for p in prepared])
    timings["candidates"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    matches = []
    for k, (i, j) in enumerate(pairs.tolist()):
        a, b = prepared[i], prepared[j]
        if a.doc_id > b.doc_id:
            a, b = b, a
        m = verify(a, b, settings)
        if m.verdict != "none":
            matches.append(m)
        if k % 256 == 0 or k + 1 == len(pairs):
            report("verify", k + 1, len(pairs))
    matches.sort(key=lambda m: (m.a, m.b))
    timings["verify"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    clusters = build_clusters(
        [p.doc_id for p in prepared], matches,
        credits={p.doc_id: p.credits for p in prepared},
        published={p.doc_id: p.published for p in prepared},
        lengths={p.doc_id: len(p.words) for p in prepared},
    )
    timings["cluster"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    by_id = {p.doc_id: p for p in prepared}
    alignments = {
        member: align(by_id[c.origin].cleaned.body, by_id[member].cleaned.body)
        for c in clusters for member in c.members if member != c.origin
    }
    timings["align"] = time.perf_counter() - t0
    return ScanResult(tuple(prepared), clusters, tuple(matches), tuple(skipped), settings, timings, len(pairs), alignments)


@dataclass(frozen=True)
class Diff:
    """Two articles compared and aligned: the verdict, the scores and the blocks."""

    a: Prepared
    b: Prepared
    match: Match
    alignment: Alignment


def diff(document_a: Document, document_b: Document, settings: Settings | None = None) -> Diff:
    """Compare two documents and align their body paragraphs (A is the reference).

    >>> d = diff(Document("a", "Talks resumed on Monday in the capital, officials said today."),
    ...          Document("b", "Talks resumed on Monday in the capital, officials said today.\\n\\nLocal traders expect the market to open as usual on Tuesday."))
    >>> d.match.verdict, [blk.op for blk in d.alignment.blocks]
    ('reprint', ['same', 'added'])
    """
    settings = settings or Settings()
    a, b = _prepare_with(document_a, settings), _prepare_with(document_b, settings)
    return Diff(a, b, verify(a, b, settings), align(a.cleaned.body, b.cleaned.body))


def compare(text_a: str, text_b: str, settings: Settings | None = None) -> Match:
    """Compare two articles (furniture removed first) and return the verdict and scores.

    >>> compare("Short note.", "Something else entirely.").verdict
    'none'
    """
    settings = settings or Settings()
    return verify(_prepare_with(Document("a", text_a), settings), _prepare_with(Document("b", text_b), settings), settings)


def _prepare_with(document: Document, settings: Settings, templates: frozenset[str] = frozenset()) -> Prepared:
    """:func:`prepare` with the fields it uses taken from ``settings``."""
    return prepare(
        document, template_lines=templates, shingle_size=settings.shingle_size, num_perm=settings.num_perm,
        seed=settings.seed, passage_words=settings.passage_words, passage_threshold=settings.passage_threshold,
    )
