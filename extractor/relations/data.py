"""Candidate pairs from the rule pipeline, marked up for a sequence classifier, and labelled from gold.

A pair is one decision the rules make: a tariff rate and a state actor of its sentence (imposer,
target or none), or an official and a country named where the official is (serves or none). The
classifier sees the sentence with the pair marked, "[R]25%[/R] duties on [C]Chinese[/C] goods".
"""
from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from typing import Iterable, Optional, Sequence

from ..evaluate import _same_official, load_gold
from ..events.tariffs import TariffFinder
from ..ingest.article import Article
from ..nlp.context import ArticleContext
from ..nlp.officials import Official
from ..normalize.rates import PercentMatch

LABELS = ("none", "imposer", "target", "serves")
TASK_LABELS = {"tariff": ("none", "imposer", "target"), "official": ("none", "serves")}
MARKERS = ("[R]", "[/R]", "[C]", "[/C]", "[P]", "[/P]")
# The rules' own decision for the pair, given to the model as a leading token (models trained with
# rule_role_feature): the model then learns where the rules err rather than the roles from scratch.
RULE_ROLE_TOKENS = {role: f"[RULE_{role.upper()}]" for role in ("none", "imposer", "target", "list_target", "serves")}
RULE_ROLE_OTHER = "[RULE_OTHER]"
# Longer sentences are cut to a window around the pair, so that truncation never drops a marker.
MAX_CHARS = 400
# An official's country is judged in the first few sentences that name them.
OFFICIAL_SENTENCES = 3

Span = tuple[int, int]
Role = tuple[int, int, str, str]


@dataclass(frozen=True)
class Candidate:
    task: str  # "tariff" | "official"
    article_id: str
    code: str
    rule_role: str  # what the rules decided for this pair
    text: str
    rate: Optional[float] = None
    person: Optional[str] = None


def mark(text: str, sent: Span, spans: Sequence[tuple[int, int, str, str]]) -> str:
    """The sentence with each (start, end, open, close) span wrapped in its markers, whitespace collapsed."""
    lo = min(s for s, _, _, _ in spans)
    hi = max(e for _, e, _, _ in spans)
    s0, s1 = sent
    if s1 - s0 > MAX_CHARS:
        pad = max(40, (MAX_CHARS - (hi - lo)) // 2)
        s0, s1 = max(s0, lo - pad), min(s1, hi + pad)
    pieces, cursor = [], s0
    for s, e, open_, close in sorted(spans):
        pieces += [text[cursor:s], open_, text[s:e], close]
        cursor = e
    pieces.append(text[cursor:s1])
    return " ".join("".join(pieces).split())


def with_rule_role(text: str, rule_role: str) -> str:
    """The marked text with the rules' role for the pair in front: "[RULE_TARGET] A [R]25%[/R] ..."."""
    return f"{RULE_ROLE_TOKENS.get(rule_role, RULE_ROLE_OTHER)} {text}"


def tariff_candidates(ctx: ArticleContext, pct: PercentMatch, sent: Span, roles: Sequence[Role]) -> list[tuple[int, Candidate]]:
    """(index into roles, pair) for each state actor of the rate's sentence."""
    out = []
    for i, (s, e, code, role) in enumerate(roles):
        if s < pct.end and e > pct.start:
            continue
        text = mark(ctx.text, sent, [(pct.start, pct.end, "[R]", "[/R]"), (s, e, "[C]", "[/C]")])
        out.append((i, Candidate("tariff", ctx.article_id, code, role, text, rate=pct.value)))
    return out


def official_candidates(ctx: ArticleContext, official: Official) -> list[Candidate]:
    """One pair per country mention in the first sentences that name the official."""
    out: list[Candidate] = []
    seen: list[Span] = []
    for s, e in official.mentions:
        sent = ctx.sentence_of(s)
        if sent in seen or sent[0] == sent[1]:
            continue
        seen.append(sent)
        for c in ctx.countries_in(*sent):
            if c.start < e and c.end > s:
                continue
            text = mark(ctx.text, sent, [(s, e, "[P]", "[/P]"), (c.start, c.end, "[C]", "[/C]")])
            role = "serves" if c.code == official.country else "none"
            out.append(Candidate("official", ctx.article_id, c.code, role, text, person=official.name))
        if len(seen) == OFFICIAL_SENTENCES:
            break
    return out


def tariff_rates(ctx: ArticleContext, rules: TariffFinder):
    """(rate, sentence, the sentence's rule roles) for each percentage the rules take as a tariff
    rate: the rates whose pairs the classifier decides."""
    by_sentence: dict[Span, list[PercentMatch]] = {}
    for p in ctx.percentages:
        by_sentence.setdefault(ctx.sentence_of(p.start), []).append(p)
    for sent, pcts in sorted(by_sentence.items()):
        if sent[0] == sent[1]:
            continue
        roles = rules.sentence_roles(ctx, sent)
        for pct in pcts:
            if rules.tariff_signal(ctx, pct, sent) is not None:
                yield pct, sent, roles


def collect_candidates(extractor, articles: Iterable[Article]) -> list[Candidate]:
    """The pairs the rules decide in the articles, run through the extractor's pipeline (rules only)."""
    rules = extractor.tariff_finder
    out: list[Candidate] = []
    for ctx in extractor.contexts(articles, rules_only=True):
        if not ctx.relevant:
            continue
        for official in ctx.officials:
            out.extend(official_candidates(ctx, official))
        for pct, sent, roles in tariff_rates(ctx, rules):
            out.extend(c for _, c in tariff_candidates(ctx, pct, sent, roles))
    return out


def gold_label(candidate: Candidate, gold: dict) -> Optional[str]:
    """The pair's label, or None where gold does not decide it (a rate gold does not list, a person
    gold does not list, a country that is both imposer and target of the same rate)."""
    if candidate.task == "tariff":
        same_rate = [t for t in gold.get("tariffs", []) if abs(float(t["rate"]) - candidate.rate) <= 0.01]
        if not same_rate:
            return None
        roles = {"imposer" for t in same_rate if t.get("imposer") == candidate.code}
        roles |= {"target" for t in same_rate if candidate.code in (t.get("targets") or [])}
        if len(roles) > 1:
            return None
        return roles.pop() if roles else "none"
    people = [o for o in gold.get("officials", []) if _same_official((candidate.person, None), (o["name"], None))]
    if not people:
        return None
    return "serves" if any(o.get("country") == candidate.code for o in people) else "none"


def build_dataset(extractor, gold_paths: Sequence[str], corpus: Sequence[str]):
    """A datasets.Dataset of labelled pairs for the corpus articles that have gold.

    Columns: text, label (index into LABELS), task, article_id, code, rule_role.
    """
    import datasets

    gold = {g["id"]: g for g in load_gold(gold_paths)}
    articles = [a for a in extractor.read(list(corpus)) if isinstance(a, Article) and a.id in gold]
    rows = []
    for c in collect_candidates(extractor, articles):
        label = gold_label(c, gold[c.article_id])
        if label is not None:
            row = asdict(c)
            del row["rate"], row["person"]
            rows.append({**row, "label": LABELS.index(label)})
    features = datasets.Features({
        "task": datasets.Value("string"), "article_id": datasets.Value("string"), "code": datasets.Value("string"),
        "rule_role": datasets.Value("string"), "text": datasets.Value("string"), "label": datasets.ClassLabel(names=list(LABELS)),
    })
    return datasets.Dataset.from_list(rows, features=features)


def split_by_article(dataset, val_fraction: float, seed: int):
    """(train, validation): whole articles go to one side, so that no sentence is seen on both."""
    ids = sorted(set(dataset["article_id"]))
    random.Random(seed).shuffle(ids)
    n_val = round(len(ids) * val_fraction) if val_fraction > 0 else 0
    held = set(ids[:n_val])
    train = dataset.filter(lambda r: r["article_id"] not in held)
    val = dataset.filter(lambda r: r["article_id"] in held)
    return train, val
