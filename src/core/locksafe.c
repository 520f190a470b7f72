/*-------------------------------------------------------------------------
 *
 * locksafe.c
 *	  Lock timeout and retry while a revision runs.
 *
 * The outage this prevents: a revision's ALTER TABLE queues for ACCESS
 * EXCLUSIVE behind one long transaction, and every query on the table
 * queues behind the ALTER.  With migrate.lock_timeout set, each statement
 * of a revision waits at most that long for a lock (the server's own
 * lock_timeout, set in the revision's GUC level, so it never outlives the
 * script); the caller (core/migration.c, sql/apply.c) rolls the work back,
 * waits a while and runs it again, up to migrate.lock_retries times.
 *
 * Naming the blocker: when lock_timeout fires, the server has already
 * taken the backend out of the lock's wait queue, and its error says
 * nothing about the lock.  So while a script runs, a timer samples what
 * this backend waits for (MyProc->waitLock, which only this backend
 * changes) a few times per timeout period; a wait that lasted the whole
 * timeout is always the last one sampled.  After the rollback,
 * GetLockConflicts() gives the transactions holding that lock in a mode
 * that conflicts, and pg_stat_activity what they are, read with the
 * caller's own rights (a role that may not see another role's query sees
 * none here either).  That read runs in a subtransaction of its own, so
 * that failing it (a REVOKE, a lock on the view) only makes the message
 * poorer; a cancel still ends the call (read_blockers).
 *
 * A wait cycle: a holder may itself wait for a lock this backend holds
 * (the migration lock, or one the caller's transaction took before the
 * call), e.g. a second deployer that read the table, then called
 * migrate_push().  Rolling back the attempt releases none of those, so
 * every later attempt would time out the same way; the read tells
 * (pg_blocking_pids() of each holder), and the caller stops at once.
 *
 * src/core/locksafe.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "access/xact.h"
#include "common/pg_prng.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "storage/latch.h"
#include "storage/lmgr.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/timeout.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "base/compat.h"
#include "base/util.h"
#include "core/locksafe.h"

/* The longest pause between two attempts */
#define MAX_BACKOFF_MS	10000
/* How much of a blocker's query a message shows */
#define QUERY_CHARS		60

static int	migrate_lock_timeout = 0;
static int	migrate_lock_retries = 3;

/* The sampler: written by a timeout handler, read after the error */
static TimeoutId sample_timeout;
static bool sample_registered = false;
static bool sampling = false;
static volatile sig_atomic_t sampled = false;
static volatile sig_atomic_t idle_ticks = 0;	/* samples since the last wait */
static LOCKTAG sample_tag;
static LOCKMODE sample_mode;

static void locksafe_xact_end(XactEvent event, void *arg);

void
locksafe_init(void)
{
	DefineCustomIntVariable("migrate.lock_timeout",
							"Longest wait for a lock by each statement of a revision; 0 waits as lock_timeout says.",
							"A statement that waits longer is rolled back with its push (or its revision, in a deploy) and run again, up to migrate.lock_retries times.",
							&migrate_lock_timeout,
							0, 0, INT_MAX,
							PGC_USERSET,
							GUC_UNIT_MS,
							NULL, NULL, NULL);
	RegisterXactCallback(locksafe_xact_end, NULL);
	DefineCustomIntVariable("migrate.lock_retries",
							"How many times a push or a revision that timed out on a lock is run again.",
							"Only with migrate.lock_timeout set.  Each pause is longer than the one before, with jitter.",
							&migrate_lock_retries,
							3, 0, 1000,
							PGC_USERSET,
							0,
							NULL, NULL, NULL);
}

/*
 * The revision running now may carry its own settings (its file header,
 * migrate_add's lock_timeout and lock_retries); -1: the session's.  Set
 * before each revision runs, and read by everything below until the next.
 */
static int	revision_timeout = -1;
static int	revision_retries = -1;

/* A transaction's end ends what its revision set */
static void
locksafe_xact_end(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
		event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT)
	{
		revision_timeout = -1;
		revision_retries = -1;
	}
}

void
locksafe_use_revision(int timeout, int retries)
{
	revision_timeout = timeout;
	revision_retries = retries;
}

int
locksafe_timeout(void)
{
	return revision_timeout >= 0 ? revision_timeout : migrate_lock_timeout;
}

int
locksafe_retries(void)
{
	return revision_retries >= 0 ? revision_retries : migrate_lock_retries;
}

/*
 * The timeout handler: remember the lock this backend waits for, if any.
 * Only this backend changes its own waitLock, and the LOCK it points to
 * cannot go away while we wait in its queue.
 */
static void
sample_wait(void)
{
	LOCK	   *lock = MyProc ? MyProc->waitLock : NULL;

	if (lock == NULL)
	{
		if (idle_ticks < 1000)
			idle_ticks++;
		return;
	}
	idle_ticks = 0;
	sample_tag = lock->tag;
	sample_mode = MyProc->waitLockMode;
	sampled = true;
}

/*
 * A script starts: in the caller's GUC level (which the caller closes,
 * undoing this), set lock_timeout, and start the sampler.  Nothing when
 * migrate.lock_timeout is 0.
 */
void
locksafe_script_begin(void)
{
	char		value[32];
	int			period;
	int			timeout = locksafe_timeout();

	if (timeout <= 0)
		return;
	snprintf(value, sizeof(value), "%d", timeout);
	(void) set_config_option("lock_timeout", value, PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	if (!sample_registered)
	{
		sample_timeout = RegisterTimeout(USER_TIMEOUT, sample_wait);
		sample_registered = true;
	}
	sampled = false;
	idle_ticks = 0;
	/*
	 * Four samples per timeout: the wait that timed out is always seen.  At
	 * most one each 5 ms, so that a long script is not interrupted more
	 * often than that; a timeout under 5 ms may end a wait unseen, and is
	 * then not retried.
	 */
	period = Max(timeout / 4, 5);
	enable_timeout_every(sample_timeout,
						 TimestampTzPlusMilliseconds(GetCurrentTimestamp(), period),
						 period);
	sampling = true;
}

/* The script ended, well or not: stop the sampler */
void
locksafe_script_end(void)
{
	if (!sampling)
		return;
	disable_timeout(sample_timeout, false);
	sampling = false;
}

/*
 * Did a statement give up on a lock after waiting for it?  55P03, and a
 * wait in progress at the last sample (at most one sample since: the
 * error came before the next one).  A NOWAIT that failed at once, or a
 * 55P03 raised by a script itself, also says 55P03 with no wait in
 * progress: waiting longer would not help it, so it is not retried, and an
 * earlier wait of the script is not named as its cause.
 */
bool
locksafe_is_timeout(const ErrorData *edata)
{
	return edata->sqlerrcode == ERRCODE_LOCK_NOT_AVAILABLE &&
		sampled && idle_ticks <= 1;
}

/* "relation public.orders", "transaction 1234", ... */
static char *
describe_object(const LOCKTAG *tag)
{
	switch ((LockTagType) tag->locktag_type)
	{
		case LOCKTAG_RELATION:
		case LOCKTAG_RELATION_EXTEND:
		case LOCKTAG_PAGE:
		case LOCKTAG_TUPLE:
			{
				Oid			relid = tag->locktag_field2;
				char	   *rel = get_rel_name(relid);
				char	   *name;

				if (tag->locktag_field1 != MyDatabaseId || rel == NULL)
					name = psprintf("relation %u", relid);
				else
					name = psprintf("relation %s",
									quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
															   rel));
				if (tag->locktag_type == LOCKTAG_TUPLE)
					return psprintf("a row of %s", name);
				return name;
			}
		case LOCKTAG_TRANSACTION:
			return psprintf("transaction %u (a row it changed)",
							tag->locktag_field1);
		default:
			return psprintf("a lock of type %s",
							GetLockNameFromTagType(tag->locktag_type));
	}
}

/*
 * The lock a blocker waits for, from its ungranted pg_locks row: "mode on
 * relation public.t", "mode on transaction 1234 (a row it changed)", ...
 */
static char *
describe_wait(const char *locktype, const char *mode, const char *db,
			  const char *rel, const char *xid)
{
	LOCKTAG		tag;

	if (rel != NULL && db != NULL &&
		(strcmp(locktype, "relation") == 0 || strcmp(locktype, "extend") == 0 ||
		 strcmp(locktype, "page") == 0))
		SET_LOCKTAG_RELATION(tag, atooid(db), atooid(rel));
	else if (rel != NULL && db != NULL && strcmp(locktype, "tuple") == 0)
		SET_LOCKTAG_TUPLE(tag, atooid(db), atooid(rel), 0, 0);
	else if (xid != NULL && strcmp(locktype, "transactionid") == 0)
		SET_LOCKTAG_TRANSACTION(tag, (TransactionId) strtoul(xid, NULL, 10));
	else
		return psprintf("%s on a lock of type %s", mode, locktype);
	return psprintf("%s on %s", mode, describe_object(&tag));
}

/*
 * One line per session that holds one of vxids, read as the caller; and
 * whether one of them waits for a lock this backend holds
 * (pg_blocking_pids(), the server's own test, names this backend): then
 * the two wait for each other, and no later attempt can get the lock
 * while this backend keeps what it holds (the migration lock, or locks
 * the caller's transaction took before the call).  Errors are thrown: the
 * caller runs this in a subtransaction (read_blockers).
 */
static void
describe_blockers(LockWaitReport *r, VirtualTransactionId *vxids, int n)
{
	Datum	   *texts = palloc(sizeof(Datum) * Max(n, 1));
	Oid			types[1] = {TEXTARRAYOID};
	Datum		values[1];
	StringInfoData buf;
	StringInfoData brief;
	int			rc;
	int			k = 0;
	int			cycle_pid = 0;
	char	   *cycle_holder = NULL;
	char	   *cycle_wait = NULL;

	for (int i = 0; i < n; i++)
		texts[i] = CStringGetTextDatum(psprintf("%d/%u",
												compat_vxid_proc(vxids[i]),
												vxids[i].localTransactionId));
	values[0] = PointerGetDatum(construct_array(texts, n, TEXTOID, -1, false, TYPALIGN_INT));
	rc = SPI_execute_with_args("SELECT a.pid, a.usename, a.application_name, a.state,"
							   " pg_catalog.round(EXTRACT(epoch FROM pg_catalog.clock_timestamp()"
							   " OPERATOR(pg_catalog.-) a.xact_start), 1),"
							   " pg_catalog.regexp_replace(a.query, '[[:space:]]+', ' ', 'g'),"
							   " pg_catalog.pg_backend_pid() OPERATOR(pg_catalog.=)"
							   " ANY (pg_catalog.pg_blocking_pids(a.pid)),"
							   " w.locktype, w.mode, w.database, w.relation, w.transactionid"
							   " FROM pg_catalog.pg_locks l"
							   " JOIN pg_catalog.pg_stat_activity a"
							   " ON a.pid OPERATOR(pg_catalog.=) l.pid"
							   " LEFT JOIN LATERAL (SELECT w.locktype, w.mode, w.database,"
							   " w.relation, w.transactionid FROM pg_catalog.pg_locks w"
							   " WHERE w.pid OPERATOR(pg_catalog.=) a.pid AND NOT w.granted"
							   " LIMIT 1) w ON true"
							   " WHERE l.locktype OPERATOR(pg_catalog.=) 'virtualxid'"
							   " AND l.granted"
							   " AND l.virtualxid OPERATOR(pg_catalog.=) ANY ($1)"
							   " ORDER BY a.xact_start NULLS LAST, a.pid",
							   1, types, values, NULL, true, 0);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "could not read pg_stat_activity: %s",
			 SPI_result_code_string(rc));

	initStringInfo(&buf);
	initStringInfo(&brief);
	for (uint64 row = 0; row < SPI_processed; row++)
	{
		HeapTuple	tup = SPI_tuptable->vals[row];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *pid = SPI_getvalue(tup, desc, 1);
		char	   *role = SPI_getvalue(tup, desc, 2);
		char	   *app = SPI_getvalue(tup, desc, 3);
		char	   *state = SPI_getvalue(tup, desc, 4);
		char	   *age = SPI_getvalue(tup, desc, 5);
		char	   *query = SPI_getvalue(tup, desc, 6);
		bool		isnull;
		Datum		waits = SPI_getbinval(tup, desc, 7, &isnull);
		bool		waits_on_us = !isnull && DatumGetBool(waits);
		int			start = buf.len > 0 ? buf.len + 1 : 0;

		if (buf.len > 0)
			appendStringInfoChar(&buf, '\n');
		if (brief.len > 0)
			appendStringInfoString(&brief, ", ");
		appendStringInfo(&brief, "process %s (role %s, application \"%s\")",
						 pid, role ? role : "unknown", app ? app : "");
		appendStringInfo(&buf, "process %s (role %s, application \"%s\", %s",
						 pid, role ? role : "unknown", app ? app : "",
						 state ? state : "state not visible to this role");
		if (age)
			appendStringInfo(&buf, ", transaction open for %s s", age);
		appendStringInfoChar(&buf, ')');
		/* no state: another role's session, whose query is not ours to see */
		if (query && state)
		{
			int			len = strlen(query);
			int			cut = pg_mbcliplen(query, len, QUERY_CHARS);

			appendStringInfo(&buf, ": %.*s%s", cut, query,
							 cut < len ? "..." : "");
		}
		if (waits_on_us && cycle_pid == 0)
		{
			char	   *locktype = SPI_getvalue(tup, desc, 8);

			cycle_pid = atoi(pid);
			cycle_holder = pstrdup(buf.data + start);
			cycle_wait = locktype == NULL ? pstrdup("a lock") :
				describe_wait(locktype, SPI_getvalue(tup, desc, 9),
							  SPI_getvalue(tup, desc, 10),
							  SPI_getvalue(tup, desc, 11),
							  SPI_getvalue(tup, desc, 12));
		}
		k++;
	}
	SPI_freetuptable(SPI_tuptable);
	if (k < n)
	{
		if (buf.len > 0)
			appendStringInfoChar(&buf, '\n');
		appendStringInfo(&buf, "%d more: prepared transactions, or sessions that ended meanwhile",
						 n - k);
		appendStringInfo(&brief, "%s%d more", brief.len > 0 ? ", " : "", n - k);
	}
	r->brief = brief.len > 0 ? brief.data : NULL;
	r->blockers = buf.len > 0 ? buf.data : NULL;
	r->cycle_pid = cycle_pid;
	r->cycle_holder = cycle_holder;
	r->cycle_wait = cycle_wait;
}

/* describe_blockers' arguments, through migrate_try_subxact */
typedef struct BlockersCall
{
	LockWaitReport *r;
	VirtualTransactionId *vxids;
	int			n;
} BlockersCall;

static void
describe_blockers_call(void *arg)
{
	BlockersCall *c = arg;

	describe_blockers(c->r, c->vxids, c->n);
}

/*
 * describe_blockers in a subtransaction of its own, as PL/pgSQL runs an
 * exception block, so that failing to read the blockers does not fail
 * what asked for them: a lock timeout must still be retried, or reported
 * with its revision, statement and lock, and a deploy must still record
 * it.  The query can fail for reasons of its own: a role that may not read
 * pg_stat_activity or pg_locks (a REVOKE from PUBLIC), the session's own
 * lock_timeout while a DBA holds a lock on one of them, ...; then
 * r->unread says why, and the blockers are only counted.
 *
 * A cancel is not one of those reasons.  57014 comes from
 * pg_cancel_backend() or statement_timeout: someone wants the whole call
 * to stop, and reading the blockers is merely where it landed.  It is
 * thrown again, once the subtransaction is rolled back, without the
 * context of our internal query; a cancel that arrives while the
 * rollback holds interrupts off is taken just after it.
 */
static void
read_blockers(LockWaitReport *r, VirtualTransactionId *vxids, int n)
{
	BlockersCall call = {r, vxids, n};
	ErrorData  *edata = migrate_try_subxact(describe_blockers_call, &call);

	if (edata != NULL && edata->sqlerrcode == ERRCODE_QUERY_CANCELED)
	{
		edata->context = NULL;
		edata->internalquery = NULL;
		edata->internalpos = 0;
		ReThrowError(edata);
	}
	if (edata != NULL)
	{
		r->unread = edata->message;
		r->blockers = r->brief = NULL;
		r->cycle_pid = 0;
	}
	CHECK_FOR_INTERRUPTS();
}

/*
 * After a lock timeout, with the work that waited rolled back: the lock it
 * waited for and who holds it in a conflicting mode now.  lock is NULL
 * when no wait was seen (a NOWAIT that failed at once).  Only a cancel is
 * thrown (read_blockers).
 */
LockWaitReport *
locksafe_report(void)
{
	LockWaitReport *r = palloc0(sizeof(LockWaitReport));
	VirtualTransactionId *vxids;
	int			n = 0;
	LOCKTAG		tag;

	if (!sampled)
		return r;
	tag = sample_tag;
	r->lock = psprintf("%s on %s",
					   GetLockmodeName(tag.locktag_lockmethodid, sample_mode),
					   describe_object(&tag));
	vxids = GetLockConflicts(&tag, sample_mode, &n);
	r->nblockers = n;
	if (n > 0)
		read_blockers(r, vxids, n);
	return r;
}

/*
 * The pause before attempt number attempt + 1 (attempt counts from 1): the
 * lock timeout doubled at each attempt (at least 100 ms, at most 10 s),
 * half of it fixed and half random, so that two deployers retrying against
 * each other do not meet again.
 */
int
locksafe_backoff_ms(int attempt)
{
	int64		delay = Max(locksafe_timeout(), 100);

	for (int i = 1; i < attempt && delay < MAX_BACKOFF_MS; i++)
		delay *= 2;
	delay = Min(delay, MAX_BACKOFF_MS);
	return (int) (delay / 2 + pg_prng_uint64_range(&pg_global_prng_state, 0, delay / 2));
}

/* Sleep ms milliseconds; a cancel or a terminate ends it */
void
locksafe_sleep(int ms)
{
	TimestampTz until = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), ms);

	for (;;)
	{
		long		left = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), until);

		if (left <= 0)
			break;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 left, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
}

/*
 * A revision's own lock timeout, as a setting is written ("2s", "500ms",
 * "250": milliseconds), in ms.  what names where it came from.
 */
int
locksafe_parse_timeout(const char *value, const char *what)
{
	int			ms;
	const char *hint = NULL;

	if (!parse_int(value, &ms, GUC_UNIT_MS, &hint) || ms < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid value for %s: \"%s\"", what, value),
				 hint ? errhint("%s", hint) :
				 errhint("Write a duration as migrate.lock_timeout takes it: \"2s\", \"500ms\", or a number of milliseconds; 0 turns it off.")));
	return ms;
}

/* A revision's own number of retries, 0 to 1000 as migrate.lock_retries */
int
locksafe_check_retries(int retries, const char *what)
{
	if (retries < 0 || retries > 1000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be between 0 and 1000", what),
				 errdetail("It is %d.", retries)));
	return retries;
}
