/*-------------------------------------------------------------------------
 *
 * writes.c
 *	  The catalog's write buffer: rows of migrate.applied, migrate.history
 *	  and migrate.ddl_log kept in memory and written together, following
 *	  the transaction they were made in: stored as they are (direct.c), or
 *	  where a table cannot take them so, with one INSERT per table.
 *
 * src/catalog/writes.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_namespace.h"
#include "catalog/namespace.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/sequence.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_proc.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/pg_lsn.h"
#include "utils/timestamp.h"
#include "utils/xid8.h"

#include "base/owner.h"
#include "base/util.h"
#include "catalog/catalog.h"
#include "catalog/catalog_int.h"

/* ----------------------------------------------------------------
 * Rows kept for later
 *
 * A push of 1,000 revisions used to write 3,000 rows one statement each
 * (applied, history, and the DDL log row of each CREATE TABLE), each
 * statement paying the executor's start and end and a switch to the
 * extension owner.  Instead the rows are made when their revision runs,
 * with every value taken then (times, roles, application_name, WAL
 * position), kept in memory, and written together, each table opened once
 * (catalog_flush), at the end of the push, and before any other catalog
 * query runs, so that nothing migrate reads ever misses them.  They are
 * written in the order they were made, so their sequence numbers come out
 * as before; a DDL log row takes its number when it is made, as other
 * sessions log their DDL meanwhile, and the log's order is the order
 * things happened.
 *
 * Rows of applied and history are kept only between
 * catalog_defer_writes(true) and (false) (a push, downgrade, reset or
 * stamp); elsewhere each is written at once, with what is kept before it
 * (a deploy writes its revision's rows before it commits).  Rows of the DDL
 * log are always kept: a migration's go with its other rows, and those of
 * DDL out of band are written just before their transaction commits
 * (flush_ddl_before_commit), unless a catalog query comes first; so DDL out
 * of band pays no subtransaction per statement either, which cost more the
 * more the transaction had created.
 *
 * They follow the transaction they were made in: a subtransaction that
 * rolls back takes the rows made inside it (a revision of a deploy that
 * fails, a script's own exception block, a savepoint rolled back to); a
 * transaction that rolls back takes them all; and a commit with rows of
 * applied or history still kept is a bug.
 * ----------------------------------------------------------------
 */

typedef struct KeptApplied
{
	SubTransactionId subid;		/* made in this subtransaction */
	char	   *id;
	TimestampTz at;
	char	   *role;
	Interval   *duration;		/* NULL when stamped */
} KeptApplied;

typedef struct KeptHistory
{
	SubTransactionId subid;
	char	   *id;
	char	   *action;
	TimestampTz started;
	Interval   *duration;		/* NULL: none */
	char	   *role;
	char	   *application_name;
	XLogRecPtr	wal_lsn;
	char	   *checksum;		/* NULL: none */
	char	   *error;			/* NULL: not a failure */
	char	   *sqlstate;
	int			statement;		/* 0: NULL statement and line */
	int			line;
} KeptHistory;

typedef struct KeptDdl
{
	SubTransactionId subid;
	int64		seq;			/* taken when the row was made */
	DdlLogRow	row;
} KeptDdl;

static MemoryContext kept_cxt = NULL;
static List *kept_applied = NIL;
static List *kept_history = NIL;
static List *kept_ddl = NIL;

/* applied and history rows are kept, since this subtransaction */
static bool deferring = false;
static SubTransactionId deferring_subid = InvalidSubTransactionId;

bool
catalog_pending_rows(void)
{
	return kept_applied != NIL || kept_history != NIL || kept_ddl != NIL;
}

static void
forget_kept_rows(void)
{
	kept_applied = kept_history = kept_ddl = NIL;
	if (kept_cxt)
		MemoryContextReset(kept_cxt);
}

/*
 * The rows a list holds up to the first one made in subtransaction subid
 * or a later one: rows are made in order, and every subtransaction that
 * began after subid has a larger id, so those are a suffix of the list.
 */
static List *
truncate_kept(List *rows, SubTransactionId subid)
{
	ListCell   *lc;

	foreach(lc, rows)
	{
		/* every Kept* struct starts with its subid */
		if (*(SubTransactionId *) lfirst(lc) >= subid)
			return list_truncate(rows, foreach_current_index(lc));
	}
	return rows;
}

/*
 * Take from *rows the rows made in subtransaction subid or a later one (a
 * suffix: see truncate_kept) and return them; the earlier ones stay.
 */
static List *
split_kept(List **rows, SubTransactionId subid)
{
	ListCell   *lc;
	List	   *tail;

	foreach(lc, *rows)
	{
		if (*(SubTransactionId *) lfirst(lc) >= subid)
		{
			int			i = foreach_current_index(lc);

			tail = list_copy_tail(*rows, i);
			*rows = list_truncate(*rows, i);
			return tail;
		}
	}
	return NIL;
}

static void
kept_rows_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
						   SubTransactionId parentSubid, void *arg)
{
	if (event != SUBXACT_EVENT_ABORT_SUB)
		return;
	kept_applied = truncate_kept(kept_applied, mySubid);
	kept_history = truncate_kept(kept_history, mySubid);
	kept_ddl = truncate_kept(kept_ddl, mySubid);
	if (deferring && mySubid <= deferring_subid)
		deferring = false;
}

/*
 * Out-of-band DDL log rows still kept when the transaction commits: written
 * now, in a subtransaction of their own, whose failure is a WARNING (as it
 * was when each statement wrote its rows at once): a schema change is not
 * refused because the log could not take it.
 */
static void flush_rows(SubTransactionId from);

static void
flush_ddl_before_commit(void)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	volatile int n = list_length(kept_ddl);
	bool		read_only = XactReadOnly;

	/*
	 * A transaction made read-only after its DDL (SET TRANSACTION READ ONLY
	 * before COMMIT) has written already: its log rows are written all the
	 * same, or any role could keep its changes out of the log.
	 */
	XactReadOnly = false;
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcontext);
	PG_TRY();
	{
		PushActiveSnapshot(GetTransactionSnapshot());
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "could not connect to SPI");
		flush_rows(InvalidSubTransactionId);	/* all of them */
		SPI_finish();
		PopActiveSnapshot();
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
		XactReadOnly = read_only;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		XactReadOnly = read_only;
		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
		forget_kept_rows();
		ereport(WARNING,
				(errcode(ERRCODE_WARNING),
				 errmsg("could not log the schema changes of this transaction: %s",
						edata->message),
				 errdetail_plural("%d row is missing from migrate.ddl_log.",
								  "%d rows are missing from migrate.ddl_log.", n, n),
				 errhint("A superuser can stop the logging with SET migrate.guard = off, or ALTER EVENT TRIGGER migrate_ddl_command_end DISABLE.")));
		FreeErrorData(edata);
	}
	PG_END_TRY();
}

static void
kept_rows_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PARALLEL_PRE_COMMIT:
		case XACT_EVENT_PRE_PREPARE:
			if (kept_applied != NIL || kept_history != NIL)
				elog(ERROR, "migrate catalog rows were made but not written");
			if (kept_ddl != NIL)
				flush_ddl_before_commit();
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
			forget_kept_rows();
			deferring = false;
			break;
		default:
			break;
	}
}

/* The context the kept rows live in, made (with the callbacks) once */
static MemoryContext
kept_context(void)
{
	if (kept_cxt == NULL)
	{
		kept_cxt = AllocSetContextCreate(TopMemoryContext,
										 "migrate kept rows",
										 ALLOCSET_DEFAULT_SIZES);
		RegisterXactCallback(kept_rows_xact_callback, NULL);
		RegisterSubXactCallback(kept_rows_subxact_callback, NULL);
	}
	return kept_cxt;
}

static char *
kept_strdup(const char *s)
{
	return s ? MemoryContextStrdup(kept_cxt, s) : NULL;
}

static Interval *
kept_interval(const Interval *iv)
{
	Interval   *copy;

	if (iv == NULL)
		return NULL;
	copy = MemoryContextAlloc(kept_cxt, sizeof(Interval));
	*copy = *iv;
	return copy;
}

/*
 * Keep the applied and history rows of the revisions that run from now on
 * (on), or write what is kept and stop keeping them (off).  A push keeps
 * its rows for one INSERT per table at its end; a subtransaction rolled
 * back around the call ends the keeping too.
 */
void
catalog_defer_writes(bool on)
{
	if (on)
	{
		(void) kept_context();
		deferring = true;
		deferring_subid = GetCurrentSubTransactionId();
	}
	else
	{
		deferring = false;
		catalog_flush();
	}
}

/* Column arrays of the kept rows, one element per row */
typedef struct ColumnArray
{
	Oid			elemtype;
	Datum	   *values;
	bool	   *nulls;
} ColumnArray;

static void
column_set_text(ColumnArray *c, int i, const char *s)
{
	c->nulls[i] = s == NULL;
	c->values[i] = s ? CStringGetTextDatum(s) : (Datum) 0;
}

static void
column_set_interval(ColumnArray *c, int i, Interval *iv)
{
	c->nulls[i] = iv == NULL;
	c->values[i] = iv ? IntervalPGetDatum(iv) : (Datum) 0;
}

static void
column_set_name(ColumnArray *c, int i, const char *s)
{
	c->values[i] = DirectFunctionCall1(namein, CStringGetDatum(s));
}

static Datum
column_array(ColumnArray *c, int n)
{
	int			dims[1] = {n};
	int			lbs[1] = {1};
	int16		typlen;
	bool		typbyval;
	char		typalign;

	get_typlenbyvalalign(c->elemtype, &typlen, &typbyval, &typalign);
	return PointerGetDatum(construct_md_array(c->values, c->nulls, 1, dims, lbs,
											  c->elemtype, typlen, typbyval,
											  typalign));
}

static void
fill_ddl(void *kept, ColumnArray *c, int i)
{
	KeptDdl    *k = kept;
	DdlLogRow  *r = &k->row;

	c[0].values[i] = TimestampTzGetDatum(r->logged_at);
	column_set_name(&c[1], i, r->session_role);
	column_set_name(&c[2], i, r->run_by);
	column_set_text(&c[3], i, r->application_name);
	column_set_text(&c[4], i, r->command_tag);
	column_set_text(&c[5], i, r->object_type);
	column_set_text(&c[6], i, r->object_identity);
	column_set_text(&c[7], i, r->schema_name);
	c[8].values[i] = BoolGetDatum(r->dropped);
	column_set_text(&c[9], i, r->statement);
	column_set_text(&c[10], i, r->revision);
	c[11].values[i] = Int64GetDatum(k->seq);
}

static void
fill_applied(void *kept, ColumnArray *c, int i)
{
	KeptApplied *r = kept;

	column_set_text(&c[0], i, r->id);
	c[1].values[i] = TimestampTzGetDatum(r->at);
	column_set_name(&c[2], i, r->role);
	column_set_interval(&c[3], i, r->duration);
}

static void
fill_history(void *kept, ColumnArray *c, int i)
{
	KeptHistory *r = kept;

	column_set_text(&c[0], i, r->id);
	column_set_text(&c[1], i, r->action);
	c[2].values[i] = TimestampTzGetDatum(r->started);
	column_set_interval(&c[3], i, r->duration);
	column_set_name(&c[4], i, r->role);
	column_set_text(&c[5], i, r->application_name);
	c[6].values[i] = LSNGetDatum(r->wal_lsn);
	column_set_text(&c[7], i, r->checksum);
	column_set_text(&c[8], i, r->error);
	column_set_text(&c[9], i, r->sqlstate);
	c[10].nulls[i] = c[11].nulls[i] = r->statement <= 0;
	c[10].values[i] = Int32GetDatum(r->statement);
	c[11].values[i] = Int32GetDatum(r->line);
}

#define MAX_KEPT_COLUMNS 12

/* A name value, as the column takes it */
static Datum
name_datum(const char *s)
{
	return DirectFunctionCall1(namein, CStringGetDatum(s));
}

static Datum
text_or_null(const char *s, bool *isnull)
{
	*isnull = s == NULL;
	return s ? CStringGetTextDatum(s) : (Datum) 0;
}

/* What pg_current_xact_id() says: the top transaction's id, assigned now */
static Datum
current_xact_id(void)
{
	return FullTransactionIdGetDatum(GetTopFullTransactionId());
}

/* The next value of the catalog's sequence seqname, with no privilege check */
static Datum
catalog_nextval(const char *seqname)
{
	Oid			seqid = get_relname_relid(seqname, ext_catalog_schema());

	if (!OidIsValid(seqid))
		catalog_damaged(psprintf("sequence migrate.%s is missing", seqname));
	return Int64GetDatum(nextval_internal(seqid, false));
}

/*
 * The columns of each table as direct.c stores them (catalog_int.h): every
 * column, what SQL's defaults filled in given too (the sequence numbers,
 * the session's user and address, the backend's pid, the transaction),
 * with the same values.
 */
enum
{
	DDL_SEQ, DDL_LOGGED_AT, DDL_SESSION_ROLE, DDL_RUN_BY, DDL_APPLICATION_NAME,
	DDL_BACKEND_PID, DDL_XID, DDL_COMMAND_TAG, DDL_OBJECT_TYPE,
	DDL_OBJECT_IDENTITY, DDL_SCHEMA_NAME, DDL_DROPPED, DDL_STATEMENT,
	DDL_REVISION, DDL_NCOLS
};

static const DirectColumn ddl_columns[DDL_NCOLS] = {
	{"seq", INT8OID}, {"logged_at", TIMESTAMPTZOID}, {"session_role", NAMEOID},
	{"run_by", NAMEOID}, {"application_name", TEXTOID},
	{"backend_pid", INT4OID}, {"xid", XID8OID}, {"command_tag", TEXTOID},
	{"object_type", TEXTOID}, {"object_identity", TEXTOID},
	{"schema_name", TEXTOID}, {"dropped", BOOLOID}, {"statement", TEXTOID},
	{"revision", TEXTOID}
};

static void
row_ddl(void *kept, Datum *v, bool *n)
{
	KeptDdl    *k = kept;
	DdlLogRow  *r = &k->row;

	v[DDL_SEQ] = Int64GetDatum(k->seq);
	v[DDL_LOGGED_AT] = TimestampTzGetDatum(r->logged_at);
	v[DDL_SESSION_ROLE] = name_datum(r->session_role);
	v[DDL_RUN_BY] = name_datum(r->run_by);
	v[DDL_APPLICATION_NAME] = text_or_null(r->application_name, &n[DDL_APPLICATION_NAME]);
	v[DDL_BACKEND_PID] = Int32GetDatum(MyProcPid);
	v[DDL_XID] = current_xact_id();
	v[DDL_COMMAND_TAG] = text_or_null(r->command_tag, &n[DDL_COMMAND_TAG]);
	v[DDL_OBJECT_TYPE] = text_or_null(r->object_type, &n[DDL_OBJECT_TYPE]);
	v[DDL_OBJECT_IDENTITY] = text_or_null(r->object_identity, &n[DDL_OBJECT_IDENTITY]);
	v[DDL_SCHEMA_NAME] = text_or_null(r->schema_name, &n[DDL_SCHEMA_NAME]);
	v[DDL_DROPPED] = BoolGetDatum(r->dropped);
	v[DDL_STATEMENT] = text_or_null(r->statement, &n[DDL_STATEMENT]);
	v[DDL_REVISION] = text_or_null(r->revision, &n[DDL_REVISION]);
}

enum
{
	APPLIED_ID, APPLIED_AT, APPLIED_BY, APPLIED_DURATION, APPLIED_NCOLS
};

static const DirectColumn applied_columns[APPLIED_NCOLS] = {
	{"id", TEXTOID}, {"applied_at", TIMESTAMPTZOID}, {"applied_by", NAMEOID},
	{"duration", INTERVALOID}
};

static void
row_applied(void *kept, Datum *v, bool *n)
{
	KeptApplied *r = kept;

	v[APPLIED_ID] = CStringGetTextDatum(r->id);
	v[APPLIED_AT] = TimestampTzGetDatum(r->at);
	v[APPLIED_BY] = name_datum(r->role);
	n[APPLIED_DURATION] = r->duration == NULL;
	v[APPLIED_DURATION] = r->duration ? IntervalPGetDatum(r->duration) : (Datum) 0;
}

enum
{
	HIST_SEQ, HIST_REVISION, HIST_ACTION, HIST_STARTED_AT, HIST_DURATION,
	HIST_SESSION_ROLE, HIST_RUN_BY, HIST_APPLICATION_NAME, HIST_CLIENT_ADDR,
	HIST_BACKEND_PID, HIST_XID, HIST_WAL_LSN, HIST_CHECKSUM, HIST_ERROR,
	HIST_SQLSTATE, HIST_STATEMENT, HIST_LINE, HIST_FINGERPRINT, HIST_NCOLS
};

static const DirectColumn history_columns[HIST_NCOLS] = {
	{"seq", INT8OID}, {"revision", TEXTOID}, {"action", TEXTOID},
	{"started_at", TIMESTAMPTZOID}, {"duration", INTERVALOID},
	{"session_role", NAMEOID}, {"run_by", NAMEOID},
	{"application_name", TEXTOID}, {"client_addr", INETOID},
	{"backend_pid", INT4OID}, {"xid", XID8OID}, {"wal_lsn", PG_LSNOID},
	{"checksum", TEXTOID}, {"error", TEXTOID}, {"sqlstate", TEXTOID},
	{"statement", INT4OID}, {"line", INT4OID}, {"fingerprint", TEXTOID}
};

static void
row_history(void *kept, Datum *v, bool *n)
{
	KeptHistory *r = kept;
	LOCAL_FCINFO(fcinfo, 0);

	v[HIST_SEQ] = catalog_nextval("history_seq");
	v[HIST_REVISION] = CStringGetTextDatum(r->id);
	v[HIST_ACTION] = CStringGetTextDatum(r->action);
	v[HIST_STARTED_AT] = TimestampTzGetDatum(r->started);
	n[HIST_DURATION] = r->duration == NULL;
	v[HIST_DURATION] = r->duration ? IntervalPGetDatum(r->duration) : (Datum) 0;
	v[HIST_SESSION_ROLE] = name_datum(GetUserNameFromId(GetSessionUserId(), false));
	v[HIST_RUN_BY] = name_datum(r->role);
	v[HIST_APPLICATION_NAME] = text_or_null(r->application_name, &n[HIST_APPLICATION_NAME]);
	/* inet_client_addr(): NULL on a Unix socket */
	InitFunctionCallInfoData(*fcinfo, NULL, 0, InvalidOid, NULL, NULL);
	v[HIST_CLIENT_ADDR] = inet_client_addr(fcinfo);
	n[HIST_CLIENT_ADDR] = fcinfo->isnull;
	v[HIST_BACKEND_PID] = Int32GetDatum(MyProcPid);
	v[HIST_XID] = current_xact_id();
	v[HIST_WAL_LSN] = LSNGetDatum(r->wal_lsn);
	v[HIST_CHECKSUM] = text_or_null(r->checksum, &n[HIST_CHECKSUM]);
	v[HIST_ERROR] = text_or_null(r->error, &n[HIST_ERROR]);
	v[HIST_SQLSTATE] = text_or_null(r->sqlstate, &n[HIST_SQLSTATE]);
	n[HIST_STATEMENT] = n[HIST_LINE] = r->statement <= 0;
	v[HIST_STATEMENT] = Int32GetDatum(r->statement);
	v[HIST_LINE] = Int32GetDatum(r->line);
	n[HIST_FINGERPRINT] = true;
}

/*
 * How the kept rows of one table are written.  Where the table can take
 * them (direct.c), each row is stored as it is: relname, the columns, and
 * row() to give one kept row's values.  Otherwise (a table that has been
 * given a trigger or a column of its own), with SQL: an INSERT ... SELECT
 * FROM ROWS FROM (unnest($1), unnest($2), ...) over one array per column,
 * of the element types given, which fill() sets from one kept row.  What
 * the server fills in itself, the same all through the call, is left to
 * the statement: the transaction id, the backend's pid, and for the history
 * its number and the session's user and address.
 */
typedef struct KeptTable
{
	const char *relname;
	const DirectColumn *columns;
	int			ncolumns;
	void		(*row) (void *kept, Datum *values, bool *nulls);
	const char *sql;
	int			ncols;
	Oid			types[MAX_KEPT_COLUMNS];
	void		(*fill) (void *kept, ColumnArray *c, int i);
} KeptTable;

static const KeptTable ddl_table = {
	"ddl_log", ddl_columns, DDL_NCOLS, row_ddl,
	"INSERT INTO migrate.ddl_log (logged_at, session_role, run_by,"
	" application_name, xid, command_tag, object_type, object_identity,"
	" schema_name, dropped, statement, revision, seq)"
	" SELECT l.logged_at, l.session_role, l.run_by, l.application_name,"
	" pg_catalog.pg_current_xact_id(), l.command_tag, l.object_type,"
	" l.object_identity, l.schema_name, l.dropped, l.statement, l.revision, l.seq"
	" FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2),"
	" pg_catalog.unnest($3), pg_catalog.unnest($4), pg_catalog.unnest($5),"
	" pg_catalog.unnest($6), pg_catalog.unnest($7), pg_catalog.unnest($8),"
	" pg_catalog.unnest($9), pg_catalog.unnest($10), pg_catalog.unnest($11),"
	" pg_catalog.unnest($12))"
	" AS l(logged_at, session_role, run_by, application_name, command_tag,"
	" object_type, object_identity, schema_name, dropped, statement, revision, seq)",
	12,
	{TIMESTAMPTZOID, NAMEOID, NAMEOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID,
	TEXTOID, BOOLOID, TEXTOID, TEXTOID, INT8OID},
	fill_ddl
};

static const KeptTable applied_table = {
	"applied", applied_columns, APPLIED_NCOLS, row_applied,
	"INSERT INTO migrate.applied (id, applied_at, applied_by, duration)"
	" SELECT a.id, a.applied_at, a.applied_by, a.duration"
	" FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2),"
	" pg_catalog.unnest($3), pg_catalog.unnest($4))"
	" AS a(id, applied_at, applied_by, duration)",
	4,
	{TEXTOID, TIMESTAMPTZOID, NAMEOID, INTERVALOID},
	fill_applied
};

static const KeptTable history_table = {
	"history", history_columns, HIST_NCOLS, row_history,
	"INSERT INTO migrate.history (revision, action, started_at, duration,"
	" run_by, application_name, xid, wal_lsn, checksum, error, sqlstate,"
	" statement, line)"
	" SELECT h.revision, h.action, h.started_at, h.duration, h.run_by,"
	" h.application_name, pg_catalog.pg_current_xact_id(), h.wal_lsn,"
	" h.checksum, h.error, h.sqlstate, h.statement, h.line"
	" FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2),"
	" pg_catalog.unnest($3), pg_catalog.unnest($4), pg_catalog.unnest($5),"
	" pg_catalog.unnest($6), pg_catalog.unnest($7), pg_catalog.unnest($8),"
	" pg_catalog.unnest($9), pg_catalog.unnest($10), pg_catalog.unnest($11),"
	" pg_catalog.unnest($12))"
	" AS h(revision, action, started_at, duration, run_by,"
	" application_name, wal_lsn, checksum, error, sqlstate, statement, line)",
	12,
	{TEXTOID, TEXTOID, TIMESTAMPTZOID, INTERVALOID, NAMEOID, TEXTOID,
	PG_LSNOID, TEXTOID, TEXTOID, TEXTOID, INT4OID, INT4OID},
	fill_history
};

/*
 * Store the kept rows of one table as they are (direct.c), in their order;
 * false, having written nothing, when the table cannot take them so.
 */
static bool
insert_kept_direct(const KeptTable *t, List *rows)
{
	DirectWriter *w = direct_open(t->relname, t->columns, t->ncolumns);
	MemoryContext row_cxt;
	MemoryContext oldcxt;
	ListCell   *lc;

	if (w == NULL)
		return false;
	row_cxt = AllocSetContextCreate(CurrentMemoryContext, "migrate kept row",
									ALLOCSET_SMALL_SIZES);
	foreach(lc, rows)
	{
		Datum		values[DIRECT_MAX_COLUMNS];
		bool		nulls[DIRECT_MAX_COLUMNS] = {0};

		oldcxt = MemoryContextSwitchTo(row_cxt);
		t->row(lfirst(lc), values, nulls);
		direct_insert(w, values, nulls);
		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(row_cxt);
	}
	MemoryContextDelete(row_cxt);
	direct_close(w);
	return true;
}

/*
 * Write the kept rows of one table with one statement, in their order (the
 * function scan returns them so, and the sequence defaults are taken in
 * that order).
 */
static void
insert_kept(const KeptTable *t, List *rows)
{
	int			n = list_length(rows);
	ColumnArray c[MAX_KEPT_COLUMNS];
	Oid			argtypes[MAX_KEPT_COLUMNS];
	Datum		args[MAX_KEPT_COLUMNS];
	ListCell   *lc;

	if (n == 0)
		return;
	if (insert_kept_direct(t, rows))
		return;
	for (int j = 0; j < t->ncols; j++)
	{
		c[j].elemtype = t->types[j];
		c[j].values = palloc(sizeof(Datum) * n);
		c[j].nulls = palloc0(sizeof(bool) * n);
	}
	foreach(lc, rows)
		t->fill(lfirst(lc), c, foreach_current_index(lc));
	for (int j = 0; j < t->ncols; j++)
	{
		argtypes[j] = get_array_type(t->types[j]);
		args[j] = column_array(&c[j], n);
	}
	catalog_exec_kept(t->sql, t->ncols, argtypes, args, NULL, SPI_OK_INSERT);
}

/*
 * Write every kept row: one INSERT per table, each in the order the rows
 * were made.  The caller holds the SPI connection.  The lists are taken
 * before writing, so an error leaves nothing kept to write twice (the
 * transaction or subtransaction it aborts takes the rows anyway).
 */
void
catalog_flush(void)
{
	flush_rows(GetCurrentSubTransactionId());
}

/* Write the kept rows made in subtransaction "from" or later */
static void
flush_rows(SubTransactionId from)
{
	List	   *ddl;
	List	   *applied;
	List	   *history;

	if (!catalog_pending_rows())
		return;

	/*
	 * Only the rows of this (sub)transaction level: rows made at an outer
	 * level stay kept until the level they belong to writes them (at the
	 * latest just before commit).  Written here, they would go with this
	 * level if it were rolled back (a savepoint, a script's exception
	 * block), and nothing would write them again.
	 */
	ddl = split_kept(&kept_ddl, from);
	applied = split_kept(&kept_applied, from);
	history = split_kept(&kept_history, from);
	insert_kept(&ddl_table, ddl);
	insert_kept(&applied_table, applied);
	insert_kept(&history_table, history);
	if (!catalog_pending_rows())
		MemoryContextReset(kept_cxt);
}

/*
 * Keep rows of the DDL log (copied), each numbered now: they are written
 * by the next catalog query, at the end of a push, or before the
 * transaction commits.
 */
void
catalog_log_ddl(List *rows)
{
	SubTransactionId subid = GetCurrentSubTransactionId();
	MemoryContext oldcxt;
	Oid			seqid = InvalidOid;
	ListCell   *lc;

	if (rows == NIL)
		return;

	/*
	 * The row's number, as the column's default would give it, with no
	 * privilege check: the log writer numbers its own rows.
	 */
	seqid = get_relname_relid("ddl_log_seq", ext_catalog_schema());
	if (!OidIsValid(seqid))
		catalog_damaged("sequence migrate.ddl_log_seq is missing");

	oldcxt = MemoryContextSwitchTo(kept_context());
	foreach(lc, rows)
	{
		DdlLogRow  *r = lfirst(lc);
		KeptDdl    *k = palloc(sizeof(KeptDdl));

		k->subid = subid;
		k->seq = nextval_internal(seqid, false);
		k->row.logged_at = r->logged_at;
		k->row.session_role = kept_strdup(r->session_role);
		k->row.run_by = kept_strdup(r->run_by);
		k->row.application_name = kept_strdup(r->application_name);
		k->row.command_tag = kept_strdup(r->command_tag);
		k->row.object_type = kept_strdup(r->object_type);
		k->row.object_identity = kept_strdup(r->object_identity);
		k->row.schema_name = kept_strdup(r->schema_name);
		k->row.dropped = r->dropped;
		k->row.statement = kept_strdup(r->statement);
		k->row.revision = kept_strdup(r->revision);
		kept_ddl = lappend(kept_ddl, k);
	}
	MemoryContextSwitchTo(oldcxt);
}

/*
 * Mark a revision applied (a row of migrate.applied); kept for later while
 * writes are deferred.
 */
void
catalog_mark_applied(const char *id, const char *role, TimestampTz at,
					 const Interval *duration)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(kept_context());
	KeptApplied *k = palloc(sizeof(KeptApplied));

	k->subid = GetCurrentSubTransactionId();
	k->id = kept_strdup(id);
	k->at = at;
	k->role = kept_strdup(role);
	k->duration = kept_interval(duration);
	kept_applied = lappend(kept_applied, k);
	MemoryContextSwitchTo(oldcxt);
	if (!deferring)
		catalog_flush();
}

void
catalog_unmark_applied(const char *id)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(id)};

	catalog_exec("DELETE FROM migrate.applied WHERE id OPERATOR(pg_catalog.=) $1",
				 1, types, values, NULL, SPI_OK_DELETE);
}

/*
 * Append to the history; kept for later while writes are deferred.  Who
 * and where come from the server itself (session_user, client address,
 * backend pid, transaction id, WAL position), not from anything a client
 * could claim; role is the caller's current_user.  What could change before
 * the row is written (application_name, the WAL position) is taken now.
 */
void
catalog_log_history(const char *id, const char *action, const char *role,
					TimestampTz started, const Interval *duration,
					const char *checksum, const HistoryFailure *failure)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(kept_context());
	KeptHistory *k = palloc0(sizeof(KeptHistory));

	k->subid = GetCurrentSubTransactionId();
	k->id = kept_strdup(id);
	k->action = kept_strdup(action);
	k->started = started;
	k->duration = kept_interval(duration);
	k->role = kept_strdup(role);
	k->application_name = GetConfigOptionByName("application_name", NULL, false);
	k->wal_lsn = GetXLogInsertRecPtr();
	k->checksum = kept_strdup(checksum);
	if (failure)
	{
		k->error = kept_strdup(failure->message);
		k->sqlstate = kept_strdup(failure->sqlstate);
		k->statement = failure->statement;
		k->line = failure->line;
	}
	kept_history = lappend(kept_history, k);
	MemoryContextSwitchTo(oldcxt);
	if (!deferring)
		catalog_flush();
}

