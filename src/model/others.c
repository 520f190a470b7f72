/*-------------------------------------------------------------------------
 *
 * others.c
 *	  The model's objects that are not relations: schemas, triggers,
 *	  policies, and the comments on everything in the model; the driver of
 *	  the readers of routines (routines.c) and types (types.c), and the
 *	  helpers they share (readers.h).
 *
 * Kinds and identities (names quoted as SQL needs them):
 *	  schema			app
 *	  function			app.f(integer, text)		(window functions too)
 *	  procedure			app.p(integer)
 *	  aggregate			app.agg(integer)
 *	  enum, domain, composite type, range		app.t
 *	  trigger			app.tab trg
 *	  policy			app.tab pol
 *	  rule				app.tab r		(CREATE RULE; not a view's _RETURN)
 *	  privileges		"<kind> <identity>" of a schema, routine or type
 *	  comment			"<kind> <identity>" of the commented object, with
 *						"column app.tab.col", "index app.ix" and
 *						"constraint app.tab_or_domain con" besides the kinds
 *						above and those of relations.c
 *
 * A routine's arguments in its identity are its input argument types, as
 * format_type_be() writes them with search_path pinned to pg_catalog.
 * Definitions end with "owner <role>" where the object has an owner.
 *
 * Left out: array types, shell and pseudo types, base types written in C
 * (CREATE TYPE with input and output functions), multirange types (their
 * range names them) and the constructors of ranges and multiranges, the
 * triggers a partition inherits from its parent unless enabled otherwise,
 * and comments on objects outside the model.
 *
 * The catalogs that grow with the schema (pg_namespace, pg_proc, pg_type,
 * pg_constraint, pg_trigger, pg_policy, pg_rewrite, pg_description) are read with one
 * heap scan each.  pg_type and pg_description hold rows for every table, so
 * each row is judged with hash look-ups; the syscache and index scans serve
 * only the few rows kept.
 *
 * src/model/others.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/index.h"
#include "catalog/indexing.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_am.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_description.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_event_trigger.h"
#include "catalog/pg_publication.h"
#include "catalog/pg_publication_namespace.h"
#include "catalog/pg_publication_rel.h"
#include "catalog/pg_statistic_ext.h"
#include "catalog/pg_extension.h"
#include "catalog/dependency.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_opclass.h"
#include "catalog/pg_policy.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_range.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "commands/trigger.h"
#include "lib/stringinfo.h"
#include "rewrite/rewriteDefine.h"
#include "rewrite/rewriteSupport.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/syscache.h"

#include "base/compat.h"
#include "model/model_int.h"
#include "model/readers.h"

/*
 * Read a whole catalog with a heap scan, one call of fn per row: for the
 * catalogs with a row per table (or more), where one pass over them costs
 * less than a look-up per object.
 */
void
rd_scan_catalog(OthersState *st, Oid catalog, RowFunc fn)
{
	Relation	rel = table_open(catalog, AccessShareLock);
	SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	HeapTuple	tup;

	while (HeapTupleIsValid(tup = systable_getnext(scan)))
		fn(st, rel, tup);
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
}

/* The relation kinds as model_relations.c names its objects */
static const CharWord relation_kinds[] = {
	{RELKIND_VIEW, "view"},
	{RELKIND_MATVIEW, "materialized view"},
	{RELKIND_SEQUENCE, "sequence"},
	{'\0', "table"}
};

static const CharWord trigger_enabled[] = {
	{TRIGGER_DISABLED, "DISABLED"},
	{TRIGGER_FIRES_ON_REPLICA, "REPLICA"},
	{TRIGGER_FIRES_ALWAYS, "ALWAYS"},
	{'\0', "ENABLED"}
};

static const CharWord rule_enabled[] = {
	{RULE_DISABLED, "DISABLED"},
	{RULE_FIRES_ON_REPLICA, "REPLICA"},
	{RULE_FIRES_ALWAYS, "ALWAYS"},
	{'\0', "ENABLED"}
};

static const CharWord policy_commands[] = {
	{ACL_SELECT_CHR, "SELECT"},
	{ACL_INSERT_CHR, "INSERT"},
	{ACL_UPDATE_CHR, "UPDATE"},
	{ACL_DELETE_CHR, "DELETE"},
	{'\0', "ALL"}
};

/* The word for c; the last entry of words (c = '\0') is the default */
const char *
rd_char_word(const CharWord *words, char c)
{
	while (words->c != '\0' && words->c != c)
		words++;
	return words->word;
}

/* Record the label "<kind> <identity>" comments on an object will use */
char *
rd_remember(OthersState *st, Oid classid, Oid objid, const char *kind,
		 const char *identity)
{
	ObjKey		key;
	LabelEntry *e;

	memset(&key, 0, sizeof(key));
	key.classid = classid;
	key.objid = objid;
	e = hash_search(st->labels, &key, HASH_ENTER, NULL);
	e->label = psprintf("%s %s", kind, identity);
	return e->label;
}

/* The label rd_remember() recorded for an object, or NULL */
const char *
rd_find_label(HTAB *labels, Oid classid, Oid objid)
{
	ObjKey		key;
	LabelEntry *e;

	memset(&key, 0, sizeof(key));
	key.classid = classid;
	key.objid = objid;
	e = hash_search(labels, &key, HASH_FIND, NULL);
	return e ? e->label : NULL;
}

/*
 * Add an object that has an owner and may have privileges: the object
 * itself (its definition, then "owner <role>" after a space, or on a line
 * of its own after a multi-line definition), its privileges when its ACL
 * is not the default, and the label its comment will carry.
 */
void
rd_add_owned(OthersState *st, Oid classid, Oid objid, const char *kind,
		  char *identity, const char *definition, Oid owner, char *acl)
{
	char	   *label = rd_remember(st, classid, objid, kind, identity);
	size_t		len = strlen(definition);

	if (st->m->rd->for_diff)
	{
		model_add(st->m, kind, identity, pstrdup(definition));
		/* the diff creates objects in the order they were created */
		model_detail(st->m)->relid = objid;
	}
	else
		model_add(st->m, kind, identity,
				  psprintf("%s%sowner %s", definition,
						   len == 0 || definition[len - 1] == '\n' ? "" : " ",
						   model_role_name(st->m, owner)));
	if (acl != NULL)
		model_add(st->m, "privileges", label, acl);
}

/* The ACL column of a catalog tuple as model_acl() text, or NULL */
char *
rd_tuple_acl(HeapTuple tup, Relation rel, AttrNumber attnum, ObjectType objtype,
		  Oid owner)
{
	bool		isnull;
	Datum		acl = heap_getattr(tup, attnum, RelationGetDescr(rel), &isnull);

	return isnull ? NULL : model_acl(acl, objtype, owner);
}

/* A text or pg_node_tree column of a catalog tuple, or NULL */
char *
rd_tuple_text(HeapTuple tup, Relation rel, AttrNumber attnum)
{
	bool		isnull;
	Datum		d = heap_getattr(tup, attnum, RelationGetDescr(rel), &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/* What a pg_get_*def()-like SQL function of one OID returns, as C text */
char *
rd_ruleutils_text(PGFunction fn, Oid oid)
{
	return TextDatumGetCString(DirectFunctionCall1(fn, ObjectIdGetDatum(oid)));
}

/* A type in a definition: with its modifier, qualified unless built in */
char *
rd_type_text(Oid typid, int32 typmod)
{
	/* search_path is pg_catalog: everything else comes out qualified */
	return format_type_extended(typid, typmod, FORMAT_TYPE_TYPEMOD_GIVEN);
}

/*
 * The schema-qualified name of a catalog object, from the syscache that
 * finds it by OID and the numbers of its name and namespace columns.
 */
char *
rd_cached_qualified(int cacheid, Oid oid, AttrNumber nameatt, AttrNumber nspatt)
{
	HeapTuple	tup = SearchSysCache1(cacheid, ObjectIdGetDatum(oid));
	bool		isnull;
	Datum		name;
	Datum		nsp;
	char	   *result;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for object %u in syscache %d",
			 oid, cacheid);
	name = SysCacheGetAttr(cacheid, tup, nameatt, &isnull);
	nsp = SysCacheGetAttr(cacheid, tup, nspatt, &isnull);
	result = model_qualified(DatumGetObjectId(nsp),
							 NameStr(*DatumGetName(name)));
	ReleaseSysCache(tup);
	return result;
}

/* A collation, schema-qualified */
char *
rd_collation_text(Oid collid)
{
	return rd_cached_qualified(COLLOID, collid, Anum_pg_collation_collname,
							Anum_pg_collation_collnamespace);
}

/* " COLLATE c" when a collation differs from its type's, or "" */
char *
rd_collate_clause(Oid collid, Oid typid)
{
	if (!OidIsValid(collid) || collid == get_typcollation(typid))
		return "";
	return psprintf(" COLLATE %s", rd_collation_text(collid));
}

/*
 * A pg_namespace row: a managed schema, with its owner.
 */
static void
schema_row(OthersState *st, Relation rel, HeapTuple tup)
{
	Form_pg_namespace ns = (Form_pg_namespace) GETSTRUCT(tup);

	if (!model_is_managed(st->m, ns->oid))
		return;
	rd_add_owned(st, NamespaceRelationId, ns->oid, "schema",
			  pstrdup(quote_identifier(NameStr(ns->nspname))), "",
			  ns->nspowner, rd_tuple_acl(tup, rel, Anum_pg_namespace_nspacl, OBJECT_SCHEMA, ns->nspowner));
}

/*
 * A pg_extension row: an extension installed in a managed schema, or in a
 * schema it created itself, but for migrate (the tool is not part of the
 * state it compares).  The definition says the schema, then the version:
 * "SCHEMA public VERSION '1.8'".  A diff of one schema (framed) leaves
 * extensions alone, as it leaves the schema itself.
 */
static void
extension_row(OthersState *st, Relation rel, HeapTuple tup)
{
	Form_pg_extension ext = (Form_pg_extension) GETSTRUCT(tup);
	bool		isnull;
	Datum		version;

	if (strcmp(NameStr(ext->extname), "migrate") == 0 || model_reading_framed())
		return;
	if (!model_is_managed(st->m, ext->extnamespace) &&
		getExtensionOfObject(NamespaceRelationId, ext->extnamespace) != ext->oid)
		return;
	version = heap_getattr(tup, Anum_pg_extension_extversion,
						   RelationGetDescr(rel), &isnull);
	rd_add_owned(st, ExtensionRelationId, ext->oid, "extension",
				 pstrdup(quote_identifier(NameStr(ext->extname))),
				 psprintf("SCHEMA %s VERSION %s",
						  quote_identifier(get_namespace_name(ext->extnamespace)),
						  isnull ? "''" : quote_literal_cstr(TextDatumGetCString(version))),
				 ext->extowner, NULL);
}

/* list_sort() of strings */
static int
cmp_list_cstring(const ListCell *a, const ListCell *b)
{
	return strcmp(lfirst(a), lfirst(b));
}

/*
 * A pg_statistic_ext row: extended statistics on a managed table, as
 * pg_get_statisticsobjdef() writes them (CREATE STATISTICS ... FROM ...)
 */
static void
statistics_row(OthersState *st, Relation rel, HeapTuple tup)
{
	Form_pg_statistic_ext s = (Form_pg_statistic_ext) GETSTRUCT(tup);

	if (!model_is_managed(st->m, s->stxnamespace) ||
		model_relation(st->m, s->stxrelid) == NULL)
		return;
	rd_add_owned(st, StatisticExtRelationId, s->oid, "statistics",
				 model_qualified(s->stxnamespace, NameStr(s->stxname)),
				 rd_ruleutils_text(pg_get_statisticsobjdef, s->oid),
				 s->stxowner, NULL);
}

/* A pg_collation row: a collation of a managed schema */
static void
collation_row(OthersState *st, Relation rel, HeapTuple tup)
{
	Form_pg_collation c = (Form_pg_collation) GETSTRUCT(tup);
	HeapTuple	ctup;

	if (!model_is_managed(st->m, c->collnamespace) ||
		model_is_member(st->m, CollationRelationId, c->oid))
		return;
	ctup = SearchSysCache1(COLLOID, ObjectIdGetDatum(c->oid));
	if (!HeapTupleIsValid(ctup))
		return;
	rd_add_owned(st, CollationRelationId, c->oid, "collation",
				 model_qualified(c->collnamespace, NameStr(c->collname)),
				 psprintf("(%s)", compat_collation_options(ctup)),
				 c->collowner, NULL);
	ReleaseSysCache(ctup);
}

/*
 * A pg_event_trigger row: the database's own event triggers (not an
 * extension's, so not migrate's), but for a diff of one schema.  "ON event
 * [WHEN TAG IN (...)] EXECUTE FUNCTION f() ENABLE|DISABLE|REPLICA|ALWAYS".
 */
static void
event_trigger_row(OthersState *st, Relation rel, HeapTuple tup)
{
	Form_pg_event_trigger e = (Form_pg_event_trigger) GETSTRUCT(tup);
	StringInfoData def;
	bool		isnull;
	Datum		tags;

	if (model_reading_framed() ||
		model_is_member(st->m, EventTriggerRelationId, e->oid))
		return;
	initStringInfo(&def);
	appendStringInfo(&def, "ON %s", quote_identifier(NameStr(e->evtevent)));
	tags = heap_getattr(tup, Anum_pg_event_trigger_evttags, RelationGetDescr(rel), &isnull);
	if (!isnull)
	{
		Datum	   *items;
		int			n;

		deconstruct_array(DatumGetArrayTypeP(tags), TEXTOID, -1, false,
						  TYPALIGN_INT, &items, NULL, &n);
		appendStringInfoString(&def, " WHEN TAG IN (");
		for (int i = 0; i < n; i++)
			appendStringInfo(&def, "%s%s", i > 0 ? ", " : "",
							 quote_literal_cstr(TextDatumGetCString(items[i])));
		appendStringInfoChar(&def, ')');
	}
	appendStringInfo(&def, " EXECUTE FUNCTION %s() %s",
					 model_qualified(get_func_namespace(e->evtfoid),
									 get_func_name(e->evtfoid)),
					 e->evtenabled == TRIGGER_DISABLED ? "DISABLE" :
					 e->evtenabled == TRIGGER_FIRES_ON_REPLICA ? "ENABLE REPLICA" :
					 e->evtenabled == TRIGGER_FIRES_ALWAYS ? "ENABLE ALWAYS" : "ENABLE");
	rd_add_owned(st, EventTriggerRelationId, e->oid, "event trigger",
				 pstrdup(quote_identifier(NameStr(e->evtname))), def.data,
				 e->evtowner, NULL);
}

/*
 * A pg_publication row, but for a diff of one schema: "FOR ALL TABLES", or
 * "FOR TABLE a (x, y) WHERE (...), TABLES IN SCHEMA s", then "WITH (...)"
 * as CREATE PUBLICATION takes it.  Tables and schemas sorted by name.
 */
static void
publication_row(OthersState *st, Relation rel, HeapTuple tup)
{
	Form_pg_publication p = (Form_pg_publication) GETSTRUCT(tup);
	StringInfoData def;
	List	   *items = NIL;
	List	   *publish = NIL;
	Relation	prel;
	SysScanDesc scan;
	ScanKeyData key;
	HeapTuple	t;
	ListCell   *lc;

	if (model_reading_framed())
		return;
	ScanKeyInit(&key, Anum_pg_publication_rel_prpubid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(p->oid));
	prel = table_open(PublicationRelRelationId, AccessShareLock);
	scan = systable_beginscan(prel, PublicationRelPrpubidIndexId, true, NULL, 1, &key);
	while (HeapTupleIsValid(t = systable_getnext(scan)))
	{
		Form_pg_publication_rel pr = (Form_pg_publication_rel) GETSTRUCT(t);
		StringInfoData item;
		bool		isnull;
		Datum		d;

		initStringInfo(&item);
		appendStringInfoString(&item, model_qualified(get_rel_namespace(pr->prrelid),
													  get_rel_name(pr->prrelid)));
		d = heap_getattr(t, Anum_pg_publication_rel_prattrs, RelationGetDescr(prel), &isnull);
		if (!isnull)
		{
			int2vector *attrs = (int2vector *) DatumGetPointer(d);

			appendStringInfoString(&item, " (");
			for (int i = 0; i < attrs->dim1; i++)
				appendStringInfo(&item, "%s%s", i > 0 ? ", " : "",
								 quote_identifier(get_attname(pr->prrelid, attrs->values[i], false)));
			appendStringInfoChar(&item, ')');
		}
		d = heap_getattr(t, Anum_pg_publication_rel_prqual, RelationGetDescr(prel), &isnull);
		if (!isnull)
			appendStringInfo(&item, " WHERE (%s)",
							 TextDatumGetCString(DirectFunctionCall2(pg_get_expr, d,
																	 ObjectIdGetDatum(pr->prrelid))));
		items = lappend(items, item.data);
	}
	systable_endscan(scan);
	table_close(prel, AccessShareLock);
	list_sort(items, cmp_list_cstring);
	initStringInfo(&def);
	if (p->puballtables)
		appendStringInfoString(&def, "FOR ALL TABLES");
	else
	{
		List	   *schemas = NIL;

		prel = table_open(PublicationNamespaceRelationId, AccessShareLock);
		scan = systable_beginscan(prel, InvalidOid, false, NULL, 0, NULL);
		while (HeapTupleIsValid(t = systable_getnext(scan)))
		{
			Form_pg_publication_namespace pn = (Form_pg_publication_namespace) GETSTRUCT(t);

			if (pn->pnpubid == p->oid)
				schemas = lappend(schemas,
								  psprintf("TABLES IN SCHEMA %s",
										   quote_identifier(get_namespace_name(pn->pnnspid))));
		}
		systable_endscan(scan);
		table_close(prel, AccessShareLock);
		list_sort(schemas, cmp_list_cstring);
		foreach(lc, items)
			appendStringInfo(&def, "%s%s", def.len == 0 ? "FOR TABLE " : ", ",
							 (char *) lfirst(lc));
		foreach(lc, schemas)
			appendStringInfo(&def, "%s%s", def.len == 0 ? "FOR " : ", ",
							 (char *) lfirst(lc));
	}
	if (p->pubinsert)
		publish = lappend(publish, "insert");
	if (p->pubupdate)
		publish = lappend(publish, "update");
	if (p->pubdelete)
		publish = lappend(publish, "delete");
	if (p->pubtruncate)
		publish = lappend(publish, "truncate");
	appendStringInfo(&def, "%sWITH (publish = '", def.len > 0 ? " " : "");
	foreach(lc, publish)
		appendStringInfo(&def, "%s%s", foreach_current_index(lc) > 0 ? ", " : "",
						 (char *) lfirst(lc));
	appendStringInfo(&def, "', publish_via_partition_root = %s)",
					 p->pubviaroot ? "true" : "false");
	rd_add_owned(st, PublicationRelationId, p->oid, "publication",
				 pstrdup(quote_identifier(NameStr(p->pubname))), def.data,
				 p->pubowner, NULL);
}

/* A pg_trigger row: kept if it is a user's trigger on a managed relation */
static void
trigger_row(OthersState *st, Relation rel, HeapTuple tup)
{
	Form_pg_trigger trg = (Form_pg_trigger) GETSTRUCT(tup);
	RelInfo    *ri;
	TriggerItem *t;

	if (trg->tgisinternal)
		return;
	ri = model_relation(st->m, trg->tgrelid);
	if (ri == NULL)
		return;
	t = hash_search(st->triggers, &trg->oid, HASH_ENTER, NULL);
	t->parent = trg->tgparentid;
	t->enabled = trg->tgenabled;
	t->identity = psprintf("%s %s", ri->qualname,
						   quote_identifier(NameStr(trg->tgname)));
	rd_remember(st, TriggerRelationId, t->oid, "trigger", t->identity);
}

/*
 * The user's triggers on managed relations, as pg_get_triggerdef() writes
 * them, followed by how they fire.  A partition has a clone of each row
 * trigger of its parent; like pg_dump, the clone counts only when it is
 * enabled differently from the trigger it came from, since the parent's
 * trigger and the partition already describe it.
 */
static void
read_triggers(OthersState *st)
{
	HASH_SEQ_STATUS seq;
	TriggerItem *t;

	st->triggers = model_hash("migrate triggers", sizeof(Oid),
							   sizeof(TriggerItem));
	rd_scan_catalog(st, TriggerRelationId, trigger_row);
	hash_seq_init(&seq, st->triggers);
	while ((t = hash_seq_search(&seq)) != NULL)
	{
		TriggerItem *parent = NULL;

		if (OidIsValid(t->parent))
			parent = hash_search(st->triggers, &t->parent, HASH_FIND, NULL);
		if (parent != NULL && parent->enabled == t->enabled)
			continue;
		model_add(st->m, "trigger", t->identity,
				  psprintf("%s %s",
						   rd_ruleutils_text(pg_get_triggerdef, t->oid),
						   rd_char_word(trigger_enabled, t->enabled)));
	}
}

static int
cmp_cstring_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* "r1, r2": the roles of a policy, sorted; OID 0 is PUBLIC */
static char *
policy_roles(SchemaModel *m, Datum roles)
{
	ArrayType  *arr = DatumGetArrayTypeP(roles);
	Oid		   *oids = (Oid *) ARR_DATA_PTR(arr);
	int			n = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
	char	  **names = palloc(sizeof(char *) * Max(n, 1));
	StringInfoData buf;

	for (int i = 0; i < n; i++)
		names[i] = OidIsValid(oids[i]) ?
			pstrdup(quote_identifier(model_role_name(m, oids[i]))) : "PUBLIC";
	qsort(names, n, sizeof(char *), cmp_cstring_ptr);
	initStringInfo(&buf);
	for (int i = 0; i < n; i++)
		appendStringInfo(&buf, "%s%s", i ? ", " : "", names[i]);
	return model_string(&buf);
}

/*
 * A pg_policy row: a row security policy of a managed relation.  Whether
 * the table enforces its policies is the table's definition, in
 * model_relations.c.
 */
static void
policy_row(OthersState *st, Relation rel, HeapTuple tup)
{
	Form_pg_policy pol = (Form_pg_policy) GETSTRUCT(tup);
	RelInfo    *ri = model_relation(st->m, pol->polrelid);
	StringInfoData def;
	char	   *identity;
	char	   *expr;
	bool		isnull;
	Datum		roles;

	if (ri == NULL)
		return;
	roles = heap_getattr(tup, Anum_pg_policy_polroles,
						 RelationGetDescr(rel), &isnull);
	initStringInfo(&def);
	appendStringInfo(&def, "AS %s FOR %s TO %s",
					 pol->polpermissive ? "PERMISSIVE" : "RESTRICTIVE",
					 rd_char_word(policy_commands, pol->polcmd),
					 isnull ? "PUBLIC" : policy_roles(st->m, roles));
	expr = rd_tuple_text(tup, rel, Anum_pg_policy_polqual);
	if (expr != NULL)
		appendStringInfo(&def, " USING (%s)",
						 model_deparse(st->m, expr, ri->relid, ri->relkey));
	expr = rd_tuple_text(tup, rel, Anum_pg_policy_polwithcheck);
	if (expr != NULL)
		appendStringInfo(&def, " WITH CHECK (%s)",
						 model_deparse(st->m, expr, ri->relid, ri->relkey));
	identity = psprintf("%s %s", ri->qualname,
						quote_identifier(NameStr(pol->polname)));
	rd_remember(st, PolicyRelationId, pol->oid, "policy", identity);
	model_add(st->m, "policy", identity, model_string(&def));
}

/* A rule the pg_rewrite scan kept, deparsed once the scan is over */
typedef struct RuleItem
{
	Oid			oid;
	char		enabled;
	char	   *identity;
} RuleItem;

/*
 * A pg_rewrite row: kept if it is a rule of a managed relation that
 * CREATE RULE made (a view's _RETURN rule is the view's query).
 */
static void
rule_row(OthersState *st, Relation rel, HeapTuple tup)
{
	Form_pg_rewrite r = (Form_pg_rewrite) GETSTRUCT(tup);
	RelInfo    *ri;
	RuleItem   *item;

	if (strcmp(NameStr(r->rulename), ViewSelectRuleName) == 0)
		return;
	ri = model_relation(st->m, r->ev_class);
	if (ri == NULL)
		return;
	item = palloc(sizeof(RuleItem));
	item->oid = r->oid;
	item->enabled = r->ev_enabled;
	item->identity = psprintf("%s %s", ri->qualname,
							  quote_identifier(NameStr(r->rulename)));
	rd_remember(st, RewriteRelationId, r->oid, "rule", item->identity);
	st->rules = lappend(st->rules, item);
}

/*
 * The rules of managed relations, as pg_get_ruledef() writes them (after
 * the scan: it reads pg_rewrite itself), followed by how they fire.
 */
static void
read_rules(OthersState *st)
{
	ListCell   *lc;

	rd_scan_catalog(st, RewriteRelationId, rule_row);
	foreach(lc, st->rules)
	{
		RuleItem   *r = lfirst(lc);

		model_add(st->m, "rule", r->identity,
				  psprintf("%s %s", rd_ruleutils_text(pg_get_ruledef, r->oid),
						   rd_char_word(rule_enabled, r->enabled)));
	}
}

/*
 * The label of a commented pg_class object: a managed relation, one of its
 * columns, a column of a composite type, or an index of a managed table.
 * NULL for anything else.
 */
static char *
relation_label(OthersState *st, Oid relid, int32 subid)
{
	RelInfo    *ri = model_relation(st->m, relid);
	OidLabel   *composite;
	char		relkind;
	char	   *attname;

	if (ri != NULL && subid == 0)
		return psprintf("%s %s", rd_char_word(relation_kinds, ri->relkind),
						ri->qualname);
	if (ri != NULL)
	{
		if (subid > ri->natts || ri->attnames[subid - 1] == NULL)
			return NULL;
		return psprintf("column %s.%s", ri->qualname,
						quote_identifier(ri->attnames[subid - 1]));
	}
	composite = hash_search(st->composites, &relid, HASH_FIND, NULL);
	if (composite != NULL && subid > 0)
	{
		attname = get_attname(relid, (AttrNumber) subid, true);
		return attname ? psprintf("column %s.%s", composite->label,
								  quote_identifier(attname)) : NULL;
	}
	if (subid != 0)
		return NULL;
	relkind = get_rel_relkind(relid);
	if ((relkind == RELKIND_INDEX || relkind == RELKIND_PARTITIONED_INDEX) &&
		model_relation(st->m, IndexGetRelation(relid, true)) != NULL)
		return psprintf("index %s", model_qualified(get_rel_namespace(relid),
													get_rel_name(relid)));
	return NULL;
}

/* The label of a commented constraint of a managed table, or NULL */
static char *
constraint_label(OthersState *st, Oid conid)
{
	HeapTuple	tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(conid));
	Form_pg_constraint con;
	RelInfo    *ri;
	char	   *result = NULL;

	if (!HeapTupleIsValid(tup))
		return NULL;
	con = (Form_pg_constraint) GETSTRUCT(tup);
	ri = OidIsValid(con->conrelid) ? model_relation(st->m, con->conrelid) : NULL;
	if (ri != NULL)
		result = psprintf("constraint %s %s", ri->qualname,
						  quote_identifier(NameStr(con->conname)));
	ReleaseSysCache(tup);
	return result;
}

/*
 * A pg_description row: a comment, kept if it is on an object of the
 * model.  Most rows are the comments of built-in objects, judged with one
 * hash look-up each; the syscache is only consulted for comments on
 * pg_class and pg_constraint rows not already known (indexes, table
 * constraints).
 */
static void
comment_row(OthersState *st, Relation rel, HeapTuple tup)
{
	Form_pg_description d = (Form_pg_description) GETSTRUCT(tup);
	const char *label = NULL;

	/* an extension's comment is its control file's, not the database's */
	if (d->classoid == ExtensionRelationId)
		return;
	if (d->classoid == RelationRelationId)
		label = relation_label(st, d->objoid, d->objsubid);
	else if (d->objsubid == 0)
	{
		label = rd_find_label(st->labels, d->classoid, d->objoid);
		if (label == NULL && d->classoid == ConstraintRelationId)
			label = constraint_label(st, d->objoid);
	}
	if (label != NULL)
		model_add(st->m, "comment", pstrdup(label),
				  rd_tuple_text(tup, rel, Anum_pg_description_description));
}

/*
 * Add to the model every object of the managed schemas that is not a
 * relation or part of one, and the comments on all of them.  Runs after
 * model_read_relations(), whose relations it looks up.
 */
void
model_read_others(SchemaModel *m)
{
	OthersState st;

	memset(&st, 0, sizeof(st));
	st.m = m;
	st.labels = model_hash("migrate object labels", sizeof(ObjKey),
							sizeof(LabelEntry));
	st.composites = model_hash("migrate composite types", sizeof(Oid),
								sizeof(OidLabel));
	st.typefuncs = model_hash("migrate type functions", sizeof(Oid),
							   sizeof(Oid));

	rd_scan_catalog(&st, NamespaceRelationId, schema_row);
	rd_scan_catalog(&st, ExtensionRelationId, extension_row);
	rd_scan_catalog(&st, CollationRelationId, collation_row);
	rd_scan_catalog(&st, EventTriggerRelationId, event_trigger_row);
	rd_scan_catalog(&st, PublicationRelationId, publication_row);
	rd_scan_catalog(&st, StatisticExtRelationId, statistics_row);
	rd_read_types(&st);			/* first: it notes the types' own functions */
	rd_scan_catalog(&st, ProcedureRelationId, rd_routine_row);
	read_triggers(&st);
	rd_scan_catalog(&st, PolicyRelationId, policy_row);
	read_rules(&st);
	rd_scan_catalog(&st, DescriptionRelationId, comment_row);	/* last */
}
