-- A job queue, release 2: a state enum, priorities, a partial index for
-- the SKIP LOCKED dequeue, retries with a backoff, NOTIFY on insert by a
-- trigger, a dead-letter table, the dequeue function.
-- From: the SELECT ... FOR UPDATE SKIP LOCKED queue pattern.
-- @a
CREATE TABLE jobs (
    id bigserial PRIMARY KEY,
    queue text NOT NULL DEFAULT 'default',
    payload jsonb NOT NULL,
    done boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_pending ON jobs (queue, created_at) WHERE NOT done;
-- @b
CREATE TYPE job_state AS ENUM ('pending', 'running', 'done', 'failed');
CREATE TABLE jobs (
    id bigserial PRIMARY KEY,
    queue text NOT NULL DEFAULT 'default',
    payload jsonb NOT NULL,
    state job_state NOT NULL DEFAULT 'pending',
    priority smallint NOT NULL DEFAULT 0,
    attempts integer NOT NULL DEFAULT 0,
    run_after timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_pending ON jobs (queue, priority DESC, run_after) WHERE state = 'pending';
CREATE TABLE dead_jobs (
    id bigint PRIMARY KEY,
    queue text NOT NULL,
    payload jsonb NOT NULL,
    error text,
    died_at timestamptz NOT NULL DEFAULT now()
);
CREATE FUNCTION jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('jobs_' || NEW.queue, NEW.id::text);
    RETURN NULL;
END;
$$;
CREATE TRIGGER jobs_notify AFTER INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION jobs_notify();
CREATE FUNCTION dequeue(p_queue text) RETURNS SETOF jobs LANGUAGE sql AS $$
    UPDATE jobs SET state = 'running', attempts = attempts + 1
    WHERE id = (
        SELECT id FROM jobs
        WHERE queue = p_queue AND state = 'pending' AND run_after <= now()
        ORDER BY priority DESC, run_after
        FOR UPDATE SKIP LOCKED
        LIMIT 1)
    RETURNING *;
$$;
GRANT SELECT, INSERT, UPDATE ON jobs TO app_service;
GRANT INSERT ON dead_jobs TO app_service;
