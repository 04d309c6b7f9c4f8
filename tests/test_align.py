"""Tests for dedup.align: a real wire/reprint pair, invented stories with known edits, properties."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.align import Alignment, Block, Change, align, paragraph_tokens
from dedup.clean import clean
from dedup.tokens import analyse, tokenize
from dedup.errors import ConfigError, InputError

align_module = importlib.import_module("dedup.align")  # the package's `align` is the function

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def shape(alignment: Alignment) -> list[tuple[str, tuple[int, ...], tuple[int, ...], bool]]:
    """The blocks as (op, a, b, moved), the part of a block these tests pin exactly."""
    return [(block.op, block.a, block.b, block.moved) for block in alignment.blocks]


# --- the seed pair: Reuters via The Moscow Times (000) and the SCMP reprint (003) ---------


@pytest.fixture(scope="module")
def seed_pair():
    body_a = clean((SEEDS / "000_8f553da63e8cdc0a.txt").read_text(encoding="utf-8")).body
    body_b = clean((SEEDS / "003_6e09906d83b566b2.txt").read_text(encoding="utf-8")).body
    return body_a, body_b, align(body_a, body_b)


def test_seed_bodies_are_what_the_alignment_expects(seed_pair):
    body_a, body_b, _ = seed_pair
    # clean() drops headline, byline, date, photo credit, "Related article" and the source
    # lines; the SCMP standfirst, captions and subhead are furniture too.
    assert len(body_a) == 9 and len(body_b) == 21
    assert body_a[3].endswith("however, and") and body_a[4].startswith("that the two countries")
    assert body_b[3].startswith("While the Russian leader rebuffed")
    assert body_b[5].startswith("Tokyo claims")


def test_seed_pair_block_by_block(seed_pair):
    _, _, result = seed_pair
    assert shape(result) == [
        ("edited", (0,), (0,), False),   # World War Two -> II, "on Thursday" moved in the sentence
        ("edited", (1,), (1,), False),   # "in Vladivostok," inserted
        ("added", (), (2,), False),      # Abe's speech quote
        ("edited", (3, 4), (3,), False),  # two paragraphs merged and rewritten
        ("added", (), (4,), False),      # "Japan and Russia are engaged in a row..."
        ("edited", (2,), (5,), True),    # "Tokyo claims..." moved after the inserted paragraph
        ("edited", (5,), (6,), False),   # defense -> defence (curly quotes and ellipsis fold)
        ("same", (6,), (7,), False),     # U.S. -> US folds to the same tokens
        ("same", (7,), (8,), False),     # curly quotes only
        ("same", (8,), (9,), False),
        ("added", (), tuple(range(10, 21)), False),  # the SCMP's appended paragraphs
    ]
    assert result.cut == 0 and result.kept == 3 and result.edited == 6 and result.added == 13


def test_seed_pair_word_changes(seed_pair):
    _, _, result = seed_pair
    changes = {block.a: block.changes for block in result.blocks if block.op == "edited"}
    assert Change("replace", "Two", "II") in changes[(0,)]
    assert changes[(1,)] == (Change("insert", "", "Vladivostok, in"),)
    assert changes[(5,)] == (Change("replace", "defense", "defence"),)
    assert Change("insert", "", "While") in changes[(3, 4)]
    assert Change("delete", "however,", "") in changes[(3, 4)]
    merged = next(block for block in result.blocks if block.a == (3, 4))
    assert 0.8 < merged.similarity < 1.0


def test_seed_pair_mirror(seed_pair):
    body_a, body_b, result = seed_pair
    back = align(body_b, body_a)
    assert shape(back) == shape(result.mirror())
    assert back.summary()["cut"] == 13 and back.summary()["added"] == 0


# --- invented wire stories with documented edits -------------------------------------------

WIRE = (
    "Officials in the port city of Marvik said on Tuesday that a cargo ship had run aground "
    "near the harbour entrance, blocking traffic for several hours.",                         # 0
    "The vessel, carrying 4,000 tonnes of grain, was refloated by tugboats in the early "
    "afternoon, the harbour authority said in a statement.",                                  # 1
    "No injuries were reported and there was no sign of a fuel leak, according to the coast guard.",  # 2
    "The defense ministry said it had sent two patrol boats to the area as a precaution.",   # 3
    "Shipping traffic resumed shortly after 3 p.m., but dozens of vessels were still waiting "
    "to enter the port late in the evening.",                                                 # 4
    "Witnesses said the hull, painted a bright red color, was clearly visible from the beach.",  # 5
    "The harbour authority said it would open an investigation into the cause of the accident.",  # 6
    "Marvik is the country's second-largest port and handles about a fifth of its grain exports.",  # 7
    "A similar grounding last year closed the channel for two days.",                        # 8
)

PADDING = (
    "In other news, the city council approved a new budget for public libraries on Monday.",
    "Subscribers can read our full coverage of regional politics in the weekend edition.",
)


def test_identical_story_is_all_same():
    result = align(WIRE, WIRE)
    assert shape(result) == [("same", (i,), (i,), False) for i in range(len(WIRE))]
    assert result.summary() == {"same": 9, "edited": 0, "added": 0, "cut": 0, "moved": 0,
                                "words_added": 0, "words_cut": 0}


def test_split_paragraph_is_one_block():
    # the reprint breaks paragraph 1 in two without changing a word: a 1:2 "same" block
    reprint = list(WIRE)
    reprint[1:2] = [
        "The vessel, carrying 4,000 tonnes of grain, was refloated by tugboats in the early afternoon,",
        "the harbour authority said in a statement.",
    ]
    assert shape(align(WIRE, reprint)) == (
        [("same", (0,), (0,), False), ("same", (1,), (1, 2), False)]
        + [("same", (i,), (i + 1,), False) for i in range(2, 9)]
    )


def test_split_in_three_and_reworded():
    reprint = list(WIRE)
    reprint[4:5] = [
        "Shipping traffic resumed shortly after 3 p.m.",
        "But dozens of ships were still waiting to enter the port",
        "late on Tuesday evening.",
    ]
    result = align(WIRE, reprint)
    block = next(b for b in result.blocks if b.a == (4,))
    assert (block.op, block.b) == ("edited", (4, 5, 6))
    assert Change("replace", "vessels", "ships") in block.changes
    assert Change("replace", "in the", "on Tuesday") in block.changes
    assert result.added == 0 and result.cut == 0


def test_merged_and_rewritten_paragraphs_are_one_block():
    reprint = list(WIRE)
    reprint[2:4] = [
        "No injuries were reported and there was no sign of a fuel leak, the coast guard said, "
        "while the defense ministry sent two patrol boats to the area as a precaution."
    ]
    result = align(WIRE, reprint)
    assert shape(result) == (
        [("same", (0,), (0,), False), ("same", (1,), (1,), False), ("edited", (2, 3), (2,), False)]
        + [("same", (i,), (i - 1,), False) for i in range(4, 9)]
    )
    assert result.edited == 2 and result.words_cut > 0 and result.words_added > 0


def test_moved_paragraph_is_flagged():
    # the reprint lifts the "second-largest port" background up to second place
    reprint = [WIRE[0], WIRE[7], *WIRE[1:7], WIRE[8]]
    assert shape(align(WIRE, reprint)) == [
        ("same", (0,), (0,), False), ("same", (7,), (1,), True),
        *[("same", (i,), (i + 1,), False) for i in range(1, 7)],
        ("same", (8,), (8,), False),
    ]


def test_localised_spelling_is_a_word_replacement():
    reprint = [p.replace("defense", "defence").replace("color", "colour") for p in WIRE]
    result = align(WIRE, reprint)
    edited = {b.a: b.changes for b in result.blocks if b.op == "edited"}
    assert edited == {
        (3,): (Change("replace", "defense", "defence"),),
        (5,): (Change("replace", "color,", "colour,"),),
    }
    assert result.kept == 7 and result.words_added == 2 and result.words_cut == 2


def test_cut_tail_follows_its_predecessor():
    result = align(WIRE, WIRE[:6])
    assert shape(result) == [("same", (i,), (i,), False) for i in range(6)] + [("cut", (6, 7, 8), (), False)]
    assert result.words_cut == sum(len(tokenize(p)) for p in WIRE[6:])


def test_cut_head_comes_first():
    result = align(WIRE, WIRE[2:])
    assert shape(result)[0] == ("cut", (0, 1), (), False)


def test_padded_middle_is_one_added_block():
    reprint = [*WIRE[:4], *PADDING, *WIRE[4:]]
    result = align(WIRE, reprint)
    assert shape(result) == (
        [("same", (i,), (i,), False) for i in range(4)]
        + [("added", (), (4, 5), False)]
        + [("same", (i,), (i + 2,), False) for i in range(4, 9)]
    )
    assert result.words_added == sum(len(tokenize(p)) for p in PADDING)


def test_all_edits_at_once():
    # split 1, merge 2+3, US->UK spelling, move 7 up, pad the middle, cut the tail (8)
    reprint = [
        WIRE[0],
        WIRE[7],
        "The vessel, carrying 4,000 tonnes of grain, was refloated by tugboats in the early afternoon.",
        "The harbour authority said so in a statement.",
        "No injuries were reported and there was no sign of a fuel leak, according to the coast "
        "guard, and the defence ministry sent two patrol boats as a precaution.",
        *PADDING,
        WIRE[4],
        WIRE[5].replace("color", "colour"),
        WIRE[6],
    ]
    assert shape(align(WIRE, reprint)) == [
        ("same", (0,), (0,), False),
        ("same", (7,), (1,), True),
        ("edited", (1,), (2, 3), False),
        ("edited", (2, 3), (4,), False),
        ("added", (), (5, 6), False),
        ("same", (4,), (7,), False),
        ("edited", (5,), (8,), False),
        ("same", (6,), (9,), False),
        ("cut", (8,), (), False),
    ]


def test_empty_inputs():
    assert align([], []).blocks == ()
    assert shape(align(WIRE[:2], [])) == [("cut", (0, 1), (), False)]
    assert shape(align([], WIRE[:2])) == [("added", (), (0, 1), False)]
    assert align([], WIRE[:2]).summary()["words_added"] == sum(len(p.split()) for p in WIRE[:2])


def test_threshold_decides_edited_or_added():
    a = ["The talks will resume in Geneva on Monday, a spokesman said."]
    b = ["The talks will resume in Vienna next week, officials said on Friday."]
    assert [x.op for x in align(a, b, edited_threshold=0.3).blocks] == ["edited"]
    assert [x.op for x in align(a, b, edited_threshold=0.9).blocks] == ["cut", "added"]


def test_bad_arguments_are_refused():
    with pytest.raises(InputError, match="sequence of paragraphs"):
        align("one paragraph", ["another"])
    with pytest.raises(ConfigError, match="edited_threshold"):
        align(["a"], ["b"], edited_threshold=0)
    with pytest.raises(InputError, match="Block.op"):
        Block("kept", (0,), (0,))


def test_mirror_swaps_everything():
    result = Alignment(
        (Block("edited", (0,), (0,), False, 0.8, (Change("insert", "", "new"), Change("replace", "x", "y"))),
         Block("cut", (1,), ())),
        words_a=(3, 4), words_b=(4,),
    )
    mirrored = result.mirror()
    assert mirrored.blocks == (
        Block("edited", (0,), (0,), False, 0.8, (Change("delete", "new", ""), Change("replace", "y", "x"))),
        Block("added", (), (1,)),
    )
    assert mirrored.words_added == result.words_cut == 5 and mirrored.mirror() == result


# --- properties ------------------------------------------------------------------------------

# A small vocabulary makes chance overlaps, repeats and ties common: the hard cases.
VOCAB = ["the", "port", "ship", "said", "grain", "U.S.", "us", "defense", "defence", "on", "Monday", "a"]
OTHER = ["zeta", "kappa", "omega", "sigma", "delta"]


def paragraph(words: list[str]):
    return st.lists(st.sampled_from(words), min_size=1, max_size=8).map(" ".join)


def paragraphs(words: list[str], max_size: int = 7):
    return st.lists(paragraph(words), max_size=max_size)


@st.composite
def reprints(draw):
    """A story and a reprint made by random desk edits: drop, move, split, merge, pad, edit."""
    a = draw(paragraphs(VOCAB))
    b = list(a)
    for _ in range(draw(st.integers(0, 4))):
        edit = draw(st.sampled_from(["drop", "move", "split", "merge", "pad", "word"]))
        if not b and edit != "pad":
            continue
        i = draw(st.integers(0, max(len(b) - 1, 0)))
        if edit == "drop":
            del b[i]
        elif edit == "move":
            b.insert(draw(st.integers(0, len(b) - 1)), b.pop(i))
        elif edit == "split" and len(b[i].split()) > 1:
            words = b[i].split()
            cut = draw(st.integers(1, len(words) - 1))
            b[i:i + 1] = [" ".join(words[:cut]), " ".join(words[cut:])]
        elif edit == "merge" and i + 1 < len(b):
            b[i:i + 2] = [b[i] + " " + b[i + 1]]
        elif edit == "pad":
            b.insert(i, draw(paragraph(VOCAB + OTHER)))
        elif edit == "word":
            words = b[i].split()
            words[draw(st.integers(0, len(words) - 1))] = draw(st.sampled_from(VOCAB + OTHER))
            b[i] = " ".join(words)
    return a, b


pairs = st.one_of(reprints(), st.tuples(paragraphs(VOCAB), paragraphs(VOCAB)))


def check_tiling(result: Alignment, n_a: int, n_b: int) -> None:
    seen_a = [i for block in result.blocks for i in block.a]
    seen_b = [j for block in result.blocks for j in block.b]
    assert sorted(seen_a) == list(range(n_a)) and sorted(seen_b) == list(range(n_b))
    for block in result.blocks:
        for side in (block.a, block.b):
            assert list(side) == list(range(side[0], side[0] + len(side)) if side else [])
        assert 0.0 <= block.similarity <= 1.0
        if block.op == "added":
            assert not block.a and block.b and block.similarity == 0.0 and not block.moved
        elif block.op == "cut":
            assert block.a and not block.b and block.similarity == 0.0 and not block.moved
        else:
            assert block.a and block.b and max(len(block.a), len(block.b)) <= 3
            assert min(len(block.a), len(block.b)) == 1
        if block.op == "same":
            assert block.similarity == 1.0 and block.changes == ()
        if block.op == "edited":
            assert block.similarity < 1.0
    # blocks are in B order
    firsts = [block.b[0] for block in result.blocks if block.b]
    assert firsts == sorted(firsts)


@settings(max_examples=300, deadline=None)
@given(pairs)
def test_blocks_tile_both_texts(pair):
    a, b = pair
    check_tiling(align(a, b), len(a), len(b))


@settings(max_examples=150, deadline=None)
@given(paragraphs(VOCAB + ["—", "..."]))
def test_identical_texts_are_all_same(a):
    result = align(a, a)
    assert shape(result) == [("same", (i,), (i,), False) for i in range(len(a))]


@settings(max_examples=150, deadline=None)
@given(paragraphs(VOCAB), paragraphs(OTHER))
def test_disjoint_texts_are_added_and_cut(a, b):
    result = align(a, b)
    assert {block.op for block in result.blocks} <= {"added", "cut"}
    assert result.cut == len(a) and result.added == len(b)


def content(result: Alignment) -> set[tuple[str, tuple[int, ...], tuple[int, ...]]]:
    return {(block.op, block.a, block.b) for block in result.blocks}


@settings(max_examples=300, deadline=None)
@given(pairs)
def test_align_is_symmetric(pair):
    a, b = pair
    forward, backward = align(a, b), align(b, a)
    assert content(backward) == content(forward.mirror())
    # every tie-break reads the same both ways, so the mirror is exact: moved flags,
    # similarities, word changes and block order included
    assert backward == forward.mirror()
    assert backward.summary()["words_added"] == forward.summary()["words_cut"]


_PIECES = ["The U.S. said", "1,500", "Japan's", "«Мы готовы»", "日本と", "“quoted”", "e.g.", "x" * 45, "\u0301", "\n", " ", ".", "—", "ß"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=8).map("".join), max_size=6))
def test_paragraph_tokens_of_the_analysed_body_are_tokenize(paragraphs):
    assert paragraph_tokens(analyse(paragraphs), len(paragraphs)) == [tokenize(p) for p in paragraphs]


def test_given_tokens_give_the_same_alignment(seed_pair):
    body_a, body_b, alignment = seed_pair
    tokens = (paragraph_tokens(analyse(body_a), len(body_a)), paragraph_tokens(analyse(body_b), len(body_b)))
    assert align(body_a, body_b, tokens=tokens) == alignment
    with pytest.raises(InputError, match="one list per paragraph"):
        align(body_a, body_b, tokens=(tokens[0][:-1], tokens[1]))


# --- long texts: tiles, words made when asked for, and the cap ----------------------------


def _moved_by_trying_every_block(blocks, tokens_a, tokens_b):
    """The heaviest in-order chain as _moved defines it, by trying every earlier block (n^2)."""
    import zlib

    order = sorted(range(len(blocks)), key=lambda k: blocks[k].a[0])
    best, back = [], []
    for n, k in enumerate(order):
        block = blocks[k]
        side_a = " ".join(t for i in block.a for t in tokens_a[i])
        side_b = " ".join(t for j in block.b for t in tokens_b[j])
        weight = (len(block.a) + len(block.b), len(side_a.split()) + len(side_b.split()), -abs(block.a[0] - block.b[0]),
                  zlib.crc32(f"{min(side_a, side_b)}\n{max(side_a, side_b)}".encode()))
        score, previous = (0, 0, 0, 0), -1
        for m in range(n):
            if blocks[order[m]].b[-1] < block.b[0] and best[m] > score:
                score, previous = best[m], m
        best.append(tuple(x + y for x, y in zip(score, weight)))
        back.append(previous)
    chain, n = set(), max(range(len(order)), key=lambda m: best[m], default=-1)
    while n >= 0:
        chain.add(order[n])
        n = back[n]
    return set(range(len(blocks))) - chain


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_moved_blocks_are_those_of_the_quadratic_definition(data):
    from dedup.align import _moved

    runs_a = data.draw(st.lists(st.integers(1, 3), max_size=12))
    runs_b = data.draw(st.permutations(runs_a)) if data.draw(st.booleans()) else data.draw(st.lists(st.integers(1, 3), max_size=12))
    starts_a = [sum(runs_a[:k]) for k in range(len(runs_a))]
    starts_b = [sum(runs_b[:k]) for k in range(len(runs_b))]
    pairs = list(zip(range(len(runs_a)), data.draw(st.permutations(range(len(runs_b))))))
    blocks = [Block("same", tuple(range(starts_a[i], starts_a[i] + runs_a[i])), tuple(range(starts_b[j], starts_b[j] + runs_b[j])))
              for i, j in pairs]
    words = st.lists(st.lists(st.sampled_from(["a", "b", "cc"]), max_size=3), min_size=40, max_size=40)
    tokens_a, tokens_b = data.draw(words), data.draw(words)
    assert _moved(blocks, tokens_a, tokens_b) == _moved_by_trying_every_block(blocks, tokens_a, tokens_b)


@settings(max_examples=300, deadline=None)
@given(pairs, st.integers(1, 30), st.integers(1, 6))
def test_tiles_and_lazy_tokens_give_the_alignment_of_the_whole_matrix(pair, cells, side):
    a, b = pair
    whole = align(a, b)
    tokens = (paragraph_tokens(analyse(a), len(a)), paragraph_tokens(analyse(b), len(b)))
    before = align_module._TILE_CELLS, align_module._TILE_SIDE, align_module._EAGER_WORDS
    # tiles of a few pairs, both ways; the words' lists made when asked for
    align_module._TILE_CELLS, align_module._TILE_SIDE, align_module._EAGER_WORDS = cells, side, -1
    try:
        lazy = (paragraph_tokens(analyse(a), len(a)), paragraph_tokens(analyse(b), len(b)))
        assert lazy == tokens and all(isinstance(t, align_module.ParagraphTokens) for t in lazy)
        assert align(a, b, tokens=lazy) == whole
    finally:
        align_module._TILE_CELLS, align_module._TILE_SIDE, align_module._EAGER_WORDS = before


@settings(max_examples=150, deadline=None)
@given(pairs)
def test_texts_past_the_cap_match_equal_paragraphs_only(pair):
    a, b = pair
    before = align_module.MAX_ALIGN_CELLS
    align_module.MAX_ALIGN_CELLS = 0
    try:
        result = align(a, b)
        assert align(a, a) == Alignment(tuple(Block("same", (i,), (i,), False, 1.0) for i in range(len(a))),
                                        *(tuple(len(tokenize(p)) for p in a),) * 2)
    finally:
        align_module.MAX_ALIGN_CELLS = before
    check_tiling(result, len(a), len(b))
    assert {block.op for block in result.blocks} <= {"same", "added", "cut"}
    for block in result.blocks:
        if block.op == "same":
            assert tokenize(a[block.a[0]]) == tokenize(b[block.b[0]])
