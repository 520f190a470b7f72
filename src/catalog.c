/*-------------------------------------------------------------------------
 *
 * catalog.c
 *	  Every read and write of the extension's own tables in schema "migrate".
 *
 * Nobody but the extension owner holds any privilege on those tables, so
 * that a role granted migrate_push() can apply migrations but can neither
 * forge nor erase their record.  Each access here switches to the extension
 * owner (as pg_cron does) and pins search_path to pg_catalog for its
 * duration, so that no object a user created can be reached with the owner's
 * rights; every name is qualified as well.  Migration scripts never run
 * inside such a switch: apply.c runs them with the caller's rights.
 *
 * All queries go through SPI with $n parameters; the caller holds the SPI
 * connection.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "migrate.h"

typedef struct CatalogAccess
{
	Oid			save_userid;
	int			save_sec_context;
	int			save_nestlevel;
} CatalogAccess;

/* The owner of extension "migrate", looked up once per transaction */
static Oid	owner_oid = InvalidOid;
static LocalTransactionId owner_lxid = InvalidLocalTransactionId;

Oid
catalog_extension_owner(void)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;

	if (owner_lxid == MyProc->lxid && OidIsValid(owner_oid))
		return owner_oid;

	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber,
				F_NAMEEQ, CStringGetDatum("migrate"));
	scan = systable_beginscan(rel, ExtensionNameIndexId, true, NULL, 1, &key);
	tuple = systable_getnext(scan);
	if (!HeapTupleIsValid(tuple))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("extension \"migrate\" is not installed in this database"),
				 errhint("Run CREATE EXTENSION migrate.")));
	owner_oid = ((Form_pg_extension) GETSTRUCT(tuple))->extowner;
	owner_lxid = MyProc->lxid;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return owner_oid;
}

static void
catalog_enter(CatalogAccess *a)
{
	Oid			owner = catalog_extension_owner();

	GetUserIdAndSecContext(&a->save_userid, &a->save_sec_context);
	SetUserIdAndSecContext(owner, a->save_sec_context |
						   SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	a->save_nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}

static void
catalog_leave(CatalogAccess *a)
{
	AtEOXact_GUC(true, a->save_nestlevel);
	SetUserIdAndSecContext(a->save_userid, a->save_sec_context);
}

/*
 * Plans of the catalog queries, prepared once per backend and kept: a push
 * of 1,000 revisions runs each bookkeeping query 1,000 times.  Every query
 * is a string literal of this file, so its address names it.
 */
typedef struct KeptPlan
{
	const char *sql;			/* hash key: the literal's address */
	SPIPlanPtr	plan;
} KeptPlan;

static HTAB *kept_plans = NULL;

static SPIPlanPtr
kept_plan(const char *sql, int nargs, Oid *types)
{
	KeptPlan   *e;
	bool		found;

	if (kept_plans == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(const char *);
		ctl.entrysize = sizeof(KeptPlan);
		ctl.hcxt = TopMemoryContext;
		kept_plans = hash_create("migrate kept plans", 32, &ctl,
								 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	e = hash_search(kept_plans, &sql, HASH_ENTER, &found);
	if (!found)
		e->plan = NULL;
	if (e->plan == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare(sql, nargs, types);

		if (plan == NULL)
			elog(ERROR, "could not prepare catalog query: %s",
				 SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "could not keep catalog query");
		e->plan = plan;
	}
	return e->plan;
}

/*
 * Run one catalog query as the extension owner, through its kept plan;
 * fails on anything but the expected SPI result code.  The plan is made
 * and used under the pinned search_path, so nothing a user created can be
 * bound into it.
 */
static void
catalog_exec(const char *sql, int nargs, Oid *types, Datum *values,
			 const char *nulls, int expected)
{
	CatalogAccess a;
	int			rc;

	catalog_enter(&a);
	rc = SPI_execute_plan(kept_plan(sql, nargs, types), values, nulls, false, 0);
	catalog_leave(&a);
	if (rc != expected)
		elog(ERROR, "catalog query failed: %s", SPI_result_code_string(rc));
}

/* Column i (1-based) of row r of the last result, as a C string or NULL */
static char *
get_text(int r, int i)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc,
								  i, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

static Datum
get_datum(int r, int i, bool *isnull)
{
	return SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, i,
						 isnull);
}

/* A text[] datum as a List of C strings */
static List *
text_array_to_list(Datum d)
{
	ArrayType  *arr = DatumGetArrayTypeP(d);
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	List	   *result = NIL;

	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, &n);
	for (int i = 0; i < n; i++)
		if (!nulls[i])
			result = lappend(result, TextDatumGetCString(elems[i]));
	return result;
}

static Datum
list_to_text_array(List *ids)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(list_length(ids), 1));
	ListCell   *lc;
	int			n = 0;

	foreach(lc, ids)
		elems[n++] = CStringGetTextDatum(lfirst(lc));
	return PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false,
										   TYPALIGN_INT));
}

/*
 * Serialize every change to the catalog: a transaction-scoped advisory lock,
 * taken before the catalog is read, so that a second pusher waits and then
 * sees what the first one applied.
 */
void
catalog_lock(void)
{
	DirectFunctionCall2(pg_advisory_xact_lock_int4,
						Int32GetDatum(MIGRATE_LOCK_CLASS),
						Int32GetDatum(MIGRATE_LOCK_KEY));
}

/*
 * The whole revision graph, without scripts.
 */
RevGraph *
catalog_load_graph(void)
{
	RevNode    *nodes;
	List	  **parents;
	int			n;

	catalog_exec("SELECT r.id, r.parents, r.message, r.position,"
				 " r.down_sql IS NOT NULL, a.applied_at, a.applied_by"
				 " FROM migrate.revision r"
				 " LEFT JOIN migrate.applied a ON a.id OPERATOR(pg_catalog.=) r.id"
				 " ORDER BY r.position",
				 0, NULL, NULL, NULL, SPI_OK_SELECT);

	n = (int) SPI_processed;
	nodes = palloc0(sizeof(RevNode) * Max(n, 1));
	parents = palloc0(sizeof(List *) * Max(n, 1));
	for (int r = 0; r < n; r++)
	{
		bool		isnull;
		Datum		d;

		nodes[r].id = get_text(r, 1);
		parents[r] = text_array_to_list(get_datum(r, 2, &isnull));
		nodes[r].message = get_text(r, 3);
		nodes[r].position = DatumGetInt64(get_datum(r, 4, &isnull));
		nodes[r].reversible = DatumGetBool(get_datum(r, 5, &isnull));
		d = get_datum(r, 6, &isnull);
		nodes[r].applied = !isnull;
		if (!isnull)
		{
			nodes[r].applied_at = DatumGetTimestampTz(d);
			nodes[r].applied_by = pstrdup(NameStr(*DatumGetName(get_datum(r, 7, &isnull))));
		}
	}
	SPI_freetuptable(SPI_tuptable);

	return graph_build(n, nodes, parents);
}

/*
 * One revision with its scripts, or NULL if there is none with this id.
 */
RevisionRow *
catalog_get_revision(const char *id)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(id)};
	RevisionRow *row;
	bool		isnull;
	Datum		d;

	catalog_exec("SELECT r.id, r.parents, r.message, r.up_sql, r.down_sql,"
				 " r.checksum, r.created_at, r.created_by, a.applied_at"
				 " FROM migrate.revision r"
				 " LEFT JOIN migrate.applied a ON a.id OPERATOR(pg_catalog.=) r.id"
				 " WHERE r.id OPERATOR(pg_catalog.=) $1",
				 1, types, values, NULL, SPI_OK_SELECT);
	if (SPI_processed == 0)
		return NULL;

	row = palloc0(sizeof(RevisionRow));
	row->id = get_text(0, 1);
	row->parents = text_array_to_list(get_datum(0, 2, &isnull));
	row->message = get_text(0, 3);
	row->up_sql = get_text(0, 4);
	row->down_sql = get_text(0, 5);
	row->checksum = get_text(0, 6);
	row->created_at = DatumGetTimestampTz(get_datum(0, 7, &isnull));
	row->created_by = pstrdup(NameStr(*DatumGetName(get_datum(0, 8, &isnull))));
	d = get_datum(0, 9, &isnull);
	row->applied = !isnull;
	if (!isnull)
		row->applied_at = DatumGetTimestampTz(d);
	SPI_freetuptable(SPI_tuptable);
	return row;
}

static void
revision_params(RevisionRow *row, Oid *types, Datum *values, char *nulls)
{
	types[0] = TEXTOID;
	values[0] = CStringGetTextDatum(row->id);
	types[1] = TEXTARRAYOID;
	values[1] = list_to_text_array(row->parents);
	types[2] = TEXTOID;
	values[2] = CStringGetTextDatum(row->message);
	types[3] = TEXTOID;
	values[3] = CStringGetTextDatum(row->up_sql);
	types[4] = TEXTOID;
	values[4] = row->down_sql ? CStringGetTextDatum(row->down_sql) : (Datum) 0;
	nulls[4] = row->down_sql ? ' ' : 'n';
	types[5] = TEXTOID;
	values[5] = CStringGetTextDatum(row->checksum);
	types[6] = NAMEOID;
	values[6] = DirectFunctionCall1(namein, CStringGetDatum(row->created_by));
}

/* Register a new revision after every other one */
void
catalog_insert_revision(RevisionRow *row)
{
	Oid			types[7];
	Datum		values[7];
	char		nulls[8] = "       ";

	revision_params(row, types, values, nulls);
	catalog_exec("INSERT INTO migrate.revision"
				 " (id, parents, message, up_sql, down_sql, checksum, position, created_by)"
				 " SELECT $1, $2, $3, $4, $5, $6,"
				 " COALESCE(pg_catalog.max(position), 0) OPERATOR(pg_catalog.+) 1, $7"
				 " FROM migrate.revision",
				 7, types, values, nulls, SPI_OK_INSERT);
}

/* Replace an unapplied revision in place; it keeps its position */
void
catalog_update_revision(RevisionRow *row)
{
	Oid			types[7];
	Datum		values[7];
	char		nulls[8] = "       ";

	revision_params(row, types, values, nulls);
	catalog_exec("UPDATE migrate.revision"
				 " SET parents = $2, message = $3, up_sql = $4, down_sql = $5,"
				 " checksum = $6, created_at = pg_catalog.now(), created_by = $7"
				 " WHERE id OPERATOR(pg_catalog.=) $1",
				 7, types, values, nulls, SPI_OK_UPDATE);
}

void
catalog_mark_applied(const char *id, const char *role, TimestampTz at,
					 const Interval *duration)
{
	Oid			types[4] = {TEXTOID, TIMESTAMPTZOID, NAMEOID, INTERVALOID};
	Datum		values[4];
	char		nulls[5] = "    ";

	values[0] = CStringGetTextDatum(id);
	values[1] = TimestampTzGetDatum(at);
	values[2] = DirectFunctionCall1(namein, CStringGetDatum(role));
	values[3] = duration ? IntervalPGetDatum(duration) : (Datum) 0;
	nulls[3] = duration ? ' ' : 'n';
	catalog_exec("INSERT INTO migrate.applied (id, applied_at, applied_by, duration)"
				 " VALUES ($1, $2, $3, $4)",
				 4, types, values, nulls, SPI_OK_INSERT);
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
 * Append to the history.  Who and where come from the server itself
 * (session_user, client address, backend pid, transaction id, WAL position),
 * not from anything a client could claim; role is the caller's current_user.
 */
void
catalog_log_history(const char *id, const char *action, const char *role,
					TimestampTz started, const Interval *duration,
					const char *checksum, const HistoryFailure *failure)
{
	Oid			types[10] = {TEXTOID, TEXTOID, TIMESTAMPTZOID, INTERVALOID,
		NAMEOID, TEXTOID, TEXTOID, TEXTOID, INT4OID, INT4OID};
	Datum		values[10];
	char		nulls[11] = "          ";

	values[0] = CStringGetTextDatum(id);
	values[1] = CStringGetTextDatum(action);
	values[2] = TimestampTzGetDatum(started);
	values[3] = duration ? IntervalPGetDatum(duration) : (Datum) 0;
	nulls[3] = duration ? ' ' : 'n';
	values[4] = DirectFunctionCall1(namein, CStringGetDatum(role));
	values[5] = checksum ? CStringGetTextDatum(checksum) : (Datum) 0;
	nulls[5] = checksum ? ' ' : 'n';
	if (failure)
	{
		values[6] = CStringGetTextDatum(failure->message);
		values[7] = CStringGetTextDatum(failure->sqlstate);
		values[8] = Int32GetDatum(failure->statement);
		values[9] = Int32GetDatum(failure->line);
		nulls[8] = nulls[9] = failure->statement > 0 ? ' ' : 'n';
	}
	else
		nulls[6] = nulls[7] = nulls[8] = nulls[9] = 'n';
	catalog_exec("INSERT INTO migrate.history (revision, action, started_at,"
				 " duration, acting_role, application_name, xid, wal_lsn,"
				 " checksum, error, sqlstate, statement, line)"
				 " VALUES ($1, $2, $3, $4, $5,"
				 " pg_catalog.current_setting('application_name'),"
				 " pg_catalog.pg_current_xact_id(),"
				 " pg_catalog.pg_current_wal_insert_lsn(), $6, $7, $8, $9, $10)",
				 10, types, values, nulls, SPI_OK_INSERT);
}

/*
 * Whether every parent of a revision is applied now: what a committing
 * deploy checks again in each transaction.
 */
bool
catalog_parents_applied(const char *id)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(id)};
	bool		isnull;
	bool		result;

	catalog_exec("SELECT pg_catalog.cardinality(r.parents) OPERATOR(pg_catalog.=)"
				 " (SELECT pg_catalog.count(*) FROM migrate.applied a"
				 "  WHERE a.id OPERATOR(pg_catalog.=) ANY (r.parents))"
				 " FROM migrate.revision r WHERE r.id OPERATOR(pg_catalog.=) $1",
				 1, types, values, NULL, SPI_OK_SELECT);
	result = SPI_processed == 1 && DatumGetBool(get_datum(0, 1, &isnull));
	SPI_freetuptable(SPI_tuptable);
	return result;
}

/*
 * Run a catalog SELECT whose columns match the result type of the calling
 * set-returning function, and add every row to its tuplestore.
 */
void
catalog_select_into(const char *sql, int nargs, Oid *argtypes,
					Datum *args, const char *argnulls, ReturnSetInfo *rsinfo)
{
	TupleDesc	desc = rsinfo->setDesc;
	int			natts = desc->natts;
	Datum	   *values = palloc(sizeof(Datum) * natts);
	bool	   *nulls = palloc(sizeof(bool) * natts);

	catalog_exec(sql, nargs, argtypes, args, argnulls, SPI_OK_SELECT);
	if (SPI_tuptable->tupdesc->natts != natts)
		elog(ERROR, "catalog query returned %d columns, expected %d",
			 SPI_tuptable->tupdesc->natts, natts);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		heap_deform_tuple(SPI_tuptable->vals[r], SPI_tuptable->tupdesc,
						  values, nulls);
		tuplestore_putvalues(rsinfo->setResult, desc, values, nulls);
	}
	SPI_freetuptable(SPI_tuptable);
}

/* ----------------------------------------------------------------
 * The DDL log
 *
 * The event triggers run for every DDL statement in the database, so their
 * two queries are prepared once per backend and kept.
 * ----------------------------------------------------------------
 */

static const char *const log_commands_sql =
	"INSERT INTO migrate.ddl_log (acting_role, application_name, xid,"
	" command_tag, object_type, object_identity, schema_name, statement, revision)"
	" SELECT $1, pg_catalog.current_setting('application_name'),"
	" pg_catalog.pg_current_xact_id(), c.command_tag, c.object_type,"
	" c.object_identity, c.schema_name,"
	" CASE WHEN c.command_tag OPERATOR(pg_catalog.~) '(USER MAPPING|SERVER)$'"
	" THEN '(not logged: the statement may hold credentials)' ELSE $2 END, $3"
	" FROM pg_catalog.pg_event_trigger_ddl_commands() c"
	" WHERE NOT c.in_extension"
	" AND c.command_tag OPERATOR(pg_catalog.<>) 'REFRESH MATERIALIZED VIEW'"
	" AND (c.schema_name IS NULL OR c.schema_name OPERATOR(pg_catalog.!~) '^pg_temp')"
	" RETURNING object_identity";

static const char *const log_dropped_sql =
	"INSERT INTO migrate.ddl_log (acting_role, application_name, xid,"
	" command_tag, object_type, object_identity, schema_name, dropped,"
	" statement, revision)"
	" SELECT $1, pg_catalog.current_setting('application_name'),"
	" pg_catalog.pg_current_xact_id(), $4, d.object_type, d.object_identity,"
	" d.schema_name, true, $2, $3"
	" FROM pg_catalog.pg_event_trigger_dropped_objects() d"
	" WHERE (d.original OR d.normal) AND NOT d.is_temporary"
	" AND ($4 OPERATOR(pg_catalog.<>) 'DROP EXTENSION' OR d.object_type OPERATOR(pg_catalog.=) 'extension')"
	" RETURNING object_identity";

/* The object identities a logging query returned, as a List of strings */
static List *
returned_identities(void)
{
	List	   *result = NIL;

	for (uint64 r = 0; r < SPI_processed; r++)
	{
		char	   *identity = get_text(r, 1);

		result = lappend(result, identity ? identity : "");
	}
	SPI_freetuptable(SPI_tuptable);
	return result;
}

/*
 * Log what pg_event_trigger_ddl_commands() reports for the current
 * statement (in a ddl_command_end trigger); returns the identities logged.
 */
List *
catalog_log_ddl_commands(const char *role, const char *statement,
						 const char *revision)
{
	Oid			types[3] = {NAMEOID, TEXTOID, TEXTOID};
	Datum		values[3];
	char		nulls[3] = {' ', ' ', ' '};

	values[0] = DirectFunctionCall1(namein, CStringGetDatum(role));
	values[1] = statement ? CStringGetTextDatum(statement) : (Datum) 0;
	nulls[1] = statement ? ' ' : 'n';
	values[2] = revision ? CStringGetTextDatum(revision) : (Datum) 0;
	nulls[2] = revision ? ' ' : 'n';
	catalog_exec(log_commands_sql, 3, types, values, nulls, SPI_OK_INSERT_RETURNING);
	return returned_identities();
}

/*
 * Log what pg_event_trigger_dropped_objects() reports (in a sql_drop
 * trigger): the objects dropped by name or by CASCADE, not the internal
 * ones that go with them.  Returns the identities logged.
 */
List *
catalog_log_dropped(const char *role, const char *statement,
					const char *revision, const char *tag)
{
	Oid			types[4] = {NAMEOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		values[4];
	char		nulls[4] = {' ', ' ', ' ', ' '};

	values[0] = DirectFunctionCall1(namein, CStringGetDatum(role));
	values[1] = statement ? CStringGetTextDatum(statement) : (Datum) 0;
	nulls[1] = statement ? ' ' : 'n';
	values[2] = revision ? CStringGetTextDatum(revision) : (Datum) 0;
	nulls[2] = revision ? ' ' : 'n';
	values[3] = CStringGetTextDatum(tag);
	catalog_exec(log_dropped_sql, 4, types, values, nulls, SPI_OK_INSERT_RETURNING);
	return returned_identities();
}

/*
 * The out-of-band statements logged since the last migration (the newest
 * history row), oldest first, one entry per statement: what migrate_adopt()
 * turns into a revision.  *seqs gets the log rows they cover.
 */
List *
catalog_unadopted_statements(List **seqs)
{
	List	   *statements = NIL;
	char	   *prev = NULL;
	char	   *prev_xid = NULL;

	*seqs = NIL;
	catalog_exec("SELECT l.seq, l.statement, l.xid::text FROM migrate.ddl_log l"
				 " WHERE l.revision IS NULL AND l.logged_at OPERATOR(pg_catalog.>)"
				 " COALESCE((SELECT pg_catalog.max(h.started_at) FROM migrate.history h),"
				 " '-infinity')"
				 " ORDER BY l.seq",
				 0, NULL, NULL, NULL, SPI_OK_SELECT);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		int64		seq = DatumGetInt64(get_datum(r, 1, &isnull));
		char	   *statement = get_text(r, 2);
		char	   *xid = get_text(r, 3);

		*seqs = lappend(*seqs, psprintf(INT64_FORMAT, seq));
		/* one statement logs a row per object: keep it once */
		if (statement == NULL ||
			(prev && strcmp(prev, statement) == 0 && xid && prev_xid &&
			 strcmp(prev_xid, xid) == 0))
			continue;
		statements = lappend(statements, statement);
		prev = statement;
		prev_xid = xid;
	}
	SPI_freetuptable(SPI_tuptable);
	return statements;
}

/* Attribute log rows (by seq) to the revision that adopted them */
void
catalog_attribute_ddl(List *seqs, const char *revision)
{
	Oid			types[2] = {TEXTOID, INT8ARRAYOID};
	Datum		values[2];
	Datum	   *elems = palloc(sizeof(Datum) * Max(list_length(seqs), 1));
	ListCell   *lc;
	int			n = 0;

	foreach(lc, seqs)
		elems[n++] = DirectFunctionCall1(int8in, CStringGetDatum(lfirst(lc)));
	values[0] = CStringGetTextDatum(revision);
	values[1] = PointerGetDatum(construct_array(elems, n, INT8OID, 8,
												FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	catalog_exec("UPDATE migrate.ddl_log SET revision = $1"
				 " WHERE seq OPERATOR(pg_catalog.=) ANY ($2)",
				 2, types, values, NULL, SPI_OK_UPDATE);
}

/* ----------------------------------------------------------------
 * The expected schema
 * ----------------------------------------------------------------
 */

/*
 * Keep the model as the expected state (one row, replaced), and put its
 * fingerprint in the history rows this transaction wrote.
 */
void
catalog_save_snapshot(const char *fingerprint, const char *objects)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2];

	values[0] = CStringGetTextDatum(fingerprint);
	values[1] = CStringGetTextDatum(objects);
	catalog_exec("INSERT INTO migrate.snapshot (singleton, taken_at, fingerprint, objects)"
				 " VALUES (true, pg_catalog.clock_timestamp(), $1, $2)"
				 " ON CONFLICT (singleton) DO UPDATE SET taken_at = excluded.taken_at,"
				 " fingerprint = excluded.fingerprint, objects = excluded.objects",
				 2, types, values, NULL, SPI_OK_INSERT);
	catalog_exec("UPDATE migrate.history SET fingerprint = $1"
				 " WHERE xid OPERATOR(pg_catalog.=) pg_catalog.pg_current_xact_id()",
				 1, types, values, NULL, SPI_OK_UPDATE);
}

/* The fingerprint of the saved model, or NULL before the first snapshot */
char *
catalog_snapshot_fingerprint(void)
{
	char	   *result = NULL;

	catalog_exec("SELECT fingerprint FROM migrate.snapshot", 0, NULL, NULL, NULL,
				 SPI_OK_SELECT);
	if (SPI_processed > 0)
		result = get_text(0, 1);
	SPI_freetuptable(SPI_tuptable);
	return result;
}

/*
 * The saved model, or NULL before the first snapshot: a text value of the
 * caller's own, which it may overwrite (model_deserialize_in_place() does).
 * It is the detoasted value itself, not a C string copied from it: on a
 * large schema that is one copy of megabytes less.
 */
text *
catalog_load_snapshot(void)
{
	text	   *result = NULL;
	bool		isnull;
	Datum		d;

	catalog_exec("SELECT objects FROM migrate.snapshot", 0, NULL, NULL, NULL,
				 SPI_OK_SELECT);
	if (SPI_processed > 0)
	{
		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		if (!isnull)
			result = DatumGetTextPCopy(d);
	}
	SPI_freetuptable(SPI_tuptable);
	return result;
}

/*
 * The newest out-of-band DDL log row of each object identity since the
 * snapshot was taken: who changed it, when, with what statement.
 */
HTAB *
catalog_ddl_since_snapshot(void)
{
	HASHCTL		ctl;
	HTAB	   *result;

	ctl.keysize = DDL_LOG_KEYLEN;
	ctl.entrysize = sizeof(DdlLogEntry);
	ctl.hcxt = CurrentMemoryContext;
	result = hash_create("migrate drift log", 64, &ctl,
						 HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);

	catalog_exec("SELECT l.object_identity, l.logged_at, l.acting_role, l.statement"
				 " FROM migrate.ddl_log l"
				 " WHERE l.revision IS NULL AND l.object_identity IS NOT NULL"
				 " AND l.logged_at OPERATOR(pg_catalog.>=)"
				 " COALESCE((SELECT s.taken_at FROM migrate.snapshot s), '-infinity')"
				 " ORDER BY l.seq",
				 0, NULL, NULL, NULL, SPI_OK_SELECT);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		char	   *identity = get_text(r, 1);
		DdlLogEntry *e;
		bool		isnull;

		if (strlen(identity) >= DDL_LOG_KEYLEN)
			continue;
		e = hash_search(result, identity, HASH_ENTER, NULL);
		e->logged_at = DatumGetTimestampTz(get_datum(r, 2, &isnull));
		e->role = pstrdup(NameStr(*DatumGetName(get_datum(r, 3, &isnull))));
		e->statement = get_text(r, 4);
		if (e->statement == NULL)
			e->statement = "";
	}
	SPI_freetuptable(SPI_tuptable);
	return result;
}
