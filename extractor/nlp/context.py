"""What the rule components know about one article: its text, segmentation and normalized mentions.

Each component's `annotate(ctx)` reads and extends an ArticleContext; its `__call__(doc)` does the
same on the context a Doc carries (`doc._.tw_context`) and adds the Doc's view of the result (span
groups, see extensions.py). An article that the prefilter keeps away from the NER model gets no Doc:
the Extractor runs the same `annotate` methods on a bare context, so both give the same records.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional

from spacy.tokens import Doc

from ..ingest.article import Article, content_id
from ..ingest.wire import parse_wire
from ..normalize.countries import CountryMatch
from ..normalize.dates import DateMatch
from ..normalize.rates import PercentMatch
from ..segment import Segments

if TYPE_CHECKING:
    from .officials import Official

Span = tuple[int, int]


@dataclass
class ArticleContext:
    article: Article
    # (start, end, label) from the NER; None: read doc.ents (the officials component does)
    entities: Optional[list[tuple[int, int, str]]] = None
    segments: Optional[Segments] = None
    countries: list[CountryMatch] = field(default_factory=list)
    dates: list[DateMatch] = field(default_factory=list)
    officials: list["Official"] = field(default_factory=list)
    percentages: list[PercentMatch] = field(default_factory=list)
    # (rate start, rate end) -> the roles a role classifier gave the state actors of its sentence
    rate_roles: dict[Span, list] = field(default_factory=dict)
    tariffs: list = field(default_factory=list)
    talks: list = field(default_factory=list)
    # Can the article hold an event at all (events.relevance.mentions_trade)? None: not asked yet.
    relevant: Optional[bool] = None
    record: Any = None
    events: list = field(default_factory=list)
    # span group key -> (start, end) -> mention: what the Span getters read
    by_span: dict[str, dict[Span, Any]] = field(default_factory=dict)
    # Values that more than one component derives from the text alone (officials.article_issuer):
    # computed on first use, once per article.
    derived: dict[str, Any] = field(default_factory=dict)

    @property
    def article_id(self) -> str:
        return self.article.id

    @property
    def text(self) -> str:
        return self.article.text

    @property
    def ref_date(self) -> Optional[dt.date]:
        return self.article.ref_date

    @property
    def sentences(self) -> list[Span]:
        return self.segments.sentences

    @property
    def exclude(self) -> list[Span]:
        return self.article.wire_spans

    def sentence_of(self, pos: int) -> Span:
        return self.segments.sentence_of(pos)

    def excluded(self, start: int, end: int) -> bool:
        return any(start < xe and end > xs for xs, xe in self.article.wire_spans)

    def countries_in(self, start: int, end: int, *, counting_only: bool = True) -> list[CountryMatch]:
        return [c for c in self.countries if start <= c.start and c.end <= end and (c.counts or not counting_only)]

    def officials_in(self, start: int, end: int) -> list[tuple["Official", Span]]:
        hits = []
        for off in self.officials:
            for s, e in off.mentions:
                if start <= s and e <= end:
                    hits.append((off, (s, e)))
        hits.sort(key=lambda h: h[1])
        return hits

    def dates_in(self, start: int, end: int) -> list[DateMatch]:
        return [d for d in self.dates if start <= d.start and d.end <= end]


def bare_article(text: str) -> Article:
    """The Article for a text that came without one, built as ingest builds it: a content-hash id,
    the wire spans found in the text, no publication date (relative dates stay unresolved)."""
    wire = parse_wire(text)
    return Article(id=content_id(text), text=text, source=wire.agency, byline=list(wire.byline),
                   dateline=list(wire.dateline), wire_spans=list(wire.spans))


def context_of(doc: Doc) -> ArticleContext:
    """The Doc's context, made on first use from doc._.tw_article (or from the bare text)."""
    ctx = doc._.tw_context
    if ctx is None:
        article = doc._.tw_article
        if article is None:
            article = doc._.tw_article = bare_article(doc.text)
        ctx = doc._.tw_context = ArticleContext(article)
    return ctx
