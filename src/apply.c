/*-------------------------------------------------------------------------
 *
 * apply.c
 *	  Running revisions: migrate_push, migrate_downgrade, migrate_stamp.
 *
 * A push runs inside the caller's transaction, so it is atomic: all of it
 * or none of it.  Before reading the catalog it takes the migration lock
 * (catalog_lock(): EXCLUSIVE on migrate.applied, to the end of the
 * transaction), so a second pusher waits, then reads the catalog afresh and
 * finds nothing left to do.  That only works when each statement takes a new
 * snapshot, so the push insists on READ COMMITTED.
 *
 * Each revision runs in its own GUC nest level, which is closed with
 * "abort" semantics even when the revision succeeds: a SET search_path, SET
 * ROLE or any SET inside a script never outlives the script.  A deploy,
 * which goes on to commit after a failure, also runs each revision in its
 * own subtransaction; a push needs none, as any error ends its transaction.
 * Statements run one at a time through SPI, with the caller's rights and
 * search_path; an error gets a context line that names the revision, the
 * statement and its line.  The catalog bookkeeping (catalog.c) runs as the
 * extension owner after the script, outside its GUC level; a push keeps its
 * rows in memory and writes them with one statement per table at its end.
 *
 * While a script runs, a backend-local flag says so: nested calls of the
 * changing functions are refused, and later the DDL log uses it to attribute
 * statements to the revision.  No setting can fake it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "nodes/parsenodes.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"

#include "migrate.h"

PG_FUNCTION_INFO_V1(migrate_push);
PG_FUNCTION_INFO_V1(migrate_downgrade);
PG_FUNCTION_INFO_V1(migrate_downgrade_steps);
PG_FUNCTION_INFO_V1(migrate_stamp);
PG_FUNCTION_INFO_V1(migrate_reset);
PG_FUNCTION_INFO_V1(migrate_deploy);


/* What the error context callback says while a script runs */
typedef struct RunState
{
	const char *verb;			/* "applying" or "reverting" */
	const char *id;
	const char *message;
	MigrateScript *script;
	MigrateStmt *stmt;			/* statement running now */
	const char *sql;			/* its text, as given to SPI */
} RunState;

/* A script's failure, when the caller records it before rethrowing */
typedef struct RunFailure
{
	ErrorData  *edata;
	int			statement;		/* 0 when not inside a statement */
	int			line;
	int64		usec;
} RunFailure;

/* The script running in this backend, if any: "inside a migration" */
static RunState *running = NULL;

bool
migrate_in_migration(void)
{
	return running != NULL;
}

/* The id of the revision whose script is running, or NULL */
const char *
migrate_running_revision(void)
{
	return running ? running->id : NULL;
}

/*
 * Refuse to change the catalog from inside a migration script: a push that
 * pushed would apply revisions twice.
 */
void
migrate_check_not_nested(void)
{
	if (running != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot change migrations from inside a migration script"),
				 errhint("Register, push, downgrade or stamp from the top level, not from a revision's script.")));
	/* the desired state's SQL, or a script migrate_diff is proving */
	if (migrate_in_scratch())
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot change migrations from inside a desired state or a proof"),
				 errhint("The desired state is only DDL: register and push from the top level.")));
}

/*
 * The conditions every function that changes the catalog needs.
 */
void
migrate_check_can_change(void)
{
	migrate_check_not_nested();
	if (IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
				 errmsg("migrations cannot run under %s isolation",
						IsolationIsSerializable() ? "SERIALIZABLE" : "REPEATABLE READ"),
				 errdetail("The transaction's snapshot could predate the migration lock and miss a concurrent push."),
				 errhint("Run it in a READ COMMITTED transaction.")));
	if (XactReadOnly)
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("cannot change migrations in a read-only transaction"),
				 RecoveryInProgress() ?
				 errhint("The server is a standby: run migrations on the primary.") : 0));
}

/* A text argument that must not be NULL, as a C string */
char *
migrate_text_arg(FunctionCallInfo fcinfo, int argno, const char *name)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", name)));
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

/* The name of the current user, as the bookkeeping records it */
char *
migrate_current_role(void)
{
	return GetUserNameFromId(GetUserId(), false);
}

static Interval *
interval_from_usec(int64 usec)
{
	Interval   *iv = palloc0(sizeof(Interval));

	iv->time = usec;
	return iv;
}

/*
 * The line of the script on which an error raised by statement st falls: the
 * statement's first line, moved down to the error's position when the error
 * points into this very statement (SPI turns a syntax error's position into
 * an internal position of the statement; an internal position of some nested
 * query, inside a DO block or a function, says nothing about the lines).
 */
static int
error_line(RunState *rs, ErrorData *edata)
{
	MigrateStmt *st = rs->stmt;
	int			line = st->line;

	if (edata->internalpos > 0 && edata->internalquery != NULL &&
		strcmp(edata->internalquery, rs->sql) == 0)
	{
		const char *p = rs->sql;
		int			ipos = edata->internalpos;

		while (*p && --ipos > 0)
		{
			if (*p == '\n')
				line++;
			p += pg_mblen(p);
		}
	}
	return line;
}

/*
 * Add "while applying revision ..., statement N at line L" to an error
 * raised by a script.
 */
static void
add_script_context(ErrorData *edata, RunState *rs)
{
	char	   *ctx;

	if (rs->stmt == NULL)
		return;
	ctx = psprintf("while %s revision \"%s\" (%s), statement %d at line %d",
				   rs->verb, rs->id, rs->message, rs->stmt->number,
				   error_line(rs, edata));
	edata->context = edata->context ? psprintf("%s\n%s", edata->context, ctx) : ctx;
}

/* Run the statements of one script through SPI, one call each */
static void
run_statements(RunState *rs)
{
	MigrateScript *script = rs->script;

	for (int i = 0; i < script->nstmts; i++)
	{
		MigrateStmt *st = &script->stmts[i];
		char	   *sql = pnstrdup(script->text + st->offset, st->len);
		int			rc;

		rs->stmt = st;
		rs->sql = sql;
		rc = SPI_execute(sql, false, 0);
		if (rc < 0)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("statement cannot run inside a migration: %s",
							SPI_result_code_string(rc))));
		SPI_freetuptable(SPI_tuptable);
		pfree(sql);
	}
	rs->stmt = NULL;
}

/*
 * Run one script in its own GUC nest level; returns the time it took in
 * microseconds.  If failure is NULL, an error (with its context) is thrown
 * again, and the caller's transaction goes with it.  Else the script runs
 * in a subtransaction; on error it is rolled back, the error is described
 * in *failure and -1 is returned, so that the caller can record it and go
 * on to commit before throwing it.
 *
 * Only a caller that goes on after an error needs the subtransaction: a
 * push, a downgrade or a reset is one transaction, which the error ends
 * anyway.  Without it no revision pays for one: at its end PostgreSQL walks
 * every file and relation cache entry the transaction has created so far,
 * so a subtransaction per revision makes a long push quadratic, and each
 * one that creates anything takes an XID of its own.
 */
static int64
run_script(const char *id, const char *message, MigrateScript *script,
		   const char *verb, RunFailure *failure)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	/* on the heap: read after a longjmp, so never kept in a register */
	RunState   *rs = palloc0(sizeof(RunState));
	bool		subxact = failure != NULL;
	instr_time	start;
	instr_time	elapsed;
	int			nestlevel;

	rs->verb = verb;
	rs->id = id;
	rs->message = message;
	rs->script = script;

	INSTR_TIME_SET_CURRENT(start);
	nestlevel = NewGUCNestLevel();
	if (subxact)
	{
		BeginInternalSubTransaction(NULL);
		MemoryContextSwitchTo(oldcontext);
	}

	PG_TRY();
	{
		running = rs;
		run_statements(rs);
		running = NULL;
		if (subxact)
		{
			ReleaseCurrentSubTransaction();
			MemoryContextSwitchTo(oldcontext);
			CurrentResourceOwner = oldowner;
		}
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		running = NULL;
		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		add_script_context(edata, rs);
		if (subxact)
		{
			RollbackAndReleaseCurrentSubTransaction();
			MemoryContextSwitchTo(oldcontext);
		}
		CurrentResourceOwner = oldowner;

		/*
		 * The script's settings go before the error is reported, so that it
		 * is reported (and the caller goes on) under the caller's own.
		 */
		AtEOXact_GUC(false, nestlevel);
		if (failure == NULL)
		{
			/*
			 * Out of lock slots in one transaction: the way out is a deploy,
			 * which commits (and so frees its locks) after each revision.
			 */
			if (edata->sqlerrcode == ERRCODE_OUT_OF_MEMORY)
				edata->hint = psprintf("%s%sA long chain of revisions can be applied with CALL migrate_deploy(), which commits after each one.",
									   edata->hint ? edata->hint : "",
									   edata->hint ? " " : "");
			ReThrowError(edata);
		}
		failure->edata = edata;
		failure->statement = rs->stmt ? rs->stmt->number : 0;
		failure->line = rs->stmt ? error_line(rs, edata) : 0;
		INSTR_TIME_SET_CURRENT(elapsed);
		INSTR_TIME_SUBTRACT(elapsed, start);
		failure->usec = INSTR_TIME_GET_MICROSEC(elapsed);
		return -1;
	}
	PG_END_TRY();

	/* whatever the script SET goes away with its level */
	AtEOXact_GUC(false, nestlevel);

	INSTR_TIME_SET_CURRENT(elapsed);
	INSTR_TIME_SUBTRACT(elapsed, start);
	return INSTR_TIME_GET_MICROSEC(elapsed);
}

/* Run a script as a push does, for migrate_verify; errors are thrown */
int64
migrate_run_script(const char *id, const char *message, MigrateScript *script,
				   const char *verb)
{
	return run_script(id, message, script, verb, NULL);
}

static void
progress_notice(const char *id, const char *message, bool upgrade, int64 usec)
{
	if (upgrade)
		ereport(NOTICE,
				(errcode(ERRCODE_SUCCESSFUL_COMPLETION),
				 errmsg("applied revision \"%s\": %s", id, message),
				 errdetail("Took %.3f ms.", usec / 1000.0)));
	else
		ereport(NOTICE,
				(errcode(ERRCODE_SUCCESSFUL_COMPLETION),
				 errmsg("reverted revision \"%s\": %s", id, message),
				 errdetail("Took %.3f ms.", usec / 1000.0)));
}

/*
 * Apply (or revert) one revision inside the current transaction, with its
 * bookkeeping; returns the time its script took (the caller says so).  row
 * holds its scripts and checksum (catalog_get_scripts).
 */
static Interval *
apply_one(RevNode *node, RevisionRow *row, bool upgrade, const char *role)
{
	MigrateScript *script = script_parse(upgrade ? row->up_sql : row->down_sql,
										 upgrade ? "up" : "down");
	TimestampTz started = GetCurrentTimestamp();
	int64		usec;
	Interval   *duration;

	usec = run_script(node->id, node->message, script,
					  upgrade ? "applying" : "reverting", NULL);
	duration = interval_from_usec(usec);
	if (upgrade)
		catalog_mark_applied(node->id, role, started, duration);
	else
		catalog_unmark_applied(node->id);
	catalog_log_history(node->id, upgrade ? "upgrade" : "downgrade", role,
						started, duration, row->checksum, NULL);
	node->applied = upgrade;
	return duration;
}

/* An irreversible revision on the way stops a downgrade before it starts */
void
migrate_check_reversible(RevGraph *g, List *plan)
{
	ListCell   *lc;

	foreach(lc, plan)
	{
		RevNode    *node = &g->nodes[lfirst_int(lc)];

		if (!node->reversible)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("cannot downgrade past revision \"%s\" (%s), which is irreversible",
							node->id, node->message),
					 errdetail("It has no down script. Nothing was run."),
					 errhint("Downgrade only as far as this revision, or undo it by hand and then mark it unapplied with migrate_stamp().")));
	}
}

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

/* Scripts fetched per catalog query while a plan runs */
#define SCRIPTS_PER_FETCH	64

/*
 * Run the plan's revisions (indexes into g) in order inside the current
 * transaction, adding a row for each to the result (with its action, for a
 * reset).
 * Their scripts are fetched a few dozen at a time and freed when done, so
 * a long plan never holds every script at once.  The bookkeeping rows are
 * kept and written together at the end, still inside the transaction, so
 * a failing revision leaves none of them.
 *
 * Each revision's NOTICE goes out as soon as it is done, but the last one's
 * waits until the rows are written: a failure to write them (a full disk, a
 * constraint a superuser added to the catalog) never follows a NOTICE that
 * the last revision was applied, just as when each revision wrote its rows
 * before its NOTICE.
 */
static void
run_revisions(RevGraph *g, List *plan, bool upgrade, const char *role,
			  ReturnSetInfo *rsinfo, bool reset)
{
	MemoryContext fetchcxt;
	MemoryContext stepcxt;
	List	   *rows = NIL;
	ListCell   *next = NULL;
	ListCell   *lc;
	RevNode    *last = NULL;
	int64		last_usec = 0;

	fetchcxt = AllocSetContextCreate(CurrentMemoryContext, "migrate scripts",
									 ALLOCSET_DEFAULT_SIZES);
	/* each revision's parsed script and parse trees go when it is done */
	stepcxt = AllocSetContextCreate(CurrentMemoryContext, "migrate revision",
									ALLOCSET_DEFAULT_SIZES);
	catalog_defer_writes(true);
	foreach(lc, plan)
	{
		RevNode    *node = &g->nodes[lfirst_int(lc)];
		MemoryContext oldcxt;
		Interval   *duration;

		if (next == NULL)
		{
			List	   *ids = NIL;

			MemoryContextReset(fetchcxt);
			oldcxt = MemoryContextSwitchTo(fetchcxt);
			for (int i = foreach_current_index(lc);
				 i < list_length(plan) && list_length(ids) < SCRIPTS_PER_FETCH; i++)
				ids = lappend(ids, g->nodes[list_nth_int(plan, i)].id);
			rows = catalog_get_scripts(ids);
			next = list_head(rows);
			MemoryContextSwitchTo(oldcxt);
		}

		oldcxt = MemoryContextSwitchTo(stepcxt);
		duration = apply_one(node, lfirst(next), upgrade, role);
		next = lnext(rows, next);
		if (lnext(plan, lc) != NULL)
			progress_notice(node->id, node->message, upgrade, duration->time);
		else
		{
			last = node;
			last_usec = duration->time;
		}
		if (reset)
			put_action_row(rsinfo, node, upgrade ? "upgrade" : "downgrade",
						   duration);
		else
			put_row(rsinfo, node, IntervalPGetDatum(duration));
		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(stepcxt);
	}
	catalog_defer_writes(false);
	if (last != NULL)
		progress_notice(last->id, last->message, upgrade, last_usec);
	MemoryContextDelete(stepcxt);
	MemoryContextDelete(fetchcxt);
}

/*
 * Push and downgrade share everything but the direction.
 */
static void
run_plan(FunctionCallInfo fcinfo, bool upgrade, const char *target)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *role = migrate_current_role();
	RevGraph   *g;
	List	   *plan;

	InitMaterializedSRF(fcinfo, 0);
	migrate_check_can_change();

	SPI_connect();
	catalog_lock();
	g = catalog_load_graph();
	plan = upgrade ? graph_plan_push(g, target) : graph_plan_downgrade(g, target);
	if (!upgrade)
		migrate_check_reversible(g, plan);

	if (plan == NIL)
		ereport(NOTICE,
				(errcode(ERRCODE_SUCCESSFUL_COMPLETION),
				 upgrade ? errmsg("nothing to push: no revision on the way to \"%s\" is pending", target) :
				 errmsg("nothing to downgrade: no applied revision is after \"%s\"", target)));
	run_revisions(g, plan, upgrade, role, rsinfo, false);
	if (plan != NIL)
		migrate_save_snapshot();

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
		catalog_log_history(node->id, "unstamp", role, now, NULL, NULL, NULL);
		put_row(rsinfo, node, CStringGetTextDatum("unstamp"));
	}
	foreach(lc, mark)
	{
		RevNode    *node = &g->nodes[lfirst_int(lc)];

		catalog_mark_applied(node->id, role, now, NULL);
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
	g = catalog_load_graph();
	down = graph_plan_downgrade(g, "base");
	migrate_check_reversible(g, down);

	ereport(WARNING,
			(errcode(ERRCODE_WARNING),
			 errmsg_plural("resetting: %d revision is downgraded to base, then every revision is pushed",
						   "resetting: %d revisions are downgraded to base, then every revision is pushed",
						   list_length(down), list_length(down)),
			 errdetail("Data in the objects the down scripts drop is destroyed.")));

	run_revisions(g, down, false, role, rsinfo, true);
	up = graph_plan_push(g, "heads");
	run_revisions(g, up, true, role, rsinfo, true);
	migrate_save_snapshot();

	SPI_finish();
	return (Datum) 0;
}

/*
 * CALL migrate_deploy(target text DEFAULT 'heads')
 *		Apply every pending revision on the way to target, committing after
 *		each one, so that a long chain never holds every lock at once.
 *
 * The plan is made once, in the CALL's own transaction.  Every later
 * transaction takes the lock again and re-reads what it needs: a revision a
 * concurrent push applied meanwhile is skipped; one whose parents are no
 * longer applied stops the deploy.  When a revision fails, its
 * subtransaction is rolled back, the failure (statement, line, SQLSTATE,
 * message) is committed to the history, and the error is raised: the prefix
 * already committed stays.
 */
Datum
migrate_deploy(PG_FUNCTION_ARGS)
{
	char	   *target = migrate_text_arg(fcinfo, 0, "target");
	char	   *role = migrate_current_role();
	MemoryContext stepcxt;
	RevGraph   *g;
	List	   *plan;
	List	   *ids = NIL;
	ListCell   *lc;
	bool		first = true;
	bool		applied_any = false;

	if (fcinfo->context == NULL || !IsA(fcinfo->context, CallContext) ||
		castNode(CallContext, fcinfo->context)->atomic)
		ereport(ERROR,
				(errcode(ERRCODE_ACTIVE_SQL_TRANSACTION),
				 errmsg("a deploy cannot run inside a transaction block or a function"),
				 errdetail("It commits after each revision, which only a CALL at top level can do."),
				 errhint("Run CALL migrate_deploy() on its own, or use SELECT migrate_push() to apply everything in one transaction.")));
	migrate_check_can_change();

	SPI_connect_ext(SPI_OPT_NONATOMIC);
	/* the procedure's SPI context outlives the commits; the plan lives there */
	catalog_lock();
	g = catalog_load_graph();
	plan = graph_plan_push(g, target);
	foreach(lc, plan)
		ids = lappend(ids, g->nodes[lfirst_int(lc)].id);
	if (ids == NIL)
		ereport(NOTICE,
				(errcode(ERRCODE_SUCCESSFUL_COMPLETION),
				 errmsg("nothing to deploy: no revision on the way to \"%s\" is pending", target)));

	stepcxt = AllocSetContextCreate(CurrentMemoryContext, "migrate deploy step",
									ALLOCSET_DEFAULT_SIZES);
	foreach(lc, ids)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(stepcxt);
		const char *id = lfirst(lc);
		RevisionRow *row;
		MigrateScript *script;
		TimestampTz started;
		RunFailure	failure;
		int64		usec;

		if (!first)
		{
			migrate_check_can_change();
			catalog_lock();
		}
		first = false;

		row = catalog_get_revision(id);
		if (row->applied)
		{
			/* a concurrent push got there first */
			MemoryContextSwitchTo(oldcxt);
			MemoryContextReset(stepcxt);
			continue;
		}
		if (!catalog_parents_applied(id))
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("cannot apply revision \"%s\": not all of its parents are applied", id),
					 errdetail("A concurrent downgrade or registration changed the catalog during the deploy."),
					 errhint("Call migrate_deploy() again.")));

		script = script_parse(row->up_sql, "up");
		started = GetCurrentTimestamp();
		usec = run_script(row->id, row->message, script, "applying", &failure);
		if (usec < 0)
		{
			HistoryFailure hf;

			hf.message = failure.edata->message;
			hf.sqlstate = unpack_sql_state(failure.edata->sqlerrcode);
			hf.statement = failure.statement;
			hf.line = failure.line;
			catalog_log_history(id, "failure", role, started,
								interval_from_usec(failure.usec),
								row->checksum, &hf);
			if (applied_any)
				migrate_save_snapshot();
			SPI_commit();
			ReThrowError(failure.edata);
		}
		catalog_mark_applied(id, role, started, interval_from_usec(usec));
		catalog_log_history(id, "upgrade", role, started,
							interval_from_usec(usec), row->checksum, NULL);
		progress_notice(id, row->message, true, usec);
		applied_any = true;
		SPI_commit();

		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(stepcxt);
	}

	/*
	 * The expected state, once, at the end: reading the model after every
	 * revision would make a long deploy quadratic.  A crash in the middle
	 * leaves the state of before the deploy expected until the next call.
	 */
	if (applied_any)
	{
		catalog_lock();
		migrate_save_snapshot();
	}

	SPI_finish();
	PG_RETURN_VOID();
}
