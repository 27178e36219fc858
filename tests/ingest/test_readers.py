import datetime as dt
import gzip
import inspect
import json
import os
import tracemalloc

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from extractor.errors import ArticleError, TariffwireError
from extractor.ingest import Article, content_id, make_ingestor, normalize_published
from extractor.registry import registry

WIRE_TEXT = (
    "By Daniel Smith and Jane Roe\n"
    "April 16, 2025 10:05 AM EDT\n\n"
    "WASHINGTON/TOKYO (Reuters) – Japan will begin tariff talks with the United States.\n\n"
    "(Reporting by Jane Roe in Tokyo; Editing by Ann Lee)"
)


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path

RECORDS = [
    {"id": "a1", "text": "Japan said tariffs would rise.", "headline": "Tariffs", "published": "2025-04-16", "source": "Reuters", "url": "https://x/a1"},
    {"id": "a2", "text": "Canada said it would respond.", "headline": "Canada", "published": "2025-04", "source": "AP", "url": None},
]


def _write_csv(path, records):
    pd.DataFrame(records).to_csv(path, index=False)


def _write_parquet(path, records):
    pq.write_table(pa.Table.from_pylist(records), path)


def _write_json(path, records):
    path.write_text(json.dumps(records), encoding="utf-8")


def _write_jsonl_gz(path, records):
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in records)


def _write_dataset(path, records):
    import datasets

    datasets.Dataset.from_list(records).save_to_disk(str(path))


def _write_dataset_dict(path, records):
    import datasets

    datasets.DatasetDict({"train": datasets.Dataset.from_list(records[1:]), "test": datasets.Dataset.from_list(records[:1])}).save_to_disk(str(path))


@pytest.mark.parametrize(
    "name,writer,origins",
    [
        ("in.jsonl", write_jsonl, ["in.jsonl:1", "in.jsonl:2"]),
        ("in.jsonl.gz", _write_jsonl_gz, ["in.jsonl.gz:1", "in.jsonl.gz:2"]),
        ("in.json", _write_json, ["in.json:row 1", "in.json:row 2"]),
        ("in.csv", _write_csv, ["in.csv:row 1", "in.csv:row 2"]),
        ("in.parquet", _write_parquet, ["in.parquet:row 1", "in.parquet:row 2"]),
        ("ds", _write_dataset, ["ds:row 1", "ds:row 2"]),
        ("dsd", _write_dataset_dict, ["dsd[test]:row 1", "dsd[train]:row 1"]),  # splits in sorted order
    ],
)
def test_readers_structured_formats(tmp_path, read, name, writer, origins):
    writer(tmp_path / name, RECORDS)
    articles, errors = read(tmp_path / name)
    assert errors == []
    assert [a.id for a in articles] == ["a1", "a2"]
    assert [a.origin for a in articles] == [str(tmp_path / o) for o in origins]
    first = articles[0]
    assert (first.text, first.headline, first.published, first.source, first.url) == (
        "Japan said tariffs would rise.", "Tariffs", "2025-04-16", "Reuters", "https://x/a1",
    )
    assert articles[1].published == "2025-04"
    assert articles[1].url is None
    assert all(a.warnings == [] for a in articles)


def test_readers_json_single_object(tmp_path, read):
    (tmp_path / "one.json").write_text(json.dumps(RECORDS[0]))
    articles, errors = read(tmp_path / "one.json")
    assert [a.id for a in articles] == ["a1"] and errors == []
    assert articles[0].origin == str(tmp_path / "one.json")


def test_readers_txt_one_article_with_wire(tmp_path, read):
    (tmp_path / "story-1.txt").write_text(WIRE_TEXT, encoding="utf-8")
    [article], errors = read(tmp_path / "story-1.txt")
    assert errors == []
    assert article.id == "story-1"
    assert article.text == WIRE_TEXT  # offsets never move
    assert article.byline == ["Daniel Smith", "Jane Roe"]
    assert article.dateline == ["WASHINGTON", "TOKYO"]
    assert article.source == "Reuters"  # from the wire, as the input has none
    assert [article.text[s:e] for s, e in article.wire_spans][1] == "WASHINGTON/TOKYO (Reuters) –"


def test_readers_source_field_wins_over_wire_agency(tmp_path, read):
    write_jsonl(tmp_path / "a.jsonl", [{"text": WIRE_TEXT, "source": "Nikkei"}])
    [article], _ = read(tmp_path / "a.jsonl")
    assert article.source == "Nikkei"


@pytest.mark.parametrize("ext", ["jsonl", "csv", "parquet"])
def test_readers_field_mapping(tmp_path, read, ext):
    records = [{"doc_id": "x1", "body": "Japan said.", "title": "T", "date": "2025-01-02", "outlet": "Kyodo", "link": "u"}]
    path = tmp_path / f"in.{ext}"
    {"jsonl": write_jsonl, "csv": _write_csv, "parquet": _write_parquet}[ext](path, records)
    fields = {"id": "doc_id", "text": "body", "headline": "title", "published": "date", "source": "outlet", "url": "link"}
    [article], errors = read(path, using=make_ingestor(fields=fields))
    assert errors == []
    assert (article.id, article.text, article.headline, article.published, article.source, article.url) == (
        "x1", "Japan said.", "T", "2025-01-02", "Kyodo", "u",
    )


def test_readers_registered_factory():
    factory = registry.readers.get("tariffwire.Ingest.v1")
    assert factory is make_ingestor
    resolved = registry.resolve({"ingest": {"@readers": "tariffwire.Ingest.v1", "fields": {"text": "body"}, "max_chars": 100}})
    ingestor = resolved["ingest"]
    assert ingestor.fields["text"] == "body" and ingestor.fields["id"] == "id"
    assert ingestor.max_chars == 100


@pytest.mark.parametrize(
    "kwargs",
    [{"fields": {"body": "text"}}, {"html_extractor": "magic"}, {"max_chars": 0}, {"encoding_errors": "nope"}, {"published_default": "April 2025"}],
)
def test_readers_factory_rejects_bad_config(kwargs):
    """As a config block: confection checks the typed settings (html_extractor, max_chars), the
    function the rest."""
    from confection import ConfigValidationError

    # The message names the setting at fault (a field name for the field map).
    [(key, value)] = kwargs.items()
    fragment = "body" if key == "fields" else key
    with pytest.raises((TariffwireError, ConfigValidationError), match=fragment):
        registry.resolve({"ingest": {"@readers": "tariffwire.Ingest.v1", **kwargs}}, validate=True)


def test_readers_folder_recursive_sorted_and_filtered(tmp_path, read):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Zed said.")
    (tmp_path / "a.txt").write_text("Ay said.")
    (tmp_path / "b" / "c.txt").write_text("Cee said.")
    (tmp_path / ".hidden.txt").write_text("Hidden.")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("Hidden folder.")
    (tmp_path / "notes.md").write_text("Unknown extension.")
    write_jsonl(tmp_path / "test.gold.jsonl", [{"text": "gold"}])
    articles, errors = read(tmp_path)
    assert errors == []
    assert [a.id for a in articles] == ["a", "c", "z"]


def test_readers_folder_with_dataset(tmp_path, read):
    _write_dataset(tmp_path / "ds", RECORDS)
    (tmp_path / "x.txt").write_text("Ex said.")
    articles, errors = read(tmp_path)
    assert errors == []
    assert [a.id for a in articles] == ["a1", "a2", "x"]


def test_readers_glob_and_same_file_twice(tmp_path, read):
    (tmp_path / "a.txt").write_text("Ay said.")
    (tmp_path / "b.txt").write_text("Bee said.")
    (tmp_path / "c.csv").write_text("text\nSee said.\n")
    articles, errors = read(str(tmp_path / "*.txt"), tmp_path / "a.txt")
    assert [a.id for a in articles] == ["a", "b"] and errors == []


@pytest.mark.parametrize("missing", ["nope.jsonl", "nothing-*.txt"])
def test_readers_missing_input_is_fatal(tmp_path, ingestor, missing):
    with pytest.raises(TariffwireError, match="E001|not found"):
        ingestor.iter_records([str(tmp_path / missing)])


def test_readers_unknown_extension_named_directly(tmp_path, read):
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    articles, [error] = read(tmp_path / "a.pdf")
    assert articles == [] and "Unsupported" in str(error)


def test_readers_is_lazy(tmp_path, ingestor):
    path = tmp_path / "big.jsonl"
    with open(path, "w") as f:
        for i in range(20_000):
            f.write(json.dumps({"id": str(i), "text": "Japan said tariffs would rise. " * 30}) + "\n")
    assert path.stat().st_size > 15_000_000
    records = ingestor.iter_records([str(path)])
    assert inspect.isgenerator(records)
    tracemalloc.start()
    first = next(records)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    records.close()
    assert first.id == "0"
    assert peak < 2_000_000  # far below the 15 MB file


@pytest.mark.parametrize("ext", ["csv", "parquet"])
def test_readers_tables_read_in_batches(tmp_path, ingestor, ext, monkeypatch):
    from extractor.ingest import formats

    monkeypatch.setattr(formats, "BATCH_ROWS", 10)
    records = [{"id": str(i), "text": f"Text {i}."} for i in range(35)]
    path = tmp_path / f"t.{ext}"
    (_write_csv if ext == "csv" else _write_parquet)(path, records)
    articles = list(ingestor.iter_records([str(path)]))
    assert [a.id for a in articles] == [str(i) for i in range(35)]
    assert articles[-1].origin.endswith(":row 35")


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "record,code",
    [
        ({"id": "x"}, "E005"),
        ({"id": "x", "text": None}, "E005"),
        ({"id": "x", "text": ""}, "E005"),
        ({"id": "x", "text": " \n\t "}, "E005"),
        ({"id": "x", "text": 42}, "E006"),
        ({"id": "x", "text": ["a", "b"]}, "E006"),
    ],
)
def test_readers_bad_text(tmp_path, read, record, code):
    write_jsonl(tmp_path / "a.jsonl", [RECORDS[0], record, RECORDS[1]])
    articles, [error] = read(tmp_path / "a.jsonl")
    assert [a.id for a in articles] == ["a1", "a2"]
    assert error.origin == f"{tmp_path / 'a.jsonl'}:2"
    assert f"{tmp_path / 'a.jsonl'}:2" in str(error)
    assert ("no text" in str(error)) == (code == "E005")


def test_readers_malformed_json_line_among_good_ones(tmp_path, read):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(RECORDS[0]) + "\n\n{not json\n[1, 2]\n" + json.dumps(RECORDS[1]) + "\n")
    articles, errors = read(path)
    assert [a.id for a in articles] == ["a1", "a2"]
    assert [e.origin for e in errors] == [f"{path}:3", f"{path}:4"]
    assert "not valid JSON" in str(errors[0])


@pytest.mark.parametrize(
    "field,value,expected,warned",
    [
        ("headline", 123, "123", True),
        ("headline", 1.5, "1.5", True),
        ("headline", {"a": 1}, None, True),
        ("headline", True, None, True),
        ("source", ["Reuters"], None, True),
        ("url", "  ", None, False),
        ("id", 7, "7", False),
    ],
)
def test_readers_wrongly_typed_optional_fields(tmp_path, read, field, value, expected, warned):
    write_jsonl(tmp_path / "a.jsonl", [{"text": "Japan said.", field: value}])
    [article], errors = read(tmp_path / "a.jsonl")
    assert errors == []
    actual = getattr(article, field)
    if field == "id" and expected is None:
        assert actual == content_id("Japan said.")
    else:
        assert actual == expected
    assert bool(article.warnings) == warned


@pytest.mark.parametrize(
    "value,expected,warned",
    [
        ("2025-04-16", "2025-04-16", False),
        ("2025-04", "2025-04", False),
        ("2025", "2025", False),
        (2025, "2025", False),
        ("2025-04-16T23:30:00-05:00", "2025-04-16", False),
        ("2025-04-16T10:05:00Z", "2025-04-16", False),
        ("2025-04-16 10:05", "2025-04-16", False),
        ("April 16, 2025", None, True),
        ("2025-13-01", None, True),
        ("2025-02-30", None, True),
        ("yesterday", None, True),
        ({"y": 2025}, None, True),
        ("", None, False),
    ],
)
def test_readers_published(tmp_path, read, value, expected, warned):
    write_jsonl(tmp_path / "a.jsonl", [{"text": "Japan said.", "published": value}])
    [article], _ = read(tmp_path / "a.jsonl")
    assert article.published == expected
    assert bool(article.warnings) == warned


def test_readers_published_future_date_kept_with_warning(tmp_path, read):
    future = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    write_jsonl(tmp_path / "a.jsonl", [{"text": "Japan said.", "published": future}])
    [article], _ = read(tmp_path / "a.jsonl")
    assert article.published == future
    assert any("future" in w for w in article.warnings)


def test_readers_published_default(tmp_path, read):
    write_jsonl(tmp_path / "a.jsonl", [{"text": "Japan said."}, {"text": "Canada said.", "published": "2024-01-01"}])
    articles, _ = read(tmp_path / "a.jsonl", using=make_ingestor(published_default="2025-04-16"))
    assert [a.published for a in articles] == ["2025-04-16", "2024-01-01"]


DATELINED = "TOKYO, April 16, 2025 (Reuters) - Japan said it would start tariff talks with the United States."


@pytest.mark.parametrize(
    "record,default,published,source",
    [
        ({"text": DATELINED}, None, "2025-04-16", "dateline"),  # no --published: the dateline's day
        ({"text": DATELINED}, "2025-05-01", "2025-04-16", "dateline"),  # the article's own day beats a batch default
        ({"text": DATELINED, "published": "2025-04-17"}, None, "2025-04-17", "input"),
        ({"text": "Japan said it would talk."}, "2025-05-01", "2025-05-01", "default"),
        ({"text": "Japan said it would talk."}, None, None, None),
        ({"text": "WASHINGTON, April 16 (Reuters) - Japan said it would talk."}, None, None, None),  # no year
    ],
)
def test_readers_published_from_dateline(tmp_path, read, record, default, published, source):
    write_jsonl(tmp_path / "a.jsonl", [record])
    [article], _ = read(tmp_path / "a.jsonl", using=make_ingestor(html_extractor="builtin", published_default=default))
    assert (article.published, article.published_source) == (published, source)


def test_readers_txt_without_published_takes_dateline_day(tmp_path, read):
    (tmp_path / "story.txt").write_text("By Jane Roe\n" + DATELINED)
    [article], _ = read(tmp_path / "story.txt")
    assert article.published == "2025-04-16" and article.ref_date is not None


HEADLINED_PAGE = (
    "<html><head><title>{headline} | The Ledger</title><meta property='og:site_name' content='The Ledger'></head><body>"
    "<nav>Home | Trade</nav><main><article><header><h1>{headline}</h1></header>"
    "<p>{first}</p><p>{second}</p></article></main><footer>The Ledger</footer></body></html>"
)


@pytest.mark.parametrize("extractor", ["builtin", "trafilatura"])
def test_readers_html_headline_is_metadata_not_text(tmp_path, extractor):
    first = "TOKYO, April 16, 2025 (Reuters) - Japan will begin tariff negotiations with the United States on Thursday, its economy minister said."
    second = "The minister said Tokyo would seek relief from the 24% levy and the duties on cars and steel."
    headline = "Japan to open tariff talks with US"
    (tmp_path / "story.txt").write_text(f"{first}\n\n{second}")
    (tmp_path / "story.html").write_text(HEADLINED_PAGE.format(headline=headline, first=first, second=second))
    ingestor = make_ingestor(html_extractor=extractor)
    txt, html = [list(ingestor.iter_records([str(tmp_path / name)]))[0] for name in ("story.txt", "story.html")]
    assert html.headline == headline and headline not in html.text
    assert html.text.split() == txt.text.split()  # paragraph breaks may differ by extractor
    assert html.dateline == txt.dateline == ["TOKYO"]
    assert html.published == txt.published == "2025-04-16"
    assert html.source == "The Ledger"


def test_readers_missing_id_gets_content_id(tmp_path, read):
    write_jsonl(tmp_path / "a.jsonl", [{"text": "Japan said.", "headline": "H"}])
    [article], _ = read(tmp_path / "a.jsonl")
    assert article.id == content_id("Japan said.", "H")


def test_readers_duplicate_id_later_dropped(tmp_path, read):
    write_jsonl(tmp_path / "a.jsonl", [RECORDS[0], {**RECORDS[0], "text": "Other text."}])
    write_jsonl(tmp_path / "b.jsonl", [RECORDS[0]])
    articles, errors = read(tmp_path / "a.jsonl", tmp_path / "b.jsonl")
    assert [a.text for a in articles] == [RECORDS[0]["text"]]
    assert len(errors) == 2
    assert all(e.stage == "ingest" and e.article_id == "a1" and "duplicate" in str(e) for e in errors)


def test_readers_duplicate_text_without_ids(tmp_path, read):
    write_jsonl(tmp_path / "a.jsonl", [{"text": "Same."}, {"text": "Same."}])
    articles, [error] = read(tmp_path / "a.jsonl")
    assert len(articles) == 1 and "duplicate" in str(error)


def test_readers_max_chars(tmp_path, read):
    big = "Japan said tariffs would rise. " * 170_000  # about 5 MB
    (tmp_path / "big.txt").write_text(big)
    [article], errors = read(tmp_path / "big.txt", using=make_ingestor(max_chars=6_000_000))
    assert errors == [] and article.text == big
    articles, [error] = read(tmp_path / "big.txt", using=make_ingestor(max_chars=1_000_000))
    assert articles == [] and "max_chars" in str(error)
    write_jsonl(tmp_path / "a.jsonl", [{"text": big}, RECORDS[0]])
    articles, [error] = read(tmp_path / "a.jsonl", using=make_ingestor(max_chars=1_000_000))
    assert [a.id for a in articles] == ["a1"] and error.origin.endswith("a.jsonl:1")


@pytest.mark.parametrize("name", ["empty.txt", "empty.jsonl", "empty.json", "empty.csv", "empty.html"])
def test_readers_empty_file(tmp_path, read, name):
    (tmp_path / name).write_bytes(b"")
    articles, [error] = read(tmp_path / name)
    assert articles == []
    assert error.origin == str(tmp_path / name)


@pytest.mark.parametrize("name", ["bin.txt", "bin.jsonl", "bin.csv", "bin.json", "bin.html"])
def test_readers_binary_file(tmp_path, read, name):
    (tmp_path / name).write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" * 10)
    articles, [error] = read(tmp_path / name)
    assert articles == [] and "binary" in str(error)


@pytest.mark.parametrize(
    "encoding,prefix",
    [("utf-8-sig", b""), ("utf-16", b""), ("utf-32", b""), ("utf-16-be", "\ufeff".encode("utf-16-be"))],
)
def test_readers_bom_encodings(tmp_path, read, encoding, prefix):
    text = "Tōkyō — Japan said “tariffs” would rise."
    (tmp_path / "a.txt").write_bytes(prefix + text.encode(encoding))
    (tmp_path / "b.jsonl").write_bytes(prefix + (json.dumps({"id": "b", "text": text}, ensure_ascii=False) + "\n").encode(encoding))
    (tmp_path / "c.csv").write_bytes(prefix + f'id,text\nc,"{text}"\n'.encode(encoding))
    articles, errors = read(tmp_path)
    assert errors == []
    assert [(a.id, a.text, a.warnings) for a in articles] == [("a", text, []), ("b", text, []), ("c", text, [])]


@pytest.mark.parametrize("name", ["a.txt", "a.jsonl", "a.csv", "a.json"])
def test_readers_invalid_utf8_replaced_with_warning(tmp_path, read, name):
    bad = b"Caf\xe9 owners said tariffs would rise."
    if name.endswith(".jsonl"):
        data = json.dumps(RECORDS[0]).encode() + b'\n{"id": "bad", "text": "' + bad + b'"}\n'
    elif name.endswith(".json"):
        data = b'{"id": "bad", "text": "' + bad + b'"}'
    elif name.endswith(".csv"):
        data = b"id,text\nbad," + bad + b"\n"
    else:
        data = bad
    (tmp_path / name).write_bytes(data)
    articles, errors = read(tmp_path / name)
    assert errors == []
    article = articles[-1]
    assert "\ufffd" in article.text
    assert any("UTF-8" in w for w in article.warnings)
    assert all(a.warnings == [] for a in articles[:-1])  # the good line before it has no warning


def test_readers_invalid_utf8_strict(tmp_path, read):
    (tmp_path / "a.txt").write_bytes(b"Caf\xe9.")
    articles, [error] = read(tmp_path / "a.txt", using=make_ingestor(encoding_errors="strict"))
    assert articles == []


def test_readers_csv_without_text_column(tmp_path, read):
    (tmp_path / "a.csv").write_text("id,body\n1,Japan said.\n2,Canada said.\n")
    (tmp_path / "b.txt").write_text("Next file still read.")
    articles, [error] = read(tmp_path / "a.csv", tmp_path / "b.txt")
    assert [a.id for a in articles] == ["b"]
    assert "no text column 'text'" in str(error) and "body" in str(error)


def test_readers_parquet_without_text_column(tmp_path, read):
    _write_parquet(tmp_path / "a.parquet", [{"id": "1", "body": "x"}])
    articles, [error] = read(tmp_path / "a.parquet")
    assert articles == [] and "no text column" in str(error)


def test_readers_csv_empty_cells_and_na_strings(tmp_path, read):
    (tmp_path / "a.csv").write_text('id,text,headline\n1,Japan said.,NA\n2,,H\n3,"Multi\nline",\n')
    articles, [error] = read(tmp_path / "a.csv")
    assert [(a.id, a.headline) for a in articles] == [("1", "NA"), ("3", None)]
    assert articles[1].text == "Multi\nline"
    assert error.origin == f"{tmp_path / 'a.csv'}:row 2"


@pytest.mark.parametrize(
    "name,data",
    [
        ("corrupt.jsonl.gz", b"\x1f\x8b\x08\x00garbage-not-gzip" * 3),
        ("corrupt.parquet", b"PAR1 this is not parquet PAR1"),
    ],
)
def test_readers_corrupt_file_does_not_stop_run(tmp_path, read, name, data):
    (tmp_path / name).write_bytes(data)
    (tmp_path / "z.txt").write_text("Still read.")
    articles, errors = read(tmp_path)
    assert [a.id for a in articles] == ["z"]
    assert len(errors) == 1 and errors[0].origin == str(tmp_path / name)
    assert "Cannot read" in str(errors[0])


def test_readers_truncated_gzip_keeps_what_was_read(tmp_path, read):
    data = gzip.compress(b"".join(b'{"id": "%d", "text": "Text %d."}\n' % (i, i) for i in range(5000)))
    (tmp_path / "a.jsonl.gz").write_bytes(data[: len(data) // 2])
    (tmp_path / "z.txt").write_text("Still read.")
    articles, [error] = read(tmp_path)
    assert articles[0].id == "0" and articles[-1].id == "z"
    assert error.origin == str(tmp_path / "a.jsonl.gz") and "Cannot read" in str(error)


def test_readers_unreadable_file(tmp_path, read):
    path = tmp_path / "locked.txt"
    path.write_text("Secret.")
    os.chmod(path, 0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user (root) who can read a chmod 000 file")
        (tmp_path / "z.txt").write_text("Still read.")
        articles, [error] = read(tmp_path)
        assert [a.id for a in articles] == ["z"]
        assert error.origin == str(path)
    finally:
        os.chmod(path, 0o644)


@pytest.mark.parametrize("name", ["a.txt", "a.jsonl"])
def test_readers_permission_error_simulated(tmp_path, read, monkeypatch, name):
    # The chmod test above is skipped as root; this one takes the same path everywhere.
    from pathlib import Path

    from extractor.ingest import formats

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(formats, "_open_binary", refuse)
    (tmp_path / name).write_text('{"text": "x"}')
    articles, [error] = read(tmp_path / name)
    assert articles == [] and "Permission denied" in str(error) and error.origin == str(tmp_path / name)


@pytest.mark.parametrize(
    "html,text,headline",
    [
        (
            "<html><head><title>Tariffs rise</title><meta property='article:published_time' content='2025-04-16T10:00:00Z'>"
            "<link rel='canonical' href='https://example.com/t'></head><body><nav>Home | World</nav>"
            "<article><p>TOKYO (Reuters) - Japan said tariffs would rise.</p><p>Officials met.</p></article>"
            "<footer>Copyright</footer></body></html>",
            "TOKYO (Reuters) - Japan said tariffs would rise.\n\nOfficials met.",
            "Tariffs rise",
        ),
        ("<p>Japan said <b>tariffs<p>would <i>rise<div>on Monday", "Japan said tariffs\n\nwould rise\n\non Monday", None),
    ],
)
def test_readers_html(tmp_path, read, html, text, headline):
    (tmp_path / "page.html").write_text(html)
    [article], errors = read(tmp_path / "page.html")
    assert errors == []
    assert article.id == "page" and article.text == text and article.headline == headline
    if headline:
        assert article.published == "2025-04-16" and article.url == "https://example.com/t"
        assert article.dateline == ["TOKYO"] and article.source == "Reuters"


@pytest.mark.parametrize("html", ["<script>var tariffs = 25;</script><style>p {}</style>", "<html><head></head><body></body>", "<body><!-- a comment --><nav>Menu</nav></body>"])
def test_readers_html_without_text(tmp_path, read, html):
    (tmp_path / "soup.htm").write_text(html)
    articles, [error] = read(tmp_path / "soup.htm")
    assert articles == [] and "no text" in str(error)


def test_readers_html_declared_charset(tmp_path, read):
    (tmp_path / "l1.html").write_bytes("<meta charset='iso-8859-1'><p>Café owners said.</p>".encode("latin-1"))
    [article], _ = read(tmp_path / "l1.html")
    assert article.text == "Café owners said." and article.warnings == []


def test_readers_html_default_extractor_works(tmp_path):
    # trafilatura when it imports, the built-in fallback otherwise: either way the article comes through.
    (tmp_path / "p.html").write_text("<html><body><article><p>" + "Japan said tariffs would rise on Monday. " * 20 + "</p></article></body></html>")
    [article] = list(make_ingestor().iter_records([str(tmp_path / "p.html")]))
    assert isinstance(article, Article) and "Japan said tariffs" in article.text


def test_readers_errors_name_their_origin(tmp_path, read):
    (tmp_path / "a.json").write_text("[{\"text\": \"ok\"}, 5, {\"text\": \"\"}]")
    articles, errors = read(tmp_path / "a.json")
    assert len(articles) == 1
    assert [e.origin for e in errors] == [f"{tmp_path / 'a.json'}:row 2", f"{tmp_path / 'a.json'}:row 3"]
    assert all(isinstance(e, ArticleError) and e.stage == "ingest" for e in errors)


@pytest.mark.parametrize(
    "value,expected",
    [("2025-04-16", "2025-04-16"), ("2025", "2025"), ("2025-00", None), ("25-04-16", None), ("2025-04-16T10:00", "2025-04-16"), ("2025-04-16Tjunk", None)],
)
def test_readers_normalize_published(value, expected):
    assert normalize_published(value) == expected


@pytest.mark.parametrize("extractor", ["builtin", "trafilatura"])
def test_readers_html_author_metadata_is_the_byline(tmp_path, extractor):
    page = ("<html><head><title>Steel talks</title><meta name='author' content='Lucia Ortega; Tom Baker'></head><body><article>"
            "<p>{byline}MEXICO CITY (Reuters) - Mexico will wait until next month before answering the new 25% tariff on its steel, "
            "the economy minister said on Tuesday.</p></article></body></html>")
    (tmp_path / "meta.html").write_text(page.format(byline=""))
    (tmp_path / "own.html").write_text(page.format(byline="By Ann Lee</p><p>"))
    ingestor = make_ingestor(html_extractor=extractor)
    meta, own = [list(ingestor.iter_records([str(tmp_path / name)]))[0] for name in ("meta.html", "own.html")]
    assert meta.byline == ["Lucia Ortega", "Tom Baker"]
    assert own.byline == ["Ann Lee"]  # the text's own byline wins


@pytest.mark.slow
def test_readers_html_and_txt_give_the_same_records(tmp_path):
    from tests.pipeline_support import extractor

    paragraph = ("TOKYO, April 16, 2025 (Reuters) - Japan will begin tariff negotiations with the United States on Thursday, "
                 "Economy Minister Ryosei Akazawa said. Washington paused the 24% levy on Japanese goods for 90 days last week.")
    (tmp_path / "story.txt").write_text(paragraph)
    (tmp_path / "story.html").write_text(HEADLINED_PAGE.format(headline="Japan to open tariff talks", first=paragraph, second="")
                                         .replace("<p></p>", ""))
    ex = extractor()
    txt, html = (ex.process_batch(list(ex.read([str(tmp_path / name)])))[0] for name in ("story.txt", "story.html"))
    assert txt.events, "the paragraph holds events"

    def comparable(outcome):
        events = [e.model_dump(exclude={"event_id", "article_id"}) for e in outcome.events]
        record = outcome.record.model_dump(exclude={"article_id", "headline", "source"})
        return record, events

    assert comparable(html) == comparable(txt)
