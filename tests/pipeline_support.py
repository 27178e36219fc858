"""Shared helpers for the pipeline tests: one extractor per test process (the model loads once)."""
from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPORA = REPO / "corpora"
SAMPLES_PUBLISHED = "2025-04-10"  # the README's --published for the sample .txt files
MEANTIME = SHARED / "data" / "meantime-en"


@functools.lru_cache(maxsize=None)
def benchmark_module(name: str):
    """benchmarks/NAME.py as a module (benchmarks/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.lru_cache(maxsize=None)
def extractor(**overrides):
    from extractor.api import Extractor

    return Extractor.from_config(overrides=overrides or None)


def run_cli(args: list[str]) -> int:
    """Run the typer app in-process; returns the exit code."""
    from typer.testing import CliRunner

    from extractor.cli import app

    result = CliRunner().invoke(app, args)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code


def hand_doc(text: str, components, *, ents=(), published=None, config=None):
    """A Doc processed by a blank English pipeline of the given tariffwire components, with the
    entities set by hand first (no model): ents are (substring, label), each its first occurrence."""
    import spacy

    import extractor.pipeline  # noqa: F401  (registers the components)
    from extractor.api import article_doc
    from extractor.nlp.context import bare_article

    nlp = spacy.blank("en")
    for name in components:
        nlp.add_pipe(name, config=(config or {}).get(name, {}))
    article = bare_article(text)
    article.published = published
    doc = article_doc(nlp, article)
    doc.ents = [doc.char_span(text.index(s), text.index(s) + len(s), label=label) for s, label in ents]
    return nlp(doc)


def _components() -> list[str]:
    from extractor.pipeline import COMPONENTS

    return list(COMPONENTS)


ALL_COMPONENTS = _components()
