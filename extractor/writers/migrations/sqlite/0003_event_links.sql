-- Link tables: one row per target, product and party of an event, so that users join instead of
-- parsing the JSON columns of events (which stay, for readers of schema version 1).
-- articles.published_source: where the publication date came from (added to ArticleRecord).
-- Never edit a shipped migration: add a new file.

ALTER TABLE articles ADD COLUMN published_source TEXT;

CREATE TABLE event_targets (
    event_id TEXT NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    country  TEXT NOT NULL,
    PRIMARY KEY (event_id, seq)
);
CREATE INDEX event_targets_country_idx ON event_targets (country);

CREATE TABLE event_products (
    event_id TEXT NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    product  TEXT NOT NULL,
    PRIMARY KEY (event_id, seq)
);
CREATE INDEX event_products_product_idx ON event_products (product);

CREATE TABLE event_parties (
    event_id TEXT NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    country  TEXT NOT NULL,
    PRIMARY KEY (event_id, seq)
);
CREATE INDEX event_parties_country_idx ON event_parties (country);

-- Events written before this migration get their link rows from the JSON columns.
INSERT INTO event_targets (event_id, seq, country) SELECT e.event_id, j.key, j.value FROM events e, json_each(e.targets) j;
INSERT INTO event_products (event_id, seq, product) SELECT e.event_id, j.key, j.value FROM events e, json_each(e.products) j;
INSERT INTO event_parties (event_id, seq, country) SELECT e.event_id, j.key, j.value FROM events e, json_each(e.parties) j;
