"""Cleaning: body versus furniture on the seeds and synthetic pages; template lines; the LSH shape."""

import copy
import importlib
import pickle
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

import stories
from dedup import _native
from dedup.clean import clean, find_template_lines, split_paragraphs
from dedup.tokens import WORD_TOKEN, tokenize
from dedup.settings import lsh_params, optimal_shape


def _kinds(text):
    return [(p.kind, p.text[:40]) for p in clean(text).paragraphs]


def test_seed_000_furniture(seeds):
    c = clean((seeds / "000_8f553da63e8cdc0a.txt").read_text())
    kinds = {p.text[:20]: p.kind for p in c.paragraphs}
    assert kinds["By [Reuters](#)"] == "byline"
    assert kinds["Related article: [Ru"] == "related"
    assert kinds["Original url:"] == "source"
    assert c.credits == ("Reuters",) and c.published == "2019-09-05"
    assert c.headline.startswith("Putin Rebuffs Call")
    assert len(c.body) == 9 and c.body[0].startswith("Russian President Vladimir Putin told")


def test_seed_001_comments_and_ads_are_not_body(seeds):
    c = clean((seeds / "001_1fb5d3839d0df120.txt").read_text())
    body = " ".join(c.body)
    assert "Fukushima" not in body  # a reader's comment
    assert "24/7 English-speaking" not in body  # an advert
    assert "Facebook" not in body
    assert len(c.body) == 5 and c.credits == ("Reuters",)


def test_seed_003_caption_credit_is_not_a_wire_credit(seeds):
    c = clean((seeds / "003_6e09906d83b566b2.txt").read_text())
    assert c.credits == ()  # "Photo: AP" credits a picture, not the text
    captions = [p.text for p in c.paragraphs if p.kind == "caption"]
    assert any("Photo: AP" in t for t in captions)
    assert not any("Photo: AP" in t for t in c.body)
    assert c.paragraphs[0].kind == "source"


def test_synthetic_page_furniture():
    c = clean(stories.exact_copy())
    assert len(c.body) == len(stories.WIRE_PARAGRAPHS)
    assert tokenize(c.body[0]) == tokenize(stories.WIRE_PARAGRAPHS[0])
    kinds = [p.kind for p in c.paragraphs if p.kind != "body"]
    assert {"headline", "byline", "date", "related", "source", "copyright", "comment", "prompt"} <= set(kinds)
    assert "mark my words" not in " ".join(c.body)  # the comment after the copyright line
    assert c.credits == ("Reuters",)


def test_dateline_credit_in_body_counts():
    assert clean(stories.WIRE).credits == ("Reuters",)
    assert clean("WASHINGTON (AP) — The Senate passed the bill late on Friday after a long debate.").credits == ("AP",)


def test_hard_wrapped_wire_copy_is_rejoined():
    text = ("The Federal Reserve entered the U.S.\nGovernment securities market to arrange 1.5 billion dlrs of\n"
            "customer repurchase agreements, a Fed spokesman said.\n    Dealers said Federal funds were trading at\n"
            "6-3/16 pct when the Fed began its temporary and indirect\nsupply of reserves to the banking system.\n Reuter\n")
    paragraphs = split_paragraphs(text)
    assert len(paragraphs) == 3
    assert paragraphs[0].endswith("a Fed spokesman said.") and paragraphs[2] == "Reuter"
    c = clean(text)
    assert c.credits == ("Reuters",) and len(c.body) == 2


def test_template_lines_recur_across_documents():
    docs = [f"Subscribe to the Morning Brief for daily updates\n\nStory number {i} says something long enough to be body text here." for i in range(6)]
    templates = find_template_lines(docs, template_min_docs=5)
    assert "subscribe to the morning brief for daily updates" in templates
    c = clean(docs[0], template_lines=templates)
    assert [p.kind for p in c.paragraphs][0] in ("template", "prompt")
    # long recurring paragraphs are syndicated copy, never template
    assert not find_template_lines([stories.WIRE] * 6, template_min_docs=5) & {" ".join(tokenize(p)) for p in stories.WIRE_PARAGRAPHS}


def test_lsh_params_match_datasketch():
    from datasketch.lsh import _optimal_param

    assert lsh_params(0.5, 128) == tuple(_optimal_param(0.5, 128, 0.25, 0.75))


def _lsh_params_at_once(threshold: float, num_perm: int) -> tuple[int, int]:
    """The definition lsh_params computes a row count at a time: every (b, r) in one array."""
    pairs = np.array([(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)], dtype=float)
    s = np.linspace(0.0, 1.0, 2001)
    curve = 1.0 - (1.0 - s[None, :] ** pairs[:, 1:2]) ** pairs[:, 0:1]
    below, above = s <= threshold, s >= threshold
    fp = np.trapezoid(np.where(below, curve, 0.0), s, axis=1)
    fn = np.trapezoid(np.where(above, 1.0 - curve, 0.0), s, axis=1)
    best = int(np.argmin(0.25 * fp + 0.75 * fn))
    return int(pairs[best, 0]), int(pairs[best, 1])


@pytest.mark.parametrize("num_perm", [16, 64, 100, 128, 256])
def test_lsh_params_are_the_all_at_once_definition(num_perm):
    for threshold in (0.1, 0.3, 0.5, 0.7, 0.9):
        assert optimal_shape(threshold, num_perm) == _lsh_params_at_once(threshold, num_perm)
        assert lsh_params(threshold, num_perm) == _lsh_params_at_once(threshold, num_perm)


def test_known_lsh_shapes_are_the_computed_ones():
    from dedup.settings import _KNOWN_SHAPES

    assert _KNOWN_SHAPES
    for (threshold, num_perm), shape in _KNOWN_SHAPES.items():
        assert optimal_shape(threshold, num_perm) == shape


# --- the fast paths give what the plain definitions give ---------------------------------

_clean_module = importlib.import_module("dedup.clean")
from strategies import any_text as _any_text, ascii_text as _ascii_text, texts as _texts  # noqa: E402


@hsettings(max_examples=300, deadline=None)
@given(_any_text)
def test_paragraphs_have_single_spaces_between_words(text):
    # clean() counts a paragraph's words by its spaces
    for paragraph in split_paragraphs(text):
        assert paragraph and paragraph == " ".join(paragraph.split())


@hsettings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\u00a0\u3000ab.", min_size=1, max_size=12))
def test_indented_lines_by_their_definition(line):
    line = line.rstrip()
    if line:
        assert _clean_module._indented(line) == bool(_clean_module._INDENTED.match(line))


@hsettings(max_examples=300, deadline=None)
@given(st.one_of(_ascii_text, _any_text))
def test_paragraph_keys_are_line_keys(text):
    from dedup.clean import line_key

    paragraphs = split_paragraphs(text)
    assert _clean_module._paragraph_keys(paragraphs) == [line_key(p) for p in paragraphs]


@hsettings(max_examples=300, deadline=None)
@given(st.one_of(_ascii_text, _texts))
def test_line_keys_without_regex_equal_the_definition(text):
    from dedup.clean import line_key, template_candidates

    definition = lambda line: " ".join(WORD_TOKEN.findall(line.casefold()))  # noqa: E731
    assert line_key(text) == definition(text)
    expected = {definition(line) for line in text.splitlines() if line and _clean_module._word_count(line) <= 3} - {""}
    assert template_candidates(text, template_max_words=3) == expected


@hsettings(max_examples=300, deadline=None)
@given(_texts)
def test_rule_prefilters_change_no_kind(text):
    fast = clean(text)
    names = ("_SHORT_RULESET", "_MEDIUM_RULESET", "_LONG_RULESET", "_YEAR", "_AGENCY_ANYWHERE")
    original = [getattr(_clean_module, name) for name in names]
    # every rule tried in full: no literal test, every line may hold a date or a credit
    slow_rules = (*_clean_module._rulesets({}), re.compile(""), re.compile(""))
    try:
        for name, value in zip(names, slow_rules):
            setattr(_clean_module, name, value)
        _clean_module._short_kind.cache_clear()  # kinds remembered from the fast rules
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(_native, "cleaning", None)  # nor the compiled path's literal test of every rule
            slow = clean(text)
    finally:
        for name, value in zip(names, original):
            setattr(_clean_module, name, value)
        _clean_module._short_kind.cache_clear()
    assert fast == slow


@hsettings(max_examples=300, deadline=None)
@given(st.data())
def test_every_notice_marker_holds_one_of_the_literals_that_let_a_text_be_searched(data):
    # the literals are a filter in front of the regex: a marker without one would never be counted
    notices = importlib.import_module("dedup.notices")
    marker = data.draw(st.from_regex(re.compile(notices._NOTICE.pattern), fullmatch=True))
    for written in (marker, marker.upper(), marker.title()):
        assert notices._holds_stem(written.lower()), written
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(_native, "cleaning", None)
            assert notices._holds_stem(written.lower()), written


def test_a_notice_among_a_scraped_articles_paragraphs_is_told_from_its_prose():
    # a scraped page (a menu line, a related link) whose article mentions cookies once: only the
    # consent banner, dense in markers, is a notice; the paragraphs without a marker stay body
    article = [
        "The bakery on the harbour front sold out of its cookies by noon on Saturday, the owner said, "
        "after a queue formed along the quay well before the doors opened at eight in the morning.",
        "Fishermen returning with the morning catch said they had never seen the quay so crowded, and the "
        "harbour master asked visitors to keep the loading bays clear for the rest of the day.",
    ]
    banner = ("We use cookies to personalise content. Read our privacy policy and click accept all to continue. "
              "Manage your cookies settings at any time.")
    article += [f"Day {n}: the council met again on the harbour plans, and members heard from shop owners, "
                f"fishermen and residents about the parking, the noise and the long queues on the quay." for n in range(8)]
    text = "\n\n".join(["Home", "Related: Harbour works delayed", article[0], banner, *article[1:]])
    kinds = {p.text: p.kind for p in clean(text).paragraphs}
    assert kinds[banner] == "notice"
    assert {kinds[p] for p in article} == {"body"}


def test_a_batch_cleaned_as_parts_is_the_cleaned_records_taken_apart():
    # a worker hands back each text's cleaned fields (joined paragraphs, their ends and kinds,
    # credits, date and headline), not records
    from dedup.clean import Cleaned, Paragraph, cleaned_records
    from dedup.steps import prepare_batch

    texts = [stories.with_furniture(stories.WIRE), stories.QUOTE_STORY_A, stories.CYRILLIC_WIRE, "", "Home\n\nNews"]
    cleaned, counts, batch = prepare_batch(texts)
    parts, part_counts, part_batch = prepare_batch(texts, parts=True)
    assert list(cleaned_records(parts)) == cleaned == [clean(t) for t in texts]
    # ... the fields of the record made from its paragraphs, which it gives back
    for c, (joined, ends, kinds, *rest) in zip(cleaned, parts):
        paragraphs = c.paragraphs
        assert all(type(p) is Paragraph for p in paragraphs) and tuple(p.kind for p in paragraphs) == kinds == c.kinds
        assert "".join(p.text for p in paragraphs) == joined and c.texts == tuple(p.text for p in paragraphs)
        assert c.body == tuple(p.text for p in paragraphs if p.kind == "body")
        again = Cleaned(paragraphs, *rest)
        assert pickle.loads(pickle.dumps(c)) == c and copy.deepcopy(c) == c
        assert again == c and hash(again) == hash(c) and again.ends == ends and again.paragraphs == paragraphs
        assert repr(again) == f"Cleaned(paragraphs={paragraphs!r}, credits={c.credits!r}, published={c.published!r}, " \
                              f"headline={c.headline!r})"
    assert Cleaned([Paragraph("a", "body")]) != Cleaned([Paragraph("a", "nav")]) != Cleaned([Paragraph("", "nav")])
    assert Cleaned([Paragraph("ab", "body"), Paragraph("", "body")]) != Cleaned([Paragraph("a", "body"), Paragraph("b", "body")])
    assert Cleaned().paragraphs == () and Cleaned().body == () and Cleaned() == Cleaned(())
    assert counts == part_counts and batch is not None and part_batch is not None
    assert (batch.band_keys == part_batch.band_keys).all() and (batch.minhashes == part_batch.minhashes).all()
    assert any(c.credits for c in cleaned) and any(c.headline for c in cleaned)
