"""The SQL sink: round trips, upserts, migrations and rollbacks, on SQLite and PostgreSQL.

Records are built by hand from the models; no NLP runs here. Tests taking `db_url` run once per
dialect (see conftest.py for how PostgreSQL is found, skipped or required).
"""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.errors import TariffwireError
from extractor.records import (
    ArticleRecord,
    CountryMention,
    DateMention,
    EventDate,
    EventOfficial,
    EventRecord,
    Evidence,
    OfficialMention,
    RateMention,
)
from extractor.writers import sql
from extractor.writers.sql import open_sql_sink, read_articles, read_events, schema_version

TABLES = ("articles", "officials", "countries", "rates", "dates", "events", "event_officials")


def make_article(article_id="a1", *, officials=2, headline="Japan set to begin tariff negotiations with US", **fields):
    return ArticleRecord(
        article_id=article_id,
        source="Reuters",
        url=f"https://example.com/{article_id}",
        headline=headline,
        published="2025-04-16",
        byline=["Daniel Leussink", "Nathan Layne"],
        dateline=["WASHINGTON", "TOKYO"],
        officials=[
            OfficialMention(name="Scott Bessent", title="Treasury Secretary", country="USA", mentions=[(1016, 1029), (1166, 1173)]),
            OfficialMention(name="Ryosei Akazawa", title=None, country=None, mentions=[(300, 314)]),
        ][:officials],
        countries=[CountryMention(code="JPN", name="Japan", mentions=[(65, 70)]), CountryMention(code="EU", name="EU", mentions=[])],
        rates=[RateMention(value=24.0, text="24%", start=687, end=690), RateMention(value=2.5, text="2.5 percent", start=700, end=711)],
        dates=[
            DateMention(text="Wednesday", start=147, end=156, value="2025-04-16", grain="day"),
            DateMention(text="90 days", start=800, end=807, value="P90D", grain="duration"),
            DateMention(text="some day", start=900, end=908, value=None, grain="day"),
        ],
        **fields,
    )


def make_event(event_id="e1", article_id="a1", *, officials=1, **fields):
    values = dict(
        event_id=event_id,
        article_id=article_id,
        type="tariff",
        status="paused",
        rate=24.0,
        previous_rate=None,
        imposer="USA",
        targets=["JPN"],
        products=["cars", "steel"],
        parties=["JPN", "USA"],
        officials=[
            EventOfficial(name="Scott Bessent", title="Treasury Secretary", country="USA"),
            EventOfficial(name="Ryosei Akazawa", title=None, country="JPN"),
        ][:officials],
        date=EventDate(text="Wednesday", value="2025-04-16", start=147, end=156),
        duration="P90D",
        location="Washington",
        evidence=Evidence(text="Japan has been hit with 24% levies", start=620, end=654),
        confidence=0.87,
    )
    values.update(fields)
    return EventRecord(**values)


def as_jsonl(records):
    """What a JSONL writer would have written, read back: the reference for the database's content."""
    return [json.loads(r.model_dump_json()) for r in records]


def by_id(rows, key):
    return sorted(rows, key=lambda row: row[key])


def row_counts(url):
    db = sql._connect(url)
    try:
        return {table: db.execute(f"SELECT count(*) FROM {table}")[0][0] for table in TABLES}
    finally:
        db.close()


def write(url, articles, events, **options):
    with open_sql_sink(url, **options) as sink:
        sink.write(articles, events)


@pytest.fixture
def batch():
    articles = [make_article("a1"), make_article("a2", officials=1)]
    events = [
        make_event("e1", "a1", officials=2),
        make_event("e2", "a1", type="negotiation", status="held", rate=None, imposer=None, date=None, officials=0),
        make_event("e3", "a2", status="raised", rate=145.0, previous_rate=125.0, targets=["ALL"]),
    ]
    return articles, events


# --- round trip ---------------------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [500, 1])
def test_sql_round_trip_equals_input(db_url, batch, batch_size):
    articles, events = batch
    write(db_url, articles, events, batch_size=batch_size)
    assert read_articles(db_url) == by_id(as_jsonl(articles), "article_id")
    assert read_events(db_url) == by_id(as_jsonl(events), "event_id")
    assert [ArticleRecord.model_validate(row) for row in read_articles(db_url)] == articles
    assert [EventRecord.model_validate(row) for row in read_events(db_url)] == events


def test_sql_round_trip_unicode_and_none(db_url):
    article = ArticleRecord(
        article_id="zölle-関税-🇪🇺",
        headline="Zölle: EU antwortet — 関税 25 % auf « acier » 🇪🇺; quote ' and \" and \\",
        byline=["Zoë Ångström"],
        officials=[OfficialMention(name="Maroš Šefčovič", title=None, country=None, mentions=[])],
        dates=[DateMention(text="nächste Woche", start=0, end=13, value=None, grain="week")],
    )
    minimal = ArticleRecord(article_id="bare")  # every optional field None, every list empty
    events = [
        make_event("ε-1", article.article_id, officials=0, rate=None, imposer=None, targets=[], products=[], parties=[],
                   date=EventDate(text="bientôt", value=None, start=1, end=8), duration=None, location=None,
                   evidence=Evidence(text="Šefčovič said «no» — 关税", start=0, end=23), confidence=0.0),
        make_event("bare-1", "bare", date=None, confidence=1.0),
    ]
    write(db_url, [article, minimal], events)
    assert read_articles(db_url) == by_id(as_jsonl([article, minimal]), "article_id")
    assert read_events(db_url) == sorted(as_jsonl(events), key=lambda e: (e["article_id"], e["event_id"]))


# --- upserts ------------------------------------------------------------------------------------


def test_sql_same_batch_twice_no_duplicates(db_url, batch):
    articles, events = batch
    write(db_url, articles, events)
    once = row_counts(db_url)
    write(db_url, articles, events)
    with open_sql_sink(db_url) as sink:  # and twice within one sink
        sink.write(articles, events)
        sink.write(articles, events)
    assert row_counts(db_url) == once
    assert read_events(db_url) == by_id(as_jsonl(events), "event_id")


def test_sql_duplicates_within_batch_last_wins(db_url):
    old, new = make_article("a1", headline="old"), make_article("a1", headline="new", officials=1)
    write(db_url, [old, new], [make_event("e1", officials=2), make_event("e1", status="lifted", officials=1)])
    assert read_articles(db_url) == as_jsonl([new])
    assert [(e["status"], len(e["officials"])) for e in read_events(db_url)] == [("lifted", 1)]


def test_sql_reprocessed_article_replaces_its_records(db_url, batch):
    articles, events = batch
    write(db_url, articles, events)
    # a1 comes back with one official and one event (e1 changed, e2 gone); a2 is not in the batch.
    a1 = make_article("a1", officials=1, headline="Japan begins talks")
    e1 = make_event("e1", "a1", status="lifted", officials=0)
    write(db_url, [a1], [e1])
    assert read_articles(db_url) == as_jsonl([a1, articles[1]])
    assert read_events(db_url) == as_jsonl([e1, events[2]])
    counts = row_counts(db_url)
    assert counts["event_officials"] == 1  # e3's; e1's two and e2's are gone
    assert counts["officials"] == 2


def test_sql_reprocessed_article_without_events_removes_them(db_url, batch):
    articles, events = batch
    write(db_url, articles, events)
    write(db_url, [articles[0]], [])
    assert [e["event_id"] for e in read_events(db_url)] == ["e3"]


def test_sql_event_moves_to_other_article(db_url, batch):
    articles, events = batch
    write(db_url, articles, events)
    moved = make_event("e1", "a2", officials=1)
    write(db_url, [], [moved])  # an event alone, for an article already stored
    stored = {e["event_id"]: e for e in read_events(db_url)}
    assert stored["e1"] == as_jsonl([moved])[0]
    assert row_counts(db_url)["event_officials"] == 2  # e1's one, e3's one


def test_sql_event_without_article_is_refused(db_url, batch):
    articles, events = batch
    write(db_url, articles, events)
    with open_sql_sink(db_url) as sink, pytest.raises(TariffwireError, match="E056|neither in the batch") as info:
        sink.write([make_article("a3")], [make_event("e9", "nowhere")])
    assert "nowhere" in str(info.value)
    assert [a["article_id"] for a in read_articles(db_url)] == ["a1", "a2"]  # a3 rolled back too


# --- transactions -------------------------------------------------------------------------------


def test_sql_failing_write_rolls_back(db_url, batch, monkeypatch):
    articles, events = batch
    write(db_url, articles, events)
    before = (read_articles(db_url), read_events(db_url), row_counts(db_url))

    real_event_row = sql._event_row
    calls = []

    def fail_on_second(event, dump_json):
        calls.append(event.event_id)
        if len(calls) == 2:
            raise RuntimeError("simulated crash mid-batch")
        return real_event_row(event, dump_json)

    monkeypatch.setattr(sql, "_event_row", fail_on_second)
    replacement = [make_article("a1", officials=0), make_article("a3")]
    new_events = [make_event("e1", "a1", status="lifted"), make_event("e4", "a3"), make_event("e5", "a3")]
    with open_sql_sink(db_url) as sink:
        with pytest.raises(RuntimeError, match="simulated crash"):
            sink.write(replacement, new_events)
        assert (read_articles(db_url), read_events(db_url), row_counts(db_url)) == before
        # The sink stays usable after a rolled-back batch.
        monkeypatch.setattr(sql, "_event_row", real_event_row)
        sink.write(replacement, new_events)
    assert [a["article_id"] for a in read_articles(db_url)] == ["a1", "a2", "a3"]
    assert [e["event_id"] for e in read_events(db_url)] == ["e1", "e3", "e4", "e5"]


def test_sql_database_error_is_one_coded_line_and_rolls_back(db_url, batch, monkeypatch):
    articles, events = batch
    write(db_url, articles, events)
    before = row_counts(db_url)
    real_event_row = sql._event_row
    # A NULL evidence text violates NOT NULL in the database itself.
    monkeypatch.setattr(sql, "_event_row", lambda e, dump: real_event_row(e, dump)[:17] + (None,) + real_event_row(e, dump)[18:])
    with open_sql_sink(db_url) as sink, pytest.raises(TariffwireError) as info:
        sink.write([make_article("a9")], [make_event("e9", "a9")])
    message = str(info.value)
    assert "rolled back" in message and "\n" not in message
    assert row_counts(db_url) == before


# --- migrations ---------------------------------------------------------------------------------


def migration_rows(url):
    db = sql._connect(url)
    try:
        return db.execute(f"SELECT version FROM {sql.MIGRATIONS_TABLE} ORDER BY version")
    finally:
        db.close()


def test_sql_migrations_idempotent_and_versioned(db_url):
    latest = sql.latest_schema_version("sqlite")
    assert latest == sql.latest_schema_version("postgresql") >= 1
    assert schema_version(db_url) == 0
    for _ in range(3):
        open_sql_sink(db_url).close()
    assert schema_version(db_url) == latest
    assert migration_rows(db_url) == [(v,) for v, _, _ in sql._migrations("sqlite")]


def test_sql_pending_migrations_applied_in_order(db_url, monkeypatch):
    open_sql_sink(db_url).close()
    shipped = sql._migrations
    applied = migration_rows(db_url)
    n = sql.latest_schema_version("sqlite")
    extra = [
        (n + 2, f"{n + 2:04d}_notes_index.sql", "CREATE INDEX notes_text_idx ON notes (note);"),
        (n + 1, f"{n + 1:04d}_notes.sql", "CREATE TABLE notes (article_id TEXT, note TEXT); -- a comment; with a semicolon\n"),
    ]
    monkeypatch.setattr(sql, "_migrations", lambda dialect: sorted(shipped(dialect) + extra))
    open_sql_sink(db_url).close()
    open_sql_sink(db_url).close()
    assert schema_version(db_url) == n + 2
    assert migration_rows(db_url) == applied + [(n + 1,), (n + 2,)]


def test_sql_failing_migration_rolls_back(db_url, monkeypatch):
    open_sql_sink(db_url).close()
    shipped = sql._migrations
    n = sql.latest_schema_version("sqlite")
    broken = (n + 1, f"{n + 1:04d}_broken.sql", "CREATE TABLE half_done (x INTEGER);\nCREATE TABLE oops (;\n")
    monkeypatch.setattr(sql, "_migrations", lambda dialect: shipped(dialect) + [broken])
    with pytest.raises(TariffwireError, match=f"{n + 1:04d}_broken.sql") as info:
        open_sql_sink(db_url)
    assert "\n" not in str(info.value)
    assert schema_version(db_url) == n
    db = sql._connect(db_url)
    try:
        assert not db.table_exists("half_done")
    finally:
        db.close()


def test_sql_newer_schema_is_refused(db_url):
    open_sql_sink(db_url).close()
    db = sql._connect(db_url)
    try:
        db.execute(f"INSERT INTO {sql.MIGRATIONS_TABLE} (version) VALUES ({db.placeholder})", (99,))
    finally:
        db.close()
    with pytest.raises(TariffwireError, match="newer than this tariffwire"):
        open_sql_sink(db_url)


def test_sql_schema_has_indexes_and_quoted_columns(db_url):
    open_sql_sink(db_url).close()
    db = sql._connect(db_url)
    try:
        if db.dialect == "sqlite":
            names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        else:
            names = {row[0] for row in db.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")}
        assert {"events_article_id_idx", "events_type_idx", "events_imposer_idx"} <= names
        # The reserved column names are usable as quoted identifiers.
        assert db.execute('SELECT "start", "end" FROM rates') == []
    finally:
        db.close()


def test_sql_readers_refuse_database_without_tables(db_url):
    if db_url.startswith("sqlite"):
        open(db_url[len("sqlite:///"):], "w").close()  # an empty SQLite file
    assert schema_version(db_url) == 0
    with pytest.raises(TariffwireError, match="no tariffwire tables"):
        read_events(db_url)


# --- URLs and connection errors -----------------------------------------------------------------


@pytest.mark.parametrize("url", ["mysql://root@localhost/db", "sqlite:/relative.db", "tariffs.db", "http://example.com"])
def test_sql_bad_url_scheme(url):
    with pytest.raises(TariffwireError, match="Unsupported database URL"):
        open_sql_sink(url)


def test_sql_bad_url_hides_password():
    with pytest.raises(TariffwireError) as info:
        open_sql_sink("mysql://user:s3cret@db.example.com/x")
    assert "s3cret" not in str(info.value)


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_sql_unreachable_server_names_host_and_port(scheme):
    # Port 1 on localhost: nothing listens there, so the connection is refused at once.
    with pytest.raises(TariffwireError) as info:
        open_sql_sink(f"{scheme}://postgres:pw@127.0.0.1:1/test?connect_timeout=3")
    message = str(info.value)
    assert "127.0.0.1:1" in message and "\n" not in message and "pw" not in message


def test_sql_sqlite_unopenable_path(tmp_path):
    with pytest.raises(TariffwireError, match="Cannot open SQLite database"):
        open_sql_sink(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}")
    with pytest.raises(TariffwireError, match="no such file"):
        read_events(f"sqlite:///{tmp_path / 'missing.db'}")


def test_sql_sqlite_memory_and_relative_urls(tmp_path, monkeypatch, batch):
    articles, events = batch
    with open_sql_sink("sqlite:///:memory:") as sink:
        sink.write(articles, events)
    monkeypatch.chdir(tmp_path)
    write("sqlite:///relative.db", articles, events)
    assert (tmp_path / "relative.db").is_file()
    assert len(read_events("sqlite:///relative.db")) == len(events)


def test_sql_closed_sink_refuses_writes(sqlite_url, batch):
    sink = open_sql_sink(sqlite_url)
    sink.close()
    sink.close()  # closing twice is harmless
    with pytest.raises(RuntimeError, match="closed"):
        sink.write(*batch)


def test_sql_missing_postgres_schema_is_a_clear_error(postgresql_url):
    url = postgresql_url.rsplit("%3D", 1)[0] + "%3Dtw_test_does_not_exist"
    with pytest.raises(TariffwireError, match="no schema on the search_path exists") as info:
        open_sql_sink(url)
    assert "0001_initial.sql" in str(info.value)


def test_sql_concurrent_opens_migrate_once(db_url):
    # Several workers opening a fresh database at once: one migrates, the others wait and find it done.
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda _: open_sql_sink(db_url).close(), range(4)))
    assert migration_rows(db_url) == [(v,) for v, _, _ in sql._migrations("sqlite")]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(headline=st.one_of(st.none(), st.text()), names=st.lists(st.text(min_size=1), max_size=3),
       evidence=st.text(), confidence=st.floats(0.0, 1.0))
def test_sql_sqlite_round_trips_any_text(tmp_path, headline, names, evidence, confidence):
    article = ArticleRecord(article_id="a1", headline=headline, byline=names,
                            officials=[OfficialMention(name=n, title=n, country=None, mentions=[(0, 1)]) for n in names])
    event = make_event("e1", evidence=Evidence(text=evidence, start=0, end=len(evidence)), confidence=confidence,
                       officials=0, products=names)
    url = f"sqlite:///{tmp_path / 'any.db'}"
    write(url, [article], [event])  # the same file each example: also rewrites an article every time
    assert read_articles(url) == as_jsonl([article])
    assert read_events(url) == as_jsonl([event])


# --- link tables event_targets, event_products, event_parties (migration 0003) ----------------------


def links(url, table):
    db = sql._connect(url)
    try:
        return sorted(db.execute(f"SELECT event_id, seq, {'product' if table == 'event_products' else 'country'} FROM {table}"))
    finally:
        db.close()


def test_sql_link_tables_hold_one_row_per_list_item(db_url, batch):
    write(db_url, *batch)
    assert links(db_url, "event_targets") == [("e1", 0, "JPN"), ("e2", 0, "JPN"), ("e3", 0, "ALL")]
    assert links(db_url, "event_products") == [(e, i, p) for e in ("e1", "e2", "e3") for i, p in enumerate(["cars", "steel"])]
    assert links(db_url, "event_parties") == [(e, i, c) for e in ("e1", "e2", "e3") for i, c in enumerate(["JPN", "USA"])]


def test_sql_link_tables_join_events_to_targets(db_url, batch):
    write(db_url, *batch)
    db = sql._connect(db_url)
    try:
        rows = db.execute("SELECT e.event_id FROM events e JOIN event_targets t ON t.event_id = e.event_id "
                          "WHERE t.country = 'ALL'")
    finally:
        db.close()
    assert rows == [("e3",)]


def test_sql_reprocessed_article_replaces_its_link_rows(db_url, batch):
    write(db_url, *batch)
    write(db_url, [make_article("a1")], [make_event("e1", "a1", targets=["CHN", "CAN"], products=[])])
    assert links(db_url, "event_targets") == [("e1", 0, "CHN"), ("e1", 1, "CAN"), ("e3", 0, "ALL")]
    assert [r for r in links(db_url, "event_products") if r[0] in ("e1", "e2")] == []


def test_sql_event_moved_to_another_article_keeps_one_set_of_links(db_url, batch):
    write(db_url, *batch)
    write(db_url, [make_article("a2")], [make_event("e1", "a2", targets=["MEX"])])
    assert [r for r in links(db_url, "event_targets") if r[0] == "e1"] == [("e1", 0, "MEX")]


def test_sql_published_source_round_trips(db_url):
    article = make_article("a9", published_source="dateline")
    write(db_url, [article], [])
    assert read_articles(db_url) == as_jsonl([article])


def test_sql_migration_0003_fills_links_of_events_written_before(sqlite_url, batch, monkeypatch):
    """A database at schema version 1 gets the link rows of its stored events when it is upgraded."""
    shipped = sql._migrations
    monkeypatch.setattr(sql, "_migrations", lambda dialect: [m for m in shipped(dialect) if m[0] == 1])
    db = sql._connect(sqlite_url)
    try:
        sql._migrate(db)
        articles, events = batch
        sink = sql.SqlSink(db)
        sink._sql["articles"] = sql._insert_sql("articles", sql.ARTICLE_COLUMNS[:-1], "?", conflict="article_id")
        with db.transaction():
            db.executemany(sink._sql["articles"], [sql._article_row(a, db.dump_json)[:-1] for a in articles])
            db.executemany(sink._sql["events"], [sql._event_row(e, db.dump_json) for e in events])
    finally:
        db.close()
    monkeypatch.setattr(sql, "_migrations", shipped)
    open_sql_sink(sqlite_url).close()
    assert links(sqlite_url, "event_targets") == [("e1", 0, "JPN"), ("e2", 0, "JPN"), ("e3", 0, "ALL")]
    assert links(sqlite_url, "event_parties")[:2] == [("e1", 0, "JPN"), ("e1", 1, "USA")]
