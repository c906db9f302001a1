-- Class debates: a teacher's class (one topic, a side policy, a join code), the debates of its students,
-- the teacher role of each server, and who wrote each turn (team debates have several speakers).
CREATE TABLE guild_settings (
    guild_id        TEXT PRIMARY KEY,
    teacher_role_id TEXT
);

CREATE TABLE classes (
    id           INTEGER PRIMARY KEY,
    guild_id     TEXT    NOT NULL,
    channel_id   TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    topic_id     TEXT    NOT NULL,
    side_policy  TEXT    NOT NULL CHECK (side_policy IN ('choose', 'proposition', 'opposition', 'alternate')),
    rounds       INTEGER,
    turn_seconds INTEGER,
    deadline     TEXT,
    team         INTEGER NOT NULL DEFAULT 0,
    join_code    TEXT    NOT NULL UNIQUE,
    teacher_id   TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_at   TEXT    NOT NULL,
    closed_at    TEXT
);
CREATE INDEX classes_guild ON classes (guild_id, status);

ALTER TABLE debates ADD COLUMN class_id INTEGER REFERENCES classes (id);
CREATE INDEX debates_class ON debates (class_id);
ALTER TABLE turns ADD COLUMN author_id TEXT;
