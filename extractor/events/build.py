"""One article + its entity spans -> the article record and its event records."""
from __future__ import annotations

import hashlib
import json
import re
from typing import Optional, Sequence

from ..ingest.article import Article
from ..nlp.ner import Entity
from ..nlp.officials import Official, OfficialsFinder
from ..nlp.sentences import split_sentences
from ..normalize import countries as country_norm
from ..normalize.dates import DateMatch, find_dates
from ..records import (
    ArticleRecord,
    CountryMention,
    DateMention,
    EventDate,
    EventOfficial,
    EventRecord,
    Evidence,
    OfficialMention,
    RateMention,
)
from .context import ArticleContext, mentions_trade
from .talks import TalkEvent, TalksFinder
from .tariffs import TariffFinder, TariffMention

Span = tuple[int, int]

# A duration is a date only when it is the length of a trade measure (extraction guide): a pause,
# truce, delay or tariff near it, and not the length of a visit or a round of talks.
_MEASURE_WORDS = re.compile(
    r"tariff|dut(?:y|ies)|lev(?:y|ies)|paus|suspen|truce|exemption|quota|window|deadline|extension|extend|delay|"
    r"postpone|reprieve|grace|hold off|held off|countermeasure|retaliat|ceasefire|moratorium|waiver|carve-out",
    re.I,
)
_NOT_MEASURE_HEAD = re.compile(r"[\s-]*(?:of\s+)?(?:talks|visit|trip|meeting|meetings|negotiations|tour|summit|session|"
                               r"after|before|earlier|later|ago|from now)\b", re.I)


class RecordBuilder:
    """Turns an article and its NER entities into schema-v1 records. One instance per process."""

    def __init__(self, *, officials: OfficialsFinder, tariffs: TariffFinder, talks: TalksFinder,
                 config_fingerprint: str = ""):
        self.officials = officials
        self.tariffs = tariffs
        self.talks = talks
        self.config_fingerprint = config_fingerprint

    def build(self, article: Article, entities: Sequence[Entity], *, relevant: Optional[bool] = None) -> tuple[ArticleRecord, list[EventRecord]]:
        """`relevant`: the prefilter's answer for this text, when the caller already has it."""
        text = article.text
        exclude = list(article.wire_spans)
        ref_date = article.ref_date
        sentences = _trim_wire(split_sentences(text), exclude, text)
        countries = country_norm.find_countries(text, exclude=exclude)
        dates = [d for d in find_dates(text, ref_date, exclude=exclude) if self._keep_date(text, d, sentences)]
        person_spans = [(e.start, e.end) for e in entities if e.label == "PERSON"]
        # The small model calls some surnames ORG or GPE; titles and the linker decide for those.
        person_spans += [(e.start, e.end) for e in entities if e.label in ("ORG", "GPE", "NORP") and _looks_like_name(text[e.start:e.end])]
        officials = self.officials.find(text, sentences, sorted(set(person_spans)), ref_date, exclude)
        ctx = ArticleContext(article.id, text, ref_date, sentences, countries, officials, dates, exclude)

        events: list[EventRecord] = []
        rate_mentions: list[RateMention] = []
        if relevant if relevant is not None else mentions_trade(text):
            tariff_mentions = self.tariffs.find(ctx)
            rate_mentions = [RateMention(value=t.rate, text=t.rate_text, start=t.rate_span[0], end=t.rate_span[1])
                             for t in tariff_mentions]
            events.extend(self._tariff_events(ctx, tariff_mentions))
            events.extend(self._talk_events(ctx, self.talks.find(ctx)))
        record = ArticleRecord(
            article_id=article.id,
            source=article.source,
            url=article.url,
            headline=article.headline,
            published=article.published,
            byline=list(article.byline),
            dateline=list(article.dateline),
            officials=[OfficialMention(name=o.name, title=o.title, country=o.country, mentions=o.mentions) for o in officials],
            countries=self._country_records(countries),
            rates=rate_mentions,
            dates=[DateMention(text=d.text, start=d.start, end=d.end, value=d.value, grain=d.grain) for d in dates],
            published_source=article.published_source if article.published is not None else None,
        )
        return record, events

    # -- pieces ---------------------------------------------------------------------------------

    @staticmethod
    def _keep_date(text: str, d: DateMatch, sentences: list[Span]) -> bool:
        if d.grain != "duration":
            return True
        if _NOT_MEASURE_HEAD.match(text, d.end):
            return False
        for s, e in sentences:
            if s <= d.start < e:
                return bool(_MEASURE_WORDS.search(text, max(s, d.start - 80), min(e, d.end + 60)))
        return False

    @staticmethod
    def _country_records(countries) -> list[CountryMention]:
        by_code: dict[str, list[Span]] = {}
        for c in countries:
            if c.counts:
                by_code.setdefault(c.code, []).append((c.start, c.end))
        return [CountryMention(code=code, name=country_norm.country_name(code), mentions=spans)
                for code, spans in sorted(by_code.items(), key=lambda kv: kv[1][0])]

    def _event_id(self, article_id: str, *parts) -> str:
        payload = json.dumps([article_id, self.config_fingerprint, *parts], sort_keys=True, default=str)
        return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:24]

    @staticmethod
    def _evidence(ctx: ArticleContext, span: Span) -> Evidence:
        return Evidence(text=ctx.text[span[0]:span[1]], start=span[0], end=span[1])

    @staticmethod
    def _event_officials(officials: Sequence[Official], parties: Sequence[str]) -> list[EventOfficial]:
        out = []
        for o in officials:
            if o.country in parties or not parties:
                eo = EventOfficial(name=o.name, title=o.title, country=o.country)
                if eo not in out:
                    out.append(eo)
        return out

    def _date_for(self, ctx: ArticleContext, span: Span, grain: str = "day") -> Optional[EventDate]:
        for d in ctx.dates_in(*span):
            if d.grain == grain and d.value:
                return EventDate(text=d.text, value=d.value, start=d.start, end=d.end)
        return None

    def _tariff_events(self, ctx: ArticleContext, mentions: list[TariffMention]) -> list[EventRecord]:
        events: list[EventRecord] = []
        seen: dict[tuple, int] = {}
        for m in mentions:
            key = (m.rate, m.imposer, tuple(m.targets))
            if key in seen:
                # One record per distinct (rate, imposer, targets); later mentions add products.
                i = seen[key]
                merged = sorted(set(events[i].products) | set(m.products))
                if merged != events[i].products:
                    events[i] = events[i].model_copy(update={"products": merged})
                continue
            sent = m.sentence
            duration = next((d.value for d in ctx.dates_in(*sent) if d.grain == "duration" and d.value), None)
            parties = sorted({c for c in [m.imposer, *m.targets] if c and c != "ALL"})
            sentence_officials = [o for o, _ in ctx.officials_in(*sent)]
            events.append(EventRecord(
                event_id=self._event_id(ctx.article_id, "tariff", m.rate_span, m.rate, m.imposer, m.targets),
                article_id=ctx.article_id,
                type="tariff",
                status=m.status,
                rate=m.rate,
                previous_rate=m.previous_rate,
                imposer=m.imposer,
                targets=m.targets,
                products=m.products,
                parties=parties,
                officials=self._event_officials(sentence_officials, parties),
                date=self._date_for(ctx, sent),
                duration=duration,
                location=None,
                evidence=self._evidence(ctx, sent),
                confidence=m.confidence,
            ))
            seen[key] = len(events) - 1
        return events

    def _talk_events(self, ctx: ArticleContext, talks: list[TalkEvent]) -> list[EventRecord]:
        events: list[EventRecord] = []
        seen: set[tuple] = set()
        for t in talks:
            key = (t.type, tuple(t.parties))
            if key in seen:
                continue
            seen.add(key)
            date = None
            if t.date_index is not None:
                d = ctx.dates[t.date_index]
                date = EventDate(text=d.text, value=d.value, start=d.start, end=d.end)
            sent = ctx.sentence_of(t.span[0])
            location = None
            for c in ctx.countries_in(*t.span, counting_only=False):
                if not c.counts and c.kind == "capital":
                    location = c.text
                    break
            events.append(EventRecord(
                event_id=self._event_id(ctx.article_id, t.type, t.span, t.parties),
                article_id=ctx.article_id,
                type=t.type,
                status=t.status,
                parties=t.parties,
                officials=self._event_officials(t.officials, t.parties),
                date=date,
                location=location,
                evidence=self._evidence(ctx, sent),
                confidence=t.confidence,
            ))
        return events


def _trim_wire(sentences: list[Span], wire: Sequence[Span], text: str) -> list[Span]:
    """Cut the dateline/byline off the sentence it opens ("WASHINGTON (Reuters) - Japan is ..."), so
    the lead sentence is read like any other; drop sentences that are wholly wire metadata."""
    out: list[Span] = []
    for s, e in sentences:
        for ws, we in wire:
            if ws <= s < we:
                s = we
        while s < e and text[s].isspace():
            s += 1
        if s < e and not any(ws <= s and e <= we for ws, we in wire):
            out.append((s, e))
    return out


def _looks_like_name(span_text: str) -> bool:
    toks = span_text.split()
    return 1 <= len(toks) <= 3 and all(t[:1].isupper() for t in toks) and country_norm.country_code(span_text) is None
