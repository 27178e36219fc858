"""trie_alternation must match exactly what a flat alternation sorted longest first matches."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.normalize import dates
from extractor.textpatterns import trie_alternation

_LETTERS = st.text(alphabet="abAB .-", min_size=1, max_size=6)


def _flat(phrases, token=re.escape) -> str:
    return "|".join("".join(token(ch) for ch in p) for p in sorted(set(phrases), key=len, reverse=True))


@settings(max_examples=300, deadline=None)
@given(st.lists(_LETTERS, min_size=1, max_size=8), st.text(alphabet="abAB .-\n\t", max_size=40), st.booleans())
def test_trie_matches_as_the_flat_alternation(phrases, text, ignore_case):
    space = lambda ch: r"\s+" if ch == " " else re.escape(ch)  # noqa: E731
    flags = re.IGNORECASE if ignore_case else 0
    if ignore_case:  # as trie_alternation asks: case-folded phrases for a case-insensitive pattern
        phrases = [p.lower() for p in phrases]
    for token in (re.escape, space):
        flat = re.compile(rf"(?<![\w-])(?:{_flat(phrases, token)})(?![\w-])", flags)
        trie = re.compile(rf"(?<![\w-])(?:{trie_alternation(phrases, token=token)})(?![\w-])", flags)
        assert [m.span() for m in trie.finditer(text)] == [m.span() for m in flat.finditer(text)]


def test_trie_of_nothing_never_matches():
    assert re.compile(trie_alternation([])).search("anything") is None


def test_trie_prefers_the_longest_phrase():
    pattern = re.compile(trie_alternation(["trade", "trade representative", "trade rep"]))
    assert pattern.match("trade representative said").group() == "trade representative"
    assert pattern.match("trade reps").group() == "trade rep"


# -- the tense markers: regex scan == the word loop it replaced ------------------------------------------

def _markers_by_word_loop(text: str) -> list[tuple[int, int, str]]:
    """The original definition: every [A-Za-z] word that is an irregular past form or a long "-ed" word."""
    markers = [(m.start(), m.end(), "future") for m in dates._FUTURE.finditer(text)]
    for m in re.finditer(r"(?<![\w'’])[A-Za-z]+(?![\w'’])", text):
        word = m.group(0).lower()
        if not (word in dates._PAST_WORDS or (word.endswith("ed") and len(word) > 3 and word not in dates._NON_PAST_ED)):
            continue
        if text[max(0, m.start() - 3):m.start()].lower() == "be ":
            continue
        markers.append((m.start(), m.end(), "past"))
    return sorted(markers)


_WORDS = ["said", "SAID", "Signed", "scheduled", "hundred", "planned", "bed", "fed", "need", "be ", "Be ", "will", "'ll",
          "ed", "red", "edited", "ſaid", "Kicked", "don't", "won't", "was", "were", " ", ",", "’", "'", "3", "_", "é"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS) | st.text(alphabet="abdeisADEIS", max_size=5), max_size=14))
def test_tense_markers_equal_the_word_loop(pieces):
    text = " ".join(pieces)
    assert dates._Context(text, None, [(0, len(text))])._find_markers() == _markers_by_word_loop(text)
