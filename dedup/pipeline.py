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

import gc
import os
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import ge
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np

from .align import Alignment, align, paragraph_tokens
from .candidates import banded_candidate_pairs
from .clean import Cleaned, Paragraph, Words, agency, analyse, analyse_many, analyse_with_spans, clean, spans_many, template_candidates
from .cluster import Cluster, build_clusters, components
from .errors import ConfigError, InputError
from .ingest import Document, Skipped
from .settings import Settings, lsh_params
from .sign import Signature, shingle_hashes, shingles_many, sign_spans, span_hashes, word_hashes
from .verify import Match, compare_many


@dataclass(frozen=True, slots=True)
class Prepared:
    """Everything dedup derives from one document, ready for comparison.

    Attributes:
        document: the input record.
        cleaned: paragraphs with their kinds, credits, date and headline.
        shingles: the body's shingle hashes (uint64), in word order, or None where an
            engine leaves them out (a scan does: it computes them again for the documents
            a pair needs, as :func:`verify` does).
        signature: MinHash and passage LSH keys.
        word_count: words in the body.
        words: the body as normalised words (:class:`~dedup.clean.Words`); engines that
            ship prepared documents between processes leave it out, and it is computed
            again on first use (only candidates ever need it).
    """

    document: Document
    cleaned: Cleaned
    shingles: np.ndarray | None
    signature: Signature
    word_count: int
    _words: Words | None = field(default=None, repr=False, compare=False)

    @property
    def words(self) -> Words:
        """The body as normalised words."""
        if self._words is None:
            object.__setattr__(self, "_words", analyse(self.cleaned.body))
        return self._words

    def keep_words(self, words: Words, shingles: np.ndarray | None = None) -> None:
        """Cache words (and shingles) computed elsewhere (a batch :func:`~dedup.clean.analyse_many`)."""
        object.__setattr__(self, "_words", words)
        if shingles is not None:
            object.__setattr__(self, "shingles", shingles)

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
    cleaned, counts, signed = _prepare_texts(
        [d.text for d in documents], template_lines=template_lines, shingle_size=shingle_size, num_perm=num_perm,
        seed=seed, passage_words=passage_words, passage_threshold=passage_threshold,
    )
    return [Prepared(d, c, sh, sig, n) for d, c, n, (sh, sig) in zip(documents, cleaned, counts, signed)]


def _prepare_texts(
    texts: Sequence[str], *, template_lines: frozenset[str], shingle_size: int, num_perm: int, seed: int,
    passage_words: int, passage_threshold: float,
) -> tuple[list[Cleaned], list[int], list[tuple[np.ndarray, Signature]]]:
    """The cleaned texts, their word counts and their (shingles, signature)."""
    cleaned = [clean(t, template_lines=template_lines) for t in texts]
    # Spans, not words: signing needs no Python string per word (words are computed
    # again, on first use, only for the documents a comparison needs).
    spans = spans_many([c.body for c in cleaned])
    signed = sign_spans(
        spans, shingle_size=shingle_size, num_perm=num_perm, seed=seed,
        passage_words=passage_words, passage_threshold=passage_threshold,
    )
    return cleaned, spans.counts.tolist(), signed


def verify(a: Prepared, b: Prepared, settings: Settings) -> Match:
    """Compare two prepared documents exactly (see :mod:`dedup.verify`)."""
    return verify_many([(a, b)], settings)[0]


def verify_many(pairs: Sequence[tuple[Prepared, Prepared]], settings: Settings) -> list[Match]:
    """:func:`verify` of many pairs, their shingles matched in one pass (:func:`~dedup.verify.compare_many`)."""
    return _compare_many(
        [(a.doc_id, a.words, _shingles(a, settings), b.doc_id, b.words, _shingles(b, settings)) for a, b in pairs],
        settings,
    )


def _compare_many(items: list[tuple], settings: Settings) -> list[Match]:
    """:func:`~dedup.verify.compare_many` with the fields it uses taken from ``settings``."""
    return compare_many(
        items, shingle_size=settings.shingle_size, min_run_words=settings.min_run_words,
        partial_min_words=settings.partial_min_words, reprint_threshold=settings.reprint_threshold,
        duplicate_threshold=settings.duplicate_threshold,
    )


def _shingles(p: Prepared, settings: Settings) -> np.ndarray:
    """A prepared document's shingle hashes, computed again (and kept) if it was shipped without them."""
    if p.shingles is None:
        p.keep_words(p.words, shingle_hashes(word_hashes(p.words.words), shingle_size=settings.shingle_size))
    return p.shingles


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
    workers: int = 1,
) -> ScanResult:
    """Find reprints in a corpus: clusters with origins, and every copy/partial pair.

    Args:
        documents: :class:`~dedup.ingest.Document` records, or plain strings (their
            position becomes the id).
        settings: the knobs; defaults when None.
        on_skip: called for each document left out (no article text after cleaning).
        progress: called as ``progress(stage, done, total)`` while working.
        workers: processes for the per-document work (0: one per CPU). The result is
            identical whatever the number.
    """
    settings = settings or Settings()
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
        raise ConfigError(f"workers must be 0 (one per CPU) or a positive number of processes, got {workers!r}.")
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
    processes = _processes(workers)
    spans = _tapered(len(unique), _CHUNK, processes)
    # what every task needs, computed here once for the workers to inherit: the tokeniser's
    # code point table, the LSH shape
    spans_many([])
    lsh_params(settings.passage_threshold, settings.num_perm)
    texts = [d.text for d in unique]
    # One pool for the whole scan, its workers forked now, while this process holds little
    # more than the documents. Every task carries what it works on (texts, bodies), and
    # a worker touches none of this process's objects: writing to one (a reference count)
    # would copy its memory page, as would a worker forked later, after this process's
    # heap had grown, allocating into its freed space.
    with _Pool(workers if len(spans) > 1 else 1) as pool:
        counts: Counter[str] = Counter()
        # keying lines is quick: larger tasks than the chunks, so that handing them out costs little
        template_tasks = ((settings, texts[a:b]) for a, b in _tapered(len(unique), 4 * _CHUNK, processes))
        for keys in pool.starmap(_template_keys, template_tasks):
            counts.update(keys.split("\n") if keys else ())
        # the keys counted often enough, picked in C (a generator would loop over every key in Python)
        templates = frozenset(compress(counts, map(ge, counts.values(), repeat(settings.template_min_docs))))
        del counts  # every short line of the corpus: large, and not needed again
        timings["templates"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        prepared: list[Prepared] = []
        key_blocks = []  # each batch's band keys, band by band: the signatures' keys are views of them
        prepare_tasks = ((settings, texts[a:b], templates) for a, b in spans)
        for (start, end), part in zip(spans, pool.starmap(_prepare_chunk, prepare_tasks)):
            key_blocks.append(part[-1])
            for d, (cleaned, signature, n) in zip(unique[start:end], _unpack(part)):
                if n == 0:
                    skip(Skipped(d.doc_id, "no article text left after removing furniture (menus, captions, comments)"))
                else:
                    prepared.append(Prepared(d, cleaned, None, signature, n))
            report("prepare", end, len(unique))
            # The prepared documents live until the scan returns: out of the collector's
            # sight, so that its full collections, which every quarter's growth of the
            # tracked objects sets off, do not go over all of them again and again
            # (measured: 0.2 s of collections on the real corpus, 0.03 s so).
            gc.freeze()
        timings["clean+sign"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        windows = np.array([len(p.signature.windows) for p in prepared], dtype=np.int64)  # skipped: none
        pairs = banded_candidate_pairs(key_blocks, windows)
        del key_blocks
        timings["candidates"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        pair_list = _by_component(pairs.tolist())
        if pool.workers == 1:
            local_pairs, doc_ids, bodies = _task(prepared, pair_list)
            matches = _verify_pairs(doc_ids, bodies, settings, local_pairs, lambda k: report("verify", k, len(pair_list)))
        else:
            matches = []
            blocks = [pair_list[a:b] for a, b in _tapered(len(pair_list), _VERIFY_CHUNK, processes)]
            done = 0
            for block, found in zip(blocks, pool.starmap(_verify_block, ((settings, *_task(prepared, b)) for b in blocks))):
                matches += found
                done += len(block)
                report("verify", done, len(pair_list))
        matches.sort(key=lambda m: (m.a, m.b))
        timings["verify"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        linked = {m.a for m in matches} | {m.b for m in matches}
        members = [p for p in prepared if p.doc_id in linked]  # the evidence of origin of these only
        clusters = build_clusters(
            [p.doc_id for p in members], matches,  # the others are in no cluster
            credits={p.doc_id: p.credits for p in members},
            published={p.doc_id: p.published for p in members},
            lengths={p.doc_id: p.word_count for p in members},
        )
        timings["cluster"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        by_index = {p.doc_id: i for i, p in enumerate(prepared)}
        to_align = [(by_index[c.origin], by_index[m]) for c in clusters for m in c.members if m != c.origin]
        align_blocks = [to_align[a:b] for a, b in _tapered(len(to_align), _ALIGN_CHUNK, processes)]
        align_tasks = ((pairs, bodies) for pairs, _, bodies in (_task(prepared, b) for b in align_blocks))
        aligned = [a for found in pool.starmap(_align_block, align_tasks) for a in found]
    alignments = {prepared[j].doc_id: a for (_, j), a in zip(to_align, aligned)}
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


_CHUNK = 256  # documents per batch: big enough to amortise numpy calls, small for memory (~30 MB)


def _tapered(n: int, size: int, workers: int) -> list[tuple[int, int]]:
    """(start, end) ranges over ``n`` items, ``size`` at a time but smaller towards the
    end (down to an eighth), so that no process waits long for another's last task.

    Smaller from four tasks a process before the end: a worker holds up to three tasks
    that can no longer be taken back (running, and two in the executor's call queue);
    tapering from two a process left it a tenth of a second of work on the real corpus
    after this process had run out, 0.02 s so.

    >>> _tapered(20, 4, 1)
    [(0, 4), (4, 8), (8, 10), (10, 12), (12, 14), (14, 15), (15, 16), (16, 17), (17, 18), (18, 19), (19, 20)]
    """
    spans, start = [], 0
    while start < n:
        step = size
        while step > max(1, size // 8) and n - start < 4 * workers * step:
            step //= 2
        step = max(1, min(step, n - start))
        spans.append((start, start + step))
        start += step
    return spans


def _template_keys(settings: Settings, texts: list[str]) -> str:
    """One task: the short-line keys of some documents' texts, each document's once, one
    key a line (keys hold no line breaks).

    Not a Counter: the caller counts the keys in C (``Counter.update`` of a list), where
    merging Counters would loop in Python over every key. One string, not a list: a
    list of 17,000 keys takes 3.7 ms to pickle and unpickle, a string 0.2 ms (and 1.6 ms
    to split), which hands a worker's result over before the next one queues behind it.
    """
    keys: list[str] = []
    for text in texts:
        keys += template_candidates(text, template_max_words=settings.template_max_words)
    return "\n".join(keys)


def _prepare_chunk(settings: Settings, texts: list[str], templates: frozenset[str]) -> tuple:
    """One task: prepare some documents' texts; return what the scan keeps of them.

    Without the documents (the caller has them), the words and the shingles: they are
    most of a prepared document's memory and of the payload from a worker, and only
    candidates need them again. The arrays of the range are returned as one array each
    (the caller slices them): a numpy array costs microseconds to pickle and unpickle
    whatever its size. From a worker process, the cleaned documents come as plain tuples,
    which the caller unpickles and builds two to three times faster than pickled
    dataclasses (the first item says which).
    """
    cleaned, counts, signed = _prepare_texts(
        texts, template_lines=templates, shingle_size=settings.shingle_size, num_perm=settings.num_perm,
        seed=settings.seed, passage_words=settings.passage_words, passage_threshold=settings.passage_threshold,
    )
    packed = _IN_WORKER
    if packed:
        cleaned = [
            (tuple(q.text for q in c.paragraphs), tuple(q.kind for q in c.paragraphs), c.credits, c.published, c.headline)
            for c in cleaned
        ]
    signatures = [sig for _, sig in signed]
    return (
        packed, cleaned, counts, [len(g.windows) for g in signatures],
        np.stack([g.minhash for g in signatures]), np.concatenate([g.windows for g in signatures]),
        np.concatenate([g.band_keys.T for g in signatures], axis=1),  # band by band: see banded_candidate_pairs
    )


def _unpack(part: tuple) -> Iterator[tuple[Cleaned, Signature, int]]:
    """The (cleaned, signature, word count) of each document of a :func:`_prepare_chunk` result."""
    packed, cleaned, word_counts, window_counts, minhashes, windows, band_keys = part  # band_keys: (bands, windows)
    end = np.cumsum(window_counts).tolist()
    for k, (c, n) in enumerate(zip(cleaned, word_counts)):
        if packed:
            texts, kinds, credits, published, headline = c
            c = Cleaned(tuple(map(Paragraph, texts, kinds)), credits, published, headline)
        start = end[k] - window_counts[k]
        yield c, Signature(minhashes[k], windows[start : end[k]], band_keys[:, start : end[k]].T), n


def _verify_pairs(
    doc_ids: Sequence[str], bodies: Sequence[tuple[str, ...]], settings: Settings, pair_list: list, on_progress=None,
) -> list[Match]:
    """Verify candidate pairs ``(x, y)`` of documents given by their ids and bodies
    (``doc_ids[x]``, ``bodies[x]``); return the matches that are not ``none``.

    Words are computed a block of pairs at a time (:func:`~dedup.clean.analyse_with_spans`)
    and kept only until a document's last pair: they are most of a document's memory.
    """
    matches = []
    last_pair = {}
    for k, (i, j) in enumerate(pair_list):
        last_pair[i] = last_pair[j] = k
    known: dict[int, tuple[Words, np.ndarray]] = {}
    for block in range(0, len(pair_list), _VERIFY_CHUNK):
        here = pair_list[block : block + _VERIFY_CHUNK]
        need = sorted({x for pair in here for x in pair if x not in known})
        analysed, spans = analyse_with_spans([bodies[x] for x in need])
        hashes = span_hashes(spans.codes, spans.starts, spans.ends)
        shingles_list = shingles_many(hashes, spans.counts, shingle_size=settings.shingle_size)
        for x, words, shingles in zip(need, analysed, shingles_list):
            if last_pair[x] >= block + _VERIFY_CHUNK:  # needed after this block: a copy of its own, so
                words = Words(*(a.copy() for a in (words.words, words.paragraph, words.quoted, words.sentence_start)))
                shingles = shingles.copy()
            known[x] = words, shingles  # that the batch's arrays are freed with the block
        ordered = [(i, j) if doc_ids[i] <= doc_ids[j] else (j, i) for i, j in here]
        found = _compare_many([(doc_ids[a], *known[a], doc_ids[b], *known[b]) for a, b in ordered], settings)
        matches += [m for m in found if m.verdict != "none"]
        for k, pair in enumerate(here, start=block):
            for x in pair:
                if last_pair[x] == k:
                    del known[x]
        if on_progress:
            on_progress(block + len(here))
    return matches


def _task(prepared: Sequence[Prepared], pair_list: list) -> tuple[list, list[str], list[tuple[str, ...]]]:
    """A block of pairs as a task that carries its documents: the pairs renumbered into
    the block's own ids and bodies (a worker has not got the prepared corpus).

    >>> from dedup import Document
    >>> text = "Story number {} says the central bank raised its main interest rate on Tuesday, officials said."
    >>> docs = [prepare(Document(f"d{k}", text.format(k))) for k in range(4)]
    >>> pairs, ids, bodies = _task(docs, [[1, 3], [3, 2]])
    >>> pairs, ids, [body[0][:14] for body in bodies]
    ([[0, 2], [2, 1]], ['d1', 'd2', 'd3'], ['Story number 1', 'Story number 2', 'Story number 3'])
    """
    docs = sorted({x for pair in pair_list for x in pair})
    local = {x: k for k, x in enumerate(docs)}
    return (
        [[local[i], local[j]] for i, j in pair_list], [prepared[x].doc_id for x in docs],
        [prepared[x].cleaned.body for x in docs],
    )


def _by_component(pair_list: list[list[int]]) -> list[list[int]]:
    """The pairs grouped by connected component of the candidate graph (then in order):
    a block of pairs then holds fewer distinct documents, whose words it computes once
    (on the real corpus, 4,129 word computations instead of 5,738).

    >>> _by_component([[0, 5], [1, 2], [2, 3], [4, 5]])
    [[0, 5], [4, 5], [1, 2], [2, 3]]
    """
    docs = sorted({x for pair in pair_list for x in pair})
    component = {x: k for k, members in enumerate(components(docs, pair_list)) for x in members}
    return sorted(pair_list, key=lambda p: (component[p[0]], p[0], p[1]))


_VERIFY_CHUNK = 128  # candidate pairs verified per task (measured: as fast as 256, 12 MB less per process)
_ALIGN_CHUNK = 64  # cluster members aligned per task (their words analysed as one batch)


def _verify_block(settings: Settings, pair_list: list, doc_ids: list[str], bodies: list[tuple[str, ...]]) -> list[Match]:
    """One task: verify a block of pairs that carries its documents (:func:`_task`)."""
    return _verify_pairs(doc_ids, bodies, settings, pair_list)


def _align_block(pair_list: list, bodies: list[tuple[str, ...]]) -> list[Alignment]:
    """One task: align (origin, member) pairs of a block that carries its bodies
    (a :func:`_task` without its ids), their words analysed once for the block
    (:func:`~dedup.align.paragraph_tokens`)."""
    tokens = [paragraph_tokens(w, len(b)) for w, b in zip(analyse_many(bodies), bodies)]
    return [align(bodies[i], bodies[j], tokens=(tokens[i], tokens[j])) for i, j in pair_list]


# True in a worker process of a _Pool: its results travel back pickled (see _prepare_chunk).
_IN_WORKER = False


def _start_worker() -> None:
    """Set up a worker process of a :class:`_Pool`."""
    global _IN_WORKER
    _IN_WORKER = True


def _widen_result_pipe(executor) -> None:
    """Let a worker write a whole result (a batch: up to about a megabyte) into the pipe
    at once, where Linux's 64 KB default makes it wait for this process to read every
    64 KB, and this process reads only when its executor thread gets the GIL between
    its own tasks (measured: a worker idle 0.25 s of 2.8 s, against 0.07 s). Best effort:
    the pipe is the executor's private result queue, and the call exists on Linux only."""
    try:
        import fcntl

        fcntl.fcntl(executor._result_queue._reader.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError, ValueError):
        pass  # the default pipe: slower hand-over, same results


def _processes(workers: int) -> int:
    """The number of processes ``workers`` asks for (0: one per CPU)."""
    return (os.cpu_count() or 1) if workers == 0 else workers


class _Pool:
    """Tasks run on ``workers`` processes, this one included; results come in task order.

    With more than one, ``workers - 1`` worker processes are forked and this process
    runs tasks too, whenever each worker already has four queued: its own results need
    no pickling, and no third process competes for the CPUs while it gathers the rest.
    Where processes cannot be forked, every task runs in this process.

    While it is open, the objects alive are frozen out of the garbage collector's sight
    (``gc.freeze``; ``gc.unfreeze`` when it closes, which also releases objects the
    caller had frozen itself).
    """

    def __init__(self, workers: int) -> None:
        self.workers = _processes(workers)
        self._executor = None

    def __enter__(self) -> "_Pool":
        import multiprocessing

        if "fork" not in multiprocessing.get_all_start_methods():
            # spawned workers would import the caller's main module again (a script
            # without an ``if __name__ == "__main__"`` guard would run twice)
            self.workers = 1
        # Objects alive now move to the collector's permanent generation (until the pool
        # closes), so that a collection in a worker does not write to (and so copy)
        # every page of them, and collections here do not go over them either.
        gc.freeze()
        if self.workers > 1:
            from concurrent.futures import ProcessPoolExecutor

            # fork shares the parent's imports: workers start in milliseconds
            self._executor = ProcessPoolExecutor(
                self.workers - 1, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker,
            )
            _widen_result_pipe(self._executor)
        return self

    def __exit__(self, *exc) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
        gc.unfreeze()

    def starmap(self, fn, tasks: Iterable[tuple]) -> Iterator:
        """``fn(*task)`` for each task (a tuple of arguments), in order."""
        if self._executor is None:
            return (fn(*args) for args in tasks)
        return self._interleaved(fn, fn, tasks)

    def _interleaved(self, local, remote, tasks) -> Iterator:

        depth = 4 * (self.workers - 1)  # tasks queued per worker, so that none waits for the next
        pending: deque = deque()  # in task order: [worker's Future, args], or [None, local result]

        def ready() -> Iterator:
            while pending and (pending[0][0] is None or pending[0][0].done()):
                future, value = pending.popleft()
                yield value if future is None else future.result()

        switch = sys.getswitchinterval()
        # This thread runs tasks for seconds at a time; the executor's threads, which hand
        # the workers their next task and take their results, need the GIL only briefly
        # but would wait up to the switch interval (5 ms) for it each time.
        sys.setswitchinterval(0.0005)
        try:
            for args in tasks:
                if sum(1 for f, _ in pending if f is not None and not f.done()) < depth:
                    pending.append([self._executor.submit(remote, *args), args])
                else:
                    pending.append([None, local(*args)])
                yield from ready()
            # Every task is handed out: take back those no worker has started, the last
            # first, so that this process does not wait idle for a worker's queue.
            for entry in reversed(pending):
                if entry[0] is None:
                    continue
                if not entry[0].cancel():
                    break
                entry[:] = [None, local(*entry[1])]
            while pending:
                future, value = pending.popleft()
                yield value if future is None else future.result()
        finally:
            sys.setswitchinterval(switch)


def _prepare_with(document: Document, settings: Settings, templates: frozenset[str] = frozenset()) -> Prepared:
    """:func:`prepare` with the fields it uses taken from ``settings``."""
    return prepare(
        document, template_lines=templates, shingle_size=settings.shingle_size, num_perm=settings.num_perm,
        seed=settings.seed, passage_words=settings.passage_words, passage_threshold=settings.passage_threshold,
    )
