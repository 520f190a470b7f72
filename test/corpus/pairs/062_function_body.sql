-- A function's body changed (CREATE OR REPLACE), same signature.
-- From: PostgreSQL docs, "43.6. Control Structures"; a shipping cost rule
-- that changed.
-- @a
CREATE FUNCTION shipping_cost(weight_kg numeric) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF weight_kg <= 1 THEN
        RETURN 4.90;
    END IF;
    RETURN 4.90 + (weight_kg - 1) * 1.10;
END;
$$;
-- @b
CREATE FUNCTION shipping_cost(weight_kg numeric) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF weight_kg <= 2 THEN
        RETURN 5.50;
    ELSIF weight_kg <= 10 THEN
        RETURN 5.50 + (weight_kg - 2) * 0.90;
    END IF;
    RETURN 12.70 + (weight_kg - 10) * 0.50;
END;
$$;
