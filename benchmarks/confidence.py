"""Does confidence mean something? Precision of tariff events at confidence thresholds.

    python benchmarks/confidence.py                      # dev test split
    python benchmarks/confidence.py --corpus corpora/dev/train --gold corpora/dev/gold/train-a.gold.jsonl corpora/dev/gold/train-b.gold.jsonl

A tariff event is correct when it matches a gold tariff of its article by the scorer's rule (rate,
imposer, compatible targets). Prints precision and counts for events at >= each threshold and per
confidence band; higher confidence should mean higher precision.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from extractor.api import Extractor  # noqa: E402
from extractor.evaluate import _same_tariff, load_gold  # noqa: E402


def measure(corpus: list[str], gold_paths: list[str], thresholds=(0.0, 0.5, 0.8)) -> dict:
    gold = {g["id"]: g for g in load_gold(gold_paths)}
    ex = Extractor.from_config()
    scored: list[tuple[float, bool]] = []
    for outcome in ex.extract(ex.read(corpus)):
        if outcome.record is None or outcome.article_id not in gold:
            continue
        golds = [(float(t["rate"]), t.get("imposer"), tuple(t.get("targets") or [])) for t in gold[outcome.article_id]["tariffs"]]
        for e in outcome.events:
            if e.type == "tariff":
                key = (e.rate, e.imposer, tuple(e.targets))
                scored.append((e.confidence, any(_same_tariff(key, g) for g in golds)))
    result = {"events": len(scored), "at_least": {}, "bands": {}}
    for t in thresholds:
        chosen = [ok for c, ok in scored if c >= t]
        result["at_least"][str(t)] = {"n": len(chosen), "precision": round(sum(chosen) / len(chosen), 3) if chosen else None}
    for lo, hi in ((0.0, 0.5), (0.5, 0.8), (0.8, 1.01)):
        band = [ok for c, ok in scored if lo <= c < hi]
        result["bands"][f"[{lo},{min(hi, 1.0)})"] = {"n": len(band), "precision": round(sum(band) / len(band), 3) if band else None}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", nargs="+", default=[str(REPO / "corpora/dev/test")])
    parser.add_argument("--gold", nargs="+", default=[str(REPO / "corpora/dev/gold/test-t.gold.jsonl")])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.corpus, args.gold)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"tariff events: {result['events']}")
    for t, r in result["at_least"].items():
        print(f"confidence >= {t}: precision {r['precision']} (n={r['n']})")
    for band, r in result["bands"].items():
        print(f"band {band}: precision {r['precision']} (n={r['n']})")


if __name__ == "__main__":
    main()
