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
