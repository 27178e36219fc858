"""Memory does not grow with the archive: a run over 50,000 articles peaks where one over 1,000 does.

Each run is a fresh subprocess (so that its peak RSS is its own), with the fake NER backend of
tests/_fake_ner.py in place of the spaCy model: the reading, the rules, the record building and
the writers all run as in production, only the model's fixed footprint is missing, which makes
any growth easier to see. Texts and ids are all distinct, so that no per-text cache hides a leak.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

RUNNER = """
import json, resource, sys
sys.path.insert(0, {tests!r})
import _fake_ner  # registers the fake backend in this process
from extractor.config import load_config
from extractor.engines import run_extract

corpus, outdir, n_process = sys.argv[1], sys.argv[2], int(sys.argv[3])
config = load_config(None, {{"nlp.ner.@ner_backends": _fake_ner.FAKE_NER, "run.n_process": n_process}})
summary = run_extract([corpus], outdir, config, progress=None)
try:  # the resident set at the end as well: a transient peak at start-up could hide slow growth
    with open("/proc/self/status") as fh:
        rss_end_kb = next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
except OSError:
    rss_end_kb = None
print(json.dumps({{"rss_end_kb": rss_end_kb, "read": summary.read, "written": summary.written, "failed": summary.failed,
                  "events": summary.events, "seconds": summary.seconds,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "children_maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}}))
"""

_TRADE = "The United States raised tariffs on steel from supplier {i} to {m}% on Friday, Commerce Secretary Wilbur Ross said."
_OFFICIAL = "Mayor Anna Berg said on Tuesday that district {i} would open a library in March {y}."
_WEATHER = "Heavy rain fell on district {i} on Monday, and the river rose by {m} centimetres."
_MARKETS = "Shares in carmaker {i} fell {m}% after it reported lower sales for the second quarter of {y}."
# One trade story in 16 (it costs as much as six of the others), so that 50k articles take under a minute.
_CYCLE = [_TRADE, _OFFICIAL] + [_WEATHER, _MARKETS] * 7


def write_synthetic(path: Path, n: int) -> None:
    """n short articles, one in 16 of them trade news, every id and text distinct."""
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = _CYCLE[i % len(_CYCLE)].format(i=i, m=i % 97 + 1, y=2000 + i % 25)
            fh.write(json.dumps({"id": f"syn-{i:06d}", "published": "2025-04-10", "text": text}) + "\n")


def _run(tmp_path: Path, n: int, n_process: int = 1) -> dict:
    runner = tmp_path / "runner.py"
    runner.write_text(RUNNER.format(tests=str(TESTS)), encoding="utf-8")
    corpus = tmp_path / f"corpus-{n}.jsonl"
    write_synthetic(corpus, n)
    proc = subprocess.run([sys.executable, str(runner), str(corpus), str(tmp_path / f"out-{n}"), str(n_process)],
                          capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["read"] == result["written"] == n, result
    return result


@pytest.mark.slow
def test_peak_memory_flat_from_1k_to_50k_articles(tmp_path):
    small = _run(tmp_path, 1_000)
    large = _run(tmp_path, 50_000)
    print(f"\npeak RSS: 1k {small['maxrss_kb'] / 1024:.1f} MiB, 50k {large['maxrss_kb'] / 1024:.1f} MiB; "
          f"RSS at the end: 1k {(small['rss_end_kb'] or 0) / 1024:.1f} MiB, 50k {(large['rss_end_kb'] or 0) / 1024:.1f} MiB "
          f"({large['seconds']:.1f}s, {large['events']} events)")
    # 15% plus 5 MiB of slack: the reader's set of seen ids (duplicate detection) alone grows
    # by about 4 MiB over 50k ids; anything that kept records or texts would grow by far more.
    assert large["maxrss_kb"] <= small["maxrss_kb"] * 1.15 + 5 * 1024, (small, large)
    if small["rss_end_kb"] and large["rss_end_kb"]:
        assert large["rss_end_kb"] <= small["rss_end_kb"] * 1.15 + 5 * 1024, (small, large)
