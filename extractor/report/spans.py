"""Labelled character spans of an article, read back from its output records.

The same spans feed the HTML report (an event's evidence with its roles marked) and the displaCy
view (`tariffwire show`): mentions from articles.jsonl (officials, countries, rates, dates) and
the roles an event gives them (imposer, target, its rate and date). Records may be the pydantic
models or their JSON dicts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

OFFICIAL, COUNTRY, RATE, DATE = "OFFICIAL", "COUNTRY", "RATE", "DATE"
IMPOSER, TARGET, PARTY, PRODUCT, PREVIOUS_RATE = "IMPOSER", "TARGET", "PARTY", "PRODUCT", "PREVIOUS_RATE"
# Which label a span keeps where two overlap: an event's role says more than the plain mention.
PRIORITY = {IMPOSER: 0, TARGET: 0, PARTY: 0, RATE: 1, PREVIOUS_RATE: 1, DATE: 2, OFFICIAL: 2, PRODUCT: 3, COUNTRY: 4}
COLORS = {
    IMPOSER: "#f4a582", TARGET: "#92c5de", PARTY: "#9ecae1", RATE: "#fddc5c", PREVIOUS_RATE: "#fee9a6", DATE: "#b8e186",
    OFFICIAL: "#d5b3e5", COUNTRY: "#d9d9d9", PRODUCT: "#f6c6de",
}


@dataclass(frozen=True)
class LabelledSpan:
    start: int
    end: int
    label: str


def as_dict(record: Any) -> Mapping[str, Any]:
    return record.model_dump() if hasattr(record, "model_dump") else record


def mention_spans(article: Any) -> list[LabelledSpan]:
    """Every mention an article record lists, labelled OFFICIAL, COUNTRY, RATE or DATE."""
    article = as_dict(article)
    spans = [LabelledSpan(s, e, OFFICIAL) for o in article.get("officials") or [] for s, e in o.get("mentions") or []]
    spans += [LabelledSpan(s, e, COUNTRY) for c in article.get("countries") or [] for s, e in c.get("mentions") or []]
    spans += [LabelledSpan(r["start"], r["end"], RATE) for r in article.get("rates") or []]
    spans += [LabelledSpan(d["start"], d["end"], DATE) for d in article.get("dates") or []]
    return spans


def role_spans(article: Any, event: Any) -> list[LabelledSpan]:
    """The mentions inside an event's evidence that fill its roles (a tariff's imposer and targets,
    the parties of talks and deals, rate, previous rate, date, officials, products), in article offsets."""
    article, event = as_dict(article), as_dict(event)
    evidence = event["evidence"]
    lo, hi = evidence["start"], evidence["end"]

    def inside(start: int, end: int) -> bool:
        return lo <= start and end <= hi

    spans: list[LabelledSpan] = []
    targets = set(event.get("targets") or [])
    for country in article.get("countries") or []:
        label = IMPOSER if country["code"] == event.get("imposer") else TARGET if country["code"] in targets else None
        if event.get("type") != "tariff":  # negotiations and agreements have parties, not an imposer
            label = PARTY if country["code"] in set(event.get("parties") or []) else None
        spans += [LabelledSpan(s, e, label) for s, e in country.get("mentions") or [] if label and inside(s, e)]
    for rate in article.get("rates") or []:
        label = RATE if rate["value"] == event.get("rate") else PREVIOUS_RATE if rate["value"] == event.get("previous_rate") else None
        if label and inside(rate["start"], rate["end"]):
            spans.append(LabelledSpan(rate["start"], rate["end"], label))
    date = event.get("date")
    if date and inside(date["start"], date["end"]):
        spans.append(LabelledSpan(date["start"], date["end"], DATE))
    names = {o["name"] for o in event.get("officials") or []}
    for official in article.get("officials") or []:
        if official["name"] in names:
            spans += [LabelledSpan(s, e, OFFICIAL) for s, e in official.get("mentions") or [] if inside(s, e)]
    for product in event.get("products") or []:
        # Products are normalized names without offsets: marked where the evidence says them as such.
        for found in re.finditer(r"\b" + re.escape(product) + r"\b", evidence["text"], re.I):
            spans.append(LabelledSpan(lo + found.start(), lo + found.end(), PRODUCT))
    return spans


def without_overlaps(spans: Iterable[LabelledSpan]) -> list[LabelledSpan]:
    """Sorted spans, none overlapping: the higher-priority (then the longer, then the earlier) wins."""
    ranked = sorted(spans, key=lambda s: (PRIORITY.get(s.label, 9), -(s.end - s.start), s.start))
    kept: list[LabelledSpan] = []
    for span in ranked:
        if span.end > span.start and all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)
