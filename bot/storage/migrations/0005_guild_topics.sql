-- Topics teachers upload in Discord (/topic upload), one row per version, scoped to a server.
-- A debate names its topic by id and content hash; the version with that hash is kept while any debate
-- refers to it (remove hides a topic and deletes only the versions no debate used).
CREATE TABLE guild_topics (
    id           INTEGER PRIMARY KEY,
    guild_id     TEXT    NOT NULL,
    topic_id     TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    content_hash TEXT    NOT NULL,
    motion       TEXT    NOT NULL,
    claims       INTEGER NOT NULL,
    body         TEXT    NOT NULL,
    filename     TEXT    NOT NULL,
    uploaded_by  TEXT    NOT NULL,
    uploaded_at  TEXT    NOT NULL,
    removed_at   TEXT,
    UNIQUE (guild_id, topic_id, version)
);
CREATE INDEX guild_topics_hash ON guild_topics (content_hash);
-- Hints a student may ask for in a class's debates (NULL: the default, 0: off).
ALTER TABLE classes ADD COLUMN hints INTEGER;
