-- A user-defined aggregate, with its state transition and final functions.
-- From: PostgreSQL docs, "38.12. User-Defined Aggregates" (an average built
-- from a sum and a count).
-- @a
CREATE TABLE measurements (
    v numeric
);
-- @b
CREATE TABLE measurements (
    v numeric
);
CREATE FUNCTION avg_accum(state numeric[], value numeric) RETURNS numeric[]
LANGUAGE sql IMMUTABLE
AS $$ SELECT ARRAY[state[1] + value, state[2] + 1] $$;
CREATE FUNCTION avg_final(state numeric[]) RETURNS numeric
LANGUAGE sql IMMUTABLE
AS $$ SELECT CASE WHEN state[2] = 0 THEN NULL ELSE state[1] / state[2] END $$;
CREATE AGGREGATE my_avg(numeric) (
    sfunc = avg_accum,
    stype = numeric[],
    finalfunc = avg_final,
    initcond = '{0,0}'
);
CREATE AGGREGATE text_concat(text) (
    sfunc = textcat,
    stype = text,
    initcond = ''
);
