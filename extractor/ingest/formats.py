"""One reader a format: a file -> raw records (our field names -> values as found), lazily.

Readers yield `RawRecord`s, or an `ArticleError` for a record they cannot read; an exception that
escapes a reader is turned into one ArticleError for the file by the caller.
"""
from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Union

from ..errors import ArticleError, Errors
from .decoding import SNIFF_BYTES, decode_bytes, looks_binary, sniff_encoding
from .html import Page, declared_charset

TEXT_FIELD = "text"
BATCH_ROWS = 1000


@dataclass
class RawRecord:
    origin: str
    values: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    published_source: str = "input"  # what values["published"] is, when present (see Article)
    byline: list[str] = field(default_factory=list)  # a page's author metadata, used where the text has no byline


Item = Union[RawRecord, ArticleError]


@dataclass(frozen=True)
class ReadOptions:
    fields: Mapping[str, str]  # our name -> the input's name
    encoding_errors: str = "replace"
    max_chars: int = 2_000_000
    html_extract: Callable[..., Page] | None = None  # (html, url=None) -> Page


def _map(record: Mapping[str, Any], fields: Mapping[str, str]) -> dict[str, Any]:
    return {ours: record[theirs] for ours, theirs in fields.items() if theirs in record}


def _not_an_object(origin: str, value: Any) -> ArticleError:
    message = Errors.E006.format(origin=origin, field="(record)", type=type(value).__name__, expected="a JSON object")
    return ArticleError(message, origin=origin)


def _read_small(path: Path, opts: ReadOptions) -> bytes:
    """A whole one-article file; one far beyond max_chars is refused before it is read."""
    size = path.stat().st_size
    if size > 4 * opts.max_chars + 4:  # 4 bytes per character at most
        raise ArticleError(Errors.E011.format(origin=str(path), size=f"more than {size // 4}", limit=opts.max_chars), origin=str(path))
    data = path.read_bytes()
    if not data:
        raise ArticleError(Errors.E003.format(path=path, reason="the file is empty"), origin=str(path))
    return data


def read_txt(path: Path, opts: ReadOptions) -> Iterator[Item]:
    origin = str(path)
    try:
        text, warnings = decode_bytes(_read_small(path, opts), origin, opts.encoding_errors)
    except ArticleError as err:
        yield err
        return
    yield RawRecord(origin, {"id": path.stem, TEXT_FIELD: text}, warnings)


def read_html(path: Path, opts: ReadOptions) -> Iterator[Item]:
    origin = str(path)
    try:
        data = _read_small(path, opts)
        html, warnings = decode_bytes(data, origin, opts.encoding_errors, fallback=declared_charset(data))
    except ArticleError as err:
        yield err
        return
    assert opts.html_extract is not None
    page = opts.html_extract(html)
    values = {"id": path.stem, TEXT_FIELD: page.text, "headline": page.title, "published": page.date, "url": page.url, "source": page.site}
    yield RawRecord(origin, {k: v for k, v in values.items() if v is not None}, warnings, published_source="page", byline=list(page.authors))


def read_json(path: Path, opts: ReadOptions) -> Iterator[Item]:
    origin = str(path)
    try:
        text, warnings = decode_bytes(_read_small(path, opts), origin, opts.encoding_errors)
        data = json.loads(text)
    except ArticleError as err:
        yield err
        return
    except json.JSONDecodeError as err:
        yield ArticleError(Errors.E004.format(origin=origin, reason=err), origin=origin)
        return
    if isinstance(data, dict):
        yield RawRecord(origin, _map(data, opts.fields), warnings)
        return
    if not isinstance(data, list):
        yield _not_an_object(origin, data)
        return
    for number, item in enumerate(data, start=1):
        item_origin = f"{path}:row {number}"
        if isinstance(item, dict):
            yield RawRecord(item_origin, _map(item, opts.fields), list(warnings))
        else:
            yield _not_an_object(item_origin, item)


def _open_binary(path: Path):
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def read_jsonl(path: Path, opts: ReadOptions) -> Iterator[Item]:
    with _open_binary(path) as stream:
        buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)
        head = buffered.peek(SNIFF_BYTES)[:SNIFF_BYTES]
        if not head:
            yield ArticleError(Errors.E003.format(path=path, reason="the file is empty"), origin=str(path))
            return
        encoding = sniff_encoding(head)
        if looks_binary(head, encoding):
            yield ArticleError(Errors.E010.format(origin=path), origin=str(path))
            return
        if encoding.startswith("utf-8"):
            # Line by line in bytes, so that one bad line gets the warning and the others do not.
            lines: Iterator[tuple[bytes | str]] = buffered
        else:
            lines = io.TextIOWrapper(buffered, encoding=encoding, errors=opts.encoding_errors, newline="")
        for number, line in enumerate(lines, start=1):
            origin = f"{path}:{number}"
            try:
                if isinstance(line, bytes):
                    if number == 1:
                        line = line.removeprefix(b"\xef\xbb\xbf")
                    text, warnings = decode_bytes(line, origin, opts.encoding_errors)
                else:
                    text, warnings = line, []
            except ArticleError as err:
                yield err
                continue
            if not text.strip():
                continue
            try:
                data = json.loads(text)
            except json.JSONDecodeError as err:
                yield ArticleError(Errors.E004.format(origin=origin, reason=err), origin=origin)
                continue
            if isinstance(data, dict):
                yield RawRecord(origin, _map(data, opts.fields), warnings)
            else:
                yield _not_an_object(origin, data)


def _rows(path: Path, rows: Iterator[dict[str, Any]], opts: ReadOptions, start: int = 1, prefix: str = "") -> Iterator[Item]:
    for number, row in enumerate(rows, start=start):
        values = {k: v for k, v in _map(row, opts.fields).items() if v is not None}
        yield RawRecord(f"{path}{prefix}:row {number}", values)


def _missing_text_column(path: Path, columns: list[str], opts: ReadOptions) -> ArticleError | None:
    text_column = opts.fields[TEXT_FIELD]
    if text_column in columns:
        return None
    message = Errors.E007.format(path=path, field=text_column, columns=", ".join(map(str, columns)))
    return ArticleError(message, origin=str(path))


def read_csv(path: Path, opts: ReadOptions) -> Iterator[Item]:
    import pandas as pd

    with open(path, "rb") as stream:
        head = stream.read(SNIFF_BYTES)
    if not head:
        yield ArticleError(Errors.E003.format(path=path, reason="the file is empty"), origin=str(path))
        return
    encoding = sniff_encoding(head)
    if looks_binary(head, encoding):
        yield ArticleError(Errors.E010.format(origin=path), origin=str(path))
        return
    # Every cell as a string, and only an empty cell as missing: a headline "NA" stays "NA".
    options = dict(dtype=str, keep_default_na=False, na_values=[""], encoding=encoding, encoding_errors=opts.encoding_errors)
    columns = list(pd.read_csv(path, nrows=0, **options).columns)
    error = _missing_text_column(path, columns, opts)
    if error is not None:
        yield error
        return
    number = 1
    with pd.read_csv(path, chunksize=BATCH_ROWS, **options) as chunks:
        for chunk in chunks:
            rows = chunk.astype(object).where(chunk.notna(), None).to_dict("records")
            for record in _rows(path, iter(rows), opts, start=number):
                text = record.values.get(TEXT_FIELD)
                if isinstance(text, str) and "\ufffd" in text and opts.encoding_errors != "strict":
                    record.warnings.append(Errors.E009.format(origin=record.origin))
                yield record
            number += len(rows)


def read_parquet(path: Path, opts: ReadOptions) -> Iterator[Item]:
    import pyarrow.parquet as pq

    with pq.ParquetFile(path) as parquet:
        columns = list(parquet.schema_arrow.names)
        error = _missing_text_column(path, columns, opts)
        if error is not None:
            yield error
            return
        wanted = [c for c in dict.fromkeys(opts.fields.values()) if c in columns]
        number = 1
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=wanted):
            rows = batch.to_pylist()
            yield from _rows(path, iter(rows), opts, start=number)
            number += len(rows)


def read_dataset(path: Path, opts: ReadOptions) -> Iterator[Item]:
    import datasets

    loaded = datasets.load_from_disk(str(path))
    if isinstance(loaded, datasets.DatasetDict):
        splits = [(f"[{name}]", loaded[name]) for name in sorted(loaded)]
    else:
        splits = [("", loaded)]
    for prefix, split in splits:
        error = _missing_text_column(path, list(split.column_names), opts)
        if error is not None:
            yield error
            continue
        yield from _rows(path, iter(split), opts, prefix=prefix)


def read_warc(path: Path, opts: ReadOptions) -> Iterator[Item]:
    from .warc import read_warc as read_records  # its own module; FastWARC loads on first use

    return read_records(path, opts)


READERS: dict[str, Callable[[Path, ReadOptions], Iterator[Item]]] = {
    ".txt": read_txt,
    ".json": read_json,
    ".jsonl": read_jsonl,
    ".jsonl.gz": read_jsonl,
    ".csv": read_csv,
    ".parquet": read_parquet,
    ".html": read_html,
    ".htm": read_html,
    "dataset": read_dataset,
    ".warc": read_warc,
    ".warc.gz": read_warc,
}
