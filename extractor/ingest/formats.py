"""One reader a format: a file -> raw records (our field names -> values as found), lazily.

Records are isolated from each other by one mechanism, `isolate`, which the caller applies to
every reader in READERS (ingest/kinds.py): a reader yields `Unit`s, the pieces of a file that can fail alone (a JSONL
line, a JSON list item, a Parquet row group, a block of dataset rows, an HTML page), and any
exception while a unit is parsed becomes that unit's ArticleError; the next unit is read as if
nothing happened. A new reader (WARC, say) gets this for free: yield one Unit per record and
register the function in kinds.READERS. A reader may also yield a finished RawRecord or ArticleError.

Only an exception that escapes the reader itself, outside any unit (the next gzip block is
corrupt, the CSV tokenizer gives up), ends the file: the caller turns it into one ArticleError for
the rest of the file, and the records yielded before it are kept.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import uuid
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Union

from ..errors import ArticleError, Errors
from .decoding import SNIFF_BYTES, decode_bytes, looks_binary, sniff_encoding
from .html import Page, declared_charset

TEXT_FIELD = "text"
BATCH_ROWS = 1000
_REASON_CHARS = 300


@dataclass
class RawRecord:
    origin: str
    values: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    published_source: str = "input"  # what values["published"] is, when present (see Article)
    byline: list[str] = field(default_factory=list)  # a page's author metadata, used where the text has no byline


Item = Union[RawRecord, ArticleError]


@dataclass(frozen=True)
class Unit:
    """A piece of a file that fails alone. `parse()` yields its items (or smaller Units); `records`
    is how many input records the piece holds, counted as failed when it cannot be read."""

    origin: str
    parse: Callable[[], Iterable[Union[Item, "Unit"]]]
    records: int = 1


def isolate(pieces: Iterable[Union[Item, Unit]]) -> Iterator[Item]:
    """Items from a reader's pieces; an exception inside a Unit is that unit's error alone."""
    for piece in pieces:
        if not isinstance(piece, Unit):
            yield piece
            continue
        done = 0
        try:
            for item in piece.parse():
                if isinstance(item, Unit):
                    yield from isolate([item])
                    done += item.records
                else:
                    yield item
                    done += 1
        except ArticleError as err:
            yield err
        except Exception as err:  # any failure (RecursionError, a pyarrow error, ...) is this unit's only
            yield unit_error(piece, done, err)


def describe(err: BaseException) -> str:
    """'Type: first line of the message', short enough for one line of errors.jsonl."""
    text = next((line.strip() for line in str(err).splitlines() if line.strip()), "")
    reason = f"{type(err).__name__}: {text}" if text else type(err).__name__
    return reason if len(reason) <= _REASON_CHARS else reason[: _REASON_CHARS - 3] + "..."


def unit_error(unit: Unit, done: int, err: BaseException) -> ArticleError:
    lost = max(1, unit.records - done)
    if unit.records == 1:
        message = Errors.E012.format(origin=unit.origin, reason=describe(err))
    else:
        message = Errors.E013.format(count=lost, origin=unit.origin, reason=describe(err))
    return ArticleError(message, origin=unit.origin, records=lost)


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


def _parse_json(text: str, origin: str) -> Any:
    # Not only JSONDecodeError: nesting deeper than the parser's stack (RecursionError) and integers
    # of thousands of digits (ValueError) are bad JSON for us too.
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as err:
        reason = err if isinstance(err, json.JSONDecodeError) else describe(err)
        raise ArticleError(Errors.E004.format(origin=origin, reason=reason), origin=origin) from None


def _read_small(path: Path, opts: ReadOptions) -> bytes:
    """A whole one-article file; one far beyond max_chars is refused before it is read."""
    try:
        size = path.stat().st_size
        if size > 4 * opts.max_chars + 4:  # 4 bytes per character at most
            raise ArticleError(Errors.E011.format(origin=str(path), size=f"more than {size // 4}", limit=opts.max_chars), origin=str(path))
        data = path.read_bytes()
    except OSError as err:  # a dangling link, permissions, a link loop: the file's own error
        raise ArticleError(Errors.E003.format(path=path, reason=describe(err)), origin=str(path)) from None
    if not data:
        raise ArticleError(Errors.E003.format(path=path, reason="the file is empty"), origin=str(path))
    return data


def read_txt(path: Path, opts: ReadOptions) -> Iterator[Unit]:
    yield Unit(str(path), partial(_txt_record, path, opts))


def _txt_record(path: Path, opts: ReadOptions) -> Iterator[Item]:
    text, warnings = decode_bytes(_read_small(path, opts), str(path), opts.encoding_errors)
    yield RawRecord(str(path), {"id": path.stem, TEXT_FIELD: text}, warnings)


def read_html(path: Path, opts: ReadOptions) -> Iterator[Unit]:
    yield Unit(str(path), partial(_html_record, path, opts))


def _html_record(path: Path, opts: ReadOptions) -> Iterator[Item]:
    origin = str(path)
    data = _read_small(path, opts)
    html, warnings = decode_bytes(data, origin, opts.encoding_errors, fallback=declared_charset(data))
    assert opts.html_extract is not None
    page = opts.html_extract(html)
    values = {"id": path.stem, TEXT_FIELD: page.text, "headline": page.title, "published": page.date, "url": page.url, "source": page.site}
    yield RawRecord(origin, {k: v for k, v in values.items() if v is not None}, warnings, published_source="page", byline=list(page.authors))


def read_json(path: Path, opts: ReadOptions) -> Iterator[Union[Item, Unit]]:
    origin = str(path)
    try:
        text, warnings = decode_bytes(_read_small(path, opts), origin, opts.encoding_errors)
    except ArticleError as err:
        yield err
        return
    try:
        data = _parse_json(text, origin)
    except ArticleError as err:
        if not text.lstrip().startswith("["):
            yield err
            return
        # A list with a bad item in it (a syntax error, nesting too deep, a huge integer): cut
        # it at its top-level commas and parse the items one by one, so only the bad one fails.
        for number, item_text in enumerate(_split_json_list(text), start=1):
            item_origin = f"{path}:row {number}"
            yield Unit(item_origin, partial(_json_item_text, item_origin, item_text, opts, warnings))
        return
    if isinstance(data, dict):
        yield Unit(origin, partial(_json_object, origin, data, opts, warnings))
        return
    if not isinstance(data, list):
        yield _not_an_object(origin, data)
        return
    for number, item in enumerate(data, start=1):
        item_origin = f"{path}:row {number}"
        yield Unit(item_origin, partial(_json_object, item_origin, item, opts, warnings))


def _json_item_text(origin: str, text: str, opts: ReadOptions, warnings: list[str]) -> Iterator[Item]:
    yield from _json_object(origin, _parse_json(text, origin), opts, warnings)


def _split_json_list(text: str) -> Iterator[str]:
    """The texts of a JSON list's items, cut at its top-level commas without parsing them (only
    strings and brackets are followed). Raises ValueError where the list itself is broken."""
    start = text.index("[") + 1
    depth, in_string, escaped, item_start = 0, False, False, start
    for pos in range(start, len(text)):
        char = text[pos]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            if depth == 0:
                if char == "}":
                    raise ValueError(f"a '}}' closes nothing at character {pos}")
                if text[item_start:pos].strip():  # not after a trailing comma
                    yield text[item_start:pos]
                if text[pos + 1:].strip():
                    raise ValueError(f"text after the end of the list at character {pos + 1}")
                return
            depth -= 1
        elif char == "," and depth == 0:
            yield text[item_start:pos]
            item_start = pos + 1
    raise ValueError("the list is never closed")


def _json_object(origin: str, data: Any, opts: ReadOptions, warnings: list[str]) -> Iterator[Item]:
    if isinstance(data, dict):
        yield RawRecord(origin, _map(data, opts.fields), list(warnings))
    else:
        yield _not_an_object(origin, data)


# The first characters a JSON value can have: a line starting so is a record, however bad.
_JSON_STARTS = tuple(bytes([c]) for c in b'{["-0123456789tfn')


def _has_clean_line(head: bytes, start: bytes | tuple[bytes, ...]) -> bool:
    """Is there a line in `head` that starts with `start` and is UTF-8 text without NUL? Then NUL
    bytes elsewhere are a bad record's, to be refused alone, and the file is text, not binary."""
    for line in head.split(b"\n"):
        if line.lstrip().startswith(start) and b"\x00" not in line:
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                continue
            return True
    return False


def _open_binary(path: Path):
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def read_jsonl(path: Path, opts: ReadOptions) -> Iterator[Union[Item, Unit]]:
    with _open_binary(path) as stream:
        buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)
        head = buffered.peek(SNIFF_BYTES)[:SNIFF_BYTES]
        if not head:
            yield ArticleError(Errors.E003.format(path=path, reason="the file is empty"), origin=str(path))
            return
        encoding = sniff_encoding(head)
        if looks_binary(head, encoding) and not _has_clean_line(head, _JSON_STARTS):
            yield ArticleError(Errors.E010.format(origin=path), origin=str(path))
            return
        if encoding.startswith("utf-8"):
            # Line by line in bytes, so that one bad line gets the warning and the others do not.
            lines: Iterator[bytes | str] = buffered
        else:
            lines = io.TextIOWrapper(buffered, encoding=encoding, errors=opts.encoding_errors, newline="")
        for number, line in enumerate(lines, start=1):
            origin = f"{path}:{number}"
            yield Unit(origin, partial(_jsonl_line, line, origin, number == 1, opts))


def _jsonl_line(line: bytes | str, origin: str, first: bool, opts: ReadOptions) -> Iterator[Item]:
    if isinstance(line, bytes):
        if first:
            line = line.removeprefix(b"\xef\xbb\xbf")
        text, warnings = decode_bytes(line, origin, opts.encoding_errors)
    else:
        text, warnings = line, []
    if not text.strip():
        return
    try:
        values = [_parse_json(text, origin)]
    except ArticleError:
        values = _json_values(text, origin)  # several objects on one line (or CR-only line ends)
        if values is None:
            raise
    for number, data in enumerate(values, start=1):
        value_origin = origin if number == 1 else f"{origin}.{number}"
        if isinstance(data, dict):
            yield RawRecord(value_origin, _map(data, opts.fields), warnings)
        else:
            yield _not_an_object(value_origin, data)


_DECODER = json.JSONDecoder()


def _json_values(text: str, origin: str) -> list[Any] | None:
    """The values of a line that holds several JSON texts one after another, or None when it is
    not that (then the line is simply bad)."""
    values, pos, end = [], 0, len(text)
    try:
        while True:
            while pos < end and text[pos] in " \t\r\n":
                pos += 1
            if pos == end:
                break
            value, pos = _DECODER.raw_decode(text, pos)
            values.append(value)
    except (ValueError, RecursionError):
        return None
    return values if len(values) > 1 else None


def _rows(path: Path, rows: Iterable[dict[str, Any]], opts: ReadOptions, start: int = 1, prefix: str = "") -> Iterator[Item]:
    for number, row in enumerate(rows, start=start):
        values = {k: v for k, v in _map(row, opts.fields).items() if v is not None}
        yield RawRecord(f"{path}{prefix}:row {number}", values)


def _missing_text_column(path: Path, columns: list[str], opts: ReadOptions) -> ArticleError | None:
    text_column = opts.fields[TEXT_FIELD]
    if text_column in columns:
        return None
    message = Errors.E007.format(path=path, field=text_column, columns=", ".join(map(str, columns)))
    return ArticleError(message, origin=str(path))


# Fields as long as ingest.max_chars allows (4 bytes a character) must reach the E011 check: the
# csv module's default limit (131,072) would end the whole file at the first long article.
_CSV_FIELD_LIMIT = 2**31 - 1


def read_csv(path: Path, opts: ReadOptions) -> Iterator[Item]:
    """Rows in chunks. A row with more fields than the header is skipped through pandas'
    on_bad_lines hook and reported in its place, with its row and line numbers."""
    import pandas as pd

    with open(path, "rb") as stream:
        head = stream.read(SNIFF_BYTES)
    if not head:
        yield ArticleError(Errors.E003.format(path=path, reason="the file is empty"), origin=str(path))
        return
    encoding = sniff_encoding(head)
    if looks_binary(head, encoding) and not _has_clean_line(head.split(b"\n", 1)[0], b""):
        yield ArticleError(Errors.E010.format(origin=path), origin=str(path))
        return
    # Every cell as a string, and only an empty cell as missing: a headline "NA" stays "NA".
    options = dict(dtype=str, keep_default_na=False, na_values=[""], encoding=encoding, encoding_errors=opts.encoding_errors)
    columns = list(pd.read_csv(path, nrows=0, **options).columns)
    error = _missing_text_column(path, columns, opts)
    if error is not None:
        yield error
        return
    if csv.field_size_limit() < _CSV_FIELD_LIMIT:
        csv.field_size_limit(_CSV_FIELD_LIMIT)
    # The hook cannot say where a bad row was; it puts a marker row in its place instead (pandas
    # keeps a returned row where the bad one stood), so every row keeps its number.
    marker = f"\x00tariffwire-bad-row-{uuid.uuid4().hex}"
    bad_rows: list[int] = []

    def on_bad_line(fields: list[str]) -> list[str]:
        bad_rows.append(len(fields))
        return [marker]

    number = 0  # the header is row 0, read as a data row (below)
    lenient = _LenientCsvRows(path, encoding, opts.encoding_errors)
    try:
        # The header is read as the first data row, under its own names, and dropped: otherwise
        # pandas takes a row with one field too many for an index column, or a first row longer
        # than the header for the true width, and such rows would be cut silently, not skipped.
        with pd.read_csv(path, chunksize=BATCH_ROWS, engine="python", on_bad_lines=on_bad_line, names=columns,
                         header=None, index_col=False, **options) as chunks:
            for chunk in chunks:
                bad_fields = iter(bad_rows)
                rows = chunk.astype(object).where(chunk.notna(), None).to_dict("records")
                first = chunk.columns[0]
                for offset, row in enumerate(rows):
                    row_number = number + offset
                    if row.get(first) == marker:
                        yield _bad_csv_row(path, row_number, lenient.line_of(row_number), next(bad_fields), len(columns))
                    elif row_number > 0:
                        yield _csv_record(path, row, row_number, opts)
                bad_rows.clear()
                number += len(rows)
    except (csv.Error, pd.errors.ParserError):
        # pandas' tokenizer is strict: a stray quote inside a quoted field ends it, and the chunk
        # it was in. The rest, from that chunk's first row, is read by the stdlib's lenient
        # tokenizer, which otherwise cuts rows as pandas' does (pandas uses it underneath).
        yield from _read_csv_leniently(path, opts, columns, lenient, number)
    finally:
        lenient.close()


def _read_csv_leniently(path: Path, opts: ReadOptions, columns: list[str], rows: "_LenientCsvRows", first: int) -> Iterator[Item]:
    """Rows from `first` on. A quote that is never closed would make its row swallow the rest of
    the file: that row is an error (E016), and the lines after its first line are read as rows."""
    while True:
        held = None
        for row in rows.rows_from(max(first, 1)):  # row 0 is the header
            if held is not None:
                yield _lenient_item(path, opts, columns, *held)
            held = row
        if held is None:
            return
        number, line, fields = held
        if not rows.quote_never_closes(line):
            yield _lenient_item(path, opts, columns, *held)
            return
        origin = f"{path}:row {number}"
        yield ArticleError(Errors.E016.format(origin=origin, line=line), origin=origin)
        rows.restart_after(line, number)
        first = number + 1


def _lenient_item(path: Path, opts: ReadOptions, columns: list[str], number: int, line: int, fields: list[str]) -> Item:
    if len(fields) > len(columns):
        return _bad_csv_row(path, number, line, len(fields), len(columns))
    return _csv_record(path, dict(zip(columns, [f if f != "" else None for f in fields])), number, opts)


def _csv_record(path: Path, row: dict[str, Any], number: int, opts: ReadOptions) -> RawRecord:
    [record] = _rows(path, [row], opts, start=number)
    text = record.values.get(TEXT_FIELD)
    if isinstance(text, str) and "\ufffd" in text and opts.encoding_errors != "strict":
        record.warnings.append(Errors.E009.format(origin=record.origin))
    return record


def _bad_csv_row(path: Path, number: int, line: int | str, found: int, expected: int) -> ArticleError:
    origin = f"{path}:row {number}"
    return ArticleError(Errors.E014.format(origin=origin, line=line, found=found, expected=expected), origin=origin)


class _LenientCsvRows:
    """The stdlib's (non-strict) reading of a CSV file, moving forward only when asked: the line
    each data row starts on (a quoted field may span lines), for bad rows' messages, and the rows
    themselves after pandas gave up. Rows are counted as pandas counts them: blank lines are not
    rows, the header is row 0. Files without bad rows are never read here."""

    def __init__(self, path: Path, encoding: str, errors: str):
        self._args = (path, encoding, errors)
        self._reader = None
        self._fh = None
        self._row = -1
        self._skipped = 0  # lines before this reader's first (after restart_after)
        self._start = 1

    def _open(self):
        path, encoding, errors = self._args
        return open(path, encoding=encoding, errors=errors, newline="")

    def _next(self) -> tuple[int, int, list[str]]:
        """(row number, the line it starts on, its fields) of the next data row; StopIteration at the end."""
        if self._reader is None:
            self._fh = self._open()
            self._reader = csv.reader(self._fh)
        while True:
            fields = next(self._reader)
            start, self._start = self._start, self._skipped + self._reader.line_num + 1
            if len(fields) > 1 or (fields and fields[0].strip()):
                self._row += 1
                return self._row, start, fields

    def line_of(self, wanted: int) -> int | str:
        try:
            while self._row < wanted:
                row, start, _ = self._next()
                if row == wanted:
                    return start
        except (StopIteration, csv.Error, OSError):
            pass
        return "?"

    def rows_from(self, first: int) -> Iterator[tuple[int, int, list[str]]]:
        while True:
            try:
                row, start, fields = self._next()
            except StopIteration:
                return
            if row >= first:
                yield row, start, fields

    def quote_never_closes(self, line: int) -> bool:
        """Does the row on `line` open a quote that runs to the end of the file?"""
        with self._open() as fh:
            for _ in range(line - 1):
                fh.readline()
            try:
                for _ in csv.reader(fh, strict=True):
                    pass
            except csv.Error as err:
                return "unexpected end of data" in str(err)
        return False

    def restart_after(self, line: int, row: int) -> None:
        """Go on at the line after `line`, as if row `row` had ended there."""
        self.close()
        self._fh = self._open()
        for _ in range(line):
            self._fh.readline()
        self._reader = csv.reader(self._fh)
        self._row, self._skipped, self._start = row, line, line + 1

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def read_parquet(path: Path, opts: ReadOptions) -> Iterator[Union[Item, Unit]]:
    """One Unit a row group: a corrupt row group fails with all its rows, the others are read."""
    import pyarrow.parquet as pq

    with pq.ParquetFile(path) as parquet:
        columns = list(parquet.schema_arrow.names)
        error = _missing_text_column(path, columns, opts)
        if error is not None:
            yield error
            return
        wanted = [c for c in dict.fromkeys(opts.fields.values()) if c in columns]
        number = 1
        for group in range(parquet.num_row_groups):
            size = parquet.metadata.row_group(group).num_rows
            origin = f"{path}:row group {group + 1} (rows {number}-{number + size - 1})"
            yield Unit(origin, partial(_row_group, path, parquet, group, wanted, number, opts), records=size)
            number += size


def _row_group(path: Path, parquet, group: int, columns: list[str], start: int, opts: ReadOptions) -> Iterator[Item]:
    number = start
    for batch in parquet.iter_batches(batch_size=BATCH_ROWS, row_groups=[group], columns=columns):
        rows = batch.to_pylist()
        yield from _rows(path, rows, opts, start=number)
        number += len(rows)


def read_dataset(path: Path, opts: ReadOptions) -> Iterator[Union[Item, Unit]]:
    """One Unit a block of rows; a block that cannot be read is read again row by row."""
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
        for start in range(0, split.num_rows, BATCH_ROWS):
            stop = min(start + BATCH_ROWS, split.num_rows)
            origin = f"{path}{prefix}:rows {start + 1}-{stop}"
            yield Unit(origin, partial(_dataset_block, path, prefix, split, start, stop, opts), records=stop - start)


def _dataset_block(path: Path, prefix: str, split, start: int, stop: int, opts: ReadOptions) -> Iterator[Union[Item, Unit]]:
    try:
        columns = split[start:stop]
        rows = [dict(zip(columns, values)) for values in zip(*columns.values())]
    except Exception:  # one bad row spoils the block: read it row by row, so that only that row fails
        for index in range(start, stop):
            yield Unit(f"{path}{prefix}:row {index + 1}", partial(_dataset_row, path, prefix, split, index, opts))
        return
    yield from _rows(path, rows, opts, start=start + 1, prefix=prefix)


def _dataset_row(path: Path, prefix: str, split, index: int, opts: ReadOptions) -> Iterator[Item]:
    yield from _rows(path, [split[index]], opts, start=index + 1, prefix=prefix)
