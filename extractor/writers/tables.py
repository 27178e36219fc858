"""Records as table rows (Parquet, CSV, DataFrames), and the conversion of a run's JSONL into tables.

Parquet and DataFrames are native: one column per record field, in the records' field order, with
lists as lists (targets, products, parties, byline), nested records as structs (officials,
mentions, rates, dates, an event's date and evidence), `type`, `status`, `schema_version` and
`published_source` as dictionary (categorical) columns with every allowed value as a category, and
one added date32 column per date field: `published_day` (articles) and `date_day` (events), set
where the date is day-precise (YYYY-MM-DD), null where it is a month, a year or missing; the
string column (`published`, `date.value`) keeps every precision. The Arrow schema comes from the
pydantic models (extractor/records.py), not from the rows, so an empty table has every column.

CSV has no lists: a CSV row is flat (date_* and evidence_* columns) and its nested fields are JSON
strings, as they always were.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import types
import typing
from pathlib import Path
from typing import Any, Iterable, Iterator, Literal, Optional, Sequence

from pydantic import BaseModel

from ..errors import Errors, TariffwireError
from ..registry import registry
from .sink import Sink
from ..records import (
    AGREEMENT_STATUSES, NEGOTIATION_STATUSES, SCHEMA_VERSION, TARIFF_STATUSES, ArticleRecord, EventRecord,
)

ARTICLE_COLUMNS = [
    "schema_version", "article_id", "source", "url", "headline", "published", "byline", "dateline",
    "officials", "countries", "rates", "dates", "published_source",
]
EVENT_COLUMNS = [
    "schema_version", "event_id", "article_id", "type", "status", "rate", "previous_rate", "imposer", "targets",
    "products", "parties", "officials", "date_text", "date_value", "date_start", "date_end", "duration", "location",
    "evidence_text", "evidence_start", "evidence_end", "confidence",
]
_NESTED_ARTICLE = ("byline", "dateline", "officials", "countries", "rates", "dates")
_NESTED_EVENT = ("targets", "products", "parties", "officials")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def article_row(data: dict) -> dict:
    row = dict(data)
    for key in _NESTED_ARTICLE:
        row[key] = _dumps(row[key])
    return {c: row.get(c) for c in ARTICLE_COLUMNS}


def event_row(data: dict) -> dict:
    row = dict(data)
    for key in _NESTED_EVENT:
        row[key] = _dumps(row[key])
    date = row.pop("date") or {}
    evidence = row.pop("evidence")
    row.update({
        "date_text": date.get("text"), "date_value": date.get("value"),
        "date_start": date.get("start"), "date_end": date.get("end"),
        "evidence_text": evidence["text"], "evidence_start": evidence["start"], "evidence_end": evidence["end"],
    })
    return {c: row.get(c) for c in EVENT_COLUMNS}


def article_rows(records: Iterable[ArticleRecord]) -> list[dict]:
    return [article_row(r.model_dump(mode="json")) for r in records]


def event_rows(records: Iterable[EventRecord]) -> list[dict]:
    return [event_row(r.model_dump(mode="json")) for r in records]


def event_from_row(row: dict) -> dict:
    """The inverse of event_row (a CSV row) or native_event_row (a Parquet row): a dict equal to
    EventRecord.model_dump(mode="json")."""
    if isinstance(row.get("evidence"), dict):  # native: nested values are already lists and dicts
        data = {k: v for k, v in row.items() if k in EventRecord.model_fields}
        return EventRecord.model_validate(data).model_dump(mode="json")
    data = {k: row[k] for k in EVENT_COLUMNS if not k.startswith(("date_", "evidence_"))}
    for key in _NESTED_EVENT:
        data[key] = json.loads(data[key])
    date = None
    if row.get("date_text") is not None:
        date = {"text": row["date_text"], "value": row["date_value"], "start": int(row["date_start"]), "end": int(row["date_end"])}
    data["date"] = date
    data["evidence"] = {"text": row["evidence_text"], "start": int(row["evidence_start"]), "end": int(row["evidence_end"])}
    return EventRecord.model_validate(data).model_dump(mode="json")


_FLOAT_COLUMNS = ("rate", "previous_rate", "confidence")
_INT_COLUMNS = ("date_start", "date_end", "evidence_start", "evidence_end")
_TEXT_NOT_NULL = ("evidence_text",)


def read_event_table(path: Path) -> list[dict]:
    """Events from a .parquet or .csv written by write_tables, as EventRecord-shaped dicts."""
    path = Path(path)
    if path.suffix == ".parquet" or path.is_dir():
        import pyarrow.parquet as pq

        rows = pq.read_table(path).to_pylist()
    else:
        import csv

        with path.open(encoding="utf-8", newline="") as fh:
            rows = []
            for raw in csv.DictReader(fh):
                row: dict = {}
                for key, value in raw.items():
                    if value == "" and key not in _TEXT_NOT_NULL:
                        row[key] = None
                    elif key in _FLOAT_COLUMNS:
                        row[key] = float(value)
                    elif key in _INT_COLUMNS:
                        row[key] = int(value)
                    else:
                        row[key] = value
                rows.append(row)
    return [event_from_row(r) for r in rows]


def _iter_jsonl(path: Path, chunk: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                batch.append(json.loads(line))
                if len(batch) >= chunk:
                    yield batch
                    batch = []
    if batch:
        yield batch


# -- native tables ---------------------------------------------------------------------------------

# Top-level columns stored as dictionaries (pandas: categorical), with every value they may take.
PUBLISHED_SOURCES = ("input", "page", "warc-date", "dateline", "default")
CATEGORIES = {
    "schema_version": (SCHEMA_VERSION,),
    "type": ("tariff", "negotiation", "agreement"),
    "status": tuple(dict.fromkeys(TARIFF_STATUSES + NEGOTIATION_STATUSES + AGREEMENT_STATUSES)),
    "published_source": PUBLISHED_SOURCES,
}
# The added day-precise date column of each table, and the record field it is read from.
DAY_COLUMNS = {"articles": ("published_day", ("published",)), "events": ("date_day", ("date", "value"))}
MODELS = {"articles": ArticleRecord, "events": EventRecord}


def arrow_type(annotation: Any, *, categorical: bool = False):
    """The Arrow type of a pydantic field's annotation (str, float, int, Literal, Optional, list,
    tuple spans, nested models)."""
    import pyarrow as pa

    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (typing.Union, types.UnionType):
        return arrow_type(args[0], categorical=categorical)
    if origin is typing.Literal:
        return pa.dictionary(pa.int32(), pa.string()) if categorical else pa.string()
    if origin in (list, tuple):
        return pa.list_(arrow_type(args[0]))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pa.struct([pa.field(name, arrow_type(f.annotation)) for name, f in annotation.model_fields.items()])
    return {str: pa.string(), float: pa.float64(), int: pa.int64(), bool: pa.bool_()}[annotation]


def native_schema(name: str, *, categorical: bool = True):
    """The Arrow schema of a native table ("articles" or "events"), from the pydantic model."""
    import pyarrow as pa

    fields = []
    for field_name, info in MODELS[name].model_fields.items():
        if categorical and field_name in CATEGORIES:
            fields.append(pa.field(field_name, pa.dictionary(pa.int32(), pa.string())))
        else:
            fields.append(pa.field(field_name, arrow_type(info.annotation)))
    fields.append(pa.field(DAY_COLUMNS[name][0], pa.date32()))
    return pa.schema(fields)


def day(value: Any) -> dt.date | None:
    """A YYYY-MM-DD value as a date; None for a month, a year, a week, a duration or nothing."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def native_row(name: str, data: dict) -> dict:
    """A record's model_dump(mode="json") with its day column added."""
    column, path = DAY_COLUMNS[name]
    value: Any = data
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return {**data, column: day(value)}


def native_table(name: str, records: Iterable[dict], *, categorical: bool = True):
    """An Arrow table of records (model_dump(mode="json") dicts), with the full native schema."""
    import pyarrow as pa

    schema = native_schema(name, categorical=categorical)
    plain = native_schema(name, categorical=False)
    table = pa.Table.from_pylist([native_row(name, r) for r in records], schema=plain)
    if not categorical:
        return table
    columns = []
    for field in schema:
        column = table.column(field.name)
        if field.name in CATEGORIES:
            column = _fixed_dictionary(column, CATEGORIES[field.name])
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=schema)


def _fixed_dictionary(column, categories: Sequence[str]):
    """A string column as a dictionary over all `categories` (the same categories in every file and
    part, so pandas gets the same categorical dtype whatever the rows hold)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    dictionary = pa.array(list(categories), pa.string())
    chunks = []
    for chunk in column.chunks or [pa.array([], pa.string())]:
        indices = pc.index_in(chunk, value_set=dictionary).cast(pa.int32())
        unknown = pc.sum(pc.and_(pc.is_null(indices), pc.is_valid(chunk))).as_py()
        if unknown:
            raise ValueError(f"value outside the categories {list(categories)} in column of {len(chunk)} rows")
        chunks.append(pa.DictionaryArray.from_arrays(indices, dictionary))
    return pa.chunked_array(chunks, pa.dictionary(pa.int32(), pa.string()))


def records_frame(name: str, records: Iterable[dict]):
    """A pandas DataFrame of records with native dtypes: the dtypes pandas gives the Parquet table
    (categoricals with every allowed value, float64, strings), except that nested columns hold
    Python lists and dicts (not NumPy arrays) and the day column is datetime64."""
    import pandas as pd
    import pyarrow as pa

    table = native_table(name, records)
    frame = table.to_pandas()
    for field in table.schema:
        if pa.types.is_list(field.type) or pa.types.is_struct(field.type):
            frame[field.name] = pd.Series(table.column(field.name).to_pylist(), index=frame.index, dtype=object)
    day_column = DAY_COLUMNS[name][0]
    frame[day_column] = pd.to_datetime(frame[day_column])
    return frame


def write_tables(outdir: Path, fmt: str, *, chunk: int = 5000, parts: Sequence[str] = ("articles", "events")) -> list[Path]:
    """Convert OUTDIR/{articles,events}.jsonl into .parquet or .csv, streaming, atomically (temp + rename)."""
    written = []
    for name in parts:
        src = outdir / f"{name}.jsonl"
        dst = outdir / f"{name}.{fmt}"
        tmp = dst.with_name(f".{dst.name}.tmp")
        to_row = article_row if name == "articles" else event_row
        columns = ARTICLE_COLUMNS if name == "articles" else EVENT_COLUMNS
        if fmt == "parquet":
            import pyarrow.parquet as pq

            schema = native_schema(name)
            with pq.ParquetWriter(tmp, schema) as writer:
                wrote_any = False
                for batch in _iter_jsonl(src, chunk) if src.exists() else []:
                    writer.write_table(native_table(name, batch))
                    wrote_any = True
                if not wrote_any:
                    writer.write_table(schema.empty_table())
        elif fmt == "csv":
            import csv

            with tmp.open("w", encoding="utf-8", newline="") as fh:
                w = csv.DictWriter(fh, fieldnames=columns)
                w.writeheader()
                for batch in _iter_jsonl(src, chunk) if src.exists() else []:
                    w.writerows(to_row(r) for r in batch)
        else:
            raise ValueError(fmt)
        if dst.is_dir():  # a partitioned dataset from an earlier `--engine dask` run at the same path
            import shutil

            shutil.rmtree(dst)
        os.replace(tmp, dst)
        written.append(dst)
    return written


def write_dataset_partition(records: list[dict], directory: Path, name: str, part: int) -> Path:
    """One part file of a partitioned Parquet dataset (`--engine dask --format parquet`): the schema
    of a local run's single file."""
    import pyarrow.parquet as pq

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"part-{part:05d}.parquet"
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(native_table(name, records), tmp)
    os.replace(tmp, path)
    return path


# -- measures (consolidation) -------------------------------------------------------------------

MEASURE_COLUMNS = [
    "schema_version", "measure_id", "type", "imposer", "targets", "products", "parties", "name", "current_status",
    "current_rate", "current_since", "first_reported", "last_reported", "n_events", "n_articles", "confidence",
]
MEASURE_POINT_COLUMNS = [
    "measure_id", "seq", "date", "date_basis", "status", "rate", "confidence", "event_ids", "article_ids", "conflicts",
]
MEASURE_EVENT_COLUMNS = ["event_id", "article_id", "measure_id", "role", "point_date"]


def measure_rows(data: dict) -> tuple[dict, list[dict]]:
    """A measures.jsonl line -> (its measures row, its measure_points rows)."""
    current = data.get("current") or {}
    row = {
        "schema_version": data["schema_version"], "measure_id": data["measure_id"], "type": data["type"],
        "imposer": data.get("imposer"), "targets": _dumps(data["targets"]), "products": _dumps(data["products"]),
        "parties": _dumps(data["parties"]), "name": data.get("name"), "current_status": current.get("status"),
        "current_rate": current.get("rate"), "current_since": current.get("since"),
        "first_reported": data.get("first_reported"), "last_reported": data.get("last_reported"),
        "n_events": len(data["event_ids"]), "n_articles": data["n_articles"], "confidence": data["confidence"],
    }
    points = [{
        "measure_id": data["measure_id"], "seq": i, "date": p["date"], "date_basis": p["date_basis"],
        "status": p["status"], "rate": p["rate"], "confidence": p["confidence"], "event_ids": _dumps(p["event_ids"]),
        "article_ids": _dumps(p["article_ids"]), "conflicts": _dumps(p.get("conflicts", [])),
    } for i, p in enumerate(data["timeline"])]
    return row, points


def _measure_schemas():
    import pyarrow as pa

    s, i, f = pa.string(), pa.int64(), pa.float64()
    numeric = {"current_rate": f, "confidence": f, "rate": f, "n_events": i, "n_articles": i, "seq": i}
    return {
        "measures": pa.schema([(c, numeric.get(c, s)) for c in MEASURE_COLUMNS]),
        "measure_points": pa.schema([(c, numeric.get(c, s)) for c in MEASURE_POINT_COLUMNS]),
        "measure_events": pa.schema([(c, s) for c in MEASURE_EVENT_COLUMNS]),
    }


def _measure_table_batches(outdir: Path, chunk: int) -> Iterator[tuple[str, list[dict]]]:
    for batch in _iter_jsonl(outdir / "measures.jsonl", chunk) if (outdir / "measures.jsonl").exists() else []:
        rows, points = [], []
        for data in batch:
            row, pts = measure_rows(data)
            rows.append(row)
            points.extend(pts)
        yield "measures", rows
        yield "measure_points", points
    links = outdir / "measure_events.jsonl"
    for batch in _iter_jsonl(links, chunk) if links.exists() else []:
        yield "measure_events", [{c: d.get(c) for c in MEASURE_EVENT_COLUMNS} for d in batch]


def write_measure_tables(outdir: Path, fmt: str, *, chunk: int = 5000) -> list[Path]:
    """OUTDIR/{measures,measure_points,measure_events}.{parquet,csv} from measures.jsonl and
    measure_events.jsonl, streaming, each file replaced atomically."""
    import csv

    import pyarrow as pa
    import pyarrow.parquet as pq

    schemas = _measure_schemas()
    columns = {"measures": MEASURE_COLUMNS, "measure_points": MEASURE_POINT_COLUMNS, "measure_events": MEASURE_EVENT_COLUMNS}
    if fmt not in ("parquet", "csv"):
        raise ValueError(fmt)
    tmp = {name: outdir / f".{name}.{fmt}.tmp" for name in schemas}
    sinks: dict = {}
    files = []
    try:
        for name in schemas:
            if fmt == "parquet":
                sinks[name] = pq.ParquetWriter(tmp[name], schemas[name])
                sinks[name].write_table(schemas[name].empty_table())
            else:
                fh = tmp[name].open("w", encoding="utf-8", newline="")
                files.append(fh)
                sinks[name] = csv.DictWriter(fh, fieldnames=columns[name])
                sinks[name].writeheader()
        for name, rows in _measure_table_batches(outdir, chunk):
            if not rows:
                continue
            if fmt == "parquet":
                sinks[name].write_table(pa.Table.from_pylist(rows, schema=schemas[name]))
            else:
                sinks[name].writerows(rows)
    finally:
        for sink in sinks.values():
            if fmt == "parquet":
                sink.close()
        for fh in files:
            fh.close()
    written = []
    for name in schemas:
        dst = outdir / f"{name}.{fmt}"
        os.replace(tmp[name], dst)
        written.append(dst)
    return written


# -- the sink ---------------------------------------------------------------------------------------

TABLE_FORMATS = ("parquet", "csv")
RECORD_TABLES = ("articles", "events")
MEASURE_TABLES = ("measures", "measure_points", "measure_events")


class TablesSink(Sink):
    """OUTDIR/{articles,events,measures,measure_points,measure_events}.{parquet,csv}, converted
    from the finished JSONL: always from the whole files, so that a resumed run's tables equal an
    uninterrupted run's, and a finished run resumed with a new --format gets the missing ones."""

    def __init__(self, fmt: str):
        self.format = fmt
        self.partitioned = fmt == "parquet"
        self._parts: Optional[tuple[Path, int]] = None

    def use_parts(self, staging: Path, parts: int) -> None:
        """The dask engine's workers wrote articles and events as `parts` part files in
        staging/{articles,events}: finish() publishes those instead of converting the JSONL."""
        self._parts = (staging, parts)

    def finish(self, outdir: Path, *, only_missing: bool = False) -> list[str]:
        outdir = Path(outdir)

        def wanted(names: Sequence[str]) -> list[str]:
            return [n for n in names if not (only_missing and (outdir / f"{n}.{self.format}").exists())]

        try:
            if self._parts is not None:
                publish_dataset(outdir, *self._parts)
            elif missing := wanted(RECORD_TABLES):
                write_tables(outdir, self.format, parts=missing)
            if wanted(MEASURE_TABLES):
                write_measure_tables(outdir, self.format)
        except OSError as exc:
            raise TariffwireError(Errors.E021.format(path=outdir, reason=exc.strerror or exc)) from exc
        return [str(outdir / f"{n}.{self.format}") for n in RECORD_TABLES + MEASURE_TABLES]


@registry.sinks("tariffwire.Tables.v1")
def tables_sink(format: Literal["parquet", "csv"]) -> TablesSink:  # noqa: A002 (the config's word)
    """Parquet (native types, docs/output.md) or CSV (flat rows) tables of the run's records and measures."""
    return TablesSink(format)


def publish_dataset(outdir: Path, staging: Path, parts: int) -> list[Path]:
    """Move the dask workers' part directories to OUTDIR/{articles,events}.parquet, replacing what
    is there, once every part has arrived."""
    import shutil

    published = []
    for name in RECORD_TABLES:
        src, dst = staging / name, outdir / f"{name}.parquet"
        found = len(list(src.glob("part-*.parquet"))) if src.is_dir() else 0
        if found != parts:
            raise TariffwireError(Errors.E021.format(path=outdir, reason=(
                f"{found} of {parts} {name} part files arrived in {src}; with --format parquet the dask workers "
                "write them, so OUTDIR must be shared storage that every worker sees at the same path")))
        if parts == 0:  # no input: still leave a readable, empty dataset
            write_dataset_partition([], src, name, 0)
        if dst.is_dir():
            shutil.rmtree(dst)
        elif dst.exists():
            dst.unlink()
        src.rename(dst)
        published.append(dst)
    shutil.rmtree(staging, ignore_errors=True)
    return published
