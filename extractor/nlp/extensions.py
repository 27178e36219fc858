"""The attributes tariffwire's components read and write on spaCy objects, registered in one place.

The source of truth is the ArticleContext (`doc._.tw_context`, nlp/context.py): the normalized
mentions with their exact character offsets, as the records give them. The Doc shows them the
spaCy way too: span groups whose spans carry the mention's fields.

    doc._.tw_article      the Article (id, publication date, wire spans); set it before the pipeline
                          runs (extractor.nlp.article_doc does), else it is built from the bare text
    doc._.tw_segments     sentences (character spans, wire metadata trimmed off) every rule reads
    doc.spans["tw_countries"]   span._.iso3, span._.counts (a party, by the guide's place rule)
    doc.spans["tw_dates"]       span._.value, span._.grain
    doc.spans["tw_officials"]   one span a mention; span._.name, span._.title, span._.country
    doc.spans["tw_rates"]       every plausible percentage: span._.value; span._.roles (what a role
                                classifier decided for its sentence's state actors, else None);
                                span._.tariffs (the tariff mentions read off it; empty: no tariff rate)
    doc._.tw_talks        negotiation and agreement mentions
    doc._.tw_record       the ArticleRecord; doc._.tw_events: its EventRecords
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

from spacy.tokens import Doc, Span

COUNTRIES, DATES, OFFICIALS, RATES = "tw_countries", "tw_dates", "tw_officials", "tw_rates"


def mention_of(span: Span) -> Optional[Any]:
    """The normalized mention behind a span of one of tariffwire's span groups."""
    ctx = span.doc._.tw_context
    index = ctx.by_span.get(span.label_) if ctx is not None else None
    return index.get((span.start_char, span.end_char)) if index else None


def _field(name: str) -> Callable[[Span], Any]:
    return lambda span: getattr(mention_of(span), name, None)


def _rate_roles(span: Span):
    ctx = span.doc._.tw_context
    return ctx.rate_roles.get((span.start_char, span.end_char)) if ctx is not None else None


def _rate_tariffs(span: Span) -> list:
    ctx = span.doc._.tw_context
    return [t for t in ctx.tariffs if t.rate_span == (span.start_char, span.end_char)] if ctx is not None else []


def _from_context(name: str):
    return lambda doc: getattr(doc._.tw_context, name) if doc._.tw_context is not None else None


def register() -> None:
    """Idempotent: the component modules call it on import."""
    if Doc.has_extension("tw_context"):
        return
    Doc.set_extension("tw_article", default=None)
    Doc.set_extension("tw_context", default=None)
    for name, attr in (("tw_segments", "segments"), ("tw_talks", "talks"), ("tw_record", "record"),
                       ("tw_events", "events")):
        Doc.set_extension(name, getter=_from_context(attr))
    for name, attr in (("iso3", "code"), ("counts", "counts"), ("value", "value"), ("grain", "grain"),
                       ("name", "name"), ("title", "title"), ("country", "country")):
        Span.set_extension(name, getter=_field(attr))
    Span.set_extension("roles", getter=_rate_roles)
    Span.set_extension("tariffs", getter=_rate_tariffs)


def set_spans(doc: Doc, key: str, mentions: Iterable[Any], bounds: Callable[[Any], Iterable[tuple[int, int]]]) -> None:
    """doc.spans[key] for the mentions, each span labelled `key`.

    A boundary inside a token (rare: "U.S.-China" is one token) widens the span to whole tokens;
    the mention keeps the exact offsets.
    """
    index = doc._.tw_context.by_span[key] = {}
    spans = []
    for mention in mentions:
        for start, end in bounds(mention):
            span = doc.char_span(start, end, label=key, alignment_mode="expand")
            if span is not None:
                index.setdefault((span.start_char, span.end_char), mention)
                spans.append(span)
    doc.spans[key] = spans


register()
