"""Verdicts on synthetic wire stories with known edits (see tests/stories.py)."""

import pytest

import stories
from dedup import Settings, compare


@pytest.mark.parametrize(
    "variant, expected",
    [
        (stories.exact_copy, "duplicate"),
        (stories.reordered, "duplicate"),
        (stories.localised, "duplicate"),
        (lambda: stories.cut_tail(4), "reprint"),
        (lambda: stories.cut_tail(2), "reprint"),
        (lambda: stories.padded(3), "reprint"),
    ],
    ids=["exact-copy-with-furniture", "reordered", "localised-spelling", "cut-tail", "cut-to-two", "padded-local"],
)
def test_reprint_variants(variant, expected):
    match = compare(stories.WIRE, variant())
    assert match.verdict == expected, match


def test_padded_reprint_keeps_its_scores():
    match = compare(stories.WIRE, stories.padded(3))
    # three of eight wire paragraphs kept, four local ones added: containment, not Jaccard, shows it
    assert match.jaccard < 0.3
    assert match.containment_a_in_b < match.containment_b_in_a
    assert match.copy_share_b > match.copy_share_a
    assert match.conflicts == ()


def test_cut_tail_is_contained_in_the_original():
    match = compare(stories.WIRE, stories.cut_tail(4))
    assert match.containment_b_in_a == pytest.approx(1.0)
    assert 0.3 < match.containment_a_in_b < 0.6


def test_lead_plus_local_reaction_is_partial_until_about_half():
    # the wire lead and one more paragraph, then four local ones: a third of the shorter text, partial;
    # three wire paragraphs and four local ones: about half, a reprint (../shared/VERDICTS.md)
    assert compare(stories.WIRE, stories.padded(2)).verdict == "partial"
    assert compare(stories.WIRE, stories.padded(3)).verdict == "reprint"


def test_one_borrowed_paragraph_is_partial():
    # a story of its own that lifts one background paragraph: shares copy, mostly independent
    match = compare(stories.WIRE, stories.borrowed())
    assert match.verdict == "partial"
    assert match.copy_words >= 30 and match.quoted_shared_words == 0


def test_shared_quotation_is_not_copy():
    match = compare(stories.QUOTE_STORY_A, stories.QUOTE_STORY_B)
    assert match.verdict == "none"
    assert match.shared_words >= 40  # they do share the whole statement...
    assert match.quoted_shared_words >= 0.8 * match.shared_words  # ...inside quotation marks


def test_templated_stories_with_different_numbers_are_not_copies():
    match = compare(stories.TEMPLATE_1, stories.TEMPLATE_2)
    assert match.verdict not in ("duplicate", "reprint")
    assert match.conflicts  # the numbers that differ are reported
    assert any("1" in c and "2" in c for c in match.conflicts)


def test_template_identical_numbers_is_duplicate():
    assert compare(stories.TEMPLATE_1, stories.TEMPLATE_1).verdict == "duplicate"


def test_cyrillic_reprint_and_unrelated():
    assert compare(stories.CYRILLIC_WIRE, stories.CYRILLIC_REPRINT).verdict == "reprint"
    assert compare(stories.CYRILLIC_WIRE, stories.CYRILLIC_OTHER).verdict == "none"


def test_cjk_copy_and_unrelated():
    extended = stories.CJK_WIRE + "另外，地方运输公司表示已经接到客户的电话。"
    assert compare(stories.CJK_WIRE, extended).verdict in ("duplicate", "reprint")
    assert compare(stories.CJK_WIRE, stories.CJK_OTHER).verdict == "none"


def test_unrelated_stories_are_none():
    assert compare(stories.WIRE, stories.QUOTE_STORY_B).verdict == "none"


def test_compare_is_symmetric():
    for variant in (stories.padded(3), stories.cut_tail(3), stories.QUOTE_STORY_A):
        ab, ba = compare(stories.WIRE, variant), compare(variant, stories.WIRE)
        assert ab.verdict == ba.verdict
        assert ab.jaccard == pytest.approx(ba.jaccard)
        assert ab.containment_a_in_b == pytest.approx(ba.containment_b_in_a)
        assert ab.shared_words == ba.shared_words


def test_thresholds_are_settings():
    strict = Settings(reprint_threshold=0.9, duplicate_threshold=0.95)
    assert compare(stories.WIRE, stories.padded(3), strict).verdict == "partial"


# --- all pairs matched at once equal each pair matched alone --------------------------------

import numpy as np  # noqa: E402
from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402


def _runs_of_one_pair(a, b, shingle_size):
    """The definition, one pair at a time: every shared (i, j) position, at most
    _MAX_REPEATS of them per position of a (the ones nearest it in b), grouped into
    maximal diagonal runs, with the distinct shingle counts."""
    from dedup.verify import _MAX_REPEATS

    where: dict[int, list[int]] = {}
    for j, h in enumerate(b.tolist()):
        where.setdefault(h, []).append(j)
    hits = []
    for i, h in enumerate(a.tolist()):
        js = where.get(h, [])
        if len(js) > _MAX_REPEATS:
            near = sum(j < i for j in js)
            start = min(max(0, near - _MAX_REPEATS // 2), len(js) - _MAX_REPEATS)
            js = js[start : start + _MAX_REPEATS]
        hits += [(i - j, i) for j in js]
    runs = []
    for diag, i in sorted(hits):
        if runs and runs[-1][0] == diag and runs[-1][1] + runs[-1][2] == i:
            runs[-1][2] += 1
        else:
            runs.append([diag, i, 1])
    sa, sb = set(a.tolist()), set(b.tolist())
    return [(i, i - d, n + shingle_size - 1) for d, i, n in runs], (len(sa), len(sb), len(sa & sb))


_shingles = st.lists(st.integers(0, 12), max_size=40).map(lambda v: np.array(v, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))


@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_shingles, _shingles), max_size=6))
def test_shingles_of_all_pairs_matched_at_once_equal_each_pair_alone(pairs):
    from dedup.verify import _shared_runs_many

    assert _shared_runs_many(pairs, shingle_size=5) == [_runs_of_one_pair(a, b, 5) for a, b in pairs]


@hsettings(max_examples=300, deadline=None)
@given(_shingles, _shingles, st.integers(1, 9))
def test_a_long_pair_matched_alone_in_steps_equals_the_definition(a, b, step):
    import importlib

    from dedup.verify import _shared_runs_pair

    verify_module = importlib.import_module("dedup.verify")
    before, verify_module._STEP = verify_module._STEP, step
    try:
        assert _shared_runs_pair(a, b, shingle_size=5) == _runs_of_one_pair(a, b, 5)
    finally:
        verify_module._STEP = before


# --- text whose paragraph breaks were lost ---------------------------------------------------


def _story_pairs():
    return {
        "exact-copy": (stories.WIRE, stories.exact_copy()), "reordered": (stories.WIRE, stories.reordered()),
        "localised": (stories.WIRE, stories.localised()), "cut-tail": (stories.WIRE, stories.cut_tail(4)),
        "padded-3": (stories.WIRE, stories.padded(3)), "padded-2": (stories.WIRE, stories.padded(2)),
        "borrowed": (stories.WIRE, stories.borrowed()), "quotation": (stories.QUOTE_STORY_A, stories.QUOTE_STORY_B),
        "template": (stories.TEMPLATE_1, stories.TEMPLATE_2), "cyrillic": (stories.CYRILLIC_WIRE, stories.CYRILLIC_REPRINT),
        "cyrillic-other": (stories.CYRILLIC_WIRE, stories.CYRILLIC_OTHER), "unrelated": (stories.WIRE, stories.QUOTE_STORY_B),
    }


def _one_paragraph(text: str) -> str:
    return " ".join(p.strip() for p in text.split("\n\n") if p.strip())


@pytest.mark.parametrize("name", sorted(_story_pairs()))
def test_single_paragraph_text_gets_the_same_verdict(name):
    a, b = _story_pairs()[name]
    assert "\n\n" not in _one_paragraph(b)
    for x, y in ((a, _one_paragraph(b)), (_one_paragraph(a), _one_paragraph(b))):
        assert compare(x, y).verdict == compare(a, b).verdict, name


def test_a_batch_of_pairs_gets_the_matches_each_pair_gets_alone():
    # every engine verifies in batches of its own size: the sentences of all pairs of a batch
    # are matched at once, and no pair may see another's
    from dedup import Document
    from dedup.steps import analyse_prepared, prepare_many, verify_many

    texts = [t for pair in _story_pairs().values() for t in pair] + [_one_paragraph(stories.padded(3))]
    docs = analyse_prepared(prepare_many([Document(f"d{k}", t) for k, t in enumerate(texts)]))
    pairs = [(docs[i], docs[j]) for i in range(len(docs)) for j in range(i + 1, len(docs))]
    settings = Settings()
    assert verify_many(pairs, settings) == [verify_many([p], settings)[0] for p in pairs]
    assert any(m.verdict == "reprint" for m in verify_many(pairs, settings))


def test_compare_and_diff_leave_out_template_lines():
    from dedup import Document, diff
    from dedup.clean import line_key

    footer = ("Our newsroom can be reached around the clock by email at tips@example.com or by phone. "
              "Subscribers get every morning briefing delivered before seven o'clock each weekday.")
    a, b = stories.WIRE + "\n\n" + footer, stories.QUOTE_STORY_B + "\n\n" + footer
    assert compare(a, b).verdict == "partial"  # two shared sentences: the footer is copy as far as the pair can tell
    lines = frozenset({line_key(footer)})  # what a scan or an index finds in many documents
    assert compare(a, b, template_lines=lines).verdict == "none"
    assert diff(Document("a", a), Document("b", b), template_lines=lines).match.verdict == "none"


def test_notice_pages_are_not_articles_and_never_copies():
    from dedup import Document, scan
    from dedup.clean import NO_ARTICLE_TEXT

    page = ("We use cookies to improve our website and show relevant news and advertising. "
            "Details of how we process data are in our privacy policy. By clicking accept all you agree to "
            "the processing of your personal data. You can withdraw your consent as described in the privacy policy.")
    result = scan([Document("page-1", "Storm hits coast\n\n" + page), Document("page-2", "Markets rally\n\n" + page)])
    assert result.clusters == () and result.pairs == ()
    assert [(s.location, s.reason) for s in result.skipped] == [("page-1", NO_ARTICLE_TEXT), ("page-2", NO_ARTICLE_TEXT)]
    assert compare(page, page).verdict == "none"


def test_copies_of_are_the_matches_of_every_verdict_but_none():
    # a scan keeps the copies only and has verify make no record of the rest: the same records
    from dedup.clean import split_paragraphs
    from dedup.steps import analyse_documents, copies_of, verify_many

    texts = [stories.WIRE, stories.padded(), stories.borrowed(), stories.QUOTE_STORY_A, stories.QUOTE_STORY_B,
             stories.TEMPLATE_1, stories.TEMPLATE_2, stories.CYRILLIC_WIRE, stories.CYRILLIC_REPRINT, stories.CJK_WIRE]
    docs = analyse_documents([f"d{k}" for k in range(len(texts))], [split_paragraphs(t) for t in texts])
    pairs = [(a, b) for k, a in enumerate(docs) for b in docs[k + 1 :]]
    every = verify_many(pairs, Settings())
    assert {m.verdict for m in every} >= {"none", "reprint"}
    assert copies_of(pairs, Settings()) == [m for m in every if m.verdict != "none"]
