/*-------------------------------------------------------------------------
 *
 * model_others.c
 *	  The model's objects that are not relations: schemas, routines, types,
 *	  triggers, policies, and the comments on everything in the model.
 *
 * Kinds and identities (names quoted as SQL needs them):
 *	  schema			app
 *	  function			app.f(integer, text)		(window functions too)
 *	  procedure			app.p(integer)
 *	  aggregate			app.agg(integer)
 *	  enum, domain, composite type, range		app.t
 *	  trigger			app.tab trg
 *	  policy			app.tab pol
 *	  privileges		"<kind> <identity>" of a schema, routine or type
 *	  comment			"<kind> <identity>" of the commented object, with
 *						"column app.tab.col", "index app.ix" and
 *						"constraint app.tab_or_domain con" besides the kinds
 *						above and those of model_relations.c
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
 * pg_constraint, pg_trigger, pg_policy, pg_description) are read with one
 * heap scan each.  pg_type and pg_description hold rows for every table, so
 * each row is judged with hash look-ups; the syscache and index scans serve
 * only the few rows kept.
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
#include "catalog/pg_namespace.h"
#include "catalog/pg_opclass.h"
#include "catalog/pg_policy.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_range.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "commands/trigger.h"
#include "lib/stringinfo.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/syscache.h"

#include "model/model_int.h"

/* An object of another catalog: what comments are attached to */
typedef struct ObjKey
{
	Oid			classid;
	Oid			objid;
} ObjKey;

/* "<kind> <identity>" of an object in the model, by catalog and OID */
typedef struct LabelEntry
{
	ObjKey		key;
	char	   *label;
} LabelEntry;

/* A label by OID */
typedef struct OidLabel
{
	Oid			oid;
	char	   *label;
} OidLabel;

/* A type kept by the pg_type scan, described once the scan is over */
typedef struct TypeItem
{
	Oid			oid;
	char		typtype;
	char	   *identity;
	Oid			owner;
	Oid			typrelid;		/* composite types */
	Oid			basetype;		/* domains */
	int32		typmod;
	Oid			collation;
	bool		notnull;
	char	   *defaultbin;		/* domains: pg_node_tree, or NULL */
	char	   *acl;			/* model_acl() text, or NULL */
	List	   *constraints;	/* domains: DomainCheck * */
} TypeItem;

/* A domain by OID */
typedef struct DomainEntry
{
	Oid			oid;
	TypeItem   *item;
} DomainEntry;

/* A constraint of a domain */
typedef struct DomainCheck
{
	Oid			oid;
	char	   *name;
} DomainCheck;

/* A trigger kept by the pg_trigger scan */
typedef struct TriggerItem
{
	Oid			oid;			/* hash key */
	Oid			parent;			/* tgparentid: the trigger it is a clone of */
	char		enabled;
	char	   *identity;
} TriggerItem;

/* What the readers of this file share */
typedef struct OthersState
{
	SchemaModel *m;
	HTAB	   *labels;			/* LabelEntry, for comments */
	HTAB	   *domains;		/* DomainEntry */
	HTAB	   *composites;		/* OidLabel: composite types by typrelid */
	HTAB	   *typefuncs;		/* OIDs of functions a type made for itself */
	List	   *types;			/* TypeItem *, as the pg_type scan kept them */
	HTAB	   *triggers;		/* TriggerItem, by OID */
} OthersState;

/* What scan_catalog() does with each row */
typedef void (*RowFunc) (OthersState *st, Relation rel, HeapTuple tup);

/*
 * Read a whole catalog with a heap scan, one call of fn per row: for the
 * catalogs with a row per table (or more), where one pass over them costs
 * less than a look-up per object.
 */
static void
scan_catalog(OthersState *st, Oid catalog, RowFunc fn)
{
	Relation	rel = table_open(catalog, AccessShareLock);
	SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	HeapTuple	tup;

	while (HeapTupleIsValid(tup = systable_getnext(scan)))
		fn(st, rel, tup);
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
}

/* A word for each value of a "char" catalog column */
typedef struct CharWord
{
	char		c;
	const char *word;
} CharWord;

/* The relation kinds as model_relations.c names its objects */
static const CharWord relation_kinds[] = {
	{RELKIND_VIEW, "view"},
	{RELKIND_MATVIEW, "materialized view"},
	{RELKIND_SEQUENCE, "sequence"},
	{'\0', "table"}
};

static const CharWord aggregate_modify[] = {
	{AGGMODIFY_SHAREABLE, "SHAREABLE"},
	{AGGMODIFY_READ_WRITE, "READ_WRITE"},
	{'\0', "READ_ONLY"}
};

static const CharWord trigger_enabled[] = {
	{TRIGGER_DISABLED, "DISABLED"},
	{TRIGGER_FIRES_ON_REPLICA, "REPLICA"},
	{TRIGGER_FIRES_ALWAYS, "ALWAYS"},
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
static const char *
char_word(const CharWord *words, char c)
{
	while (words->c != '\0' && words->c != c)
		words++;
	return words->word;
}

/* Record the label "<kind> <identity>" comments on an object will use */
static char *
remember(OthersState *st, Oid classid, Oid objid, const char *kind,
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

/* The label remember() recorded for an object, or NULL */
static const char *
find_label(HTAB *labels, Oid classid, Oid objid)
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
static void
add_owned(OthersState *st, Oid classid, Oid objid, const char *kind,
		  char *identity, const char *definition, Oid owner, char *acl)
{
	char	   *label = remember(st, classid, objid, kind, identity);
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
static char *
tuple_acl(HeapTuple tup, Relation rel, AttrNumber attnum, ObjectType objtype,
		  Oid owner)
{
	bool		isnull;
	Datum		acl = heap_getattr(tup, attnum, RelationGetDescr(rel), &isnull);

	return isnull ? NULL : model_acl(acl, objtype, owner);
}

/* A text or pg_node_tree column of a catalog tuple, or NULL */
static char *
tuple_text(HeapTuple tup, Relation rel, AttrNumber attnum)
{
	bool		isnull;
	Datum		d = heap_getattr(tup, attnum, RelationGetDescr(rel), &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/* What a pg_get_*def()-like SQL function of one OID returns, as C text */
static char *
ruleutils_text(PGFunction fn, Oid oid)
{
	return TextDatumGetCString(DirectFunctionCall1(fn, ObjectIdGetDatum(oid)));
}

/* A type in a definition: with its modifier, qualified unless built in */
static char *
type_text(Oid typid, int32 typmod)
{
	/* search_path is pg_catalog: everything else comes out qualified */
	return format_type_extended(typid, typmod, FORMAT_TYPE_TYPEMOD_GIVEN);
}

/*
 * The schema-qualified name of a catalog object, from the syscache that
 * finds it by OID and the numbers of its name and namespace columns.
 */
static char *
cached_qualified(int cacheid, Oid oid, AttrNumber nameatt, AttrNumber nspatt)
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
static char *
collation_text(Oid collid)
{
	return cached_qualified(COLLOID, collid, Anum_pg_collation_collname,
							Anum_pg_collation_collnamespace);
}

/* " COLLATE c" when a collation differs from its type's, or "" */
static char *
collate_clause(Oid collid, Oid typid)
{
	if (!OidIsValid(collid) || collid == get_typcollation(typid))
		return "";
	return psprintf(" COLLATE %s", collation_text(collid));
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
	add_owned(st, NamespaceRelationId, ns->oid, "schema",
			  pstrdup(quote_identifier(NameStr(ns->nspname))), "",
			  ns->nspowner, tuple_acl(tup, rel, Anum_pg_namespace_nspacl, OBJECT_SCHEMA, ns->nspowner));
}

/* "schema.name(type, type)": a routine by its input argument types */
static char *
routine_identity(Form_pg_proc proc)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%s(",
					 model_qualified(proc->pronamespace, NameStr(proc->proname)));
	for (int i = 0; i < proc->pronargs; i++)
		appendStringInfo(&buf, "%s%s", i ? ", " : "",
						 format_type_be(proc->proargtypes.values[i]));
	appendStringInfoChar(&buf, ')');
	return model_string(&buf);
}

/* ", KEY = routine" when the routine is set */
static void
append_routine(StringInfo buf, const char *key, Oid procid)
{
	if (OidIsValid(procid))
		appendStringInfo(buf, ", %s = %s", key,
						 format_procedure_qualified(procid));
}

/*
 * An aggregate as CREATE AGGREGATE writes it, from pg_aggregate: the
 * arguments (with ORDER BY for ordered-set aggregates), the state
 * transition, final, combine and serialization functions, the
 * moving-aggregate ones, the sort operator and the parallel marking.
 */
static char *
aggregate_definition(Form_pg_proc proc)
{
	HeapTuple	tup = SearchSysCache1(AGGFNOID, ObjectIdGetDatum(proc->oid));
	Form_pg_aggregate agg;
	StringInfoData buf;
	bool		isnull;
	Datum		d;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for aggregate %u", proc->oid);
	agg = (Form_pg_aggregate) GETSTRUCT(tup);

	initStringInfo(&buf);
	appendStringInfo(&buf, "AGGREGATE (%s) (SFUNC = %s, STYPE = %s",
					 ruleutils_text(pg_get_function_arguments, proc->oid),
					 format_procedure_qualified(agg->aggtransfn),
					 type_text(agg->aggtranstype, -1));
	if (agg->aggtransspace != 0)
		appendStringInfo(&buf, ", SSPACE = %d", agg->aggtransspace);
	append_routine(&buf, "FINALFUNC", agg->aggfinalfn);
	if (OidIsValid(agg->aggfinalfn))
		appendStringInfo(&buf, "%s, FINALFUNC_MODIFY = %s",
						 agg->aggfinalextra ? ", FINALFUNC_EXTRA" : "",
						 char_word(aggregate_modify, agg->aggfinalmodify));
	d = SysCacheGetAttr(AGGFNOID, tup, Anum_pg_aggregate_agginitval, &isnull);
	if (!isnull)
		appendStringInfo(&buf, ", INITCOND = %s",
						 quote_literal_cstr(TextDatumGetCString(d)));
	append_routine(&buf, "COMBINEFUNC", agg->aggcombinefn);
	append_routine(&buf, "SERIALFUNC", agg->aggserialfn);
	append_routine(&buf, "DESERIALFUNC", agg->aggdeserialfn);
	if (OidIsValid(agg->aggmtransfn))
	{
		append_routine(&buf, "MSFUNC", agg->aggmtransfn);
		append_routine(&buf, "MINVFUNC", agg->aggminvtransfn);
		appendStringInfo(&buf, ", MSTYPE = %s",
						 type_text(agg->aggmtranstype, -1));
		if (agg->aggmtransspace != 0)
			appendStringInfo(&buf, ", MSSPACE = %d", agg->aggmtransspace);
		append_routine(&buf, "MFINALFUNC", agg->aggmfinalfn);
		if (OidIsValid(agg->aggmfinalfn))
			appendStringInfo(&buf, "%s, MFINALFUNC_MODIFY = %s",
							 agg->aggmfinalextra ? ", MFINALFUNC_EXTRA" : "",
							 char_word(aggregate_modify, agg->aggmfinalmodify));
		d = SysCacheGetAttr(AGGFNOID, tup, Anum_pg_aggregate_aggminitval,
							&isnull);
		if (!isnull)
			appendStringInfo(&buf, ", MINITCOND = %s",
							 quote_literal_cstr(TextDatumGetCString(d)));
	}
	if (OidIsValid(agg->aggsortop))
		appendStringInfo(&buf, ", SORTOP = %s",
						 format_operator_qualified(agg->aggsortop));
	if (agg->aggkind == AGGKIND_HYPOTHETICAL)
		appendStringInfoString(&buf, ", HYPOTHETICAL");
	if (proc->proparallel == PROPARALLEL_SAFE)
		appendStringInfoString(&buf, ", PARALLEL = SAFE");
	else if (proc->proparallel == PROPARALLEL_RESTRICTED)
		appendStringInfoString(&buf, ", PARALLEL = RESTRICTED");
	appendStringInfoChar(&buf, ')');
	ReleaseSysCache(tup);
	return model_string(&buf);
}

/*
 * A pg_proc row: a function, procedure or aggregate of a managed schema,
 * unless it is one of the constructors read_types() noted.
 * pg_get_functiondef() gives the whole of a function or procedure:
 * signature, return type, language, every attribute, SET clauses and body.
 */
static void
routine_row(OthersState *st, Relation rel, HeapTuple tup)
{
	Form_pg_proc proc = (Form_pg_proc) GETSTRUCT(tup);
	const char *kind;
	char	   *definition;

	if (!model_is_managed(st->m, proc->pronamespace) ||
		model_is_member(st->m, ProcedureRelationId, proc->oid) ||
		hash_search(st->typefuncs, &proc->oid, HASH_FIND, NULL) != NULL)
		return;
	if (proc->prokind == PROKIND_AGGREGATE)
	{
		kind = "aggregate";
		definition = aggregate_definition(proc);
	}
	else
	{
		kind = proc->prokind == PROKIND_PROCEDURE ? "procedure" : "function";
		definition = ruleutils_text(pg_get_functiondef, proc->oid);
	}
	add_owned(st, ProcedureRelationId, proc->oid, kind,
			  routine_identity(proc), definition, proc->proowner,
			  tuple_acl(tup, rel, Anum_pg_proc_proacl, OBJECT_FUNCTION, proc->proowner));
}

/* "ENUM ('a', 'b')": the labels in their sort order */
static char *
enum_definition(Oid typid)
{
	Relation	rel = table_open(EnumRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	StringInfoData buf;
	bool		first = true;

	ScanKeyInit(&key, Anum_pg_enum_enumtypid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(typid));
	scan = systable_beginscan(rel, EnumTypIdSortOrderIndexId, true, NULL,
							  1, &key);
	initStringInfo(&buf);
	appendStringInfoString(&buf, "ENUM (");
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_enum e = (Form_pg_enum) GETSTRUCT(tup);

		appendStringInfo(&buf, "%s%s", first ? "" : ", ",
						 quote_literal_cstr(NameStr(e->enumlabel)));
		first = false;
	}
	appendStringInfoChar(&buf, ')');
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return model_string(&buf);
}

/* "(a integer, b pg_catalog.text COLLATE c)": attributes in order */
static char *
composite_definition(Oid typrelid)
{
	Relation	rel = table_open(AttributeRelationId, AccessShareLock);
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tup;
	StringInfoData buf;
	bool		first = true;

	ScanKeyInit(&key[0], Anum_pg_attribute_attrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(typrelid));
	ScanKeyInit(&key[1], Anum_pg_attribute_attnum, BTGreaterStrategyNumber,
				F_INT2GT, Int16GetDatum(0));
	scan = systable_beginscan(rel, AttributeRelidNumIndexId, true, NULL,
							  2, key);
	initStringInfo(&buf);
	appendStringInfoChar(&buf, '(');
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_attribute a = (Form_pg_attribute) GETSTRUCT(tup);

		if (a->attisdropped)
			continue;
		appendStringInfo(&buf, "%s%s %s%s", first ? "" : ", ",
						 quote_identifier(NameStr(a->attname)),
						 type_text(a->atttypid, a->atttypmod),
						 collate_clause(a->attcollation, a->atttypid));
		first = false;
	}
	appendStringInfoChar(&buf, ')');
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return model_string(&buf);
}

/*
 * Note the functions that belong to a type the way its constructors belong
 * to a range or multirange type (an internal dependency): they come and go
 * with the type, which describes them.
 */
static void
note_type_functions(OthersState *st, Oid typid)
{
	Relation	rel = table_open(DependRelationId, AccessShareLock);
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tup;

	ScanKeyInit(&key[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(TypeRelationId));
	ScanKeyInit(&key[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(typid));
	scan = systable_beginscan(rel, DependReferenceIndexId, true, NULL, 2, key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);

		if (dep->classid == ProcedureRelationId &&
			dep->deptype == DEPENDENCY_INTERNAL)
			(void) hash_search(st->typefuncs, &dep->objid, HASH_ENTER, NULL);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
}

/*
 * "RANGE (SUBTYPE = t, ...)" from pg_range: the subtype, its operator
 * class and collation where not the default, the canonical and difference
 * functions, and the name of the multirange type.  The constructors of
 * both types are not routines of their own.
 */
static char *
range_definition(OthersState *st, Oid typid)
{
	HeapTuple	tup = SearchSysCache1(RANGETYPE, ObjectIdGetDatum(typid));
	Form_pg_range rng;
	StringInfoData buf;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for range type %u", typid);
	rng = (Form_pg_range) GETSTRUCT(tup);
	initStringInfo(&buf);
	appendStringInfo(&buf, "RANGE (SUBTYPE = %s",
					 type_text(rng->rngsubtype, -1));
	if (rng->rngsubopc != GetDefaultOpClass(rng->rngsubtype, BTREE_AM_OID))
		appendStringInfo(&buf, ", SUBTYPE_OPCLASS = %s",
						 cached_qualified(CLAOID, rng->rngsubopc,
										  Anum_pg_opclass_opcname,
										  Anum_pg_opclass_opcnamespace));
	if (OidIsValid(rng->rngcollation) &&
		rng->rngcollation != get_typcollation(rng->rngsubtype))
		appendStringInfo(&buf, ", COLLATION = %s",
						 collation_text(rng->rngcollation));
	append_routine(&buf, "CANONICAL", rng->rngcanonical);
	append_routine(&buf, "SUBTYPE_DIFF", rng->rngsubdiff);
	appendStringInfo(&buf, ", MULTIRANGE_TYPE_NAME = %s)",
					 type_text(rng->rngmultitypid, -1));
	note_type_functions(st, typid);
	note_type_functions(st, rng->rngmultitypid);
	ReleaseSysCache(tup);
	return model_string(&buf);
}

/* Order of domain constraints: by name */
static int
cmp_domain_check(const ListCell *a, const ListCell *b)
{
	const DomainCheck *x = lfirst(a);
	const DomainCheck *y = lfirst(b);

	return strcmp(x->name, y->name);
}

/*
 * A domain: its base type, collation, NOT NULL, default, and each of its
 * constraints by name, as pg_get_constraintdef() writes it (with NOT VALID
 * where so).
 */
static char *
domain_definition(OthersState *st, TypeItem *t)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%s%s", type_text(t->basetype, t->typmod),
					 collate_clause(t->collation, t->basetype));
	if (t->notnull)
		appendStringInfoString(&buf, " NOT NULL");
	if (t->defaultbin != NULL)
		appendStringInfo(&buf, " DEFAULT %s",
						 model_deparse(st->m, t->defaultbin, InvalidOid, ""));
	list_sort(t->constraints, cmp_domain_check);
	foreach(lc, t->constraints)
	{
		DomainCheck *c = lfirst(lc);

		appendStringInfo(&buf, " CONSTRAINT %s %s",
						 quote_identifier(c->name),
						 ruleutils_text(pg_get_constraintdef, c->oid));
		remember(st, ConstraintRelationId, c->oid, "constraint",
				 psprintf("%s %s", t->identity, quote_identifier(c->name)));
	}
	return model_string(&buf);
}

/*
 * A pg_type row: kept if it is a type of a managed schema worth a model
 * object.  Array types, shells, pseudo-types, multiranges and C base types
 * are left out, and so are the row types of relations: a composite type is
 * kept only when its relation is a composite type's (relkind 'c').  Only
 * the fixed fields are kept here; the descriptions need other catalogs.
 */
static void
type_row(OthersState *st, Relation rel, HeapTuple tup)
{
	Form_pg_type typ = (Form_pg_type) GETSTRUCT(tup);
	TypeItem   *t;

	if (!model_is_managed(st->m, typ->typnamespace) ||
		!typ->typisdefined || IsTrueArrayType(typ))
		return;
	if (typ->typtype != TYPTYPE_ENUM && typ->typtype != TYPTYPE_DOMAIN &&
		typ->typtype != TYPTYPE_COMPOSITE && typ->typtype != TYPTYPE_RANGE)
		return;
	/* row types of tables, views, ...: the cheap test first */
	if (typ->typtype == TYPTYPE_COMPOSITE &&
		(model_relation(st->m, typ->typrelid) != NULL ||
		 get_rel_relkind(typ->typrelid) != RELKIND_COMPOSITE_TYPE))
		return;
	if (model_is_member(st->m, TypeRelationId, typ->oid))
		return;

	t = palloc0(sizeof(TypeItem));
	t->oid = typ->oid;
	t->typtype = typ->typtype;
	t->identity = model_qualified(typ->typnamespace, NameStr(typ->typname));
	t->owner = typ->typowner;
	t->typrelid = typ->typrelid;
	t->basetype = typ->typbasetype;
	t->typmod = typ->typtypmod;
	t->collation = typ->typcollation;
	t->notnull = typ->typnotnull;
	t->defaultbin = tuple_text(tup, rel, Anum_pg_type_typdefaultbin);
	t->acl = tuple_acl(tup, rel, Anum_pg_type_typacl, OBJECT_TYPE, typ->typowner);
	st->types = lappend(st->types, t);
	if (t->typtype == TYPTYPE_DOMAIN)
		((DomainEntry *) hash_search(st->domains, &t->oid, HASH_ENTER,
									 NULL))->item = t;
}

/* A pg_constraint row: kept if it is a constraint of a domain type_row() kept */
static void
domain_constraint_row(OthersState *st, Relation rel, HeapTuple tup)
{
	Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);
	DomainEntry *e;
	DomainCheck *c;

	if (!OidIsValid(con->contypid))
		return;
	e = hash_search(st->domains, &con->contypid, HASH_FIND, NULL);
	if (e == NULL)
		return;
	c = palloc(sizeof(DomainCheck));
	c->oid = con->oid;
	c->name = pstrdup(NameStr(con->conname));
	e->item->constraints = lappend(e->item->constraints, c);
}

/*
 * The types: enums, domains, composite types and ranges, each with its
 * owner and privileges.
 */
static void
read_types(OthersState *st)
{
	ListCell   *lc;

	st->domains = model_hash("migrate domains", sizeof(Oid),
							  sizeof(DomainEntry));
	scan_catalog(st, TypeRelationId, type_row);
	if (hash_get_num_entries(st->domains) > 0)
		scan_catalog(st, ConstraintRelationId, domain_constraint_row);
	foreach(lc, st->types)
	{
		TypeItem   *t = lfirst(lc);
		const char *kind;
		char	   *definition;

		switch (t->typtype)
		{
			case TYPTYPE_ENUM:
				kind = "enum";
				definition = enum_definition(t->oid);
				break;
			case TYPTYPE_DOMAIN:
				kind = "domain";
				definition = domain_definition(st, t);
				break;
			case TYPTYPE_COMPOSITE:
				kind = "composite type";
				definition = composite_definition(t->typrelid);
				break;
			default:
				kind = "range";
				definition = range_definition(st, t->oid);
				break;
		}
		add_owned(st, TypeRelationId, t->oid, kind, t->identity, definition,
				  t->owner, t->acl);
		if (t->typtype == TYPTYPE_COMPOSITE)
			((OidLabel *) hash_search(st->composites, &t->typrelid,
									  HASH_ENTER, NULL))->label = t->identity;
	}
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
	remember(st, TriggerRelationId, t->oid, "trigger", t->identity);
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
	scan_catalog(st, TriggerRelationId, trigger_row);
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
						   ruleutils_text(pg_get_triggerdef, t->oid),
						   char_word(trigger_enabled, t->enabled)));
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
					 char_word(policy_commands, pol->polcmd),
					 isnull ? "PUBLIC" : policy_roles(st->m, roles));
	expr = tuple_text(tup, rel, Anum_pg_policy_polqual);
	if (expr != NULL)
		appendStringInfo(&def, " USING (%s)",
						 model_deparse(st->m, expr, ri->relid, ri->relkey));
	expr = tuple_text(tup, rel, Anum_pg_policy_polwithcheck);
	if (expr != NULL)
		appendStringInfo(&def, " WITH CHECK (%s)",
						 model_deparse(st->m, expr, ri->relid, ri->relkey));
	identity = psprintf("%s %s", ri->qualname,
						quote_identifier(NameStr(pol->polname)));
	remember(st, PolicyRelationId, pol->oid, "policy", identity);
	model_add(st->m, "policy", identity, model_string(&def));
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
		return psprintf("%s %s", char_word(relation_kinds, ri->relkind),
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

	if (d->classoid == RelationRelationId)
		label = relation_label(st, d->objoid, d->objsubid);
	else if (d->objsubid == 0)
	{
		label = find_label(st->labels, d->classoid, d->objoid);
		if (label == NULL && d->classoid == ConstraintRelationId)
			label = constraint_label(st, d->objoid);
	}
	if (label != NULL)
		model_add(st->m, "comment", pstrdup(label),
				  tuple_text(tup, rel, Anum_pg_description_description));
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

	scan_catalog(&st, NamespaceRelationId, schema_row);
	read_types(&st);			/* first: it notes the types' own functions */
	scan_catalog(&st, ProcedureRelationId, routine_row);
	read_triggers(&st);
	scan_catalog(&st, PolicyRelationId, policy_row);
	scan_catalog(&st, DescriptionRelationId, comment_row);	/* last */
}
