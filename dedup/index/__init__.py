"""The persistent index: a corpus kept between runs, for checking new articles against it.

``dedup index add`` signs articles into an index; ``dedup check`` verifies new articles
against it (:mod:`dedup.check`). The default store is one SQLite file that needs no
server; its on-disk format is documented field by field in :mod:`dedup.index.sqlite`. A
``postgresql://`` location is a schema on a PostgreSQL server that many machines share
(:mod:`dedup.index.postgres`).

- :class:`Index` (:mod:`dedup.index.core`): open/create, add, remove, rebuild, stats,
  and the queries a check makes (candidates by band key, fetch by id).
- :class:`Integrity` (:mod:`dedup.index.integrity`): what :meth:`Index.verify` finds; the
  checks every read makes, and the messages that say how to recover a damaged index.
- :class:`Store` (:mod:`dedup.index.store`): the small interface a backend implements;
  :class:`SQLiteStore`, :class:`PostgresStore` and :class:`MemoryStore` are the backends.

>>> from dedup.index import Index
>>> index = Index.create("doctest-package", backend="memory")
>>> index.stats().documents
0
>>> index.drop()
"""

from .core import BACKENDS, AddResult, Index
from .integrity import Integrity
from .memory import MemoryStore
from .postgres import PostgresStore
from .sqlite import SQLiteStore
from .store import FORMAT_VERSION, IndexStats, Manifest, Store, StoredDocument

__all__ = [
    "BACKENDS",
    "FORMAT_VERSION",
    "AddResult",
    "Index",
    "IndexStats",
    "Integrity",
    "Manifest",
    "MemoryStore",
    "PostgresStore",
    "SQLiteStore",
    "Store",
    "StoredDocument",
]
