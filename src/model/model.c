/*-------------------------------------------------------------------------
 *
 * model.c
 *	  A canonical model of the managed schemas, read from the catalogs:
 *	  the managed set, the container, names, ACLs, the deparse cache.
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
 * The readers of the object kinds live in relations.c (tables, columns,
 * constraints, indexes, sequences, views), routines.c (functions,
 * procedures, aggregates), types.c (enums, domains, composite and range
 * types) and others.c (schemas, triggers, policies, comments); the index
 * of relations by OID in oidindex.c; the fingerprint and the text form of
 * a model in fingerprint.c; comparing two models in compare.c.
 *
 * src/model/model.c
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
#include "port/pg_bitutils.h"
#include "port/pg_crc32c.h"
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

#include "base/compat.h"
#include "model/model_int.h"

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

/* A deparsed expression, with its key (model_deparse) */
typedef struct ExprItem
{
	struct ExprItem *next;		/* with the same hash */
	char	   *key;
	int			keylen;
	char	   *value;
} ExprItem;

/* deparsed expressions: the hash of the key, then the items that have it */
typedef struct ExprEntry
{
	uint32		hash;
	ExprItem   *items;
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

/* migrate.managed_schemas: the schemas the model covers; empty for all */
static char *migrate_managed_schemas = NULL;

/* migrate.managed_schemas must be a list of identifiers */
static bool
check_managed_schemas(char **newval, void **extra, GucSource source)
{
	char	   *raw = pstrdup(*newval);
	List	   *names;
	bool		ok = SplitIdentifierString(raw, ',', &names);

	list_free(names);
	pfree(raw);
	if (!ok)
		GUC_check_errdetail("List syntax is invalid: give schema names separated by commas.");
	return ok;
}

void
model_init(void)
{
	DefineCustomStringVariable("migrate.managed_schemas",
							   "Schemas whose objects the schema model covers; empty means every schema that is not a system or extension schema.",
							   NULL,
							   &migrate_managed_schemas,
							   "",
							   PGC_SUSET,
							   GUC_LIST_INPUT,
							   check_managed_schemas, NULL, NULL);
}

/*
 * While a model is read for the diff engine: whether it is, and the schemas
 * it covers (NIL: the managed set)
 */
static bool diff_reading = false;
static bool diff_framed = false;
static List *diff_schemas = NIL;

/* The schemas migrate.managed_schemas names, or NIL for "all" */
List *
model_managed_list(void)
{
	char	   *raw;
	List	   *names = NIL;

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
	m->rd->members = hash_create("migrate extension members", 1024, &ctl,
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
			(void) hash_search(m->rd->members, &mk, HASH_ENTER, NULL);
		}
		systable_endscan(scan);
	}
	table_close(deprel, AccessShareLock);
}

/* The schemas a model covers now, or NIL for "all" */
static List *
listed_schemas(void)
{
	if (diff_reading && diff_schemas != NIL)
		return diff_schemas;
	return model_managed_list();
}

/* The managed schemas */
static void
read_managed(SchemaModel *m)
{
	List	   *listed = listed_schemas();
	Relation	rel;
	SysScanDesc scan;
	HeapTuple	tup;

	m->rd->managed = model_hash("migrate managed schemas", sizeof(Oid), sizeof(OidEntry));
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
			(void) hash_search(m->rd->managed, &ns->oid, HASH_ENTER, NULL);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
}

bool
model_is_managed(SchemaModel *m, Oid nspid)
{
	return hash_search(m->rd->managed, &nspid, HASH_FIND, NULL) != NULL;
}

bool
model_is_member(SchemaModel *m, Oid classid, Oid objid)
{
	MemberKey	mk;

	mk.classid = classid;
	mk.objid = objid;
	return hash_search(m->rd->members, &mk, HASH_FIND, NULL) != NULL;
}

RelInfo *
model_relation(SchemaModel *m, Oid relid)
{
	int			pos;

	/* system catalogs are never managed */
	if (relid < FirstNormalObjectId)
		return NULL;
	/* catalog scans meet each relation's rows together: remember the last */
	if (OidIsValid(m->rd->last_relid) && m->rd->last_relid == relid)
		return m->rd->last_rel;
	m->rd->last_relid = relid;
	pos = model_find_oid(&m->rd->relindex, relid);
	m->rd->last_rel = pos >= 0 ? m->rd->rels[pos] : NULL;
	return m->rd->last_rel;
}

/*
 * A new managed relation, zeroed but for its OID, while pg_class is read
 * (before model_index_relations() sorts them).  Relations are allocated in
 * batches: a schema has tens of thousands of them.
 */
RelInfo *
model_new_relation(SchemaModel *m, Oid relid)
{
	RelInfo    *ri;

	Assert(m->rd->relindex.oids == NULL);
	if (m->rd->nrels % 256 == 0)
	{
		if (m->rd->nrels == m->rd->maxrels)
		{
			m->rd->maxrels = Max(1024, m->rd->maxrels * 2);
			m->rd->rels = m->rd->rels ? repalloc(m->rd->rels, sizeof(RelInfo *) * m->rd->maxrels) :
				palloc(sizeof(RelInfo *) * m->rd->maxrels);
		}
		ri = palloc0(sizeof(RelInfo) * 256);
	}
	else
		ri = m->rd->rels[m->rd->nrels - 1] + 1;
	ri->relid = relid;
	m->rd->rels[m->rd->nrels++] = ri;
	return ri;
}

static int
cmp_relid(const void *a, const void *b)
{
	Oid			x = (*(RelInfo *const *) a)->relid;
	Oid			y = (*(RelInfo *const *) b)->relid;

	return x < y ? -1 : x > y ? 1 : 0;
}

/*
 * Once every managed relation is known: sort them by OID and index them,
 * so that model_relation() turns the others away with one test and finds a
 * managed one by counting bits, without a hash lookup.
 */
void
model_index_relations(SchemaModel *m)
{
	bool		sorted = true;
	Oid		   *oids = palloc(sizeof(Oid) * Max(m->rd->nrels, 1));

	/* the pg_class scan meets them in OID order, but for wraparound */
	for (int i = 1; i < m->rd->nrels && sorted; i++)
		sorted = m->rd->rels[i - 1]->relid < m->rd->rels[i]->relid;
	if (!sorted)
		qsort(m->rd->rels, m->rd->nrels, sizeof(RelInfo *), cmp_relid);
	for (int i = 0; i < m->rd->nrels; i++)
		oids[i] = m->rd->rels[i]->relid;
	model_build_oid_index(&m->rd->relindex, oids, m->rd->nrels);
	m->rd->last_relid = InvalidOid;
}

/*
 * Strings in a model reading are many and small: they are cut from 64 kB
 * blocks, end to end, instead of being palloc'd one by one, which saves each
 * one's chunk header and rounding up.  Two arenas: the model's own strings
 * (identities and definitions), in the context the model lives in, and what
 * only the reading needs (names of relations and columns, relation keys,
 * definitions kept for later), in the reading's context, which is dropped
 * when the reading ends (read_model).
 */
typedef struct StringArena
{
	MemoryContext cxt;			/* NULL but while a model is read */
	char	   *block;			/* the current block */
	char	   *next;
	char	   *end;
} StringArena;

static StringArena arena;
static StringArena reading_arena;

#define ARENA_BLOCK_SIZE (64 * 1024 - 64)	/* with the allocator's header */

static char *arena_alloc(StringArena *a, Size len);

/*
 * model_qualified's memory of the last schema, quoted: relations come in
 * its order.
 */
static Oid	last_nspid = InvalidOid;
static char *last_quoted = NULL;
static LocalTransactionId last_lxid = InvalidLocalTransactionId;
static bool last_quote_all = false;

/*
 * A qualified name, quoted, in a string of its own size:
 * quote_qualified_identifier() would return each one in a 1 kB buffer, and
 * a model holds one per relation and index.
 */
static char *
qualified(StringArena *into, Oid nspid, const char *name)
{
	const char *quoted;
	size_t		nsplen;
	size_t		len;
	char	   *result;

	if (nspid != last_nspid || last_lxid != compat_my_lxid() ||
		last_quote_all != quote_all_identifiers || last_quoted == NULL)
	{
		char	   *nspname = get_namespace_name(nspid);

		if (last_quoted)
			pfree(last_quoted);
		/* an empty string stands for a schema that is gone: no qualifier */
		last_quoted = MemoryContextStrdup(TopMemoryContext,
										  nspname ? quote_identifier(nspname) : "");
		last_nspid = nspid;
		last_lxid = compat_my_lxid();
		last_quote_all = quote_all_identifiers;
	}
	quoted = quote_identifier(name);
	nsplen = strlen(last_quoted);
	len = strlen(quoted);
	result = arena_alloc(into, nsplen + 1 + len);
	if (nsplen > 0)
	{
		memcpy(result, last_quoted, nsplen);
		result[nsplen++] = '.';
	}
	memcpy(result + nsplen, quoted, len + 1);
	return result;
}

/* A qualified name for the model: an identity */
char *
model_qualified(Oid nspid, const char *name)
{
	return qualified(&arena, nspid, name);
}

/* A qualified name the reading needs, not the model: a relation's name */
char *
model_reading_qualified(Oid nspid, const char *name)
{
	return qualified(&reading_arena, nspid, name);
}

const char *
model_role_name(SchemaModel *m, Oid roleid)
{
	bool		found;
	NameEntry  *e;


	/* most objects have the same owner */
	if (m->rd->last_role == roleid && m->rd->last_role_name)
		return m->rd->last_role_name;
	e = hash_search(m->rd->names, &roleid, HASH_ENTER, &found);
	if (!found)
		e->name = GetUserNameFromId(roleid, true);
	m->rd->last_role = roleid;
	m->rd->last_role_name = e->name ? e->name : "?";
	return m->rd->last_role_name;
}

static int
cmp_cstring(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/*
 * An ACL's items as text, sorted: the same grants in another order match.
 * An item equal to skip (when not NULL) is left out.
 */
static char *
acl_text(Acl *acl, const AclItem *skip)
{
	AclItem    *items = ACL_DAT(acl);
	int			n = 0;
	char	  **texts = palloc(sizeof(char *) * (ACL_NUM(acl) + 1));
	StringInfoData buf;

	bool		skip_seen = false;

	for (int i = 0; i < ACL_NUM(acl); i++)
	{
		if (skip != NULL && items[i].ai_grantee == skip->ai_grantee)
		{
			skip_seen = true;
			if (items[i].ai_grantor == skip->ai_grantor &&
				items[i].ai_privs == skip->ai_privs)
				continue;
		}
		texts[n++] = DatumGetCString(DirectFunctionCall1(aclitemout,
														 PointerGetDatum(&items[i])));
	}
	/* the owner revoked all of its own privileges: say so */
	if (skip != NULL && !skip_seen)
		texts[n++] = "(none for the owner)";
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
 * back to the default): "no privileges of its own".  The owner's own item
 * is left out while it holds the owner's default privileges: what those are
 * changes between versions (17 added MAINTAIN, "m", for tables), so a
 * schema's grants read the same on every version and after pg_upgrade.
 */
char *
model_acl(Datum acl, ObjectType objtype, Oid owner)
{
	Acl		   *dflt_acl = acldefault(objtype, owner);
	const AclItem *owner_item = NULL;
	char	   *text;

	for (int i = 0; i < ACL_NUM(dflt_acl); i++)
		if (ACL_DAT(dflt_acl)[i].ai_grantee == owner)
			owner_item = &ACL_DAT(dflt_acl)[i];
	text = acl_text(DatumGetAclP(acl), owner_item);
	if (strcmp(text, acl_text(dflt_acl, owner_item)) == 0)
		return NULL;
	if (diff_reading)
		return diff_acl_text(DatumGetAclP(acl), owner);
	return text;
}

/* Append the node string s with every ":location N" removed */
static void
append_stripped(StringInfo buf, const char *s)
{
	const char *p = s;
	const char *hit;

	while ((hit = strstr(p, " :location ")) != NULL)
	{
		appendBinaryStringInfo(buf, p, hit - p);
		p = hit + 11;
		while (*p == '-' || isdigit((unsigned char) *p))
			p++;
	}
	appendStringInfoString(buf, p);
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
	StringInfoData key;
	pg_crc32c	h;
	bool		found;
	ExprEntry  *e;
	ExprItem   *item;
	char	   *result;
	size_t		len;

	/* the key and the deparser's own garbage go in a scratch context */
	if (m->rd->scratch == NULL)
		m->rd->scratch = AllocSetContextCreate(CurrentMemoryContext,
										   "migrate deparse scratch",
										   ALLOCSET_DEFAULT_SIZES);
	oldcxt = MemoryContextSwitchTo(m->rd->scratch);
	initStringInfo(&key);
	appendStringInfoString(&key, relkey);
	appendStringInfoChar(&key, '\n');
	append_stripped(&key, nodestring);
	MemoryContextSwitchTo(oldcxt);
	/* keys are long (a check is half a kilobyte): CRC-32C hashes them fast */
	INIT_CRC32C(h);
	COMP_CRC32C(h, key.data, key.len);
	FIN_CRC32C(h);

	e = hash_search(m->rd->exprs, &h, HASH_ENTER, &found);
	if (!found)
		e->items = NULL;
	for (item = e->items; item != NULL; item = item->next)
	{
		if (item->keylen == key.len && memcmp(item->key, key.data, key.len) == 0)
		{
			MemoryContextReset(m->rd->scratch);
			return item->value;
		}
	}

	oldcxt = MemoryContextSwitchTo(m->rd->scratch);
	result = TextDatumGetCString(DirectFunctionCall2(pg_get_expr,
													 CStringGetTextDatum(nodestring),
													 ObjectIdGetDatum(relid)));
	MemoryContextSwitchTo(oldcxt);

	/*
	 * The item in the reading's arena, end to end: a schema of 100,000
	 * tables has a default of its own in each (a constant), whose key is
	 * a quarter of a kilobyte; palloc would round each up to a half.
	 */
	len = strlen(result);
	item = model_reading_room(sizeof(ExprItem));
	item->key = arena_alloc(&reading_arena, key.len);
	memcpy(item->key, key.data, key.len + 1);
	item->keylen = key.len;
	item->value = arena_alloc(&reading_arena, len);
	memcpy(item->value, result, len + 1);
	item->next = e->items;
	e->items = item;
	MemoryContextReset(m->rd->scratch);
	return item->value;
}

/* Room for a string of len bytes and its terminator */
static char *
arena_alloc(StringArena *a, Size len)
{
	char	   *result;

	if (a->cxt == NULL)
		return palloc(len + 1);
	if ((Size) (a->end - a->next) <= len)
	{
		Size		size = Max(ARENA_BLOCK_SIZE, len + 1);

		a->block = a->next = MemoryContextAlloc(a->cxt, size);
		a->end = a->next + size;
	}
	result = a->next;
	a->next += len + 1;
	return result;
}

/* Room for a string of the model's */
char *
model_alloc_string(Size len)
{
	return arena_alloc(&arena, len);
}

/* A StringInfo's text in a string of an arena, the buffer given back */
static char *
arena_string(StringArena *a, StringInfo buf)
{
	char	   *result = arena_alloc(a, buf->len);

	memcpy(result, buf->data, buf->len + 1);
	pfree(buf->data);
	buf->data = NULL;
	return result;
}

/*
 * A StringInfo's text in a string of its own size, the buffer given back:
 * a model holds 100,000 definitions, and each buffer starts at 1 kB.
 */
char *
model_string(StringInfo buf)
{
	return arena_string(&arena, buf);
}

/* The same, for what the reading needs and the model does not keep */
char *
model_reading_string(StringInfo buf)
{
	return arena_string(&reading_arena, buf);
}

/*
 * Zeroed, aligned room the reading needs, from its arena: the arrays of
 * column names and defaults of each relation, without a chunk header and
 * rounding up each.
 */
void *
model_reading_room(Size size)
{
	char	   *result;

	reading_arena.next = (char *) TYPEALIGN(MAXIMUM_ALIGNOF, reading_arena.next);
	if (reading_arena.next > reading_arena.end)
		reading_arena.next = reading_arena.end;
	/* arena_alloc gives size + 1 bytes; blocks start aligned */
	result = arena_alloc(&reading_arena, size);
	Assert(result == (char *) MAXALIGN(result));
	memset(result, 0, size);
	return result;
}

/* A copy of a name the reading needs */
char *
model_reading_name(const char *name)
{
	size_t		len = strlen(name);
	char	   *result = arena_alloc(&reading_arena, len);

	memcpy(result, name, len + 1);
	return result;
}

/*
 * A string as the model keeps it: in the model's arena.  What was just cut
 * from it (model_string, model_qualified) is kept as it is; anything else
 * (a psprintf, a deparse, a name of the reading's) is copied, so that the
 * reading's context can go when it ends.
 */
static char *
model_keep(char *s)
{
	size_t		len;
	char	   *result;

	if (arena.block != NULL &&
		(uintptr_t) s >= (uintptr_t) arena.block && (uintptr_t) s < (uintptr_t) arena.next)
		return s;
	len = strlen(s);
	result = model_alloc_string(len);
	memcpy(result, s, len + 1);
	return result;
}

/* The name of each kind, as identities and drift reports say it */
static const char *const kind_names[] = {
	[KIND_UNKNOWN] = "",
	[KIND_SCHEMA] = "schema",
	[KIND_EXTENSION] = "extension",
	[KIND_TABLE] = "table",
	[KIND_COLUMN] = "column",
	[KIND_CONSTRAINT] = "constraint",
	[KIND_INDEX] = "index",
	[KIND_SEQUENCE] = "sequence",
	[KIND_VIEW] = "view",
	[KIND_MATVIEW] = "materialized view",
	[KIND_FUNCTION] = "function",
	[KIND_PROCEDURE] = "procedure",
	[KIND_AGGREGATE] = "aggregate",
	[KIND_ENUM] = "enum",
	[KIND_DOMAIN] = "domain",
	[KIND_COMPOSITE] = "composite type",
	[KIND_RANGE] = "range",
	[KIND_TRIGGER] = "trigger",
	[KIND_POLICY] = "policy",
	[KIND_COLLATION] = "collation",
	[KIND_EVENT_TRIGGER] = "event trigger",
	[KIND_PUBLICATION] = "publication",
	[KIND_STATISTICS] = "statistics",
	[KIND_RULE] = "rule",
	[KIND_COMMENT] = "comment",
	[KIND_PRIVILEGES] = "privileges",
};

/*
 * The kind a name says, or KIND_UNKNOWN.  Objects are added in runs of one
 * kind: the last answer, checked, serves most calls.
 */
ObjKind
model_kind(const char *name)
{
	static ObjKind last_kind = KIND_UNKNOWN;

	if (last_kind != KIND_UNKNOWN && strcmp(name, kind_names[last_kind]) == 0)
		return last_kind;
	for (int k = 1; k < lengthof(kind_names); k++)
		if (strcmp(name, kind_names[k]) == 0)
		{
			last_kind = (ObjKind) k;
			return last_kind;
		}
	return KIND_UNKNOWN;
}

/*
 * While a model is read its objects go in chunks of READ_CHUNK, which never
 * move: a million objects are not copied each time an array doubles, nor
 * held twice while it does.  read_model() sorts them into one array
 * (sort_objects, which cuts a contiguous array in chunks the same way).
 */
#define READ_CHUNK_BITS 13
#define READ_CHUNK (1 << READ_CHUNK_BITS)
#define CHUNKED(chunks, i) \
	(&(chunks)[(i) >> READ_CHUNK_BITS][(i) & (READ_CHUNK - 1)])

static ModelObject *
reading_slot(SchemaModel *m)
{
	ModelReading *rd = m->rd;

	if (m->n % READ_CHUNK == 0)
	{
		if (rd->nchunks == rd->maxchunks)
		{
			rd->maxchunks = Max(16, rd->maxchunks * 2);
			rd->chunks = rd->chunks ?
				repalloc(rd->chunks, sizeof(ModelObject *) * rd->maxchunks) :
				MemoryContextAlloc(arena.cxt, sizeof(ModelObject *) * rd->maxchunks);
		}
		rd->chunks[rd->nchunks++] = MemoryContextAlloc(arena.cxt,
													   sizeof(ModelObject) * READ_CHUNK);
	}
	return CHUNKED(rd->chunks, m->n);
}

/* Object i of a model, also while it is read */
ModelObject *
model_object(SchemaModel *m, int i)
{
	Assert(i >= 0 && i < m->n);
	if (m->rd != NULL)
		return CHUNKED(m->rd->chunks, i);
	return &m->objects[i];
}

/* Change the definition of object i of a model being read */
void
model_set_definition(SchemaModel *m, int i, char *definition)
{
	model_object(m, i)->definition = model_keep(definition);
}

void
model_add(SchemaModel *m, const char *kind, char *identity, char *definition)
{
	ModelObject *o;
	ObjKind		kindid = model_kind(kind);

	if (m->rd != NULL)
	{
		o = reading_slot(m);
		identity = model_keep(identity);
		definition = definition ? model_keep(definition) : "";
	}
	else
	{
		if (m->n == m->cap)
		{
			m->cap *= 2;
			m->objects = repalloc_huge(m->objects, sizeof(ModelObject) * m->cap);
		}
		o = &m->objects[m->n];
	}
	/* a kind's name lives as long as the module: the model may outlive kind */
	o->kind = kindid != KIND_UNKNOWN ? kind_names[kindid] : kind;
	o->kindid = kindid;
	o->identity = identity;
	o->definition = definition ? definition : "";
	o->detail = NULL;
	m->n++;
}

/*
 * The details of the object just added, when the model is read for a diff
 * (NULL otherwise: the readers then skip what only the diff needs).
 */
ModelDetail *
model_detail(SchemaModel *m)
{
	ModelObject *o;

	if (!m->rd->for_diff || m->n == 0)
		return NULL;
	o = model_object(m, m->n - 1);
	if (o->detail == NULL)
		o->detail = palloc0(sizeof(ModelDetail));
	return o->detail;
}

bool
model_reading_for_diff(void)
{
	return diff_reading;
}

/* Whether the model read for a diff is of one schema, framed */
bool
model_reading_framed(void)
{
	return diff_reading && diff_framed;
}

/*
 * An object while the model is sorted: 16 bytes of its identity, from
 * where the identities of its kind start to differ, as two integers that
 * compare as strcmp() compares those bytes (big-endian, zero-padded past
 * the end).  strcmp() on the rest settles the rare tie.
 */
typedef struct SortItem
{
	uint64		k1;
	uint64		k2;
	int			index;			/* in m->objects */
} SortItem;

/* What the comparison needs for a tie: the objects, the kind's prefix */
typedef struct SortArg
{
	ModelObject **chunks;
	size_t		prefix;
} SortArg;

static inline int
cmp_sort_item(const SortItem *a, const SortItem *b, SortArg *arg)
{
	if (a->k1 != b->k1)
		return a->k1 < b->k1 ? -1 : 1;
	if (a->k2 != b->k2)
		return a->k2 < b->k2 ? -1 : 1;
	/* equal keys: both identities ended within them, or neither did */
	if ((a->k2 & 0xFF) == 0)
		return 0;
	return strcmp(CHUNKED(arg->chunks, a->index)->identity + arg->prefix + 16,
				  CHUNKED(arg->chunks, b->index)->identity + arg->prefix + 16);
}

#define ST_SORT sort_items
#define ST_ELEMENT_TYPE SortItem
#define ST_COMPARE(a, b, arg) cmp_sort_item(a, b, arg)
#define ST_COMPARE_ARG_TYPE SortArg
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/* The sort key of s: the rest of an identity, from its kind's shared prefix on */
static inline void
sort_key(SortItem *item, const char *s)
{
	unsigned char b[16] = {0};

	for (int i = 0; i < 16 && s[i] != '\0'; i++)
		b[i] = (unsigned char) s[i];
	item->k1 = item->k2 = 0;
	for (int i = 0; i < 8; i++)
	{
		item->k1 = (item->k1 << 8) | b[i];
		item->k2 = (item->k2 << 8) | b[i + 8];
	}
}

/*
 * Sort by kind, then identity (strcmp order for both).  The kinds are a
 * handful of strings: rank them once and put each object in its kind's
 * bucket, so that the sort compares identities only.  Identities of a kind
 * share a long prefix (the schema, the table): each bucket is sorted by
 * fixed-size integer keys taken after the prefix its identities share, and
 * the objects are then copied in that order into a new array (read at
 * random, written in order).  The objects are in chunks (a reading's, then
 * given back: own_chunks) or in m->objects, cut in chunks by the caller.
 */
static void
sort_objects(SchemaModel *m, ModelObject **chunks, int nchunks, bool own_chunks)
{
	const char *kinds[64];
	int			nkinds = 0;
	int			order[64];
	int			start[65];
	int			fill[64];
	SortItem   *items;
	ModelObject *sorted;

	for (int i = 0; i < m->n; i++)
	{
		ModelObject *o = CHUNKED(chunks, i);
		int			k;

		for (k = 0; k < nkinds; k++)
			if (kinds[k] == o->kind || strcmp(kinds[k], o->kind) == 0)
				break;
		if (k == nkinds)
		{
			if (nkinds == lengthof(kinds))
				elog(ERROR, "too many kinds of objects in the schema model");
			kinds[nkinds++] = o->kind;
		}
		o->rank = k;
	}
	/* rank k becomes the position of kind k in strcmp order */
	for (int k = 0; k < nkinds; k++)
	{
		order[k] = 0;
		for (int j = 0; j < nkinds; j++)
			if (strcmp(kinds[j], kinds[k]) < 0)
				order[k]++;
	}
	memset(start, 0, sizeof(start));
	for (int i = 0; i < m->n; i++)
	{
		ModelObject *o = CHUNKED(chunks, i);

		o->rank = order[o->rank];
		start[o->rank + 1]++;
	}
	for (int k = 0; k < nkinds; k++)
	{
		start[k + 1] += start[k];
		fill[k] = start[k];
	}

	/* the buckets, in kind order */
	items = palloc_extended(sizeof(SortItem) * Max(m->n, 1), MCXT_ALLOC_HUGE);
	for (int i = 0; i < m->n; i++)
		items[fill[CHUNKED(chunks, i)->rank]++].index = i;

	for (int k = 0; k < nkinds; k++)
	{
		int			n = start[k + 1] - start[k];
		SortItem   *bucket = items + start[k];
		const char *first;
		SortArg		arg;

		if (n == 0)
			continue;
		first = CHUNKED(chunks, bucket[0].index)->identity;
		arg.chunks = chunks;
		arg.prefix = strlen(first);
		for (int i = 1; i < n && arg.prefix > 0; i++)
		{
			const char *s = CHUNKED(chunks, bucket[i].index)->identity;
			size_t		j = 0;

			while (j < arg.prefix && s[j] == first[j])
				j++;
			arg.prefix = j;
		}
		for (int i = 0; i < n; i++)
			sort_key(&bucket[i], CHUNKED(chunks, bucket[i].index)->identity + arg.prefix);
		sort_items(bucket, n, &arg);
	}

	sorted = MemoryContextAllocExtended(GetMemoryChunkContext(m),
										sizeof(ModelObject) * Max(m->n, 1),
										MCXT_ALLOC_HUGE);
	for (int i = 0; i < m->n; i++)
		sorted[i] = *CHUNKED(chunks, items[i].index);
	pfree(items);
	if (own_chunks)
	{
		for (int c = 0; c < nchunks; c++)
			pfree(chunks[c]);
		if (chunks)
			pfree(chunks);
	}
	pfree(m->objects);
	m->objects = sorted;
	m->cap = Max(m->n, 1);
}

void
model_sort(SchemaModel *m)
{
	int			nchunks = (m->n + READ_CHUNK - 1) / READ_CHUNK;
	ModelObject **chunks = palloc(sizeof(ModelObject *) * Max(nchunks, 1));

	for (int c = 0; c < nchunks; c++)
		chunks[c] = m->objects + c * READ_CHUNK;
	sort_objects(m, chunks, nchunks, false);
	pfree(chunks);
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
 * Pin the settings the deparser's output depends on, in a new GUC nest
 * level the caller ends with AtEOXact_GUC(true, level): every name outside
 * pg_catalog comes out qualified, and constants (dates, intervals, floats
 * in defaults and bounds) print the same whatever the session's display
 * settings, as pg_dump does.
 */
int
model_pin_settings(void)
{
	static const char *const settings[][2] = {
		{"search_path", "pg_catalog"},
		{"datestyle", "ISO"},
		{"intervalstyle", "postgres"},
		{"extra_float_digits", "3"},
	};
	int			nestlevel = NewGUCNestLevel();

	for (int i = 0; i < lengthof(settings); i++)
		(void) set_config_option(settings[i][0], settings[i][1],
								 PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
	return nestlevel;
}

/*
 * Read the model of a set of schemas for the diff engine (schemas NIL: the
 * managed set): with the details it writes DDL from, and with owners left
 * out (every object's owner reads "-", and ACLs keep only what is granted
 * to others), since a diff does not move objects from one owner to another.
 * "framed": the set is one schema whose own object (its comment, its
 * privileges) the diff leaves alone; otherwise schemas are objects the
 * diff creates and drops.
 */
SchemaModel *
model_read_set(List *schemas, bool framed)
{
	SchemaModel *volatile m = NULL;

	Assert(!diff_reading);
	diff_reading = true;
	diff_framed = framed;
	diff_schemas = schemas;
	PG_TRY();
	{
		m = read_model(true);
	}
	PG_FINALLY();
	{
		diff_reading = false;
		diff_framed = false;
		diff_schemas = NIL;
	}
	PG_END_TRY();
	m->framed = framed;
	return m;
}

/* One schema, framed: what migrate_diff reads of a desired schema */
SchemaModel *
model_read_schema(const char *nspname)
{
	return model_read_set(list_make1(pstrdup(nspname)), true);
}

static SchemaModel *
read_model(bool for_diff)
{
	MemoryContext modelcxt = CurrentMemoryContext;
	MemoryContext reading;
	SchemaModel *m = model_new();
	ModelObject **chunks;
	int			nchunks;
	HASHCTL		ctl;
	int			nestlevel;

	/*
	 * What only the reading needs (the relations, their names, the
	 * deparsed expressions, the readers' garbage) goes in a context of its
	 * own, dropped before the sort: the model keeps its strings in its
	 * arena, copied there by model_add, and its objects in chunks of its
	 * own until the sort.  A model read for a diff keeps the
	 * reading's context, where its details point.
	 */
	reading = AllocSetContextCreate(modelcxt, "migrate model reading",
									ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(reading);
	m->rd = palloc0(sizeof(ModelReading));

	/* migrate_diff renames schemas between two reads in one transaction */
	last_nspid = InvalidOid;

	ctl.keysize = sizeof(uint32);
	ctl.entrysize = sizeof(ExprEntry);
	ctl.hcxt = reading;
	m->rd->exprs = hash_create("migrate expressions", 1024, &ctl,
						   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	m->rd->names = model_hash("migrate role names", sizeof(Oid), sizeof(NameEntry));
	m->rd->for_diff = for_diff;

	nestlevel = model_pin_settings();

	arena.cxt = modelcxt;
	arena.block = arena.next = arena.end = NULL;
	reading_arena.cxt = reading;
	reading_arena.block = reading_arena.next = reading_arena.end = NULL;
	PG_TRY();
	{
		read_members(m);
		read_managed(m);
		model_read_relations(m);
		model_read_others(m);
	}
	PG_FINALLY();
	{
		arena.cxt = NULL;
		arena.block = NULL;
		reading_arena.cxt = NULL;
		reading_arena.block = NULL;
		MemoryContextSwitchTo(modelcxt);
	}
	PG_END_TRY();

	AtEOXact_GUC(true, nestlevel);

	/* the chunks and their array are the model's: they outlive the reading */
	chunks = m->rd->chunks;
	nchunks = m->rd->nchunks;
	m->rd = NULL;
	if (!for_diff)
	{
		/*
		 * The reading of 100,000 tables is a hundred megabytes, freed here:
		 * given back, not kept in the process while the sort takes as much
		 * again.
		 */
		MemoryContextDelete(reading);
		compat_return_free_memory();
	}
	sort_objects(m, chunks, nchunks, true);
	return m;
}
