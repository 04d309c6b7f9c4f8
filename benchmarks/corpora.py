"""Load the third-party evaluation corpora as :class:`dedup.Document` records.

The corpora live outside the repository (``../shared/eval/``; see its README.md) and
must never be copied into it: the articles are the publishers' copyright. Every
loader takes the eval folder as an argument; :func:`eval_dir_or_exit` resolves the
``--eval-dir`` flag of the benchmark scripts and stops with a clear message when the
folder is missing.

- :func:`load_reuters`: Reuters-21578 (1987 wire), ``reuters21578/reut2-*.xml``, latin-1.
- :func:`load_bbc`: BBC News (2004-05), ``bbc/<topic>/<NNN>.txt``, line 1 the headline.
- :func:`load_semeval`: SemEval-2022 Task 8 pairs, ``semeval2022-task8/training_set.csv``.

Usage, for a quick look at the counts::

    .venv/bin/python benchmarks/corpora.py [--eval-dir PATH]
"""

from __future__ import annotations

import argparse
import csv
import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from dedup.ingest import Document

#: Where the corpora sit when the repository is checked out beside ``shared/``.
DEFAULT_EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"

BBC_TOPICS = ("business", "entertainment", "politics", "sport", "tech")


def die(message: str) -> None:
    """Print ``error: message`` on stderr and exit with status 2 (input error, as the dedup CLI)."""
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


def eval_dir_or_exit(path: str | Path | None, *, need: tuple[str, ...] = ()) -> Path:
    """Return the eval folder, or exit (status 2) saying what is missing and what to do.

    Args:
        path: the ``--eval-dir`` value; None means :data:`DEFAULT_EVAL_DIR`.
        need: sub-folders the caller will read (``"bbc"``, ``"reuters21578"``, ...).
    """
    root = Path(path) if path is not None else DEFAULT_EVAL_DIR
    if not root.is_dir():
        die(
            f"evaluation corpora not found at {root}. They are not part of the repository; "
            f"point --eval-dir at the folder holding reuters21578/, bbc/ and semeval2022-task8/ "
            f"(normally ../shared/eval beside the checkout)."
        )
    missing = [n for n in need if not (root / n).exists()]
    if missing:
        die(f"{root} has no {', '.join(missing)}; expected the layout described in {root / 'README.md'}.")
    return root


# --- Reuters-21578 ----------------------------------------------------------------------------

_REUTERS_BLOCK = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.S)
_NEWID = re.compile(r'\bNEWID="(\d+)"')
_MONTHS = {m: i for i, m in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1)}
_REUTERS_DATE = re.compile(r"(\d{1,2})-([A-Za-z]{3})-(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})")


def repository_state() -> str:
    """The checked-out commit (short) and whether dedup/ has changes, for report headers (read-only)."""
    import subprocess

    import dedup

    repo = Path(__file__).resolve().parents[1]
    where = Path(dedup.__file__).resolve().parent
    if where != repo / "dedup":
        return f"(dedup imported from {where}, not from this checkout)"
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "dedup"], cwd=repo, capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "an unknown commit"
    return head + (" with uncommitted changes in dedup/" if dirty else "")


def _tag(block: str, name: str) -> str:
    """Return the unescaped text of the first <name>...</name> in an SGML/XML block, or ''."""
    m = re.search(rf"<{name}\b[^>]*>(.*?)</{name}>", block, re.S)
    if not m:
        return ""
    # numeric entities such as &#3; (the SGML end-of-text mark) are control characters: drop them
    text = html.unescape(m.group(1))
    return "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32)


def parse_reuters_date(value: str) -> str | None:
    """Return a Reuters ``DATE`` field (``26-FEB-1987 15:01:01.79``) as ISO, or None.

    >>> parse_reuters_date(" 2-JUN-1987 13:10:10.20")
    '1987-06-02T13:10:10'
    >>> parse_reuters_date("garbage") is None
    True
    """
    m = _REUTERS_DATE.search(value or "")
    if not m or m.group(2).upper() not in _MONTHS:
        return None
    day, mon, year, hh, mm, ss = m.groups()
    return f"{int(year):04d}-{_MONTHS[mon.upper()]:02d}-{int(day):02d}T{int(hh):02d}:{mm}:{ss}"


def load_reuters(eval_dir: str | Path) -> list[Document]:
    """Return the Reuters-21578 stories that have a body, in file and NEWID order.

    Parsed with a regular expression over ``<REUTERS ...>`` blocks and
    :func:`html.unescape` rather than an XML parser, so the same code reads the
    XML-ised files and the original SGML (with ``&#3;`` and bare ``&lt;`` entities).
    doc_id ``reuters-<NEWID>``, text = BODY, title = TITLE, published = DATE as ISO.
    """
    folder = Path(eval_dir) / "reuters21578"
    files = sorted(folder.glob("reut2-*.xml")) or sorted(folder.glob("reut2-*.sgm"))
    if not files:
        die(f"no reut2-*.xml (or .sgm) files in {folder}.")
    docs: list[Document] = []
    for path in files:
        raw = path.read_text(encoding="latin-1")
        for attrs, block in _REUTERS_BLOCK.findall(raw):
            newid = _NEWID.search(attrs)
            body = _tag(block, "BODY").strip()
            if not newid or not body:
                continue
            docs.append(Document(
                doc_id=f"reuters-{newid.group(1)}",
                text=body,
                title=" ".join(_tag(block, "TITLE").split()) or None,
                source="Reuters",
                published=parse_reuters_date(_tag(block, "DATE")),
            ))
    return docs


# --- BBC ---------------------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    """Read a file as UTF-8, falling back to latin-1 (one BBC file has a bare 0xA3 pound sign)."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def load_bbc(eval_dir: str | Path) -> list[Document]:
    """Return the BBC News articles, by topic then file number.

    doc_id ``bbc-<topic>-<NNN>``, text = the whole file (headline on line 1), title =
    line 1, source = the topic.
    """
    folder = Path(eval_dir) / "bbc"
    docs: list[Document] = []
    for topic in BBC_TOPICS:
        for path in sorted((folder / topic).glob("*.txt")):
            text = _read_text(path).replace("\r\n", "\n")
            if not text.strip():
                continue
            title = text.strip().split("\n", 1)[0].strip()
            docs.append(Document(doc_id=f"bbc-{topic}-{path.stem}", text=text, title=title or None, source=topic))
    if not docs:
        die(f"no bbc/<topic>/*.txt files in {folder}.")
    return docs


def bbc_topic(doc: Document) -> str:
    """Return the topic of a BBC document (from its id ``bbc-<topic>-<NNN>``)."""
    return doc.doc_id.split("-")[1]


# --- SemEval-2022 Task 8 -----------------------------------------------------------------------


@dataclass(frozen=True)
class SemEvalPair:
    """One SemEval-2022 Task 8 pair.

    Attributes:
        pair_id: ``<id1>_<id2>``.
        lang1, lang2: ISO language codes.
        text1, text2: the article texts (head and tail, about 1,000 characters).
        overall: the ``Overall`` rating, 1 (same story) to 4 (unrelated); a mean of raters.
    """

    pair_id: str
    lang1: str
    lang2: str
    text1: str
    text2: str
    overall: float


def load_semeval(eval_dir: str | Path) -> list[SemEvalPair]:
    """Return the human-annotated SemEval-2022 Task 8 training pairs.

    Rows whose ``pair_id`` contains letters are machine-translated augmentations and
    are dropped (README of the eval folder). Columns used: ``pair_id``, ``lang1``,
    ``lang2``, ``text1``, ``text2``, ``Overall``.
    """
    path = Path(eval_dir) / "semeval2022-task8" / "training_set.csv"
    if not path.is_file():
        die(f"{path} not found.")
    csv.field_size_limit(1 << 30)
    pairs = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if re.search(r"[A-Za-z]", row["pair_id"]):
                continue
            pairs.append(SemEvalPair(
                pair_id=row["pair_id"], lang1=row["lang1"], lang2=row["lang2"],
                text1=row["text1"] or "", text2=row["text2"] or "", overall=float(row["Overall"]),
            ))
    return pairs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Count the documents each evaluation loader returns.")
    parser.add_argument("--eval-dir", default=None, help=f"folder of the corpora (default {DEFAULT_EVAL_DIR})")
    args = parser.parse_args(argv)
    root = eval_dir_or_exit(args.eval_dir, need=("reuters21578", "bbc", "semeval2022-task8"))
    reuters = load_reuters(root)
    bbc = load_bbc(root)
    semeval = load_semeval(root)
    dated = sum(d.published is not None for d in reuters)
    print(f"reuters: {len(reuters)} stories with a body ({dated} with a parsed date)")
    print(f"bbc:     {len(bbc)} articles")
    print(f"semeval: {len(semeval)} human-annotated pairs")


if __name__ == "__main__":
    main()
