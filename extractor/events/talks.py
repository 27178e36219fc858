"""Negotiation and agreement records: who talks or deals with whom, when.

Read clause by clause: a trigger ("talks", "negotiations", "met", "reached a deal") and at least two
distinct sides, taken from the clause's country mentions and the countries of the officials named in
it. Text after a topic marker ("to discuss tariffs imposed on the EU") names the subject of the talks,
not a side, and is left out when the clause has two sides without it. A clause that starts with a
verb ("... and has invited Korea's minister for talks") inherits the subject of the clause before it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from ..nlp.officials import Official
from ..nlp.sentences import split_clauses
from .context import ArticleContext

_STRONG_TRIGGER = re.compile(
    r"\b(?:negotiat(?:e|es|ed|ing|ions?)|talks|consultations|trade dialogue|round of)\b", re.I
)
_WEAK_TRIGGER = re.compile(
    r"\b(?:meet(?:s|ing|ings)?|met|discuss(?:ed|es|ing|ions?)?|spoke|speak|call(?:ed)? with|phone call|"
    r"visit(?:s|ed|ing)?|summit|hosted|host|sat down)\b",
    re.I,
)
_TRADE_WORDS = re.compile(r"\b(?:trade|tariffs?|deal|negotiat\w*|imports?|exports?|economic|commerce|duties|levies)\b", re.I)
_AGREEMENT_NOUN = re.compile(r"\b(?:deal|agreement|accord|pact|framework|truce|understanding)s?\b", re.I)
_AGREEMENT_VERB = re.compile(
    r"\b(?:reached|struck|signed|sealed|clinched|finali[sz]ed|concluded|inked|secured|announced|agreed|unveiled|"
    r"hammered out|nailed down|reach(?:ed)? agreement|have a deal|has a deal|got a deal)\b",
    re.I,
)
_AGREEMENT_UNDER = re.compile(r"\b(?:under|as part of|per|in) (?:the|a|its|their|this|that) (?:\w+[\s-]){0,3}(?:deal|agreement|framework|accord|pact)\b", re.I)
_NOT_REACHED = re.compile(
    r"\b(?:hop(?:e|es|ed|ing)|seek(?:s|ing)?|sought|aim(?:s|ed|ing)?|try(?:ing)?|tried|would|could|might|may|if|whether|"
    r"won['’]t|will not|no deal|not|yet to|fail(?:ed|s)?|without|push(?:es|ed|ing)? for|want(?:s|ed)?|rush|toward|"
    r"pursu\w*|close to|near(?:ing)?|possible|potential|prospects?)\b",
    re.I,
)
_TO_VERB = re.compile(r"\bto (?:reach|strike|sign|seal|clinch|secure|finali[sz]e|conclude|get|make|negotiate)\b", re.I)
_TOPIC = re.compile(
    r"\b(?:to discuss|to talk about|about|over|regarding|concerning|aimed at|targeting|imposed on|levied on|on (?:tariffs|trade|the|its|their)|"
    r"that would|which|who)\b",
    re.I,
)
_REQUESTED = re.compile(r"\b(?:request(?:ed|s|ing)?|invit(?:e|ed|es|ing)|asked for|ask for|seek(?:s|ing)? talks|sought talks|"
                        r"call(?:ed|s)? for talks|propos(?:e|ed|es) talks|offer(?:ed|s)? talks)\b", re.I)
_FUTURE = re.compile(r"\b(?:will|set to|is to|are to|plans? to|planned|scheduled|due to|expected to|upcoming|next|going to|"
                     r"to begin|to hold|to meet|to start|would meet|later this|tomorrow)\b", re.I)
_VERB_START = re.compile(r"^\s*(?:has|have|had|will|would|is|are|was|were|also|then|later|\w+ed)\b", re.I)


@dataclass
class TalkEvent:
    type: str  # negotiation | agreement
    status: str
    parties: list[str]
    officials: list[Official]
    span: tuple[int, int]
    date_index: Optional[int]
    confidence: float
    signals: dict = field(default_factory=dict)


class TalksFinder:
    def find(self, ctx: ArticleContext) -> list[TalkEvent]:
        text = ctx.text
        events: list[TalkEvent] = []
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
                event = self._agreement(ctx, clause, ctext, parties, officials, sent)
                if event is None:
                    event = self._negotiation(ctx, clause, ctext, parties, officials, has_trade, sent)
                if event is not None:
                    events.append(event)
        return events

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
            for c in ctx.countries_in(*span):
                ordered.append((c.start, c.code))
            for off, (s, _) in ctx.officials_in(*span):
                if off.country:
                    ordered.append((s, off.country))
                    if off not in officials:
                        officials.append(off)
            ordered.sort()
            for _, code in ordered:
                if code not in codes:
                    codes.append(code)
            if len(codes) >= 2 or span is spans[-1]:
                subject = [ordered[0][1]] if ordered and ordered[0][0] - clause[0] < 40 else []
                return sorted(codes), officials, subject
        return [], [], []

    def _agreement(self, ctx, clause, ctext, parties, officials, sent) -> Optional[TalkEvent]:
        if len(parties) < 2 or not _AGREEMENT_NOUN.search(ctext):
            return None
        under = _AGREEMENT_UNDER.search(ctext)
        verb = _AGREEMENT_VERB.search(ctext)
        if not (under or verb):
            return None
        if verb and not under:
            before_verb = ctext[:verb.start()]
            if _NOT_REACHED.search(before_verb[-40:]) or _TO_VERB.search(ctext):
                return None
        status = "signed" if re.search(r"\bsign(?:ed|ing)\b", ctext, re.I) and not re.search(r"\b(?:will|to) sign\b", ctext, re.I) else "reached"
        return TalkEvent("agreement", status, parties, officials, clause, self._date(ctx, clause, sent),
                         0.75 if verb else 0.6, {"trigger": (verb or under).group()})

    def _negotiation(self, ctx, clause, ctext, parties, officials, has_trade, sent) -> Optional[TalkEvent]:
        if len(parties) < 2:
            return None
        strong = _STRONG_TRIGGER.search(ctext)
        weak = _WEAK_TRIGGER.search(ctext)
        if not strong and not (weak and has_trade):
            return None
        if _REQUESTED.search(ctext):
            status = "requested"
        elif _FUTURE.search(ctext):
            status = "scheduled"
        else:
            status = "held"
        confidence = 0.8 if strong else 0.6
        return TalkEvent("negotiation", status, parties, officials, clause, self._date(ctx, clause, sent),
                         confidence, {"trigger": (strong or weak).group()})

    @staticmethod
    def _date(ctx: ArticleContext, clause, sent) -> Optional[int]:
        for scope in (clause, sent):
            for i, d in enumerate(ctx.dates):
                if scope[0] <= d.start and d.end <= scope[1] and d.grain == "day" and d.value:
                    return i
        return None
