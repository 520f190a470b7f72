/*-------------------------------------------------------------------------
 *
 * readers.h
 *	  What the readers of others.c, routines.c and types.c share while
 *	  they read one model.  Nothing outside src/model includes it.
 *
 * src/model/readers.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_READERS_H
#define MIGRATE_READERS_H

#include "access/htup.h"
#include "fmgr.h"
#include "utils/relcache.h"

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

/* What the readers share */
typedef struct OthersState
{
	SchemaModel *m;
	HTAB	   *labels;			/* LabelEntry, for comments */
	HTAB	   *domains;		/* DomainEntry */
	HTAB	   *composites;		/* OidLabel: composite types by typrelid */
	HTAB	   *typefuncs;		/* OIDs of functions a type made for itself */
	List	   *types;			/* TypeItem *, as the pg_type scan kept them */
	HTAB	   *triggers;		/* TriggerItem, by OID */
	List	   *rules;			/* RuleItem *, as the pg_rewrite scan kept them */
} OthersState;


/* What rd_scan_catalog() does with each row */
typedef void (*RowFunc) (OthersState *st, Relation rel, HeapTuple tup);

/* A word for each value of a "char" catalog column */
typedef struct CharWord
{
	char		c;
	const char *word;
} CharWord;

extern void rd_scan_catalog(OthersState *st, Oid catalog, RowFunc fn);
extern const char *rd_char_word(const CharWord *words, char c);
extern char *rd_remember(OthersState *st, Oid classid, Oid objid,
						 const char *kind, const char *identity);
extern const char *rd_find_label(HTAB *labels, Oid classid, Oid objid);
extern void rd_add_owned(OthersState *st, Oid classid, Oid objid,
						 const char *kind, char *identity,
						 const char *definition, Oid owner, char *acl);
extern char *rd_tuple_acl(HeapTuple tup, Relation rel, AttrNumber attnum,
						  ObjectType objtype, Oid owner);
extern char *rd_tuple_text(HeapTuple tup, Relation rel, AttrNumber attnum);
extern char *rd_ruleutils_text(PGFunction fn, Oid oid);
extern char *rd_type_text(Oid typid, int32 typmod);
extern char *rd_cached_qualified(int cacheid, Oid oid, AttrNumber nameatt,
								 AttrNumber nspatt);
extern char *rd_collation_text(Oid collid);
extern char *rd_collate_clause(Oid collid, Oid typid);

extern void rd_append_routine(StringInfo buf, const char *key, Oid procid);

/* The readers of routines.c and types.c */
extern void rd_routine_row(OthersState *st, Relation rel, HeapTuple tup);
extern void rd_read_types(OthersState *st);

#endif							/* MIGRATE_READERS_H */
