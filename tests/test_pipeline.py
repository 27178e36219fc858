"""End-to-end checks of `tariffwire extract` on the bundled samples (issue 2's acceptance checks)."""
from __future__ import annotations

import json
import sqlite3

import pandas as pd
import pytest

from extractor.api import Extractor
from extractor.ingest import make_ingestor
from extractor.writers.sql import read_events
from extractor.writers.tables import read_event_table
from tests.pipeline_support import CORPORA, SAMPLES_PUBLISHED, SHARED, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("samples")
    code = run_cli(["extract", str(CORPORA / "samples"), "-o", str(out), "--published", SAMPLES_PUBLISHED, "-q",
                    "--db", f"sqlite:///{out / 'tw.db'}"])
    assert code == 0
    return out


def _jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _texts():
    ingestor = make_ingestor(published_default=SAMPLES_PUBLISHED)
    return {a.id: a.text for a in ingestor.iter_records([str(CORPORA / "samples")])}


def test_pipeline_every_offset_slices_the_input(sample_run):
    texts = _texts()
    articles = _jsonl(sample_run / "articles.jsonl")
    assert {a["article_id"] for a in articles} == set(texts)
    checked = 0
    for a in articles:
        text = texts[a["article_id"]]
        for o in a["officials"]:
            for s, e in o["mentions"]:
                assert text[s:e] in o["name"] or o["name"].split()[-1] == text[s:e] or text[s:e] in o["name"].split(), (o, text[s:e])
                checked += 1
        for c in a["countries"]:
            for s, e in c["mentions"]:
                assert text[s:e].strip() and s < e
                checked += 1
        for r in a["rates"]:
            assert text[r["start"]:r["end"]] == r["text"]
            checked += 1
        for d in a["dates"]:
            assert text[d["start"]:d["end"]] == d["text"]
            checked += 1
    for ev in _jsonl(sample_run / "events.jsonl"):
        text = texts[ev["article_id"]]
        assert text[ev["evidence"]["start"]:ev["evidence"]["end"]] == ev["evidence"]["text"]
        if ev["date"]:
            assert text[ev["date"]["start"]:ev["date"]["end"]] == ev["date"]["text"]
        checked += 1
    assert checked > 200


def test_pipeline_two_runs_are_byte_identical(sample_run, tmp_path):
    assert run_cli(["extract", str(CORPORA / "samples"), "-o", str(tmp_path), "--published", SAMPLES_PUBLISHED, "-q"]) == 0
    for name in ("articles.jsonl", "events.jsonl"):
        assert (tmp_path / name).read_bytes() == (sample_run / name).read_bytes()


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_pipeline_table_formats_hold_the_same_events(sample_run, tmp_path, fmt):
    assert run_cli(["extract", str(CORPORA / "samples"), "-o", str(tmp_path), "--published", SAMPLES_PUBLISHED,
                    "--format", fmt, "-q"]) == 0
    expected = _jsonl(sample_run / "events.jsonl")
    assert read_event_table(tmp_path / f"events.{fmt}") == expected
    articles = pd.read_parquet(tmp_path / "articles.parquet") if fmt == "parquet" else pd.read_csv(tmp_path / "articles.csv")
    assert list(articles["article_id"]) == [a["article_id"] for a in _jsonl(sample_run / "articles.jsonl")]


def test_pipeline_sqlite_holds_the_same_events(sample_run):
    expected = sorted(_jsonl(sample_run / "events.jsonl"), key=lambda e: (e["article_id"], e["event_id"]))
    assert read_events(f"sqlite:///{sample_run / 'tw.db'}") == expected
    with sqlite3.connect(sample_run / "tw.db") as db:
        tables = {r[0] for r in db.execute("select name from sqlite_master where type='table'")}
    assert {"articles", "officials", "countries", "dates", "events", "event_officials"} <= tables


def test_pipeline_python_api_accepts_dicts_dataframes_and_datasets(sample_run):
    import datasets

    rows = _jsonl(CORPORA / "samples" / "wire-batch.jsonl")
    ex = Extractor.from_config()
    arts, events = ex.extract_records(rows)
    frames = ex.extract_dataframes(pd.DataFrame(rows))
    ds_arts, ds_events = ex.extract_records(datasets.Dataset.from_list(rows))
    expected = [e for e in _jsonl(sample_run / "events.jsonl") if e["article_id"] in {r["id"] for r in rows}]
    assert [e.model_dump(mode="json") for e in events] == expected
    assert [e.model_dump(mode="json") for e in ds_events] == expected
    assert list(frames["events"]["event_id"]) == [e["event_id"] for e in expected]
    assert [a.article_id for a in arts] == [r["id"] for r in rows] == [a.article_id for a in ds_arts]


def test_pipeline_schema_command_prints_both_record_types(capsys):
    from typer.testing import CliRunner

    from extractor.cli import app

    result = CliRunner().invoke(app, ["schema"])
    schemas = json.loads(result.stdout)
    assert set(schemas) == {"articles.jsonl", "events.jsonl", "measures.jsonl", "measure_events.jsonl"}
    assert "evidence" in schemas["events.jsonl"]["properties"]


SEED = SHARED / "seed" / "japan-us-tariff-talks.jsonl"


@pytest.mark.skipif(not SEED.exists(), reason="../shared/seed is not beside this checkout (a user's clone); CI has it")
def test_pipeline_seed_article_scores(tmp_path):
    from extractor.evaluate import evaluate_paths

    assert run_cli(["extract", str(SEED), "-o", str(tmp_path), "-q"]) == 0
    report = evaluate_paths([SEED.with_name("japan-us-tariff-talks.gold.jsonl")], tmp_path)
    for field in ("officials", "countries", "tariffs", "events"):
        assert report.scores[field].f1 == 1.0, field
    assert report.scores["dates"].f1 >= 0.85
    article = _jsonl(tmp_path / "articles.jsonl")[0]
    names = {o["name"] for o in article["officials"]}
    assert not names & set(article["byline"]) and "Kurt Tong" not in names
