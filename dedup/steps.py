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

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from .align import Alignment, align
from .clean import Cleaned, agency, cleaned_parts
from .cluster import Cluster
from .ingest import Document, Skipped
from .paragraphs import cleaned_records, compact_parts
from .settings import Settings
from .sign import Signature, SignedBatch, body_hashes, long_body_hashes, shingle_hashes, shingles_many, sign_batch, sign_hashes, span_hashes
from .tokens import Part, analyse_parts, joined_parts, long_word_counts
from .verify import Analysed, Match, compare_copies, compare_many


@dataclass(frozen=True, slots=True)
class Prepared:
    """What dedup keeps of one document once cleaned and signed.

    Attributes:
        document: the input record.
        cleaned: paragraphs with their kinds, credits, date and headline.
        signature: MinHash and passage LSH keys.
        word_count: words in the body.

    >>> p = prepare(Document("a", "By Reuters\\n\\nTalks resumed on Monday in the capital."))
    >>> p.doc_id, p.word_count, p.credits
    ('a', 7, ('Reuters',))
    """

    document: Document
    cleaned: Cleaned
    signature: Signature
    word_count: int

    @property
    def doc_id(self) -> str:
        return self.document.doc_id

    def __repr__(self) -> str:
        return f"Prepared({self.doc_id!r}, words={self.word_count})"

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
    its body's word count and its signature."""
    cleaned, counts, batch = prepare_batch(
        texts, template_lines=template_lines, shingle_size=shingle_size, num_perm=num_perm, seed=seed,
        passage_words=passage_words, passage_threshold=passage_threshold,
    )
    return cleaned, counts, batch.signatures() if batch is not None else []


def prepare_batch(
    texts: Sequence[str], *, template_lines: frozenset[str] = frozenset(), parts: bool = False, **knobs: Any
) -> tuple[list[Any], list[int], SignedBatch | None]:
    """:func:`prepare_texts` with the signatures as one :class:`~dedup.sign.SignedBatch` (what an
    engine ships between processes; None for no texts); the knobs: those of :func:`prepare_texts`.
    ``parts``: each text's :class:`~dedup.clean.Cleaned` as its fields (:func:`~dedup.clean.compact_parts`:
    what a worker hands back, :func:`~dedup.clean.cleaned_records` makes the records)."""
    found = [cleaned_parts(t, template_lines=template_lines) for t in texts]
    if not found:
        return [], [], None
    compact = [compact_parts(*f) for f in found]
    cleaned = compact if parts else list(cleaned_records(compact))
    # Word hashes, not words: signing needs no Python string per word (words are computed
    # again, by analyse_documents, only for the documents a comparison needs). A body
    # longer than a tokenising part is signed on its own, its hashes laid out in place.
    bodies = [tuple([p for p, kind in zip(raw, kinds) if kind == "body"]) for raw, kinds, *_ in found]  # (Cleaned.body)
    long = long_word_counts(bodies)
    if all(n is None for n in long):  # (as good as always) one batch
        hashes, sentence_start, counts = body_hashes(bodies)
        return cleaned, counts.tolist(), sign_batch(hashes, sentence_start, counts, **knobs)
    short = [k for k, n in enumerate(long) if n is None]
    hashes, sentence_start, counts = body_hashes([bodies[k] for k in short])
    signatures: list = [None] * len(bodies)
    for k, signature in zip(short, sign_hashes(hashes, sentence_start, counts, **knobs)):
        signatures[k] = signature
    del hashes, sentence_start
    for k, n in enumerate(long):
        if n is not None:
            signatures[k] = sign_hashes(*long_body_hashes(bodies[k], n), np.array([n]), **knobs)[0]
    words = iter(counts.tolist())
    return cleaned, [next(words) if n is None else n for n in long], SignedBatch.of(signatures)


def analyse_documents(
    doc_ids: Sequence[str], bodies: Sequence[Sequence[str]], *, shingle_size: int = 5
) -> list[Analysed]:
    """Return the :class:`Analysed` form of documents given by their ids and body
    paragraphs, the words and shingle hashes of the whole batch computed at once.

    Each document's arrays are views of the batch's (of a part of it: :func:`~dedup.tokens.analyse_parts`;
    a document longer than a part has arrays of its own): one kept past the others keeps
    the batch's memory alive, unless it is :meth:`~Analysed.detached`.

    >>> [a.shingles.size for a in analyse_documents(["a", "b"], [["One two three four five six."], []])]
    [2, 0]
    """
    # A part at a time (dedup.tokens.analyse_parts), so that the working memory is a part's
    # whatever the batch or the longest body; a body longer than a part has its words and
    # hashes laid out in place (joined_parts), the others are views of their part's arrays.
    bodies = [b if isinstance(b, (list, tuple)) else list(b) for b in bodies]
    counts = long_word_counts(bodies)
    hashes: list = [np.empty(n, dtype=np.uint64) if n is not None else None for n in counts]
    done = [0] * len(bodies)

    def hashed(parts: Iterable[Part]) -> Iterator[Part]:
        for part in parts:
            found = span_hashes(part.spans.codes, part.spans.starts, part.spans.ends)
            for owner, end, n in zip(part.owners, np.cumsum(part.spans.counts).tolist(), part.spans.counts.tolist()):
                if counts[owner] is None:
                    hashes[owner] = found[end - n : end]
                else:
                    hashes[owner][done[owner] : done[owner] + n] = found[end - n : end]
                    done[owner] += n
            yield part

    analysed = joined_parts(hashed(analyse_parts(bodies)), counts)
    return [
        Analysed(doc_id, w, h, shingle_hashes(h, shingle_size=shingle_size) if n is not None else cast(np.ndarray, s))
        for doc_id, w, h, n, s in zip(doc_ids, analysed, hashes, counts, _shingles(hashes, counts, shingle_size))
    ]


def _shingles(hashes: list[np.ndarray], long: list[int | None], shingle_size: int) -> list[np.ndarray | None]:
    """The shingles of the bodies that are not long (None for the long ones), computed in
    one pass over their hashes (views of the parts' arrays: one concatenation)."""
    short = [k for k, n in enumerate(long) if n is None]
    found = shingles_many(np.concatenate([hashes[k] for k in short]) if short else np.zeros(0, dtype=np.uint64),
                          [len(hashes[k]) for k in short], shingle_size=shingle_size)
    out: list = [None] * len(long)
    for k, sh in zip(short, found):
        out[k] = sh
    return out


def analyse_prepared(prepared: Sequence[Prepared], *, shingle_size: int = 5) -> list[Analysed]:
    """:func:`analyse_documents` of prepared documents (their cleaned bodies)."""
    return analyse_documents([p.doc_id for p in prepared], [p.cleaned.body for p in prepared], shingle_size=shingle_size)


def verify(a: Analysed, b: Analysed, settings: Settings) -> Match:
    """Compare two analysed documents exactly (see :mod:`dedup.verify`)."""
    return verify_many([(a, b)], settings)[0]


def verify_many(pairs: Sequence[tuple[Analysed, Analysed]], settings: Settings) -> list[Match]:
    """:func:`verify` of many pairs, their shingles matched in one pass (:func:`~dedup.verify.compare_many`)."""
    return compare_many(pairs, **settings.for_step("verify"))


def copies_of(pairs: Sequence[tuple[Analysed, Analysed]], settings: Settings) -> list[Match]:
    """The matches of :func:`verify_many` whose verdict is not ``none``, in order (those of
    ``none`` are not made: what a scan keeps; :func:`~dedup.verify.compare_copies`)."""
    return compare_copies(pairs, **settings.for_step("verify"))


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

    >>> from dedup import scan
    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> result = scan([text, text + " Officials said work starts in May."])
    >>> len(result.documents), len(result.pairs), len(result.clusters), sorted(result.to_dict())
    (2, 1, 1, ['clusters', 'documents', 'format_version', 'pairs', 'settings', 'skipped'])
    """

    documents: tuple[Prepared, ...]
    clusters: tuple[Cluster, ...]
    pairs: tuple[Match, ...]
    skipped: tuple[Skipped, ...] = ()
    settings: Settings = field(default_factory=Settings)
    timings: dict = field(default_factory=dict, compare=False)
    candidates: int = 0
    alignments: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The JSON report as a dict (:func:`dedup.report.scan_to_dict`; the README documents it).

        >>> from dedup import scan
        >>> sorted(scan(["One short article about the harbour."]).to_dict())[:3]
        ['clusters', 'documents', 'format_version']
        """
        from .report.data import scan_to_dict

        return scan_to_dict(self)

    def to_pandas(self, table: str = "pairs"):
        """One table as a pandas DataFrame: ``pairs`` (every verified pair not ``none``),
        ``documents`` (each with its cluster and origin), ``clusters``, ``alignments`` or
        ``skipped`` (:func:`dedup.report.scan_to_pandas`; needs ``dedup-news[pandas]``).

        >>> from dedup import scan
        >>> frame = scan(["One short article about the harbour."]).to_pandas("documents")
        >>> frame[["id", "words", "cluster"]].to_dict("records")
        [{'id': '0', 'words': 6, 'cluster': None}]
        """
        from .report.frames import scan_to_pandas

        return scan_to_pandas(self, table)

    def __repr__(self) -> str:
        """Counts, not contents (a corpus's texts are too long to print).

        >>> ScanResult((), (), ())
        ScanResult(documents=0, clusters=0, pairs=0, skipped=0)
        """
        return (f"ScanResult(documents={len(self.documents)}, clusters={len(self.clusters)}, "
                f"pairs={len(self.pairs)}, skipped={len(self.skipped)})")


@dataclass(frozen=True)
class Diff:
    """Two articles compared and aligned: the verdict, the scores and the blocks.

    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> d = diff(Document("a", text), Document("b", text + " Officials said work starts in May."))
    >>> d.match.verdict, d.alignment.edited, d.alignment.words_added
    ('reprint', 1, 6)
    """

    a: Prepared
    b: Prepared
    match: Match
    alignment: Alignment

    def to_dict(self) -> dict:
        """The JSON diff as a dict (:func:`dedup.report.diff_to_dict`; the README documents it).

        >>> d = diff(Document("a", "Talks resumed on Monday in the capital."), Document("b", "Weather was fine all week."))
        >>> d.to_dict()["verdict"], d.to_dict()["a"]["paragraphs"]
        ('none', ['Talks resumed on Monday in the capital.'])
        """
        from .report.data import diff_to_dict

        return diff_to_dict(self)


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
    analysed_a, analysed_b = analyse_prepared([a, b], shingle_size=settings.shingle_size)
    return verify(analysed_a, analysed_b, settings)
