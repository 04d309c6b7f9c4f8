"""Index: the corpus that lives between runs, which new articles are checked against.

:class:`Index` holds the logic, a :class:`~dedup.index.store.Store` the data. Adding a
document cleans and signs it exactly as :func:`dedup.scan` would
(:func:`dedup.steps.prepare`) and stores what checking needs: metadata, credits,
the cleaned body (to verify and align matches without the original files), the
signatures, and the raw text (for ``--rebuild``). Querying touches only candidates:
the band keys of a new article are looked up in the store's key table, and only the
documents sharing a key are fetched.

Template lines (site furniture found in many documents) are a property of the corpus,
so the index counts, for every short line, how many documents hold it. A document is
cleaned with the lines that reach ``template_min_docs`` counting the index and the
documents being added or checked together, so ``check`` followed by ``add`` sees each
article exactly as ``add`` stores it. Documents keep the template set of the day they
were added; ``rebuild`` re-cleans all of them with today's.

>>> from dedup.ingest import Document
>>> index = Index.create("doctest-index", backend="memory")
>>> story = ("The central bank raised its main interest rate on Tuesday to fight inflation, "
...          "which reached a ten-year high in March, officials in the capital said on Wednesday.")
>>> result = index.add([Document("wire", story)])
>>> result.added, len(index), index.add([Document("wire", story)]).unchanged
(('wire',), 1, ('wire',))
>>> index.drop()
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from ..clean import (
    NO_ARTICLE_TEXT,
    TEMPLATE_MAX_WORDS,
    Cleaned,
    Paragraph,
    frequent_lines,
    line_key,
    split_paragraphs,
    template_candidates,
)
from ..engines.pool import Pool, processes
from ..errors import ConfigError, IndexExistsError, IndexFormatError
from ..ingest import Document, Skipped, unique_documents
from ..settings import Settings
from ..sign import Signature, passage_windows
from ..steps import Analysed, Prepared, analyse_documents, prepare_many
from .integrity import Integrity
from .memory import MemoryStore
from .postgres import PostgresStore, is_postgres
from .sqlite import SQLiteStore
from .store import IndexStats, Manifest, Store, StoredDocument, mismatch

#: The stores an index can live in, by the name ``Index.open(..., backend=)`` takes.
BACKENDS: dict[str, type[Store]] = {"sqlite": SQLiteStore, "memory": MemoryStore, "postgres": PostgresStore}
#: Documents written per transaction: small enough that a killed add loses little and
#: other writers wait well under a second, large enough to amortise the commit.
BATCH_SIZE = 500
#: Most indexed documents verified per new article, those sharing the most band keys
#: first: the same bound scan puts on one LSH bucket (candidates.DEFAULT_MAX_BUCKET).
#: A story indexed more often than this still fails the check; the report names the
#: closest copies.
MAX_CANDIDATES = 200
# Documents signed per numpy batch (steps.prepare_many) and per worker task: half
# of scan's 256, since a CI add is often a few hundred documents and should still use
# every worker.
_CHUNK = 128

Progress = Callable[[str, int, int], None]
SettingsLike = Settings | Mapping[str, object] | None


@dataclass(frozen=True)
class AddResult:
    """What an :meth:`Index.add` did, by ``doc_id``.

    Attributes:
        added: new ids. replaced: ids whose text or metadata changed (the old version is gone).
        unchanged: ids already indexed with the same text and metadata (no-ops).
        skipped: documents left out, with the reason (no article text, repeated id).
    """

    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    skipped: tuple[Skipped, ...] = ()


def fingerprint(document: Document) -> str:
    """Return the hex SHA-256 of a document's text and metadata: what tells a changed document.

    Re-adding a document with the same fingerprint is a no-op; any change to the text
    or the metadata (a corrected title, a source added) replaces the stored version.

    >>> fingerprint(Document("a", "Text.")) == fingerprint(Document("b", "Text."))
    True
    >>> fingerprint(Document("a", "Text.")) == fingerprint(Document("a", "Text.", source="AP"))
    False
    """
    fields = [document.text, document.title, document.url, document.source, document.published]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode("utf-8")).hexdigest()


def _asked(settings: SettingsLike) -> dict:
    """The settings the caller asked for, as a dict of chosen fields."""
    if settings is None:
        return {}
    if isinstance(settings, Settings):
        return settings.as_dict()
    names = {f.name for f in dataclasses.fields(Settings)}
    unknown = sorted(set(settings) - names)
    if unknown:
        raise ConfigError(f"unknown setting {unknown[0]!r}; settings are: {', '.join(sorted(names))}.")
    return dict(settings)


def _record(p: Prepared, text: str, lines: tuple[str, ...]) -> StoredDocument:
    return StoredDocument(
        doc_id=p.doc_id, fingerprint=fingerprint(p.document), title=p.title, url=p.document.url,
        source=p.document.source, published=p.published, credits=p.credits, words=p.word_count,
        lines=lines, body=p.cleaned.body, minhash=p.signature.minhash, band_keys=p.signature.band_keys, text=text,
    )


def _prepare_records(
    item: tuple[Sequence[Document], frozenset[str], Sequence[tuple[str, ...]]], *, settings: Settings
) -> list[StoredDocument]:
    """Clean and sign a chunk of documents into their stored form (pure; runs in worker processes).

    One template set serves the whole chunk: each document's set is the corpus's set
    restricted to the lines and paragraphs of that document, so their union cleans
    every document of the chunk exactly as its own set would.
    """
    documents, templates, lines = item
    prepared = prepare_many(documents, template_lines=templates, **settings.for_step("prepare"))
    return [_record(p, d.text, keys) for p, d, keys in zip(prepared, documents, lines)]


def probe_keys(text: str, *, template_max_words: int = 20, lines: set[str] | None = None) -> set[str]:
    """Return the keys whose template status decides how ``text`` is cleaned.

    Its short lines (``lines``, what it adds to the counts, computed if not given) and
    the keys of its short paragraphs joined from several lines (hard-wrapped text:
    :func:`dedup.clean.clean` compares whole paragraphs with the template set). Looking
    these up in the index gives the part of the corpus's template set that ``clean``
    can use on this text, without loading the whole set.

    >>> for key in sorted(probe_keys("Get our daily briefing on markets and the economy\\n"
    ...                              "in your inbox every morning, free of charge", template_max_words=10)):
    ...     print(key)
    get our daily briefing on markets and the economy
    get our daily briefing on markets and the economy in your inbox every morning free of charge
    in your inbox every morning free of charge
    """
    keys = set(template_candidates(text, template_max_words=template_max_words) if lines is None else lines)
    raw = {" ".join(line.split()) for line in text.splitlines()}
    keys.update(line_key(p) for p in split_paragraphs(text) if p not in raw and len(p.split()) <= TEMPLATE_MAX_WORDS)
    keys.discard("")
    return keys


def _batches(items: Sequence, size: int) -> Iterator[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class Index:
    """A persistent corpus of signed documents, opened with :meth:`open` or :meth:`create`.

    Use as a context manager, or call :meth:`close`.

    >>> with Index.create("doctest-index-class", backend="memory") as index:
    ...     _ = index.add([Document("wire", "Talks resumed on Monday in the capital.")])
    ...     len(index), "wire" in index
    (1, True)
    >>> Index.open("doctest-index-class", backend="memory").drop()
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    # --- opening ----------------------------------------------------------------------

    @classmethod
    def create(cls, location: str, settings: SettingsLike = None, *, backend: str | None = None) -> Index:
        """Create an empty index at ``location`` built with ``settings`` (defaults when None).

        Raises:
            InputError: something is already there, or the folder does not exist.

        >>> index = Index.create("doctest-create", backend="memory", settings={"shingle_size": 4})
        >>> len(index), index.settings.shingle_size
        (0, 4)
        >>> index.drop()
        """
        built = settings if isinstance(settings, Settings) else Settings(**_asked(settings))
        return cls(_backend(backend, location).create(str(location), Manifest.new(built)))

    @classmethod
    def exists(cls, location: str, *, backend: str | None = None) -> bool:
        """Whether an index is at ``location`` (a creation killed before its first commit: no).

        >>> Index.exists("doctest-nothing-here", backend="memory")
        False
        """
        return _backend(backend, location).exists(str(location))

    @classmethod
    def open(cls, location: str, *, settings: SettingsLike = None, create: bool = False, backend: str | None = None,
             readonly: bool = False) -> Index:
        """Open the index at ``location``, refusing it if it was built with other settings.

        Args:
            settings: what the caller needs. A :class:`Settings` is compared field by
                field on everything the stored data depends on; a mapping compares only
                the fields it names (the flags a user gave); None accepts the index's.
            create: create the index (with ``settings``) when it does not exist.
            readonly: the caller only reads: writes raise. A file this process cannot
                write (permissions, a read-only mount) is opened read-only anyway.

        Raises:
            InputError: no index there (and not ``create``), or it cannot be opened.
            IndexFormatError: not an index this dedup reads, damaged, or built with other settings.

        >>> Index.create("doctest-open", backend="memory").close()
        >>> index = Index.open("doctest-open", backend="memory")
        >>> len(index), index.settings.shingle_size
        (0, 5)
        >>> index.drop()
        """
        store_type = _backend(backend, location)
        location = str(location)
        if create and not store_type.exists(location):
            try:
                return cls.create(location, settings, backend=backend)
            except IndexExistsError:
                pass  # another process created it just now: open it (and compare the settings)
        index = cls(store_type.open(location, readonly=readonly))
        try:
            index._require(settings)
        except BaseException:
            index.close()
            raise
        return index

    def _require(self, settings: SettingsLike) -> Settings:
        """Return the settings to use: the index's, with the verdict fields ``settings`` sets."""
        asked = _asked(settings)
        names = {f.name for f in dataclasses.fields(Settings)}
        # validate first: a value out of range is the user's first problem, not a mismatch
        merged = settings if isinstance(settings, Settings) else Settings(
            **{**{k: v for k, v in self.manifest.settings.items() if k in names}, **asked}
        )
        problem = mismatch(self.location, self.manifest.settings, asked)
        if problem:
            raise IndexFormatError(problem)
        return merged

    def settings_for(self, settings: SettingsLike) -> Settings:
        """Return the settings a check should use: the index's build, and the given verdict fields.

        Raises:
            IndexFormatError: ``settings`` differs from the index's on a build field.
        """
        return self._require(settings)

    def close(self) -> None:
        """Close the store (the data stays where it is)."""
        self.store.close()

    def drop(self) -> None:
        """Forget an in-memory index (no-op for other backends beyond closing).

        >>> Index.create("doctest-drop", backend="memory").drop()
        >>> Index.exists("doctest-drop", backend="memory")
        False
        """
        self.close()
        if isinstance(self.store, MemoryStore):
            MemoryStore.drop(self.location)

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- what is inside ---------------------------------------------------------------

    @property
    def location(self) -> str:
        return self.store.location

    @property
    def manifest(self) -> Manifest:
        return self.store.manifest()

    @property
    def settings(self) -> Settings:
        """The settings the index was built with."""
        return self.manifest.to_settings()

    def __len__(self) -> int:
        return self.store.count()

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and bool(self.store.known([doc_id]))

    def reading(self):
        """Context in which every query sees the same state of the index (a snapshot)."""
        return self.store.reading()

    def get(self, doc_id: str, *, text: bool = False) -> StoredDocument | None:
        """Return the stored document ``doc_id`` (with its raw text if ``text``), or None.

        >>> index = Index.create("doctest-get", backend="memory")
        >>> _ = index.add([Document("wire", "Talks resumed on Monday in the capital.")])
        >>> index.get("wire").words, index.get("wire", text=True).text, index.get("other")
        (7, 'Talks resumed on Monday in the capital.', None)
        >>> index.drop()
        """
        found = self.store.fetch([doc_id], text=text)
        return found[0] if found else None

    def stats(self) -> IndexStats:
        """Return document and template-line counts, with the manifest.

        >>> index = Index.create("doctest-stats", backend="memory")
        >>> _ = index.add([Document("wire", "Talks resumed on Monday in the capital.")])
        >>> index.stats().documents
        1
        >>> index.drop()
        """
        m = self.manifest
        with self.store.reading():
            documents = self.store.count()
            line_keys, template = self.store.line_stats(int(m.settings["template_min_docs"]))
        return IndexStats(self.location, documents, line_keys, template, m.format_version, m.dedup_version,
                          dict(m.settings), self.store.size())

    def verify(self) -> Integrity:
        """Check the index whole and return what is wrong (``dedup index check``).

        For SQLite: ``PRAGMA integrity_check``, then every document row (types, blob lengths
        the manifest implies, the stored text decompressed), each document's band-key rows
        and every template-line count. Damage is reported, not raised; O(size of the index).

        >>> index = Index.create("doctest-verify", backend="memory")
        >>> index.verify().ok
        True
        >>> index.drop()
        """
        return self.store.verify()

    # --- template lines ---------------------------------------------------------------

    def template_lines(self, documents: Sequence[Document], *, settings: Settings | None = None) -> dict[str, frozenset[str]]:
        """Return, per document, the template lines that can apply to it.

        A short line is template when at least ``template_min_docs`` documents hold it,
        counting the indexed ones and those of ``documents`` not indexed as they are
        (a changed document counts in its new version only), as :func:`dedup.scan`
        counts a corpus. Each document gets that set restricted to its own
        :func:`probe_keys`, so only the keys of these documents are looked up.
        """
        return self._template_sets(documents, settings or self.settings)[0]

    def _template_sets(self, documents: Sequence[Document], s: Settings) -> tuple[dict[str, frozenset[str]], dict[str, tuple[str, ...]]]:
        """(template lines per document, short-line keys per document, sorted)."""
        lines = {d.doc_id: template_candidates(d.text, **s.for_step("templates")) for d in documents}
        probes = {d.doc_id: probe_keys(d.text, template_max_words=s.template_max_words, lines=lines[d.doc_id]) for d in documents}
        known = self.store.known(lines)
        counts = self.store.line_counts(set().union(*probes.values()) if probes else ())
        for d in documents:
            old_print, old_lines = known.get(d.doc_id, ("", ()))
            if old_print == fingerprint(d):
                continue  # already counted
            for key in old_lines:
                if key in counts:
                    counts[key] -= 1
            for key in lines[d.doc_id]:
                counts[key] = counts.get(key, 0) + 1
        frequent = frequent_lines(counts, template_min_docs=s.template_min_docs)
        templates = {doc_id: frozenset(keys & frequent) for doc_id, keys in probes.items()}
        return templates, {doc_id: tuple(sorted(keys)) for doc_id, keys in lines.items()}

    # --- writing ----------------------------------------------------------------------

    def add(
        self,
        documents: Iterable[Document],
        *,
        batch_size: int = BATCH_SIZE,
        workers: int = 1,
        progress: Progress | None = None,
        on_skip: Callable[[Skipped], None] | None = None,
    ) -> AddResult:
        """Add documents: new ids are added, changed ones replace the old version, the rest is a no-op.

        A document is changed when its text or metadata differs (:func:`fingerprint`).

        Documents are cleaned and signed outside any transaction, then written
        ``batch_size`` at a time, each batch in one transaction: a process killed at
        any moment leaves the index usable, and running the same add again completes
        it with exactly the result of an uninterrupted run.

        Args:
            workers: processes cleaning and signing in parallel (1: in this process;
                0: one per CPU). The index is the same whatever the number.
            progress: called as ``progress("index", done, total)`` after each batch.
            on_skip: called for each document left out.

        >>> index = Index.create("doctest-add", backend="memory")
        >>> index.add([Document("wire", "Talks resumed on Monday in the capital.")]).added
        ('wire',)
        >>> index.add([Document("wire", "Talks resumed on Tuesday in the capital.")]).replaced
        ('wire',)
        >>> index.drop()
        """
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ConfigError(f"batch_size must be a positive number of documents, got {batch_size!r}.")
        processes(workers)  # validate before any work
        docs, skipped = unique_documents(documents)
        s = self.settings
        with self.store.reading():
            known = self.store.known(d.doc_id for d in docs)
            templates, lines = self._template_sets(docs, s)
        unchanged = [d.doc_id for d in docs if known.get(d.doc_id, ("",))[0] == fingerprint(d)]
        skip = set(unchanged)
        todo = [d for d in docs if d.doc_id not in skip]
        added: list[str] = []
        replaced: list[str] = []
        report = progress or (lambda stage, done, total: None)
        report("index", 0, len(todo))
        done = 0
        chunks = [
            (chunk, frozenset().union(*(templates[d.doc_id] for d in chunk)), [lines[d.doc_id] for d in chunk])
            for batch in _batches(todo, batch_size) for chunk in _batches(batch, _CHUNK)
        ]
        with Pool(workers if len(chunks) > 1 else 1) as pool:
            prepared = pool.starmap(partial(_prepare_records, settings=s), ((chunk,) for chunk in chunks))
            chunks_per_batch = -(-batch_size // _CHUNK)
            pending: list[StoredDocument] = []
            for k, records in enumerate(prepared, 1):
                pending += records
                if k % chunks_per_batch and k != len(chunks):
                    continue
                keep = []
                for record in pending:
                    if record.words == 0:
                        skipped.append(Skipped(record.doc_id, NO_ARTICLE_TEXT))
                    else:
                        keep.append(record)
                with self.store.writing():
                    # look again inside the transaction: another writer may have been first
                    current = self.store.known(r.doc_id for r in keep)
                    fresh = [r for r in keep if current.get(r.doc_id, ("",))[0] != r.fingerprint]
                    unchanged += [r.doc_id for r in keep if current.get(r.doc_id, ("",))[0] == r.fingerprint]
                    self.store.put(fresh)
                for r in fresh:
                    (replaced if r.doc_id in current else added).append(r.doc_id)
                done += len(pending)
                pending = []
                report("index", done, len(todo))
        if on_skip:
            for skip_record in skipped:
                on_skip(skip_record)
        return AddResult(tuple(sorted(added)), tuple(sorted(replaced)), tuple(sorted(unchanged)), tuple(skipped))

    def remove(self, doc_ids: Iterable[str], *, batch_size: int = BATCH_SIZE) -> tuple[str, ...]:
        """Remove documents by id; return the ids that were indexed (others are ignored).

        >>> index = Index.create("doctest-remove", backend="memory")
        >>> _ = index.add([Document("wire", "Talks resumed on Monday in the capital.")])
        >>> index.remove(["wire", "unknown"]), len(index)
        (('wire',), 0)
        >>> index.drop()
        """
        ids = sorted(set(doc_ids))
        removed: list[str] = []
        for batch in _batches(ids, batch_size):
            with self.store.writing():
                removed += self.store.delete(batch)
        return tuple(sorted(removed))

    def rebuild(self, settings: SettingsLike = None, *, batch_size: int = BATCH_SIZE, progress: Progress | None = None) -> int:
        """Re-derive every document from its stored raw text with new settings; return how many.

        ``settings`` (a :class:`Settings`, or a mapping of fields to change) default to
        the index's own: a rebuild with the same settings re-cleans every document with
        today's template lines and this dedup's rules. The whole rebuild is one
        transaction: interrupted, it leaves the index as it was; readers see the old
        index until it commits. Rows whose re-derived values (signatures, body, credits)
        are damaged are mended; a damaged stored text stops it (IndexFormatError).
        """
        old = self.settings
        new = settings if isinstance(settings, Settings) else Settings(
            **{**{f.name: getattr(old, f.name) for f in dataclasses.fields(Settings)}, **_asked(settings)}
        )
        total = len(self)
        report = progress or (lambda stage, done, total: None)
        count = 0
        with self.store.writing():
            if new.template_max_words != old.template_max_words:
                for page in self._pages(batch_size):
                    changed = []
                    for d in page:
                        assert d.text is not None  # pages are fetched with their text
                        lines = tuple(sorted(template_candidates(d.text, template_max_words=new.template_max_words)))
                        if lines != d.lines:
                            changed.append(dataclasses.replace(d, lines=lines))
                    self.store.put(changed)
            for page in self._pages(batch_size):
                probes = [probe_keys(d.text or "", template_max_words=new.template_max_words) for d in page]
                counts = self.store.line_counts(set().union(*probes))
                templates = frequent_lines(counts, template_min_docs=new.template_min_docs)
                documents = [Document(d.doc_id, d.text or "", title=d.title, url=d.url, source=d.source, published=d.published)
                             for d in page]
                records = _prepare_records((documents, templates, [d.lines for d in page]), settings=new)
                # the stored title and date are those in effect (given, else found): keep the
                # fingerprint of the document as given, so re-adding it stays a no-op
                self.store.put([dataclasses.replace(r, fingerprint=d.fingerprint) for r, d in zip(records, page)])
                count += len(records)
                report("rebuild", count, total)
            self.store.set_manifest(Manifest.new(new))
        return count

    def copy(self, location: str, *, backend: str | None = None, batch_size: int = BATCH_SIZE,
             progress: Progress | None = None) -> Index:
        """Copy this index into a new one at ``location`` (another backend, say: SQLite to
        PostgreSQL and back) and return it, open: every document as stored (nothing is
        re-derived), the template-line counts recounted as they are written, the manifest
        the same. A batch per transaction; this index is read in one snapshot.

        >>> from dedup.ingest import Document
        >>> index = Index.create("doctest-copy-from", backend="memory")
        >>> _ = index.add([Document("wire", "The central bank raised its main rate on Tuesday, officials said.")])
        >>> copied = index.copy("doctest-copy-to", backend="memory")
        >>> [(d.doc_id, d.fingerprint == index.store.fetch(["wire"])[0].fingerprint) for d in copied.store.fetch(["wire"])]
        [('wire', True)]
        >>> copied.drop(); index.drop()

        Raises:
            InputError: an index is at ``location`` already.
        """
        target = type(self)(_backend(backend, location).create(str(location), self.manifest))
        report = progress or (lambda stage, done, total: None)
        total, done = len(self), 0
        try:
            with self.store.reading():
                for page in self._pages(batch_size, derived=True):
                    with target.store.writing():
                        target.store.put(page)
                    done += len(page)
                    report("copy", done, total)
        except BaseException:
            target.close()
            raise
        return target

    def _pages(self, size: int, *, derived: bool = False) -> Iterator[list[StoredDocument]]:
        after = None
        while True:
            page = self.store.page(after, size, derived=derived)  # what the rebuild re-derives may be damaged
            if not page:
                return
            yield page
            after = page[-1].doc_id

    # --- querying ---------------------------------------------------------------------

    def candidates(self, prepared: Prepared, *, limit: int = MAX_CANDIDATES, exclude: Iterable[str] = ()) -> tuple[str, ...]:
        """Return ids of indexed documents sharing a band key with ``prepared``, most shared keys first.

        Only the key table is read: no document is loaded.
        """
        return self.candidates_many([prepared], limit=limit, exclude=exclude)[0]

    def candidates_many(self, prepared: Sequence[Prepared], *, limit: int = MAX_CANDIDATES,
                        exclude: Iterable[str] = ()) -> list[tuple[str, ...]]:
        """:meth:`candidates` of several documents (looked up together where the store can)."""
        excluded = set(exclude)
        out = []
        for counts in self.store.candidates_many([p.signature.band_keys for p in prepared]):
            ranked = sorted((kv for kv in counts.items() if kv[0] not in excluded), key=lambda kv: (-kv[1], kv[0]))
            out.append(tuple(doc_id for doc_id, _ in ranked[:limit]))
        return out

    def fetch(self, doc_ids: Iterable[str]) -> list[Prepared]:
        """Return indexed documents as :class:`~dedup.steps.Prepared`, ready to align and report."""
        return [p for p, _ in self.fetch_analysed(doc_ids)]

    def fetch_analysed(self, doc_ids: Iterable[str]) -> list[tuple[Prepared, Analysed]]:
        """Return indexed documents as (:class:`~dedup.steps.Prepared`, :class:`~dedup.steps.Analysed`):
        ready to verify too, their words computed once for both (the passage windows need them)."""
        return self._restored(self.store.fetch(doc_ids))

    def prepared(self, stored: StoredDocument) -> Prepared:
        """Rebuild the :class:`Prepared` of a stored document from its body and signatures."""
        return self._restored([stored])[0][0]

    def _restored(self, stored: Sequence[StoredDocument]) -> list[tuple[Prepared, Analysed]]:
        s = self.settings
        analysed = analyse_documents([d.doc_id for d in stored], [d.body for d in stored], shingle_size=s.shingle_size)
        out = []
        for d, a in zip(stored, analysed):
            windows = passage_windows(a.words.sentence_start, len(a.shingles), passage_words=s.passage_words,
                                      shingle_size=s.shingle_size)
            document = Document(d.doc_id, "\n\n".join(d.body), title=d.title, url=d.url, source=d.source, published=d.published)
            cleaned = Cleaned(tuple(Paragraph(p, "body") for p in d.body), d.credits, d.published, d.title)
            out.append((Prepared(document, cleaned, Signature(d.minhash, windows, d.band_keys), d.words), a))
        return out


def _backend(name: str | None, location: object) -> type[Store]:
    """The store named, or (None) the one the location says: a ``postgresql://`` URL or a file."""
    if name is None:
        name = "postgres" if is_postgres(str(location)) else "sqlite"
    try:
        return BACKENDS[name]
    except KeyError:
        raise ConfigError(f"unknown index backend {name!r}; choose one of {', '.join(sorted(BACKENDS))}.") from None
