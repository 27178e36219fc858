-- Consolidated measures (measures.jsonl, schema version 1 addition): one row per measure, its timeline
-- points in order (seq), and how each event was used (point, conflict, linked, or a total that
-- supports no measure: measure_id NULL). Reconsolidating replaces these rows, never adds duplicates.
-- No foreign key to events: a database may hold measures consolidated from run folders alone.

CREATE TABLE measures (
    measure_id     TEXT PRIMARY KEY,
    schema_version TEXT NOT NULL,
    type           TEXT NOT NULL,
    imposer        TEXT,
    targets        TEXT NOT NULL,
    products       TEXT NOT NULL,
    parties        TEXT NOT NULL,
    name           TEXT,
    current_status TEXT,
    current_rate   REAL,
    current_since  TEXT,
    first_reported TEXT,
    last_reported  TEXT,
    n_events       INTEGER NOT NULL,
    n_articles     INTEGER NOT NULL,
    confidence     REAL NOT NULL
);

CREATE INDEX measures_pair_idx ON measures (imposer, type);

CREATE TABLE measure_points (
    measure_id  TEXT NOT NULL REFERENCES measures (measure_id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    date        TEXT NOT NULL,
    date_basis  TEXT NOT NULL,
    status      TEXT NOT NULL,
    rate        REAL,
    confidence  REAL NOT NULL,
    event_ids   TEXT NOT NULL,
    article_ids TEXT NOT NULL,
    conflicts   TEXT NOT NULL,
    PRIMARY KEY (measure_id, seq)
);

CREATE TABLE measure_events (
    event_id   TEXT PRIMARY KEY,
    article_id TEXT NOT NULL,
    measure_id TEXT,
    role       TEXT NOT NULL,
    point_date TEXT
);

CREATE INDEX measure_events_measure_idx ON measure_events (measure_id);
