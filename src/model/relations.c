/*-------------------------------------------------------------------------
 *
 * model_relations.c
 *	  The model's relations: tables, columns, constraints, indexes,
 *	  sequences, views and materialized views, with their privileges.
 *
 * Each catalog is read once with a heap scan, so the cost is linear in the
 * size of the schema.  Column lists of keys and plain indexes are built from
 * the catalogs' attribute numbers; only expressions (defaults, checks,
 * index expressions and predicates, view bodies) go through the deparser,
 * and model_deparse() caches those.
 *
 * Identities: a relation is its qualified name; a column "table.column";
 * a constraint "table name"; an index its qualified name.  A column's
 * position is not part of its definition, so a column added in another
 * order is no drift.  Indexes that implement a constraint are described by
 * the constraint and not listed again.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/tableam.h"
#include "access/transam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/pg_am.h"
#include "catalog/pg_attrdef.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_index.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_opclass.h"
#include "catalog/pg_sequence.h"
#include "catalog/pg_type.h"
#include "commands/defrem.h"
#include "commands/extension.h"
#include "foreign/foreign.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/syscache.h"

#include "base/compat.h"
#include "model/model_int.h"

/* A column waiting for its relation's column names to be complete */
typedef struct ColumnInfo
{
	Oid			relid;
	int16		attnum;
	Oid			typid;
	int32		typmod;
	Oid			collation;
	bool		notnull;
	char		identity;
	char		generated;
	bool		inherited;
	int16		inhcount;
	int			stattarget;
	char	   *acl;
} ColumnInfo;

/* A column of a relation, as a hash key */
typedef struct ColumnKey
{
	Oid			relid;
	int32		attnum;
} ColumnKey;

typedef struct TypeKey
{
	Oid			typid;
	int32		typmod;
} TypeKey;

typedef struct TypeEntry
{
	TypeKey		key;
	char	   *text;
	Oid			collation;		/* the type's own */
	char	   *extension;		/* for a diff: the extension the type (or
								 * its element type) belongs to, or NULL */
} TypeEntry;

typedef struct OidText
{
	Oid			oid;
	char	   *text;
} OidText;

/* What pg_class says of an index, kept from the one scan of it */
typedef struct IndexRel
{
	Oid			indexrelid;
	char	   *name;
	Oid			relam;
	bool		plain;			/* no reloptions, default tablespace */
	bool		constraint;		/* implements a constraint */
	bool		partition;		/* a partition of a partitioned index */
	int			conobject;		/* that constraint's model object, or -1 */
	Oid			conoid;
} IndexRel;

/* State shared by the readers of this file */
typedef struct RelState
{
	SchemaModel *m;
	HTAB	   *types;			/* TypeEntry */
	TypeEntry  *recent_types[64];	/* a direct-mapped cache in front */
	HTAB	   *inherits;		/* OidText: child -> its parents */
	HTAB	   *others;			/* OidText: qualified names of other relations */
	HTAB	   *opclasses;		/* OidText: "default" or NULL, by opclass */
	IndexRel   *indexes;		/* of managed schemas, by OID once indexed */
	int			nindexes;
	int			maxindexes;
	OidIndex	indexindex;		/* of indexes[] */
	HTAB	   *generated;		/* ColumnKey of generated columns, or NULL */
	ColumnInfo *columns;		/* of tables, in pg_attribute's order */
	int			ncolumns;
	int			maxcolumns;
	List	   *views;			/* RelInfo * of views and matviews */
	List	   *tables;			/* (RelInfo *, definition StringInfo) pairs */
} RelState;

/* A type as SQL writes it, with its modifier, qualified unless built in */
static TypeEntry *
type_entry(RelState *st, Oid typid, int32 typmod)
{
	int			slot = (typid * 31 + (uint32) typmod) % lengthof(st->recent_types);
	TypeEntry  *e = st->recent_types[slot];
	TypeKey		key;
	bool		found;

	if (e && e->key.typid == typid && e->key.typmod == typmod)
		return e;
	memset(&key, 0, sizeof(key));
	key.typid = typid;
	key.typmod = typmod;
	e = hash_search(st->types, &key, HASH_ENTER, &found);
	if (!found)
	{
		/* search_path is pg_catalog: everything else comes out qualified */
		e->text = format_type_extended(typid, typmod, FORMAT_TYPE_TYPEMOD_GIVEN);
		e->collation = get_typcollation(typid);
		e->extension = NULL;
		if (st->m->rd->for_diff && typid >= FirstNormalObjectId)
		{
			Oid			elem = get_element_type(typid);
			Oid			ext = getExtensionOfObject(TypeRelationId,
												   OidIsValid(elem) ? elem : typid);

			if (OidIsValid(ext))
				e->extension = pstrdup(quote_identifier(get_extension_name(ext)));
		}
	}
	st->recent_types[slot] = e;
	return e;
}

static const char *
type_text(RelState *st, Oid typid, int32 typmod)
{
	return type_entry(st, typid, typmod)->text;
}

/* A collation's qualified name */
static char *
collation_text(Oid collid)
{
	HeapTuple	tup = SearchSysCache1(COLLOID, ObjectIdGetDatum(collid));
	char	   *result;

	if (!HeapTupleIsValid(tup))
		return psprintf("%u", collid);
	result = model_qualified(((Form_pg_collation) GETSTRUCT(tup))->collnamespace,
							 NameStr(((Form_pg_collation) GETSTRUCT(tup))->collname));
	ReleaseSysCache(tup);
	return result;
}

/* The qualified name of any relation, managed or not */
static const char *
relation_name(RelState *st, Oid relid)
{
	RelInfo    *rel = model_relation(st->m, relid);
	bool		found;
	OidText    *e;

	if (rel)
		return rel->qualname;
	e = hash_search(st->others, &relid, HASH_ENTER, &found);
	if (!found)
		e->text = model_qualified(get_rel_namespace(relid), get_rel_name(relid));
	return e->text;
}

static const char *
column_name(RelInfo *rel, int attnum)
{
	if (attnum < 1 || attnum > rel->natts || rel->attnames[attnum - 1] == NULL)
		return "?";
	return quote_identifier(rel->attnames[attnum - 1]);
}

/* A column of any relation: from its RelInfo when it is managed */
static const char *
any_column_name(SchemaModel *m, Oid relid, int attnum)
{
	RelInfo    *rel = model_relation(m, relid);

	if (rel)
		return column_name(rel, attnum);
	return quote_identifier(get_attname(relid, attnum, false));
}

/*
 * a, sep and b in one string of its own size, for identities: psprintf()
 * takes 128 bytes for the shortest, and a model holds 100,000 of them.
 */
static char *
join_names(const char *a, const char *sep, const char *b)
{
	size_t		alen = strlen(a);
	size_t		seplen = strlen(sep);
	size_t		blen = strlen(b);
	char	   *result = model_alloc_string(alen + seplen + blen);

	memcpy(result, a, alen);
	memcpy(result + alen, sep, seplen);
	memcpy(result + alen + seplen, b, blen + 1);
	return result;
}

/*
 * An array of n elements of the given size with room for one more: it
 * doubles when full.  For what a schema has tens of thousands of.
 */
static void *
array_room(void *array, int n, int *max, Size size)
{
	if (n < *max)
		return array;
	*max = Max(1024, *max * 2);
	if (array == NULL)
		return palloc_extended(size * *max, MCXT_ALLOC_HUGE);
	return repalloc_huge(array, size * *max);
}

/*
 * A text datum of a catalog row as a C string in buf, which the next call
 * overwrites: the node strings of checks and defaults are read only to be
 * deparsed (and the deparser caches what it keeps).
 */
static const char *
text_in_buffer(StringInfo buf, Datum d)
{
	text	   *t = pg_detoast_datum_packed((text *) DatumGetPointer(d));

	resetStringInfo(buf);
	appendBinaryStringInfo(buf, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	if ((Pointer) t != DatumGetPointer(d))
		pfree(t);
	return buf->data;
}

/* "(a, b)" from the first n entries of an array of attribute numbers */
static void
append_attnums(StringInfo buf, SchemaModel *m, Oid relid, const int16 *keys, int n)
{
	appendStringInfoChar(buf, '(');
	for (int i = 0; i < n; i++)
	{
		if (i)
			appendStringInfoString(buf, ", ");
		appendStringInfoString(buf, any_column_name(m, relid, keys[i]));
	}
	appendStringInfoChar(buf, ')');
}

/* "(a, b)" from an int2[] column of a catalog tuple */
static void
append_columns(StringInfo buf, SchemaModel *m, Oid relid, Datum arr)
{
	ArrayType  *a = DatumGetArrayTypeP(arr);

	append_attnums(buf, m, relid, (int16 *) ARR_DATA_PTR(a), ARR_DIMS(a)[0]);
	/* a short array comes out of the tuple as a copy */
	if ((Pointer) a != DatumGetPointer(arr))
		pfree(a);
}

static const char *
relkind_word(char relkind)
{
	switch (relkind)
	{
		case RELKIND_RELATION:
			return "table";
		case RELKIND_PARTITIONED_TABLE:
			return "partitioned table";
		case RELKIND_FOREIGN_TABLE:
			return "foreign table";
		case RELKIND_VIEW:
			return "view";
		case RELKIND_MATVIEW:
			return "materialized view";
		case RELKIND_SEQUENCE:
			return "sequence";
		default:
			return "relation";
	}
}

/* The model kind of a relation: what its identity is listed under */
static const char *
relation_kind(char relkind)
{
	switch (relkind)
	{
		case RELKIND_VIEW:
			return "view";
		case RELKIND_MATVIEW:
			return "materialized view";
		case RELKIND_SEQUENCE:
			return "sequence";
		default:
			return "table";
	}
}

/* The reloptions of a pg_class tuple, or NULL */
static char *
reloptions_text(Relation classrel, HeapTuple tup)
{
	bool		isnull;
	Datum		d = heap_getattr(tup, Anum_pg_class_reloptions,
								 RelationGetDescr(classrel), &isnull);

	if (isnull)
		return NULL;
	return OidOutputFunctionCall(F_ARRAY_OUT, d);
}

static int
cmp_index_oid(const void *a, const void *b)
{
	Oid			x = ((const IndexRel *) a)->indexrelid;
	Oid			y = ((const IndexRel *) b)->indexrelid;

	return x < y ? -1 : x > y ? 1 : 0;
}

/* The indexes read_classes() kept, sorted by OID and indexed */
static void
index_indexes(RelState *st)
{
	bool		sorted = true;
	Oid		   *oids = palloc(sizeof(Oid) * Max(st->nindexes, 1));

	for (int i = 1; i < st->nindexes && sorted; i++)
		sorted = st->indexes[i - 1].indexrelid < st->indexes[i].indexrelid;
	if (!sorted)
		qsort(st->indexes, st->nindexes, sizeof(IndexRel), cmp_index_oid);
	for (int i = 0; i < st->nindexes; i++)
		oids[i] = st->indexes[i].indexrelid;
	model_build_oid_index(&st->indexindex, oids, st->nindexes);
}

/* What pg_class says of an index of a managed schema, or NULL */
static IndexRel *
find_index(RelState *st, Oid indexrelid)
{
	int			pos = model_find_oid(&st->indexindex, indexrelid);

	return pos >= 0 ? &st->indexes[pos] : NULL;
}

/* For a diff: where a foreign table lives, as CREATE FOREIGN TABLE says it */
static char *
foreign_table_clause(Oid relid)
{
	ForeignTable *ft = GetForeignTable(relid);
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);
	appendStringInfo(&buf, "SERVER %s",
					 quote_identifier(GetForeignServer(ft->serverid)->servername));
	foreach(lc, ft->options)
	{
		DefElem    *opt = lfirst(lc);

		appendStringInfo(&buf, "%s%s %s", foreach_current_index(lc) == 0 ? " OPTIONS (" : ", ",
						 quote_identifier(opt->defname),
						 quote_literal_cstr(defGetString(opt)));
	}
	if (ft->options != NIL)
		appendStringInfoChar(&buf, ')');
	return buf.data;
}

/* pg_inherits: each child's parents, in inhseqno order */
static void
read_inherits(RelState *st)
{
	Relation	rel = table_open(InheritsRelationId, AccessShareLock);
	SysScanDesc scan = systable_beginscan(rel, InheritsRelidSeqnoIndexId, true,
										  NULL, 0, NULL);
	HeapTuple	tup;

	st->inherits = model_hash("migrate inherits", sizeof(Oid), sizeof(OidText));
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_inherits inh = (Form_pg_inherits) GETSTRUCT(tup);
		bool		found;
		OidText    *e = hash_search(st->inherits, &inh->inhrelid, HASH_ENTER, &found);
		char	   *parent = model_qualified(get_rel_namespace(inh->inhparent),
											 get_rel_name(inh->inhparent));

		e->text = found ? psprintf("%s, %s", e->text, parent) : parent;
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
}

/*
 * pg_class: the managed relations.  Tables get their object here (their
 * definition is finished once pg_inherits is known), views wait for their
 * columns, sequences for pg_sequence.
 */
static void
read_classes(RelState *st)
{
	SchemaModel *m = st->m;
	Relation	rel = table_open(RelationRelationId, AccessShareLock);
	TableScanDesc scan = table_beginscan_catalog(rel, 0, NULL);
	HeapTuple	tup;

	while (HeapTupleIsValid(tup = heap_getnext(scan, ForwardScanDirection)))
	{
		Form_pg_class c = (Form_pg_class) GETSTRUCT(tup);
		RelInfo    *ri;
		StringInfoData def;
		char	   *options;
		bool		isnull;
		Datum		acl;

		if ((c->relkind == RELKIND_INDEX || c->relkind == RELKIND_PARTITIONED_INDEX) &&
			c->oid >= FirstNormalObjectId && model_is_managed(m, c->relnamespace))
		{
			IndexRel   *ir;

			st->indexes = array_room(st->indexes, st->nindexes, &st->maxindexes,
									 sizeof(IndexRel));
			ir = &st->indexes[st->nindexes++];
			ir->indexrelid = c->oid;
			ir->constraint = false;
			ir->conobject = -1;
			ir->name = model_reading_name(NameStr(c->relname));
			ir->relam = c->relam;
			ir->plain = !OidIsValid(c->reltablespace) &&
				heap_attisnull(tup, Anum_pg_class_reloptions, NULL);
			ir->partition = c->relispartition;
			continue;
		}
		if (c->relkind != RELKIND_RELATION && c->relkind != RELKIND_PARTITIONED_TABLE &&
			c->relkind != RELKIND_FOREIGN_TABLE && c->relkind != RELKIND_VIEW &&
			c->relkind != RELKIND_MATVIEW && c->relkind != RELKIND_SEQUENCE)
			continue;
		if (!model_is_managed(m, c->relnamespace) ||
			model_is_member(m, RelationRelationId, c->oid))
			continue;

		ri = model_new_relation(m, c->oid);
		ri->nspid = c->relnamespace;
		ri->relkind = c->relkind;
		ri->qualname = model_reading_qualified(c->relnamespace, NameStr(c->relname));
		ri->natts = c->relnatts;
		ri->attnames = model_reading_room(sizeof(char *) * Max(c->relnatts, 1));
		ri->defaults = NULL;
		ri->relkey = "";
		ri->detail = NULL;
		if (m->rd->for_diff)
		{
			ri->detail = palloc0(sizeof(ModelDetail));
			ri->detail->relid = c->oid;
			ri->detail->relkind = c->relkind;
			ri->detail->persistence = c->relpersistence;
			ri->detail->rls = c->relrowsecurity;
			ri->detail->rls_forced = c->relforcerowsecurity;
			ri->detail->options = reloptions_text(rel, tup);
			if (c->relkind == RELKIND_FOREIGN_TABLE)
				ri->detail->server = foreign_table_clause(c->oid);
		}

		/* privileges of every kind of relation */
		acl = heap_getattr(tup, Anum_pg_class_relacl, RelationGetDescr(rel), &isnull);
		if (!isnull)
		{
			char	   *text = model_acl(acl, c->relkind == RELKIND_SEQUENCE ?
										 OBJECT_SEQUENCE : OBJECT_TABLE, c->relowner);

			if (text)
				model_add(m, "privileges",
						  psprintf("%s %s", relation_kind(c->relkind), ri->qualname),
						  text);
		}

		options = reloptions_text(rel, tup);
		initStringInfo(&def);
		appendStringInfoString(&def, "owner ");
		/* the diff leaves owners alone: they all look the same to it */
		appendStringInfoString(&def, m->rd->for_diff ? "-" : model_role_name(m, c->relowner));
		if (options)
			appendStringInfo(&def, " with %s", options);

		if (c->relkind == RELKIND_VIEW || c->relkind == RELKIND_MATVIEW)
		{
			st->views = lappend(st->views, ri);
			st->views = lappend(st->views, model_reading_string(&def));
			continue;
		}
		if (c->relkind == RELKIND_SEQUENCE)
		{
			/* read_sequences adds the rest; relkey holds the owner part */
			ri->relkey = model_reading_string(&def);
			continue;
		}

		appendStringInfoString(&def, " persistence ");
		appendStringInfoChar(&def, c->relpersistence);
		if (c->relrowsecurity)
			appendStringInfoString(&def, " row level security");
		if (c->relforcerowsecurity)
			appendStringInfoString(&def, " forced");
		if (c->relkind == RELKIND_PARTITIONED_TABLE)
		{
			char	   *key = TextDatumGetCString(DirectFunctionCall1(pg_get_partkeydef,
																	  ObjectIdGetDatum(c->oid)));

			appendStringInfo(&def, " partition by %s", key);
			if (ri->detail)
				ri->detail->partkey = key;
		}
		if (c->relispartition)
		{
			Datum		bound = heap_getattr(tup, Anum_pg_class_relpartbound,
											 RelationGetDescr(rel), &isnull);

			if (!isnull)
			{
				char	   *btext = TextDatumGetCString(DirectFunctionCall2(pg_get_expr, bound,
																			ObjectIdGetDatum(c->oid)));

				appendStringInfo(&def, " partition bound %s", btext);
				if (ri->detail)
					ri->detail->partbound = btext;
			}
		}
		st->tables = lappend(st->tables, ri);
		st->tables = lappend(st->tables, model_reading_string(&def));
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
}

/*
 * pg_attrdef: the defaults and generation expressions of tables' columns,
 * deparsed into each RelInfo.  Read after pg_attribute: a generation
 * expression names columns.
 */
static void
read_attrdefs(RelState *st)
{
	Relation	rel = table_open(AttrDefaultRelationId, AccessShareLock);
	TableScanDesc scan = table_beginscan_catalog(rel, 0, NULL);
	HeapTuple	tup;
	StringInfoData nodestring;

	initStringInfo(&nodestring);
	while (HeapTupleIsValid(tup = heap_getnext(scan, ForwardScanDirection)))
	{
		Form_pg_attrdef ad = (Form_pg_attrdef) GETSTRUCT(tup);
		RelInfo    *ri = model_relation(st->m, ad->adrelid);
		bool		isnull;
		Datum		bin;
		const char *expr;
		ColumnKey	key;

		if (ri == NULL || ad->adnum < 1 || ad->adnum > ri->natts ||
			(ri->relkind != RELKIND_RELATION && ri->relkind != RELKIND_PARTITIONED_TABLE &&
			 ri->relkind != RELKIND_FOREIGN_TABLE))
			continue;
		bin = heap_getattr(tup, Anum_pg_attrdef_adbin, RelationGetDescr(rel), &isnull);
		if (isnull)
			continue;
		if (ri->defaults == NULL)
			ri->defaults = model_reading_room(sizeof(char *) * ri->natts);
		expr = text_in_buffer(&nodestring, bin);
		key.relid = ad->adrelid;
		key.attnum = ad->adnum;
		if (st->generated != NULL &&
			hash_search(st->generated, &key, HASH_FIND, NULL) != NULL)
			ri->defaults[ad->adnum - 1] = model_deparse(st->m, expr, ad->adrelid, ri->relkey);
		else
			ri->defaults[ad->adnum - 1] = model_deparse(st->m, expr, InvalidOid, "");
	}
	pfree(nodestring.data);
	table_endscan(scan);
	table_close(rel, AccessShareLock);
}

/* pg_attribute: column names of every managed relation; columns of tables */
static void
read_attributes(RelState *st)
{
	Relation	rel = table_open(AttributeRelationId, AccessShareLock);
	TableScanDesc scan = table_beginscan_catalog(rel, 0, NULL);
	HeapTuple	tup;

	while (HeapTupleIsValid(tup = heap_getnext(scan, ForwardScanDirection)))
	{
		Form_pg_attribute a = (Form_pg_attribute) GETSTRUCT(tup);
		RelInfo    *ri;
		ColumnInfo *col;
		bool		isnull;
		Datum		acl;

		if (a->attnum < 1 || a->attisdropped)
			continue;
		ri = model_relation(st->m, a->attrelid);
		if (ri == NULL || a->attnum > ri->natts || ri->relkind == RELKIND_SEQUENCE)
			continue;
		ri->attnames[a->attnum - 1] = model_reading_name(NameStr(a->attname));
		if (ri->relkind != RELKIND_RELATION && ri->relkind != RELKIND_PARTITIONED_TABLE &&
			ri->relkind != RELKIND_FOREIGN_TABLE)
		{
			/* a view's columns are its query's, but their grants are theirs */
			acl = heap_getattr(tup, Anum_pg_attribute_attacl, RelationGetDescr(rel), &isnull);
			if (!isnull)
			{
				char	   *text = model_acl(acl, OBJECT_COLUMN, InvalidOid);

				if (text)
					model_add(st->m, "privileges",
							  psprintf("column %s.%s", ri->qualname,
									   quote_identifier(NameStr(a->attname))),
							  text);
			}
			continue;
		}

		/* one array of them all: a schema has hundreds of thousands */
		st->columns = array_room(st->columns, st->ncolumns, &st->maxcolumns,
								 sizeof(ColumnInfo));
		col = &st->columns[st->ncolumns++];
		col->relid = a->attrelid;
		col->attnum = a->attnum;
		col->typid = a->atttypid;
		col->typmod = a->atttypmod;
		col->collation = a->attcollation;
		col->notnull = a->attnotnull;
		col->identity = a->attidentity;
		col->generated = a->attgenerated;
		col->inherited = !a->attislocal;
		col->inhcount = a->attinhcount;
		col->stattarget = compat_attstattarget(tup, RelationGetDescr(rel));
		acl = heap_getattr(tup, Anum_pg_attribute_attacl, RelationGetDescr(rel), &isnull);
		col->acl = isnull ? NULL : model_acl(acl, OBJECT_COLUMN, InvalidOid);
		if (a->attgenerated == ATTRIBUTE_GENERATED_STORED)
		{
			ColumnKey	key;

			if (st->generated == NULL)
				st->generated = model_hash("migrate generated columns",
										   sizeof(ColumnKey), sizeof(ColumnKey));
			key.relid = a->attrelid;
			key.attnum = a->attnum;
			(void) hash_search(st->generated, &key, HASH_ENTER, NULL);
		}
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
}

/* label, then v in decimal */
static void
append_int64(StringInfo buf, const char *label, int64 v)
{
	char		digits[MAXINT8LEN + 1];

	appendStringInfoString(buf, label);
	appendBinaryStringInfo(buf, digits, pg_lltoa(v, digits));
}

/* The column names of each relation, joined: model_deparse's cache key */
static void
make_relkeys(SchemaModel *m)
{
	for (int r = 0; r < m->rd->nrels; r++)
	{
		RelInfo    *ri = m->rd->rels[r];
		StringInfoData buf;

		if (ri->relkind == RELKIND_SEQUENCE)
			continue;
		initStringInfo(&buf);
		for (int i = 0; i < ri->natts; i++)
		{
			if (ri->attnames[i])
				appendStringInfoString(&buf, ri->attnames[i]);
			appendStringInfoChar(&buf, ',');
		}
		ri->relkey = model_reading_string(&buf);
	}
}

static void
add_columns(RelState *st)
{
	for (int c = 0; c < st->ncolumns; c++)
	{
		ColumnInfo *col = &st->columns[c];
		RelInfo    *ri = model_relation(st->m, col->relid);
		StringInfoData def;
		TypeEntry  *type = type_entry(st, col->typid, col->typmod);
		char	   *expr = ri->defaults ? ri->defaults[col->attnum - 1] : NULL;
		char	   *identity;

		initStringInfo(&def);
		appendStringInfoString(&def, type->text);
		if (OidIsValid(col->collation) && col->collation != type->collation)
			appendStringInfo(&def, " collate %s", collation_text(col->collation));
		if (col->notnull)
			appendStringInfoString(&def, " not null");
		if (expr && col->generated == ATTRIBUTE_GENERATED_STORED)
			appendStringInfo(&def, " generated always as (%s) stored", expr);
		else if (expr)
		{
			appendStringInfoString(&def, " default ");
			appendStringInfoString(&def, expr);
		}
		if (col->identity == ATTRIBUTE_IDENTITY_ALWAYS)
			appendStringInfoString(&def, " generated always as identity");
		else if (col->identity == ATTRIBUTE_IDENTITY_BY_DEFAULT)
			appendStringInfoString(&def, " generated by default as identity");
		if (col->stattarget >= 0)
			append_int64(&def, " statistics ", col->stattarget);

		identity = join_names(ri->qualname, ".", column_name(ri, col->attnum));
		model_add(st->m, "column", identity, model_string(&def));
		if (st->m->rd->for_diff)
		{
			ModelDetail *d = model_detail(st->m);

			d->table = ri->qualname;
			d->column = pstrdup(column_name(ri, col->attnum));
			d->attnum = col->attnum;
			d->type = pstrdup(type->text);
			d->typext = type->extension;
			d->typid = col->typid;
			d->typmod = col->typmod;
			if (OidIsValid(col->collation) && col->collation != type->collation)
				d->collation = collation_text(col->collation);
			d->notnull = col->notnull;
			if (expr && col->generated == ATTRIBUTE_GENERATED_STORED)
				d->generated = expr;
			else if (expr)
				d->dflt = expr;
			d->identity = col->identity;
			d->inherited = col->inherited;
			d->inhcount = col->inhcount;
			d->stattarget = col->stattarget;
		}
		if (col->acl)
			model_add(st->m, "privileges", psprintf("column %s", identity), col->acl);
	}
}

static void
add_tables(RelState *st)
{
	ListCell   *lc;

	for (lc = list_head(st->tables); lc; lc = lnext(st->tables, lc))
	{
		RelInfo    *ri = lfirst(lc);
		char	   *def;
		OidText    *inh;

		lc = lnext(st->tables, lc);
		def = lfirst(lc);
		inh = hash_search(st->inherits, &ri->relid, HASH_FIND, NULL);
		if (inh)
			def = psprintf("%s inherits (%s)", def, inh->text);
		ri->object = st->m->n;
		model_add(st->m, "table", ri->qualname,
				  join_names(relkind_word(ri->relkind), " ", def));
		if (ri->detail)
		{
			model_object(st->m, st->m->n - 1)->detail = ri->detail;
			ri->detail->parents = inh ? inh->text : NULL;
		}
	}
}

static const char *
fk_action(char action)
{
	switch (action)
	{
		case FKCONSTR_ACTION_RESTRICT:
			return "RESTRICT";
		case FKCONSTR_ACTION_CASCADE:
			return "CASCADE";
		case FKCONSTR_ACTION_SETNULL:
			return "SET NULL";
		case FKCONSTR_ACTION_SETDEFAULT:
			return "SET DEFAULT";
		default:
			return "NO ACTION";
	}
}

/*
 * A constraint as pg_get_constraintdef() writes it (DEFERRABLE and NOT VALID
 * included): for the keys and foreign keys whose options the short form
 * leaves out.
 */
static char *
server_constraintdef(Oid conoid)
{
	return TextDatumGetCString(DirectFunctionCall1(pg_get_constraintdef,
												   ObjectIdGetDatum(conoid)));
}

/*
 * A primary key or unique constraint whose index has options: the server's
 * definition, and the storage options it leaves out ("WITH (...)", as
 * pg_dump adds them).
 */
static char *
key_definition(Oid conoid, Oid indexrelid)
{
	char	   *def = server_constraintdef(conoid);
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(indexrelid));
	bool		isnull;
	Datum		options;
	char	   *text;
	size_t		len;

	if (!HeapTupleIsValid(tup))
		return def;
	options = SysCacheGetAttr(RELOID, tup, Anum_pg_class_reloptions, &isnull);
	if (!isnull)
	{
		/* "{a=1,b=2}" becomes "a=1, b=2" */
		text = OidOutputFunctionCall(F_ARRAY_OUT, options);
		len = strlen(text);
		if (len >= 2)
		{
			text[len - 1] = '\0';
			def = psprintf("%s WITH (%s)", def, text + 1);
		}
	}
	ReleaseSysCache(tup);
	return def;
}

/* pg_constraint: the constraints of managed tables */
static void
read_constraints(RelState *st)
{
	Relation	rel = table_open(ConstraintRelationId, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	TableScanDesc scan = table_beginscan_catalog(rel, 0, NULL);
	HeapTuple	tup;
	StringInfoData nodestring;

	initStringInfo(&nodestring);
	while (HeapTupleIsValid(tup = heap_getnext(scan, ForwardScanDirection)))
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);
		RelInfo    *ri;
		IndexRel   *ir;
		StringInfoData def;
		bool		isnull;
		Datum		d;

		/*
		 * domain constraints and constraint triggers: model_others.c; NOT
		 * NULL (18 keeps it as a row too): the column's attnotnull
		 */
		if (!OidIsValid(con->conrelid) || con->contype == CONSTRAINT_TRIGGER ||
			compat_is_notnull_constraint(con->contype))
			continue;
		ri = model_relation(st->m, con->conrelid);
		if (ri == NULL)
			continue;
		ir = NULL;
		if (OidIsValid(con->conindid) && con->contype != CONSTRAINT_FOREIGN)
		{
			ir = find_index(st, con->conindid);
			if (ir)
				ir->constraint = true;
		}
		/*
		 * for a diff: what a parent passes on comes with the parent's DDL,
		 * or with ALTER TABLE ... INHERIT, even when the child had it first
		 */
		if (st->m->rd->for_diff && (!con->conislocal || con->coninhcount > 0 ||
									OidIsValid(con->conparentid)))
			continue;

		initStringInfo(&def);
		switch (con->contype)
		{
			case CONSTRAINT_PRIMARY:
			case CONSTRAINT_UNIQUE:
				appendStringInfoString(&def, con->contype == CONSTRAINT_PRIMARY ?
									   "PRIMARY KEY " : "UNIQUE ");
				d = heap_getattr(tup, Anum_pg_constraint_conkey, desc, &isnull);
				if (!isnull)
					append_columns(&def, st->m, con->conrelid, d);
				break;
			case CONSTRAINT_FOREIGN:
				/* ON DELETE SET NULL (columns): as the server writes it */
				if (!heap_attisnull(tup, Anum_pg_constraint_confdelsetcols, desc))
				{
					appendStringInfoString(&def, server_constraintdef(con->oid));
					break;
				}
				{
					appendStringInfoString(&def, "FOREIGN KEY ");
					d = heap_getattr(tup, Anum_pg_constraint_conkey, desc, &isnull);
					if (!isnull)
						append_columns(&def, st->m, con->conrelid, d);
					appendStringInfoString(&def, " REFERENCES ");
					appendStringInfoString(&def, relation_name(st, con->confrelid));
					d = heap_getattr(tup, Anum_pg_constraint_confkey, desc, &isnull);
					if (!isnull)
						append_columns(&def, st->m, con->confrelid, d);
					if (con->confmatchtype == FKCONSTR_MATCH_FULL)
						appendStringInfoString(&def, " MATCH FULL");
					appendStringInfoString(&def, " ON UPDATE ");
					appendStringInfoString(&def, fk_action(con->confupdtype));
					appendStringInfoString(&def, " ON DELETE ");
					appendStringInfoString(&def, fk_action(con->confdeltype));
					break;
				}
			case CONSTRAINT_CHECK:
				d = heap_getattr(tup, Anum_pg_constraint_conbin, desc, &isnull);
				appendStringInfoString(&def, "CHECK (");
				appendStringInfoString(&def, isnull ? "?" :
									   model_deparse(st->m, text_in_buffer(&nodestring, d),
													 con->conrelid, ri->relkey));
				appendStringInfoChar(&def, ')');
				if (con->connoinherit)
					appendStringInfoString(&def, " NO INHERIT");
				break;
			default:
				appendStringInfoString(&def,
									   TextDatumGetCString(DirectFunctionCall1(pg_get_constraintdef,
																			   ObjectIdGetDatum(con->oid))));
				break;
		}
		if (con->condeferrable && strstr(def.data, " DEFERRABLE") == NULL)
			appendStringInfoString(&def, con->condeferred ?
								   " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE");
		if (!con->convalidated && strstr(def.data, " NOT VALID") == NULL)
			appendStringInfoString(&def, " NOT VALID");

		/* read_indexes() looks again at keys whose index has options */
		if (ir)
		{
			ir->conobject = st->m->n;
			ir->conoid = con->oid;
		}
		model_add(st->m, "constraint",
				  join_names(ri->qualname, " ", quote_identifier(NameStr(con->conname))),
				  model_string(&def));
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
}

/* An access method's name, cached */
static const char *
access_method_name(RelState *st, Oid amoid)
{
	bool		found;
	OidText    *e = hash_search(st->opclasses, &amoid, HASH_ENTER, &found);

	/* access methods and operator classes share no OIDs */
	if (!found)
		e->text = get_am_name(amoid);
	return e->text;
}

/* Whether an operator class is the default one for its type */
static bool
opclass_is_default(RelState *st, Oid opclass)
{
	bool		found;
	OidText    *e = hash_search(st->opclasses, &opclass, HASH_ENTER, &found);

	if (!found)
	{
		HeapTuple	tup = SearchSysCache1(CLAOID, ObjectIdGetDatum(opclass));

		e->text = NULL;
		if (HeapTupleIsValid(tup))
		{
			if (((Form_pg_opclass) GETSTRUCT(tup))->opcdefault)
				e->text = "default";
			ReleaseSysCache(tup);
		}
	}
	return e->text != NULL;
}

/*
 * The definition of a plain index (columns only, default operator classes
 * and collations, no options), written without the deparser; NULL for any
 * other index, which pg_get_indexdef() describes.
 */
static char *
plain_index_def(RelState *st, Form_pg_index ix, HeapTuple tup, Relation rel,
				RelInfo *table, IndexRel *ir)
{
	oidvector  *indclass;
	oidvector  *indcoll;
	int2vector *indoption;
	StringInfoData buf;
	bool		isnull;
	Datum		d;

	if (!ir->plain ||
		!heap_attisnull(tup, Anum_pg_index_indexprs, NULL) ||
		!heap_attisnull(tup, Anum_pg_index_indpred, NULL))
		return NULL;

	d = heap_getattr(tup, Anum_pg_index_indclass, RelationGetDescr(rel), &isnull);
	indclass = (oidvector *) DatumGetPointer(d);
	d = heap_getattr(tup, Anum_pg_index_indcollation, RelationGetDescr(rel), &isnull);
	indcoll = (oidvector *) DatumGetPointer(d);
	d = heap_getattr(tup, Anum_pg_index_indoption, RelationGetDescr(rel), &isnull);
	indoption = (int2vector *) DatumGetPointer(d);
	for (int i = 0; i < ix->indnkeyatts; i++)
	{
		if (ix->indkey.values[i] == 0 ||
			!opclass_is_default(st, indclass->values[i]) ||
			(OidIsValid(indcoll->values[i]) &&
			 indcoll->values[i] != DEFAULT_COLLATION_OID))
			return NULL;
	}

	initStringInfo(&buf);
	appendStringInfoString(&buf, ix->indisunique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
	appendStringInfoString(&buf, quote_identifier(ir->name));
	appendStringInfoString(&buf, " ON ");
	appendStringInfoString(&buf, table->qualname);
	appendStringInfoString(&buf, " USING ");
	appendStringInfoString(&buf, access_method_name(st, ir->relam));
	appendStringInfoString(&buf, " (");
	for (int i = 0; i < ix->indnkeyatts; i++)
	{
		int16		opt = indoption->values[i];

		if (i)
			appendStringInfoString(&buf, ", ");
		appendStringInfoString(&buf, column_name(table, ix->indkey.values[i]));
		if (opt & INDOPTION_DESC)
			appendStringInfoString(&buf, " DESC");
		if ((opt & INDOPTION_NULLS_FIRST) && !(opt & INDOPTION_DESC))
			appendStringInfoString(&buf, " NULLS FIRST");
		if (!(opt & INDOPTION_NULLS_FIRST) && (opt & INDOPTION_DESC))
			appendStringInfoString(&buf, " NULLS LAST");
	}
	appendStringInfoChar(&buf, ')');
	if (ix->indnatts > ix->indnkeyatts)
	{
		appendStringInfoString(&buf, " INCLUDE ");
		append_attnums(&buf, st->m, ix->indrelid, ix->indkey.values + ix->indnkeyatts,
					   ix->indnatts - ix->indnkeyatts);
	}
	if (ix->indnullsnotdistinct)
		appendStringInfoString(&buf, " NULLS NOT DISTINCT");
	return model_string(&buf);
}

/*
 * The index a table is clustered on (ALTER TABLE ... CLUSTER ON), at the
 * end of the table's definition: rare, so the definition is written again.
 */
static void
set_cluster(RelState *st, RelInfo *table, IndexRel *ir)
{
	char	   *name = pstrdup(quote_identifier(ir->name));

	model_set_definition(st->m, table->object,
						 psprintf("%s cluster on %s",
								  model_object(st->m, table->object)->definition, name));
	if (table->detail)
		table->detail->cluster = name;
}

/*
 * pg_index: the indexes of managed tables that no constraint stands for,
 * and the one each table is clustered on.
 */
static void
read_indexes(RelState *st)
{
	Relation	rel = table_open(IndexRelationId, AccessShareLock);
	TableScanDesc scan = table_beginscan_catalog(rel, 0, NULL);
	HeapTuple	tup;

	st->opclasses = model_hash("migrate opclasses", sizeof(Oid), sizeof(OidText));
	while (HeapTupleIsValid(tup = heap_getnext(scan, ForwardScanDirection)))
	{
		Form_pg_index ix = (Form_pg_index) GETSTRUCT(tup);
		RelInfo    *ri = model_relation(st->m, ix->indrelid);
		IndexRel   *ir;
		char	   *name;
		char	   *def;

		if (ri == NULL)
			continue;
		ir = find_index(st, ix->indexrelid);
		if (ir == NULL)
			continue;
		if (ix->indisclustered && ri->relkind != RELKIND_MATVIEW)
			set_cluster(st, ri, ir);
		if (ir->constraint)
		{
			/*
			 * A key whose index has INCLUDE columns, NULLS NOT DISTINCT or
			 * storage options: the column list alone would hide them.
			 */
			if (ir->conobject >= 0 &&
				(ix->indnatts > ix->indnkeyatts || ix->indnullsnotdistinct || !ir->plain))
				model_set_definition(st->m, ir->conobject,
									 key_definition(ir->conoid, ix->indexrelid));
			continue;
		}
		/* for a diff: CREATE INDEX on the parent makes the partitions' */
		if (st->m->rd->for_diff && ir->partition)
			continue;
		name = model_qualified(ri->nspid, ir->name);
		def = plain_index_def(st, ix, tup, rel, ri, ir);
		if (def == NULL)
			def = pg_get_indexdef_string(ix->indexrelid);
		if (!ix->indisvalid)
			def = psprintf("%s (invalid)", def);
		model_add(st->m, "index", name, def);
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
}

/* The column a sequence belongs to, from its pg_depend row */
typedef struct SeqOwner
{
	Oid			seqid;			/* hash key */
	Oid			relid;
	int32		attnum;
	bool		identity;		/* an identity column's (else OWNED BY) */
} SeqOwner;

/*
 * The column each managed sequence belongs to (OWNED BY, or identity): one
 * heap scan of pg_depend for all of them, not one index scan per sequence.
 * A sequence's row is an AUTO (OWNED BY) or INTERNAL (identity) dependency
 * of the sequence on a column of a relation.  Should a sequence have more
 * than one, the first in pg_depend's physical order counts, as it did when
 * the rows were read through the index on (classid, objid, objsubid).
 */
static HTAB *
read_sequence_owners(RelState *st)
{
	HTAB	   *owners = model_hash("migrate sequence owners", sizeof(Oid),
									sizeof(SeqOwner));
	Relation	rel = table_open(DependRelationId, AccessShareLock);
	TableScanDesc scan = table_beginscan_catalog(rel, 0, NULL);
	HeapTuple	tup;

	while (HeapTupleIsValid(tup = heap_getnext(scan, ForwardScanDirection)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);
		RelInfo    *ri;
		SeqOwner   *e;
		bool		found;

		if (dep->classid != RelationRelationId ||
			dep->refclassid != RelationRelationId || dep->refobjsubid == 0 ||
			(dep->deptype != DEPENDENCY_AUTO && dep->deptype != DEPENDENCY_INTERNAL))
			continue;
		ri = model_relation(st->m, dep->objid);
		if (ri == NULL || ri->relkind != RELKIND_SEQUENCE)
			continue;
		e = hash_search(owners, &dep->objid, HASH_ENTER, &found);
		if (found)
			continue;
		e->relid = dep->refobjid;
		e->attnum = dep->refobjsubid;
		e->identity = dep->deptype == DEPENDENCY_INTERNAL;
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	return owners;
}


/* pg_sequence: the managed sequences */
static void
read_sequences(RelState *st)
{
	HTAB	   *owners = read_sequence_owners(st);
	Relation	rel = table_open(SequenceRelationId, AccessShareLock);
	TableScanDesc scan = table_beginscan_catalog(rel, 0, NULL);
	HeapTuple	tup;

	while (HeapTupleIsValid(tup = heap_getnext(scan, ForwardScanDirection)))
	{
		Form_pg_sequence seq = (Form_pg_sequence) GETSTRUCT(tup);
		RelInfo    *ri = model_relation(st->m, seq->seqrelid);
		StringInfoData def;
		SeqOwner   *owner;
		char	   *column = NULL;

		if (ri == NULL)
			continue;
		initStringInfo(&def);
		appendStringInfoString(&def, "as ");
		appendStringInfoString(&def, type_text(st, seq->seqtypid, -1));
		append_int64(&def, " start ", seq->seqstart);
		append_int64(&def, " increment ", seq->seqincrement);
		append_int64(&def, " min ", seq->seqmin);
		append_int64(&def, " max ", seq->seqmax);
		append_int64(&def, " cache ", seq->seqcache);
		if (seq->seqcycle)
			appendStringInfoString(&def, " cycle");
		appendStringInfoChar(&def, ' ');
		appendStringInfoString(&def, ri->relkey);
		owner = hash_search(owners, &seq->seqrelid, HASH_FIND, NULL);
		if (owner)
		{
			column = join_names(relation_name(st, owner->relid), ".",
								any_column_name(st->m, owner->relid, owner->attnum));
			appendStringInfoString(&def, owner->identity ? " identity of " : " owned by ");
			appendStringInfoString(&def, column);
		}
		model_add(st->m, "sequence", ri->qualname, model_string(&def));
		if (ri->detail)
		{
			model_object(st->m, st->m->n - 1)->detail = ri->detail;
			ri->detail->seqparams =
				psprintf("AS %s START WITH " INT64_FORMAT " INCREMENT BY " INT64_FORMAT
						 " MINVALUE " INT64_FORMAT " MAXVALUE " INT64_FORMAT
						 " CACHE " INT64_FORMAT "%s",
						 type_text(st, seq->seqtypid, -1), seq->seqstart,
						 seq->seqincrement, seq->seqmin, seq->seqmax, seq->seqcache,
						 seq->seqcycle ? " CYCLE" : " NO CYCLE");
			ri->detail->owned_by = column;
			ri->detail->seq_identity = owner != NULL && owner->identity;
		}
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
}

/* Views and materialized views: their query as the deparser writes it */
static void
add_views(RelState *st)
{
	ListCell   *lc;

	for (lc = list_head(st->views); lc; lc = lnext(st->views, lc))
	{
		RelInfo    *ri = lfirst(lc);
		char	   *def;
		char	   *query;

		lc = lnext(st->views, lc);
		def = lfirst(lc);
		query = compat_view_query(ri->relid);
		model_add(st->m, ri->relkind == RELKIND_VIEW ? "view" : "materialized view",
				  ri->qualname, psprintf("%s as %s", def, query));
		if (ri->detail)
		{
			model_object(st->m, st->m->n - 1)->detail = ri->detail;
			ri->detail->query = query;
		}
	}
}

void
model_read_relations(SchemaModel *m)
{
	RelState	st;

	memset(&st, 0, sizeof(st));
	st.m = m;
	st.types = model_hash("migrate types", sizeof(TypeKey), sizeof(TypeEntry));
	memset(st.recent_types, 0, sizeof(st.recent_types));
	st.others = model_hash("migrate other relations", sizeof(Oid), sizeof(OidText));

	read_classes(&st);
	model_index_relations(m);
	index_indexes(&st);
	read_inherits(&st);
	read_attributes(&st);
	make_relkeys(m);
	read_attrdefs(&st);
	add_tables(&st);
	add_columns(&st);
	/* the biggest thing the reading holds, a row per column, is done with */
	if (st.columns)
		pfree(st.columns);
	st.columns = NULL;
	read_constraints(&st);
	read_indexes(&st);
	read_sequences(&st);
	add_views(&st);
}
