"""Small storyline fixtures written by hand: events as the extractor writes them."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Optional, Sequence


def event(article: str, text: str, rate: Optional[float], *, status: str = "in_effect", imposer: str = "USA",
          targets: Sequence[str] = ("CHN",), products: Sequence[str] = (), date: Optional[str] = None,
          type: str = "tariff", parties: Optional[Sequence[str]] = None, confidence: float = 0.8,
          previous_rate: Optional[float] = None) -> dict:
    eid = hashlib.sha1(f"{article}|{text}|{rate}|{status}|{targets}|{products}|{type}".encode()).hexdigest()[:24]
    parties = sorted(set(parties if parties is not None else [imposer, *targets]) - {"ALL"})
    return {
        "schema_version": "1", "event_id": eid, "article_id": article, "type": type, "status": status, "rate": rate,
        "previous_rate": previous_rate, "imposer": imposer if type == "tariff" else None, "targets": list(targets) if type == "tariff" else [],
        "products": list(products), "parties": parties, "officials": [],
        "date": {"text": date, "value": date, "start": 0, "end": 1} if date else None,
        "duration": None, "location": None, "evidence": {"text": text, "start": 0, "end": len(text)},
        "confidence": confidence,
    }


# A US-China escalation over two months, told by several articles: two measures on the same goods
# (fentanyl and reciprocal), a total that sums them, a threat, a late article misremembering a rate.
PUBLISHED = {
    "a1": "2025-02-03", "a2": "2025-03-04", "a3": "2025-04-03", "a4": "2025-04-10", "a5": "2025-04-11",
    "a6": "2025-04-12", "a7": "2025-05-20", "a8": "2025-06-02", "a9": "2025-04-08",
}
STORY = [
    event("a1", "The U.S. imposed a 10% fentanyl tariff on Chinese goods on Tuesday.", 10.0, date="2025-02-04"),
    event("a2", "Washington doubled the fentanyl levy on China to 20% from Tuesday.", 20.0, status="raised", date="2025-03-04"),
    event("a3", "China faces a 34% reciprocal tariff from April 9.", 34.0, status="announced", date="2025-04-09"),
    event("a4", "The reciprocal tariff on Chinese goods rose to 125% on Thursday.", 125.0, status="raised", date="2025-04-10"),
    event("a4", "That comes on top of the 20% fentanyl duty.", 20.0),
    event("a5", "Chinese goods now face U.S. tariffs of 145% in all.", 145.0),
    event("a5", "The reciprocal tariff of 125% took effect on April 10.", 125.0, date="2025-04-10"),
    event("a6", "U.S. tariffs on China stand at 145%.", 145.0),
    event("a6", "The reciprocal rate is 125% since Thursday.", 125.0, date="2025-04-10"),
    event("a9", "Trump threatened an extra 50% tariff on China.", 50.0, status="threatened"),
    event("a7", "The reciprocal duty on China was cut to 10% on May 14.", 10.0, status="reduced", date="2025-05-14"),
    event("a8", "The 30% fentanyl tariff on China remains in place.", 30.0),
    event("a8", "The 10% reciprocal duty on China remains.", 10.0),
    event("a3", "The European Union and the United States held talks on Thursday.", None, type="negotiation",
          status="held", date="2025-04-03", parties=["EU", "USA"], targets=()),
    event("a7", "EU and U.S. negotiators met again.", None, type="negotiation", status="held", parties=["EU", "USA"], targets=()),
]


def tariff_measures(measures) -> list:
    """The tariff measures of consolidate_events' output (its talks tracks left out)."""
    return [m for m in measures if m.type == "tariff"]


def write_run(folder: Path, events: Sequence[dict], published: dict = PUBLISHED) -> Path:
    """An extract output folder holding these events and their articles."""
    folder.mkdir(parents=True, exist_ok=True)
    articles = sorted({e["article_id"] for e in events})
    with (folder / "articles.jsonl").open("w", encoding="utf-8") as fh:
        for a in articles:
            fh.write(json.dumps({"schema_version": "1", "article_id": a, "published": published.get(a)}) + "\n")
    with (folder / "events.jsonl").open("w", encoding="utf-8") as fh:
        for e in events:
            fh.write(json.dumps(e) + "\n")
    return folder
