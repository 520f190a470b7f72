-- A materialized view's query changed: it is dropped and created again,
-- with its index and comment.
-- From: a leaderboard materialized view that now counts only this year.
-- @a
CREATE TABLE scores (
    player text NOT NULL,
    points integer NOT NULL,
    scored_at date NOT NULL
);
CREATE MATERIALIZED VIEW leaderboard AS
    SELECT player, sum(points) AS total FROM scores GROUP BY player;
CREATE INDEX leaderboard_total ON leaderboard (total DESC);
COMMENT ON MATERIALIZED VIEW leaderboard IS 'refreshed hourly';
-- @b
CREATE TABLE scores (
    player text NOT NULL,
    points integer NOT NULL,
    scored_at date NOT NULL
);
CREATE MATERIALIZED VIEW leaderboard AS
    SELECT player, sum(points) AS total FROM scores
    WHERE scored_at >= date_trunc('year', CURRENT_DATE) GROUP BY player;
CREATE INDEX leaderboard_total ON leaderboard (total DESC);
COMMENT ON MATERIALIZED VIEW leaderboard IS 'refreshed hourly, this year only';
