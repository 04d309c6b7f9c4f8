"""The local engine: a scan on one machine, its stages in this process and a :class:`~dedup.engines.pool.Pool`'s workers.

``ingest → clean → sign → candidates → verify → cluster → align``. Per-document work is
:func:`dedup.steps.prepare_batch` and per-pair work :func:`dedup.steps.verify_many` (:func:`~dedup.steps.copies_of`: its copies),
the functions every engine calls; what is this engine's own is how the work is cut into
tasks and handed to processes, and the corpus-level steps (template lines, candidate
grouping, components) done in this process.

>>> result = scan(["The central bank raised its main interest rate on Tuesday to fight inflation, "
...                "which reached a ten-year high in March, officials in the capital said.",
...                "Weather: sunny all week, with light winds from the south and no rain expected."])
>>> len(result.documents), result.clusters
(2, ())
"""

from __future__ import annotations

import dataclasses
import pickle
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial

import numpy as np

from .. import _native
from ..align import Alignment, align_many
from ..candidates import banded_candidate_pairs, filter_pairs, outlet, published_seconds
from ..clean import NO_ARTICLE_TEXT, Cleaned, frequent_lines, joined_template_keys
from ..cluster import Group, components, groups_of, numbered
from ..errors import InputError
from ..ingest import Document, Skipped, unique_documents
from ..paragraphs import cleaned_records
from ..settings import Settings, lsh_params
from ..sign import Signature
from ..steps import Analysed, Prepared, ScanResult, analyse_documents, copies_of, prepare_batch
from ..tokens import spans_many
from ..verify import Match
from .pool import Pool, inherited, processes, tapered

_CHUNK = 256  # documents per batch: big enough to amortise numpy calls, small for memory (~30 MB)
_VERIFY_CHUNK = 128  # candidate pairs verified per task (measured: as fast as 256, 12 MB less per process)
_VERIFY_MOST = 2048  # ... but a connected component's pairs in one task up to this many (see _blocks)
_ALIGN_CHUNK = 64  # cluster members aligned per task (their words analysed as one batch)
# A task holding a document of more characters than this runs in this process, not in a worker:
# sent, it is pickled, copied and unpickled, and the worker's working memory for it adds to this
# process's (a scan of a 50 MB article among 2,000 news articles: 1,060 MB over the two processes
# when the worker took it, 880 MB here).
_HERE_CHARS = 8 << 20

Progress = Callable[[str, int, int], None]


def scan(
    documents: Iterable[Document | str],
    settings: Settings | None = None,
    *,
    on_skip: Callable[[Skipped], None] | None = None,
    progress: Progress | None = None,
    workers: int = 1,
    skipped: Iterable[Skipped] = (),
) -> ScanResult:
    """Find reprints in a corpus: clusters with origins, and every copy/partial pair.

    Args:
        documents: :class:`~dedup.ingest.Document` records, or plain strings (their position becomes the id).
        settings: the knobs; defaults when None.
        on_skip: called for each document left out (a repeated id, no article text).
        progress: called as ``progress(stage, done, total)`` while working.
        workers: processes for the per-document work (0: one per CPU). The result is identical whatever the number.
        skipped: inputs the reader already left out (:func:`~dedup.ingest.iter_documents`'s
            ``on_skip``), listed first among the result's ``skipped`` (``on_skip`` is not
            called again for them), as the Spark engine lists the records it reads.

    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> result = scan([text, text + " Officials said work starts in May."])
    >>> [(m.a, m.b, m.verdict) for m in result.pairs], [c.members for c in result.clusters]
    ([('0', '1', 'reprint')], [('0', '1')])
    """
    settings = settings or Settings()
    n_processes = processes(workers)
    skipped, skip = _skips(skipped, on_skip)
    report = progress or (lambda stage, done, total: None)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    unique, repeated = unique_documents(_as_document(d, i) for i, d in enumerate(documents))
    for s in repeated:
        skip(s)
    timings["ingest"] = time.perf_counter() - t0

    # what every task needs, made once for the workers to inherit: the code point table, the LSH shape
    spans_many([])
    lsh_params(settings.passage_threshold, settings.num_perm)
    texts = [d.text for d in unique]
    # their lengths, read now: read after the fork, every text's reference count written would
    # copy its page, shared with the workers (0.025 s of page faults on the real corpus)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    # One pool for the whole scan, its workers forked now, while this process holds little
    # more than the documents. The workers read the texts they inherit by position, and
    # every later task carries what it works on (bodies): a worker writes to none of this
    # process's objects (a reference count changed would copy its memory page, as would a
    # worker forked later, after this process's heap had grown, allocating into its freed space).
    spans = tapered(len(unique), _CHUNK, n_processes)
    with Pool(workers if len(spans) > 1 else 1, inherit=texts) as pool:
        t0 = time.perf_counter()
        templates = _templates(pool, lengths, settings, n_processes)
        timings["templates"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        prepared, key_blocks, chars = _prepare(pool, unique, lengths, spans, templates, settings, skip, report)
        timings["clean+sign"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        pairs = _candidates(pool, prepared, key_blocks, settings)
        del key_blocks
        timings["candidates"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        # (the clusters of whole components come back with their alignments: _verify_block)
        matches, groups, found, loose = _verify(pool, prepared, chars, pairs, settings, report)
        timings["verify"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        more = _groups(prepared, loose)
        clusters = numbered(groups + more)
        timings["cluster"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        found.update(_align(pool, prepared, chars, more, n_processes))
    alignments = {m: found[m] for c in clusters for m in c.members if m != c.origin}
    timings["align"] = time.perf_counter() - t0
    return ScanResult(tuple(prepared), clusters, tuple(matches), tuple(skipped), settings, timings, len(pairs), alignments)


def _skips(before: Iterable[Skipped], on_skip: Callable[[Skipped], None] | None) -> tuple[list[Skipped], Callable]:
    """The scan's list of skipped inputs (those ``before`` first), and the function that adds one
    (and tells ``on_skip``)."""
    skipped = list(before)

    def skip(s: Skipped) -> None:
        skipped.append(s)
        if on_skip:
            on_skip(s)

    return skipped, skip


def _as_document(item: Document | str, index: int) -> Document:
    if isinstance(item, Document):
        return item
    if isinstance(item, str):
        return Document(doc_id=str(index), text=item)
    raise InputError(f"scan() takes Document objects or strings, found {type(item).__name__} at position {index}.")


# --- the stages, as tasks for the pool -------------------------------------------------------


def _starmap(pool: Pool, fn: Callable, tasks: Iterable[tuple], sizes: list[int] | None, *,
             remote: Callable | None = None) -> Iterator:
    """``pool.starmap(fn, tasks)``, but for the tasks whose longest document (``sizes``, at least)
    has more than :data:`_HERE_CHARS` characters, run in this process first; the results in task
    order. ``tasks`` may be made as they are handed out (an iterator), unless a task runs here.
    ``sizes`` None: every task's documents are shorter."""
    if sizes is None or all(size <= _HERE_CHARS for size in sizes):
        return pool.starmap(fn, tasks, remote=remote)
    tasks = list(tasks)
    here = {k: fn(*task) for k, task in enumerate(tasks) if sizes[k] > _HERE_CHARS}
    rest = pool.starmap(fn, [task for k, task in enumerate(tasks) if k not in here], remote=remote)
    return (here.pop(k) if k in here else next(rest) for k in range(len(tasks)))


def _most(lengths: np.ndarray, spans: list[tuple[int, int]]) -> list[int]:
    """The length of the longest text of each range of texts."""
    return [int(lengths[a:b].max(initial=0)) for a, b in spans]


def _most_chars(chars: np.ndarray, blocks: list) -> list[int] | None:
    """For each block of pairs, the characters of its longest document's text (``chars``: of
    each prepared document; at least its body's); None where no document is longer than
    :data:`_HERE_CHARS` (as good as always: the blocks' pairs not gone over, 11 ms at 10^5
    documents while the workers wait for their first block)."""
    if not len(chars) or int(chars.max()) <= _HERE_CHARS:
        return None
    return [max((int(chars[x]) for pair in block for x in pair), default=0) for block in blocks]


def _templates(pool: Pool, lengths: np.ndarray, settings: Settings, n_processes: int) -> frozenset[str]:
    """The corpus's template lines (of the pool's texts, ``lengths`` long): the short-line keys found in
    ``template_min_docs`` texts or more.

    Counted by the keys' hashes first, in numpy: only the keys whose hash is that frequent are
    then counted as strings (a key's count is at most its hash's, so the frequent keys are
    among them, counted in full). Counting all 330,000 keys of the real corpus as strings took
    this process 0.09 s, while the workers waited.
    """
    # keying lines is quick: larger tasks than the chunks, so that handing them out costs little
    spans = tapered(len(lengths), 4 * _CHUNK, n_processes)
    found = list(_starmap(pool, _template_keys_inherited, [(settings, a, b) for a, b in spans], _most(lengths, spans)))
    least = settings.template_min_docs
    if any(probe != hash(_PROBE) for probe, _, _, _ in found):  # (never: forked workers hash as this process)
        return frequent_lines(Counter(k for _, _, keys, _ in found if keys for k in keys.split("\n")), template_min_docs=least)
    # the hashes of each sign counted on a thread of their own (numpy's sort lets go of the
    # interpreter's lock; the workers wait for this): 1.5 million at 10^5 documents, 0.13 -> 0.07 s
    every = [h for _, h, _, _ in found]
    often = np.sort(np.concatenate(pool.thread_map(partial(_frequent, every, least), (False, True))))
    counts: Counter[str] = Counter()
    fast = _native.cleaning
    if fast is not None:  # each distinct key of a task counted in C, two tasks at a time (see template_hits)
        hits = fast.template_hits
        for found_hits in pool.thread_map(lambda task: hits(task[1], task[2], task[3], often), found if len(often) else ()):
            counts.update(found_hits)
        return frequent_lines(counts, template_min_docs=least)
    table = np.zeros(_TABLE + 1, dtype=bool)  # the frequent hashes' low bits: most keys are ruled out by them
    table[often & _TABLE] = True
    for _, hashes, keys, starts in found if len(often) else ():
        maybe = np.flatnonzero(table[hashes & _TABLE])
        hit = maybe[often[np.minimum(np.searchsorted(often, hashes[maybe]), len(often) - 1)] == hashes[maybe]]
        if len(hit):  # the keys hit, cut out of the string (splitting it all: 0.04 s on the real corpus)
            counts.update(map(keys.__getitem__, map(slice, starts[hit].tolist(), (starts[hit + 1] - 1).tolist())))
    return frequent_lines(counts, template_min_docs=least)


def _frequent(hashes: list[np.ndarray], least: int, non_negative: bool) -> np.ndarray:
    """The hashes ``least`` times or more in the arrays ``hashes``, of one sign (below 0, or
    not), ascending."""
    part = np.concatenate([np.zeros(0, dtype=np.int64)] + [h[h >= 0] if non_negative else h[h < 0] for h in hashes])
    part.sort()
    starts = np.flatnonzero(np.concatenate(([True], part[1:] != part[:-1]))) if len(part) else np.zeros(0, dtype=np.int64)
    return part[starts[np.diff(np.append(starts, len(part))) >= least]]


_TABLE = np.int64((1 << 16) - 1)
_PROBE = "dedup template keys"  # hashed by every process that hashes keys: they must agree


def _template_keys(settings: Settings, texts: list[str]) -> tuple[int, np.ndarray, str, np.ndarray]:
    """One task: the short-line keys of some documents' texts, each document's once: (the
    process's hash of :data:`_PROBE`, then :func:`~dedup.clean.joined_template_keys`: each key's
    hash, the keys one a line, where each key starts in that string and, last, its length + 1)."""
    return hash(_PROBE), *joined_template_keys(texts, **settings.for_step("templates"))


def _template_keys_inherited(settings: Settings, start: int, end: int) -> tuple:
    """:func:`_template_keys` of the pool's texts ``start:end`` (:func:`~dedup.engines.pool.inherited`)."""
    return _template_keys(settings, inherited(start, end))


def _prepare(
    pool: Pool, unique: list[Document], lengths: np.ndarray, spans: list[tuple[int, int]], templates: frozenset[str],
    settings: Settings, skip: Callable[[Skipped], None], report: Progress,
) -> tuple[list[Prepared], list[np.ndarray], np.ndarray]:
    """Every document cleaned and signed (the pool's texts), a range of ``spans`` a task: the
    prepared ones with text, each batch's band keys, and each prepared one's text length."""
    prepared: list[Prepared] = []
    kept: list[int] = []  # the position of each prepared one among the texts
    key_blocks = []  # each batch's band keys, band by band: the signatures' keys are views of them
    blob = pickle.dumps(templates, protocol=pickle.HIGHEST_PROTOCOL)  # pickled once, for all the tasks
    tasks = [(settings, a, b, blob) for a, b in spans]
    found = _starmap(pool, partial(_prepare_of, templates), tasks, _most(lengths, spans), remote=_prepare_inherited)
    for (start, end), part in zip(spans, found):
        key_blocks.append(part[-1])
        cleaned, signatures, counts = _unpack(part)
        if all(counts):  # (most batches) the records made a column at a time: 1.2 us a document less
            prepared += _records(Prepared, unique[start:end], cleaned, signatures, counts)
            kept += range(start, end)
        else:
            for k, (d, c, signature, n) in enumerate(zip(unique[start:end], cleaned, signatures, counts), start=start):
                if n == 0:
                    skip(Skipped(d.doc_id, NO_ARTICLE_TEXT))
                else:
                    prepared.append(Prepared(d, c, signature, n))
                    kept.append(k)
        report("prepare", end, len(unique))
    return prepared, key_blocks, lengths[np.array(kept, dtype=np.int64)]


def _candidates(pool: Pool, prepared: list[Prepared], key_blocks: list[np.ndarray], settings: Settings) -> np.ndarray:
    """The candidate pairs (i, j) of the prepared documents, from their batches' band keys, that
    the pair filters keep."""
    windows = np.array([len(p.signature.windows) for p in prepared], dtype=np.int64)  # skipped: none
    pairs = banded_candidate_pairs(key_blocks, windows, map_bands=pool.thread_map)
    if settings.ignore_same_source or settings.max_days is not None:  # (else every pair is kept: no dates parsed)
        pairs = filter_pairs(pairs, [outlet(p.document.source, p.document.url) for p in prepared],
                             [published_seconds(p.published) for p in prepared], **settings.for_step("pairs"))
    return pairs


def _prepare_chunk(settings: Settings, texts: list[str], templates: frozenset[str], packed: bool = False) -> tuple:
    """One task: prepare some documents' texts; return what the scan keeps of them.

    Without the documents (the caller has them), the words and the shingles: they are
    most of a prepared document's memory and of the payload from a worker, and only
    candidates need them again. The arrays of the range are returned as one array each
    (the caller slices them): a numpy array costs microseconds to pickle and unpickle
    whatever its size. ``packed`` (in a worker process): the cleaned documents as tuples of
    their fields (:func:`~dedup.clean.compact_parts`), which the caller unpickles and builds two
    to three times faster than pickled dataclasses (the first item says which).
    """
    cleaned, counts, batch = prepare_batch(texts, template_lines=templates, parts=packed, **settings.for_step("prepare"))
    assert batch is not None  # (a task has texts)
    return (
        packed, cleaned, counts, batch.window_counts.tolist(), batch.minhashes, batch.windows,
        np.ascontiguousarray(batch.band_keys.T),  # band by band: see banded_candidate_pairs
    )


def _prepare_of(templates: frozenset[str], settings: Settings, start: int, end: int, _: bytes) -> tuple:
    """:func:`_prepare_chunk` of the pool's texts ``start:end`` (a task run here)."""
    return _prepare_chunk(settings, inherited(start, end), templates)


def _prepare_inherited(settings: Settings, start: int, end: int, templates: bytes) -> tuple:
    """:func:`_prepare_chunk` of the texts a worker inherited (:func:`~dedup.engines.pool.inherited`),
    the template lines pickled (:func:`_unpickled`), the cleaned documents packed."""
    return _prepare_chunk(settings, inherited(start, end), _unpickled(templates), packed=True)


def _unpickled(blob: bytes) -> frozenset[str]:
    """A worker's template lines, unpickled once for all the tasks that carry the same pickle:
    one set, whose table :func:`~dedup.clean.clean` then knows by identity (a set of 4,374 lines
    took 0.3 ms a task to pickle and unpickle at 10^5 documents)."""
    if blob != _LAST_TEMPLATES[0]:
        _LAST_TEMPLATES[:] = [blob, pickle.loads(blob)]
    return _LAST_TEMPLATES[1]


_LAST_TEMPLATES: list = [None, frozenset()]  # (pickle, set) of the template lines a worker unpickled last


def _unpack(part: tuple) -> tuple[Sequence[Cleaned], Sequence[Signature], list[int]]:
    """The cleaned documents, signatures and word counts of a :func:`_prepare_chunk` result, a column each.

    The records are made a column at a time (:func:`_records`): a frozen dataclass's
    ``__init__`` and an array view at a time were 3.4 us a document, most of the caller's share
    of gathering what its worker prepared."""
    packed, cleaned, word_counts, window_counts, minhashes, windows, band_keys = part  # band_keys: (bands, windows)
    end = np.cumsum(window_counts).tolist()
    start = [e - n for e, n in zip(end, window_counts)]
    keys = band_keys.T  # (windows, bands): a document's rows are a view of it
    signatures = _records(Signature, list(minhashes), [windows[a:b] for a, b in zip(start, end)],
                          [keys[a:b] for a, b in zip(start, end)])
    if packed:
        cleaned = cleaned_records(cleaned)
    return cleaned, signatures, word_counts


def _records(cls: type, *columns: Sequence) -> Sequence:
    """``tuple(map(cls, *columns))`` for a frozen dataclass whose ``__init__`` only stores its
    fields: made in C where compiled (``records``)."""
    fast = _native.cleaning
    if fast is None:
        return tuple(map(cls, *columns))
    return fast.records(cls, tuple(f.name for f in dataclasses.fields(cls)), *columns)


def _verify(
    pool: Pool, prepared: list[Prepared], chars: np.ndarray, pair_list: np.ndarray, settings: Settings, report: Progress,
) -> tuple[list[Match], list[Group], dict[str, Alignment], list[Match]]:
    """The candidate pairs verified, in blocks that carry their documents (``chars``: the length of
    each one's text): the matches not ``none``, by (a, b); the groups of clusters and the
    alignments found with them by the workers (:func:`_verify_block`); the matches whose groups
    are left to find (all of them, where there are no workers)."""
    grouped = _by_component(pair_list)
    groups: list[Group] = []
    alignments: dict[str, Alignment] = {}
    if pool.workers == 1:
        ordered = [pair for pairs in grouped for pair in pairs]
        local_pairs, doc_ids, bodies = _task(prepared, ordered)
        matches = _verify_pairs(doc_ids, bodies, settings, local_pairs, lambda k: report("verify", k, len(ordered)))
        loose = matches
    else:
        matches, loose = [], []
        blocks, whole = _blocks(grouped, _VERIFY_CHUNK, _VERIFY_MOST)
        done = 0
        tasks = ((settings, *_task(prepared, b, evidence=w)) for b, w in zip(blocks, whole))  # made as they are handed out
        for block, (found, settled) in zip(blocks, _starmap(pool, _verify_block, tasks, _most_chars(chars, blocks))):
            matches += found
            if settled is None:
                loose += found
            else:
                groups += settled[0]
                alignments.update(settled[1])
            done += len(block)
            report("verify", done, len(pair_list))
        loose.sort(key=_by_ids)
    matches.sort(key=_by_ids)  # (loose too, where it is matches)
    return matches, groups, alignments, loose


def _by_ids(m: Match) -> tuple[str, str]:
    """A match's place among matches: by (a, b), the order a document's matches are weighed in
    when its cluster's origin is chosen (sums of floats: the same order, the same sums)."""
    return m.a, m.b


def _verify_pairs(
    doc_ids: Sequence[str], bodies: Sequence[tuple[str, ...]], settings: Settings, pair_list: list, on_progress=None,
) -> list[Match]:
    """Verify candidate pairs ``(x, y)`` of documents given by their ids and bodies
    (``doc_ids[x]``, ``bodies[x]``); return the matches that are not ``none``.

    Words are computed a block of pairs at a time (:func:`~dedup.steps.analyse_documents`)
    and kept only until a document's last pair: they are most of a document's memory.
    """
    matches = []
    last_pair = {}
    for k, (i, j) in enumerate(pair_list):
        last_pair[i] = last_pair[j] = k
    known: dict[int, Analysed] = {}
    for block in range(0, len(pair_list), _VERIFY_CHUNK):
        here = pair_list[block : block + _VERIFY_CHUNK]
        need = sorted({x for pair in here for x in pair if x not in known})
        found = analyse_documents([doc_ids[x] for x in need], [bodies[x] for x in need], shingle_size=settings.shingle_size)
        for x, analysed in zip(need, found):
            # needed after this block: arrays of its own, so that the batch's are freed with the block
            known[x] = analysed.detached() if last_pair[x] >= block + _VERIFY_CHUNK else analysed
        ordered = [(i, j) if doc_ids[i] <= doc_ids[j] else (j, i) for i, j in here]
        matches += copies_of([(known[a], known[b]) for a, b in ordered], settings)
        for k, pair in enumerate(here, start=block):
            for x in pair:
                if last_pair[x] == k:
                    del known[x]
        if on_progress:
            on_progress(block + len(here))
    return matches


def _task(prepared: Sequence[Prepared], pair_list: list, *, evidence: bool = False) -> tuple:
    """A block of pairs as a task that carries its documents: the pairs renumbered into
    the block's own ids and bodies (a worker has not got the prepared corpus).

    >>> from dedup.steps import prepare
    >>> text = "Story number {} says the central bank raised its main interest rate on Tuesday, officials said."
    >>> docs = [prepare(Document(f"d{k}", text.format(k))) for k in range(4)]
    >>> pairs, ids, bodies = _task(docs, [[1, 3], [3, 2]])
    >>> pairs, ids, [body[0][:14] for body in bodies]
    ([[0, 2], [2, 1]], ['d1', 'd2', 'd3'], ['Story number 1', 'Story number 2', 'Story number 3'])
    """
    docs = sorted({x for pair in pair_list for x in pair})
    local = {x: k for k, x in enumerate(docs)}
    task = (
        [[local[i], local[j]] for i, j in pair_list], [prepared[x].doc_id for x in docs],
        [prepared[x].cleaned.body for x in docs],
    )
    if not evidence:
        return task
    return *task, [(prepared[x].credits, prepared[x].published, prepared[x].word_count) for x in docs]


def _by_component(pair_list: list[list[int]] | np.ndarray) -> list[list[list[int]]]:
    """The pairs grouped by connected component of the candidate graph (then in order):
    a block of pairs then holds fewer distinct documents, whose words it computes once
    (on the real corpus, 4,129 word computations instead of 5,738). The components in order
    of their smallest document, found in C where compiled (``pair_components``: 35 -> 9 ms
    at 10^5 documents, while the workers wait for their first block).

    >>> _by_component([[0, 5], [1, 2], [2, 3], [4, 5]])
    [[[0, 5], [4, 5]], [[1, 2], [2, 3]]]
    """
    fast = _native.speedups
    if fast is not None and len(pair_list):
        pairs = np.ascontiguousarray(pair_list, dtype=np.int64).reshape(-1, 2)
        label = fast.pair_components(pairs, int(pairs.max()) + 1)[pairs[:, 0]]
        order = np.lexsort((pairs[:, 1], pairs[:, 0], label))
        rows, label = pairs[order].tolist(), label[order]
        bounds = [0, *(np.flatnonzero(label[1:] != label[:-1]) + 1).tolist(), len(rows)]
        return [rows[a:b] for a, b in zip(bounds, bounds[1:])]
    pair_list = pair_list.tolist() if isinstance(pair_list, np.ndarray) else pair_list
    docs = sorted({x for pair in pair_list for x in pair})
    found = components(docs, pair_list)
    component = {x: k for k, members in enumerate(found) for x in members}
    grouped: list[list[list[int]]] = [[] for _ in found]
    for pair in sorted(pair_list):
        grouped[component[pair[0]]].append(pair)
    return grouped


def _blocks(grouped: list[list[list[int]]], size: int, most: int) -> tuple[list[list[list[int]]], list[bool]]:
    """Pairs grouped by component (:func:`_by_component`) as the workers' blocks: a component
    whole in one block up to ``most`` pairs (in pieces of ``most`` beyond), smaller ones
    packed together up to ``size`` pairs; the largest blocks first, so that the small ones
    even out the end. And whether each block holds whole components (not a piece of one).

    A document whose pairs are in two blocks has its words computed twice: blocks cut at
    every ``size`` pairs computed 29,712 documents' words at 10^5 documents (a component has
    up to 1,553 pairs), where 24,198 documents are paired.

    >>> _blocks([[[0, 1]] * 5, [[2, 3]], [[4, 5]] * 2, [[6, 7]]], 3, 4)
    ([[[0, 1], [0, 1], [0, 1], [0, 1]], [[2, 3], [4, 5], [4, 5]], [[0, 1]], [[6, 7]]], [False, True, False, True])
    """
    blocks: list[tuple[list[list[int]], bool]] = []
    packed: list[list[int]] = []
    for pairs in grouped:
        if len(pairs) > size:
            blocks += [(pairs[a : a + most], len(pairs) <= most) for a in range(0, len(pairs), most)]
            continue
        if len(packed) + len(pairs) > size:
            blocks.append((packed, True))
            packed = []
        packed += pairs
    if packed:
        blocks.append((packed, True))
    blocks.sort(key=lambda b: len(b[0]), reverse=True)
    return [b for b, _ in blocks], [w for _, w in blocks]


def _verify_block(
    settings: Settings, pair_list: list, doc_ids: list[str], bodies: list[tuple[str, ...]],
    evidence: list[tuple] | None = None,
) -> tuple[list[Match], tuple[list[Group], dict[str, Alignment]] | None]:
    """One task: verify a block of pairs that carries its documents (:func:`_task`); and where
    it holds whole components of the candidate graph (``evidence``: each document's credits,
    date and length), their clusters too, as groups, with each member's alignment with its
    group's origin by its id (or None). A cluster lies within a component (its links are
    candidate pairs), so it is found whole here, as a scan of the corpus finds it; and a
    worker has the bodies its alignments need (handed out again by an align stage, with
    one more stage's start and end to wait for: 0.2 s at 10^5 documents)."""
    matches = _verify_pairs(doc_ids, bodies, settings, pair_list)
    if evidence is None:
        return matches, None
    matches.sort(key=_by_ids)
    linked = {m.a for m in matches} | {m.b for m in matches}
    ids = [d for d in doc_ids if d in linked]
    known = dict(zip(doc_ids, evidence))
    groups = groups_of(ids, matches, credits={d: known[d][0] for d in ids}, published={d: known[d][1] for d in ids},
                       lengths={d: known[d][2] for d in ids})
    local = {d: k for k, d in enumerate(doc_ids)}
    to_align = [(local[origin], local[m]) for members, origin, _ in groups for m in members if m != origin]
    return matches, (groups, {doc_ids[j]: a for (_, j), a in zip(to_align, align_many(bodies, to_align))})


def _groups(prepared: list[Prepared], matches: list[Match]) -> list[Group]:
    """The groups of clusters of the copy links (:func:`~dedup.cluster.groups_of`)."""
    if not matches:
        return []
    linked = {m.a for m in matches} | {m.b for m in matches}
    # the evidence of origin of these only (the others are in no cluster), in one pass (four
    # passes over 15,000 members at 10^5 documents, each id asked of its record: 0.07 s)
    ids: list[str] = []
    credits, published, lengths = {}, {}, {}
    for p in prepared:
        doc_id = p.document.doc_id
        if doc_id in linked:
            ids.append(doc_id)
            credits[doc_id], published[doc_id], lengths[doc_id] = p.credits, p.published, p.word_count
    return groups_of(ids, matches, credits=credits, published=published, lengths=lengths)


def _align(pool: Pool, prepared: list[Prepared], chars: np.ndarray, groups: list[Group], n_processes: int) -> dict:
    """The alignment of each member of the groups with its origin, by the member's id (``chars``:
    as for :func:`_verify`)."""
    by_index = {p.doc_id: i for i, p in enumerate(prepared)} if groups else {}
    to_align = [(by_index[origin], by_index[m]) for members, origin, _ in groups for m in members if m != origin]
    blocks = [to_align[a:b] for a, b in tapered(len(to_align), _ALIGN_CHUNK, n_processes)]
    tasks = ((pairs, bodies) for pairs, _, bodies in (_task(prepared, b) for b in blocks))  # made as they are handed out
    aligned = (a for found in _starmap(pool, _align_block, tasks, _most_chars(chars, blocks)) for a in found)
    return dict(zip((prepared[j].doc_id for _, j in to_align), aligned))


def _align_block(pair_list: list, bodies: list[tuple[str, ...]]) -> list[Alignment]:
    """One task: align (origin, member) pairs of a block that carries its bodies
    (a :func:`_task` without its ids), each body's tokens and word ids made once for all its
    pairs (:func:`~dedup.align.align_many`, :func:`~dedup.tokens.paragraph_words`: 0.06 s for
    the real corpus's 2,207 bodies compiled, where analysing them a block at a time takes 0.18 s)."""
    return align_many(bodies, pair_list)
