"""What an event says about the measure it reports, as a compact row with a blocking key.

Pure functions over one event's fields: product scope, targets and parties as sorted keys, the
measure's name and whether the rate is a sum of several measures, both read from the evidence text
with the cue words of extractor/data/consolidation.json. No table of known measures, rates or dates.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable, Optional

TALKS_TYPES = ("negotiation", "agreement")
# Statuses that never put a rate in force (threats stay points of their own; a ruled-out tariff is no step).
THREAT_STATUSES = ("threatened",)
NO_POINT_STATUSES = ("ruled_out",)
RATE_TOLERANCE = 0.01

_RATE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|percent\b|per cent\b|pct\b)", re.I)


@dataclass(frozen=True)
class EventRow:
    """The few fields of an event (and its article's publication day) that consolidation uses."""

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
def _name_patterns() -> list[tuple[str, re.Pattern]]:
    names = cue_data()["measure_names"]
    return [(name, re.compile(_phrase_regex(cues), re.I)) for name, cues in names.items() if not name.startswith("_")]


@lru_cache(maxsize=1)
def _total_patterns() -> tuple[int, re.Pattern, re.Pattern]:
    cues = cue_data()["total_cues"]
    return int(cues["window"]), re.compile(_phrase_regex(cues["before"]), re.I), re.compile(_phrase_regex(cues["after"]), re.I)


def normalize_product(product: str) -> str:
    word = product.strip().lower()
    return _product_map().get(word, word)


def products_key(products: Iterable[str]) -> tuple[str, ...]:
    """One scope whatever the spelling: aluminium/aluminum, autos/cars/vehicles, steel products/steel."""
    return tuple(sorted({normalize_product(p) for p in products if p and p.strip()}))


def targets_key(targets: Iterable[str]) -> tuple[str, ...]:
    found = sorted({t for t in targets if t})
    return ("ALL",) if "ALL" in found else tuple(found)


def rate_spans(text: str, rate: Optional[float]) -> list[tuple[int, int]]:
    """Where the evidence states `rate` (every mention of that value)."""
    if rate is None:
        return []
    return [m.span() for m in _RATE.finditer(text) if abs(float(m.group(1)) - rate) <= RATE_TOLERANCE]


def _other_rate_between(text: str, a: int, b: int, own: tuple[int, int]) -> bool:
    lo, hi = min(a, b), max(a, b)
    return any(m.start() >= lo and m.end() <= hi and m.span() != own for m in _RATE.finditer(text, lo, hi))


def measure_name(text: str, rate: Optional[float]) -> Optional[str]:
    """The measure's name the evidence gives next to the event's rate ("the 20% fentanyl tariff").

    The cue nearest to a mention of the rate wins, unless another rate stands between them (then the
    cue names that other rate's measure). Without a rate mention, a name only when the text gives one.
    """
    found = [(name, m.start(), m.end()) for name, pattern in _name_patterns() for m in pattern.finditer(text)]
    if not found:
        return None
    spans = rate_spans(text, rate)
    if not spans:
        names = {name for name, _, _ in found}
        return names.pop() if len(names) == 1 else None
    best: Optional[tuple[int, str]] = None
    for start, end in spans:
        for name, cs, ce in found:
            distance = cs - end if cs >= end else start - ce if ce <= start else 0
            if _other_rate_between(text, ce if ce <= start else end, cs if cs >= end else start, (start, end)):
                continue
            if best is None or (distance, name) < best:
                best = (distance, name)
    return best[1] if best is not None else None


def total_cue(text: str, rate: Optional[float]) -> bool:
    """Does the text call this rate a sum of several measures ("a combined 145%", "145% in all")?"""
    window, before, after = _total_patterns()
    for start, end in rate_spans(text, rate):
        head = text[max(0, start - window):start]
        if any(not _RATE.search(head[m.end():]) for m in before.finditer(head)):
            return True
        tail = text[end:end + window]
        m = after.search(tail)
        # "20% ...; in all, 145%": a cue followed by another rate introduces that one, not this one.
        if m and not _RATE.search(tail[:m.start()]) and not _RATE.search(text[end + m.end():end + m.end() + 15]):
            return True
    return False


def _day(value: Optional[str]) -> Optional[str]:
    return value if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-" else None


def event_row(event: dict, published: Optional[str]) -> EventRow:
    """The compact row of an events.jsonl record (or a flat table row with date_value/evidence_text)."""
    date = event.get("date")
    date_value = date.get("value") if isinstance(date, dict) else event.get("date_value")
    evidence = event.get("evidence")
    text = evidence.get("text", "") if isinstance(evidence, dict) else (event.get("evidence_text") or "")
    rate = event.get("rate")
    rate = float(rate) if rate is not None else None
    previous = event.get("previous_rate")
    is_tariff = event["type"] == "tariff"
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
        products=products_key(_as_list(event.get("products"))),
        parties=tuple(sorted(set(_as_list(event.get("parties"))))),
        date=_day(date_value),
        confidence=float(event.get("confidence") or 0.0),
        name=measure_name(text, rate) if is_tariff else None,
        total_cue=bool(is_tariff and total_cue(text, rate)),
    )


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):  # a table row keeps lists as JSON text
        return list(json.loads(value)) if value.startswith("[") else [value]
    return list(value)
