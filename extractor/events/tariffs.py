"""Tariff records: which percentages are tariff rates, and who levies them on whom, on what.

Each percentage is judged by the words around it (a tariff noun near it, no growth/market/share noun
nearer), then bound to an imposer and targets by the roles of the country mentions in its sentence:
"U.S. tariffs", "China retaliated", "exports to the United States" name an imposer; "on Chinese
goods", "Japan has been hit", "imports from Mexico" name a target.
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from types import SimpleNamespace
from typing import Optional

from spacy.language import Language

from ..cues import cue_patterns
from ..nlp.component import RuleComponent
from ..nlp.context import ArticleContext
from ..nlp.officials import article_issuer
from ..segment import split_clauses
from ..normalize.rates import PercentMatch
from . import weights
from .relevance import relevant
from ..registry import PositiveInt, component_factory

# Who levies a tariff whose text never says: in 2018-2026 wire copy an unattributed tariff is almost
# always the U.S. one (configurable; null: nobody).
DEFAULT_IMPOSER: Optional[str] = "USA"
# The most words between a percentage and its tariff noun.
DEFAULT_CUE_WINDOW = 12


# The order is the precedence: the first status with a cue in the rate's stretch wins.
_STATUS_ORDER = ("ruled_out", "lifted", "paused", "agreed", "threatened", "reduced", "raised", "announced", "in_effect")


@functools.lru_cache(maxsize=None)
def tariff_cues(lang: str) -> SimpleNamespace:
    """The tariffs lexicon of a language (data/cues/<lang>/tariffs.json, extractor.cues) as
    attributes, with the patterns built from it and the product words; built once per language."""
    compiled = cue_patterns("tariffs", lang)
    cues = SimpleNamespace(**compiled)
    cues.status_cues = [(status, compiled["status_" + status]) for status in _STATUS_ORDER]
    products = "(?:" + _product_words()[1] + ")"
    # A country followed by a traded-goods noun or a product of data/products.json is a target
    # ("Chinese goods", "Japanese cars").
    cues.target_after = re.compile(compiled["target_after_lead"].pattern + "(?:" + compiled["target_after_noun"].pattern
                                   + "|" + products + r"\b)", re.IGNORECASE)
    # "a 25% tariff on steel and aluminum imports": the rate's tariff is on a product's imports with
    # no state named in between, a duty on every supplier.
    cues.sector_imports_after = re.compile(
        compiled["sector_imports_lead"].pattern + products + r"(?:\s*(?:,|and|or|,\s*and)\s+" + products + r")*"
        + compiled["sector_imports_tail"].pattern, re.IGNORECASE)
    return cues


@functools.lru_cache(maxsize=1)
def _product_words() -> tuple[dict[str, str], str]:
    """data/products.json: (lower-cased product word -> its normal form, their alternation longest first)."""
    with resources.files("extractor.data").joinpath("products.json").open(encoding="utf-8") as fh:
        table = json.load(fh)["products"]
    lower = {k.lower(): v for k, v in table.items()}
    return lower, "|".join(re.escape(a) for a in sorted(lower, key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def _product_regex() -> tuple[re.Pattern, dict[str, str]]:
    table, alternation = _product_words()
    return re.compile(r"(?<![\w-])(?:" + alternation + r")(?![\w-])", re.I), table


@dataclass
class TariffMention:
    rate: float
    rate_span: tuple[int, int]
    rate_text: str
    sentence: tuple[int, int]
    imposer: Optional[str]
    targets: list[str]
    products: list[str]
    status: str
    previous_rate: Optional[float]
    confidence: float
    # Whether the rate's own sentence named the imposer / the targets (else they were inferred).
    imposer_local: bool = False
    targets_local: bool = False


def _words_between(text: str, a: int, b: int) -> int:
    return len(re.findall(r"[\w$%.,]+", text[min(a, b):max(a, b)]))


class TariffFinder:
    """Tariff mentions in an article. The heuristics are documented in docs/extraction.md."""

    def __init__(self, *, cue_window: int = DEFAULT_CUE_WINDOW, default_imposer: Optional[str] = DEFAULT_IMPOSER,
                 lang: str = "en"):
        self.cue_window = cue_window
        # Used only when neither the sentence nor earlier tariffs in the article say who levies a rate;
        # in 2018-2026 wire copy an unattributed tariff is almost always the U.S. one. Configurable.
        self.default_imposer = default_imposer
        self.cues = tariff_cues(lang)

    def sentence_roles(self, ctx: ArticleContext, sent: tuple[int, int]) -> list[tuple[int, int, str, str]]:
        """(start, end, code, role) for the state actors of a sentence; role imposer/target/none."""
        text = ctx.text
        out: list[tuple[int, int, str, str]] = []
        mentions: list[tuple[int, int, str]] = [(c.start, c.end, c.code) for c in ctx.countries_in(*sent)]
        # Officials act for their country: "Trump imposed ..." names the imposer.
        for off, (s, e) in ctx.officials_in(*sent):
            if off.country and not any(s < me and e > ms for ms, me, _ in mentions):
                mentions.append((s, e, off.country))
        if any(c.code == "EU" for c in ctx.countries):
            for m in self.cues.bloc.finditer(text, *sent):
                if not any(m.start() < me and m.end() > ms for ms, me, _ in mentions):
                    mentions.append((m.start(), m.end(), "EU"))
        mentions.sort()
        for start, end, code in mentions:
            before = text[max(sent[0], start - 60):start]
            after = text[end:min(sent[1], end + 70)]
            if self.cues.named_instrument_after.match(after):
                # "the United States-Mexico-Canada Agreement", "the Canada Free Trade Act": a state in the
                # name of a treaty or an act plays no part in the sentence's tariffs, not even as a guess.
                continue
            role = "none"
            if self.cues.imposer_possessive.match(after) or self.cues.imposer_before.search(before) or self.cues.imposer_decision.match(after):
                role = "imposer"
            elif self.cues.target_before.search(before) or self.cues.target_after.match(after) or (
                    # "Japan has been hit" is a target; "Washington has hit" is not
                    self.cues.target_subject.match(after) and not self.cues.active_impose_after.match(after)):
                role = "target"
            elif self.cues.list_rate_after.match(after):
                role = "list_target"
            elif out and self.cues.coordinated.search(text[out[-1][1]:start]) and start - out[-1][1] < 12 and out[-1][3] != "none":
                role = out[-1][3]
            elif self.cues.imposer_after.match(after):
                role = "imposer"
            out.append((start, end, code, role))
        # Coordination shares a role both ways: "Thailand and Cambodia were told to expect 36%".
        for i in range(len(out) - 2, -1, -1):
            cur, nxt = out[i], out[i + 1]
            if cur[3] == "none" and nxt[3] != "none" and nxt[0] - cur[1] < 12 and self.cues.coordinated.search(text[cur[1]:nxt[0]]):
                out[i] = (cur[0], cur[1], cur[2], nxt[3])
        return out


    # -- is it a tariff rate? --------------------------------------------------------------------

    def tariff_signal(self, ctx: ArticleContext, pct: PercentMatch, sent: tuple[int, int]) -> Optional[float]:
        """None when the percentage is not a tariff rate; else a strength in (0, 1]."""
        text = ctx.text
        s0, s1 = sent
        # Stay inside this rate's stretch of the sentence, but let a list of rates share a cue
        # ("tariffs of 10% and 15%").
        before = text[s0:pct.start]
        after = text[pct.end:s1]
        if self.cues.share_of.match(after) and not self.cues.tariff_noun.search(after[:25]):
            return None
        cue_before = [m for m in self.cues.tariff_noun.finditer(before)]
        cue_after = [m for m in self.cues.tariff_noun.finditer(after)]
        dist_before = min((_words_between(before, m.end(), len(before)) for m in cue_before), default=99)
        dist_after = min((_words_between(after, 0, m.start()) for m in cue_after), default=99)
        rate_cue = None
        for m in self.cues.rate_noun.finditer(after[:40]):
            if not self.cues.non_tariff_rate.search(after[:m.end()]):
                rate_cue = _words_between(after, 0, m.start())
                break
        dist = min(dist_before, dist_after)
        if dist > weights.ADJACENT_WORDS and (self.cues.object_cue_before.search(before[-40:]) or self.cues.object_cue_after.match(after)) \
                and self._tariff_context(ctx, sent):
            # "would face an extra 15%", "34% on China" in a story about tariffs.
            dist = min(dist, weights.OBJECT_CUE_WORDS)
        if rate_cue is not None and rate_cue < dist and self._tariff_context(ctx, sent):
            dist = rate_cue
        weak = False
        if dist > self.cue_window:
            # In a story about tariffs, a bare rate ("China was assigned 34%") is a tariff rate unless
            # something marks it as a market move, growth figure or share; it gets a low strength.
            if not self._tariff_context(ctx, sent):
                return None
            weak = True
        # A non-tariff noun or market verb closer to the number than the tariff cue vetoes it,
        # unless the tariff noun is that verb's subject ("tariffs rose to 145%").
        if self.cues.tariff_subject_verb.search(before[-60:]):
            return weights.CUE_ADJACENT
        neg_before = [m for m in self.cues.negative.finditer(before[-80:])]
        neg_after = [m for m in self.cues.negative.finditer(after[:60])]
        nb = min((_words_between(before[-80:], m.end(), len(before[-80:])) for m in neg_before), default=99)
        na = min((_words_between(after, 0, m.start()) for m in neg_after), default=99)
        if weak:
            if min(nb, na) <= weights.STORY_ONLY_VETO_WORDS or self.cues.market_word.search(text, s0, s1):
                return None
            return weights.CUE_STORY_ONLY
        if min(nb, na) < dist or (min(nb, na) == dist and dist > weights.ADJACENT_WORDS):
            return None
        if dist <= weights.ADJACENT_WORDS:
            return weights.CUE_ADJACENT
        if dist <= weights.NEAR_WORDS:
            return weights.CUE_NEAR
        return weights.CUE_IN_WINDOW

    def _tariff_context(self, ctx: ArticleContext, sent: tuple[int, int]) -> bool:
        idx = ctx.sentences.index(sent) if sent in ctx.sentences else 0
        window = ctx.sentences[max(0, idx - 2):idx + 1]
        return any(self.cues.tariff_noun.search(ctx.text, s, e) for s, e in window)

    # -- binding ---------------------------------------------------------------------------------

    def find(self, ctx: ArticleContext) -> list[TariffMention]:
        text = ctx.text
        percentages = ctx.percentages
        by_sentence: dict[tuple[int, int], list[PercentMatch]] = {}
        for p in percentages:
            by_sentence.setdefault(ctx.sentence_of(p.start), []).append(p)
        found: list[TariffMention] = []
        last_imposer: Optional[str] = None
        last_targets: list[str] = []
        sentence_cues: dict = {}  # _status's memo
        for sent, pcts in sorted(by_sentence.items()):
            if sent[0] == sent[1]:
                continue
            roles = self.sentence_roles(ctx, sent)
            clauses = split_clauses(text, sent, "binding")
            for i, pct in enumerate(pcts):
                strength = self.tariff_signal(ctx, pct, sent)
                if strength is None:
                    continue
                lo = pcts[i - 1].end if i > 0 else sent[0]
                hi = pcts[i + 1].start if i + 1 < len(pcts) else sent[1]
                clause = next((c for c in clauses if c[0] <= pct.start < c[1]), sent)
                rate_roles = self._rate_roles(ctx, pct, roles)
                clause = self._with_antecedent(text, clause, rate_roles)
                imposer = self._passive_agent(text, rate_roles, pct, hi)
                imposer_local = imposer is not None
                if imposer is None:
                    imposer, imposer_local = self._imposer(rate_roles, pct, clause, [])
                targets, target_local = self._targets(ctx, rate_roles, pct, lo, hi, sent, clause)
                if not target_local and i > 0 and found and found[-1].rate_span == (pcts[i - 1].start, pcts[i - 1].end) \
                        and self.cues.rate_list_gap.match(text[pcts[i - 1].end:pct.start]):
                    # "blanket tariffs of 15% or 20%": a rate listed right after another shares its targets.
                    targets, target_local = list(found[-1].targets), found[-1].targets_local
                if not target_local:
                    # "the 25% U.S. tariffs" said again later: the same duty, on the same targets.
                    targets = self._earlier_targets(found, pct.value, imposer) or targets
                if imposer in targets and target_local:
                    # Both roles for one state: keep the role whose cue is nearer the rate.
                    if self._nearest_role(rate_roles, pct, "target", imposer, clause) < self._nearest_role(rate_roles, pct, "imposer", imposer, clause):
                        imposer, imposer_local = self._imposer(rate_roles, pct, clause, targets)
                if imposer is None:
                    imposer = self._subject_actor(text, rate_roles, pct, clause, sent, targets)
                    imposer_local = imposer is not None
                if imposer is None:
                    imposer = self._context_imposer(ctx, sent, pct, last_imposer, targets)
                if not targets and imposer is not None:
                    # The imposer was found only now: the same rate it levied earlier in the article.
                    targets = self._earlier_targets(found, pct.value, imposer)
                if not targets:
                    # No explicit target: the other state actors of the clause are the best guess.
                    targets = sorted({r[2] for r in rate_roles if r[3] == "none" and clause[0] <= r[0] < clause[1]})
                targets = [t for t in targets if t != imposer]
                if not targets and last_targets:
                    targets = [t for t in last_targets if t != imposer]
                if not targets:
                    targets = self._earlier_targets(found, pct.value, imposer)
                if not targets:
                    # Still nothing: the state the story is mostly about, other than the imposer. The
                    # scorer and most readers accept a guess where the text names no target, and it is
                    # right far more often than not (confidence stays low).
                    targets = self._main_partner(ctx, imposer)
                if not targets:
                    # A duty whose article names no state but its imposer is levied on every supplier.
                    targets = ["ALL"]
                if "EU" in targets and all(t == "EU" or self.cues.eu_member_state.fullmatch(t) for t in targets):
                    # "25% on EU goods such as French wine and German cars": member states' goods on an
                    # EU-wide list are the EU's.
                    targets = ["EU"]
                products = self._products(text, pct, lo, hi, sent)
                status = self._status(text, pct, lo, hi, sent, sentence_cues)
                previous = self._previous_rate(text, pct, sent)
                confidence = (weights.TARIFF_BASE + weights.TARIFF_STRENGTH * strength
                              + (weights.IMPOSER_LOCAL if imposer_local else weights.IMPOSER_INFERRED)
                              + (weights.TARGETS_LOCAL if target_local else weights.TARGETS_INFERRED))
                found.append(TariffMention(
                    rate=pct.value, rate_span=(pct.start, pct.end), rate_text=pct.text, sentence=sent,
                    imposer=imposer, targets=targets, products=products, status=status, previous_rate=previous,
                    confidence=round(min(weights.MAX_CONFIDENCE, confidence), 2),
                    imposer_local=imposer_local, targets_local=target_local,
                ))
                last_imposer = imposer
                if targets and targets != ["ALL"]:
                    last_targets = targets
            self._previous_rates_share_roles(text, sent, found)
        return found

    @staticmethod
    def _earlier_targets(found: list[TariffMention], rate: float, imposer: Optional[str]) -> list[str]:
        """The targets of the article's latest earlier mention of the same rate by the same imposer."""
        for m in reversed(found):
            if abs(m.rate - rate) < 0.01 and m.imposer == imposer and m.targets:
                return list(m.targets)
        return []

    def _previous_rates_share_roles(self, text: str, sent: tuple[int, int], found: list[TariffMention]) -> None:
        """"cuts U.S. tariffs on Korean trucks to 12% from 22.5%": the old rate is the same tariff as
        the new one. Where the two were bound to different imposers (the partner named near the old
        rate read as its imposer), the old rate takes the new rate's imposer, targets and products.
        Where they agree, it is left as bound: consolidation reads every rate as a point of its
        measure and has no notion of a prior rate, so more old rates joined to a measure would put
        stale points on its timeline."""
        in_sentence = {m.rate_span[0]: m for m in found if m.sentence == sent}
        seg = text[sent[0]:sent[1]]
        for rx in (self.cues.from_to, self.cues.to_from):
            for m in rx.finditer(seg):
                old = in_sentence.get(sent[0] + m.start("a"))
                new = in_sentence.get(sent[0] + m.start("b"))
                if old is None or new is None or old is new or old.imposer == new.imposer:
                    continue
                old.imposer, old.targets, old.products = new.imposer, list(new.targets), list(new.products)

    @staticmethod
    def _rate_roles(ctx: ArticleContext, pct: PercentMatch, roles: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
        """The sentence's roles as they bear on one tariff rate: the rules give every rate of a
        sentence the same roles; a role classifier (relations/component.py) may decide them per rate."""
        return ctx.rate_roles.get((pct.start, pct.end), roles)

    def _context_imposer(self, ctx: ArticleContext, sent, pct: PercentMatch, last_imposer, targets) -> Optional[str]:
        """Who levies a rate whose sentence does not say: the actor the story has just been about."""
        text = ctx.text
        pronoun = self.cues.possessive_before_rate.search(text[sent[0]:pct.start])
        if last_imposer and last_imposer not in targets and not pronoun:
            return last_imposer
        idx = ctx.sentences.index(sent) if sent in ctx.sentences else 0
        for back in range(1, 4):
            if idx - back < 0:
                break
            prev = ctx.sentences[idx - back]
            roles = self.sentence_roles(ctx, prev)
            for role in ("imposer", "none"):
                for r in roles:
                    if r[3] == role and r[2] not in targets:
                        return r[2]
        codes = [c.code for c in ctx.countries if c.counts and c.code not in targets]
        codes += [o.country for o in ctx.officials if o.country and o.country not in targets]
        if self.default_imposer and self.default_imposer in codes:
            return self.default_imposer
        if codes:
            return max(sorted(set(codes)), key=codes.count)
        # A government's own release may name no country at all, only itself ("the Customs Tariff
        # Commission of the State Council announced ..."): the issuer of the document levies it.
        issuer = article_issuer(ctx)
        if issuer and issuer not in targets:
            return issuer
        return self.default_imposer if self.default_imposer not in targets else None

    @staticmethod
    def _main_partner(ctx: ArticleContext, imposer: Optional[str]) -> list[str]:
        codes = [c.code for c in ctx.countries if c.counts and c.code != imposer]
        if not codes:
            return []
        return [max(sorted(set(codes)), key=codes.count)]

    @staticmethod
    def _nearest_role(roles, pct: PercentMatch, role: str, code: str, clause) -> tuple[bool, int]:
        """How near the state's nearest mention in that role is to the rate: a mention in the rate's
        own clause beats any outside it ("raised tariffs on Canada from 25% to 35%, after Canada hit
        back": the answer in the next clause does not make Canada the imposer of the 35%), then the
        nearer one."""
        keys = [(not clause[0] <= r[0] < clause[1], abs(r[0] - pct.start)) for r in roles if r[3] == role and r[2] == code]
        return min(keys) if keys else (True, 10**6)

    def _subject_actor(self, text: str, roles, pct: PercentMatch, clause, sent, targets) -> Optional[str]:
        """The subject of the rate's clause, when it is a state actor: it levies the rate.

        A clause that opens with a participle (", sending letters to ...") has the sentence's subject.
        """
        start = clause[0]
        if self.cues.participle_start.match(text, start):
            start = sent[0]
        for r in roles:
            if r[0] < start or r[0] >= pct.start:
                continue
            lead = text[start:r[0]]
            if len(lead) > 40 or self.cues.preposition_before.search(lead):
                return None
            if r[3] in ("none", "imposer") and r[2] not in targets:
                return r[2]
            return None
        return None

    def _with_antecedent(self, text: str, clause: tuple[int, int], roles) -> tuple[int, int]:
        """"The EU, which had faced a 20% tariff, ...": a relative clause that makes the state it hangs
        on a target ("X, which faced/was hit") is about that state, so the state belongs to the rate's
        clause. A state that the relative clause gives no role stays out: it is the subject of the
        main clause, and reading it as the rate's subject would make it the imposer."""
        if not self.cues.relative_clause_start.match(text, clause[0]):
            return clause
        for r in roles:
            if r[3] == "target" and 0 <= clause[0] - r[1] <= 2:
                return r[0], clause[1]
        return clause

    def _passive_agent(self, text: str, roles, pct: PercentMatch, hi: int) -> Optional[str]:
        """"respond to the 25% tariffs imposed by the United States": the agent of the passive that
        follows the rate's own tariff noun levies the rate, whoever is the sentence's subject."""
        for r in roles:
            if pct.end <= r[0] < hi and self.cues.passive_agent_gap.match(text[pct.end:r[0]]):
                return r[2]
        return None

    @staticmethod
    def _imposer(roles, pct: PercentMatch, clause, targets) -> tuple[Optional[str], bool]:
        # Subjects precede their verbs: an imposer to the left of the rate in its clause is the best
        # evidence; one to the right ("the 25% U.S. tariffs") counts at double distance.
        def cost(r):
            return pct.start - r[1] if r[1] <= pct.start else 2 * (r[0] - pct.end)

        local = [r for r in roles if r[3] == "imposer" and clause[0] <= r[0] < clause[1] and r[2] not in targets]
        anywhere = [r for r in roles if r[3] == "imposer" and r[2] not in targets]
        for group in (local, anywhere):
            if group:
                return min(group, key=cost)[2], True
        return None, False

    def _targets(self, ctx, roles, pct: PercentMatch, lo: int, hi: int, sent, clause) -> tuple[list[str], bool]:
        text = ctx.text
        right = text[pct.end:hi]
        left = text[lo:pct.start]
        listed = [r[2] for r in roles if r[3] == "list_target" and lo <= r[0] and r[1] <= pct.start and pct.start - r[1] <= 6]
        if listed:
            return listed, True
        if self.cues.universal_rate_after.match(right):
            # "the 10% minimum", "a 10% baseline": the rate names the every-country duty, whichever
            # state the sentence is about ("Britain, which got away with the 10% minimum").
            return ["ALL"], True
        near_right = [r[2] for r in roles if r[3] == "target" and pct.end <= r[0] < min(hi, pct.end + 70, clause[1])]
        if near_right:
            return sorted(set(near_right)), True
        # A universal cue belongs to the rate it is nearer to ("a 10% universal rate ... a 25% duty").
        for m in self.cues.universal.finditer(right[:80]):
            if hi == sent[1] or m.start() < len(right) - m.end():
                return ["ALL"], True
        for m in self.cues.universal.finditer(left[-60:]):
            offset = len(left) - min(len(left), 60) + m.start()
            if lo == sent[0] or len(left) - (offset + len(m.group())) < offset:
                return ["ALL"], True
        # Right of the rate, then left, then anywhere in its clause; never past the clause.
        for window in ((pct.end, min(hi, clause[1])), (max(lo, clause[0]), pct.start), clause):
            codes = [r[2] for r in roles if r[3] == "target" and window[0] <= r[0] < window[1]]
            if codes:
                return sorted(set(codes)), True
        # "25% on steel and 10% on aluminum from all countries": an every-country tail after a list of
        # rates covers each rate of the list, unless a state is named between the rate and the tail.
        tail = self.cues.universal_tail.search(text, pct.end, min(sent[1], pct.end + 160))
        if tail and not any(r[3] in ("target", "list_target") and pct.end <= r[0] < tail.start() for r in roles) \
                and not re.search(r"[;:]", text[pct.end:tail.start()]):
            return ["ALL"], True
        if self.cues.sector_imports_after.match(text, pct.end, hi):
            return ["ALL"], True
        return [], False

    @staticmethod
    def _products(text: str, pct: PercentMatch, lo: int, hi: int, sent) -> list[str]:
        rx, table = _product_regex()
        # Products named right after the rate ("a 25% duty for cars") or in front ("steel tariffs of 25%").
        window = text[max(lo, pct.start - 50):min(hi, pct.end + 70)]
        found = []
        for m in rx.finditer(window):
            value = table[m.group().lower()]
            if value not in found:
                found.append(value)
        return found

    def _status(self, text: str, pct: PercentMatch, lo: int, hi: int, sent, sentence_cues: dict) -> str:
        """sentence_cues: the article's memo of each sentence's status-cue matches (a sentence with
        several rates is scanned once, not once per rate)."""
        near_start = max(sent[0], pct.start - 90)
        near = text[near_start:min(sent[1], pct.end + 90)]
        answer_ruled_out = self.cues.retaliate_against_before.search(text, sent[0], pct.start) is not None
        lifted_to = self.cues.lift_to_before.search(text, sent[0], pct.start) is not None
        for scope in ("near", "whole"):
            best: Optional[tuple[int, int, str]] = None
            if scope == "near":
                centre = pct.start - near_start
                found = [[m.start() for m in rx.finditer(near)] for _, rx in self.cues.status_cues]
            else:
                centre = pct.start - sent[0]
                found = sentence_cues.get(sent)
                if found is None:
                    whole = text[sent[0]:sent[1]]
                    found = sentence_cues[sent] = [[m.start() for m in rx.finditer(whole)] for _, rx in self.cues.status_cues]
            for rank, (status, _) in enumerate(self.cues.status_cues):
                if status == "ruled_out" and answer_ruled_out:
                    # "will not retaliate against the 25% tariffs": what is ruled out is the answer;
                    # the rate is the other side's, and it stays.
                    continue
                if status == "lifted" and lifted_to:
                    # "lifted duties to 145%": lifting to a level raises the rate.
                    status = "raised"
                for start in found[rank]:
                    key = (rank, abs(start - centre), status)
                    if best is None or key < best:
                        best = key
            if best is not None:
                return best[2]
        return "in_effect"

    def _previous_rate(self, text: str, pct: PercentMatch, sent) -> Optional[float]:
        seg = text[sent[0]:sent[1]]
        for rx in (self.cues.from_to, self.cues.to_from):
            for m in rx.finditer(seg):
                b_start = sent[0] + m.start("b")
                if b_start <= pct.start < sent[0] + m.end("b") + 1:
                    try:
                        return float(m.group("a").replace(",", ""))
                    except ValueError:
                        return None
        return None


@component_factory("tariffwire_tariffs", default_config={"default_imposer": DEFAULT_IMPOSER, "cue_window": DEFAULT_CUE_WINDOW})
def make_tariffs(nlp: Language, name: str, default_imposer: Optional[str], cue_window: PositiveInt) -> "TariffsComponent":
    """default_imposer: who levies a tariff the text never attributes (null: nobody); cue_window: the
    most words between a percentage and its tariff noun."""
    if cue_window < 1:  # confection checks the type only (PositiveInt is an int to it)
        raise ValueError(f"cue_window must be a positive number of words, not {cue_window}")
    return TariffsComponent(TariffFinder(cue_window=cue_window, default_imposer=default_imposer, lang=nlp.lang))


class TariffsComponent(RuleComponent):
    """The tariff mentions of an article that uses the trade vocabulary: span._.tariffs on the rate
    spans (doc.spans["tw_rates"]); reads the rates, countries, officials and sentences."""

    def __init__(self, finder: TariffFinder):
        self.finder = finder
        self.settings = {"default_imposer": finder.default_imposer, "cue_window": finder.cue_window}

    def annotate(self, ctx: ArticleContext) -> None:
        ctx.tariffs = self.finder.find(ctx) if relevant(ctx) else []
