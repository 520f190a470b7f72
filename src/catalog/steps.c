/*-------------------------------------------------------------------------
 *
 * steps.c
 *	  The rows of migrate.step: the statements of a non-transactional
 *	  revision, each a step with its state, as the background worker runs
 *	  them (core/worker.c).
 *
 * A revision's steps in one direction ("up" or "down") are made when a
 * deploy first starts it that way, one row per statement, and describe
 * that run until the revision's applied state changes: then the rows of
 * the other direction are stale and go (catalog_forget_steps), and the
 * finished ones stay as the record of how the revision was applied or
 * reverted.  A step is pending, running (its attempt began: the worker
 * committed that before running it), done or failed.  Its xid is the
 * transaction its last attempt began in, which is the one that wrote the
 * first catalog rows of what the statement creates, so that what a failed
 * or interrupted attempt left behind can be told from anything else
 * (worker.c, drop_leftovers).
 *
 * Every query runs as the extension owner (catalog_exec), with every name
 * qualified, as in queries.c.
 *
 * src/catalog/steps.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "base/owner.h"
#include "catalog/catalog.h"
#include "catalog/catalog_int.h"

static const char *
direction(bool upgrade)
{
	return upgrade ? "up" : "down";
}

/*
 * The steps of revision id in one direction, in order (of StepRow *); NIL
 * when it has none.  They are made in the memory context current at the
 * call, which is current again on return: a caller such as the worker keeps
 * them past SPI_finish, which frees the SPI procedure context every SPI call
 * leaves current (reading them from there after was a use after free that
 * PostgreSQL 18's allocator made visible).
 */
List *
catalog_get_steps(const char *id, bool upgrade)
{
	MemoryContext cxt = CurrentMemoryContext;
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2] = {CStringGetTextDatum(id),
	CStringGetTextDatum(direction(upgrade))};
	List	   *result = NIL;

	catalog_exec("SELECT s.step, s.line, s.statement, s.checksum, s.search_path,"
				 " s.run_by::pg_catalog.text, s.state, s.attempts, s.started_at,"
				 " s.finished_at, s.backend_pid, s.xid::pg_catalog.text,"
				 " s.sqlstate, s.error, s.detail"
				 " FROM migrate.step s"
				 " WHERE s.revision OPERATOR(pg_catalog.=) $1"
				 " AND s.direction OPERATOR(pg_catalog.=) $2"
				 " ORDER BY s.step",
				 2, types, values, NULL, SPI_OK_SELECT);
	MemoryContextSwitchTo(cxt);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		StepRow    *st = palloc0(sizeof(StepRow));
		bool		isnull;
		Datum		d;
		char	   *xid;

		st->step = DatumGetInt32(catalog_get_datum(r, 1, &isnull));
		st->line = DatumGetInt32(catalog_get_datum(r, 2, &isnull));
		st->statement = catalog_get_text(r, 3);
		st->checksum = catalog_get_text(r, 4);
		st->search_path = catalog_get_text(r, 5);
		st->run_by = catalog_get_text(r, 6);
		st->state = catalog_get_text(r, 7);
		st->attempts = DatumGetInt32(catalog_get_datum(r, 8, &isnull));
		d = catalog_get_datum(r, 9, &isnull);
		st->started_at = isnull ? 0 : DatumGetTimestampTz(d);
		d = catalog_get_datum(r, 10, &isnull);
		st->finished_at = isnull ? 0 : DatumGetTimestampTz(d);
		d = catalog_get_datum(r, 11, &isnull);
		st->backend_pid = isnull ? 0 : DatumGetInt32(d);
		xid = catalog_get_text(r, 12);
		st->xid = xid ? strtou64(xid, NULL, 10) : 0;
		st->sqlstate = catalog_get_text(r, 13);
		st->error = catalog_get_text(r, 14);
		st->detail = catalog_get_text(r, 15);
		result = lappend(result, st);
	}
	SPI_freetuptable(SPI_tuptable);
	return result;
}

/*
 * Make the steps of a new run of revision id in one direction: the rows a
 * run before it left (finished, or of a script since changed) go, and one
 * pending row per statement comes.
 */
void
catalog_make_steps(const char *id, bool upgrade, List *steps,
				   const char *checksum, const char *search_path,
				   const char *run_by)
{
	Oid			dtypes[2] = {TEXTOID, TEXTOID};
	Datum		dvalues[2] = {CStringGetTextDatum(id),
	CStringGetTextDatum(direction(upgrade))};
	ListCell   *lc;

	catalog_exec("DELETE FROM migrate.step"
				 " WHERE revision OPERATOR(pg_catalog.=) $1"
				 " AND direction OPERATOR(pg_catalog.=) $2",
				 2, dtypes, dvalues, NULL, SPI_OK_DELETE);
	foreach(lc, steps)
	{
		StepRow    *st = lfirst(lc);
		Oid			types[8] = {TEXTOID, TEXTOID, INT4OID, INT4OID, TEXTOID,
		TEXTOID, TEXTOID, TEXTOID};
		Datum		values[8];

		values[0] = dvalues[0];
		values[1] = dvalues[1];
		values[2] = Int32GetDatum(st->step);
		values[3] = Int32GetDatum(st->line);
		values[4] = CStringGetTextDatum(st->statement);
		values[5] = CStringGetTextDatum(checksum);
		values[6] = CStringGetTextDatum(search_path);
		values[7] = CStringGetTextDatum(run_by);
		catalog_exec("INSERT INTO migrate.step (revision, direction, step, line,"
					 " statement, checksum, search_path, run_by)"
					 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8::pg_catalog.name)",
					 8, types, values, NULL, SPI_OK_INSERT);
	}
}

/*
 * A run resumes under the deployer that resumes it: its search_path and
 * role for the steps not done yet.
 */
void
catalog_resume_steps(const char *id, bool upgrade, const char *search_path,
					 const char *run_by)
{
	Oid			types[4] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		values[4] = {CStringGetTextDatum(id),
		CStringGetTextDatum(direction(upgrade)),
		CStringGetTextDatum(search_path),
	CStringGetTextDatum(run_by)};

	catalog_exec("UPDATE migrate.step SET search_path = $3,"
				 " run_by = $4::pg_catalog.name"
				 " WHERE revision OPERATOR(pg_catalog.=) $1"
				 " AND direction OPERATOR(pg_catalog.=) $2"
				 " AND state OPERATOR(pg_catalog.<>) 'done'",
				 4, types, values, NULL, SPI_OK_UPDATE);
}

/* Run one UPDATE of a step's row; $1 revision, $2 direction, $3 step */
static void
update_step(const char *sql, const char *id, bool upgrade, int step,
			int nextra, Oid *extra_types, Datum *extra, const char *extra_nulls)
{
	Oid			types[8] = {TEXTOID, TEXTOID, INT4OID};
	Datum		values[8];
	char		nulls[8] = {' ', ' ', ' '};

	Assert(nextra <= 5);
	values[0] = CStringGetTextDatum(id);
	values[1] = CStringGetTextDatum(direction(upgrade));
	values[2] = Int32GetDatum(step);
	for (int i = 0; i < nextra; i++)
	{
		types[3 + i] = extra_types[i];
		values[3 + i] = extra[i];
		nulls[3 + i] = extra_nulls ? extra_nulls[i] : ' ';
	}
	catalog_exec(sql, 3 + nextra, types, values, nulls, SPI_OK_UPDATE);
	if (SPI_processed != 1)
		elog(ERROR, "step %d of revision \"%s\" (%s) is missing from migrate.step",
			 step, id, direction(upgrade));
}

/* An attempt begins: committed before the statement runs */
void
catalog_step_running(const char *id, bool upgrade, int step)
{
	Oid			types[1] = {INT4OID};
	Datum		values[1] = {Int32GetDatum(MyProcPid)};

	update_step("UPDATE migrate.step SET state = 'running',"
				" attempts = attempts OPERATOR(pg_catalog.+) 1,"
				" started_at = pg_catalog.clock_timestamp(), finished_at = NULL,"
				" backend_pid = $4, xid = NULL, sqlstate = NULL, error = NULL,"
				" detail = NULL"
				" WHERE revision OPERATOR(pg_catalog.=) $1"
				" AND direction OPERATOR(pg_catalog.=) $2"
				" AND step OPERATOR(pg_catalog.=) $3",
				id, upgrade, step, 1, types, values, NULL);
}

/*
 * In the transaction the statement then runs in: its XID, which the
 * statement's first catalog rows will carry, committed with them.
 */
void
catalog_step_xid(const char *id, bool upgrade, int step)
{
	update_step("UPDATE migrate.step SET xid = pg_catalog.pg_current_xact_id()"
				" WHERE revision OPERATOR(pg_catalog.=) $1"
				" AND direction OPERATOR(pg_catalog.=) $2"
				" AND step OPERATOR(pg_catalog.=) $3",
				id, upgrade, step, 0, NULL, NULL, NULL);
}

/* In the transaction the statement ended in */
void
catalog_step_done(const char *id, bool upgrade, int step)
{
	update_step("UPDATE migrate.step SET state = 'done',"
				" finished_at = pg_catalog.clock_timestamp()"
				" WHERE revision OPERATOR(pg_catalog.=) $1"
				" AND direction OPERATOR(pg_catalog.=) $2"
				" AND step OPERATOR(pg_catalog.=) $3",
				id, upgrade, step, 0, NULL, NULL, NULL);
}

void
catalog_step_failed(const char *id, bool upgrade, int step,
					const char *sqlstate, const char *message,
					const char *detail)
{
	Oid			types[3] = {TEXTOID, TEXTOID, TEXTOID};
	Datum		values[3];
	char		nulls[3] = {' ', ' ', ' '};

	values[0] = CStringGetTextDatum(sqlstate);
	values[1] = CStringGetTextDatum(message ? message : "");
	values[2] = detail ? CStringGetTextDatum(detail) : (Datum) 0;
	nulls[2] = detail ? ' ' : 'n';
	update_step("UPDATE migrate.step SET state = 'failed',"
				" finished_at = pg_catalog.clock_timestamp(),"
				" sqlstate = $4, error = $5, detail = $6"
				" WHERE revision OPERATOR(pg_catalog.=) $1"
				" AND direction OPERATOR(pg_catalog.=) $2"
				" AND step OPERATOR(pg_catalog.=) $3",
				id, upgrade, step, 3, types, values, nulls);
}

/*
 * The revision's applied state changed: its steps of the direction that no
 * longer describes it go (both when stamped: a stamp runs nothing).
 * upgrade: it is now applied, so its down steps are stale, and so are up
 * steps a failed run left; !upgrade: the reverse.
 */
void
catalog_forget_steps(const char *id, bool upgrade, bool both)
{
	Oid			types[3] = {TEXTOID, TEXTOID, BOOLOID};
	Datum		values[3] = {CStringGetTextDatum(id),
		CStringGetTextDatum(direction(upgrade)),
	BoolGetDatum(both)};

	catalog_exec("DELETE FROM migrate.step"
				 " WHERE revision OPERATOR(pg_catalog.=) $1"
				 " AND ($3 OR direction OPERATOR(pg_catalog.<>) $2"
				 "  OR state OPERATOR(pg_catalog.<>) 'done')",
				 3, types, values, NULL, SPI_OK_DELETE);
}

/*
 * For migrate_steps(): the steps of one revision (or of all, when id is
 * NULL), in apply order of their revisions' registration, up before down.
 * A statement's text shows only to the roles that may read scripts.
 */
void
catalog_select_steps(const char *id, struct ReturnSetInfo *rsinfo)
{
	Oid			types[2] = {TEXTOID, BOOLOID};
	Datum		values[2];
	char		nulls[2] = {' ', ' '};

	values[0] = id ? CStringGetTextDatum(id) : (Datum) 0;
	nulls[0] = id ? ' ' : 'n';
	values[1] = BoolGetDatum(migrate_may_read_text());
	catalog_select_into("SELECT s.revision, s.direction, s.step, s.line, s.state,"
						" s.attempts, s.started_at, s.finished_at, s.run_by,"
						" s.backend_pid, s.sqlstate, s.error,"
						" CASE WHEN $2 THEN s.statement ELSE '" MIGRATE_REDACTED "' END"
						" FROM migrate.step s"
						" JOIN migrate.revision r ON r.id OPERATOR(pg_catalog.=) s.revision"
						" WHERE $1 IS NULL OR s.revision OPERATOR(pg_catalog.=) $1"
						" ORDER BY r.position, s.direction OPERATOR(pg_catalog.<>) 'up', s.step",
						2, types, values, nulls, rsinfo);
}

/*
 * For migrate_status(): each revision with unfinished steps, and how far
 * they are.  Returns a list of StepSummary *, made in the memory context
 * current at the call, as catalog_get_steps does.
 */
List *
catalog_unfinished_steps(void)
{
	MemoryContext cxt = CurrentMemoryContext;
	List	   *result = NIL;

	catalog_exec("SELECT s.revision, s.direction OPERATOR(pg_catalog.=) 'up',"
				 " pg_catalog.bool_or(s.state OPERATOR(pg_catalog.=) 'failed'),"
				 " pg_catalog.bool_or(s.state OPERATOR(pg_catalog.=) 'running')"
				 " FROM migrate.step s"
				 " GROUP BY s.revision, s.direction"
				 " HAVING pg_catalog.bool_or(s.state OPERATOR(pg_catalog.<>) 'done')",
				 0, NULL, NULL, NULL, SPI_OK_SELECT);
	MemoryContextSwitchTo(cxt);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		StepSummary *s = palloc0(sizeof(StepSummary));
		bool		isnull;

		s->id = catalog_get_text(r, 1);
		s->upgrade = DatumGetBool(catalog_get_datum(r, 2, &isnull));
		s->failed = DatumGetBool(catalog_get_datum(r, 3, &isnull));
		s->running = DatumGetBool(catalog_get_datum(r, 4, &isnull));
		result = lappend(result, s);
	}
	SPI_freetuptable(SPI_tuptable);
	return result;
}
