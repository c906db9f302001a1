-- Debates, their participants and every turn.
CREATE TABLE debates (
    id              INTEGER PRIMARY KEY,
    topic_id        TEXT    NOT NULL,
    topic_hash      TEXT    NOT NULL,
    user_side       TEXT    NOT NULL,
    bot_side        TEXT    NOT NULL,
    seed            INTEGER NOT NULL,
    rebuttal_rounds INTEGER NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'active'
                    CHECK (status IN ('active', 'completed', 'conceded', 'ended')),
    platform        TEXT    NOT NULL DEFAULT 'terminal',
    guild_id        TEXT,
    channel_id      TEXT,
    thread_id       TEXT,
    state           TEXT    NOT NULL,          -- engine state (JSON) after the last stored turn
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    finished_at     TEXT
);
CREATE INDEX debates_status ON debates (status);
CREATE INDEX debates_topic ON debates (topic_id);
CREATE INDEX debates_thread ON debates (platform, thread_id);

CREATE TABLE participants (
    debate_id    INTEGER NOT NULL REFERENCES debates (id) ON DELETE CASCADE,
    user_id      TEXT    NOT NULL,
    display_name TEXT    NOT NULL,
    role         TEXT    NOT NULL DEFAULT 'debater',
    side         TEXT    NOT NULL,
    PRIMARY KEY (debate_id, user_id)
);
CREATE INDEX participants_user ON participants (user_id);

CREATE TABLE turns (
    id          INTEGER PRIMARY KEY,
    debate_id   INTEGER NOT NULL REFERENCES debates (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    phase       TEXT    NOT NULL,
    round       INTEGER NOT NULL,
    speaker     TEXT    NOT NULL CHECK (speaker IN ('user', 'bot')),
    author      TEXT    NOT NULL DEFAULT '',
    text        TEXT    NOT NULL,
    kind        TEXT,                          -- the user message's kind when it made no claim
    counted     INTEGER NOT NULL DEFAULT 1,
    claims      TEXT    NOT NULL DEFAULT '[]', -- detected (user) or addressed (bot) claim ids, JSON
    scores      TEXT    NOT NULL DEFAULT '[]', -- matcher scores of the detected claims, JSON
    lines       TEXT    NOT NULL DEFAULT '[]', -- topic line ids the bot used (rebuttals, arguments), JSON
    roles       TEXT    NOT NULL DEFAULT '[]', -- what each part of a bot reply did, JSON
    sources     TEXT    NOT NULL DEFAULT '[]', -- source ids cited, JSON
    message_id  TEXT    UNIQUE,                -- platform message id: a replay is never processed twice
    created_at  TEXT    NOT NULL,
    UNIQUE (debate_id, number)
);
