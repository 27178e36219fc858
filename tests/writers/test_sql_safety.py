"""Database failures that must stay clear and safe: a user without privileges gets a catalogued
one-line error naming the fix, a password never appears in any message, and two writers on
overlapping articles never deadlock (issue 10)."""
from __future__ import annotations

import threading
import uuid

import pytest

from extractor.errors import TariffwireError
from extractor.writers.sql import credential_secrets, mask_credentials, open_sql_sink, read_articles

from tests.writers.test_sql import make_article, make_event

SECRET = "s3cr3t-Pa55"


@pytest.mark.parametrize("text", [
    f"postgresql://bob:{SECRET}@db.example:5432/news",
    f"connection failed: host=db password={SECRET} dbname=news",
    f"host=db password='{SECRET}' user=bob",
    f"postgresql://bob@db/news?sslmode=require&password={SECRET}",
    f'invalid URI query parameter: "postgresql://bob:{SECRET}@db/news"',
])
def test_sql_mask_credentials_in_urls_and_keyword_strings(text):
    assert SECRET not in mask_credentials(text)


@pytest.mark.parametrize("url", [
    "postgresql://bob:p@ss:w/rd@127.0.0.1:5432/test",  # raw '@' and '/': the driver would read a host out of it
    "postgresql://bob:se cret%zz@127.0.0.1:5432/test",
    "postgresql://bob:s3cr3t'x@[::1:5432/test",
    "postgresql://bob:hunter2-secret@127.0.0.1:1/test",  # unreachable: the driver's own message
    "postgresql://bob:hunter2-secret@127.0.0.1:99999/test",
    "host=127.0.0.1 password=hunter2-secret dbname=test",
])
def test_sql_password_never_in_a_database_error(url):
    secrets = credential_secrets(url)
    assert secrets
    with pytest.raises(TariffwireError) as caught:
        open_sql_sink(url)
    message = str(caught.value)
    assert all(secret not in message for secret in secrets), message
    assert "ss:w" not in message and "se cret" not in message  # no piece of a malformed one either
    assert len(message.splitlines()) == 1


def test_sql_password_never_printed_by_the_cli(cli, tmp_path):
    (tmp_path / "a.jsonl").write_text('{"id": "a", "text": "Tariffs."}\n')
    for url in ("postgresql://bob:p@ss:w/rd@127.0.0.1:5432/test", "postgresql://bob:se cret%zz@127.0.0.1:1/test"):
        result = cli("extract", tmp_path / "a.jsonl", "-o", tmp_path / "out", "-q", "--db", url, "--debug")
        assert result.exit_code == 2
        for secret in credential_secrets(url):
            assert secret not in result.output


@pytest.fixture
def restricted_url(postgresql_url):
    """A schema the test user may use but not create tables in, and a role for that."""
    import psycopg

    from tests.conftest import POSTGRES_URL

    role = f"tw_reader_{uuid.uuid4().hex[:8]}"
    schema = postgresql_url.rsplit("%3D", 1)[1]
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN')
        admin.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"')
    url = postgresql_url.replace("postgresql://postgres@", f"postgresql://{role}@", 1)
    if url == postgresql_url:
        pytest.skip("the test server URL does not name the postgres user")
    try:
        yield url
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'DROP OWNED BY "{role}"')
            admin.execute(f'DROP ROLE "{role}"')


def test_sql_user_without_create_rights_gets_a_catalogued_error(restricted_url):
    with pytest.raises(TariffwireError) as caught:
        open_sql_sink(restricted_url)
    message = str(caught.value)
    assert message.startswith("Database ") and "refused user tw_reader_" in message
    assert "permission denied" in message and "GRANT USAGE, CREATE ON SCHEMA" in message
    assert len(message.splitlines()) == 1


def test_sql_user_without_create_rights_cli_exit_2(cli, tmp_path, restricted_url):
    (tmp_path / "a.jsonl").write_text('{"id": "a", "text": "Tariffs."}\n')
    result = cli("extract", tmp_path / "a.jsonl", "-o", tmp_path / "out", "-q", "--db", restricted_url)
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("tariffwire: error: Database ") and "internal error" not in line and "GRANT" in line


def test_sql_two_writers_on_overlapping_articles_never_deadlock(postgresql_url):
    """Each writer stores the same articles, one in the opposite order, many times at once. Without
    a stable order the two transactions lock rows in opposite orders and PostgreSQL kills one."""
    ids = [f"a{n:03d}" for n in range(40)]
    batches = {
        "forward": ([make_article(i) for i in ids], [make_event(f"e-{i}", i) for i in ids]),
        "backward": ([make_article(i) for i in reversed(ids)], [make_event(f"e-{i}", i) for i in reversed(ids)]),
    }
    open_sql_sink(postgresql_url).close()  # the schema first, so the writers only write
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def writer(name: str) -> None:
        articles, events = batches[name]
        with open_sql_sink(postgresql_url) as sink:
            for _ in range(15):
                barrier.wait(timeout=60)
                try:
                    sink.write(articles, events)
                except TariffwireError as exc:
                    failures.append(exc)

    threads = [threading.Thread(target=writer, args=(name,)) for name in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not failures, [str(f) for f in failures[:2]]
    assert [a["article_id"] for a in read_articles(postgresql_url)] == ids
