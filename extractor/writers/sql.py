"""SQL sink: articles and events into SQLite or PostgreSQL, in normalized tables.

Writing an article that is already stored replaces everything derived from it (its child rows and
its events) in the same transaction as the new rows, so a rerun never duplicates a record and a
failed batch leaves the previous state. The schema is created and upgraded from the versioned files
in `migrations/<dialect>/NNNN_name.sql`; `tariffwire_schema_migrations` records which ran.

URLs: `sqlite:///relative.db`, `sqlite:////absolute.db`, `sqlite:///:memory:`,
`postgresql://user@host:port/db` (or `postgres://`); a PostgreSQL schema other than `public` is
chosen with `?options=-csearch_path%3Dmyschema`, which must exist.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, Sequence
from urllib.parse import unquote

from ..errors import Errors, TariffwireError
from ..records import ArticleRecord, EventRecord
from ..registry import PositiveInt, registry
from .sink import Sink

__all__ = ["DatabaseSink", "SqlSink", "open_sql_sink", "read_articles", "read_events", "schema_version", "latest_schema_version"]

MIGRATIONS_TABLE = "tariffwire_schema_migrations"
_MIGRATION_FILE = re.compile(r"^(\d{4})_\w+\.sql$")

ARTICLE_COLUMNS = ("article_id", "schema_version", "source", "url", "headline", "published", "byline", "dateline",
                   "published_source")
CHILD_COLUMNS = {
    "officials": ("article_id", "seq", "name", "title", "country", "mentions"),
    "countries": ("article_id", "seq", "code", "name", "mentions"),
    "rates": ("article_id", "seq", "value", "unit", "text", "start", "end"),
    "dates": ("article_id", "seq", "text", "start", "end", "value", "grain"),
}
EVENT_COLUMNS = (
    "event_id", "article_id", "schema_version", "type", "status", "rate", "previous_rate", "imposer",
    "targets", "products", "parties", "date_text", "date_value", "date_start", "date_end", "duration",
    "location", "evidence_text", "evidence_start", "evidence_end", "confidence",
)
EVENT_OFFICIAL_COLUMNS = ("event_id", "seq", "name", "title", "country")
# Link tables (migration 0003): one row per item of an event's list field, for joins.
EVENT_LINKS = {
    "event_targets": ("targets", ("event_id", "seq", "country")),
    "event_products": ("products", ("event_id", "seq", "product")),
    "event_parties": ("parties", ("event_id", "seq", "country")),
}
_JSON_COLUMNS = {"byline", "dateline", "mentions", "targets", "products", "parties"}


# --- connections --------------------------------------------------------------------------------


class _Db:
    """What the sink needs from a DB-API connection, with the dialect differences in one place."""

    dialect: str
    placeholder: str
    errors: tuple[type[BaseException], ...]
    target: str  # for messages: a path, or host:port/db (never a password)
    user: Optional[str] = None
    secrets: Sequence[str] = ()  # the password, masked in every message (mask_credentials)

    def reason(self, exc: BaseException) -> str:
        """One line for a driver error, credentials masked."""
        return _one_line(exc, self.secrets)

    def lock_articles(self, article_ids: Sequence[str]) -> None:
        """Lock these articles for the transaction, so that two writers never deadlock on them."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        raise NotImplementedError

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        raise NotImplementedError

    def run_script(self, script: str) -> None:
        raise NotImplementedError

    def transaction(self, *, readonly: bool = False):
        raise NotImplementedError

    def table_exists(self, name: str) -> bool:
        raise NotImplementedError

    def lock_migrations(self) -> None:
        """Serialise concurrent migrators (called inside the migration transaction).

        Raises _CannotMigrate when the database cannot take the schema at all.
        """

    def dump_json(self, value: Any) -> Any:
        raise NotImplementedError

    def load_json(self, value: Any) -> Any:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class _SqliteDb(_Db):
    dialect = "sqlite"
    placeholder = "?"
    errors = (sqlite3.Error,)

    def __init__(self, path: str, *, readonly: bool = False):
        self.target = path
        try:
            if readonly and path != ":memory:":
                if not Path(path).is_file():
                    raise TariffwireError(Errors.E051.format(path=path, reason="no such file"))
                self.conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None)
            else:
                # isolation_level=None: the module opens no transactions of its own; we BEGIN explicitly.
                self.conn = sqlite3.connect(path, timeout=30, isolation_level=None)
            self.conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise TariffwireError(Errors.E051.format(path=path, reason=_one_line(exc))) from None

    def execute(self, sql, params=()):
        return self.conn.execute(sql, params).fetchall()

    def executemany(self, sql, rows):
        self.conn.executemany(sql, rows)

    def run_script(self, script):
        # executescript() would COMMIT first; run the statements one by one inside our transaction.
        for statement in _split_sqlite_script(script):
            self.conn.execute(statement)

    @contextmanager
    def transaction(self, *, readonly=False):
        # IMMEDIATE takes the write lock up front, so two writers wait instead of deadlocking.
        self.conn.execute("BEGIN" if readonly else "BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def table_exists(self, name):
        return bool(self.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)))

    def dump_json(self, value):
        return json.dumps(value, ensure_ascii=False)

    def load_json(self, value):
        return json.loads(value)

    def close(self):
        self.conn.close()


class _PostgresDb(_Db):
    dialect = "postgresql"
    placeholder = "%s"

    def __init__(self, url: str, *, readonly: bool = False):
        import psycopg
        from psycopg.conninfo import conninfo_to_dict
        from psycopg.types.json import Jsonb

        self._psycopg = psycopg
        self._jsonb = Jsonb
        self.errors = (psycopg.Error,)
        self.secrets = credential_secrets(url)
        _check_password_encoding(url)
        try:
            params = conninfo_to_dict(url)
        except psycopg.Error as exc:
            raise TariffwireError(Errors.E023.format(url=_mask_password(url)) + f" ({self.reason(exc)})") from None
        self.secrets = sorted({*self.secrets, *([params["password"]] if params.get("password") else [])}, key=len, reverse=True)
        host = params.get("host") or params.get("hostaddr") or os.environ.get("PGHOST") or "localhost"
        port = params.get("port") or os.environ.get("PGPORT") or "5432"
        self.user = params.get("user") or os.environ.get("PGUSER")
        self.target = mask_credentials(f"{host}:{port}/{params.get('dbname') or os.environ.get('PGDATABASE') or ''}", self.secrets)
        extra = {} if "connect_timeout" in params else {"connect_timeout": 10}
        try:
            # autocommit: transactions are opened explicitly by transaction(), never implicitly.
            self.conn = psycopg.connect(url, autocommit=True, **extra)
        except psycopg.Error as exc:
            raise TariffwireError(Errors.E050.format(host=mask_credentials(host, self.secrets), port=mask_credentials(port, self.secrets),
                                                     reason=self.reason(exc))) from None
        if self.user is None:
            self.user = self.conn.info.user
        if readonly:
            # One snapshot for all the queries of a read, even while a writer commits.
            self.conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            self.conn.read_only = True

    def execute(self, sql, params=()):
        cur = self.conn.execute(sql, params)
        return cur.fetchall() if cur.description else []

    def executemany(self, sql, rows):
        with self.conn.cursor() as cur:
            cur.executemany(sql, rows)

    def run_script(self, script):
        # Several statements in one execute() are allowed when no parameters are passed.
        self.conn.execute(script)

    @contextmanager
    def transaction(self, *, readonly=False):
        with self.conn.transaction():
            yield

    def table_exists(self, name):
        return self.execute("SELECT to_regclass(%s) IS NOT NULL", (name,))[0][0]

    def lock_migrations(self):
        if self.execute("SELECT current_schema()")[0][0] is None:
            raise _CannotMigrate("no schema on the search_path exists; create it first")
        # Per schema, so that two processes opening the same fresh database migrate it once.
        self.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || %s))", ("." + MIGRATIONS_TABLE,))

    def lock_articles(self, article_ids):
        # Per-article advisory locks, taken in the order of their keys: two writers on overlapping
        # articles then queue on the first shared one instead of each holding what the other wants.
        keys = sorted({_lock_key(article_id) for article_id in article_ids})
        if keys:
            self.execute("SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT unnest(%s::bigint[]) AS k ORDER BY 1) AS keys",
                         (keys,))

    def dump_json(self, value):
        return self._jsonb(value)

    def load_json(self, value):
        return value  # psycopg already decodes jsonb

    def close(self):
        self.conn.close()


def _connect(url: str, *, readonly: bool = False) -> _Db:
    if not isinstance(url, str):
        raise TariffwireError(Errors.E023.format(url=url))
    if url.startswith("sqlite:///"):
        return _SqliteDb(url[len("sqlite:///"):], readonly=readonly)
    if url == "sqlite://":  # SQLAlchemy's spelling of an in-memory database
        return _SqliteDb(":memory:", readonly=readonly)
    scheme, sep, rest = url.partition("://")
    # "postgresql+psycopg://" (SQLAlchemy style) is accepted too: the driver is always psycopg 3.
    if sep and scheme.split("+", 1)[0] in ("postgresql", "postgres"):
        return _PostgresDb("postgresql://" + rest, readonly=readonly)
    raise TariffwireError(Errors.E023.format(url=_mask_password(url)))


def check_url(url: Any) -> None:
    """Refuse a database URL that cannot work, without connecting (E023, E051): callers check it
    before they create anything (the output directory's lock), so a typo leaves no trace."""
    if not isinstance(url, str):
        raise TariffwireError(Errors.E023.format(url=url))
    if url.startswith("sqlite:///") or url == "sqlite://":
        path = url[len("sqlite:///"):]
        if path and path != ":memory:" and not Path(path).parent.is_dir():
            raise TariffwireError(Errors.E051.format(path=path, reason=f"the folder {Path(path).parent} does not exist"))
        return
    scheme, sep, rest = url.partition("://")
    if not (sep and scheme.split("+", 1)[0] in ("postgresql", "postgres")):
        raise TariffwireError(Errors.E023.format(url=_mask_password(url)))
    _check_password_encoding(url)
    try:
        from psycopg.conninfo import conninfo_to_dict
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return
    try:
        conninfo_to_dict("postgresql://" + rest)
    except Exception as exc:
        raise TariffwireError(Errors.E023.format(url=_mask_password(url)) + f" ({_one_line(exc, credential_secrets(url))})") from None


def _lock_key(article_id: str) -> int:
    """A stable signed 64-bit advisory-lock key for an article (namespaced, so as not to meet
    other applications' keys by chance)."""
    digest = hashlib.blake2b(f"tariffwire.article:{article_id}".encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


# --- migrations ---------------------------------------------------------------------------------


class _CannotMigrate(Exception):
    pass


def _migrations(dialect: str) -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of the shipped migrations of a dialect, in order."""
    folder = resources.files(__package__).joinpath("migrations", dialect)
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_FILE.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [version for version, _, _ in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two {dialect} migrations share a version number: {[name for _, name, _ in found]}")
    return found


def latest_schema_version(dialect: str = "sqlite") -> int:
    """The version a database has once every shipped migration has run."""
    return max((version for version, _, _ in _migrations(dialect)), default=0)


def _applied_versions(db: _Db) -> set[int]:
    if not db.table_exists(MIGRATIONS_TABLE):
        return set()
    return {row[0] for row in db.execute(f"SELECT version FROM {MIGRATIONS_TABLE}")}


def _migrate(db: _Db) -> None:
    migrations = _migrations(db.dialect)
    known = max((version for version, _, _ in migrations), default=0)
    applied = _applied_versions(db)
    if applied and max(applied) > known:
        raise TariffwireError(Errors.E053.format(target=db.target, found=max(applied), known=known))
    if all(version in applied for version, _, _ in migrations):
        return  # the common case: no lock taken
    timestamp = "timestamptz NOT NULL DEFAULT now()" if db.dialect == "postgresql" else "TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP"
    first_pending = next(m for m in migrations if m[0] not in applied)
    with db.transaction():
        try:
            db.lock_migrations()
        except _CannotMigrate as exc:
            raise TariffwireError(Errors.E054.format(
                target=db.target, version=first_pending[0], file=first_pending[1], reason=exc)) from None
        db.execute(f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (version INTEGER PRIMARY KEY, applied_at {timestamp})")
        applied = _applied_versions(db)  # again, under the lock: another process may have migrated meanwhile
        for version, name, script in migrations:
            if version in applied:
                continue
            try:
                db.run_script(script)
            except db.errors as exc:
                raise _privilege_error(db, exc) or TariffwireError(Errors.E054.format(
                    target=db.target, version=version, file=name, reason=db.reason(exc))) from exc
            db.execute(f"INSERT INTO {MIGRATIONS_TABLE} (version) VALUES ({db.placeholder})", (version,))


def schema_version(url: str) -> int:
    """The highest migration applied to the database at `url`; 0 when it holds no tariffwire tables.

    A missing SQLite file is version 0 too, and is not created.
    """
    if isinstance(url, str) and url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        if not Path(url[len("sqlite:///"):]).exists():
            return 0
    db = _connect(url, readonly=True)
    try:
        with db.transaction(readonly=True):
            return max(_applied_versions(db), default=0)
    finally:
        db.close()


# --- the sink -----------------------------------------------------------------------------------


class DatabaseSink(Sink):
    """`--db URL`: each batch's records written in one transaction as the JSONL is appended, and
    the run's measures upserted at the end. The URL is checked when the config is resolved, before
    the output folder is touched; the connection is made by open()."""

    streams = True

    def __init__(self, url: str, *, batch_size: int = 500):
        check_url(url)
        if url.split("://", 1)[0].split("+", 1)[0] in ("postgresql", "postgres"):
            from ..optional import require

            require("psycopg", "postgres")
        self.url = url
        self.batch_size = batch_size
        self._sink: Optional[SqlSink] = None

    def resume_key(self) -> str:
        return self.url

    def open(self) -> None:
        self._sink = open_sql_sink(self.url, batch_size=self.batch_size)

    def write(self, articles: Sequence[ArticleRecord], events: Sequence[EventRecord]) -> None:
        assert self._sink is not None, "write() before open()"
        self._sink.write(articles, events)

    def ping(self) -> bool:
        return self._sink is not None and self._sink.ping()

    def finish(self, outdir: Path, *, only_missing: bool = False) -> list[str]:
        # A finished run's measures are in this database already: its --resume key is this URL.
        if not only_missing:
            write_measures_db(self.url, outdir)
        return []

    def close(self) -> None:
        if self._sink is not None:
            self._sink.close()
            self._sink = None


@registry.sinks("tariffwire.Sql.v1")
def sql_sink(url: str, batch_size: PositiveInt = 500) -> DatabaseSink:
    """Normalized tables in SQLite (sqlite:///PATH) or PostgreSQL (postgresql://...); rows go in
    `batch_size` at a time."""
    return DatabaseSink(url, batch_size=batch_size)



def open_sql_sink(url: str, *, batch_size: int = 500) -> "SqlSink":
    """Connect to `url`, create or upgrade the schema, and return a sink to write records to."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    db = _connect(url)
    try:
        _migrate(db)
    except db.errors as exc:  # outside a migration script: reading the versions, creating their table
        db.close()
        pending = latest_schema_version(db.dialect)
        raise _privilege_error(db, exc) or TariffwireError(Errors.E054.format(
            target=db.target, version=pending, file="(schema migrations table)", reason=db.reason(exc))) from exc
    except BaseException:
        db.close()
        raise
    return SqlSink(db, batch_size=batch_size)


class SqlSink:
    """Writes batches of records; each write() is one transaction. Use open_sql_sink() to make one."""

    def __init__(self, db: _Db, *, batch_size: int = 500):
        self._db: _Db | None = db
        self.batch_size = batch_size
        p = db.placeholder
        self._sql = {
            "articles": _insert_sql("articles", ARTICLE_COLUMNS, p, conflict="article_id"),
            "events": _insert_sql("events", EVENT_COLUMNS, p, conflict="event_id"),
            "event_officials": _insert_sql("event_officials", EVENT_OFFICIAL_COLUMNS, p),
            **{table: _insert_sql(table, columns, p) for table, (_, columns) in EVENT_LINKS.items()},
            **{table: _insert_sql(table, columns, p) for table, columns in CHILD_COLUMNS.items()},
        }

    def write(self, articles: Sequence[ArticleRecord], events: Sequence[EventRecord]) -> None:
        """Store `articles` and `events`, replacing whatever was stored for those articles."""
        db = self._db
        if db is None:
            raise RuntimeError("write() on a closed SqlSink")
        # Within a batch the last record with an id wins, as it would across batches. Rows are
        # written in a stable order (by id), and the articles locked first, so that two writers on
        # overlapping articles wait for each other instead of deadlocking.
        articles = sorted({a.article_id: a for a in articles}.values(), key=lambda a: a.article_id)
        events = sorted({e.event_id: e for e in events}.values(), key=lambda e: (e.article_id, e.event_id))
        if not articles and not events:
            return
        try:
            with db.transaction():
                db.lock_articles([a.article_id for a in articles] + [e.article_id for e in events])
                self._write(db, articles, events)
        except db.errors as exc:
            raise _privilege_error(db, exc) or TariffwireError(Errors.E052.format(
                target=db.target, articles=len(articles), events=len(events), reason=db.reason(exc))) from exc

    def _write(self, db: _Db, articles: list[ArticleRecord], events: list[EventRecord]) -> None:
        p = db.placeholder
        ids = [(a.article_id,) for a in articles]
        # Replace, not merge: everything derived from these articles goes, then comes back from the batch.
        for table in ("event_officials", *EVENT_LINKS):
            self._many(f"DELETE FROM {table} WHERE event_id IN (SELECT event_id FROM events WHERE article_id = {p})", ids)
        self._many(f"DELETE FROM events WHERE article_id = {p}", ids)
        for table in CHILD_COLUMNS:
            self._many(f"DELETE FROM {table} WHERE article_id = {p}", ids)
        self._many(self._sql["articles"], [_article_row(a, db.dump_json) for a in articles])
        for table, rows in _child_rows(articles, db.dump_json).items():
            self._many(self._sql[table], rows)

        self._check_event_articles(db, {a.article_id for a in articles}, events)
        # An event may move to another article or be written without its article: clear its officials by id.
        for table in ("event_officials", *EVENT_LINKS):
            self._many(f"DELETE FROM {table} WHERE event_id = {p}", [(e.event_id,) for e in events])
        self._many(self._sql["events"], [_event_row(e, db.dump_json) for e in events])
        self._many(self._sql["event_officials"], [row for e in events for row in _event_official_rows(e)])
        for table, (attribute, _) in EVENT_LINKS.items():
            self._many(self._sql[table], [(e.event_id, i, value) for e in events for i, value in enumerate(getattr(e, attribute))])

    def _check_event_articles(self, db: _Db, batch_ids: set[str], events: list[EventRecord]) -> None:
        # The foreign key would catch this too, but SQLite's message does not say which article.
        outside = sorted({e.article_id for e in events} - batch_ids)
        missing = [aid for aid in outside if not db.execute(f"SELECT 1 FROM articles WHERE article_id = {db.placeholder}", (aid,))]
        if missing:
            shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
            raise TariffwireError(Errors.E056.format(target=db.target, article_ids=shown))

    def ping(self) -> bool:
        """Does the database still answer? (Tells a failed batch's bad article from a lost server.)"""
        if self._db is None:
            return False
        try:
            self._db.execute("SELECT 1")
            return True
        except self._db.errors:
            return False

    def _many(self, sql: str, rows: list) -> None:
        for start in range(0, len(rows), self.batch_size):
            self._db.executemany(sql, rows[start:start + self.batch_size])

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> "SqlSink":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _article_row(a: ArticleRecord, dump_json: Callable) -> tuple:
    return (a.article_id, a.schema_version, a.source, a.url, a.headline, a.published,
            dump_json(list(a.byline)), dump_json(list(a.dateline)), a.published_source)


def _child_rows(articles: list[ArticleRecord], dump_json: Callable) -> dict[str, list[tuple]]:
    rows: dict[str, list[tuple]] = {table: [] for table in CHILD_COLUMNS}
    for a in articles:
        aid = a.article_id
        rows["officials"] += [(aid, i, o.name, o.title, o.country, dump_json(_spans(o.mentions))) for i, o in enumerate(a.officials)]
        rows["countries"] += [(aid, i, c.code, c.name, dump_json(_spans(c.mentions))) for i, c in enumerate(a.countries)]
        rows["rates"] += [(aid, i, r.value, r.unit, r.text, r.start, r.end) for i, r in enumerate(a.rates)]
        rows["dates"] += [(aid, i, d.text, d.start, d.end, d.value, d.grain) for i, d in enumerate(a.dates)]
    return rows


def _event_row(e: EventRecord, dump_json: Callable) -> tuple:
    date = e.date
    return (
        e.event_id, e.article_id, e.schema_version, e.type, e.status, e.rate, e.previous_rate, e.imposer,
        dump_json(list(e.targets)), dump_json(list(e.products)), dump_json(list(e.parties)),
        date.text if date else None, date.value if date else None,
        date.start if date else None, date.end if date else None,
        e.duration, e.location, e.evidence.text, e.evidence.start, e.evidence.end, e.confidence,
    )


def _event_official_rows(e: EventRecord) -> list[tuple]:
    return [(e.event_id, i, o.name, o.title, o.country) for i, o in enumerate(e.officials)]


def _spans(spans) -> list[list[int]]:
    return [[start, end] for start, end in spans]


# --- readers ------------------------------------------------------------------------------------


def read_articles(url: str) -> list[dict]:
    """Stored articles as dicts shaped like the lines of articles.jsonl, ordered by article_id."""
    with _reading(url) as db:
        children: dict[str, dict[str, list]] = {table: {} for table in CHILD_COLUMNS}
        for table, columns in CHILD_COLUMNS.items():
            for row in db.execute(f"SELECT {_cols(columns)} FROM {table} ORDER BY article_id, seq"):
                children[table].setdefault(row[0], []).append(dict(zip(columns[2:], row[2:])))
        articles = []
        for row in db.execute(f"SELECT {_cols(ARTICLE_COLUMNS)} FROM articles ORDER BY article_id"):
            record = _decode(db, dict(zip(ARTICLE_COLUMNS, row)))
            for table in CHILD_COLUMNS:
                record[table] = [_decode(db, child) for child in children[table].get(record["article_id"], [])]
            articles.append(_in_field_order(record, ArticleRecord))
        return articles


def read_events(url: str) -> list[dict]:
    """Stored events as dicts shaped like the lines of events.jsonl, ordered by (article_id, event_id)."""
    with _reading(url) as db:
        officials: dict[str, list] = {}
        for row in db.execute(f"SELECT {_cols(EVENT_OFFICIAL_COLUMNS)} FROM event_officials ORDER BY event_id, seq"):
            officials.setdefault(row[0], []).append(dict(zip(EVENT_OFFICIAL_COLUMNS[2:], row[2:])))
        events = []
        for row in db.execute(f"SELECT {_cols(EVENT_COLUMNS)} FROM events ORDER BY article_id, event_id"):
            flat = _decode(db, dict(zip(EVENT_COLUMNS, row)))
            date = {key: flat.pop(f"date_{key}") for key in ("text", "value", "start", "end")}
            evidence = {key: flat.pop(f"evidence_{key}") for key in ("text", "start", "end")}
            # EventDate.text is required, so a NULL date_text means the event had no date.
            flat["date"] = date if date["text"] is not None else None
            flat["evidence"] = evidence
            flat["officials"] = officials.get(flat["event_id"], [])
            events.append(_in_field_order(flat, EventRecord))
        return events


@contextmanager
def _reading(url: str) -> Iterator[_Db]:
    """A read-only transaction on a database tariffwire has written to (E055 if it has not)."""
    db = _connect(url, readonly=True)
    try:
        with db.transaction(readonly=True):
            _require_tables(db)
            yield db
    finally:
        db.close()


def _require_tables(db: _Db) -> None:
    if not db.table_exists(MIGRATIONS_TABLE):
        raise TariffwireError(Errors.E055.format(target=db.target))


def _decode(db: _Db, row: dict) -> dict:
    return {key: db.load_json(value) if key in _JSON_COLUMNS else value for key, value in row.items()}


def _in_field_order(record: dict, model) -> dict:
    # The same key order as model_dump(), so a dict read back can be compared with a JSONL line as is.
    return {name: record[name] for name in model.model_fields}


# --- helpers ------------------------------------------------------------------------------------


def _quote(column: str) -> str:
    return f'"{column}"'  # every column, so reserved words ("end", "start") need no special case


def _cols(columns: Sequence[str]) -> str:
    return ", ".join(_quote(c) for c in columns)


def _insert_sql(table: str, columns: Sequence[str], placeholder: str, *, conflict: str | None = None) -> str:
    sql = f"INSERT INTO {table} ({_cols(columns)}) VALUES ({', '.join([placeholder] * len(columns))})"
    if conflict:
        updates = ", ".join(f"{_quote(c)} = excluded.{_quote(c)}" for c in columns if c != conflict)
        sql += f" ON CONFLICT ({_quote(conflict)}) DO UPDATE SET {updates}"
    return sql


def _split_sqlite_script(script: str) -> Iterator[str]:
    buffer = ""
    for piece in re.split(r"(?<=;)", script):
        buffer += piece
        if sqlite3.complete_statement(buffer):
            yield buffer
            buffer = ""
    if buffer.strip():
        yield buffer  # a trailing comment, or a last statement without ';'


def _one_line(exc: BaseException, secrets: Sequence[str] = ()) -> str:
    """The first line of a driver's error, with any credentials in it masked (every database
    message goes through here: psycopg's can quote the connection string, or pieces of it)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return mask_credentials(lines[0] if lines else type(exc).__name__, secrets)


_URL_PASSWORD = re.compile(r"(://[^:/?#@\s]*:)[^\s\"']*@")
_KEYWORD_PASSWORD = re.compile(r"""((?:^|[\s?&;])password\s*=\s*)('(?:[^'\\]|\\.)*'|"[^"]*"|[^\s&;'"]+)""", re.I)
_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# Characters a URL's password must percent-encode; raw, they move the host, port and database.
_UNSAFE_IN_PASSWORD = set("@/?#[] ")


def url_password(url: str) -> Optional[str]:
    """The password in a postgresql:// URL as the user wrote it, even when it is malformed: all
    between the user's ':' and the last '@' before the query (a raw '@' or '/' in it included)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return None
    head = rest.split("?", 1)[0]
    if "@" not in head:
        return None
    userinfo = head[: head.rfind("@")]
    return userinfo.split(":", 1)[1] if ":" in userinfo else None


def credential_secrets(url: Any) -> list[str]:
    """The password of a database URL in every form a message could quote it (raw, decoded)."""
    if not isinstance(url, str):
        return []
    found = [url_password(url) or ""]
    found += [m.group(2).strip("'\"") for m in _KEYWORD_PASSWORD.finditer(url)]
    found += [unquote(f) for f in found]
    return sorted({f for f in found if f}, key=len, reverse=True)


def mask_credentials(text: str, secrets: Sequence[str] = ()) -> str:
    """`text` with passwords masked: in URLs (user:***@), key=value connection strings and query
    parameters (password=***), and wherever one of `secrets` appears verbatim."""
    for secret in secrets:
        if len(secret) >= 3:  # a shorter one would mask every such run of letters; the patterns below still apply
            text = text.replace(secret, "***")
    text = _URL_PASSWORD.sub(r"\1***@", text)
    return _KEYWORD_PASSWORD.sub(r"\1***", text)


def _mask_password(url: str) -> str:
    return mask_credentials(url, credential_secrets(url))


def _check_password_encoding(url: str) -> None:
    """Refuse a URL whose password holds characters it must percent-encode, before the driver
    parses it: the driver would read part of the password as the host or database and print it."""
    password = url_password(url)
    if password is None:
        return
    bad = sorted(_UNSAFE_IN_PASSWORD & set(password)) + (["%"] if _PERCENT.search(password) else [])
    if bad:
        shown = ", ".join(repr(c) for c in bad)
        raise TariffwireError(Errors.E023.format(url=_mask_password(url)) + (
            f" (the password holds {shown}: percent-encode it, e.g. '@' as %40 and '/' as %2F)"))


def _privilege_error(db: "_Db", exc: BaseException) -> Optional[TariffwireError]:
    """E057 for a permission the PostgreSQL user lacks (SQLSTATE 42501: no CREATE on the schema, no
    INSERT on a table, ...): fatal, one line that names the fix, never 'internal error'."""
    if getattr(exc, "sqlstate", None) != "42501":  # insufficient_privilege
        return None
    user = f"user {db.user}" if db.user else "the user"
    return TariffwireError(Errors.E057.format(target=db.target, reason=db.reason(exc), user=user))


# --- measures (consolidation) -------------------------------------------------------------------

MEASURE_DB_COLUMNS = (
    "measure_id", "schema_version", "type", "imposer", "targets", "products", "parties", "name", "current_status",
    "current_rate", "current_since", "first_reported", "last_reported", "n_events", "n_articles", "confidence",
)
MEASURE_POINT_DB_COLUMNS = ("measure_id", "seq", "date", "date_basis", "status", "rate", "confidence", "event_ids",
                            "article_ids", "conflicts")
MEASURE_EVENT_DB_COLUMNS = ("event_id", "article_id", "measure_id", "role", "point_date")
_MEASURE_JSON = {"targets", "products", "parties", "event_ids", "article_ids", "conflicts"}


def write_measures_db(url: str, outdir: str | Path, *, chunk: int = 2000) -> None:
    """Upsert OUTDIR/measures.jsonl and measure_events.jsonl into the database at `url`, in one
    transaction: each measure's row and points are replaced, each event's link is replaced, and a
    measure no event links to any more (its events moved to another measure) is deleted."""
    from .tables import _iter_jsonl, measure_rows

    outdir = Path(outdir)
    db = _connect(url)
    try:
        _migrate(db)
        p = db.placeholder

        def values(row: dict, columns: Sequence[str]) -> tuple:
            return tuple(db.dump_json(json.loads(row[c])) if c in _MEASURE_JSON else row[c] for c in columns)

        upsert_measure = _insert_sql("measures", MEASURE_DB_COLUMNS, p, conflict="measure_id")
        insert_point = _insert_sql("measure_points", MEASURE_POINT_DB_COLUMNS, p)
        upsert_link = _insert_sql("measure_events", MEASURE_EVENT_DB_COLUMNS, p, conflict="event_id")
        try:
            with db.transaction():
                measures = outdir / "measures.jsonl"
                for batch in _iter_jsonl(measures, chunk) if measures.exists() else []:
                    rows, points = [], []
                    for data in batch:
                        row, pts = measure_rows(data)
                        rows.append(values(row, MEASURE_DB_COLUMNS))
                        points.extend(values(pt, MEASURE_POINT_DB_COLUMNS) for pt in pts)
                    db.executemany(f"DELETE FROM measure_points WHERE measure_id = {p}", [(r[0],) for r in rows])
                    db.executemany(upsert_measure, rows)
                    if points:
                        db.executemany(insert_point, points)
                links = outdir / "measure_events.jsonl"
                for batch in _iter_jsonl(links, chunk) if links.exists() else []:
                    db.executemany(upsert_link, [tuple(d.get(c) for c in MEASURE_EVENT_DB_COLUMNS) for d in batch])
                db.execute("DELETE FROM measures WHERE measure_id NOT IN "
                           "(SELECT measure_id FROM measure_events WHERE measure_id IS NOT NULL)")
        except db.errors as exc:
            raise TariffwireError(Errors.E052.format(target=db.target, articles=0, events=0, reason=_one_line(exc))) from exc
    finally:
        db.close()


def read_measures_db(url: str) -> list[dict]:
    """Stored measures as measures.jsonl-shaped dicts (timeline included), ordered by measure_id."""
    with _reading(url) as db:
        points: dict[str, list] = {}
        for row in db.execute(f"SELECT {_cols(MEASURE_POINT_DB_COLUMNS)} FROM measure_points ORDER BY measure_id, seq"):
            d = dict(zip(MEASURE_POINT_DB_COLUMNS, row))
            points.setdefault(d["measure_id"], []).append(
                {k: (db.load_json(v) if k in _MEASURE_JSON else v) for k, v in d.items() if k not in ("measure_id", "seq")})
        out = []
        for row in db.execute(f"SELECT {_cols(MEASURE_DB_COLUMNS)} FROM measures ORDER BY measure_id"):
            d = {k: (db.load_json(v) if k in _MEASURE_JSON else v) for k, v in zip(MEASURE_DB_COLUMNS, row)}
            d["timeline"] = points.get(d["measure_id"], [])
            out.append(d)
        return out
