"""Check: the CI gate -- verdicts of new articles against an indexed corpus.

Each new article is cleaned with the corpus's template lines, signed, and looked up in
the index by band key; only the candidates are fetched and verified exactly
(:func:`dedup.steps.verify`, the new article as ``a``, the indexed one as ``b``).
New articles are also compared with each other: a pair inside the batch is reported
under the article that is not the pair's origin (:func:`dedup.cluster.choose_origin`:
credit, date, completeness), so a wire story and its reprint arriving together fail
the reprint only. An article whose id is already indexed is compared in its new
version only (never with its own indexed version).

Strictness, ``fail_on``: ``duplicate`` fails only duplicates; ``reprint`` (the default)
duplicates and reprints; ``partial`` any shared copy. Every match with a verdict is
reported; only those at or above the level fail. ``allow`` names credits (wire
agencies such as ``Reuters``, or ``source`` values) whose copy is licensed: a match
whose origin carries one of them is reported as allowed and never fails.

>>> from dedup.index import Index
>>> from dedup.ingest import Document
>>> wire = ("MOSCOW (Reuters) - The central bank raised its main interest rate on Tuesday to fight inflation, "
...         "which reached a ten-year high in March, officials in the capital said on Wednesday.")
>>> index = Index.create("doctest-check", backend="memory")
>>> _ = index.add([Document("wire", wire)])
>>> result = check([Document("copy", wire.replace("MOSCOW (Reuters) - ", ""))], index)
>>> result.clean, [(m.doc_id, m.verdict, m.fails) for m in result.articles[0].matches]
(False, [('wire', 'duplicate', True)])
>>> check([Document("copy", wire)], index, allow=["reuters"]).clean
True
>>> index.drop()
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from .align import Alignment, align
from .candidates import candidate_pairs, keep_pair, outlet, published_seconds
from .clean import NO_ARTICLE_TEXT, agency
from .cluster import choose_origin
from .errors import ConfigError
from .index.core import MAX_CANDIDATES, Index
from .ingest import Document, Skipped, unique_documents
from .settings import Settings
from .steps import Analysed, Prepared, analyse_prepared, prepare_many, verify
from .verify import Match

#: ``fail_on`` levels, strictest last; each fails its verdict and the ones before it.
FAIL_ON = ("duplicate", "reprint", "partial")
_RANK = {verdict: i for i, verdict in enumerate(FAIL_ON)}


@dataclass(frozen=True)
class CheckMatch:
    """One indexed (or same-batch) article a checked article copies or shares copy with.

    Attributes:
        match: the exact comparison; ``a`` is the checked article, ``b`` the matched one.
        alignment: paragraph alignment of the matched article (A) with the checked one
            (B): ``added`` paragraphs are the checked article's own, ``cut`` ones it left out.
        in_batch: the matched article is another new article, not an indexed one.
        origin, origin_reason: which of the two is the original, and why.
        title, credits: of the matched article.
        allowed: the origin carries a credit named in ``allow``.
        fails: the verdict is at or above ``fail_on`` and not allowed.

    >>> from dedup import Document, Index, check
    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> index = Index.create("doctest-checkmatch", backend="memory")
    >>> _ = index.add([Document("wire", text)])
    >>> result = check([Document("copy", text + " Officials said work starts in May.")], index)
    >>> m = result.articles[0].matches[0]
    >>> m.match.b, m.match.verdict, m.in_batch, m.fails
    ('wire', 'reprint', False, True)
    >>> index.drop()
    """

    match: Match
    alignment: Alignment
    in_batch: bool
    origin: str
    origin_reason: str
    title: str | None
    credits: tuple[str, ...]
    allowed: bool
    fails: bool

    @property
    def doc_id(self) -> str:
        """The matched article's id."""
        return self.match.b

    @property
    def verdict(self) -> str:
        return self.match.verdict


@dataclass(frozen=True)
class CheckedArticle:
    """The verdicts of one checked article.

    Attributes:
        doc_id, title: the checked article.
        location: the file it came from, when known (for CI annotations).
        matches: every match with a verdict, most severe first, then by id.

    >>> from dedup import Document, Index, check
    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> index = Index.create("doctest-article", backend="memory")
    >>> _ = index.add([Document("wire", text)])
    >>> result = check([Document("copy", text + " Officials said work starts in May.")], index)
    >>> article = result.articles[0]
    >>> article.doc_id, article.failed, len(article.matches)
    ('copy', True, 1)
    >>> index.drop()
    """

    doc_id: str
    title: str | None
    location: str | None
    matches: tuple[CheckMatch, ...]

    @property
    def failed(self) -> bool:
        """Whether any match fails the check.

        >>> CheckedArticle("a1", None, None, ()).failed
        False
        """
        return any(m.fails for m in self.matches)


@dataclass(frozen=True)
class CheckResult:
    """What a check found.

    Attributes:
        articles: every checked article, by id.
        skipped: articles left out (no article text, repeated id), with the reason.
        fail_on: the strictness used.
        allow: the allowed credits, canonical and sorted.
        indexed: documents in the index when checked.
        settings: the settings used.
        fail_on_skipped: whether a skipped input fails the check.

    >>> from dedup import Document, Index, check
    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> index = Index.create("doctest-result", backend="memory")
    >>> _ = index.add([Document("wire", text)])
    >>> result = check([Document("copy", text + " Officials said work starts in May.")], index)
    >>> result.clean, len(result.failed), sorted(result.to_dict())[:4]
    (False, 1, ['allow', 'clean', 'fail_on', 'fail_on_skipped'])
    >>> index.drop()
    """

    articles: tuple[CheckedArticle, ...]
    skipped: tuple[Skipped, ...] = ()
    fail_on: str = "reprint"
    allow: tuple[str, ...] = ()
    indexed: int = 0
    settings: Settings = field(default_factory=Settings)
    fail_on_skipped: bool = False

    def to_dict(self) -> dict:
        """The JSON report as a dict (:func:`dedup.report.check_to_dict`; the README documents it).

        >>> CheckResult(()).to_dict()["clean"]
        True
        """
        from .report.data import check_to_dict

        return check_to_dict(self)

    def to_pandas(self):
        """One row per match of a checked article (and one for each article with none) as a
        pandas DataFrame (:func:`dedup.report.check_to_pandas`; needs ``dedup-news[pandas]``).

        >>> list(CheckResult(()).to_pandas().columns[:4])
        ['id', 'title', 'location', 'failed']
        """
        from .report.frames import check_to_pandas

        return check_to_pandas(self)

    def __repr__(self) -> str:
        """Counts and the outcome, not contents.

        >>> CheckResult(())
        CheckResult(articles=0, failed=0, skipped=0, indexed=0, clean=True)
        """
        return (f"CheckResult(articles={len(self.articles)}, failed={len(self.failed)}, skipped={len(self.skipped)}, "
                f"indexed={self.indexed}, clean={self.clean})")

    @property
    def failed(self) -> tuple[CheckedArticle, ...]:
        """The articles that fail the check.

        >>> CheckResult(()).failed
        ()
        """
        return tuple(a for a in self.articles if a.failed)

    @property
    def clean(self) -> bool:
        """Whether no article fails, nor (with ``fail_on_skipped``) any input was skipped (exit code 0).

        >>> CheckResult(()).clean
        True
        """
        return not self.failed and not (self.fail_on_skipped and self.skipped)


def _origin(x: Prepared, y: Prepared, m: Match) -> tuple[str, str]:
    """The original of a copied pair, and why (as :func:`dedup.scan` names a cluster's origin)."""
    return choose_origin(
        sorted((x.doc_id, y.doc_id)), [m], credits={p.doc_id: p.credits for p in (x, y)},
        published={p.doc_id: p.published for p in (x, y)}, lengths={p.doc_id: p.word_count for p in (x, y)},
    )


def _canonical(name: str) -> str:
    """A credit as compared: the agency's canonical name if it is one, case-folded."""
    return (agency(name) or name.strip()).casefold()


def check(
    documents: Iterable[Document],
    index: Index,
    *,
    fail_on: str = "reprint",
    allow: Iterable[str] = (),
    settings: Settings | Mapping[str, object] | None = None,
    locations: Mapping[str, str] | None = None,
    max_candidates: int = MAX_CANDIDATES,
    on_skip: Callable[[Skipped], None] | None = None,
    skipped: Iterable[Skipped] = (),
    fail_on_skipped: bool = False,
) -> CheckResult:
    """Check new articles against an index (and each other) and say which are copies.

    Args:
        documents: the new articles.
        index: the corpus to check against (it is only read).
        fail_on: ``duplicate``, ``reprint`` or ``partial``: the weakest verdict that fails.
        allow: credits whose copy is licensed (``Reuters``, ``AP``, a ``source`` value).
        settings: verdict settings to use instead of the index's; build settings must
            match the index (a mapping names only the fields to change).
        locations: file of each ``doc_id``, carried into the report.
        max_candidates: most indexed documents verified per article.
        on_skip: called for each article left out.
        skipped: inputs the reader already left out, listed first among the result's
            ``skipped`` (``on_skip`` is not called again for them).
        fail_on_skipped: a skipped input fails the check too (a corrupt ingest is not clean).

    Raises:
        ConfigError: ``fail_on`` is not a level.
        IndexFormatError: ``settings`` differs from the index's build settings.

    >>> from dedup import Document, Index, check
    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> index = Index.create("doctest-check-fn", backend="memory")
    >>> _ = index.add([Document("wire", text)])
    >>> result = check([Document("copy", text + " Officials said work starts in May.")], index)
    >>> result.clean, [(m.match.b, m.match.verdict) for m in result.articles[0].matches]
    (False, [('wire', 'reprint')])
    >>> index.drop()
    """
    if fail_on not in FAIL_ON:
        raise ConfigError(f"fail_on must be one of {', '.join(FAIL_ON)}, got {fail_on!r}.")
    s = index.settings_for(settings)
    read_skips = list(skipped)
    docs, skipped = unique_documents(documents)
    allow = tuple(a.strip() for a in allow if a.strip())
    allowed = {_canonical(a) for a in allow}
    locations = locations or {}

    with index.reading():
        indexed = len(index)
        prepared, wanted, stored = _read_index(index, docs, s, max_candidates=max_candidates, skipped=skipped)

    found: dict[str, list[CheckMatch]] = {p.doc_id: [] for p in prepared}
    for new, old, m, in_batch, origin in _copies(prepared, wanted, stored, s):
        source = old if origin[0] == old.doc_id else new
        marks = {_canonical(c) for c in source.credits} | ({_canonical(source.document.source)} if source.document.source else set())
        is_allowed = bool(allowed & marks)
        fails = not is_allowed and _RANK[m.verdict] <= _RANK[fail_on]
        found[new.doc_id].append(CheckMatch(
            m, align(old.cleaned.body, new.cleaned.body), in_batch, *origin, old.title, old.credits, is_allowed, fails,
        ))

    articles = tuple(
        CheckedArticle(
            p.doc_id, p.title, locations.get(p.doc_id),
            tuple(sorted(found[p.doc_id], key=lambda c: (_RANK[c.verdict], c.doc_id))),
        )
        for p in sorted(prepared, key=lambda p: p.doc_id)
    )
    if on_skip:
        for skip in skipped:
            on_skip(skip)
    canonical_allow = tuple(sorted({agency(a) or a for a in allow}))
    return CheckResult(articles, tuple(read_skips + skipped), fail_on, canonical_allow, indexed, s, fail_on_skipped)


Stored = dict[str, tuple[Prepared, Analysed]]


def _kept(x: Prepared, y: Prepared, s: Settings) -> bool:
    """Whether the pair filters (``--ignore-same-source``, ``--max-days``) let the pair be compared."""
    return keep_pair(outlet(x.document.source, x.document.url), outlet(y.document.source, y.document.url),
                     published_seconds(x.published), published_seconds(y.published), **s.for_step("pairs"))


def _read_index(
    index: Index, docs: list[Document], s: Settings, *, max_candidates: int, skipped: list[Skipped],
) -> tuple[list[Prepared], dict[str, tuple[str, ...]], Stored]:
    """The new articles prepared as the index would store them (those with no text added to
    ``skipped``), the indexed candidates of each, and those candidates fetched."""
    templates = index.template_lines(docs, settings=s)
    # one template set serves all: each document's is the corpus's restricted to its own lines
    union = frozenset().union(*templates.values()) if templates else frozenset()
    prepared: list[Prepared] = []
    for p in prepare_many(docs, template_lines=union, **s.for_step("prepare")):
        if p.word_count == 0:
            skipped.append(Skipped(p.doc_id, NO_ARTICLE_TEXT))
        else:
            prepared.append(p)
    # an article of the batch is compared in its batch version (_copies), never its indexed one
    batch_ids = [d.doc_id for d in docs]
    found = index.candidates_many(prepared, limit=max_candidates, exclude=batch_ids)
    wanted = {p.doc_id: ids for p, ids in zip(prepared, found)}
    stored = {p.doc_id: (p, a) for p, a in index.fetch_analysed({c for ids in wanted.values() for c in ids})}
    return prepared, wanted, stored


def _copies(
    prepared: list[Prepared], wanted: dict[str, tuple[str, ...]], stored: Stored, s: Settings,
) -> Iterator[tuple[Prepared, Prepared, Match, bool, tuple[str, str]]]:
    """Yield (new article, matched article, match, in the batch?, (origin, why)) for every
    verdict other than ``none``: each new article against its indexed candidates, then the
    batch's articles against each other (the copy reported under the later one)."""
    batch_pairs = candidate_pairs([p.signature.band_keys for p in prepared]).tolist()
    # the words of the new articles that have something to be compared with, once each
    paired = {x for pair in batch_pairs for x in pair}
    compared = [p for k, p in enumerate(prepared) if k in paired or any(c in stored for c in wanted[p.doc_id])]
    analysed = {a.doc_id: a for a in analyse_prepared(compared, shingle_size=s.shingle_size)}
    for p in prepared:
        for doc_id in wanted[p.doc_id]:
            if doc_id in stored and _kept(p, stored[doc_id][0], s):
                old, old_analysed = stored[doc_id]
                m = verify(analysed[p.doc_id], old_analysed, s)
                if m.verdict != "none":
                    yield p, old, m, False, _origin(p, old, m)
    for i, j in batch_pairs:
        if not _kept(prepared[i], prepared[j], s):
            continue
        a, b = sorted((prepared[i], prepared[j]), key=lambda p: p.doc_id)
        m = verify(analysed[a.doc_id], analysed[b.doc_id], s)
        if m.verdict == "none":
            continue
        origin = _origin(a, b, m)
        if origin[0] == a.doc_id:  # the copy is b: report it under b, with a as the matched article
            yield b, a, m.swapped(), True, origin
        else:
            yield a, b, m, True, origin
