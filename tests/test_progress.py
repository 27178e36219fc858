"""The run's face: progress on stderr, the end summary, did-you-mean, --version, -h; and the
new-user bugs of issue 14 item 6 (resume line, --db before the lock, dask workers, W061,
published_source)."""
from __future__ import annotations

import io
import json

import pytest

from extractor.progress import Progress, likely_fix, progress_line, summary_lines
from extractor.job import RunSummary

TARIFF = "Canada said on Monday it would put 25% tariffs on U.S. steel, Prime Minister Mark Carney said.\n"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_face_log_lines_give_counts_and_no_rate():
    stream = io.StringIO()
    meter = Progress(stream, every=0)
    meter.update(RunSummary(read=5, written=4, failed=1, events=7))
    meter.close()
    [line] = stream.getvalue().splitlines()
    assert line.startswith("[tariffwire] 5 read, 4 written, 1 failed, 7 events after ")
    assert "/s" not in line  # one speed figure: the summary's
    assert progress_line(1, 1, 0, 0, 2.4) == "[tariffwire] 1 read, 1 written, 0 failed, 0 events after 2s"


def test_face_terminal_gets_a_bar_that_goes_away():
    stream = Terminal()
    meter = Progress(stream, every=0)
    meter.update(RunSummary(read=12, written=12, events=3))
    meter.close()
    shown = stream.getvalue()
    assert "12 articles" in shown and "events 3" in shown and "articles/s" in shown
    assert "\r" in shown and not shown.endswith("\n")  # drawn in place; leave=False clears it


def test_face_undated_warning_is_printed_once():
    stream = io.StringIO()
    meter = Progress(stream, every=3600)
    summary = RunSummary(read=1, written=1, undated=1, undated_origin="in/a.txt")
    meter.update(summary, force=True)
    summary.undated = 5
    meter.update(summary, force=True)
    assert stream.getvalue().count("W061") == 0  # the message, not the code, is printed
    assert stream.getvalue().count("no publication date") == 1
    assert not any("no publication date" in line for line in summary_lines(summary))


def test_face_likely_fix_names_columns_and_flag():
    entry = {"code": "E007", "message": "CSV/Parquet input in.csv has no text column 'text' (columns: id, body)"}
    fix = likely_fix(entry)
    assert "columns found: id, body" in fix and "--ingest.fields.text=" in fix
    assert "--ingest.fields.text" in likely_fix({"code": "E005", "message": "Record x has no text"})
    assert likely_fix({"code": None, "message": "boom"}) is None


def test_face_summary_lists_types_outputs_first_error_and_ends_with_counts(cli, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(TARIFF)
    (tmp_path / "in" / "b.csv").write_text("id,body\n1,hello\n")
    out = tmp_path / "out"
    result = cli("extract", tmp_path / "in", "-o", out, "--published", "2025-04-14", "-q")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("read 2, written 1, skipped 0, failed 1 (1 events")
    assert "events: 1 tariff" in lines
    # Every extract run consolidates: the measure tables are outputs too.
    outputs = ", ".join(str(out / name) for name in ("articles.jsonl", "events.jsonl", "measures.jsonl", "measure_events.jsonl"))
    assert f"outputs: {outputs}" in lines
    assert any(ln.startswith("first error: ") and "no text column 'text'" in ln for ln in lines)
    assert any(ln.startswith("likely fix: ") and "columns found: id, body" in ln for ln in lines)


def test_face_undated_articles_warn_once_per_run(cli, tmp_path):
    for name in ("a", "b", "c"):
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / f"{name}.txt").write_text(TARIFF)
    result = cli("extract", tmp_path / "in", "-o", tmp_path / "out")
    assert result.exit_code == 0
    assert result.stderr.count("no publication date") == 1
    dated = cli("extract", tmp_path / "in", "-o", tmp_path / "out2", "--published", "2025-04-14", "-q")
    assert "no publication date" not in dated.stderr


def test_face_did_you_mean_for_flags_and_config_keys(cli, tmp_path):
    (tmp_path / "a.txt").write_text(TARIFF)
    flag = cli("extract", tmp_path / "a.txt", "-o", tmp_path / "out", "--publishd", "2025-04-14")
    assert flag.exit_code == 2 and "did you mean --published?" in flag.stderr
    key = cli("extract", tmp_path / "a.txt", "-o", tmp_path / "out", "--nlp.modle=x")
    assert key.exit_code == 2 and "did you mean --nlp.model?" in key.stderr
    section = cli("extract", tmp_path / "a.txt", "-o", tmp_path / "out", "--ingset.max_chars=5")
    assert section.exit_code == 2 and "did you mean --ingest?" in section.stderr


def test_face_version_and_short_help(cli):
    from extractor import __version__

    assert cli("--version").stdout.strip() == f"tariffwire {__version__}"
    for command in (["-h"], ["extract", "-h"], ["report", "-h"], ["show", "-h"], ["evaluate", "-h"],
                    ["schema", "-h"], ["train", "-h"], ["train", "relations", "-h"]):
        result = cli(*command)
        assert result.exit_code == 0 and "Usage" in result.stdout, command


# -- item 6 bugs -----------------------------------------------------------------------------------


def test_resume_of_finished_run_says_it_wrote_tables(cli, tmp_path):
    (tmp_path / "a.txt").write_text(TARIFF)
    out = tmp_path / "out"
    assert cli("extract", tmp_path / "a.txt", "-o", out, "-q", "--published", "2025-04-14").exit_code == 0
    first = cli("extract", tmp_path / "a.txt", "-o", out, "-q", "--published", "2025-04-14", "--resume", "--format", "parquet")
    last = first.stderr.strip().splitlines()[-1]
    assert not last.startswith("nothing to do") and "tables written from its JSONL" in last
    assert str(out / "events.parquet") in last and (out / "events.parquet").is_file()
    again = cli("extract", tmp_path / "a.txt", "-o", out, "-q", "--published", "2025-04-14", "--resume", "--format", "parquet")
    assert again.stderr.strip().splitlines()[-1].startswith("nothing to do")


@pytest.mark.parametrize("url", ["mysql://u@h/db", "sqlite:///no/such/folder/x.db", "postgresql://u:p@ss@h/db"])
def test_bad_db_url_creates_no_output_or_lock(cli, tmp_path, url):
    (tmp_path / "a.txt").write_text(TARIFF)
    out = tmp_path / "out"
    result = cli("extract", tmp_path / "a.txt", "-o", out, "--db", url)
    assert result.exit_code == 2
    assert not out.exists()


def test_dask_without_n_starts_one_worker_per_core(monkeypatch):
    from extractor.engines import dask as distributed
    from extractor.config import load_config
    from extractor.job import check_settings

    config = load_config(None, {"run.engine": "dask"})
    assert check_settings(config).run.n_process is None
    started = []
    monkeypatch.setattr(distributed, "start_local_cluster", lambda n: started.append(n) or "cluster")
    monkeypatch.setattr("distributed.Client", lambda cluster: "client")
    run = check_settings(config).run
    distributed._connect(run.scheduler, run.n_process)
    assert started == [distributed.default_workers()] and started[0] >= 1
    assert check_settings(load_config(None, {"run.n_process": 3})).run.n_process == 3


def test_published_source_is_in_the_article_record(cli, tmp_path, jsonl):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "wire.txt").write_text("TOKYO, April 16, 2025 (Reuters) - " + TARIFF)
    (tmp_path / "in" / "plain.txt").write_text(TARIFF)
    out = tmp_path / "out"
    assert cli("extract", tmp_path / "in", "-o", out, "-q", "--published", "2025-04-14").exit_code == 0
    sources = {a["article_id"]: a["published_source"] for a in jsonl(out / "articles.jsonl")}
    assert sources == {"plain": "default", "wire": "dateline"}
    assert json.loads((out / "articles.jsonl").read_text().splitlines()[0])["published"]
