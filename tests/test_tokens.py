"""Tokens: normalisation, words in any script, quotation and sentence state; the fast paths against their definitions."""

import importlib
import re

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from dedup.tokens import WORD_TOKEN, analyse, normalize, tokenize
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

@hsettings(max_examples=500, deadline=None)
@given(st.one_of(st.text(alphabet="aZ09_", min_size=1, max_size=50), st.from_regex(r"[A-Za-z0-9]{1,60}", fullmatch=True),
                 _ascii_text, _any_text))
@example("A" * 41)
def test_a_word_tokenises_as_the_definition_says(text):
    # one ASCII word of letters and digits is lower-cased and cut without the regexes
    assert tokenize(text) == [w[:_tokens._MAX_WORD] for w in WORD_TOKEN.findall(normalize(text))]


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
    """analyse() by its definition: _MARKED_TOKEN.findall over the normalised body with its
    quotation marks directed, then the paragraph, sentence and quotation state of each
    word, token by token (quotations nest; one opened at a sentence start while another is
    open starts anew; one left open at its paragraph's end covers at most
    MAX_UNCLOSED_WORDS words, else the rest of its sentence)."""
    body = _tokens._directed(normalize("\n".join(p.replace("\n", " ") for p in paragraphs)))
    tokens = _tokens._MARKED_TOKEN.findall(body)
    words, paragraph, quoted, start, sentence = [], [], [], [], []
    para, new_sentence, number, opened_at, depth = 0, True, 0, None, 0
    # sentence ends: a break, but a full stop followed at once by a word character
    positions = [m.start() for m in _tokens._MARKED_TOKEN.finditer(body)]
    ends = [t in _tokens._SENTENCE_MARKS + "\n" and not (t == "." and p + 1 < len(body) and re.match(r"[^\W_]", body[p + 1])
            and not _tokens.CJK_CHAR.match(body[p + 1])) for t, p in zip(tokens, positions)]

    def close_unclosed(stop):
        span = [k for k in range(len(words)) if k >= opened_at]
        if len(span) > _tokens.MAX_UNCLOSED_WORDS:  # its own sentence only
            span = [k for k in span if sentence[k] == sentence[opened_at]]
        for k in span:
            quoted[k] = True

    pending_sentence_end, last_was_end = False, False
    for t, end in zip(tokens, ends):
        if t == "\n":
            if depth:
                close_unclosed(len(words))
            para, new_sentence, depth = para + 1, True, 0
            pending_sentence_end = True
        elif t in ('"', "\u201c", "\u201d"):
            if t == "\u201c" or (t == '"' and not depth):
                if depth and last_was_end:
                    close_unclosed(len(words))
                    depth = 0
                if not depth:
                    opened_at = len(words)
                depth += 1
            elif depth:
                depth -= 1
                if not depth:
                    for k in range(opened_at, len(words)):
                        quoted[k] = True
        elif t in _tokens._SENTENCE_MARKS:
            new_sentence = True
            pending_sentence_end = pending_sentence_end or end
        else:
            if pending_sentence_end and words:
                number += 1
            pending_sentence_end = False
            words.append(t[: _tokens._MAX_WORD])
            paragraph.append(para)
            quoted.append(False)
            start.append(new_sentence)
            sentence.append(number)
            new_sentence = False
        last_was_end = end
    if depth:
        close_unclosed(len(words))
    return words, paragraph, quoted, start, sentence


@hsettings(max_examples=300, deadline=None)
@given(st.lists(_any_text, max_size=5))
def test_analyse_finds_the_tokens_of_the_regex(paragraphs):
    w = analyse(paragraphs)
    found = (w.words.tolist(), w.paragraph.tolist(), w.quoted.tolist(), w.sentence_start.tolist(), w.sentence.tolist())
    assert found == _analyse_by_regex(paragraphs)


@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_texts, max_size=4), max_size=6))
def test_analyse_many_equals_analyse_one_by_one(bodies):
    from dedup.tokens import analyse_many

    for alone, batched in zip([analyse(b) for b in bodies], analyse_many(bodies), strict=True):
        for field in ("words", "paragraph", "quoted", "sentence_start", "sentence"):
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


# --- quotations as a reader sees them ------------------------------------------------------


def _quoted_words(*paragraphs):
    w = analyse(list(paragraphs))
    return [word for word, q in zip(w.words.tolist(), w.quoted.tolist()) if q]


@pytest.mark.parametrize(("text", "quoted"), [
    ("He said “we will win” on Monday.", ["we", "will", "win"]),
    ('He said "we will win" on Monday.', ["we", "will", "win"]),
    ("He called it 'a disaster', the owners' group said.", ["a", "disaster"]),  # British single quotes
    ("«Он сказал „нет“ и ушёл», — заявил источник.", ["он", "сказал", "нет", "и", "ушёл"]),  # nested
    ("— Мы готовы, — сказал он. — Начнём завтра.", ["мы", "готовы", "начнём", "завтра"]),  # dash speech
    ("— Когда? — спросил он.", ["когда"]),
    ("Er sagte: „Wir sind bereit.“ Dann ging er.", ["wir", "sind", "bereit"]),
    ("»Wir sind bereit«, sagte er.", ["wir", "sind", "bereit"]),
    ("Il a dit « nous sommes prêts » hier.", ["nous", "sommes", "prêts"]),
    ('"He said ""yes"" and left."', ["yes"]),  # a CSV-escaped field: the wrapper is no quotation
    ("The plan — approved on Monday — goes ahead.", []),  # a dash inside a sentence is no speech
])
def test_quotations_in_every_style(text, quoted):
    assert _quoted_words(text) == quoted


def test_an_unclosed_quotation_does_not_swallow_the_text():
    narrative = " ".join(f"word{k}" for k in range(100))
    found = _quoted_words(f"He said: “We will strike. {narrative}.")
    assert found == ["we", "will", "strike"]
    # a short one runs to its paragraph's end, as news style leaves a quotation open there
    assert _quoted_words("“We will strike. Nobody stops us.", "Then he left.") == ["we", "will", "strike", "nobody", "stops", "us"]


def test_quotations_do_not_depend_on_paragraph_breaks():
    paragraphs = ["“We will win the vote and we will win the next one.",
                  "“Nobody can stop us now,” the leader told reporters.", "Later the team left the building."]
    assert _quoted_words(*paragraphs) == _quoted_words(" ".join(paragraphs))


# --- long bodies, a part at a time ---------------------------------------------------------


@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_any_text, max_size=8), min_size=1, max_size=5), st.sampled_from([8, 40, 200, 100_000]))
def test_bodies_in_parts_give_the_words_of_the_whole(bodies, limit):
    # Parts of `limit` code points (a long body cut at paragraph breaks, a long paragraph after a
    # sentence's end) give every word, paragraph, sentence and hash of the body tokenised whole;
    # only a quotation open across a cut inside a paragraph ends at the cut.
    from dedup.sign import body_hashes, long_body_hashes, span_hashes
    from dedup.tokens import analyse_parts, analyse_with_spans, joined_parts, long_word_counts

    whole, spans = analyse_with_spans(bodies)
    hashes = span_hashes(spans.codes, spans.starts, spans.ends)
    parts = joined_parts(analyse_parts(bodies, limit=limit), long_word_counts(bodies, limit=limit))
    paragraphs_fit = all(len(_tokens.normalize(p.replace("\n", " "))) < limit for b in bodies for p in b)
    for w, p in zip(whole, parts, strict=True):
        for field in ("words", "paragraph", "sentence_start", "sentence") + (("quoted",) if paragraphs_fit else ()):
            assert getattr(p, field).tolist() == getattr(w, field).tolist()
    in_parts = [(h.tolist(), s.tolist(), n.tolist()) for h, s, n in [body_hashes(bodies)]]
    assert in_parts == [(hashes.tolist(), spans.sentence_start.tolist(), spans.counts.tolist())]
    first = 0
    for body, n in zip(bodies, spans.counts.tolist()):
        h, s = long_body_hashes(body, n)
        assert h.tolist() == hashes[first : first + n].tolist() and s.tolist() == spans.sentence_start[first : first + n].tolist()
        first += n


def test_a_long_body_keeps_its_words_in_variable_width_strings():
    from dedup.tokens import analyse_many

    body = ["Officials said the talks went on. " * 40] * 1000  # 1.4 MB: longer than a part
    words = analyse_many([body])[0]
    assert len(words) == 240_000 and words.words[:3].tolist() == ["officials", "said", "the"]
    assert words.paragraph[-1] == 999 and words.sentence[-1] == 39_999
    assert words.words.dtype.kind == ("T" if _tokens._STRINGS is not None else "U")


# The single-quote rule as it reads: the character before the mark looked at first. dedup.quotes
# matches the mark first (a pattern that opens with a character set is searched for by it).
_SINGLE_QUOTED_AS_READ = re.compile("(?<![\\w'‘’])['‘]([^\\W\\d_][^'‘’\"\\n.!?]{0,300}?[\\w.,!?])['’](?![\\w'‘’])")


@hsettings(max_examples=1000, deadline=None)
@given(st.text(alphabet="ab1_ '‘’\".,!?\n—xé", max_size=60) | _texts)
@example("he called it 'a disaster', the dogs' owner said")
@example("'quoted' at the start and x'y' and ‘curly’ and ''double'' and x ''ab' y")
def test_single_quotes_are_found_as_the_rule_reads(text):
    from dedup import quotes

    mark = lambda m: quotes._OPEN + m.group(1) + quotes._CLOSE  # noqa: E731
    assert quotes._SINGLE_QUOTED.sub(mark, text) == _SINGLE_QUOTED_AS_READ.sub(mark, text)
