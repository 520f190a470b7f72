/*-------------------------------------------------------------------------
 *
 * apply.c
 *	  Running revisions: migrate_push, migrate_downgrade, migrate_stamp.
 *
 * A push runs inside the caller's transaction, so it is atomic: all of it
 * or none of it.  Before reading the catalog it takes a transaction-scoped
 * advisory lock, so a second pusher waits, then reads the catalog afresh and
 * finds nothing left to do.  That only works when each statement takes a new
 * snapshot, so the push insists on READ COMMITTED.
 *
 * Each revision runs in its own subtransaction and its own GUC nest level,
 * which is closed with "abort" semantics even when the revision succeeds: a
 * SET search_path, SET ROLE or any SET inside a script never outlives the
 * script.  Statements run one at a time through SPI, with the caller's rights
 * and search_path; an error gets a context line that names the revision,
 * the statement and its line.  The catalog bookkeeping (catalog.c) runs as the
 * extension owner after the script, outside its GUC level.
 *
 * While a script runs, a backend-local flag says so: nested calls of the
 * changing functions are refused, and later the DDL log uses it to attribute
 * statements to the revision.  No setting can fake it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
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
PG_FUNCTION_INFO_V1(migrate_stamp);

/* A revision script is running in this backend */
static bool in_migration = false;

/* What the error context callback says while a script runs */
typedef struct RunState
{
	const char *verb;			/* "applying" or "reverting" */
	RevNode    *node;
	MigrateScript *script;
	MigrateStmt *stmt;			/* statement running now */
	const char *sql;			/* its text, as given to SPI */
} RunState;

bool
migrate_in_migration(void)
{
	return in_migration;
}

/*
 * Refuse to change the catalog from inside a migration script: a push that
 * pushed would apply revisions twice.
 */
void
migrate_check_not_nested(void)
{
	if (in_migration)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot change migrations from inside a migration script"),
				 errhint("Register, push, downgrade or stamp from the top level, not from a revision's script.")));
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
				 errmsg("cannot change migrations in a read-only transaction")));
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
 * Add "while applying revision ..., statement N at line L" to an error
 * raised by a script.  The line is the statement's first line, moved down to
 * the error's position when the error points into this very statement (SPI
 * turns a syntax error's position into an internal position of the
 * statement; an internal position of some nested query, inside a DO block
 * or a function, says nothing about the script's lines).
 */
static void
add_script_context(ErrorData *edata, RunState *rs)
{
	MigrateStmt *st = rs->stmt;
	int			line;
	char	   *ctx;

	if (st == NULL)
		return;
	line = st->line;
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
	ctx = psprintf("while %s revision \"%s\" (%s), statement %d at line %d",
				   rs->verb, rs->node->id, rs->node->message, st->number, line);
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
 * Run one script in its own subtransaction and GUC nest level; returns the
 * time it took in microseconds.  On error the subtransaction is rolled back
 * and the error, with its context, is thrown again.
 */
static int64
run_script(RevNode *node, MigrateScript *script, const char *verb)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	/* on the heap: read after a longjmp, so never kept in a register */
	RunState   *rs = palloc0(sizeof(RunState));
	instr_time	start;
	instr_time	elapsed;
	int			nestlevel;

	rs->verb = verb;
	rs->node = node;
	rs->script = script;

	INSTR_TIME_SET_CURRENT(start);
	nestlevel = NewGUCNestLevel();
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcontext);

	PG_TRY();
	{
		in_migration = true;
		run_statements(rs);
		in_migration = false;
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		in_migration = false;
		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		add_script_context(edata, rs);
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
		AtEOXact_GUC(false, nestlevel);
		ReThrowError(edata);
	}
	PG_END_TRY();

	/* whatever the script SET goes away with its level */
	AtEOXact_GUC(false, nestlevel);

	INSTR_TIME_SET_CURRENT(elapsed);
	INSTR_TIME_SUBTRACT(elapsed, start);
	return INSTR_TIME_GET_MICROSEC(elapsed);
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

/*
 * Push and downgrade share everything but the direction.
 */
static void
run_plan(FunctionCallInfo fcinfo, bool upgrade)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *target = migrate_text_arg(fcinfo, 0, "target");
	char	   *role = migrate_current_role();
	RevGraph   *g;
	List	   *plan;
	ListCell   *lc;

	InitMaterializedSRF(fcinfo, 0);
	migrate_check_can_change();

	SPI_connect();
	catalog_lock();
	g = catalog_load_graph();
	plan = upgrade ? graph_plan_push(g, target) : graph_plan_downgrade(g, target);

	/* an irreversible revision on the way stops a downgrade before it starts */
	if (!upgrade)
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

	foreach(lc, plan)
	{
		RevNode    *node = &g->nodes[lfirst_int(lc)];
		RevisionRow *row = catalog_get_revision(node->id);
		const char *text = upgrade ? row->up_sql : row->down_sql;
		MigrateScript *script = script_parse(text, upgrade ? "up" : "down");
		TimestampTz started = GetCurrentTimestamp();
		int64		usec;
		Interval   *duration;

		usec = run_script(node, script, upgrade ? "applying" : "reverting");
		duration = interval_from_usec(usec);

		if (upgrade)
			catalog_mark_applied(node->id, role, started, duration);
		else
			catalog_unmark_applied(node->id);
		catalog_log_history(node->id, upgrade ? "upgrade" : "downgrade", role,
							started, duration, row->checksum, NULL);
		node->applied = upgrade;

		ereport(NOTICE,
				(errmsg("%s revision \"%s\": %s",
						upgrade ? "applied" : "reverted", node->id, node->message),
				 errdetail("Took %.3f ms.", usec / 1000.0)));
		put_row(rsinfo, node, IntervalPGetDatum(duration));
	}

	SPI_finish();
}

/*
 * migrate_push(target text DEFAULT 'heads')
 *		Apply every pending revision on the way to target, atomically.
 */
Datum
migrate_push(PG_FUNCTION_ARGS)
{
	run_plan(fcinfo, true);
	return (Datum) 0;
}

/*
 * migrate_downgrade(target text DEFAULT '-1')
 *		Run down scripts back to target, atomically.
 */
Datum
migrate_downgrade(PG_FUNCTION_ARGS)
{
	run_plan(fcinfo, false);
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

	SPI_finish();
	return (Datum) 0;
}
