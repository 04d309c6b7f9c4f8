"""Align's compiled hot path (``dedup/_speedups.pyx``, section "align (fast-L)") against its pure-Python
reference in :mod:`dedup.align`, record for record: the matched blocks, and the alignments they make."""

import contextlib
import importlib

import pytest
from hypothesis import example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from strategies import any_text

from dedup import _native
from dedup.align import Alignment, align, align_many

align_module = importlib.import_module("dedup.align")  # the package's `align` is the function
FAST = _native.speedups
compiled = pytest.mark.skipif(FAST is None, reason="the compiled extension is not built here (or DEDUP_PURE is set)")


@contextlib.contextmanager
def reference():
    """Run the pure-Python reference path inside the block (as ``DEDUP_PURE=1`` does for a process)."""
    saved, _native.speedups = _native.speedups, None
    try:
        yield
    finally:
        _native.speedups = saved


# Few words, so that chance overlaps, repeated paragraphs, joins and ties are common; "U.S."
# and "us" are one token, "—" none (an empty paragraph).
WORDS = ["the", "port", "ship", "said", "grain", "U.S.", "us", "on", "Monday", "a", "—"]
short = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
# Paragraphs of more than 64 words: the bit masks of one paragraph then take several 64-bit words.
long = st.lists(st.sampled_from(WORDS[:6]), min_size=50, max_size=200).map(" ".join)
# Runs of one word: a 64-bit word of the masks all ones, the one case where a carry into it
# carries on out of it.
runs = st.lists(st.tuples(st.sampled_from(WORDS[:3]), st.integers(1, 140)), min_size=1, max_size=4).map(
    lambda runs: " ".join(" ".join([word] * n) for word, n in runs))
paragraphs = st.lists(st.one_of(short, short, short, long, runs), max_size=9)


@st.composite
def reprints(draw):
    """A story and a reprint made by desk edits: split, merge, repeat, move, reword a paragraph."""
    a = draw(paragraphs)
    b = list(a)
    for _ in range(draw(st.integers(0, 5))):
        if not b:
            break
        i = draw(st.integers(0, len(b) - 1))
        edit = draw(st.sampled_from(["split", "merge", "repeat", "move", "word"]))
        words = b[i].split()
        if edit == "split" and len(words) > 1:
            cut = draw(st.integers(1, len(words) - 1))
            b[i:i + 1] = [" ".join(words[:cut]), " ".join(words[cut:])]
        elif edit == "merge" and i + 1 < len(b):
            b[i:i + 2] = [b[i] + " " + b[i + 1]]
        elif edit == "repeat":
            b.insert(draw(st.integers(0, len(b))), b[i])
        elif edit == "move":
            b.insert(draw(st.integers(0, len(b) - 1)), b.pop(i))
        elif edit == "word":
            words[draw(st.integers(0, len(words) - 1))] = draw(st.sampled_from(WORDS))
            b[i] = " ".join(words)
    return a, b


texts = st.one_of(reprints(), st.tuples(paragraphs, paragraphs))
thresholds = st.sampled_from([0.5, 0.5, 0.3, 0.75, 1.0])


def check_tiling(result: Alignment, n_a: int, n_b: int) -> None:
    """Every paragraph of A and of B in exactly one block, each block's a run."""
    assert sorted(i for block in result.blocks for i in block.a) == list(range(n_a))
    assert sorted(j for block in result.blocks for j in block.b) == list(range(n_b))
    for block in result.blocks:
        for side in (block.a, block.b):
            assert list(side) == list(range(side[0], side[0] + len(side))) if side else True


def _texts(a: list[str], b: list[str]):
    vocabulary: dict[str, int] = {}
    return align_module._Text.of(a, vocabulary), align_module._Text.of(b, vocabulary)


@compiled
@hsettings(max_examples=500, deadline=None)
@given(texts, thresholds)
@example((["the port said", "a ship"], ["a ship", "the port said"]), 0.5)  # mirror images: equal but for words
@example((["the port said grain on Monday"], ["the port said", "grain on Monday"]), 0.5)  # a join
def test_matched_blocks_are_the_references(pair, threshold):
    a, b = pair
    found = align_module._match(*_texts(a, b), threshold)
    with reference():
        expected = align_module._match(*_texts(a, b), threshold)
    assert found == expected
    assert [type(x) for c in found for x in c] == [type(x) for c in expected for x in c]


@compiled
@hsettings(max_examples=300, deadline=None)
@given(texts, thresholds)
def test_alignments_are_the_references_and_tile_both_texts(pair, threshold):
    a, b = pair
    found, mirrored = align(a, b, edited_threshold=threshold), align(b, a, edited_threshold=threshold)
    with reference():
        assert found == align(a, b, edited_threshold=threshold)
    check_tiling(found, len(a), len(b))
    assert mirrored == found.mirror()


@compiled
@hsettings(max_examples=100, deadline=None)
@given(st.lists(paragraphs, min_size=1, max_size=4), st.data())
def test_many_alignments_sharing_words_are_the_references(bodies, data):
    pairs = data.draw(st.lists(st.tuples(st.integers(0, len(bodies) - 1), st.integers(0, len(bodies) - 1)), max_size=5))
    found = align_many(bodies, pairs)
    with reference():
        assert found == align_many(bodies, pairs)


@compiled
@hsettings(max_examples=100, deadline=None)
@given(texts)
def test_runs_too_long_for_the_bit_masks_are_the_references(pair):
    a, b = pair
    found = align(a, b)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(align_module, "_PATTERN_WORDS", 3)  # most runs are longer: the reference matches them
        assert align(a, b) == found


# --- words as ids -----------------------------------------------------------------------------

# what the compiled reading must get right: other scripts (strings of 1, 2 and 4 bytes a code point,
# whose equal words must get one id), CJK and astral characters, words cut at 40 characters
HARD = ["Путин заявил, что «мы готовы».", "日本と中国。", "x" * 45 + " " + "ß" * 41, "\U00020000\U0001d400ab \U0001f600",
        "1.5 billion. U.S. e.g. example.com!", "said the port", "said \U0001f600 the port", "said ы the port", "", "\n"]
bodies = st.lists(st.one_of(any_text, st.sampled_from(HARD)), max_size=6)


@compiled
@hsettings(max_examples=300, deadline=None)
@given(st.lists(bodies, min_size=1, max_size=3))
@example([["said the port"], ["said ы the port", "\U00020000 port"], []])
def test_words_read_as_ids_are_paragraph_words(texts):
    vocabulary, dictionary = FAST.WordIds(), {}  # one for all the texts, as align_many has
    for paragraphs in texts:
        text = align_module._Text.of(paragraphs, vocabulary)
        with reference():
            expected = align_module._Text.of(paragraphs, dictionary)
        assert text.lengths == expected.lengths and text.tokens == expected.tokens
        # ids in order of first sight, as the dict gives them
        assert text.ids(0, len(paragraphs)) == expected.ids(0, len(paragraphs))
        assert [text.side(lo, hi) for lo in range(len(paragraphs)) for hi in range(lo, len(paragraphs) + 1)] == \
            [expected.side(lo, hi) for lo in range(len(paragraphs)) for hi in range(lo, len(paragraphs) + 1)]
    assert vocabulary.words == list(dictionary) and len(vocabulary) == len(dictionary)
    for word, number in dictionary.items():  # a word met again in a string of any width: its id
        assert vocabulary.setdefault(word, len(vocabulary)) == number


@compiled
def test_a_vocabulary_of_many_words_keeps_their_ids():
    vocabulary, dictionary = FAST.WordIds(), {}  # past several doublings of the table
    words = [f"w{k}" if k % 3 else f"ш{k}" for k in range(5000)] * 2
    assert [vocabulary.setdefault(w, len(vocabulary)) for w in words] == [dictionary.setdefault(w, len(dictionary)) for w in words]
    assert vocabulary.words == list(dictionary)


# --- the heaviest in-order chain ----------------------------------------------------------------


@compiled
@hsettings(max_examples=500, deadline=None)
@given(st.data())
def test_moved_blocks_are_the_references(data):
    from dedup.align import Block
    from dedup.alignorder import _moved

    runs_a = data.draw(st.lists(st.integers(1, 3), max_size=12))
    runs_b = data.draw(st.permutations(runs_a)) if data.draw(st.booleans()) else data.draw(st.lists(st.integers(1, 3), max_size=12))
    starts_a = [sum(runs_a[:k]) for k in range(len(runs_a))]
    starts_b = [sum(runs_b[:k]) for k in range(len(runs_b))]
    pairs = list(zip(range(len(runs_a)), data.draw(st.permutations(range(len(runs_b))))))
    blocks = [Block("same", tuple(range(starts_a[i], starts_a[i] + runs_a[i])), tuple(range(starts_b[j], starts_b[j] + runs_b[j])))
              for i, j in pairs]
    # few words and short paragraphs: chains of equal weight, down to the checksum, are common
    words = st.lists(st.lists(st.sampled_from(["a", "b"]), max_size=2), min_size=40, max_size=40)
    tokens_a, tokens_b = data.draw(words), data.draw(words)
    found = _moved(blocks, tokens_a, tokens_b)
    with reference():
        assert found == _moved(blocks, tokens_a, tokens_b)


@compiled
def test_of_chains_alike_down_to_the_checksum_the_first_stays():
    from dedup.align import Block
    from dedup.alignorder import _moved

    # two swapped paragraphs of the same words: either chain weighs the same, the first (in A) stays
    blocks = [Block("same", (1,), (0,)), Block("same", (0,), (1,))]
    tokens = [["a", "b"], ["a", "b"]]
    found = _moved(blocks, tokens, tokens)
    with reference():
        assert found == _moved(blocks, tokens, tokens) == {0}


# --- the written words of an edited block -------------------------------------------------------

# white space of every kind str.split() splits at, words without tokens (dashes), a word of
# several tokens ("U.S.-led", "日本と"), a token of over 40 characters
SPACES = [" ", "\t", "\n", "\u3000", "\x1c", "\x1f", "\u2028", "\xa0", "\u200b", "—", "...", "U.S.-led", "日本と", "x" * 45]
written = st.lists(st.one_of(any_text, st.lists(st.sampled_from(SPACES + WORDS), max_size=12).map("".join)), max_size=4)


@compiled
@hsettings(max_examples=500, deadline=None)
@given(written, written)
@example(["U.S.-led — talks\u3000resumed\x1c"], ["US led talks ... resumed"])
@example(['("Rates," she SAID.) 1987; rose 1,500 (x.y Inc. e.g. 5.2 don\'t 6-3/8 "Hi!" ( ." ' + "Q" * 45 + "!?"],
         ["Rates said 1987 rose 1500 xy inc eg 52 dont 638 hi " + "q" * 40])
def test_written_words_and_word_diffs_are_the_references(a, b):
    from dedup import worddiff

    found = worddiff._words(a), worddiff._words(b), worddiff.word_diff(a, b)
    with reference():
        assert found == (worddiff._words(a), worddiff._words(b), worddiff.word_diff(a, b))
