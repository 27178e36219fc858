"""Measures in Parquet/CSV tables and in SQLite/PostgreSQL: reconsolidating replaces, never duplicates."""
import json
import os

import pandas as pd
import pyarrow.parquet as pq

from extractor.consolidate import consolidate_outdirs
from extractor.writers.sql import _connect, read_measures_db

from .support import STORY, write_run


def _table_counts(url):
    db = _connect(url, readonly=True)
    try:
        return {t: db.execute(f"SELECT count(*) FROM {t}")[0][0] for t in ("measures", "measure_points", "measure_events")}
    finally:
        db.close()


def test_sinks_parquet_tables_hold_the_jsonl(tmp_path):
    run = write_run(tmp_path / "run", STORY)
    consolidate_outdirs([run], run, fmt="parquet")
    measures = [json.loads(line) for line in (run / "measures.jsonl").read_text().splitlines()]
    assert pq.read_table(run / "measures.parquet").column("measure_id").to_pylist() == [m["measure_id"] for m in measures]
    assert pq.read_table(run / "measure_points.parquet").num_rows == sum(len(m["timeline"]) for m in measures)
    links = pq.read_table(run / "measure_events.parquet").to_pylist()
    assert len(links) == len(STORY) and {r["role"] for r in links} >= {"point", "total"}


def test_sinks_csv_tables(tmp_path):
    run = write_run(tmp_path / "run", STORY)
    consolidate_outdirs([run], run, fmt="csv")
    assert (run / "measure_points.csv").read_text().startswith("measure_id,seq,date,")


def test_sinks_database_upsert_replaces(tmp_path, db_url):
    run = write_run(tmp_path / "run", STORY)
    consolidate_outdirs([run], run, db=db_url)
    first = _table_counts(db_url)
    consolidate_outdirs([run], run, db=db_url)
    assert _table_counts(db_url) == first
    stored = read_measures_db(db_url)
    written = sorted((json.loads(line) for line in (run / "measures.jsonl").read_text().splitlines()),
                     key=lambda m: m["measure_id"])
    assert [m["measure_id"] for m in stored] == [m["measure_id"] for m in written]
    assert [len(m["timeline"]) for m in stored] == [len(m["timeline"]) for m in written]


def test_sinks_database_drops_measures_whose_events_moved(tmp_path, sqlite_url):
    # Alone, the unnamed 25% steel event is its own measure; with the named measure in the archive it joins it.
    from .support import event

    unnamed = [event("s1", "a 25% duty on Mexican steel", 25.0, targets=["MEX"], products=["steel"], date="2025-03-12")]
    named = [event("s2", "the 25% Section 232 duty on Mexican steel", 25.0, targets=["MEX"], products=["steel"],
                   date="2025-03-12")]
    run = write_run(tmp_path / "run", unnamed, {"s1": "2025-03-12", "s2": "2025-03-13"})
    consolidate_outdirs([run], run, db=sqlite_url)
    before = {m["measure_id"] for m in read_measures_db(sqlite_url)}
    run = write_run(tmp_path / "run", unnamed + named, {"s1": "2025-03-12", "s2": "2025-03-13"})
    consolidate_outdirs([run], run, db=sqlite_url)
    after = read_measures_db(sqlite_url)
    assert len(after) == 1 and after[0]["measure_id"] not in before and after[0]["name"] == "section 232"


def test_sinks_dataframes_match_the_tables(tmp_path):
    from extractor.consolidate import consolidate, measures_dataframes

    run = write_run(tmp_path / "run", STORY)
    measures, links = consolidate([run])
    frames = measures_dataframes(measures, links)
    consolidate_outdirs([run], run, fmt="parquet")
    for name, frame in frames.items():
        stored = pq.read_table(run / f"{name}.parquet").to_pandas()
        assert len(frame) == len(stored) > 0
        pd.testing.assert_frame_equal(frame, stored, check_dtype=False)


def test_sinks_extractor_returns_measures():
    from tests.pipeline_support import extractor

    texts = [
        {"id": "x1", "published": "2025-03-12", "text": "WASHINGTON - The United States on Wednesday began charging a 25% "
                                                         "tariff on all steel and aluminum imports."},
        {"id": "x2", "published": "2025-03-20", "text": "The 25% U.S. tariff on steel and aluminum imports, in force since "
                                                         "March 12, has hit European mills."},
    ]
    measures, links = extractor().extract_measures(texts)
    assert measures and {link.article_id for link in links} == {"x1", "x2"}
    assert all(m.measure_id for m in measures) and all(p.rate == 25.0 for m in measures for p in m.timeline)


def test_sinks_links_are_valid_records():
    from extractor.consolidate import consolidate_events
    from extractor.records import MeasureEventLink

    _, links = consolidate_events(STORY, {})
    for link in links:
        checked = MeasureEventLink.model_validate(link.model_dump())
        assert checked.model_dump_json() == link.model_dump_json()


def test_sinks_consolidation_reads_parquet_tables_as_the_jsonl(tmp_path):
    """A --format parquet run is read from its tables (nested or flat columns): same measures."""
    from extractor.writers.tables import write_tables

    plain = write_run(tmp_path / "plain", STORY)
    tables = write_run(tmp_path / "tables", STORY)
    write_tables(tables, "parquet")
    (tables / "events.jsonl").write_text("", encoding="utf-8")  # so that only the table can be read
    os.utime(tables / "events.parquet")  # newer than the emptied JSONL: the table is the run's record
    consolidate_outdirs([plain], plain)
    consolidate_outdirs([tables], tables)
    assert (tables / "measures.jsonl").read_bytes() == (plain / "measures.jsonl").read_bytes()
