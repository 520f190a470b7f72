/*-------------------------------------------------------------------------
 *
 * dryrun.c
 *	  The dry run that measures (migrate_plan): the revisions a push would
 *	  apply, run exactly as the push runs them, in a subtransaction that is
 *	  always rolled back, each statement measured as it runs.
 *
 * The revisions run through migration_observe_script(), the push's own
 * way (the runner, the caller's rights and search_path, a GUC level per
 * revision, migrate.lock_timeout, the error context); the runner tells an
 * observer before and after each statement, and the observer measures:
 *
 *	  - the relation locks this backend holds, from the lock manager
 *		(GetLockStatusData(), which pg_locks reads), before and after: a
 *		mode held after and not before is a lock the statement took.  A
 *		lock the transaction held already, from an earlier statement, is
 *		not taken again, as in the push.  Left out: a mode weaker than
 *		another one held on the relation (it blocks no one more), and
 *		locks on a relation the statement itself created (no other session
 *		can see it, let alone wait for it), and locks on system catalogs
 *		(every relation initdb made: row locks that block no query, and
 *		differ between releases);
 *	  - rewrites: for every relation held after the statement, its
 *		pg_class.relfilenode now against the one a snapshot taken just
 *		before the statement sees.  A relation that snapshot does not see
 *		is new, not rewritten, but an index dropped and built again under
 *		its name (as ALTER COLUMN ... TYPE does) is rewritten.  A relation
 *		whose file changes is always locked, so the held relations are all
 *		there is to compare: no scan of pg_class;
 *	  - the wall time, and this backend's own WAL (pgWalUsage), not the
 *		server's insert position, which other sessions move too.
 *
 * Relations are named as they were before the statement (one it dropped
 * or renamed by its old name); a TOAST table or TOAST index by its table.
 *
 * None of the push's bookkeeping runs: no applied mark, history row or
 * expected state, and the DDL log stands aside (rolled-back work,
 * session_scratch_enter()).  The migration lock and everything the
 * revisions locked are released by the rollback.
 *
 * A non-transactional revision cannot run here: its statements must each
 * run and commit at top level.  They are listed unmeasured, with a NOTICE;
 * the revisions after it run without what it would have done.
 *
 * src/core/dryrun.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/transam.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/pg_class.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_index.h"
#include "catalog/pg_namespace.h"
#include "executor/instrument.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "storage/lock.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "base/runner.h"
#include "base/session.h"
#include "core/dryrun.h"
#include "core/graph.h"
#include "core/locksafe.h"
#include "core/migration.h"
#include "core/script.h"
#include "core/worker.h"

/* A relation this backend holds locks on, and in which modes */
typedef struct HeldRelation
{
	Oid			relid;
	LOCKMASK	modes;
} HeldRelation;

/* What the observer keeps across one statement, and the rows so far */
typedef struct Measure
{
	MemoryContext rowcxt;		/* the rows: outlives the rollback */
	MemoryContext stmtcxt;		/* what is taken before a statement */
	MemoryContext tmpcxt;		/* what measuring after it needs */
	const char *revision;		/* the revision running, in rowcxt */
	List	   *rows;			/* of DryRunStatement */
	HeldRelation *held;			/* before the statement, by relid */
	int			nheld;
	Snapshot	before;			/* the catalog just before it */
	instr_time	start;
	uint64		wal;
} Measure;

static int
held_cmp(const void *a, const void *b)
{
	Oid			x = ((const HeldRelation *) a)->relid;
	Oid			y = ((const HeldRelation *) b)->relid;

	return x < y ? -1 : x > y ? 1 : 0;
}

/*
 * The relations of this database (and the shared ones) this backend holds
 * locks on, sorted by OID, each once with all its modes (a relation can
 * appear twice: in the fast-path slots and in the main lock table).
 */
static HeldRelation *
held_relations(int *n)
{
	LockData   *data = GetLockStatusData();
	HeldRelation *held = palloc(sizeof(HeldRelation) * Max(data->nelements, 1));
	int			k = 0;

	for (int i = 0; i < data->nelements; i++)
	{
		LockInstanceData *li = &data->locks[i];

		/*
		 * System catalogs are left out: the row locks DDL takes on them
		 * (pg_depend, say, from PostgreSQL 17 on) block no one's queries,
		 * and vary from release to release
		 */
		if (li->pid != MyProcPid || li->holdMask == 0 ||
			li->locktag.locktag_type != LOCKTAG_RELATION ||
			(li->locktag.locktag_field1 != MyDatabaseId &&
			 li->locktag.locktag_field1 != InvalidOid) ||
			li->locktag.locktag_field2 < FirstNormalObjectId)
			continue;
		held[k].relid = li->locktag.locktag_field2;
		held[k].modes = li->holdMask;
		k++;
	}
	if (k > 1)
		qsort(held, k, sizeof(HeldRelation), held_cmp);
	*n = 0;
	for (int i = 0; i < k; i++)
	{
		if (*n > 0 && held[*n - 1].relid == held[i].relid)
			held[*n - 1].modes |= held[i].modes;
		else
			held[(*n)++] = held[i];
	}
	return held;
}

/* The modes m held relid in before the statement */
static LOCKMASK
held_before(Measure *m, Oid relid)
{
	HeldRelation key;
	HeldRelation *found;

	key.relid = relid;
	found = bsearch(&key, m->held, m->nheld, sizeof(HeldRelation), held_cmp);
	return found ? found->modes : 0;
}

/*
 * A catalog row by OID as snapshot sees it (NULL: the catalog's own
 * snapshot, now), copied, or NULL when it sees none.
 */
static HeapTuple
catalog_row(Oid catalog, Oid index, AttrNumber oidcol, Oid oid,
			Snapshot snapshot)
{
	Relation	rel = table_open(catalog, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;

	ScanKeyInit(&key, oidcol, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(oid));
	scan = systable_beginscan(rel, index, true, snapshot, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
		tup = heap_copytuple(tup);
	else
		tup = NULL;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return tup;
}

/* A relation's pg_class row as the snapshot before the statement saw it */
static Form_pg_class
class_before(Measure *m, Oid relid)
{
	HeapTuple	tup = catalog_row(RelationRelationId, ClassOidIndexId,
								  Anum_pg_class_oid, relid, m->before);

	return tup ? (Form_pg_class) GETSTRUCT(tup) : NULL;
}

/*
 * The table a TOAST table or TOAST index belonged to before the statement
 * (an index's table, then the TOAST table's internal dependency), or
 * InvalidOid.  Read as before: a rewrite replaces both with new ones.
 */
static Oid
toast_owner(Measure *m, Oid relid, Form_pg_class form)
{
	Relation	rel;
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tup;
	Oid			owner = InvalidOid;

	if (form->relkind == RELKIND_INDEX)
	{
		tup = catalog_row(IndexRelationId, IndexRelidIndexId,
						  Anum_pg_index_indexrelid, relid, m->before);
		if (tup == NULL)
			return InvalidOid;
		relid = ((Form_pg_index) GETSTRUCT(tup))->indrelid;
	}
	rel = table_open(DependRelationId, AccessShareLock);
	ScanKeyInit(&key[0], Anum_pg_depend_classid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(RelationRelationId));
	ScanKeyInit(&key[1], Anum_pg_depend_objid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	scan = systable_beginscan(rel, DependDependerIndexId, true, m->before,
							  2, key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);

		if (dep->refclassid == RelationRelationId &&
			dep->deptype == DEPENDENCY_INTERNAL)
		{
			owner = dep->refobjid;
			break;
		}
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return owner;
}

/*
 * "schema.name" of a relation as it was before the statement; a TOAST
 * table or TOAST index is named by its table, which is all a user knows.
 */
static char *
relation_name(Measure *m, Oid relid, Form_pg_class form)
{
	HeapTuple	tup;

	if (form->relnamespace == PG_TOAST_NAMESPACE)
	{
		Oid			table = toast_owner(m, relid, form);
		Form_pg_class tform = OidIsValid(table) ? class_before(m, table) : NULL;

		if (tform != NULL)
			form = tform;
	}
	tup = catalog_row(NamespaceRelationId, NamespaceOidIndexId,
					  Anum_pg_namespace_oid, form->relnamespace, m->before);
	return quote_qualified_identifier(tup ? NameStr(((Form_pg_namespace) GETSTRUCT(tup))->nspname) : "?",
									  NameStr(form->relname));
}

/*
 * Whether the relation's file changed during the statement: its
 * relfilenode now (the statement's changes made visible) differs from the
 * one before.  A mapped catalog (relfilenode 0) says nothing.  An index
 * the statement dropped counts when a new index has its name now: ALTER
 * COLUMN ... TYPE rebuilds the indexes on the column that way, under new
 * OIDs (and a rewrite the TOAST index).  Any other relation the statement
 * dropped was not rewritten.
 */
static bool
file_changed(Measure *m, Oid relid, Form_pg_class before)
{
	HeapTuple	tup;
	bool		changed;
	Oid			now;

	if (!OidIsValid(before->relfilenode))
		return false;
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (HeapTupleIsValid(tup))
	{
		changed = ((Form_pg_class) GETSTRUCT(tup))->relfilenode != before->relfilenode;
		ReleaseSysCache(tup);
		return changed;
	}
	if (before->relkind != RELKIND_INDEX)
		return false;
	now = get_relname_relid(NameStr(before->relname), before->relnamespace);
	if (!OidIsValid(now) || class_before(m, now) != NULL)
		return false;
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(now));
	if (!HeapTupleIsValid(tup))
		return false;
	/* ALTER COLUMN ... TYPE varchar(200) keeps the file of an index it can */
	changed = ((Form_pg_class) GETSTRUCT(tup))->relkind == RELKIND_INDEX &&
		((Form_pg_class) GETSTRUCT(tup))->relfilenode != before->relfilenode;
	ReleaseSysCache(tup);
	return changed;
}

/*
 * Of the modes a statement took on a relation, those that say something:
 * a mode that conflicts with less than another one held on it (ALTER
 * TABLE's ShareLock next to its AccessExclusiveLock) blocks no one the
 * other does not, and is left out.
 */
static LOCKMASK
modes_that_matter(LOCKMASK taken, LOCKMASK held)
{
	LOCKTAG		tag;
	const LOCKMASK *conflicts;
	LOCKMASK	result = 0;

	SET_LOCKTAG_RELATION(tag, MyDatabaseId, InvalidOid);
	conflicts = GetLockTagsMethodTable(&tag)->conflictTab;
	for (LOCKMODE mode = 1; mode <= MaxLockMode; mode++)
	{
		bool		moot = false;

		if (!(taken & LOCKBIT_ON(mode)))
			continue;
		for (LOCKMODE other = 1; other <= MaxLockMode && !moot; other++)
			moot = other != mode && (held & LOCKBIT_ON(other)) &&
				(conflicts[mode] & ~conflicts[other]) == 0 &&
				conflicts[mode] != conflicts[other];
		if (!moot)
			result |= LOCKBIT_ON(mode);
	}
	return result;
}

static int
name_cmp(const ListCell *a, const ListCell *b)
{
	return strcmp(lfirst(a), lfirst(b));
}

/* The names sorted, each once, copied into cxt */
static List *
sorted_names(List *names, MemoryContext cxt)
{
	List	   *result = NIL;
	ListCell   *lc;
	MemoryContext old;

	list_sort(names, name_cmp);
	old = MemoryContextSwitchTo(cxt);
	foreach(lc, names)
	{
		if (result == NIL || strcmp(llast(result), lfirst(lc)) != 0)
			result = lappend(result, pstrdup(lfirst(lc)));
	}
	MemoryContextSwitchTo(old);
	return result;
}

/* Before a statement: the locks held, a snapshot, the clock and the WAL */
static void
measure_before(Measure *m)
{
	MemoryContext old;

	MemoryContextReset(m->stmtcxt);
	old = MemoryContextSwitchTo(m->stmtcxt);
	/* what the statements before did is in the snapshot */
	CommandCounterIncrement();
	m->held = held_relations(&m->nheld);
	m->before = RegisterSnapshot(GetLatestSnapshot());
	MemoryContextSwitchTo(old);
	m->wal = pgWalUsage.wal_bytes;
	INSTR_TIME_SET_CURRENT(m->start);
}

/* After it: the row of what it did */
static void
measure_after(Measure *m, MigrateStmt *st)
{
	instr_time	elapsed;
	uint64		wal = pgWalUsage.wal_bytes - m->wal;
	MemoryContext old;
	HeldRelation *after;
	int			nafter;
	List	   *locks = NIL;
	List	   *rewritten = NIL;
	DryRunStatement *row;

	INSTR_TIME_SET_CURRENT(elapsed);
	INSTR_TIME_SUBTRACT(elapsed, m->start);

	MemoryContextReset(m->tmpcxt);
	old = MemoryContextSwitchTo(m->tmpcxt);
	/* the statement's own catalog changes, visible */
	CommandCounterIncrement();
	after = held_relations(&nafter);
	for (int i = 0; i < nafter; i++)
	{
		Oid			relid = after[i].relid;
		LOCKMASK	taken = modes_that_matter(after[i].modes & ~held_before(m, relid),
											  after[i].modes);
		Form_pg_class form = class_before(m, relid);
		bool		changed;
		char	   *name;

		/* created by the statement: nobody else can wait for it */
		if (form == NULL)
			continue;
		changed = file_changed(m, relid, form);
		if (taken == 0 && !changed)
			continue;
		name = relation_name(m, relid, form);
		for (LOCKMODE mode = 1; mode <= MaxLockMode; mode++)
			if (taken & LOCKBIT_ON(mode))
				locks = lappend(locks,
								psprintf("%s %s", name,
										 GetLockmodeName(DEFAULT_LOCKMETHOD, mode)));
		if (changed)
			rewritten = lappend(rewritten, name);
	}
	UnregisterSnapshot(m->before);
	m->before = NULL;

	MemoryContextSwitchTo(m->rowcxt);
	row = palloc0(sizeof(DryRunStatement));
	row->revision = m->revision;
	row->statement = st->number;
	row->line = st->line;
	row->command = st->command;
	row->measured = true;
	row->locks = sorted_names(locks, m->rowcxt);
	row->rewritten = sorted_names(rewritten, m->rowcxt);
	row->usec = INSTR_TIME_GET_MICROSEC(elapsed);
	row->wal_bytes = wal;
	m->rows = lappend(m->rows, row);
	MemoryContextSwitchTo(old);
}

/* runner_observe_fn: measure each statement */
static void
observe_statement(ScriptRun *run, bool done, void *arg)
{
	if (!done)
		measure_before((Measure *) arg);
	else
		measure_after((Measure *) arg, run->stmt);
}

/*
 * A non-transactional revision: its statements, unmeasured, and a NOTICE
 * saying why they did not run.
 */
static void
list_unrun(Measure *m, RevNode *node, RevisionRow *row)
{
	MigrateScript *script = script_parse_mode(row->up_sql, "up", false);
	MemoryContext old = MemoryContextSwitchTo(m->rowcxt);

	for (int i = 0; i < script->nstmts; i++)
	{
		DryRunStatement *r = palloc0(sizeof(DryRunStatement));

		r->revision = m->revision;
		r->statement = script->stmts[i].number;
		r->line = script->stmts[i].line;
		r->command = script->stmts[i].command;
		r->measured = false;
		m->rows = lappend(m->rows, r);
	}
	MemoryContextSwitchTo(old);
	ereport(NOTICE,
			(errcode(ERRCODE_SUCCESSFUL_COMPLETION),
			 errmsg("revision \"%s\" (%s) is non-transactional: the dry run lists its statements without running them",
					node->id, node->message),
			 errdetail("Each of its statements must run and commit on its own outside a transaction block, and the dry run is one transaction that is rolled back. The revisions after it run without what it would have done.")));
}

/*
 * The plan, run and measured: the caller holds the subtransaction that
 * is rolled back.  The migration lock is taken inside it, so that the
 * rollback releases it too.
 */
static void
run_measured(const char *target, Measure *m)
{
	RevGraph   *g;
	List	   *plan;
	List	   *ids = NIL;
	List	   *rows;
	ListCell   *lc;
	ListCell   *rc;
	MemoryContext revcxt;

	locksafe_use_revision(-1, -1);
	catalog_lock();
	worker_check_idle("migrate_plan()");
	g = catalog_load_graph();
	plan = graph_plan_push(g, target);
	if (plan == NIL)
	{
		ereport(NOTICE,
				(errcode(ERRCODE_SUCCESSFUL_COMPLETION),
				 errmsg("nothing to plan: no revision on the way to \"%s\" is pending",
						target)));
		return;
	}
	foreach(lc, plan)
		ids = lappend(ids, g->nodes[lfirst_int(lc)].id);
	rows = catalog_get_scripts(ids);

	revcxt = AllocSetContextCreate(CurrentMemoryContext, "migrate plan revision",
								   ALLOCSET_DEFAULT_SIZES);
	forboth(lc, plan, rc, rows)
	{
		RevNode    *node = &g->nodes[lfirst_int(lc)];
		RevisionRow *row = lfirst(rc);
		MemoryContext old = MemoryContextSwitchTo(revcxt);

		m->revision = MemoryContextStrdup(m->rowcxt, node->id);
		/* its own lock settings, as the push runs it */
		locksafe_use_revision(row->lock_timeout, row->lock_retries);
		if (node->transactional)
			migration_observe_script(node->id, node->message,
									 script_parse(row->up_sql, "up"),
									 observe_statement, m);
		else
			list_unrun(m, node, row);
		MemoryContextSwitchTo(old);
		MemoryContextReset(revcxt);
	}
	MemoryContextDelete(revcxt);
}

/*
 * After a lock timeout (migrate.lock_timeout) the error names the lock the
 * statement waited for and who holds it, as a push's does; the work that
 * waited is rolled back already.
 */
static void
describe_lock_wait(ErrorData *edata)
{
	LockWaitReport *r;

	if (locksafe_timeout() <= 0 || !locksafe_is_timeout(edata))
		return;
	r = locksafe_report();
	if (r->lock == NULL)
		return;
	edata->detail = psprintf("It waited %d ms for %s.%s%s", locksafe_timeout(),
							 r->lock,
							 r->blockers ? " Held by:\n" : " No session holds it now.",
							 r->blockers ? r->blockers : "");
	if (edata->hint == NULL)
		edata->hint = pstrdup("Nothing was applied. The dry run waits for the locks the push would wait for: run it again when the blocking transactions are over.");
}

/* Roll the dry run back, and be where the caller was */
static void
undo_run(MemoryContext cxt, ResourceOwner owner)
{
	session_scratch_leave();
	RollbackAndReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(cxt);
	CurrentResourceOwner = owner;
}

/*
 * Run the revisions a push to target would apply, as it would, in a
 * subtransaction that is rolled back whatever happens, and return one
 * DryRunStatement for each of their statements, in the order they ran.
 * An error of a statement is thrown again, with nothing left of the run.
 * The caller holds the SPI connection and has checked that it may change
 * migrations.
 */
List *
dryrun_plan(const char *target)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	Measure		m;

	memset(&m, 0, sizeof(m));
	m.rowcxt = cxt;
	m.stmtcxt = AllocSetContextCreate(cxt, "migrate plan statement",
									  ALLOCSET_DEFAULT_SIZES);
	m.tmpcxt = AllocSetContextCreate(cxt, "migrate plan measure",
									 ALLOCSET_DEFAULT_SIZES);

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	session_scratch_enter();
	PG_TRY();
	{
		run_measured(target, &m);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		undo_run(cxt, owner);
		describe_lock_wait(edata);
		ReThrowError(edata);
	}
	PG_END_TRY();

	/* always undone: nothing of the run stays */
	undo_run(cxt, owner);
	MemoryContextDelete(m.stmtcxt);
	MemoryContextDelete(m.tmpcxt);
	return m.rows;
}
