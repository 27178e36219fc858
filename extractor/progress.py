"""The run's face on stderr: a progress bar (a terminal) or periodic lines (a log), and the end summary.

One speed figure: the bar shows the live rate and vanishes when the run ends (leave=False); the
periodic lines of a log give counts and time only; the summary line gives the run's rate. No ETA: inputs are streamed (globs,
JSONL, WARC, datasets), so the number of articles is not known before they are read, and counting
them first would mean reading the archive twice.
"""
from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Optional, TextIO

from .errors import Errors

if TYPE_CHECKING:  # pragma: no cover
    from .job import RunSummary

ERRORS_FILE = "errors.jsonl"
_EVENT_TYPE = re.compile(r'"type":"([a-z_]+)"')


def progress_line(read: int, written: int, failed: int, events: int, elapsed: float) -> str:
    """One periodic line for a log (stderr not a terminal): counts and time, no rate (the summary
    line gives the run's one rate)."""
    return f"[tariffwire] {read} read, {written} written, {failed} failed, {events} events after {elapsed:.0f}s"


def undated_warning(origin: str) -> str:
    """W061, once per run: the first article without a publication date stands for all."""
    return "tariffwire: warning: " + Errors.W061.format(origin=origin) + " (shown once; later articles are not listed)"


class Progress:
    """A tqdm bar when `stream` is a terminal, else a line every `every` seconds; None: silent."""

    def __init__(self, stream: Optional[TextIO], every: float = 2.0, start_count: int = 0):
        self.stream = stream
        self.every = every
        self.start = time.monotonic()
        self.last = 0.0
        self.start_count = start_count
        self._bar = None
        if stream is not None and _isatty(stream):
            from tqdm import tqdm

            self._bar = tqdm(total=None, initial=start_count, unit=" articles", file=stream, leave=False,
                             dynamic_ncols=True, mininterval=min(every, 0.5), desc="tariffwire")

    def update(self, summary: "RunSummary", force: bool = False) -> None:
        if self.stream is None:
            return
        if summary.undated and not summary.undated_warned:
            summary.undated_warned = True
            self._write(undated_warning(summary.undated_origin))
        if self._bar is not None:
            self._bar.set_postfix_str(f"written {summary.written}, failed {summary.failed}, events {summary.events}",
                                      refresh=False)
            self._bar.update(summary.read - self._bar.n)
            return
        now = time.monotonic()
        if not force and now - self.last < self.every:
            return
        self.last = now
        self._write(progress_line(summary.read, summary.written, summary.failed, summary.events, now - self.start))

    def _write(self, line: str) -> None:
        if self._bar is not None:
            self._bar.write(line, file=self.stream)
        else:
            self.stream.write(line + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# -- the end summary -------------------------------------------------------------------------------

# The likely fix for the commonest first errors, by code (extractor/errors.py).
FIXES = {
    "E001": "check the path (globs are expanded by tariffwire, quote them)",
    "E002": "tariffwire reads .txt .json .jsonl(.gz) .csv .parquet .html .warc(.gz) and saved datasets",
    "E004": "the line is not JSON: is the file JSONL (one object a line)?",
    "E005": "map the text field: --ingest.fields.text=NAME",
    "E006": "map the right field with --ingest.fields.FIELD=NAME, or fix the value's type",
    "E008": "give dates as YYYY-MM-DD, or map another field with --ingest.fields.published=NAME",
    "E010": "the file is binary: give the text, or a supported format",
    "E011": "raise --ingest.max_chars, or split the text",
    "E014": "the CSV row has a stray delimiter or quote; fix the row or export the CSV again",
    "E016": "a quote is never closed in the CSV; fix the row or export the CSV again",
    "E052": "the database refused the batch: see the reason; rerun with --resume once fixed",
}


def event_type_counts(events_path: Path) -> Counter:
    """Events per type in events.jsonl (one pass, no JSON parsing: `type` is the record's first
    key of that name; a string value holding it would be escaped, \\"type\\")."""
    counts: Counter = Counter()
    try:
        with open(events_path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                match = _EVENT_TYPE.search(line)
                if match:
                    counts[match.group(1)] += 1
    except OSError:
        pass
    return counts


def first_error(errors_path: Path) -> Optional[dict]:
    """The first entry of level "error" in errors.jsonl."""
    import json

    try:
        with open(errors_path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if isinstance(entry, dict) and entry.get("level") == "error":
                    return entry
    except OSError:
        pass
    return None


def likely_fix(entry: dict) -> Optional[str]:
    """What to try for an errors.jsonl entry: from its code, or its message for a missing column."""
    message = entry.get("message") or ""
    missing = re.search(r"has no text column '([^']*)' \(columns: (.*)\)$", message)
    if missing:
        return f"the text column '{missing.group(1)}' is missing; columns found: {missing.group(2)}; " \
               f"name yours with --ingest.fields.text=COLUMN"
    code = entry.get("code")
    return FIXES.get(code) if code else None


def summary_lines(summary: "RunSummary") -> list[str]:
    """The end of a run on stderr; the last line is the counts line (RunSummary.line())."""
    lines = []
    outdir = Path(summary.outdir)
    if summary.events:
        by_type = event_type_counts(outdir / "events.jsonl")
        if by_type:
            lines.append("events: " + ", ".join(f"{n} {t}" for t, n in sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0]))))
    if summary.outputs:
        lines.append("outputs: " + ", ".join(summary.outputs))
    if summary.undated and not summary.undated_warned:
        lines.append(undated_warning(summary.undated_origin))
    if summary.failed:
        entry = first_error(outdir / ERRORS_FILE)
        if entry is not None:
            where = entry.get("article_id") or entry.get("origin") or "?"
            lines.append(f"first error: {where}: {entry.get('message')}")
            fix = likely_fix(entry)
            if fix:
                lines.append(f"likely fix: {fix}")
    lines.append(summary.line())
    return lines
