-- Link tables: one row per target, product and party of an event, so that users join instead of
-- parsing the jsonb columns of events (which stay, for readers of schema version 1).
-- articles.published_source: where the publication date came from (added to ArticleRecord).
-- Never edit a shipped migration: add a new file.

ALTER TABLE articles ADD COLUMN published_source text;

CREATE TABLE event_targets (
    event_id text NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    seq      integer NOT NULL,
    country  text NOT NULL,
    PRIMARY KEY (event_id, seq)
);
CREATE INDEX event_targets_country_idx ON event_targets (country);

CREATE TABLE event_products (
    event_id text NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    seq      integer NOT NULL,
    product  text NOT NULL,
    PRIMARY KEY (event_id, seq)
);
CREATE INDEX event_products_product_idx ON event_products (product);

CREATE TABLE event_parties (
    event_id text NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    seq      integer NOT NULL,
    country  text NOT NULL,
    PRIMARY KEY (event_id, seq)
);
CREATE INDEX event_parties_country_idx ON event_parties (country);

-- Events written before this migration get their link rows from the jsonb columns.
INSERT INTO event_targets (event_id, seq, country)
    SELECT e.event_id, j.ord - 1, j.value FROM events e, jsonb_array_elements_text(e.targets) WITH ORDINALITY AS j(value, ord);
INSERT INTO event_products (event_id, seq, product)
    SELECT e.event_id, j.ord - 1, j.value FROM events e, jsonb_array_elements_text(e.products) WITH ORDINALITY AS j(value, ord);
INSERT INTO event_parties (event_id, seq, country)
    SELECT e.event_id, j.ord - 1, j.value FROM events e, jsonb_array_elements_text(e.parties) WITH ORDINALITY AS j(value, ord);
