/*-------------------------------------------------------------------------
 *
 * compat.c
 *		The functions behind compat.h that differ by PostgreSQL version.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_database.h"
#include "executor/executor.h"
#include "mb/pg_wchar.h"
#include "nodes/makefuncs.h"
#include "parser/parse_relation.h"
#include "parser/parse_type.h"
#include "utils/syscache.h"
#if PG_VERSION_NUM >= 160000
#include "nodes/miscnodes.h"
#endif
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

static void
add_option(List **options, const char *name, const char *value)
{
	if (value != NULL && value[0] != '\0')
		*options = lappend(*options, makeDefElem(pstrdup(name),
												 (Node *) makeString(pstrdup(value)),
												 -1));
}

/* A text column of a syscache tuple, or NULL */
static char *
cached_text(int cacheid, HeapTuple tup, AttrNumber attno)
{
	bool		isnull;
	Datum		d = SysCacheGetAttr(cacheid, tup, attno, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

List *
compat_database_locale_options(Oid dboid)
{
	HeapTuple	tup = SearchSysCache1(DATABASEOID, ObjectIdGetDatum(dboid));
	Form_pg_database db;
	List	   *options = NIL;
	char	   *locale;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for database %u", dboid);
	db = (Form_pg_database) GETSTRUCT(tup);
	add_option(&options, "template", "template0");
	add_option(&options, "encoding", pg_encoding_to_char(db->encoding));
	add_option(&options, "lc_collate", cached_text(DATABASEOID, tup, Anum_pg_database_datcollate));
	add_option(&options, "lc_ctype", cached_text(DATABASEOID, tup, Anum_pg_database_datctype));
#if PG_VERSION_NUM >= 170000
	locale = cached_text(DATABASEOID, tup, Anum_pg_database_datlocale);
#else
	locale = cached_text(DATABASEOID, tup, Anum_pg_database_daticulocale);
#endif
	if (db->datlocprovider == COLLPROVIDER_ICU)
	{
		add_option(&options, "locale_provider", "icu");
		add_option(&options, "icu_locale", locale);
	}
#ifdef COLLPROVIDER_BUILTIN
	else if (db->datlocprovider == COLLPROVIDER_BUILTIN)
	{
		add_option(&options, "locale_provider", "builtin");
		add_option(&options, "builtin_locale", locale);
	}
#endif
	ReleaseSysCache(tup);
	return options;
}

Oid
compat_type_named(const char *name, int32 *typmod)
{
	Oid			typid = InvalidOid;
#if PG_VERSION_NUM >= 160000
	ErrorSaveContext escontext = {T_ErrorSaveContext};
#endif

	*typmod = -1;
#if PG_VERSION_NUM >= 160000
	if (!parseTypeString(name, &typid, typmod, (Node *) &escontext))
		return InvalidOid;
#else
	parseTypeString(name, &typid, typmod, true);
#endif
	return typid;
}

char *
compat_collation_options(HeapTuple tup)
{
	Form_pg_collation c = (Form_pg_collation) GETSTRUCT(tup);
	StringInfoData buf;
	char	   *collate = cached_text(COLLOID, tup, Anum_pg_collation_collcollate);
	char	   *ctype = cached_text(COLLOID, tup, Anum_pg_collation_collctype);
	char	   *locale;

#if PG_VERSION_NUM >= 170000
	locale = cached_text(COLLOID, tup, Anum_pg_collation_colllocale);
#else
	locale = cached_text(COLLOID, tup, Anum_pg_collation_colliculocale);
#endif
	initStringInfo(&buf);
	switch (c->collprovider)
	{
		case COLLPROVIDER_ICU:
			appendStringInfoString(&buf, "provider = icu");
			break;
#ifdef COLLPROVIDER_BUILTIN
		case COLLPROVIDER_BUILTIN:
			appendStringInfoString(&buf, "provider = builtin");
			break;
#endif
		default:
			appendStringInfoString(&buf, "provider = libc");
			break;
	}
	if (locale != NULL)
		appendStringInfo(&buf, ", locale = %s", quote_literal_cstr(locale));
	else if (collate != NULL && ctype != NULL && strcmp(collate, ctype) == 0)
		appendStringInfo(&buf, ", locale = %s", quote_literal_cstr(collate));
	else
	{
		if (collate != NULL)
			appendStringInfo(&buf, ", lc_collate = %s", quote_literal_cstr(collate));
		if (ctype != NULL)
			appendStringInfo(&buf, ", lc_ctype = %s", quote_literal_cstr(ctype));
	}
#if PG_VERSION_NUM >= 160000
	{
		char	   *rules = cached_text(COLLOID, tup, Anum_pg_collation_collicurules);

		if (rules != NULL)
			appendStringInfo(&buf, ", rules = %s", quote_literal_cstr(rules));
	}
#endif
	if (!c->collisdeterministic)
		appendStringInfoString(&buf, ", deterministic = false");
	return buf.data;
}

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

void
compat_return_free_memory(void)
{
#ifdef __GLIBC__
	(void) malloc_trim(0);
#endif
}

void
compat_init_range_table(EState *estate, RangeTblEntry *rte)
{
#if PG_VERSION_NUM >= 160000
	List	   *perminfos = NIL;

	addRTEPermissionInfo(&perminfos, rte);
#endif
#if PG_VERSION_NUM >= 180000
	ExecInitRangeTable(estate, list_make1(rte), perminfos,
					   bms_make_singleton(1));
#elif PG_VERSION_NUM >= 160000
	ExecInitRangeTable(estate, list_make1(rte), perminfos);
#else
	ExecInitRangeTable(estate, list_make1(rte));
#endif
}
