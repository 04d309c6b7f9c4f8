"""The memory store: an index held in this process's dicts, for tests and embedding.

Stores are registered by name, so "reopening" a name in the same process finds the
same data (as SQLite's shared-cache ``:memory:`` databases do). Nothing is written to
disk and nothing survives the process. Writes are applied in place; a write that
raises half way is rolled back from a copy taken when :meth:`MemoryStore.writing` began.

>>> from dedup.index.store import Manifest
>>> from dedup.settings import Settings
>>> store = MemoryStore.create("doctest-memory", Manifest.new(Settings()))
>>> MemoryStore.open("doctest-memory") is store, store.count()
(True, 0)
>>> MemoryStore.drop("doctest-memory")
"""

from __future__ import annotations

import copy
import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from typing import ClassVar

import numpy as np

from ..errors import IndexExistsError, InputError
from .integrity import Findings, Integrity, RowShape
from .store import Manifest, Store, StoredDocument


class MemoryStore(Store):
    """An index in memory: documents by id, band key -> ids, line key -> count."""

    _registry: ClassVar[dict[str, MemoryStore]] = {}

    def __init__(self, location: str, manifest: Manifest) -> None:
        self.location = location
        self._manifest = manifest
        self._docs: dict[str, StoredDocument] = {}
        self._bands: dict[int, set[str]] = {}
        self._lines: Counter[str] = Counter()
        self._writing = False

    @classmethod
    def exists(cls, location: str) -> bool:
        return location in cls._registry

    @classmethod
    def create(cls, location: str, manifest: Manifest) -> MemoryStore:
        if location in cls._registry:
            raise IndexExistsError(f"index {location} already exists.")
        store = cls._registry[location] = cls(location, manifest)
        return store

    @classmethod
    def open(cls, location: str, *, readonly: bool = False) -> MemoryStore:
        if location not in cls._registry:
            raise InputError(f"index {location} does not exist; create it with `dedup index add PATH... --index {location}`.")
        return cls._registry[location]

    @classmethod
    def drop(cls, location: str) -> None:
        """Forget the store registered under ``location``."""
        cls._registry.pop(location, None)

    def close(self) -> None:
        pass  # the data stays registered until drop()

    @contextmanager
    def reading(self):
        yield

    @contextmanager
    def writing(self):
        if self._writing:
            raise RuntimeError("writing() inside writing()")
        saved = (dict(self._docs), copy.deepcopy(self._bands), Counter(self._lines), self._manifest)
        self._writing = True
        try:
            yield
        except BaseException:
            self._docs, self._bands, self._lines, self._manifest = saved
            raise
        finally:
            self._writing = False

    def manifest(self) -> Manifest:
        return self._manifest

    def set_manifest(self, manifest: Manifest) -> None:
        self._require_write()
        self._manifest = manifest

    def count(self) -> int:
        return len(self._docs)

    def known(self, doc_ids: Iterable[str]) -> dict[str, tuple[str, tuple[str, ...]]]:
        return {i: (self._docs[i].fingerprint, self._docs[i].lines) for i in set(doc_ids) if i in self._docs}

    def line_counts(self, keys: Iterable[str]) -> dict[str, int]:
        return {k: self._lines[k] for k in set(keys) if self._lines.get(k, 0) > 0}

    def candidates(self, keys: np.ndarray) -> dict[str, int]:
        out: Counter[str] = Counter()
        for key in np.unique(np.asarray(keys, dtype=np.uint64).ravel()).tolist():
            out.update(self._bands.get(key, ()))
        return dict(out)

    def fetch(self, doc_ids: Iterable[str], *, text: bool = False) -> list[StoredDocument]:
        found = [self._docs[i] for i in sorted(set(doc_ids)) if i in self._docs]
        return found if text else [_without_text(d) for d in found]

    def page(self, after: str | None, limit: int, *, derived: bool = True) -> list[StoredDocument]:
        ids = sorted(i for i in self._docs if after is None or i > after)[:limit]
        return [self._docs[i] if derived else _without_derived(self._docs[i]) for i in ids]

    def verify(self) -> Integrity:
        found = Findings()
        shape = RowShape.of(self._manifest.settings)
        bands: Counter[str] = Counter()
        for doc_id, d in sorted(self._docs.items()):
            if np.shape(d.minhash) != (shape.num_perm,) or np.ndim(d.band_keys) != 2 or np.shape(d.band_keys)[1] != shape.bands:
                found.add("row", f"document {doc_id!r} has signatures of shape {np.shape(d.minhash)} and {np.shape(d.band_keys)}")
            bands.update({doc_id: len(np.unique(np.asarray(d.band_keys, dtype=np.uint64)))})
        held = Counter(doc_id for ids in self._bands.values() for doc_id in ids)
        for doc_id in sorted(set(bands) | set(held)):
            if bands[doc_id] != held[doc_id]:
                found.add("file", f"document {doc_id!r} has {bands[doc_id]} distinct band keys but {held[doc_id]} band-key entries")
        counts = Counter(k for d in self._docs.values() for k in d.lines)
        for key in sorted(set(counts) | set(self._lines)):
            if counts[key] != self._lines[key]:
                found.add("file", f"template-line count of {key!r} is {self._lines[key]}; {counts[key]} documents hold it")
        return found.result(self.location, len(self._docs))

    def line_stats(self, template_min_docs: int) -> tuple[int, int]:
        return len(self._lines), sum(1 for n in self._lines.values() if n >= template_min_docs)

    def put(self, documents: Sequence[StoredDocument]) -> None:
        self._require_write()
        ids = [d.doc_id for d in documents]
        if len(set(ids)) != len(ids):
            raise ValueError("put() was given the same doc_id twice")
        self.delete(ids)
        for d in documents:
            self._docs[d.doc_id] = d
            for key in np.unique(np.asarray(d.band_keys, dtype=np.uint64).ravel()).tolist():
                self._bands.setdefault(key, set()).add(d.doc_id)
            self._lines.update(d.lines)

    def delete(self, doc_ids: Iterable[str]) -> list[str]:
        self._require_write()
        removed = []
        for doc_id in sorted(set(doc_ids)):
            d = self._docs.pop(doc_id, None)
            if d is None:
                continue
            removed.append(doc_id)
            for key in np.unique(np.asarray(d.band_keys, dtype=np.uint64).ravel()).tolist():
                bucket = self._bands[key]
                bucket.discard(doc_id)
                if not bucket:
                    del self._bands[key]
            self._lines.subtract(d.lines)
            for k in d.lines:
                if self._lines[k] <= 0:
                    del self._lines[k]
        return removed

    def _require_write(self) -> None:
        if not self._writing:
            raise RuntimeError("store writes must happen inside writing()")


def _without_text(d: StoredDocument) -> StoredDocument:
    return dataclasses.replace(d, text=None)


def _without_derived(d: StoredDocument) -> StoredDocument:
    return dataclasses.replace(d, credits=(), words=0, body=(), minhash=np.zeros(0, dtype=np.uint32),
                               band_keys=np.zeros((0, d.band_keys.shape[1]), dtype=np.uint64))
