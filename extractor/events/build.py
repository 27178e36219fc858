"""The events component: the article record and its event records, from the mentions the components found."""
from __future__ import annotations

import hashlib
import json
from typing import Optional, Sequence

from spacy.language import Language

from ..nlp.component import RuleComponent
from ..nlp.context import ArticleContext
from ..nlp.officials import Official
from ..normalize import countries as country_norm
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
from .talks import TalkEvent
from .tariffs import TariffMention
from ..registry import component_factory

Span = tuple[int, int]


def pipeline_fingerprint(nlp: Language) -> str:
    """A short hash of what changes the records: the NER model and the rule components' settings.

    Part of every event id, so that the same article and configuration give the same ids, whether
    the pipeline came from the config (the CLI) or from nlp.add_pipe("tariffwire")."""
    settings: dict = {}
    for _, proc in nlp.pipeline:
        for part in getattr(proc, "parts", [proc]):
            settings.update(getattr(part, "settings", None) or {})
    model = f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}-{nlp.meta.get('version')}"
    payload = json.dumps([model, settings], sort_keys=True, default=str)
    return hashlib.sha1(payload.encode()).hexdigest()[:12]


@component_factory("tariffwire_events", assigns=["doc._.tw_record", "doc._.tw_events"])
def make_events(nlp: Language, name: str) -> "RecordBuilder":
    return RecordBuilder(nlp)


class RecordBuilder(RuleComponent):
    """The article record and its event records (doc._.tw_record, doc._.tw_events), from what the
    components before it found. Runs last."""

    def __init__(self, nlp: Optional[Language] = None, *, config_fingerprint: Optional[str] = None):
        self.nlp = nlp
        self._fingerprint = config_fingerprint

    @property
    def config_fingerprint(self) -> str:
        if self._fingerprint is None:
            # Computed on first use: the components after which this one was added are known then.
            self._fingerprint = pipeline_fingerprint(self.nlp) if self.nlp is not None else ""
        return self._fingerprint

    def annotate(self, ctx: ArticleContext) -> None:
        article = ctx.article
        events: list[EventRecord] = []
        events.extend(self._tariff_events(ctx, ctx.tariffs))
        events.extend(self._talk_events(ctx, ctx.talks))
        ctx.events = events
        ctx.record = ArticleRecord(
            article_id=article.id,
            source=article.source,
            url=article.url,
            headline=article.headline,
            published=article.published,
            byline=list(article.byline),
            dateline=list(article.dateline),
            officials=[OfficialMention(name=o.name, title=o.title, country=o.country, mentions=o.mentions)
                       for o in ctx.officials],
            countries=self._country_records(ctx.countries),
            rates=[RateMention(value=t.rate, text=t.rate_text, start=t.rate_span[0], end=t.rate_span[1])
                   for t in ctx.tariffs],
            dates=[DateMention(text=d.text, start=d.start, end=d.end, value=d.value, grain=d.grain) for d in ctx.dates],
            published_source=article.published_source if article.published is not None else None,
        )

    # -- pieces ---------------------------------------------------------------------------------

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
