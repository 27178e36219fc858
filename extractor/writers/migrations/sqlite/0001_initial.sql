-- Schema version 1 of the output contract (extractor/records.py), normalized. Never edit a shipped migration: add a new file.
-- Child rows keep their list position in `seq` so that a record read back equals the one written;
-- the primary key (article_id, seq) is also the index on article_id.
-- JSON columns hold JSON text. "start" and "end" are quoted: END is a keyword.

CREATE TABLE articles (
    article_id     TEXT NOT NULL PRIMARY KEY,
    schema_version TEXT NOT NULL,
    source         TEXT,
    url            TEXT,
    headline       TEXT,
    published      TEXT,
    byline         TEXT NOT NULL,
    dateline       TEXT NOT NULL
);

CREATE TABLE officials (
    article_id TEXT NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    name       TEXT NOT NULL,
    title      TEXT,
    country    TEXT,
    mentions   TEXT NOT NULL,
    PRIMARY KEY (article_id, seq)
);

CREATE TABLE countries (
    article_id TEXT NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    code       TEXT NOT NULL,
    name       TEXT NOT NULL,
    mentions   TEXT NOT NULL,
    PRIMARY KEY (article_id, seq)
);

CREATE TABLE rates (
    article_id TEXT NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    value      REAL NOT NULL,
    unit       TEXT NOT NULL,
    text       TEXT NOT NULL,
    "start"    INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    PRIMARY KEY (article_id, seq)
);

CREATE TABLE dates (
    article_id TEXT NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    text       TEXT NOT NULL,
    "start"    INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    value      TEXT,
    grain      TEXT NOT NULL,
    PRIMARY KEY (article_id, seq)
);

CREATE TABLE events (
    event_id       TEXT NOT NULL PRIMARY KEY,
    article_id     TEXT NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    schema_version TEXT NOT NULL,
    type           TEXT NOT NULL,
    status         TEXT NOT NULL,
    rate           REAL,
    previous_rate  REAL,
    imposer        TEXT,
    targets        TEXT NOT NULL,
    products       TEXT NOT NULL,
    parties        TEXT NOT NULL,
    date_text      TEXT,
    date_value     TEXT,
    date_start     INTEGER,
    date_end       INTEGER,
    duration       TEXT,
    location       TEXT,
    evidence_text  TEXT NOT NULL,
    evidence_start INTEGER NOT NULL,
    evidence_end   INTEGER NOT NULL,
    confidence     REAL NOT NULL
);

CREATE INDEX events_article_id_idx ON events (article_id);
CREATE INDEX events_type_idx ON events (type);
CREATE INDEX events_imposer_idx ON events (imposer);

CREATE TABLE event_officials (
    event_id TEXT NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    name     TEXT NOT NULL,
    title    TEXT,
    country  TEXT,
    PRIMARY KEY (event_id, seq)
);
