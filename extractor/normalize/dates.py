"""Find date expressions in article text and normalize them against the publication date.

Pure functions, stdlib only. Word tables live in ``extractor/data/dates.json``.

Conventions (extraction guide, "dates"; MEANTIME/TimeML where the guide is silent):

- Relative expressions resolve against ``ref_date`` (the publication date) and get value None
  without one; absolute ones ("April 2, 2025", "2019") always keep their value.
- Weekdays follow the guide: the nearest such day in the direction of the tense around it, the
  reference day itself included. Without a tense cue a weekday is taken as past (news mostly
  reports what happened). "next Monday" / "last Monday" exclude the reference day.
- A month-day or month without a year takes the year the tense points to (past: on or before the
  reference date, future: on or after); without a tense cue, the year that puts it nearest the
  reference date (ties go to the past). Quarters work the same way.
- "N days/weeks ago" are days (MEANTIME gives "a week ago" a day), "N months ago" months, and
  "N years ago" years. MEANTIME sometimes annotates "N years ago" as a duration (P20Y); the guide
  asks for calendar values, so we keep the year.
- "the past week", "the past five days", "over a decade" are durations (as in MEANTIME);
  "last week" is an ISO week.
- Not dates: decades ("the 1990s"), ages ("70-year-old"), times of day, money and percentages,
  vague words (recently, soon, now), seasons, "annual" (MEANTIME gives it P1Y; the guide asks only
  for durations of a trade measure), year ranges as one duration ("from 2009 to 2011" is two years
  here, one P2Y in MEANTIME).
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

from ..segment import split_sentences
from ..textpatterns import caseless, caseless_alternation, trie_alternation

__all__ = ["DateMatch", "find_dates"]

_DATA = json.loads((Path(__file__).resolve().parents[1] / "data" / "dates.json").read_text("utf-8"))

DAY, WEEK, MONTH, QUARTER, YEAR, DURATION = "day", "week", "month", "quarter", "year", "duration"


@dataclass(frozen=True)
class DateMatch:
    text: str
    start: int
    end: int
    value: str | None
    grain: str


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_MONTHS: dict[str, int] = {k.lower(): v for k, v in _DATA["months"].items()}
_FULL_MONTHS = [k for k in _DATA["months"] if len(k) > 4 or k in ("May", "June", "July")]
_WEEKDAYS: dict[str, int] = {k.lower(): v for k, v in _DATA["weekdays"].items()}
_NUMBERS: dict[str, int | None] = {k.lower(): v for k, v in _DATA["numbers"].items()}
_ORDINALS: dict[str, int] = {k.lower(): v for k, v in _DATA["ordinals"].items()}
_UNITS: dict[str, str] = _DATA["duration_units"]
_HOLIDAYS: dict[str, list[int]] = {k.lower(): v for k, v in _DATA["holidays"].items()}
_COUNT_NOUNS = frozenset(w.lower() for w in _DATA["count_nouns_after_year"])
_ARTICLE_CONTEXTS = frozenset(w.lower() for w in _DATA["article_duration_contexts"])
_WEEKDAY_NAME_PREFIXES = frozenset(w.lower() for w in _DATA["weekday_name_prefixes"])
_NON_PAST_ED = frozenset(w.lower() for w in _DATA["non_past_ed_words"])
_COMPARISON_BASE_PREPOSITIONS = frozenset(w.lower() for w in _DATA["comparison_base_prepositions"])
_NOT_DURATION_FOLLOWERS = frozenset(w.lower() for w in _DATA["not_duration_followers"])
_ARTICLE_DURATION_FOLLOWERS = frozenset(w.lower() for w in _DATA["article_duration_followers"])
_FUTURE_PREPOSITIONS = frozenset(_DATA["future_prepositions"])
_NAMED_DAY_RELATIVES: dict[str, int] = {k.lower(): v for k, v in _DATA["named_day_relatives"].items()}
_RELATIVE_STEPS: dict[str, int] = {k.lower(): v for k, v in _DATA["relative_steps"].items()}
_RELATIVE_DAYS: dict[str, int] = {k.lower(): v for k, v in _DATA["relative_days"].items()}
_QUARTER_RELATIVES: dict[str, int] = {k.lower(): v for k, v in _DATA["quarter_relatives"].items()}
_PAST_PREPOSITIONS = frozenset(_DATA["past_prepositions"])
# What ends a clause between a tense marker and the expression it would govern.
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]\"“”—–]|\s-\s")
# How many times the reach a marker before the expression in its own clause may lie.
_SAME_CLAUSE_REACH = 2
# Month-days, months and quarters take their tense only from nearby words.
_TENSE_REACH = 80

# Month names are proper nouns: matched case-sensitively so that "may" and "march" stay verbs.
_MON = rf"(?P<mon>(?:{_alt(_DATA['months'])})(?![A-Za-z])\.?)"
_MON_FULL = rf"(?P<mon>(?:{_alt(_FULL_MONTHS)})(?![A-Za-z]))"
_WD_NAMES = _alt(_DATA["weekdays"])
_WD_PREFIX = rf"(?:(?:{_WD_NAMES})\s*,?\s+)?"
_DAYNUM = r"(?P<day>[0-3]?[0-9])(?:st|nd|rd|th)?"
_YEAR4 = r"(?P<year>[12][0-9]{3})(?![0-9])"
_YEAR_SEP = r"(?:\s*,\s*|\s+)"
_NUM_WORDS = [w for w in _NUMBERS if w not in ("a", "an")]
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_ONES = "one|two|three|four|five|six|seven|eight|nine"
_NUM = (
    rf"(?P<num>(?:{_TENS})[-\s](?:{_ONES})|{_alt(_NUM_WORDS)}|[0-9]{{1,4}}(?:\.[0-9]+)?|an?)"
)
_UNIT = rf"(?P<unit>{_alt(_UNITS)}|fortnights?)"
_ADJ = rf"(?:(?P<adj>{_alt(_DATA['duration_unit_adjectives'])})[-\s]+)?"
_MOD = r"(?:(?P<mod>early|late|mid|the\s+end\s+of|the\s+start\s+of|the\s+beginning\s+of)[-\s]+)?"
_I = re.IGNORECASE
# A date stamp's parts (no named groups: they sit in blockers beside the date rules' own groups).
_STAMP_PLACE = r"[A-Z][A-Za-z.'’-]*(?:[ \t]+[A-Z][A-Za-z.'’-]*){0,3}"
_MON_ANY = rf"(?:{_alt(_DATA['months'])})\.?"
_STAMP_ISO = r"[12][0-9]{3}-[01][0-9]-[0-3][0-9](?![0-9])"
_STAMP_DATE_YEAR = (rf"(?:{_MON_ANY}[ \t]+[0-3]?[0-9](?:st|nd|rd|th)?,?[ \t]+[12][0-9]{{3}}"
                    rf"|[0-3]?[0-9](?:st|nd|rd|th)?[ \t]+{_MON_ANY},?[ \t]+[12][0-9]{{3}})(?![0-9A-Za-z])")
_STAMP_DATE = (rf"(?:{_MON_ANY}[ \t]+[0-3]?[0-9](?:st|nd|rd|th)?(?:,?[ \t]+[12][0-9]{{3}})?"
               rf"|[0-3]?[0-9](?:st|nd|rd|th)?[ \t]+{_MON_ANY}(?:,?[ \t]+[12][0-9]{{3}})?)(?![0-9A-Za-z])")
# "last week of March" / "the last month of the year" name another period than "last week".
_PERIOD_AFTER_OF = rf"(?:(?:{_alt(_DATA['months'])})\b|(?:the|this|next|last)\s+(?:year|month|quarter)\b|[12][0-9]{{3}}\b)"


@dataclass
class _Context:
    text: str
    ref: dt.date | None
    # The sentences (sorted spans) the tense of an expression is read in: extractor/segment.py's.
    sentences: Sequence[tuple[int, int]]
    _bounds: list[int] | None = None
    # Tense markers by the sentence range they were looked for in: most texts need them in a few
    # sentences only, and scanning the whole text was the largest cost of an article's dates.
    _markers: dict[tuple[int, int], tuple[list[tuple[int, int, str]], list[int]]] = field(default_factory=dict)

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """The sentences that hold the expression (from the start of the first to the end of the
        last; the text's edges where none does)."""
        if self._bounds is None:
            self._bounds = [s for s, _ in self.sentences]
        i = bisect.bisect_right(self._bounds, start) - 1
        j = bisect.bisect_right(self._bounds, max(start, end - 1)) - 1
        s = self.sentences[i][0] if i >= 0 and start < self.sentences[i][1] else 0
        e = self.sentences[j][1] if j >= 0 and end <= self.sentences[j][1] else len(self.text)
        return s, e

    def tense(self, start: int, end: int, reach: int | None = None) -> str | None:
        """'past' or 'future' from the tense cue nearest the expression in its sentence.

        "until Friday" / "since March" decide at once; otherwise the nearest marker within
        reach characters wins (a verb far away usually governs another clause).
        """
        before = _preceding_word(self.text, start)
        if before in _FUTURE_PREPOSITIONS:
            return "future"
        if before in _PAST_PREPOSITIONS:
            return "past"
        s0, e0 = s, e = self.sentence(start, end)
        if reach is not None:
            # A marker in the expression's own clause before it may lie further back ("would
            # restore a 25% tariff on cars and a 5% levy on parts from Dec. 15").
            s, e = max(s, start - _SAME_CLAUSE_REACH * reach), min(e, end + reach)
        cached = self._markers.get((s0, e0))
        if cached is None:
            found = self._find_markers(s0, e0)
            cached = self._markers[(s0, e0)] = (found, [m[0] for m in found])
        markers, marker_starts = cached
        best: tuple[int, str] | None = None
        same_clause: str | None = None
        i = bisect.bisect_left(marker_starts, s)
        while i < len(markers) and markers[i][0] < e:
            m_start, m_end, kind = markers[i]
            i += 1
            if m_end > e or (m_start < end and start < m_end):
                continue
            if m_end <= start and not _CLAUSE_BREAK.search(self.text, m_end, start):
                same_clause = kind  # the last one before the expression is the nearest
            if reach is not None and m_start < start - reach:
                continue
            # A verb after the expression governs it less often ("on Thursday to discuss tariffs
            # imposed on ..."): its distance counts three times.
            dist = start - m_end if m_end <= start else 3 * (m_start - end)
            if best is None or dist < best[0]:
                best = (dist, kind)
        # A verb before the expression in its own clause governs it ("due to meet in Brussels on
        # Saturday, a meeting arranged months ago"; "exemptions granted in March would not be
        # extended"): a marker after it belongs to another clause or to the main verb.
        if same_clause is not None:
            return same_clause
        return best[1] if best else None

    def _find_markers(self, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
        """The tense markers in text[start:end], sorted; start and end are sentence bounds.

        No marker spans a sentence bound (markers are words and "'ll"; sentences start after
        whitespace and end at a word's or a punctuation mark's end), so these are exactly the
        markers of a whole-text scan that lie in the sentence, and the scan can stop at its end."""
        text = self.text
        end = len(text) if end is None else end
        markers = [(m.start(), m.end(), "future") for m in _FUTURE.finditer(text, start, end)]
        # A past marker is a whole ASCII word (letters only, no word character or apostrophe beside
        # it) that is an irregular past form, or that ends in "ed", has four letters or more and is
        # not a known non-verb ("hundred").
        for m in _PAST_CANDIDATE.finditer(text, start, end):
            word = m.group().lower()
            if word in _NON_PAST_ED and word not in _PAST_WORDS:
                continue
            if text[max(0, m.start() - 3) : m.start()].lower() == "be ":
                continue
            # The participle of a compound adjective ("U.S.-made cars", "long-held") is no verb.
            if m.start() and text[m.start() - 1] == "-":
                continue
            markers.append((m.start(), m.end(), "past"))
        markers.sort()
        return markers


# Tries instead of flat alternations (the same matches, see textpatterns.trie_alternation): these
# two scans run over every article with a weekday or a month-day in it.
_FUTURE = re.compile(
    rf"(?=[{''.join(sorted({w[0].lower() + w[0].upper() for w in _DATA['future_markers']}))}'’])"
    rf"(?:(?<![\w'’])(?:{trie_alternation(w.lower() for w in _DATA['future_markers'])})|['’]ll)(?![\w'’])", _I)
# The words _find_markers keeps, found by the regex engine instead of a Python loop over every word.
# ASCII-only case folding, as str.lower() on an [A-Za-z] word gives (re.IGNORECASE would also let
# "ſ" or "K" (the Kelvin sign) in).
_PAST_CANDIDATE = re.compile(
    r"(?<![\w'’])(?:[A-Za-z]{2,}[eE][dD]|"
    + trie_alternation([w.lower() for w in _DATA["past_irregular_verbs"]], token=lambda ch: f"[{ch}{ch.upper()}]")
    + r")(?![\w'’])"
)
_PAST_WORDS = frozenset(w.lower() for w in _DATA["past_irregular_verbs"])


# ---- value helpers -------------------------------------------------------------------------


def _day(d: dt.date) -> str:
    return d.isoformat()


def _week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def _month(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def _shift_month(y: int, m: int, k: int) -> tuple[int, int]:
    i = y * 12 + (m - 1) + k
    return i // 12, i % 12 + 1


def _number(word: str) -> float | None:
    w = re.sub(r"\s+", " ", word.lower())
    if w in _NUMBERS:
        return _NUMBERS[w]
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", w):
        return float(w) if "." in w else int(w)
    parts = re.split(r"[-\s]", w)
    if len(parts) == 2 and parts[0] in _NUMBERS and parts[1] in _NUMBERS:
        return (_NUMBERS[parts[0]] or 0) + (_NUMBERS[parts[1]] or 0)
    return None


def _pick(candidates: list, ref_key, tense: str | None, horizon: int | None = None):
    """Nearest candidate to ref_key in the direction of the tense (ties go to the past).

    With a `horizon` (in the candidates' unit), the tense may not push the value further than that
    when a candidate lies within it: wire copy does not name a day almost a year back by month and
    day alone, and word-based tense cues are often wrong ("duties begin April 3" in a past-tense story).
    """
    nearest = min(candidates, key=lambda c: (abs(c[0] - ref_key), c[0] > ref_key))
    if tense == "past":
        pool = [c for c in candidates if c[0] <= ref_key] or candidates
    elif tense == "future":
        pool = [c for c in candidates if c[0] >= ref_key] or candidates
    else:
        pool = candidates
    chosen = min(pool, key=lambda c: (abs(c[0] - ref_key), c[0] > ref_key))
    if horizon is not None and abs(chosen[0] - ref_key) > horizon and abs(nearest[0] - ref_key) <= horizon:
        return nearest
    return chosen


def _year_of(match: re.Match) -> int | None:
    try:
        y = match.group("year")
    except IndexError:
        return None
    return int(y) if y else None


def _preceding_word(text: str, pos: int) -> str:
    m = re.search(r"([A-Za-z'’]+)\W*$", text[max(0, pos - 30) : pos])
    return m.group(1).lower() if m else ""


def _following_word(text: str, pos: int) -> str:
    m = re.match(r"\s*([A-Za-z%]+)", text[pos : pos + 30])
    return m.group(1).lower() if m else ""


# ---- handlers: (match, context) -> (value, grain) | None (no date) | _BLOCK ------------------

_BLOCK = ("", "block")
Result = tuple  # (value | None, grain)


def _full_date(m: re.Match, ctx: _Context) -> Result | None:
    month = _MONTHS[m.group("mon").rstrip(".").lower()]
    day = int(m.group("day"))
    if not 1 <= day <= 31:
        return None
    try:
        return _day(dt.date(int(m.group("year")), month, day)), DAY
    except ValueError:
        return None, DAY


def _month_day(m: re.Match, ctx: _Context) -> Result | None:
    month = _MONTHS[m.group("mon").rstrip(".").lower()]
    day = int(m.group("day"))
    if not 1 <= day <= 31:
        return None
    shared_year = _RANGE_YEAR_AFTER.match(ctx.text, m.end())
    if shared_year:  # "May 10 and 11, 2025": the year after the range is this day's too
        try:
            return _day(dt.date(int(shared_year.group(1)), month, day)), DAY
        except ValueError:
            return None, DAY
    if ctx.ref is None:
        return None, DAY
    candidates = []
    for y in (ctx.ref.year - 1, ctx.ref.year, ctx.ref.year + 1):
        try:
            d = dt.date(y, month, day)
        except ValueError:
            continue
        candidates.append((d.toordinal(), d))
    if not candidates:
        return None, DAY
    return _day(_pick(candidates, ctx.ref.toordinal(), ctx.tense(m.start(), m.end(), _TENSE_REACH), horizon=45)[1]), DAY


def _iso_date(m: re.Match, ctx: _Context) -> Result | None:
    try:
        return _day(dt.date(int(m.group("year")), int(m.group("m")), int(m.group("d")))), DAY
    except ValueError:
        return None


def _us_numeric(m: re.Match, ctx: _Context) -> Result | None:
    y = int(m.group("y"))
    if len(m.group("y")) == 2:
        y = _two_digit_year(y, ctx.ref)
    try:
        return _day(dt.date(y, int(m.group("m")), int(m.group("d")))), DAY
    except ValueError:
        return None


def _two_digit_year(yy: int, ref: dt.date | None) -> int:
    pivot = (ref.year % 100 if ref else 30) + 10
    century = (ref.year // 100 * 100) if ref else 2000
    return century + yy if yy <= pivot else century - 100 + yy


def _month_year(m: re.Match, ctx: _Context) -> Result | None:
    month = _MONTHS[m.group("mon").rstrip(".").lower()]
    return _month(int(m.group("year")), month), MONTH


def _bare_month(m: re.Match, ctx: _Context) -> Result | None:
    name = m.group("mon")
    rel = (m.group("rel") or "").lower()
    if name == "May" and not (rel or m.group("mod")):
        if _preceding_word(ctx.text, m.start()) not in _MONTH_PREPOSITIONS:
            return None
    month = _MONTHS[name.lower()]
    if ctx.ref is None:
        return None, MONTH
    ry, rm = ctx.ref.year, ctx.ref.month
    if rel == "this":
        return _month(ry, month), MONTH
    ref_key = ry * 12 + rm
    candidates = [((y * 12 + month), y) for y in (ry - 1, ry, ry + 1)]
    if _NAMED_DAY_RELATIVES.get(rel) == -1:
        key, y = max(c for c in candidates if c[0] < ref_key)
    elif _NAMED_DAY_RELATIVES.get(rel) == 1:
        key, y = min(c for c in candidates if c[0] > ref_key)
    else:
        key, y = _pick(candidates, ref_key, ctx.tense(m.start(), m.end(), _TENSE_REACH))
    return _month(y, month), MONTH


_NAME_BREAKERS = frozenset(w.lower() for w in _DATA["name_breakers"])
_MONTH_PREPOSITIONS = frozenset(w.lower() for w in _DATA["month_prepositions"])


def _year(m: re.Match, ctx: _Context) -> Result | None:
    following = re.match(r"\s*([A-Za-z%]+)", ctx.text[m.end() : m.end() + 30])
    if following and following.group(1).lower() in _COUNT_NOUNS:
        return None
    # Inside a name ("the Russell 2000 Index", "Windows 2000 Server"): capitalized on both sides.
    before = re.search(r"([A-Za-z]+)\s+$", ctx.text[max(0, m.start() - 30) : m.start()])
    if (before and following and before.group(1)[0].isupper() and following.group(1)[0].isupper()
            and before.group(1).lower() not in _MONTH_PREPOSITIONS | _NAME_BREAKERS):
        return None
    return m.group("year"), YEAR


def _short_year(m: re.Match, ctx: _Context) -> Result | None:
    return f"{_two_digit_year(int(m.group('yy')), ctx.ref):04d}", YEAR


def _quarter(q: int, year: int | None, m: re.Match, ctx: _Context) -> Result:
    if year is not None:
        return f"{year:04d}-Q{q}", QUARTER
    if ctx.ref is None:
        return None, QUARTER
    ry, rq = ctx.ref.year, (ctx.ref.month - 1) // 3 + 1
    candidates = [(y * 4 + q - 1, y) for y in (ry - 1, ry, ry + 1)]
    _, y = _pick(candidates, ry * 4 + rq - 1, ctx.tense(m.start(), m.end(), _TENSE_REACH))
    return f"{y:04d}-Q{q}", QUARTER


def _relative_year(rel: str, ref: dt.date | None) -> int | None:
    rel = re.sub(r"\s+", " ", (rel or "").lower()).strip()
    if ref is None:
        return None
    return ref.year + _RELATIVE_STEPS.get(rel, 0)


def _ordinal_quarter(m: re.Match, ctx: _Context) -> Result | None:
    word = m.group("ord").lower()
    year = _year_of(m)
    if year is None and m.group("rel"):
        year = _relative_year(m.group("rel"), ctx.ref)
        if year is None:
            return None, QUARTER
    if word in ("last", "final"):
        if year is not None or word == "final":
            return _quarter(4, year, m, ctx)
        return _relative_quarter(-1, ctx)
    return _quarter(_ORDINALS[word], year, m, ctx)


def _relative_quarter(step: int, ctx: _Context) -> Result:
    if ctx.ref is None:
        return None, QUARTER
    i = ctx.ref.year * 4 + (ctx.ref.month - 1) // 3 + step
    return f"{i // 4:04d}-Q{i % 4 + 1}", QUARTER


def _q_quarter(m: re.Match, ctx: _Context) -> Result | None:
    year = _year_of(m)
    if year is None and m.group("yy"):
        year = _two_digit_year(int(m.group("yy")), ctx.ref)
    return _quarter(int(m.group("q")), year, m, ctx)


def _rel_quarter(m: re.Match, ctx: _Context) -> Result | None:
    rel = m.group("rel").lower()
    step = _QUARTER_RELATIVES[rel]
    return _relative_quarter(step, ctx)


def _weekday(m: re.Match, ctx: _Context) -> Result | None:
    if _preceding_word(ctx.text, m.start()) in _WEEKDAY_NAME_PREFIXES and not m.group("rel"):
        return None
    if ctx.ref is None:
        return None, DAY
    target = _WEEKDAYS[m.group("wd").lower()]
    rel = (m.group("rel") or "").lower()
    back = (ctx.ref.weekday() - target) % 7  # days back to the most recent one, today included
    ahead = (target - ctx.ref.weekday()) % 7
    if _NAMED_DAY_RELATIVES.get(rel) == -1:
        offset = -(back or 7)
    elif _NAMED_DAY_RELATIVES.get(rel) == 1:
        offset = ahead or 7
    else:
        tense = ctx.tense(m.start(), m.end())
        if tense is None:
            tense = "future" if rel == "this" else "past"
        offset = ahead if tense == "future" else -back
    return _day(ctx.ref + dt.timedelta(days=offset)), DAY


def _relative_day(m: re.Match, ctx: _Context) -> Result | None:
    if ctx.ref is None:
        return None, DAY
    word = re.sub(r"\s+", " ", m.group("word").lower())
    offset = _RELATIVE_DAYS[word]
    return _day(ctx.ref + dt.timedelta(days=offset)), DAY


def _relative_unit(m: re.Match, ctx: _Context) -> Result | None:
    unit = m.group("unit").lower()
    rel = re.sub(r"\s+", " ", m.group("rel").lower())
    grain = {"week": WEEK, "month": MONTH, "year": YEAR}[unit]
    if rel == "the past":  # "the past week" is a duration (as in MEANTIME); "last week" a week
        return f"P1{unit[0].upper()}", DURATION
    if ctx.ref is None:
        return None, grain
    step = _RELATIVE_STEPS.get(rel, 0)
    if unit == "week":
        return _week(ctx.ref + dt.timedelta(weeks=step)), WEEK
    if unit == "month":
        return _month(*_shift_month(ctx.ref.year, ctx.ref.month, step)), MONTH
    return f"{ctx.ref.year + step:04d}", YEAR


def _ago(m: re.Match, ctx: _Context) -> Result | None:
    n = _number(m.group("num"))
    unit = m.group("unit").lower().rstrip("s")
    if n is None or isinstance(n, float) or unit not in _UNITS:
        return None
    # "fell 5% in May from a year earlier": the base of a comparison (the same month a year back),
    # not a calendar year of its own; blocked so that "a year" is not read as a duration either.
    if _preceding_word(ctx.text, m.start()) in _COMPARISON_BASE_PREPOSITIONS:
        return _BLOCK
    grain = {"day": DAY, "week": DAY, "month": MONTH, "year": YEAR, "decade": YEAR}[unit]
    if ctx.ref is None:
        return None, grain
    try:
        if unit in ("day", "week"):
            return _day(ctx.ref - dt.timedelta(days=n * (7 if unit == "week" else 1))), DAY
        if unit == "month":
            return _month(*_shift_month(ctx.ref.year, ctx.ref.month, -n)), MONTH
        y = ctx.ref.year - n * (10 if unit == "decade" else 1)
        return (f"{y:04d}", YEAR) if y > 0 else (None, YEAR)
    except (OverflowError, ValueError):
        return None, grain


def _duration(m: re.Match, ctx: _Context) -> Result | None:
    following = _following_word(ctx.text, m.end())
    if following in _NOT_DURATION_FOLLOWERS:
        return _BLOCK
    num_text = m.group("num")
    if (num_text.lower() in ("a", "an") and following not in _ARTICLE_DURATION_FOLLOWERS
            and _preceding_word(ctx.text, m.start()) not in _ARTICLE_CONTEXTS):
        return None
    n = _number(num_text)
    if n is None or isinstance(n, float) or n <= 0:
        return None
    unit = m.group("unit").lower()
    if unit.startswith("fortnight"):
        return f"P{2 * n}W", DURATION
    code = _UNITS[unit]
    if code.startswith("10"):
        return f"P{10 * n}Y", DURATION
    return f"P{n}{code}", DURATION


def _past_unit(m: re.Match, ctx: _Context) -> Result | None:
    unit = m.group("unit").lower()
    code = _UNITS[unit]
    return ("P10Y" if code == "10Y" else f"P1{code}"), DURATION


def _holiday(m: re.Match, ctx: _Context) -> Result | None:
    month, day = _HOLIDAYS[re.sub(r"\s+", " ", m.group("name").lower()).replace("’", "'")]
    year = _year_of(m)
    if year is not None:
        return _day(dt.date(year, month, day)), DAY
    if ctx.ref is None:
        return None, DAY
    candidates = [(dt.date(y, month, day).toordinal(), dt.date(y, month, day))
                  for y in (ctx.ref.year - 1, ctx.ref.year, ctx.ref.year + 1)]
    return _day(_pick(candidates, ctx.ref.toordinal(), ctx.tense(m.start(), m.end()))[1]), DAY


def _block(m: re.Match, ctx: _Context) -> Result:
    return _BLOCK


def _range_start(m: re.Match, ctx: _Context) -> Result | None:
    """The first number of "between 60 and 90 days" takes the unit of the second."""
    return _duration(m, ctx)


def _month_of_relative_year(m: re.Match, ctx: _Context) -> Result | None:
    month = _MONTHS[m.group("mon").rstrip(".").lower()]
    year = _relative_year(m.group("rel"), ctx.ref)
    return (_month(year, month), MONTH) if year is not None else (None, MONTH)


def _month_day_of_relative_year(m: re.Match, ctx: _Context) -> Result | None:
    """"March 9 next year": the day in the year the relative word names."""
    year = _relative_year(m.group("rel"), ctx.ref)
    if year is None:
        return None, DAY
    try:
        return _day(dt.date(year, _MONTHS[m.group("mon").rstrip(".").lower()], int(m.group("day")))), DAY
    except ValueError:
        return None


def _month_range_quarter(m: re.Match, ctx: _Context) -> Result | None:
    """"the January-March quarter" (South Asian and trade-press style) is the calendar quarter
    those months span; months that are not a quarter's first and last are no quarter."""
    first, last = (_MONTHS[m.group(g).lower()] for g in ("m1", "m2"))
    if first % 3 != 1 or last != first + 2:
        return None
    return _quarter((first - 1) // 3 + 1, _year_of(m), m, ctx)


_RANGE_YEAR_AFTER = re.compile(r"(?:\s+and\s+|\s*[-–]\s*|\s+to\s+)[0-3]?[0-9](?:st|nd|rd|th)?\s*,\s*([12][0-9]{3})(?![0-9])")
_RANGE_START_DAY = re.compile(rf"{_MON}\s+[0-3]?[0-9](?:st|nd|rd|th)?(?:\s+and\s+|\s*[-–]\s*|\s+to\s+)$")


def _range_end_day(m: re.Match, ctx: _Context) -> Result | None:
    """The second day of "May 10 and 11, 2025" / "May 10-11, 2025": its month is the first day's;
    the year the two share (the first day, "May 10", is read on its own and takes its year the
    usual way)."""
    head = _RANGE_START_DAY.search(ctx.text, max(0, m.start() - 24), m.start())
    if head is None:
        return None
    try:
        day = dt.date(int(m.group("year")), _MONTHS[head.group("mon").rstrip(".").lower()], int(m.group("day")))
    except ValueError:
        return None
    return _day(day), DAY


def _relative_year_phrase(m: re.Match, ctx: _Context) -> Result | None:
    """"the year before": the year before the last year named (resolved after selection)."""
    return "@year_prior", YEAR


def _week_of_month(m: re.Match, ctx: _Context) -> Result | None:
    """ISO weeks belong to the month that holds their Thursday: first/last such week of it."""
    month = _MONTHS[m.group("mon").rstrip(".").lower()]
    year = _year_of(m)
    if year is None:
        if ctx.ref is None:
            return None, WEEK
        candidates = [(y * 12 + month, y) for y in (ctx.ref.year - 1, ctx.ref.year, ctx.ref.year + 1)]
        year = _pick(candidates, ctx.ref.year * 12 + ctx.ref.month, ctx.tense(m.start(), m.end(), _TENSE_REACH))[1]
    first = dt.date(year, month, 1)
    thursdays = [first + dt.timedelta(days=(3 - first.weekday()) % 7 + 7 * k) for k in range(5)]
    thursdays = [d for d in thursdays if d.month == month]
    which = m.group("ord").lower()
    index = -1 if which in ("last", "final") else _ORDINALS.get(which, 1) - 1
    if index >= len(thursdays):
        return None, WEEK
    return _week(thursdays[index]), WEEK


_DAY_ANAPHOR_CONTEXTS = frozenset(w.lower() for w in _DATA["day_anaphor_contexts"])


def _anaphor(m: re.Match, ctx: _Context) -> Result | None:
    """Resolved after selection from the nearest date before it (see _resolve_anaphors)."""
    day = m.group("day")
    if day and re.fullmatch(r"the\s+day", day, _I) and _preceding_word(ctx.text, m.start()) not in _DAY_ANAPHOR_CONTEXTS:
        return None
    kind = "same_day" if day else "year_before"
    return (f"@{kind}", DAY if kind == "same_day" else MONTH)


# ---- the rules -----------------------------------------------------------------------------

# Python's re only skips ahead quickly when a pattern starts with a character class: each rule
# names the characters its matches can start with (`first`).
_NUMBER_START = "0-9aotfsenhdAOTFSENHD"


@dataclass(frozen=True)
class _Rule:
    """One date rule. On overlapping matches the longest wins, then the earlier rule in _RULES.

    `anchor` says where the rule is scanned ("whole": the whole text; else windows around the
    anchors below). Cheap tests skip a rule on a text that cannot hold a match: `gate` (a regex
    for a rare literal), `words` (one must be in the lower-cased text; "ſ" counts as "s" there, as
    for re.IGNORECASE) and `cased` (one must be in the text as written).
    """

    pattern: re.Pattern
    handler: Callable[[re.Match, _Context], Result | None]
    anchor: str = "whole"
    gate: re.Pattern | None = None
    words: tuple[str, ...] = ()
    cased: tuple[str, ...] = ()


# Where a line starts: after a newline or at the text's start. A rule opening with it can only
# match there, so it is tried at each line's start instead of scanned over the text.
_LINE_START = r"(?:(?<=\n)|(?<![\s\S]))"


def _top_level_branches(raw: str) -> list[str]:
    """The alternatives of a pattern split at its top-level "|" (none inside groups or classes)."""
    branches, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(raw):
        ch = raw[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            branches.append(raw[start:i])
            start = i + 1
        i += 1
    return branches + [raw[start:]]


def _line_start_matches(pattern: re.Pattern, text: str, line_starts: list[int]) -> Iterator[re.Match]:
    """The matches finditer gives for a rule that can only match where a line starts."""
    end = 0
    for pos in line_starts:
        if pos < end:
            continue  # inside the previous match, as finditer goes on after it
        m = pattern.match(text, pos)
        if m is not None:
            yield m
            end = m.end()


def _rule(pattern: re.Pattern, handler, *, first: str, gate: str | None = None, words: tuple[str, ...] = (),
          cased: tuple[str, ...] = (), whole: bool = False, line_start: bool = False) -> _Rule:
    """whole=True: scan the whole text (for rules whose matches start far from any anchor).
    line_start=True: a rule every branch of which opens with _LINE_START, tried only where a line
    starts (tests/normalize/test_dates_windows.py holds it to the whole-text scan)."""
    raw = pattern.pattern
    anchor = "whole"
    if handler in (_ago, _duration, _range_start, _relative_unit, _past_unit, _relative_year_phrase, _anaphor) or "olds" in raw:
        anchor = "unit"
    # Every rule with a month name has it as a mandatory part (tests/normalize check this).
    if "(?P<mon>" in raw:
        anchor = "month"
    if handler in (_year, _short_year, _q_quarter, _iso_date, _us_numeric) or (handler is _block and "olds" not in raw):
        anchor = "digits"
    if whole:
        anchor = "whole"
    if line_start:
        if not all(branch.startswith(_LINE_START) for branch in _top_level_branches(raw)):
            raise ValueError(f"a line_start rule must open every branch with {_LINE_START}: {raw[:60]}")
        anchor = "line"
    compiled = re.compile(f"(?=[{first}])(?<![A-Za-z0-9])(?:{raw})", pattern.flags)
    return _Rule(compiled, handler, anchor, re.compile(gate) if gate else None, words, cased)


_RULES: list[_Rule] = [
    _rule(re.compile(rf"{_WD_PREFIX}{_MON}\s+{_DAYNUM}(?![0-9:]){_YEAR_SEP}{_YEAR4}"), _full_date, first='JFMASONDTW'),
    _rule(re.compile(rf"{_WD_PREFIX}(?<![0-9.,])(?:the\s+)?{_DAYNUM}(?:\s+of)?\s+{_MON}{_YEAR_SEP}{_YEAR4}"),
          _full_date, first='MTWFSt0-9'),
    _rule(re.compile(rf"{_WD_PREFIX}{_MON}\s+{_DAYNUM}(?![0-9:.,]?[0-9])(?![A-Za-z%])(?!\s*(?:%|percent|a\.m|p\.m))"),
          _month_day, first='JFMASONDTW'),
    _rule(re.compile(rf"{_WD_PREFIX}(?<![0-9.,$])(?:the\s+)?{_DAYNUM}(?:\s+of)?\s+{_MON}"), _month_day, first='MTWFSt0-9'),
    _rule(re.compile(r"(?<![0-9-])(?P<year>[12][0-9]{3})-(?P<m>[01][0-9])-(?P<d>[0-3][0-9])(?![0-9-])"), _iso_date, first='12', gate='[0-9]-[0-9]'),
    _rule(re.compile(r"(?<![0-9/.])(?P<m>[01]?[0-9])/(?P<d>[0-3]?[0-9])/(?P<y>[0-9]{4}|[0-9]{2})(?![0-9/])"),
          _us_numeric, first='0-9', gate='[0-9]/[0-9]'),
    _rule(re.compile(rf"(?:(?:early|late|mid)[-\s]+)?{_MON}(?:\s+of|\s*,|-)?\s*{_YEAR4}"), _month_year, first='eElLmMJFASOND'),
    _rule(re.compile(rf"(?:(?P<rel>(?i:{_alt(_NAMED_DAY_RELATIVES)}))\s+|(?P<mod>(?i:early|late|mid))[-\s]+)?{_MON_FULL}"),
          _bare_month, first='lLnNtTpPcCeEmMJFASOND'),
    _rule(re.compile(r"(?:(?i:early|late|mid)[-\s]+)?(?<![\w$€£¥.,/])(?<![0-9]-)(?P<year>1[6-9][0-9]{2}|20[0-9]{2}|21[0-9]{2})"
                r"(?![0-9]|[.,][0-9]|[A-Za-z]|(?<=0)['’]s\b|\s*(?:%|percent))"), _year, first='eElLmM12'),
    _rule(re.compile(r"(?<![\w'’])(?i:in|since|of|from|to|until|by|and|the|class\s+of)\s+['’](?P<yy>[0-9]{2})(?![\w'’])"),
          _short_year, first='iIsSoOfFtTuUbBaAcC', gate="['’][0-9]"),
    _rule(re.compile(
        r"(?:the\s+)?(?P<ord>first|second|third|fourth|final|last|1st|2nd|3rd|4th)[-\s]+quarter"
        r"(?:(?:\s+of|,)?\s+(?:(?:fiscal|calendar)\s+)?(?:(?P<year>[12][0-9]{3})(?![0-9])"
        r"|(?P<rel>this|last|next|the\s+previous|the\s+current|the\s+same|the|the\s+next|the\s+following)\s+year))?",
        _I), _ordinal_quarter, first='tTfFsSlL1-4', words=('quarter',)),
    _rule(re.compile(r"(?<![\w-])[Qq](?P<q>[1-4])(?:\s+(?:of\s+)?(?P<year>[12][0-9]{3})(?![0-9])|\s*['’](?P<yy>[0-9]{2}))?(?![\w])"),
          _q_quarter, first='Qq', gate='[Qq][1-4]'),
    _rule(re.compile(r"(?<![\w-])(?P<year>[12][0-9]{3})\s*[-/]?\s*Q(?P<q>[1-4])(?!\w)(?P<yy>)"), _q_quarter, first='12', gate='Q[1-4]'),
    _rule(re.compile(rf"\b(?:the\s+)?(?P<rel>{_alt(_QUARTER_RELATIVES)})\s+quarter\b", _I),
          _rel_quarter, first='tTlLnNcCpPfF', words=('quarter',)),
    _rule(re.compile(rf"(?:(?P<rel>(?i:{_alt(_NAMED_DAY_RELATIVES)}))\s+)?(?P<wd>{_WD_NAMES})(?![\w])"), _weekday, first='lLnNtTpPcCMWFS', cased=tuple(_DATA["weekdays"])),
    _rule(re.compile(r"\b(?P<word>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|today|yesterday|tomorrow)\b", _I),
          _relative_day, first='tTyY', words=('today', 'yesterday', 'tomorrow')),
    _rule(re.compile(r"\b(?:(?:earlier|later|late|early)\s+(?:in\s+)?)?(?:(?:the\s+)?(?:end|start|beginning|middle|rest|remainder|"
                r"close|balance|first\s+half|second\s+half|course)\s+of\s+)?"
                r"(?P<rel>last|next|this|the\s+past|the\s+previous|the\s+coming|the\s+current|the\s+following|"
                rf"the\s+next|the\s+last)\s+(?P<unit>week|month|year)\b(?!-|\s+of\s+{_PERIOD_AFTER_OF})", _I), _relative_unit, first='eElLtTsSbBmMrRcCfFnN', words=('week', 'month', 'year')),
    _rule(re.compile(r"\b(?:the\s+)?(?:end|start|beginning|middle|rest|remainder|close|balance)\s+of\s+(?P<rel>the)\s+"
                r"(?P<unit>year|month)\b", _I), _relative_unit, first='tTeEsSbBmMrRcC', words=('year', 'month')),
    _rule(re.compile(rf"(?<![\w$€£.,-]){_NUM}[-\s]+(?P<unit>days?|weeks?|months?|years?|decades?)\s+(?:ago|earlier)\b", _I), _ago, first=_NUMBER_START),
    _rule(re.compile(rf"(?<![\w$€£.,-]){_NUM}[-\s]+{_ADJ}{_UNIT}(?![\w-])", _I), _duration, first=_NUMBER_START),
    _rule(re.compile(r"\b(?:(?:over|in|during|within|throughout)\s+the\s+(?:past|last)|the\s+past)\s+(?P<unit>week|month|year|decade)\b"
                r"(?!-|\s+of\b)", _I), _past_unit, first='oOiIdDwWtT', words=('past', 'last')),
    _rule(re.compile(rf"(?:(?P<year>[12][0-9]{{3}})\s+)?(?P<name>{_alt(_DATA['holidays'])}|New\s+Year['’]s\s+(?:Day|Eve))"),
          _holiday, first='12CNIB', gate='Christmas|New Year|Independence Day|Boxing Day'),
    _rule(re.compile(rf"(?<![\w$€£.,-]){_NUM}(?=\s*(?:and|to|or|-|–)\s*(?:[0-9]{{1,4}}|{_alt(_NUM_WORDS)})[-\s]+{_ADJ}{_UNIT}(?![\w-]))", _I),
          _range_start, first=_NUMBER_START),
    _rule(re.compile(rf"{_MON_FULL}\s+(?:of\s+)?(?P<rel>next|last|this)\s+year\b"), _month_of_relative_year, first='JFMASOND'),
    _rule(re.compile(rf"{_MON}\s+{_DAYNUM}(?![0-9])\s*,?\s+(?:of\s+)?(?P<rel>next|last|this)\s+year\b"), _month_day_of_relative_year,
          first='JFMASOND'),
    _rule(re.compile(rf"(?:the\s+)?(?P<m1>{_alt(_DATA['months'])})\.?\s*[-–]\s*(?P<m2>{_alt(_DATA['months'])})\.?\s+quarter\b"
                     rf"(?:\s+(?:of\s+)?{_YEAR4})?"), _month_range_quarter, first='tJFMASOND', words=('quarter',)),
    _rule(re.compile(rf"{_DAYNUM}\s*,\s*{_YEAR4}"), _range_end_day, first='0-9',
          gate=r'[0-9]\s*(?:and|to|[-–])\s*[0-9]{1,2}\s*,\s*[12][0-9]{3}'),
    _rule(re.compile(r"\bthe\s+(?:year|twelve\s+months|12\s+months)\s+(?:before|previous|prior|earlier)\b", _I), _relative_year_phrase, first='tT'),
    _rule(re.compile(rf"\bthe\s+(?P<ord>(?i:first|second|third|fourth|last|final))\s+(?i:week)\s+of\s+{_MON_FULL}(?:,?\s+{_YEAR4})?"),
          _week_of_month, first='tT'),
    _rule(re.compile(r"\b(?:(?P<day>the\s+same\s+day|that\s+(?:same\s+)?day|the\s+day)"
                r"(?!\s+(?:after|before|of|when|that|which|on|to|in|and|or|the)\b)|"
                r"the\s+same\s+(?:month|period|quarter|time)\s+(?:a\s+year\s+(?:ago|earlier|before)|last\s+year|"
                r"the\s+previous\s+year|of\s+last\s+year|the\s+year\s+before))\b", _I), _anaphor, first='tT'),
    # Blockers: not dates, but they must out-compete the shorter date-looking pieces inside them.
    # A date stamp: a line that holds only a place and a date ("Brussels, 29 October 2024",
    # "Hanoi, July 3 - ..." opening a release) is the document's own date, not one it reports.
    _rule(re.compile(rf"(?:(?<=\n)|(?<![\s\S])){_STAMP_PLACE},[ \t]*{_STAMP_DATE}(?=[ \t]*(?:\r?\n|$|[-–—][ \t]))"),
          _block, first='A-Z', gate=r'(?:^|\n)[A-Z][^\n]{0,40},[ \t]*[0-9A-Z]', line_start=True),
    # Page stamps: a line opening with a "date" label, or holding only a date with its year
    # ("date 2025-03-04 ...", "12 March 2025", "Mar 12, 2025"): the page's date, not a reported one.
    # (The line's end is part of the match: a blocker must be longer than the date inside it.)
    _rule(re.compile(rf"(?:(?<=\n)|(?<![\s\S]))[ \t]*(?:[Dd]ate|DATE)[ \t]*:?[ \t]*(?:{_STAMP_DATE}|{_STAMP_ISO})"
                     rf"|(?:(?<=\n)|(?<![\s\S]))[ \t]*(?:(?:{_WD_NAMES}),?[ \t]+)?(?:{_STAMP_DATE_YEAR}|{_STAMP_ISO})[ \t]*(?:\r?\n|$)"),
          _block, first=' \tDdMTWFS0-9A-Z', gate=r'(?:^|\n)[ \t]*(?:[Dd]ate|DATE|[A-Z][a-z]{2,8}\.?,?[ \t]+[0-9A-Z]|[0-9])', line_start=True),
    # "Updated: March 3, 2025", "Published 12 May 2025", "© 2025 Reuters": page furniture.
    _rule(re.compile(rf"(?:(?:Last\s+)?(?:Updated|Published|Posted)\s*(?:on\s*)?:?\s*(?:{_WD_NAMES}\s*,?\s*)?{_STAMP_DATE}"
                     rf"|(?:©|\([cC]\)|Copyright)\s*(?:[0-9]{{4}}\s*[-–]\s*)?[0-9]{{4}})"),
          _block, first='LUPC©(', gate='Updated|Published|Posted|©|\\([cC]\\)|Copyright', whole=True),
    # An order's or a paper's number "(2025-3)" is no year.
    _rule(re.compile(r"\([12][0-9]{3}-[0-9]{1,4}\)"), _block, first='(', gate=r'\([12][0-9]{3}-[0-9]'),
    _rule(re.compile(rf"(?<![\w$€£.,-])(?:[0-9]+|{_alt(_NUM_WORDS)})[-\s]+(?:years?|months?|weeks?|days?)[-\s]+olds?\b", _I),
          _block, first=_NUMBER_START, words=('old',)),
    _rule(re.compile(r"(?:\b(?:the\s+)?(?:mid[-\s]+)?(?:[12][0-9])?[0-9]0['’]?s\b|['’][0-9]0s\b)", _I), _block, first="tTmM0-9'’", words=('0s', "0'", '0’')),
    _rule(re.compile(r"(?:US|C|A|HK|NZ|S)?[$€£¥]\s?[0-9][0-9,.]*(?:\s*(?:million|billion|trillion|bn|m)\b)?"), _block, first='UCAHNS$€£¥', gate='[$€£¥]'),
    _rule(re.compile(r"(?<![\w.])[0-9][0-9,]*(?:\.[0-9]+)?\s*(?:%|percent\b|per\s+cent\b|million\b|billion\b|trillion\b)", _I),
          _block, first='0-9'),
    _rule(re.compile(r"\b[0-9]{1,2}(?::[0-9]{2})?\s*(?:a\.m\.|p\.m\.|am\b|pm\b|GMT\b|EST\b|EDT\b|ET\b|UTC\b)", _I), _block, first='0-9'),
    _rule(re.compile(r"\b[0-9]{1,2}:[0-9]{2}\b"), _block, first='0-9', gate=':'),
]

# Anchored rules: every match of such a rule contains an anchor word (a unit word like "day" or
# "years"; a month name), starts within BEFORE characters before it, and its match and
# lookaheads end within AFTER characters after it (the longest forms, "earlier in the beginning
# of the following year", "Wednesday, the 23rd of", reach about 45 before; single spaces assumed).
# Such rules are scanned only in windows around their anchors instead of over the whole text:
# a date-free stretch of an article costs one anchor scan instead of one scan per rule.
# Unit words anchor the number-word rules ("a", "two" start them), "last/next/this week", "the
# past year", "the year before", "the same day".
_UNIT_WORD = re.compile(caseless_alternation(["day", "week", "month", "year", "decade", "fortnight"])
                        + caseless("s") + "?(?![A-Za-z])")
# Month names, case-sensitive like _MON ("may" and "march" are verbs).
_MONTH_WORD = re.compile(rf"(?:{trie_alternation(_DATA['months'])})(?![A-Za-z])")
# Digit runs anchor the numeric rules (years, "Q1", "'09", money, percentages, times of day), which
# start at most a few characters before their first digit ("mid-", "US$", "class of '").
# One match per cluster of digits at most before + after characters apart, whose windows would
# merge anyway: the regex engine chains them instead of a Python loop over every digit run.
_DIGITS_BEFORE, _DIGITS_AFTER = 16, 32
_DIGITS = re.compile(rf"[0-9](?:[\s\S]{{0,{_DIGITS_BEFORE + _DIGITS_AFTER}}}?[0-9])*")
# name -> (anchor, characters before, characters after, the anchor must start a word)
_ANCHORS = {"unit": (_UNIT_WORD, 64, 16, True), "month": (_MONTH_WORD, 64, 32, True),
            "digits": (_DIGITS, _DIGITS_BEFORE, _DIGITS_AFTER, False)}


_NEWLINE = re.compile(r"\n")


def _anchor_windows(text: str, anchor: re.Pattern, before: int, after: int, word_start: bool) -> list[tuple[int, int]]:
    windows: list[tuple[int, int]] = []
    for m in anchor.finditer(text):
        # A word anchor must start a word. Checked here rather than by a leading lookbehind, which
        # would keep the regex engine from skipping ahead to the anchors' first letters.
        if word_start and m.start() and text[m.start() - 1].isascii() and text[m.start() - 1].isalpha():
            continue
        s, e = max(0, m.start() - before), min(len(text), m.end() + after)
        if windows and s <= windows[-1][1]:
            windows[-1] = (windows[-1][0], e)
        else:
            windows.append((s, e))
    return windows


def _as_date(ref) -> dt.date | None:
    if isinstance(ref, dt.datetime):
        return ref.date()
    if isinstance(ref, dt.date):
        return ref
    return None


def find_dates(
    text: str, ref_date: dt.date | None, *, exclude: Sequence[tuple[int, int]] = (),
    sentences: Sequence[tuple[int, int]] | None = None, anchor_windows: bool = True,
) -> list[DateMatch]:
    """Every date expression in text, sorted by start, non-overlapping (the longest wins).

    sentences: the text's sentences (sorted spans), where the tense of a weekday or month-day is
    read; by default extractor/segment.py's split_sentences(text), as the pipeline passes them.

    anchor_windows=False scans every rule over the whole text: slower, and the reference that the
    windows are tested against (tests/normalize/test_dates_windows.py)."""
    if not isinstance(text, str) or not text:
        return []
    ctx = _Context(text, _as_date(ref_date), split_sentences(text) if sentences is None else sentences)
    spans = [(int(s), int(e)) for s, e in exclude]
    candidates: list[tuple[int, int, int, Result]] = []
    windows = {"whole": [(0, len(text))]}
    low = text.lower()
    if "ſ" in low:
        low = low.replace("ſ", "s")
    for priority, rule in enumerate(_RULES):
        if rule.words and not any(w in low for w in rule.words):
            continue
        if rule.cased and not any(w in text for w in rule.cased):
            continue
        if rule.gate is not None and not rule.gate.search(text):
            continue
        anchor = rule.anchor if anchor_windows else "whole"
        if anchor == "line":
            if "line" not in windows:
                windows["line"] = [0] + [m.end() for m in _NEWLINE.finditer(text)]
            found = _line_start_matches(rule.pattern, text, windows["line"])
        else:
            if anchor not in windows:
                windows[anchor] = _anchor_windows(text, *_ANCHORS[anchor])
            found = (m for ws, we in windows[anchor] for m in rule.pattern.finditer(text, ws, we))
        for m in found:
            start, end = m.span()
            if start == end or any(s < end and start < e for s, e in spans):
                continue
            try:
                result = rule.handler(m, ctx)
            except (ValueError, OverflowError, KeyError, IndexError):
                result = None
            if result is not None:
                candidates.append((start, end, priority, result))
    candidates.sort(key=lambda c: (c[0] - c[1], c[0], c[2]))
    taken: list[tuple[int, int, Result]] = []
    used = bytearray(len(text))
    for start, end, _, result in candidates:
        if not any(used[start:end]):
            used[start:end] = b"\x01" * (end - start)
            taken.append((start, end, result))
    taken.sort()
    matches = [DateMatch(text[s:e], s, e, value, grain) for s, e, (value, grain) in taken if grain != "block"]
    return [_in_calendar(m) for m in _resolve_anaphors(matches, ctx.ref)]


_YEAR_PREFIX = re.compile(r"^(\d+)")


def _in_calendar(m: DateMatch) -> DateMatch:
    """Relative arithmetic at the calendar's edges ("next year" from 9999-12-31) has no ISO value."""
    if m.value is None or m.grain == "duration":
        return m
    year = _YEAR_PREFIX.match(m.value)
    if year is None or (len(year.group(1)) == 4 and 1 <= int(year.group(1)) <= 9999):
        return m
    return DateMatch(m.text, m.start, m.end, None, m.grain)


def _resolve_anaphors(matches: list[DateMatch], ref: dt.date | None) -> list[DateMatch]:
    """"the same day" takes the last day named before it (else the reference day); "the same
    month last year" the last month or quarter named before it, a year back."""
    out: list[DateMatch] = []
    last_day: str | None = ref.isoformat() if ref else None
    last_period: tuple[str, str] | None = (_month(ref.year, ref.month), MONTH) if ref else None
    last_year: int | None = ref.year if ref else None
    for m in matches:
        if m.value == "@year_prior":
            m = DateMatch(m.text, m.start, m.end, f"{last_year - 1:04d}" if last_year else None, YEAR)
        elif m.value == "@same_day":
            m = DateMatch(m.text, m.start, m.end, last_day, DAY)
        elif m.value == "@year_before":
            value, grain = last_period if last_period else (None, MONTH)
            if value is not None:
                value = f"{int(value[:4]) - 1:04d}{value[4:]}"
            m = DateMatch(m.text, m.start, m.end, value, grain)
        elif m.value and m.grain == DAY and m.value[:1].isdigit():
            last_day = m.value
        elif m.value and m.grain in (MONTH, QUARTER):
            last_period = (m.value, m.grain)
        if m.value and m.value[:4].isdigit() and m.grain != DURATION:
            last_year = int(m.value[:4])
        out.append(m)
    return out
