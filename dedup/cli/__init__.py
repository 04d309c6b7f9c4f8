"""The ``dedup`` command line: a thin layer over the Python API (the only typer import).

Exit codes, as linters use them: 0 done (and clean, for ``check``), 1 duplicates
found (``check``), 2 usage, input or configuration error. Errors are one line on
stderr; a traceback means a bug.
"""

from __future__ import annotations

import sys
import time
from enum import Enum
from pathlib import Path

import typer

from ..errors import DedupError, InputError
from ..report._shared import counted
from ..settings import Settings
from ._io import _emit_text, _info, _progress_bar, _say_scan, _silence_stdout, _warn, _write

app = typer.Typer(
    add_completion=True,
    no_args_is_help=True,
    help="Find reprinted wire stories in a news corpus, name the original, show what changed.",
    pretty_exceptions_enable=False,
)


def _version(asked: bool) -> None:
    if asked:
        from .._version import __version__

        print(f"dedup {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_version, help="Print the version and exit."),
) -> None:
    """Find reprinted wire stories in a news corpus, name the original, show what changed."""


class Engine(str, Enum):
    local = "local"
    spark = "spark"


class TablesFormat(str, Enum):
    parquet = "parquet"
    jsonl = "jsonl"


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


# Settings flags, shared by every command that computes signatures or verdicts.
_D = Settings()
ShingleSize = typer.Option(_D.shingle_size, "--shingle-size", help="Words per shingle.")
NumPerm = typer.Option(_D.num_perm, "--num-perm", help="MinHash permutations.")
Seed = typer.Option(_D.seed, "--seed", help="MinHash permutation seed.")
PassageWords = typer.Option(_D.passage_words, "--passage-words", help="Words per passage window (candidates).")
PassageThreshold = typer.Option(_D.passage_threshold, "--passage-threshold", help="Passage Jaccard the LSH is tuned for.")
MinRunWords = typer.Option(_D.min_run_words, "--min-run-words", help="Shortest shared word run counted as copy.")
SentenceMatch = typer.Option(_D.sentence_match, "--sentence-match", help="Share of a sentence's words, in order, that makes it the same sentence.")
PartialMinSentences = typer.Option(_D.partial_min_sentences, "--partial-min-sentences", help="Copied sentences (quotations aside) for 'partial'.")
ReprintThreshold = typer.Option(_D.reprint_threshold, "--reprint-threshold", help="Share of one article's unquoted words shared for 'reprint'.")
DuplicateThreshold = typer.Option(_D.duplicate_threshold, "--duplicate-threshold", help="Share of both articles shared for 'duplicate'.")
TemplateMinDocs = typer.Option(_D.template_min_docs, "--template-min-docs", help="A short line in this many documents is template.")
Quiet = typer.Option(False, "--quiet", "-q", help="No progress bar.")
Verbose = typer.Option(False, "--verbose", "-v", help="Also say on stderr what each stage did and how long it took.")
IgnoreSameSource = typer.Option(False, "--ignore-same-source", help="Never pair two articles of one outlet (same source, else same URL host): reuse of an outlet's own archive is not syndication.")
MaxDays = typer.Option(None, "--max-days", metavar="N", help="Only pair articles published within N days of each other (pairs with an unknown date stay).")


# Reading flags, shared by every command that reads articles.
class InputFormat(str, Enum):
    jsonl = "jsonl"
    json = "json"
    csv = "csv"
    tsv = "tsv"
    parquet = "parquet"
    text = "text"
    html = "html"
    warc = "warc"


InputFormatOpt = typer.Option(None, "--input-format", help="Read stdin (-) and the files named as this: jsonl (stdin's default), json, csv, tsv, parquet, text, html or warc. Files in folders go by their names.")
EncodingOpt = typer.Option("utf-8", "--encoding", help="Text encoding: utf-8 (other bytes are skipped), auto (detected, and named in a warning), or a codec (cp1251, latin-1, ...).")
IdField = typer.Option("id", "--id-field", help="The record field (JSON key, CSV or Parquet column) holding the id.")
TextField = typer.Option("text", "--text-field", help="The record field holding the article text.")
TitleField = typer.Option("title", "--title-field", help="The record field holding the title.")
UrlField = typer.Option("url", "--url-field", help="The record field holding the URL.")
SourceField = typer.Option("source", "--source-field", help="The record field holding the outlet's name.")
DateField = typer.Option("published", "--date-field", help="The record field holding the publication date (any common form).")
Include = typer.Option(None, "--include", help="Only files of a folder matching this glob (path in the folder or name); repeatable.")
Exclude = typer.Option(None, "--exclude", help="Leave out files of a folder matching this glob; repeatable.")


def _read_options(input_format, encoding, id_field, text_field, title_field, url_field, source_field, date_field,
                  include=None, exclude=None):
    """The reading flags as :class:`~dedup.ingest.ReadOptions` (their errors are usage errors)."""
    from ..ingest import ReadOptions

    return ReadOptions(
        input_format=input_format.value if input_format else None, encoding=encoding, id_field=id_field,
        text_field=text_field, title_field=title_field, url_field=url_field, source_field=source_field,
        date_field=date_field, include=tuple(include or ()), exclude=tuple(exclude or ()))


def _skip_and_warn(skipped: list):
    """An ``on_skip`` that warns at once and keeps the record for the report."""
    def skip(s) -> None:
        _warn(str(s))
        skipped.append(s)
    return skip


def _load(paths, options, progress=None, *, located: bool = False):
    """The documents under ``paths`` and the inputs left out (each warned about as it is read);
    with ``located``, also the file each document came from. ``progress`` is told the bytes read."""
    from ..ingest import iter_located

    skipped: list = []
    reading = None if progress is None else (lambda done, total: progress("reading (MB)", done >> 20, total >> 20))
    docs, locations = [], {}
    for found in iter_located(paths, on_skip=_skip_and_warn(skipped), options=options, on_note=_warn,
                              progress=reading):
        docs.append(found.document)
        locations[found.document.doc_id] = found.file
    if not docs:
        raise InputError("no documents found in " + ", ".join(map(str, paths)) + "; give articles (.txt, .md, .html), "
                         "folders of them, or a corpus (JSONL, JSON, CSV, Parquet, WARC) with id and text.")
    _warn_dates(docs)
    return (docs, locations, skipped) if located else (docs, skipped)


def _warn_dates(docs) -> None:
    """Warn about the publication dates that could not be read (kept as given, not used for origins)."""
    from ..ingest import is_iso_date

    for d in docs:
        if d.published and not is_iso_date(d.published):
            _warn(f"{d.doc_id}: published date {d.published!r} cannot be read; it is kept as given and not used to choose origins")


@app.command()
def scan(
    paths: list[str] = typer.Argument(..., help="Articles (.txt, .md, web pages .html), folders, corpora (JSONL, JSON, CSV/TSV, Parquet, WARC; compressed too), or - for stdin; with --engine spark any Hadoop-compatible URL."),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text, json, markdown or html (one self-contained page)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report here instead of stdout."),
    quiet: bool = Quiet,
    verbose: bool = Verbose,
    workers: int = typer.Option(0, "--workers", "-j", help="Processes for per-document work (0: one per CPU); the output is the same."),
    engine: Engine = typer.Option(Engine.local, "--engine", help="local (this machine) or spark (needs pip install 'dedup-news\\[spark]')."),
    master: str | None = typer.Option(None, "--master", help="With --engine spark: the Spark master (local[*], yarn, spark://host:7077, ...)."),
    tables: str | None = typer.Option(None, "--tables", help="With --engine spark: write the result tables under this folder (any Hadoop-compatible URL) instead of collecting them."),
    tables_format: TablesFormat = typer.Option(TablesFormat.parquet, "--tables-format", help="parquet or jsonl."),
    shingle_size: int = ShingleSize,
    num_perm: int = NumPerm,
    seed: int = Seed,
    passage_words: int = PassageWords,
    passage_threshold: float = PassageThreshold,
    min_run_words: int = MinRunWords,
    sentence_match: float = SentenceMatch,
    partial_min_sentences: int = PartialMinSentences,
    reprint_threshold: float = ReprintThreshold,
    duplicate_threshold: float = DuplicateThreshold,
    template_min_docs: int = TemplateMinDocs,
    ignore_same_source: bool = IgnoreSameSource,
    max_days: int | None = MaxDays,
    input_format: InputFormat | None = InputFormatOpt,
    encoding: str = EncodingOpt,
    id_field: str = IdField,
    text_field: str = TextField,
    title_field: str = TitleField,
    url_field: str = UrlField,
    source_field: str = SourceField,
    date_field: str = DateField,
    include: list[str] | None = Include,
    exclude: list[str] | None = Exclude,
    keep: Path | None = typer.Option(None, "--keep", help="Also write the ids to keep, one a line: each cluster's origin and every article in no cluster."),
    drop: Path | None = typer.Option(None, "--drop", help="Also write the ids to drop, one a line: the other members of each cluster."),
    write_deduplicated: Path | None = typer.Option(None, "--write-deduplicated", help="Also write the corpus deduplicated as JSON lines: the kept articles, each origin with a 'reprints' list."),
    plots: Path | None = typer.Option(None, "--plots", help="Also write the scan's four plots into this folder, as SVG and PNG (needs pip install 'dedup-news\\[plot]')."),
) -> None:
    """Report clusters of reprints in a corpus, with the origin of each and every pair's verdict."""
    from .. import report

    started = time.perf_counter()
    if plots is not None:  # a missing extra is said before the scan, not after it
        from ..errors import require

        require("matplotlib", "plot")

    settings = Settings(
        shingle_size=shingle_size, num_perm=num_perm, seed=seed, passage_words=passage_words,
        passage_threshold=passage_threshold, min_run_words=min_run_words, sentence_match=sentence_match,
        partial_min_sentences=partial_min_sentences,
        reprint_threshold=reprint_threshold, duplicate_threshold=duplicate_threshold,
        template_min_docs=template_min_docs, ignore_same_source=ignore_same_source, max_days=max_days,
    )
    options = _read_options(input_format, encoding, id_field, text_field, title_field, url_field, source_field,
                            date_field, include, exclude)
    if engine is Engine.spark:
        from ..engines import spark

        result = spark.scan_command(
            [str(p) for p in paths], settings, master=master, output=tables,
            output_format=tables_format.value, on_skip=lambda s: _warn(str(s)), read_options=options,
        )
        if result is None:
            print(f"wrote documents, pairs, clusters, alignments and skipped tables under {tables}", file=sys.stderr)
            return
    else:
        from ..engines import local

        progress, stop = _progress_bar(quiet)
        try:
            docs, read_skips = _load(paths, options, progress)
            result = local.scan(docs, settings, on_skip=lambda s: _warn(str(s)), progress=progress, workers=workers,
                                skipped=read_skips)
        finally:
            stop()
    if not result.documents:
        raise InputError("no document has article text left after cleaning; nothing to compare.")
    if verbose:
        _say_scan(result, time.perf_counter() - started)
    _write_corpus_outputs(result, keep, drop, write_deduplicated)
    if plots is not None:
        report.scan_plots(result, plots)
    _emit(format, output,
          json=lambda: report.dumps(report.scan_to_dict(result)),
          markdown=lambda: report.scan_markdown(result),
          html=lambda: report.scan_html(result),
          text=lambda out, **kw: report.render_scan(result, out, **kw))


def _write_corpus_outputs(result, keep: Path | None, drop: Path | None, deduplicated: Path | None) -> None:
    """The files to act on (:mod:`dedup.report.corpus`), each written atomically."""
    from ..report import corpus

    if keep is not None or drop is not None:
        kept, dropped = corpus.kept_and_dropped(result)
        for path, ids in ((keep, kept), (drop, dropped)):
            if path is not None:
                _write(corpus.id_lines(ids), path)
    if deduplicated is not None:
        _write("".join(corpus.deduplicated_lines(result)), deduplicated)


def _emit(format: Format, output: Path | None, *, json, markdown, html, text) -> None:
    """Write a report in the chosen format to stdout or ``output``."""
    if format is Format.json:
        _write(json(), output)
    elif format is Format.markdown:
        _write(markdown(), output)
    elif format is Format.html:
        _write(html(), output)
    else:
        _emit_text(text, output)


@app.command()
def diff(
    a: str = typer.Argument(..., help="The reference article (e.g. the wire original): a file, or an id with --corpus."),
    b: str = typer.Argument(..., help="The article to compare with it: a file, or an id with --corpus."),
    corpus: list[Path] | None = typer.Option(None, "--corpus", "-c", help="Look A and B up by id in this corpus (JSONL or folder); repeatable."),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text, json, markdown or html (one self-contained page)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report here instead of stdout."),
    shingle_size: int = ShingleSize,
    num_perm: int = NumPerm,
    seed: int = Seed,
    min_run_words: int = MinRunWords,
    sentence_match: float = SentenceMatch,
    partial_min_sentences: int = PartialMinSentences,
    reprint_threshold: float = ReprintThreshold,
    duplicate_threshold: float = DuplicateThreshold,
    input_format: InputFormat | None = InputFormatOpt,
    encoding: str = EncodingOpt,
    id_field: str = IdField,
    text_field: str = TextField,
    title_field: str = TitleField,
    url_field: str = UrlField,
    source_field: str = SourceField,
    date_field: str = DateField,
) -> None:
    """Align two articles paragraph by paragraph: what B kept, edited, added, cut or moved."""
    from .. import report, steps
    from ..ingest import iter_documents

    settings = Settings(
        shingle_size=shingle_size, num_perm=num_perm, seed=seed, min_run_words=min_run_words,
        sentence_match=sentence_match, partial_min_sentences=partial_min_sentences, reprint_threshold=reprint_threshold,
        duplicate_threshold=duplicate_threshold,
    )
    options = _read_options(input_format, encoding, id_field, text_field, title_field, url_field, source_field, date_field)
    if corpus:
        wanted = {a, b}
        found = {d.doc_id: d for d in iter_documents(corpus, on_skip=lambda s: _warn(str(s)), options=options,
                                                     on_note=_warn) if d.doc_id in wanted}
        missing = [x for x in (a, b) if x not in found]
        if missing:
            raise InputError(f"id {missing[0]!r} is not in {', '.join(map(str, corpus))}; check the id (dedup scan -f json lists them).")
        doc_a, doc_b = found[a], found[b]
    else:
        doc_a, doc_b = (_one_document(Path(x), options) for x in (a, b))
    result = steps.diff(doc_a, doc_b, settings)
    _emit(format, output,
          json=lambda: report.dumps(report.diff_to_dict(result)),
          markdown=lambda: report.diff_markdown(result),
          html=lambda: report.diff_html(result),
          text=lambda out, **kw: report.render_diff(result, out, **kw))


def _one_document(path: Path, options):
    """Read one article file for diff; any problem with it is an error, not a skip."""
    from ..ingest import Skipped, iter_documents

    if path.is_dir():
        raise InputError(f"{path} is a folder; diff takes two files, or two ids with --corpus.")
    problems: list[Skipped] = []
    docs = list(iter_documents([path], on_skip=problems.append, options=options, on_note=_warn))
    if problems:
        raise InputError(str(problems[0]).replace("; skipped", ""))
    if len(docs) != 1:
        raise InputError(f"{path} holds {len(docs)} documents; give two ids with --corpus {path}.")
    return docs[0]


class EvalFormat(str, Enum):
    text = "text"
    json = "json"


@app.command("eval")
def evaluate_command(
    pairs: Path = typer.Argument(..., help='JSONL of labelled pairs: {"a": text, "b": text, "label": ...} or {"a_id", "b_id", "label"}.'),
    corpus: list[Path] | None = typer.Option(None, "--corpus", "-c", help="Resolve a_id/b_id in this corpus (JSONL or folder); repeatable."),
    sweep: bool = typer.Option(False, "--sweep", help="Also trace precision/recall of copy vs not over the reprint threshold."),
    plot: Path | None = typer.Option(None, "--plot", help="With --sweep: draw the curve to this PNG (needs matplotlib)."),
    format: EvalFormat = typer.Option(EvalFormat.text, "--format", "-f", help="text or json."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report here instead of stdout."),
    min_run_words: int = MinRunWords,
    sentence_match: float = SentenceMatch,
    partial_min_sentences: int = PartialMinSentences,
    reprint_threshold: float = ReprintThreshold,
    duplicate_threshold: float = DuplicateThreshold,
    input_format: InputFormat | None = InputFormatOpt,
    encoding: str = EncodingOpt,
    id_field: str = IdField,
    text_field: str = TextField,
    title_field: str = TitleField,
    url_field: str = UrlField,
    source_field: str = SourceField,
    date_field: str = DateField,
) -> None:
    """Measure the verdicts on your own labelled pairs: precision, recall, F1, confusion matrix."""
    from .. import evaluate, report
    from ..ingest import iter_documents

    if plot is not None and not sweep:
        raise InputError("--plot draws the --sweep curve; add --sweep.")
    settings = Settings(min_run_words=min_run_words, sentence_match=sentence_match,
        partial_min_sentences=partial_min_sentences,
                        reprint_threshold=reprint_threshold, duplicate_threshold=duplicate_threshold)
    if not pairs.is_file():
        raise InputError(f"{pairs}: no such file; give a JSONL file of labelled pairs.")
    options = _read_options(input_format, encoding, id_field, text_field, title_field, url_field, source_field, date_field)
    docs = {d.doc_id: d for d in iter_documents(corpus, on_skip=lambda s: _warn(str(s)), options=options,
                                                on_note=_warn)} if corpus else None
    labelled = evaluate.read_pairs(pairs, corpus=docs, on_skip=lambda s: _warn(str(s)))
    result = evaluate.evaluate(labelled, settings)
    points = evaluate.sweep(result) if sweep else None
    if plot is not None:
        assert points is not None  # --plot needs --sweep (checked above)
        evaluate.plot_sweep(points, plot)
    data = result.to_dict()
    if points is not None:
        data["sweep"] = points
    if format is EvalFormat.json:
        _write(report.dumps(data), output)
    else:
        import io

        buffer = io.StringIO()
        report.render_evaluation(data, buffer, color=False if output else None)
        _write(buffer.getvalue(), output)


# --- the persistent index and the CI gate -------------------------------------------------

index_app = typer.Typer(
    no_args_is_help=True,
    help="Keep a corpus between runs in an index (a SQLite file, or PostgreSQL to share it): add, remove, stats, check, copy.",
    pretty_exceptions_enable=False,
)
app.add_typer(index_app, name="index")

IndexFile = typer.Option(..., "--index", "-i", envvar="DEDUP_INDEX",
                         help="The index: a file (SQLite), or postgresql://user@host:port/db[?schema=NAME] for one shared on PostgreSQL.")
# Build settings default to the index's: a flag given is compared with what the index was
# built with (a new index takes the flags, or the defaults).
_IDX = " Default: the index's ({default} for a new one)."
IShingleSize = typer.Option(None, "--shingle-size", help="Words per shingle." + _IDX.format(default=_D.shingle_size))
INumPerm = typer.Option(None, "--num-perm", help="MinHash permutations." + _IDX.format(default=_D.num_perm))
ISeed = typer.Option(None, "--seed", help="MinHash permutation seed." + _IDX.format(default=_D.seed))
IPassageWords = typer.Option(None, "--passage-words", help="Words per passage window." + _IDX.format(default=_D.passage_words))
IPassageThreshold = typer.Option(None, "--passage-threshold", help="Passage Jaccard the LSH is tuned for." + _IDX.format(default=_D.passage_threshold))
ITemplateMinDocs = typer.Option(None, "--template-min-docs", help="A short line in this many documents is template." + _IDX.format(default=_D.template_min_docs))
# Verdict settings: any value may be used at check time.
_VER = " Default: the index's ({default} unless built otherwise)."
CMinRunWords = typer.Option(None, "--min-run-words", help="Shortest shared word run counted as copy." + _VER.format(default=_D.min_run_words))
CSentenceMatch = typer.Option(None, "--sentence-match", help="Share of a sentence's words, in order, that makes it the same sentence." + _VER.format(default=_D.sentence_match))
CPartialMinSentences = typer.Option(None, "--partial-min-sentences", help="Copied sentences (quotations aside) for 'partial'." + _VER.format(default=_D.partial_min_sentences))
CReprintThreshold = typer.Option(None, "--reprint-threshold", help="Share of one article's words shared for 'reprint'." + _VER.format(default=_D.reprint_threshold))
CDuplicateThreshold = typer.Option(None, "--duplicate-threshold", help="Share of both articles shared for 'duplicate'." + _VER.format(default=_D.duplicate_threshold))


def _shown(index: str) -> str:
    """An index location as messages show it (a PostgreSQL URL without its password)."""
    from ..index.postgres import shown

    return shown(index)


def _given(**flags) -> dict:
    """The settings flags the user gave (None: not given)."""
    return {name: value for name, value in flags.items() if value is not None}


def _add_with_progress(idx, docs, *, quiet: bool, batch_size: int, workers: int):
    progress, stop = _progress_bar(quiet)
    try:
        return idx.add(docs, batch_size=batch_size, workers=workers, progress=progress, on_skip=lambda s: _warn(str(s)))
    finally:
        stop()


@index_app.command("add")
def index_add(
    paths: list[Path] | None = typer.Argument(None, help="Articles (.txt, .md, web pages .html), folders, corpora (JSONL, JSON, CSV/TSV, Parquet, WARC; compressed too), or - for stdin."),
    index: str = IndexFile,
    rebuild: bool = typer.Option(False, "--rebuild", help="First re-derive every indexed document from its stored text with the given settings."),
    batch_size: int = typer.Option(500, "--batch-size", help="Documents per transaction (a killed add loses at most one batch)."),
    workers: int = typer.Option(0, "--workers", "-j", help="Processes for cleaning and signing (0: one per CPU); the index is the same."),
    quiet: bool = Quiet,
    shingle_size: int | None = IShingleSize,
    num_perm: int | None = INumPerm,
    seed: int | None = ISeed,
    passage_words: int | None = IPassageWords,
    passage_threshold: float | None = IPassageThreshold,
    template_min_docs: int | None = ITemplateMinDocs,
    input_format: InputFormat | None = InputFormatOpt,
    encoding: str = EncodingOpt,
    id_field: str = IdField,
    text_field: str = TextField,
    title_field: str = TitleField,
    url_field: str = UrlField,
    source_field: str = SourceField,
    date_field: str = DateField,
    include: list[str] | None = Include,
    exclude: list[str] | None = Exclude,
) -> None:
    """Add articles to an index (created when missing). Same id and text: no-op; changed text: replaced."""
    from ..index import Index

    asked = _given(shingle_size=shingle_size, num_perm=num_perm, seed=seed, passage_words=passage_words,
                   passage_threshold=passage_threshold, template_min_docs=template_min_docs)
    if not paths and not rebuild:
        raise InputError(f"give the articles to add: dedup index add PATH... --index {_shown(index)} (or --rebuild alone to re-derive the index).")
    options = _read_options(input_format, encoding, id_field, text_field, title_field, url_field, source_field, date_field, include, exclude)
    docs = []
    if paths:
        progress, stop = _progress_bar(quiet)
        try:
            docs = _load(paths, options, progress)[0]
        finally:
            stop()
    existed = Index.exists(index)
    with (Index.open(index) if rebuild and existed else Index.open(index, settings=asked, create=True)) as idx:
        if rebuild and existed:
            progress, stop = _progress_bar(quiet)
            try:
                count = idx.rebuild(asked, batch_size=batch_size, progress=progress)
            finally:
                stop()
            print(f"index {idx.location}: rebuilt {counted(count, 'document')}.")
        if docs:
            result = _add_with_progress(idx, docs, quiet=quiet, batch_size=batch_size, workers=workers)
            print(f"index {idx.location}: {len(result.added)} added, {len(result.replaced)} replaced, "
                  f"{len(result.unchanged)} unchanged, {len(result.skipped)} skipped; {counted(len(idx), 'document')}.")


@index_app.command("remove")
def index_remove(
    ids: list[str] = typer.Argument(..., help="Ids of the documents to remove (as `dedup index stats`/check reports show them)."),
    index: str = IndexFile,
) -> None:
    """Remove documents from an index by id (ids not in the index are warned about)."""
    from ..index import Index

    with Index.open(index) as idx:
        removed = idx.remove(ids)
        for doc_id in sorted(set(ids) - set(removed)):
            _warn(f"{doc_id!r} is not in index {idx.location}; nothing to remove")
        print(f"index {idx.location}: {len(removed)} removed; {counted(len(idx), 'document')}.")


class StatsFormat(str, Enum):
    text = "text"
    json = "json"


@index_app.command("stats")
def index_stats(
    index: str = IndexFile,
    format: StatsFormat = typer.Option(StatsFormat.text, "--format", "-f", help="text or json."),
) -> None:
    """Show how many documents an index holds, its template lines and its settings."""
    from .. import report
    from ..index import Index

    with Index.open(index, readonly=True) as idx:
        stats = idx.stats()
    if format is StatsFormat.json:
        sys.stdout.write(report.dumps(report.stats_to_dict(stats)))
    else:
        report.render_stats(stats, sys.stdout)


@index_app.command("check")
def index_check(index: str = IndexFile, format: StatsFormat = typer.Option(StatsFormat.text, "--format", "-f", help="text or json.")) -> None:
    """Verify an index whole (every page, row, band key and line count): exit 0 when sound, 2 when damaged."""
    from .. import report
    from ..index import Index

    with Index.open(index, readonly=True) as idx:
        found = idx.verify()
    text = "".join(f"{problem}\n" for problem in found.problems) or f"index {found.location}: ok, {counted(found.documents, 'document')}\n"
    sys.stdout.write(report.dumps(found.as_dict()) if format is StatsFormat.json else text)
    if not found.ok:
        raise found.error()


@index_app.command("copy")
def index_copy(
    source: str = typer.Argument(..., help="The index to copy: a file, or a postgresql:// URL."),
    target: str = typer.Argument(..., help="Where to copy it (must not exist yet): a file, or a postgresql:// URL."),
    batch_size: int = typer.Option(500, "--batch-size", help="Documents per transaction."),
    quiet: bool = Quiet,
) -> None:
    """Copy an index between backends (SQLite and PostgreSQL, either way): every document as stored, same settings."""
    from ..index import Index

    with Index.open(source, readonly=True) as idx:
        progress, stop = _progress_bar(quiet)
        try:
            copied = idx.copy(target, batch_size=batch_size, progress=progress)
        finally:
            stop()
        with copied:
            print(f"index {idx.location}: {counted(len(copied), 'document')} copied to {copied.location}.")


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"
    github = "github"


class FailOn(str, Enum):
    duplicate = "duplicate"
    reprint = "reprint"
    partial = "partial"


@app.command("check")
def check_command(
    paths: list[Path] = typer.Argument(..., help="The new articles: files (.txt, .md, web pages .html), folders, corpora (JSONL, JSON, CSV/TSV, Parquet, WARC; compressed too), or - for stdin."),
    index: str = IndexFile,
    fail_on: FailOn = typer.Option(FailOn.reprint, "--fail-on", help="Weakest verdict that fails: duplicate, reprint (and duplicate), or partial (any copy)."),
    allow: list[str] | None = typer.Option(None, "--allow", help="Licensed credit (e.g. Reuters, AP, or a source name): matches whose origin carries it never fail. Repeatable."),
    add: bool = typer.Option(False, "--add", help="Add the checked articles to the index afterwards."),
    format: CheckFormat = typer.Option(CheckFormat.text, "--format", "-f", help="text, json, junit (one test case per article) or github (workflow annotations)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report here instead of stdout."),
    quiet: bool = Quiet,
    verbose: bool = Verbose,
    fail_on_skipped: bool = typer.Option(False, "--fail-on-skipped", help="An input that cannot be read or has no article text fails the check too."),
    shingle_size: int | None = IShingleSize,
    num_perm: int | None = INumPerm,
    seed: int | None = ISeed,
    passage_words: int | None = IPassageWords,
    passage_threshold: float | None = IPassageThreshold,
    template_min_docs: int | None = ITemplateMinDocs,
    min_run_words: int | None = CMinRunWords,
    sentence_match: float | None = CSentenceMatch,
    partial_min_sentences: int | None = CPartialMinSentences,
    reprint_threshold: float | None = CReprintThreshold,
    duplicate_threshold: float | None = CDuplicateThreshold,
    ignore_same_source: bool = IgnoreSameSource,
    max_days: int | None = MaxDays,
    input_format: InputFormat | None = InputFormatOpt,
    encoding: str = EncodingOpt,
    id_field: str = IdField,
    text_field: str = TextField,
    title_field: str = TitleField,
    url_field: str = UrlField,
    source_field: str = SourceField,
    date_field: str = DateField,
    include: list[str] | None = Include,
    exclude: list[str] | None = Exclude,
) -> None:
    """Check new articles against an index: exit 0 when clean, 1 when one copies indexed text, 2 on error."""
    from .. import report
    from ..check import check
    from ..index import Index

    asked = _given(shingle_size=shingle_size, num_perm=num_perm, seed=seed, passage_words=passage_words,
                   passage_threshold=passage_threshold, template_min_docs=template_min_docs,
                   min_run_words=min_run_words, sentence_match=sentence_match,
                   partial_min_sentences=partial_min_sentences,
                   reprint_threshold=reprint_threshold, duplicate_threshold=duplicate_threshold,
                   ignore_same_source=ignore_same_source or None, max_days=max_days)
    options = _read_options(input_format, encoding, id_field, text_field, title_field, url_field, source_field, date_field, include, exclude)
    with Index.open(index, settings=asked) as idx:  # first: a missing or mismatched index is the error to report
        progress, stop = _progress_bar(quiet)
        try:
            docs, locations, read_skips = _load(paths, options, progress, located=True)
        finally:
            stop()
        started = time.perf_counter()
        result = check(docs, idx, fail_on=fail_on.value, allow=allow or (), settings=asked, locations=locations,
                       on_skip=lambda s: _warn(str(s)), skipped=read_skips, fail_on_skipped=fail_on_skipped)
        if verbose:
            matches = sum(len(a.matches) for a in result.articles)
            _info(f"{counted(len(result.articles), 'article')} checked against {counted(result.indexed, 'indexed document')} "
                  f"of {idx.location} in {time.perf_counter() - started:.2f} s: {matches} match{'' if matches == 1 else 'es'}, "
                  f"{len(result.failed)} failing --fail-on {result.fail_on}")
        if format is CheckFormat.json:
            _write(report.dumps(report.check_to_dict(result)), output)
        elif format is CheckFormat.junit:
            _write(report.check_junit(result), output)
        elif format is CheckFormat.github:
            _write(report.check_github(result), output)
        else:
            _emit_text(lambda out, **kw: report.render_check(result, out, **kw), output)
        if add:
            added = _add_with_progress(idx, docs, quiet=quiet, batch_size=500, workers=0)
            print(f"index {idx.location}: {len(added.added)} added, {len(added.replaced)} replaced, "
                  f"{len(added.unchanged)} unchanged; {counted(len(idx), 'document')}.", file=sys.stderr)
    if not result.clean:
        raise typer.Exit(1)


def main() -> None:
    """Console entry point: run the app, turning dedup errors into one line and exit 2."""
    try:
        status = app(standalone_mode=False, prog_name="dedup")
    except typer.TyperException as exc:  # a usage error: one line, where typer draws a panel
        _usage_error(exc)
    except DedupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:  # a status line to a reader that went away
        _silence_stdout()
    else:
        if isinstance(status, int) and status:
            sys.exit(status)


def _usage_error(exc) -> None:
    """One line for a usage error (an unknown option, a missing argument, a bad value), exit 2;
    a command given without arguments prints its help, as ``--help`` does."""
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
        print(ctx.get_help())
        sys.exit(2)
    where = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
    print(f"error: {' '.join(exc.format_message().split())}{where}", file=sys.stderr)
    sys.exit(getattr(exc, "exit_code", 2) or 2)


if __name__ == "__main__":  # pragma: no cover
    main()
