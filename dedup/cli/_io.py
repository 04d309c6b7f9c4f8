"""The command line's input and output: warnings, the progress bar, and reports written safely
to standard output or to a file."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from ..errors import InputError
from ..report._shared import counted


def _warn(message: str) -> None:
    from ..report.terminal import _plain

    print(f"warning: {_plain(message)}", file=sys.stderr)


def _info(message: str) -> None:
    """A --verbose line on stderr."""
    from ..report.terminal import _plain

    print(f"info: {_plain(message)}", file=sys.stderr)


def _say_scan(result, seconds: float) -> None:
    """--verbose: what the scan's stages did and how long each took."""
    _info(f"{counted(len(result.documents), 'document')} with article text, {len(result.skipped)} skipped, "
          f"in {seconds:.2f} s")
    stages = " · ".join(f"{stage} {t:.2f} s" for stage, t in result.timings.items() if isinstance(t, (int, float)))
    if stages:
        _info(f"stages: {stages}")
    verdicts = Counter(m.verdict for m in result.pairs)
    _info(f"{counted(result.candidates, 'candidate pair')} verified: {verdicts['duplicate']} duplicate, "
          f"{verdicts['reprint']} reprint, {verdicts['partial']} partial; {counted(len(result.clusters), 'cluster')}")
    filters = [f for f, on in (("--ignore-same-source", result.settings.ignore_same_source),
                               (f"--max-days {result.settings.max_days}", result.settings.max_days is not None)) if on]
    if filters:
        _info(f"pairs filtered by {' and '.join(filters)}")


def _progress_bar(quiet: bool):
    """Return (callback, closer) drawing a progress bar on stderr when it is a terminal."""
    if quiet or not sys.stderr.isatty():
        return None, lambda: None
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   TimeRemainingColumn(), console=Console(file=sys.stderr), transient=True)
    bar.start()
    tasks: dict[str, TaskID] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    return update, bar.stop


def _write(text: str, output: Path | None) -> None:
    """Write a report to stdout (``output`` None or ``-``) or, atomically, to a file: a temporary file
    beside it, renamed over it once whole, so a full disk never leaves a cut or empty report."""
    if output is None or str(output) == "-":
        with _stdout() as out:
            out.write(text)
            out.flush()
        return
    import os
    import tempfile

    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, _mode_for(output))  # mkstemp's file is private (0600): give the report a report's mode
        os.replace(tmp, output)
    except OSError as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        raise InputError(f"cannot write {output} ({exc.strerror or exc}); check the path, its permissions and the free space.") from exc


def _mode_for(output: Path) -> int:
    """The permissions ``output`` gets: those of the file it replaces, else what a new file gets
    under this process's umask (0644 under the usual 022)."""
    import os
    import stat

    try:
        return stat.S_IMODE(os.stat(output).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


class _stdout:
    """Standard output for a report. A reader that went away (``dedup scan x | head``) ends the
    output quietly, the command's exit status unchanged; a closed or full stdout is an error."""

    def __enter__(self):
        if sys.stdout is None:
            raise InputError("standard output is closed; write the report to a file with --output FILE.")
        return _Guarded(sys.stdout)

    def __exit__(self, kind, exc, tb) -> bool:
        if isinstance(exc, BrokenPipeError):
            _silence_stdout()
            return True
        if isinstance(exc, OSError):
            raise InputError(f"cannot write the report to standard output ({exc.strerror or exc}); "
                             "write it to a file with --output FILE.") from exc
        return False


class _Guarded:
    """Standard output that goes quiet once its reader has gone (rich would exit 1 on a broken
    pipe, the status ``check`` gives a copy); everything else is the stream's own."""

    def __init__(self, stream) -> None:
        self._stream, self._gone = stream, False

    def __getattr__(self, name):
        return getattr(self._stream, name)

    def write(self, text: str) -> int:
        if not self._gone:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._gone = True
                _silence_stdout()
        return len(text)

    def flush(self) -> None:
        if not self._gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._gone = True
                _silence_stdout()


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's flush at exit does not fail on the closed pipe again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _emit_text(text, output: Path | None) -> None:
    """A text report to stdout, or to ``output`` with lines as long as they are (no colour,
    nothing wrapped or cut, no padding at the ends of lines)."""
    if output is None:
        with _stdout() as out:
            text(out)
        return
    import io

    buffer = io.StringIO()
    text(buffer, color=False, fit=True)
    _write("".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines()), output)
