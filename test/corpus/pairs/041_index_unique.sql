-- A plain index made unique, and a unique index with NULLS NOT DISTINCT.
-- From: PostgreSQL docs, "11.6. Unique Indexes".
-- @a
CREATE TABLE members (
    id integer PRIMARY KEY,
    club_id integer NOT NULL,
    member_no integer,
    nickname text
);
CREATE INDEX members_club_no ON members (club_id, member_no);
-- @b
CREATE TABLE members (
    id integer PRIMARY KEY,
    club_id integer NOT NULL,
    member_no integer,
    nickname text
);
CREATE UNIQUE INDEX members_club_no ON members (club_id, member_no);
CREATE UNIQUE INDEX members_nickname ON members (club_id, nickname) NULLS NOT DISTINCT;
