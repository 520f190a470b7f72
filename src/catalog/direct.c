/*-------------------------------------------------------------------------
 *
 * direct.c
 *	  Rows written into the extension's own catalog tables without SQL:
 *	  the table opened by OID, each row stored by the executor's own
 *	  routine for one row (ExecSimpleRelationInsert, as logical
 *	  replication applies a row), its indexes and constraints included.
 *
 * The rows the catalog keeps for later (writes.c: the DDL log, applied,
 * history) used to go through an INSERT ... SELECT FROM unnest(...) run
 * with SPI: in autocommit, where every DDL statement is a transaction that
 * writes one or two rows of the log just before it commits, that statement
 * (its executor start and end, the arrays built and taken apart, the
 * function scan) was most of what the event trigger cost.  Here a row is a
 * tuple formed from its values and stored at once.
 *
 * What keeps this as safe as the SQL it replaces:
 *
 * - Only the extension's own tables: the table is found by name in the
 *   extension's catalog schema, by the schema's OID (ext_catalog_schema():
 *   found in pg_depend as the extension's member, and checked to be the
 *   schema "migrate"), never through search_path; it must be a member of
 *   the extension itself, a plain table.  Nobody but the owner can create
 *   anything in that schema.
 * - What SQL would check is checked: NOT NULL and CHECK constraints
 *   (ExecConstraints), unique indexes, and foreign keys (their triggers
 *   queued and fired at the end, as at the end of a statement).
 * - Nothing else is skipped silently: a table with a trigger of its own on
 *   INSERT, a rule, row level security, a generated column, or a column
 *   this code does not know (a later version's, with a default), is not
 *   written here; direct_open() says so and the caller writes the rows with
 *   its SQL.  Every value is given, with the column's type checked against
 *   the table's, so no default expression runs.
 * - It runs as the owner (owner_enter), as the SQL did, so the constraints'
 *   and indexes' functions run with the rights they always had.
 *
 * src/catalog/direct.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/pg_class.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "catalog/pg_trigger.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "nodes/makefuncs.h"
#include "optimizer/optimizer.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "base/compat.h"
#include "base/owner.h"
#include "catalog/catalog_int.h"

struct DirectWriter
{
	Relation	rel;
	EState	   *estate;
	ResultRelInfo *rri;
	TupleTableSlot *slot;
	int			ncols;
	AttrNumber	attnos[DIRECT_MAX_COLUMNS]; /* the table's column (0-based) of
											 * each given column */
	bool		after_triggers; /* foreign keys to check at the end */
	OwnerSwitch sw;
};

/*
 * The tables found so far, by name: found once in the catalog schema and
 * checked to be members of the extension, and forgotten when anything
 * about them changes (a relcache invalidation of the table, which a
 * rename, a drop or any ALTER sends) or the schema does (ext_catalog_schema
 * answers another OID).
 */
#define DIRECT_MAX_TABLES 8
#define DIRECT_MAX_INDEXES 4

typedef struct KnownTable
{
	const char *name;			/* a literal of the catalog module */
	Oid			nsp;
	Oid			relid;			/* InvalidOid: not known */

	/*
	 * The table's CHECK constraints, planned: what the executor would read
	 * and plan again for every row stored (ExecRelCheck prepares them once
	 * per ResultRelInfo, and each row here has its own).  checks_relid is
	 * the table they were planned for; they live in checks_cxt, under
	 * CacheMemoryContext.  Only the plans are kept: each writer compiles
	 * them in its own memory (use_planned_checks).
	 */
	Oid			checks_relid;	/* InvalidOid: none planned, or outdated */
	int			nchecks;
	Expr	  **checks;			/* NULL entries: not enforced */
	MemoryContext checks_cxt;

	/* the unique indexes found on its columns (unique_index_on) */
	int			nindexes;
	struct
	{
		const char *column;		/* a literal of the catalog module */
		Oid			indexid;
	}			indexes[DIRECT_MAX_INDEXES];
} KnownTable;

static KnownTable known[DIRECT_MAX_TABLES];
static int	nknown = 0;
static uint64 direct_invalidations = 0;
static bool direct_callback_registered = false;

/*
 * Any change to a table (a relcache invalidation: a constraint added,
 * dropped or renamed, the table renamed, dropped or altered) forgets it and
 * its planned constraints.  So does a change to anything a plan of an
 * expression depends on, as the server's plan cache forgets its plans: a
 * function (redefined, its rights changed: a SQL function is inlined with
 * the rights of the time), a type (a domain's constraints, which planning
 * folds away when it has none), an operator, a schema, and a role or a
 * role's membership (the rights an inlined function was checked with).
 * The memory of outdated plans is freed when they are next needed, not
 * here: a writer open now may still be using them.
 */
static void
direct_forget_table(Datum arg, Oid relid)
{
	direct_invalidations++;
	for (int i = 0; i < nknown; i++)
		if (!OidIsValid(relid) || known[i].relid == relid ||
			known[i].checks_relid == relid)
		{
			known[i].relid = InvalidOid;
			known[i].checks_relid = InvalidOid;
			known[i].nindexes = 0;
		}
}

static void
direct_forget_checks(Datum arg, int cacheid, uint32 hashvalue)
{
	direct_invalidations++;
	for (int i = 0; i < nknown; i++)
		known[i].checks_relid = InvalidOid;
}

/* What is known of the catalog table relname, or NULL */
static KnownTable *
known_table(const char *relname)
{
	for (int i = 0; i < nknown; i++)
		if (strcmp(known[i].name, relname) == 0)
			return &known[i];
	return NULL;
}

/*
 * The OID of the extension's catalog table relname: in the catalog schema
 * (by OID) and a member of the extension; an error otherwise.
 */
static Oid
catalog_table(const char *relname)
{
	Oid			nsp = ext_catalog_schema();
	KnownTable *t;
	Oid			relid;
	uint64		seen;

	if (!direct_callback_registered)
	{
		static const int plan_caches[] = {PROCOID, TYPEOID, OPEROID,
			NAMESPACEOID, AUTHOID, AUTHMEMMEMROLE};

		CacheRegisterRelcacheCallback(direct_forget_table, (Datum) 0);
		for (int i = 0; i < lengthof(plan_caches); i++)
			CacheRegisterSyscacheCallback(plan_caches[i], direct_forget_checks,
										  (Datum) 0);
		direct_callback_registered = true;
	}
	t = known_table(relname);
	if (t && t->nsp == nsp && OidIsValid(t->relid))
		return t->relid;

	seen = direct_invalidations;
	relid = get_relname_relid(relname, nsp);
	if (!OidIsValid(relid) || get_rel_relkind(relid) != RELKIND_RELATION ||
		getExtensionOfObject(RelationRelationId, relid) != ext_oid())
		catalog_damaged(psprintf("table migrate.%s is missing", relname));
	if (t == NULL)
	{
		if (nknown == DIRECT_MAX_TABLES)
			return relid;		/* not kept: never the case */
		t = &known[nknown++];
		memset(t, 0, sizeof(*t));
		t->name = relname;
	}
	t->nsp = nsp;
	/* kept only if no table changed while it was looked up */
	t->relid = seen == direct_invalidations ? relid : InvalidOid;
	return relid;
}

/*
 * Give the writer's result relation the table's CHECK constraints, as
 * ExecRelCheck would make them: one per constraint of the relcache entry,
 * in its order, NULL for one not enforced, each compiled without a parent
 * (ExecPrepareExpr) in the writer's own memory, so that nothing a
 * constraint keeps while it runs outlives the writer, and the rights to
 * run its functions are checked for each writer, as for each statement.
 * What is kept across transactions is the reading and planning of each
 * (stringToNode, expression_planner), which is most of the cost; planned
 * again after any invalidation of the table or of what a plan depends on
 * (direct_forget_table).  Outdated plans are handed to the transaction's
 * memory and freed when it ends, when no writer can be using them.
 */
static void
use_planned_checks(const char *relname, DirectWriter *w)
{
	KnownTable *t = known_table(relname);
	Relation	rel = w->rel;
	TupleConstr *constr = RelationGetDescr(rel)->constr;
	int			ncheck = constr ? constr->num_check : 0;
	uint64		seen = direct_invalidations;
	ExprState **states;
	MemoryContext old;

	if (t == NULL || ncheck == 0)
		return;				/* the executor makes them, as it always does */
	if (t->checks_relid != RelationGetRelid(rel) || t->nchecks != ncheck)
	{
		if (t->checks_cxt)
			MemoryContextSetParent(t->checks_cxt, TopTransactionContext);
		t->checks_cxt = NULL;
		t->checks_relid = InvalidOid;
		t->checks_cxt = AllocSetContextCreate(CacheMemoryContext,
											  "migrate catalog checks",
											  ALLOCSET_SMALL_SIZES);
		old = MemoryContextSwitchTo(t->checks_cxt);
		t->checks = palloc0(ncheck * sizeof(Expr *));
		for (int i = 0; i < ncheck; i++)
			if (compat_check_enforced(&constr->check[i]))
				t->checks[i] = expression_planner(stringToNode(constr->check[i].ccbin));
		MemoryContextSwitchTo(old);
		t->nchecks = ncheck;
		/* kept only if nothing changed while they were planned */
		if (seen == direct_invalidations)
			t->checks_relid = RelationGetRelid(rel);
	}

	old = MemoryContextSwitchTo(w->estate->es_query_cxt);
	states = palloc0(ncheck * sizeof(ExprState *));
	for (int i = 0; i < ncheck; i++)
		if (t->checks[i])
			states[i] = ExecInitExpr(t->checks[i], NULL);
	MemoryContextSwitchTo(old);
	compat_rri_check_exprs(w->rri) = states;
}

/*
 * Whether rows can be stored into rel as they are, without SQL: a plain
 * table with no trigger on INSERT but foreign key checks, no rule, no row
 * level security, no generated column, and exactly the columns given
 * (names and types; any order).  Sets w->attnos and w->after_triggers.
 */
static bool
direct_writable(DirectWriter *w, const DirectColumn *cols, int ncols)
{
	Relation	rel = w->rel;
	TupleDesc	desc = RelationGetDescr(rel);
	int			found = 0;

	if (rel->rd_rel->relkind != RELKIND_RELATION ||
		rel->rd_rel->relrowsecurity || rel->rd_rules != NULL ||
		(desc->constr && (desc->constr->has_generated_stored ||
						  compat_has_generated_virtual(desc->constr))) ||
		ncols > DIRECT_MAX_COLUMNS)
		return false;
	w->after_triggers = false;
	for (int i = 0; rel->trigdesc && i < rel->trigdesc->numtriggers; i++)
	{
		Trigger    *trig = &rel->trigdesc->triggers[i];

		if (!TRIGGER_FOR_INSERT(trig->tgtype))
			continue;
		if (RI_FKey_trigger_type(trig->tgfoid) != RI_TRIGGER_FK ||
			!TRIGGER_FOR_ROW(trig->tgtype) || !TRIGGER_FOR_AFTER(trig->tgtype))
			return false;
		w->after_triggers = true;
	}
	for (int a = 0; a < desc->natts; a++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, a);
		int			c;

		if (att->attisdropped)
			continue;
		for (c = 0; c < ncols; c++)
			if (strcmp(NameStr(att->attname), cols[c].name) == 0)
				break;
		if (c == ncols || att->atttypid != cols[c].type)
			return false;
		w->attnos[c] = a;
		found++;
	}
	return found == ncols;
}

/*
 * Open the extension's catalog table relname to store rows of the columns
 * cols, as the owner.  Returns NULL, having opened nothing, when the table
 * is not one that can take rows without SQL (see direct_writable): the
 * caller writes them with SQL then.
 */
DirectWriter *
direct_open(const char *relname, const DirectColumn *cols, int ncols)
{
	Oid			relid = catalog_table(relname);
	DirectWriter *w = palloc0(sizeof(DirectWriter));
	RangeTblEntry *rte;

	w->rel = table_open(relid, RowExclusiveLock);
	if (!direct_writable(w, cols, ncols))
	{
		table_close(w->rel, RowExclusiveLock);
		pfree(w);
		return NULL;
	}
	w->ncols = ncols;

	/*
	 * As the owner: nothing is looked up by name from here on (the table is
	 * open, the columns are matched); what runs is the table's own
	 * constraints, indexes and foreign key checks, with the owner's rights
	 * as under the SQL this replaces.
	 */
	owner_enter(&w->sw);
	w->estate = CreateExecutorState();
	rte = makeNode(RangeTblEntry);
	rte->rtekind = RTE_RELATION;
	rte->relid = relid;
	rte->relkind = RELKIND_RELATION;
	rte->rellockmode = RowExclusiveLock;
	compat_init_range_table(w->estate, rte);
	w->rri = makeNode(ResultRelInfo);
	InitResultRelInfo(w->rri, w->rel, 1, NULL, 0);
	use_planned_checks(relname, w);
	w->estate->es_output_cid = GetCurrentCommandId(true);
	ExecOpenIndices(w->rri, false);
	w->slot = ExecInitExtraTupleSlot(w->estate, RelationGetDescr(w->rel),
									 &TTSOpsVirtual);
	if (w->after_triggers)
		AfterTriggerBeginQuery();
	return w;
}

/* Store one row: values[i] and nulls[i] of column i of direct_open's cols */
void
direct_insert(DirectWriter *w, const Datum *values, const bool *nulls)
{
	TupleTableSlot *slot = w->slot;
	int			natts = RelationGetDescr(w->rel)->natts;

	ExecClearTuple(slot);
	for (int a = 0; a < natts; a++)
	{
		slot->tts_values[a] = (Datum) 0;
		slot->tts_isnull[a] = true;
	}
	for (int c = 0; c < w->ncols; c++)
	{
		slot->tts_values[w->attnos[c]] = values[c];
		slot->tts_isnull[w->attnos[c]] = nulls[c];
	}
	ExecStoreVirtualTuple(slot);
	ExecSimpleRelationInsert(w->rri, w->estate, slot);
	ResetPerTupleExprContext(w->estate);
}

/*
 * Check the foreign keys of the rows stored, close the table, and make the
 * rows visible to what the transaction does next.
 */
void
direct_close(DirectWriter *w)
{
	if (w->after_triggers)
		AfterTriggerEndQuery(w->estate);
	ExecCloseIndices(w->rri);
	/* what the foreign key checks opened */
	ExecCloseResultRelations(w->estate);
	ExecCloseRangeTableRelations(w->estate);
	ExecResetTupleTable(w->estate->es_tupleTable, false);
	FreeExecutorState(w->estate);
	owner_leave(&w->sw);
	table_close(w->rel, NoLock);
	CommandCounterIncrement();
	pfree(w);
}

/* Whether index is a valid unique index of the one column attno */
static bool
unique_index_of(Relation index, AttrNumber attno)
{
	Form_pg_index form = index->rd_index;

	return form->indisunique && form->indisvalid && form->indnkeyatts == 1 &&
		form->indkey.values[0] == attno && index->rd_indexprs == NIL &&
		index->rd_indpred == NIL;
}

/*
 * The unique index of rel (the catalog table relname) whose one key column
 * is colname, open, or an error: the catalog's tables have one for each
 * column read here.  The index found is remembered with the table and
 * forgotten with it; it is checked again each time it is opened.
 */
static Relation
unique_index_on(const char *relname, Relation rel, const char *colname)
{
	AttrNumber	attno = get_attnum(RelationGetRelid(rel), colname);
	KnownTable *t = known_table(relname);
	uint64		seen = direct_invalidations;
	List	   *indexes;
	ListCell   *lc;

	for (int i = 0; t && t->relid == RelationGetRelid(rel) && i < t->nindexes; i++)
		if (strcmp(t->indexes[i].column, colname) == 0)
		{
			Relation	index = index_open(t->indexes[i].indexid, AccessShareLock);

			if (index->rd_index->indrelid == RelationGetRelid(rel) &&
				unique_index_of(index, attno))
				return index;
			index_close(index, AccessShareLock);
			break;
		}
	indexes = RelationGetIndexList(rel);
	foreach(lc, indexes)
	{
		Relation	index = index_open(lfirst_oid(lc), AccessShareLock);

		if (unique_index_of(index, attno))
		{
			/* kept only if nothing changed while it was found */
			if (t && t->relid == RelationGetRelid(rel) &&
				seen == direct_invalidations && t->nindexes < DIRECT_MAX_INDEXES)
			{
				t->indexes[t->nindexes].column = colname;
				t->indexes[t->nindexes].indexid = RelationGetRelid(index);
				t->nindexes++;
			}
			return index;
		}
		index_close(index, AccessShareLock);
	}
	catalog_damaged(psprintf("table migrate.%s has no unique index on \"%s\"",
							 RelationGetRelationName(rel), colname));
	return NULL;				/* keep the compiler quiet */
}

/*
 * Whether the catalog table relname has a row whose text column colname
 * (with a unique index) is value: an index probe, where a query would be
 * planned, run as the owner and read through SPI.  Nothing but the index's
 * own comparison runs; the table is found as direct_open finds it.
 */
bool
direct_has_row(const char *relname, const char *colname, const char *value)
{
	Relation	rel = table_open(catalog_table(relname), AccessShareLock);
	Relation	index = unique_index_on(relname, rel, colname);
	Snapshot	snapshot = RegisterSnapshot(GetTransactionSnapshot());
	SysScanDesc scan;
	ScanKeyData key;
	bool		found;

	ScanKeyInit(&key, index->rd_index->indkey.values[0], BTEqualStrategyNumber,
				F_TEXTEQ, CStringGetTextDatum(value));
	key.sk_collation = index->rd_indcollation[0];
	scan = systable_beginscan(rel, RelationGetRelid(index), true, snapshot,
							  1, &key);
	found = HeapTupleIsValid(systable_getnext(scan));
	systable_endscan(scan);
	UnregisterSnapshot(snapshot);
	index_close(index, AccessShareLock);
	table_close(rel, AccessShareLock);
	return found;
}

/*
 * The largest value of the bigint column colname (with a unique index) of
 * the catalog table relname, 0 when it has no row: the last entry of the
 * index, as max() would find it.
 */
int64
direct_max_int8(const char *relname, const char *colname)
{
	Relation	rel = table_open(catalog_table(relname), AccessShareLock);
	Relation	index = unique_index_on(relname, rel, colname);
	Snapshot	snapshot = RegisterSnapshot(GetTransactionSnapshot());
	AttrNumber	attno = index->rd_index->indkey.values[0];
	SysScanDesc scan;
	HeapTuple	tuple;
	int64		result = 0;

	if (TupleDescAttr(RelationGetDescr(rel), attno - 1)->atttypid != INT8OID)
		catalog_damaged(psprintf("column \"%s\" of table migrate.%s is not a bigint",
								 colname, relname));
	scan = systable_beginscan_ordered(rel, index, snapshot, 0, NULL);
	while (HeapTupleIsValid(tuple = systable_getnext_ordered(scan, BackwardScanDirection)))
	{
		bool		isnull;
		Datum		d = heap_getattr(tuple, attno, RelationGetDescr(rel), &isnull);

		if (!isnull)
		{
			result = DatumGetInt64(d);
			break;
		}
	}
	systable_endscan_ordered(scan);
	UnregisterSnapshot(snapshot);
	index_close(index, AccessShareLock);
	table_close(rel, AccessShareLock);
	return result;
}
