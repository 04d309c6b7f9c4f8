"""The ``dedup`` command line: a thin layer over the Python API (the only typer import).

Exit codes, as linters use them: 0 done (and clean, for ``check``), 1 duplicates
found (``check``), 2 usage, input or configuration error. Errors are one line on
stderr; a traceback means a bug.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from .errors import DedupError, InputError
from .settings import Settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Find reprinted wire stories in a news corpus, name the original, show what changed.",
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Find reprinted wire stories in a news corpus, name the original, show what changed."""


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


# Settings flags, shared by every command that computes signatures or verdicts.
_D = Settings()
ShingleSize = typer.Option(_D.shingle_size, "--shingle-size", help="Words per shingle.")
NumPerm = typer.Option(_D.num_perm, "--num-perm", help="MinHash permutations.")
Seed = typer.Option(_D.seed, "--seed", help="MinHash permutation seed.")
PassageWords = typer.Option(_D.passage_words, "--passage-words", help="Words per passage window (candidates).")
PassageThreshold = typer.Option(_D.passage_threshold, "--passage-threshold", help="Passage Jaccard the LSH is tuned for.")
MinRunWords = typer.Option(_D.min_run_words, "--min-run-words", help="Shortest shared word run counted as copy.")
PartialMinWords = typer.Option(_D.partial_min_words, "--partial-min-words", help="Unquoted shared words for 'partial'.")
ReprintThreshold = typer.Option(_D.reprint_threshold, "--reprint-threshold", help="Share of one article's unquoted words shared for 'reprint'.")
DuplicateThreshold = typer.Option(_D.duplicate_threshold, "--duplicate-threshold", help="Share of both articles shared for 'duplicate'.")
TemplateMinDocs = typer.Option(_D.template_min_docs, "--template-min-docs", help="A short line in this many documents is template.")


def _progress_bar(quiet: bool):
    """Return (callback, closer) drawing a progress bar on stderr when it is a terminal."""
    if quiet or not sys.stderr.isatty():
        return None, lambda: None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=Console(file=sys.stderr), transient=True)
    bar.start()
    tasks: dict[str, int] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    return update, bar.stop


def _load(paths: List[Path]):
    from .ingest import iter_documents

    docs = list(iter_documents(paths, on_skip=lambda s: _warn(str(s))))
    if not docs:
        raise InputError("no documents found in " + ", ".join(map(str, paths)) + "; give .txt/.md files, folders of them, or JSONL with id and text.")
    return docs


def _write(text: str, output: Optional[Path]) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {output} ({exc.strerror or exc}); check the path and permissions.") from exc


@app.command()
def scan(
    paths: List[Path] = typer.Argument(..., help="Files (.txt, .md), folders, or JSONL corpora (one {id, text} per line)."),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text, json, markdown or html (one self-contained page)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report here instead of stdout."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    workers: int = typer.Option(0, "--workers", "-j", help="Processes for per-document work (0: one per CPU); the output is the same."),
    shingle_size: int = ShingleSize,
    num_perm: int = NumPerm,
    seed: int = Seed,
    passage_words: int = PassageWords,
    passage_threshold: float = PassageThreshold,
    min_run_words: int = MinRunWords,
    partial_min_words: int = PartialMinWords,
    reprint_threshold: float = ReprintThreshold,
    duplicate_threshold: float = DuplicateThreshold,
    template_min_docs: int = TemplateMinDocs,
) -> None:
    """Report clusters of reprints in a corpus, with the origin of each and every pair's verdict."""
    from . import pipeline, report

    settings = Settings(
        shingle_size=shingle_size, num_perm=num_perm, seed=seed, passage_words=passage_words,
        passage_threshold=passage_threshold, min_run_words=min_run_words, partial_min_words=partial_min_words,
        reprint_threshold=reprint_threshold, duplicate_threshold=duplicate_threshold,
        template_min_docs=template_min_docs,
    )
    docs = _load(paths)
    progress, stop = _progress_bar(quiet)
    try:
        result = pipeline.scan(docs, settings, on_skip=lambda s: _warn(str(s)), progress=progress, workers=workers)
    finally:
        stop()
    if not result.documents:
        raise InputError("no document has article text left after cleaning; nothing to compare.")
    _emit(format, output,
          json=lambda: report.dumps(report.scan_to_dict(result)),
          markdown=lambda: report.scan_markdown(result),
          html=lambda: report.scan_html(result),
          text=lambda out, **kw: report.render_scan(result, out, **kw))


def _emit(format: Format, output: Optional[Path], *, json, markdown, html, text) -> None:
    """Write a report in the chosen format to stdout or ``output``."""
    if format is Format.json:
        _write(json(), output)
    elif format is Format.markdown:
        _write(markdown(), output)
    elif format is Format.html:
        _write(html(), output)
    elif output is not None:
        import io

        buffer = io.StringIO()
        text(buffer, color=False, width=120)
        _write(buffer.getvalue(), output)
    else:
        text(sys.stdout)


@app.command()
def diff(
    a: str = typer.Argument(..., help="The reference article (e.g. the wire original): a file, or an id with --corpus."),
    b: str = typer.Argument(..., help="The article to compare with it: a file, or an id with --corpus."),
    corpus: Optional[List[Path]] = typer.Option(None, "--corpus", "-c", help="Look A and B up by id in this corpus (JSONL or folder); repeatable."),
    format: Format = typer.Option(Format.text, "--format", "-f", help="text, json, markdown or html (one self-contained page)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report here instead of stdout."),
    shingle_size: int = ShingleSize,
    num_perm: int = NumPerm,
    seed: int = Seed,
    min_run_words: int = MinRunWords,
    partial_min_words: int = PartialMinWords,
    reprint_threshold: float = ReprintThreshold,
    duplicate_threshold: float = DuplicateThreshold,
) -> None:
    """Align two articles paragraph by paragraph: what B kept, edited, added, cut or moved."""
    from . import pipeline, report
    from .ingest import iter_documents

    settings = Settings(
        shingle_size=shingle_size, num_perm=num_perm, seed=seed, min_run_words=min_run_words,
        partial_min_words=partial_min_words, reprint_threshold=reprint_threshold,
        duplicate_threshold=duplicate_threshold,
    )
    if corpus:
        wanted = {a, b}
        found = {d.doc_id: d for d in iter_documents(corpus, on_skip=lambda s: _warn(str(s))) if d.doc_id in wanted}
        missing = [x for x in (a, b) if x not in found]
        if missing:
            raise InputError(f"id {missing[0]!r} is not in {', '.join(map(str, corpus))}; check the id (dedup scan -f json lists them).")
        doc_a, doc_b = found[a], found[b]
    else:
        doc_a, doc_b = (_one_document(Path(x)) for x in (a, b))
    result = pipeline.diff(doc_a, doc_b, settings)
    _emit(format, output,
          json=lambda: report.dumps(report.diff_to_dict(result)),
          markdown=lambda: report.diff_markdown(result),
          html=lambda: report.diff_html(result),
          text=lambda out, **kw: report.render_diff(result, out, **kw))


def _one_document(path: Path):
    """Read one article file for diff; any problem with it is an error, not a skip."""
    from .ingest import iter_documents

    if path.is_dir():
        raise InputError(f"{path} is a folder; diff takes two files, or two ids with --corpus.")
    problems = []
    docs = list(iter_documents([path], on_skip=problems.append))
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
    corpus: Optional[List[Path]] = typer.Option(None, "--corpus", "-c", help="Resolve a_id/b_id in this corpus (JSONL or folder); repeatable."),
    sweep: bool = typer.Option(False, "--sweep", help="Also trace precision/recall of copy vs not over the reprint threshold."),
    plot: Optional[Path] = typer.Option(None, "--plot", help="With --sweep: draw the curve to this PNG (needs matplotlib)."),
    format: EvalFormat = typer.Option(EvalFormat.text, "--format", "-f", help="text or json."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report here instead of stdout."),
    min_run_words: int = MinRunWords,
    partial_min_words: int = PartialMinWords,
    reprint_threshold: float = ReprintThreshold,
    duplicate_threshold: float = DuplicateThreshold,
) -> None:
    """Measure the verdicts on your own labelled pairs: precision, recall, F1, confusion matrix."""
    from . import evaluate, report
    from .ingest import iter_documents

    if plot is not None and not sweep:
        raise InputError("--plot draws the --sweep curve; add --sweep.")
    settings = Settings(min_run_words=min_run_words, partial_min_words=partial_min_words,
                        reprint_threshold=reprint_threshold, duplicate_threshold=duplicate_threshold)
    if not pairs.is_file():
        raise InputError(f"{pairs}: no such file; give a JSONL file of labelled pairs.")
    docs = {d.doc_id: d for d in iter_documents(corpus, on_skip=lambda s: _warn(str(s)))} if corpus else None
    labelled = evaluate.read_pairs(pairs, corpus=docs, on_skip=lambda s: _warn(str(s)))
    result = evaluate.evaluate(labelled, settings)
    points = evaluate.sweep(result) if sweep else None
    if plot is not None:
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


def main() -> None:
    """Console entry point: run the app, turning dedup errors into one line and exit 2."""
    try:
        app()
    except DedupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
