"""The compiled loops of cleaning (``dedup/_cleaning.pyx``) against their pure-Python reference
in :mod:`dedup.clean`: the same strings, sets and counts, on generated text full of what is
awkward (Unicode white space and line breaks, \\r\\n, tabs, CJK, Cyrillic, astral characters,
lines of punctuation, hard-wrapped and indented prose); and ``clean()`` the same either way."""

import contextlib
import dataclasses
import gc
import importlib
import itertools
import os
import pickle
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from strategies import any_text

from dedup import _native

clean_module = importlib.import_module("dedup.clean")
notices = importlib.import_module("dedup.notices")  # the module (dedup.clean is also the function)
origin = importlib.import_module("dedup.origin")
ROOT = Path(__file__).resolve().parents[1]
FAST = _native.cleaning
compiled = pytest.mark.skipif(FAST is None, reason="the compiled extension is not built here (or DEDUP_PURE is set)")

# Every character str.split, str.strip and str.splitlines treat apart, and those the
# paragraph rules look at: blank-line characters, sentence ends, lower and upper case.
WHITE = [" ", "  ", "\t", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\xa0", "\u1680", "\u2000", "\u200a",
         "\u3000", "\u202f", "\u205f", "\u200b"]
BREAKS = ["\n", "\n\n", "\r", "\r\n", "\r\r\n", "\n\r", "\u2028", "\u2029", "\n \n", "\n\t\xa0\u3000\n", "\n\x0b\n",
          "\n\u2000\n", "\n    ", "\n\t", "\n \t"]
WORDS = ["The", "minister", "said", "on", "Monday", "that", "talks", "would", "go", "on.", "U.S.", "Reuters", "(Reuters)",
         "-", "Путин", "заявил,", "«мы", "готовы».", "日本と中国。", "東京", "ｶﾀｶﾅ", "\U00020000", "\U0001d400ab", "\U0001f600",
         "ß", "İstanbul", "Ǆ", "ǅ", "ǆ", "ΣΑΣ", "ﬁ", "ⅷ", "١٣٥٩", "²", "e.g.", "...", "—", "***", "##", "|", "»", "”", "’",
         "!", "?", "！", "？", "。", ":", ";", "said:", "'", "\"", ")", "x" * 31, "y" * 101, "Advertisement", "Sign", "up",
         "©", "2019", "Sep", "5,", "é", "ÉCOLE", "a_b", "$1,500", "50%", "ok", "\x00", "\ufeff", "\ud800"]
prose = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(WHITE), st.sampled_from(BREAKS)), max_size=80).map("".join)
# lines of 30 to 100 characters, hard-wrapped or not, indented or not: the joining rule's cases
wrapped = st.lists(
    st.tuples(st.sampled_from(["", " ", "    ", "\t", " \xa0", "\u3000"]),
              st.lists(st.sampled_from(WORDS[:14] + ["the", "and", "a"]), min_size=1, max_size=16).map(" ".join),
              st.sampled_from(["", ".", ",", ":", " ", "\t"]),
              # line breaks, blank lines (which end a block) and lines of white space that do not
              st.sampled_from(["\n", "\n", "\n", "\r\n", "\r", "\u2028", "\n\n", "\r\n\r\n", "\r\r", "\u2029",
                               "\n \n", "\n\t\n", "\n\xa0\n", "\n\u3000\n", "\n\x0b\n", "\n\u2000\n", "\n\x85\n"])),
    max_size=12,
).map(lambda lines: "".join("".join(line) for line in lines))
texts = st.one_of(prose, wrapped, any_text, st.text(max_size=80),
                  st.lists(st.sampled_from(WHITE + BREAKS + ["a", "B", ".", "日", "ж"]), max_size=40).map("".join))

AWKWARD = [
    "", " ", "\n", "\r\n\r\n", "\u2029", "\u2028\u2028", "...\n---\n***", " \t\n\xa0\n\u3000", "a\n\x0b\nb",
    "Title\n\nThe Federal Reserve entered the U.S.\nGovernment securities market to\narrange repurchases.\n    Dealers said so.",
    "By Reuters\r\n\r\nMOSCOW (Reuters) - Talks resumed on Monday, the minister said, and would\r\ngo on all week.",
    "Путин заявил, что «мы готовы» к переговорам с Японией по мирному договору,\nсообщил Кремль в понедельник.",
    "日本と中国の首脳は月曜日に会談した。\n\n両国は協力を確認した。",
    "Line one of thirty characters or more here\nline two goes on in lower case\n\tIndented para starts.",
    "\ufeffBOM first\u2028then\u2029next\x85NEL\x1cFS\x1dGS\x1eRS\x1fUS\x0bVT\x0cFF",
    "Advertisement\n\nAdvertisement\n\nA repeated caption line\nA repeated caption line",
    "x" * 101 + "\n" + "y" * 40 + "\n" + "z",
    "We use cookies. Read our privacy policy. Click accept all to go on.",
    "Menu\n\nHome\n\nSubscribe to continue reading. Already a subscriber? Log in. Create an account with your first name.",
    "Подпишитесь на рассылку. Политика конфиденциальности. Я не робот.",
    "Çerez politikası ve gizlilik politikası. Robot değilim.",
]


@contextlib.contextmanager
def reference():
    """Run the pure-Python reference path inside the block (as ``DEDUP_PURE=1`` does for a process)."""
    saved, _native.cleaning = _native.cleaning, None
    clean_module._short_kind.cache_clear()  # kinds found by the compiled path are not the reference's
    try:
        yield
    finally:
        _native.cleaning = saved
        clean_module._short_kind.cache_clear()


def _same(found, expected) -> None:
    """Equal, of the same types, element by element (a str equal to another is the same code points)."""
    assert type(found) is type(expected) and found == expected
    if isinstance(found, list):
        for a, b in zip(found, expected):
            assert type(a) is type(b)


@compiled
@hsettings(max_examples=500, deadline=None)
@given(texts)
@example("a\n\n\nb")
@example("a\n \n\u2029b\r\rc\r\n\r\nd")
@example("The central bank raised its main rate.\nthe markets went up on the news\n  Indented.")
@example("A line of thirty characters, no end\nA line of thirty characters, no end")
@example("A line of thirty characters, no end\n\u3000\nand a second line")
@example("A line of thirty characters, no end\u2029and a second line")
@example("x" * 29 + "\nnext line")  # the bounds of the joining rule: 30 characters, 100
@example("x" * 30 + "\nnext line")
@example("x" * 100 + "\nnext line")
@example("x" * 101 + "\nnext line")
# one-byte text: lines copied whole when single-spaced, or word by word (tabs, runs of spaces,
# Latin-1's other spaces); lines found by memchr where no \r is in the text, else one by one
@example("Caf\xe9 au lait, said he.\nA  b\tc\xa0d\x85e\x1cf\x0bg\x0ch\n\n  Indented line here.\nlast")
@example("Caf\xe9 one two.\r\nA  b\tc\r\rnext\rend  ")
def test_split_paragraphs_is_the_reference(text):
    found = clean_module.split_paragraphs(text)
    with reference():
        _same(found, clean_module.split_paragraphs(text))


@compiled
@hsettings(max_examples=500, deadline=None)
@given(texts, st.integers(0, 25))
@example("one two three\nfour five six seven", 3)
@example("Ärger über\nzwei drei", 2)
@example("a\x1fb c\td\n...\n\u2028x", 2)
def test_template_candidates_are_the_reference(text, template_max_words):
    found = clean_module.template_candidates(text, template_max_words=template_max_words)
    with reference():
        _same(found, clean_module.template_candidates(text, template_max_words=template_max_words))


@compiled
@hsettings(max_examples=300, deadline=None)
@given(st.lists(texts, max_size=6), st.integers(0, 25))
@example(["Home\nNews\nHome", "", "Ärger über\nHome"], 3)
def test_joined_template_keys_are_the_reference(texts_, template_max_words):
    def keyed(found):  # the keys as the starts cut them out of the string (each text's in any order), and each one's hash
        hashes, joined, starts = found
        assert hashes.dtype == np.dtype(np.int64) and starts.dtype == np.dtype(np.int64) and len(starts) == len(hashes) + 1
        assert starts[-1] == (len(joined) + 1 if len(hashes) else 0)
        keys = [joined[a : b - 1] for a, b in zip(starts[:-1].tolist(), starts[1:].tolist())]
        hash_of: dict[str, int] = {}
        for h, key in zip(hashes.tolist(), keys):
            assert hash_of.setdefault(key, h) == h  # a key's hash, whichever text holds it
        assert len(set(hash_of.values())) == len(hash_of)  # (64 bits: no two of a test's few keys alike)
        return sorted(keys)

    found = clean_module.joined_template_keys(texts_, template_max_words=template_max_words)
    expected = [k for t in texts_ for k in clean_module.template_candidates(t, template_max_words=template_max_words)]
    assert keyed(found) == sorted(expected)
    with reference():
        assert keyed(clean_module.joined_template_keys(texts_, template_max_words=template_max_words)) == keyed(found)


@compiled
@hsettings(max_examples=300, deadline=None)
@given(texts)
def test_paragraph_keys_and_sizes_are_the_reference(text):
    # what clean() gives them: split paragraphs, and the sentences of one long paragraph
    with reference():
        paragraphs = clean_module.split_paragraphs(text)
    paragraphs += [s for p in paragraphs for s in clean_module._sentences(p)]
    keys, sizes = clean_module._paragraph_keys(paragraphs), clean_module._sizes(paragraphs)
    with reference():
        _same(keys, clean_module._paragraph_keys(paragraphs))
        _same(sizes, clean_module._sizes(paragraphs))


@compiled
@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(texts, st.sampled_from(WORDS)).map(lambda t: t.replace("\n", " ")), max_size=8))
@example(["", " ", "a  b", " a", "日本", "\U00020000 x", "ж\u3000ж", "\t", "A.B-C"])
def test_keys_and_sizes_of_any_strings_are_the_reference(paragraphs):
    # beyond what split_paragraphs makes: leading, trailing and repeated white space, empty strings
    keys, sizes = clean_module._paragraph_keys(paragraphs), clean_module._sizes(paragraphs)
    with reference():
        _same(keys, clean_module._paragraph_keys(paragraphs))
        _same(sizes, clean_module._sizes(paragraphs))


latin = st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=60)


@compiled
@hsettings(max_examples=500, deadline=None)
@given(st.one_of(latin, texts, st.sampled_from(notices._NOTICE_STEMS)), st.data())
@example("cookie", None)
@example("", None)
def test_literals_are_found_as_by_in(text, data):
    # literals cut from the text (found), others (mostly not), of one character, empty, not latin-1
    cut = st.tuples(st.integers(0, len(text)), st.integers(0, 8)).map(lambda ij: text[ij[0]:ij[0] + ij[1]])
    others = st.one_of(st.sampled_from(notices._NOTICE_STEMS), latin.map(lambda t: t[:6]), st.text(max_size=3))
    for literals in [notices._NOTICE_STEMS] + ([] if data is None else [tuple(data.draw(st.lists(st.one_of(cut, others), max_size=6)))]):
        assert FAST.Literals((literals,)).found_in(text) == any(map(text.__contains__, literals)), literals
        low = text.lower()
        assert notices._notice_stems(FAST).found_in(low) == any(map(low.__contains__, notices._NOTICE_STEMS))


@compiled
@hsettings(max_examples=300, deadline=None)
@given(st.one_of(latin, texts), st.lists(st.lists(st.one_of(st.text(max_size=3), latin.map(lambda t: t[:4])), max_size=5),
                                         min_size=1, max_size=32), st.data())
def test_literal_masks_are_any_of_each_set(text, sets, data):
    sets += [[text[i:i + 3]] for i in data.draw(st.lists(st.integers(0, len(text)), max_size=32 - len(sets)))]
    expected = sum(1 << k for k, strings in enumerate(sets) if any(map(text.__contains__, strings)))
    assert FAST.Literals(sets).mask(text) == expected


# a few characters of one byte and of more, mixed: strings fall within runs of the first, or hold the others
_mixed = st.text(alphabet="abé ЖК一", max_size=40)


@compiled
@hsettings(max_examples=500, deadline=None)
@given(_mixed, st.lists(st.lists(st.text(alphabet="abé ЖК一", max_size=3), max_size=4), min_size=1, max_size=6))
@example("abЖab", [["ab"], ["bЖ"], ["Ж"], ["a"], ["b"]])
def test_literals_in_texts_of_wide_characters_are_found_as_by_in(text, sets):
    expected = sum(1 << k for k, strings in enumerate(sets) if any(map(text.__contains__, strings)))
    assert FAST.Literals(sets).mask(text) == expected
    assert FAST.Literals(sets).found_in(text) == bool(expected)


# notice markers and their stems in any case (ÇEREZ, İ: a lower case of two characters), among prose
MARKERS = [*notices._NOTICE_STEMS, "COOKIES", "Privacy Policy", "ÇEREZ", "Çerez", "İp", "NOT A ROBOT", "Accept All", "Ａ",
           "We use cookies.", "Subscribe to continue reading.", "Enter your first name", "ÀÉÎ", "µß", "ÿ"]
notice_page = st.lists(st.tuples(st.lists(st.one_of(st.sampled_from(MARKERS), st.sampled_from(WORDS)), max_size=12).map(" ".join),
                                 st.sampled_from(("body", "body", "nav", "prompt", "caption", "credit", "date")),
                                 st.one_of(st.just(None), st.integers(0, 300))), min_size=1, max_size=6)


@compiled
@hsettings(max_examples=500, deadline=None)
@given(notice_page)
@example([("We use cookies. Read our privacy policy. Click accept all to go on.", "body", None)])
@example([("ÇEREZ politikası ve gizlilik.", "body", 5), ("Menu", "nav", None)])
@example([("Cookie notice here, accept all", "body", 250), ("Menu", "nav", None)])  # long, scraped
@example([("We use cookies. Read our privacy policy. Click accept all to go on.", "body", 250)])  # long: not a page
@example([("We use cookies. Read our privacy policy. Click accept all to go on.", "body", 249)])
def test_notices_are_the_reference(rows):
    raw, kinds = [r[0] for r in rows], [r[1] for r in rows]
    with reference():
        sizes = [n if n is not None else s for s, (_, _, n) in zip(clean_module._sizes(raw), rows)]
    text = "\n\n".join(raw)
    found, expected = list(kinds), list(kinds)
    notices.mark_notices(text, raw, sizes, found)
    with reference():
        notices.mark_notices(text, raw, sizes, expected)
    assert found == expected


# Paragraphs that each furniture rule matches, to be dressed in case, punctuation and neighbours.
RULE_EXAMPLES = [
    "Source: Reuters", "Original URL: x", "http://example.com/a", "<https://x.org>", "Originally published at: x", "Link :",
    "Related articles: x", "Read more >", "See also - x", "Most read | x", "Recommended:", "Also read -",
    "(c) 2019 X", "Copyright 2020", "All rights reserved.", "Derechos reservados", "Alle Rechte vorbehalten", "Tutti i diritti riservati",
    "Photo: AP", "(File Photo)", "x / REUTERS", "Video: clip", "Credits : X", "(Getty Images)", "pictured:",
    "12 comments", "Comments", "Reply", "Report abuse", "Show more replies", "Join the discussion", "5 (+3 / -1)",
    "Login to comment", "Comments are closed", "Post a comment",
    "Sign up for our newsletter", "Subscribe", "Log in", "Follow us", "Share this", "Privacy policy", "Skip to main content",
    "Advertisement", "ADS BY Google", "Sponsored content", "Book now", "Call: 555 1234", "AD", "Learn more", "Promoted",
    "By John Smith", "by [Reuters](#)", "BY ANNA", "By\tJane Doe",
    # every opening of an anchored rule (dedup.clean._RULE_OPENINGS)
    "Original article: x", "Originally published by: x", "URL:", "Source :", "More on this story:", "More from:",
    "You may also like -", "Further reading:", "Te puede interesar:", "Lesen Sie auch:", "Mehr zum Thema |", "Lire aussi >",
    "AYRICA BAKINIZ:", "ayrica bakiniz -", "Add your comment", "Leave a comment", "1 comment", "Show replies",
    "Join the conversation", "Shop now", "Call : now", "ads by x", "Advertising",
]
dressed = st.tuples(st.sampled_from(["", "* ", "## ", "> ", "-- ", "[", "\t", "1. "]), st.sampled_from(RULE_EXAMPLES),
                    st.sampled_from([str, str.upper, str.lower, str.title, str.swapcase]),
                    st.sampled_from(["", ".", " ", " ...", ":", " | more", "]", " and then some words go on here"])
                    ).map(lambda t: t[0] + t[2](t[1]) + t[3])

# pages of such furniture among prose
pages = st.lists(st.one_of(dressed, prose, dressed.map(lambda p: p + "\n" + p)), min_size=1, max_size=8).map("\n\n".join)


@hsettings(max_examples=1000, deadline=None)
@given(st.one_of(dressed, st.lists(st.sampled_from(RULE_EXAMPLES), min_size=1, max_size=3).map(" ".join),
                 st.text(alphabet=st.characters(max_codepoint=127), max_size=40)))
def test_a_rule_matches_only_a_paragraph_holding_one_of_its_literals(paragraph):
    # the compiled path tries a rule only where its literals are (dedup.clean._RULE_LITERALS)
    assert set(clean_module._RULE_LITERALS) == {kind for kind, _ in clean_module._RULES}
    if not paragraph.isascii():
        return
    low = paragraph.lower()
    for kind, pattern in clean_module._RULES:
        if pattern.search(paragraph):
            assert any(map(low.__contains__, clean_module._RULE_LITERALS[kind])), (kind, paragraph)
            # ... and an anchored rule (^\W*...) only one whose first word character opens one of its openings
            openings = clean_module._RULE_OPENINGS.get(kind, ("",))
            assert low.lstrip(NOT_WORD).startswith(openings), (kind, paragraph)


NOT_WORD = "".join(c for c in map(chr, range(128)) if not (c.isalnum() or c == "_"))  # ASCII \W


def test_the_rule_examples_match_their_rules():
    matched = {kind for p in RULE_EXAMPLES for kind, pattern in clean_module._RULES if pattern.search(p)}
    assert matched == set(clean_module._RULE_LITERALS)  # every rule is exercised


def test_the_agency_names_are_the_regexs():
    alternatives = origin._AGENCY.strip("()").split("|")
    assert set(origin._AGENCY_NAMES) == {a.replace("[- ]", c) for a in alternatives for c in "- "}


# Paragraphs of the kinds decided after the rules (credits, dates, datelines, headings, sentence ends),
# and near misses, ASCII or not.
LATER = ["Reuters", "REUTER", "- Reuters -", "(AP)", "Agence France-Presse", "Agence France Presse.", "Thomson Reuters",
         "AP", "PA", "dpa", "APPLE", "Reutersx", "_Reuters_", "Jan 5, 2019", "2019-01-05", "5 March 2020", "Sept. 12 1999",
         "١٩٩٩", "1999", "MOSCOW, March 5 -", "LONDON (Reuters) -", "NEW YORK", "U.S.", "A.B", "# Heading", "#", "said.",
         "the end.**", "ok _", "went on", "?", "»", "”", "!*", "Talks", "The", "x", "/", ":", "-", "(", "|", "»", "日本", "ж",
         "\u212a", "\u0131", "\u017f"]
later = st.one_of(st.lists(st.sampled_from(LATER), min_size=1, max_size=3),
                  st.lists(st.sampled_from(LATER + RULE_EXAMPLES), min_size=1, max_size=10)).flatmap(
    lambda ws: st.sampled_from([" ", "", ", "]).map(lambda sep: sep.join(ws)))
# the caption and related rules' parts and near misses (the compiled path tells what they cannot match)
NEAR = ["photo", "Photos", "photographs", "PICTURED", "images", "image", "video", "videos", "credit", "Credits", "file photo",
        "illustration", "xphoto", "photo_", "_video", "photo2", "/", " / ", "/REUTERS", "/ Reuters.", "/ap", "/apx", "/ getty images",
        "/ria novosti", "/ EPA ...", "(photo)", "(Photo", "(epa)", "(File Photo)", "(getty images)", ":", " :", "\t:", "|", ">", "-",
        "more", "Read more", "Related stories", "see also", "You may also like", "most read", "2019", "x", "The", "said", "»", "*"]
near = st.lists(st.sampled_from(NEAR), min_size=1, max_size=6).flatmap(
    lambda ws: st.sampled_from([" ", "", ", "]).map(lambda sep: sep.join(ws)))
ascii_line = st.text(alphabet=st.characters(max_codepoint=127), max_size=60).map(lambda t: " ".join(t.split()))
paragraph = st.one_of(dressed, later, near, ascii_line, texts.map(lambda t: " ".join(t.split())))
UNDECIDED = "?"
PROSE = "The minister said on Monday that talks would go on."


@compiled
@hsettings(max_examples=1500, deadline=None)
@given(paragraph, st.one_of(st.sampled_from([1, 5, 6, 8, 9, 12, 13, 30, 31, 60]), st.integers(0, 60)))  # the rules' bounds
@example("Reuters", 1)
@example("Jan 5, 2019", 12)
@example(PROSE, 10)
@example("Pictured: the minister and his aides on Monday in the capital city", 11)
@example("More people than ever read the news - a poll said so on Monday", 13)
@example("The minister said on Monday that talks would go on / Reuters", 13)
@example("The minister said on Monday that talks would go on/ ap .", 13)
@example("The minister said on Monday that talks went on / apx", 13)
@example("The minister (file photo) said on Monday that talks would go", 13)
@example("Credits  : the minister said on Monday that talks would go on", 13)
@example("More from the minister who said on Monday talks would go: on", 13)
def test_a_kind_told_in_c_is_the_rules(paragraph, n):
    # what the compiled path tells without the regexes (any paragraph, any size) is what they tell
    furniture = clean_module._furniture(FAST)
    found = FAST.label([paragraph], [n], FAST.Keys(frozenset()), furniture, lambda p, n: UNDECIDED, None, 60, 60)[0]
    with reference():
        expected = clean_module._kind(paragraph, n)
    assert found in (UNDECIDED, expected), (found, expected)
    if (paragraph, n) == ("Reuters", 1):
        assert found == "credit"  # a lone credit is told without them
    if (paragraph, n) in ((PROSE, 10), ("The minister said on Monday that talks went on / apx", 13)):
        assert found == "body"  # and prose is told without them (a "/" not before an agency)



@compiled
@hsettings(max_examples=500, deadline=None)
@given(st.lists(paragraph, max_size=10), st.data())
def test_labels_are_the_reference(paragraphs, data):
    paragraphs += data.draw(st.lists(st.sampled_from(paragraphs), max_size=3)) if paragraphs else []  # repeats
    with reference():
        sizes = clean_module._sizes(paragraphs)
        keys = clean_module._paragraph_keys(paragraphs)
    # the paragraphs' keys, and those cut short or grown (the longest key says how far the compiled path keys)
    near = st.sampled_from(keys).flatmap(lambda k: st.one_of(st.integers(0, len(k)).map(lambda i: k[:i]),
                                                             st.sampled_from([" x", "x", " 1 2"]).map(k.__add__)))
    template = frozenset(data.draw(st.lists(st.one_of(st.sampled_from(keys), near), max_size=4))) if keys else frozenset()
    found = clean_module._label(paragraphs, sizes, template)
    with reference():
        _same(found, clean_module._label(paragraphs, sizes, template))


# headline-like lines and near misses: 2, 3, 30 and 31 words (CJK characters count), a sentence end before "*_ "
HEADINGS = ["Putin Rebuffs Abe", "Two words", "日本 東京", "日本東京", "ab 日", "Talks went on.", "Talks went on.**", "Talks went on _",
            "Talks went on ** _", "Is it over?", "A b c »", "*_ *", "", "   ", " ".join(["w"] * 30), " ".join(["w"] * 31),
            " ".join(["w"] * 29) + " 日", "𠀀 𠀀 x", "x　y　z", "# Heading of three"]


@compiled
@hsettings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.one_of(paragraph, st.sampled_from(HEADINGS)),
                          st.sampled_from(("body", "nav", "nav", "date", "dateline", "credit", "caption", "body")),
                          st.booleans()), max_size=10), st.integers(0, 25))
@example([("Putin Rebuffs Abe", "nav", True), ("Talks went on.", "body", True)], 0)
@example([("a b c", "nav", True), ("1 2 3 4 5 6 7 8", "date", False)], 0)  # next to no prose: the short lines are body
@example([(" ".join(["w"] * 31), "nav", True), (PROSE, "body", False)], 25)  # the bounds: 30 words, 3 (CJK characters count)
@example([(" ".join(["w"] * 30), "nav", True), (PROSE, "body", False)], 25)
@example([("Two words", "nav", True), (PROSE, "body", False)], 25)
@example([("ab 日", "nav", True), (PROSE, "body", False)], 25)
def test_the_headline_is_the_reference(rows, words):
    # sizes as clean() counts them, or any (the sums' bounds: 20 words of prose, 8 of short lines)
    raw, kinds = [r[0] for r in rows], [r[1] for r in rows]
    with reference():
        sizes = [n if real else words for n, (_, _, real) in zip(clean_module._sizes(raw), rows)]
    found_kinds, expected_kinds = list(kinds), list(kinds)
    found = clean_module._place_headline(raw, sizes, found_kinds)
    with reference():
        expected = clean_module._place_headline(raw, sizes, expected_kinds)
    assert found == expected and found_kinds == expected_kinds


@compiled
def test_joined_template_keys_of_many_lines_are_the_reference():
    # past the first room of the keys' table, bytes and slots: thousands of distinct short lines in one
    # text, each held twice, some not ASCII, beside texts that repeat some of them
    lines = [f"Section {k} of the site" for k in range(5000)] + [f"Ärger über {k}" for k in range(300)]
    texts_ = ["\n".join(lines + lines[::-1]), "\n".join(lines[:40]), "", "One long line " * 30]
    hashes, joined, starts = clean_module.joined_template_keys(texts_)
    keys = [joined[a : b - 1] for a, b in zip(starts[:-1].tolist(), starts[1:].tolist())]
    expected = [k for t in texts_ for k in clean_module.template_candidates(t)]
    assert sorted(keys) == sorted(expected) and len(keys) == 5340
    assert len(set(zip(keys, hashes.tolist()))) == len(set(keys))  # each key one hash
    with reference():
        assert sorted(keys) == sorted(k for t in texts_ for k in clean_module.template_candidates(t))


@compiled
@hsettings(max_examples=200, deadline=None)
@given(st.lists(texts, max_size=8), st.integers(1, 3))
@example(["Home\nNews", "Home\nÄrger über", "Ärger über\nHome"], 2)
def test_template_hits_count_the_keys_of_frequent_hashes(texts_, least):
    hashes, joined, starts = clean_module.joined_template_keys(texts_)
    keys = [joined[a : b - 1] for a, b in zip(starts[:-1].tolist(), starts[1:].tolist())]
    values, counts = np.unique(hashes, return_counts=True)
    often = values[counts >= least]
    expected = Counter(k for k, h in zip(keys, hashes.tolist()) if h in set(often.tolist()))
    assert FAST.template_hits(hashes, joined, starts, often) == expected


@compiled
def test_template_keys_of_any_length_are_found():
    # keys of up to 8 characters are looked up whole, longer ones first by their first 8, as far as the longest
    # (body paragraphs: of six words or more, ending a sentence; the dots have no key)
    paragraphs = [key + " . . . . . ." for key in ["Abcdefg", "Abc defg", "Abcdefgh", "Abcdefghi", "Abcd efgh i", "Abcd efgh j",
                                                   "x" * 102, "x" * 103, "A"]]
    with reference():
        sizes, keys = clean_module._sizes(paragraphs), clean_module._paragraph_keys(paragraphs)
    assert clean_module._label(paragraphs, sizes, frozenset()) == ["body"] * len(paragraphs)
    for template in [frozenset({key}) for key in keys] + [frozenset(keys), frozenset({"x" * 102, "abcd efgh"})]:
        found = clean_module._label(paragraphs, sizes, template)
        assert found.count("template") == len(template & set(keys))
        with reference():
            assert found == clean_module._label(paragraphs, sizes, template), template


@compiled
def test_template_tables_follow_the_set_asked_for():
    # the last set's table is known by identity: switching sets (and back) labels by the set given each time,
    # and an equal set unpickled anew (as a worker receives with each task) reuses the table made for it
    paragraphs = ["Talks between the two sides went on late.", "Markets in the region closed higher on Friday."]
    sizes = clean_module._sizes(paragraphs)
    first, second = (frozenset({clean_module.line_key(p)}) for p in paragraphs)
    for template, expected in [(first, ["template", "body"]), (second, ["body", "template"]), (first, ["template", "body"]),
                               (frozenset(), ["body", "body"]), (first | second, ["template", "template"])]:
        assert clean_module._label(paragraphs, sizes, template) == expected
        copy = pickle.loads(pickle.dumps(template))
        assert copy is not template and clean_module._label(paragraphs, sizes, copy) == expected
        assert clean_module._template_keys(FAST, copy) is clean_module._template_keys(FAST, template)
    # ... found by comparing the sets once, not once a document (90 us a document for 4,000 lines)
    compared = []

    class Compared(frozenset):
        __hash__ = frozenset.__hash__

        def __eq__(self, other):
            compared.append(other)
            return frozenset.__eq__(self, other)

    copy = Compared(first | second)
    for _ in range(5):
        assert clean_module._label(paragraphs, sizes, copy) == ["template", "template"]
    assert len(compared) <= 1


ends = st.one_of(paragraph, st.sampled_from(["• x", "* Point one.", "-\tdash", "*x", "▪ y", "x" * 300 + " Reuters (AP)",
                                              "By Reuters " + "y" * 400, "日本 (Reuters) - 2019-01-05"]))


@compiled
@hsettings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(ends, st.sampled_from(clean_module.KINDS + ("body",) * 6),
                          st.one_of(st.sampled_from([0, 1, 20, 40]), st.integers(0, 45))), max_size=12))  # 40: the article's end
@example([("Talks went on.", "body", 40), ("(c) Reuters 2019", "copyright", 3), ("More.", "body", 2)])
def test_the_close_is_the_reference(rows):
    raw, kinds, sizes = [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]
    found_kinds, expected_kinds = list(kinds), list(kinds)
    found = clean_module._close(raw, sizes, found_kinds)
    with reference():
        expected = clean_module._close(raw, sizes, expected_kinds)
    assert found == expected and found_kinds == expected_kinds


@compiled
@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(paragraph, st.sampled_from(clean_module.KINDS)), max_size=6))
def test_paragraphs_made_in_c_are_the_dataclass(rows):
    Paragraph = clean_module.Paragraph
    # records() stores the fields as the dataclass's __init__ does, and does nothing else
    assert clean_module._PARAGRAPH_FIELDS == tuple(f.name for f in dataclasses.fields(Paragraph))
    assert not hasattr(Paragraph, "__post_init__")
    raw, kinds = [r[0] for r in rows], [r[1] for r in rows]
    made = clean_module.paragraph_records(raw, kinds)
    assert type(made) is tuple and made == tuple(map(Paragraph, raw, kinds))
    assert all(type(p) is Paragraph for p in made) and list(map(hash, made)) == [hash(Paragraph(*r)) for r in rows]
    for p in made:
        with pytest.raises(dataclasses.FrozenInstanceError):
            p.text = "x"
    with pytest.raises(ValueError):
        FAST.records(Paragraph, clean_module._PARAGRAPH_FIELDS, raw, kinds + ["body"])
    # records of exact str fields are left to reference counting (in no cycle); any other is the collector's
    assert not any(map(gc.is_tracked, made)) and not gc.is_tracked(made)
    others = FAST.records(Paragraph, clean_module._PARAGRAPH_FIELDS, [["x"], type("S", (str,), {})("x")], ["body", "body"])
    assert all(map(gc.is_tracked, others)) and gc.is_tracked(others)



@compiled
@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(paragraph, st.text(max_size=8)), max_size=8))
def test_joined_texts_are_the_reference(texts):
    from dedup.paragraphs import joined_texts

    found = FAST.joined_texts(texts)
    with reference():
        assert joined_texts(texts) == found
    assert found[0] == "".join(texts) and list(memoryview(found[1]).cast("I")) == list(itertools.accumulate(map(len, texts)))
    with pytest.raises(TypeError):
        FAST.joined_texts(["a", b"b"])


@compiled
@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.one_of(paragraph, st.text(max_size=8)), st.sampled_from(["body", "nav", "byline"])), max_size=8))
def test_paragraph_texts_are_the_reference(rows):
    from dedup.paragraphs import Cleaned, Paragraph

    cleaned = Cleaned([Paragraph(text, kind) for text, kind in rows])
    found = cleaned.texts, cleaned.body
    with reference():
        assert (cleaned.texts, cleaned.body) == found
    assert found == (tuple(t for t, _ in rows), tuple(t for t, k in rows if k == "body"))
    with pytest.raises(ValueError):  # ends past the text, or not one a kind
        FAST.paragraph_texts("ab", (5).to_bytes(4, sys.byteorder), None, None)
    with pytest.raises(ValueError):
        FAST.paragraph_texts("ab", b"\x01\x00\x00", None, None)

@compiled
def test_records_are_made_only_into_slots_of_their_class():
    # records() writes a field to the slot its class defines for it: a class of other fields,
    # or none, is refused rather than written into at a wrong place
    @dataclasses.dataclass(frozen=True)
    class Plain:
        text: str

    @dataclasses.dataclass(frozen=True, slots=True)
    class Child(clean_module.Paragraph):
        extra: str

    for cls, fields in ((Plain, ("text",)), (Child, ("text", "kind", "extra")), (clean_module.Paragraph, ("text", "nope"))):
        with pytest.raises(ValueError, match="slot"):
            FAST.records(cls, fields, *[["x"]] * len(fields))
    with pytest.raises(ValueError, match="25 fields"):
        FAST.records(clean_module.Paragraph, ("text",) * 25, *[["x"]] * 25)
    with pytest.raises(ValueError, match="values for 2 fields"):
        FAST.record(clean_module.Paragraph, ("text", "kind"), ("x",))
    # columns of any iterable kind; a class's offsets are remembered, a refused one's not
    for _ in range(3):
        made = FAST.records(clean_module.Paragraph, ("text", "kind"), (t for t in ["a", "b"]), ("body", "byline"))
        assert made == (clean_module.Paragraph("a", "body"), clean_module.Paragraph("b", "byline"))
        assert FAST.records(clean_module.Paragraph, ("kind", "text"), ["body"], ["a"]) == (clean_module.Paragraph("a", "body"),)
        with pytest.raises(ValueError, match="slot"):
            FAST.records(Child, ("text", "kind", "extra"), ["a"], ["body"], ["x"])


def _cleaned(texts_, template_lines=frozenset()):
    return [clean_module.clean(t, template_lines=template_lines) for t in texts_]


@compiled
@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(texts, pages), min_size=1, max_size=6))
def test_clean_is_the_reference(batch):
    lines = clean_module.find_template_lines(batch * 2, template_min_docs=2)
    found = _cleaned(batch, lines)
    with reference():
        assert clean_module.find_template_lines(batch * 2, template_min_docs=2) == lines
        assert _cleaned(batch, lines) == found


@compiled
def test_seeds_and_awkward_texts_clean_as_the_reference(seeds):
    texts_ = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))] + AWKWARD
    assert len(texts_) > len(AWKWARD)  # the seeds were read
    lines = clean_module.find_template_lines(texts_ * 5)
    found = _cleaned(texts_, lines), [clean_module.template_candidates(t) for t in texts_]
    with reference():
        assert clean_module.find_template_lines(texts_ * 5) == lines
        assert (_cleaned(texts_, lines), [clean_module.template_candidates(t) for t in texts_]) == found


def test_the_cjk_table_is_the_regex():
    table = clean_module._cjk_table()
    # \u3040-\u30ff, \u3400-\u4dbf, \u4e00-\u9fff, \uf900-\ufaff (dedup.tokens._CJK)
    assert len(table) == 0x10000 and sum(table) == 0x100 - 0x40 + 0x4DC0 - 0x3400 + 0xA000 - 0x4E00 + 0xFB00 - 0xF900
    assert table[ord("日")] and not table[ord("a")] and not table[ord("。")]
    assert clean_module._is_cjk(0x20000) and not clean_module._is_cjk(0x1F600)


# --- the reference in charge ----------------------------------------------------------------


def _run(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "NO_COLOR": "1", **env})


SCAN = "sys.argv = ['dedup', 'scan', 'seeds', '-f', 'json']\nfrom dedup.cli import main\nmain()"


@pytest.mark.parametrize("missing", [["dedup._cleaning"], ["dedup._speedups", "dedup._cleaning"]])
def test_a_missing_cleaning_extension_warns_once_and_gives_the_same_scan(missing):
    block = "".join(f"sys.modules[{name!r}] = None\n" for name in missing)
    done = _run("import sys\n" + block + "import dedup._native as n; assert n.cleaning is None\n" + SCAN, DEDUP_PURE="")
    lines = done.stderr.splitlines()
    assert done.returncode in (0, 1), done.stderr
    assert len(lines) == 1 and lines[0].startswith("warning: dedup's compiled speedups are not available"), lines
    assert all(name in lines[0] for name in missing)
    default = _run("import sys\n" + SCAN, DEDUP_PURE="")
    assert default.stdout == done.stdout and '"clusters"' in default.stdout
