"""The countries component: country mentions from the gazetteer (normalize/countries.py) as spans."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..normalize.countries import find_countries
from .component import RuleComponent
from .context import ArticleContext
from .extensions import COUNTRIES, set_spans
from ..registry import component_factory


@component_factory("tariffwire_countries", assigns=["doc.spans"])
def make_countries(nlp: Language, name: str) -> "CountryFinder":
    return CountryFinder()


class CountryFinder(RuleComponent):
    """doc.spans["tw_countries"]: every gazetteer match outside the wire spans; span._.iso3 is its
    code, span._.counts whether it names a party (the guide's place rule: "talks in Geneva" does not)."""

    def annotate(self, ctx: ArticleContext) -> None:
        ctx.countries = find_countries(ctx.text, exclude=ctx.article.wire_spans)

    def show(self, doc: Doc, ctx: ArticleContext) -> None:
        set_spans(doc, COUNTRIES, ctx.countries, lambda c: [(c.start, c.end)])
