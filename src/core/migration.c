/*-------------------------------------------------------------------------
 *
 * migration.c
 *	  Running revisions: one script as a push runs it, a plan of them with
 *	  its bookkeeping, a push or a downgrade to a target.
 *
 * A push runs inside the caller's transaction, so it is atomic: all of it
 * or none of it.  Before reading the catalog it takes the migration lock
 * (catalog_lock(): SHARE UPDATE EXCLUSIVE on migrate.applied, to the end of the
 * transaction), so a second pusher waits, then reads the catalog afresh and
 * finds nothing left to do.  That only works when each statement takes a new
 * snapshot, so the changing functions insist on READ COMMITTED
 * (migrate_check_can_change()).
 *
 * Each revision runs in its own GUC nest level, which is closed with
 * "abort" semantics even when the revision succeeds: a SET search_path, SET
 * ROLE or any SET inside a script never outlives the script.  A deploy,
 * which goes on to commit after a failure, also runs each revision in its
 * own subtransaction (migration_try_script); a push needs none, as any
 * error ends its transaction.  Statements run one at a time through the
 * runner, with the caller's rights and search_path; an error gets a context
 * line that names the revision, the statement and its line.  The catalog
 * bookkeeping runs as the extension owner after the script, outside its GUC
 * level; a push keeps its rows in memory and writes them with one statement
 * per table at its end.
 *
 * While a script runs, the session says so (session_script_begin): nested
 * calls of the changing functions are refused, and the DDL log attributes
 * statements to the revision.
 *
 * src/core/migration.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"

#include "base/session.h"
#include "base/util.h"
#include "catalog/catalog.h"
#include "core/locksafe.h"
#include "core/migration.h"
#include "core/script.h"
#include "core/snapshot.h"

/* Where the last script that failed in a push failed: for lock retries */
static MigrationFailure last_failure;
static const char *last_failed_id;
static const char *running_checksum;	/* of the revision apply_one runs */

/* What the error context says while a script runs */
typedef struct RunState
{
	const char *verb;			/* "applying" or "reverting" */
	const char *id;
	const char *message;
	ScriptRun	run;
} RunState;

/*
 * Add "while applying revision ..., statement N at line L" to an error
 * raised by a script.
 */
static void
add_script_context(ErrorData *edata, RunState *rs)
{
	char	   *ctx;

	if (rs->run.stmt == NULL)
		return;
	ctx = psprintf("while %s revision \"%s\" (%s), statement %d at line %d",
				   rs->verb, rs->id, rs->message, rs->run.stmt->number,
				   runner_error_line(&rs->run, edata));
	edata->context = edata->context ? psprintf("%s\n%s", edata->context, ctx) : ctx;
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
		   const char *verb, MigrationFailure *failure,
		   runner_observe_fn observe, void *observe_arg)
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
	rs->run.script = script;
	rs->run.observe = observe;
	rs->run.observe_arg = observe_arg;

	INSTR_TIME_SET_CURRENT(start);
	nestlevel = NewGUCNestLevel();
	/* migrate.lock_timeout, in this level: it goes with the script */
	locksafe_script_begin();
	if (subxact)
	{
		BeginInternalSubTransaction(NULL);
		MemoryContextSwitchTo(oldcontext);
	}

	PG_TRY();
	{
		session_script_begin(id);
		runner_run(&rs->run);
		session_script_end();
		locksafe_script_end();
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

		session_script_end();
		locksafe_script_end();
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
			last_failed_id = id;
			last_failure.edata = edata;
			last_failure.statement = rs->run.stmt ? rs->run.stmt->number : 0;
			last_failure.line = rs->run.stmt ? runner_error_line(&rs->run, edata) : 0;

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
		failure->statement = rs->run.stmt ? rs->run.stmt->number : 0;
		failure->line = rs->run.stmt ? runner_error_line(&rs->run, edata) : 0;
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

/*
 * Run one revision's script as a push does (its own GUC level, the error
 * context, "inside a migration"); errors are thrown.  Returns the time it
 * took in microseconds.
 */
int64
migration_run_script(const char *id, const char *message, MigrateScript *script,
					 bool upgrade)
{
	return run_script(id, message, script, upgrade ? "applying" : "reverting",
					  NULL, NULL, NULL);
}

/*
 * Apply one revision's script exactly as a push does, telling observe
 * about each statement before and after it runs (the dry run measures
 * with it); errors are thrown.
 */
void
migration_observe_script(const char *id, const char *message,
						 MigrateScript *script, runner_observe_fn observe,
						 void *arg)
{
	(void) run_script(id, message, script, "applying", NULL, observe, arg);
}

/*
 * The same in a subtransaction: on error it is rolled back, *failure says
 * what failed and where, and -1 is returned, so that the caller can record
 * it (and commit) before throwing it.
 */
int64
migration_try_script(const char *id, const char *message, MigrateScript *script,
					 bool upgrade, MigrationFailure *failure)
{
	return run_script(id, message, script, upgrade ? "applying" : "reverting",
					  failure, NULL, NULL);
}

void
migration_progress(const char *id, const char *message, bool upgrade, int64 usec)
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

	running_checksum = row->checksum;
	/* its own lock settings, if it has any; kept for a retry after it */
	locksafe_use_revision(row->lock_timeout, row->lock_retries);
	usec = run_script(node->id, node->message, script,
					  upgrade ? "applying" : "reverting", NULL, NULL, NULL);
	duration = migrate_interval_usec(usec);
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
migration_check_reversible(RevGraph *g, List *plan)
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

/*
 * A non-transactional revision on the way stops a push, a downgrade, a
 * reset or a verify before anything runs: its statements must run one at a
 * time at top level, which none of these can do inside the one transaction
 * they run in.  A deploy runs them (core/worker.c), and the hint says so.
 * how names the caller, as the message shows it ("migrate_push()").
 */
void
migration_check_transactional(RevGraph *g, List *plan, bool upgrade,
							  const char *how)
{
	ListCell   *lc;

	foreach(lc, plan)
	{
		RevNode    *node = &g->nodes[lfirst_int(lc)];

		if (node->transactional)
			continue;
		ereport(ERROR,
				(errcode(ERRCODE_ACTIVE_SQL_TRANSACTION),
				 errmsg("%s cannot %s non-transactional revision \"%s\" (%s)",
						how, upgrade ? "apply" : "undo", node->id, node->message),
				 errdetail("Its statements must run one at a time outside a transaction block, and %s runs every revision inside one. Nothing was run.",
						   how),
				 strcmp(how, "migrate_verify()") == 0 ?
				 errhint("Verify up to the revision before it.") :
				 upgrade ?
				 errhint("Run CALL migrate_deploy() (or pg_migrate push), which applies it in a background worker, one statement at a time.") :
				 errhint("Run CALL migrate_deploy_downgrade() (or pg_migrate downgrade), which undoes it in a background worker, one statement at a time.")));
	}
}

/* What a stopped push, downgrade or deploy left, for a hint */
static const char *
left_behind(bool whole, bool upgrade)
{
	if (whole)
		return upgrade ? "Nothing of the push was applied." :
			"Nothing of the downgrade was run.";
	return upgrade ?
		"The revisions before it are applied; CALL migrate_deploy() again goes on from here." :
		"The revisions after it are reverted; CALL migrate_deploy_downgrade() again goes on from here.";
}

/* Who holds the lock, for a detail: the sessions, or why they are not named */
static char *
holders_detail(const LockWaitReport *r)
{
	if (r->blockers)
		return psprintf("Held by:\n%s", r->blockers);
	if (r->unread)
		return psprintf("Held by %d session%s; blockers could not be read: %s.",
						r->nblockers, r->nblockers == 1 ? "" : "s", r->unread);
	return pstrdup("No session holds it now.");
}

/*
 * migration_lock_retry's work, once the error is known to be a lock
 * timeout: the report, then a retry (true) or the error rewritten (false).
 */
static bool
lock_retry(ErrorData *edata, const char *id, int statement, int line,
		   int attempt, const char *role, const char *checksum,
		   TimestampTz started, bool whole, bool upgrade)
{
	const char *whole_name = upgrade ? "the push" : "the downgrade";
	LockWaitReport *r;
	int			retries = locksafe_retries();
	int			timeout = locksafe_timeout();
	char	   *where;
	char	   *lock;

	r = locksafe_report();
	lock = r->lock ? r->lock : "a lock";
	where = statement > 0 ?
		psprintf("statement %d at line %d", statement, line) :
		pstrdup("its bookkeeping");

	/*
	 * The holder waits for a lock we hold: a wait cycle, which no attempt
	 * can get out of while we keep that lock, so stop now rather than after
	 * every retry.  40P01, not 55P03: it is the cycle the server's deadlock
	 * detector reports as 40P01, which it did not see only because
	 * migrate.lock_timeout ended our wait before deadlock_timeout; and like
	 * the server's victim we roll back, so the other session goes on, and
	 * the same call later can succeed, which is what a client that retries
	 * 40P01 expects.  (55P03 says "the lock was busy", which waiting longer
	 * would not cure here.)
	 */
	if (r->cycle_pid != 0)
	{
		edata->sqlerrcode = ERRCODE_T_R_DEADLOCK_DETECTED;
		edata->message = psprintf("revision \"%s\" and a session holding %s wait for each other",
								  id, lock);
		edata->detail = psprintf("Its %s waited %d ms for it. That session waits for %s, which this session holds, so another attempt could only wait again:\n%s",
								 where, timeout, r->cycle_wait, r->cycle_holder);
		edata->hint = psprintf("%s Process %d goes on once this call has ended; run it again when that transaction is over.",
							   left_behind(whole, upgrade), r->cycle_pid);
		return false;
	}

	if (attempt <= retries)
	{
		int			ms = locksafe_backoff_ms(attempt);
		HistoryFailure hf;

		ereport(NOTICE,
				(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
				 errmsg("revision \"%s\", %s, waited %d ms for %s: %s rolled back, next attempt in %d ms (%d of %d)",
						id, where, timeout, lock,
						whole ? whole_name : "the revision",
						ms, attempt + 1, retries + 1),
				 errdetail("%s", holders_detail(r))));
		if (r->brief)
			hf.message = psprintf("waited %d ms for %s; held by %s", timeout,
								  lock, r->brief);
		else if (r->unread)
			hf.message = psprintf("waited %d ms for %s; held by %d session%s (blockers could not be read: %s)",
								  timeout, lock, r->nblockers,
								  r->nblockers == 1 ? "" : "s", r->unread);
		else
			hf.message = psprintf("waited %d ms for %s", timeout, lock);
		hf.sqlstate = unpack_sql_state(edata->sqlerrcode);
		hf.statement = statement;
		hf.line = line;
		catalog_log_history(id, "retry", role, started,
							migrate_interval_usec(GetCurrentTimestamp() - started),
							checksum, &hf);
		locksafe_sleep(ms);
		return true;
	}

	edata->message = retries == 0 ?
		psprintf("revision \"%s\" could not get %s", id, lock) :
		psprintf("revision \"%s\" could not get %s in %d attempts",
				 id, lock, retries + 1);
	edata->detail = psprintf("Its %s waited %d ms%s. %s", where, timeout,
							 retries == 0 ? "" : " each time",
							 holders_detail(r));
	edata->hint = psprintf("%s End the blocking transactions (pg_terminate_backend(pid)) or try again when they are over; migrate.lock_timeout and migrate.lock_retries set each wait and the number of attempts.",
						   left_behind(whole, upgrade));
	return false;
}

/* lock_retry's arguments and result, through migrate_try_subxact */
typedef struct LockRetryCall
{
	ErrorData  *edata;
	const char *id;
	int			statement;
	int			line;
	int			attempt;
	const char *role;
	const char *checksum;
	TimestampTz started;
	bool		upgrade;
	bool		again;			/* out */
} LockRetryCall;

static void
lock_retry_call(void *arg)
{
	LockRetryCall *c = arg;

	c->again = lock_retry(c->edata, c->id, c->statement, c->line, c->attempt,
						  c->role, c->checksum, c->started, false, c->upgrade);
}

/*
 * lock_retry for one revision of a deploy, in a subtransaction: whatever
 * stops the retry itself (a cancel during the blocker read or the pause,
 * from pg_cancel_backend() or statement_timeout, or a failure to write the
 * retry row) replaces *edata and returns false, so that the deploy records
 * it as the revision's failure, commits, and throws it: the call still
 * ends with that error, as when the cancel lands in the script itself,
 * and the history keeps the revision's retries and how they ended.
 */
static bool
lock_retry_guarded(ErrorData *edata, const char *id, int statement, int line,
				   int attempt, const char *role, const char *checksum,
				   TimestampTz started, bool upgrade)
{
	LockRetryCall call = {edata, id, statement, line, attempt, role,
	checksum, started, upgrade, false};
	ErrorData  *stop = migrate_try_subxact(lock_retry_call, &call);

	if (stop == NULL)
		return call.again;
	*edata = *stop;
	return false;
}

/*
 * A revision's statement gave up on a lock (SQLSTATE 55P03) while
 * migrate.lock_timeout was set: say so, and decide.  The work that waited
 * is rolled back already, so that its locks are released while we pause.
 * attempt counts from 1.  If another attempt is due: a NOTICE naming the
 * lock and who holds it, a "retry" row in the history, the pause, and true.
 * Else (or for any other error) false; a lock timeout's edata is then
 * rewritten to name the revision, the statement, the lock and its holders,
 * for the caller to throw; when a holder waits for this session, at once
 * (40P01, lock_retry).  whole: the attempt was a whole push or
 * downgrade (all of it rolled back), else one revision of a deploy;
 * upgrade: which way it ran.  The history row names the holders without
 * their states or queries: every deployer reads the history, and another
 * role's query is not theirs to see.
 *
 * A cancel during the blocker read or the pause always ends the call: a
 * push's is thrown from here (its transaction goes, nothing to record); a
 * deploy's replaces edata, for the deploy to record and throw
 * (lock_retry_guarded).  A failure to read the blockers only makes the
 * message poorer (locksafe_report).
 */
bool
migration_lock_retry(ErrorData *edata, const char *id, int statement,
					 int line, int attempt, const char *role,
					 const char *checksum, TimestampTz started,
					 bool whole, bool upgrade)
{
	if (!locksafe_is_timeout(edata) || locksafe_timeout() <= 0)
		return false;
	if (whole)
		return lock_retry(edata, id, statement, line, attempt, role,
						  checksum, started, true, upgrade);
	return lock_retry_guarded(edata, id, statement, line, attempt, role,
							  checksum, started, upgrade);
}

/*
 * A revision an attempt of a push ran, kept until the attempt succeeds:
 * only then is it told (its NOTICE, its result row).
 */
typedef struct DoneItem
{
	RevNode    *node;
	Interval	duration;
} DoneItem;

typedef struct DoneKeeper
{
	MemoryContext cxt;
	List	   *items;
} DoneKeeper;

static void
keep_done(RevNode *node, bool upgrade, Interval *duration, void *arg)
{
	DoneKeeper *k = arg;
	MemoryContext old = MemoryContextSwitchTo(k->cxt);
	DoneItem   *item = palloc(sizeof(DoneItem));

	item->node = node;
	item->duration = *duration;
	k->items = lappend(k->items, item);
	MemoryContextSwitchTo(old);
}

/* Scripts fetched per catalog query while a plan runs */
#define SCRIPTS_PER_FETCH	64

/*
 * Run the plan's revisions (indexes into g) in order inside the current
 * transaction, telling done (if not NULL) about each.
 * Their scripts are fetched a few dozen at a time and freed when done, so
 * a long plan never holds every script at once.  The bookkeeping rows are
 * kept and written together at the end, still inside the transaction, so
 * a failing revision leaves none of them.
 *
 * With progress, each revision's NOTICE goes out as soon as it is done,
 * but the last one's waits until the rows are written: a failure to write
 * them (a full disk, a constraint a superuser added to the catalog) never
 * follows a NOTICE that the last revision was applied, just as when each
 * revision wrote its rows before its NOTICE.  Without (an attempt of
 * run_plan_retrying), none: the caller says what the attempt did once it
 * has succeeded.
 */
static void
run_plan(RevGraph *g, List *plan, bool upgrade, const char *role,
		 migration_done_fn done, void *arg, bool progress)
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
		if (progress && lnext(plan, lc) != NULL)
			migration_progress(node->id, node->message, upgrade, duration->time);
		else if (progress)
		{
			last = node;
			last_usec = duration->time;
		}
		if (done)
			done(node, upgrade, duration, arg);
		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(stepcxt);
	}
	catalog_defer_writes(false);
	if (last != NULL)
		migration_progress(last->id, last->message, upgrade, last_usec);
	MemoryContextDelete(stepcxt);
	MemoryContextDelete(fetchcxt);
}

/* run_plan, each revision's NOTICE as it is done */
void
migration_run_plan(RevGraph *g, List *plan, bool upgrade, const char *role,
				   migration_done_fn done, void *arg)
{
	run_plan(g, plan, upgrade, role, done, arg, true);
}

/* run_plan's arguments for an attempt, through migrate_try_subxact */
typedef struct AttemptCall
{
	RevGraph   *g;
	List	   *plan;
	bool		upgrade;
	const char *role;
	DoneKeeper *keeper;
} AttemptCall;

/*
 * One attempt of run_plan_retrying (run through migrate_try_subxact):
 * the plan, its revisions kept for the keeper, no progress yet.
 */
static void
attempt_plan(void *arg)
{
	AttemptCall *c = arg;

	run_plan(c->g, c->plan, c->upgrade, c->role, keep_done, c->keeper, false);
}

/*
 * migration_run_plan with lock retries (migrate.lock_timeout set): each
 * attempt runs the whole plan in one subtransaction.  A lock timeout rolls
 * all of it back, which releases every lock the attempt took (a pause that
 * kept the first revisions' ACCESS EXCLUSIVE locks would stall their
 * tables for its whole length), and the plan runs again from its start
 * after the pause.  The push stays atomic: the caller's transaction holds
 * either one whole successful attempt or nothing, and the migration lock,
 * taken before, keeps other pushers out meanwhile.  One subtransaction per
 * attempt, not per revision, so a long push stays linear.
 *
 * Only the attempt that succeeded is told: its revisions' NOTICEs (the
 * same ones migration_run_plan gives) and done, once its rows are
 * written.  A rolled-back attempt applied nothing, and saying "applied
 * revision" for it, then again for the next, would tell a user each
 * revision ran several times.  The price: with migrate.lock_timeout set,
 * a push's progress comes at its end rather than revision by revision.
 *
 * Each attempt allocates in a memory context of its own (its scripts, its
 * parse trees, its error and report), deleted when it is over, so that a
 * push that retries does not grow.
 */
static void
run_plan_retrying(RevGraph *g, List *plan, bool upgrade, const char *role,
				  migration_done_fn done, void *arg)
{
	MemoryContext callcxt = CurrentMemoryContext;
	AttemptCall call = {g, plan, upgrade, role, NULL};

	for (int attempt = 1;; attempt++)
	{
		MemoryContext attemptcxt;
		DoneKeeper	keeper;
		TimestampTz started = GetCurrentTimestamp();
		ErrorData  *edata;
		ListCell   *lc;

		attemptcxt = AllocSetContextCreate(callcxt, "migrate push attempt",
										   ALLOCSET_DEFAULT_SIZES);
		MemoryContextSwitchTo(attemptcxt);
		keeper.cxt = attemptcxt;
		keeper.items = NIL;
		last_failed_id = NULL;
		running_checksum = NULL;
		memset(&last_failure, 0, sizeof(last_failure));
		call.keeper = &keeper;
		edata = migrate_try_subxact(attempt_plan, &call);
		if (edata == NULL)
		{
			foreach(lc, keeper.items)
			{
				DoneItem   *item = lfirst(lc);

				migration_progress(item->node->id, item->node->message,
								   upgrade, item->duration.time);
				if (done)
					done(item->node, upgrade, &item->duration, arg);
			}
			MemoryContextSwitchTo(callcxt);
			MemoryContextDelete(attemptcxt);
			return;
		}
		/* nothing of the attempt is left: the graph says so again */
		foreach(lc, plan)
			g->nodes[lfirst_int(lc)].applied = !upgrade;
		if (last_failed_id == NULL ||
			!migration_lock_retry(edata, last_failed_id, last_failure.statement,
								  last_failure.line, attempt, role,
								  running_checksum, started, true, upgrade))
			ReThrowError(edata);
		MemoryContextSwitchTo(callcxt);
		MemoryContextDelete(attemptcxt);
	}
}

/*
 * Push (upgrade) or downgrade to target in the current transaction: take
 * the migration lock, read the graph, plan, run, save the expected state.
 * Says so in a NOTICE when there is nothing to do.  The caller holds the
 * SPI connection and has checked that it may change migrations.
 */
void
migration_apply(const char *target, bool upgrade, migration_done_fn done,
				void *arg)
{
	char	   *role = migrate_current_role();
	RevGraph   *g;
	List	   *plan;
	bool		timeout;
	ListCell   *lc;

	locksafe_use_revision(-1, -1);
	timeout = locksafe_timeout() > 0;

	catalog_lock();
	g = catalog_load_graph();
	plan = upgrade ? graph_plan_push(g, target) : graph_plan_downgrade(g, target);
	/* a revision with a lock timeout of its own makes the push retry too */
	foreach(lc, plan)
		timeout |= g->nodes[lfirst_int(lc)].lock_timeout > 0;
	if (!upgrade)
		migration_check_reversible(g, plan);
	migration_check_transactional(g, plan, upgrade,
								  upgrade ? "migrate_push()" : "migrate_downgrade()");

	if (plan == NIL)
		ereport(NOTICE,
				(errcode(ERRCODE_SUCCESSFUL_COMPLETION),
				 upgrade ? errmsg("nothing to push: no revision on the way to \"%s\" is pending", target) :
				 errmsg("nothing to downgrade: no applied revision is after \"%s\"", target)));
	if (plan != NIL && timeout)
		run_plan_retrying(g, plan, upgrade, role, done, arg);
	else
		migration_run_plan(g, plan, upgrade, role, done, arg);
	locksafe_use_revision(-1, -1);
	if (plan != NIL)
		migrate_save_snapshot();
}
