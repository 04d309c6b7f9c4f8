"""dedup: find reprinted wire stories in a news corpus, name the original, show what changed.

>>> import dedup
>>> dedup.compare("Nothing in common here.", "Entirely different words.").verdict
'none'
"""

from ._version import __version__
from .align import Alignment, Block, Change, align
from .check import CheckedArticle, CheckMatch, CheckResult, check
from .clean import Cleaned, Paragraph, clean
from .cluster import Cluster
from .engines.local import scan
from .errors import ConfigError, DedupError, IndexFormatError, InputError, MissingDependencyError
from .index import Index
from .ingest import Document, Skipped, iter_documents
from .settings import Settings
from .sign import Signature
from .steps import Analysed, Diff, Prepared, ScanResult, compare, diff, prepare
from .tokens import Words, tokenize
from .verify import Match, SharedPassage

__all__ = [
    "Alignment",
    "Analysed",
    "Block",
    "Change",
    "CheckMatch",
    "CheckResult",
    "CheckedArticle",
    "Cleaned",
    "Cluster",
    "ConfigError",
    "DedupError",
    "Diff",
    "Document",
    "Index",
    "IndexFormatError",
    "InputError",
    "Match",
    "MissingDependencyError",
    "Paragraph",
    "Prepared",
    "ScanResult",
    "Settings",
    "SharedPassage",
    "Signature",
    "Skipped",
    "Words",
    "__version__",
    "align",
    "check",
    "clean",
    "compare",
    "diff",
    "iter_documents",
    "prepare",
    "scan",
    "tokenize",
]
