"""`tariffwire extract`: exit codes, fatal errors as one line, per-article isolation of every stage.

Exit codes: 0 all written (duplicates skipped), 1 some failed (OUTDIR/errors.jsonl), 2 fatal.
"""
from __future__ import annotations

import json

import pytest


@pytest.fixture
def small(tmp_path, dev_articles):
    """Three real wire stories in one JSONL file."""
    path = tmp_path / "in" / "small.jsonl"
    path.parent.mkdir()
    path.write_text("".join(json.dumps(a) + "\n" for a in dev_articles[:3]), encoding="utf-8")
    return path


def _write(path, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _assert_one_line_fatal(result, fragment: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("tariffwire: error: "), lines[0]
    assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.output


# -- exit code 0 and 1 ---------------------------------------------------------------------------


def test_cli_extract_all_good_exits_0_with_summary(cli, small, tmp_path, jsonl):
    result = cli("extract", small, "-o", tmp_path / "out", "-q")
    assert result.exit_code == 0, result.output
    assert result.stderr.strip().splitlines()[-1].startswith("read 3, written 3, skipped 0, failed 0")
    assert len(jsonl(tmp_path / "out" / "articles.jsonl")) == 3
    assert (tmp_path / "out" / "errors.jsonl").read_text() == ""


def test_cli_extract_some_failed_exits_1(cli, tmp_path, dev_articles, jsonl):
    _write(tmp_path / "in.jsonl", [dev_articles[0], {"id": "no-text"}, dev_articles[1]])
    result = cli("extract", tmp_path / "in.jsonl", "-o", tmp_path / "out", "-q")
    assert result.exit_code == 1
    summary = result.stderr.strip().splitlines()[-1]
    assert summary.startswith("read 3, written 2, skipped 0, failed 1")
    assert str(tmp_path / "out" / "errors.jsonl") in summary
    [error] = jsonl(tmp_path / "out" / "errors.jsonl")
    assert error == {
        "level": "error", "article_id": "no-text", "origin": f"{tmp_path / 'in.jsonl'}:2", "stage": "ingest",
        "error_type": "ArticleError", "code": "E005", "traceback": None,
        "message": f"Record {tmp_path / 'in.jsonl'}:2 has no text (field 'text' missing, empty or not a string)",
    }


def test_cli_extract_duplicate_is_skipped_with_warning_exit_0(cli, tmp_path, dev_articles, jsonl):
    _write(tmp_path / "in.jsonl", [dev_articles[0], dev_articles[0]])
    result = cli("extract", tmp_path / "in.jsonl", "-o", tmp_path / "out", "-q")
    assert result.exit_code == 0, result.output
    assert result.stderr.strip().splitlines()[-1].startswith("read 2, written 1, skipped 1, failed 0")
    [line] = jsonl(tmp_path / "out" / "errors.jsonl")
    assert (line["level"], line["code"], line["article_id"]) == ("warning", "W002", dev_articles[0]["id"])


def test_cli_extract_overrides_after_inputs_are_applied(cli, small, tmp_path):
    # Regression: click handed "--section.key=value" after the inputs over as one more input.
    result = cli("extract", small, "-o", tmp_path / "out", "-q", "--run.batch_size=1", "--run.prefilter", "false")
    assert result.exit_code == 0, result.output
    journal = (tmp_path / "out" / ".tariffwire" / "journal.jsonl").read_text().splitlines()
    assert [json.loads(j)["items_done"] for j in journal] == [0, 1, 2, 3, 3]  # one commit per article


def test_cli_extract_help_documents_exit_codes(cli):
    result = cli("extract", "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for fragment in ("0 all records written", "1 some failed", "2 fatal", "errors.jsonl"):
        assert fragment in text


# -- exit code 2: fatal, one line ------------------------------------------------------------------


def _bad_config(tmp_path):
    path = tmp_path / "bad.cfg"
    path.write_text("[run\nbatch_size = 4\n")
    return path


UNREACHABLE_PG = "postgresql://postgres@127.0.0.1:1/test?connect_timeout=3"

# case -> (arguments after "extract", given tmp_path t, a good input i and an output dir o; message fragment)
FATAL = {
    "missing input": (lambda t, i, o: [t / "nope.jsonl", "-o", o], "Input path not found"),
    "glob matches nothing": (lambda t, i, o: [t / "*.nothing", "-o", o], "Input path not found"),
    "output under a file": (lambda t, i, o: [i, "-o", t / "afile" / "out"], "is not writable: Not a directory"),
    "output is a file": (lambda t, i, o: [i, "-o", t / "afile"], "is not writable"),
    "output not creatable": (lambda t, i, o: [i, "-o", "/proc/tariffwire-test/out"], "is not writable"),
    "config syntax error": (lambda t, i, o: [i, "-o", o, "-c", _bad_config(t)], "File contains no section headers"),
    "config file missing": (lambda t, i, o: [i, "-o", o, "-c", t / "missing.cfg"], "config file not found"),
    "unknown override key": (lambda t, i, o: [i, "-o", o, "--run.batch_sise=4"], "unknown config key 'run.batch_sise'"),
    "unknown override section": (lambda t, i, o: [i, "-o", o, "--nosuch.key=1"], "unknown config section 'nosuch'"),
    "override without a section": (lambda t, i, o: [i, "-o", o, "--fromat=csv"], "overrides look like --section.key=value"),
    "override of the wrong type": (lambda t, i, o: [i, "-o", o, "--components.tariffwire_tariffs.cue_window=many"], "tariffwire_tariffs"),
    "unknown format": (lambda t, i, o: [i, "-o", o, "--format", "xml"], "Unknown output format 'xml'"),
    "bad published default": (lambda t, i, o: [i, "-o", o, "--published", "yesterday"], "ingest.published_default='yesterday'"),
    "bad db url": (lambda t, i, o: [i, "-o", o, "--db", "mysql://localhost/x"], "Unsupported database URL"),
    "unreachable postgres": (lambda t, i, o: [i, "-o", o, "--db", UNREACHABLE_PG], "Cannot connect to PostgreSQL"),
    "unopenable sqlite": (lambda t, i, o: [i, "-o", o, "--db", f"sqlite:///{t / 'afile' / 'x.db'}"], "Cannot open SQLite database"),
    "zero processes": (lambda t, i, o: [i, "-o", o, "-n", "0"], "run.n_process=0"),
    "zero batch size": (lambda t, i, o: [i, "-o", o, "--run.batch_size=0"], "run.batch_size=0"),
    "unknown engine": (lambda t, i, o: [i, "-o", o, "--engine", "spark"], "run.engine='spark'"),
    "model not installed": (lambda t, i, o: [i, "-o", o, "--nlp.model=no_such_model_xyz"], "no_such_model_xyz"),
    "unknown component": (lambda t, i, o: [i, "-o", o, "--nlp.ner.@ner_backends=no.such.v1"], "no.such.v1"),
    "unknown factory": (lambda t, i, o: [i, "-o", o, "--components.tariffwire_talks.factory=no_such_factory"], "no_such_factory"),
    "no input at all": (lambda t, i, o: ["--run.batch_size=4", "-o", o], "Missing input"),
    "output inside the input folder": (lambda t, i, o: [i.parent, "-o", i.parent / "out"], "overlap"),
}


@pytest.mark.parametrize("case", list(FATAL))
def test_cli_extract_fatal_is_one_line_exit_2(cli, small, tmp_path, case):
    (tmp_path / "afile").write_text("not a folder")
    make_args, fragment = FATAL[case]
    result = cli("extract", *make_args(tmp_path, small, tmp_path / "out"), "-q")
    _assert_one_line_fatal(result, fragment)
    assert not (tmp_path / "out" / "articles.jsonl").exists()


def test_cli_extract_fatal_traceback_only_with_debug(cli, small, tmp_path):
    result = cli("extract", small, "-o", tmp_path / "out", "--format", "xml", "--debug")
    assert result.exit_code == 2
    assert "Traceback" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("tariffwire: error: Unknown output format")


def test_cli_extract_fatal_error_leaves_previous_outputs_alone(cli, small, tmp_path):
    out = tmp_path / "out"
    assert cli("extract", small, "-o", out, "-q").exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    result = cli("extract", small, "-o", out, "-q", "--db", UNREACHABLE_PG)
    assert result.exit_code == 2
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_cli_extract_refuses_a_second_run_on_the_same_outdir(cli, small, tmp_path):
    from extractor.writers.jsonl import OutdirLock, prepare_outdir

    out = tmp_path / "out"
    prepare_outdir(out)
    lock = OutdirLock(out).acquire()
    try:
        _assert_one_line_fatal(cli("extract", small, "-o", out, "-q"), "another tariffwire run is writing to it")
    finally:
        lock.release()
    assert cli("extract", small, "-o", out, "-q").exit_code == 0


def test_cli_extract_unexpected_exception_is_exit_2_not_1(cli, small, tmp_path, monkeypatch):
    import extractor.engines

    def boom(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(extractor.engines, "run_extract", boom)
    _assert_one_line_fatal(cli("extract", small, "-o", tmp_path / "out"), "internal error: RuntimeError: a bug")


def test_cli_extract_interrupt_exits_130(cli, small, tmp_path, monkeypatch):
    import extractor.engines

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(extractor.engines, "run_extract", interrupted)
    result = cli("extract", small, "-o", tmp_path / "out")
    assert result.exit_code == 130
    assert "--resume" in result.stderr


# -- per-article isolation of each stage ------------------------------------------------------------


def _isolation_corpus(tmp_path, dev_articles, marker: str):
    good = dev_articles[:4]
    poisoned = dict(dev_articles[4], id="poisoned", text=dev_articles[4]["text"] + f"\n{marker} tariffs.")
    _write(tmp_path / "mixed.jsonl", good[:2] + [poisoned] + good[2:])
    _write(tmp_path / "good.jsonl", good)
    return tmp_path / "mixed.jsonl", tmp_path / "good.jsonl"


STAGE_CRASHES = {  # stage -> (marker, override that selects the fake, error type, message)
    "nlp": ("crash_ner", "use_crashing_ner", "RuntimeError", "fake NER crash"),
    "events": ("crash_events", "use_crashing_events", "ZeroDivisionError", "fake event-stage crash"),
}


@pytest.mark.parametrize("stage", list(STAGE_CRASHES))
def test_cli_extract_stage_crash_fails_only_that_article(cli, fakes, tmp_path, dev_articles, jsonl, stage):
    marker, override, error_type, message = STAGE_CRASHES[stage]
    mixed, good = _isolation_corpus(tmp_path, dev_articles, getattr(fakes, marker))
    args = ["-q", "--run.batch_size=8", getattr(fakes, override)]
    result = cli("extract", mixed, "-o", tmp_path / "out", *args)
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().splitlines()[-1].startswith("read 5, written 4, skipped 0, failed 1")
    [error] = jsonl(tmp_path / "out" / "errors.jsonl")
    assert (error["level"], error["article_id"], error["stage"]) == ("error", "poisoned", stage)
    assert (error["error_type"], error["message"]) == (error_type, message)
    assert error["origin"] == f"{mixed}:3"
    assert message in error["traceback"]
    # The other articles of the batch are exactly what a run without the poisoned one gives.
    assert cli("extract", good, "-o", tmp_path / "alone", *args).exit_code == 0
    for name in ("articles.jsonl", "events.jsonl"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "alone" / name).read_bytes()


@pytest.mark.slow
def test_cli_extract_worker_death_fails_only_that_article(cli, fakes, tmp_path, dev_articles, jsonl):
    mixed, good = _isolation_corpus(tmp_path, dev_articles, fakes.kill_worker)
    args = ["-q", "-n", "2", "--run.batch_size=2", fakes.use_crashing_ner]
    result = cli("extract", mixed, "-o", tmp_path / "out", *args)
    assert result.exit_code == 1, result.output
    [error] = jsonl(tmp_path / "out" / "errors.jsonl")
    assert (error["article_id"], error["stage"], error["error_type"]) == ("poisoned", "worker", "BrokenProcessPool")
    assert cli("extract", good, "-o", tmp_path / "alone", *args).exit_code == 0
    for name in ("articles.jsonl", "events.jsonl"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "alone" / name).read_bytes()


def test_cli_extract_db_refusing_one_article_fails_only_that_article(cli, tmp_path, dev_articles, jsonl, monkeypatch):
    from extractor.writers import sql

    real_write = sql.SqlSink.write

    def picky_write(self, articles, events):
        if any(a.article_id == "poisoned" for a in articles):
            raise sql.TariffwireError("Database write to test failed; the batch was rolled back: refused")
        return real_write(self, articles, events)

    monkeypatch.setattr(sql.SqlSink, "write", picky_write)
    mixed, good = _isolation_corpus(tmp_path, dev_articles, "harmless")
    url = f"sqlite:///{tmp_path / 'out.db'}"
    result = cli("extract", mixed, "-o", tmp_path / "out", "-q", "--db", url)
    assert result.exit_code == 1, result.output
    [error] = jsonl(tmp_path / "out" / "errors.jsonl")
    assert (error["article_id"], error["stage"]) == ("poisoned", "db")
    # The JSONL and the database hold the same records: the four good articles.
    stored = sql.read_articles(url)
    assert sorted(a["article_id"] for a in stored) == sorted(a["id"] for a in dev_articles[:4])
    assert sorted(stored, key=lambda a: a["article_id"]) == sorted(jsonl(tmp_path / "out" / "articles.jsonl"), key=lambda a: a["article_id"])


def test_cli_extract_db_failing_for_everyone_is_fatal(cli, small, tmp_path, monkeypatch):
    from extractor.writers import sql

    def read_only(self, articles, events):
        raise sql.TariffwireError("Database write to test failed; the batch was rolled back: read-only")

    monkeypatch.setattr(sql.SqlSink, "write", read_only)
    result = cli("extract", small, "-o", tmp_path / "out", "-q", "--db", f"sqlite:///{tmp_path / 'out.db'}")
    _assert_one_line_fatal(result, "read-only")
