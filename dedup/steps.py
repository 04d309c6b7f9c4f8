"""Steps: the records every engine shares, and the per-document and per-pair work.

``clean → sign`` for one document is :func:`prepare` (a batch: :func:`prepare_many`),
a pure function of (document, settings fields, template lines) that any engine calls
unchanged; :func:`verify` compares two documents exactly from their
:class:`~dedup.verify.Analysed` form (words, word hashes and shingles), which :func:`analyse_documents`
computes a batch at a time. The records are frozen: a :class:`Prepared` document holds
what scanning keeps of it, an :class:`Analysed` one what comparing needs, and an
engine builds whichever it needs, never a half-filled other.

The engines (:mod:`dedup.engines`), the index and the gate call these; nothing here
knows about processes, Spark or storage.

>>> compare("Ten people were hurt when a bus overturned on the motorway near the city on Sunday night, police said.",
...         "Ten people were hurt when a bus overturned on the motorway near the city on Sunday night, police said.").verdict
'duplicate'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .align import Alignment, align
from .clean import Cleaned, agency, clean
from .cluster import Cluster
from .ingest import Document, Skipped
from .settings import Settings
from .sign import Signature, shingles_many, sign_spans, span_hashes
from .tokens import analyse_with_spans, spans_many
from .verify import Analysed, Match, compare_many


@dataclass(frozen=True, slots=True)
class Prepared:
    """What dedup keeps of one document once cleaned and signed.

    Attributes:
        document: the input record.
        cleaned: paragraphs with their kinds, credits, date and headline.
        signature: MinHash and passage LSH keys.
        word_count: words in the body.
    """

    document: Document
    cleaned: Cleaned
    signature: Signature
    word_count: int

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
    """Clean, tokenise, shingle and sign one document (pure; engine-independent).

    >>> p = prepare(Document("a", "By Reuters\\n\\nTalks resumed on Monday in the capital, officials said."))
    >>> p.word_count, p.credits
    (9, ('Reuters',))
    """
    return prepare_many(
        [document], template_lines=template_lines, shingle_size=shingle_size, num_perm=num_perm, seed=seed,
        passage_words=passage_words, passage_threshold=passage_threshold,
    )[0]


def prepare_many(
    documents: Sequence[Document],
    *,
    template_lines: frozenset[str] = frozenset(),
    shingle_size: int = 5,
    num_perm: int = 128,
    seed: int = 1,
    passage_words: int = 30,
    passage_threshold: float = 0.5,
) -> list[Prepared]:
    """:func:`prepare` for a batch: the same result, with the signing vectorised over the batch."""
    cleaned, counts, signatures = prepare_texts(
        [d.text for d in documents], template_lines=template_lines, shingle_size=shingle_size, num_perm=num_perm,
        seed=seed, passage_words=passage_words, passage_threshold=passage_threshold,
    )
    return [Prepared(d, c, sig, n) for d, c, n, sig in zip(documents, cleaned, counts, signatures)]


def prepare_texts(
    texts: Sequence[str],
    *,
    template_lines: frozenset[str] = frozenset(),
    shingle_size: int = 5,
    num_perm: int = 128,
    seed: int = 1,
    passage_words: int = 30,
    passage_threshold: float = 0.5,
) -> tuple[list[Cleaned], list[int], list[Signature]]:
    """The parts of :func:`prepare_many` that depend on the texts alone: each text cleaned,
    its body's word count and its signature (what an engine ships between processes)."""
    cleaned = [clean(t, template_lines=template_lines) for t in texts]
    # Spans, not words: signing needs no Python string per word (words are computed
    # again, by analyse_documents, only for the documents a comparison needs).
    spans = spans_many([c.body for c in cleaned])
    signed = sign_spans(
        spans, shingle_size=shingle_size, num_perm=num_perm, seed=seed,
        passage_words=passage_words, passage_threshold=passage_threshold,
    )
    return cleaned, spans.counts.tolist(), [sig for _, sig in signed]


def analyse_documents(
    doc_ids: Sequence[str], bodies: Sequence[Sequence[str]], *, shingle_size: int = 5
) -> list[Analysed]:
    """Return the :class:`Analysed` form of documents given by their ids and body
    paragraphs, the words and shingle hashes of the whole batch computed at once.

    Each document's arrays are views of the batch's: one kept past the others keeps the
    whole batch's memory alive, unless it is :meth:`~Analysed.detached`.

    >>> [a.shingles.size for a in analyse_documents(["a", "b"], [["One two three four five six."], []])]
    [2, 0]
    """
    analysed, spans = analyse_with_spans(bodies)
    hashes = span_hashes(spans.codes, spans.starts, spans.ends)
    shingles_list = shingles_many(hashes, spans.counts, shingle_size=shingle_size)
    cuts = np.cumsum(spans.counts).tolist()
    return [
        Analysed(doc_id, w, hashes[end - len(w) : end], s)
        for doc_id, w, s, end in zip(doc_ids, analysed, shingles_list, cuts)
    ]


def analyse_prepared(prepared: Sequence[Prepared], *, shingle_size: int = 5) -> list[Analysed]:
    """:func:`analyse_documents` of prepared documents (their cleaned bodies)."""
    return analyse_documents([p.doc_id for p in prepared], [p.cleaned.body for p in prepared], shingle_size=shingle_size)


def verify(a: Analysed, b: Analysed, settings: Settings) -> Match:
    """Compare two analysed documents exactly (see :mod:`dedup.verify`)."""
    return verify_many([(a, b)], settings)[0]


def verify_many(pairs: Sequence[tuple[Analysed, Analysed]], settings: Settings) -> list[Match]:
    """:func:`verify` of many pairs, their shingles matched in one pass (:func:`~dedup.verify.compare_many`)."""
    return compare_many(pairs, **settings.for_step("verify"))


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


@dataclass(frozen=True)
class Diff:
    """Two articles compared and aligned: the verdict, the scores and the blocks."""

    a: Prepared
    b: Prepared
    match: Match
    alignment: Alignment


def diff(
    document_a: Document, document_b: Document, settings: Settings | None = None,
    *, template_lines: frozenset[str] = frozenset(),
) -> Diff:
    """Compare two documents and align their body paragraphs (A is the reference).

    ``template_lines`` are line keys known to be site furniture (as a scan or an index
    finds them, :func:`~dedup.clean.find_template_lines`); they are left out of both.

    >>> d = diff(Document("a", "Talks resumed on Monday in the capital, officials said today."),
    ...          Document("b", "Talks resumed on Monday in the capital, officials said today.\\n\\nLocal traders expect the market to open as usual on Tuesday."))
    >>> d.match.verdict, [blk.op for blk in d.alignment.blocks]
    ('reprint', ['same', 'added'])
    """
    settings = settings or Settings()
    a, b = prepare_many([document_a, document_b], template_lines=template_lines, **settings.for_step("prepare"))
    x, y = analyse_prepared([a, b], shingle_size=settings.shingle_size)
    return Diff(a, b, verify(x, y, settings), align(a.cleaned.body, b.cleaned.body))


def compare(
    text_a: str, text_b: str, settings: Settings | None = None, *, template_lines: frozenset[str] = frozenset(),
) -> Match:
    """Compare two articles (furniture removed first) and return the verdict and scores.

    ``template_lines``: line keys known to be site furniture, left out of both (as :func:`diff`).

    >>> compare("Short note.", "Something else entirely.").verdict
    'none'
    """
    settings = settings or Settings()
    a, b = prepare_many([Document("a", text_a), Document("b", text_b)], template_lines=template_lines,
                        **settings.for_step("prepare"))
    return verify(*analyse_prepared([a, b], shingle_size=settings.shingle_size), settings)
