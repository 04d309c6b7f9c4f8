"""Settings: one small frozen value holding every knob that changes results.

Functions never take a ``Settings``; they take the fields they use, keyword-only,
under the same names (``sign(tokens, shingle_size=5, num_perm=128, seed=1)``).
``Settings`` is what the CLI and the index carry around and validate;
:meth:`Settings.for_step` is the one place it becomes a step's keywords
(``prepare_many(docs, **settings.for_step("prepare"))``).

>>> Settings().shingle_size
5
>>> Settings(num_perm=0)
Traceback (most recent call last):
...
dedup.errors.ConfigError: num_perm must be between 16 and 1024, got 0; pick a value such as 128 (the default).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache

from .errors import ConfigError

#: Version of the normalisation rules (tokens.normalize / tokens.tokenize). Bump it when
#: they change, so indexes built with the old rules are refused instead of silently wrong.
NORMALISATION_VERSION = 1


@dataclass(frozen=True)
class Settings:
    """Every setting that changes dedup's results, with validated defaults.

    Attributes:
        shingle_size: words per shingle (5: long enough that chance overlaps are rare
            in news prose, short enough that one edited word costs only 5 shingles).
        num_perm: MinHash permutations per signature (128: standard error of a Jaccard
            estimate about 1/sqrt(128) = 0.09, Leskovec et al., MMDS ch. 3).
        seed: seed of the MinHash permutations.
        passage_words: words in a passage window (candidate generation works on
            windows anchored at sentence starts, so containment is caught).
        passage_threshold: Jaccard between two windows above which LSH should make
            their documents candidates; bands and rows are chosen for it.
        min_run_words: shortest word run that counts as shared copy.
        sentence_match: share of a sentence's words that must recur, in order, for it
            to be the same sentence (``../shared/VERDICTS.md``: "about half or more of its
            words appear in the same order"); also the share of a sentence that shared
            passages must cover for it to be copied as it is.
        partial_min_sentences: copied sentences, quotations left out, that make a pair
            ``partial`` at least (the definitions: two).
        reprint_threshold: share of the shorter article's sentences, quotations left
            out and each weighed by its words, that must be copied for ``reprint`` (the
            definitions: about half).
        duplicate_threshold: share of both articles' words that must be shared for
            ``duplicate`` (besides every sentence copied).
        template_min_docs: a short line found in at least this many documents is
            template (site furniture), not content.
        template_max_words: lines longer than this are never treated as template
            (long recurring paragraphs are syndicated copy, which is what we look for).
        ignore_same_source: never pair two articles of one outlet (their ``source``, else
            their URL's host): an outlet reusing its own archive is not syndication
            (passim's ``series``). Off by default.
        max_days: never pair two articles published more than this many days apart
            (both dates known); None, the default: no limit.

    >>> Settings(shingle_size=4).shingle_size, Settings().num_perm
    (4, 128)
    """

    shingle_size: int = 5
    num_perm: int = 128
    seed: int = 1
    passage_words: int = 30
    passage_threshold: float = 0.5
    min_run_words: int = 8
    sentence_match: float = 0.55
    partial_min_sentences: int = 2
    reprint_threshold: float = 0.4
    duplicate_threshold: float = 0.9
    template_min_docs: int = 5
    template_max_words: int = 20
    ignore_same_source: bool = False
    max_days: int | None = None

    def __post_init__(self) -> None:
        _check_int("shingle_size", self.shingle_size, 1, 16, 5)
        _check_int("num_perm", self.num_perm, 16, 1024, 128)
        _check_int("seed", self.seed, 0, 2**32 - 1, 1)
        _check_int("passage_words", self.passage_words, self.shingle_size + 1, 1000, 30)
        _check_int("min_run_words", self.min_run_words, self.shingle_size, 1000, 8)
        _check_int("partial_min_sentences", self.partial_min_sentences, 1, 1000, 2)
        _check_int("template_min_docs", self.template_min_docs, 2, 10**9, 5)
        _check_int("template_max_words", self.template_max_words, 0, 60, 20)  # clean.TEMPLATE_MAX_WORDS
        if not isinstance(self.ignore_same_source, bool):
            raise ConfigError(f"ignore_same_source must be true or false, got {self.ignore_same_source!r}.")
        if self.max_days is not None and (isinstance(self.max_days, bool) or not isinstance(self.max_days, int)
                                          or not 0 <= self.max_days <= 36500):
            raise ConfigError(f"max_days must be a whole number of days from 0 to 36500 (None, or no --max-days: no limit), got {self.max_days!r}.")
        for name in ("passage_threshold", "sentence_match", "reprint_threshold", "duplicate_threshold"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 < value <= 1.0:
                raise ConfigError(f"{name} must be a number in (0, 1], got {value!r}.")
        if self.reprint_threshold > self.duplicate_threshold:
            raise ConfigError(
                f"reprint_threshold ({self.reprint_threshold}) is above duplicate_threshold "
                f"({self.duplicate_threshold}); lower the first or raise the second."
            )

    @property
    def bands(self) -> int:
        """LSH bands for ``passage_threshold`` and ``num_perm``."""
        return lsh_params(self.passage_threshold, self.num_perm)[0]

    @property
    def rows(self) -> int:
        """LSH rows per band for ``passage_threshold`` and ``num_perm``."""
        return lsh_params(self.passage_threshold, self.num_perm)[1]

    def replace(self, **changes) -> Settings:
        """Return a copy with some fields changed (validated again).

        >>> Settings().replace(seed=7).seed
        7
        """
        return dataclasses.replace(self, **changes)

    def for_step(self, step: str) -> dict:
        """Return the fields one step takes, as its keywords (:data:`STEP_FIELDS`).

        >>> Settings().for_step("verify")["min_run_words"]
        8
        """
        return {name: getattr(self, name) for name in STEP_FIELDS[step]}

    def as_dict(self) -> dict:
        """Return the settings as a plain dict, with the derived LSH shape and rule version.

        >>> Settings().as_dict()["normalisation_version"]
        1
        """
        out = dataclasses.asdict(self)
        out["bands"], out["rows"] = self.bands, self.rows
        out["normalisation_version"] = NORMALISATION_VERSION
        return out


#: The settings each step takes as keywords, by step: ``prepare`` (clean, tokenise, sign:
#: :func:`dedup.steps.prepare_many`), ``verify`` (:func:`dedup.verify.compare_many`),
#: ``templates`` (:func:`dedup.clean.template_candidates`), ``pairs`` (the pair filters:
#: :func:`dedup.candidates.filter_pairs`). A test holds every function's
#: defaults for these names to ``Settings()``.
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "prepare": ("shingle_size", "num_perm", "seed", "passage_words", "passage_threshold"),
    "verify": (
        "shingle_size", "min_run_words", "sentence_match", "partial_min_sentences", "reprint_threshold", "duplicate_threshold",
    ),
    "templates": ("template_max_words",),
    "pairs": ("ignore_same_source", "max_days"),
}

# The shape for the default settings, worked out once (a test recomputes it): it takes
# 60 ms to compute, which every scan would spend before it starts its workers.
_KNOWN_SHAPES = {(0.5, 128): (26, 4)}


@lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """Choose LSH (bands, rows) for a Jaccard threshold, by datasketch's criterion
    (:func:`optimal_shape`; the default settings' shape is known without computing it).

    >>> lsh_params(0.5, 128), lsh_params(0.6, 128)
    ((26, 4), (21, 6))
    """
    known = _KNOWN_SHAPES.get((threshold, num_perm))
    return known if known is not None else optimal_shape(threshold, num_perm)


def optimal_shape(threshold: float, num_perm: int) -> tuple[int, int]:
    """Choose LSH (bands, rows) for a Jaccard threshold, by datasketch's criterion.

    Like datasketch's ``MinHashLSH``, pick the (b, r), b*r <= num_perm, minimising the
    weighted false-positive area (the S-curve 1 - (1 - s^r)^b below the threshold)
    plus false-negative area (above it) (MMDS ch. 3.4). Recall matters more than
    precision here because every candidate is verified exactly afterwards, so false
    negatives weigh 3x false positives. Integrated on a grid with numpy, all band counts
    of a row count at once: datasketch's scipy quadrature takes half a second per call.

    >>> optimal_shape(0.5, 128)
    (26, 4)
    """
    import numpy as np

    s = np.linspace(0.0, 1.0, 2001)
    below, above = s <= threshold, s >= threshold
    best, best_cost = (1, 1), np.inf
    # One row count at a time, all its band counts at once: at most num_perm x 2001
    # floats in memory (2 MB), where every (b, r) at once took 40 MB, in every process.
    for r in range(1, num_perm + 1):
        b = np.arange(1, num_perm // r + 1, dtype=float)[:, None]
        curve = 1.0 - (1.0 - s[None, :] ** np.full_like(b, r)) ** b  # array exponents: the same floats as before
        fp = np.trapezoid(np.where(below, curve, 0.0), s, axis=1)
        fn = np.trapezoid(np.where(above, 1.0 - curve, 0.0), s, axis=1)
        cost = 0.25 * fp + 0.75 * fn
        k = int(np.argmin(cost))
        if cost[k] < best_cost or (cost[k] == best_cost and (k + 1, r) < best):  # ties: the smallest (b, r)
            best, best_cost = (k + 1, r), cost[k]
    return best


def _check_int(name: str, value: object, low: int, high: int, default: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(
            f"{name} must be between {low} and {high}, got {value!r}; "
            f"pick a value such as {default} (the default)."
        )
