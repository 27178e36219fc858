"""Scoring predictions against gold, per ../shared/spec/scoring.md.

Micro-averaged precision/recall/F1 per field over the articles, one-to-one matching, and (with
details) every miss and false hit per article.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence

from .errors import Errors, TariffwireError
from .scores import FieldScore

FIELDS = ("officials", "countries", "tariffs", "tariff_rates", "dates", "events")


@dataclass
class Report:
    scores: dict[str, FieldScore] = field(default_factory=lambda: {f: FieldScore() for f in FIELDS})
    details: dict[str, dict[str, dict[str, list]]] = field(default_factory=dict)
    articles: int = 0
    missing_predictions: list[str] = field(default_factory=list)
    consolidation: list = field(default_factory=list)  # ConsolidationScore: the system's, then the baseline's

    def as_dict(self) -> dict:
        out = {
            "articles": self.articles,
            "missing_predictions": self.missing_predictions,
            "fields": {f: {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4),
                           "tp": s.tp, "fp": s.fp, "fn": s.fn} for f, s in self.scores.items()},
        }
        if self.consolidation:
            out["consolidation"] = {c.name: c.as_dict() for c in self.consolidation}
        return out

    def table(self) -> str:
        lines = [f"{'field':<14}{'P':>8}{'R':>8}{'F1':>8}{'tp':>6}{'fp':>6}{'fn':>6}"]
        for f, s in self.scores.items():
            lines.append(f"{f:<14}{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}{s.tp:>6}{s.fp:>6}{s.fn:>6}")
        lines.append(f"articles: {self.articles}" + (f" (no prediction for {len(self.missing_predictions)})" if self.missing_predictions else ""))
        if self.consolidation:
            from .consolidate.scoring import consolidation_table

            lines += ["", consolidation_table(self.consolidation)]
        return "\n".join(lines)


def _match(pred: Sequence[Any], gold: Sequence[Any], same: Callable[[Any, Any], bool]) -> tuple[int, list, list]:
    """Greedy one-to-one matching; returns (tp, unmatched predictions, unmatched gold)."""
    used = [False] * len(gold)
    misses_pred = []
    tp = 0
    for p in pred:
        for i, g in enumerate(gold):
            if not used[i] and same(p, g):
                used[i] = True
                tp += 1
                break
        else:
            misses_pred.append(p)
    return tp, misses_pred, [g for i, g in enumerate(gold) if not used[i]]


def _same_official(p, g) -> bool:
    if p[1] != g[1]:
        return False
    a, b = p[0].lower().split(), g[0].lower().split()
    return p[0].lower() == g[0].lower() or (bool(a) and bool(b) and a[-1] == b[-1])


def _targets_compatible(pred: Sequence[str], gold: Sequence[str]) -> bool:
    if not gold:
        return True
    if list(gold) == ["ALL"] or list(pred) == ["ALL"]:
        return list(gold) == list(pred)
    return bool(set(pred) & set(gold))


def _same_tariff(p, g) -> bool:
    return abs(p[0] - g[0]) <= 0.01 and p[1] == g[1] and _targets_compatible(p[2], g[2])


def _gold_tariff_order(g) -> tuple:
    # Match the most specific gold items first, so that a permissive gold item ([] targets) does not
    # take a prediction that a specific one needs.
    return (0 if g[2] else 1,)


def _dedupe(items: Iterable) -> list:
    out = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def score_article(gold: dict, pred_article: Optional[dict], pred_events: list[dict]) -> dict[str, tuple[int, list, list]]:
    pa = pred_article or {"officials": [], "countries": [], "dates": []}
    results: dict[str, tuple[int, list, list]] = {}
    results["officials"] = _match(
        _dedupe((o["name"], o.get("country")) for o in pa["officials"]),
        _dedupe((o["name"], o.get("country")) for o in gold.get("officials", [])), _same_official)
    results["countries"] = _match(sorted({c["code"] for c in pa["countries"]}), sorted(set(gold.get("countries", []))),
                                  lambda a, b: a == b)
    tariff_events = [e for e in pred_events if e["type"] == "tariff" and e.get("rate") is not None]
    pred_tariffs = _dedupe((float(e["rate"]), e.get("imposer"), tuple(e.get("targets") or [])) for e in tariff_events)
    gold_tariffs = sorted(_dedupe((float(t["rate"]), t.get("imposer"), tuple(t.get("targets") or [])) for t in gold.get("tariffs", [])),
                          key=_gold_tariff_order)
    results["tariffs"] = _match(pred_tariffs, gold_tariffs, _same_tariff)
    results["tariff_rates"] = _match(sorted({p[0] for p in pred_tariffs}), sorted({g[0] for g in gold_tariffs}),
                                     lambda a, b: abs(a - b) <= 0.01)
    if gold.get("ref_date") and len(str(gold["ref_date"])) == 10:
        results["dates"] = _match(sorted({d["value"] for d in pa["dates"] if d.get("value")}),
                                  sorted({d["value"] for d in gold.get("dates", []) if d.get("value")}), lambda a, b: a == b)
    talks = [e for e in pred_events if e["type"] in ("negotiation", "agreement")]
    results["events"] = _match(_dedupe((e["type"], tuple(sorted(set(e.get("parties") or [])))) for e in talks),
                               _dedupe((e["type"], tuple(sorted(set(e.get("parties") or [])))) for e in gold.get("events", [])),
                               lambda a, b: a == b)
    return results


def load_gold(paths: Sequence[str | Path]) -> list[dict]:
    gold: list[dict] = []
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(p.rglob("*.gold.jsonl")) or sorted(p.rglob("*.jsonl")))
        elif p.exists():
            files.append(p)
        else:
            raise TariffwireError(Errors.E001.format(path=p))
    for f in files:
        with f.open(encoding="utf-8") as fh:
            for i, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise TariffwireError(Errors.E040.format(path=f, line=i, reason=exc)) from exc
                if "id" not in item:
                    raise TariffwireError(Errors.E040.format(path=f, line=i, reason="no 'id'"))
                gold.append(item)
    return gold


def load_predictions(pred_dir: str | Path) -> tuple[dict[str, dict], dict[str, list[dict]]]:
    pred_dir = Path(pred_dir)
    apath, epath = pred_dir / "articles.jsonl", pred_dir / "events.jsonl"
    if not apath.exists():
        raise TariffwireError(Errors.E041.format(path=pred_dir))
    articles: dict[str, dict] = {}
    with apath.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                articles[rec["article_id"]] = rec
    events: dict[str, list[dict]] = {}
    if epath.exists():
        with epath.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    rec = json.loads(line)
                    events.setdefault(rec["article_id"], []).append(rec)
    return articles, events


def evaluate(gold: list[dict], articles: dict[str, dict], events: dict[str, list[dict]]) -> Report:
    report = Report()
    for g in gold:
        report.articles += 1
        if g["id"] not in articles:
            report.missing_predictions.append(g["id"])
        results = score_article(g, articles.get(g["id"]), events.get(g["id"], []))
        per_article = {}
        for f, (tp, fps, fns) in results.items():
            s = report.scores[f]
            s.tp += tp
            s.fp += len(fps)
            s.fn += len(fns)
            if fps or fns:
                per_article[f] = {"false_hits": [list(x) if isinstance(x, tuple) else x for x in fps],
                                  "misses": [list(x) if isinstance(x, tuple) else x for x in fns]}
        if per_article:
            report.details[g["id"]] = per_article
    return report


def evaluate_paths(gold_paths: Sequence[str | Path], pred_dir: str | Path, *, measures: Optional[bool] = None) -> Report:
    """Score a run. `measures`: also score consolidation (None: when the gold holds *.measures.jsonl)."""
    articles, events = load_predictions(pred_dir)
    gold = load_gold(gold_paths)
    report = evaluate(gold, articles, events)
    from .consolidate.scoring import has_storyline_gold

    if measures or (measures is None and has_storyline_gold([Path(p) for p in gold_paths])):
        report.consolidation = score_consolidation(gold_paths, pred_dir, gold, articles, events)
    return report


def _read_measures(pred_dir: Path) -> tuple[list[dict], dict]:
    measures_path, links_path = pred_dir / "measures.jsonl", pred_dir / "measure_events.jsonl"
    if not measures_path.exists() or not links_path.exists():
        raise TariffwireError(Errors.E071.format(path=pred_dir, outdir=pred_dir))
    with measures_path.open(encoding="utf-8") as fh:
        measures = [json.loads(line) for line in fh if line.strip()]
    links = {}
    with links_path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                links[d["event_id"]] = (d["measure_id"], d["role"])
    return measures, links


def score_consolidation(gold_paths: Sequence[str | Path], pred_dir: Optional[str | Path], gold: list[dict],
                        articles: dict[str, dict], events: dict[str, list[dict]], *,
                        measures: Optional[list[dict]] = None, links: Optional[dict] = None) -> list:
    """The system's consolidation scores and the baseline grouping's. The system's measures and
    links (event_id -> (measure_id, role)) come from PRED/measures.jsonl and measure_events.jsonl
    unless given."""
    from .consolidate.scoring import (
        baseline_asof,
        baseline_measures,
        score,
        storyline_gold,
    )

    gold_measures, questions = storyline_gold([Path(p) for p in gold_paths])
    if not gold_measures:
        raise TariffwireError(Errors.E040.format(path=", ".join(map(str, gold_paths)), line=0,
                                                 reason="no *.measures.jsonl next to the gold: nothing to score consolidation on"))
    if measures is None or links is None:
        measures, links = _read_measures(Path(pred_dir))
    published = {aid: a.get("published") for aid, a in articles.items()}
    base_measures, base_links = baseline_measures((e for evs in events.values() for e in evs), published)
    return [
        score("tariffwire", gold, gold_measures, questions, events, measures, links),
        score("baseline", gold, gold_measures, questions, events, base_measures, base_links, asof_fn=baseline_asof),
    ]


def format_details(report: Report) -> str:
    lines = []
    for article_id, fields in report.details.items():
        lines.append(f"== {article_id}")
        for f, d in fields.items():
            for x in d["misses"]:
                lines.append(f"  {f:<13} MISS  {json.dumps(x, ensure_ascii=False)}")
            for x in d["false_hits"]:
                lines.append(f"  {f:<13} FALSE {json.dumps(x, ensure_ascii=False)}")
    return "\n".join(lines)
