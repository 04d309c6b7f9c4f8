"""Cleaning: body versus furniture on the seeds and synthetic pages; normalisation."""

import importlib
import re

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

import stories
from dedup.clean import analyse, clean, find_template_lines, normalize, split_paragraphs, tokenize
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


@pytest.mark.parametrize(
    "a, b",
    [
        ("the U.S. military", "the US military"),
        ("“quoted” — text", '"quoted" - text'),
        ("Japan’s", "Japan's"),
        ("ＦＵＬＬ　ｗｉｄｔｈ", "full width"),
        ("1,500 people", "1500 people"),
        ("ÉCOLE", "école"),
    ],
)
def test_normalisation_folds_formatting(a, b):
    assert tokenize(a) == tokenize(b)


def test_tokens_for_any_script():
    assert tokenize("Путин заявил: «Мы готовы».") == ["путин", "заявил", "мы", "готовы"]
    assert tokenize("港口工人罢工") == ["港", "口", "工", "人", "罢", "工"]
    assert tokenize("ストライキ") == list("ストライキ")
    assert normalize("«Мы»") == '"мы"'


def test_quotes_reset_at_each_paragraph():
    w = analyse(['"An unclosed quote runs on', "a new paragraph is not quoted"])
    assert w.quoted.tolist() == [True] * 5 + [False] * 6


def test_cyrillic_guillemets_are_quotes():
    w = analyse(["Он сказал «мы готовы» вчера"])
    assert w.quoted.tolist() == [False, False, True, True, False]


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
_PIECES = ["Photo: AP", "(c) 2019", "Copyright Reuters", "ALL RIGHTS RESERVED", "Jan 5, 2019", "5 March 2020",
           "2020-01-02", "By Reuters", "MOSCOW (Reuters) -", "Subscribe now", "Read more:", "İstanbul", "©", "/ REUTERS",
           "He said \"we will win\" today.", "«Мы готовы»", "日本と", "U.S.", "1,500", "word", " ", "\n", "\n\n", ".", "\x0b", "\x1c",
           "Sign-up", "LOG IN", "Cookies", "share this", "Photograph:", "Pictured :", "(File Photo)", "(Getty Images)",
           "/ EPA", "(C) ", "Video:", "terms of use", "\u212a", "\u017f", "\t", "\x1f", "Reuters", "REUTERS", "(AP) -", "APPLE"]
_texts = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)
_ascii_text = st.text(alphabet=st.characters(max_codepoint=127), max_size=80)


_UNUSUAL = ["\ud800", "\U00020000", "\U0001d400x", "\U0001f600", "x" * 50, "a_b", "ǅ", "。", "！", "«", "”", "'s", "١٣", "\u3000"]
_any_text = st.one_of(_texts, st.text(max_size=60), st.lists(st.sampled_from(_PIECES + _UNUSUAL), max_size=30).map("".join))


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
@given(st.one_of(_ascii_text, _any_text, st.text(alphabet="a1_ '`’.,", max_size=30)))
@example("japan's 1'2 a'_ 'quoted' o'brien's")
@example("it`s japan's")
@example("japan’s 'x'")
def test_apostrophes_join_words_as_their_definition_says(text):
    import unicodedata

    folded = unicodedata.normalize("NFKC", text).casefold()
    if not folded.isascii():
        folded = _clean_module._QUOTE_CHARS.sub('"', folded).translate(_clean_module._DIGITS)
    expected = _clean_module._APOSTROPHE.sub(_clean_module._join_apostrophe, folded)
    expected = _clean_module._ABBREV.sub(_clean_module._join_abbreviation, expected)
    assert normalize(text) == _clean_module._THOUSANDS.sub(_clean_module._join_thousands, expected)


def _analyse_by_regex(paragraphs):
    """analyse() by its definition: _MARKED_TOKEN.findall over the normalised body, then
    the quotation, paragraph and sentence state of each word, token by token."""
    body = normalize("\n".join(p.replace("\n", " ") for p in paragraphs))
    body = _clean_module._QUOTE_MARK.sub(_clean_module._quote_direction, body)
    words, paragraph, quoted, start = [], [], [], []
    para, inside, new_sentence = 0, False, True
    for token in _clean_module._MARKED_TOKEN.findall(body):
        if token == "\n":
            para, inside, new_sentence = para + 1, False, True
        elif token in ('"', "\u201c", "\u201d"):
            inside = True if token == "\u201c" else False if token == "\u201d" else not inside
        elif token in _clean_module._SENTENCE_MARKS:
            new_sentence = True
        else:
            words.append(token[: _clean_module._MAX_WORD])
            paragraph.append(para)
            quoted.append(inside)
            start.append(new_sentence)
            new_sentence = False
    return words, paragraph, quoted, start


@hsettings(max_examples=300, deadline=None)
@given(st.lists(_any_text, max_size=5))
def test_analyse_finds_the_tokens_of_the_regex(paragraphs):
    w = analyse(paragraphs)
    assert (w.words.tolist(), w.paragraph.tolist(), w.quoted.tolist(), w.sentence_start.tolist()) == _analyse_by_regex(paragraphs)


@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_texts, max_size=4), max_size=6))
def test_analyse_many_equals_analyse_one_by_one(bodies):
    from dedup.clean import analyse_many

    for alone, batched in zip([analyse(b) for b in bodies], analyse_many(bodies), strict=True):
        for field in ("words", "paragraph", "quoted", "sentence_start"):
            assert getattr(alone, field).tolist() == getattr(batched, field).tolist()


@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_any_text, max_size=4), max_size=6))
def test_spans_give_the_words_and_hashes_of_analyse(bodies):
    from dedup.clean import analyse_many, spans_many
    from dedup.sign import sign_many, sign_spans, span_hashes, word_hashes

    spans = spans_many(bodies)
    analysed = analyse_many(bodies)
    assert spans.counts.tolist() == [len(w) for w in analysed]
    words = [w for a in analysed for w in a.words.tolist()]
    assert ["".join(map(chr, spans.codes[a:b])) for a, b in zip(spans.starts, spans.ends)] == words
    assert spans.sentence_start.tolist() == [s for a in analysed for s in a.sentence_start.tolist()]
    if words:
        assert span_hashes(spans.codes, spans.starts, spans.ends).tolist() == word_hashes(np.array(words)).tolist()
    for (sh, sig), (sh2, sig2) in zip(sign_spans(spans), sign_many(analysed), strict=True):
        assert sh.tolist() == sh2.tolist() and sig.minhash.tolist() == sig2.minhash.tolist()
        assert sig.windows.tolist() == sig2.windows.tolist() and sig.band_keys.tolist() == sig2.band_keys.tolist()


@hsettings(max_examples=300, deadline=None)
@given(st.one_of(_ascii_text, _texts))
def test_line_keys_without_regex_equal_the_definition(text):
    from dedup.clean import line_key, template_candidates

    definition = lambda line: " ".join(_clean_module._WORD_TOKEN.findall(line.casefold()))  # noqa: E731
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
        slow = clean(text)
    finally:
        for name, value in zip(names, original):
            setattr(_clean_module, name, value)
    assert fast == slow
