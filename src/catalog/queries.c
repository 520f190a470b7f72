/*-------------------------------------------------------------------------
 *
 * queries.c
 *	  Every query of the extension's own tables in schema "migrate", and
 *	  the migration lock.
 *
 * Nobody but the extension owner holds any privilege on those tables, so
 * that a role granted migrate_push() can apply migrations but can neither
 * forge nor erase their record.  Each query here runs as the extension
 * owner through owner_enter() (search_path pinned, the catalog schema
 * checked), with every name qualified, so that no object a user created can
 * be reached with the owner's rights.  Migration scripts never run inside
 * such a switch: core/migration.c runs them with the caller's rights.
 *
 * All queries go through SPI with $n parameters; the caller holds the SPI
 * connection.  The rows a push writes are kept and written together
 * (writes.c); every query here writes them first.
 *
 * src/catalog/queries.c
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

#include "base/owner.h"
#include "base/util.h"
#include "catalog/catalog.h"
#include "catalog/catalog_int.h"

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
 * bound into it.  It does not write the rows kept for later first: its
 * callers are the queries that write them, and those that read only
 * migrate.revision, where none of them go.
 */
void
catalog_exec_kept(const char *sql, int nargs, Oid *types, Datum *values,
		  const char *nulls, int expected)
{
	OwnerSwitch sw;
	int			rc;

	/*
	 * As the owner: the query is a literal of this file, every name in it
	 * qualified (migrate.*, pg_catalog.*, OPERATOR(pg_catalog.=)) and
	 * resolved under owner_enter's pinned search_path and checked schema.
	 */
	owner_enter(&sw);
	rc = SPI_execute_plan(kept_plan(sql, nargs, types), values, nulls, false, 0);
	owner_leave(&sw);
	if (rc != expected)
		elog(ERROR, "catalog query failed: %s", SPI_result_code_string(rc));
}

/*
 * exec_kept, after writing the rows kept for later (see "Rows kept for
 * later" below): every catalog query sees the catalog as if each row had
 * been written when it was made, so keeping them changes nothing that
 * migrate's functions read, from a script of the push too.
 */
void
catalog_exec(const char *sql, int nargs, Oid *types, Datum *values,
			 const char *nulls, int expected)
{
	if (catalog_pending_rows())
		catalog_flush();
	catalog_exec_kept(sql, nargs, types, values, nulls, expected);
}

/* Column i (1-based) of row r of the last result, as a C string or NULL */
char *
catalog_get_text(int r, int i)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc,
								  i, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

Datum
catalog_get_datum(int r, int i, bool *isnull)
{
	return SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, i,
						 isnull);
}

/*
 * The table whose lock serializes migrations, in schema migrate, and the
 * mode: SHARE UPDATE EXCLUSIVE (see catalog_lock)
 */
#define LOCK_TABLE "applied"
#define LOCK_MODE_SQL "SHARE UPDATE EXCLUSIVE"

/*
 * Say who holds a lock on relation relid in a mode that SHARE UPDATE
 * EXCLUSIVE waits for: a NOTICE with one detail line per holder (its process, role,
 * application, state, and when its transaction started).  Read as the
 * owner, so the holders of every role are named.
 */
static void
report_lock_holders(Oid relid)
{
	Oid			types[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(relid)};
	StringInfoData detail;

	catalog_exec("SELECT DISTINCT ON (a.pid) a.pid::text,"
				 " COALESCE(a.usename::text, a.backend_type),"
				 " COALESCE(a.application_name, ''),"
				 " COALESCE(a.state, 'unknown'),"
				 " COALESCE(a.xact_start::text, 'unknown')"
				 " FROM pg_catalog.pg_locks l"
				 " JOIN pg_catalog.pg_stat_activity a ON a.pid OPERATOR(pg_catalog.=) l.pid"
				 " WHERE l.locktype OPERATOR(pg_catalog.=) 'relation'"
				 " AND l.relation OPERATOR(pg_catalog.=) $1"
				 " AND l.database OPERATOR(pg_catalog.=) (SELECT d.oid FROM pg_catalog.pg_database d"
				 "  WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database())"
				 " AND l.granted AND l.mode OPERATOR(pg_catalog.<>) ALL"
				 " ('{AccessShareLock,RowShareLock,RowExclusiveLock}'::pg_catalog.text[])"
				 " AND l.pid OPERATOR(pg_catalog.<>) pg_catalog.pg_backend_pid()"
				 " ORDER BY a.pid",
				 1, types, values, NULL, SPI_OK_SELECT);
	if (SPI_processed == 0)
		return;					/* released meanwhile: no wait to explain */
	initStringInfo(&detail);
	for (uint64 r = 0; r < SPI_processed; r++)
		appendStringInfo(&detail, "%sProcess %s holds it: role \"%s\", application \"%s\", %s, in a transaction started at %s.",
						 r > 0 ? "\n" : "", catalog_get_text(r, 1), catalog_get_text(r, 2),
						 catalog_get_text(r, 3), catalog_get_text(r, 4), catalog_get_text(r, 5));
	SPI_freetuptable(SPI_tuptable);
	ereport(NOTICE,
			(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
			 errmsg("waiting for the migration lock"),
			 errdetail_internal("%s", detail.data),
			 errhint("Another migration is running. The lock is released when that transaction ends; lock_timeout bounds the wait.")));
}

/*
 * Serialize every change to the catalog: a SHARE UPDATE EXCLUSIVE lock on
 * migrate.applied, held to the end of the transaction and taken before the
 * catalog is read, so that a second pusher waits and then sees what the
 * first one applied.
 *
 * Why this lock cannot be forged.  Taking a lock on a relation by its name
 * needs USAGE on schema "migrate", which nobody but the owner has.  A role
 * without a grant can still reach the table by its OID: the sequence
 * functions (setval(oid, ...)) take ROW EXCLUSIVE on any relation before
 * they find it is no sequence, and keep it to the end of the transaction
 * even after the error is rolled back to a savepoint; a query of
 * migrate_status() holds ACCESS SHARE to the end of the caller's
 * transaction.  SHARE UPDATE EXCLUSIVE conflicts with neither (nor with ROW
 * SHARE) but with itself, and the stronger modes a role could ask for
 * (VACUUM, ANALYZE, brin_summarize_new_values on its index, LOCK TABLE)
 * check ownership or privilege first and fail before the statement ends, or
 * hold the lock only in a subtransaction whose rollback releases it.  An
 * advisory lock, which this used to be, can be taken by any role.
 *
 * A push that has to wait says who holds the lock first.
 */
void
catalog_lock(void)
{
	Oid			relid = get_relname_relid(LOCK_TABLE, ext_catalog_schema());

	if (!OidIsValid(relid))
		catalog_damaged("table migrate.applied is missing");
	if (ConditionalLockRelationOid(relid, ShareUpdateExclusiveLock))
		return;
	report_lock_holders(relid);
	LockRelationOid(relid, ShareUpdateExclusiveLock);
}

/*
 * Whether migrate.revision has its column "transactional" (0.2): the
 * library serves a catalog created at 0.1 until ALTER EXTENSION migrate
 * UPDATE, and every revision of such a catalog is transactional.
 */
static bool
catalog_knows_transactional(void)
{
	Oid			relid = get_relname_relid("revision", ext_catalog_schema());

	if (!OidIsValid(relid))
		catalog_damaged("table migrate.revision is missing");
	return get_attnum(relid, "transactional") != InvalidAttrNumber;
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

	if (catalog_knows_transactional())
		catalog_exec("SELECT r.id, r.parents, r.message, r.position,"
					 " r.down_sql IS NOT NULL, a.applied_at, a.applied_by,"
					 " r.transactional, r.lock_timeout"
					 " FROM migrate.revision r"
					 " LEFT JOIN migrate.applied a ON a.id OPERATOR(pg_catalog.=) r.id"
					 " ORDER BY r.position",
					 0, NULL, NULL, NULL, SPI_OK_SELECT);
	else
		catalog_exec("SELECT r.id, r.parents, r.message, r.position,"
					 " r.down_sql IS NOT NULL, a.applied_at, a.applied_by,"
					 " true, NULL::integer"
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

		nodes[r].id = catalog_get_text(r, 1);
		parents[r] = migrate_text_list(catalog_get_datum(r, 2, &isnull));
		nodes[r].message = catalog_get_text(r, 3);
		nodes[r].position = DatumGetInt64(catalog_get_datum(r, 4, &isnull));
		nodes[r].reversible = DatumGetBool(catalog_get_datum(r, 5, &isnull));
		nodes[r].transactional = DatumGetBool(catalog_get_datum(r, 8, &isnull));
		d = catalog_get_datum(r, 9, &isnull);
		nodes[r].lock_timeout = isnull ? -1 : DatumGetInt32(d);
		d = catalog_get_datum(r, 6, &isnull);
		nodes[r].applied = !isnull;
		if (!isnull)
		{
			nodes[r].applied_at = DatumGetTimestampTz(d);
			nodes[r].applied_by = pstrdup(NameStr(*DatumGetName(catalog_get_datum(r, 7, &isnull))));
		}
	}
	SPI_freetuptable(SPI_tuptable);

	return graph_build(n, nodes, parents);
}

/*
 * Whether a revision of this id is registered: a probe of the catalog's
 * index (catalog/direct.c), after writing the rows kept, as every catalog
 * query does.
 */
bool
catalog_revision_exists(const char *id)
{
	if (catalog_pending_rows())
		catalog_flush();
	return direct_has_row("revision", "id", id);
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

	/* a new id, as a registration's mostly is: no query */
	if (!catalog_revision_exists(id))
		return NULL;
	if (catalog_knows_transactional())
		catalog_exec("SELECT r.id, r.parents, r.message, r.up_sql, r.down_sql,"
					 " r.checksum, r.created_at, r.created_by, a.applied_at,"
					 " r.transactional, r.lock_timeout, r.lock_retries, r.lint_allow"
					 " FROM migrate.revision r"
					 " LEFT JOIN migrate.applied a ON a.id OPERATOR(pg_catalog.=) r.id"
					 " WHERE r.id OPERATOR(pg_catalog.=) $1",
					 1, types, values, NULL, SPI_OK_SELECT);
	else
		catalog_exec("SELECT r.id, r.parents, r.message, r.up_sql, r.down_sql,"
					 " r.checksum, r.created_at, r.created_by, a.applied_at,"
					 " true, NULL::integer, NULL::integer, '{}'::text[]"
					 " FROM migrate.revision r"
					 " LEFT JOIN migrate.applied a ON a.id OPERATOR(pg_catalog.=) r.id"
					 " WHERE r.id OPERATOR(pg_catalog.=) $1",
					 1, types, values, NULL, SPI_OK_SELECT);
	if (SPI_processed == 0)
		return NULL;

	row = palloc0(sizeof(RevisionRow));
	row->id = catalog_get_text(0, 1);
	row->parents = migrate_text_list(catalog_get_datum(0, 2, &isnull));
	row->message = catalog_get_text(0, 3);
	row->up_sql = catalog_get_text(0, 4);
	row->down_sql = catalog_get_text(0, 5);
	row->checksum = catalog_get_text(0, 6);
	row->created_at = DatumGetTimestampTz(catalog_get_datum(0, 7, &isnull));
	row->created_by = pstrdup(NameStr(*DatumGetName(catalog_get_datum(0, 8, &isnull))));
	d = catalog_get_datum(0, 9, &isnull);
	row->applied = !isnull;
	if (!isnull)
		row->applied_at = DatumGetTimestampTz(d);
	row->transactional = DatumGetBool(catalog_get_datum(0, 10, &isnull));
	d = catalog_get_datum(0, 11, &isnull);
	row->lock_timeout = isnull ? -1 : DatumGetInt32(d);
	d = catalog_get_datum(0, 12, &isnull);
	row->lock_retries = isnull ? -1 : DatumGetInt32(d);
	row->allow = migrate_text_list(catalog_get_datum(0, 13, &isnull));
	SPI_freetuptable(SPI_tuptable);
	return row;
}

/*
 * The scripts and checksums of revisions, in the order of ids: what a push
 * runs, fetched a few dozen at a time rather than one query each.  It
 * reads migrate.revision only, which no kept row goes to, so it writes
 * none of them first.  Every id must exist (the caller holds the lock).
 */
List *
catalog_get_scripts(List *ids)
{
	Oid			types[1] = {TEXTARRAYOID};
	Datum		values[1] = {migrate_text_array(ids)};
	List	   *result = NIL;

	catalog_exec_kept(catalog_knows_transactional() ?
			  "SELECT r.id, r.up_sql, r.down_sql, r.checksum, r.lock_timeout, r.lock_retries"
			  " FROM pg_catalog.unnest($1) WITH ORDINALITY AS w(id, n)"
			  " JOIN migrate.revision r ON r.id OPERATOR(pg_catalog.=) w.id"
			  " ORDER BY w.n" :
			  "SELECT r.id, r.up_sql, r.down_sql, r.checksum, NULL::integer, NULL::integer"
			  " FROM pg_catalog.unnest($1) WITH ORDINALITY AS w(id, n)"
			  " JOIN migrate.revision r ON r.id OPERATOR(pg_catalog.=) w.id"
			  " ORDER BY w.n",
			  1, types, values, NULL, SPI_OK_SELECT);
	if (SPI_processed != (uint64) list_length(ids))
		elog(ERROR, "found " UINT64_FORMAT " of %d revisions",
			 SPI_processed, list_length(ids));
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		RevisionRow *row = palloc0(sizeof(RevisionRow));
		bool		isnull;
		Datum		d;

		row->id = catalog_get_text(r, 1);
		row->up_sql = catalog_get_text(r, 2);
		row->down_sql = catalog_get_text(r, 3);
		row->checksum = catalog_get_text(r, 4);
		row->transactional = true;	/* a plan that runs holds no other */
		d = catalog_get_datum(r, 5, &isnull);
		row->lock_timeout = isnull ? -1 : DatumGetInt32(d);
		d = catalog_get_datum(r, 6, &isnull);
		row->lock_retries = isnull ? -1 : DatumGetInt32(d);
		result = lappend(result, row);
	}
	SPI_freetuptable(SPI_tuptable);
	return result;
}

static void
revision_params(RevisionRow *row, Oid *types, Datum *values, char *nulls)
{
	types[0] = TEXTOID;
	values[0] = CStringGetTextDatum(row->id);
	types[1] = TEXTARRAYOID;
	values[1] = migrate_text_array(row->parents);
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
	types[7] = BOOLOID;
	values[7] = BoolGetDatum(row->transactional);
	types[8] = INT4OID;
	values[8] = Int32GetDatum(row->lock_timeout);
	nulls[8] = row->lock_timeout < 0 ? 'n' : ' ';
	types[9] = INT4OID;
	values[9] = Int32GetDatum(row->lock_retries);
	nulls[9] = row->lock_retries < 0 ? 'n' : ' ';
	types[10] = TEXTARRAYOID;
	values[10] = migrate_text_array(row->allow);
}

/*
 * A non-transactional revision needs the catalog of 0.2; a catalog of 0.1
 * holds transactional revisions only.  The parameter lists are the same
 * either way ($8 is the flag, which the 0.1 queries check is true).
 */
static bool
revision_writes_flag(RevisionRow *row)
{
	if (catalog_knows_transactional())
		return true;
	if (!row->transactional)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("the migrate catalog cannot hold a non-transactional revision before the extension is updated"),
				 errdetail("Revision \"%s\" is marked non-transactional, and table migrate.revision has no column for that.", row->id),
				 errhint("Run ALTER EXTENSION migrate UPDATE first.")));
	if (row->lock_timeout >= 0 || row->lock_retries >= 0 || row->allow != NIL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("the migrate catalog cannot hold a revision's lock settings or lint allowances before the extension is updated"),
				 errdetail("Revision \"%s\" sets them, and table migrate.revision has no columns for them.", row->id),
				 errhint("Run ALTER EXTENSION migrate UPDATE first.")));
	return false;
}

/* Register a new revision after every other one */
/*
 * The columns of migrate.revision as direct.c stores them: all of them, the
 * position and creation time that the INSERT below computes given too.  A
 * catalog still at 0.1 has fewer: direct_open declines it, and the INSERT
 * writes the row.
 */
enum
{
	REV_ID, REV_PARENTS, REV_MESSAGE, REV_UP_SQL, REV_DOWN_SQL, REV_CHECKSUM,
	REV_POSITION, REV_CREATED_AT, REV_CREATED_BY, REV_TRANSACTIONAL,
	REV_LOCK_TIMEOUT, REV_LOCK_RETRIES, REV_LINT_ALLOW, REV_NCOLS
};

static const DirectColumn revision_columns[REV_NCOLS] = {
	{"id", TEXTOID}, {"parents", TEXTARRAYOID}, {"message", TEXTOID},
	{"up_sql", TEXTOID}, {"down_sql", TEXTOID}, {"checksum", TEXTOID},
	{"position", INT8OID}, {"created_at", TIMESTAMPTZOID},
	{"created_by", NAMEOID}, {"transactional", BOOLOID},
	{"lock_timeout", INT4OID}, {"lock_retries", INT4OID},
	{"lint_allow", TEXTARRAYOID}
};

/*
 * Store a new revision without SQL: the same row the INSERT below makes,
 * its position one past the last (read from the position's index, under
 * the migration lock the caller holds), its creation time the
 * transaction's.  False when the table cannot take it so.
 */
static bool
insert_revision_direct(RevisionRow *row)
{
	Oid			types[11];
	Datum		params[11];
	char		pnulls[12] = "           ";
	Datum		values[REV_NCOLS];
	bool		nulls[REV_NCOLS] = {0};
	DirectWriter *w;

	if (catalog_pending_rows())
		catalog_flush();
	w = direct_open("revision", revision_columns, REV_NCOLS);
	if (w == NULL)
		return false;
	revision_params(row, types, params, pnulls);
	values[REV_ID] = params[0];
	values[REV_PARENTS] = params[1];
	values[REV_MESSAGE] = params[2];
	values[REV_UP_SQL] = params[3];
	values[REV_DOWN_SQL] = params[4];
	nulls[REV_DOWN_SQL] = pnulls[4] == 'n';
	values[REV_CHECKSUM] = params[5];
	values[REV_POSITION] = Int64GetDatum(direct_max_int8("revision", "position") + 1);
	values[REV_CREATED_AT] = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	values[REV_CREATED_BY] = params[6];
	values[REV_TRANSACTIONAL] = params[7];
	values[REV_LOCK_TIMEOUT] = params[8];
	nulls[REV_LOCK_TIMEOUT] = pnulls[8] == 'n';
	values[REV_LOCK_RETRIES] = params[9];
	nulls[REV_LOCK_RETRIES] = pnulls[9] == 'n';
	values[REV_LINT_ALLOW] = params[10];
	direct_insert(w, values, nulls);
	direct_close(w);
	return true;
}

void
catalog_insert_revision(RevisionRow *row)
{
	Oid			types[11];
	Datum		values[11];
	char		nulls[12] = "           ";

	if (insert_revision_direct(row))
		return;
	revision_params(row, types, values, nulls);
	if (revision_writes_flag(row))
		catalog_exec("INSERT INTO migrate.revision"
					 " (id, parents, message, up_sql, down_sql, checksum, position, created_by,"
					 " transactional, lock_timeout, lock_retries, lint_allow)"
					 " SELECT $1, $2, $3, $4, $5, $6,"
					 " COALESCE(pg_catalog.max(position), 0) OPERATOR(pg_catalog.+) 1, $7, $8,"
					 " $9, $10, $11"
					 " FROM migrate.revision",
					 11, types, values, nulls, SPI_OK_INSERT);
	else
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
	Oid			types[11];
	Datum		values[11];
	char		nulls[12] = "           ";

	revision_params(row, types, values, nulls);
	if (revision_writes_flag(row))
		catalog_exec("UPDATE migrate.revision"
					 " SET parents = $2, message = $3, up_sql = $4, down_sql = $5,"
					 " checksum = $6, created_at = pg_catalog.now(), created_by = $7,"
					 " transactional = $8, lock_timeout = $9, lock_retries = $10,"
					 " lint_allow = $11"
					 " WHERE id OPERATOR(pg_catalog.=) $1",
					 11, types, values, nulls, SPI_OK_UPDATE);
	else
		catalog_exec("UPDATE migrate.revision"
					 " SET parents = $2, message = $3, up_sql = $4, down_sql = $5,"
					 " checksum = $6, created_at = pg_catalog.now(), created_by = $7"
					 " WHERE id OPERATOR(pg_catalog.=) $1",
					 7, types, values, nulls, SPI_OK_UPDATE);
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
	result = SPI_processed == 1 && DatumGetBool(catalog_get_datum(0, 1, &isnull));
	SPI_freetuptable(SPI_tuptable);
	return result;
}

/* Whether an applied revision builds on revision id */
bool
catalog_children_applied(const char *id)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(id)};
	bool		isnull;
	bool		result;

	catalog_exec("SELECT EXISTS (SELECT FROM migrate.revision r"
				 " JOIN migrate.applied a ON a.id OPERATOR(pg_catalog.=) r.id"
				 " WHERE $1 OPERATOR(pg_catalog.=) ANY (r.parents))",
				 1, types, values, NULL, SPI_OK_SELECT);
	result = DatumGetBool(catalog_get_datum(0, 1, &isnull));
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
 * The DDL log (the event triggers' rows are written by catalog_log_ddl)
 * ----------------------------------------------------------------
 */

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
	catalog_exec("SELECT l.seq, l.statement, l.xid::text,"
				 " l.command_tag OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||)"
				 " COALESCE(l.object_identity, '')"
				 " FROM migrate.ddl_log l"
				 " WHERE l.revision IS NULL AND l.logged_at OPERATOR(pg_catalog.>)"
				 " COALESCE((SELECT pg_catalog.max(h.started_at) FROM migrate.history h),"
				 " '-infinity')"
				 " ORDER BY l.seq",
				 0, NULL, NULL, NULL, SPI_OK_SELECT);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		int64		seq = DatumGetInt64(catalog_get_datum(r, 1, &isnull));
		char	   *statement = catalog_get_text(r, 2);
		char	   *xid = catalog_get_text(r, 3);

		*seqs = lappend(*seqs, psprintf(INT64_FORMAT, seq));
		if (statement == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("schema change %s was logged without its statement",
							catalog_get_text(r, 4)),
					 errdetail("Its session ran it before migrate was loaded, from a function or a DO block, or in a query of several statements, so the statement that did it is not known."),
					 errhint("Load migrate in every session (session_preload_libraries = 'migrate'); register this change by hand with migrate_add() and migrate_stamp().")));
		/* one statement logs a row per object: keep it once */
		if (prev && strcmp(prev, statement) == 0 && xid && prev_xid &&
			strcmp(prev_xid, xid) == 0)
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
		result = catalog_get_text(0, 1);
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

	catalog_exec("SELECT l.object_identity, l.logged_at, l.run_by, l.statement"
				 " FROM migrate.ddl_log l"
				 " WHERE l.revision IS NULL AND l.object_identity IS NOT NULL"
				 " AND l.logged_at OPERATOR(pg_catalog.>=)"
				 " COALESCE((SELECT s.taken_at FROM migrate.snapshot s), '-infinity')"
				 " ORDER BY l.seq",
				 0, NULL, NULL, NULL, SPI_OK_SELECT);
	for (uint64 r = 0; r < SPI_processed; r++)
	{
		char	   *identity = catalog_get_text(r, 1);
		DdlLogEntry *e;
		bool		isnull;

		if (strlen(identity) >= DDL_LOG_KEYLEN)
			continue;
		e = hash_search(result, identity, HASH_ENTER, NULL);
		e->logged_at = DatumGetTimestampTz(catalog_get_datum(r, 2, &isnull));
		e->role = pstrdup(NameStr(*DatumGetName(catalog_get_datum(r, 3, &isnull))));
		e->statement = catalog_get_text(r, 4);
		if (e->statement == NULL)
			e->statement = "";
	}
	SPI_freetuptable(SPI_tuptable);
	return result;
}

/* ----------------------------------------------------------------
 * The same bookkeeping as SQL text, for the offline script
 * (migrate_script()), which a DBA runs with psql as the owner
 * ----------------------------------------------------------------
 */

static int
cmp_id(const ListCell *a, const ListCell *b)
{
	return strcmp(lfirst(a), lfirst(b));
}

/*
 * The migration lock catalog_lock() takes, and a DO block that raises
 * "message" (with "hint") unless exactly the revisions "applied" are
 * applied, and the revisions "ids" are registered with the scripts whose
 * checksums are "checksums".
 */
static void
script_check(StringInfo buf, List *applied, List *ids, List *checksums,
			 const char *message, const char *hint)
{
	ListCell   *lc;
	ListCell   *lsum;

	appendStringInfoString(buf, "LOCK TABLE migrate." LOCK_TABLE " IN " LOCK_MODE_SQL " MODE;\n\n");

	appendStringInfoString(buf,
						   "DO $migrate$\nBEGIN\n"
						   "    IF (SELECT pg_catalog.array_agg(id ORDER BY id COLLATE \"C\") FROM migrate.applied)\n"
						   "       IS DISTINCT FROM ");
	if (applied == NIL)
		appendStringInfoString(buf, "NULL");
	else
	{
		applied = list_copy(applied);
		list_sort(applied, cmp_id);
		migrate_append_id_array(buf, applied);
		appendStringInfoString(buf, "::text[]");
	}
	appendStringInfo(buf,
					 " THEN\n"
					 "        RAISE EXCEPTION '%s'\n"
					 "            USING DETAIL = %s,\n"
					 "                  HINT = '%s';\n"
					 "    END IF;\n",
					 message,
					 quote_literal_cstr(applied == NIL ? "It expects no revision applied." :
										psprintf("It expects exactly these revisions applied: %s.",
												 migrate_join(applied, ", ", ""))),
					 hint);
	if (ids != NIL)
	{
		appendStringInfoString(buf,
							   "    IF (SELECT pg_catalog.count(*) FROM migrate.revision\n"
							   "        WHERE (id, checksum) IN (");
		forboth(lc, ids, lsum, checksums)
			appendStringInfo(buf, "%s\n            ('%s', '%s')",
							 foreach_current_index(lc) ? "," : "",
							 (char *) lfirst(lc), (char *) lfirst(lsum));
		appendStringInfo(buf,
						 ")) <> %d THEN\n"
						 "        RAISE EXCEPTION 'the revisions of this script are not registered with these scripts'\n"
						 "            USING HINT = 'Register the revision files first, or write the script again.';\n"
						 "    END IF;\n",
						 list_length(ids));
	}
	appendStringInfoString(buf, "END\n$migrate$;\n");
}

/*
 * The start of an offline script: the lock, and a check that the database
 * is in the state the script starts from (exactly the revisions "applied"
 * applied) with the revisions "ids" registered with the scripts whose
 * checksums are "checksums".
 */
void
catalog_script_start(StringInfo buf, List *applied, List *ids, List *checksums)
{
	script_check(buf, applied, ids, checksums,
				 "the database is not in the state this script starts from",
				 "Write the script again with migrate_script().");
}

/*
 * The same check again, in a later transaction of a script that commits in
 * steps: the lock was let go at the last commit, so another session may
 * have changed what is applied since.  "applied" is the state the steps
 * before this point leave, "ids" the revisions this transaction records.
 */
void
catalog_script_recheck(StringInfo buf, List *applied, List *ids,
					   List *checksums)
{
	script_check(buf, applied, ids, checksums,
				 "the database changed while this script ran",
				 "What the script committed before this point stays done. Compare migrate_status() with the script before going on.");
}

/*
 * The rows a push (upgrade) or downgrade of revision id writes, as SQL
 * statements: the columns of applied_table and history_table that a plain
 * script can fill (no durations).
 */
void
catalog_script_bookkeeping(StringInfo buf, const char *id, bool upgrade,
						   const char *checksum)
{
	if (!upgrade)
		appendStringInfo(buf,
						 "DELETE FROM migrate.applied WHERE id = '%s';\n", id);
	else
		appendStringInfo(buf,
						 "INSERT INTO migrate.applied (id, applied_at, applied_by)"
						 " VALUES ('%s', pg_catalog.clock_timestamp(), CURRENT_USER);\n",
						 id);
	appendStringInfo(buf,
					 "INSERT INTO migrate.history (revision, action, started_at,"
					 " run_by, application_name, xid, wal_lsn, checksum)"
					 " VALUES ('%s', '%s', pg_catalog.clock_timestamp(), CURRENT_USER,"
					 " pg_catalog.current_setting('application_name'),"
					 " pg_catalog.pg_current_xact_id(), pg_catalog.pg_current_wal_insert_lsn(),"
					 " '%s');\n",
					 id, upgrade ? "upgrade" : "downgrade", checksum);
}
