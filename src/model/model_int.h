/*-------------------------------------------------------------------------
 *
 * model_int.h
 *	  What the files of the model share while they read the catalogs:
 *	  the reading state, the relation index, and the helpers each family
 *	  of readers uses.  Nothing outside src/model includes it.
 *
 * src/model/model_int.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_MODEL_INT_H
#define MIGRATE_MODEL_INT_H

#include "lib/stringinfo.h"
#include "nodes/parsenodes.h"
#include "utils/hsearch.h"

#include "model/model.h"

/*
 * A sorted set of OIDs that says where an OID is in it by counting bits:
 * a bit per OID from the smallest on, and the count of set bits before
 * each 64.  Past a span of 64 million OIDs (8 MB of bits), a binary search.
 */
typedef struct OidIndex
{
	int			n;
	Oid		   *oids;			/* sorted */
	Oid			min;
	uint32		span;
	uint64	   *bits;			/* NULL: binary search */
	uint32	   *ranks;
} OidIndex;

/* A managed relation, as model_read_relations() found it */
typedef struct RelInfo
{
	Oid			relid;			/* hash key */
	Oid			nspid;
	char		relkind;
	char	   *qualname;		/* quoted, schema-qualified */
	int			natts;
	char	  **attnames;		/* [attnum - 1]; NULL for dropped columns */
	char	  **defaults;		/* [attnum - 1]: deparsed default or generation
								 * expression of a table's column, or NULL */
	char	   *relkey;			/* the column names, for model_deparse */
	int			object;			/* a table's model object, once added */
	struct ModelDetail *detail; /* read for a diff: facts for its DDL */
} RelInfo;

/* The state of one reading of the catalogs */
typedef struct ModelReading
{
	HTAB	   *managed;		/* OIDs of the managed schemas */
	HTAB	   *members;		/* (classid, objid) of extension members */
	RelInfo   **rels;			/* managed relations, by relid once indexed */
	int			nrels;
	int			maxrels;
	HTAB	   *exprs;			/* deparsed expressions, by node string */
	HTAB	   *names;			/* role names by OID */
	Oid			last_role;		/* the last one looked up */
	const char *last_role_name;
	Oid			last_relid;		/* model_relation's last answer */
	RelInfo    *last_rel;
	MemoryContext scratch;		/* reset after each deparse */
	bool		for_diff;		/* keep details, leave owners out */
	OidIndex	relindex;		/* of rels[], once they are all known */
	struct ModelObject **chunks;	/* the objects read so far (model_add) */
	int			nchunks;
	int			maxchunks;
} ModelReading;

extern SchemaModel *model_read(void);
extern HTAB *model_hash(const char *name, Size keysize, Size entrysize);
extern bool model_reading_for_diff(void);
extern bool model_reading_framed(void);
extern void model_sort(SchemaModel *m);
extern ModelDetail *model_detail(SchemaModel *m);
extern void model_add(SchemaModel *m, const char *kind, char *identity,
					  char *definition);
extern bool model_is_managed(SchemaModel *m, Oid nspid);
extern bool model_is_member(SchemaModel *m, Oid classid, Oid objid);
extern char *model_deparse(SchemaModel *m, const char *nodestring,
						   Oid relid, const char *relkey);
extern char *model_qualified(Oid nspid, const char *name);
extern char *model_alloc_string(Size len);
extern char *model_string(StringInfo buf);
extern char *model_reading_string(StringInfo buf);
extern char *model_reading_name(const char *name);
extern void *model_reading_room(Size size);
extern char *model_reading_qualified(Oid nspid, const char *name);
extern ModelObject *model_object(SchemaModel *m, int i);
extern void model_set_definition(SchemaModel *m, int i, char *definition);
extern RelInfo *model_relation(SchemaModel *m, Oid relid);
extern RelInfo *model_new_relation(SchemaModel *m, Oid relid);
extern void model_build_oid_index(OidIndex *index, Oid *oids, int n);
extern int	model_find_oid(const OidIndex *index, Oid oid);
extern void model_index_relations(SchemaModel *m);
extern const char *model_role_name(SchemaModel *m, Oid roleid);
extern char *model_acl(Datum acl, ObjectType objtype, Oid owner);

/* The readers, one family of object kinds each */
extern void model_read_relations(SchemaModel *m);
extern void model_read_others(SchemaModel *m);

/* model.c: the settings the deparser's output depends on, pinned */
extern int	model_pin_settings(void);

#endif							/* MIGRATE_MODEL_INT_H */
