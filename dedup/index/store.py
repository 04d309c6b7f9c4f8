"""The store interface every index backend implements, the records it holds, and the manifest.

An index is split in two: :class:`~dedup.index.core.Index` holds the logic (which
documents are new, which lines are template, cleaning and signing, candidates), and a
:class:`Store` holds the data. A store is deliberately dumb: documents go in and come
out whole, band keys point at documents, and line keys are counted. Two stores exist:
:class:`~dedup.index.sqlite.SQLiteStore` (one file, the default) and
:class:`~dedup.index.memory.MemoryStore` (a process-local dict, for tests and
embedding); the same contract tests run on both.

>>> m = Manifest.new(Settings(num_perm=64))
>>> m.format_version, m.settings["num_perm"], m.to_settings().num_perm
(1, 64, 64)
>>> mismatch("ci.db", m.settings, {"num_perm": 128}) is not None
True
"""

from __future__ import annotations

import abc
import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._version import __version__
from ..errors import IndexFormatError
from ..settings import Settings
from .integrity import Integrity

#: Version of the index format (tables, columns and encodings). Bump it on any change
#: that an older dedup would misread; :meth:`Store.open` refuses other versions.
FORMAT_VERSION = 1
#: The ``format`` value of every manifest: tells a dedup index from other data.
FORMAT_NAME = "dedup-index"

#: Settings the stored data depends on (cleaning, shingles, signatures, band keys):
#: opening an index with other values is refused, since its contents would be wrong.
BUILD_FIELDS = (
    "shingle_size", "num_perm", "seed", "passage_words", "passage_threshold",
    "template_min_docs", "template_max_words",
)
#: Settings derived by the code, not chosen by the user: they change when dedup's
#: rules change, and then the index must be rebuilt.
DERIVED_FIELDS = ("bands", "rows", "normalisation_version")
#: Settings only the verdict depends on: recorded in the manifest as the index's
#: defaults, but any value may be used at check time.
VERDICT_FIELDS = ("min_run_words", "sentence_match", "partial_min_sentences", "reprint_threshold", "duplicate_threshold")


@dataclass(frozen=True, eq=False)
class StoredDocument:
    """One indexed document: what check needs to verify, align and explain a match.

    Attributes:
        doc_id: the document's id.
        fingerprint: hex SHA-256 of the text and metadata as given (:func:`dedup.index.core.fingerprint`):
            re-adding a document with the same fingerprint is a no-op.
        title, url, source, published: metadata (title and date as found by
            :func:`dedup.clean.clean` when not given).
        credits: wire agencies credited (``Prepared.credits``), sorted.
        words: number of body words.
        lines: keys of the raw text's short lines (:func:`dedup.clean.template_candidates`),
            sorted: what this document adds to the corpus's template-line counts.
        body: the cleaned body paragraphs, as written.
        minhash: whole-document MinHash, uint32, ``num_perm`` values.
        band_keys: passage LSH keys, uint64, shape (windows, bands).
        text: the raw text, or None when fetched without it.
    """

    doc_id: str
    fingerprint: str
    title: str | None
    url: str | None
    source: str | None
    published: str | None
    credits: tuple[str, ...]
    words: int
    lines: tuple[str, ...]
    body: tuple[str, ...]
    minhash: np.ndarray
    band_keys: np.ndarray
    text: str | None = None


@dataclass(frozen=True)
class Manifest:
    """What an index was built with.

    Attributes:
        format_version: :data:`FORMAT_VERSION` of the writer.
        dedup_version: version of dedup that created (or last rebuilt) the index.
        settings: ``Settings.as_dict()`` of the build: every setting that changes
            results, the derived LSH shape and the normalisation rules version.
    """

    format_version: int
    dedup_version: str
    settings: dict

    @classmethod
    def new(cls, settings: Settings) -> Manifest:
        """Return the manifest of a new index built with ``settings`` by this dedup."""
        return cls(FORMAT_VERSION, __version__, settings.as_dict())

    def rows(self) -> list[tuple[str, str]]:
        """The manifest as its table stores it (key, value), in key order, in every backend."""
        import json

        return sorted({
            "format": FORMAT_NAME,
            "format_version": str(self.format_version),
            "dedup_version": self.dedup_version,
            "settings": json.dumps(self.settings, sort_keys=True),
        }.items())

    def to_settings(self) -> Settings:
        """Return the stored settings as a :class:`~dedup.settings.Settings`.

        An index written before verdicts were decided by sentence (its manifest has
        ``partial_min_words``, no ``sentence_match``) keeps its build settings; its verdict
        settings meant word shares then, so today's defaults stand in for them.
        """
        names = {f.name for f in dataclasses.fields(Settings)}
        stored = dict(self.settings)
        if "sentence_match" not in stored:
            stored = {k: v for k, v in stored.items() if k not in VERDICT_FIELDS}
        return Settings(**{k: v for k, v in stored.items() if k in names})


def _describe(name: str, value: object) -> str:
    return {
        "shingle_size": f"{value}-word shingles",
        "num_perm": f"{value} permutations",
        "seed": f"seed {value}",
        "passage_words": f"{value}-word passages",
        "passage_threshold": f"passage threshold {value}",
        "template_min_docs": f"template lines at {value} documents",
        "template_max_words": f"template lines of up to {value} words",
        "normalisation_version": f"normalisation rules v{value}",
        "bands": f"{value} LSH bands",
        "rows": f"{value} LSH rows",
    }.get(name, f"{name} {value}")


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def mismatch(name: str, built: Mapping[str, object], asked: Mapping[str, object]) -> str | None:
    """Return why an index built with ``built`` settings cannot serve ``asked``, or None.

    Args:
        name: the index's name as the user knows it (its path).
        built: the manifest's settings (``Settings.as_dict()`` at build time).
        asked: the build settings the user asked for; fields left out are taken from
            the index. The derived fields (LSH shape, normalisation rules) are compared
            with what this dedup computes for the same settings.

    >>> built = Settings().as_dict()
    >>> print(mismatch("ci.db", built, {"num_perm": 256}))
    index ci.db was built with 128 permutations; you asked for 256 permutations. Rebuild it with `dedup index add --rebuild --index ci.db --num-perm 256` or drop --num-perm.
    >>> mismatch("ci.db", built, {"num_perm": 128, "reprint_threshold": 0.5}) is None
    True
    """
    differ = [f for f in BUILD_FIELDS if f in asked and f in built and asked[f] != built[f]]
    if differ:
        was = _join([_describe(f, built[f]) for f in differ])
        now = _join([_describe(f, asked[f]) for f in differ])
        flags = " ".join(f"{_flag(f)} {asked[f]}" for f in differ)
        return (f"index {name} was built with {was}; you asked for {now}. Rebuild it with "
                f"`dedup index add --rebuild --index {name} {flags}` or drop {_join([_flag(f) for f in differ])}.")
    names = {f.name for f in dataclasses.fields(Settings)}
    try:
        kept: dict[str, Any] = {k: v for k, v in built.items() if k in names}
        current = Settings(**kept).as_dict()
    except Exception as exc:  # a manifest no Settings accepts was not written by this format
        raise IndexFormatError(f"index {name} holds settings this dedup cannot read ({exc}); rebuild it from the articles.") from exc
    stale = [f for f in DERIVED_FIELDS if built.get(f) != current[f]]
    if stale:
        was = _join([_describe(f, built.get(f)) for f in stale])
        now = _join([_describe(f, current[f]) for f in stale])
        return (f"index {name} was built with {was}; this dedup ({__version__}) uses {now}. "
                f"Rebuild it with `dedup index add --rebuild --index {name}`.")
    return None


@dataclass(frozen=True)
class IndexStats:
    """Counts and settings of an index, for ``dedup index stats``.

    Attributes:
        location: the index's path (or name, for the memory store).
        documents: documents indexed.
        line_keys: distinct short lines counted for template detection.
        template_lines: those found in at least ``template_min_docs`` documents.
        format_version, dedup_version, settings: from the manifest.
        bytes: size on disk (the file and its write-ahead log), or None in memory.
    """

    location: str
    documents: int
    line_keys: int
    template_lines: int
    format_version: int
    dedup_version: str
    settings: dict
    bytes: int | None


class Store(abc.ABC):
    """Where an index keeps its data: the small interface every backend implements.

    Reads made inside :meth:`reading` see one consistent state; writes are made
    inside :meth:`writing` and take effect together, or not at all.
    """

    location: str

    @classmethod
    @abc.abstractmethod
    def exists(cls, location: str) -> bool:
        """Whether an index (possibly an empty, half-created one: no) is at ``location``."""

    @classmethod
    @abc.abstractmethod
    def create(cls, location: str, manifest: Manifest) -> Store:
        """Create an empty index at ``location`` and return it open."""

    @classmethod
    @abc.abstractmethod
    def open(cls, location: str, *, readonly: bool = False) -> Store:
        """Open an existing index; raise IndexFormatError if it is not one this dedup reads.

        ``readonly``: the caller will not write (on disk, writes then raise :class:`~dedup.errors.InputError`).
        """

    @abc.abstractmethod
    def close(self) -> None:
        """Release the store (files, connections)."""

    @abc.abstractmethod
    def reading(self) -> AbstractContextManager:
        """Context in which every read sees the same state of the index."""

    @abc.abstractmethod
    def writing(self) -> AbstractContextManager:
        """Context whose writes are committed together when it exits without error."""

    @abc.abstractmethod
    def manifest(self) -> Manifest:
        """Return the manifest."""

    @abc.abstractmethod
    def set_manifest(self, manifest: Manifest) -> None:
        """Replace the manifest (inside :meth:`writing`)."""

    @abc.abstractmethod
    def count(self) -> int:
        """Return the number of documents."""

    @abc.abstractmethod
    def known(self, doc_ids: Iterable[str]) -> dict[str, tuple[str, tuple[str, ...]]]:
        """Return ``{doc_id: (fingerprint, lines)}`` for those of ``doc_ids`` indexed."""

    @abc.abstractmethod
    def line_counts(self, keys: Iterable[str]) -> dict[str, int]:
        """Return in how many documents each of ``keys`` occurs (absent keys left out)."""

    @abc.abstractmethod
    def candidates(self, keys: np.ndarray) -> dict[str, int]:
        """Return ``{doc_id: number of shared keys}`` for documents holding any of ``keys``."""

    def candidates_many(self, key_sets: Sequence[np.ndarray]) -> list[dict[str, int]]:
        """:meth:`candidates` of several sets of keys (a backend may answer them in one query)."""
        return [self.candidates(keys) for keys in key_sets]

    @abc.abstractmethod
    def fetch(self, doc_ids: Iterable[str], *, text: bool = False) -> list[StoredDocument]:
        """Return the stored documents among ``doc_ids`` (raw text only if ``text``), sorted by id."""

    @abc.abstractmethod
    def page(self, after: str | None, limit: int, *, derived: bool = True) -> list[StoredDocument]:
        """Return up to ``limit`` documents with ids after ``after``, in id order, with text.

        ``derived=False`` leaves out (empty) what a rebuild re-derives from the text -- credits,
        words, body, signatures -- and does not check them: a row damaged there can be rebuilt.
        """

    @abc.abstractmethod
    def put(self, documents: Sequence[StoredDocument]) -> None:
        """Store documents (inside :meth:`writing`), replacing any of the same id."""

    @abc.abstractmethod
    def delete(self, doc_ids: Iterable[str]) -> list[str]:
        """Delete documents (inside :meth:`writing`); return the ids that were there."""

    @abc.abstractmethod
    def line_stats(self, template_min_docs: int) -> tuple[int, int]:
        """Return (distinct line keys, keys found in at least ``template_min_docs`` documents)."""

    @abc.abstractmethod
    def verify(self) -> Integrity:
        """Check every document, band key and line count (and the file, on disk); return what is wrong."""

    def size(self) -> int | None:
        """Return the bytes the index takes on disk, or None if it is not on disk."""
        return None
