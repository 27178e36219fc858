"""Negotiation and agreement records: who talks or deals with whom, when.

Read clause by clause: a trigger ("talks", "negotiations", "met", "reached a deal") and at least two
distinct sides, taken from the clause's country mentions and the countries of the officials named in
it. Text after a topic marker ("to discuss tariffs imposed on the EU") names the subject of the talks,
not a side, and is left out when the clause has two sides without it. A clause that starts with a
verb ("... and has invited Korea's minister for talks") inherits the subject of the clause before it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from spacy.language import Language

from ..nlp.component import RuleComponent
from ..nlp.context import ArticleContext
from ..nlp.officials import Official
from ..cues import cue_patterns
from ..segment import split_clauses
from . import weights
from .relevance import relevant
from ..registry import component_factory

# The cue words live in data/cues/en/talks.json (extractor.cues): this module says how they combine.
_CUES = cue_patterns("talks")
_STRONG_TRIGGER = _CUES["strong_trigger"]
_WEAK_TRIGGER = _CUES["weak_trigger"]
_TRADE_WORDS = _CUES["trade_context"]
_AGREEMENT_NOUN = _CUES["agreement_noun"]
_AGREED_TO = _CUES["agreed_to"]
# Agreeing to keep talking is a negotiation, not a deal.
_AGREED_TO_TALK = _CUES["agreed_to_talk"]
_NEGATED_TALKS = _CUES["negated"]
_VENUE_ADJECTIVE = _CUES["venue_after"]
_AT_PLACE = _CUES["at_place_before"]
_BOTH_SIDES = _CUES["both_sides"]
_PLURAL_PAIRS = _CUES["plural_pairs"]
_AGREEMENT_VERB = _CUES["agreement_verb"]
_NOT_REACHED = _CUES["not_reached_before"]
_TO_VERB = _CUES["to_deal_verb"]
_TOPIC = _CUES["topic"]
_REQUESTED = _CUES["requested"]
_FUTURE = _CUES["future"]
_VERB_START = _CUES["verb_start"]
_WITH = _CUES["with"]
_SIGNED = _CUES["signed"]
_WILL_SIGN = _CUES["will_sign"]


@dataclass
class TalkEvent:
    type: str  # negotiation | agreement
    status: str
    parties: list[str]
    officials: list[Official]
    span: tuple[int, int]
    date_index: Optional[int]
    confidence: float


class TalksFinder:
    def find(self, ctx: ArticleContext) -> list[TalkEvent]:
        text = ctx.text
        events: list[TalkEvent] = []
        partner, second = self._partners(ctx)
        for sent in ctx.sentences:
            if ctx.excluded(*sent):
                continue
            sentence_text = text[sent[0]:sent[1]]
            has_trade = bool(_TRADE_WORDS.search(sentence_text))
            clauses = split_clauses(text, sent)
            prev_subject: list[str] = []
            for clause in clauses:
                ctext = text[clause[0]:clause[1]]
                parties, officials, subject = self._parties(ctx, clause)
                if _VERB_START.match(ctext):
                    # "... and has invited Korea's minister": the subject is the previous clause's.
                    parties = sorted(set(parties) | set(prev_subject))
                elif subject:
                    prev_subject = subject
                if len(parties) < 2 and _BOTH_SIDES.search(ctext) and partner and second:
                    parties = sorted({partner, second})
                if len(parties) == 1 and partner is not None and (_STRONG_TRIGGER.search(ctext) or _AGREEMENT_NOUN.search(ctext)
                                                                   or _AGREED_TO.search(ctext)):
                    # "Tokyo would keep negotiating": the other side is the one the story is about.
                    other = partner if partner != parties[0] else second
                    if other is not None:
                        parties = sorted({parties[0], other})
                for group in self._distribute(ctx, clause, ctext, parties):
                    event = self._agreement(ctx, clause, ctext, group, officials, sent)
                    if event is None:
                        event = self._negotiation(ctx, clause, ctext, group, officials, has_trade, sent)
                    if event is not None:
                        events.append(event)
        return events

    @staticmethod
    def _partners(ctx: ArticleContext) -> tuple[Optional[str], Optional[str]]:
        codes = [c.code for c in ctx.countries if c.counts] + [o.country for o in ctx.officials if o.country]
        ranked = sorted(set(codes), key=lambda c: (-codes.count(c), c))
        return (ranked[0] if ranked else None), (ranked[1] if len(ranked) > 1 else None)

    def _distribute(self, ctx: ArticleContext, clause, ctext: str, parties: list[str]) -> list[list[str]]:
        """"Britain and Vietnam have reached deals with Washington" is two bilateral deals."""
        # "talks with Japan and India", "Britain and Vietnam reached deals with Washington": one hub,
        # several partners on the other side of "with" -> bilateral records.
        if len(parties) < 3:
            return [parties]
        with_at = _WITH.search(ctext)
        if not with_at:
            return [parties]
        pivot = clause[0] + with_at.start()
        left = {c.code for c in ctx.countries_in(clause[0], pivot)} | {o.country for o, _ in ctx.officials_in(clause[0], pivot) if o.country}
        right = {c.code for c in ctx.countries_in(pivot, clause[1])} | {o.country for o, _ in ctx.officials_in(pivot, clause[1]) if o.country}
        if len(left) == 1 and len(right - left) >= 2:
            hub, spokes = next(iter(left)), right - left
        elif len(right) == 1 and len(left - right) >= 2 and _PLURAL_PAIRS.search(ctext):
            # "A and B sit down with C" is one meeting; "A and B reached deals with C" are two.
            hub, spokes = next(iter(right)), left - right
        else:
            return [parties]
        return [sorted({hub, s}) for s in sorted(spokes)]

    def _parties(self, ctx: ArticleContext, clause: tuple[int, int]) -> tuple[list[str], list[Official], list[str]]:
        text = ctx.text
        topic = _TOPIC.search(text, clause[0], clause[1])
        spans = [clause]
        if topic:
            spans.insert(0, (clause[0], topic.start()))
        for span in spans:
            codes: list[str] = []
            officials: list[Official] = []
            ordered: list[tuple[int, str]] = []
            venues: list[tuple[int, str]] = []
            for c in ctx.countries_in(*span, counting_only=False):
                if _VENUE_ADJECTIVE.match(ctx.text, c.end):
                    continue  # "the Stockholm meeting", "the Geneva truce": a venue, not a side
                if c.counts and not _AT_PLACE.search(ctx.text, max(0, c.start - 12), c.start):
                    ordered.append((c.start, c.code))
                elif c.kind in ("capital", "metonym") or c.counts:
                    venues.append((c.start, c.code))
            for off, (s, _) in ctx.officials_in(*span):
                if off.country:
                    ordered.append((s, off.country))
                    if off not in officials:
                        officials.append(off)
            if len({code for _, code in ordered}) < 2:
                # Talks held in a capital involve its government ("held talks in Washington").
                ordered.extend(venues)
            ordered.sort()
            for _, code in ordered:
                if code not in codes:
                    codes.append(code)
            if len(codes) >= 2 or span is spans[-1]:
                subject = [ordered[0][1]] if ordered and ordered[0][0] - clause[0] < 40 else []
                return sorted(codes), officials, subject
        return [], [], []

    def _agreement(self, ctx, clause, ctext, parties, officials, sent) -> Optional[TalkEvent]:
        agreed_to = _AGREED_TO.search(ctext)
        if len(parties) < 2 or not (_AGREEMENT_NOUN.search(ctext) or agreed_to):
            return None
        # "under the deal" only refers to a deal; the record needs a report that one was reached.
        verb = agreed_to
        if verb is None:
            # The verb must govern the deal: "reached a trade deal", "the agreement was signed".
            for v in _AGREEMENT_VERB.finditer(ctext):
                if any(abs(n.start() - v.end()) <= 40 or abs(v.start() - n.end()) <= 25 for n in _AGREEMENT_NOUN.finditer(ctext)):
                    verb = v
                    break
        if not verb:
            return None
        before_verb = ctext[:verb.start()]
        if _NOT_REACHED.search(before_verb[-40:]) or _TO_VERB.search(ctext) or _AGREED_TO_TALK.search(ctext):
            return None
        status = "signed" if _SIGNED.search(ctext) and not _WILL_SIGN.search(ctext) else "reached"
        return TalkEvent("agreement", status, parties, officials, clause, self._date(ctx, clause, sent),
                         weights.AGREEMENT_CONFIDENCE)

    def _negotiation(self, ctx, clause, ctext, parties, officials, has_trade, sent) -> Optional[TalkEvent]:
        if len(parties) < 2:
            return None
        strong = _STRONG_TRIGGER.search(ctext)
        weak = _WEAK_TRIGGER.search(ctext)
        if not strong and not weak or _NEGATED_TALKS.search(ctext):
            return None
        if _REQUESTED.search(ctext):
            status = "requested"
        elif _FUTURE.search(ctext):
            status = "scheduled"
        else:
            status = "held"
        confidence = weights.NEGOTIATION_STRONG if strong else weights.NEGOTIATION_WEAK
        return TalkEvent("negotiation", status, parties, officials, clause, self._date(ctx, clause, sent),
                         confidence)

    @staticmethod
    def _date(ctx: ArticleContext, clause, sent) -> Optional[int]:
        for scope in (clause, sent):
            for i, d in enumerate(ctx.dates):
                if scope[0] <= d.start and d.end <= scope[1] and d.grain == "day" and d.value:
                    return i
        return None


@component_factory("tariffwire_talks")
def make_talks(nlp: Language, name: str) -> "TalksComponent":
    return TalksComponent()


class TalksComponent(RuleComponent):
    """doc._.tw_talks: negotiations and agreements of an article that uses the trade vocabulary."""

    def __init__(self):
        self.finder = TalksFinder()

    def annotate(self, ctx: ArticleContext) -> None:
        ctx.talks = self.finder.find(ctx) if relevant(ctx) else []
