"""Sinks chosen through the registry: [output.sinks.*] blocks, validated against their functions;
the CLI's --format and --db are overrides that stand for such blocks; a sink registered by a
user runs on either engine's job without any change to the engines."""
from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from extractor.config import load_config, output_overrides
from extractor.engines import run_extract
from extractor.errors import TariffwireError
from extractor.job import check_settings
from extractor.registry import registry
from extractor.writers.sink import Sink
from extractor.writers.sql import DatabaseSink
from extractor.writers.tables import TablesSink
from tests._fake_ner import FAKE_NER

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
TEXTS = [
    "The United States raised tariffs on Chinese steel to 25% on Monday.",
    "Canada imposed a 10% tariff on U.S. cars on Tuesday.",
    "The storm moved north over three days, officials said on Monday.",
]


def _inputs(tmp_path: Path) -> list[str]:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"id": f"a{i}", "text": t, "published": "2025-04-10"}) + "\n"
                            for i, t in enumerate(TEXTS)))
    return [str(path)]


def _config(overrides=None, path=None, *, fake_ner=True):
    # The fake NER is registered in this process only: dask's spawned workers use the real model.
    fake = {"nlp.ner.@ner_backends": FAKE_NER} if fake_ner else {}
    return load_config(path, {**fake, "run.batch_size": 2, **(overrides or {})})


class Recorder(Sink):
    """A user's streaming sink: keeps what it is given, and notes the calls in order."""

    streams = True
    made: list["Recorder"] = []

    def __init__(self, label: str):
        self.label = label
        self.calls: list[str] = []
        self.articles: list[str] = []
        Recorder.made.append(self)

    def open(self):
        self.calls.append("open")

    def write(self, articles, events):
        self.calls.append("write")
        self.articles += [a.article_id for a in articles]

    def finish(self, outdir, *, only_missing=False):
        self.calls.append("finish")
        (outdir / f"{self.label}.txt").write_text("\n".join(self.articles))
        return [str(outdir / f"{self.label}.txt")]

    def close(self):
        self.calls.append("close")


@registry.sinks("tariffwire.test.Recorder.v1")
def make_recorder(label: str) -> Recorder:
    return Recorder(label)


def test_sinks_default_config_has_none():
    assert check_settings(load_config()).sinks == {}


def test_sinks_config_file_resolves_to_its_sinks():
    sinks = check_settings(load_config(CONFIGS / "tables-and-db.cfg")).sinks
    assert list(sinks) == ["tables", "db"]
    assert isinstance(sinks["tables"], TablesSink) and sinks["tables"].format == "parquet"
    assert isinstance(sinks["db"], DatabaseSink) and sinks["db"].url == "sqlite:///tariffwire.db"


def test_sinks_cli_flags_are_overrides_of_the_blocks(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    sinks = check_settings(load_config(None, output_overrides("csv", url))).sinks
    assert sinks["tables"].format == "csv" and sinks["db"].url == url
    # --format jsonl takes a config file's tables sink out; its database stays.
    left = check_settings(load_config(CONFIGS / "tables-and-db.cfg", output_overrides("jsonl"))).sinks
    assert list(left) == ["db"]
    # A key of a sink block is an override like any other.
    changed = load_config(CONFIGS / "tables-and-db.cfg", {"output.sinks.tables.format": "csv"})
    assert check_settings(changed).sinks["tables"].format == "csv"


@pytest.mark.parametrize("overrides,fragment", [
    ({"output.sinks.tables": {"@sinks": "tariffwire.Tables.v1", "format": "xml"}}, "format"),
    ({"output.sinks.tables": {"@sinks": "tariffwire.Tables.v1"}}, "format"),
    ({"output.sinks.x": {"@sinks": "no.such.sink.v1"}}, "no.such.sink.v1"),
    ({"output.sinks.db": {"@sinks": "tariffwire.Sql.v1", "url": "mysql://h/x"}}, "Unsupported database URL"),
    ({"output.sinks.db": {"@sinks": "tariffwire.Sql.v1", "url": "sqlite:///x.db", "batch_size": 0}}, "batch_size"),
])
def test_sinks_bad_settings_are_config_errors(overrides, fragment):
    with pytest.raises(TariffwireError, match=fragment.replace(".", r"\.")):
        check_settings(load_config(None, overrides))


def test_sinks_unknown_format_flag_is_e022():
    with pytest.raises(TariffwireError, match="Unknown output format 'xml'"):
        output_overrides("xml")


def test_sinks_a_function_that_makes_no_sink_is_refused():
    registry.sinks.register("tariffwire.test.NotASink.v1", func=lambda: object())
    with pytest.raises(TariffwireError, match="not a Sink"):
        check_settings(load_config(None, {"output.sinks.x": {"@sinks": "tariffwire.test.NotASink.v1"}}))


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_sinks_a_registered_sink_runs_on_either_engine(tmp_path, engine):
    if engine == "dask":
        pytest.importorskip("distributed")
    Recorder.made.clear()
    config = _config({"output.sinks.rec": {"@sinks": "tariffwire.test.Recorder.v1", "label": "seen"},
                      "run.engine": engine, "run.n_process": 1, "run.partition_size": 2}, fake_ner=engine == "local")
    summary = run_extract(_inputs(tmp_path), tmp_path / "out", config, progress=None)
    assert summary.written == 3
    [sink] = [s for s in Recorder.made if s.calls]  # the one the job drove
    assert sink.calls == ["open", "write", "write", "finish", "close"]
    articles = [json.loads(line)["article_id"] for line in (tmp_path / "out" / "articles.jsonl").read_text().splitlines()]
    assert sink.articles == articles
    assert str(tmp_path / "out" / "seen.txt") in summary.outputs


def test_sinks_resume_refuses_an_added_streaming_sink_but_takes_a_new_table_format(tmp_path):
    inputs, out = _inputs(tmp_path), tmp_path / "out"
    run_extract(inputs, out, _config(), progress=None)
    # Tables are built from the finished JSONL: a finished run resumed with --format gets them.
    resumed = run_extract(inputs, out, _config(output_overrides("csv")), progress=None, resume=True)
    assert resumed.already_complete
    assert set(map(Path, resumed.tables_written)) == {out / f"{n}.csv" for n in (
        "articles", "events", "measures", "measure_points", "measure_events")}
    # A database added on --resume would miss the records written before: refused.
    with pytest.raises(TariffwireError, match="holds a run over other inputs or settings"):
        run_extract(inputs, out, _config(output_overrides(db=f"sqlite:///{tmp_path / 'x.db'}")), progress=None,
                    resume=True)


def test_sinks_a_refused_article_fails_alone_in_a_streaming_sink(tmp_path):
    class Picky(Recorder):
        def write(self, articles, events):
            if any(a.article_id == "a1" for a in articles):
                raise TariffwireError("refused: a1")
            super().write(articles, events)

    registry.sinks.register("tariffwire.test.Picky.v1", func=lambda label: Picky(label))
    config = _config({"output.sinks.p": {"@sinks": "tariffwire.test.Picky.v1", "label": "picky"}})
    summary = run_extract(_inputs(tmp_path), tmp_path / "out", config, progress=None)
    assert (summary.written, summary.failed) == (2, 1)
    [error] = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()]
    assert (error["article_id"], error["stage"]) == ("a1", "db")
    assert (tmp_path / "out" / "picky.txt").read_text().split() == ["a0", "a2"]


def test_sinks_a_sink_another_package_declares_as_an_entry_point_resolves(monkeypatch):
    """A package adds a sink by declaring it in the `tariffwire_sinks` entry point group, with no
    import and no change to tariffwire: the registry finds it when a config names it."""
    from importlib.metadata import EntryPoint

    name = "otherpkg.Recorder.v1"
    assert name not in registry.sinks.get_all()
    declared = [EntryPoint(name=name, value="tests.writers.test_sinks:make_recorder", group="tariffwire_sinks")]
    monkeypatch.setattr(registry.sinks, "_get_entry_points", lambda: declared)
    sinks = check_settings(load_config(None, {"output.sinks.rec": {"@sinks": name, "label": "x"}})).sinks
    # (loaded by its module path: pytest may have imported this file under another module name)
    assert type(sinks["rec"]).__name__ == "Recorder" and sinks["rec"].label == "x"


def test_sinks_the_built_in_sinks_are_declared_as_entry_points_too():
    """pyproject declares every built-in sink where a third party declares theirs."""
    import tomllib

    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    declared = pyproject["project"]["entry-points"]["tariffwire_sinks"]
    assert {k for k in registry.sinks.get_all() if k.startswith("tariffwire.") and ".test." not in k} <= set(declared)
    for name, target in declared.items():
        module, func = target.split(":")
        assert registry.sinks.get(name) is getattr(importlib.import_module(module), func)
