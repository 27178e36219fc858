"""Why timeline points are lost: each gold tariff point the system misses, classified by cause.

    PYTHONPATH=$PWD python benchmarks/consolidation_misses.py --pred OUT --gold GOLD [GOLD ...] [--list]

OUT is an extract run folder (its events.jsonl and articles.jsonl are consolidated again in memory
with the code of this checkout, so a rule change needs no new extraction); GOLD are *.gold.jsonl
files or folders holding them with their *.measures.jsonl. Causes, in the order they are tested:

- `no_event`: no extracted event of the gold measure's imposer and a compatible target states the
  point's rate (0 for a lift: status lifted) in any article of the gold: extraction's miss;
- `not_linked`: such events exist, but none links to a system measure mapped to this gold measure
  (each is in another measure, or kept out as a total or conflict);
- `merged`: a mapped measure's point of the right rate within 3 days answers another gold point of
  the same rate (one system point for two gold steps: a threat and its taking effect days apart);
- `wrong_date`: a mapped measure has a point of the right rate, more than 3 days off;
- `no_point`: an event of the rate is linked to a mapped measure but no point of it carries the rate
  (merged into another step, or outvoted);
- `wrong_rate`: otherwise (a mapped measure's point near the day says another rate, or nothing does).

Only ids, rates, days and counts are printed, never article text.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

CAUSES = ("no_event", "not_linked", "merged", "wrong_date", "no_point", "wrong_rate")


def classify(gold_articles, gold_measures, events_by_article, measures, links) -> list[dict]:
    """One dict per missed gold tariff point: measure, date, rate, status, cause."""
    from extractor.consolidate.scoring import RATE_TOLERANCE, _targets_ok, align, map_measures, matched_gold_points
    from extractor.consolidate.timeline import DAY_TOLERANCE, days_apart

    pairs, _ = align(gold_articles, events_by_article)
    mapping = map_measures(pairs, links, measures, gold_measures)
    by_gold: dict[str, list[dict]] = {}
    for m in measures:
        if m["measure_id"] in mapping:
            by_gold.setdefault(mapping[m["measure_id"]], []).append(m)
    gold_ids = {a["id"] for a in gold_articles}
    events = [e for aid, evs in events_by_article.items() if aid in gold_ids for e in evs if e["type"] == "tariff"]

    missed = []
    for g in gold_measures:
        if g.get("type") == "talks":
            continue
        mine = by_gold.get(g["measure"], [])
        points = [p for m in mine for p in m.get("timeline", [])]
        matched = matched_gold_points(points, g.get("timeline", []), False)  # as the scorer matches them
        for gp, hit in zip(g.get("timeline", []), matched):
            if hit:
                continue
            rate = float(gp.get("rate") or 0.0)

            def states(e) -> bool:
                if e.get("imposer") != g["imposer"] or not _targets_ok(e.get("targets") or [], g.get("targets") or []):
                    return False
                value = 0.0 if e["status"] == "lifted" else e.get("rate")
                return value is not None and abs(float(value) - rate) <= RATE_TOLERANCE

            stating = [e for e in events if states(e)]
            mapped_ids = {m["measure_id"] for m in mine}
            if not stating:
                cause = "no_event"
            elif not any(links.get(e["event_id"], (None, ""))[0] in mapped_ids
                         and links[e["event_id"]][1] not in ("total", "conflict") for e in stating):
                cause = "not_linked"
            elif any(p.get("rate") is not None and abs(float(p["rate"]) - rate) <= RATE_TOLERANCE
                     and days_apart(p["date"], gp["date"]) <= DAY_TOLERANCE for p in points):
                cause = "merged"
            elif any(p.get("rate") is not None and abs(float(p["rate"]) - rate) <= RATE_TOLERANCE for p in points):
                cause = "wrong_date"
            elif not any(days_apart(p["date"], gp["date"]) <= DAY_TOLERANCE for p in points):
                cause = "no_point"
            else:
                cause = "wrong_rate"
            missed.append({"measure": g["measure"], "date": gp["date"], "rate": gp.get("rate"), "status": gp["status"],
                           "cause": cause, "near": sorted({(p["date"], p.get("rate"), p["status"]) for p in points
                                                           if days_apart(p["date"], gp["date"]) <= 10})})
    return missed


def main(argv=None) -> int:
    from extractor.consolidate import consolidate_events
    from extractor.consolidate.scoring import storyline_gold
    from extractor.evaluate import load_gold, load_predictions

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pred", type=Path, required=True)
    parser.add_argument("--gold", type=Path, nargs="+", required=True)
    parser.add_argument("--list", action="store_true", help="print every missed point (ids, days, rates)")
    args = parser.parse_args(argv)

    articles, events = load_predictions(args.pred)
    gold_files = [f for p in args.gold for f in (sorted(p.glob("*.gold.jsonl")) if p.is_dir() else [p])]
    gold = load_gold(gold_files)
    gold_measures, _ = storyline_gold(args.gold)
    measures, link_records = consolidate_events([e for evs in events.values() for e in evs],
                                                {aid: a.get("published") for aid, a in articles.items()})
    measures = [m.model_dump(mode="json") for m in measures]
    links = {link.event_id: (link.measure_id, link.role) for link in link_records}
    missed = classify(gold, gold_measures, events, measures, links)
    total = sum(len(g.get("timeline", [])) for g in gold_measures if g.get("type") != "talks")
    counts = Counter(m["cause"] for m in missed)
    print(f"gold tariff points {total}, missed {len(missed)}: " + ", ".join(f"{c} {counts[c]}" for c in CAUSES))
    if args.list:
        for m in sorted(missed, key=lambda m: (m["cause"], m["measure"], m["date"])):
            print(f"  {m['cause']:<11} {m['measure']:<34} {m['date']} {m['rate']!s:>6} {m['status']:<11} near {m['near']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
