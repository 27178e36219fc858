"""The throughput benchmark runs end to end on a tiny corpus (its figures are not checked: tests never
judge wall-clock time; its bookkeeping is)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.pipeline_support import MEANTIME
from tests.pipeline_support import REPO as ROOT


@pytest.mark.slow
@pytest.mark.skipif(not MEANTIME.is_dir(), reason="the benchmark corpus needs MEANTIME beside the checkout")
def test_throughput_paired_run_counts_every_article_on_every_side(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "throughput.py"), "-n", "20", "--only",
                           "paired-1,tw-on-1", "--json", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    paired = report["runs"]["paired-1"]
    assert paired["slices"] == 10
    assert {side: t["articles"] for side, t in paired["sides"].items()} == {"spacy": 20, "tw-on": 20, "tw-off": 20}
    assert all(t["seconds"] > 0 and t["cpu_seconds"] > 0 for t in paired["sides"].values())
    assert report["runs"]["tw-on-1"]["articles"] == 20
    assert report["ratios"]["prefilter_vs_spacy_paired"] > 0 and report["ratios"]["tw_off_vs_spacy_paired"] > 0
    assert "paired slices in one process" in proc.stdout


def test_consolidate_benchmark_smoke(tmp_path):
    """benchmarks/consolidate.py with a tiny N: every synthetic event gets a link, the child reports memory."""
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "consolidate.py"), "--events", "300", "1000",
                           "--keep", str(tmp_path)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["events"] >= n for r, n in zip(results, (300, 1000))] == [True, True]
    for r in results:
        assert r["links"] == r["events"] and 0 < r["measures"] < r["events"]
        assert r["peak_rss_mb"] > 0 and r["seconds"] > 0 and r["cpu_seconds"] > 0
    measures = (tmp_path / "run-1000" / "measures.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(measures) == results[1]["measures"]


def test_warc_ingest_benchmark_counts_every_record(tmp_path):
    out = tmp_path / "warc.json"
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "warc_ingest.py"), "-n", "20", "--extractor", "builtin", "--json", str(out)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["records"] == 1 + 3 * 20  # warcinfo, then request, response and metadata per page
    assert report["ingest"]["articles"] == 18  # one page in ten is a PDF
    assert report["ingest"]["notes"] == 1  # the file's skip summary
    assert report["parse"]["records_per_s"] > 0 and report["ingest"]["mb_per_s"] > 0
    assert "records/s" in proc.stdout
