"""Origin: the evidence of where and when a text was first published, as :func:`dedup.clean.clean` finds it.

Wire agencies credit themselves in bylines ("By Reuters"), datelines ("MOSCOW (Reuters) -"),
copyright lines and sign-offs ("Reuter"); a date stands in the furniture. :func:`agency`
names the agency a source name denotes, for the pair filters and the report.

>>> sorted(_credits("MOSCOW (Reuters) - Talks resumed.")), _find_date("Sept. 5, 2019")
(['Reuters'], '2019-09-05')
"""

from __future__ import annotations

import re
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._cleaning import Literals

_AGENCIES = {
    "reuters": "Reuters", "reuter": "Reuters", "thomson reuters": "Reuters",
    "associated press": "AP", "ap": "AP", "afp": "AFP", "agence france-presse": "AFP",
    "agence france presse": "AFP", "bloomberg": "Bloomberg", "xinhua": "Xinhua", "kyodo": "Kyodo",
    "dpa": "dpa", "tass": "TASS", "interfax": "Interfax", "efe": "EFE", "ansa": "ANSA",
    "upi": "UPI", "yonhap": "Yonhap", "pa": "PA",
}
_AGENCY = r"(Thomson Reuters|Reuters|Reuter|Associated Press|AP|AFP|Agence France[- ]Presse|Bloomberg|Xinhua|Kyodo|dpa|TASS|Interfax|EFE|ANSA|UPI|Yonhap|PA)"
_CREDIT_PATTERNS = (
    re.compile(r"^\W*[Bb]y\W+" + _AGENCY + r"\b"),                                # By Reuters, By [Reuters](#)
    re.compile(r"\(" + _AGENCY + r"\)\s*[-–—:]"),                                 # MOSCOW (Reuters) -
    re.compile(r"(?:©|\([cC]\)|[Cc]opyright)[^\n]{0,40}?\b" + _AGENCY + r"\b"),    # © Thomson Reuters 2018
    re.compile(r"^\W*" + _AGENCY + r"\W*$"),                                      # a lone sign-off: Reuter
)
_REPORTING_BY = re.compile(r"^\W*(?:[Ww]ith )?(?:additional )?[Rr]eporting by\b")
_AGENCY_NAME = re.compile(r"\b" + _AGENCY + r"\b")
# An agency's name anywhere, word boundaries or not: what every credit pattern needs,
# found three times as fast (the regex engine skips to the names' first letters only
# when the pattern does not open with a word boundary).
_AGENCY_ANYWHERE = re.compile(_AGENCY)
# The strings _AGENCY matches (tests/test_cleaning_speedups.py holds them to it): the compiled path
# finds them in one pass where _AGENCY_ANYWHERE would, and tells a lone credit by them.
_AGENCY_NAMES = (
    "Thomson Reuters", "Reuters", "Reuter", "Associated Press", "AP", "AFP", "Agence France-Presse", "Agence France Presse",
    "Bloomberg", "Xinhua", "Kyodo", "dpa", "TASS", "Interfax", "EFE", "ANSA", "UPI", "Yonhap", "PA",
)
_DATE = re.compile(
    r"\b(\d{4}-\d{2}-\d{2})\b|\b(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?)\.?\s+\d{1,2},?\s+\d{4}\b|\b\d{1,2}\s+(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?)\.?,?\s+\d{4}\b",
    re.I,
)
# Every form _DATE matches has a four-digit year: a cheap test that rules most lines out.
_YEAR = re.compile(r"\d{4}")
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


@lru_cache(maxsize=2)
def _agency_names(fast: ModuleType) -> Literals:
    """:data:`_AGENCY_NAMES` looked for by the compiled module (a table made once)."""
    return fast.Literals((_AGENCY_NAMES,))


@lru_cache(maxsize=4096)  # (a corpus has few sources, asked of for every document's credits)
def agency(name: str | None) -> str | None:
    """Return the canonical wire agency a source name denotes, or None.

    >>> agency("Thomson Reuters"), agency("The Associated Press"), agency("Daily Planet")
    ('Reuters', 'AP', None)
    """
    if not name:
        return None
    key = re.sub(r"^the\s+", "", name.strip().lower()).replace("-", " ")
    return _AGENCIES.get(key)


def _credits(paragraph: str) -> set[str]:
    found: set[str] = set()
    if _REPORTING_BY.match(paragraph):
        found.update(_AGENCIES[m.group(1).lower().replace("-", " ")] for m in _AGENCY_NAME.finditer(paragraph))
    for pattern in _CREDIT_PATTERNS:
        for match in pattern.finditer(paragraph):
            found.add(_AGENCIES[match.group(1).lower().replace("-", " ")])
    return found


@lru_cache(maxsize=1 << 12)
def _head_credits(head: str) -> frozenset[str]:
    """:func:`_credits` of a paragraph's head, remembered (the compiled path's): heads recur, 14,192
    of the real corpus's 14,592 are one sign-off ("Reuter"), and the regexes cost 0.02 s there."""
    return frozenset(_credits(head))


def _find_date(paragraph: str) -> str | None:
    match = _DATE.search(paragraph) if _YEAR.search(paragraph) else None
    if not match:
        return None
    if match.group(1):
        return match.group(1)
    found = match.group(0).lower().replace(",", " ").replace(".", " ").split()
    try:
        if found[0].isdigit():
            day, month, year = int(found[0]), _MONTHS[found[1][:3]], int(found[2])
        else:
            month, day, year = _MONTHS[found[0][:3]], int(found[1]), int(found[2])
    except (KeyError, ValueError, IndexError):
        return None
    if not (1 <= day <= 31 and 1000 <= year <= 9999):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"
