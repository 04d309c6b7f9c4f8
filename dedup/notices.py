"""Notices: the cookie, paywall, sign-up and bot-check notices a scraper gets instead of an article.

:func:`dedup.clean.clean` labels them ``notice`` (furniture) with :func:`mark_notices`, in
paragraphs of a scraped page or as the whole body of a short text that is such a page.
"""

from __future__ import annotations

import re
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING

from . import _native

if TYPE_CHECKING:
    from ._cleaning import Literals

# Cookie and consent banners, paywalls, sign-up and log-in forms, bot checks and IP blocks,
# in the languages news is scraped in (English, German, French, Spanish, Italian, Polish,
# Russian, Turkish). A marker is a phrase such a notice cannot do without; an article that
# mentions one (a story about cookies) holds few of them among much prose.
_NOTICE = re.compile(
    r"cookies?\b|privacy policy|politique de confidentialit|datenschutzerkl|polityk\w* prywatno|"
    r"pol[ií]tica de privacidad|informativa (?:sulla )?privacy|политик\w* конфиденциальн|gizlilik politikas|"
    r"çerez|akzeptieren und schlie|accept (?:all|and close)|zaakceptuj|j'accepte|"
    r"captcha|not a robot|kein roboter|pas un robot|no soy un robot|nie jestem robotem|не робот|robot değilim|"
    r"(?:your|ihre|votre|tu|twój|ваш) (?:ip|adres ip|ip-adresse|adresse ip|dirección ip|ip-адрес)|unusual traffic|"
    r"access (?:is )?denied|zugriff verweigert|enable javascript|javascript (?:aktivieren|is disabled)|"
    r"free trial|registered users|subscribe to (?:continue|read)|to continue reading|already a subscriber|"
    r"create an account|forgot (?:your )?password|password for your account|passwor[dt] (?:must|muss)|"
    r"first name|last name|read up to \d+ (?:free )?(?:articles|reports|stories)|trial request|"
    r"jetzt abonnieren|abonnez-vous|suscr[ií]bete|abbonati|подпишитесь",
    re.I,
)
# Literals without which no marker matches (each alternative of _NOTICE holds one): a text
# holding none of them, lower-cased, holds no notice, which spares most texts the regex.
_NOTICE_STEMS = (
    "cookie", "privacy", "confidentialit", "datenschutzerkl", "prywatno", "privacidad", "конфиденциальн", "gizlilik",
    "çerez", "akzeptieren", "accept all", "accept and close", "zaakceptuj", "j'accepte", "captcha", "robot", "робот",
    "your ip", "ihre ip", "votre ip", "tu ip", "twój ip", "ваш ip", "adres ip", "adresse ip", "dirección ip",
    "unusual traffic", "access denied", "access is denied", "verweigert", "javascript", "free trial",
    "trial request", "registered user", "subscribe", "continue reading", "create an account", "passwor",
    "first name", "last name", "read up to", "abonnieren", "abonnez", "suscr", "abbonati", "подпишитесь",
)
#: Furniture that marks a scraped page (where a notice paragraph may stand among the article's).
_SCRAPED_KINDS = frozenset({"prompt", "nav", "ad", "comment", "related", "source", "caption", "template", "notice"})
#: A paragraph with this many notice markers and no more words than ``_NOTICE_WORDS`` is a notice.
_NOTICE_MARKERS = 2
_NOTICE_WORDS = 120
_NOTICE_DENSITY = 25  # ... and a marker per 25 words at least
#: A whole text under this many words, a third of whose sentences hold a marker (or a marker
#: per ``_NOTICE_DENSITY`` words), is a notice page.
_NOTICE_PAGE_WORDS = 250
_SENTENCE_END = re.compile(r"(?<=[.!?])\s*")


def mark_notices(text: str, raw: list[str], sizes: list[int], kinds: list[str]) -> None:
    """Label as ``notice`` the body paragraphs that are cookie, paywall, sign-up or bot-check
    notices, and the whole body when the text is such a page with no article around it.

    Notice pages are short; notice paragraphs come in scraped pages, among other furniture:
    a long text with no furniture of a scraped page is not searched (nor is one that holds
    none of :data:`_NOTICE_STEMS`).

    >>> kinds = ["body"]
    >>> text = "We use cookies. Read our privacy policy. Click accept all to go on."
    >>> mark_notices(text, [text], [13], kinds)
    >>> kinds
    ['notice']
    """
    fast = _native.cleaning
    if fast is not None:  # the same tests in one pass over the kinds and one over the text, lower-cased as it goes
        scope = fast.notice_scope(text, sizes, kinds, _SCRAPED_KINDS, _NOTICE_PAGE_WORDS, _notice_stems(fast))
        if scope is None:
            return
        body, short, scraped = scope
    else:
        body = [i for i, k in enumerate(kinds) if k == "body"]
        short = sum(sizes[i] for i in body) < _NOTICE_PAGE_WORDS
        scraped = any(k in _SCRAPED_KINDS for k in kinds)
        if not body or not (short or scraped):
            return
        if not _holds_stem(text.lower()):
            return
    # the same test, paragraph by paragraph: the regex (slow: a long alternation, any case)
    # runs over the paragraphs that hold a marker's literal only
    hold = [i for i in body if _holds_stem(raw[i].lower())]
    if short:
        marked = sum(1 for i in hold for s in _SENTENCE_END.split(raw[i]) if s.strip() and _NOTICE.search(s))
        if marked >= _NOTICE_MARKERS:
            sentences = sum(1 for i in body for s in _SENTENCE_END.split(raw[i]) if s.strip())
            found = sum(len(_NOTICE.findall(raw[i])) for i in hold)
            if 3 * marked >= sentences or found * _NOTICE_DENSITY >= sum(sizes[i] for i in body):
                for i in body:
                    kinds[i] = "notice"
                return
    for i in hold if scraped else ():
        found = len(_NOTICE.findall(raw[i])) if sizes[i] <= _NOTICE_WORDS else 0
        if found >= _NOTICE_MARKERS and found * _NOTICE_DENSITY >= sizes[i]:
            kinds[i] = "notice"


def _holds_stem(low: str) -> bool:
    """Whether a text (lower-cased) holds one of :data:`_NOTICE_STEMS` (in one pass in C, where compiled)."""
    fast = _native.cleaning
    return _notice_stems(fast).found_in(low) if fast is not None else any(map(low.__contains__, _NOTICE_STEMS))


@lru_cache(maxsize=2)
def _notice_stems(fast: ModuleType) -> Literals:
    """:data:`_NOTICE_STEMS` looked for by the compiled module (a table made once)."""
    return fast.Literals((_NOTICE_STEMS,))
