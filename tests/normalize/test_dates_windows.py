"""find_dates scans its anchored rules (month names, unit words) only in windows around their
anchors. These tests hold the windowed scan to the whole-text scan on real and distorted text."""
from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.normalize import dates
from extractor.textpatterns import _FOLD_EXTRAS, caseless_alternation
from tests.pipeline_support import benchmark_module

BC = benchmark_module("build_corpus")

REFS = [dt.date(2025, 4, 16), dt.date(2010, 1, 1), None]


def _same(text: str, ref) -> bool:
    return dates.find_dates(text, ref) == dates.find_dates(text, ref, anchor_windows=False)


def _variants(text: str) -> list[str]:
    return [text, text.upper(), text.swapcase(), text.replace(" ", "  "), text.replace(" ", " \n "),
            text.replace("s", "ſ")]


@pytest.mark.slow
def test_windows_equal_whole_text_scan_on_the_project_corpora():
    texts = [a["text"] for a in BC.corpus_articles()]
    assert len(texts) > 50
    for i, text in enumerate(texts):
        for variant in _variants(text):
            assert _same(variant, REFS[i % 3]), text[:80]


@pytest.mark.slow
@pytest.mark.skipif(not BC.meantime_dir().is_dir(), reason="MEANTIME not found beside the checkout")
def test_windows_equal_whole_text_scan_on_meantime():
    texts = [a["text"] for a in BC.meantime_articles()]
    rnd = random.Random(7)
    sentences = [s for t in texts for s in re.split(r"(?<=[.!?])\s+", t)]
    texts += [" ".join(rnd.sample(sentences, 5)) for _ in range(200)]
    for i, text in enumerate(texts):
        for variant in _variants(text):
            assert _same(variant, REFS[i % 3]), text[:80]


# The longest forms the windows must hold, with a date-free stretch around them.
_LONG_FORMS = [
    "earlier in the beginning of the following year", "later in the second half of the next month",
    "Wednesday, the 23rd of September, 2025", "Wednesday, September 23rd, 2025", "the fourth week of September, 2025",
    "September of next year", "over the past decade", "the twelve months previous", "the same period a year earlier",
    "that same day", "twenty-five to thirty calendar days", "a 70-year-old", "three weeks ago", "early-September 2024",
    "the day after", "the end of the year", "5 percent in May 2", "Sept. 3 at 4 p.m.",
    "US$ 1,234,567.89 billion", "the mid-1990s", "the class of '09", "Q1 2025", "2025-Q3", "40.5 per cent",
    "11:30 a.m. EST", "12/31/2024", "2024-12-31", "1,000,000,000,000 percent", "late-2024", "in '98",
]
_FILLER = "Officials spoke at length about the weather and other matters of no consequence to anyone. " * 2


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_LONG_FORMS), min_size=1, max_size=4), st.sampled_from([" ", "  ", "\n", ", "]),
       st.sampled_from(REFS))
def test_windows_hold_the_longest_forms(forms, sep, ref):
    text = _FILLER + sep.join(forms) + ". " + _FILLER
    assert _same(text, ref)


# -- caseless_alternation == a case-insensitive alternation ------------------------------------------------

_WORDS = st.lists(st.text(alphabet="adiksyAKS", min_size=1, max_size=4), min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(_WORDS, st.text(alphabet="adiksyAKS .İıKſ", max_size=30))
def test_caseless_alternation_matches_as_ignorecase(words, text):
    fast = re.compile(caseless_alternation(words))
    flat = re.compile("(?i:" + "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) + ")")
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in flat.finditer(text)]


@pytest.mark.slow
def test_fold_extras_are_every_non_ascii_match_of_an_ascii_letter():
    every_char = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    found = set()
    for letter in "abcdefghijklmnopqrstuvwxyz":
        found |= {ch for ch in re.findall(letter, every_char, re.IGNORECASE) if not ch.isascii()}
    assert found == set(_FOLD_EXTRAS)


def test_month_anchored_rules_need_a_month_name():
    """A month-anchored rule must not match where no month name is (else the windows would miss it)."""
    month_rules = [rule.pattern for rule in dates._RULES if rule.anchor == "month"]
    assert month_rules
    probes = ["the 23rd of 2025", "Wednesday, 23, 2025", "early 2025", "next year of", "the first week of 2025",
              "mid-2024", "23 of 2025", "last Tuesday", "3/4/2025", "2025-04-02"]
    for rule in month_rules:
        for probe in probes:
            for m in rule.finditer(probe):
                assert dates._MONTH_WORD.search(m.group()), (rule.pattern[:60], probe)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["1", "23", " ", "\n", ".", "x" * 20, "y" * 47, "z" * 48, "w" * 49]), max_size=30))
def test_digit_clusters_give_the_windows_of_every_digit_run(pieces):
    """The digit anchor chains runs in the regex; the windows must be those of run-by-run merging."""
    text = "".join(pieces)
    _, before, after, _ = dates._ANCHORS["digits"]
    expected: list[tuple[int, int]] = []
    for m in re.finditer(r"[0-9]+", text):
        s, e = max(0, m.start() - before), min(len(text), m.end() + after)
        if expected and s <= expected[-1][1]:
            expected[-1] = (expected[-1][0], e)
        else:
            expected.append((s, e))
    assert dates._anchor_windows(text, *dates._ANCHORS["digits"]) == expected


def test_line_start_rules_are_tried_only_where_a_line_starts_and_find_what_a_scan_finds():
    """The page-stamp blockers open every branch with the line-start assertion: matched at line
    starts only, they give finditer's matches (a stamp inside an earlier stamp's match is skipped)."""
    from extractor.normalize import dates as D

    line_rules = [r for r in D._RULES if r.anchor == "line"]
    assert line_rules
    text = "Brussels, 29 October 2024\n  Date: 3 March 2025\nMarch 12, 2025\nPrices rose on March 3, 2025.\n"
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    for rule in line_rules:
        assert [m.span() for m in D._line_start_matches(rule.pattern, text, starts)] == \
            [m.span() for m in rule.pattern.finditer(text)]
    with pytest.raises(ValueError):  # a rule that can match mid-line cannot be marked as one
        D._rule(re.compile(r"(?:(?<=\n)|(?<![\s\S]))Date|Stamp"), D._block, first="DS", line_start=True)
