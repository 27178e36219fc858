"""`tariffwire extract --db postgresql://...`: the database holds what the JSONL holds, once.

The server is TARIFFWIRE_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test), as
for tests/writers. Each test gets a fresh schema through the URL's search_path option. Locally an
unreachable server skips these tests, with the reason; with CI=true it fails them.
"""
from __future__ import annotations

import json

import pytest

psycopg = pytest.importorskip("psycopg")

@pytest.fixture
def pg_url(postgresql_url):
    return postgresql_url


@pytest.fixture
def corpus(tmp_path, dev_articles):
    path = tmp_path / "in.jsonl"
    rows = dev_articles[:8] + [{"id": "no-text"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _counts(url: str) -> dict:
    with psycopg.connect(url) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "events", "event_officials", "dates")}


def test_postgres_cli_db_holds_the_jsonl_records(cli, corpus, tmp_path, pg_url, jsonl):
    from extractor.writers.sql import read_articles, read_events

    result = cli("extract", corpus, "-o", tmp_path / "out", "-q", "--db", pg_url, "--run.batch_size=3")
    assert result.exit_code == 1, result.output  # the record without text fails; the others are stored
    articles, events = jsonl(tmp_path / "out" / "articles.jsonl"), jsonl(tmp_path / "out" / "events.jsonl")
    assert len(articles) == 8 and events
    assert read_articles(pg_url) == sorted(articles, key=lambda a: a["article_id"])
    assert read_events(pg_url) == sorted(events, key=lambda e: (e["article_id"], e["event_id"]))


def test_postgres_cli_rerun_does_not_duplicate(cli, corpus, tmp_path, pg_url):
    assert cli("extract", corpus, "-o", tmp_path / "one", "-q", "--db", pg_url).exit_code == 1
    first = _counts(pg_url)
    assert first["articles"] == 8
    # A rerun into a new output directory, and one over the same directory: same rows, not twice.
    assert cli("extract", corpus, "-o", tmp_path / "two", "-q", "--db", pg_url, "--run.batch_size=2").exit_code == 1
    assert cli("extract", corpus, "-o", tmp_path / "one", "-q", "--db", pg_url).exit_code == 1
    assert _counts(pg_url) == first


def test_postgres_cli_nul_character_fails_only_that_article(cli, tmp_path, pg_url, dev_articles, jsonl):
    """PostgreSQL text cannot hold NUL: that article fails at the db stage and is left out of the
    JSONL too, so that the two outputs keep holding the same records."""
    from extractor.writers.sql import read_articles

    rows = [dev_articles[0], dict(dev_articles[1], id="nul", headline="Steel\x00tariffs"), dev_articles[2]]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = cli("extract", path, "-o", tmp_path / "out", "-q", "--db", pg_url)
    assert result.exit_code == 1, result.output
    [error] = jsonl(tmp_path / "out" / "errors.jsonl")
    assert (error["article_id"], error["stage"], error["level"]) == ("nul", "db", "error")
    assert "NUL" in error["message"]
    stored = [a["article_id"] for a in read_articles(pg_url)]
    assert stored == sorted(a["article_id"] for a in jsonl(tmp_path / "out" / "articles.jsonl"))
    assert stored == sorted([dev_articles[0]["id"], dev_articles[2]["id"]])


def test_postgres_cli_missing_schema_is_fatal(cli, corpus, tmp_path, pg_url):
    url = pg_url.rsplit("%3D", 1)[0] + "%3Dno_such_schema_for_tariffwire"
    result = cli("extract", corpus, "-o", tmp_path / "out", "-q", "--db", url)
    assert result.exit_code == 2
    assert result.stderr.startswith("tariffwire: error: ") and len(result.stderr.strip().splitlines()) == 1
