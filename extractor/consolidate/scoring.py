"""Scoring consolidation against storyline gold (corpora/storylines/README.md, docs/evaluation.md).

1. Alignment: in each article, system events are matched one to one to the gold tariff entries
   (rate within 0.01, same imposer, compatible targets) and event entries (type and parties).
2. Clustering: B-cubed precision/recall/F1 over the aligned items; the system cluster of an item is
   its event's measure_id, the gold cluster its `measure` link. A gold total (`total: true`) is a
   cluster of its own, and the system gets it right by keeping the event out of every timeline.
3. Timelines: each system measure maps to the gold measure most of its aligned events link to;
   points match one to one on rate (within 0.01) and date (within 3 days); talks points on status
   class. Points of system measures that map to no gold measure count as false.
4. Duplication: system measures mapped to a gold measure, per gold measure.
5. As-of: a question is right when the nonzero rates answered equal the gold rates as multisets.

`baseline_measures` builds the naive grouping (imposer, targets, products as written; every event
a point) so that reports show what consolidation adds.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence

from ..scores import FieldScore
from .asof import asof as system_asof
from .timeline import DAY_TOLERANCE, days_apart

RATE_TOLERANCE = 0.01
TALKS_STATUS_CLASS = {"held": "talks", "scheduled": "talks", "requested": "talks", "reached": "deal", "signed": "deal"}
OUT_OF_TIMELINE = ("total", "conflict")


@dataclass
class ConsolidationScore:
    name: str
    bcubed_precision: float = 0.0
    bcubed_recall: float = 0.0
    aligned: int = 0
    gold_items: int = 0
    points: FieldScore = field(default_factory=FieldScore)
    mapped_measures: int = 0
    gold_measures: int = 0
    asof_right: int = 0
    asof_total: int = 0
    misses: list = field(default_factory=list)

    @property
    def bcubed_f1(self) -> float:
        p, r = self.bcubed_precision, self.bcubed_recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def duplication(self) -> float:
        return self.mapped_measures / self.gold_measures if self.gold_measures else 0.0

    @property
    def asof_accuracy(self) -> float:
        return self.asof_right / self.asof_total if self.asof_total else 0.0

    def as_dict(self) -> dict:
        return {
            "clustering_bcubed": {"precision": round(self.bcubed_precision, 4), "recall": round(self.bcubed_recall, 4),
                                  "f1": round(self.bcubed_f1, 4), "aligned": self.aligned, "gold_items": self.gold_items},
            "timeline_points": {"precision": round(self.points.precision, 4), "recall": round(self.points.recall, 4),
                                "f1": round(self.points.f1, 4), "tp": self.points.tp, "fp": self.points.fp, "fn": self.points.fn},
            "duplication": round(self.duplication, 4), "mapped_measures": self.mapped_measures, "gold_measures": self.gold_measures,
            "asof_accuracy": round(self.asof_accuracy, 4), "asof_questions": self.asof_total,
        }


def consolidation_table(scores: Sequence[ConsolidationScore]) -> str:
    lines = [f"{'consolidation':<16}{'B3-P':>7}{'B3-R':>7}{'B3-F1':>7}{'pt-P':>7}{'pt-R':>7}{'pt-F1':>7}{'dup':>7}{'as-of':>7}"]
    for s in scores:
        lines.append(f"{s.name:<16}{s.bcubed_precision:>7.3f}{s.bcubed_recall:>7.3f}{s.bcubed_f1:>7.3f}"
                     f"{s.points.precision:>7.3f}{s.points.recall:>7.3f}{s.points.f1:>7.3f}{s.duplication:>7.2f}"
                     f"{s.asof_accuracy:>7.3f}")
    if scores:
        s = scores[0]
        lines.append(f"aligned {s.aligned} of {s.gold_items} gold mentions; {s.gold_measures} gold measures; "
                     f"{s.asof_total} as-of questions")
    return "\n".join(lines)


# -- loading --------------------------------------------------------------------------------------

def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def storyline_gold(paths: Sequence[Path]) -> tuple[list[dict], list[dict]]:
    """(gold measures, as-of questions) from *.measures.jsonl and *.asof.jsonl in the gold paths."""
    measures, questions = [], []
    for p in paths:
        p = Path(p)
        folder = p if p.is_dir() else p.parent
        stems = None if p.is_dir() else {p.name.split(".")[0]}
        for f in sorted(folder.rglob("*.measures.jsonl")):
            if stems is None or f.name.split(".")[0] in stems:
                measures.extend(_read_jsonl(f))
        for f in sorted(folder.rglob("*.asof.jsonl")):
            if stems is None or f.name.split(".")[0] in stems:
                questions.extend(_read_jsonl(f))
    return measures, questions


def has_storyline_gold(paths: Sequence[Path]) -> bool:
    return bool(storyline_gold(paths)[0])


# -- alignment ------------------------------------------------------------------------------------

def _targets_ok(pred: Sequence[str], gold: Sequence[str]) -> bool:
    if not gold or not pred:
        return True
    if "ALL" in gold or "ALL" in pred:
        return list(gold) == list(pred)
    return bool(set(pred) & set(gold))


def _measure_link(entry: dict) -> Optional[str]:
    """The gold measure a mention links to. A list ("25% on Canada and Mexico": one stated rate,
    two measures) is the same as `measure` + `also_measures` (corpora/storylines/README.md): its
    first key is the mention's cluster."""
    link = entry.get("measure")
    if isinstance(link, list):
        return link[0] if link else None
    return link


def _also_links(entry: dict) -> list[str]:
    """Every gold measure a mention links to (a list link, or `measure` + `also_measures`)."""
    link = entry.get("measure")
    keys = list(link) if isinstance(link, list) else [link] if link else []
    return keys + [k for k in entry.get("also_measures") or [] if k not in keys]


def _gold_items(article: dict) -> list[dict]:
    items = []
    for t in article.get("tariffs", []):
        items.append({"kind": "tariff", "rate": float(t["rate"]), "imposer": t.get("imposer"), "targets": t.get("targets") or [],
                      "measure": _measure_link(t), "also": _also_links(t), "total": bool(t.get("total")), "misremembered": bool(t.get("misremembered"))})
    for e in article.get("events", []):
        items.append({"kind": e["type"], "parties": sorted(set(e.get("parties") or [])), "measure": _measure_link(e),
                      "total": False, "misremembered": False})
    return items


def _aligns(event: dict, item: dict) -> bool:
    if item["kind"] == "tariff":
        return (event["type"] == "tariff" and event.get("rate") is not None
                and abs(float(event["rate"]) - item["rate"]) <= RATE_TOLERANCE
                and (event.get("imposer") or None) == item["imposer"] and _targets_ok(event.get("targets") or [], item["targets"]))
    return event["type"] == item["kind"] and sorted(set(event.get("parties") or [])) == item["parties"]


def align(gold_articles: Iterable[dict], events_by_article: Mapping[str, list[dict]]) -> tuple[list[tuple[dict, dict]], int]:
    """(gold item, system event) pairs, one to one per article, and the number of gold items."""
    pairs, n_gold = [], 0
    for article in gold_articles:
        items = _gold_items(article)
        n_gold += len(items)
        free = sorted(events_by_article.get(article["id"], []), key=lambda e: e["event_id"])
        used: set[str] = set()
        # Specific targets first, so that a permissive gold item does not take an event a specific one needs.
        for item in sorted(items, key=lambda i: 0 if i.get("targets") else 1):
            for e in free:
                if e["event_id"] not in used and _aligns(e, item):
                    used.add(e["event_id"])
                    pairs.append((item, e))
                    break
    return pairs, n_gold


# -- the scores -----------------------------------------------------------------------------------

def _bcubed(sys_clusters: list[str], gold_clusters: list[str]) -> tuple[float, float]:
    n = len(sys_clusters)
    if not n:
        return 0.0, 0.0
    by_sys: dict[str, list[int]] = {}
    by_gold: dict[str, list[int]] = {}
    for i, (s, g) in enumerate(zip(sys_clusters, gold_clusters)):
        by_sys.setdefault(s, []).append(i)
        by_gold.setdefault(g, []).append(i)
    precision = recall = 0.0
    for i in range(n):
        same_sys = by_sys[sys_clusters[i]]
        same_gold = by_gold[gold_clusters[i]]
        both = sum(1 for j in same_sys if gold_clusters[j] == gold_clusters[i])
        precision += both / len(same_sys)
        recall += both / len(same_gold)
    return precision / n, recall / n


def _point_matches(sys_point: dict, gold_point: dict, talks: bool) -> bool:
    if days_apart(sys_point["date"], gold_point["date"]) > DAY_TOLERANCE:
        return False
    if talks:
        return TALKS_STATUS_CLASS.get(sys_point["status"]) == TALKS_STATUS_CLASS.get(gold_point["status"])
    a, b = sys_point.get("rate"), gold_point.get("rate")
    return a is not None and b is not None and abs(float(a) - float(b)) <= RATE_TOLERANCE


def matched_gold_points(sys_points: list[dict], gold_points: list[dict], talks: bool) -> list[bool]:
    """Per gold point: does a system point match it (one to one, each system point by date taking
    the nearest free gold point)?"""
    used = [False] * len(gold_points)
    for sp in sorted(sys_points, key=lambda p: (p["date"], p.get("rate") or 0.0)):
        candidates = [i for i, gp in enumerate(gold_points) if not used[i] and _point_matches(sp, gp, talks)]
        if candidates:
            used[min(candidates, key=lambda i: (days_apart(sp["date"], gold_points[i]["date"]), i))] = True
    return used


def _match_points(sys_points: list[dict], gold_points: list[dict], talks: bool) -> int:
    return sum(matched_gold_points(sys_points, gold_points, talks))


def map_measures(pairs: Iterable[tuple[dict, dict]], links: Mapping[str, tuple[Optional[str], str]],
                 measures: Sequence[dict] = (), gold_measures: Sequence[dict] = ()) -> dict[str, str]:
    """System measure_id -> the gold measure most of its aligned events link to (ties: the first key).
    A mention the gold links to several measures ("25% on Canada and Mexico": one measure per
    partner) votes for the one whose targets the system measure shares, else its first key."""
    targets = {m["measure_id"]: set(m.get("targets") or []) for m in measures}
    gold_targets = {g["measure"]: set(g.get("targets") or []) for g in gold_measures}
    # A measure whose events all link elsewhere (a list's rows a partner took over) still holds them
    # in its timeline: those count for it too.
    holders: dict[str, set[str]] = {}
    for m in measures:
        for eid in m.get("event_ids") or []:
            holders.setdefault(eid, set()).add(m["measure_id"])
    linked_to = {mid for mid, _ in links.values() if mid is not None}
    votes: dict[str, Counter] = {}
    for item, event in pairs:
        if not item["measure"] or item["total"]:
            continue
        measure_id, _ = links.get(event["event_id"], (None, "total"))
        ids = {measure_id} if measure_id is not None else set()
        ids |= {mid for mid in holders.get(event["event_id"], ()) if mid not in linked_to}
        for mid in ids:
            mine = targets.get(mid, set())
            key = next((k for k in item.get("also") or [] if mine and gold_targets.get(k, set()) & mine), item["measure"])
            votes.setdefault(mid, Counter())[key] += 1
    return {mid: min(c, key=lambda g: (-c[g], g)) for mid, c in votes.items()}


def score(name: str, gold_articles: list[dict], gold_measures: list[dict], questions: list[dict],
          events_by_article: Mapping[str, list[dict]], measures: list[dict], links: Mapping[str, tuple[Optional[str], str]],
          asof_fn=None) -> ConsolidationScore:
    """Score one system's measures. `links`: event_id -> (measure_id or None, role)."""
    result = ConsolidationScore(name=name, gold_measures=len(gold_measures))
    pairs, result.gold_items = align(gold_articles, events_by_article)
    result.aligned = len(pairs)
    sys_clusters, gold_clusters = [], []
    for i, (item, event) in enumerate(pairs):
        measure_id, role = links.get(event["event_id"], (None, "total"))
        if item["total"]:
            gold_clusters.append(f"#total{i}")
            out = measure_id is None or role in OUT_OF_TIMELINE
            sys_clusters.append(f"#out{i}" if out else measure_id)
        else:
            gold_clusters.append(item["measure"] or f"#unlinked{i}")
            sys_clusters.append(measure_id if measure_id is not None else f"#out{i}")
    result.bcubed_precision, result.bcubed_recall = _bcubed(sys_clusters, gold_clusters)

    mapping = map_measures(pairs, links, measures, gold_measures)
    result.mapped_measures = sum(1 for m in measures if m["measure_id"] in mapping)
    gold_by_key = {g["measure"]: g for g in gold_measures}
    sys_points: dict[str, list[dict]] = {}
    for m in measures:
        target = mapping.get(m["measure_id"])
        if target is None or target not in gold_by_key:
            result.points.fp += len(m.get("timeline", []))
            continue
        sys_points.setdefault(target, []).extend(m.get("timeline", []))
    for key, g in gold_by_key.items():
        points = sys_points.get(key, [])
        tp = _match_points(points, g.get("timeline", []), g.get("type") == "talks")
        result.points.tp += tp
        result.points.fp += len(points) - tp
        result.points.fn += len(g.get("timeline", [])) - tp
        if tp < len(g.get("timeline", [])) or len(points) > tp:
            result.misses.append({"measure": key, "gold": [(p["date"], p.get("rate"), p["status"]) for p in g["timeline"]],
                                  "system": [(p["date"], p.get("rate"), p["status"]) for p in points]})

    answer = asof_fn or system_asof
    for q in questions:
        got = answer(measures, q["date"], imposer=q.get("imposer"), target=q.get("target"), product=q.get("product"))
        got_rates = Counter(round(float(r["rate"]), 2) for r in got if r["rate"] and abs(r["rate"]) > RATE_TOLERANCE)
        want = Counter(round(float(a["rate"]), 2) for a in q.get("answer", []) if abs(float(a["rate"])) > RATE_TOLERANCE)
        result.asof_total += 1
        if got_rates == want:
            result.asof_right += 1
        else:
            result.misses.append({"asof": q, "got": sorted(got_rates.elements())})
    return result


# -- the baseline -----------------------------------------------------------------------------------

_NOT_IN_FORCE = ("threatened", "ruled_out", "announced")


def baseline_measures(events: Iterable[dict], published: Mapping[str, Optional[str]]) -> tuple[list[dict], dict]:
    """Group events by (imposer, targets, products) as written, talks by (type, parties); every
    event a point at its own day (else its article's). Returns (measures, links)."""
    groups: dict[tuple, list[dict]] = {}
    for e in events:
        if e["type"] == "tariff":
            key = ("tariff", e.get("imposer") or "", tuple(e.get("targets") or []), tuple(e.get("products") or []))
        else:
            key = ("talks", "", tuple(sorted(set(e.get("parties") or []))), ())
        groups.setdefault(key, []).append(e)
    measures, links = [], {}
    for i, (key, group) in enumerate(sorted(groups.items())):
        kind, imposer, targets, products = key
        points = []
        for e in sorted(group, key=lambda e: e["event_id"]):
            value = (e.get("date") or {}).get("value") if isinstance(e.get("date"), dict) else None
            day = value if value and len(value) == 10 else published.get(e["article_id"])
            if not day:
                continue
            rate = 0.0 if e["status"] == "lifted" else e.get("rate")
            if kind == "tariff" and rate is None:
                continue
            points.append({"date": day, "status": e["status"], "rate": rate})
            links[e["event_id"]] = (f"baseline-{i}", "point")
        unique = sorted({(p["date"], p["status"], -1.0 if p["rate"] is None else p["rate"]) for p in points})
        measures.append({"measure_id": f"baseline-{i}", "type": kind, "imposer": imposer or None, "targets": list(targets),
                         "products": list(products), "timeline": [{"date": d, "status": s, "rate": None if r < 0 else r}
                                                                    for d, s, r in unique]})
    return measures, links


def baseline_asof(measures: Iterable[dict], day: str, *, imposer=None, target=None, product=None) -> list[dict]:
    """The last in-force point on or before `day` of each matching group."""
    out = []
    for m in measures:
        if m["type"] != "tariff" or (imposer and m["imposer"] != imposer):
            continue
        if target and m["targets"] != ["ALL"] and target not in m["targets"]:
            continue
        if product and m["products"] and product not in m["products"]:
            continue
        before = [p for p in m["timeline"] if p["date"] <= day and p["status"] not in _NOT_IN_FORCE]
        if before:
            last = max(before, key=lambda p: p["date"])
            out.append({"measure_id": m["measure_id"], "rate": last["rate"] or 0.0})
    return out
