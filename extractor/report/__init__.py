"""`tariffwire report OUTDIR -o report.html`: one self-contained HTML page about a run."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Optional

from .data import RunData, attach_texts, load_run
from .page import render_report

__all__ = ["RunData", "attach_texts", "build_report", "load_run", "render_report"]


def build_report(outdir: Path, output: Path, *, max_events: int = 5000, articles: Optional[Iterable[Any]] = None) -> Path:
    """Read the run in `outdir` and write its report to `output` (UTF-8); returns `output`.
    `articles` (the run's inputs read again, e.g. `Extractor.read(inputs)`) put each evidence in context."""
    data = load_run(Path(outdir), max_events=max_events)
    if articles is not None:
        attach_texts(data, articles)
    page = render_report(data)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page, encoding="utf-8")
    return output
