"""What an event says about the measure it reports, as a compact row with a blocking key.

Pure functions over one event's fields: product scope, targets and parties as sorted keys, the
measure's name and whether the rate is a sum of several measures, both read from the evidence text
with the cue words of extractor/data/consolidation.json. No table of known measures, rates or dates.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_right
from functools import lru_cache
from importlib import resources
from typing import Iterable, NamedTuple, Optional, Sequence

TALKS_TYPES = ("negotiation", "agreement")
# Statuses that never put a rate in force (threats stay points of their own; a ruled-out tariff is no step).
THREAT_STATUSES = ("threatened",)
NO_POINT_STATUSES = ("ruled_out",)
RATE_TOLERANCE = 0.01

_RATE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|percent\b|per cent\b|pct\b)", re.I)


class EventRow(NamedTuple):
    """The few fields of an event (and its article's publication day) that consolidation uses.
    A named tuple: millions are made, and a tuple is built several times faster than a frozen
    dataclass."""

    event_id: str
    article_id: str
    published: Optional[str]
    type: str
    status: str
    rate: Optional[float]
    previous_rate: Optional[float]
    imposer: str
    targets: tuple[str, ...]
    products: tuple[str, ...]
    parties: tuple[str, ...]
    date: Optional[str]  # the event's own day (YYYY-MM-DD), when the text gives one
    confidence: float
    name: Optional[str]
    total_cue: bool

    @property
    def is_talks(self) -> bool:
        return self.type in TALKS_TYPES

    @property
    def day(self) -> Optional[str]:
        """The day the text gives, else the publication day."""
        return self.date or self.published


@lru_cache(maxsize=1)
def cue_data() -> dict:
    with resources.files("extractor").joinpath("data", "consolidation.json").open(encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def _product_map() -> dict[str, str]:
    return {k.lower(): v for k, v in cue_data()["product_synonyms"].items() if not k.startswith("_")}


def _phrase_regex(phrases: Iterable[str]) -> str:
    parts = []
    for phrase in sorted(phrases, key=len, reverse=True):
        star = phrase.endswith("*")
        body = re.escape(phrase.rstrip("*")).replace(r"\ ", r"[\s-]+")
        parts.append(body + (r"\w*" if star else r"\b"))
    return r"\b(?:" + "|".join(parts) + ")"


@lru_cache(maxsize=1)
def _name_patterns() -> tuple[re.Pattern, dict[str, list[tuple[str, re.Pattern]]]]:
    """A regex over the first words of all name cues, and per first word the (name, cue regex)
    pairs starting with it: one scan finds where a cue may start, the cue's regex confirms it."""
    by_word: dict[str, list[tuple[str, re.Pattern]]] = {}
    for name, cues in cue_data()["measure_names"].items():
        if name.startswith("_"):
            continue
        for cue in cues:
            first = re.split(r"[\s*-]", cue.lower(), maxsplit=1)[0]
            by_word.setdefault(first, []).append((name, re.compile(_phrase_regex([cue]), re.I)))
    words = "|".join(re.escape(w) for w in sorted(by_word, key=len, reverse=True))
    return re.compile(rf"\b(?:{words})", re.I), by_word


def name_cues(text: str) -> list[tuple[str, tuple[int, int]]]:
    """(measure name, span) of every name cue in the text."""
    starts, by_word = _name_patterns()
    found = set()
    for hit in starts.finditer(text):
        for name, pattern in by_word[hit.group(0).lower()]:
            m = pattern.match(text, hit.start())
            if m:
                found.add((name, m.span()))
    return sorted(found, key=lambda f: (f[1], f[0]))


def _max_name_distance() -> int:
    return int(cue_data()["measure_names"].get("_max_distance", 60))


@lru_cache(maxsize=1)
def _total_patterns() -> tuple[int, re.Pattern, re.Pattern, re.Pattern]:
    cues = cue_data()["total_cues"]
    return (int(cues["window"]), re.compile(_phrase_regex(cues["before"]), re.I), re.compile(_phrase_regex(cues["after"]), re.I),
            re.compile(_phrase_regex(cues.get("parts_after") or ["\x00"]), re.I))


def normalize_product(product: str) -> str:
    word = product.strip().lower()
    return _product_map().get(word, word)


def products_key(products: Iterable[str]) -> tuple[str, ...]:
    """One scope whatever the spelling: aluminium/aluminum, autos/cars/vehicles, steel products/steel."""
    return tuple(sorted({normalize_product(p) for p in products if p and p.strip()}))


def targets_key(targets: Iterable[str]) -> tuple[str, ...]:
    found = sorted({t for t in targets if t})
    return ("ALL",) if "ALL" in found else tuple(found)


@lru_cache(maxsize=512)
def rate_mentions(text: str) -> tuple[tuple[tuple[int, int], float], ...]:
    """(span, value) of every rate the text states; cached, as events of one sentence share it."""
    return tuple((m.span(), float(m.group(1))) for m in _RATE.finditer(text))


def rate_spans(text: str, rate: Optional[float]) -> list[tuple[int, int]]:
    """Where the evidence states `rate` (every mention of that value)."""
    if rate is None:
        return []
    return [span for span, value in rate_mentions(text) if abs(value - rate) <= RATE_TOLERANCE]


@lru_cache(maxsize=4096)
def _clauses(text: str) -> tuple[tuple[int, int], ...]:
    """The evidence's clauses, as the extractor's event rules see them (extractor/segment.py:
    sentences, then their clauses): one segmentation for the whole pipeline. Not the finer rate
    clauses (split_clauses, "binding"): a name often sits in a relative or participle phrase after the
    rate (", using a national security provision"), which those cut off."""
    from ..segment import split_clauses, split_sentences

    spans: list[tuple[int, int]] = []
    for sentence in split_sentences(text) or [(0, len(text))]:
        spans.extend(split_clauses(text, sentence))
    return tuple(spans)


def _clause_index(text: str, pos: int) -> int:
    """The index of the clause holding `pos` (a position between clauses belongs to the next one)."""
    clauses = _clauses(text)
    i = bisect_right(clauses, (pos, len(text) + 1)) - 1
    return max(i, 0)


def _clause_bounds(text: str, start: int) -> tuple[int, int]:
    clauses = _clauses(text)
    return clauses[_clause_index(text, start)] if clauses else (0, len(text))


def _crosses_clause(text: str, lo: int, hi: int) -> bool:
    """Does the stretch lo..hi of the text run over a clause break?"""
    return hi > lo and _clause_index(text, lo) != _clause_index(text, hi)


@lru_cache(maxsize=1024)
def _clause_countries(clause: str) -> tuple[str, ...]:
    """The countries a clause names, in order (codes, repeats dropped)."""
    from ..normalize.countries import find_countries

    codes: list[str] = []
    for c in find_countries(clause):
        if c.counts and c.code not in codes:
            codes.append(c.code)
    return tuple(codes)


def _clause_subject(text: str, start: int) -> Optional[str]:
    """The first country named in the clause holding `start` (roughly, the clause's subject)."""
    lo, hi = _clause_bounds(text, start)
    found = _clause_countries(text[lo:hi])
    return found[0] if found else None


def _cue_is_other_sides(text: str, cue: tuple[int, int], imposer: Optional[str]) -> bool:
    """Does the cue's clause speak of another country's action against the imposer ("Canada had to
    respond in a reciprocal way to the U.S. tariffs" names no U.S. measure)?"""
    if not imposer:
        return False
    lo, hi = _clause_bounds(text, cue[0])
    found = _clause_countries(text[lo:hi])
    return bool(found) and found[0] != imposer and imposer in found


def _own_spans(text: str, spans: list[tuple[int, int]], imposer: Optional[str]) -> list[tuple[int, int]]:
    """Of several mentions of the rate, those in a clause whose subject is the imposer ("the United
    States will cut its tariff to 10%, while China will cut its retaliatory duty to 10%")."""
    if len(spans) < 2 or not imposer:
        return spans
    own = [s for s in spans if _clause_subject(text, s[0]) == imposer]
    return own or spans


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return b[0] - a[1] if b[0] >= a[1] else a[0] - b[1] if b[1] <= a[0] else 0


def measure_name(text: str, rate: Optional[float], imposer: Optional[str] = None) -> Optional[str]:
    """The measure's name the evidence gives next to the event's rate ("the 20% fentanyl tariff").

    Each cue belongs to the rate mention nearest to it in its clause ("the 125% "reciprocal" duty
    plus the 20% tariff imposed over fentanyl": reciprocal is the 125%'s, fentanyl the 20%'s);
    the event takes the nearest cue that belongs to a mention of its rate. Without a rate mention,
    a name only when the text gives just one.
    """
    found = name_cues(text)
    if not found:
        return None
    spans = rate_spans(text, rate)
    if not spans:
        names = {name for name, _ in found}
        return names.pop() if len(names) == 1 else None
    spans = _own_spans(text, spans, imposer)
    mentions = [span for span, _ in rate_mentions(text)]
    limit = _max_name_distance()
    best: Optional[tuple[int, str]] = None
    for name, cue in found:
        reachable = [(_gap(cue, r), r) for r in mentions if not _crosses_clause(text, *_between(cue, r))]
        if not reachable:
            continue
        distance, owner = min(reachable)
        if owner not in spans or distance > limit or _cue_is_other_sides(text, cue, imposer):
            continue
        if best is None or (distance, name) < best:
            best = (distance, name)
    return best[1] if best is not None else None


def _between(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    return (a[1], b[0]) if a[1] <= b[0] else (b[1], a[0]) if b[1] <= a[0] else (a[0], a[0])


@lru_cache(maxsize=1)
def _total_words() -> tuple[str, ...]:
    """Every total cue as plain lower-case text (up to a wildcard, with its first separator both
    ways), less those holding a shorter one ("a total of" holds "total"): a text holding none of
    them needs no cue regex at all."""
    cues = cue_data()["total_cues"]
    words = set()
    for cue in cues["before"] + cues["after"] + cues.get("parts_after", []):
        plain = cue.lower().split("*")[0]
        words.update({plain, plain.replace(" ", "-"), plain.replace("-", " ")})
    return tuple(sorted(w for w in words if not any(o != w and o in w for o in words)))


def total_cue(text: str, rate: Optional[float]) -> bool:
    """Does the text call this rate a sum of several measures ("a combined 145%", "145% in all")?"""
    low = text.lower()
    if not any(word in low for word in _total_words()):
        return False
    window, before, after, parts = _total_patterns()
    mentions = [span for span, _ in rate_mentions(text)]
    for start, end in rate_spans(text, rate):
        # "the 30% rate comprises a 20% duty and ...": the words after the rate list its parts.
        m = parts.search(text, end, end + window)
        if m and not any(end <= s and e <= m.start() for s, e in mentions):
            return True
        head_start = max(0, start - window)
        for m in before.finditer(text, head_start, start):
            if not any(m.end() <= s and e <= start for s, e in mentions):
                return True
        m = after.search(text, end, end + window)
        # "20% ...; in all, 145%": a cue followed by another rate introduces that one, not this one.
        if m and not any(end <= s and e <= m.start() for s, e in mentions) \
                and not any(m.end() <= s < m.end() + 15 for s, _ in mentions):
            return True
    return False


def date_belongs_to_rate(text: str, rate: Optional[float], date_span: Optional[tuple[int, int]]) -> bool:
    """Is the event's date (offsets within the evidence) the date of this rate? Not when another rate
    stands nearer to it: in "10% on February 4 and 20% on March 4", March 4 is the 20%'s day."""
    if date_span is None or rate is None:
        return True
    spans = rate_spans(text, rate)
    if not spans:
        return True
    ds, de = date_span
    if not (0 <= ds <= len(text)):
        return True  # the date lies outside the evidence: nothing to compare

    def gap(span: tuple[int, int]) -> int:
        s, e = span
        return ds - e if ds >= e else s - de if de <= s else 0

    own = min(gap(s) for s in spans)
    others = [gap(span) for span, _ in rate_mentions(text) if span not in spans]
    return not others or own <= min(others)


@lru_cache(maxsize=1)
def _product_forms() -> dict[str, re.Pattern]:
    """Per product noun as events write it, a regex of the words that name it in a text (the
    extractor's product gazetteer, extractor/data/products.json, read backwards)."""
    with resources.files("extractor").joinpath("data", "products.json").open(encoding="utf-8") as fh:
        table = json.load(fh)["products"]
    forms: dict[str, set[str]] = {}
    for form, noun in table.items():
        forms.setdefault(noun.lower(), set()).update({form, noun})
    for form, noun in _product_map().items():
        forms.setdefault(noun, set()).add(form)
        forms.setdefault(form, set()).add(noun)
    return {noun: re.compile(r"\b(?:" + "|".join(re.escape(f) for f in sorted(fs, key=len, reverse=True)) + r")\b", re.I)
            for noun, fs in forms.items()}


def scope_of_rate(text: str, rate: Optional[float], products: Sequence[str]) -> list[str]:
    """The event's products that its own rate covers, where a sentence gives several rates: "25% on
    steel and 10% on aluminum" gives the 25% steel only. A product belongs to the nearest rate
    before it in its clause, else to the nearest after it; unchanged when that settles nothing."""
    mentions = rate_mentions(text)
    if len(products) < 2 or len({v for _, v in mentions}) < 2:
        return list(products)
    own = set(rate_spans(text, rate))
    kept = []
    for product in products:
        pattern = _product_forms().get(product.lower())
        hits = [m.span() for m in pattern.finditer(text)] if pattern else []
        for start, end in hits:
            before = [(start - e, span) for span, _ in mentions if (e := span[1]) <= start
                      and not _crosses_clause(text, e, start)]
            after = [(s - end, span) for span, _ in mentions if (s := span[0]) >= end
                     and not _crosses_clause(text, end, s)]
            owner = min(before)[1] if before else min(after)[1] if after else None
            if owner in own:
                kept.append(product)
                break
    return kept or list(products)


def _day(value: Optional[str]) -> Optional[str]:
    return value if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-" else None


def event_row(event: dict, published: Optional[str]) -> EventRow:
    """The compact row of an events.jsonl record (or a flat table row with date_value/evidence_text)."""
    date = event.get("date")
    if isinstance(date, dict):  # an events.jsonl record
        date_value, date_start, date_end = date.get("value"), date.get("start"), date.get("end")
    else:  # a flat table row
        date_value, date_start, date_end = event.get("date_value"), event.get("date_start"), event.get("date_end")
    evidence = event.get("evidence")
    if isinstance(evidence, dict):
        text, evidence_start = evidence.get("text", ""), evidence.get("start")
    else:
        text, evidence_start = event.get("evidence_text") or "", event.get("evidence_start")
    rate = event.get("rate")
    rate = float(rate) if rate is not None else None
    is_tariff = event["type"] == "tariff"
    date_span = None
    if date_value and None not in (date_start, date_end, evidence_start) and is_tariff:
        date_span = (int(date_start) - int(evidence_start), int(date_end) - int(evidence_start))
    products = _as_list(event.get("products"))
    if is_tariff:
        date_ok, scope, name, total = _evidence_facts(text, rate, event.get("imposer"), tuple(products), date_span)
        if not date_ok:
            date_value = None
    else:
        scope, name, total = (), None, False
    previous = event.get("previous_rate")
    return EventRow(
        event_id=event["event_id"],
        article_id=event["article_id"],
        published=_day(published) or (published if published else None),
        type=event["type"],
        status=event["status"],
        rate=rate,
        previous_rate=float(previous) if previous is not None else None,
        imposer=event.get("imposer") or "",
        targets=targets_key(_as_list(event.get("targets"))),
        products=scope if is_tariff else tuple(products),
        parties=tuple(sorted(set(_as_list(event.get("parties"))))),
        date=_day(date_value),
        confidence=float(event.get("confidence") or 0.0),
        name=name,
        total_cue=total,
    )


# Wire archives retell the same sentence many times (syndicated copies, boilerplate background
# paragraphs, one sentence giving several events): what the evidence says about a rate is read once
# per distinct (text, rate, imposer, products, date offsets). Bounded, so memory stays flat.
@lru_cache(maxsize=1 << 15)
def _evidence_facts(text: str, rate: Optional[float], imposer: Optional[str], products: tuple[str, ...],
                    date_span: Optional[tuple[int, int]]) -> tuple[bool, tuple[str, ...], Optional[str], bool]:
    """(the event's date belongs to its rate, the product scope its rate covers, the measure name,
    the rate is a total) for one tariff event's evidence."""
    return (date_belongs_to_rate(text, rate, date_span),
            products_key(scope_of_rate(text, rate, list(products))),
            measure_name(text, rate, imposer),
            bool(total_cue(text, rate)))


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):  # a table row keeps lists as JSON text
        return list(json.loads(value)) if value.startswith("[") else [value]
    return list(value)
