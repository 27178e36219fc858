"""`tariffwire consolidate`, `asof`, `timeline`, and measures.jsonl at the end of `extract`."""
import json

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from tests.pipeline_support import REPO

from .support import STORY, write_run

runner = CliRunner()


def _invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_cli_consolidate_several_runs_needs_output(tmp_path):
    a = write_run(tmp_path / "a", STORY[:5])
    b = write_run(tmp_path / "b", STORY[5:])
    refused = _invoke("consolidate", a, b)
    assert refused.exit_code == 2 and "-o DIR" in refused.output
    done = _invoke("consolidate", a, b, "-o", tmp_path / "all")
    assert done.exit_code == 0, done.output
    whole = write_run(tmp_path / "whole", STORY)
    assert _invoke("consolidate", whole).exit_code == 0
    assert (tmp_path / "all" / "measures.jsonl").read_bytes() == (whole / "measures.jsonl").read_bytes()


def test_cli_consolidate_missing_folder_is_one_line(tmp_path):
    result = _invoke("consolidate", tmp_path / "nowhere")
    assert result.exit_code == 2 and "no such directory" in result.output and len(result.output.splitlines()) == 1
    assert not (tmp_path / "nowhere").exists()


def test_cli_asof_json(tmp_path):
    run = write_run(tmp_path / "run", STORY)
    assert _invoke("consolidate", run).exit_code == 0
    result = _invoke("asof", run, "--date", "2025-04-15", "--imposer", "USA", "--target", "CHN", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert sorted(r["rate"] for r in rows) == [20.0, 125.0]
    assert set(rows[0]) == {"measure_id", "imposer", "targets", "products", "rate", "status", "since"}


@pytest.mark.parametrize("day", ["2025-13-01", "April 2", "2025-4-2"])
def test_cli_asof_bad_date(tmp_path, day):
    run = write_run(tmp_path / "run", STORY)
    _invoke("consolidate", run)
    result = _invoke("asof", run, "--date", day)
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_cli_asof_without_measures(tmp_path):
    run = write_run(tmp_path / "run", STORY)
    result = _invoke("asof", run, "--date", "2025-04-15")
    assert result.exit_code == 2 and "consolidate" in result.output


def test_cli_timeline_table(tmp_path):
    run = write_run(tmp_path / "run", STORY)
    _invoke("consolidate", run)
    result = _invoke("timeline", run, "--imposer", "USA", "--target", "CHN")
    assert result.exit_code == 0
    assert "(reciprocal)" in result.output and "125.00%" in result.output and "2025-04-10" in result.output
    talks = _invoke("timeline", run, "--talks", "--imposer", "EU")
    assert "talks" in talks.output and "held" in talks.output


def test_cli_extract_writes_measures_and_resume_keeps_them(tmp_path):
    out = tmp_path / "out"
    corpus = REPO / "corpora" / "dev" / "test"
    first = _invoke("extract", corpus, "-o", out, "-q", "--format", "csv")
    assert first.exit_code == 0, first.output
    measures = (out / "measures.jsonl").read_bytes()
    assert measures and (out / "measure_points.csv").exists()
    again = _invoke("extract", corpus, "-o", out, "-q", "--resume")
    assert again.exit_code == 0 and (out / "measures.jsonl").read_bytes() == measures
    (out / "measures.jsonl").unlink()  # a run made before consolidation existed gets it on --resume
    _invoke("extract", corpus, "-o", out, "-q", "--resume")
    assert (out / "measures.jsonl").read_bytes() == measures


def test_cli_schema_lists_measures():
    result = _invoke("schema")
    schemas = json.loads(result.output)
    assert {"measures.jsonl", "measure_events.jsonl"} <= set(schemas)
    assert "timeline" in schemas["measures.jsonl"]["properties"]


def test_cli_consolidate_skips_a_malformed_line(tmp_path):
    run = write_run(tmp_path / "run", STORY)
    with (run / "events.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"event_id": "half a line\n')
    result = _invoke("consolidate", run)
    assert result.exit_code == 0, result.output
    links = (run / "measure_events.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(links) == len(STORY)
