"""Consolidation at scale: N synthetic events -> measures.jsonl, wall time and peak memory.

    python benchmarks/consolidate.py --events 100000 1000000

For each N, writes a synthetic run folder (articles.jsonl + events.jsonl) to a temporary directory,
then consolidates it in a child process and reports the child's wall time and peak RSS (the child's
own resource.getrusage(RUSAGE_SELF).ru_maxrss, DuckDB included; the generator's memory is not
counted). One JSON line per N on stdout.

The synthetic archive mimics a wire archive: many imposer/target pairs, each with one to three
measures (some named in the text, some not), each a sequence of rate steps over two years; every
step retold by many articles (restatements without a date), threats that are never carried out,
totals that sum two measures ("X% in all"), lifted retaliation, and sector duties on every country
reported for single countries.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

CODES = [f"C{i:02d}" for i in range(60)]  # synthetic country codes: the benchmark needs no gazetteer
IMPOSERS = CODES[:12]
NAMES = ["reciprocal", "fentanyl", "section 232", None, None]
PRODUCTS = [[], [], ["steel"], ["aluminum"], ["steel", "aluminum"], ["cars"], ["soybeans"]]
START = date(2024, 1, 1)


def _day(offset: int) -> str:
    return (START + timedelta(days=offset)).isoformat()


def _world(rng: random.Random) -> list[dict]:
    """The true measures: (imposer, targets, products, name) with a step sequence."""
    measures = []
    for imposer in IMPOSERS:
        for target in rng.sample([c for c in CODES if c != imposer], 25):
            for k in range(rng.randint(1, 3)):
                steps, day, rate = [], rng.randint(0, 200), rng.choice([10.0, 20.0, 25.0])
                for _ in range(rng.randint(1, 5)):
                    steps.append((day, rate, rng.choice(["in_effect", "raised", "reduced"])))
                    day += rng.randint(7, 90)
                    rate = max(5.0, rate + rng.choice([-15.0, 10.0, 25.0, 50.0]))
                if rng.random() < 0.2:
                    steps.append((day, 0.0, "lifted"))
                measures.append({"imposer": imposer, "targets": [target], "products": PRODUCTS[k % len(PRODUCTS)] if k else [],
                                 "name": NAMES[k % len(NAMES)], "steps": steps})
        for products in (["steel", "aluminum"], ["cars"]):
            measures.append({"imposer": imposer, "targets": ["ALL"], "products": products, "name": "section 232",
                             "steps": [(rng.randint(0, 100), 25.0, "in_effect"), (rng.randint(150, 300), 50.0, "raised")]})
    return measures


def _sentence(m: dict, rate: float, status: str, day: str | None, rng: random.Random, total: float | None = None) -> str:
    name = f" {m['name']}" if m["name"] and rng.random() < 0.7 else ""
    goods = " and ".join(m["products"]) or "all goods"
    if total is not None:
        return f"Goods from {m['targets'][0]} now pay {total:g}% in all, counting the{name} duty on {goods}."
    when = f" on {day}" if day else ""
    verbs = {"threatened": "threatened", "lifted": "lifted", "raised": "raised to", "reduced": "cut to"}
    verb = verbs.get(status, "set at")
    return f"{m['imposer']}'s{name} tariff on {goods} from {m['targets'][0]} was {verb} {rate:g}%{when}, officials said."


def generate(folder: Path, n_events: int, seed: int = 7) -> int:
    """Write a synthetic run folder with about n_events events; returns the number written."""
    rng = random.Random(seed)
    world = _world(rng)
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    article = 0
    with (folder / "articles.jsonl").open("w", encoding="utf-8") as fa, (folder / "events.jsonl").open("w", encoding="utf-8") as fe:
        while written < n_events:
            article += 1
            aid = f"syn-{article:08d}"
            m = rng.choice(world)
            i = rng.randrange(len(m["steps"]))
            day, rate, status = m["steps"][i]
            published = day + rng.randint(0, 60)
            fa.write(json.dumps({"schema_version": "1", "article_id": aid, "published": _day(published)}) + "\n")
            lines = []
            for j in range(rng.randint(2, 5)):
                kind = rng.random()
                ev_status, ev_rate, ev_day, total = status, rate, _day(day) if rng.random() < 0.4 else None, None
                if kind < 0.08:
                    ev_status, ev_rate, ev_day = "threatened", rate + rng.choice([25.0, 50.0, 100.0]), None
                elif kind < 0.13:
                    other = rng.choice(world)
                    total = rate + other["steps"][0][1]
                    ev_rate, ev_status = total, "in_effect"
                elif kind < 0.18:
                    ev_rate, ev_status, ev_day = rate + 5.0, "in_effect", None  # a misremembered rate
                elif kind < 0.4:
                    ev_status, ev_day = "in_effect", None  # a restatement
                if ev_status == "lifted":
                    ev_rate = m["steps"][i - 1][1] if i else 25.0
                text = _sentence(m, ev_rate, ev_status, ev_day, rng, total)
                targets = m["targets"] if m["targets"] != ["ALL"] or rng.random() < 0.7 else [rng.choice(CODES)]
                lines.append(json.dumps({
                    "schema_version": "1", "event_id": f"{aid}-{j}", "article_id": aid, "type": "tariff",
                    "status": ev_status, "rate": ev_rate, "previous_rate": None, "imposer": m["imposer"], "targets": targets,
                    "products": m["products"], "parties": sorted({m["imposer"], *targets} - {"ALL"}), "officials": [],
                    "date": {"text": ev_day, "value": ev_day, "start": 0, "end": 10} if ev_day else None,
                    "duration": None, "location": None, "evidence": {"text": text, "start": 0, "end": len(text)},
                    "confidence": round(rng.uniform(0.5, 0.95), 2)}))
            if rng.random() < 0.05:
                parties = sorted({m["imposer"], m["targets"][0]} - {"ALL"})
                lines.append(json.dumps({
                    "schema_version": "1", "event_id": f"{aid}-t", "article_id": aid, "type": "negotiation", "status": "held",
                    "rate": None, "previous_rate": None, "imposer": None, "targets": [], "products": [], "parties": parties,
                    "officials": [], "date": None, "duration": None, "location": None,
                    "evidence": {"text": "Negotiators met.", "start": 0, "end": 16}, "confidence": 0.8}))
            fe.write("\n".join(lines) + "\n")
            written += len(lines)
    return written


# The child reports its own peak RSS (DuckDB's memory is in the same process), so each N is measured alone.
_CHILD = (
    "import json, resource, sys\n"
    "from extractor.consolidate import consolidate_outdirs\n"
    "measures, links = consolidate_outdirs([sys.argv[1]], sys.argv[1])\n"
    "usage = resource.getrusage(resource.RUSAGE_SELF)\n"
    "print(json.dumps([measures, links, usage.ru_maxrss, usage.ru_utime + usage.ru_stime]))\n"
)


def run_one(n_events: int, workdir: Path, seed: int = 7) -> dict:
    folder = workdir / f"run-{n_events}"
    t0 = time.monotonic()
    n = generate(folder, n_events, seed)
    generated = time.monotonic() - t0
    t0 = time.monotonic()
    done = subprocess.run([sys.executable, "-c", _CHILD, str(folder)], capture_output=True, text=True)
    seconds = time.monotonic() - t0
    if done.returncode != 0:
        raise SystemExit(f"consolidation failed for N={n_events}:\n{done.stderr}")
    measures, links, peak_kb, cpu = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        # cpu_seconds: the child's own CPU time; on a shared machine wall time includes waiting for a core
        "events": n, "measures": measures, "links": links, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
        "peak_rss_mb": round(peak_kb / 1024, 1), "events_per_s": round(n / seconds) if seconds else None,
        "generate_seconds": round(generated, 2), "input_mb": round((folder / "events.jsonl").stat().st_size / 2 ** 20, 1),
    }


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, default=None, help="Write the synthetic runs here and keep them.")
    args = parser.parse_args(argv)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="tw-consolidate-bench-"))
    results = []
    try:
        for n in sorted(args.events):
            result = run_one(n, workdir, args.seed)
            print(json.dumps(result), flush=True)
            results.append(result)
            if args.keep is None:
                shutil.rmtree(workdir / f"run-{n}", ignore_errors=True)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return results


if __name__ == "__main__":
    main()
