/*-------------------------------------------------------------------------
 *
 * apply.c
 *	  The SQL functions that change what is applied: migrate_push,
 *	  migrate_downgrade, migrate_stamp, migrate_reset and the procedure
 *	  migrate_deploy; and migrate_plan, the push measured and rolled back.
 *	  The running itself is core/migration.c's, the measuring
 *	  core/dryrun.c's.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

#include "base/session.h"
#include "base/util.h"
#include "catalog/catalog.h"
#include "core/dryrun.h"
#include "core/locksafe.h"
#include "core/migration.h"
#include "core/script.h"
#include "core/snapshot.h"
#include "core/worker.h"

PG_FUNCTION_INFO_V1(migrate_push);
PG_FUNCTION_INFO_V1(migrate_downgrade);
PG_FUNCTION_INFO_V1(migrate_downgrade_steps);
PG_FUNCTION_INFO_V1(migrate_stamp);
PG_FUNCTION_INFO_V1(migrate_reset);
PG_FUNCTION_INFO_V1(migrate_deploy);
PG_FUNCTION_INFO_V1(migrate_deploy_downgrade);
PG_FUNCTION_INFO_V1(migrate_plan);

/* Add one row (revision, message, third column) to the result */
static void
put_row(ReturnSetInfo *rsinfo, RevNode *node, Datum third)
{
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	values[0] = CStringGetTextDatum(node->id);
	values[1] = CStringGetTextDatum(node->message);
	values[2] = third;
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/* Add one row (revision, message, action, duration) to a reset's result */
static void
put_action_row(ReturnSetInfo *rsinfo, RevNode *node, const char *action,
			   Interval *duration)
{
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};

	values[0] = CStringGetTextDatum(node->id);
	values[1] = CStringGetTextDatum(node->message);
	values[2] = CStringGetTextDatum(action);
	values[3] = IntervalPGetDatum(duration);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/* migration_done_fn of push and downgrade: (revision, message, duration) */
static void
put_duration_row(RevNode *node, bool upgrade, Interval *duration, void *arg)
{
	put_row((ReturnSetInfo *) arg, node, IntervalPGetDatum(duration));
}

/* migration_done_fn of a reset: (revision, message, action, duration) */
static void
put_reset_row(RevNode *node, bool upgrade, Interval *duration, void *arg)
{
	put_action_row((ReturnSetInfo *) arg, node,
				   upgrade ? "upgrade" : "downgrade", duration);
}

/*
 * Push and downgrade share everything but the direction.
 */
static void
run_plan(FunctionCallInfo fcinfo, bool upgrade, const char *target)
{
	InitMaterializedSRF(fcinfo, 0);
	migrate_check_can_change();
	SPI_connect();
	catalog_lock();
	worker_check_idle(upgrade ? "migrate_push()" : "migrate_downgrade()");
	migration_apply(target, upgrade, put_duration_row, fcinfo->resultinfo);
	SPI_finish();
}

/*
 * migrate_push(target text DEFAULT 'heads')
 *		Apply every pending revision on the way to target, atomically.
 */
Datum
migrate_push(PG_FUNCTION_ARGS)
{
	run_plan(fcinfo, true, migrate_text_arg(fcinfo, 0, "target"));
	return (Datum) 0;
}

/*
 * migrate_plan(target text DEFAULT 'heads')
 *		RETURNS TABLE (revision text, statement integer, line integer,
 *					   command text, locks text[], rewritten text[],
 *					   duration interval, wal_bytes numeric)
 *		The push to target run statement by statement and measured, then
 *		rolled back (core/dryrun.c).  The statements of a non-transactional
 *		revision, which it cannot run, have NULL measures.
 */
Datum
migrate_plan(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *target = migrate_text_arg(fcinfo, 0, "target");
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	migrate_check_can_change();
	SPI_connect();
	foreach(lc, dryrun_plan(target))
	{
		DryRunStatement *st = lfirst(lc);
		Datum		values[8];
		bool		nulls[8] = {false};

		values[0] = CStringGetTextDatum(st->revision);
		values[1] = Int32GetDatum(st->statement);
		values[2] = Int32GetDatum(st->line);
		values[3] = CStringGetTextDatum(st->command);
		if (st->measured)
		{
			values[4] = migrate_text_array(st->locks);
			values[5] = migrate_text_array(st->rewritten);
			values[6] = IntervalPGetDatum(migrate_interval_usec(st->usec));
			values[7] = NumericGetDatum(int64_to_numeric((int64) st->wal_bytes));
		}
		else
			nulls[4] = nulls[5] = nulls[6] = nulls[7] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	SPI_finish();
	return (Datum) 0;
}

/*
 * migrate_downgrade(target text DEFAULT '-1')
 *		Run down scripts back to target, atomically.
 */
Datum
migrate_downgrade(PG_FUNCTION_ARGS)
{
	run_plan(fcinfo, false, migrate_text_arg(fcinfo, 0, "target"));
	return (Datum) 0;
}

/*
 * migrate_downgrade(steps integer): migrate_downgrade('-1') written with a
 * number, as migrate_downgrade(-1).  A number that is not negative says
 * nothing a downgrade could do: it is refused rather than read as an id.
 */
Datum
migrate_downgrade_steps(PG_FUNCTION_ARGS)
{
	int32		steps = PG_GETARG_INT32(0);

	if (steps >= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a downgrade by steps takes a negative number, not %d", steps),
				 errhint("Write migrate_downgrade(-1) to undo the last revision, or name a target as text: migrate_downgrade('base').")));
	run_plan(fcinfo, false, psprintf("%d", steps));
	return (Datum) 0;
}

/*
 * migrate_stamp(target text)
 *		Mark revisions applied or unapplied without running anything: a
 *		baseline for a database whose schema already exists.
 */
Datum
migrate_stamp(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *target = migrate_text_arg(fcinfo, 0, "target");
	char	   *role = migrate_current_role();
	TimestampTz now = GetCurrentTimestamp();
	RevGraph   *g;
	List	   *mark;
	List	   *unmark;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	migrate_check_can_change();

	SPI_connect();
	catalog_lock();
	worker_check_idle("migrate_stamp()");
	g = catalog_load_graph();
	graph_plan_stamp(g, target, &mark, &unmark);
	if (mark == NIL && unmark == NIL)
		ereport(NOTICE,
				(errcode(ERRCODE_SUCCESSFUL_COMPLETION),
				 errmsg("nothing to stamp: the applied revisions are already those of \"%s\"", target)));

	catalog_defer_writes(true);
	foreach(lc, unmark)
	{
		RevNode    *node = &g->nodes[lfirst_int(lc)];

		catalog_unmark_applied(node->id);
		if (!node->transactional)
			catalog_forget_steps(node->id, false, true);
		catalog_log_history(node->id, "unstamp", role, now, NULL, NULL, NULL);
		put_row(rsinfo, node, CStringGetTextDatum("unstamp"));
	}
	foreach(lc, mark)
	{
		RevNode    *node = &g->nodes[lfirst_int(lc)];

		catalog_mark_applied(node->id, role, now, NULL);
		if (!node->transactional)
			catalog_forget_steps(node->id, true, true);
		catalog_log_history(node->id, "stamp", role, now, NULL, NULL, NULL);
		put_row(rsinfo, node, CStringGetTextDatum("stamp"));
	}
	catalog_defer_writes(false);
	/* a stamp says "the schema is as these revisions leave it" */
	migrate_save_snapshot();

	SPI_finish();
	return (Datum) 0;
}

/*
 * migrate_reset(confirm boolean DEFAULT false)
 *		Downgrade to base, then push to heads, in one transaction.  It drops
 *		whatever the down scripts drop, data included, so it insists on
 *		confirm => true and says so loudly.
 */
Datum
migrate_reset(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *role = migrate_current_role();
	RevGraph   *g;
	List	   *down;
	List	   *up;

	if (PG_ARGISNULL(0) || !PG_GETARG_BOOL(0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("reset needs confirm => true"),
				 errdetail("A reset runs every down script back to base, then every up script: whatever the down scripts drop is lost, data included."),
				 errhint("Call migrate_reset(confirm => true) if that is what you want.")));

	InitMaterializedSRF(fcinfo, 0);
	migrate_check_can_change();

	SPI_connect();
	catalog_lock();
	worker_check_idle("migrate_reset()");
	g = catalog_load_graph();
	down = graph_plan_downgrade(g, "base");
	migration_check_reversible(g, down);
	migration_check_transactional(g, down, false, "migrate_reset()");
	{
		/* and then every revision is pushed */
		List	   *all = NIL;

		for (int k = 0; k < g->n; k++)
			all = lappend_int(all, g->order[k]);
		migration_check_transactional(g, all, true, "migrate_reset()");
	}

	ereport(WARNING,
			(errcode(ERRCODE_WARNING),
			 errmsg_plural("resetting: %d revision is downgraded to base, then every revision is pushed",
						   "resetting: %d revisions are downgraded to base, then every revision is pushed",
						   list_length(down), list_length(down)),
			 errdetail("Data in the objects the down scripts drop is destroyed.")));

	migration_run_plan(g, down, false, role, put_reset_row, rsinfo);
	up = graph_plan_push(g, "heads");
	migration_run_plan(g, up, true, role, put_reset_row, rsinfo);
	migrate_save_snapshot();

	SPI_finish();
	return (Datum) 0;
}

/*
 * CALL migrate_deploy(target text DEFAULT 'heads'), migrate_deploy(target, wait)
 *		Apply every pending revision on the way to target, committing after
 *		each one, so that a long chain never holds every lock at once.
 * CALL migrate_deploy_downgrade(target text DEFAULT '-1', wait ...)
 *		The same backwards: down scripts back to target.
 *
 * The plan is made once, in the CALL's own transaction.  Every later
 * transaction takes the lock again and re-reads what it needs: a revision a
 * concurrent push applied (or a downgrade undid) meanwhile is skipped; one
 * whose parents are no longer applied (or whose children are) stops the
 * deploy.  When a revision fails, its subtransaction is rolled back, the
 * failure (statement, line, SQLSTATE, message) is committed to the history,
 * and the error is raised: the prefix already committed stays.
 *
 * A non-transactional revision runs in a background worker, a step at a
 * time (core/worker.c); the deploy waits for it, telling its progress, or,
 * with wait => false, returns once it has started it.  A deploy that finds
 * a worker running first waits for it (or, not waiting, says so and ends).
 */
static void
deploy(FunctionCallInfo fcinfo, bool upgrade)
{
	char	   *target = migrate_text_arg(fcinfo, 0, "target");
	bool		wait;
	char	   *role = migrate_current_role();
	MemoryContext stepcxt;
	RevGraph   *g;
	List	   *plan;
	List	   *ids = NIL;
	ListCell   *lc;
	bool		first = true;
	bool		changed_any = false;

	/* migrate_deploy(target) has no wait argument: it waits */
	if (PG_NARGS() > 1 && PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("wait must not be null")));
	wait = PG_NARGS() < 2 || PG_GETARG_BOOL(1);
	if (fcinfo->context == NULL || !IsA(fcinfo->context, CallContext) ||
		castNode(CallContext, fcinfo->context)->atomic)
		ereport(ERROR,
				(errcode(ERRCODE_ACTIVE_SQL_TRANSACTION),
				 errmsg("a deploy cannot run inside a transaction block or a function"),
				 errdetail("It commits after each revision, which only a CALL at top level can do."),
				 upgrade ?
				 errhint("Run CALL migrate_deploy() on its own, or use SELECT migrate_push() to apply everything in one transaction.") :
				 errhint("Run CALL migrate_deploy_downgrade() on its own, or use SELECT migrate_downgrade() to undo everything in one transaction.")));
	migrate_check_can_change();

	SPI_connect_ext(SPI_OPT_NONATOMIC);
	/* the procedure's SPI context outlives the commits; the plan lives there */
	catalog_lock();
	if (!worker_wait_idle(wait))
	{
		SPI_finish();
		return;
	}
	catalog_lock();
	g = catalog_load_graph();
	plan = upgrade ? graph_plan_push(g, target) : graph_plan_downgrade(g, target);
	if (!upgrade)
		migration_check_reversible(g, plan);
	foreach(lc, plan)
		ids = lappend(ids, g->nodes[lfirst_int(lc)].id);
	if (ids == NIL)
		ereport(NOTICE,
				(errcode(ERRCODE_SUCCESSFUL_COMPLETION),
				 upgrade ?
				 errmsg("nothing to deploy: no revision on the way to \"%s\" is pending", target) :
				 errmsg("nothing to downgrade: no applied revision is after \"%s\"", target)));

	stepcxt = AllocSetContextCreate(CurrentMemoryContext, "migrate deploy step",
									ALLOCSET_DEFAULT_SIZES);
	foreach(lc, ids)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(stepcxt);
		const char *id = lfirst(lc);
		RevisionRow *row;
		MigrateScript *script;
		TimestampTz started;
		MigrationFailure failure;
		int64		usec;

		if (!first)
		{
			migrate_check_can_change();
			catalog_lock();
		}
		first = false;

		row = catalog_get_revision(id);
		if (row->applied == upgrade)
		{
			/* a concurrent push (or downgrade) got there first */
			MemoryContextSwitchTo(oldcxt);
			MemoryContextReset(stepcxt);
			continue;
		}
		if (upgrade && !catalog_parents_applied(id))
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("cannot apply revision \"%s\": not all of its parents are applied", id),
					 errdetail("A concurrent downgrade or registration changed the catalog during the deploy."),
					 errhint("Call migrate_deploy() again.")));
		if (!upgrade && catalog_children_applied(id))
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("cannot revert revision \"%s\": a revision built on it is applied", id),
					 errdetail("A concurrent push changed the catalog during the downgrade."),
					 errhint("Call migrate_deploy_downgrade() again.")));

		if (!row->transactional)
		{
			if (changed_any)
				migrate_save_snapshot();
			if (!worker_run_revision(row, upgrade, wait, role))
			{
				/* the worker goes on; this deploy ends here */
				SPI_finish();
				return;
			}
			changed_any = true;
			SPI_commit();
			MemoryContextSwitchTo(oldcxt);
			MemoryContextReset(stepcxt);
			continue;
		}

		script = script_parse(upgrade ? row->up_sql : row->down_sql,
							  upgrade ? "up" : "down");
		/*
		 * A lock timeout rolls the revision's subtransaction back, and it
		 * runs again after a pause (migration_lock_retry); the revisions
		 * before it stay committed.  Its own lock settings, if any, win
		 * over the session's (a commit ends them).
		 */
		locksafe_use_revision(row->lock_timeout, row->lock_retries);
		for (int attempt = 1;; attempt++)
		{
			started = GetCurrentTimestamp();
			usec = migration_try_script(row->id, row->message, script, upgrade,
										&failure);
			if (usec >= 0 ||
				!migration_lock_retry(failure.edata, row->id, failure.statement,
									  failure.line, attempt, role,
									  row->checksum, started, false, upgrade))
				break;
		}
		if (usec < 0)
		{
			HistoryFailure hf;

			hf.message = failure.edata->message;
			hf.sqlstate = unpack_sql_state(failure.edata->sqlerrcode);
			hf.statement = failure.statement;
			hf.line = failure.line;
			catalog_log_history(id, "failure", role, started,
								migrate_interval_usec(failure.usec),
								row->checksum, &hf);
			if (changed_any)
				migrate_save_snapshot();
			SPI_commit();
			ReThrowError(failure.edata);
		}
		if (upgrade)
			catalog_mark_applied(id, role, started, migrate_interval_usec(usec));
		else
			catalog_unmark_applied(id);
		catalog_log_history(id, upgrade ? "upgrade" : "downgrade", role, started,
							migrate_interval_usec(usec), row->checksum, NULL);
		migration_progress(id, row->message, upgrade, usec);
		changed_any = true;
		SPI_commit();

		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(stepcxt);
	}

	/*
	 * The expected state, once, at the end: reading the model after every
	 * revision would make a long deploy quadratic.  A crash in the middle
	 * leaves the state of before the deploy expected until the next call.
	 */
	if (changed_any)
	{
		catalog_lock();
		migrate_save_snapshot();
	}

	SPI_finish();
}

Datum
migrate_deploy(PG_FUNCTION_ARGS)
{
	deploy(fcinfo, true);
	PG_RETURN_VOID();
}

Datum
migrate_deploy_downgrade(PG_FUNCTION_ARGS)
{
	deploy(fcinfo, false);
	PG_RETURN_VOID();
}
