"""`--engine dask` writes what a local run writes.

One local run and one dask run (a LocalCluster of 2 worker processes, started by the run itself as
with no --scheduler) over the samples, dev/train and a file of broken records, with small batches
and partitions so that several partitions are in flight and can finish out of order.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.config import load_config
from extractor.engines.dask import partition_size, run_dask
from extractor.errors import TariffwireError
from extractor.job import EXIT_SOME_FAILED, check_settings

ROOT = Path(__file__).resolve().parents[1]
# 8 articles a batch; partitions of 20 round up to 24 (3 batches): 12 + 40 + 4 records make 3 partitions.
SETTINGS = ["--published", "2025-04-10", "--format", "parquet", "--run.batch_size=8", "--run.partition_size=20", "-q"]

BROKEN = [
    '{"id": "broken-1", "published": "2025-04-10", "text": "Canada said on Monday it would answer U.S. steel tariffs with 25% duties."}',
    '{"id": "broken-2", "text": ',  # not JSON: an ingest error
    '{"id": "broken-3", "text": ""}',  # no text: an ingest error
    '{"id": "dev-a-01", "text": "A second record with an id the dev corpus already used."}',  # skipped (W002)
]


def _summary(output: str) -> str:
    """The summary line without its timing and output directory."""
    line = next(ln for ln in output.splitlines() if ln.startswith("read "))
    return re.sub(r" in [\d.]+s, [\d.]+ articles/s|; see .*$", "", line)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("distributed")
    broken = base / "broken.jsonl"
    broken.write_text("\n".join(BROKEN) + "\n", encoding="utf-8")
    # Named files, not the dev/train folder: the corpus grows, and the counts and partitions below are fixed.
    train = ROOT / "corpora" / "dev" / "train"
    inputs = [str(ROOT / "corpora" / "samples"), str(train / "batch-a.jsonl"), str(train / "batch-b.jsonl"), str(broken)]
    runner = CliRunner()
    out = {}
    for engine, extra in (("local", []), ("dask", ["--engine", "dask", "-n", "2"])):
        outdir = base / engine
        result = runner.invoke(app, ["extract", *inputs, "-o", str(outdir), *SETTINGS, *extra])
        assert result.exit_code == EXIT_SOME_FAILED, (result.output, result.exception)
        out[engine] = (outdir, _summary(result.output))
    out["inputs"] = inputs
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", ["articles.jsonl", "events.jsonl", "errors.jsonl", "measures.jsonl", "measure_events.jsonl"])
def test_dask_jsonl_equals_local(runs, name):
    local = (runs["local"][0] / name).read_bytes()
    dask = (runs["dask"][0] / name).read_bytes()
    assert local  # every file has records: broken.jsonl puts errors and warnings in errors.jsonl
    assert dask == local


@pytest.mark.slow
def test_dask_summary_equals_local(runs):
    assert runs["dask"][1] == runs["local"][1]
    assert "read 56, written 53, skipped 1, failed 2" in runs["dask"][1]


@pytest.mark.slow
def test_dask_parquet_dataset_holds_the_jsonl_records(runs):
    import pandas as pd
    import pyarrow.parquet as pq

    from extractor.writers.tables import event_from_row

    outdir = runs["dask"][0]
    events = [json.loads(line) for line in (outdir / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    articles = (outdir / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert sorted(p.name for p in (outdir / "events.parquet").iterdir()) == [f"part-{i:05d}.parquet" for i in range(3)]
    rows = pq.read_table(outdir / "events.parquet").to_pylist()
    assert [event_from_row(r) for r in rows] == events
    assert pq.read_table(outdir / "articles.parquet").column("article_id").to_pylist() == [
        json.loads(a)["article_id"] for a in articles]
    # A local run writes single files at the same paths; pandas reads either the same way.
    local = runs["local"][0]
    assert (local / "events.parquet").is_file()
    for name in ("articles", "events"):
        pd.testing.assert_frame_equal(pd.read_parquet(outdir / f"{name}.parquet"), pd.read_parquet(local / f"{name}.parquet"))


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["local", "dask"])
def test_interrupted_dask_run_resumes(runs, tmp_path, engine):
    """Dask writes the same journal as a local run, one commit a partition, so `--resume` with
    either engine finishes what a dask run left, to the same bytes; its single-file Parquet tables
    (built from the JSONL, as a local run's) replace the dask dataset directories."""
    import shutil

    import pandas as pd

    outdir = tmp_path / "interrupted"
    shutil.copytree(runs["dask"][0], outdir)
    journal = outdir / ".tariffwire" / "journal.jsonl"
    lines = journal.read_text(encoding="utf-8").splitlines(keepends=True)
    journal.write_text("".join(lines[:2]), encoding="utf-8")  # the start and the first partition's commit
    assert json.loads(lines[1])["items_done"] == 24
    extra = ["--engine", "dask", "-n", "2"] if engine == "dask" else []
    result = CliRunner().invoke(app, ["extract", *runs["inputs"], "-o", str(outdir), *SETTINGS, *extra, "--resume"])
    assert result.exit_code == EXIT_SOME_FAILED, (result.output, result.exception)
    assert "resumed after 24" in result.output
    assert _summary(result.output).startswith(runs["local"][1].split(" (")[0])
    for name in ("articles.jsonl", "events.jsonl", "errors.jsonl"):
        assert (outdir / name).read_bytes() == (runs["local"][0] / name).read_bytes()
    assert (outdir / "events.parquet").is_file()
    pd.testing.assert_frame_equal(pd.read_parquet(outdir / "events.parquet"),
                                  pd.read_parquet(runs["local"][0] / "events.parquet"))


@pytest.mark.parametrize("wanted,batch,expected", [(500, 64, 512), (512, 64, 512), (1, 64, 64), (20, 8, 24), (7, 1, 7)])
def test_partition_size_is_whole_batches(wanted, batch, expected):
    config = load_config(None, {"run.partition_size": wanted, "run.batch_size": batch})
    assert partition_size(check_settings(config).run) == expected


def test_dask_resume_over_other_inputs_is_refused_before_a_cluster_starts(tmp_path, monkeypatch):
    from extractor.engines import dask as distributed

    monkeypatch.setattr(distributed, "_connect", lambda *a: pytest.fail("a cluster was started"))
    config = load_config(None, {"run.engine": "dask"})
    journal = tmp_path / ".tariffwire" / "journal.jsonl"
    journal.parent.mkdir()
    journal.write_text(json.dumps({"items_done": 3, "sizes": {}, "complete": False, "inputs_key": "other", "counts": {}}) + "\n")
    with pytest.raises(TariffwireError, match="holds a run over other inputs or settings"):
        run_dask([str(ROOT / "corpora" / "samples")], tmp_path, config, progress=None, resume=True)
