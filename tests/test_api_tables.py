"""The Python API's tables: plain strings in, DataFrames with native dtypes, the index kept, datasets.map."""
from __future__ import annotations

import pandas as pd
import pytest
from _fake_ner import FAKE_NER

from extractor.api import Extractor

TARIFF = "Canada said on Monday it would put 25% tariffs on U.S. steel, Prime Minister Mark Carney said."
QUIET = "The weather was mild and the harvest festival drew large crowds."


@pytest.fixture(scope="module")
def ex():
    return Extractor.from_config(overrides={"nlp.ner.@ner_backends": FAKE_NER, "ingest.published_default": "2025-04-14"})


def test_api_extract_records_accepts_plain_strings(ex):
    articles, events = ex.extract_records([TARIFF, QUIET])
    again, _ = ex.extract_records([TARIFF])
    assert [a.article_id.startswith("sha1-") for a in articles] == [True, True]
    assert articles[0].article_id == again[0].article_id  # the content hash, stable
    assert events and events[0].targets == ["USA"]


def test_api_dataframe_index_is_the_id_without_an_id_column(ex):
    frame = pd.DataFrame({"text": [TARIFF, QUIET, ""]}, index=["x1", "x2", "x3"])
    out = ex.extract_dataframes(frame)
    assert out["articles"]["article_id"].tolist() == ["x1", "x2"]
    assert out["errors"]["article_id"].tolist() == ["x3"]
    joined = frame.join(out["events"].set_index("article_id")[["imposer"]], how="inner")
    assert joined.index.tolist() == ["x1"] and joined["imposer"].tolist() == ["CAN"]


def test_api_dataframe_id_column_wins_over_the_index(ex):
    out = ex.extract_dataframes(pd.DataFrame({"id": ["a", "b"], "text": [TARIFF, QUIET]}, index=[7, 8]))
    assert out["articles"]["article_id"].tolist() == ["a", "b"]


def test_api_extract_dataframes_native_dtypes(ex):
    out = ex.extract_dataframes([{"id": "a", "text": TARIFF}])
    events = out["events"]
    assert events["targets"][0] == ["USA"]  # a list, not '["USA"]'
    assert isinstance(events["evidence"][0], dict)
    assert isinstance(events["status"].dtype, pd.CategoricalDtype)
    assert out["articles"]["published_day"].tolist() == [pd.Timestamp("2025-04-14")]
    empty = ex.extract_dataframes([{"id": "q", "text": QUIET}])["events"]
    assert empty.empty and list(empty.columns) == list(events.columns)


def test_api_dataset_map_adds_record_columns(ex):
    import datasets

    rows = [{"id": "q", "text": QUIET}, {"id": "t", "text": TARIFF}, {"id": "bad", "text": ""}]
    ds = datasets.Dataset.from_list(rows)
    # batch_size=1: the first batch has no event, no source; the columns' types must not be fixed as null
    out = ds.map(ex.map_batch, batched=True, batch_size=1, features=ex.map_features(ds.features))
    assert out.column_names[:2] == ["id", "text"] and "events" in out.column_names
    assert list(out["article_id"]) == ["q", "t", "bad"]  # a failed row keeps its id
    assert out[1]["events"][0]["targets"] == ["USA"] and out[0]["events"] == []
    assert out[2]["error"] and out[0]["error"] is None
    mapped = ex.map_dataset(ds, batch_size=2)
    assert list(mapped["article_id"]) == list(out["article_id"])
    assert "<input>:3 " in mapped[2]["error"]  # the row's position in the dataset, not in its batch
    frame = out.to_pandas()
    assert list(frame["events"][1][0]["targets"]) == ["USA"]
