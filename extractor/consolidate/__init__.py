"""Consolidation: an archive's events -> one record per real-world measure, with its timeline.

    >>> from extractor.consolidate import consolidate
    >>> measures, links = consolidate(["runs/2025-03", "runs/2025-04"])  # doctest: +SKIP

keys (blocking key, names and totals read from the evidence) -> link (events -> measures) ->
timeline (points, best-supported value, conflicts, confidence) -> totals (sums of several
measures) -> assemble (contract records); engine streams groups; store reads and writes run
folders out of core; asof answers "what was in force on day D". docs/consolidation.md explains it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence

from ..records import MeasureEventLink, MeasureRecord
from .asof import asof
from .engine import consolidate_rows
from .keys import EventRow, event_row
from .store import (
    LINKS_FILE,
    MEASURES_FILE,
    consolidate_dirs,
    read_measures,
    write_outputs,
)

__all__ = ["consolidate", "consolidate_events", "consolidate_outdirs", "asof", "read_measures", "EventRow",
           "MEASURES_FILE", "LINKS_FILE", "finish_run", "measures_dataframes"]


def consolidate_events(events: Iterable[Mapping], published: Mapping[str, Optional[str]] | None = None
                       ) -> tuple[list[MeasureRecord], list[MeasureEventLink]]:
    """In memory: event dicts (events.jsonl lines or EventRecord dumps) and {article_id: published}."""
    published = published or {}
    rows = [event_row(dict(e), published.get(e["article_id"])) for e in events]
    measures, links = [], []
    for records, group_links in consolidate_rows(rows):
        measures.extend(records)
        links.extend(group_links)
    return measures, links


def consolidate(outdirs: Sequence[str | Path] | str | Path) -> tuple[list[MeasureRecord], list[MeasureEventLink]]:
    """Run folders -> (measure records, event links), read out of core; see consolidate_outdirs to
    write them, measures_dataframes for pandas."""
    dirs = [outdirs] if isinstance(outdirs, (str, Path)) else list(outdirs)
    measures, links = [], []
    for records, group_links in consolidate_dirs(dirs):
        measures.extend(records)
        links.extend(group_links)
    return measures, links


def consolidate_outdirs(outdirs: Sequence[str | Path], dest: str | Path, *, fmt: str = "jsonl",
                        db: Optional[str] = None) -> tuple[int, int]:
    """Consolidate run folders into DEST/measures.jsonl (+ measure_events.jsonl, tables, database)."""
    dest = Path(dest)
    counts = write_outputs(consolidate_dirs([Path(d) for d in outdirs]), dest)
    from ..writers.tables import TABLE_FORMATS, write_measure_tables

    if fmt in TABLE_FORMATS:
        write_measure_tables(dest, fmt)
    if db:
        from ..writers.sql import write_measures_db

        write_measures_db(db, dest)
    return counts


def finish_run(outdir: str | Path, *, only_missing: bool = False) -> list[str]:
    """The last step of every `extract` run (both engines): OUTDIR/measures.jsonl from its events
    (the sinks write the measure tables and database rows from it, job.run_job).

    `only_missing`: a finished run resumed again consolidates only when measures.jsonl is absent
    (a run made before consolidation existed), so that reruns stay idempotent and cheap.
    """
    from ..errors import Errors, TariffwireError

    outdir = Path(outdir)
    written = [str(outdir / MEASURES_FILE), str(outdir / LINKS_FILE)]
    if only_missing and (outdir / MEASURES_FILE).exists():
        return written
    try:
        consolidate_outdirs([outdir], outdir)
    except OSError as exc:
        raise TariffwireError(Errors.E021.format(path=outdir, reason=exc.strerror or exc)) from exc
    return written


def measures_dataframes(measures: Sequence[MeasureRecord], links: Sequence[MeasureEventLink]) -> dict:
    """{"measures", "measure_points", "measure_events"}: DataFrames with the columns of the tables."""
    import pandas as pd

    from ..writers.tables import (
        MEASURE_COLUMNS,
        MEASURE_EVENT_COLUMNS,
        MEASURE_POINT_COLUMNS,
        measure_rows,
    )

    rows, points = [], []
    for m in measures:
        row, pts = measure_rows(m.model_dump(mode="json"))
        rows.append(row)
        points.extend(pts)
    return {
        "measures": pd.DataFrame(rows, columns=MEASURE_COLUMNS),
        "measure_points": pd.DataFrame(points, columns=MEASURE_POINT_COLUMNS),
        "measure_events": pd.DataFrame([link.model_dump(mode="json") for link in links], columns=MEASURE_EVENT_COLUMNS),
    }
