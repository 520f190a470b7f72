/*-------------------------------------------------------------------------
 *
 * desired.c
 *	  The desired state of the whole database: its SQL runs in a scratch
 *	  database, and the model read there comes back to the backend that
 *	  diffs it.
 *
 * Why a database of its own, not a schema of this one: the desired state of
 * a whole database creates schemas and extensions, and those are names of
 * the database, not of a schema.  "CREATE EXTENSION hstore" cannot run
 * where hstore is installed already (nor at another version, nor in another
 * schema), "CREATE SCHEMA app" cannot run where app exists, and renaming the
 * live schemas out of the way takes their extensions' objects along, which
 * the desired SQL then cannot find.  A pg_dump file restores exactly only
 * into an empty database.  So the SQL runs in a new database made from
 * template0, with the encoding and locale of this one, and nothing of the
 * live database is touched or even renamed while it runs.
 *
 * A backend reads only its own database's catalogs, and CREATE DATABASE
 * cannot run inside a transaction, so two dynamic background workers do it:
 *
 *	  the keeper, connected to this database as the caller: creates the
 *		scratch database (CREATE DATABASE with the caller's rights: the
 *		caller needs CREATEDB), starts the reader, waits for it, and drops
 *		the database again, whatever happened, also when the caller's
 *		backend is gone;
 *	  the reader, connected to the scratch database as the caller: runs the
 *		desired SQL statement by statement, reads the model of the managed
 *		schemas for a diff, and sends it (or the error) back through a
 *		message queue.
 *
 * The scratch database takes no connections (ALLOW_CONNECTIONS false): the
 * reader alone bypasses that.  Otherwise any role could connect while the
 * SQL runs, read what it builds, and keep the database from being dropped
 * (a forced drop cannot end another role's session).
 *
 * Both run as the caller's session user with the caller's current role:
 * nothing here runs with more rights than the caller has, so nothing here
 * is a privileged path.  Where the caller could not go back to its session
 * user (inside a SECURITY DEFINER function), the SQL cannot either (no SET
 * ROLE, no RESET ROLE); a security-restricted operation (an index
 * expression that autovacuum evaluates, a REFRESH MATERIALIZED VIEW) is
 * refused outright.  The extension's own statements of a dump (CREATE
 * EXTENSION migrate, its comment) are skipped: the tool is not part of the
 * state it compares, and needs superuser to install.
 *
 * src/core/desired.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_authid.h"
#include "commands/dbcommands.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/parsenodes.h"
#include "parser/parse_node.h"
#include "parser/parser.h"
#include "pgstat.h"
#include "port/atomics.h"
#include "postmaster/bgworker.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "storage/shm_mq.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "base/compat.h"
#include "base/runner.h"
#include "core/desired.h"
#include "core/script.h"

PGDLLEXPORT void migrate_desired_keeper_main(Datum main_arg);
PGDLLEXPORT void migrate_desired_reader_main(Datum main_arg);

/* Where the work is */
typedef enum DesiredState
{
	DESIRED_STARTING,			/* the keeper creates the database */
	DESIRED_READING,			/* the reader runs the SQL */
	DESIRED_FAILED,				/* the keeper failed: see the error fields */
	DESIRED_DONE				/* the database is dropped */
} DesiredState;

#define DESIRED_QUEUE_SIZE	(64 * 1024)
#define DESIRED_ERROR_LEN	2048

/* The shared memory of one reading: this, the SQL, the schemas, the queue */
typedef struct DesiredShared
{
	Oid			live_db;
	Oid			session_user;
	Oid			current_user;
	bool		local_userid_change;	/* the caller cannot SET ROLE */
	Oid			scratch_db;		/* set by the keeper */
	char		dbname[NAMEDATALEN];
	pg_atomic_uint32 state;
	pg_atomic_uint32 leader_gone;	/* the caller's backend let go */
	/* the keeper's error, when state is DESIRED_FAILED */
	int			sqlerrcode;
	char		message[DESIRED_ERROR_LEN];
	char		detail[DESIRED_ERROR_LEN];
	char		hint[DESIRED_ERROR_LEN];
	Size		sql_offset;
	Size		sql_len;
	Size		schemas_offset; /* names, each ended by a NUL */
	int			nschemas;
	bool		framed;			/* one schema, the SQL's default */
	Size		queue_offset;
} DesiredShared;

static int	scratch_count = 0;

/* The keeper was asked to end (SIGTERM): it stops the reader, drops, ends */
static volatile sig_atomic_t keeper_stop = false;

/* ----------------------------------------------------------------
 * Both workers
 * ----------------------------------------------------------------
 */

static DesiredShared *
attach(Datum main_arg, dsm_segment **seg)
{
	BackgroundWorkerUnblockSignals();
	*seg = dsm_attach(DatumGetUInt32(main_arg));
	if (*seg == NULL)
		proc_exit(0);			/* the caller is gone already */
	return dsm_segment_address(*seg);
}

/*
 * Take the caller's current role, in a transaction.  A caller inside a
 * SECURITY DEFINER function cannot SET ROLE or RESET ROLE back to its
 * session user, and neither can the desired SQL then: the session user may
 * be a superuser who called another role's function.
 */
static void
become_caller(DesiredShared *sh)
{
	if (sh->current_user == sh->session_user)
		return;
	if (sh->local_userid_change)
		SetUserIdAndSecContext(sh->current_user, SECURITY_LOCAL_USERID_CHANGE);
	else
		SetCurrentRoleId(sh->current_user, superuser_arg(sh->current_user));
}

static BackgroundWorkerHandle *
start_worker(dsm_segment *seg, const char *function, const char *name)
{
	BackgroundWorker bgw = {0};
	BackgroundWorkerHandle *handle;

	bgw.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	bgw.bgw_start_time = BgWorkerStart_RecoveryFinished;
	bgw.bgw_restart_time = BGW_NEVER_RESTART;
	strlcpy(bgw.bgw_library_name, "migrate", BGW_MAXLEN);
	strlcpy(bgw.bgw_function_name, function, BGW_MAXLEN);
	snprintf(bgw.bgw_name, BGW_MAXLEN, "%s", name);
	strlcpy(bgw.bgw_type, "migrate desired state", BGW_MAXLEN);
	bgw.bgw_main_arg = UInt32GetDatum(dsm_segment_handle(seg));
	bgw.bgw_notify_pid = MyProcPid;
	if (!RegisterDynamicBackgroundWorker(&bgw, &handle))
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("could not start a background worker to read the desired state"),
				 errdetail("Every background worker slot is taken (max_worker_processes is %d).",
						   max_worker_processes),
				 errhint("Raise max_worker_processes, or try again when other workers have ended.")));
	return handle;
}

/* ----------------------------------------------------------------
 * The keeper: creates the scratch database, and drops it
 * ----------------------------------------------------------------
 */

static void
keeper_fail(DesiredShared *sh, ErrorData *edata)
{
	sh->sqlerrcode = edata->sqlerrcode;
	strlcpy(sh->message, edata->message ? edata->message : "", DESIRED_ERROR_LEN);
	strlcpy(sh->detail, edata->detail ? edata->detail : "", DESIRED_ERROR_LEN);
	strlcpy(sh->hint, edata->hint ? edata->hint : "", DESIRED_ERROR_LEN);
	pg_write_barrier();
	pg_atomic_write_u32(&sh->state, DESIRED_FAILED);
}

/*
 * SIGTERM of the keeper (pg_terminate_backend, a fast shutdown): not die(),
 * which would leave the database behind, but a flag its loop acts on
 */
static void
keeper_sigterm(SIGNAL_ARGS)
{
	int			save_errno = errno;

	keeper_stop = true;
	SetLatch(MyLatch);
	errno = save_errno;
}

/* Drop the scratch database by its OID, whatever it is called now */
static void
drop_scratch(DesiredShared *sh)
{
	PG_TRY();
	{
		char	   *name;

		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		name = get_database_name(sh->scratch_db);
		if (name != NULL)
			dropdb(name, true, true);
		CommitTransactionCommand();
	}
	PG_CATCH();
	{
		EmitErrorReport();
		FlushErrorState();
		AbortCurrentTransaction();
		ereport(LOG,
				(errmsg("migrate: could not drop the scratch database \"%s\" of a desired state",
						sh->dbname),
				 errhint("Drop it by hand.")));
	}
	PG_END_TRY();
}

void
migrate_desired_keeper_main(Datum main_arg)
{
	dsm_segment *seg;
	DesiredShared *sh;
	MemoryContext cxt;
	BackgroundWorkerHandle *volatile reader = NULL;
	volatile bool created = false;

	pqsignal(SIGTERM, keeper_sigterm);
	sh = attach(main_arg, &seg);

	BackgroundWorkerInitializeConnectionByOid(sh->live_db, sh->session_user, 0);
	cxt = AllocSetContextCreate(TopMemoryContext, "migrate desired state keeper",
								ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		CreatedbStmt *stmt = makeNode(CreatedbStmt);

		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		become_caller(sh);
		stmt->dbname = sh->dbname;
		stmt->options = compat_database_locale_options(sh->live_db);
		/* no one but the reader: see the comment above */
		stmt->options = lappend(stmt->options,
								makeDefElem("allow_connections",
											(Node *) makeInteger(0), -1));
		sh->scratch_db = createdb(make_parsestate(NULL), stmt);
		CommitTransactionCommand();
		created = true;
		MemoryContextSwitchTo(cxt);
		if (keeper_stop)
			ereport(ERROR,
					(errcode(ERRCODE_ADMIN_SHUTDOWN),
					 errmsg("terminating the desired state's background worker due to administrator command")));
		pg_atomic_write_u32(&sh->state, DESIRED_READING);
		reader = start_worker(seg, "migrate_desired_reader_main",
							  "migrate desired state reader");
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		keeper_fail(sh, edata);
	}
	PG_END_TRY();

	/*
	 * Wait for the reader, and stop it when the caller is gone (its answer
	 * is of no use then) or the keeper is asked to end.
	 */
	while (reader != NULL)
	{
		pid_t		pid;

		if (GetBackgroundWorkerPid(reader, &pid) == BGWH_STOPPED)
			break;
		if (pg_atomic_read_u32(&sh->leader_gone) != 0 || keeper_stop)
			TerminateBackgroundWorker(reader);
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 100L, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
	if (created)
		drop_scratch(sh);
	if (pg_atomic_read_u32(&sh->state) != DESIRED_FAILED)
		pg_atomic_write_u32(&sh->state, DESIRED_DONE);
	dsm_detach(seg);
	proc_exit(0);
}

/* ----------------------------------------------------------------
 * The reader: runs the SQL in the scratch database, sends the model
 * ----------------------------------------------------------------
 */

/* Whether a statement of a dump installs or comments the migrate extension */
static bool
is_migrate_statement(const char *sql)
{
	List	   *raw = raw_parser(sql, RAW_PARSE_DEFAULT);
	Node	   *node;

	if (list_length(raw) != 1)
		return false;
	node = linitial_node(RawStmt, raw)->stmt;
	if (IsA(node, CreateExtensionStmt))
		return strcmp(((CreateExtensionStmt *) node)->extname, "migrate") == 0;
	if (IsA(node, CommentStmt) && ((CommentStmt *) node)->objtype == OBJECT_EXTENSION)
	{
		Node	   *object = ((CommentStmt *) node)->object;

		return IsA(object, String) && strcmp(strVal(object), "migrate") == 0;
	}
	return false;
}

static void frame_schema(const char *name);

/*
 * The desired SQL's statements, but for the extension's own (in the current
 * memory context)
 */
static MigrateScript *
desired_statements(const char *sql)
{
	MigrateScript *script = script_parse(sql, "desired state");
	int			n = 0;

	for (int i = 0; i < script->nstmts; i++)
	{
		MigrateStmt *st = &script->stmts[i];

		if (!is_migrate_statement(pnstrdup(script->text + st->offset, st->len)))
			script->stmts[n++] = *st;
	}
	script->nstmts = n;
	return script;
}

/* The reader's role: taken once, or per transaction for a definer caller */
static bool reader_role_taken = false;
static Oid	reader_saved_user;
static int	reader_saved_context;

/*
 * Start a transaction of the reader's, as the caller, with SPI.  The
 * caller's role is taken once for the session (a SET ROLE the SQL makes
 * then holds for its next statements, as in psql); a SECURITY DEFINER
 * caller's is taken in each transaction, with SET ROLE locked, and given
 * back before it ends (no transaction starts with a security context).
 */
static void
reader_begin(DesiredShared *sh)
{
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	if (sh->local_userid_change)
	{
		GetUserIdAndSecContext(&reader_saved_user, &reader_saved_context);
		become_caller(sh);
	}
	else if (!reader_role_taken)
	{
		become_caller(sh);
		reader_role_taken = true;
	}
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "could not connect to SPI");
	PushActiveSnapshot(GetTransactionSnapshot());
}

static void
reader_commit(DesiredShared *sh)
{
	PopActiveSnapshot();
	SPI_finish();
	if (sh->local_userid_change)
		SetUserIdAndSecContext(reader_saved_user, reader_saved_context);
	CommitTransactionCommand();
}

/*
 * Run the desired SQL, each statement in a transaction of its own, as psql
 * runs a dump: a desired state of 10,000 tables would take more locks than
 * one transaction may hold.  The scratch database is dropped anyway, so
 * nothing needs the statements to commit together, nor durably
 * (synchronous_commit is off).
 */
static void
run_desired(DesiredShared *sh, MigrateScript *script, const char *frame)
{
	MemoryContext cxt = CurrentMemoryContext;

	SetConfigOption("synchronous_commit", "off", PGC_USERSET, PGC_S_SESSION);
	if (frame != NULL)
	{
		reader_begin(sh);
		frame_schema(frame);
		reader_commit(sh);
	}
	for (int i = 0; i < script->nstmts; i++)
	{
		MigrateScript one = *script;
		ScriptRun	run = {0};

		one.stmts = &script->stmts[i];
		one.nstmts = 1;
		run.script = &one;
		reader_begin(sh);
		runner_run_placed(&run);
		reader_commit(sh);
		MemoryContextSwitchTo(cxt);
	}
}

/*
 * The one schema a desired state stands for: there, and first in
 * search_path, so that the SQL's unqualified names land in it as they
 * would in the live schema
 */
static void
frame_schema(const char *name)
{
	const char *quoted = quote_identifier(name);

	if (SPI_execute(psprintf("CREATE SCHEMA IF NOT EXISTS %s", quoted),
					false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "could not create schema \"%s\"", name);
	SetConfigOption("search_path",
					strcmp(name, "public") == 0 ? "public" :
					psprintf("%s, public", quoted),
					PGC_USERSET, PGC_S_SESSION);
}

static void
put_error_field(StringInfo buf, const char *s)
{
	appendStringInfoString(buf, s ? s : "");
	appendStringInfoChar(buf, '\0');
}

void
migrate_desired_reader_main(Datum main_arg)
{
	dsm_segment *seg;
	DesiredShared *sh;
	shm_mq	   *mq;
	shm_mq_handle *mqh;
	MemoryContext cxt;
	StringInfoData msg;

	pqsignal(SIGTERM, die);
	sh = attach(main_arg, &seg);
	mq = (shm_mq *) ((char *) sh + sh->queue_offset);

	BackgroundWorkerInitializeConnectionByOid(sh->scratch_db, sh->session_user,
											  BGWORKER_BYPASS_ALLOWCONN);
	shm_mq_set_sender(mq, MyProc);
	mqh = shm_mq_attach(mq, seg, NULL);
	cxt = AllocSetContextCreate(TopMemoryContext, "migrate desired state reader",
								ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(cxt);
	initStringInfo(&msg);

	SetConfigOption("application_name", "migrate desired state", PGC_USERSET,
					PGC_S_SESSION);
	PG_TRY();
	{
		List	   *schemas = NIL;
		const char *name = (char *) sh + sh->schemas_offset;
		SchemaModel *m;
		char	   *data;
		Size		len;
		MigrateScript *script;

		/* parsed outside any transaction's memory: it outlives them */
		script = desired_statements(pnstrdup((char *) sh + sh->sql_offset, sh->sql_len));
		run_desired(sh, script, sh->framed ? name : NULL);
		reader_begin(sh);
		for (int i = 0; i < sh->nschemas; i++)
		{
			schemas = lappend(schemas, pstrdup(name));
			name += strlen(name) + 1;
		}
		m = model_read_set(schemas, sh->framed);
		data = model_transfer_out(m, &len);
		appendStringInfoChar(&msg, 'M');
		appendBinaryStringInfo(&msg, data, len);
		PopActiveSnapshot();
		SPI_finish();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		resetStringInfo(&msg);
		appendStringInfo(&msg, "E%d", edata->sqlerrcode);
		appendStringInfoChar(&msg, '\0');
		put_error_field(&msg, edata->message);
		put_error_field(&msg, edata->detail);
		put_error_field(&msg, edata->hint);
		put_error_field(&msg, edata->context);
		put_error_field(&msg, edata->internalquery);
		appendStringInfo(&msg, "%d", edata->internalpos);
		appendStringInfoChar(&msg, '\0');
	}
	PG_END_TRY();
	/* nothing of it is kept: the database is dropped next */
	AbortCurrentTransaction();
	(void) shm_mq_send(mqh, msg.len, msg.data, false, true);
	dsm_detach(seg);
	proc_exit(0);
}

/* ----------------------------------------------------------------
 * The caller's side
 * ----------------------------------------------------------------
 */

/* The caller's backend lets go (done, or an error): the keeper stops */
static void
leader_detach(dsm_segment *seg, Datum arg)
{
	DesiredShared *sh = (DesiredShared *) DatumGetPointer(arg);

	pg_atomic_write_u32(&sh->leader_gone, 1);
}

/* Raise the reader's error, which the message at data holds */
static void
raise_reader_error(const char *data, Size len)
{
	const char *end = data + len;
	const char *fields[7];
	const char *p = data + 1;

	for (int i = 0; i < lengthof(fields); i++)
	{
		if (p >= end)
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("the desired state's reader sent a damaged error")));
		fields[i] = p;
		p += strnlen(p, end - p) + 1;
	}
	ereport(ERROR,
			(errcode(atoi(fields[0])),
			 errmsg_internal("%s", fields[1]),
			 fields[2][0] ? errdetail_internal("%s", fields[2]) : 0,
			 fields[3][0] ? errhint("%s", fields[3]) : 0,
			 fields[4][0] ? errcontext("%s", fields[4]) : 0,
			 fields[5][0] ? internalerrquery(fields[5]) : 0,
			 fields[5][0] ? internalerrposition(atoi(fields[6])) : 0));
}

/*
 * Types of the desired model by their OIDs here: a type the scratch
 * database created has an OID of its own there.  A type that does not
 * exist here yet (the migration creates it) gets InvalidOid.
 */
static void
map_types(SchemaModel *m)
{
	for (int i = 0; i < m->n; i++)
	{
		ModelDetail *d = m->objects[i].detail;
		int32		typmod;

		if (d == NULL || d->type == NULL || d->typid < FirstNormalObjectId)
			continue;
		d->typid = compat_type_named(d->type, &typmod);
	}
}

/* Refuse early, with a hint, a caller who cannot create a database */
static void
check_createdb(void)
{
	HeapTuple	tup;
	bool		ok;

	if (superuser())
		return;
	tup = SearchSysCache1(AUTHOID, ObjectIdGetDatum(GetUserId()));
	ok = HeapTupleIsValid(tup) && ((Form_pg_authid) GETSTRUCT(tup))->rolcreatedb;
	if (HeapTupleIsValid(tup))
		ReleaseSysCache(tup);
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to build the desired state"),
				 errdetail("The desired state's SQL runs in a scratch database, and role \"%s\" cannot create databases.",
						   GetUserNameFromId(GetUserId(), false)),
				 errhint("Grant it CREATEDB, or build the desired state of one schema in another schema of this database and pass that schema's name as the desired state.")));
}

/*
 * The model, for a diff, of the schemas "schemas" (NIL: every schema that
 * is not a system or extension schema) of a new database built by "sql".
 * "framed": schemas is one schema, which the SQL's unqualified names
 * mean, and whose own comment and privileges the diff leaves alone.
 */
SchemaModel *
desired_read_database(const char *sql, List *schemas, bool framed)
{
	Size		names_len = 0;
	Size		size;
	dsm_segment *seg;
	DesiredShared *sh;
	shm_mq	   *mq;
	shm_mq_handle *mqh;
	BackgroundWorkerHandle *keeper;
	ListCell   *lc;
	char	   *p;
	SchemaModel *m = NULL;
	Size		nbytes;
	void	   *data;
	uint32		nonce;
	char	   *answer;

	if (InSecurityRestrictedOperation())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("cannot build a desired state within security-restricted operation")));
	check_createdb();
	foreach(lc, schemas)
		names_len += strlen(lfirst(lc)) + 1;
	size = MAXALIGN(sizeof(DesiredShared)) + MAXALIGN(strlen(sql) + 1) +
		MAXALIGN(names_len + 1) + DESIRED_QUEUE_SIZE;
	seg = dsm_create(size, 0);
	sh = dsm_segment_address(seg);
	memset(sh, 0, sizeof(DesiredShared));
	sh->live_db = MyDatabaseId;
	sh->session_user = GetSessionUserId();
	sh->current_user = GetUserId();
	sh->local_userid_change = InLocalUserIdChange();
	/* a name no one can take first: the process, a count, a random part */
	if (!pg_strong_random(&nonce, sizeof(nonce)))
		nonce = (uint32) MyStartTimestamp;
	snprintf(sh->dbname, NAMEDATALEN, "migrate_desired_%d_%d_%08x", MyProcPid,
			 ++scratch_count, nonce);
	pg_atomic_init_u32(&sh->state, DESIRED_STARTING);
	pg_atomic_init_u32(&sh->leader_gone, 0);
	sh->sql_offset = MAXALIGN(sizeof(DesiredShared));
	sh->sql_len = strlen(sql);
	memcpy((char *) sh + sh->sql_offset, sql, sh->sql_len + 1);
	sh->schemas_offset = sh->sql_offset + MAXALIGN(sh->sql_len + 1);
	p = (char *) sh + sh->schemas_offset;
	foreach(lc, schemas)
	{
		strcpy(p, lfirst(lc));
		p += strlen(p) + 1;
	}
	sh->nschemas = list_length(schemas);
	sh->framed = framed;
	sh->queue_offset = sh->schemas_offset + MAXALIGN(names_len + 1);
	mq = shm_mq_create((char *) sh + sh->queue_offset, DESIRED_QUEUE_SIZE);
	shm_mq_set_receiver(mq, MyProc);
	mqh = shm_mq_attach(mq, seg, NULL);
	on_dsm_detach(seg, leader_detach, PointerGetDatum(sh));

	keeper = start_worker(seg, "migrate_desired_keeper_main",
						  "migrate desired state keeper");

	/* the model, the reader's error, or the keeper's */
	for (;;)
	{
		shm_mq_result res = shm_mq_receive(mqh, &nbytes, &data, true);
		pid_t		pid;

		if (res == SHM_MQ_SUCCESS)
			break;
		if (pg_atomic_read_u32(&sh->state) == DESIRED_FAILED)
		{
			int			code;
			char	   *message;
			char	   *detail;
			char	   *hint;

			pg_read_barrier();
			code = sh->sqlerrcode;
			message = pstrdup(sh->message);
			detail = pstrdup(sh->detail);
			hint = pstrdup(sh->hint);

			/*
			 * the keeper drops the scratch database after it says it failed
			 * (when it made one): that is done before the error is said, as
			 * before an answer below
			 */
			dsm_detach(seg);
			(void) WaitForBackgroundWorkerShutdown(keeper);
			ereport(ERROR,
					(errcode(code),
					 errmsg("could not create a scratch database for the desired state: %s",
							message),
					 detail[0] ? errdetail_internal("%s", detail) : 0,
					 hint[0] ? errhint("%s", hint) : 0));
		}
		if (res == SHM_MQ_DETACHED ||
			GetBackgroundWorkerPid(keeper, &pid) == BGWH_STOPPED)
		{
			/* the reader may have answered just before its keeper ended */
			if (shm_mq_receive(mqh, &nbytes, &data, true) == SHM_MQ_SUCCESS)
				break;
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("the desired state's background worker stopped without an answer"),
					 errhint("The server log says why.")));
		}
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 100L, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
	if (nbytes < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("the desired state's reader sent an empty answer")));
	answer = palloc(nbytes);
	memcpy(answer, data, nbytes);

	/* the scratch database is gone before anything else is said */
	dsm_detach(seg);
	(void) WaitForBackgroundWorkerShutdown(keeper);
	if (answer[0] == 'E')
		raise_reader_error(answer, nbytes);
	m = model_transfer_in(answer + 1, nbytes - 1);
	map_types(m);
	return m;
}
