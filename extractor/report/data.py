"""An output directory read back for the report: articles, events, errors and measures (if any).

Read in one pass each, keeping counts of everything but only the records the page lists (the
first `max_events` events, their articles, the first errors), so a report of a large archive
needs little memory. Lines that are not JSON objects are counted, not fatal: a report of a run
that was killed mid-line still shows everything before the torn line.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

from ..errors import Errors, TariffwireError

ARTICLES, EVENTS, ERRORS, MEASURES = "articles.jsonl", "events.jsonl", "errors.jsonl", "measures.jsonl"
ERRORS_KEPT = 20


@dataclass
class RunData:
    outdir: Path
    n_articles: int = 0
    published_range: tuple[Optional[str], Optional[str]] = (None, None)
    articles: dict[str, dict] = field(default_factory=dict)  # those of the listed events
    n_events: int = 0
    events: list[dict] = field(default_factory=list)  # the first max_events
    event_types: Counter = field(default_factory=Counter)
    event_statuses: Counter = field(default_factory=Counter)  # (type, status) -> events
    imposers: Counter = field(default_factory=Counter)  # tariff events per imposer
    errors: list[dict] = field(default_factory=list)  # the first ERRORS_KEPT lines
    error_levels: Counter = field(default_factory=Counter)
    error_codes: Counter = field(default_factory=Counter)  # (level, code) -> lines
    measures: Optional[list[dict]] = None  # None: the run wrote no measures.jsonl
    bad_lines: Counter = field(default_factory=Counter)  # file name -> lines that could not be read
    # Article texts, when the inputs were given: the evidence is then shown in its context.
    texts: dict[str, str] = field(default_factory=dict)


def _records(path: Path, bad: Counter) -> Iterator[dict]:
    if not path.is_file():
        return
    with open(path, encoding="utf-8", errors="replace") as stream:
        for line in stream:
            if not line.strip():
                continue
            try:
                value: Any = json.loads(line)
            except json.JSONDecodeError:
                value = None
            if isinstance(value, dict):
                yield value
            else:
                bad[path.name] += 1


def load_run(outdir: Path, *, max_events: int = 5000) -> RunData:
    """Raises TariffwireError when `outdir` holds neither articles.jsonl nor events.jsonl."""
    outdir = Path(outdir)
    if not (outdir / ARTICLES).is_file() and not (outdir / EVENTS).is_file():
        raise TariffwireError(Errors.E041.format(path=outdir))
    data = RunData(outdir)
    for event in _records(outdir / EVENTS, data.bad_lines):
        if not isinstance(event.get("evidence"), dict):
            data.bad_lines[EVENTS] += 1
            continue
        data.n_events += 1
        data.event_types[event.get("type")] += 1
        data.event_statuses[(event.get("type"), event.get("status"))] += 1
        if event.get("type") == "tariff" and event.get("imposer"):
            data.imposers[event["imposer"]] += 1
        if len(data.events) < max_events:
            data.events.append(event)
    wanted = {str(e.get("article_id")) for e in data.events}
    first = last = None
    for article in _records(outdir / ARTICLES, data.bad_lines):
        data.n_articles += 1
        published = article.get("published")
        if isinstance(published, str) and published:
            first = published if first is None or published < first else first
            last = published if last is None or published > last else last
        if str(article.get("article_id")) in wanted:
            data.articles[str(article["article_id"])] = article
    data.published_range = (first, last)
    for entry in _records(outdir / ERRORS, data.bad_lines):
        level = entry.get("level", "error")
        data.error_levels[level] += 1
        data.error_codes[(level, entry.get("code") or entry.get("error_type") or "?")] += 1
        if len(data.errors) < ERRORS_KEPT:
            data.errors.append(entry)
    if (outdir / MEASURES).is_file():
        data.measures = []
        for measure in _records(outdir / MEASURES, data.bad_lines):
            if isinstance(measure.get("timeline"), list):
                data.measures.append(measure)
            else:
                data.bad_lines[MEASURES] += 1
    return data


def attach_texts(data: RunData, articles: Iterable[Any]) -> int:
    """Keep the texts of the articles (ingest Articles) that have listed events, where each
    event's evidence is found at its offsets (another input with the same ids is not taken);
    returns how many were kept."""
    wanted: dict[str, list[dict]] = {}
    for event in data.events:
        wanted.setdefault(str(event.get("article_id")), []).append(event["evidence"])
    for article in articles:
        evidences = wanted.get(getattr(article, "id", None))
        text = getattr(article, "text", None)
        if evidences and isinstance(text, str) and all(text[e["start"]:e["end"]] == e.get("text") for e in evidences):
            data.texts[article.id] = text
    return len(data.texts)
