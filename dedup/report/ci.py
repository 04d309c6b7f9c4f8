"""The CI formats of a check: JUnit XML and GitHub Actions workflow commands.

Both say, per checked article, what it copies and how (:func:`_match_sentence`), and
carry no timestamps or durations, so the same check gives the same file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._shared import _check_footer, _check_status

if TYPE_CHECKING:  # pragma: no cover
    from ..check import CheckMatch, CheckResult


def _match_sentence(c: CheckMatch, article: str) -> str:
    """One line saying what an article copies and how (for JUnit and GitHub annotations)."""
    m, s = c.match, c.alignment.summary()
    where = "another new article" if c.in_batch else "indexed article"
    phrase = {"duplicate": "is a duplicate of", "reprint": "is a reprint of"}.get(c.verdict, "shares copied passages (partial) with")
    return (
        f"{article} {phrase} {where} {c.doc_id}"
        f"{' (' + c.title + ')' if c.title else ''}: jaccard {m.jaccard:.2f}; "
        f"{m.containment_a_in_b:.0%} of {article} is in {c.doc_id}, {m.containment_b_in_a:.0%} of {c.doc_id} is in {article}; "
        f"paragraphs: {s['same']} kept, {s['edited']} edited, {s['added']} added, {s['cut']} cut, {s['moved']} moved; "
        f"words +{s['words_added']} -{s['words_cut']}; origin {c.origin} ({c.origin_reason})"
        + ("; allowed by --allow" if c.allowed else "")
        + "."
    )


def check_junit(result: CheckResult) -> str:
    """Return a check as JUnit XML: one test case per checked article, a failure per copy.

    Matches that do not fail (below ``--fail-on``, or allowed) are listed in the test
    case's ``system-out``; skipped inputs are skipped test cases, or failed ones with
    ``--fail-on-skipped``. No timestamps or durations, so the file is the same for the
    same input.

    >>> from dedup import Document, Index, check
    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> index = Index.create("doctest-junit", backend="memory")
    >>> _ = index.add([Document("wire", text)])
    >>> result = check([Document("copy", text + " Officials said work starts in May.")], index)
    >>> print(check_junit(result).splitlines()[1])
    <testsuites name="dedup check" tests="1" failures="1" errors="0" skipped="0">
    >>> index.drop()
    """
    import xml.etree.ElementTree as ET

    skips_fail = result.fail_on_skipped
    failures = len(result.failed) + (len(result.skipped) if skips_fail else 0)
    counts = {"tests": str(len(result.articles) + len(result.skipped)), "failures": str(failures),
              "errors": "0", "skipped": "0" if skips_fail else str(len(result.skipped))}
    root = ET.Element("testsuites", {"name": "dedup check", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "dedup check", **counts})
    props = ET.SubElement(suite, "properties")
    for name, value in (("fail_on", result.fail_on), ("allow", ",".join(result.allow)), ("indexed", str(result.indexed))):
        ET.SubElement(props, "property", {"name": name, "value": value})
    for a in result.articles:
        attrs = {"classname": "dedup.check", "name": a.doc_id}
        if a.location:
            attrs["file"] = a.location
        case = ET.SubElement(suite, "testcase", attrs)
        failing = [c for c in a.matches if c.fails]
        if failing:
            first = failing[0]
            failure = ET.SubElement(case, "failure", {"type": first.verdict, "message": f"{first.verdict} of {first.doc_id}"})
            failure.text = "\n".join(_match_sentence(c, a.doc_id) for c in failing)
        others = [c for c in a.matches if not c.fails]
        if others:
            ET.SubElement(case, "system-out").text = "\n".join(
                f"[{_check_status(c)}] {_match_sentence(c, a.doc_id)}" for c in others
            )
    for s in result.skipped:
        case = ET.SubElement(suite, "testcase", {"classname": "dedup.check", "name": s.location})
        if skips_fail:
            ET.SubElement(case, "failure", {"type": "skipped", "message": s.reason})
        else:
            ET.SubElement(case, "skipped", {"message": s.reason})
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _gh_data(text: str) -> str:
    """Escape a GitHub workflow command's message (``%``, CR and LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    """Escape a GitHub workflow command's property value (also ``:`` and ``,``)."""
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def check_github(result: CheckResult) -> str:
    """Return a check as GitHub Actions workflow commands: annotations on the checked files.

    ``::error`` for each failing match, ``::warning`` for matches reported but not
    failing (below ``--fail-on``, or allowed), ``::warning`` for skipped inputs
    (``::error`` with ``--fail-on-skipped``), and a closing ``::notice`` with the gate's verdict.

    >>> from dedup import Document, Index, check
    >>> text = "The city council approved a new budget for the harbour on Monday after a long debate about costs."
    >>> index = Index.create("doctest-github", backend="memory")
    >>> _ = index.add([Document("wire", text)])
    >>> result = check([Document("copy", text + " Officials said work starts in May.")], index)
    >>> print(check_github(result).splitlines()[-1])
    ::notice title=dedup check::FAIL: 1 of 1 article fails --fail-on reprint (checked against 1 indexed).
    >>> index.drop()
    """
    lines = []
    for a in result.articles:
        for c in a.matches:
            level = "error" if c.fails else "warning"
            props = ([f"file={_gh_property(a.location)}"] if a.location else []) + [
                f"title={_gh_property(f'dedup check: {c.verdict} of {c.doc_id}' + (' (allowed)' if c.allowed else ''))}"
            ]
            lines.append(f"::{level} {','.join(props)}::{_gh_data(_match_sentence(c, a.doc_id))}")
    for s in result.skipped:
        level = "error" if result.fail_on_skipped else "warning"
        lines.append(f"::{level} title={_gh_property('dedup check: skipped')}::{_gh_data(f'{s.location}: {s.reason}')}")
    lines.append(f"::notice title={_gh_property('dedup check')}::{_gh_data(_check_footer(result))}")
    return "\n".join(lines) + "\n"
