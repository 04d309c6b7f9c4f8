"""A corpus of bad inputs, as a hostile or unlucky user gives them: every case the reliability
tests (``tests/test_hostile.py``) run through every command.

Each case is a file (or link, pipe, folder) written by :func:`write_cases` into a folder, with
the outcome it must have: ``"skip"`` (a one-line ``warning:`` naming it, the rest read),
``"read"`` (read as an article), ``"partly"`` (some of its records read, some skipped) or
``"error"`` (the run ends with a one-line ``error:`` and exit 2: a Parquet file without the id
column, say). Beside them, two good articles that must be in every report.

    python tests/hostile.py OUT_DIR     # write the corpus to look at
"""

from __future__ import annotations

import gzip
import json
import os
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stories  # noqa: E402

GOOD = {"good-origin.txt": stories.WIRE, "good-reprint.txt": stories.padded(3)}
ARTICLE = stories.ANTWERP_PARAGRAPHS[0] + "\n\n" + stories.ANTWERP_PARAGRAPHS[1]  # no copy of the good ones


@dataclass(frozen=True)
class Case:
    name: str  # the file's name (bytes allowed through os.fsdecode)
    outcome: str  # "skip", "read", "partly" or "error"
    write: Callable[[Path], None]
    said: str = ""  # a fragment of the warning or error


def _text(data: bytes | str) -> Callable[[Path], None]:
    return lambda p: p.write_bytes(data.encode() if isinstance(data, str) else data)


def _jsonl_lines() -> bytes:
    good = [json.dumps({"id": f"line-good-{i}", "text": ARTICLE + f" Line {i}."}).encode() for i in range(2)]
    bad = [
        b"{broken", b"[1, 2]", b"42", b"[" * 3000 + b"]" * 3000, b'{"id": "int", "text": ' + b"7" * 6000 + b"}",
        b'{"id": "nul", "text": "a\x00b"}', b'{"id": "nul-escape", "text": "a\\u0000b"}', b'{"id": "\\udcff", "text": "lone surrogate"}',
        b'{"id": {"a": 1}, "text": "object id"}', b'{"id": "null-text", "text": null}',
        b'{"id": "' + b"x" * 20000 + b'", "text": "a long id"}', b'{"id": "esc\\u001b[2J", "text": "' + ARTICLE.encode() + b'"}',
        b'{"id": "line-good-0", "text": "a repeated id"}', b"\xff\xfe\xfd not utf-8", b"   ", b"",
    ]
    return b"\n".join([good[0], *bad[:8], b"\r\n".join(bad[8:]), good[1]]) + b"\r\n"


def _random_words(rng: random.Random, n: int) -> str:
    return " ".join("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randrange(3, 10))) for _ in range(n))


def _sparse(size: int) -> Callable[[Path], None]:
    def write(p: Path) -> None:
        with open(p, "wb") as f:
            f.truncate(size)
    return write


def _link(target: str) -> Callable[[Path], None]:
    return lambda p: p.symlink_to(target)


def _fifo(p: Path) -> None:
    os.mkfifo(p)


def _loop(p: Path) -> None:
    p.symlink_to(p.name + ".other")
    p.with_name(p.name + ".other").symlink_to(p.name)


def _deep(p: Path) -> None:
    folder = p
    for i in range(60):
        folder = folder / f"d{i}"
    folder.mkdir(parents=True)
    (folder / "deep.txt").write_text(ARTICLE + " From the bottom of sixty folders.")


def _parquet(columns: dict) -> Callable[[Path], None]:
    def write(p: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table(columns), p)
    return write


def _warc_garbage(p: Path) -> None:
    p.write_bytes(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999999\r\n\r\n<html>cut")


def cases(seed: int = 1) -> list[Case]:
    """Every bad input, and a few odd-but-fine ones."""
    rng = random.Random(seed)
    noise = bytes(rng.randrange(256) for _ in range(4096))
    return [
        Case("binary.txt", "skip", _text(noise + b"\x00"), "binary"),
        Case("empty.txt", "skip", _text(b""), "empty document"),
        Case("whitespace.md", "skip", _text(" \n\t\r\n  "), "empty document"),
        Case("bom-utf8.txt", "read", _text(b"\xef\xbb\xbf" + ARTICLE.encode())),
        Case("bom-utf16.txt", "read", _text(ARTICLE.encode("utf-16"))),
        Case("utf16-no-bom.txt", "skip", _text(ARTICLE.encode("utf-16-le")), "binary"),
        Case("cr-only.txt", "read", _text(ARTICLE.replace("\n", "\r"))),
        Case("one-long-line.txt", "read", _text(" ".join(["word"] * 400_000))),
        Case("no-spaces.txt", "any", _text("x" * 3_000_000)),
        Case("latin1.txt", "skip", _text(("Caf\xe9 " + ARTICLE).encode("latin-1")), "not valid UTF-8"),
        Case("records.jsonl", "partly", _text(_jsonl_lines()), "malformed JSON"),
        Case("array.json", "partly", _text(json.dumps([{"id": "arr-good", "text": ARTICLE}]).encode()[:-1] + b', {"id": 1, "te'),
             "the rest of the array is not read"),
        Case("unbalanced.csv", "partly", _text('id,text\ncsv-good,"' + ARTICLE + '"\ncsv-bad,"never closed\n'), "no article text"),
        Case("empty.csv", "skip", _text(b""), "empty file"),
        # records of random words, which compress little: a few dozen are read before the cut
        Case("truncated.jsonl.gz", "partly", _text(gzip.compress(
            b"".join(json.dumps({"id": f"gz-{i}", "text": ARTICLE + f" {i} " + _random_words(rng, 150)}).encode()
                     + b"\n" for i in range(200)))[:30000]), "damaged gzip data"),
        Case("not-gzip.txt.gz", "skip", _text(b"\x1f\x8b" + noise), "damaged gzip data"),
        Case("bomb.txt.gz", "skip", _text(gzip.compress(b"a " * 30_000_000)), "limit"),
        Case("sparse-huge.txt", "skip", _sparse(60 * 1024 * 1024), "limit for one article"),
        Case("sparse-huge.jsonl", "skip", _sparse(60 * 1024 * 1024), "over the"),
        Case("garbage.html", "skip", _text(noise + b"\x00"), "binary"),
        Case("no-article.html", "skip", _text(b"<html><body><img src='a.png'></body></html>"), "no article text"),
        Case("garbage.warc", "skip", _warc_garbage, "WARC"),
        Case("garbage.parquet", "skip", _text(noise), "Parquet"),
        Case("named-pipe.txt", "skip", _fifo, "not a regular file"),
        Case("dangling.txt", "skip", _link("nowhere.txt"), "cannot read"),
        Case("loop.txt", "skip", _loop, "cannot read"),
        Case("deep", "read", _deep),
        Case(os.fsdecode(b"caf\xe9-name.txt"), "read", _text(ARTICLE + " Named in latin-1.")),
        Case("esc\x1b[2J-name.txt", "read", _text(ARTICLE + " Named with an escape.")),
        Case("no-columns.parquet", "error", _parquet({"uid": ["a"], "body": [ARTICLE]}), "needs columns"),
    ]


def write_cases(root: Path, chosen: list[Case] | None = None) -> list[Case]:
    """Write the good articles and the cases (all, or ``chosen``) into ``root``; return the cases written."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in GOOD.items():
        (root / name).write_text(text, encoding="utf-8")
    written = []
    for case in chosen if chosen is not None else cases():
        if case.write is _fifo and not hasattr(os, "mkfifo"):
            continue
        case.write(root / case.name)
        written.append(case)
    return written


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    print(f"{len(write_cases(out))} cases written to {out}")
