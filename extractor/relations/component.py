"""The role classifier as a pipeline component: the rules propose the pairs, the model decides them.

Placed after the officials and rates components and before the tariffs component, it makes two
decisions with the model (relations/model.py), where the model is confident enough (its
`min_confidence`; else the rule decision stands):
- each official's country, among the countries named in the sentences that name the official;
- the role (imposer, target, none) of each state actor of a tariff rate's sentence: span._.roles on
  the rate spans, which the tariffs component reads instead of the sentence's rule roles; the rules
  still bind the roles to an imposer and targets (nearest, clause, universal cues, context imposer).
"""
from __future__ import annotations


from spacy.language import Language

from ..events.relevance import relevant
from ..events.tariffs import DEFAULT_CUE_WINDOW, TariffFinder
from ..nlp.component import RuleComponent
from ..nlp.context import ArticleContext
from .data import official_candidates, tariff_candidates, tariff_rates
from .model import load_classifier
from ..registry import component_factory


@component_factory("tariffwire_roles", default_config={"cue_window": DEFAULT_CUE_WINDOW})
def make_roles(nlp: Language, name: str, model: str, cue_window: int) -> "LearnedRoles":
    """model: a directory written by `tariffwire train relations`, or several (joined by commas, or
    the subdirectories of one directory): an ensemble that averages their probabilities;
    cue_window: as the tariffs component's (which percentages are tariff rates decides which pairs
    the model sees)."""
    return LearnedRoles(load_classifier(model), TariffFinder(cue_window=cue_window, lang=nlp.lang), settings={"relations_model": model})


class LearnedRoles(RuleComponent):
    def __init__(self, classifier, rules: TariffFinder, settings: dict | None = None):
        self.classifier = classifier
        self.rules = rules
        self.settings = settings or {}

    def annotate(self, ctx: ArticleContext) -> None:
        if not relevant(ctx):
            return
        # Officials first: the tariff rules read an official's country ("Trump imposed ...").
        self._place_officials(ctx)
        pairs = [(pct, roles, tariff_candidates(ctx, pct, sent, roles))
                 for pct, sent, roles in tariff_rates(ctx, self.rules)]
        candidates = [c for _, _, found in pairs for _, c in found]
        decided_labels = self.classifier.decide([c.text for c in candidates], "tariff", [c.rule_role for c in candidates])
        decisions = dict(zip([c.text for c in candidates], decided_labels))
        for pct, roles, found in pairs:
            decided = list(roles)
            for i, c in found:
                label = decisions.get(c.text)
                if label is not None:
                    decided[i] = (*roles[i][:3], label)
            ctx.rate_roles[(pct.start, pct.end)] = decided

    def _place_officials(self, ctx: ArticleContext) -> None:
        """Re-decide each official's country in place: ctx.officials are the objects the article
        record and the events are built from."""
        pairs = [(official, c) for official in ctx.officials for c in official_candidates(ctx, official)]
        serves: dict[int, set] = {id(official): set() for official in ctx.officials}
        labels = self.classifier.decide([c.text for _, c in pairs], "official", [c.rule_role for _, c in pairs])
        for (official, c), label in zip(pairs, labels):
            if label == "serves":
                serves[id(official)].add(c.code)
        for official in ctx.officials:
            # One clear answer only: several countries, or none, leave the rule country in place.
            if len(serves[id(official)]) == 1:
                official.country = serves[id(official)].pop()
