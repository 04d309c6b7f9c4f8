"""Hypothesis strategies shared by the tests: texts built from pieces of news pages."""

from hypothesis import strategies as st

PIECES = ["Photo: AP", "(c) 2019", "Copyright Reuters", "ALL RIGHTS RESERVED", "Jan 5, 2019", "5 March 2020",
           "2020-01-02", "By Reuters", "MOSCOW (Reuters) -", "Subscribe now", "Read more:", "İstanbul", "©", "/ REUTERS",
           "He said \"we will win\" today.", "«Мы готовы»", "日本と", "U.S.", "1,500", "word", " ", "\n", "\n\n", ".", "\x0b", "\x1c",
           "Sign-up", "LOG IN", "Cookies", "share this", "Photograph:", "Pictured :", "(File Photo)", "(Getty Images)",
           "/ EPA", "(C) ", "Video:", "terms of use", "\u212a", "\u017f", "\t", "\x1f", "Reuters", "REUTERS", "(AP) -", "APPLE",
          "’s", "“", "”", "£5", "\xa0", "…", "—", "»", "réservés"]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
ascii_text = st.text(alphabet=st.characters(max_codepoint=127), max_size=80)


UNUSUAL = ["\ud800", "\U00020000", "\U0001d400x", "\U0001f600", "x" * 50, "a_b", "ǅ", "。", "！", "«", "”", "'s", "١٣", "\u3000"]
any_text = st.one_of(texts, st.text(max_size=60), st.lists(st.sampled_from(PIECES + UNUSUAL), max_size=30).map("".join))
