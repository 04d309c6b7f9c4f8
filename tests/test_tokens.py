"""Tokens: normalisation, words in any script, quotation and sentence state; the fast paths against their definitions."""

import importlib

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from dedup.tokens import analyse, normalize, tokenize
from strategies import any_text as _any_text, ascii_text as _ascii_text, texts as _texts

_tokens = importlib.import_module("dedup.tokens")


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


# --- the fast paths give what the plain definitions give ---------------------------------

@hsettings(max_examples=300, deadline=None)
@given(st.one_of(_ascii_text, _any_text, st.text(alphabet="a1_ '`’.,", max_size=30)))
@example("japan's 1'2 a'_ 'quoted' o'brien's")
@example("it`s japan's")
@example("japan’s 'x'")
def test_apostrophes_join_words_as_their_definition_says(text):
    import unicodedata

    folded = unicodedata.normalize("NFKC", text).casefold()
    if not folded.isascii():
        folded = _tokens._QUOTE_CHARS.sub('"', folded).translate(_tokens._DIGITS)
    expected = _tokens._APOSTROPHE.sub(_tokens._join_apostrophe, folded)
    expected = _tokens._ABBREV.sub(_tokens._join_abbreviation, expected)
    assert normalize(text) == _tokens._THOUSANDS.sub(_tokens._join_thousands, expected)


def _analyse_by_regex(paragraphs):
    """analyse() by its definition: _MARKED_TOKEN.findall over the normalised body, then
    the quotation, paragraph and sentence state of each word, token by token."""
    body = normalize("\n".join(p.replace("\n", " ") for p in paragraphs))
    body = _tokens._QUOTE_MARK.sub(_tokens._quote_direction, body)
    words, paragraph, quoted, start = [], [], [], []
    para, inside, new_sentence = 0, False, True
    for token in _tokens._MARKED_TOKEN.findall(body):
        if token == "\n":
            para, inside, new_sentence = para + 1, False, True
        elif token in ('"', "\u201c", "\u201d"):
            inside = True if token == "\u201c" else False if token == "\u201d" else not inside
        elif token in _tokens._SENTENCE_MARKS:
            new_sentence = True
        else:
            words.append(token[: _tokens._MAX_WORD])
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
    from dedup.tokens import analyse_many

    for alone, batched in zip([analyse(b) for b in bodies], analyse_many(bodies), strict=True):
        for field in ("words", "paragraph", "quoted", "sentence_start"):
            assert getattr(alone, field).tolist() == getattr(batched, field).tolist()


@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_any_text, max_size=4), max_size=6))
def test_spans_give_the_words_and_hashes_of_analyse(bodies):
    from dedup.tokens import analyse_many, spans_many
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
