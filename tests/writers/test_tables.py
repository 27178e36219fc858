"""Native tables: Parquet, DataFrames and datasets with list, struct, dictionary and date columns."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from extractor.records import ArticleRecord, EventRecord
from extractor.writers.tables import (
    CATEGORIES, native_schema, read_event_table, records_frame, write_dataset_partition, write_tables,
)


def article(article_id="a1", published="2025-04-16", **fields) -> dict:
    return ArticleRecord(
        article_id=article_id, published=published, byline=["Ann Lee"],
        officials=[{"name": "Ann Lee", "title": "Minister", "country": "CAN", "mentions": [(3, 10)]}],
        countries=[{"code": "CAN", "name": "Canada", "mentions": [(0, 6), (20, 26)]}],
        rates=[{"value": 25.0, "text": "25%", "start": 30, "end": 33}],
        dates=[{"text": "May", "start": 40, "end": 43, "value": "2025-05", "grain": "month"}],
        **fields,
    ).model_dump(mode="json")


def event(event_id="e1", article_id="a1", date_value="2025-04-16", **fields) -> dict:
    values = dict(
        event_id=event_id, article_id=article_id, type="tariff", status="paused", rate=25.0, imposer="CAN",
        targets=["USA", "MEX"], products=["steel"], parties=["CAN", "USA"],
        officials=[{"name": "Ann Lee", "title": None, "country": "CAN"}],
        date={"text": "Wednesday", "value": date_value, "start": 1, "end": 10} if date_value != "none" else None,
        evidence={"text": "Canada paused 25% tariffs", "start": 0, "end": 25}, confidence=0.9,
    )
    values.update(fields)
    return EventRecord(**values).model_dump(mode="json")


def write_run(outdir, articles, events):
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / "articles.jsonl").write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    (outdir / "events.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")


def test_tables_parquet_columns_are_native(tmp_path):
    write_run(tmp_path, [article()], [event(), event("e2", status="held", type="negotiation", rate=None, date_value="2025-W16")])
    write_tables(tmp_path, "parquet")
    schema = pq.read_schema(tmp_path / "events.parquet")
    assert schema.field("targets").type == pa.list_(pa.string())
    assert pa.types.is_struct(schema.field("evidence").type) and pa.types.is_struct(schema.field("date").type)
    assert pa.types.is_dictionary(schema.field("status").type) and pa.types.is_dictionary(schema.field("type").type)
    assert schema.field("date_day").type == pa.date32()
    frame = pd.read_parquet(tmp_path / "events.parquet")
    assert list(frame["targets"][0]) == ["USA", "MEX"]
    assert frame["evidence"][0]["text"] == "Canada paused 25% tariffs"
    assert list(frame["status"].cat.categories) == list(CATEGORIES["status"])
    # A week is not day-precise: the date string stays, the day column is null.
    assert frame["date_day"].tolist() == [dt.date(2025, 4, 16), None]
    assert frame["date"][1]["value"] == "2025-W16"


def test_tables_article_spans_and_published_day(tmp_path):
    write_run(tmp_path, [article(), article("a2", published="2025-04")], [])
    write_tables(tmp_path, "parquet")
    rows = pq.read_table(tmp_path / "articles.parquet").to_pylist()
    assert rows[0]["countries"][0]["mentions"] == [[0, 6], [20, 26]]
    assert [r["published_day"] for r in rows] == [dt.date(2025, 4, 16), None]
    assert [r["published"] for r in rows] == ["2025-04-16", "2025-04"]


def test_tables_parquet_round_trips_records(tmp_path):
    events = [event(), event("e2", date_value="none", targets=[], products=[], officials=[])]
    write_run(tmp_path, [article()], events)
    write_tables(tmp_path, "parquet")
    assert read_event_table(tmp_path / "events.parquet") == events


def test_tables_empty_run_has_every_column(tmp_path):
    write_run(tmp_path, [], [])
    write_tables(tmp_path, "parquet")
    for name in ("articles", "events"):
        table = pq.read_table(tmp_path / f"{name}.parquet")
        assert table.num_rows == 0
        assert table.schema == native_schema(name)
    assert "targets" in pd.read_parquet(tmp_path / "events.parquet").columns


def test_tables_csv_keeps_json_strings_for_nested_fields(tmp_path):
    events = [event()]
    write_run(tmp_path, [article()], events)
    write_tables(tmp_path, "csv")
    frame = pd.read_csv(tmp_path / "events.csv")
    assert json.loads(frame["targets"][0]) == ["USA", "MEX"]
    assert read_event_table(tmp_path / "events.csv") == events


def test_tables_dataset_part_has_the_single_file_schema(tmp_path):
    write_dataset_partition([], tmp_path / "events", "events", 0)
    write_dataset_partition([event()], tmp_path / "events", "events", 1)
    assert pq.read_schema(tmp_path / "events" / "part-00000.parquet") == native_schema("events")
    assert pq.read_table(tmp_path / "events").num_rows == 1


def test_tables_records_frame_has_native_dtypes():
    frame = records_frame("events", [event()])
    assert frame["targets"][0] == ["USA", "MEX"]  # a list, not a JSON string
    assert isinstance(frame["status"].dtype, pd.CategoricalDtype)
    assert frame["date_day"].dtype.kind == "M"
    empty = records_frame("events", [])
    assert list(empty.columns) == list(frame.columns) and frame["rate"].dtype == empty["rate"].dtype == "float64"


def test_tables_value_outside_the_categories_is_refused():
    from extractor.writers.tables import native_table

    with pytest.raises(ValueError, match="categories"):
        native_table("articles", [dict(article(), published_source="somewhere")])
