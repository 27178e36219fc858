"""An output directory read back for the report: articles, events, errors and measures (if any).

Lines that are not JSON objects are counted, not fatal: a report of a run that was killed mid-line
still shows everything before the torn line.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

from ..errors import Errors, TariffwireError

ARTICLES, EVENTS, ERRORS, MEASURES = "articles.jsonl", "events.jsonl", "errors.jsonl", "measures.jsonl"


@dataclass
class RunData:
    outdir: Path
    articles: dict[str, dict] = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    measures: Optional[list[dict]] = None  # None: the run wrote no measures.jsonl
    bad_lines: Counter = field(default_factory=Counter)  # file name -> lines that could not be read
    # Article texts, when the inputs were given: the evidence is then shown in its context.
    texts: dict[str, str] = field(default_factory=dict)

    @property
    def published_range(self) -> tuple[Optional[str], Optional[str]]:
        days = sorted(a["published"] for a in self.articles.values() if a.get("published"))
        return (days[0], days[-1]) if days else (None, None)


def _records(path: Path, bad: Counter) -> list[dict]:
    records = []
    with open(path, encoding="utf-8", errors="replace") as stream:
        for line in stream:
            if not line.strip():
                continue
            try:
                value: Any = json.loads(line)
            except json.JSONDecodeError:
                value = None
            if isinstance(value, dict):
                records.append(value)
            else:
                bad[path.name] += 1
    return records


def load_run(outdir: Path) -> RunData:
    """Raises TariffwireError when `outdir` holds neither articles.jsonl nor events.jsonl."""
    outdir = Path(outdir)
    if not (outdir / ARTICLES).is_file() and not (outdir / EVENTS).is_file():
        raise TariffwireError(Errors.E041.format(path=outdir))
    data = RunData(outdir)
    for name in (ARTICLES, EVENTS, ERRORS, MEASURES):
        path = outdir / name
        if not path.is_file():
            continue
        records = _records(path, data.bad_lines)
        if name == ARTICLES:
            data.articles = {a["article_id"]: a for a in records if "article_id" in a}
        elif name == EVENTS:
            data.events = [e for e in records if isinstance(e.get("evidence"), dict)]
            data.bad_lines[name] += len(records) - len(data.events)
        elif name == ERRORS:
            data.errors = records
        else:
            data.measures = [m for m in records if isinstance(m.get("timeline"), list)]
            data.bad_lines[name] += len(records) - len(data.measures)
    return data


def attach_texts(data: RunData, articles: Iterable[Any]) -> int:
    """Keep the texts of the articles (ingest Articles) that have events, where each event's
    evidence is found at its offsets (another input with the same ids is not taken); returns
    how many were kept."""
    wanted: dict[str, list[dict]] = {}
    for event in data.events:
        wanted.setdefault(str(event.get("article_id")), []).append(event["evidence"])
    for article in articles:
        evidences = wanted.get(getattr(article, "id", None))
        text = getattr(article, "text", None)
        if evidences and isinstance(text, str) and all(text[e["start"]:e["end"]] == e.get("text") for e in evidences):
            data.texts[article.id] = text
    return len(data.texts)
