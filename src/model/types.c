/*-------------------------------------------------------------------------
 *
 * types.c
 *	  The model's types: enums, domains and their checks, composite and
 *	  range types (see others.c for their kinds and identities).
 *
 * src/model/types.c
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

#include "base/compat.h"
#include "model/model_int.h"
#include "model/readers.h"


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
						 rd_type_text(a->atttypid, a->atttypmod),
						 rd_collate_clause(a->attcollation, a->atttypid));
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
					 rd_type_text(rng->rngsubtype, -1));
	if (rng->rngsubopc != GetDefaultOpClass(rng->rngsubtype, BTREE_AM_OID))
		appendStringInfo(&buf, ", SUBTYPE_OPCLASS = %s",
						 rd_cached_qualified(CLAOID, rng->rngsubopc,
										  Anum_pg_opclass_opcname,
										  Anum_pg_opclass_opcnamespace));
	if (OidIsValid(rng->rngcollation) &&
		rng->rngcollation != get_typcollation(rng->rngsubtype))
		appendStringInfo(&buf, ", COLLATION = %s",
						 rd_collation_text(rng->rngcollation));
	rd_append_routine(&buf, "CANONICAL", rng->rngcanonical);
	rd_append_routine(&buf, "SUBTYPE_DIFF", rng->rngsubdiff);
	appendStringInfo(&buf, ", MULTIRANGE_TYPE_NAME = %s)",
					 rd_type_text(rng->rngmultitypid, -1));
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
	appendStringInfo(&buf, "%s%s", rd_type_text(t->basetype, t->typmod),
					 rd_collate_clause(t->collation, t->basetype));
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
						 rd_ruleutils_text(pg_get_constraintdef, c->oid));
		rd_remember(st, ConstraintRelationId, c->oid, "constraint",
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
	t->defaultbin = rd_tuple_text(tup, rel, Anum_pg_type_typdefaultbin);
	t->acl = rd_tuple_acl(tup, rel, Anum_pg_type_typacl, OBJECT_TYPE, typ->typowner);
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

	/* NOT NULL (17 keeps a domain's as a row too): typnotnull says it */
	if (!OidIsValid(con->contypid) || compat_is_notnull_constraint(con->contype))
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
void
rd_read_types(OthersState *st)
{
	ListCell   *lc;

	st->domains = model_hash("migrate domains", sizeof(Oid),
							  sizeof(DomainEntry));
	rd_scan_catalog(st, TypeRelationId, type_row);
	if (hash_get_num_entries(st->domains) > 0)
		rd_scan_catalog(st, ConstraintRelationId, domain_constraint_row);
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
		rd_add_owned(st, TypeRelationId, t->oid, kind, t->identity, definition,
				  t->owner, t->acl);
		if (t->typtype == TYPTYPE_COMPOSITE)
			((OidLabel *) hash_search(st->composites, &t->typrelid,
									  HASH_ENTER, NULL))->label = t->identity;
	}
}
