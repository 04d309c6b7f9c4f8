"""Signatures: bit-equal to datasketch, estimates within tolerance, keys stable."""

import importlib

import numpy as np
from datasketch import MinHash
from hypothesis import given, settings, strategies as st

from dedup.tokens import analyse
from dedup.sign import band_keys, minhash, passage_windows, shingle_hashes, sign, word_hashes
from dedup.settings import lsh_params

VOCAB = [f"w{i}" for i in range(60)]
words_lists = st.lists(st.sampled_from(VOCAB), min_size=6, max_size=120)


@settings(max_examples=40, deadline=None)
@given(words_lists, st.integers(min_value=1, max_value=2**16), st.sampled_from([16, 64, 128]))
def test_minhash_equals_datasketch_update_batch(words, seed, num_perm):
    shingles = shingle_hashes(word_hashes(np.array(words)), shingle_size=5)
    reference = MinHash(num_perm=num_perm, seed=seed, hashfunc=int)
    reference.update_batch([int(h) for h in shingles >> np.uint64(32)])
    assert np.array_equal(minhash(shingles, num_perm=num_perm, seed=seed), reference.hashvalues)


@settings(max_examples=40, deadline=None)
@given(words_lists, words_lists)
def test_minhash_estimate_within_tolerance_of_exact_jaccard(a, b):
    sa = np.unique(shingle_hashes(word_hashes(np.array(a))))
    sb = np.unique(shingle_hashes(word_hashes(np.array(b))))
    exact = len(np.intersect1d(sa, sb)) / len(np.union1d(sa, sb))
    ma, mb = minhash(sa, num_perm=256), minhash(sb, num_perm=256)
    estimate = float(np.mean(ma == mb))
    # standard error sqrt(J(1-J)/k) <= 0.031 at k=256; 5 sigma keeps the test from flaking
    assert abs(estimate - exact) <= 0.16


@given(words_lists)
def test_word_hash_does_not_depend_on_neighbours(words):
    together = word_hashes(np.array(words + ["a-much-longer-token-than-the-rest"]))[:-1]
    alone = np.array([word_hashes(np.array([w]))[0] for w in words])
    assert np.array_equal(together, alone)


def test_shingles_are_order_sensitive():
    h = word_hashes(np.array("a b c d e".split()))
    assert shingle_hashes(h)[0] != shingle_hashes(h[::-1])[0]


def test_signature_is_identical_across_calls_and_processes():
    import subprocess
    import sys

    text = ["The port strike entered its second day. Ships waited at anchor in the North Sea.", "Talks resume on Friday, the union said."]
    s = sign(analyse(text))
    code = (
        "import numpy as np; from dedup.tokens import analyse; from dedup.sign import sign; "
        f"print(sign(analyse({text!r})).band_keys.tobytes().hex())"
    )
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": "123", "PATH": ""}).stdout.strip()
    assert other == s.band_keys.tobytes().hex()


def test_passage_windows_cover_the_document():
    starts = np.zeros(100, dtype=bool)
    starts[[0, 20, 45, 70, 90]] = True
    windows = passage_windows(starts, 96, passage_words=30, shingle_size=5)
    assert windows[0, 0] == 0 and windows[-1, 1] == 96
    assert all(end - start == 26 for start, end in windows)


def test_shared_passage_gives_a_shared_band_key():
    shared = "dock workers at europe's largest port walked off the job on tuesday halting container traffic for the first time in two decades as talks collapsed late on monday night"
    a = analyse([f"Completely different opening words about weather and sport. {shared}. Then a closing remark here."])
    b = analyse([f"{shared}. Local reaction followed from traders in the town, who were worried."])
    ka, kb = sign(a).band_keys, sign(b).band_keys
    assert np.intersect1d(ka.ravel(), kb.ravel()).size > 0


def test_band_keys_shape_follows_lsh_params():
    bands, rows = lsh_params(0.5, 128)
    sig = np.arange(128 * 3, dtype=np.uint32).reshape(3, 128)
    assert band_keys(sig, bands=bands, rows=rows).shape == (3, bands)


def test_permutations_are_datasketchs():
    from dedup.sign import permutations

    for num_perm, seed in ((128, 1), (64, 7), (256, 2**20)):
        a, b = permutations(num_perm, seed)
        ref_a, ref_b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
        assert np.array_equal(a, ref_a) and np.array_equal(b, ref_b)


@settings(max_examples=20, deadline=None)
@given(st.lists(words_lists, min_size=1, max_size=6))
def test_sign_many_equals_sign_one_by_one(docs):
    from dedup.sign import sign_many

    analysed = [analyse([" ".join(words[:3]) + ". " + " ".join(words[3:])]) for words in docs]
    analysed.append(analyse([]))  # an empty document in the batch
    analysed.append(analyse(["Two words."]))  # shorter than one shingle
    batch = sign_many(analysed)
    for words, (shingles, signature) in zip(analysed, batch):
        alone = sign(words)
        assert np.array_equal(shingles, shingle_hashes(word_hashes(words.words)))
        assert np.array_equal(signature.minhash, alone.minhash)
        assert np.array_equal(signature.windows, alone.windows)
        assert np.array_equal(signature.band_keys, alone.band_keys)


@settings(max_examples=60, deadline=None)
@given(st.lists(words_lists, min_size=1, max_size=3), st.integers(min_value=1, max_value=40))
def test_a_document_longer_than_a_batch_is_signed_in_parts(docs, batch):
    from dedup.sign import sign_many

    sign_module = importlib.import_module("dedup.sign")

    analysed = [analyse([" ".join(w) + ". " + " ".join(reversed(w)) + "."]) for w in docs]
    whole = sign_many(analysed)
    before = sign_module._BATCH_SHINGLES, sign_module._SHINGLE_STEP
    sign_module._BATCH_SHINGLES, sign_module._SHINGLE_STEP = batch, max(1, batch // 3)
    try:
        parts = sign_many(analysed)
    finally:
        sign_module._BATCH_SHINGLES, sign_module._SHINGLE_STEP = before
    for (sh, sig), (sh2, sig2) in zip(whole, parts, strict=True):
        assert sh.tolist() == sh2.tolist() and sig.minhash.tolist() == sig2.minhash.tolist()
        assert sig.windows.tolist() == sig2.windows.tolist() and sig.band_keys.tolist() == sig2.band_keys.tolist()
