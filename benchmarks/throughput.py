"""Throughput of `tariffwire extract` against bare spaCy, from one run of this script.

    python benchmarks/throughput.py [-n 2000] [--trade-share 0.1] [--repeat 1] [--json results.json]

Builds a corpus with build_corpus.py (N articles, --trade-share of them trade news, the rest
MEANTIME non-trade news), then measures, each in a fresh subprocess so that every figure has its
own peak RSS:

  spacy-1 / spacy-2   bare spaCy: `nlp.pipe(texts, batch_size=B, n_process=1|2)` with the model and
                      the components tariffwire runs (only `ner`, as [nlp.ner] enables), B = its batch_size
  tw-off-1 / tw-off-2 `run_extract` with --no-prefilter and --n-process 1 | 2
  tw-on-1 / tw-on-2   `run_extract` with the prefilter (the default) and --n-process 1 | 2
  dask-off-2          `run_dask` with --no-prefilter on a LocalCluster of 2 worker processes
  paired-1            in one process, over 10 slices of the corpus in turn: bare spaCy, `run_extract`
                      with the prefilter, `run_extract` without it (the order rotates every slice);
                      the ratios of the sums. The machine's speed drifts by up to 30% over minutes,
                      and these paired slices, seconds apart, see the same drift.

What is timed: bare spaCy, the `nlp.pipe` loop over texts already in memory; tariffwire, the whole
batch job (reading the JSONL, NER, rules, records, writing and fsyncing articles/events/errors
.jsonl). Model load time is excluded everywhere: each subprocess loads and warms the model (and, for
local runs, makes one whole run over 64 articles, which imports what a run's end needs) before
the clock starts (local runs: spacy.load is pointed at the warmed pipeline, which --n-process 2
workers inherit through fork; dask: the cluster is started and its workers load the model in a
warm-up run over the first batch first). Clock: time.perf_counter. With --repeat K the
measurements run K times round-robin and the fastest of each counts (load from other work on the
machine only slows runs down); CPU-ms per article is printed too, and the single-process ratios
by CPU time, which such load disturbs less.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
for p in (str(ROOT), str(HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)

TARGETS = {  # the issue's targets, ratios from one run
    "tw_off_vs_spacy": 0.8,
    "tw_off_vs_spacy_paired": 0.8,
    "prefilter_vs_spacy": 5.0,
    "prefilter_vs_spacy_paired": 5.0,
    "tw_2_vs_1": 1.6,
    "dask_2_vs_tw_1": 1.5,
}

MEASUREMENTS = {
    "spacy-1": {"kind": "spacy", "n_process": 1},
    "spacy-2": {"kind": "spacy", "n_process": 2},
    "tw-off-1": {"kind": "tariffwire", "n_process": 1, "prefilter": False},
    "tw-on-1": {"kind": "tariffwire", "n_process": 1, "prefilter": True},
    "tw-off-2": {"kind": "tariffwire", "n_process": 2, "prefilter": False},
    "tw-on-2": {"kind": "tariffwire", "n_process": 2, "prefilter": True},
    "dask-off-2": {"kind": "dask", "n_process": 2, "prefilter": False},
    # Bare spaCy, tariffwire with and without the prefilter, taken in turns over the same slices
    # of the corpus in one process: the machine's speed drifts over minutes (here by up to 30%),
    # and paired slices a few seconds apart see the same drift.
    "paired-1": {"kind": "paired", "n_process": 1, "slices": 10},
}


# -- in the subprocess -------------------------------------------------------------------------------

def _cpu_seconds() -> float:
    """User + system CPU of this process and of its waited-for children (worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _own_cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def _peak_rss_mb() -> dict:
    return {
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "children_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def _config(spec: dict):
    from extractor.config import load_config

    overrides = {"run.n_process": spec["n_process"], "run.prefilter": spec.get("prefilter", True)}
    return load_config(None, overrides)


def _read_texts(corpus: Path) -> list[str]:
    with corpus.open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh if line.strip()]


def child_spacy(spec: dict, corpus: Path) -> dict:
    from extractor.nlp.ner import SpacyNer

    config = _config(spec)
    ner_cfg = config["nlp"]["ner"]
    texts = _read_texts(corpus)
    t0 = time.perf_counter()
    # The same pipeline tariffwire runs: spacy.load, then only the enabled components (SpacyNer.nlp).
    nlp = SpacyNer(ner_cfg["model"], ner_cfg["enable"], ner_cfg["batch_size"]).nlp
    for _ in nlp.pipe(texts[:64], batch_size=ner_cfg["batch_size"]):
        pass
    load = time.perf_counter() - t0
    c0, t0 = _cpu_seconds(), time.perf_counter()
    n = 0
    for _ in nlp.pipe(texts, batch_size=ner_cfg["batch_size"], n_process=spec["n_process"]):
        n += 1
    seconds = time.perf_counter() - t0
    return {"articles": n, "seconds": seconds, "cpu_seconds": _cpu_seconds() - c0, "load_seconds": load,
            "pipes": nlp.pipe_names}


def _warm_local(config, corpus: Path) -> float:
    """Load and warm the model once, and make every later spacy.load of it return that pipeline."""
    import spacy

    from extractor.api import Extractor

    t0 = time.perf_counter()
    extractor = Extractor(config)
    items = []
    for item in extractor.read([str(corpus)]):
        items.append(item)
        if len(items) >= 64:
            break
    extractor.process_batch(items, prefilter=False)
    warmed = getattr(extractor.ner, "nlp", None)
    if warmed is not None:
        original = spacy.load
        spacy.load = lambda name, *a, **kw: warmed if name == config["nlp"]["model"] else original(name, *a, **kw)
    # One whole run over those articles: what a process imports once for a run's end (DuckDB and
    # pyarrow for the consolidation, the writers) is loaded here, like the model, not in the
    # first timed slice.
    from extractor.engines import run_extract

    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "warm.jsonl"
        with corpus.open(encoding="utf-8") as src:
            sample.write_text("".join(line for _, line in zip(range(64), src)), encoding="utf-8")
        run_extract([str(sample)], Path(tmp) / "out", config, progress=None)
    return time.perf_counter() - t0


def child_tariffwire(spec: dict, corpus: Path, workdir: Path) -> dict:
    from extractor.engines import run_extract

    config = _config(spec)
    load = _warm_local(config, corpus)
    c0, t0 = _cpu_seconds(), time.perf_counter()
    summary = run_extract([str(corpus)], workdir / "out", config, progress=None)
    seconds = time.perf_counter() - t0
    return {"articles": summary.read, "seconds": seconds, "cpu_seconds": _cpu_seconds() - c0, "load_seconds": load,
            "summary": summary.line(),
            "prefiltered": summary.prefiltered, "events": summary.events}


def child_dask(spec: dict, corpus: Path, workdir: Path) -> dict:
    from distributed import Client

    from extractor.config import load_config
    from extractor.engines.dask import run_dask, start_local_cluster

    t0 = time.perf_counter()
    cluster = start_local_cluster(spec["n_process"])  # the cluster run_dask starts without --scheduler
    try:
        config = load_config(None, {"run.n_process": spec["n_process"], "run.prefilter": spec["prefilter"],
                                    "run.engine": "dask", "run.scheduler": cluster.scheduler_address})
        warm = workdir / "warmup.jsonl"
        with corpus.open(encoding="utf-8") as src, warm.open("w", encoding="utf-8") as dst:
            for i, line in enumerate(src):
                if i >= 64:
                    break
                dst.write(line)
        run_dask([str(warm)], workdir / "warm-out", config, progress=None)  # workers load the model here
        load = time.perf_counter() - t0  # cluster start, model load and warm-up run
        with Client(cluster) as probe:  # the workers' CPU, read on the workers before and after
            c0, t0 = _cpu_seconds() + sum(probe.run(_own_cpu_seconds).values()), time.perf_counter()
            summary = run_dask([str(corpus)], workdir / "out", config, progress=None)
            seconds = time.perf_counter() - t0
            cpu = _cpu_seconds() + sum(probe.run(_own_cpu_seconds).values()) - c0
    finally:
        import logging

        logging.getLogger("distributed.nanny").setLevel(logging.ERROR)
        cluster.close()
    return {"articles": summary.read, "seconds": seconds, "cpu_seconds": cpu, "load_seconds": load,
            "summary": summary.line(), "prefiltered": summary.prefiltered, "events": summary.events}


def child_paired(spec: dict, corpus: Path, workdir: Path) -> dict:
    from extractor.nlp.ner import SpacyNer
    from extractor.engines import run_extract

    configs = {"tw-on": _config({**spec, "prefilter": True}), "tw-off": _config({**spec, "prefilter": False})}
    load = _warm_local(configs["tw-on"], corpus)
    ner_cfg = configs["tw-on"]["nlp"]["ner"]
    nlp = SpacyNer(ner_cfg["model"], ner_cfg["enable"], ner_cfg["batch_size"]).nlp  # the warmed pipeline
    lines = [line for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    k = max(1, min(spec["slices"], len(lines)))
    bounds = [round(i * len(lines) / k) for i in range(k + 1)]
    sides = ["spacy", "tw-on", "tw-off"]
    totals = {side: {"seconds": 0.0, "cpu_seconds": 0.0, "articles": 0} for side in sides}
    for i in range(k):
        piece = lines[bounds[i]:bounds[i + 1]]
        path = workdir / f"slice-{i}.jsonl"
        path.write_text("\n".join(piece) + "\n", encoding="utf-8")
        texts = [json.loads(line)["text"] for line in piece]
        # The order turns every slice, so that no side is always first (or always has the
        # spaCy vocabulary warmed by another side on these texts).
        for side in sides[i % 3:] + sides[:i % 3]:
            c0, t0 = _cpu_seconds(), time.perf_counter()
            if side == "spacy":
                # The warmed pipeline is shared with the tariffwire sides, which add their components to it.
                with nlp.select_pipes(enable=ner_cfg["enable"]):
                    n = sum(1 for _ in nlp.pipe(texts, batch_size=ner_cfg["batch_size"]))
            else:
                n = run_extract([str(path)], workdir / f"{side}-{i}", configs[side], progress=None).read
            totals[side]["seconds"] += time.perf_counter() - t0
            totals[side]["cpu_seconds"] += _cpu_seconds() - c0
            totals[side]["articles"] += n
    return {"articles": len(lines), "seconds": sum(t["seconds"] for t in totals.values()), "load_seconds": load,
            "sides": totals, "slices": k}


def run_child(spec: dict, corpus: Path, workdir: Path) -> dict:
    if spec["kind"] == "spacy":
        result = child_spacy(spec, corpus)
    elif spec["kind"] == "tariffwire":
        result = child_tariffwire(spec, corpus, workdir)
    elif spec["kind"] == "paired":
        result = child_paired(spec, corpus, workdir)
    else:
        result = child_dask(spec, corpus, workdir)
    return {**result, **_peak_rss_mb()}


# -- the driver ----------------------------------------------------------------------------------------

def measure(name: str, corpus: Path, workdir: Path) -> dict:
    spec = MEASUREMENTS[name]
    run_dir = workdir / name
    run_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec), "--corpus", str(corpus),
                           "--workdir", str(run_dir)], capture_output=True, text=True, env=env, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"{name} failed:\n{proc.stderr[-4000:]}")
    shutil.rmtree(run_dir, ignore_errors=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _machine() -> dict:
    import spacy

    try:
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), platform.processor())
    except OSError:
        cpu = platform.processor()
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "spacy": spacy.__version__}


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--articles", type=int, default=2000)
    parser.add_argument("--trade-share", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpus", type=Path, help="an existing .jsonl corpus instead of building one")
    parser.add_argument("--only", help=f"comma-separated subset of: {', '.join(MEASUREMENTS)}")
    parser.add_argument("--repeat", type=int, default=1, help="run every measurement this many times; the fastest counts")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        print(json.dumps(run_child(json.loads(args.child), args.corpus, args.workdir)))
        return

    import build_corpus

    names = [n.strip() for n in args.only.split(",")] if args.only else list(MEASUREMENTS)
    unknown = set(names) - set(MEASUREMENTS)
    if unknown:
        parser.error(f"unknown measurement(s): {', '.join(sorted(unknown))}")
    workdir = Path(tempfile.mkdtemp(prefix="tariffwire-bench-"))
    try:
        corpus = args.corpus
        if corpus is None:
            corpus = workdir / "corpus.jsonl"
            build_corpus.write_corpus(corpus, args.articles, args.trade_share, seed=args.seed)
        texts = _read_texts(corpus)
        from extractor.api import is_relevant

        stats = {"path": str(corpus), "articles": len(texts), "words": sum(len(t.split()) for t in texts),
                 "chars": sum(len(t) for t in texts), "relevant": sum(is_relevant(t) for t in texts)}
        del texts
        report = {"machine": _machine(), "corpus": stats, "repeat": args.repeat, "load_before": os.getloadavg(),
                  "runs": {}, "all_runs": {}}
        print(f"corpus: {stats['articles']} articles, {stats['words']} words, "
              f"{stats['relevant'] / max(stats['articles'], 1):.1%} pass the prefilter", flush=True)
        # With --repeat, the measurements run round-robin and the fastest of each counts: other load
        # on the machine only ever slows a run down.
        for round_no in range(1, args.repeat + 1):
            for name in names:
                result = measure(name, corpus, workdir)
                result["articles_per_s"] = result["articles"] / result["seconds"]
                result["words_per_s"] = stats["words"] / result["seconds"]
                result["load_average"] = os.getloadavg()[0]
                report["all_runs"].setdefault(name, []).append(result)
                best = report["runs"].get(name)
                if best is None or result["seconds"] < best["seconds"]:
                    report["runs"][name] = result
                cpu = result.get("cpu_seconds")
                cpu_text = f"{1000 * cpu / result['articles']:6.1f} CPU-ms/article" if cpu else " " * 21
                label = f"{name}" + (f" #{round_no}" if args.repeat > 1 else "")
                print(f"{label:14s} {result['articles_per_s']:8.1f} articles/s {result['words_per_s']:9.0f} words/s "
                      f"{result['seconds']:7.1f}s {cpu_text}  peak RSS {result['peak_rss_mb']:6.0f} MiB "
                      f"(largest child {result['children_peak_rss_mb']:.0f} MiB)  load {result['load_seconds']:.1f}s, not timed",
                      flush=True)
                for side, total in result.get("sides", {}).items():
                    print(f"    {side:10s} {total['articles'] / total['seconds']:8.1f} articles/s "
                          f"{stats['words'] * total['articles'] / stats['articles'] / total['seconds']:9.0f} words/s "
                          f"{total['seconds']:7.1f}s {1000 * total['cpu_seconds'] / total['articles']:6.1f} CPU-ms/article",
                          flush=True)
                if "sides" in result:
                    paired = paired_ratios(result)
                    print(f"    this round: prefilter / bare spaCy {paired['prefilter_vs_spacy_paired']:.2f}x, "
                          f"--no-prefilter / bare spaCy {paired['tw_off_vs_spacy_paired']:.2f}x", flush=True)
        report["load_after"] = os.getloadavg()
        report["ratios"] = ratios(report["runs"])
        report["cpu_ratios"] = cpu_ratios(report["runs"])
        print_ratios(report["ratios"], report["cpu_ratios"])
        print(f"load average before {report['load_before'][0]:.2f}, after {report['load_after'][0]:.2f} "
              f"(on {os.cpu_count()} cores: anything above 0 that is not this script skews the figures)")
        if args.json:
            args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def ratios(runs: dict) -> dict:
    def rate(name):
        return runs[name]["articles_per_s"] if name in runs else None

    def ratio(a, b):
        return rate(a) / rate(b) if rate(a) and rate(b) else None

    # The paired run whose rounds took least time overall (the machine at its fastest), as for
    # the other measurements.
    paired = paired_ratios(runs["paired-1"]) if "paired-1" in runs else {}
    return {
        "tw_off_vs_spacy": ratio("tw-off-1", "spacy-1"),
        "tw_off_vs_spacy_paired": paired.get("tw_off_vs_spacy_paired"),
        "prefilter_vs_spacy": ratio("tw-on-1", "spacy-1"),
        "prefilter_vs_spacy_paired": paired.get("prefilter_vs_spacy_paired"),
        "prefilter_vs_tw_off": ratio("tw-on-1", "tw-off-1"),
        "tw_2_vs_1": ratio("tw-off-2", "tw-off-1"),
        "tw_on_2_vs_1": ratio("tw-on-2", "tw-on-1"),
        "spacy_2_vs_1": ratio("spacy-2", "spacy-1"),
        "dask_2_vs_tw_1": ratio("dask-off-2", "tw-off-1"),
        "dask_2_vs_tw_2": ratio("dask-off-2", "tw-off-2"),
    }


def paired_ratios(result: dict) -> dict:
    """Throughput ratios of one paired run (the same slices, taken in turns in one process)."""
    rate = {side: t["articles"] / t["seconds"] for side, t in result["sides"].items()}
    return {"prefilter_vs_spacy_paired": rate["tw-on"] / rate["spacy"],
            "tw_off_vs_spacy_paired": rate["tw-off"] / rate["spacy"]}


def cpu_ratios(runs: dict) -> dict:
    """The single-process ratios by CPU time per article, which other load on the machine disturbs less."""
    def cpu(name):
        run = runs.get(name)
        return run["cpu_seconds"] / run["articles"] if run and run.get("cpu_seconds") else None

    def ratio(a, b):
        return cpu(b) / cpu(a) if cpu(a) and cpu(b) else None

    return {
        "tw_off_vs_spacy": ratio("tw-off-1", "spacy-1"),
        "prefilter_vs_spacy": ratio("tw-on-1", "spacy-1"),
        "prefilter_vs_tw_off": ratio("tw-on-1", "tw-off-1"),
    }


def print_ratios(values: dict, by_cpu: Optional[dict] = None) -> None:
    labels = {
        "tw_off_vs_spacy": "tariffwire --no-prefilter / bare spaCy (1 process)",
        "tw_off_vs_spacy_paired": "  the same, paired slices in one process",
        "prefilter_vs_spacy": "tariffwire with prefilter / bare spaCy over all articles",
        "prefilter_vs_spacy_paired": "  the same, paired slices in one process",
        "prefilter_vs_tw_off": "tariffwire with prefilter / without",
        "tw_2_vs_1": "tariffwire --n-process 2 / 1 (no prefilter)",
        "tw_on_2_vs_1": "tariffwire --n-process 2 / 1 (prefilter on)",
        "spacy_2_vs_1": "bare spaCy n_process 2 / 1",
        "dask_2_vs_tw_1": "dask, 2 local workers / tariffwire 1 process (no prefilter)",
        "dask_2_vs_tw_2": "dask, 2 local workers / tariffwire --n-process 2",
    }
    for key, label in labels.items():
        value = values.get(key)
        if value is None:
            continue
        target = TARGETS.get(key)
        verdict = "" if target is None else f"  (target >= {target}: {'met' if value >= target else 'MISSED'})"
        cpu = (by_cpu or {}).get(key)
        cpu_text = f"  [by CPU time: {cpu:.2f}x]" if cpu else ""
        print(f"{label:62s} {value:6.2f}x{verdict}{cpu_text}")


if __name__ == "__main__":
    main()
