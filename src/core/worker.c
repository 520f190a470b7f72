/*-------------------------------------------------------------------------
 *
 * worker.c
 *	  Non-transactional revisions: the background worker that runs their
 *	  steps as top-level statements, and what a deploy does to start it
 *	  and wait for it.
 *
 * CREATE INDEX CONCURRENTLY and its family refuse to run inside a
 * transaction block or from a function: only a top-level statement can run
 * them, because they commit transactions of their own part way through.
 * A procedure's SPI call is never top level, so a deploy hands such a
 * revision to a dynamic background worker (no shared_preload_libraries
 * needed), which runs each statement the way the server runs a query from
 * a client: parsed, planned and run through a portal at top level, in a
 * transaction of its own.
 *
 * The state lives in migrate.step (catalog/steps.c), so it survives the
 * client and the server:
 *
 *	 T1  the step is marked running (attempts + 1, the worker's pid), and
 *		 committed, so that anyone can see what runs;
 *	 T2  the step's row takes the XID of the transaction the statement then
 *		 runs in, and the statement runs.  A concurrent index build commits
 *		 its first phase, which creates the index's catalog rows, in this
 *		 same transaction: the step's XID and the INVALID index are
 *		 committed together, and the index's pg_class row carries that XID
 *		 as its xmin.  Whatever transaction the statement ends in also marks
 *		 the step done, and for the last step marks the revision applied
 *		 (or unapplied) with its history row: the index becoming valid and
 *		 the step being done commit together.
 *
 * So a crash or a failure leaves the step running or failed, never done
 * without its statement's effect, and the revision is applied only when
 * every step is done.  The next run first drops every INVALID index whose
 * pg_class xmin is the step's XID -- the only indexes it can prove its own
 * attempt created -- with DROP INDEX CONCURRENTLY, then runs the step again.
 * A failed attempt cleans up the same way at once.
 *
 * The worker connects as the deployer's session user and takes the
 * deployer's current role (a NOLOGIN role a deployer SET ROLE to included),
 * so the statements run with the deployer's rights, as a push runs them,
 * and with the search_path recorded in the steps; only the bookkeeping runs
 * as the extension owner.  It says it runs a revision (session.c), so the
 * DDL log attributes its statements to the revision and migrate.guard lets
 * them through, and nothing else gains from it.
 *
 * One worker runs at a time in a database.  It holds a session-level lock
 * while it lives, on a tag no SQL can take (an advisory lock whose fourth
 * field is 3: pg_advisory_lock() and its kin use 1 and 2), so that anyone
 * can tell whether one lives without trusting a pid.  A push, downgrade,
 * stamp or reset refuses to run meanwhile; a deploy waits for it.
 *
 * A deploy that waits polls the steps and commits after every poll, so that
 * it never holds a snapshot the worker's concurrent build would wait for.
 *
 * src/core/worker.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "parser/analyze.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lmgr.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "tcop/pquery.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/portal.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "base/compat.h"
#include "base/session.h"
#include "base/util.h"
#include "catalog/catalog.h"
#include "core/migration.h"
#include "core/script.h"
#include "core/snapshot.h"
#include "core/worker.h"

/* What a deploy tells the worker it starts (in bgw_extra) */
typedef struct WorkerArgs
{
	Oid			dboid;
	Oid			session_user;
	Oid			current_user;
	bool		upgrade;
	char		revision[NAMEDATALEN + 8];	/* ids are at most 64 bytes */
} WorkerArgs;

StaticAssertDecl(sizeof(WorkerArgs) <= BGW_EXTRALEN,
				 "WorkerArgs must fit in bgw_extra");

/* The worker's entry point, which the postmaster finds by name */
PGDLLEXPORT void migrate_step_worker_main(Datum main_arg);

/* The tag of the lock a live worker holds: see the header comment */
#define WORKER_LOCK_KEY1	0x6d696772	/* "migr" */
#define WORKER_LOCK_KEY2	0x73746570	/* "step" */
#define WORKER_LOCK_FIELD4	3

/* A step running this long gets its progress reported, then this often */
#define PROGRESS_AFTER_MS	3000
#define PROGRESS_EVERY_MS	10000

/* A deploy starts a revision's worker again at most this often in a row */
#define MAX_LAUNCHES		3

static void
worker_lock_tag(LOCKTAG *tag)
{
	SET_LOCKTAG_ADVISORY(*tag, MyDatabaseId, WORKER_LOCK_KEY1,
						 WORKER_LOCK_KEY2, WORKER_LOCK_FIELD4);
}

/*
 * Whether a worker lives in this database: its lock is held.  Called in a
 * transaction; the probe's own lock, if it gets one, goes at once.
 */
bool
worker_is_running(void)
{
	LOCKTAG		tag;

	worker_lock_tag(&tag);
	if (LockAcquire(&tag, ShareLock, false, true) == LOCKACQUIRE_NOT_AVAIL)
		return true;
	LockRelease(&tag, ShareLock, false);
	return false;
}

/* The revision a live worker runs now, from its running step, or NULL */
static char *
running_revision(bool *upgrade)
{
	List	   *unfinished = catalog_unfinished_steps();
	ListCell   *lc;

	foreach(lc, unfinished)
	{
		StepSummary *s = lfirst(lc);

		if (s->running)
		{
			*upgrade = s->upgrade;
			return s->id;
		}
	}
	return NULL;
}

/*
 * The changing functions that run revisions in one transaction (push,
 * downgrade, stamp, reset) refuse to run beside a worker: one migration at
 * a time.  how names the caller, as the message shows it.
 */
void
worker_check_idle(const char *how)
{
	bool		upgrade;
	char	   *id;

	if (!worker_is_running())
		return;
	id = running_revision(&upgrade);
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_IN_USE),
			 errmsg("%s cannot run while a background worker runs a non-transactional revision", how),
			 id ? errdetail("The worker is %s revision \"%s\".",
							upgrade ? "applying" : "reverting", id) : 0,
			 errhint("CALL migrate_deploy() waits for it and then goes on; SELECT * FROM migrate_steps() shows how far it is.")));
}

/* ----------------------------------------------------------------
 * The worker
 * ----------------------------------------------------------------
 */

/* What the worker runs: one revision in one direction */
typedef struct WorkerRun
{
	char	   *id;
	char	   *message;
	char	   *checksum;
	bool		upgrade;
	char	   *role;
	TimestampTz started;		/* the run's first step began */
} WorkerRun;

/* A transaction of the worker's own, with SPI and a snapshot */
static void
begin_work(void)
{
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
}

static void
end_work(void)
{
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
}

/*
 * Run sql, one statement, as the server runs a query from a client: at top
 * level, through a portal, in the current transaction, which the statement
 * may commit and replace (CREATE INDEX CONCURRENTLY and DROP INDEX
 * CONCURRENTLY do).  Its parse and plan trees live in a context of their own
 * under TopMemoryContext, as a client's query lives in MessageContext: the
 * transaction's contexts go away at those commits while the statement still
 * reads its tree.  If tree is not NULL, a copy of it runs instead of sql's
 * own parse tree: the utility code may scribble on the tree it runs (no
 * cached plan makes it read-only), and what it frees or changes must not be
 * the caller's, which may run it again (a SET step on a resumed run).  The
 * caller's memory context must outlive the transaction as well: it is
 * current again on return.
 */
static void
run_toplevel(const char *sql, RawStmt *tree)
{
	static MemoryContext stmtcxt = NULL;
	MemoryContext caller = CurrentMemoryContext;
	RawStmt    *raw = tree;
	List	   *queries;
	List	   *plans;
	Portal		portal;
	QueryCompletion qc;
	int16		format = 0;
	bool		snapshot = false;

	/* reset, not deleted, after each statement: an error skips the reset */
	if (stmtcxt == NULL)
		stmtcxt = AllocSetContextCreate(TopMemoryContext, "migrate statement",
										ALLOCSET_DEFAULT_SIZES);
	else
		MemoryContextReset(stmtcxt);
	MemoryContextSwitchTo(stmtcxt);
	if (raw != NULL)
		raw = copyObject(raw);
	else
	{
		List	   *raws = pg_parse_query(sql);

		if (list_length(raws) != 1)
			elog(ERROR, "a step must be one statement, not %d", list_length(raws));
		raw = linitial_node(RawStmt, raws);
	}
	if (analyze_requires_snapshot(raw))
	{
		PushActiveSnapshot(GetTransactionSnapshot());
		snapshot = true;
	}
	queries = pg_analyze_and_rewrite_fixedparams(raw, sql, NULL, 0, NULL);
	plans = pg_plan_queries(queries, sql, CURSOR_OPT_PARALLEL_OK, NULL);
	if (snapshot)
		PopActiveSnapshot();

	portal = CreatePortal("", true, true);
	portal->visible = false;
	PortalDefineQuery(portal, NULL, sql, CreateCommandTag(raw->stmt), plans, NULL);
	PortalStart(portal, NULL, 0, InvalidSnapshot);
	PortalSetResultFormat(portal, 1, &format);
	InitializeQueryCompletion(&qc);
	(void) compat_portal_run(portal, FETCH_ALL, true, None_Receiver,
							 None_Receiver, &qc);
	PortalDrop(portal, false);
	MemoryContextSwitchTo(caller);
	MemoryContextReset(stmtcxt);
}

/*
 * Drop what an attempt of a step that began in transaction xid left
 * behind: every INVALID index whose catalog row that transaction wrote.
 * Each goes with DROP INDEX CONCURRENTLY, in transactions of its own, so
 * that the table's writes never wait; an index someone else dropped
 * meanwhile is skipped.
 */
static void
drop_leftovers(WorkerRun *wr, uint64 xid)
{
	MemoryContext cxt = CurrentMemoryContext;
	List	   *names = NIL;
	ListCell   *lc;

	if (xid == 0)
		return;
	begin_work();
	{
		Oid			types[1] = {TEXTOID};
		Datum		values[1] = {CStringGetTextDatum(psprintf(UINT64_FORMAT, xid))};
		int			rc;

		/* the caller's own query: only pg_catalog, every name qualified */
		rc = SPI_execute_with_args("SELECT pg_catalog.quote_ident(n.nspname) OPERATOR(pg_catalog.||) '.'"
								   " OPERATOR(pg_catalog.||) pg_catalog.quote_ident(c.relname)"
								   " FROM pg_catalog.pg_index i"
								   " JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.indexrelid"
								   " JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace"
								   " WHERE NOT i.indisvalid"
								   " AND c.xmin OPERATOR(pg_catalog.=) pg_catalog.xid($1::pg_catalog.xid8)"
								   " ORDER BY c.oid",
								   1, types, values, NULL, true, 0);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "could not look for invalid indexes: %s",
				 SPI_result_code_string(rc));
		for (uint64 r = 0; r < SPI_processed; r++)
		{
			MemoryContext old = MemoryContextSwitchTo(cxt);

			names = lappend(names, SPI_getvalue(SPI_tuptable->vals[r],
												SPI_tuptable->tupdesc, 1));
			MemoryContextSwitchTo(old);
		}
	}
	end_work();
	MemoryContextSwitchTo(cxt);

	foreach(lc, names)
	{
		char	   *sql = psprintf("DROP INDEX CONCURRENTLY IF EXISTS %s",
								   (char *) lfirst(lc));

		ereport(LOG,
				(errmsg("migrate worker: dropping invalid index %s, which an earlier attempt of revision \"%s\" left",
						(char *) lfirst(lc), wr->id)));
		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		MemoryContextSwitchTo(cxt);
		pgstat_report_activity(STATE_RUNNING, sql);
		debug_query_string = sql;
		session_script_begin(wr->id);
		run_toplevel(sql, NULL);
		session_script_end();
		debug_query_string = NULL;
		CommitTransactionCommand();
		MemoryContextSwitchTo(cxt);
		pgstat_report_activity(STATE_IDLE, NULL);
		pfree(sql);
	}
	list_free_deep(names);
}

/* The last step is done: the revision's bookkeeping, in its transaction */
static void
finish_revision(WorkerRun *wr)
{
	TimestampTz now = GetCurrentTimestamp();
	Interval   *duration = migrate_interval_usec(now - wr->started);

	if (wr->upgrade)
		catalog_mark_applied(wr->id, wr->role, wr->started, duration);
	else
		catalog_unmark_applied(wr->id);
	catalog_log_history(wr->id, wr->upgrade ? "upgrade" : "downgrade", wr->role,
						wr->started, duration, wr->checksum, NULL);
	catalog_forget_steps(wr->id, wr->upgrade, false);
	migrate_save_snapshot();
}

/*
 * A DETACH PARTITION ... CONCURRENTLY interrupted after its first
 * transaction leaves the partition "pending detach", and running it again
 * fails; what finishes it is ALTER TABLE ... DETACH PARTITION ... FINALIZE.
 * If raw is such a statement and its partition is pending detach, returns
 * the FINALIZE form of it (a copy), else raw.  Runs in a transaction.
 */
static RawStmt *
finalize_detach(RawStmt *raw)
{
	AlterTableStmt *ats;
	AlterTableCmd *cmd;
	PartitionCmd *pc;
	Oid			types[1] = {TEXTOID};
	Datum		values[1];
	bool		pending = false;
	RawStmt    *copy;

	if (!IsA(raw->stmt, AlterTableStmt))
		return raw;
	ats = (AlterTableStmt *) raw->stmt;
	if (list_length(ats->cmds) != 1)
		return raw;
	cmd = linitial_node(AlterTableCmd, ats->cmds);
	if (cmd->subtype != AT_DetachPartition || !((PartitionCmd *) cmd->def)->concurrent)
		return raw;
	pc = (PartitionCmd *) cmd->def;
	values[0] = CStringGetTextDatum(quote_qualified_identifier(pc->name->schemaname,
															   pc->name->relname));
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	/* the caller's own query: only pg_catalog, every name qualified */
	if (SPI_execute_with_args("SELECT i.inhdetachpending FROM pg_catalog.pg_inherits i"
							  " WHERE i.inhrelid OPERATOR(pg_catalog.=) pg_catalog.to_regclass($1)",
							  1, types, values, NULL, true, 1) == SPI_OK_SELECT &&
		SPI_processed == 1)
	{
		bool		isnull;

		pending = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
											 SPI_tuptable->tupdesc, 1, &isnull));
	}
	SPI_finish();
	PopActiveSnapshot();
	if (!pending)
		return raw;
	ereport(LOG,
			(errmsg("migrate worker: partition %s is pending detach from an interrupted attempt: finalizing the detach",
					quote_qualified_identifier(pc->name->schemaname, pc->name->relname))));
	copy = copyObject(raw);
	cmd = linitial_node(AlterTableCmd, ((AlterTableStmt *) copy->stmt)->cmds);
	cmd->subtype = AT_DetachPartitionFinalize;
	((PartitionCmd *) cmd->def)->concurrent = false;
	return copy;
}

/*
 * Whether the statement builds an index concurrently, the one kind that can
 * leave an INVALID index behind, and so the one whose XID is recorded.
 * (Others refuse to run in a transaction that has an XID already: DROP
 * INDEX CONCURRENTLY must be the first action of its transaction.)
 */
static bool
creates_index(RawStmt *raw)
{
	if (IsA(raw->stmt, IndexStmt))
		return ((IndexStmt *) raw->stmt)->concurrent;
	return IsA(raw->stmt, ReindexStmt);
}

/*
 * Run one step: T1 marks it running, T2 runs it (see the header comment).
 * Returns false when it failed, with its failure recorded (and in the
 * history) and what it left behind dropped.
 */
static bool
run_step(WorkerRun *wr, StepRow *st, RawStmt *raw, bool last)
{
	MemoryContext cxt = CurrentMemoryContext;
	ErrorData  *volatile edata = NULL;
	RawStmt    *volatile torun = raw;
	TimestampTz started;

	begin_work();
	catalog_step_running(wr->id, wr->upgrade, st->step);
	end_work();
	started = GetCurrentTimestamp();
	if (wr->started == 0)
		wr->started = started;

	pgstat_report_activity(STATE_RUNNING, st->statement);
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PG_TRY();
	{
		if (creates_index(raw))
		{
			SPI_connect();
			PushActiveSnapshot(GetTransactionSnapshot());
			catalog_step_xid(wr->id, wr->upgrade, st->step);
			SPI_finish();
			PopActiveSnapshot();
		}

		MemoryContextSwitchTo(cxt);
		if (st->attempts > 0)
			torun = finalize_detach(raw);
		debug_query_string = st->statement;
		session_script_begin(wr->id);
		run_toplevel(st->statement, torun);
		session_script_end();
		debug_query_string = NULL;

		/* the transaction the statement ended in */
		SPI_connect();
		PushActiveSnapshot(GetTransactionSnapshot());
		catalog_step_done(wr->id, wr->upgrade, st->step);
		if (last)
			finish_revision(wr);
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
		MemoryContextSwitchTo(cxt);
	}
	PG_CATCH();
	{
		session_script_end();
		debug_query_string = NULL;
		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		EmitErrorReport();
		FlushErrorState();
		AbortCurrentTransaction();
		MemoryContextSwitchTo(cxt);
	}
	PG_END_TRY();
	pgstat_report_activity(STATE_IDLE, NULL);
	if (edata == NULL)
		return true;

	/* the failure, and its row in the history, as a push's failure has */
	begin_work();
	{
		HistoryFailure hf;
		StepRow    *now = NULL;
		ListCell   *lc;

		catalog_step_failed(wr->id, wr->upgrade, st->step,
							unpack_sql_state(edata->sqlerrcode),
							edata->message, edata->detail);
		hf.message = edata->message;
		hf.sqlstate = unpack_sql_state(edata->sqlerrcode);
		hf.statement = st->step;
		hf.line = st->line;
		catalog_log_history(wr->id, "failure", wr->role, started,
							migrate_interval_usec(GetCurrentTimestamp() - started),
							wr->checksum, &hf);
		/* the XID, if the statement got as far as committing a phase */
		foreach(lc, catalog_get_steps(wr->id, wr->upgrade))
			if (((StepRow *) lfirst(lc))->step == st->step)
				now = lfirst(lc);
		MemoryContextSwitchTo(cxt);
		st->xid = now ? now->xid : 0;
	}
	end_work();
	MemoryContextSwitchTo(cxt);
	drop_leftovers(wr, st->xid);
	return false;
}

/*
 * The worker's entry point (bgw_function_name).  Runs the steps of one
 * revision in one direction that are not done, in order, and exits.
 */
void
migrate_step_worker_main(Datum main_arg)
{
	WorkerArgs	args;
	MemoryContext cxt;
	WorkerRun  *wr;
	List	   *steps;
	List	   *raws = NIL;
	LOCKTAG		tag;
	ListCell   *lc;
	int			last_undone = 0;
	RevisionRow *row;
	bool		runnable;

	memcpy(&args, MyBgworkerEntry->bgw_extra, sizeof(args));
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnectionByOid(args.dboid, args.session_user, 0);

	cxt = AllocSetContextCreate(TopMemoryContext, "migrate worker",
								ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(cxt);
	wr = palloc0(sizeof(WorkerRun));
	wr->upgrade = args.upgrade;

	/*
	 * One worker at a time: a second one waits here until the first is gone,
	 * then finds its revision done (or not) like anyone else.
	 */
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	if (args.current_user != args.session_user)
		SetCurrentRoleId(args.current_user, superuser_arg(args.current_user));
	worker_lock_tag(&tag);
	(void) LockAcquire(&tag, ExclusiveLock, true, false);
	SetConfigOption("application_name", "migrate worker", PGC_USERSET,
					PGC_S_SESSION);
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	catalog_lock();
	row = catalog_get_revision(args.revision);
	runnable = row != NULL && !row->transactional &&
		(args.upgrade ?
		 !row->applied && catalog_parents_applied(row->id) :
		 row->applied && !catalog_children_applied(row->id));
	MemoryContextSwitchTo(cxt);
	steps = runnable ? catalog_get_steps(args.revision, args.upgrade) : NIL;
	if (runnable)
	{
		wr->id = pstrdup(row->id);
		wr->message = pstrdup(row->message);
		wr->checksum = pstrdup(row->checksum);
		wr->role = pstrdup(migrate_current_role());
	}
	MemoryContextSwitchTo(cxt);
	end_work();
	MemoryContextSwitchTo(cxt);
	if (steps == NIL)
	{
		ereport(LOG,
				(errmsg("migrate worker: revision \"%s\" has nothing to %s",
						args.revision, args.upgrade ? "apply" : "revert")));
		proc_exit(0);
	}

	/*
	 * The session as the deployer had it: the search_path recorded in the
	 * steps.  A SET step holds for the steps after it, as in a script; a
	 * resumed run runs the SET steps done before again, since they changed
	 * only the session of a worker now gone.
	 */
	SetConfigOption("search_path", ((StepRow *) llast(steps))->search_path,
					PGC_USERSET, PGC_S_SESSION);
	foreach(lc, steps)
	{
		StepRow    *st = lfirst(lc);
		List	   *parsed;

		StartTransactionCommand();
		MemoryContextSwitchTo(cxt);
		parsed = pg_parse_query(st->statement);
		CommitTransactionCommand();
		MemoryContextSwitchTo(cxt);
		if (list_length(parsed) != 1)
			elog(ERROR, "step %d of revision \"%s\" is not one statement",
					st->step, wr->id);
		raws = lappend(raws, linitial(parsed));
		if (strcmp(st->state, "done") != 0)
			last_undone = foreach_current_index(lc);
		else if (wr->started == 0 || (st->started_at != 0 && st->started_at < wr->started))
			wr->started = st->started_at;
	}

	foreach(lc, steps)
	{
		StepRow    *st = lfirst(lc);
		RawStmt    *raw = list_nth(raws, foreach_current_index(lc));

		if (strcmp(st->state, "done") == 0)
		{
			if (IsA(raw->stmt, VariableSetStmt))
			{
				SetCurrentStatementStartTimestamp();
				StartTransactionCommand();
				MemoryContextSwitchTo(cxt);
				run_toplevel(st->statement, raw);
				CommitTransactionCommand();
				MemoryContextSwitchTo(cxt);
			}
			continue;
		}
		/* what an interrupted or failed attempt left goes first */
		drop_leftovers(wr, st->xid);
		if (!run_step(wr, st, raw, foreach_current_index(lc) == last_undone))
			proc_exit(0);
	}
	proc_exit(0);
}

/* ----------------------------------------------------------------
 * Starting the worker and waiting for it (a deploy, in a procedure)
 * ----------------------------------------------------------------
 */

/* The first line of a statement, cut short, for a message */
static char *
statement_head(const char *sql)
{
	int			len = strcspn(sql, "\n");

	if (len > 60)
		return psprintf("%.*s...", pg_mbcliplen(sql, len, 57), sql);
	return pnstrdup(sql, len);
}

/* How far the build in process pid is, as a phrase; NULL if it is not one */
static char *
build_progress(int pid)
{
	Oid			types[1] = {INT4OID};
	Datum		values[1] = {Int32GetDatum(pid)};
	char	   *result = NULL;

	/* the caller's own query: only pg_catalog, every name qualified */
	if (SPI_execute_with_args("SELECT p.phase,"
							  " CASE WHEN p.blocks_total OPERATOR(pg_catalog.>) 0 THEN"
							  "  pg_catalog.format(', %s of %s blocks', p.blocks_done, p.blocks_total)"
							  " WHEN p.tuples_total OPERATOR(pg_catalog.>) 0 THEN"
							  "  pg_catalog.format(', %s of %s tuples', p.tuples_done, p.tuples_total)"
							  " WHEN p.lockers_total OPERATOR(pg_catalog.>) 0 THEN"
							  "  pg_catalog.format(', %s of %s transactions, now process %s',"
							  "   p.lockers_done, p.lockers_total, p.current_locker_pid)"
							  " ELSE '' END"
							  " FROM pg_catalog.pg_stat_progress_create_index p"
							  " WHERE p.pid OPERATOR(pg_catalog.=) $1",
							  1, types, values, NULL, true, 1) == SPI_OK_SELECT &&
		SPI_processed == 1)
		result = psprintf("%s%s",
						  SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1),
						  SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2));
	return result;
}

/* What a deploy has told of a run so far */
typedef struct Watch
{
	const char *id;
	bool		upgrade;
	int			told_done;		/* steps told done, in order */
	int			step;			/* the running step last seen */
	char	   *phase;			/* its progress last told */
	TimestampTz told_at;
} Watch;

/*
 * Tell what happened since the last poll: each step done, in order, and
 * the progress of a step that runs long (a build's phase from
 * pg_stat_progress_create_index).  Returns the steps.
 */
static List *
report(Watch *w)
{
	List	   *steps = catalog_get_steps(w->id, w->upgrade);
	int			n = list_length(steps);
	int			k = 0;
	TimestampTz now = GetCurrentTimestamp();
	ListCell   *lc;

	foreach(lc, steps)
	{
		StepRow    *st = lfirst(lc);

		k++;
		if (strcmp(st->state, "done") == 0)
		{
			if (k > w->told_done)
			{
				ereport(NOTICE,
						(errcode(ERRCODE_SUCCESSFUL_COMPLETION),
						 errmsg("step %d of %d of revision \"%s\" done: %s",
								k, n, w->id, statement_head(st->statement)),
						 errdetail("Took %.3f ms.",
								   (st->finished_at - st->started_at) / 1000.0)));
				w->told_done = k;
			}
			continue;
		}
		if (strcmp(st->state, "running") == 0 && st->backend_pid != 0 &&
			TimestampDifferenceExceeds(st->started_at, now, PROGRESS_AFTER_MS))
		{
			char	   *phase = build_progress(st->backend_pid);

			if (phase == NULL)
				phase = "running";
			if (w->step != k || w->phase == NULL ||
				strcmp(phase, w->phase) != 0 ||
				TimestampDifferenceExceeds(w->told_at, now, PROGRESS_EVERY_MS))
			{
				ereport(NOTICE,
						(errcode(ERRCODE_SUCCESSFUL_COMPLETION),
						 errmsg("step %d of %d of revision \"%s\": %s",
								k, n, w->id, phase),
						 errdetail("%s, in the background worker (process %d), for %ld s so far.",
								   statement_head(st->statement), st->backend_pid,
								   (long) ((now - st->started_at) / USECS_PER_SEC))));
				w->step = k;
				w->phase = pstrdup(phase);
				w->told_at = now;
			}
		}
		break;
	}
	return steps;
}

/* How many of the steps are done */
static int
count_done(List *steps)
{
	ListCell   *lc;
	int			n = 0;

	foreach(lc, steps)
		n += strcmp(((StepRow *) lfirst(lc))->state, "done") == 0;
	return n;
}

/*
 * Wait, committing after every poll, until the worker is gone: the one the
 * handle names, or (no handle) whichever lives.  w: what to report.
 */
static void
wait_for_worker(BackgroundWorkerHandle *handle, Watch *w)
{
	MemoryContext cxt = CurrentMemoryContext;
	MemoryContext pollcxt = AllocSetContextCreate(cxt, "migrate poll",
												  ALLOCSET_SMALL_SIZES);

	for (;;)
	{
		bool		alive;
		pid_t		pid;

		MemoryContextSwitchTo(pollcxt);
		if (handle)
			alive = GetBackgroundWorkerPid(handle, &pid) != BGWH_STOPPED;
		else
			alive = worker_is_running();
		if (w->id)
			(void) report(w);
		MemoryContextSwitchTo(cxt);
		SPI_commit();
		if (!alive)
			break;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 200L, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
		if (w->phase)
			w->phase = MemoryContextStrdup(cxt, w->phase);
		MemoryContextReset(pollcxt);
	}
	MemoryContextDelete(pollcxt);
}

/*
 * A deploy begins: if a worker lives, wait for it (wait) or say so and
 * return false (the deploy ends there).  Called holding the migration
 * lock, in a procedure; commits when it waits.
 */
bool
worker_wait_idle(bool wait)
{
	Watch		w = {0};
	bool		upgrade = true;

	if (!worker_is_running())
		return true;
	w.id = running_revision(&upgrade);
	w.upgrade = upgrade;
	if (!wait)
	{
		ereport(NOTICE,
				(errcode(ERRCODE_SUCCESSFUL_COMPLETION),
				 errmsg("a background worker is still %s revision \"%s\"",
						upgrade ? "applying" : "reverting", w.id ? w.id : "?"),
				 errhint("CALL migrate_deploy() waits for it and goes on; SELECT * FROM migrate_steps() shows how far it is.")));
		return false;
	}
	ereport(NOTICE,
			(errcode(ERRCODE_SUCCESSFUL_COMPLETION),
			 errmsg("waiting for the background worker %s revision \"%s\"",
					upgrade ? "applying" : "reverting", w.id ? w.id : "?")));
	if (w.id)
		w.told_done = count_done(catalog_get_steps(w.id, upgrade));
	wait_for_worker(NULL, &w);
	return true;
}

/* Make (or resume) the steps of the run, under the migration lock */
static int
prepare_steps(RevisionRow *row, bool upgrade, const char *role)
{
	List	   *existing = catalog_get_steps(row->id, upgrade);
	const char *search_path = GetConfigOption("search_path", false, false);
	bool		any_done = false;
	bool		all_done = existing != NIL;
	bool		same = true;
	MigrateScript *script;
	List	   *steps = NIL;
	ListCell   *lc;

	foreach(lc, existing)
	{
		StepRow    *st = lfirst(lc);

		any_done |= strcmp(st->state, "done") == 0;
		all_done &= strcmp(st->state, "done") == 0;
		same &= strcmp(st->checksum, row->checksum) == 0;
	}
	if (existing != NIL && !all_done && same)
	{
		catalog_resume_steps(row->id, upgrade, search_path, role);
		return list_length(existing);
	}
	if (any_done && !all_done)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("revision \"%s\" changed after some of its steps were done", row->id),
				 errdetail("Its %s script was registered again with other statements; the steps done ran the old ones.",
						   upgrade ? "up" : "down"),
				 errhint("Finish the revision by hand and mark it with migrate_stamp(), or register the script it was.")));

	script = script_parse_mode(upgrade ? row->up_sql : row->down_sql,
							   upgrade ? "up" : "down", false);
	for (int i = 0; i < script->nstmts; i++)
	{
		MigrateStmt *ms = &script->stmts[i];
		StepRow    *st = palloc0(sizeof(StepRow));
		int			len = ms->len;

		while (len > 0 && isspace((unsigned char) script->text[ms->offset + len - 1]))
			len--;
		st->step = ms->number;
		st->line = ms->line;
		st->statement = pnstrdup(script->text + ms->offset, len);
		steps = lappend(steps, st);
	}
	if (steps == NIL)
		return 0;
	catalog_make_steps(row->id, upgrade, steps, row->checksum, search_path, role);
	return list_length(steps);
}

static BackgroundWorkerHandle *
launch(const char *id, bool upgrade)
{
	BackgroundWorker bgw = {0};
	WorkerArgs	args = {0};
	BackgroundWorkerHandle *handle;

	args.dboid = MyDatabaseId;
	args.session_user = GetSessionUserId();
	args.current_user = GetUserId();
	args.upgrade = upgrade;
	strlcpy(args.revision, id, sizeof(args.revision));

	bgw.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	bgw.bgw_start_time = BgWorkerStart_RecoveryFinished;
	bgw.bgw_restart_time = BGW_NEVER_RESTART;
	strlcpy(bgw.bgw_library_name, "migrate", BGW_MAXLEN);
	strlcpy(bgw.bgw_function_name, "migrate_step_worker_main", BGW_MAXLEN);
	snprintf(bgw.bgw_name, BGW_MAXLEN, "migrate worker for revision %s", id);
	strlcpy(bgw.bgw_type, "migrate worker", BGW_MAXLEN);
	bgw.bgw_notify_pid = MyProcPid;
	memcpy(bgw.bgw_extra, &args, sizeof(args));

	if (!RegisterDynamicBackgroundWorker(&bgw, &handle))
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("could not start a background worker to %s revision \"%s\"",
						upgrade ? "apply" : "revert", id),
				 errdetail("Every background worker slot is taken (max_worker_processes is %d).",
						   max_worker_processes),
				 errhint("Raise max_worker_processes, or wait for other workers to end and call migrate_deploy() again.")));
	return handle;
}

/*
 * Run a non-transactional revision's steps in a worker, for a deploy that
 * holds the migration lock and has checked that the revision is next: make
 * its steps, start the worker, commit, and (wait) wait for it, telling its
 * progress.  Returns true when the revision is done, false when the deploy
 * is not to wait (the worker goes on).  A failed step is raised as the
 * deploy's error; it is already in the history.
 */
bool
worker_run_revision(RevisionRow *row, bool upgrade, bool wait, const char *role)
{
	MemoryContext cxt = CurrentMemoryContext;
	Watch		w = {0};
	char	   *id = pstrdup(row->id);
	char	   *message = pstrdup(row->message);
	int			nsteps;
	TimestampTz launched = 0;
	List	   *steps;
	int			launches = 0;

	w.id = id;
	w.upgrade = upgrade;
	nsteps = prepare_steps(row, upgrade, role);
	if (nsteps == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("revision \"%s\" has no statement to run", id)));

	for (;;)
	{
		BackgroundWorkerHandle *handle;
		pid_t		pid = 0;
		StepRow    *failed = NULL;
		bool		all_done = true;
		ListCell   *lc;

		launched = GetCurrentTimestamp();
		handle = launch(id, upgrade);
		launches++;
		SPI_commit();			/* the worker waits for the migration lock */
		MemoryContextSwitchTo(cxt);
		(void) WaitForBackgroundWorkerStartup(handle, &pid);
		if (launches == 1)
			ereport(NOTICE,
					(errcode(ERRCODE_SUCCESSFUL_COMPLETION),
					 errmsg("%s revision \"%s\" (%s) in a background worker: %d %s",
							upgrade ? "applying" : "reverting", id, message,
							nsteps, nsteps == 1 ? "step" : "steps"),
					 errdetail("The worker (process %d) runs each statement in a transaction of its own, and goes on if this session ends.",
							   (int) pid),
					 errhint("SELECT * FROM migrate_steps('%s') shows how far it is.", id)));
		if (!wait)
			return false;

		w.told_done = count_done(catalog_get_steps(id, upgrade));
		MemoryContextSwitchTo(cxt);
		wait_for_worker(handle, &w);
		MemoryContextSwitchTo(cxt);

		steps = report(&w);
		MemoryContextSwitchTo(cxt);
		foreach(lc, steps)
		{
			StepRow    *st = lfirst(lc);

			if (strcmp(st->state, "done") != 0)
				all_done = false;
			if (strcmp(st->state, "failed") == 0 && st->finished_at >= launched)
				failed = st;
		}
		if (steps == NIL || all_done)
			break;				/* done: the worker recorded it */
		if (failed)
			ereport(ERROR,
					(errcode(MAKE_SQLSTATE(failed->sqlstate[0], failed->sqlstate[1],
										   failed->sqlstate[2], failed->sqlstate[3],
										   failed->sqlstate[4])),
					 errmsg("%s", failed->error),
					 failed->detail ? errdetail("%s", failed->detail) : 0,
					 upgrade ?
					 errhint("Fix the cause and call migrate_deploy() again: the step runs again, after an INVALID index its attempt left behind is dropped.") :
					 errhint("Fix the cause and call migrate_deploy_downgrade() again: the step runs again."),
					 errcontext("while %s revision \"%s\" (%s), step %d at line %d, in a background worker",
								upgrade ? "applying" : "reverting", id, message,
								failed->step, failed->line)));
		if (launches >= MAX_LAUNCHES)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("the background worker for revision \"%s\" ended before its steps were done", id),
					 errdetail("It was started %d times.", launches),
					 errhint("The server log says why. CALL migrate_deploy() again resumes the revision at its first step not done.")));
		/* gone without a word (terminated, or it lost a race): again */
		catalog_lock();
		row = catalog_get_revision(id);
		if (row == NULL || row->applied == upgrade)
			break;
	}
	migration_progress(id, message, upgrade,
					   GetCurrentTimestamp() - launched);
	return true;
}
