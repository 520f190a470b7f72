/*-------------------------------------------------------------------------
 *
 * schema_model.c
 *	  A canonical model of the managed schemas, read from the catalogs.
 *
 * The model is a sorted list of objects, each a kind ("table", "column",
 * "index", ...), an identity (schema-qualified, unique within its kind) and
 * a normalized definition: two objects match if and only if their
 * definitions are equal.  Nothing in a definition is an OID or depends on
 * the session: search_path is pinned to pg_catalog while the model is read,
 * so every name outside pg_catalog comes out schema-qualified.  The same
 * schema therefore gives the same model, and the same fingerprint (a SHA-256
 * over the list), on a standby, a restored copy or another server.
 *
 * Managed schemas: every schema but pg_catalog, information_schema, the
 * toast and temporary schemas and the schemas of extensions; the setting
 * migrate.managed_schemas narrows it to a list.  Objects that belong to an
 * extension are left out.
 *
 * Reading is done with catalog scans in C, not SQL: on a schema of 10,000
 * tables the model takes a fraction of what pg_dump --schema-only takes.
 * Expressions are deparsed with pg_get_expr(), cached by their node string
 * (locations stripped) and the column names of their relation, since many
 * tables share the same defaults and checks.
 *
 * The readers of the object kinds live in model_relations.c (tables,
 * columns, constraints, indexes, sequences, views) and model_others.c
 * (schemas, routines, types, triggers, policies, comments).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/transam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_namespace.h"
#include "common/cryptohash.h"
#include "common/hashfn.h"
#include "common/sha2.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/memutils.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/varlena.h"

#include "migrate.h"

typedef struct OidEntry
{
	Oid			oid;
} OidEntry;

typedef struct MemberKey
{
	Oid			classid;
	Oid			objid;
} MemberKey;

typedef struct NameEntry
{
	Oid			oid;
	char	   *name;
} NameEntry;

/* deparsed expressions: the hash of the key, then the entries that have it */
typedef struct ExprEntry
{
	uint32		hash;
	List	   *keys;			/* char * */
	List	   *values;			/* char * */
} ExprEntry;

/*
 * A hash table of fixed-size keys in the current memory context: the maps
 * every reader of the model keeps while it runs.
 */
HTAB *
model_hash(const char *name, Size keysize, Size entrysize)
{
	HASHCTL		ctl;

	ctl.keysize = keysize;
	ctl.entrysize = entrysize;
	ctl.hcxt = CurrentMemoryContext;
	return hash_create(name, 256, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

/* While a model is read for the diff engine: the one schema it covers */
static const char *diff_schema = NULL;

/* The schemas migrate.managed_schemas names, or NIL for "all" */
static List *
listed_schemas(void)
{
	char	   *raw;
	List	   *names = NIL;

	if (diff_schema != NULL)
		return list_make1(pstrdup(diff_schema));
	if (migrate_managed_schemas == NULL || migrate_managed_schemas[0] == '\0')
		return NIL;
	raw = pstrdup(migrate_managed_schemas);
	if (!SplitIdentifierString(raw, ',', &names))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid list syntax in migrate.managed_schemas")));
	return names;
}

/* Every (classid, objid) that belongs to an extension */
static void
read_members(SchemaModel *m)
{
	HASHCTL		ctl;
	Relation	extrel;
	Relation	deprel;
	SysScanDesc scan;
	HeapTuple	tup;
	List	   *extensions = NIL;
	ListCell   *lc;

	ctl.keysize = sizeof(MemberKey);
	ctl.entrysize = sizeof(MemberKey);
	ctl.hcxt = CurrentMemoryContext;
	m->members = hash_create("migrate extension members", 1024, &ctl,
							 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	extrel = table_open(ExtensionRelationId, AccessShareLock);
	scan = systable_beginscan(extrel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
		extensions = lappend_oid(extensions,
								 ((Form_pg_extension) GETSTRUCT(tup))->oid);
	systable_endscan(scan);
	table_close(extrel, AccessShareLock);

	deprel = table_open(DependRelationId, AccessShareLock);
	foreach(lc, extensions)
	{
		ScanKeyData key[2];

		ScanKeyInit(&key[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber,
					F_OIDEQ, ObjectIdGetDatum(ExtensionRelationId));
		ScanKeyInit(&key[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber,
					F_OIDEQ, ObjectIdGetDatum(lfirst_oid(lc)));
		scan = systable_beginscan(deprel, DependReferenceIndexId, true, NULL,
								  2, key);
		while (HeapTupleIsValid(tup = systable_getnext(scan)))
		{
			Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);
			MemberKey	mk;

			if (dep->deptype != DEPENDENCY_EXTENSION)
				continue;
			mk.classid = dep->classid;
			mk.objid = dep->objid;
			(void) hash_search(m->members, &mk, HASH_ENTER, NULL);
		}
		systable_endscan(scan);
	}
	table_close(deprel, AccessShareLock);
}

/* The managed schemas */
static void
read_managed(SchemaModel *m)
{
	List	   *listed = listed_schemas();
	Relation	rel;
	SysScanDesc scan;
	HeapTuple	tup;

	m->managed = model_hash("migrate managed schemas", sizeof(Oid), sizeof(OidEntry));
	rel = table_open(NamespaceRelationId, AccessShareLock);
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_namespace ns = (Form_pg_namespace) GETSTRUCT(tup);
		const char *name = NameStr(ns->nspname);
		ListCell   *lc;
		bool		found = listed == NIL;

		if (strcmp(name, "pg_catalog") == 0 ||
			strcmp(name, "information_schema") == 0 ||
			strcmp(name, "pg_toast") == 0 ||
			strncmp(name, "pg_temp_", 8) == 0 ||
			strncmp(name, "pg_toast_temp_", 14) == 0 ||
			model_is_member(m, NamespaceRelationId, ns->oid))
			continue;
		foreach(lc, listed)
			found |= strcmp(lfirst(lc), name) == 0;
		if (found)
			(void) hash_search(m->managed, &ns->oid, HASH_ENTER, NULL);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
}

bool
model_is_managed(SchemaModel *m, Oid nspid)
{
	return hash_search(m->managed, &nspid, HASH_FIND, NULL) != NULL;
}

bool
model_is_member(SchemaModel *m, Oid classid, Oid objid)
{
	MemberKey	mk;

	mk.classid = classid;
	mk.objid = objid;
	return hash_search(m->members, &mk, HASH_FIND, NULL) != NULL;
}

RelInfo *
model_relation(SchemaModel *m, Oid relid)
{
	/* system catalogs are never managed */
	if (relid < FirstNormalObjectId)
		return NULL;
	/* catalog scans meet each relation's rows together: remember the last */
	if (OidIsValid(m->last_relid) && m->last_relid == relid)
		return m->last_rel;
	m->last_relid = relid;
	/* most relations the scans meet (toast tables, indexes) are not managed */
	if (m->relbits != NULL &&
		(relid < m->relbits_min || relid - m->relbits_min >= m->relbits_span ||
		 !(m->relbits[(relid - m->relbits_min) / 8] & (1 << ((relid - m->relbits_min) % 8)))))
		m->last_rel = NULL;
	else
		m->last_rel = (RelInfo *) hash_search(m->relations, &relid, HASH_FIND, NULL);
	return m->last_rel;
}

/*
 * Once every managed relation is known: a bitmap of their OIDs, so that
 * model_relation() turns the others away without a hash lookup.  Kept only
 * while the OIDs span at most 64 million (an 8 MB bitmap).
 */
void
model_index_relations(SchemaModel *m)
{
	HASH_SEQ_STATUS seq;
	RelInfo    *ri;
	Oid			min = InvalidOid;
	Oid			max = InvalidOid;

	hash_seq_init(&seq, m->relations);
	while ((ri = hash_seq_search(&seq)) != NULL)
	{
		if (!OidIsValid(min) || ri->relid < min)
			min = ri->relid;
		if (ri->relid > max)
			max = ri->relid;
	}
	m->relbits = NULL;
	m->last_relid = InvalidOid;
	if (!OidIsValid(min) || max - min >= 64 * 1024 * 1024)
		return;
	m->relbits_min = min;
	m->relbits_span = max - min + 1;
	m->relbits = palloc0(m->relbits_span / 8 + 1);
	hash_seq_init(&seq, m->relations);
	while ((ri = hash_seq_search(&seq)) != NULL)
		m->relbits[(ri->relid - min) / 8] |= 1 << ((ri->relid - min) % 8);
}

/* model_qualified's memory of the last schema: relations come in its order */
static Oid	last_nspid = InvalidOid;
static char *last_name = NULL;
static LocalTransactionId last_lxid = InvalidLocalTransactionId;

char *
model_qualified(Oid nspid, const char *name)
{
	if (nspid != last_nspid || last_lxid != MyProc->lxid || last_name == NULL)
	{
		char	   *nspname = get_namespace_name(nspid);

		if (last_name)
			pfree(last_name);
		last_name = nspname ? MemoryContextStrdup(TopMemoryContext, nspname) : NULL;
		last_nspid = nspid;
		last_lxid = MyProc->lxid;
	}
	return quote_qualified_identifier(last_name, name);
}

const char *
model_role_name(SchemaModel *m, Oid roleid)
{
	bool		found;
	NameEntry  *e;


	/* most objects have the same owner */
	if (m->last_role == roleid && m->last_role_name)
		return m->last_role_name;
	e = hash_search(m->names, &roleid, HASH_ENTER, &found);
	if (!found)
		e->name = GetUserNameFromId(roleid, true);
	m->last_role = roleid;
	m->last_role_name = e->name ? e->name : "?";
	return m->last_role_name;
}

static int
cmp_cstring(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* An ACL's items as text, sorted: the same grants in another order match */
static char *
acl_text(Acl *acl)
{
	AclItem    *items = ACL_DAT(acl);
	int			n = ACL_NUM(acl);
	char	  **texts = palloc(sizeof(char *) * Max(n, 1));
	StringInfoData buf;

	for (int i = 0; i < n; i++)
		texts[i] = DatumGetCString(DirectFunctionCall1(aclitemout,
													   PointerGetDatum(&items[i])));
	qsort(texts, n, sizeof(char *), cmp_cstring);
	initStringInfo(&buf);
	for (int i = 0; i < n; i++)
	{
		if (i)
			appendStringInfoChar(&buf, ' ');
		appendStringInfoString(&buf, texts[i]);
	}
	return buf.data;
}

/*
 * For the diff engine, which leaves owners alone: the items of an ACL that
 * grant to someone other than the owner, without grantors, as
 * "grantee=privileges" (grantee empty for PUBLIC), sorted.
 */
static char *
diff_acl_text(Acl *acl, Oid owner)
{
	AclItem    *items = ACL_DAT(acl);
	int			n = ACL_NUM(acl);
	char	  **texts = palloc(sizeof(char *) * Max(n, 1));
	int			kept = 0;
	StringInfoData buf;

	for (int i = 0; i < n; i++)
	{
		char	   *item;
		char	   *slash;

		if (items[i].ai_grantee == owner && OidIsValid(owner))
			continue;
		item = DatumGetCString(DirectFunctionCall1(aclitemout,
												   PointerGetDatum(&items[i])));
		slash = strrchr(item, '/');
		if (slash)
			*slash = '\0';
		texts[kept++] = item;
	}
	qsort(texts, kept, sizeof(char *), cmp_cstring);
	initStringInfo(&buf);
	for (int i = 0; i < kept; i++)
	{
		if (i)
			appendStringInfoChar(&buf, ' ');
		appendStringInfoString(&buf, texts[i]);
	}
	return buf.data;
}

/*
 * An ACL as canonical text, or NULL when it grants just what an object of
 * its type and owner has by default (a NULL ACL, or one a REVOKE brought
 * back to the default): "no privileges of its own".
 */
char *
model_acl(Datum acl, ObjectType objtype, Oid owner)
{
	char	   *text = acl_text(DatumGetAclP(acl));
	char	   *dflt = acl_text(acldefault(objtype, owner));

	if (strcmp(text, dflt) == 0)
		return NULL;
	if (diff_schema != NULL)
		return diff_acl_text(DatumGetAclP(acl), owner);
	return text;
}

/* The node string with every ":location N" removed: the cache key */
static char *
strip_locations(const char *s)
{
	StringInfoData buf;
	const char *p = s;
	const char *hit;

	initStringInfo(&buf);
	while ((hit = strstr(p, " :location ")) != NULL)
	{
		appendBinaryStringInfo(&buf, p, hit - p);
		p = hit + 11;
		while (*p == '-' || isdigit((unsigned char) *p))
			p++;
	}
	appendStringInfoString(&buf, p);
	return buf.data;
}

/*
 * pg_get_expr(nodestring, relid), cached: expressions with the same node
 * string (locations aside) over relations with the same column names
 * (relkey) deparse the same.
 */
char *
model_deparse(SchemaModel *m, const char *nodestring, Oid relid,
			  const char *relkey)
{
	MemoryContext oldcxt;
	char	   *key;
	uint32		h;
	bool		found;
	ExprEntry  *e;
	ListCell   *lk;
	ListCell   *lv;
	char	   *result;

	/* the key and the deparser's own garbage go in a scratch context */
	if (m->scratch == NULL)
		m->scratch = AllocSetContextCreate(CurrentMemoryContext,
										   "migrate deparse scratch",
										   ALLOCSET_DEFAULT_SIZES);
	oldcxt = MemoryContextSwitchTo(m->scratch);
	key = psprintf("%s\n%s", relkey, strip_locations(nodestring));
	h = DatumGetUInt32(hash_any((const unsigned char *) key, strlen(key)));
	MemoryContextSwitchTo(oldcxt);

	e = hash_search(m->exprs, &h, HASH_ENTER, &found);
	if (!found)
	{
		e->keys = NIL;
		e->values = NIL;
	}
	forboth(lk, e->keys, lv, e->values)
	{
		if (strcmp(lfirst(lk), key) == 0)
		{
			MemoryContextReset(m->scratch);
			return lfirst(lv);
		}
	}

	oldcxt = MemoryContextSwitchTo(m->scratch);
	result = TextDatumGetCString(DirectFunctionCall2(pg_get_expr,
													 CStringGetTextDatum(nodestring),
													 ObjectIdGetDatum(relid)));
	MemoryContextSwitchTo(oldcxt);
	result = pstrdup(result);
	e->keys = lappend(e->keys, pstrdup(key));
	e->values = lappend(e->values, result);
	MemoryContextReset(m->scratch);
	return result;
}

/*
 * A StringInfo's text in a string of its own size, the buffer given back:
 * a model holds 100,000 definitions, and each buffer starts at 1 kB.
 */
char *
model_string(StringInfo buf)
{
	char	   *result = pnstrdup(buf->data, buf->len);

	pfree(buf->data);
	buf->data = NULL;
	return result;
}

void
model_add(SchemaModel *m, const char *kind, char *identity, char *definition)
{
	if (m->n == m->cap)
	{
		m->cap *= 2;
		m->objects = repalloc_huge(m->objects, sizeof(ModelObject) * m->cap);
	}
	m->objects[m->n].kind = kind;
	m->objects[m->n].identity = identity;
	m->objects[m->n].definition = definition ? definition : "";
	m->objects[m->n].detail = NULL;
	m->n++;
}

/*
 * The details of the object just added, when the model is read for a diff
 * (NULL otherwise: the readers then skip what only the diff needs).
 */
ModelDetail *
model_detail(SchemaModel *m)
{
	if (!m->for_diff || m->n == 0)
		return NULL;
	if (m->objects[m->n - 1].detail == NULL)
		m->objects[m->n - 1].detail = palloc0(sizeof(ModelDetail));
	return m->objects[m->n - 1].detail;
}

bool
model_reading_for_diff(void)
{
	return diff_schema != NULL;
}

static int
cmp_object(const void *a, const void *b)
{
	const ModelObject *x = (const ModelObject *) a;
	const ModelObject *y = (const ModelObject *) b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->identity, y->identity);
}

/*
 * Sort by kind, then identity.  The kinds are a handful of strings: rank
 * them once, so that the sort compares kinds as integers.
 */
static void
model_sort(SchemaModel *m)
{
	const char *kinds[64];
	int			nkinds = 0;

	for (int i = 0; i < m->n; i++)
	{
		int			k;

		for (k = 0; k < nkinds; k++)
			if (kinds[k] == m->objects[i].kind ||
				strcmp(kinds[k], m->objects[i].kind) == 0)
				break;
		if (k == nkinds)
		{
			if (nkinds == lengthof(kinds))
				elog(ERROR, "too many kinds of objects in the schema model");
			kinds[nkinds++] = m->objects[i].kind;
		}
		m->objects[i].rank = k;
	}
	/* rank k becomes the position of kind k in strcmp order */
	{
		int			order[64];

		for (int k = 0; k < nkinds; k++)
		{
			order[k] = 0;
			for (int j = 0; j < nkinds; j++)
				if (strcmp(kinds[j], kinds[k]) < 0)
					order[k]++;
		}
		for (int i = 0; i < m->n; i++)
			m->objects[i].rank = order[m->objects[i].rank];
	}
	qsort(m->objects, m->n, sizeof(ModelObject), cmp_object);
}

static SchemaModel *read_model(bool for_diff);

static SchemaModel *
model_new(void)
{
	SchemaModel *m = palloc0(sizeof(SchemaModel));

	m->cap = 1024;
	m->objects = palloc(sizeof(ModelObject) * m->cap);
	return m;
}

/* A model with nothing in it: what is expected before the first snapshot */
SchemaModel *
model_read_empty(void)
{
	return model_new();
}

/*
 * Read the live model of the managed schemas.
 */
SchemaModel *
model_read(void)
{
	return read_model(false);
}

/*
 * Read the model of one schema for the diff engine: with the details it
 * writes DDL from, and with owners left out (every object's owner reads
 * "-", and ACLs keep only what is granted to others), since a diff does not
 * move objects from one owner to another.
 */
SchemaModel *
model_read_schema(const char *nspname)
{
	SchemaModel *volatile m = NULL;

	Assert(diff_schema == NULL);
	diff_schema = nspname;
	PG_TRY();
	{
		m = read_model(true);
	}
	PG_FINALLY();
	{
		diff_schema = NULL;
	}
	PG_END_TRY();
	return m;
}

static SchemaModel *
read_model(bool for_diff)
{
	SchemaModel *m = model_new();
	HASHCTL		ctl;
	int			nestlevel;

	/* migrate_diff renames schemas between two reads in one transaction */
	last_nspid = InvalidOid;

	ctl.keysize = sizeof(uint32);
	ctl.entrysize = sizeof(ExprEntry);
	ctl.hcxt = CurrentMemoryContext;
	m->exprs = hash_create("migrate expressions", 1024, &ctl,
						   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	m->names = model_hash("migrate role names", sizeof(Oid), sizeof(NameEntry));
	m->for_diff = for_diff;

	/*
	 * Every name outside pg_catalog comes out qualified, and constants
	 * (dates, intervals, floats in defaults and bounds) print the same
	 * whatever the session's display settings, as pg_dump does.
	 */
	nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog",
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("datestyle", "ISO",
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("intervalstyle", "postgres",
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("extra_float_digits", "3",
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);

	read_members(m);
	read_managed(m);
	model_read_relations(m);
	model_read_others(m);

	AtEOXact_GUC(true, nestlevel);

	model_sort(m);
	return m;
}

/*
 * The fingerprint: SHA-256 over every object, in order, as 64 hex digits.
 */
char *
model_fingerprint(SchemaModel *m)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	char	   *hex = palloc(PG_SHA256_DIGEST_LENGTH * 2 + 1);

	if (pg_cryptohash_init(ctx) < 0)
		elog(ERROR, "could not initialize fingerprint: %s", pg_cryptohash_error(ctx));
	for (int i = 0; i < m->n; i++)
	{
		ModelObject *o = &m->objects[i];

		if (pg_cryptohash_update(ctx, (const uint8 *) o->kind, strlen(o->kind) + 1) < 0 ||
			pg_cryptohash_update(ctx, (const uint8 *) o->identity, strlen(o->identity) + 1) < 0 ||
			pg_cryptohash_update(ctx, (const uint8 *) o->definition, strlen(o->definition) + 1) < 0)
			elog(ERROR, "could not update fingerprint: %s", pg_cryptohash_error(ctx));
	}
	if (pg_cryptohash_final(ctx, digest, sizeof(digest)) < 0)
		elog(ERROR, "could not finish fingerprint: %s", pg_cryptohash_error(ctx));
	pg_cryptohash_free(ctx);
	hex_encode((const char *) digest, sizeof(digest), hex);
	hex[PG_SHA256_DIGEST_LENGTH * 2] = '\0';
	return hex;
}

/* Append s with tab, newline and backslash escaped */
static void
append_escaped(StringInfo buf, const char *s)
{
	for (; *s; s++)
	{
		switch (*s)
		{
			case '\t':
				appendStringInfoString(buf, "\\t");
				break;
			case '\n':
				appendStringInfoString(buf, "\\n");
				break;
			case '\\':
				appendStringInfoString(buf, "\\\\");
				break;
			default:
				appendStringInfoChar(buf, *s);
		}
	}
}

/*
 * The model as text, one object a line: kind, identity and definition
 * separated by tabs.  What migrate.snapshot keeps.
 */
char *
model_serialize(SchemaModel *m)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < m->n; i++)
	{
		append_escaped(&buf, m->objects[i].kind);
		appendStringInfoChar(&buf, '\t');
		append_escaped(&buf, m->objects[i].identity);
		appendStringInfoChar(&buf, '\t');
		append_escaped(&buf, m->objects[i].definition);
		appendStringInfoChar(&buf, '\n');
	}
	return buf.data;
}

/* Undo append_escaped in place, up to end; returns the string */
static char *
unescape(char *s, char *end)
{
	char	   *w = s;

	for (char *r = s; r < end; r++)
	{
		if (*r == '\\' && r + 1 < end)
		{
			r++;
			*w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r;
		}
		else
			*w++ = *r;
	}
	*w = '\0';
	return s;
}

SchemaModel *
model_deserialize(const char *text)
{
	SchemaModel *m = model_new();
	char	   *buf = pstrdup(text);
	char	   *line = buf;

	while (*line)
	{
		char	   *nl = strchr(line, '\n');
		char	   *t1;
		char	   *t2;
		bool		more;

		if (nl == NULL)
			nl = line + strlen(line);
		more = *nl != '\0';
		t1 = memchr(line, '\t', nl - line);
		t2 = t1 ? memchr(t1 + 1, '\t', nl - t1 - 1) : NULL;
		if (t2 == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("the saved schema snapshot is damaged")));
		model_add(m, unescape(line, t1), unescape(t1 + 1, t2),
				  unescape(t2 + 1, nl));
		/* unescape() ended the definition at the newline */
		line = more ? nl + 1 : nl;
	}
	return m;
}
