/*-------------------------------------------------------------------------
 *
 * compat.c
 *		The functions behind compat.h that differ by PostgreSQL version.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_attribute.h"
#include "nodes/parsenodes.h"
#include "rewrite/prs2lock.h"
#include "rewrite/rewriteManip.h"
#include "utils/builtins.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"

#include "base/compat.h"

#if PG_VERSION_NUM >= 160000

char *
compat_view_query(Oid viewoid)
{
	return TextDatumGetCString(DirectFunctionCall1(pg_get_viewdef,
												   ObjectIdGetDatum(viewoid)));
}

#else

/*
 * What pg_get_viewdef(oid) does (the query of the view's ON SELECT rule,
 * deparsed with PRETTYFLAG_INDENT and the view's own column names, then a
 * semicolon), on a copy of the query without the OLD and NEW entries that
 * open the range table of every view up to 15.  Nothing in a view's query
 * refers to them (they are there for the rewriter's permission checks), so
 * dropping them and shifting every range table index down by two leaves
 * the same query, which is what 16 stores.
 */
char *
compat_view_query(Oid viewoid)
{
	Relation	rel = table_open(viewoid, AccessShareLock);
	RuleLock   *rules = rel->rd_rules;
	Query	   *query = NULL;
	RangeTblEntry *old_rte;
	RangeTblEntry *new_rte;
	ListCell   *lc;
	int			attno = 0;
	char	   *text;

	for (int i = 0; rules != NULL && i < rules->numLocks; i++)
	{
		RewriteRule *rule = rules->rules[i];

		if (rule->event == CMD_SELECT && rule->isInstead &&
			list_length(rule->actions) == 1)
			query = copyObject(linitial_node(Query, rule->actions));
	}
	if (query == NULL || list_length(query->rtable) < 2)
		elog(ERROR, "relation %u has no view query", viewoid);
	old_rte = linitial_node(RangeTblEntry, query->rtable);
	new_rte = lsecond_node(RangeTblEntry, query->rtable);
	if (old_rte->rtekind != RTE_RELATION || old_rte->relid != viewoid ||
		new_rte->rtekind != RTE_RELATION || new_rte->relid != viewoid)
		elog(ERROR, "view %u does not start its range table with OLD and NEW",
			 viewoid);
	query->rtable = list_delete_first(list_delete_first(query->rtable));
	OffsetVarNodes((Node *) query, -2, 0);

	/* the view's column names, as pg_get_viewdef takes them from its tupdesc */
	foreach(lc, query->targetList)
	{
		TargetEntry *tle = lfirst_node(TargetEntry, lc);

		if (tle->resjunk)
			continue;
		if (attno < RelationGetDescr(rel)->natts)
			tle->resname = pstrdup(NameStr(TupleDescAttr(RelationGetDescr(rel),
														 attno)->attname));
		attno++;
	}
	table_close(rel, AccessShareLock);

	text = pg_get_querydef(query, false);
	return psprintf("%s;", text);
}

#endif

/* 17 made attstattarget a nullable int2 at the end of the row */
int
compat_attstattarget(HeapTuple tup, TupleDesc desc)
{
#if PG_VERSION_NUM >= 170000
	bool		isnull;
	Datum		d = heap_getattr(tup, Anum_pg_attribute_attstattarget, desc, &isnull);

	return isnull ? -1 : (int) DatumGetInt16(d);
#else
	return ((Form_pg_attribute) GETSTRUCT(tup))->attstattarget;
#endif
}
