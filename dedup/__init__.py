"""dedup: find reprinted wire stories in a news corpus, name the original, show what changed.

>>> import dedup
>>> dedup.compare("Nothing in common here.", "Entirely different words.").verdict
'none'
"""

from .align import Alignment, Block, Change, align
from .check import CheckedArticle, CheckMatch, CheckResult, check
from .clean import Cleaned, Paragraph, Words, clean, tokenize
from .cluster import Cluster
from .errors import ConfigError, DedupError, IndexFormatError, InputError, MissingDependencyError
from .index import Index
from .ingest import Document, Skipped, iter_documents
from .pipeline import Diff, Prepared, ScanResult, compare, diff, prepare, scan
from .settings import Settings
from .sign import Signature
from .verify import Match, SharedPassage

__version__ = "0.1.0"

__all__ = [
    "Alignment",
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
