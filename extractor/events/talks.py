"""Negotiation and agreement records: who talks or deals with whom, when.

Read clause by clause: a trigger ("talks", "negotiations", "met", "reached a deal") and at least two
distinct sides, taken from the clause's country mentions and the countries of the officials named in
it. Text after a topic marker ("to discuss tariffs imposed on the EU") names the subject of the talks,
not a side, and is left out when the clause has two sides without it. A clause that starts with a
verb ("... and has invited Korea's minister for talks") inherits the subject of the clause before it.

The talk word must report talks held, set or requested between the sides: one side's wish, demand or
stance, a hypothetical, a question, talks named as a means ("through dialogue") or on another topic
("peace talks") are not; a host or a venue outside the story is no side. A deal is reported by a verb
that governs it ("reached a deal"), by both sides having agreed, by a headline or "the conclusion of
negotiations", or by its result ("under the deal struck in May", "the agreement lowers tariffs"),
but not when it is hoped for or a treaty in force. The cue words are data: data/cues/en/talks.json.
"""
from __future__ import annotations

import re
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
_WISH = _CUES["wish"]
_NON_TRADE_TALKS = _CUES["non_trade_talks"]
_GENERIC_COUNTERPART = _CUES["generic_counterpart"]
_HOSTED_BY_BEFORE = _CUES["hosted_by_before"]
_HOST_AFTER = _CUES["host_after"]
_CITY_COUNTRY_BEFORE = _CUES["city_country_before"]
_AGREEMENT_RESULT = _CUES["agreement_result"]
_UNDER_AGREEMENT = _CUES["under_agreement"]
_HYPOTHETICAL_DEAL = _CUES["hypothetical_deal"]
_AGREED_PLAIN = _CUES["agreed_plain"]
_HEADLINE_AGREE = _CUES["headline_agree"]
_CONCLUDED_TALKS = _CUES["concluded_talks"]
_SCHEDULED_BEFORE = _CUES["scheduled_before"]
_WITH_PHRASE_END = _CUES["with_phrase_end"]
_STANDING_AGREEMENT = _CUES["standing_agreement"]
_MANNER_BEFORE = _CUES["manner_before"]
_BETWEEN = _CUES["between"]
_OWNED_DEAL_WITH = _CUES["owned_deal_with"]
_COORDINATED_GAP = _CUES["coordinated_gap"]
_MUTUAL_AGREED = _CUES["mutual_agreed"]
_WITH_BOTH = _CUES["with_both"]
_PRONOUN_START = _CUES["pronoun_start"]
_INTERNAL_AFTER = _CUES["internal_after"]
_DEMAND_AFTER = _CUES["demand_after"]
# How far before a talk word a wish or hypothetical ("has long sought to ...") still governs it.
WISH_WINDOW = 60
# A "clause" longer than this is a run of list items or page debris the segmenter could not split:
# the sides and the talk word found in it need not belong to one report.
MAX_CLAUSE_CHARS = 600
# How far a refusal ("ruled out", "won't") may stand before, or after, the talk word it negates.
NEGATION_BEFORE = 40
NEGATION_AFTER = 40


@dataclass
class TalkEvent:
    type: str  # negotiation | agreement
    status: str
    parties: list[str]
    officials: list[Official]
    span: tuple[int, int]
    date_index: Optional[int]
    confidence: float


# Every cue that _negotiation or _agreement_report needs one of: a clause without any can yield no event.
_EVENT_CUES = (_STRONG_TRIGGER, _WEAK_TRIGGER, _AGREED_TO, _AGREEMENT_VERB, _UNDER_AGREEMENT, _AGREEMENT_RESULT,
               _CONCLUDED_TALKS, _AGREED_PLAIN)


def _may_report_talks(ctext: str) -> bool:
    return any(cue.search(ctext) for cue in _EVENT_CUES) or _HEADLINE_AGREE.match(ctext) is not None


class TalksFinder:
    def find(self, ctx: ArticleContext) -> list[TalkEvent]:
        text = ctx.text
        events: list[TalkEvent] = []
        partner, second = self._partners(ctx)
        trade_parties = self._trade_parties(ctx, partner, second)
        last_pair: Optional[list[str]] = None  # the sides of the last event: "the two leaders" are they
        speaker: Optional[str] = None  # the country of the official named last before this sentence: "He" is theirs
        previous_trade = False  # did the sentence before use the trade vocabulary?
        for sent in ctx.sentences:
            if ctx.excluded(*sent):
                continue
            sentence_text = text[sent[0]:sent[1]]
            sentence_trade = bool(_TRADE_WORDS.search(sentence_text))
            clauses = split_clauses(text, sent)
            prev_subject: list[str] = []
            # A sentence none of whose clauses holds a talk or deal cue yields no event, and what one
            # sentence hands the next (the last pair, the speaker, the trade vocabulary) does not
            # depend on its clauses: skip the costly side-finding for it (most sentences of a story).
            if not any(_may_report_talks(text[c[0]:c[1]]) for c in clauses):
                clauses = []
            for clause in clauses:
                ctext = text[clause[0]:clause[1]]
                if len(ctext) > MAX_CLAUSE_CHARS:
                    continue
                parties, officials, subject = self._parties(ctx, clause, {partner, second} - {None})
                has_trade = sentence_trade
                if speaker and _PRONOUN_START.match(ctext):
                    # "He is due to meet U.S. officials on Friday": he is the official named before,
                    # and the sentence goes on with the trade matter of the one before it.
                    parties = sorted(set(parties) | {speaker})
                    has_trade = has_trade or previous_trade
                if _VERB_START.match(ctext):
                    # "... and has invited Korea's minister": the subject is the previous clause's.
                    parties = sorted(set(parties) | set(prev_subject))
                elif subject:
                    prev_subject = subject
                if len(parties) < 2 and _BOTH_SIDES.search(ctext):
                    # "the two leaders discussed ...": the pair last reported, else the story's pair.
                    pairs = [p for p in (last_pair, [partner, second] if partner and second else None) if p]
                    fitting = [p for p in pairs if set(parties) <= set(p)]
                    if fitting or pairs:
                        parties = sorted(set((fitting or pairs)[0]))
                if (len(parties) == 1 and partner is not None and not _GENERIC_COUNTERPART.search(ctext)
                        and (_STRONG_TRIGGER.search(ctext) or _AGREEMENT_NOUN.search(ctext) or _AGREED_TO.search(ctext))):
                    # "Tokyo would keep negotiating": the other side is the one the story is about.
                    other = partner if partner != parties[0] else second
                    if other is not None:
                        parties = sorted({parties[0], other})
                for group in self._distribute(ctx, clause, ctext, parties):
                    # A clause may report both: "agreed to hold off on tariffs after phone calls with ...".
                    for event in (self._agreement(ctx, clause, ctext, group, officials, sent),
                                  self._negotiation(ctx, clause, ctext, group, officials, has_trade, sent, trade_parties)):
                        if event is not None:
                            events.append(event)
                            last_pair = event.parties
            previous_trade = sentence_trade
            named = [o.country for o, _ in ctx.officials_in(*sent) if o.country]
            if named:
                speaker = named[-1]
        return events

    @staticmethod
    def _partners(ctx: ArticleContext) -> tuple[Optional[str], Optional[str]]:
        codes = [c.code for c in ctx.countries if c.counts] + [o.country for o in ctx.officials if o.country]
        ranked = sorted(set(codes), key=lambda c: (-codes.count(c), c))
        return (ranked[0] if ranked else None), (ranked[1] if len(ranked) > 1 else None)

    @staticmethod
    def _trade_parties(ctx: ArticleContext, partner, second) -> set[str]:
        """The countries the trade story is about: its two main countries and the imposers and
        targets of its tariffs."""
        codes = {partner, second} - {None}
        for t in ctx.tariffs:
            codes.update(c for c in [getattr(t, "imposer", None), *getattr(t, "targets", [])] if c and c != "ALL")
        return codes

    def _distribute(self, ctx: ArticleContext, clause, ctext: str, parties: list[str]) -> list[list[str]]:
        """"Britain and Vietnam have reached deals with Washington" is two bilateral deals."""
        between = self._between(ctx, clause, ctext)
        if between:
            return [between]
        owned = self._owned_deals(ctx, clause, ctext)
        if owned:
            return owned
        both = _WITH_BOTH.search(ctext)
        if both and len(parties) >= 3:
            # "directing his trade envoy to pursue negotiations with both": the one named last before
            # "with" talks with each of the others, one pair at a time.
            before = self._mentions(ctx, clause[0], clause[0] + both.start())
            if before:
                hub = before[-1][1]
                return [sorted({hub, p}) for p in parties if p != hub]
        # "talks with Japan and India", "Britain and Vietnam reached deals with Washington": one hub,
        # several partners on the other side of "with" -> bilateral records.
        if len(parties) < 3:
            return [parties]
        with_at = _WITH.search(ctext)
        if not with_at:
            return [parties]
        pivot = clause[0] + with_at.start()
        left = {c.code for c in ctx.countries_in(clause[0], pivot)} | {o.country for o, _ in ctx.officials_in(clause[0], pivot) if o.country}
        # The list after "with" ends at a comma before a lower-case word: ", with France accusing ...".
        end = _WITH_PHRASE_END.search(ctx.text, pivot, clause[1])
        right_end = end.start() if end else clause[1]
        right = {c.code for c in ctx.countries_in(pivot, right_end)} | {o.country for o, _ in ctx.officials_in(pivot, right_end) if o.country}
        if len(left) == 1 and len(right - left) >= 2:
            hub, spokes = next(iter(left)), right - left
        elif len(left) == 1 and len(right - left) == 1 and end is not None:
            # "the deal struck with Washington, with France accusing ...": one pair, the rest is comment
            return [sorted(left | right)]
        elif len(right) == 1 and len(left - right) >= 2 and _PLURAL_PAIRS.search(ctext):
            # "A and B sit down with C" is one meeting; "A and B reached deals with C" are two.
            hub, spokes = next(iter(right)), left - right
        else:
            return [parties]
        return [sorted({hub, s}) for s in sorted(spokes)]

    @staticmethod
    def _mentions(ctx: ArticleContext, start: int, end: int) -> list[tuple[int, str]]:
        """Country codes of the countries and officials named in the span, in text order."""
        found = [(c.start, c.code) for c in ctx.countries_in(start, end)]
        found += [(s, o.country) for o, (s, _) in ctx.officials_in(start, end) if o.country]
        return sorted(found)

    @staticmethod
    def _sides_in(ctx: ArticleContext, start: int, end: int) -> list[str]:
        codes = [c.code for c in ctx.countries_in(start, end)] + [o.country for o, _ in ctx.officials_in(start, end) if o.country]
        return sorted(set(codes))

    def _between(self, ctx: ArticleContext, clause, ctext: str) -> Optional[list[str]]:
        """The sides named after "talks ... between": the others in the clause are not in those talks."""
        m = _BETWEEN.search(ctext)
        if not m:
            return None
        start = clause[0] + m.end()
        end = _WITH_PHRASE_END.search(ctx.text, start, clause[1])
        sides = self._sides_in(ctx, start, end.start() if end else clause[1])
        return sides if len(sides) >= 2 else None

    def _owned_deals(self, ctx: ArticleContext, clause, ctext: str) -> Optional[list[list[str]]]:
        """"X obtained under its agreement with Y", "X and Z, which secured ... in agreements with Y":
        each owner (the country named last before, with those coordinated with it) with Y."""
        m = _OWNED_DEAL_WITH.search(ctext)
        if not m:
            return None
        before = [c for c in ctx.countries_in(clause[0], clause[0] + m.start())]
        if not before:
            return None
        owners = [before[-1]]
        for c in reversed(before[:-1]):
            if not _COORDINATED_GAP.search(ctx.text[c.end:owners[-1].start]):
                break
            owners.append(c)
        start = clause[0] + m.end()
        end = _WITH_PHRASE_END.search(ctx.text, start, clause[1])
        partners = self._sides_in(ctx, start, end.start() if end else clause[1])
        pairs = {tuple(sorted({o.code, p})) for o in owners for p in partners if o.code != p}
        return [list(p) for p in sorted(pairs)] or None

    def _parties(self, ctx: ArticleContext, clause: tuple[int, int], story: set[str]) -> tuple[list[str], list[Official], list[str]]:
        """The sides named in a clause; `story` (the article's two main countries) bounds which venue
        may stand for a side: "held talks in Washington" in a U.S. story, not "talks in Stockholm"."""
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
            asides: list[tuple[int, str]] = []
            in_parens = self._parenthesized(text, *span)
            for c in ctx.countries_in(*span, counting_only=False):
                if c.counts and in_parens(c.start):
                    # "(agency / Pakistan bureau)", "(and Mexico)": an aside is a side only when the
                    # clause names fewer than two outside it.
                    asides.append((c.start, c.code))
                    continue
                if _VENUE_ADJECTIVE.match(ctx.text, c.end):
                    continue  # "the Stockholm meeting", "the Geneva truce": a venue, not a side
                if self._hosts(ctx.text, c):
                    continue  # "hosted by Japan", "Switzerland, which hosted the talks": the host is no side
                at_venue = (_AT_PLACE.search(ctx.text, max(0, c.start - 12), c.start)
                            or _CITY_COUNTRY_BEFORE.search(ctx.text, max(0, c.start - 60), c.start))
                if c.counts and not at_venue:
                    ordered.append((c.start, c.code))
                elif (c.kind in ("capital", "metonym") or c.counts) and c.code in story:
                    venues.append((c.start, c.code))
            for off, (s, _) in ctx.officials_in(*span):
                if off.country:
                    ordered.append((s, off.country))
                    if off not in officials:
                        officials.append(off)
            if len({code for _, code in ordered}) < 2:
                ordered.extend(asides)
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

    @staticmethod
    def _parenthesized(text: str, start: int, end: int):
        """A test: is this offset inside a parenthesis opened and closed within the span?"""
        inside: list[tuple[int, int]] = []
        opened: list[int] = []
        for i in range(start, end):
            if text[i] == "(":
                opened.append(i)
            elif text[i] == ")" and opened:
                inside.append((opened.pop(), i))
        return lambda at: any(a < at < b for a, b in inside)

    @staticmethod
    def _hosts(text: str, c) -> bool:
        return bool(_HOSTED_BY_BEFORE.search(text, max(0, c.start - 40), c.start) or _HOST_AFTER.search(text[c.end:c.end + 60]))

    def _agreement(self, ctx, clause, ctext, parties, officials, sent) -> Optional[TalkEvent]:
        if len(parties) < 2 or _NON_TRADE_TALKS.search(ctext):
            return None
        # A deal told only by its result among three or more countries is a regional treaty or a
        # comparison ("as under the X-Y-Z agreement"), not the bilateral deal of the news.
        verb = self._agreement_report(ctext, two_sides=len(parties) == 2)
        if verb is None:
            return None
        if _TO_VERB.search(ctext) or _AGREED_TO_TALK.search(ctext):
            return None
        status = "signed" if _SIGNED.search(ctext) and not _WILL_SIGN.search(ctext) else "reached"
        return TalkEvent("agreement", status, parties, officials, clause, self._date(ctx, clause, sent),
                         weights.AGREEMENT_CONFIDENCE)

    @staticmethod
    def _agreement_report(ctext: str, two_sides: bool = True) -> Optional[re.Match]:
        """The words that report a deal as reached, or None. A mere reference ("hopes for a deal")
        is not one; a deal told by its result ("the agreement lowers tariffs", "under the deal
        struck in May") is."""
        def reached(m: Optional[re.Match]) -> bool:
            return m is not None and not _NOT_REACHED.search(ctext[:m.start()][-40:])

        agreed_to = _AGREED_TO.search(ctext)
        if reached(agreed_to):
            return agreed_to
        # The verb must govern the deal: "reached a trade deal", "the agreement was signed".
        nouns = list(_AGREEMENT_NOUN.finditer(ctext))
        for v in _AGREEMENT_VERB.finditer(ctext):
            if any(abs(n.start() - v.end()) <= 40 or abs(v.start() - n.end()) <= 25 for n in nouns):
                return v if reached(v) else None
        for told in (_UNDER_AGREEMENT.search(ctext), _AGREEMENT_RESULT.search(ctext)) if two_sides else ():
            # "would face 20% under the deal" reports the deal; "under a proposed deal" does not.
            # A treaty in force ("under the free trade agreement") is no deal reached in the news.
            if (told and not _HYPOTHETICAL_DEAL.search(told.group()) and not _HYPOTHETICAL_DEAL.search(ctext[:told.start()][-15:])
                    and not _STANDING_AGREEMENT.search(ctext[told.start():told.end() + 2])):
                return told
        for m in (_HEADLINE_AGREE.match(ctext), _CONCLUDED_TALKS.search(ctext)):
            if reached(m):
                return m
        # A plain "agreed" is a deal only when both sides agreed: "Trump agreed to a pause" is one side's.
        plain = _AGREED_PLAIN.search(ctext)
        if reached(plain) and _MUTUAL_AGREED.search(ctext):
            return plain
        return None

    def _negotiation(self, ctx, clause, ctext, parties, officials, has_trade, sent, trade_parties) -> Optional[TalkEvent]:
        if len(parties) < 2:
            return None
        strong = _STRONG_TRIGGER.search(ctext)
        weak = _WEAK_TRIGGER.search(ctext)
        if not strong and not weak or self._negated(ctext) or _NON_TRADE_TALKS.search(ctext):
            return None
        requested = _REQUESTED.search(ctext)
        if not requested and (ctx.text[sent[0]:sent[1]].rstrip().endswith("?") or not self._reported(ctext)):
            return None  # a question, a wish, a demand or a hypothetical: no talks between the sides
        if not strong and not has_trade and not set(parties) <= trade_parties:
            # "Merkel spoke with Erdogan", "the emir visited Ankara": a meeting counts as trade
            # talks in a trade sentence, or between countries the trade story is about.
            return None
        if requested:
            status = "requested"
        elif _FUTURE.search(ctext):
            status = "scheduled"
        else:
            status = "held"
        confidence = weights.NEGOTIATION_STRONG if strong else weights.NEGOTIATION_WEAK
        return TalkEvent("negotiation", status, parties, officials, clause, self._date(ctx, clause, sent),
                         confidence)

    @staticmethod
    def _negated(ctext: str) -> bool:
        """Is a talk word of the clause refused or broken off? The negation must stand next to it:
        "ruled out talks", "walked away from the talks", "talks ... were broken off"; in "talks would
        continue and London had ruled out a matching duty" it is about the duty."""
        negations = list(_NEGATED_TALKS.finditer(ctext))
        if not negations:
            return False
        talk_words = [m for trigger in (_STRONG_TRIGGER, _WEAK_TRIGGER) for m in trigger.finditer(ctext)]
        return any(0 <= m.start() - negation.end() <= NEGATION_BEFORE or 0 <= negation.start() - m.end() <= NEGATION_AFTER
                   for negation in negations for m in talk_words)

    @staticmethod
    def _reported(ctext: str) -> bool:
        """Does some talk word of the clause report talks, not one side's wish, demand, stance or a
        hypothetical ("has long sought to negotiate", "urged Washington to return to talks", "if talks fail")?"""
        for trigger in (_STRONG_TRIGGER, _WEAK_TRIGGER):
            for m in trigger.finditer(ctext):
                if _MANNER_BEFORE.search(ctext, max(0, m.start() - 30), m.start()):
                    continue  # "resolve differences through dialogue": a means, not talks held
                if _INTERNAL_AFTER.match(ctext, m.end()):
                    continue  # "a meeting of his cabinet": one side's own meeting
                if _DEMAND_AFTER.match(ctext, m.end()):
                    continue  # "consultations must be held on an equal footing": a stance, no talks
                if (not _WISH.search(ctext, max(0, m.start() - WISH_WINDOW), m.start())
                        or _SCHEDULED_BEFORE.search(ctext, max(0, m.start() - 30), m.start())):
                    return True
        return False

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
