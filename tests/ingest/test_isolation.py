"""One bad record never takes its neighbours: every reader isolates its records (issue 10).

The property test at the end writes each format with good records around random bad ones and
checks that every good record comes out once and every bad one has an error.
"""
import json
import os
import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.errors import ArticleError
from extractor.ingest import Article, make_ingestor
from extractor.ingest.formats import RawRecord, ReadOptions, Unit, isolate
from extractor.ingest.kinds import READERS


def good(n):
    return {"id": f"good-{n}", "text": f"Good article number {n} about tariffs."}


def jsonl_line(record):
    return json.dumps(record).encode() + b"\n"


DEEP_NESTING = b'{"id": "deep", "text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"
HUGE_INTEGER = b'{"id": "big", "text": "x", "n": ' + b"9" * 5000 + b"}\n"


@pytest.mark.parametrize("bad", [DEEP_NESTING, HUGE_INTEGER, b"[" * 100_000 + b"\n", b"9" * 10_000 + b"\n"],
                         ids=["deep-object", "huge-int", "deep-array", "huge-bare-int"])
def test_isolation_jsonl_line_that_breaks_the_parser_fails_alone(tmp_path, read, bad):
    path = tmp_path / "a.jsonl"
    path.write_bytes(jsonl_line(good(1)) + bad + jsonl_line(good(2)) + jsonl_line(good(3)))
    articles, [error] = read(path)
    assert [a.id for a in articles] == ["good-1", "good-2", "good-3"]
    assert error.origin == f"{path}:2" and "not valid JSON" in str(error)


def test_isolation_jsonl_nul_byte_in_the_first_line_is_that_lines_error(tmp_path, read):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"id": "nul\x00", "text": "x"}\n' + jsonl_line(good(1)))
    articles, [error] = read(path)
    assert [a.id for a in articles] == ["good-1"] and error.origin == f"{path}:1"


def test_isolation_jsonl_nul_line_among_lines_that_are_not_objects(tmp_path, read):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"bad\xff\x00\nnull\n[1, 2]\n')  # text lines, all bad: one error each, not "binary file"
    articles, errors = read(path)
    assert articles == [] and [e.origin for e in errors] == [f"{path}:{n}" for n in (1, 2, 3)]


def test_isolation_json_list_with_an_item_that_breaks_the_parser(tmp_path, read):
    path = tmp_path / "a.json"
    items = [json.dumps(good(1)), '{"id": "deep", "n": ' + "[" * 100_000 + "]" * 100_000 + "}", json.dumps(good(2)),
             '{"id": "big", "n": ' + "9" * 5000 + "}", '{"id": "x" "text": "no comma"}', json.dumps(good(3))]
    path.write_text("[" + ",\n".join(items) + "]", encoding="utf-8")
    articles, errors = read(path)
    assert [a.id for a in articles] == ["good-1", "good-2", "good-3"]
    assert [e.origin for e in errors] == [f"{path}:row {n}" for n in (2, 4, 5)]


def test_isolation_json_list_cut_short_keeps_the_items_before(tmp_path, read):
    path = tmp_path / "a.json"
    path.write_text("[" + json.dumps(good(1)) + ", " + json.dumps(good(2)) + ', {"id": "cut", "te', encoding="utf-8")
    articles, [error] = read(path)
    assert [a.id for a in articles] == ["good-1", "good-2"] and "is lost" in str(error)


def test_isolation_csv_row_with_extra_fields_is_skipped_alone(tmp_path, read):
    path = tmp_path / "a.csv"
    lines = ["id,text"] + [f"r{i},Text {i}." for i in range(3000)]
    lines[1501] = "bad,too,many,fields"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles, [error] = read(path)
    assert len(articles) == 2999 and articles[-1].id == "r2999"
    assert error.origin == f"{path}:row 1501"
    assert "(line 1502)" in str(error) and "4 fields where the header has 2" in str(error)


def test_isolation_csv_bad_rows_reported_in_place_with_their_lines(tmp_path, read, monkeypatch):
    from extractor.ingest import formats

    monkeypatch.setattr(formats, "BATCH_ROWS", 3)
    path = tmp_path / "a.csv"
    # A quoted field over two lines, a blank line, and bad rows at the start, middle and end of chunks.
    path.write_text('id,text\nx1,a,b\nr1,"two\nlines"\n\nr2,ok\nx2,c,d,e\nr3,ok\nr4,ok\nx3,f,g\n', encoding="utf-8")
    results = list(make_ingestor().iter_records([str(path)]))
    seen = [r.id if isinstance(r, Article) else (r.origin.rsplit(":", 1)[1], str(r).split("(line ")[1].split(")")[0])
            for r in results]
    assert seen == [("row 1", "2"), "r1", "r2", ("row 4", "7"), "r3", "r4", ("row 7", "10")]


def test_isolation_csv_stray_quote_does_not_end_the_file(tmp_path, read, monkeypatch):
    """pandas' tokenizer is strict about a quote inside a quoted field and gives up on the file;
    the rest, from the chunk it was in, is read leniently, bad rows still reported."""
    from extractor.ingest import formats

    monkeypatch.setattr(formats, "BATCH_ROWS", 4)
    path = tmp_path / "a.csv"
    path.write_text('id,text\nr1,ok\nr2,ok\nr3,ok\nr4,ok\nr5,ok\nq,"a "quoted" word"\nx,1,2\nr6,ok\n', encoding="utf-8")
    articles, [error] = read(path)
    assert [a.id for a in articles] == ["r1", "r2", "r3", "r4", "r5", "q", "r6"]
    assert error.origin == f"{path}:row 7" and "(line 8)" in str(error)


@pytest.mark.parametrize("separator", [b"", b"\r", b" "])
def test_isolation_jsonl_several_objects_on_one_line(tmp_path, read, separator):
    path = tmp_path / "a.jsonl"
    path.write_bytes(jsonl_line(good(1))[:-1] + separator + jsonl_line(good(2)) + b'{"bad"}{"id": "x"}\n' + jsonl_line(good(3)))
    articles, [error] = read(path)
    assert [(a.id, a.origin.rsplit(":", 1)[1]) for a in articles] == [("good-1", "1"), ("good-2", "1.2"), ("good-3", "3")]
    assert error.origin == f"{path}:2"


def test_isolation_csv_quote_never_closed_is_that_rows_error(tmp_path, read):
    path = tmp_path / "a.csv"
    path.write_text('id,text\nr1,"two\nlines"\nq,"opened\nr2,ok\nx,1,2\nr3,ok\n', encoding="utf-8")
    results = list(make_ingestor().iter_records([str(path)]))
    seen = [r.id if isinstance(r, Article) else (r.origin.rsplit(":", 1)[1], str(r).split("(line ")[1].split(")")[0])
            for r in results]
    assert seen == ["r1", ("row 2", "4"), "r2", ("row 4", "6"), "r3"]
    assert "never closed" in str(results[1]) and "fields where the header has 2" in str(results[3])


def test_isolation_csv_long_field_is_not_a_file_error(tmp_path, read):
    path = tmp_path / "a.csv"
    path.write_text(f"id,text\nlong,{'word ' * 40_000}\nr2,ok\n", encoding="utf-8")  # over csv's 131,072 limit
    articles, errors = read(path)
    assert [a.id for a in articles] == ["long", "r2"] and errors == []


def _corrupt_row_group(path, group):
    column = pq.ParquetFile(path).metadata.row_group(group).column(0)
    start = column.dictionary_page_offset or column.data_page_offset
    with open(path, "r+b") as fh:
        fh.seek(start)
        fh.write(b"\xff" * min(64, column.total_compressed_size))


def test_isolation_parquet_corrupt_row_group_fails_with_its_rows_only(tmp_path, read):
    path = tmp_path / "a.parquet"
    pq.write_table(pa.Table.from_pylist([good(n) for n in range(9)]), path, row_group_size=3)
    _corrupt_row_group(path, 1)
    articles, [error] = read(path)
    assert [a.id for a in articles] == ["good-0", "good-1", "good-2", "good-6", "good-7", "good-8"]
    assert error.records == 3 and "row group 2 (rows 4-6)" in error.origin


def test_isolation_html_extractor_crash_fails_that_page_only(tmp_path):
    def extract(html):
        if "boom" in html:
            raise RecursionError("maximum recursion depth exceeded")
        from extractor.ingest.html import extract_builtin

        return extract_builtin(html)

    (tmp_path / "a.html").write_text("<p>boom</p>")
    (tmp_path / "b.html").write_text("<p>Fine page.</p>")
    opts = ReadOptions(fields={"text": "text"}, html_extract=extract)
    items = [item for name in ("a.html", "b.html") for item in isolate(READERS[".html"](tmp_path / name, opts))]
    assert isinstance(items[0], ArticleError) and "RecursionError" in str(items[0])
    assert isinstance(items[1], RawRecord) and items[1].values["text"] == "Fine page."


def test_isolation_dataset_bad_block_is_read_again_row_by_row():
    class Split:  # a dataset whose row 5 cannot be decoded
        num_rows = 8
        column_names = ["id", "text"]

        def __getitem__(self, key):
            rows = range(self.num_rows)[key] if isinstance(key, slice) else [key]
            if 5 in rows:
                raise ValueError("cannot decode row 5")
            if isinstance(key, slice):
                return {"id": [f"d{i}" for i in rows], "text": [f"Text {i}." for i in rows]}
            return {"id": f"d{key}", "text": f"Text {key}."}

    from extractor.ingest import formats

    opts = ReadOptions(fields={"id": "id", "text": "text"})
    items = list(isolate([Unit("ds:rows 1-8", lambda: formats._dataset_block("ds", "", Split(), 0, 8, opts), records=8)]))
    assert [i.values["id"] if isinstance(i, RawRecord) else "error" for i in items] == [
        "d0", "d1", "d2", "d3", "d4", "error", "d6", "d7"]
    assert items[5].origin == "ds:row 6"


def test_isolation_a_new_reader_gets_isolation_for_free(tmp_path, monkeypatch):
    """What a WARC reader will do: one Unit per record, registered in READERS; nothing else."""
    from extractor.ingest import kinds, sources

    def read_lines(path, opts):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            def parse(line=line, origin=f"{path}:{number}"):
                if line == "bad":
                    raise KeyError("no such field")
                yield RawRecord(origin, {"id": line, "text": f"Text of {line}."})
            yield Unit(f"{path}:{number}", parse)

    monkeypatch.setitem(kinds.READERS, ".lines", read_lines)
    monkeypatch.setattr(sources, "EXTENSIONS", sources.EXTENSIONS + (".lines",))
    (tmp_path / "a.lines").write_text("one\nbad\ntwo\n")
    results = list(make_ingestor().iter_records([str(tmp_path)]))
    assert [r.id if isinstance(r, Article) else r.origin for r in results] == ["one", f"{tmp_path / 'a.lines'}:2", "two"]


def test_isolation_file_level_error_says_how_much_was_read(tmp_path, read):
    import gzip

    data = gzip.compress(b"".join(jsonl_line(good(n)) for n in range(5000)))
    (tmp_path / "a.jsonl.gz").write_bytes(data[: len(data) // 2])
    articles, [error] = read(tmp_path / "a.jsonl.gz")
    assert f"({len(articles)} records read before it) is lost" in str(error)
    assert error.code == "E015"  # the code it was raised with (E003's shorter template would match the text too)


def test_isolation_symlink_loop_and_fifo_in_a_folder(tmp_path, read):
    (tmp_path / "loop.jsonl").symlink_to(tmp_path / "loop.jsonl")
    os.mkfifo(tmp_path / "pipe.jsonl")
    (tmp_path / "z.jsonl").write_bytes(jsonl_line(good(1)))
    articles, errors = read(tmp_path)
    assert [a.id for a in articles] == ["good-1"]
    by_origin = {e.origin: str(e) for e in errors}
    assert "not a regular file (a FIFO)" in by_origin[str(tmp_path / "pipe.jsonl")]
    assert "Cannot read" in by_origin[str(tmp_path / "loop.jsonl")]


def test_isolation_folder_that_cannot_be_listed_is_reported(tmp_path, read, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.jsonl").write_bytes(jsonl_line(good(1)))
    (tmp_path / "z.jsonl").write_bytes(jsonl_line(good(2)))
    real_scandir = os.scandir

    def scandir(path="."):  # as for a folder without read permission (root reads anything)
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    articles, [error] = read(tmp_path)
    assert [a.id for a in articles] == ["good-2"]
    assert error.origin == str(locked) and "PermissionError" in str(error)


def test_isolation_symlink_loop_and_fifo_do_not_stop_a_run(cli, tmp_path, jsonl):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "loop.jsonl").symlink_to(inputs / "loop.jsonl")
    os.mkfifo(inputs / "pipe.jsonl")
    (inputs / "z.jsonl").write_bytes(jsonl_line(good(1)))
    result = cli("extract", inputs, "-o", tmp_path / "out", "-q")
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().splitlines()[-1].startswith("read 3, written 1, skipped 0, failed 2")


# -- the property: good records around random bad ones, in every format -------------------------------

BAD_JSONL = [b'{"id": "b", "text": \n', DEEP_NESTING, HUGE_INTEGER, b"[1, 2]\n", b'{"id": "b", "text": 5}\n',
             b'{"id": "b"}\n', b'{"id": "b", "text": "   "}\n', b'{"bad\xff\x00\n', b"null\n"]
BAD_JSON_ITEMS = ["1", '"text"', "null", "[1, 2]", '{"id": "b", "text": 5}', '{"id": "b" "text": "x"}', "[" * 5000 + "]" * 5000,
                  "9" * 5000, '{"id": "b", "text": ' + "[" * 5000 + "]" * 5000 + "}", "NaN"]
BAD_ROWS = [{"text": None}, {"text": "  "}, {"text": ""}]  # what a table can hold that is not an article (no id)


def _write(fmt, folder, records):
    """Write `records` (dicts, or bytes/None for a bad one) in `fmt`; returns the input path."""
    if fmt == "jsonl":
        path = folder / "in.jsonl"
        path.write_bytes(b"".join(r if isinstance(r, bytes) else jsonl_line(r) for r in records))
    elif fmt == "json":
        path = folder / "in.json"
        path.write_text("[" + ", ".join(json.dumps(r) if isinstance(r, dict) else r for r in records) + "]", encoding="utf-8")
    elif fmt == "csv":
        path = folder / "in.csv"
        lines = ["id,text"] + [f"{r['id']},{r['text']}" if isinstance(r, dict) else r for r in records]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif fmt in ("parquet", "dataset"):
        rows = [r if "id" in r else {"id": f"bad-{i}", **r} for i, r in enumerate(records)]
        if fmt == "parquet":
            path = folder / "in.parquet"
            pq.write_table(pa.Table.from_pylist(rows, schema=pa.schema([("id", pa.string()), ("text", pa.string())])),
                           path, row_group_size=3)
        else:
            import datasets

            path = folder / "ds"
            datasets.Dataset.from_list(rows).save_to_disk(str(path))
    else:  # one file a record: html, txt
        path = folder / "pages"
        path.mkdir()
        for i, r in enumerate(records):
            name = f"{i:03d}-{r['id'] if isinstance(r, dict) else 'bad'}.{fmt}"
            data = r if isinstance(r, bytes) else (f"<p>{r['text']}</p>" if fmt == "html" else r["text"]).encode()
            (path / name).write_bytes(data)
    return path


def _bad_strategy(fmt):
    if fmt == "jsonl":
        return st.sampled_from(BAD_JSONL)
    if fmt == "json":
        return st.sampled_from(BAD_JSON_ITEMS)
    if fmt == "csv":
        return st.sampled_from(["b1,x,y", "b2,x,y,z,w", "only-an-id,", ",,,"])
    if fmt in ("parquet", "dataset"):
        return st.sampled_from(BAD_ROWS)
    return st.sampled_from([b"", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 4, b"   \n\t "])


FORMATS = ["jsonl", "json", "csv", "parquet", "dataset", "html", "txt"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_isolation_property_good_records_out_once_bad_ones_reported(fmt, tmp_path_factory):
    ingestor = make_ingestor(html_extractor="builtin")

    @settings(max_examples=12 if fmt == "dataset" else 25, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(layout=st.lists(st.one_of(st.just("good"), _bad_strategy(fmt)), min_size=1, max_size=12))
    def check(layout):
        folder = tmp_path_factory.mktemp(fmt)
        records = [good(n) if item == "good" else item for n, item in enumerate(layout)]
        path = _write(fmt, folder, records)
        results = list(ingestor.iter_records([str(path)]))
        articles = [r for r in results if isinstance(r, Article)]
        errors = [r for r in results if isinstance(r, ArticleError)]
        expected = [r["id"] for r in records if isinstance(r, dict) and "id" in r and r["id"].startswith("good")]
        if fmt in ("html", "txt"):  # the file name is the id
            expected = [f"{i:03d}-{r['id']}" for i, r in enumerate(records) if isinstance(r, dict)]
        assert [a.id for a in articles] == expected  # each once, in input order
        assert len(errors) == len(records) - len(expected)
        assert sum(e.records for e in errors) == len(records) - len(expected)
        shutil.rmtree(folder)

    check()


def test_isolation_lost_row_group_is_counted_as_all_its_records(cli, tmp_path, jsonl):
    path = tmp_path / "a.parquet"
    pq.write_table(pa.Table.from_pylist([good(n) for n in range(9)]), path, row_group_size=3)
    _corrupt_row_group(path, 1)
    result = cli("extract", path, "-o", tmp_path / "out", "-q")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1].startswith("read 9, written 6, skipped 0, failed 3")
    [error] = jsonl(tmp_path / "out" / "errors.jsonl")
    assert error["code"] == "E013" and error["message"].startswith("3 records at ")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_isolation_property_parquet_corrupt_row_groups(tmp_path_factory, data):
    """Random row groups made undecodable, random bad rows in the others: every good row of an
    intact group comes out once; each corrupt group is one error standing for all its rows."""
    size = data.draw(st.integers(1, 4), label="row_group_size")
    layout = data.draw(st.lists(st.sampled_from(["good", "blank"]), min_size=1, max_size=14), label="rows")
    groups = -(-len(layout) // size)
    corrupt = data.draw(st.sets(st.integers(0, groups - 1)), label="corrupt groups")
    rows = [good(n) if kind == "good" else {"id": f"bad-{n}", "text": " "} for n, kind in enumerate(layout)]
    path = tmp_path_factory.mktemp("rg") / "in.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=size)
    for group in corrupt:
        _corrupt_row_group(path, group)
    results = list(make_ingestor().iter_records([str(path)]))
    articles = [r.id for r in results if isinstance(r, Article)]
    errors = [r for r in results if isinstance(r, ArticleError)]
    intact = [r for n, r in enumerate(rows) if n // size not in corrupt]
    assert articles == [r["id"] for r in intact if r["id"].startswith("good")]
    assert sum(e.records for e in errors) == len(rows) - len(articles)
    assert len([e for e in errors if e.records > 1 or "row group" in e.origin]) == len(corrupt)
