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
from types import SimpleNamespace
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

# Agreeing to keep talking is a negotiation, not a deal.
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


class TalksFinder:
    """Negotiation and agreement events of one article. The cue words are the lexicon of the
    pipeline's language, data/cues/<lang>/talks.json (extractor.cues); this class says how they combine."""

    def __init__(self, lang: str = "en"):
        self.cues = SimpleNamespace(**cue_patterns("talks", lang))
        # Every cue that _negotiation or _agreement_report needs one of: a clause without any yields no event.
        self._event_cues = tuple(getattr(self.cues, name) for name in (
            "strong_trigger", "weak_trigger", "agreed_to", "agreement_verb", "under_agreement", "agreement_result",
            "concluded_talks", "agreed_plain"))

    def _may_report_talks(self, ctext: str) -> bool:
        return any(cue.search(ctext) for cue in self._event_cues) or self.cues.headline_agree.match(ctext) is not None

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
            sentence_trade = bool(self.cues.trade_context.search(sentence_text))
            clauses = split_clauses(text, sent)
            prev_subject: list[str] = []
            # A sentence none of whose clauses holds a talk or deal cue yields no event, and what one
            # sentence hands the next (the last pair, the speaker, the trade vocabulary) does not
            # depend on its clauses: skip the costly side-finding for it (most sentences of a story).
            if not any(self._may_report_talks(text[c[0]:c[1]]) for c in clauses):
                clauses = []
            for clause in clauses:
                ctext = text[clause[0]:clause[1]]
                if len(ctext) > MAX_CLAUSE_CHARS:
                    continue
                parties, officials, subject = self._parties(ctx, clause, {partner, second} - {None})
                has_trade = sentence_trade
                if speaker and self.cues.pronoun_start.match(ctext):
                    # "He is due to meet U.S. officials on Friday": he is the official named before,
                    # and the sentence goes on with the trade matter of the one before it.
                    parties = sorted(set(parties) | {speaker})
                    has_trade = has_trade or previous_trade
                if self.cues.verb_start.match(ctext):
                    # "... and has invited Korea's minister": the subject is the previous clause's.
                    parties = sorted(set(parties) | set(prev_subject))
                elif subject:
                    prev_subject = subject
                if len(parties) < 2 and self.cues.both_sides.search(ctext):
                    # "the two leaders discussed ...": the pair last reported, else the story's pair.
                    pairs = [p for p in (last_pair, [partner, second] if partner and second else None) if p]
                    fitting = [p for p in pairs if set(parties) <= set(p)]
                    if fitting or pairs:
                        parties = sorted(set((fitting or pairs)[0]))
                if (len(parties) == 1 and partner is not None and not self.cues.generic_counterpart.search(ctext)
                        and (self.cues.strong_trigger.search(ctext) or self.cues.agreement_noun.search(ctext) or self.cues.agreed_to.search(ctext))):
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
        both = self.cues.with_both.search(ctext)
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
        with_at = self.cues.with_partner.search(ctext)
        if not with_at:
            return [parties]
        pivot = clause[0] + with_at.start()
        left = {c.code for c in ctx.countries_in(clause[0], pivot)} | {o.country for o, _ in ctx.officials_in(clause[0], pivot) if o.country}
        # The list after "with" ends at a comma before a lower-case word: ", with France accusing ...".
        end = self.cues.with_phrase_end.search(ctx.text, pivot, clause[1])
        right_end = end.start() if end else clause[1]
        right = {c.code for c in ctx.countries_in(pivot, right_end)} | {o.country for o, _ in ctx.officials_in(pivot, right_end) if o.country}
        if len(left) == 1 and len(right - left) >= 2:
            hub, spokes = next(iter(left)), right - left
        elif len(left) == 1 and len(right - left) == 1 and end is not None:
            # "the deal struck with Washington, with France accusing ...": one pair, the rest is comment
            return [sorted(left | right)]
        elif len(right) == 1 and len(left - right) >= 2 and self.cues.plural_pairs.search(ctext):
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
        m = self.cues.between.search(ctext)
        if not m:
            return None
        start = clause[0] + m.end()
        end = self.cues.with_phrase_end.search(ctx.text, start, clause[1])
        sides = self._sides_in(ctx, start, end.start() if end else clause[1])
        return sides if len(sides) >= 2 else None

    def _owned_deals(self, ctx: ArticleContext, clause, ctext: str) -> Optional[list[list[str]]]:
        """"X obtained under its agreement with Y", "X and Z, which secured ... in agreements with Y":
        each owner (the country named last before, with those coordinated with it) with Y."""
        m = self.cues.owned_deal_with.search(ctext)
        if not m:
            return None
        before = [c for c in ctx.countries_in(clause[0], clause[0] + m.start())]
        if not before:
            return None
        owners = [before[-1]]
        for c in reversed(before[:-1]):
            if not self.cues.coordinated_gap.search(ctx.text[c.end:owners[-1].start]):
                break
            owners.append(c)
        start = clause[0] + m.end()
        end = self.cues.with_phrase_end.search(ctx.text, start, clause[1])
        partners = self._sides_in(ctx, start, end.start() if end else clause[1])
        pairs = {tuple(sorted({o.code, p})) for o in owners for p in partners if o.code != p}
        return [list(p) for p in sorted(pairs)] or None

    def _parties(self, ctx: ArticleContext, clause: tuple[int, int], story: set[str]) -> tuple[list[str], list[Official], list[str]]:
        """The sides named in a clause; `story` (the article's two main countries) bounds which venue
        may stand for a side: "held talks in Washington" in a U.S. story, not "talks in Stockholm"."""
        text = ctx.text
        topic = self.cues.topic.search(text, clause[0], clause[1])
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
                if self.cues.venue_after.match(ctx.text, c.end):
                    continue  # "the Stockholm meeting", "the Geneva truce": a venue, not a side
                if self._hosts(ctx.text, c):
                    continue  # "hosted by Japan", "Switzerland, which hosted the talks": the host is no side
                at_venue = (self.cues.at_place_before.search(ctx.text, max(0, c.start - 12), c.start)
                            or self.cues.city_country_before.search(ctx.text, max(0, c.start - 60), c.start))
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

    def _hosts(self, text: str, c) -> bool:
        return bool(self.cues.hosted_by_before.search(text, max(0, c.start - 40), c.start) or self.cues.host_after.search(text[c.end:c.end + 60]))

    def _agreement(self, ctx, clause, ctext, parties, officials, sent) -> Optional[TalkEvent]:
        if len(parties) < 2 or self.cues.non_trade_talks.search(ctext):
            return None
        # A deal told only by its result among three or more countries is a regional treaty or a
        # comparison ("as under the X-Y-Z agreement"), not the bilateral deal of the news.
        verb = self._agreement_report(ctext, two_sides=len(parties) == 2)
        if verb is None:
            return None
        if self.cues.to_deal_verb.search(ctext) or self.cues.agreed_to_talk.search(ctext):
            return None
        status = "signed" if self.cues.signed.search(ctext) and not self.cues.will_sign.search(ctext) else "reached"
        return TalkEvent("agreement", status, parties, officials, clause, self._date(ctx, clause, sent),
                         weights.AGREEMENT_CONFIDENCE)

    def _agreement_report(self, ctext: str, two_sides: bool = True) -> Optional[re.Match]:
        """The words that report a deal as reached, or None. A mere reference ("hopes for a deal")
        is not one; a deal told by its result ("the agreement lowers tariffs", "under the deal
        struck in May") is."""
        def reached(m: Optional[re.Match]) -> bool:
            return m is not None and not self.cues.not_reached_before.search(ctext[:m.start()][-40:])

        agreed_to = self.cues.agreed_to.search(ctext)
        if reached(agreed_to):
            return agreed_to
        # The verb must govern the deal: "reached a trade deal", "the agreement was signed".
        nouns = list(self.cues.agreement_noun.finditer(ctext))
        for v in self.cues.agreement_verb.finditer(ctext):
            if any(abs(n.start() - v.end()) <= 40 or abs(v.start() - n.end()) <= 25 for n in nouns):
                return v if reached(v) else None
        for told in (self.cues.under_agreement.search(ctext), self.cues.agreement_result.search(ctext)) if two_sides else ():
            # "would face 20% under the deal" reports the deal; "under a proposed deal" does not.
            # A treaty in force ("under the free trade agreement") is no deal reached in the news.
            if (told and not self.cues.hypothetical_deal.search(told.group()) and not self.cues.hypothetical_deal.search(ctext[:told.start()][-15:])
                    and not self.cues.standing_agreement.search(ctext[told.start():told.end() + 2])):
                return told
        for m in (self.cues.headline_agree.match(ctext), self.cues.concluded_talks.search(ctext)):
            if reached(m):
                return m
        # A plain "agreed" is a deal only when both sides agreed: "Trump agreed to a pause" is one side's.
        plain = self.cues.agreed_plain.search(ctext)
        if reached(plain) and self.cues.mutual_agreed.search(ctext):
            return plain
        return None

    def _negotiation(self, ctx, clause, ctext, parties, officials, has_trade, sent, trade_parties) -> Optional[TalkEvent]:
        if len(parties) < 2:
            return None
        strong = self.cues.strong_trigger.search(ctext)
        weak = self.cues.weak_trigger.search(ctext)
        if not strong and not weak or self._negated(ctext) or self.cues.non_trade_talks.search(ctext):
            return None
        requested = self.cues.requested.search(ctext)
        if not requested and (ctx.text[sent[0]:sent[1]].rstrip().endswith("?") or not self._reported(ctext)):
            return None  # a question, a wish, a demand or a hypothetical: no talks between the sides
        if not strong and not has_trade and not set(parties) <= trade_parties:
            # "Merkel spoke with Erdogan", "the emir visited Ankara": a meeting counts as trade
            # talks in a trade sentence, or between countries the trade story is about.
            return None
        if requested:
            status = "requested"
        elif self.cues.future.search(ctext):
            status = "scheduled"
        else:
            status = "held"
        confidence = weights.NEGOTIATION_STRONG if strong else weights.NEGOTIATION_WEAK
        return TalkEvent("negotiation", status, parties, officials, clause, self._date(ctx, clause, sent),
                         confidence)

    def _negated(self, ctext: str) -> bool:
        """Is a talk word of the clause refused or broken off? The negation must stand next to it:
        "ruled out talks", "walked away from the talks", "talks ... were broken off"; in "talks would
        continue and London had ruled out a matching duty" it is about the duty."""
        negations = list(self.cues.negated.finditer(ctext))
        if not negations:
            return False
        talk_words = [m for trigger in (self.cues.strong_trigger, self.cues.weak_trigger) for m in trigger.finditer(ctext)]
        return any(0 <= m.start() - negation.end() <= NEGATION_BEFORE or 0 <= negation.start() - m.end() <= NEGATION_AFTER
                   for negation in negations for m in talk_words)

    def _reported(self, ctext: str) -> bool:
        """Does some talk word of the clause report talks, not one side's wish, demand, stance or a
        hypothetical ("has long sought to negotiate", "urged Washington to return to talks", "if talks fail")?"""
        for trigger in (self.cues.strong_trigger, self.cues.weak_trigger):
            for m in trigger.finditer(ctext):
                if self.cues.manner_before.search(ctext, max(0, m.start() - 30), m.start()):
                    continue  # "resolve differences through dialogue": a means, not talks held
                if self.cues.internal_after.match(ctext, m.end()):
                    continue  # "a meeting of his cabinet": one side's own meeting
                if self.cues.demand_after.match(ctext, m.end()):
                    continue  # "consultations must be held on an equal footing": a stance, no talks
                if (not self.cues.wish.search(ctext, max(0, m.start() - WISH_WINDOW), m.start())
                        or self.cues.scheduled_before.search(ctext, max(0, m.start() - 30), m.start())):
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
    return TalksComponent(nlp.lang)


class TalksComponent(RuleComponent):
    """doc._.tw_talks: negotiations and agreements of an article that uses the trade vocabulary."""

    def __init__(self, lang: str = "en"):
        self.finder = TalksFinder(lang)

    def annotate(self, ctx: ArticleContext) -> None:
        ctx.talks = self.finder.find(ctx) if relevant(ctx) else []
