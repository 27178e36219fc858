"""Out of core: run folders -> compact rows (DuckDB) -> sorted groups -> measures.jsonl.

Pass 1 reads each folder's events (JSONL, or the Parquet dataset of a `--format parquet` run) joined
to their articles' publication day, projecting the dozen columns consolidation uses; Python reads
the evidence text once per event (name and total cues) and keeps only a compact row, written to a
temporary Parquet file. Pass 2 lets DuckDB deduplicate and sort those rows by the blocking key and
streams them back one group at a time. Memory holds one group (plus an imposer's every-country
measures), never the archive.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator, Optional, Sequence

from ..errors import Errors, TariffwireError
from .engine import Output, consolidate_groups, group_key
from .keys import EventRow, event_row

BATCH_ROWS = 20_000
DUCKDB_MEMORY = "600MB"
MEASURES_FILE = "measures.jsonl"
LINKS_FILE = "measure_events.jsonl"

_COMPACT_COLUMNS = ("event_id", "article_id", "published", "type", "status", "rate", "previous_rate", "imposer",
                    "targets", "products", "parties", "date", "confidence", "name", "total_cue",
                    "g_kind", "g_imposer", "g_specific", "g_key")


def _connect(workdir: Path):
    import duckdb

    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
    con.execute("SET threads = 2")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")  # it prints to stdout, into `asof --json` pipelines
    con.execute(f"SET temp_directory = '{_sql_str(str(workdir))}'")
    return con


def _sql_str(value: str) -> str:
    return value.replace("'", "''")


def _fresh(table: Path, jsonl: Path) -> bool:
    """A table written from the JSONL at the end of the same run (not left over from an earlier one)."""
    if not table.exists():
        return False
    if not jsonl.exists():
        return True
    return table.stat().st_mtime >= jsonl.stat().st_mtime


def _source(outdir: Path, name: str) -> Optional[str]:
    """A DuckDB table expression for OUTDIR's articles or events, or None when the run wrote none."""
    jsonl = outdir / f"{name}.jsonl"
    parquet = outdir / f"{name}.parquet"
    if _fresh(parquet, jsonl):
        target = parquet / "*.parquet" if parquet.is_dir() else parquet
        return f"read_parquet('{_sql_str(str(target))}')"
    if jsonl.exists() and jsonl.stat().st_size > 0:
        if name == "articles":
            columns = "{'article_id': 'VARCHAR', 'published': 'VARCHAR'}"
        else:
            columns = ("{'event_id': 'VARCHAR', 'article_id': 'VARCHAR', 'type': 'VARCHAR', 'status': 'VARCHAR', "
                       "'rate': 'DOUBLE', 'previous_rate': 'DOUBLE', 'imposer': 'VARCHAR', 'targets': 'VARCHAR[]', "
                       "'products': 'VARCHAR[]', 'parties': 'VARCHAR[]', "
                       "'date': 'STRUCT(value VARCHAR, \"start\" BIGINT, \"end\" BIGINT)', 'evidence': 'STRUCT(text VARCHAR, \"start\" BIGINT)', 'confidence': 'DOUBLE'}")
        return (f"read_json('{_sql_str(str(jsonl))}', format = 'newline_delimited', columns = {columns}, "
                f"maximum_object_size = 67108864, ignore_errors = true)")
    return None


def _columns(con, source: str) -> set[str]:
    return {row[0] for row in con.sql(f"DESCRIBE SELECT * FROM {source}").fetchall()}


def _event_query(con, outdir: Path) -> Optional[str]:
    events = _source(outdir, "events")
    if events is None:
        return None
    # Tables carry the date and evidence nested as in the JSONL (native tables) or flattened into
    # date_value, evidence_text, ... columns (flat tables, and runs written before native ones).
    if ".parquet" in events and "date_value" in _columns(con, events):
        dates = "e.date_value, e.date_start, e.date_end, e.evidence_text, e.evidence_start"
    else:
        dates = ('e.date.value AS date_value, e.date."start" AS date_start, e.date."end" AS date_end, '
                 'e.evidence.text AS evidence_text, e.evidence."start" AS evidence_start')
    articles = _source(outdir, "articles")
    join = (f"LEFT JOIN (SELECT article_id, CAST(min(published) AS VARCHAR) AS published FROM {articles} "
            f"GROUP BY article_id) a USING (article_id)") if articles else ""
    published = "a.published" if articles else "NULL"
    return (f"SELECT e.event_id, e.article_id, {published} AS published, e.type, e.status, e.rate, e.previous_rate, "
            f"e.imposer, e.targets, e.products, e.parties, {dates}, "
            f"e.confidence FROM {events} e {join}")


def _compact(row: EventRow) -> dict:
    kind, g_imposer, specific, key = group_key(row)
    return {
        "event_id": row.event_id, "article_id": row.article_id, "published": row.published, "type": row.type,
        "status": row.status, "rate": row.rate, "previous_rate": row.previous_rate, "imposer": row.imposer,
        "targets": "|".join(row.targets), "products": "|".join(row.products), "parties": "|".join(row.parties),
        "date": row.date, "confidence": row.confidence, "name": row.name, "total_cue": row.total_cue,
        "g_kind": kind, "g_imposer": g_imposer, "g_specific": specific, "g_key": key,
    }


def _split(value: Optional[str]) -> tuple[str, ...]:
    return tuple(value.split("|")) if value else ()


def _compact_schema():
    import pyarrow as pa

    s, f = pa.string(), pa.float64()
    types = {"rate": f, "previous_rate": f, "confidence": f, "total_cue": pa.bool_(), "g_kind": pa.int8(),
             "g_specific": pa.int8()}
    return pa.schema([(c, types.get(c, s)) for c in _COMPACT_COLUMNS])


def _compact_batch(batch) -> "pa.Table":  # noqa: F821 - pyarrow is imported lazily
    """One batch of projected events (an Arrow record batch) -> its compact rows as an Arrow table.
    The evidence text is read here and dropped."""
    import pyarrow as pa

    columns = batch.to_pydict()  # column lists: cheaper than a dict a row
    names = list(columns)
    out: dict[str, list] = {c: [] for c in _COMPACT_COLUMNS}
    appenders = [(c, out[c].append) for c in _COMPACT_COLUMNS]
    for values in zip(*columns.values()):
        event = dict(zip(names, values))
        if not all(isinstance(event.get(k), str) for k in ("event_id", "article_id", "type", "status")):
            continue  # a malformed line (DuckDB reads it as NULLs) fails alone; the events writer never writes one
        try:
            compact = _compact(event_row(event, event.get("published")))
        except (KeyError, TypeError, ValueError):
            continue
        for column, append in appenders:
            append(compact[column])
    return pa.Table.from_pydict(out, schema=_compact_schema())


def _batches(con, outdirs: Sequence[Path]) -> Iterator:
    for outdir in outdirs:
        query = _event_query(con, outdir)
        if query is None:
            continue
        try:
            reader = con.sql(query).to_arrow_reader(BATCH_ROWS)
        except Exception as exc:  # duckdb raises its own error types for unreadable files
            raise TariffwireError(Errors.E070.format(path=outdir, reason=str(exc).splitlines()[0])) from exc
        yield from reader


def _write_compact(con, outdirs: Sequence[Path], path: Path) -> int:
    """Pass 1: the compact rows of every event, in batches, into a temporary Parquet file."""
    import pyarrow.parquet as pq

    schema = _compact_schema()
    n = 0
    with pq.ParquetWriter(path, schema) as writer:
        writer.write_table(schema.empty_table())
        for batch in _batches(con, outdirs):
            table = _compact_batch(batch)
            writer.write_table(table)
            n += table.num_rows
    return n


def iter_groups(con, compact: Path) -> Iterator[tuple[tuple, list[EventRow]]]:
    """The compact rows, deduplicated by event_id, sorted by blocking key, one group at a time."""
    query = (
        f"SELECT * FROM read_parquet('{_sql_str(str(compact))}') "
        "QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY article_id, published NULLS FIRST) = 1 "
        "ORDER BY g_kind, g_imposer, g_specific, g_key, event_id"
    )
    reader = con.sql(query).to_arrow_reader(BATCH_ROWS)
    key: Optional[tuple] = None
    rows: list[EventRow] = []
    split_cache: dict[Optional[str], tuple[str, ...]] = {}

    def split(value: Optional[str]) -> tuple[str, ...]:  # few distinct keys: parse each once
        found = split_cache.get(value)
        if found is None:
            if len(split_cache) > 100_000:  # a bound: the run is out of core whatever its values
                split_cache.clear()
            found = split_cache[value] = _split(value)
        return found

    for batch in reader:
        c = batch.to_pydict()  # column lists: much cheaper than a dict a row
        built = map(EventRow._make, zip(
            c["event_id"], c["article_id"], c["published"], c["type"], c["status"], c["rate"], c["previous_rate"],
            [v or "" for v in c["imposer"]], map(split, c["targets"]), map(split, c["products"]), map(split, c["parties"]),
            c["date"], c["confidence"], c["name"], [bool(v) for v in c["total_cue"]]))
        for k, row in zip(zip(c["g_kind"], c["g_imposer"], c["g_specific"], c["g_key"]), built):
            if k != key and rows:
                yield key, rows
                rows = []
            key = k
            rows.append(row)
    if rows:
        yield key, rows


def consolidate_dirs(outdirs: Sequence[str | Path]) -> Iterator[Output]:
    """Measures and links from one or more run folders, streamed group by group. The folders are
    checked now, before anything is written."""
    dirs = [Path(d) for d in outdirs]
    for d in dirs:
        if not d.is_dir():
            raise TariffwireError(Errors.E070.format(path=d, reason="no such directory"))
        if not (d / "events.jsonl").exists() and not (d / "events.parquet").exists():
            raise TariffwireError(Errors.E070.format(path=d, reason="it holds no events.jsonl (not an extract output directory)"))
    return _consolidate_checked(dirs)


def _consolidate_checked(dirs: list[Path]) -> Iterator[Output]:
    workdir = Path(tempfile.mkdtemp(prefix="tariffwire-consolidate-"))
    try:
        con = _connect(workdir)
        try:
            compact = workdir / "rows.parquet"
            _write_compact(con, dirs, compact)
            yield from consolidate_groups(iter_groups(con, compact))
        finally:
            con.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def write_outputs(outputs: Iterator[Output], outdir: Path) -> tuple[int, int]:
    """measures.jsonl and measure_events.jsonl, atomically (temp + rename). Returns (measures, links)."""
    outdir.mkdir(parents=True, exist_ok=True)
    tmp_m = outdir / f".{MEASURES_FILE}.tmp"
    tmp_l = outdir / f".{LINKS_FILE}.tmp"
    n_measures = n_links = 0
    try:
        with tmp_m.open("w", encoding="utf-8") as fm, tmp_l.open("w", encoding="utf-8") as fl:
            for records, links in outputs:
                for r in records:
                    fm.write(r.model_dump_json() + "\n")
                for link in links:
                    fl.write(link.model_dump_json() + "\n")
                n_measures += len(records)
                n_links += len(links)
        os.replace(tmp_m, outdir / MEASURES_FILE)
        os.replace(tmp_l, outdir / LINKS_FILE)
    finally:
        for tmp in (tmp_m, tmp_l):
            tmp.unlink(missing_ok=True)
    return n_measures, n_links


def read_measures(outdir: str | Path) -> Iterator[dict]:
    path = Path(outdir) / MEASURES_FILE
    if not path.exists():
        raise TariffwireError(Errors.E071.format(path=outdir, outdir=outdir))
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)
