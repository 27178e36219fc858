-- Consolidated measures (measures.jsonl, schema version 1 addition): one row per measure, its timeline
-- points in order (seq), and how each event was used (point, conflict, linked, or a total that
-- supports no measure: measure_id NULL). Reconsolidating replaces these rows, never adds duplicates.
-- No foreign key to events: a database may hold measures consolidated from run folders alone.

CREATE TABLE measures (
    measure_id     text PRIMARY KEY,
    schema_version text NOT NULL,
    type           text NOT NULL,
    imposer        text,
    targets        jsonb NOT NULL,
    products       jsonb NOT NULL,
    parties        jsonb NOT NULL,
    name           text,
    current_status text,
    current_rate   double precision,
    current_since  text,
    first_reported text,
    last_reported  text,
    n_events       integer NOT NULL,
    n_articles     integer NOT NULL,
    confidence     double precision NOT NULL
);

CREATE INDEX measures_pair_idx ON measures (imposer, type);

CREATE TABLE measure_points (
    measure_id  text NOT NULL REFERENCES measures (measure_id) ON DELETE CASCADE,
    seq         integer NOT NULL,
    date        text NOT NULL,
    date_basis  text NOT NULL,
    status      text NOT NULL,
    rate        double precision,
    confidence  double precision NOT NULL,
    event_ids   jsonb NOT NULL,
    article_ids jsonb NOT NULL,
    conflicts   jsonb NOT NULL,
    PRIMARY KEY (measure_id, seq)
);

CREATE TABLE measure_events (
    event_id   text PRIMARY KEY,
    article_id text NOT NULL,
    measure_id text,
    role       text NOT NULL,
    point_date text
);

CREATE INDEX measure_events_measure_idx ON measure_events (measure_id);
