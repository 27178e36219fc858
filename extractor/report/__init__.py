"""`tariffwire report OUTDIR -o report.html`: one self-contained HTML page about a run."""
from __future__ import annotations

from pathlib import Path

from .data import RunData, load_run
from .page import render_report

__all__ = ["RunData", "build_report", "load_run", "render_report"]


def build_report(outdir: Path, output: Path, *, max_events: int = 5000) -> Path:
    """Read the run in `outdir` and write its report to `output` (UTF-8); returns `output`."""
    page = render_report(load_run(Path(outdir)), max_events=max_events)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page, encoding="utf-8")
    return output
