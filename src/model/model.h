/*-------------------------------------------------------------------------
 *
 * model.h
 *	  The canonical model of the managed schemas: what drift compares, what
 *	  the fingerprint hashes, what the diff engine writes DDL from.
 *
 * A model is a sorted array of objects (kind, identity, definition), read
 * straight from the system catalogs.  How it is read is the module's own
 * business (model_int.h).
 *
 * src/model/model.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MIGRATE_MODEL_H
#define MIGRATE_MODEL_H

#include "nodes/pg_list.h"

/* The kinds of objects the model has */
typedef enum ObjKind
{
	KIND_UNKNOWN = 0,
	KIND_SCHEMA,
	KIND_EXTENSION,
	KIND_TABLE,
	KIND_COLUMN,
	KIND_CONSTRAINT,
	KIND_INDEX,
	KIND_SEQUENCE,
	KIND_VIEW,
	KIND_MATVIEW,
	KIND_FUNCTION,
	KIND_PROCEDURE,
	KIND_AGGREGATE,
	KIND_ENUM,
	KIND_DOMAIN,
	KIND_COMPOSITE,
	KIND_RANGE,
	KIND_TRIGGER,
	KIND_POLICY,
	KIND_COLLATION,
	KIND_EVENT_TRIGGER,
	KIND_PUBLICATION,
	KIND_STATISTICS,
	KIND_RULE,
	KIND_COMMENT,
	KIND_PRIVILEGES
} ObjKind;

extern ObjKind model_kind(const char *name);

/* One object of the model: what drift compares */
typedef struct ModelObject
{
	const char *kind;			/* "table", "column", "index", ... */
	ObjKind		kindid;			/* the same, for switches */
	char	   *identity;		/* schema-qualified, unique within kind */
	char	   *definition;		/* normalized: equal iff the objects match */
	int			rank;			/* of kind among the kinds, while sorting */
	struct ModelDetail *detail; /* for the diff engine, or NULL */
} ModelObject;

/*
 * What the diff engine needs of a table, column, sequence or view besides
 * its definition: the facts it writes DDL from.  Only a model read for a
 * diff (model_read_schema) has them.
 */
typedef struct ModelDetail
{
	Oid			relid;			/* relations, types, routines: the OID,
								 * whose order is the order of creation */
	char		relkind;
	char		persistence;
	bool		rls;
	bool		rls_forced;
	char	   *options;		/* reloptions as "{a=b}", or NULL */
	char	   *partkey;		/* partitioned table: "RANGE (a)" */
	char	   *partbound;		/* partition: "FOR VALUES ..." */
	char	   *parents;		/* partition or inheritance parents */
	char	   *query;			/* view and materialized view */
	char	   *server;			/* foreign table: "SERVER s OPTIONS (...)" */
	char	   *seqparams;		/* sequence: "AS integer START WITH 1 ..." */
	char	   *owned_by;		/* sequence: "public.t.c" */
	bool		seq_identity;	/* sequence of an identity column */
	char	   *cluster;		/* table: the index CLUSTER ON names, quoted */
	/* columns */
	char	   *table;			/* qualified name of its table */
	char	   *column;			/* its quoted name */
	int			attnum;
	char	   *type;			/* with modifier */
	Oid			typid;
	char	   *typext;			/* the extension the type belongs to, or NULL */
	int32		typmod;
	char	   *collation;		/* qualified, or NULL for the type's own */
	bool		notnull;
	char	   *dflt;			/* default expression, or NULL */
	char	   *generated;		/* generation expression, or NULL */
	char		identity;		/* attidentity */
	bool		inherited;		/* from a parent only (not attislocal) */
	int			inhcount;		/* how many parents give it (attinhcount) */
	int			stattarget;		/* SET STATISTICS, or -1 */
} ModelDetail;

typedef struct SchemaModel
{
	int			n;
	int			cap;
	ModelObject *objects;		/* sorted by kind, identity once built */
	struct ModelReading *rd;	/* while reading the catalogs (model_int.h) */
	bool		framed;			/* read for a diff of one schema, whose own
								 * object is the frame the diff leaves alone */
} SchemaModel;

/* One difference between two models */
typedef struct ModelChange
{
	const char *kind;
	const char *identity;
	const char *change;			/* "added", "removed", "changed" */
	const char *expected;
	const char *actual;
} ModelChange;

/* migrate.managed_schemas: the schemas the model covers */
extern void model_init(void);

extern SchemaModel *model_read_now(void);
extern SchemaModel *model_read_released(void);
extern SchemaModel *model_read_empty(void);
extern List *model_managed_list(void);
extern SchemaModel *model_read_set(List *schemas, bool framed);
extern SchemaModel *model_read_schema(const char *nspname);
extern char *model_transfer_out(SchemaModel *m, Size *len);
extern SchemaModel *model_transfer_in(const char *data, Size len);
extern ModelObject *model_find(SchemaModel *m, const char *kind,
							   const char *identity);
extern List *model_compare(SchemaModel *expected, SchemaModel *actual);
extern List *model_fold_inherited(List *changes, SchemaModel *expected,
								  SchemaModel *actual);
extern int	model_settle(SchemaModel *expected, SchemaModel *actual);
extern char *model_fingerprint(SchemaModel *m);
extern char *model_serialize(SchemaModel *m);
extern SchemaModel *model_deserialize_in_place(char *data, Size len);

#endif							/* MIGRATE_MODEL_H */
