-- A column type change with no assignment cast: boolean -> numeric (a flag
-- that becomes a weight), and integer -> text, which has one.
-- From: a survey application that turns yes/no answers into scores.
-- @a
CREATE TABLE answers (
    id bigint PRIMARY KEY,
    question_id integer NOT NULL,
    correct boolean NOT NULL DEFAULT false
);
-- @b
CREATE TABLE answers (
    id bigint PRIMARY KEY,
    question_id text NOT NULL,
    correct numeric NOT NULL DEFAULT 0
);
