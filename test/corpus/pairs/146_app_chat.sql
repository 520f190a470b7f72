-- A chat application, release 2: channels and memberships, messages with
-- full-text search (a generated tsvector and a GIN index), edits kept,
-- reactions, unread counts from a last-read pointer, a view per member.
-- From: a team chat application.
-- @a
CREATE TABLE users (
    id bigint PRIMARY KEY,
    handle text NOT NULL UNIQUE
);
CREATE TABLE messages (
    id bigint PRIMARY KEY,
    author_id bigint NOT NULL REFERENCES users (id),
    body text NOT NULL,
    sent_at timestamptz NOT NULL DEFAULT now()
);
-- @b
CREATE TABLE users (
    id bigint PRIMARY KEY,
    handle text NOT NULL UNIQUE,
    display_name text
);
CREATE TABLE channels (
    id bigint PRIMARY KEY,
    name text NOT NULL UNIQUE,
    private boolean NOT NULL DEFAULT false
);
CREATE TABLE memberships (
    channel_id bigint NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_read_message bigint,
    PRIMARY KEY (channel_id, user_id)
);
CREATE TABLE messages (
    id bigint PRIMARY KEY,
    channel_id bigint NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    author_id bigint NOT NULL REFERENCES users (id),
    body text NOT NULL,
    edited_at timestamptz,
    sent_at timestamptz NOT NULL DEFAULT now(),
    search tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED
);
CREATE INDEX messages_channel ON messages (channel_id, id DESC);
CREATE INDEX messages_search ON messages USING gin (search);
CREATE TABLE reactions (
    message_id bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    emoji text NOT NULL,
    PRIMARY KEY (message_id, user_id, emoji)
);
CREATE VIEW unread_counts AS
    SELECT m.user_id, m.channel_id, count(msg.id) AS unread
    FROM memberships m
    LEFT JOIN messages msg ON msg.channel_id = m.channel_id
        AND msg.id > coalesce(m.last_read_message, 0)
    GROUP BY m.user_id, m.channel_id;
