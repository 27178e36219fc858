"""Percentages in text -> numbers. Pure functions: no spaCy, no article context."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

# Rates above this are not tariff rates anyone has levied or threatened (the highest in the 2018-2026
# record is a few hundred percent); larger numbers are typos, market moves or adversarial input.
MAX_TARIFF_RATE = 1000.0

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "twenty-five": 25, "thirty": 30,
    "forty": 40, "fifty": 50, "hundred": 100, "one hundred": 100,
}

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_WORDNUM = "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True))
_UNIT = r"(?:\s?%|\s?-?\s?(?:percent|per\s?cent|pct)\b(?!age))"
# A range shares one unit: "10%-15%", "10 to 25 percent", "10-25%", "between 10% and 25%".
PERCENT_RE = re.compile(
    rf"(?<![\w.$£€-])(?P<num>{_NUM}|(?i:{_WORDNUM}))(?P<unit>{_UNIT})?"
    rf"(?:(?P<sep>\s?(?:-|–|to|and)\s?)(?P<num2>{_NUM})(?P<unit2>{_UNIT}))?",
)


@dataclass(frozen=True)
class PercentMatch:
    value: float
    text: str
    start: int
    end: int


def parse_number(token: str) -> float | None:
    """'1,250.5' -> 1250.5; 'ten' -> 10.0; anything else -> None (never raises)."""
    token = token.strip().lower()
    if token in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[token])
    try:
        value = float(token.replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def plausible_rate(value: float | None) -> bool:
    return value is not None and math.isfinite(value) and 0.0 < value <= MAX_TARIFF_RATE


def find_percentages(text: str) -> list[PercentMatch]:
    """Every percentage with a plausible tariff value, one match per number ("10%-15%" gives two).

    Negative numbers, NaN, exponents and absurd magnitudes are dropped here so that no later stage
    has to defend against them.
    """
    found: list[PercentMatch] = []
    for m in PERCENT_RE.finditer(text):
        num2 = m.group("num2")
        if not m.group("unit") and not num2:
            continue
        if not m.group("unit") and num2 and not m.group("unit2"):
            continue
        # A minus sign or exponent glued to the number makes it something other than a rate.
        before = text[max(0, m.start() - 1):m.start()]
        after = text[m.end("num"):m.end("num") + 1]
        if before in ("-", "−") or after in ("e", "E"):
            continue
        first_end = m.end("unit") if m.group("unit") else m.end("num")
        v1 = parse_number(m.group("num"))
        if plausible_rate(v1):
            found.append(PercentMatch(v1, text[m.start():first_end], m.start(), first_end))
        if num2:
            v2 = parse_number(num2)
            if plausible_rate(v2):
                found.append(PercentMatch(v2, text[m.start("num2"):m.end()], m.start("num2"), m.end()))
    return found
