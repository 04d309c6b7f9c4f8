"""The compiled hot path (``dedup/_speedups.pyx``) against its pure-Python reference, bit for bit,
and the reference taking over, with one line of warning, where the extension is missing."""

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from strategies import any_text

from dedup import _native
from dedup import sentences as _sentences
from dedup import sign as _sign
from dedup import tokens as _tokens
from dedup import verify as _verify
from dedup.settings import Settings
from dedup.sign import body_hashes, long_body_hashes, shingles_many, sign_hashes, sign_many, span_hashes
from dedup.steps import analyse_documents, prepare_texts, verify_many
from dedup.tokens import analyse_many, normalize, paragraph_words, spans_many

ROOT = Path(__file__).resolve().parents[1]
FAST = _native.speedups
compiled = pytest.mark.skipif(FAST is None, reason="the compiled extension is not built here (or DEDUP_PURE is set)")

# what the compiled tokeniser must get right: other scripts, every quotation style, CJK and
# astral characters, words longer than the 40-character cut, empty and blank texts
HARD = ["Путин заявил, что «мы готовы».", "Er sagte: „Wir schaffen das“, und ging.", "", " ", "\n\n", "日本と中国。",
        "x" * 45 + " " + "ß" * 41, "\U00020000\U0001d400ab \U0001f600", "— Мы готовы, — сказал он. — Начнём завтра.",
        "1.5 billion. U.S. e.g. example.com!", "'single' quotes ‘here’ and \"there\"", "١٣٥٩ ٣ ok", "a_b__c", "Ǆ ǅ ǆ"]
texts = st.one_of(any_text, st.sampled_from(HARD), st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
bodies_lists = st.lists(st.lists(texts, max_size=4), max_size=6)


@contextlib.contextmanager
def reference():
    """Run the pure-Python reference path inside the block (as ``DEDUP_PURE=1`` does for a process)."""
    saved, _native.speedups = _native.speedups, None
    try:
        yield
    finally:
        _native.speedups = saved


def _same(x, y) -> None:
    """Two results equal in every array's dtype, shape and bits, and every other value."""
    if isinstance(x, np.ndarray):
        assert isinstance(y, np.ndarray) and x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()
    elif isinstance(x, (list, tuple)):
        assert type(x) is type(y) and len(x) == len(y)
        for a, b in zip(x, y):
            _same(a, b)
    elif hasattr(x, "__slots__") and not isinstance(x, (str, int, float)):
        assert type(x) is type(y)
        for field in x.__slots__:
            _same(getattr(x, field), getattr(y, field))
    else:
        assert x == y and type(x) is type(y)


@compiled
@hsettings(max_examples=300, deadline=None)
@given(bodies_lists)
@example([["Путин заявил, что «мы готовы»."], ["Er sagte: „Wir schaffen das“."], [""], ["x" * 100]])
def test_tokens_and_word_hashes_are_the_references(bodies):
    spans, words = spans_many(bodies), analyse_many(bodies)
    with reference():
        spans_ref, words_ref = spans_many(bodies), analyse_many(bodies)
    _same(spans, spans_ref)
    _same(words, words_ref)
    if len(spans.starts):
        hashes = span_hashes(spans.codes, spans.starts, spans.ends)
        with reference():
            _same(hashes, span_hashes(spans.codes, spans.starts, spans.ends))


@compiled
@hsettings(max_examples=300, deadline=None)
@given(st.lists(texts, max_size=8))
@example(["Путин «заявил»", "", "\n", "x" * 45, "日本と\U00020000 \U0001d400ab"])
def test_paragraph_words_and_ids_are_the_references(paragraphs):
    vocabulary = {"the": 0, "said": 1}  # words already seen keep their ids; new ones come after
    found = paragraph_words(paragraphs, vocabulary)
    with reference():
        vocabulary_ref = {"the": 0, "said": 1}
        expected = paragraph_words(paragraphs, vocabulary_ref)
    _same(found, expected)
    assert list(vocabulary.items()) == list(vocabulary_ref.items())


@compiled
@hsettings(max_examples=200, deadline=None)
@given(bodies_lists, st.integers(1, 7), st.sampled_from([16, 64, 128]), st.integers(1, 40),
       st.sampled_from([0.5, 0.6, 0.8]), st.integers(1, 2**16))
def test_shingles_minhashes_and_band_keys_are_the_references(bodies, shingle_size, num_perm, passage_words, threshold, seed):
    knobs = {"shingle_size": shingle_size, "num_perm": num_perm, "seed": seed, "passage_words": passage_words,
             "passage_threshold": threshold}
    hashes, starts, counts = body_hashes(bodies)
    found = sign_hashes(hashes, starts, counts, **knobs), sign_many(analyse_many(bodies), **knobs)
    shingles = shingles_many(hashes, counts, shingle_size=shingle_size)
    with reference():
        _same((hashes, starts, counts), body_hashes(bodies))
        _same(found, (sign_hashes(hashes, starts, counts, **knobs), sign_many(analyse_many(bodies), **knobs)))
        _same(shingles, shingles_many(hashes, counts, shingle_size=shingle_size))


@compiled
@hsettings(max_examples=25, deadline=None)
@given(st.integers(0, 3000), st.integers(1, 200), st.integers(0, 2**32))
def test_a_document_longer_than_a_batch_signs_as_the_reference(words, batch, seed):
    # the reference signs a document of more than _BATCH_SHINGLES shingles in parts; the compiled
    # path in one ring of rows whatever the length: the same bits either way
    rng = np.random.default_rng(seed)
    hashes = rng.integers(0, 2**63, words, dtype=np.uint64) * np.uint64(2)
    starts = rng.random(words) < 0.05
    found = sign_hashes(hashes, starts, np.array([words]))
    with reference(), pytest.MonkeyPatch.context() as mp:
        mp.setattr(_sign, "_BATCH_SHINGLES", batch)
        _same(found, sign_hashes(hashes, starts, np.array([words])))


@compiled
def test_a_long_body_hashes_as_the_reference():
    body = [" ".join(f"w{k % 97} ." if k % 13 == 0 else f"w{k % 89}" for k in range(j, j + 400)) for j in range(0, 4000, 400)]
    found = long_body_hashes(body, len(spans_many([body]).starts))
    with reference():
        _same(found, long_body_hashes(body, len(spans_many([body]).starts)))


# ASCII text dense in what the joins look at: apostrophes (and backticks), dots between
# letters, commas between digits, underscores, at the ends of the text too
ascii_texts = st.text(alphabet="ab'`.,_ 0123\nXY-", max_size=60) | st.text(alphabet=st.characters(max_codepoint=127), max_size=60)


@compiled
@hsettings(max_examples=2000, deadline=None)
@given(ascii_texts)
@example("u.s. e.g. a.b.cd .x. 1,500 1,5000 12,345,678 japan's rock'n'roll 'tis it`s _a.b. x.y.z.")
@example("a.b.c.d. a.b.c.d.e ..a.b .a.b.c a.bc. ab.c.d ,123 1,234, u.s.a")
def test_ascii_normalising_is_the_references(text):
    found = normalize(text)
    with reference():
        assert found == normalize(text)


# any script, dense in what the folds and joins look at: quotation marks and apostrophes of
# every kind, other scripts' digits, letters that are numbers, dots, commas, underscores
unicode_texts = st.text(alphabet="aя1_ .,'`´ʼ‘’‛‚′“”„‟«»「」『』〝〞〟٣۴५၃៣፩Ⅻ五²½ß\u0301", max_size=60) | texts


@compiled
@hsettings(max_examples=2000, deadline=None)
@given(unicode_texts)
@example("«Мы» т.е. С.Ш.А. don’t ١,٣٥٩ 1,٣٥٩ ٣,500 a’_ 5,00٣ x.五.y. ½,000 ²,000 ፩,000 ၃,៣၃៣ u.s’s")
def test_normalising_any_text_is_the_references(text):
    found = normalize(text)
    with reference():
        assert found == normalize(text)


@compiled
@hsettings(max_examples=2000, deadline=None)
@given(st.text(alphabet='"a \t\n([{/—–-.,;:!?)]}\u00a0\u3000я“”', max_size=40) | texts)
@example('"a" b"c "d " e "\n" (" ".')
def test_quote_directions_are_the_references(text):
    from dedup import quotes

    assert FAST.quote_directions(text) == quotes._QUOTE_MARK.sub(quotes._quote_direction, text)


@compiled
@hsettings(max_examples=500, deadline=None)
@given(st.lists(st.lists(ascii_texts, max_size=4).map(tuple) | st.lists(texts | ascii_texts, max_size=4), max_size=6),
       st.sampled_from([None, 12, 40]))
@example([("It's U.S. Policy, 1,500 Words.", "Line\nbreak"), (), ("",), ["Путин «заявил»", "A.B."]], None)
def test_bodies_hash_as_the_reference(bodies, limit):
    # ASCII bodies (tuples) are handed to the compiled scan as paragraphs, joined and normalised in C; others
    # (lists, non-ASCII) as the pieces made in Python; a small part size puts them in many parts, some cut
    with pytest.MonkeyPatch.context() as mp:
        if limit:
            mp.setattr(_tokens, "PART_CODE_POINTS", limit)
        found = body_hashes(bodies)
        with reference():
            _same(found, body_hashes(bodies))
    pieces = [b for b in bodies if type(b) is tuple and FAST.ascii_size(b) >= 0]
    with pytest.raises(ValueError):
        FAST.scan_hashes([("ascii", "не ascii")], _tokens._code_classes(), _tokens._astral_class, 40, 3)
    made = [_tokens._pieces([b], directed_quotes=False)[0] for b in pieces]
    assert all(FAST.ascii_size(b) >= len(m) for b, m in zip(pieces, made))
    _same(FAST.scan_hashes(pieces, _tokens._code_classes(), _tokens._astral_class, 40, 3),
          FAST.scan_hashes(made, _tokens._code_classes(), _tokens._astral_class, 40, 3))


repetitive = st.lists(st.integers(0, 6), max_size=120).map(lambda v: np.array(v, dtype=np.uint64))


@compiled
@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(repetitive, repetitive), max_size=5), st.integers(1, 6))
@example([(np.array([2**64 - 1] * 3, dtype=np.uint64), np.array([2**64 - 1, 0], dtype=np.uint64))], 5)
def test_the_shared_run_search_is_the_references(pairs, shingle_size):
    # few distinct values: shingles repeated more often than _MAX_REPEATS, the nearest occurrences kept
    found = _verify._shared_runs_many(pairs, shingle_size=shingle_size)
    with reference():
        _same(found, _verify._shared_runs_many(pairs, shingle_size=shingle_size))
        _same(found, [_verify._shared_runs_pair(a, b, shingle_size=shingle_size) for a, b in pairs])


# long arrays, sorted, reversed or of many values: the compiled sort's partitions and its
# insertion sort of short ranges, against numpy's
longer = st.one_of(
    st.lists(st.integers(0, 300), min_size=17, max_size=1500),
    st.lists(st.integers(0, 2**64 - 1), max_size=600),
    st.integers(0, 900).map(lambda n: list(range(n))),
    st.integers(0, 900).map(lambda n: list(range(n, 0, -1))),
    st.integers(0, 900).map(lambda n: [k % 7 for k in range(n)]),
).map(lambda v: np.array(v, dtype=np.uint64))


@compiled
@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(longer, longer), min_size=1, max_size=3), st.integers(1, 6))
def test_the_shared_run_search_of_long_texts_is_the_references(pairs, shingle_size):
    found = _verify._shared_runs_many(pairs, shingle_size=shingle_size)
    with reference():
        _same(found, _verify._shared_runs_many(pairs, shingle_size=shingle_size))
        _same(found, [_verify._shared_runs_pair(a, b, shingle_size=shingle_size) for a, b in pairs])


@compiled
@hsettings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(texts, texts), min_size=1, max_size=4), st.data())
def test_verdicts_are_the_references(pairs, data):
    base = "The central bank raised its main interest rate on Tuesday, officials in the capital said. "
    bodies = [body for a, b in pairs for body in ([base + a, a], [b, base + b])]
    ids = [f"d{k}" for k in range(len(bodies))]
    settings = Settings(shingle_size=data.draw(st.integers(2, 6)))

    def verdicts():
        docs = analyse_documents(ids, bodies, shingle_size=settings.shingle_size)
        return docs, verify_many([(docs[k], docs[k + 1]) for k in range(0, len(docs), 2)], settings)

    found = verdicts()
    with reference():
        expected = verdicts()
    _same(found[0], expected[0])
    assert found[1] == expected[1]


# texts as sentences of word ids from a few values: sentences sharing words with many others
word_sentences = st.lists(st.lists(st.integers(0, 9), min_size=1, max_size=9), max_size=6)


@compiled
@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(word_sentences, word_sentences), max_size=5))
@example([([[1, 1, 2], [2]], [[2, 1, 1, 3], [], [1]]), ([], [[4]])])
def test_the_words_sentences_share_are_the_references(pairs):
    texts = [[x for x in text if x] for pair in pairs for text in pair]
    ids = np.array([w for text in texts for x in text for w in x], dtype=np.int64)
    sentence = np.repeat(np.arange(sum(map(len, texts))), [len(x) for text in texts for x in text]).astype(np.int32)
    first_word = np.cumsum([0] + [sum(map(len, text)) for text in texts])[:-1].astype(np.int64)
    first_sentence = np.cumsum([0] + [len(text) for text in texts])[:-1].astype(np.int64)
    text_of = np.repeat(np.arange(len(texts)), [len(text) for text in texts])
    found = _sentences._shared_words(ids, sentence, first_word, first_sentence, text_of, 10)
    with reference():
        _same(list(found), list(_sentences._shared_words(ids, sentence, first_word, first_sentence, text_of, 10)))


# a sentence and the other text's sentences, of up to 300 words (several 64-word blocks of bits)
long_sentence = st.one_of(st.lists(st.integers(0, 5), max_size=12), st.lists(st.integers(0, 40), min_size=60, max_size=300))


@compiled
@hsettings(max_examples=300, deadline=None)
@given(long_sentence.filter(len), st.lists(long_sentence, min_size=1, max_size=6), st.data(), st.sampled_from([0.3, 0.55, 0.8]))
def test_the_best_edit_is_the_references(words, others, data, threshold):  # (a sentence sought has words: 6 or more)
    candidates = data.draw(st.lists(st.integers(1, len(others)), min_size=1, max_size=3, unique=True))
    sentences = [words] + others  # sentence 0; the other text's are 1 to len(others)
    sizes = np.array([len(x) for x in sentences], dtype=np.int64)
    ids = np.array([w for x in sentences for w in x], dtype=np.int64)
    table = np.array([candidates + [-1] * (3 - len(candidates))], dtype=np.int64)
    best, kept, _, _ = FAST.best_edits(ids, np.cumsum(sizes) - sizes, sizes, np.array([0]), table, np.array([1]),
                                       np.array([len(others)]), threshold, 4, 41)
    expected = _sentences._best_edit(words, candidates, lambda g: sentences[g], 1, len(others), threshold, lambda w: False)
    assert ((int(best[0]), kept[0] / len(words)) if best[0] >= 0 else None) == expected


# A text and a rewrite of it, sentence by sentence: kept, a word dropped, changed or added, a
# number put for a number, two sentences merged, new ones: what edited sentences are made of.
_WORDS = ["the", "bank", "raised", "its", "rates", "on", "monday", "officials", "said", "5", "7", "percent", "may"]
_sentence = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=16)


@st.composite
def rewritten(draw):
    a = draw(st.lists(_sentence, min_size=1, max_size=7))
    b = []
    for words in a:
        how = draw(st.sampled_from(["keep", "drop", "change", "add", "merge", "new", "cut"]))
        words = list(words)
        k = draw(st.integers(0, len(words) - 1))
        if how == "drop":
            del words[k]
        elif how == "change":
            words[k] = draw(st.sampled_from(_WORDS))
        elif how == "add":
            words.insert(k, draw(st.sampled_from(_WORDS)))
        elif how == "new":
            words = draw(_sentence)
        if how == "merge" and b:
            b[-1] = b[-1] + words
        elif how != "cut" and words:
            b.append(words)
    order = draw(st.permutations(range(len(b))))
    text = lambda sentences: " ".join(" ".join(x).capitalize() + "." for x in sentences)  # noqa: E731
    return text(a), text([b[k] for k in order])


@compiled
@hsettings(max_examples=150, deadline=None)
@given(st.lists(rewritten(), min_size=1, max_size=4), st.integers(2, 5))
def test_edited_sentences_are_the_references(pairs, shingle_size):
    # a passage both share (a run of 8 words: edited sentences are sought only then), then the text
    base = "The central bank raised its main interest rate on Tuesday, officials in the capital said. "
    bodies = [[base + text] for pair in pairs for text in pair]
    ids = [f"d{k}" for k in range(len(bodies))]
    settings = Settings(shingle_size=shingle_size)

    def verdicts():
        docs = analyse_documents(ids, bodies, shingle_size=shingle_size)
        return verify_many([(docs[k], docs[k + 1]) for k in range(0, len(docs), 2)], settings)

    found = verdicts()
    with reference():
        assert found == verdicts()


def test_prepared_texts_are_the_references(seeds):
    if FAST is None:
        pytest.skip("the compiled extension is not built here")
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))] + HARD
    found = prepare_texts(texts)
    with reference():
        expected = prepare_texts(texts)
    assert found[:2] == expected[:2]
    _same(found[2], expected[2])


# --- the reference in charge ----------------------------------------------------------------


def _run(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "NO_COLOR": "1", **env})


SCAN = "sys.argv = ['dedup', 'scan', 'seeds', '-f', 'json']\nfrom dedup.cli import main\nmain()"


def test_dedup_pure_forces_the_reference_silently():
    done = _run("import dedup._native as n, dedup; assert n.speedups is None; print('pure')", DEDUP_PURE="1")
    assert done.returncode == 0 and done.stdout == "pure\n" and done.stderr == ""


def test_a_missing_extension_warns_once_and_gives_the_same_scan():
    # an import of the extension that fails (as where no C compiler built it): one line on stderr
    missing = _run("import sys; sys.modules['dedup._speedups'] = None\n"
                   "import dedup._native as n; assert n.speedups is None\n" + SCAN)
    lines = missing.stderr.splitlines()
    assert missing.returncode in (0, 1), missing.stderr
    assert len(lines) == 1 and lines[0].startswith("warning: dedup's compiled speedups are not available"), lines
    assert "Traceback" not in missing.stderr
    default = _run("import sys\n" + SCAN, DEDUP_PURE="")
    assert default.stdout == missing.stdout and '"clusters"' in default.stdout
    if FAST is not None:
        assert default.stderr == ""


# --- verify (fast-V) ---------------------------------------------------------------------------

# word hashes of a few values, of any 64 bits, or neighbours (the table's probing), up to 2,000 words (its growth)
word_hashes = st.one_of(
    st.lists(st.sampled_from([0, 1, 2**63, 2**64 - 1, 12345]), max_size=40),
    st.lists(st.integers(0, 2**64 - 1), max_size=300),
    st.integers(0, 2000).map(lambda n: [k % 700 for k in range(n)]),
    st.integers(0, 2000).map(lambda n: [(k * 2**52 + k % 2) % 2**64 for k in range(n)]),
).map(lambda v: np.array(v, dtype=np.uint64))


@compiled
@hsettings(max_examples=300, deadline=None)
@given(word_hashes, word_hashes)
def test_word_codes_are_the_references(a, b):
    found = _verify._word_codes(a, b)
    with reference():
        _same(found, _verify._word_codes(a, b))


conflict_words = st.lists(st.sampled_from(["profit", "rose", "5", "7", "1.5", "percent", "in", "may", "x9"]), max_size=30)


@hsettings(max_examples=300, deadline=None)
@given(conflict_words, conflict_words)
@example("profit rose 5 percent in may".split(), "profit rose 7 percent in may".split())
def test_conflicts_of_word_codes_are_those_of_the_words(a, b):
    # the words as one character each (numbered by their hashes) align as the words themselves
    ha, hb = (np.array([hash(w) % 2**64 for w in x], dtype=np.uint64) for x in (a, b))
    codes = _verify._word_codes(ha, hb)
    digits = [_verify._digit_words(np.array(x, dtype=str) if x else np.zeros(0, dtype="<U1")) for x in (a, b)]
    assert _verify._conflict_spans(*codes, *digits) == _verify.number_conflict_spans(a, b)


# words with digits of any script (Arabic-Indic, superscripts: str.isdigit), letters and padding
digit_word = st.text(alphabet=st.sampled_from("ab7٣²①ⅷ9z\U0001d7ceß"), min_size=1, max_size=6)


@compiled
@hsettings(max_examples=300, deadline=None)
@given(st.lists(digit_word, max_size=30))
@example(["a", "٣", "²", "ab9"])
def test_digit_words_are_the_references(words):
    array = np.array(words, dtype=str) if words else np.zeros(0, dtype="<U1")
    found = _verify._digit_words(array)
    with reference():
        assert found == _verify._digit_words(array)


@compiled
@hsettings(max_examples=300, deadline=None)
@given(st.one_of(repetitive, longer), st.one_of(repetitive, longer), st.integers(1, 6), st.integers(1, 9))
@example(np.array([2**64 - 1] * 3, dtype=np.uint64), np.array([2**64 - 1, 0], dtype=np.uint64), 5, 8)
def test_the_hashed_shared_run_search_is_the_references(a, b, shingle_size, max_repeats):
    # values repeated more often than max_repeats: the nearest occurrences kept, as the reference keeps them
    saved, _verify._MAX_REPEATS = _verify._MAX_REPEATS, max_repeats
    try:
        found = FAST.shared_runs_hashed(a, b, shingle_size, max_repeats)
        _same(found, _verify._shared_runs_pair(a, b, shingle_size=shingle_size))
    finally:
        _verify._MAX_REPEATS = saved


# runs of a few words over short texts: overlapping, out of bounds, of equal lengths (the order's ties)
some_runs = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 12)), max_size=8)


@compiled
@hsettings(max_examples=400, deadline=None)
@given(some_runs, st.integers(0, 35), st.integers(0, 35), st.integers(0, 9))
@example([(0, 0, 5), (2, 3, 5), (1, 9, 4)], 12, 12, 3)
@example([(4, 0, 8), (3, 10, 4), (12, 9, 3)], 16, 16, 1)  # a run cut in two stretches of one length: the first kept
def test_run_selection_is_the_references(runs, n_a, n_b, least):
    runs = [(a0, b0, n) for a0, b0, n in runs if a0 + n <= n_a and b0 + n <= n_b]  # as the shingles find them
    assert FAST.select_runs(runs, n_a, n_b, least) == _verify._select([r for r in runs if r[2] >= least], n_a, n_b)


@compiled
@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.booleans(), max_size=30), st.lists(st.booleans(), max_size=30), some_runs)
def test_quoted_words_of_runs_are_the_references(qa, qb, runs):
    quoted_a, quoted_b = np.array(qa, dtype=bool), np.array(qb, dtype=bool)
    runs = [(a0, b0, n) for a0, b0, n in runs if a0 + n <= len(qa) and b0 + n <= len(qb)]
    found = _verify._quoted_words(quoted_a, quoted_b, runs)
    with reference():
        assert found == _verify._quoted_words(quoted_a, quoted_b, runs)


@compiled
@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.integers(1, 12), min_size=1, max_size=15), st.data())
@example([6, 4], None)
def test_sentence_sides_are_the_references(sizes, data):
    # sentences of a few words each, quoted words anywhere: shares of exactly a half, counted lengths
    from dedup.tokens import Words

    n = sum(sizes)
    quoted = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)) if data else [True] * 3 + [False] * 7)
    sentence = np.repeat(np.arange(len(sizes)), sizes).astype(np.int32)
    words = Words(np.array(["w"] * n), np.zeros(n, dtype=np.int32), quoted, np.zeros(n, dtype=bool), sentence)
    analysed = _verify.Analysed("a", words, np.zeros(n, dtype=np.uint64), np.zeros(0, dtype=np.uint64))
    found = _sentences.Side.of(analysed)
    with reference():
        _same(found, _sentences.Side.of(analysed))


@compiled
@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(-5, 2**20)), max_size=8))
def test_offsets_added_in_place_are_the_references(texts):
    # texts of a few words (none too), each numbered on from its offset, as _batch_texts does
    counts = np.array([n for n, _ in texts], dtype=np.int64)
    starts, offsets = np.cumsum(counts) - counts, np.array([o for _, o in texts], dtype=np.int64)
    values = np.arange(int(counts.sum()), dtype=np.int32)
    expected = values.copy()
    for start, count, offset in zip(starts.tolist(), counts.tolist(), offsets.tolist()):
        expected[start : start + count] += offset
    FAST.add_offsets(values, starts, counts, offsets)
    _same(values, expected)


@compiled
@hsettings(max_examples=300, deadline=None)
@given(word_hashes)
def test_words_numbered_in_c_are_the_references_up_to_order(values):
    # numbered in order of first occurrence, not sorted order: the same partition, an occurrence of each
    first, number = FAST.numbered(values)
    expected_first, expected = _sentences._numbered(values)
    assert len(first) == len(expected_first) and number.dtype == expected.dtype == first.dtype
    assert (values[first][number] == values).all()
    if len(values):
        renumbered = np.full(len(first), -1)
        renumbered[number] = expected
        assert (renumbered[number] == expected).all()  # one reference number for each compiled one


@compiled
@hsettings(max_examples=300, deadline=None)
@given(bodies_lists)
@example([["One. Two.", "x.y 1.5 end."], [], ["\n"], ["A.B"]])
def test_word_places_are_the_references(bodies):
    # each word's paragraph and sentence and the sentence ends (quoted flags read them) of a scan
    from dedup.tokens import _analysed, _scan

    scan = _scan(bodies, directed_quotes=True)
    found = _analysed(scan)
    with reference():
        _same(found, _analysed(scan))


@compiled
@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), max_size=60))
@example([(3, 5), (3, 4), (3, 5), (3, 4), (1, 2)])  # a tie: the lower sentence kept
def test_best_partners_are_the_references(shared):
    mine = np.array([m for m, _ in shared], dtype=np.int32)
    theirs = np.array([t for _, t in shared], dtype=np.int32)
    found = _sentences._best_partners(mine, theirs, 13)
    with reference():
        _same(list(found), list(_sentences._best_partners(mine, theirs, 13)))


@compiled
@hsettings(max_examples=200, deadline=None)
@given(st.lists(texts, max_size=8), st.integers(-3, 10), st.integers(-3, 10))
def test_copied_texts_are_the_slice_made_anew(items, start, end):
    # strings of their own, held only here: a string hypothesis drew may be held (and let go) by hypothesis itself
    originals = [(text + "x")[:-1] for text in items]
    own = [text for text in originals if len(text) > 1]  # (the empty string and one Latin-1 character are shared)
    counts = [sys.getrefcount(text) for text in own]
    found = FAST.copied_texts(originals, start, end)
    assert found == originals[max(start, 0) : max(end, 0)] and all(type(t) is str for t in found)
    # made anew (the empty string and one-character strings of Latin-1 are the interpreter's own), the originals untouched
    assert all(copy is not text for copy, text in zip(found, originals[max(start, 0) :]) if len(text) > 1)
    assert [sys.getrefcount(text) for text in own] == counts


@compiled
def test_copied_texts_keep_a_subclass_as_it_is():
    class Text(str):
        pass

    text = Text("subclassed")
    assert FAST.copied_texts(["plain", text], 0, 2)[1] is text


# keys built from a few high and low halves: equal keys, and keys equal in one half only
_halves = st.sampled_from([0, 1, 0xFFFF, 0x10000, 0xDEADBEEF, 2**32 - 1])


@compiled
@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.tuples(_halves, _halves), max_size=4), max_size=12), st.integers(2, 5), st.data())
def test_band_pairs_are_the_reference_pairs(docs_keys, max_bucket, data):
    from dedup import candidates as _candidates

    windows = np.array([len(keys) for keys in docs_keys], dtype=np.int64)
    column = np.array([(high << 32) | low for keys in docs_keys for high, low in keys], dtype=np.uint64)
    docs = np.repeat(np.arange(len(docs_keys), dtype=np.int32), windows)
    cuts = sorted(set(data.draw(st.lists(st.integers(0, len(column)), max_size=4))) | {0, len(column)})
    other = data.draw(st.integers(0, 2**64 - 1))  # a second band, to take the right row
    blocks = [np.stack([np.full(b - a, other, dtype=np.uint64), column[a:b]]) for a, b in zip(cuts, cuts[1:])]
    n = np.int64(max(len(docs_keys), 1))

    def codes(found: list[np.ndarray]) -> list[int]:
        pairs = np.concatenate([np.zeros((0, 2), dtype=np.int64), *found])
        assert pairs.dtype == np.int64 and (pairs[:, 0] < pairs[:, 1]).all()
        return sorted(set((pairs[:, 0] * n + pairs[:, 1]).tolist()))

    assert codes([FAST.band_pairs(blocks, 1, docs, max_bucket)]) == codes(_candidates._band_pairs(column, docs, max_bucket))


@compiled
@pytest.mark.parametrize("seed", [1, 2])
def test_band_pairs_of_many_windows_are_the_reference_pairs(seed):
    # enough windows (over 2,048) for them to be spread into parts by their keys' top bits
    from dedup import candidates as _candidates

    rng = np.random.default_rng(seed)
    windows = rng.integers(0, 8, 6000)
    n = int(windows.sum())
    column = rng.integers(0, 2**64, n, dtype=np.uint64)
    shared = rng.integers(0, 2**64, 300, dtype=np.uint64)
    some = rng.random(n) < 0.3
    column[some] = shared[rng.integers(0, len(shared), int(some.sum()))]  # buckets of a few to a few dozen
    column[rng.random(n) < 0.01] = shared[0] ^ np.uint64(1)  # a crowded one, its top bits another's
    docs = np.repeat(np.arange(len(windows), dtype=np.int32), windows)
    blocks = [column[None, a:b].copy() for a, b in zip([0, n // 3], [n // 3, n])]
    found = FAST.band_pairs(blocks, 0, docs, 20)
    expected = np.concatenate(_candidates._band_pairs(column, docs, 20))
    assert len(found) > 1000
    code = np.int64(len(windows))
    assert np.array_equal(np.unique(found[:, 0] * code + found[:, 1]), np.unique(expected[:, 0] * code + expected[:, 1]))


@compiled
def test_band_pairs_want_every_window_of_the_documents():
    with pytest.raises(ValueError, match="windows"):
        FAST.band_pairs([np.zeros((2, 3), dtype=np.uint64)], 0, np.zeros(4, dtype=np.int32), 5)
