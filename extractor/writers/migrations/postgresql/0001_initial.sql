-- Schema version 1 of the output contract (extractor/records.py), normalized. Never edit a shipped migration: add a new file.
-- Child rows keep their list position in `seq` so that a record read back equals the one written;
-- the primary key (article_id, seq) is also the index on article_id.
-- JSON columns are jsonb. "start" and "end" are quoted: END is a keyword.

CREATE TABLE articles (
    article_id     text PRIMARY KEY,
    schema_version text NOT NULL,
    source         text,
    url            text,
    headline       text,
    published      text,
    byline         jsonb NOT NULL,
    dateline       jsonb NOT NULL
);

CREATE TABLE officials (
    article_id text NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    seq        integer NOT NULL,
    name       text NOT NULL,
    title      text,
    country    text,
    mentions   jsonb NOT NULL,
    PRIMARY KEY (article_id, seq)
);

CREATE TABLE countries (
    article_id text NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    seq        integer NOT NULL,
    code       text NOT NULL,
    name       text NOT NULL,
    mentions   jsonb NOT NULL,
    PRIMARY KEY (article_id, seq)
);

CREATE TABLE rates (
    article_id text NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    seq        integer NOT NULL,
    value      double precision NOT NULL,
    unit       text NOT NULL,
    text       text NOT NULL,
    "start"    integer NOT NULL,
    "end"      integer NOT NULL,
    PRIMARY KEY (article_id, seq)
);

CREATE TABLE dates (
    article_id text NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    seq        integer NOT NULL,
    text       text NOT NULL,
    "start"    integer NOT NULL,
    "end"      integer NOT NULL,
    value      text,
    grain      text NOT NULL,
    PRIMARY KEY (article_id, seq)
);

CREATE TABLE events (
    event_id       text PRIMARY KEY,
    article_id     text NOT NULL REFERENCES articles (article_id) ON DELETE CASCADE,
    schema_version text NOT NULL,
    type           text NOT NULL,
    status         text NOT NULL,
    rate           double precision,
    previous_rate  double precision,
    imposer        text,
    targets        jsonb NOT NULL,
    products       jsonb NOT NULL,
    parties        jsonb NOT NULL,
    date_text      text,
    date_value     text,
    date_start     integer,
    date_end       integer,
    duration       text,
    location       text,
    evidence_text  text NOT NULL,
    evidence_start integer NOT NULL,
    evidence_end   integer NOT NULL,
    confidence     double precision NOT NULL
);

CREATE INDEX events_article_id_idx ON events (article_id);
CREATE INDEX events_type_idx ON events (type);
CREATE INDEX events_imposer_idx ON events (imposer);

CREATE TABLE event_officials (
    event_id text NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    seq      integer NOT NULL,
    name     text NOT NULL,
    title    text,
    country  text,
    PRIMARY KEY (event_id, seq)
);
