"""A small run output written by hand: three articles (one of them hostile), their events and
errors, and a measures.jsonl that follows the contract (tests/report/data/measures.jsonl)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from extractor.records import ArticleRecord, EventRecord

DATA = Path(__file__).resolve().parent / "data"

OTTAWA = (
    "OTTAWA (Reuters) - Canada will put a 25% tariff on American steel from Thursday, Finance Minister Dominic "
    "LeBlanc said on Wednesday. The duty answers the 25% levy that Washington imposed on Canadian metals."
)
TALKS = "TOKYO (Reuters) - Japan and the United States held a first round of tariff talks in Washington on April 17."
HOSTILE = (
    "A reader wrote <script>document.documentElement.setAttribute('data-pwned', '1')</script> and "
    "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned', '2')\"> "
    "into the page, then said China raised its 34% duty on U.S. goods."
)


def at(text: str, phrase: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return start, start + len(phrase)


def sentence(text: str, first_words: str) -> dict:
    start = text.index(first_words)
    end = text.find(". ", start)
    end = len(text) if end < 0 else end + 1
    return {"text": text[start:end], "start": start, "end": end}


def run_records() -> tuple[list[ArticleRecord], list[EventRecord]]:
    rate = lambda text, phrase, nth=0: {"value": float(phrase.rstrip("%")), "text": phrase, "start": at(text, phrase, nth)[0], "end": at(text, phrase, nth)[1]}  # noqa: E731
    articles = [
        ArticleRecord(
            article_id="ottawa-steel", source="Reuters", url="https://news.example/ottawa-steel", headline="Canada answers US steel duty",
            published="2025-03-12", dateline=["OTTAWA"],
            officials=[{"name": "Dominic LeBlanc", "title": "Finance Minister", "country": "CAN", "mentions": [at(OTTAWA, "Dominic LeBlanc")]}],
            countries=[{"code": "CAN", "name": "Canada", "mentions": [at(OTTAWA, "Canada"), at(OTTAWA, "Canadian")]},
                       {"code": "USA", "name": "United States", "mentions": [at(OTTAWA, "American"), at(OTTAWA, "Washington")]}],
            rates=[rate(OTTAWA, "25%"), rate(OTTAWA, "25%", 1)],
            dates=[{"text": "Thursday", "start": at(OTTAWA, "Thursday")[0], "end": at(OTTAWA, "Thursday")[1], "value": "2025-03-13", "grain": "day"}],
        ),
        ArticleRecord(
            article_id="tokyo-talks", source="Reuters", headline="Japan, US hold first tariff talks", published="2025-04-18", dateline=["TOKYO"],
            countries=[{"code": "JPN", "name": "Japan", "mentions": [at(TALKS, "Japan")]},
                       {"code": "USA", "name": "United States", "mentions": [at(TALKS, "United States"), at(TALKS, "Washington")]}],
            dates=[{"text": "April 17", "start": at(TALKS, "April 17")[0], "end": at(TALKS, "April 17")[1], "value": "2025-04-17", "grain": "day"}],
        ),
        ArticleRecord(
            article_id="<script>alert('id')</script>", headline="<script>document.documentElement.setAttribute('data-pwned', '3')</script>Hostile <b>headline</b>",
            url="javascript:document.documentElement.setAttribute('data-pwned', '4')", published="2025-04-11",
            countries=[{"code": "CHN", "name": "China", "mentions": [at(HOSTILE, "China")]},
                       {"code": "USA", "name": "United States", "mentions": [at(HOSTILE, "U.S.")]}],
            rates=[rate(HOSTILE, "34%")],
        ),
    ]
    events = [
        EventRecord(event_id="ev-ottawa", article_id="ottawa-steel", type="tariff", status="announced", rate=25.0, imposer="CAN",
                    targets=["USA"], products=["steel"], parties=["CAN", "USA"],
                    officials=[{"name": "Dominic LeBlanc", "title": "Finance Minister", "country": "CAN"}],
                    date={"text": "Thursday", "value": "2025-03-13", "start": at(OTTAWA, "Thursday")[0], "end": at(OTTAWA, "Thursday")[1]},
                    evidence=sentence(OTTAWA, "OTTAWA"), confidence=0.88),
        EventRecord(event_id="ev-washington", article_id="ottawa-steel", type="tariff", status="in_effect", rate=25.0, imposer="USA",
                    targets=["CAN"], parties=["CAN", "USA"], evidence=sentence(OTTAWA, "The duty"), confidence=0.64),
        EventRecord(event_id="ev-talks", article_id="tokyo-talks", type="negotiation", status="held", parties=["JPN", "USA"],
                    date={"text": "April 17", "value": "2025-04-17", "start": at(TALKS, "April 17")[0], "end": at(TALKS, "April 17")[1]},
                    evidence={"text": TALKS, "start": 0, "end": len(TALKS)}, confidence=0.8),
        EventRecord(event_id="ev-hostile", article_id="<script>alert('id')</script>", type="tariff", status="raised", rate=34.0,
                    imposer="CHN", targets=["USA"], parties=["CHN", "USA"], evidence={"text": HOSTILE, "start": 0, "end": len(HOSTILE)},
                    confidence=0.7),
    ]
    return articles, events


ERRORS = [
    {"level": "error", "article_id": None, "origin": "in/broken.jsonl:7", "stage": "ingest", "error_type": None, "code": "E004",
     "message": "Record in/broken.jsonl:7 is not valid JSON: <svg onload=\"document.documentElement.setAttribute('data-pwned', '5')\">",
     "traceback": None},
    {"level": "warning", "article_id": "x", "origin": "in/a.jsonl:2", "stage": "ingest", "error_type": None, "code": "W001",
     "message": "Record in/a.jsonl:2: publication date 2031-01-01 lies in the future (after 2025-05-01); kept as given", "traceback": None},
]


def write_run(outdir: Path, *, measures: bool = True) -> Path:
    articles, events = run_records()
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / "articles.jsonl").write_text("".join(a.model_dump_json() + "\n" for a in articles), encoding="utf-8")
    (outdir / "events.jsonl").write_text("".join(e.model_dump_json() + "\n" for e in events), encoding="utf-8")
    (outdir / "errors.jsonl").write_text("".join(json.dumps(e) + "\n" for e in ERRORS), encoding="utf-8")
    if measures:
        shutil.copy(DATA / "measures.jsonl", outdir / "measures.jsonl")
    return outdir


@pytest.fixture
def run_dir(tmp_path) -> Path:
    return write_run(tmp_path / "out")
