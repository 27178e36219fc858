"""The rates component: every plausible percentage (normalize/rates.py) as a span with its value.

Which of them are tariff rates, and whose, is the tariffs component's decision (events/tariffs.py).
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..normalize.rates import find_percentages
from .component import RuleComponent
from .context import ArticleContext
from .extensions import RATES, set_spans
from ..registry import component_factory


@component_factory("tariffwire_rates", assigns=["doc.spans"])
def make_rates(nlp: Language, name: str) -> "RateFinder":
    return RateFinder()


class RateFinder(RuleComponent):
    """doc.spans["tw_rates"]: the percentages outside the wire spans, span._.value their value."""

    def annotate(self, ctx: ArticleContext) -> None:
        ctx.percentages = [p for p in find_percentages(ctx.text) if not ctx.excluded(p.start, p.end)]

    def show(self, doc: Doc, ctx: ArticleContext) -> None:
        set_spans(doc, RATES, ctx.percentages, lambda p: [(p.start, p.end)])
